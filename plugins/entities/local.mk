## plugins/entities: rules of the entities stage (see Makefile.am).

ENTITIES_CORE = plugins/entities/ner.c plugins/entities/ner.h
## the tagger's inner loops are short fixed-length vector sums
ENTITIES_OPT = -ftree-vectorize -fvect-cost-model=dynamic
ENTITIES_MODEL = $(srcdir)/plugins/entities/data/model.bin
ENTITIES_LISTS = \
	plugins/entities/data/lists/places.tsv \
	plugins/entities/data/lists/organisations.tsv \
	plugins/entities/data/lists/misc.tsv \
	plugins/entities/data/lists/firstnames.tsv \
	plugins/entities/data/lists/sports.tsv \
	plugins/entities/data/lists/people.tsv

## Where the built-in model is, for the .incbin in entities.c; remade when
## the model changes, so that entities.c is compiled again.
plugins/entities/entities_model.h: $(ENTITIES_MODEL)
	$(AM_V_GEN)$(MKDIR_P) plugins/entities && \
	printf '/* generated from local.mk; do not edit */\n#define ENTITIES_MODEL_PATH "%s"\n' \
	  '$(abs_top_srcdir)/plugins/entities/data/model.bin' >$@
BUILT_SOURCES += plugins/entities/entities_model.h
CLEANFILES += plugins/entities/entities_model.h

## The stage.  It includes ner.c, and the built-in model is linked in whole.
pluginabi_LTLIBRARIES += plugins/entities/entities.la
plugins_entities_entities_la_SOURCES = plugins/entities/entities.c plugins/entities/ner.h
nodist_plugins_entities_entities_la_SOURCES = plugins/entities/entities_model.h
plugins_entities_entities_la_CFLAGS = $(AM_CFLAGS) $(ENTITIES_OPT)
plugins_entities_entities_la_LDFLAGS = $(TP_MODULE_FLAGS)
plugins_entities_entities_la_LIBADD = $(TP_MODULE_LIBS) $(PCRE2_LIBS)
PRELOADED_PLUGINS += -dlpreopen plugins/entities/entities.la

## The training program: clusters, training, evaluation, speed.
bin_PROGRAMS += textpipe-train
textpipe_train_SOURCES = plugins/entities/train.c plugins/entities/clusters.c $(ENTITIES_CORE)
textpipe_train_CFLAGS = $(AM_CFLAGS) $(ENTITIES_OPT)
textpipe_train_LDADD = libtextpipe.la $(JANSSON_LIBS)


EXTRA_DIST += plugins/entities/data/model.bin plugins/entities/data/clusters.tsv \
	$(ENTITIES_LISTS) plugins/entities/README.md \
	bench/entities/run.sh bench/entities/README.md

if HAVE_CHECK
check_PROGRAMS += plugins/entities/tests/check_entities
TESTS += plugins/entities/tests/check_entities
plugins_entities_tests_check_entities_SOURCES = plugins/entities/tests/check_entities.c \
	plugins/entities/entities.c plugins/entities/ner.h
nodist_plugins_entities_tests_check_entities_SOURCES = plugins/entities/entities_model.h
plugins_entities_tests_check_entities_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
plugins_entities_tests_check_entities_LDADD = libtextpipe.la $(CHECK_LIBS) $(JANSSON_LIBS) $(PCRE2_LIBS)
## The same tests with a cache of two unknown words: the words of a
## sentence then share slots, and must still be tagged as with a large one.
## They also use the SSE Viterbi where the processor has AVX-512.
check_PROGRAMS += plugins/entities/tests/check_entities_tinycache
TESTS += plugins/entities/tests/check_entities_tinycache
plugins_entities_tests_check_entities_tinycache_SOURCES = $(plugins_entities_tests_check_entities_SOURCES)
nodist_plugins_entities_tests_check_entities_tinycache_SOURCES = plugins/entities/entities_model.h
plugins_entities_tests_check_entities_tinycache_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) -DENT_CACHE_BITS=1 -DENT_NO_WIDE
plugins_entities_tests_check_entities_tinycache_LDADD = $(plugins_entities_tests_check_entities_LDADD)
## Grouping of mentions against the plain comparison of each with every
## earlier one (the stage compiled into the test).
check_PROGRAMS += plugins/entities/tests/check_group
TESTS += plugins/entities/tests/check_group
plugins_entities_tests_check_group_SOURCES = plugins/entities/tests/check_group.c plugins/entities/ner.h \
	tests/unit/random_text.h
nodist_plugins_entities_tests_check_group_SOURCES = plugins/entities/entities_model.h
plugins_entities_tests_check_group_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
plugins_entities_tests_check_group_LDADD = $(plugins_entities_tests_check_entities_LDADD)
## The decoders (each vector loop, again after a change, the path without
## back pointers, the backward scores from a position) against plain ones.
check_PROGRAMS += plugins/entities/tests/check_decode
TESTS += plugins/entities/tests/check_decode
plugins_entities_tests_check_decode_SOURCES = plugins/entities/tests/check_decode.c plugins/entities/ner.h
plugins_entities_tests_check_decode_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(ENTITIES_OPT)
plugins_entities_tests_check_decode_LDADD = $(CHECK_LIBS) -lm
## The same with a cache of four words: the words of a sentence fill whole
## sets of it, and it is refilled all the time.
check_PROGRAMS += plugins/entities/tests/check_decode_tinycache
TESTS += plugins/entities/tests/check_decode_tinycache
plugins_entities_tests_check_decode_tinycache_SOURCES = $(plugins_entities_tests_check_decode_SOURCES)
plugins_entities_tests_check_decode_tinycache_CFLAGS = $(plugins_entities_tests_check_decode_CFLAGS) -DENT_CACHE_BITS=2
plugins_entities_tests_check_decode_tinycache_LDADD = $(plugins_entities_tests_check_decode_LDADD)
endif
TESTS += plugins/entities/tests/jobs.test
EXTRA_DIST += plugins/entities/tests/train.conll plugins/entities/tests/cases.txt \
	plugins/entities/tests/jobs.test
