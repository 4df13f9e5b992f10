#!/usr/bin/env bash
# Backfill of an archive of 1,000 bulletins (aim: under 1 s), against a
# baseline measured in the same run: reading the same files (cat).
#   bench/backfill.sh [BUILD_DIR]     (default build/release)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/bench/bench_corpus" "$work/archive" 1000 >/dev/null
timed() {
  local s e
  s=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  e=$(date +%s.%N)
  echo "$e - $s" | bc -l
}
base=$(timed sh -c "cat $work/archive/* > /dev/null")
run=$(timed "$build/exporter/cncert_exporter" backfill --bulletins.dir "$work/archive" \
  --output "$work/history.om")
printf 'backfill of 1000 bulletins: %.3f s (%d bytes of OpenMetrics)\n' "$run" \
  "$(stat -c %s "$work/history.om")"
printf 'reading the same files (baseline): %.3f s\n' "$base"
printf 'ratio backfill/baseline: %.1f\n' "$(echo "$run / $base" | bc -l)"
