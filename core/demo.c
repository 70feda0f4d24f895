/*
 * demo.c - the built-in live traffic source.
 *
 * Design notes.
 *
 * The estate is small on purpose, so that a UI at 80x24 shows something
 * recognisable: two accounts (one with a leading zero), four VPCs in
 * us-east-1 (prod web, prod data, shared services, staging), six subnets
 * per VPC (public, app and data in two AZs) and 31 ENIs with roles (NAT
 * gateways, load balancers, bastions, web and API servers, workers,
 * databases, caches, Kafka, DNS, CI, monitoring, VPN).  Ids, addresses
 * and the pools of internet peers are drawn from the seed when the demo
 * is created; records only point at those strings, so a record's strings
 * stay valid until demo_free.
 *
 * Records come from two streams, each with its own next arrival time in
 * microseconds and a small queue: a conversation produces one to five
 * records (the views of the ENIs it crosses: client egress, server
 * ingress, reply; the four views of a NAT gateway ENI), queued and handed
 * out at successive arrival times.  The background stream runs at about
 * 260 records/s, modulated by a 90 s triangle wave (0.7x to 1.3x) and by a
 * burst of 2.5-3.5x lasting 3-6 s every 25-50 s.  The scenario stream
 * plays episodes: under "all", portscan, bruteforce, exfil, rejectstorm
 * and nat in turn, the first 10 s after the start and each 20 s after the
 * previous one ends; a single scenario starts after 5 s and repeats with
 * 20 s pauses.  Actors (attacker addresses, targets) are cast when an
 * episode produces its first record.
 *
 * Determinism: one xoshiro256** generator, and every draw happens while
 * producing a record, in arrival order, so the records depend only on the
 * seed and on the arrival times - never on how the caller slices its
 * demo_step calls - except that a clock jumping more than DEMO_CATCHUP_US
 * ahead skips the records in between (a suspended UI must not come back
 * to millions of records).  No floating point, and never two draws in
 * the arguments of one call or the operands of one operator (C leaves
 * their order unspecified; compilers differ).
 *
 * Time: a record arriving at time T (the clock of the step) ends 2-20 s
 * before T (the ENI's delivery lag plus jitter) and spans 0-60 s.
 */
#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "format.h"

#define NQ 8				/* records queued per stream */
#define DEMO_CATCHUP_US (5 * 1000000LL)	/* longest backlog replayed */
#define BG_RATE 260			/* background records per second */
#define NCLIENT 256			/* internet clients of the web tier */
#define NSERVER 64			/* internet servers reached out to */

enum { SN_PUB, SN_APP, SN_DATA, SN_KINDS };
enum { NVPC = 4, NAZ = 2, NSUBNET = NVPC * SN_KINDS * NAZ };

enum role {
	R_NAT, R_ALB, R_BASTION, R_WEB, R_API, R_WORKER, R_PG, R_REDIS,
	R_KAFKA, R_DNS, R_CI, R_MON, R_VPN
};

enum scenario {
	SC_PORTSCAN, SC_BRUTEFORCE, SC_EXFIL, SC_REJECTSTORM, SC_NAT,
	SC_COUNT
};

static const char *const scenario_names[SC_COUNT + 1] = {
	"portscan", "bruteforce", "exfil", "rejectstorm", "nat", NULL
};

/* Length (s) and pace (records/s) of each scenario's episodes. */
static const struct {
	int dur_s;
	int rate;
} scenario_info[SC_COUNT] = {
	[SC_PORTSCAN] = { 12, 1200 },
	[SC_BRUTEFORCE] = { 30, 150 },
	[SC_EXFIL] = { 30, 4 },
	[SC_REJECTSTORM] = { 8, 2500 },
	[SC_NAT] = { 25, 400 },
};

/* One ENI of the estate: where it is and what it does. */
static const struct {
	uint8_t vpc, kind, az, role, weight;
} eni_spec[] = {
	/* prod web VPC */
	{ 0, SN_PUB, 0, R_NAT, 6 }, { 0, SN_PUB, 1, R_NAT, 4 },
	{ 0, SN_PUB, 0, R_ALB, 10 }, { 0, SN_PUB, 1, R_ALB, 10 },
	{ 0, SN_PUB, 0, R_BASTION, 2 },
	{ 0, SN_APP, 0, R_WEB, 8 }, { 0, SN_APP, 1, R_WEB, 8 },
	{ 0, SN_APP, 0, R_WEB, 6 }, { 0, SN_APP, 1, R_WEB, 6 },
	{ 0, SN_APP, 0, R_API, 7 }, { 0, SN_APP, 1, R_API, 7 },
	{ 0, SN_APP, 1, R_WORKER, 4 }, { 0, SN_APP, 0, R_WORKER, 3 },
	/* prod data VPC */
	{ 1, SN_DATA, 0, R_PG, 6 }, { 1, SN_DATA, 1, R_PG, 3 },
	{ 1, SN_DATA, 0, R_REDIS, 5 }, { 1, SN_DATA, 1, R_KAFKA, 4 },
	{ 1, SN_APP, 0, R_WORKER, 3 }, { 1, SN_PUB, 0, R_NAT, 2 },
	/* shared services VPC (second account) */
	{ 2, SN_PUB, 0, R_NAT, 2 }, { 2, SN_PUB, 0, R_VPN, 2 },
	{ 2, SN_APP, 0, R_DNS, 4 }, { 2, SN_APP, 1, R_DNS, 3 },
	{ 2, SN_APP, 0, R_CI, 3 }, { 2, SN_APP, 1, R_MON, 4 },
	/* staging VPC (second account) */
	{ 3, SN_PUB, 0, R_NAT, 2 }, { 3, SN_PUB, 0, R_ALB, 3 },
	{ 3, SN_APP, 0, R_WEB, 2 }, { 3, SN_APP, 1, R_API, 2 },
	{ 3, SN_DATA, 0, R_PG, 2 }, { 3, SN_PUB, 1, R_BASTION, 1 },
};
#define NENI ((int)(sizeof eni_spec / sizeof eni_spec[0]))

