/* numbers: every quantity a document claims, with its value, unit and hedge.
 *
 * A block scan (AVX2 where the CPU has it, else SSE2; one pcre2 pattern
 * with the option candidates: pcre2) finds candidates: a digit, a vulgar
 * fraction sign or a number word.  At each candidate hand-written code reads the number
 * (digits with separators, decimals and suffixes, or spelled-out words by a
 * small grammar), then looks around it for a currency, a percent sign, a
 * second number making a range, a date, a unit and a hedge.  A few anchored
 * pcre2 patterns recognise dates and things that are not quantities (URLs,
 * phone numbers, version strings).  Values are kept exact as an integer
 * mantissa and a power of ten. */
#include <config.h>

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
/* the block scan has an AVX2 variant, chosen when the plugin is created */
#if defined(__SSE2__) && defined(__x86_64__) && defined(__GNUC__)
#define NUMBERS_WIDE_SCAN 1
#include <immintrin.h>
#else
#define NUMBERS_WIDE_SCAN 0
#endif

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "textpipe/plugin.h"
#include "textpipe/record.h"

/* numbers_names[], numbers_names_len: data/names.txt, made by bin2c. */
#include "plugins/numbers/numbers_names_data.h"

#define NUMBERS_MAX_FINDINGS_DEFAULT 100000

/* ------------------------------------------------------------------ */
/* The lexicon of number words. */

enum {
    W_UNIT = 1,   /* zero .. nineteen */
    W_TENS,       /* twenty .. ninety */
    W_HUNDRED,
    W_SCALE,      /* thousand, million, ... */
    W_DOZEN,      /* dozen, dozens */
    W_ORD,        /* first .. nineteenth */
    W_ORDTENS,    /* twentieth .. ninetieth */
    W_ORDSCALE,   /* hundredth, thousandth, ... */
    W_FRAC,       /* plural denominators: halves, thirds, quarters, fifths ... */
    W_HALF,       /* half */
    W_QUARTER,    /* quarter */
    W_VAGUE,      /* tens, hundreds, thousands, millions, billions */
    W_COUPLE,     /* couple, pair */
    W_PERIOD      /* decade, century */
};

typedef struct {
    const char *word;
    unsigned char kind;
    int64_t v;
} numbers_lex;

static const numbers_lex lexicon[] = {
    {"zero", W_UNIT, 0}, {"nought", W_UNIT, 0}, {"naught", W_UNIT, 0},
    {"one", W_UNIT, 1}, {"two", W_UNIT, 2}, {"three", W_UNIT, 3},
    {"four", W_UNIT, 4}, {"five", W_UNIT, 5}, {"six", W_UNIT, 6},
    {"seven", W_UNIT, 7}, {"eight", W_UNIT, 8}, {"nine", W_UNIT, 9},
    {"ten", W_UNIT, 10}, {"eleven", W_UNIT, 11}, {"twelve", W_UNIT, 12},
    {"thirteen", W_UNIT, 13}, {"fourteen", W_UNIT, 14}, {"fifteen", W_UNIT, 15},
    {"sixteen", W_UNIT, 16}, {"seventeen", W_UNIT, 17}, {"eighteen", W_UNIT, 18},
    {"nineteen", W_UNIT, 19},
    {"twenty", W_TENS, 20}, {"thirty", W_TENS, 30}, {"forty", W_TENS, 40},
    {"fifty", W_TENS, 50}, {"sixty", W_TENS, 60}, {"seventy", W_TENS, 70},
    {"eighty", W_TENS, 80}, {"ninety", W_TENS, 90},
    {"hundred", W_HUNDRED, 100},
    {"thousand", W_SCALE, 1000}, {"million", W_SCALE, 1000000},
    {"billion", W_SCALE, 1000000000}, {"trillion", W_SCALE, 1000000000000LL},
    {"dozen", W_DOZEN, 12}, {"dozens", W_DOZEN, 12},
    {"first", W_ORD, 1}, {"second", W_ORD, 2}, {"third", W_ORD, 3},
    {"fourth", W_ORD, 4}, {"fifth", W_ORD, 5}, {"sixth", W_ORD, 6},
    {"seventh", W_ORD, 7}, {"eighth", W_ORD, 8}, {"ninth", W_ORD, 9}, {"nineth", W_ORD, 9},
    {"tenth", W_ORD, 10}, {"eleventh", W_ORD, 11}, {"twelfth", W_ORD, 12},
    {"thirteenth", W_ORD, 13}, {"fourteenth", W_ORD, 14}, {"fifteenth", W_ORD, 15},
    {"sixteenth", W_ORD, 16}, {"seventeenth", W_ORD, 17}, {"eighteenth", W_ORD, 18},
    {"nineteenth", W_ORD, 19},
    {"twentieth", W_ORDTENS, 20}, {"thirtieth", W_ORDTENS, 30}, {"fortieth", W_ORDTENS, 40},
    {"fiftieth", W_ORDTENS, 50}, {"sixtieth", W_ORDTENS, 60}, {"seventieth", W_ORDTENS, 70},
    {"eightieth", W_ORDTENS, 80}, {"ninetieth", W_ORDTENS, 90},
    {"hundredth", W_ORDSCALE, 100}, {"thousandth", W_ORDSCALE, 1000},
    {"millionth", W_ORDSCALE, 1000000}, {"billionth", W_ORDSCALE, 1000000000},
    {"trillionth", W_ORDSCALE, 1000000000000LL},
    {"halves", W_FRAC, 2}, {"thirds", W_FRAC, 3}, {"quarters", W_FRAC, 4},
    {"fourths", W_FRAC, 4}, {"fifths", W_FRAC, 5}, {"sixths", W_FRAC, 6},
    {"sevenths", W_FRAC, 7}, {"eighths", W_FRAC, 8}, {"ninths", W_FRAC, 9},
    {"tenths", W_FRAC, 10}, {"hundredths", W_FRAC, 100}, {"thousandths", W_FRAC, 1000},
    {"millionths", W_FRAC, 1000000}, {"billionths", W_FRAC, 1000000000},
    {"trillionths", W_FRAC, 1000000000000LL},
    {"half", W_HALF, 2}, {"quarter", W_QUARTER, 4},
    {"tens", W_VAGUE, 10}, {"hundreds", W_VAGUE, 100}, {"thousands", W_VAGUE, 1000},
    {"millions", W_VAGUE, 1000000}, {"billions", W_VAGUE, 1000000000},
    {"couple", W_COUPLE, 2}, {"pair", W_COUPLE, 2},
    {"decade", W_PERIOD, 10}, {"century", W_PERIOD, 100},
};
#define LEX_N (sizeof lexicon / sizeof lexicon[0])
#define SCAN_INITIALS "bcdefhmnopqstz" /* the first letters of the lexicon's words (checked in create) */

/* ------------------------------------------------------------------ */
/* Small tables. */

typedef struct {
    const char *phrase; /* lower case, single spaces */
    const char *norm;
    size_t len;
} numbers_hedge;
#define H(p, n) {p, n, sizeof(p) - 1}

/* Longest first where one phrase ends another. */
static const numbers_hedge hedges[] = {
    H("greater than or equal to", "at least"), H("more than or equal to", "at least"),
    H("higher or equal than", "at least"), H("bigger or equal than", "at least"),
    H("larger or equal than", "at least"), H("greater or equal than", "at least"),
    H("less than or equal to", "up to"), H("smaller than or equal to", "up to"),
    H("smaller or equal than", "up to"), H("lower or equal than", "up to"), H("less or equal than", "up to"),
    H("equal to or more than", "at least"), H("equal to or greater than", "at least"),
    H("at least or equal to", "at least"), H("equal to or less than", "up to"), H("equal to or fewer than", "up to"),
    H("exceeding", "more than"), H("exceeded", "more than"), H("exceeds", "more than"), H("exceed", "more than"),
    H("surpassing", "more than"), H("surpassed", "more than"), H("surpasses", "more than"), H("surpass", "more than"),
    H("larger than", "more than"), H("bigger than", "more than"), H("higher than", "more than"),
    H("smaller than", "fewer than"), H("lower than", "fewer than"),
    H(">=", "at least"), H("> =", "at least"), H("\xe2\x89\xa5", "at least"),
    H("<=", "up to"), H("< =", "up to"), H("\xe2\x89\xa4", "up to"),
    H(">", "more than"), H("<", "fewer than"),
    H("no more than", "up to"), H("not more than", "up to"),
    H("no fewer than", "at least"), H("no less than", "at least"),
    H("not less than", "at least"),
    H("more than", "more than"), H("greater than", "more than"),
    H("in excess of", "more than"), H("upwards of", "more than"),
    H("well over", "over"), H("just over", "over"), H("over", "over"), H("above", "over"),
    H("at least", "at least"), H("a minimum of", "at least"),
    H("exactly", "exactly"), H("equal to", "exactly"), H("equals to", "exactly"), H("equaling to", "exactly"),
    H("equals", "exactly"),
    H("approximately", "about"), H("roughly", "about"), H("an estimated", "about"),
    H("estimated", "about"), H("approx.", "about"), H("circa", "about"),
    H("about", "about"), H("around", "around"), H("some", "some"),
    H("close to", "nearly"), H("nearly", "nearly"), H("almost", "almost"),
    H("just under", "nearly"), H("just shy of", "nearly"),
    H("as many as", "up to"), H("as much as", "up to"), H("up to", "up to"),
    H("at most", "up to"), H("a maximum of", "up to"),
    H("fewer than", "fewer than"), H("less than", "fewer than"),
    H("under", "fewer than"), H("below", "fewer than"),
};
#define HEDGE_N (sizeof hedges / sizeof hedges[0])

typedef struct {
    const char *word;  /* lower case */
    const char *iso;
    int pow10;         /* cents: -2 */
} numbers_cur;

static const numbers_cur currency_words[] = {
    {"us dollars", "USD", 0}, {"u.s. dollars", "USD", 0}, {"american dollars", "USD", 0},
    {"australian dollars", "AUD", 0}, {"canadian dollars", "CAD", 0},
    {"hong kong dollars", "HKD", 0}, {"new zealand dollars", "NZD", 0},
    {"singapore dollars", "SGD", 0}, {"swiss francs", "CHF", 0},
    {"pounds sterling", "GBP", 0}, {"british pounds", "GBP", 0},
    {"dollars", "USD", 0}, {"dollar", "USD", 0}, {"bucks", "USD", 0},
    {"euros", "EUR", 0}, {"euro", "EUR", 0},
    {"pounds", "GBP", 0}, {"pound", "GBP", 0}, {"quid", "GBP", 0}, {"sterling", "GBP", 0},
    {"yuan", "CNY", 0}, {"renminbi", "CNY", 0}, {"rmb", "CNY", 0},
    {"yen", "JPY", 0}, {"rupees", "INR", 0}, {"rupee", "INR", 0},
    {"roubles", "RUB", 0}, {"rubles", "RUB", 0}, {"rouble", "RUB", 0}, {"ruble", "RUB", 0},
    {"francs", "CHF", 0}, {"pesos", "MXN", 0}, {"riyals", "SAR", 0},
    {"dirhams", "AED", 0}, {"lira", "TRY", 0}, {"rand", "ZAR", 0}, {"naira", "NGN", 0},
    {"shekels", "ILS", 0}, {"kronor", "SEK", 0}, {"krone", "NOK", 0},
    {"finnish markka", "FIM", 0}, {"markka", "FIM", 0}, {"pesetas", "ESP", 0}, {"peseta", "ESP", 0},
    {"dutch guilders", "NLG", 0}, {"guilders", "NLG", 0}, {"turkish lira", "TRY", 0},
    {"chinese yuan", "CNY", 0}, {"us dollar", "USD", 0}, {"bitcoins", "XBT", 0}, {"bitcoin", "XBT", 0},
    {"btc", "XBT", 0}, {"ringgit", "MYR", 0}, {"ringgits", "MYR", 0}, {"baht", "THB", 0},
    {"malaysian ringgits", "MYR", 0}, {"malaysian ringgit", "MYR", 0}, {"malaysia ringgits", "MYR", 0},
    {"malaysia ringgit", "MYR", 0}, {"kuwaiti dinars", "KWD", 0}, {"kuwaiti dinar", "KWD", 0},
    {"qatari riyals", "QAR", 0}, {"qatari riyal", "QAR", 0}, {"saudi riyals", "SAR", 0}, {"saudi riyal", "SAR", 0},
    {"lebanese pounds", "LBP", 0}, {"lebanese pound", "LBP", 0}, {"egyptian pounds", "EGP", 0},
    {"egyptian pound", "EGP", 0}, {"tugriks", "MNT", 0}, {"tugrik", "MNT", 0}, {"hryvnias", "UAH", 0},
    {"hryvnia", "UAH", 0}, {"rs", "INR", 0},
    {"rials", "IRR", 0}, {"zloty", "PLN", 0}, {"forint", "HUF", 0},
    {"cents", "USD", -2}, {"cent", "USD", -2}, {"pence", "GBP", -2}, {"penny", "GBP", -2},
    {"usd", "USD", 0}, {"eur", "EUR", 0}, {"gbp", "GBP", 0}, {"cny", "CNY", 0},
    {"jpy", "JPY", 0}, {"inr", "INR", 0}, {"chf", "CHF", 0}, {"aud", "AUD", 0},
    {"cad", "CAD", 0}, {"hkd", "HKD", 0}, {"rub", "RUB", 0},
};
#define CUR_N (sizeof currency_words / sizeof currency_words[0])

typedef struct {
    const char *word;
    const char *unit;  /* as reported */
    unsigned char kind; /* 'q' quantity, 'd' duration */
    unsigned char exact_case;
} numbers_unit;

static const numbers_unit units[] = {
    {"miles an hour", "mph", 'q', 0}, {"miles per hour", "mph", 'q', 0},
    {"kilometres per hour", "km/h", 'q', 0}, {"kilometers per hour", "km/h", 'q', 0},
    {"metric tons", "metric tons", 'q', 0}, {"metric tonnes", "tonnes", 'q', 0},
    {"cubic feet", "cubic feet", 'q', 0}, {"cubic metres", "cubic metres", 'q', 0}, {"cubic meters", "cubic metres", 'q', 0},
    {"square kilometres", "square kilometres", 'q', 0}, {"square kilometers", "square kilometres", 'q', 0},
    {"square miles", "square miles", 'q', 0}, {"square metres", "square metres", 'q', 0},
    {"square meters", "square metres", 'q', 0}, {"square feet", "square feet", 'q', 0},
    {"sq km", "square kilometres", 'q', 0}, {"sq ft", "square feet", 'q', 0},
    {"km/h", "km/h", 'q', 0}, {"kilometres", "kilometres", 'q', 0}, {"kilometers", "kilometres", 'q', 0},
    {"kilometre", "kilometres", 'q', 0}, {"kilometer", "kilometres", 'q', 0}, {"km", "km", 'q', 0},
    {"metres", "metres", 'q', 0}, {"meters", "metres", 'q', 0}, {"metre", "metres", 'q', 0},
    {"meter", "metres", 'q', 0}, {"centimetres", "centimetres", 'q', 0}, {"centimeters", "centimetres", 'q', 0},
    {"cm", "cm", 'q', 1}, {"millimetres", "millimetres", 'q', 0}, {"millimeters", "millimetres", 'q', 0},
    {"mm", "mm", 'q', 1}, {"miles", "miles", 'q', 0}, {"mile", "miles", 'q', 0}, {"mph", "mph", 'q', 0},
    {"kph", "km/h", 'q', 0}, {"knots", "knots", 'q', 0},
    {"feet", "feet", 'q', 0}, {"foot", "feet", 'q', 0}, {"ft", "feet", 'q', 1}, {"inches", "inches", 'q', 0},
    {"inch", "inches", 'q', 0}, {"yards", "yards", 'q', 0},
    {"kilograms", "kilograms", 'q', 0}, {"kilogrammes", "kilograms", 'q', 0}, {"kilogram", "kilograms", 'q', 0},
    {"kilos", "kilograms", 'q', 0}, {"kg", "kg", 'q', 0}, {"grams", "grams", 'q', 0}, {"grammes", "grams", 'q', 0},
    {"mg", "mg", 'q', 1}, {"tonnes", "tonnes", 'q', 0}, {"tonne", "tonnes", 'q', 0}, {"tons", "tons", 'q', 0},
    {"ton", "tons", 'q', 0}, {"lbs", "pounds (weight)", 'q', 0}, {"lb", "pounds (weight)", 'q', 0},
    {"ounces", "ounces", 'q', 0}, {"oz", "ounces", 'q', 1},
    {"litres", "litres", 'q', 0}, {"liters", "litres", 'q', 0}, {"litre", "litres", 'q', 0},
    {"liter", "litres", 'q', 0}, {"ml", "ml", 'q', 1}, {"gallons", "gallons", 'q', 0}, {"gallon", "gallons", 'q', 0},
    {"barrels", "barrels", 'q', 0}, {"barrel", "barrels", 'q', 0}, {"bpd", "barrels per day", 'q', 0},
    {"acres", "acres", 'q', 0}, {"acre", "acres", 'q', 0}, {"hectares", "hectares", 'q', 0}, {"hectare", "hectares", 'q', 0},
    {"degrees celsius", "degrees Celsius", 'q', 0}, {"degrees fahrenheit", "degrees Fahrenheit", 'q', 0},
    {"degrees", "degrees", 'q', 0}, {"\xc2\xb0" "C", "degrees Celsius", 'q', 1}, {"\xc2\xb0" "F", "degrees Fahrenheit", 'q', 1},
    {"kWh", "kWh", 'q', 1}, {"MWh", "MWh", 'q', 1}, {"GWh", "GWh", 'q', 1}, {"TWh", "TWh", 'q', 1},
    {"kW", "kW", 'q', 1}, {"MW", "MW", 'q', 1}, {"GW", "GW", 'q', 1},
    {"megawatts", "megawatts", 'q', 0}, {"gigawatts", "gigawatts", 'q', 0},
    {"Mbps", "Mbps", 'q', 1}, {"Gbps", "Gbps", 'q', 1}, {"TB", "TB", 'q', 1}, {"GB", "GB", 'q', 1},
    {"MB", "MB", 'q', 1}, {"KB", "KB", 'q', 1}, {"megabytes", "megabytes", 'q', 0},
    {"gigabytes", "gigabytes", 'q', 0}, {"calories", "calories", 'q', 0},
    {"milligrams", "milligrams", 'q', 0}, {"g", "grams", 'q', 1},
    {"centuries", "centuries", 'd', 0}, {"century", "centuries", 'd', 0},
    {"decades", "decades", 'd', 0}, {"decade", "decades", 'd', 0},
    {"years", "years", 'd', 0}, {"year", "years", 'd', 0}, {"yrs", "years", 'd', 0},
    {"months", "months", 'd', 0}, {"month", "months", 'd', 0},
    {"fortnights", "fortnights", 'd', 0}, {"weeks", "weeks", 'd', 0}, {"week", "weeks", 'd', 0},
    {"days", "days", 'd', 0}, {"day", "days", 'd', 0}, {"hours", "hours", 'd', 0}, {"hour", "hours", 'd', 0},
    {"hrs", "hours", 'd', 0}, {"minutes", "minutes", 'd', 0}, {"minute", "minutes", 'd', 0},
    {"mins", "minutes", 'd', 0}, {"seconds", "seconds", 'd', 0},
};
#define UNIT_N (sizeof units / sizeof units[0])

static const char *const cur_codes[] = {"usd", "eur", "gbp", "rmb", "cny", "jpy", "inr", "rs", "myr", "chf", "cad", "aud",
                                        "hkd", "nzd", "sgd", "rub", "mnt", "kwd", "sar", "qar", "aed", "egp", "ils"};
/* ISO 4217 codes read after a number when written in capitals: 42 KWD */
static const char *const iso_codes[] = {
    "AED", "ARS", "AUD", "BGN", "BRL", "CAD", "CHF", "CLP", "CNY", "COP", "CZK", "DKK", "EGP", "EUR", "GBP",
    "HKD", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "JOD", "JPY", "KES", "KRW", "KWD", "LBP", "MAD", "MNT",
    "MXN", "MYR", "NGN", "NOK", "NZD", "PHP", "PKR", "PLN", "QAR", "RON", "RUB", "SAR", "SEK", "SGD", "SYP",
    "THB", "TRY", "TWD", "UAH", "USD", "VND", "ZAR",
};
#define ISO_CODES_N (sizeof iso_codes / sizeof iso_codes[0])
#define CUR_CODES_N (sizeof cur_codes / sizeof cur_codes[0])

/* Words that end the words naming what is counted. */
static const char *const stopwords[] = {
    "a", "about", "across", "after", "against", "ago", "all", "along", "also", "although",
    "among", "an", "and", "another", "any", "are", "around", "as", "at", "be", "because",
    "been", "before", "being", "between", "both", "but", "by", "can", "could", "did", "do",
    "does", "down", "during", "each", "earlier", "either", "even", "every", "for", "from",
    "had", "has", "have", "he", "her", "here", "his", "how", "i", "if", "in", "including",
    "into", "is", "it", "its", "just", "last", "later", "less", "may", "might", "more",
    "most", "much", "must", "my", "near", "next", "no", "nor", "not", "now", "of", "off",
    "on", "only", "onto", "or", "other", "our", "out", "over", "per", "said", "same",
    "say", "says", "shall", "she", "should", "since", "so", "some", "still", "such",
    "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
    "those", "though", "through", "till", "to", "too", "toward", "towards", "under",
    "until", "up", "upon", "very", "via", "was", "we", "were", "what", "when", "where",
    "whether", "which", "while", "who", "whom", "whose", "why", "will", "with", "within",
    "without", "would", "yet", "you", "your",
    /* common verbs that follow a count */
    "became", "began", "came", "come", "died", "fell", "fled", "gave", "get", "go", "got", "grew", "had",
    "held", "kept", "left", "live", "lost", "made", "make", "met", "need", "paid", "ran", "rose", "saw",
    "see", "spent", "take", "took", "told", "want", "went", "won", "work",
};
#define STOP_N (sizeof stopwords / sizeof stopwords[0])
_Static_assert(STOP_N <= 256 && HEDGE_N <= 256 && CUR_N <= 256 && UNIT_N <= 256, "word tables are indexed by 256-bit sets");

/* Words before a 4-digit number that make it a year. */
static const char *const year_cues[] = {
    "in", "since", "by", "until", "till", "from", "of", "during", "before", "after",
    "year", "the", "mid", "early", "late", "between", "and", "to", "circa", "spring",
    "summer", "autumn", "winter", "fall", "january", "february", "march", "april", "may",
    "june", "july", "august", "september", "october", "november", "december", "through",
    "season", "election", "fiscal", "financial",
};
#define YEAR_CUES_N (sizeof year_cues / sizeof year_cues[0])

static const char *const month_names[12] = {
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
};

/* ------------------------------------------------------------------ */
/* Instance and worker. */

#define LEX_HASH_N 512

/* The letters of a word (at most 16), lower-cased and packed in two words. */
static inline void lex_pack(const char *s, size_t len, uint64_t *a, uint64_t *b)
{
    uint64_t x = 0, y = 0;
    for (size_t i = 0; i < len && i < 8; i++)
        x |= (uint64_t)((unsigned char)s[i] | 32) << (8 * i);
    for (size_t i = 8; i < len && i < 16; i++)
        y |= (uint64_t)((unsigned char)s[i] | 32) << (8 * (i - 8));
    *a = x;
    *b = y;
}

/* The same as lex_pack for 3 to 11 letters, by a few loads that read only
 * s[0..len) (overlapping where len is not a power of two), and no loop. */
static inline uint64_t lex_load32(const char *s)
{
    uint32_t v;
    memcpy(&v, s, 4);
    return v;
}

