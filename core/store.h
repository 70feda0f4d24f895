/*
 * store.h - the indexed ring of flow records.
 *
 * The store keeps the most recent records in a fixed-capacity ring (oldest
 * out first), each under a monotonic 64-bit sequence number, and keeps
 * indexes over them: for each indexed key, the records that have it
 * (newest first, in time proportional to their number) and running totals
 * (records, flows, packets, bytes, rejects, NODATA, SKIPDATA, first and
 * last seen).  Every append and every eviction updates them.
 *
 * Nothing outside the store and its views (view.h) walks the ring; the TUI
 * panes and the batch printer ask questions through these two headers.
 *
 * Records are compact (struct store_rec, 44 bytes, plus a chain link per
 * index: 2 bytes for the five of few keys, 4 for the others): text and addresses live in reference-counted intern
 * tables (intern.h) and records hold small ids.  store_get turns a record
 * back into a struct flow equal to the one appended.
 *
 * Flows, NODATA and SKIPDATA.  A record whose log-status is NODATA or
 * SKIPDATA is not a flow: it counts in `records` and in `nodata` or
 * `skipdata`, never in flows, packets, bytes or rejects.  Every other
 * record (log-status OK or absent) is one flow.
 *
 * Times.  A record's event-time span is [t0, t1]: t0 = start (or end when
 * start is absent), t1 = end (or start), and t1 is raised to t0 when end <
 * start.  A record with neither start nor end has no span: it counts in
 * totals but in no time-based figure.  Times are Unix seconds; values past
 * 2^32 - 1 (year 2106) saturate in spans, first/last and timelines, while
 * store_get still returns the exact value.
 */
#ifndef VPCTOP_STORE_H
#define VPCTOP_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "field.h"
#include "flow.h"
#include "format.h"

/* "No record": returned by store_append on failure, and as an end mark. */
#define STORE_NONE UINT64_MAX

/* Capacity when neither --capacity nor --memory is given (~400 MB). */
#define STORE_DEFAULT_CAPACITY (4u * 1024 * 1024)

/* Largest capacity (chain links are 32-bit distances). */
#define STORE_MAX_CAPACITY 0x7fffffffu

/* The indexes. */
enum store_index {
	STORE_IX_ACCOUNT,	/* account-id */
	STORE_IX_VPC,		/* vpc-id */
	STORE_IX_SUBNET,	/* subnet-id */
	STORE_IX_ENI,		/* interface-id */
	STORE_IX_SRCADDR,	/* srcaddr */
	STORE_IX_DSTADDR,	/* dstaddr */
	STORE_IX_PAIR,		/* (srcaddr, dstaddr) */
	STORE_IX_DSTPORT,	/* dstport */
	STORE_IX_ACTION,	/* action */
	STORE_IX_COUNT
};

/*
 * A compact record (44 bytes).  Numbers and enums are kept in place; text
 * and addresses are intern ids (0: absent); the per-interface fields
 * (account, interface, VPC, subnet, instance, region, AZ, sublocation,
 * tags, ECS, resource, TGW ids) and the version and format are one
 * "context" tuple id, the rarely used per-flow details (pkt-* addresses
 * that differ from srcaddr/dstaddr, AWS service names, reject-reason,
 * next-hop-*, tgw-src/dst-*, packets-lost-*) one "detail" tuple id (0:
 * none).  Read fields through store_rec_val and store_rec_value, not
 * directly: the layout may change.
 */
struct store_rec {
	uint32_t bytes_lo, bytes_hi;
	uint32_t packets;	/* exact value in the wide table if STORE_H_WIDE */
	uint32_t start;
	uint32_t ctx;		/* context tuple id */
	uint32_t aux;		/* detail tuple id, 0: no detail */
	uint32_t src, dst;	/* address ids, 0: absent */
	uint16_t sport, dport;
	uint16_t dur;		/* end - start */
	uint16_t has;		/* STORE_H_* */
	uint8_t proto, tcp_flags;
	uint8_t e1;		/* action | log-status << 2 | type << 4 | direction << 6 */
	uint8_t e2;		/* traffic-path | (encryption-status + 1) << 4 */
};

