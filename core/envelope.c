/*
 * envelope.c - records wrapped in something else, unwrapped.
 *
 * Design notes.
 *
 * `aws logs tail`: envelope_tail may be called on any line that starts
 * with a digit or ESC, so it rejects a flow record after two byte tests
 * (byte 4 is '-' and byte 10 is 'T') before looking any further; ingest's
 * short path makes the same two tests inline and calls it only when they
 * pass.  A prefix is an ISO 8601 date-time (YYYY-MM-DDTHH:MM:SS, optional
 * .fraction, optional Z or +HH:MM), then, unless the time is exactly the
 * 19 characters of the `--format short` form, one more token: the log
 * stream name.  ANSI SGR sequences (`--color on`) around the time are
 * skipped; those around the stream name are part of its token.  The
 * record is the rest of the line.
 *
 * JSON: a value may be one line ({"message": ...}, a subscription payload)
 * or a pretty-printed document many lines long (filter-log-events).  The
 * accumulator keeps the lines of an unfinished value, newlines included,
 * and a small lexical scanner follows string quotes, backslash escapes and
 * bracket depth across lines, so completion is known in one pass over each
 * line instead of re-parsing the whole buffer per line.  The scanner only
 * frames; jansson decodes.  A value is complete at the end of the line on
 * which its outer bracket closes, or at once when it is not an object or
 * array, or when a line ends inside a string (JSON strings cannot hold a
 * raw newline, so the text is broken and jansson says how): a stray
 * quote does not swallow the rest of the input.  A one-line value is
 * decoded from the caller's line without copying.  Documents over
 * ENVELOPE_JSON_MAX bytes are refused.
 *
 * Records found: the string "message" of an object, of each element of
 * its "events" (filter-log-events, get-log-events) or "logEvents"
 * (subscription DATA_MESSAGE) array, or of each element of a top-level
 * array.  A CONTROL_MESSAGE envelope, an empty events array and an empty
 * top-level array hold no record and are not errors.  An object (or an
 * element, or an event) without a string "message" is an error; records
 * found elsewhere in the same value have been handed over by then.
 * Messages go out as jansson decoded them, with their length: "\u0000"
 * yields a NUL byte the parser will reject, not a shorter record.
 *
 * CSV (Athena "Download results"): RFC 4180 rows, plus tolerance for
 * spaces around fields; an empty field is "-", the flow-log "absent".
 * Quoted fields without "" escapes point into the line; only fields that
 * need unescaping are copied, into the caller's scratch buffer.
 */
#include "envelope.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* Largest JSON document the accumulator holds. */
#define ENVELOPE_JSON_MAX ((size_t)256 << 20)

/* Buffer kept between documents; a bigger one is freed after use. */
#define ENVELOPE_JSON_KEEP ((size_t)1 << 20)

/* Longest "" unescaped text a CSV header may carry. */
#define ENVELOPE_HEADER_SCRATCH 4096

#define ESC 0x1b

struct envelope_json {
	char *buf;		/* lines of the unfinished value */
	size_t len, cap;
	unsigned lines;		/* lines in buf */
	size_t depth;		/* open brackets */
	unsigned char in_str;	/* inside a string */
	unsigned char esc;	/* after a backslash inside a string */
	unsigned char started;	/* a value has begun */
	unsigned char closed;	/* the value ended; the rest is jansson's */
};

/* Results of walking a decoded value. */
struct envelope_walk {
	envelope_msg_fn fn;
	void *ctx;
	char *err;
	size_t errlen;
	int bad;		/* something without a record was found */
};