static inline void lex_pack_fast(const char *s, size_t len, uint64_t *a, uint64_t *b)
{
    uint64_t x, y = 0;
    if (len >= 8) {
        memcpy(&x, s, 8);
        if (len > 8) {
            /* the last four bytes hold s[8..len) at the top */
            y = lex_load32(s + len - 4) >> (8 * (12 - len));
            y |= 0x20202020ULL >> (8 * (12 - len));
        }
    } else if (len >= 4) {
        x = lex_load32(s) | lex_load32(s + len - 4) << (8 * (len - 4));
    } else {
        x = (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[1] << 8 | (uint64_t)(unsigned char)s[2] << 16;
    }
    x |= len >= 8 ? 0x2020202020202020ULL : 0x2020202020202020ULL >> (8 * (8 - len));
    *a = x;
    *b = y;
}

/* For the tests: does lex_pack_fast agree with lex_pack on s[0..len)
 * (3 <= len <= 11)? */
int numbers_pack_agrees(const char *s, size_t len);
int numbers_pack_agrees(const char *s, size_t len)
{
    uint64_t a, b, fa, fb;
    lex_pack(s, len, &a, &b);
    lex_pack_fast(s, len, &fa, &fb);
    return a == fa && b == fb;
}

static inline size_t lex_slot(uint64_t a, uint64_t b)
{
    return (size_t)(((a * 0x9E3779B97F4A7C15ULL) ^ (b * 0xC2B2AE3D27D4EB4FULL)) >> 55) & (LEX_HASH_N - 1);
}

/* A set of up to 256 table entries: which entries of a word table start
 * (or end) with a given byte, built once in create. */
typedef struct {
    uint64_t m[4];
} numbers_bits;

static void bits_set(numbers_bits *b, size_t i)
{
    b->m[i >> 6] |= (uint64_t)1 << (i & 63);
}

/* The first entry >= i in b, or SIZE_MAX. */
static inline size_t bits_next(const numbers_bits *b, size_t i)
{
    while (i < 256) {
        uint64_t w = b->m[i >> 6] >> (i & 63);
        if (w)
            return i + (size_t)__builtin_ctzll(w);
        i = (i | 63) + 1;
    }
    return SIZE_MAX;
}

#define BITS_FOR(b, i) for (size_t i = bits_next((b), 0); i != SIZE_MAX; i = bits_next((b), i + 1))

typedef struct {
    char *text;       /* a name, or a prefix word */
    size_t len;
    size_t numpos;    /* offset of the number part inside a name */
    int prefix;
} numbers_name;

typedef struct {
    pcre2_code *cand;    /* candidates */
    pcre2_code *excl;    /* URLs, e-mail, phone numbers, versions (anchored) */
    pcre2_code *date_md; /* Month day[, year] | Month year (anchored) */
    pcre2_code *date_dm; /* day Month[ year] (anchored) */
    pcre2_code *date_iso;/* yyyy-mm-dd (anchored) */
    /* number words by a hash of their lower-case letters (open addressing) */
    struct {
        uint64_t a, b;
        const numbers_lex *L;
    } lex_hash[LEX_HASH_N];
    /* stop words by a hash of their letters (open addressing; len 0: free) */
    struct {
        uint64_t a, b;
        size_t len;
    } stop_hash[LEX_HASH_N];
    uint16_t first2[26][26]; /* lengths (bit per length) of number words by their first two letters */
    uint16_t f2[32][32];     /* the same by the low five bits of the two bytes (a letter of either case: 1..26) */
    int no_len_filters;      /* tests: the tables walked without the length filters */
    int fresh_values;        /* tests: every value of the findings made anew, none shared */
    int scan_all_letters;    /* a word's first letter is not in SCAN_INITIALS: the block scan looks at every word */
    int wide_scan;           /* the block scan uses AVX2 and the pair classes below (the CPU has AVX2) */
    /* classes (a bit each) of the number words' first two letters, by the
     * letter's low five bits: a pair of letters may start a number word
     * when pair_first[first] & pair_second[second] is not 0; the same for
     * the second and third letters */
    unsigned char pair_first[32], pair_second[32], pair2_second[32], pair2_third[32];
    numbers_name *names;
    size_t n_names;
    uint32_t match_limit;
    int pcre2_scan;
    size_t name_head[256];  /* names by the first byte of their number part: first index */
    size_t prefix_head;     /* prefix words: first index */
    size_t *name_link;      /* next index in the same chain, SIZE_MAX at the end */
    uint64_t prefix_lens;   /* lengths of prefix words, a bit each */
    uint64_t name_pair[1024];  /* names starting with their number: its first two bytes (a bit each) */
    uint64_t name_single[4];   /* the same for number parts of one byte */
    uint64_t name_ctx3[1024];  /* names with text before the number: the byte before and the first two (hashed) */
    uint64_t name_ctx2[1024];  /* the same for number parts of one byte: the byte before and the number */
    uint64_t prefix_sig[64];   /* prefix words by length, first and last byte (hashed) */
    numbers_bits cur_by[256];   /* currency_words by lower-case first byte */
    numbers_bits unit_by[256];  /* units by lower-case first byte */
    unsigned char unit_len[UNIT_N];
    numbers_bits hedge_by[256]; /* hedges by lower-case last byte */
    uint16_t cur_lens[256];     /* lengths of the first run of letters (a bit each, 15 and more in bit 15) of currency_words by lower-case first byte */
    uint16_t unit_lens[256];    /* the same for units */
    unsigned char cur_run[CUR_N], unit_run[UNIT_N]; /* each word's first run of letters: its length, 15 for 15 and more */
    unsigned char hedge_wl[HEDGE_N]; /* the length of each hedge's last word, 15 for 15 and more */
    uint16_t hedge_lens[256];   /* lengths (a bit each, 15 and more in bit 15) of the last words of hedges by last byte */
    numbers_bits stop_by[256];  /* stopwords by first byte */
    size_t max_findings;
} numbers_inst;

#define NUMBERS_SHARED_N 512
/* Findings read before they are written out as JSON, all together: the
 * code that reads numbers and the code that builds JSON (jansson's, the
 * allocator's) each run in a loop of their own instead of by turns, so
 * each stays in the instruction cache (see numbers_process). */
#define NUMBERS_BATCH 32

typedef struct {
    tp_text *t;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *stack;
    size_t cur_b, cur_cp; /* code point cursor of span_new: a byte offset and its code point */
    size_t ascii_end;     /* the text's bytes before it are known to be ASCII (see cp_of) */
    int ascii_final;      /* ascii_end is the first byte that is not */
    int fresh;            /* every value made anew (tests: I->fresh_values) */
    struct numbers_finding *batch; /* NUMBERS_BATCH findings read before their JSON is made */
} numbers_worker;

/* ------------------------------------------------------------------ */
/* Character helpers (ASCII only: the text is UTF-8). */

static inline int is_al(unsigned char c)
{
    return (unsigned)((c | 32) - 'a') < 26u;
}

static inline int is_dg(unsigned char c)
{
    return (unsigned)(c - '0') < 10u;
}

static inline int is_up(unsigned char c)
{
    return (unsigned)(c - 'A') < 26u;
}

static inline unsigned char lc(unsigned char c)
{
    return is_up(c) ? (unsigned char)(c | 32) : c;
}

/* Case-insensitive compare of s[0..len) with the lower-case word w. */
static int ci_eq(const char *s, const char *w, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (lc((unsigned char)s[i]) != (unsigned char)w[i])
            return 0;
    return 1;
}

/* s[p..) starts with lower-case word w, followed by a non-letter. */
static inline __attribute__((always_inline)) int ci_word(const char *s, size_t n, size_t p, const char *w)
{
    size_t i;
    /* letter by letter, with no strlen of w first */
    for (i = 0; w[i] != '\0'; i++)
        if (p + i >= n || lc((unsigned char)s[p + i]) != (unsigned char)w[i])
            return 0;
    return p + i == n || !is_al((unsigned char)s[p + i]);
}

/* Is there a space (one or a few) at p?  Returns the position after it. */
static size_t skip_sp_slow(const char *s, size_t n, size_t p)
{
    size_t q = p;
    while (q < n && q < p + 4) {
        if (s[q] == ' ' || s[q] == '\t')
            q++;
        else if ((unsigned char)s[q] == 0xc2 && q + 1 < n && (unsigned char)s[q + 1] == 0xa0)
            q += 2;
        else
            break;
    }
    return q;
}

/* The common cases at once: no space at p, or one space and then
 * something else than a space, a tab or a no-break space's first byte. */
static inline size_t skip_sp(const char *s, size_t n, size_t p)
{
    if (p + 1 < n) {
        unsigned char c = (unsigned char)s[p], d = (unsigned char)s[p + 1];
        if (c != ' ' && c != '\t' && c != 0xc2)
            return p;
        if (c == ' ' && d != ' ' && d != '\t' && d != 0xc2)
            return p + 1;
    }
    return skip_sp_slow(s, n, p);
}

/* For the tests: skip_sp against its loop alone. */
int numbers_skip_sp_agrees(const char *s, size_t n, size_t p);
int numbers_skip_sp_agrees(const char *s, size_t n, size_t p)
{
    return skip_sp(s, n, p) == skip_sp_slow(s, n, p);
}

/* Skip spaces backwards from p (exclusive). */
static size_t skip_sp_back_slow(const char *s, size_t p)
{
    size_t q = p;
    while (q > 0 && q + 4 > p) {
        if (s[q - 1] == ' ' || s[q - 1] == '\t')
            q--;
        else if (q >= 2 && (unsigned char)s[q - 1] == 0xa0 && (unsigned char)s[q - 2] == 0xc2)
            q -= 2;
        else
            break;
    }
    return q;
}

/* The common cases at once, as skip_sp: no space before p, or one space
 * after something else than a space, a tab or a no-break space's last
 * byte. */
static inline size_t skip_sp_back(const char *s, size_t p)
{
    if (p >= 2) {
        unsigned char c = (unsigned char)s[p - 1], d = (unsigned char)s[p - 2];
        if (c != ' ' && c != '\t' && c != 0xa0)
            return p;
        if (c == ' ' && d != ' ' && d != '\t' && d != 0xa0)
            return p - 1;
    }
    return skip_sp_back_slow(s, p);
}

/* For the tests: skip_sp_back against its loop alone. */
int numbers_skip_sp_back_agrees(const char *s, size_t p);
int numbers_skip_sp_back_agrees(const char *s, size_t p)
{
    return skip_sp_back(s, p) == skip_sp_back_slow(s, p);
}

static size_t word_end(const char *s, size_t n, size_t p)
{
    while (p < n && is_al((unsigned char)s[p]))
        p++;
    return p;
}

/* The length of the run of letters at p, 15 for 15 and more. */
static inline unsigned letter_run(const char *s, size_t n, size_t p)
{
    unsigned k = 0;
    while (k < 15 && p + k < n && is_al((unsigned char)s[p + k]))
        k++;
    return k;
}

/* The word (letters) that ends at e: its start. */
static size_t word_start(const char *s, size_t e)
{
    while (e > 0 && is_al((unsigned char)s[e - 1]))
        e--;
    return e;
}

/* The previous word before p, past spaces: [*ws, *we).  0 when none. */
static int prev_word(const char *s, size_t p, size_t *ws, size_t *we)
{
    size_t e;
    if (p >= 2 && s[p - 1] == ' ' && is_al((unsigned char)s[p - 2])) {
        /* one space after a letter, the common case: what the general
         * path finds too (the letter stops skip_sp_back) */
        *we = p - 1;
        *ws = word_start(s, p - 1);
        return 1;
    }
    e = skip_sp_back(s, p);
    if (e == p || e == 0 || !is_al((unsigned char)s[e - 1]))
        return 0;
    *we = e;
    *ws = word_start(s, e);
    return 1;
}

/* The previous word of one position, kept: a candidate asks for the word
 * before it several times (known names, dates, "a", "minus", "between",
 * "percent of", year cues).  p is SIZE_MAX before the first question. */
typedef struct {
    size_t p, ws, we;
    int ok;
} numbers_prev;

/* prev_word(s, p), from m when p is the position m holds; *ws and *we are
 * 0 when there is no word. */
static inline int prev_word_kept(numbers_prev *m, const char *s, size_t p, size_t *ws, size_t *we)
{
    if (m->p != p) {
        m->p = p;
        m->ws = m->we = 0;
        m->ok = prev_word(s, p, &m->ws, &m->we);
    }
    *ws = m->ws;
    *we = m->we;
    return m->ok;
}

/* For the tests: prev_word_kept asked at ps[0..k) in that order (repeats
 * included) gives what prev_word gives at each. */
int numbers_prev_kept_agrees(const char *s, const size_t *ps, size_t k);
int numbers_prev_kept_agrees(const char *s, const size_t *ps, size_t k)
{
    numbers_prev m = {SIZE_MAX, 0, 0, 0};
    for (size_t i = 0; i < k; i++) {
        size_t ws = 0, we = 0, ws2 = 0, we2 = 0;
        int a = prev_word_kept(&m, s, ps[i], &ws, &we), b = prev_word(s, ps[i], &ws2, &we2);
        if (a != b || ws != ws2 || we != we2)
            return 0;
    }
    return 1;
}

/* For the tests: prev_word against its general path alone. */
int numbers_prev_word_agrees(const char *s, size_t p);
int numbers_prev_word_agrees(const char *s, size_t p)
{
    size_t ws = 1, we = 1, ws2 = 1, we2 = 1, e = skip_sp_back(s, p);
    int a = prev_word(s, p, &ws, &we), b = 0;
    if (!(e == p || e == 0 || !is_al((unsigned char)s[e - 1]))) {
        we2 = e;
        ws2 = word_start(s, e);
        b = 1;
    }
    return a == b && (!a || (ws == ws2 && we == we2));
}

/* The number word s[0..len) (letters only, any case), or NULL. */
static const numbers_lex *lex_find(const numbers_inst *I, const char *s, size_t len)
{
    uint64_t a, b;
    size_t h;
    if (len < 3 || len > 11)
        return NULL;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    lex_pack_fast(s, len, &a, &b);
#else
    lex_pack(s, len, &a, &b);
#endif
    for (h = lex_slot(a, b); I->lex_hash[h].L != NULL; h = (h + 1) & (LEX_HASH_N - 1))
        if (I->lex_hash[h].a == a && I->lex_hash[h].b == b)
            return I->lex_hash[h].L;
    return NULL;
}

/* strcmp of a kind with a literal kind, but no call for most pairs (the
 * kinds differ in their first letter but date and duration). */
static inline int kind_cmp(const char *k, const char *lit)
{
    return k[0] != lit[0] ? (unsigned char)k[0] - (unsigned char)lit[0] : strcmp(k, lit);
}

/* s[0..len) is w (lower case) but for case, and w has len letters; no
 * strlen of w first. */
static inline int ci_is(const char *s, size_t len, const char *w)
{
    for (size_t i = 0; i < len; i++)
        if (w[i] == '\0' || lc((unsigned char)s[i]) != (unsigned char)w[i])
            return 0;
    return w[len] == '\0';
}

static int in_list(const char *const *list, size_t n_list, const char *s, size_t len)
{
    unsigned char c0 = len ? lc((unsigned char)s[0]) : 0;
    for (size_t i = 0; i < n_list; i++)
        if ((unsigned char)list[i][0] == c0 && ci_is(s, len, list[i]))
            return 1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Exact values: m * 10^e, or a double where that cannot be exact. */

typedef struct {
    int64_t m;
    int e;
    int exact;
    double d;
} numv;

static double pow10i(int e)
{
    double r = 1.0, b = 10.0;
    int k = e < 0 ? -e : e;
    while (k) {
        if (k & 1)
            r *= b;
        b *= b;
        k >>= 1;
    }
    return e < 0 ? 1.0 / r : r;
}

static double numv_double(numv v)
{
    static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    if (!v.exact)
        return v.d;
    /* a mantissa and a power of ten that are both exact doubles: one
     * multiplication or division, correctly rounded as strtod is */
    if (v.m >= -(INT64_C(1) << 53) && v.m <= (INT64_C(1) << 53) && v.e >= -22 && v.e <= 22)
        return v.e >= 0 ? (double)v.m * p10[v.e] : (double)v.m / p10[-v.e];
    char buf[48];
    snprintf(buf, sizeof buf, "%lldE%d", (long long)v.m, v.e);
    return strtod(buf, NULL);
}

static numv numv_int(int64_t m)
{
    numv v = {m, 0, 1, 0.0};
    return v;
}

static numv numv_real(double d)
{
    numv v = {0, 0, 0, d};
    return v;
}

static void numv_norm(numv *v)
{
    if (!v->exact)
        return;
    if (v->m == 0) {
        v->e = 0;
        return;
    }
    while (v->m % 10 == 0) {
        v->m /= 10;
        v->e++;
    }
}

static void numv_scale(numv *v, int k)
{
    if (v->exact)
        v->e += k;
    else
        v->d *= pow10i(k);
}

static void numv_mul(numv *v, int64_t k)
{
    if (v->exact) {
        int64_t r;
        if (!__builtin_mul_overflow(v->m, k, &r)) {
            v->m = r;
            return;
        }
        v->d = numv_double(*v);
        v->exact = 0;
    }
    v->d *= (double)k;
}

/* Multiply by a scale that is a power of ten (1000, 10^6, 12 for dozen). */
static void numv_times(numv *v, int64_t k)
{
    int p = 0;
    int64_t x = k;
    while (x >= 10 && x % 10 == 0) {
        x /= 10;
        p++;
    }
    if (x == 1)
        numv_scale(v, p);
    else
        numv_mul(v, k);
}

static void numv_neg(numv *v)
{
    if (v->exact)
        v->m = -v->m;
    else
        v->d = -v->d;
}

static inline json_t *shared_int(const numbers_worker *W, int64_t v);

static json_t *numv_json(numbers_worker *W, numv v)
{
    numv_norm(&v);
    if (v.exact && v.e >= 0 && v.e <= 18) {
        int64_t r = v.m;
        int ok = 1;
        for (int i = 0; i < v.e && ok; i++)
            ok = !__builtin_mul_overflow(r, (int64_t)10, &r);
        if (ok)
            return shared_int(W, r);
    }
    return json_real(numv_double(v));
}

/* ------------------------------------------------------------------ */
/* A number read at a position. */

enum {
    F_ORD = 1,      /* ordinal */
    F_FRAC = 2,     /* fraction */
    F_DECADE = 4,   /* 1990s */
    F_PCT = 8,      /* ends in % */
    F_SCALED = 16,  /* has a scale word or suffix */
    F_WORDS = 32,   /* spelled out */
    F_PLAIN = 64,   /* digits only, no separator, decimal, sign or suffix */
    F_VAGUE = 128,  /* "tens of thousands" */
    F_NEG = 256,
    F_PERIOD = 512  /* "a decade" */
};

typedef struct {
    size_t s, e;      /* bytes */
    numv v;
    int flags;
    int ndig;         /* digits in the integer part */
    int scale;        /* power of ten of a scale word or suffix */
    const char *approx; /* from a vague multiple */
    const char *unit;   /* from an attached unit (29km) or a period word */
    char ukind;
} numbers_core;

/* k when mult is 10^k, else 0. */
static int pow10_of(int64_t mult)
{
    int k = 0;
    while (mult >= 10 && mult % 10 == 0)
        mult /= 10, k++;
    return mult == 1 ? k : 0;
}

/* Read a scale word or suffix at p (after optional space when spaced);
 * returns its end or 0. */
static size_t scale_word(const numbers_inst *I, const char *s, size_t n, size_t p, int64_t *mult)
{
    size_t we = word_end(s, n, p);
    const numbers_lex *L;
    if (we == p)
        return 0;
    /* the words below have at most six letters and start with b, c, d, k,
     * l, m or t */
    if (we - p <= 6 && strchr("bcdklmt", lc((unsigned char)s[p])) != NULL) {
        static const struct { const char *w; int64_t m; } extra[] = {
            {"bln", 1000000000LL}, {"mln", 1000000LL}, {"tln", 1000000000000LL}, {"mil", 1000000LL},
            {"lakh", 100000LL}, {"lakhs", 100000LL}, {"lac", 100000LL}, {"crore", 10000000LL}, {"crores", 10000000LL},
            {"k", 1000LL}, {"doz", 12LL}, {"dozs", 12LL}, {"dz", 12LL}, {"dzs", 12LL},
        };
        for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
            if (ci_is(s + p, we - p, extra[i].w)) {
                *mult = extra[i].m;
                return we;
            }
    }
    if (we - p == 2 && (ci_eq(s + p, "bn", 2) || ci_eq(s + p, "mn", 2) || ci_eq(s + p, "tn", 2))) {
        *mult = lc((unsigned char)s[p]) == 'b' ? 1000000000LL : lc((unsigned char)s[p]) == 'm' ? 1000000LL
                                                                                       : 1000000000000LL;
        return we;
    }
    L = lex_find(I, s + p, we - p);
    if (L == NULL)
        return 0;
    if (L->kind == W_SCALE || L->kind == W_HUNDRED || (L->kind == W_DOZEN && L->word[5] == '\0')) {
        *mult = L->v;
        return we;
    }
    if (L->kind == W_DOZEN) { /* dozens after a number: 3 dozens */
        *mult = 12;
        return we;
    }
    return 0;
}

static int parse_words(const numbers_inst *I, const char *s, size_t n, size_t p, int lead_a, numbers_core *c);

/* After a scale (6 crore, two million): " and " and spelled-out words less
 * than the scale add to v (6 crore and two hundred).  Returns the new end,
 * or e. */
static size_t and_tail(const numbers_inst *I, const char *s, size_t n, size_t e, int64_t scale, numv *v)
{
    size_t a = skip_sp(s, n, e), b;
    numbers_core d;
    numv x;
    if (a == e || !ci_word(s, n, a, "and") || !v->exact)
        return e;
    b = skip_sp(s, n, a + 3);
    if (b == a + 3 || b >= n || !is_al((unsigned char)s[b]))
        return e;
    memset(&d, 0, sizeof d);
    if (parse_words(I, s, n, b, 0, &d) != 1 || (d.flags & (F_ORD | F_FRAC)) || !d.v.exact || d.v.e != 0 ||
        d.v.m <= 0 || d.v.m >= scale)
        return e;
    x = *v;
    numv_norm(&x);
    while (x.e > 0 && !__builtin_mul_overflow(x.m, (int64_t)10, &x.m))
        x.e--;
    if (x.e != 0 || __builtin_add_overflow(x.m, d.v.m, &x.m))
        return e;
    *v = x;
    return d.e;
}

/* Digits at p: 42, 2,700, 55.41, .5, 1.5m, 3bn, 21st, 1990s, 10^6, 3/4,
 * 2.5 thousand, 3 million.  Returns 1 with c filled, 0 when nothing
 * numeric, -1 when the token is not a quantity (c->e: where to go on). */
static int parse_digits(const numbers_inst *I, const char *s, size_t n, size_t p, numbers_core *c)
{
    size_t q = p, run;
    int64_t m = 0;
    int e = 0, exact = 1, commas = 0, decimals = 0;
    char buf[64];
    size_t bl = 0;

    c->s = p;
    c->flags = 0;
    /* integer part */
    run = 0;
    while (q + run < n && is_dg((unsigned char)s[q + run]))
        run++;
    /* a decimal comma: 5,00, 1,3 (one or two digits after the comma, not
     * in a list of digits), and 1.111,11 or 1.234.567,8 with dots between
     * groups of three */
    if (run > 0 && run <= 3 && (p == 0 || (s[p - 1] != ',' && s[p - 1] != '.' && !is_dg((unsigned char)s[p - 1])))) {
        size_t r = q + run, t, k;
        int groups = 0;
        while (r + 3 < n && s[r] == '.' && is_dg((unsigned char)s[r + 1]) && is_dg((unsigned char)s[r + 2]) &&
               is_dg((unsigned char)s[r + 3]) && (r + 4 >= n || !is_dg((unsigned char)s[r + 4])))
            r += 4, groups++;
        t = r + 1;
        while (t < n && t - r <= 3 && is_dg((unsigned char)s[t]))
            t++;
        k = t - r - 1;
        if (r < n && s[r] == ',' && (k == 1 || k == 2) && (t >= n || (!is_dg((unsigned char)s[t]) && !is_al((unsigned char)s[t]) &&
            !(s[t] == ',' && t + 1 < n && is_dg((unsigned char)s[t + 1])) && !(s[t] == '.' && t + 1 < n && is_dg((unsigned char)s[t + 1]))))) {
            m = 0;
            for (size_t i = q; i < t; i++)
                if (is_dg((unsigned char)s[i])) {
                    m = m * 10 + (s[i] - '0');
                    c->ndig += i < r;
                }
            (void)groups;
            c->v = numv_int(m);
            c->v.e = -(int)k;
            c->e = t;
            return 1;
        }
    }
    if (run > 0 && run <= 3) {
        size_t r = q + run;
        while (r + 3 < n + 0 && s[r] == ',' && is_dg((unsigned char)s[r + 1]) && is_dg((unsigned char)s[r + 2]) &&
               is_dg((unsigned char)s[r + 3]) && (r + 4 >= n || !is_dg((unsigned char)s[r + 4])))
            r += 4, commas = 1;
        if (!commas && run <= 2 && r + 3 < n && s[r] == ',' && is_dg((unsigned char)s[r + 1]) &&
            is_dg((unsigned char)s[r + 2]) && s[r + 3] == ',') {
            /* 12,34,567: Indian grouping, pairs then a last group of three */
            size_t t = r;
            while (t + 3 < n && s[t] == ',' && is_dg((unsigned char)s[t + 1]) && is_dg((unsigned char)s[t + 2]) &&
                   s[t + 3] == ',')
                t += 3;
            if (t + 3 < n && s[t] == ',' && is_dg((unsigned char)s[t + 1]) && is_dg((unsigned char)s[t + 2]) &&
                is_dg((unsigned char)s[t + 3]) && (t + 4 >= n || !is_dg((unsigned char)s[t + 4])))
                r = t + 4, commas = 1;
        }
        if (!commas) {
            /* 1 234 567, 40\u202f000, 12\u00a0000: groups of three after a space */
            for (;;) {
                size_t sep = 0;
                if (r < n && s[r] == ' ')
                    sep = 1;
                else if (r + 1 < n && (unsigned char)s[r] == 0xc2 && (unsigned char)s[r + 1] == 0xa0)
                    sep = 2;
                else if (r + 2 < n && memcmp(s + r, "\xe2\x80\xaf", 3) == 0)
                    sep = 3;
                if (sep == 0 || r + sep + 3 > n || !is_dg((unsigned char)s[r + sep]) ||
                    !is_dg((unsigned char)s[r + sep + 1]) || !is_dg((unsigned char)s[r + sep + 2]) ||
                    (r + sep + 3 < n && (is_dg((unsigned char)s[r + sep + 3]) || is_al((unsigned char)s[r + sep + 3]) ||
                                         s[r + sep + 3] == '/' || s[r + sep + 3] == '-' || s[r + sep + 3] == ':')))
                    break;
                if (p > 0 && (is_dg((unsigned char)s[p - 1]) || s[p - 1] == ' ') && p > 1 && is_dg((unsigned char)s[p - 2]))
                    break;
                r += sep + 3;
                commas = 2;
            }
        }
        run = r - q;
    }
    for (size_t i = 0; i < run; i++) {
        unsigned char ch = (unsigned char)s[q + i];
        if (!is_dg(ch))
            continue;
        c->ndig++;
        if (bl < sizeof buf - 8)
            buf[bl++] = (char)ch;
        if (m < 100000000000000000LL)
            m = m * 10 + (ch - '0');
        else
            e++, exact = 0;
    }
    q += run;
    /* decimal part */
    if (q + 1 < n && s[q] == '.' && is_dg((unsigned char)s[q + 1])) {
        q++;
        if (bl < sizeof buf - 8)
            buf[bl++] = '.';
        while (q < n && is_dg((unsigned char)s[q])) {
            if (m < 100000000000000000LL) {
                m = m * 10 + (s[q] - '0');
                e--;
            } else {
                exact = 0;
            }
            if (bl < sizeof buf - 8)
                buf[bl++] = s[q];
            q++;
            decimals++;
        }
        /* 1.2.3 or 192.168.1.1: a version or an address */
        if (q + 1 < n && s[q] == '.' && is_dg((unsigned char)s[q + 1])) {
            while (q < n && (is_dg((unsigned char)s[q]) || s[q] == '.'))
                q++;
            c->e = q;
            return -1;
        }
    }
    buf[bl] = '\0';
    if (run == 0 && decimals == 0)
        return 0;
    c->v.m = m;
    c->v.e = e;
    c->v.exact = exact;
    c->v.d = exact ? 0.0 : strtod(buf, NULL);
    if (!commas && !decimals)
        c->flags |= F_PLAIN;

    /* time of day, or a ratio of clock numbers */
    if (q + 1 < n && s[q] == ':' && is_dg((unsigned char)s[q + 1])) {
        while (q < n && (is_dg((unsigned char)s[q]) || s[q] == ':' || s[q] == '.'))
            q++;
        c->e = q;
        return -1;
    }
    /* vulgar fraction sign right after: 3½ */
    if (q + 1 < n && (unsigned char)s[q] == 0xc2 && (unsigned char)s[q + 1] >= 0xbc &&
        (unsigned char)s[q + 1] <= 0xbe) {
        double f = (unsigned char)s[q + 1] == 0xbc ? 0.25 : (unsigned char)s[q + 1] == 0xbd ? 0.5 : 0.75;
        c->v = numv_real(numv_double(c->v) + f);
        c->flags = (c->flags & ~F_PLAIN) | F_FRAC;
        q += 2;
        c->e = q;
        return 1;
    }
    /* a/b */
    if (q + 1 < n && s[q] == '/' && is_dg((unsigned char)s[q + 1]) && !decimals && !commas) {
        size_t r = q + 1;
        int64_t den = 0;
        while (r < n && is_dg((unsigned char)s[r]) && den < 1000000000)
            den = den * 10 + (s[r++] - '0');
        if (r < n && (s[r] == '/' || is_dg((unsigned char)s[r]))) { /* 21/07/2021 */
            while (r < n && (is_dg((unsigned char)s[r]) || s[r] == '/'))
                r++;
            c->e = r;
            return -1;
        }
        if (den == 0 || (r < n && is_al((unsigned char)s[r]))) {
            c->e = r;
            return -1;
        }
        c->v = numv_real((double)m / (double)den);
        c->flags = F_FRAC;
        c->e = r;
        return 1;
    }
    /* 1e10, 12.32e+14: scientific notation */
    if (q + 1 < n && (s[q] == 'e' || s[q] == 'E') && !commas &&
        (is_dg((unsigned char)s[q + 1]) || ((s[q + 1] == '+' || s[q + 1] == '-') && q + 2 < n && is_dg((unsigned char)s[q + 2])))) {
        size_t r = q + 1;
        int sign = 1, ex = 0;
        if (s[r] == '+' || s[r] == '-')
            sign = s[r++] == '-' ? -1 : 1;
        while (r < n && is_dg((unsigned char)s[r]) && ex < 400)
            ex = ex * 10 + (s[r++] - '0');
        if (r >= n || !is_al((unsigned char)s[r])) {
            numv_scale(&c->v, sign * ex);
            c->flags = 0;
            c->e = r;
            return 1;
        }
    }
    /* 10^6, 2.5^-1, 1.3x10^6 */
    {
        size_t r = q;
        int times10 = 0;
        if (r + 4 < n && (s[r] == 'x' || s[r] == 'X') && s[r + 1] == '1' && s[r + 2] == '0' && s[r + 3] == '^')
            times10 = 1, r += 3;
        else if (r + 5 < n && memcmp(s + r, "\xc3\x97" "10^", 5) == 0)
            times10 = 1, r += 4;
        if (r + 1 < n && s[r] == '^') {
            int sign = 1, ex = 0;
            r++;
            if (r < n && (s[r] == '+' || s[r] == '-'))
                sign = s[r++] == '-' ? -1 : 1;
            if (r < n && is_dg((unsigned char)s[r])) {
                while (r < n && is_dg((unsigned char)s[r]) && ex < 400)
                    ex = ex * 10 + (s[r++] - '0');
                if (times10) {
                    numv_scale(&c->v, sign * ex);
                } else if (m == 10 && exact && e == 0) {
                    c->v = numv_int(1);
                    c->v.e = sign * ex;
                } else {
                    double b = numv_double(c->v), r2 = 1.0;
                    for (int i = 0; i < ex && r2 < 1e308 && r2 > 1e-308; i++)
                        r2 *= b;
                    c->v = numv_real(sign < 0 ? 1.0 / r2 : r2);
                }
                c->flags = 0;
                c->e = r;
                return 1;
            }
        }
    }
    /* letters right after the digits */
    if (q < n && is_al((unsigned char)s[q])) {
        size_t we = word_end(s, n, q);
        size_t wl = we - q;
        int after_ok = we >= n || !is_dg((unsigned char)s[we]);
        if (after_ok && wl == 2 && !decimals && !commas &&
            (ci_eq(s + q, "st", 2) || ci_eq(s + q, "nd", 2) || ci_eq(s + q, "rd", 2) || ci_eq(s + q, "th", 2))) {
            c->flags = F_ORD;
            c->e = we;
            return 1;
        }
        if (after_ok && wl == 1 && (s[q] == 's' || s[q] == 'S') && !decimals && !commas &&
            ((c->ndig == 4 && m % 10 == 0) || (c->ndig == 2 && m % 10 == 0))) {
            c->flags = F_DECADE;
            c->e = we;
            return 1;
        }
        /* an attached unit: 29km, 180ml, 5kg */
        BITS_FOR(&I->unit_by[lc((unsigned char)s[q])], i) {
            if (I->unit_len[i] != wl || (units[i].exact_case ? memcmp(s + q, units[i].word, wl) != 0
                                                             : !ci_is(s + q, wl, units[i].word)))
                continue;
            {
                c->unit = units[i].unit;
                c->ukind = (char)units[i].kind;
                c->flags &= ~F_PLAIN;
                c->e = we;
                return 1;
            }
        }
        /* 115usd, 42MYR, 20Rs, 50p */
        if (in_list(cur_codes, CUR_CODES_N, s + q, wl) || (wl == 1 && s[q] == 'p')) {
            c->flags &= ~F_PLAIN;
            c->e = q; /* the currency reader takes the code */
            return 1;
        }
        /* scale suffixes: 10k, 1.5m, 3bn, 2tn */
        if (after_ok && (wl == 1 || wl == 2 || wl == 3)) {
            int64_t mult = 0;
            if (wl == 3 && ci_eq(s + q, "mil", 3))
                mult = 1000000;
            else if (wl == 3 && (ci_eq(s + q, "bln", 3) || ci_eq(s + q, "mln", 3) || ci_eq(s + q, "tln", 3)))
                mult = lc((unsigned char)s[q]) == 'b' ? 1000000000LL : lc((unsigned char)s[q]) == 'm' ? 1000000LL : 1000000000000LL;
            else if (wl == 2 && s[q] == 'M' && s[q + 1] == 'M')
                mult = 1000000;
            if (wl == 3 && !mult)
                goto ident;
            char a = (char)lc((unsigned char)s[q]), b = wl == 2 ? (char)lc((unsigned char)s[q + 1]) : 0;
            if (wl == 1 && a == 'k')
                mult = 1000;
            else if ((wl == 1 && a == 'm') || (a == 'm' && b == 'n'))
                mult = 1000000;
            else if ((wl == 1 && a == 'b') || (a == 'b' && b == 'n'))
                mult = 1000000000;
            else if ((wl == 1 && a == 't') || (a == 't' && b == 'n'))
                mult = 1000000000000LL;
            if (mult) {
                numv_times(&c->v, mult);
                c->flags = (c->flags & ~F_PLAIN) | F_SCALED;
                c->scale = pow10_of(mult);
                c->e = we;
                return 1;
            }
        }

    ident:
        /* a name or an identifier: 4G, 3D, 10am */
        c->e = we;
        return -1;
    }
    c->e = q;
    /* a scale word after a space: 3 million, 2.5 thousand, 3 dozens */
    {
        size_t r = skip_sp(s, n, q);
        int64_t mult = 0;
        size_t we;
        if (r > q && r < n && (we = scale_word(I, s, n, r, &mult)) != 0) {
            numv_times(&c->v, mult);
            c->flags = (c->flags & ~F_PLAIN) | F_SCALED;
            c->scale = pow10_of(mult);
            c->e = we;
            /* 1 hundred thousand, 3 lakh crore */
            r = skip_sp(s, n, we);
            {
                int64_t m2 = 0;
                size_t we2;
                if (r > we && (mult == 100 || mult == 12 || mult >= 1000) && (we2 = scale_word(I, s, n, r, &m2)) != 0 &&
                    m2 >= 1000 && m2 > mult && pow10_of(m2) != 0) {
                    numv_times(&c->v, m2);
                    c->e = we = we2;
                    mult = m2;
                }
            }
            /* 6 crore and two hundred */
            if (mult >= 1000 && c->v.exact)
                c->e = and_tail(I, s, n, c->e, mult, &c->v);
        } else if (r > q && r < n && (decimals || commas) && s[r] == 'M' && (r + 1 >= n || !is_al((unsigned char)s[r + 1])) &&
                   !(r + 1 < n && is_dg((unsigned char)s[r + 1]))) {
            /* 1,674,200.5 M: a spaced capital M after a decimal or grouped number is million */
            numv_times(&c->v, 1000000);
            c->flags = (c->flags & ~F_PLAIN) | F_SCALED;
            c->scale = 6;
            c->e = r + 1;
        } else if (r > q && r + 2 < n && is_dg((unsigned char)s[r]) && !decimals && !commas) {
            /* mixed fraction: 1 4/5 */
            size_t a = r, b;
            int64_t num = 0, den = 0;
            while (a < n && is_dg((unsigned char)s[a]) && num < 1000000)
                num = num * 10 + (s[a++] - '0');
            if (a + 1 < n && s[a] == '/' && is_dg((unsigned char)s[a + 1])) {
                b = a + 1;
                while (b < n && is_dg((unsigned char)s[b]) && den < 1000000)
                    den = den * 10 + (s[b++] - '0');
                if (den > num && num > 0 && (b >= n || (!is_dg((unsigned char)s[b]) && s[b] != '/' && !is_al((unsigned char)s[b])))) {
                    c->v = numv_real((double)m + (double)num / (double)den);
                    c->flags = F_FRAC;
                    c->e = b;
                }
            }
        }
    }
    return 1;
}

/* A denominator at q: third, fifths, twenty-fifth, hundredths, half,
 * quarters.  "second" is left out: "one second" is a time.  Returns its
 * end (0 when none) and sets *den and *plural. */
static size_t parse_denom(const numbers_inst *I, const char *s, size_t n, size_t q, int64_t *den, int *plural)
{
    size_t we = word_end(s, n, q);
    const numbers_lex *L;
    if (we == q)
        return 0;
    *plural = 0;
    L = lex_find(I, s + q, we - q);
    if (L == NULL && we - q > 3 && lc((unsigned char)s[we - 1]) == 's') {
        L = lex_find(I, s + q, we - q - 1);
        if (L && (L->kind == W_ORD || L->kind == W_ORDTENS || L->kind == W_ORDSCALE))
            *plural = 1;
        else
            L = NULL;
    }
    if (L == NULL)
        return 0;
    switch (L->kind) {
    case W_TENS: {
        size_t a = we < n && (s[we] == '-' || s[we] == ' ') ? we + 1 : we, ae;
        const numbers_lex *M;
        int pl = 0;
        if (a == we)
            return 0;
        ae = word_end(s, n, a);
        M = ae > a ? lex_find(I, s + a, ae - a) : NULL;
        /* twenty-fifths: the plural of an ordinal (fifths is also a
         * fraction word of its own) */
        if ((M == NULL || M->kind == W_FRAC) && ae - a > 3 && lc((unsigned char)s[ae - 1]) == 's') {
            M = lex_find(I, s + a, ae - a - 1);
            pl = 1;
        }
        if (M == NULL || M->kind != W_ORD || M->v > 9)
            return 0;
        *den = L->v + M->v;
        *plural = pl;
        return ae;
    }
    case W_UNIT: {
        /* one hundred fifth, one hundred and fifth: 105 (the numerator
         * before it makes the fraction: one one hundred fifth) */
        size_t h = skip_sp(s, n, we), a, e2;
        int64_t d2;
        int pl2;
        if (L->v != 1 || h == we || !ci_word(s, n, h, "hundred"))
            return 0;
        a = skip_sp(s, n, h + 7);
        if (a > h + 7 && ci_word(s, n, a, "and") && skip_sp(s, n, a + 3) > a + 3)
            a = skip_sp(s, n, a + 3);
        if (a == h + 7 || (e2 = parse_denom(I, s, n, a, &d2, &pl2)) == 0 || d2 >= 100)
            return 0;
        *den = 100 + d2;
        *plural = pl2;
        return e2;
    }
    case W_ORD:
        if (L->v == 2 || (L->v == 1 && !*plural))
            return 0;
        /* fall through */
    case W_ORDTENS:
    case W_ORDSCALE:
        *den = L->v;
        return we;
    case W_FRAC:
        *den = L->v;
        *plural = 1;
        return we;
    case W_HALF:
    case W_QUARTER:
        *den = L->v;
        return we;
    default:
        return 0;
    }
}

/* A denominator word at q (a half, a third)? */
static int parse_denom_word(const numbers_inst *I, const char *s, size_t n, size_t q)
{
    int64_t den;
    int plural;
    return parse_denom(I, s, n, q, &den, &plural) != 0;
}

/* Words for the decimals after "point": five point five, two point zero three. */
static size_t parse_point(const numbers_inst *I, const char *s, size_t n, size_t e, numv *v)
{
    size_t q = skip_sp(s, n, e), end = e;
    int digits = 0;
    int64_t frac = 0;
    if (q == e || !ci_word(s, n, q, "point"))
        return e;
    q = skip_sp(s, n, q + 5);
    for (;;) {
        size_t we = word_end(s, n, q);
        const numbers_lex *L = we > q ? lex_find(I, s + q, we - q) : NULL;
        if (L == NULL)
            break;
        if (L->kind == W_UNIT && L->v <= 9) {
            frac = frac * 10 + L->v;
            digits++;
            end = we;
        } else if (L->kind == W_UNIT && L->v >= 10 && digits == 0) {
            /* nought point eleven */
            frac = L->v;
            digits = 2;
            end = we;
            break;
        } else if (L->kind == W_TENS && digits == 0) {
            int64_t t = L->v;
            end = we;
            if (we + 1 < n && s[we] == '-') {
                size_t b = we + 1, be = word_end(s, n, b);
                const numbers_lex *M = be > b ? lex_find(I, s + b, be - b) : NULL;
                if (M && M->kind == W_UNIT && M->v > 0 && M->v <= 9)
                    t += M->v, end = be;
            }
            frac = t;
            digits = 2;
            break;
        } else {
            break;
        }
        q = skip_sp(s, n, we);
        if (q == we || digits >= 15)
            break;
    }
    if (digits == 0 || !v->exact)
        return e;
    {
        int64_t m = v->m;
        for (int i = 0; i < digits; i++)
            if (__builtin_mul_overflow(m, (int64_t)10, &m))
                return e;
        v->m = m + (m < 0 ? -frac : frac);
        v->e -= digits;
    }
    return end;
}

/* A plain integer of at most three digits at q (a group in "3 hundred and 21"). */
static size_t small_digits(const char *s, size_t n, size_t q, int64_t *v)
{
    size_t e = q;
    int64_t x = 0;
    while (e < n && is_dg((unsigned char)s[e]) && e - q < 4)
        x = x * 10 + (s[e++] - '0');
    if (e == q || e - q > 3 || (e < n && (is_al((unsigned char)s[e]) || s[e] == '.' || s[e] == ',' || s[e] == '/')))
        return 0;
    if (e < n && s[e] == ',' )
        return 0;
    *v = x;
    return e;
}

/* A scale word after a fraction: three quarters billion, two thirds of a
 * million.  Returns its end (0 when none) and sets *mult. */
static size_t frac_scale(const numbers_inst *I, const char *s, size_t n, size_t e, int64_t *mult)
{
    size_t r = skip_sp(s, n, e), se;
    if (r == e)
        return 0;
    if (ci_word(s, n, r, "of")) {
        size_t a = skip_sp(s, n, r + 2);
        if (a == r + 2 || !ci_word(s, n, a, "a"))
            return 0;
        r = skip_sp(s, n, a + 1);
        if (r == a + 1)
            return 0;
    }
    if ((se = scale_word(I, s, n, r, mult)) != 0 && *mult >= 1000)
        return se;
    return 0;
}

/* base + num * unit / den, exact where it divides. */
static numv numv_ratio(int64_t base, int64_t num, int64_t unit, int64_t den)
{
    int64_t p, q;
    if (den != 0 && !__builtin_mul_overflow(num, unit, &p) && p % den == 0 &&
        !__builtin_add_overflow(base, p / den, &q))
        return numv_int(q);
    /* tenths, hundredths, ...: exact as a decimal */
    if (den > 0 && pow10_of(den) > 0 && !__builtin_mul_overflow(num, unit, &p) &&
        !__builtin_mul_overflow(base, den, &q) && !__builtin_add_overflow(q, p, &q)) {
        numv v = numv_int(q);
        v.e = -pow10_of(den);
        return v;
    }
    return numv_real((double)base + (double)num * (double)unit / (double)den);
}

/* Spelled-out numbers at p, by a small grammar over words:
 *   number := group (scale group)* [and fraction] [point digits]
 *   group  := [unit|tens[-unit]] [hundred [and] [unit|tens[-unit]]]
 * with ordinals and fractions at the end (twenty-first, two thirds,
 * one hundred and three quarters), dozens, "a"/"an" before (a hundred,
 * a fifth), and small digit groups among the words (3 hundred and 21).
 * lead_a: an "a"/"an" came before.  Returns 1 with c filled, else 0. */
static int parse_words(const numbers_inst *I, const char *s, size_t n, size_t p, int lead_a, numbers_core *c)
{
    int64_t total = 0, group = 0, lastscale = INT64_MAX, and_base = -1, and_scale = 1;
    int last = 0, and_last = 0; /* 0 none, 1 unit, 2 tens, 3 hundred, 4 scale */
    int tens_after_and = 0, after_and = 0;
    size_t q = p, end = p;
    int words = 0;
    const numbers_lex *L;
    int64_t den;
    int plural;
    size_t de;

    c->s = p;
    c->flags = F_WORDS;
    /* a fifth, a twenty-first, a trillionth */
    if (lead_a && (de = parse_denom(I, s, n, p, &den, &plural)) != 0 && !plural) {
        c->v = numv_real(1.0 / (double)den);
        if (den == 2 || den == 4) {
            c->v = numv_int(den == 2 ? 5 : 25);
            c->v.e = den == 2 ? -1 : -2;
        }
        c->flags |= F_FRAC;
        c->e = de;
        return 1;
    }
    for (;;) {
        size_t we;
        size_t nx;
        int64_t dv = 0;
        if (q < n && is_dg((unsigned char)s[q])) {
            /* digits among words: 3 hundred and 21, 4 thousand 3 hundred */
            we = small_digits(s, n, q, &dv);
            if (we == 0 || !(last == 0 || last == 3 || last == 4) || (last == 3 && dv >= 100) || (last == 4 && dv >= lastscale))
                break;
            group += dv;
            last = dv < 100 ? 1 : 3;
            if (dv >= 100)
                last = 1;
            goto accept;
        }
        we = word_end(s, n, q);
        if (we == q || (L = lex_find(I, s + q, we - q)) == NULL)
            break;
        /* a fraction after a numerator: two thirds, one twenty-fifth, a
         * hundred thousandths */
        if ((last == 1 || last == 2 || ((last == 3 || last == 4) && (L->kind == W_FRAC || L->kind == W_ORDSCALE))) &&
            (de = parse_denom(I, s, n, q, &den, &plural)) != 0 &&
            (plural || group % 100 == 1 || L->kind == W_HALF || L->kind == W_QUARTER || L->kind == W_FRAC) &&
            (last <= 2 || plural)) {
            int64_t num = total + group, base = 0, unit = 1, mult;
            size_t se;
            if (and_base >= 0 && (and_last == 4 || total + group - and_base < 20 || total + group - and_base < den)) {
                /* one hundred and three quarters: 100 + 3/4; two million
                 * and three fifths: 2 million + 3/5 million (but one
                 * hundred and thirty fifths is 130/5) */
                base = and_base;
                num = total + group - and_base;
                if (and_last == 4)
                    unit = and_scale;
            } else if (last == 2 && !tens_after_and && den >= 1 && den <= 9 && total + group > group % 100) {
                /* one hundred thirty fifths: 100 over 35 */
                den += group % 100;
                num = total + group - group % 100;
            }
            if (L->kind == W_ORDSCALE && !plural && num != 1)
                goto ordinal;
            /* three quarters billion, two thirds of a million, one billion
             * and three quarters million */
            if ((se = frac_scale(I, s, n, de, &mult)) != 0) {
                if (and_base >= 0 && and_last == 4 && mult < and_scale)
                    unit = mult;
                else
                    unit = mult, base *= mult;
                de = se;
                c->flags |= F_SCALED;
            } else {
                c->flags |= F_FRAC;
            }
            c->v = numv_ratio(base, num, unit, den);
            c->e = de;
            return 1;
        }
    ordinal:
        switch (L->kind) {
        case W_UNIT:
            if (last == 1 || (last == 2 && (L->v == 0 || L->v > 9)) || (lead_a && last == 0))
                goto stop;
            if (last == 2 && group % 10 != 0)
                goto stop;
            group += L->v;
            last = 1;
            break;
        case W_TENS:
            if (last == 1 || last == 2 || (lead_a && last == 0) || group % 100 != 0)
                goto stop;
            group += L->v;
            last = 2;
            break;
        case W_HUNDRED:
            if (last == 3 || group >= 100)
                goto stop;
            group = (group ? group : 1) * 100;
            last = 3;
            break;
        case W_VAGUE:
            /* five hundreds, three billions (not "hundreds of", not "tens") */
            if (L->v < 100 || !(last == 1 || last == 2 || last == 3 || last == 4) ||
                ci_word(s, n, skip_sp(s, n, we), "of"))
                goto stop;
            if (L->v == 100) {
                if (last == 3 || last == 4 || group >= 100 || group == 0)
                    goto stop;
                group *= 100;
                last = 3;
                break;
            }
            /* fall through */
        case W_SCALE:
            /* three thousand million: a larger scale multiplies what is read */
            if (last == 4 && group == 0 && L->v > lastscale && lastscale != INT64_MAX &&
                !__builtin_mul_overflow(total, L->v, &total)) {
                lastscale = L->v;
                break;
            }
            if (L->v >= lastscale || last == 4)
                goto stop;
            total += (group ? group : 1) * L->v;
            group = 0;
            lastscale = L->v;
            last = 4;
            break;
        case W_DOZEN:
            if (last == 0 && !lead_a)
                goto stop;
            if (and_base >= 0) /* three hundred and two dozens */
                group = (group - (and_base - total)) * 12 + (and_base - total);
            else
                group = (group ? group : 1) * 12;
            end = we;
            words++;
            goto done;
        case W_ORD:
        case W_ORDTENS:
            if ((L->kind == W_ORD && last == 2 && L->v > 9) || (L->kind == W_ORDTENS && (last == 1 || last == 2)))
                goto stop;
            if (last == 1 || (lead_a && last == 0))
                goto stop;
            /* the second to last: a relative ordinal, not a rank */
            if (ci_word(s, n, skip_sp(s, n, we), "to") &&
                ci_word(s, n, skip_sp(s, n, skip_sp(s, n, we) + 2), "last"))
                return 0;
            c->v = numv_int(total + group + L->v);
            c->flags |= F_ORD;
            c->e = we;
            return 1;
        case W_ORDSCALE:
            if (lead_a && last == 0)
                goto stop;
            c->v = numv_int(total + (group ? group : 1) * L->v);
            c->flags |= F_ORD;
            c->e = we;
            return 1;
        default:
            goto stop;
        }
    accept:
        end = we;
        words++;
        tens_after_and = after_and && last == 2;
        after_and = 0;
        /* next word: after a hyphen or a space */
        if (we + 1 < n && s[we] == '-' && is_al((unsigned char)s[we + 1])) {
            q = we + 1;
            continue;
        }
        /* the same with spaces, as tokenised text writes it: fifty - two,
         * one - fourth (but not a range: twenty - thirty) */
        if ((last == 1 || last == 2) && we + 3 < n && s[we] == ' ' && s[we + 1] == '-' && s[we + 2] == ' ' &&
            is_al((unsigned char)s[we + 3])) {
            size_t a = we + 3, ae = word_end(s, n, a);
            const numbers_lex *N = lex_find(I, s + a, ae - a);
            int64_t d2;
            int pl2;
            if ((last == 2 && N != NULL && (N->kind == W_UNIT || N->kind == W_ORD) && N->v >= 1 && N->v <= 9) ||
                parse_denom(I, s, n, a, &d2, &pl2) != 0) {
                q = a;
                continue;
            }
        }
        nx = skip_sp(s, n, we);
        if (nx == we)
            break;
        if (ci_word(s, n, nx, "and") && (last == 3 || last == 4)) {
            size_t a = skip_sp(s, n, nx + 3), ae = word_end(s, n, a);
            const numbers_lex *N = ae > a ? lex_find(I, s + a, ae - a) : NULL;
            int64_t tmp;
            size_t ne = N != NULL ? ae : is_dg((unsigned char)s[a]) ? small_digits(s, n, a, &tmp) : 0, h;
            /* 3 hundred and 2 hundred: two numbers */
            h = ne ? skip_sp(s, n, ne) : 0;
            if (ne && last == 3 && h > ne && ci_word(s, n, h, "hundred"))
                break;
            /* 4 thousand and 0: nothing is added, so two numbers */
            if (a > nx + 3 && ((N != NULL && (N->kind == W_UNIT || N->kind == W_TENS || N->kind == W_ORD ||
                                              N->kind == W_ORDTENS) && N->v > 0) ||
                               (is_dg((unsigned char)s[a]) && small_digits(s, n, a, &tmp) && tmp > 0))) {
                and_base = total + group;
                and_last = last;
                and_scale = lastscale;
                after_and = 1;
                q = a;
                continue;
            }
            break;
        }
        q = nx;
    }
stop:
    if (words == 0)
        return 0;
done:
    c->v = numv_int(total + group);
    c->e = end;
    if (last == 4 || last == 3)
        c->flags |= F_SCALED;
    /* two hundred point zero three, two point two million */
    c->e = parse_point(I, s, n, end, &c->v);
    if (c->e > end) {
        size_t r = skip_sp(s, n, c->e), se;
        int64_t mult = 0;
        if (r > c->e && (se = scale_word(I, s, n, r, &mult)) != 0 && mult >= 1000 && last != 4) {
            numv_times(&c->v, mult);
            c->flags |= F_SCALED;
            c->e = se;
        }
        return 1;
    }
    /* and a half, and a fifth, and three fifths */
    {
        size_t nx = skip_sp(s, n, end);
        if (nx > end && ci_word(s, n, nx, "and")) {
            size_t a = skip_sp(s, n, nx + 3), ae;
            int64_t num = 0;
            size_t fe = 0;
            if (ci_word(s, n, a, "a") || ci_word(s, n, a, "an") || ci_word(s, n, a, "one")) {
                size_t b = skip_sp(s, n, a + (lc((unsigned char)s[a]) == 'a' ? (ci_word(s, n, a, "a") ? 1 : 2) : 3));
                if ((fe = parse_denom(I, s, n, b, &den, &plural)) != 0)
                    num = 1;
            } else if ((ae = word_end(s, n, a)) > a) {
                const numbers_lex *N = lex_find(I, s + a, ae - a);
                if (N && (N->kind == W_UNIT || N->kind == W_TENS) && N->v > 0) {
                    size_t b;
                    num = N->v;
                    if (N->kind == W_TENS && ae + 1 < n && s[ae] == '-') {
                        size_t u = ae + 1, ue = word_end(s, n, u);
                        const numbers_lex *U = ue > u ? lex_find(I, s + u, ue - u) : NULL;
                        if (U && U->kind == W_UNIT && U->v > 0 && U->v < 10)
                            num += U->v, ae = ue;
                    }
                    b = skip_sp(s, n, ae);
                    if (b > ae && (fe = parse_denom(I, s, n, b, &den, &plural)) != 0 && !plural && num != 1)
                        fe = 0;
                }
            }
            if (fe) {
                int64_t base = total + group, mult2 = 0;
                size_t se2 = frac_scale(I, s, n, fe, &mult2);
                if (se2 && last == 4 && group == 0 && mult2 < lastscale) {
                    /* one billion and a half million */
                    c->v = numv_ratio(total, num, mult2, den);
                    c->flags |= F_SCALED;
                    c->e = se2;
                    return 1;
                }
                if (last == 4 && group == 0 && lastscale != INT64_MAX) {
                    /* one million and a half */
                    c->v = numv_int(total * den + num * lastscale);
                    c->v = numv_real(numv_double(c->v) / (double)den);
                    if ((num * lastscale) % den == 0)
                        c->v = numv_int(total + num * lastscale / den);
                } else if (den == 2 || den == 4 || den == 5 || den == 10 || den == 100 || den == 1000 || den == 20 || den == 25 || den == 50) {
                    int64_t scale = den == 2 ? 10 : den == 4 ? 100 : den == 5 ? 10 : den == 20 ? 100 : den == 25 ? 100 : den == 50 ? 100 : den;
                    int ex = scale == 10 ? 1 : scale == 100 ? 2 : 3;
                    c->v = numv_int(base * scale + num * (scale / den));
                    c->v.e = -ex;
                    c->flags |= F_FRAC;
                } else {
                    c->v = numv_real((double)base + (double)num / (double)den);
                    c->flags |= F_FRAC;
                }
                c->e = fe;
                /* one and a half million */
                {
                    size_t r = skip_sp(s, n, fe);
                    int64_t mult;
                    size_t se;
                    if (r > fe && (se = scale_word(I, s, n, r, &mult)) != 0 && mult >= 1000) {
                        numv_times(&c->v, mult);
                        c->flags = (c->flags & ~F_FRAC) | F_SCALED;
                        c->e = se;
                    }
                }
            }
        }
    }
    return 1;
}

/* ------------------------------------------------------------------ */
/* Output. */

typedef struct numbers_finding {
    size_t s, e;             /* bytes, the whole finding */
    const char *kind;
    numv value;
    int has_value;
    numv low, high;          /* ranges */
    char iso[32];            /* dates and years */
    const char *currency;
    const char *approx;
    char unit[96];
    const char *unit_ref;    /* the constant string unit was copied from, if any */
} numbers_finding;

/* What memset(f, 0, sizeof *f) gives that is ever read: the strings are
 * read up to their NUL only, so their other bytes are left. */
static inline void finding_clear(numbers_finding *f)
{
    static const numv zero;
    f->s = f->e = 0;
    f->kind = NULL;
    f->value = f->low = f->high = zero;
    f->has_value = 0;
    f->iso[0] = '\0';
    f->currency = f->approx = NULL;
    f->unit[0] = '\0';
    f->unit_ref = NULL;
}

/* The unit of f from a constant string (a table entry or a literal). */
static void set_unit(numbers_finding *f, const char *u)
{
    size_t l = strlen(u);
    if (l >= sizeof f->unit)
        l = sizeof f->unit - 1;
    memcpy(f->unit, u, l);
    f->unit[l] = '\0';
    f->unit_ref = u;
}

/* ------------------------------------------------------------------ */
/* Context readers. */

/* A hedge right before p: returns its start and sets *norm, or p. */
static size_t read_hedge(const numbers_inst *I, const char *s, size_t p, const char **norm)
{
    size_t q = skip_sp_back(s, p), wl = 0;
    unsigned char last;
    if (q == 0)
        return p;
    last = lc((unsigned char)s[q - 1]);
    if (q == p && last != '>' && last != '<' && last != '=' && last != 0xa5 && last != 0xa4)
        return p;
    if (!is_al(last) && last != '.' && last != '>' && last != '<' && last != '=' && last != 0xa5 && last != 0xa4)
        return p;
    {
        /* no hedge ends in a word of this length and last letter: "in", "the" */
        while (wl < q && wl < 15 && is_al((unsigned char)s[q - 1 - wl]))
            wl++;
        if (!(I->hedge_lens[last] >> wl & 1))
            return p;
    }
    BITS_FOR(&I->hedge_by[last], i) {
        size_t l = hedges[i].len;
        if ((I->hedge_wl[i] == wl || I->no_len_filters) && l <= q && ci_eq(s + q - l, hedges[i].phrase, l) &&
            (q - l == 0 || (is_al((unsigned char)hedges[i].phrase[0]) ? !is_al((unsigned char)s[q - l - 1])
                                                                       : !strchr("<>=", s[q - l - 1])))) {
            *norm = hedges[i].norm;
            return q - l;
        }
    }
    return p;
}

/* Currency codes before a number (USD 5, Rs20), with their ISO codes. */
static const char *const cur_prefix_codes[][2] = {
    {"USD", "USD"}, {"EUR", "EUR"}, {"GBP", "GBP"}, {"CNY", "CNY"}, {"JPY", "JPY"}, {"RMB", "CNY"},
    {"INR", "INR"}, {"Rs", "INR"}, {"CHF", "CHF"}, {"AUD", "AUD"}, {"CAD", "CAD"}, {"HKD", "HKD"},
    {"RUB", "RUB"}, {"usd", "USD"}, {"rmb", "CNY"}, {"eur", "EUR"}, {"gbp", "GBP"}, {"rs", "INR"},
    {"MYR", "MYR"}, {"myr", "MYR"}, {"SEK", "SEK"}, {"NOK", "NOK"}, {"KRW", "KRW"}, {"UAH", "UAH"},
    {"RM", "MYR"},
};
#define CUR_PREFIX_N (sizeof cur_prefix_codes / sizeof cur_prefix_codes[0])
/* The first letters of those codes: A C E G H I J K M N R S U e g m r u
 * (a test checks that every code's is here). */
#define CB(c) (1ULL << ((c) - 64))
#define CUR_PREFIX_FIRSTS (CB('A') | CB('C') | CB('E') | CB('G') | CB('H') | CB('I') | CB('J') | CB('K') | CB('M') | \
                           CB('N') | CB('R') | CB('S') | CB('U') | CB('e') | CB('g') | CB('m') | CB('r') | CB('u'))

/* For the tests: the words of the currency (table 0) and unit (table 1)
 * tables, NULL past the end; and the length filters turned off. */
const char *numbers_table_word(int table, size_t i);
void numbers_len_filters(void *instance, int on);

/* For the tests: every code's first letter is in CUR_PREFIX_FIRSTS. */
int numbers_cur_firsts_ok(void);
int numbers_cur_firsts_ok(void)
{
    for (size_t i = 0; i < CUR_PREFIX_N; i++) {
        unsigned char c = (unsigned char)cur_prefix_codes[i][0][0];
        if (c < 64 || c >= 128 || !(CUR_PREFIX_FIRSTS >> (c - 64) & 1))
            return 0;
    }
    return 1;
}

/* A currency sign or code right before p: returns its start and sets
 * *iso, or returns p. */
static size_t read_cur_prefix(const char *s, size_t p, const char **iso)
{
    /* a sign, or a code glued to a dollar sign: US$, C$, HK$, usd$ (also
     * with a space in tokenised text: "us $") */
    static const struct { const char *pre; const char *iso; int ci; } dollar_pre[] = {
        {"U.S.", "USD", 0}, {"u.s.", "USD", 0}, {"u.s", "USD", 0}, {"USD", "USD", 1}, {"US", "USD", 1},
        {"HK", "HKD", 1}, {"NZD", "NZD", 1}, {"NZ", "NZD", 1}, {"AUD", "AUD", 1}, {"CAD", "CAD", 1},
        {"MXN", "MXN", 1}, {"MEX", "MXN", 1}, {"SGD", "SGD", 1}, {"A", "AUD", 0}, {"C", "CAD", 1},
        {"S", "SGD", 0}, {"R", "BRL", 0},
    };
    static const struct { const char *sign; const char *iso; } signs[] = {
        {"\xc2\xa3", "GBP"}, {"\xc2\xa5", "JPY"}, {"\xe2\x82\xac", "EUR"}, {"\xe2\x82\xb9", "INR"},
        {"\xe2\x82\xbf", "XBT"}, {"\xe2\x82\xa9", "KRW"}, {"\xe2\x82\xbd", "RUB"}, {"\xe2\x82\xba", "TRY"},
    };

    size_t q = p;
    unsigned char bc;
    if (q > 0 && s[q - 1] == ' ')
        q--;
    if (q == 0)
        return p;
    /* most numbers follow a space and a word that is no currency code */
    bc = (unsigned char)s[q - 1];
    if (bc < 0x80 && bc != '$' && bc != '.' && !is_al(bc))
        return p;
    if (is_al(bc) && q >= 2 && is_al((unsigned char)s[q - 2]) && q >= 3 && is_al((unsigned char)s[q - 3]) &&
        q >= 4 && is_al((unsigned char)s[q - 4]))
        return p; /* a word of four letters or more */
    if (q >= 1 && s[q - 1] == '$') {
        size_t a = q - 1, b = a;
        *iso = "USD";
        if (b > 0 && s[b - 1] == ' ')
            b--;
        for (size_t i = 0; i < sizeof dollar_pre / sizeof dollar_pre[0]; i++) {
            size_t l = strlen(dollar_pre[i].pre);
            size_t c = (b < a) ? b : a; /* "us $": with a space only for codes of two or more letters */
            if (b < a && l < 2 && dollar_pre[i].ci == 0)
                continue;
            if (c >= l && (dollar_pre[i].ci ? strncasecmp(s + c - l, dollar_pre[i].pre, l) == 0
                                            : memcmp(s + c - l, dollar_pre[i].pre, l) == 0) &&
                (c - l == 0 || !is_al((unsigned char)s[c - l - 1]))) {
                if (b < a && l == 1 && s[c - 1] != 'c')
                    continue;
                *iso = dollar_pre[i].iso;
                return c - l;
            }
        }
        return a;
    }
    if (bc >= 0x80)
        for (size_t i = 0; i < sizeof signs / sizeof signs[0]; i++) {
            size_t l = strlen(signs[i].sign);
            if (q >= l && memcmp(s + q - l, signs[i].sign, l) == 0) {
                *iso = signs[i].iso;
                return q - l;
            }
        }
    {
        size_t e = q, ws;
        if (e > 0 && s[e - 1] == '.')
            e--;
        ws = word_start(s, e);
        if ((e - ws == 2 || e - ws == 3) && (ws == 0 || !is_al((unsigned char)s[ws - 1])) &&
            (unsigned char)s[ws] >= 64 && (unsigned char)s[ws] < 128 &&
            (CUR_PREFIX_FIRSTS >> ((unsigned char)s[ws] - 64) & 1)) {
            for (size_t i = 0; i < CUR_PREFIX_N; i++) {
                size_t l = e - ws;
                if (cur_prefix_codes[i][0][0] == s[ws] && strlen(cur_prefix_codes[i][0]) == l &&
                    memcmp(s + ws, cur_prefix_codes[i][0], l) == 0 && (q < p || s[e] == '.' || e == p)) {
                    *iso = cur_prefix_codes[i][1];
                    return ws;
                }
            }
        }
    }
    return p;
}

/* A currency word or sign after e: returns its end and sets *iso. */
static size_t read_cur_suffix(const numbers_inst *I, const char *s, size_t n, size_t e, const char **iso, int *pow10)
{
    static const struct { const char *sign; const char *iso; } signs[] = {
        {"\xe2\x82\xac", "EUR"}, {"\xe5\x85\x83", "CNY"}, {"\xe2\x82\xa1", "CRC"}, {"\xe2\x82\xbe", "GEL"},
        {"\xe2\x82\xad", "LAK"}, {"\xc2\xa3", "GBP"}, {"\xe2\x82\xb9", "INR"},
    };
    size_t q = skip_sp(s, n, e);
    unsigned run;
    if (q + 1 < n && (unsigned char)s[q] == 0xc2 && (unsigned char)s[q + 1] == 0xa2) { /* 10¢ */
        *iso = "USD";
        *pow10 = -2;
        return q + 2;
    }
    if (q < n && (unsigned char)s[q] >= 0xc2) /* the signs are all multi-byte */
        for (size_t i = 0; i < sizeof signs / sizeof signs[0]; i++) {
            size_t l = strlen(signs[i].sign);
            if (q + l <= n && memcmp(s + q, signs[i].sign, l) == 0) {
                *iso = signs[i].iso;
                *pow10 = 0;
                return q + l;
            }
        }
    if (q < n && s[q] == '$' && (q + 1 == n || !is_dg((unsigned char)s[q + 1])) &&
        (q + 1 >= n || (q + 2 < n && !is_dg((unsigned char)s[q + 2])) || s[q + 1] != ' ')) {
        *iso = "USD";
        *pow10 = 0;
        return q + 1;
    }
    if (q == e && q + 1 < n && s[q] == '-' && is_al((unsigned char)s[q + 1]))
        q++; /* a 12-cent stamp, a one-yen coin */
    if (q == e && q < n && s[q] == 'p' && (q + 1 >= n || !is_al((unsigned char)s[q + 1]))) {
        *iso = "GBP";
        *pow10 = -2;
        return q + 1;
    }
    if (q == e && !(q < n && is_al((unsigned char)s[q])))
        return e;
    /* 30 MUSD, 120 MEUR: millions of a currency, as in company reports */
    if (q + 4 <= n && s[q] == 'M' && is_up((unsigned char)s[q + 1]) && (q + 4 == n || !is_al((unsigned char)s[q + 4])))
        for (size_t i = 0; i < ISO_CODES_N; i++)
            if (memcmp(s + q + 1, iso_codes[i], 3) == 0) {
                *iso = iso_codes[i];
                *pow10 = 6;
                return q + 4;
            }
    if (q + 3 <= n && is_up((unsigned char)s[q]) && (q + 3 == n || !is_al((unsigned char)s[q + 3])))
        for (size_t i = 0; i < ISO_CODES_N; i++)
            if (memcmp(s + q, iso_codes[i], 3) == 0) {
                *iso = iso_codes[i];
                *pow10 = 0;
                return q + 3;
            }
    /* a word matches only a table word whose first run of letters is as
     * long as its own (the byte after the run must be the same, or no
     * letter): most words after a number are no currency */
    run = letter_run(s, n, q);
    if (!(I->cur_lens[lc((unsigned char)s[q])] >> run & 1) && !I->no_len_filters)
        return e;
    BITS_FOR(&I->cur_by[lc((unsigned char)s[q])], i)
        if ((I->cur_run[i] == run || I->no_len_filters) && ci_word(s, n, q, currency_words[i].word)) {
            *iso = currency_words[i].iso;
            *pow10 = currency_words[i].pow10;
            return q + strlen(currency_words[i].word);
        }
    return e;
}

/* The cents after a sum: 15 dollars and 50, thirteen dollars forty-five
 * cents, $20 and 43c.  bare: a number without a cents word will do. */
static size_t read_cents(const numbers_inst *I, const char *s, size_t n, size_t e, numv *v, int bare)
{
    size_t a = skip_sp(s, n, e), ce, ue;
    numbers_core k;
    int64_t cents;
    if (a == e || !v->exact || v->e < 0)
        return e;
    if (ci_word(s, n, a, "and"))
        a = skip_sp(s, n, a + 3);
    memset(&k, 0, sizeof k);
    if (a < n && is_dg((unsigned char)s[a])) {
        size_t d = a;
        cents = 0;
        while (d < n && is_dg((unsigned char)s[d]) && d - a < 3)
            cents = cents * 10 + (s[d++] - '0');
        if (d - a > 2 || (d < n && (is_dg((unsigned char)s[d]) ||
                                    ((s[d] == '.' || s[d] == ',') && d + 1 < n && is_dg((unsigned char)s[d + 1])))))
            return e;
        ce = d;
    } else if (a < n && is_al((unsigned char)s[a]) && parse_words(I, s, n, a, 0, &k) == 1 &&
               !(k.flags & (F_ORD | F_FRAC)) && k.v.exact && k.v.e == 0 && k.v.m < 100) {
        cents = k.v.m;
        ce = k.e;
    } else {
        return e;
    }
    ue = skip_sp(s, n, ce);
    if (ue < n && (ci_word(s, n, ue, "cents") || ci_word(s, n, ue, "cent") || ci_word(s, n, ue, "pence") ||
                   ci_word(s, n, ue, "sen") || ci_word(s, n, ue, "p") || ci_word(s, n, ue, "c")))
        ue = word_end(s, n, ue);
    else if (ue == ce && ue < n && (s[ue] == 'c' || s[ue] == 'p') && (ue + 1 >= n || !is_al((unsigned char)s[ue + 1])))
        ue++;
    else if (bare && (ce >= n || !is_al((unsigned char)s[skip_sp(s, n, ce)]) || skip_sp(s, n, ce) >= n))
        ue = ce;
    else
        return e;
    {
        int64_t m = v->m;
        for (int i = 0; i < v->e; i++)
            m *= 10;
        v->m = m * 100 + cents;
        v->e = -2;
    }
    return ue;
}

/* % or percent after e: returns the end, sets *points for percentage points. */
static size_t read_percent(const char *s, size_t n, size_t e, int *points)
{
    size_t q = skip_sp(s, n, e);
    *points = 0;
    if (q < n && s[q] == '%')
        return q + 1;
    if (q == e || q >= n || lc((unsigned char)s[q]) != 'p')
        return e; /* every word below starts with p */
    if (ci_word(s, n, q, "percentage")) {
        size_t r = skip_sp(s, n, q + 10);
        if (ci_word(s, n, r, "points") || ci_word(s, n, r, "point")) {
            *points = 1;
            return word_end(s, n, r);
        }
        return q + 10;
    }
    if (ci_word(s, n, q, "percent") || ci_word(s, n, q, "percents") || ci_word(s, n, q, "pct"))
        return word_end(s, n, q);
    if (ci_word(s, n, q, "per")) {
        size_t r = skip_sp(s, n, q + 3);
        if (r > q + 3 && ci_word(s, n, r, "cent"))
            return r + 4;
    }
    if (q + 8 <= n && ci_eq(s + q, "per-cent", 8))
        return q + 8;
    return e;
}

/* A measurement or time unit after e. */
static size_t read_unit(const numbers_inst *I, const char *s, size_t n, size_t e, const numbers_unit **u)
{
    size_t q = skip_sp(s, n, e);
    unsigned run;
    if (q == e) {
        if (q + 1 < n && s[q] == '-' && is_al((unsigned char)s[q + 1]))
            q++; /* a two-year deal, a 300-year-old, a 10-gallon cooler */
        else if (!(q + 1 < n && (unsigned char)s[q] == 0xc2 && (unsigned char)s[q + 1] == 0xb0))
            return e;
    }
    if (q >= n)
        return e;
    run = letter_run(s, n, q);
    if (!(I->unit_lens[lc((unsigned char)s[q])] >> run & 1) && !I->no_len_filters)
        return e; /* as in read_cur_suffix */
    BITS_FOR(&I->unit_by[lc((unsigned char)s[q])], i) {
        size_t l;
        int ok;
        if (I->unit_run[i] != run && !I->no_len_filters)
            continue;
        l = I->unit_len[i];
        if (q + l > n)
            continue;
        ok = units[i].exact_case ? memcmp(s + q, units[i].word, l) == 0 : ci_eq(s + q, units[i].word, l);
        if (ok && (q + l == n || !is_al((unsigned char)s[q + l]))) {
            *u = &units[i];
            return q + l;
        }
    }
    return e;
}

/* The words after e naming what is counted. */
/* The list walked word by word (kept for the tests). */
static int is_stopword_slow(const numbers_inst *I, const char *s, size_t len)
{
    BITS_FOR(&I->stop_by[lc((unsigned char)s[0])], i)
        if (ci_is(s, len, stopwords[i]))
            return 1;
    return 0;
}

/* s[0..len) (letters, hyphens, apostrophes: packed with | 32, one code per
 * letter whatever its case, and none a letter's for the other two) is a
 * stop word: one probe of a hash table in most cases. */
static int is_stopword(const numbers_inst *I, const char *s, size_t len)
{
    uint64_t a, b;
    if (len == 0 || len > 16)
        return 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (len >= 3 && len <= 11)
        lex_pack_fast(s, len, &a, &b);
    else
#endif
        lex_pack(s, len, &a, &b);
    for (size_t h = lex_slot(a, b); I->stop_hash[h].len != 0; h = (h + 1) & (LEX_HASH_N - 1))
        if (I->stop_hash[h].a == a && I->stop_hash[h].b == b && I->stop_hash[h].len == len)
            return 1;
    return 0;
}

/* For the tests: the hash and the list agree on s[0..len). */
int numbers_stop_agrees(const void *instance, const char *s, size_t len);
int numbers_stop_agrees(const void *instance, const char *s, size_t len)
{
    return is_stopword(instance, s, len) == is_stopword_slow(instance, s, len);
}

static size_t read_counted(const numbers_inst *I, const char *s, size_t n, size_t e, char *out, size_t outsz)
{
    size_t q = e, end = e;
    int words = 0;
    out[0] = '\0';
    while (words < 4) {
        size_t a = skip_sp(s, n, q), we;
        if (a == q || a >= n || !is_al((unsigned char)s[a]))
            break;
        we = a;
        while (we < n && (is_al((unsigned char)s[we]) ||
                          ((s[we] == '-' || s[we] == '\'') && we + 1 < n && is_al((unsigned char)s[we + 1]))))
            we++;
        if (is_stopword(I, s + a, we - a))
            break;
        if (words > 0 && we - a > 4 && (ci_eq(s + we - 2, "ed", 2) || ci_eq(s + we - 2, "ly", 2)))
            break;
        if (words > 0 && is_up((unsigned char)s[a]) && !is_up((unsigned char)s[q == e ? e : end - 1]))
            break;
        end = we;
        q = we;
        words++;
    }
    if (words > 0) {
        size_t a = skip_sp(s, n, e), l = end - a;
        if (l >= outsz)
            l = outsz - 1;
        memcpy(out, s + a, l);
        out[l] = '\0';
    }
    return end;
}

/* ------------------------------------------------------------------ */

static int month_of(const char *s, size_t len)
{
    unsigned char c;
    /* every month name and its shortest form has three letters or more */
    if (len < 3 || len > 9)
        return 0;
    /* the first letters of the months (j f m a s o n d): most words are
     * none, and the loop below would find nothing for them */
    c = lc((unsigned char)s[0]);
    if (c < 'a' || c > 'z' || !((1u << (c - 'a')) & (1u << ('j' - 'a') | 1u << ('f' - 'a') | 1u << ('m' - 'a') |
                                                  1u << ('a' - 'a') | 1u << ('s' - 'a') | 1u << ('o' - 'a') |
                                                  1u << ('n' - 'a') | 1u << ('d' - 'a'))))
        return 0;
    for (int i = 0; i < 12; i++) {
        size_t ml;
        if (lc((unsigned char)s[0]) != (unsigned char)month_names[i][0] && i != 8)
            continue;
        ml = strlen(month_names[i]);
        if (len <= ml && ci_eq(s, month_names[i], len))
            return i + 1;
        if (i == 8 && len == 4 && ci_eq(s, "sept", 4))
            return 9;
    }
    return 0;
}

static int match_at(const numbers_inst *I, numbers_worker *W, const pcre2_code *re, const char *s, size_t n,
                    size_t p)
{
    /* the pattern was compiled anchored: the JIT runs it (a match-time
     * PCRE2_ANCHORED would send it to the interpreter) */
    int rc = pcre2_jit_match(re, (PCRE2_SPTR)s, n, p, PCRE2_NO_UTF_CHECK, W->md, W->mctx);
    if (rc == PCRE2_ERROR_JIT_BADOPTION) /* no JIT on this machine */
        rc = pcre2_match(re, (PCRE2_SPTR)s, n, p, PCRE2_NO_UTF_CHECK, W->md, W->mctx);
    return rc;
    (void)I;
}

static int grp_int(const char *s, const PCRE2_SIZE *ov, int g)
{
    int v = 0;
    if (ov[2 * g] == PCRE2_UNSET)
        return -1;
    for (size_t i = ov[2 * g]; i < ov[2 * g + 1]; i++)
        if (is_dg((unsigned char)s[i]))
            v = v * 10 + (s[i] - '0');
    return v;
}

static int month_grp(const char *s, const PCRE2_SIZE *ov, int g)
{
    size_t a = ov[2 * g], b = ov[2 * g + 1];
    /* "may" and "march" as verbs: the month needs its capital */
    if ((b - a == 3 && memcmp(s + a, "may", 3) == 0) || (b - a == 5 && memcmp(s + a, "march", 5) == 0))
        return 0;
    return month_of(s + a, b - a);
}

/* v (0 <= v < 10^9) in decimal at out, zero-padded to width digits, as
 * printf's %0*d: returns the end (no NUL written). */
static char *put_dec(char *out, int v, int width)
{
    char tmp[12];
    int k = 0;
    do {
        tmp[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (k < width)
        tmp[k++] = '0';
    while (k > 0)
        *out++ = tmp[--k];
    return out;
}

/* "%04d-%02d-%02d", "%04d-%02d" (no day), "--%02d-%02d" (no year) without
 * snprintf; snprintf for what put_dec does not take. */
static void iso_date(char *out, size_t sz, int y, int m, int d)
{
    if (sz >= 16 && y < 100000 && m >= 0 && m < 100 && d >= 0 && d < 100) {
        char *o = out;
        if (y > 0) {
            o = put_dec(o, y, 4);
            *o++ = '-';
            o = put_dec(o, m, 2);
            if (d > 0) {
                *o++ = '-';
                o = put_dec(o, d, 2);
            }
        } else {
            *o++ = '-';
            *o++ = '-';
            o = put_dec(o, m, 2);
            *o++ = '-';
            o = put_dec(o, d, 2);
        }
        *o = '\0';
        return;
    }
    if (y > 0 && d > 0)
        snprintf(out, sz, "%04d-%02d-%02d", y, m, d);
    else if (y > 0)
        snprintf(out, sz, "%04d-%02d", y, m);
    else
        snprintf(out, sz, "--%02d-%02d", m, d);
}

/* A year "%04d", or a decade "%04d/%04d" (b >= 0), years 0..9999. */
static void iso_years(char *out, int a, int b)
{
    char *o = put_dec(out, a, 4);
    if (b >= 0) {
        *o++ = '/';
        o = put_dec(o, b, 4);
    }
    *o = '\0';
}

/* For the tests: iso_date and iso_years against snprintf. */
int numbers_iso_agrees(int y, int m, int d);
int numbers_iso_agrees(int y, int m, int d)
{
    char a[32], b[32];
    iso_date(a, sizeof a, y, m, d);
    if (y > 0 && d > 0)
        snprintf(b, sizeof b, "%04d-%02d-%02d", y, m, d);
    else if (y > 0)
        snprintf(b, sizeof b, "%04d-%02d", y, m);
    else
        snprintf(b, sizeof b, "--%02d-%02d", m, d);
    if (strcmp(a, b) != 0)
        return 0;
    if (y >= 0 && y < 10000) {
        iso_years(a, y, -1);
        snprintf(b, sizeof b, "%04d", y);
        if (strcmp(a, b) != 0)
            return 0;
        iso_years(a, y, (y + 9) % 10000);
        snprintf(b, sizeof b, "%04d/%04d", y, (y + 9) % 10000);
        if (strcmp(a, b) != 0)
            return 0;
    }
    return 1;
}

/* Dates around the digits at p. */
/* Could date_dm match at p?  A cheap test that every match passes. */
static int dm_may_start(const char *s, size_t n, size_t p)
{
    size_t q = p + 1;
    unsigned char c;
    if (q < n && is_dg((unsigned char)s[q]))
        q++;
    if (q + 1 < n && is_al((unsigned char)s[q]) && is_al((unsigned char)s[q + 1]))
        q += 2;
    if (q >= n || s[q] != ' ')
        return 0;
    q++;
    if (q + 3 < n && ci_eq(s + q, "of ", 3))
        q += 3;
    if (q >= n)
        return 0;
    c = lc((unsigned char)s[q]);
    return c == 'j' || c == 'f' || c == 'm' || c == 'a' || c == 's' || c == 'o' || c == 'n' || c == 'd';
}

static int read_date(const numbers_inst *I, numbers_worker *W, numbers_prev *pw, const char *s, size_t n, size_t p,
                     numbers_finding *f)
{
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(W->md);
    size_t ws, we;
    int rc;
    /* 2021-07-21 */
    if (p + 10 <= n && is_dg((unsigned char)s[p + 3]) && s[p + 4] == '-') {
        rc = match_at(I, W, I->date_iso, s, n, p);
        if (rc > 0) {
            int y = grp_int(s, ov, 1), m = grp_int(s, ov, 2), d = grp_int(s, ov, 3);
            if (m >= 1 && m <= 12 && d >= 1 && d <= 31) {
                f->s = p;
                f->e = ov[1];
                iso_date(f->iso, sizeof f->iso, y, m, d);
                return 1;
            }
        }
    }
    /* July 21, 2021 / July 2021 / Sept. 5 */
    {
        size_t b = p;
        if (b > 0 && s[b - 1] == ' ' && b > 1 && s[b - 2] == '.')
            b--;
        if (b < p && prev_word(s, b - 1, &ws, &we) == 0 && s[b - 1] == '.') {
            /* prev_word skipped nothing: the dot follows the word directly */
        }
        ws = we = 0;
        if (b < p) {
            we = b - 1;
            ws = word_start(s, we);
        } else {
            prev_word_kept(pw, s, p, &ws, &we);
        }
        if (we > ws && month_of(s + ws, we - ws) && (ws == 0 || !is_al((unsigned char)s[ws - 1]))) {
            rc = match_at(I, W, I->date_md, s, n, ws);
            if (rc > 0 && ov[1] > p) {
                int m = month_grp(s, ov, 1), d = grp_int(s, ov, 2), y = grp_int(s, ov, 3), y2 = grp_int(s, ov, 4);
                if (m > 0 && d >= 1 && d <= 31) {
                    f->s = ws;
                    f->e = ov[1];
                    iso_date(f->iso, sizeof f->iso, y, m, d);
                    return 1;
                }
                if (m > 0 && y2 >= 1000 && y2 <= 2200) {
                    f->s = ws;
                    f->e = ov[1];
                    iso_date(f->iso, sizeof f->iso, y2, m, 0);
                    return 1;
                }
            }
        }
    }
    /* 21 July 2021 / 21st of July: the pattern runs only where one or two
     * digits, a suffix and a space are followed by a month's first letter */
    if (p + 4 < n && dm_may_start(s, n, p)) {
        rc = match_at(I, W, I->date_dm, s, n, p);
        if (rc > 0) {
            int d = grp_int(s, ov, 1), m = month_grp(s, ov, 2), y = grp_int(s, ov, 3);
            if (m > 0 && d >= 1 && d <= 31) {
                f->s = p;
                f->e = ov[1];
                /* the dot of "21 Sept." belongs to the date, a full stop does not */
                if (y < 0 && s[f->e - 1] == '.' && ov[5] - ov[4] >= strlen(month_names[m - 1]))
                    f->e--;
                iso_date(f->iso, sizeof f->iso, y, m, d);
                return 1;
            }
        }
    }
    return 0;
}

/* Is the number at p part of a known name?  Returns the end of the name. */
#define BIT(set, k) ((set)[(k) >> 6] >> ((k) & 63) & 1)

static inline size_t prefix_sig_of(size_t len, unsigned char first, unsigned char last)
{
    return (len * 31 + first * 7 + last) & 4095;
}

static inline size_t name_ctx3_of(unsigned char before, unsigned char b0, unsigned char b1)
{
    return (((size_t)before * 251 + b0) * 251 + b1) & 0xffff;
}

static size_t known_name(const numbers_inst *I, numbers_prev *pw, const char *s, size_t n, size_t p)
{
    size_t ws = 0, we = 0, i, j;
    unsigned char b0 = (unsigned char)s[p], b1 = p + 1 < n ? (unsigned char)s[p + 1] : 0;
    int has_prev = p >= 2 && s[p - 1] == ' ' && prev_word_kept(pw, s, p, &ws, &we) && we - ws < 64 &&
                   (I->prefix_lens >> (we - ws) & 1) &&
                   BIT(I->prefix_sig, prefix_sig_of(we - ws, (unsigned char)s[ws], (unsigned char)s[we - 1]));
    /* most candidates start no name: a few bit tests before the chains */
    unsigned char bp = p > 0 ? (unsigned char)s[p - 1] : 0;
    int maybe_name = (p > 0 && (BIT(I->name_ctx3, name_ctx3_of(bp, b0, b1)) || BIT(I->name_ctx2, (size_t)bp << 8 | b0))) ||
                     BIT(I->name_pair, (size_t)b0 << 8 | b1) || BIT(I->name_single, b0);
    i = maybe_name ? I->name_head[b0] : SIZE_MAX;
    j = has_prev ? I->prefix_head : SIZE_MAX;
    /* the two chains in the order of the lists */
    while (i != SIZE_MAX || j != SIZE_MAX) {
        const numbers_name *nm;
        if (j < i) {
            nm = &I->names[j];
            j = I->name_link[j];
            if (we - ws == nm->len && memcmp(s + ws, nm->text, nm->len) == 0 && we + 1 == p) {
                size_t e = p;
                while (e < n && s[e] != ' ' && s[e] != ',' && s[e] != ';' && !(s[e] == '.' && (e + 1 >= n || s[e + 1] == ' ')))
                    e++;
                return e > p ? e : p + 1;
            }
            continue;
        }
        nm = &I->names[i];
        i = I->name_link[i];
        if (p >= nm->numpos && p - nm->numpos + nm->len <= n && s[p - nm->numpos] == nm->text[0] &&
            s[p - nm->numpos + nm->len - 1] == nm->text[nm->len - 1] &&
            memcmp(s + p - nm->numpos, nm->text, nm->len) == 0) {
            size_t a = p - nm->numpos, b = a + nm->len;
            if ((a == 0 || !is_al((unsigned char)s[a - 1]) ) && (a == 0 || !is_dg((unsigned char)s[a - 1])) &&
                (b == n || (!is_al((unsigned char)s[b]) && !is_dg((unsigned char)s[b]))))
                return b;
        }
    }
    return 0;
}

/* The non-space token around p. */
/* Bytes that end a token (1: space, newline, tab; 2: also '(' going
 * back), and bytes that make a token special (URLs, e-mail, phones). */
static const unsigned char token_stop[256] = {[' '] = 3, ['\n'] = 3, ['\t'] = 3, ['('] = 2};
static const unsigned char token_special[256] = {['/'] = 1, ['@'] = 1, [':'] = 1, ['+'] = 1, ['('] = 1, ['_'] = 1};

/* Can the exclusion pattern (I->excl: URLs, e-mail, domains, phone
 * numbers, versions, identifiers; anchored) match at ts?  A necessary
 * condition for each of its alternatives, read from the bytes at ts, so
 * that most tokens it is asked about (999,999, 20-year-old, £1.5bn) need
 * no match: 0 only where the pattern cannot match.  Under PCRE2_UTF and
 * PCRE2_CASELESS the letters of [a-z] include the Kelvin sign (e2 84 aa)
 * and the long s (c5 bf); \w and \d are ASCII (no PCRE2_UCP).  A test
 * holds it to the pattern. */
static int excl_may_match(const char *s, size_t n, size_t ts)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char c = u[ts];
    size_t i, dots;
    if (c >= 0x80) /* only a scheme can start with a byte past ASCII */
        return c == 0xe2 || c == 0xc5;
    if (c == '+' || c == '0') /* phone numbers */
        return 1;
    if (c == '(') { /* (555) 123-4567: \(\d{2,5}\) */
        for (i = ts + 1; i < n && is_dg(u[i]); i++)
            ;
        return i - ts - 1 >= 2 && i - ts - 1 <= 5 && i < n && u[i] == ')';
    }
    if (lc(c) == 'w') /* www. */
        return 1;
    if (is_al(c)) { /* scheme:// ([a-z][a-z0-9+.-]*) */
        for (i = ts + 1; i < n && (is_al(u[i]) || is_dg(u[i]) || u[i] == '+' || u[i] == '.' || u[i] == '-'); i++)
            ;
        if (i < n && (u[i] == ':' || u[i] >= 0x80))
            return 1;
    }
    /* e-mail: [\w.+-]+@ */
    for (i = ts; i < n && (is_al(u[i]) || is_dg(u[i]) || u[i] == '_' || u[i] == '.' || u[i] == '+' || u[i] == '-'); i++)
        ;
    if (i > ts && i < n && u[i] == '@')
        return 1;
    /* domain: [\w-]+ ... \.tld, a dot and a letter in a run of [\w.-] */
    for (i = ts; i < n && (is_al(u[i]) || is_dg(u[i]) || u[i] == '_' || u[i] == '.' || u[i] == '-'); i++)
        if (u[i] == '.' && i > ts && i + 1 < n && is_al(u[i + 1]))
            return 1;
    /* 555-123-4567 */
    if (is_dg(c) && ts + 3 < n && u[ts + 3] == '-')
        return 1;
    /* versions: v?\d+(\.\d+){2,} */
    i = ts + (lc(c) == 'v');
    for (dots = 0; i < n && (is_dg(u[i]) || u[i] == '.'); i++)
        dots += u[i] == '.';
    if (dots >= 2)
        return 1;
    /* identifiers: \d[\w-]*_ */
    if (is_dg(c))
        for (i = ts + 1; i < n && (is_al(u[i]) || is_dg(u[i]) || u[i] == '_' || u[i] == '-'); i++)
            if (u[i] == '_')
                return 1;
    return 0;
}

/* For the tests: wherever the exclusion pattern matches at ts,
 * excl_may_match says it may. */
int numbers_excl_agrees(const void *instance, const char *s, size_t n, size_t ts);
int numbers_excl_agrees(const void *instance, const char *s, size_t n, size_t ts)
{
    const numbers_inst *I = instance;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(I->excl, NULL);
    int rc = pcre2_match(I->excl, (PCRE2_SPTR)s, n, ts, PCRE2_NO_UTF_CHECK, md, NULL);
    pcre2_match_data_free(md);
    return rc <= 0 || excl_may_match(s, n, ts);
}

static void token_bounds(const char *s, size_t n, size_t p, size_t *ts, size_t *te)
{
    size_t a = p, b = p;
    while (a > 0 && !(token_stop[(unsigned char)s[a - 1]] & 2) && p - a < 256)
        a--;
    while (b < n && !(token_stop[(unsigned char)s[b]] & 1) && b - p < 256)
        b++;
    if (a > 0 && s[a - 1] == '(')
        a--;
    *ts = a;
    *te = b;
}

/* Does a number (digits or a number word) start after e, past spaces? */
static int number_follows(const numbers_inst *I, const char *s, size_t n, size_t e)
{
    size_t a = skip_sp(s, n, e), ae;
    if (a >= n)
        return 0;
    if (is_dg((unsigned char)s[a]))
        return 1;
    ae = word_end(s, n, a);
    if (ae - a == 1 && lc((unsigned char)s[a]) == 'a')
        return number_follows(I, s, n, ae) || parse_denom_word(I, s, n, skip_sp(s, n, ae));
    return ae > a && lex_find(I, s + a, ae - a) != NULL;
}

/* A ratio after the number in c: one over three, 1 in 5, two out of five
 * hundred.  Both numbers must be plain counts, the second not a year and
 * not followed by a unit or a currency (over 3 years, in 2008). */
static void read_ratio(const numbers_inst *I, const char *s, size_t n, numbers_core *c)
{
    size_t a = skip_sp(s, n, c->e), r, r2;
    numbers_core d;
    int in = 0, over = 0, ok;
    int pts, pw;
    const char *iso = NULL;
    const numbers_unit *u = NULL;
    if (a == c->e || !c->v.exact || c->v.m <= 0 || c->v.e < 0)
        return;
    if (a >= n || (lc((unsigned char)s[a]) != 'o' && lc((unsigned char)s[a]) != 'i'))
        return; /* how the three words start */
    if (ci_word(s, n, a, "over"))
        r = a + 4, over = 1;
    else if (ci_word(s, n, a, "in"))
        r = a + 2, in = 1;
    else if (ci_word(s, n, a, "out") && ci_word(s, n, skip_sp(s, n, a + 3), "of"))
        r = skip_sp(s, n, a + 3) + 2;
    else
        return;
    if (read_cur_prefix(s, c->s, &iso) < c->s)
        return; /* $2000 over 3 years */
    iso = NULL;
    r2 = skip_sp(s, n, r);
    if (r2 == r || r2 >= n)
        return;
    memset(&d, 0, sizeof d);
    if (is_dg((unsigned char)s[r2]))
        ok = parse_digits(I, s, n, r2, &d) == 1;
    else if (is_al((unsigned char)s[r2]))
        ok = parse_words(I, s, n, r2, 0, &d) == 1;
    else
        return;
    if (!ok || (d.flags & (F_ORD | F_FRAC | F_DECADE)) || d.unit != NULL || !d.v.exact || d.v.m <= 0 ||
        (in && d.ndig == 4) || read_percent(s, n, d.e, &pts) > d.e || read_unit(I, s, n, d.e, &u) > d.e ||
        read_cur_suffix(I, s, n, d.e, &iso, &pw) > d.e)
        return;
    if (is_al((unsigned char)s[r2]) && ci_word(s, n, r2, "hundreds"))
        return;
    {
        numv x = c->v, y = d.v;
        numv_norm(&x);
        numv_norm(&y);
        if (x.e > 6 || y.e > 6)
            return;
        for (; x.e > 0; x.e--)
            x.m *= 10;
        for (; y.e > 0; y.e--)
            y.m *= 10;
        /* a share is at most the whole: 8 in 5, 12 out of 10 are two
         * numbers (but 2000 over 3 is a quotient) */
        if (x.e != y.e || (x.m > y.m && !over))
            return;
        c->v = numv_ratio(0, x.m, 1, y.m);
    }
    c->flags = (c->flags & ~(F_PLAIN | F_SCALED)) | F_FRAC;
    c->e = d.e;
}

/* "percent of" right before p (not after a number): returns its start, or p. */
static size_t percent_of(const numbers_inst *I, numbers_prev *pw, const char *s, size_t p)
{
    size_t ws, we, ps, pe;
    if (!prev_word_kept(pw, s, p, &ws, &we) || we - ws != 2 || !ci_eq(s + ws, "of", 2) || !prev_word(s, ws, &ps, &pe))
        return p;
    if (!((pe - ps == 7 && ci_eq(s + ps, "percent", 7)) || (pe - ps == 8 && ci_eq(s + ps, "percents", 8)) ||
          (pe - ps == 4 && ci_eq(s + ps, "cent", 4))))
        return p;
    if (pe - ps == 4) { /* per cent */
        size_t a, b;
        if (!prev_word(s, ps, &a, &b) || b - a != 3 || !ci_eq(s + a, "per", 3))
            return p;
        ps = a;
    }
    {
        size_t q = skip_sp_back(s, ps), a, b;
        if (q > 0 && (is_dg((unsigned char)s[q - 1]) || s[q - 1] == '%'))
            return p;
        if (prev_word(s, ps, &a, &b) && lex_find(I, s + a, b - a) != NULL)
            return p;
    }
    return ps;
}

/* ------------------------------------------------------------------ */
/* One finding at candidate p.  Returns 1 (f filled), 0 (none; *next set). */

/* "a third", "an eighth" at p: an ordinal word after "a" or "an"; its
 * rank, and where it starts in *at (0 when none) */
static int64_t a_ordinal(const numbers_inst *I, const char *s, size_t n, size_t p, size_t *at)
{
    size_t q, we;
    const numbers_lex *L;
    if (ci_word(s, n, p, "a"))
        q = skip_sp(s, n, p + 1);
    else if (ci_word(s, n, p, "an"))
        q = skip_sp(s, n, p + 2);
    else
        return 0;
    we = word_end(s, n, q);
    L = we > q ? lex_find(I, s + q, we - q) : NULL;
    if (L == NULL || !(L->kind == W_ORD || L->kind == W_ORDTENS || L->kind == W_ORDSCALE))
        return 0;
    *at = q;
    return L->v;
}

static int find_at(const numbers_inst *I, numbers_worker *W, const char *s, size_t n, size_t p, size_t cand_end,
                   numbers_finding *f, size_t *next)
{
    const numbers_unit *ua = NULL;
    numbers_core c;
    size_t start, end, ne;
    int rc;
    const char *cur = NULL;
    int is_digit = is_dg((unsigned char)s[p]);
    numbers_prev before_p = {SIZE_MAX, 0, 0, 0};

    memset(&c, 0, sizeof c);
    finding_clear(f);
    *next = cand_end > p ? cand_end : p + 1;

    /* known names */
    ne = known_name(I, &before_p, s, n, p);
    if (ne) {
        *next = ne > p ? ne : p + 1;
        return 0;
    }

    if (is_digit) {
        size_t ts, te;
        unsigned char before = p > 0 ? (unsigned char)s[p - 1] : ' ';
        /* a letter or an underscore glued before the digits: G7, MP3, A380,
         * file_2020 (but USD50, Rs20) */
        if (before == '_' || (is_al(before) && word_start(s, p) > 0 && s[word_start(s, p) - 1] == '_') ||
            (is_al(before) && !(p - word_start(s, p) <= 3 && p - word_start(s, p) >= 2 &&
                               in_list(cur_codes, CUR_CODES_N, s + word_start(s, p), p - word_start(s, p))))) {
            while (*next < n && (is_dg((unsigned char)s[*next]) || is_al((unsigned char)s[*next])))
                (*next)++;
            return 0;
        }
        /* a capitalised word and a hyphen before: COVID-19, F-16 */
        if (before == '-' && p >= 2 && is_al((unsigned char)s[p - 2])) {
            size_t ws = word_start(s, p - 1);
            int upper = 0;
            for (size_t i = ws; i < p - 1; i++)
                upper |= is_up((unsigned char)s[i]);
            if (upper || (ws > 0 && s[ws - 1] == '-')) {
                while (*next < n && (is_dg((unsigned char)s[*next]) || is_al((unsigned char)s[*next])))
                    (*next)++;
                return 0;
            }
        }
        /* URLs, e-mail addresses, phone numbers, versions */
        token_bounds(s, n, p, &ts, &te);
        {
            int special = 0;
            for (size_t i = ts; i < te && !special; i++)
                special = token_special[(unsigned char)s[i]];
            if (!special && s[ts] == '0' && te - ts >= 3 && te - ts <= 5 && is_dg((unsigned char)s[ts + 1]))
                special = 1;
            if (!special && te - ts == 3 && p == ts && te + 4 < n && s[te] == '-' )
                special = 1;
            if (!special && te - ts >= 7 && s[ts] != '$')
                special = 1;
            if (special && excl_may_match(s, n, ts)) {
                rc = match_at(I, W, I->excl, s, n, ts);
                if (rc > 0) {
                    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(W->md);
                    if (ov[1] > p) {
                        *next = ov[1];
                        return 0;
                    }
                }
            }
        }
        /* dates */
        if (read_date(I, W, &before_p, s, n, p, f)) {
            f->kind = "date";
            return 1;
        }
        /* .5 and -4 */
        {
            size_t q = p;
            int neg = 0;
            if (q >= 1 && s[q - 1] == '.' && (q == 1 || s[q - 2] == ' ' || s[q - 2] == '('))
                q--;
            if (q >= 1 && s[q - 1] == '-' &&
                (q == 1 || s[q - 2] == ' ' || s[q - 2] == '(' || s[q - 2] == '\n' || s[q - 2] == '<' || s[q - 2] == '>' ||
                 s[q - 2] == '='))
                q--, neg = 1;
            else if (q >= 3 && memcmp(s + q - 3, "\xe2\x88\x92", 3) == 0)
                q -= 3, neg = 1;
            rc = parse_digits(I, s, n, neg ? (s[p - 1] == '.' ? p - 1 : p) : q, &c);
            if (rc <= 0) {
                *next = rc < 0 ? (c.e > p ? c.e : p + 1) : p + 1;
                while (*next < n && (is_dg((unsigned char)s[*next]) || is_al((unsigned char)s[*next])))
                    (*next)++;
                return 0;
            }
            /* 3 hundred and 21, 4 thousand 3 hundred */
            if ((c.flags & F_SCALED) && c.ndig <= 3 && !neg && q == p && c.v.exact) {
                numbers_core w;
                memset(&w, 0, sizeof w);
                if (parse_words(I, s, n, p, 0, &w) && w.e > c.e && !(w.flags & (F_ORD | F_FRAC)))
                    c = w;
            }
            if (neg) {
                numv_neg(&c.v);
                c.flags = (c.flags & ~F_PLAIN) | F_NEG;
                c.s = q;
            }
        }
    } else if ((unsigned char)s[p] == 0xc2 || (unsigned char)s[p] == 0xe2) {
        /* vulgar fractions: U+00BC..U+00BE, U+2150..U+215E */
        static const unsigned char num_tab[15] = {1, 1, 1, 1, 2, 1, 2, 3, 4, 1, 5, 1, 3, 5, 7};
        static const unsigned char den_tab[15] = {7, 9, 10, 3, 3, 5, 5, 5, 5, 6, 6, 8, 8, 8, 8};
        unsigned char b1 = (unsigned char)s[p + 1];
        double v;
        if (b1 >= 0xbc && b1 <= 0xbe && (unsigned char)s[p] == 0xc2) {
            v = b1 == 0xbc ? 0.25 : b1 == 0xbd ? 0.5 : 0.75;
            c.e = p + 2;
        } else {
            unsigned k = (unsigned char)s[p + 2] - 0x90u;
            if (k > 14)
                return 0;
            v = (double)num_tab[k] / (double)den_tab[k];
            c.e = p + 3;
        }
        c.s = p;
        c.v = numv_real(v);
        c.flags = F_FRAC;
    } else {
        size_t we = word_end(s, n, p), ws, pwe;
        const numbers_lex *L = lex_find(I, s + p, we - p);
        int lead_a = 0;
        size_t a_start = p;
        if (L == NULL)
            return 0;
        if (p > 0 && (is_al((unsigned char)s[p - 1]) || is_dg((unsigned char)s[p - 1])))
            return 0;
        /* "a" or "an" before */
        if (prev_word_kept(&before_p, s, p, &ws, &pwe) && ((pwe - ws == 1 && lc((unsigned char)s[ws]) == 'a') ||
                                          (pwe - ws == 2 && ci_eq(s + ws, "an", 2)))) {
            lead_a = 1;
            a_start = ws;
        }
        if (L->kind == W_VAGUE || (L->kind == W_DOZEN && !lead_a && L->word[5] == 's')) {
            /* tens of thousands, hundreds of millions, thousands of */
            size_t r = skip_sp(s, n, we);
            if (r > we && ci_word(s, n, r, "of")) {
                size_t b = skip_sp(s, n, r + 2), be = word_end(s, n, b);
                const numbers_lex *M = be > b ? lex_find(I, s + b, be - b) : NULL;
                c.s = p;
                c.flags = F_VAGUE | F_WORDS;
                if (M && M->kind == W_VAGUE && M->v >= 1000 && M->v > L->v) {
                    c.v = numv_int(L->v);
                    numv_times(&c.v, M->v);
                    c.e = be;
                } else {
                    c.v = numv_int(L->v);
                    c.e = we;
                }
                c.approx = L->v == 12 ? "dozens of" : L->v == 10 ? "tens of" : L->v == 100 ? "hundreds of"
                         : L->v == 1000 ? "thousands of" : L->v == 1000000 ? "millions of" : "billions of";
            } else {
                return 0;
            }
        } else if ((L->kind == W_HALF || L->kind == W_QUARTER) && !lead_a) {
            /* half a dozen, half a million, quarter million */
            size_t r = skip_sp(s, n, we), b, be = 0;
            int64_t mult = 0;
            if (r > we && ci_word(s, n, r, "a") && (b = skip_sp(s, n, r + 1)) > r + 1)
                be = scale_word(I, s, n, b, &mult);
            else if (r > we)
                be = scale_word(I, s, n, r, &mult);
            const char *h = NULL;
            if (be && (mult >= 1000 || (mult == 12 && L->kind == W_HALF))) {
                c.s = p;
                c.e = be;
                c.v = numv_int(L->kind == W_HALF ? 5 : 25);
                c.v.e = L->kind == W_HALF ? -1 : -2;
                numv_times(&c.v, mult);
                c.flags = F_WORDS | F_SCALED;
            } else if (L->kind == W_HALF && read_hedge(I, s, p, &h) < p) {
                /* more than half, almost half */
                c.s = p;
                c.e = we;
                c.v = numv_int(5);
                c.v.e = -1;
                c.flags = F_WORDS | F_FRAC;
            } else {
                return 0;
            }
        } else if (L->kind == W_HALF || L->kind == W_QUARTER) {
            c.s = a_start;
            c.e = we;
            c.v = numv_int(L->kind == W_HALF ? 5 : 25);
            c.v.e = L->kind == W_HALF ? -1 : -2;
            c.flags = F_WORDS | F_FRAC;
            {
                /* a quarter of a million, a quarter million */
                size_t be;
                int64_t mult = 0;
                if ((be = frac_scale(I, s, n, we, &mult)) != 0) {
                    numv_times(&c.v, mult);
                    c.flags = F_WORDS | F_SCALED;
                    c.e = be;
                }
            }
        } else if (L->kind == W_COUPLE) {
            if (!lead_a)
                return 0;
            c.s = a_start;
            c.e = we;
            c.v = numv_int(2);
            c.flags = F_WORDS;
        } else if (L->kind == W_PERIOD) {
            if (!lead_a)
                return 0;
            c.s = a_start;
            c.e = we;
            c.v = numv_int(1);
            c.flags = F_WORDS | F_PERIOD;
            c.unit = L->v == 10 ? "decades" : "centuries";
            c.ukind = 'd';
        } else {
            if (lead_a && !(L->kind == W_HUNDRED || L->kind == W_SCALE || L->kind == W_DOZEN ||
                            L->kind == W_ORDSCALE || L->kind == W_ORD || L->kind == W_ORDTENS || L->kind == W_TENS))
                lead_a = 0;
            if (!parse_words(I, s, n, p, lead_a, &c)) {
                if (!lead_a || !parse_words(I, s, n, p, 0, &c))
                    return 0;
                lead_a = 0;
            }
            if (lead_a)
                c.s = a_start;
            /* five lakh, four crore, three lakh crore, five dozs */
            if (!(c.flags & (F_ORD | F_FRAC))) {
                size_t r = skip_sp(s, n, c.e), se;
                int64_t mult = 0, prev = 1;
                while (r > c.e && (se = scale_word(I, s, n, r, &mult)) != 0 && mult > prev &&
                       ((mult >= 1000 && pow10_of(mult) != 0) || (mult == 12 && prev == 1)) &&
                       lex_find(I, s + r, se - r) == NULL) {
                    numv_times(&c.v, mult);
                    c.flags |= F_SCALED;
                    c.e = se;
                    prev = mult;
                    r = skip_sp(s, n, se);
                }
                if (prev >= 1000)
                    c.e = and_tail(I, s, n, c.e, prev, &c.v);
            }
            /* 'one' that is not a count: one of the, no one, the one */
            if (!(c.flags & (F_ORD | F_FRAC)) && c.e == we && ci_word(s, n, p, "one")) {
                size_t r = skip_sp(s, n, we);
                if ((r > we && (ci_word(s, n, r, "of") || ci_word(s, n, r, "another") || ci_word(s, n, r, "day") ||
                                ci_word(s, n, r, "thing") || ci_word(s, n, r, "way"))))
                    return 0;
                if (prev_word_kept(&before_p, s, p, &ws, &pwe)) {
                    static const char *const no_one[] = {"no", "any", "every", "some", "the", "this", "that",
                                                         "each", "which", "little", "only", "someone", "everyone",
                                                         "anyone", "new", "last", "other", "big", "right", "wrong"};
                    if (in_list(no_one, sizeof no_one / sizeof no_one[0], s + ws, pwe - ws))
                        return 0;
                }
                if (r < n && s[r] == '\'')
                    return 0;
            }
            /* 'second' as a unit of time after a number is read as a unit */
        }
    }

    /* one over three, 1 in 5, two out of five hundred */
    if (!(c.flags & (F_ORD | F_FRAC | F_VAGUE | F_PERIOD | F_DECADE | F_NEG)) && c.unit == NULL) {
        read_ratio(I, s, n, &c);
    }
    start = c.s;
    end = c.e;
    /* minus five, negative ten */
    {
        size_t ws, pwe;
        if (!(c.flags & F_NEG) && prev_word_kept(&before_p, s, start, &ws, &pwe) &&
            ((pwe - ws == 5 && ci_eq(s + ws, "minus", 5)) || (pwe - ws == 8 && ci_eq(s + ws, "negative", 8)))) {
            numv_neg(&c.v);
            c.flags = (c.flags & ~F_PLAIN) | F_NEG;
            start = ws;
        }
    }

    /* currency before */
    {
        const char *iso = NULL;
        size_t cs = read_cur_prefix(s, start, &iso);
        if (iso != NULL && cs < start) {
            cur = iso;
            start = cs;
        }
    }
    /* No. 1 */
    if (!cur && is_digit && (c.flags & F_PLAIN)) {
        size_t q = skip_sp_back(s, start);
        if (q >= 3 && s[q - 1] == '.' && (s[q - 2] == 'o') && (s[q - 3] == 'N' || s[q - 3] == 'n') &&
            (q == 3 || !is_al((unsigned char)s[q - 4]))) {
            c.flags = (c.flags & ~F_PLAIN) | F_ORD;
            start = q - 3;
        }
    }

    if (c.flags & F_DECADE) {
        int64_t y = c.v.m;
        if (c.ndig == 2)
            y += (y >= 30 ? 1900 : 2000);
        f->kind = "year";
        if (y >= 0)
            iso_years(f->iso, (int)(y % 10000), (int)((y + 9) % 10000));
        else
            snprintf(f->iso, sizeof f->iso, "%04d/%04d", (int)(y % 10000), (int)((y + 9) % 10000));
        f->s = start;
        f->e = end;
        if (c.ndig == 2 && start > 0 && s[start - 1] == '\'')
            f->s = start - 1;
        goto hedge;
    }

    /* percent of 10, per cent of twenty-two */
    if (!cur && !(c.flags & (F_ORD | F_FRAC | F_VAGUE | F_PERIOD))) {
        size_t ps = percent_of(I, &before_p, s, start);
        if (ps < start) {
            f->kind = "percent";
            set_unit(f, "percent");
            start = ps;
            c.flags |= F_PCT;
            f->value = c.v;
            f->has_value = 1;
            f->s = start;
            f->e = end;
            goto hedge;
        }
    }

    /* suffixes: percent, currency */
    {
        int points = 0, pw = 0;
        const char *iso = NULL;
        size_t pe = (c.flags & (F_ORD | F_DECADE)) ? end : read_percent(s, n, end, &points);
        if (pe > end) {
            f->kind = "percent";
            set_unit(f, points ? "percentage points" : "percent");
            end = pe;
            c.flags |= F_PCT;
        } else if (!(c.flags & (F_ORD | F_DECADE)) && (pe = read_cur_suffix(I, s, n, end, &iso, &pw)) > end) {
            if (!cur || strcmp(cur, iso) == 0 || pw == 0) {
                if (!cur)
                    cur = iso;
                end = pe;
                if (pw) {
                    numv_scale(&c.v, pw);
                } else {
                    /* 75 USD million */
                    size_t r = skip_sp(s, n, end), se;
                    int64_t mult = 0;
                    if (!(c.flags & F_SCALED) && r > end && (se = scale_word(I, s, n, r, &mult)) != 0 && mult >= 1000) {
                        numv_times(&c.v, mult);
                        c.flags |= F_SCALED;
                        end = se;
                    } else {
                        end = read_cents(I, s, n, end, &c.v, 1);
                    }
                }
                /* $5 million dollars: keep the sign's currency */
            }
        }
    }
    if (cur && !(c.flags & F_PCT) && end == c.e)
        end = read_cents(I, s, n, end, &c.v, 0); /* $20 and 43c */
    if (cur) {
        f->kind = "money";
        f->currency = cur;
        set_unit(f, cur);
    }

    /* ranks: between the tenth and the fifteenth (each "the" may be left
     * out); the second rank is an ordinal too, and not below the first */
    if ((c.flags & F_ORD) && !cur) {
        size_t ws, we, a = skip_sp(s, n, end), r = 0;
        /* the word before, past a "the" */
        int has = prev_word_kept(&before_p, s, start, &ws, &we);
        if (has && we - ws == 3 && ci_eq(s + ws, "the", 3))
            has = prev_word(s, ws, &ws, &we);
        if (has && we - ws == 7 && ci_eq(s + ws, "between", 7) && a > end && ci_word(s, n, a, "and") &&
            (r = skip_sp(s, n, a + 3)) > a + 3 && ci_word(s, n, r, "the"))
            r = skip_sp(s, n, r + 3) > r + 3 ? skip_sp(s, n, r + 3) : 0;
        if (r > a && r < n) {
            numbers_core c2;
            int ok = 0;
            memset(&c2, 0, sizeof c2);
            if (is_dg((unsigned char)s[r]))
                ok = parse_digits(I, s, n, r, &c2) == 1;
            else if (is_al((unsigned char)s[r]))
                ok = parse_words(I, s, n, r, 0, &c2) == 1;
            if (ok && (c2.flags & F_ORD) && !(c2.flags & F_FRAC) && numv_double(c.v) < numv_double(c2.v)) {
                f->low = c.v;
                f->high = c2.v;
                f->kind = "range";
                start = ws;
                end = c2.e;
                goto range_done;
            }
        }
    }

    /* ranges: 20-30, 20 to 30, between 20 and 30, from 5 to 10 million */
    if (!(c.flags & (F_ORD | F_VAGUE | F_PERIOD))) {
        size_t q = end, r = 0;
        int between = 0, from = 0;
        size_t ws, pwe, pre = start;
        if (prev_word_kept(&before_p, s, start, &ws, &pwe)) {
            if (ci_word(s, n, ws, "between") && pwe - ws == 7)
                between = 1, pre = ws;
            else if (ci_word(s, n, ws, "from") && pwe - ws == 4)
                from = 1, pre = ws;
        }
        if (q + 1 < n && (s[q] == '-' || s[q] == '/') && s[q] == '-' && (is_dg((unsigned char)s[q + 1]) || (unsigned char)s[q+1] == 0xc2 || s[q+1] == '$' || ((unsigned char)s[q+1] == 0xe2)))
            r = q + 1;
        else if (q + 3 < n && memcmp(s + q, "\xe2\x80\x93", 3) == 0)
            r = q + 3;
        else if (q + 1 < n && s[q] == '~' && is_dg((unsigned char)s[q + 1]))
            r = q + 1;
        else {
            size_t a = skip_sp(s, n, q);
            if (a > q) {
                if (between && ci_word(s, n, a, "and"))
                    r = skip_sp(s, n, a + 3);
                else if (ci_word(s, n, a, "to") && (from || between || (c.flags & F_PCT) || cur || 1))
                    r = skip_sp(s, n, a + 2);
                else if (s[a] == '-' && a + 1 < n && s[a + 1] == ' ')
                    r = skip_sp(s, n, a + 1);
                else if (a + 3 < n && memcmp(s + a, "\xe2\x80\x93", 3) == 0)
                    r = skip_sp(s, n, a + 3);
                else if (ci_word(s, n, a, "through"))
                    r = skip_sp(s, n, a + 7);
                if (r && r == skip_sp_back(s, r))
                    r = 0;
            }
        }
        if (r && r < n) {
            numbers_core c2;
            const char *iso2 = NULL;
            size_t r2 = r;
            int ok = 0;
            memset(&c2, 0, sizeof c2);
            /* $5 to $10 */
            if (s[r2] == '$')
                r2++, iso2 = "USD";
            else if (r2 + 1 < n && (unsigned char)s[r2] == 0xc2 && (unsigned char)s[r2 + 1] == 0xa3)
                r2 += 2, iso2 = "GBP";
            else if (r2 + 2 < n && memcmp(s + r2, "\xe2\x82\xac", 3) == 0)
                r2 += 3, iso2 = "EUR";
            if (r2 < n && is_dg((unsigned char)s[r2]))
                ok = parse_digits(I, s, n, r2, &c2) == 1;
            else if (r2 < n && is_al((unsigned char)s[r2]) && (c.flags & F_WORDS))
                ok = parse_words(I, s, n, r2, 0, &c2) == 1;
            if (ok && !(c2.flags & (F_ORD | F_DECADE)) && (!iso2 || !cur || strcmp(iso2, cur) == 0)) {
                numv lo = c.v, hi = c2.v;
                size_t e2 = c2.e;
                int pts = 0, pw = 0;
                const char *iso3 = NULL;
                size_t pe;
                /* 2004-05 */
                if ((c.flags & F_PLAIN) && (c2.flags & F_PLAIN) && c.ndig == 4 && c2.ndig == 2 && s[r - 1] == '-') {
                    hi = numv_int(c.v.m / 100 * 100 + c2.v.m);
                    if (hi.m < lo.m)
                        hi.m += 100;
                    /* 1995-01 is a month; 2004-05 and 1939-45 are spans of years */
                    if (c2.v.m >= 1 && c2.v.m <= 12 && hi.m - lo.m != 1)
                        goto not_range;
                }
                /* 5 to 10 million */
                if (!(c.flags & F_SCALED) && (c2.flags & F_SCALED) && c2.scale)
                    numv_scale(&lo, c2.scale);
                pe = read_percent(s, n, e2, &pts);
                if (pe > e2) {
                    if (!(c.flags & F_PCT)) {
                        f->kind = "percent";
                        set_unit(f, pts ? "percentage points" : "percent");
                    }
                    e2 = pe;
                } else if (!(c.flags & F_PCT) && (pe = read_cur_suffix(I, s, n, e2, &iso3, &pw)) > e2 &&
                           (!cur || strcmp(cur, iso3) == 0)) {
                    if (pw) {
                        numv_scale(&lo, pw);
                        numv_scale(&hi, pw);
                    }
                    cur = iso3;
                    e2 = pe;
                } else if ((c.flags & F_PCT) && !(c2.flags & F_PCT)) {
                    /* 5% to 10: still a range of percents */
                }
                if (iso2 && !cur)
                    cur = iso2;
                if (numv_double(lo) <= numv_double(hi) || between || from) {
                    f->low = lo;
                    f->high = hi;
                    f->kind = "range";
                    if (cur) {
                        f->currency = cur;
                        set_unit(f, cur);
                    }
                    if (between || from)
                        start = pre;
                    end = e2;
                    c.flags |= F_SCALED;
                    goto range_done;
                }
            }
        }
    }
not_range:
    if (f->kind == NULL) {
        if (c.flags & F_ORD)
            f->kind = "ordinal";
        else if (c.flags & F_FRAC)
            f->kind = "fraction";
    }
    f->value = c.v;
    f->has_value = 1;
range_done:
    /* a fraction of a unit is a quantity or a duration (1/4 mile, two and a
     * half years), but "a third week", "a sixth-minute goal" are ranks */
    if (f->kind != NULL && kind_cmp(f->kind, "fraction") == 0 && (c.unit || read_unit(I, s, n, end, &ua) > end)) {
        size_t at = 0;
        int64_t rank = a_ordinal(I, s, n, start, &at);
        if (rank > 0) {
            f->kind = "ordinal";
            f->value = numv_int(rank);
            start = at;
        } else {
            f->kind = NULL;
        }
    }
    if (f->kind == NULL || kind_cmp(f->kind, "range") == 0) {
        const numbers_unit *u = NULL;
        size_t ue = end;
        if (c.unit) {
            f->kind = f->kind ? f->kind : (c.ukind == 'd' ? "duration" : "quantity");
            set_unit(f, c.unit);
        } else if (f->unit[0] == '\0' && (ue = read_unit(I, s, n, end, &u)) > end) {
            f->kind = f->kind ? f->kind : (u->kind == 'd' ? "duration" : "quantity");
            set_unit(f, u->unit);
            end = ue;
        }
    }
    if (f->kind == NULL) {
        /* a year? */
        int64_t y = c.v.m;
        if ((c.flags & F_PLAIN) && c.ndig == 4 && c.v.e == 0 && y >= 1000 && y <= 2100) {
            size_t ws, pwe;
            const char *h = NULL;
            int cue = prev_word_kept(&before_p, s, start, &ws, &pwe) && in_list(year_cues, YEAR_CUES_N, s + ws, pwe - ws);
            if ((cue || (y >= 1900 && y <= 2099)) && read_hedge(I, s, start, &h) == start) {
                f->kind = "year";
                iso_years(f->iso, (int)y, -1); /* 1000..2100 */
                f->has_value = 0;
            }
        }
    }
    if (f->kind == NULL)
        f->kind = "cardinal";
    if (c.approx)
        f->approx = c.approx;
    /* what is counted */
    if (f->unit[0] == '\0' && (kind_cmp(f->kind, "cardinal") == 0 || kind_cmp(f->kind, "range") == 0))
        read_counted(I, s, n, end, f->unit, sizeof f->unit);
    f->s = start;
    f->e = end;
    /* 500 or more, ten or fewer */
    if (f->approx == NULL && kind_cmp(f->kind, "range") != 0 && kind_cmp(f->kind, "year") != 0) {
        static const struct { const char *w; const char *norm; } post[] = {
            {"or more", "at least"}, {"and more", "at least"}, {"or above", "at least"}, {"and above", "at least"},
            {"or over", "at least"}, {"or higher", "at least"}, {"or greater", "at least"},
            {"or less", "up to"}, {"or fewer", "up to"}, {"and below", "up to"}, {"or below", "up to"},
            {"or under", "up to"}, {"or lower", "up to"}, {"and under", "up to"}, {"and less", "up to"},
        };
        size_t a = skip_sp(s, n, f->e);
        if (a > f->e && (ci_word(s, n, a, "or") || ci_word(s, n, a, "and"))) /* how each phrase starts */
            for (size_t i = 0; i < sizeof post / sizeof post[0]; i++) {
                size_t pe, th;
                if (!ci_word(s, n, a, post[i].w))
                    continue;
                pe = a + strlen(post[i].w);
                /* 200 or greater than (nothing compared after it) */
                th = skip_sp(s, n, pe);
                if (th > pe && ci_word(s, n, th, "than")) {
                    if (number_follows(I, s, n, th + 4))
                        continue;
                    pe = th + 4;
                }
                if (!number_follows(I, s, n, pe) && !ci_word(s, n, skip_sp(s, n, pe), "or")) {
                    const char *h = NULL;
                    size_t hs = read_hedge(I, s, f->s, &h);
                    f->approx = post[i].norm;
                    f->e = pe;
                    f->unit[0] = '\0';
                    f->unit_ref = NULL;
                    if (kind_cmp(f->kind, "cardinal") == 0)
                        read_counted(I, s, n, f->e, f->unit, sizeof f->unit);
                    /* equal to 5000 or less: the bound is the claim */
                    if (h != NULL && strcmp(h, "exactly") == 0)
                        f->s = hs;
                    break;
                }
            }
    }
hedge:
    if (f->approx == NULL) {
        const char *h = NULL;
        size_t hs = read_hedge(I, s, f->s, &h);
        if (h != NULL && kind_cmp(f->kind, "date") != 0) {
            /* "some" and "over" only before a count, not "over 2020" */
            f->approx = h;
            f->s = hs;
            /* less than 5000 or equal (to): the bound is included */
            if (strcmp(h, "more than") == 0 || strcmp(h, "fewer than") == 0) {
                size_t a = skip_sp(s, n, f->e), pe;
                if (a > f->e && ci_word(s, n, a, "or equal")) {
                    pe = a + 8;
                    if (ci_word(s, n, skip_sp(s, n, pe), "to"))
                        pe = skip_sp(s, n, pe) + 2;
                    if (!number_follows(I, s, n, pe)) {
                        f->approx = h[0] == 'm' ? "at least" : "up to";
                        f->e = pe;
                    }
                }
            }
        }
    }
    return 1;
}

/* ------------------------------------------------------------------ */
/* Candidates: a digit, a vulgar fraction sign, or a number word.  The
 * same set the pattern in create() describes; this scan skips whole words
 * by filters on their first letters, which is several times faster than a
 * caseless alternation of ninety words. */

/* Byte classes for the scan: 0 nothing, 1 digit, 2 letter, 3 lead byte of
 * a vulgar fraction sign, 4 digit-like glue (underscore). */
static const unsigned char scan_class[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['A'] = 2, ['B'] = 2, ['C'] = 2, ['D'] = 2, ['E'] = 2, ['F'] = 2, ['G'] = 2, ['H'] = 2, ['I'] = 2, ['J'] = 2,
    ['K'] = 2, ['L'] = 2, ['M'] = 2, ['N'] = 2, ['O'] = 2, ['P'] = 2, ['Q'] = 2, ['R'] = 2, ['S'] = 2, ['T'] = 2,
    ['U'] = 2, ['V'] = 2, ['W'] = 2, ['X'] = 2, ['Y'] = 2, ['Z'] = 2,
    ['a'] = 2, ['b'] = 2, ['c'] = 2, ['d'] = 2, ['e'] = 2, ['f'] = 2, ['g'] = 2, ['h'] = 2, ['i'] = 2, ['j'] = 2,
    ['k'] = 2, ['l'] = 2, ['m'] = 2, ['n'] = 2, ['o'] = 2, ['p'] = 2, ['q'] = 2, ['r'] = 2, ['s'] = 2, ['t'] = 2,
    ['u'] = 2, ['v'] = 2, ['w'] = 2, ['x'] = 2, ['y'] = 2, ['z'] = 2,
    [0xc2] = 3, [0xe2] = 3, ['_'] = 4,
};

#if defined(__SSE2__)
/* Sixteen bytes at p: a bit for each ASCII letter. */
static inline unsigned letters16(const unsigned char *p)
{
    __m128i v = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)p), _mm_set1_epi8(0x20));
    __m128i ge = _mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1));
    __m128i le = _mm_cmplt_epi8(v, _mm_set1_epi8('z' + 1));
    return (unsigned)_mm_movemask_epi8(_mm_and_si128(ge, le));
}
#endif

