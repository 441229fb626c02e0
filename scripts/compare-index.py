#!/usr/bin/env python3
"""Compare the verdicts of two Autobahn-layout index.json files.

    scripts/compare-index.py OURS/index.json REFERENCE/index.json [--alt REFERENCE/index.rerun.json]
                             [--agent OURS_AGENT=REF_AGENT] [--categories 1-10] [--json]

A case agrees when (behavior, behaviorClose) are identical, or, with --alt, identical to the
alternative run (Autobahn itself flips on timing-dependent cases between runs). Only cases
present in both files are compared; cases missing on either side are listed. The agreement is
printed for all compared cases, then per category (the first id component: 12 and 13 are the
permessage-deflate cases). Exit 0 always unless --min-agreement PCT is given and the agreement
of some agent is below it (then exit 1).
"""
import argparse
import json
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def verdict(entry):
    return (entry["behavior"], entry["behaviorClose"])


def case_key(case_id):
    return tuple(int(p) if p.isdigit() else 1 << 30 for p in case_id.split("."))


def in_categories(case_id, spec):
    if not spec:
        return True
    category = int(case_id.split(".")[0])
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        if int(lo) <= category <= int(hi or lo):
            return True
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ours")
    parser.add_argument("reference")
    parser.add_argument("--alt", action="append", default=[], help="another reference run; matching it also agrees")
    parser.add_argument("--agent", action="append", default=[], help="OURS=REF agent name mapping")
    parser.add_argument("--categories", default="", help="e.g. 1-10 or 1-7,9,10")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--min-agreement", type=float, default=None)
    args = parser.parse_args()

    ours, reference = load(args.ours), load(args.reference)
    alternatives = [load(p) for p in args.alt]
    mapping = dict(a.split("=", 1) for a in args.agent)
    if not mapping:
        common = sorted(set(ours) & set(reference))
        if common:
            mapping = {a: a for a in common}
        elif len(ours) == 1 and len(reference) == 1:
            mapping = {next(iter(ours)): next(iter(reference))}
    summary = []
    worst = 100.0
    for our_agent, ref_agent in mapping.items():
        mine, theirs = ours.get(our_agent, {}), reference.get(ref_agent, {})
        alts = [alt.get(ref_agent, {}) for alt in alternatives]
        ids = sorted((set(mine) & set(theirs)), key=case_key)
        ids = [i for i in ids if in_categories(i, args.categories)]
        diffs = []
        for case_id in ids:
            accepted = [verdict(theirs[case_id])] + [verdict(a[case_id]) for a in alts if case_id in a]
            if verdict(mine[case_id]) not in accepted:
                diffs.append({"case": case_id, "ours": verdict(mine[case_id]), "reference": accepted})
        agree = len(ids) - len(diffs)
        pct = 100.0 * agree / len(ids) if ids else 0.0
        # Per category: a few compression disagreements must not hide behind 300 other cases.
        differing = {d["case"] for d in diffs}
        categories = {}
        for case_id in ids:
            c = categories.setdefault(case_id.split(".")[0], {"compared": 0, "agree": 0})
            c["compared"] += 1
            c["agree"] += case_id not in differing
        for c in categories.values():
            c["percent"] = round(100.0 * c["agree"] / c["compared"], 2)
        worst = min(worst, pct)
        missing = sorted((set(theirs) - set(mine)), key=case_key)
        missing = [i for i in missing if in_categories(i, args.categories)]
        summary.append({"agent": our_agent, "reference_agent": ref_agent, "compared": len(ids), "agree": agree,
                        "percent": round(pct, 2), "categories": categories, "differences": diffs, "missing_in_ours": missing})
    if args.json:
        json.dump(summary, sys.stdout, indent=2)
        print()
    else:
        for s in summary:
            print(f"{s['agent']} vs {s['reference_agent']}: {s['agree']}/{s['compared']} agree ({s['percent']:.2f} %)")
            print("  per category: " + ", ".join(
                f"{k}: {c['agree']}/{c['compared']} ({c['percent']:.2f} %)"
                for k, c in sorted(s["categories"].items(), key=lambda kv: int(kv[0]))))
            for d in s["differences"]:
                ref = " or ".join("/".join(v) for v in dict.fromkeys(map(tuple, d["reference"])))
                print(f"  {d['case']:<8} ours {'/'.join(d['ours']):<28} reference {ref}")
            if s["missing_in_ours"]:
                print(f"  not in ours: {', '.join(s['missing_in_ours'][:20])}{' ...' if len(s['missing_in_ours']) > 20 else ''}")
    if args.min_agreement is not None and worst < args.min_agreement:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
