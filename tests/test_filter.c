/*
 * test_filter.c - the filter language: a table of (expression, records)
 * cases over ten hand-made records, error messages with their columns,
 * the canonical form, and a differential test of random expressions over
 * random records against a reference interpreter written here.
 *
 * Every table case is checked three ways: on the parsed struct flow
 * (filter_match_flow), on the same record kept in a store
 * (filter_match_rec, after filter_bind), and through filter_count.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "field.h"
#include "filter.h"
#include "flow.h"
#include "format.h"
#include "gen.h"
#include "parse.h"
#include "store.h"
#include "view.h"

/* ---- the records ---- */

#define NREC 10

/* v5 field order: version account-id interface-id srcaddr dstaddr srcport
 * dstport protocol packets bytes start end action log-status vpc-id
 * subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region
 * az-id sublocation-type sublocation-id pkt-src-aws-service
 * pkt-dst-aws-service flow-direction traffic-path */
static const char *const rec_text[NREC] = {
	/* R0: SSH reject from the internet, SYN */
	"5 123456789012 eni-0aaa 198.51.100.7 10.0.1.5 40000 22 6 3 180 "
	"1714564800 1714564860 REJECT OK vpc-0abc subnet-0a1 i-0123 2 IPv4 "
	"198.51.100.7 10.0.1.5 us-east-1 use1-az1 - - - - ingress -",
	/* R1: large egress to S3, SYN-ACK */
	"5 123456789012 eni-0bbb 10.0.2.9 52.216.1.1 51000 443 6 20000 "
	"25000000 1714565000 1714565060 ACCEPT OK vpc-0abc subnet-0b2 i-0456 "
	"18 IPv4 10.0.2.9 52.216.1.1 us-east-1 use1-az2 - - - S3 egress 8",
	/* R2: IPv6 DNS */
	"5 210987654321 eni-0ccc 2001:db8::5 2001:db8:1::53 5353 53 17 1 100 "
	"1714566000 1714566030 ACCEPT OK vpc-0def subnet-0c3 - - IPv6 "
	"2001:db8::5 2001:db8:1::53 eu-west-1 euw1-az1 - - - - egress 1",
	/* R3: NODATA */
	"5 123456789012 eni-0aaa - - - - - - - 1714567000 1714567060 - NODATA "
	"vpc-0abc subnet-0a1 i-0123 - - - - us-east-1 use1-az1 - - - - - -",
	/* R4: ICMP through NAT (pkt-srcaddr differs) */
	"5 123456789012 eni-0ddd 10.0.3.4 203.0.113.9 0 0 1 4 336 1714568000 "
	"1714568010 ACCEPT OK vpc-0abc subnet-0d4 - 0 IPv4 10.0.9.9 "
	"203.0.113.9 us-east-1 use1-az1 - - - - egress 2",
	/* R5: RDP reject, FIN|SYN */
	"5 123456789012 eni-0aaa 192.0.2.44 10.0.1.5 61000 3389 6 2 120 "
	"1714568100 1714568160 REJECT OK vpc-0abc subnet-0a1 i-0123 3 IPv4 "
	"192.0.2.44 10.0.1.5 us-east-1 use1-az1 - - - - ingress -",
	/* R6: SKIPDATA */
	"5 123456789012 eni-0bbb - - - - - - - 1714569000 1714569060 - "
	"SKIPDATA vpc-0abc subnet-0b2 i-0456 - - - - us-east-1 use1-az2 - - "
	"- - - -",
	/* R7: edges: 0.0.0.0, 255.255.255.255, port 65535, 1 GiB */
	"5 000000000001 eni-0eee 0.0.0.0 255.255.255.255 0 65535 17 1048576 "
	"1073741824 1714570000 1714570600 ACCEPT OK vpc-0def subnet-0e5 "
	"i-0789 - IPv4 0.0.0.0 255.255.255.255 eu-west-1 euw1-az2 - - - - "
	"ingress -",
	/* R8: a v2 record (no VPC fields at all) */
	"2 123456789012 eni-0fff 10.1.1.1 10.2.2.2 22 50000 6 10 840 "
	"1714564800 1714564860 ACCEPT OK",
	/* R9: IPv6 reject, RST, newest end (the watermark) */
	"5 210987654321 eni-0ccc 2001:db8:ffff::1 ::1 443 60000 6 5 1500 "
	"1714571000 1714571060 REJECT OK vpc-0def subnet-0c3 - 4 IPv6 "
	"2001:db8:ffff::1 ::1 eu-west-1 euw1-az1 - - - - ingress -",
};

#define WATERMARK 1714571060u

static struct format fmt_v2, fmt_v5;
static struct flow recs[NREC];
static struct store *store;
static uint64_t seqs[NREC];

/* Parse a line in fmt or fail the test. */
static void
parse_or_fail(const struct format *fmt, const char *line, struct flow *f)
{
	struct parse_error err;

	if (parse_line(fmt, line, strlen(line), f, &err) != 0)
		fail_msg("cannot parse: %s (reason %d)", line, err.reason);
}

/* Parse the records and put them in a store. */
static int
setup(void **state)
{
	int i;

	(void)state;
	format_version(&fmt_v2, 2);
	format_version(&fmt_v5, 5);
	store = store_new(64);
	if (store == NULL)
		return -1;
	for (i = 0; i < NREC; i++) {
		parse_or_fail(i == 8 ? &fmt_v2 : &fmt_v5, rec_text[i], &recs[i]);
		seqs[i] = store_append(store, &recs[i]);
		if (seqs[i] == STORE_NONE)
			return -1;
	}
	return 0;
}

/* Free the store. */
static int
teardown(void **state)
{
	(void)state;
	store_free(store);
	return 0;
}

/* ---- the table ---- */

#define B(n) (1u << (n))
#define ALL ((1u << NREC) - 1)
#define ACCEPTS (B(1) | B(2) | B(4) | B(7) | B(8))
#define REJECTS (B(0) | B(5) | B(9))
#define FLOWS (ALL & ~(B(3) | B(6)))

struct mcase {
	const char *expr;
	unsigned want;		/* bit i: record i matches */
};

