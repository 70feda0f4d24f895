/*
 * format.h - record formats: the ordered list of fields a line carries.
 *
 * A format comes from -F (a version name, "tgw", a list of field names, or
 * AWS's own "${field} ${field}" string), from a header line (the first line
 * of every S3 object), or, when nothing says otherwise, from the number of
 * fields on the line: 14 fields are the default v2 order, and the counts of
 * the "all fields up to version N" orders (21 v3, 25 v4, 29 v5, 39 v7,
 * 40 v8, 41 v9, 42 v10, 54 v11, 36 TGW) pick those orders.
 */
#ifndef VPCTOP_FORMAT_H
#define VPCTOP_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "field.h"

/* Most slots a format may have (unknown CSV columns included). */
#define FORMAT_MAX 128

struct format {
	uint16_t n;			/* number of slots */
	uint8_t version;		/* highest field version in it */
	uint8_t tgw;			/* 1: a Transit Gateway format */
	uint8_t field[FORMAT_MAX];	/* field id per slot, or FIELD_IGNORE */
	uint8_t type[FORMAT_MAX];	/* field type per slot (FT_SYMBOL when ignored) */
	int16_t slot[FIELD_COUNT];	/* slot of each field, or -1 */
};

/* Build the format "every VPC field up to version v" (2..11; 6 is TGW). */
int format_version(struct format *fmt, int v);

/* Build the Transit Gateway default format (36 fields). */
void format_tgw(struct format *fmt);

/* Parse a -F specification; returns 1 for an explicit format, 0 for
 * "auto", -1 with a message in err on error. */
int format_from_spec(const char *spec, struct format *fmt, char *err,
    size_t errlen);

/* Build a format from a header line's names (space- or comma-separated,
 * hyphen or underscore); returns 0, or -1 when the line is not a header.
 * Unknown names are accepted as ignored columns when allow_unknown is set
 * and at least two names are known. */
int format_from_header(const char *line, size_t len, struct format *fmt,
    int allow_unknown);

/* Pick the default format for a line with ntok fields, or NULL. */
const struct format *format_by_count(int ntok);

/* Write the format as a header line of AWS names; returns the length. */
size_t format_to_string(const struct format *fmt, char *buf, size_t size);

/* Tell whether two formats list the same slots. */
int format_equal(const struct format *a, const struct format *b);

/* Recompute version, tgw and the slot index after field[] was filled. */
void format_finish(struct format *fmt);

#endif
