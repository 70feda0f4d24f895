/*
 * flow.h - one parsed flow-log record.
 *
 * A struct flow is the parser's output and lives only as long as the line
 * it was parsed from: symbol values point into that line.  Every field of
 * the table has a value slot; a bit in `present` says whether the record
 * carries the field and its value was not "-".  Formats decide which fields
 * a record carries at all (`fmt`).  The store copies what it keeps.
 */
#ifndef VPCTOP_FLOW_H
#define VPCTOP_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "field.h"

struct format;

/* A slice of text: not NUL-terminated. */
struct flow_str {
	const char *p;
	uint32_t len;
};

/* An address: IPv6 bytes, IPv4 stored as ::ffff:a.b.c.d. */
struct flow_addr {
	uint8_t b[16];
};

/* One field's value; the field's type says which member is used. */
union flow_val {
	uint64_t u;		/* FT_INT, FT_PORT, FT_COUNTER, FT_TIME, FT_ENUM */
	struct flow_str s;	/* FT_SYMBOL */
	struct flow_addr a;	/* FT_ADDR */
};

/* Per-record notes the parser makes for the statistics. */
enum {
	FLOW_MS_TIME = 1 << 0	/* start or end was given in milliseconds */
};

struct flow {
	uint64_t present[2];		/* bit per field id: value present */
	const struct format *fmt;	/* the format the record was read in */
	uint32_t flags;			/* FLOW_* notes */
	union flow_val v[FIELD_COUNT];
};

/* Length of the longest address text flow_addr_format writes, with NUL. */
#define FLOW_ADDR_STRLEN 46

/* Tell whether field id has a value in f. */
static inline int
flow_has(const struct flow *f, int id)
{
	return (int)((f->present[id >> 6] >> (id & 63)) & 1);
}

/* Mark field id of f as present. */
static inline void
flow_set(struct flow *f, int id)
{
	f->present[id >> 6] |= (uint64_t)1 << (id & 63);
}

/* Forget every value of f. */
static inline void
flow_clear(struct flow *f)
{
	f->present[0] = f->present[1] = 0;
	f->flags = 0;
}

/* Tell whether an address is an IPv4 address (v4-mapped). */
int flow_addr_is_v4(const struct flow_addr *a);

/* Parse a dotted quad of exactly len bytes into out[0..3] (1 to 3 digits
 * per part, no leading zero, at most 255); -1 if bad. */
int flow_v4_parse(const char *s, size_t len, uint8_t out[4]);

/* Parse an IPv4 or IPv6 address of len bytes; 0 on success, -1 if bad. */
int flow_addr_parse(const char *s, size_t len, struct flow_addr *out);

/* Write an address in canonical text form (RFC 5952 for IPv6). */
void flow_addr_format(const struct flow_addr *a, char buf[FLOW_ADDR_STRLEN]);

/* Write field id of f as flow-log text ("-" when absent); returns length.
 * buf must hold at least FLOW_VALUE_MAX bytes; longer symbols are cut. */
#define FLOW_VALUE_MAX 4096
size_t flow_value_text(const struct flow *f, int id, char *buf, size_t size);

#endif
