/*
 * parse.c - one line of flow-log text to a struct flow.
 *
 * The hot path of the whole program.  Two parsers give the same results:
 *
 * - The exact path (parse_line = parse_tokenize + parse_tokens): a line is
 *   tokenised in one pass (which also checks that it is text: no control
 *   bytes, valid UTF-8), then each token is converted by the type of the
 *   field in its slot, and a rejected line gets its reason.
 * - The one-pass parser (parse_fast), tried first on every line: it takes
 *   only plain lines (printable ASCII, values in AWS's own spelling) and
 *   returns -1 on anything else, so that the exact path decides.  Its
 *   design is in the notes above parse_fast's helpers below.
 *
 * No copy of values: symbol values point into the line.  Times above
 * 2^31 - 1 are taken as milliseconds (seen in the wild, contra the
 * documentation) and flagged so the statistics can count them.
 */
#include "parse.h"

#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static const char *const reason_names[PARSE_REASON_COUNT] = {
	[PARSE_OK] = "ok",
	[PARSE_TOO_FEW_FIELDS] = "too-few-fields",
	[PARSE_TOO_MANY_FIELDS] = "too-many-fields",
	[PARSE_NO_FORMAT] = "no-format",
	[PARSE_BAD_ADDRESS] = "bad-address",
	[PARSE_BAD_PORT] = "bad-port",
	[PARSE_BAD_NUMBER] = "bad-number",
	[PARSE_BAD_ENUM] = "bad-enum",
	[PARSE_LINE_TOO_LONG] = "line-too-long",
	[PARSE_NOT_TEXT] = "not-text",
	[PARSE_BAD_ENVELOPE] = "bad-envelope",
};

static const char *const reason_texts[PARSE_REASON_COUNT] = {
	[PARSE_OK] = "ok",
	[PARSE_TOO_FEW_FIELDS] = "too few fields",
	[PARSE_TOO_MANY_FIELDS] = "too many fields",
	[PARSE_NO_FORMAT] = "field count matches no known format (give -F or a header line)",
	[PARSE_BAD_ADDRESS] = "bad address",
	[PARSE_BAD_PORT] = "bad port",
	[PARSE_BAD_NUMBER] = "bad number",
	[PARSE_BAD_ENUM] = "bad value",
	[PARSE_LINE_TOO_LONG] = "line too long",
	[PARSE_NOT_TEXT] = "not text (control bytes or invalid UTF-8)",
	[PARSE_BAD_ENVELOPE] = "bad JSON or CSV wrapping",
};

/* Short stable name of a reason ("too-few-fields"). */
const char *
parse_reason_name(enum parse_reason r)
{
	return (unsigned)r < PARSE_REASON_COUNT ? reason_names[r] : "?";
}

/* Human description of a reason ("too few fields"). */
const char *
parse_reason_text(enum parse_reason r)
{
	return (unsigned)r < PARSE_REASON_COUNT ? reason_texts[r] : "?";
}

/* Length of the valid UTF-8 sequence at s (lead byte >= 0x80), or 0. */
static size_t
utf8_seq(const unsigned char *s, const unsigned char *end)
{
	unsigned c = s[0];
	size_t n, i;
	uint32_t cp;

	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else
		return 0;
	if ((size_t)(end - s) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

/* Split a line into tokens byte by byte, checking UTF-8 on the way. */
static int
tokenize_scalar(const char *line, size_t len, struct flow_str *tok, int max,
    int *not_text)
{
	const unsigned char *s = (const unsigned char *)line;
	const unsigned char *end = s + len;
	int n = 0;

	*not_text = 0;
	while (s < end) {
		const unsigned char *start;

		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		if (s >= end)
			break;
		start = s;
		while (s < end) {
			unsigned c = *s;

			if (c > ' ' && c < 0x7f) {
				s++;
				continue;
			}
			if (c == ' ' || c == '\t')
				break;
			if (c >= 0x80) {
				size_t k = utf8_seq(s, end);

				if (k) {
					s += k;
					continue;
				}
			}
			*not_text = 1;
			s++;
		}
		if (n < max) {
			tok[n].p = (const char *)start;
			tok[n].len = (uint32_t)(s - start);
		}
		n++;
		if (n > max)
			return max + 1;
	}
	return n;
}


#if defined(__SSE2__)
/* Split a line 16 bytes at a time: one compare finds the spaces and one
 * the bytes that need a closer look (controls, tabs, DEL, non-ASCII); a
 * line holding any of the latter goes to tokenize_scalar.  The edges of
 * the non-space mask, carried across chunks, alternate between token
 * starts and token ends, so they are collected first and paired after. */
static int
tokenize_sse2(const char *line, size_t len, struct flow_str *tok, int max,
    int *not_text)
{
	const __m128i space = _mm_set1_epi8(' ');
	const __m128i low = _mm_set1_epi8(0x21);
	const __m128i del = _mm_set1_epi8(0x7f);
	uint32_t edge[2 * PARSE_MAX_TOKENS + 34];
	size_t i, k = 0, limit = 2 * (size_t)max + 2;
	unsigned carry = 0;	/* 1: the byte before the chunk is a token's */
	int n;

	for (i = 0; i < len; i += 16) {
		__m128i v;
		unsigned spaces, special, word, edges, valid;

		if (len - i >= 16) {
			v = _mm_loadu_si128((const __m128i *)(line + i));
			valid = 0xffff;
		} else {
			char pad[16];

			memset(pad, ' ', sizeof pad);
			memcpy(pad, line + i, len - i);
			v = _mm_loadu_si128((const __m128i *)pad);
			valid = (1u << (len - i)) - 1;
		}
		spaces = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, space));
		special = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_cmplt_epi8(v, low), _mm_cmpeq_epi8(v, del)));
		if (special != spaces)
			return tokenize_scalar(line, len, tok, max, not_text);
		word = ~spaces & valid;
		edges = (word ^ ((word << 1) | carry)) & 0xffff;
		carry = (word >> 15) & 1;
		while (edges) {
			edge[k++] = (uint32_t)(i + (unsigned)__builtin_ctz(edges));
			edges &= edges - 1;
		}
		if (k > limit)
			break;
	}
	if (carry)
		edge[k++] = (uint32_t)len;
	*not_text = 0;
	n = (int)(k / 2);
	if (n > max)
		return max + 1;
	for (i = 0; i < (size_t)n; i++) {
		tok[i].p = line + edge[2 * i];
		tok[i].len = edge[2 * i + 1] - edge[2 * i];
	}
	return n;
}
#endif

/* Split a line into whitespace-separated tokens; returns the count. */
int
parse_tokenize(const char *line, size_t len, struct flow_str *tok, int max,
    int *not_text)
{
#if defined(__SSE2__)
	return tokenize_sse2(line, len, tok, max, not_text);
#else
	return tokenize_scalar(line, len, tok, max, not_text);
#endif
}

/* Tell whether a value is text: printable, no whitespace, valid UTF-8. */
int
parse_is_text(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len;

	while (p < end) {
		if (*p > ' ' && *p < 0x7f) {
			p++;
		} else if (*p >= 0x80) {
			size_t k = utf8_seq(p, end);

			if (k == 0)
				return 0;
			p += k;
		} else
			return 0;
	}
	return 1;
}

/* Parse a decimal unsigned 64-bit number; 0 on success, -1 if bad. */
static int
parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 20)
		return -1;
	if (len < 20) {
		for (i = 0; i < len; i++) {
			unsigned d = (unsigned)(s[i] - '0');

			if (d > 9)
				return -1;
			v = v * 10 + d;
		}
	} else {
		for (i = 0; i < len; i++) {
			unsigned d = (unsigned)(s[i] - '0');

			if (d > 9 || v > (UINT64_MAX - d) / 10)
				return -1;
			v = v * 10 + d;
		}
	}
	*out = v;
	return 0;
}

/* Parse one value of field id from text; 0 on success, else the reason. */
enum parse_reason
parse_value(int id, const char *s, size_t len, union flow_val *out,
    uint32_t *flags)
{
	const struct field_info *fi = &field_table[id];
	uint64_t v;

	switch (fi->type) {
	case FT_SYMBOL:
		out->s.p = s;
		out->s.len = (uint32_t)len;
		return PARSE_OK;
	case FT_ADDR:
		return flow_addr_parse(s, len, &out->a) == 0 ? PARSE_OK :
		    PARSE_BAD_ADDRESS;
	case FT_PORT:
		if (len > 5 || parse_u64(s, len, &v) < 0 || v > 65535)
			return PARSE_BAD_PORT;
		out->u = v;
		return PARSE_OK;
	case FT_INT:
		if (parse_u64(s, len, &v) < 0 || v < fi->min || v > fi->max)
			return PARSE_BAD_NUMBER;
		out->u = v;
		return PARSE_OK;
	case FT_COUNTER:
		if (parse_u64(s, len, &v) < 0)
			return PARSE_BAD_NUMBER;
		out->u = v;
		return PARSE_OK;
	case FT_TIME:
		if (parse_u64(s, len, &v) < 0)
			return PARSE_BAD_NUMBER;
		if (v > 0x7fffffffu) {
			v /= 1000;
			if (flags)
				*flags |= FLOW_MS_TIME;
		}
		out->u = v;
		return PARSE_OK;
	case FT_ENUM:
		v = field_enum_value(id, s, len);
		if (v == 0)
			return PARSE_BAD_ENUM;
		out->u = v;
		return PARSE_OK;
	}
	return PARSE_BAD_NUMBER;
}

