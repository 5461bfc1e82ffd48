# Finds xsimd (8.x from Debian 12 or 13.x/14.x from upstream: no version is asked for, since each
# major version only accepts requests for itself) and repairs what Debian's 8.1 package gets wrong.
macro(rectify_find_xsimd)
  if(NOT TARGET xsimd)
    find_package(xsimd REQUIRED)
  endif()
  # xsimd 8.1's exported target links "xtl" whether or not xtl was found, which ends in
  # "ld: cannot find -lxtl". rectify uses nothing of xtl: an empty target satisfies the name.
  get_target_property(_rectify_xsimd_links xsimd INTERFACE_LINK_LIBRARIES)
  if(_rectify_xsimd_links MATCHES "(^|;)xtl(;|$)" AND NOT TARGET xtl)
    find_package(xtl QUIET)
    if(NOT TARGET xtl)
      add_library(xtl INTERFACE IMPORTED)
    endif()
  endif()
  unset(_rectify_xsimd_links)
endmacro()
