/*
 * test_conformance.c - sample logs read end to end, every value checked.
 *
 * Design: each sample is a log file under tests/data (conformance/ holds
 * the AWS documentation's example records and the edge cases of the format
 * reference, one theme per file; samples/ holds the older smoke set), and
 * next to it NAME.expect, written by hand from the format reference and
 * never by running vpctop.  A sample is read exactly as vpctop reads a file
 * named on the command line: ingest_path with automatic format detection
 * (headers, field counts, envelopes).  Every accepted record is rendered as
 * "field=value ..." over the slots of the format it was read in (columns
 * vpctop ignores are skipped), with flow_value_text, so addresses come out
 * canonical, enums in AWS spelling and times in seconds; "-" is absent.
 * The rendered records must equal the .expect lines one for one, in order;
 * the last .expect line, "#stats key=value ...", must match ingest_stats:
 * records, rejected, headers and blank are required, every reject reason
 * (parse_reason_name), ms-times and unwrapped are zero unless given.
 *
 * The list of samples is written out here, so a missing file fails by name,
 * and each sample is its own cmocka test.  A failure lists every record
 * that differs (expected and got, and the first field where they part),
 * not only the first, so one run shows the whole damage.  The data
 * directory is $VPCTOP_TESTDATA (make check sets it), else "tests/data".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <cmocka.h>

#include "ingest.h"

struct sample {
	const char *log;	/* path under the data directory */
	const char *expect;	/* expectation file, same directory */
};

#define CONF(name) \
	{ "conformance/" name ".log", "conformance/" name ".expect" }
#define OLD(log, expect) { "samples/" log, "samples/" expect }

static const struct sample samples[] = {
	/* AWS documentation examples, as delivered */
	CONF("aws-v2-default"),		/* CloudWatch lines, no header */
	CONF("aws-v2-s3-header"),	/* S3 objects concatenated */
	{ "conformance/s3-concat.log.gz", "conformance/s3-concat.expect" },
	CONF("aws-tcp-flag-sequence"),	/* v3 custom order, double space */
	CONF("aws-nat-gateway"),	/* 6 fields; trailing #comments */
	CONF("aws-tgw-vpc-side"),	/* 17-field custom order */
	CONF("aws-v5-service-path"),	/* 29-field custom order */
	CONF("aws-encryption-status"),	/* v10 blog header */
	/* default orders picked by field count */
	CONF("by-count"),		/* 21 25 29 39 41 42 fields */
	CONF("v7-ecs"),
	CONF("v8-reject-reason"),
	CONF("v11-full"),		/* 54 fields, all '-' line */
	CONF("tgw-default"),		/* 36 fields */
	CONF("tgw-custom-header"),
	CONF("custom-orders"),		/* headers switching formats */
	/* edge cases of the format reference, section 4 */
	CONF("accounts"),
	CONF("ipv6"),
	CONF("whitespace"),
	CONF("v2-crlf"),
	CONF("ms-times"),
	CONF("utf8"),
	CONF("rejects-header"),
	CONF("rejects-noheader"),
	CONF("no-trailing-newline"),
	CONF("header-only"),
	CONF("empty"),
	/* envelopes */
	CONF("env-tail"),
	CONF("env-json-lines"),
	CONF("env-filter-log-events"),
	CONF("env-subscription"),
	CONF("env-athena"),
	CONF("env-json-truncated"),	/* document cut short at EOF */
	/* the older smoke set */
	OLD("aws-v2.log", "aws-v2.expect"),
	OLD("aws-v2-gz.log.gz", "aws-v2-gz.expect"),
	OLD("aws-custom.log", "aws-custom.expect"),
	OLD("edge.log", "edge.expect"),
	OLD("v11.log", "v11.expect"),
	OLD("tgw.log", "tgw.expect"),
	OLD("envelopes.log", "envelopes.expect"),
	OLD("athena.csv", "athena.expect"),
};

#define NSAMPLES (sizeof samples / sizeof samples[0])

/* Most differing records listed in one failure message. */
#define MAX_SHOWN 8

/* Everything one sample's test owns, freed by the teardown. */
struct run {
	const struct sample *s;
	struct ingest *in;
	char **rec;		/* rendered records, in order */
	size_t n, cap;
	char **exp;		/* expected records */
	size_t nexp, capexp;
	char *stats;		/* the "#stats" line, or NULL */
	char msg[512];		/* the last message of the ingest layer */
	char *report;		/* failure text being built */
	size_t rlen, rcap;
};

