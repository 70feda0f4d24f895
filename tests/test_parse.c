/*
 * test_parse.c - every field type's accepted and rejected values, the
 * tokenizer, and whole lines in the documented shapes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "flow.h"
#include "gen.h"
#include "format.h"
#include "parse.h"

struct value_case {
	int field;
	const char *text;
	enum parse_reason want;
	uint64_t u;		/* expected number (numeric and enum types) */
	const char *back;	/* expected text form, NULL: same as text */
};

static const struct value_case value_cases[] = {
	/* ports */
	{ F_SRCPORT, "0", PARSE_OK, 0, NULL },
	{ F_SRCPORT, "22", PARSE_OK, 22, NULL },
	{ F_DSTPORT, "65535", PARSE_OK, 65535, NULL },
	{ F_DSTPORT, "65536", PARSE_BAD_PORT, 0, NULL },
	{ F_DSTPORT, "123456", PARSE_BAD_PORT, 0, NULL },
	{ F_DSTPORT, "-1", PARSE_BAD_PORT, 0, NULL },
	{ F_DSTPORT, "80a", PARSE_BAD_PORT, 0, NULL },
	{ F_DSTPORT, "", PARSE_BAD_PORT, 0, NULL },
	{ F_DSTPORT, "+80", PARSE_BAD_PORT, 0, NULL },
	/* small integers with ranges */
	{ F_PROTOCOL, "6", PARSE_OK, 6, NULL },
	{ F_PROTOCOL, "255", PARSE_OK, 255, NULL },
	{ F_PROTOCOL, "256", PARSE_BAD_NUMBER, 0, NULL },
	{ F_PROTOCOL, "tcp", PARSE_BAD_NUMBER, 0, NULL },
	{ F_VERSION, "11", PARSE_OK, 11, NULL },
	{ F_TCP_FLAGS, "19", PARSE_OK, 19, NULL },
	{ F_TCP_FLAGS, "0", PARSE_OK, 0, NULL },
	{ F_TCP_FLAGS, "256", PARSE_BAD_NUMBER, 0, NULL },
	{ F_TRAFFIC_PATH, "1", PARSE_OK, 1, NULL },
	{ F_TRAFFIC_PATH, "8", PARSE_OK, 8, NULL },
	{ F_TRAFFIC_PATH, "0", PARSE_BAD_NUMBER, 0, NULL },
	{ F_TRAFFIC_PATH, "9", PARSE_BAD_NUMBER, 0, NULL },
	{ F_ENCRYPTION_STATUS, "3", PARSE_OK, 3, NULL },
	{ F_ENCRYPTION_STATUS, "4", PARSE_BAD_NUMBER, 0, NULL },
	/* 64-bit counters */
	{ F_BYTES, "0", PARSE_OK, 0, NULL },
	{ F_BYTES, "23294588", PARSE_OK, 23294588, NULL },
	{ F_BYTES, "18446744073709551615", PARSE_OK, UINT64_MAX, NULL },
	{ F_BYTES, "18446744073709551616", PARSE_BAD_NUMBER, 0, NULL },
	{ F_BYTES, "99999999999999999999", PARSE_BAD_NUMBER, 0, NULL },
	{ F_BYTES, "100000000000000000000", PARSE_BAD_NUMBER, 0, NULL },
	{ F_PACKETS, "1.5", PARSE_BAD_NUMBER, 0, NULL },
	{ F_PACKETS_LOST_MTU_EXCEEDED, "16", PARSE_OK, 16, NULL },
	/* times: seconds, and milliseconds above 2^31 - 1 */
	{ F_START, "1418530010", PARSE_OK, 1418530010, NULL },
	{ F_START, "164000066", PARSE_OK, 164000066, NULL },
	{ F_START, "2147483647", PARSE_OK, 2147483647, NULL },
	{ F_START, "1418530010123", PARSE_OK, 1418530010, "1418530010" },
	{ F_END, "2147483648", PARSE_OK, 2147483, "2147483" },
	{ F_END, "1418530070x", PARSE_BAD_NUMBER, 0, NULL },
	/* enums */
	{ F_ACTION, "ACCEPT", PARSE_OK, ACTION_ACCEPT, NULL },
	{ F_ACTION, "REJECT", PARSE_OK, ACTION_REJECT, NULL },
	{ F_ACTION, "accept", PARSE_OK, ACTION_ACCEPT, "ACCEPT" },
	{ F_ACTION, "DENY", PARSE_BAD_ENUM, 0, NULL },
	{ F_LOG_STATUS, "OK", PARSE_OK, STATUS_OK, NULL },
	{ F_LOG_STATUS, "NODATA", PARSE_OK, STATUS_NODATA, NULL },
	{ F_LOG_STATUS, "SKIPDATA", PARSE_OK, STATUS_SKIPDATA, NULL },
	{ F_LOG_STATUS, "SKIP", PARSE_BAD_ENUM, 0, NULL },
	{ F_TYPE, "IPv4", PARSE_OK, TYPE_IPV4, NULL },
	{ F_TYPE, "EFA", PARSE_OK, TYPE_EFA, NULL },
	{ F_TYPE, "IPv5", PARSE_BAD_ENUM, 0, NULL },
	{ F_FLOW_DIRECTION, "ingress", PARSE_OK, DIR_INGRESS, NULL },
	{ F_FLOW_DIRECTION, "egress", PARSE_OK, DIR_EGRESS, NULL },
	{ F_FLOW_DIRECTION, "inbound", PARSE_BAD_ENUM, 0, NULL },
	{ F_SUBLOCATION_TYPE, "localzone", PARSE_OK, 3, NULL },
	{ F_SUBLOCATION_TYPE, "region", PARSE_BAD_ENUM, 0, NULL },
	/* addresses */
	{ F_SRCADDR, "172.31.16.139", PARSE_OK, 0, NULL },
	{ F_SRCADDR, "0.0.0.0", PARSE_OK, 0, NULL },
	{ F_SRCADDR, "255.255.255.255", PARSE_OK, 0, NULL },
	{ F_SRCADDR, "256.1.1.1", PARSE_BAD_ADDRESS, 0, NULL },
	{ F_SRCADDR, "1.2.3", PARSE_BAD_ADDRESS, 0, NULL },
	{ F_SRCADDR, "1.2.3.4.5", PARSE_BAD_ADDRESS, 0, NULL },
	{ F_SRCADDR, "01.2.3.4", PARSE_BAD_ADDRESS, 0, NULL },
	{ F_SRCADDR, "1..3.4", PARSE_BAD_ADDRESS, 0, NULL },
	{ F_SRCADDR, "eni-123", PARSE_BAD_ADDRESS, 0, NULL },
	{ F_DSTADDR, "2001:db8:1234:a100:8d6e:3477:df66:f105", PARSE_OK, 0, NULL },
	{ F_DSTADDR, "2a02:cf40::", PARSE_OK, 0, NULL },
	{ F_DSTADDR, "::", PARSE_OK, 0, NULL },
	{ F_DSTADDR, "::1", PARSE_OK, 0, NULL },
	{ F_DSTADDR, "2001:0db8:0000:0000:0000:0000:0000:0001", PARSE_OK, 0,
	  "2001:db8::1" },
	{ F_DSTADDR, "2001:DB8::A", PARSE_OK, 0, "2001:db8::a" },
	{ F_DSTADDR, "::ffff:10.0.0.1", PARSE_OK, 0, "10.0.0.1" },
	{ F_DSTADDR, "64:ff9b::192.0.2.33", PARSE_OK, 0, "64:ff9b::c000:221" },
	{ F_DSTADDR, "2001:db8::1::2", PARSE_BAD_ADDRESS, 0, NULL },
	{ F_DSTADDR, "2001:db8:g::1", PARSE_BAD_ADDRESS, 0, NULL },
	{ F_DSTADDR, "fe80::1%eth0", PARSE_BAD_ADDRESS, 0, NULL },
	{ F_DSTADDR, "1:2:3:4:5:6:7:8:9", PARSE_BAD_ADDRESS, 0, NULL },
	{ F_PKT_SRCADDR, "10.0.0.220", PARSE_OK, 0, NULL },
	/* symbols are kept as they are */
	{ F_ACCOUNT_ID, "000000000000", PARSE_OK, 0, NULL },
	{ F_ACCOUNT_ID, "unknown", PARSE_OK, 0, NULL },
	{ F_ACCOUNT_ID, "64111117617", PARSE_OK, 0, NULL },
	{ F_SUBNET_ID, "subnet-3fbc536e360c36ca\xd0\xb1", PARSE_OK, 0, NULL },
	{ F_INSTANCE_TAG, "team%3Dpayments", PARSE_OK, 0, NULL },
};

