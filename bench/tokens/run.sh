#!/bin/sh
# Tokens per second per core of the shared tokeniser, and with sentence
# splitting, over the BBC news folder held in memory.
#
# usage: bench/tokens/run.sh [DATA_DIR] [BUILD_DIR] [RUNS]
#   DATA_DIR   the shared data folder (default: ../shared/data from the
#              repository root); the texts are read from DATA_DIR/bbc-news
#   BUILD_DIR  where the project was built (default: the current folder)
#   RUNS       timed passes, the median is reported (default 7)
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
data=${1:-$root/../shared/data}
build=${2:-.}
runs=${3:-7}
prog=$build/bench/tokens/bench_tokens
if [ ! -x "$prog" ]; then
    echo "$prog not found: build the project first (make), or name the build folder" >&2
    exit 2
fi
exec "$prog" "$data/bbc-news" "$runs"
