#!/bin/sh
# check_baseline_code.sh OBJDUMP PROGRAM
#
# Disassembles a program built with no instruction-set flags and linked with rectify::dispatch,
# and checks that every function holding an AVX or AVX-512 instruction (VEX or EVEX encoded:
# a v-prefixed mnemonic, a YMM, ZMM or opmask register) is one of the dispatch library's
# AVX2/AVX-512 kernels. Code anywhere else runs before, or instead of, the check of what the
# CPU supports. It also checks that such kernels were found, so a disassembly this script no
# longer understands fails rather than passes.
set -eu
objdump_tool=$1
program=$2
"$objdump_tool" -d -C --no-show-raw-insn "$program" | awk '
  /^[0-9a-f]+ <.*>:$/ {
    function_name = $0
    sub(/^[0-9a-f]+ </, "", function_name)
    sub(/>:$/, "", function_name)
    reported = 0
    next
  }
  # GNU objdump puts a tab after the address, llvm-objdump spaces and a tab.
  /^ *[0-9a-f]+:[ \t]/ {
    instruction = $0
    sub(/^ *[0-9a-f]+:[ \t]+/, "", instruction)
    mnemonic = instruction
    sub(/ .*/, "", mnemonic)
    vector = (mnemonic ~ /^v/ && mnemonic !~ /^ver[rw]$/) || instruction ~ /%[yz]mm[0-9]|%k[0-7]/
    if (!vector) next
    if (function_name ~ /rectify::target_avx(2|512)::/ ||
        (function_name ~ /^xsimd::/ && function_name ~ /avx/)) {
      kernels[function_name] = 1
      next
    }
    if (!reported) {
      print "AVX instruction outside the dispatched kernels, in " function_name ": " instruction
      reported = 1
      bad++
    }
  }
  END {
    count = 0
    for (name in kernels) count++
    if (count == 0) { print "no AVX2/AVX-512 kernel found in the program"; exit 1 }
    if (bad > 0) exit 1
    print count " functions hold AVX instructions, all of them dispatched kernels"
  }
'