/* Each value case parses to the expected reason, number and text. */
static void
test_values(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof value_cases / sizeof value_cases[0]; i++) {
		const struct value_case *c = &value_cases[i];
		struct flow f;
		uint32_t flags = 0;
		enum parse_reason r;
		char buf[FLOW_VALUE_MAX];

		flow_clear(&f);
		r = parse_value(c->field, c->text, strlen(c->text),
		    &f.v[c->field], &flags);
		if (r != c->want)
			fail_msg("%s '%s': got %s, want %s",
			    field_name(c->field), c->text,
			    parse_reason_name(r), parse_reason_name(c->want));
		if (r != PARSE_OK)
			continue;
		flow_set(&f, c->field);
		switch (field_table[c->field].type) {
		case FT_SYMBOL: case FT_ADDR:
			break;
		default:
			if (f.v[c->field].u != c->u)
				fail_msg("%s '%s': value %llu, want %llu",
				    field_name(c->field), c->text,
				    (unsigned long long)f.v[c->field].u,
				    (unsigned long long)c->u);
		}
		flow_value_text(&f, c->field, buf, sizeof buf);
		assert_string_equal(buf, c->back ? c->back : c->text);
		if (c->field == F_START || c->field == F_END)
			assert_int_equal(flags != 0, c->back != NULL);
	}
}

/* Tokens are split on runs of spaces and tabs. */
static void
test_tokenize(void **state)
{
	struct flow_str tok[8];
	int nt;
	const char *s = "  a\tbb   ccc  ";

	(void)state;
	assert_int_equal(parse_tokenize(s, strlen(s), tok, 8, &nt), 3);
	assert_int_equal(nt, 0);
	assert_int_equal(tok[0].len, 1);
	assert_memory_equal(tok[1].p, "bb", 2);
	assert_int_equal(tok[2].len, 3);
	assert_int_equal(parse_tokenize("a b c d", 7, tok, 3, &nt), 4);
	assert_int_equal(parse_tokenize("", 0, tok, 3, &nt), 0);
	assert_int_equal(parse_tokenize("a\x01" "b", 3, tok, 3, &nt), 1);
	assert_int_equal(nt, 1);
	assert_int_equal(parse_tokenize("a\xff", 2, tok, 3, &nt), 1);
	assert_int_equal(nt, 1);
	assert_int_equal(parse_tokenize("a\xd0\xb1 b", 5, tok, 3, &nt), 2);
	assert_int_equal(nt, 0);
	/* overlong and surrogate encodings are not UTF-8 */
	assert_int_equal(parse_tokenize("\xc0\xaf", 2, tok, 3, &nt), 1);
	assert_int_equal(nt, 1);
	assert_int_equal(parse_tokenize("\xed\xa0\x80", 3, tok, 3, &nt), 1);
	assert_int_equal(nt, 1);
	assert_int_equal(parse_tokenize("\xd0", 1, tok, 3, &nt), 1);
	assert_int_equal(nt, 1);
	assert_int_equal(parse_is_text("abc", 3), 1);
	assert_int_equal(parse_is_text("a c", 3), 0);
	assert_int_equal(parse_is_text("a\x7f", 2), 0);
}

/* The AWS default-format examples parse to the documented values. */
static void
test_v2_lines(void **state)
{
	static const char acc[] = "2 123456789010 eni-1235b8ca123456789 "
	    "172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 "
	    "1418530070 ACCEPT OK";
	static const char nodata[] = "2 123456789010 eni-1235b8ca123456789 "
	    "- - - - - - - 1431280876 1431280934 - NODATA";
	struct parse_error err;
	struct flow f;
	char buf[64];

	(void)state;
	assert_int_equal(parse_line(NULL, acc, strlen(acc), &f, &err), 0);
	assert_int_equal(f.fmt->n, 14);
	assert_int_equal(f.v[F_VERSION].u, 2);
	assert_int_equal(f.v[F_ACCOUNT_ID].s.len, 12);
	assert_memory_equal(f.v[F_ACCOUNT_ID].s.p, "123456789010", 12);
	flow_value_text(&f, F_SRCADDR, buf, sizeof buf);
	assert_string_equal(buf, "172.31.16.139");
	assert_int_equal(f.v[F_DSTPORT].u, 22);
	assert_int_equal(f.v[F_BYTES].u, 4249);
	assert_int_equal(f.v[F_END].u, 1418530070);
	assert_int_equal(f.v[F_ACTION].u, ACTION_ACCEPT);
	assert_false(flow_has(&f, F_VPC_ID));

	assert_int_equal(parse_line(NULL, nodata, strlen(nodata), &f, &err), 0);
	assert_int_equal(f.v[F_LOG_STATUS].u, STATUS_NODATA);
	assert_false(flow_has(&f, F_SRCADDR));
	assert_false(flow_has(&f, F_BYTES));
	assert_false(flow_has(&f, F_ACTION));
	assert_true(flow_has(&f, F_START));
	flow_value_text(&f, F_PACKETS, buf, sizeof buf);
	assert_string_equal(buf, "-");
}

