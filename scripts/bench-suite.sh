#!/usr/bin/env bash
# Wall time and peak RSS of Gauntlet's suite runs (issue 11, item 6), from a release build.
#
#   scripts/bench-suite.sh                 # the default `gauntlet test` (no URL: the embedded echo)
#   scripts/bench-suite.sh ws://HOST:PORT  # also cases 1–10 against that server, vs Autobahn's 11.5 s
#   AUTOBAHN_RESULTS=DIR scripts/bench-suite.sh ws://HOST:PORT
#                                          # … vs Autobahn's own wall on that same server, read from
#                                          # its fuzzingclient reports in DIR (scripts/autobahn-wall.py)
#   RUNS=5 scripts/bench-suite.sh ...      # repetitions of each measurement (default 3)
#
# For the second number, use a fast native server, e.g. the C libwebsockets echo of the
# reference peers: `/work/shared/peers/start.sh c-libwebsockets 9431` (see README).
# Targets: the default run ≤ 4 s wall and ≤ 48 MiB peak RSS; cases 1–10 ≤ 1.4 s, 1/8 of the
# 11.5 s Autobahn's wstest needed for them against WebSocket++ and wslay on this machine.
# Peak RSS is GNU time's "Maximum resident set size" of the `gauntlet test` process, which
# includes the embedded echo (it runs in the same process).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
URL=${1:-}
AUTOBAHN_SECONDS=11.5
AUTOBAHN_WHAT="Autobahn's 11.5 s against WebSocket++/wslay"
if [[ -n ${AUTOBAHN_RESULTS:-} ]]; then
  AUTOBAHN_SECONDS=$(python3 scripts/autobahn-wall.py "$AUTOBAHN_RESULTS" --categories 1-10)
  AUTOBAHN_WHAT="Autobahn's $AUTOBAHN_SECONDS s on the same server ($AUTOBAHN_RESULTS)"
fi

BIN=.build/release/gauntlet
if [[ -x $BIN ]] && [[ -z $(find Sources Cases Package.swift -newer "$BIN" -print -quit) ]]; then
  echo "binary: $BIN (existing release build, newer than every source file)"
else
  echo "binary: building a release build (swift build -c release --product gauntlet) ..."
  swift build -c release --product gauntlet >/dev/null
  echo "binary: $BIN (release build made now)"
fi
command -v /usr/bin/time >/dev/null || { echo "needs GNU time at /usr/bin/time" >&2; exit 69; }

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# measure LABEL ARGS...: RUNS runs; prints each, then the median wall and the largest peak RSS.
measure() {
  local label=$1; shift
  local walls=() rss_max=0
  for i in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M' -o "$OUT/time.txt" "$BIN" test --quiet --outdir "$OUT/r" "$@" >"$OUT/run.txt" 2>&1 || true
    read -r wall rss < <(tail -1 "$OUT/time.txt")
    walls+=("$wall")
    ((rss > rss_max)) && rss_max=$rss
    printf '  %-34s run %d: wall %6.2f s   peak RSS %6.1f MiB   (%s)\n' "$label" "$i" "$wall" \
      "$(echo "$rss/1024" | bc -l)" "$(tail -1 "$OUT/run.txt")"
  done
  MEDIAN=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  RSS_MIB=$(echo "$rss_max/1024" | bc -l)
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
measure "default run (embedded echo)"
printf 'default run:  median wall %.2f s (target ≤ 4 s)   max peak RSS %.1f MiB (target ≤ 48 MiB)\n' \
  "$MEDIAN" "$RSS_MIB"

if [[ -n $URL ]]; then
  measure "cases 1–10 against $URL" "$URL" --cases '1.*,2.*,3.*,4.*,5.*,6.*,7.*,9.*,10.*'
  printf 'cases 1–10:   median wall %.2f s = 1/%.1f of %s (target ≤ 1/8)   max peak RSS %.1f MiB\n' \
    "$MEDIAN" "$(echo "$AUTOBAHN_SECONDS/$MEDIAN" | bc -l)" "$AUTOBAHN_WHAT" "$RSS_MIB"
fi