/* Account and second octet of each VPC's 10.x.0.0/16. */
static const struct {
	uint8_t acct, net;
} vpc_spec[NVPC] = { { 0, 10 }, { 0, 20 }, { 1, 0 }, { 1, 30 } };

#define LIT(s) { s, (uint32_t)(sizeof s - 1) }
static const struct flow_str acct_ids[2] = {
	LIT("111122223333"), LIT("044455556666")
};
static const struct flow_str region_id = LIT("us-east-1");
static const struct flow_str az_ids[NAZ] = { LIT("use1-az1"), LIT("use1-az2") };
static const struct flow_str svc_s3 = LIT("S3");
static const struct flow_str svc_ddb = LIT("DYNAMODB");

#define IP4(a, b, c, d) \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))

/* Where internet clients and attackers come from (documentation and
 * GeoIP test ranges): base of a /24. */
static const uint32_t client_nets[] = {
	IP4(198, 51, 100, 0), IP4(203, 0, 113, 0), IP4(192, 0, 2, 0),
	IP4(81, 2, 69, 0), IP4(89, 160, 20, 0), IP4(216, 160, 83, 0),
	IP4(175, 16, 199, 0), IP4(2, 125, 160, 0), IP4(67, 43, 156, 0),
};
#define NCLIENT_NETS ((uint32_t)(sizeof client_nets / sizeof client_nets[0]))

/* Internet servers: CDN, code hosting, package mirrors (base of a /16
 * or /24 and how many host bits to draw). */
static const struct {
	uint32_t base;
	uint8_t bits;
} server_nets[] = {
	{ IP4(151, 101, 0, 0), 16 }, { IP4(140, 82, 112, 0), 8 },
	{ IP4(104, 16, 0, 0), 16 }, { IP4(185, 199, 108, 0), 8 },
	{ IP4(13, 32, 0, 0), 16 },
};
#define NSERVER_NETS ((uint32_t)(sizeof server_nets / sizeof server_nets[0]))

/* Ports background scanners knock on. */
static const uint16_t probe_ports[] = {
	22, 23, 80, 443, 445, 1433, 3306, 3389, 5432, 5900, 6379, 8080,
	8443, 9200, 27017, 2375
};

struct subnet {
	char id[32];
	uint32_t base;			/* /20 */
};

struct eni {
	char id[32], inst[32];
	struct flow_str sid, sinst;	/* sinst.len 0: no instance */
	uint32_t ip;
	int vpc, subnet;
	uint8_t role, lag;		/* delivery lag, s */
};

/* A queued record: its flow and how its times are set on arrival. */
struct qrec {
	struct flow f;
	uint8_t lag;			/* s between end and arrival */
	uint8_t span;			/* s between start and end */
};

struct stream {
	struct qrec q[NQ];
	int qn, qi;			/* queued records, next to hand out */
	int64_t next_us;		/* arrival time of the next record */
};

struct episode {
	int sc;				/* SC_*, or -1 before the first */
	int64_t start_us, end_us;
	int cast;			/* actors chosen */
	uint32_t attacker[5];
	int nattacker;
	int target[3];
	int ntarget;
	uint32_t cursor;		/* portscan sweep position */
	uint32_t peer;			/* exfil destination */
	uint16_t port[8];		/* exfil connections' source ports */
};

struct demo {
	uint64_t s[4];			/* xoshiro256** state */
	int single;			/* scenario index, or -1 for "all" */
	int started;
	int64_t origin_us, last_us;
	struct format fmt;		/* v5 */
	char vpc_id[NVPC][32];
	struct flow_str svpc[NVPC];
	struct subnet subnet[NSUBNET];
	struct flow_str ssubnet[NSUBNET];
	struct eni eni[NENI];
	uint32_t weight_total;
	uint32_t client[NCLIENT];
	uint32_t server[NSERVER];
	uint32_t admin[2];
	int64_t burst_until_us, next_burst_us;
	uint32_t burst_x10;		/* burst rate factor, in tenths */
	struct stream bg, sc;
	struct episode ep;
	unsigned nep;			/* episodes planned so far */
};

