#!/usr/bin/env bash
# Real-window end-to-end tests: the debug app (UI embedded) under Xvfb,
# driven by tauri-driver + WebKitWebDriver, with a private D-Bus session and
# an unlocked GNOME Keyring (a real Secret Service) in a temporary HOME.
#
#   tests/e2e/run.sh            all specs
#   tests/e2e/run.sh SPEC…      some specs
# SHIPDECK_APP and SHIPDECK_CLI name other binaries than the debug build's
# (tests/package/check.sh runs the ones the .deb installs).
# Screenshots go to $SHIPDECK_SCREENSHOTS (default: <target>/e2e-screenshots).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$HOME/.cache/shipdeck-target}
tools=${SHIPDECK_TOOLS:-$HOME/.cache/shipdeck-tools}

export SHIPDECK_APP=${SHIPDECK_APP:-$target/debug/shipdeck-app}
export SHIPDECK_CLI=${SHIPDECK_CLI:-$target/debug/shipdeck}
export SHIPDECK_SCREENSHOTS=${SHIPDECK_SCREENSHOTS:-$target/e2e-screenshots}
# shellcheck source=scripts/tools.env
. "$root/scripts/tools.env"
export TAURI_DRIVER=$tools/tauri-driver-$TAURI_DRIVER_VERSION/bin/tauri-driver
for f in "$SHIPDECK_APP" "$SHIPDECK_CLI" "$TAURI_DRIVER"; do
  [ -x "$f" ] || { echo "e2e: missing $f (run make build / make setup)" >&2; exit 1; }
done
mkdir -p "$SHIPDECK_SCREENSHOTS"

E2E_TMP=$(mktemp -d /tmp/shipdeck-e2e.XXXXXX)
trap 'rm -rf "$E2E_TMP"' EXIT
export E2E_TMP
# Toolchains installed under the real HOME stay usable (the doctor runs them).
export RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup} CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
export HOME=$E2E_TMP/home SHIPDECK_DATA_DIR=$E2E_TMP/data NO_AT_BRIDGE=1
export XDG_RUNTIME_DIR=$E2E_TMP/run
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
printf '[user]\n\tname = E2E Release Manager\n\temail = e2e@example.com\n' >"$HOME/.gitconfig"
chmod 700 "$XDG_RUNTIME_DIR"

specs=("$@")
[ ${#specs[@]} -gt 0 ] || specs=("$root"/tests/e2e/*.spec.mjs)
# The desktop session's chatter (D-Bus activation, portals, GTK) goes to a
# log that is shown only when a spec fails.
status=0
dbus-run-session -- bash "$root/tests/e2e/session.sh" "${specs[@]}" 2>"$E2E_TMP/session.log" || status=$?
if [ $status -ne 0 ]; then
  echo "--- session stderr (tail) ---" >&2
  tail -n 60 "$E2E_TMP/session.log" >&2
fi
exit $status
