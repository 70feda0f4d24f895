/*
 * view.c - group-by, top N, drill-down tree and timeline over the store.
 *
 * Design notes.
 *
 * Upkeep.  A view counts the records [first, hi) of the ring that pass
 * its match and range.  It registers with store_watch, so an evicted
 * record is subtracted synchronously, just before the store releases its
 * ids (a group keyed by an intern id can never be confused by the id's
 * reuse); a read first adds the records [max(hi, first), next) and sets
 * hi = next.  Each record is thus added once and subtracted once per view,
 * in batches for the adds: O(1) amortised per record, never a rescan.
 * The first read of a new view is the one scan of the ring.  Views that
 * need no table at all (group by an indexed key without match or range,
 * the tree without match or range) read the store's totals directly.
 *
 * Cumulative mode (group and timeline views) is for batch --top over an
 * input larger than the ring: the view counts every record from creation
 * on and subtracts nothing; when a record it has not yet added is about to
 * be evicted it catches up first.  Its groups pin their key ids in the
 * intern tables so that an id is never reused under a group's feet.
 * A cumulative view of an indexed key without match or range starts
 * "lazy": as long as no record has left the ring, the index's totals are
 * exactly its groups, so it reads them (with times left out, as a table
 * gives them) and keeps no table; the first eviction turns it into a
 * table view, whose first sync is the one scan of the ring.  So a batch
 * --top over an input that fits the ring costs no group-by at all.
 *
 * Tables.  Groups live in an open-addressing table (linear probing,
 * backward-shift deletion) keyed by two 64-bit key words and their
 * presence bits; a group whose last record leaves is deleted.  Top N is a
 * bounded heap over the groups (O(groups log N)), ties broken by the key
 * in store_val_cmp order.
 *
 * Scan speed.  A group-by over tens of thousands of groups is a random
 * access per record into a table far larger than the caches, so the adds
 * go in batches of 64: first every record's key and hash, with its group
 * slot prefetched, then the updates, so the misses of a batch overlap.
 * Big tables are 2 MB-aligned with huge pages asked for (fewer TLB
 * misses), and a rehash prefetches where the groups will land.
 *
 * The tree keeps a group per context tuple (account, VPC, subnet and
 * interface are fields of the context), so the four upper levels are sums
 * over the live contexts; peer and port levels walk the records of the
 * deepest indexed node of the path (interface, else subnet, VPC, account,
 * else the whole ring), two passes: one to learn the node's own address
 * (for records without flow-direction), one to group.
 *
 * Timeline rounding.  A record's total T over its n seconds: the part
 * before second k of the span is P(k) = floor((2 T k + n) / (2 n)) (round
 * half up), computed as q k + floor((2 (r k mod n) + ...)) with q, r =
 * T div n, T mod n so nothing overflows 64 bits (n <= 2^32).  A bin gets
 * P(end) - P(start) of its overlap; the parts telescope to P(n) = T.
 * Subtracting recomputes the same parts, so bins return to zero exactly.
 */
/* madvise and MADV_HUGEPAGE (sys/mman.h) are outside strict C11 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif
#include "view.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "intern.h"
#include "store_scan.h"

/* Pseudo-field: group by context tuple (the tree). */
#define FIELD_CTX (-2)

enum { VK_GROUP, VK_TIMELINE, VK_TREE };

/* Running totals of a group. */
struct vtot {
	uint64_t recs, flows, rejects, skipdata, packets, bytes;
};

/* One group: key words, presence bits (1: k0, 2: k1), totals, times. */
struct grp {
	uint64_t k0, k1;
	uint32_t has;
	uint32_t used;
	uint32_t first, last;
	struct vtot t;
};

/* Open-addressing table of groups. */
struct gtab {
	struct grp *g;
	uint32_t mask;
	uint32_t live;
};

struct view {
	struct store *s;
	int kind;
	struct view_opts o;
	int direct;		/* no table: read the store's totals */
	int lazy;		/* cumulative, direct until the first eviction */
	int ix;			/* index of a direct group view */
	int f1, f2;
	uint64_t hi;		/* records [first, hi) are counted */
	int watching;
	struct gtab tab;
	struct vtot total;
	uint64_t origin;	/* timeline */
	uint32_t width, nbins;
	struct view_bin *bins;
};

static const int level_field[VIEW_LV_COUNT] = {
	F_ACCOUNT_ID, F_VPC_ID, F_SUBNET_ID, F_INTERFACE_ID, F_SRCADDR,
	F_DSTPORT
};
static const char *const level_names[VIEW_LV_COUNT] = {
	"account-id", "vpc-id", "subnet-id", "interface-id", "peer", "port"
};
static const int level_index[4] = {
	STORE_IX_ACCOUNT, STORE_IX_VPC, STORE_IX_SUBNET, STORE_IX_ENI
};

/* The field whose values a level's keys are. */
int
view_level_field(int level)
{
	return level >= 0 && level < VIEW_LV_COUNT ? level_field[level] : -1;
}

/* AWS-style name of a level. */
const char *
view_level_name(int level)
{
	return level >= 0 && level < VIEW_LV_COUNT ? level_names[level] : "?";
}

/* ---- group tables ---- */

/* Hash of a group key. */
static inline uint64_t
gkey_hash(uint64_t k0, uint64_t k1, uint32_t has)
{
	return intern_mix64(k0 * 0x9e3779b97f4a7c15ULL ^
	    (k1 + has) * 0xc2b2ae3d27d4eb4fULL);
}

/* Allocate an empty table; -1 on OOM.  Big tables get 2 MB-aligned
 * blocks with huge pages asked for: scans hit them at random. */