static const struct mcase cases[] = {
	/* shorthands */
	{ "accept", ACCEPTS },
	{ "reject", REJECTS },
	{ "tcp", B(0) | B(1) | B(5) | B(8) | B(9) },
	{ "udp", B(2) | B(7) },
	{ "icmp", B(4) },
	{ "icmpv6", 0 },
	{ "ingress", B(0) | B(5) | B(7) | B(9) },
	{ "egress", B(1) | B(2) | B(4) },
	{ "nodata", B(3) },
	{ "skipdata", B(6) },
	{ "ipv6", B(2) | B(9) },
	{ "ipv4", B(0) | B(1) | B(4) | B(5) | B(7) | B(8) },
	{ "REJECT", REJECTS },
	{ "not accept", ALL & ~ACCEPTS },
	{ "nodata or skipdata", B(3) | B(6) },
	/* enums */
	{ "action = ACCEPT", ACCEPTS },
	{ "action == accept", ACCEPTS },
	{ "action != ACCEPT", REJECTS },
	{ "action = -", B(3) | B(6) },
	{ "action != -", FLOWS },
	{ "action in [ACCEPT, REJECT]", FLOWS },
	{ "action ~ /^ACC/", ACCEPTS },
	{ "log-status = NODATA", B(3) },
	{ "log-status = OK", FLOWS },
	{ "log-status != OK", B(3) | B(6) },
	{ "flow-direction = ingress", B(0) | B(5) | B(7) | B(9) },
	{ "flow-direction = -", B(3) | B(6) | B(8) },
	{ "type = IPv6", B(2) | B(9) },
	{ "type = ipv6", B(2) | B(9) },
	{ "type = IPv4", B(0) | B(1) | B(4) | B(5) | B(7) },
	/* ports */
	{ "dstport = 22", B(0) },
	{ "dstport == 22", B(0) },
	{ "dstport != 22", FLOWS & ~B(0) },
	{ "port = 22", B(0) | B(8) },
	{ "port != 22", B(1) | B(2) | B(4) | B(5) | B(7) | B(9) },
	{ "dstport < 1024", B(0) | B(1) | B(2) | B(4) },
	{ "dstport <= 22", B(0) | B(4) },
	{ "dstport > 3389", B(7) | B(8) | B(9) },
	{ "dstport >= 3389", B(5) | B(7) | B(8) | B(9) },
	{ "dstport > 1k", B(5) | B(7) | B(8) | B(9) },
	{ "srcport = 0", B(4) | B(7) },
	{ "port = 0", B(4) | B(7) },
	{ "dstport = 65535", B(7) },
	{ "port in [53, 3389]", B(2) | B(5) },
	{ "dstport in [22, 443, 3389]", B(0) | B(1) | B(5) },
	{ "dstport not in [22, 443]", B(2) | B(4) | B(5) | B(7) | B(8) | B(9) },
	{ "dstport = -", B(3) | B(6) },
	{ "port != -", FLOWS },
	{ "dstport ~ /^3/", B(5) },
	{ "srcport = 5353 or dstaddr = ::1", B(2) | B(9) },
	/* addresses */
	{ "srcaddr = 198.51.100.7", B(0) },
	{ "srcaddr = ::ffff:198.51.100.7", B(0) },
	{ "srcaddr = 198.51.100.0/24", B(0) },
	{ "srcaddr = 198.51.100.7/32", B(0) },
	{ "srcaddr = 198.51.100.8/32", 0 },
	{ "srcaddr = 9.9.9.9", 0 },
	{ "srcaddr != 9.9.9.9", FLOWS },
	{ "addr = 10.0.1.5", B(0) | B(5) },
	{ "addr = 10.0.0.0/8", B(0) | B(1) | B(4) | B(5) | B(8) },
	{ "srcaddr = 10.0.0.0/8", B(1) | B(4) | B(8) },
	{ "srcaddr != 10.0.0.0/8", B(0) | B(2) | B(5) | B(7) | B(9) },
	{ "addr != 10.0.0.0/8", B(2) | B(7) | B(9) },
	{ "srcaddr = 0.0.0.0/0", B(0) | B(1) | B(4) | B(5) | B(7) | B(8) },
	{ "srcaddr = ::/0", FLOWS },
	{ "dstaddr = 255.255.255.255/32", B(7) },
	{ "dstaddr = 255.255.255.255", B(7) },
	{ "srcaddr = 0.0.0.0", B(7) },
	{ "addr = 2001:db8::/32", B(2) | B(9) },
	{ "addr = 2001:db8::/33", B(2) },
	{ "addr = 2001:db8::5/128", B(2) },
	{ "addr = 2001:DB8:0:0::5", B(2) },
	{ "dstaddr = ::1", B(9) },
	{ "dstaddr = 0:0:0:0:0:0:0:1", B(9) },
	{ "dstaddr = ::1/128", B(9) },
	{ "dstaddr = ::/127", B(9) },
	{ "srcaddr in [192.0.2.0/24, 2001:db8::/32]", B(2) | B(5) | B(9) },
	{ "dstaddr in [10.0.1.5, ::1]", B(0) | B(5) | B(9) },
	{ "addr = 10.0.9.9", B(4) },
	{ "pkt-srcaddr = 10.0.9.9", B(4) },
	{ "pkt-srcaddr = 10.0.3.4", 0 },
	{ "addr = 203.0.113.0/24", B(4) },
	{ "addr = -", B(3) | B(6) },
	{ "pkt-srcaddr = -", B(3) | B(6) | B(8) },
	{ "srcaddr ~ /^10\\./", B(1) | B(4) | B(8) },
	{ "addr ~ /^2001:/", B(2) | B(9) },
	{ "srcaddr = 10.0.0.0/8 or dstaddr = 10.0.0.0/8",
	    B(0) | B(1) | B(4) | B(5) | B(8) },
	/* counters */
	{ "bytes > 1M", B(1) | B(7) },
	{ "bytes >= 1Gi", B(7) },
	{ "bytes > 1G", B(7) },
	{ "bytes > 1Gi", 0 },
	{ "bytes = 1Gi", B(7) },
	{ "bytes = 1073741824", B(7) },
	{ "bytes < 1k", B(0) | B(2) | B(4) | B(5) | B(8) },
	{ "bytes <= 1.5k", B(0) | B(2) | B(4) | B(5) | B(8) | B(9) },
	{ "bytes >= 0.5k", B(1) | B(7) | B(8) | B(9) },
	{ "bytes = 25M", B(1) },
	{ "bytes > 0", FLOWS },
	{ "bytes = -", B(3) | B(6) },
	{ "packets >= 20k", B(1) | B(7) },
	{ "packets > 1.5k", B(1) | B(7) },
	{ "packets = 1Mi", B(7) },
	{ "packets = 1", B(2) },
	{ "packets != 1", FLOWS & ~B(2) },
	/* protocol */
	{ "protocol = 6", B(0) | B(1) | B(5) | B(8) | B(9) },
	{ "protocol = tcp", B(0) | B(1) | B(5) | B(8) | B(9) },
	{ "proto = udp", B(2) | B(7) },
	{ "protocol = icmpv6", 0 },
	{ "protocol in [1, 17]", B(2) | B(4) | B(7) },
	{ "protocol > 6", B(2) | B(7) },
	/* tcp flags */
	{ "flags has SYN", B(0) | B(1) | B(5) },
	{ "flags has FIN", B(5) },
	{ "flags has RST", B(9) },
	{ "flags has ACK", B(1) },
	{ "flags has SYN-ACK", B(1) },
	{ "flags has FIN|SYN", B(5) },
	{ "flags = SYN-ACK", B(1) },
	{ "tcp-flags = 18", B(1) },
	{ "flags = SYN", B(0) },
	{ "flags = syn", B(0) },
	{ "flags = FIN|SYN", B(5) },
	{ "flags = 0", B(4) },
	{ "flags != 0", B(0) | B(1) | B(5) | B(9) },
	{ "flags = -", B(2) | B(3) | B(6) | B(7) | B(8) },
	{ "not flags has SYN", ALL & ~(B(0) | B(1) | B(5)) },
	/* times */
	{ "start >= 2024-05-01T12:00Z", ALL },
	{ "start > 2024-05-01T12:00Z", ALL & ~(B(0) | B(8)) },
	{ "start < 2024-05-01T12:05:00Z", B(0) | B(1) | B(8) },
	{ "start = 1714566000", B(2) },
	{ "start >= 2024-05-01T14:00:00+02:00", ALL },
	{ "start >= 2024-05-01T14:00:00+01:59", ALL & ~(B(0) | B(8)) },
	{ "start >= 2024-05-01T14:00:00+02:01", ALL },
	{ "start >= 2024-05-01", ALL },
	{ "start < 2024-05-01", 0 },
	{ "start >= 2024-05-01T12:00Z and start < 2024-05-01T13:00:00Z",
	    B(0) | B(1) | B(2) | B(3) | B(4) | B(5) | B(8) },
	{ "end > -15m", B(7) | B(9) },
	{ "end > -900s", B(7) | B(9) },
	{ "end > -1h", B(4) | B(5) | B(6) | B(7) | B(9) },
	{ "end >= -100s", B(9) },
	{ "end >= -0s", B(9) },
	{ "start < -2h", 0 },
	{ "start < -1d", 0 },
	{ "end = -", 0 },
	/* symbols */
	{ "account-id = 123456789012",
	    B(0) | B(1) | B(3) | B(4) | B(5) | B(6) | B(8) },
	{ "account-id = 000000000001", B(7) },
	{ "account-id = 1", 0 },
	{ "vpc = vpc-0abc", B(0) | B(1) | B(3) | B(4) | B(5) | B(6) },
	{ "vpc-id != vpc-0abc", B(2) | B(7) | B(9) },
	{ "vpc-id = -", B(8) },
	{ "eni = eni-0aaa", B(0) | B(3) | B(5) },
	{ "interface-id = eni-9999", 0 },
	{ "interface-id != eni-9999", ALL },
	{ "interface-id in [eni-0aaa, eni-0fff]", B(0) | B(3) | B(5) | B(8) },
	{ "interface-id not in [eni-0aaa, eni-0fff]",
	    B(1) | B(2) | B(4) | B(6) | B(7) | B(9) },
	{ "subnet = subnet-0c3", B(2) | B(9) },
	{ "instance-id = -", B(2) | B(4) | B(8) | B(9) },
	{ "region = eu-west-1", B(2) | B(7) | B(9) },
	{ "region = \"eu-west-1\"", B(2) | B(7) | B(9) },
	{ "region ~ /west/", B(2) | B(7) | B(9) },
	{ "az-id in [use1-az1, euw1-az2]", B(0) | B(3) | B(4) | B(5) | B(7) },
	{ "pkt-dst-aws-service = S3", B(1) },
	{ "pkt-dst-aws-service = \"S3\"", B(1) },
	{ "pkt-dst-aws-service = s3", 0 },
	{ "interface-id ~ /^eni-0a/", B(0) | B(3) | B(5) },
	{ "sublocation-type = -", ALL },
	/* integers */
	{ "traffic-path = 8", B(1) },
	{ "traffic-path < 3", B(2) | B(4) },
	{ "traffic-path = -", ALL & ~(B(1) | B(2) | B(4)) },
	{ "version = 2", B(8) },
	{ "version = 5", ALL & ~B(8) },
	/* regexes over the record's text */
	{ "/REJECT/", REJECTS },
	{ "/reject/i", REJECTS },
	{ "/reject/", 0 },
	{ "/eni-0(a|b)/", B(0) | B(1) | B(3) | B(5) | B(6) },
	{ "/^2 /", B(8) },
	{ "/ 22 /", B(0) | B(8) },
	{ "/S3 egress 8$/", B(1) },
	/* precedence and connectives */
	{ "reject or accept and dstport = 443", REJECTS | B(1) },
	{ "(reject or accept) and dstport = 443", B(1) },
	{ "reject and dstport = 22 or srcport = 22", B(0) | B(8) },
	{ "reject and (dstport = 22 or srcport = 22)", B(0) },
	{ "not reject and tcp", B(1) | B(8) },
	{ "not (reject and tcp)", ALL & ~REJECTS },
	{ "! reject && tcp", B(1) | B(8) },
	{ "!reject&&tcp", B(1) | B(8) },
	{ "reject || udp", REJECTS | B(2) | B(7) },
	{ "reject||udp", REJECTS | B(2) | B(7) },
	{ "tcp dstport = 22", B(0) },
	{ "tcp reject ingress", REJECTS },
	{ "not not reject", REJECTS },
	{ "(((reject)))", REJECTS },
	{ "reject AND tcp", REJECTS },
	{ "reject OR udp", REJECTS | B(2) | B(7) },
	{ "NOT reject", ALL & ~REJECTS },
	{ "reject and not srcaddr = 10.0.0.0/8", REJECTS },
	{ "reject and dstport = 22 and srcaddr != 10.0.0.0/8", B(0) },
	{ "ingress and addr = 10.0.0.0/8 and not port in [22, 3389]", 0 },
	{ "egress and bytes > 10M", B(1) },
	{ "ipv6 and reject", B(9) },
	{ "ipv6 reject or nodata", B(3) | B(9) },
	{ "accept or reject or nodata or skipdata", ALL },
	{ "tcp and not (dstport = 22 or dstport = 3389) and ingress", B(9) },
	{ "(accept) (tcp)", B(1) | B(8) },
	{ "not(tcp)", ALL & ~(B(0) | B(1) | B(5) | B(8) | B(9)) },
	{ "dstport=22", B(0) },
	{ "dstport>=3389 and dstport<=50000", B(5) | B(8) },
};

