#!/usr/bin/env bash
# Runs categories 1–10 with Gauntlet as the server (`gauntlet test-client`) against the two
# reference clients and compares each result with Autobahn's fuzzingserver results on the same
# client. Prints each run's wall time and the agreement; exits 1 below --min-agreement (99.5).
#
#   scripts/compare-clients.sh REFERENCE_DIR PEERS_DIR [OUTDIR]
#
# REFERENCE_DIR holds <client>/index.json (+ index.rerun.json) from Autobahn|Testsuite's
# fuzzingserver; PEERS_DIR holds run-client.sh, which starts a client driver:
#   run-client.sh NAME BASE_URL AGENT. OUTDIR defaults to reports/client-peers.
set -euo pipefail
cd "$(dirname "$0")/.."
REF=${1:?usage: scripts/compare-clients.sh REFERENCE_DIR PEERS_DIR [OUTDIR]}
PEERS=${2:?usage: scripts/compare-clients.sh REFERENCE_DIR PEERS_DIR [OUTDIR]}
OUT=${3:-reports/client-peers}
BIN=${GAUNTLET:-.build/debug/gauntlet}
CASES='1.*,2.*,3.*,4.*,5.*,6.*,7.*,9.*,10.*'
status=0
for name in ${CLIENTS:-py-websockets py-autobahn}; do
  mkdir -p "$OUT"
  "$BIN" test-client --cases "$CASES" --outdir "$OUT/$name" -- \
    "$PEERS/run-client.sh" "$name" '{url}' "$name" >"$OUT/$name.log" 2>&1 || true
  echo "$name: $(grep -h '^Wall time' "$OUT/$name.log" || echo 'no wall time: see '"$OUT/$name.log")"
  alt=()
  [ -f "$REF/$name/index.rerun.json" ] && alt=(--alt "$REF/$name/index.rerun.json")
  scripts/compare-index.py "$OUT/$name/index.json" "$REF/$name/index.json" "${alt[@]}" --categories 1-10 \
    --min-agreement "${MIN_AGREEMENT:-99.5}" || status=1
done
exit $status