/* Wrong field counts and bad values say which field and token failed. */
static void
test_line_errors(void **state)
{
	static const char few[] = "2 123456789010 eni-1 1.2.3.4 5.6.7.8 1 2 6 "
	    "20 4249 1418530010 1418530070 ACCEPT";
	static const char many[] = "2 123456789010 eni-1 1.2.3.4 5.6.7.8 1 2 6 "
	    "20 4249 1418530010 1418530070 ACCEPT OK #comment";
	static const char badport[] = "2 123456789010 eni-1 1.2.3.4 5.6.7.8 1 "
	    "99999 6 20 4249 1418530010 1418530070 ACCEPT OK";
	struct parse_error err;
	struct format v2;
	struct flow f;

	(void)state;
	format_version(&v2, 2);
	assert_int_equal(parse_line(&v2, few, strlen(few), &f, &err), -1);
	assert_int_equal(err.reason, PARSE_TOO_FEW_FIELDS);
	assert_int_equal(err.token, 13);
	assert_int_equal(parse_line(&v2, many, strlen(many), &f, &err), -1);
	assert_int_equal(err.reason, PARSE_TOO_MANY_FIELDS);
	assert_int_equal(parse_line(NULL, many, strlen(many), &f, &err), -1);
	assert_int_equal(err.reason, PARSE_NO_FORMAT);
	assert_int_equal(parse_line(&v2, badport, strlen(badport), &f, &err), -1);
	assert_int_equal(err.reason, PARSE_BAD_PORT);
	assert_int_equal(err.field, F_DSTPORT);
	assert_int_equal(err.token, 6);
	assert_int_equal(parse_line(&v2, "2 1\x1b[31m", 8, &f, &err), -1);
	assert_int_equal(err.reason, PARSE_NOT_TEXT);
}

/* The AWS TCP-flag example with its double space parses in its format. */
static void
test_custom_double_space(void **state)
{
	static const char spec[] = "version vpc-id subnet-id instance-id "
	    "interface-id account-id type srcaddr dstaddr srcport dstport "
	    "pkt-srcaddr pkt-dstaddr protocol bytes packets start end action "
	    "tcp-flags log-status";
	static const char line[] = "3 vpc-abcdefab012345678 "
	    "subnet-aaaaaaaa012345678 i-01234567890123456 "
	    "eni-1235b8ca123456789 123456789010 IPv4 10.0.0.62 52.213.180.42 "
	    "5001 43638  10.0.0.62 52.213.180.42 6 967 14 1566933133 "
	    "1566933193 ACCEPT 19 OK";
	struct parse_error err;
	struct format fmt;
	struct flow f;
	char e[64];

	(void)state;
	assert_int_equal(format_from_spec(spec, &fmt, e, sizeof e), 1);
	assert_int_equal(parse_line(&fmt, line, strlen(line), &f, &err), 0);
	assert_int_equal(f.v[F_SRCPORT].u, 5001);
	assert_int_equal(f.v[F_DSTPORT].u, 43638);
	assert_int_equal(f.v[F_BYTES].u, 967);
	assert_int_equal(f.v[F_PACKETS].u, 14);
	assert_int_equal(f.v[F_TCP_FLAGS].u, 19);
	assert_int_equal(f.v[F_TYPE].u, TYPE_IPV4);
	assert_memory_equal(f.v[F_VPC_ID].s.p, "vpc-abcdefab012345678", 21);
}

/* Compare two parses of the same line: same verdict, same values. */
static void
assert_same_parse(const struct format *fmt, const char *line, size_t len)
{
	struct flow_str tok[PARSE_MAX_TOKENS];
	struct parse_error err;
	struct flow slow, fast;
	int nt, n, rs, rf, i;

	n = parse_tokenize(line, len, tok, PARSE_MAX_TOKENS - 1, &nt);
	rs = nt ? -1 : parse_tokens(fmt, tok, n, &slow, &err);
	rf = parse_fast(fmt, line, len, &fast);
	if (rf == 0 && rs != 0)
		fail_msg("fast path accepted a line the exact path rejects "
		    "(%s): %.*s", parse_reason_name(err.reason), (int)len, line);
	if (rf != 0)
		return;
	assert_memory_equal(slow.present, fast.present, sizeof slow.present);
	assert_int_equal(slow.flags, fast.flags);
	for (i = 0; i < FIELD_COUNT; i++) {
		char a[FLOW_VALUE_MAX], b[FLOW_VALUE_MAX];

		if (!flow_has(&slow, i))
			continue;
		flow_value_text(&slow, i, a, sizeof a);
		flow_value_text(&fast, i, b, sizeof b);
		if (strcmp(a, b) != 0)
			fail_msg("%s: exact '%s', fast '%s' in: %.*s",
			    field_name(i), a, b, (int)len, line);
	}
}

/* The one-pass parser agrees with the exact path on generated lines in
 * every version's format, and on the same lines with random damage. */
