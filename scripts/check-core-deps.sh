#!/usr/bin/env bash
# The crates under crates/ (the core and the area and leaf crates it is
# being split into) must build without any GUI dependency.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for manifest in crates/*/Cargo.toml; do
  name=$(sed -n 's/^name = "\(.*\)"$/\1/p' "$manifest" | head -n 1)
  if cargo tree -p "$name" -e normal,build --prefix none | grep -E '^tauri' ; then
    echo "$name depends on tauri: move that code to src-tauri" >&2
    status=1
  else
    echo "$name has no tauri dependency"
  fi
done
exit "$status"
