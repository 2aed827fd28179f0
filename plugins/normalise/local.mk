## plugins/normalise: rules of the normalise stage (see Makefile.am).

## The character table, worked out from utf8proc at build time (normtab.h).
noinst_PROGRAMS += plugins/normalise/normalise-gentab
plugins_normalise_normalise_gentab_SOURCES = plugins/normalise/gentab.c \
	plugins/normalise/normtab.c plugins/normalise/normtab.h
plugins_normalise_normalise_gentab_LDADD = $(UTF8PROC_LIBS)
plugins/normalise/normalise_table.c: plugins/normalise/normalise-gentab$(EXEEXT)
	$(AM_V_GEN)plugins/normalise/normalise-gentab$(EXEEXT) $@.tmp && mv $@.tmp $@
CLEANFILES += plugins/normalise/normalise_table.c

pluginabi_LTLIBRARIES += plugins/normalise/normalise.la
plugins_normalise_normalise_la_SOURCES = plugins/normalise/normalise.c plugins/normalise/normtab.h
nodist_plugins_normalise_normalise_la_SOURCES = plugins/normalise/normalise_table.c
plugins_normalise_normalise_la_LDFLAGS = $(TP_MODULE_FLAGS)
plugins_normalise_normalise_la_LIBADD = $(TP_MODULE_LIBS) $(UTF8PROC_LIBS)
PRELOADED_PLUGINS += -dlpreopen plugins/normalise/normalise.la

if HAVE_CHECK
check_PROGRAMS += plugins/normalise/tests/check_normalise
TESTS += plugins/normalise/tests/check_normalise
plugins_normalise_tests_check_normalise_SOURCES = plugins/normalise/tests/check_normalise.c \
	plugins/normalise/normalise.c plugins/normalise/normtab.c plugins/normalise/normtab.h
nodist_plugins_normalise_tests_check_normalise_SOURCES = plugins/normalise/normalise_table.c
plugins_normalise_tests_check_normalise_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
plugins_normalise_tests_check_normalise_LDADD = libtextpipe.la $(CHECK_LIBS) $(JANSSON_LIBS) \
	$(UTF8PROC_LIBS)
endif
EXTRA_DIST += plugins/normalise/tests/cases.txt plugins/normalise/README.md \
	bench/normalise/run.sh bench/normalise/bench_normalise.c
