#!/usr/bin/env python3
"""scripts/diff-verdicts.py BEFORE_DIR AFTER_DIR: every case whose behavior/behaviorClose differs
between BEFORE_DIR/NAME/index.json and AFTER_DIR/NAME/index.json, one line per case."""
import json,sys,os
servers=["py-websockets","py-autobahn","py-tornado","c-libwebsockets","swift-websocketkit"]
def load(d,n):
    p=os.path.join(d,n,'index.json')
    if not os.path.exists(p): return None
    j=json.load(open(p)); return next(iter(j.values()))
key=lambda i:[int(x) for x in i.split('.')]
ab={"OK":"OK","NON-STRICT":"NS","INFORMATIONAL":"INFO","FAILED":"FAIL","WRONG CODE":"WC","UNCLEAN":"UNCLEAN","FAILED BY CLIENT":"FBC","UNIMPLEMENTED":"UNIMPL"}
v=lambda e: f"{ab[e['behavior']]}/{ab[e['behaviorClose']]}" if e else "—"
for n in servers:
    b=load(sys.argv[1],n); a=load(sys.argv[2],n)
    if b is None or a is None: print(n,"missing"); continue
    ids=sorted(set(b)|set(a),key=key)
    for i in ids:
        if v(b.get(i))!=v(a.get(i)): print(f"{n}\t{i}\t{v(b.get(i))}\t{v(a.get(i))}")
