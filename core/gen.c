/*
 * gen.c - realistic synthetic flow records, for tests, benchmarks and demos.
 *
 * Design notes.
 *
 * Determinism.  Everything comes from one xoshiro256** stream seeded with
 * splitmix64(seed): first the estate is built, then records are drawn.  No
 * floating point is used anywhere (Zipf weights are integer divisions, the
 * log-normal sizes use an integer Irwin-Hall sum and a fixed 2^(i/64) table),
 * so a seed and a start time give the same records on every machine.
 * Never put two random draws in the arguments of one call or the operands
 * of one operator: C leaves their order unspecified and gcc and clang
 * differ (test_gen pins a hash of seed 1's first 1000 records).
 *
 * The estate (built once by gen_new).  3-4 accounts (account 1 has a
 * leading zero); account 0 is the network account and owns one hub VPC in
 * us-east-1 and one in eu-west-1, the others own 1-3 workload VPCs each.
 * Every VPC has 2-3 AZs and per AZ a public, an app, a data and a transit
 * gateway subnet (/20s of a 10.x.0.0/16, one VPC is a default-style
 * 172.31.0.0/16), plus a dual-stack /56 under 2600:1f18 (us-east-1) or
 * 2a05:d018 (eu-west-1).  Per AZ there is a NAT gateway, an NLB, a transit
 * gateway attachment and an interface endpoint ENI (all requester-managed:
 * no instance id); then workload ENIs (web, api, workers, databases,
 * caches, ECS tasks, ...) fill the VPC up to 300-600 ENIs in all.  One
 * us-east-1 VPC has a Local Zone subnet, one eu-west-1 VPC an Outpost
 * subnet, and the us-east-1 hub a regional NAT gateway (records with
 * interface-id "-" and resource-id nat-...).  Every id string is rendered
 * once into an arena at gen_new; records only point into it, so symbols
 * stay valid until gen_free and gen_next never allocates or formats.
 *
 * Talkers.  ENIs get Zipf (s = 1) weights by a shuffled rank (NAT, NLB and
 * database ENIs biased towards the top), 2048 external peers (documentation
 * and GeoIP test ranges, a few CDN ranges) and 512 AWS peers (S3, DYNAMODB,
 * EC2, AMAZON, CLOUDFRONT, ROUTE53_HEALTHCHECKS ranges, which set
 * pkt-src/dst-aws-service) have Zipf weights too.  Draws use integer Vose
 * alias tables (one random number, no search): one over all ENIs for the
 * capturing interface, one per VPC for its internal peers, one per pool.
 *
 * A record.  0.5% NODATA and 0.2% SKIPDATA (uniform over ENIs: identity and
 * times only).  Otherwise ingress or egress at even odds; one ingress in
 * ten is a rejected probe (a SYN from a scanner, 8% of those external ones
 * blocked by BPA: reject-reason BPA and no byte count).  The rest are a
 * conversation chosen by the ENI's role: servers answer external or
 * internal clients on their service ports, clients go to the internet,
 * AWS services, internal servers, other VPCs, on-premises (VGW) or send
 * DNS/NTP/ICMP.  NAT, transit gateway and regional NAT records show the
 * packet-level addresses behind the interface in pkt-srcaddr/pkt-dstaddr.
 * traffic-path and next-hop-* follow the route (same VPC 1 via the peer,
 * private subnet 1 via the NAT or NLB, public subnet 2 or 8, gateway
 * endpoint 2 or 7, peering 4/5, VGW 3).  About 3.5% of records are IPv6.
 * Protocols: about 92% TCP, 6% UDP (DNS, NTP, QUIC, statsd, syslog), 1.5%
 * ICMP (ICMPv6 on IPv6).  Packets are log-normal-ish (median ~10, p99 ~400;
 * 1 in 10000 egress records is an elephant of 10^4..10^7 packets, often
 * hundreds of MB, now and then several GB), bytes = packets x 40..1500.
 *
 * Time.  An internal clock advances 0.5 ms per record on average (about
 * 2000 records per simulated second); a record starts at the clock minus
 * its ENI's delivery lag (0-90 s) minus 0-60 s of jitter, so ENIs
 * interleave out of order by up to 150 s and no record starts more than
 * 150 s before the clock.  Spans are 1-60 s (0 for half the one-packet
 * records) and 12% of them 61-600 s.
 */
#include "gen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ACCT 4
#define MAX_VPC 12		/* 2 hubs + 3 accounts x 3 */
#define MAX_AZ 3
#define MAX_SUBNET (MAX_VPC * 16)
#define MAX_ENI 700
#define NNET 2048		/* external (non-AWS) peers */
#define NAWS 512		/* peers in AWS service ranges */
#define NONPREM 48		/* on-premises hosts behind the VGW */
#define ARENA_SIZE (1u << 20)
#define ZIPF_SCALE (1u << 24)

enum { REG_USE1, REG_EUW1, NREGION };
enum { SN_PUBLIC, SN_APP, SN_DATA, SN_TGW, SN_LOCAL };
enum { EP_ENI, EP_NET, EP_AWS, EP_V4 };

enum role {
	R_WEB, R_API, R_WORKER, R_BATCH, R_PG, R_MYSQL, R_REDIS, R_ES,
	R_MONGO, R_KAFKA, R_WINDOWS, R_ECS, R_BASTION, R_NAT, R_NLB, R_VPCE,
	R_TGW, R_RNAT, R_COUNT
};

/* What an ENI of a role does. */
struct role_info {
	const char *name;	/* tag stem */
	uint16_t port[4];	/* service ports, repeats weight them */
	uint8_t server;		/* % of its conversations where it serves */
	uint8_t external;	/* % of its clients from the internet */
	uint8_t data;		/* placed in a data subnet */
	uint8_t asg;		/* in an Auto Scaling group */
	uint8_t weight;		/* share among workload ENIs */
	int8_t mu;		/* extra log2 packets per flow, in 1/64 */
	uint8_t bias;		/* Zipf rank bias (divides the shuffle key) */
};

static const struct role_info roles[R_COUNT] = {
	[R_WEB] = { "web", { 443, 443, 443, 80 }, 70, 80, 0, 1, 20, 0, 1 },
	[R_API] = { "api", { 8080, 8080, 443, 8443 }, 60, 10, 0, 1, 16, 16, 1 },
	[R_WORKER] = { "worker", { 0 }, 0, 0, 0, 1, 14, 0, 1 },
	[R_BATCH] = { "batch", { 0 }, 0, 0, 0, 1, 5, 64, 1 },
	[R_PG] = { "postgres", { 5432 }, 90, 0, 1, 0, 4, 64, 2 },
	[R_MYSQL] = { "mysql", { 3306 }, 90, 0, 1, 0, 3, 64, 2 },
	[R_REDIS] = { "redis", { 6379 }, 95, 0, 1, 0, 4, 0, 2 },
	[R_ES] = { "search", { 9200, 9200, 9200, 9300 }, 85, 0, 1, 0, 3, 48, 2 },
	[R_MONGO] = { "mongo", { 27017 }, 90, 0, 1, 0, 2, 48, 1 },
	[R_KAFKA] = { "kafka", { 9092 }, 85, 0, 1, 0, 3, 96, 2 },
	[R_WINDOWS] = { "win", { 3389, 3389, 445, 443 }, 60, 40, 0, 0, 2, 0, 1 },
	[R_ECS] = { "task", { 8080, 8080, 3000, 443 }, 60, 0, 0, 0, 0, 0, 1 },
	[R_BASTION] = { "bastion", { 22 }, 80, 90, 0, 0, 0, -32, 1 },
	[R_NAT] = { "nat", { 0 }, 0, 0, 0, 0, 0, 64, 4 },
	[R_NLB] = { "nlb", { 443, 443, 80, 443 }, 50, 85, 0, 0, 0, 32, 3 },
	[R_VPCE] = { "vpce", { 443 }, 100, 0, 0, 0, 0, 0, 1 },
	[R_TGW] = { "tgw", { 0 }, 0, 0, 0, 0, 0, 32, 2 },
	[R_RNAT] = { "rnat", { 0 }, 0, 0, 0, 0, 0, 64, 3 },
};

/* A string literal as a flow_str. */
#define LIT(s) { s, (uint32_t)(sizeof s - 1) }

static const struct flow_str region_names[NREGION] = {
	LIT("us-east-1"), LIT("eu-west-1")
};
static const struct flow_str itype_interface = LIT("interface");
static const struct flow_str itype_nat = LIT("nat_gateway");
static const struct flow_str itype_nlb = LIT("network_load_balancer");
static const struct flow_str itype_vpce = LIT("vpc_endpoint");
static const struct flow_str itype_tgw = LIT("transit_gateway");
static const struct flow_str itype_rnat = LIT("regional_nat_gateway");
static const struct flow_str res_tgw = LIT("TransitGateway");
static const struct flow_str res_attach = LIT("TransitGatewayAttachment");
static const struct flow_str reason_bpa = LIT("BPA");

