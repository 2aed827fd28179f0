## plugins/unsourced: rules of the unsourced stage (see Makefile.am).

## The lists are compiled in with bin2c, then made static and included by
## unsourced.c: a module preloaded into the program must define no global
## symbol but its entry, or the program does not link.
unsourced_lists = \
	plugins/unsourced/unsourced_cues.inc \
	plugins/unsourced/unsourced_weasels.inc \
	plugins/unsourced/unsourced_lexicon.inc
unsourced_sources = \
	plugins/unsourced/unsourced.c \
	plugins/unsourced/unsourced_lex.h \
	plugins/unsourced/unsourced_tag.h
BUILT_SOURCES += $(unsourced_lists) plugins/unsourced/unsourced_model.h

## Where the built-in attribution model is, for the .incbin in unsourced.c;
## remade when the model changes, so that unsourced.c is compiled again.
plugins/unsourced/unsourced_model.h: $(srcdir)/plugins/unsourced/data/model.bin
	$(AM_V_GEN)$(MKDIR_P) plugins/unsourced && \
	printf '/* generated from local.mk; do not edit */\n#define UNSOURCED_MODEL_PATH "%s"\n' \
	  '$(abs_top_srcdir)/plugins/unsourced/data/model.bin' >$@
CLEANFILES += plugins/unsourced/unsourced_model.h
# ... and before any object that includes them, when a target is made alone.
plugins/unsourced/unsourced.lo \
plugins/unsourced/tests_check_unsourced-unsourced.$(OBJEXT) \
plugins/unsourced/bench_unsourced_unsourced_driver-unsourced.$(OBJEXT) \
plugins/unsourced/tests/check_unsourced_tag-check_unsourced_tag.$(OBJEXT) \
plugins/unsourced/tests/check_unsourced_fast-check_unsourced_fast.$(OBJEXT): $(unsourced_lists) plugins/unsourced/unsourced_model.h
plugins/unsourced/textpipe_unsourced_train-train.$(OBJEXT): $(unsourced_lists)

pluginabi_LTLIBRARIES += plugins/unsourced/unsourced.la
plugins_unsourced_unsourced_la_SOURCES = $(unsourced_sources)
plugins_unsourced_unsourced_la_LDFLAGS = $(TP_MODULE_FLAGS)
plugins_unsourced_unsourced_la_LIBADD = $(TP_MODULE_LIBS)
PRELOADED_PLUGINS += -dlpreopen plugins/unsourced/unsourced.la

plugins/unsourced/unsourced_cues.inc: $(srcdir)/plugins/unsourced/data/cues.txt $(BIN2C)
	$(AM_V_GEN)$(MKDIR_P) plugins/unsourced && $(BIN2C) unsourced_cues $(srcdir)/plugins/unsourced/data/cues.txt $@.tmp \
	  && sed -e '/^extern /d' -e 's/^const /static const /' $@.tmp > $@ && rm -f $@.tmp
plugins/unsourced/unsourced_weasels.inc: $(srcdir)/plugins/unsourced/data/weasels.txt $(BIN2C)
	$(AM_V_GEN)$(MKDIR_P) plugins/unsourced && $(BIN2C) unsourced_weasels $(srcdir)/plugins/unsourced/data/weasels.txt $@.tmp \
	  && sed -e '/^extern /d' -e 's/^const /static const /' $@.tmp > $@ && rm -f $@.tmp
plugins/unsourced/unsourced_lexicon.inc: $(srcdir)/plugins/unsourced/data/lexicon.txt $(BIN2C)
	$(AM_V_GEN)$(MKDIR_P) plugins/unsourced && $(BIN2C) unsourced_lexicon $(srcdir)/plugins/unsourced/data/lexicon.txt $@.tmp \
	  && sed -e '/^extern /d' -e 's/^const /static const /' $@.tmp > $@ && rm -f $@.tmp
CLEANFILES += $(unsourced_lists)
## The trainer of the attribution model (see README.md).  Not installed.
noinst_PROGRAMS += textpipe-unsourced-train
textpipe_unsourced_train_SOURCES = plugins/unsourced/train.c plugins/unsourced/unsourced_lex.h plugins/unsourced/unsourced_tag.h
textpipe_unsourced_train_CFLAGS = $(AM_CFLAGS)
textpipe_unsourced_train_LDADD = libtextpipe.la $(JANSSON_LIBS) -lm

EXTRA_DIST += \
	plugins/unsourced/data/model.bin \
	plugins/unsourced/data/cues.txt \
	plugins/unsourced/data/weasels.txt \
	plugins/unsourced/data/lexicon.txt \
	plugins/unsourced/README.md

## A driver for the benchmarks in bench/unsourced: JSON Lines in and out
## through the stage alone, with its time.  Not installed.
noinst_PROGRAMS += bench/unsourced/unsourced-driver
bench_unsourced_unsourced_driver_SOURCES = bench/unsourced/driver.c bench/cputime.h core/jsonmem.c core/jsonmem.h $(unsourced_sources)
bench_unsourced_unsourced_driver_CFLAGS = $(AM_CFLAGS)
bench_unsourced_unsourced_driver_LDADD = libtextpipe.la $(JANSSON_LIBS)
EXTRA_DIST += \
	bench/unsourced/README.md \
	bench/unsourced/polnear.py \
	bench/unsourced/agreement.py \
	bench/unsourced/checkworthy.py \
	bench/unsourced/speed.py \
	bench/unsourced/polnear_spans.py \
	bench/unsourced/polnear_errors.py \
	bench/unsourced/common.py

if HAVE_CHECK
check_PROGRAMS += plugins/unsourced/tests/check_unsourced
TESTS += plugins/unsourced/tests/check_unsourced
plugins_unsourced_tests_check_unsourced_SOURCES = plugins/unsourced/tests/check_unsourced.c $(unsourced_sources)
plugins_unsourced_tests_check_unsourced_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
plugins_unsourced_tests_check_unsourced_LDADD = libtextpipe.la $(CHECK_LIBS) $(JANSSON_LIBS)
## The tagger's fast path against the plain one (includes unsourced.c).
check_PROGRAMS += plugins/unsourced/tests/check_unsourced_tag
TESTS += plugins/unsourced/tests/check_unsourced_tag
plugins_unsourced_tests_check_unsourced_tag_SOURCES = plugins/unsourced/tests/check_unsourced_tag.c
EXTRA_plugins_unsourced_tests_check_unsourced_tag_SOURCES = $(unsourced_sources)
plugins_unsourced_tests_check_unsourced_tag_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
plugins_unsourced_tests_check_unsourced_tag_LDADD = libtextpipe.la $(CHECK_LIBS) $(JANSSON_LIBS)
## The rules' fast paths against the plain ones (includes unsourced.c).
check_PROGRAMS += plugins/unsourced/tests/check_unsourced_fast
TESTS += plugins/unsourced/tests/check_unsourced_fast
plugins_unsourced_tests_check_unsourced_fast_SOURCES = plugins/unsourced/tests/check_unsourced_fast.c
EXTRA_plugins_unsourced_tests_check_unsourced_fast_SOURCES = $(unsourced_sources)
plugins_unsourced_tests_check_unsourced_fast_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
plugins_unsourced_tests_check_unsourced_fast_LDADD = libtextpipe.la $(CHECK_LIBS) $(JANSSON_LIBS)
endif
EXTRA_DIST += plugins/unsourced/tests/cases.txt
