## unit tests of the decoder, the walker and the JSON writer
## (their sources are compiled straight into each test program)

if HAVE_CHECK
check_PROGRAMS += tests/unit/check_decode tests/unit/check_walk tests/unit/check_jsonw
TESTS += tests/unit/check_decode tests/unit/check_walk tests/unit/check_jsonw

tests_unit_check_decode_SOURCES = tests/unit/check_decode.c core/decode.c core/decode.h
tests_unit_check_decode_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_decode_LDADD = libtextpipe.la $(CHECK_LIBS) $(JANSSON_LIBS)

tests_unit_check_walk_SOURCES = tests/unit/check_walk.c core/walk.c core/walk.h
tests_unit_check_walk_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_walk_LDADD = libtextpipe.la $(CHECK_LIBS) $(JANSSON_LIBS)

tests_unit_check_jsonw_SOURCES = tests/unit/check_jsonw.c tests/unit/random_text.h tests/unit/random_values.h core/jsonw.c core/jsonw.h
tests_unit_check_jsonw_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_jsonw_LDADD = libtextpipe.la $(CHECK_LIBS) $(JANSSON_LIBS)

## The same tests on the plain C string scan and the walk through
## jansson's functions (not its structures), and on real records (the
## news pipeline's output over examples/).
check_PROGRAMS += tests/unit/check_jsonw_portable
TESTS += tests/unit/check_jsonw_portable tests/unit/jsonw-records.test
tests_unit_check_jsonw_portable_SOURCES = $(tests_unit_check_jsonw_SOURCES)
tests_unit_check_jsonw_portable_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) -DTP_JSONW_PORTABLE -DTP_JSONW_API
tests_unit_check_jsonw_portable_LDADD = $(tests_unit_check_jsonw_LDADD)
endif
EXTRA_DIST += tests/unit/jsonw-records.test
## (the example articles it runs over)
EXTRA_DIST += examples/01-harbour-budget.txt \
	examples/02-rail-strike.txt \
	examples/03-tech-outage.txt \
	examples/04-curly-quotes-museum.txt \
	examples/05-crlf-flood-warning.txt \
	examples/06-election-poll.txt \
	examples/07-hospital-waiting.txt \
	examples/08-football-transfer.txt \
	examples/09-drought-farming.txt \
	examples/10-bank-results.txt \
	examples/11-school-meals.txt \
	examples/12-space-launch.txt

## A micro-benchmark of the JSON writer (not built by make; see its README).
EXTRA_DIST += bench/jsonw/bench_jsonw.c bench/jsonw/run.sh bench/jsonw/README.md
