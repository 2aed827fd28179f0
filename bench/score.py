#!/usr/bin/env python3
"""Span scorer shared by textpipe's own evaluation and the peers'.

    score.py GOLD.jsonl PRED.jsonl [--key entities] [--labels PER,LOC,ORG]
             [--unlabelled] [--map FROM=TO,...] [--overlap] [--json]

Both files are JSON Lines, one record per document:
    {"id": "...", "entities": [{"start": 0, "end": 5, "label": "PER"}, ...]}
Offsets are code points, end exclusive (textpipe's record format).  --key
names the array to score (entities, numbers, ...).  A span counts as found
when start, end and (unless --unlabelled) label are equal: entity-level
precision, recall and F1, micro-averaged, per label and overall, in the way
of the CoNLL evaluation.  --labels keeps only those labels on both sides;
--map renames predicted labels first (PERSON=PER).  --overlap also reports
the lenient figure where any overlap with a gold span of the same label
counts (each gold span matched once).  Where gold and prediction both carry
a numeric "value", the share of exact matches with equal values is shown.

Records of PRED whose id is not in GOLD are ignored (with a warning); gold
records missing from PRED count as finding nothing.
"""
import argparse
import json
import sys
from collections import Counter, defaultdict


def load(path, key, labels, mapping, unlabelled):
    docs = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                sys.exit(f"{path}:{n}: not JSON: {e}")
            if "id" not in rec:
                sys.exit(f"{path}:{n}: record without an id")
            spans = []
            for s in rec.get(key) or []:
                try:
                    start, end = int(s["start"]), int(s["end"])
                except (KeyError, TypeError, ValueError):
                    sys.exit(f"{path}:{n}: a span of {key!r} without integer start and end")
                label = str(s.get("label", ""))
                label = mapping.get(label, label)
                if labels and label not in labels:
                    continue
                if unlabelled:
                    label = "*"
                spans.append((start, end, label, s.get("value")))
            docs[str(rec["id"])] = spans
    return docs


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def numeric(v):
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        return float(v)
    try:
        return float(str(v).replace(",", ""))
    except ValueError:
        return None


def score(gold, pred, overlap):
    tp, fp, fn = Counter(), Counter(), Counter()
    ltp = Counter()
    values_checked = values_equal = 0
    for doc_id, gspans in gold.items():
        pspans = pred.get(doc_id, [])
        gkeys = Counter((s, e, l) for s, e, l, _ in gspans)
        pkeys = Counter((s, e, l) for s, e, l, _ in pspans)
        for k, c in gkeys.items():
            m = min(c, pkeys.get(k, 0))
            tp[k[2]] += m
            fn[k[2]] += c - m
        for k, c in pkeys.items():
            fp[k[2]] += c - min(c, gkeys.get(k, 0))
        gval = {(s, e, l): numeric(v) for s, e, l, v in gspans}
        for s, e, l, v in pspans:
            g = gval.get((s, e, l))
            pv = numeric(v)
            if g is not None and pv is not None:
                values_checked += 1
                if abs(g - pv) <= 1e-9 * max(1.0, abs(g)):
                    values_equal += 1
        if overlap:
            used = set()
            for s, e, l, _ in pspans:
                for i, (gs, ge, gl, _) in enumerate(gspans):
                    if i not in used and gl == l and s < ge and gs < e:
                        used.add(i)
                        ltp[l] += 1
                        break
    return tp, fp, fn, ltp, values_checked, values_equal


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold")
    ap.add_argument("pred")
    ap.add_argument("--key", default="entities")
    ap.add_argument("--labels", default="")
    ap.add_argument("--unlabelled", action="store_true")
    ap.add_argument("--map", default="")
    ap.add_argument("--overlap", action="store_true")
    ap.add_argument("--json", action="store_true", help="print one JSON summary line")
    ap.add_argument("--name", default="", help="system name for the JSON line")
    a = ap.parse_args()
    labels = set(x for x in a.labels.split(",") if x)
    mapping = {}
    for pair in filter(None, a.map.split(",")):
        if "=" not in pair:
            sys.exit(f"--map wants FROM=TO, got {pair!r}")
        k, v = pair.split("=", 1)
        mapping[k] = v
    gold = load(a.gold, a.key, labels, {}, a.unlabelled)
    pred = load(a.pred, a.key, labels, mapping, a.unlabelled)
    stray = [k for k in pred if k not in gold]
    if stray:
        print(f"score.py: {len(stray)} predicted records have no gold record (e.g. {stray[0]!r}); ignored",
              file=sys.stderr)
    tp, fp, fn, ltp, vc, ve = score(gold, pred, a.overlap)
    all_labels = sorted(set(tp) | set(fp) | set(fn))
    rows = {}
    for l in all_labels:
        p, r, f = prf(tp[l], fp[l], fn[l])
        rows[l] = {"tp": tp[l], "fp": fp[l], "fn": fn[l], "p": p, "r": r, "f1": f}
    T, F, N = sum(tp.values()), sum(fp.values()), sum(fn.values())
    p, r, f = prf(T, F, N)
    total = {"tp": T, "fp": F, "fn": N, "p": p, "r": r, "f1": f}
    if a.overlap:
        LT = sum(ltp.values())
        lp = LT / (T + F) if T + F else 0.0
        lr = LT / (T + N) if T + N else 0.0
        total["overlap_f1"] = 2 * lp * lr / (lp + lr) if lp + lr else 0.0
    if vc:
        total["values_checked"] = vc
        total["values_equal"] = ve
    if a.json:
        print(json.dumps({"system": a.name, "key": a.key, "docs": len(gold),
                          "labels": rows, "total": total}, sort_keys=True))
        return
    print(f"{'label':<10} {'gold':>6} {'pred':>6} {'P':>7} {'R':>7} {'F1':>7}")
    for l in all_labels + ["all"]:
        x = rows[l] if l != "all" else total
        print(f"{l:<10} {x['tp'] + x['fn']:>6} {x['tp'] + x['fp']:>6} "
              f"{100 * x['p']:>7.2f} {100 * x['r']:>7.2f} {100 * x['f1']:>7.2f}")
    if a.overlap:
        print(f"overlap F1 (any overlap, same label): {100 * total['overlap_f1']:.2f}")
    if vc:
        print(f"values: {ve} of {vc} exact matches with a value agree ({100 * ve / vc:.1f}%)")


if __name__ == "__main__":
    main()
