/*
 * decode.c - values explained for people.
 *
 * All tables are compiled in and sorted by number, so a lookup is a binary
 * search and the output never depends on /etc/services, /etc/protocols or
 * the C library of the machine.
 *
 * tcp-flags: AWS reports FIN, SYN, RST and SYN-ACK (18) only, OR-ed over
 * the aggregation interval, but every bit is decoded (FIN 1, SYN 2, RST 4,
 * PSH 8, ACK 16, URG 32) in bit order, SYN and ACK together as "SYN-ACK":
 * 19 is "FIN,SYN-ACK".  Bits above URG (ECE, CWR, anything else) are
 * written together as one hex number ("0xc0") at the end.
 *
 * Service names follow the IANA registry where its name is the one people
 * use (ssh, domain, microsoft-ds, ms-sql-s) and the common name otherwise
 * (rdp, not ms-wbt-server; redis, elasticsearch, kubelet).  A service is
 * listed for TCP, UDP or both, as it is used: 53 for both, 123 and 161
 * for UDP only; other protocols have no services.
 */
#include "decode.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Append s to the n bytes in b (room for all names), comma first if n. */
static size_t
add_name(char *b, size_t n, const char *s)
{
	size_t l = strlen(s);

	if (n)
		b[n++] = ',';
	memcpy(b + n, s, l + 1);
	return n + l;
}

/* tcp-flags bits as names: "SYN", "SYN-ACK" (18), "FIN,SYN", "-" for 0. */
size_t
decode_tcp_flags(unsigned flags, char *buf, size_t size)
{
	char b[64];
	size_t n = 0;
	unsigned rest = flags & ~0x3fu;
	int w;

	b[0] = '\0';
	if (flags & 1)
		n = add_name(b, n, "FIN");
	if ((flags & 0x12) == 0x12)
		n = add_name(b, n, "SYN-ACK");
	else if (flags & 2)
		n = add_name(b, n, "SYN");
	if (flags & 4)
		n = add_name(b, n, "RST");
	if (flags & 8)
		n = add_name(b, n, "PSH");
	if ((flags & 0x12) == 0x10)
		n = add_name(b, n, "ACK");
	if (flags & 0x20)
		n = add_name(b, n, "URG");
	if (rest) {
		char hex[16];

		snprintf(hex, sizeof hex, "0x%x", rest);
		n = add_name(b, n, hex);
	}
	w = snprintf(buf, size, "%s", n ? b : "-");
	return w < 0 ? 0 : (size_t)w;
}

/* Meaning of a traffic-path value 1-8, NULL for others. */
const char *
decode_traffic_path(unsigned v)
{
	static const char *const path[] = {
		NULL,
		"through another resource in the same VPC",
		"through an internet gateway or a gateway VPC endpoint",
		"through a virtual private gateway",
		"through an intra-region VPC peering connection",
		"through an inter-region VPC peering connection",
		"through a local gateway",
		"through a gateway VPC endpoint (Nitro-based instances only)",
		"through an internet gateway (Nitro-based instances only)",
	};

	return v < sizeof path / sizeof path[0] ? path[v] : NULL;
}

struct numname {
	unsigned num;
	const char *name;
};

/* IANA protocol numbers, sorted. */
static const struct numname protocols[] = {
	{ 0, "HOPOPT" }, { 1, "ICMP" }, { 2, "IGMP" }, { 4, "IPv4" },
	{ 6, "TCP" }, { 8, "EGP" }, { 9, "IGP" }, { 17, "UDP" },
	{ 33, "DCCP" }, { 41, "IPv6" }, { 43, "IPv6-Route" },
	{ 44, "IPv6-Frag" }, { 46, "RSVP" }, { 47, "GRE" }, { 50, "ESP" },
	{ 51, "AH" }, { 58, "ICMPv6" }, { 59, "IPv6-NoNxt" },
	{ 60, "IPv6-Opts" }, { 88, "EIGRP" }, { 89, "OSPF" }, { 94, "IPIP" },
	{ 97, "ETHERIP" }, { 103, "PIM" }, { 108, "IPComp" }, { 112, "VRRP" },
	{ 115, "L2TP" }, { 132, "SCTP" }, { 136, "UDPLite" },
	{ 137, "MPLS-in-IP" }, { 143, "Ethernet" },
};

/* Binary search of a sorted table; NULL when num is not in it. */
static const struct numname *
find(const struct numname *t, size_t n, unsigned num)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t[mid].num == num)
			return &t[mid];
		if (t[mid].num < num)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Protocol name of an IANA number, NULL when not in the table. */
const char *
decode_protocol(unsigned proto)
{
	const struct numname *e = find(protocols,
	    sizeof protocols / sizeof protocols[0], proto);

	return e ? e->name : NULL;
}

enum { T = 1, U = 2, TU = 3 };

struct service {
	unsigned port;
	unsigned proto;		/* T, U or TU */
	const char *name;
};

