#!/usr/bin/env python3
"""PolNeAR: the stage's cue errors counted by kind.

    python3 bench/unsourced/polnear_errors.py [DATA] [--split dev] [--driver PATH] [-s]
            [--model FILE] [--show N]

Cues are matched as in polnear.py (overlap; the first annotator's file).
Each false cue (predicted, no gold cue overlaps it) is counted by where it
lies (in a gold source, inside gold content: a nested attribution PolNeAR
left unmarked, or with no gold span near), by who found it (the rules, or
the model alone: a cue the rules-only run does not have) and by whether a
word of it is a one-word entry of the cue lists (data/cues.txt, every tag).  Each missed
cue (gold, no predicted cue overlaps it) is counted by what the stage put
there (its source or content span, or nothing) and by its words: a phrase
of the lists as it is, punctuation (a colon, a dash), "according to", a
longer cue holding a listed word, one unlisted word, or several.  Then,
sentence by sentence: misses in sentences where another cue was found,
where a false cue stands (the wrong words chosen), or where nothing was.
--show N prints N examples of each kind.
"""
import argparse
import collections
import os
import re

from common import ROOT, data_dir, driver_path, run
from polnear import documents, overlaps, sentences

WORD = re.compile(r"[\w’'-]+|[^\w\s]")
PUNCT = {':', '—', '–', '―', '-', '--'}


def cue_lists(path):
    """phrase -> set of tags, from a file in the format of data/cues.txt"""
    lists = collections.defaultdict(set)
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.split('#')[0].strip()
            if ':' not in line:
                continue
            tag, rest = line.split(':', 1)
            for p in rest.split(','):
                p = p.strip().lower()
                if p:
                    lists[p].add(tag.strip())
    return lists


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('data', nargs='?')
    ap.add_argument('--split', default='dev')
    ap.add_argument('--driver')
    ap.add_argument('-s', action='store_true', help='sentences from the shared splitter')
    ap.add_argument('--model', help='the attribution model from this file')
    ap.add_argument('--show', type=int, default=0, help='print this many examples of each kind')
    args = ap.parse_args()
    lists = cue_lists(os.path.join(ROOT, 'plugins', 'unsourced', 'data', 'cues.txt'))
    words = {p for p in lists if " " not in p}
    docs = documents(args.data, args.split)
    if not docs:
        raise SystemExit('no PolNeAR documents under ' + os.path.join(data_dir(args.data), 'polnear', args.split))
    recs = [{'id': n, 'text': t} for n, t, _ in docs]
    flags = (['-s'] if args.s else []) + (['-m', args.model] if args.model else [])
    drv = driver_path(args.driver)
    full, _ = run(drv, recs, flags)
    rules, _ = run(drv, recs, flags + ['-R'])
    fp, fn, sent = collections.Counter(), collections.Counter(), collections.Counter()
    examples = collections.defaultdict(list)

    def note(counter, key, text, a, b):
        counter[key] += 1
        if len(examples[key]) < args.show:
            examples[key].append(repr(text[a:b]) + ' | ' + text[max(0, a - 60):b + 40].replace('\n', ' '))

    for (name, text, (spans, kinds, _)), rec, rrec in zip(docs, full, rules):
        gold = {k: [spans[t] for t, kk in kinds.items() if kk == k] for k in ('Cue', 'Source', 'Content')}
        attrs = rec.get('attributions', [])
        pc = sorted(set((a['cue']['start'], a['cue']['end']) for a in attrs))
        ruled = set((a['cue']['start'], a['cue']['end']) for a in rrec.get('attributions', []))
        psrc = [(a['source']['start'], a['source']['end']) for a in attrs if a.get('source')]
        pcon = [(a['content']['start'], a['content']['end']) for a in attrs]
        for a, b in pc:
            if any(overlaps(g, a, b) for g in gold['Cue']):
                continue
            where = ('in a gold source' if any(overlaps(g, a, b) for g in gold['Source']) else
                     'inside gold content' if any(overlaps(g, a, b) for g in gold['Content']) else
                     'no gold span')
            listed = any(w.lower() in words for w in WORD.findall(text[a:b]))
            key = ('false cue', where, 'rules' if (a, b) in ruled else 'model alone',
                   'listed word' if listed else 'no listed word')
            note(fp, key, text, a, b)
        for g in gold['Cue']:
            if any(overlaps(g, a, b) for a, b in pc):
                continue
            t = ' '.join(text[a:b] for a, b in g).strip()
            ws = [w.lower() for w in WORD.findall(t)]
            there = ('our source there' if any(overlaps(g, a, b) for a, b in psrc) else
                     'our content there' if any(overlaps(g, a, b) for a, b in pcon) else 'nothing there')
            form = ('a listed phrase' if t.lower() in lists else
                    'punctuation' if t in PUNCT else
                    'according to' if 'according' in ws else
                    'longer, with a listed word' if any(w in words for w in ws) else
                    'one unlisted word' if len(ws) == 1 else 'several unlisted words')
            note(fn, ('missed cue', there, form), text, g[0][0], g[-1][1])
        for a, b in sentences(text):
            g = [x for x in gold['Cue'] if overlaps(x, a, b)]
            p = [x for x in pc if a <= x[0] < b]
            miss = [x for x in g if not any(overlaps(x, *y) for y in pc)]
            false = [y for y in p if not any(overlaps(x, *y) for x in gold['Cue'])]
            for _ in miss:
                sent['missed cue in a sentence with ' + ('another cue found' if len(g) > len(miss) else
                                                          'a false cue' if false else 'no cue of ours')] += 1
            for _ in false:
                sent['false cue in a sentence with ' + ('a gold cue found' if len(g) > len(miss) else
                                                         'a gold cue missed' if miss else 'no gold cue')] += 1
    print(f'PolNeAR {args.split}: {len(docs)} documents; {sum(fp.values())} false cues, '
          f'{sum(fn.values())} missed cues')
    for counter in (fp, fn):
        for key, v in counter.most_common():
            print(f'{v:6d}  ' + ' / '.join(key))
            for e in examples[key]:
                print('          ' + e[:200])
    for key, v in sorted(sent.items()):
        print(f'{v:6d}  {key}')


if __name__ == '__main__':
    main()