/* The end of the run of ASCII letters that starts at i. */
static inline size_t letters_end(const unsigned char *u, size_t n, size_t i)
{
#if defined(__SSE2__)
    while (i + 16 <= n) {
        unsigned m = ~letters16(u + i) & 0xffffu;
        if (m)
            return i + (size_t)__builtin_ctz(m);
        i += 16;
    }
#endif
    while (i < n && scan_class[u[i]] == 2)
        i++;
    return i;
}

static size_t next_candidate_bytes(const numbers_inst *I, const char *s, size_t n, size_t pos, size_t *cend)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = pos;
    for (;;) {
        unsigned char k;
        while (i < n && scan_class[u[i]] == 0)
            i++;
        if (i >= n)
            return n;
        k = scan_class[u[i]];
        if (k == 1) {
            *cend = i + 1;
            return i;
        }
        if (k == 2) {
            size_t e = letters_end(u, n, i + 1);
            if (e - i >= 3 && e - i <= 11 && (I->first2[(u[i] | 32) - 'a'][(u[i + 1] | 32) - 'a'] >> (e - i) & 1) &&
                (i == 0 || scan_class[u[i - 1]] != 1) && (e == n || (scan_class[u[e]] != 1 && scan_class[u[e]] != 4)) &&
                lex_find(I, s + i, e - i) != NULL) {
                *cend = e;
                return i;
            }
            /* skip the rest of a word glued to digits or underscores, but
             * not the digits after a currency code (USD50, Rs20) */
            if (e < n && scan_class[u[e]] == 1 && e - i <= 3 && in_list(cur_codes, CUR_CODES_N, s + i, e - i)) {
                i = e;
                continue;
            }
            while (e < n && (scan_class[u[e]] == 2 || scan_class[u[e]] == 1 || scan_class[u[e]] == 4))
                e++;
            i = e;
            continue;
        }
        if (k == 4) {
            /* x_5, _Name: part of an identifier */
            while (i < n && (scan_class[u[i]] == 2 || scan_class[u[i]] == 1 || scan_class[u[i]] == 4))
                i++;
            continue;
        }
        if (k == 3) {
            if (u[i] == 0xc2 && i + 1 < n && u[i + 1] >= 0xbc && u[i + 1] <= 0xbe) {
                *cend = i + 2;
                return i;
            }
            if (u[i] == 0xe2 && i + 2 < n && u[i + 1] == 0x85 && u[i + 2] >= 0x90 && u[i + 2] <= 0x9e) {
                *cend = i + 3;
                return i;
            }
        }
        i++;
    }
}

