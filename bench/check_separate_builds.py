#!/usr/bin/python3
"""Checks that the dispatch contestant's object keeps apart from the native build's code.

    bench/check_separate_builds.py librectify_bench_dispatch.a

The linker keeps one copy of each inline function, whatever flags built it. The dispatch
contestant's file is compiled without -march and with RECTIFY_DISPATCH; every rectify:: or timed
bench:: name it defines must therefore be in its own inline namespace (target_dispatch), and only
shared data and untimed checks may carry a name the native files also define. Its code must hold
no VEX or EVEX instruction: AVX code runs only through the dispatch library's table.
"""

import re
import subprocess
import sys

# bench:: names the two builds may share: the registry, the buffers, the list of failures and
# the output comparisons (none of them timed), and what the file defines for main.
SHARED = re.compile(r"\(anonymous namespace\)|bench::add_rectify_dispatch|bench::dispatch_isa|"
                    r"bench::compare_outputs|bench::compare_slope_gradients|bench::failures|"
                    r"bench::workload<|bench::entry")
VECTOR_EXTENSION = re.compile(r"%[yz]mm\d|%k[0-7]\b|^\s*[0-9a-f]+:\s+v\w+\s")


def main():
    archive = sys.argv[1]
    symbols = subprocess.run(["nm", "-C", "--defined-only", archive], capture_output=True,
                             text=True, check=True).stdout
    wrong = set()
    for line in symbols.splitlines():
        parts = line.split(" ", 2)
        if len(parts) < 3 or "target_dispatch" in parts[2]:
            continue
        name = parts[2]
        if "rectify::" in name or ("bench::" in name and not SHARED.search(name)):
            wrong.add(name)
    disassembly = subprocess.run(["objdump", "-d", "--no-show-raw-insn", archive],
                                 capture_output=True, text=True, check=True).stdout
    vector = [l.strip() for l in disassembly.splitlines() if VECTOR_EXTENSION.search(l)]
    for name in sorted(wrong):
        print("defined outside rectify::target_dispatch / bench::target_dispatch: " + name)
    for line in vector[:10]:
        print("VEX/EVEX instruction: " + line)
    if wrong or vector:
        return 1
    print("%s: every rectify and timed bench name in target_dispatch; no VEX/EVEX instruction"
          % archive)
    return 0


if __name__ == "__main__":
    sys.exit(main())