/* Check one case on the flow, the store record and the count. */
static void
check_case(const struct mcase *c)
{
	struct filter_error err;
	struct filter *f = filter_parse(c->expr, &err);
	unsigned got_flow = 0, got_rec = 0;
	uint64_t count;
	int i;

	if (f == NULL)
		fail_msg("'%s' does not parse: %s (column %d)", c->expr,
		    err.msg, err.col);
	filter_set_now(f, WATERMARK);
	for (i = 0; i < NREC; i++)
		if (filter_match_flow(f, &recs[i]))
			got_flow |= B(i);
	assert_int_equal(filter_bind(f, store), 0);
	for (i = 0; i < NREC; i++)
		if (filter_match_rec(f, store, store_rec_at(store, seqs[i])))
			got_rec |= B(i);
	count = filter_count(f, store);
	if (got_flow != c->want || got_rec != c->want ||
	    count != (uint64_t)__builtin_popcount(c->want))
		fail_msg("'%s': want %03x, flow %03x, store %03x, count %llu",
		    c->expr, c->want, got_flow, got_rec,
		    (unsigned long long)count);
	assert_int_equal(filter_expensive(f), 0);
	filter_free(f);
}

/* Every table case. */
static void
test_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_case(&cases[i]);
	assert_true(sizeof cases / sizeof cases[0] >= 200);
}

/* Canonical forms parse back to themselves and match the same records. */
static void
test_roundtrip(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char a[512], b[512];
		struct filter *f = filter_parse(cases[i].expr, NULL), *g;
		struct mcase c2;

		assert_non_null(f);
		assert_true(filter_to_string(f, a, sizeof a) < sizeof a);
		g = filter_parse(a, NULL);
		if (g == NULL)
			fail_msg("canonical '%s' of '%s' does not parse", a,
			    cases[i].expr);
		filter_to_string(g, b, sizeof b);
		assert_string_equal(a, b);
		c2.expr = a;
		c2.want = cases[i].want;
		check_case(&c2);
		filter_free(f);
		filter_free(g);
	}
}

/* ---- canonical form ---- */

