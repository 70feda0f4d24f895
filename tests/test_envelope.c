/*
 * test_envelope.c - `aws logs tail` prefixes, JSON envelopes and CSV rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "envelope.h"
#include "field.h"
#include "format.h"

#define V2A "2 123456789010 eni-1235b8ca123456789 172.31.16.139 " \
	"172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK"
#define V2B "2 123456789010 eni-1235b8ca123456789 172.31.9.69 " \
	"172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK"
#define V2C "2 123456789010 eni-1235b8ca123456789 - - - - - - - " \
	"1418530010 1418530070 - NODATA"
#define NAT1 "- eni-1235b8ca123456789 10.0.1.5 10.0.0.220 10.0.1.5 " \
	"203.0.113.5"
#define HDR "version account-id interface-id srcaddr dstaddr srcport " \
	"dstport protocol packets bytes start end action log-status"

/* Messages handed over by envelope_json_feed, copied. */
struct capture {
	int n;
	char *msg[8];
	size_t len[8];
};

/* Record one message (a copy, with its length: it may hold NUL bytes). */
static void
capture_fn(void *ctx, const char *msg, size_t len)
{
	struct capture *c = ctx;

	assert_true(c->n < 8);
	c->msg[c->n] = malloc(len + 1);
	assert_non_null(c->msg[c->n]);
	memcpy(c->msg[c->n], msg, len);
	c->msg[c->n][len] = '\0';
	c->len[c->n] = len;
	c->n++;
}

/* Free what a capture holds and empty it. */
static void
capture_reset(struct capture *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		free(c->msg[i]);
	memset(c, 0, sizeof *c);
}

/* Feed a NUL-terminated line to the accumulator. */
static int
feed(struct envelope_json *ej, const char *line, struct capture *c,
    char *err, size_t errlen)
{
	return envelope_json_feed(ej, line, strlen(line), capture_fn, c, err,
	    errlen);
}

/* Run envelope_tail on a NUL-terminated line; the record goes to *rec. */
static int
tail(const char *line, const char **rec, size_t *reclen)
{
	*rec = NULL;
	*reclen = 0;
	return envelope_tail(line, strlen(line), rec, reclen);
}

/* The detailed form drops the time and the stream name. */
static void
test_tail_detailed(void **state)
{
	static const char line[] = "2014-12-14T04:06:50.000000+00:00 "
	    "eni-1235b8ca123456789-all " V2A;
	const char *rec;
	size_t len;

	(void)state;
	assert_int_equal(tail(line, &rec, &len), 1);
	assert_ptr_equal(rec, line + 59);
	assert_int_equal(len, strlen(V2A));
	assert_memory_equal(rec, V2A, len);

	/* Z, a millisecond fraction and a negative offset are times too. */
	assert_int_equal(tail("2014-12-14T04:06:50.123Z eni-x-all " V2A, &rec,
	    &len), 1);
	assert_string_equal(rec, V2A);
	assert_int_equal(tail("2014-12-14T04:06:50-05:00 eni-x-all " V2A, &rec,
	    &len), 1);
	assert_string_equal(rec, V2A);
}

/* The short form has a 19-character time and no stream name. */
static void
test_tail_short(void **state)
{
	static const char line[] = "2014-12-14T04:06:50 " V2A;
	const char *rec;
	size_t len;

	(void)state;
	assert_int_equal(tail(line, &rec, &len), 1);
	assert_ptr_equal(rec, line + 20);
	assert_int_equal(len, strlen(V2A));
	assert_int_equal(tail("2014-12-14T04:06:50 " NAT1, &rec, &len), 1);
	assert_string_equal(rec, NAT1);
}

/* --color on wraps time and stream in SGR sequences. */
static void
test_tail_coloured(void **state)
{
	const char *rec;
	size_t len;

	(void)state;
	assert_int_equal(tail("\x1b[32m2014-12-14T04:06:50.000000+00:00\x1b[0m "
	    "\x1b[36meni-1235b8ca123456789-all\x1b[0m " V2A, &rec, &len), 1);
	assert_string_equal(rec, V2A);
	assert_int_equal(len, strlen(V2A));
	assert_int_equal(tail("\x1b[1m\x1b[32m2014-12-14T04:06:50\x1b[0m " V2A,
	    &rec, &len), 1);
	assert_string_equal(rec, V2A);
	/* A sequence cut short is not skipped. */
	assert_int_equal(tail("\x1b[322014-12-14T04:06:50.000000+00:00 eni-x "
	    V2A, &rec, &len), 0);
}

