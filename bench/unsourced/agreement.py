#!/usr/bin/env python3
"""PolNeAR: how far its annotators agree with each other, and the stage with them.

    python3 bench/unsourced/agreement.py [DATA] [--driver PATH] [-s]

A few PolNeAR documents were marked by several annotators (one .ann file
each).  On those documents only, this prints the F1 of each annotator
against each other (every ordered pair, one as gold and one as
prediction, counts summed) and of the stage against each annotator, with
the measures of polnear.py: cues and sources by span overlap, sentences by
whether they hold attributed content.  The first figure is the ceiling a
system scored against one annotator can be expected to reach; the second
puts the stage beside it on the same text.  All three splits are listed
(nothing here is tuned) and then their sum.
"""
import argparse
import collections
import glob
import itertools
import os

from common import data_dir, driver_path, run, prf
from polnear import parse_ann, overlaps, sentences

KINDS = ('Cue', 'Source')


def gold_spans(ann):
    spans, kinds, _ = ann
    out = {k: [] for k in KINDS + ('Content',)}
    for t, k in kinds.items():
        if k in out:
            out[k].append(spans[t])
    return out


def stage_spans(rec):
    attrs = rec.get('attributions', [])
    out = {'Cue': {((a['cue']['start'], a['cue']['end']),) for a in attrs},
           'Source': {((a['source']['start'], a['source']['end']),) for a in attrs if a.get('source')},
           'Content': {((a['content']['start'], a['content']['end']),) for a in attrs}}
    return {k: [list(v) for v in sorted(s)] for k, s in out.items()}


def score(c, text, gold, pred):
    """Add to counter c the counts of pred (segment lists by kind) against gold."""
    for k in KINDS:
        for p in pred[k]:
            c[k, 'tp_p'] += any(overlaps(g, a, b) for g in gold[k] for a, b in p)
            c[k, 'n_p'] += 1
        for g in gold[k]:
            c[k, 'tp_r'] += any(overlaps(g, a, b) for p in pred[k] for a, b in p)
            c[k, 'n_r'] += 1
    for a, b in sentences(text):
        g = any(overlaps(x, a, b) for x in gold['Content'])
        p = any(overlaps(x, a, b) for x in pred['Content'])
        c['sent', 'tp_p'] += g and p
        c['sent', 'tp_r'] += g and p
        c['sent', 'n_p'] += p
        c['sent', 'n_r'] += g


def f1(c, k):
    return prf(c[k, 'tp_p'], c[k, 'n_p'], c[k, 'tp_r'], c[k, 'n_r'])[2]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('data', nargs='?')
    ap.add_argument('--driver')
    ap.add_argument('-s', action='store_true', help='sentences from the shared splitter')
    args = ap.parse_args()
    root = os.path.join(data_dir(args.data), 'polnear')
    docs = []
    for split in ('train', 'dev', 'test'):
        for tf in sorted(glob.glob(os.path.join(root, split, 'text', '*.txt'))):
            name = os.path.basename(tf)[:-4]
            anns = sorted(glob.glob(os.path.join(root, split, 'attributions', name + '_*.ann')))
            if len(anns) < 2:
                continue
            with open(tf, encoding='utf-8') as f:
                docs.append((split, name, f.read(), [gold_spans(parse_ann(a)) for a in anns]))
    if not docs:
        raise SystemExit('no document with several annotators under ' + root)
    out, _ = run(driver_path(args.driver), [{'id': n, 'text': t} for _, n, t, _ in docs],
                 ['-s'] if args.s else [])
    human = collections.defaultdict(collections.Counter)
    stage = collections.defaultdict(collections.Counter)
    ndocs = collections.Counter()
    nfiles = collections.Counter()
    for (split, _, text, golds), rec in zip(docs, out):
        ndocs[split] += 1
        nfiles[split] += len(golds)
        for i, j in itertools.permutations(range(len(golds)), 2):
            score(human[split], text, golds[i], golds[j])
        pred = stage_spans(rec)
        for g in golds:
            score(stage[split], text, g, pred)
    print('PolNeAR documents with several annotators: F1 of annotator against annotator, '
          'and of the stage against an annotator')
    print(f'{"split":6} {"docs":>4} {"files":>5}   {"cue":>11}   {"source":>11}   {"sentence":>11}')
    print(f'{"":18}   {"human stage":>11}   {"human stage":>11}   {"human stage":>11}')
    total_h, total_s = collections.Counter(), collections.Counter()
    for split in ('train', 'dev', 'test', 'all'):
        if split == 'all':
            h, s, nd, nf = total_h, total_s, sum(ndocs.values()), sum(nfiles.values())
        elif ndocs[split]:
            h, s, nd, nf = human[split], stage[split], ndocs[split], nfiles[split]
            total_h.update(h)
            total_s.update(s)
        else:
            continue
        row = '   '.join(f'{f1(h, k):.3f} {f1(s, k):.3f}' for k in ('Cue', 'Source', 'sent'))
        print(f'{split:6} {nd:4} {nf:5}   {row}')


if __name__ == '__main__':
    main()