static const struct {
	const char *in, *out;
} canon[] = {
	{ "dstport == 22", "dstport = 22" },
	{ "reject && dstport=22 || !tcp", "reject and dstport = 22 or not tcp" },
	{ "(reject or accept) and tcp", "(reject or accept) and tcp" },
	{ "reject or (accept and tcp)", "reject or accept and tcp" },
	{ "not (reject or tcp)", "not (reject or tcp)" },
	{ "not (reject and tcp)", "not (reject and tcp)" },
	{ "tcp dstport=22", "tcp and dstport = 22" },
	{ "eni = eni-1", "interface-id = eni-1" },
	{ "vpc = v subnet = s", "vpc-id = v and subnet-id = s" },
	{ "bytes > 10M", "bytes > 10000000" },
	{ "bytes > 1.5Ki", "bytes > 1536" },
	{ "srcaddr = 10.1.2.3/8", "srcaddr = 10.0.0.0/8" },
	{ "addr in [2001:DB8::/32,192.0.2.1]",
	    "addr in [2001:db8::/32, 192.0.2.1]" },
	{ "port not in [22,23]", "port not in [22, 23]" },
	{ "start >= 2024-05-01T12:00Z", "start >= 2024-05-01T12:00:00Z" },
	{ "start >= 1714564800", "start >= 2024-05-01T12:00:00Z" },
	{ "end > -15m", "end > -15m" },
	{ "end > -900s", "end > -15m" },
	{ "end > -3600s", "end > -1h" },
	{ "end > -90s", "end > -90s" },
	{ "end > -14d", "end > -2w" },
	{ "end >= -0m", "end >= -0s" },
	{ "flags = 18", "tcp-flags = SYN-ACK" },
	{ "flags has SYN", "tcp-flags has SYN" },
	{ "flags = 3", "tcp-flags = FIN|SYN" },
	{ "flags = 64", "tcp-flags = 64" },
	{ "flags = 0", "tcp-flags = 0" },
	{ "action = accept", "action = ACCEPT" },
	{ "protocol = 6", "protocol = tcp" },
	{ "protocol = 47", "protocol = 47" },
	{ "vpc-id = \"a b\"", "vpc-id = \"a b\"" },
	{ "vpc-id = \"a\\\"b\"", "vpc-id = \"a\\\"b\"" },
	{ "vpc-id = \"and\"", "vpc-id = \"and\"" },
	{ "/re/i", "/re/i" },
	{ "region ~ /a\\/b/", "region ~ /a\\/b/" },
	{ "REJECT AND TCP", "reject and tcp" },
	{ "dstport = -", "dstport = -" },
	{ "account-id = 000000000001", "account-id = 000000000001" },
	{ "a or b", NULL },
	{ "reject or accept or tcp", "reject or accept or tcp" },
	{ "not not reject", "not not reject" },
	{ "(a)", NULL },
};

/* The canonical printer. */
static void
test_canonical(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof canon / sizeof canon[0]; i++) {
		char buf[256];
		struct filter *f = filter_parse(canon[i].in, NULL);

		if (canon[i].out == NULL) {
			assert_null(f);
			continue;
		}
		if (f == NULL)
			fail_msg("'%s' does not parse", canon[i].in);
		filter_to_string(f, buf, sizeof buf);
		assert_string_equal(buf, canon[i].out);
		filter_free(f);
	}
}

/* filter_to_string with a small buffer cuts and says what it needs. */
static void
test_canonical_small(void **state)
{
	char buf[8];
	struct filter *f = filter_parse("reject and dstport = 22", NULL);

	(void)state;
	assert_non_null(f);
	assert_int_equal(filter_to_string(f, buf, sizeof buf), 23);
	assert_string_equal(buf, "reject ");
	assert_int_equal(filter_to_string(f, NULL, 0), 23);
	filter_free(f);
}

/* ---- errors ---- */

static const struct {
	const char *expr;
	const char *msg;
	int col;
} errors[] = {
	{ "", "empty filter: expected an expression", 0 },
	{ "   ", "empty filter: expected an expression", 0 },
	{ "(reject", "expected ')' to close '(' at column 1, found end of "
	    "filter", 7 },
	{ "((reject)", "expected ')' to close '(' at column 1, found end of "
	    "filter", 9 },
	{ "reject)", "unexpected ')' with no '(' to close", 6 },
	{ ")", "unexpected ')' with no '(' to close", 0 },
	{ "()", "expected a field name, shorthand, /regex/, 'not' or '(', "
	    "found ')'", 1 },
	{ "dstprot = 22", "unknown field or word 'dstprot' (did you mean "
	    "dstport?)", 0 },
	{ "reject and rejekt", "unknown field or word 'rejekt' (did you mean "
	    "reject?)", 11 },
	{ "zzzzzzzz = 1", "expected a field name, shorthand or /regex/, found "
	    "'zzzzzzzz'", 0 },
	{ "10.0.0.1", "expected a field before the address '10.0.0.1' (for "
	    "example addr = 10.0.0.1)", 0 },
	{ "srcport = 10.0.0.1", "expected a port number (0-65535) for "
	    "srcport, found '10.0.0.1'", 10 },
	{ "srcport = 70000", "'70000' is out of range for srcport (at most "
	    "65535)", 10 },
	{ "protocol = 256", "'256' is out of range for protocol (at most 255)",
	    11 },
	{ "dstport = -1", "expected a port number (0-65535) for dstport, "
	    "found '-1'", 10 },
	{ "srcaddr = 10.0.0.0/33", "bad CIDR '10.0.0.0/33': prefix length "
	    "must be 0-32", 10 },
	{ "srcaddr = 2001:db8::/129", "bad CIDR '2001:db8::/129': prefix "
	    "length must be 0-128", 10 },
	{ "srcaddr = 10.0.0.0/", "bad CIDR '10.0.0.0/': prefix length must "
	    "be 0-32", 10 },
	{ "srcaddr = 10.0.0.0/x", "bad CIDR '10.0.0.0/x': prefix length is "
	    "not a number", 10 },
	{ "srcaddr = 10.0.0.300", "expected an IPv4 or IPv6 address or CIDR "
	    "for srcaddr, found '10.0.0.300'", 10 },
	{ "addr = 10.0.0.300/8", "expected an IPv4 or IPv6 address or CIDR "
	    "for addr, found '10.0.0.300/8'", 7 },
	{ "srcaddr < 10.0.0.1", "srcaddr values are compared with = != in or "
	    "~, not with '<'", 8 },
	{ "vpc-id >= x", "vpc-id values are compared with = != in or ~, not "
	    "with '>='", 7 },
	{ "action > ACCEPT", "action values are compared with = != in or ~, "
	    "not with '>'", 7 },
	{ "/(a/", "bad regex: missing closing parenthesis", 3 },
	{ "region ~ /[a/", "bad regex: missing terminating ] for character "
	    "class", 12 },
	{ "srcaddr ~ 10", "expected a /regex/ after '~', found '10'", 10 },
	{ "/abc", "expected '/' to close the regex, found end of filter", 0 },
	{ "/x/q", "unknown regex flag 'q' (only i is known)", 3 },
	{ "dstport", "expected an operator (= != < <= > >= in ~ has) after "
	    "'dstport', found end of filter", 7 },
	{ "dstport 22", "expected an operator (= != < <= > >= in ~ has) after "
	    "'dstport', found '22'", 8 },
	{ "dstport = ", "expected a port number (0-65535) for dstport, found "
	    "end of filter", 10 },
	{ "reject and", "expected a field name, shorthand, /regex/, 'not' or "
	    "'(', found end of filter", 10 },
	{ "reject or or accept", "expected a field name, shorthand, /regex/, "
	    "'not' or '(', found 'or'", 10 },
	{ "not", "expected a field name, shorthand, /regex/, 'not' or '(', "
	    "found end of filter", 3 },
	{ "action = MAYBE", "expected one of ACCEPT, REJECT for action, found "
	    "'MAYBE'", 9 },
	{ "flags has XYZ", "expected tcp-flags as a number or names (SYN, "
	    "SYN-ACK, FIN, RST) for tcp-flags, found 'XYZ'", 10 },
	{ "dstport has SYN", "'has' tests tcp-flags (flags has SYN), not "
	    "dstport", 8 },
	{ "flags has -", "expected flag names after 'has', found '-'", 10 },
	{ "start > yesterday", "expected a time (Unix seconds, "
	    "2024-05-01T12:00Z or -15m) for start, found 'yesterday'", 8 },
	{ "start > 2024-13-01", "expected a time (Unix seconds, "
	    "2024-05-01T12:00Z or -15m) for start, found '2024-13-01'", 8 },
	{ "start > 2023-02-29", "expected a time (Unix seconds, "
	    "2024-05-01T12:00Z or -15m) for start, found '2023-02-29'", 8 },
	{ "end > -15x", "expected a time (Unix seconds, 2024-05-01T12:00Z or "
	    "-15m) for end, found '-15x'", 6 },
	{ "bytes > 1.5", "expected a number (suffixes k M G, Ki Mi Gi) for "
	    "bytes, found '1.5'", 8 },
	{ "bytes > 10m", "expected a number (suffixes k M G, Ki Mi Gi) for "
	    "bytes, found '10m'", 8 },
	{ "bytes > 1.0001k", "expected a number (suffixes k M G, Ki Mi Gi) "
	    "for bytes, found '1.0001k'", 8 },
	{ "bytes > 99999999999999999999", "expected a number (suffixes k M G, "
	    "Ki Mi Gi) for bytes, found '99999999999999999999'", 8 },
	{ "bytes > -", "'-' (absent) is compared with = or != only", 8 },
	{ "dstport in [22, 80", "expected ',' or ']' in the list, found end "
	    "of filter", 18 },
	{ "dstport in [22 80]", "expected ',' or ']' in the list, found '80'",
	    15 },
	{ "dstport in []", "expected a port number (0-65535) in the list, "
	    "found ']'", 12 },
	{ "dstport in 22", "expected '[' after 'in', found '22'", 11 },
	{ "dstport in [22, -]", "'-' (absent) cannot be in a list: use "
	    "dstport = -", 16 },
	{ "srcaddr = \"10.0.0.1", "expected '\"' to close the string, found "
	    "end of filter", 10 },
	{ "reject & tcp", "expected '&&', found '&'", 7 },
	{ "reject | tcp", "expected '||', found '|'", 7 },
	{ "reject tcp )", "unexpected ')' with no '(' to close", 11 },
	{ "reject = 1", "expected 'and', 'or' or end of filter, found '='", 7 },
};

