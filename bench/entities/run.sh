#!/bin/sh
# Accuracy and speed of the entities tagger.
#
# usage: bench/entities/run.sh [DATA_DIR] [BUILD_DIR] [MODEL]
#   DATA_DIR   the shared data folder (default: ../shared/data from the
#              repository root)
#   BUILD_DIR  where the project was built (default: the current folder)
#   MODEL      the model to measure (default: the built-in one,
#              plugins/entities/data/model.bin)
#
# Prints (a) CoNLL-2003 test precision, recall and F1 per label and overall
# (exact span and label, as conlleval counts), (b) F1 out of domain on
# wikigold and on re3d (test split; Person, Organisation, Location and
# Nationality mapped to PER, ORG, LOC, MISC, every other label to O), and
# (c) tokens per second per core (CPU time of the thread) of tagging alone on
# CoNLL test tokens and of tokenise + sentences + tag on the BBC folder.
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
data=${1:-$root/../shared/data}
build=${2:-.}
model=${3:-$root/plugins/entities/data/model.bin}
prog=$build/textpipe-train
if [ ! -x "$prog" ]; then
    echo "$prog not found: build the project first (make), or name the build folder" >&2
    exit 2
fi
for f in conll2003-en/test.txt wikigold/wikigold.conll.txt re3d-conll/re3d-test.conll; do
    if [ ! -r "$data/$f" ]; then
        echo "$data/$f not found: name the data folder" >&2
        exit 2
    fi
done
echo "== (a) CoNLL-2003 English, test split"
"$prog" eval "$model" "$data/conll2003-en/test.txt"
echo
echo "== (b) out of domain"
"$prog" eval "$model" "$data/wikigold/wikigold.conll.txt" "$data/re3d-conll/re3d-test.conll"
echo
echo "== (c) speed, one thread"
"$prog" speed "$model" "$data/conll2003-en/test.txt" --text "$data/bbc-news" --seconds 5
