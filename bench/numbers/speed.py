#!/usr/bin/env python3
"""Speed of the numbers stage on the BBC News folder, and the floor.

    bench/numbers/speed.py --driver BUILD/bench/numbers/numbers-driver [DATA] [--repeat 7]
    bench/numbers/speed.py --textpipe BUILD/textpipe --driver ... [DATA]

DATA defaults to ../shared/data relative to the repository root; the texts
are read from DATA/bbc-news (every *.txt, decoded as UTF-8 with replacement
characters for the one Latin-1 byte).  The driver runs the stage over all
documents --repeat times and reports the median CPU time of the stage (MB/s
per core), and in the same run the median time of a pcre2 JIT scan of the
same texts with the one pattern [0-9]+ (the floor), and their ratio.  With
--textpipe the runner's own `--stats` line is printed as well.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", nargs="?", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--driver", required=True, help="path of the built numbers-driver")
    ap.add_argument("--textpipe", help="also time the runner: textpipe run PIPELINE - --stats")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    folder = os.path.join(args.data, "bbc-news")
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as out:
        n = 0
        for d, _, files in sorted(os.walk(folder)):
            for f in sorted(files):
                if f.endswith(".txt") and f != "README.TXT":
                    with open(os.path.join(d, f), "rb") as fp:
                        text = fp.read().decode("utf-8", "replace")
                    out.write(json.dumps({"id": os.path.relpath(os.path.join(d, f), folder), "text": text}) + "\n")
                    n += 1
        path = out.name
    try:
        print("BBC News: %d documents" % n)
        with open(path, "rb") as fp:
            r = subprocess.run([args.driver, "--stats", "--quiet", "--floor", "--repeat", str(args.repeat)],
                               stdin=fp, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
        sys.stdout.write(r.stderr.decode())
        if args.textpipe:
            with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as py:
                py.write("pipeline: numbers-only\nversion: 1\nstages:\n  - plugin: numbers\n")
            with open(path, "rb") as fp:
                r = subprocess.run([args.textpipe, "run", py.name, "-", "--stats"], stdin=fp,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            os.unlink(py.name)
            sys.stdout.write(r.stderr.decode())
    finally:
        os.unlink(path)


if __name__ == "__main__":
    main()
