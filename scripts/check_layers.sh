#!/usr/bin/env bash
# The direction of dependencies (docs/architecture.md), checked on the
# includes: each part of exporter/ may include only the parts below it, and
# parsers/ includes no exporter code, no HTTP and no Prometheus.
set -euo pipefail
cd "$(dirname "$0")/.."

# part: the parts it may include (besides itself and parsers).
declare -A allowed=(
  [base]=""
  [archive]="base"
  [metrics]="base archive"
  [core]="base archive metrics"
  [fetch]="base archive metrics"
  [web]="base archive metrics core"
  [ocr]="base archive metrics fetch"
  [cli]="base archive metrics core fetch ocr web"
)

status=0
complain() { echo "layering: $*" >&2; status=1; }

for part in "${!allowed[@]}"; do
  [[ -d exporter/$part ]] || { complain "exporter/$part is missing"; continue; }
  while IFS=: read -r file _ include; do
    target=$(sed -E 's#.*"exporter/([a-z_]+)/.*#\1#' <<<"$include")
    [[ $target == "$part" ]] && continue
    [[ " ${allowed[$part]} " == *" $target "* ]] ||
      complain "$file includes exporter/$target/, but $part may include only: ${allowed[$part]:-nothing}"
  done < <(grep -HnE '#include "exporter/[a-z_]+/' exporter/"$part"/*.h exporter/"$part"/*.cc || true)
done

# Every source file of exporter/ lies in one of the parts.
for f in exporter/*.cc exporter/*.h; do
  [[ -e $f ]] && complain "$f lies outside the parts of exporter/"
done

# parsers/: a pure library.
if grep -nE '#include [<"](exporter/|prometheus/|httplib|CLI/)' parsers/*.h parsers/*.cc; then
  complain "parsers/ must not include exporter, Prometheus, HTTP or CLI code"
fi
# (child_call.cc reads /proc/self for the child's address-space budget;
# rules_to_json.cc is no part of the library but the build's tool that
# writes the rules it embeds.)
if grep -nE '\b(fopen|ifstream|ofstream|opendir|socket)\b' parsers/*.cc |
  grep -vE '^parsers/(child_call|rules_to_json)\.cc:' | grep -v '^\s*//'; then
  complain "parsers/ must not do I/O of its own"
fi

if ((status == 0)); then echo "layering: ok"; fi
exit $status
