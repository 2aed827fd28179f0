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
endif

## A micro-benchmark of the JSON writer (not built by make; see its README).
EXTRA_DIST += bench/jsonw/bench_jsonw.c bench/jsonw/run.sh bench/jsonw/README.md
