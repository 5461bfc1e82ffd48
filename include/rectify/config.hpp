#pragma once
// What every header needs to know about how it is being compiled.
//
// RECTIFY_DISPATCH, defined by the rectify::dispatch CMake target, makes the instruction set
// chosen at run time the default one (dispatch.hpp); without it the compiler's flags choose.
//
// Everything rectify defines lives in an inline namespace, rectify::RECTIFY_TARGET_NAMESPACE,
// that users never write. The linker keeps one copy of each inline function and template
// instance, whichever translation unit it comes from, so code compiled with different
// instruction sets must not share names: the dispatch library compiles the kernels once per
// instruction set, each in a namespace of its own (target_avx512, ...), and a scalar helper
// compiled with AVX-512 flags can never be picked for a baseline call site. Header-only and
// dispatch translation units in one program keep apart for the same reason.
#ifndef RECTIFY_TARGET_NAMESPACE
#ifdef RECTIFY_DISPATCH
#define RECTIFY_TARGET_NAMESPACE target_dispatch
#else
#define RECTIFY_TARGET_NAMESPACE target_default
#endif
#endif

// For the loop that does the work of every kernel (kernel_loop.hpp): it must be inlined into each
// kernel, so that the op and its captured parameters stay in registers. Compiled out of line
// (as a dispatched kernel is), GCC 12 otherwise keeps the AVX-512 LeakyReLU loops apart and
// reloads the slope from memory on every iteration.
#if defined(__GNUC__)
#define RECTIFY_ALWAYS_INLINE [[gnu::always_inline]] inline
#elif defined(_MSC_VER)
#define RECTIFY_ALWAYS_INLINE __forceinline
#else
#define RECTIFY_ALWAYS_INLINE inline
#endif
// The same for a lambda that holds that loop and is called many times over, such as once per
// channel run: written after the lambda's parameter list. Out of line, each call of a 64-element
// run pays a call, the saving of registers and a vzeroupper, and reloads what the loop keeps in
// registers.
#if defined(__GNUC__)
#define RECTIFY_INLINE_LAMBDA __attribute__((always_inline))
#else
#define RECTIFY_INLINE_LAMBDA
#endif
