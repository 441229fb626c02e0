#!/usr/bin/env bash
# Runs categories 1–10 against the five reference servers and compares each result with
# Autobahn's own results on the same server.
#
#   scripts/compare-peers.sh REFERENCE_DIR [OUTDIR]
#
# REFERENCE_DIR holds <server>/index.json (+ index.rerun.json) from Autobahn|Testsuite; the
# servers must be listening on 127.0.0.1 ports 9401–9405 in the order below, or PORT_BASE…PORT_BASE+4
# with PORT_BASE set (start them with the peers' start.sh). OUTDIR defaults to reports/peers.
set -euo pipefail
cd "$(dirname "$0")/.."
REF=${1:?usage: scripts/compare-peers.sh REFERENCE_DIR [OUTDIR]}
OUT=${2:-reports/peers}
BIN=${GAUNTLET:-.build/debug/gauntlet}
CASES='1.*,2.*,3.*,4.*,5.*,6.*,7.*,9.*,10.*'
port=${PORT_BASE:-9401}
for name in py-websockets py-autobahn py-tornado c-libwebsockets swift-websocketkit; do
  "$BIN" test "ws://127.0.0.1:$port/" --agent "$name" --cases "$CASES" --outdir "$OUT/$name" --quiet >/dev/null || true
  alt=()
  [ -f "$REF/$name/index.rerun.json" ] && alt=(--alt "$REF/$name/index.rerun.json")
  scripts/compare-index.py "$OUT/$name/index.json" "$REF/$name/index.json" "${alt[@]}" --categories 1-10
  port=$((port + 1))
done
