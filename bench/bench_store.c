/*
 * bench_store.c - speed and memory of the store, each figure beside its
 * target (issue 3).  A standalone program for `make bench`, never a test.
 *
 * Usage: bench_store [--quick] [SECTION]...   (sections 1-5, default all)
 *
 * Records come from the demo generator (core/gen.c), deterministic by
 * seed.  Where a figure is about the store alone, records are generated
 * straight into struct flow with the presence bits of the format (what
 * parsing the rendered text would give) and the generator's own time is
 * measured separately and subtracted.
 *
 *   1. ingest: 4M v2 records rendered to text, then parsed alone, then
 *      parsed + store_append into a 4M ring, each line parsed as ingest
 *      does it (parse_fast, parse_line when that declines), the text
 *      handed over 32 KiB at a time as read(2) gives a file (the 3M/s
 *      target is for the whole ingest, which bench/run.sh times end to
 *      end against mawk; here the parse + store part, no target, and the
 *      store's own ns per record);
 *   2. memory: bytes per record of a full 4M ring of v5 records, every
 *      index and intern table included (target <= 96);
 *   3. top 20 by bytes from an index over a 10M ring (target < 1 ms);
 *   4. group-by on a non-indexed key: one scan of the 10M ring (target
 *      >= 20M records/s);
 *   5. append + evict cost in a full ring of 1M and of 10M records
 *      (target: flat, ratio near 1).
 * --quick divides every size by 10 (for a smoke run; figures are then
 * not comparable with the targets).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "field.h"
#include "flow.h"
#include "format.h"
#include "gen.h"
#include "parse.h"
#include "store.h"
#include "bench.h"
#include "view.h"

#define EPOCH 1767225600	/* 2026-01-01T00:00:00Z */

static unsigned long scale = 1;
static int failures;


/* Print a figure, its target, and whether it is met. */
static void
report(const char *what, double value, const char *unit, const char *op,
    double target)
{
	int ok = op[0] == '<' ? value <= target : value >= target;

	printf("  %-46s %12.2f %-10s target %s %g: %s\n", what, value, unit,
	    op, target, ok ? "met" : "MISSED");
	if (!ok)
		failures++;
}


/* Append n generated records in fmt to s; returns seconds spent. */
static double
fill(struct store *s, struct gen *g, const struct format *fmt, uint64_t n)
{
	struct flow f;
	double t0 = bench_now();
	uint64_t i;

	for (i = 0; i < n; i++) {
		gen_next(g, &f);
		bench_restrict(&f, fmt);
		if (store_append(s, &f) == STORE_NONE) {
			fprintf(stderr, "bench_store: out of memory\n");
			exit(2);
		}
	}
	return bench_now() - t0;
}

/* Seconds gen_next + restrict_to take for n records (to subtract). */
static double
gen_cost(uint64_t seed, const struct format *fmt, uint64_t n)
{
	struct gen *g = gen_new(seed, EPOCH);
	struct flow f;
	volatile uint64_t sink = 0;
	double t0 = bench_now();
	uint64_t i;

	for (i = 0; i < n; i++) {
		gen_next(g, &f);
		bench_restrict(&f, fmt);
		sink += f.v[F_BYTES].u;
	}
	t0 = bench_now() - t0;
	gen_free(g);
	(void)sink;
	return t0;
}

/* Render n records of fmt as flow-log text, one per line. */
static char *
render(const struct format *fmt, uint64_t n, size_t *len)
{
	size_t cap = (size_t)n * 160, off = 0;
	char *buf = malloc(cap);
	struct gen *g = gen_new(1, EPOCH);
	struct flow f;
	uint64_t i;

	if (buf == NULL || g == NULL) {
		fprintf(stderr, "bench_store: out of memory\n");
		exit(2);
	}
	for (i = 0; i < n; i++) {
		int k;

		gen_next(g, &f);
		bench_restrict(&f, fmt);
		if (off + 4096 > cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (buf == NULL)
				exit(2);
		}
		for (k = 0; k < fmt->n; k++) {
			if (k)
				buf[off++] = ' ';
			off += flow_value_text(&f, fmt->field[k], buf + off,
			    FLOW_VALUE_MAX);
		}
		buf[off++] = '\n';
	}
	gen_free(g);
	*len = off;
	return buf;
}

/* Bytes of text handed over at a time, as the source reads a file. */
#define WINDOW (32 * 1024)

/* Parse every line of buf as ingest does (the one-pass parse_fast, the
 * general parse_line when it declines) and append to s when given;
 * returns seconds.  The text goes through a WINDOW-byte buffer, as
 * read(2) hands a file to the source: parsing a 400 MB buffer in place
 * would measure reads from memory that no real ingest makes. */