/* Each bad expression gives its message and column. */
static void
test_errors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof errors / sizeof errors[0]; i++) {
		struct filter_error err;
		struct filter *f = filter_parse(errors[i].expr, &err);

		if (f != NULL)
			fail_msg("'%s' parsed", errors[i].expr);
		if (strcmp(err.msg, errors[i].msg) != 0 ||
		    err.col != errors[i].col)
			fail_msg("'%s': got \"%s\" at %d, want \"%s\" at %d",
			    errors[i].expr, err.msg, err.col, errors[i].msg,
			    errors[i].col);
	}
}

/* Deep nesting is refused, not a stack overflow; NULL err is fine. */
static void
test_deep(void **state)
{
	char buf[4096];
	struct filter_error err;
	size_t i;

	(void)state;
	for (i = 0; i < 1000; i++)
		buf[i] = '(';
	strcpy(buf + 1000, "reject");
	assert_null(filter_parse(buf, &err));
	assert_string_equal(err.msg, "filter nested too deeply");
	assert_int_equal(err.col, 200);
	for (i = 0; i < 1000; i++)
		buf[i] = '!';
	assert_null(filter_parse(buf, NULL));
	/* 100 levels are fine */
	for (i = 0; i < 100; i++)
		buf[i] = '(';
	strcpy(buf + 100, "reject");
	for (i = 0; i < 100; i++)
		buf[106 + i] = ')';
	buf[206] = '\0';
	{
		struct filter *f = filter_parse(buf, &err);

		assert_non_null(f);
		assert_int_equal(filter_match_flow(f, &recs[0]), 1);
		filter_free(f);
	}
}

/* ---- regex limits ---- */

/* A catastrophic regex is counted as too expensive, not as no match. */
static void
test_expensive(void **state)
{
	struct filter *f = filter_parse("region ~ /^(\\w+\\s?)*$/", NULL);
	struct flow fl;
	char line[400];

	(void)state;
	assert_non_null(f);
	snprintf(line, sizeof line, "5 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 "
	    "2 ACCEPT OK vpc-1 subnet-1 i-1 - IPv4 - - "
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa! "
	    "az - - - - - -");
	parse_or_fail(&fmt_v5, line, &fl);
	assert_int_equal(filter_match_flow(f, &fl), 0);
	assert_int_equal(filter_expensive(f), 1);
	filter_free(f);
}

/* ---- binding ---- */

/* A filter bound before its symbols exist in the store matches the
 * records that bring them later; unbinding releases the pins. */
static void
test_bind_first(void **state)
{
	struct store *s = store_new(4);
	struct filter *f = filter_parse("vpc-id = vpc-0def and srcaddr = "
	    "2001:db8::5", NULL);
	char err[200];
	uint64_t q;
	int i;

	(void)state;
	assert_non_null(s);
	assert_non_null(f);
	assert_int_equal(filter_bind(f, s), 0);
	for (i = 0; i < NREC; i++) {
		q = store_append(s, &recs[i]);
		assert_true(q != STORE_NONE);
		assert_int_equal(filter_match_rec(f, s, store_rec_at(s, q)),
		    i == 2);
	}
	assert_int_equal(store_verify(s, err, sizeof err), 0);
	/* rebinding to the same store does not leak pins */
	assert_int_equal(filter_bind(f, s), 0);
	filter_unbind(f);
	assert_int_equal(store_verify(s, err, sizeof err), 0);
	filter_free(f);
	store_free(s);
}

/* Relative times follow the store's watermark at bind time. */
static void
test_bind_watermark(void **state)
{
	struct filter *f = filter_parse("end > -15m", NULL);

	(void)state;
	assert_non_null(f);
	assert_int_equal(filter_has_relative(f), 1);
	assert_int_equal(filter_bind(f, store), 0);
	assert_int_equal(filter_count(f, store), 2);
	filter_free(f);
	f = filter_parse("reject", NULL);
	assert_int_equal(filter_has_relative(f), 0);
	filter_free(f);
}

/* ---- filtered views stay current ---- */

/* Random records for the view and differential tests. */
struct rnd {
	uint64_t s;
};

/* Next pseudo-random number (xorshift64*). */
static uint64_t
rnd_next(struct rnd *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545F4914F6CDD1DULL;
}

/* A number below n. */
static unsigned
rnd_below(struct rnd *r, unsigned n)
{
	return (unsigned)(rnd_next(r) % n);
}

static const char *const pool_addr[] = { "10.0.0.1", "10.0.0.2",
    "10.1.2.3", "192.0.2.7", "198.51.100.1", "2001:db8::1", "2001:db8::2",
    "::1", "0.0.0.0", "255.255.255.255" };
static const char *const pool_eni[] = { "eni-1", "eni-2", "eni-3" };
static const char *const pool_vpc[] = { "vpc-a", "vpc-b" };
static const unsigned pool_port[] = { 0, 22, 53, 443, 3389, 65535 };