/* Is the word of letters [i, e) a number word the scan stops at? */
static inline int scan_word_ok(const numbers_inst *I, const unsigned char *u, size_t n, size_t i, size_t e)
{
    return e - i >= 3 && e - i <= 11 && (I->first2[(u[i] | 32) - 'a'][(u[i + 1] | 32) - 'a'] >> (e - i) & 1) &&
           (i == 0 || scan_class[u[i - 1]] != 1) && (e == n || (scan_class[u[e]] != 1 && scan_class[u[e]] != 4)) &&
           lex_find(I, (const char *)u + i, e - i) != NULL;
}

#if defined(__SSE2__)
/* Bit masks of the 64 bytes at u: letters, digits, and lead bytes of
 * vulgar fraction signs (0xc2, 0xe2). */
/* Bytes of v in [lo, hi] (unsigned), with signed compares only. */
static inline __m128i in_range(__m128i v, char lo, char hi)
{
    __m128i t = _mm_xor_si128(_mm_sub_epi8(v, _mm_set1_epi8(lo)), _mm_set1_epi8((char)0x80));
    return _mm_cmplt_epi8(t, _mm_set1_epi8((char)(hi - lo + 1 - 128)));
}

static inline void scan_masks(const unsigned char *u, uint64_t *let, uint64_t *dig, uint64_t *lead, uint64_t *ini)
{
    uint64_t l = 0, d = 0, x = 0, f = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + 16 * k));
        __m128i lo = _mm_or_si128(v, _mm_set1_epi8(0x20));
        __m128i isl = _mm_and_si128(_mm_cmpgt_epi8(lo, _mm_set1_epi8('a' - 1)), _mm_cmplt_epi8(lo, _mm_set1_epi8('z' + 1)));
        __m128i isd = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
        __m128i isx = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xc2)), _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xe2)));
        /* b-f, h, m-q, s-t, z: SCAN_INITIALS */
        __m128i isi = _mm_or_si128(_mm_or_si128(in_range(lo, 'b', 'f'), in_range(lo, 'm', 'q')),
                                   _mm_or_si128(in_range(lo, 's', 't'),
                                                _mm_or_si128(_mm_cmpeq_epi8(lo, _mm_set1_epi8('h')),
                                                             _mm_cmpeq_epi8(lo, _mm_set1_epi8('z')))));
        l |= (uint64_t)(unsigned)_mm_movemask_epi8(isl) << (16 * k);
        d |= (uint64_t)(unsigned)_mm_movemask_epi8(isd) << (16 * k);
        x |= (uint64_t)(unsigned)_mm_movemask_epi8(isx) << (16 * k);
        f |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_and_si128(isi, isl)) << (16 * k);
    }
    *let = l;
    *dig = d;
    *lead = x;
    *ini = f;
}