/* Runs of spaces (and tabs) between the tokens are fine. */
static void
test_tail_spaces(void **state)
{
	const char *rec;
	size_t len;

	(void)state;
	assert_int_equal(tail("2014-12-14T04:06:50.000000+00:00   "
	    "eni-1235b8ca123456789-all  \t " V2A, &rec, &len), 1);
	assert_string_equal(rec, V2A);
	assert_int_equal(tail("2014-12-14T04:06:50    " V2C, &rec, &len), 1);
	assert_string_equal(rec, V2C);
}

/* Records, headers and near-misses are not tail lines. */
static void
test_tail_not(void **state)
{
	const char *rec;
	size_t len;

	(void)state;
	assert_int_equal(tail(V2A, &rec, &len), 0);
	assert_null(rec);
	assert_int_equal(tail(NAT1, &rec, &len), 0);
	assert_int_equal(tail(HDR, &rec, &len), 0);
	assert_int_equal(tail("", &rec, &len), 0);
	assert_int_equal(tail("2014-12-14T04:06:50", &rec, &len), 0);
	assert_int_equal(tail("2014-12-14T04:06:50 ", &rec, &len), 0);
	/* Detailed time and stream but no record. */
	assert_int_equal(tail("2014-12-14T04:06:50.000000+00:00 eni-x-all",
	    &rec, &len), 0);
	assert_int_equal(tail("2014-12-14T04:06:50.000000+00:00 eni-x-all  ",
	    &rec, &len), 0);
	/* Space instead of T, a letter in the seconds, no digits after the
	 * dot, an offset without its colon, nothing between time and text. */
	assert_int_equal(tail("2014-12-14 04:06:50 " V2A, &rec, &len), 0);
	assert_int_equal(tail("2014-12-14T04:06:5x " V2A, &rec, &len), 0);
	assert_int_equal(tail("2014-12-14T04:06:50. eni-x " V2A, &rec, &len), 0);
	assert_int_equal(tail("2014-12-14T04:06:50+0000 eni-x " V2A, &rec,
	    &len), 0);
	assert_int_equal(tail("2014-12-14T04:06:50x " V2A, &rec, &len), 0);
	assert_int_equal(tail("1234-5678T0 " V2A, &rec, &len), 0);
	assert_null(rec);
}

/* A one-line {"message": ...} value is decoded at once. */
static void
test_json_message_line(void **state)
{
	struct envelope_json *ej = envelope_json_new();
	struct capture c = { 0 };
	char err[256];

	(void)state;
	assert_non_null(ej);
	assert_int_equal(envelope_json_pending(ej), 0);
	assert_int_equal(feed(ej, "{\"message\":\"2 428961148399 "
	    "eni-0e0bf7be352692297 - - - - - - - 1671029698 1671029728 - "
	    "NODATA\"}", &c, err, sizeof err), ENVELOPE_DONE);
	assert_string_equal(err, "");
	assert_int_equal(c.n, 1);
	assert_string_equal(c.msg[0], "2 428961148399 eni-0e0bf7be352692297 "
	    "- - - - - - - 1671029698 1671029728 - NODATA");
	assert_int_equal(envelope_json_pending(ej), 0);
	/* Other keys around it, spaces, and the next line starts afresh. */
	assert_int_equal(feed(ej, "  { \"@timestamp\": \"x\", \"message\": \""
	    V2B "\", \"n\": [1, {}] }  ", &c, err, sizeof err), ENVELOPE_DONE);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.msg[1], V2B);
	capture_reset(&c);
	envelope_json_free(ej);
}

