## tests/parallel: the news pipeline through GNU parallel equals one run
## (run by $(SHELL), as the other .test files; skips without GNU parallel).
TESTS += tests/parallel/parallel.test
EXTRA_DIST += tests/parallel/parallel.test tests/parallel/gen-docs.awk
