/*
 * source.c - where lines come from: files, gzip files, directories, stdin.
 *
 * Design notes.
 *
 * - One buffer of SOURCE_BUF bytes (4 MiB) holds decoded data; the live
 *   part is [start, end).  A plain file is read SOURCE_CHUNK (32 KiB) at
 *   a time: the bytes are parsed while still in the core's own cache, where
 *   one big read would push them (and the store's hot tables) out to
 *   memory before the first line was looked at.  source_next hands out a
 *   pointer into that buffer: no copy and no allocation per line.  Only
 *   when no newline is left is the partial tail moved to the start of the
 *   buffer and the rest refilled with one read(2) (plain) or inflate()
 *   calls (gzip).
 * - Newlines are found a 64-byte block at a time (SSE2 where the compiler
 *   has it, else a byte loop): one pass makes a bit mask of the block's
 *   newlines, and the lines ending in that block are then cut one after
 *   the other by popping the lowest bit, so no byte is looked at twice and
 *   the common call is a leaf with no library call.  source_lines hands out
 *   every line it can cut from the data already read in one call (the
 *   caller gives the room), so the state is loaded and stored once per
 *   batch rather than per line; source_next is source_lines for one line.
 *   Neither refills once it has a line to return, so all the lines of a
 *   batch stay valid until the next call.  `scan` is how far the
 *   data has been looked at; the newlines in [start, scan) are exactly the
 *   bits of `mask` (bit i is data[mbase + i]).  Only whole blocks before
 *   `end` are loaded, never a byte past it (a memory source is the
 *   caller's buffer); the last partial block goes to memchr.  A long
 *   partial line is therefore never rescanned after a refill, which moves
 *   start, scan and mbase together.
 * - A plain memory source is not copied at all: the caller's buffer is the
 *   data and it is never written to.
 * - A file read once to its end (batch: source_open_whole) that is a
 *   regular, uncompressed file of SOURCE_MAP_MIN bytes or more is mapped
 *   instead of read: read(2) copies every byte once more, most of the
 *   system time of a parse-only run (0.10 of 0.49 s for 4M v2 records;
 *   0.02 s mapped).  The mapping is the data,
 *   revealed SOURCE_MAP_STEP bytes at a time by fill() (so the line loop
 *   is the same as for any buffer, and a refill is only a bigger `end`),
 *   pages behind the lines are let go every SOURCE_MAP_DROP bytes so the
 *   resident size stays small, and at the end of the mapping the tail
 *   moves to a buffer and the source goes on with read(2) from there: a
 *   file that grew is read to its new end, exactly as when read.  A file
 *   that shrinks under a mapping would kill the process with SIGBUS on
 *   the first page past its new end; a SIGBUS handler (made sure of at
 *   each mapping, one mapping guarded at a time) puts zero pages there
 *   instead and flags it, and the next fill() cuts the data back to the
 *   file's new size and latches "the file shrank while it was read".
 *   Lines before that stay read; other faults go to the previous handler.
 * - Lines longer than SOURCE_LINE_MAX: when the tail holds more than
 *   SOURCE_LINE_MAX + 1 bytes without a newline (the + 1 leaves room for a
 *   CR), the first SOURCE_LINE_MAX bytes are returned flagged too_long and
 *   the source enters "skipping" mode, which drops data up to the next
 *   newline however many refills that takes.  Memory never grows.
 * - Compression is found by magic bytes (1f 8b) in the first bytes of the
 *   stream, never by name.  For a descriptor the first read goes into the
 *   line buffer (at most SOURCE_INBUF bytes); if it is gzip those bytes move
 *   to the compressed-input buffer and inflate (windowBits 16 + MAX_WBITS)
 *   takes over.  When a member ends (Z_STREAM_END), zero padding is
 *   skipped and any other byte starts the next member (inflateReset); a
 *   bad header there is reported as corrupt data by inflate.  Input that
 *   ends inside a member is a truncated stream.
 * - Errors (read(2), truncated or corrupt gzip) are latched: lines already
 *   decoded are still returned, then the partial last line if any, then
 *   SOURCE_ERROR on every later call, with the message in source_error().
 * - End of file on a plain descriptor is not latched: a later source_next
 *   reads again, so a growing file yields its new lines.  A followed file
 *   sets `hold` (source_set_hold): at end of file a partial last line
 *   stays in the buffer instead of being returned, until its newline is
 *   written or hold is cleared.
 * - EAGAIN on a non-blocking descriptor gives SOURCE_AGAIN and keeps all
 *   state (partial line included); EINTR is retried.
 * - "-" is stdin: the descriptor is dup'ed so that source_close never closes
 *   fd 0 and the caller may point fd 0 elsewhere (e.g. at the terminal).
 * - source_walk reads each directory fully, closes it, sorts the names with
 *   strcmp and then visits them depth first, so the order never depends on
 *   readdir and at most one directory stream is open at a time.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define ZLIB_CONST
#include <zlib.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define SOURCE_BUF (4 * 1024 * 1024)	/* decoded line buffer */
#define SOURCE_INBUF (256 * 1024)	/* compressed input buffer */
#define SOURCE_CHUNK (32 * 1024)	/* plain bytes read at a time */
#define SOURCE_SNIFF 4096		/* bytes looked at by source_sniff */
#define SOURCE_MAP_MIN (1024 * 1024)	/* smallest file mapped */
#define SOURCE_MAP_STEP (1024 * 1024)	/* mapped bytes revealed at a time */
#define SOURCE_MAP_DROP (64 * 1024 * 1024)	/* pages let go at a time */

