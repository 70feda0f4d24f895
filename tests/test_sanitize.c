/*
 * test_sanitize.c - log text made safe for the terminal: exact outputs
 * for controls, escape sequences, invalid UTF-8, wide and combining
 * characters, column and buffer limits; then a property test over random
 * bytes (the output is valid UTF-8 without controls, and limits cut it
 * only between units).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sanitize.h"

/* Sanitise s (n bytes) without limits and check text and columns. */
static void
check(const char *s, size_t n, const char *want, int cols)
{
	char out[256];

	assert_int_equal(sanitize_text(s, n, out, sizeof out, 0), cols);
	assert_string_equal(out, want);
	assert_int_equal(sanitize_width(s, n), cols);
}

#define CHECK(s, want, cols) check((s), sizeof (s) - 1, (want), (cols))

/* Printable ASCII passes; a backslash stays one backslash. */
static void
test_ascii(void **state)
{
	(void)state;
	CHECK("", "", 0);
	CHECK("hello", "hello", 5);
	CHECK(" ~!", " ~!", 3);
	CHECK("a\\b", "a\\b", 3);
	CHECK("\\x1b", "\\x1b", 4);
}

/* C0 controls and DEL become \t \n \r \e or \xNN. */
static void
test_controls(void **state)
{
	(void)state;
	CHECK("a\tb\nc\rd", "a\\tb\\nc\\rd", 10);
	CHECK("\x1b", "\\e", 2);
	CHECK("\x01\x07\x08\x0b\x0c\x1f", "\\x01\\x07\\x08\\x0b\\x0c\\x1f", 24);
	CHECK("\x7f", "\\x7f", 4);
	CHECK("a\0b", "a\\x00b", 6);
}

/* Terminal escape sequences are shown, never sent. */
static void
test_escape_sequences(void **state)
{
	(void)state;
	CHECK("\x1b]0;pwned\x07", "\\e]0;pwned\\x07", 14);
	CHECK("\x1b[2J\x1b[H", "\\e[2J\\e[H", 9);
	CHECK("\x1b[31mred\x1b[0m", "\\e[31mred\\e[0m", 14);
	CHECK("\x1bP+q\x1b\\", "\\eP+q\\e\\", 8);
	/* C1 CSI as a raw byte and as UTF-8 (U+009B), OSC U+009D. */
	CHECK("\x9b" "2J", "\\x9b2J", 6);
	CHECK("\xc2\x9b" "2J", "\\xc2\\x9b2J", 10);
	CHECK("\xc2\x80\xc2\x9f", "\\xc2\\x80\\xc2\\x9f", 16);
	CHECK("\xc2\x9d" "0;x\xc2\x9c", "\\xc2\\x9d0;x\\xc2\\x9c", 19);
}

/* Invalid UTF-8: one \xNN per bad byte, decoding resumes after it. */
static void
test_invalid_utf8(void **state)
{
	(void)state;
	CHECK("\xc0\xaf", "\\xc0\\xaf", 8);		/* overlong '/' */
	CHECK("\xc1\xbf", "\\xc1\\xbf", 8);
	CHECK("\xe0\x80\xaf", "\\xe0\\x80\\xaf", 12);	/* overlong 3 */
	CHECK("\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf", 16);
	CHECK("\xed\xa0\x80", "\\xed\\xa0\\x80", 12);	/* surrogate */
	CHECK("\xed\xbf\xbf", "\\xed\\xbf\\xbf", 12);
	CHECK("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80", 16); /* >10FFFF */
	CHECK("\xf5\x80\x80\x80", "\\xf5\\x80\\x80\\x80", 16);
	CHECK("\xff\xfe", "\\xff\\xfe", 8);
	CHECK("\x80", "\\x80", 4);			/* stray */
	CHECK("\xe6\x97", "\\xe6\\x97", 8);		/* truncated */
	CHECK("ab\xe6", "ab\\xe6", 6);
	CHECK("\xe6\x97" "a", "\\xe6\\x97a", 9);
	/* A bad byte inside a sequence: the good character after stays. */
	CHECK("\xe6\xc3\xa9", "\\xe6\xc3\xa9", 5);
	CHECK("\xf0\x9f\x98", "\\xf0\\x9f\\x98", 12);
}

