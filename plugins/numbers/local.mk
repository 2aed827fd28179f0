## plugins/numbers: rules of the numbers stage (see Makefile.am).
