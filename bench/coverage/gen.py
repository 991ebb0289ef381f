#!/usr/bin/env python3
"""Writes a deterministic lcov tracefile of about SIZE MB (default 50) to OUT.

The shape follows what geninfo and the JS/Rust tools write: a TN line, then
per source file an SF record, FN/FNDA for its functions, DA for every
executable line (about 70 % hit, counts spread over magnitudes), BRDA for
two-way branches (some never evaluated: `-`), and the FNF/FNH, BRF/BRH and
LF/LH summaries, closed by end_of_record. Paths are relative to the workspace, in a nested tree so
paths repeat their prefixes as real projects do.

    gen.py OUT [SIZE_MB]
"""
import random
import sys


def record(rng, i):
    depth = rng.randint(1, 4)
    parts = [f"pkg{rng.randint(0, 40)}" for _ in range(depth)]
    out = [f"SF:src/{'/'.join(parts)}/module_{i}.c"]
    n_lines = rng.randint(40, 900)
    funcs = []
    line = 1
    while line < n_lines:
        funcs.append(line)
        line += rng.randint(8, 60)
    fn_hits = []
    for k, start in enumerate(funcs):
        out.append(f"FN:{start},function_{i}_{k}")
    for k, start in enumerate(funcs):
        h = 0 if rng.random() < 0.25 else rng.choice((1, 3, 12, 250, 4096))
        fn_hits.append(h)
        out.append(f"FNDA:{h},function_{i}_{k}")
    out.append(f"FNF:{len(funcs)}")
    out.append(f"FNH:{sum(1 for h in fn_hits if h)}")
    lf = lh = brf = brh = 0
    brda = []
    for ln in range(1, n_lines + 1):
        if rng.random() < 0.35:  # blank, comment, brace: not executable
            continue
        hits = 0 if rng.random() < 0.3 else rng.choice((1, 2, 7, 31, 1024, 65536))
        out.append(f"DA:{ln},{hits}")
        lf += 1
        lh += hits > 0
        if rng.random() < 0.12:
            for b in range(2):
                taken = "-" if hits == 0 else str(rng.choice((0, 1, 5, 99)))
                brda.append(f"BRDA:{ln},0,{b},{taken}")
                brf += 1
                brh += taken not in ("-", "0")
    out.extend(brda)
    out.append(f"BRF:{brf}")
    out.append(f"BRH:{brh}")
    out.append(f"LF:{lf}")
    out.append(f"LH:{lh}")
    out.append("end_of_record")
    return "\n".join(out) + "\n"


def main():
    out = sys.argv[1]
    size = int(float(sys.argv[2] if len(sys.argv) > 2 else 50) * 1_000_000)
    rng = random.Random(20261204)
    written = 0
    i = 0
    with open(out, "w", encoding="ascii") as f:
        f.write("TN:bench\n")
        while written < size:
            rec = record(rng, i)
            f.write(rec)
            written += len(rec)
            i += 1
    print(f"{i} files, {written} bytes")


if __name__ == "__main__":
    main()
