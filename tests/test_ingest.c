/*
 * test_ingest.c - format selection, headers, envelopes and counting.
 *
 * Inputs are fed through memory sources, so each test states its whole
 * input; records are captured in their text form to assert on values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "ingest.h"
#include "source.h"

#define MAXREC 64

struct capture {
	int n;
	char rec[MAXREC][512];	/* "field=value ..." per record */
	int nmsg;
	char msg[8][256];
};

/* Keep a record's fields as "name=value" text. */
static void
on_record(void *ctx, const struct flow *f)
{
	struct capture *c = ctx;
	char buf[FLOW_VALUE_MAX];
	size_t off = 0;
	int i;

	if (c->n >= MAXREC)
		return;
	for (i = 0; i < f->fmt->n; i++) {
		int id = f->fmt->field[i];

		if (id == FIELD_IGNORE)
			continue;
		flow_value_text(f, id, buf, sizeof buf);
		off += (size_t)snprintf(c->rec[c->n] + off,
		    sizeof c->rec[0] - off, "%s%s=%s", off ? " " : "",
		    field_name(id), buf);
	}
	c->n++;
}

/* Keep a message about a source. */
static void
on_msg(void *ctx, const char *msg)
{
	struct capture *c = ctx;

	if (c->nmsg < 8)
		snprintf(c->msg[c->nmsg++], sizeof c->msg[0], "%s", msg);
}

/* Read text through a fresh ingester; returns it for the stats. */
static struct ingest *
feed(const char *text, const struct format *forced, struct capture *c)
{
	struct ingest *in = ingest_new(forced, on_record, on_msg, c);
	struct source *src = source_open_mem(text, strlen(text), "mem");
	struct ingest_source *is = ingest_source_new(in, "mem");

	memset(c, 0, sizeof *c);
	assert_int_equal(ingest_source_read(in, is, src, 0), SOURCE_EOF);
	ingest_source_free(is);
	source_close(src);
	return in;
}

#define V2A "2 123456789010 eni-1235b8ca123456789 172.31.16.139 " \
    "172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK"
#define V2HDR "version account-id interface-id srcaddr dstaddr srcport " \
    "dstport protocol packets bytes start end action log-status"
#define NATHDR "instance-id interface-id srcaddr dstaddr pkt-srcaddr " \
    "pkt-dstaddr"
#define NAT1 "- eni-1235b8ca123456789 10.0.1.5 10.0.0.220 10.0.1.5 " \
    "203.0.113.5"

/* A header switches the format of the lines after it, as in concatenated
 * S3 objects; blank lines are counted and skipped. */
static void
test_headers_switch(void **state)
{
	struct capture c;
	struct ingest *in = feed(V2HDR "\n" V2A "\n\n" NATHDR "\n" NAT1 "\n",
	    NULL, &c);
	const struct ingest_stats *st = ingest_stats(in);

	(void)state;
	assert_int_equal(c.n, 2);
	assert_string_equal(c.rec[1], "instance-id=- "
	    "interface-id=eni-1235b8ca123456789 srcaddr=10.0.1.5 "
	    "dstaddr=10.0.0.220 pkt-srcaddr=10.0.1.5 pkt-dstaddr=203.0.113.5");
	assert_int_equal(st->headers, 2);
	assert_int_equal(st->blank, 1);
	assert_int_equal(st->lines, 5);
	assert_int_equal(st->records, 2);
	assert_int_equal(st->nformats, 2);
	assert_int_equal(st->formats[0].records, 1);
	assert_int_equal(st->formats[1].fmt.n, 6);
	ingest_free(in);
}

/* A byte-order mark before the first header does not hide it. */
static void
test_bom_header(void **state)
{
	struct capture c;
	struct ingest *in = feed("\xef\xbb\xbf" NATHDR "\n" NAT1 "\n", NULL, &c);

	(void)state;
	assert_int_equal(c.n, 1);
	assert_int_equal(ingest_stats(in)->headers, 1);
	assert_int_equal(ingest_stats(in)->rejected, 0);
	ingest_free(in);
}

