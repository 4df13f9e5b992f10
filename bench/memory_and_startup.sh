#!/usr/bin/env bash
# Resident memory and start-up of `serve` as the archive grows (0, 100,
# 1,000 and 10,000 bulletin files), and the reload after one file is added
# to the largest.
#   bench/memory_and_startup.sh [BUILD_DIR]     (default build/release)
# Goals: start-up with 1,000 bulletins <= 0.15 s; resident memory with
# 1,000 <= 20 MB; growth linear or better; adding one file re-parses that
# file alone (its reload costs a small part of the first load). Start-up
# runs from the launch to ready (bench/serve_start.sh), the median of three.
# Synthetic weeks run out of plausible dates (2000-2100) before 10,000: that
# archive holds the 1,000 weeks ten times over, as ten mirrors' copies
# would; every file is parsed and held.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/serve_start.sh
build=${1:-build/release}
exporter=$build/exporter/cncert_exporter
work=$(mktemp -d)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$build/bench/bench_corpus" "$work/weeks" 1000 >/dev/null
mapfile -t files < <(ls "$work/weeks")

archive() {  # archive N DIR
  local n=$1 dir=$2 copy=0 made=0
  mkdir -p "$dir"
  while ((made < n)); do
    for f in "${files[@]}"; do
      ((made < n)) || break
      cp "$work/weeks/$f" "$dir/m$copy-$f"
      made=$((made + 1))
    done
    copy=$((copy + 1))
  done
}
loads() { grep -c 'msg="archive loaded"' "$1" || true; }
load_line() { grep 'msg="archive loaded"' "$1" | sed -n "${2}p"; }
load_seconds() { load_line "$@" | sed 's/.*seconds=//'; }
load_parsed() { load_line "$@" | sed -n 's/.* parsed=\([0-9]*\).*/\1/p'; }

printf '%8s %10s %9s %9s %9s %12s\n' files ready_s rss_MB anon_MB file_MB anon_KB/file
base_anon=0
for n in 0 100 1000 10000; do
  dir=$work/a$n
  archive "$n" "$dir"
  # The median of three starts (one can catch the machine in a slow
  # moment); the last start stays up to be measured.
  readies=()
  for try in 1 2 3; do
    log=$work/log$n-$try
    serve_start "$log" --bulletins.dir "$dir" \
      --web.listen-address "127.0.0.1:$((20000 + RANDOM % 20000))" --bulletins.settle-ms 10
    readies+=("$(ready_seconds "$log")")
    ((try == 3)) || { kill "$pid"; wait "$pid" 2>/dev/null || true; }
  done
  ready=$(printf '%s\n' "${readies[@]}" | sort -n | sed -n 2p)
  sleep 0.3  # let the first load's garbage be returned
  read -r rss anon file < <(awk '/^VmRSS/ {r=$2} /^RssAnon/ {a=$2} /^RssFile/ {f=$2} END {print r, a, f}' "/proc/$pid/status")
  ((n == 0)) && base_anon=$anon
  per=$( ((n > 0)) && echo "scale=1; ($anon - $base_anon) / $n" | bc -l || echo -)
  printf '%8d %10.3f %9.1f %9.1f %9.1f %12s\n' "$n" "$ready" \
    "$(echo "$rss / 1024" | bc -l)" "$(echo "$anon / 1024" | bc -l)" "$(echo "$file / 1024" | bc -l)" "$per"
  if ((n == 10000)); then
    before=$(loads "$log")
    cp "$work/weeks/${files[0]}" "$dir/new-${files[0]}"
    for _ in $(seq 2000); do (($(loads "$log") > before)) && break; sleep 0.01; done
    printf 'first load of %d files: %.3f s; reload after adding one: %.3f s (parsed %s of %d files)\n' \
      "$n" "$(load_seconds "$log" 1)" "$(load_seconds "$log" $((before + 1)))" \
      "$(load_parsed "$log" $((before + 1)))" $((n + 1))
  fi
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=
done
