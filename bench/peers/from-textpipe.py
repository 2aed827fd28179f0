#!/usr/bin/env python3
"""textpipe output records to the scorer's prediction format.

    from-textpipe.py < OUT.jsonl > PRED.jsonl

Keeps each record's id, its entities (start, end, label) and its numbers
(start, end, kind as label, value), the keys bench/score.py reads.  A record
carrying an error is kept with what it has, so the scorer counts it as
missing what it missed.
"""
import json
import sys

for n, line in enumerate(sys.stdin, 1):
    if not line.strip():
        continue
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as e:
        sys.exit(f"from-textpipe.py: line {n}: not JSON: {e}")
    out = {"id": rec.get("id"),
           "entities": [{"start": s["start"], "end": s["end"], "label": s.get("label", ""),
                         "text": s.get("text")} for s in rec.get("entities") or []],
           "numbers": [{"start": s["start"], "end": s["end"], "label": s.get("kind", ""),
                        "value": s.get("value"), "text": s.get("text")} for s in rec.get("numbers") or []]}
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
