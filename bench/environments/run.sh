#!/usr/bin/env bash
# Environments: load, check and compare 3 environments × 2,000 keys (.env
# files generated in a temporary folder, a fifth of the keys secret-looking,
# some missing or drifting), median of 20 runs, against reading the same
# files alone in the same run (crates/shipdeck-core/benches/environments.rs).
#
#   bench/environments/run.sh
#
# Goal: load_environment ×3 + parity <= 100 ms.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/shipdeck-target}
cd "$root"
cargo bench -q -p shipdeck-core --bench environments
