#!/usr/bin/env python3
"""Check-worthiness: does the stage's claim decision agree with the labels?

    python3 bench/unsourced/checkworthy.py [DATA] [--driver PATH] [--ct-part Test|Training]
            [--pre PIPELINE --textpipe PROGRAM]

Each labelled sentence goes through the stage as a record of its own; the
stage "calls it a claim" when it writes at least one entry under `claims`.
Prints precision, recall and F1 of that decision against label 1 for
ClaimBuster (two-class file, all of it) and for CLEF-2019 CheckThat! task 1
(its test part unless told otherwise; tune on Training), and the share of
claims by status and reason.
"""
import argparse
import collections
import csv
import os

from common import data_dir, driver_path, run, prf, add_pre_args, pre_of


def evaluate(name, rows, driver, pre=None):
    out, stats = run(driver, [{'id': str(i), 'text': t} for i, (t, _) in enumerate(rows)], pre=pre)
    c = collections.Counter()
    reasons = collections.Counter()
    for (text, label), rec in zip(rows, out):
        pred = bool(rec.get('claims'))
        c[(pred, label)] += 1
        for cl in rec.get('claims', []):
            for r in cl['reasons']:
                reasons[r] += 1
            reasons['status ' + cl['status']] += 1
    tp = c[(True, 1)]
    p, r, f = prf(tp, tp + c[(True, 0)], tp, tp + c[(False, 1)])
    n = len(rows)
    print(f'{name}: {n} sentences, {tp + c[(False, 1)]} check-worthy; claims called {tp + c[(True, 0)]}')
    print(f'  claim decision: P {p:.3f}  R {r:.3f}  F1 {f:.3f}')
    print('  ' + ', '.join(f'{k} {v}' for k, v in reasons.most_common()))
    print('  ' + stats)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('data', nargs='?')
    ap.add_argument('--driver')
    ap.add_argument('--ct-part', default='Test')
    add_pre_args(ap)
    args = ap.parse_args()
    base = data_dir(args.data)
    driver = driver_path(args.driver)
    with open(os.path.join(base, 'claimbuster-2class', 'kfold_25ncs.csv'), encoding='utf-8') as f:
        rows = [(r['text'], int(r['label'])) for r in csv.DictReader(f)]
    evaluate('ClaimBuster 2-class', rows, driver, pre_of(args))
    with open(os.path.join(base, 'checkthat2019-task1', f'CT19-T1-{args.ct_part}.csv'), encoding='utf-8') as f:
        rows = [(r['text'], int(r['label'])) for r in csv.DictReader(f)]
    evaluate(f'CheckThat! 2019 task 1 ({args.ct_part})', rows, driver, pre_of(args))


if __name__ == '__main__':
    main()
