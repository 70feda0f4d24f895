/*
 * format.c - record formats.
 *
 * "vN" means what AWS means by a version: every VPC field introduced up to
 * version N, in the order of the AWS field table (field.c), which is also
 * the order of the S3 header AWS writes for such a flow log.  Version 6
 * exists only for Transit Gateway logs, so "v6" is the TGW default format.
 * The default-count table lets a header-less line (CloudWatch, a pipe) be
 * read when its field count is one of those well-known orders, as the
 * Elastic ingest pipeline does; anything else needs -F or a header.
 */
#include "format.h"

#include <stdio.h>
#include <string.h>

/* Transit Gateway default order (AWS TGW guide, "all fields"). */
static const uint8_t tgw_order[] = {
	F_VERSION, F_RESOURCE_TYPE, F_ACCOUNT_ID, F_TGW_ID,
	F_TGW_ATTACHMENT_ID, F_TGW_SRC_VPC_ACCOUNT_ID,
	F_TGW_DST_VPC_ACCOUNT_ID, F_TGW_SRC_VPC_ID, F_TGW_DST_VPC_ID,
	F_TGW_SRC_SUBNET_ID, F_TGW_DST_SUBNET_ID, F_TGW_SRC_ENI,
	F_TGW_DST_ENI, F_TGW_SRC_AZ_ID, F_TGW_DST_AZ_ID,
	F_TGW_PAIR_ATTACHMENT_ID, F_SRCADDR, F_DSTADDR, F_SRCPORT,
	F_DSTPORT, F_PROTOCOL, F_PACKETS, F_BYTES, F_START, F_END,
	F_LOG_STATUS, F_TYPE, F_PACKETS_LOST_NO_ROUTE,
	F_PACKETS_LOST_BLACKHOLE, F_PACKETS_LOST_MTU_EXCEEDED,
	F_PACKETS_LOST_TTL_EXPIRED, F_TCP_FLAGS, F_REGION,
	F_FLOW_DIRECTION, F_PKT_SRC_AWS_SERVICE, F_PKT_DST_AWS_SERVICE
};

/* Recompute version, tgw and the slot index after field[] was filled. */
void
format_finish(struct format *fmt)
{
	int i, tgw_only = 0;

	fmt->version = 0;
	for (i = 0; i < FIELD_COUNT; i++)
		fmt->slot[i] = -1;
	for (i = 0; i < fmt->n; i++) {
		int id = fmt->field[i];

		if (id == FIELD_IGNORE) {
			fmt->type[i] = FT_SYMBOL;
			continue;
		}
		fmt->type[i] = field_table[id].type;
		fmt->slot[id] = (int16_t)i;
		if (field_table[id].version > fmt->version)
			fmt->version = field_table[id].version;
		if (!field_table[id].vpc)
			tgw_only = 1;
	}
	fmt->tgw = (uint8_t)tgw_only;
}

/* Build the format "every VPC field up to version v" (2..11; 6 is TGW). */
int
format_version(struct format *fmt, int v)
{
	int i;

	if (v == 6) {
		format_tgw(fmt);
		return 0;
	}
	if (v < 2 || v > 11)
		return -1;
	fmt->n = 0;
	for (i = 0; i < FIELD_COUNT; i++)
		if (field_table[i].vpc && field_table[i].version <= v)
			fmt->field[fmt->n++] = (uint8_t)i;
	format_finish(fmt);
	return 0;
}

/* Build the Transit Gateway default format (36 fields). */
void
format_tgw(struct format *fmt)
{
	size_t i;

	fmt->n = sizeof tgw_order;
	for (i = 0; i < sizeof tgw_order; i++)
		fmt->field[i] = tgw_order[i];
	format_finish(fmt);
}

/* Tell whether c separates names in a field list. */
static int
is_sep(char c)
{
	return c == ' ' || c == '\t' || c == ',';
}