/* Rotate left. */
static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* Return the next 64 random bits (xoshiro256**). */
static uint64_t
rnd(struct demo *d)
{
	uint64_t *s = d->s;
	uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

/* Return a number in [0, n). */
static uint32_t
below(struct demo *d, uint32_t n)
{
	return (uint32_t)(((rnd(d) >> 32) * n) >> 32);
}

/* Return a number in [lo, hi]. */
static uint32_t
range(struct demo *d, uint32_t lo, uint32_t hi)
{
	return lo + below(d, hi - lo + 1);
}

/* Return 1 with probability pct / 100. */
static int
chance(struct demo *d, uint32_t pct)
{
	return below(d, 100) < pct;
}

/* A client-side ephemeral port. */
static uint16_t
ephemeral(struct demo *d)
{
	return (uint16_t)range(d, 32768, 60999);
}

/* Fill buf with "prefix-0" and 16 random hex digits. */
static void
make_id(struct demo *d, char *buf, size_t size, const char *prefix)
{
	char h[17];
	int i;

	for (i = 0; i < 16; i++)
		h[i] = "0123456789abcdef"[rnd(d) >> 60];
	h[16] = '\0';
	snprintf(buf, size, "%s-0%s", prefix, h);
}

/* A NUL-terminated string as a flow_str. */
static struct flow_str
str(const char *s)
{
	struct flow_str r = { s, (uint32_t)strlen(s) };

	return r;
}

/* A random host in a /24 (hosts 1..254). */
static uint32_t
host_in24(struct demo *d, uint32_t net)
{
	return net + range(d, 1, 254);
}

/* Build the estate and the peer pools from the seed. */
static void
build(struct demo *d)
{
	int v, k, a, i;

	for (v = 0; v < NVPC; v++) {
		make_id(d, d->vpc_id[v], sizeof d->vpc_id[v], "vpc");
		d->svpc[v] = str(d->vpc_id[v]);
		for (k = 0; k < SN_KINDS; k++)
			for (a = 0; a < NAZ; a++) {
				int n = (v * SN_KINDS + k) * NAZ + a;
				struct subnet *sn = &d->subnet[n];

				make_id(d, sn->id, sizeof sn->id, "subnet");
				d->ssubnet[n] = str(sn->id);
				sn->base = IP4(10, vpc_spec[v].net,
				    (k * 2 + a) * 16, 0);
			}
	}
	d->weight_total = 0;
	for (i = 0; i < NENI; i++) {
		struct eni *e = &d->eni[i];
		int r = eni_spec[i].role;

		e->vpc = eni_spec[i].vpc;
		e->subnet = (e->vpc * SN_KINDS + eni_spec[i].kind) * NAZ +
		    eni_spec[i].az;
		e->role = (uint8_t)r;
		make_id(d, e->id, sizeof e->id, "eni");
		e->sid = str(e->id);
		if (r != R_NAT && r != R_ALB) {
			make_id(d, e->inst, sizeof e->inst, "i");
			e->sinst = str(e->inst);
		}
		e->ip = d->subnet[e->subnet].base + (below(d, 15) << 8);
		e->ip += range(d, 4, 250);
		e->lag = (uint8_t)range(d, 2, 10);
		d->weight_total += eni_spec[i].weight;
	}
	for (i = 0; i < NCLIENT; i++)
		d->client[i] = host_in24(d, client_nets[below(d, NCLIENT_NETS)]);
	for (i = 0; i < NSERVER; i++) {
		uint32_t n = below(d, NSERVER_NETS);

		d->server[i] = server_nets[n].base +
		    below(d, (1u << server_nets[n].bits) - 2) + 1;
	}
	d->admin[0] = IP4(198, 51, 100, 7);
	d->admin[1] = IP4(203, 0, 113, 42);
}

/* The scenario names, NULL-terminated ("all" is accepted besides them). */
const char *const *
demo_scenarios(void)
{
	return scenario_names;
}

/* Create a demo playing scenario; NULL with a message when unknown. */
struct demo *
demo_new(const char *scenario, uint64_t seed, char *err, size_t errlen)
{
	struct demo *d;
	uint64_t x = seed;
	int single = -1, i;

	if (scenario != NULL && strcmp(scenario, "all") != 0) {
		for (i = 0; i < SC_COUNT; i++)
			if (strcmp(scenario, scenario_names[i]) == 0)
				single = i;
		if (single < 0) {
			if (err != NULL && errlen > 0)
				snprintf(err, errlen, "unknown demo scenario "
				    "\"%s\" (all, portscan, bruteforce, exfil, "
				    "rejectstorm, nat)", scenario);
			return NULL;
		}
	}
	d = calloc(1, sizeof *d);
	if (d == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "demo: out of memory");
		return NULL;
	}
	for (i = 0; i < 4; i++) {	/* splitmix64 seeding */
		uint64_t z = (x += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		d->s[i] = z ^ (z >> 31);
	}
	d->single = single;
	d->ep.sc = -1;
	format_version(&d->fmt, 5);
	build(d);
	return d;
}

/* Free a demo. */
void
demo_free(struct demo *d)
{
	free(d);
}

/* The scenario the demo was created with ("all" or a name). */
const char *
demo_name(const struct demo *d)
{
	return d->single < 0 ? "all" : scenario_names[d->single];
}

/* The scenario playing at the last step's time, or NULL. */
const char *
demo_active(const struct demo *d)
{
	if (!d->started || d->ep.sc < 0 || d->last_us < d->ep.start_us ||
	    d->last_us >= d->ep.end_us)
		return NULL;
	return scenario_names[d->ep.sc];
}

/* Unix milliseconds at which the next record is due. */
int64_t
demo_next_ms(const struct demo *d)
{
	int64_t t;

	if (!d->started)
		return INT64_MIN;
	t = d->bg.next_us < d->sc.next_us ? d->bg.next_us : d->sc.next_us;
	return (t + 999) / 1000;
}

/* Plan the next episode after the current one (or after the start). */
static void
plan_episode(struct demo *d)
{
	struct episode *ep = &d->ep;
	int64_t start;
	int sc;

	if (ep->sc < 0)
		start = d->origin_us + (d->single < 0 ? 10 : 5) * 1000000LL;
	else
		start = ep->end_us + 20 * 1000000LL;
	sc = d->single >= 0 ? d->single : (int)(d->nep % SC_COUNT);
	memset(ep, 0, sizeof *ep);
	ep->sc = sc;
	ep->start_us = start;
	ep->end_us = start + scenario_info[sc].dur_s * 1000000LL;
	d->nep++;
	d->sc.next_us = start;
	d->sc.qn = d->sc.qi = 0;
}

/* Set a value of record f (a local) and mark it present. */
#define PUT_U(id, val) (f->v[id].u = (val), flow_set(f, id))
#define PUT_S(id, val) (f->v[id].s = (val), flow_set(f, id))

/* Start a record of ENI e in direction dir in the next queue slot. */
static struct flow *
rec(struct demo *d, struct stream *s, int e, unsigned dir)
{
	struct qrec *q;
	struct flow *f;
	const struct eni *en = &d->eni[e];
	int az = en->subnet % NAZ;

	if (s->qn >= NQ)
		return NULL;
	q = &s->q[s->qn++];
	f = &q->f;
	flow_clear(f);
	f->fmt = &d->fmt;
	q->lag = (uint8_t)(en->lag + below(d, 11));
	q->span = (uint8_t)below(d, 61);
	PUT_U(F_VERSION, 5);
	PUT_S(F_ACCOUNT_ID, acct_ids[vpc_spec[en->vpc].acct]);
	PUT_S(F_INTERFACE_ID, en->sid);
	PUT_S(F_VPC_ID, d->svpc[en->vpc]);
	PUT_S(F_SUBNET_ID, d->ssubnet[en->subnet]);
	if (en->sinst.len)
		PUT_S(F_INSTANCE_ID, en->sinst);
	PUT_S(F_REGION, region_id);
	PUT_S(F_AZ_ID, az_ids[az]);
	PUT_U(F_LOG_STATUS, STATUS_OK);
	PUT_U(F_FLOW_DIRECTION, dir);
	return f;
}

/* Write IPv4 address v into a as ::ffff:a.b.c.d. */
static void
addr4(struct flow_addr *a, uint32_t v)
{
	memset(a->b, 0, 10);
	a->b[10] = 0xff;
	a->b[11] = 0xff;
	a->b[12] = (uint8_t)(v >> 24);
	a->b[13] = (uint8_t)(v >> 16);
	a->b[14] = (uint8_t)(v >> 8);
	a->b[15] = (uint8_t)v;
}

/* Set the traffic fields of a record (pkt addresses given separately). */
static void
traffic(struct flow *f, uint32_t src, uint32_t dst, uint32_t psrc,
    uint32_t pdst, unsigned proto, unsigned sport, unsigned dport,
    uint64_t packets, uint64_t bytes, unsigned flags, unsigned action)
{
	if (f == NULL)
		return;
	addr4(&f->v[F_SRCADDR].a, src);
	addr4(&f->v[F_DSTADDR].a, dst);
	addr4(&f->v[F_PKT_SRCADDR].a, psrc);
	addr4(&f->v[F_PKT_DSTADDR].a, pdst);
	flow_set(f, F_SRCADDR);
	flow_set(f, F_DSTADDR);
	flow_set(f, F_PKT_SRCADDR);
	flow_set(f, F_PKT_DSTADDR);
	PUT_U(F_TYPE, TYPE_IPV4);
	PUT_U(F_PROTOCOL, proto);
	PUT_U(F_SRCPORT, proto == 1 ? 0 : sport);
	PUT_U(F_DSTPORT, proto == 1 ? 0 : dport);
	PUT_U(F_PACKETS, packets);
	PUT_U(F_BYTES, bytes);
	PUT_U(F_TCP_FLAGS, proto == 6 ? flags : 0);
	PUT_U(F_ACTION, action);
}

/* Set traffic-path (egress records only). */
static void
path(struct flow *f, unsigned p)
{
	if (f != NULL && p && f->v[F_FLOW_DIRECTION].u == DIR_EGRESS)
		PUT_U(F_TRAFFIC_PATH, p);
}

/* Set an AWS service name on the source or destination packet address. */
static void
service(struct flow *f, int dst, struct flow_str svc)
{
	if (f != NULL)
		PUT_S(dst ? F_PKT_DST_AWS_SERVICE : F_PKT_SRC_AWS_SERVICE, svc);
}

/* Packets of an ordinary flow: mostly a few, sometimes hundreds. */
static uint64_t
packets(struct demo *d)
{
	uint64_t n = range(d, 1, 12);

	if (below(d, 4) == 0)
		n += below(d, 120);
	if (below(d, 60) == 0)
		n += below(d, 20000);
	return n;
}

/* TCP flags of an accepted flow record, client or server side. */
static unsigned
tcp_flags(struct demo *d, int client)
{
	uint32_t r = below(d, 100);

	if (r < 40)
		return 0;
	if (r < 75)
		return client ? 3 : 19;
	if (r < 90)
		return client ? 2 : 18;
	return r < 97 ? 1 : 4;
}

/* Pick an ENI by weight. */
static int
pick_eni(struct demo *d)
{
	uint32_t r = below(d, d->weight_total);
	int i;

	for (i = 0; i < NENI - 1; i++) {
		if (r < eni_spec[i].weight)
			return i;
		r -= eni_spec[i].weight;
	}
	return NENI - 1;
}

/* Pick an ENI of a role (in vpc, or anywhere when vpc < 0); -1 if none. */
static int
pick_role(struct demo *d, int role, int vpc)
{
	int cand[NENI], n = 0, i;

	for (i = 0; i < NENI; i++)
		if (d->eni[i].role == role && (vpc < 0 || d->eni[i].vpc == vpc))
			cand[n++] = i;
	return n ? cand[below(d, (uint32_t)n)] : -1;
}

/* Pick an ENI of an instance in an app or data subnet (of vpc if >= 0). */
static int
pick_private(struct demo *d, int vpc)
{
	int cand[NENI], n = 0, i;

	for (i = 0; i < NENI; i++) {
		const struct eni *e = &d->eni[i];

		if (e->sinst.len && e->subnet / NAZ % SN_KINDS != SN_PUB &&
		    (vpc < 0 || e->vpc == vpc))
			cand[n++] = i;
	}
	return n ? cand[below(d, (uint32_t)n)] : -1;
}

/* Tell whether ENI e sits in a public subnet. */
static int
is_public(const struct demo *d, int e)
{
	return d->eni[e].subnet / NAZ % SN_KINDS == SN_PUB;
}

/* A frequent internet client (skewed towards the first of the pool). */
static uint32_t
client_addr(struct demo *d)
{
	return d->client[below(d, below(d, NCLIENT) + 1)];
}

/* traffic-path of an egress flow from ENI a to internal ENI b. */
static unsigned
internal_path(const struct demo *d, int a, int b)
{
	int va = d->eni[a].vpc, vb = d->eni[b].vpc;

	if (va == vb)
		return 1;
	return vpc_spec[va].acct == vpc_spec[vb].acct ? 4 : 1;
}

/* A connection between two ENIs: client egress, server ingress and the
 * server's reply. */
static void
conv_internal(struct demo *d, struct stream *s, int cl, int sv,
    unsigned proto, unsigned port)
{
	uint32_t a = d->eni[cl].ip, b = d->eni[sv].ip;
	unsigned eph = ephemeral(d), fl = tcp_flags(d, 1);
	uint64_t pk = packets(d), rpk = pk + below(d, (uint32_t)pk + 1);
	uint64_t by = pk * range(d, 52, 400), rby = rpk * range(d, 200, 1448);
	struct flow *f;

	f = rec(d, s, cl, DIR_EGRESS);
	traffic(f, a, b, a, b, proto, eph, port, pk, by, fl, ACTION_ACCEPT);
	path(f, internal_path(d, cl, sv));
	f = rec(d, s, sv, DIR_INGRESS);
	traffic(f, a, b, a, b, proto, eph, port, pk, by, fl, ACTION_ACCEPT);
	f = rec(d, s, sv, DIR_EGRESS);
	traffic(f, b, a, b, a, proto, port, eph, rpk, rby,
	    fl ? tcp_flags(d, 0) : 0, ACTION_ACCEPT);
	path(f, internal_path(d, sv, cl));
}

/* The four views a NAT gateway ENI logs of one connection from a private
 * host to an internet server. */
static void
conv_nat(struct demo *d, struct stream *s, int nat, int host, uint32_t ext,
    unsigned port, int heavy)
{
	uint32_t h = d->eni[host].ip, n = d->eni[nat].ip;
	unsigned eph = ephemeral(d), neph = range(d, 1024, 65535);
	uint64_t pk = packets(d), rpk = pk * range(d, 2, heavy ? 40 : 4);
	uint64_t by = pk * range(d, 52, 200), rby = rpk * range(d, 600, 1448);
	unsigned fl = tcp_flags(d, 1);
	struct flow *f;

	f = rec(d, s, nat, DIR_INGRESS);	/* host -> NAT */
	traffic(f, h, n, h, ext, 6, eph, port, pk, by, fl, ACTION_ACCEPT);
	f = rec(d, s, nat, DIR_EGRESS);		/* NAT -> internet */
	traffic(f, n, ext, n, ext, 6, neph, port, pk, by, fl, ACTION_ACCEPT);
	path(f, 2);
	f = rec(d, s, nat, DIR_INGRESS);	/* internet -> NAT */
	traffic(f, ext, n, ext, n, 6, port, neph, rpk, rby, fl ? 19 : 0,
	    ACTION_ACCEPT);
	f = rec(d, s, nat, DIR_EGRESS);		/* NAT -> host */
	traffic(f, n, h, ext, h, 6, port, eph, rpk, rby, fl ? 19 : 0,
	    ACTION_ACCEPT);
	path(f, 1);
	if (chance(d, 50)) {			/* the host's own view */
		f = rec(d, s, host, DIR_EGRESS);
		traffic(f, h, ext, h, ext, 6, eph, port, pk, by, fl,
		    ACTION_ACCEPT);
		path(f, 1);
	}
}

/* An ENI reaching out to the internet or an AWS service, and the reply. */
static void
conv_out(struct demo *d, struct stream *s, int e)
{
	uint32_t a = d->eni[e].ip, ext;
	unsigned eph = ephemeral(d), port = 443, p;
	const struct flow_str *svc = NULL;
	uint32_t r = below(d, 100);
	uint64_t pk = packets(d), rpk = pk * range(d, 1, 6);
	unsigned fl = tcp_flags(d, 1);
	struct flow *f;

	if (r < 30) {
		ext = IP4(52, 216, 0, 0) + below(d, 1u << 17);	/* S3 */
		svc = &svc_s3;
	} else if (r < 40) {
		ext = IP4(3, 218, 180, 0) + below(d, 1024);	/* DynamoDB */
		svc = &svc_ddb;
	} else {
		ext = d->server[below(d, NSERVER)];
		if (chance(d, 15))
			port = 80;
	}
	if (is_public(d, e))
		p = chance(d, 70) ? 8 : 2;
	else if (svc != NULL)
		p = 7;				/* gateway endpoint */
	else
		p = 1;				/* through the NAT gateway */
	if (p == 1 && chance(d, 50)) {
		int nat = pick_role(d, R_NAT, d->eni[e].vpc);

		if (nat >= 0 && d->eni[e].sinst.len) {
			conv_nat(d, s, nat, e, ext, port, 0);
			return;
		}
	}
	f = rec(d, s, e, DIR_EGRESS);
	traffic(f, a, ext, a, ext, 6, eph, port, pk, pk * range(d, 52, 300),
	    fl, ACTION_ACCEPT);
	path(f, p);
	if (svc != NULL)
		service(f, 1, *svc);
	f = rec(d, s, e, DIR_INGRESS);
	traffic(f, ext, a, ext, a, 6, port, eph, rpk, rpk * range(d, 600, 1448),
	    fl ? 19 : 0, ACTION_ACCEPT);
	if (svc != NULL)
		service(f, 0, *svc);
}

/* An internet client's connection to ENI e on port, and the reply. */
static void
conv_in(struct demo *d, struct stream *s, int e, uint32_t ext, unsigned port)
{
	uint32_t a = d->eni[e].ip;
	unsigned eph = ephemeral(d), fl = tcp_flags(d, 1);
	uint64_t pk = packets(d), rpk = pk + below(d, (uint32_t)pk * 3 + 1);
	uint64_t rby = rpk * range(d, 200, 1448);
	unsigned rfl = fl ? tcp_flags(d, 0) : 0;
	struct flow *f;

	f = rec(d, s, e, DIR_INGRESS);
	traffic(f, ext, a, ext, a, 6, eph, port, pk, pk * range(d, 52, 600),
	    fl, ACTION_ACCEPT);
	f = rec(d, s, e, DIR_EGRESS);
	traffic(f, a, ext, a, ext, 6, port, eph, rpk, rby, rfl,
	    ACTION_ACCEPT);
	path(f, chance(d, 70) ? 8 : 2);
}

/* A rejected knock from an internet scanner on a public ENI. */
static void
conv_probe(struct demo *d, struct stream *s)
{
	int cand[NENI], n = 0, i, e;
	uint32_t ext = host_in24(d, client_nets[3 + below(d, NCLIENT_NETS - 3)]);
	unsigned pk = range(d, 1, 2), sport, dport;
	struct flow *f;

	for (i = 0; i < NENI; i++)
		if (is_public(d, i))
			cand[n++] = i;
	if (n == 0)	/* a topology with no public subnet: no one to probe */
		return;
	e = cand[below(d, (uint32_t)n)];
	f = rec(d, s, e, DIR_INGRESS);
	if (chance(d, 85)) {
		sport = range(d, 1024, 65535);
		dport = probe_ports[below(d, 16)];
		traffic(f, ext, d->eni[e].ip, ext, d->eni[e].ip, 6, sport,
		    dport, pk, pk * 44, 2, ACTION_REJECT);
	} else {
		traffic(f, ext, d->eni[e].ip, ext, d->eni[e].ip, 1, 0, 0, pk,
		    pk * 84, 0, ACTION_REJECT);
	}
	if (f != NULL)
		s->q[s->qn - 1].span = (uint8_t)below(d, 3);
}

/* A NODATA or SKIPDATA record of a random ENI. */
static void
conv_status(struct demo *d, struct stream *s)
{
	struct flow *f = rec(d, s, (int)below(d, NENI), DIR_INGRESS);

	if (f == NULL)
		return;
	f->present[F_FLOW_DIRECTION >> 6] &=
	    ~((uint64_t)1 << (F_FLOW_DIRECTION & 63));
	f->v[F_LOG_STATUS].u = chance(d, 70) ? STATUS_NODATA : STATUS_SKIPDATA;
	s->q[s->qn - 1].span = 59;
}

/* One conversation of the background traffic, chosen by a weighted ENI. */
static void
conv_background(struct demo *d, struct stream *s)
{
	uint32_t r = below(d, 1000);
	int e, peer, v;
	uint32_t ext;
	unsigned port;

	if (r < 3) {
		conv_status(d, s);
		return;
	}
	if (r < 50) {
		conv_probe(d, s);
		return;
	}
	e = pick_eni(d);
	v = d->eni[e].vpc;
	r = below(d, 100);
	switch (d->eni[e].role) {
	case R_ALB:
		peer = pick_role(d, R_WEB, v);
		if (r < 60 || peer < 0) {
			ext = client_addr(d);
			port = chance(d, 85) ? 443 : 80;
			conv_in(d, s, e, ext, port);
		} else {
			conv_internal(d, s, e, peer, 6, 8080);
		}
		break;
	case R_WEB:
		if (r < 55 && (peer = pick_role(d, R_API, v)) >= 0)
			conv_internal(d, s, e, peer, 6, 8080);
		else if (r < 70 && (peer = pick_role(d, R_REDIS, -1)) >= 0)
			conv_internal(d, s, e, peer, 6, 6379);
		else
			conv_out(d, s, e);
		break;
	case R_API:
		if (r < 50 && (peer = pick_role(d, R_PG, v == 3 ? 3 : 1)) >= 0)
			conv_internal(d, s, e, peer, 6, 5432);
		else if (r < 75 && (peer = pick_role(d, R_REDIS, -1)) >= 0)
			conv_internal(d, s, e, peer, 6, 6379);
		else
			conv_out(d, s, e);
		break;
	case R_WORKER:
		if (r < 45 && (peer = pick_role(d, R_KAFKA, -1)) >= 0)
			conv_internal(d, s, e, peer, 6, 9092);
		else
			conv_out(d, s, e);
		break;
	case R_PG:
		peer = pick_role(d, R_API, v == 3 ? 3 : 0);
		conv_internal(d, s, peer, e, 6, 5432);
		break;
	case R_REDIS:
		peer = pick_role(d, chance(d, 50) ? R_API : R_WEB, 0);
		conv_internal(d, s, peer, e, 6, 6379);
		break;
	case R_KAFKA:
		peer = pick_role(d, R_WORKER, -1);
		conv_internal(d, s, peer, e, 6, 9092);
		break;
	case R_NAT:
		peer = pick_private(d, v);
		if (peer < 0)
			peer = pick_private(d, -1);
		if (d->eni[peer].vpc != v) {
			conv_out(d, s, e);
		} else {
			ext = d->server[below(d, NSERVER)];
			port = chance(d, 80) ? 443 : 80;
			conv_nat(d, s, e, peer, ext, port, 0);
		}
		break;
	case R_BASTION:
		if (r < 50)
			conv_in(d, s, e, d->admin[below(d, 2)], 22);
		else
			conv_internal(d, s, e, pick_private(d, v), 6, 22);
		break;
	case R_DNS:
		peer = pick_private(d, -1);
		conv_internal(d, s, peer, e, 17, 53);
		break;
	case R_CI:
		conv_out(d, s, e);
		break;
	case R_MON:
		peer = (int)below(d, NENI);
		if (peer == e)
			peer = (peer + 1) % NENI;
		conv_internal(d, s, e, peer, 6, 9100);
		break;
	case R_VPN:
		{
			struct flow *f;
			uint64_t pk;

			ext = d->admin[below(d, 2)] + 1;
			f = rec(d, s, e, DIR_INGRESS);
			pk = packets(d);

			traffic(f, ext, d->eni[e].ip, ext, d->eni[e].ip, 17,
			    4500, 4500, pk, pk * range(d, 100, 1400), 0,
			    ACTION_ACCEPT);
		}
		break;
	}
}

/* Choose the actors of the current episode. */
static void
cast(struct demo *d)
{
	struct episode *ep = &d->ep;
	uint32_t net;
	int pub[NENI], i, n;

	ep->cast = 1;
	switch (ep->sc) {
	case SC_PORTSCAN:
		net = client_nets[3 + below(d, NCLIENT_NETS - 3)];
		ep->nattacker = chance(d, 30) ? 2 : 1;
		ep->attacker[0] = host_in24(d, net);
		ep->attacker[1] = ep->attacker[0] ^ 1;
		for (i = n = 0; i < NENI; i++)
			if (is_public(d, i))
				pub[n++] = i;
		ep->ntarget = (int)range(d, 1, 3);
		for (i = 0; i < ep->ntarget; i++)
			ep->target[i] = pub[below(d, (uint32_t)n)];
		ep->cursor = 0;
		break;
	case SC_BRUTEFORCE:
		ep->nattacker = (int)range(d, 3, 5);
		for (i = 0; i < ep->nattacker; i++)
			ep->attacker[i] = host_in24(d,
			    client_nets[3 + below(d, NCLIENT_NETS - 3)]);
		ep->ntarget = 1;
		ep->target[0] = pick_role(d, R_BASTION, -1);
		break;
	case SC_EXFIL:
		ep->ntarget = 1;
		ep->target[0] = pick_private(d, chance(d, 50) ? 0 : 1);
		ep->peer = IP4(202, 196, 224, 0) + range(d, 2, 4000);
		for (i = 0; i < 8; i++)
			ep->port[i] = ephemeral(d);
		break;
	case SC_REJECTSTORM:
		ep->ntarget = 1;
		ep->target[0] = pick_role(d, chance(d, 60) ? R_PG : R_REDIS, 1);
		break;
	case SC_NAT:
		ep->ntarget = 1;
		ep->target[0] = pick_role(d, R_NAT, 0);
		ep->nattacker = (int)range(d, 3, 5);	/* private hosts */
		for (i = 0; i < ep->nattacker; i++)
			ep->attacker[i] = (uint32_t)pick_private(d, 0);
		ep->peer = d->server[below(d, 8)];
		break;
	}
}

/* Popular ports a scanner tries after the first 1024. */
static const uint16_t high_ports[] = {
	1433, 1521, 2049, 2375, 3000, 3306, 3389, 5000, 5432, 5900, 5984,
	6379, 7001, 8000, 8080, 8081, 8443, 8888, 9000, 9090, 9200, 9300,
	10250, 11211, 27017, 50000
};

/* One record (or conversation) of the current episode's scenario. */
static void
conv_scenario(struct demo *d, struct stream *s)
{
	struct episode *ep = &d->ep;
	struct flow *f;
	uint32_t a, b;
	int e, i;

	if (!ep->cast)
		cast(d);
	switch (ep->sc) {
	case SC_PORTSCAN: {
		uint32_t k = ep->cursor++;
		unsigned port, pk;
		int open;

		e = ep->target[k % (uint32_t)ep->ntarget];
		k /= (uint32_t)ep->ntarget;
		port = k < 1024 ? k + 1 :
		    (k & 1 ? high_ports[(k / 2) % 26] : range(d, 1025, 65535));
		open = (port == 22 && d->eni[e].role == R_BASTION) ||
		    ((port == 443 || port == 80) && d->eni[e].role == R_ALB);
		a = ep->attacker[below(d, (uint32_t)ep->nattacker)];
		b = d->eni[e].ip;
		pk = open ? 2 : range(d, 1, 2);
		f = rec(d, s, e, DIR_INGRESS);
		traffic(f, a, b, a, b, 6, range(d, 40000, 65000), port, pk,
		    pk * 44, open ? 6 : 2, open ? ACTION_ACCEPT : ACTION_REJECT);
		if (f != NULL)
			s->q[s->qn - 1].span = (uint8_t)below(d, 3);
		break;
	}
	case SC_BRUTEFORCE: {
		unsigned eph = ephemeral(d);
		uint64_t pk = range(d, 12, 30), rpk = pk - range(d, 1, 4);

		e = ep->target[0];
		a = ep->attacker[below(d, (uint32_t)ep->nattacker)];
		b = d->eni[e].ip;
		f = rec(d, s, e, DIR_INGRESS);
		traffic(f, a, b, a, b, 6, eph, 22, pk, pk * range(d, 90, 160),
		    19, ACTION_ACCEPT);
		if (f != NULL)
			s->q[s->qn - 1].span = (uint8_t)range(d, 1, 4);
		f = rec(d, s, e, DIR_EGRESS);
		traffic(f, b, a, b, a, 6, 22, eph, rpk, rpk * range(d, 100, 200),
		    19, ACTION_ACCEPT);
		path(f, 8);
		if (f != NULL)
			s->q[s->qn - 1].span = (uint8_t)range(d, 1, 4);
		break;
	}
	case SC_EXFIL: {
		uint64_t pk = range(d, 20000, 150000);
		unsigned port = ep->port[below(d, 8)];

		e = ep->target[0];
		a = d->eni[e].ip;
		f = rec(d, s, e, DIR_EGRESS);
		traffic(f, a, ep->peer, a, ep->peer, 6, port, 443, pk,
		    pk * range(d, 1400, 1448), 0, ACTION_ACCEPT);
		path(f, 1);
		if (f != NULL)
			s->q[s->qn - 1].span = (uint8_t)range(d, 50, 60);
		pk = pk / range(d, 2, 4);
		f = rec(d, s, e, DIR_INGRESS);
		traffic(f, ep->peer, a, ep->peer, a, 6, 443, port, pk, pk * 52,
		    0, ACTION_ACCEPT);
		if (f != NULL)
			s->q[s->qn - 1].span = (uint8_t)range(d, 50, 60);
		break;
	}
	case SC_REJECTSTORM: {
		int cl = pick_role(d, chance(d, 50) ? R_API : R_WEB, 0);
		unsigned port = d->eni[ep->target[0]].role == R_PG ? 5432 : 6379;
		unsigned eph = ephemeral(d), pk = range(d, 1, 3);

		e = ep->target[0];
		a = d->eni[cl].ip;
		b = d->eni[e].ip;
		if (chance(d, 85)) {
			f = rec(d, s, e, DIR_INGRESS);
			traffic(f, a, b, a, b, 6, eph, port, pk, pk * 60, 2,
			    ACTION_REJECT);
		} else {
			f = rec(d, s, cl, DIR_EGRESS);
			traffic(f, a, b, a, b, 6, eph, port, pk, pk * 60, 2,
			    ACTION_ACCEPT);
			path(f, 4);
		}
		if (f != NULL)
			s->q[s->qn - 1].span = (uint8_t)below(d, 5);
		break;
	}
	case SC_NAT:
		i = (int)below(d, (uint32_t)ep->nattacker);
		conv_nat(d, s, ep->target[0], (int)ep->attacker[i],
		    chance(d, 70) ? ep->peer : d->server[below(d, NSERVER)],
		    443, 1);
		break;
	}
}

/* Records per second of the background at time t (wave and bursts). */
static uint32_t
bg_rate(struct demo *d, int64_t t)
{
	int64_t ms = (t - d->origin_us) / 1000 % 90000;
	uint32_t tri = (uint32_t)(ms < 45000 ? ms : 90000 - ms);	/* 0..45000 */
	uint32_t rate = BG_RATE * (700 + tri * 600 / 45000) / 1000;

	if (t >= d->next_burst_us) {
		if (d->next_burst_us != 0) {
			d->burst_until_us = t + range(d, 3000, 6000) * 1000LL;
			d->burst_x10 = range(d, 25, 35);
		}
		d->next_burst_us = t + range(d, 25000, 50000) * 1000LL;
	}
	if (t < d->burst_until_us)
		rate = rate * d->burst_x10 / 10;
	return rate;
}

/* Microseconds to the next record of a stream running at rate per s. */
static int64_t
gap(struct demo *d, uint32_t rate)
{
	uint32_t mean = 1000000u / (rate ? rate : 1);

	return (int64_t)range(d, mean / 2, mean + mean / 2);
}

/* Move both streams past a clock jump: records before t are dropped. */
static void
skip_to(struct demo *d, int64_t t)
{
	if (d->bg.next_us < t) {
		d->bg.next_us = t;
		d->bg.qn = d->bg.qi = 0;
	}
	while (d->ep.end_us <= t)
		plan_episode(d);
	if (d->sc.next_us < t) {
		d->sc.next_us = t;
		d->sc.qn = d->sc.qi = 0;
	}
}

/* Deliver up to max records due by now_ms. */
uint64_t
demo_step_max(struct demo *d, int64_t now_ms, uint64_t max,
    demo_record_fn fn, void *ctx)
{
	int64_t now = now_ms * 1000;
	uint64_t n = 0;

	if (!d->started) {
		d->started = 1;
		d->origin_us = now;
		d->bg.next_us = now;
		plan_episode(d);
	}
	if (now - DEMO_CATCHUP_US > d->bg.next_us ||
	    now - DEMO_CATCHUP_US > d->sc.next_us)
		skip_to(d, now - DEMO_CATCHUP_US);
	d->last_us = now;
	while (max == 0 || n < max) {
		struct stream *s = d->bg.next_us <= d->sc.next_us ? &d->bg :
		    &d->sc;
		int64_t t = s->next_us;
		struct qrec *q;
		uint32_t rate;

		if (t > now)
			break;
		if (s->qi >= s->qn) {
			s->qn = s->qi = 0;
			if (s == &d->sc) {
				if (t >= d->ep.end_us) {
					plan_episode(d);
					continue;
				}
				conv_scenario(d, s);
			} else {
				conv_background(d, s);
			}
		}
		if (s == &d->sc)
			rate = (uint32_t)scenario_info[d->ep.sc].rate;
		else
			rate = bg_rate(d, t);
		s->next_us = t + gap(d, rate);
		if (s->qi >= s->qn)
			continue;	/* nothing queued (cannot happen) */
		q = &s->q[s->qi++];
		{
			int64_t end = t / 1000000 - q->lag;

			q->f.v[F_END].u = (uint64_t)end;
			q->f.v[F_START].u = (uint64_t)(end - q->span);
			flow_set(&q->f, F_START);
			flow_set(&q->f, F_END);
		}
		if (fn != NULL)
			fn(ctx, &q->f);
		n++;
	}
	return n;
}

/* Deliver every record due by now_ms. */
uint64_t
demo_step(struct demo *d, int64_t now_ms, demo_record_fn fn, void *ctx)
{
	return demo_step_max(d, now_ms, 0, fn, ctx);
}
