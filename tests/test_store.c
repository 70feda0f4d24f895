/*
 * test_store.c - the store, its indexes and views: focused cases with
 * known values, and a property test against a brute-force recomputation.
 *
 * The property test appends random records (small pools of accounts,
 * VPCs, ENIs, addresses and ports so that keys collide; NODATA, SKIPDATA,
 * absent fields, IPv6, wide values and several formats now and then) to
 * rings of 1 to 1000 records and keeps a shadow copy of the records that
 * should still be in the ring.  After every batch it checks, against a
 * recomputation over the shadow: every record read back, every index
 * (keys, chains newest first, totals, first/last), open group views (with
 * a match, a time range, cumulative), top N with the tie order, the
 * drill-down tree (every node, filtered and not), a timeline, the
 * watermark and span, the number of live symbols and addresses, and
 * store_verify's own full recount (links, heads, refcounts).
 * VPCTOP_PROPERTY_SCALE (default 1) multiplies the number of runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "field.h"
#include "flow.h"
#include "format.h"
#include "parse.h"
#include "store.h"
#include "view.h"

/* ---- helpers ---- */

/* Parse a line in fmt (NULL: by field count) or fail the test. */
static void
parse_or_fail(const struct format *fmt, const char *line, struct flow *f)
{
	struct parse_error err;

	if (parse_line(fmt, line, strlen(line), f, &err) != 0)
		fail_msg("cannot parse: %s (reason %d)", line, err.reason);
}

/* Append a line to a store; returns its seq. */
static uint64_t
add_line(struct store *s, const struct format *fmt, const char *line)
{
	struct flow f;
	uint64_t seq;

	parse_or_fail(fmt, line, &f);
	seq = store_append(s, &f);
	assert_true(seq != STORE_NONE);
	return seq;
}

/* Key value of field from text, or fail. */
static struct store_val
val_of(const struct store *s, int field, const char *text)
{
	struct store_val v;

	if (store_val_parse(s, field, text, strlen(text), &v) != 0)
		fail_msg("no value %s for %s", text, field_name(field));
	return v;
}

/* Text of a key value (static buffer, one at a time). */
static const char *
text_of(const struct store *s, int field, const struct store_val *v)
{
	static char buf[4200];

	store_val_text(s, field, v, buf, sizeof buf);
	return buf;
}

/* A match hook that takes everything (forces a view's own table). */
static int
match_all(void *ctx, const struct store *s, const struct store_rec *r)
{
	(void)ctx;
	(void)s;
	(void)r;
	return 1;
}

/* Check the store's own recount. */
static void
verify(struct store *s)
{
	char err[256];

	if (store_verify(s, err, sizeof err) != 0)
		fail_msg("store_verify: %s", err);
}

/* ---- focused cases ---- */

static const char *const talkers[] = {
	/* v2: version account eni src dst sport dport proto pkts bytes start end action status */
	"2 111111111111 eni-a 10.0.0.1 10.0.0.9 1000 443 6 10 300 100 160 ACCEPT OK",
	"2 111111111111 eni-a 10.0.0.2 10.0.0.9 1001 443 6 10 200 110 170 ACCEPT OK",
	"2 111111111111 eni-b 10.0.0.3 10.0.0.9 1002 80 6 10 200 120 180 REJECT OK",
	"2 111111111111 eni-b 10.0.0.4 10.0.0.9 1003 80 6 10 100 130 190 ACCEPT OK",
	"2 111111111111 eni-b 10.0.0.1 10.0.0.9 1004 22 6 5 50 140 200 ACCEPT OK",
	"2 111111111111 eni-b - - - - - - - 150 210 - NODATA",
	"2 111111111111 eni-a - - - - - - - 90 95 - SKIPDATA",
};

/* Top 3 by bytes from the index: values, shares, ties to the smaller key. */
static void
test_top_indexed(void **state)
{
	struct store *s = store_new(100);
	struct store_row rows[3];
	struct store_totals tot;
	size_t n, ng, i;

	(void)state;
	for (i = 0; i < sizeof talkers / sizeof *talkers; i++)
		add_line(s, NULL, talkers[i]);
	n = store_index_top(s, STORE_IX_SRCADDR, STORE_BY_BYTES, 3, 1, rows,
	    &ng, &tot);
	assert_int_equal(n, 3);
	assert_int_equal(ng, 4);	/* 4 addresses with flows */
	assert_int_equal(tot.bytes, 850);
	assert_int_equal(tot.flows, 5);
	assert_int_equal(tot.records, 7);
	assert_string_equal(text_of(s, F_SRCADDR, &rows[0].key[0]), "10.0.0.1");
	assert_int_equal(rows[0].t.bytes, 350);
	assert_int_equal(rows[0].t.flows, 2);
	assert_int_equal(rows[0].t.first, 100);
	assert_int_equal(rows[0].t.last, 200);
	assert_true(rows[0].share > 0.4117 && rows[0].share < 0.4118);
	/* 10.0.0.2 and 10.0.0.3 tie at 200 bytes: smaller address first */
	assert_string_equal(text_of(s, F_SRCADDR, &rows[1].key[0]), "10.0.0.2");
	assert_string_equal(text_of(s, F_SRCADDR, &rows[2].key[0]), "10.0.0.3");
	assert_int_equal(rows[2].t.rejects, 1);
	/* by flows: 10.0.0.1 (2), then the three singles in address order */
	n = store_index_top(s, STORE_IX_SRCADDR, STORE_BY_FLOWS, 3, 0, rows,
	    &ng, &tot);
	assert_int_equal(n, 3);
	assert_string_equal(text_of(s, F_SRCADDR, &rows[1].key[0]), "10.0.0.2");
	assert_string_equal(text_of(s, F_SRCADDR, &rows[2].key[0]), "10.0.0.3");
	store_free(s);
}

/* The same question through a non-indexed group view (a scan). */
static void
test_top_scanned(void **state)
{
	struct store *s = store_new(100);
	struct view *v;
	struct store_row rows[4];
	struct store_totals tot;
	size_t n, ng, i;

	(void)state;
	for (i = 0; i < sizeof talkers / sizeof *talkers; i++)
		add_line(s, NULL, talkers[i]);
	v = view_group_new(s, F_DSTPORT, -1, NULL);	/* indexed: direct */
	n = view_top(v, STORE_BY_BYTES, 4, rows, &ng, &tot);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].key[0].v, 443);
	assert_int_equal(rows[0].t.bytes, 500);
	assert_int_equal(rows[1].key[0].v, 80);
	assert_int_equal(rows[2].key[0].v, 22);
	view_free(v);
	/* protocol and srcport are not indexed: the view keeps a table */
	v = view_group_new(s, F_PROTOCOL, F_DSTPORT, NULL);
	n = view_top(v, STORE_BY_PACKETS, 4, rows, &ng, &tot);
	assert_int_equal(n, 3);
	assert_int_equal(ng, 3);
	/* 443 and 80 tie at 20 packets: dstport 80 < 443 */
	assert_int_equal(rows[0].key[0].v, 6);
	assert_int_equal(rows[0].key[1].v, 80);
	assert_int_equal(rows[1].key[1].v, 443);
	assert_int_equal(rows[2].key[1].v, 22);
	assert_int_equal(tot.packets, 45);
	assert_true(rows[0].share > 0.4444 && rows[0].share < 0.4445);
	view_free(v);
	store_free(s);
}

/* NODATA and SKIPDATA count as records, never as flows, bytes, packets. */
static void
test_nodata_skipdata(void **state)
{
	struct store *s = store_new(100);
	struct store_totals t;
	struct store_val k[2];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof talkers / sizeof *talkers; i++)
		add_line(s, NULL, talkers[i]);
	k[0] = val_of(s, F_INTERFACE_ID, "eni-a");
	assert_int_equal(store_key_totals(s, STORE_IX_ENI, k, &t), 0);
	assert_int_equal(t.records, 3);
	assert_int_equal(t.flows, 2);
	assert_int_equal(t.skipdata, 1);
	assert_int_equal(t.nodata, 0);
	assert_int_equal(t.bytes, 500);
	assert_int_equal(t.first, 90);	/* the SKIPDATA span counts in time */
	k[0] = val_of(s, F_INTERFACE_ID, "eni-b");
	assert_int_equal(store_key_totals(s, STORE_IX_ENI, k, &t), 0);
	assert_int_equal(t.records, 4);
	assert_int_equal(t.flows, 3);
	assert_int_equal(t.nodata, 1);
	assert_int_equal(t.skipdata, 0);
	assert_int_equal(t.packets, 25);
	assert_int_equal(t.rejects, 1);
	store_totals(s, &t);
	assert_int_equal(t.flows, 5);
	assert_int_equal(t.nodata, 1);
	assert_int_equal(t.skipdata, 1);
	assert_int_equal(t.first, 90);
	assert_int_equal(t.last, 210);
	/* the NODATA record has no srcaddr: the "-" key exists, without flows */
	k[0].has = 0;
	k[0].v = 0;
	assert_int_equal(store_key_totals(s, STORE_IX_SRCADDR, k, &t), 0);
	assert_int_equal(t.records, 2);
	assert_int_equal(t.flows, 0);
	store_free(s);
}

/* Chains come newest first and stop at evicted records. */
static void
test_chain_eviction(void **state)
{
	struct store *s = store_new(4);
	struct store_chain c;
	struct store_val k[2];
	struct store_totals t;
	uint64_t seq, got[8];
	int n = 0;

	(void)state;
	add_line(s, NULL, "2 1 eni-x 10.0.0.1 10.0.0.2 1 2 6 1 10 50 60 ACCEPT OK");
	add_line(s, NULL, "2 1 eni-y 10.0.0.1 10.0.0.2 1 2 6 1 10 40 45 ACCEPT OK");
	add_line(s, NULL, "2 1 eni-x 10.0.0.1 10.0.0.2 1 2 6 1 10 70 80 ACCEPT OK");
	add_line(s, NULL, "2 1 eni-x 10.0.0.1 10.0.0.2 1 2 6 1 10 60 65 ACCEPT OK");
	k[0] = val_of(s, F_INTERFACE_ID, "eni-x");
	store_chain_start(s, STORE_IX_ENI, k, &c);
	while (store_chain_next(&c, &seq))
		got[n++] = seq;
	assert_int_equal(n, 3);
	assert_int_equal(got[0], 3);
	assert_int_equal(got[1], 2);
	assert_int_equal(got[2], 0);
	assert_int_equal(store_key_totals(s, STORE_IX_ENI, k, &t), 0);
	assert_int_equal(t.first, 50);
	assert_int_equal(t.last, 80);
	/* evicting seq 0 removes eni-x's minimum start: recomputed, exact */
	add_line(s, NULL, "2 1 eni-z 10.0.0.3 10.0.0.2 1 2 6 1 10 90 95 ACCEPT OK");
	assert_int_equal(store_key_totals(s, STORE_IX_ENI, k, &t), 0);
	assert_int_equal(t.records, 2);
	assert_int_equal(t.first, 60);
	assert_int_equal(t.last, 80);
	n = 0;
	store_chain_start(s, STORE_IX_ENI, k, &c);
	while (store_chain_next(&c, &seq))
		got[n++] = seq;
	assert_int_equal(n, 2);
	assert_int_equal(got[1], 2);
	/* two more evictions: eni-y and one eni-x go */
	add_line(s, NULL, "2 1 eni-z 10.0.0.3 10.0.0.2 1 2 6 1 10 90 95 ACCEPT OK");
	add_line(s, NULL, "2 1 eni-z 10.0.0.3 10.0.0.2 1 2 6 1 10 90 95 ACCEPT OK");
	assert_int_equal(store_key_totals(s, STORE_IX_ENI, k, &t), 0);
	assert_int_equal(t.records, 1);
	assert_int_equal(t.first, 60);
	assert_int_equal(t.last, 65);
	assert_int_equal(store_val_parse(s, F_INTERFACE_ID, "eni-y", 5, &k[0]),
	    -1);		/* interned text freed with its last record */
	assert_int_equal(store_index_keys(s, STORE_IX_ENI), 2);
	assert_int_equal(store_first(s), 3);
	assert_int_equal(store_next(s), 7);
	verify(s);
	store_free(s);
}

