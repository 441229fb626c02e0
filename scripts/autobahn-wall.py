#!/usr/bin/env python3
"""Wall time of an Autobahn|Testsuite run, from its per-case reports.

    scripts/autobahn-wall.py RESULTS_DIR [--categories 1-10]

RESULTS_DIR is a fuzzingclient report directory (index.json beside one JSON file per case, each
with `started` and `duration`). Prints the seconds from the first selected case's start to the
last one's end: what wstest needed for those cases against that server, one case at a time.
scripts/bench-suite.sh divides it by Gauntlet's wall on the same server.
"""
import argparse
import json
import pathlib
import sys
from datetime import datetime, timezone


def seconds(stamp):
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("--categories", default="1-10", help="first-last top-level case numbers")
    args = parser.parse_args()
    first, _, last = args.categories.partition("-")
    low, high = int(first), int(last or first)
    directory = pathlib.Path(args.results)
    index = json.loads((directory / "index.json").read_text())
    spans = []
    for cases in index.values():
        for case_id, entry in cases.items():
            if not low <= int(case_id.split(".")[0]) <= high:
                continue
            # The report file name comes from the index; keep it inside the directory.
            name = pathlib.Path(entry["reportfile"]).name
            report = json.loads((directory / name).read_text())
            start = seconds(report["started"])
            spans.append((start, start + report["duration"] / 1000))
    if not spans:
        sys.exit(f"no case of categories {args.categories} in {directory}")
    print(f"{max(end for _, end in spans) - min(start for start, _ in spans):.1f}")


if __name__ == "__main__":
    main()
