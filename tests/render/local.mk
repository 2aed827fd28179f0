## tests of textpipe render

if HAVE_CHECK
check_PROGRAMS += tests/render/check_html
TESTS += tests/render/check_html
tests_render_check_html_SOURCES = tests/render/check_html.c core/html.c core/html.h
tests_render_check_html_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_render_check_html_LDADD = $(CHECK_LIBS)
endif