/* Convert tokens to a record in format fmt; 0 on success, -1 with err set. */
int
parse_tokens(const struct format *fmt, const struct flow_str *tok, int ntok,
    struct flow *out, struct parse_error *err)
{
	int i;

	flow_clear(out);
	out->fmt = fmt;
	err->field = -1;
	err->token = -1;
	if (ntok != fmt->n) {
		err->reason = ntok < fmt->n ? PARSE_TOO_FEW_FIELDS :
		    PARSE_TOO_MANY_FIELDS;
		err->token = ntok < fmt->n ? ntok : fmt->n;
		return -1;
	}
	for (i = 0; i < ntok; i++) {
		int id = fmt->field[i];
		enum parse_reason r;

		if (id == FIELD_IGNORE)
			continue;
		if (tok[i].len == 1 && tok[i].p[0] == '-')
			continue;
		r = parse_value(id, tok[i].p, tok[i].len, &out->v[id],
		    &out->flags);
		if (r != PARSE_OK) {
			err->reason = r;
			err->field = id;
			err->token = i;
			return -1;
		}
		flow_set(out, id);
	}
	err->reason = PARSE_OK;
	return 0;
}

/*
 * The one-pass parser (parse_fast).
 *
 * 1. Fields.  The line is read 64 bytes at a time (four 16-byte SSE2
 *    compares where there is SSE2, a byte loop otherwise) into a bit mask
 *    of its spaces, with one more space marked at len, and copied on the
 *    way to a buffer (see the last note); the largest byte less ' ' (mod
 *    256) is kept on the way, so one test at the end tells whether every
 *    byte is printable ASCII or a space.  The last partial block is read as
 *    the 64 bytes ending at the line's end, shifted.  The set bits are
 *    popped by ctz, two per round, into ends[] in the same pass: when no
 *    two spaces are next to each other (and none leads), which is what AWS
 *    writes, field k is [ends[k - 1] + 1, ends[k]).  Any other line (AWS's
 *    double space in custom formats, tabs are rejected earlier) has its
 *    token edges collected into starts[] and ends[] by line_tokens.  Either
 *    way every field's bounds are known before a value is read, the field
 *    count is checked before any conversion, and there is no byte loop.
 * 2. Per-format plan.  The format's fields are listed once, grouped by type
 *    (numbers with their length limit and range, addresses, enums,
 *    symbols; ignored columns left out), with each one's place as a byte
 *    offset into ends[], the offset of its value in struct flow, its bit
 *    in the present mask, and the present mask of all the format's
 *    fields.  Plans of the last four formats are kept, each checked
 *    against the format's field list (16 ids per compare, the plan used
 *    last first), so lines of a few formats mixed in one input do not
 *    rebuild plans.  Enum words are packed once into 8-byte words from the
 *    field table.
 * 3. Values, one loop per type, each knowing the field's length.  Numbers,
 *    with SSE2, two at a time: each the 16 bytes that end at its end,
 *    masked to its length, both checked at once, then one multiply (two
 *    digits in 16 bits), three multiply-adds and one 64-bit multiply for
 *    the pair; a pair with a "-", a longer number or a bad byte, and the
 *    last of an odd count, one at a time: up to 4 digits in one 32-bit
 *    SWAR step, up to 8 in one 64-bit step, longer ones in two or three,
 *    the digits checked in the same words (a 20-digit number is checked
 *    against 2^64 - 1 exactly).  Dotted quads: one 16-byte compare each
 *    for dots and digits; a hash of the mask of the dots and the end
 *    finds the shape (1 to 3 digits per part, the 81 shapes in a table
 *    built once) with the parts' ends, the masks of their bytes and the
 *    least value of each part's length (10 for two digits: no leading
 *    zero); then the four parts' digits in one vector, one multiply and
 *    one multiply-add for all four, and one compare each with 255 and
 *    with those least values.  Enum words as two masked 8-byte words
 *    compared with the packed words (AWS's spelling only, other case goes
 *    to the exact path).  IPv6: the full form (eight groups, no "::") by
 *    fast_v6_full, three 16-byte compares for colons and hex digits, one
 *    vector step to nibble values and a 64-bit SWAR step per two groups;
 *    any other by fast_v6, which takes the RFC 4291 forms ("::", a
 *    dotted-quad tail) and only what inet_pton takes, with the same
 *    bytes.  A "-" is looked for only where a value fails to convert (and
 *    for symbols); it clears the field's bit in the present mask.
 * 4. The v2 default order (AWS's default, most lines there are), with no
 *    two spaces next to each other, is first tried by convert_v2 as
 *    straight code: the places, types and value offsets are constants;
 *    version, the ports and protocol are converted four at once (two
 *    8-byte numbers in each vector) and checked against their ranges in
 *    one vector compare, packets and bytes, start and end as pairs of 16
 *    digits; addresses as in step 3; enum words of up to 8 bytes as one
 *    masked word.  A line with anything else (a "-", a longer or
 *    out-of-range number, a longer or unknown enum word) is left to the
 *    loops of step 3, which decide it.
 *
 * Nothing outside [line, line + len) is read: the values are read from a
 * copy of the line made in step 1, with 16 zero bytes before it and 48
 * after it (on the stack up to FAST_LINE_MAX bytes, else in a heap buffer
 * kept for the next long line), so that any word or vector of a value is
 * read whole, without bounds checks; symbols still point into the line.
 * The space mask's last partial block is read as the 64 bytes ending at
 * the line's end, shifted, or from an 'x'-padded copy when the line is
 * shorter than that.  The caches (the plans, the packed enum words, the
 * shapes of dotted quads, the v2 ranges, the heap buffer) are plain
 * statics: parse_fast is not to be called from two threads at once.
 * Results equal the exact path's for every line parse_fast takes; the
 * tests in tests/test_parse.c check this on generated, damaged and edge
 * lines.
 */

/* Longest line parse_fast copies to its stack; a longer one goes to a
 * buffer on the heap, kept for the next.  Either has room for 16 bytes
 * before the line and 64 after it. */
#define FAST_LINE_MAX 4096

/* Most words an enum field may have in the packed table. */
#define FAST_ENUM_WORDS 4

/* Inline even where the compiler would not: the per-field code. */
#if defined(__GNUC__)
#define FAST_INLINE inline __attribute__((always_inline))
#else
#define FAST_INLINE inline
#endif

/* Hide a vector constant from the compiler, which would otherwise turn a
 * multiply by it into several shifts and adds. */
#if defined(__GNUC__) && defined(__SSE2__)
#define FAST_OPAQUE(x) __asm__("" : "+x"(x))
#else
#define FAST_OPAQUE(x) ((void)0)
#endif

/* An enum field's words packed into little-endian 8-byte pairs, zero-padded;
 * words longer than 16 bytes and all after them are left out (as zeros). */
struct fast_enum {
	uint8_t n;
	uint64_t w[FAST_ENUM_WORDS][2];
	uint64_t w8[FAST_ENUM_WORDS];	/* the words of up to 8 bytes (the
					 * rest 0) */
};

/* One field of a format as the per-type loops of parse_fast see it. */
struct fast_slot {
	uint16_t at;		/* its place on the line, times 4 (bytes into
				 * an array of uint32_t by slot) */
	uint8_t id;		/* its field id */
	uint8_t maxlen;		/* numbers: most bytes */
	uint16_t off;		/* offset of its value in struct flow */
	uint8_t vmax;		/* numbers: most bytes of the SSE2 pairs */
	uint8_t flags;		/* FAST_TIME, and its word in the present
				 * mask times FAST_WORD */
	uint64_t clear;		/* that word without its bit */
	uint64_t lo, span;	/* numbers: the range is lo..lo + span */
};

#define FAST_TIME 1	/* numbers: an FT_TIME (milliseconds rule) */
#define FAST_WORD 2

/* a[slot] for entry q's slot, a being ends or starts (or ends - 1, for
 * the end of the slot before), without scaling the index. */
#define FAST_AT(a, q) (*(const uint32_t *)(const void *) \
	((const char *)(a) + (q)->at))

/* What parse_fast precomputes for one format: its fields grouped by type
 * (numbers, addresses, enums, symbols; ignored columns are left out). */
