## unit tests of the JSON reader, against json_loadb, and of the memory
## behind jansson's values
## (its source is compiled straight into the test program)

if HAVE_CHECK
check_PROGRAMS += tests/unit/check_jsonr
TESTS += tests/unit/check_jsonr
tests_unit_check_jsonr_SOURCES = tests/unit/check_jsonr.c tests/unit/random_text.h tests/unit/random_values.h core/jsonr.c core/jsonr.h
tests_unit_check_jsonr_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_jsonr_LDADD = $(CHECK_LIBS) $(JANSSON_LIBS)

check_PROGRAMS += tests/unit/check_jsonmem
TESTS += tests/unit/check_jsonmem
tests_unit_check_jsonmem_SOURCES = tests/unit/check_jsonmem.c core/jsonmem.c core/jsonmem.h
tests_unit_check_jsonmem_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_jsonmem_LDADD = $(CHECK_LIBS) $(JANSSON_LIBS)
endif
EXTRA_DIST += tests/unit/jsonr_cases.txt

## The benchmark of the JSON reader (bench/jsonr/run.sh runs it).
noinst_PROGRAMS += bench/jsonr/bench_jsonr
bench_jsonr_bench_jsonr_SOURCES = bench/jsonr/bench_jsonr.c bench/cputime.h core/jsonr.c core/jsonr.h
bench_jsonr_bench_jsonr_CFLAGS = $(AM_CFLAGS)
bench_jsonr_bench_jsonr_LDADD = $(JANSSON_LIBS)
EXTRA_DIST += bench/jsonr/run.sh bench/jsonr/README.md
