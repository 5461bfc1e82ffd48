#!/usr/bin/python3
"""Turns rectify_bench's Google Benchmark JSON into the table and the plots.

    bench/report.py RESULTS.json [SCALING.json] [--binary build/bench/rectify_bench]
                    [--out-dir DIR] [--no-plot]

Prints the table (GB/s = bytes read + written per second, median of the repetitions), and writes
table.txt, table.md and one PNG per element type and placement to --out-dir. PReLU's odd layouts
(C = 3, 67, inner = 7) get a block and a PNG of their own, each row compared with the C = 64 row
of the same op. With --binary, it
disassembles the plain scalar loops to say whether the compiler vectorised them. A second JSON
(or the same one) may hold the thread-scaling block (rectify_bench --scaling), which gets a table
of its own with the thread count as a column.
"""

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
from collections import OrderedDict

# Below this ratio to the best other contestant, a row is listed as rectify being behind; above
# it, the difference is within the run-to-run noise of a shared machine. The same bound is the
# target of the dispatch build against the native one, and of a parallel call that must stay
# serial (small buffers) against the serial call.
NOISE = 0.95

CONTESTANTS = OrderedDict([
    ("rectify", "rectify"),
    ("rectify_dispatch", "rectify dispatch"),
    ("plain_loop", "plain loop"),
    ("eigen", "Eigen"),
    ("onednn", "oneDNN"),
])

# rectify's own builds: never a yardstick for rectify.
RECTIFY_BUILDS = ("rectify", "rectify_dispatch")

# Targets of the thread-scaling block (the parallel call over the serial one): forward ops out of
# place at DRAM sizes, PReLU's backward with dw likewise, and no loss where the grain keeps the
# call serial.
SCALING_LARGE = 16 << 20
SCALING_SMALL = 64 << 10
FORWARD_TARGET = 1.8
PRELU_BACKWARD_TARGET = 1.6

# PReLU's odd layouts (bench/ops.hpp): the main row's name and "_inner<k>" and/or "_c<C>", e.g.
# prelu_backward_channels_last_c67. Their rows form a block of their own, each compared with
# the C = 64 row of the same op at the nearest size; the target is this ratio or more.
ODD_LAYOUT = re.compile(r"^(prelu_[a-z]+_channels_(?:first|last))(?:_inner\d+)?(?:_c\d+)?$")
ODD_LAYOUT_TARGET = 0.8


def main_op_of(op):
    """The C = 64 op an odd-layout op is compared with, or None for a main op."""
    m = ODD_LAYOUT.match(op)
    return m.group(1) if m and m.group(1) != op else None


def parse_name(name):
    """'<op>/<type>/<placement>/<contestant>/<n>[/<k>_threads]' -> its parts; threads is None
    outside the thread-scaling block."""
    # Google Benchmark appends "/real_time" (and "/min_time:..." and the like) to its names.
    parts = [p for p in name.split("/") if p != "real_time" and ":" not in p]
    op, element, placement, contestant, n = parts[:5]
    threads = None
    if len(parts) == 6:
        threads = int(re.match(r"(\d+)_threads?$", parts[5]).group(1))
    return op, element, placement, contestant, int(n), threads


def load(paths):
    """Every result of the given JSON files; the context of the first file of each block."""
    results, errors, repetitions, contexts = {}, [], set(), {}
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        have_aggregates = any(b.get("run_type") == "aggregate" for b in data["benchmarks"])
        scaling = False
        # In registration order, which --benchmark_enable_random_interleaving does not keep.
        benchmarks = sorted(data["benchmarks"], key=lambda b: b.get("family_index", 0))
        for b in benchmarks:
            if have_aggregates:
                repetitions.add(b.get("repetitions", 1))
            if b.get("error_occurred"):
                errors.append("%s: %s" % (b.get("run_name", b["name"]), b.get("error_message", "")))
                continue
            if have_aggregates and b.get("aggregate_name") != "median":
                continue
            key = parse_name(b.get("run_name", b["name"]))
            scaling = scaling or key[5] is not None
            label = b.get("label", "")
            arch, _, check = label.partition("; check: ")
            results[key] = {"gbps": b["bytes_per_second"] / 1e9, "arch": arch, "check": check}
        contexts.setdefault("scaling" if scaling else "contestants", data["context"])
    return contexts, results, errors, repetitions


