#!/usr/bin/env bash
# Inside the private D-Bus session: unlock a fresh keyring, start a display
# and tauri-driver, run the specs, stop everything.
set -euo pipefail
printf 'e2e-keyring-password\n' | gnome-keyring-daemon --unlock --components=secrets >/dev/null

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# A free display number, chosen by Xvfb itself.
exec 3<> "$E2E_TMP/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >"$E2E_TMP/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -s "$E2E_TMP/display" ] && break; sleep 0.1; done
export DISPLAY=":$(head -n1 "$E2E_TMP/display")"

# Free ports for tauri-driver and the WebKitWebDriver behind it.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
native=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$TAURI_DRIVER" --port "$port" --native-port "$native" --native-driver /usr/bin/WebKitWebDriver \
  >"$E2E_TMP/tauri-driver.log" 2>&1 &
pids+=($!)
export WEBDRIVER_URL="http://127.0.0.1:$port"

status=0
node --test --test-concurrency=1 --test-reporter=spec "$@" || status=$?
if [ $status -ne 0 ]; then
  echo "--- tauri-driver log (tail) ---"
  tail -n 40 "$E2E_TMP/tauri-driver.log" || true
  echo "--- app log (tail) ---"
  tail -n 40 "$SHIPDECK_DATA_DIR"/logs/*.jsonl 2>/dev/null || true
fi
exit $status
