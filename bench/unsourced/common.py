"""Shared helpers of the unsourced benchmarks: where the data and the
driver are, and running records through the stage."""
import json
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def data_dir(arg):
    """The data folder: the argument, or ../shared/data from the repository root."""
    return os.path.abspath(arg) if arg else os.path.abspath(os.path.join(ROOT, '..', 'shared', 'data'))


def driver_path(arg):
    """The driver program: the argument, $TEXTPIPE_BUILD/bench/unsourced/..., or the source tree."""
    cands = [arg] if arg else []
    if os.environ.get('TEXTPIPE_BUILD'):
        cands.append(os.path.join(os.environ['TEXTPIPE_BUILD'], 'bench', 'unsourced', 'unsourced-driver'))
    cands.append(os.path.join(ROOT, 'bench', 'unsourced', 'unsourced-driver'))
    for c in cands:
        if c and os.path.exists(c):
            return c
    sys.exit('unsourced-driver not found: build it, then pass --driver or set TEXTPIPE_BUILD')


def run(driver, records, flags=(), pre=None):
    """Run records (dicts) through the stage; returns (records out, stats line).
    pre = (textpipe program, pipeline file): run the records through that
    pipeline first (e.g. sentences, numbers, entities)."""
    inp = ''.join(json.dumps(r) + '\n' for r in records)
    if pre:
        p = subprocess.run([pre[0], 'run', pre[1], '-'], input=inp.encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, check=False)
        if p.returncode != 0:
            sys.exit('pipeline failed: ' + p.stderr.decode(errors='replace'))
        inp = p.stdout.decode()
    p = subprocess.run([driver] + list(flags), input=inp.encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, check=False)
    if p.returncode not in (0, 1):
        sys.exit('driver failed: ' + p.stderr.decode(errors='replace'))
    out = [json.loads(l) for l in p.stdout.decode().splitlines() if l.strip()]
    return out, p.stderr.decode().strip()


def prf(tp_p, n_p, tp_r, n_r):
    p = tp_p / n_p if n_p else 0.0
    r = tp_r / n_r if n_r else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def add_pre_args(ap):
    ap.add_argument('--pre', metavar='PIPELINE',
                    help='run the records through this pipeline first (e.g. sentences, numbers, '
                         'entities) with --textpipe; otherwise the stage sees text only')
    ap.add_argument('--textpipe', default='textpipe', help='the textpipe program for --pre')


def pre_of(args):
    return (args.textpipe, args.pre) if args.pre else None