static int
gtab_init(struct gtab *t, uint32_t n)
{
	size_t len = (size_t)n * sizeof *t->g, big = (size_t)2 << 20;

	if (len >= big) {
		t->g = aligned_alloc(big, (len + big - 1) & ~(big - 1));
#ifdef MADV_HUGEPAGE
		if (t->g)
			madvise(t->g, (len + big - 1) & ~(big - 1),
			    MADV_HUGEPAGE);
#endif
		if (t->g)
			memset(t->g, 0, len);
	} else
		t->g = calloc(n, sizeof *t->g);
	if (t->g == NULL)
		return -1;
	t->mask = n - 1;
	t->live = 0;
	return 0;
}

/* Free a table's memory. */
static void
gtab_free(struct gtab *t)
{
	free(t->g);
	t->g = NULL;
}

/* Find a group whose key hashes to h; returns its slot or UINT32_MAX. */
static inline uint32_t
gtab_find_h(const struct gtab *t, uint64_t k0, uint64_t k1, uint32_t has,
    uint64_t h)
{
	uint32_t i = (uint32_t)h & t->mask;

	for (; t->g[i].used; i = (i + 1) & t->mask)
		if (t->g[i].k0 == k0 && t->g[i].k1 == k1 && t->g[i].has == has)
			return i;
	return UINT32_MAX;
}

/* Find a group; returns its slot or UINT32_MAX. */
static inline uint32_t
gtab_find(const struct gtab *t, uint64_t k0, uint64_t k1, uint32_t has)
{
	return gtab_find_h(t, k0, k1, has, gkey_hash(k0, k1, has));
}

/* Find or create a group with hash h; *created is set for a new one;
 * UINT32_MAX on OOM. */
static uint32_t
gtab_get_h(struct gtab *t, uint64_t k0, uint64_t k1, uint32_t has,
    uint64_t h, int *created)
{
	uint32_t i = gtab_find_h(t, k0, k1, has, h);
	struct grp *g;

	*created = 0;
	if (i != UINT32_MAX)
		return i;
	if ((uint64_t)(t->live + 1) * 2 > (uint64_t)t->mask + 1) {
		struct gtab nt;
		uint32_t j;

		if (gtab_init(&nt, (t->mask + 1) * (t->mask < 4096 ? 4 : 2)) < 0)
			return UINT32_MAX;
		for (j = 0; j <= t->mask; j++) {
			uint32_t k, a = (j + 16) & t->mask;

			/* prefetch where a group 16 slots on will go */
			if (t->g[a].used)
				__builtin_prefetch(&nt.g[(uint32_t)gkey_hash(
				    t->g[a].k0, t->g[a].k1, t->g[a].has) &
				    nt.mask], 1);
			if (!t->g[j].used)
				continue;
			k = (uint32_t)gkey_hash(t->g[j].k0, t->g[j].k1,
			    t->g[j].has) & nt.mask;
			while (nt.g[k].used)
				k = (k + 1) & nt.mask;
			nt.g[k] = t->g[j];
		}
		nt.live = t->live;
		free(t->g);
		*t = nt;
	}
	for (i = (uint32_t)h & t->mask; t->g[i].used; i = (i + 1) & t->mask)
		;
	g = &t->g[i];
	memset(g, 0, sizeof *g);
	g->k0 = k0;
	g->k1 = k1;
	g->has = has;
	g->used = 1;
	g->first = UINT32_MAX;
	t->live++;
	*created = 1;
	return i;
}

/* Find or create a group; *created is set for a new one; UINT32_MAX on
 * OOM. */
static uint32_t
gtab_get(struct gtab *t, uint64_t k0, uint64_t k1, uint32_t has, int *created)
{
	return gtab_get_h(t, k0, k1, has, gkey_hash(k0, k1, has), created);
}

/* Delete the group in slot i (backward shift). */
static void
gtab_del(struct gtab *t, uint32_t i)
{
	uint32_t j = i;

	for (;;) {
		uint32_t k;

		j = (j + 1) & t->mask;
		if (!t->g[j].used)
			break;
		k = (uint32_t)gkey_hash(t->g[j].k0, t->g[j].k1, t->g[j].has) &
		    t->mask;
		if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
			t->g[i] = t->g[j];
			i = j;
		}
	}
	t->g[i].used = 0;
	t->live--;
}

/* Add (sign 1) or subtract a record's totals to running totals. */
static inline void
vtot_apply(struct vtot *t, const struct store_totals *c, int sign)
{
	if (sign > 0) {
		t->recs++;
		t->flows += c->flows;
		t->rejects += c->rejects;
		t->skipdata += c->skipdata;
		t->packets += c->packets;
		t->bytes += c->bytes;
	} else {
		t->recs--;
		t->flows -= c->flows;
		t->rejects -= c->rejects;
		t->skipdata -= c->skipdata;
		t->packets -= c->packets;
		t->bytes -= c->bytes;
	}
}

/* Public totals of running totals (times not computed). */
static void
vtot_public(const struct vtot *t, struct store_totals *out)
{
	memset(out, 0, sizeof *out);
	out->records = t->recs;
	out->flows = t->flows;
	out->packets = t->packets;
	out->bytes = t->bytes;
	out->rejects = t->rejects;
	out->skipdata = t->skipdata;
	out->nodata = t->recs - t->flows - t->skipdata;
	out->times = -1;
}

/* ---- records in and out ---- */

/* Tell whether a record belongs to the view (range, then match). */
static inline int
passes(const struct view *v, const struct store_rec *r)
{
	if (v->o.ranged) {
		uint32_t t0, t1;

		if (!store_rec_span(v->s, r, &t0, &t1) || t0 >= v->o.to ||
		    t1 < v->o.from)
			return 0;
	}
	return v->o.match == NULL || v->o.match(v->o.match_ctx, v->s, r);
}

