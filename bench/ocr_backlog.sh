#!/usr/bin/env bash
# /metrics while the OCR worker has a backlog, against /metrics when it is
# idle, measured in the same run; and how long the backlog takes per image.
#   bench/ocr_backlog.sh [BUILD_DIR] [BULLETINS]   (default build/release, 10)
# The bulletins are made by tests/fixtures/images/make_images.py (3 images
# each). Aim: the median scrape during the backlog within 2x of idle. Only
# loopback is used.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
count=${2:-10}
exporter=$build/exporter/cncert_exporter
work=$(mktemp -d)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
/usr/bin/python3 tests/fixtures/images/make_images.py "$work/archive" --count "$count" >/dev/null
rm -f "$work"/archive/*.expected.json
port=$((20000 + RANDOM % 20000))
url=http://127.0.0.1:$port

# Median and 99th percentile of 200 scrapes, in milliseconds.
scrapes() {
  for _ in $(seq 200); do curl -s -o /dev/null -w '%{time_total}\n' "$url/metrics"; done |
    sort -n | awk '{t[NR]=$1*1000} END {printf "%.2f %.2f\n", t[int(NR/2)], t[int(NR*0.99)]}'
}
metric() { curl -s "$url/metrics" | awk -v m="$1" '$1 == m {print $2}'; }

start=$(date +%s.%N)
"$exporter" serve --bulletins.dir "$work/archive" --web.listen-address "127.0.0.1:$port" \
  --log.level warn &
pid=$!
for _ in $(seq 3000); do curl -fs "$url/-/ready" >/dev/null && break; sleep 0.01; done
ready=$(date +%s.%N)
read -r busy_median busy_p99 < <(scrapes)
backlog=$(metric cncert_exporter_ocr_backlog)
until [[ $(metric cncert_exporter_ocr_backlog) == 0 && $(metric cncert_exporter_bulletins_waiting_for_images) == 0 ]]; do sleep 0.5; done
done_at=$(date +%s.%N)
read -r idle_median idle_p99 < <(scrapes)
images=$(metric cncert_exporter_images_read_total)
ocr_sum=$(metric cncert_exporter_ocr_duration_seconds_sum)
printf 'archive: %d bulletins, %s images\n' "$count" "$images"
printf 'ready after %.2f s (OCR does not hold it up); backlog then: %s images\n' \
  "$(echo "$ready - $start" | bc -l)" "$backlog"
printf 'OCR: %.2f s per image; backlog cleared after %.1f s\n' \
  "$(echo "$ocr_sum / $images" | bc -l)" "$(echo "$done_at - $start" | bc -l)"
printf '/metrics median/p99 ms: during backlog %s/%s, idle %s/%s\n' \
  "$busy_median" "$busy_p99" "$idle_median" "$idle_p99"
printf 'ratio backlog/idle (median): %.2f (aim <= 2)\n' "$(echo "$busy_median / $idle_median" | bc -l)"

# The cache-hit path: a restart reads no image again.
kill "$pid"; wait "$pid" 2>/dev/null || true
start=$(date +%s.%N)
"$exporter" serve --bulletins.dir "$work/archive" --web.listen-address "127.0.0.1:$port" \
  --log.level warn &
pid=$!
for _ in $(seq 3000); do curl -fs "$url/-/ready" >/dev/null && break; sleep 0.01; done
until [[ $(metric cncert_exporter_bulletins_waiting_for_images) == 0 ]]; do sleep 0.05; done
printf 'restart with a warm cache: every figure served after %.2f s, %s images read again\n' \
  "$(echo "$(date +%s.%N) - $start" | bc -l)" "$(metric cncert_exporter_images_read_total)"
