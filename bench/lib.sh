# Sourced by bench/*/run.sh after setting `root` (the repository root):
# `bench_prepare NAME TOOL…` checks the tools the benchmark runs, goes to
# the root and sets `bin` to the shipdeck it measures (a release build, or
# SHIPDECK_BIN).
bench_prepare() {
  local name=$1 t
  shift
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/shipdeck-target}
  for t in "$@"; do
    command -v "$t" >/dev/null || { echo "bench/$name: $t missing: run scripts/setup.sh --bench" >&2; exit 1; }
  done
  cd "$root"
  if [ -z "${SHIPDECK_BIN:-}" ]; then
    cargo build -q --release -p shipdeck
    bin=$CARGO_TARGET_DIR/release/shipdeck
  else
    bin=$SHIPDECK_BIN
  fi
}
