#!/usr/bin/env bash
# Regenerates Reports/: Gauntlet's full default suite against the five reference servers,
# each published as index.json (Autobahn layout) and summary.md.
#
#   scripts/publish-reports.sh [NAME...]      (default: all five)
#
# The servers must listen on 127.0.0.1 ports 9401–9405 in the order below, or PORT_BASE…PORT_BASE+4
# with PORT_BASE set (start them with the reference peers' start.sh). Per-case JSON and HTML stay
# in reports/published (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${GAUNTLET:-.build/debug/gauntlet}
ALL=(py-websockets py-autobahn py-tornado c-libwebsockets swift-websocketkit)
[ $# -gt 0 ] || set -- "${ALL[@]}"
for name in "$@"; do
  port=${PORT_BASE:-9401}
  for each in "${ALL[@]}"; do [ "$each" = "$name" ] && break; port=$((port + 1)); done
  work=reports/published/$name
  "$BIN" test "ws://127.0.0.1:$port/" --agent "$name" --outdir "$work" --format markdown,html --quiet || true
  mkdir -p "Reports/$name"
  cp "$work/index.json" "Reports/$name/index.json"
  cp "$work/summary.md" "Reports/$name/summary.md"
done
