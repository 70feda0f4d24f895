/*
 * store.c - the indexed ring of flow records.
 *
 * Design notes.
 *
 * Ring.  Records live in an array of struct store_rec (44 bytes) written
 * in sequence order: record seq sits at position seq mod nslots.  The ring
 * holds the live records [first, next), next - first <= cap; nslots is cap
 * plus a little room for records whose eviction is still in the pipeline
 * (below).  The record and link arrays are asked for at full size at
 * once and only touched pages cost memory, so a small input never costs
 * the full capacity; if that allocation fails they grow by doubling.
 * They get no huge pages (index tables do): they are written in order,
 * so 4 kB pages cost no TLB misses, and on a VM whose host backs memory
 * lazily a fresh huge page took 2-3 times as long per byte to fault in.
 * Their pages are populated POPULATE positions ahead of the appends
 * (MADV_POPULATE_WRITE, where the kernel has it): one call instead of a
 * page fault per 4 kB.
 * Appending to a full ring evicts record `first`.
 *
 * Compact records.  A record keeps numbers and enums in place and ids for
 * everything else (intern.c):
 *   - src, dst: address ids (IPv4 and IPv6 in one table);
 *   - ctx: a "context" tuple of the 31 per-interface fields (account,
 *     interface, VPC, subnet, instance, region, AZ, sublocation, resource,
 *     interface type, tags, ECS, TGW and attachment ids, version) plus the
 *     format id and its drill-down levels.  They do not vary between the
 *     records of one interface, so a v5 record pays 4 bytes for all;
 *   - aux: a "detail" tuple of the per-flow fields that are mostly absent
 *     or repetitive (AWS service names, reject-reason, next-hop-*,
 *     tgw-src/dst-*, packets-lost-*, and the pkt-* addresses when they
 *     differ from srcaddr/dstaddr: a 2-bit code in `has` says "absent",
 *     "same as srcaddr", "same as dstaddr" or "in the detail tuple");
 *   - packets is 32-bit and end is a 16-bit distance from start: a record
 *     whose packets, start or end do not fit that (or whose end precedes
 *     its start, or which has only one of the two times) is "wide" and
 *     keeps its exact values in a side table keyed by position.  Real
 *     traffic never needs it (a flow of 4G packets, a span of 18 hours),
 *     so the escape costs nothing in practice and keeps values exact.
 *
 * Indexes and chains.  Each index has, per position, a link: the
 * distance back to the previous record with the same key (0: none).  The
 * links of srcaddr, dstaddr, the pair and dstport are 32-bit.  Account,
 * VPC, subnet, interface and action have few keys, so their distances are
 * short and their links 16-bit: a distance of 0xffff or more is written
 * as 0xffff and kept exactly in the "far" table, keyed by index and
 * sequence number (so an entry can never be taken for a later record's);
 * store_append reserves room there for the queued indexings, and a full
 * table is rebuilt without the entries of evicted records.
 * Links are staged for 32 positions at a time and a full group is written
 * as one or two cache lines per index with non-temporal stores (nothing
 * reads a link soon, so its line need not be fetched); drain() writes out
 * a partial group before any reader walks a chain.  A
 * key's entry holds the low 32 bits of its newest record's sequence number
 * (the head) and its totals.  Walking a chain is head, head - link, ...,
 * stopping at 0 or below `first`: an eviction never unlinks anything, the
 * links into the evicted part just become ends.  Distances fit 32 bits
 * because a key's head is always in the ring when a record links to it.
 * Entries are a dense array per index with a free list threaded through
 * the free entries.  A ring of PREALLOC_MIN positions or more reserves
 * each array for as many entries as records it can index, address space
 * only: it never grows by copying (a copy also faults in a fresh table),
 * pages come as entries are taken, and huge pages are asked for once it
 * passes 2 MB.  Smaller rings (or when the reservation fails) grow the
 * arrays by half as they fill.  An entry is one 64-byte cache line (the arrays are
 * line-aligned), with records/flows and rejects/skipdata packed as two
 * 64-bit words, so indexing a record into a key is one line and a few
 * adds.  How an index finds a key's entry:
 *   - account, VPC, subnet, interface: all four come from the record's
 *     context, which caches their entries (ctxdata.ent), so a record
 *     costs no lookup at all for them;
 *   - srcaddr, dstaddr: the address intern id is small and dense, so a
 *     direct map indexed by the id;
 *   - dstport, action: a direct map indexed by the value (an absent
 *     dstport is key 65536);
 *   - the (srcaddr, dstaddr) pair: an open-addressing hash whose 8-byte
 *     slots are entry + 1 and the high 32 bits of the hash, which also
 *     give the home slot (linear probing, backward-shift deletion; a slot
 *     says where it belongs, so neither deletion nor rehashing reads an
 *     entry), the hash computed once per queued operation.  The entry the
 *     prefetch step found travels with the operation and is used after a
 *     check that it still holds records of that key.
 * apply_add and apply_evict update the nine indexes with one call each
 * (a constant index: no loop over a switch).  When a key's last record
 * goes, its entry is freed; an entry is created with the head of the
 * record about to join it, so the link (seq - head) needs no test.  Every
 * record has one action key (0: none), so the ring's totals are the sum
 * of the action index's entries and are not kept apart.  store_append
 * reserves entry room for 256 appends at a time (index_reserve), so most
 * appends only check that their direct-map keys fit and the pair hash
 * has room.
 *
 * Context memo.  A record's context tuple is found through a 4096-slot
 * direct-mapped memo, slotted by format id and the tail of interface-id
 * (else account-id).  A slot (two cache lines) holds a context id, the
 * id's generation and a copy of the key it was found for: the format's
 * context fields as length-prefixed bytes.  The record's fields are
 * compared with that copy, so a hit reads the slot and the tuple's own
 * entry (for its reference count) and never the tuple's blob; only a
 * miss builds, hashes and probes the blob.  A freed or reused id has a
 * new generation and just misses, so the memo needs no upkeep.  Formats
 * whose context key passes 116 bytes (long tags, ARNs) always miss.
 *
 * The pipeline.  Index upkeep is random access into tables far larger
 * than the caches, and on a virtual machine a miss costs 200 ns or more.
 * So store_append does the record's own work at once (intern, write the
 * record; the context memo slot and the address hash slots are
 * prefetched first) and queues two operations, "evict the oldest" (when full) and
 * "index the new record", which are applied in that same order 32
 * operations later.  Each queued operation prefetches what it will touch
 * in two steps (when queued: the pair hash slot, the direct map cells and
 * the context's data; 8 operations later: the entries they name and the
 * context's interface entry), so the
 * misses of many records overlap instead of adding up.  Every function
 * that reads logical state (first, totals, indexes, chains, views) first
 * drains the queue, so callers never see the lag.  Records whose eviction
 * is queued stay intact (the ring has room for them) and their ids stay
 * referenced until then.  Everything the queued work could need to
 * allocate is reserved by store_append, so applying never fails.
 *
 * First and last seen.  Records leave in sequence order but their times
 * are out of order, so an eviction can remove a key's minimum start or
 * maximum end.  The entry then marks that extreme stale, and the next
 * reader (store_key_totals, store_index_top with times) recomputes it
 * exactly from the key's chain.  Appends keep fresh extremes fresh.  So
 * first/last are always exact when read; a read costs one chain walk per
 * stale key, an append or eviction never more than O(1).  The span of
 * the whole ring uses per-256-record blocks of min t0 / max t1 instead
 * (a query is O(capacity / 256)).
 *
 * Memory.  44 bytes of record plus 5 x 2 + 4 x 4 bytes of links = 70
 * bytes per position; key entries are 64 bytes each (counted up to the
 * highest taken) and the intern tables
 * hold only distinct values, which is how a 4M ring of v5 records stays
 * well under 96 bytes per record with every table included (bench/
 * bench_store measures it).  Nothing is allocated per record.  An
 * append that cannot get memory is refused (dropped) and leaves the store
 * consistent.
 *
 * Eviction and views.  Functions registered with store_watch are called
 * with each record just before its eviction is applied, while its ids are
 * intact; views (view.c) use that to subtract it, and add new records
 * lazily.
 */
/* madvise and MADV_HUGEPAGE (sys/mman.h) are outside strict C11 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "intern.h"
#include "store_scan.h"

/* Per-interface fields: the context tuple.  The first four are the
 * drill-down levels and the context-cached indexes. */
static const uint8_t ctx_fields[] = {
	F_ACCOUNT_ID, F_INTERFACE_ID, F_VPC_ID, F_SUBNET_ID, F_VERSION,
	F_INSTANCE_ID, F_REGION, F_AZ_ID, F_SUBLOCATION_TYPE,
	F_SUBLOCATION_ID, F_RESOURCE_ID, F_INTERFACE_TYPE, F_INSTANCE_TAG,
	F_INSTANCE_TAG_2, F_INTERFACE_TAG, F_INTERFACE_TAG_2, F_ASG_TAG,
	F_ASG_TAG_2, F_ECS_CLUSTER_ARN, F_ECS_CLUSTER_NAME,
	F_ECS_CONTAINER_INSTANCE_ARN, F_ECS_CONTAINER_INSTANCE_ID,
	F_ECS_CONTAINER_ID, F_ECS_SECOND_CONTAINER_ID, F_ECS_SERVICE_NAME,
	F_ECS_TASK_DEFINITION_ARN, F_ECS_TASK_ARN, F_ECS_TASK_ID,
	F_RESOURCE_TYPE, F_TGW_ID, F_TGW_ATTACHMENT_ID
};
enum { CP_ACCOUNT, CP_ENI, CP_VPC, CP_SUBNET };

/* Per-flow details: the detail tuple.  pkt-* addresses come first. */
static const uint8_t aux_fields[] = {
	F_PKT_SRCADDR, F_PKT_DSTADDR, F_PKT_SRC_AWS_SERVICE,
	F_PKT_DST_AWS_SERVICE, F_REJECT_REASON, F_NEXT_HOP_INTERFACE_ID,
	F_NEXT_HOP_SUBNET_ID, F_NEXT_HOP_AZ_ID, F_NEXT_HOP_VPC_ID,
	F_NEXT_HOP_INTERFACE_TYPE, F_TGW_SRC_VPC_ACCOUNT_ID,
	F_TGW_DST_VPC_ACCOUNT_ID, F_TGW_SRC_VPC_ID, F_TGW_DST_VPC_ID,
	F_TGW_SRC_SUBNET_ID, F_TGW_DST_SUBNET_ID, F_TGW_SRC_ENI,
	F_TGW_DST_ENI, F_TGW_SRC_AZ_ID, F_TGW_DST_AZ_ID,
	F_TGW_PAIR_ATTACHMENT_ID, F_PACKETS_LOST_NO_ROUTE,
	F_PACKETS_LOST_BLACKHOLE, F_PACKETS_LOST_MTU_EXCEEDED,
	F_PACKETS_LOST_TTL_EXPIRED
};
enum { AP_PSRC, AP_PDST };

#define NCTX ((int)sizeof ctx_fields)
#define NAUX ((int)sizeof aux_fields)

/* Context extra word: drill-down level bits, a bit that keeps a context
 * from ever being empty, and the format id from bit 16. */
enum { LV_ACCOUNT = 1, LV_VPC = 2, LV_SUBNET = 4, LV_ENI = 8 };
#define CTX_ALWAYS 0x100u
#define CTX_FMT_SHIFT 16

/* pkt-* address codes kept in store_rec.has. */
enum {
	PC_ABSENT = STORE_PC_ABSENT, PC_SAME = STORE_PC_SAME,
	PC_OTHER_SIDE = STORE_PC_OTHER_SIDE, PC_DETAIL = STORE_PC_DETAIL
};

/* Key of an absent dstport in the port index. */
#define PORT_ABSENT 65536u

#define BLOCK_SHIFT 8
#define BLOCK (1u << BLOCK_SHIFT)

/* The pipeline: operations queued, applied when LAG are waiting; the
 * second prefetch step runs STAGE2 operations after queueing. */
#define QCAP 64
#define LAG 32
#define STAGE2 8

/* Context cache: 2^CTXCACHE_BITS recent context ids, direct-mapped. */
#define CTXCACHE_BITS 12

/* Appends covered by one full index_reserve (beyond the LAG queued). */
#define ROOM 256

/* No entry; the end of a free list; an unresolved context entry. */
#define NO_ENT UINT32_MAX

/* Links are staged for LGROUP positions, then written a line at a time. */
#define LGROUP 32

/* Rings of at least this many positions reserve their index entries at
 * full size (ix_prealloc). */
#define PREALLOC_MIN 65536

/* Ring positions whose pages are populated at a time (ring_populate). */
#define POPULATE 16384

/* Indexes of few keys (account, VPC, subnet, interface, action), whose
 * links are 16-bit: a distance of NEAR_ESC or more is written as NEAR_ESC
 * and kept exactly in the far table. */
#define IX_NEAR(ix) ((ix) <= STORE_IX_ENI || (ix) == STORE_IX_ACTION)
#define NEAR_ESC 0xffffu
#define NEAR_COUNT 5

/* An escaped link: key (seq << 4 | index) + 1 (0: empty slot). */
struct farlink {
	uint64_t key;
	uint64_t d;
};

/* Two 32-bit counters updated by one 64-bit add (neither half ever
 * carries or borrows into the other: counts stay below 2^31). */
union pair32 {
	uint64_t w;
	struct {
		uint32_t a, b;
	} h;
};

/* One key of an index.  recs/flows and rejects/skipdata are each one
 * 64-bit word, so an append updates them with two adds.  An entry is one
 * 64-byte cache line (entry arrays are line-aligned): updating a key
 * costs one miss, not two for most entries as at 56 bytes. */
struct ent {
	_Alignas(64) uint64_t key;
	uint64_t bytes;
	uint64_t packets;
	union {
		uint64_t rf;
		struct {
			uint32_t recs;	/* records in the ring; 0: free */
			uint32_t flows;
		};
	};
	union {
		uint64_t rs;
		struct {
			uint32_t rejects;
			uint32_t skipdata;
		};
	};
	uint32_t head;		/* low 32 bits of the newest record's seq;
				 * next free entry when the entry is free */
	uint32_t first;		/* min t0 (UINT32_MAX: none; 0 while stale) */
	uint32_t last;		/* max t1 (0: none; UINT32_MAX while stale) */
	uint32_t flags;		/* ENT_STALE_* */
};
enum { ENT_STALE_FIRST = 1, ENT_STALE_LAST = 2 };

/* An index: entries, free list, and a direct map or a hash to find them. */
struct sindex {
	struct ent *e;
	uint32_t ne, cape;	/* high-water mark, capacity */
	uint32_t freehead;	/* free entries, linked through head */
	uint32_t nfree;
	uint32_t live;
	uint32_t hugeat;	/* entry count at which to ask for huge pages
				 * (0: asked, or not reserved) */
	uint32_t *map;		/* key -> entry + 1 (direct) */
	uint32_t capmap;
	uint64_t *slot;		/* entry + 1 | hash tag << 32 (hashed) */
	uint32_t mask;
	uint8_t hashed;
};

/* Running totals of a set of records (at most a ring's: the counts fit
 * 32 bits, and recs/flows and rejects/skipdata are each one 64-bit word,
 * updated by one add as in an entry). */
struct tot {
	union {
		uint64_t rf;
		struct {
			uint32_t recs, flows;
		};
	};
	union {
		uint64_t rs;
		struct {
			uint32_t rejects, skipdata;
		};
	};
	uint64_t packets, bytes;
};

/* What the store keeps beside each context tuple. */
struct ctxdata {
	uint32_t ent[4];	/* account, VPC, subnet, interface; NO_ENT in
				 * ent[0]: not resolved */
	struct tot t;
};

/* A format seen, with the drill-down levels it carries and its context
 * fields (in ctx_fields order, the order of a context memo's key). */
struct fmtinfo {
	struct format *fmt;	/* NULL for id 0 */
	unsigned levels;
	uint8_t ncf;
	uint8_t cf[NCTX];
	uint8_t cnum[NCTX];	/* 1: cf[i] is a number, 0: a symbol */
	uint64_t cbits[2];	/* cf as bits of flow.present */
};

/* A context memo: a context id with its generation and the key it was
 * found for (the format's context fields of a record: per field 0xff for
 * absent, else a length byte below 0xfe and the text for a symbol, 0xfe
 * and 8 bytes for a number; so a key reads only one way).
 * A record of the same format whose fields give the same key bytes has
 * that context, as long as the id is still of that generation. */
#define CTXKEY 116
struct ctxmemo {
	_Alignas(64) uint32_t id;	/* 0: empty */
	uint32_t gen;
	uint16_t fmt;
	uint16_t len;
	uint8_t key[CTXKEY];
};

/* Exact values of a wide record. */
struct wide {
	uint32_t key;		/* position + 1, 0: empty slot */
	uint32_t pad;
	uint64_t packets, start, end;
};

/* Span summary of 256 consecutive sequence numbers. */
struct blk {
	uint32_t t0, t1;
};

struct watcher {
	store_evict_fn fn;
	void *arg;
};

/* A queued operation: index or evict the record seq at pos; h is the
 * hash of its (srcaddr, dstaddr) pair, computed once when queued. */