/* The group key of a record. */
static inline void
rec_gkey(const struct view *v, const struct store_rec *r, uint64_t *k0,
    uint64_t *k1, uint32_t *has)
{
	struct store_val a, b;

	if (v->f1 == FIELD_CTX) {
		*k0 = store_rec_ctx(r);
		*k1 = 0;
		*has = 1;
		return;
	}
	store_rec_val(v->s, r, v->f1, &a);
	*k0 = a.v;
	*has = a.has;
	*k1 = 0;
	if (v->f2 >= 0) {
		store_rec_val(v->s, r, v->f2, &b);
		*k1 = b.v;
		*has |= b.has << 1;
	}
}

/* Pin or unpin the key ids of a group (cumulative views). */
static void
grp_pin(struct view *v, const struct grp *g, int pin)
{
	struct store_val a = { g->k0, g->has & 1 }, b = { g->k1, g->has >> 1 };

	if (pin) {
		store_val_ref(v->s, v->f1, &a);
		if (v->f2 >= 0)
			store_val_ref(v->s, v->f2, &b);
	} else {
		store_val_unref(v->s, v->f1, &a);
		if (v->f2 >= 0)
			store_val_unref(v->s, v->f2, &b);
	}
}

/* Part of T before second k of an n-second span, rounded half up. */
static inline uint64_t
spread_part(uint64_t T, uint64_t k, uint64_t n)
{
	uint64_t q = T / n, r = T % n, rk = r * k;

	return q * k + rk / n + (2 * (rk % n) >= n);
}

/* Spread a record's counts over the timeline's bins. */
static void
timeline_apply(struct view *v, const struct store_rec *r,
    const struct store_totals *c, int sign)
{
	uint64_t n, b, b0, b1, end = v->origin + (uint64_t)v->width * v->nbins;
	uint32_t t0, t1;

	if (!store_rec_span(v->s, r, &t0, &t1) || t1 < v->origin || t0 >= end)
		return;
	n = (uint64_t)t1 - t0 + 1;
	b0 = t0 > v->origin ? (t0 - v->origin) / v->width : 0;
	b1 = (t1 - v->origin) / v->width;
	if (b1 >= v->nbins)
		b1 = v->nbins - 1;
	for (b = b0; b <= b1; b++) {
		uint64_t bs = v->origin + b * v->width, be = bs + v->width;
		uint64_t lo = bs > t0 ? bs : t0, hi = be < (uint64_t)t1 + 1 ?
		    be : (uint64_t)t1 + 1, k0, k1;
		struct view_bin *bin = &v->bins[b];
		uint64_t d[5];
		int i;

		if (lo >= hi)
			continue;
		k0 = lo - t0;
		k1 = hi - t0;
		d[0] = spread_part(c->flows, k1, n) - spread_part(c->flows, k0, n);
		d[1] = spread_part(c->packets, k1, n) -
		    spread_part(c->packets, k0, n);
		d[2] = spread_part(c->bytes, k1, n) - spread_part(c->bytes, k0, n);
		d[3] = spread_part(c->rejects, k1, n) -
		    spread_part(c->rejects, k0, n);
		d[4] = spread_part(c->skipdata, k1, n) -
		    spread_part(c->skipdata, k0, n);
		for (i = 0; i < 5; i++)
			if (sign < 0)
				d[i] = (uint64_t)0 - d[i];
		bin->flows += d[0];
		bin->packets += d[1];
		bin->bytes += d[2];
		bin->rejects += d[3];
		bin->skipdata += d[4];
	}
}

/* Add (sign 1) or subtract (-1) a record that passes the view, with its
 * group key already computed (group and tree views). */
static void
view_apply_key(struct view *v, const struct store_rec *r, int sign,
    uint64_t k0, uint64_t k1, uint32_t has, uint64_t h)
{
	struct store_totals c;
	uint32_t i;
	int created;

	store_rec_totals(v->s, r, &c);
	vtot_apply(&v->total, &c, sign);
	if (v->kind == VK_TIMELINE) {
		timeline_apply(v, r, &c, sign);
		return;
	}
	if (sign > 0) {
		i = gtab_get_h(&v->tab, k0, k1, has, h, &created);
		if (i == UINT32_MAX)
			return;		/* out of memory: group missing */
		if (created && v->o.cumulative)
			grp_pin(v, &v->tab.g[i], 1);
	} else {
		i = gtab_find_h(&v->tab, k0, k1, has, h);
		if (i == UINT32_MAX)
			return;
	}
	vtot_apply(&v->tab.g[i].t, &c, sign);
	if (v->tab.g[i].t.recs == 0 && !v->o.cumulative)
		gtab_del(&v->tab, i);
}

/* Add (sign 1) or subtract (-1) a record to a view. */
static void
view_apply(struct view *v, const struct store_rec *r, int sign)
{
	uint64_t k0 = 0, k1 = 0;
	uint32_t has = 0;

	if (!passes(v, r))
		return;
	if (v->kind != VK_TIMELINE)
		rec_gkey(v, r, &k0, &k1, &has);
	view_apply_key(v, r, sign, k0, k1, has, gkey_hash(k0, k1, has));
}

/* Records added per batch by view_sync (keys first, with the group slots
 * prefetched, then the updates: the misses of a batch overlap). */
#define VBATCH 64

/* Tell whether a view reads the store's totals: for a lazy view, only
 * once the store's queued evictions are applied (they may end its direct
 * phase). */
static int
view_is_direct(struct view *v)
{
	if (v->lazy)
		(void)store_first(v->s);
	return v->direct;
}

/* Totals as a table view gives them: times not computed. */
static void
untimed(struct store_totals *t)
{
	t->first = t->last = 0;
	t->times = -1;
}

/* Add a run of n records (n <= VBATCH) to a group view keyed by fields
 * (not the tree): keys and counts read in bulk (store_scan.h), group slots
 * prefetched, then the updates, so the misses of a batch overlap. */
