/* Memory for JSON values: small blocks kept per thread (see jsonmem.c). */
#ifndef TP_JSONMEM_H
#define TP_JSONMEM_H

#include <stddef.h>

/* Make jansson allocate through the functions below.  Call it before any
 * JSON value exists: a value must be freed by the allocator that made it
 * (these free plain malloc blocks too, so the order is only a matter of
 * caching). */
void tp_jsonmem_install(void);

void *tp_jsonmem_malloc(size_t n);
void tp_jsonmem_free(void *p);

/* Give back the blocks the calling thread keeps (threads do so at exit). */
void tp_jsonmem_drain(void);

#endif