/* Presence and escape bits of store_rec.has. */
enum {
	STORE_H_SPORT = 1 << 0, STORE_H_DPORT = 1 << 1,
	STORE_H_PROTO = 1 << 2, STORE_H_PACKETS = 1 << 3,
	STORE_H_BYTES = 1 << 4, STORE_H_START = 1 << 5,
	STORE_H_END = 1 << 6, STORE_H_TCPFLAGS = 1 << 7,
	STORE_H_WIDE = 1 << 8,	/* packets, start or end did not fit */
	STORE_H_MSTIME = 1 << 9,	/* FLOW_MS_TIME */
	STORE_H_PSRC_SHIFT = 10,	/* 2 bits: pkt-srcaddr code */
	STORE_H_PDST_SHIFT = 12		/* 2 bits: pkt-dstaddr code */
};

/* pkt-srcaddr / pkt-dstaddr codes in store_rec.has: absent, the same
 * address as srcaddr (dstaddr), the other side's, or in the detail. */
enum {
	STORE_PC_ABSENT, STORE_PC_SAME, STORE_PC_OTHER_SIDE, STORE_PC_DETAIL
};

/* Bytes of ring memory per record: the record and one link per index
 * (16-bit for the five indexes of few keys, 32-bit for the other four). */
#define STORE_REC_BYTES (sizeof(struct store_rec) + 2 * 5 + 4 * 4)

/* Bytes per record set aside for index and intern tables when a memory
 * budget is turned into a capacity (bench/bench_store measured 10.6 for a
 * full 4M ring of generated v5 traffic: 407k address pairs, 54k ports). */
#define STORE_TABLE_ALLOWANCE 16

/* A value as the store keys it: a symbol id, an address id, or the number
 * itself (ports, protocol, enum values, counters, times). */
struct store_val {
	uint64_t v;
	uint32_t has;		/* 0: absent ("-") */
};

/* Totals over a set of records. */
struct store_totals {
	uint64_t records;	/* flows + nodata + skipdata */
	uint64_t flows;
	uint64_t packets;
	uint64_t bytes;
	uint64_t rejects;	/* flows with action REJECT */
	uint64_t nodata;
	uint64_t skipdata;
	uint32_t first;		/* min t0, when times == 1 */
	uint32_t last;		/* max t1, when times == 1 */
	int times;		/* 1: first/last valid; 0: no record has a
				 * span; -1: not computed (see the caller) */
};

/* What a ranking sorts by. */
enum store_rank { STORE_BY_BYTES, STORE_BY_PACKETS, STORE_BY_FLOWS };

/* One row of a top-N answer: the key (key[1] used by pairs only), its
 * totals, and its share of the grand total by the ranking metric. */
struct store_row {
	struct store_val key[2];
	struct store_totals t;
	double share;
};

/* An iterator over one key's records, newest first. */
struct store_chain {
	const struct store *s;
	int ix;
	uint64_t seq;		/* next to return, STORE_NONE at the end */
	uint32_t pos;
};

/* Figures for --stats. */
struct store_stats {
	uint64_t capacity;
	uint64_t records;	/* in the ring */
	uint64_t appended;	/* ever */
	uint64_t evicted;	/* ever */
	uint64_t dropped;	/* appends refused for lack of memory */
	uint64_t flows, nodata, skipdata;	/* in the ring */
	uint64_t keys[STORE_IX_COUNT];	/* distinct keys per index */
	uint64_t symbols, addresses, contexts, details, formats, wide;
	uint64_t mem_ring;	/* records, links, time blocks */
	uint64_t mem_index;	/* key entries, maps, hash slots */
	uint64_t mem_intern;	/* symbol, address and tuple tables */
	uint64_t mem_total;
	double bytes_per_record;	/* mem_total / records (0 if empty) */
};