static void
test_fast_path_agrees(void **state)
{
	static const char noise[] = "0123456789 -.:x\t\x01\xd0\xb1Z";
	struct gen *g = gen_new(11, 1700000000);
	uint64_t rnd = 88172645463325252ull;
	int v, k, fast_ok = 0;

	(void)state;
	for (v = 2; v <= 11; v++) {
		struct format fmt;

		format_version(&fmt, v);
		for (k = 0; k < 3000; k++) {
			char line[8192];
			size_t len = 0;
			struct flow f;
			int i, m;

			gen_next(g, &f);
			if (k % 7 == 0)	/* milliseconds and big counters */
				f.v[F_START].u = f.v[F_START].u * 1000 + 999;
			if (k % 11 == 0 && flow_has(&f, F_BYTES))
				f.v[F_BYTES].u = 18446744073709551615ull - k;
			for (i = 0; i < fmt.n; i++) {
				if (i)
					line[len++] = ' ';
				if (i == 3 && k % 5 == 0)
					line[len++] = ' ';	/* AWS's double space */
				len += flow_value_text(&f, fmt.field[i],
				    line + len, sizeof line - len - 64);
			}
			assert_same_parse(&fmt, line, len);
			{
				struct flow tmp;

				fast_ok += parse_fast(&fmt, line, len, &tmp) == 0;
			}
			/* damage: a few random bytes replaced or cut */
			for (m = 0; m < 3; m++) {
				char bad[8192];
				size_t blen = len, pos;

				memcpy(bad, line, len);
				rnd ^= rnd << 13;
				rnd ^= rnd >> 7;
				rnd ^= rnd << 17;
				pos = (size_t)(rnd % (len ? len : 1));
				if (m == 2)
					blen = pos;
				else
					bad[pos] = noise[(rnd >> 32) %
					    (sizeof noise - 1)];
				assert_same_parse(&fmt, bad, blen);
			}
		}
	}
	/* Most clean lines must take the fast path (IPv6 ones do not). */
	assert_true(fast_ok > 10 * 3000 * 8 / 10);
	gen_free(g);
}

/* Numbers of every length convert the same on both paths. */
static void
test_fast_numbers(void **state)
{
	struct format fmt;
	char line[64], e[64];
	uint64_t x = 0;
	int d;

	(void)state;
	assert_int_equal(format_from_spec("bytes packets", &fmt, e, sizeof e), 1);
	for (d = 1; d <= 21; d++) {
		struct flow f;
		int r;

		x = x * 10 + (uint64_t)(d % 10);
		snprintf(line, sizeof line, "%llu 7", (unsigned long long)x);
		if (d > 20)
			snprintf(line, sizeof line, "123456789012345678901 7");
		r = parse_fast(&fmt, line, strlen(line), &f);
		if (d <= 20) {	/* 12345678901234567890 fits 64 bits */
			assert_int_equal(r, 0);
			assert_true(f.v[F_BYTES].u == x);
			assert_int_equal(f.v[F_PACKETS].u, 7);
		} else
			assert_int_equal(r, -1);	/* exact path decides */
		assert_same_parse(&fmt, line, strlen(line));
	}
}

/* Parse line through a copy of exactly len bytes (so the sanitizer build
 * catches a read past its end), and again in the middle of a buffer whose
 * neighbouring bytes would change the answer if they were read. */
static void
same_parse_fenced(const struct format *fmt, const char *line, size_t len)
{
	char *exact = malloc(len ? len : 1);
	char buf[8192 + 64];

	assert_non_null(exact);
	memcpy(exact, line, len);
	assert_same_parse(fmt, exact, len);
	free(exact);
	assert_true(len + 64 <= sizeof buf);
	memset(buf, '7', 32);
	memcpy(buf + 32, line, len);
	memcpy(buf + 32 + len, " 9 9 -:1.", 9);
	memset(buf + 32 + len + 9, '8', 23);
	assert_same_parse(fmt, buf + 32, len);
}

/* Assert that the one-pass parser takes the line (and agrees). */
static void
assert_fast_takes(const struct format *fmt, const char *line)
{
	struct flow f;

	if (parse_fast(fmt, line, strlen(line), &f) != 0)
		fail_msg("fast path declined: '%s'", line);
	same_parse_fenced(fmt, line, strlen(line));
}

/* Lines of every length from 1 to 300 bytes (the 16- and 64-byte steps of
 * the space mask), with the odd spacing the exact path allows. */
static void
test_fast_lengths(void **state)
{
	static const char *const shapes[] = {
		"%s 7", " %s 7", "%s 7 ", "%s  7", "%s\t7", "%s 7\t",
		"%s - ", "- %s", "%s 7 7", "%s", "%s 7x", "%s\x01 7",
		"%s \xd0\xb1", "%s -7", "%s 07", "%s\x7f 7", "%s 7\x7f",
		"%s 7\xff", "\x1f%s 7", "%s ~7", "~%s 7~",
	};
	struct format fmt;
	char e[64], sym[400], line[512];
	size_t k, n;

	(void)state;
	assert_int_equal(format_from_spec("account-id packets", &fmt, e,
	    sizeof e), 1);
	for (n = 1; n <= 300; n++) {
		for (k = 0; k < n; k++)
			sym[k] = (char)('a' + k % 26);
		sym[n] = '\0';
		for (k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
			snprintf(line, sizeof line, shapes[k], sym);
			same_parse_fenced(&fmt, line, strlen(line));
		}
		snprintf(line, sizeof line, "%s 7", sym);
		assert_fast_takes(&fmt, line);
		snprintf(line, sizeof line, "%s 1234567890123", sym);
		assert_fast_takes(&fmt, line);
		snprintf(line, sizeof line, " %s  7 ", sym);	/* AWS spacing */
		assert_fast_takes(&fmt, line);
	}
	/* a number field last, of every length, at every line length */
	assert_int_equal(format_from_spec("packets bytes", &fmt, e, sizeof e),
	    1);
	for (n = 1; n <= 70; n++) {
		for (k = 1; k <= 21; k++) {
			size_t j, len;

			len = (size_t)snprintf(line, sizeof line, "%.*s ",
			    (int)n, "1234567890123456789012345678901234567890"
			    "12345678901234567890123456789012345678901234");
			for (j = 0; j < k; j++)
				line[len++] = (char)('0' + (j * 7 + n) % 10);
			line[len] = '\0';
			same_parse_fenced(&fmt, line, len);
			if (n <= 19 && k <= 19)
				assert_fast_takes(&fmt, line);
		}
	}
	/* a line longer than the fast path's space mask */
	{
		static char big[6000];

		memset(big, 'q', 5000);
		memcpy(big + 5000, " 42", 4);
		assert_int_equal(format_from_spec("account-id packets", &fmt,
		    e, sizeof e), 1);
		assert_fast_takes(&fmt, big);
		memcpy(big + 5000, "  42 ", 6);
		assert_fast_takes(&fmt, big);
		big[100] = ' ';
		same_parse_fenced(&fmt, big, strlen(big));
		big[100] = '\t';
		same_parse_fenced(&fmt, big, strlen(big));
	}
	/* lines around 4096 bytes, the longest copied to the stack (longer
	 * ones are copied to the heap), ending in a number or an address */
	{
		static char big[4200];
		size_t m;

		assert_int_equal(format_from_spec("account-id packets srcaddr",
		    &fmt, e, sizeof e), 1);
		for (m = 4070; m <= 4110; m++) {
			memset(big, 'q', m);
			memcpy(big + m - 24, " 1234567 192.168.100.254", 24);
			big[m] = '\0';
			assert_fast_takes(&fmt, big);
		}
		assert_int_equal(format_from_spec("account-id srcaddr packets",
		    &fmt, e, sizeof e), 1);
		for (m = 4070; m <= 4110; m++) {
			memset(big, 'q', m);
			memcpy(big + m - 24, " 192.168.100.254 1234567", 24);
			big[m] = '\0';
			assert_fast_takes(&fmt, big);
		}
	}
}

