#!/usr/bin/env bash
# Runs the fuzz targets for MINUTES minutes each (default 10), one or two at
# a time, and prints per target: executions, exec/s, coverage and the crashes,
# timeouts and out-of-memory inputs found (saved under artifacts/<target>/).
#
#   bench/fuzz/run.sh [MINUTES] [TARGET...]
#   FUZZ_PARALLEL=2 bench/fuzz/run.sh 10      # two targets at once
#
# Not part of CI: a run is long and its findings need a person's eye.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
minutes=${1:-10}
shift || true
seconds=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(split predicates env_dotenv env_json env_yaml commits lint)
parallel=${FUZZ_PARALLEL:-1}

tools=${SHIPDECK_TOOLS:-$HOME/.cache/shipdeck-tools}
export PATH="$tools/bin:$PATH"
# Outside the clone, and apart from the normal build: every crate here is
# compiled with coverage instrumentation, which the normal build must not reuse.
export CARGO_TARGET_DIR=${SHIPDECK_FUZZ_TARGET:-$HOME/.cache/shipdeck-fuzz-target}
# cargo-fuzz's sanitizer modes (FUZZ_SANITIZER=address, memory, …) pass
# nightly-only flags (`-Zsanitizer`, `-Zbuild-std`); only the stable
# toolchain is installed here and no nightly can be fetched, so stable is
# told to accept them. The default run below needs none of them.
export RUSTC_BOOTSTRAP=1

if ! command -v cargo-fuzz >/dev/null; then
  echo "fuzz: cargo install cargo-fuzz"
  CARGO_TARGET_DIR="$CARGO_TARGET_DIR/tools" cargo install cargo-fuzz --version 0.13.2 --locked --root "$tools" --quiet
fi

# No AddressSanitizer by default: the code under test is safe Rust, where
# what we hunt is panics, overflows (debug assertions on), runaway time and
# memory, which libFuzzer catches without it; ASan would halve the
# executions per second.
build_flags=(--fuzz-dir "$here" --sanitizer "${FUZZ_SANITIZER:-none}" --debug-assertions)
# FUZZ_NO_BUILD=1 reuses the binaries of an earlier build (another round on
# a busy machine, without recompiling the core after an unrelated edit).
if [ -z "${FUZZ_NO_BUILD:-}" ]; then
  echo "fuzz: building (the first build compiles every dependency, instrumented)"
  (cd "$root" && nice -n "${FUZZ_NICE:-15}" cargo fuzz build "${build_flags[@]}")
fi

# Seeds: the real material the repository holds, read but never written.
seeds_for() {
  local lint=$root/crates/shipdeck-core/tests/lint
  case $1 in
    split | lint | predicates) echo "$lint/postgres $lint/mysql $lint/sqlite $root/migrations" ;;
    env_*) echo "$root/crates/shipdeck-core/tests/environments" ;;
    commits) echo "$here/corpus/commits-seed" ;;
  esac
}
# Commit messages: this repository's own history.
mkdir -p "$here/corpus/commits-seed" "$here/logs"
git -C "$root" rev-list --max-count=500 HEAD 2>/dev/null | while read -r sha; do
  [ -e "$here/corpus/commits-seed/$sha" ] || git -C "$root" log -1 --format=%B "$sha" >"$here/corpus/commits-seed/$sha"
done

bin=$CARGO_TARGET_DIR/$(rustc -vV | sed -n 's/^host: //p')/release

run_one() {
  local t=$1 log=$here/logs/$1.log
  mkdir -p "$here/corpus/$t" "$here/artifacts/$t"
  # The binaries built above, run directly (as `cargo fuzz run` would):
  # sources edited during a long run do not trigger a rebuild mid-way.
  # Fork mode with ignore_*: a crash is saved and fuzzing goes on, so one
  # known bug does not end the run. A 10 s input is a hang worth reporting.
  # shellcheck disable=SC2046
  nice -n "${FUZZ_NICE:-15}" "$bin/$t" -artifact_prefix="$here/artifacts/$t/" \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -timeout=10 -rss_limit_mb=2048 -max_total_time="$seconds" \
    "$here/corpus/$t" $(seeds_for "$t") >"$log" 2>&1 || true
  summarise "$t"
}

summarise() {
  local t=$1 log=$here/logs/$1.log last
  last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -n 1 || true)
  printf '%-11s %s\n' "$t" "${last:-no stats: see $log}" | tee -a "$here/logs/summary.txt"
  printf '%-11s artifacts: %s\n' "$t" "$(find "$here/artifacts/$t" -type f | wc -l)" | tee -a "$here/logs/summary.txt"
}

echo "fuzz: $minutes min per target, $parallel at a time; logs in $here/logs"
date -u +"run %FT%TZ, $minutes min per target" >>"$here/logs/summary.txt"
running=0
for t in "${targets[@]}"; do
  if [ "$running" -ge "$parallel" ]; then
    wait -n
    running=$((running - 1))
  fi
  run_one "$t" &
  running=$((running + 1))
done
wait