_Static_assert(SOURCE_BUF > SOURCE_LINE_MAX + 2,
    "the line buffer must hold a whole maximal line and its CR LF");
_Static_assert(SOURCE_INBUF <= SOURCE_BUF,
    "the first read must fit the compressed-input buffer");

enum { MODE_UNKNOWN, MODE_PLAIN, MODE_GZIP };
enum { FILL_DATA, FILL_EOF, FILL_AGAIN, FILL_ERROR };

struct source {
	int fd;			/* -1 for memory sources */
	int mode;		/* MODE_*: known after the first bytes */
	int failed;		/* an error is latched, message in err */
	int skipping;		/* dropping the rest of a too-long line */
	int between;		/* gzip: a member ended, next not begun */
	int raw_eof;		/* gzip: compressed input is exhausted */
	int zinit;		/* zs was set up with inflateInit2 */
	int hold;		/* keep a partial last line at end of file */
	char *buf;		/* owned line buffer (NULL: plain memory) */
	const char *data;	/* buf, or the caller's plain memory */
	size_t cap;		/* size of buf */
	size_t start, end;	/* live data in data[start, end) */
	size_t scan;		/* data[start, scan) has been looked at */
	size_t mbase;		/* offset of bit 0 of mask */
	uint64_t mask;		/* the newlines in data[start, scan) */
	unsigned char *in;	/* compressed input buffer (gzip fd) */
	const char *map;	/* a mapped file (the data), or NULL */
	size_t maplen;		/* its length */
	size_t dropped;		/* map[0, dropped) has been let go */
	const unsigned char *mem;	/* gzip memory: input not yet given */
	size_t mem_left;		/* to inflate, in uInt-sized pieces */
	z_stream zs;
	uint64_t lineno;
	uint64_t bytes;		/* compressed bytes read */
	char *name;
	char err[256];
};

/* The one mapping guarded against SIGBUS: [lo, hi), hit when a fault in
 * it was turned into zero pages (map_bus). */
static struct {
	volatile uintptr_t lo, hi;
	volatile sig_atomic_t hit;
	uintptr_t page;
	struct sigaction old;
} guard;

/* Latch an error with a printf-style message. */
static void
set_error(struct source *src, const char *fmt, const char *arg)
{
	src->failed = 1;
	snprintf(src->err, sizeof src->err, fmt, arg);
}

/* Allocate a source with its name; fd and mode are set by the caller. */
static struct source *
source_new(const char *name, const char *fallback)
{
	struct source *src = calloc(1, sizeof *src);

	if (src == NULL)
		return NULL;
	if (name == NULL)
		name = fallback;
	else if (strcmp(name, "-") == 0)
		name = "(stdin)";
	src->name = strdup(name);
	if (src->name == NULL) {
		free(src);
		return NULL;
	}
	src->fd = -1;
	return src;
}

/* Set up inflate for a gzip stream (multi-member handled by the caller). */
static int
gzip_init(struct source *src)
{
	if (inflateInit2(&src->zs, 16 + MAX_WBITS) != Z_OK)
		return -1;
	src->zinit = 1;
	src->mode = MODE_GZIP;
	return 0;
}

