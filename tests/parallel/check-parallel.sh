#!/bin/sh
# The news pipeline through GNU parallel (scripts/textpipe-parallel, local
# jobs only) gives exactly the records of one `textpipe run`, line for line.
# Several hundred generated documents, cut into blocks that do not divide
# them evenly, run three jobs at a time.  Skips (77) without GNU parallel.
#
# Finds the program through top_builddir and its files through top_srcdir
# (set by AM_TESTS_ENVIRONMENT); PIPELINE may name another pipeline file.
set -u
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
textpipe=$builddir/textpipe
script=$srcdir/scripts/textpipe-parallel
pipeline=${PIPELINE:-$srcdir/pipelines/news.yaml}
docs=${DOCS:-600}

fail() { echo "check-parallel: FAIL: $*" >&2; exit 1; }

if ! command -v parallel > /dev/null 2>&1 || ! parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
  echo "check-parallel: GNU parallel is not installed; skipped" >&2
  exit 77
fi
[ -x "$textpipe" ] || fail "no program at $textpipe (top_builddir=$builddir)"
[ -f "$pipeline" ] || fail "no pipeline file $pipeline"
[ -f "$script" ] || fail "no script $script"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-parallel.XXXXXX") || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT INT TERM
# GNU parallel keeps its state under $PARALLEL_HOME: keep it out of $HOME.
PARALLEL_HOME=$tmp/parallel-home
export PARALLEL_HOME
mkdir -p "$PARALLEL_HOME"

awk -v n="$docs" -f "$srcdir/tests/parallel/gen-docs.awk" > "$tmp/in.jsonl" || fail "generating documents"
lines=$(wc -l < "$tmp/in.jsonl")
[ "$lines" -eq "$docs" ] || fail "generated $lines documents, not $docs"

"$textpipe" run "$pipeline" - -j 2 -q < "$tmp/in.jsonl" > "$tmp/single.jsonl"
status=$?
[ $status -le 1 ] || fail "textpipe run exited $status"
[ "$(wc -l < "$tmp/single.jsonl")" -eq "$docs" ] || fail "one process wrote $(wc -l < "$tmp/single.jsonl") records for $docs documents"
# The records are the documents, in order, and the stages wrote something.
awk -v n="$docs" '{ want = sprintf("\"id\":\"doc-%04d\"", NR); if (index($0, want) == 0) { print "record " NR " is not doc " NR > "/dev/stderr"; bad = 1; exit } }
     END { exit bad }' "$tmp/single.jsonl" || fail "single-process output out of order"
cmp -s "$tmp/in.jsonl" "$tmp/single.jsonl" && fail "the pipeline changed nothing: is it the news pipeline?"

TEXTPIPE=$textpipe bash "$script" -N 37 -j 3 "$pipeline" "$tmp/in.jsonl" > "$tmp/parallel.jsonl"
status=$?
[ $status -le 1 ] || fail "textpipe-parallel exited $status"

if ! cmp -s "$tmp/single.jsonl" "$tmp/parallel.jsonl"; then
  n=$(wc -l < "$tmp/parallel.jsonl")
  first=$(cmp "$tmp/single.jsonl" "$tmp/parallel.jsonl" 2>&1 | sed -n 's/.*line \([0-9]*\).*/\1/p')
  fail "the parallel output differs ($n records for $docs; first difference at record ${first:-?})"
fi

# The same through standard input, and with the jobs as ssh logins of this
# machine (":"), which takes GNU parallel's remote code path without ssh.
TEXTPIPE=$textpipe bash "$script" -N 101 -S 2/: "$pipeline" < "$tmp/in.jsonl" > "$tmp/parallel2.jsonl" 2> "$tmp/err"
cmp -s "$tmp/single.jsonl" "$tmp/parallel2.jsonl" || { cat "$tmp/err" >&2; fail "the parallel output from standard input differs"; }

echo "check-parallel: $docs records, parallel output equals single-process output"
exit 0
