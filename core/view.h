/*
 * view.h - questions asked of the store, kept up to date as records come
 * and go: group-by with top N, the drill-down tree, the timeline.
 *
 * A view is created once and read many times.  Between reads the store
 * keeps it current: an evicted record is subtracted at the moment it
 * leaves (the store calls the view while the record is still intact), and
 * the records appended since the last read are added when the view is
 * next read.  So a read costs the records that arrived since the previous
 * one, never a rescan, and always answers for exactly the records in the
 * ring (except in cumulative mode, below).
 *
 * Every view takes the same options: an optional match predicate (the
 * filter hook: it must be a pure function of the record, so adding and
 * subtracting a record agree), and an optional event-time range: a record
 * belongs to [from, to) when its span [t0, t1] meets it (t0 < to and
 * t1 >= from); records without a span never do.
 *
 * Ranking.  Rows are ordered by the metric (bytes, packets or flows),
 * larger first; ties by the key in store_val_cmp order (absent last;
 * symbols bytewise, addresses by their bytes with IPv4 first, numbers by
 * value); a pair compares its first field, then its second.  Rows without
 * flows (only NODATA/SKIPDATA records) are never in a top N.
 */
#ifndef VPCTOP_VIEW_H
#define VPCTOP_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* The filter hook: 1 when the record belongs to the view. */
typedef int (*view_match_fn)(void *ctx, const struct store *s,
    const struct store_rec *r);

/* Options common to every view (a zeroed struct: every record). */
struct view_opts {
	view_match_fn match;	/* NULL: every record */
	void *match_ctx;
	int ranged;		/* 1: only records meeting [from, to) */
	uint32_t from, to;	/* event time, Unix seconds */
	int cumulative;		/* group and timeline views: count every
				 * record appended from creation on and
				 * ignore evictions (batch --top over inputs
				 * larger than the ring); keys are pinned */
};

struct view;

/* Drill-down levels, top to bottom. */
enum view_level {
	VIEW_LV_ACCOUNT, VIEW_LV_VPC, VIEW_LV_SUBNET, VIEW_LV_ENI,
	VIEW_LV_PEER, VIEW_LV_PORT, VIEW_LV_COUNT
};

/* A node of the drill-down tree: a level and its value. */
struct view_node {
	int level;		/* enum view_level */
	struct store_val key;
	struct store_totals t;	/* filled by view_tree_children */
};

/* One bin of a timeline. */
struct view_bin {
	uint64_t flows, packets, bytes, rejects, skipdata;
};

/* Group records by field f1 (and f2, or -1): an indexed key with no match,
 * range or cumulative mode reads the index totals directly; anything else
 * keeps its own table, built by one scan of the ring at the first read
 * and kept incrementally after.  NULL when out of memory or f1/f2 bad. */
struct view *view_group_new(struct store *s, int f1, int f2,
    const struct view_opts *o);

/* Top n groups by a metric; rows[i].share is the group's part of the
 * view's total, written to *total (ngroups: groups with flows).
 * Returns the number of rows written. */
size_t view_top(struct view *v, enum store_rank by, size_t n,
    struct store_row *rows, size_t *ngroups, struct store_totals *total);

/* Totals of one group; 0, or -1 when the view has no such group. */
int view_group_get(struct view *v, const struct store_val *key,
    struct store_totals *t);

/* Call fn for every group of a view (records without flows included),
 * in no particular order; returns the number of groups. */
size_t view_group_each(struct view *v, void (*fn)(void *arg,
    const struct store_val *key, const struct store_totals *t), void *arg);

/* The fields a group view groups by (*f2 = -1 for one field). */
void view_group_fields(const struct view *v, int *f1, int *f2);

/* Event-time histogram: nbins bins of width seconds from origin.  Each
 * record's flows, packets, bytes, rejects and skipdata are spread over
 * the seconds of its span [t0, t1] (n = t1 - t0 + 1 equal seconds): the
 * part before second x of the span is round(T * (x - t0) / n), halves up,
 * and a bin gets the difference between its end and its start, so the
 * parts of a record add up to T exactly over all time (what falls outside
 * the bins is not counted).  NULL when out of memory or width/nbins is 0. */
struct view *view_timeline_new(struct store *s, uint64_t origin,
    uint32_t width, uint32_t nbins, const struct view_opts *o);

/* The bins, up to date; *nbins gets their number. */
const struct view_bin *view_timeline(struct view *v, uint32_t *nbins);

/* The drill-down tree: account -> VPC -> subnet -> interface -> peer
 * address -> port.  A record enters at the levels its format carries
 * (v2 records go account -> interface; records without interface-id
 * skip that level), so a node's children may be at different levels.
 * Peer: srcaddr of an ingress record, dstaddr of an egress one; without
 * flow-direction, the address that is not the node's own (its own is the
 * address found in most of its records without direction, ties to the
 * smaller address).  Port: the lower of srcport and dstport (the service
 * side of a connection).  Cumulative mode is not supported. */
struct view *view_tree_new(struct store *s, const struct view_opts *o);

/* Children of the node at path[0..depth) (depth 0: the root), ordered by
 * the metric, then level, then key; up to max written to out, their number
 * in *nchildren.  Nodes down to the interface level come from per-context
 * totals (no record walked, times -1); peer and port nodes walk the
 * records of the deepest indexed node on the path (times exact).  Returns
 * the number written, 0 for a path that does not exist. */
size_t view_tree_children(struct view *v, const struct view_node *path,
    size_t depth, enum store_rank by, struct view_node *out, size_t max,
    size_t *nchildren);

/* The field whose values a level's keys are (for store_val_text). */
int view_level_field(int level);

/* AWS-style name of a level ("account-id", ..., "peer", "port"). */
const char *view_level_name(int level);

/* Bring a view up to date now (every read does it too). */
void view_sync(struct view *v);

/* Totals of every record the view counts. */
void view_totals(struct view *v, struct store_totals *t);

/* Free a view (before its store). */
void view_free(struct view *v);

#endif
