#!/usr/bin/env bash
# The Debian package, checked the way a user gets it: bundles the debug build
# (`make build` first), reads its control fields and file list, unpacks it
# into a temporary root with dpkg -x, validates the desktop entry and its
# icons, checks that every shared library the binaries load comes with a
# declared dependency, runs the installed CLI, and opens the installed app
# in a real window (tests/package/install.spec.mjs through tests/e2e/run.sh).
#
#   tests/package/check.sh          what `make package-check` (part of `make test`) runs
#   tests/package/check.sh FILE.deb checks FILE.deb instead (a release build, say)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

tmp=$(mktemp -d /tmp/shipdeck-package.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

step() { printf '\n== %s\n' "$*"; }
ok() { printf '  ok   %s\n' "$*"; }
fail() {
  printf '  FAIL %s\n' "$*" >&2
  exit 1
}

step "bundle"
if [ $# -gt 0 ]; then
  deb=$(realpath "$1")
else
  deb=$(scripts/package.sh debug)
fi
version=$(cargo pkgid -p shipdeck-app | sed 's/.*[#@]//')
arch=$(dpkg --print-architecture)
ok "$deb ($(du -h "$deb" | cut -f1))"

step "control fields (dpkg-deb --info)"
field() { dpkg-deb --field "$deb" "$1"; }
expect_field() {
  [ "$(field "$1")" = "$2" ] || fail "$1 is '$(field "$1")', expected '$2'"
  ok "$1: $2"
}
expect_field Package shipdeck
expect_field Version "$version"
expect_field Architecture "$arch"
depends=$(field Depends)
# Each name as a whole item of the comma-separated list, not a substring.
for dep in libwebkit2gtk-4.1-0 libgtk-3-0 libdbus-1-3; do
  tr ',' '\n' <<<"$depends" | sed 's/^ *//; s/ .*//' | grep -qx "$dep" || fail "Depends lacks $dep: $depends"
done
ok "Depends: $depends"
tr ',' '\n' <<<"$(field Recommends)" | sed 's/^ *//; s/ .*//' | grep -qx gnome-keyring ||
  fail "Recommends lacks gnome-keyring (the Secret Service the keyring talks to)"
ok "Recommends: $(field Recommends)"

step "file list (dpkg-deb --contents)"
contents=$(dpkg-deb --contents "$deb" | awk '{print $NF}')
for f in ./usr/bin/shipdeck-app ./usr/bin/shipdeck ./usr/share/applications/Shipdeck.desktop; do
  grep -qx "$f" <<<"$contents" || fail "$f is not in the package"
  ok "$f"
done
for size in 32x32 128x128 512x512; do
  f=./usr/share/icons/hicolor/$size/apps/shipdeck-app.png
  grep -qx "$f" <<<"$contents" || fail "$f is not in the package"
  ok "$f"
done

step "unpack (dpkg -x)"
inst=$tmp/root
dpkg -x "$deb" "$inst"
ok "$inst"

step "desktop entry"
desktop=$inst/usr/share/applications/Shipdeck.desktop
desktop-file-validate "$desktop" || fail "desktop-file-validate rejects $desktop"
ok "desktop-file-validate"
key() { sed -n "s/^$1=//p" "$desktop" | head -n1; }
[ "$(key Name)" = Shipdeck ] || fail "Name is '$(key Name)'"
ok "Name=Shipdeck"
tr ';' '\n' <<<"$(key Categories)" | grep -qx Development || fail "Categories lacks Development: $(key Categories)"
ok "Categories=$(key Categories)"
exec_bin=$(key Exec | cut -d' ' -f1)
[ -x "$inst/usr/bin/$exec_bin" ] || fail "Exec names $exec_bin, not in usr/bin"
ok "Exec=$(key Exec) is usr/bin/$exec_bin"
icon=$(key Icon)
icons=$(find "$inst/usr/share/icons" -name "$icon.png" | sed "s|^$inst/||")
[ -n "$icons" ] || fail "Icon=$icon: no $icon.png under usr/share/icons"
while read -r f; do
  file "$inst/$f" | grep -q 'PNG image data' || fail "$f is not a PNG"
done <<<"$icons"
ok "Icon=$icon: $(tr '\n' ' ' <<<"$icons")"

step "shared libraries come with declared dependencies"
# The packages that hold the libraries ldd resolves, against the closure of
# Depends as apt knows it on this machine.
closure=$tmp/closure
tr ',' '\n' <<<"$depends" | sed 's/^ *//; s/ .*//' | xargs apt-cache depends --recurse --no-recommends \
  --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances 2>/dev/null |
  sed -n 's/^\([a-z0-9][^ :]*\).*/\1/p; s/^ *Depends: \([^ <:]*\).*/\1/p' | sort -u >"$closure"
for bin in "$inst"/usr/bin/*; do
  missing=$(ldd "$bin" | grep 'not found' || true)
  [ -z "$missing" ] || fail "$(basename "$bin") cannot load: $missing"
  ldd "$bin" | awk '/=> \//{print $3}' | while read -r lib; do
    # dpkg knows a library by the path its package ships (/lib or /usr/lib).
    pkg=$(dpkg -S "$lib" 2>/dev/null | head -n1 | cut -d: -f1) ||
      pkg=$(dpkg -S "$(realpath "$lib")" 2>/dev/null | head -n1 | cut -d: -f1) || true
    [ -n "$pkg" ] || fail "$(basename "$bin"): $lib belongs to no package"
    grep -qx "$pkg" "$closure" || fail "$(basename "$bin") loads $lib from $pkg, which Depends does not bring"
  done
  ok "usr/bin/$(basename "$bin"): $(ldd "$bin" | grep -c '=> /') libraries, all from declared dependencies"
done

step "the installed CLI"
cli=$inst/usr/bin/shipdeck
export HOME=$tmp/home SHIPDECK_DATA_DIR=$tmp/data
mkdir -p "$HOME"
printf '[user]\n\tname = Package Check\n\temail = package@example.com\n' >"$HOME/.gitconfig"
"$cli" --version | grep -qF "$version" || fail "shipdeck --version: $("$cli" --version)"
ok "shipdeck --version: $("$cli" --version)"
"$cli" demo create "$tmp/demo" --seed 42 --json >/dev/null
ok "shipdeck demo create"
tag=$("$cli" -C "$tmp/demo" workspace info --json | jq -r .last_tag)
[ "$tag" = v1.4.2 ] || fail "workspace info: last_tag $tag, expected v1.4.2"
ok "shipdeck -C demo workspace info --json: last_tag $tag"
next=$("$cli" -C "$tmp/demo" release plan --json | jq -r '.packages[0].next_version // empty')
[ -n "$next" ] || fail "release plan --json has no next version"
ok "shipdeck -C demo release plan --json: next version $next"

step "the installed app, in a real window"
SHIPDECK_APP=$inst/usr/bin/shipdeck-app SHIPDECK_CLI=$cli SHIPDECK_PACKAGE_VERSION=$version \
  SHIPDECK_SCREENSHOTS=$tmp/shots tests/e2e/run.sh "$root/tests/package/install.spec.mjs"

printf '\npackage check passed: %s\n' "$deb"