struct op {
	uint64_t seq;
	uint64_t h;
	uint32_t pos;
	uint32_t evict;
	uint32_t pent;		/* the pair's entry as prefetch2 found it, or
				 * NO_ENT (a hint: checked when applied) */
	uint32_t src, dst, dport;	/* the record's direct-map keys, so the
				 * prefetch steps need not read the ring */
	uint32_t ctx;		/* its context, for the same reason */
};

/* A record's contribution to totals. */
struct counts {
	unsigned flow, rej, skip;
	uint64_t packets, bytes;
	uint64_t rf, rs;	/* the increments of ent.rf and ent.rs */
};

struct store {
	uint32_t cap;		/* live records at most */
	uint32_t nslots;	/* positions: cap + room for queued evictions */
	uint32_t alloc;		/* positions allocated so far */
	uint32_t touched;	/* positions ever written */
	uint32_t populated;	/* positions whose pages were asked for */
	int nopopulate;		/* the kernel cannot populate ahead */
	uint64_t first, next;	/* live records [first, next) */
	uint32_t fpos, wpos;	/* positions of first and next */
	uint64_t evq;		/* next record to queue for eviction */
	uint32_t epos;		/* its position */
	struct op q[QCAP];
	uint32_t qhead, qlen;
	uint32_t room;		/* appends left before index_reserve checks
				 * the entry tables again */
	uint32_t lstage[STORE_IX_COUNT][LGROUP];	/* links of lbase.. */
	uint32_t lbase;		/* a multiple of LGROUP */
	uint32_t lmask;		/* staged positions: bit i is lbase + i */
	struct farlink *far;	/* distances of escaped 16-bit links */
	uint32_t farmask, farused;
	uint32_t farroom;	/* far_reserve has nothing to do while farused
				 * is below (0: no table yet) */
	int draining;
	struct store_rec *recs;
	uint32_t *link[STORE_IX_COUNT];	/* 32-bit links (!IX_NEAR) */
	uint16_t *near[STORE_IX_COUNT];	/* 16-bit links (IX_NEAR) */
	struct sindex ix[STORE_IX_COUNT];
	struct intern_syms *syms;
	struct intern_addrs *addrs;
	struct intern_tuples *ctx, *aux;
	struct ctxdata *cd;
	uint32_t capcd;
	struct fmtinfo *fmts;
	uint32_t nfmts, capfmts, lastfmt;
	struct wide *wide;
	uint32_t widemask, wideused;
	struct blk *blk;
	uint32_t nblk, curblk;
	uint64_t appended, evicted, dropped;
	uint32_t watermark;
	int has_watermark;
	struct watcher *w;
	uint32_t nw, capw;
	uint64_t pins_sym, pins_addr;	/* store_val_ref pins held */
	struct ctxmemo *memo;	/* 1 << CTXCACHE_BITS recent contexts */
	uint64_t ctxbits[2];	/* context fields, as flow.present */
	uint64_t auxbits[2];	/* detail fields but pkt-*, as flow.present */
};

/* Field of each index (the pair: srcaddr, dstaddr). */
static const int ix_field[STORE_IX_COUNT] = {
	F_ACCOUNT_ID, F_VPC_ID, F_SUBNET_ID, F_INTERFACE_ID, F_SRCADDR,
	F_DSTADDR, F_SRCADDR, F_DSTPORT, F_ACTION
};

/* Context position of the four context-cached indexes. */
static const int ix_ctxpos[4] = { CP_ACCOUNT, CP_VPC, CP_SUBNET, CP_ENI };

static void drain(const struct store *cs);
static int ring_alloc(struct store *s, uint32_t n);

/* Saturate a 64-bit time to 32 bits. */
static inline uint32_t
sat32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* Allocate a table of len bytes, cache-line aligned; with huge set, 2 MB
 * and up in 2 MB-aligned blocks with huge pages asked for (random access
 * into big tables: one TLB entry per 2 MB; best effort).  Free with
 * free(). */
static void *
table_alloc(size_t len, int huge)
{
	size_t big = (size_t)2 << 20;
	void *p;

	if (len < big || !huge)	/* cache-line aligned (entry arrays need it) */
		return aligned_alloc(64, len ? (len + 63) & ~(size_t)63 : 64);
	len = (len + big - 1) & ~(big - 1);
	p = aligned_alloc(big, len);
#ifdef MADV_HUGEPAGE
	if (p)
		madvise(p, len, MADV_HUGEPAGE);
#endif
	return p;
}

/* Move a table to a block of newlen bytes (table_alloc), copying oldlen;
 * NULL on OOM with the old block kept. */
static void *
table_move(void *old, size_t oldlen, size_t newlen, int huge)
{
	void *p = table_alloc(newlen, huge);

	if (p == NULL)
		return NULL;
	if (old)
		memcpy(p, old, oldlen < newlen ? oldlen : newlen);
	free(old);
	return p;
}

/* Grow a zero-filled array so that index n is valid; -1 on OOM. */
static int
grow(void **arr, uint32_t *cap, uint64_t n, size_t elem, uint32_t max)
{
	uint64_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	if (n >= max)
		return -1;
	ncap = *cap ? *cap : 16;
	while (ncap <= n)
		ncap *= 2;
	if (ncap > max)
		ncap = max;
	p = realloc(*arr, (size_t)ncap * elem);
	if (p == NULL)
		return -1;
	memset((char *)p + (size_t)*cap * elem, 0,
	    (size_t)(ncap - *cap) * elem);
	*arr = p;
	*cap = (uint32_t)ncap;
	return 0;
}

/* ---- wide records ---- */

/* Find the wide entry of position pos, or NULL. */
static struct wide *
wide_find(const struct store *s, uint32_t pos)
{
	uint32_t i;

	if (s->wide == NULL)
		return NULL;
	for (i = (uint32_t)intern_mix64(pos) & s->widemask; s->wide[i].key;
	    i = (i + 1) & s->widemask)
		if (s->wide[i].key == pos + 1)
			return &s->wide[i];
	return NULL;
}

/* Make room for one more wide entry; -1 on OOM. */
static int
wide_reserve(struct store *s)
{
	uint32_t n, i, j;
	struct wide *nw;

	if (s->wide && (uint64_t)(s->wideused + 1) * 2 <= (uint64_t)s->widemask + 1)
		return 0;
	n = s->wide ? (s->widemask + 1) * 2 : 64;
	nw = calloc(n, sizeof *nw);
	if (nw == NULL)
		return -1;
	for (i = 0; s->wide && i <= s->widemask; i++) {
		if (s->wide[i].key == 0)
			continue;
		for (j = (uint32_t)intern_mix64(s->wide[i].key - 1) & (n - 1);
		    nw[j].key; j = (j + 1) & (n - 1))
			;
		nw[j] = s->wide[i];
	}
	free(s->wide);
	s->wide = nw;
	s->widemask = n - 1;
	return 0;
}

/* Add the exact values of the record at pos (room reserved). */
static void
wide_put(struct store *s, uint32_t pos, const struct wide *v)
{
	uint32_t i;

	for (i = (uint32_t)intern_mix64(pos) & s->widemask; s->wide[i].key;
	    i = (i + 1) & s->widemask)
		;
	s->wide[i] = *v;
	s->wide[i].key = pos + 1;
	s->wideused++;
}

/* Remove the wide entry of position pos (backward shift). */
static void
wide_del(struct store *s, uint32_t pos)
{
	struct wide *w = wide_find(s, pos);
	uint32_t i, j;

	if (w == NULL)
		return;
	i = (uint32_t)(w - s->wide);
	j = i;
	for (;;) {
		uint32_t k;

		j = (j + 1) & s->widemask;
		if (s->wide[j].key == 0)
			break;
		k = (uint32_t)intern_mix64(s->wide[j].key - 1) & s->widemask;
		if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
			s->wide[i] = s->wide[j];
			i = j;
		}
	}
	s->wide[i].key = 0;
	s->wideused--;
}

/* ---- escaped 16-bit links ---- */

/* Far-table key of index ix's link of record seq. */
static inline uint64_t
far_key(int ix, uint64_t seq)
{
	return (seq << 4 | (uint64_t)ix) + 1;
}

/* Keep the exact distance d of index ix's link of record seq (room
 * reserved by far_reserve). */
static void
far_put(struct store *s, int ix, uint64_t seq, uint32_t d)
{
	uint64_t key = far_key(ix, seq);
	uint32_t i;

	for (i = (uint32_t)intern_mix64(key) & s->farmask; s->far[i].key &&
	    s->far[i].key != key; i = (i + 1) & s->farmask)
		;
	if (s->far[i].key == 0)
		s->farused++;
	s->far[i].key = key;
	s->far[i].d = d;
}

/* The exact distance of index ix's escaped link of record seq (0, the end
 * of the chain, if it is not there: never the case for a live record). */
static uint32_t
far_get(const struct store *s, int ix, uint64_t seq)
{
	uint64_t key = far_key(ix, seq);
	uint32_t i;

	if (s->far == NULL)
		return 0;
	for (i = (uint32_t)intern_mix64(key) & s->farmask; s->far[i].key;
	    i = (i + 1) & s->farmask)
		if (s->far[i].key == key)
			return (uint32_t)s->far[i].d;
	return 0;
}

/* Escapes the queued indexings may add: at most one per 16-bit index
 * each, for the LAG queued ones, this one and one more. */
#define FAR_NEED (NEAR_COUNT * (LAG + 2))

/* far_reserve when the table is missing or too full: rebuild it without
 * the entries of evicted records, so it holds about what the ring needs;
 * -1 on OOM. */
static int
far_rebuild(struct store *s)
{
	uint32_t need = FAR_NEED, n = 64, i, j, live = 0;
	struct farlink *nf;

	for (i = 0; s->far && i <= s->farmask; i++)
		if (s->far[i].key && (s->far[i].key - 1) >> 4 >= s->first)
			live++;
	while ((uint64_t)n < ((uint64_t)live + need) * 4)
		n *= 2;
	nf = calloc(n, sizeof *nf);
	if (nf == NULL)
		return -1;
	for (i = 0; s->far && i <= s->farmask; i++) {
		if (s->far[i].key == 0 || (s->far[i].key - 1) >> 4 < s->first)
			continue;
		for (j = (uint32_t)intern_mix64(s->far[i].key) & (n - 1);
		    nf[j].key; j = (j + 1) & (n - 1))
			;
		nf[j] = s->far[i];
	}
	free(s->far);
	s->far = nf;
	s->farmask = n - 1;
	s->farused = live;
	/* (farused + need) * 2 <= n while farused < farroom */
	s->farroom = n / 2 - need + 1;
	return 0;
}

/* Make room for the escapes the queued indexings may add; -1 on OOM. */
static inline int
far_reserve(struct store *s)
{
	return s->farused < s->farroom ? 0 : far_rebuild(s);
}

/* The link of record seq (at pos) in index ix: the distance back to the
 * previous record of its key, 0 for none (links written out: drained). */
static inline uint32_t
link_get(const struct store *s, int ix, uint64_t seq, uint32_t pos)
{
	uint32_t d;

	if (!IX_NEAR(ix))
		return s->link[ix][pos];
	d = s->near[ix][pos];
	return d == NEAR_ESC ? far_get(s, ix, seq) : d;
}

/* ---- record fields ---- */

/* Position of a record given by pointer into the ring. */
static inline uint32_t
rec_pos(const struct store *s, const struct store_rec *r)
{
	return (uint32_t)(r - s->recs);
}

/* Position of a sequence number in the ring (seq >= first). */
static inline uint32_t
seq_pos(const struct store *s, uint64_t seq)
{
	uint64_t p = s->fpos + (seq - s->first);

	return (uint32_t)(p >= s->nslots ? p - s->nslots : p);
}

/* Step a position back by distance d. */
static inline uint32_t
pos_back(const struct store *s, uint32_t pos, uint32_t d)
{
	return pos >= d ? pos - d : pos + s->nslots - d;
}

/* Bytes of a record. */
static inline uint64_t
rec_bytes(const struct store_rec *r)
{
	return (uint64_t)r->bytes_hi << 32 | r->bytes_lo;
}

/* Exact packets, start and end of a record (absent ones are 0). */
static void
rec_exact(const struct store *s, const struct store_rec *r, uint64_t *packets,
    uint64_t *start, uint64_t *end)
{
	const struct wide *w;

	if (!(r->has & STORE_H_WIDE)) {
		*packets = r->packets;
		*start = r->start;
		*end = (uint64_t)r->start + r->dur;
		return;
	}
	w = wide_find(s, rec_pos(s, r));
	*packets = w->packets;
	*start = w->start;
	*end = w->end;
}

/* The event-time span of a record; 0 when it has none. */
static inline int
rec_span(const struct store *s, const struct store_rec *r, uint32_t *t0,
    uint32_t *t1)
{
	uint64_t p, a, b;

	if (!(r->has & (STORE_H_START | STORE_H_END)))
		return 0;
	if (!(r->has & STORE_H_WIDE)) {
		*t0 = r->start;
		*t1 = r->start + r->dur;
		return 1;
	}
	rec_exact(s, r, &p, &a, &b);
	if (!(r->has & STORE_H_START))
		a = b;
	if (!(r->has & STORE_H_END))
		b = a;
	if (b < a)
		b = a;
	*t0 = sat32(a);
	*t1 = sat32(b);
	return 1;
}

/* The event-time span of a record; 0 when it has none. */
int
store_rec_span(const struct store *s, const struct store_rec *r, uint32_t *t0,
    uint32_t *t1)
{
	return rec_span(s, r, t0, t1);
}

/* A record's contribution to flows, rejects, skipdata, packets, bytes
 * (no branch but for a wide record: rec_fill leaves absent packets and
 * bytes 0, so a flow's are taken as they are). */
static inline void
rec_counts(const struct store *s, const struct store_rec *r, struct counts *c)
{
	unsigned st = (r->e1 >> 2) & 3;
	uint64_t m, packets = r->packets;
	union pair32 u;

	/* log-status absent (0) or OK (1): a flow */
	c->flow = st < STATUS_NODATA;
	c->skip = st == STATUS_SKIPDATA;
	c->rej = c->flow & ((r->e1 & 3) == ACTION_REJECT);
	m = (uint64_t)0 - c->flow;
	if (r->has & STORE_H_WIDE) {
		uint64_t a, b;

		rec_exact(s, r, &packets, &a, &b);
	}
	c->packets = packets & m;
	c->bytes = rec_bytes(r) & m;
	u.h.a = 1;
	u.h.b = c->flow;
	c->rf = u.w;
	u.h.a = c->rej;
	u.h.b = c->skip;
	c->rs = u.w;
}

/* The record's contribution to totals (times not set). */
void
store_rec_totals(const struct store *s, const struct store_rec *r,
    struct store_totals *t)
{
	struct counts c;

	rec_counts(s, r, &c);
	memset(t, 0, sizeof *t);
	t->records = 1;
	t->flows = c.flow;
	t->rejects = c.rej;
	t->skipdata = c.skip;
	t->nodata = !c.flow && !c.skip;
	t->packets = c.packets;
	t->bytes = c.bytes;
	t->times = -1;
}

/* Add (sign 1) or subtract (sign -1) a record's counts to totals. */
static inline void
tot_apply(struct tot *t, const struct counts *c, int sign)
{
	if (sign > 0) {
		t->rf += c->rf;
		t->rs += c->rs;
		t->packets += c->packets;
		t->bytes += c->bytes;
	} else {
		t->rf -= c->rf;
		t->rs -= c->rs;
		t->packets -= c->packets;
		t->bytes -= c->bytes;
	}
}

/* Copy internal totals into the public form (no times). */
static void
tot_public(const struct tot *t, struct store_totals *out)
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

/* Totals of the whole ring: the sum of the action index's entries (every
 * record is in exactly one, key 0 when it has no action), so appends keep
 * no separate ring totals (drained). */
static void
ring_tot(const struct store *s, struct tot *t)
{
	const struct sindex *x = &s->ix[STORE_IX_ACTION];
	uint32_t i;

	memset(t, 0, sizeof *t);
	for (i = 0; i < x->ne; i++) {
		const struct ent *e = &x->e[i];

		if (e->recs == 0)
			continue;
		t->recs += e->recs;
		t->flows += e->flows;
		t->rejects += e->rejects;
		t->skipdata += e->skipdata;
		t->packets += e->packets;
		t->bytes += e->bytes;
	}
}

/* Symbol id of a context field of a record. */
static inline uint32_t
ctx_val(const struct store *s, const struct store_rec *r, int pos)
{
	return (uint32_t)intern_tuple_vals(s->ctx, r->ctx)[pos];
}

/* The key a record has in index ix. */
static inline uint64_t
rec_key(const struct store *s, int ix, const struct store_rec *r)
{
	switch (ix) {
	case STORE_IX_ACCOUNT:
	case STORE_IX_VPC:
	case STORE_IX_SUBNET:
	case STORE_IX_ENI:
		return ctx_val(s, r, ix_ctxpos[ix]);
	case STORE_IX_SRCADDR:
		return r->src;
	case STORE_IX_DSTADDR:
		return r->dst;
	case STORE_IX_PAIR:
		return (uint64_t)r->src << 32 | r->dst;
	case STORE_IX_DSTPORT:
		return r->has & STORE_H_DPORT ? r->dport : PORT_ABSENT;
	default:
		return r->e1 & 3;
	}
}

