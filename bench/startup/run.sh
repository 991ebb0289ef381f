#!/usr/bin/env bash
# Startup benchmark: Shipdeck's window (opening the demo workspace) against a
# bare Tauri hello-world built with the same profile, alternating runs under
# one Xvfb display. Prints medians and the ratios. Goal: <= 1.2x on both.
#
#   bench/startup/run.sh [RUNS]                  (default 7; debug builds)
#   PROFILE=release bench/startup/run.sh [RUNS]  (both apps built --release)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-7}
profile=${PROFILE:-debug}
case "$profile" in
  debug) profile_flag=() ;;
  release) profile_flag=(--release) ;;
  *) echo "PROFILE must be debug or release" >&2; exit 2 ;;
esac
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/shipdeck-target}
cd "$root"

(cd ui && npx vite build --logLevel warn)
cargo build -q -p shipdeck -p shipdeck-app -p shipdeck-bench-hello "${profile_flag[@]}" \
  --features shipdeck-app/custom-protocol,shipdeck-bench-hello/custom-protocol

work=$(mktemp -d /tmp/shipdeck-bench.XXXXXX)
trap 'kill ${xvfb:-0} 2>/dev/null || true; rm -rf "$work"' EXIT
export SHIPDECK_DATA_DIR=$work/data HOME=$work/home NO_AT_BRIDGE=1 SHIPDECK_KEYRING=keyutils
mkdir -p "$HOME"
"$CARGO_TARGET_DIR/$profile/shipdeck" demo create "$work/demo" --json >/dev/null

exec 3<> "$work/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
for _ in $(seq 50); do [ -s "$work/display" ] && break; sleep 0.1; done
export DISPLAY=":$(head -n1 "$work/display")"

app="$CARGO_TARGET_DIR/$profile/shipdeck-app"
hello="$CARGO_TARGET_DIR/$profile/shipdeck-bench-hello"
# One warm-up each (page cache, fontconfig cache), then alternate.
python3 bench/startup/measure.py 1 "$app" "$work/demo" >/dev/null
python3 bench/startup/measure.py 1 "$hello" >/dev/null
for _ in $(seq "$runs"); do
  python3 bench/startup/measure.py 1 "$app" "$work/demo" >>"$work/app.jsonl"
  python3 bench/startup/measure.py 1 "$hello" >>"$work/hello.jsonl"
done

python3 - "$work/app.jsonl" "$work/hello.jsonl" "$profile" <<'PY'
import json, statistics, sys
def load(p):
    rows = [json.loads(l) for l in open(p)]
    return {k: statistics.median(r[k] for r in rows) for k in rows[0]}, len(rows)
app, n = load(sys.argv[1])
hello, _ = load(sys.argv[2])
print(f"bench/startup: median of {n} alternating runs, {sys.argv[3]} profile, Xvfb 1280x800")
print(f"{'':24}{'shipdeck':>12}{'hello-world':>14}{'ratio':>8}   goal")
for key, label, unit, scale in [("first_paint_ms", "first paint", "ms", 1),
                                ("rss_kib", "idle RSS (tree)", "MiB", 1024),
                                ("pss_kib", "idle PSS (tree)", "MiB", 1024)]:
    a, h = app[key] / scale, hello[key] / scale
    ratio = a / h
    goal = "" if key == "pss_kib" else ("ok" if ratio <= 1.2 else "OVER 1.2x")
    print(f"{label:24}{a:>9.1f} {unit:<3}{h:>11.1f} {unit:<3}{ratio:>6.2f}x   {goal}")
PY