/* Write a random v5 record line into buf. */
static void
random_line(struct rnd *r, char *buf, size_t size)
{
	char sport[8], dport[8], flags[8];
	int nod = rnd_below(r, 20) == 0;

	snprintf(sport, sizeof sport, "%u", pool_port[rnd_below(r, 6)]);
	snprintf(dport, sizeof dport, "%u", pool_port[rnd_below(r, 6)]);
	snprintf(flags, sizeof flags, "%u", rnd_below(r, 4) == 0 ? 18 :
	    rnd_below(r, 8));
	if (nod) {
		snprintf(buf, size, "5 1 %s - - - - - - - %u %u - NODATA %s "
		    "subnet-1 - - - - - r a - - - - - -",
		    pool_eni[rnd_below(r, 3)], 1000 + rnd_below(r, 100),
		    1100 + rnd_below(r, 100), pool_vpc[rnd_below(r, 2)]);
		return;
	}
	snprintf(buf, size, "5 1 %s %s %s %s %s %u %u %u %u %u %s OK %s "
	    "subnet-1 - %s IPv4 - - r a - - - - %s -",
	    pool_eni[rnd_below(r, 3)], pool_addr[rnd_below(r, 10)],
	    pool_addr[rnd_below(r, 10)],
	    rnd_below(r, 10) == 0 ? "-" : sport, dport,
	    rnd_below(r, 3) == 0 ? 17u : 6u, 1 + rnd_below(r, 100),
	    rnd_below(r, 5000), 1000 + rnd_below(r, 100),
	    1100 + rnd_below(r, 100), rnd_below(r, 2) ? "ACCEPT" : "REJECT",
	    rnd_below(r, 5) == 0 ? "-" : pool_vpc[rnd_below(r, 2)],
	    rnd_below(r, 3) == 0 ? "-" : flags,
	    rnd_below(r, 2) ? "ingress" : "egress");
}

/* A filtered group view and tree kept open while records come and go
 * agree with a recount of the ring at every step. */
static void
test_filtered_view(void **state)
{
	static const char *const exprs[] = {
		"reject", "dstport = 22 or addr = 2001:db8::/32",
		"not vpc-id = vpc-a and bytes > 1k", "/REJECT.*vpc-b/",
	};
	struct rnd r = { 42 };
	size_t e;

	(void)state;
	for (e = 0; e < sizeof exprs / sizeof exprs[0]; e++) {
		struct store *s = store_new(50);
		struct filter *f = filter_parse(exprs[e], NULL);
		struct view_opts vo;
		struct view *v, *tree;
		int i;

		assert_non_null(s);
		assert_non_null(f);
		assert_int_equal(filter_bind(f, s), 0);
		memset(&vo, 0, sizeof vo);
		vo.match = filter_match_rec;
		vo.match_ctx = f;
		v = view_group_new(s, F_DSTPORT, -1, &vo);
		assert_non_null(v);
		tree = view_tree_new(s, &vo);
		assert_non_null(tree);
		for (i = 0; i < 400; i++) {
			char line[512];
			struct flow fl;
			struct store_totals t;

			random_line(&r, line, sizeof line);
			parse_or_fail(&fmt_v5, line, &fl);
			assert_true(store_append(s, &fl) != STORE_NONE);
			if (i % 17 != 0)
				continue;
			view_totals(v, &t);
			assert_int_equal(t.records, filter_count(f, s));
			/* the tree's accounts (every record has account 1) */
			{
				struct view_node kids[4];
				size_t nk, k, got;
				uint64_t sum = 0;

				got = view_tree_children(tree, NULL, 0,
				    STORE_BY_FLOWS, kids, 4, &nk);
				for (k = 0; k < got; k++)
					sum += kids[k].t.records;
				assert_true(got <= 1);
				assert_int_equal(sum, t.records);
			}
		}
		view_free(tree);
		view_free(v);
		filter_free(f);
		store_free(s);
	}
}

/* ---- differential test ---- */

/* A reference expression: a tree evaluated the obvious way. */
enum { RN_AND, RN_OR, RN_NOT, RN_NUM, RN_ADDR, RN_SYM, RN_ABSENT, RN_ACT };

struct rnode {
	int kind;
	struct rnode *l, *r;
	int field, op;		/* op: 0 = 1 != 2 < 3 <= 4 > 5 >= */
	uint64_t num;
	struct flow_addr net;	/* RN_ADDR */
	int plen;		/* RN_ADDR, in IPv6 terms */
	const char *sym;	/* RN_SYM */
	char text[96];
};

/* Compare by op as the reference sees it. */
static int
ref_cmp(int op, uint64_t a, uint64_t b)
{
	switch (op) {
	case 0: return a == b;
	case 1: return a != b;
	case 2: return a < b;
	case 3: return a <= b;
	case 4: return a > b;
	default: return a >= b;
	}
}

/* Tell whether an address lies in net/plen. */
static int
ref_in(const struct flow_addr *a, const struct flow_addr *net, int plen)
{
	int i;

	for (i = 0; i < 16; i++) {
		int bits = plen - 8 * i;
		unsigned m = bits >= 8 ? 0xff : bits <= 0 ? 0 :
		    (0xff << (8 - bits)) & 0xff;

		if ((a->b[i] & m) != (net->b[i] & m))
			return 0;
	}
	return 1;
}

/* Evaluate a reference tree over a record. */
static int
ref_eval(const struct rnode *n, const struct flow *f)
{
	switch (n->kind) {
	case RN_AND:
		return ref_eval(n->l, f) && ref_eval(n->r, f);
	case RN_OR:
		return ref_eval(n->l, f) || ref_eval(n->r, f);
	case RN_NOT:
		return !ref_eval(n->l, f);
	case RN_NUM:
		return flow_has(f, n->field) &&
		    ref_cmp(n->op, f->v[n->field].u, n->num);
	case RN_ADDR:
		if (!flow_has(f, n->field))
			return 0;
		return n->op == 0 ? ref_in(&f->v[n->field].a, &n->net, n->plen) :
		    !ref_in(&f->v[n->field].a, &n->net, n->plen);
	case RN_SYM:
		if (!flow_has(f, n->field))
			return 0;
		return (f->v[n->field].s.len == strlen(n->sym) &&
		    memcmp(f->v[n->field].s.p, n->sym, strlen(n->sym)) == 0) ==
		    (n->op == 0);
	case RN_ABSENT:
		return flow_has(f, n->field) == (n->op == 1);
	default:
		return flow_has(f, F_ACTION) && f->v[F_ACTION].u == n->num;
	}
}

static struct rnode rpool[4096];
static size_t nrpool;