/* ---- indexes ---- */

/* Hash tag of a pair key as kept in a slot. */
static inline uint64_t
slot_tag(uint64_t h)
{
	return h & 0xffffffff00000000ULL;
}

/* Home slot of a hash: taken from the tag's bits, so a slot alone tells
 * where its key belongs (rehashing and deleting read no entry). */
static inline uint32_t
slot_home(uint64_t h, uint32_t mask)
{
	return (uint32_t)(h >> 32) & mask;
}

/* Find the entry of key, or NO_ENT. */
static inline uint32_t
ix_find(const struct sindex *x, uint64_t key)
{
	uint64_t h, v;
	uint32_t i;

	if (!x->hashed)
		return key < x->capmap && x->map[key] ? x->map[key] - 1 : NO_ENT;
	h = intern_mix64(key);
	for (i = slot_home(h, x->mask); (v = x->slot[i]) != 0;
	    i = (i + 1) & x->mask)
		if (slot_tag(v) == slot_tag(h) &&
		    x->e[(uint32_t)v - 1].key == key)
			return (uint32_t)v - 1;
	return NO_ENT;
}

/* Make sure `need` new entries (and key, for a direct map) fit without
 * allocating, and `hneed` new keys in a hash; -1 on OOM. */
static int
ix_reserve(struct sindex *x, uint64_t key, uint32_t need, uint32_t hneed)
{
	if (x->nfree + (x->cape - x->ne) < need) {
		/* the same sizes whatever need is (ROOM does not move the
		 * steps, so the memory figure does not depend on it) */
		uint64_t ncap = (uint64_t)x->cape + x->cape / 2 + LAG + 17;
		struct ent *ne;

		while (x->nfree + (ncap - x->ne) < need)
			ncap += ncap / 2;

		if (ncap > UINT32_MAX - 1)
			return -1;
		ne = table_move(x->e, (size_t)x->ne * sizeof *ne,
		    (size_t)ncap * sizeof *ne, 1);
		if (ne == NULL)
			return -1;
		x->e = ne;
		x->cape = (uint32_t)ncap;
	}
	if (!x->hashed)
		return grow((void **)&x->map, &x->capmap, key, sizeof *x->map,
		    UINT32_MAX);
	if ((uint64_t)(x->live + hneed) * 2 > (uint64_t)x->mask + 1) {
		uint32_t n = (x->mask + 1) * 2, i, j;
		uint64_t *ns;

		while ((uint64_t)(x->live + hneed) * 2 > n)
			n *= 2;
		ns = table_alloc((size_t)n * sizeof *ns, 1);
		if (ns == NULL)
			return -1;
		memset(ns, 0, (size_t)n * sizeof *ns);
		for (i = 0; i <= x->mask; i++) {
			if (x->slot[i] == 0)
				continue;
			for (j = slot_home(x->slot[i], n - 1); ns[j];
			    j = (j + 1) & (n - 1))
				;
			ns[j] = x->slot[i];
		}
		free(x->slot);
		x->slot = ns;
		x->mask = n - 1;
	}
	return 0;
}

/* Ask for huge pages for the entries of a reserved index that has grown
 * big (random access: one TLB entry per 2 MB; best effort). */
static void
ix_huge(struct sindex *x)
{
#ifdef MADV_HUGEPAGE
	uintptr_t pg = 4096, a = ((uintptr_t)x->e + pg - 1) & ~(pg - 1);
	uintptr_t b = ((uintptr_t)(x->e + x->cape)) & ~(pg - 1);

	if (b > a)
		madvise((void *)a, b - a, MADV_HUGEPAGE);
#endif
	x->hugeat = 0;
}

/* Reserve the entries of an index for n entries at once (address space
 * only: pages cost nothing until touched), so that it never grows by
 * copying; if that fails it grows as it fills. */
static void
ix_prealloc(struct sindex *x, uint32_t n)
{
	x->e = table_alloc((size_t)n * sizeof *x->e, 0);
	if (x->e == NULL)
		return;
	x->cape = n;
	x->hugeat = ((uint32_t)2 << 20) / sizeof *x->e;
}

/* Create the entry of key (room reserved) for the record whose sequence
 * number's low 32 bits are head, about to be added to it (its link is then
 * head - head = 0, the end of the chain); returns its index. */
static uint32_t
ix_create(struct sindex *x, uint64_t key, uint32_t head)
{
	uint32_t id;
	struct ent *e;

	if (x->nfree) {
		id = x->freehead;
		x->freehead = x->e[id].head;
		x->nfree--;
	} else {
		id = x->ne++;
		/* entries are taken in order: fetch the one taken 4 creations
		 * from now (a prefetch past the end does no harm) */
		__builtin_prefetch(&x->e[id + 4], 1);
		if (id == x->hugeat)
			ix_huge(x);
	}
	e = &x->e[id];
	memset(e, 0, sizeof *e);
	e->key = key;
	e->head = head;
	e->first = UINT32_MAX;
	x->live++;
	if (!x->hashed) {
		x->map[key] = id + 1;
	} else {
		uint64_t h = intern_mix64(key);
		uint32_t i;

		for (i = slot_home(h, x->mask); x->slot[i];
		    i = (i + 1) & x->mask)
			;
		x->slot[i] = slot_tag(h) | (id + 1);
	}
	return id;
}

/* Find or create (for the record head, as ix_create) the entry of key in
 * a direct-mapped index (room and key reserved). */
static inline uint32_t
map_get(struct sindex *x, uint64_t key, uint32_t head)
{
	uint32_t v = x->map[key];

	return v ? v - 1 : ix_create(x, key, head);
}

/* Find the entry of a pair key whose hash is h, or NO_ENT. */
static inline uint32_t
pair_find(const struct sindex *x, uint64_t key, uint64_t h)
{
	uint64_t v;
	uint32_t i;

	for (i = slot_home(h, x->mask); (v = x->slot[i]) != 0;
	    i = (i + 1) & x->mask)
		if (slot_tag(v) == slot_tag(h) &&
		    x->e[(uint32_t)v - 1].key == key)
			return (uint32_t)v - 1;
	return NO_ENT;
}

/* pair_find, trying first the entry prefetch2 found for the key: it is
 * still the key's while it holds records and names that key (freed or
 * reused for another key, it fails the check). */
static inline uint32_t
pair_find_hint(const struct sindex *x, uint64_t key, uint64_t h,
    uint32_t hint)
{
	if (hint != NO_ENT && x->e[hint].recs && x->e[hint].key == key)
		return hint;
	return pair_find(x, key, h);
}

/* Find or create (for the record head, as ix_create) the entry of key
 * (room reserved). */
static inline uint32_t
ix_get(struct sindex *x, uint64_t key, uint32_t head)
{
	uint32_t id = ix_find(x, key);

	return id != NO_ENT ? id : ix_create(x, key, head);
}

/* Free an entry whose last record left. */
static void
ix_delete(struct sindex *x, uint32_t id)
{
	uint64_t key = x->e[id].key;

	x->e[id].recs = 0;
	x->e[id].head = x->freehead;
	x->freehead = id;
	x->nfree++;
	x->live--;
	if (!x->hashed) {
		x->map[key] = 0;
	} else {
		uint32_t i = slot_home(intern_mix64(key), x->mask), j;

		while ((uint32_t)x->slot[i] != id + 1)
			i = (i + 1) & x->mask;
		j = i;
		for (;;) {
			uint32_t k;

			j = (j + 1) & x->mask;
			if (x->slot[j] == 0)
				break;
			k = slot_home(x->slot[j], x->mask);
			if ((j > i && (k <= i || k > j)) ||
			    (j < i && k <= i && k > j)) {
				x->slot[i] = x->slot[j];
				i = j;
			}
		}
		x->slot[i] = 0;
	}
}

/* Sequence number of an entry's newest record. */
static inline uint64_t
ent_head(const struct store *s, const struct ent *e)
{
	uint64_t last = s->next - 1;

	return last - (uint32_t)((uint32_t)last - e->head);
}

/* Add the record at seq/pos to entry id of index ix. */
static inline void
ent_add(struct store *s, int ix, uint32_t id, uint64_t seq, uint32_t pos,
    const struct counts *c, uint32_t t0, uint32_t t1)
{
	struct ent *e = &s->ix[ix].e[id];
	uint32_t d;

	/* the distance to the head fits 32 bits, so mod 2^32 is exact (a
	 * live entry holds records, so the head is in the ring; a new one
	 * has this record's seq as head: 0, no link); staged (link_group),
	 * written out a cache line at a time */
	d = (uint32_t)seq - e->head;
	if (IX_NEAR(ix) && d >= NEAR_ESC) {
		far_put(s, ix, seq, d);
		d = NEAR_ESC;
	}
	s->lstage[ix][pos - s->lbase] = d;
	e->head = (uint32_t)seq;
	e->rf += c->rf;
	e->rs += c->rs;
	e->packets += c->packets;
	e->bytes += c->bytes;
	/* an untimed record comes with t0 = UINT32_MAX, t1 = 0: no change;
	 * a stale first (last) is pinned at 0 (UINT32_MAX): no change */
	if (t0 < e->first)
		e->first = t0;
	if (t1 > e->last)
		e->last = t1;
}

/* Subtract an evicted record from entry id of index ix. */
static inline void
ent_sub(struct store *s, int ix, uint32_t id, const struct counts *c,
    int timed, uint32_t t0, uint32_t t1)
{
	struct ent *e = &s->ix[ix].e[id];

	e->rf -= c->rf;
	if (e->recs == 0) {
		ix_delete(&s->ix[ix], id);
		return;
	}
	e->rs -= c->rs;
	e->packets -= c->packets;
	e->bytes -= c->bytes;
	if (timed) {
		/* pinned where ent_add leaves it alone until refreshed */
		if (t0 == e->first) {
			e->flags |= ENT_STALE_FIRST;
			e->first = 0;
		}
		if (t1 == e->last) {
			e->flags |= ENT_STALE_LAST;
			e->last = UINT32_MAX;
		}
	}
}

/* Recompute a stale first/last from the key's chain. */
static void
ent_refresh(struct store *s, int ix, struct ent *e)
{
	uint32_t first = UINT32_MAX, last = 0, t0, t1, pos;
	uint64_t seq;

	if (!(e->flags & (ENT_STALE_FIRST | ENT_STALE_LAST)))
		return;
	seq = ent_head(s, e);
	pos = seq_pos(s, seq);
	for (;;) {
		uint32_t d;

		if (rec_span(s, &s->recs[pos], &t0, &t1)) {
			if (t0 < first)
				first = t0;
			if (t1 > last)
				last = t1;
		}
		d = link_get(s, ix, seq, pos);
		if (d == 0 || seq - s->first < d)
			break;
		seq -= d;
		pos = pos_back(s, pos, d);
	}
	e->first = first;
	e->last = last;
	e->flags = 0;
}

/* Copy an entry's totals into the public form (times as they stand). */
static void
ent_public(const struct ent *e, struct store_totals *t)
{
	memset(t, 0, sizeof *t);
	t->records = e->recs;
	t->flows = e->flows;
	t->packets = e->packets;
	t->bytes = e->bytes;
	t->rejects = e->rejects;
	t->skipdata = e->skipdata;
	t->nodata = e->recs - e->flows - e->skipdata;
	if (e->flags)
		t->times = -1;
	else if (e->last >= e->first) {
		t->times = 1;
		t->first = e->first;
		t->last = e->last;
	}
}

/* ---- formats ---- */

/* Tell whether two formats have the same slots (format_equal, inline: it
 * runs once per record; 16 slots a compare, the bytes past the last slot
 * masked off). */
static inline int
fmt_same(const struct format *a, const struct format *b)
{
	unsigned n = a->n;

	if (n != b->n)
		return 0;
#if defined(__SSE2__) && FORMAT_MAX % 16 == 0
	{
		unsigned i, m;

		for (i = 0; i + 16 < n; i += 16) {
			m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			    _mm_loadu_si128((const __m128i *)(const void *)
			    (a->field + i)),
			    _mm_loadu_si128((const __m128i *)(const void *)
			    (b->field + i))));
			if (m != 0xffff)
				return 0;
		}
		/* i + 16 <= FORMAT_MAX: n - i slots, 0 to 16, are left */
		m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)(a->field + i)),
		    _mm_loadu_si128((const __m128i *)(const void *)(b->field + i))));
		return (~m & (0xffffu >> (16 - (n - i)))) == 0;
	}
#else
	return memcmp(a->field, b->field, n) == 0;
#endif
}

/* Find or add the store's copy of a format; returns its id (0: none). */
static uint32_t
fmt_id(struct store *s, const struct format *f)
{
	struct fmtinfo *fi;
	uint32_t i;

	if (f == NULL)
		return 0;
	if (s->lastfmt && fmt_same(s->fmts[s->lastfmt].fmt, f))
		return s->lastfmt;
	for (i = 1; i < s->nfmts; i++)
		if (format_equal(s->fmts[i].fmt, f))
			return s->lastfmt = i;
	if (s->nfmts > UINT16_MAX || grow((void **)&s->fmts, &s->capfmts,
	    s->nfmts, sizeof *s->fmts, UINT16_MAX + 1) < 0)
		return 0;
	fi = &s->fmts[s->nfmts];
	fi->fmt = malloc(sizeof *fi->fmt);
	if (fi->fmt == NULL)
		return 0;
	*fi->fmt = *f;
	fi->levels = (f->slot[F_ACCOUNT_ID] >= 0 ? LV_ACCOUNT : 0) |
	    (f->slot[F_VPC_ID] >= 0 ? LV_VPC : 0) |
	    (f->slot[F_SUBNET_ID] >= 0 ? LV_SUBNET : 0) |
	    (f->slot[F_INTERFACE_ID] >= 0 ? LV_ENI : 0);
	fi->ncf = 0;
	fi->cbits[0] = fi->cbits[1] = 0;
	for (i = 0; i < NCTX; i++)
		if (f->slot[ctx_fields[i]] >= 0) {
			fi->cnum[fi->ncf] = field_table[ctx_fields[i]].type !=
			    FT_SYMBOL;
			fi->cf[fi->ncf++] = ctx_fields[i];
			fi->cbits[ctx_fields[i] >> 6] |=
			    (uint64_t)1 << (ctx_fields[i] & 63);
		}
	return s->lastfmt = s->nfmts++;
}

/* Format id of a record. */
static inline uint32_t
rec_fmt(const struct store *s, const struct store_rec *r)
{
	return (uint32_t)(intern_tuple_extra(s->ctx, r->ctx) >> CTX_FMT_SHIFT);
}

/* ---- create, free ---- */

/* Create a store holding at most capacity records. */
struct store *
store_new(uint64_t capacity)
{
	struct store *s;
	int i;

	if (capacity == 0 || capacity > STORE_MAX_CAPACITY)
		return NULL;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	s->cap = (uint32_t)capacity;
	s->nslots = s->cap + LAG + 2;
	s->syms = intern_syms_new();
	s->addrs = intern_addrs_new();
	if (s->syms && s->addrs) {
		s->ctx = intern_tuples_new(ctx_fields, NCTX, s->syms, s->addrs);
		s->aux = intern_tuples_new(aux_fields, NAUX, s->syms, s->addrs);
	}
	for (i = AP_PDST + 1; i < NAUX; i++)
		s->auxbits[aux_fields[i] >> 6] |= (uint64_t)1 <<
		    (aux_fields[i] & 63);
	for (i = 0; i < NCTX; i++)
		s->ctxbits[ctx_fields[i] >> 6] |= (uint64_t)1 <<
		    (ctx_fields[i] & 63);
	s->memo = aligned_alloc(64, sizeof *s->memo << CTXCACHE_BITS);
	if (s->memo)
		memset(s->memo, 0, sizeof *s->memo << CTXCACHE_BITS);
	s->nblk = s->nslots / BLOCK + 3;
	s->blk = malloc((size_t)s->nblk * sizeof *s->blk);
	s->fmts = calloc(16, sizeof *s->fmts);
	s->capfmts = 16;
	s->nfmts = 1;		/* id 0: no format */
	if (s->ctx == NULL || s->aux == NULL || s->blk == NULL ||
	    s->fmts == NULL || s->memo == NULL)
		goto fail;
	for (i = 0; i < STORE_IX_COUNT; i++) {
		struct sindex *x = &s->ix[i];

		x->hashed = i == STORE_IX_PAIR;
		x->freehead = NO_ENT;
		if (x->hashed) {
			x->slot = calloc(64, sizeof *x->slot);
			if (x->slot == NULL)
				goto fail;
			x->mask = 63;
		}
	}
	s->blk[0].t0 = UINT32_MAX;
	s->blk[0].t1 = 0;
	if (ring_alloc(s, s->nslots) < 0)
		ring_alloc(s, 1024 < s->nslots ? 1024 : s->nslots);
	/* no index holds more keys than the ring records and the queued
	 * ones (with ROOM to spare, as ix_reserve asks for); small rings
	 * grow theirs, which costs little */
	if (s->alloc == s->nslots && s->nslots >= PREALLOC_MIN)
		for (i = 0; i < STORE_IX_COUNT; i++)
			ix_prealloc(&s->ix[i], s->nslots + LAG + 1 + ROOM);
	return s;
fail:
	store_free(s);
	return NULL;
}

