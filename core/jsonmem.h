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

/* For tests: the class tp_jsonmem_free files a malloc block p under (one
 * past the last for a block it does not keep), the same found through
 * malloc_usable_size, and whether the first reads malloc's own header. */
size_t tp_jsonmem_class(void *p);
size_t tp_jsonmem_class_by_usable_size(void *p);
int tp_jsonmem_reads_headers(void);

#endif
