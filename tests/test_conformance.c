/*
 * test_conformance.c - sample logs read end to end, every value checked.
 *
 * Each tests/data/samples/NAME.log (or .csv, .log.gz) is read through
 * ingest_path exactly as vpctop reads a file; every record is rendered as
 * "field=value ..." over the slots of its format and compared with
 * NAME.expect, written by hand from the AWS documentation's examples and
 * the edge cases of the format reference.  The last line of a .expect is
 * "#stats key=value ...": records, rejected, headers, blank, and any
 * reject reason (parse_reason_name), ms-times or unwrapped count given.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ingest.h"

struct sample {
	const char *log;	/* file under tests/data/samples */
	const char *expect;	/* expectation file there */
};

static const struct sample samples[] = {
	{ "aws-v2.log", "aws-v2.expect" },
	{ "aws-v2-gz.log.gz", "aws-v2-gz.expect" },
	{ "aws-custom.log", "aws-custom.expect" },
	{ "edge.log", "edge.expect" },
	{ "v11.log", "v11.expect" },
	{ "tgw.log", "tgw.expect" },
	{ "envelopes.log", "envelopes.expect" },
	{ "athena.csv", "athena.expect" },
};

#define MAXREC 64

struct got {
	int n;
	char *rec[MAXREC];
};

/* Render a record as "field=value ..." in format order. */
static void
on_record(void *ctx, const struct flow *f)
{
	struct got *g = ctx;
	char buf[FLOW_VALUE_MAX];
	char *line;
	size_t off = 0, size = 8192;
	int i;

	if (g->n >= MAXREC)
		fail_msg("more than %d records", MAXREC);
	line = malloc(size);
	assert_non_null(line);
	line[0] = '\0';
	for (i = 0; i < f->fmt->n; i++) {
		int id = f->fmt->field[i];

		if (id == FIELD_IGNORE)
			continue;
		flow_value_text(f, id, buf, sizeof buf);
		off += (size_t)snprintf(line + off, size - off, "%s%s=%s",
		    off ? " " : "", field_name(id), buf);
	}
	g->rec[g->n++] = line;
}

/* Build the path of a sample file. */
static void
sample_path(char *buf, size_t size, const char *name)
{
	const char *dir = getenv("VPCTOP_TESTDATA");

	snprintf(buf, size, "%s/samples/%s", dir ? dir : "tests/data", name);
}

/* Look a key up in a "#stats" line; -1 when not given. */
static long long
stat_value(const char *stats, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof pat, " %s=", key);
	p = strstr(stats, pat);
	return p ? atoll(p + strlen(pat)) : -1;
}

/* Check one given "#stats" value against the ingest figure. */
static void
check_stat(const char *file, const char *stats, const char *key,
    uint64_t got, int required)
{
	long long want = stat_value(stats, key);

	if (want < 0) {
		if (required)
			fail_msg("%s: #stats has no %s", file, key);
		if (got != 0 && strcmp(key, "unwrapped") != 0 &&
		    strcmp(key, "ms-times") != 0)
			fail_msg("%s: %s is %llu but not expected", file, key,
			    (unsigned long long)got);
		return;
	}
	if ((uint64_t)want != got)
		fail_msg("%s: %s: expected %lld, got %llu", file, key, want,
		    (unsigned long long)got);
}

/* Read one sample and compare records and statistics. */
static void
run_sample(void **state)
{
	const struct sample *s = *state;
	char path[1024], line[16384];
	struct got g = { 0, { NULL } };
	const struct ingest_stats *st;
	struct ingest *in;
	FILE *fp;
	int n = 0, i;

	in = ingest_new(NULL, on_record, NULL, &g);
	sample_path(path, sizeof path, s->log);
	assert_int_equal(ingest_path(in, path), 0);
	st = ingest_stats(in);
	sample_path(path, sizeof path, s->expect);
	fp = fopen(path, "r");
	if (fp == NULL)
		fail_msg("cannot open %s", path);
	while (fgets(line, sizeof line, fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "#stats", 6) == 0) {
			check_stat(s->log, line, "records", st->records, 1);
			check_stat(s->log, line, "rejected", st->rejected, 1);
			check_stat(s->log, line, "headers", st->headers, 1);
			check_stat(s->log, line, "blank", st->blank, 1);
			check_stat(s->log, line, "ms-times", st->ms_times, 0);
			check_stat(s->log, line, "unwrapped", st->envelopes, 0);
			for (i = 1; i < PARSE_REASON_COUNT; i++)
				check_stat(s->log, line, parse_reason_name(i),
				    st->rejects[i], 0);
			continue;
		}
		if (n >= g.n)
			fail_msg("%s: record %d missing; expected\n  %s",
			    s->log, n + 1, line);
		if (strcmp(line, g.rec[n]) != 0)
			fail_msg("%s: record %d differs\n  expected %s\n  got      %s",
			    s->log, n + 1, line, g.rec[n]);
		n++;
	}
	fclose(fp);
	if (n != g.n)
		fail_msg("%s: %d records expected, %d read", s->log, n, g.n);
	for (i = 0; i < g.n; i++)
		free(g.rec[i]);
	ingest_free(in);
}

int
main(void)
{
	struct CMUnitTest tests[sizeof samples / sizeof samples[0]];
	size_t i;

	for (i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		tests[i].name = samples[i].log;
		tests[i].test_func = run_sample;
		tests[i].setup_func = NULL;
		tests[i].teardown_func = NULL;
		tests[i].initial_state = (void *)&samples[i];
	}
	return _cmocka_run_group_tests("conformance", tests, i, NULL, NULL);
}
