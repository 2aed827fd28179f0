## plugins/numbers: rules of the numbers stage (see Makefile.am).

pluginabi_LTLIBRARIES += plugins/numbers/numbers.la
plugins_numbers_numbers_la_SOURCES = plugins/numbers/numbers.c
plugins_numbers_numbers_la_LDFLAGS = $(TP_MODULE_FLAGS)
plugins_numbers_numbers_la_LIBADD = $(TP_MODULE_LIBS) $(PCRE2_LIBS)
PRELOADED_PLUGINS += -dlpreopen plugins/numbers/numbers.la

## The names list is compiled in with bin2c and included by numbers.c with
## internal linkage, so that no data symbol of the module reaches the
## program's preload table.
plugins/numbers/numbers_names_data.h: $(srcdir)/plugins/numbers/data/names.txt $(BIN2C)
	$(AM_V_GEN)$(MKDIR_P) plugins/numbers && \
	$(BIN2C) numbers_names $(srcdir)/plugins/numbers/data/names.txt $@.tmp && \
	sed -e '/^extern /d' -e 's/^const /static const /' $@.tmp > $@ && rm -f $@.tmp
BUILT_SOURCES += plugins/numbers/numbers_names_data.h
CLEANFILES += plugins/numbers/numbers_names_data.h
EXTRA_DIST += plugins/numbers/data/names.txt plugins/numbers/README.md

if HAVE_CHECK
check_PROGRAMS += plugins/numbers/tests/check_numbers
TESTS += plugins/numbers/tests/check_numbers
plugins_numbers_tests_check_numbers_SOURCES = plugins/numbers/tests/check_numbers.c plugins/numbers/numbers.c
plugins_numbers_tests_check_numbers_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
plugins_numbers_tests_check_numbers_LDADD = libtextpipe.la $(CHECK_LIBS) $(JANSSON_LIBS) $(PCRE2_LIBS)
endif
EXTRA_DIST += plugins/numbers/tests/cases.txt

## A small driver for the scripts in bench/numbers (not installed): JSON
## Lines in, records out, with timing of the stage and of a plain pcre2 scan.
noinst_PROGRAMS += bench/numbers/numbers-driver
bench_numbers_numbers_driver_SOURCES = bench/numbers/driver.c bench/cputime.h plugins/numbers/numbers.c core/jsonmem.c
bench_numbers_numbers_driver_CFLAGS = $(AM_CFLAGS)
bench_numbers_numbers_driver_LDADD = libtextpipe.la $(JANSSON_LIBS) $(PCRE2_LIBS)

EXTRA_DIST += bench/numbers/README.md bench/numbers/score.py bench/numbers/speed.py \
	bench/numbers/paths.py
