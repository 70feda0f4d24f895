/*
 * flow.c - values of a parsed record: addresses and text forms.
 *
 * IPv4 addresses are held as IPv4-mapped IPv6 (::ffff:a.b.c.d) so that one
 * 16-byte type covers both families; the dotted quad is parsed by hand
 * because it is on the hot path of every line, IPv6 goes to inet_pton.
 */
#include "flow.h"

#include <arpa/inet.h>
#include <string.h>

static const uint8_t v4_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/* Tell whether an address is an IPv4 address (v4-mapped). */
int
flow_addr_is_v4(const struct flow_addr *a)
{
	return memcmp(a->b, v4_prefix, 12) == 0;
}

/* Parse a dotted quad of exactly len bytes into out[0..3] (1 to 3 digits
 * per part, no leading zero, at most 255); -1 if bad. */
int
flow_v4_parse(const char *s, size_t len, uint8_t out[4])
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned v = 0;
		size_t start = i;

		while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 3)
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == start || v > 255)
			return -1;
		if (i - start > 1 && s[start] == '0')
			return -1;	/* leading zeros read as octal elsewhere */
		out[part] = (uint8_t)v;
		if (part < 3) {
			if (i >= len || s[i] != '.')
				return -1;
			i++;
		}
	}
	return i == len ? 0 : -1;
}

/* Parse an IPv4 or IPv6 address of len bytes; 0 on success, -1 if bad. */
int
flow_addr_parse(const char *s, size_t len, struct flow_addr *out)
{
	char buf[64];
	size_t i;

	if (len >= 7 && len <= 15 && memchr(s, ':', len) == NULL) {
		memcpy(out->b, v4_prefix, 12);
		return flow_v4_parse(s, len, out->b + 12);
	}
	if (len < 2 || len >= sizeof buf)
		return -1;
	/* inet_pton accepts exactly the textual forms of RFC 4291 2.2; a zone
	 * suffix (%eth0) never appears in flow logs and is rejected. */
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F') || c == ':' || c == '.'))
			return -1;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET6, buf, out->b) != 1)
		return -1;
	return 0;
}

/* Write an address in canonical text form (RFC 5952 for IPv6). */
void
flow_addr_format(const struct flow_addr *a, char buf[FLOW_ADDR_STRLEN])
{
	static const char hex[] = "0123456789abcdef";
	unsigned g[8];
	int i, best = -1, bestlen = 1, run = 0;
	char *o = buf;

	if (flow_addr_is_v4(a)) {
		for (i = 12; i < 16; i++) {
			unsigned v = a->b[i];

			if (v >= 100)
				*o++ = (char)('0' + v / 100);
			if (v >= 10)
				*o++ = (char)('0' + v / 10 % 10);
			*o++ = (char)('0' + v % 10);
			*o++ = i < 15 ? '.' : '\0';
		}
		return;
	}
	/* RFC 5952: lowercase, no leading zeros, the longest run of two or
	 * more zero groups (the first of equal runs) as "::". */
	for (i = 0; i < 8; i++) {
		g[i] = (unsigned)a->b[2 * i] << 8 | a->b[2 * i + 1];
		run = g[i] == 0 ? run + 1 : 0;
		if (run > bestlen) {
			bestlen = run;
			best = i - run + 1;
		}
	}
	for (i = 0; i < 8; i++) {
		if (i == best) {
			*o++ = ':';
			if (i == 0)
				*o++ = ':';
			i += bestlen - 1;
			continue;
		}
		if (g[i] >= 0x1000)
			*o++ = hex[g[i] >> 12];
		if (g[i] >= 0x100)
			*o++ = hex[(g[i] >> 8) & 15];
		if (g[i] >= 0x10)
			*o++ = hex[(g[i] >> 4) & 15];
		*o++ = hex[g[i] & 15];
		if (i < 7)
			*o++ = ':';
	}
	*o = '\0';
}

/* Write an unsigned number in decimal; returns its length. */
static size_t
u64_text(uint64_t v, char *buf)
{
	char tmp[24];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return n;
}

/* Write field id of f as flow-log text ("-" when absent); returns length. */
size_t
flow_value_text(const struct flow *f, int id, char *buf, size_t size)
{
	const struct field_info *fi = &field_table[id];
	const char *w;
	size_t n;

	if (size < FLOW_ADDR_STRLEN) {
		if (size)
			buf[0] = '\0';
		return 0;
	}
	if (!flow_has(f, id)) {
		buf[0] = '-';
		buf[1] = '\0';
		return 1;
	}
	switch (fi->type) {
	case FT_ADDR:
		flow_addr_format(&f->v[id].a, buf);
		return strlen(buf);
	case FT_ENUM:
		w = field_enum_word(id, (unsigned)f->v[id].u);
		if (w == NULL)
			return u64_text(f->v[id].u, buf);
		n = strlen(w);
		memcpy(buf, w, n + 1);
		return n;
	case FT_SYMBOL:
		n = f->v[id].s.len;
		if (n > size - 1)
			n = size - 1;
		memcpy(buf, f->v[id].s.p, n);
		buf[n] = '\0';
		return n;
	default:
		return u64_text(f->v[id].u, buf);
	}
}
