#!/usr/bin/env python3
"""An independent re-implementation of the authors' scorer (AICL/KD `compute`, after their
post-processing), for parity tests: reads {"sessions": [{"gt": [[pos...]...], "pred": [[pos...]...] | null}]}
and prints {"precision", "recall", "coverage", "evaluated", "excluded"} as JSON."""
import json, sys

data = json.load(open(sys.argv[1]))
precisions, recalls, cover, hits_total, excluded = [], [], 0.0, 0, 0
for s in data["sessions"]:
    pred = s["pred"]
    if pred is None:                      # unparseable answer: dropped from evaluation
        excluded += 1
        continue
    pred = [sorted(set(b)) for b in pred]
    multi = [b for b in pred if len(b) > 1]   # post-processing removes single-item bundles
    if pred and not multi:                # all single-item: dropped
        excluded += 1
        continue
    gt = [set(g) for g in s["gt"]]
    hits = 0
    for b in multi:
        for g in gt:                      # first ground-truth bundle that contains it
            if set(b) <= g:
                hits += 1
                cover += len(set(b) & g) / len(g)
                break
    precisions.append(hits / len(multi) if multi else 0.0)
    recalls.append(hits / len(gt))
    hits_total += hits
n = len(precisions)
print(json.dumps({"precision": sum(precisions) / n if n else 0, "recall": sum(recalls) / n if n else 0,
                  "coverage": cover / hits_total if hits_total else 0, "evaluated": n, "excluded": excluded}))