/* Free a store. */
void
store_free(struct store *s)
{
	uint32_t i;

	if (s == NULL)
		return;
	for (i = 0; i < STORE_IX_COUNT; i++) {
		free(s->link[i]);
		free(s->near[i]);
		free(s->ix[i].e);
		free(s->ix[i].map);
		free(s->ix[i].slot);
	}
	for (i = 1; i < s->nfmts; i++)
		free(s->fmts[i].fmt);
	free(s->fmts);
	free(s->recs);
	free(s->cd);
	free(s->wide);
	free(s->blk);
	free(s->memo);
	free(s->far);
	free(s->w);
	intern_tuples_free(s->ctx);
	intern_tuples_free(s->aux);
	intern_syms_free(s->syms);
	intern_addrs_free(s->addrs);
	free(s);
}

/* Capacity that fits a memory budget. */
uint64_t
store_capacity_for_memory(uint64_t bytes)
{
	uint64_t n = bytes / (STORE_REC_BYTES + STORE_TABLE_ALLOWANCE);

	if (n < 1)
		n = 1;
	if (n > STORE_MAX_CAPACITY)
		n = STORE_MAX_CAPACITY;
	return n;
}

/* Parse a size such as "512M" or "1.5G"; 0 on success, -1 if bad. */
int
store_parse_size(const char *text, uint64_t *bytes)
{
	uint64_t whole = 0, frac = 0, fdiv = 1, mult = 1;
	const char *p = text;
	int digits = 0;

	while (*p >= '0' && *p <= '9') {
		if (whole > (UINT64_MAX - 9) / 10)
			return -1;
		whole = whole * 10 + (uint64_t)(*p++ - '0');
		digits++;
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			if (fdiv < 1000000000) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				fdiv *= 10;
			}
			p++;
			digits++;
		}
	}
	if (digits == 0)
		return -1;
	switch (*p) {
	case 'k': case 'K': mult = 1ULL << 10; p++; break;
	case 'm': case 'M': mult = 1ULL << 20; p++; break;
	case 'g': case 'G': mult = 1ULL << 30; p++; break;
	case 't': case 'T': mult = 1ULL << 40; p++; break;
	default: break;
	}
	if (mult > 1 && *p == 'i')
		p++;
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p != '\0' || (mult == 1 && fdiv > 1))
		return -1;
	if (whole > UINT64_MAX / mult)
		return -1;
	*bytes = whole * mult + frac * mult / fdiv;
	return 0;
}

/* ---- applying queued operations ---- */

/* Write the staged links out: a full group of LGROUP positions (one or
 * two cache lines per index) with non-temporal stores, as nothing reads
 * links soon (no read for ownership, no cache space taken), anything else
 * with plain stores. */
static void
link_flush(struct store *s)
{
	uint32_t base = s->lbase, m = s->lmask;
	int k, j;

	if (m == 0)
		return;
	s->lmask = 0;
#ifdef __SSE2__
	if (m == 0xffffffffu && base + LGROUP <= s->alloc) {
		const __m128i bias32 = _mm_set1_epi32(0x8000);
		const __m128i bias16 = _mm_set1_epi16((short)0x8000);

		for (k = 0; k < STORE_IX_COUNT; k++) {
			const __m128i *v = (const __m128i *)(void *)s->lstage[k];

			if (!IX_NEAR(k)) {
				__m128i *d = (__m128i *)(void *)&s->link[k][base];

				for (j = 0; j < LGROUP / 4; j++)
					_mm_stream_si128(d + j,
					    _mm_loadu_si128(v + j));
			} else {
				__m128i *d = (__m128i *)(void *)&s->near[k][base];

				/* 32 to 16 bits: biased into the signed range
				 * that packs_epi32 keeps, then back */
				for (j = 0; j < LGROUP / 8; j++)
					_mm_stream_si128(d + j, _mm_xor_si128(
					    _mm_packs_epi32(
					    _mm_sub_epi32(_mm_loadu_si128(v +
					    2 * j), bias32),
					    _mm_sub_epi32(_mm_loadu_si128(v +
					    2 * j + 1), bias32)), bias16));
			}
		}
		return;
	}
#endif
	for (; m; m &= m - 1) {
		uint32_t i = (uint32_t)__builtin_ctz(m);

		for (k = 0; k < STORE_IX_COUNT; k++) {
			if (IX_NEAR(k))
				s->near[k][base + i] = (uint16_t)s->lstage[k][i];
			else
				s->link[k][base + i] = s->lstage[k][i];
		}
	}
}

/* Make position pos part of the staged group (indexings are applied in
 * position order, so a group fills up and is written out whole). */
static inline void
link_group(struct store *s, uint32_t pos)
{
	if (pos - s->lbase >= LGROUP) {
		link_flush(s);
		s->lbase = pos & ~(uint32_t)(LGROUP - 1);
	}
}

/* Apply an eviction: subtract record seq (at pos, = first) everywhere;
 * h is the hash of its pair key. */
static void
apply_evict(struct store *s, uint64_t seq, uint32_t pos, uint64_t h,
    uint32_t pent)
{
	struct store_rec *r = &s->recs[pos];
	uint32_t t0 = 0, t1 = 0, i;
	struct ctxdata *cd;
	struct counts c;
	int timed, k;

	for (i = 0; i < s->nw; i++)
		s->w[i].fn(s->w[i].arg, seq, r);
	rec_counts(s, r, &c);
	timed = rec_span(s, r, &t0, &t1);
	cd = &s->cd[r->ctx];
	for (k = 0; k < 4; k++)
		ent_sub(s, k, cd->ent[k], &c, timed, t0, t1);
	/* one call per index with a constant ix, so each is specialised */
	ent_sub(s, STORE_IX_SRCADDR, s->ix[STORE_IX_SRCADDR].map[r->src] - 1,
	    &c, timed, t0, t1);
	ent_sub(s, STORE_IX_DSTADDR, s->ix[STORE_IX_DSTADDR].map[r->dst] - 1,
	    &c, timed, t0, t1);
	ent_sub(s, STORE_IX_PAIR, pair_find_hint(&s->ix[STORE_IX_PAIR],
	    rec_key(s, STORE_IX_PAIR, r), h, pent), &c, timed, t0, t1);
	ent_sub(s, STORE_IX_DSTPORT, s->ix[STORE_IX_DSTPORT].map[rec_key(s,
	    STORE_IX_DSTPORT, r)] - 1, &c, timed, t0, t1);
	ent_sub(s, STORE_IX_ACTION, s->ix[STORE_IX_ACTION].map[r->e1 & 3] - 1,
	    &c, timed, t0, t1);
	tot_apply(&cd->t, &c, -1);
	if (cd->t.recs == 0)
		cd->ent[0] = NO_ENT;	/* its entries may go: resolve again */
	if (r->has & STORE_H_WIDE)
		wide_del(s, pos);
	if (r->src)
		intern_addr_unref(s->addrs, r->src);
	if (r->dst)
		intern_addr_unref(s->addrs, r->dst);
	if (r->aux)
		intern_tuple_unref(s->aux, r->aux);
	intern_tuple_unref(s->ctx, r->ctx);
	s->first++;
	if (++s->fpos == s->nslots)
		s->fpos = 0;
	s->evicted++;
}

/* Apply an indexing: add record seq (at pos) to every index and total;
 * h is the hash of its pair key. */
static void
apply_add(struct store *s, uint64_t seq, uint32_t pos, uint64_t h,
    uint32_t pent)
{
	const struct store_rec *r = &s->recs[pos];
	uint32_t t0 = 0, t1 = 0;
	struct ctxdata *cd = &s->cd[r->ctx];
	struct counts c;
	int k;

	rec_counts(s, r, &c);
	if (!rec_span(s, r, &t0, &t1)) {
		t0 = UINT32_MAX;	/* changes no entry's first/last */
		t1 = 0;
	}
	link_group(s, pos);
	if (cd->ent[0] == NO_ENT)
		for (k = 0; k < 4; k++)
			cd->ent[k] = ix_get(&s->ix[k], rec_key(s, k, r),
			    (uint32_t)seq);
	/* one call per index with a constant ix, so each is specialised */
	ent_add(s, STORE_IX_ACCOUNT, cd->ent[0], seq, pos, &c, t0, t1);
	ent_add(s, STORE_IX_VPC, cd->ent[1], seq, pos, &c, t0, t1);
	ent_add(s, STORE_IX_SUBNET, cd->ent[2], seq, pos, &c, t0, t1);
	ent_add(s, STORE_IX_ENI, cd->ent[3], seq, pos, &c, t0, t1);
	ent_add(s, STORE_IX_SRCADDR, map_get(&s->ix[STORE_IX_SRCADDR], r->src,
	    (uint32_t)seq), seq, pos, &c, t0, t1);
	ent_add(s, STORE_IX_DSTADDR, map_get(&s->ix[STORE_IX_DSTADDR], r->dst,
	    (uint32_t)seq), seq, pos, &c, t0, t1);
	{
		struct sindex *x = &s->ix[STORE_IX_PAIR];
		uint64_t key = rec_key(s, STORE_IX_PAIR, r);
		uint32_t id = pair_find_hint(x, key, h, pent);

		if (id == NO_ENT)
			id = ix_create(x, key, (uint32_t)seq);
		ent_add(s, STORE_IX_PAIR, id, seq, pos, &c, t0, t1);
	}
	ent_add(s, STORE_IX_DSTPORT, map_get(&s->ix[STORE_IX_DSTPORT],
	    rec_key(s, STORE_IX_DSTPORT, r), (uint32_t)seq), seq, pos, &c, t0,
	    t1);
	ent_add(s, STORE_IX_ACTION, map_get(&s->ix[STORE_IX_ACTION], r->e1 & 3,
	    (uint32_t)seq), seq, pos, &c, t0, t1);
	tot_apply(&cd->t, &c, 1);
	s->lmask |= (uint32_t)1 << (pos - s->lbase);
}

/* Prefetch helpers must be inlined early: a function that only reads and
 * prefetches looks pure to GCC (prefetches have no side effects), and a
 * call to a pure function returning void is deleted as dead code. */
#define PREFETCH_FN static inline __attribute__((always_inline))

/* Prefetch an entry for writing (one cache line). */
PREFETCH_FN void
prefetch_ent(const struct ent *e)
{
	__builtin_prefetch(e, 1);
}

/* Prefetch the entry a direct map cell names (for an empty cell, the
 * line before the array: no test, a useless fetch is cheaper than a
 * branch, and a prefetch never faults; the address is worked out as an
 * integer, so no pointer leaves the array). */
PREFETCH_FN void
prefetch_mapped(const struct sindex *x, uint32_t key)
{
	uintptr_t v = x->map[key];

	__builtin_prefetch((const void *)((uintptr_t)x->e +
	    (v - 1) * sizeof *x->e), 1);
}

/* Prefetch step 1 of a queued operation: the pair slot and the direct map
 * cells its keys will be looked up in. */
PREFETCH_FN void
prefetch1(const struct store *s, const struct op *o)
{
	const struct sindex *x = &s->ix[STORE_IX_PAIR];

	__builtin_prefetch(&x->slot[slot_home(o->h, x->mask)]);
	__builtin_prefetch(&s->ix[STORE_IX_SRCADDR].map[o->src]);
	__builtin_prefetch(&s->ix[STORE_IX_DSTADDR].map[o->dst]);
	__builtin_prefetch(&s->ix[STORE_IX_DSTPORT].map[o->dport]);
	__builtin_prefetch(&s->cd[o->ctx]);
}

/* Prefetch step 2: the entries the map cells, the pair slot and the
 * context's resolved keys name. */
PREFETCH_FN void
prefetch2(const struct store *s, struct op *o)
{
	const struct sindex *x = &s->ix[STORE_IX_PAIR];
	const struct ctxdata *cd = &s->cd[o->ctx];
	uint64_t h = o->h, v;
	uint32_t i;

	/* the interface: contexts have few accounts, VPCs and subnets */
	if (cd->ent[0] != NO_ENT)
		prefetch_ent(&s->ix[STORE_IX_ENI].e[cd->ent[3]]);

	for (i = slot_home(h, x->mask); (v = x->slot[i]) != 0;
	    i = (i + 1) & x->mask)
		if (slot_tag(v) == slot_tag(h)) {
			o->pent = (uint32_t)v - 1;
			prefetch_ent(&x->e[o->pent]);
			break;
		}
	/* the keys are mapped (index_reserve saw to it before the operation
	 * was queued); a key with no entry yet fetches the line before the
	 * entries */
	prefetch_mapped(&s->ix[STORE_IX_SRCADDR], o->src);
	prefetch_mapped(&s->ix[STORE_IX_DSTADDR], o->dst);
	prefetch_mapped(&s->ix[STORE_IX_DSTPORT], o->dport);
}

/* Apply the oldest queued operation. */
static void
apply_one(struct store *s)
{
	const struct op *o = &s->q[s->qhead];

	if (o->evict)
		apply_evict(s, o->seq, o->pos, o->h, o->pent);
	else
		apply_add(s, o->seq, o->pos, o->h, o->pent);
	s->qhead = (s->qhead + 1) & (QCAP - 1);
	s->qlen--;
}

/* Queue an operation on record r (at pos), advance the prefetch steps,
 * apply what is due.  r may be the caller's copy of the ring record.
 * Inlined: store_append is its only caller, once per record. */
static inline __attribute__((always_inline)) void
enqueue(struct store *s, uint64_t seq, uint32_t pos, int evict,
    const struct store_rec *r)
{
	struct op *o = &s->q[(s->qhead + s->qlen) & (QCAP - 1)];

	o->seq = seq;
	o->pos = pos;
	o->evict = (uint32_t)evict;
	o->pent = NO_ENT;
	o->src = r->src;
	o->dst = r->dst;
	o->dport = (uint32_t)rec_key(s, STORE_IX_DSTPORT, r);
	o->ctx = r->ctx;
	o->h = intern_mix64(rec_key(s, STORE_IX_PAIR, r));
	s->qlen++;
	prefetch1(s, o);
	if (s->qlen > STAGE2)
		prefetch2(s, &s->q[(s->qhead + s->qlen - 1 - STAGE2) &
		    (QCAP - 1)]);
	/* Views called back from an eviction may read the store: mark the
	 * queue busy so that their reads do not re-enter it. */
	if (s->qlen > LAG && !s->draining) {
		s->draining = 1;
		while (s->qlen > LAG)
			apply_one(s);
		s->draining = 0;
	}
	if (evict) {
		/* the record evicted 16 appends from now */
		uint32_t ahead = pos + 16 < s->nslots ? pos + 16 :
		    pos + 16 - s->nslots;

		if (ahead < s->alloc)
			__builtin_prefetch(&s->recs[ahead]);
	}
}

/* Apply every queued operation (readers call this first; the pending work
 * is a cache of logically done work, so a const store may drain). */
static void
drain(const struct store *cs)
{
	struct store *s = (struct store *)cs;

	if (s->qlen && !s->draining) {
		s->draining = 1;
		while (s->qlen)
			apply_one(s);
		s->draining = 0;
	}
	link_flush(s);	/* readers may walk chains */
}

/* ---- append ---- */

/* Code of a pkt-* address: absent, same as own side, other side, detail. */
static unsigned
pkt_code(const struct flow *f, int pkt, int same, int other)
{
	if (!flow_has(f, pkt))
		return PC_ABSENT;
	if (flow_has(f, same) && memcmp(f->v[pkt].a.b, f->v[same].a.b, 16) == 0)
		return PC_SAME;
	if (flow_has(f, other) &&
	    memcmp(f->v[pkt].a.b, f->v[other].a.b, 16) == 0)
		return PC_OTHER_SIDE;
	return PC_DETAIL;
}

/* Bit of field id in flow.present[0] (ids below 64). */
#define PBIT(id) ((uint64_t)1 << (id))

/* The fields rec_fill reads (all below 64), and those of them a v2
 * record has: every one but tcp-flags, type, the pkt-* addresses,
 * flow-direction, traffic-path and encryption-status. */
#define FILL_FIELDS (PBIT(F_SRCPORT) | PBIT(F_DSTPORT) | PBIT(F_PROTOCOL) | \
	PBIT(F_TCP_FLAGS) | PBIT(F_BYTES) | PBIT(F_PACKETS) | PBIT(F_START) | \
	PBIT(F_END) | PBIT(F_ACTION) | PBIT(F_LOG_STATUS) | PBIT(F_TYPE) | \
	PBIT(F_FLOW_DIRECTION) | PBIT(F_TRAFFIC_PATH) | \
	PBIT(F_ENCRYPTION_STATUS) | PBIT(F_PKT_SRCADDR) | PBIT(F_PKT_DSTADDR))
