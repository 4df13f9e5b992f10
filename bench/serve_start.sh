# shellcheck shell=bash
# Sourced by the start-up scripts: starts `serve` and reads its time to ready.
#   serve_start LOG ARG...  runs "$exporter" serve ARG... with its output to
#                           LOG, sets $pid, and returns once it listens (the
#                           first load is done before it listens)
#   ready_seconds LOG       seconds from the launch to its "listening" line
# The time is the log's own stamp (milliseconds) against bash's clock at the
# launch: the front's start and the whole exporter's are in it, and the wait
# for the line polls every 20 ms, taking little from the load it measures.
# (A `curl` every 5 ms took a core on two and added its own start: 0.07 s
# with no files at all.)

declare -A launched_at=()

serve_start() {
  local log=$1
  shift
  launched_at[$log]=$EPOCHREALTIME
  # $exporter: the binary to start, the sourcing script's.
  "${exporter:?}" serve "$@" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 3000); do
    grep -q 'msg=listening' "$log" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.02
  done
  echo "the exporter did not start; its log:" >&2
  cat "$log" >&2
  exit 1
}

ready_seconds() {
  local ts
  ts=$(grep -m1 'msg=listening' "$1" | sed 's/^ts=\([^ ]*\).*/\1/')
  awk -v a="${launched_at[$1]}" -v b="$(date -d "$ts" +%s.%N)" \
    'BEGIN {printf "%.3f", b - a}'
}