/* Escapes are decoded; \u0000 gives a NUL byte inside the message. */
static void
test_json_escapes(void **state)
{
	static const char want[] = "a\"b\\c/d\te\xc3\xa9\x00z";
	struct envelope_json *ej = envelope_json_new();
	struct capture c = { 0 };
	char err[256];

	(void)state;
	assert_int_equal(feed(ej, "{\"message\": \"a\\\"b\\\\c\\/d\\te\\u00e9"
	    "\\u0000z\"}", &c, err, sizeof err), ENVELOPE_DONE);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.len[0], sizeof want - 1);
	assert_memory_equal(c.msg[0], want, sizeof want - 1);
	capture_reset(&c);
	envelope_json_free(ej);
}

/* Pretty-printed `aws logs filter-log-events` output, fed line by line. */
static const char *const filter_doc[] = {
	"{",
	"    \"events\": [",
	"        {",
	"            \"logStreamName\": \"eni-1235b8ca123456789-all\",",
	"            \"timestamp\": 1418530010000,",
	"            \"message\": \"" V2A "\",",
	"            \"ingestionTime\": 1418530135245,",
	"            \"eventId\": \"31953106606966983378809025079804211143289615424298221568\"",
	"        },",
	"",
	"        {",
	"            \"logStreamName\": \"eni-1235b8ca123456789-all\",",
	"            \"timestamp\": 1418530010000,",
	"            \"message\": \"" V2B "\",",
	"            \"ingestionTime\": 1418530135245,",
	"            \"eventId\": \"31953106606966983378809025079804211143289615424298221569\"",
	"        },",
	"   \t",
	"        {",
	"            \"logStreamName\": \"eni-1235b8ca123456789-all\",",
	"            \"timestamp\": 1418530010000,",
	"            \"message\": \"" V2C "\",",
	"            \"ingestionTime\": 1418530135246,",
	"            \"eventId\": \"31953106606966983378809025079804211143289615424298221570\"",
	"        }",
	"    ],",
	"    \"searchedLogStreams\": [],",
	"    \"nextToken\": \"Bxkq6kVGFtq2y_MoigeqscPOdhXVbhiVtLoAmXb5jCqzUtp6p1lB"
	    "u5PTvUHf4zzNXXcQPl_YxcB5vLbCTbVOBvKj3JcmWeTZWbEJhMn4ko7zFwmtMCVHaTv"
	    "ASYNs\"",
	"}",
};

/* The filter-log-events document gives its three records in order. */
static void
test_json_events_document(void **state)
{
	size_t n = sizeof filter_doc / sizeof filter_doc[0], i;
	struct envelope_json *ej = envelope_json_new();
	struct capture c = { 0 };
	char err[256];

	(void)state;
	for (i = 0; i + 1 < n; i++) {
		assert_int_equal(feed(ej, filter_doc[i], &c, err, sizeof err),
		    ENVELOPE_MORE);
		assert_int_equal(envelope_json_pending(ej), 1);
		assert_int_equal(c.n, 0);
	}
	assert_int_equal(feed(ej, filter_doc[n - 1], &c, err, sizeof err),
	    ENVELOPE_DONE);
	assert_int_equal(envelope_json_pending(ej), 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.msg[0], V2A);
	assert_string_equal(c.msg[1], V2B);
	assert_string_equal(c.msg[2], V2C);

	/* Again, to see the accumulator was emptied, then a one-liner. */
	for (i = 0; i < n; i++)
		assert_int_equal(feed(ej, filter_doc[i], &c, err, sizeof err),
		    i + 1 < n ? ENVELOPE_MORE : ENVELOPE_DONE);
	assert_int_equal(c.n, 6);
	assert_string_equal(c.msg[5], V2C);
	assert_int_equal(feed(ej, "{\"message\": \"" V2A "\"}", &c, err,
	    sizeof err), ENVELOPE_DONE);
	assert_int_equal(c.n, 7);
	assert_string_equal(c.msg[6], V2A);
	capture_reset(&c);
	envelope_json_free(ej);
}

