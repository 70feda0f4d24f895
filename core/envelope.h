/*
 * envelope.h - records wrapped in something else, unwrapped.
 *
 * Flow records reach people in wrappers: `aws logs tail` prefixes a time
 * and a stream name (or only a time with --format short, and ANSI colours
 * with --color on); pipelines write JSON lines {"message": "<record>"};
 * `aws logs filter-log-events` prints one JSON document, many lines long,
 * with an "events" array; CloudWatch subscription payloads carry a
 * "logEvents" array; Athena downloads query results as CSV with a quoted
 * header row.  These functions only unwrap: the record text they find goes
 * back to the parser.  JSON is decoded with jansson.
 */
#ifndef VPCTOP_ENVELOPE_H
#define VPCTOP_ENVELOPE_H

#include <stddef.h>

#include "flow.h"
#include "format.h"

/* If line is an `aws logs tail` line (detailed or short form, coloured or
 * not), point *rec at the record after the prefix and return 1; else 0. */
int envelope_tail(const char *line, size_t len, const char **rec,
    size_t *reclen);

/* Called with each record found inside a JSON envelope. */
typedef void (*envelope_msg_fn)(void *ctx, const char *msg, size_t len);

/* envelope_json_feed results. */
enum {
	ENVELOPE_DONE = 0,	/* a whole JSON value was read and unwrapped */
	ENVELOPE_MORE = 1,	/* the value goes on: feed the next line */
	ENVELOPE_ERROR = -1	/* not valid JSON, or no record in it */
};

/* State of a JSON document that spans lines. */
struct envelope_json;

/* Create an empty JSON accumulator. */
struct envelope_json *envelope_json_new(void);

/* Free a JSON accumulator. */
void envelope_json_free(struct envelope_json *ej);

/* Tell whether a multi-line document is in progress. */
int envelope_json_pending(const struct envelope_json *ej);

/* Feed one line starting or continuing a JSON value.  When the value is
 * complete it is decoded and fn is called for each record in it: the
 * "message" of an object, or of each element of its "events" or
 * "logEvents" array, or of each element of a top-level array.  On error a
 * message is written to err and the accumulator is reset. */
int envelope_json_feed(struct envelope_json *ej, const char *line, size_t len,
    envelope_msg_fn fn, void *ctx, char *err, size_t errlen);

/* If line is a CSV header row naming flow-log fields (quoted or not,
 * hyphen or underscore names; at least two known), fill fmt (unknown
 * columns as FIELD_IGNORE) and return 1; else 0. */
int envelope_csv_header(const char *line, size_t len, struct format *fmt);

/* Split a CSV row into fields; quoted fields may hold commas and "" for a
 * quote, unquoted whitespace around a field is dropped, an empty field
 * becomes "-".  Unquoted values point into line, unescaped ones into
 * scratch.  Returns the field count (max + 1 when there are more), or -1
 * when the quoting is broken or scratch is too small. */
int envelope_csv_split(const char *line, size_t len, struct flow_str *tok,
    int max, char *scratch, size_t scratchlen);

#endif