static double
ingest(const char *buf, size_t len, const struct format *fmt, struct store *s,
    uint64_t *records)
{
	static char win[WINDOW];
	const char *q = buf, *end = buf + len;
	struct parse_error err;
	struct flow f;
	volatile uint64_t sink = 0;
	double t0 = bench_now();

	*records = 0;
	while (q < end) {
		size_t n = (size_t)(end - q) < WINDOW ? (size_t)(end - q) :
		    WINDOW;
		const char *p = win, *wend;

		/* whole lines only (each is far shorter than the window) */
		while (n > 0 && q[n - 1] != '\n')
			n--;
		memcpy(win, q, n);
		q += n;
		wend = win + n;
		while (p < wend) {
			const char *nl = memchr(p, '\n', (size_t)(wend - p));

			if (parse_fast(fmt, p, (size_t)(nl - p), &f) == 0 ||
			    parse_line(fmt, p, (size_t)(nl - p), &f,
			    &err) == 0) {
				if (s)
					store_append(s, &f);
				else
					sink += f.v[F_BYTES].u;
				(*records)++;
			}
			p = nl + 1;
		}
	}
	(void)sink;
	return bench_now() - t0;
}

/* 1: parse + store of v2 text. */
static void
bench_ingest(void)
{
	uint64_t n = 4000000 / scale, got;
	struct format v2;
	size_t len;
	char *buf;
	struct store *s;
	double tp, ts;

	format_version(&v2, 2);
	printf("1. ingest of %llu v2 records (text in memory)\n",
	    (unsigned long long)n);
	buf = render(&v2, n, &len);
	ingest(buf, len, &v2, NULL, &got);	/* warm the page cache */
	tp = ingest(buf, len, &v2, NULL, &got);
	s = store_new(n);
	ts = ingest(buf, len, &v2, s, &got);
	printf("  parse alone                                    %12.2f M records/s\n",
	    (double)n / tp / 1e6);
	/* the 3M records/s target is for the whole ingest from a file,
	 * which bench/run.sh times end to end; this is the part of it
	 * without the reads and the line splitting */
	printf("  parse + store_append                           %12.2f M rec/s"
	    "   (3M/s target: see run.sh)\n", (double)n / ts / 1e6);
	printf("  store_append alone (difference)                %12.1f ns/record\n",
	    (ts - tp) / (double)n * 1e9);
	store_free(s);
	free(buf);
}

/* 2: memory of a full ring of v5 records. */
static void
bench_memory(void)
{
	uint64_t n = 4000000 / scale;
	struct format v5;
	struct store *s = store_new(n);
	struct gen *g = gen_new(2, EPOCH);
	struct store_stats st;
	int i;

	format_version(&v5, 5);
	printf("2. memory of a full %llu-record ring of v5 records\n",
	    (unsigned long long)n);
	fill(s, g, &v5, n + n / 4);	/* full, and a quarter evicted */
	store_stats(s, &st);
	printf("  records %llu, evicted %llu; symbols %llu, addresses %llu, "
	    "contexts %llu, details %llu\n", (unsigned long long)st.records,
	    (unsigned long long)st.evicted, (unsigned long long)st.symbols,
	    (unsigned long long)st.addresses, (unsigned long long)st.contexts,
	    (unsigned long long)st.details);
	printf("  keys:");
	for (i = 0; i < STORE_IX_COUNT; i++)
		printf(" %llu", (unsigned long long)st.keys[i]);
	printf(" (account vpc subnet eni src dst pair dstport action)\n");
	printf("  ring %.1f + indexes %.1f + intern %.1f bytes/record\n",
	    (double)st.mem_ring / (double)st.records,
	    (double)st.mem_index / (double)st.records,
	    (double)st.mem_intern / (double)st.records);
	report("bytes per record, everything included", st.bytes_per_record,
	    "bytes", "<=", 96);
	gen_free(g);
	store_free(s);
}

/* Median of three timings of a top-N query, in microseconds. */
static double
time_top(struct store *s, int ix, size_t *ngroups)
{
	struct store_row rows[20];
	struct store_totals tot;
	double t[3], x;
	int i, j;

	for (i = 0; i < 3; i++) {
		double t0 = bench_now();

		store_index_top(s, ix, STORE_BY_BYTES, 20, 0, rows, ngroups,
		    &tot);
		t[i] = (bench_now() - t0) * 1e6;
	}
	for (i = 0; i < 3; i++)
		for (j = i + 1; j < 3; j++)
			if (t[j] < t[i]) {
				x = t[i];
				t[i] = t[j];
				t[j] = x;
			}
	return t[1];
}

