/*
 * ingest.c - sources to records: envelopes, headers, formats, counting.
 *
 * Each line goes through one dispatch, cheapest test first: a line that
 * starts with a digit or "-" and is not an `aws logs tail` prefix is a
 * record; "{" or "[" starts JSON; a letter may start a header line (space-
 * or comma-separated field names) that sets the format of its source from
 * that line on; after a CSV header row the source is CSV.  The format in
 * force is, in order: -F, the source's last header, the default for the
 * line's field count.  Files found in directories are probed: when the
 * first line that is not blank is neither header, record nor envelope, the
 * file is skipped and reported instead of filling the reject counts.
 *
 * The common line, a record that starts with a digit in a source that is
 * neither CSV nor inside a JSON document, takes a short path: what only
 * changes at header lines, format switches and JSON boundaries is kept
 * per source rather than worked out per line.  `plain` says the source is
 * neither CSV nor in a JSON document; `try_fmt` is the format parse_fast
 * tries first (-F, else the last header, else the last format chosen by
 * field count); `fmt_count` points at the records counter of the format
 * of the last record.  A digit first byte rules out a byte-order mark,
 * leading blanks and an empty line, and the first bytes of an `aws logs
 * tail` prefix are tested inline before envelope_tail is called.  Every
 * other line takes the general path, which keeps these fields true.
 *
 * Reading a source: while a file from a directory is still being probed
 * (or a line limit is set) each line is followed by the tests of whether
 * to stop; after that nothing can stop the source but its end, and lines
 * are taken INGEST_BATCH at a time with source_lines.
 */
#include "ingest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "envelope.h"

/* Lines taken from a source per source_lines call on the short path. */
#define INGEST_BATCH 32

struct ingest {
	struct format forced;
	int has_forced;
	ingest_record_fn rec;
	ingest_msg_fn msg;
	void *ctx;
	struct ingest_stats st;
	struct flow flow;		/* scratch record */
	const struct format *last_fmt;	/* cache for the formats count */
	uint64_t *fmt_count;		/* its records counter, or fmt_sink */
	uint64_t fmt_sink;		/* counts formats past the table */
	char csv_scratch[SOURCE_LINE_MAX];
};

struct ingest_source {
	struct ingest *in;
	char name[128];
	struct format fmt;		/* from the last header line */
	int has_fmt;
	int csv;			/* rows are CSV (after a CSV header) */
	const struct format *auto_fmt;	/* last format picked by field count */
	const struct format *try_fmt;	/* the format tried first, or NULL */
	int plain;			/* neither CSV nor in a JSON document */
	int probing;			/* file from a directory, not yet seen */
	int not_log;			/* probing found something else */
	char probe_why[160];
	uint64_t lineno;
	struct envelope_json *ej;
};

/* Create an ingester; forced is the -F format or NULL for auto. */
struct ingest *
ingest_new(const struct format *forced, ingest_record_fn rec,
    ingest_msg_fn msg, void *ctx)
{
	struct ingest *in = calloc(1, sizeof *in);

	if (in == NULL)
		return NULL;
	if (forced) {
		in->forced = *forced;
		in->has_forced = 1;
	}
	in->rec = rec;
	in->msg = msg;
	in->ctx = ctx;
	in->fmt_count = &in->fmt_sink;
	return in;
}

/* Free an ingester. */
void
ingest_free(struct ingest *in)
{
	free(in);
}

/* The statistics so far. */
const struct ingest_stats *
ingest_stats(const struct ingest *in)
{
	return &in->st;
}

/* Send a formatted message about a source to the caller. */
static void __attribute__((format(printf, 2, 3)))
ingest_say(struct ingest *in, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (in->msg == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	in->msg(in->ctx, buf);
}

/* Copy up to size-1 bytes of text, escaping anything not printable ASCII. */
static void
sanitize(char *dst, size_t size, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;

	for (i = 0; i < len && o + 5 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			dst[o++] = (char)c;
		} else {
			dst[o++] = '\\';
			if (c == '\\') {
				dst[o++] = '\\';
				continue;
			}
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		}
	}
	if (i < len && o + 3 < size) {
		dst[o++] = '.';
		dst[o++] = '.';
		dst[o++] = '.';
	}
	dst[o] = '\0';
}

