#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build script for Gauntlet's libFuzzer targets.
#
# Inputs, as the builder image sets them (Fuzz/ci.sh sets them too and runs this without Docker):
#   SRC         the directory holding the checkout as $SRC/gauntlet
#   OUT         where each fuzzer goes, with <fuzzer>.dict and <fuzzer>_seed_corpus.zip
#   SANITIZER   address (default), undefined, coverage, …
#   SWIFTFLAGS  the `swift build` flags for the sanitizer; the Swift image's `precompile_swift`
#               sets them when they are not given
#   GAUNTLET_FUZZ_CONFIGURATION  release (default) or debug (CI reuses its debug build)
#
# FuzzNetwork is not shipped: it needs a live server beside it, which a ClusterFuzzLite or
# OSS-Fuzz runner does not start. GAUNTLET_FUZZ_NETWORK=1 builds it too (Fuzz/ci.sh does).
SANITIZER=${SANITIZER:-address}
if [[ -z "${SWIFTFLAGS:-}" ]]; then
    if command -v precompile_swift >/dev/null 2>&1; then
        . precompile_swift
    else
        SWIFTFLAGS="--sanitize=$SANITIZER --sanitize=fuzzer"
    fi
fi
# Swift 6.3 emits no coverage instrumentation for -sanitize=fuzzer when the other sanitizer
# comes after it (SwiftPM's order): ask for it explicitly (Fuzz/README.md, "libFuzzer targets").
if [[ "$SWIFTFLAGS" != *sanitize-coverage* && "$SANITIZER" != coverage ]]; then
    SWIFTFLAGS="$SWIFTFLAGS -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp"
fi
CONFIGURATION=${GAUNTLET_FUZZ_CONFIGURATION:-release}

# The physical path: a symlinked $SRC/gauntlet must not look like another package to SwiftPM
# (it would rebuild everything instead of reusing .build).
cd "$(cd "$SRC/gauntlet/Fuzz" && pwd -P)"
# Only the shipped targets (and FuzzNetwork when GAUNTLET_FUZZ_NETWORK=1): the codec targets
# depend on the codec alone, so the engine, NIO's sockets and TLS (a second BoringSSL) are not
# built with the sanitizers unless FuzzNetwork is asked for.
PRODUCTS=(FuzzFrameDecoder FuzzUTF8 FuzzHandshake FuzzClosePayload FuzzInflate)
[[ "${GAUNTLET_FUZZ_NETWORK:-0}" == 1 ]] && PRODUCTS+=(FuzzNetwork)
for product in "${PRODUCTS[@]}"; do
    # shellcheck disable=SC2086  # SWIFTFLAGS is a list of flags
    swift build -c "$CONFIGURATION" $SWIFTFLAGS --product "$product"
done
# shellcheck disable=SC2086
BIN=$(swift build -c "$CONFIGURATION" $SWIFTFLAGS --show-bin-path)

zip_corpus() { # zip_corpus ARCHIVE DIR: the files of DIR, flat
    if command -v zip >/dev/null 2>&1; then
        (cd "$2" && zip -q -j "$1" ./*)
    else
        python3 -c 'import sys, zipfile, pathlib
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for p in sorted(pathlib.Path(sys.argv[2]).iterdir()):
        if p.is_file(): z.write(p, p.name)' "$1" "$2"
    fi
}

mkdir -p "$OUT"
declare -A DICT=([FuzzFrameDecoder]=frame [FuzzUTF8]=utf8 [FuzzHandshake]=http [FuzzClosePayload]=close [FuzzInflate]=inflate)
for target in FuzzFrameDecoder FuzzUTF8 FuzzHandshake FuzzClosePayload FuzzInflate; do
    cp "$BIN/$target" "$OUT/$target"
    cp "Dictionaries/${DICT[$target]}.dict" "$OUT/$target.dict"
    rm -f "$OUT/${target}_seed_corpus.zip"
    zip_corpus "$OUT/${target}_seed_corpus.zip" "Corpus/$target"
done
echo "build.sh: $(ls "$OUT" | wc -l) files in $OUT ($CONFIGURATION, $SANITIZER)"
