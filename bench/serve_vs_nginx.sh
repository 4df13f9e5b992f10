#!/usr/bin/env bash
# /metrics throughput against nginx serving the identical bytes, measured in
# the same run with wrk; plus start-up time and resident memory with an
# archive of 1,000 bulletins.
#   bench/serve_vs_nginx.sh [BUILD_DIR]     (default build/release)
# Needs Debian's wrk and nginx (nginx-light). Aims: ratio >= 0.5, RSS < 20 MB,
# start-up < 0.5 s. Only loopback is used.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
exporter=$build/exporter/cncert_exporter
for tool in wrk nginx curl; do
  command -v $tool >/dev/null || { echo "needs $tool (apt-get install wrk nginx-light curl)" >&2; exit 2; }
done
work=$(mktemp -d)
chmod 755 "$work"  # nginx's worker runs as another user
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
"$build/bench/bench_corpus" "$work/archive" 1000 >/dev/null
port=$((20000 + RANDOM % 20000))
nginx_port=$((port + 1))

start=$(date +%s.%N)
"$exporter" serve --bulletins.dir "$work/archive" --web.listen-address "127.0.0.1:$port" \
  --log.level warn --web.max-requests 0 &
pids+=($!)
for _ in $(seq 3000); do curl -fs "http://127.0.0.1:$port/-/ready" >/dev/null && break; sleep 0.01; done
ready=$(date +%s.%N)
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/${pids[0]}/status")

mkdir -p "$work/www" && chmod 755 "$work/www"
curl -fs "http://127.0.0.1:$port/metrics" > "$work/www/metrics"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  types { }
  default_type "text/plain; version=0.0.4; charset=utf-8";
  server { listen 127.0.0.1:$nginx_port; root $work/www; }
}
CONF
nginx -c "$work/nginx.conf" -p "$work" &
pids+=($!)
for _ in $(seq 500); do curl -fs "http://127.0.0.1:$nginx_port/metrics" >/dev/null && break; sleep 0.01; done
curl -fs "http://127.0.0.1:$nginx_port/metrics" >/dev/null || { echo "nginx did not serve" >&2; exit 1; }

rps() { wrk -t2 -c16 -d5s "$1" | awk '/Requests\/sec/ {print $2}'; }
ours=$(rps "http://127.0.0.1:$port/metrics")
theirs=$(rps "http://127.0.0.1:$nginx_port/metrics")
printf 'archive: 1000 bulletins; /metrics body: %d bytes\n' "$(stat -c %s "$work/www/metrics")"
printf 'start-up to ready: %.3f s\n' "$(echo "$ready - $start" | bc -l)"
printf 'resident memory after load: %.1f MB\n' "$(echo "$rss_kb / 1024" | bc -l)"
printf 'requests/s: cncert_exporter %s, nginx %s\n' "$ours" "$theirs"
printf 'throughput ratio ours/nginx: %.2f\n' "$(echo "$ours / $theirs" | bc -l)"
