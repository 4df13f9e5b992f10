#!/usr/bin/env bash
# Parse throughput against mtail (Debian's `mtail`, --one_shot) on the same
# 1,000 synthetic plain-text bulletins, measured in the same run.
#   bench/parse_vs_mtail.sh [BUILD_DIR]     (default build/release)
# Prints both times and our/mtail throughput (goal: at least 5; stretch 10).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
exporter=$build/exporter/cncert_exporter
command -v mtail >/dev/null || { echo "needs Debian's mtail: apt-get install mtail" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/bench/bench_corpus" "$work/corpus" 1000 text >/dev/null
cat "$work"/corpus/* > "$work/all.log"
bytes=$(stat -c %s "$work/all.log")

best() {  # best of 7 wall-clock runs of "$@", in seconds (the machine is noisy)
  local best=999999
  for _ in 1 2 3 4 5 6 7; do
    local s e
    s=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    e=$(date +%s.%N)
    best=$(echo "$e - $s" | bc -l | awk -v b="$best" '{print ($1 < b) ? $1 : b}')
  done
  echo "$best"
}

ours=$(best "$exporter" parse --output json "$work"/corpus/*)
theirs=$(best mtail --one_shot --one_shot_format=prometheus --progs bench/cncert.mtail \
  --logs "$work/all.log" --logtostderr)
printf 'corpus: 1000 bulletins, %d bytes\n' "$bytes"
printf 'cncert_exporter parse: %.3f s\n' "$ours"
printf 'mtail --one_shot:      %.3f s\n' "$theirs"
printf 'throughput ratio ours/mtail: %.1f\n' "$(echo "$theirs / $ours" | bc -l)"