def vectorised_plain_loops(binary):
    """{(op, type): True/False} from the disassembly of the plain loops, or {} if unavailable.

    Every op compares each element, so a plain loop counts as vectorised when one of its loops
    (a backward jump) both compares whole vectors (cmp..ps/pd) and stores whole vectors
    (movups/movupd/movaps/movapd to memory). A loop that only clears dw, or a vector path the
    compiler emits but does not take for the data at hand, does not count; the scalar code uses
    the ss/sd forms.
    """
    objdump = shutil.which("objdump")
    if not binary or not objdump or not os.path.exists(binary):
        return {}
    text = subprocess.run([objdump, "-d", "-C", "--no-show-raw-insn", binary],
                          capture_output=True, text=True, check=True).stdout
    # The native build's loops only (bench::target_default::plain_loop): the dispatch
    # contestant's file has its own copies, compiled without -march, for its check.
    header = re.compile(r"^[0-9a-f]+ <(?:\S+ )?bench::(?:target_default::)?plain_loop::(\w+)<"
                        r"(?:testing::(\w+)_k, )?(float|double)>\(")
    instruction = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$")
    vector_compare = re.compile(r"^v?cmp\w*p[sd]$")
    vector_store = re.compile(r"^v?mov[au]p[sd]$")

    def has_vector_loop(body):
        for i, (address, mnemonic, operands) in enumerate(body):
            target = re.match(r"([0-9a-f]+) <", operands)
            if not mnemonic.startswith("j") or not target or int(target.group(1), 16) >= address:
                continue
            loop = [b for b in body[:i + 1] if b[0] >= int(target.group(1), 16)]
            compares = any(vector_compare.match(m) for _, m, _ in loop)
            stores = any(vector_store.match(m) and o.endswith(")") for _, m, o in loop)
            if compares and stores:
                return True
        return False

    found, current, body = {}, None, []
    for line in text.splitlines() + [""]:
        m = header.match(line)
        if m:
            function, kernel, element = m.groups()
            current, body = ((kernel or function), element), []
            continue
        i = instruction.match(line)
        if current and i:
            body.append((int(i.group(1), 16), i.group(2), i.group(3)))
        elif current and not line.strip():
            # A function may exist twice (one copy per translation unit): either copy counts.
            found[current] = found.get(current, False) or has_vector_loop(body)
            current = None
    return found


