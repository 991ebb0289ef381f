#!/usr/bin/env python3
"""bench/deps figures: median time per command, ratios to npm cold, the
goals, and whether Shipdeck's npm rows say what npm says.

    report.py WORK NPM_COUNT TOTAL_COUNT"""
import json
import os
import statistics
import sys

work, n_npm, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def median(name):
    d = json.load(open(os.path.join(work, f"{name}.time.json")))["results"][0]
    return statistics.median(d["times"]), min(d["times"]), max(d["times"])


npm = json.load(open(os.path.join(work, "npm.json")))
ours = json.load(open(os.path.join(work, "shipdeck.json")))
rows = ours["dependencies"]
npm_rows = {r["name"]: r for r in rows if r["ecosystem"] == "npm"}
errors = [r for r in rows if r.get("error")]
mismatch = []
for name, v in npm.items():
    r = npm_rows.get(name)
    if r is None or r["wanted"] != v.get("wanted") or r["latest"] != v.get("latest"):
        got = r and (r["wanted"], r["latest"])
        mismatch.append(f"{name}: npm {v.get('wanted')}/{v.get('latest')}, shipdeck {got}")

base = median("npm-cold")[0]
goals = {"shipdeck-cold": 0.5, "shipdeck-warm": 0.1}
print(f"{'':<16}{'median s':>10}{'min':>8}{'max':>8}{'vs npm cold':>13}  goal")
missed = False
for name in ("npm-cold", "npm-warm", "shipdeck-cold", "shipdeck-warm"):
    med, lo, hi = median(name)
    ratio = med / base
    goal = goals.get(name)
    verdict = ""
    if goal is not None:
        ok = ratio <= goal
        missed |= not ok
        verdict = f"<= {goal}x {'ok' if ok else 'MISSED'}"
    print(f"{name:<16}{med:>10.3f}{lo:>8.3f}{hi:>8.3f}{ratio:>12.2f}x  {verdict}")
print(f"npm rows: {len(npm)} from npm, {len(npm_rows)} from shipdeck; "
      f"{len(npm) - len(mismatch)} agree on wanted and latest")
print(f"shipdeck rows: {len(rows)} of {total} dependencies, {len(errors)} with an error, "
      f"warnings: {ours.get('warnings', [])}")
for e in errors[:5]:
    print(f"  error: {e['name']}: {e['error']['message']}")
for m in mismatch[:20]:
    print(f"  MISMATCH {m}")
if missed:
    print("bench/deps: a goal was MISSED")
if mismatch or errors or len(rows) != total:
    sys.exit(1)