/* Count a rejected line and keep it as an example if there is room. */
static void
reject(struct ingest_source *is, const struct parse_error *err,
    const char *line, size_t len)
{
	struct ingest *in = is->in;
	struct ingest_stats *st = &in->st;
	uint64_t k;

	if (is->probing) {
		/* Only a first line with no flow-log shape at all makes a file
		 * "not a log"; a log whose first record is bad is still a log. */
		if (err->reason == PARSE_NO_FORMAT ||
		    err->reason == PARSE_NOT_TEXT ||
		    err->reason == PARSE_BAD_ENVELOPE) {
			is->not_log = 1;
			sanitize(is->probe_why, sizeof is->probe_why, line,
			    len > 60 ? 60 : len);
			return;
		}
		is->probing = 0;
	}
	st->rejected++;
	k = st->rejects[err->reason]++;
	if (k < INGEST_EXAMPLES_PER_REASON) {
		struct ingest_example *ex = &st->examples[err->reason][k];

		snprintf(ex->source, sizeof ex->source, "%s", is->name);
		ex->line = is->lineno;
		ex->field = err->field;
		ex->token = err->token;
		sanitize(ex->text, sizeof ex->text, line, len);
	}
}

/* Reject a line for a reason with no field or token. */
static void
reject_reason(struct ingest_source *is, enum parse_reason r, const char *line,
    size_t len)
{
	struct parse_error err = { r, -1, -1 };

	reject(is, &err, line, len);
}

/* Find (or add) the formats-table entry of the last record's format and
 * point fmt_count at its counter (at fmt_sink when the table is full). */
static void __attribute__((noinline))
format_switch(struct ingest *in)
{
	struct ingest_stats *st = &in->st;
	const struct format *fmt = in->flow.fmt;
	unsigned i;

	for (i = 0; i < st->nformats; i++)
		if (format_equal(&st->formats[i].fmt, fmt))
			break;
	if (i == st->nformats && i < INGEST_FORMATS_MAX) {
		st->formats[i].fmt = *fmt;
		st->formats[i].records = 0;
		st->nformats++;
	}
	in->last_fmt = fmt;
	in->fmt_count = i < st->nformats ? &st->formats[i].records :
	    &in->fmt_sink;
}

/* Count an accepted record by its format and hand it on. */
static inline void
accept_record(struct ingest *in, struct ingest_source *is)
{
	is->probing = 0;
	in->st.records++;
	if (in->flow.flags & FLOW_MS_TIME)
		in->st.ms_times++;
	if (in->flow.fmt != in->last_fmt)
		format_switch(in);
	(*in->fmt_count)++;
	if (in->rec)
		in->rec(in->ctx, &in->flow);
}

/* The format in force for a source, or NULL to choose by field count. */
static const struct format *
current_format(struct ingest_source *is)
{
	if (is->in->has_forced)
		return &is->in->forced;
	if (is->has_fmt)
		return &is->fmt;
	return NULL;
}

/* Work out try_fmt again after -F, a header or the auto format changed. */
static void
set_try_fmt(struct ingest_source *is)
{
	is->try_fmt = current_format(is);
	if (is->try_fmt == NULL)
		is->try_fmt = is->auto_fmt;
}

/* Parse record text that parse_fast did not take (or that had no format
 * to try): tokenize, choose a format by field count, count the outcome. */
static void __attribute__((noinline))
ingest_record_slow(struct ingest_source *is, const char *line, size_t len)
{
	struct ingest *in = is->in;
	struct flow_str tok[PARSE_MAX_TOKENS];
	const struct format *fmt;
	struct parse_error err;
	int n, not_text;

	n = parse_tokenize(line, len, tok, PARSE_MAX_TOKENS - 1, &not_text);
	if (not_text) {
		reject_reason(is, PARSE_NOT_TEXT, line, len);
		return;
	}
	if (n == 0) {
		in->st.blank++;
		return;
	}
	fmt = current_format(is);
	if (fmt == NULL) {
		fmt = format_by_count(n);
		if (fmt == NULL) {
			reject_reason(is, PARSE_NO_FORMAT, line, len);
			return;
		}
		is->auto_fmt = fmt;
		is->try_fmt = fmt;
	}
	if (parse_tokens(fmt, tok, n, &in->flow, &err) < 0) {
		reject(is, &err, line, len);
		return;
	}
	accept_record(is->in, is);
}

