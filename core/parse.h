/*
 * parse.h - one line of flow-log text to a struct flow.
 *
 * The parser never aborts: a line it cannot take comes back with a reason
 * (and the field and token where it failed) that the caller counts.  Fields
 * are separated by runs of spaces or tabs; "-" is an absent value.  Values
 * are checked against the field table: addresses must be IPv4 or IPv6,
 * ports 0..65535, counters fit 64 bits, enums are one of their words.
 */
#ifndef VPCTOP_PARSE_H
#define VPCTOP_PARSE_H

#include <stddef.h>

#include "flow.h"
#include "format.h"

/* Why a line was rejected. */
enum parse_reason {
	PARSE_OK = 0,
	PARSE_TOO_FEW_FIELDS,
	PARSE_TOO_MANY_FIELDS,
	PARSE_NO_FORMAT,	/* field count matches no format, no header */
	PARSE_BAD_ADDRESS,
	PARSE_BAD_PORT,
	PARSE_BAD_NUMBER,
	PARSE_BAD_ENUM,
	PARSE_LINE_TOO_LONG,
	PARSE_NOT_TEXT,		/* control bytes or invalid UTF-8 */
	PARSE_BAD_ENVELOPE,	/* broken JSON or CSV wrapping */
	PARSE_REASON_COUNT
};

/* Where and why a line failed. */
struct parse_error {
	enum parse_reason reason;
	int field;	/* field id that failed, or -1 */
	int token;	/* 0-based token index that failed, or -1 */
};

/* Most tokens a line is split into (more means "too many fields"). */
#define PARSE_MAX_TOKENS (FORMAT_MAX + 1)

/* Short stable name of a reason ("too-few-fields"). */
const char *parse_reason_name(enum parse_reason r);

/* Human description of a reason ("too few fields"). */
const char *parse_reason_text(enum parse_reason r);

/* Split a line into whitespace-separated tokens; returns the count, or
 * max + 1 when there are more than max.  Sets *not_text when the line holds
 * control bytes or invalid UTF-8. */
int parse_tokenize(const char *line, size_t len, struct flow_str *tok, int max,
    int *not_text);

/* Tell whether a value is text: printable, no whitespace, valid UTF-8. */
int parse_is_text(const char *s, size_t len);

/* Convert tokens to a record in format fmt; 0 on success, -1 with err set. */
int parse_tokens(const struct format *fmt, const struct flow_str *tok,
    int ntok, struct flow *out, struct parse_error *err);

/* Parse one value of field id from text; 0 on success, else the reason. */
enum parse_reason parse_value(int id, const char *s, size_t len,
    union flow_val *out, uint32_t *flags);

/* Parse a well-formed line of fmt in one pass; 0 on success, -1 when the
 * line is anything but plain and valid (the caller then takes the general
 * path, parse_tokenize and parse_tokens, which gives the reason). */
int parse_fast(const struct format *fmt, const char *line, size_t len,
    struct flow *out);

/* Parse a line in format fmt (NULL: choose by field count). */
int parse_line(const struct format *fmt, const char *line, size_t len,
    struct flow *out, struct parse_error *err);

#endif
