#!/usr/bin/env python3
"""PolNeAR: how well the unsourced stage finds attributions.

    python3 bench/unsourced/polnear.py [DATA] [--split test] [--driver PATH] [-s]
            [--rules] [--model FILE] [--pre PIPELINE --textpipe PROGRAM]

Prints precision, recall and F1 for cues and for sources (a predicted span
counts when it overlaps a gold span of its kind, and a gold span is found
when a predicted one overlaps it), for sentences (does the sentence hold
attributed content), and what the stage calls the sentences of PolNeAR's
attributions without a source.  Where several annotators marked a document,
the first annotator's file (by name) is used.  Tune on train and dev only.
"""
import argparse
import collections
import glob
import os
import re

from common import data_dir, driver_path, run, prf, add_pre_args, pre_of


def parse_ann(path):
    spans = {}
    kinds = {}
    events = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            parts = line.rstrip('\n').split('\t')
            if parts[0].startswith('T') and len(parts) >= 2:
                typ, rest = parts[1].split(' ', 1)
                segs = []
                for seg in rest.split(';'):
                    a, b = seg.split()
                    segs.append((int(a), int(b)))
                spans[parts[0]] = segs
                kinds[parts[0]] = typ
            elif parts[0].startswith('E') and len(parts) >= 2:
                roles = dict(x.split(':') for x in parts[1].split())
                events.append(roles)
    return spans, kinds, events


SENT_RE = re.compile(r'(?<=[.!?])[”"’)]*\s+(?=[“"‘(A-Z0-9])|\n+')


def sentences(text):
    out, start = [], 0
    for m in SENT_RE.finditer(text):
        if m.start() > start:
            out.append((start, m.start() if text[m.start()] == '\n' else m.end()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return [(a, b) for a, b in out if text[a:b].strip()]


def documents(data, split):
    """The split's annotated articles, in name order: (name, text, the
    first annotator's file parsed by parse_ann)."""
    base = os.path.join(data_dir(data), 'polnear', split)
    docs = []
    for tf in sorted(glob.glob(os.path.join(base, 'text', '*.txt'))):
        name = os.path.basename(tf)[:-4]
        anns = sorted(glob.glob(os.path.join(base, 'attributions', name + '_*.ann')))
        if not anns:
            continue
        with open(tf, encoding='utf-8') as f:
            docs.append((name, f.read(), parse_ann(anns[0])))
    return docs


def overlaps(segs, a, b):
    return any(s < b and a < e for s, e in segs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('data', nargs='?')
    ap.add_argument('--split', default='test')
    ap.add_argument('--driver')
    ap.add_argument('-s', action='store_true', help='sentences from the shared splitter')
    ap.add_argument('--show', type=int, default=0, help='print this many errors of each kind')
    ap.add_argument('--rules', action='store_true', help='rules only, without the attribution model')
    ap.add_argument('--model', help='the attribution model from this file')
    add_pre_args(ap)
    args = ap.parse_args()
    docs = documents(args.data, args.split)
    out, stats = run(driver_path(args.driver), [{'id': n, 'text': t} for n, t, _ in docs],
                     (['-s'] if args.s else []) + (['-R'] if args.rules else []) +
                     (['-m', args.model] if args.model else []), pre=pre_of(args))
    c = collections.Counter()
    nosrc = collections.Counter()
    shown = collections.Counter()
    for (name, text, (spans, kinds, events)), rec in zip(docs, out):
        gold = {'Cue': [], 'Source': [], 'Content': []}
        for t, k in kinds.items():
            if k in gold:
                gold[k].append(spans[t])
        attrs = rec.get('attributions', [])
        pred = {'Cue': [[(a['cue']['start'], a['cue']['end'])] for a in attrs],
                'Source': [[(a['source']['start'], a['source']['end'])] for a in attrs if a.get('source')],
                'Content': [[(a['content']['start'], a['content']['end'])] for a in attrs]}
        # duplicate cue spans (continued quotations) count once
        for k in ('Cue', 'Source'):
            uniq = sorted(set(tuple(x) for x in pred[k]))
            pred[k] = [list(x) for x in uniq]
            for p in pred[k]:
                hit = any(overlaps(g, *p[0]) for g in gold[k])
                c[k + ' tp_p'] += hit
                c[k + ' n_p'] += 1
                if not hit and shown[k + 'fp'] < args.show:
                    shown[k + 'fp'] += 1
                    print('FP', k, repr(text[p[0][0]:p[0][1]]), '|', text[max(0, p[0][0] - 60):p[0][1] + 30].replace('\n', ' '))
            for g in gold[k]:
                hit = any(overlaps(g, *p[0]) for p in pred[k])
                c[k + ' tp_r'] += hit
                c[k + ' n_r'] += 1
                if not hit and shown[k + 'fn'] < args.show:
                    shown[k + 'fn'] += 1
                    print('FN', k, repr(' '.join(text[a:b] for a, b in g)), '|', text[max(0, g[0][0] - 60):g[-1][1] + 30].replace('\n', ' '))
        sents = sentences(text)
        for a, b in sents:
            g = any(overlaps(x, a, b) for x in gold['Content'])
            p = any(overlaps(x, a, b) for x in pred['Content'])
            c['sent tp'] += g and p
            c['sent n_p'] += p
            c['sent n_r'] += g
        # PolNeAR's attributions without a source: what do we call them?
        claims = {cl['sentence']: cl for cl in rec.get('claims', [])}
        for ev in events:
            anchor = [k for k in ev if k.startswith('Attribution')]
            if not anchor or anchor[0] != 'Attribution-no-source' or 'Content' not in ev:
                continue
            segs = spans.get(ev['Content'], [])
            if not segs:
                continue
            best = None
            for x in attrs:
                if overlaps(segs, x['content']['start'], x['content']['end']):
                    q = x['quality']
                    if best is None or ['none', 'vague', 'named'].index(q) > ['none', 'vague', 'named'].index(best):
                        best = q
            nosrc[best or 'not attributed'] += 1
    cp = prf(c['Cue tp_p'], c['Cue n_p'], c['Cue tp_r'], c['Cue n_r'])
    sp = prf(c['Source tp_p'], c['Source n_p'], c['Source tp_r'], c['Source n_r'])
    ep = prf(c['sent tp'], c['sent n_p'], c['sent tp'], c['sent n_r'])
    print(f'PolNeAR {args.split}: {len(docs)} documents')
    print(f'cues:      P {cp[0]:.3f}  R {cp[1]:.3f}  F1 {cp[2]:.3f}  (pred {c["Cue n_p"]}, gold {c["Cue n_r"]})')
    print(f'sources:   P {sp[0]:.3f}  R {sp[1]:.3f}  F1 {sp[2]:.3f}  (pred {c["Source n_p"]}, gold {c["Source n_r"]})')
    print(f'sentences: P {ep[0]:.3f}  R {ep[1]:.3f}  F1 {ep[2]:.3f}  (pred {c["sent n_p"]}, gold {c["sent n_r"]})')
    tot = sum(nosrc.values())
    vn = nosrc['vague'] + nosrc['none'] + nosrc['not attributed']
    print(f'no-source attributions: {tot}; called vague {nosrc["vague"]}, no source {nosrc["none"]}, '
          f'not attributed (unsourced) {nosrc["not attributed"]}, named {nosrc["named"]}; '
          f'vague or unsourced {vn / tot if tot else 0:.3f}')
    print(stats)


if __name__ == '__main__':
    main()
