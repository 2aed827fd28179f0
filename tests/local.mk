## Tests of the core and of whole pipelines.

if HAVE_CHECK
check_PROGRAMS += tests/unit/check_record
TESTS += tests/unit/check_record
tests_unit_check_record_SOURCES = tests/unit/check_record.c
tests_unit_check_record_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_record_LDADD = libtextpipe.la $(CHECK_LIBS) $(JANSSON_LIBS)
endif

include tests/unit/io.mk
include tests/render/local.mk
