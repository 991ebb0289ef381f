#!/usr/bin/env bash
# HTTP load generator: Shipdeck's closed model (crates/shipdeck-benchmarks/benches/
# loadgen.rs, calling run_http) against wrk and oha, all three hitting the
# same local nginx (one worker, `return 200 "ok"`, config generated in a
# temporary folder) with the same connection counts and duration, in the same
# run. Each tool runs ROUNDS times, interleaved; medians are reported.
#
#   bench/loadgen/run.sh [ROUNDS] [SECONDS]      (defaults: 3 rounds of 5 s)
#   CONNECTIONS="16 64" bench/loadgen/run.sh
#
# Goal: Shipdeck's req/s >= 1.0x wrk's at the same connection count.
# Needs nginx and wrk, and oha for its column (scripts/setup.sh --bench
# installs them; without oha its rows are left out). Shipdeck runs with as
# many threads as wrk (`-t`, one per core; THREADS=N sets both).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/bench/loadgen"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/shipdeck-target}
tools=${SHIPDECK_TOOLS:-$HOME/.cache/shipdeck-tools}
rounds=${1:-3}
seconds=${2:-5}
connections=${CONNECTIONS:-16 64}
threads=${THREADS:-$(nproc)}

nginx=$(command -v nginx || echo /usr/sbin/nginx)
# shellcheck source=scripts/tools.env
. "$root/scripts/tools.env"
oha=$(command -v oha || echo "$tools/oha-$OHA_VERSION/bin/oha")
for tool in "$nginx" wrk jq; do
  command -v "$tool" >/dev/null || { echo "loadgen bench: $tool not found; run scripts/setup.sh --bench" >&2; exit 1; }
done
peers="wrk oha shipdeck"
if [ ! -x "$oha" ]; then
  echo "loadgen bench: oha not found ($oha), its rows are left out; scripts/setup.sh --bench builds it" >&2
  peers="wrk shipdeck"
fi

# The generator, built once; its path from cargo's JSON messages.
cd "$root"
shipdeck=$(cargo bench -q -p shipdeck-benchmarks --bench loadgen --no-run --message-format=json 2>/dev/null |
  jq -r 'select(.reason == "compiler-artifact" and .target.name == "loadgen" and .executable != null) | .executable' | tail -n1)
[ -x "$shipdeck" ] || { echo "loadgen bench: build failed" >&2; exit 1; }

# A free local port: the first that nothing answers on.
port=18080
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done

tmp=$(mktemp -d)
nginx_pid=""
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
cat >"$tmp/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  client_body_temp_path $tmp/body;
  proxy_temp_path $tmp/proxy;
  fastcgi_temp_path $tmp/fastcgi;
  uwsgi_temp_path $tmp/uwsgi;
  scgi_temp_path $tmp/scgi;
  server {
    listen 127.0.0.1:$port;
    location / { return 200 "ok"; }
  }
}
CONF
"$nginx" -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/error.log" &
nginx_pid=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$port/"

# Each prints "<req/s> <p99 ms> <errors>".
run_wrk() {
  wrk -t "$threads" -c "$1" -d "${seconds}s" -s "$here/report.lua" "$url" | tail -n1 |
    jq -r '"\(.requests / (.duration_us / 1e6)) \(.p99_us / 1000) \(.errors)"'
}
run_oha() {
  "$oha" --no-tui --output-format json -c "$1" -z "${seconds}s" "$url" |
    jq -r '"\(.summary.requestsPerSec) \(.latencyPercentiles.p99 * 1000) \([.errorDistribution[]] | add // 0)"'
}
run_shipdeck() {
  "$shipdeck" "$url" "$1" "$seconds" -t "$threads" | jq -r '"\(.rps) \(.latency_ms.p99) \(.errors)"'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "nginx 1 worker on 127.0.0.1:$port; $threads threads for wrk and shipdeck; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')); ${rounds} rounds of ${seconds} s"
wrk -t "$threads" -c 16 -d 1s "$url" >/dev/null # warm-up
printf '\n%-9s %5s %12s %10s %8s %9s   %s\n' tool conns req/s "p99 ms" errors "vs wrk" "req/s of each round"
for c in $connections; do
  for tool in $peers; do : >"$tmp/$tool.$c"; done
  for _ in $(seq "$rounds"); do
    for tool in $peers; do "run_$tool" "$c" >>"$tmp/$tool.$c"; done
  done
  wrk_rps=$(cut -d' ' -f1 "$tmp/wrk.$c" | median)
  for tool in $peers; do
    rps=$(cut -d' ' -f1 "$tmp/$tool.$c" | median)
    p99=$(cut -d' ' -f2 "$tmp/$tool.$c" | median)
    errors=$(cut -d' ' -f3 "$tmp/$tool.$c" | median)
    printf '%-9s %5s %12.0f %10.2f %8.0f %8.2fx   %s\n' "$tool" "$c" "$rps" "$p99" "$errors" \
      "$(awk -v a="$rps" -v b="$wrk_rps" 'BEGIN { print a / b }')" \
      "$(cut -d' ' -f1 "$tmp/$tool.$c" | xargs printf '%.0f ')"
  done
done
echo
echo "goal: shipdeck req/s >= 1.00x wrk at each connection count"
