#!/usr/bin/env bash
# Wall time of all 517 Autobahn cases (categories 1–7, 9, 10, 12, 13) against one server, with a
# release build, and its ratio to Autobahn|Testsuite's time on the same server (issue 14, item 6).
#
#   scripts/bench-517.sh ws://HOST:PORT/ [AUTOBAHN_INDEX]
#
# Use a fast native server, e.g. the C libwebsockets echo of the reference peers:
#   /work/shared/peers/start.sh c-libwebsockets 9703 &
#   scripts/bench-517.sh ws://127.0.0.1:9703/ /work/shared/reference/autobahn-results/c-libwebsockets/index.json
#
# Autobahn's time: with WSTEST set to a `wstest` executable (autobahntestsuite; it is Python 2
# code, see `install_wstest` below), the script runs `wstest -m fuzzingclient` on all cases
# against the same URL and takes its wall time. Otherwise it uses AUTOBAHN_INDEX, an index.json
# of Autobahn's results on that server: the sum of its per-case durations, which leaves out
# wstest's start-up and the pauses between cases, so it understates Autobahn's wall time.
# Target: Gauntlet ≤ 1/15 of Autobahn's time. RUNS (default 1) repeats the Gauntlet run; the
# median counts.
#
# Installing wstest: autobahntestsuite 25.10.1 on PyPI pins Python 2.7 and Autobahn|Python
# 0.10.9 (print statements, Twisted 19.10). With a Python 2.7 interpreter (PYTHON2) the script
# installs it into WSTEST_HOME (default ~/.cache/gauntlet/wstest-py2) when INSTALL_WSTEST=1.
set -euo pipefail
cd "$(dirname "$0")/.."
URL=${1:?usage: scripts/bench-517.sh ws://HOST:PORT/ [AUTOBAHN_INDEX]}
INDEX=${2:-}
RUNS=${RUNS:-1}
CASES='1.*,2.*,3.*,4.*,5.*,6.*,7.*,9.*,10.*,12.*,13.*'
WSTEST_HOME=${WSTEST_HOME:-$HOME/.cache/gauntlet/wstest-py2}

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

install_wstest() {
  local python2=${PYTHON2:-$(command -v python2.7 || true)}
  [[ -n $python2 ]] || { echo "INSTALL_WSTEST: no Python 2.7 (set PYTHON2)" >&2; return 1; }
  local src="$OUT/wstest-src"
  mkdir -p "$src" "$WSTEST_HOME"
  "$python2" -m pip download -q --no-deps --no-binary :all: -d "$src" autobahntestsuite==25.10.1
  tar -xzf "$src"/autobahntestsuite-25.10.1.tar.gz -C "$src"
  # setup.py reads its pins from a requirements.txt the sdist lacks; its egg-info keeps them.
  PYTHONUSERBASE=$WSTEST_HOME "$python2" -m pip install -q --user \
    -r "$src/autobahntestsuite-25.10.1/autobahntestsuite.egg-info/requires.txt"
  PYTHONUSERBASE=$WSTEST_HOME "$python2" -m pip install -q --user --no-deps "$src"/autobahntestsuite-25.10.1.tar.gz
}

WSTEST=${WSTEST:-}
if [[ -z $WSTEST && -x $WSTEST_HOME/bin/wstest ]]; then WSTEST=$WSTEST_HOME/bin/wstest; fi
# A wstest installed by install_wstest finds its packages through PYTHONUSERBASE.
[[ $WSTEST == "$WSTEST_HOME/bin/wstest" ]] && export PYTHONUSERBASE=$WSTEST_HOME
if [[ -z $WSTEST && ${INSTALL_WSTEST:-0} == 1 ]]; then
  install_wstest && WSTEST=$WSTEST_HOME/bin/wstest
fi

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
walls=()
for i in $(seq "$RUNS"); do
  /usr/bin/time -f '%e %M' -o "$OUT/time.txt" "$BIN" test "$URL" --agent bench --cases "$CASES" --quiet \
    --outdir "$OUT/gauntlet" >"$OUT/run.txt" 2>&1 || true
  read -r wall rss < <(tail -1 "$OUT/time.txt")
  count=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["bench"]))' "$OUT/gauntlet/index.json")
  printf 'gauntlet run %d: %d cases in %.2f s wall, peak RSS %.1f MiB (%s)\n' "$i" "$count" "$wall" \
    "$(echo "$rss/1024" | bc -l)" "$(tail -1 "$OUT/run.txt")"
  walls+=("$wall")
done
GAUNTLET_SECONDS=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')

if [[ -n $WSTEST ]]; then
  cat >"$OUT/spec.json" <<EOF
{"outdir": "$OUT/wstest", "servers": [{"agent": "bench", "url": "$URL"}],
 "cases": ["*"], "exclude-cases": [], "exclude-agent-cases": {}}
EOF
  (cd "$OUT" && /usr/bin/time -f '%e' -o "$OUT/wstest-time.txt" "$WSTEST" -m fuzzingclient -s spec.json \
    >"$OUT/wstest.txt" 2>&1) || { tail -5 "$OUT/wstest.txt" >&2; exit 1; }
  AUTOBAHN_SECONDS=$(tail -1 "$OUT/wstest-time.txt")
  count=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["bench"]))' "$OUT/wstest/index.json")
  printf 'autobahn: wstest -m fuzzingclient (%s), %d cases in %.2f s wall, same server, run now\n' \
    "$WSTEST" "$count" "$AUTOBAHN_SECONDS"
elif [[ -n $INDEX ]]; then
  read -r count AUTOBAHN_SECONDS < <(python3 -c '
import json, sys
runs = json.load(open(sys.argv[1]))
cases = next(iter(runs.values()))
print(len(cases), sum(c["duration"] for c in cases.values()) / 1000)' "$INDEX")
  printf 'autobahn: wstest not run here; sum of the per-case durations of %d cases in %s: %.2f s\n' \
    "$count" "$INDEX" "$AUTOBAHN_SECONDS"
  echo "          (that sum leaves out wstest's start-up and the gaps between cases: a lower bound)"
else
  echo "no Autobahn time: set WSTEST (or INSTALL_WSTEST=1) or give AUTOBAHN_INDEX" >&2
  exit 64
fi
printf 'gauntlet: median %.2f s = 1/%.1f of Autobahn'"'"'s %.2f s (target 1/15: ≤ %.2f s)\n' "$GAUNTLET_SECONDS" \
  "$(echo "$AUTOBAHN_SECONDS/$GAUNTLET_SECONDS" | bc -l)" "$AUTOBAHN_SECONDS" "$(echo "$AUTOBAHN_SECONDS/15" | bc -l)"
