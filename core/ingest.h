/*
 * ingest.h - sources to records: envelopes, headers, formats, counting.
 *
 * The ingest layer owns what the parser must not know: which format is in
 * force for each source (forced by -F, switched by header lines, else chosen
 * by field count), which envelope wraps the lines, and the statistics of
 * everything read and rejected.  Every record it accepts goes to the
 * caller's callback; every line it rejects is counted by reason and the
 * first few are kept, with source name and line number, for display.
 */
#ifndef VPCTOP_INGEST_H
#define VPCTOP_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "flow.h"
#include "format.h"
#include "parse.h"
#include "source.h"

/* How many rejected lines are kept as examples, per reason. */
#define INGEST_EXAMPLES_PER_REASON 3
/* How many distinct formats are counted. */
#define INGEST_FORMATS_MAX 16

struct ingest_example {
	char source[128];
	uint64_t line;
	int field;		/* field id that failed, or -1 */
	int token;		/* token index that failed, or -1 */
	char text[160];		/* the start of the line, sanitised */
};

struct ingest_format_count {
	struct format fmt;
	uint64_t records;
};

struct ingest_stats {
	uint64_t lines;		/* lines read (a JSON document counts its lines) */
	uint64_t records;	/* records parsed and handed on */
	uint64_t blank;		/* empty lines */
	uint64_t headers;	/* header lines and CSV header rows */
	uint64_t rejected;	/* lines rejected, all reasons */
	uint64_t rejects[PARSE_REASON_COUNT];
	uint64_t ms_times;	/* records whose start/end were milliseconds */
	uint64_t envelopes;	/* records unwrapped from tail, JSON or CSV */
	uint64_t bytes;		/* bytes read from files and pipes */
	unsigned sources_ok;	/* sources read to their end */
	unsigned sources_failed;/* sources that could not be opened or read */
	unsigned files_skipped;	/* files in directories that are not logs */
	struct ingest_example examples[PARSE_REASON_COUNT][INGEST_EXAMPLES_PER_REASON];
	unsigned nformats;
	struct ingest_format_count formats[INGEST_FORMATS_MAX];
};

/* Receives each accepted record. */
typedef void (*ingest_record_fn)(void *ctx, const struct flow *f);

/* Receives each message about a source (cannot open, skipped, truncated). */
typedef void (*ingest_msg_fn)(void *ctx, const char *msg);

struct ingest;

/* Create an ingester; forced is the -F format or NULL for auto. */
struct ingest *ingest_new(const struct format *forced, ingest_record_fn rec,
    ingest_msg_fn msg, void *ctx);

/* Free an ingester. */
void ingest_free(struct ingest *in);

/* Read a path to its end: a file, a gzip file, a directory (recursively, in
 * name order, skipping files that are not flow logs) or "-" for stdin.
 * Returns 0, or -1 when the path (or part of it) could not be read. */
int ingest_path(struct ingest *in, const char *path);

/* Per-source state of the ingest layer (format, envelope, line count). */
struct ingest_source;

/* Start a source by name, for feeding lines by hand (tests, live sources). */
struct ingest_source *ingest_source_new(struct ingest *in, const char *name);

/* End a source started with ingest_source_new. */
void ingest_source_free(struct ingest_source *is);

/* Feed one line (without its newline) of a source. */
void ingest_line(struct ingest *in, struct ingest_source *is, const char *line,
    size_t len, uint64_t lineno, int too_long);

/* Read lines from an open source until EOF, error, or max lines
 * (0: no limit); returns a SOURCE_* result of the last read. */
int ingest_source_read(struct ingest *in, struct ingest_source *is,
    struct source *src, uint64_t max);

/* The statistics so far. */
const struct ingest_stats *ingest_stats(const struct ingest *in);

/* Name a format: "v2", "v5", "tgw", or "custom vN (M fields)". */
const char *ingest_format_name(const struct format *fmt, char *buf,
    size_t size);

#endif