/* Numbers near the limits of each numeric type. */
static void
test_fast_number_edges(void **state)
{
	static const char *const lines[] = {
		"0 0 0 0 0 0", "65535 65535 255 255 1 1",
		"65536 1 6 1 1 1", "1 000080 6 1 1 1", "1 00080 6 1 1 1",
		"1 1 0006 1 1 1", "1 1 256 1 1 1", "1 1 000000000000000000006 1 1 1",
		"1 1 6 18446744073709551615 1 1",
		"1 1 6 18446744073709551616 1 1",
		"1 1 6 99999999999999999999 1 1",
		"1 1 6 00000000000000000001 1 1",
		"1 1 6 1844674407370955161 1 1",
		"1 1 6 9999999999999999999 1 1",
		"1 1 6 1 2147483647 2147483648",
		"1 1 6 1 18446744073709551615 4294967295999",
		"1 1 6 1 1 12345678901234567890",
		"1 1 6 1/ 1 1", "1 1 6 1: 1 1", "1 1 6 :1 1 1", "1 1 6 /1 1 1",
		"1 1 6 12345678/ 1 1", "1 1 6 123456789012345/ 1 1",
		"1 1 6 1 1 12345678901234567/", "1 1 6 1 1 -", "- - - - - -",
		"1 1 6 1 1 -1", "1 1 6 1 1 --", "+1 1 6 1 1 1",
	};
	struct format fmt;
	char e[64];
	size_t i;

	(void)state;
	assert_int_equal(format_from_spec("srcport dstport protocol bytes "
	    "start end", &fmt, e, sizeof e), 1);
	for (i = 0; i < sizeof lines / sizeof lines[0]; i++)
		same_parse_fenced(&fmt, lines[i], strlen(lines[i]));
	assert_fast_takes(&fmt, "1 1 6 18446744073709551615 1 1");
	assert_fast_takes(&fmt, "1 1 6 00000000000000000001 1 1");
	assert_fast_takes(&fmt, "1 1 6 1 18446744073709551615 4294967295999");
	assert_fast_takes(&fmt, "- - - - - -");
	assert_fast_takes(&fmt, "1 00080 0006 1 1 1");
	/* numbers are converted in pairs (an odd one alone): pairs with a
	 * "-", a long number or a bad byte in either place, 16 digits (the
	 * most a pair takes) at the line's start and end */
	assert_int_equal(format_from_spec("bytes packets start end version",
	    &fmt, e, sizeof e), 1);
	{
		static const char *const more[] = {
			"1234567890123456 9999999999999999 1 2 2",
			"12345678901234567 1 1 1 2", "1 12345678901234567 1 1 2",
			"- 1 1 1 2", "1 - 1 1 2", "1 1 - - -", "0 0 0 0 2",
			"1 1 1 1 -", "1 1 1 1 99", "9999999999999999 1x 1 1 2",
			"1x 1 1 1 2", "1 1 4294967295999 4294967296 2",
			"1 1 2147483648 2147483647 2", "7 8 9 10 2",
			"1 1 1 1234567890123456 2", "1 1 1 2 1234567890123456",
			"00000000000000001 0000000000000001 1 1 2",
		};
		static const int takes[] = {
			1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1,
		};

		for (i = 0; i < sizeof more / sizeof more[0]; i++) {
			same_parse_fenced(&fmt, more[i], strlen(more[i]));
			if (takes[i])
				assert_fast_takes(&fmt, more[i]);
		}
	}
}

/* Enum words: AWS's spelling on the fast path, other case and near misses
 * only where the exact path agrees. */
static void
test_fast_enums(void **state)
{
	static const char *const words[] = {
		"ACCEPT", "REJECT", "accept", "Accept", "ACC", "ACCEPTX",
		"ACCEPT-", "REJECTED", "A", "-", "--", "OK", "NODATA",
		"SKIPDATA", "OKAY", "O", "ok", "SKIPDATAX", "SKIPDAT",
		"NODATA1", "IPv4", "IPv6", "EFA", "ipv4", "IPv44", "EF",
		"ingress", "egress", "INGRESS", "egres", "egresss",
		"wavelength", "outpost", "localzone", "Wavelength",
		"wavelengthx", "wavelengt", "localzone1", "local", "outpost!",
		"wavelengthwavelengthwavelength",
	};
	static const char *const fields[] = {
		"action", "log-status", "type", "flow-direction",
		"sublocation-type",
	};
	struct format fmt;
	char e[64], line[128];
	size_t i, k;

	(void)state;
	for (k = 0; k < sizeof fields / sizeof fields[0]; k++) {
		snprintf(line, sizeof line, "%s packets", fields[k]);
		assert_int_equal(format_from_spec(line, &fmt, e, sizeof e), 1);
		for (i = 0; i < sizeof words / sizeof words[0]; i++) {
			snprintf(line, sizeof line, "%s 5", words[i]);
			same_parse_fenced(&fmt, line, strlen(line));
		}
		snprintf(line, sizeof line, "packets %s", fields[k]);
		assert_int_equal(format_from_spec(line, &fmt, e, sizeof e), 1);
		for (i = 0; i < sizeof words / sizeof words[0]; i++) {
			snprintf(line, sizeof line, "5 %s", words[i]);
			same_parse_fenced(&fmt, line, strlen(line));
			snprintf(line, sizeof line, "%s", words[i]);
			same_parse_fenced(&fmt, line, strlen(line));
		}
	}
	/* every word of every enum field takes the fast path, last or not */
	for (i = 0; i < FIELD_COUNT; i++) {
		const char *const *w = field_table[i].words;

		if (field_table[i].type != FT_ENUM)
			continue;
		snprintf(line, sizeof line, "%s packets", field_name((int)i));
		assert_int_equal(format_from_spec(line, &fmt, e, sizeof e), 1);
		for (k = 0; w[k] != NULL; k++) {
			struct flow f;

			snprintf(line, sizeof line, "%s 5", w[k]);
			assert_fast_takes(&fmt, line);
			assert_int_equal(parse_fast(&fmt, line, strlen(line),
			    &f), 0);
			assert_int_equal(f.v[i].u, k + 1);
		}
		snprintf(line, sizeof line, "packets %s", field_name((int)i));
		assert_int_equal(format_from_spec(line, &fmt, e, sizeof e), 1);
		for (k = 0; w[k] != NULL; k++) {
			snprintf(line, sizeof line, "5 %s", w[k]);
			assert_fast_takes(&fmt, line);
		}
	}
}