struct fast_plan {
	int valid;
	int slow;			/* a slot the fast path cannot take */
	int v2;				/* the v2 default order (convert_v2) */
	uint16_t n;
	uint16_t nnum, naddr, nenum, nsym;
	uint8_t field[FORMAT_MAX];	/* fmt->field, to check the cache */
	struct fast_slot e[FORMAT_MAX];
	uint64_t present[2];		/* every field the format carries */
};

static struct fast_enum fast_enums[FIELD_COUNT];
static int fast_enums_ready;

/* The ranges of version, srcport, dstport and protocol as convert_v2 checks
 * them: lo, and span (hi - lo) with its top bit flipped. */
static uint32_t fast_v2_lo[4], fast_v2_span[4];

/* The shape of a dotted quad (four parts of 1 to 3 digits): its mask of
 * part ends (the three dots and the bit past its end), the ends' places,
 * for each part the mask of its bytes at the top of the 4 bytes that end
 * at its end, and the least value a part of its length has without a
 * leading zero (0, 10, 100). */
struct fast_v4_shape {
	uint16_t ends;		/* 0: no shape hashes here */
	uint8_t d[4];
	int16_t min[4];
	uint32_t m[4];
};

/* The 81 shapes by a hash of the mask of part ends (no two share a slot;
 * the tests try every shape). */
#define FAST_V4_HASH(ends) ((uint32_t)((ends) * 0xe07bdb9fu) >> 24)
static struct fast_v4_shape fast_v4_shapes[256];
#define FAST_PLANS 4		/* formats whose plans are kept */
static struct fast_plan fast_plan_cache[FAST_PLANS];
static unsigned fast_plan_next;	/* the entry the next new plan takes */
static struct fast_plan *fast_plan_last;	/* the one used last */

/* Load the 8 bytes at b[pos] of the line's padded copy (pos < len, so
 * they are inside the copy and its padding) as a little-endian word. */
static FAST_INLINE uint64_t
load8(const char *b, size_t pos)
{
	uint64_t x;

	memcpy(&x, b + pos, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	return x;
}

/* Pack the enum words of the field table once, for word compares, fill
 * the table of dotted-quad shapes and the ranges convert_v2 checks. */
static void
fast_enums_init(void)
{
	unsigned shape, k;
	int id;

	for (shape = 0; shape < 81; shape++) {
		struct fast_v4_shape sh;
		unsigned at = 0, l, m = shape;

		sh.ends = 0;
		for (k = 0; k < 4; k++) {
			l = 1 + m % 3;
			m /= 3;
			at += l;
			sh.d[k] = (uint8_t)at;
			sh.ends |= (uint16_t)(1u << at);
			sh.m[k] = ~0u << (32 - 8 * l);
			sh.min[k] = (int16_t)(l == 1 ? 0 : l == 2 ? 10 : 100);
			at++;
		}
		fast_v4_shapes[FAST_V4_HASH(sh.ends)] = sh;
	}
	for (id = 0; id < FIELD_COUNT; id++) {
		const char *const *w = field_table[id].words;
		struct fast_enum *e = &fast_enums[id];

		if (field_table[id].type != FT_ENUM || w == NULL)
			continue;
		for (k = 0; w[k] != NULL && e->n < FAST_ENUM_WORDS; k++) {
			size_t len = strlen(w[k]), j;
			uint64_t x[2] = { 0, 0 };

			if (len == 0 || len > 16)
				break;	/* keep indexes: stop at the first odd one */
			for (j = 0; j < len; j++)
				x[j / 8] |= (uint64_t)(unsigned char)w[k][j] <<
				    (8 * (j % 8));
			e->w[e->n][0] = x[0];
			e->w[e->n][1] = x[1];
			e->w8[e->n] = len <= 8 ? x[0] : 0;
			e->n++;
		}
	}
	fast_v2_lo[0] = field_table[F_VERSION].min;
	fast_v2_span[0] = field_table[F_VERSION].max - field_table[F_VERSION].min;
	fast_v2_lo[1] = fast_v2_lo[2] = 0;
	fast_v2_span[1] = fast_v2_span[2] = 65535;
	fast_v2_lo[3] = field_table[F_PROTOCOL].min;
	fast_v2_span[3] = field_table[F_PROTOCOL].max -
	    field_table[F_PROTOCOL].min;
	for (k = 0; k < 4; k++)
		fast_v2_span[k] ^= 0x80000000u;
	fast_enums_ready = 1;
}

/* Tell whether plan p was made for fmt's slots (16 ids per compare). */
static FAST_INLINE int
plan_matches(const struct fast_plan *p, const struct format *fmt)
{
	unsigned n = fmt->n;
#if defined(__SSE2__)
	unsigned k, m;

	if (p->n != n)
		return 0;
	/* n <= FORMAT_MAX, a multiple of 16: no read past the arrays */
	for (k = 0;; k += 16) {
		m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(fmt->field + k)),
		    _mm_loadu_si128((const __m128i *)(p->field + k))));
		if (k + 16 >= n)
			return ((~m << (k + 16 - n)) & 0xffff) == 0;
		if (m != 0xffff)
			return 0;
	}
#else
	return p->n == n && memcmp(p->field, fmt->field, n) == 0;
#endif
}

/* Return the plan of fmt, from the cache when it holds the same slots. */
static const struct fast_plan *
fast_plan_get(const struct format *fmt)
{
	static const uint8_t group[FT_ENUM + 1] = {
		[FT_INT] = 0, [FT_PORT] = 0, [FT_COUNTER] = 0, [FT_TIME] = 0,
		[FT_ADDR] = 1, [FT_ENUM] = 2, [FT_SYMBOL] = 3
	};
	struct fast_plan *p;
	uint16_t *count[4];
	unsigned c;
	int i, g;

	if (fast_plan_last != NULL && plan_matches(fast_plan_last, fmt))
		return fast_plan_last;
	for (c = 0; c < FAST_PLANS; c++) {
		p = &fast_plan_cache[c];
		if (p->valid && plan_matches(p, fmt))
			return fast_plan_last = p;
	}
	p = &fast_plan_cache[fast_plan_next];
	fast_plan_next = (fast_plan_next + 1) % FAST_PLANS;
	if (!fast_enums_ready)
		fast_enums_init();
	count[0] = &p->nnum;
	count[1] = &p->naddr;
	count[2] = &p->nenum;
	count[3] = &p->nsym;
	p->n = fmt->n;
	memset(p->field, 0, sizeof p->field);
	memcpy(p->field, fmt->field, fmt->n);
	p->present[0] = p->present[1] = 0;
	p->slow = 0;
	p->nnum = p->naddr = p->nenum = p->nsym = 0;
	for (g = 0; g < 4; g++) {
		for (i = 0; i < fmt->n; i++) {
			int id = fmt->field[i], t;
			struct fast_slot *e;

			if (id == FIELD_IGNORE)
				continue;
			if (id >= FIELD_COUNT) {
				p->slow = 1;
				continue;
			}
			t = field_table[id].type;
			if (group[t] != g)
				continue;
			e = &p->e[p->nnum + p->naddr + p->nenum + p->nsym];
			e->at = (uint16_t)(4 * i);
			e->id = (uint8_t)id;
			e->off = (uint16_t)(offsetof(struct flow, v) +
			    (size_t)id * sizeof(union flow_val));
			e->maxlen = t == FT_PORT ? 5 : 20;
			e->vmax = t == FT_PORT ? 5 : 16;
			e->flags = (uint8_t)((id >> 6) * FAST_WORD |
			    (t == FT_TIME ? FAST_TIME : 0));
			e->clear = ~((uint64_t)1 << (id & 63));
			/* a time above 2^31 - 1 leaves the range and is
			 * then taken as milliseconds */
			e->lo = t == FT_INT ? field_table[id].min : 0;
			e->span = t == FT_PORT ? 65535 : t == FT_TIME ?
			    0x7fffffffu : t == FT_INT ? (uint64_t)
			    field_table[id].max - field_table[id].min :
			    UINT64_MAX;
			p->present[id >> 6] |= (uint64_t)1 << (id & 63);
			*count[g] += 1;
		}
	}
	p->v2 = fmt->n == 14;
	for (i = 0; i < fmt->n && p->v2; i++)
		p->v2 = fmt->field[i] == i;
	p->valid = 1;
	return fast_plan_last = p;
}

/* Convert n (1..8) decimal digits in the low bytes of x; -1 if one is not a
 * digit.  The bytes above the n are ignored. */
static inline int
digits8(uint64_t x, unsigned n, uint64_t *out)
{
	unsigned sh = 64 - 8 * n;
	uint64_t d = x - 0x3030303030303030ull;

	/* A byte is a digit when neither b - '0' nor b + 0x46 sets its top
	 * bit; borrows and carries only move up from a byte that fails.  The
	 * shift drops the bytes past the n, then puts the digits at the top
	 * so that the leading bytes are zeros. */
	if (((((x + 0x4646464646464646ull) | d) & 0x8080808080808080ull)
	    << sh) != 0)
		return -1;
	d <<= sh;
	d = (d * 10 + (d >> 8)) & 0x00ff00ff00ff00ffull;
	d = (d * 100 + (d >> 16)) & 0x0000ffff0000ffffull;
	d = (d * 10000 + (d >> 32)) & 0xffffffffull;
	*out = d;
	return 0;
}