/* get-log-events: an events array and forward/backward tokens. */
static void
test_json_get_log_events(void **state)
{
	struct envelope_json *ej = envelope_json_new();
	struct capture c = { 0 };
	char err[256];

	(void)state;
	assert_int_equal(feed(ej, "{\"events\": [{\"timestamp\": 1418530010000, "
	    "\"message\": \"" V2B "\", \"ingestionTime\": 1418530135245}], "
	    "\"nextForwardToken\": \"f/1\", \"nextBackwardToken\": \"b/1\"}",
	    &c, err, sizeof err), ENVELOPE_DONE);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.msg[0], V2B);
	/* No match: an empty events page is a document without records. */
	assert_int_equal(feed(ej, "{\"events\": [], \"searchedLogStreams\": []}",
	    &c, err, sizeof err), ENVELOPE_DONE);
	assert_int_equal(c.n, 1);
	capture_reset(&c);
	envelope_json_free(ej);
}

/* A CloudWatch subscription DATA_MESSAGE (OTel fixture shape). */
static void
test_json_subscription(void **state)
{
	struct envelope_json *ej = envelope_json_new();
	struct capture c = { 0 };
	char err[256];

	(void)state;
	assert_int_equal(feed(ej, "{\"messageType\":\"DATA_MESSAGE\","
	    "\"owner\":\"123456789010\",\"logGroup\":\"/aws/vpc/flowlogs\","
	    "\"logStream\":\"eni-1235b8ca123456789\",\"subscriptionFilters\":"
	    "[\"MyFlowLogSubscription\"],\"logEvents\":[{\"id\":\"eventId1\","
	    "\"timestamp\":1418530010000,\"message\":\"" V2A "\"},{\"id\":"
	    "\"eventId2\",\"timestamp\":1418530010000,\"message\":\"" V2B
	    "\"}]}", &c, err, sizeof err), ENVELOPE_DONE);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.msg[0], V2A);
	assert_string_equal(c.msg[1], V2B);
	capture_reset(&c);
	envelope_json_free(ej);
}

/* CONTROL_MESSAGE health checks hold no record and are not errors. */
static void
test_json_control(void **state)
{
	struct envelope_json *ej = envelope_json_new();
	struct capture c = { 0 };
	char err[256];

	(void)state;
	assert_int_equal(feed(ej, "{\"messageType\":\"CONTROL_MESSAGE\","
	    "\"owner\":\"CloudwatchLogs\",\"logGroup\":\"\",\"logStream\":\"\","
	    "\"subscriptionFilters\":[],\"logEvents\":[{\"id\":\"\","
	    "\"timestamp\":1432826855000,\"message\":\"CWL CONTROL MESSAGE: "
	    "Checking health of destination Kinesis stream.\"}]}", &c, err,
	    sizeof err), ENVELOPE_DONE);
	assert_string_equal(err, "");
	assert_int_equal(c.n, 0);
	assert_int_equal(envelope_json_pending(ej), 0);
	capture_reset(&c);
	envelope_json_free(ej);
}

/* A top-level array: each element is unwrapped like an object. */
static void
test_json_array(void **state)
{
	struct envelope_json *ej = envelope_json_new();
	struct capture c = { 0 };
	char err[256];

	(void)state;
	assert_int_equal(feed(ej, "[{\"message\": \"" V2A "\"}, {\"logEvents\": "
	    "[{\"message\": \"" V2B "\"}]}, {\"message\": \"" V2C "\"}]", &c,
	    err, sizeof err), ENVELOPE_DONE);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.msg[0], V2A);
	assert_string_equal(c.msg[1], V2B);
	assert_string_equal(c.msg[2], V2C);
	/* Spread over lines, as `--query events` prints it. */
	assert_int_equal(feed(ej, "[", &c, err, sizeof err), ENVELOPE_MORE);
	assert_int_equal(feed(ej, "  {\"message\": \"" V2B "\"}", &c, err,
	    sizeof err), ENVELOPE_MORE);
	assert_int_equal(feed(ej, "]", &c, err, sizeof err), ENVELOPE_DONE);
	assert_int_equal(c.n, 4);
	assert_string_equal(c.msg[3], V2B);
	assert_int_equal(feed(ej, "[]", &c, err, sizeof err), ENVELOPE_DONE);
	assert_int_equal(c.n, 4);
	/* An element without a record is an error; the others still count. */
	assert_int_equal(feed(ej, "[{\"message\": \"" V2A "\"}, 7]", &c, err,
	    sizeof err), ENVELOPE_ERROR);
	assert_string_equal(err, "JSON array element 2 is not an object");
	assert_int_equal(c.n, 5);
	capture_reset(&c);
	envelope_json_free(ej);
}