/* Addresses: the forms the fast path takes give inet_pton's bytes, and the
 * odd ones are left to the exact path. */
static void
test_fast_addresses(void **state)
{
	static const char *const good[] = {
		"0.0.0.0", "255.255.255.255", "10.0.0.1", "1.22.133.4",
		"100.10.1.0", "2001:db8:1234:a100:8d6e:3477:df66:f105",
		"2a02:cf40::", "::", "::1", "1::", "1::2", "1:2:3:4:5:6:7::",
		"::2:3:4:5:6:7:8", "1:2:3::6:7:8",
		"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:DB8::A",
		"::ffff:10.0.0.1", "64:ff9b::192.0.2.33", "::1.2.3.4",
		"1:2:3:4:5:6:1.2.3.4", "1::5:6:255.255.255.255", "fFfF::",
		"0:0:0:0:0:0:0:0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		"A:b:C:d:E:f:0:9", "0001:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8",
		"abcd:ef01:2345:6789:ABCD:EF01:2345:6789",
		"1:22:333:4444:1:22:333:4444", "4444:333:22:1:4444:333:22:1",
	};
	static const char *const odd[] = {
		"256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.02.3.4",
		"1.2.3.00", "1..3.4", ".1.2.3", "1.2.3.", "1.2.3.4.",
		"1234.1.1.1", "1.2.3.1000", "1.2.3.4a", "a1.2.3.4", "1.2.3.-",
		"1.2.3.4:", "999.999.999.999", "300.2.3.4", "1.2.3.256",
		"0.0.0.00", "1.2.3.4 ", "1.2.3:4",
		"2001:db8::1::2", "2001:db8:g::1", "fe80::1%eth0",
		"1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8",
		":1", "1:", ":::", "1:::2", "12345::", "::12345", "1:2",
		"::ffff:1.2.3", "::ffff:01.2.3.4", "::ffff:1.2.3.4.5",
		"::1.2.3.4:1", "1:2:3:4:5:6:7:1.2.3.4", "::a.b.c.d",
		"::ffff:256.1.1.1", ":", "::.", "1.2.3.4::", "1:2:3:4:5:6:7",
		"::ffff:1.2.3.4.", "::1.2.3.04", "1::2:",
		"12345:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:", ":1:2:3:4:5:6:7:8",
		"1:2:3:4:5:6:7:g", "1:2:3:4:5:6:7:@", "1:2:3:4:5:6:7:`",
		"1:2:3:4:5:6:7:G", "1:2:3:4:5:6:7:/", "1:2:3:4:5:6:7:00000",
		"1:2:3:4:5:6:7:8.1", "1:2:3:4:5:6:7:8:9:0", "1:2:3:4:5:6:7:;",
		"1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5:6:7::", "1:2:3:4:5:6::8",
		"1111:2222:3333:4444:5555:6666:7777", "1111:2222:3333:4444",
		"1111:2222:3333:4444:5555:6666:7777:8888:9",
	};
	struct format fmt;
	char e[64], line[160], text[64];
	uint64_t rnd = 0x9e3779b97f4a7c15ull;
	size_t i, k;

	(void)state;
	assert_int_equal(format_from_spec("srcaddr packets dstaddr", &fmt, e,
	    sizeof e), 1);
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		snprintf(line, sizeof line, "%s 1 %s", good[i], good[i]);
		assert_fast_takes(&fmt, line);
	}
	for (i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		snprintf(line, sizeof line, "%s 1 %s", odd[i], odd[i]);
		same_parse_fenced(&fmt, line, strlen(line));
		snprintf(line, sizeof line, "1.2.3.4 1 %s", odd[i]);
		same_parse_fenced(&fmt, line, strlen(line));
	}
	/* every shape of dotted quad (parts of 1 to 3 digits), with values
	 * at the limits and leading zeros: the fast path takes each good
	 * one (its shape table has them all) and agrees on every one */
	for (i = 0; i < 81 * 5; i++) {
		static const char *const part[4][5] = {
			{ NULL }, { "0", "9", "5", "1", "8" },
			{ "10", "99", "05", "00", "42" },
			{ "100", "255", "256", "099", "999" },
		};
		static const int ok[4][5] = {
			{ 0 }, { 1, 1, 1, 1, 1 }, { 1, 1, 0, 0, 1 },
			{ 1, 1, 0, 0, 0 },
		};
		size_t shape = i / 5, v = i % 5, len = 0, j;
		int good_quad = 1;

		for (j = 0; j < 4; j++) {
			size_t l = 1 + (shape / (j == 0 ? 1 : j == 1 ? 3 :
			    j == 2 ? 9 : 27)) % 3, w = (v + j) % 5;

			len += (size_t)snprintf(text + len, sizeof text - len,
			    "%s%s", j ? "." : "", part[l][w]);
			good_quad &= ok[l][w];
		}
		snprintf(line, sizeof line, "%s 1 %s", text, text);
		if (good_quad)
			assert_fast_takes(&fmt, line);
		else
			same_parse_fenced(&fmt, line, strlen(line));
	}
	/* random strings of address bytes, and random addresses with a few
	 * bytes changed */
	for (i = 0; i < 200000; i++) {
		static const char alpha[] = "0123456789abcdefABCDEF:::...";
		size_t n;

		rnd ^= rnd << 13;
		rnd ^= rnd >> 7;
		rnd ^= rnd << 17;
		if (i % 2 == 0) {
			n = 1 + rnd % 46;
			for (k = 0; k < n; k++) {
				rnd ^= rnd << 13;
				rnd ^= rnd >> 7;
				rnd ^= rnd << 17;
				text[k] = alpha[(rnd >> 20) % (sizeof alpha - 1)];
			}
			text[n] = '\0';
		} else {
			struct flow f;
			int z;

			for (k = 0; k < 16; k++)
				f.v[F_SRCADDR].a.b[k] =
				    (uint8_t)(rnd >> (k * 4 % 60));
			z = (int)(rnd % 16);	/* zero runs for "::" */
			if (z > 8)
				memset(f.v[F_SRCADDR].a.b + (z - 8),
				    0, (size_t)(z - 8) * 2 % 14);
			if (rnd % 5 == 0)	/* IPv4 */
				memcpy(f.v[F_SRCADDR].a.b, "\0\0\0\0\0\0\0\0\0\0"
				    "\xff\xff", 12);
			flow_clear(&f);
			flow_set(&f, F_SRCADDR);
			n = flow_value_text(&f, F_SRCADDR, text, sizeof text);
			for (k = 0; k < (rnd >> 60) % 3; k++) {
				rnd ^= rnd << 13;
				rnd ^= rnd >> 7;
				rnd ^= rnd << 17;
				text[rnd % n] = alpha[(rnd >> 20) %
				    (sizeof alpha - 1)];
			}
		}
		snprintf(line, sizeof line, "%s 1 %s", text, text);
		same_parse_fenced(&fmt, line, strlen(line));
	}
}