/* 3, 4: queries over a 10M ring. */
static void
bench_queries(void)
{
	uint64_t n = 10000000 / scale;
	struct format v5;
	struct store *s = store_new(n);
	struct gen *g = gen_new(3, EPOCH);
	static const struct {
		int ix;
		const char *name;
	} tops[] = {
		{ STORE_IX_ENI, "interface-id" }, { STORE_IX_SRCADDR, "srcaddr" },
		{ STORE_IX_DSTADDR, "dstaddr" }, { STORE_IX_DSTPORT, "dstport" },
		{ STORE_IX_ACCOUNT, "account-id" },
		{ STORE_IX_PAIR, "srcaddr,dstaddr" },
	};
	static const struct {
		int f1, f2;
		const char *name;
	} scans[] = {
		{ F_PROTOCOL, -1, "protocol" }, { F_SRCPORT, -1, "srcport" },
		{ F_REGION, -1, "region" }, { F_PROTOCOL, F_DSTPORT,
		    "protocol,dstport" },
	};
	size_t i;

	format_version(&v5, 5);
	printf("3. top 20 by bytes over a full %llu-record ring (v5)\n",
	    (unsigned long long)n);
	fill(s, g, &v5, n + n / 10);
	for (i = 0; i < sizeof tops / sizeof *tops; i++) {
		size_t ng;
		double us = time_top(s, tops[i].ix, &ng);
		char what[80];

		snprintf(what, sizeof what, "top 20 %s (%zu keys)", tops[i].name,
		    ng);
		if (tops[i].ix == STORE_IX_PAIR)
			printf("  %-46s %12.2f us (a pair: %zu keys, no target)\n",
			    what, us, ng);
		else
			report(what, us / 1000, "ms", "<", 1);
	}
	printf("4. group-by on a non-indexed key: one scan of the ring\n");
	for (i = 0; i < sizeof scans / sizeof *scans; i++) {
		struct view *v = view_group_new(s, scans[i].f1, scans[i].f2,
		    NULL);
		struct store_row rows[20];
		struct store_totals tot;
		size_t ng;
		double t0 = bench_now(), dt;
		char what[80];

		view_top(v, STORE_BY_BYTES, 20, rows, &ng, &tot);
		dt = bench_now() - t0;
		snprintf(what, sizeof what, "scan for %s (%zu groups)",
		    scans[i].name, ng);
		report(what, (double)n / dt / 1e6, "M rec/s", ">=", 20);
		view_free(v);
	}
	gen_free(g);
	store_free(s);
}

/* Steady-state ns per append (each evicting) into a full ring of n. */
static double
evict_cost(uint64_t n, uint64_t m)
{
	struct format v2;
	struct store *s = store_new(n);
	struct gen *g = gen_new(4, EPOCH);
	double t, tg;

	format_version(&v2, 2);
	fill(s, g, &v2, n);
	t = fill(s, g, &v2, m);
	gen_free(g);
	store_free(s);
	tg = gen_cost(4, &v2, m);
	return (t - tg) / (double)m * 1e9;
}

/* 5: eviction cost against ring size. */
static void
bench_eviction(void)
{
	uint64_t small = 1000000 / scale, big = 10000000 / scale;
	uint64_t m = 3000000 / scale;
	double a, b;

	printf("5. append + evict in a full ring (v2; generator time "
	    "subtracted)\n");
	a = evict_cost(small, m);
	b = evict_cost(big, m);
	printf("  %llu-record ring %30s %8.1f ns/record\n",
	    (unsigned long long)small, "", a);
	printf("  %llu-record ring %29s %8.1f ns/record\n",
	    (unsigned long long)big, "", b);
	report("ratio 10M / 1M", b / a, "x", "<", 1.5);
}

/* Run the chosen sections on one core and report each figure. */
int
main(int argc, char **argv)
{
	cpu_set_t one;
	int i, want[6] = { 0, 1, 1, 1, 1, 1 }, some = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0)
			scale = 10;
		else if (argv[i][0] >= '1' && argv[i][0] <= '5' &&
		    argv[i][1] == '\0') {
			if (!some)
				memset(want, 0, sizeof want);
			some = 1;
			want[argv[i][0] - '0'] = 1;
		} else {
			fprintf(stderr, "usage: bench_store [--quick] "
			    "[SECTION]...\n");
			return 2;
		}
	}
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	sched_setaffinity(0, sizeof one, &one);	/* one core; best effort */
	printf("bench_store: record %zu bytes + %zu of links = %zu bytes of "
	    "ring per record\n", sizeof(struct store_rec),
	    (size_t)STORE_REC_BYTES - sizeof(struct store_rec),
	    (size_t)STORE_REC_BYTES);
	if (want[1])
		bench_ingest();
	if (want[2])
		bench_memory();
	if (want[3] || want[4])
		bench_queries();
	if (want[5])
		bench_eviction();
	printf("%s\n", failures ? "bench_store: some targets MISSED" :
	    "bench_store: every target met");
	return failures ? 1 : 0;
}
