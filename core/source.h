/*
 * source.h - where lines come from: files, gzip files, directories, stdin.
 *
 * A source is a byte stream cut into lines.  Compression is found by magic
 * bytes, not by name: a gzip stream (multi-member included) is inflated on
 * the fly whatever the file is called, and stdin may be gzip too.  Lines
 * longer than SOURCE_LINE_MAX are returned cut, flagged too_long, and the
 * rest of that line is skipped so the lines after it are not lost.  A read
 * error or a truncated gzip stream ends the source with a message; lines
 * already returned stay returned.
 */
#ifndef VPCTOP_SOURCE_H
#define VPCTOP_SOURCE_H

#include <stddef.h>
#include <stdint.h>

/* Longest line kept whole. */
#define SOURCE_LINE_MAX (1024 * 1024)

struct source;

/* One line handed out by source_next or source_lines: valid until the
 * next call of either on the same source. */
struct source_line {
	const char *p;		/* line bytes, without the newline (and CR) */
	size_t len;
	uint64_t lineno;	/* 1-based line number in the (decoded) stream */
	int too_long;		/* 1: p holds only the first SOURCE_LINE_MAX bytes */
};

/* source_next results. */
enum {
	SOURCE_EOF = 0,
	SOURCE_LINE = 1,
	SOURCE_AGAIN = 2,	/* non-blocking fd has no data yet */
	SOURCE_ERROR = -1	/* read or decompression error: see source_error */
};

/* Open a file, or stdin for "-"; NULL with a message in err on failure. */
struct source *source_open(const char *path, char *err, size_t errlen);

/* Open a file that will be read once to its end (batch).  A regular,
 * uncompressed file of 1 MiB or more is mapped rather than read (no copy
 * of each byte); it reads the same lines, a file that grows is read to
 * its new end, and one that shrinks meanwhile ends with an error instead
 * of a crash.  Anything else is opened as by source_open. */
struct source *source_open_whole(const char *path, char *err, size_t errlen);

/* Wrap an open descriptor (taken over: closed by source_close). */
struct source *source_open_fd(int fd, const char *name);

/* Wrap a memory buffer (not copied; must outlive the source). */
struct source *source_open_mem(const void *buf, size_t len, const char *name);

/* Return the next line; see the SOURCE_* results. */
int source_next(struct source *src, struct source_line *line);

/* Return up to max (at least 1) lines in lines[] and their number in
 * *count: SOURCE_LINE with *count >= 1, else a result of source_next with
 * *count = 0.  The same lines as source_next calls, only fewer calls. */
int source_lines(struct source *src, struct source_line *lines, size_t max,
    size_t *count);

/* Hold (1) or return (0, the default) a partial last line at end of file:
 * a followed file must not hand out a line that is still being written. */
void source_set_hold(struct source *src, int hold);

/* The last error message (read error, truncated gzip), or NULL. */
const char *source_error(const struct source *src);

/* The name the source was opened with ("-" shows as "(stdin)"). */
const char *source_name(const struct source *src);

/* 1 while the source reads a mapped file (source_open_whole). */
int source_is_mapped(const struct source *src);

/* 1 when the stream is gzip-compressed. */
int source_is_gzip(const struct source *src);

/* Bytes read from the underlying file or pipe so far (compressed). */
uint64_t source_bytes_read(const struct source *src);

/* The underlying descriptor (-1 for memory sources), for poll(2). */
int source_fd(const struct source *src);

/* Sniff whether the start of the stream looks like a flow log rather than a
 * binary file; returns 1 if it may be read, 0 with a reason in why. */
int source_sniff(struct source *src, const char **why);

/* Close the source and free it. */
void source_close(struct source *src);

/* Call fn for every regular file below dir, recursively, in byte order of
 * names; symbolic links to directories are not followed.  fn returning
 * non-zero stops the walk.  Unreadable subdirectories are reported through
 * err_fn and skipped.  Returns 0, or -1 when dir itself cannot be read. */
int source_walk(const char *dir,
    int (*fn)(void *ctx, const char *path),
    void (*err_fn)(void *ctx, const char *path, const char *msg),
    void *ctx);

#endif