/* Without a header the field count picks the default order, per line. */
static void
test_auto_by_count(void **state)
{
	struct capture c;
	struct ingest *in = feed(V2A "\n" NAT1 "\n", NULL, &c);
	const struct ingest_stats *st = ingest_stats(in);

	(void)state;
	assert_int_equal(c.n, 1);
	assert_int_equal(st->rejects[PARSE_NO_FORMAT], 1);
	assert_int_equal(st->examples[PARSE_NO_FORMAT][0].line, 2);
	assert_string_equal(st->examples[PARSE_NO_FORMAT][0].source, "mem");
	ingest_free(in);
}

/* -F wins over header lines, which are then only counted. */
static void
test_forced_format(void **state)
{
	struct format nat;
	struct capture c;
	struct ingest *in;
	char err[64];

	(void)state;
	assert_int_equal(format_from_spec(NATHDR, &nat, err, sizeof err), 1);
	in = feed(V2HDR "\n" NAT1 "\n", &nat, &c);
	assert_int_equal(c.n, 1);
	assert_int_equal(ingest_stats(in)->headers, 1);
	ingest_free(in);
}

/* `aws logs tail` lines, detailed and short, unwrap to their records. */
static void
test_tail_lines(void **state)
{
	struct capture c;
	struct ingest *in = feed(
	    "2014-12-14T04:06:50.000000+00:00 eni-1235b8ca123456789-all " V2A "\n"
	    "2014-12-14T04:06:50 " V2A "\r\n", NULL, &c);

	(void)state;
	assert_int_equal(c.n, 2);
	assert_string_equal(c.rec[0], c.rec[1]);
	assert_non_null(strstr(c.rec[0], "srcport=20641 dstport=22"));
	assert_int_equal(ingest_stats(in)->envelopes, 2);
	ingest_free(in);
}

/* JSON message lines and a multi-line filter-log-events document. */
static void
test_json(void **state)
{
	struct capture c;
	struct ingest *in = feed(
	    "{\"message\": \"" V2A "\"}\n"
	    "{\n"
	    "    \"events\": [\n"
	    "        {\n"
	    "            \"logStreamName\": \"eni-1235b8ca123456789-all\",\n"
	    "            \"timestamp\": 1418530010000,\n"
	    "            \"message\": \"" V2A "\",\n"
	    "            \"ingestionTime\": 1418530100000,\n"
	    "            \"eventId\": \"1\"\n"
	    "        },\n"
	    "        {\n"
	    "            \"message\": \"2 1 eni-1 - - - - - - - 1 2 - NODATA\"\n"
	    "        }\n"
	    "    ],\n"
	    "    \"searchedLogStreams\": []\n"
	    "}\n"
	    "{\"message\": 42}\n"
	    "{\"message\": \"" V2A "\"\n", NULL, &c);
	const struct ingest_stats *st = ingest_stats(in);

	(void)state;
	assert_int_equal(c.n, 3);
	assert_string_equal(c.rec[0], c.rec[1]);
	assert_non_null(strstr(c.rec[2], "log-status=NODATA"));
	assert_int_equal(st->envelopes, 3);
	/* {"message": 42} and the unfinished last object are bad envelopes. */
	assert_int_equal(st->rejects[PARSE_BAD_ENVELOPE], 2);
	ingest_free(in);
}

#define V2SWAP "version account-id interface-id srcaddr dstaddr dstport " \
    "srcport protocol packets bytes start end action log-status"
#define CSVHDR "version,account_id,interface_id,srcaddr,dstaddr,srcport," \
    "dstport,protocol,packets,bytes,start,end,action,log_status"
#define CSV1 "2,123456789010,eni-1,10.0.0.1,10.0.0.2,443,51000,6,10,8400," \
    "1700000000,1700000060,ACCEPT,OK"