/* Called with each record about to be evicted (still intact). */
typedef void (*store_evict_fn)(void *arg, uint64_t seq,
    const struct store_rec *r);

struct store;

/* Create a store holding at most capacity records (1..STORE_MAX_CAPACITY);
 * ring memory grows as records arrive.  NULL when out of memory. */
struct store *store_new(uint64_t capacity);

/* Free a store (its views must be freed first). */
void store_free(struct store *s);

/* Capacity that fits a memory budget of bytes: budget divided by
 * STORE_REC_BYTES + STORE_TABLE_ALLOWANCE, at least 1. */
uint64_t store_capacity_for_memory(uint64_t bytes);

/* Parse a size such as "512M", "2G", "1.5G", "64k" (binary multiples,
 * optional trailing B/iB) or plain bytes; 0 on success, -1 if bad. */
int store_parse_size(const char *text, uint64_t *bytes);

/* Copy a record into the ring (interning its text and addresses; the
 * caller's line may go), evicting the oldest when full.  Returns the new
 * record's sequence number, or STORE_NONE when out of memory (counted in
 * dropped; the store is unchanged apart from the eviction). */
uint64_t store_append(struct store *s, const struct flow *f);

/* Sequence number of the oldest record in the ring. */
uint64_t store_first(const struct store *s);

/* Sequence number the next record will get (the ring is [first, next)). */
uint64_t store_next(const struct store *s);

/* Capacity in records. */
uint64_t store_capacity(const struct store *s);

/* The record seq, or NULL when it is not in the ring. */
const struct store_rec *store_rec_at(const struct store *s, uint64_t seq);

/* The records from seq on that lie one after the other in memory: a
 * pointer to record seq and their number in *n (0 and NULL when seq is
 * not in the ring).  For scans: step r + 1 up to r + *n - 1. */
const struct store_rec *store_recs(const struct store *s, uint64_t seq,
    size_t *n);

/* Rebuild record seq as a struct flow; 0, or -1 when not in the ring.
 * Symbols point into the store and stay valid while the record is in the
 * ring; fmt points to the store's copy of the record's format (or NULL). */
int store_get(const struct store *s, uint64_t seq, struct flow *out);

/* Rebuild a record given by pointer (see store_get). */
void store_rec_flow(const struct store *s, const struct store_rec *r,
    struct flow *out);

/* The record's format (the store's copy), or NULL. */
const struct format *store_rec_format(const struct store *s,
    const struct store_rec *r);

/* Tell whether the record's format carries field (with no format: whether
 * the record has it). */
int store_rec_carries(const struct store *s, const struct store_rec *r,
    int field);

/* Key value of field in a record (symbol id, address id or number);
 * returns out->has. */
int store_rec_val(const struct store *s, const struct store_rec *r,
    int field, struct store_val *out);

/* Value of field in a record as struct flow holds it (symbols point into
 * the store); returns 1 when present. */
int store_rec_value(const struct store *s, const struct store_rec *r,
    int field, union flow_val *out);

/* Fast read of a number or enum kept in the record itself (ports,
 * protocol, tcp-flags, bytes, packets/start/end when not wide, action,
 * log-status, type, flow-direction, traffic-path) and of the srcaddr and
 * dstaddr ids: 1 present, 0 absent, -1 when field is not one of these
 * (ask store_rec_val).  For scans: inline, no table lookups. */