/* Append a string to a growing array of strings. */
static void
push(char ***v, size_t *n, size_t *cap, char *s)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		char **p = realloc(*v, c * sizeof *p);

		assert_non_null(p);
		*v = p;
		*cap = c;
	}
	(*v)[(*n)++] = s;
}

/* Add printf-style text to the failure report of a run. */
static void __attribute__((format(printf, 2, 3)))
report(struct run *r, const char *fmt, ...)
{
	va_list ap;
	int w;

	for (;;) {
		va_start(ap, fmt);
		w = vsnprintf(r->report ? r->report + r->rlen : NULL,
		    r->report ? r->rcap - r->rlen : 0, fmt, ap);
		va_end(ap);
		assert_true(w >= 0);
		if (r->report && r->rlen + (size_t)w < r->rcap)
			break;
		r->rcap = (r->rcap + (size_t)w + 1) * 2;
		r->report = realloc(r->report, r->rcap);
		assert_non_null(r->report);
	}
	r->rlen += (size_t)w;
}

/* Render an accepted record as "field=value ..." in its format's order. */
static void
on_record(void *ctx, const struct flow *f)
{
	struct run *r = ctx;
	char val[FLOW_VALUE_MAX];
	size_t len = 0, cap = 1024;
	char *line = malloc(cap);
	int i;

	assert_non_null(line);
	line[0] = '\0';
	for (i = 0; i < f->fmt->n; i++) {
		int id = f->fmt->field[i];
		size_t need;

		if (id == FIELD_IGNORE)
			continue;
		flow_value_text(f, id, val, sizeof val);
		need = len + strlen(field_name(id)) + strlen(val) + 3;
		if (need > cap) {
			cap = need * 2;
			line = realloc(line, cap);
			assert_non_null(line);
		}
		len += (size_t)snprintf(line + len, cap - len, "%s%s=%s",
		    len ? " " : "", field_name(id), val);
	}
	push(&r->rec, &r->n, &r->cap, line);
}

/* Keep the last message of the ingest layer for failure reports. */
static void
on_msg(void *ctx, const char *msg)
{
	struct run *r = ctx;

	snprintf(r->msg, sizeof r->msg, "%s", msg);
}

/* Build the path of a file under the data directory. */
static void
data_path(char *buf, size_t size, const char *name)
{
	const char *dir = getenv("VPCTOP_TESTDATA");

	if (dir == NULL || dir[0] == '\0')
		dir = "tests/data";
	snprintf(buf, size, "%s/%s", dir, name);
}

/* Read the .expect file: record lines, then one final "#stats" line. */
static void
read_expect(struct run *r)
{
	char path[4096], *line = NULL;
	size_t lcap = 0;
	ssize_t got;
	unsigned lineno = 0;
	FILE *fp;

	data_path(path, sizeof path, r->s->expect);
	fp = fopen(path, "r");
	if (fp == NULL)
		fail_msg("%s: cannot open expectation file %s", r->s->log,
		    path);
	while ((got = getline(&line, &lcap, fp)) >= 0) {
		lineno++;
		while (got > 0 && (line[got - 1] == '\n' ||
		    line[got - 1] == '\r'))
			line[--got] = '\0';
		if (r->stats != NULL) {
			fclose(fp);
			free(line);
			fail_msg("%s line %u: text after the #stats line",
			    r->s->expect, lineno);
		}
		if (strncmp(line, "#stats ", 7) == 0) {
			r->stats = strdup(line);
			assert_non_null(r->stats);
			continue;
		}
		if (line[0] == '#' || line[0] == '\0') {
			fclose(fp);
			free(line);
			fail_msg("%s line %u: neither a record nor #stats",
			    r->s->expect, lineno);
		}
		push(&r->exp, &r->nexp, &r->capexp, strdup(line));
		assert_non_null(r->exp[r->nexp - 1]);
	}
	free(line);
	fclose(fp);
	if (r->stats == NULL)
		fail_msg("%s: no #stats line", r->s->expect);
}

/* Name the first "field=value" token where two rendered records part. */
static void
report_first_difference(struct run *r, const char *want, const char *got)
{
	const char *a = want, *b = got;

	for (;;) {
		size_t la = strcspn(a, " "), lb = strcspn(b, " ");

		if (la != lb || memcmp(a, b, la) != 0) {
			report(r, "    first difference: expected \"%.*s\", "
			    "got \"%.*s\"\n", (int)la, a, (int)lb, b);
			return;
		}
		if (a[la] == '\0' || b[lb] == '\0')
			return;
		a += la + 1;
		b += lb + 1;
	}
}

