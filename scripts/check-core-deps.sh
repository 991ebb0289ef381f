#!/usr/bin/env bash
# The core must build without any GUI dependency.
set -euo pipefail
if cargo tree -p shipdeck-core -e normal,build --prefix none | grep -E '^tauri' ; then
  echo "shipdeck-core depends on tauri: move that code to src-tauri" >&2
  exit 1
fi
echo "shipdeck-core has no tauri dependency"