/* Well-known ports, sorted by port (one entry per port). */
static const struct service services[] = {
	{ 20, T, "ftp-data" }, { 21, T, "ftp" }, { 22, T, "ssh" },
	{ 23, T, "telnet" }, { 25, T, "smtp" }, { 53, TU, "domain" },
	{ 67, U, "bootps" }, { 68, U, "bootpc" }, { 69, U, "tftp" },
	{ 80, T, "http" }, { 88, TU, "kerberos" }, { 110, T, "pop3" },
	{ 111, TU, "sunrpc" }, { 123, U, "ntp" }, { 135, T, "epmap" },
	{ 137, U, "netbios-ns" }, { 138, U, "netbios-dgm" },
	{ 139, T, "netbios-ssn" }, { 143, T, "imap" }, { 161, U, "snmp" },
	{ 162, U, "snmptrap" }, { 179, T, "bgp" }, { 389, TU, "ldap" },
	{ 443, TU, "https" }, { 445, T, "microsoft-ds" },
	{ 464, TU, "kpasswd" }, { 465, T, "submissions" },
	{ 500, U, "isakmp" }, { 514, U, "syslog" }, { 587, T, "submission" },
	{ 636, T, "ldaps" }, { 853, TU, "domain-s" }, { 873, T, "rsync" },
	{ 993, T, "imaps" }, { 995, T, "pop3s" }, { 1080, T, "socks" },
	{ 1194, U, "openvpn" }, { 1433, T, "ms-sql-s" },
	{ 1521, T, "oracle" }, { 1812, U, "radius" },
	{ 1813, U, "radius-acct" }, { 1883, T, "mqtt" },
	{ 2049, TU, "nfs" }, { 2181, T, "zookeeper" }, { 2375, T, "docker" },
	{ 2376, T, "docker-s" }, { 2379, T, "etcd-client" },
	{ 2380, T, "etcd-server" }, { 3128, T, "squid" },
	{ 3268, T, "msft-gc" }, { 3306, T, "mysql" }, { 3389, T, "rdp" },
	{ 4369, T, "epmd" }, { 4500, U, "ipsec-nat-t" },
	{ 4789, U, "vxlan" }, { 5060, TU, "sip" }, { 5222, T, "xmpp-client" },
	{ 5353, U, "mdns" }, { 5432, T, "postgresql" },
	{ 5439, T, "redshift" }, { 5601, T, "kibana" }, { 5671, T, "amqps" },
	{ 5672, T, "amqp" }, { 5900, T, "vnc" }, { 5985, T, "wsman" },
	{ 5986, T, "wsmans" }, { 6081, U, "geneve" }, { 6379, T, "redis" },
	{ 6443, T, "kube-apiserver" }, { 6667, T, "ircd" },
	{ 8080, T, "http-alt" }, { 8200, T, "vault" },
	{ 8443, T, "https-alt" }, { 8500, T, "consul" },
	{ 8883, T, "secure-mqtt" }, { 9042, T, "cassandra" },
	{ 9090, T, "prometheus" }, { 9092, T, "kafka" },
	{ 9200, T, "elasticsearch" }, { 9418, T, "git" },
	{ 10250, T, "kubelet" }, { 11211, TU, "memcached" },
	{ 27017, T, "mongodb" },
};

/* Service name of a well-known port for a protocol, NULL when unknown. */
const char *
decode_service(unsigned port, unsigned proto)
{
	size_t lo = 0, hi = sizeof services / sizeof services[0];
	unsigned want = proto == 6 ? T : proto == 17 ? U : 0;

	if (!want)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (services[mid].port == port)
			return services[mid].proto & want ?
			    services[mid].name : NULL;
		if (services[mid].port < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A Unix time as "2024-05-01 12:00:03" (UTC) or local with its zone. */
size_t
decode_time(uint64_t t, int utc, char *buf, size_t size)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char b[64];
	size_t n = 0;
	int w;

	if (tt >= 0 && (uint64_t)tt == t && (utc ? gmtime_r(&tt, &tm) :
	    localtime_r(&tt, &tm)) != NULL)
		n = strftime(b, sizeof b, utc ? "%Y-%m-%d %H:%M:%S" :
		    "%Y-%m-%d %H:%M:%S %Z", &tm);
	if (n == 0)
		snprintf(b, sizeof b, "%llu", (unsigned long long)t);
	w = snprintf(buf, size, "%s", b);
	return w < 0 ? 0 : (size_t)w;
}

/* A duration in seconds as "45s", "3m20s", "2h05m", "3d04h". */
size_t
decode_duration(uint64_t secs, char *buf, size_t size)
{
	unsigned long long s = secs;
	int w;

	if (s < 60)
		w = snprintf(buf, size, "%llus", s);
	else if (s < 3600)
		w = snprintf(buf, size, "%llum%02llus", s / 60, s % 60);
	else if (s < 86400)
		w = snprintf(buf, size, "%lluh%02llum", s / 3600,
		    s % 3600 / 60);
	else
		w = snprintf(buf, size, "%llud%02lluh", s / 86400,
		    s % 86400 / 3600);
	return w < 0 ? 0 : (size_t)w;
}
