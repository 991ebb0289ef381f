#!/usr/bin/env bash
# Bundle size: `shipdeck bundle analyze --json` on a generated Next.js 15
# build with ROUTES routes (default 500: half Pages Router, half App
# Router; ~830 chunk files, 13 MB), vs Next.js's own figures for the same
# build (`computeFromManifest` + `getJsPageSizeInKb` from the installed
# `next` package: the code `next build` prints its table with), in the same
# run:
#
#   bench/bundle/run.sh [ROUTES]
#
# Prints the time of each (hyperfine, RUNS runs each, default 5, after one
# warm-up), the ratio, and checks that every route's Size and First Load JS
# and both shared totals are Next.js's own (a mismatch fails). Goal:
# analyze <= 1 s (a miss prints MISSED without failing). `next` is
# installed once from tests' Next.js 15 lockfile, cached by its hash under
# $SHIPDECK_TOOLS (default ~/.cache/shipdeck-tools). SHIPDECK_BIN runs
# another build; KEEP=1 keeps the folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
routes=${1:-500}
runs=${RUNS:-5}
. "$root/bench/lib.sh"
bench_prepare bundle npm node python3 hyperfine

# Next.js itself, for its figures.
lock=crates/shipdeck-bundle/tests/fixtures/next15
hash=$(cat "$lock/package.json" "$lock/package-lock.json" | sha256sum | cut -c1-16)
peer=${SHIPDECK_TOOLS:-$HOME/.cache/shipdeck-tools}/bench-bundle-next-$hash
if [ ! -f "$peer/.done" ]; then
  rm -rf "$peer" && mkdir -p "$peer"
  cp "$lock/package.json" "$lock/package-lock.json" "$peer/"
  (cd "$peer" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null) ||
    { echo "bench/bundle: npm ci of next failed (is the npm registry reachable?)" >&2; exit 1; }
  touch "$peer/.done"
fi

work=$(mktemp -d /tmp/shipdeck-bench-bundle.XXXXXX)
cleanup() { if [ -n "${KEEP:-}" ]; then echo "bench/bundle: kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT
python3 bench/bundle/gen.py "$work/ws" "$routes"
git -C "$work/ws" init -q
mkdir -p "$work/home"
export HOME=$work/home SHIPDECK_DATA_DIR=$work/data
echo "bench/bundle: $routes routes, $(find "$work/ws/.next/static" -type f | wc -l) files," \
  "$(du -sh --apparent-size "$work/ws/.next" | cut -f1); $runs runs each"

sd_cmd="$bin -C $work/ws bundle analyze --json"
next_cmd="node $root/bench/bundle/next-peer.js $peer $work/ws/.next"
$sd_cmd >"$work/shipdeck.json" || [ $? -eq 1 ]
$next_cmd >"$work/next.json"

hf() { # hf NAME CMD
  hyperfine -N --style none --runs "$runs" --warmup 1 -i \
    --export-json "$work/$1.time.json" --command-name "$1" "$2" >/dev/null
}
hf shipdeck "$sd_cmd"
hf next "$next_cmd"

python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
sd = json.load(open(f"{w}/shipdeck.json"))
nx = json.load(open(f"{w}/next.json"))
bad = 0
for r in sd["routes"]:
    key = f'{r["router"]} {r["route"]}'
    if key not in nx["routes"]:
        continue  # /404 (Next.js shows /_error's figures for it)
    want = nx["routes"][key]
    got = [r["size_gzip_bytes"], r["first_load_js_gzip_bytes"]]
    if got != want:
        bad += 1
        print(f"MISMATCH {key}: shipdeck {got}, next {want}")
checked = sum(1 for r in sd["routes"] if f'{r["router"]} {r["route"]}' in nx["routes"])
if sd["shared"]["gzip_bytes"] != nx["shared"]["app"]:
    bad += 1
    print(f'MISMATCH shared: shipdeck {sd["shared"]["gzip_bytes"]}, next {nx["shared"]["app"]}')
t = {n: json.load(open(f"{w}/{n}.time.json"))["results"][0] for n in ("shipdeck", "next")}
med = {n: t[n]["median"] for n in t}
print(f"routes checked against Next.js: {checked}, mismatches: {bad}")
print(f"shipdeck bundle analyze: {med['shipdeck']*1000:.0f} ms (median)")
print(f"next computeFromManifest + getJsPageSizeInKb: {med['next']*1000:.0f} ms (median)")
print(f"ratio shipdeck/next: {med['shipdeck']/med['next']:.2f}x")
print(f"goal analyze <= 1 s: {'met' if med['shipdeck'] <= 1.0 else 'MISSED'}")
sys.exit(1 if bad else 0)
PY
