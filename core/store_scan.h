/*
 * store_scan.h - bulk reads of consecutive records, for the views' scans.
 *
 * Private to the store and its views (view.c): not part of the store's
 * interface (store.h).  A group-by scan reads one or two key fields and
 * the counts of every record; these functions do that for a run of
 * records (as store_recs gives them) with the choice of field made once
 * per run instead of once per record, so the per-record work is a few
 * loads and stores.
 */
#ifndef VPCTOP_STORE_SCAN_H
#define VPCTOP_STORE_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* A record's contribution to totals, as a group-by adds it. */
struct store_cnt {
	uint64_t packets, bytes;
	uint32_t flow, rej, skip;	/* 0 or 1 each */
};

/* Key values of field in the n records from r on (one after the other in
 * memory): v[i] and bit 0 of *has set in has[i] (v[i] 0 when absent),
 * exactly as store_rec_val gives them. */
void store_recs_vals(const struct store *s, const struct store_rec *r,
    size_t n, int field, uint64_t *v, uint32_t *has);

/* The contributions of the n records from r on, as store_rec_totals
 * gives them (flows, rejects, skipdata, packets, bytes). */
void store_recs_counts(const struct store *s, const struct store_rec *r,
    size_t n, struct store_cnt *c);

#endif
