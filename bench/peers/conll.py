#!/usr/bin/env python3
"""CoNLL-2003 (IOB2) to plain sentences and gold entity spans.

    conll.py test.txt DOCS.jsonl GOLD.jsonl

Each sentence becomes one record {"id": "s<N>", "text": ...}: the tokens
joined by single spaces, except no space before closing punctuation and
clitics (, . ; : ! ? ) 's n't %) and none after ( and $, so the text reads
as news prose for tools that expect it.  GOLD gets {"id", "entities":
[{"start", "end", "label", "text"}]} with code-point offsets into that text
for every PER, LOC and ORG entity (MISC is left out: no peer has it).
-DOCSTART- lines are skipped.
"""
import json
import sys

NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "'s", "'S", "n't", "%", "'"}
NO_SPACE_AFTER = {"(", "$"}
KEEP = {"PER", "LOC", "ORG"}


def sentences(path):
    sent = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts:
                if sent:
                    yield sent
                sent = []
                continue
            if parts[0] == "-DOCSTART-":
                continue
            sent.append((parts[0], parts[-1]))
    if sent:
        yield sent


def build(sent):
    text, starts, ends = "", [], []
    prev = None
    for tok, _ in sent:
        if prev is not None and tok not in NO_SPACE_BEFORE and prev not in NO_SPACE_AFTER:
            text += " "
        starts.append(len(text))
        text += tok
        ends.append(len(text))
        prev = tok
    spans, i = [], 0
    while i < len(sent):
        tag = sent[i][1]
        if tag.startswith("B-") or (tag.startswith("I-") and (i == 0 or sent[i - 1][1][2:] != tag[2:])):
            label, j = tag[2:], i + 1
            while j < len(sent) and sent[j][1] == "I-" + label:
                j += 1
            if label in KEEP:
                spans.append({"start": starts[i], "end": ends[j - 1], "label": label,
                              "text": text[starts[i]:ends[j - 1]]})
            i = j
        else:
            i += 1
    return text, spans


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().split("\n\n")[1])
    n = 0
    with open(sys.argv[2], "w", encoding="utf-8") as docs, open(sys.argv[3], "w", encoding="utf-8") as gold:
        for n, sent in enumerate(sentences(sys.argv[1]), 1):
            text, spans = build(sent)
            docs.write(json.dumps({"id": f"s{n}", "text": text}, ensure_ascii=False) + "\n")
            gold.write(json.dumps({"id": f"s{n}", "entities": spans}, ensure_ascii=False) + "\n")
    print(f"conll.py: {n} sentences", file=sys.stderr)


if __name__ == "__main__":
    main()