/* Wrap an open descriptor (taken over: closed by source_close). */
struct source *
source_open_fd(int fd, const char *name)
{
	char fallback[32];
	struct source *src;

	snprintf(fallback, sizeof fallback, "(fd %d)", fd);
	src = source_new(name, fallback);
	if (src != NULL) {
		src->cap = SOURCE_BUF;
		src->buf = malloc(src->cap);
	}
	if (src == NULL || src->buf == NULL) {
		if (src != NULL) {
			free(src->name);
			free(src);
		}
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	src->data = src->buf;
	src->fd = fd;
	src->mode = MODE_UNKNOWN;
	return src;
}

/* Wrap a memory buffer (not copied; must outlive the source). */
struct source *
source_open_mem(const void *buf, size_t len, const char *name)
{
	const unsigned char *p = buf;
	struct source *src = source_new(name, "(memory)");

	if (src == NULL)
		return NULL;
	src->bytes = len;
	if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
		src->cap = SOURCE_BUF;
		src->buf = malloc(src->cap);
		if (src->buf == NULL || gzip_init(src) < 0) {
			source_close(src);
			return NULL;
		}
		src->data = src->buf;
		src->mem = p;
		src->mem_left = len;
		return src;
	}
	src->mode = MODE_PLAIN;
	src->data = len ? buf : "";
	src->end = len;
	return src;
}

/* Write "cannot open NAME: reason" into err when there is room. */
static void
open_error(char *err, size_t errlen, const char *path, int errnum)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "cannot open %s: %s",
		    strcmp(path, "-") == 0 ? "(stdin)" : path,
		    strerror(errnum));
}

/* Open a path for reading (stdin for "-"): a descriptor that is not a
 * directory, or -1 with a message in err. */
static int
open_path(const char *path, char *err, size_t errlen, struct stat *sb)
{
	int fd;

	if (strcmp(path, "-") == 0)
		fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		open_error(err, errlen, path, errno);
		return -1;
	}
	if (fstat(fd, sb) != 0)
		memset(sb, 0, sizeof *sb);
	if (S_ISDIR(sb->st_mode)) {
		close(fd);
		open_error(err, errlen, path, EISDIR);
		return -1;
	}
	return fd;
}

/* Wrap a descriptor opened by open_path; NULL with a message on failure. */
static struct source *
open_fd_or_say(int fd, const char *path, char *err, size_t errlen)
{
	struct source *src = source_open_fd(fd, path);

	if (src == NULL)
		open_error(err, errlen, path, ENOMEM);
	return src;
}

/* Open a file, or stdin for "-"; NULL with a message in err on failure. */
struct source *
source_open(const char *path, char *err, size_t errlen)
{
	struct stat sb;
	int fd = open_path(path, err, errlen, &sb);

	return fd < 0 ? NULL : open_fd_or_say(fd, path, err, errlen);
}

/* SIGBUS handler: a fault in the guarded mapping (its file shrank) gets
 * zero pages from the faulting page to the mapping's end and sets hit;
 * any other goes back to the previous disposition, which then sees the
 * fault again (or the signal, when it was sent rather than raised). */
static void
map_bus(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr, lo = guard.lo, hi = guard.hi;

	(void)uc;
	if (si->si_code > 0 && a >= lo && a < hi) {
		a &= ~(guard.page - 1);
		if (mmap((void *)a, hi - a, PROT_READ,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) !=
		    MAP_FAILED) {
			guard.hit = 1;
			return;
		}
	}
	sigaction(sig, &guard.old, NULL);
	if (si->si_code <= 0)
		raise(sig);
}

/* Make map_bus the SIGBUS handler (again, if something replaced it since
 * the last mapping), keeping the one it replaces; -1 when it cannot be. */
static int
guard_install(void)
{
	struct sigaction sa, cur;
	long page = sysconf(_SC_PAGESIZE);

	if (page <= 0 || (page & (page - 1)) != 0 ||
	    sigaction(SIGBUS, NULL, &cur) != 0)
		return -1;
	if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == map_bus)
		return 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = map_bus;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	guard.page = (uintptr_t)page;
	guard.old = cur;
	return sigaction(SIGBUS, &sa, NULL);
}

/* Stop guarding and unmap a mapped source's file. */
static void
map_release(struct source *src)
{
	guard.hi = 0;
	guard.lo = 0;
	guard.hit = 0;
	munmap((void *)src->map, src->maplen);
	src->map = NULL;
}

