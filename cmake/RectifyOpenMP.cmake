# rectify::openmp: rectify::rectify compiled with OpenMP, so that rectify::par runs on OpenMP's
# threads instead of rectify's own pool. Defined only when the compiler supports OpenMP; a
# program that does not link it needs nothing but the standard thread library.
macro(rectify_define_openmp_target)
  if(NOT TARGET rectify::openmp)
    find_package(OpenMP QUIET COMPONENTS CXX)
    if(OpenMP_CXX_FOUND)
      add_library(rectify::openmp INTERFACE IMPORTED)
      target_link_libraries(rectify::openmp INTERFACE rectify::rectify OpenMP::OpenMP_CXX)
    endif()
  endif()
endmacro()
