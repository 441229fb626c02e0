#!/usr/bin/env bash
# Runs Autobahn's categories against the reference servers and compares each result with
# Autobahn's own results on the same server, printing the agreement overall and per category.
#
#   scripts/compare-peers.sh REFERENCE_DIR [OUTDIR] [NAME=PORT ...]
#
# REFERENCE_DIR holds <server>/index.json (+ index.rerun.json) from Autobahn|Testsuite. Without
# NAME=PORT arguments the five servers below must be listening on 127.0.0.1 ports 9401–9405 in
# this order, or PORT_BASE…PORT_BASE+4 with PORT_BASE set (start them with the peers' start.sh).
# OUTDIR defaults to reports/peers.
#
# Categories 1–10 always run. The permessage-deflate cases (12.x, 13.x) run against a server
# when its reference results have them (py-websockets, py-autobahn and c-libwebsockets do: the
# other two do not negotiate the extension). CATEGORIES overrides the selection for every
# server, e.g. CATEGORIES='12.*,13.*' for the compression cases alone. Exits 1 when a server's
# agreement is below MIN_AGREEMENT (default 99.5 %). GAUNTLET picks the binary (default the
# debug build; the 216 compression cases want a release build: `swift build -c release`).
# JOBS sets `--jobs`: libwebsockets 4.1.6 corrupts permessage-deflate messages when two or more
# compressed connections are in flight (Cases/DIVERGENCES.md), which Autobahn, one case at a
# time, never does; JOBS=1 compares its compression alone.
set -euo pipefail
cd "$(dirname "$0")/.."
REF=${1:?usage: scripts/compare-peers.sh REFERENCE_DIR [OUTDIR] [NAME=PORT ...]}
OUT=${2:-reports/peers}
shift $(($# < 2 ? $# : 2))
BIN=${GAUNTLET:-.build/debug/gauntlet}
BASIC='1.*,2.*,3.*,4.*,5.*,6.*,7.*,9.*,10.*'

servers=("$@")
if ((${#servers[@]} == 0)); then
  port=${PORT_BASE:-9401}
  for name in py-websockets py-autobahn py-tornado c-libwebsockets swift-websocketkit; do
    servers+=("$name=$port")
    port=$((port + 1))
  done
fi

status=0
for server in "${servers[@]}"; do
  name=${server%%=*} port=${server#*=}
  cases=${CATEGORIES:-$BASIC}
  # The reference has 12.x/13.x only for servers that negotiated permessage-deflate.
  if [[ -z ${CATEGORIES:-} ]] && grep -q '"12\.1\.1"' "$REF/$name/index.json"; then
    cases="$cases,12.*,13.*"
  fi
  start=$(date +%s.%N)
  jobs=()
  [[ -n ${JOBS:-} ]] && jobs=(--jobs "$JOBS")
  "$BIN" test "ws://127.0.0.1:$port/" --agent "$name" --cases "$cases" --outdir "$OUT/$name" --quiet "${jobs[@]}" \
    >/dev/null || true
  printf '%s: %s in %.1f s wall\n' "$name" "$cases" "$(echo "$(date +%s.%N) - $start" | bc -l)"
  # Compare only the categories run (whole-category patterns such as 12.*), so the others are
  # not listed as missing.
  only=()
  [[ $cases =~ ^[0-9]+\.\*(,[0-9]+\.\*)*$ ]] && only=(--categories "${cases//.\*/}")
  alt=()
  [ -f "$REF/$name/index.rerun.json" ] && alt=(--alt "$REF/$name/index.rerun.json")
  scripts/compare-index.py "$OUT/$name/index.json" "$REF/$name/index.json" "${alt[@]}" "${only[@]}" \
    --min-agreement "${MIN_AGREEMENT:-99.5}" || status=1
done
exit $status