enum { SVC_S3, SVC_DYNAMODB, SVC_EC2, SVC_AMAZON, SVC_CLOUDFRONT,
	SVC_R53HC, NSVC };
static const struct flow_str svc_names[NSVC] = {
	LIT("S3"), LIT("DYNAMODB"), LIT("EC2"), LIT("AMAZON"),
	LIT("CLOUDFRONT"), LIT("ROUTE53_HEALTHCHECKS")
};

/* An IPv4 prefix peers are drawn from. */
struct prefix {
	uint32_t base;		/* network address */
	uint8_t len;		/* prefix length */
	uint8_t weight;
	int8_t svc;		/* AWS service, or -1 */
	uint8_t v6[4];		/* first 4 bytes of the peer's IPv6 address */
};

#define IP4(a, b, c, d) \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))

/* Internet peers: documentation ranges, GeoIP test ranges, CDNs. */
static const struct prefix net_prefixes[] = {
	{ IP4(198, 51, 100, 0), 24, 20, -1, { 0x20, 0x01, 0x0d, 0xb8 } },
	{ IP4(203, 0, 113, 0), 24, 20, -1, { 0x20, 0x01, 0x0d, 0xb8 } },
	{ IP4(192, 0, 2, 0), 24, 10, -1, { 0x20, 0x01, 0x0d, 0xb8 } },
	{ IP4(81, 2, 69, 0), 24, 8, -1, { 0x2a, 0x02, 0xcf, 0x40 } },
	{ IP4(89, 160, 20, 0), 24, 8, -1, { 0x2a, 0x02, 0xcf, 0x40 } },
	{ IP4(216, 160, 83, 0), 24, 8, -1, { 0x26, 0x00, 0x38, 0x0c } },
	{ IP4(175, 16, 199, 0), 24, 5, -1, { 0x24, 0x0e, 0x03, 0x44 } },
	{ IP4(2, 125, 160, 0), 24, 5, -1, { 0x2a, 0x02, 0xcf, 0x40 } },
	{ IP4(67, 43, 156, 0), 24, 3, -1, { 0x26, 0x00, 0x38, 0x0c } },
	{ IP4(151, 101, 0, 0), 16, 5, -1, { 0x2a, 0x04, 0x4e, 0x42 } },
	{ IP4(104, 16, 0, 0), 13, 5, -1, { 0x26, 0x06, 0x47, 0x00 } },
	{ IP4(140, 82, 112, 0), 20, 4, -1, { 0x20, 0x01, 0x0d, 0xb8 } },
	{ IP4(185, 199, 108, 0), 22, 3, -1, { 0x26, 0x06, 0x50, 0xc0 } },
};

/* Peers in AWS ranges, tagged with the ip-ranges.json service. */
static const struct prefix aws_prefixes[] = {
	{ IP4(52, 216, 0, 0), 15, 30, SVC_S3, { 0x26, 0x00, 0x1f, 0xa0 } },
	{ IP4(3, 5, 0, 0), 19, 10, SVC_S3, { 0x26, 0x00, 0x1f, 0xa0 } },
	{ IP4(52, 218, 0, 0), 17, 10, SVC_S3, { 0x2a, 0x05, 0xd0, 0x7a } },
	{ IP4(3, 218, 180, 0), 22, 15, SVC_DYNAMODB, { 0x26, 0x00, 0x1f, 0x18 } },
	{ IP4(52, 119, 240, 0), 21, 5, SVC_DYNAMODB, { 0x2a, 0x05, 0xd0, 0x18 } },
	{ IP4(54, 144, 0, 0), 14, 12, SVC_EC2, { 0x26, 0x00, 0x1f, 0x18 } },
	{ IP4(34, 240, 0, 0), 13, 5, SVC_EC2, { 0x2a, 0x05, 0xd0, 0x18 } },
	{ IP4(52, 94, 0, 0), 16, 8, SVC_AMAZON, { 0x26, 0x00, 0x1f, 0x00 } },
	{ IP4(15, 230, 0, 0), 16, 3, SVC_AMAZON, { 0x26, 0x00, 0x1f, 0x00 } },
	{ IP4(13, 32, 0, 0), 15, 6, SVC_CLOUDFRONT, { 0x26, 0x00, 0x90, 0x00 } },
	{ IP4(15, 177, 0, 0), 18, 2, SVC_R53HC, { 0x26, 0x00, 0x1f, 0x80 } },
};

/* Availability Zone ids per region. */
static const char *const az_ids[NREGION][6] = {
	{ "use1-az1", "use1-az2", "use1-az4", "use1-az5", "use1-az6", "use1-az3" },
	{ "euw1-az1", "euw1-az2", "euw1-az3", NULL, NULL, NULL },
};
static const int region_naz[NREGION] = { 6, 3 };

static const char *const envs[MAX_ACCT] = { "shared", "prod", "staging", "dev" };
static const char *const teams[] = {
	"payments", "platform", "data", "search", "identity", "checkout"
};
static const char *const ecs_services[] = {
	"checkout", "cart", "auth", "catalog", "notifier", "ingest"
};

/* Ports scanners knock on. */
static const uint16_t probe_ports[] = {
	22, 23, 80, 443, 445, 1433, 3306, 3389, 5432, 5900, 6379, 8080, 8443,
	9200, 27017, 2375, 25, 8081, 22, 3389
};
static const uint16_t probe_udp_ports[] = { 53, 123, 161, 1900, 5060, 11211 };
static const uint16_t udp_ports[] = { 8125, 514, 8125, 4789 };
static const uint16_t onprem_ports[] = { 443, 1521, 445, 389, 443, 8443 };

/* Q16 values of 2^(i/64), for integer log-normal sizes. */
static const uint32_t exp2_q16[64] = {
	65536, 66250, 66971, 67700, 68438, 69183, 69936, 70698, 71468, 72246,
	73032, 73828, 74632, 75444, 76266, 77096, 77936, 78785, 79642, 80510,
	81386, 82273, 83169, 84074, 84990, 85915, 86851, 87796, 88752, 89719,
	90696, 91684, 92682, 93691, 94711, 95743, 96785, 97839, 98905, 99982,
	101070, 102171, 103283, 104408, 105545, 106694, 107856, 109031,
	110218, 111418, 112631, 113858, 115098, 116351, 117618, 118899,
	120194, 121502, 122825, 124163, 125515, 126882, 128263, 129660
};

struct account {
	struct flow_str id;
	int env;		/* index into envs */
	int region;		/* home region */
};

struct vpc {
	struct flow_str id, attach;	/* vpc-..., tgw-attach-... */
	int acct, region, naz, hub;
	const char *az[MAX_AZ];
	uint32_t cidr;			/* /16 base */
	uint8_t v6[8];			/* /56 prefix (byte 7: subnet) */
	int nsubnet;
	int sn[5][MAX_AZ];		/* subnet index per kind and AZ */
	int local;			/* sublocation subnet, or -1 */
	int nat[MAX_AZ], nlb[MAX_AZ], tgw[MAX_AZ];
	int lo, hi;			/* its ENIs: [lo, hi) */
	int peer;			/* VPC on the other side of the TGW */
};

struct subnet {
	struct flow_str id, az, subloc_id;
	int vpc, az_i, kind;
	unsigned subloc;		/* sublocation-type, 0 none */
	uint32_t base, next;		/* /20 base, next host offset */
};

struct ecs {
	struct flow_str cluster_arn, cluster_name, ci_arn, ci_id, cid, cid2,
	    service, taskdef_arn, task_arn, task_id;
};

struct eni {
	struct flow_str id, inst, itag, itag2, ftag, ftag2, atag, atag2, rid;
	const struct flow_str *itype;
	uint32_t v4;
	uint8_t v6[16];
	int vpc, subnet, ecs;		/* ecs: index or -1 */
	uint8_t role, nitro;
	int16_t lag;			/* delivery lag, s */
};

struct peer {
	uint32_t v4;
	int8_t svc;
	uint8_t v6[16];
};

/* One column of an alias table: keep the column with probability
 * prob / 2^32, else take the alias (indices are absolute). */
struct alias {
	uint32_t prob;
	uint32_t alias;
};