static void
group_add_run(struct view *v, const struct store_rec *r, size_t n)
{
	uint64_t k0[VBATCH], k1[VBATCH], h[VBATCH];
	uint32_t has[VBATCH], has1[VBATCH];
	uint8_t ok[VBATCH];
	struct store_cnt c[VBATCH];
	struct vtot sum = { 0, 0, 0, 0, 0, 0 };
	int all = v->o.match == NULL && !v->o.ranged;
	size_t i;

	store_recs_vals(v->s, r, n, v->f1, k0, has);
	if (v->f2 >= 0) {
		store_recs_vals(v->s, r, n, v->f2, k1, has1);
		for (i = 0; i < n; i++)
			has[i] |= has1[i] << 1;
	} else
		memset(k1, 0, n * sizeof *k1);
	for (i = 0; i < n; i++) {
		const struct grp *g;

		ok[i] = (uint8_t)(all || passes(v, &r[i]));
		h[i] = gkey_hash(k0[i], k1[i], has[i]);
		g = &v->tab.g[(uint32_t)h[i] & v->tab.mask];
		__builtin_prefetch(g, 1);
		__builtin_prefetch((const char *)g + sizeof *g - 1, 1);
	}
	store_recs_counts(v->s, r, n, c);
	for (i = 0; i < n; i++) {
		struct grp *g;
		uint32_t j;
		int created;

		if (!ok[i])
			continue;
		sum.recs++;
		sum.flows += c[i].flow;
		sum.rejects += c[i].rej;
		sum.skipdata += c[i].skip;
		sum.packets += c[i].packets;
		sum.bytes += c[i].bytes;
		/* the usual case inline: the group is there */
		j = (uint32_t)h[i] & v->tab.mask;
		for (g = &v->tab.g[j]; g->used; g = &v->tab.g[j]) {
			if (g->k0 == k0[i] && g->k1 == k1[i] &&
			    g->has == has[i])
				break;
			j = (j + 1) & v->tab.mask;
		}
		if (!g->used) {
			j = gtab_get_h(&v->tab, k0[i], k1[i], has[i], h[i],
			    &created);
			if (j == UINT32_MAX)
				continue;	/* out of memory: group missing */
			g = &v->tab.g[j];
			if (created && v->o.cumulative)
				grp_pin(v, g, 1);
		}
		g->t.recs++;
		g->t.flows += c[i].flow;
		g->t.rejects += c[i].rej;
		g->t.skipdata += c[i].skip;
		g->t.packets += c[i].packets;
		g->t.bytes += c[i].bytes;
	}
	v->total.recs += sum.recs;
	v->total.flows += sum.flows;
	v->total.rejects += sum.rejects;
	v->total.skipdata += sum.skipdata;
	v->total.packets += sum.packets;
	v->total.bytes += sum.bytes;
}

/* Bring a view up to date now. */
void
view_sync(struct view *v)
{
	uint64_t seq, next, first;

	if (view_is_direct(v))
		return;
	/* store_first applies the store's queued evictions, which may call
	 * view_on_evict (and, for a cumulative view, this function): read
	 * hi only after it */
	first = store_first(v->s);
	seq = v->hi > first ? v->hi : first;
	next = store_next(v->s);
	while (seq < next) {
		const struct store_rec *rs[VBATCH];
		uint64_t k0[VBATCH], k1[VBATCH], h[VBATCH];
		uint32_t has[VBATCH];
		uint8_t ok[VBATCH];
		size_t run, n, i;
		const struct store_rec *r = store_recs(v->s, seq, &run);

		n = run < VBATCH ? run : VBATCH;
		if (v->kind == VK_GROUP && v->f1 >= 0) {
			group_add_run(v, r, n);
			seq += n;
			continue;
		}
		for (i = 0; i < n; i++) {
			rs[i] = r + i;
			ok[i] = (uint8_t)passes(v, rs[i]);
			k0[i] = k1[i] = h[i] = 0;
			has[i] = 0;
			if (!ok[i] || v->kind == VK_TIMELINE)
				continue;
			rec_gkey(v, rs[i], &k0[i], &k1[i], &has[i]);
			h[i] = gkey_hash(k0[i], k1[i], has[i]);
			{
				const struct grp *g = &v->tab.g[(uint32_t)h[i] &
				    v->tab.mask];

				__builtin_prefetch(g, 1);
				__builtin_prefetch((const char *)g + sizeof *g - 1,
				    1);
			}
		}
		for (i = 0; i < n; i++)
			if (ok[i])
				view_apply_key(v, rs[i], 1, k0[i], k1[i], has[i],
				    h[i]);
		seq += n;
	}
	v->hi = next;
}

/* Store callback: a record is about to be evicted. */
static void
view_on_evict(void *arg, uint64_t seq, const struct store_rec *r)
{
	struct view *v = arg;

	if (v->lazy) {
		/* the index stops counting this record: keep it in the
		 * table from now on (the sync below counts [hi, next)) */
		v->lazy = 0;
		v->direct = 0;
	}
	if (v->o.cumulative) {
		if (seq >= v->hi)
			view_sync(v);
		return;
	}
	if (seq < v->hi)
		view_apply(v, r, -1);
}

/* Allocate a view of a kind with options; NULL on OOM. */
static struct view *
view_alloc(struct store *s, int kind, const struct view_opts *o)
{
	struct view *v = calloc(1, sizeof *v);

	if (v == NULL)
		return NULL;
	v->s = s;
	v->kind = kind;
	if (o)
		v->o = *o;
	v->f2 = -1;
	v->hi = store_first(s);
	return v;
}

/* Give a view its table and register it with the store; -1 on OOM. */
static int
view_attach(struct view *v)
{
	if (v->kind != VK_TIMELINE && gtab_init(&v->tab, 64) < 0)
		return -1;
	if (store_watch(v->s, view_on_evict, v) < 0)
		return -1;
	v->watching = 1;
	return 0;
}

