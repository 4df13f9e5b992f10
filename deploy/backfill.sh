#!/usr/bin/env bash
# Imports an archive of bulletins into a Prometheus data directory.
#   deploy/backfill.sh ARCHIVE_DIR PROMETHEUS_DATA_DIR [LABEL=VALUE ...]
# Example:
#   deploy/backfill.sh /var/lib/cncert_exporter/bulletins /var/lib/prometheus/metrics2 \
#     job=cncert instance=cncert-exporter:10036
# Prometheus must run with a retention longer than the history
# (--storage.tsdb.retention.time=15y), or it deletes the imported blocks.
set -euo pipefail

if (($# < 2)); then
  sed -n '2,9p' "$0"
  exit 2
fi
archive=$1
data=$2
shift 2
labels=()
for l in "$@"; do labels+=(--label "$l"); done

exporter=${CNCERT_EXPORTER:-cncert_exporter}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

status=0
"$exporter" backfill --bulletins.dir "$archive" --output "$work/history.om" "${labels[@]}" ||
  status=$?
if ((status != 0 && status != 3)); then
  echo "backfill failed (exit $status)" >&2
  exit "$status"
fi
((status == 3)) && echo "some files were skipped (see above); importing the rest" >&2

promtool tsdb create-blocks-from openmetrics --max-block-duration=720h \
  "$work/history.om" "$work/blocks"
mkdir -p "$data"
cp -r "$work"/blocks/* "$data"/
if [[ $(id -u) == 0 ]] && id prometheus >/dev/null 2>&1; then
  chown -R prometheus: "$data"
fi
echo "imported $(find "$work/blocks" -mindepth 1 -maxdepth 1 -type d | wc -l) blocks into $data"
echo "check the retention: blocks older than --storage.tsdb.retention.time are deleted"
