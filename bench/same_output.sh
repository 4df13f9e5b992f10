#!/usr/bin/env bash
# Parsing results, byte for byte, against another build: every golden file
# and synthetic archives of 1,000 bulletins (mixed formats, and text), with
# provenance. Use it after a change made for speed or memory:
#   git worktree add /tmp/base BASE && (cd /tmp/base && cmake --preset release && cmake --build --preset release)
#   bench/same_output.sh /tmp/base/build/release/exporter/cncert_exporter [BUILD_DIR [IMAGES_DIR]]
# IMAGES_DIR (made by tests/fixtures/images/make_images.py) adds bulletins
# whose figures stand in images, read once into a cache both builds share.
set -euo pipefail
cd "$(dirname "$0")/.."
old=$1
build=${2:-build/release}
images=${3:-}
new=$build/exporter/cncert_exporter
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/bench/bench_corpus" "$work/mixed" 1000 >/dev/null
"$build/bench/bench_corpus" "$work/text" 1000 text >/dev/null
status=0
ocr=(--ocr=false)
compare() {  # compare NAME FILES...
  local name=$1
  shift
  "$old" parse --output json --provenance "${ocr[@]}" "$@" >"$work/old.json" 2>/dev/null || true
  "$new" parse --output json --provenance "${ocr[@]}" "$@" >"$work/new.json" 2>/dev/null || true
  if cmp -s "$work/old.json" "$work/new.json"; then
    printf '%-28s same (%d bytes of JSON)\n' "$name" "$(stat -c %s "$work/new.json")"
  else
    printf '%-28s DIFFERENT\n' "$name"
    diff <(tr ',' '\n' <"$work/old.json") <(tr ',' '\n' <"$work/new.json") | head -20
    status=1
  fi
}
compare "golden files" tests/golden/*.md tests/golden/*.txt tests/golden/*.html
compare "1,000 mixed bulletins" "$work"/mixed/*
compare "1,000 text bulletins" "$work"/text/*
if [[ -n $images ]]; then
  ocr=(--ocr.cache "$work/ocr")
  compare "bulletins with images" "$images"/*.md
fi
exit $status
