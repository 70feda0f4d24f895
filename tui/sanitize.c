/*
 * sanitize.c - text from logs made safe for the terminal.
 *
 * The text is cut into units: one character passed through, or one escape.
 * UTF-8 is decoded here, not by the C library, so the result does not
 * depend on the locale.  Rules, in order:
 *
 *  - printable ASCII (0x20-0x7e) passes through; a backslash stays a
 *    single backslash (so a log value that contains the four characters
 *    `\x1b` looks like an escaped ESC byte: the UI draws real escapes in
 *    the THEME_ESCAPE style to tell them apart);
 *  - TAB, LF, CR and ESC become \t \n \r \e; other C0 bytes and DEL become
 *    \xNN;
 *  - a well-formed UTF-8 sequence (shortest form, no surrogates, at most
 *    U+10FFFF) passes through unless it is a C1 control (U+0080-U+009F) or
 *    an invisible or direction-changing format character (zero-width
 *    spaces and joiners, bidi marks, embeddings, overrides and isolates,
 *    line and paragraph separators, BOM, interlinear annotations, tag
 *    characters, noncharacters U+FFFE/U+FFFF): those are written as one
 *    \xNN per byte, so look-alike values cannot hide;
 *  - any other byte (a stray continuation byte, a bad or truncated lead,
 *    an overlong form, a surrogate or a code point above U+10FFFF) is
 *    written as \xNN, one escape per byte, and decoding restarts at the
 *    next byte.
 *
 * Widths: escapes and ASCII are one column per byte.  A small table gives
 * two columns to East Asian wide and fullwidth characters (Hangul, CJK,
 * kana, fullwidth forms, most emoji) and zero to the common combining
 * marks (diacritics, Hebrew and Arabic points, variation selectors);
 * every other code point counts one column.  Terminals disagree at the
 * edges (emoji, marks of Indic scripts), so the table keeps to the ranges
 * they agree on.
 */
#include "sanitize.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct range {
	uint32_t lo, hi;
};

/* Combining marks: zero columns. */
static const struct range zero_width[] = {
	{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd },
	{ 0x05bf, 0x05bf }, { 0x05c1, 0x05c2 }, { 0x05c4, 0x05c5 },
	{ 0x05c7, 0x05c7 }, { 0x0610, 0x061a }, { 0x064b, 0x065f },
	{ 0x0670, 0x0670 }, { 0x06d6, 0x06dc }, { 0x06df, 0x06e4 },
	{ 0x06e7, 0x06e8 }, { 0x06ea, 0x06ed }, { 0x1160, 0x11ff },
	{ 0x1ab0, 0x1aff }, { 0x1dc0, 0x1dff }, { 0x20d0, 0x20ff },
	{ 0x302a, 0x302d }, { 0x3099, 0x309a }, { 0xfe00, 0xfe0f },
	{ 0xfe20, 0xfe2f }, { 0xe0100, 0xe01ef },
};

/* East Asian wide and fullwidth characters, and emoji: two columns. */
static const struct range double_width[] = {
	{ 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x2329, 0x232a },
	{ 0x23e9, 0x23ec }, { 0x23f0, 0x23f0 }, { 0x23f3, 0x23f3 },
	{ 0x25fd, 0x25fe }, { 0x2614, 0x2615 }, { 0x2648, 0x2653 },
	{ 0x26a1, 0x26a1 }, { 0x26aa, 0x26ab }, { 0x26bd, 0x26be },
	{ 0x26c4, 0x26c5 }, { 0x26d4, 0x26d4 }, { 0x26ea, 0x26ea },
	{ 0x26f2, 0x26f5 }, { 0x26fa, 0x26fd }, { 0x2705, 0x2705 },
	{ 0x270a, 0x270b }, { 0x2728, 0x2728 }, { 0x274c, 0x274c },
	{ 0x2753, 0x2755 }, { 0x2757, 0x2757 }, { 0x2795, 0x2797 },
	{ 0x27b0, 0x27b0 }, { 0x27bf, 0x27bf }, { 0x2b1b, 0x2b1c },
	{ 0x2b50, 0x2b50 }, { 0x2b55, 0x2b55 }, { 0x2e80, 0x303e },
	{ 0x3041, 0x33ff }, { 0x3400, 0x4dbf }, { 0x4e00, 0x9fff },
	{ 0xa000, 0xa4cf }, { 0xa960, 0xa97f }, { 0xac00, 0xd7a3 },
	{ 0xf900, 0xfaff }, { 0xfe10, 0xfe19 }, { 0xfe30, 0xfe6f },
	{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x16fe0, 0x16fe4 },
	{ 0x17000, 0x18cff }, { 0x1b000, 0x1b2ff }, { 0x1f004, 0x1f004 },
	{ 0x1f0cf, 0x1f0cf }, { 0x1f18e, 0x1f18e }, { 0x1f191, 0x1f19a },
	{ 0x1f200, 0x1f251 }, { 0x1f300, 0x1f320 }, { 0x1f32d, 0x1f335 },
	{ 0x1f337, 0x1f37c }, { 0x1f37e, 0x1f393 }, { 0x1f3a0, 0x1f3ca },
	{ 0x1f3cf, 0x1f3d3 }, { 0x1f3e0, 0x1f3f0 }, { 0x1f3f4, 0x1f3f4 },
	{ 0x1f3f8, 0x1f43e }, { 0x1f440, 0x1f440 }, { 0x1f442, 0x1f4fc },
	{ 0x1f4ff, 0x1f53d }, { 0x1f54b, 0x1f54e }, { 0x1f550, 0x1f567 },
	{ 0x1f57a, 0x1f57a }, { 0x1f595, 0x1f596 }, { 0x1f5a4, 0x1f5a4 },
	{ 0x1f5fb, 0x1f64f }, { 0x1f680, 0x1f6c5 }, { 0x1f6cc, 0x1f6cc },
	{ 0x1f6d0, 0x1f6d2 }, { 0x1f6d5, 0x1f6d7 }, { 0x1f6eb, 0x1f6ec },
	{ 0x1f6f4, 0x1f6fc }, { 0x1f7e0, 0x1f7eb }, { 0x1f90c, 0x1f93a },
	{ 0x1f93c, 0x1f945 }, { 0x1f947, 0x1f9ff }, { 0x1fa70, 0x1faff },
	{ 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
};

/* Invisible or direction-changing characters: escaped like controls. */
static const struct range hidden[] = {
	{ 0x0080, 0x009f }, { 0x061c, 0x061c }, { 0x180e, 0x180e },
	{ 0x200b, 0x200f }, { 0x2028, 0x202e }, { 0x2060, 0x2064 },
	{ 0x2066, 0x206f }, { 0xfeff, 0xfeff }, { 0xfff9, 0xfffb },
	{ 0xfffe, 0xffff }, { 0xe0000, 0xe007f },
};

/* Whether c is in the sorted range table t of n entries. */
static int
in_table(uint32_t c, const struct range *t, size_t n)
{
	size_t lo = 0, hi = n;

	if (c < t[0].lo || c > t[n - 1].hi)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c > t[mid].hi)
			lo = mid + 1;
		else if (c < t[mid].lo)
			hi = mid;
		else
			return 1;
	}
	return 0;
}