#if NUMBERS_WIDE_SCAN
/* The masks of scan_masks from AVX2, 32 bytes at a time, with ini made
 * closer: a letter that may begin a number word by the pairs it makes
 * with the next byte (pair_first, pair_second) and the next byte with the
 * one after (pair2_second, pair2_third); the low five bits of a byte index
 * the tables, so a byte that is no letter only lets more through.  Reads
 * the two bytes after the block. */
static inline __attribute__((target("avx2"))) __m256i wide_in_range(__m256i v, char lo, char span)
{
    __m256i t = _mm256_sub_epi8(v, _mm256_set1_epi8(lo));
    return _mm256_cmpeq_epi8(_mm256_min_epu8(t, _mm256_set1_epi8(span)), t);
}

/* The class bits of table[c & 31] for each byte c: the low and high
 * halves of the table by two shuffles (an index with its top bit set
 * gives 0). */
static inline __attribute__((target("avx2"))) __m256i wide_classes(__m256i c, __m256i t_lo, __m256i t_hi)
{
    c = _mm256_and_si256(c, _mm256_set1_epi8(31));
    return _mm256_or_si256(_mm256_shuffle_epi8(t_lo, _mm256_add_epi8(c, _mm256_set1_epi8(0x70))),
                           _mm256_shuffle_epi8(t_hi, _mm256_sub_epi8(c, _mm256_set1_epi8(16))));
}

