#!/usr/bin/env python3
"""A Conventional Commits history for bench/release, written as a
git fast-import stream: N commits, a release tag every TAG_EVERY commits
(annotated), the last one UNRELEASED commits before HEAD.

    gen.py N TAG_EVERY UNRELEASED | git fast-import --quiet
"""
import random
import sys

n, every, unreleased = (int(a) for a in sys.argv[1:4])
rng = random.Random(7)
types = ["feat"] * 3 + ["fix"] * 4 + ["perf", "docs", "chore", "refactor", "test", "ci"]
scopes = ["api", "core", "web", "db", "cli", None]
w = sys.stdout.write
t0 = 1_600_000_000
version = [0, 1, 0]
last_tag_at = n - unreleased
for i in range(n):
    kind = rng.choice(types)
    scope = rng.choice(scopes)
    head = f"{kind}({scope}): change number {i}" if scope else f"{kind}: change number {i}"
    body = ""
    if i % 5 == 0:
        body = f"\n\nExplains change {i} at some length so bodies are parsed too.\n\nRefs #{i % 997}"
    if i % 2000 == 1999:
        body += "\n\nBREAKING CHANGE: an interface changed"
    msg = head + body + "\n"
    who = f"Dev{i % 9} <dev{i % 9}@example.com> {t0 + i * 600} +0000"
    w(f"commit refs/heads/main\nmark :{i + 1}\nauthor {who}\ncommitter {who}\n")
    data = msg.encode()
    w(f"data {len(data)}\n{msg}")
    if i:
        w(f"from :{i}\n")
    w(f"M 644 inline src/{i % 50}.txt\ndata {len(str(i)) + 1}\n{i}\n\n")
    if ((i + 1) % every == 0 and i + 1 < last_tag_at) or i + 1 == last_tag_at:
        version[1] += 1
        tag = "v{}.{}.{}".format(*version)
        w(f"tag {tag}\nfrom :{i + 1}\ntagger {who}\ndata {len(tag) + 9}\nRelease {tag}\n\n")
