#!/bin/sh
# Time tp_json_write against json_dumps(v, JSON_COMPACT).
# usage: bench/jsonw/run.sh [DATA_DIR] [RUNS]   (run from the repository root;
# DATA_DIR defaults to ../shared/data, RUNS to 7)
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${TMPDIR:-/tmp}/bench_jsonw.$$
trap 'rm -f "$out"' EXIT
${CC:-cc} -O2 -std=gnu11 -I"$top/core" -I"$top/include" \
	"$here/bench_jsonw.c" "$top/core/jsonw.c" "$top/core/walk.c" "$top/core/decode.c" \
	$(pkg-config --cflags --libs jansson) -o "$out"
"$out" "${1:-../shared/data}" "${2:-7}"