/* Map a regular descriptor of sb->st_size bytes into a new source, or
 * return NULL (the caller reads it instead). */
static struct source *
map_open(int fd, const char *path, const struct stat *sb)
{
	unsigned char magic[2];
	struct source *src;
	void *m;

	if (!S_ISREG(sb->st_mode) || sb->st_size < SOURCE_MAP_MIN ||
	    (uint64_t)sb->st_size > SIZE_MAX / 2 || guard.hi != 0 ||
	    pread(fd, magic, 2, 0) != 2 || (magic[0] == 0x1f &&
	    magic[1] == 0x8b) || guard_install() < 0)
		return NULL;
	src = source_new(path, "(file)");
	if (src == NULL)
		return NULL;
	m = mmap(NULL, (size_t)sb->st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED) {
		free(src->name);
		free(src);
		return NULL;
	}
	madvise(m, (size_t)sb->st_size, MADV_SEQUENTIAL);
	src->fd = fd;
	src->mode = MODE_PLAIN;
	src->map = m;
	src->maplen = (size_t)sb->st_size;
	src->data = m;
	guard.hit = 0;
	guard.lo = (uintptr_t)m;
	guard.hi = (uintptr_t)m + src->maplen;
	return src;
}

/* Open a file that will be read once to its end; see source.h. */
struct source *
source_open_whole(const char *path, char *err, size_t errlen)
{
	struct source *src;
	struct stat sb;
	int fd = open_path(path, err, errlen, &sb);

	if (fd < 0)
		return NULL;
	if (strcmp(path, "-") != 0 && (src = map_open(fd, path, &sb)) != NULL)
		return src;
	return open_fd_or_say(fd, path, err, errlen);
}

/* read(2) retried on EINTR; counts bytes, returns -1 with errno set. */
static ssize_t
raw_read(struct source *src, void *p, size_t n)
{
	ssize_t r;

	do
		r = read(src->fd, p, n);
	while (r < 0 && errno == EINTR);
	if (r > 0)
		src->bytes += (uint64_t)r;
	return r;
}

/* Map a failed raw_read to FILL_AGAIN or a latched FILL_ERROR. */
static int
read_failed(struct source *src)
{
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return FILL_AGAIN;
	set_error(src, "read error: %s", strerror(errno));
	return FILL_ERROR;
}

/* Read the first bytes of a descriptor and decide plain or gzip. */
static int
detect(struct source *src)
{
	ssize_t r;

	while (src->end < 2) {
		r = raw_read(src, src->buf + src->end, SOURCE_INBUF - src->end);
		if (r < 0)
			return read_failed(src);
		if (r == 0)
			break;
		src->end += (size_t)r;
		if ((unsigned char)src->buf[0] != 0x1f)
			break;
	}
	if (src->end >= 2 && (unsigned char)src->buf[0] == 0x1f &&
	    (unsigned char)src->buf[1] == 0x8b) {
		src->in = malloc(SOURCE_INBUF);
		if (src->in == NULL || gzip_init(src) < 0) {
			set_error(src, "%s", "out of memory");
			return FILL_ERROR;
		}
		memcpy(src->in, src->buf, src->end);
		src->zs.next_in = src->in;
		src->zs.avail_in = (uInt)src->end;
		src->start = src->end = 0;
		return FILL_DATA;
	}
	if (src->end == 0)
		return FILL_EOF;	/* still unknown: a file may grow */
	src->mode = MODE_PLAIN;
	return FILL_DATA;
}

/* Get more compressed input into zs; FILL_DATA, or EOF/AGAIN/ERROR. */
static int
gzip_input(struct source *src)
{
	ssize_t r;

	if (src->fd < 0) {
		if (src->mem_left == 0) {
			src->raw_eof = 1;
			return FILL_EOF;
		}
		src->zs.next_in = src->mem;
		src->zs.avail_in = src->mem_left > UINT_MAX ?
		    UINT_MAX : (uInt)src->mem_left;
		src->mem += src->zs.avail_in;
		src->mem_left -= src->zs.avail_in;
		return FILL_DATA;
	}
	if (src->raw_eof)
		return FILL_EOF;
	r = raw_read(src, src->in, SOURCE_INBUF);
	if (r < 0)
		return read_failed(src);
	if (r == 0) {
		src->raw_eof = 1;
		return FILL_EOF;
	}
	src->zs.next_in = src->in;
	src->zs.avail_in = (uInt)r;
	return FILL_DATA;
}

