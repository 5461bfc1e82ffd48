# rectify_add_dispatch_library(<name> <STATIC|OBJECT> <source_dir>)
#
# The library behind rectify::dispatch: dispatch.cpp, which chooses the instruction set once at
# run time, and one translation unit of kernels per instruction set, each compiled with that
# set's flags and nothing else of rectify's. rectify's own build calls this on src/; the
# installed package's rectifyConfig.cmake calls it on the installed copy of src/, so the kernels
# are compiled in the consumer's build, by the consumer's compiler, like the headers.
#
# Compile the library without -march or -m<isa> flags of your own: its baseline translation
# units must run on every CPU of the target.
function(rectify_add_dispatch_library name kind source_dir)
  add_library(${name} ${kind} EXCLUDE_FROM_ALL
    ${source_dir}/dispatch.cpp
    ${source_dir}/kernels_baseline.cpp)
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64|x64)$")
    # Each set's flags here must be checked for in dispatch.cpp before its kernels run.
    target_sources(${name} PRIVATE ${source_dir}/kernels_avx2.cpp ${source_dir}/kernels_avx512.cpp)
    set_source_files_properties(${source_dir}/kernels_avx2.cpp PROPERTIES
      COMPILE_OPTIONS "-mavx2;-mfma")
    set_source_files_properties(${source_dir}/kernels_avx512.cpp PROPERTIES
      COMPILE_OPTIONS "-mavx512f;-mavx512cd;-mavx512bw;-mavx512dq;-mavx512vl;-mfma")
  endif()
  # Out of line, each kernel is a small function, and inlining the loop's body into it (as a
  # header-only caller does) grows its stack frame past GCC's large-stack-frame-growth limit
  # (1000 %): GCC then leaves the body in a function of its own that reloads the kernel's
  # parameters from memory on every iteration, e.g. LeakyReLU's slope, 0.8x the header-only
  # speed at 4K floats. Clang inlines it as it is.
  target_compile_options(${name} PRIVATE
    $<$<CXX_COMPILER_ID:GNU>:--param=large-stack-frame-growth=10000>)
  target_link_libraries(${name} PUBLIC rectify::rectify)
  target_compile_definitions(${name} PUBLIC RECTIFY_DISPATCH)
  # So that it can be linked into shared libraries as well as programs.
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()

# Whether this compiler can build the dispatch library: the x86-64 kernels are compiled with
# GCC/Clang flags and detected with their builtins.
function(rectify_dispatch_supported result)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    set(${result} TRUE PARENT_SCOPE)
  else()
    set(${result} FALSE PARENT_SCOPE)
  endif()
endfunction()
