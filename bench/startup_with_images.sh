#!/usr/bin/env bash
# Start-up and resident memory of `serve` on an archive of 1,000 WeChat-style
# bulletins whose figures stand in 3,000 images, all in the archive's OCR
# cache: what a restart finds (the first start reads and hashes every image;
# each restart after it reads the cache alone).
#   bench/startup_with_images.sh [BUILD_DIR] [IMAGES_DIR]
# IMAGES_DIR is tests/fixtures/images/make_images.py's output (default
# BUILD_DIR/tests/image_fixtures). EXPORTER=path measures another build's
# exporter on the same archive. The goals are those of text bulletins
# (bench/memory_and_startup.sh): ready in 0.15 s, 20 MB.
# Start-up is read from the exporter's own log (from "starting" to
# "listening"), not by polling it: on two cores a poll every few
# milliseconds takes a core from the load it measures.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
images=${2:-$build/tests/image_fixtures}
exporter=${EXPORTER:-$build/exporter/cncert_exporter}
count=1000
work=$(mktemp -d)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$build/bench/image_archive" "$images" "$work/archive" "$count" >"$work/made.txt"

seconds_of() {  # seconds_of LOG MSG -> the Unix time of MSG's first line
  local ts
  ts=$(grep -m1 "msg=\"\?$2" "$1" | sed 's/^ts=\([^ ]*\).*/\1/')
  date -d "$ts" +%s.%N
}
start() {  # start LOG: serves the archive until it listens
  local port=$((20000 + RANDOM % 20000))
  "$exporter" serve --bulletins.dir "$work/archive" \
    --web.listen-address "127.0.0.1:$port" >"$1" 2>&1 &
  pid=$!
  for _ in $(seq 1200); do
    grep -q 'msg=listening' "$1" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "the exporter did not start; its log:" >&2
  cat "$1" >&2
  exit 1
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }
ready_seconds() {  # ready_seconds LOG
  awk -v a="$(seconds_of "$1" starting)" -v b="$(seconds_of "$1" listening)" \
    'BEGIN {printf "%.3f", b - a}'
}
load_seconds() { grep -m1 'msg="archive loaded"' "$1" | sed 's/.*seconds=//'; }

start "$work/first.log"
printf 'archive: %s\n' "$(cat "$work/made.txt")"
printf 'first start (every image read and hashed): ready in %s s (archive loaded in %s s)\n' \
  "$(ready_seconds "$work/first.log")" "$(load_seconds "$work/first.log")"
stop

printf '%8s %10s %10s %9s\n' restart ready_s loaded_s rss_MB
for run in 1 2 3; do
  log=$work/restart$run.log
  start "$log"
  sleep 0.3  # let the load's garbage be returned
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  printf '%8d %10s %10s %9.1f\n' "$run" "$(ready_seconds "$log")" \
    "$(load_seconds "$log")" "$(echo "$rss / 1024" | bc -l)"
  stop
done