/* Valid UTF-8: one column, two for wide, none for combining marks. */
static void
test_valid_utf8(void **state)
{
	(void)state;
	CHECK("\xc3\xa9", "\xc3\xa9", 1);			/* é */
	CHECK("caf\xc3\xa9", "caf\xc3\xa9", 4);
	CHECK("e\xcc\x81", "e\xcc\x81", 1);		/* e + U+0301 */
	CHECK("\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac", 4);
	CHECK("\xed\x95\x9c", "\xed\x95\x9c", 2);		/* 한 */
	CHECK("\xef\xbc\xa1", "\xef\xbc\xa1", 2);		/* Ａ */
	CHECK("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80", 2);	/* 😀 */
	CHECK("\xf0\xa0\x80\x80", "\xf0\xa0\x80\x80", 2);	/* U+20000 */
	CHECK("\xc2\xa0", "\xc2\xa0", 1);			/* NBSP */
	CHECK("\xd0\x96", "\xd0\x96", 1);			/* Ж */
	CHECK("\xe2\x82\xac", "\xe2\x82\xac", 1);		/* € */
	CHECK("\xed\x9f\xbf", "\xed\x9f\xbf", 1);		/* U+D7FF */
	CHECK("\xee\x80\x80", "\xee\x80\x80", 1);		/* U+E000 */
	CHECK("\xf4\x8f\xbf\xbd", "\xf4\x8f\xbf\xbd", 1);	/* U+10FFFD */
	CHECK("\xef\xb8\x8f", "\xef\xb8\x8f", 0);		/* VS16 */
}

/* Invisible and direction-changing characters are escaped. */
static void
test_hidden(void **state)
{
	(void)state;
	CHECK("\xe2\x80\xae" "abc", "\\xe2\\x80\\xaeabc", 15);	/* RLO */
	CHECK("\xe2\x81\xa6", "\\xe2\\x81\\xa6", 12);		/* LRI */
	CHECK("\xe2\x80\x8b", "\\xe2\\x80\\x8b", 12);		/* ZWSP */
	CHECK("\xe2\x80\xa8", "\\xe2\\x80\\xa8", 12);		/* LS */
	CHECK("\xef\xbb\xbf", "\\xef\\xbb\\xbf", 12);		/* BOM */
	CHECK("\xef\xbf\xbf", "\\xef\\xbf\\xbf", 12);		/* U+FFFF */
	CHECK("\xf3\xa0\x80\x81", "\\xf3\\xa0\\x80\\x81", 16);	/* tag */
}

/* Sanitise with limits into a buffer of size bytes. */
static void
check_cut(const char *s, size_t n, size_t size, int max_cols,
    const char *want, int cols)
{
	char out[64];

	memset(out, 'Z', sizeof out);
	assert_int_equal(sanitize_text(s, n, out, size, max_cols), cols);
	assert_string_equal(out, want);
	/* Nothing is written after the terminating NUL. */
	assert_int_equal(out[strlen(want) + 1], 'Z');
}

#define CUT(s, size, max, want, cols) \
	check_cut((s), sizeof (s) - 1, (size), (max), (want), (cols))

/* Column limits stop before a unit that does not fit, never inside. */
static void
test_columns(void **state)
{
	(void)state;
	CUT("abcdef", 64, 3, "abc", 3);
	CUT("abcdef", 64, 6, "abcdef", 6);
	CUT("abcdef", 64, 0, "abcdef", 6);
	CUT("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 64, 5,
	    "\xe6\x97\xa5\xe6\x9c\xac", 4);
	CUT("\xe6\x97\xa5\xe6\x9c\xac", 64, 1, "", 0);
	CUT("a\x1b", 64, 2, "a", 1);
	CUT("a\x1b", 64, 3, "a\\e", 3);
	CUT("ab\x01", 64, 5, "ab", 2);
	CUT("ab\x01", 64, 6, "ab\\x01", 6);
	CUT("\xc3\xa9\xc3\xa9", 64, 1, "\xc3\xa9", 1);
	/* A combining mark at the limit still belongs to its letter. */
	CUT("e\xcc\x81x", 64, 1, "e\xcc\x81", 1);
	/* Once a unit does not fit, nothing after it is written either. */
	CUT("\x01" "a", 64, 3, "", 0);
	CUT("x", 64, -1, "x", 1);
}

/* Buffer limits: always NUL-terminated, no partial unit. */
static void
test_buffer(void **state)
{
	char out[8];

	(void)state;
	CUT("abc", 1, 0, "", 0);
	CUT("abc", 2, 0, "a", 1);
	CUT("abc", 3, 0, "ab", 2);
	CUT("abc", 4, 0, "abc", 3);
	CUT("\x1b", 2, 0, "", 0);
	CUT("\x1b", 3, 0, "\\e", 2);
	CUT("\x01", 4, 0, "", 0);
	CUT("\x01", 5, 0, "\\x01", 4);
	CUT("\xe6\x97\xa5", 3, 0, "", 0);
	CUT("\xe6\x97\xa5", 4, 0, "\xe6\x97\xa5", 2);
	CUT("a\xe6\x97\xa5", 4, 0, "a", 1);
	CUT("\xf0\x9f\x98\x80", 5, 0, "\xf0\x9f\x98\x80", 2);
	CUT("\xf0\x9f\x98\x80", 4, 0, "", 0);
	/* Size 0 writes nothing at all. */
	memset(out, 'Z', sizeof out);
	assert_int_equal(sanitize_text("abc", 3, out, 0, 0), 0);
	assert_int_equal(out[0], 'Z');
	assert_int_equal(sanitize_text("abc", 3, NULL, 0, 0), 0);
	/* Only len bytes are read: no NUL needed. */
	assert_int_equal(sanitize_text("abcdef", 2, out, sizeof out, 0), 2);
	assert_string_equal(out, "ab");
}

