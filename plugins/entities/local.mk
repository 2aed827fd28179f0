## plugins/entities: rules of the entities stage (see Makefile.am).
