#!/usr/bin/env bash
# Fuzz CI: build the libFuzzer targets with the fuzzer and address sanitizers through the
# ClusterFuzzLite build script (.clusterfuzzlite/build.sh, with $SRC, $OUT and the sanitizer
# flags set as the builder image sets them, without Docker), run each for FUZZ_SECONDS (default
# 30), and run a gauntlet fuzz smoke campaign of the same length against `gauntlet echo`
# started under --exec, which must find nothing. Exits non-zero on any crash or finding.
#
#   Fuzz/ci.sh                   # from anywhere
#   GAUNTLET=/path/to/gauntlet Fuzz/ci.sh   # reuse an already built CLI (default: debug build)
#   FUZZ_PHASE=build Fuzz/ci.sh  # only build (.ci/run does this at nice 19 while the tests run)
#   FUZZ_PHASE=run Fuzz/ci.sh    # only run what an earlier build phase built
#
# Crash inputs land in Fuzz/FailCases/<target>/ (commit them; the root package's
# FailCasesTests replay them), network findings in Fuzz/.build-findings/.
set -euo pipefail
cd "$(dirname "$0")"
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
FUZZ_PHASE=${FUZZ_PHASE:-all}
# FUZZ_NETWORK=0 leaves out FuzzNetwork (build and run): .ci/run does, see there.
FUZZ_NETWORK=${FUZZ_NETWORK:-1}
case "$FUZZ_PHASE" in all | build | run) ;; *) echo "FUZZ_PHASE must be all, build or run" >&2; exit 64 ;; esac
started=$(date +%s)
# Swift's crash backtracer trips ASan inside a sanitized process; libFuzzer reports crashes itself.
export SWIFT_BACKTRACE=enable=no
stamp() { echo "[fuzz-ci +$(( $(date +%s) - started ))s] $*"; }

# Swift 6.3's driver adds no coverage instrumentation for -sanitize=fuzzer when
# -sanitize=address comes after it (SwiftPM's order), so ask for it explicitly.
FLAGS=(--sanitize=address --sanitize=fuzzer -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp)
OUT="$PWD/.build-out"
if [[ $FUZZ_PHASE != run ]]; then
    stamp "building the Fuzz package (fuzzer + address sanitizers) with .clusterfuzzlite/build.sh"
    # The builder image's layout: the checkout at $SRC/gauntlet (a symlink here; build.sh builds in
    # the physical directory, so this is the one build CI makes of the Fuzz package).
    SRC=$(mktemp -d)
    ln -s "$(cd .. && pwd -P)" "$SRC/gauntlet"
    SRC="$SRC" OUT="$OUT" SANITIZER=address SWIFTFLAGS="${FLAGS[*]}" GAUNTLET_FUZZ_CONFIGURATION=debug \
        GAUNTLET_FUZZ_NETWORK="$FUZZ_NETWORK" \
        ../.clusterfuzzlite/build.sh
    rm -rf "$SRC"
fi
BIN=$(swift build "${FLAGS[@]}" --show-bin-path)

GAUNTLET=${GAUNTLET:-}
if [[ -z "$GAUNTLET" && $FUZZ_PHASE != build ]]; then
    stamp "building the gauntlet CLI"
    (cd .. && swift build --product gauntlet)
    GAUNTLET="$(cd .. && swift build --show-bin-path)/gauntlet"
fi
if [[ $FUZZ_PHASE == build ]]; then stamp "built, status 0"; exit 0; fi

status=0
declare -A DICT=([FuzzFrameDecoder]=frame [FuzzUTF8]=utf8 [FuzzHandshake]=http [FuzzClosePayload]=close [FuzzInflate]=inflate [FuzzNetwork]=network)
run_target() {
    local target=$1; shift
    mkdir -p ".build-corpus/$target" "FailCases/$target"
    stamp "running $target for ${FUZZ_SECONDS}s"
    # The five codec targets run from $OUT, as ClusterFuzzLite runs them; FuzzNetwork from the build.
    local binary="$OUT/$target"
    [[ -x "$binary" ]] || binary="$BIN/$target"
    if ! "$binary" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
        -dict="Dictionaries/${DICT[$target]}.dict" -artifact_prefix="FailCases/$target/" "$@" \
        ".build-corpus/$target" "Corpus/$target" > ".build-corpus/$target.log" 2>&1; then
        echo "FAILED: $target (see FailCases/$target/ and below)"; tail -40 ".build-corpus/$target.log"; return 1
    else
        grep -E "stat::number_of_executed_units|stat::average_exec_per_sec" ".build-corpus/$target.log" | sed "s/^/  $target /"
    fi
}

# Two codec targets at a time: each is one single-threaded process, CI has two cores, and the
# tests are over when this runs (five targets one after another were 5 x FUZZ_SECONDS of wall).
# A target's lines are printed when it ends; a failing one fails the run.
running=()
for target in FuzzFrameDecoder FuzzUTF8 FuzzHandshake FuzzClosePayload FuzzInflate; do
    run_target "$target" &
    running+=($!)
    if (( ${#running[@]} == 2 )); then
        wait "${running[0]}" || status=1
        running=("${running[@]:1}")
    fi
done
for pid in "${running[@]}"; do wait "$pid" || status=1; done

# The network target and the smoke campaign both drive a gauntlet echo on a free port.
PORT=${FUZZ_ECHO_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
"$GAUNTLET" echo --port "$PORT" > .build-echo.log 2>&1 &
echo_pid=$!
trap 'kill "$echo_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
URL="ws://127.0.0.1:$PORT/"
stamp "gauntlet echo at $URL"
if [[ $FUZZ_NETWORK == 1 ]]; then
    ASAN_OPTIONS=detect_leaks=0 GAUNTLET_FUZZ_URL="$URL" GAUNTLET_FUZZ_FINDINGS=.build-findings GAUNTLET_FUZZ_ABORT_ON=crash,hang,protocol-violation,echo-instead-of-fail,accepted-violation,rejected-valid,wrong-echo \
        run_target FuzzNetwork -max_len=4096 -detect_leaks=0 || status=1
fi

stamp "gauntlet fuzz smoke campaign for ${FUZZ_SECONDS}s (gauntlet echo under --exec)"
if ! "$GAUNTLET" fuzz --exec "$GAUNTLET echo --port {port}" --duration "$FUZZ_SECONDS" --seed 1 --jobs 16 --quiet \
    --findings .build-findings/smoke; then
    echo "FAILED: the smoke campaign found something in gauntlet echo (.build-findings/smoke)"; status=1
fi
stamp "done, status $status"
exit $status