def size_text(n):
    for unit, scale in (("M", 1 << 20), ("K", 1 << 10)):
        if n >= scale and n % scale == 0:
            return "%d%s" % (n // scale, unit)
    return str(n)


def build_tables(results, vectorised):
    """Rows per (type, placement, odd layouts) block of the contestants, in the order the
    benchmark ran them."""
    blocks = OrderedDict()
    for (op, element, placement, contestant, n, threads) in results:
        if op == "memcpy" or threads is not None:
            continue
        odd = main_op_of(op) is not None
        block = blocks.setdefault((element, placement, odd), OrderedDict())
        block.setdefault(op, set()).add(n)
    present = [c for c in CONTESTANTS if any(k[3] == c and k[5] is None for k in results)]
    tables, behind, mismatches, dispatch_behind = OrderedDict(), [], [], []
    for (element, placement, odd), ops in blocks.items():
        rows = []
        for op, sizes in ops.items():
            for n in sorted(sizes):
                copy = results.get(("memcpy", element, "out_of_place", "memcpy", n, None))
                row = {"op": op, "n": n, "memcpy": copy["gbps"] if copy else None, "cells": {}}
                for c in present:
                    r = results.get((op, element, placement, c, n, None))
                    if r is None:
                        continue
                    row["cells"][c] = r
                    if r["check"].startswith("MISMATCH"):
                        mismatches.append("%s %s %s n=%d %s: %s" % (op, element, placement, n,
                                                                     CONTESTANTS[c], r["check"]))
                # A contestant whose output is wrong is no yardstick.
                others = [(r["gbps"], c) for c, r in row["cells"].items()
                          if c not in RECTIFY_BUILDS and not r["check"].startswith("MISMATCH")]
                if "rectify" in row["cells"] and others:
                    best, best_name = max(others)
                    row["ratio"] = row["cells"]["rectify"]["gbps"] / best
                    row["best"] = best_name
                    if row["ratio"] < 1:
                        behind.append((element, placement, op, n, row["ratio"], best_name))
                if "rectify" in row["cells"] and "rectify_dispatch" in row["cells"]:
                    row["dispatch"] = (row["cells"]["rectify_dispatch"]["gbps"] /
                                       row["cells"]["rectify"]["gbps"])
                    if round(row["dispatch"], 2) < NOISE:
                        dispatch_behind.append((element, placement, op, n, row["dispatch"]))
                # An odd layout runs the C = 64 row's plain loop, whose vector loop may not be
                # taken for its C or inner: the disassembly cannot say.
                row["vectorised"] = None if odd else vectorised.get((op, element))
                rows.append(row)
        tables[(element, placement, odd)] = rows
    odd_layout_behind = compare_odd_layouts(results, tables)
    return present, tables, behind, mismatches, dispatch_behind, odd_layout_behind


def compare_odd_layouts(results, tables):
    """Sets "main" (rectify's GB/s over its C = 64 row of the same op, type and placement, at the
    nearest size, within a factor of 1.5) and "main_n" in every odd-layout row that has one;
    returns the rows below ODD_LAYOUT_TARGET."""
    below = []
    for (element, placement, odd), rows in tables.items():
        if not odd:
            continue
        for row in rows:
            mine = row["cells"].get("rectify")
            main = main_op_of(row["op"])
            sizes = [k[4] for k in results if k[0] == main and k[1] == element and
                     k[2] == placement and k[3] == "rectify" and k[5] is None]
            if mine is None or not sizes:
                continue
            n = min(sizes, key=lambda m: abs(math.log(m / row["n"])))
            if max(n, row["n"]) > 1.5 * min(n, row["n"]):
                continue
            theirs = results[(main, element, placement, "rectify", n, None)]
            row["main"] = mine["gbps"] / theirs["gbps"]
            row["main_n"] = n
            if round(row["main"], 2) < ODD_LAYOUT_TARGET:
                below.append((element, placement, row["op"], row["n"], row["main"], n))
    return below


def render(present, rows, markdown, odd=False):
    head = ["op", "n", "memcpy"] + [CONTESTANTS[c] for c in present]
    head += ["rectify/best"]
    dispatch = "rectify_dispatch" in present
    if dispatch:
        head += ["dispatch/native"]
    if odd:
        head += ["vs C=64"]
    head += ["loop vec."]
    lines = []
    for row in rows:
        cells = [row["op"], size_text(row["n"]),
                 "%.1f" % row["memcpy"] if row["memcpy"] else "-"]
        for c in present:
            r = row["cells"].get(c)
            if r is None:
                cells.append("-")
                continue
            text = "%.1f" % r["gbps"]
            if row["memcpy"]:
                text += " (%.2f)" % (r["gbps"] / row["memcpy"])
            if r["check"].startswith("MISMATCH"):
                text += " !"
            cells.append(text)
        cells.append("%.2f (%s)" % (row["ratio"], CONTESTANTS[row["best"]]) if "ratio" in row else "-")
        if dispatch:
            cells.append("%.2f" % row["dispatch"] if "dispatch" in row else "-")
        if odd:
            cells.append("%.2f (%s)" % (row["main"], size_text(row["main_n"])) if "main" in row
                         else "-")
        v = row["vectorised"]
        cells.append("?" if v is None else ("yes" if v else "no"))
        lines.append(cells)
    return layout(head, lines, markdown)


def layout(head, lines, markdown):
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(cells) + " |" for cells in lines]
        return "\n".join(out)
    widths = [max(len(x[i]) for x in [head] + lines) for i in range(len(head))]
    fmt = lambda cells: "  ".join(c.ljust(w) if i < 2 else c.rjust(w)
                                  for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([fmt(head), fmt(["-" * w for w in widths])] + [fmt(c) for c in lines])


def scaling_target(op, n):
    """The least speedup the parallel call must reach for op at n elements, or None."""
    if n <= SCALING_SMALL:
        return NOISE
    if n >= SCALING_LARGE:
        if op.startswith("prelu_backward"):
            return PRELU_BACKWARD_TARGET
        if "_forward" in op:
            return FORWARD_TARGET
    return None


def build_scaling(results):
    """Rows per (op, n, threads) of the thread-scaling block: GB/s of rectify and of memcpy, and
    each over its one-thread figure at the same size; and the rows that miss a target."""
    keys = [k for k in results if k[5] is not None]
    if not keys:
        return [], []
    element, placement = keys[0][1], keys[0][2]
    ops = list(OrderedDict((k[0], None) for k in keys if k[0] != "memcpy"))
    sizes = sorted(set(k[4] for k in keys))
    counts = sorted(set(k[5] for k in keys))
    rows, missed = [], []
    for op in ops:
        for n in sizes:
            one = results.get((op, element, placement, "rectify", n, 1))
            copy_one = results.get(("memcpy", element, "out_of_place", "memcpy", n, 1))
            for k in counts:
                r = results.get((op, element, placement, "rectify", n, k))
                copy = results.get(("memcpy", element, "out_of_place", "memcpy", n, k))
                if r is None:
                    continue
                row = {"op": op, "n": n, "threads": k, "gbps": r["gbps"], "check": r["check"],
                       "memcpy": copy["gbps"] if copy else None,
                       "speedup": r["gbps"] / one["gbps"] if one else None,
                       "memcpy_speedup": copy["gbps"] / copy_one["gbps"] if copy and copy_one
                       else None}
                target = scaling_target(op, n) if k > 1 else None
                row["target"] = target
                if target is not None and row["speedup"] is not None and \
                        round(row["speedup"], 2) < target:
                    missed.append(row)
                rows.append(row)
    return rows, missed


def render_scaling(rows, markdown):
    head = ["op", "n", "threads", "memcpy", "rectify", "rectify / 1 thread",
            "memcpy / 1 thread", "target"]
    lines = []
    for row in rows:
        text = "%.1f" % row["gbps"] + (" !" if row["check"].startswith("MISMATCH") else "")
        lines.append([row["op"], size_text(row["n"]), str(row["threads"]),
                      "%.1f" % row["memcpy"] if row["memcpy"] else "-", text,
                      "%.2f" % row["speedup"] if row["speedup"] else "-",
                      "%.2f" % row["memcpy_speedup"] if row["memcpy_speedup"] else "-",
                      ">= %.2f" % row["target"] if row["target"] else ""])
    return layout(head, lines, markdown)


def describe_context(context):
    keys = ("cpu_model", "num_cpus", "compiler", "flags", "rectify_arch", "date", "mode")
    c = {k: context.get(k, "?") for k in keys}
    text = ("%(cpu_model)s (%(num_cpus)s CPUs), %(compiler)s, flags %(flags)s, rectify on "
            "%(rectify_arch)s" % c)
    if "rectify_dispatch_isa" in context:
        text += ", rectify::dispatch on %s (active_isa())" % context["rectify_dispatch_isa"]
    if "cpus" in context:
        text += ", run on CPU(s) %s" % context["cpus"]
    if context.get("load_avg"):
        text += ", load average %.1f at the start" % context["load_avg"][0]
    return text + "; %(mode)s mode, %(date)s" % c


def labels_of(results):
    """The implementations each contestant ran, as its labels name them."""
    seen = OrderedDict()
    for (op, element, placement, contestant, n, threads), r in results.items():
        if contestant != "memcpy" and threads is None:
            seen.setdefault(contestant, OrderedDict())[r["arch"]] = None
    return OrderedDict((c, " / ".join(archs)) for c, archs in seen.items())


def plot(context, results, present, tables, out_dir):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is missing: no plot (Debian: python3-matplotlib)", file=sys.stderr)
        return []
    styles = {"rectify": dict(color="tab:red", linewidth=2.2, marker="o"),
              "rectify_dispatch": dict(color="tab:orange", linestyle=":", marker="o"),
              "plain_loop": dict(color="tab:blue", marker="s"),
              "eigen": dict(color="tab:green", marker="^"),
              "onednn": dict(color="tab:purple", marker="v")}
    written = []
    for (element, placement, odd), rows in tables.items():
        ops = list(OrderedDict((r["op"], None) for r in rows))
        columns = 4
        lines = (len(ops) + columns - 1) // columns
        fig, axes = plt.subplots(lines, columns, figsize=(4.2 * columns, 3.0 * lines),
                                 squeeze=False, sharex=True)
        for ax, op in zip(axes.flat, ops):
            op_rows = [r for r in rows if r["op"] == op]
            sizes = [r["n"] for r in op_rows]
            ax.plot(sizes, [r["memcpy"] for r in op_rows], color="black", linestyle="--",
                    label="memcpy")
            for c in present:
                points = [(r["n"], r["cells"][c]["gbps"]) for r in op_rows if c in r["cells"]]
                if points:
                    ax.plot(*zip(*points), label=CONTESTANTS[c], **styles[c])
            ax.set_xscale("log", base=2)
            ax.set_title(op, fontsize=9)
            ax.set_ylabel("GB/s", fontsize=8)
            ax.tick_params(labelsize=7)
            ax.grid(True, which="both", alpha=0.3)
        for ax in list(axes.flat)[len(ops):]:
            ax.axis("off")
        for ax in axes[-1]:
            ax.set_xlabel("elements", fontsize=8)
        handles, names = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, names, loc="upper right", ncol=len(names), fontsize=9)
        fig.suptitle("rectify benchmark, %s: GB/s (read + written), median\n%s"
                     % (block_title(element, placement, odd), describe_context(context)),
                     fontsize=9, x=0.01, ha="left")
        fig.tight_layout(rect=(0, 0, 1, 0.95))
        path = os.path.join(out_dir, "bench_%s_%s%s.png"
                            % (element, placement, "_prelu_odd_layouts" if odd else ""))
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written


