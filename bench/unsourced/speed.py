#!/usr/bin/env python3
"""Speed of the unsourced stage alone on the BBC folder.

    python3 bench/unsourced/speed.py [DATA] [--driver PATH] [--repeat N] [-s]

Feeds every article as a record to the driver (JSON parsing and output are
outside the stage's time) and prints the driver's line
`textpipe: stage unsourced: N records, S s, X MB/s`, the best of --repeat
runs.  With -s the driver first fills `sentences` with the shared splitter,
as the sentences stage would (also outside the stage's time).
"""
import argparse
import glob
import os
import re

from common import data_dir, driver_path, run


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('data', nargs='?')
    ap.add_argument('--driver')
    ap.add_argument('--repeat', type=int, default=3)
    ap.add_argument('-s', action='store_true')
    args = ap.parse_args()
    files = sorted(glob.glob(os.path.join(data_dir(args.data), 'bbc-news', '*', '*.txt')))
    recs = []
    for f in files:
        with open(f, 'rb') as fh:
            recs.append({'id': f, 'text': fh.read().decode('utf-8', errors='replace')})
    best = None
    for _ in range(args.repeat):
        _, stats = run(driver_path(args.driver), recs, ['-n'] + (['-s'] if args.s else []))
        line = [l for l in stats.splitlines() if l.startswith('textpipe: stage')][-1]
        mbs = float(re.search(r'([\d.]+) MB/s', line).group(1))
        if best is None or mbs > best[0]:
            best = (mbs, line)
    print(best[1])


if __name__ == '__main__':
    main()
