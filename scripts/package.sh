#!/usr/bin/env bash
# Bundles the app and the CLI, already built by cargo for PROFILE, into a
# Debian package with Tauri's bundler, and prints the package's path.
#
#   scripts/package.sh release   what `make package` runs after `cargo build --release`
#   scripts/package.sh debug     what `make package PROFILE=debug` runs after `make build`
#
# `tauri bundle` only packages what is in a target dir: it never runs cargo,
# so the package holds the binaries the build (and the tests) made. They are
# copied without their debug sections (`strip --strip-debug`: symbols stay,
# so a backtrace still names functions) into a staging target dir the
# bundler reads: the release profile keeps line tables, which would triple
# the download, and the build's own binaries stay untouched.
# The CLI's path depends on where that is, so it reaches the bundle's file
# map through --config instead of tauri.conf.json.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

profile=${1:-}
case $profile in
  release) debug_flag=() ;;
  debug) debug_flag=(--debug) ;;
  *) echo "usage: $0 release|debug" >&2; exit 2 ;;
esac
target=${CARGO_TARGET_DIR:-$HOME/.cache/shipdeck-target}
bin_dir=$target/$profile
tauri=$root/ui/node_modules/.bin/tauri
for f in "$bin_dir/shipdeck-app" "$bin_dir/shipdeck"; do
  [ -x "$f" ] || { echo "package: missing $f (build the $profile profile first: make package)" >&2; exit 1; }
done
[ -x "$tauri" ] || { echo "package: missing $tauri (run scripts/setup.sh)" >&2; exit 1; }

# The version is the workspace's (tauri.conf.json has none, so the bundler
# reads the app crate's, which inherits it).
version=$(cargo pkgid -p shipdeck-app | sed 's/.*[#@]//')
arch=$(dpkg --print-architecture)
stage=$target/package
rm -rf "${stage:?}/$profile"
mkdir -p "$stage/$profile"
for bin in shipdeck-app shipdeck; do
  strip --strip-debug -o "$stage/$profile/$bin" "$bin_dir/$bin"
done
config=$(jq -cn --arg cli "$stage/$profile/shipdeck" '{bundle: {linux: {deb: {files: {"/usr/bin/shipdeck": $cli}}}}}')

echo "package: bundling shipdeck $version ($profile) with $("$tauri" --version)" >&2
CARGO_TARGET_DIR=$stage TAURI_APP_PATH=src-tauri TAURI_FRONTEND_PATH=ui \
  "$tauri" bundle --ci --bundles deb "${debug_flag[@]}" --no-binary-patching --config "$config" >&2

# Tauri names the file after the product (Shipdeck_…); Debian's convention
# is the package name, lower case.
built=$stage/$profile/bundle/deb/Shipdeck_${version}_${arch}.deb
[ -f "$built" ] || { echo "package: the bundler made no $built" >&2; exit 1; }
out=$bin_dir/bundle/deb
deb=$out/shipdeck_${version}_${arch}.deb
mkdir -p "$out"
rm -f "$out"/*.deb
mv "$built" "$deb"
rm -rf "${stage:?}/$profile"
echo "package: $deb ($(du -h "$deb" | cut -f1))" >&2
echo "$deb"
