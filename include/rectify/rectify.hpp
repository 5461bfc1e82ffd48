#pragma once
// rectify: the ReLU family of activations (ReLU, LeakyReLU, PReLU, ReLU6), forward, derivative
// and backward, vectorised with xsimd, bit for bit the numbers PyTorch gives.

#include "activations.hpp"  // the maths of each op, scalar and batch
#include "api.hpp"          // relu_forward(x, y) and the other free functions
#include "functors.hpp"     // ReLU<T>, LeakyReLU<T>, PReLU<T>, ReLU6<T>
#include "kernel_loop.hpp"  // the one loop that does the memory work
#include "kernels.hpp"      // every kernel for one (Arch, T), unchecked
#include "prelu_walk.hpp"   // PReLU's walk over channels
#include "simd.hpp"         // xsimd, rectify::default_arch
#include "validation.hpp"   // the checks made at the API boundary
#include "version.hpp"      // RECTIFY_VERSION_MAJOR / MINOR / PATCH
