#!/usr/bin/env bash
# Regenerates Reports/: Gauntlet's full default suite (every case for the client role: Autobahn's
# 517 and Gauntlet's families) against the five reference servers, each published as index.json
# (Autobahn layout) and summary.md.
#
#   scripts/publish-reports.sh [NAME[=PORT]...]      (default: all five)
#
# Without =PORT the servers must listen on 127.0.0.1 ports 9401–9405 in the order below, or
# PORT_BASE…PORT_BASE+4 with PORT_BASE set (start them with the reference peers' start.sh);
# NAME=PORT names the port of that server instead. JOBS sets `--jobs` (libwebsockets 4.1.6 wants
# JOBS=1: it corrupts permessage-deflate messages when two or more compressed connections are in
# flight, which happens in the 16.x family; see Cases/DIVERGENCES.md). GAUNTLET picks the binary
# (default the debug build; the 216 compression cases want a release build). Per-case JSON and
# HTML stay in reports/published (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${GAUNTLET:-.build/debug/gauntlet}
ALL=(py-websockets py-autobahn py-tornado c-libwebsockets swift-websocketkit)
[ $# -gt 0 ] || set -- "${ALL[@]}"
jobs=()
[[ -n ${JOBS:-} ]] && jobs=(--jobs "$JOBS")
for server in "$@"; do
  name=${server%%=*}
  if [[ $server == *=* ]]; then
    port=${server#*=}
  else
    port=${PORT_BASE:-9401}
    for each in "${ALL[@]}"; do [ "$each" = "$name" ] && break; port=$((port + 1)); done
  fi
  work=reports/published/$name
  start=$(date +%s.%N)
  "$BIN" test "ws://127.0.0.1:$port/" --agent "$name" --outdir "$work" --format markdown,html --quiet \
    "${jobs[@]}" || true
  printf '%s: every case in %.1f s wall\n' "$name" "$(echo "$(date +%s.%N) - $start" | bc -l)"
  mkdir -p "Reports/$name"
  cp "$work/index.json" "Reports/$name/index.json"
  cp "$work/summary.md" "Reports/$name/summary.md"
done