/* Columns vpctop does not know, and formats that change under the same
 * struct, are handled as the exact path handles them. */
static void
test_fast_formats(void **state)
{
	static const char hdr[] = "version foo srcaddr bar packets";
	static const char line[] = "2 x 10.0.0.1 ACCEPT 7";
	struct format a, b;
	struct flow f;
	char e[64];

	(void)state;
	assert_int_equal(format_from_header(hdr, strlen(hdr), &a, 1), 0);
	assert_fast_takes(&a, line);
	assert_int_equal(parse_fast(&a, line, strlen(line), &f), 0);
	assert_int_equal(f.v[F_VERSION].u, 2);
	assert_int_equal(f.v[F_PACKETS].u, 7);
	assert_false(flow_has(&f, F_ACTION));
	same_parse_fenced(&a, "2 \xd0\xb1 10.0.0.1 x 7",
	    strlen("2 \xd0\xb1 10.0.0.1 x 7"));
	/* two formats of the same size, then one struct rewritten */
	assert_int_equal(format_from_spec("bytes packets", &a, e, sizeof e), 1);
	assert_int_equal(format_from_spec("packets bytes", &b, e, sizeof e), 1);
	assert_int_equal(parse_fast(&a, "1 2", 3, &f), 0);
	assert_int_equal(f.v[F_BYTES].u, 1);
	assert_int_equal(parse_fast(&b, "1 2", 3, &f), 0);
	assert_int_equal(f.v[F_BYTES].u, 2);
	assert_int_equal(format_from_spec("srcport bytes", &b, e, sizeof e), 1);
	assert_int_equal(parse_fast(&b, "1 2", 3, &f), 0);
	assert_int_equal(f.v[F_SRCPORT].u, 1);
	assert_false(flow_has(&f, F_PACKETS));
	assert_int_equal(parse_fast(&b, "70000 2", 7, &f), -1);
	assert_int_equal(format_from_spec("account-id bytes", &b, e, sizeof e),
	    1);
	assert_int_equal(parse_fast(&b, "70000 2", 7, &f), 0);
	assert_memory_equal(f.v[F_ACCOUNT_ID].s.p, "70000", 5);
}

/* Lines in the v2 default order (the parser's straight path for them):
 * each field in turn at the edges of what that path takes (lengths, ranges,
 * "-", milliseconds, IPv6, enum spellings), the others plain, agree with
 * the exact path; so does a format with two of the v2 fields swapped. */
static void
test_fast_v2(void **state)
{
	static const char *const base[14] = {
		"2", "123456789012", "eni-0123456789abcdef0", "10.0.0.1",
		"192.168.100.200", "443", "49152", "6", "10", "8400",
		"1700000000", "1700000060", "ACCEPT", "OK"
	};
	static const struct {
		int field;
		const char *value;
		int takes;
	} edge[] = {
		{ F_VERSION, "255", 1 }, { F_VERSION, "256", 0 },
		{ F_VERSION, "00000002", 1 }, { F_VERSION, "000000002", 1 },
		{ F_VERSION, "-", 1 }, { F_VERSION, "2x", 0 },
		{ F_VERSION, "99999999", 0 }, { F_VERSION, "100000002", 0 },
		{ F_SRCPORT, "65535", 1 }, { F_SRCPORT, "65536", 0 },
		{ F_SRCPORT, "00080", 1 }, { F_SRCPORT, "000080", 0 },
		{ F_SRCPORT, "0", 1 }, { F_SRCPORT, "-", 1 },
		{ F_SRCPORT, "1a", 0 }, { F_SRCPORT, "99999", 0 },
		{ F_DSTPORT, "65535", 1 }, { F_DSTPORT, "65536", 0 },
		{ F_DSTPORT, "00080", 1 }, { F_DSTPORT, "000080", 0 },
		{ F_DSTPORT, "-", 1 }, { F_DSTPORT, ":", 0 },
		{ F_PROTOCOL, "255", 1 }, { F_PROTOCOL, "256", 0 },
		{ F_PROTOCOL, "00000006", 1 }, { F_PROTOCOL, "000000006", 1 },
		{ F_PROTOCOL, "-", 1 }, { F_PROTOCOL, "/", 0 },
		{ F_PROTOCOL, "100000006", 0 },
		{ F_PACKETS, "9999999999999999", 1 },
		{ F_PACKETS, "99999999999999999", 1 },
		{ F_PACKETS, "18446744073709551615", 1 },
		{ F_PACKETS, "18446744073709551616", 0 },
		{ F_PACKETS, "-", 1 }, { F_PACKETS, "1.5", 0 },
		{ F_BYTES, "1234567890123456", 1 },
		{ F_BYTES, "12345678901234567", 1 },
		{ F_BYTES, "-", 1 }, { F_BYTES, "0x10", 0 },
		{ F_START, "2147483647", 1 }, { F_START, "2147483648", 1 },
		{ F_START, "1700000000123", 1 }, { F_START, "-", 1 },
		{ F_START, "17000000001234567", 1 }, { F_START, "1e9", 0 },
		{ F_END, "2147483647", 1 }, { F_END, "2147483648", 1 },
		{ F_END, "1700000060999", 1 }, { F_END, "-", 1 },
		{ F_SRCADDR, "::1", 1 }, { F_SRCADDR, "2001:db8:0:0:0:0:0:1", 1 },
		{ F_SRCADDR, "2001:db8::1", 1 }, { F_SRCADDR, "1.2.3.256", 0 },
		{ F_SRCADDR, "01.2.3.4", 0 }, { F_SRCADDR, "-", 1 },
		{ F_SRCADDR, "::ffff:1.2.3.4", 1 },
		{ F_DSTADDR, "fe80::1:2", 1 }, { F_DSTADDR, "1.2.3", 0 },
		{ F_DSTADDR, "-", 1 }, { F_DSTADDR, "255.255.255.255", 1 },
		{ F_ACTION, "REJECT", 1 }, { F_ACTION, "accept", 0 },
		{ F_ACTION, "-", 1 }, { F_ACTION, "ACCEPTED", 0 },
		{ F_ACTION, "OK", 0 }, { F_ACTION, "ACCEPTACCEPTACCEPT", 0 },
		{ F_LOG_STATUS, "NODATA", 1 }, { F_LOG_STATUS, "SKIPDATA", 1 },
		{ F_LOG_STATUS, "-", 1 }, { F_LOG_STATUS, "OKAY", 0 },
		{ F_LOG_STATUS, "SKIPDAT", 0 }, { F_LOG_STATUS, "SKIPDATAX", 0 },
		{ F_LOG_STATUS, "NODATANODATA", 0 },
		{ F_ACCOUNT_ID, "-", 1 }, { F_ACCOUNT_ID, "a", 1 },
		{ F_ACCOUNT_ID, "--", 1 }, { F_INTERFACE_ID, "-", 1 },
		{ F_INTERFACE_ID, "~!eni~", 1 }, { F_ACCOUNT_ID, "a\x7f", 0 },
	};
	struct format fmt, swapped;
	char line[512], e[128];
	size_t i, len;
	int f;

	(void)state;
	format_version(&fmt, 2);
	assert_int_equal(format_from_spec("version account-id interface-id "
	    "srcaddr dstaddr dstport srcport protocol packets bytes start end "
	    "action log-status", &swapped, e, sizeof e), 1);
	for (i = 0; i <= sizeof edge / sizeof edge[0]; i++) {
		len = 0;
		for (f = 0; f < 14; f++) {
			const char *v = base[f];

			if (i < sizeof edge / sizeof edge[0] &&
			    edge[i].field == f)
				v = edge[i].value;
			len += (size_t)snprintf(line + len, sizeof line - len,
			    "%s%s", f ? " " : "", v);
		}
		same_parse_fenced(&fmt, line, len);
		same_parse_fenced(&swapped, line, len);
		if (i == sizeof edge / sizeof edge[0] || edge[i].takes)
			assert_fast_takes(&fmt, line);
	}
	/* both times in milliseconds */
	snprintf(line, sizeof line, "2 1 eni-1 1.2.3.4 5.6.7.8 1 2 17 3 4 "
	    "1700000000123 1700000060999 REJECT OK");
	same_parse_fenced(&fmt, line, strlen(line));
	assert_fast_takes(&fmt, line);
}

