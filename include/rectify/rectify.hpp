#pragma once
// rectify: the ReLU family of activations (ReLU, LeakyReLU, PReLU, ReLU6), forward, derivative
// and backward, vectorised with xsimd, bit for bit the numbers PyTorch gives.

#include "version.hpp"       // RECTIFY_VERSION_MAJOR / MINOR / PATCH
#include "config.hpp"        // RECTIFY_DISPATCH and the namespace the code is compiled into
#include "simd.hpp"          // xsimd, rectify::default_arch
#include "activations.hpp"   // the maths of each op, scalar and batch
#include "kernel_loop.hpp"   // the one loop that does the memory work
#include "prelu_walk.hpp"    // PReLU's walk over channels
#include "kernels.hpp"       // every kernel for one (Arch, T), unchecked
#include "kernel_table.hpp"  // the kernels of one instruction set as function pointers
#include "dispatch.hpp"      // rectify::dynamic_arch and active_isa(), in a dispatch build
#include "validation.hpp"    // the checks made at the API boundary
#include "api.hpp"           // relu_forward(x, y) and the other free functions
#include "functors.hpp"      // ReLU<T>, LeakyReLU<T>, PReLU<T>, ReLU6<T>
#include "executor.hpp"        // the executor concept: parallel_for(count, grain, fn)
#include "thread_pool.hpp"     // rectify::thread_pool, the portable executor
#include "execution.hpp"       // rectify::seq, rectify::par and their options
#include "parallel_kernels.hpp"  // every kernel split over an executor, unchecked
#include "parallel.hpp"        // relu_forward(rectify::par, x, y) and the other policy overloads
