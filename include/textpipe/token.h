/*
 * textpipe tokens and sentences: one English tokeniser shared by every
 * stage, so that all stages agree on token and sentence boundaries.
 *
 * Offsets here are byte offsets into the UTF-8 text (convert them to code
 * points with tp_text_cp() from record.h when writing spans).  Texts longer
 * than 4 GiB are not supported.
 */
#ifndef TEXTPIPE_TOKEN_H
#define TEXTPIPE_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Token flags. */
#define TP_TOK_WORD        0x0001u /* letters, possibly with digits, hyphens, apostrophes, dots (U.S.) */
#define TP_TOK_NUMBER      0x0002u /* begins with a digit: 42, 2,700, 55.41, 1.5m, 14.2% ... */
#define TP_TOK_PUNCT       0x0004u /* punctuation and symbols */
#define TP_TOK_URL         0x0008u /* URL or e-mail address */
#define TP_TOK_SPACE_AFTER 0x0010u /* white space follows the token */
#define TP_TOK_LINE_AFTER  0x0020u /* a line break follows the token */
#define TP_TOK_PARA_AFTER  0x0040u /* a blank line (paragraph break) follows the token */
#define TP_TOK_UPPER_INIT  0x0080u /* first character is an upper-case letter */
#define TP_TOK_ALL_UPPER   0x0100u /* every letter is upper case (and there is one) */
#define TP_TOK_CLITIC      0x0200u /* 's, n't, 're ... split from the word before */
#define TP_TOK_QUOTE       0x0400u /* a quotation mark (straight or curly) */
#define TP_TOK_ABBREV      0x0800u /* ends with the dot of an abbreviation: U.S. Dr. J. etc. */
#define TP_TOK_TAG         0x1000u /* #hashtag or @handle (also has TP_TOK_WORD) */
#define TP_TOK_LOWER_INIT  0x2000u /* first character is a lower-case letter */
#define TP_TOK_OPEN        0x4000u /* opening quote or bracket ( [ { “ ‘ « and straight quotes guessed as opening */
#define TP_TOK_CLOSE       0x8000u /* closing quote or bracket ) ] } ” ’ » and straight quotes guessed as closing */

typedef struct tp_token {
    uint32_t start; /* byte offset, inclusive */
    uint32_t end;   /* byte offset, exclusive */
    uint32_t flags; /* TP_TOK_* */
} tp_token;

typedef struct tp_tokens {
    tp_token *v;
    size_t n, cap;
} tp_tokens;

typedef struct tp_sentence {
    uint32_t start, end;         /* byte offsets of the sentence text */
    uint32_t tok_start, tok_end; /* index range into the tokens, end exclusive */
} tp_sentence;

typedef struct tp_sentences {
    tp_sentence *v;
    size_t n, cap;
} tp_sentences;

/* Replace out's contents with the tokens of text[0, len).  Reuses out's
 * memory.  Returns 0, or -1 when out of memory. */
int tp_tokenize(tp_tokens *out, const char *text, size_t len);

/* Replace out's contents with the sentences of text, given its tokens from
 * tp_tokenize().  Every token belongs to exactly one sentence.  Returns 0,
 * or -1 when out of memory. */
int tp_split_sentences(tp_sentences *out, const tp_tokens *tokens,
                       const char *text, size_t len);

void tp_tokens_free(tp_tokens *t);
void tp_sentences_free(tp_sentences *s);

#ifdef __cplusplus
}
#endif

#endif /* TEXTPIPE_TOKEN_H */
