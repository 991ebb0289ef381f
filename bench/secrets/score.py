#!/usr/bin/env python3
"""Scores a scanner's report against bench/secrets' ground truth.

    score.py tree|history DATA FORMAT REPORT [--prefix P]   -> one JSON line

FORMAT: gitleaks (gitleaks' JSON report; Shipdeck's `--report-format
gitleaks`) or detect-secrets (`detect-secrets scan` output).

A finding matches a planted secret when it names the same file and its line
range holds the planted line (and, in history mode, the same commit; a
finding without a commit is matched against the secrets in HEAD's tree).
Several findings on one planted secret count it once; the extra ones are
`duplicates`, not false positives. Every other finding is a false positive;
those on a decoy line are counted per decoy kind, the rest per rule.
"""
import argparse
import collections
import json
import os


def load_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def findings(fmt, path, prefix):
    """(file, start, end, commit, rule) per finding, paths relative to the scanned root."""
    with open(path) as f:
        data = json.load(f)

    def rel(p):
        p = p.replace("\\", "/")
        if prefix and p.startswith(prefix):
            p = p[len(prefix):]
        while p.startswith("./"):
            p = p[2:]
        return p.lstrip("/")

    out = []
    if fmt == "gitleaks":
        for x in data or []:
            out.append((rel(x["File"]), x["StartLine"], max(x["EndLine"], x["StartLine"]),
                        x.get("Commit") or None, x["RuleID"]))
    else:
        for file, items in data.get("results", {}).items():
            for x in items:
                n = x["line_number"]
                out.append((rel(file), n, n, None, x["type"]))
    return out


def score(mode, data, fmt, report, prefix=""):
    """The figures of one report (see the module's doc)."""
    if mode == "tree":
        truth = load_jsonl(os.path.join(data, "tree-truth.jsonl"))
        decoys = load_jsonl(os.path.join(data, "tree-decoys.jsonl"))
        head = []
    else:
        truth = load_jsonl(os.path.join(data, "history-truth.jsonl"))
        decoys = load_jsonl(os.path.join(data, "history-decoys.jsonl"))
        head = load_jsonl(os.path.join(data, "history-head.jsonl"))

    def index(rows):
        by = collections.defaultdict(list)
        for i, r in enumerate(rows):
            by[(r.get("commit"), r["file"])].append((r["line"], i))
        return by

    t_idx, h_idx, d_idx = index(truth), index(head), index(decoys)
    hit_truth, hit_head = set(), set()
    fp_decoy, fp_rule = collections.Counter(), collections.Counter()
    dups = 0
    fs = findings(fmt, report, prefix)
    for file, start, end, commit, rule in fs:
        pool, hits = (t_idx, hit_truth) if (mode == "tree" or commit) else (h_idx, hit_head)
        key = (commit if mode == "history" else None, file)
        match = [i for line, i in pool.get(key, []) if start <= line <= end]
        if match:
            new = [i for i in match if i not in hits]
            if new:
                hits.add(new[0])
            else:
                dups += 1
            continue
        decoy = [decoys[i]["kind"] for line, i in d_idx.get(key, []) if start <= line <= end]
        if decoy:
            fp_decoy[decoy[0]] += 1
        else:
            fp_rule[rule] += 1

    missed = collections.Counter(truth[i]["kind"] for i in range(len(truth)) if i not in hit_truth)
    per_kind = collections.Counter(t["kind"] for t in truth)
    return {
        "findings": len(fs),
        "planted": len(truth),
        "found": len(hit_truth),
        "recall": len(hit_truth) / len(truth) if truth else 0.0,
        "head_planted": len(head),
        "head_found": len(hit_head),
        "false_positives": sum(fp_decoy.values()) + sum(fp_rule.values()),
        "fp_on_decoys": dict(fp_decoy.most_common()),
        "fp_by_rule": dict(fp_rule.most_common()),
        "duplicates": dups,
        "missed_by_kind": {k: f"{missed[k]}/{per_kind[k]}" for k in sorted(missed)},
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["tree", "history"])
    ap.add_argument("data")
    ap.add_argument("format", choices=["gitleaks", "detect-secrets"])
    ap.add_argument("report")
    ap.add_argument("--prefix", default="")
    a = ap.parse_args()
    print(json.dumps(score(a.mode, a.data, a.format, a.report, a.prefix)))


if __name__ == "__main__":
    main()