static __attribute__((target("avx2"))) void scan_masks_wide(const numbers_inst *I, const unsigned char *u, uint64_t *let,
                                                            uint64_t *dig, uint64_t *lead, uint64_t *ini)
{
    const __m256i f_lo = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)I->pair_first));
    const __m256i f_hi = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)(I->pair_first + 16)));
    const __m256i s_lo = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)I->pair_second));
    const __m256i s_hi = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)(I->pair_second + 16)));
    const __m256i s2_lo = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)I->pair2_second));
    const __m256i s2_hi = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)(I->pair2_second + 16)));
    const __m256i t_lo = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)I->pair2_third));
    const __m256i t_hi = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)(I->pair2_third + 16)));
    uint64_t l = 0, d = 0, x = 0, f = 0;
    for (int k = 0; k < 2; k++) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(u + 32 * k));
        __m256i w = _mm256_loadu_si256((const __m256i *)(const void *)(u + 32 * k + 1));
        __m256i w2 = _mm256_loadu_si256((const __m256i *)(const void *)(u + 32 * k + 2));
        __m256i isl = wide_in_range(_mm256_or_si256(v, _mm256_set1_epi8(0x20)), 'a', 25);
        __m256i isd = wide_in_range(v, '0', 9);
        __m256i isx = _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8((char)0xc2)),
                                      _mm256_cmpeq_epi8(v, _mm256_set1_epi8((char)0xe2)));
        __m256i pair = _mm256_and_si256(wide_classes(v, f_lo, f_hi), wide_classes(w, s_lo, s_hi));
        __m256i pair2 = _mm256_and_si256(wide_classes(w, s2_lo, s2_hi), wide_classes(w2, t_lo, t_hi));
        __m256i isi = _mm256_andnot_si256(_mm256_or_si256(_mm256_cmpeq_epi8(pair, _mm256_setzero_si256()),
                                                          _mm256_cmpeq_epi8(pair2, _mm256_setzero_si256())),
                                          isl);
        l |= (uint64_t)(uint32_t)_mm256_movemask_epi8(isl) << (32 * k);
        d |= (uint64_t)(uint32_t)_mm256_movemask_epi8(isd) << (32 * k);
        x |= (uint64_t)(uint32_t)_mm256_movemask_epi8(isx) << (32 * k);
        f |= (uint64_t)(uint32_t)_mm256_movemask_epi8(isi) << (32 * k);
    }
    *let = l;
    *dig = d;
    *lead = x;
    *ini = f;
}
#endif
#endif