/* Write a formatted message to err when there is room for one. */
static void
envelope_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Tell whether c separates tokens of a tail line or pads a CSV field. */
static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Tell whether c is an ASCII digit. */
static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Skip ANSI CSI sequences (ESC [ parameters final) starting at i. */
static size_t
skip_sgr(const char *s, size_t len, size_t i)
{
	while (i + 1 < len && s[i] == ESC && s[i + 1] == '[') {
		size_t j = i + 2;

		while (j < len && (unsigned char)s[j] >= 0x20 &&
		    (unsigned char)s[j] <= 0x3f)
			j++;
		if (j >= len || (unsigned char)s[j] < 0x40 ||
		    (unsigned char)s[j] > 0x7e)
			return i;	/* not a whole sequence: leave it */
		i = j + 1;
	}
	return i;
}

/* Measure the ISO 8601 date-time at the start of s; 0 if there is none. */
static size_t
iso_time_len(const char *s, size_t len)
{
	static const char pat[] = "0000-00-00T00:00:00";
	size_t i;

	if (len < sizeof pat - 1)
		return 0;
	for (i = 0; i < sizeof pat - 1; i++)
		if (pat[i] == '0' ? !is_digit(s[i]) : s[i] != pat[i])
			return 0;
	if (i < len && s[i] == '.') {
		size_t j = i + 1;

		while (j < len && is_digit(s[j]))
			j++;
		if (j == i + 1)
			return 0;
		i = j;
	}
	if (i < len && s[i] == 'Z')
		i++;
	else if (i < len && (s[i] == '+' || s[i] == '-')) {
		if (len - i < 6 || !is_digit(s[i + 1]) || !is_digit(s[i + 2]) ||
		    s[i + 3] != ':' || !is_digit(s[i + 4]) ||
		    !is_digit(s[i + 5]))
			return 0;
		i += 6;
	}
	return i;
}

/* If line is an `aws logs tail` line, point *rec at its record. */
int
envelope_tail(const char *line, size_t len, const char **rec,
    size_t *reclen)
{
	size_t i = 0, n, tok;
	int short_form;

	/* "YYYY-MM-DDTHH:MM:SS r": the cheapest refusal comes first. */
	if (len < 21)
		return 0;
	if (line[0] == ESC)
		i = skip_sgr(line, len, 0);
	if (len - i < 21 || line[i + 4] != '-' || line[i + 10] != 'T')
		return 0;
	if ((n = iso_time_len(line + i, len - i)) == 0)
		return 0;
	short_form = n == 19;
	i = skip_sgr(line, len, i + n);
	if (i >= len || !is_blank(line[i]))
		return 0;
	while (i < len && is_blank(line[i]))
		i++;
	if (!short_form) {
		tok = i;
		while (i < len && !is_blank(line[i]))
			i++;
		if (i == tok || i >= len)
			return 0;
		while (i < len && is_blank(line[i]))
			i++;
	}
	if (i >= len)
		return 0;
	*rec = line + i;
	*reclen = len - i;
	return 1;
}

/* Create an empty JSON accumulator. */
struct envelope_json *
envelope_json_new(void)
{
	return calloc(1, sizeof(struct envelope_json));
}

/* Free a JSON accumulator. */
void
envelope_json_free(struct envelope_json *ej)
{
	if (ej == NULL)
		return;
	free(ej->buf);
	free(ej);
}

/* Tell whether a multi-line document is in progress. */
int
envelope_json_pending(const struct envelope_json *ej)
{
	return ej != NULL && ej->len > 0;
}

/* Forget the value in progress, keeping a modest buffer for the next. */
static void
json_reset(struct envelope_json *ej)
{
	if (ej->cap > ENVELOPE_JSON_KEEP) {
		free(ej->buf);
		ej->buf = NULL;
		ej->cap = 0;
	}
	ej->len = 0;
	ej->lines = 0;
	ej->depth = 0;
	ej->in_str = ej->esc = ej->started = ej->closed = 0;
}

/* Follow strings and brackets over one line; 1 when the value is complete. */
static int
json_scan(struct envelope_json *ej, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && !ej->closed; i++) {
		char c = s[i];

		if (ej->in_str) {
			if (ej->esc)
				ej->esc = 0;
			else if (c == '\\')
				ej->esc = 1;
			else if (c == '"')
				ej->in_str = 0;
			continue;
		}
		switch (c) {
		case ' ': case '\t': case '\r': case '\n':
			break;
		case '"':
			ej->in_str = 1;
			if (!ej->started) {	/* a bare string value */
				ej->started = 1;
				ej->closed = 1;
			}
			break;
		case '{': case '[':
			ej->started = 1;
			ej->depth++;
			break;
		case '}': case ']':
			ej->started = 1;
			if (ej->depth <= 1)
				ej->closed = 1;
			else
				ej->depth--;
			break;
		default:
			if (!ej->started)	/* a scalar: nothing to wait for */
				ej->closed = 1;
			ej->started = 1;
			break;
		}
	}
	/* An empty first line, a closed value or a line ending inside a
	 * string (never valid JSON) go to jansson now. */
	return ej->closed || ej->in_str || (!ej->started && ej->len == 0);
}