#define IN(c, t) in_table((c), (t), sizeof (t) / sizeof (t)[0])

/* Columns a printable code point takes: 0, 1 or 2. */
static int
cp_width(uint32_t c)
{
	if (c < 0x300)
		return 1;
	if (IN(c, zero_width))
		return 0;
	return IN(c, double_width) ? 2 : 1;
}

/* Length of the well-formed UTF-8 sequence at p (1-4) and its code point,
 * or 0 when the bytes at p do not start one. */
static size_t
utf8_decode(const unsigned char *p, size_t len, uint32_t *cp)
{
	unsigned char b = p[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;
	uint32_t c;

	if (b >= 0xc2 && b <= 0xdf) {
		n = 2;
		c = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		n = 3;
		c = b & 0x0f;
		if (b == 0xe0)
			lo = 0xa0;	/* overlong below U+0800 */
		else if (b == 0xed)
			hi = 0x9f;	/* surrogates U+D800-U+DFFF */
	} else if (b >= 0xf0 && b <= 0xf4) {
		n = 4;
		c = b & 0x07;
		if (b == 0xf0)
			lo = 0x90;	/* overlong below U+10000 */
		else if (b == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		unsigned char x = p[i];

		if (x < lo || x > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
		c = c << 6 | (x & 0x3f);
	}
	*cp = c;
	return n;
}

/* The next unit of p (len > 0): returns the bytes of p it stands for. */
size_t
sanitize_next(const char *p, size_t len, struct sanitize_unit *u)
{
	static const char hexd[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)p;
	unsigned char b = s[0];
	uint32_t c;
	size_t n;

	u->escaped = 0;
	if (b >= 0x20 && b < 0x7f) {
		u->text[0] = (char)b;
		u->len = 1;
		u->cols = 1;
		u->text[1] = '\0';
		return 1;
	}
	if (b == '\t' || b == '\n' || b == '\r' || b == 0x1b) {
		u->text[0] = '\\';
		u->text[1] = b == '\t' ? 't' : b == '\n' ? 'n' :
		    b == '\r' ? 'r' : 'e';
		u->text[2] = '\0';
		u->len = u->cols = 2;
		u->escaped = 1;
		return 1;
	}
	if (b >= 0x80 && (n = utf8_decode(s, len, &c)) != 0 &&
	    !IN(c, hidden)) {
		memcpy(u->text, p, n);
		u->text[n] = '\0';
		u->len = (int)n;
		u->cols = cp_width(c);
		return n;
	}
	u->text[0] = '\\';
	u->text[1] = 'x';
	u->text[2] = hexd[b >> 4];
	u->text[3] = hexd[b & 15];
	u->text[4] = '\0';
	u->len = u->cols = 4;
	u->escaped = 1;
	return 1;
}

/* Write p sanitised into out, within max_cols columns and size bytes. */
int
sanitize_text(const char *p, size_t len, char *out, size_t size,
    int max_cols)
{
	struct sanitize_unit u;
	size_t i = 0, o = 0;
	int cols = 0;

	if (size == 0)
		return 0;
	while (i < len) {
		size_t n = sanitize_next(p + i, len - i, &u);

		if (o + (size_t)u.len >= size ||
		    (max_cols > 0 && cols + u.cols > max_cols))
			break;
		memcpy(out + o, u.text, (size_t)u.len);
		o += (size_t)u.len;
		cols += u.cols;
		i += n;
	}
	out[o] = '\0';
	return cols;
}

/* Display columns the sanitised form of p would take. */
int
sanitize_width(const char *p, size_t len)
{
	struct sanitize_unit u;
	size_t i = 0;
	int cols = 0;

	while (i < len) {
		i += sanitize_next(p + i, len - i, &u);
		if (cols > INT_MAX - 4)
			break;
		cols += u.cols;
	}
	return cols;
}
