# Runs an example and compares what it prints with its expected output, exactly.
# Usage: cmake -D PROGRAM=<example> -D EXPECTED=<expected output file> [-D EMULATOR=<command>]
#        -P check_output.cmake
execute_process(COMMAND ${EMULATOR} "${PROGRAM}" RESULT_VARIABLE status OUTPUT_VARIABLE actual
                ERROR_VARIABLE errors)
# A Windows console or checkout may end lines with \r\n.
string(REPLACE "\r\n" "\n" actual "${actual}")
file(READ "${EXPECTED}" expected)
string(REPLACE "\r\n" "\n" expected "${expected}")
if(status EQUAL 0 AND actual STREQUAL expected)
  return()
endif()

# Keep what was printed beside the program, to compare or to adopt after an intended change.
set(printed "${PROGRAM}.output.txt")
file(WRITE "${printed}" "${actual}")
find_program(DIFF_PROGRAM diff)
if(DIFF_PROGRAM)
  execute_process(COMMAND "${DIFF_PROGRAM}" -u "${EXPECTED}" "${printed}")
else()
  message("--- printed:\n${actual}")
endif()
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${status}: ${errors}")
endif()
message(FATAL_ERROR "${PROGRAM} printed ${printed}, which differs from ${EXPECTED}")