/* Parse record text (already unwrapped) and count the outcome. */
static inline void
ingest_record(struct ingest *in, struct ingest_source *is, const char *line,
    size_t len)
{
	const struct format *fmt = is->try_fmt;

	if (fmt && parse_fast(fmt, line, len, &in->flow) == 0)
		accept_record(in, is);
	else
		ingest_record_slow(is, line, len);
}

/* Parse a CSV row in the source's CSV format. */
static void
ingest_csv_row(struct ingest_source *is, const char *line, size_t len)
{
	struct ingest *in = is->in;
	struct flow_str tok[PARSE_MAX_TOKENS];
	struct parse_error err;
	int n, i;

	n = envelope_csv_split(line, len, tok, PARSE_MAX_TOKENS - 1,
	    in->csv_scratch, sizeof in->csv_scratch);
	if (n < 0) {
		reject_reason(is, PARSE_BAD_ENVELOPE, line, len);
		return;
	}
	for (i = 0; i < n && i < PARSE_MAX_TOKENS - 1; i++)
		if (!parse_is_text(tok[i].p, tok[i].len)) {
			reject_reason(is, PARSE_NOT_TEXT, line, len);
			return;
		}
	in->st.envelopes++;
	if (parse_tokens(in->has_forced ? &in->forced : &is->fmt, tok, n,
	    &in->flow, &err) < 0) {
		reject(is, &err, line, len);
		return;
	}
	accept_record(is->in, is);
}

/* Receive one record found inside a JSON envelope. */
static void
ingest_json_msg(void *ctx, const char *msg, size_t len)
{
	struct ingest_source *is = ctx;

	is->in->st.envelopes++;
	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
		len--;
	ingest_record(is->in, is, msg, len);
}

/* Feed a line to the source's JSON accumulator and count the outcome. */
static void
ingest_json(struct ingest_source *is, const char *line, size_t len)
{
	char err[256];
	int r;

	if (is->ej == NULL && (is->ej = envelope_json_new()) == NULL) {
		reject_reason(is, PARSE_BAD_ENVELOPE, line, len);
		return;
	}
	r = envelope_json_feed(is->ej, line, len, ingest_json_msg, is, err,
	    sizeof err);
	is->plain = !is->csv && !envelope_json_pending(is->ej);
	if (r == ENVELOPE_ERROR)
		reject_reason(is, PARSE_BAD_ENVELOPE, line, len);
	else if (r == ENVELOPE_DONE)
		is->probing = 0;
}

/* Tell whether a line may be a header (starts like a field name). */
static int
header_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '"' ||
	    c == '$';
}

/* Take a header line or CSV header row; returns 1 if it was one. */
static int
ingest_header(struct ingest_source *is, const char *line, size_t len)
{
	struct format fmt;

	if (memchr(line, ',', len) != NULL) {
		if (!envelope_csv_header(line, len, &fmt))
			return 0;
		is->csv = 1;
	} else {
		if (format_from_header(line, len, &fmt, 0) < 0)
			return 0;
		is->csv = 0;
	}
	is->in->st.headers++;
	is->probing = 0;
	is->fmt = fmt;
	is->has_fmt = 1;
	is->in->last_fmt = NULL;
	is->plain = !is->csv && !envelope_json_pending(is->ej);
	set_try_fmt(is);
	return 1;
}

/* Feed one line of a source by the general path: every line that is not
 * a plain record in a plain source, and any line at all may come here. */
