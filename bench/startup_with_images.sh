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
# Start-up runs from the launch to ready, as bench/serve_start.sh reads it.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/serve_start.sh
build=${1:-build/release}
images=${2:-$build/tests/image_fixtures}
exporter=${EXPORTER:-$build/exporter/cncert_exporter}
count=1000
work=$(mktemp -d)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$build/bench/image_archive" "$images" "$work/archive" "$count" >"$work/made.txt"

start() {  # start LOG: serves the archive until it listens
  serve_start "$1" --bulletins.dir "$work/archive" \
    --web.listen-address "127.0.0.1:$((20000 + RANDOM % 20000))"
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }
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