_Static_assert(F_SRCPORT < 64 && F_DSTPORT < 64 && F_PROTOCOL < 64 &&
    F_TCP_FLAGS < 64 && F_BYTES < 64 && F_PACKETS < 64 && F_START < 64 &&
    F_END < 64 && F_ACTION < 64 && F_LOG_STATUS < 64 && F_TYPE < 64 &&
    F_FLOW_DIRECTION < 64 && F_TRAFFIC_PATH < 64 &&
    F_ENCRYPTION_STATUS < 64 && F_PKT_SRCADDR < 64 && F_PKT_DSTADDR < 64,
    "rec_fill's masks test present[0] only");
#define FILL_V2 (PBIT(F_SRCPORT) | PBIT(F_DSTPORT) | PBIT(F_PROTOCOL) | \
	PBIT(F_BYTES) | PBIT(F_PACKETS) | PBIT(F_START) | PBIT(F_END) | \
	PBIT(F_ACTION) | PBIT(F_LOG_STATUS))

/* Fill the in-place fields of a record (r zeroed); returns 1 when it is
 * wide (exact values in *w).  A record with exactly the v2 fields that
 * is not wide takes a straight line. */
static int
rec_fill(const struct flow *f, struct store_rec *r, struct wide *w)
{
	uint64_t packets = f->v[F_PACKETS].u, start = f->v[F_START].u;
	uint64_t end = f->v[F_END].u;
	unsigned has = 0, e1, e2 = 0;
	int hs, he, wide = 0;

	/* end < start wraps end - start past UINT16_MAX: wide */
	if ((f->present[0] & FILL_FIELDS) == FILL_V2 &&
	    ((packets | end) >> 32) == 0 && end - start <= UINT16_MAX) {
		r->sport = (uint16_t)f->v[F_SRCPORT].u;
		r->dport = (uint16_t)f->v[F_DSTPORT].u;
		r->proto = (uint8_t)f->v[F_PROTOCOL].u;
		r->bytes_lo = (uint32_t)f->v[F_BYTES].u;
		r->bytes_hi = (uint32_t)(f->v[F_BYTES].u >> 32);
		r->packets = (uint32_t)packets;
		r->start = (uint32_t)start;
		r->dur = (uint16_t)(end - start);
		r->has = (uint16_t)(STORE_H_SPORT | STORE_H_DPORT |
		    STORE_H_PROTO | STORE_H_BYTES | STORE_H_PACKETS |
		    STORE_H_START | STORE_H_END |
		    (f->flags & FLOW_MS_TIME ? STORE_H_MSTIME : 0));
		r->e1 = (uint8_t)(((unsigned)f->v[F_ACTION].u & 3) |
		    ((unsigned)f->v[F_LOG_STATUS].u & 3) << 2);
		return 0;
	}
	hs = flow_has(f, F_START);
	he = flow_has(f, F_END);

	if (flow_has(f, F_SRCPORT)) {
		has |= STORE_H_SPORT;
		r->sport = (uint16_t)f->v[F_SRCPORT].u;
	}
	if (flow_has(f, F_DSTPORT)) {
		has |= STORE_H_DPORT;
		r->dport = (uint16_t)f->v[F_DSTPORT].u;
	}
	if (flow_has(f, F_PROTOCOL)) {
		has |= STORE_H_PROTO;
		r->proto = (uint8_t)f->v[F_PROTOCOL].u;
	}
	if (flow_has(f, F_TCP_FLAGS)) {
		has |= STORE_H_TCPFLAGS;
		r->tcp_flags = (uint8_t)f->v[F_TCP_FLAGS].u;
	}
	if (flow_has(f, F_BYTES)) {
		has |= STORE_H_BYTES;
		r->bytes_lo = (uint32_t)f->v[F_BYTES].u;
		r->bytes_hi = (uint32_t)(f->v[F_BYTES].u >> 32);
	}
	if (flow_has(f, F_PACKETS)) {
		has |= STORE_H_PACKETS;
		if (packets > UINT32_MAX)
			wide = 1;
	} else
		packets = 0;
	if (hs)
		has |= STORE_H_START;
	else
		start = 0;
	if (he)
		has |= STORE_H_END;
	else
		end = 0;
	if (hs != he || (hs && (end < start || end - start > UINT16_MAX ||
	    end > UINT32_MAX)))
		wide = 1;
	if (wide) {
		has |= STORE_H_WIDE;
		w->packets = packets;
		w->start = start;
		w->end = end;
		r->packets = sat32(packets);
		r->start = sat32(hs ? start : end);
		r->dur = 0;
	} else {
		r->packets = (uint32_t)packets;
		r->start = (uint32_t)start;
		r->dur = (uint16_t)(end - start);
	}
	if (f->flags & FLOW_MS_TIME)
		has |= STORE_H_MSTIME;
	e1 = (flow_has(f, F_ACTION) ? (unsigned)f->v[F_ACTION].u & 3 : 0) |
	    (flow_has(f, F_LOG_STATUS) ? ((unsigned)f->v[F_LOG_STATUS].u & 3) << 2 : 0) |
	    (flow_has(f, F_TYPE) ? ((unsigned)f->v[F_TYPE].u & 3) << 4 : 0) |
	    (flow_has(f, F_FLOW_DIRECTION) ? ((unsigned)f->v[F_FLOW_DIRECTION].u & 3) << 6 : 0);
	if (flow_has(f, F_TRAFFIC_PATH))
		e2 |= (unsigned)f->v[F_TRAFFIC_PATH].u & 15;
	if (flow_has(f, F_ENCRYPTION_STATUS))
		e2 |= (((unsigned)f->v[F_ENCRYPTION_STATUS].u & 3) + 1) << 4;
	has |= pkt_code(f, F_PKT_SRCADDR, F_SRCADDR, F_DSTADDR) <<
	    STORE_H_PSRC_SHIFT;
	has |= pkt_code(f, F_PKT_DSTADDR, F_DSTADDR, F_SRCADDR) <<
	    STORE_H_PDST_SHIFT;
	r->has = (uint16_t)has;
	r->e1 = (uint8_t)e1;
	r->e2 = (uint8_t)e2;
	return wide;
}

/* Allocate the ring arrays for n positions (no huge pages: they are
 * written in order, so 4 kB pages cost no TLB misses, and a fresh huge
 * page costs more to fault in where the host backs memory lazily); -1 on
 * OOM, with the old arrays kept. */
static int
ring_alloc(struct store *s, uint32_t n)
{
	size_t old = s->alloc, len = (size_t)n;
	struct store_rec *nr = table_move(s->recs, old * sizeof *nr,
	    len * sizeof *nr, 0);
	void *nl[STORE_IX_COUNT];
	int i;

	if (nr == NULL)
		return -1;
	s->recs = nr;
	for (i = 0; i < STORE_IX_COUNT; i++) {
		nl[i] = table_alloc(len * (IX_NEAR(i) ? 2 : 4), 0);
		if (nl[i] == NULL) {
			while (i-- > 0)
				free(nl[i]);
			return -1;	/* the larger record array stays */
		}
	}
	for (i = 0; i < STORE_IX_COUNT; i++) {
		if (IX_NEAR(i)) {
			if (s->near[i])
				memcpy(nl[i], s->near[i], old * 2);
			free(s->near[i]);
			s->near[i] = nl[i];
		} else {
			if (s->link[i])
				memcpy(nl[i], s->link[i], old * 4);
			free(s->link[i]);
			s->link[i] = nl[i];
		}
	}
	s->alloc = n;
	s->populated = 0;
	return 0;
}

/* Populate (MADV_POPULATE_WRITE) the pages of len bytes at p, whole
 * pages around them; 0, or -1 when the kernel cannot. */
static int
populate(void *p, size_t len)
{
#ifdef MADV_POPULATE_WRITE
	uintptr_t pg = 4096, a = (uintptr_t)p & ~(pg - 1);
	uintptr_t b = ((uintptr_t)p + len + pg - 1) & ~(pg - 1);

	return madvise((void *)a, b - a, MADV_POPULATE_WRITE) == 0 ? 0 : -1;
#else
	(void)p;
	(void)len;
	return -1;
#endif
}

/* Ask for the pages of the ring positions from pos on, POPULATE at a
 * time, before the appends write them: one call maps a run of pages
 * instead of one page fault each (where the kernel cannot, the faults
 * happen as before). */
static void
ring_populate(struct store *s, uint32_t pos)
{
	uint32_t n = s->alloc - pos < POPULATE ? s->alloc - pos : POPULATE;
	int i;

	s->populated = pos + n;
	if (populate(&s->recs[pos], (size_t)n * sizeof *s->recs) < 0) {
		s->nopopulate = 1;
		return;
	}
	for (i = 0; i < STORE_IX_COUNT; i++) {
		if (IX_NEAR(i))
			populate(&s->near[i][pos], (size_t)n * 2);
		else
			populate(&s->link[i][pos], (size_t)n * 4);
	}
}

/* Make room for the record at position pos; -1 on OOM.  store_new asks
 * for every position at once (pages cost nothing until touched), so this
 * only grows when that failed. */
static int
ring_reserve(struct store *s, uint32_t pos)
{
	uint32_t ncap;

	if (pos >= s->touched) {
		s->touched = pos + 1;
		if (pos >= s->populated && pos < s->alloc && !s->nopopulate &&
		    s->alloc >= POPULATE)
			ring_populate(s, pos);
	}
	if (pos < s->alloc)
		return 0;
	ncap = s->alloc ? s->alloc : 1024;
	while (ncap <= pos)
		ncap = ncap > s->nslots / 2 ? s->nslots : ncap * 2;
	if (ncap > s->nslots)
		ncap = s->nslots;
	return ring_alloc(s, ncap);
}

/* Slot of the context cache for a record: a mix of the format id and the
 * last 8 bytes of its interface-id (else account-id), the context field
 * that varies most between records. */
static inline uint32_t
ctx_slot(const struct flow *f, uint32_t fmt)
{
	int field = flow_has(f, F_INTERFACE_ID) ? F_INTERFACE_ID :
	    flow_has(f, F_ACCOUNT_ID) ? F_ACCOUNT_ID : -1;
	uint64_t w = 0, len = 0;

	if (field >= 0) {
		const char *p = f->v[field].s.p;

		len = f->v[field].s.len;
		if (len >= 8)
			memcpy(&w, p + len - 8, 8);
		else if (len)
			memcpy(&w, p, len);
	}
	w ^= len << 56 ^ (uint64_t)fmt << 40;
	return (uint32_t)((w * 0x9e3779b97f4a7c15ULL) >> (64 - CTXCACHE_BITS));
}

/* Tell whether len bytes at a and b are equal (words compared inline,
 * the last word overlapping the one before). */
static inline int
key_eq(const uint8_t *a, const char *b, size_t len)
{
	uint64_t x, y, d = 0;
	size_t i;

#ifdef __SSE2__
	if (len >= 16) {	/* 16-byte steps, the last overlapping */
		__m128i dv = _mm_xor_si128(
		    _mm_loadu_si128((const __m128i *)(const void *)(a + len - 16)),
		    _mm_loadu_si128((const __m128i *)(const void *)(b + len - 16)));

		for (i = 0; i + 16 < len; i += 16)
			dv = _mm_or_si128(dv, _mm_xor_si128(
			    _mm_loadu_si128((const __m128i *)(const void *)(a + i)),
			    _mm_loadu_si128((const __m128i *)(const void *)(b + i))));
		return _mm_movemask_epi8(_mm_cmpeq_epi8(dv,
		    _mm_setzero_si128())) == 0xffff;
	}
#endif
	if (len < 8) {
		uint32_t u, v;

		if (len < 4) {
			for (i = 0; i < len; i++)
				d |= a[i] ^ (uint8_t)b[i];
			return d == 0;
		}
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		d = u ^ v;
		memcpy(&u, a + len - 4, 4);
		memcpy(&v, b + len - 4, 4);
		return (d | (u ^ v)) == 0;
	}
	for (i = 0; i + 8 < len; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		d |= x ^ y;
	}
	memcpy(&x, a + len - 8, 8);
	memcpy(&y, b + len - 8, 8);
	return (d | (x ^ y)) == 0;
}

/* Tell whether a record of format fmt can use the context memo: its
 * context fields are all the format's own. */
static inline int
memo_usable(const struct store *s, const struct flow *f, uint32_t fmt)
{
	const struct fmtinfo *fi = &s->fmts[fmt];

	return fmt != 0 &&
	    ((f->present[0] & s->ctxbits[0] & ~fi->cbits[0]) |
	    (f->present[1] & s->ctxbits[1] & ~fi->cbits[1])) == 0;
}

/* Compare a present field's value v (a number when num is set) with the
 * memo key field at k; the key's next field, or NULL if they differ. */
static inline __attribute__((always_inline)) const uint8_t *
memo_field(const uint8_t *k, int num, const union flow_val *v)
{
	if (num)
		return *k == 0xfe && key_eq(k + 1, (const char *)&v->u, 8) ?
		    k + 9 : NULL;
	return v->s.len < 0xfe && *k == v->s.len &&
	    key_eq(k + 1, v->s.p, v->s.len) ? k + 1 + v->s.len : NULL;
}

/* Take a reference on the context of memo m and return it if m holds a
 * live context of format fmt whose key the record's context fields
 * give; else return 0 holding nothing. */
static uint32_t
memo_hit(struct store *s, const struct ctxmemo *m, const struct flow *f,
    uint32_t fmt)
{
	const struct fmtinfo *fi = &s->fmts[fmt];
	const uint8_t *k = m->key, *end = k + m->len;
	int i, n = fi->ncf;

	if (m->id == 0 || m->fmt != fmt)
		return 0;
	/* Fields are compared at the memo key's own field boundaries: a
	 * matching marker or length byte there means the stored field has
	 * that size, so no compare reads past the key. */
	/* a key of this format holds its n fields (memo_fill), so the walk
	 * stays inside it; the end is checked once after */
	if (((f->present[0] & fi->cbits[0]) ^ fi->cbits[0]) == 0 &&
	    ((f->present[1] & fi->cbits[1]) ^ fi->cbits[1]) == 0) {
		/* every context field present (the common case): an absent
		 * one in the key (0xff) differs from a number's marker
		 * (0xfe) and from any length the compare lets through */
		for (i = 0; i < n; i++)
			if ((k = memo_field(k, fi->cnum[i],
			    &f->v[fi->cf[i]])) == NULL)
				return 0;
	} else {
		for (i = 0; i < n; i++) {
			int id = fi->cf[i];

			if (!flow_has(f, id))
				k = *k == 0xff ? k + 1 : NULL;
			else
				k = memo_field(k, fi->cnum[i], &f->v[id]);
			if (k == NULL)
				return 0;
		}
	}
	if (k != end)
		return 0;
	return intern_tuple_take(s->ctx, m->id, m->gen);
}

/* Remember in m that the record's context fields give context id (a key
 * too long for the memo leaves it empty). */
static void
memo_fill(struct store *s, struct ctxmemo *m, const struct flow *f,
    uint32_t fmt, uint32_t id)
{
	const struct fmtinfo *fi = &s->fmts[fmt];
	size_t n = 0;
	int i;

	m->id = 0;
	for (i = 0; i < fi->ncf; i++) {
		int fid = fi->cf[i];
		const union flow_val *v = &f->v[fid];

		if (!flow_has(f, fid)) {
			if (n + 1 > CTXKEY)
				return;
			m->key[n++] = 0xff;
		} else if (fi->cnum[i]) {
			if (n + 9 > CTXKEY)
				return;
			m->key[n] = 0xfe;
			memcpy(m->key + n + 1, &v->u, 8);
			n += 9;
		} else {
			if (v->s.len >= 0xfe || n + 1 + v->s.len > CTXKEY)
				return;
			m->key[n] = (uint8_t)v->s.len;
			memcpy(m->key + n + 1, v->s.p, v->s.len);
			n += 1 + v->s.len;
		}
	}
	m->len = (uint16_t)n;
	m->fmt = (uint16_t)fmt;
	m->gen = intern_tuple_gen(s->ctx, id);
	m->id = id;
}

/* Intern a record's context, detail and addresses; -1 on OOM (nothing
 * held).  *newctx says whether the context tuple is new.  The context
 * comes from the context cache when the tuple found there is equal (a
 * field-by-field compare, no hash), else from the tuple table.  ah holds
 * the address hashes store_append computed (and prefetched by). */
