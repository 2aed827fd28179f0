## plugins/sentences: rules of the sentences stage (see Makefile.am).

pluginabi_LTLIBRARIES += plugins/sentences/sentences.la
plugins_sentences_sentences_la_SOURCES = plugins/sentences/sentences.c
plugins_sentences_sentences_la_LDFLAGS = $(TP_MODULE_FLAGS)
plugins_sentences_sentences_la_LIBADD = $(TP_MODULE_LIBS)
PRELOADED_PLUGINS += -dlpreopen plugins/sentences/sentences.la
EXTRA_DIST += plugins/sentences/README.md

## The benchmark of tokens and sentences (bench/tokens/run.sh runs it).
noinst_PROGRAMS += bench/tokens/bench_tokens
bench_tokens_bench_tokens_SOURCES = bench/tokens/bench_tokens.c bench/cputime.h
bench_tokens_bench_tokens_LDADD = libtextpipe.la
EXTRA_DIST += bench/tokens/run.sh bench/tokens/README.md

if HAVE_CHECK
## The tokeniser and sentence splitter (core/tokenize.c), data-driven.
check_PROGRAMS += tests/unit/check_tokenize
TESTS += tests/unit/check_tokenize
tests_unit_check_tokenize_SOURCES = tests/unit/check_tokenize.c
tests_unit_check_tokenize_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_tokenize_LDADD = libtextpipe.la $(CHECK_LIBS)

## Its fast paths against its plain ones (a second, portable copy of
## core/tokenize.c in the test program).
check_PROGRAMS += tests/unit/check_tokenize_paths
TESTS += tests/unit/check_tokenize_paths
tests_unit_check_tokenize_paths_SOURCES = tests/unit/check_tokenize_paths.c tests/unit/random_text.h
tests_unit_check_tokenize_paths_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_tokenize_paths_LDADD = libtextpipe.la $(CHECK_LIBS) $(UTF8PROC_LIBS)

## The stage.
check_PROGRAMS += plugins/sentences/tests/check_sentences
TESTS += plugins/sentences/tests/check_sentences
plugins_sentences_tests_check_sentences_SOURCES = \
	plugins/sentences/tests/check_sentences.c plugins/sentences/sentences.c
plugins_sentences_tests_check_sentences_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
plugins_sentences_tests_check_sentences_LDADD = libtextpipe.la $(CHECK_LIBS) $(JANSSON_LIBS)
endif
EXTRA_DIST += tests/unit/tokenize_cases.txt tests/unit/sentence_cases.txt