static void __attribute__((noinline))
line_slow(struct ingest *in, struct ingest_source *is, const char *line,
    size_t len, uint64_t lineno, int too_long)
{
	const char *rec;
	size_t reclen;
	unsigned char c;

	in->st.lines++;
	is->lineno = lineno;
	if (too_long) {
		reject_reason(is, PARSE_LINE_TOO_LONG, line, len > 80 ? 80 : len);
		return;
	}
	if (is->ej && envelope_json_pending(is->ej)) {
		ingest_json(is, line, len);
		return;
	}
	/* A UTF-8 byte-order mark some editors and exports put first. */
	if (lineno == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
		line += 3;
		len -= 3;
	}
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t' ||
	    line[len - 1] == '\r'))
		len--;
	while (len > 0 && (line[0] == ' ' || line[0] == '\t')) {
		line++;
		len--;
	}
	if (len == 0) {
		in->st.blank++;
		return;
	}
	c = (unsigned char)line[0];
	if (is->csv) {
		if (header_start(c) && ingest_header(is, line, len))
			return;
		ingest_csv_row(is, line, len);
		return;
	}
	if (c == '{' || c == '[') {
		ingest_json(is, line, len);
		return;
	}
	if ((c == 0x1b || (c >= '0' && c <= '9')) &&
	    envelope_tail(line, len, &rec, &reclen)) {
		in->st.envelopes++;
		ingest_record(in, is, rec, reclen);
		return;
	}
	if (header_start(c) && ingest_header(is, line, len))
		return;
	ingest_record(in, is, line, len);
}

/* Feed one line of a source: the short path for a record that starts
 * with a digit in a plain source (see the notes above), else line_slow. */
static inline __attribute__((always_inline)) void
line_in(struct ingest *in, struct ingest_source *is, const char *line,
    size_t len, uint64_t lineno, int too_long)
{
	const char *rec;
	size_t reclen;

	if (len == 0 || (unsigned char)(line[0] - '0') > 9 || !is->plain ||
	    too_long) {
		line_slow(in, is, line, len, lineno, too_long);
		return;
	}
	in->st.lines++;
	is->lineno = lineno;
	/* len stays > 0: line[0] is a digit. */
	while ((unsigned char)line[len - 1] <= ' ' && (line[len - 1] == ' ' ||
	    line[len - 1] == '\t' || line[len - 1] == '\r'))
		len--;
	if (len >= 21 && line[4] == '-' && line[10] == 'T' &&
	    envelope_tail(line, len, &rec, &reclen)) {
		in->st.envelopes++;
		ingest_record(in, is, rec, reclen);
		return;
	}
	ingest_record(in, is, line, len);
}

/* Feed one line (without its newline) of a source. */
void
ingest_line(struct ingest *in, struct ingest_source *is, const char *line,
    size_t len, uint64_t lineno, int too_long)
{
	line_in(in, is, line, len, lineno, too_long);
}

/* Start a source by name, for feeding lines by hand. */
struct ingest_source *
ingest_source_new(struct ingest *in, const char *name)
{
	struct ingest_source *is = calloc(1, sizeof *is);

	if (is == NULL)
		return NULL;
	is->in = in;
	snprintf(is->name, sizeof is->name, "%s", name);
	is->plain = 1;
	set_try_fmt(is);
	return is;
}

/* End a source started with ingest_source_new. */
void
ingest_source_free(struct ingest_source *is)
{
	if (is == NULL)
		return;
	if (is->ej && envelope_json_pending(is->ej)) {
		struct parse_error err = { PARSE_BAD_ENVELOPE, -1, -1 };

		is->probing = 0;
		reject(is, &err, "(JSON document cut short at end of input)",
		    41);
	}
	envelope_json_free(is->ej);
	free(is);
}

/* Read lines from an open source until EOF, error, or max lines. */
int
ingest_source_read(struct ingest *in, struct ingest_source *is,
    struct source *src, uint64_t max)
{
	struct source_line ln, batch[INGEST_BATCH];
	uint64_t n = 0;
	size_t nb, i;
	int r;

