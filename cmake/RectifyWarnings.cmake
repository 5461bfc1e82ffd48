# Warnings for rectify's own targets (tests, examples, benchmark); xsimd comes in as a system
# header, so its warnings are not ours.
function(rectify_target_warnings target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 $<$<BOOL:${RECTIFY_WARNINGS_AS_ERRORS}>:/WX>)
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
      -Wsign-conversion $<$<BOOL:${RECTIFY_WARNINGS_AS_ERRORS}>:-Werror>)
  endif()
endfunction()