static inline __attribute__((always_inline)) int
store_rec_fast(const struct store_rec *r, int field, uint64_t *v)
{
	switch (field) {
	case F_SRCADDR:
		*v = r->src;
		return r->src != 0;
	case F_DSTADDR:
		*v = r->dst;
		return r->dst != 0;
	case F_SRCPORT:
		*v = r->sport;
		return (r->has & STORE_H_SPORT) != 0;
	case F_DSTPORT:
		*v = r->dport;
		return (r->has & STORE_H_DPORT) != 0;
	case F_PROTOCOL:
		*v = r->proto;
		return (r->has & STORE_H_PROTO) != 0;
	case F_TCP_FLAGS:
		*v = r->tcp_flags;
		return (r->has & STORE_H_TCPFLAGS) != 0;
	case F_BYTES:
		*v = (uint64_t)r->bytes_hi << 32 | r->bytes_lo;
		return (r->has & STORE_H_BYTES) != 0;
	case F_PACKETS:
		if (r->has & STORE_H_WIDE)
			return -1;
		*v = r->packets;
		return (r->has & STORE_H_PACKETS) != 0;
	case F_START:
		if (r->has & STORE_H_WIDE)
			return -1;
		*v = r->start;
		return (r->has & STORE_H_START) != 0;
	case F_END:
		if (r->has & STORE_H_WIDE)
			return -1;
		*v = (uint64_t)r->start + r->dur;
		return (r->has & STORE_H_END) != 0;
	case F_ACTION:
		*v = r->e1 & 3;
		return *v != 0;
	case F_LOG_STATUS:
		*v = (r->e1 >> 2) & 3;
		return *v != 0;
	case F_TYPE:
		*v = (r->e1 >> 4) & 3;
		return *v != 0;
	case F_FLOW_DIRECTION:
		*v = (r->e1 >> 6) & 3;
		return *v != 0;
	case F_TRAFFIC_PATH:
		*v = r->e2 & 15;
		return *v != 0;
	case F_PKT_SRCADDR:
	case F_PKT_DSTADDR: {
		int src = field == F_PKT_SRCADDR;
		unsigned code = (r->has >> (src ? STORE_H_PSRC_SHIFT :
		    STORE_H_PDST_SHIFT)) & 3;

		if (code == STORE_PC_DETAIL)
			return -1;
		if (code == STORE_PC_ABSENT)
			return 0;
		*v = (code == STORE_PC_SAME) == src ? r->src : r->dst;
		return 1;
	}
	default:
		return -1;
	}
}

/* 1 when the record has a detail tuple (else every field for which
 * store_field_detail is 1 is absent). */
static inline int
store_rec_has_detail(const struct store_rec *r)
{
	return r->aux != 0;
}

/* The record's detail tuple id (0: none), for caches keyed by it (valid
 * while store_recycled stays the same). */
static inline uint32_t
store_rec_detail_id(const struct store_rec *r)
{
	return r->aux;
}

/* The record's event-time span; returns 0 when it has none. */
int store_rec_span(const struct store *s, const struct store_rec *r,
    uint32_t *t0, uint32_t *t1);

/* The record's contribution to totals (times not set). */
void store_rec_totals(const struct store *s, const struct store_rec *r,
    struct store_totals *t);

/* Write a key value as text ("-" when absent); returns the length. */
size_t store_val_text(const struct store *s, int field,
    const struct store_val *v, char *buf, size_t size);

/* Order of two values of field: absent last, symbols by bytes, addresses
 * by their 16 bytes (IPv4 before IPv6), numbers by value. */
int store_val_cmp(const struct store *s, int field, const struct store_val *a,
    const struct store_val *b);

/* Turn text into a key value of field; 0, or -1 when the text is bad or
 * (for text and addresses) no record in the ring has it. */
int store_val_parse(const struct store *s, int field, const char *text,
    size_t len, struct store_val *out);

/* Index of a field (f2 = -1) or of a pair of fields, or -1. */
int store_index_find(int f1, int f2);

/* The field(s) of an index; *f2 is -1 for single-field indexes. */
void store_index_fields(int ix, int *f1, int *f2);

/* Number of distinct keys an index holds. */
uint64_t store_index_keys(const struct store *s, int ix);

/* Totals of one key (key[1] for the pair index only), first/last exact
 * (recomputed from the key's chain when an extreme was evicted).  Returns
 * 0, or -1 when no record in the ring has the key. */
int store_key_totals(struct store *s, int ix, const struct store_val *key,
    struct store_totals *out);

/* Start iterating the records of a key, newest first. */
void store_chain_start(const struct store *s, int ix,
    const struct store_val *key, struct store_chain *c);