	/* Only a file still being probed can turn out not to be a log; once
	 * it has shown a line of one, and with no limit, nothing is left to
	 * test between lines. */
	while (is->probing || max) {
		if ((r = source_next(src, &ln)) != SOURCE_LINE)
			return r;
		ingest_line(in, is, ln.p, ln.len, ln.lineno, ln.too_long);
		if (is->not_log)
			return SOURCE_EOF;
		if (max && ++n >= max)
			return r;
	}
	while ((r = source_lines(src, batch, INGEST_BATCH, &nb)) ==
	    SOURCE_LINE)
		for (i = 0; i < nb; i++)
			line_in(in, is, batch[i].p, batch[i].len,
			    batch[i].lineno, batch[i].too_long);
	return r;
}

/* Read one opened source to its end and report how it ended. */
static int
ingest_one(struct ingest *in, struct source *src, int probing)
{
	struct ingest_source *is;
	const char *why;
	int r;

	if (probing && !source_sniff(src, &why)) {
		in->st.files_skipped++;
		ingest_say(in, "skipped %s: %s", source_name(src), why);
		return 0;
	}
	is = ingest_source_new(in, source_name(src));
	if (is == NULL) {
		ingest_say(in, "%s: out of memory", source_name(src));
		in->st.sources_failed++;
		return -1;
	}
	is->probing = probing;
	r = ingest_source_read(in, is, src, 0);
	in->st.bytes += source_bytes_read(src);
	if (is->not_log) {
		in->st.files_skipped++;
		ingest_say(in, "skipped %s: not a flow log (starts \"%s\")",
		    source_name(src), is->probe_why);
		ingest_source_free(is);
		return 0;
	}
	ingest_source_free(is);
	if (r == SOURCE_ERROR) {
		in->st.sources_failed++;
		ingest_say(in, "%s: %s", source_name(src), source_error(src));
		return -1;
	}
	in->st.sources_ok++;
	return 0;
}

struct walk_ctx {
	struct ingest *in;
	int failed;
};

/* Read one file found in a directory. */
static int
walk_file(void *ctx, const char *path)
{
	struct walk_ctx *w = ctx;
	char err[512];
	struct source *src = source_open_whole(path, err, sizeof err);

	if (src == NULL) {
		w->in->st.sources_failed++;
		ingest_say(w->in, "%s", err);
		w->failed = 1;
		return 0;
	}
	if (ingest_one(w->in, src, 1) < 0)
		w->failed = 1;
	source_close(src);
	return 0;
}

/* Report a directory that could not be read. */
static void
walk_error(void *ctx, const char *path, const char *msg)
{
	struct walk_ctx *w = ctx;

	w->in->st.sources_failed++;
	ingest_say(w->in, "cannot read directory %s: %s", path, msg);
	w->failed = 1;
}

/* Read a path to its end: file, gzip file, directory or "-". */
int
ingest_path(struct ingest *in, const char *path)
{
	struct stat sb;
	struct source *src;
	char err[512];
	int r;

	if (strcmp(path, "-") != 0 && stat(path, &sb) == 0 &&
	    S_ISDIR(sb.st_mode)) {
		struct walk_ctx w = { in, 0 };

		if (source_walk(path, walk_file, walk_error, &w) < 0)
			return -1;
		return w.failed ? -1 : 0;
	}
	src = source_open_whole(path, err, sizeof err);
	if (src == NULL) {
		in->st.sources_failed++;
		ingest_say(in, "%s", err);
		return -1;
	}
	r = ingest_one(in, src, 0);
	source_close(src);
	return r;
}

/* Name a format: "v2", "v5", "tgw", or "custom vN (M fields)". */
const char *
ingest_format_name(const struct format *fmt, char *buf, size_t size)
{
	int v;

	for (v = 2; v <= 11; v++) {
		struct format ref;

		format_version(&ref, v);
		if (format_equal(&ref, fmt)) {
			if (v == 6)
				snprintf(buf, size, "tgw");
			else
				snprintf(buf, size, "v%d", v);
			return buf;
		}
	}
	snprintf(buf, size, "custom v%d (%d fields)", fmt->version, fmt->n);
	return buf;
}
