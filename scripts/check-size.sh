#!/usr/bin/env bash
# No product source file over 600 lines (functions over 80 lines are
# clippy's `too_many_lines`, configured in clippy.toml). Tests, generated
# bindings and fixtures are exempt: a table of cases may read better long.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=600
over=$(git ls-files --cached --others --exclude-standard -- 'src/*.rs' 'src-tauri/src/*.rs' 'crates/*/src/*.rs' 'ui/src/*.ts' 'ui/src/*.svelte' \
  ':!:ui/src/lib/bindings/*' ':!:*.test.ts' ':!:*/tests/*' ':!:*/tests.rs' \
  | while read -r f; do [ -f "$f" ] && printf '%s\0' "$f"; done | xargs -0r wc -l | awk -v limit="$limit" '$2 != "total" && $1 > limit { print "  " $2 ": " $1 " lines" }')
if [ -n "$over" ]; then
  echo "files over $limit lines (split them by responsibility):" >&2
  echo "$over" >&2
  exit 1
fi
echo "no product source file over $limit lines"