/* Next record of a chain: 1 with *seq, or 0 at the end. */
int store_chain_next(struct store_chain *c, uint64_t *seq);

/* Top n keys of an index by a metric, from the index's totals (no scan).
 * Keys without flows are left out.  Ties go to the smaller key
 * (store_val_cmp order).  With want_times, first/last are exact for the
 * rows returned (a chain walk per stale row); else rows whose extremes
 * were evicted have times -1 (the others are exact).  Returns
 * the number of rows written; *ngroups gets the number of candidate keys,
 * *total the ring's totals. */
size_t store_index_top(struct store *s, int ix, enum store_rank by, size_t n,
    int want_times, struct store_row *rows, size_t *ngroups,
    struct store_totals *total);

/* Call fn for every key of an index (records without flows included), in
 * no particular order, with its totals (times -1 where stale); returns
 * the number of keys. */
size_t store_index_each(struct store *s, int ix, void (*fn)(void *arg,
    const struct store_val *key, const struct store_totals *t), void *arg);

/* Totals of the whole ring (first/last: store_span). */
void store_totals(const struct store *s, struct store_totals *t);

/* Newest t1 of every record ever appended; 0 when none had a span. */
int store_watermark(const struct store *s, uint32_t *t);

/* The event-time span [t0, t1] the ring covers now; 0 when none. */
int store_span(const struct store *s, uint32_t *t0, uint32_t *t1);

/* One more than the highest context id (bound for per-context arrays). */
uint32_t store_ctx_limit(const struct store *s);

/* Context id of a record. */
uint32_t store_rec_ctx(const struct store_rec *r);

/* Totals of a live context (every record using it; no times); -1 when the
 * id is free. */
int store_ctx_totals(const struct store *s, uint32_t ctx,
    struct store_totals *t);

/* Drill-down levels a context carries (bit 0 account-id, 1 vpc-id,
 * 2 subnet-id, 3 interface-id) and their values in vals[0..3]. */
unsigned store_ctx_levels(const struct store *s, uint32_t ctx,
    struct store_val vals[4]);

/* Pin a key value so its id is not reused while a view holds it. */
void store_val_ref(struct store *s, int field, const struct store_val *v);

/* Release a pin taken by store_val_ref. */
void store_val_unref(struct store *s, int field, const struct store_val *v);

/* Turn text into a key value of field like store_val_parse, but add a
 * symbol or address the ring does not hold yet, and pin it (release with
 * store_val_unref): records appended later with that value get the same
 * id.  0, or -1 when the text is bad or memory ran out. */
int store_val_intern(struct store *s, int field, const char *text,
    size_t len, struct store_val *out);

/* The address behind an address id (a record's src/dst, or a pin). */
const struct flow_addr *store_addr(const struct store *s, uint32_t id);

/* The text behind a symbol id, not NUL-terminated, length in *len. */
const char *store_sym(const struct store *s, uint32_t id, uint32_t *len);

/* 1 when a field lives in the detail tuple (see store_rec_has_detail). */
int store_field_detail(int field);

/* 1 when every record with the same context id (store_rec_ctx) has the
 * same value of field (the per-interface fields). */
int store_field_per_ctx(int field);

/* A count that changes whenever a symbol, context or detail id is freed
 * (and so may be reused for another value): caches keyed by those ids
 * stay valid while it stays the same. */
uint64_t store_recycled(const struct store *s);

/* Register a function called with each record before it is evicted;
 * 0, or -1 when out of memory. */
int store_watch(struct store *s, store_evict_fn fn, void *arg);

/* Remove a function registered with store_watch. */
void store_unwatch(struct store *s, store_evict_fn fn, void *arg);

/* Fill the --stats figures. */
void store_stats(const struct store *s, struct store_stats *st);

/* Recompute every index, total, time block and reference count from the
 * records in the ring and compare; 0 when all agree, else -1 with the
 * first difference in err.  For tests: time proportional to the ring. */
int store_verify(struct store *s, char *err, size_t errlen);

#endif