/* Inflate into buf[end, cap) until some output appears or input ends. */
static int
gzip_fill(struct source *src)
{
	size_t before;
	int ret, r;

	for (;;) {
		if (src->between) {
			while (src->zs.avail_in > 0 && *src->zs.next_in == 0) {
				src->zs.next_in++;
				src->zs.avail_in--;
			}
			if (src->zs.avail_in == 0) {
				r = gzip_input(src);
				if (r != FILL_DATA)
					return r;
				continue;
			}
			inflateReset(&src->zs);
			src->between = 0;
		}
		before = src->end;
		src->zs.next_out = (unsigned char *)src->buf + src->end;
		src->zs.avail_out = (uInt)(src->cap - src->end);
		ret = inflate(&src->zs, Z_NO_FLUSH);
		src->end = src->cap - src->zs.avail_out;
		if (ret == Z_STREAM_END) {
			src->between = 1;
		} else if (ret != Z_OK && ret != Z_BUF_ERROR) {
			set_error(src, "corrupt gzip data: %s",
			    src->zs.msg ? src->zs.msg : zError(ret));
			return src->end > before ? FILL_DATA : FILL_ERROR;
		}
		if (src->end > before)
			return FILL_DATA;
		if (src->between)
			continue;
		if (src->zs.avail_in == 0) {
			r = gzip_input(src);
			if (r == FILL_EOF) {
				set_error(src, "%s", "truncated gzip stream");
				return FILL_ERROR;
			}
			if (r != FILL_DATA)
				return r;
		} else if (ret == Z_BUF_ERROR) {
			set_error(src, "corrupt gzip data: %s",
			    "inflate made no progress");
			return FILL_ERROR;
		}
	}
}

static int fill(struct source *src);

/* The mapped file shrank under the source: cut the data back to its new
 * size and latch the error. */
static int
map_shrank(struct source *src, uint64_t now)
{
	size_t was = src->end;

	if (now < src->end)
		src->end = now > src->start ? (size_t)now : src->start;
	src->bytes -= was - src->end;
	if (src->scan > src->end)
		src->scan = src->end;
	src->mbase = src->scan;		/* mask is empty in fill */
	set_error(src, "%s", "the file shrank while it was read");
	return FILL_ERROR;
}

/* More data of a mapped file: reveal its next step, or past the end of
 * the mapping go on with read(2) (a file may have grown); FILL_* code. */
static int
map_fill(struct source *src)
{
	struct stat sb;
	size_t n;

	if (guard.hit || src->end == src->maplen) {
		if (fstat(src->fd, &sb) != 0)
			sb.st_size = guard.hit ? 0 : (off_t)src->maplen;
		if (guard.hit || (uint64_t)sb.st_size < src->maplen)
			return map_shrank(src, (uint64_t)sb.st_size);
	}
	if (src->end < src->maplen) {
		if (src->start - src->dropped >= SOURCE_MAP_DROP) {
			n = (src->start & ~(size_t)(guard.page - 1)) -
			    src->dropped;
			madvise((char *)src->map + src->dropped, n,
			    MADV_DONTNEED);
			src->dropped += n;
		}
		n = src->maplen - src->end;
		if (n > SOURCE_MAP_STEP)
			n = SOURCE_MAP_STEP;
		src->end += n;
		src->bytes += n;
		return FILL_DATA;
	}
	/* The tail (no newline) moves to a buffer, as fill() would do. */
	src->cap = SOURCE_BUF;
	src->buf = malloc(src->cap);
	if (src->buf == NULL ||
	    lseek(src->fd, (off_t)src->maplen, SEEK_SET) < 0) {
		set_error(src, "%s", src->buf == NULL ? "out of memory" :
		    strerror(errno));
		return FILL_ERROR;
	}
	memcpy(src->buf, src->data + src->start, src->end - src->start);
	src->end -= src->start;
	src->scan -= src->start;
	src->mbase = src->scan;
	src->start = 0;
	src->data = src->buf;
	map_release(src);
	return fill(src);
}

