#!/usr/bin/env bash
# Secret scanning: Shipdeck's `security secrets` against gitleaks 8.30.1 and
# detect-secrets 1.5.0 in the same run, on generated data with planted
# secrets at known file:line (gen.py) and decoys that are not secrets:
#
#   * tree:    a ~1.1 GB working tree (source of many languages, minified JS,
#              lockfiles, binaries): `shipdeck security secrets --no-git` vs
#              `gitleaks dir`;
#   * history: 50,000 small commits, some adding or removing secrets:
#              `shipdeck security secrets` (history and working tree) vs
#              `gitleaks git`;
#   * small tree (DS_SCALE of the big one, default 0.03, ~35 MB): all three
#              tools, detect-secrets included (it reads well under 1 MB/s on
#              one core: most of an hour for the big tree).
#
#   bench/secrets/run.sh [SCALE] [COMMITS]     (default 1 50000; try 0.05 2000)
#
# Prints time per tool (hyperfine, RUNS runs after one warm-up; default 3),
# MB/s, Shipdeck/gitleaks, recall on the planted secrets and false positives
# (findings on no planted secret, per decoy kind and per rule), per tool.
# Goals: tree >= 200 MB/s and <= 0.5x gitleaks' time, recall >= gitleaks',
# false positives <= gitleaks'. A missed goal prints MISSED without failing.
# Data is generated once into ~/.cache/shipdeck-bench/secrets/v<generator
# version>/ (about 1.2 GB at scale 1). SHIPDECK_BIN runs another build;
# KEEP=1 keeps the reports.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
scale=${1:-1}
commits=${2:-50000}
runs=${RUNS:-3}
ds_scale=${DS_SCALE:-0.03}
seed=1
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/shipdeck-target}
tools=${SHIPDECK_TOOLS:-$HOME/.cache/shipdeck-tools}
# shellcheck source=scripts/tools.env
. "$root/scripts/tools.env"
gitleaks=$tools/gitleaks-$GITLEAKS_WHEEL_VERSION/bin/gitleaks-bin
detect_secrets=$tools/detect-secrets-$DETECT_SECRETS_VERSION/bin/detect-secrets
for t in "$gitleaks" "$detect_secrets" "$(command -v hyperfine || echo hyperfine)"; do
  [ -x "$t" ] || { echo "$(basename "$t") missing ($t): run scripts/setup.sh --bench" >&2; exit 1; }
done
cd "$root"

if [ -z "${SHIPDECK_BIN:-}" ]; then
  cargo build -q --release -p shipdeck
  bin=$CARGO_TARGET_DIR/release/shipdeck
else
  bin=$SHIPDECK_BIN
fi
shipdeck=true
"$bin" security secrets --help >/dev/null 2>&1 ||
  { shipdeck=false; echo "bench/secrets: $bin has no \`security secrets\`; measuring the peers only" >&2; }

# Generated data, once per generator version, scale, commit count and seed.
genver=$(sed -n 's/^GENERATOR_VERSION = //p' bench/secrets/gen.py)
cache=$HOME/.cache/shipdeck-bench/secrets/v$genver
data=$cache/s$scale-c$commits-seed$seed
small=$cache/s$ds_scale-seed$seed
if [ ! -e "$data/done" ]; then
  rm -rf "$data"
  echo "bench/secrets: generating $data"
  python3 bench/secrets/gen.py tree "$data" --scale "$scale" --seed "$seed"
  python3 bench/secrets/gen.py history "$data" --commits "$commits" --seed "$seed"
  touch "$data/done"
fi
if [ ! -e "$small/done" ]; then
  rm -rf "$small"
  python3 bench/secrets/gen.py tree "$small" --scale "$ds_scale" --seed "$seed"
  touch "$small/done"
fi

work=$(mktemp -d /tmp/shipdeck-bench-secrets.XXXXXX)
[ -n "${KEEP:-}" ] && echo "bench/secrets: reports kept in $work" || trap 'rm -rf "$work"' EXIT
export SHIPDECK_DATA_DIR=$work/data

# time NAME RUNS WARMUP CMD: hyperfine JSON into $work/NAME.time.json. Exit 1
# means "findings", so failures are ignored here and the reports checked after.
time_cmd() {
  local name=$1 n=$2 warm=$3
  shift 3
  hyperfine -N --style none --runs "$n" --warmup "$warm" -i \
    --export-json "$work/$name.time.json" --command-name "$name" "$@" >/dev/null
  [ -s "$work/$name.report.json" ] || { echo "bench/secrets: $name wrote no report" >&2; exit 1; }
}
sd() { # sd NAME DIR [flags]: Shipdeck with a gitleaks-format report
  local name=$1 dir=$2
  shift 2
  echo "$bin -C $dir security secrets $* --report-format gitleaks --report-path $work/$name.report.json"
}
gl() { # gl NAME dir|git DIR
  echo "$gitleaks $2 $3 --no-banner --log-level error --exit-code 0 --report-format json --report-path $work/$1.report.json"
}

tree=$data/tree history=$data/history small_tree=$small/tree
echo "bench/secrets: tree $(du -sh --apparent-size "$tree" | cut -f1), history $commits commits," \
  "small tree $(du -sh --apparent-size "$small_tree" | cut -f1); $runs runs each (+1 warm-up)"
if $shipdeck; then
  time_cmd shipdeck-tree "$runs" 1 "$(sd shipdeck-tree "$tree" --no-git)"
fi
time_cmd gitleaks-tree "$runs" 1 "$(gl gitleaks-tree dir "$tree")"
if $shipdeck; then
  time_cmd shipdeck-history "$runs" 1 "$(sd shipdeck-history "$history")"
fi
time_cmd gitleaks-history "$runs" 1 "$(gl gitleaks-history git "$history")"
if $shipdeck; then
  time_cmd shipdeck-small "$runs" 1 "$(sd shipdeck-small "$small_tree" --no-git)"
fi
time_cmd gitleaks-small "$runs" 1 "$(gl gitleaks-small dir "$small_tree")"
# detect-secrets writes its report on stdout, relative to the current folder.
time_cmd detect-secrets-small 1 0 \
  "bash -c 'cd $small_tree && exec $detect_secrets scan --all-files . >$work/detect-secrets-small.report.json'"

bytes() { find "$1" -type f -not -path '*/.git/*' -printf '%s\n' | awk '{ s += $1 } END { print s }'; }
python3 bench/secrets/report.py "$work" "$data" "$small" "$(bytes "$tree")" "$(bytes "$small_tree")" "$commits"
