/*
 * bench_filter.c - scan speed of compiled filters over a full ring, each
 * figure beside its target (issue 4).  A standalone program for `make
 * bench`, never a test.
 *
 * Usage: bench_filter [--quick]
 *
 * A ring of 10M generated v5 records (core/gen.c, seed 3) is filled once;
 * then each filter is bound and filter_count scans the whole ring, best
 * of three runs, on one core.  The targets: a three-predicate filter at
 * least 50M records/s, a regex filter at least 5M records/s (a field
 * regex, and a bare one on plain text, matched field by field; a bare
 * regex with metacharacters, which needs each record's whole line, is
 * printed for information).  The number
 * of matches is printed too, so a filter that matches nothing (and so
 * proves nothing) shows.  --quick uses a 1M ring for a smoke run.
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
#include "filter.h"
#include "flow.h"
#include "format.h"
#include "gen.h"
#include "store.h"
#include "bench.h"

#define EPOCH 1767225600	/* 2026-01-01T00:00:00Z */

static int failures;



/* Scan the ring with one filter and print its speed against target
 * (records/s; 0: no target, information only). */
static void
scan(struct store *s, const char *expr, double target)
{
	struct filter_error err;
	struct filter *f = filter_parse(expr, &err);
	uint64_t n = store_next(s) - store_first(s), m = 0;
	double best = 1e9, rate;
	int run;

	if (f == NULL || filter_bind(f, s) < 0) {
		fprintf(stderr, "bench_filter: '%s': %s\n", expr,
		    f ? "out of memory" : err.msg);
		exit(2);
	}
	for (run = 0; run < 3; run++) {
		double t0 = bench_now(), t;

		m = filter_count(f, s);
		t = bench_now() - t0;
		if (t < best)
			best = t;
	}
	rate = (double)n / best;
	printf("  %-52s %7.1fM rec/s %9llu match", expr, rate / 1e6,
	    (unsigned long long)m);
	if (target > 0) {
		printf("  target >= %gM: %s", target / 1e6, rate >= target ?
		    "met" : "MISSED");
		if (rate < target)
			failures++;
	}
	printf("\n");
	if (filter_expensive(f))
		printf("    (%llu regex evaluations hit the match limit)\n",
		    (unsigned long long)filter_expensive(f));
	filter_free(f);
}

int
main(int argc, char **argv)
{
	uint64_t n = 10000000, i;
	struct format v5;
	struct store *s;
	struct gen *g;
	struct flow fl;
	cpu_set_t one;
	double t0;

	if (argc > 1 && strcmp(argv[1], "--quick") == 0)
		n /= 10;
	else if (argc > 1) {
		fprintf(stderr, "usage: bench_filter [--quick]\n");
		return 2;
	}
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	sched_setaffinity(0, sizeof one, &one);	/* one core; best effort */
	format_version(&v5, 5);
	s = store_new(n);
	g = gen_new(3, EPOCH);
	if (s == NULL || g == NULL) {
		fprintf(stderr, "bench_filter: out of memory\n");
		return 2;
	}
	printf("bench_filter: filters over a ring of %lluM v5 records "
	    "(filter_count, best of 3, one core)\n",
	    (unsigned long long)(n / 1000000));
	t0 = bench_now();
	for (i = 0; i < n; i++) {
		gen_next(g, &fl);
		bench_restrict(&fl, &v5);
		if (store_append(s, &fl) == STORE_NONE) {
			fprintf(stderr, "bench_filter: out of memory\n");
			return 2;
		}
	}
	printf("  (ring filled in %.1f s)\n", bench_now() - t0);
	scan(s, "reject and dstport = 22 and srcaddr != 10.0.0.0/8", 50e6);
	scan(s, "dstport = 22 and srcaddr != 10.0.0.0/8 and reject", 50e6);
	scan(s, "addr = 10.0.0.0/8", 0);
	scan(s, "vpc-id = vpc-0abc or interface-id in [eni-1, eni-2]", 0);
	scan(s, "bytes > 1M or packets > 1k", 0);
	scan(s, "start >= 2026-01-01T01:00Z and tcp and not ingress", 0);
	scan(s, "interface-id ~ /^eni-0[0-3]/", 5e6);
	scan(s, "/REJECT OK vpc-/", 5e6);
	/* not plain text: the whole line is written for PCRE2 */
	scan(s, "/REJECT OK vpc-[0-9a-f]+/", 0);
	gen_free(g);
	store_free(s);
	printf("bench_filter: %s\n", failures ? "some targets MISSED" :
	    "every target met");
	return 0;
}