/* Compare rendered records with the expected ones; 1 when they differ. */
static int
compare_records(struct run *r)
{
	size_t i, n = r->n > r->nexp ? r->n : r->nexp, bad = 0;

	for (i = 0; i < n; i++) {
		const char *want = i < r->nexp ? r->exp[i] : NULL;
		const char *got = i < r->n ? r->rec[i] : NULL;

		if (want && got && strcmp(want, got) == 0)
			continue;
		if (++bad > MAX_SHOWN)
			continue;
		if (got == NULL)
			report(r, "%s: record %zu missing\n  - expected: %s\n",
			    r->s->log, i + 1, want);
		else if (want == NULL)
			report(r, "%s: record %zu not expected\n  + got:      %s\n",
			    r->s->log, i + 1, got);
		else {
			report(r, "%s: record %zu differs\n  - expected: %s\n"
			    "  + got:      %s\n", r->s->log, i + 1, want, got);
			report_first_difference(r, want, got);
		}
	}
	if (bad > MAX_SHOWN)
		report(r, "%s: ... %zu more differing records\n", r->s->log,
		    bad - MAX_SHOWN);
	if (r->n != r->nexp)
		report(r, "%s: %zu records expected, %zu read\n", r->s->log,
		    r->nexp, r->n);
	return bad != 0;
}

/* Return the figure of ingest_stats that a "#stats" key names, or -1. */
static long long
stat_of(const struct ingest_stats *st, const char *key, size_t len)
{
	static const struct {
		const char *key;
		size_t off;
	} plain[] = {
		{ "records", offsetof(struct ingest_stats, records) },
		{ "rejected", offsetof(struct ingest_stats, rejected) },
		{ "headers", offsetof(struct ingest_stats, headers) },
		{ "blank", offsetof(struct ingest_stats, blank) },
		{ "ms-times", offsetof(struct ingest_stats, ms_times) },
		{ "unwrapped", offsetof(struct ingest_stats, envelopes) },
	};
	size_t i;

	for (i = 0; i < sizeof plain / sizeof plain[0]; i++)
		if (strlen(plain[i].key) == len &&
		    memcmp(plain[i].key, key, len) == 0) {
			uint64_t v;

			memcpy(&v, (const char *)st + plain[i].off, sizeof v);
			return (long long)v;
		}
	for (i = 1; i < PARSE_REASON_COUNT; i++) {
		const char *name = parse_reason_name((enum parse_reason)i);

		if (strlen(name) == len && memcmp(name, key, len) == 0)
			return (long long)st->rejects[i];
	}
	return -1;
}

/* Compare the "#stats" line with ingest_stats; 1 when they differ. */
static int
compare_stats(struct run *r, const struct ingest_stats *st)
{
	static const char *const required[] = {
		"records", "rejected", "headers", "blank"
	};
	const char *p = r->stats + 6;
	char seen[sizeof required / sizeof required[0]] = { 0 };
	int bad = 0;
	size_t i;

	while (*p != '\0') {
		const char *key, *eq;
		char *end;
		size_t klen;
		long long want, got;

		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		key = p;
		eq = strchr(key, '=');
		if (eq == NULL || eq == key)
			fail_msg("%s: bad #stats item at \"%s\"", r->s->expect,
			    key);
		klen = (size_t)(eq - key);
		want = strtoll(eq + 1, &end, 10);
		if (end == eq + 1 || (*end != ' ' && *end != '\0'))
			fail_msg("%s: bad #stats number at \"%s\"",
			    r->s->expect, key);
		got = stat_of(st, key, klen);
		if (got < 0)
			fail_msg("%s: unknown #stats key \"%.*s\"",
			    r->s->expect, (int)klen, key);
		for (i = 0; i < sizeof required / sizeof required[0]; i++)
			if (strlen(required[i]) == klen &&
			    memcmp(required[i], key, klen) == 0)
				seen[i] = 1;
		if (want != got) {
			report(r, "%s: stats %.*s: expected %lld, got %lld\n",
			    r->s->log, (int)klen, key, want, got);
			bad = 1;
		}
		p = end;
	}
	for (i = 0; i < sizeof required / sizeof required[0]; i++)
		if (!seen[i])
			fail_msg("%s: #stats has no %s", r->s->expect,
			    required[i]);
	/* Keys not given must be zero: unexpected rejects are failures. */
	for (i = 1; i < PARSE_REASON_COUNT; i++) {
		const char *name = parse_reason_name((enum parse_reason)i);
		char pat[64];

		snprintf(pat, sizeof pat, " %s=", name);
		if (st->rejects[i] != 0 && strstr(r->stats, pat) == NULL) {
			report(r, "%s: stats %s: expected 0, got %llu (e.g. "
			    "line %llu: %s)\n", r->s->log, name,
			    (unsigned long long)st->rejects[i],
			    (unsigned long long)st->examples[i][0].line,
			    st->examples[i][0].text);
			bad = 1;
		}
	}
	if (st->ms_times != 0 && strstr(r->stats, " ms-times=") == NULL) {
		report(r, "%s: stats ms-times: expected 0, got %llu\n",
		    r->s->log, (unsigned long long)st->ms_times);
		bad = 1;
	}
	if (st->envelopes != 0 && strstr(r->stats, " unwrapped=") == NULL) {
		report(r, "%s: stats unwrapped: expected 0, got %llu\n",
		    r->s->log, (unsigned long long)st->envelopes);
		bad = 1;
	}
	return bad;
}