/* Make room and append decoded data at end; returns a FILL_* code. */
static int
fill(struct source *src)
{
	ssize_t r;

	if (src->failed)
		return FILL_ERROR;
	if (src->map != NULL)
		return map_fill(src);
	if (src->buf == NULL)
		return FILL_EOF;	/* plain memory: all data is there */
	if (src->start > 0) {
		memmove(src->buf, src->buf + src->start,
		    src->end - src->start);
		src->end -= src->start;
		src->scan -= src->start;
		src->mbase = src->scan;	/* mask is empty here */
		src->start = 0;
	}
	if (src->mode == MODE_UNKNOWN) {
		r = detect(src);
		if (r != FILL_DATA || src->mode == MODE_PLAIN)
			return (int)r;
	}
	if (src->mode == MODE_GZIP)
		return gzip_fill(src);
	r = raw_read(src, src->buf + src->end, src->cap - src->end <
	    SOURCE_CHUNK ? src->cap - src->end : SOURCE_CHUNK);
	if (r < 0)
		return read_failed(src);
	if (r == 0)
		return FILL_EOF;
	src->end += (size_t)r;
	return FILL_DATA;
}

/* Fill in a line from data[start, start+len) and count it. */
static inline int
emit(struct source *src, struct source_line *line, size_t len)
{
	const char *p = src->data + src->start;

	if (len > 0 && p[len - 1] == '\r')
		len--;
	line->p = p;
	line->too_long = len > SOURCE_LINE_MAX;
	line->len = line->too_long ? SOURCE_LINE_MAX : len;
	line->lineno = ++src->lineno;
	return SOURCE_LINE;
}

/* Bit mask of the newlines in the 64 bytes at p (bit i: p[i]). */
static inline uint64_t
newline_mask(const char *p)
{
#if defined(__SSE2__)
	const __m128i nl = _mm_set1_epi8('\n');
	uint64_t m0, m1, m2, m3;

	m0 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_loadu_si128((const __m128i *)(const void *)p), nl));
	m1 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_loadu_si128((const __m128i *)(const void *)(p + 16)), nl));
	m2 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_loadu_si128((const __m128i *)(const void *)(p + 32)), nl));
	m3 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_loadu_si128((const __m128i *)(const void *)(p + 48)), nl));
	return m0 | m1 << 16 | m2 << 32 | m3 << 48;
#else
	uint64_t m = 0;
	unsigned i;

	for (i = 0; i < 64; i++)
		m |= (uint64_t)(p[i] == '\n') << i;
	return m;
#endif
}

/* Index of the lowest set bit of a non-zero mask. */
static inline size_t
lowest_bit(uint64_t m)
{
#if defined(__GNUC__)
	return (unsigned)__builtin_ctzll(m);
#else
	size_t i = 0;

	while (!(m & 1)) {
		m >>= 1;
		i++;
	}
	return i;
#endif
}

/* Find the next newline at or after start, advancing scan (and mask) over
 * the data looked at; its offset, or (size_t)-1 when [start, end) has none. */
static inline size_t
find_newline(struct source *src)
{
	const char *nl;
	size_t at;

	for (;;) {
		if (src->mask != 0) {
			at = src->mbase + lowest_bit(src->mask);
			src->mask &= src->mask - 1;
			return at;
		}
		if (src->end - src->scan < 64)
			break;
		src->mbase = src->scan;
		src->mask = newline_mask(src->data + src->scan);
		src->scan += 64;
	}
	nl = memchr(src->data + src->scan, '\n', src->end - src->scan);
	if (nl == NULL) {
		src->scan = src->end;
		return (size_t)-1;
	}
	at = (size_t)(nl - src->data);
	src->scan = src->mbase = at + 1;
	return at;
}

/* The next line when none ends in the newlines already found or in the
 * whole blocks after them: the tail of the data, the skipping of a
 * too-long line, refills, end of file. */
