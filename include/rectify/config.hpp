#pragma once
// What every header needs to know about how it is being compiled.
//
// Everything rectify defines lives in an inline namespace, rectify::RECTIFY_TARGET_NAMESPACE,
// that users never write. The linker keeps one copy of each inline function and template
// instance, whichever translation unit it comes from, so code compiled with different
// instruction sets must not share names: the dispatch library compiles the kernels once per
// instruction set, each in a namespace of its own (target_avx512, ...), and a scalar helper
// compiled with AVX-512 flags can never be picked for a baseline call site.
#ifndef RECTIFY_TARGET_NAMESPACE
#define RECTIFY_TARGET_NAMESPACE target_default
#endif
