/*
 * textpipe record helpers: read a record's text and add spans to it.
 *
 * A record is a JSON object (DESIGN: docs/records.md).  Offsets in spans are
 * Unicode code points into "text", end exclusive.  Where normalise changed
 * the text, the record also holds "original" (the text as read) and
 * "offset_map", and every span made with tp_span_new() carries orig_start and
 * orig_end into "original" without the stage doing anything more.
 *
 * "offset_map" is a flat array of code-point offsets t0, o0, t1, o1, ... :
 * breakpoints where text offset t_i corresponds to original offset o_i, with
 * t and o non-decreasing, starting at (0, 0) and ending at the lengths of the
 * two texts.  Between two breakpoints whose distances are equal the texts
 * correspond character for character; elsewhere the piece of text replaces
 * the piece of original as a whole.
 *
 * A tp_text belongs to one worker thread; make one in worker_init and load
 * each record into it, so that no memory is allocated per record once it has
 * grown to fit.
 */
#ifndef TEXTPIPE_RECORD_H
#define TEXTPIPE_RECORD_H

#include <stddef.h>
#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tp_text tp_text;

/* NULL when out of memory. */
tp_text *tp_text_new(void);
void tp_text_free(tp_text *t);

/* Point t at record's "text" (which must be a string) and its offset map.
 * Returns 0, or -1 when the record has no string "text" or its offset map
 * is malformed.  The record must outlive the use of t and not change its
 * "text" meanwhile. */
int tp_text_load(tp_text *t, const json_t *record);

/* The loaded text: UTF-8 bytes, their number, and the number of code points. */
const char *tp_text_bytes(const tp_text *t);
size_t tp_text_len(const tp_text *t);
size_t tp_text_cp_len(tp_text *t);

/* Byte offset -> code point offset, and back.  A byte offset inside a
 * multi-byte character counts as the character's start.  Out-of-range
 * offsets are clamped.  Both are O(1) for ASCII text and cost at most a
 * short scan otherwise. */
size_t tp_text_cp(tp_text *t, size_t byte_offset);
size_t tp_text_byte(tp_text *t, size_t cp_offset);

/* Code points of text -> code points of original.  Where the record has no
 * offset map the offsets come back unchanged and 0 is returned; with a map,
 * 1 is returned. */
int tp_text_orig(const tp_text *t, size_t cp_start, size_t cp_end,
                 size_t *orig_start, size_t *orig_end);

/* The integer v as a JSON value for a record.  For 0 <= v < TP_SHARED_INTS
 * the value is made once for the life of the process and shared by every
 * record of every thread: its reference count is jansson's "no counting"
 * mark, (size_t)-1, as json_true()'s is, so json_incref and json_decref
 * write nothing to it (no cache line passes between cores) and nothing
 * frees it; it is never changed (a stage that wants another value sets
 * another value).  Any other v gives a new integer.  Either way use the
 * result as json_integer()'s (json_object_set_new takes it).  NULL when out
 * of memory. */
#define TP_SHARED_INTS 8192
json_t *tp_shared_int(json_int_t v);

/* A new span object {"start", "end", "text"[, "orig_start", "orig_end"]} for
 * the bytes [byte_start, byte_end) of the loaded text.  NULL when out of
 * memory.  Add the stage's own keys to it with json_object_set_new().  Its
 * offsets are tp_shared_int()'s: to change one, set another value. */
json_t *tp_span_new(tp_text *t, size_t byte_start, size_t byte_end);

/* The same span without "text": {"start", "end"[, "orig_start",
 * "orig_end"]}, keys in that order (as tp_span_new's after deleting
 * "text"), without copying the text only to drop it. */
json_t *tp_span_new_bare(tp_text *t, size_t byte_start, size_t byte_end);

/* The array under key, created empty when the record has none (or has
 * something other than an array there).  NULL when out of memory. */
json_t *tp_record_array(json_t *record, const char *key);

/* Append {"stage", "message"} to the record's "warnings" array. */
int tp_record_warn(json_t *record, const char *stage, const char *message);

/* Set the record's "error" object to {"stage", "message"}. */
int tp_record_error(json_t *record, const char *stage, const char *message);

#ifdef __cplusplus
}
#endif

#endif /* TEXTPIPE_RECORD_H */
