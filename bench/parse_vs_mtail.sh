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

# The best of 9 wall-clock runs of each, the two alternating: the machine's
# speed drifts, and blocks of one tool's runs would each catch a phase.
ours=999999
theirs=999999
# Bash's own clock: a `date` process started after the run would add its
# start (about 2 ms here) to every time, most of all to the shorter.
elapsed() {  # elapsed "$@": seconds of one run
  local s e
  s=$EPOCHREALTIME
  "$@" >/dev/null 2>&1
  e=$EPOCHREALTIME
  echo "$e - $s" | bc -l
}
for _ in 1 2 3 4 5 6 7 8 9; do
  t=$(elapsed "$exporter" parse --output json "$work"/corpus/*)
  ours=$(echo "$t" | awk -v b="$ours" '{print ($1 < b) ? $1 : b}')
  t=$(elapsed mtail --one_shot --one_shot_format=prometheus --progs bench/cncert.mtail \
    --logs "$work/all.log" --logtostderr)
  theirs=$(echo "$t" | awk -v b="$theirs" '{print ($1 < b) ? $1 : b}')
done
printf 'corpus: 1000 bulletins, %d bytes\n' "$bytes"
printf 'cncert_exporter parse: %.3f s\n' "$ours"
printf 'mtail --one_shot:      %.3f s\n' "$theirs"
printf 'throughput ratio ours/mtail: %.1f\n' "$(echo "$theirs / $ours" | bc -l)"
