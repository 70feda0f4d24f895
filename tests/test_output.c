/*
 * test_output.c - the batch printer's text, CSV and JSON forms.
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
#include "format.h"
#include "output.h"
#include "parse.h"

static const char acc[] = "2 012345678901 eni-1235b8ca123456789 "
    "172.31.16.139 2001:DB8::1 20641 22 6 20 4249 1418530010 1418530070 "
    "ACCEPT OK";
static const char nodata[] = "2 unknown eni-1 - - - - - - - 1431280876 "
    "1431280934 - NODATA";

/* Print the given lines (parsed in fmt) with kind; return malloc'd text. */
static char *
render(enum output_kind kind, const struct format *fmt, const char **lines,
    int n)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&buf, &size);
	struct output *o;
	int i;

	assert_non_null(fp);
	o = output_new(fp, kind);
	for (i = 0; i < n; i++) {
		struct parse_error err;
		struct flow f;

		assert_int_equal(parse_line(fmt, lines[i], strlen(lines[i]),
		    &f, &err), 0);
		output_record(o, &f);
	}
	assert_int_equal(output_free(o), 0);
	fclose(fp);
	return buf;
}

/* Text output is a header line, then records with canonical values. */
static void
test_text(void **state)
{
	const char *lines[] = { acc, nodata };
	char *s = render(OUTPUT_TEXT, NULL, lines, 2);

	(void)state;
	assert_string_equal(s,
	    "version account-id interface-id srcaddr dstaddr srcport dstport "
	    "protocol packets bytes start end action log-status\n"
	    "2 012345678901 eni-1235b8ca123456789 172.31.16.139 2001:db8::1 "
	    "20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n"
	    "2 unknown eni-1 - - - - - - - 1431280876 1431280934 - NODATA\n");
	free(s);
}

/* CSV has a header row of AWS names and empty cells for absent values. */
static void
test_csv(void **state)
{
	const char *lines[] = { acc, nodata };
	char *s = render(OUTPUT_CSV, NULL, lines, 2);

	(void)state;
	assert_string_equal(s,
	    "version,account-id,interface-id,srcaddr,dstaddr,srcport,dstport,"
	    "protocol,packets,bytes,start,end,action,log-status\n"
	    "2,012345678901,eni-1235b8ca123456789,172.31.16.139,2001:db8::1,"
	    "20641,22,6,20,4249,1418530010,1418530070,ACCEPT,OK\n"
	    "2,unknown,eni-1,,,,,,,,1431280876,1431280934,,NODATA\n");
	free(s);
}

/* JSON: AWS names, numbers as numbers, absent as null, ids as strings. */
static void
test_json(void **state)
{
	const char *lines[] = { acc, nodata };
	char *s = render(OUTPUT_JSON, NULL, lines, 2);

	(void)state;
	assert_string_equal(s,
	    "{\"version\":2,\"account-id\":\"012345678901\","
	    "\"interface-id\":\"eni-1235b8ca123456789\","
	    "\"srcaddr\":\"172.31.16.139\",\"dstaddr\":\"2001:db8::1\","
	    "\"srcport\":20641,\"dstport\":22,\"protocol\":6,\"packets\":20,"
	    "\"bytes\":4249,\"start\":1418530010,\"end\":1418530070,"
	    "\"action\":\"ACCEPT\",\"log-status\":\"OK\"}\n"
	    "{\"version\":2,\"account-id\":\"unknown\",\"interface-id\":\"eni-1\","
	    "\"srcaddr\":null,\"dstaddr\":null,\"srcport\":null,\"dstport\":null,"
	    "\"protocol\":null,\"packets\":null,\"bytes\":null,"
	    "\"start\":1431280876,\"end\":1431280934,\"action\":null,"
	    "\"log-status\":\"NODATA\"}\n");
	free(s);
}

/* Strings that need escaping are escaped in JSON and quoted in CSV. */
static void
test_escaping(void **state)
{
	const char *lines[] = { "i-1 a\"b\\c x,y caf\xc3\xa9" };
	struct format fmt;
	char err[64];
	char *s;

	(void)state;
	assert_int_equal(format_from_spec("instance-id instance-tag "
	    "interface-tag asg-tag", &fmt, err, sizeof err), 1);
	s = render(OUTPUT_JSON, &fmt, lines, 1);
	assert_string_equal(s, "{\"instance-id\":\"i-1\","
	    "\"instance-tag\":\"a\\\"b\\\\c\",\"interface-tag\":\"x,y\","
	    "\"asg-tag\":\"caf\xc3\xa9\"}\n");
	free(s);
	s = render(OUTPUT_CSV, &fmt, lines, 1);
	assert_string_equal(s, "instance-id,instance-tag,interface-tag,asg-tag\n"
	    "i-1,\"a\"\"b\\c\",\"x,y\",caf\xc3\xa9\n");
	free(s);
}

/* A format change prints a new header; none prints nothing. */
static void
test_format_change(void **state)
{
	const char *v2lines[] = { acc };
	struct format nat;
	char err[64];
	char *s, *t;
	size_t n;

	(void)state;
	assert_int_equal(format_from_spec("srcaddr dstaddr", &nat, err,
	    sizeof err), 1);
	{
		char *buf = NULL;
		size_t size = 0;
		FILE *fp = open_memstream(&buf, &size);
		struct output *o = output_new(fp, OUTPUT_TEXT);
		struct parse_error pe;
		struct flow f;

		assert_int_equal(parse_line(NULL, acc, strlen(acc), &f, &pe), 0);
		output_record(o, &f);
		assert_int_equal(parse_line(&nat, "1.1.1.1 2.2.2.2", 15, &f,
		    &pe), 0);
		output_record(o, &f);
		output_record(o, &f);
		output_free(o);
		fclose(fp);
		t = strstr(buf, "srcaddr dstaddr\n1.1.1.1 2.2.2.2\n"
		    "1.1.1.1 2.2.2.2\n");
		assert_non_null(t);
		assert_string_equal(t + strlen(t) - 16, "1.1.1.1 2.2.2.2\n");
		free(buf);
	}
	s = render(OUTPUT_NONE, NULL, v2lines, 1);
	n = strlen(s);
	assert_int_equal(n, 0);
	free(s);
	assert_int_equal(output_kind_parse("json"), OUTPUT_JSON);
	assert_int_equal(output_kind_parse("xml"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_format_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