/* Free a view. */
void
view_free(struct view *v)
{
	uint32_t i;

	if (v == NULL)
		return;
	if (v->watching)
		store_unwatch(v->s, view_on_evict, v);
	if (v->o.cumulative && v->tab.g)
		for (i = 0; i <= v->tab.mask; i++)
			if (v->tab.g[i].used)
				grp_pin(v, &v->tab.g[i], 0);
	gtab_free(&v->tab);
	free(v->bins);
	free(v);
}

/* Totals of every record the view counts. */
void
view_totals(struct view *v, struct store_totals *t)
{
	view_sync(v);
	if (view_is_direct(v)) {
		store_totals(v->s, t);
		if (v->lazy)
			untimed(t);
	} else
		vtot_public(&v->total, t);
}

/* ---- group views ---- */

/* Group records by field f1 (and f2, or -1). */
struct view *
view_group_new(struct store *s, int f1, int f2, const struct view_opts *o)
{
	struct view *v;

	if (f1 < 0 || f1 >= FIELD_COUNT || f2 >= FIELD_COUNT || f2 < -1)
		return NULL;
	v = view_alloc(s, VK_GROUP, o);
	if (v == NULL)
		return NULL;
	v->f1 = f1;
	v->f2 = f2;
	v->ix = store_index_find(f1, f2);
	if (v->ix >= 0 && !v->o.match && !v->o.ranged && !v->o.cumulative) {
		v->direct = 1;
		return v;
	}
	if (v->ix >= 0 && !v->o.match && !v->o.ranged) {
		/* cumulative over an indexed key: until a record leaves, the
		 * index counts exactly what the view would */
		v->direct = 1;
		v->lazy = 1;
	}
	if (view_attach(v) < 0) {
		view_free(v);
		return NULL;
	}
	return v;
}

/* The fields a group view groups by. */
void
view_group_fields(const struct view *v, int *f1, int *f2)
{
	*f1 = v->f1;
	*f2 = v->f2;
}

/* Public key of a group. */
static void
grp_key(const struct grp *g, struct store_val *key)
{
	key[0].v = g->k0;
	key[0].has = g->has & 1;
	key[1].v = g->k1;
	key[1].has = (g->has >> 1) & 1;
}

/* Metric of running totals by a ranking. */
static inline uint64_t
vtot_metric(const struct vtot *t, enum store_rank by)
{
	return by == STORE_BY_BYTES ? t->bytes : by == STORE_BY_PACKETS ?
	    t->packets : t->flows;
}

/* Tell whether group a ranks before group b (metric desc, key asc). */
static int
grp_before(const struct view *v, enum store_rank by, const struct grp *a,
    const struct grp *b)
{
	uint64_t ma = vtot_metric(&a->t, by), mb = vtot_metric(&b->t, by);
	struct store_val ka[2], kb[2];
	int c;

	if (ma != mb)
		return ma > mb;
	grp_key(a, ka);
	grp_key(b, kb);
	c = store_val_cmp(v->s, v->f1, &ka[0], &kb[0]);
	if (c == 0 && v->f2 >= 0)
		c = store_val_cmp(v->s, v->f2, &ka[1], &kb[1]);
	return c < 0;
}

/* Restore the heap (worst group at the root) below node i. */
static void
gheap_down(const struct view *v, enum store_rank by, uint32_t *h, size_t n,
    size_t i)
{
	const struct grp *g = v->tab.g;

	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, w = i;
		uint32_t t;

		if (l < n && grp_before(v, by, &g[h[w]], &g[h[l]]))
			w = l;
		if (r < n && grp_before(v, by, &g[h[w]], &g[h[r]]))
			w = r;
		if (w == i)
			return;
		t = h[i];
		h[i] = h[w];
		h[w] = t;
		i = w;
	}
}

/* Top n groups by a metric. */
size_t
view_top(struct view *v, enum store_rank by, size_t n, struct store_row *rows,
    size_t *ngroups, struct store_totals *total)
{
	const struct grp *g;
	uint32_t *h, i;
	size_t nh = 0, groups = 0, k;
	uint64_t whole;

	if (v->kind != VK_GROUP) {
		if (ngroups)
			*ngroups = 0;
		return 0;
	}
	if (view_is_direct(v)) {
		n = store_index_top(v->s, v->ix, by, n, 0, rows, ngroups,
		    total);
		if (v->lazy) {
			untimed(total);
			for (k = 0; k < n; k++)
				untimed(&rows[k].t);
		}
		return n;
	}
	view_sync(v);
	vtot_public(&v->total, total);
	whole = vtot_metric(&v->total, by);
	if (n > v->tab.live)
		n = v->tab.live;
	h = malloc((n ? n : 1) * sizeof *h);
	if (h == NULL)
		n = 0;
	g = v->tab.g;
	for (i = 0; n && i <= v->tab.mask; i++) {
		if (!g[i].used || g[i].t.flows == 0)
			continue;
		groups++;
		if (nh < n) {
			size_t c = nh++;

			h[c] = i;
			while (c > 0) {
				size_t p = (c - 1) / 2;
				uint32_t t;

				if (!grp_before(v, by, &g[h[p]], &g[h[c]]))
					break;
				t = h[p];
				h[p] = h[c];
				h[c] = t;
				c = p;
			}
		} else if (grp_before(v, by, &g[i], &g[h[0]])) {
			h[0] = i;
			gheap_down(v, by, h, nh, 0);
		}
	}
	for (k = nh; k > 0; k--) {
		const struct grp *w = &g[h[0]];
		struct store_row *row = &rows[k - 1];

		grp_key(w, row->key);
		vtot_public(&w->t, &row->t);
		row->share = whole ? (double)vtot_metric(&w->t, by) /
		    (double)whole : 0.0;
		h[0] = h[k - 1];
		gheap_down(v, by, h, k - 1, 0);
	}
	free(h);
	if (ngroups) {
		/* groups with flows beyond the first n too */
		if (nh == n)
			for (; i <= v->tab.mask; i++)
				if (g[i].used && g[i].t.flows)
					groups++;
		*ngroups = groups;
	}
	return nh;
}