#if defined(__SSE2__)
/* The next candidate at or after pos (n when none); *cend: its end.  The
 * same positions as next_candidate_bytes, found 64 bytes at a time: only
 * the starts of runs of letters and digits and the lead bytes of fraction
 * signs are looked at, so the bytes between words cost a few instructions
 * per block.  With wide (AVX2) the masks come from scan_masks_wide, whose
 * filter on the first two letters leaves about one word in eight of those
 * the initials let through. */
static inline __attribute__((always_inline)) size_t next_candidate_in(const numbers_inst *I, const char *s, size_t n,
                                                                      size_t pos, size_t *cend, int wide)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = pos, skip = pos;
    uint64_t carry = 0, carry_l = 0;
    /* the wide masks read two bytes past the block */
    while (i + 64 + (wide ? 2 : 0) <= n) {
        uint64_t l, d, x, f, a, runs, glued, starts;
#if NUMBERS_WIDE_SCAN
        if (wide)
            scan_masks_wide(I, u + i, &l, &d, &x, &f);
        else
#endif
            scan_masks(u + i, &l, &d, &x, &f);
        if (I->scan_all_letters)
            f = l;
        a = l | d;
        /* the starts of runs of letters and digits, but of words only those
         * whose first letters may start a number word and that are long
         * enough: the others can only matter by digits glued to them
         * (USD50), which are looked at instead */
        runs = a & ~((a << 1) | carry);
        glued = d & ((l << 1) | carry_l) & ~runs;
        /* number words have three letters or more (the last two bits of a
         * block cannot tell: kept) */
        f &= (l & (l >> 1) & (l >> 2)) | (3ULL << 62);
        starts = (runs & (d | f)) | glued | x;
        if (skip > i)
            starts &= ~0ULL << (skip - i);
        while (starts) {
            size_t r = i + (size_t)__builtin_ctzll(starts);
            starts &= starts - 1;
            if (r < skip)
                continue;
            /* most starts: a word that ends inside the block, has nothing
             * glued to it (underscore before, digit or underscore after)
             * and whose first two letters and length rule out a number
             * word: what the general code below does with it is nothing */
            if (f >> (r - i) & 1) {
                uint64_t rest = ~l >> (r - i);
                size_t len = rest ? (size_t)__builtin_ctzll(rest) : 0;
                if (rest && !(I->f2[u[r] & 31][u[r + 1] & 31] >> (len < 16 ? len : 0) & 1) &&
                    scan_class[u[r + len]] != 1 && scan_class[u[r + len]] != 4 && (r == 0 || u[r - 1] != '_'))
                    continue;
            }
            if (r > 0 && u[r - 1] == '_' && (a >> (r - i) & 1)) {
                /* x_5, _Name: part of an identifier */
                size_t e = r;
                while (e < n && (scan_class[u[e]] == 2 || scan_class[u[e]] == 1 || scan_class[u[e]] == 4))
                    e++;
                skip = e;
                if (skip >= i + 64)
                    break;
                continue;
            }
            if (glued >> (r - i) & 1) {
                /* digits after letters: after a currency code of a word of
                 * its own (USD50, Rs20) a candidate, else part of a name */
                size_t ws = r, e;
                while (ws > pos && scan_class[u[ws - 1]] == 2)
                    ws--;
                if (r - ws <= 3 && (ws == pos || (scan_class[u[ws - 1]] == 0 || scan_class[u[ws - 1]] == 3)) &&
                    !(ws > 0 && u[ws - 1] == '_') && !scan_word_ok(I, u, n, ws, r) &&
                    in_list(cur_codes, CUR_CODES_N, s + ws, r - ws)) {
                    *cend = r + 1;
                    return r;
                }
                e = r;
                while (e < n && (scan_class[u[e]] == 2 || scan_class[u[e]] == 1 || scan_class[u[e]] == 4))
                    e++;
                skip = e;
                if (skip >= i + 64)
                    break;
                continue;
            }
            if (d >> (r - i) & 1) {
                *cend = r + 1;
                return r;
            }
            if (l >> (r - i) & 1) {
                uint64_t rest = ~l >> (r - i);
                size_t e = rest ? r + (size_t)__builtin_ctzll(rest) : letters_end(u, n, i + 64), len = e - r;
                /* one well-predicted test for most words: the lengths of
                 * number words by their first two letters (a word of one
                 * letter has no length bit, whatever byte follows) */
                if ((I->f2[u[r] & 31][u[r + 1 < n ? r + 1 : r] & 31] >> (len < 16 ? len : 0) & 1) &&
                    scan_word_ok(I, u, n, r, e)) {
                    *cend = e;
                    return r;
                }
                /* digits after a currency code (USD50, Rs20) */
                if (len <= 3 && e < n && scan_class[u[e]] == 1 && in_list(cur_codes, CUR_CODES_N, s + r, e - r)) {
                    *cend = e + 1;
                    return e;
                }
                /* the rest of a word glued to digits or underscores */
                if (e < n && scan_class[u[e]] != 0)
                    while (e < n && (scan_class[u[e]] == 2 || scan_class[u[e]] == 1 || scan_class[u[e]] == 4))
                        e++;
                skip = e;
            } else {
                /* 0xc2 or 0xe2: a vulgar fraction sign? */
                if (u[r] == 0xc2 && r + 1 < n && u[r + 1] >= 0xbc && u[r + 1] <= 0xbe) {
                    *cend = r + 2;
                    return r;
                }
                if (u[r] == 0xe2 && r + 2 < n && u[r + 1] == 0x85 && u[r + 2] >= 0x90 && u[r + 2] <= 0x9e) {
                    *cend = r + 3;
                    return r;
                }
                skip = r + 1;
            }
            if (skip >= i + 64)
                break;
        }
        if (skip >= i + 64) {
            i = skip;
            carry = carry_l = 0;
        } else {
            carry = a >> 63;
            carry_l = l >> 63;
            i += 64;
        }
    }
    return next_candidate_bytes(I, s, n, i > skip ? i : skip, cend);
}

static size_t next_candidate_narrow(const numbers_inst *I, const char *s, size_t n, size_t pos, size_t *cend)
{
    return next_candidate_in(I, s, n, pos, cend, 0);
}

#if NUMBERS_WIDE_SCAN
static __attribute__((target("avx2"))) size_t next_candidate_wide(const numbers_inst *I, const char *s, size_t n,
                                                                   size_t pos, size_t *cend)
{
    return next_candidate_in(I, s, n, pos, cend, 1);
}
#endif
#endif /* __SSE2__ */

static size_t next_candidate(const numbers_inst *I, const char *s, size_t n, size_t pos, size_t *cend)
{
#if NUMBERS_WIDE_SCAN
    if (I->wide_scan)
        return next_candidate_wide(I, s, n, pos, cend);
#endif
#if defined(__SSE2__)
    return next_candidate_narrow(I, s, n, pos, cend);
#else
    return next_candidate_bytes(I, s, n, pos, cend);
#endif
}

/* ------------------------------------------------------------------ */
/* Emitting. */

/* Values made once for the life of the process and shared by every
 * finding of every worker: the small integers (tp_shared_int: offsets
 * near the start of a text, most values) and the constant strings of the
 * stage's tables and literals (kinds, currencies, hedges, units; keyed by
 * their address, which is static).  Their reference count is jansson's
 * "no counting" mark, (size_t)-1, as json_true()'s is: json_incref and
 * json_decref leave them alone, so handing one out writes nothing to it
 * (no atomic instruction, no cache line taken from another core) and no
 * record, worker or instance freed before or after frees them.  They are
 * made on first use (a compare-and-swap for the integers, a lock for the
 * strings; reads take no lock) and are never changed: a stage that wants
 * another value replaces the value.  With I->fresh_values (tests) every
 * value is made anew instead. */
static struct {
    const char *key;
    json_t *v;
} numbers_consts[NUMBERS_SHARED_N];
static pthread_mutex_t numbers_consts_mu = PTHREAD_MUTEX_INITIALIZER;

static json_t *immortal(json_t *v)
{
    if (v != NULL)
        v->refcount = (size_t)-1;
    return v;
}

static inline json_t *shared_int(const numbers_worker *W, int64_t v)
{
    return W->fresh ? json_integer((json_int_t)v) : tp_shared_int((json_int_t)v);
}

static inline size_t consts_slot(const char *p)
{
    return (size_t)(((uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ULL) >> 55) & (NUMBERS_SHARED_N - 1);
}

static __attribute__((noinline)) json_t *shared_str_new(const char *p)
{
    json_t *v = NULL;
    size_t h = consts_slot(p);
    pthread_mutex_lock(&numbers_consts_mu);
    for (size_t k = 0; k < 16; k++, h = (h + 1) & (NUMBERS_SHARED_N - 1)) {
        if (numbers_consts[h].key == p) {
            v = numbers_consts[h].v;
            break;
        }
        if (numbers_consts[h].key == NULL) {
            if ((v = immortal(json_string_nocheck(p))) != NULL) {
                numbers_consts[h].v = v;
                __atomic_store_n(&numbers_consts[h].key, p, __ATOMIC_RELEASE);
            }
            break;
        }
    }
    pthread_mutex_unlock(&numbers_consts_mu);
    return v != NULL ? v : json_string_nocheck(p);
}

/* A string value for the constant string p (see above). */
static inline json_t *shared_str(const numbers_worker *W, const char *p)
{
    size_t h = consts_slot(p);
    if (W->fresh)
        return json_string_nocheck(p);
    for (size_t k = 0; k < 16; k++, h = (h + 1) & (NUMBERS_SHARED_N - 1)) {
        const char *key = __atomic_load_n(&numbers_consts[h].key, __ATOMIC_ACQUIRE);
        if (key == p)
            return numbers_consts[h].v;
        if (key == NULL)
            return shared_str_new(p);
    }
    return json_string_nocheck(p);
}

/* Code points before byte b (clamped, and moved back to the start of its
 * character, where *bb is left), counted on from the worker's cursor:
 * findings come in text order, so each byte is counted about once. */
static size_t cp_of(numbers_worker *W, const char *s, size_t n, size_t b, size_t *bb)
{
    size_t cp, i;
    if (b > n)
        b = n;
    /* in the text's ASCII start (all of most texts) a byte is a code
     * point: the start is found as far as asked, sixteen bytes at a time */
    if (b > W->ascii_end && !W->ascii_final) {
        i = W->ascii_end;
#if defined(__SSE2__)
        for (; i + 64 <= b; i += 64) {
            const __m128i *v = (const __m128i *)(const void *)(s + i);
            __m128i o = _mm_or_si128(_mm_or_si128(_mm_loadu_si128(v), _mm_loadu_si128(v + 1)),
                                     _mm_or_si128(_mm_loadu_si128(v + 2), _mm_loadu_si128(v + 3)));
            if (_mm_movemask_epi8(o))
                break;
        }
        for (; i + 16 <= b; i += 16) {
            unsigned m = (unsigned)_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + i)));
            if (m) {
                i += (size_t)__builtin_ctz(m);
                break;
            }
        }
        /* the last 1..15 bytes by one load when sixteen are there */
        if (i < b && b - i < 16 && i + 16 <= n) {
            unsigned m = (unsigned)_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + i))) &
                         ((1u << (b - i)) - 1);
            i = m ? i + (size_t)__builtin_ctz(m) : b;
        }
#endif
        while (i < b && (unsigned char)s[i] < 0x80)
            i++;
        W->ascii_end = i;
        W->ascii_final = i < b;
    }
    if (b <= W->ascii_end) {
        *bb = b;
        return b;
    }
    while (b > 0 && b < n && ((unsigned char)s[b] & 0xC0) == 0x80)
        b--;
    *bb = b;
    if (b < W->cur_b)
        W->cur_b = 0, W->cur_cp = 0;
    if (W->cur_b < W->ascii_end)
        W->cur_b = W->cur_cp = W->ascii_end;
    cp = W->cur_cp;
    i = W->cur_b;
#if defined(__SSE2__)
    /* sixteen bytes at a time: all but continuation bytes (0x80..0xbf,
     * below -64 as signed bytes) start a code point */
    while (i + 16 <= b) {
        __m128i acc = _mm_setzero_si128(), sum;
        for (int k = 0; k < 255 && i + 16 <= b; k++, i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            acc = _mm_sub_epi8(acc, _mm_cmpgt_epi8(v, _mm_set1_epi8(-65)));
        }
        sum = _mm_sad_epu8(acc, _mm_setzero_si128());
        cp += (size_t)_mm_cvtsi128_si32(sum) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sum, 8));
    }
    /* the last 1..15 bytes by one load when sixteen bytes are there to
     * read: the starts of code points among the first b - i bytes */
    if (i < b && i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(v, _mm_set1_epi8(-65))) & ((1u << (b - i)) - 1);
        m = m - ((m >> 1) & 0x5555u);
        m = (m & 0x3333u) + ((m >> 2) & 0x3333u);
        m = (m + (m >> 4)) & 0x0f0fu;
        cp += (m + (m >> 8)) & 0x1fu;
        i = b;
    }
#endif
    for (; i < b; i++)
        cp += ((unsigned char)s[i] & 0xC0) != 0x80;
    W->cur_b = b;
    W->cur_cp = cp;
    return cp;
}

#define SET(o, k, v) json_object_setn_new_nocheck((o), (k), sizeof(k) - 1, (v))

/* The span of bytes [bs, be): what tp_span_new makes ({start, end, text
 * [, orig_start, orig_end]}), with the code points counted on from the last
 * finding rather than looked up from the start of a block. */
static json_t *span_new(numbers_worker *W, const char *s, size_t n, size_t bs, size_t be)
{
    json_t *o;
    size_t cs, ce, os, oe;
    if (be > n)
        be = n;
    if (bs > be)
        bs = be;
    cs = cp_of(W, s, n, bs, &bs);
    ce = cp_of(W, s, n, be, &be);
    o = json_object();
    if (o == NULL)
        return NULL;
    if (SET(o, "start", shared_int(W, (int64_t)cs)) != 0 || SET(o, "end", shared_int(W, (int64_t)ce)) != 0 ||
        SET(o, "text", json_stringn_nocheck(s + bs, be - bs)) != 0)
        goto fail;
    if (tp_text_orig(W->t, cs, ce, &os, &oe) &&
        (SET(o, "orig_start", shared_int(W, (int64_t)os)) != 0 || SET(o, "orig_end", shared_int(W, (int64_t)oe)) != 0))
        goto fail;
    return o;
fail:
    json_decref(o);
    return NULL;
}

