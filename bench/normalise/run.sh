#!/bin/bash
# MB/s per core of the normalise stage, against utf8proc's NFC pass and a
# plain scan over the same bytes, measured in one run.
#
#     bench/normalise/run.sh [DATA_DIR] [REPS]
#
# DATA_DIR defaults to ../shared/data (from the repository root) and must
# hold bbc-news/.  The second corpus, dense in non-ASCII characters, is
# generated here from sentences written for this script (Greek, Vietnamese
# composed and decomposed, Russian, emoji, curly quotes).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
data=${1:-$root/../shared/data}
reps=${2:-7}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The stage compiled as the build compiles it, with optimisation, with its
# character table written by normalise-gentab as the build writes it.
: > "$work/config.h"
${CC:-cc} -O2 -I"$work" -o "$work/gentab" "$root/plugins/normalise/gentab.c" \
    "$root/plugins/normalise/normtab.c" $(pkg-config --cflags --libs libutf8proc)
"$work/gentab" "$work/normalise_table.c"
${CC:-cc} -O2 -DNDEBUG -I"$work" -I"$root/include" \
    -o "$work/bench_normalise" "$root/bench/normalise/bench_normalise.c" \
    "$root/plugins/normalise/normalise.c" "$work/normalise_table.c" \
    $(pkg-config --cflags --libs jansson libutf8proc) -lpthread

python3 - "$work/dense" <<'PY'
import os, random, sys, unicodedata
out = sys.argv[1]
os.makedirs(out)
sentences = [
    "Η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία την Τρίτη.",
    "Οι εξαγωγές αυξήθηκαν κατά 12% σε σχέση με πέρυσι, σύμφωνα με την υπηρεσία.",
    "Ο δήμαρχος είπε ότι το έργο θα ολοκληρωθεί μέσα στο καλοκαίρι.",
    "Chính phủ công bố kế hoạch mới về giao thông đô thị vào sáng thứ Hai.",
    "Giá gạo xuất khẩu tăng mạnh trong quý này, theo báo cáo của bộ.",
    "Người dân địa phương nói rằng con đường đã bị ngập nhiều ngày.",
    "Министр заявил, что бюджет на следующий год будет сбалансирован.",
    "Число туристов выросло почти на треть за последние два года.",
    "Fans celebrated the win 🎉🎉 with flags 🇬🇷 and songs 🎶 all night.",
    "“We didn’t expect this,” said the coach – “but we’ll take it.”",
    "Η ομάδα κέρδισε 3–1 και οι οπαδοί πανηγύρισαν 👏👏🏽 στους δρόμους.",
]
random.seed(7)
for d in range(600):
    parts = []
    size = 0
    while size < 7000:
        s = random.choice(sentences)
        if d % 3 == 0 and random.random() < 0.5:
            s = unicodedata.normalize("NFD", s)  # combining marks
        parts.append(s)
        size += len(s.encode())
        if random.random() < 0.2:
            parts.append("\n\n")
    with open(os.path.join(out, "%03d.txt" % d), "w", encoding="utf-8") as f:
        f.write(" ".join(parts).replace(" \n\n ", "\n\n") + "\n")
PY

"$work/bench_normalise" -r "$reps" "bbc-news=$data/bbc-news" "dense-non-ascii=$work/dense"

# The stage as the runner reports it (--stats), when a built textpipe is
# given as TEXTPIPE=path/to/textpipe.
if [ -n "${TEXTPIPE:-}" ]; then
    printf 'pipeline: bench\nversion: 1\nstages:\n  - plugin: normalise\n' > "$work/p.yaml"
    for corpus in "$data/bbc-news" "$work/dense"; do
        for i in $(seq "$reps"); do
            "$TEXTPIPE" run "$work/p.yaml" "$corpus" --stats -j 1 -o /dev/null 2>&1 |
                sed -n 's/^textpipe: stage normalise: .*, \([0-9.]*\) MB\/s$/\1/p'
        done | sort -n | awk -v c="$(basename "$corpus")" \
            '{v[NR]=$1} END {printf "textpipe --stats, %s: normalise %.1f MB/s (median of %d)\n", c, v[int((NR+1)/2)], NR}'
    done
fi
