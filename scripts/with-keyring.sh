#!/usr/bin/env bash
# Runs a command with a real, unlocked Secret Service (GNOME Keyring) on a
# private D-Bus session and a temporary HOME, so tests never touch the
# user's own keyring:   scripts/with-keyring.sh cargo test
set -euo pipefail
for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || { echo "with-keyring: $tool is missing (make setup)" >&2; exit 1; }
done
# Toolchains under the real HOME stay usable.
export RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup} CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/shipdeck-target}
export SHIPDECK_TOOLS=${SHIPDECK_TOOLS:-$HOME/.cache/shipdeck-tools}
export npm_config_cache=${npm_config_cache:-$HOME/.npm}
KEYRING_HOME=$(mktemp -d /tmp/shipdeck-keyring.XXXXXX)
trap 'rm -rf "$KEYRING_HOME"' EXIT
export HOME=$KEYRING_HOME/home XDG_RUNTIME_DIR=$KEYRING_HOME/run NO_AT_BRIDGE=1
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
dbus-run-session -- bash -c \
  'printf "shipdeck-test\n" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' \
  with-keyring "$@"