/* The short path for records that start with a digit, next to every kind
 * of line it must leave to the general path: blank, CR LF and trailing
 * blanks, a tail prefix after plain lines, a line that only starts like
 * one, a header that reorders the same field count, a JSON document with
 * a line starting with a digit inside it, a CSV header and its rows, a
 * last line without a newline. */
static void
test_fast_path_edges(void **state)
{
	struct capture c;
	struct ingest *in = feed(
	    V2A "\n"				/* 1: record */
	    "\n"				/* 2: blank */
	    V2A "\r\n"				/* 3: CR LF */
	    V2A " \t \n"			/* 4: trailing blanks */
	    "2014-12-14T04:06:50 " V2A "\n"	/* 5: tail, short form */
	    "1234-67890T 1 2 3 4 5 \t\n"	/* 6: only looks like one */
	    V2SWAP "\n"				/* 7: header, same count */
	    V2A "\n"				/* 8: ports swapped */
	    "{\"n\":\n"				/* 9: JSON document ... */
	    "1,\n"				/* 10: digit inside it */
	    "\"message\": \"" V2A "\"}\n"	/* 11: ... ends */
	    V2A "\n"				/* 12: record again */
	    CSVHDR "\n"				/* 13: CSV header */
	    CSV1 "\n"				/* 14: CSV row */
	    CSV1,				/* 15: no newline */
	    NULL, &c);
	const struct ingest_stats *st = ingest_stats(in);

	(void)state;
	assert_int_equal(st->lines, 15);
	assert_int_equal(st->blank, 1);
	assert_int_equal(st->headers, 2);
	assert_int_equal(st->records, 9);
	assert_int_equal(c.n, 9);
	assert_string_equal(c.rec[1], c.rec[0]);
	assert_string_equal(c.rec[2], c.rec[0]);
	assert_string_equal(c.rec[3], c.rec[0]);
	assert_non_null(strstr(c.rec[0], "srcport=20641 dstport=22 "));
	assert_non_null(strstr(c.rec[4], "dstport=20641 srcport=22 "));
	assert_string_equal(c.rec[5], c.rec[4]);
	assert_string_equal(c.rec[6], c.rec[4]);
	assert_non_null(strstr(c.rec[7], "srcport=443 dstport=51000 "));
	assert_string_equal(c.rec[8], c.rec[7]);
	assert_int_equal(st->envelopes, 4);
	assert_int_equal(st->rejected, 1);
	assert_int_equal(st->rejects[PARSE_NO_FORMAT], 1);
	assert_int_equal(st->examples[PARSE_NO_FORMAT][0].line, 6);
	assert_string_equal(st->examples[PARSE_NO_FORMAT][0].text,
	    "1234-67890T 1 2 3 4 5");
	/* The CSV header names the v2 order: the same format as line 1. */
	assert_int_equal(st->nformats, 2);
	assert_int_equal(st->formats[0].records, 6);
	assert_int_equal(st->formats[1].records, 3);
	ingest_free(in);
}

/* Fields of the 3-field formats of test_format_table, one per format. */
static const char *const table_fields[] = {
	"dstaddr", "srcport", "dstport", "protocol", "bytes", "start", "end",
	"action", "log-status", "version", "account-id", "interface-id",
	"vpc-id", "subnet-id", "instance-id", "tcp-flags", "type"
};

/* More formats than the table holds: the first INGEST_FORMATS_MAX are
 * counted, records of the others are not counted against any of them,
 * and going back to the first format counts on its entry again. */
