## tests of textpipe render

# A small program that renders JSON Lines into a site through the same
# entry point as `textpipe render`, so the page writer is tested before
# and apart from the runner.
check_PROGRAMS += tests/render/render_site
tests_render_render_site_SOURCES = tests/render/render_site.c \
	core/render.c core/render.h core/render_cmd.c core/html.c core/html.h core/jsonr.c core/jsonr.h
tests_render_render_site_CFLAGS = $(AM_CFLAGS)
tests_render_render_site_LDADD = libtextpipe.la $(JANSSON_LIBS)

TESTS += tests/render/browser.test
EXTRA_DIST += tests/render/browser.test tests/render/fixture.jsonl \
	tests/render/expect.txt tests/render/check.js
CLEANFILES += tests/render/screenshot-page.png tests/render/screenshot-index.png

if HAVE_CHECK
check_PROGRAMS += tests/render/check_html tests/render/check_render
TESTS += tests/render/check_html tests/render/check_render
tests_render_check_html_SOURCES = tests/render/check_html.c core/html.c core/html.h
tests_render_check_html_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_render_check_html_LDADD = $(CHECK_LIBS)
tests_render_check_render_SOURCES = tests/render/check_render.c \
	core/render.c core/render.h core/render_cmd.c core/html.c core/html.h core/jsonr.c core/jsonr.h
tests_render_check_render_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_render_check_render_LDADD = libtextpipe.la $(CHECK_LIBS) $(JANSSON_LIBS)
endif

EXTRA_DIST += docs/render.md bench/render/run.sh bench/render/gen.awk
