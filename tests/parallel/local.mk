## tests/parallel: the news pipeline through GNU parallel equals one run.
TESTS += tests/parallel/check-parallel.sh
EXTRA_DIST += tests/parallel/check-parallel.sh tests/parallel/gen-docs.awk \
	scripts/textpipe-parallel