/* Convert n (1..4) decimal digits in the low bytes of x, as digits8 does
 * with eight; -1 if one is not a digit. */
static inline int
digits4(uint32_t x, unsigned n, uint64_t *out)
{
	unsigned sh = 32 - 8 * n;
	uint32_t d = x - 0x30303030u;

	if (((((x + 0x46464646u) | d) & 0x80808080u) << sh) != 0)
		return -1;
	d <<= sh;
	d = (d * 10 + (d >> 8)) & 0x00ff00ffu;
	*out = (d * 100 + (d >> 16)) & 0xffffu;
	return 0;
}

#if defined(__SSE2__)
/* At fast_keep + n, 16 - n zeros then n 0xff (n 0..16): the mask of a
 * number of n digits that ends a 16-byte vector. */
static const uint8_t fast_keep[32] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};

/* Convert the n (9..16) decimal digits that end at end16 + 16 with SSE2,
 * reading the 16 bytes before that end (the bytes ahead of the digits are
 * masked off); -1 if one is not a digit. */
static FAST_INLINE int
digits16(const char *end16, unsigned n, uint64_t *out)
{
	const uint8_t *keep = fast_keep;
	__m128i d, x, ten;

	d = _mm_and_si128(_mm_sub_epi8(_mm_loadu_si128((const __m128i *)end16),
	    _mm_set1_epi8('0')), _mm_loadu_si128((const __m128i *)(keep + n)));
	if (_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(d,
	    _mm_set1_epi8(9)), _mm_set1_epi8(9))) != 0xffff)
		return -1;
	/* pairs of digits in 16 bits (the first byte is the higher digit:
	 * a + 256 b times 0x0a01 is 10 a + b in the high byte), then four in
	 * 32, then eight: A (bytes 0-7) and B (8-15) */
	ten = _mm_set1_epi16(0x0a01);
	FAST_OPAQUE(ten);
	x = _mm_srli_epi16(_mm_mullo_epi16(d, ten), 8);
	x = _mm_madd_epi16(x, _mm_set1_epi32(1 << 16 | 100));
	x = _mm_packs_epi32(x, x);
	x = _mm_madd_epi16(x, _mm_set1_epi32(1 << 16 | 10000));
	*out = (uint64_t)(uint32_t)_mm_cvtsi128_si32(x) * 100000000u +
	    (uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(x, 4));
	return 0;
}
#endif

#if defined(__SSE2__)
/* Convert two numbers of 1 to 16 digits at once, l0 digits that end at
 * b[e0] and l1 that end at b[e1] (the copy has 16 bytes of padding before
 * the line); -1 if a byte of either is not a digit. */
static FAST_INLINE int
digits16x2(const char *b, uint32_t e0, unsigned l0, uint32_t e1, unsigned l1,
    uint64_t u[2])
{
	const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
	const __m128i hundred = _mm_set1_epi32(1 << 16 | 100);
	__m128i d0, d1, x0, x1, ten = _mm_set1_epi16(0x0a01);

	FAST_OPAQUE(ten);
	d0 = _mm_and_si128(_mm_sub_epi8(_mm_loadu_si128((const __m128i *)
	    (b + e0 - 16)), zero), _mm_loadu_si128((const __m128i *)
	    (fast_keep + l0)));
	d1 = _mm_and_si128(_mm_sub_epi8(_mm_loadu_si128((const __m128i *)
	    (b + e1 - 16)), zero), _mm_loadu_si128((const __m128i *)
	    (fast_keep + l1)));
	if (_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(_mm_max_epu8(d0,
	    d1), nine), nine)) != 0xffff)
		return -1;
	/* as digits16 does, both numbers: 2 digits in each 16 bits (the
	 * 16-bit a + 256 b times 0x0a01 is 10 a + b in its high byte, mod
	 * 2^16, a and b below 10), 4 in each 32, then 8 in each, the high
	 * and low halves of each number */
	x0 = _mm_madd_epi16(_mm_srli_epi16(_mm_mullo_epi16(d0, ten), 8),
	    hundred);
	x1 = _mm_madd_epi16(_mm_srli_epi16(_mm_mullo_epi16(d1, ten), 8),
	    hundred);
	x0 = _mm_madd_epi16(_mm_packs_epi32(x0, x1),
	    _mm_set1_epi32(1 << 16 | 10000));
	/* high half * 10^8 + low half, in each 64-bit lane */
	x0 = _mm_add_epi64(_mm_mul_epu32(x0, _mm_set1_epi32(100000000)),
	    _mm_srli_epi64(x0, 32));
	_mm_storeu_si128((__m128i *)(void *)u, x0);
	return 0;
}
#endif

#if defined(__SSE2__)
/* Convert four numbers of 1 to 8 digits at once, number j the l[j] digits
 * that end at b[e[j]] (the copy has 16 bytes of padding before the line),
 * into the 32-bit lanes of *u, as digits16x2 does with two of 16 but with
 * two numbers in each vector; -1 if a byte of any is not a digit. */
static FAST_INLINE int
digits8x4(const char *b, const uint32_t e[4], const unsigned l[4],
    __m128i *u)
{
	const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
	__m128i d0, d1, ten = _mm_set1_epi16(0x0a01);

	FAST_OPAQUE(ten);
	/* fast_keep + 8 + l: 8 - l zeros, then l 0xff */
	d0 = _mm_and_si128(_mm_sub_epi8(_mm_unpacklo_epi64(
	    _mm_loadl_epi64((const __m128i *)(b + e[0] - 8)),
	    _mm_loadl_epi64((const __m128i *)(b + e[1] - 8))), zero),
	    _mm_unpacklo_epi64(
	    _mm_loadl_epi64((const __m128i *)(fast_keep + 8 + l[0])),
	    _mm_loadl_epi64((const __m128i *)(fast_keep + 8 + l[1]))));
	d1 = _mm_and_si128(_mm_sub_epi8(_mm_unpacklo_epi64(
	    _mm_loadl_epi64((const __m128i *)(b + e[2] - 8)),
	    _mm_loadl_epi64((const __m128i *)(b + e[3] - 8))), zero),
	    _mm_unpacklo_epi64(
	    _mm_loadl_epi64((const __m128i *)(fast_keep + 8 + l[2])),
	    _mm_loadl_epi64((const __m128i *)(fast_keep + 8 + l[3]))));
	if (_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(_mm_max_epu8(d0,
	    d1), nine), nine)) != 0xffff)
		return -1;
	/* 2 digits in each 16 bits, 4 in each 32 (the high and low halves
	 * of each number), then each number in 32 bits */
	d0 = _mm_madd_epi16(_mm_srli_epi16(_mm_mullo_epi16(d0, ten), 8),
	    _mm_set1_epi32(1 << 16 | 100));
	d1 = _mm_madd_epi16(_mm_srli_epi16(_mm_mullo_epi16(d1, ten), 8),
	    _mm_set1_epi32(1 << 16 | 100));
	*u = _mm_madd_epi16(_mm_packs_epi32(d0, d1),
	    _mm_set1_epi32(1 << 16 | 10000));
	return 0;
}
#endif

/* Convert a decimal number of 17 to 20 bytes at b[s]; -1 if it is not
 * all digits or does not fit 64 bits (as parse_u64 decides). */
static int
long_number(const char *b, size_t s, unsigned n, uint64_t *out)
{
	uint64_t a, m, c;
	unsigned h = n - 16;

	if (n > 20 ||
	    digits8(load8(b, s), h, &a) < 0 ||
	    digits8(load8(b, s + h), 8, &m) < 0 ||
	    digits8(load8(b, s + h + 8), 8, &c) < 0)
		return -1;
	m = m * 100000000u + c;
	/* UINT64_MAX is 1844 6744073709551615 */
	if (a > 1844 || (a == 1844 && m > 6744073709551615ull))
		return -1;
	*out = a * 10000000000000000ull + m;
	return 0;
}

/* Convert the decimal number of n (1..20) bytes at b[s] of the line's
 * padded copy; -1 if it is not all digits or does not fit 64 bits. */
static FAST_INLINE int
fast_number(const char *b, size_t s, unsigned n, uint64_t *out)
{
#if !defined(__SSE2__)
	uint64_t a, c;
	unsigned h;
#endif

	if (n <= 4)
		return digits4((uint32_t)load8(b, s), n, out);
	if (n <= 8)
		return digits8(load8(b, s), n, out);
	if (n > 16)
		return long_number(b, s, n, out);
#if defined(__SSE2__)
	/* the copy has 16 bytes of padding before the line */
	return digits16(b + s + n - 16, n, out);
#else
	h = n - 8;
	if (digits8(load8(b, s), h, &a) < 0 ||
	    digits8(load8(b, s + h), 8, &c) < 0)
		return -1;
	*out = a * 100000000u + c;
	return 0;
#endif
}

