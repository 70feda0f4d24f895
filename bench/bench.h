/*
 * bench.h - helpers shared by the benchmark programs (header only: each
 * program is one file and links nothing but the core library).
 */
#ifndef VPCTOP_BENCH_H
#define VPCTOP_BENCH_H

#include <stdint.h>
#include <time.h>

#include "field.h"
#include "flow.h"
#include "format.h"

/* Seconds on the monotonic clock. */
static inline double
bench_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Keep only the fields fmt carries, as parsing its text would. */
static inline void
bench_restrict(struct flow *f, const struct format *fmt)
{
	uint64_t keep[2] = { 0, 0 };
	int i;

	for (i = 0; i < fmt->n; i++)
		if (fmt->field[i] != FIELD_IGNORE)
			keep[fmt->field[i] >> 6] |= (uint64_t)1 <<
			    (fmt->field[i] & 63);
	f->present[0] &= keep[0];
	f->present[1] &= keep[1];
	f->fmt = fmt;
	f->v[F_VERSION].u = fmt->version;
}

#endif
