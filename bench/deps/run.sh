#!/usr/bin/env bash
# Outdated dependencies: `shipdeck deps outdated --json` on a workspace with
# NPM npm, CRATES Cargo and PYPI PyPI direct dependencies (default 300, 100,
# 50) against local registries, vs `npm outdated --json` on the npm part, in
# the same run:
#
#   bench/deps/run.sh [NPM] [CRATES] [PYPI]
#
# gen.py writes the registries' documents (derived from the real ones the
# dependencies tests use) and the workspace into a temporary folder;
# serve.py serves them on 127.0.0.1 (npm packuments, a Cargo sparse index,
# PEP 691 pages, an OSV API for the security labels), with ETags.
#
#   * npm, cold:       `npm outdated --json`, its cache emptied before each run;
#   * npm, warm:       the same with its cache kept (npm still revalidates);
#   * shipdeck, cold:  the registry cache emptied before each run;
#   * shipdeck, warm:  the cache kept: every document revalidated (304s).
#
# Prints time per command (hyperfine, RUNS runs each, default 5, after one
# warm-up) and the ratios to npm cold. Goals: cold <= 0.5x npm, warm <= 0.1x
# npm. Also checks that shipdeck's wanted and latest for the npm part are
# npm's own. A missed goal prints MISSED without failing; a mismatch fails.
# SHIPDECK_BIN runs another build; KEEP=1 keeps the folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
n_npm=${1:-300}
n_crates=${2:-100}
n_pypi=${3:-50}
runs=${RUNS:-5}
. "$root/bench/lib.sh"
bench_prepare deps npm node python3 hyperfine

work=$(mktemp -d /tmp/shipdeck-bench-deps.XXXXXX)
srv=
cleanup() {
  [ -n "$srv" ] && kill "$srv" 2>/dev/null
  if [ -n "${KEEP:-}" ]; then echo "bench/deps: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 bench/deps/gen.py "$work" "$port" --npm "$n_npm" --crates "$n_crates" --pypi "$n_pypi"
git -C "$work/ws" init -q
git -C "$work/ws" add -A
git -C "$work/ws" -c user.name=bench -c user.email=bench@example.invalid commit -qm "bench workspace"
python3 bench/deps/serve.py "$work/registry" "$port" >"$work/serve.log" 2>&1 &
srv=$!
for _ in $(seq 50); do grep -q serving "$work/serve.log" && break; sleep 0.1; done

# Nobody's own configuration: a fresh home, npm's cache and Shipdeck's data
# folder inside the run's folder, pip's index from the environment.
mkdir -p "$work/home"
export HOME=$work/home SHIPDECK_DATA_DIR=$work/data
export PIP_INDEX_URL=http://127.0.0.1:$port/pypi/simple/
unset CARGO_HOME NPM_CONFIG_REGISTRY npm_config_registry PIP_EXTRA_INDEX_URL
ws=$work/ws
npm_cmd="npm outdated --json --prefix $ws --cache $work/npm-cache"
sd_cmd="$bin -C $ws deps outdated --json"
echo "bench/deps: $n_npm npm, $n_crates crates, $n_pypi PyPI dependencies;" \
  "registries $(du -sh --apparent-size "$work/registry" | cut -f1); $runs runs each"

# Answers, once, for the comparison.
(cd "$ws" && $npm_cmd >"$work/npm.json") || true
$sd_cmd >"$work/shipdeck.json"

hf() { # hf NAME PREPARE CMD
  hyperfine -N --style none --runs "$runs" --warmup 1 -i --prepare "$2" \
    --export-json "$work/$1.time.json" --command-name "$1" "$3" >/dev/null
}
hf npm-cold "rm -rf $work/npm-cache" "$npm_cmd"
hf npm-warm "true" "$npm_cmd"
hf shipdeck-cold "rm -rf $work/data/cache/registries" "$sd_cmd"
hf shipdeck-warm "true" "$sd_cmd"

python3 bench/deps/report.py "$work" "$n_npm" "$((n_npm + n_crates + n_pypi))"