#if !defined(__SSE2__)
/* Store IPv4 octets (o's low byte first) as ::ffff:a.b.c.d (the SSE2
 * fast_v4 stores its vector instead). */
static inline void
put_v4(struct flow_addr *a, uint32_t o)
{
	uint64_t lo = 0, hi = 0xffff0000u | ((uint64_t)o << 32);

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	hi = __builtin_bswap64(hi);
#endif
	memcpy(a->b, &lo, 8);
	memcpy(a->b + 8, &hi, 8);
}
#endif

#if defined(__SSE2__)
/* The 4 bytes that end at p (a part's end), kept by mask m (the part's
 * digits, at the top; x86 is little endian). */
static inline uint64_t
octet_digits(const char *p, uint32_t m)
{
	uint32_t x;

	memcpy(&x, p - 4, 4);
	return x & m;
}

/* Parse the dotted quad of n bytes at b[s] of the line's padded copy: one
 * 16-byte compare each finds its dots and digits, the hash of the dots and
 * the end finds its shape (each part 1 to 3 digits, their ends), then one
 * vector multiply and one multiply-add give the four parts, checked
 * against 255 and against the least value of their length (no leading
 * zero); -1 if it is not a strict dotted quad (what flow_addr_parse
 * takes). */
static FAST_INLINE int
fast_v4(const char *b, size_t s, unsigned n, struct flow_addr *a)
{
	const char *p = b + s;
	const struct fast_v4_shape *sh;
	__m128i v, ten = _mm_set1_epi16(0x0a01);
	unsigned all, dots, digits;

	if (n - 7 > 8)	/* not 7..15 bytes */
		return -1;
	/* the copy has 16 bytes of padding after the line */
	v = _mm_loadu_si128((const __m128i *)p);
	all = (1u << n) - 1;
	dots = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v,
	    _mm_set1_epi8('.')));
	/* '0'..'9' + 0x50 are the ten smallest signed bytes */
	digits = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(
	    _mm_add_epi8(v, _mm_set1_epi8(0x50)), _mm_set1_epi8(-118)));
	dots &= all;
	if (((dots | digits) & all) != all)
		return -1;
	/* three dots and the end in a known shape (parts of 1 to 3
	 * digits) */
	dots |= all + 1;
	sh = &fast_v4_shapes[FAST_V4_HASH(dots)];
	if (sh->ends != dots)
		return -1;
	/* the four parts' digits in 32 bits each (less '0', the bytes
	 * masked off staying 0), to values: two digits in each 16 bits
	 * (a + 256 b times 0x0a01 is 10 a + b in the high byte), then all
	 * four in 32 */
	v = _mm_subs_epu8(_mm_set_epi64x(
	    (long long)(octet_digits(p + sh->d[2], sh->m[2]) |
	    octet_digits(p + sh->d[3], sh->m[3]) << 32),
	    (long long)(octet_digits(p + sh->d[0], sh->m[0]) |
	    octet_digits(p + sh->d[1], sh->m[1]) << 32)), _mm_set1_epi8('0'));
	FAST_OPAQUE(ten);
	v = _mm_madd_epi16(_mm_srli_epi16(_mm_mullo_epi16(v, ten), 8),
	    _mm_set1_epi32(1 << 16 | 100));
	v = _mm_packs_epi32(v, v);	/* parts of up to 999 */
	/* a part above 255, or below the least value of its length (a
	 * leading zero) */
	if (_mm_movemask_epi8(_mm_or_si128(_mm_cmpgt_epi16(v,
	    _mm_set1_epi16(255)), _mm_cmplt_epi16(v, _mm_loadl_epi64(
	    (const __m128i *)(const void *)sh->min)))))
		return -1;
	/* ::ffff:a.b.c.d, the four parts in its last 4 bytes */
	v = _mm_or_si128(_mm_slli_si128(_mm_packus_epi16(v, v), 12),
	    _mm_set_epi32(0, (int)0xffff0000u, 0, 0));
	_mm_storeu_si128((__m128i *)(void *)a->b, v);
	return 0;
}
#else
/* Parse a dotted quad of n bytes at b[s]; -1 if it is not strict. */
static inline int
fast_v4(const char *b, size_t s, unsigned n, struct flow_addr *a)
{
	uint8_t q[4];

	if (n < 7 || n > 15 || flow_v4_parse(b + s, n, q) < 0)
		return -1;
	put_v4(a, (uint32_t)q[0] | (uint32_t)q[1] << 8 |
	    (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24);
	return 0;
}
#endif

/* One more than the value of each byte as a hex digit; 0: not one. */
static const uint8_t hex1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
	['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* Parse an IPv6 address of n bytes at p in the RFC 4291 text forms: eight
 * groups of 1-4 hex digits, one "::" standing for at least one zero group,
 * a dotted-quad tail for the last two groups.  Accepts only what inet_pton
 * accepts, with the same bytes; -1 for anything else (the exact path then
 * decides). */
static int
fast_v6(const unsigned char *p, size_t n, struct flow_addr *a)
{
	unsigned g[8];
	int ng = 0, gap = -1, i, k;
	size_t j = 0;

	if (n < 2 || n > 45)
		return -1;
	if (p[0] == ':') {
		if (p[1] != ':')
			return -1;
		gap = 0;
		j = 2;
		if (j == n)
			goto done;
	}
	for (;;) {
		size_t start = j;
		unsigned v = 0, h;

		while (j < n && j - start < 5 && (h = hex1[p[j]]) != 0) {
			v = v << 4 | (h - 1);
			j++;
		}
		if (j == start || j - start > 4)
			return -1;
		if (j < n && p[j] == '.') {
			uint8_t q[4];

			if (ng > 6 || flow_v4_parse((const char *)p + start,
			    n - start, q) < 0)
				return -1;
			g[ng++] = (unsigned)q[0] << 8 | q[1];
			g[ng++] = (unsigned)q[2] << 8 | q[3];
			break;
		}
		if (ng == 8)
			return -1;
		g[ng++] = v;
		if (j == n)
			break;
		if (p[j] != ':' || ++j == n)
			return -1;	/* a stray byte, or a trailing ':' */
		if (p[j] == ':') {
			if (gap >= 0)
				return -1;
			gap = ng;
			if (++j == n)
				break;
		}
	}
done:
	if (gap < 0 ? ng != 8 : ng > 7)
		return -1;
	k = 0;
	for (i = 0; i < 8; i++) {
		unsigned x;

		if (gap >= 0 && i >= gap && i < gap + 8 - ng)
			x = 0;
		else
			x = g[k++];
		a->b[2 * i] = (uint8_t)(x >> 8);
		a->b[2 * i + 1] = (uint8_t)x;
	}
	return 0;
}

#if defined(__SSE2__)
/* Two groups of an IPv6 address, their nibble values at the top of the 4
 * bytes that end at e0 and e1 in nib (the bytes before a group masked off
 * by its length l0 and l1, 1..4), as the 4 bytes they are in the address. */
static FAST_INLINE uint32_t
v6_pair(const uint8_t *nib, unsigned e0, unsigned l0, unsigned e1,
    unsigned l1)
{
	static const uint32_t top[5] = {
		0, 0xff000000u, 0xffff0000u, 0xffffff00u, 0xffffffffu
	};
	uint32_t g0, g1;
	uint64_t w;

	memcpy(&g0, nib + e0 - 4, 4);
	memcpy(&g1, nib + e1 - 4, 4);
	w = (g0 & top[l0]) | (uint64_t)(g1 & top[l1]) << 32;
	/* 16-bit lanes: the four bytes, high byte of each group first */
	w = ((w & 0x00ff00ff00ff00ffull) << 4) |
	    ((w >> 8) & 0x00ff00ff00ff00ffull);
	w |= w >> 8;
	return (uint32_t)((w & 0xffff) | ((w >> 16) & 0xffff0000u));
}

/* Parse the common IPv6 form at p (n bytes, with 48 readable after p):
 * eight groups of 1 to 4 hex digits, no "::", no dotted tail, as three
 * 16-byte compares for colons and hex digits, the colons' places, one
 * vector step to the nibble values and one SWAR step per two groups; -1
 * for any other form (fast_v6 then decides). */
static FAST_INLINE int
fast_v6_full(const char *p, unsigned n, struct flow_addr *a)
{
	const __m128i colon = _mm_set1_epi8(':'), f = _mm_set1_epi8(0x0f);
	const __m128i one = _mm_set1_epi8(1);
	uint8_t nib[4 + 48];
	uint64_t all, c = 0, h = 0;
	unsigned q[8], k, bad;
	uint32_t out[4];

	if (n - 15 > 24)	/* not 15..39 bytes */
		return -1;
	memset(nib, 0, 4);
	for (k = 0; k < 3; k++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * k));
		__m128i x = _mm_and_si128(v, f);
		__m128i y = _mm_and_si128(_mm_srli_epi16(v, 6), one);

		c |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v,
		    colon)) << (16 * k);
		/* '0'..'9' + 0x50 and ('a'..'f' | 0x20) + 0x1f are the
		 * smallest signed bytes */
		h |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(0x50)),
		    _mm_set1_epi8(-118)), _mm_cmplt_epi8(_mm_add_epi8(
		    _mm_or_si128(v, _mm_set1_epi8(0x20)),
		    _mm_set1_epi8(0x1f)), _mm_set1_epi8(-122)))) << (16 * k);
		/* a hex digit's value: its low nibble, + 9 for a letter */
		_mm_storeu_si128((__m128i *)(void *)(nib + 4 + 16 * k),
		    _mm_add_epi8(_mm_add_epi8(x, y), _mm_slli_epi16(y, 3)));
	}
	all = ((uint64_t)1 << n) - 1;
	c &= all;
	if ((c | (h & all)) != all)
		return -1;
	/* seven colons (63, past any address, for each one missing) and no
	 * eighth, then groups of 1 to 4 digits */
	for (k = 0; k < 7; k++) {
		q[k] = (unsigned)__builtin_ctzll(c | (uint64_t)1 << 63);
		c &= c - 1;
	}
	q[7] = n;
	if (c != 0)
		return -1;
	bad = q[0] - 1;
	for (k = 1; k < 8; k++)
		bad |= q[k] - q[k - 1] - 2;
	if (bad & ~3u)
		return -1;
	out[0] = v6_pair(nib + 4, q[0], q[0], q[1], q[1] - q[0] - 1);
	out[1] = v6_pair(nib + 4, q[2], q[2] - q[1] - 1, q[3],
	    q[3] - q[2] - 1);
	out[2] = v6_pair(nib + 4, q[4], q[4] - q[3] - 1, q[5],
	    q[5] - q[4] - 1);
	out[3] = v6_pair(nib + 4, q[6], q[6] - q[5] - 1, q[7],
	    q[7] - q[6] - 1);
	memcpy(a->b, out, 16);
	return 0;
}
#endif

