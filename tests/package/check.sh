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
# The package names of a comma-separated relation field, one a line.
items() { tr ',' '\n' | sed 's/^ *//; s/ .*//'; }
expect_field() {
  [ "$(field "$1")" = "$2" ] || fail "$1 is '$(field "$1")', expected '$2'"
  ok "$1: $2"
}
expect_field Package shipdeck
expect_field Version "$version"
expect_field Architecture "$arch"
depends=$(field Depends)
for dep in libwebkit2gtk-4.1-0 libgtk-3-0 libdbus-1-3; do
  items <<<"$depends" | grep -qx "$dep" || fail "Depends lacks $dep: $depends"
done
ok "Depends: $depends"
items <<<"$(field Recommends)" | grep -qx gnome-keyring ||
  fail "Recommends lacks gnome-keyring (the Secret Service the keyring talks to)"
ok "Recommends: $(field Recommends)"

step "file list (dpkg-deb --contents)"
contents=$(dpkg-deb --contents "$deb" | awk '{print $NF}' | sed 's|^\./||')
for f in usr/bin/shipdeck-app usr/bin/shipdeck usr/share/applications/Shipdeck.desktop; do
  grep -qx "$f" <<<"$contents" || fail "$f is not in the package"
  ok "$f"
done
for size in 32x32 128x128 512x512; do
  f=usr/share/icons/hicolor/$size/apps/shipdeck-app.png
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
items <<<"$depends" | xargs apt-cache depends --recurse --no-recommends --no-suggests \
  --no-conflicts --no-breaks --no-replaces --no-enhances 2>/dev/null |
  sed -n 's/^\([a-z0-9][^ :]*\).*/\1/p; s/^ *Depends: \([^ <:]*\).*/\1/p' | sort -u >"$tmp/closure"
for bin in "$inst"/usr/bin/*; do
  missing=$(ldd "$bin" | grep 'not found' || true)
  [ -z "$missing" ] || fail "$(basename "$bin") cannot load: $missing"
  ldd "$bin" | awk '/=> \//{print $3}' >"$tmp/libs.$(basename "$bin")"
done
# One dpkg -S for every library, under both names merged /usr gives it.
sort -u "$tmp"/libs.* >"$tmp/libs"
sed 's|^/usr/lib/|/lib/|; t; s|^/lib/|/usr/lib/|' "$tmp/libs" | cat - "$tmp/libs" |
  xargs dpkg -S 2>/dev/null | sed 's/^\([^:]*\):[^ ]* \(.*\)$/\2 \1/' >"$tmp/owners" || true
while read -r lib; do
  other=$(sed 's|^/usr/lib/|/lib/|; t; s|^/lib/|/usr/lib/|' <<<"$lib")
  pkg=$(awk -v a="$lib" -v b="$other" '$1 == a || $1 == b { print $2; exit }' "$tmp/owners")
  [ -n "$pkg" ] || fail "$lib belongs to no installed package"
  grep -qx "$pkg" "$tmp/closure" || fail "$lib comes from $pkg, which Depends does not bring"
done <"$tmp/libs"
for bin in "$inst"/usr/bin/*; do
  ok "usr/bin/$(basename "$bin"): $(wc -l <"$tmp/libs.$(basename "$bin")") libraries, all from declared dependencies"
done

step "the installed CLI"
cli=$inst/usr/bin/shipdeck
# A home and data dir of its own: nothing of the user's is read or written.
mkdir -p "$tmp/home"
printf '[user]\n\tname = Package Check\n\temail = package@example.com\n' >"$tmp/home/.gitconfig"
shipdeck() { HOME=$tmp/home SHIPDECK_DATA_DIR=$tmp/data "$cli" "$@"; }
shipdeck --version | grep -qF "$version" || fail "shipdeck --version: $(shipdeck --version)"
ok "shipdeck --version: $(shipdeck --version)"
shipdeck demo create "$tmp/demo" --seed 42 --json >/dev/null
ok "shipdeck demo create"
tag=$(shipdeck -C "$tmp/demo" workspace info --json | jq -r .last_tag)
[ "$tag" = v1.4.2 ] || fail "workspace info: last_tag $tag, expected v1.4.2"
ok "shipdeck -C demo workspace info --json: last_tag $tag"
next=$(shipdeck -C "$tmp/demo" release plan --json | jq -r '.packages[0].next_version // empty')
[ -n "$next" ] || fail "release plan --json has no next version"
ok "shipdeck -C demo release plan --json: next version $next"

step "the installed app, in a real window"
SHIPDECK_APP=$inst/usr/bin/shipdeck-app SHIPDECK_CLI=$cli SHIPDECK_PACKAGE_VERSION=$version \
  SHIPDECK_SCREENSHOTS=$tmp/shots tests/e2e/run.sh "$root/tests/package/install.spec.mjs"

printf '\npackage check passed: %s\n' "$deb"