/* Append a line and its newline to the accumulator; -1 with err if not. */
static int
json_append(struct envelope_json *ej, const char *line, size_t len,
    char *err, size_t errlen)
{
	size_t need;

	if (len >= ENVELOPE_JSON_MAX - ej->len) {
		envelope_errf(err, errlen, "JSON document too large (over %zu "
		    "MiB)", ENVELOPE_JSON_MAX >> 20);
		return -1;
	}
	need = ej->len + len + 1;
	if (need > ej->cap) {
		size_t cap = ej->cap ? ej->cap : 4096;
		char *p;

		while (cap < need)
			cap *= 2;
		if (cap > ENVELOPE_JSON_MAX)
			cap = ENVELOPE_JSON_MAX;
		if ((p = realloc(ej->buf, cap)) == NULL) {
			envelope_errf(err, errlen, "out of memory for a JSON "
			    "document of %zu bytes", need);
			return -1;
		}
		ej->buf = p;
		ej->cap = cap;
	}
	if (len > 0)
		memcpy(ej->buf + ej->len, line, len);
	ej->len += len;
	ej->buf[ej->len++] = '\n';
	ej->lines++;
	return 0;
}

/* Note the first thing found without a record: where (NULL for the top
 * level, else the kind of array), which element, and what is wrong. */
static void
walk_bad(struct envelope_walk *w, const char *where, size_t idx,
    const char *what)
{
	if (w->bad++)
		return;
	if (where == NULL)
		envelope_errf(w->err, w->errlen, "JSON %s", what);
	else
		envelope_errf(w->err, w->errlen, "JSON %s element %zu %s", where,
		    idx, what);
}

/* Hand over v's "message" if it is a string; 1 if it was. */
static int
walk_message(struct envelope_walk *w, json_t *v)
{
	json_t *m = json_object_get(v, "message");

	if (!json_is_string(m))
		return 0;
	if (w->fn)
		w->fn(w->ctx, json_string_value(m), json_string_length(m));
	return 1;
}

/* Unwrap one object (a top-level value when where is NULL, else element
 * idx of an array): a message, an events array or a control message. */
static void
walk_object(struct envelope_walk *w, json_t *v, const char *where,
    size_t idx)
{
	static const char *const arrays[] = { "events", "logEvents" };
	json_t *ev, *e, *mt;
	size_t i, k;

	if (!json_is_object(v)) {
		walk_bad(w, where, idx, "is not an object");
		return;
	}
	if (walk_message(w, v))
		return;
	mt = json_object_get(v, "messageType");
	if (json_is_string(mt) &&
	    strcmp(json_string_value(mt), "CONTROL_MESSAGE") == 0)
		return;
	for (k = 0; k < sizeof arrays / sizeof arrays[0]; k++) {
		ev = json_object_get(v, arrays[k]);
		if (!json_is_array(ev))
			continue;
		json_array_foreach(ev, i, e) {
			if (!json_is_object(e) || !walk_message(w, e))
				walk_bad(w, k == 0 ? "\"events\"" :
				    "\"logEvents\"", i + 1,
				    "without a \"message\" string");
		}
		return;
	}
	if (json_object_get(v, "message") != NULL)
		walk_bad(w, where, idx, "with a \"message\" that is not a "
		    "string");
	else
		walk_bad(w, where, idx, "without a \"message\" field");
}

/* Decode a complete JSON value and hand over the records in it. */
static int
json_decode(const char *doc, size_t len, unsigned lines, envelope_msg_fn fn,
    void *ctx, char *err, size_t errlen)
{
	struct envelope_walk w = { fn, ctx, err, errlen, 0 };
	json_error_t je;
	json_t *root, *e;
	size_t i;

	root = json_loadb(doc, len, JSON_ALLOW_NUL, &je);
	if (root == NULL) {
		if (lines > 1)
			envelope_errf(err, errlen, "bad JSON at line %d, column "
			    "%d: %s", je.line, je.column, je.text);
		else
			envelope_errf(err, errlen, "bad JSON at column %d: %s",
			    je.column, je.text);
		return ENVELOPE_ERROR;
	}
	if (json_is_array(root)) {
		json_array_foreach(root, i, e)
			walk_object(&w, e, "array", i + 1);
	} else
		walk_object(&w, root, NULL, 0);
	json_decref(root);
	return w.bad ? ENVELOPE_ERROR : ENVELOPE_DONE;
}