#if defined(__SSE2__)
/* The largest byte less ' ' (mod 256, as unsigned) seen so far: space and
 * printable ASCII, ' '..'~', are 0..0x5e, every other byte above. */
typedef struct {
	__m128i hi;
} fast_bad;
#define FAST_BAD_NONE { _mm_setzero_si128() }

/* Tell whether a byte outside ' '..'~' was seen. */
static FAST_INLINE int
fast_bad_any(const fast_bad *b)
{
	return _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(b->hi,
	    _mm_set1_epi8(0x5e)), _mm_set1_epi8(0x5e))) != 0xffff;
}
#define FAST_BAD_ANY(b) fast_bad_any(&(b))

/* Mask of the spaces among the 16 bytes of v (the bytes less ' ' that are
 * 0); the largest of those bytes goes into *bad. */
static FAST_INLINE unsigned
chunk_spaces(__m128i v, fast_bad *bad)
{
	v = _mm_sub_epi8(v, _mm_set1_epi8(' '));
	bad->hi = _mm_max_epu8(bad->hi, v);
	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v,
	    _mm_setzero_si128()));
}

/* Mask of the spaces among the 64 bytes at line[i], i + 64 <= len; they
 * are copied to copy[i] too unless copy is NULL. */
static FAST_INLINE uint64_t
block_spaces(const char *line, size_t i, fast_bad *bad, char *copy)
{
	const __m128i *q = (const __m128i *)(line + i);
	__m128i v0 = _mm_loadu_si128(q), v1 = _mm_loadu_si128(q + 1);
	__m128i v2 = _mm_loadu_si128(q + 2), v3 = _mm_loadu_si128(q + 3);

	if (copy) {
		__m128i *c = (__m128i *)(void *)(copy + i);

		_mm_storeu_si128(c, v0);
		_mm_storeu_si128(c + 1, v1);
		_mm_storeu_si128(c + 2, v2);
		_mm_storeu_si128(c + 3, v3);
	}
	return (uint64_t)chunk_spaces(v0, bad) |
	    (uint64_t)chunk_spaces(v1, bad) << 16 |
	    (uint64_t)chunk_spaces(v2, bad) << 32 |
	    (uint64_t)chunk_spaces(v3, bad) << 48;
}

/* Mask of the spaces among the last len - i (1..63) bytes of the line:
 * the 64 bytes ending at the line's end, shifted (their first bytes were
 * looked at already), or a padded copy of a line shorter than 64; the
 * bytes go to copy too (for a short line, 'x' after them) unless it is
 * NULL. */
static FAST_INLINE uint64_t
tail_spaces(const char *line, size_t len, size_t i, fast_bad *bad, char *copy)
{
	char pad[64];

	if (len >= 64)
		return block_spaces(line + len - 64, 0, bad,
		    copy ? copy + len - 64 : NULL) >> (64 - (len - i));
	if (copy == NULL)
		copy = pad;
	memset(copy, 'x', 64);
	memcpy(copy, line, len);
	return block_spaces(copy, 0, bad, NULL);
}
#else
/* Bad bytes seen so far: a flag. */
typedef unsigned fast_bad;
#define FAST_BAD_NONE 0
#define FAST_BAD_ANY(b) ((b) != 0)

/* Mask of the spaces among the bytes [i, min(i + 64, len)); a byte that is
 * neither space nor printable ASCII sets *bad (no copy here: parse_fast
 * copies the line itself). */
static uint64_t
tail_spaces(const char *line, size_t len, size_t i, fast_bad *bad, char *copy)
{
	uint64_t sp = 0;
	unsigned c;

	(void)copy;
	for (c = 0; c < 64 && i + c < len; c++) {
		unsigned char ch = (unsigned char)line[i + c];

		if (ch == ' ')
			sp |= (uint64_t)1 << c;
		else if (ch < 0x21 || ch >= 0x7f)
			*bad = 1;
	}
	return sp;
}

/* Mask of the spaces among the 64 bytes at line[i], i + 64 <= len. */
static FAST_INLINE uint64_t
block_spaces(const char *line, size_t i, fast_bad *bad, char *copy)
{
	return tail_spaces(line, i + 64, i, bad, copy);
}
#endif

/* Find the token edges of a line: starts[k] and ends[k] of token k; returns
 * the number of tokens, or -1 when there are more than max or a byte is
 * neither space nor printable ASCII. */
static int
line_tokens(const char *line, size_t len, uint32_t *starts, uint32_t *ends,
    int max)
{
	fast_bad bad = FAST_BAD_NONE;
	uint64_t carry = 0;
	size_t i;
	int k = 0;

	for (i = 0; i < len; i += 64) {
		uint64_t word, edges;

		if (i + 64 <= len)
			word = ~block_spaces(line, i, &bad, NULL);
		else	/* past the end: spaces */
			word = ~tail_spaces(line, len, i, &bad, NULL) &
			    ((1ull << (len - i)) - 1);
		edges = word ^ (word << 1 | carry);
		carry = word >> 63;
		while (edges) {
			uint32_t pos = (uint32_t)(i + (unsigned)__builtin_ctzll(edges));

			if (k & 1)
				ends[k >> 1] = pos;
			else
				starts[k >> 1] = pos;
			k++;
			edges &= edges - 1;
		}
		if (k > 2 * max)
			return -1;
	}
	if (carry)
		ends[k++ >> 1] = (uint32_t)len;
	if (FAST_BAD_ANY(bad))
		return -1;
	return k / 2;
}

/* The first l (0..16) bytes of two 8-byte words. */
#define FAST_BYTES(l) ((l) >= 8 ? ~0ull : (1ull << (8 * ((l) & 7))) - 1)
#define FAST_TOKEN_MASK(l) { FAST_BYTES(l), (l) > 8 ? FAST_BYTES((l) - 8) : 0 }

/* The masks of a token of l (0..16) bytes read as two 8-byte words. */
static const uint64_t fast_token_mask[17][2] = {
	FAST_TOKEN_MASK(0), FAST_TOKEN_MASK(1), FAST_TOKEN_MASK(2),
	FAST_TOKEN_MASK(3), FAST_TOKEN_MASK(4), FAST_TOKEN_MASK(5),
	FAST_TOKEN_MASK(6), FAST_TOKEN_MASK(7), FAST_TOKEN_MASK(8),
	FAST_TOKEN_MASK(9), FAST_TOKEN_MASK(10), FAST_TOKEN_MASK(11),
	FAST_TOKEN_MASK(12), FAST_TOKEN_MASK(13), FAST_TOKEN_MASK(14),
	FAST_TOKEN_MASK(15), FAST_TOKEN_MASK(16),
};