static int
rec_intern(struct store *s, const struct flow *f, struct store_rec *r,
    uint32_t fmt, uint32_t slot, const uint64_t ah[2], int *newctx)
{
	uint64_t ctake = ((uint64_t)1 << NCTX) - 1;
	unsigned pc = (r->has >> STORE_H_PSRC_SHIFT) & 3;
	unsigned pd = (r->has >> STORE_H_PDST_SHIFT) & 3;
	int created, memo;

	*newctx = 0;
	memo = memo_usable(s, f, fmt);
	r->ctx = memo ? memo_hit(s, &s->memo[slot], f, fmt) : 0;
	if (r->ctx == 0) {
		/* a memo miss: the tuple's extra word is only needed here */
		unsigned levels;
		uint64_t extra;

		if (fmt) {
			levels = s->fmts[fmt].levels;
		} else {
			levels = (flow_has(f, F_ACCOUNT_ID) ? LV_ACCOUNT : 0) |
			    (flow_has(f, F_VPC_ID) ? LV_VPC : 0) |
			    (flow_has(f, F_SUBNET_ID) ? LV_SUBNET : 0) |
			    (flow_has(f, F_INTERFACE_ID) ? LV_ENI : 0);
		}
		extra = levels | CTX_ALWAYS | (uint64_t)fmt << CTX_FMT_SHIFT;
		r->ctx = intern_tuple_get(s->ctx, f, ctake, extra, newctx);
		if (r->ctx == 0)
			return -1;
		if (memo)
			memo_fill(s, &s->memo[slot], f, fmt, r->ctx);
	}
	/* most records have no detail field: no tuple to look up */
	created = 0;
	r->aux = 0;
	if (((f->present[0] & s->auxbits[0]) | (f->present[1] & s->auxbits[1]) |
	    (pc == PC_DETAIL) | (pd == PC_DETAIL)) != 0) {
		uint64_t atake = ((uint64_t)1 << NAUX) - 1;

		if (pc != PC_DETAIL)
			atake &= ~((uint64_t)1 << AP_PSRC);
		if (pd != PC_DETAIL)
			atake &= ~((uint64_t)1 << AP_PDST);
		r->aux = intern_tuple_get(s->aux, f, atake, 0, &created);
		if (created < 0)
			goto fail_ctx;
	}
	r->src = r->dst = 0;
	if (flow_has(f, F_SRCADDR)) {
		r->src = intern_addr_get_hashed(s->addrs,
		    &f->v[F_SRCADDR].a, ah[0]);
		if (r->src == 0)
			goto fail_aux;
	}
	if (flow_has(f, F_DSTADDR)) {
		r->dst = intern_addr_get_hashed(s->addrs,
		    &f->v[F_DSTADDR].a, ah[1]);
		if (r->dst == 0)
			goto fail_src;
	}
	return 0;
fail_src:
	if (r->src)
		intern_addr_unref(s->addrs, r->src);
fail_aux:
	if (r->aux)
		intern_tuple_unref(s->aux, r->aux);
fail_ctx:
	intern_tuple_unref(s->ctx, r->ctx);
	return -1;
}

/* Release what rec_intern took. */
static void
rec_unintern(struct store *s, const struct store_rec *r)
{
	if (r->src)
		intern_addr_unref(s->addrs, r->src);
	if (r->dst)
		intern_addr_unref(s->addrs, r->dst);
	if (r->aux)
		intern_tuple_unref(s->aux, r->aux);
	intern_tuple_unref(s->ctx, r->ctx);
}

/* Tell whether index x can take `need` new entries and key without
 * allocating (the common case: a few compares). */
static inline int
ix_has_room(const struct sindex *x, uint64_t key, uint32_t need,
    uint32_t hneed)
{
	if (x->nfree + (x->cape - x->ne) < need)
		return 0;
	if (!x->hashed)
		return key < x->capmap;
	return (uint64_t)(x->live + hneed) * 2 <= (uint64_t)x->mask + 1;
}

/* Reserve everything the queued work for r may need; -1 on OOM.  Every
 * queued indexing may create one entry per index; a context's own keys
 * are already mapped unless the context is new.  Entry room is reserved
 * for ROOM appends at a time (the LAG queued ones, this one and ROOM
 * more), so most appends only check that their keys are mapped and that
 * the pair hash has room for LAG + 1 more keys (reserving more there
 * would double the hash early). */
static int
index_reserve(struct store *s, const struct store_rec *r, int newctx)
{
	int k;

	if (r->ctx >= s->capcd && grow((void **)&s->cd, &s->capcd, r->ctx,
	    sizeof *s->cd, UINT32_MAX) < 0)
		return -1;
	if (newctx) {
		memset(&s->cd[r->ctx], 0, sizeof s->cd[r->ctx]);
		s->cd[r->ctx].ent[0] = NO_ENT;
	}
	if (s->room && !newctx &&
	    r->src < s->ix[STORE_IX_SRCADDR].capmap &&
	    r->dst < s->ix[STORE_IX_DSTADDR].capmap &&
	    rec_key(s, STORE_IX_DSTPORT, r) < s->ix[STORE_IX_DSTPORT].capmap &&
	    (r->e1 & 3u) < s->ix[STORE_IX_ACTION].capmap &&
	    (uint64_t)(s->ix[STORE_IX_PAIR].live + LAG + 1) * 2 <=
	    (uint64_t)s->ix[STORE_IX_PAIR].mask + 1) {
		s->room--;
		return 0;
	}
	s->room = 0;
	for (k = 0; k < STORE_IX_COUNT; k++) {
		struct sindex *x = &s->ix[k];
		uint64_t key = k < 4 && !newctx ? 0 : rec_key(s, k, r);

		if (!ix_has_room(x, key, LAG + 1 + ROOM, LAG + 1) &&
		    ix_reserve(x, key, LAG + 1 + ROOM, LAG + 1) < 0)
			return -1;
	}
	s->room = ROOM;
	return 0;
}

/* Copy a record into the ring, evicting the oldest when full. */
uint64_t
store_append(struct store *s, const struct flow *f)
{
	struct store_rec r;
	struct wide w;
	uint64_t seq;
	uint32_t pos, fmt, slot, t0, t1;
	uint64_t ah[2] = { 0, 0 };
	int wide, newctx;

	/* the context memo slot and the address lookups: let their first
	 * lines load while the record is filled */
	fmt = fmt_id(s, f->fmt);
	slot = ctx_slot(f, fmt);
	__builtin_prefetch(&s->memo[slot]);
	if (flow_has(f, F_SRCADDR))
		intern_addr_prefetch(s->addrs, ah[0] = intern_addr_hash(
		    &f->v[F_SRCADDR].a));
	if (flow_has(f, F_DSTADDR))
		intern_addr_prefetch(s->addrs, ah[1] = intern_addr_hash(
		    &f->v[F_DSTADDR].a));
	if (s->next - s->evq == s->cap) {
		enqueue(s, s->evq, s->epos, 1, &s->recs[s->epos]);
		s->evq++;
		if (++s->epos == s->nslots)
			s->epos = 0;
	}
	pos = s->wpos;
	seq = s->next;
	/* the ring line written 8 appends from now: its fetch (the first
	 * write to a line must read it) then never holds up this append */
	if (pos + 8 < s->alloc)
		__builtin_prefetch(&s->recs[pos + 8], 1);
	memset(&r, 0, sizeof r);
	wide = rec_fill(f, &r, &w);
	if (ring_reserve(s, pos) < 0 || (wide && wide_reserve(s) < 0))
		goto drop;
	if (rec_intern(s, f, &r, fmt, slot, ah, &newctx) < 0)
		goto drop;
	if (index_reserve(s, &r, newctx) < 0 || far_reserve(s) < 0) {
		rec_unintern(s, &r);
		goto drop;
	}
	s->recs[pos] = r;
	if (wide)
		wide_put(s, pos, &w);
	if ((seq & (BLOCK - 1)) == 0) {
		s->curblk = (uint32_t)((seq >> BLOCK_SHIFT) % s->nblk);
		s->blk[s->curblk].t0 = UINT32_MAX;
		s->blk[s->curblk].t1 = 0;
	}
	/* the span from the local copy: reading the ring back would wait
	 * for the store just made (a wide record's exact values are looked
	 * up by its ring position) */
	if (rec_span(s, wide ? &s->recs[pos] : &r, &t0, &t1)) {
		struct blk *b = &s->blk[s->curblk];

		if (t0 < b->t0)
			b->t0 = t0;
		if (t1 > b->t1)
			b->t1 = t1;
		if (!s->has_watermark || t1 > s->watermark) {
			s->watermark = t1;
			s->has_watermark = 1;
		}
	}
	s->next++;
	if (++s->wpos == s->nslots)
		s->wpos = 0;
	s->appended++;
	enqueue(s, seq, pos, 0, &r);
	return seq;
drop:
	s->dropped++;
	return STORE_NONE;
}

/* ---- reading records ---- */

/* Sequence number of the oldest record in the ring. */
uint64_t
store_first(const struct store *s)
{
	drain(s);
	return s->first;
}

/* Sequence number the next record will get. */
uint64_t
store_next(const struct store *s)
{
	return s->next;
}

/* Capacity in records. */
uint64_t
store_capacity(const struct store *s)
{
	return s->cap;
}

/* The record seq, or NULL when it is not in the ring. */
const struct store_rec *
store_rec_at(const struct store *s, uint64_t seq)
{
	drain(s);
	if (seq < s->first || seq >= s->next)
		return NULL;
	return &s->recs[seq_pos(s, seq)];
}

/* The records from seq on that lie one after the other in memory. */
const struct store_rec *
store_recs(const struct store *s, uint64_t seq, size_t *n)
{
	uint32_t pos;
	uint64_t left;

	drain(s);
	*n = 0;
	if (seq < s->first || seq >= s->next)
		return NULL;
	pos = seq_pos(s, seq);
	left = s->next - seq;
	*n = (size_t)(left < s->nslots - pos ? left : s->nslots - pos);
	return &s->recs[pos];
}

/* The record's format (the store's copy), or NULL. */
const struct format *
store_rec_format(const struct store *s, const struct store_rec *r)
{
	return s->fmts[rec_fmt(s, r)].fmt;
}

/* Address id of a pkt-* field given its code. */
static uint32_t
pkt_addr(const struct store *s, const struct store_rec *r, int field)
{
	unsigned code = (r->has >> (field == F_PKT_SRCADDR ?
	    STORE_H_PSRC_SHIFT : STORE_H_PDST_SHIFT)) & 3;
	int same = field == F_PKT_SRCADDR;

	switch (code) {
	case PC_SAME:
		return same ? r->src : r->dst;
	case PC_OTHER_SIDE:
		return same ? r->dst : r->src;
	case PC_DETAIL:
		return (uint32_t)intern_tuple_vals(s->aux, r->aux)[same ?
		    AP_PSRC : AP_PDST];
	default:
		return 0;
	}
}

/* Key value of field in a record; returns out->has. */
int
store_rec_val(const struct store *s, const struct store_rec *r, int field,
    struct store_val *out)
{
	uint64_t v = 0, p, a, b;
	int has = 0, pos;

	switch (field) {
	case F_SRCADDR:
		has = r->src != 0;
		v = r->src;
		break;
	case F_DSTADDR:
		has = r->dst != 0;
		v = r->dst;
		break;
	case F_PKT_SRCADDR:
	case F_PKT_DSTADDR:
		v = pkt_addr(s, r, field);
		has = v != 0;
		break;
	case F_SRCPORT:
		has = r->has & STORE_H_SPORT;
		v = r->sport;
		break;
	case F_DSTPORT:
		has = r->has & STORE_H_DPORT;
		v = r->dport;
		break;
	case F_PROTOCOL:
		has = r->has & STORE_H_PROTO;
		v = r->proto;
		break;
	case F_TCP_FLAGS:
		has = r->has & STORE_H_TCPFLAGS;
		v = r->tcp_flags;
		break;
	case F_BYTES:
		has = r->has & STORE_H_BYTES;
		v = rec_bytes(r);
		break;
	case F_PACKETS:
	case F_START:
	case F_END:
		has = r->has & (field == F_PACKETS ? STORE_H_PACKETS :
		    field == F_START ? STORE_H_START : STORE_H_END);
		rec_exact(s, r, &p, &a, &b);
		v = field == F_PACKETS ? p : field == F_START ? a : b;
		break;
	case F_ACTION:
		v = r->e1 & 3;
		has = v != 0;
		break;
	case F_LOG_STATUS:
		v = (r->e1 >> 2) & 3;
		has = v != 0;
		break;
	case F_TYPE:
		v = (r->e1 >> 4) & 3;
		has = v != 0;
		break;
	case F_FLOW_DIRECTION:
		v = (r->e1 >> 6) & 3;
		has = v != 0;
		break;
	case F_TRAFFIC_PATH:
		v = r->e2 & 15;
		has = v != 0;
		break;
	case F_ENCRYPTION_STATUS:
		has = (r->e2 >> 4) != 0;
		v = has ? (uint64_t)(r->e2 >> 4) - 1 : 0;
		break;
	default:
		if ((pos = intern_tuple_pos(s->ctx, field)) >= 0) {
			has = (intern_tuple_mask(s->ctx, r->ctx) >> pos) & 1;
			v = intern_tuple_vals(s->ctx, r->ctx)[pos];
		} else if ((pos = intern_tuple_pos(s->aux, field)) >= 0 &&
		    r->aux) {
			has = (intern_tuple_mask(s->aux, r->aux) >> pos) & 1;
			v = intern_tuple_vals(s->aux, r->aux)[pos];
		}
		break;
	}
	out->has = has != 0;
	out->v = has ? v : 0;
	return out->has;
}

/* Key values of field in n consecutive records (store_scan.h). */
void
store_recs_vals(const struct store *s, const struct store_rec *r, size_t n,
    int field, uint64_t *v, uint32_t *has)
{
	size_t i;
	int pos;

#define RECS_LOOP(present, value) \
	for (i = 0; i < n; i++) { \
		const struct store_rec *x = &r[i]; \
		uint32_t h_ = (present) ? 1 : 0; \
		has[i] = h_; \
		v[i] = h_ ? (uint64_t)(value) : 0; \
	} \
	return
	switch (field) {
	case F_SRCADDR:
		RECS_LOOP(x->src != 0, x->src);
	case F_DSTADDR:
		RECS_LOOP(x->dst != 0, x->dst);
	case F_SRCPORT:
		RECS_LOOP(x->has & STORE_H_SPORT, x->sport);
	case F_DSTPORT:
		RECS_LOOP(x->has & STORE_H_DPORT, x->dport);
	case F_PROTOCOL:
		RECS_LOOP(x->has & STORE_H_PROTO, x->proto);
	case F_TCP_FLAGS:
		RECS_LOOP(x->has & STORE_H_TCPFLAGS, x->tcp_flags);
	case F_BYTES:
		RECS_LOOP(x->has & STORE_H_BYTES, rec_bytes(x));
	case F_ACTION:
		RECS_LOOP(x->e1 & 3, x->e1 & 3);
	case F_LOG_STATUS:
		RECS_LOOP((x->e1 >> 2) & 3, (x->e1 >> 2) & 3);
	case F_TYPE:
		RECS_LOOP((x->e1 >> 4) & 3, (x->e1 >> 4) & 3);
	case F_FLOW_DIRECTION:
		RECS_LOOP(x->e1 >> 6, x->e1 >> 6);
	case F_TRAFFIC_PATH:
		RECS_LOOP(x->e2 & 15, x->e2 & 15);
	case F_ENCRYPTION_STATUS:
		RECS_LOOP(x->e2 >> 4, (x->e2 >> 4) - 1);
	default:
		break;
	}
#undef RECS_LOOP
	if (field >= 0 && field < FIELD_COUNT &&
	    (pos = intern_tuple_pos(s->ctx, field)) >= 0) {
		/* a context field: records of one context come in runs */
		uint32_t last = 0;
		uint64_t lv = 0;
		uint32_t lh = 0;

		for (i = 0; i < n; i++) {
			if (i == 0 || r[i].ctx != last) {
				last = r[i].ctx;
				lh = (uint32_t)(intern_tuple_mask(s->ctx, last) >>
				    pos) & 1;
				lv = lh ? intern_tuple_vals(s->ctx, last)[pos] : 0;
			}
			v[i] = lv;
			has[i] = lh;
		}
		return;
	}
	for (i = 0; i < n; i++) {
		struct store_val sv;

		has[i] = (uint32_t)store_rec_val(s, &r[i], field, &sv);
		v[i] = sv.v;
	}
}

/* The contributions of n consecutive records (store_scan.h). */
void
store_recs_counts(const struct store *s, const struct store_rec *r,
    size_t n, struct store_cnt *c)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct counts k;

		rec_counts(s, &r[i], &k);
		c[i].flow = k.flow;
		c[i].rej = k.rej;
		c[i].skip = k.skip;
		c[i].packets = k.packets;
		c[i].bytes = k.bytes;
	}
}

/* Value of field in a record as struct flow holds it; 1 when present. */
int
store_rec_value(const struct store *s, const struct store_rec *r, int field,
    union flow_val *out)
{
	struct store_val v;

	if (field < 0 || field >= FIELD_COUNT || !store_rec_val(s, r, field, &v))
		return 0;
	switch (field_table[field].type) {
	case FT_SYMBOL:
		out->s.p = intern_sym_str(s->syms, (uint32_t)v.v, &out->s.len);
		break;
	case FT_ADDR:
		out->a = *intern_addr_value(s->addrs, (uint32_t)v.v);
		break;
	default:
		out->u = v.v;
		break;
	}
	return 1;
}

/* Rebuild a record given by pointer. */
void
store_rec_flow(const struct store *s, const struct store_rec *r,
    struct flow *out)
{
	int id;

	flow_clear(out);
	out->fmt = s->fmts[rec_fmt(s, r)].fmt;
	if (r->has & STORE_H_MSTIME)
		out->flags |= FLOW_MS_TIME;
	for (id = 0; id < FIELD_COUNT; id++)
		if (store_rec_value(s, r, id, &out->v[id]))
			flow_set(out, id);
}

/* Rebuild record seq as a struct flow; 0, or -1 when not in the ring. */
int
store_get(const struct store *s, uint64_t seq, struct flow *out)
{
	const struct store_rec *r = store_rec_at(s, seq);

	if (r == NULL)
		return -1;
	store_rec_flow(s, r, out);
	return 0;
}