/* Totals of one group; 0, or -1 when the view has no such group. */
int
view_group_get(struct view *v, const struct store_val *key,
    struct store_totals *t)
{
	uint64_t k1 = 0;
	uint32_t has, i;

	if (v->kind != VK_GROUP)
		return -1;
	if (view_is_direct(v)) {
		if (store_key_totals(v->s, v->ix, key, t) < 0)
			return -1;
		if (v->lazy)
			untimed(t);
		return 0;
	}
	view_sync(v);
	has = key[0].has ? 1 : 0;
	if (v->f2 >= 0) {
		has |= key[1].has ? 2 : 0;
		k1 = key[1].has ? key[1].v : 0;
	}
	i = gtab_find(&v->tab, key[0].has ? key[0].v : 0, k1, has);
	if (i == UINT32_MAX)
		return -1;
	vtot_public(&v->tab.g[i].t, t);
	return 0;
}

/* A group_each callback and its argument, for each_untimed. */
struct untimed_fn {
	void (*fn)(void *arg, const struct store_val *key,
	    const struct store_totals *t);
	void *arg;
};

/* Pass a key to the caller's callback with its times left out. */
static void
each_untimed(void *arg, const struct store_val *key,
    const struct store_totals *t)
{
	const struct untimed_fn *u = arg;
	struct store_totals c = *t;

	untimed(&c);
	u->fn(u->arg, key, &c);
}

/* Call fn for every group of a view; returns the number of groups. */
size_t
view_group_each(struct view *v, void (*fn)(void *arg,
    const struct store_val *key, const struct store_totals *t), void *arg)
{
	struct store_val key[2];
	struct store_totals t;
	size_t n = 0;
	uint32_t i;

	if (v->kind != VK_GROUP)
		return 0;
	if (view_is_direct(v)) {
		struct untimed_fn u = { fn, arg };

		return v->lazy ? store_index_each(v->s, v->ix, each_untimed,
		    &u) : store_index_each(v->s, v->ix, fn, arg);
	}
	view_sync(v);
	for (i = 0; i <= v->tab.mask; i++) {
		if (!v->tab.g[i].used)
			continue;
		grp_key(&v->tab.g[i], key);
		vtot_public(&v->tab.g[i].t, &t);
		fn(arg, key, &t);
		n++;
	}
	return n;
}

/* ---- timelines ---- */

/* Event-time histogram of nbins bins of width seconds from origin. */
struct view *
view_timeline_new(struct store *s, uint64_t origin, uint32_t width,
    uint32_t nbins, const struct view_opts *o)
{
	struct view *v;

	if (width == 0 || nbins == 0)
		return NULL;
	v = view_alloc(s, VK_TIMELINE, o);
	if (v == NULL)
		return NULL;
	v->origin = origin;
	v->width = width;
	v->nbins = nbins;
	v->bins = calloc(nbins, sizeof *v->bins);
	if (v->bins == NULL || view_attach(v) < 0) {
		view_free(v);
		return NULL;
	}
	return v;
}

/* The bins, up to date. */
const struct view_bin *
view_timeline(struct view *v, uint32_t *nbins)
{
	if (v->kind != VK_TIMELINE) {
		*nbins = 0;
		return NULL;
	}
	view_sync(v);
	*nbins = v->nbins;
	return v->bins;
}

/* ---- the drill-down tree ---- */

/* The drill-down tree view. */
struct view *
view_tree_new(struct store *s, const struct view_opts *o)
{
	struct view *v;

	if (o && o->cumulative)
		return NULL;
	v = view_alloc(s, VK_TREE, o);
	if (v == NULL)
		return NULL;
	v->f1 = FIELD_CTX;
	if (!v->o.match && !v->o.ranged) {
		v->direct = 1;
		return v;
	}
	if (view_attach(v) < 0) {
		view_free(v);
		return NULL;
	}
	return v;
}

/* The level path of a context: its carried levels and their values. */
static int
ctx_path(const struct store *s, uint32_t ctx, int *lv, struct store_val *val)
{
	struct store_val vals[4];
	unsigned bits = store_ctx_levels(s, ctx, vals);
	int i, n = 0;

	for (i = 0; i < 4; i++)
		if (bits & (1u << i)) {
			lv[n] = i;
			val[n] = vals[i];
			n++;
		}
	return n;
}

/* Tell whether two values are the same key. */
static inline int
val_eq(const struct store_val *a, const struct store_val *b)
{
	return a->has == b->has && (!a->has || a->v == b->v);
}

/* Add totals (and a span, when timed) to a child of the tree. */
static void
child_add(struct gtab *ch, int level, const struct store_val *key,
    const struct vtot *t, const struct store_totals *c, int timed,
    uint32_t t0, uint32_t t1)
{
	uint32_t i;
	int created;
	struct grp *g;

	i = gtab_get(ch, (uint64_t)level, key->has ? key->v : 0,
	    key->has ? 1 : 0, &created);
	if (i == UINT32_MAX)
		return;
	g = &ch->g[i];
	if (t) {
		g->t.recs += t->recs;
		g->t.flows += t->flows;
		g->t.rejects += t->rejects;
		g->t.skipdata += t->skipdata;
		g->t.packets += t->packets;
		g->t.bytes += t->bytes;
		g->first = 1;	/* times not computed */
		g->last = 0;
		g->used = 2;
		return;
	}
	vtot_apply(&g->t, c, 1);
	if (timed) {
		if (t0 < g->first)
			g->first = t0;
		if (t1 > g->last)
			g->last = t1;
	}
}

/* Iterator over the records a walk visits: a chain or the whole ring. */
struct walk {
	const struct store *s;
	int chained;
	struct store_chain c;
	uint64_t seq, next;
};

