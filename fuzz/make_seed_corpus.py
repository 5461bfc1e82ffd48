#!/usr/bin/env python3
"""Writes the seed corpus of the differential fuzzer (fuzz/differential_fuzzer.cpp) into
fuzz/corpus: one small input per op, direction and element type, whose values run through every
special value, multiples of 1/4 around 0 and 6 and a few raw bit patterns, with sizes just past a
vector, unaligned buffers, in-place calls, PReLU layouts on both sides of its code paths, and the
calls the rules refuse. Usage: fuzz/make_seed_corpus.py [output-dir]"""

import os
import struct
import sys

OPS = {"relu": 0, "relu6": 1, "leaky_relu": 2, "prelu": 3}
DIRECTIONS = {"forward": 0, "derivative": 1, "backward": 2, "backward_from_output": 3}
IN_PLACE = {"no": 0, "x": 1, "dy": 2}


def special(index):
    """Selector of special value number `index` (tests/values.hpp special_values)."""
    return bytes([index])


def quarter(value):
    """Selector of a multiple of 1/4 in [-8, 7.75]."""
    return bytes([96 + int(value * 4)])


def raw(value, double):
    return bytes([128]) + struct.pack("<d" if double else "<f", value)


def seed(op, direction, double, size, values, in_place="no", offsets=(1, 3, 2, 5), channels=1,
         inner=1, bad_prelu_size=False):
    flags = int(double) | IN_PLACE[in_place] << 1 | int(bad_prelu_size) << 3
    x_offset, out_offset, dy_offset, w_offset = offsets
    header = bytes([flags, OPS[op], DIRECTIONS[direction], x_offset | out_offset << 4,
                    dy_offset | w_offset << 4])
    header += struct.pack("<HHH", size, channels - 1, inner - 1)
    return header + b"".join(values)


def values(double, slope):
    """The slope, then every special value, quarters from -1 to 7 and a few raw values."""
    out = [slope]
    out += [special(k) for k in range(35)]
    out += [quarter(q / 4) for q in range(-4, 29, 3)]
    out += [raw(v, double) for v in (-2.5, 1e-3, 5.999, 6.0001, -1e30, 3.0e38)]
    return out


def seeds():
    for double in (False, True):
        kind = "double" if double else "float"
        lanes = 8 if double else 16
        # Just past one unrolled block of the widest ISA, so body, one-vector loop and tail all run.
        size = 4 * lanes + lanes + 3
        for op in ("relu", "relu6", "leaky_relu"):
            for direction in DIRECTIONS:
                slope = quarter(-0.5) if op == "leaky_relu" else quarter(0)
                yield (f"{op}_{direction}_{kind}",
                       seed(op, direction, double, size, values(double, slope)))
        yield (f"relu_forward_in_place_{kind}",
               seed("relu", "forward", double, size, values(double, quarter(0)), in_place="x"))
        yield (f"relu6_backward_in_place_over_dy_{kind}",
               seed("relu6", "backward", double, size, values(double, quarter(0)), in_place="dy"))
        yield (f"leaky_relu_backward_from_output_negative_slope_{kind}",
               seed("leaky_relu", "backward_from_output", double, 5, values(double, quarter(-1))))
        yield (f"leaky_relu_forward_zero_slope_{kind}",
               seed("leaky_relu", "forward", double, size, values(double, special(0))))
        yield (f"relu_forward_empty_{kind}", seed("relu", "forward", double, 0, []))
        # PReLU: channels-last with few channels (the repeated slope pattern), with many (dw
        # holds the sums), channels-first, one shared slope, and a size that is not a multiple.
        layouts = [("few_channels_last", 3, 1, 7), ("many_channels_last", 130, 1, 2),
                   ("channels_first", 3, 7, 3), ("shared_slope", 1, 1, 40)]
        for name, channels, inner, outer in layouts:
            for direction in ("forward", "derivative", "backward"):
                yield (f"prelu_{direction}_{name}_{kind}",
                       seed("prelu", direction, double, outer, values(double, quarter(0)),
                            channels=channels, inner=inner))
        yield (f"prelu_backward_in_place_{kind}",
               seed("prelu", "backward", double, 9, values(double, quarter(0)), in_place="x",
                    channels=5, inner=3))
        yield (f"prelu_forward_size_not_a_multiple_{kind}",
               seed("prelu", "forward", double, 4, values(double, quarter(0)), channels=3,
                    inner=2, bad_prelu_size=True))


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__),
                                                                  "corpus")
    os.makedirs(out_dir, exist_ok=True)
    count = 0
    for name, data in seeds():
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)
        count += 1
    print(f"wrote {count} seeds to {out_dir}")


if __name__ == "__main__":
    main()