/* Invalid JSON is an error with jansson's words; the next line works. */
static void
test_json_invalid(void **state)
{
	struct envelope_json *ej = envelope_json_new();
	struct capture c = { 0 };
	char err[256];

	(void)state;
	assert_int_equal(feed(ej, "{\"message\": \"x\",}", &c, err, sizeof err),
	    ENVELOPE_ERROR);
	assert_string_equal(err, "bad JSON at column 17: string or '}' "
	    "expected near '}'");
	assert_int_equal(envelope_json_pending(ej), 0);
	assert_int_equal(feed(ej, "{\"message\": \"" V2A "\"}", &c, err,
	    sizeof err), ENVELOPE_DONE);
	assert_int_equal(c.n, 1);

	/* Garbage after the value. */
	assert_int_equal(feed(ej, "{\"message\": \"" V2A "\"} x", &c, err,
	    sizeof err), ENVELOPE_ERROR);
	assert_non_null(strstr(err, "bad JSON at column"));
	assert_int_equal(c.n, 1);

	/* A broken multi-line document names the line. */
	assert_int_equal(feed(ej, "{", &c, err, sizeof err), ENVELOPE_MORE);
	assert_int_equal(feed(ej, "  \"message\": nope", &c, err, sizeof err),
	    ENVELOPE_MORE);
	assert_int_equal(feed(ej, "}", &c, err, sizeof err), ENVELOPE_ERROR);
	assert_non_null(strstr(err, "bad JSON at line 2, column"));
	assert_int_equal(envelope_json_pending(ej), 0);

	/* A line ending inside a string ends the document at once. */
	assert_int_equal(feed(ej, "{", &c, err, sizeof err), ENVELOPE_MORE);
	assert_int_equal(feed(ej, "  \"message\": \"2 123", &c, err,
	    sizeof err), ENVELOPE_ERROR);
	assert_non_null(strstr(err, "bad JSON at line 2"));
	assert_int_equal(envelope_json_pending(ej), 0);
	assert_int_equal(feed(ej, "{\"message\": \"" V2B "\"}", &c, err,
	    sizeof err), ENVELOPE_DONE);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.msg[1], V2B);

	/* A scalar and an empty line are not envelopes. */
	assert_int_equal(feed(ej, "42", &c, err, sizeof err), ENVELOPE_ERROR);
	assert_non_null(strstr(err, "bad JSON at column"));
	assert_int_equal(feed(ej, "", &c, err, sizeof err), ENVELOPE_ERROR);
	assert_non_null(strstr(err, "bad JSON"));
	assert_int_equal(envelope_json_pending(ej), 0);
	capture_reset(&c);
	envelope_json_free(ej);
}

/* Valid JSON without a record is an error that says what is missing. */
static void
test_json_no_message(void **state)
{
	struct envelope_json *ej = envelope_json_new();
	struct capture c = { 0 };
	char err[256];

	(void)state;
	assert_int_equal(feed(ej, "{\"msg\": \"" V2A "\"}", &c, err, sizeof err),
	    ENVELOPE_ERROR);
	assert_string_equal(err, "JSON without a \"message\" field");
	assert_int_equal(feed(ej, "{\"message\": 42}", &c, err, sizeof err),
	    ENVELOPE_ERROR);
	assert_string_equal(err, "JSON with a \"message\" that is not a string");
	assert_int_equal(feed(ej, "{\"messageType\": \"DATA_MESSAGE\"}", &c, err,
	    sizeof err), ENVELOPE_ERROR);
	assert_string_equal(err, "JSON without a \"message\" field");
	assert_int_equal(feed(ej, "{\"events\": [{\"message\": \"" V2A "\"}, "
	    "{\"timestamp\": 1}]}", &c, err, sizeof err), ENVELOPE_ERROR);
	assert_string_equal(err, "JSON \"events\" element 2 without a "
	    "\"message\" string");
	assert_int_equal(c.n, 1);
	assert_string_equal(c.msg[0], V2A);
	assert_int_equal(envelope_json_pending(ej), 0);
	/* err may be left out. */
	assert_int_equal(envelope_json_feed(ej, "{}", 2, capture_fn, &c, NULL,
	    0), ENVELOPE_ERROR);
	capture_reset(&c);
	envelope_json_free(ej);
}

