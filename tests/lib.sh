# Shared by the shell tests: where things are, and how to fail.
# AM_TESTS_ENVIRONMENT exports top_srcdir and top_builddir.
set -u
: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)
TEXTPIPE="$top_builddir/textpipe"
FIXTURES="$top_builddir/tests/plugins"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/textpipe-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
failures=0
checks=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

pass() {
    checks=$((checks + 1))
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
    if [ "$2" = "$3" ]; then
        pass
    else
        fail "$1: expected [$2], got [$3]"
    fi
}

# expect_file_eq WHAT EXPECTED_FILE ACTUAL_FILE
expect_file_eq() {
    if cmp -s "$2" "$3"; then
        pass
    else
        fail "$1: $3 differs from $2"
        diff -u "$2" "$3" | head -40 >&2
    fi
}

finish() {
    echo "$checks checks passed, $failures failed"
    [ "$failures" -eq 0 ]
}