/* Build a random reference tree of at most depth levels. */
static struct rnode *
ref_random(struct rnd *r, int depth)
{
	static const char *const ops[] = { "=", "!=", "<", "<=", ">", ">=" };
	static const int numf[] = { F_SRCPORT, F_DSTPORT, F_PROTOCOL,
	    F_PACKETS, F_BYTES, F_START, F_END, F_TCP_FLAGS };
	struct rnode *n = &rpool[nrpool++];
	unsigned k = depth > 0 ? rnd_below(r, 9) : 3 + rnd_below(r, 6);

	memset(n, 0, sizeof *n);
	switch (k) {
	case 0:
	case 1:
		n->kind = k == 0 ? RN_AND : RN_OR;
		n->l = ref_random(r, depth - 1);
		n->r = ref_random(r, depth - 1);
		break;
	case 2:
		n->kind = RN_NOT;
		n->l = ref_random(r, depth - 1);
		break;
	case 3:
	case 4: {
		static const uint64_t vals[] = { 0, 1, 6, 17, 18, 22, 53, 443,
		    1050, 1100, 1150, 2500, 65535 };

		n->kind = RN_NUM;
		n->field = numf[rnd_below(r, 8)];
		n->op = (int)rnd_below(r, 6);
		n->num = vals[rnd_below(r, n->field == F_PROTOCOL ||
		    n->field == F_TCP_FLAGS ? 7 : 13)];
		snprintf(n->text, sizeof n->text, "%s %s %llu",
		    field_name(n->field), ops[n->op],
		    (unsigned long long)n->num);
		break;
	}
	case 5: {
		static const char *const nets[] = { "10.0.0.0/8", "10.0.0.1",
		    "0.0.0.0/0", "::/0", "2001:db8::/32", "::1/128",
		    "192.0.2.0/24", "10.0.0.2/31", "255.255.255.255/32",
		    "0.0.0.0" };
		const char *t = nets[rnd_below(r, 10)];
		const char *slash = strchr(t, '/');
		size_t alen = slash ? (size_t)(slash - t) : strlen(t);
		int v4;

		n->kind = RN_ADDR;
		n->field = rnd_below(r, 2) ? F_SRCADDR : F_DSTADDR;
		n->op = (int)rnd_below(r, 2);
		assert_int_equal(flow_addr_parse(t, alen, &n->net), 0);
		v4 = strchr(t, ':') == NULL;
		n->plen = slash ? atoi(slash + 1) + (v4 ? 96 : 0) : 128;
		snprintf(n->text, sizeof n->text, "%s %s %s",
		    field_name(n->field), ops[n->op], t);
		break;
	}
	case 6:
		n->kind = RN_SYM;
		n->field = rnd_below(r, 2) ? F_INTERFACE_ID : F_VPC_ID;
		n->op = (int)rnd_below(r, 2);
		n->sym = n->field == F_VPC_ID ? pool_vpc[rnd_below(r, 2)] :
		    pool_eni[rnd_below(r, 3)];
		snprintf(n->text, sizeof n->text, "%s %s %s",
		    field_name(n->field), ops[n->op], n->sym);
		break;
	case 7: {
		static const int af[] = { F_SRCPORT, F_VPC_ID, F_ACTION,
		    F_TCP_FLAGS, F_SRCADDR };

		n->kind = RN_ABSENT;
		n->field = af[rnd_below(r, 5)];
		n->op = (int)rnd_below(r, 2);
		snprintf(n->text, sizeof n->text, "%s %s -",
		    field_name(n->field), ops[n->op]);
		break;
	}
	default:
		n->kind = RN_ACT;
		n->num = rnd_below(r, 2) ? ACTION_ACCEPT : ACTION_REJECT;
		snprintf(n->text, sizeof n->text, "%s",
		    n->num == ACTION_ACCEPT ? "accept" : "reject");
		break;
	}
	return n;
}

/* Write a reference tree as filter text, fully parenthesised, with a
 * random spelling of the connectives. */
static void
ref_text(struct rnd *r, const struct rnode *n, char *buf, size_t size,
    size_t *len)
{
	static const char *const ands[] = { " and ", " && ", " ", " AND " };
	static const char *const ors[] = { " or ", " || ", " OR " };

#define PUT(s) do { \
	const char *s_ = (s); \
	size_t l_ = strlen(s_); \
	assert_true(*len + l_ < size); \
	memcpy(buf + *len, s_, l_ + 1); \
	*len += l_; \
} while (0)
	switch (n->kind) {
	case RN_AND:
	case RN_OR:
		PUT("(");
		ref_text(r, n->l, buf, size, len);
		PUT(n->kind == RN_AND ? ands[rnd_below(r, 4)] :
		    ors[rnd_below(r, 3)]);
		ref_text(r, n->r, buf, size, len);
		PUT(")");
		break;
	case RN_NOT:
		PUT(rnd_below(r, 2) ? "not (" : "!(");
		ref_text(r, n->l, buf, size, len);
		PUT(")");
		break;
	default:
		PUT(n->text);
		break;
	}
#undef PUT
}

/* Random expressions over random records: the compiled filter (on the
 * flow and on the store record) agrees with the reference, and so does
 * the canonical form of the expression. */
static void
test_differential(void **state)
{
	static char lines[200][512];
	static struct flow fl[200];
	struct rnd r = { 7 };
	struct store *s = store_new(256);
	uint64_t sq[200];
	unsigned matches = 0, total = 0;
	int i, e;

	(void)state;
	assert_non_null(s);
	for (i = 0; i < 200; i++) {
		random_line(&r, lines[i], sizeof lines[i]);
		parse_or_fail(&fmt_v5, lines[i], &fl[i]);
		sq[i] = store_append(s, &fl[i]);
	}
	for (e = 0; e < 3000; e++) {
		char text[8192], ctext[8192];
		size_t len = 0;
		struct rnode *root;
		struct filter *f, *g;
		struct filter_error err;

		nrpool = 0;
		root = ref_random(&r, (int)rnd_below(&r, 5));
		text[0] = '\0';
		ref_text(&r, root, text, sizeof text, &len);
		f = filter_parse(text, &err);
		if (f == NULL)
			fail_msg("'%s': %s at %d", text, err.msg, err.col);
		filter_to_string(f, ctext, sizeof ctext);
		g = filter_parse(ctext, &err);
		if (g == NULL)
			fail_msg("canonical '%s': %s at %d", ctext, err.msg,
			    err.col);
		assert_int_equal(filter_bind(f, s), 0);
		for (i = 0; i < 200; i++) {
			int want = ref_eval(root, &fl[i]);
			int a = filter_match_flow(f, &fl[i]);
			int b = filter_match_rec(f, s, store_rec_at(s, sq[i]));
			int c = filter_match_flow(g, &fl[i]);

			if (a != want || b != want || c != want)
				fail_msg("'%s' on '%s': want %d, flow %d, "
				    "store %d, canonical %d ('%s')", text,
				    lines[i], want, a, b, c, ctext);
			matches += (unsigned)want;
			total++;
		}
		filter_free(f);
		filter_free(g);
	}
	/* the random cases are neither all true nor all false */
	assert_true(matches > total / 10 && matches < total * 9 / 10);
	store_free(s);
}

/* A bare regex sees the same text for a store record as for the record
 * it was made from: every generated record, in several formats, must
 * match the regex that quotes its own flow-log line exactly. */
