#!/bin/sh
# check_kernel_symbols.sh NM OBJECT_OR_ARCHIVE...
#
# The linker keeps one copy of each inline function and template instance, from whichever object
# it meets first. Every symbol an object of kernels_<isa>.cpp makes visible to the linker must
# therefore be one that only code compiled for <isa> defines: a name in rectify::target_<isa>,
# an xsimd instance for that instruction set, or that object's table. Anything else (a std::
# algorithm, a scalar helper outside the namespace) could be picked for a baseline call site.
set -eu
nm_tool=$1
shift
symbols=${TMPDIR:-/tmp}/rectify_symbols.$$
trap 'rm -f "$symbols"' EXIT
# With several files nm heads each one's symbols with "file:", as it does each archive member.
"$nm_tool" -C --defined-only "$@" >"$symbols"
awk -v first="$1" '
  function enter(name) {
    isa = ""
    if (name ~ /kernels_avx512/) { isa = "avx512"; xsimd_pattern = "avx512" }
    else if (name ~ /kernels_avx2/) { isa = "avx2"; xsimd_pattern = "avx" }
    else if (name ~ /kernels_baseline/) { isa = "baseline"; xsimd_pattern = "" }
    if (isa != "" && !(name in seen)) checked++
    seen[name] = 1
  }
  BEGIN { checked = 0; bad = 0; enter(first) }
  /^$/ { next }
  /:$/ { name = $0; sub(/:$/, "", name); enter(name); next }
  {
    if (isa == "") next
    type = $2
    if (type !~ /^[A-Zuvw]$/ || type == "U") next
    symbol = $0
    sub(/^[0-9a-fA-F]* *[A-Za-z] /, "", symbol)
    if (index(symbol, "rectify::target_" isa "::") > 0) next
    if (symbol == "rectify::dispatch::" isa "_kernels") next
    if (symbol ~ /^(DW\.ref\.__gxx_personality_v0|__clang_call_terminate)$/) next
    if (index(symbol, "xsimd::") > 0 && index(symbol, xsimd_pattern) > 0) next
    print "kernels_" isa ": visible to the linker outside rectify::target_" isa ": " symbol
    bad++
  }
  END {
    if (checked == 0) { print "no kernels_<isa> object among the files given"; exit 1 }
    if (bad > 0) exit 1
    print checked " kernel objects: every symbol in its instruction set'"'"'s namespace"
  }
' "$symbols"