/* v2 logs: account -> interface -> peer -> port; v5: every level. */
static void
test_tree_levels(void **state)
{
	struct format v5;
	struct store *s = store_new(100);
	struct view *v = view_tree_new(s, NULL);
	struct view_node path[6], out[8];
	size_t n, nc;

	(void)state;
	format_version(&v5, 5);
	/* eni-a is 10.0.0.5: ingress from 203.0.113.7, replies to it */
	add_line(s, NULL, "2 111111111111 eni-a 203.0.113.7 10.0.0.5 50000 443 6 10 1000 100 160 ACCEPT OK");
	add_line(s, NULL, "2 111111111111 eni-a 10.0.0.5 203.0.113.7 443 50000 6 20 9000 100 160 ACCEPT OK");
	add_line(s, NULL, "2 111111111111 eni-a 10.0.0.5 198.51.100.1 40000 53 17 1 80 100 101 ACCEPT OK");
	add_line(s, &v5, "5 222222222222 eni-c 10.1.0.5 10.1.0.6 1 22 6 1 100 100 110 ACCEPT OK "
	    "vpc-1 subnet-1 i-1 3 IPv4 10.1.0.5 10.1.0.6 us-east-1 use1-az1 - - - - egress 1");
	n = view_tree_children(v, NULL, 0, STORE_BY_BYTES, out, 8, &nc);
	assert_int_equal(nc, 2);
	assert_int_equal(out[0].level, VIEW_LV_ACCOUNT);
	assert_string_equal(text_of(s, F_ACCOUNT_ID, &out[0].key), "111111111111");
	assert_int_equal(out[0].t.bytes, 10080);
	assert_int_equal(out[0].t.times, -1);
	/* v2: no vpc-id, no subnet-id: straight to the interface */
	path[0] = out[0];
	n = view_tree_children(v, path, 1, STORE_BY_BYTES, out, 8, &nc);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].level, VIEW_LV_ENI);
	assert_string_equal(text_of(s, F_INTERFACE_ID, &out[0].key), "eni-a");
	path[1] = out[0];
	n = view_tree_children(v, path, 2, STORE_BY_BYTES, out, 8, &nc);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].level, VIEW_LV_PEER);
	assert_string_equal(text_of(s, F_SRCADDR, &out[0].key), "203.0.113.7");
	assert_int_equal(out[0].t.bytes, 10000);
	assert_int_equal(out[0].t.flows, 2);
	assert_int_equal(out[0].t.times, 1);
	assert_int_equal(out[0].t.first, 100);
	assert_int_equal(out[0].t.last, 160);
	assert_string_equal(text_of(s, F_SRCADDR, &out[1].key), "198.51.100.1");
	path[2] = out[0];
	n = view_tree_children(v, path, 3, STORE_BY_BYTES, out, 8, &nc);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].level, VIEW_LV_PORT);
	assert_int_equal(out[0].key.v, 443);	/* both directions: service port */
	assert_int_equal(out[0].t.bytes, 10000);
	path[3] = out[0];
	n = view_tree_children(v, path, 4, STORE_BY_BYTES, out, 8, &nc);
	assert_int_equal(n, 0);
	/* v5: account -> vpc -> subnet -> eni -> peer (egress: dstaddr) */
	path[0].level = VIEW_LV_ACCOUNT;
	path[0].key = val_of(s, F_ACCOUNT_ID, "222222222222");
	n = view_tree_children(v, path, 1, STORE_BY_BYTES, out, 8, &nc);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].level, VIEW_LV_VPC);
	path[1] = out[0];
	n = view_tree_children(v, path, 2, STORE_BY_BYTES, out, 8, &nc);
	assert_int_equal(out[0].level, VIEW_LV_SUBNET);
	path[2] = out[0];
	n = view_tree_children(v, path, 3, STORE_BY_BYTES, out, 8, &nc);
	assert_int_equal(out[0].level, VIEW_LV_ENI);
	path[3] = out[0];
	n = view_tree_children(v, path, 4, STORE_BY_BYTES, out, 8, &nc);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].level, VIEW_LV_PEER);
	assert_string_equal(text_of(s, F_SRCADDR, &out[0].key), "10.1.0.6");
	view_free(v);
	store_free(s);
}

