#!/usr/bin/env python3
"""PolNeAR as JSON Lines for the attribution trainer.

    python3 bench/unsourced/polnear_spans.py [DATA] --split train > train.jsonl

One line a document: {"id", "text", "spans": [[start, end, "Source"|"Cue"|"Content"], ...]}
with code-point offsets (a discontinuous span gives one entry a part).  Where
several annotators marked a document, the first annotator's file (by name)
is used, as in polnear.py.
"""
import argparse
import glob
import json
import os
import sys

from common import data_dir
from polnear import parse_ann


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('data', nargs='?')
    ap.add_argument('--split', default='train')
    args = ap.parse_args()
    base = os.path.join(data_dir(args.data), 'polnear', args.split)
    n = 0
    for tf in sorted(glob.glob(os.path.join(base, 'text', '*.txt'))):
        name = os.path.basename(tf)[:-4]
        anns = sorted(glob.glob(os.path.join(base, 'attributions', name + '_*.ann')))
        if not anns:
            continue
        with open(tf, encoding='utf-8') as f:
            text = f.read()
        spans, kinds, _ = parse_ann(anns[0])
        out = []
        for t, k in kinds.items():
            if k in ('Source', 'Cue', 'Content'):
                out.extend([a, b, k] for a, b in spans[t])
        sys.stdout.write(json.dumps({'id': name, 'text': text, 'spans': sorted(out)}) + '\n')
        n += 1
    print(f'{n} documents', file=sys.stderr)


if __name__ == '__main__':
    main()