/* Tell whether the record's format carries field. */
int
store_rec_carries(const struct store *s, const struct store_rec *r, int field)
{
	const struct format *f = s->fmts[rec_fmt(s, r)].fmt;
	struct store_val v;

	if (f)
		return f->slot[field] >= 0;
	return store_rec_val(s, r, field, &v);
}

/* ---- values as text ---- */

/* Write a key value as text ("-" when absent); returns the length. */
size_t
store_val_text(const struct store *s, int field, const struct store_val *v,
    char *buf, size_t size)
{
	const char *w;
	uint32_t len;
	size_t n;

	if (size == 0)
		return 0;
	if (!v->has || field < 0 || field >= FIELD_COUNT) {
		if (size < 2) {
			buf[0] = '\0';
			return 0;
		}
		buf[0] = '-';
		buf[1] = '\0';
		return 1;
	}
	switch (field_table[field].type) {
	case FT_SYMBOL:
		w = intern_sym_str(s->syms, (uint32_t)v->v, &len);
		n = len < size - 1 ? len : size - 1;
		memcpy(buf, w, n);
		buf[n] = '\0';
		return n;
	case FT_ADDR:
		if (size < FLOW_ADDR_STRLEN) {
			buf[0] = '\0';
			return 0;
		}
		flow_addr_format(intern_addr_value(s->addrs, (uint32_t)v->v),
		    buf);
		return strlen(buf);
	case FT_ENUM:
		w = field_enum_word(field, (unsigned)v->v);
		if (w) {
			n = strlen(w) < size - 1 ? strlen(w) : size - 1;
			memcpy(buf, w, n);
			buf[n] = '\0';
			return n;
		}
		/* fall through */
	default:
		n = (size_t)snprintf(buf, size, "%llu",
		    (unsigned long long)v->v);
		return n < size ? n : size - 1;
	}
}

/* Order of two values of field (absent last). */
int
store_val_cmp(const struct store *s, int field, const struct store_val *a,
    const struct store_val *b)
{
	const char *pa, *pb;
	uint32_t la, lb;
	int c;

	if (!a->has || !b->has)
		return (int)!a->has - (int)!b->has;
	if (a->v == b->v)
		return 0;
	switch (field_table[field].type) {
	case FT_SYMBOL:
		pa = intern_sym_str(s->syms, (uint32_t)a->v, &la);
		pb = intern_sym_str(s->syms, (uint32_t)b->v, &lb);
		c = memcmp(pa, pb, la < lb ? la : lb);
		return c ? c : la < lb ? -1 : la > lb;
	case FT_ADDR:
		return memcmp(intern_addr_value(s->addrs, (uint32_t)a->v)->b,
		    intern_addr_value(s->addrs, (uint32_t)b->v)->b, 16);
	default:
		return a->v < b->v ? -1 : 1;
	}
}

/* Turn text into a key value of field; 0, or -1 when bad or unknown. */
int
store_val_parse(const struct store *s, int field, const char *text,
    size_t len, struct store_val *out)
{
	union flow_val v;
	uint32_t id;

	out->has = 0;
	out->v = 0;
	if (field < 0 || field >= FIELD_COUNT)
		return -1;
	if (len == 1 && text[0] == '-')
		return 0;
	switch (field_table[field].type) {
	case FT_SYMBOL:
		id = intern_sym_find(s->syms, text, len);
		break;
	case FT_ADDR:
		if (flow_addr_parse(text, len, &v.a) < 0)
			return -1;
		id = intern_addr_find(s->addrs, &v.a);
		break;
	case FT_ENUM:
		out->v = field_enum_value(field, text, len);
		out->has = out->v != 0;
		return out->has ? 0 : -1;
	default:
		if (len == 0 || len > 20)
			return -1;
		{
			uint64_t n = 0;
			size_t i;

			for (i = 0; i < len; i++) {
				if (text[i] < '0' || text[i] > '9' ||
				    n > (UINT64_MAX - 9) / 10)
					return -1;
				n = n * 10 + (uint64_t)(text[i] - '0');
			}
			out->v = n;
			out->has = 1;
			return 0;
		}
	}
	if (id == 0)
		return -1;
	out->v = id;
	out->has = 1;
	return 0;
}

/* ---- index queries ---- */

/* Index of a field (f2 = -1) or of a pair of fields, or -1. */
int
store_index_find(int f1, int f2)
{
	int i;

	if (f2 >= 0)
		return f1 == F_SRCADDR && f2 == F_DSTADDR ? STORE_IX_PAIR : -1;
	for (i = 0; i < STORE_IX_COUNT; i++)
		if (i != STORE_IX_PAIR && ix_field[i] == f1)
			return i;
	return -1;
}

/* The field(s) of an index. */
void
store_index_fields(int ix, int *f1, int *f2)
{
	*f1 = ix_field[ix];
	*f2 = ix == STORE_IX_PAIR ? F_DSTADDR : -1;
}

/* Number of distinct keys an index holds. */
uint64_t
store_index_keys(const struct store *s, int ix)
{
	drain(s);
	return s->ix[ix].live;
}

/* The internal key of a public key of index ix, or UINT64_MAX. */
static uint64_t
key_of(int ix, const struct store_val *key)
{
	switch (ix) {
	case STORE_IX_PAIR:
		if ((key[0].has && key[0].v > UINT32_MAX) ||
		    (key[1].has && key[1].v > UINT32_MAX))
			return UINT64_MAX;
		return (key[0].has ? key[0].v << 32 : 0) |
		    (key[1].has ? key[1].v : 0);
	case STORE_IX_DSTPORT:
		return key[0].has ? key[0].v : PORT_ABSENT;
	default:
		return key[0].has ? key[0].v : 0;
	}
}

/* The public key of an entry. */
static void
key_public(int ix, uint64_t k, struct store_val *key)
{
	memset(key, 0, 2 * sizeof *key);
	switch (ix) {
	case STORE_IX_PAIR:
		key[0].v = k >> 32;
		key[0].has = key[0].v != 0;
		key[1].v = k & UINT32_MAX;
		key[1].has = key[1].v != 0;
		break;
	case STORE_IX_DSTPORT:
		key[0].has = k != PORT_ABSENT;
		key[0].v = key[0].has ? k : 0;
		break;
	default:
		key[0].v = k;
		key[0].has = k != 0;
		break;
	}
}

/* Totals of one key, first/last exact; -1 when no record has the key. */
int
store_key_totals(struct store *s, int ix, const struct store_val *key,
    struct store_totals *out)
{
	uint64_t k = key_of(ix, key);
	uint32_t id;

	drain(s);
	if (ix < 0 || ix >= STORE_IX_COUNT || k == UINT64_MAX ||
	    (id = ix_find(&s->ix[ix], k)) == NO_ENT)
		return -1;
	ent_refresh(s, ix, &s->ix[ix].e[id]);
	ent_public(&s->ix[ix].e[id], out);
	return 0;
}

/* Start iterating the records of a key, newest first. */
void
store_chain_start(const struct store *s, int ix, const struct store_val *key,
    struct store_chain *c)
{
	uint64_t k = key_of(ix, key);
	uint32_t id;

	drain(s);
	c->s = s;
	c->ix = ix;
	c->seq = STORE_NONE;
	c->pos = 0;
	if (ix < 0 || ix >= STORE_IX_COUNT || k == UINT64_MAX ||
	    (id = ix_find(&s->ix[ix], k)) == NO_ENT)
		return;
	c->seq = ent_head(s, &s->ix[ix].e[id]);
	c->pos = seq_pos(s, c->seq);
}

/* Next record of a chain: 1 with *seq, or 0 at the end. */
int
store_chain_next(struct store_chain *c, uint64_t *seq)
{
	const struct store *s = c->s;
	uint32_t d;

	if (c->seq == STORE_NONE || c->seq < s->first || c->seq >= s->next)
		return 0;
	*seq = c->seq;
	d = link_get(s, c->ix, c->seq, c->pos);
	if (d == 0 || c->seq - s->first < d) {
		c->seq = STORE_NONE;
	} else {
		c->seq -= d;
		c->pos = pos_back(s, c->pos, d);
	}
	return 1;
}

/* Metric of an entry by a ranking. */
static inline uint64_t
ent_metric(const struct ent *e, enum store_rank by)
{
	return by == STORE_BY_BYTES ? e->bytes : by == STORE_BY_PACKETS ?
	    e->packets : e->flows;
}

/* Compare entry keys of index ix in store_val_cmp order. */
static int
ent_key_cmp(const struct store *s, int ix, uint64_t a, uint64_t b)
{
	struct store_val ka[2], kb[2];
	int c;

	key_public(ix, a, ka);
	key_public(ix, b, kb);
	c = store_val_cmp(s, ix_field[ix], &ka[0], &kb[0]);
	if (c || ix != STORE_IX_PAIR)
		return c;
	return store_val_cmp(s, F_DSTADDR, &ka[1], &kb[1]);
}

/* Tell whether entry a ranks before entry b (metric desc, key asc). */
static int
ent_before(const struct store *s, int ix, enum store_rank by,
    const struct ent *a, const struct ent *b)
{
	uint64_t ma = ent_metric(a, by), mb = ent_metric(b, by);

	if (ma != mb)
		return ma > mb;
	return ent_key_cmp(s, ix, a->key, b->key) < 0;
}

/* Restore the heap (worst entry at the root) below node i. */
static void
heap_down(const struct store *s, int ix, enum store_rank by,
    const struct ent *e, uint32_t *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, w = i;
		uint32_t t;

		if (l < n && ent_before(s, ix, by, &e[h[w]], &e[h[l]]))
			w = l;
		if (r < n && ent_before(s, ix, by, &e[h[w]], &e[h[r]]))
			w = r;
		if (w == i)
			return;
		t = h[i];
		h[i] = h[w];
		h[w] = t;
		i = w;
	}
}

/* Share of a metric in a total. */
static double
share_of(uint64_t part, uint64_t whole)
{
	return whole ? (double)part / (double)whole : 0.0;
}

/* Top n keys of an index by a metric, from the index's totals. */
size_t
store_index_top(struct store *s, int ix, enum store_rank by, size_t n,
    int want_times, struct store_row *rows, size_t *ngroups,
    struct store_totals *total)
{
	struct sindex *x = &s->ix[ix];
	uint32_t *h, i;
	size_t nh = 0, groups = 0, k;
	uint64_t whole;

	drain(s);
	store_totals(s, total);
	whole = by == STORE_BY_BYTES ? total->bytes : by == STORE_BY_PACKETS ?
	    total->packets : total->flows;
	if (ngroups)
		*ngroups = 0;
	if (n == 0)
		return 0;
	if (n > x->live)
		n = x->live;
	h = malloc((n ? n : 1) * sizeof *h);
	if (h == NULL)
		return 0;
	for (i = 0; i < x->ne; i++) {
		const struct ent *e = &x->e[i];

		if (e->recs == 0 || e->flows == 0)
			continue;
		groups++;
		if (nh < n) {
			/* sift up */
			size_t c = nh++;

			h[c] = i;
			while (c > 0) {
				size_t p = (c - 1) / 2;
				uint32_t t;

				if (!ent_before(s, ix, by, &x->e[h[p]], e))
					break;
				t = h[p];
				h[p] = h[c];
				h[c] = t;
				c = p;
			}
		} else if (ent_before(s, ix, by, e, &x->e[h[0]])) {
			h[0] = i;
			heap_down(s, ix, by, x->e, h, nh, 0);
		}
	}
	/* pop worst-first into the tail of rows */
	for (k = nh; k > 0; k--) {
		struct ent *e = &x->e[h[0]];
		struct store_row *row = &rows[k - 1];

		if (want_times)
			ent_refresh(s, ix, e);
		key_public(ix, e->key, row->key);
		ent_public(e, &row->t);
		row->share = share_of(ent_metric(e, by), whole);
		h[0] = h[k - 1];
		heap_down(s, ix, by, x->e, h, k - 1, 0);
	}
	free(h);
	if (ngroups)
		*ngroups = groups;
	return nh;
}

/* Call fn for every key of an index with its totals. */
size_t
store_index_each(struct store *s, int ix, void (*fn)(void *arg,
    const struct store_val *key, const struct store_totals *t), void *arg)
{
	const struct sindex *x = &s->ix[ix];
	struct store_val key[2];
	struct store_totals t;
	size_t n = 0;
	uint32_t i;

	drain(s);
	for (i = 0; i < x->ne; i++) {
		if (x->e[i].recs == 0)
			continue;
		key_public(ix, x->e[i].key, key);
		ent_public(&x->e[i], &t);
		fn(arg, key, &t);
		n++;
	}
	return n;
}

/* ---- ring-wide figures ---- */

/* Totals of the whole ring (first/last: store_span). */
void
store_totals(const struct store *s, struct store_totals *t)
{
	struct tot rt;

	drain(s);
	ring_tot(s, &rt);
	tot_public(&rt, t);
	t->times = store_span(s, &t->first, &t->last);
}

/* Newest t1 of every record ever appended; 0 when none had a span. */
int
store_watermark(const struct store *s, uint32_t *t)
{
	*t = s->watermark;
	return s->has_watermark;
}

/* The event-time span [t0, t1] the ring covers now; 0 when none. */
int
store_span(const struct store *s, uint32_t *t0, uint32_t *t1)
{
	uint64_t seq, end, fb, lb, b;
	uint32_t lo = UINT32_MAX, hi = 0, a, z;
	int any = 0;

	drain(s);
	*t0 = *t1 = 0;
	if (s->first == s->next)
		return 0;
	fb = s->first >> BLOCK_SHIFT;
	lb = (s->next - 1) >> BLOCK_SHIFT;
	end = (fb + 1) << BLOCK_SHIFT;
	if (end > s->next)
		end = s->next;
	for (seq = s->first; seq < end; seq++)
		if (rec_span(s, &s->recs[seq_pos(s, seq)], &a, &z)) {
			any = 1;
			if (a < lo)
				lo = a;
			if (z > hi)
				hi = z;
		}
	for (b = fb + 1; b <= lb; b++) {
		const struct blk *k = &s->blk[b % s->nblk];

		if (k->t1 < k->t0)
			continue;
		any = 1;
		if (k->t0 < lo)
			lo = k->t0;
		if (k->t1 > hi)
			hi = k->t1;
	}
	if (!any)
		return 0;
	*t0 = lo;
	*t1 = hi;
	return 1;
}

/* ---- contexts ---- */

/* One more than the highest context id. */
uint32_t
store_ctx_limit(const struct store *s)
{
	return intern_tuple_limit(s->ctx);
}

/* Context id of a record. */
uint32_t
store_rec_ctx(const struct store_rec *r)
{
	return r->ctx;
}

/* Totals of a live context; -1 when the id is free. */
int
store_ctx_totals(const struct store *s, uint32_t ctx, struct store_totals *t)
{
	drain(s);
	if (intern_tuple_refs(s->ctx, ctx) == 0)
		return -1;
	tot_public(&s->cd[ctx].t, t);
	return 0;
}

/* Drill-down levels a context carries and their values. */
unsigned
store_ctx_levels(const struct store *s, uint32_t ctx, struct store_val vals[4])
{
	static const int lvpos[4] = { CP_ACCOUNT, CP_VPC, CP_SUBNET, CP_ENI };
	const uint64_t *v = intern_tuple_vals(s->ctx, ctx);
	uint64_t mask = intern_tuple_mask(s->ctx, ctx);
	int i;

	for (i = 0; i < 4; i++) {
		vals[i].has = (mask >> lvpos[i]) & 1;
		vals[i].v = v[lvpos[i]];
	}
	return (unsigned)intern_tuple_extra(s->ctx, ctx) & 15;
}

/* Pin a key value so its id is not reused while a view holds it. */
void
store_val_ref(struct store *s, int field, const struct store_val *v)
{
	if (!v->has || field < 0 || field >= FIELD_COUNT)
		return;
	if (field_table[field].type == FT_SYMBOL) {
		intern_sym_ref(s->syms, (uint32_t)v->v);
		s->pins_sym++;
	} else if (field_table[field].type == FT_ADDR) {
		intern_addr_ref(s->addrs, (uint32_t)v->v);
		s->pins_addr++;
	}
}

/* Release a pin taken by store_val_ref. */
void
store_val_unref(struct store *s, int field, const struct store_val *v)
{
	if (!v->has || field < 0 || field >= FIELD_COUNT)
		return;
	if (field_table[field].type == FT_SYMBOL) {
		intern_sym_unref(s->syms, (uint32_t)v->v);
		s->pins_sym--;
	} else if (field_table[field].type == FT_ADDR) {
		intern_addr_unref(s->addrs, (uint32_t)v->v);
		s->pins_addr--;
	}
}

/* Intern a symbol or address value of field and pin it (release with
 * store_val_unref); other types are parsed as store_val_parse does. */
int
store_val_intern(struct store *s, int field, const char *text, size_t len,
    struct store_val *out)
{
	union flow_val v;
	uint32_t id;