/* Brackets and quotes inside strings do not confuse the framing. */
static void
test_json_framing_strings(void **state)
{
	struct envelope_json *ej = envelope_json_new();
	struct capture c = { 0 };
	char err[256];

	(void)state;
	assert_int_equal(feed(ej, "{", &c, err, sizeof err), ENVELOPE_MORE);
	assert_int_equal(feed(ej, "  \"note\": \"}}]] {\\\"\\\\\",", &c, err,
	    sizeof err), ENVELOPE_MORE);
	assert_int_equal(feed(ej, "  \"}\": \"]\",", &c, err, sizeof err),
	    ENVELOPE_MORE);
	assert_int_equal(feed(ej, "  \"message\": \"x } y \\\\\"", &c, err,
	    sizeof err), ENVELOPE_MORE);
	assert_int_equal(envelope_json_pending(ej), 1);
	assert_int_equal(feed(ej, "}", &c, err, sizeof err), ENVELOPE_DONE);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.msg[0], "x } y \\");
	/* One line: the closing brace of the string does not end it. */
	assert_int_equal(feed(ej, "{\"a\": \"{\", \"message\": \"]}\"}", &c, err,
	    sizeof err), ENVELOPE_DONE);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.msg[1], "]}");
	capture_reset(&c);
	envelope_json_free(ej);
}

/* A document over the size cap is refused and forgotten. */
static void
test_json_too_large(void **state)
{
	size_t big = (size_t)256 << 20;
	struct envelope_json *ej = envelope_json_new();
	struct capture c = { 0 };
	char err[256];
	char *line = malloc(big);	/* never read: refused by length */

	(void)state;
	assert_non_null(line);
	assert_int_equal(feed(ej, "[", &c, err, sizeof err), ENVELOPE_MORE);
	assert_int_equal(envelope_json_feed(ej, line, big, capture_fn, &c, err,
	    sizeof err), ENVELOPE_ERROR);
	assert_non_null(strstr(err, "JSON document too large"));
	assert_int_equal(envelope_json_pending(ej), 0);
	free(line);
	assert_int_equal(feed(ej, "[{\"message\": \"" V2A "\"}]", &c, err,
	    sizeof err), ENVELOPE_DONE);
	assert_int_equal(c.n, 1);
	capture_reset(&c);
	envelope_json_free(ej);
	envelope_json_free(NULL);
}

/* Athena's quoted underscore header, with a partition column. */
static void
test_csv_header_quoted(void **state)
{
	static const char line[] = "\"version\",\"account_id\","
	    "\"interface_id\",\"srcaddr\",\"dstaddr\",\"srcport\",\"dstport\","
	    "\"protocol\",\"packets\",\"bytes\",\"start\",\"end\",\"action\","
	    "\"log_status\",\"date\"";
	struct format f;

	(void)state;
	assert_int_equal(envelope_csv_header(line, strlen(line), &f), 1);
	assert_int_equal(f.n, 15);
	assert_int_equal(f.field[0], F_VERSION);
	assert_int_equal(f.field[1], F_ACCOUNT_ID);
	assert_int_equal(f.field[13], F_LOG_STATUS);
	assert_int_equal(f.field[14], FIELD_IGNORE);
	assert_int_equal(f.slot[F_SRCADDR], 3);
	assert_int_equal(f.slot[F_VPC_ID], -1);
	assert_int_equal(f.version, 2);
	assert_int_equal(f.tgw, 0);
}

