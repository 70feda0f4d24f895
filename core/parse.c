/*
 * parse.c - one line of flow-log text to a struct flow.
 *
 * The hot path of the whole program: a line is tokenised in one pass (which
 * also checks that it is text: no control bytes, valid UTF-8), then each
 * token is converted by the type of the field in its slot.  No allocation,
 * no copy: symbol values point into the line.  Times above 2^31 - 1 are
 * taken as milliseconds (seen in the wild, contra the documentation) and
 * flagged so the statistics can count them.
 */
#include "parse.h"

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

/* Convert the run of up to 19 decimal digits at *pp, moving *pp past it;
 * returns the number of digits (0: none, 20: too many).  Eight bytes are
 * tested and converted at a time, without a branch per digit, whenever
 * eight bytes are left before end. */
static inline int
scan_number(const unsigned char **pp, const unsigned char *end, uint64_t *out)
{
	static const uint64_t pow10[9] = {
		1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000
	};
	const unsigned char *p = *pp;
	uint64_t v = 0;
	int total = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (end - p >= 8) {
		uint64_t x, hi, nd;
		int n;

		memcpy(&x, p, 8);
		/* A byte is a digit when its high nibble is 3 before and after
		 * adding 6; carries only disturb bytes after a non-digit. */
		hi = x & 0xf0f0f0f0f0f0f0f0ull;
		nd = (hi ^ 0x3030303030303030ull) |
		    (((x + 0x0606060606060606ull) & 0xf0f0f0f0f0f0f0f0ull) ^
		    0x3030303030303030ull);
		n = nd ? __builtin_ctzll(nd) >> 3 : 8;
		if (n == 0)
			break;
		if (total + n > 19)
			return 20;
		x &= 0x0f0f0f0f0f0f0f0full;
		if (n < 8)
			x <<= 8 * (8 - n);
		x = (x * 10 + (x >> 8)) & 0x00ff00ff00ff00ffull;
		x = (x * 100 + (x >> 16)) & 0x0000ffff0000ffffull;
		x = (x * 10000 + (x >> 32)) & 0xffffffffull;
		v = v * pow10[n] + x;
		total += n;
		p += n;
		if (n < 8) {
			*pp = p;
			*out = v;
			return total;
		}
	}
#endif
	while (p < end && (unsigned)(*p - '0') < 10) {
		if (++total > 19)
			return 20;
		v = v * 10 + (unsigned)(*p++ - '0');
	}
	*pp = p;
	*out = v;
	return total;
}

/* Return the first byte at or after q that is not printable ASCII. */
static inline const unsigned char *
scan_symbol(const unsigned char *q, const unsigned char *end)
{
#if defined(__SSE2__)
	const __m128i low = _mm_set1_epi8(0x21);
	const __m128i del = _mm_set1_epi8(0x7f);

	while (end - q >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)q);
		unsigned bad = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_cmplt_epi8(v, low), _mm_cmpeq_epi8(v, del)));

		if (bad)
			return q + __builtin_ctz(bad);
		q += 16;
	}
#endif
	while (q < end && *q > ' ' && *q < 0x7f)
		q++;
	return q;
}

/* Parse a well-formed line of fmt in one pass; -1 means "take the slow
 * path".  Each byte is read once: numbers are converted while they are
 * scanned, symbols are checked to be printable ASCII while their end is
 * found.  Anything unusual (tabs, non-ASCII, a bad value, a wrong count,
 * a 20-digit number, IPv6) is left to the general path, which is exact. */
int
parse_fast(const struct format *fmt, const char *line, size_t len,
    struct flow *out)
{
	const unsigned char *p = (const unsigned char *)line;
	const unsigned char *end = p + len;
	int i, n = fmt->n;

	out->present[0] = out->present[1] = 0;
	out->flags = 0;
	out->fmt = fmt;
	while (p < end && *p == ' ')
		p++;
	for (i = 0; i < n; i++) {
		const unsigned char *q = p;
		int id = fmt->field[i];
		union flow_val *v;
		uint64_t u;
		int n_digits;

		if (p >= end)
			return -1;
		if (*p == '-' && (p + 1 == end || p[1] == ' ')) {
			p++;
			goto next;
		}
		v = &out->v[id == FIELD_IGNORE ? 0 : id];
		switch (fmt->type[i]) {
		case FT_PORT:
		case FT_INT:
		case FT_COUNTER:
		case FT_TIME:
			n_digits = scan_number(&q, end, &u);
			if (n_digits == 0 || n_digits > 19 || (q < end && *q != ' '))
				return -1;
			if (fmt->type[i] == FT_PORT) {
				if (u > 65535)
					return -1;
			} else if (fmt->type[i] == FT_INT) {
				if (u < field_table[id].min || u > field_table[id].max)
					return -1;
			} else if (fmt->type[i] == FT_TIME && u > 0x7fffffffu) {
				u /= 1000;
				out->flags |= FLOW_MS_TIME;
			}
			v->u = u;
			break;
		case FT_ADDR: {
			unsigned part, oct;

			memset(v->a.b, 0, 10);
			v->a.b[10] = v->a.b[11] = 0xff;
			for (part = 0; part < 4; part++) {
				unsigned c;

				/* one to three digits, no leading zero, <= 255 */
				if (q >= end || (oct = (unsigned)(*q - '0')) > 9)
					break;
				q++;
				if (q < end && (c = (unsigned)(*q - '0')) <= 9) {
					if (oct == 0)
						break;
					oct = oct * 10 + c;
					q++;
					if (q < end &&
					    (c = (unsigned)(*q - '0')) <= 9) {
						oct = oct * 10 + c;
						q++;
						if (oct > 255)
							break;
					}
				}
				v->a.b[12 + part] = (uint8_t)oct;
				if (part < 3) {
					if (q >= end || *q != '.')
						break;
					q++;
				}
			}
			if (part == 4 && (q == end || *q == ' '))
				break;
			/* Not a plain dotted quad: IPv6, or bad. */
			q = scan_symbol(p, end);
			if ((q < end && *q != ' ') ||
			    flow_addr_parse((const char *)p, (size_t)(q - p),
			    &v->a) < 0)
				return -1;
			break;
		}
		case FT_ENUM: {
			const char *const *w = field_table[id].words;
			size_t tl;
			unsigned k;

			q = scan_symbol(q, end);
			tl = (size_t)(q - p);
			/* AWS's own spelling, compared in place; any other
			 * case goes to the exact path. */
			for (k = 0; w[k] != NULL; k++)
				if (w[k][0] == (char)p[0] &&
				    strncmp(w[k], (const char *)p, tl) == 0 &&
				    w[k][tl] == '\0')
					break;
			if (w[k] == NULL)
				return -1;
			v->u = k + 1;
			break;
		}
		default:	/* FT_SYMBOL, and ignored columns */
			q = scan_symbol(q, end);
			if (q < end && *q != ' ')
				return -1;
			v->s.p = (const char *)p;
			v->s.len = (uint32_t)(q - p);
			break;
		}
		if (id != FIELD_IGNORE)
			out->present[id >> 6] |= (uint64_t)1 << (id & 63);
		p = q;
next:
		while (p < end && *p == ' ')
			p++;
	}
	return p == end ? 0 : -1;
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
