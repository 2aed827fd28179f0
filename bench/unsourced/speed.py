#!/usr/bin/env python3
"""Speed of the unsourced stage alone on the BBC folder.

    python3 bench/unsourced/speed.py [DATA] [--driver PATH ...] [--repeat N] [-s] [-R]

Feeds every article as a record to the driver (JSON parsing and output are
outside the stage's time) and prints the driver's line
`textpipe: stage unsourced: N records, S s, X MB/s` of the median of
--repeat runs (the machine is shared: the median is steadier than the best),
then the best and the slowest.  --driver may be given several times (e.g. an
older build and this one): the runs then alternate between them, so that
both see the same load, and each gets its line, then the median of the
paired ratios of the first driver's time to each other's.  With -s the driver first
fills `sentences` with the shared splitter, as the sentences stage would
(also outside the stage's time); -R: rules only; -M: JSON values allocated
by the runner's allocator (the stage's time as `textpipe run --stats` sees it);
--passes N: the driver runs the stage N times on each record in a run (-r N;
time and bytes count every pass), so that a run is long enough for the
machine's load to even out; with several drivers their runs then also
alternate which goes first.
"""
import argparse
import glob
import os
import re

from common import data_dir, driver_path, run


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('data', nargs='?')
    ap.add_argument('--driver', action='append')
    ap.add_argument('-R', action='store_true', help='rules only (driver -R)')
    ap.add_argument('--repeat', type=int, default=3)
    ap.add_argument('-s', action='store_true')
    ap.add_argument('-M', action='store_true', help="JSON values allocated as the runner does (driver -M)")
    ap.add_argument('--passes', type=int, default=1, help='the stage N times on each record (driver -r N)')
    args = ap.parse_args()
    files = sorted(glob.glob(os.path.join(data_dir(args.data), 'bbc-news', '*', '*.txt')))
    recs = []
    for f in files:
        with open(f, 'rb') as fh:
            recs.append({'id': f, 'text': fh.read().decode('utf-8', errors='replace')})
    drivers = args.driver or [None]
    runs = {k: [] for k in range(len(drivers))}
    flags = ['-n'] + (['-s'] if args.s else []) + (['-R'] if args.R else []) + (['-M'] if args.M else [])
    if args.passes > 1:
        flags += ['-r', str(args.passes)]
    for rep in range(args.repeat):
        order = list(enumerate(drivers))
        if args.passes > 1 and rep % 2 == 1:
            order.reverse()
        for k, drv in order:
            _, stats = run(driver_path(drv), recs, flags)
            line = [l for l in stats.splitlines() if l.startswith('textpipe: stage')][-1]
            secs = float(re.search(r'records, ([\d.]+) s', line).group(1))
            runs[k].append((secs, line))
    for k, drv in enumerate(drivers):
        v = sorted(runs[k])
        med = v[len(v) // 2]
        name = f' ({drv})' if len(drivers) > 1 else ''
        print(f'{med[1]}{name}; best {v[0][0]:.3f} s, slowest {v[-1][0]:.3f} s of {len(v)}')
    # Paired ratios: run r of the first driver against run r of each other
    # one (the same load), their median; above 1: the other is faster.
    for k in range(1, len(drivers)):
        ratios = sorted(a[0] / b[0] for a, b in zip(runs[0], runs[k]))
        print(f'time of driver 1 / driver {k + 1}, run by run: median {ratios[len(ratios) // 2]:.3f}'
              f' (from {ratios[0]:.3f} to {ratios[-1]:.3f})')


if __name__ == '__main__':
    main()
