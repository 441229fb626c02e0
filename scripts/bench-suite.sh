#!/usr/bin/env bash
# Speed and memory benchmark of a full Autobahn-compatible run (categories 1–10, 301 cases)
# against `gauntlet echo` in a separate process, release build.
#
#   scripts/bench-suite.sh            # prints wall time and peak RSS at --jobs 1 and the default
#
# Peak RSS is read by GNU time (`/usr/bin/time -f %M`, KiB) for the `gauntlet test` process only.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product gauntlet >/dev/null
BIN=$(swift build -c release --show-bin-path)/gauntlet
CASES='1.*,2.*,3.*,4.*,5.*,6.*,7.*,9.*,10.*'
OUT=$(mktemp -d)
"$BIN" echo --port 0 >"$OUT/echo.txt" &
ECHO=$!
trap 'kill $ECHO 2>/dev/null || true; rm -rf "$OUT"' EXIT
for _ in $(seq 50); do grep -q listening "$OUT/echo.txt" 2>/dev/null && break; sleep 0.1; done
URL=$(awk '{print $NF}' "$OUT/echo.txt")
run() {
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o "$OUT/time.txt" "$BIN" test "$URL" --cases "$CASES" --outdir "$OUT/r" --quiet "$@" >"$OUT/run.txt"
  read -r wall rss <"$OUT/time.txt"
  printf '%-18s wall %6.2f s   peak RSS %6.1f MiB   (%s)\n' "$label" "$wall" "$(echo "$rss/1024" | bc -l)" "$(tail -1 "$OUT/run.txt")"
}
run "--jobs 1" --jobs 1
run "--jobs default"
