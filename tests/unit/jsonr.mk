## unit tests of the JSON reader, against json_loadb
## (its source is compiled straight into the test program)

if HAVE_CHECK
check_PROGRAMS += tests/unit/check_jsonr
TESTS += tests/unit/check_jsonr
tests_unit_check_jsonr_SOURCES = tests/unit/check_jsonr.c core/jsonr.c core/jsonr.h
tests_unit_check_jsonr_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_jsonr_LDADD = $(CHECK_LIBS) $(JANSSON_LIBS)
endif
EXTRA_DIST += tests/unit/jsonr_cases.txt
