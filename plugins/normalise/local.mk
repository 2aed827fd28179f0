## plugins/normalise: rules of the normalise stage (see Makefile.am).