static int __attribute__((noinline))
next_slow(struct source *src, struct source_line *line)
{
	const char *nl;
	size_t at, avail;
	int r;

	for (;;) {
		if (src->skipping) {
			nl = memchr(src->data + src->start, '\n',
			    src->end - src->start);
			if (nl != NULL) {
				src->start = (size_t)(nl - src->data) + 1;
				src->skipping = 0;
			} else {
				src->start = src->end;
			}
			src->scan = src->mbase = src->start;
			src->mask = 0;
		}
		if (!src->skipping) {
			at = find_newline(src);
			if (at != (size_t)-1) {
				r = emit(src, line, at - src->start);
				src->start = at + 1;
				return r;
			}
			avail = src->end - src->start;
			if (avail > SOURCE_LINE_MAX + 1) {
				r = emit(src, line, avail);
				src->start = src->scan = src->mbase = src->end;
				src->skipping = 1;
				return r;
			}
		}
		r = fill(src);
		if (r == FILL_DATA)
			continue;
		if (r == FILL_AGAIN)
			return SOURCE_AGAIN;
		if (!src->skipping && src->end > src->start &&
		    !(src->hold && r == FILL_EOF && src->mode != MODE_GZIP)) {
			r = emit(src, line, src->end - src->start);
			src->start = src->scan = src->mbase = src->end;
			return r;
		}
		return src->failed ? SOURCE_ERROR : SOURCE_EOF;
	}
}

/* Hand out up to max lines at once; see source.h.  The lines that end in
 * the newlines already found or in the whole blocks after them are cut
 * here, with the state in locals; only when there is none does next_slow
 * read on (refill, tail, skipping, end of file) for a single line. */
int
source_lines(struct source *src, struct source_line *lines, size_t max,
    size_t *count)
{
	const char *data = src->data;
	uint64_t m = src->mask, lineno = src->lineno;
	size_t mbase = src->mbase, scan = src->scan, end = src->end;
	size_t start = src->start, n = 0, at, len;
	/* A whole block fits before end while scan < stop. */
	size_t stop = end >= 64 ? end - 63 : 0;
	int r;

	if (!src->skipping) {
		while (n < max) {
			while (m == 0) {
				if (scan >= stop)
					goto out;
				m = newline_mask(data + scan);
				mbase = scan;
				scan += 64;
			}
			at = mbase + lowest_bit(m);
			m &= m - 1;
			len = at - start;
			lines[n].p = data + start;
			start = at + 1;
			if (len > 0 && data[at - 1] == '\r')
				len--;
			lines[n].too_long = 0;
			if (len > SOURCE_LINE_MAX) {
				lines[n].too_long = 1;
				len = SOURCE_LINE_MAX;
			}
			lines[n].len = len;
			lines[n].lineno = ++lineno;
			n++;
		}
	}
out:
	src->mask = m;
	src->mbase = mbase;
	src->scan = scan;
	src->start = start;
	src->lineno = lineno;
	if (n > 0) {
		*count = n;
		return SOURCE_LINE;
	}
	r = next_slow(src, lines);
	*count = r == SOURCE_LINE;
	return r;
}

/* Return the next line; see the SOURCE_* results. */
int
source_next(struct source *src, struct source_line *line)
{
	size_t n;

	return source_lines(src, line, 1, &n);
}

/* Length of the valid UTF-8 sequence at p (n bytes left), or 0. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return 0;
	for (i = 1; i < len; i++) {
		if (i >= n)
			return n;	/* cut by the sniff window: allow */
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	}
	return len;
}

/* 1 when the bytes hold a NUL or more than 30% non-text bytes. */
static int
looks_binary(const unsigned char *p, size_t n)
{
	size_t i = 0, odd = 0, k;

	if (memchr(p, 0, n) != NULL)
		return 1;
	while (i < n) {
		if (p[i] >= 0x80) {
			k = utf8_len(p + i, n - i);
			if (k == 0) {
				odd++;
				k = 1;
			}
			i += k;
			continue;
		}
		if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' &&
		    p[i] != '\r' && p[i] != '\f' && p[i] != '\v' &&
		    p[i] != 0x1b) || p[i] == 0x7f)
			odd++;
		i++;
	}
	return odd * 10 > n * 3;
}

/* Sniff whether the start of the stream looks like a flow log. */
int
source_sniff(struct source *src, const char **why)
{
	const unsigned char *p;
	size_t n;

	if (why != NULL)
		*why = NULL;
	while (src->end - src->start < SOURCE_SNIFF && fill(src) == FILL_DATA)
		;
	p = (const unsigned char *)src->data + src->start;
	n = src->end - src->start;
	if (n > SOURCE_SNIFF)
		n = SOURCE_SNIFF;
	if (n >= 4 && memcmp(p, "PAR1", 4) == 0) {
		if (why != NULL)
			*why = "Parquet file (not supported; use plain-text "
			    "flow logs)";
		return 0;
	}
	if (n > 0 && looks_binary(p, n)) {
		if (why != NULL)
			*why = "binary data";
		return 0;
	}
	return 1;
}

