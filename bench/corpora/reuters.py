#!/usr/bin/env python3
"""Unpack Reuters-21578 (reut2-*.sgm.gz) into one plain-text file per story.

    reuters.py DATADIR OUTDIR

Each <REUTERS ... NEWID="n"> story becomes OUTDIR/NNNNN.txt (NEWID, five
digits): the title on the first line, a blank line, then the body, in the
layout of the other corpora.  Stories with neither title nor body are
skipped.  SGML character references (&lt; &amp; &#3; ...) are resolved and
control characters dropped.  Bytes are otherwise kept as they are, so the
one stray non-UTF-8 byte of the collection stays in its story, as a real
test of the runner's input handling.
"""
import glob
import gzip
import os
import re
import sys

STORY = re.compile(rb'<REUTERS[^>]*NEWID="(\d+)"[^>]*>(.*?)</REUTERS>', re.S)
TITLE = re.compile(rb"<TITLE>(.*?)</TITLE>", re.S)
BODY = re.compile(rb"<BODY>(.*?)</BODY>", re.S)
REF = re.compile(rb"&(lt|gt|amp|quot|#\d+);")
NAMED = {b"lt": b"<", b"gt": b">", b"amp": b"&", b"quot": b'"'}


def unescape(b):
    def one(m):
        name = m.group(1)
        if name in NAMED:
            return NAMED[name]
        c = int(name[1:])
        return bytes([c]) if 32 <= c < 127 or c in (9, 10) else b""
    b = REF.sub(one, b)
    return re.sub(rb"[\x00-\x08\x0b-\x1f\x7f]", b"", b).strip()


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: reuters.py DATADIR OUTDIR")
    data, out = sys.argv[1], sys.argv[2]
    files = sorted(glob.glob(os.path.join(data, "reut2-*.sgm.gz")))
    if not files:
        sys.exit(f"reuters.py: no reut2-*.sgm.gz in {data}")
    os.makedirs(out, exist_ok=True)
    stories = written = 0
    for path in files:
        with gzip.open(path, "rb") as f:
            sgml = f.read()
        for m in STORY.finditer(sgml):
            stories += 1
            t, b = TITLE.search(m.group(2)), BODY.search(m.group(2))
            title = unescape(t.group(1)) if t else b""
            body = unescape(b.group(1)) if b else b""
            if not title and not body:
                continue
            # Reuters bodies end with a "Reuter" sign-off line: keep it, it is the text.
            with open(os.path.join(out, "%05d.txt" % int(m.group(1))), "wb") as w:
                w.write(title + b"\n\n" + body + b"\n" if body else title + b"\n")
            written += 1
    print(f"reuters.py: {stories} stories, {written} files in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