/* Feed one line starting or continuing a JSON value. */
int
envelope_json_feed(struct envelope_json *ej, const char *line, size_t len,
    envelope_msg_fn fn, void *ctx, char *err, size_t errlen)
{
	int r;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (len >= ENVELOPE_JSON_MAX - ej->len) {	/* refuse before scanning */
		envelope_errf(err, errlen, "JSON document too large (over %zu "
		    "MiB)", ENVELOPE_JSON_MAX >> 20);
		json_reset(ej);
		return ENVELOPE_ERROR;
	}
	if (!json_scan(ej, line, len)) {
		if (json_append(ej, line, len, err, errlen) < 0) {
			json_reset(ej);
			return ENVELOPE_ERROR;
		}
		return ENVELOPE_MORE;
	}
	if (ej->len == 0) {	/* the whole value is on this line */
		r = json_decode(line, len, 1, fn, ctx, err, errlen);
	} else if (json_append(ej, line, len, err, errlen) < 0) {
		r = ENVELOPE_ERROR;
	} else {
		r = json_decode(ej->buf, ej->len, ej->lines, fn, ctx, err,
		    errlen);
	}
	json_reset(ej);
	return r;
}

/* Split a CSV row into fields. */
int
envelope_csv_split(const char *line, size_t len, struct flow_str *tok,
    int max, char *scratch, size_t scratchlen)
{
	size_t i = 0, used = 0;
	int n = 0;

	for (;;) {
		const char *p;
		size_t start, flen;

		while (i < len && is_blank(line[i]))
			i++;
		if (i < len && line[i] == '"') {
			int escaped = 0;

			start = ++i;
			for (;;) {
				const char *q = memchr(line + i, '"', len - i);

				if (q == NULL)
					return -1;	/* unterminated */
				i = (size_t)(q - line);
				if (i + 1 < len && line[i + 1] == '"') {
					escaped = 1;
					i += 2;
					continue;
				}
				break;
			}
			p = line + start;
			flen = i - start;
			i++;	/* the closing quote */
			if (escaped) {
				size_t j, k = 0;
				char *d;

				if (scratch == NULL)
					return -1;
				d = scratch + used;
				for (j = 0; j < flen; j++) {
					if (k >= scratchlen - used)
						return -1;	/* no room */
					d[k++] = p[j];
					if (p[j] == '"')
						j++;	/* second of "" */
				}
				p = d;
				flen = k;
				used += k;
			}
			while (i < len && is_blank(line[i]))
				i++;
			if (i < len && line[i] != ',')
				return -1;	/* garbage after the quote */
		} else {
			const char *q = memchr(line + i, ',', len - i);
			size_t end = q ? (size_t)(q - line) : len;

			p = line + i;
			flen = end - i;
			while (flen > 0 && is_blank(p[flen - 1]))
				flen--;
			i = end;
		}
		if (flen > UINT32_MAX)
			return -1;
		if (n >= max)
			return max + 1;
		if (flen == 0) {
			p = "-";
			flen = 1;
		}
		tok[n].p = p;
		tok[n].len = (uint32_t)flen;
		n++;
		if (i >= len)
			return n;
		i++;	/* the comma */
	}
}

/* If line is a CSV header row naming flow-log fields, fill fmt. */
int
envelope_csv_header(const char *line, size_t len, struct format *fmt)
{
	struct flow_str tok[FORMAT_MAX];
	char scratch[ENVELOPE_HEADER_SCRATCH];
	unsigned char seen[FIELD_COUNT];
	struct format f;
	int n, i, known = 0;

	if (memchr(line, ',', len) == NULL)
		return 0;
	n = envelope_csv_split(line, len, tok, FORMAT_MAX, scratch,
	    sizeof scratch);
	if (n < 2 || n > FORMAT_MAX)
		return 0;
	memset(seen, 0, sizeof seen);
	memset(&f, 0, sizeof f);
	f.n = (uint16_t)n;
	for (i = 0; i < n; i++) {
		int id = field_lookup(tok[i].p, tok[i].len);

		if (id < 0) {
			f.field[i] = FIELD_IGNORE;
			continue;
		}
		if (seen[id])
			return 0;
		seen[id] = 1;
		f.field[i] = (uint8_t)id;
		known++;
	}
	if (known < 2)
		return 0;
	format_finish(&f);
	*fmt = f;
	return 1;
}