/* A record's counts spread over its span, rounded half up, conserved. */
static void
test_timeline_rounding(void **state)
{
	struct store *s = store_new(10);
	struct view *v = view_timeline_new(s, 1000, 1, 5, NULL);
	const struct view_bin *b;
	uint32_t n;

	(void)state;
	/* 100 bytes, 10 packets, 1 flow over seconds 1001..1003 */
	add_line(s, NULL, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 10 100 1001 1003 REJECT OK");
	b = view_timeline(v, &n);
	assert_int_equal(n, 5);
	assert_int_equal(b[0].bytes, 0);
	assert_int_equal(b[1].bytes, 33);
	assert_int_equal(b[2].bytes, 34);
	assert_int_equal(b[3].bytes, 33);
	assert_int_equal(b[1].packets + b[2].packets + b[3].packets, 10);
	assert_int_equal(b[2].packets, 4);	/* P = 3, 7, 10: 3 4 3 */
	assert_int_equal(b[1].flows, 0);	/* the flow lands mid-span */
	assert_int_equal(b[2].flows, 1);
	assert_int_equal(b[2].rejects, 1);
	/* width 2 from 1000: [1000,1001] gets 1/3, [1002,1003] 2/3 */
	view_free(v);
	v = view_timeline_new(s, 1000, 2, 2, NULL);
	b = view_timeline(v, &n);
	assert_int_equal(b[0].bytes, 33);
	assert_int_equal(b[1].bytes, 67);
	/* eviction subtracts exactly what was added */
	add_line(s, NULL, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 7 1002 1002 ACCEPT OK");
	b = view_timeline(v, &n);
	assert_int_equal(b[1].bytes, 74);
	view_free(v);
	store_free(s);
	s = store_new(1);
	v = view_timeline_new(s, 1000, 2, 2, NULL);
	add_line(s, NULL, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 10 100 1001 1003 ACCEPT OK");
	b = view_timeline(v, &n);
	assert_int_equal(b[1].bytes, 67);
	add_line(s, NULL, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 7 1002 1002 ACCEPT OK");
	b = view_timeline(v, &n);
	assert_int_equal(b[0].bytes, 0);
	assert_int_equal(b[0].flows, 0);
	assert_int_equal(b[1].bytes, 7);
	view_free(v);
	store_free(s);
}

/* Values that do not fit the compact record come back exact. */
static void
test_wide_values(void **state)
{
	struct store *s = store_new(3);
	struct flow f;
	char buf[64];
	uint32_t t0, t1;

	(void)state;
	add_line(s, NULL, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 5000000000 9 100 50 ACCEPT OK");
	add_line(s, NULL, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 9 100 200000 ACCEPT OK");
	add_line(s, NULL, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 9 100 - ACCEPT OK");
	assert_int_equal(store_get(s, 0, &f), 0);
	assert_int_equal(f.v[F_PACKETS].u, 5000000000ULL);
	assert_int_equal(f.v[F_END].u, 50);
	assert_int_equal(store_rec_span(s, store_rec_at(s, 0), &t0, &t1), 1);
	assert_int_equal(t0, 100);
	assert_int_equal(t1, 100);	/* end before start: raised to start */
	assert_int_equal(store_get(s, 1, &f), 0);
	assert_int_equal(f.v[F_END].u, 200000);
	assert_int_equal(store_get(s, 2, &f), 0);
	assert_false(flow_has(&f, F_END));
	flow_value_text(&f, F_START, buf, sizeof buf);
	assert_string_equal(buf, "100");
	verify(s);
	add_line(s, NULL, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 9 100 101 ACCEPT OK");
	add_line(s, NULL, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 9 100 101 ACCEPT OK");
	verify(s);
	store_free(s);
}

/* A cumulative view counts records the ring has already let go. */
static void
test_cumulative(void **state)
{
	struct store *s = store_new(2);
	struct view_opts o = { .cumulative = 1 };
	struct view *v = view_group_new(s, F_SRCADDR, -1, &o);
	struct view *w = view_group_new(s, F_SRCADDR, -1, NULL);
	struct store_row rows[4];
	struct store_totals tot;
	size_t n, ng;

	(void)state;
	add_line(s, NULL, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 100 1 2 ACCEPT OK");
	add_line(s, NULL, "2 1 eni-1 10.0.0.7 10.0.0.2 1 2 6 1 10 1 2 ACCEPT OK");
	add_line(s, NULL, "2 1 eni-1 10.0.0.3 10.0.0.2 1 2 6 1 30 1 2 ACCEPT OK");
	add_line(s, NULL, "2 1 eni-1 10.0.0.4 10.0.0.2 1 2 6 1 20 1 2 ACCEPT OK");
	n = view_top(v, STORE_BY_BYTES, 4, rows, &ng, &tot);
	assert_int_equal(n, 4);
	assert_int_equal(tot.bytes, 160);
	assert_string_equal(text_of(s, F_SRCADDR, &rows[0].key[0]), "10.0.0.1");
	assert_string_equal(text_of(s, F_SRCADDR, &rows[3].key[0]), "10.0.0.7");
	n = view_top(w, STORE_BY_BYTES, 4, rows, &ng, &tot);
	assert_int_equal(n, 2);
	assert_int_equal(tot.bytes, 50);
	view_free(v);
	view_free(w);
	verify(s);
	store_free(s);
}

/* Sizes and the memory budget. */
static void
test_sizes(void **state)
{
	uint64_t b;
	struct store *s;
	struct store_stats st;

	(void)state;
	assert_int_equal(store_parse_size("512M", &b), 0);
	assert_int_equal(b, 512ULL << 20);
	assert_int_equal(store_parse_size("1.5G", &b), 0);
	assert_int_equal(b, 3ULL << 29);
	assert_int_equal(store_parse_size("64KiB", &b), 0);
	assert_int_equal(b, 65536);
	assert_int_equal(store_parse_size("1000", &b), 0);
	assert_int_equal(b, 1000);
	assert_int_equal(store_parse_size("", &b), -1);
	assert_int_equal(store_parse_size("12X", &b), -1);
	assert_int_equal(store_parse_size("1.5", &b), -1);
	/* 44 bytes of record, 5 x 2 + 4 x 4 of links, 16 for the tables */
	assert_int_equal(STORE_REC_BYTES, 70);
	assert_int_equal(store_capacity_for_memory(86ULL * 1000000),
	    1000000);
	assert_int_equal(store_capacity_for_memory(96ULL * 1000000),
	    1116279);
	assert_int_equal(store_capacity_for_memory(5), 1);
	assert_null(store_new(0));
	s = store_new(1000);
	add_line(s, NULL, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 100 1 2 ACCEPT OK");
	store_stats(s, &st);
	assert_int_equal(st.records, 1);
	assert_int_equal(st.keys[STORE_IX_ENI], 1);
	assert_int_equal(st.addresses, 2);
	assert_int_equal(st.symbols, 2);
	assert_true(st.mem_total > STORE_REC_BYTES);
	assert_true(st.bytes_per_record > 0);
	store_free(s);
}

/* Many distinct keys coming and going: hash deletions, id reuse, wide
 * records; the store's recount and a filtered view agree throughout. */
static void
test_churn(void **state)
{
	struct store *s = store_new(500);
	struct view_opts o = { .match = match_all };
	struct view *v = view_group_new(s, F_SRCADDR, F_DSTADDR, &o);
	uint64_t x = 12345;
	int i;

	(void)state;
	for (i = 0; i < 20000; i++) {
		char line[256];

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		snprintf(line, sizeof line, "2 %u eni-%u 10.%u.%u.%u 10.9.%u.%u "
		    "%u 443 6 %llu 100 1000 %u ACCEPT OK",
		    (unsigned)(x >> 60), (unsigned)(x >> 40) % 700,
		    (unsigned)(x >> 33) % 4, (unsigned)(x >> 20) % 256,
		    (unsigned)(x >> 12) % 256, (unsigned)(x >> 50) % 8,
		    (unsigned)(x >> 8) % 256, (unsigned)(x >> 24) % 65536,
		    (x >> 10) % 7 ? 5ULL : 5000000000ULL,
		    (x >> 5) % 9 ? 1060u : 900u);
		add_line(s, NULL, line);
		if (i % 500 == 499) {
			struct store_row rows[500];
			struct store_totals tot, t;
			size_t n, ng, k;

			verify(s);
			n = view_top(v, STORE_BY_BYTES, 500, rows, &ng, &tot);
			assert_int_equal(n, store_index_keys(s, STORE_IX_PAIR));
			for (k = 0; k < n; k++) {
				assert_int_equal(store_key_totals(s,
				    STORE_IX_PAIR, rows[k].key, &t), 0);
				assert_int_equal(t.records, rows[k].t.records);
				assert_int_equal(t.packets, rows[k].t.packets);
			}
		}
	}
	view_free(v);
	store_free(s);
}

/* Records of one interface whose context fields differ only where the
 * context memo's key could read two ways (an absent number against one
 * whose first byte is 0xff; a symbol boundary moved between two fields)
 * keep their own contexts, alternating in the same memo slot. */
static void
test_context_memo(void **state)
{
	static const char *const lines[][2] = {
		{ "version account-id interface-id srcaddr bytes",
		    "- 1 eni-x 10.0.0.1 10" },
		{ "version account-id interface-id srcaddr bytes",
		    "255 1 eni-x 10.0.0.1 10" },
		{ "account-id vpc-id interface-id srcaddr bytes",
		    "ab c eni-x 10.0.0.1 10" },
		{ "account-id vpc-id interface-id srcaddr bytes",
		    "a bc eni-x 10.0.0.1 10" },
	};
	struct format fmts[4];
	struct store *s = store_new(64);
	char err[128];
	int i, k;

	(void)state;
	for (k = 0; k < 4; k++)
		assert_int_equal(format_from_spec(lines[k][0], &fmts[k], err,
		    sizeof err), 1);
	for (i = 0; i < 40; i++) {
		struct flow f;
		char a[64], b[64];
		uint64_t seq;

		k = i % 4;
		seq = add_line(s, &fmts[k], lines[k][1]);
		assert_int_equal(store_get(s, seq, &f), 0);
		if (k < 2) {
			assert_int_equal(flow_has(&f, F_VERSION), k == 1);
			if (k == 1)
				assert_int_equal(f.v[F_VERSION].u, 255);
		} else {
			flow_value_text(&f, F_ACCOUNT_ID, a, sizeof a);
			flow_value_text(&f, F_VPC_ID, b, sizeof b);
			assert_string_equal(a, k == 2 ? "ab" : "a");
			assert_string_equal(b, k == 2 ? "c" : "bc");
		}
		if (i % 8 == 7)
			verify(s);
	}
	store_free(s);
}

/* Keys seen less often than every 65535 records (interfaces, an account
 * and the absent action here) have 16-bit links that escape to the far
 * table: chains and totals stay exact through evictions and rebuilds of
 * that table, and the chain of the rare interface still reaches its older
 * record. */
static void
test_far_links(void **state)
{
	static const char *const common[4] = {
		"2 111111111111 eni-a 10.0.0.1 10.0.0.9 1000 443 6 10 300 100 160 ACCEPT OK",
		"2 222222222222 eni-b 10.0.0.2 10.0.0.9 1001 443 6 10 200 110 170 REJECT OK",
		"2 111111111111 eni-c 10.0.0.3 10.0.0.9 1002 80 6 10 200 120 180 ACCEPT OK",
		"2 222222222222 eni-d 10.0.0.4 10.0.0.9 1003 80 6 10 100 130 190 ACCEPT OK",
	};
	static const char rare[] =
	    "2 999999999999 eni-rare - - - - - - - 150 210 - NODATA";
	const int cap = 150000, n = 450000;
	struct store *s = store_new((uint64_t)cap);
	int i, checked = 0;

	(void)state;
	for (i = 0; i < n; i++) {
		char line[128];

		/* and 340 interfaces taking turns every 200 records: each
		 * comes back after 68000, so hundreds of escapes are live
		 * and the far table is rebuilt as records come and go */
		snprintf(line, sizeof line, "2 111111111111 eni-r%d 10.0.0.5 "
		    "10.0.0.9 1004 22 6 1 60 140 200 ACCEPT OK", i / 200 % 340);
		add_line(s, NULL, i % 67000 == 5 ? rare : i % 200 == 7 ? line :
		    common[i % 4]);
		if (i % 25000 == 24999)
			verify(s);
		if (i % 67000 == 5 && i > cap) {
			struct store_val eni = val_of(s, F_INTERFACE_ID,
			    "eni-rare");
			struct store_chain c;
			uint64_t seq, prev = STORE_NONE;
			int got = 0, want = 0, j;

			for (j = i; j > i - cap; j--)
				want += j % 67000 == 5;
			store_chain_start(s, STORE_IX_ENI, &eni, &c);
			while (store_chain_next(&c, &seq)) {
				if (prev != STORE_NONE)
					assert_int_equal(prev - seq, 67000);
				prev = seq;
				got++;
			}
			assert_int_equal(got, want);
			checked++;
		}
	}
	verify(s);
	assert_true(checked >= 4);
	store_free(s);
}

/* A ring of records without times has no span, however many blocks. */
static void
test_span_timeless(void **state)
{
	struct store *s = store_new(1000);
	uint32_t t0, t1;
	int i;

	(void)state;
	for (i = 0; i < 700; i++)
		add_line(s, NULL, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 9 - - ACCEPT OK");
	assert_int_equal(store_span(s, &t0, &t1), 0);
	add_line(s, NULL, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 9 50 70 ACCEPT OK");
	assert_int_equal(store_span(s, &t0, &t1), 1);
	assert_int_equal(t0, 50);
	assert_int_equal(t1, 70);
	store_free(s);
}

/* ---- the property test ---- */

static uint64_t rng_state;

/* Next value of a splitmix64 stream. */
static uint64_t
rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint32_t
below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

static const char *const pool_account[] = { "111111111111", "012345678901", "unknown" };
static const char *const pool_vpc[] = { "vpc-1", "vpc-2", "vpc-3" };
static const char *const pool_subnet[] = { "subnet-1", "subnet-2", "subnet-3", "subnet-4" };
static const char *const pool_eni[] = { "eni-1", "eni-2", "eni-3", "eni-4", "eni-5", "eni-6" };
static const char *const pool_generic[] = { "alpha", "beta", "gamma" };
static const char *const pool_addr[] = {
	"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.1.1", "192.0.2.7",
	"198.51.100.9", "203.0.113.5", "0.0.0.0", "2001:db8::1",
	"2001:db8::2", "fe80::1", "::ffff:10.0.0.9"
};
static const uint16_t pool_port[] = { 22, 80, 443, 53, 3306, 51234, 40000, 0 };

#define NFMT 8
static struct format test_fmts[NFMT];

/* Build the formats the property test draws from (index 0: none). */
static void
make_formats(void)
{
	char err[128];

	format_version(&test_fmts[1], 2);
	format_version(&test_fmts[2], 3);
	format_version(&test_fmts[3], 5);
	format_version(&test_fmts[4], 11);
	format_tgw(&test_fmts[5]);
	assert_int_equal(format_from_spec("srcaddr dstaddr srcport dstport "
	    "protocol bytes packets start end action", &test_fmts[6], err,
	    sizeof err), 1);
	assert_int_equal(format_from_spec("account-id vpc-id interface-id "
	    "srcaddr dstaddr dstport bytes packets start end log-status "
	    "flow-direction", &test_fmts[7], err, sizeof err), 1);
}

/* A random value of field id into f. */
static void
rand_value(struct flow *f, int id, int64_t base)
{
	const struct field_info *fi = &field_table[id];
	union flow_val *v = &f->v[id];

	switch (fi->type) {
	case FT_SYMBOL: {
		const char *const *pool = pool_generic;
		uint32_t n = 3;

		if (id == F_ACCOUNT_ID) {
			pool = pool_account;
			n = 3;
		} else if (id == F_VPC_ID) {
			pool = pool_vpc;
			n = 3;
		} else if (id == F_SUBNET_ID) {
			pool = pool_subnet;
			n = 4;
		} else if (id == F_INTERFACE_ID) {
			pool = pool_eni;
			n = 6;
		}
		v->s.p = pool[below(n)];
		v->s.len = (uint32_t)strlen(v->s.p);
		break;
	}
	case FT_ADDR: {
		const char *a = pool_addr[below(5) ? below(8) : 8 + below(4)];

		assert_int_equal(flow_addr_parse(a, strlen(a), &v->a), 0);
		break;
	}
	case FT_PORT:
		v->u = below(10) ? pool_port[below(8)] : below(65536);
		break;
	case FT_INT:
		if (id == F_PROTOCOL)
			v->u = (const uint64_t[]){ 6, 6, 17, 1, 58 }[below(5)];
		else
			v->u = fi->min + below(fi->max - fi->min + 1);
		break;
	case FT_COUNTER:
		if (id == F_PACKETS && below(100) == 0)
			v->u = below(2) ? 5000000000ULL + below(1000) :
			    (uint64_t)UINT32_MAX - 1 + below(3);	/* 32-bit edge */
		else if (id == F_BYTES && below(50) == 0)
			v->u = (1ULL << 40) + below(1000);
		else if (id >= F_PACKETS_LOST_NO_ROUTE)
			v->u = below(4) ? 0 : below(5);
		else
			v->u = 1 + below(1000);
		break;
	case FT_TIME:
		if (below(200) == 0)
			v->u = 5000000000ULL + below(100);	/* past 2106 */
		else
			v->u = (uint64_t)(base + (int64_t)below(400) - 200);
		break;
	case FT_ENUM: {
		unsigned n = 0;

		while (fi->words[n])
			n++;
		v->u = 1 + below(n);
		if (id == F_LOG_STATUS)
			v->u = below(100) < 85 ? STATUS_OK :
			    below(2) ? STATUS_NODATA : STATUS_SKIPDATA;
		break;
	}
	}
}

/* A random record in format test_fmts[k] (k 0: no format, any fields). */
static void
rand_flow(struct flow *f, int k, int64_t base)
{
	const struct format *fmt = k ? &test_fmts[k] : NULL;
	int id;

	flow_clear(f);
	f->fmt = fmt;
	for (id = 0; id < FIELD_COUNT; id++) {
		if (fmt ? fmt->slot[id] < 0 : below(10) < 3)
			continue;
		if (below(100) < 8)
			continue;	/* "-" */
		rand_value(f, id, base);
		flow_set(f, id);
	}
	if (flow_has(f, F_START) && flow_has(f, F_END)) {
		uint32_t r = below(100);

		if (r < 90 && f->v[F_START].u < 4000000000ULL)
			f->v[F_END].u = f->v[F_START].u + below(r < 3 ? 70000 : 700);
		if (r == 95)	/* the 16-bit duration edge */
			f->v[F_END].u = f->v[F_START].u + 65534 + below(3);
	}
	if (flow_has(f, F_LOG_STATUS) && f->v[F_LOG_STATUS].u != STATUS_OK) {
		/* NODATA/SKIPDATA: identity and times only */
		for (id = 0; id < FIELD_COUNT; id++)
			if (id != F_VERSION && id != F_ACCOUNT_ID &&
			    id != F_INTERFACE_ID && id != F_START &&
			    id != F_END && id != F_LOG_STATUS &&
			    (id < F_VPC_ID || field_table[id].type != FT_SYMBOL))
				f->present[id >> 6] &= ~((uint64_t)1 << (id & 63));
	}
	if (flow_has(f, F_PKT_SRCADDR) && flow_has(f, F_SRCADDR) && below(2))
		f->v[F_PKT_SRCADDR].a = f->v[F_SRCADDR].a;
	if (flow_has(f, F_PKT_DSTADDR) && flow_has(f, F_DSTADDR) && below(2))
		f->v[F_PKT_DSTADDR].a = f->v[F_DSTADDR].a;
	if (flow_has(f, F_PKT_DSTADDR) && flow_has(f, F_SRCADDR) && !below(6))
		f->v[F_PKT_DSTADDR].a = f->v[F_SRCADDR].a;
}

/* Copy f's symbols into buf so the caller can scribble over them later. */
static void
flow_to_scratch(struct flow *f, char *buf)
{
	int id;

	for (id = 0; id < FIELD_COUNT; id++)
		if (flow_has(f, id) && field_table[id].type == FT_SYMBOL) {
			memcpy(buf, f->v[id].s.p, f->v[id].s.len);
			f->v[id].s.p = buf;
			buf += f->v[id].s.len;
		}
}

/* Tell whether two records are equal, field by field. */
static int
flow_equal(const struct flow *a, const struct flow *b, char *why)
{
	int id;

	if ((a->fmt == NULL) != (b->fmt == NULL) ||
	    (a->fmt && !format_equal(a->fmt, b->fmt))) {
		strcpy(why, "format");
		return 0;
	}
	for (id = 0; id < FIELD_COUNT; id++) {
		char x[FLOW_VALUE_MAX], y[FLOW_VALUE_MAX];

		if (flow_has(a, id) != flow_has(b, id)) {
			sprintf(why, "presence of %s", field_name(id));
			return 0;
		}
		if (!flow_has(a, id))
			continue;
		flow_value_text(a, id, x, sizeof x);
		flow_value_text(b, id, y, sizeof y);
		if (strcmp(x, y) != 0) {
			snprintf(why, 256, "%s: %.100s vs %.100s",
			    field_name(id), x, y);
			return 0;
		}
	}
	return 1;
}

/* Records of the v2 fields take rec_fill's straight line: every field
 * absent in turn, NODATA/SKIPDATA, values at the edge of wide, times in
 * milliseconds and a format change in between must read back exactly and
 * count the same, in a ring that evicts and one that does not. */
static void
test_fill_paths(void **state)
{
	static const char *const lines[] = {
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 10 900 100 160 ACCEPT OK",
		"2 1 eni-1 10.0.0.1 10.0.0.2 - 2 6 10 900 100 160 ACCEPT OK",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 - 6 10 900 100 160 ACCEPT OK",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 - 10 900 100 160 ACCEPT OK",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 - 900 100 160 ACCEPT OK",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 10 - 100 160 ACCEPT OK",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 10 900 - 160 ACCEPT OK",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 10 900 100 - ACCEPT OK",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 10 900 100 160 - OK",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 10 900 100 160 REJECT -",
		"2 1 eni-1 - - - - - - - 100 160 - NODATA",
		"2 1 eni-1 - - - - - - - 100 160 - SKIPDATA",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 10 900 100 160 REJECT NODATA",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 10 900 100 160 REJECT SKIPDATA",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 10 900 100 160 REJECT OK",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 4294967295 900 100 160 ACCEPT OK",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 4294967296 900 100 160 ACCEPT OK",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 10 1099511627776 100 160 ACCEPT OK",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 10 900 100 65635 ACCEPT OK",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 10 900 100 65636 ACCEPT OK",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 10 900 100 99 ACCEPT OK",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 10 900 100 100 ACCEPT OK",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 10 900 1700000000000 1700000060000 ACCEPT OK",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 10 900 4294967200 4294967295 ACCEPT OK",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 10 900 4999999990000 5000000000000 ACCEPT OK",
		"3 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 10 900 100 160 ACCEPT OK vpc-1 subnet-1 i-1 2 IPv4 10.0.0.1 10.0.0.9",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 10 900 100 160 ACCEPT OK",
	};
	const size_t n = sizeof lines / sizeof *lines;
	static const uint64_t caps[] = { 3, 100 };
	struct format v3;
	size_t c, i;

	(void)state;
	format_version(&v3, 3);
	for (c = 0; c < sizeof caps / sizeof *caps; c++) {
		struct store *s = store_new(caps[c]);
		struct store_totals t;
		uint64_t flows = 0, rejects = 0, skip = 0, packets = 0;
		uint64_t bytes = 0;

		for (i = 0; i < n; i++) {
			struct flow f, g;
			char why[256];
			uint64_t seq;

			parse_or_fail(lines[i][0] == '3' ? &v3 : NULL, lines[i],
			    &f);
			seq = store_append(s, &f);
			assert_true(seq != STORE_NONE);
			assert_int_equal(store_get(s, seq, &g), 0);
			if (!flow_equal(&f, &g, why))
				fail_msg("line %zu: %s", i, why);
			assert_int_equal(f.flags & FLOW_MS_TIME,
			    g.flags & FLOW_MS_TIME);
			verify(s);
			if (flow_has(&f, F_LOG_STATUS) &&
			    f.v[F_LOG_STATUS].u == STATUS_SKIPDATA) {
				skip++;
				continue;
			}
			if (flow_has(&f, F_LOG_STATUS) &&
			    f.v[F_LOG_STATUS].u == STATUS_NODATA)
				continue;
			flows++;
			rejects += flow_has(&f, F_ACTION) &&
			    f.v[F_ACTION].u == ACTION_REJECT;
			packets += flow_has(&f, F_PACKETS) ?
			    f.v[F_PACKETS].u : 0;
			bytes += flow_has(&f, F_BYTES) ? f.v[F_BYTES].u : 0;
		}
		store_totals(s, &t);
		if (caps[c] >= n) {
			assert_int_equal(t.records, n);
			assert_int_equal(t.flows, flows);
			assert_int_equal(t.rejects, rejects);
			assert_int_equal(t.skipdata, skip);
			assert_int_equal(t.nodata, n - flows - skip);
			assert_int_equal(t.packets, packets);
			assert_int_equal(t.bytes, bytes);
		} else
			assert_int_equal(t.records, caps[c]);
		store_free(s);
	}
}

/* Formats of the same length that differ in one slot only (the last, or
 * either side of a 16-slot step) are told apart record by record. */
static void
test_format_change(void **state)
{
	static const char *const name[] = {
		"version", "account-id", "interface-id", "srcaddr", "dstaddr",
		"srcport", "dstport", "protocol", "packets", "bytes", "start",
		"end", "action", "log-status", "vpc-id", "subnet-id",
		"instance-id", "tcp-flags", "type", "pkt-srcaddr",
		"pkt-dstaddr", "region", "az-id", "sublocation-type",
		"sublocation-id", "pkt-src-aws-service", "pkt-dst-aws-service",
		"flow-direction", "traffic-path", "ecs-cluster-arn",
		"ecs-cluster-name", "ecs-container-instance-arn",
		"ecs-container-instance-id", "ecs-container-id",
	};
	static const char *const val[] = {
		"5", "1", "eni-1", "10.0.0.1", "10.0.0.2", "1", "2", "6", "10",
		"900", "100", "160", "ACCEPT", "OK", "vpc-1", "subnet-1", "i-1",
		"2", "IPv4", "10.0.0.1", "10.0.0.9", "us-east-1", "use1-az1",
		"-", "-", "-", "-", "ingress", "1", "arn-1", "c-1", "arn-2",
		"ci-1", "cid-1",
	};
	static const int cases[][2] = {
		{ 14, 13 }, { 16, 15 }, { 17, 16 }, { 17, 0 }, { 32, 31 },
		{ 32, 16 }, { 33, 32 }, { 33, 15 },
	};
	size_t c;

	(void)state;
	for (c = 0; c < sizeof cases / sizeof *cases; c++) {
		struct store *s = store_new(3);
		struct format fmts[2];
		char spec[2][1024], line[2][1024], err[128];
		int n = cases[c][0], p = cases[c][1], k, i, j;

		for (k = 0; k < 2; k++) {
			spec[k][0] = line[k][0] = '\0';
			for (i = 0; i < n; i++) {
				/* the second has another field in slot p */
				j = k == 1 && i == p ? n : i;
				strcat(spec[k], i ? " " : "");
				strcat(spec[k], name[j]);
				strcat(line[k], i ? " " : "");
				strcat(line[k], val[j]);
			}
			assert_int_equal(format_from_spec(spec[k], &fmts[k],
			    err, sizeof err), 1);
		}
		assert_false(format_equal(&fmts[0], &fmts[1]));
		for (i = 0; i < 8; i++) {
			struct flow f, g;
			char why[256];
			uint64_t seq;

			k = i & 1;
			parse_or_fail(&fmts[k], line[k], &f);
			seq = store_append(s, &f);
			assert_true(seq != STORE_NONE);
			assert_int_equal(store_get(s, seq, &g), 0);
			if (!flow_equal(&f, &g, why))
				fail_msg("%d/%d, record %d: %s", n, p, i, why);
		}
		verify(s);
		store_free(s);
	}
}

/* ---- brute force over the shadow ---- */

/* The shadow: the records that should be in the ring. */
struct shadow {
	struct flow *f;		/* by seq % cap */
	uint64_t first, next;
	uint32_t cap;
};

/* The shadow record seq. */
static const struct flow *
sh_at(const struct shadow *sh, uint64_t seq)
{
	return &sh->f[seq % sh->cap];
}

/* Saturate a time. */
static uint32_t
bsat(uint64_t t)
{
	return t > UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

/* The span of a record by the store's rules; 0 when none. */
static int
b_span(const struct flow *f, uint32_t *t0, uint32_t *t1)
{
	uint64_t a, z;

	if (!flow_has(f, F_START) && !flow_has(f, F_END))
		return 0;
	a = flow_has(f, F_START) ? f->v[F_START].u : f->v[F_END].u;
	z = flow_has(f, F_END) ? f->v[F_END].u : a;
	if (z < a)
		z = a;
	*t0 = bsat(a);
	*t1 = bsat(z);
	return 1;
}

/* Brute-force totals of a set of records. */
struct btot {
	uint64_t records, flows, packets, bytes, rejects, nodata, skipdata;
	uint32_t first, last;
	int timed;
};

/* Add a record to brute-force totals. */
static void
b_add(struct btot *t, const struct flow *f)
{
	unsigned st = flow_has(f, F_LOG_STATUS) ? (unsigned)f->v[F_LOG_STATUS].u : 0;
	int flow = st != STATUS_NODATA && st != STATUS_SKIPDATA;
	uint32_t t0, t1;

	t->records++;
	t->flows += flow;
	t->nodata += st == STATUS_NODATA;
	t->skipdata += st == STATUS_SKIPDATA;
	if (flow && flow_has(f, F_PACKETS))
		t->packets += f->v[F_PACKETS].u;
	if (flow && flow_has(f, F_BYTES))
		t->bytes += f->v[F_BYTES].u;
	if (flow && flow_has(f, F_ACTION) && f->v[F_ACTION].u == ACTION_REJECT)
		t->rejects++;
	if (b_span(f, &t0, &t1)) {
		if (!t->timed || t0 < t->first)
			t->first = t0;
		if (!t->timed || t1 > t->last)
			t->last = t1;
		t->timed = 1;
	}
}

/* Compare brute-force totals with the store's (times when with_times). */
static void
tot_check(const struct btot *b, const struct store_totals *t, int with_times,
    const char *what)
{
	if (b->records != t->records || b->flows != t->flows ||
	    b->packets != t->packets || b->bytes != t->bytes ||
	    b->rejects != t->rejects || b->nodata != t->nodata ||
	    b->skipdata != t->skipdata)
		fail_msg("%s: totals differ: records %llu/%llu flows %llu/%llu "
		    "packets %llu/%llu bytes %llu/%llu rejects %llu/%llu "
		    "nodata %llu/%llu skipdata %llu/%llu", what,
		    (unsigned long long)b->records, (unsigned long long)t->records,
		    (unsigned long long)b->flows, (unsigned long long)t->flows,
		    (unsigned long long)b->packets, (unsigned long long)t->packets,
		    (unsigned long long)b->bytes, (unsigned long long)t->bytes,
		    (unsigned long long)b->rejects, (unsigned long long)t->rejects,
		    (unsigned long long)b->nodata, (unsigned long long)t->nodata,
		    (unsigned long long)b->skipdata, (unsigned long long)t->skipdata);
	if (!with_times)
		return;
	if (t->times != (b->timed ? 1 : 0) ||
	    (b->timed && (b->first != t->first || b->last != t->last)))
		fail_msg("%s: times %d %u..%u, want %d %u..%u", what, t->times,
		    t->first, t->last, b->timed, b->first, b->last);
}

/* Metric of brute-force totals. */
static uint64_t
b_metric(const struct btot *t, enum store_rank by)
{
	return by == STORE_BY_BYTES ? t->bytes : by == STORE_BY_PACKETS ?
	    t->packets : t->flows;
}

/* A value of a field of a record, for keys: presence and value. */
struct bval {
	int has;
	union flow_val v;
};

/* The brute-force key part of field id of f. */
static struct bval
b_val(const struct flow *f, int id)
{
	struct bval b;

	memset(&b, 0, sizeof b);
	b.has = flow_has(f, id);
	if (b.has)
		b.v = f->v[id];
	return b;
}

/* Natural order of two values of a field (absent last). */
static int
bval_cmp(int id, const struct bval *a, const struct bval *b)
{
	size_t n;
	int c;

	if (!a->has || !b->has)
		return (int)!a->has - (int)!b->has;
	switch (field_table[id].type) {
	case FT_SYMBOL:
		n = a->v.s.len < b->v.s.len ? a->v.s.len : b->v.s.len;
		c = memcmp(a->v.s.p, b->v.s.p, n);
		return c ? c : a->v.s.len < b->v.s.len ? -1 :
		    a->v.s.len > b->v.s.len;
	case FT_ADDR:
		return memcmp(a->v.a.b, b->v.a.b, 16);
	default:
		return a->v.u < b->v.u ? -1 : a->v.u > b->v.u;
	}
}

/* Text of a brute-force value ("-" when absent). */
static void
bval_text(int id, const struct bval *b, char *buf, size_t size)
{
	struct flow f;

	flow_clear(&f);
	if (b->has) {
		f.v[id] = b->v;
		flow_set(&f, id);
	}
	flow_value_text(&f, id, buf, size);
}

/* A brute-force group. */
struct bgroup {
	struct bval k[2];
	char text[2][FLOW_ADDR_STRLEN + 64];
	struct btot t;
	uint64_t newest;	/* seq of the newest record */
};

/* Brute-force grouping of records by fields f1, f2 (-1), hashed by the
 * key's text; gi/prev give each record's group and the previous record
 * of its group (by seq - first), for chain checks. */
struct bgroups {
	struct bgroup *g;
	size_t n, cap;
	int f1, f2;
	size_t *slot;		/* group + 1 per slot */
	size_t smask;
	size_t *gi, *prev;
	size_t nrec;
};

/* Hash of a key's text. */
static size_t
text_hash(const char *a, const char *b)
{
	size_t h = 1469598103934665603ULL;

	for (; *a; a++)
		h = (h ^ (unsigned char)*a) * 1099511628211ULL;
	h = (h ^ '|') * 1099511628211ULL;
	for (; *b; b++)
		h = (h ^ (unsigned char)*b) * 1099511628211ULL;
	return h;
}

/* Rebuild the hash of a grouping with room for twice its groups. */
static void
bg_rehash(struct bgroups *bg)
{
	size_t size = 64, i;

	while (size < 4 * (bg->n + 1))
		size *= 2;
	free(bg->slot);
	bg->slot = calloc(size, sizeof *bg->slot);
	assert_non_null(bg->slot);
	bg->smask = size - 1;
	for (i = 0; i < bg->n; i++) {
		size_t j = text_hash(bg->g[i].text[0], bg->g[i].text[1]) &
		    bg->smask;

		while (bg->slot[j])
			j = (j + 1) & bg->smask;
		bg->slot[j] = i + 1;
	}
}

/* Find or add the group of record f. */
static struct bgroup *
bg_get(struct bgroups *bg, const struct flow *f)
{
	struct bgroup key;
	size_t j;

	memset(&key, 0, sizeof key);
	key.k[0] = b_val(f, bg->f1);
	bval_text(bg->f1, &key.k[0], key.text[0], sizeof key.text[0]);
	if (bg->f2 >= 0) {
		key.k[1] = b_val(f, bg->f2);
		bval_text(bg->f2, &key.k[1], key.text[1], sizeof key.text[1]);
	}
	if (bg->slot == NULL || 2 * (bg->n + 1) > bg->smask)
		bg_rehash(bg);
	for (j = text_hash(key.text[0], key.text[1]) & bg->smask; bg->slot[j];
	    j = (j + 1) & bg->smask) {
		struct bgroup *g = &bg->g[bg->slot[j] - 1];

		if (strcmp(g->text[0], key.text[0]) == 0 &&
		    strcmp(g->text[1], key.text[1]) == 0)
			return g;
	}
	if (bg->n == bg->cap) {
		bg->cap = bg->cap ? bg->cap * 2 : 64;
		bg->g = realloc(bg->g, bg->cap * sizeof *bg->g);
		assert_non_null(bg->g);
	}
	bg->g[bg->n] = key;
	bg->slot[j] = ++bg->n;
	return &bg->g[bg->n - 1];
}

/* Forget a grouping's groups (keeping its fields). */
static void
bg_reset(struct bgroups *bg)
{
	bg->n = 0;
	if (bg->slot)
		memset(bg->slot, 0, (bg->smask + 1) * sizeof *bg->slot);
}

/* Free a grouping's memory. */
static void
bg_free(struct bgroups *bg)
{
	free(bg->g);
	free(bg->slot);
	free(bg->gi);
	free(bg->prev);
}

/* A record filter used by views and their brute force. */
struct bfilter {
	int tcp_only;
	int ranged;
	uint32_t from, to;
};

/* Tell whether a shadow record passes a filter. */
static int
b_passes(const struct bfilter *bf, const struct flow *f)
{
	uint32_t t0, t1;

	if (bf->ranged && (!b_span(f, &t0, &t1) || t0 >= bf->to ||
	    t1 < bf->from))
		return 0;
	if (bf->tcp_only && !(flow_has(f, F_PROTOCOL) &&
	    f->v[F_PROTOCOL].u == 6))
		return 0;
	return 1;
}

/* The match hook of the test's views: TCP only. */
static int
match_tcp(void *ctx, const struct store *s, const struct store_rec *r)
{
	struct store_val v;

	(void)ctx;
	return store_rec_val(s, r, F_PROTOCOL, &v) && v.v == 6;
}

/* Group the shadow's records [from, next) passing bf. */
static void
bg_build(struct bgroups *bg, const struct shadow *sh, uint64_t from,
    const struct bfilter *bf)
{
	uint64_t seq;
	size_t n = sh->next - from;

	bg_reset(bg);
	if (n > bg->nrec) {
		bg->gi = realloc(bg->gi, n * sizeof *bg->gi);
		bg->prev = realloc(bg->prev, n * sizeof *bg->prev);
		assert_true(bg->gi && bg->prev);
		bg->nrec = n;
	}
	for (seq = from; seq < sh->next; seq++) {
		const struct flow *f = sh_at(sh, seq);
		struct bgroup *g;
		size_t k = seq - from;

		bg->gi[k] = SIZE_MAX;
		if (bf && !b_passes(bf, f))
			continue;
		g = bg_get(bg, f);
		if (g->t.records == 0)
			g->newest = STORE_NONE;
		bg->prev[k] = g->newest;	/* seq of the previous, or NONE */
		bg->gi[k] = (size_t)(g - bg->g);
		b_add(&g->t, f);
		g->newest = seq;
	}
}

/* Tell whether brute-force group a ranks before b. */
static int
bg_before(const struct bgroups *bg, enum store_rank by,
    const struct bgroup *a, const struct bgroup *b)
{
	uint64_t ma = b_metric(&a->t, by), mb = b_metric(&b->t, by);
	int c;

	if (ma != mb)
		return ma > mb;
	c = bval_cmp(bg->f1, &a->k[0], &b->k[0]);
	if (c == 0 && bg->f2 >= 0)
		c = bval_cmp(bg->f2, &a->k[1], &b->k[1]);
	return c < 0;
}

/* Sort brute-force groups by rank (insertion sort: a few hundred). */
static void
bg_sort(struct bgroups *bg, enum store_rank by)
{
	size_t i, j;

	for (i = 1; i < bg->n; i++) {
		struct bgroup t = bg->g[i];

		for (j = i; j > 0 && bg_before(bg, by, &t, &bg->g[j - 1]); j--)
			bg->g[j] = bg->g[j - 1];
		bg->g[j] = t;
	}
}

/* Turn a brute-force group's key into store values (must exist). */
static void
bg_key(const struct store *s, const struct bgroups *bg, const struct bgroup *g,
    struct store_val *key)
{
	key[1].has = 0;
	key[1].v = 0;
	key[0] = val_of(s, bg->f1, g->text[0]);
	if (bg->f2 >= 0)
		key[1] = val_of(s, bg->f2, g->text[1]);
}

/* Check a top-N answer against sorted brute-force groups. */
static void
check_top(const struct store *s, struct bgroups *bg, enum store_rank by,
    const struct store_row *rows, size_t n, size_t ngroups,
    const struct btot *all, const struct store_totals *total, size_t want,
    const char *what)
{
	size_t i, k = 0, withflows = 0;
	uint64_t whole = b_metric(all, by);

	bg_sort(bg, by);
	for (i = 0; i < bg->n; i++)
		withflows += bg->g[i].t.flows > 0;
	tot_check(all, total, 0, what);
	if (ngroups != withflows)
		fail_msg("%s: %zu groups, want %zu", what, ngroups, withflows);
	for (i = 0; i < bg->n && k < want; i++) {
		const struct bgroup *g = &bg->g[i];
		double share;

		if (g->t.flows == 0)
			continue;
		if (k >= n)
			fail_msg("%s: %zu rows, want more", what, n);
		if (strcmp(text_of(s, bg->f1, &rows[k].key[0]), g->text[0]) ||
		    (bg->f2 >= 0 && strcmp(text_of(s, bg->f2,
		    &rows[k].key[1]), g->text[1])))
			fail_msg("%s: row %zu is %s, want %s %s", what, k,
			    text_of(s, bg->f1, &rows[k].key[0]), g->text[0],
			    g->text[1]);
		tot_check(&g->t, &rows[k].t, 0, what);
		share = whole ? (double)b_metric(&g->t, by) / (double)whole : 0;
		if (rows[k].share != share)
			fail_msg("%s: share %f, want %f", what, rows[k].share,
			    share);
		k++;
	}
	if (k != n)
		fail_msg("%s: %zu rows, want %zu", what, n, k);
}

/* State of a view group check via view_group_each. */
struct each_check {
	const struct store *s;
	struct bgroups *bg;
	size_t seen;
	const char *what;
};

/* view_group_each callback: the group must match its brute force. */
static void
each_cb(void *arg, const struct store_val *key, const struct store_totals *t)
{
	struct each_check *ec = arg;
	char k0[4200], k1[4200] = "";
	size_t i;

	snprintf(k0, sizeof k0, "%s", text_of(ec->s, ec->bg->f1, &key[0]));
	if (ec->bg->f2 >= 0)
		snprintf(k1, sizeof k1, "%s", text_of(ec->s, ec->bg->f2,
		    &key[1]));
	for (i = 0; i < ec->bg->n; i++)
		if (strcmp(ec->bg->g[i].text[0], k0) == 0 &&
		    (ec->bg->f2 < 0 || strcmp(ec->bg->g[i].text[1], k1) == 0)) {
			tot_check(&ec->bg->g[i].t, t, 0, ec->what);
			ec->seen++;
			return;
		}
	fail_msg("%s: extra group %s %s", ec->what, k0, k1);
}

/* Check every group of a table view against the brute force. */
static void
check_view_groups(const struct store *s, struct view *v, struct bgroups *bg,
    const char *what)
{
	struct each_check ec = { s, bg, 0, what };
	size_t n = view_group_each(v, each_cb, &ec);

	if (n != bg->n || ec.seen != bg->n)
		fail_msg("%s: %zu groups, want %zu", what, n, bg->n);
}

/* Check one index completely: keys, totals, times, chains. */
static void
check_index(struct store *s, const struct shadow *sh, int ix,
    struct bgroups *bg)
{
	int f1, f2;
	size_t i;

	store_index_fields(ix, &f1, &f2);
	bg->f1 = f1;
	bg->f2 = f2;
	bg_build(bg, sh, sh->first, NULL);
	if (store_index_keys(s, ix) != bg->n)
		fail_msg("index %d: %llu keys, want %zu", ix,
		    (unsigned long long)store_index_keys(s, ix), bg->n);
	for (i = 0; i < bg->n; i++) {
		const struct bgroup *g = &bg->g[i];
		struct store_val key[2];
		struct store_totals t;
		struct store_chain c;
		uint64_t seq, want;
		char what[160];

		snprintf(what, sizeof what, "index %d key %s", ix, g->text[0]);
		bg_key(s, bg, g, key);
		assert_int_equal(store_key_totals(s, ix, key, &t), 0);
		tot_check(&g->t, &t, 1, what);
		/* the chain: exactly the key's records, newest first */
		store_chain_start(s, ix, key, &c);
		want = g->newest;
		while (store_chain_next(&c, &seq)) {
			if (want == STORE_NONE || seq != want)
				fail_msg("%s: chain gives %llu, want %llu", what,
				    (unsigned long long)seq,
				    (unsigned long long)want);
			want = bg->prev[want - sh->first];
		}
		if (want != STORE_NONE)
			fail_msg("%s: chain misses %llu", what,
			    (unsigned long long)want);
	}
}

/* ---- the brute-force tree ---- */

/* A record's full drill-down path. */
struct bpath {
	int n;
	int lv[6];
	char key[6][FLOW_ADDR_STRLEN + 64];
	struct bval val[6];
};

/* Tell whether a shadow record's format carries field id. */
static int
b_carries(const struct flow *f, int id)
{
	return f->fmt ? f->fmt->slot[id] >= 0 : flow_has(f, id);
}

/* The context part of a record's path. */
static void
b_ctx_path(const struct flow *f, struct bpath *p)
{
	static const int lf[4] = { F_ACCOUNT_ID, F_VPC_ID, F_SUBNET_ID,
	    F_INTERFACE_ID };
	int i;

	p->n = 0;
	for (i = 0; i < 4; i++)
		if (b_carries(f, lf[i])) {
			p->lv[p->n] = i;
			p->val[p->n] = b_val(f, lf[i]);
			bval_text(lf[i], &p->val[p->n], p->key[p->n],
			    sizeof p->key[0]);
			p->n++;
		}
}

/* Tell whether two paths are equal in their first n entries. */
static int
bpath_prefix(const struct bpath *a, const struct bpath *b, int n)
{
	int i;

	if (a->n < n || b->n < n)
		return 0;
	for (i = 0; i < n; i++)
		if (a->lv[i] != b->lv[i] || strcmp(a->key[i], b->key[i]))
			return 0;
	return 1;
}

/* Learn a context node's own address as the tree does (linear in the
 * ring; callers remember the answer per context path). */
static int
b_local(const struct shadow *sh, const struct bpath *ctx,
    const struct bfilter *bf, struct flow_addr *out)
{
	struct flow_addr a[64];
	uint64_t cnt[64], seq;
	int na = 0, i, best = -1;

	for (seq = sh->first; seq < sh->next; seq++) {
		const struct flow *f = sh_at(sh, seq);
		struct bpath p;
		int side;

		b_ctx_path(f, &p);
		if (p.n != ctx->n || !bpath_prefix(&p, ctx, ctx->n) ||
		    !b_passes(bf, f) || !b_carries(f, F_SRCADDR) ||
		    !b_carries(f, F_DSTADDR) || flow_has(f, F_FLOW_DIRECTION))
			continue;
		for (side = 0; side < 2; side++) {
			int id = side ? F_DSTADDR : F_SRCADDR;

			if (!flow_has(f, id))
				continue;
			if (side && flow_has(f, F_SRCADDR) &&
			    memcmp(f->v[F_SRCADDR].a.b, f->v[F_DSTADDR].a.b,
			    16) == 0)
				continue;
			for (i = 0; i < na; i++)
				if (memcmp(a[i].b, f->v[id].a.b, 16) == 0)
					break;
			if (i == na) {
				assert_true(na < 64);
				a[na] = f->v[id].a;
				cnt[na++] = 0;
			}
			cnt[i]++;
		}
	}
	for (i = 0; i < na; i++)
		if (best < 0 || cnt[i] > cnt[best] || (cnt[i] == cnt[best] &&
		    memcmp(a[i].b, a[best].b, 16) < 0))
			best = i;
	if (best < 0)
		return 0;
	*out = a[best];
	return 1;
}

/* Learned addresses by context path, for one tree check. */
struct blocal {
	struct bpath ctx;
	int has;
	struct flow_addr a;
};

/* b_local through a memo of n entries at *memo. */
static int
b_local_memo(const struct shadow *sh, const struct bpath *ctx,
    const struct bfilter *bf, struct flow_addr *out, struct blocal **memo,
    size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*memo)[i].ctx.n == ctx->n &&
		    bpath_prefix(&(*memo)[i].ctx, ctx, ctx->n))
			break;
	if (i == *n) {
		*memo = realloc(*memo, (*n + 1) * sizeof **memo);
		assert_non_null(*memo);
		(*memo)[i].ctx = *ctx;
		(*memo)[i].has = b_local(sh, ctx, bf, &(*memo)[i].a);
		(*n)++;
	}
	*out = (*memo)[i].a;
	return (*memo)[i].has;
}

/* A record's full path: context part, then peer and port. */
static void
b_full_path(const struct shadow *sh, const struct flow *f,
    const struct bfilter *bf, struct bpath *p, struct blocal **memo,
    size_t *nmemo)
{
	b_ctx_path(f, p);
	if (b_carries(f, F_SRCADDR) && b_carries(f, F_DSTADDR)) {
		struct bval src = b_val(f, F_SRCADDR), dst = b_val(f, F_DSTADDR);
		struct bval peer = dst;
		struct flow_addr local;

		if (flow_has(f, F_FLOW_DIRECTION))
			peer = f->v[F_FLOW_DIRECTION].u == DIR_INGRESS ? src : dst;
		else if (b_local_memo(sh, p, bf, &local, memo, nmemo)) {
			if (src.has && memcmp(src.v.a.b, local.b, 16) == 0)
				peer = dst;
			else if (dst.has && memcmp(dst.v.a.b, local.b, 16) == 0)
				peer = src;
		}
		p->lv[p->n] = VIEW_LV_PEER;
		p->val[p->n] = peer;
		bval_text(F_SRCADDR, &peer, p->key[p->n], sizeof p->key[0]);
		p->n++;
	}
	if (b_carries(f, F_SRCPORT) || b_carries(f, F_DSTPORT)) {
		struct bval sp = b_val(f, F_SRCPORT), dp = b_val(f, F_DSTPORT);
		struct bval port = (sp.has && (!dp.has || sp.v.u < dp.v.u)) ?
		    sp : dp;

		p->lv[p->n] = VIEW_LV_PORT;
		p->val[p->n] = port;
		bval_text(F_DSTPORT, &port, p->key[p->n], sizeof p->key[0]);
		p->n++;
	}
}

/* Records' paths for a tree check. */
struct btree {
	const struct shadow *sh;
	const struct bfilter *bf;
	struct bpath *paths;	/* by seq - first */
	size_t nodes;
};

/* A brute-force child of a tree node. */
struct bchild {
	int lv;
	char key[FLOW_ADDR_STRLEN + 64];
	struct bval val;
	struct btot t;
};

/* Check the children of one node and recurse into them. */
static void
check_tree_node(struct store *s, struct view *v, struct btree *bt,
    struct view_node *path, int depth)
{
	static const int lf[6] = { F_ACCOUNT_ID, F_VPC_ID, F_SUBNET_ID,
	    F_INTERFACE_ID, F_SRCADDR, F_DSTPORT };
	struct bchild *ch = NULL;
	struct view_node *out;
	struct bpath want;
	size_t nch = 0, n, nc, i, j;
	uint64_t seq;

	want.n = depth;
	for (i = 0; i < (size_t)depth; i++) {
		want.lv[i] = path[i].level;
		snprintf(want.key[i], sizeof want.key[i], "%.100s",
		    text_of(s, lf[path[i].level], &path[i].key));
	}
	for (seq = bt->sh->first; seq < bt->sh->next; seq++) {
		const struct bpath *p = &bt->paths[seq - bt->sh->first];
		const struct flow *f = sh_at(bt->sh, seq);

		if (!b_passes(bt->bf, f) || p->n <= depth ||
		    !bpath_prefix(p, &want, depth))
			continue;
		for (i = 0; i < nch; i++)
			if (ch[i].lv == p->lv[depth] &&
			    strcmp(ch[i].key, p->key[depth]) == 0)
				break;
		if (i == nch) {
			ch = realloc(ch, (nch + 1) * sizeof *ch);
			assert_non_null(ch);
			memset(&ch[nch], 0, sizeof ch[nch]);
			ch[nch].lv = p->lv[depth];
			ch[nch].val = p->val[depth];
			strcpy(ch[nch].key, p->key[depth]);
			nch++;
		}
		b_add(&ch[i].t, f);
	}
	/* expected order: bytes desc, level asc, key asc */
	for (i = 1; i < nch; i++)
		for (j = i; j > 0; j--) {
			uint64_t a = ch[j].t.bytes, b = ch[j - 1].t.bytes;
			int before = a != b ? a > b : ch[j].lv != ch[j - 1].lv ?
			    ch[j].lv < ch[j - 1].lv :
			    bval_cmp(lf[ch[j].lv], &ch[j].val, &ch[j - 1].val) < 0;

			struct bchild t;

			if (!before)
				break;
			t = ch[j];
			ch[j] = ch[j - 1];
			ch[j - 1] = t;
		}
	out = calloc(nch + 1, sizeof *out);
	assert_non_null(out);
	n = view_tree_children(v, path, (size_t)depth, STORE_BY_BYTES, out,
	    nch + 1, &nc);
	if (n != nch || nc != nch)
		fail_msg("tree depth %d: %zu children, want %zu", depth, n, nch);
	for (i = 0; i < n; i++) {
		char what[128];

		snprintf(what, sizeof what, "tree depth %d child %s", depth,
		    ch[i].key);
		if (out[i].level != ch[i].lv ||
		    strcmp(text_of(s, lf[out[i].level], &out[i].key), ch[i].key))
			fail_msg("tree depth %d child %zu: %d %s, want %d %s",
			    depth, i, out[i].level,
			    text_of(s, lf[out[i].level], &out[i].key), ch[i].lv,
			    ch[i].key);
		tot_check(&ch[i].t, &out[i].t, out[i].level >= VIEW_LV_PEER,
		    what);
		bt->nodes++;
		path[depth] = out[i];
		check_tree_node(s, v, bt, path, depth + 1);
	}
	free(out);
	free(ch);
}

/* Check a whole tree view against the brute force. */
static size_t
check_tree(struct store *s, struct view *v, const struct shadow *sh,
    const struct bfilter *bf)
{
	struct btree bt = { sh, bf, NULL, 0 };
	struct view_node path[VIEW_LV_COUNT + 1];
	struct blocal *memo = NULL;
	size_t nmemo = 0;
	uint64_t seq;

	bt.paths = calloc(sh->next - sh->first + 1, sizeof *bt.paths);
	assert_non_null(bt.paths);
	for (seq = sh->first; seq < sh->next; seq++)
		b_full_path(sh, sh_at(sh, seq), bf, &bt.paths[seq - sh->first],
		    &memo, &nmemo);
	check_tree_node(s, v, &bt, path, 0);
	free(bt.paths);
	free(memo);
	return bt.nodes;
}

/* ---- the brute-force timeline ---- */

/* round(T * k / n), halves up, in 128-bit arithmetic. */
static uint64_t
b_part(uint64_t T, uint64_t k, uint64_t n)
{
	unsigned __int128 x = (unsigned __int128)T * k * 2 + n;

	return (uint64_t)(x / ((unsigned __int128)n * 2));
}

/* Check a timeline view against a per-second brute force. */
static void
check_timeline(struct view *v, const struct shadow *sh, uint64_t origin,
    uint32_t width, uint32_t nbins)
{
	struct view_bin *want = calloc(nbins, sizeof *want);
	const struct view_bin *got;
	uint32_t n, b;
	uint64_t seq;

	assert_non_null(want);
	for (seq = sh->first; seq < sh->next; seq++) {
		const struct flow *f = sh_at(sh, seq);
		struct btot t;
		uint32_t t0, t1;
		uint64_t span;

		if (!b_span(f, &t0, &t1))
			continue;
		memset(&t, 0, sizeof t);
		b_add(&t, f);
		span = (uint64_t)t1 - t0 + 1;
		for (b = 0; b < nbins; b++) {
			uint64_t bs = origin + (uint64_t)b * width, be = bs + width;
			uint64_t lo = bs > t0 ? bs : t0;
			uint64_t hi = be < (uint64_t)t1 + 1 ? be : (uint64_t)t1 + 1;

			if (lo >= hi)
				continue;
			want[b].bytes += b_part(t.bytes, hi - t0, span) -
			    b_part(t.bytes, lo - t0, span);
			want[b].packets += b_part(t.packets, hi - t0, span) -
			    b_part(t.packets, lo - t0, span);
			want[b].flows += b_part(t.flows, hi - t0, span) -
			    b_part(t.flows, lo - t0, span);
			want[b].rejects += b_part(t.rejects, hi - t0, span) -
			    b_part(t.rejects, lo - t0, span);
			want[b].skipdata += b_part(t.skipdata, hi - t0, span) -
			    b_part(t.skipdata, lo - t0, span);
		}
	}
	got = view_timeline(v, &n);
	assert_int_equal(n, nbins);
	for (b = 0; b < nbins; b++)
		if (memcmp(&got[b], &want[b], sizeof want[b]) != 0)
			fail_msg("timeline bin %u: bytes %llu/%llu packets "
			    "%llu/%llu flows %llu/%llu", b,
			    (unsigned long long)got[b].bytes,
			    (unsigned long long)want[b].bytes,
			    (unsigned long long)got[b].packets,
			    (unsigned long long)want[b].packets,
			    (unsigned long long)got[b].flows,
			    (unsigned long long)want[b].flows);
	free(want);
}

/* ---- one run ---- */

/* Add a value to a set of distinct values (linear: small pools). */
static void
set_add(struct bval **set, size_t *n, int id, const struct bval *b)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (bval_cmp(id, &(*set)[i], b) == 0)
			return;
	*set = realloc(*set, (*n + 1) * sizeof **set);
	assert_non_null(*set);
	(*set)[(*n)++] = *b;
}

/* Count distinct values of a type among the shadow's records, plus the
 * keys of extra (pinned by a cumulative view) when given. */
static size_t
distinct_values(const struct shadow *sh, int type, const struct bgroups *extra)
{
	struct bval *set = NULL;
	size_t n = 0, k;
	uint64_t seq;
	int id;

	for (seq = sh->first; seq < sh->next; seq++)
		for (id = 0; id < FIELD_COUNT; id++)
			if (field_table[id].type == type &&
			    flow_has(sh_at(sh, seq), id)) {
				struct bval b = b_val(sh_at(sh, seq), id);

				set_add(&set, &n, id, &b);
			}
	for (k = 0; extra && k < extra->n; k++)
		if (extra->g[k].k[0].has)
			set_add(&set, &n, extra->f1, &extra->g[k].k[0]);
	free(set);
	return n;
}

/* One property run: capacity cap, nrec records, seeded. */
static void
property_run(uint32_t cap, uint32_t nrec, uint64_t seed, int full_tree)
{
	struct store *s = store_new(cap);
	struct shadow sh = { calloc(cap, sizeof(struct flow)), 0, 0, cap };
	struct bgroups bg = { .f1 = 0, .f2 = -1 };
	struct bgroups cum = { .f1 = F_DSTADDR, .f2 = -1 };
	struct bfilter none = { 0, 0, 0, 0 }, tcp = { 1, 0, 0, 0 };
	struct bfilter ranged = { 0, 1, 0, 0 };
	struct view_opts o_tcp = { .match = match_tcp };
	struct view_opts o_range = { .ranged = 1 };
	struct view_opts o_cum = { .cumulative = 1 };
	struct view *v_sport, *v_pair, *v_tcp_src, *v_range, *v_cum;
	struct view *v_tree, *v_tree_tcp, *v_time, *v_late = NULL;
	struct btot cumtot;
	char *scratch = malloc(1 << 16);
	int64_t base = 1700000000;
	uint64_t origin = (uint64_t)base - 300;
	uint32_t width = 7 + (uint32_t)(seed % 50), nbins = 150;
	uint32_t appended = 0, batch = 0, wm = 0;
	int has_wm = 0;

	rng_state = seed;
	assert_non_null(s);
	assert_non_null(sh.f);
	memset(&cumtot, 0, sizeof cumtot);
	ranged.from = (uint32_t)base - 100;
	ranged.to = (uint32_t)base + 300;
	o_range.from = ranged.from;
	o_range.to = ranged.to;
	v_sport = view_group_new(s, F_SRCPORT, -1, NULL);
	v_pair = view_group_new(s, F_PROTOCOL, F_ACTION, NULL);
	v_tcp_src = view_group_new(s, F_SRCADDR, -1, &o_tcp);
	v_range = view_group_new(s, F_REGION, -1, &o_range);
	v_cum = view_group_new(s, F_DSTADDR, -1, &o_cum);
	v_tree = view_tree_new(s, NULL);
	v_tree_tcp = view_tree_new(s, &o_tcp);
	v_time = view_timeline_new(s, origin, width, nbins, NULL);
	assert_true(v_sport && v_pair && v_tcp_src && v_range && v_cum &&
	    v_tree && v_tree_tcp && v_time);
	while (appended < nrec) {
		uint32_t k, nb = 1 + below(cap < 50 ? 8 : cap / 4);
		uint64_t seq;
		struct store_stats st;

		for (k = 0; k < nb && appended < nrec; k++, appended++) {
			struct flow f, copy;
			uint32_t t0, t1;

			rand_flow(&f, (int)below(NFMT), base);
			base += below(4);
			copy = f;
			flow_to_scratch(&copy, scratch);
			seq = store_append(s, &copy);
			memset(scratch, 'Z', 256);	/* the line is gone */
			assert_int_equal(seq, sh.next);
			sh.f[seq % cap] = f;
			sh.next++;
			if (sh.next - sh.first > cap)
				sh.first++;
			if (b_span(&f, &t0, &t1) && (!has_wm || t1 > wm)) {
				wm = t1;
				has_wm = 1;
			}
			b_add(&cumtot, &f);
			b_add(&bg_get(&cum, &f)->t, &f);
		}
		batch++;
		if (batch == 3)
			v_late = view_group_new(s, F_TCP_FLAGS, -1, NULL);
		/* every record reads back equal */
		assert_int_equal(store_first(s), sh.first);
		assert_int_equal(store_next(s), sh.next);
		for (seq = sh.first; seq < sh.next; seq++) {
			struct flow got;
			char why[256];

			assert_int_equal(store_get(s, seq, &got), 0);
			if (!flow_equal(sh_at(&sh, seq), &got, why))
				fail_msg("cap %u seq %llu: %s", cap,
				    (unsigned long long)seq, why);
		}
		assert_int_equal(store_get(s, sh.first ? sh.first - 1 : sh.next,
		    &(struct flow){ 0 }), -1);
		verify(s);
		/* indexes */
		for (k = 0; k < STORE_IX_COUNT; k++)
			check_index(s, &sh, (int)k, &bg);
		/* an indexed top N, with times */
		{
			struct store_row rows[5];
			struct store_totals tot;
			struct btot all;
			size_t n, ng;

			memset(&all, 0, sizeof all);
			for (seq = sh.first; seq < sh.next; seq++)
				b_add(&all, sh_at(&sh, seq));
			bg.f1 = F_INTERFACE_ID;
			bg.f2 = -1;
			bg_build(&bg, &sh, sh.first, NULL);
			n = store_index_top(s, STORE_IX_ENI, STORE_BY_PACKETS, 5,
			    1, rows, &ng, &tot);
			check_top(s, &bg, STORE_BY_PACKETS, rows, n, ng, &all,
			    &tot, 5, "eni top");
			tot_check(&all, &tot, 1, "ring totals");
			bg.f1 = F_SRCADDR;
			bg.f2 = F_DSTADDR;
			bg_build(&bg, &sh, sh.first, NULL);
			n = store_index_top(s, STORE_IX_PAIR, STORE_BY_BYTES, 4,
			    0, rows, &ng, &tot);
			check_top(s, &bg, STORE_BY_BYTES, rows, n, ng, &all, &tot,
			    4, "pair top");
			/* incremental table views */
			bg.f1 = F_SRCPORT;
			bg.f2 = -1;
			bg_build(&bg, &sh, sh.first, NULL);
			check_view_groups(s, v_sport, &bg, "srcport view");
			n = view_top(v_sport, STORE_BY_FLOWS, 5, rows, &ng, &tot);
			check_top(s, &bg, STORE_BY_FLOWS, rows, n, ng, &all, &tot,
			    5, "srcport top");
			bg.f1 = F_PROTOCOL;
			bg.f2 = F_ACTION;
			bg_build(&bg, &sh, sh.first, NULL);
			check_view_groups(s, v_pair, &bg, "protocol,action view");
			n = view_top(v_pair, STORE_BY_BYTES, 3, rows, &ng, &tot);
			check_top(s, &bg, STORE_BY_BYTES, rows, n, ng, &all, &tot,
			    3, "protocol,action top");
			memset(&all, 0, sizeof all);
			for (seq = sh.first; seq < sh.next; seq++)
				if (b_passes(&tcp, sh_at(&sh, seq)))
					b_add(&all, sh_at(&sh, seq));
			bg.f1 = F_SRCADDR;
			bg.f2 = -1;
			bg_build(&bg, &sh, sh.first, &tcp);
			check_view_groups(s, v_tcp_src, &bg, "tcp srcaddr view");
			n = view_top(v_tcp_src, STORE_BY_BYTES, 3, rows, &ng, &tot);
			check_top(s, &bg, STORE_BY_BYTES, rows, n, ng, &all, &tot,
			    3, "tcp srcaddr top");
			bg.f1 = F_REGION;
			bg_build(&bg, &sh, sh.first, &ranged);
			check_view_groups(s, v_range, &bg, "ranged region view");
			check_view_groups(s, v_cum, &cum, "cumulative view");
			view_totals(v_cum, &tot);
			tot_check(&cumtot, &tot, 0, "cumulative totals");
			if (v_late) {
				/* created after batch 2, it counts what was
				 * in the ring then and everything since */
				bg.f1 = F_TCP_FLAGS;
				bg_build(&bg, &sh, sh.first, NULL);
				check_view_groups(s, v_late, &bg, "late view");
			}
		}
		check_timeline(v_time, &sh, origin, width, nbins);
		if (full_tree || batch % 4 == 1) {
			check_tree(s, v_tree, &sh, &none);
			check_tree(s, v_tree_tcp, &sh, &tcp);
		}
		/* watermark, span, live intern values */
		{
			uint32_t w, t0, t1;
			struct btot all;

			assert_int_equal(store_watermark(s, &w), has_wm);
			if (has_wm)
				assert_int_equal(w, wm);
			memset(&all, 0, sizeof all);
			for (seq = sh.first; seq < sh.next; seq++)
				b_add(&all, sh_at(&sh, seq));
			assert_int_equal(store_span(s, &t0, &t1), all.timed);
			if (all.timed) {
				assert_int_equal(t0, all.first);
				assert_int_equal(t1, all.last);
			}
		}
		store_stats(s, &st);
		assert_int_equal(st.records, sh.next - sh.first);
		assert_int_equal(st.evicted, sh.first);
		assert_int_equal(st.symbols, distinct_values(&sh, FT_SYMBOL, NULL));
		assert_int_equal(st.addresses, distinct_values(&sh, FT_ADDR, &cum));
	}
	view_free(v_sport);
	view_free(v_pair);
	view_free(v_tcp_src);
	view_free(v_range);
	view_free(v_cum);
	view_free(v_tree);
	view_free(v_tree_tcp);
	view_free(v_time);
	view_free(v_late);
	{
		struct store_stats st;

		/* the cumulative view's pins are gone with it */
		store_stats(s, &st);
		assert_int_equal(st.addresses, distinct_values(&sh, FT_ADDR, NULL));
	}
	verify(s);
	store_free(s);
	free(sh.f);
	bg_free(&bg);
	bg_free(&cum);
	free(scratch);
}

/* Scale factor for the number of property runs. */
static int
property_scale(void)
{
	const char *e = getenv("VPCTOP_PROPERTY_SCALE");
	int n = e ? atoi(e) : 1;

	return n > 0 ? n : 1;
}

/* Tiny rings: every append evicts, keys come and go constantly. */
static void
test_property_tiny(void **state)
{
	static const uint32_t caps[] = { 1, 2, 3, 5, 8 };
	int r, i;

	(void)state;
	make_formats();
	for (r = 0; r < property_scale(); r++)
		for (i = 0; i < 5; i++)
			property_run(caps[i], 200, 1000 + (uint64_t)r * 31 + i, 1);
}

/* Small rings through many evictions, the whole tree every batch. */
static void
test_property_small(void **state)
{
	static const uint32_t caps[] = { 16, 37, 64, 100 };
	int r, i;

	(void)state;
	make_formats();
	for (r = 0; r < property_scale(); r++)
		for (i = 0; i < 4; i++)
			property_run(caps[i], caps[i] * 5 + 50,
			    2000 + (uint64_t)r * 31 + i, 1);
}

/* Rings up to 1000 records. */
static void
test_property_large(void **state)
{
	static const uint32_t caps[] = { 255, 257, 1000 };
	int r, i;

	(void)state;
	make_formats();
	for (r = 0; r < property_scale(); r++)
		for (i = 0; i < 3; i++)
			property_run(caps[i], caps[i] * 3 + 100,
			    3000 + (uint64_t)r * 31 + i, 0);
}

/* Run the focused cases, then the property runs. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_top_indexed),
		cmocka_unit_test(test_top_scanned),
		cmocka_unit_test(test_nodata_skipdata),
		cmocka_unit_test(test_chain_eviction),
		cmocka_unit_test(test_tree_levels),
		cmocka_unit_test(test_timeline_rounding),
		cmocka_unit_test(test_wide_values),
		cmocka_unit_test(test_cumulative),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_churn),
		cmocka_unit_test(test_span_timeless),
		cmocka_unit_test(test_context_memo),
		cmocka_unit_test(test_far_links),
		cmocka_unit_test(test_fill_paths),
		cmocka_unit_test(test_format_change),
		cmocka_unit_test(test_property_tiny),
		cmocka_unit_test(test_property_small),
		cmocka_unit_test(test_property_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