static void
test_line_text(void **state)
{
	static const int versions[] = { 2, 3, 5, 8, 11, -1 };
	size_t vi;

	(void)state;
	for (vi = 0; vi < sizeof versions / sizeof versions[0]; vi++) {
		struct format fmt;
		struct store *s = store_new(600);
		struct gen *g = gen_new(11 + vi, 1767225600);
		int i;

		assert_non_null(s);
		assert_non_null(g);
		if (versions[vi] > 0)
			format_version(&fmt, versions[vi]);
		else
			format_tgw(&fmt);
		for (i = 0; i < 500; i++) {
			struct flow fl;
			char pat[8192], v[FLOW_VALUE_MAX];
			size_t off = 0;
			int k;
			uint64_t q;
			struct filter *f;
			struct filter_error err;

			gen_next(g, &fl);
			fl.fmt = &fmt;
			fl.v[F_VERSION].u = fmt.version;
			q = store_append(s, &fl);
			assert_true(q != STORE_NONE);
			pat[off++] = '^';
			for (k = 0; k < fmt.n; k++) {
				size_t vl = flow_value_text(&fl, fmt.field[k], v,
				    sizeof v), j;

				assert_true(off + 2 * vl + 8 < sizeof pat);
				if (k)
					pat[off++] = ' ';
				/* every other byte quoted: \/ \. \: ... */
				for (j = 0; j < vl; j++) {
					if (!isalnum((unsigned char)v[j]))
						pat[off++] = '\\';
					pat[off++] = v[j];
				}
			}
			snprintf(pat + off, sizeof pat - off, "$");
			{
				char expr[8300];

				snprintf(expr, sizeof expr, "/%s/", pat);
				f = filter_parse(expr, &err);
				if (f == NULL)
					fail_msg("%s: %s", expr, err.msg);
			}
			assert_int_equal(filter_match_flow(f, &fl), 1);
			assert_int_equal(filter_bind(f, s), 0);
			if (!filter_match_rec(f, s, store_rec_at(s, q)))
				fail_msg("store text differs from '%s'", pat);
			filter_free(f);
		}
		gen_free(g);
		store_free(s);
	}
	/* and the hand-made records, as parsed */
	{
		int i;

		for (i = 0; i < NREC; i++) {
			char expr[1024];
			size_t off = 0, j, len = strlen(rec_text[i]);
			struct filter *f;
			int sp = 0;

			expr[off++] = '/';
			expr[off++] = '^';
			for (j = 0; j < len; j++) {
				/* runs of spaces become one, as printed */
				if (rec_text[i][j] == ' ') {
					if (sp++)
						continue;
				} else
					sp = 0;
				if (!isalnum((unsigned char)rec_text[i][j]))
					expr[off++] = '\\';
				expr[off++] = rec_text[i][j];
			}
			expr[off++] = '$';
			expr[off++] = '/';
			expr[off] = '\0';
			f = filter_parse(expr, NULL);
			assert_non_null(f);
			assert_int_equal(filter_match_flow(f, &recs[i]), 1);
			assert_int_equal(filter_bind(f, store), 0);
			if (!filter_match_rec(f, store, store_rec_at(store,
			    seqs[i])))
				fail_msg("store line of record %d differs", i);
			filter_free(f);
		}
	}
}

/* Caches keyed by intern ids (line templates by context, detail texts,
 * symbol regex results) stay right while a small ring recycles those ids
 * for other values under a filter bound all along. */
static void
test_recycled_ids(void **state)
{
	static const char *const svc[] = { "S3", "DYNAMODB", "EC2", "ROUTE53",
	    "AMAZON", "CLOUDFRONT", "-" };
	static const char *const exprs[] = { "/ S3 /", "/eni-[13] /",
	    "interface-id ~ /[24]$/", "pkt-dst-aws-service ~ /^D/",
	    "/EC2 ingress/" };
	size_t e;

	(void)state;
	for (e = 0; e < sizeof exprs / sizeof exprs[0]; e++) {
		struct store *s = store_new(3);
		struct filter *f = filter_parse(exprs[e], NULL);
		unsigned hits = 0;
		int i;

		assert_non_null(s);
		assert_non_null(f);
		assert_int_equal(filter_bind(f, s), 0);
		for (i = 0; i < 300; i++) {
			char line[512];
			struct flow fl;
			uint64_t q;

			snprintf(line, sizeof line, "5 1 eni-%d 10.0.0.%d 10.0.1.1 "
			    "1 2 6 1 1 1 2 ACCEPT OK vpc-%d subnet-1 - - IPv4 "
			    "10.9.9.%d 10.0.1.1 r a - - - %s %s -", i % 5,
			    i % 7, i % 3, i % 11, svc[i % 7],
			    i % 2 ? "ingress" : "egress");
			parse_or_fail(&fmt_v5, line, &fl);
			assert_true(store_append(s, &fl) != STORE_NONE);
			for (q = store_first(s); q < store_next(s); q++) {
				struct flow got;
				int a, b;

				assert_int_equal(store_get(s, q, &got), 0);
				a = filter_match_flow(f, &got);
				b = filter_match_rec(f, s, store_rec_at(s, q));
				if (a != b)
					fail_msg("'%s' at %d seq %llu: flow %d "
					    "store %d", exprs[e], i,
					    (unsigned long long)q, a, b);
				hits += (unsigned)b;
			}
		}
		assert_true(hits > 0);
		filter_free(f);
		store_free(s);
	}
}

/* Plain-text bare regexes (matched field by field on the store, without
 * the line) agree with PCRE2 on the flow's line: pieces of random lines,
 * cut anywhere, one to three tokens, either case, with escapes. */
static void
test_plain_text(void **state)
{
	static char lines[60][512];
	static struct flow fl[60];
	struct rnd r = { 99 };
	struct store *s = store_new(64);
	uint64_t sq[60];
	unsigned hits = 0;
	int i, e;

	(void)state;
	assert_non_null(s);
	for (i = 0; i < 60; i++) {
		random_line(&r, lines[i], sizeof lines[i]);
		parse_or_fail(&fmt_v5, lines[i], &fl[i]);
		sq[i] = store_append(s, &fl[i]);
	}
	for (e = 0; e < 3000; e++) {
		char text[600], expr[1400], piece[600];
		size_t len, a, b, k, o = 0;
		struct filter *f;
		const char *src = lines[rnd_below(&r, 60)];
		int caseless = rnd_below(&r, 4) == 0;

		/* the record's printed line: runs of spaces are one */
		for (k = 0, len = 0; src[k]; k++)
			if (src[k] != ' ' || (len && text[len - 1] != ' '))
				text[len++] = src[k];
		text[len] = '\0';
		a = rnd_below(&r, (unsigned)len);
		b = a + 1 + rnd_below(&r, 30);
		if (b > len)
			b = len;
		memcpy(piece, text + a, b - a);
		piece[b - a] = '\0';
		if (rnd_below(&r, 8) == 0)	/* sometimes not in any line */
			piece[0] = piece[0] == 'Z' ? 'Y' : 'Z';
		expr[o++] = '/';
		for (k = 0; piece[k]; k++) {
			char c = piece[k];

			if (caseless && rnd_below(&r, 2))
				c = (char)(islower((unsigned char)c) ?
				    toupper((unsigned char)c) :
				    tolower((unsigned char)c));
			if (strchr("./\\+*?()[]{}|^$", c) != NULL)
				expr[o++] = '\\';
			expr[o++] = c;
		}
		expr[o++] = '/';
		if (caseless)
			expr[o++] = 'i';
		expr[o] = '\0';
		f = filter_parse(expr, NULL);
		if (f == NULL)
			fail_msg("'%s' does not parse", expr);
		assert_int_equal(filter_bind(f, s), 0);
		for (i = 0; i < 60; i++) {
			int want = filter_match_flow(f, &fl[i]);
			int got = filter_match_rec(f, s, store_rec_at(s, sq[i]));

			if (want != got)
				fail_msg("%s on '%s': flow %d store %d", expr,
				    lines[i], want, got);
			hits += (unsigned)got;
		}
		filter_free(f);
	}
	assert_true(hits > 3000);
	store_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_canonical_small),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_deep),
		cmocka_unit_test(test_expensive),
		cmocka_unit_test(test_bind_first),
		cmocka_unit_test(test_bind_watermark),
		cmocka_unit_test(test_filtered_view),
		cmocka_unit_test(test_differential),
		cmocka_unit_test(test_line_text),
		cmocka_unit_test(test_recycled_ids),
		cmocka_unit_test(test_plain_text),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