static void
test_format_table(void **state)
{
	const size_t nf = sizeof table_fields / sizeof table_fields[0];
	char *text = malloc(nf * 80 + 200), *p = text;
	struct capture c;
	struct ingest *in;
	const struct ingest_stats *st;
	size_t i;

	(void)state;
	assert_non_null(text);
	assert_true(nf > INGEST_FORMATS_MAX);
	for (i = 0; i < nf; i++)
		p += sprintf(p, "packets srcaddr %s\n5 10.0.0.1 -\n",
		    table_fields[i]);
	sprintf(p, "packets srcaddr %s\n5 10.0.0.1 -\n6 10.0.0.1 -\n",
	    table_fields[0]);
	in = feed(text, NULL, &c);
	st = ingest_stats(in);
	assert_int_equal(st->rejected, 0);
	assert_int_equal(st->records, nf + 2);
	assert_int_equal(st->nformats, INGEST_FORMATS_MAX);
	assert_int_equal(st->formats[0].records, 3);
	for (i = 1; i < INGEST_FORMATS_MAX; i++)
		assert_int_equal(st->formats[i].records, 1);
	ingest_free(in);
	free(text);
}

/* Athena CSV: quoted underscore header, unknown column ignored. */
static void
test_csv(void **state)
{
	struct capture c;
	struct ingest *in = feed(
	    "\"version\",\"account_id\",\"interface_id\",\"srcaddr\",\"dstaddr\","
	    "\"srcport\",\"dstport\",\"protocol\",\"packets\",\"bytes\",\"start\","
	    "\"end\",\"action\",\"log_status\",\"day\"\n"
	    "\"2\",\"012345678901\",\"eni-1\",\"10.0.0.1\",\"10.0.0.2\",\"443\","
	    "\"51000\",\"6\",\"10\",\"8400\",\"1700000000\",\"1700000060\","
	    "\"ACCEPT\",\"OK\",\"2023-11-14\"\n"
	    "\"2\",\"012345678901\",\"eni-1\",,,,,,,,\"1700000000\","
	    "\"1700000060\",,\"NODATA\",\"2023-11-14\"\n"
	    "\"2\",\"0\",\"eni-1\",\"bad\n", NULL, &c);
	const struct ingest_stats *st = ingest_stats(in);

	(void)state;
	assert_int_equal(c.n, 2);
	assert_string_equal(c.rec[0], "version=2 account-id=012345678901 "
	    "interface-id=eni-1 srcaddr=10.0.0.1 dstaddr=10.0.0.2 srcport=443 "
	    "dstport=51000 protocol=6 packets=10 bytes=8400 start=1700000000 "
	    "end=1700000060 action=ACCEPT log-status=OK");
	assert_non_null(strstr(c.rec[1], "srcaddr=- "));
	assert_int_equal(st->headers, 1);
	assert_int_equal(st->rejects[PARSE_BAD_ENVELOPE], 1);
	ingest_free(in);
}

/* A too-long line is rejected and the next line is intact; examples keep
 * the first few per reason only; ms times are counted. */
static void
test_long_line_and_examples(void **state)
{
	size_t big = SOURCE_LINE_MAX + 5000, i;
	char *text = malloc(big + 4096);
	struct capture c;
	struct ingest *in;
	const struct ingest_stats *st;
	size_t off = 0;

	(void)state;
	memset(text, 'x', big);
	off = big;
	text[off++] = '\n';
	for (i = 0; i < 5; i++)
		off += (size_t)sprintf(text + off, "bad line %zu\n", i);
	off += (size_t)sprintf(text + off, "2 1 eni-1 1.1.1.1 2.2.2.2 1 2 6 1 "
	    "1 1418530010000 1418530070000 ACCEPT OK\n");
	text[off] = '\0';
	in = feed(text, NULL, &c);
	st = ingest_stats(in);
	assert_int_equal(st->rejects[PARSE_LINE_TOO_LONG], 1);
	assert_int_equal(st->rejects[PARSE_NO_FORMAT], 5);
	assert_int_equal(st->examples[PARSE_NO_FORMAT][0].line, 2);
	assert_int_equal(st->examples[PARSE_NO_FORMAT][2].line, 4);
	assert_string_equal(st->examples[PARSE_NO_FORMAT][2].text, "bad line 2");
	assert_int_equal(c.n, 1);
	assert_non_null(strstr(c.rec[0], "start=1418530010 end=1418530070"));
	assert_int_equal(st->ms_times, 1);
	assert_int_equal(st->rejected, 6);
	ingest_free(in);
	free(text);
}

