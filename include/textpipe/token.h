/*
 * textpipe tokens and sentences: one English tokeniser shared by every
 * stage, so that all stages agree on token and sentence boundaries.
 *
 * Offsets here are byte offsets into the UTF-8 text (convert them to code
 * points with tp_text_cp() from record.h when writing spans).  Texts longer
 * than 4 GiB are not supported (tp_tokenize returns -1).
 *
 * TOKENS.  White space separates tokens and is never part of one; every
 * other character belongs to exactly one token.  ASCII is classified by a
 * table; other code points by Unicode category: letters (L*), combining
 * marks and format characters (M*, Cf) and digits (Nd, No: "x²", "½") make
 * words; spaces (Zs, controls, U+200B, U+FEFF) and line breaks (\n, \r,
 * U+0085, U+2028; U+2029 counts as a paragraph break) separate tokens;
 * anything else is punctuation.  Malformed UTF-8 bytes are punctuation
 * tokens of one byte.
 *
 * A word or number is a run of letters, digits and marks, joined across:
 *   .   when a letter or digit follows: U.S  e.g  55.41  www.bbc.co.uk;
 *       ".-" after a dotted word: U.S.-based
 *   -   (and U+2010, U+2011) when a letter or digit follows: e-mail,
 *       APT-C-39, COVID-19, cyber-attack, 2010-11, 3-1, 9-year-old.  A
 *       hyphen before a space ("pre- and post-war") is a token of its own.
 *   _   when a letter or digit follows
 *   /   when a letter or digit follows and either side (the part since the
 *       last joiner, or the word after) has at most 3 characters or no
 *       lower-case letter: CNCERT/CC TCP/IP and/or 24/7 km/h 12/05/2020;
 *       but Israel / Palestine are three tokens
 *   ,   between a digit and exactly three digits: 2,700 1,000,000 (but
 *       "1,2" and "12,34" are split)
 *   :   between digits: 10:30
 *   &   between upper-case letters: AT&T R&D
 *   '   (and ’) inside a word when it is not a clitic: O'Brien rock'n'roll
 * and then extended by:
 *   %   right after a number's final digit: 14.2%
 *   .   a final dot, when the word is an abbreviation (TP_TOK_ABBREV): a
 *       single upper-case letter (J. K.), dotted letters in parts of one or
 *       two, one of them a single letter (U.S. U.K. e.g. i.e. a.m. Ph.D.),
 *       or a word of the list in core/tokenize.c (titles Mr Mrs Ms Dr Prof
 *       Gen Sen Rep Gov Lt Col Capt St ...; vs v cf al approx ca No fig p pp;
 *       etc; Inc Corp Ltd Co Bros Jr Sr; month and weekday abbreviations Jan
 *       .. Dec, Sept, Mon .. Sun), matched case-sensitively.  A dot followed
 *       by another dot is not taken ("etc..." is "etc" "...").
 * A number (TP_TOK_NUMBER) starts with a digit, or with a currency sign
 * ($ £ € ¥ ₹) immediately followed by a digit, which stays in the token.
 * So number tokens look like: 42  2,700  55.41  1.5m  3bn  21st  1990s
 * 14.2%  $5bn  £1,200.50  €3m  10:30  24/7  12/05/2020  3-1  9-year-old.
 * A sign before a number ("-5", "+5") and a letter prefix ("US$5" is "US"
 * "$5") are separate tokens; a number never ends with a dot.  A token that
 * starts with a letter is a word even when it holds digits (G7, COVID-19).
 *
 * Also single tokens: URLs starting with http:// https:// ftp:// or www.
 * (up to white space, a quote or <>; final . , ; : ! ? ' ] } and an
 * unbalanced ) are left out); e-mail addresses (word@label.label, at least
 * one dot in the domain); words of dotted labels ending in a common
 * top-level domain (bbc.co.uk, example.com).  All three have TP_TOK_URL and
 * not TP_TOK_WORD.  #hashtags and @handles (# followed by a letter; @ by a
 * letter, digit or _) have TP_TOK_WORD | TP_TOK_TAG.
 *
 * Clitics are split from the word before (TP_TOK_WORD | TP_TOK_CLITIC),
 * with ' or ’, in any case, when no letter or digit follows them:
 * 's 'd 'm 're 've 'll (China's -> China 's; U.S.'s -> U.S. 's) and n't
 * as in the Penn Treebank (don't -> do n't, can't -> ca n't, won't -> wo
 * n't).  An apostrophe glued to a word ending in s and followed by no
 * letter is a possessive (workers' -> workers '), flagged TP_TOK_PUNCT |
 * TP_TOK_CLITIC and not TP_TOK_QUOTE.
 *
 * Punctuation tokens (TP_TOK_PUNCT) are one character each, except runs of
 * dots (".." "..." one token; "…" is one character), runs of ? and ! ("?!"
 * "!!!"), runs of hyphens ("--"), and `` and ''.  Quotes " ' ` “ ” ‘ ’ „ ‚
 * « » ‹ › have TP_TOK_QUOTE.  TP_TOK_OPEN / TP_TOK_CLOSE: brackets and
 * curly quotes by their shape (“ ‘ „ « open, ” ’ » close, Unicode Ps/Pe);
 * straight quotes by spacing: opening after white space (or an opening
 * token) when no space follows, closing when glued to what precedes.
 *
 * Case flags (words and numbers): TP_TOK_UPPER_INIT / TP_TOK_LOWER_INIT
 * from the first character ("$5bn" and "'s" have neither);
 * TP_TOK_ALL_UPPER when there is an upper-case letter and no lower-case
 * one (U.S. APT-C-39 NASA).  Letters without case (CJK) count as neither.
 *
 * Spacing flags describe the white space after a token: TP_TOK_SPACE_AFTER
 * for any, TP_TOK_LINE_AFTER when it holds a line break (\r\n is one),
 * TP_TOK_PARA_AFTER when it holds two or more (a blank line) or U+2029;
 * PARA implies LINE implies SPACE.
 *
 * SENTENCES.  Sentences partition the tokens; each spans from its first
 * token's start to its last token's end.  A sentence ends:
 *  - after any token followed by a paragraph break, and at the end;
 *  - after a terminator, with the closing quotes and brackets glued to it
 *    ("We will win." He left -> ends after the quote), when white space
 *    follows and the next token does not start with a lower-case letter
 *    ("Is it?" she asked -> one sentence) and is not punctuation other than
 *    an opening quote or bracket (unless a line break comes between).  The
 *    terminators: "." and "?" "!" runs always; "..." and "…" only before a
 *    capitalised word or an opening quote or bracket; 。！？ always, spaced
 *    or not;
 *  - after an abbreviation token, by its kind: titles (Mr. Dr. Gen. St.)
 *    and vs. e.g. i.e. cf. No. p. never; etc. before a capitalised word or
 *    an opening quote or bracket; the others (U.S. Inc. Ltd. Jul. a.m. and
 *    initials like J.) only before an opening quote or bracket or a word
 *    that usually opens a sentence (The He She It They We I This But In
 *    However ...: list in core/tokenize.c), so "U.S. Treasury",
 *    "Acme Inc. Chief Executive" and "J. K. Rowling" stay whole while
 *    "moved to the U.S. The move" splits.  Decimals and numbers never end
 *    sentences since their dots are inside tokens;
 *  - at a single line break after a line with no final punctuation, when
 *    the line reads like a headline or list item: its last token is a word,
 *    number or closing bracket/quote (not "," "-" or a lower-case function
 *    word such as "the", "of", "and", "said"), and the next line starts
 *    with a bullet (- * > • · – —), or starts with a capital, a digit or an
 *    opening quote and this line is shorter than 60% of the next one.  So
 *    hard-wrapped paragraphs (lines of similar length) are not cut, while
 *    "Ad sales boost profit\nThe company reported ..." is.  Two short lines
 *    in a row without punctuation (a title then a byline) stay together.
 * Known weak spots: an abbreviation of the list that really ends a sentence
 * before a capitalised word that is not a usual opener ("... Acme Inc.
 * Shares rose") is not split; "word.Word" without a space is one token.
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
 * memory (start from a zeroed tp_tokens).  The text need not be
 * NUL-terminated.  Returns 0, or -1 when out of memory or len >= 4 GiB.
 *
 * Each thread keeps a copy of the last text it tokenised (up to 4 MiB),
 * its tokens and, once split, its sentences: a later call on the same
 * bytes (the next stage's, on the same record) copies them instead of
 * working them out again.  So a stage need not share tokens with another
 * to avoid the cost. */
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