/* Start a walk over the records of path entry (lv, val), or the ring. */
static void
walk_start(struct walk *w, const struct store *s, int lv,
    const struct store_val *val)
{
	w->s = s;
	w->chained = lv >= 0;
	if (w->chained) {
		struct store_val key[2];

		key[0] = *val;
		key[1].v = 0;
		key[1].has = 0;
		store_chain_start(s, level_index[lv], key, &w->c);
	} else {
		w->seq = store_first(s);
		w->next = store_next(s);
	}
}

/* Next record of a walk, or NULL. */
static const struct store_rec *
walk_next(struct walk *w)
{
	uint64_t seq;

	if (w->chained)
		return store_chain_next(&w->c, &seq) ?
		    store_rec_at(w->s, seq) : NULL;
	if (w->seq >= w->next)
		return NULL;
	return store_rec_at(w->s, w->seq++);
}

/* Tell whether a record's context has exactly the levels path[0..n). */
static int
ctx_is(const struct store *s, uint32_t ctx, const struct view_node *path,
    size_t n, uint8_t *memo)
{
	int lv[4], i, m;
	struct store_val val[4];

	if (memo[ctx])
		return memo[ctx] == 1;
	m = ctx_path(s, ctx, lv, val);
	memo[ctx] = 2;
	if ((size_t)m != n)
		return 0;
	for (i = 0; i < m; i++)
		if (lv[i] != path[i].level || !val_eq(&val[i], &path[i].key))
			return 0;
	memo[ctx] = 1;
	return 1;
}

/* The lower levels (peer, port) of a record; returns how many. */
static int
rec_lower(const struct store *s, const struct store_rec *r, int has_local,
    uint64_t local, int *lv, struct store_val *val)
{
	struct store_val src, dst, dir, sp, dp;
	int n = 0;

	if (store_rec_carries(s, r, F_SRCADDR) &&
	    store_rec_carries(s, r, F_DSTADDR)) {
		store_rec_val(s, r, F_SRCADDR, &src);
		store_rec_val(s, r, F_DSTADDR, &dst);
		store_rec_val(s, r, F_FLOW_DIRECTION, &dir);
		lv[n] = VIEW_LV_PEER;
		if (dir.has && dir.v == DIR_INGRESS)
			val[n] = src;
		else if (dir.has && dir.v == DIR_EGRESS)
			val[n] = dst;
		else if (has_local && src.has && src.v == local)
			val[n] = dst;
		else if (has_local && dst.has && dst.v == local)
			val[n] = src;
		else
			val[n] = dst;
		n++;
	}
	if (store_rec_carries(s, r, F_SRCPORT) ||
	    store_rec_carries(s, r, F_DSTPORT)) {
		store_rec_val(s, r, F_SRCPORT, &sp);
		store_rec_val(s, r, F_DSTPORT, &dp);
		lv[n] = VIEW_LV_PORT;
		if (sp.has && (!dp.has || sp.v < dp.v))
			val[n] = sp;
		else
			val[n] = dp;
		n++;
	}
	return n;
}

/* Learn the own address of the records a walk visits: the address in most
 * records without flow-direction (ties: smaller address). */
static int
learn_local(struct view *v, const struct view_node *path, size_t nctx,
    uint8_t *memo, uint64_t *local)
{
	const struct store *s = v->s;
	const struct store_rec *r;
	struct store_val src, dst, dir, best = { 0, 0 };
	uint64_t bestn = 0;
	struct gtab freq;
	struct walk w;
	uint32_t i;
	int created;

	if (gtab_init(&freq, 64) < 0)
		return 0;
	walk_start(&w, s, nctx ? path[nctx - 1].level : -1,
	    nctx ? &path[nctx - 1].key : NULL);
	while ((r = walk_next(&w)) != NULL) {
		if (!ctx_is(s, store_rec_ctx(r), path, nctx, memo) ||
		    !passes(v, r) || !store_rec_carries(s, r, F_SRCADDR) ||
		    !store_rec_carries(s, r, F_DSTADDR))
			continue;
		if (store_rec_val(s, r, F_FLOW_DIRECTION, &dir))
			continue;
		store_rec_val(s, r, F_SRCADDR, &src);
		store_rec_val(s, r, F_DSTADDR, &dst);
		if (src.has && (i = gtab_get(&freq, src.v, 0, 1, &created)) !=
		    UINT32_MAX)
			freq.g[i].t.recs++;
		if (dst.has && (!src.has || dst.v != src.v) &&
		    (i = gtab_get(&freq, dst.v, 0, 1, &created)) != UINT32_MAX)
			freq.g[i].t.recs++;
	}
	for (i = 0; i <= freq.mask; i++) {
		struct store_val a = { freq.g[i].k0, 1 };

		if (!freq.g[i].used)
			continue;
		if (freq.g[i].t.recs > bestn || (freq.g[i].t.recs == bestn &&
		    store_val_cmp(s, F_SRCADDR, &a, &best) < 0)) {
			bestn = freq.g[i].t.recs;
			best = a;
		}
	}
	gtab_free(&freq);
	*local = best.v;
	return best.has;
}

/* Group the records under path[0..depth) (whose context part is
 * path[0..nctx)) by their next lower level. */
