#!/usr/bin/env bash
# Release planning on a 100,000-commit history, against git-cliff in the
# same run, with `git log` over the whole history as the floor.
#
#   bench/release/run.sh [COMMITS]      (default 100000)
#
# Goals: plan (cold) <= 0.5x the full-history git log; a changelog of every
# release (all commits) <= 2x git log; plan (warm) <= 50 ms.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
commits=${1:-100000}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/shipdeck-target}
tools=${SHIPDECK_TOOLS:-$HOME/.cache/shipdeck-tools}
cliff=$tools/venv/bin/git-cliff
[ -x "$cliff" ] || { echo "git-cliff missing: run make setup" >&2; exit 1; }
cd "$root"
cargo build -q --release -p shipdeck
bin=$CARGO_TARGET_DIR/release/shipdeck

work=$(mktemp -d /tmp/shipdeck-bench-release.XXXXXX)
trap 'rm -rf "$work"' EXIT
repo=$work/repo
git init -q -b main "$repo"
python3 bench/release/gen.py "$commits" 1000 500 | git -C "$repo" fast-import --quiet
git -C "$repo" reset -q --hard
echo "repository: $commits commits, $(git -C "$repo" tag | wc -l) tags, 500 commits since the last tag"

python3 - "$repo" "$bin" "$cliff" "$work" <<'PY'
import json, os, statistics, subprocess, sys, time
repo, bin_, cliff, work = sys.argv[1:5]

def run(argv, env=None, runs=5):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(argv, cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)

def fresh_env(name):
    return dict(os.environ, SHIPDECK_DATA_DIR=os.path.join(work, name))

git_log = run(["git", "log", "--format=%H%x00%B"])
# Cold: a new data folder (no cached commits) for each run.
cold = []
for k in range(5):
    env = fresh_env(f"cold{k}")
    t = time.perf_counter()
    subprocess.run([bin_, "release", "plan", "--json"], cwd=repo, env=env, stdout=subprocess.DEVNULL, check=True)
    cold.append(time.perf_counter() - t)
cold = statistics.median(cold)
warm_env = fresh_env("warm")
subprocess.run([bin_, "release", "plan", "--json"], cwd=repo, env=warm_env, stdout=subprocess.DEVNULL, check=True)
warm = run([bin_, "release", "plan", "--json"], env=warm_env, runs=9)
full = run([bin_, "release", "changelog", "--all"], env=fresh_env("full"), runs=3)
plan = json.loads(subprocess.run([bin_, "release", "plan", "--json"], cwd=repo, env=warm_env, capture_output=True, check=True).stdout)
ours = plan["packages"][0]["next_version"]
cliff_unreleased = run([cliff, "--unreleased"], runs=1)
t = time.perf_counter()
bumped = subprocess.run([cliff, "--bumped-version"], cwd=repo, capture_output=True, text=True, timeout=900)
cliff_bumped = time.perf_counter() - t

print(f"{'':36}{'seconds':>10}{'vs git log':>12}   goal")
print(f"{'git log --format=%H%x00%B (floor)':36}{git_log:>10.3f}{1:>11.2f}x")
print(f"{'shipdeck release plan (cold)':36}{cold:>10.3f}{cold / git_log:>11.2f}x   <= 0.5x {'ok' if cold <= 0.5 * git_log else 'MISSED'}")
print(f"{'shipdeck release plan (warm)':36}{warm:>10.3f}{warm / git_log:>11.2f}x   <= 0.050 s {'ok' if warm <= 0.05 else 'MISSED'}")
print(f"{'shipdeck release changelog --all':36}{full:>10.3f}{full / git_log:>11.2f}x   <= 2x {'ok' if full <= 2 * git_log else 'MISSED'}")
print(f"{'git-cliff --unreleased':36}{cliff_unreleased:>10.3f}{cliff_unreleased / git_log:>11.2f}x")
print(f"{'git-cliff --bumped-version':36}{cliff_bumped:>10.3f}{cliff_bumped / git_log:>11.2f}x")
print(f"plan (cold) is {cliff_bumped / cold:.0f}x faster than git-cliff --bumped-version")
print(f"next version: shipdeck {ours}, git-cliff {bumped.stdout.strip() or bumped.stderr.strip()[-80:]}")
PY