def block_title(element, placement, odd):
    return "%s, %s%s" % (element, placement.replace("_", " "), ", PReLU odd layouts" if odd else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json", nargs="+", help="the contestants' JSON and/or the scaling JSON")
    parser.add_argument("--binary", help="rectify_bench, to see if the plain loops were vectorised")
    parser.add_argument("--out-dir", default=None)
    parser.add_argument("--no-plot", action="store_true")
    args = parser.parse_args()

    contexts, results, errors, repetitions = load(args.json)
    vectorised = vectorised_plain_loops(args.binary)
    present, tables, behind, mismatches, dispatch_behind, odd_layout_behind = \
        build_tables(results, vectorised)
    scaling_rows, scaling_missed = build_scaling(results)
    mismatches += ["%s float out_of_place n=%d %d thread(s) rectify: %s"
                   % (r["op"], r["n"], r["threads"], r["check"])
                   for r in scaling_rows if r["check"].startswith("MISMATCH")]
    fewest, most = (min(repetitions), max(repetitions)) if repetitions else (1, 1)
    if most == 1:
        runs = "one run"
    elif fewest == most:
        runs = "median of %d runs" % most
    else:
        runs = "median of %d runs, %d for the rows from memory" % (fewest, most)
    context = contexts.get("contestants") or contexts.get("scaling") or {}

    def document(markdown):
        out = []
        # In markdown, paragraphs need a blank line between them and list items a marker.
        gap = [""] if markdown else []
        item = "- " if markdown else "  "
        out.append("rectify benchmark: " + describe_context(context))
        if tables:
            out += gap
            out.append("GB/s = bytes read + written per second (%s, CPU time), and in parentheses "
                       "the ratio to memcpy of as many elements. rectify/best: rectify's GB/s over "
                       "the best other contestant's (memcpy and rectify's dispatch build excluded). "
                       "dispatch/native: rectify built with no -march and linked to "
                       "rectify::dispatch, over rectify built with the flags above (header-only). "
                       "loop vec.: whether the compiler vectorised the plain loop." % runs)
            out += gap
            out.append("Implementations: " + "; ".join(
                "%s = %s" % (CONTESTANTS.get(c, c), arch) for c, arch in labels_of(results).items()))
        for (element, placement, odd), rows in tables.items():
            out.append("")
            out.append(("### " if markdown else "== ") + block_title(element, placement, odd))
            out.append("")
            if odd:
                out.append("PReLU in the layouts a vector loop finds awkward: channels-last with "
                           "C = 3 and 67 (_c3, _c67), channels-first with inner = 7 and C = 64 "
                           "over a batch (_inner7); n is the multiple of C * inner nearest the "
                           "size of the main rows. vs C=64: rectify's GB/s over rectify's in the "
                           "C = 64 row of the same op and layout (size in parentheses); the target "
                           "is %.1f or more. loop vec. is unknown (?) here: the plain loop is the "
                           "C = 64 row's function, and whether it takes its vector loop depends "
                           "on C and inner." % ODD_LAYOUT_TARGET)
                out.append("")
            out.append(render(present, rows, markdown, odd))
        if scaling_rows:
            scaling_context = contexts["scaling"]
            out.append("")
            out.append(("### " if markdown else "== ") + "float, out of place, by thread count")
            out.append("")
            load = scaling_context.get("load_avg") or [float("nan")]
            out.append("rectify's serial call (1 thread) and the same call with rectify::par on a "
                       "thread_pool of %s threads, %s, run on CPU(s) %s, load average %.1f at the "
                       "start (%s CPUs). GB/s by the clock on the wall (median). x / 1 thread: over "
                       "the 1-thread figure of the same size; memcpy split the same way is the "
                       "ceiling this machine's memory sets. %s"
                       % (scaling_context.get("threads", "?"), scaling_context.get("date", "?"),
                          scaling_context.get("cpus", "any"), load[0],
                          scaling_context.get("num_cpus", "?"),
                          "Targets: %.1f for forward ops and %.1f for PReLU's backward with dw at "
                          "%s and above; %.2f (the grain keeps the call serial) at %s and below."
                          % (FORWARD_TARGET, PRELU_BACKWARD_TARGET, size_text(SCALING_LARGE),
                             NOISE, size_text(SCALING_SMALL))))
            out.append("")
            out.append(render_scaling(scaling_rows, markdown))
        out.append("")
        checked = [(c, r["check"]) for rows in tables.values() for row in rows
                   for c, r in row["cells"].items()]
        checked += [("rectify", r["check"]) for r in scaling_rows]
        zero_signs = sorted(set(CONTESTANTS[c] for c, check in checked if "sign of zero" in check))
        out.append("Checks: %d outputs compared before timing (rectify's with the plain scalar "
                   "reference, the others' with rectify's), %d mismatch(es)." %
                   (len(checked), len(mismatches)) +
                   (" Allowed differences in the sign of zero (a backward giving -0 for a "
                    "negative dy where PyTorch gives +0): %s." % ", ".join(zero_signs)
                    if zero_signs else ""))
        if mismatches:
            out += gap
            out.append("MISMATCHES (marked !):")
            out += gap
            out += [item + m for m in mismatches]
        if errors:
            out += gap
            out.append("ERRORS:")
            out += gap
            out += [item + e for e in errors]
        if tables:
            # Compared as printed, so that a row shown as 0.95 is not listed as behind by more.
            clearly = [b for b in behind if round(b[4], 2) < NOISE]
            if clearly:
                out += gap
                out.append("rectify is behind a baseline by more than %d%% in %d row(s):"
                           % (round(100 * (1 - NOISE)), len(clearly)))
                out += gap
                out += [item + "%s %s %s n=%s: %.2f x %s" % (op, element, placement, size_text(n),
                                                             ratio, CONTESTANTS[best])
                        for element, placement, op, n, ratio, best in clearly]
            close = len(behind) - len(clearly)
            if close:
                out += gap
                out.append("rectify is behind by less than that, within this kind of run's "
                           "noise, in %d more row(s) (ratio in [%.2f, 1))." % (close, NOISE))
            if not behind:
                out += gap
                out.append("rectify is ahead of every baseline in every row.")
        if any(odd for (_, _, odd) in tables):
            out += gap
            if odd_layout_behind:
                out.append("rectify's PReLU in an odd layout is below %.1f x its C = 64 figure in "
                           "%d row(s):" % (ODD_LAYOUT_TARGET, len(odd_layout_behind)))
                out += gap
                out += [item + "%s %s %s n=%s: %.2f x the C = 64 row at %s"
                        % (op, element, placement, size_text(n), ratio, size_text(main_n))
                        for element, placement, op, n, ratio, main_n in odd_layout_behind]
            else:
                out.append("rectify's PReLU in every odd layout is at %.1f x its C = 64 figure or "
                           "better." % ODD_LAYOUT_TARGET)
        if "rectify_dispatch" in present:
            compared = sum(1 for rows in tables.values() for row in rows if "dispatch" in row)
            out += gap
            if dispatch_behind:
                out.append("rectify dispatch is below %.2f x native in %d of %d row(s):"
                           % (NOISE, len(dispatch_behind), compared))
                out += gap
                out += [item + "%s %s %s n=%s: %.2f" % (op, element, placement, size_text(n), ratio)
                        for element, placement, op, n, ratio in dispatch_behind]
            else:
                out.append("rectify dispatch is at %.2f x native or better in all %d rows."
                           % (NOISE, compared))
        if scaling_rows:
            out += gap
            if scaling_missed:
                out.append("The parallel call misses its target in %d row(s) (memcpy on as many "
                           "threads, same size, for the ceiling):" % len(scaling_missed))
                out += gap
                out += [item + "%s n=%s, %d threads: %.2f x 1 thread, target %.2f; memcpy %.2f x"
                        % (r["op"], size_text(r["n"]), r["threads"], r["speedup"], r["target"],
                           r["memcpy_speedup"] or float("nan"))
                        for r in scaling_missed]
            else:
                out.append("The parallel call meets every target.")
            load = (contexts["scaling"].get("load_avg") or [0])[0]
            cpus = contexts["scaling"].get("num_cpus") or 0
            if cpus and load >= cpus:
                out += gap
                out.append("The machine was busy with other work during this run (load average "
                           "%.1f on %d CPUs): a second thread often finds no idle core, so the "
                           "2-thread figures here measure the load more than rectify::par."
                           % (load, cpus))
        return "\n".join(out) + "\n"

    text = document(False)
    print(text, end="")
    if args.out_dir:
        os.makedirs(args.out_dir, exist_ok=True)
        with open(os.path.join(args.out_dir, "table.txt"), "w") as f:
            f.write(text)
        with open(os.path.join(args.out_dir, "table.md"), "w") as f:
            f.write(document(True))
        if not args.no_plot and tables:
            for path in plot(context, results, present, tables, args.out_dir):
                print("plot: " + path)
    return 1 if mismatches or errors else 0


if __name__ == "__main__":
    sys.exit(main())
