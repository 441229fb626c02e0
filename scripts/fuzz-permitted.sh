#!/usr/bin/env bash
# Issue 12, done-when (b), at the issue's own length: a `gauntlet fuzz` campaign of DURATION
# seconds (default 60) against each server that does only what RFC 6455 permits — fails a
# connection with an empty close frame, fails it by closing TCP, validates UTF-8 only when a
# message completes, refuses binary messages with 1003 — must end with no finding that
# `--policy standard` fails (exit 0). The unit tests (`PermittedBehaviourTests`) run the same
# servers for a fixed 1,500 runs instead, so CI stays short; this script is the 60 s version.
#
#   scripts/fuzz-permitted.sh            # release builds of gauntlet and faulty-echo, 60 s each
#   DURATION=20 PARALLEL=2 scripts/fuzz-permitted.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-60}
PARALLEL=${PARALLEL:-1}
swift build -c release --product gauntlet >/dev/null
swift build -c release --product faulty-echo >/dev/null
BIN=$(swift build -c release --show-bin-path)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

run() {
  local fault=$1
  local status=0
  "$BIN/gauntlet" fuzz --exec "$BIN/faulty-echo --faults $fault --port {port}" --duration "$DURATION" \
    --seed 60 --policy standard --quiet --findings "$OUT/$fault" >"$OUT/$fault.log" 2>&1 || status=$?
  printf '%-22s exit %d  %s; %s\n' "$fault" "$status" "$(grep -E '^execs' "$OUT/$fault.log" | tail -1)" \
    "$(tail -1 "$OUT/$fault.log")"
  return "$status"
}

status=0
faults=(failWithEmptyClose failByClosingTCP validateUTF8Lazily refuseBinaryWith1003)
for ((i = 0; i < ${#faults[@]}; i += PARALLEL)); do
  pids=()
  for fault in "${faults[@]:i:PARALLEL}"; do run "$fault" & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
done
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
