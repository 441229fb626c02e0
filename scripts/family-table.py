#!/usr/bin/env python3
"""scripts/family-table.py REPORTS_DIR: the 0.x/11.x/14.x/15.x/16.x verdicts of the five reference servers
(REPORTS_DIR/NAME/index.json) as a Markdown table, with behavior counts and passing counts
(standard policy: behavior OK/NON-STRICT/INFORMATIONAL/UNIMPLEMENTED and behaviorClose OK/INFORMATIONAL;
a family missing from a report, e.g. 16.x in one published before it existed, is shown as —)."""
import json,sys,os,re
servers=["py-websockets","py-autobahn","py-tornado","c-libwebsockets","swift-websocketkit"]
fams=("0","11","14","15","16")
ab={"OK":"OK","NON-STRICT":"NS","INFORMATIONAL":"INFO","FAILED":"FAIL","WRONG CODE":"WC","UNCLEAN":"UNCLEAN","FAILED BY CLIENT":"FBC","UNIMPLEMENTED":"UNIMPL"}
key=lambda i:[int(x) for x in i.split('.')]
data={}
for n in servers:
    p=os.path.join(sys.argv[1],n,'index.json')
    if os.path.exists(p): data[n]=next(iter(json.load(open(p)).values()))
ids=sorted({i for d in data.values() for i in d if i.split('.')[0] in fams},key=key)
print("| case | "+" | ".join(servers)+" |"); print("|---|"+"---|"*len(servers))
for i in ids:
    print(f"| {i} | "+" | ".join(f"{ab[data[n][i]['behavior']]}/{ab[data[n][i]['behaviorClose']]}" if n in data and i in data[n] else "—" for n in servers)+" |")
print()
print("| server | behavior counts | passing (standard policy) "+" / ".join(f+".x" for f in fams)+" |"); print("|---|---|---|")
for n in servers:
    if n not in data: continue
    d={i:e for i,e in data[n].items() if i.split('.')[0] in fams}
    from collections import Counter
    c=Counter(e['behavior'] for e in d.values())
    order=["OK","NON-STRICT","INFORMATIONAL","UNIMPLEMENTED","FAILED"]
    def passing(f):
        xs=[e for i,e in d.items() if i.split('.')[0]==f]
        ok=[e for e in xs if e['behavior'] in ("OK","NON-STRICT","INFORMATIONAL","UNIMPLEMENTED") and e['behaviorClose'] in ("OK","INFORMATIONAL")]
        return f"{len(ok)}/{len(xs)}" if xs else "—"
    print(f"| {n} | "+", ".join(f"{k} {c[k]}" for k in order if c[k])+" | "+" , ".join(passing(f) for f in fams).replace(" , ",", ")+" |")
