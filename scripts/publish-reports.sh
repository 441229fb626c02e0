#!/usr/bin/env bash
# Regenerates Reports/: Gauntlet's full default suite against the five reference servers,
# each published as index.json (Autobahn layout) and summary.md.
#
#   scripts/publish-reports.sh
#
# The servers must listen on 127.0.0.1 ports 9401–9405 in the order below, or PORT_BASE…PORT_BASE+4
# with PORT_BASE set (start them with the reference peers' start.sh). Per-case JSON and HTML stay
# in reports/published (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${GAUNTLET:-.build/debug/gauntlet}
port=${PORT_BASE:-9401}
for name in py-websockets py-autobahn py-tornado c-libwebsockets swift-websocketkit; do
  work=reports/published/$name
  "$BIN" test "ws://127.0.0.1:$port/" --agent "$name" --outdir "$work" --format markdown,html --quiet || true
  mkdir -p "Reports/$name"
  cp "$work/index.json" "Reports/$name/index.json"
  cp "$work/summary.md" "Reports/$name/summary.md"
  port=$((port + 1))
done