	out->has = 0;
	out->v = 0;
	if (field < 0 || field >= FIELD_COUNT)
		return -1;
	if (len == 1 && text[0] == '-')
		return 0;
	switch (field_table[field].type) {
	case FT_SYMBOL:
		id = intern_sym_get(s->syms, text, len);
		if (id == 0)
			return -1;
		s->pins_sym++;
		break;
	case FT_ADDR:
		if (flow_addr_parse(text, len, &v.a) < 0)
			return -1;
		id = intern_addr_get(s->addrs, &v.a);
		if (id == 0)
			return -1;
		s->pins_addr++;
		break;
	default:
		return store_val_parse(s, field, text, len, out);
	}
	out->v = id;
	out->has = 1;
	return 0;
}

/* The address behind an address id of a live record or pin. */
const struct flow_addr *
store_addr(const struct store *s, uint32_t id)
{
	return intern_addr_value(s->addrs, id);
}

/* The text behind a symbol id of a live record or pin (length in *len). */
const char *
store_sym(const struct store *s, uint32_t id, uint32_t *len)
{
	return intern_sym_str(s->syms, id, len);
}

/* Tell whether field is one of the n fields of a tuple schema. */
static int
schema_has(const uint8_t *fields, int n, int field)
{
	int i;

	for (i = 0; i < n; i++)
		if (fields[i] == field)
			return 1;
	return 0;
}

/* Tell whether a field lives in the detail tuple (absent when a record
 * has none: store_rec_aux is 0). */
int
store_field_detail(int field)
{
	return schema_has(aux_fields, NAUX, field);
}

/* Tell whether a field's value is the same in every record that has the
 * same context id (it lives in the context tuple). */
int
store_field_per_ctx(int field)
{
	return schema_has(ctx_fields, NCTX, field);
}

/* A count that changes whenever a symbol, context or detail id is freed. */
uint64_t
store_recycled(const struct store *s)
{
	return intern_sym_freed(s->syms) + intern_tuple_freed(s->ctx) +
	    intern_tuple_freed(s->aux);
}

/* ---- watchers ---- */

/* Register a function called with each record before it is evicted. */
int
store_watch(struct store *s, store_evict_fn fn, void *arg)
{
	if (grow((void **)&s->w, &s->capw, s->nw, sizeof *s->w, 1u << 16) < 0)
		return -1;
	s->w[s->nw].fn = fn;
	s->w[s->nw].arg = arg;
	s->nw++;
	return 0;
}

/* Remove a function registered with store_watch. */
void
store_unwatch(struct store *s, store_evict_fn fn, void *arg)
{
	uint32_t i;

	for (i = 0; i < s->nw; i++)
		if (s->w[i].fn == fn && s->w[i].arg == arg) {
			memmove(&s->w[i], &s->w[i + 1],
			    (s->nw - i - 1) * sizeof *s->w);
			s->nw--;
			return;
		}
}

/* ---- statistics ---- */

/* Fill the --stats figures. */
void
store_stats(const struct store *s, struct store_stats *st)
{
	struct tot rt;
	int i;

	drain(s);
	memset(st, 0, sizeof *st);
	st->capacity = s->cap;
	st->records = s->next - s->first;
	st->appended = s->appended;
	st->evicted = s->evicted;
	st->dropped = s->dropped;
	ring_tot(s, &rt);
	st->flows = rt.flows;
	st->skipdata = rt.skipdata;
	st->nodata = rt.recs - rt.flows - rt.skipdata;
	st->symbols = intern_sym_count(s->syms);
	st->addresses = intern_addr_count(s->addrs);
	st->contexts = intern_tuple_count(s->ctx);
	st->details = intern_tuple_count(s->aux);
	st->formats = s->nfmts - 1;
	st->wide = s->wideused;
	st->mem_ring = sizeof *s + (uint64_t)s->touched * STORE_REC_BYTES +
	    (uint64_t)s->nblk * sizeof *s->blk;
	for (i = 0; i < STORE_IX_COUNT; i++) {
		const struct sindex *x = &s->ix[i];

		st->keys[i] = x->live;
		st->mem_index += (uint64_t)x->ne * sizeof *x->e +
		    (uint64_t)x->capmap * sizeof *x->map +
		    (x->hashed ? ((uint64_t)x->mask + 1) * sizeof *x->slot : 0);
	}
	st->mem_index += (uint64_t)s->capcd * sizeof *s->cd;
	st->mem_intern = intern_sym_mem(s->syms) + intern_addr_mem(s->addrs) +
	    intern_tuple_mem(s->ctx) + intern_tuple_mem(s->aux) +
	    (uint64_t)s->capfmts * sizeof *s->fmts +
	    (uint64_t)(s->nfmts - 1) * sizeof(struct format) +
	    (s->wide ? ((uint64_t)s->widemask + 1) * sizeof *s->wide : 0) +
	    (uint64_t)s->capw * sizeof *s->w +
	    ((uint64_t)sizeof *s->memo << CTXCACHE_BITS) +
	    (s->far ? ((uint64_t)s->farmask + 1) * sizeof *s->far : 0);
	st->mem_total = st->mem_ring + st->mem_index + st->mem_intern;
	st->bytes_per_record = st->records ?
	    (double)st->mem_total / (double)st->records : 0.0;
}

/* ---- verification (tests) ---- */

/* Expected state of one key, rebuilt by store_verify. */
struct vkey {
	uint64_t key;
	uint64_t last_seq;
	struct tot t;
	uint32_t first, last;
	int used;
};

/* A throwaway open-addressing map from key to struct vkey. */
struct vmap {
	struct vkey *v;
	size_t mask;
};

/* Find or add key in a verification map (sized for every record). */
static struct vkey *
vmap_get(struct vmap *m, uint64_t key)
{
	size_t i = (size_t)intern_mix64(key) & m->mask;

	while (m->v[i].used && m->v[i].key != key)
		i = (i + 1) & m->mask;
	if (!m->v[i].used) {
		m->v[i].used = 1;
		m->v[i].key = key;
		m->v[i].first = UINT32_MAX;
		m->v[i].last_seq = STORE_NONE;
	}
	return &m->v[i];
}

#define VFAIL(...) do {						\
	if (err)							\
		snprintf(err, errlen, __VA_ARGS__);			\
	goto out;							\
} while (0)

/* Compare two totals; 0 when equal. */
static int
tot_cmp(const struct tot *a, const struct tot *b)
{
	return a->recs != b->recs || a->flows != b->flows ||
	    a->rejects != b->rejects || a->skipdata != b->skipdata ||
	    a->packets != b->packets || a->bytes != b->bytes;
}

/* Number of symbol ids with a reference. */
static uint32_t
nsyms(const struct store *s)
{
	uint32_t i, n = 0, lim = intern_sym_limit(s->syms);

	for (i = 1; i < lim; i++)
		n += intern_sym_refs(s->syms, i) != 0;
	return n;
}

/* Number of address ids with a reference. */
static uint32_t
naddrs(const struct store *s)
{
	uint32_t i, n = 0, lim = intern_addr_limit(s->addrs);

	for (i = 1; i < lim; i++)
		n += intern_addr_refs(s->addrs, i) != 0;
	return n;
}

/* Recompute every index, total and reference count and compare. */
int
store_verify(struct store *s, char *err, size_t errlen)
{
	uint64_t n, seq, size = 64;
	struct vmap m[STORE_IX_COUNT];
	struct tot *ct = NULL, ring, rt;
	uint32_t *symrefs = NULL, *addrrefs = NULL, *ctxrefs = NULL;
	uint32_t *auxrefs = NULL, nwide = 0, lim, i;
	uint64_t pins;
	int k, rc = -1;

	drain(s);
	n = s->next - s->first;
	memset(m, 0, sizeof m);
	memset(&ring, 0, sizeof ring);
	if (err && errlen)
		err[0] = '\0';
	while (size < 2 * n + 2)
		size *= 2;
	for (k = 0; k < STORE_IX_COUNT; k++) {
		m[k].v = calloc(size, sizeof *m[k].v);
		m[k].mask = size - 1;
		if (m[k].v == NULL)
			VFAIL("out of memory");
	}
	ct = calloc(intern_tuple_limit(s->ctx) + 1, sizeof *ct);
	symrefs = calloc(intern_sym_limit(s->syms) + 1, 4);
	addrrefs = calloc(intern_addr_limit(s->addrs) + 1, 4);
	ctxrefs = calloc(intern_tuple_limit(s->ctx) + 1, 4);
	auxrefs = calloc(intern_tuple_limit(s->aux) + 1, 4);
	if (!ct || !symrefs || !addrrefs || !ctxrefs || !auxrefs)
		VFAIL("out of memory");
	if (n > s->cap)
		VFAIL("%llu records in a ring of %u", (unsigned long long)n,
		    s->cap);
	for (seq = s->first; seq < s->next; seq++) {
		uint32_t pos = seq_pos(s, seq), t0 = 0, t1 = 0;
		const struct store_rec *r = &s->recs[pos];
		struct counts c;
		int timed;

		if (r->ctx == 0 || r->ctx >= intern_tuple_limit(s->ctx) ||
		    intern_tuple_refs(s->ctx, r->ctx) == 0)
			VFAIL("seq %llu: dead context %u",
			    (unsigned long long)seq, r->ctx);
		rec_counts(s, r, &c);
		timed = rec_span(s, r, &t0, &t1);
		if (r->has & STORE_H_WIDE) {
			nwide++;
			if (wide_find(s, pos) == NULL)
				VFAIL("seq %llu: wide values missing",
				    (unsigned long long)seq);
		}
		for (k = 0; k < STORE_IX_COUNT; k++) {
			struct vkey *v = vmap_get(&m[k], rec_key(s, k, r));
			uint32_t d = link_get(s, k, seq, pos);

			if (v->last_seq == STORE_NONE) {
				if (d != 0 && seq - d >= s->first)
					VFAIL("index %d seq %llu: link %u to a "
					    "record of another key", k,
					    (unsigned long long)seq, d);
			} else if (d != seq - v->last_seq)
				VFAIL("index %d seq %llu: link %u, want %llu",
				    k, (unsigned long long)seq, d,
				    (unsigned long long)(seq - v->last_seq));
			v->last_seq = seq;
			tot_apply(&v->t, &c, 1);
			if (timed) {
				if (t0 < v->first)
					v->first = t0;
				if (t1 > v->last)
					v->last = t1;
			}
		}
		tot_apply(&ct[r->ctx], &c, 1);
		tot_apply(&ring, &c, 1);
		ctxrefs[r->ctx]++;
		if (r->aux)
			auxrefs[r->aux]++;
		if (r->src)
			addrrefs[r->src]++;
		if (r->dst)
			addrrefs[r->dst]++;
	}
	ring_tot(s, &rt);
	if (tot_cmp(&ring, &rt))
		VFAIL("ring totals differ");
	if (nwide != s->wideused)
		VFAIL("%u wide records, %u wide entries", nwide, s->wideused);
	/* every entry against the recomputation, both ways */
	for (k = 0; k < STORE_IX_COUNT; k++) {
		struct sindex *x = &s->ix[k];
		uint32_t live = 0;
		size_t j;

		for (i = 0; i < x->ne; i++) {
			struct ent *e = &x->e[i];
			struct vkey *v;

			if (e->recs == 0)
				continue;
			live++;
			if (ix_find(x, e->key) != i)
				VFAIL("index %d: key %llu not findable", k,
				    (unsigned long long)e->key);
			v = vmap_get(&m[k], e->key);
			if (v->last_seq == STORE_NONE)
				VFAIL("index %d: key %llu has no record", k,
				    (unsigned long long)e->key);
			if (ent_head(s, e) != v->last_seq)
				VFAIL("index %d: key %llu head %llu, want %llu",
				    k, (unsigned long long)e->key,
				    (unsigned long long)ent_head(s, e),
				    (unsigned long long)v->last_seq);
			if (e->recs != v->t.recs || e->flows != v->t.flows ||
			    e->rejects != v->t.rejects ||
			    e->skipdata != v->t.skipdata ||
			    e->packets != v->t.packets || e->bytes != v->t.bytes)
				VFAIL("index %d: key %llu totals differ", k,
				    (unsigned long long)e->key);
			if (!(e->flags & ENT_STALE_FIRST) && e->first != v->first)
				VFAIL("index %d: key %llu first %u, want %u", k,
				    (unsigned long long)e->key, e->first,
				    v->first);
			if (!(e->flags & ENT_STALE_LAST) && e->last != v->last)
				VFAIL("index %d: key %llu last %u, want %u", k,
				    (unsigned long long)e->key, e->last,
				    v->last);
			ent_refresh(s, k, e);
			if (e->first != v->first || e->last != v->last)
				VFAIL("index %d: key %llu refreshed times differ",
				    k, (unsigned long long)e->key);
		}
		if (live != x->live)
			VFAIL("index %d: %u live entries, count says %u", k,
			    live, x->live);
		for (j = 0; j <= m[k].mask; j++)
			if (m[k].v[j].used && m[k].v[j].last_seq != STORE_NONE &&
			    ix_find(x, m[k].v[j].key) == NO_ENT)
				VFAIL("index %d: key %llu has no entry", k,
				    (unsigned long long)m[k].v[j].key);
	}
	/* contexts: refs, totals, cached entries; their symbols */
	lim = intern_tuple_limit(s->ctx);
	for (i = 1; i < lim; i++) {
		uint32_t refs = intern_tuple_refs(s->ctx, i);
		uint64_t mask;
		int p;

		if (refs != ctxrefs[i])
			VFAIL("context %u: %u refs, %u records", i, refs,
			    ctxrefs[i]);
		if (refs == 0)
			continue;
		if (tot_cmp(&ct[i], &s->cd[i].t))
			VFAIL("context %u: totals differ", i);
		if (s->cd[i].ent[0] == NO_ENT)
			VFAIL("context %u: in use, entries not resolved", i);
		for (k = 0; k < 4; k++)
			if (s->ix[k].e[s->cd[i].ent[k]].key !=
			    intern_tuple_vals(s->ctx, i)[ix_ctxpos[k]] ||
			    s->ix[k].e[s->cd[i].ent[k]].recs == 0)
				VFAIL("context %u: cached entry %d wrong", i, k);
		mask = intern_tuple_mask(s->ctx, i);
		for (p = 0; p < NCTX; p++)
			if (((mask >> p) & 1) &&
			    field_table[ctx_fields[p]].type == FT_SYMBOL)
				symrefs[intern_tuple_vals(s->ctx, i)[p]]++;
	}
	lim = intern_tuple_limit(s->aux);
	for (i = 1; i < lim; i++) {
		uint32_t refs = intern_tuple_refs(s->aux, i);
		uint64_t mask;
		int p;

		if (refs != auxrefs[i])
			VFAIL("detail %u: %u refs, %u records", i, refs,
			    auxrefs[i]);
		if (refs == 0)
			continue;
		mask = intern_tuple_mask(s->aux, i);
		if (mask == 0)
			VFAIL("detail %u: empty", i);
		for (p = 0; p < NAUX; p++) {
			int type = field_table[aux_fields[p]].type;

			if (!((mask >> p) & 1))
				continue;
			if (type == FT_SYMBOL)
				symrefs[intern_tuple_vals(s->aux, i)[p]]++;
			else if (type == FT_ADDR)
				addrrefs[intern_tuple_vals(s->aux, i)[p]]++;
		}
	}
	/* references = uses by records and tuples, plus views' pins */
	lim = intern_sym_limit(s->syms);
	for (i = 1, pins = 0; i < lim; i++) {
		if (intern_sym_refs(s->syms, i) < symrefs[i] ||
		    (symrefs[i] == 0 && intern_sym_refs(s->syms, i) &&
		    s->pins_sym == 0))
			VFAIL("symbol %u: %u refs, %u uses", i,
			    intern_sym_refs(s->syms, i), symrefs[i]);
		pins += intern_sym_refs(s->syms, i) - symrefs[i];
	}
	if (pins != s->pins_sym)
		VFAIL("symbols: %llu extra refs, %llu pins",
		    (unsigned long long)pins, (unsigned long long)s->pins_sym);
	lim = intern_addr_limit(s->addrs);
	for (i = 1, pins = 0; i < lim; i++) {
		if (intern_addr_refs(s->addrs, i) < addrrefs[i])
			VFAIL("address %u: %u refs, %u uses", i,
			    intern_addr_refs(s->addrs, i), addrrefs[i]);
		pins += intern_addr_refs(s->addrs, i) - addrrefs[i];
	}
	if (pins != s->pins_addr)
		VFAIL("addresses: %llu extra refs, %llu pins",
		    (unsigned long long)pins, (unsigned long long)s->pins_addr);
	if (intern_sym_count(s->syms) != (size_t)nsyms(s) ||
	    intern_addr_count(s->addrs) != (size_t)naddrs(s))
		VFAIL("live intern counts differ");
	if (intern_sym_check(s->syms) || intern_addr_check(s->addrs) ||
	    intern_tuple_check(s->ctx) || intern_tuple_check(s->aux))
		VFAIL("an intern id cannot be found by its value");
	rc = 0;
out:
	for (k = 0; k < STORE_IX_COUNT; k++)
		free(m[k].v);
	free(ct);
	free(symrefs);
	free(addrrefs);
	free(ctxrefs);
	free(auxrefs);
	return rc;
}