static void
tree_walk(struct view *v, const struct view_node *path, size_t nctx,
    size_t depth, struct gtab *ch)
{
	const struct store *s = v->s;
	const struct store_rec *r;
	uint8_t *memo = calloc(store_ctx_limit(s) + 1, 1);
	uint64_t local = 0;
	int has_local;
	struct walk w;

	if (memo == NULL)
		return;
	has_local = learn_local(v, path, nctx, memo, &local);
	walk_start(&w, s, nctx ? path[nctx - 1].level : -1,
	    nctx ? &path[nctx - 1].key : NULL);
	while ((r = walk_next(&w)) != NULL) {
		int lv[2], m, i, ok = 1, timed;
		struct store_val val[2];
		struct store_totals c;
		uint32_t t0 = 0, t1 = 0;

		if (!ctx_is(s, store_rec_ctx(r), path, nctx, memo) ||
		    !passes(v, r))
			continue;
		m = rec_lower(s, r, has_local, local, lv, val);
		if ((size_t)m <= depth - nctx)
			continue;	/* ends at this node */
		for (i = 0; (size_t)i < depth - nctx; i++)
			if (lv[i] != path[nctx + i].level ||
			    !val_eq(&val[i], &path[nctx + i].key))
				ok = 0;
		if (!ok)
			continue;
		store_rec_totals(s, r, &c);
		timed = store_rec_span(s, r, &t0, &t1);
		i = (int)(depth - nctx);
		child_add(ch, lv[i], &val[i], NULL, &c, timed, t0, t1);
	}
	free(memo);
}

/* Sort state for tree children. */
struct csort {
	const struct store *s;
	const struct grp *g;
	enum store_rank by;
};

/* Tell whether child a comes before child b. */
static int
child_before(const struct csort *cs, uint32_t a, uint32_t b)
{
	const struct grp *x = &cs->g[a], *y = &cs->g[b];
	uint64_t mx = vtot_metric(&x->t, cs->by), my = vtot_metric(&y->t, cs->by);
	struct store_val kx = { x->k1, x->has }, ky = { y->k1, y->has };

	if (mx != my)
		return mx > my;
	if (x->k0 != y->k0)
		return x->k0 < y->k0;
	return store_val_cmp(cs->s, level_field[x->k0], &kx, &ky) < 0;
}

/* Merge sort idx[0..n) with tmp as scratch. */
static void
child_sort(const struct csort *cs, uint32_t *idx, uint32_t *tmp, size_t n)
{
	size_t width, i;

	for (width = 1; width < n; width *= 2) {
		for (i = 0; i < n; i += 2 * width) {
			size_t lo = i, mid = i + width < n ? i + width : n;
			size_t hi = i + 2 * width < n ? i + 2 * width : n;
			size_t a = lo, b = mid, k = lo;

			while (a < mid && b < hi)
				tmp[k++] = child_before(cs, idx[b], idx[a]) ?
				    idx[b++] : idx[a++];
			while (a < mid)
				tmp[k++] = idx[a++];
			while (b < hi)
				tmp[k++] = idx[b++];
		}
		memcpy(idx, tmp, n * sizeof *idx);
	}
}

/* Children of the node at path[0..depth). */
size_t
view_tree_children(struct view *v, const struct view_node *path,
    size_t depth, enum store_rank by, struct view_node *out, size_t max,
    size_t *nchildren)
{
	const struct store *s = v->s;
	size_t nctx = 0, i, n = 0, written = 0;
	uint32_t *idx = NULL, *tmp = NULL, lim, ctx;
	struct gtab ch;
	int walk = 0;
	struct csort cs;

	*nchildren = 0;
	if (v->kind != VK_TREE || depth > VIEW_LV_COUNT)
		return 0;
	for (i = 0; i < depth; i++) {
		if (path[i].level < 0 || path[i].level >= VIEW_LV_COUNT ||
		    (i && path[i].level <= path[i - 1].level))
			return 0;
		if (path[i].level <= VIEW_LV_ENI)
			nctx = i + 1;
	}
	view_sync(v);
	if (gtab_init(&ch, 64) < 0)
		return 0;
	if (nctx == depth) {
		lim = store_ctx_limit(s);
		for (ctx = 1; ctx < lim; ctx++) {
			struct store_totals t;
			struct store_val val[4];
			struct vtot vt;
			int lv[4], m, k, ok = 1;

			if (v->direct) {
				if (store_ctx_totals(s, ctx, &t) < 0 ||
				    t.records == 0)
					continue;
				vt.recs = t.records;
				vt.flows = t.flows;
				vt.rejects = t.rejects;
				vt.skipdata = t.skipdata;
				vt.packets = t.packets;
				vt.bytes = t.bytes;
			} else {
				uint32_t gi = gtab_find(&v->tab, ctx, 0, 1);

				if (gi == UINT32_MAX || v->tab.g[gi].t.recs == 0)
					continue;
				vt = v->tab.g[gi].t;
			}
			m = ctx_path(s, ctx, lv, val);
			if ((size_t)m < depth)
				continue;
			for (k = 0; (size_t)k < depth; k++)
				if (lv[k] != path[k].level ||
				    !val_eq(&val[k], &path[k].key))
					ok = 0;
			if (!ok)
				continue;
			if ((size_t)m > depth)
				child_add(&ch, lv[depth], &val[depth], &vt, NULL,
				    0, 0, 0);
			else
				walk = 1;
		}
	} else
		walk = 1;
	if (walk)
		tree_walk(v, path, nctx, depth, &ch);
	idx = malloc(((size_t)ch.live + 1) * sizeof *idx);
	tmp = malloc(((size_t)ch.live + 1) * sizeof *tmp);
	if (idx && tmp) {
		for (i = 0; i <= ch.mask; i++)
			if (ch.g[i].used)
				idx[n++] = (uint32_t)i;
		cs.s = s;
		cs.g = ch.g;
		cs.by = by;
		child_sort(&cs, idx, tmp, n);
		for (i = 0; i < n && written < max; i++) {
			const struct grp *g = &ch.g[idx[i]];
			struct view_node *o = &out[written++];

			o->level = (int)g->k0;
			o->key.v = g->k1;
			o->key.has = g->has;
			vtot_public(&g->t, &o->t);
			if (g->used == 1) {
				o->t.times = g->last >= g->first;
				o->t.first = o->t.times ? g->first : 0;
				o->t.last = o->t.times ? g->last : 0;
			}
		}
		*nchildren = n;
	}
	free(idx);
	free(tmp);
	gtab_free(&ch);
	return written;
}