/* A field whose value did not convert: fine only as "-", which clears its
 * bit in present; 0, or -1. */
static FAST_INLINE int
absent(const char *line, size_t s, unsigned l, const struct fast_slot *q,
    uint64_t *present)
{
	if (l != 1 || line[s] != '-')
		return -1;
	present[q->flags / FAST_WORD] &= q->clear;
	return 0;
}

/* Store the value u of number slot q, an FT_TIME above 2^31 - 1 as
 * milliseconds; -1 if it is out of range. */
static FAST_INLINE int
put_number(const struct fast_slot *q, uint64_t u, struct flow *out,
    uint32_t *flags)
{
	if (u - q->lo > q->span) {
		if (!(q->flags & FAST_TIME))
			return -1;	/* out of range */
		u /= 1000;
		*flags |= FLOW_MS_TIME;
	}
	((union flow_val *)(void *)((char *)out + q->off))->u = u;
	return 0;
}

/* Convert the number of slot q, the l bytes at s, alone (or take a "-");
 * 0, or -1. */
static FAST_INLINE int
one_number(const struct fast_slot *q, const char *line, const char *b,
    size_t s, unsigned l, struct flow *out, uint64_t *present,
    uint32_t *flags)
{
	uint64_t u;

	if (l > q->maxlen || fast_number(b, s, l, &u) < 0)
		return absent(line, s, l, q, present);
	return put_number(q, u, out, flags);
}

/* The value (1..n) of the enum word w0, w1 (a token's bytes read as two
 * masked 8-byte words) in en, or 0 when it is none of them. */
static FAST_INLINE unsigned
fast_enum_find(const struct fast_enum *en, uint64_t w0, uint64_t w1)
{
	unsigned k;

	/* unused words are 0, which no token of 1 to 16 bytes is */
	for (k = 0; k < FAST_ENUM_WORDS; k++)
		if (en->w[k][0] == w0 && en->w[k][1] == w1)
			return k + 1;
	return 0;
}

/* Convert every field of the line, field i being [starts[i], ends[i]), or
 * [ends[i - 1] + 1, ends[i]) when starts is NULL (ends[-1] is then -1),
 * one loop per type, reading values from b, the line's padded copy; 0, or
 * -1 to leave the line to the exact path. */
static FAST_INLINE int
convert_fields(const struct fast_plan *plan, const struct format *fmt,
    const char *line, const char *b, const uint32_t *starts,
    const uint32_t *ends, struct flow *out)
{
	const struct fast_slot *q = plan->e, *qe;
	uint64_t present[2];
	uint32_t flags = 0;

	present[0] = plan->present[0];
	present[1] = plan->present[1];
	qe = q + plan->nnum;
#if defined(__SSE2__)
	/* numbers two at a time; a pair with a longer number or a byte that
	 * is not a digit (a "-") is done one by one */
	for (; q + 1 < qe; q += 2) {
		uint32_t e0 = FAST_AT(ends, &q[0]), e1 = FAST_AT(ends, &q[1]);
		uint32_t s0 = starts ? FAST_AT(starts, &q[0]) :
		    FAST_AT(ends - 1, &q[0]) + 1u;
		uint32_t s1 = starts ? FAST_AT(starts, &q[1]) :
		    FAST_AT(ends - 1, &q[1]) + 1u;
		unsigned l0 = e0 - s0, l1 = e1 - s1;
		uint64_t u[2];

		if (l0 <= q[0].vmax && l1 <= q[1].vmax &&
		    digits16x2(b, e0, l0, e1, l1, u) == 0) {
			if (put_number(&q[0], u[0], out, &flags) < 0 ||
			    put_number(&q[1], u[1], out, &flags) < 0)
				return -1;
		} else if (one_number(&q[0], line, b, s0, l0, out, present,
		    &flags) < 0 || one_number(&q[1], line, b, s1, l1, out,
		    present, &flags) < 0)
			return -1;
	}
#endif
	for (; q < qe; q++) {
		size_t s = starts ? FAST_AT(starts, q) : FAST_AT(ends - 1, q) + 1u;
		unsigned l = FAST_AT(ends, q) - (uint32_t)s;

		if (one_number(q, line, b, s, l, out, present, &flags) < 0)
			return -1;
	}
	for (qe = q + plan->naddr; q < qe; q++) {
		size_t s = starts ? FAST_AT(starts, q) : FAST_AT(ends - 1, q) + 1u;
		unsigned l = FAST_AT(ends, q) - (uint32_t)s;
		struct flow_addr *a = &((union flow_val *)(void *)
		    ((char *)out + q->off))->a;

		if (fast_v4(b, s, l, a) < 0 &&
#if defined(__SSE2__)
		    fast_v6_full(b + s, l, a) < 0 &&
#endif
		    fast_v6((const unsigned char *)line + s, l, a) < 0 &&
		    absent(line, s, l, q, present) < 0)
			return -1;
	}
	for (qe = q + plan->nenum; q < qe; q++) {
		size_t s = starts ? FAST_AT(starts, q) : FAST_AT(ends - 1, q) + 1u;
		unsigned l = FAST_AT(ends, q) - (uint32_t)s;
		const struct fast_enum *en = &fast_enums[q->id];
		uint64_t w0, w1;
		unsigned k;

		/* AWS's own spelling, compared as words; any other case
		 * goes to the exact path. */
		if (l > 16)
			return -1;
		/* the copy has 16 bytes of padding after the line */
		w0 = load8(b, s) & fast_token_mask[l][0];
		w1 = load8(b, s + 8) & fast_token_mask[l][1];
		k = fast_enum_find(en, w0, w1);
		if (k != 0)
			((union flow_val *)(void *)((char *)out + q->off))->u =
			    k;
		else if (absent(line, s, l, q, present) < 0)
			return -1;
	}
	for (qe = q + plan->nsym; q < qe; q++) {
		size_t s = starts ? FAST_AT(starts, q) : FAST_AT(ends - 1, q) + 1u;
		unsigned l = FAST_AT(ends, q) - (uint32_t)s;
		union flow_val *v = (union flow_val *)(void *)((char *)out +
		    q->off);

		if (l == 1 && line[s] == '-')
			present[q->flags / FAST_WORD] &= q->clear;
		v->s.p = line + s;
		v->s.len = l;
	}
	out->present[0] = present[0];
	out->present[1] = present[1];
	out->flags = flags;
	out->fmt = fmt;
	return 0;
}

#if defined(__SSE2__)
/* Convert address field f of a v2 line (see convert_v2) in the forms
 * convert_fields takes, but not "-"; 0, or -1. */
static FAST_INLINE int
v2_addr(const char *line, const char *b, const uint32_t *ends, int f,
    struct flow *out)
{
	uint32_t s = ends[f - 1] + 1, l = ends[f] - s;
	struct flow_addr *a = &out->v[f].a;

	if (fast_v4(b, s, l, a) == 0 || fast_v6_full(b + s, l, a) == 0)
		return 0;
	return fast_v6((const unsigned char *)line + s, l, a);
}

/* Convert enum field f of a v2 line (see convert_v2), a word of up to 8
 * bytes in AWS's spelling; 0, or -1. */
static FAST_INLINE int
v2_enum(const char *b, const uint32_t *ends, int f, struct flow *out)
{
	const struct fast_enum *en = &fast_enums[f];
	uint32_t s = ends[f - 1] + 1, l = ends[f] - s;
	uint64_t w;
	unsigned k;

	if (l - 1 > 7)	/* not 1..8 bytes */
		return -1;
	w = load8(b, s) & fast_token_mask[l][0];
	/* 0 (a word of more than 8 bytes, or none) is no token's word */
	_Static_assert(FAST_ENUM_WORDS == 4, "four words compared here");
	k = w == en->w8[0] ? 1 : w == en->w8[1] ? 2 : w == en->w8[2] ? 3 :
	    w == en->w8[3] ? 4 : 0;
	out->v[f].u = k;
	return k ? 0 : -1;
}

/* Take symbol field f of a v2 line (see convert_v2), but not "-"; 0, or
 * -1. */
static FAST_INLINE int
v2_symbol(const char *line, const uint32_t *ends, int f, struct flow *out)
{
	uint32_t s = ends[f - 1] + 1, l = ends[f] - s;

	out->v[f].s.p = line + s;
	out->v[f].s.len = l;
	return l == 1 && line[s] == '-' ? -1 : 0;
}
#endif

#if defined(__SSE2__)
/* Convert the fields of a line in the v2 default order with no two spaces
 * next to each other (field i is [ends[i - 1] + 1, ends[i])) as straight
 * code: every place, type and offset known here; 0, or 1 when the line is
 * anything but plain (a "-", a long or out-of-range number, an odd enum
 * word) and convert_fields is to decide. */