/* Lines of more than one 64-byte block: a leading space with a field too
 * few (the first field must not come out empty), and far more fields than
 * the format has (the space scan must stop). */
static void
test_fast_long_lines(void **state)
{
	struct format fmt;
	char line[1300], e[128];
	size_t len;
	int i;

	(void)state;
	assert_int_equal(format_from_spec("account-id interface-id bytes",
	    &fmt, e, sizeof e), 1);
	memset(line, 'a', sizeof line);
	line[0] = ' ';
	memcpy(line + 80, " 5", 2);
	same_parse_fenced(&fmt, line, 82);
	line[0] = 'b';
	same_parse_fenced(&fmt, line, 82);
	memcpy(line + 3, " ", 1);
	line[82] = '\0';
	assert_fast_takes(&fmt, line);
	for (len = 0, i = 0; i < 600; i++)
		len += (size_t)snprintf(line + len, sizeof line - len, "%s7",
		    i ? " " : "");
	same_parse_fenced(&fmt, line, len);
	assert_int_equal(format_from_spec("bytes", &fmt, e, sizeof e), 1);
	same_parse_fenced(&fmt, line, len);
}

/* Lines of six formats taken in turn (more formats than the parser keeps
 * plans for) parse as the exact path parses them, each by its own format. */
static void
test_fast_formats_mixed(void **state)
{
	static const char *const specs[6] = {
		"bytes packets", "packets bytes", "srcport bytes",
		"account-id bytes", "bytes srcport", "dstport packets",
	};
	static const int first[6] = {
		F_BYTES, F_PACKETS, F_SRCPORT, F_ACCOUNT_ID, F_BYTES, F_DSTPORT
	};
	struct format fmts[6];
	char e[64];
	int i, k;

	(void)state;
	for (k = 0; k < 6; k++)
		assert_int_equal(format_from_spec(specs[k], &fmts[k], e,
		    sizeof e), 1);
	for (i = 0; i < 60; i++) {
		struct flow f;
		char line[32];

		k = (i * 5) % 6;	/* every order of neighbours */
		snprintf(line, sizeof line, "%d %d", 100 + i, 200 + i);
		assert_int_equal(parse_fast(&fmts[k], line, strlen(line), &f),
		    0);
		assert_same_parse(&fmts[k], line, strlen(line));
		if (first[k] == F_ACCOUNT_ID)
			assert_memory_equal(f.v[F_ACCOUNT_ID].s.p, line, 3);
		else
			assert_int_equal(f.v[first[k]].u, 100 + i);
	}
}

/* Reason names and texts exist for every reason. */
static void
test_reason_names(void **state)
{
	int r;

	(void)state;
	for (r = 0; r < PARSE_REASON_COUNT; r++) {
		assert_non_null(parse_reason_name(r));
		assert_non_null(parse_reason_text(r));
		assert_string_not_equal(parse_reason_name(r), "?");
	}
	assert_string_equal(parse_reason_name(PARSE_BAD_PORT), "bad-port");
	assert_string_equal(parse_reason_name(PARSE_REASON_COUNT), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_tokenize),
		cmocka_unit_test(test_v2_lines),
		cmocka_unit_test(test_line_errors),
		cmocka_unit_test(test_custom_double_space),
		cmocka_unit_test(test_reason_names),
		cmocka_unit_test(test_fast_path_agrees),
		cmocka_unit_test(test_fast_numbers),
		cmocka_unit_test(test_fast_lengths),
		cmocka_unit_test(test_fast_number_edges),
		cmocka_unit_test(test_fast_enums),
		cmocka_unit_test(test_fast_addresses),
		cmocka_unit_test(test_fast_formats),
		cmocka_unit_test(test_fast_formats_mixed),
		cmocka_unit_test(test_fast_v2),
		cmocka_unit_test(test_fast_long_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
