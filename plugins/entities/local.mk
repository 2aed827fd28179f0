## plugins/entities: rules of the entities stage (see Makefile.am).

ENTITIES_CORE = plugins/entities/ner.c plugins/entities/ner.h

## The training program: clusters, training, evaluation, speed.
bin_PROGRAMS += textpipe-train
textpipe_train_SOURCES = plugins/entities/train.c plugins/entities/clusters.c $(ENTITIES_CORE)
textpipe_train_CFLAGS = $(AM_CFLAGS) -O2
textpipe_train_LDADD = libtextpipe.la -lm
