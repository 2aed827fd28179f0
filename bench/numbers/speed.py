#!/usr/bin/env python3
"""Speed of the numbers stage on the BBC News folder, and the floor.

    bench/numbers/speed.py --build BUILD [DATA] [--repeat 7]

DATA defaults to ../shared/data relative to the repository root; the texts
are DATA/bbc-news/*/*.txt.  The runner does the timing:

    textpipe run PIPELINE DATA/bbc-news --include '*/*.txt' -j 1 --stats -q -o /dev/null

for two pipelines, numbers alone and normalise, sentences, numbers (the
pipeline news text goes through), --repeat times each, alternating; the
stage line `textpipe: stage numbers: N records, S s, X MB/s` (S is thread
CPU time) gives MB/s per core: the median and the best of the runs are
printed.  In the same run, BUILD/bench/numbers/numbers-driver --floor times
a pcre2 JIT scan of the same texts with the one pattern [0-9]+ (the floor);
the ratio is stage speed / floor speed.  --driver also prints the driver's
own timing of the stage (the stage compiled into one program, no runner).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

from paths import HERE, ROOT, default_data


def stage_line(err):
    m = re.search(r"textpipe: stage numbers: (\d+) records, ([\d.]+) s, ([\d.]+) MB/s", err)
    if not m:
        raise SystemExit("no stage line from textpipe:\n" + err)
    return int(m.group(1)), float(m.group(2)), float(m.group(3))


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", nargs="?", default=default_data(),
                    help="the data folder (default: ../shared/data relative to the repository root)")
    ap.add_argument("--build", required=True, help="the build folder (textpipe, bench/numbers/numbers-driver)")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--driver", action="store_true", help="also print the driver's own timing of the stage")
    ap.add_argument("--baseline", help="another textpipe program (an older build) timed in the same runs, alternating")
    args = ap.parse_args()
    folder = os.path.join(args.data, "bbc-news")
    textpipe = os.path.join(args.build, "textpipe")
    driver = os.path.join(args.build, "bench", "numbers", "numbers-driver")
    tmp = tempfile.mkdtemp(prefix="numbers-speed-")
    pipes = {"numbers": ["numbers"], "normalise+sentences+numbers": ["normalise", "sentences", "numbers"]}
    progs = {name: textpipe for name in pipes}
    if args.baseline:
        for name in list(pipes):
            pipes["baseline: " + name] = pipes[name]
            progs["baseline: " + name] = args.baseline
    paths = {}
    for name, stages in pipes.items():
        paths[name] = os.path.join(tmp, name + ".yaml")
        with open(paths[name], "w") as fp:
            fp.write("pipeline: numbers-speed\nversion: 1\nstages:\n" + "".join("  - plugin: %s\n" % s for s in stages))
    jsonl = os.path.join(tmp, "bbc.jsonl")
    nbytes = 0
    with open(jsonl, "w", encoding="utf-8") as out:
        for d, _, files in sorted(os.walk(folder)):
            for f in sorted(files):
                if f.endswith(".txt") and d != folder:
                    with open(os.path.join(d, f), "rb") as fp:
                        text = fp.read().decode("utf-8", "replace")
                    nbytes += len(text.encode("utf-8"))
                    out.write(json.dumps({"id": os.path.relpath(os.path.join(d, f), folder), "text": text}) + "\n")
    try:
        secs = {name: [] for name in pipes}
        mbs = {name: [] for name in pipes}
        floor = []
        records = 0
        for _ in range(args.repeat):
            for name in pipes:
                r = subprocess.run([progs[name], "run", paths[name], folder, "--include", "*/*.txt", "-j", "1", "--stats",
                                    "-q", "-o", os.devnull], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                records, sec, mb = stage_line(r.stderr.decode())
                secs[name].append(sec)
                mbs[name].append(mb)
            with open(jsonl, "rb") as fp:
                r = subprocess.run([driver, "--stats", "--quiet", "--floor", "--repeat", "3"], stdin=fp,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
            m = re.search(r"floor pcre2 \[0-9\]\+ scan: [\d.]+ s, ([\d.]+) MB/s", r.stderr.decode())
            floor.append(float(m.group(1)))
            if args.driver:
                sys.stdout.write(r.stderr.decode())
        f_med, f_best = median(floor), max(floor)
        print("BBC News: %d documents, %.2f MB; %d runs of each; MB/s per core (thread CPU time)" %
              (records, nbytes / 1e6, args.repeat))
        print("  %-30s %8s %8s %10s" % ("", "median", "best", "ratio"))
        for name in pipes:
            med, best = median(mbs[name]), max(mbs[name])
            print("  %-30s %8.1f %8.1f %10.3f   numbers stage, textpipe run -j 1" % (name, med, best, med / f_med))
        print("  %-30s %8.1f %8.1f %10s   pcre2 JIT [0-9]+ over the same texts" % ("floor", f_med, f_best, ""))
        print("  (ratio: median stage MB/s / median floor MB/s)")
        if args.baseline:
            for name in [k for k in pipes if not k.startswith("baseline: ")]:
                pairs = sorted(a / b for a, b in zip(mbs[name], mbs["baseline: " + name]))
                print("  %-30s %8.2f   median of the %d paired ratios this build / baseline (range %.2f to %.2f)" %
                      (name, median(pairs), len(pairs), pairs[0], pairs[-1]))
    finally:
        for f in os.listdir(tmp):
            os.unlink(os.path.join(tmp, f))
        os.rmdir(tmp)


if __name__ == "__main__":
    main()
