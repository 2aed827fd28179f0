## plugins/unsourced: rules of the unsourced stage (see Makefile.am).
