## Tests of the core and of whole pipelines.

if HAVE_CHECK
check_PROGRAMS += tests/unit/check_record
TESTS += tests/unit/check_record
tests_unit_check_record_SOURCES = tests/unit/check_record.c
tests_unit_check_record_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_record_LDADD = libtextpipe.la $(CHECK_LIBS) $(JANSSON_LIBS)
check_PROGRAMS += tests/unit/check_pipeline
TESTS += tests/unit/check_pipeline
tests_unit_check_pipeline_SOURCES = tests/unit/check_pipeline.c
tests_unit_check_pipeline_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_pipeline_LDADD = core/libtpcore.la libtextpipe.la $(CHECK_LIBS) \
	$(YAML_LIBS) $(JANSSON_LIBS) $(LTDL_LIBS)
endif

include tests/unit/io.mk
include tests/unit/jsonr.mk
include tests/render/local.mk

## Test plugins: a pass-through stage and fixtures for the loader's checks
## and the runner's error handling (tests/plugins/fixture.c).
FIXTURE_FLAGS = -module -avoid-version -rpath /nowhere -no-undefined
FIXTURE_LIBS = $(JANSSON_LIBS)
check_LTLIBRARIES += tests/plugins/passthrough.la tests/plugins/flaky.la \
	tests/plugins/needsmark.la tests/plugins/badmajor.la tests/plugins/newminor.la \
	tests/plugins/shortdesc.la tests/plugins/noprocess.la tests/plugins/noentry.la
tests_plugins_passthrough_la_SOURCES = tests/plugins/passthrough.c
tests_plugins_passthrough_la_LDFLAGS = $(FIXTURE_FLAGS)
tests_plugins_passthrough_la_LIBADD = $(FIXTURE_LIBS)
tests_plugins_flaky_la_SOURCES = tests/plugins/fixture.c
tests_plugins_flaky_la_CPPFLAGS = $(AM_CPPFLAGS) -DFIXTURE_NAME=flaky
tests_plugins_flaky_la_LDFLAGS = $(FIXTURE_FLAGS)
tests_plugins_flaky_la_LIBADD = $(FIXTURE_LIBS)
tests_plugins_needsmark_la_SOURCES = tests/plugins/fixture.c
tests_plugins_needsmark_la_CPPFLAGS = $(AM_CPPFLAGS) -DFIXTURE_NAME=needsmark -DFIXTURE_READS_MARK
tests_plugins_needsmark_la_LDFLAGS = $(FIXTURE_FLAGS)
tests_plugins_needsmark_la_LIBADD = $(FIXTURE_LIBS)
tests_plugins_badmajor_la_SOURCES = tests/plugins/fixture.c
tests_plugins_badmajor_la_CPPFLAGS = $(AM_CPPFLAGS) -DFIXTURE_NAME=badmajor -DFIXTURE_MAJOR=2
tests_plugins_badmajor_la_LDFLAGS = $(FIXTURE_FLAGS)
tests_plugins_badmajor_la_LIBADD = $(FIXTURE_LIBS)
tests_plugins_newminor_la_SOURCES = tests/plugins/fixture.c
tests_plugins_newminor_la_CPPFLAGS = $(AM_CPPFLAGS) -DFIXTURE_NAME=newminor -DFIXTURE_MINOR=99
tests_plugins_newminor_la_LDFLAGS = $(FIXTURE_FLAGS)
tests_plugins_newminor_la_LIBADD = $(FIXTURE_LIBS)
tests_plugins_shortdesc_la_SOURCES = tests/plugins/fixture.c
tests_plugins_shortdesc_la_CPPFLAGS = $(AM_CPPFLAGS) -DFIXTURE_NAME=shortdesc -DFIXTURE_SHORT
tests_plugins_shortdesc_la_LDFLAGS = $(FIXTURE_FLAGS)
tests_plugins_shortdesc_la_LIBADD = $(FIXTURE_LIBS)
tests_plugins_noprocess_la_SOURCES = tests/plugins/fixture.c
tests_plugins_noprocess_la_CPPFLAGS = $(AM_CPPFLAGS) -DFIXTURE_NAME=noprocess -DFIXTURE_NO_PROCESS
tests_plugins_noprocess_la_LDFLAGS = $(FIXTURE_FLAGS)
tests_plugins_noprocess_la_LIBADD = $(FIXTURE_LIBS)
tests_plugins_noentry_la_SOURCES = tests/plugins/fixture.c
tests_plugins_noentry_la_CPPFLAGS = $(AM_CPPFLAGS) -DFIXTURE_NAME=noentry -DFIXTURE_NO_ENTRY
tests_plugins_noentry_la_LDFLAGS = $(FIXTURE_FLAGS)
tests_plugins_noentry_la_LIBADD = $(FIXTURE_LIBS)

## Shell tests of the program.
TEST_EXTENSIONS = .test
TEST_LOG_COMPILER = $(SHELL)
CORE_SHELL_TESTS = \
	tests/check-errors.test \
	tests/cases.test \
	tests/pipelines.test \
	tests/inputs.test \
	tests/order.test \
	tests/outdir.test \
	tests/interrupt.test \
	tests/stream.test \
	tests/headers.test \
	tests/install.test
TESTS += $(CORE_SHELL_TESTS)
EXTRA_DIST += examples/plugins/wordcount/wordcount.c examples/plugins/wordcount/Makefile \
	examples/plugins/wordcount/wordcount.yaml examples/plugins/wordcount/README.md
EXTRA_DIST += tests/lib.sh $(CORE_SHELL_TESTS) tests/pipelines tests/plugins/fixture.c

## Every pipeline that ships passes `textpipe check`.
include tests/parallel/local.mk