static FAST_INLINE int
convert_v2(const struct fast_plan *plan, const struct format *fmt,
    const char *line, const char *b, const uint32_t *ends, struct flow *out)
{
	const __m128i top = _mm_set1_epi32((int)0x80000000u);
	__m128i x;
	uint32_t e[4], small[4];
	unsigned l[4], bad;
	uint64_t big[2], t[2];
	uint32_t flags = 0;

	/* version, srcport, dstport and protocol in one go (ports of at
	 * most 5 digits, as parse_value wants) */
	e[0] = ends[F_VERSION];
	e[1] = ends[F_SRCPORT];
	e[2] = ends[F_DSTPORT];
	e[3] = ends[F_PROTOCOL];
	l[0] = e[0];
	l[1] = e[1] - ends[F_SRCPORT - 1] - 1;
	l[2] = e[2] - e[1] - 1;
	l[3] = e[3] - e[2] - 1;
	/* (lengths are 1 or more: l - 1 < 2^k is l <= 2^k, for two at once) */
	if ((((l[0] - 1) | (l[3] - 1)) > 7) | (l[1] > 5) | (l[2] > 5) ||
	    digits8x4(b, e, l, &x) < 0)
		return 1;
	/* each against its range: (u - lo) > span unsigned, as a signed
	 * compare with the top bits flipped (in fast_v2_span already) */
	bad = (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi32(_mm_xor_si128(
	    _mm_sub_epi32(x, _mm_loadu_si128((const __m128i *)(const void *)
	    fast_v2_lo)), top), _mm_loadu_si128((const __m128i *)(const void *)
	    fast_v2_span)));
	_mm_storeu_si128((__m128i *)(void *)small, x);
	/* packets and bytes, then start and end, of up to 16 digits */
	l[0] = ends[F_PACKETS] - ends[F_PROTOCOL] - 1;
	l[1] = ends[F_BYTES] - ends[F_PACKETS] - 1;
	l[2] = ends[F_START] - ends[F_BYTES] - 1;
	l[3] = ends[F_END] - ends[F_START] - 1;
	if (bad | (((l[0] - 1) | (l[1] - 1) | (l[2] - 1) | (l[3] - 1)) > 15) ||
	    digits16x2(b, ends[F_PACKETS], l[0], ends[F_BYTES], l[1],
	    big) < 0 ||
	    digits16x2(b, ends[F_START], l[2], ends[F_END], l[3], t) < 0)
		return 1;
	out->v[F_VERSION].u = small[0];
	out->v[F_SRCPORT].u = small[1];
	out->v[F_DSTPORT].u = small[2];
	out->v[F_PROTOCOL].u = small[3];
	out->v[F_PACKETS].u = big[0];
	out->v[F_BYTES].u = big[1];
	/* a time above 2^31 - 1 is in milliseconds */
	if ((t[0] > 0x7fffffffu) | (t[1] > 0x7fffffffu)) {
		flags = FLOW_MS_TIME;
		if (t[0] > 0x7fffffffu)
			t[0] /= 1000;
		if (t[1] > 0x7fffffffu)
			t[1] /= 1000;
	}
	out->v[F_START].u = t[0];
	out->v[F_END].u = t[1];
	if (v2_addr(line, b, ends, F_SRCADDR, out) < 0 ||
	    v2_addr(line, b, ends, F_DSTADDR, out) < 0 ||
	    v2_enum(b, ends, F_ACTION, out) < 0 ||
	    v2_enum(b, ends, F_LOG_STATUS, out) < 0 ||
	    v2_symbol(line, ends, F_ACCOUNT_ID, out) < 0 ||
	    v2_symbol(line, ends, F_INTERFACE_ID, out) < 0)
		return 1;
	out->present[0] = plan->present[0];
	out->present[1] = plan->present[1];
	out->flags = flags;
	out->fmt = fmt;
	return 0;
}
#endif

/* Write the places of the set bits of sp, plus i, from e on (two at a time);
 * returns the end of what was written. */
static FAST_INLINE uint32_t *
space_ends(uint32_t *e, uint64_t sp, uint32_t i)
{
	if (sp == 0)
		return e;
	for (;;) {
		e[0] = i + (uint32_t)__builtin_ctzll(sp);
		sp &= sp - 1;
		if (sp == 0)
			return e + 1;
		e[1] = i + (uint32_t)__builtin_ctzll(sp);
		sp &= sp - 1;
		e += 2;
		if (sp == 0)
			return e;
	}
}

/* A buffer for the copy of a line longer than FAST_LINE_MAX (as
 * parse_fast's own, 16 bytes before it and 64 after), or NULL. */
static char *
fast_big_copy(size_t len)
{
	static char *big;
	static size_t size;

	if (len + 80 > size) {
		char *p = realloc(big, len + 80);

		if (p == NULL)
			return NULL;
		big = p;
		size = len + 80;
	}
	return big;
}

/* Parse a well-formed line of fmt in one pass; -1 means "take the slow
 * path".  See the notes above: the spaces first, then fields by type.
 * Anything unusual (tabs, non-ASCII, a bad value, a wrong count, an enum
 * word not in AWS's spelling, an IPv6 form fast_v6 does not take) is left
 * to the general path, which is exact. */
int
parse_fast(const struct format *fmt, const char *line, size_t len,
    struct flow *out)
{
	uint32_t starts[FORMAT_MAX + 66], ends1[FORMAT_MAX + 67];
	uint32_t *ends = ends1 + 1;
	/* the line's copy, with 16 zeros before it and 48 after (64 bytes
	 * of room after it for a short line's padded block) */
	_Alignas(16) char stack_copy[16 + FAST_LINE_MAX + 64];
	char *copy = stack_copy, *b;
	const struct fast_plan *plan;
	fast_bad bad = FAST_BAD_NONE;
	uint64_t dbl = 0, carry = 1, sp;
	uint32_t *e;
	size_t i;
	int n = fmt->n, k;

	if (n == 0 || len == 0 || len >= UINT32_MAX)
		return -1;
	if (len > FAST_LINE_MAX && (copy = fast_big_copy(len)) == NULL)
		return -1;
	b = copy + 16;
	plan = fast_plan_last;	/* most often the one, looked at inline */
	if (plan == NULL || !plan_matches(plan, fmt))
		plan = fast_plan_get(fmt);
	if (plan->slow)
		return -1;
	/* The spaces, with one more at len (and one before the line in
	 * carry): with no two next to each other, field k ends at space k
	 * and the next starts after it. */
	ends1[0] = UINT32_MAX;	/* so that field 0 starts at 0 */
#if !defined(__SSE2__)
	memcpy(b, line, len);
#endif
	/* whole blocks (the first at 0, without adding its place), then
	 * the last partial one with the space at len, unless there are too
	 * many spaces already (too many fields, or two spaces) */
	e = ends;
	i = 0;
	if (len >= 64) {
		sp = block_spaces(line, 0, &bad, b);
		dbl = sp & (sp << 1 | 1);
		carry = sp >> 63;
		e = space_ends(e, sp, 0);
		for (i = 64; i + 64 <= len && e <= ends + n; i += 64) {
			sp = block_spaces(line, i, &bad, b);
			dbl |= sp & (sp << 1 | carry);
			carry = sp >> 63;
			e = space_ends(e, sp, (uint32_t)i);
		}
	}
	if (e <= ends + n) {
		sp = i < len ? tail_spaces(line, len, i, &bad, b) |
		    (uint64_t)1 << (len - i) : 1;
		dbl |= sp & (sp << 1 | carry);
		e = space_ends(e, sp, (uint32_t)i);
	}
	k = (int)(e - ends);
	if (FAST_BAD_ANY(bad))
		return -1;
	memset(copy, 0, 16);
	memset(b + len, 0, 48);
	if (dbl == 0) {
		if (k != n)
			return -1;
#if defined(__SSE2__)
		if (plan->v2 && convert_v2(plan, fmt, line, b, ends, out) == 0)
			return 0;
#endif
		return convert_fields(plan, fmt, line, b, NULL, ends, out);
	}
	if (line_tokens(line, len, starts, ends, n) != n)
		return -1;
	memcpy(b, line, len);	/* the loop above may have stopped early */
	return convert_fields(plan, fmt, line, b, starts, ends, out);
}

/* Parse a line in format fmt (NULL: choose by field count). */
int
parse_line(const struct format *fmt, const char *line, size_t len,
    struct flow *out, struct parse_error *err)
{
	struct flow_str tok[PARSE_MAX_TOKENS];
	int not_text, n;

	n = parse_tokenize(line, len, tok, PARSE_MAX_TOKENS - 1, &not_text);
	if (not_text) {
		err->reason = PARSE_NOT_TEXT;
		err->field = err->token = -1;
		return -1;
	}
	if (fmt == NULL) {
		fmt = format_by_count(n);
		if (fmt == NULL) {
			err->reason = PARSE_NO_FORMAT;
			err->field = err->token = -1;
			return -1;
		}
	}
	return parse_tokens(fmt, tok, n, out, err);
}