/* Fill fmt from a list of names; -1 with a message for a bad list. */
static int
format_from_names(const char *s, size_t len, struct format *fmt,
    int allow_unknown, char *err, size_t errlen)
{
	size_t i = 0;
	int known = 0, unknown = 0;

	fmt->n = 0;
	while (i < len) {
		size_t j;
		int id;

		while (i < len && is_sep(s[i]))
			i++;
		if (i >= len)
			break;
		for (j = i; j < len && !is_sep(s[j]); j++)
			;
		id = field_lookup(s + i, j - i);
		if (id < 0 && !allow_unknown) {
			if (err)
				snprintf(err, errlen, "unknown field '%.*s'",
				    (int)(j - i > 64 ? 64 : j - i), s + i);
			return -1;
		}
		if (fmt->n >= FORMAT_MAX) {
			if (err)
				snprintf(err, errlen, "more than %d fields",
				    FORMAT_MAX);
			return -1;
		}
		if (id >= 0) {
			int k;

			for (k = 0; k < fmt->n; k++)
				if (fmt->field[k] == id) {
					if (err)
						snprintf(err, errlen,
						    "field '%s' given twice",
						    field_name(id));
					return -1;
				}
			known++;
		} else
			unknown++;
		fmt->field[fmt->n++] = id < 0 ? FIELD_IGNORE : (uint8_t)id;
		i = j;
	}
	if (known == 0 || (unknown > 0 && known < 2)) {
		if (err)
			snprintf(err, errlen, "no field names given");
		return -1;
	}
	format_finish(fmt);
	return 0;
}

/* Parse a -F specification; 1 explicit, 0 auto, -1 on error. */
int
format_from_spec(const char *spec, struct format *fmt, char *err,
    size_t errlen)
{
	size_t len = strlen(spec);

	if (strcmp(spec, "auto") == 0 || len == 0)
		return 0;
	if (strcmp(spec, "tgw") == 0) {
		format_tgw(fmt);
		return 1;
	}
	if ((spec[0] == 'v' || spec[0] == 'V') && len <= 3 &&
	    spec[1] >= '0' && spec[1] <= '9') {
		int v = spec[1] - '0';

		if (len == 3) {
			if (spec[2] < '0' || spec[2] > '9')
				goto names;
			v = v * 10 + spec[2] - '0';
		}
		if (format_version(fmt, v) < 0) {
			snprintf(err, errlen,
			    "no flow log version %d (versions are v2 to v11)",
			    v);
			return -1;
		}
		return 1;
	}
names:
	/* AWS's "${a} ${b}" strings are names with a wrapper field_lookup
	 * strips; "a b", "a,b" and underscore names work the same way. */
	if (format_from_names(spec, len, fmt, 0, err, errlen) < 0)
		return -1;
	return 1;
}

/* Build a format from a header line's names; -1 when not a header. */
int
format_from_header(const char *line, size_t len, struct format *fmt,
    int allow_unknown)
{
	if (len == 0 || !((line[0] >= 'a' && line[0] <= 'z') ||
	    (line[0] >= 'A' && line[0] <= 'Z') || line[0] == '$'))
		return -1;
	return format_from_names(line, len, fmt, allow_unknown, NULL, 0);
}

/* Pick the default format for a line with ntok fields, or NULL. */
const struct format *
format_by_count(int ntok)
{
	static struct format table[12];
	static int ready;
	static const int versions[] = { 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	size_t i;

	if (!ready) {
		for (i = 0; i < sizeof versions / sizeof versions[0]; i++)
			format_version(&table[i], versions[i]);
		ready = 1;
	}
	for (i = 0; i < sizeof versions / sizeof versions[0]; i++)
		if (table[i].n == ntok)
			return &table[i];
	return NULL;
}

/* Write the format as a header line of AWS names; returns the length. */
size_t
format_to_string(const struct format *fmt, char *buf, size_t size)
{
	size_t off = 0;
	int i;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	for (i = 0; i < fmt->n; i++) {
		const char *name = fmt->field[i] == FIELD_IGNORE ? "-" :
		    field_name(fmt->field[i]);
		int w = snprintf(buf + off, size - off, "%s%s", i ? " " : "",
		    name);

		if (w < 0 || (size_t)w >= size - off) {
			buf[size - 1] = '\0';
			return size - 1;
		}
		off += (size_t)w;
	}
	return off;
}

/* Tell whether two formats list the same slots. */
int
format_equal(const struct format *a, const struct format *b)
{
	return a->n == b->n && memcmp(a->field, b->field, a->n) == 0;
}
