#!/usr/bin/env python3
"""Prints bench/secrets' table from the run folder of run.sh.

    report.py WORK DATA SMALL TREE_BYTES SMALL_BYTES COMMITS
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from score import score  # noqa: E402

work, data, small = sys.argv[1:4]
tree_bytes, small_bytes, commits = (int(x) for x in sys.argv[4:7])


def timing(name):
    p = os.path.join(work, f"{name}.time.json")
    if not os.path.exists(p):
        return None
    r = json.load(open(p))["results"][0]
    return r["median"], min(r["times"]), max(r["times"]), len(r["times"])


def quality(name, mode, folder, fmt, prefix=""):
    p = os.path.join(work, f"{name}.report.json")
    return score(mode, folder, fmt, p, prefix) if os.path.exists(p) else None


SCENARIOS = [
    ("tree", "tree", data, tree_bytes, [
        ("shipdeck", "shipdeck-tree", "gitleaks", ""),
        ("gitleaks", "gitleaks-tree", "gitleaks", os.path.join(data, "tree") + "/"),
    ]),
    ("history", "history", data, None, [
        ("shipdeck", "shipdeck-history", "gitleaks", ""),
        ("gitleaks", "gitleaks-history", "gitleaks", ""),
    ]),
    ("small tree", "tree", small, small_bytes, [
        ("shipdeck", "shipdeck-small", "gitleaks", ""),
        ("gitleaks", "gitleaks-small", "gitleaks", os.path.join(small, "tree") + "/"),
        ("detect-secrets", "detect-secrets-small", "detect-secrets", ""),
    ]),
]


def verdict(ok):
    return "ok" if ok else "MISSED"


details = []
print(f"{'':28}{'median s':>10}{'min–max':>15}{'MB/s':>9}{'vs gitleaks':>13}"
      f"{'recall':>14}{'false pos.':>12}{'dups':>6}")
for label, mode, folder, size, tools in SCENARIOS:
    base_t = timing(tools[1][1])
    base_q = quality(tools[1][1], mode, folder, "gitleaks", tools[1][3])
    for tool, name, fmt, prefix in tools:
        t, q = timing(name), quality(name, mode, folder, fmt, prefix)
        if t is None or q is None:
            continue
        med, lo, hi, n = t
        rate = size / 1e6 / med if size else None
        mbs = f"{rate:9.1f}" if rate is not None and rate < 10 else f"{rate:9.0f}" if rate else f"{'':>9}"
        ratio = f"{med / base_t[0]:12.2f}×" if base_t and tool != "gitleaks" else f"{'':>13}"
        rec = f"{q['found']}/{q['planted']} {100 * q['recall']:.0f}%"
        print(f"{label + ' · ' + tool:28}{med:10.2f}{f'{lo:.2f}–{hi:.2f}':>15}{mbs}{ratio}"
              f"{rec:>14}{q['false_positives']:>12}{q['duplicates']:>6}")
        goals = []
        if tool == "shipdeck" and base_t and base_q:
            goals.append(f"time ≤ 0.5× gitleaks: {verdict(med <= 0.5 * base_t[0])}")
            goals.append(f"recall ≥ gitleaks: {verdict(q['recall'] >= base_q['recall'])}")
            goals.append(f"false positives ≤ gitleaks: {verdict(q['false_positives'] <= base_q['false_positives'])}")
            if label == "tree":
                goals.append(f"≥ 200 MB/s: {verdict(size / 1e6 / med >= 200)}")
        details.append((f"{label} · {tool}", q, goals, n))
print(f"\nhistory: {commits} commits; Shipdeck scans the history and the checked-out tree (a file "
      "identical to HEAD is left to the history), gitleaks `git` the history only")
for name, q, goals, n in details:
    print(f"\n{name} ({n} runs): {q['findings']} findings")
    if q["head_found"]:
        print(f"  in HEAD's tree: {q['head_found']}/{q['head_planted']} found")
    if q["missed_by_kind"]:
        print("  missed: " + ", ".join(f"{k} {v}" for k, v in q["missed_by_kind"].items()))
    if q["fp_on_decoys"]:
        print("  false positives on decoys: " + ", ".join(f"{k} {v}" for k, v in q["fp_on_decoys"].items()))
    if q["fp_by_rule"]:
        print("  other false positives by rule: " + ", ".join(f"{k} {v}" for k, v in q["fp_by_rule"].items()))
    if goals:
        print("  goals: " + "; ".join(goals))