/* Unquoted hyphen names, spaces, and unknown columns anywhere. */
static void
test_csv_header_plain(void **state)
{
	static const char a[] = "version,account-id,interface-id,srcaddr";
	static const char b[] = "day , SRCADDR,accid,\"pkt_dst_aws_service\","
	    "region_name, dstport ,";
	struct format f;

	(void)state;
	assert_int_equal(envelope_csv_header(a, strlen(a), &f), 1);
	assert_int_equal(f.n, 4);
	assert_int_equal(f.field[2], F_INTERFACE_ID);
	assert_int_equal(f.slot[F_SRCADDR], 3);
	assert_int_equal(envelope_csv_header(b, strlen(b), &f), 1);
	assert_int_equal(f.n, 7);
	assert_int_equal(f.field[0], FIELD_IGNORE);
	assert_int_equal(f.field[1], F_SRCADDR);
	assert_int_equal(f.field[2], FIELD_IGNORE);
	assert_int_equal(f.field[3], F_PKT_DST_AWS_SERVICE);
	assert_int_equal(f.field[4], FIELD_IGNORE);
	assert_int_equal(f.field[5], F_DSTPORT);
	assert_int_equal(f.field[6], FIELD_IGNORE);
	assert_int_equal(f.slot[F_DSTPORT], 5);
	assert_int_equal(f.version, 5);
}

/* Records, single names, repeats and broken rows are not headers. */
static void
test_csv_header_not(void **state)
{
	static const char *const no[] = {
		"2,123456789010,eni-1235b8ca123456789,172.31.16.139,"
		    "172.31.16.21,20641,22,6,20,4249,1418530010,1418530070,"
		    "ACCEPT,OK",
		"\"2\",\"123456789010\",\"eni-1\",\"-\"",
		"version",
		HDR,
		"version,foo",
		"srcaddr,dstaddr,srcaddr",
		"\"version,\"srcaddr\"",
		"version,\"srcaddr\"x",
		"",
	};
	char many[2048];
	struct format f;
	size_t i, n = 0;

	(void)state;
	memset(&f, 0x5a, sizeof f);
	for (i = 0; i < sizeof no / sizeof no[0]; i++)
		assert_int_equal(envelope_csv_header(no[i], strlen(no[i]), &f),
		    0);
	assert_int_equal(f.n, 0x5a5a);	/* untouched */

	/* More columns than a format holds. */
	n = (size_t)snprintf(many, sizeof many, "srcaddr,dstaddr");
	for (i = 2; i <= FORMAT_MAX; i++)
		n += (size_t)snprintf(many + n, sizeof many - n, ",c%zu", i);
	assert_int_equal(envelope_csv_header(many, n, &f), 0);
	/* One fewer fits. */
	n = (size_t)(strrchr(many, ',') - many);
	assert_int_equal(envelope_csv_header(many, n, &f), 1);
	assert_int_equal(f.n, FORMAT_MAX);
}

/* Quotes, "" escapes, embedded commas, blanks and empty fields. */
static void
test_csv_split_fields(void **state)
{
	static const char line[] = "2,\"123456789010\", eni-1 \t,\"a,b\","
	    "\"say \"\"hi\"\"\",,\"\",  \"q\"  ,x\"y";
	struct flow_str tok[16];
	char scratch[64];
	int n;

	(void)state;
	n = envelope_csv_split(line, strlen(line), tok, 16, scratch,
	    sizeof scratch);
	assert_int_equal(n, 9);
	assert_int_equal(tok[0].len, 1);
	assert_memory_equal(tok[0].p, "2", 1);
	assert_ptr_equal(tok[1].p, line + 3);
	assert_int_equal(tok[1].len, 12);
	assert_memory_equal(tok[2].p, "eni-1", 5);
	assert_int_equal(tok[2].len, 5);
	assert_int_equal(tok[3].len, 3);
	assert_memory_equal(tok[3].p, "a,b", 3);
	assert_ptr_equal(tok[3].p, line + 27);
	assert_int_equal(tok[4].len, 8);
	assert_memory_equal(tok[4].p, "say \"hi\"", 8);
	assert_ptr_equal(tok[4].p, scratch);
	assert_int_equal(tok[5].len, 1);
	assert_memory_equal(tok[5].p, "-", 1);
	assert_int_equal(tok[6].len, 1);
	assert_memory_equal(tok[6].p, "-", 1);
	assert_int_equal(tok[7].len, 1);
	assert_memory_equal(tok[7].p, "q", 1);
	assert_int_equal(tok[8].len, 3);
	assert_memory_equal(tok[8].p, "x\"y", 3);

	/* An empty line is one absent field; a trailing comma adds one. */
	assert_int_equal(envelope_csv_split("", 0, tok, 16, scratch,
	    sizeof scratch), 1);
	assert_memory_equal(tok[0].p, "-", 1);
	assert_int_equal(envelope_csv_split("a,", 2, tok, 16, scratch,
	    sizeof scratch), 2);
	assert_memory_equal(tok[0].p, "a", 1);
	assert_int_equal(tok[1].len, 1);
	assert_memory_equal(tok[1].p, "-", 1);
	/* Two escaped fields share the scratch buffer. */
	assert_int_equal(envelope_csv_split("\"a\"\"\",\"\"\"b\"", 11, tok, 16,
	    scratch, sizeof scratch), 2);
	assert_memory_equal(tok[0].p, "a\"", 2);
	assert_memory_equal(tok[1].p, "\"b", 2);
	assert_ptr_equal(tok[1].p, scratch + 2);
}

