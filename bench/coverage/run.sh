#!/usr/bin/env bash
# Reading a large lcov tracefile: `shipdeck coverage report --file
# coverage.info --json` vs `lcov --summary` (branches on) on the same
# generated file, in the same run:
#
#   bench/coverage/run.sh [SIZE_MB]
#
# gen.py writes a deterministic tracefile of SIZE_MB (default 50) into a
# temporary workspace. Each command runs RUNS times (default 5, after one
# warm-up, hyperfine); the best run counts. Goals: report <= 0.5 s and
# <= 0.5x lcov. Also checks that both read the same line totals. A missed
# goal prints MISSED without failing; a mismatch fails.
# SHIPDECK_BIN runs another build; KEEP=1 keeps the folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
size=${1:-50}
runs=${RUNS:-5}
. "$root/bench/lib.sh"
bench_prepare coverage lcov python3 hyperfine jq

work=$(mktemp -d /tmp/shipdeck-bench-coverage.XXXXXX)
cleanup() {
  if [ -n "${KEEP:-}" ]; then echo "bench/coverage: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
mkdir -p "$work/ws" "$work/home"
export HOME=$work/home SHIPDECK_DATA_DIR=$work/data
info=$work/ws/coverage.info
python3 bench/coverage/gen.py "$info" "$size" >"$work/gen.txt"
git -C "$work/ws" init -q # a workspace is a git repository
printf '[coverage.areas.all]\nglobs = ["**"]\nthreshold = 0\n' >"$work/ws/shipdeck.toml"
echo "bench/coverage: $(cat "$work/gen.txt") of lcov; $runs runs each"

lcov_cmd="lcov --quiet --rc lcov_branch_coverage=1 --summary $info"
sd_cmd="$bin -C $work/ws coverage report --file coverage.info --json"

# Answers, once, for the comparison.
lcov --rc lcov_branch_coverage=1 --summary "$info" >"$work/lcov.txt" 2>&1
$sd_cmd >"$work/shipdeck.json"
want=$(sed -n 's/.*lines\.*: [0-9.]*% (\([0-9]*\) of \([0-9]*\) lines).*/\1 \2/p' "$work/lcov.txt")
got=$(jq -r '.reports[0].lines | "\(.covered) \(.total)"' "$work/shipdeck.json")
if [ "$want" != "$got" ]; then
  echo "bench/coverage: line totals differ: lcov $want, shipdeck $got" >&2
  exit 1
fi

hf() { # hf NAME CMD
  hyperfine -N --style none --runs "$runs" --warmup 1 \
    --export-json "$work/$1.time.json" --command-name "$1" "$2" >/dev/null
}
hf lcov "$lcov_cmd"
hf shipdeck "$sd_cmd"

best() { jq -r '.results[0].min' "$work/$1.time.json"; }
python3 - "$(best lcov)" "$(best shipdeck)" "$got" <<'PY'
import sys
lcov, sd = float(sys.argv[1]), float(sys.argv[2])
covered, total = sys.argv[3].split()
ratio = sd / lcov
print(f"lines read by both: {covered} of {total} covered")
print(f"{'command':<44} {'best s':>8} {'vs lcov':>8}")
print(f"{'lcov --summary':<44} {lcov:>8.3f} {1:>7.2f}x")
print(f"{'shipdeck coverage report --json':<44} {sd:>8.3f} {ratio:>7.2f}x")
ok_abs, ok_ratio = sd <= 0.5, ratio <= 0.5
print(f"goal report <= 0.5 s: {'ok' if ok_abs else 'MISSED'}")
print(f"goal report <= 0.5x lcov: {'ok' if ok_ratio else 'MISSED'}")
PY
