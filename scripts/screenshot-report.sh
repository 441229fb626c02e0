#!/usr/bin/env bash
# Takes a PNG screenshot of a Gauntlet HTML report's index page with headless Chromium,
# so a person (or a review) can look at the report without opening a browser.
#
# usage: scripts/screenshot-report.sh REPORT_DIR OUT.png [WIDTHxHEIGHT]
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: $0 REPORT_DIR OUT.png [WIDTHxHEIGHT]" >&2
    exit 2
fi
dir=$1
out=$2
size=${3:-1400x1800}

if ! command -v chromium >/dev/null 2>&1; then
    echo "chromium not found on PATH (Debian: apt-get install -y chromium)" >&2
    exit 1
fi
if [[ ! -f "$dir/index.html" ]]; then
    echo "no index.html in $dir" >&2
    exit 1
fi

index=$(cd "$dir" && pwd)/index.html
out_abs=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
    --window-size="${size/x/,}" --screenshot="$out_abs" "file://$index" >/dev/null 2>&1

if [[ ! -s "$out_abs" ]]; then
    echo "chromium wrote no screenshot" >&2
    exit 1
fi
echo "$out_abs"