/* More fields than max gives max + 1 with max filled. */
static void
test_csv_split_too_many(void **state)
{
	struct flow_str tok[3];
	char scratch[16];

	(void)state;
	assert_int_equal(envelope_csv_split("a,b,c", 5, tok, 3, scratch,
	    sizeof scratch), 3);
	memset(tok, 0, sizeof tok);
	assert_int_equal(envelope_csv_split("a,b,c,d,e", 9, tok, 3, scratch,
	    sizeof scratch), 4);
	assert_memory_equal(tok[0].p, "a", 1);
	assert_memory_equal(tok[2].p, "c", 1);
	assert_int_equal(envelope_csv_split("a", 1, NULL, 0, scratch,
	    sizeof scratch), 1);
}

/* Broken quoting and a scratch buffer too small give -1. */
static void
test_csv_split_broken(void **state)
{
	static const char *const bad[] = {
		"\"abc",
		"a,\"b",
		"\"abc\"x,d",
		"a,\"b\"\"",
		"\"a\" \"b\"",
	};
	struct flow_str tok[8];
	char scratch[3];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(envelope_csv_split(bad[i], strlen(bad[i]), tok,
		    8, scratch, sizeof scratch), -1);
	assert_int_equal(envelope_csv_split("\"a\"\"b\"", 6, tok, 8, scratch,
	    3), 1);
	assert_int_equal(tok[0].len, 3);
	assert_memory_equal(tok[0].p, "a\"b", 3);
	assert_int_equal(envelope_csv_split("\"a\"\"b\"", 6, tok, 8, scratch,
	    2), -1);
	assert_int_equal(envelope_csv_split("\"a\"\"\",\"b\"\"\"", 11, tok, 8,
	    scratch, 3), -1);
	assert_int_equal(envelope_csv_split("\"a\"\"\"", 5, tok, 8, NULL, 0),
	    -1);
}

/* Run the envelope tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tail_detailed),
		cmocka_unit_test(test_tail_short),
		cmocka_unit_test(test_tail_coloured),
		cmocka_unit_test(test_tail_spaces),
		cmocka_unit_test(test_tail_not),
		cmocka_unit_test(test_json_message_line),
		cmocka_unit_test(test_json_escapes),
		cmocka_unit_test(test_json_events_document),
		cmocka_unit_test(test_json_get_log_events),
		cmocka_unit_test(test_json_subscription),
		cmocka_unit_test(test_json_control),
		cmocka_unit_test(test_json_array),
		cmocka_unit_test(test_json_invalid),
		cmocka_unit_test(test_json_no_message),
		cmocka_unit_test(test_json_framing_strings),
		cmocka_unit_test(test_json_too_large),
		cmocka_unit_test(test_csv_header_quoted),
		cmocka_unit_test(test_csv_header_plain),
		cmocka_unit_test(test_csv_header_not),
		cmocka_unit_test(test_csv_split_fields),
		cmocka_unit_test(test_csv_split_too_many),
		cmocka_unit_test(test_csv_split_broken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