struct gen {
	uint64_t s[4];			/* xoshiro256** state */
	int64_t clock_us;		/* event clock */
	char *arena;
	size_t arena_used;
	int oom;
	int nacct, nvpc, nsubnet, neni, necs;
	struct account acct[MAX_ACCT];
	struct vpc vpc[MAX_VPC];
	struct subnet subnet[MAX_SUBNET];
	struct eni eni[MAX_ENI];
	struct alias eni_all[MAX_ENI];	/* Zipf over every ENI */
	struct alias eni_vpc[MAX_ENI];	/* Zipf within each VPC's slice */
	struct ecs ecs[64];
	struct flow_str tgw_id[NREGION];
	int hub[NREGION];
	struct peer net[NNET], aws[NAWS];
	struct alias net_al[NNET], aws_al[NAWS];
	uint32_t onprem[NONPREM];
};

/* One end of a conversation. */
struct ep {
	uint8_t kind;		/* EP_* */
	uint32_t i;		/* ENI or peer index, or an IPv4 address */
};

/* A record being put together before it is written to a struct flow. */
struct conv {
	struct ep src, dst, psrc, pdst;
	uint16_t sport, dport;
	uint8_t proto, dir, action, path, flags, v4only, bpa, client_src;
	int hop;		/* next-hop ENI, or -1 */
	int remote;		/* ENI in another VPC (for the TGW fields), or -1 */
	uint64_t packets, bytes;
};