static int emit(numbers_worker *W, json_t *arr, const numbers_finding *f)
{
    json_t *o = span_new(W, tp_text_bytes(W->t), tp_text_len(W->t), f->s, f->e);
    if (o == NULL)
        return -1;
    SET(o, "kind", shared_str(W, f->kind));
    if (f->iso[0])
        SET(o, "value", json_stringn_nocheck(f->iso, strlen(f->iso)));
    else if (f->kind[0] == 'r' && kind_cmp(f->kind, "range") == 0) {
        SET(o, "low", numv_json(W, f->low));
        SET(o, "high", numv_json(W, f->high));
    } else if (f->has_value)
        SET(o, "value", numv_json(W, f->value));
    if (f->currency)
        SET(o, "currency", shared_str(W, f->currency));
    if (f->approx)
        SET(o, "approx", shared_str(W, f->approx));
    if (f->unit[0]) {
        /* counted words are ASCII letters, hyphens and apostrophes */
        json_t *u = f->unit_ref && strcmp(f->unit_ref, f->unit) == 0 ? shared_str(W, f->unit_ref)
                                                                       : json_stringn_nocheck(f->unit, strlen(f->unit));
        SET(o, "unit", u);
    }
    return json_array_append_new(arr, o);
}

static int emit_all(numbers_worker *W, json_t *arr, const numbers_finding *f, size_t k)
{
    for (size_t i = 0; i < k; i++)
        if (emit(W, arr, &f[i]) != 0)
            return -1;
    return 0;
}

/* more than 10 and less than 20: two hedged bounds make a range */
static int merge_bounds(const char *s, numbers_finding *a, const numbers_finding *b)
{
    int a_low, a_high, b_low, b_high;
    size_t gap = b->s - a->e;
    if (!a->approx || !b->approx || !a->has_value || !b->has_value || strcmp(a->kind, b->kind) != 0 || gap > 6)
        return 0;
    if (!((gap == 5 && ci_eq(s + a->e, " and ", 5)) || (gap == 5 && ci_eq(s + a->e, " but ", 5)) ||
          (gap == 2 && ci_eq(s + a->e, ", ", 2)) || (gap == 6 && ci_eq(s + a->e, ", and ", 6))))
        return 0;
    a_low = !strcmp(a->approx, "more than") || !strcmp(a->approx, "over") || !strcmp(a->approx, "at least");
    a_high = !strcmp(a->approx, "fewer than") || !strcmp(a->approx, "up to");
    b_low = !strcmp(b->approx, "more than") || !strcmp(b->approx, "over") || !strcmp(b->approx, "at least");
    b_high = !strcmp(b->approx, "fewer than") || !strcmp(b->approx, "up to");
    if ((a_low && b_high && numv_double(a->value) >= numv_double(b->value)) ||
        (a_high && b_low && numv_double(b->value) >= numv_double(a->value)))
        return 0; /* more than 40 and less than 10, less than 10, more than 10: two claims, not a range */
    if (a_low && b_high) {
        a->low = a->value;
        a->high = b->value;
    } else if (a_high && b_low) {
        a->low = b->value;
        a->high = a->value;
    } else {
        return 0;
    }
    a->kind = "range";
    a->e = b->e;
    a->approx = NULL;
    if (b->unit[0])
        memcpy(a->unit, b->unit, sizeof a->unit), a->unit_ref = b->unit_ref;
    return 1;
}

static int numbers_process(void *instance, void *worker, json_t *record, tp_error *err)
{
    const numbers_inst *I = instance;
    numbers_worker *W = worker;
    const char *s;
    size_t n, pos = 0, count = 0;
    json_t *arr;
    /* the findings read and not yet written out, in text order; the last
     * one may still become a range with the next (merge_bounds) */
    numbers_finding *B = W->batch, *fp;
    size_t nb = 0;

    if (tp_text_load(W->t, record) != 0)
        return tp_error_set(err, NULL, "record has no string \"text\"");
    s = tp_text_bytes(W->t);
    n = tp_text_len(W->t);
    W->cur_b = W->cur_cp = 0;
    W->fresh = I->fresh_values;
    W->ascii_end = 0;
    W->ascii_final = 0;
    arr = json_array();
    if (arr == NULL)
        return tp_error_set(err, NULL, "out of memory");
    while (pos < n) {
        size_t p, next, cend = 0;
        if (I->pcre2_scan) {
            int rc = pcre2_jit_match(I->cand, (PCRE2_SPTR)s, n, pos, PCRE2_NO_UTF_CHECK, W->md, W->mctx);
            const PCRE2_SIZE *ov;
            if (rc == PCRE2_ERROR_NOMATCH)
                break;
            if (rc < 0) {
                PCRE2_UCHAR msg[128];
                pcre2_get_error_message(rc, msg, sizeof msg);
                json_decref(arr);
                return tp_error_set(err, NULL, "candidate pattern failed at byte %zu: %s", pos, (char *)msg);
            }
            ov = pcre2_get_ovector_pointer(W->md);
            p = ov[0];
            cend = ov[1];
        } else {
            p = next_candidate(I, s, n, pos, &cend);
            if (p >= n)
                break;
        }
        next = cend;
        if (nb == NUMBERS_BATCH) {
            /* a full batch: all but the last out as JSON */
            if (emit_all(W, arr, B, nb - 1) != 0) {
                json_decref(arr);
                return tp_error_set(err, NULL, "out of memory");
            }
            B[0] = B[nb - 1];
            nb = 1;
        }
        fp = &B[nb];
        if (find_at(I, W, s, n, p, cend, fp, &next)) {
            if (fp->e <= p)
                fp->e = next > p ? next : p + 1;
            if (count >= I->max_findings) {
                tp_record_warn(record, "numbers", "too many numbers: the rest of the text was not read");
                break;
            }
            pos = fp->e;
            if (nb > 0 && merge_bounds(s, &B[nb - 1], fp))
                continue;
            nb++;
            count++;
        } else {
            pos = next > p ? next : p + 1;
        }
        /* never stop inside a UTF-8 character */
        while (pos < n && ((unsigned char)s[pos] & 0xC0) == 0x80)
            pos++;
    }
    if (emit_all(W, arr, B, nb) != 0) {
        json_decref(arr);
        return tp_error_set(err, NULL, "out of memory");
    }
    if (json_object_set_new(record, "numbers", arr) != 0)
        return tp_error_set(err, NULL, "out of memory");
    return TP_OK;
}

/* ------------------------------------------------------------------ */
/* Names lists. */

static int add_names(numbers_inst *I, const char *data, size_t len, const char *what, tp_error *err)
{
    size_t i = 0, line = 0;
    while (i < len) {
        size_t e = i, a, b;
        int prefix;
        numbers_name *nm;
        while (e < len && data[e] != '\n')
            e++;
        line++;
        a = i;
        b = e;
        i = e + 1;
        while (b > a && (data[b - 1] == '\r' || data[b - 1] == ' ' || data[b - 1] == '\t'))
            b--;
        if (a == b || data[a] == '#')
            continue;
        if (b - a > 5 && memcmp(data + a, "name ", 5) == 0)
            prefix = 0, a += 5;
        else if (b - a > 7 && memcmp(data + a, "prefix ", 7) == 0)
            prefix = 1, a += 7;
        else
            return tp_error_set(err, "names", "%s:%zu: expected \"name TEXT\" or \"prefix WORD\"", what, line);
        {
            numbers_name *grown = realloc(I->names, (I->n_names + 1) * sizeof *grown);
            if (grown == NULL)
                return tp_error_set(err, NULL, "out of memory");
            I->names = grown;
        }
        nm = &I->names[I->n_names];
        nm->text = malloc(b - a + 1);
        if (nm->text == NULL)
            return tp_error_set(err, NULL, "out of memory");
        memcpy(nm->text, data + a, b - a);
        nm->text[b - a] = '\0';
        nm->len = b - a;
        nm->prefix = prefix;
        nm->numpos = 0;
        if (!prefix) {
            size_t k = 0;
            while (k < nm->len && !is_dg((unsigned char)nm->text[k]))
                k++;
            if (k == nm->len) { /* no digit: the number is the last word */
                k = nm->len;
                while (k > 0 && nm->text[k - 1] != ' ')
                    k--;
            }
            nm->numpos = k;
        }
        if (prefix)
            I->prefix_lens |= nm->len < 64 ? (uint64_t)1 << nm->len : 0;

        I->n_names++;
    }
    return 0;
}

static int load_file(const char *path, char **out, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, r;
    if (fp == NULL)
        return -1;
    for (;;) {
        if (n + 4096 > cap) {
            char *g = realloc(buf, cap ? cap * 2 : 8192);
            if (g == NULL) {
                free(buf);
                fclose(fp);
                return -1;
            }
            buf = g;
            cap = cap ? cap * 2 : 8192;
        }
        r = fread(buf + n, 1, cap - n, fp);
        n += r;
        if (r == 0)
            break;
        if (n > (64u << 20)) {
            free(buf);
            fclose(fp);
            return -1;
        }
    }
    fclose(fp);
    *out = buf;
    *len = n;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Lifecycle. */

static void numbers_destroy(void *instance)
{
    numbers_inst *I = instance;
    if (I == NULL)
        return;
    pcre2_code_free(I->cand);
    pcre2_code_free(I->excl);
    pcre2_code_free(I->date_md);
    pcre2_code_free(I->date_dm);
    pcre2_code_free(I->date_iso);
    for (size_t i = 0; i < I->n_names; i++)
        free(I->names[i].text);
    free(I->names);
    free(I->name_link);
    free(I);
}

static pcre2_code *compile(const char *pat, uint32_t opts, tp_error *err, const char *what)
{
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, opts | PCRE2_UTF, &ec, &eo, NULL);
    if (re == NULL) {
        PCRE2_UCHAR msg[128];
        pcre2_get_error_message(ec, msg, sizeof msg);
        tp_error_set(err, NULL, "%s pattern: %s at %zu", what, (char *)msg, (size_t)eo);
        return NULL;
    }
    if (pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) != 0) {
        /* JIT unavailable: the interpreter still works, only slower */
    }
    return re;
}

#define MONTHS "(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
               "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"

/* Indexes of the word tables and of the names, for quick look-ups. */
static int numbers_index(numbers_inst *I)
{
    size_t last[257];
    for (size_t i = 0; i < CUR_N; i++)
        bits_set(&I->cur_by[lc((unsigned char)currency_words[i].word[0])], i),
            I->cur_run[i] = (unsigned char)letter_run(currency_words[i].word, strlen(currency_words[i].word), 0),
            I->cur_lens[lc((unsigned char)currency_words[i].word[0])] |= (uint16_t)(1u << I->cur_run[i]);
    for (size_t i = 0; i < UNIT_N; i++) {
        bits_set(&I->unit_by[lc((unsigned char)units[i].word[0])], i);
        I->unit_run[i] = (unsigned char)letter_run(units[i].word, strlen(units[i].word), 0);
        I->unit_lens[lc((unsigned char)units[i].word[0])] |= (uint16_t)(1u << I->unit_run[i]);
        I->unit_len[i] = (unsigned char)strlen(units[i].word);
    }
    for (size_t i = 0; i < HEDGE_N; i++) {
        size_t wl = 0;
        unsigned char lb = lc((unsigned char)hedges[i].phrase[hedges[i].len - 1]);
        while (wl < hedges[i].len && is_al((unsigned char)hedges[i].phrase[hedges[i].len - 1 - wl]))
            wl++;
        bits_set(&I->hedge_by[lb], i);
        I->hedge_wl[i] = (unsigned char)(wl < 15 ? wl : 15);
        I->hedge_lens[lb] |= (uint16_t)(1u << I->hedge_wl[i]);
    }
    for (size_t i = 0; i < STOP_N; i++)
        bits_set(&I->stop_by[(unsigned char)stopwords[i][0]], i);
    free(I->name_link);
    I->name_link = malloc((I->n_names + 1) * sizeof *I->name_link);
    if (I->name_link == NULL)
        return -1;
    for (size_t c = 0; c < 256; c++)
        I->name_head[c] = SIZE_MAX;
    I->prefix_head = SIZE_MAX;
    for (size_t c = 0; c < 257; c++)
        last[c] = SIZE_MAX;
    memset(I->name_pair, 0, sizeof I->name_pair);
    memset(I->name_single, 0, sizeof I->name_single);
    memset(I->name_ctx3, 0, sizeof I->name_ctx3);
    memset(I->name_ctx2, 0, sizeof I->name_ctx2);
    memset(I->prefix_sig, 0, sizeof I->prefix_sig);
    for (size_t i = 0; i < I->n_names; i++) {
        const numbers_name *nm = &I->names[i];
        size_t k;
        if (nm->prefix)
            k = prefix_sig_of(nm->len, (unsigned char)nm->text[0], (unsigned char)nm->text[nm->len - 1]),
            I->prefix_sig[k >> 6] |= (uint64_t)1 << (k & 63);
        else if (nm->numpos > 0 && nm->numpos < nm->len && nm->len - nm->numpos >= 2)
            k = name_ctx3_of((unsigned char)nm->text[nm->numpos - 1], (unsigned char)nm->text[nm->numpos],
                             (unsigned char)nm->text[nm->numpos + 1]),
            I->name_ctx3[k >> 6] |= (uint64_t)1 << (k & 63);
        else if (nm->numpos > 0 && nm->numpos < nm->len)
            k = (size_t)(unsigned char)nm->text[nm->numpos - 1] << 8 | (unsigned char)nm->text[nm->numpos],
            I->name_ctx2[k >> 6] |= (uint64_t)1 << (k & 63);
        else if (nm->numpos < nm->len && nm->len - nm->numpos >= 2)
            k = (size_t)(unsigned char)nm->text[nm->numpos] << 8 | (unsigned char)nm->text[nm->numpos + 1],
            I->name_pair[k >> 6] |= (uint64_t)1 << (k & 63);
        else if (nm->numpos < nm->len)
            k = (unsigned char)nm->text[nm->numpos], I->name_single[k >> 6] |= (uint64_t)1 << (k & 63);
    }
    for (size_t i = 0; i < I->n_names; i++) {
        const numbers_name *nm = &I->names[i];
        size_t c = nm->prefix ? 256 : (unsigned char)nm->text[nm->numpos];
        size_t *head = c == 256 ? &I->prefix_head : &I->name_head[c];
        I->name_link[i] = SIZE_MAX;
        if (last[c] == SIZE_MAX)
            *head = i;
        else
            I->name_link[last[c]] = i;
        last[c] = i;
    }
    return 0;
}

static int numbers_create(void **out, const json_t *options, tp_error *err)
{
    numbers_inst *I = calloc(1, sizeof *I);
    char *pat = NULL;
    size_t plen = 0;
    json_t *v;

    if (I == NULL)
        return tp_error_set(err, NULL, "out of memory");
    for (size_t i = 0; i < LEX_N; i++) {
        uint64_t a, b;
        size_t h;
        lex_pack(lexicon[i].word, strlen(lexicon[i].word), &a, &b);
        for (h = lex_slot(a, b); I->lex_hash[h].L != NULL; h = (h + 1) & (LEX_HASH_N - 1))
            ;
        I->lex_hash[h].a = a;
        I->lex_hash[h].b = b;
        I->lex_hash[h].L = &lexicon[i];
    }
    for (size_t i = 0; i < STOP_N; i++) {
        uint64_t a, b;
        size_t h, len = strlen(stopwords[i]);
        lex_pack(stopwords[i], len, &a, &b);
        for (h = lex_slot(a, b); I->stop_hash[h].len != 0; h = (h + 1) & (LEX_HASH_N - 1))
            ;
        I->stop_hash[h].a = a;
        I->stop_hash[h].b = b;
        I->stop_hash[h].len = len;
    }
    for (size_t i = 0; i < LEX_N; i++) {
        if (strchr(SCAN_INITIALS, lexicon[i].word[0]) == NULL)
            I->scan_all_letters = 1;
        I->first2[lexicon[i].word[0] - 'a'][lexicon[i].word[1] - 'a'] |= (uint16_t)(1u << strlen(lexicon[i].word));
        I->f2[lexicon[i].word[0] & 31][lexicon[i].word[1] & 31] |= (uint16_t)(1u << strlen(lexicon[i].word));
    }
    {
        /* a class bit for each second letter of a number word (eight bits:
         * letters share one after the eighth, which lets more pairs
         * through, never fewer); the first letter gets the classes of its
         * second letters */
        unsigned char cls[32] = {0}, cls3[32] = {0};
        unsigned nc = 0, nc3 = 0;
        for (size_t i = 0; i < LEX_N; i++) {
            unsigned c1 = (unsigned char)lexicon[i].word[0] & 31, c2 = (unsigned char)lexicon[i].word[1] & 31,
                     c3 = (unsigned char)lexicon[i].word[2] & 31; /* every number word has three letters or more */
            if (cls[c2] == 0)
                cls[c2] = (unsigned char)(1u << (nc++ % 8));
            if (cls3[c3] == 0)
                cls3[c3] = (unsigned char)(1u << (nc3++ % 8));
            I->pair_first[c1] |= cls[c2];
            I->pair_second[c2] |= cls[c2];
            I->pair2_second[c2] |= cls3[c3];
            I->pair2_third[c3] |= cls3[c3];
        }
    }
#if NUMBERS_WIDE_SCAN
    I->wide_scan = __builtin_cpu_supports("avx2");
#endif
    I->match_limit = 1000000;
    I->max_findings = NUMBERS_MAX_FINDINGS_DEFAULT;
    if (options && (v = json_object_get(options, "match_limit")) && json_is_integer(v))
        I->match_limit = (uint32_t)json_integer_value(v);
    if (options && (v = json_object_get(options, "candidates")) && json_is_string(v))
        I->pcre2_scan = strcmp(json_string_value(v), "pcre2") == 0;
    if (options && (v = json_object_get(options, "max_findings")) && json_is_integer(v))
        I->max_findings = (size_t)json_integer_value(v);

    /* the candidate pattern: digits, fraction signs, number words */
    for (size_t i = 0; i < LEX_N; i++)
        plen += strlen(lexicon[i].word) + 1;
    pat = malloc(plen + 64);
    if (pat == NULL) {
        numbers_destroy(I);
        return tp_error_set(err, NULL, "out of memory");
    }
    strcpy(pat, "[0-9\\x{bc}-\\x{be}\\x{2150}-\\x{215e}]|\\b(?:");
    for (size_t i = 0; i < LEX_N; i++) {
        if (i)
            strcat(pat, "|");
        strcat(pat, lexicon[i].word);
    }
    strcat(pat, ")\\b");
    I->cand = compile(pat, PCRE2_CASELESS, err, "candidate");
    free(pat);
    if (I->cand == NULL)
        goto fail;
    I->excl = compile("(?:[a-z][a-z0-9+.-]*://\\S+"
                      "|www\\.\\S+"
                      "|[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+"
                      "|[\\w-]+(?:\\.[\\w-]+)*\\.(?:com|org|net|gov|edu|uk|io|cn|ru|de|fr)\\b\\S*"
                      "|\\+\\d{1,3}[ .-]?(?:\\(\\d{1,5}\\)[ .-]?)?\\d{2,5}(?:[ .-]\\d{2,5}){1,4}"
                      "|\\(\\d{2,5}\\)[ .-]?\\d{3,4}[ .-]?\\d{3,4}"
                      "|0\\d{2,4}[ .-]\\d{3,4}[ .-]?\\d{3,4}"
                      "|\\d{3}-\\d{3}-\\d{4}\\b"
                      "|0\\d{9,10}\\b"
                      "|v?\\d+(?:\\.\\d+){2,}"
                      "|\\d[\\w-]*_[\\w-]*"
                      ")",
                      PCRE2_CASELESS | PCRE2_ANCHORED, err, "exclusion");
    if (I->excl == NULL)
        goto fail;
    I->date_md = compile(MONTHS "\\.? (?:(\\d{1,2})(?:st|nd|rd|th)?(?!\\d)(?:,? (\\d{4})(?!\\d))?|(\\d{4})(?!\\d))",
                         PCRE2_CASELESS | PCRE2_ANCHORED, err, "date");
    I->date_dm = compile("(\\d{1,2})(?:st|nd|rd|th)? (?:of )?" MONTHS "\\b\\.?(?:,? (\\d{4})(?!\\d))?",
                         PCRE2_CASELESS | PCRE2_ANCHORED, err, "date");
    I->date_iso = compile("(\\d{4})-(\\d{2})-(\\d{2})(?!\\d)", PCRE2_ANCHORED, err, "date");
    if (I->date_md == NULL || I->date_dm == NULL || I->date_iso == NULL)
        goto fail;

    if (add_names(I, (const char *)numbers_names, numbers_names_len, "names.txt", err) != 0)
        goto fail;
    if (options && (v = json_object_get(options, "names")) != NULL) {
        size_t i;
        json_t *item;
        json_t *one = json_is_string(v) ? json_pack("[O]", v) : json_incref(v);
        json_array_foreach(one, i, item) {
            char *buf;
            size_t len;
            const char *path = json_string_value(item);
            if (path == NULL || load_file(path, &buf, &len) != 0) {
                json_decref(one);
                tp_error_set(err, "names", "cannot read names file %s", path ? path : "(not a string)");
                goto fail;
            }
            if (add_names(I, buf, len, path, err) != 0) {
                free(buf);
                json_decref(one);
                goto fail;
            }
            free(buf);
        }
        json_decref(one);
    }
    if (numbers_index(I) != 0) {
        tp_error_set(err, NULL, "out of memory");
        goto fail;
    }
    *out = I;
    return TP_OK;
fail:
    numbers_destroy(I);
    return TP_ERROR;
}

static int numbers_worker_init(void **out, void *instance, tp_error *err)
{
    numbers_inst *I = instance;
    numbers_worker *W = calloc(1, sizeof *W);
    if (W == NULL)
        return tp_error_set(err, NULL, "out of memory");
    W->t = tp_text_new();
    W->md = pcre2_match_data_create(10, NULL);
    W->mctx = pcre2_match_context_create(NULL);
    W->stack = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);
    W->batch = malloc(NUMBERS_BATCH * sizeof *W->batch);
    if (W->t == NULL || W->md == NULL || W->mctx == NULL || W->stack == NULL || W->batch == NULL) {
        free(W->batch);
        tp_text_free(W->t);
        pcre2_match_data_free(W->md);
        pcre2_match_context_free(W->mctx);
        pcre2_jit_stack_free(W->stack);
        free(W);
        return tp_error_set(err, NULL, "out of memory");
    }
    pcre2_set_match_limit(W->mctx, I->match_limit);
    pcre2_set_depth_limit(W->mctx, 10000);
    pcre2_jit_stack_assign(W->mctx, NULL, W->stack);
    *out = W;
    return TP_OK;
}

static void numbers_worker_fini(void *instance, void *worker)
{
    numbers_worker *W = worker;
    (void)instance;
    if (W == NULL)
        return;
    tp_text_free(W->t);
    pcre2_match_data_free(W->md);
    pcre2_match_context_free(W->mctx);
    pcre2_jit_stack_free(W->stack);
    free(W->batch);
    free(W);
}

const char *numbers_table_word(int table, size_t i)
{
    if (table == 0)
        return i < CUR_N ? currency_words[i].word : NULL;
    if (table == 2)
        return i < HEDGE_N ? hedges[i].phrase : NULL;
    return i < UNIT_N ? units[i].word : NULL;
}

void numbers_len_filters(void *instance, int on)
{
    ((numbers_inst *)instance)->no_len_filters = !on;
}

/* For the tests: the values of the findings shared (1, the default) or
 * each made anew (0). */
void numbers_share_values(void *instance, int on);
void numbers_share_values(void *instance, int on)
{
    ((numbers_inst *)instance)->fresh_values = !on;
}

/* For the tests: the block scan without AVX2 (0) or, where the CPU has it,
 * with (1).  Returns whether the wide scan is on. */
int numbers_wide_scan(void *instance, int on);
int numbers_wide_scan(void *instance, int on)
{
#if NUMBERS_WIDE_SCAN
    ((numbers_inst *)instance)->wide_scan = on && __builtin_cpu_supports("avx2");
#else
    (void)on;
#endif
    return ((numbers_inst *)instance)->wide_scan;
}

static const tp_option_spec numbers_options[] = {
    {"names", TP_OPT_LIST, NULL, "extra files of known names (lines \"name TEXT\" or \"prefix WORD\")", NULL, 0, 0, 0},
    {"candidates", TP_OPT_ENUM, "scan", "how candidates are found: a word scan with a filter on the first letters, or the same set as one pcre2 pattern (slower; for checking)", "scan|pcre2", 0, 0, 0},
    {"max_findings", TP_OPT_INT, "100000", "most numbers reported per document", NULL, 1, 1e9, 0},
    {"match_limit", TP_OPT_INT, "1000000", "pcre2 match limit for each pattern match", NULL, 1000, 1e9, 0},
    {NULL, 0, NULL, NULL, NULL, 0, 0, 0},
};

static const char *const numbers_reads[] = {"text", NULL};
static const char *const numbers_writes[] = {"numbers", NULL};

static const tp_plugin descriptor = {
    TP_PLUGIN_ABI,
    .name = "numbers",
    .version = "1.0",
    .description = "find quantities: numbers, money, percents, ranges, dates, with value, unit and hedge",
    .options = numbers_options,
    .reads = numbers_reads,
    .writes = numbers_writes,
    .create = numbers_create,
    .worker_init = numbers_worker_init,
    .process = numbers_process,
    .worker_fini = numbers_worker_fini,
    .destroy = numbers_destroy,
};

TEXTPIPE_PLUGIN(numbers)
{
    return &descriptor;
}