/* Units one by one, for callers that draw escapes in their own style. */
static void
test_next(void **state)
{
	struct sanitize_unit u;

	(void)state;
	assert_int_equal(sanitize_next("ab", 2, &u), 1);
	assert_string_equal(u.text, "a");
	assert_int_equal(u.len, 1);
	assert_int_equal(u.cols, 1);
	assert_int_equal(u.escaped, 0);
	assert_int_equal(sanitize_next("\x1b[", 2, &u), 1);
	assert_string_equal(u.text, "\\e");
	assert_int_equal(u.len, 2);
	assert_int_equal(u.cols, 2);
	assert_int_equal(u.escaped, 1);
	assert_int_equal(sanitize_next("\xe6\x97\xa5x", 4, &u), 3);
	assert_string_equal(u.text, "\xe6\x97\xa5");
	assert_int_equal(u.len, 3);
	assert_int_equal(u.cols, 2);
	assert_int_equal(u.escaped, 0);
	/* The length bounds decoding: a sequence cut by len is invalid. */
	assert_int_equal(sanitize_next("\xe6\x97\xa5", 2, &u), 1);
	assert_string_equal(u.text, "\\xe6");
	assert_int_equal(u.cols, 4);
	assert_int_equal(u.escaped, 1);
	assert_int_equal(sanitize_next("\xf0\x9f\x98\x80", 4, &u), 4);
	assert_int_equal(u.len, 4);
}

/* Every single byte: printable ASCII passes, all others are escaped. */
static void
test_all_bytes(void **state)
{
	static const char hexd[] = "0123456789abcdef";
	char in[1], out[8], want[8];
	int b;

	(void)state;
	for (b = 0; b < 256; b++) {
		in[0] = (char)b;
		sanitize_text(in, 1, out, sizeof out, 0);
		if (b >= 0x20 && b < 0x7f) {
			want[0] = (char)b;
			want[1] = '\0';
		} else if (b == '\t' || b == '\n' || b == '\r' || b == 0x1b) {
			want[0] = '\\';
			want[1] = b == '\t' ? 't' : b == '\n' ? 'n' :
			    b == '\r' ? 'r' : 'e';
			want[2] = '\0';
		} else {
			want[0] = '\\';
			want[1] = 'x';
			want[2] = hexd[b >> 4];
			want[3] = hexd[b & 15];
			want[4] = '\0';
		}
		assert_string_equal(out, want);
	}
}

/* Length of a strict UTF-8 sequence at p, 0 if invalid (test oracle). */
static size_t
oracle_utf8(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	len = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 0;
	if (len == 0 || p[0] > 0xf4 || n < len)
		return 0;
	c = p[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) ||
	    (len == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Random bytes: safe output, equal widths, limits cut between units. */
static void
test_property(void **state)
{
	uint32_t seed = 12345;
	int run;

	(void)state;
	for (run = 0; run < 20000; run++) {
		unsigned char in[24];
		char out[128], cut[128];
		size_t n = 0, i, len, olen;
		int cols, ccols, max;

		seed = seed * 1103515245u + 12345u;
		len = seed >> 16 & 15;
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			/* Bias towards UTF-8 lead and continuation bytes. */
			in[i] = (unsigned char)(seed >> 24 & 1 ?
			    0x80 | (seed >> 8 & 0x7f) : seed >> 8);
		}
		cols = sanitize_text((char *)in, len, out, sizeof out, 0);
		assert_int_equal(cols, sanitize_width((char *)in, len));
		olen = strlen(out);
		/* Output: strict UTF-8, no C0, DEL or C1 control. */
		for (i = 0; i < olen; i += n) {
			uint32_t cp;

			n = oracle_utf8((unsigned char *)out + i, olen - i, &cp);
			assert_true(n > 0);
			assert_true(cp >= 0x20 && cp != 0x7f);
			assert_false(cp >= 0x80 && cp <= 0x9f);
		}
		/* A column limit gives a prefix that fits. */
		max = (int)(seed >> 4 & 31) + 1;
		ccols = sanitize_text((char *)in, len, cut, sizeof cut, max);
		assert_true(ccols <= max && ccols <= cols);
		assert_memory_equal(cut, out, strlen(cut));
		/* A byte limit gives a prefix that fits, NUL included. */
		ccols = sanitize_text((char *)in, len, cut, (size_t)max, 0);
		assert_true(strlen(cut) < (size_t)max);
		assert_memory_equal(cut, out, strlen(cut));
		assert_int_equal(ccols, sanitize_width(cut, strlen(cut)));
		/* Sanitised text is a fixed point. */
		assert_int_equal(sanitize_text(out, olen, cut, sizeof cut, 0),
		    cols);
		assert_string_equal(cut, out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_escape_sequences),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_valid_utf8),
		cmocka_unit_test(test_hidden),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_buffer),
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_all_bytes),
		cmocka_unit_test(test_property),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
