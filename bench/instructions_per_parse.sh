#!/usr/bin/env bash
# Instructions per parse of ocr_benchmark's bulletin, with its images from
# the OCR cache, as a text bulletin (the Markdown file with the images' text
# typed in) and as the parser's own text of it parsed again (normalized and
# joined already: no file holds that), counted by callgrind inside
# ParseBulletin:
# steady where timings on a shared machine are not. Each benchmark runs 10
# and then 110 iterations; the difference over 100 leaves out what a run
# does once (the OCR service, the warm-up, RE2's lazy set-up).
#   bench/instructions_per_parse.sh [BUILD_DIR] [IMAGES_DIR]
# Needs valgrind; takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
images=${2:-$build/tests/image_fixtures}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

count() {  # count FILTER ITERATIONS -> instructions inside ParseBulletin
  OCR_BENCHMARK_ITERATIONS=$2 valgrind --tool=callgrind \
    --callgrind-out-file="$work/out" --toggle-collect='cncert::ParseBulletin*' \
    "$build/bench/ocr_benchmark" "$images" --benchmark_filter="$1" \
    >/dev/null 2>&1
  awk '/^(summary|totals):/ {print $2; exit}' "$work/out"
}
per_parse() {  # per_parse FILTER
  local few many
  few=$(count "$1" 10)
  many=$(count "$1" 110)
  echo $(((many - few) / 100))
}
# The cache warm before either count: the first run of a cold one reads the
# images (in the run of 10 alone, which would make the difference too small).
"$build/bench/ocr_benchmark" "$images" --benchmark_filter='^BM_ParseWith' \
  --benchmark_min_time=0 >/dev/null 2>&1
cached=$(per_parse '^BM_ParseWithCachedImages')
typed=$(per_parse '^BM_ParseSameBulletinTyped')
text=$(per_parse '^BM_ParseSameBulletinAsText')
printf '%-40s %8d instructions\n' "a parse with images from the cache" "$cached"
printf '%-40s %8d instructions\n' "the same bulletin typed (Markdown)" "$typed"
printf '%-40s %8d instructions\n' "its parsed text parsed again" "$text"
awk -v c="$cached" -v t="$typed" 'BEGIN {printf "ratio: %.2f\n", c / t}'
awk -v c="$cached" -v t="$text" 'BEGIN {printf "ratio to its parsed text: %.2f\n", c / t}'