/* Hold (1) or return (0) a partial last line at end of file. */
void
source_set_hold(struct source *src, int hold)
{
	src->hold = hold;
}

/* The last error message (read error, truncated gzip), or NULL. */
const char *
source_error(const struct source *src)
{
	return src->failed ? src->err : NULL;
}

/* The name the source was opened with ("-" shows as "(stdin)"). */
const char *
source_name(const struct source *src)
{
	return src->name;
}

/* 1 while the source reads a mapped file. */
int
source_is_mapped(const struct source *src)
{
	return src->map != NULL;
}

/* 1 when the stream is gzip-compressed. */
int
source_is_gzip(const struct source *src)
{
	return src->mode == MODE_GZIP;
}

/* Bytes read from the underlying file or pipe so far (compressed). */
uint64_t
source_bytes_read(const struct source *src)
{
	return src->bytes;
}

/* The underlying descriptor (-1 for memory sources), for poll(2). */
int
source_fd(const struct source *src)
{
	return src->fd;
}

/* Close the source and free it. */
void
source_close(struct source *src)
{
	if (src == NULL)
		return;
	if (src->zinit)
		inflateEnd(&src->zs);
	if (src->map != NULL)
		map_release(src);
	if (src->fd >= 0)
		close(src->fd);
	free(src->in);
	free(src->buf);
	free(src->name);
	free(src);
}

/* qsort comparator: names in strcmp byte order. */
static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* dir + "/" + name, without doubling a trailing slash; NULL if no memory. */
static char *
path_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	int slash = dl > 0 && dir[dl - 1] != '/';
	char *p = malloc(dl + slash + nl + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, dir, dl);
	if (slash)
		p[dl] = '/';
	memcpy(p + dl + slash, name, nl + 1);
	return p;
}

/* Free a list of n names. */
static void
free_names(char **names, size_t n)
{
	while (n > 0)
		free(names[--n]);
	free(names);
}

/* Read the names of one directory (without . and ..); -1 with errno. */
static int
read_names(const char *dir, char ***out, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL, **grown;
	size_t n = 0, cap = 0;
	int saved;

	if (d == NULL)
		return -1;
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (de == NULL)
			break;
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			grown = realloc(names, cap * sizeof *names);
			if (grown == NULL) {
				errno = ENOMEM;
				break;
			}
			names = grown;
		}
		names[n] = strdup(de->d_name);
		if (names[n] == NULL) {
			errno = ENOMEM;
			break;
		}
		n++;
	}
	saved = errno;
	closedir(d);
	if (saved != 0) {
		free_names(names, n);
		errno = saved;
		return -1;
	}
	if (n > 1)
		qsort(names, n, sizeof *names, name_cmp);
	*out = names;
	*count = n;
	return 0;
}

/* Walk one directory depth first; -1 when it cannot be read. */
static int
walk_dir(const char *dir, int (*fn)(void *ctx, const char *path),
    void (*err_fn)(void *ctx, const char *path, const char *msg),
    void *ctx, int *stop)
{
	char **names;
	size_t n, i;
	struct stat sb;
	char *path;
	int is_file;

	if (read_names(dir, &names, &n) < 0) {
		if (err_fn != NULL)
			err_fn(ctx, dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n && !*stop; i++) {
		path = path_join(dir, names[i]);
		if (path == NULL) {
			if (err_fn != NULL)
				err_fn(ctx, dir, strerror(ENOMEM));
			break;
		}
		if (lstat(path, &sb) < 0) {
			free(path);	/* vanished since readdir */
			continue;
		}
		if (S_ISDIR(sb.st_mode)) {
			walk_dir(path, fn, err_fn, ctx, stop);
			free(path);
			continue;
		}
		is_file = S_ISREG(sb.st_mode) ||
		    (S_ISLNK(sb.st_mode) && stat(path, &sb) == 0 &&
		    S_ISREG(sb.st_mode));
		if (is_file && fn(ctx, path) != 0)
			*stop = 1;
		free(path);
	}
	free_names(names, n);
	return 0;
}

/* Call fn for every regular file below dir, recursively, in name order. */
int
source_walk(const char *dir,
    int (*fn)(void *ctx, const char *path),
    void (*err_fn)(void *ctx, const char *path, const char *msg),
    void *ctx)
{
	int stop = 0;

	return walk_dir(dir, fn, err_fn, ctx, &stop);
}
