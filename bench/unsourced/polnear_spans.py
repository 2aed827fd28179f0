#!/usr/bin/env python3
"""PolNeAR as JSON Lines for the attribution trainer.

    python3 bench/unsourced/polnear_spans.py [DATA] --split train > train.jsonl

One line a document: {"id", "text", "spans": [[start, end, "Source"|"Cue"|"Content"], ...]}
with code-point offsets (a discontinuous span gives one entry a part).  Where
several annotators marked a document, the first annotator's file (by name)
is used, as in polnear.py.
"""
import argparse
import json
import sys

from polnear import documents


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('data', nargs='?')
    ap.add_argument('--split', default='train')
    args = ap.parse_args()
    n = 0
    for name, text, (spans, kinds, _) in documents(args.data, args.split):
        out = []
        for t, k in kinds.items():
            if k in ('Source', 'Cue', 'Content'):
                out.extend([a, b, k] for a, b in spans[t])
        sys.stdout.write(json.dumps({'id': name, 'text': text, 'spans': sorted(out)}) + '\n')
        n += 1
    print(f'{n} documents', file=sys.stderr)


if __name__ == '__main__':
    main()
