/*
 * test_gen.c - the synthetic record generator.
 *
 * The generator feeds tests, benchmarks and demos, so these tests pin what
 * its output promises: determinism per seed, valid values, every field of
 * the table present somewhere, the documented shares (NODATA, REJECT,
 * IPv6), Zipf talkers, consistent addresses, and event times that advance.
 * Only field.c and gen.c are linked; addresses are checked byte-wise.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "field.h"
#include "flow.h"
#include "gen.h"

#define T0 1767225600LL		/* 2026-01-01T00:00:00Z */
#define PINNED_HASH 0x252091fb01a0d7c3ULL	/* of the first 1000 records of seed 1 */

static const uint8_t v4_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/* Tell whether an address is v4-mapped. */
static int
is_v4(const struct flow_addr *a)
{
	return memcmp(a->b, v4_prefix, 12) == 0;
}

/* Tell whether symbol field id of f equals s. */
static int
sym_is(const struct flow *f, int id, const char *s)
{
	size_t n = strlen(s);

	return flow_has(f, id) && f->v[id].s.len == n &&
	    memcmp(f->v[id].s.p, s, n) == 0;
}

/* Tell whether symbol field id of f starts with prefix and then has n
 * lowercase hex digits and nothing else. */
static int
sym_is_id(const struct flow *f, int id, const char *prefix, size_t n)
{
	size_t pl = strlen(prefix), i;
	const char *p = f->v[id].s.p;

	if (!flow_has(f, id) || f->v[id].s.len != pl + n ||
	    memcmp(p, prefix, pl) != 0)
		return 0;
	for (i = pl; i < pl + n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return 0;
	return 1;
}

/* Compare two records field by field, symbol bytes included. */
static int
flow_same(const struct flow *a, const struct flow *b)
{
	int id;

	if (a->present[0] != b->present[0] || a->present[1] != b->present[1] ||
	    a->fmt != b->fmt || a->flags != b->flags)
		return 0;
	for (id = 0; id < FIELD_COUNT; id++) {
		if (!flow_has(a, id))
			continue;
		switch (field_table[id].type) {
		case FT_SYMBOL:
			if (a->v[id].s.len != b->v[id].s.len ||
			    memcmp(a->v[id].s.p, b->v[id].s.p, a->v[id].s.len))
				return 0;
			break;
		case FT_ADDR:
			if (memcmp(a->v[id].a.b, b->v[id].a.b, 16) != 0)
				return 0;
			break;
		default:
			if (a->v[id].u != b->v[id].u)
				return 0;
			break;
		}
	}
	return 1;
}

/* A small string-keyed table: per-ENI (or per-key) totals. */
#define TAB_SIZE 4096
struct tab {
	struct {
		char key[64];
		uint32_t len;
		uint64_t sum;
		struct flow_addr addr;
		int has_addr;
	} e[TAB_SIZE];
	int n;
};

/* Find or add a key; returns its slot. */
static int
tab_slot(struct tab *t, const struct flow_str *s)
{
	uint32_t h = 2166136261u, i;

	assert_true(s->len > 0 && s->len < 64);
	for (i = 0; i < s->len; i++)
		h = (h ^ (uint8_t)s->p[i]) * 16777619u;
	for (i = h % TAB_SIZE;; i = (i + 1) % TAB_SIZE) {
		if (t->e[i].len == 0) {
			memcpy(t->e[i].key, s->p, s->len);
			t->e[i].len = s->len;
			t->n++;
			assert_true(t->n < TAB_SIZE / 2);
			return (int)i;
		}
		if (t->e[i].len == s->len && memcmp(t->e[i].key, s->p, s->len) == 0)
			return (int)i;
	}
}

/* Order 64-bit values from high to low. */
static int
desc_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* Order 64-bit values from low to high. */
static int
asc_u64(const void *a, const void *b)
{
	return -desc_u64(a, b);
}

/* The same seed and start give the same records, symbol bytes included. */
static void
test_deterministic(void **state)
{
	struct gen *a = gen_new(7, T0), *b = gen_new(7, T0);
	struct flow fa, fb;
	int i;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	for (i = 0; i < 5000; i++) {
		memset(&fa, 0x55, sizeof fa);
		memset(&fb, 0xaa, sizeof fb);
		gen_next(a, &fa);
		gen_next(b, &fb);
		assert_null(fa.fmt);
		assert_true(flow_same(&fa, &fb));
		/* each generator owns its strings */
		assert_true(fa.v[F_ACCOUNT_ID].s.p != fb.v[F_ACCOUNT_ID].s.p);
	}
	gen_free(a);
	gen_free(b);
}

/* Mix n bytes into an FNV-1a hash. */
static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

/* Hash a record's present fields, independently of byte order. */
static uint64_t
flow_hash(uint64_t h, const struct flow *f)
{
	uint8_t le[8];
	int id, k;

	for (id = 0; id < FIELD_COUNT; id++) {
		if (!flow_has(f, id))
			continue;
		le[0] = (uint8_t)id;
		h = fnv(h, le, 1);
		switch (field_table[id].type) {
		case FT_SYMBOL:
			h = fnv(h, f->v[id].s.p, f->v[id].s.len);
			break;
		case FT_ADDR:
			h = fnv(h, f->v[id].a.b, 16);
			break;
		default:
			for (k = 0; k < 8; k++)
				le[k] = (uint8_t)(f->v[id].u >> (8 * k));
			h = fnv(h, le, 8);
			break;
		}
	}
	return h;
}

/* Seed 1 is pinned: the same records on every machine and build.  When
 * the model changes on purpose, print the new values and update them. */
static void
test_pinned(void **state)
{
	struct gen *g = gen_new(1, T0);
	struct flow f;
	uint64_t h = 0xcbf29ce484222325ULL;
	int i;

	(void)state;
	gen_next(g, &f);
	assert_true(sym_is(&f, F_INTERFACE_ID, "eni-c0d851281444e3d38"));
	assert_true(sym_is(&f, F_ACCOUNT_ID, "863335324071"));
	assert_int_equal(f.v[F_SRCPORT].u, 61634);
	assert_int_equal(f.v[F_DSTPORT].u, 9200);
	assert_int_equal(f.v[F_START].u, 1767225543);
	h = flow_hash(h, &f);
	for (i = 1; i < 1000; i++) {
		gen_next(g, &f);
		h = flow_hash(h, &f);
	}
	gen_free(g);
	if (h != PINNED_HASH)
		fail_msg("hash of seed 1 is 0x%016llxULL", (unsigned long long)h);
}

/* Different seeds give different estates and records. */
static void
test_seed_differs(void **state)
{
	struct gen *a = gen_new(1, T0), *b = gen_new(2, T0);
	struct flow fa, fb;
	int i, differ = 0, same_eni = 0;

	(void)state;
	for (i = 0; i < 1000; i++) {
		gen_next(a, &fa);
		gen_next(b, &fb);
		differ += !flow_same(&fa, &fb);
		if (flow_has(&fa, F_INTERFACE_ID) && flow_has(&fb, F_INTERFACE_ID) &&
		    fa.v[F_INTERFACE_ID].s.len == fb.v[F_INTERFACE_ID].s.len &&
		    memcmp(fa.v[F_INTERFACE_ID].s.p, fb.v[F_INTERFACE_ID].s.p,
		    fa.v[F_INTERFACE_ID].s.len) == 0)
			same_eni++;
	}
	assert_int_equal(differ, 1000);
	assert_int_equal(same_eni, 0);
	gen_free(a);
	gen_free(b);
}

/* Enum and integer values stay in their ranges and fit each other. */
static void
test_value_ranges(void **state)
{
	struct gen *g = gen_new(3, T0);
	struct flow f;
	int i;

	(void)state;
	for (i = 0; i < 50000; i++) {
		uint64_t proto, fl;

		gen_next(g, &f);
		assert_true(flow_has(&f, F_VERSION));
		assert_int_equal(f.v[F_VERSION].u, 5);
		assert_true(flow_has(&f, F_LOG_STATUS));
		assert_in_range(f.v[F_LOG_STATUS].u, STATUS_OK, STATUS_SKIPDATA);
		assert_true(sym_is_id(&f, F_VPC_ID, "vpc-", 17));
		assert_true(sym_is(&f, F_REGION, "us-east-1") ||
		    sym_is(&f, F_REGION, "eu-west-1"));
		if (flow_has(&f, F_INTERFACE_ID))
			assert_true(sym_is_id(&f, F_INTERFACE_ID, "eni-", 17));
		else
			assert_true(sym_is_id(&f, F_RESOURCE_ID, "nat-", 17));
		if (flow_has(&f, F_INSTANCE_ID))
			assert_true(sym_is_id(&f, F_INSTANCE_ID, "i-", 17));
		if (flow_has(&f, F_SUBNET_ID))
			assert_true(sym_is_id(&f, F_SUBNET_ID, "subnet-", 17));
		assert_int_equal(f.v[F_ACCOUNT_ID].s.len, 12);
		if (flow_has(&f, F_SUBLOCATION_TYPE)) {
			assert_in_range(f.v[F_SUBLOCATION_TYPE].u, 1, 3);
			assert_true(flow_has(&f, F_SUBLOCATION_ID));
			assert_false(flow_has(&f, F_AZ_ID));
		}
		if (f.v[F_LOG_STATUS].u != STATUS_OK)
			continue;
		assert_in_range(f.v[F_ACTION].u, ACTION_ACCEPT, ACTION_REJECT);
		assert_in_range(f.v[F_TYPE].u, TYPE_IPV4, TYPE_IPV6);
		assert_in_range(f.v[F_FLOW_DIRECTION].u, DIR_INGRESS, DIR_EGRESS);
		if (f.v[F_FLOW_DIRECTION].u == DIR_INGRESS)
			assert_false(flow_has(&f, F_TRAFFIC_PATH));
		if (flow_has(&f, F_TRAFFIC_PATH))
			assert_in_range(f.v[F_TRAFFIC_PATH].u, 1, 8);
		if (flow_has(&f, F_ENCRYPTION_STATUS))
			assert_in_range(f.v[F_ENCRYPTION_STATUS].u, 0, 3);
		proto = f.v[F_PROTOCOL].u;
		assert_true(proto == 6 || proto == 17 || proto == 1 || proto == 58);
		assert_true(f.v[F_SRCPORT].u <= 65535 && f.v[F_DSTPORT].u <= 65535);
		if (proto == 1 || proto == 58) {
			assert_int_equal(f.v[F_SRCPORT].u, 0);
			assert_int_equal(f.v[F_DSTPORT].u, 0);
		}
		if (proto == 58)
			assert_int_equal(f.v[F_TYPE].u, TYPE_IPV6);
		fl = f.v[F_TCP_FLAGS].u;
		assert_true(fl == 0 || fl == 1 || fl == 2 || fl == 3 || fl == 4 ||
		    fl == 18 || fl == 19);
		if (proto != 6)
			assert_int_equal(fl, 0);
		assert_true(f.v[F_PACKETS].u >= 1);
		if (flow_has(&f, F_BYTES)) {
			assert_true(f.v[F_BYTES].u >= 40 * f.v[F_PACKETS].u);
			assert_true(f.v[F_BYTES].u <= 1500 * f.v[F_PACKETS].u);
		}
		if (flow_has(&f, F_REJECT_REASON)) {
			assert_true(sym_is(&f, F_REJECT_REASON, "BPA"));
			assert_int_equal(f.v[F_ACTION].u, ACTION_REJECT);
			assert_false(flow_has(&f, F_BYTES));	/* BPA: no bytes */
		} else {
			assert_true(flow_has(&f, F_BYTES));
		}
		assert_true(sym_is(&f, F_RESOURCE_TYPE, "TransitGateway") ||
		    sym_is(&f, F_RESOURCE_TYPE, "TransitGatewayAttachment"));
		assert_true(sym_is_id(&f, F_TGW_ID, "tgw-", 17));
		assert_true(sym_is_id(&f, F_TGW_ATTACHMENT_ID, "tgw-attach-", 17));
		assert_true(sym_is_id(&f, F_TGW_SRC_ENI, "eni-", 17));
	}
	gen_free(g);
}

/* Every field of the table is present on at least some OK record. */
static void
test_every_field(void **state)
{
	struct gen *g = gen_new(11, T0);
	struct flow f;
	uint64_t seen[2] = { 0, 0 };
	int i, id;

	(void)state;
	for (i = 0; i < 50000; i++) {
		gen_next(g, &f);
		if (f.v[F_LOG_STATUS].u == STATUS_OK) {
			seen[0] |= f.present[0];
			seen[1] |= f.present[1];
		}
	}
	for (id = 0; id < FIELD_COUNT; id++)
		if (!((seen[id >> 6] >> (id & 63)) & 1))
			fail_msg("field %s never present", field_name(id));
	gen_free(g);
}

/* NODATA and SKIPDATA records carry identity and times only. */
static void
test_nodata(void **state)
{
	static const int absent[] = {
		F_SRCADDR, F_DSTADDR, F_SRCPORT, F_DSTPORT, F_PROTOCOL,
		F_PACKETS, F_BYTES, F_ACTION, F_TCP_FLAGS, F_TYPE,
		F_PKT_SRCADDR, F_PKT_DSTADDR, F_FLOW_DIRECTION, F_TRAFFIC_PATH,
		F_PKT_SRC_AWS_SERVICE, F_PKT_DST_AWS_SERVICE, F_TGW_SRC_ENI,
		F_PACKETS_LOST_NO_ROUTE, F_ECS_TASK_ID, F_NEXT_HOP_INTERFACE_ID
	};
	static const int present[] = {
		F_VERSION, F_ACCOUNT_ID, F_INTERFACE_ID, F_START, F_END,
		F_LOG_STATUS, F_VPC_ID, F_SUBNET_ID, F_REGION
	};
	struct gen *g = gen_new(5, T0);
	struct flow f;
	int i, k, nodata = 0, skip = 0;

	(void)state;
	for (i = 0; i < 100000; i++) {
		gen_next(g, &f);
		if (f.v[F_LOG_STATUS].u == STATUS_OK)
			continue;
		if (f.v[F_LOG_STATUS].u == STATUS_NODATA)
			nodata++;
		else
			skip++;
		for (k = 0; k < (int)(sizeof absent / sizeof absent[0]); k++)
			if (flow_has(&f, absent[k]))
				fail_msg("%s present on NODATA", field_name(absent[k]));
		for (k = 0; k < (int)(sizeof present / sizeof present[0]); k++)
			if (!flow_has(&f, present[k]))
				fail_msg("%s absent on NODATA", field_name(present[k]));
		assert_true(f.v[F_END].u > f.v[F_START].u);
	}
	/* 0.5% and 0.2% of 100k: 500 and 200 expected */
	assert_in_range(nodata, 400, 600);
	assert_in_range(skip, 140, 260);
	gen_free(g);
}

/* About one in ten inbound flows is rejected, mostly a lone SYN. */
static void
test_reject_share(void **state)
{
	struct gen *g = gen_new(13, T0);
	struct flow f;
	int i, ingress = 0, rej = 0, egress_rej = 0, syn = 0, tcp_rej = 0;

	(void)state;
	for (i = 0; i < 100000; i++) {
		gen_next(g, &f);
		if (f.v[F_LOG_STATUS].u != STATUS_OK)
			continue;
		if (f.v[F_FLOW_DIRECTION].u == DIR_EGRESS) {
			egress_rej += f.v[F_ACTION].u == ACTION_REJECT;
			continue;
		}
		ingress++;
		if (f.v[F_ACTION].u != ACTION_REJECT)
			continue;
		rej++;
		assert_true(f.v[F_PACKETS].u <= 3);
		if (f.v[F_PROTOCOL].u == 6) {
			tcp_rej++;
			syn += f.v[F_TCP_FLAGS].u == 2;
		}
	}
	assert_in_range(ingress, 45000, 55000);
	assert_true(rej * 100 > ingress * 5 && rej * 100 < ingress * 15);
	assert_int_equal(syn, tcp_rej);
	assert_true(tcp_rej * 10 > rej * 7);
	assert_true(egress_rej < rej / 5);
	gen_free(g);
}

/* IPv6 shows up now and then, and both sides are IPv6 when it does. */
static void
test_ipv6_share(void **state)
{
	struct gen *g = gen_new(17, T0);
	struct flow f;
	int i, ok = 0, v6 = 0;

	(void)state;
	for (i = 0; i < 50000; i++) {
		const struct flow_addr *eni_side;

		gen_next(g, &f);
		if (f.v[F_LOG_STATUS].u != STATUS_OK)
			continue;
		ok++;
		eni_side = f.v[F_FLOW_DIRECTION].u == DIR_EGRESS ?
		    &f.v[F_SRCADDR].a : &f.v[F_DSTADDR].a;
		if (f.v[F_TYPE].u == TYPE_IPV6) {
			v6++;
			assert_false(is_v4(&f.v[F_SRCADDR].a));
			assert_false(is_v4(&f.v[F_DSTADDR].a));
			assert_false(is_v4(&f.v[F_PKT_SRCADDR].a));
			assert_false(is_v4(&f.v[F_PKT_DSTADDR].a));
			/* the VPC's own /56: 2600:1f18::/32 or 2a05:d018::/32 */
			assert_true(memcmp(eni_side->b, "\x26\x00\x1f\x18", 4) == 0 ||
			    memcmp(eni_side->b, "\x2a\x05\xd0\x18", 4) == 0);
		} else {
			assert_true(is_v4(&f.v[F_SRCADDR].a));
			assert_true(is_v4(&f.v[F_DSTADDR].a));
			assert_true(is_v4(&f.v[F_PKT_SRCADDR].a));
			assert_true(is_v4(&f.v[F_PKT_DSTADDR].a));
		}
	}
	assert_true(v6 * 100 > ok && v6 * 100 < ok * 10);
	gen_free(g);
}

/* A few ENIs carry most bytes; the estate has hundreds of ENIs. */
static void
test_zipf(void **state)
{
	static struct tab t;
	static uint64_t sums[TAB_SIZE];
	struct gen *g = gen_new(19, T0);
	struct flow f;
	uint64_t total = 0, top = 0, packets[10000];
	int i, n = 0, np = 0;

	(void)state;
	memset(&t, 0, sizeof t);
	for (i = 0; i < 100000; i++) {
		gen_next(g, &f);
		if (!flow_has(&f, F_INTERFACE_ID))
			continue;
		n = tab_slot(&t, &f.v[F_INTERFACE_ID].s);
		if (flow_has(&f, F_BYTES)) {
			t.e[n].sum += f.v[F_BYTES].u;
			total += f.v[F_BYTES].u;
		}
		if (flow_has(&f, F_PACKETS) && np < 10000)
			packets[np++] = f.v[F_PACKETS].u;
	}
	assert_in_range(t.n, 280, 700);
	for (i = n = 0; i < TAB_SIZE; i++)
		if (t.e[i].len)
			sums[n++] = t.e[i].sum;
	qsort(sums, (size_t)n, sizeof sums[0], desc_u64);
	for (i = 0; i < 10; i++)
		top += sums[i];
	assert_true(top * 100 > total * 30);
	/* heavy-tailed packet counts: median small, 99th percentile large */
	qsort(packets, (size_t)np, sizeof packets[0], asc_u64);
	assert_in_range(packets[np / 2], 3, 30);
	assert_true(packets[np * 99 / 100] > 20 * packets[np / 2]);
	gen_free(g);
}

/* An ENI keeps its address: egress srcaddr and ingress dstaddr agree. */
static void
test_eni_address(void **state)
{
	static struct tab t;
	struct gen *g = gen_new(23, T0);
	struct flow f;
	int i, checked = 0, nat_differs = 0, plain_differs = 0;

	(void)state;
	memset(&t, 0, sizeof t);
	for (i = 0; i < 50000; i++) {
		const struct flow_addr *a;
		int s;

		gen_next(g, &f);
		if (f.v[F_LOG_STATUS].u != STATUS_OK || f.v[F_TYPE].u != TYPE_IPV4 ||
		    !flow_has(&f, F_INTERFACE_ID))
			continue;
		if (sym_is(&f, F_INTERFACE_TYPE, "nat_gateway"))
			nat_differs += memcmp(&f.v[F_SRCADDR].a,
			    &f.v[F_PKT_SRCADDR].a, 16) != 0 ||
			    memcmp(&f.v[F_DSTADDR].a, &f.v[F_PKT_DSTADDR].a, 16) != 0;
		if (sym_is(&f, F_INTERFACE_TYPE, "interface"))
			plain_differs += memcmp(&f.v[F_SRCADDR].a,
			    &f.v[F_PKT_SRCADDR].a, 16) != 0 ||
			    memcmp(&f.v[F_DSTADDR].a, &f.v[F_PKT_DSTADDR].a, 16) != 0;
		a = f.v[F_FLOW_DIRECTION].u == DIR_EGRESS ? &f.v[F_SRCADDR].a :
		    &f.v[F_DSTADDR].a;
		/* private: 10/8 or 172.31/16 */
		assert_true(a->b[12] == 10 || (a->b[12] == 172 && a->b[13] == 31));
		s = tab_slot(&t, &f.v[F_INTERFACE_ID].s);
		if (!t.e[s].has_addr) {
			t.e[s].addr = *a;
			t.e[s].has_addr = 1;
		} else {
			assert_memory_equal(t.e[s].addr.b, a->b, 16);
			checked++;
		}
	}
	assert_true(checked > 25000);
	assert_true(nat_differs > 50);
	assert_int_equal(plain_differs, 0);
	gen_free(g);
}

/* Requester-managed ENIs have no instance; ECS tasks are about 5% of ENIs;
 * there are 3-4 accounts, one with a leading zero. */
static void
test_estate(void **state)
{
	static struct tab enis, ecs, accts;
	struct gen *g = gen_new(29, T0);
	struct flow f;
	int i, zero = 0, with_inst = 0, ok = 0;

	(void)state;
	memset(&enis, 0, sizeof enis);
	memset(&ecs, 0, sizeof ecs);
	memset(&accts, 0, sizeof accts);
	for (i = 0; i < 100000; i++) {
		gen_next(g, &f);
		tab_slot(&accts, &f.v[F_ACCOUNT_ID].s);
		if (f.v[F_LOG_STATUS].u != STATUS_OK || !flow_has(&f, F_INTERFACE_ID))
			continue;
		ok++;
		with_inst += flow_has(&f, F_INSTANCE_ID);
		tab_slot(&enis, &f.v[F_INTERFACE_ID].s);
		if (flow_has(&f, F_ECS_TASK_ID)) {
			tab_slot(&ecs, &f.v[F_INTERFACE_ID].s);
			assert_true(flow_has(&f, F_ECS_CLUSTER_ARN));
			assert_true(flow_has(&f, F_ECS_TASK_ARN));
		}
		if (sym_is(&f, F_INTERFACE_TYPE, "nat_gateway") ||
		    sym_is(&f, F_INTERFACE_TYPE, "network_load_balancer") ||
		    sym_is(&f, F_INTERFACE_TYPE, "vpc_endpoint") ||
		    sym_is(&f, F_INTERFACE_TYPE, "transit_gateway"))
			assert_false(flow_has(&f, F_INSTANCE_ID));
		if (flow_has(&f, F_INSTANCE_TAG))
			assert_non_null(f.v[F_INSTANCE_TAG].s.p);
	}
	assert_true(ecs.n * 100 >= enis.n * 2 && ecs.n * 100 <= enis.n * 10);
	assert_true(with_inst * 10 > ok * 3 && with_inst < ok);
	assert_in_range(accts.n, 3, 4);
	for (i = 0; i < TAB_SIZE; i++)
		if (accts.e[i].len)
			zero += accts.e[i].key[0] == '0';
	assert_int_equal(zero, 1);
	gen_free(g);
}

/* The Transit Gateway fields agree with the VPC fields. */
static void
test_tgw_consistent(void **state)
{
	struct gen *g = gen_new(31, T0);
	struct flow f;
	int i, ok = 0, lossless = 0;

	(void)state;
	for (i = 0; i < 50000; i++) {
		int mine;

		gen_next(g, &f);
		if (f.v[F_LOG_STATUS].u != STATUS_OK)
			continue;
		ok++;
		mine = f.v[F_FLOW_DIRECTION].u == DIR_EGRESS ? F_TGW_SRC_VPC_ID :
		    F_TGW_DST_VPC_ID;
		assert_int_equal(f.v[mine].s.len, f.v[F_VPC_ID].s.len);
		assert_memory_equal(f.v[mine].s.p, f.v[F_VPC_ID].s.p,
		    f.v[F_VPC_ID].s.len);
		mine = f.v[F_FLOW_DIRECTION].u == DIR_EGRESS ?
		    F_TGW_SRC_VPC_ACCOUNT_ID : F_TGW_DST_VPC_ACCOUNT_ID;
		assert_memory_equal(f.v[mine].s.p, f.v[F_ACCOUNT_ID].s.p, 12);
		lossless += f.v[F_PACKETS_LOST_NO_ROUTE].u == 0 &&
		    f.v[F_PACKETS_LOST_BLACKHOLE].u == 0 &&
		    f.v[F_PACKETS_LOST_MTU_EXCEEDED].u == 0 &&
		    f.v[F_PACKETS_LOST_TTL_EXPIRED].u == 0;
	}
	assert_true(lossless * 100 > ok * 95 && lossless < ok);
	gen_free(g);
}

/* Event times: valid spans, a steady pace, jitter, never far before start. */
static void
test_times(void **state)
{
	static uint64_t first[10000], last[10000];
	struct gen *g = gen_new(37, T0);
	struct flow f;
	uint64_t prev = 0;
	int i, n = 100000, back = 0, long_span = 0;

	(void)state;
	for (i = 0; i < n; i++) {
		uint64_t s, e;

		gen_next(g, &f);
		s = f.v[F_START].u;
		e = f.v[F_END].u;
		assert_true(s <= e);
		assert_true(e - s <= 600);
		long_span += e - s > 60;
		assert_true((int64_t)s >= T0 - 300);
		if (prev > s + 60)
			back++;		/* arrived out of order */
		prev = s;
		if (i < 10000)
			first[i] = s;
		if (i >= n - 10000)
			last[i - (n - 10000)] = s;
	}
	qsort(first, 10000, sizeof first[0], asc_u64);
	qsort(last, 10000, sizeof last[0], asc_u64);
	/* ~2000 records per simulated second: 90k records ~ 45 s */
	assert_in_range(last[5000] - first[5000], 30, 60);
	assert_true(back > 500);
	assert_true(long_span > n / 20 && long_span < n / 4);
	gen_free(g);
}

/* gen_set_time moves the clock: later records start near t. */
static void
test_set_time(void **state)
{
	struct gen *g = gen_new(41, T0);
	struct flow f;
	int64_t t = T0 + 86400 * 30;
	int i;

	(void)state;
	for (i = 0; i < 1000; i++)
		gen_next(g, &f);
	gen_set_time(g, t);
	for (i = 0; i < 2000; i++) {
		gen_next(g, &f);
		assert_true((int64_t)f.v[F_START].u >= t - 300);
		assert_true((int64_t)f.v[F_START].u <= t + 2);
		assert_true((int64_t)f.v[F_END].u <= t + 602);
	}
	t = T0 - 3600;		/* backwards works too */
	gen_set_time(g, t);
	gen_next(g, &f);
	assert_true((int64_t)f.v[F_START].u >= t - 300);
	assert_true((int64_t)f.v[F_START].u <= t);
	gen_free(g);
}

/* Symbols point into tables the generator keeps: they outlive the call. */
static void
test_symbols_stable(void **state)
{
	struct gen *g = gen_new(43, T0);
	struct flow f;
	struct flow_str s;
	char copy[64];
	int i;

	(void)state;
	gen_next(g, &f);
	s = f.v[F_VPC_ID].s;
	memcpy(copy, s.p, s.len);
	for (i = 0; i < 10000; i++)
		gen_next(g, &f);
	assert_memory_equal(s.p, copy, s.len);
	gen_free(g);
}

/* Run the generator tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_pinned),
		cmocka_unit_test(test_seed_differs),
		cmocka_unit_test(test_value_ranges),
		cmocka_unit_test(test_every_field),
		cmocka_unit_test(test_nodata),
		cmocka_unit_test(test_reject_share),
		cmocka_unit_test(test_ipv6_share),
		cmocka_unit_test(test_zipf),
		cmocka_unit_test(test_eni_address),
		cmocka_unit_test(test_estate),
		cmocka_unit_test(test_tgw_consistent),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_set_time),
		cmocka_unit_test(test_symbols_stable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