/* Rotate left. */
static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* Advance a splitmix64 state and return its next output. */
static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Return the next 64 random bits (xoshiro256**). */
static inline uint64_t
rnd(struct gen *g)
{
	uint64_t *s = g->s;
	uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

/* Return a number in [0, n) (multiply-shift, no division). */
static inline uint32_t
below(struct gen *g, uint32_t n)
{
	return (uint32_t)(((rnd(g) >> 32) * n) >> 32);
}

/* Return 1 with probability ppm / 1e6. */
static inline int
ppm(struct gen *g, uint32_t p)
{
	return below(g, 1000000) < p;
}

/* Return a number in [lo, hi]. */
static inline uint32_t
range(struct gen *g, uint32_t lo, uint32_t hi)
{
	return lo + below(g, hi - lo + 1);
}

/* Return about 2^(mu + sigma * Z) for a near-normal Z (mu, sigma in 1/64). */
static uint64_t
lognorm(struct gen *g, int32_t mu, int32_t sigma)
{
	uint64_t r = rnd(g);
	int64_t z = (int64_t)(r & 0xffff) + (int64_t)((r >> 16) & 0xffff) +
	    (int64_t)((r >> 32) & 0xffff) + (int64_t)(r >> 48) - 131070;
	int64_t x = mu + z * sigma / 37837;	/* 37837: sd of the sum */
	int e;

	if (x < 0)
		return 1;
	e = (int)(x >> 6);
	if (e > 40)
		e = 40;
	return ((uint64_t)exp2_q16[x & 63] << e) >> 16;
}

/* Copy formatted text into the arena and return it as a flow_str. */
__attribute__((format(printf, 2, 3)))
static struct flow_str
sym(struct gen *g, const char *fmt, ...)
{
	struct flow_str s = { "", 0 };
	size_t room = ARENA_SIZE - g->arena_used;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(g->arena + g->arena_used, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		g->oom = 1;
		return s;
	}
	s.p = g->arena + g->arena_used;
	s.len = (uint32_t)n;
	g->arena_used += (size_t)n + 1;
	return s;
}

/* Fill buf with n random lowercase hex digits and a NUL. */
static char *
hex(struct gen *g, char *buf, int n)
{
	int i;

	for (i = 0; i < n; i++)
		buf[i] = "0123456789abcdef"[rnd(g) >> 60];
	buf[n] = '\0';
	return buf;
}

/* Render an AWS resource id: prefix, '-', 17 hex digits. */
static struct flow_str
aws_id(struct gen *g, const char *prefix)
{
	char h[18];

	return sym(g, "%s-%s", prefix, hex(g, h, 17));
}

/* Build an alias table (Vose) over n items of integer weights w; item j
 * is reported as base + j.  Integer arithmetic only, so deterministic. */
static void
alias_build(struct alias *t, const uint32_t *w, int n, int base)
{
	uint64_t p[NNET], total = 0;
	int small[NNET], large[NNET], ns = 0, nl = 0, j;

	for (j = 0; j < n; j++)
		total += w[j];
	for (j = 0; j < n; j++) {
		p[j] = (uint64_t)w[j] * (uint64_t)n;
		if (p[j] < total)
			small[ns++] = j;
		else
			large[nl++] = j;
	}
	while (ns > 0 && nl > 0) {
		int a = small[--ns], b = large[nl - 1];

		t[a].prob = (uint32_t)((p[a] << 32) / total);
		t[a].alias = (uint32_t)(base + b);
		p[b] = p[b] + p[a] - total;
		if (p[b] < total) {
			nl--;
			small[ns++] = b;
		}
	}
	while (nl > 0) {
		j = large[--nl];
		t[j].prob = UINT32_MAX;
		t[j].alias = (uint32_t)(base + j);
	}
	while (ns > 0) {	/* only by rounding; cannot happen exactly */
		j = small[--ns];
		t[j].prob = UINT32_MAX;
		t[j].alias = (uint32_t)(base + j);
	}
}

/* Zipf (s = 1) weights from 1-based ranks. */
static void
zipf_weights(uint32_t *w, const int *rank, int n)
{
	int j;

	for (j = 0; j < n; j++)
		w[j] = ZIPF_SCALE / (uint32_t)rank[j];
}

/* Draw an item from an alias table of n columns starting at item base. */
static inline int
alias_pick(struct gen *g, const struct alias *t, int base, int n)
{
	uint64_t r = rnd(g);
	uint32_t i = (uint32_t)(((r >> 32) * (uint64_t)n) >> 32);

	return (uint32_t)r < t[i].prob ? base + (int)i : (int)t[i].alias;
}

/* Pair an item key with its index, for ranking. */
struct keyed {
	uint32_t key;
	int i;
};

/* Order keyed items by key, then index (deterministic). */
static int
keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Give n items random Zipf ranks, dividing each shuffle key by bias[i]. */
static void
rank_items(struct gen *g, int *rank, const uint8_t *bias, int n)
{
	struct keyed *k = malloc(sizeof *k * (size_t)n);
	int i;

	if (k == NULL) {
		g->oom = 1;
		for (i = 0; i < n; i++)
			rank[i] = i + 1;
		return;
	}
	for (i = 0; i < n; i++) {
		k[i].key = (uint32_t)(rnd(g) >> 34) / (bias ? bias[i] : 1);
		k[i].i = i;
	}
	qsort(k, (size_t)n, sizeof *k, keyed_cmp);
	for (i = 0; i < n; i++)
		rank[k[i].i] = i + 1;
	free(k);
}

/* Fill a peer pool from weighted prefixes and give it Zipf weights. */
static void
make_peers(struct gen *g, struct peer *p, struct alias *al, int n,
    const struct prefix *pfx, int npfx)
{
	int rank[NNET];
	uint32_t w[NNET];
	uint32_t total = 0;
	int i, j;

	for (j = 0; j < npfx; j++)
		total += pfx[j].weight;
	for (i = 0; i < n; i++) {
		uint32_t r = below(g, total), host;
		uint64_t x;

		for (j = 0; r >= pfx[j].weight; j++)
			r -= pfx[j].weight;
		host = (uint32_t)(rnd(g) >> 32) & ((1u << (32 - pfx[j].len)) - 1);
		if ((host & 0xff) == 0 || (host & 0xff) == 255)
			host ^= 0x11;
		p[i].v4 = pfx[j].base | host;
		p[i].svc = pfx[j].svc;
		memcpy(p[i].v6, pfx[j].v6, 4);
		x = rnd(g);
		for (j = 4; j < 8; j++)
			p[i].v6[j] = (uint8_t)(x >> (8 * j));
		memset(p[i].v6 + 8, 0, 6);
		x = rnd(g);
		if (x & 1) {		/* ::1:2:3:4-like host part */
			p[i].v6[14] = (uint8_t)(x >> 8);
			p[i].v6[15] = (uint8_t)(x >> 16);
		} else {
			for (j = 8; j < 16; j++)
				p[i].v6[j] = (uint8_t)(x >> (8 * (j - 8)));
		}
	}
	rank_items(g, rank, NULL, n);
	zipf_weights(w, rank, n);
	alias_build(al, w, n, 0);
}

/* Add a subnet to VPC v; returns its index. */
static int
add_subnet(struct gen *g, int v, int kind, int az)
{
	struct vpc *vp = &g->vpc[v];
	int i = g->nsubnet++;
	struct subnet *s = &g->subnet[i];

	s->id = aws_id(g, "subnet");
	s->vpc = v;
	s->az_i = az;
	s->kind = kind;
	s->az = sym(g, "%s", vp->az[az]);
	s->subloc = 0;
	s->base = vp->cidr + ((uint32_t)vp->nsubnet << 12);
	s->next = range(g, 4, 60);
	vp->nsubnet++;
	return i;
}

/* Render the ECS task metadata of an ENI; fargate tasks have no instance. */
static int
make_ecs(struct gen *g, const struct eni *e, int fargate)
{
	const struct account *a = &g->acct[g->vpc[e->vpc].acct];
	const char *reg = region_names[g->vpc[e->vpc].region].p;
	struct ecs *t;
	const char *svc;
	char cluster[48], tid[33], ci[33], c1[65], c2[65];
	int n = g->necs;

	if (n >= (int)(sizeof g->ecs / sizeof g->ecs[0]))
		return -1;
	g->necs++;
	t = &g->ecs[n];
	svc = ecs_services[below(g, 6)];
	snprintf(cluster, sizeof cluster, "%s-%s", teams[a->env + 1],
	    envs[a->env]);
	t->cluster_name = sym(g, "%s", cluster);
	t->cluster_arn = sym(g, "arn:aws:ecs:%s:%.*s:cluster/%s", reg,
	    (int)a->id.len, a->id.p, cluster);
	hex(g, tid, 32);
	if (!fargate) {
		hex(g, ci, 32);
		t->ci_id = sym(g, "%s", ci);
		t->ci_arn = sym(g, "arn:aws:ecs:%s:%.*s:container-instance/%s/%s",
		    reg, (int)a->id.len, a->id.p, cluster, ci);
		t->cid = sym(g, "%s", hex(g, c1, 64));
		if (n == 0 || below(g, 2))
			t->cid2 = sym(g, "%s", hex(g, c2, 64));
	} else {
		t->cid = sym(g, "%s-%010u", tid, (unsigned)(rnd(g) % 4000000000u));
		if (n == 0 || below(g, 2))
			t->cid2 = sym(g, "%s-%010u", tid,
			    (unsigned)(rnd(g) % 4000000000u));
	}
	if (n == 0 || below(g, 5))
		t->service = sym(g, "%s-svc", svc);
	t->taskdef_arn = sym(g, "arn:aws:ecs:%s:%.*s:task-definition/%s:%u",
	    reg, (int)a->id.len, a->id.p, svc, range(g, 1, 60));
	t->task_arn = sym(g, "arn:aws:ecs:%s:%.*s:task/%s/%s", reg,
	    (int)a->id.len, a->id.p, cluster, tid);
	t->task_id = sym(g, "%s", tid);
	return n;
}

/* Add an ENI of a role in subnet s; returns its index. */
static int
add_eni(struct gen *g, int s, int role)
{
	struct subnet *sn = &g->subnet[s];
	struct vpc *vp = &g->vpc[sn->vpc];
	const struct account *a = &g->acct[vp->acct];
	const char *env = envs[a->env];
	const char *team = teams[(a->env + (int)below(g, 3)) % 6];
	const char *rname = roles[role].name;
	int i = g->neni++, j;
	struct eni *e = &g->eni[i];
	uint64_t x;

	e->role = (uint8_t)role;
	e->vpc = sn->vpc;
	e->subnet = s;
	e->ecs = -1;
	e->nitro = below(g, 10) < 8;
	e->lag = (int16_t)below(g, 91);
	e->id = aws_id(g, "eni");
	e->v4 = sn->base + sn->next;
	sn->next += range(g, 1, 6);
	memcpy(e->v6, vp->v6, 7);
	e->v6[7] = (uint8_t)(sn - g->subnet - (vp->sn[SN_PUBLIC][0]));
	x = rnd(g);
	for (j = 8; j < 16; j++)
		e->v6[j] = (uint8_t)(x >> (8 * (j - 8)));
	switch (role) {
	case R_NAT:
		e->itype = &itype_nat;
		break;
	case R_NLB:
		e->itype = &itype_nlb;
		break;
	case R_VPCE:
		e->itype = &itype_vpce;
		break;
	case R_TGW:
		e->itype = &itype_tgw;
		break;
	default:
		e->itype = &itype_interface;
		break;
	}
	if (role == R_ECS) {
		int fargate = g->necs == 1 || (g->necs > 1 && below(g, 2));

		e->ecs = make_ecs(g, e, fargate);
		if (!fargate)
			e->inst = aws_id(g, "i");
	} else if (role < R_NAT || role == R_BASTION) {
		e->inst = aws_id(g, "i");
	}
	if (e->inst.len) {
		e->itag = sym(g, "%s-%s", rname, env);
		if (below(g, 10) < 7)
			e->itag2 = sym(g, "team%%3D%s", team);
		if (roles[role].asg) {
			e->atag = sym(g, "%s-%s-asg", rname, env);
			if (below(g, 2))
				e->atag2 = sym(g, "team%%3D%s", team);
		}
	}
	if (below(g, 100) < 85)
		e->ftag = sym(g, "%s-%s-%s", rname, env, sn->subloc == 3 ?
		    "lz" : sn->subloc == 2 ? "outpost" : vp->az[sn->az_i]);
	if (below(g, 100) < 30)
		e->ftag2 = sym(g, "owner%%3A%s%%40example.com", team);
	return i;
}

/* Pick a workload role (every 18th workload ENI is an ECS task). */
static int
workload_role(struct gen *g, int w)
{
	uint32_t total = 0, r;
	int i;

	if (w % 18 == 5)
		return R_ECS;
	for (i = 0; i < R_BASTION; i++)
		total += roles[i].weight;
	r = below(g, total);
	for (i = 0; r >= roles[i].weight; i++)
		r -= roles[i].weight;
	return i;
}

/* Create VPC v's subnets, infrastructure ENIs and n workload ENIs. */
static void
build_vpc(struct gen *g, int v, int nwork, int subloc)
{
	struct vpc *vp = &g->vpc[v];
	int az, k, w;

	vp->lo = g->neni;
	vp->local = -1;
	for (k = SN_PUBLIC; k <= SN_TGW; k++)
		for (az = 0; az < vp->naz; az++)
			vp->sn[k][az] = add_subnet(g, v, k, az);
	if (subloc) {
		int s = add_subnet(g, v, SN_LOCAL, 0);
		char h[18];

		vp->local = s;
		g->subnet[s].subloc = (unsigned)subloc;
		g->subnet[s].subloc_id = subloc == 3 ?
		    sym(g, "use1-bos1-az1") : sym(g, "op-%s", hex(g, h, 17));
	}
	for (az = 0; az < vp->naz; az++) {
		vp->nat[az] = add_eni(g, vp->sn[SN_PUBLIC][az], R_NAT);
		vp->nlb[az] = add_eni(g, vp->sn[SN_PUBLIC][az], R_NLB);
		vp->tgw[az] = add_eni(g, vp->sn[SN_TGW][az], R_TGW);
		add_eni(g, vp->sn[SN_APP][az], R_VPCE);
	}
	add_eni(g, vp->sn[SN_PUBLIC][0], R_BASTION);
	if (vp->hub && vp->region == REG_USE1) {
		struct eni *e = &g->eni[add_eni(g, vp->sn[SN_PUBLIC][0], R_RNAT)];

		e->id.len = 0;
		e->itype = &itype_rnat;
		e->rid = aws_id(g, "nat");
		e->v4 = IP4(44, 192, 0, 0) | (uint32_t)(rnd(g) >> 44);
		e->ftag.len = 0;
		e->ftag2.len = 0;
	}
	for (w = 0; w < nwork && g->neni < MAX_ENI; w++) {
		int role = workload_role(g, g->neni);
		int s;

		if (vp->local >= 0 && w < 6)
			s = vp->local;
		else
			s = vp->sn[roles[role].data ? SN_DATA : SN_APP]
			    [below(g, (uint32_t)vp->naz)];
		add_eni(g, s, role);
	}
	vp->hi = g->neni;
}

/* Create one VPC record (ids, region, AZs, address plan). */
static int
new_vpc(struct gen *g, int acct, int region, int hub, uint32_t cidr)
{
	int v = g->nvpc++, i;
	struct vpc *vp = &g->vpc[v];
	int order[6] = { 0, 1, 2, 3, 4, 5 };
	uint64_t x;

	vp->acct = acct;
	vp->region = region;
	vp->hub = hub;
	vp->cidr = cidr;
	vp->id = aws_id(g, "vpc");
	vp->attach = aws_id(g, "tgw-attach");
	vp->naz = 2 + (int)below(g, 2);
	for (i = 0; i < vp->naz; i++) {
		int j = i + (int)below(g, (uint32_t)(region_naz[region] - i));
		int t = order[i];

		order[i] = order[j];
		order[j] = t;
		vp->az[i] = az_ids[region][order[i]];
	}
	if (region == REG_USE1) {
		vp->v6[0] = 0x26; vp->v6[1] = 0x00;
		vp->v6[2] = 0x1f; vp->v6[3] = 0x18;
	} else {
		vp->v6[0] = 0x2a; vp->v6[1] = 0x05;
		vp->v6[2] = 0xd0; vp->v6[3] = 0x18;
	}
	x = rnd(g);
	vp->v6[4] = (uint8_t)x;
	vp->v6[5] = (uint8_t)(x >> 8);
	vp->v6[6] = (uint8_t)(x >> 16);
	return v;
}

/* Build accounts, VPCs, subnets, ENIs and peers. */
static void
build_estate(struct gen *g)
{
	uint8_t octets[32];
	int nwork[MAX_VPC], weight[MAX_VPC];
	int a, v, i, target, infra = 0, wsum = 0, left, dflt, local = -1,
	    outpost = -1;
	int rank[MAX_ENI];
	uint32_t w[MAX_ENI];
	uint8_t bias[MAX_ENI];

	for (i = 0; i < 32; i++)
		octets[i] = (uint8_t)i;
	for (i = 0; i < 31; i++) {
		int j = i + (int)below(g, (uint32_t)(32 - i));
		uint8_t t = octets[i];

		octets[i] = octets[j];
		octets[j] = t;
	}
	g->nacct = 3 + (int)below(g, 2);
	for (a = 0; a < g->nacct; a++) {
		char first = a == 1 ? '0' : (char)('1' + below(g, 9));

		g->acct[a].env = a;
		g->acct[a].region = a == 3 ? REG_EUW1 : REG_USE1;
		g->acct[a].id = sym(g, "%c%011llu", first,
		    (unsigned long long)(rnd(g) % 100000000000ULL));
	}
	for (i = 0; i < NREGION; i++)
		g->tgw_id[i] = aws_id(g, "tgw");
	g->hub[REG_USE1] = new_vpc(g, 0, REG_USE1, 1,
	    IP4(10, octets[0] * 8, 0, 0));
	g->hub[REG_EUW1] = new_vpc(g, 0, REG_EUW1, 1,
	    IP4(10, octets[1] * 8, 0, 0));
	for (a = 1; a < g->nacct; a++) {
		int n = 1 + (int)below(g, 3);

		for (i = 0; i < n; i++) {
			int reg = g->acct[a].region;

			if (i > 0 && below(g, 10) < 4)
				reg = !reg;
			new_vpc(g, a, reg, 0, IP4(10, octets[g->nvpc] * 8 + 1,
			    0, 0));
		}
	}
	/* One workload VPC is a default-style 172.31.0.0/16. */
	dflt = 2 + (int)below(g, (uint32_t)(g->nvpc - 2));
	g->vpc[dflt].cidr = IP4(172, 31, 0, 0);
	for (v = 2; v < g->nvpc; v++) {
		if (local < 0 && g->vpc[v].region == REG_USE1)
			local = v;
		if (outpost < 0 && g->vpc[v].region == REG_EUW1)
			outpost = v;
	}
	if (local < 0)
		local = g->hub[REG_USE1];
	/* Split the workload ENIs over the VPCs. */
	target = 300 + (int)below(g, 301);
	for (v = 0; v < g->nvpc; v++) {
		infra += g->vpc[v].naz * 4 + 1 + (v == 0);
		weight[v] = g->vpc[v].hub ? 1 : 4 + (int)below(g, 8);
		wsum += weight[v];
	}
	left = target - infra;
	for (v = 0; v < g->nvpc; v++) {
		nwork[v] = left * weight[v] / wsum;
		if (nwork[v] < 8)
			nwork[v] = 8;
	}
	for (v = 0; v < g->nvpc; v++)
		build_vpc(g, v, nwork[v], v == local ? 3 : v == outpost ? 2 : 0);
	/* The far side of the transit gateway: the region's hub, or for a
	 * hub a workload VPC of its region. */
	for (v = 0; v < g->nvpc; v++) {
		struct vpc *vp = &g->vpc[v];
		int p = g->hub[vp->region];

		if (vp->hub) {
			p = v == 0 ? 1 : 0;
			for (i = 2; i < g->nvpc; i++)
				if (g->vpc[i].region == vp->region) {
					p = i;
					break;
				}
		}
		vp->peer = p;
	}
	for (i = 0; i < g->neni; i++)
		bias[i] = roles[g->eni[i].role].bias;
	rank_items(g, rank, bias, g->neni);
	zipf_weights(w, rank, g->neni);
	alias_build(g->eni_all, w, g->neni, 0);
	for (v = 0; v < g->nvpc; v++) {
		const struct vpc *vp = &g->vpc[v];

		alias_build(g->eni_vpc + vp->lo, w + vp->lo, vp->hi - vp->lo,
		    vp->lo);
	}
	make_peers(g, g->net, g->net_al, NNET, net_prefixes,
	    (int)(sizeof net_prefixes / sizeof net_prefixes[0]));
	make_peers(g, g->aws, g->aws_al, NAWS, aws_prefixes,
	    (int)(sizeof aws_prefixes / sizeof aws_prefixes[0]));
	for (i = 0; i < NONPREM; i++) {
		uint32_t net = range(g, 10, 17);

		g->onprem[i] = IP4(192, 168, net, range(g, 1, 254));
	}
}

/* Create a generator; start is the first record's event time (Unix s). */
struct gen *
gen_new(uint64_t seed, int64_t start)
{
	struct gen *g = calloc(1, sizeof *g);
	uint64_t x = seed;
	int i;

	if (g == NULL)
		return NULL;
	g->arena = malloc(ARENA_SIZE);
	if (g->arena == NULL) {
		free(g);
		return NULL;
	}
	for (i = 0; i < 4; i++)
		g->s[i] = splitmix64(&x);
	build_estate(g);
	if (g->oom) {
		gen_free(g);
		return NULL;
	}
	g->clock_us = start * 1000000;
	return g;
}

/* Free a generator. */
void
gen_free(struct gen *g)
{
	if (g == NULL)
		return;
	free(g->arena);
	free(g);
}

/* Move the event clock; later records start at most 150 s before t. */
void
gen_set_time(struct gen *g, int64_t t)
{
	g->clock_us = t * 1000000;
}

/* Write IPv4 address v into a as ::ffff:a.b.c.d. */
static inline void
addr_v4(struct flow_addr *a, uint32_t v)
{
	memset(a->b, 0, 10);
	a->b[10] = 0xff;
	a->b[11] = 0xff;
	a->b[12] = (uint8_t)(v >> 24);
	a->b[13] = (uint8_t)(v >> 16);
	a->b[14] = (uint8_t)(v >> 8);
	a->b[15] = (uint8_t)v;
}

/* Write the address of an endpoint in the record's family. */
static void
ep_addr(const struct gen *g, const struct ep *p, int v6, struct flow_addr *a)
{
	const uint8_t *b6 = NULL;
	uint32_t b4 = p->i;

	switch (p->kind) {
	case EP_ENI:
		b6 = g->eni[p->i].v6;
		b4 = g->eni[p->i].v4;
		break;
	case EP_NET:
		b6 = g->net[p->i].v6;
		b4 = g->net[p->i].v4;
		break;
	case EP_AWS:
		b6 = g->aws[p->i].v6;
		b4 = g->aws[p->i].v4;
		break;
	default:
		break;
	}
	if (v6 && b6 != NULL)
		memcpy(a->b, b6, 16);
	else
		addr_v4(a, b4);
}

/* Make an endpoint. */
static inline struct ep
ep(int kind, uint32_t i)
{
	struct ep p = { (uint8_t)kind, i };

	return p;
}

/* Pick an ENI of VPC v other than self, by the VPC's Zipf weights. */
static int
pick_in_vpc(struct gen *g, int v, int self)
{
	const struct vpc *vp = &g->vpc[v];
	int i = alias_pick(g, g->eni_vpc + vp->lo, vp->lo, vp->hi - vp->lo);

	if (i == self || g->eni[i].role == R_RNAT)
		i = i + 1 < vp->hi ? i + 1 : vp->lo;
	if (i == self || g->eni[i].role == R_RNAT)
		i = i + 1 < vp->hi ? i + 1 : vp->lo;
	return i;
}

/* Tell whether an ENI takes connections. */
static int
is_server(const struct eni *e)
{
	return roles[e->role].server > 0 && e->role != R_NLB;
}

/* Pick an ENI of VPC v (not self) that serves something, if one turns up. */
static int
pick_server(struct gen *g, int v, int self)
{
	int i = 0, k;

	for (k = 0; k < 6; k++) {
		i = pick_in_vpc(g, v, self);
		if (is_server(&g->eni[i]))
			break;
	}
	return i;
}

/* Pick a VPC other than v, usually in the same region. */
static int
other_vpc(struct gen *g, int v)
{
	int w = (int)below(g, (uint32_t)g->nvpc);

	if (w == v)
		w = g->vpc[v].peer;
	if (g->vpc[w].region != g->vpc[v].region && below(g, 4))
		w = g->vpc[v].peer;
	return w;
}

/* Return a service port of an ENI's role (443 when it has none). */
static uint16_t
service_port(struct gen *g, const struct eni *e)
{
	uint16_t p = roles[e->role].port[below(g, 4)];

	if (p == 0)
		p = roles[e->role].port[0];
	return p ? p : 443;
}

/* Return a Linux (or Windows) ephemeral port. */
static inline uint16_t
ephemeral(struct gen *g, const struct eni *e)
{
	if (e != NULL && e->role == R_WINDOWS)
		return (uint16_t)range(g, 49152, 65535);
	return (uint16_t)range(g, 32768, 60999);
}

/* Lay a two-ended conversation onto c from the capturing ENI's side. */
static void
orient(struct conv *c, int self, struct ep peer, int self_client,
    uint16_t self_port, uint16_t peer_port)
{
	struct ep me = ep(EP_ENI, (uint32_t)self);

	if (c->dir == DIR_EGRESS) {
		c->src = me;
		c->dst = peer;
		c->sport = self_port;
		c->dport = peer_port;
	} else {
		c->src = peer;
		c->dst = me;
		c->sport = peer_port;
		c->dport = self_port;
	}
	c->psrc = c->src;
	c->pdst = c->dst;
	c->client_src = (uint8_t)(self_client == (c->dir == DIR_EGRESS));
}

/* Choose an external peer for a client ENI: internet or AWS service. */
static struct ep
external_server(struct gen *g, uint16_t *port, uint8_t *proto)
{
	uint32_t r = below(g, 100);

	*proto = 6;
	if (r < 55) {
		*port = below(g, 100) < 85 ? 443 : 80;
		return ep(EP_NET, (uint32_t)alias_pick(g, g->net_al, 0, NNET));
	}
	if (r < 82) {
		*port = 443;
		return ep(EP_AWS, (uint32_t)alias_pick(g, g->aws_al, 0, NAWS));
	}
	*proto = 17;
	*port = r < 95 ? 53 : r < 98 ? 123 : 443;	/* DNS, NTP, QUIC */
	return ep(EP_NET, (uint32_t)alias_pick(g, g->net_al, 0, NNET));
}

/* A NAT gateway (or regional NAT) record: one of the four legs. */
static void
conv_nat(struct gen *g, struct conv *c, int self)
{
	const struct eni *e = &g->eni[self];
	int inst = pick_in_vpc(g, e->vpc, self);
	struct ep me = ep(EP_ENI, (uint32_t)self);
	struct ep in = ep(EP_ENI, (uint32_t)inst), ext;
	uint16_t svc, ieph = ephemeral(g, &g->eni[inst]);
	uint16_t neph = (uint16_t)range(g, 1024, 65535);
	int outside = e->role == R_RNAT || below(g, 2);

	ext = external_server(g, &svc, &c->proto);
	c->v4only = 1;
	if (c->dir == DIR_INGRESS && !outside) {	/* instance -> NAT */
		c->src = in;
		c->dst = me;
		c->psrc = in;
		c->pdst = ext;
		c->sport = ieph;
		c->dport = svc;
		c->client_src = 1;
		if (below(g, 100) < 15)
			c->hop = inst;
	} else if (c->dir == DIR_EGRESS && outside) {	/* NAT -> internet */
		c->src = me;
		c->dst = ext;
		c->psrc = e->role == R_RNAT ? in : me;
		c->pdst = ext;
		c->sport = neph;
		c->dport = svc;
		c->client_src = 1;
		c->path = 2;
	} else if (c->dir == DIR_INGRESS) {		/* internet -> NAT */
		c->src = ext;
		c->dst = me;
		c->psrc = ext;
		c->pdst = e->role == R_RNAT ? in : me;
		c->sport = svc;
		c->dport = neph;
		c->client_src = 0;
	} else {					/* NAT -> instance */
		c->src = me;
		c->dst = in;
		c->psrc = ext;
		c->pdst = in;
		c->sport = svc;
		c->dport = ieph;
		c->client_src = 0;
		c->path = 1;
		c->hop = inst;
	}
}

/* A transit gateway attachment ENI record: traffic to or from another VPC. */
static void
conv_tgw(struct gen *g, struct conv *c, int self)
{
	const struct eni *e = &g->eni[self];
	int local = pick_in_vpc(g, e->vpc, self);
	int rv = other_vpc(g, e->vpc);
	int remote = pick_in_vpc(g, rv, -1);
	int local_client = (int)below(g, 2);
	const struct eni *cl = local_client ? &g->eni[local] : &g->eni[remote];
	const struct eni *sv = local_client ? &g->eni[remote] : &g->eni[local];
	uint16_t cport = ephemeral(g, cl), sport = service_port(g, sv);
	uint16_t lport = local_client ? cport : sport;
	uint16_t rport = local_client ? sport : cport;
	struct ep me = ep(EP_ENI, (uint32_t)self);
	struct ep l = ep(EP_ENI, (uint32_t)local);
	struct ep r = ep(EP_ENI, (uint32_t)remote);

	c->proto = 6;
	c->remote = remote;
	if (c->dir == DIR_INGRESS) {	/* local -> TGW ENI -> remote */
		c->src = l;
		c->dst = me;
		c->psrc = l;
		c->pdst = r;
		c->sport = lport;
		c->dport = rport;
		c->client_src = (uint8_t)local_client;
	} else {			/* remote -> TGW ENI -> local */
		c->src = me;
		c->dst = l;
		c->psrc = r;
		c->pdst = l;
		c->sport = rport;
		c->dport = lport;
		c->client_src = (uint8_t)!local_client;
		c->path = 1;
		c->hop = local;
	}
}

/* A conversation of an ordinary ENI, as server or as client. */
static void
conv_plain(struct gen *g, struct conv *c, int self)
{
	const struct eni *e = &g->eni[self];
	const struct role_info *ri = &roles[e->role];
	uint16_t port;
	uint32_t r;
	int peer;

	if (ri->server && below(g, 100) < ri->server) {
		port = service_port(g, e);
		c->proto = 6;
		r = below(g, 100);
		if (r < ri->external) {
			struct ep p = below(g, 10) ? ep(EP_NET, (uint32_t)
			    alias_pick(g, g->net_al, 0, NNET)) : ep(EP_AWS,
			    (uint32_t)alias_pick(g, g->aws_al, 0, NAWS));

			orient(c, self, p, 0, port, ephemeral(g, NULL));
		} else {
			int v = below(g, 100) < 90 ? e->vpc : other_vpc(g, e->vpc);

			peer = pick_in_vpc(g, v, self);
			if (v != e->vpc)
				c->remote = peer;
			orient(c, self, ep(EP_ENI, (uint32_t)peer), 0, port,
			    ephemeral(g, &g->eni[peer]));
		}
		return;
	}
	r = e->role == R_NLB ? 60 : below(g, 100);
	if (r < 50) {			/* internet, AWS service, DNS, NTP */
		struct ep p = external_server(g, &port, &c->proto);

		orient(c, self, p, 1, ephemeral(g, e), port);
	} else if (r < 86) {		/* a server here or in another VPC */
		peer = r < 80 ? pick_server(g, e->vpc, self) :
		    pick_server(g, other_vpc(g, e->vpc), -1);
		if (r >= 80)
			c->remote = peer;
		c->proto = 6;
		port = service_port(g, &g->eni[peer]);
		orient(c, self, ep(EP_ENI, (uint32_t)peer), 1, ephemeral(g, e),
		    port);
	} else if (r < 92) {		/* statsd, syslog, ... in the VPC */
		peer = pick_in_vpc(g, e->vpc, self);
		c->proto = 17;
		port = udp_ports[below(g, 4)];
		orient(c, self, ep(EP_ENI, (uint32_t)peer), 1, ephemeral(g, e),
		    port);
	} else if (r < 95) {		/* on-premises, over the VGW */
		struct ep p = ep(EP_V4, g->onprem[below(g, NONPREM)]);

		c->proto = 6;
		c->v4only = 1;
		port = onprem_ports[below(g, 6)];
		orient(c, self, p, 1, ephemeral(g, e), port);
	} else {			/* ping */
		struct ep p = below(g, 2) ? ep(EP_NET, (uint32_t)alias_pick(g,
		    g->net_al, 0, NNET)) : ep(EP_ENI,
		    (uint32_t)pick_in_vpc(g, e->vpc, self));

		c->proto = 1;
		orient(c, self, p, 1, 0, 0);
	}
}

/* A rejected inbound probe: a scanner's SYN, a UDP knock or a ping. */
static void
conv_reject(struct gen *g, struct conv *c, int self)
{
	const struct eni *e = &g->eni[self];
	struct ep p;
	uint32_t r = below(g, 100);
	int external = below(g, 100) < 85;

	if (external)
		p = ep(EP_NET, below(g, NNET));
	else
		p = ep(EP_ENI, (uint32_t)pick_in_vpc(g, e->vpc, self));
	c->action = ACTION_REJECT;
	c->src = c->psrc = p;
	c->dst = c->pdst = ep(EP_ENI, (uint32_t)self);
	c->client_src = 1;
	c->packets = range(g, 1, 3);
	if (r < 85) {
		c->proto = 6;
		c->sport = (uint16_t)range(g, 1024, 65535);
		c->dport = below(g, 5) == 0 && is_server(e) ?
		    service_port(g, e) : probe_ports[below(g, 20)];
		c->flags = 2;
		c->bytes = c->packets * (below(g, 2) ? 40 : 60);
	} else if (r < 95) {
		c->proto = 17;
		c->sport = (uint16_t)range(g, 1024, 65535);
		c->dport = probe_udp_ports[below(g, 6)];
		c->bytes = c->packets * range(g, 60, 200);
	} else {
		c->proto = 1;
		c->packets = range(g, 1, 2);
		c->bytes = c->packets * 84;
	}
	if (external && below(g, 100) < 8)
		c->bpa = 1;
}

/* Choose traffic-path and next hop for an egress record of self. */
static void
route(struct gen *g, struct conv *c, int self)
{
	const struct eni *e = &g->eni[self];
	const struct subnet *sn = &g->subnet[e->subnet];
	const struct vpc *vp = &g->vpc[e->vpc];
	const struct ep *peer = &c->dst;

	if (peer->kind == EP_ENI) {
		const struct eni *pe = &g->eni[peer->i];

		if (pe->vpc == e->vpc) {
			c->path = 1;
			c->hop = (int)peer->i;
		} else if (below(g, 10) < 7) {
			c->path = 1;
			c->hop = vp->tgw[sn->az_i];
		} else {
			c->path = g->vpc[pe->vpc].region == vp->region ? 4 : 5;
		}
	} else if (peer->kind == EP_V4) {
		c->path = 3;
	} else if (sn->kind == SN_PUBLIC) {
		c->path = below(g, 100) < 65 ? 2 : 8;
	} else if (peer->kind == EP_AWS && (g->aws[peer->i].svc == SVC_S3 ||
	    g->aws[peer->i].svc == SVC_DYNAMODB)) {
		c->path = below(g, 10) < 7 ? 2 : 7;	/* gateway endpoint */
	} else {
		c->path = 1;
		c->hop = c->client_src ? vp->nat[sn->az_i] : vp->nlb[sn->az_i];
	}
}

/* Set the sizes and TCP flags of an accepted conversation record. */
static void
size_flow(struct gen *g, struct conv *c, const struct eni *e)
{
	uint32_t r;

	if (c->proto == 1 || c->proto == 58) {
		c->packets = range(g, 1, 10);
		c->bytes = c->packets * (c->proto == 58 ? 104 : 84);
		return;
	}
	if (c->proto == 17) {
		c->packets = lognorm(g, 64, 96);
		c->bytes = c->packets * (c->sport == 123 || c->dport == 123 ?
		    76 : range(g, 60, 300));
		return;
	}
	if (c->dir == DIR_EGRESS && ppm(g, 100)) {	/* elephant */
		c->packets = lognorm(g, 17 * 64, 96);
		c->bytes = c->packets * range(g, 1400, 1500);
	} else {
		uint32_t per = below(g, 100) < (c->client_src ? 25u : 75u) ?
		    range(g, 576, 1500) : range(g, 52, 151);

		c->packets = lognorm(g, 3 * 64 + roles[e->role].mu, 141);
		c->bytes = c->packets * per;
	}
	r = below(g, 100);
	if (r < 40)
		c->flags = 0;
	else if (r < 70)
		c->flags = c->client_src ? 3 : 19;
	else if (r < 85)
		c->flags = c->client_src ? 2 : 18;
	else if (r < 97)
		c->flags = 1;
	else
		c->flags = 4;
	if (c->packets == 1 && (c->flags == 3 || c->flags == 19))
		c->flags = c->client_src ? 2 : 18;	/* SYN+FIN needs two */
}

/* Guess encryption-status from the endpoints and the port. */
static unsigned
encryption(const struct gen *g, const struct conv *c)
{
	int tls = c->sport == 443 || c->dport == 443 || c->sport == 8443 ||
	    c->dport == 8443;

	if (c->src.kind == EP_ENI && c->dst.kind == EP_ENI) {
		int nitro = g->eni[c->src.i].nitro && g->eni[c->dst.i].nitro;

		return (unsigned)(nitro ? (tls ? 3 : 1) : (tls ? 2 : 0));
	}
	if ((c->src.kind == EP_AWS || c->dst.kind == EP_AWS) && tls)
		return 2;
	return 0;
}

/* Set a symbol field when it has a value. */
static inline void
put_s(struct flow *f, int id, struct flow_str s)
{
	if (s.len) {
		f->v[id].s = s;
		flow_set(f, id);
	}
}

/* Set an integer-valued field. */
static inline void
put_u(struct flow *f, int id, uint64_t u)
{
	f->v[id].u = u;
	flow_set(f, id);
}

/* Set the fields that name where the capturing interface is. */
static void
put_identity(const struct gen *g, struct flow *f, const struct eni *e)
{
	const struct vpc *vp = &g->vpc[e->vpc];
	const struct subnet *sn = &g->subnet[e->subnet];

	put_u(f, F_VERSION, 5);
	put_s(f, F_ACCOUNT_ID, g->acct[vp->acct].id);
	put_s(f, F_INTERFACE_ID, e->id);
	put_s(f, F_VPC_ID, vp->id);
	put_s(f, F_INSTANCE_ID, e->inst);
	put_s(f, F_REGION, region_names[vp->region]);
	put_s(f, F_RESOURCE_TYPE, vp->hub ? res_tgw : res_attach);
	put_s(f, F_TGW_ID, g->tgw_id[vp->region]);
	put_s(f, F_TGW_ATTACHMENT_ID, vp->attach);
	if (e->role == R_RNAT)
		return;
	put_s(f, F_SUBNET_ID, sn->id);
	if (sn->subloc) {
		put_u(f, F_SUBLOCATION_TYPE, sn->subloc);
		put_s(f, F_SUBLOCATION_ID, sn->subloc_id);
	} else {
		put_s(f, F_AZ_ID, sn->az);
	}
}

/* Set the Transit Gateway fields from the two VPCs of the conversation. */
static void
put_tgw(struct gen *g, struct flow *f, const struct eni *e,
    const struct conv *c)
{
	const struct vpc *lv = &g->vpc[e->vpc], *rv, *sv, *dv;
	const struct eni *lt, *rt, *st, *dt;
	int laz = g->subnet[e->subnet].az_i, raz;
	uint32_t r;

	if (c->remote >= 0) {
		const struct eni *re = &g->eni[c->remote];

		rv = &g->vpc[re->vpc];
		raz = g->subnet[re->subnet].az_i;
	} else {
		rv = &g->vpc[lv->peer];
		raz = laz % rv->naz;
	}
	lt = &g->eni[lv->tgw[laz]];
	rt = &g->eni[rv->tgw[raz]];
	if (c->dir == DIR_EGRESS) {
		sv = lv, dv = rv, st = lt, dt = rt;
	} else {
		sv = rv, dv = lv, st = rt, dt = lt;
	}
	put_s(f, F_TGW_SRC_VPC_ACCOUNT_ID, g->acct[sv->acct].id);
	put_s(f, F_TGW_DST_VPC_ACCOUNT_ID, g->acct[dv->acct].id);
	put_s(f, F_TGW_SRC_VPC_ID, sv->id);
	put_s(f, F_TGW_DST_VPC_ID, dv->id);
	put_s(f, F_TGW_SRC_SUBNET_ID, g->subnet[st->subnet].id);
	put_s(f, F_TGW_DST_SUBNET_ID, g->subnet[dt->subnet].id);
	put_s(f, F_TGW_SRC_ENI, st->id);
	put_s(f, F_TGW_DST_ENI, dt->id);
	put_s(f, F_TGW_SRC_AZ_ID, g->subnet[st->subnet].az);
	put_s(f, F_TGW_DST_AZ_ID, g->subnet[dt->subnet].az);
	put_s(f, F_TGW_PAIR_ATTACHMENT_ID, rv->attach);
	r = below(g, 1000000);	/* a loss of one kind in 1.1% of records */
	put_u(f, F_PACKETS_LOST_NO_ROUTE, r < 5000 ? 1 + r % 40 : 0);
	put_u(f, F_PACKETS_LOST_BLACKHOLE, r - 5000 < 2000 ? 1 + r % 20 : 0);
	put_u(f, F_PACKETS_LOST_MTU_EXCEEDED, r - 7000 < 3000 ? 1 + r % 10 : 0);
	put_u(f, F_PACKETS_LOST_TTL_EXPIRED, r - 10000 < 1000 ? 1 + r % 5 : 0);
}

/* Set the next-hop fields from ENI hop. */
static void
put_hop(const struct gen *g, struct flow *f, int hop)
{
	const struct eni *h = &g->eni[hop];
	const struct subnet *sn = &g->subnet[h->subnet];

	put_s(f, F_NEXT_HOP_INTERFACE_ID, h->id);
	put_s(f, F_NEXT_HOP_SUBNET_ID, sn->id);
	put_s(f, F_NEXT_HOP_AZ_ID, sn->az);
	put_s(f, F_NEXT_HOP_VPC_ID, g->vpc[h->vpc].id);
	put_s(f, F_NEXT_HOP_INTERFACE_TYPE, *h->itype);
}

/* Set the ECS task fields of a task's ENI. */
static void
put_ecs(struct flow *f, const struct ecs *t)
{
	put_s(f, F_ECS_CLUSTER_ARN, t->cluster_arn);
	put_s(f, F_ECS_CLUSTER_NAME, t->cluster_name);
	put_s(f, F_ECS_CONTAINER_INSTANCE_ARN, t->ci_arn);
	put_s(f, F_ECS_CONTAINER_INSTANCE_ID, t->ci_id);
	put_s(f, F_ECS_CONTAINER_ID, t->cid);
	put_s(f, F_ECS_SECOND_CONTAINER_ID, t->cid2);
	put_s(f, F_ECS_SERVICE_NAME, t->service);
	put_s(f, F_ECS_TASK_DEFINITION_ARN, t->taskdef_arn);
	put_s(f, F_ECS_TASK_ARN, t->task_arn);
	put_s(f, F_ECS_TASK_ID, t->task_id);
}

/* Set start and end for a record of n packets of ENI e. */
static void
put_times(struct gen *g, struct flow *f, const struct eni *e, uint64_t n)
{
	int64_t start = g->clock_us / 1000000 - e->lag - (int64_t)below(g, 61);
	int64_t span;

	if (n == 1 && below(g, 2))
		span = 0;
	else if (below(g, 100) < 88)
		span = range(g, 1, 60);
	else
		span = range(g, 61, 600);
	put_u(f, F_START, (uint64_t)start);
	put_u(f, F_END, (uint64_t)(start + span));
}

/* Write a NODATA or SKIPDATA record of a random ENI. */
static void
status_record(struct gen *g, struct flow *f, unsigned status)
{
	int i = (int)below(g, (uint32_t)g->neni);
	const struct eni *e;
	int64_t start;

	if (g->eni[i].role == R_RNAT)	/* no interface to report on */
		i = (i + 1) % g->neni;
	e = &g->eni[i];
	start = g->clock_us / 1000000 - e->lag - (int64_t)below(g, 61);
	put_identity(g, f, e);
	put_u(f, F_LOG_STATUS, status);
	put_u(f, F_START, (uint64_t)start);
	put_u(f, F_END, (uint64_t)(start + (below(g, 4) ? 59 : 599)));
}

/* Fill f with the next record; its symbols point into the generator's
 * tables and stay valid until gen_free. */
void
gen_next(struct gen *g, struct flow *f)
{
	struct conv c;
	const struct eni *e;
	int self, v6;
	uint32_t r;

	flow_clear(f);
	f->fmt = NULL;
	g->clock_us += range(g, 250, 750);
	r = below(g, 100000);
	if (r < 700) {
		status_record(g, f, r < 500 ? STATUS_NODATA : STATUS_SKIPDATA);
		return;
	}
	self = alias_pick(g, g->eni_all, 0, g->neni);
	e = &g->eni[self];
	memset(&c, 0, sizeof c);
	c.hop = -1;
	c.remote = -1;
	c.action = ACTION_ACCEPT;
	c.dir = below(g, 2) ? DIR_INGRESS : DIR_EGRESS;
	v6 = 0;
	if (c.dir == DIR_INGRESS && below(g, 100) < 10) {
		conv_reject(g, &c, self);
		v6 = ppm(g, 40000);
		if (v6 && c.proto == 1) {
			c.proto = 58;
			c.bytes = c.packets * 104;
		}
	} else {
		if (e->role == R_NAT || e->role == R_RNAT)
			conv_nat(g, &c, self);
		else if (e->role == R_TGW)
			conv_tgw(g, &c, self);
		else
			conv_plain(g, &c, self);
		if (c.dir == DIR_EGRESS && c.path == 0)
			route(g, &c, self);
		else if (c.dir == DIR_INGRESS && c.hop < 0 &&
		    c.src.kind == EP_ENI && g->eni[c.src.i].vpc == e->vpc &&
		    below(g, 100) < 15)
			c.hop = (int)c.src.i;
		if (!c.v4only && ppm(g, 40000)) {
			v6 = 1;
			if (c.proto == 1)
				c.proto = 58;
		}
		size_flow(g, &c, e);
		if (c.dir == DIR_EGRESS && ppm(g, 10000)) {
			/* late packets of a closed connection */
			c.action = ACTION_REJECT;
			c.packets = range(g, 1, 2);
			c.bytes = c.packets * range(g, 40, 80);
			c.flags = c.proto == 6 ? (below(g, 2) ? 4 : 1) : 0;
		}
	}

	put_identity(g, f, e);
	put_u(f, F_LOG_STATUS, STATUS_OK);
	put_u(f, F_ACTION, c.action);
	put_u(f, F_FLOW_DIRECTION, c.dir);
	put_u(f, F_TYPE, v6 ? TYPE_IPV6 : TYPE_IPV4);
	ep_addr(g, &c.src, v6, &f->v[F_SRCADDR].a);
	ep_addr(g, &c.dst, v6, &f->v[F_DSTADDR].a);
	ep_addr(g, &c.psrc, v6, &f->v[F_PKT_SRCADDR].a);
	ep_addr(g, &c.pdst, v6, &f->v[F_PKT_DSTADDR].a);
	flow_set(f, F_SRCADDR);
	flow_set(f, F_DSTADDR);
	flow_set(f, F_PKT_SRCADDR);
	flow_set(f, F_PKT_DSTADDR);
	if (c.psrc.kind == EP_AWS)
		put_s(f, F_PKT_SRC_AWS_SERVICE, svc_names[g->aws[c.psrc.i].svc]);
	if (c.pdst.kind == EP_AWS)
		put_s(f, F_PKT_DST_AWS_SERVICE, svc_names[g->aws[c.pdst.i].svc]);
	put_u(f, F_SRCPORT, c.sport);
	put_u(f, F_DSTPORT, c.dport);
	put_u(f, F_PROTOCOL, c.proto);
	put_u(f, F_PACKETS, c.packets);
	if (c.bpa)
		put_s(f, F_REJECT_REASON, reason_bpa);	/* BPA: no bytes */
	else
		put_u(f, F_BYTES, c.bytes);
	put_u(f, F_TCP_FLAGS, c.proto == 6 ? c.flags : 0);
	if (c.dir == DIR_EGRESS && c.path)
		put_u(f, F_TRAFFIC_PATH, c.path);
	if (c.hop >= 0)
		put_hop(g, f, c.hop);
	if (!ppm(g, 30000))
		put_u(f, F_ENCRYPTION_STATUS, encryption(g, &c));
	put_s(f, F_INSTANCE_TAG, e->itag);
	put_s(f, F_INSTANCE_TAG_2, e->itag2);
	put_s(f, F_INTERFACE_TAG, e->ftag);
	put_s(f, F_INTERFACE_TAG_2, e->ftag2);
	put_s(f, F_ASG_TAG, e->atag);
	put_s(f, F_ASG_TAG_2, e->atag2);
	put_s(f, F_INTERFACE_TYPE, *e->itype);
	put_s(f, F_RESOURCE_ID, e->rid);
	if (e->ecs >= 0)
		put_ecs(f, &g->ecs[e->ecs]);
	put_tgw(g, f, e, &c);
	put_times(g, f, e, c.packets);
}