/* Show where each rejected line of a failing sample was, for the reader. */
static void
report_examples(struct run *r, const struct ingest_stats *st)
{
	int i, k;

	for (i = 1; i < PARSE_REASON_COUNT; i++)
		for (k = 0; k < INGEST_EXAMPLES_PER_REASON &&
		    (uint64_t)k < st->rejects[i]; k++)
			report(r, "  rejected %s: line %llu token %d: %s\n",
			    parse_reason_name((enum parse_reason)i),
			    (unsigned long long)st->examples[i][k].line,
			    st->examples[i][k].token, st->examples[i][k].text);
}

/* Print the failure report to stderr, each line as a TAP comment (cmocka
 * cuts long failure messages, and a 54-field record is long). */
static void
print_report(const struct run *r)
{
	const char *p = r->report;

	while (p && *p) {
		size_t n = strcspn(p, "\n");

		fprintf(stderr, "# %.*s\n", (int)n, p);
		p += n;
		if (*p == '\n')
			p++;
	}
	fflush(stderr);
}

/* Give a sample's test its own run state. */
static int
setup_run(void **state)
{
	struct run *r = calloc(1, sizeof *r);

	if (r == NULL)
		return -1;
	r->s = *state;
	*state = r;
	return 0;
}

/* Free everything a sample's test allocated, even after a failure. */
static int
teardown_run(void **state)
{
	struct run *r = *state;
	size_t i;

	if (r == NULL)
		return 0;
	for (i = 0; i < r->n; i++)
		free(r->rec[i]);
	for (i = 0; i < r->nexp; i++)
		free(r->exp[i]);
	free(r->rec);
	free(r->exp);
	free(r->stats);
	free(r->report);
	if (r->in)
		ingest_free(r->in);
	free(r);
	return 0;
}

/* Read one sample and compare its records and statistics. */
static void
run_sample(void **state)
{
	struct run *r = *state;
	const struct ingest_stats *st;
	char path[4096];
	int bad;

	read_expect(r);
	r->in = ingest_new(NULL, on_record, on_msg, r);
	assert_non_null(r->in);
	data_path(path, sizeof path, r->s->log);
	if (ingest_path(r->in, path) != 0)
		fail_msg("%s: ingest_path failed: %s", path, r->msg);
	st = ingest_stats(r->in);
	if (st->sources_ok != 1)
		fail_msg("%s: not read to its end: %s", path, r->msg);
	bad = compare_records(r);
	bad |= compare_stats(r, st) << 1;
	if (bad) {
		report_examples(r, st);
		print_report(r);
		fail_msg("%s: %s%s%s differ from %s (details above)", r->s->log,
		    bad & 1 ? "records" : "", bad == 3 ? " and " : "",
		    bad & 2 ? "statistics" : "", r->s->expect);
	}
}

/* Run every sample as its own named test. */
int
main(void)
{
	struct CMUnitTest tests[NSAMPLES];
	size_t i;

	for (i = 0; i < NSAMPLES; i++) {
		tests[i].name = samples[i].log;
		tests[i].test_func = run_sample;
		tests[i].setup_func = setup_run;
		tests[i].teardown_func = teardown_run;
		tests[i].initial_state = (void *)&samples[i];
	}
	return cmocka_run_group_tests_name("conformance", tests, NULL, NULL);
}
