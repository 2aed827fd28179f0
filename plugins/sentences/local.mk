## plugins/sentences: rules of the sentences stage (see Makefile.am).