/* Hostile bytes in a rejected line are escaped in the kept example. */
static void
test_example_sanitised(void **state)
{
	struct capture c;
	struct ingest *in = feed("2 1 eni-\x1b[2J 1.1.1.1\n", NULL, &c);
	const struct ingest_stats *st = ingest_stats(in);

	(void)state;
	assert_int_equal(st->rejects[PARSE_NOT_TEXT], 1);
	assert_string_equal(st->examples[PARSE_NOT_TEXT][0].text,
	    "2 1 eni-\\x1b[2J 1.1.1.1");
	ingest_free(in);
}

/* Directories: files in name order, non-logs skipped and reported. */
static void
test_directory(void **state)
{
	char dir[] = "/tmp/vpctop-ingest-XXXXXX";
	char path[512];
	struct capture c;
	struct ingest *in;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/b.log", dir);
	fp = fopen(path, "w");
	fprintf(fp, V2HDR "\n" V2A "\n");
	fclose(fp);
	snprintf(path, sizeof path, "%s/a.log", dir);
	fp = fopen(path, "w");
	fprintf(fp, NATHDR "\n" NAT1 "\n");
	fclose(fp);
	snprintf(path, sizeof path, "%s/notes.txt", dir);
	fp = fopen(path, "w");
	/* Reading stops at the first line: the record after it is not taken. */
	fprintf(fp, "Flow logs copied on Monday.\n" V2A "\n");
	fclose(fp);
	memset(&c, 0, sizeof c);
	in = ingest_new(NULL, on_record, on_msg, &c);
	assert_int_equal(ingest_path(in, dir), 0);
	assert_int_equal(c.n, 2);
	assert_non_null(strstr(c.rec[0], "pkt-dstaddr=203.0.113.5"));
	assert_non_null(strstr(c.rec[1], "dstport=22"));
	assert_int_equal(ingest_stats(in)->files_skipped, 1);
	assert_int_equal(ingest_stats(in)->rejected, 0);
	assert_int_equal(ingest_stats(in)->sources_ok, 2);
	assert_int_equal(c.nmsg, 1);
	assert_non_null(strstr(c.msg[0], "notes.txt: not a flow log"));
	assert_int_equal(ingest_path(in, "/nonexistent/vpctop.log"), -1);
	assert_int_equal(c.nmsg, 2);
	assert_non_null(strstr(c.msg[1], "/nonexistent/vpctop.log"));
	assert_int_equal(ingest_stats(in)->sources_failed, 1);
	ingest_free(in);
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

/* Format names used by --stats. */
static void
test_format_names(void **state)
{
	struct format f;
	char buf[64];
	char err[64];

	(void)state;
	format_version(&f, 5);
	assert_string_equal(ingest_format_name(&f, buf, sizeof buf), "v5");
	format_tgw(&f);
	assert_string_equal(ingest_format_name(&f, buf, sizeof buf), "tgw");
	format_from_spec(NATHDR, &f, err, sizeof err);
	assert_string_equal(ingest_format_name(&f, buf, sizeof buf),
	    "custom v3 (6 fields)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers_switch),
		cmocka_unit_test(test_auto_by_count),
		cmocka_unit_test(test_bom_header),
		cmocka_unit_test(test_forced_format),
		cmocka_unit_test(test_tail_lines),
		cmocka_unit_test(test_fast_path_edges),
		cmocka_unit_test(test_format_table),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_long_line_and_examples),
		cmocka_unit_test(test_example_sanitised),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_format_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
