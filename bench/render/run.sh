#!/bin/sh
# Time `textpipe render` on generated records: wall time and peak memory.
#   bench/render/run.sh [BUILD_DIR] [N]      (defaults: . and 10000)
# Uses `BUILD_DIR/textpipe render` when the program has it, else the test
# program tests/render/render_site, which runs the same code.
set -eu
build=$(cd "${1:-.}" && pwd)
n=${2:-10000}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

if "$build/textpipe" render --help >/dev/null 2>&1; then
    render="$build/textpipe render"
else
    [ -x "$build/tests/render/render_site" ] ||
        { echo "no renderer in $build (make check builds it)" >&2; exit 2; }
    # through libtool, so that time measures the program, not its wrapper
    render="$build/libtool --mode=execute $build/tests/render/render_site"
fi

awk -v n="$n" -f "$here/gen.awk" > "$work/records.jsonl"
bytes=$(wc -c < "$work/records.jsonl")
echo "records: $n, $bytes bytes of JSON Lines; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

/usr/bin/time -f '%e s elapsed, %U s user, %S s system, %M KiB peak RSS' \
    $render "$work/records.jsonl" -o "$work/site" 2>"$work/time.txt" || true
cat "$work/time.txt"
echo "site: $(find "$work/site" -type f | wc -l) files, $(du -sk "$work/site" | cut -f1) KiB;" \
     "index.html $(wc -c < "$work/site/index.html") bytes"
