/*
 * test_source.c - lines from files, gzip streams, pipes, memory and
 * directory walks.
 *
 * Every input is built by the test itself (gzip data with zlib's deflate)
 * under a mkdtemp directory that is removed at the end.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "source.h"

static char tmpdir[] = "/tmp/test_source.XXXXXX";

/* snprintf that fails the test instead of truncating. */
static void
sfmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < size);
}

/* Build a path under the test directory (static buffer per slot). */
static const char *
tpath(int slot, const char *name)
{
	static char buf[4][4096];

	sfmt(buf[slot], sizeof buf[slot], "%s/%s", tmpdir, name);
	return buf[slot];
}

/* Write len bytes to a new file. */
static void
write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	if (len > 0)
		assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Gzip one member of data into a malloc'd buffer (windowBits 31). */
static unsigned char *
gz(const void *data, size_t len, size_t *outlen)
{
	z_stream zs;
	uLong bound;
	unsigned char *out;

	memset(&zs, 0, sizeof zs);
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 31, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	bound = deflateBound(&zs, (uLong)len) + 64;
	out = malloc(bound);
	assert_non_null(out);
	zs.next_in = (unsigned char *)(uintptr_t)data;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)bound;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*outlen = bound - zs.avail_out;
	deflateEnd(&zs);
	return out;
}

/* Expect the next result to be a line with this text and number. */
static void
expect_line(struct source *src, const char *text, uint64_t lineno)
{
	struct source_line ln;

	assert_int_equal(source_next(src, &ln), SOURCE_LINE);
	assert_int_equal(ln.len, strlen(text));
	assert_memory_equal(ln.p, text, ln.len);
	assert_int_equal(ln.lineno, lineno);
	assert_int_equal(ln.too_long, 0);
}

/* Expect a too-long line: SOURCE_LINE_MAX bytes of c. */
static void
expect_long(struct source *src, char c, uint64_t lineno)
{
	struct source_line ln;
	size_t i;

	assert_int_equal(source_next(src, &ln), SOURCE_LINE);
	assert_int_equal(ln.len, SOURCE_LINE_MAX);
	assert_int_equal(ln.too_long, 1);
	assert_int_equal(ln.lineno, lineno);
	for (i = 0; i < ln.len; i++)
		if (ln.p[i] != c)
			fail_msg("byte %zu is 0x%02x", i, (unsigned char)ln.p[i]);
}

/* Expect end of stream. */
static void
expect_eof(struct source *src)
{
	struct source_line ln;

	assert_int_equal(source_next(src, &ln), SOURCE_EOF);
	assert_null(source_error(src));
}

/* Expect an error whose message contains text; it must stay latched. */
static void
expect_error(struct source *src, const char *text)
{
	struct source_line ln;

	assert_int_equal(source_next(src, &ln), SOURCE_ERROR);
	assert_non_null(source_error(src));
	if (strstr(source_error(src), text) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", source_error(src), text);
	assert_int_equal(source_next(src, &ln), SOURCE_ERROR);
}

/* Line i of the generated test text (no newline); returns its length. */
static size_t
gen_line(unsigned i, char *buf)
{
	int n = sprintf(buf, "line %u ", i);
	size_t pad = (i * 7919u) % 300, k;

	for (k = 0; k < pad; k++)
		buf[n + k] = (char)('a' + (i + k) % 26);
	return (size_t)n + pad;
}

/* Generated text of n lines, every 5th ending CRLF; malloc'd. */
static char *
gen_text(unsigned n, size_t *len)
{
	char *text = malloc((size_t)n * 320 + 1);
	size_t off = 0;
	unsigned i;

	assert_non_null(text);
	for (i = 0; i < n; i++) {
		off += gen_line(i, text + off);
		if (i % 5 == 4)
			text[off++] = '\r';
		text[off++] = '\n';
	}
	*len = off;
	return text;
}

/* Read a source made from gen_text(n) and check every line; EOF after. */
static void
check_gen(struct source *src, unsigned n)
{
	struct source_line ln;
	char want[400];
	size_t wl;
	unsigned i;

	for (i = 0; i < n; i++) {
		assert_int_equal(source_next(src, &ln), SOURCE_LINE);
		wl = gen_line(i, want);
		assert_int_equal(ln.len, wl);
		assert_memory_equal(ln.p, want, wl);
		assert_int_equal(ln.lineno, i + 1);
		assert_int_equal(ln.too_long, 0);
	}
	expect_eof(src);
}

/* Remove one entry of the test tree. */
static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Create the test directory. */
static int
setup_dir(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

/* Remove the test directory and everything in it. */
static int
teardown_dir(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Plain file: LF, CRLF, empty line, final line without newline. */
static void
test_plain_lines(void **state)
{
	static const char text[] = "a\nbb\r\n\n\r\nlast";
	const char *path = tpath(0, "plain.log");
	char err[256] = "";
	struct source *src;

	(void)state;
	write_file(path, text, sizeof text - 1);
	src = source_open(path, err, sizeof err);
	assert_non_null(src);
	assert_string_equal(source_name(src), path);
	assert_true(source_fd(src) >= 0);
	expect_line(src, "a", 1);
	expect_line(src, "bb", 2);
	expect_line(src, "", 3);
	expect_line(src, "", 4);
	expect_line(src, "last", 5);
	expect_eof(src);
	expect_eof(src);
	assert_int_equal(source_is_gzip(src), 0);
	assert_int_equal(source_bytes_read(src), sizeof text - 1);
	source_close(src);
	unlink(path);
}

/* Empty file: sniffs as readable, no lines. */
static void
test_empty_file(void **state)
{
	const char *path = tpath(0, "empty.log");
	const char *why = "unset";
	char err[256];
	struct source *src;

	(void)state;
	write_file(path, "", 0);
	src = source_open(path, err, sizeof err);
	assert_non_null(src);
	assert_int_equal(source_sniff(src, &why), 1);
	assert_null(why);
	expect_eof(src);
	assert_int_equal(source_bytes_read(src), 0);
	source_close(src);
	unlink(path);
}

/* Several MiB of lines: lines straddle every buffer refill. */
static void
test_chunk_boundaries(void **state)
{
	const char *path = tpath(0, "big.log");
	const unsigned n = 30000;
	char err[256];
	struct source *src;
	size_t len;
	char *text = gen_text(n, &len);

	(void)state;
	assert_true(len > 4 * 1024 * 1024);
	write_file(path, text, len);
	src = source_open(path, err, sizeof err);
	assert_non_null(src);
	check_gen(src, n);
	assert_int_equal(source_bytes_read(src), len);
	source_close(src);

	/* The same text from memory: no copy, same lines. */
	src = source_open_mem(text, len, "mem");
	assert_non_null(src);
	check_gen(src, n);
	source_close(src);

	/* The same file mapped: same lines, same count of bytes; past the
	 * end of the mapping it reads on with read(2). */
	src = source_open_whole(path, err, sizeof err);
	assert_non_null(src);
	assert_int_equal(source_is_mapped(src), 1);
	check_gen(src, n);
	assert_int_equal(source_bytes_read(src), len);
	assert_int_equal(source_is_mapped(src), 0);
	source_close(src);
	free(text);
	unlink(path);
}

/* Offset of the end of line n (after its newline) in gen_text. */
static size_t
gen_offset(unsigned n)
{
	char buf[400];
	size_t off = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		off += gen_line(i, buf) + (i % 5 == 4) + 1;
	return off;
}

/* A mapped file that grows after its end was read yields the new lines;
 * small files, stdin and gzip files are not mapped. */
static void
test_mapped_grows(void **state)
{
	const char *path = tpath(0, "grow.log");
	const unsigned n = 30000, more = 10;
	char err[256], want[400];
	struct source_line ln;
	struct source *src;
	size_t len, wl, zlen;
	char *text = gen_text(n + more, &len);
	size_t cut = gen_offset(n);
	unsigned char *z;
	FILE *f;
	unsigned i;

	(void)state;
	write_file(path, text, cut);
	src = source_open_whole(path, err, sizeof err);
	assert_non_null(src);
	assert_int_equal(source_is_mapped(src), 1);
	check_gen(src, n);
	f = fopen(path, "ab");
	assert_non_null(f);
	assert_int_equal(fwrite(text + cut, 1, len - cut, f), len - cut);
	assert_int_equal(fclose(f), 0);
	for (i = n; i < n + more; i++) {
		assert_int_equal(source_next(src, &ln), SOURCE_LINE);
		wl = gen_line(i, want);
		assert_int_equal(ln.len, wl);
		assert_memory_equal(ln.p, want, wl);
		assert_int_equal(ln.lineno, i + 1);
	}
	expect_eof(src);
	assert_int_equal(source_bytes_read(src), len);
	source_close(src);

	write_file(path, text, 1000);
	src = source_open_whole(path, err, sizeof err);
	assert_non_null(src);
	assert_int_equal(source_is_mapped(src), 0);
	source_close(src);
	z = gz(text, len, &zlen);
	write_file(path, z, zlen);
	src = source_open_whole(path, err, sizeof err);
	assert_non_null(src);
	assert_int_equal(source_is_mapped(src), 0);
	check_gen(src, n + more);
	assert_int_equal(source_is_gzip(src), 1);
	source_close(src);
	assert_null(source_open_whole(tmpdir, err, sizeof err));
	assert_non_null(strstr(err, "directory"));
	free(z);
	free(text);
	unlink(path);
}

/* Read a mapped gen_text file of n lines to past byte `at`, cut the file
 * to `to` bytes, read on: the lines before the cut whole, the part of a
 * line at the cut, then the error; returns the lines read. */
static unsigned
read_cut(const char *path, unsigned n, size_t at, size_t to)
{
	char err[256], want[400];
	struct source_line ln;
	struct source *src = source_open_whole(path, err, sizeof err);
	size_t off = 0, wl, size;
	unsigned i = 0;
	int r;

	assert_non_null(src);
	assert_int_equal(source_is_mapped(src), 1);
	while ((r = source_next(src, &ln)) == SOURCE_LINE) {
		wl = gen_line(i, want);
		if (off + wl > to) {	/* the line the cut went through */
			assert_int_equal(ln.len, to - off);
			assert_memory_equal(ln.p, want, ln.len);
		} else {
			assert_int_equal(ln.len, wl);
			assert_memory_equal(ln.p, want, wl);
		}
		size = wl + (i % 5 == 4) + 1;	/* with its CR and LF */
		assert_int_equal(ln.lineno, ++i);
		if (off <= at && off + size > at)	/* the line holding at */
			assert_int_equal(truncate(path, (off_t)to), 0);
		off += size;
	}
	assert_int_equal(r, SOURCE_ERROR);
	assert_non_null(strstr(source_error(src), "shrank"));
	assert_true(i <= n);
	source_close(src);
	return i;
}

/* A mapped file cut short while it is read ends with an error, not a
 * crash (SIGBUS), and every line before the cut is read whole. */
static void
test_mapped_shrinks(void **state)
{
	const char *path = tpath(0, "shrink.log");
	const unsigned n = 30000;
	size_t len, cut;
	char *text = gen_text(n, &len);
	unsigned k;

	(void)state;
	/* At a line's end, past the data revealed so far. */
	for (k = 0; gen_offset(k) < 3 * 1024 * 1024 + 100000; k += 100)
		;
	cut = gen_offset(k);
	write_file(path, text, len);
	assert_int_equal(read_cut(path, n, 1200000, cut), k);
	/* Inside a line, and inside the data already revealed. */
	write_file(path, text, len);
	cut = gen_offset(9000) + 5;
	assert_int_equal(read_cut(path, n, gen_offset(8990), cut), 9001);
	/* In the last page, found when the mapping ends. */
	write_file(path, text, len);
	cut = len - 100;
	assert_int_equal(read_cut(path, n, len - 5000, cut), n);
	/* The guard is free again: the next file is mapped. */
	{
		char err[256];
		struct source *src = source_open_whole(path, err,
		    sizeof err);

		assert_non_null(src);
		assert_int_equal(source_is_mapped(src), 1);
		source_close(src);
	}
	free(text);
	unlink(path);
}

/* One gzip member in a file whose name does not say gzip. */
static void
test_gzip_single(void **state)
{
	const char *path = tpath(0, "gz-without-suffix.log");
	const unsigned n = 30000;
	char err[256];
	struct source *src;
	size_t len, zlen;
	char *text = gen_text(n, &len);
	unsigned char *z = gz(text, len, &zlen);

	(void)state;
	write_file(path, z, zlen);
	src = source_open(path, err, sizeof err);
	assert_non_null(src);
	check_gen(src, n);
	assert_int_equal(source_is_gzip(src), 1);
	assert_int_equal(source_bytes_read(src), zlen);
	source_close(src);
	free(z);
	free(text);
	unlink(path);
}

/* Members concatenated: a line spans a member boundary; zero padding. */
static void
test_gzip_multi_member(void **state)
{
	const char *path = tpath(0, "multi.gz");
	size_t l1, l2, l3, total;
	unsigned char *m1 = gz("one\ntw", 6, &l1);
	unsigned char *m2 = gz("", 0, &l2);
	unsigned char *m3 = gz("o\r\nthree\n", 9, &l3);
	unsigned char *all;
	char err[256];
	struct source *src;

	(void)state;
	total = l1 + l2 + l3 + 512;
	all = calloc(1, total);
	assert_non_null(all);
	memcpy(all, m1, l1);
	memcpy(all + l1, m2, l2);
	memcpy(all + l1 + l2, m3, l3);
	write_file(path, all, total);

	src = source_open(path, err, sizeof err);
	assert_non_null(src);
	expect_line(src, "one", 1);
	expect_line(src, "two", 2);
	expect_line(src, "three", 3);
	expect_eof(src);
	assert_int_equal(source_is_gzip(src), 1);
	assert_int_equal(source_bytes_read(src), total);
	source_close(src);

	/* Without the padding, from memory. */
	src = source_open_mem(all, l1 + l2 + l3, "m");
	assert_non_null(src);
	expect_line(src, "one", 1);
	expect_line(src, "two", 2);
	expect_line(src, "three", 3);
	expect_eof(src);
	source_close(src);

	free(all);
	free(m1);
	free(m2);
	free(m3);
	unlink(path);
}

/* Read lines of gen_text until the end; check them; return the count. */
static unsigned
read_gen_prefix(struct source *src, int *result)
{
	struct source_line ln;
	char want[400];
	size_t wl;
	unsigned i = 0;
	int r, cut = 0;

	while ((r = source_next(src, &ln)) == SOURCE_LINE) {
		assert_false(cut);	/* only the last line may be cut */
		wl = gen_line(i, want);
		assert_true(ln.len <= wl);
		assert_memory_equal(ln.p, want, ln.len);
		assert_int_equal(ln.lineno, i + 1);
		cut = ln.len < wl;
		i++;
	}
	*result = r;
	return i;
}

/* A gzip stream cut short: lines before the cut, then an error. */
static void
test_gzip_truncated(void **state)
{
	const char *path = tpath(0, "trunc.gz");
	const unsigned n = 20000;
	char err[256];
	struct source *src;
	size_t len, zlen;
	char *text = gen_text(n, &len);
	unsigned char *z = gz(text, len, &zlen);
	unsigned got;
	int r;

	(void)state;
	write_file(path, z, zlen / 2);
	src = source_open(path, err, sizeof err);
	assert_non_null(src);
	got = read_gen_prefix(src, &r);
	assert_int_equal(r, SOURCE_ERROR);
	assert_true(got > n / 4);
	assert_true(got < n);
	assert_string_equal(source_error(src), "truncated gzip stream");
	expect_error(src, "truncated");
	assert_int_equal(source_bytes_read(src), zlen / 2);
	source_close(src);

	/* Cut inside the trailer: every line, then the error. */
	src = source_open_mem(z, zlen - 3, "mem");
	assert_non_null(src);
	got = read_gen_prefix(src, &r);
	assert_int_equal(got, n);
	assert_int_equal(r, SOURCE_ERROR);
	expect_error(src, "truncated gzip stream");
	source_close(src);

	/* Cut inside the header: no lines at all. */
	src = source_open_mem(z, 5, "mem");
	assert_non_null(src);
	expect_error(src, "truncated gzip stream");
	source_close(src);

	free(z);
	free(text);
	unlink(path);
}

/* Corrupt gzip: bad check value, bad method, garbage after a member. */
static void
test_gzip_corrupt(void **state)
{
	static const char text[] = "alpha\nbeta\ngamma\n";
	const char *path = tpath(0, "corrupt.gz");
	char err[256];
	struct source *src;
	size_t zlen;
	unsigned char *z = gz(text, sizeof text - 1, &zlen);
	unsigned char *zz;

	(void)state;
	/* CRC32 is the trailer's first 4 bytes: all data is still seen. */
	z[zlen - 8] ^= 0xff;
	write_file(path, z, zlen);
	src = source_open(path, err, sizeof err);
	assert_non_null(src);
	expect_line(src, "alpha", 1);
	expect_line(src, "beta", 2);
	expect_line(src, "gamma", 3);
	expect_error(src, "corrupt gzip data: incorrect data check");
	source_close(src);
	z[zlen - 8] ^= 0xff;

	/* Compression method 9 does not exist. */
	z[2] = 9;
	src = source_open_mem(z, zlen, "mem");
	assert_non_null(src);
	expect_error(src, "corrupt gzip data: unknown compression method");
	source_close(src);
	z[2] = 8;

	/* Garbage where a next member would start. */
	zz = malloc(zlen + 3);
	assert_non_null(zz);
	memcpy(zz, z, zlen);
	memcpy(zz + zlen, "xyz", 3);
	src = source_open_mem(zz, zlen + 3, "mem");
	assert_non_null(src);
	expect_line(src, "alpha", 1);
	expect_line(src, "beta", 2);
	expect_line(src, "gamma", 3);
	expect_error(src, "corrupt gzip data: incorrect header check");
	source_close(src);

	free(zz);
	free(z);
	unlink(path);
}

/* Gzip through a pipe written in tiny pieces by a child process. */
static void
test_gzip_pipe(void **state)
{
	const unsigned n = 3000;
	size_t len, zlen, off;
	char *text = gen_text(n, &len);
	unsigned char *z = gz(text, len, &zlen);
	struct source *src;
	int fds[2], status;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		/* One byte alone first: detection must wait for more. */
		if (write(fds[1], z, 1) != 1)
			_exit(1);
		usleep(20000);
		for (off = 1; off < zlen; off += 3) {
			size_t k = zlen - off < 3 ? zlen - off : 3;

			if (write(fds[1], z + off, k) != (ssize_t)k)
				_exit(1);
		}
		free(z);	/* keep valgrind's leak check quiet here too */
		free(text);
		_exit(0);
	}
	close(fds[1]);
	src = source_open_fd(fds[0], NULL);
	assert_non_null(src);
	assert_int_equal(source_fd(src), fds[0]);
	check_gen(src, n);
	assert_int_equal(source_is_gzip(src), 1);
	assert_int_equal(source_bytes_read(src), zlen);
	source_close(src);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	free(z);
	free(text);
}

/* "-" reads stdin (a duplicate of fd 0) and is named "(stdin)". */
static void
test_stdin(void **state)
{
	int fds[2], saved;
	char err[256];
	struct source *src;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "x\ny\n", 4), 4);
	close(fds[1]);
	saved = dup(0);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fds[0], 0), 0);
	close(fds[0]);
	src = source_open("-", err, sizeof err);
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
	assert_non_null(src);
	assert_string_equal(source_name(src), "(stdin)");
	assert_true(source_fd(src) != 0);
	expect_line(src, "x", 1);
	expect_line(src, "y", 2);
	expect_eof(src);
	source_close(src);
}

/* Non-blocking pipe: SOURCE_AGAIN keeps partial lines (plain and gzip). */
static void
test_nonblocking(void **state)
{
	const unsigned n = 2000;
	struct source_line ln;
	struct source *src;
	size_t len, zlen;
	char *text;
	unsigned char *z;
	unsigned got;
	int fds[2], r;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
	src = source_open_fd(fds[0], "nb");
	assert_non_null(src);
	assert_int_equal(source_next(src, &ln), SOURCE_AGAIN);
	assert_int_equal(write(fds[1], "ab\r", 3), 3);
	assert_int_equal(source_next(src, &ln), SOURCE_AGAIN);
	assert_int_equal(write(fds[1], "\ncd\nef", 6), 6);
	expect_line(src, "ab", 1);
	expect_line(src, "cd", 2);
	assert_int_equal(source_next(src, &ln), SOURCE_AGAIN);
	assert_int_equal(write(fds[1], "g", 1), 1);
	close(fds[1]);
	expect_line(src, "efg", 3);
	expect_eof(src);
	source_close(src);

	/* Gzip, the first half written before reading. */
	text = gen_text(n, &len);
	z = gz(text, len, &zlen);
	assert_true(zlen < 60000);	/* fits the pipe buffer */
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
	src = source_open_fd(fds[0], "nbgz");
	assert_non_null(src);
	assert_int_equal(write(fds[1], z, zlen / 2), (ssize_t)(zlen / 2));
	got = 0;
	while ((r = source_next(src, &ln)) == SOURCE_LINE) {
		char want[400];
		size_t wl = gen_line(got, want);

		assert_int_equal(ln.len, wl);
		assert_memory_equal(ln.p, want, wl);
		got++;
	}
	assert_int_equal(r, SOURCE_AGAIN);
	assert_true(got > 0 && got < n);
	assert_int_equal(source_is_gzip(src), 1);
	assert_int_equal(write(fds[1], z + zlen / 2, zlen - zlen / 2),
	    (ssize_t)(zlen - zlen / 2));
	close(fds[1]);
	while ((r = source_next(src, &ln)) == SOURCE_LINE) {
		char want[400];
		size_t wl = gen_line(got, want);

		assert_int_equal(ln.len, wl);
		assert_memory_equal(ln.p, want, wl);
		assert_int_equal(ln.lineno, got + 1);
		got++;
	}
	assert_int_equal(r, SOURCE_EOF);
	assert_int_equal(got, n);
	source_close(src);
	free(z);
	free(text);
}

/* Lengths around the 16- and 64-byte blocks newlines are found in. */
static const size_t edge_lens[] = {
	0, 1, 2, 14, 15, 16, 17, 31, 32, 33, 47, 48, 62, 63, 64, 65, 66,
	126, 127, 128, 129, 191, 192, 193, 255, 256, 300
};

/* Text of lines with edge_lens lengths in a scrambled order, some with
 * CR LF, some with a CR inside; the last line has no newline when open. */
static char *
edge_text(unsigned seed, unsigned nlines, int open, size_t *len)
{
	char *text = malloc((size_t)nlines * 310 + 1);
	size_t off = 0, k, ll;
	unsigned i, x = seed;

	assert_non_null(text);
	for (i = 0; i < nlines; i++) {
		x = x * 1103515245u + 12345u;
		ll = edge_lens[(x >> 16) % (sizeof edge_lens /
		    sizeof edge_lens[0])];
		for (k = 0; k < ll; k++)
			text[off + k] = (char)('a' + (i + k) % 26);
		if (ll > 3 && (x >> 8) % 7 == 0)
			text[off + ll / 2] = '\r';	/* a CR inside stays */
		if (ll > 0 && (x >> 4) % 5 == 0)
			text[off + ll - 1] = '\r';	/* CR LF */
		off += ll;
		if (!open || i + 1 < nlines)
			text[off++] = '\n';
	}
	*len = off;
	return text;
}

/* Check a source against a plain split of text: lines end at LF, one CR
 * at the end of a line is dropped, a last line without LF is a line.
 * With batch 0 the lines come from source_next, else from source_lines
 * at most batch at a time, all of a batch checked after the call. */
static void
check_split(struct source *src, const char *text, size_t len, size_t batch)
{
	struct source_line ln[40];
	size_t pos = 0, e, ll, n, i;
	uint64_t lineno = 0;
	int r;

	assert_true(batch <= 40);
	for (;;) {
		if (batch == 0) {
			r = source_next(src, ln);
			n = r == SOURCE_LINE;
		} else {
			r = source_lines(src, ln, batch, &n);
			assert_true(n <= batch);
		}
		if (r != SOURCE_LINE)
			break;
		assert_true(n >= 1);
		for (i = 0; i < n; i++) {
			const char *nl = memchr(text + pos, '\n', len - pos);

			assert_true(pos < len);
			e = nl ? (size_t)(nl - text) : len;
			ll = e - pos;
			if (ll > 0 && text[e - 1] == '\r')
				ll--;
			assert_int_equal(ln[i].lineno, ++lineno);
			assert_int_equal(ln[i].len, ll);
			assert_memory_equal(ln[i].p, text + pos, ll);
			assert_int_equal(ln[i].too_long, 0);
			pos = e + 1;
		}
	}
	assert_int_equal(r, SOURCE_EOF);
	assert_int_equal(n, 0);
	assert_true(pos >= len);
	assert_null(source_error(src));
}

/* Lines ending at and around every offset of the newline blocks, from
 * memory at every alignment, from a file and from gzip, with and without a
 * newline at the end, one at a time and in batches; then fed through a
 * pipe in odd-sized pieces so that refills land inside blocks and lines. */
static void
test_block_edges(void **state)
{
	const char *path = tpath(0, "edges.log");
	struct source_line ln;
	struct source *src;
	char err[256], *text, *copy;
	unsigned char *z;
	size_t len, zlen, off, pos, piece;
	unsigned seed;
	int open, fds[2], r;

	(void)state;
	for (seed = 1; seed <= 8; seed++) {
		for (open = 0; open <= 1; open++) {
			size_t batch = (size_t[]){ 0, 1, 3, 40 }[(seed + open) % 4];

			text = edge_text(seed, 400, open, &len);
			copy = malloc(len + 16);
			assert_non_null(copy);
			for (off = 0; off < 16; off++) {
				memcpy(copy + off, text, len);
				src = source_open_mem(copy + off, len, "mem");
				assert_non_null(src);
				check_split(src, copy + off, len, off % 4 ?
				    batch : 0);
				source_close(src);
			}
			free(copy);
			write_file(path, text, len);
			src = source_open(path, err, sizeof err);
			assert_non_null(src);
			check_split(src, text, len, batch);
			source_close(src);
			z = gz(text, len, &zlen);
			src = source_open_mem(z, zlen, "gz");
			assert_non_null(src);
			check_split(src, text, len, batch);
			source_close(src);
			free(z);
			free(text);
		}
	}

	/* A pipe fed 1 to 97 bytes at a time, read until it runs dry. */
	text = edge_text(99, 300, 1, &len);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
	src = source_open_fd(fds[0], "pieces");
	assert_non_null(src);
	{
		struct source_line lns[5];
		size_t rpos = 0, e, ll, n, i;
		uint64_t lineno = 0;

		for (pos = 0, piece = 1; pos < len; pos += piece,
		    piece = piece % 97 + 1) {
			if (piece > len - pos)
				piece = len - pos;
			assert_int_equal(write(fds[1], text + pos, piece),
			    (ssize_t)piece);
			/* Batches of at most 5 lines, checked whole. */
			while ((r = source_lines(src, lns, 5, &n)) ==
			    SOURCE_LINE) {
				for (i = 0; i < n; i++) {
					const char *nl = memchr(text + rpos,
					    '\n', len - rpos);

					assert_non_null(nl);
					e = (size_t)(nl - text);
					assert_true(e < pos + piece);
					ll = e - rpos;
					if (ll > 0 && text[e - 1] == '\r')
						ll--;
					assert_int_equal(lns[i].lineno,
					    ++lineno);
					assert_int_equal(lns[i].len, ll);
					assert_memory_equal(lns[i].p,
					    text + rpos, ll);
					rpos = e + 1;
				}
			}
			assert_int_equal(r, SOURCE_AGAIN);
			assert_int_equal(n, 0);
		}
		close(fds[1]);
		ll = len - rpos;
		if (ll > 0 && text[len - 1] == '\r')
			ll--;
		assert_int_equal(source_next(src, &ln), SOURCE_LINE);
		assert_int_equal(ln.len, ll);
		assert_memory_equal(ln.p, text + rpos, ll);
		assert_int_equal(ln.lineno, ++lineno);
		expect_eof(src);
	}
	source_close(src);
	free(text);
	unlink(path);
}

/* A read(2) error ends the source with the strerror text. */
static void
test_read_error(void **state)
{
	struct source *src;
	int fd;

	(void)state;
	fd = open(tmpdir, O_RDONLY);
	assert_true(fd >= 0);
	src = source_open_fd(fd, "dirfd");
	assert_non_null(src);
	expect_error(src, strerror(EISDIR));
	assert_string_equal(source_name(src), "dirfd");
	source_close(src);
}

/* Build: [MAX + 200 KiB of x]\n next\n [3 MAX of y]\r\n after\r\n [MAX]\r\n
 * [MAX+1]\n tail[MAX + 70 KiB of z] (no final newline). */
static char *
long_text(size_t *len)
{
	const size_t x = SOURCE_LINE_MAX + 200 * 1024;
	const size_t big = 3 * (size_t)SOURCE_LINE_MAX;
	const size_t zl = SOURCE_LINE_MAX + 70 * 1024;
	char *t = malloc(x + big + 2 * (size_t)SOURCE_LINE_MAX + zl + 64);
	size_t off = 0;

	assert_non_null(t);
	memset(t + off, 'x', x);
	off += x;
	memcpy(t + off, "\nnext\n", 6);
	off += 6;
	memset(t + off, 'y', big);
	off += big;
	memcpy(t + off, "\r\nafter\r\n", 9);
	off += 9;
	memset(t + off, 'm', SOURCE_LINE_MAX);
	off += SOURCE_LINE_MAX;
	memcpy(t + off, "\r\n", 2);
	off += 2;
	memset(t + off, 'p', SOURCE_LINE_MAX + 1);
	off += SOURCE_LINE_MAX + 1;
	t[off++] = '\n';
	memset(t + off, 'z', zl);
	off += zl;
	*len = off;
	return t;
}

/* Check the lines of long_text. */
static void
check_long(struct source *src)
{
	struct source_line ln;
	size_t i;

	expect_long(src, 'x', 1);
	expect_line(src, "next", 2);
	expect_long(src, 'y', 3);
	expect_line(src, "after", 4);
	assert_int_equal(source_next(src, &ln), SOURCE_LINE);
	assert_int_equal(ln.len, SOURCE_LINE_MAX);
	assert_int_equal(ln.too_long, 0);
	assert_int_equal(ln.lineno, 5);
	for (i = 0; i < ln.len; i++)
		assert_int_equal(ln.p[i], 'm');
	expect_long(src, 'p', 6);
	expect_long(src, 'z', 7);
	expect_eof(src);
}

/* Too-long lines are cut and skipped; the lines after them are whole. */
static void
test_too_long(void **state)
{
	const char *path = tpath(0, "long.log");
	char err[256];
	struct source *src;
	size_t len, zlen;
	char *t = long_text(&len);
	unsigned char *z;

	(void)state;
	write_file(path, t, len);
	src = source_open(path, err, sizeof err);
	assert_non_null(src);
	check_long(src);
	source_close(src);

	src = source_open_mem(t, len, "mem");
	assert_non_null(src);
	check_long(src);
	source_close(src);

	z = gz(t, len, &zlen);
	write_file(path, z, zlen);
	src = source_open(path, err, sizeof err);
	assert_non_null(src);
	check_long(src);
	assert_int_equal(source_is_gzip(src), 1);
	source_close(src);

	free(z);
	free(t);
	unlink(path);
}

/* Memory sources, plain and gzip. */
static void
test_mem(void **state)
{
	static const char text[] = "a\r\nb\n\nc";
	struct source *src;
	size_t zlen;
	unsigned char *z;

	(void)state;
	src = source_open_mem(text, sizeof text - 1, "buffer");
	assert_non_null(src);
	assert_string_equal(source_name(src), "buffer");
	assert_int_equal(source_fd(src), -1);
	assert_int_equal(source_is_gzip(src), 0);
	expect_line(src, "a", 1);
	expect_line(src, "b", 2);
	expect_line(src, "", 3);
	expect_line(src, "c", 4);
	expect_eof(src);
	expect_eof(src);
	assert_int_equal(source_bytes_read(src), sizeof text - 1);
	source_close(src);

	src = source_open_mem(NULL, 0, NULL);
	assert_non_null(src);
	assert_string_equal(source_name(src), "(memory)");
	expect_eof(src);
	source_close(src);

	z = gz(text, sizeof text - 1, &zlen);
	src = source_open_mem(z, zlen, "-");
	assert_non_null(src);
	assert_string_equal(source_name(src), "(stdin)");
	assert_int_equal(source_is_gzip(src), 1);
	expect_line(src, "a", 1);
	expect_line(src, "b", 2);
	expect_line(src, "", 3);
	expect_line(src, "c", 4);
	expect_eof(src);
	source_close(src);
	free(z);
}

/* Sniffing Parquet and binary data; the lines are still all there. */
static void
test_sniff_binary(void **state)
{
	static const char par[] = "PAR1\x15\x04rest\nsecond\n";
	static const char nul[] = "abc\0def\nok\n";
	static const char text[] = "2 123 eni-1 \x1b[1m\xc3\xa9t\xc3\xa9\t\n";
	char ctl[200];
	const char *why;
	struct source_line ln;
	struct source *src;

	(void)state;
	src = source_open_mem(par, sizeof par - 1, "p");
	assert_int_equal(source_sniff(src, &why), 0);
	assert_string_equal(why,
	    "Parquet file (not supported; use plain-text flow logs)");
	assert_int_equal(source_next(src, &ln), SOURCE_LINE);
	assert_int_equal(ln.len, 10);
	assert_memory_equal(ln.p, "PAR1\x15\x04rest", 10);
	expect_line(src, "second", 2);
	source_close(src);

	src = source_open_mem(nul, sizeof nul - 1, "n");
	assert_int_equal(source_sniff(src, &why), 0);
	assert_string_equal(why, "binary data");
	assert_int_equal(source_next(src, &ln), SOURCE_LINE);
	assert_int_equal(ln.len, 7);
	assert_memory_equal(ln.p, "abc\0def", 7);
	expect_line(src, "ok", 2);
	source_close(src);

	/* Control bytes without a NUL. */
	memset(ctl, 0x01, sizeof ctl);
	memcpy(ctl, "hello\n", 6);
	src = source_open_mem(ctl, sizeof ctl, "c");
	assert_int_equal(source_sniff(src, &why), 0);
	assert_string_equal(why, "binary data");
	source_close(src);

	/* Text with an escape sequence, UTF-8 and a tab is text. */
	src = source_open_mem(text, sizeof text - 1, "t");
	why = "unset";
	assert_int_equal(source_sniff(src, &why), 1);
	assert_null(why);
	source_close(src);
}

/* Sniffing files, gzip'd text and gzip'd Parquet, then reading. */
static void
test_sniff_files(void **state)
{
	const char *path = tpath(0, "sniff.log");
	const unsigned n = 500;
	char err[256];
	const char *why;
	struct source *src;
	size_t len, zlen;
	char *text = gen_text(n, &len);
	unsigned char *z;

	(void)state;
	write_file(path, text, len);
	src = source_open(path, err, sizeof err);
	assert_non_null(src);
	assert_int_equal(source_sniff(src, &why), 1);
	assert_int_equal(source_sniff(src, &why), 1);
	check_gen(src, n);
	source_close(src);

	z = gz(text, len, &zlen);
	write_file(path, z, zlen);
	free(z);
	src = source_open(path, err, sizeof err);
	assert_non_null(src);
	assert_int_equal(source_sniff(src, &why), 1);
	assert_int_equal(source_is_gzip(src), 1);
	check_gen(src, n);
	source_close(src);

	z = gz("PAR1\0\0\x15\x02", 8, &zlen);
	write_file(path, z, zlen);
	free(z);
	src = source_open(path, err, sizeof err);
	assert_non_null(src);
	assert_int_equal(source_sniff(src, &why), 0);
	assert_non_null(strstr(why, "Parquet"));
	source_close(src);

	free(text);
	unlink(path);
}

/* Open errors: a missing file names itself; a directory is refused. */
static void
test_open_errors(void **state)
{
	const char *path = tpath(0, "no-such-file.log");
	char err[512], want[600];

	(void)state;
	err[0] = 0;
	assert_null(source_open(path, err, sizeof err));
	sfmt(want, sizeof want, "cannot open %s: %s", path,
	    strerror(ENOENT));
	assert_string_equal(err, want);

	err[0] = 0;
	assert_null(source_open(tmpdir, err, sizeof err));
	assert_non_null(strstr(err, tmpdir));
	assert_non_null(strstr(err, "directory"));

	/* A NULL err buffer is tolerated. */
	assert_null(source_open(path, NULL, 0));
}

struct walk {
	int nfiles;
	char files[32][512];
	int nerrs;
	char errs[8][512];
	int stop_after;		/* 0: never stop */
};

/* Record a file path (relative to the test directory). */
static int
walk_fn(void *ctx, const char *path)
{
	struct walk *w = ctx;

	assert_true(w->nfiles < 32);
	sfmt(w->files[w->nfiles++], sizeof w->files[0], "%s", path);
	return w->stop_after && w->nfiles >= w->stop_after;
}

/* Record a directory error. */
static void
walk_err(void *ctx, const char *path, const char *msg)
{
	struct walk *w = ctx;

	assert_true(w->nerrs < 8);
	sfmt(w->errs[w->nerrs++], sizeof w->errs[0], "%s: %s", path,
	    msg);
}

/* Make an empty file or a directory under the walk root. */
static void
mk(const char *root, const char *name, int dir)
{
	char p[1024];

	sfmt(p, sizeof p, "%s/%s", root, name);
	if (dir)
		assert_int_equal(mkdir(p, 0755), 0);
	else
		write_file(p, "x\n", 2);
}

/* Walk order, symlinks, special files, unreadable directories, stop. */
static void
test_walk(void **state)
{
	static const char *const want[] = {
		"B.log", "a/10.log", "a/2.log", "a/z/deep.log", "b",
		"c.log.gz", "flink", "unread/x.log",
	};
	const size_t nwant = sizeof want / sizeof want[0];
	char root[1024], p[1200], q[1400], slashed[1100];
	struct walk w;
	int root_user = geteuid() == 0;
	size_t i, k;

	(void)state;
	sfmt(root, sizeof root, "%s/tree", tmpdir);
	assert_int_equal(mkdir(root, 0755), 0);
	mk(root, "b", 0);
	mk(root, "a", 1);
	mk(root, "a/2.log", 0);
	mk(root, "a/10.log", 0);
	mk(root, "a/z", 1);
	mk(root, "a/z/deep.log", 0);
	mk(root, "c.log.gz", 0);
	mk(root, "B.log", 0);
	mk(root, "unread", 1);
	mk(root, "unread/x.log", 0);
	sfmt(p, sizeof p, "%s/link", root);
	assert_int_equal(symlink("a", p), 0);		/* to a directory */
	sfmt(p, sizeof p, "%s/loop", root);
	assert_int_equal(symlink(".", p), 0);		/* to itself */
	sfmt(p, sizeof p, "%s/flink", root);
	assert_int_equal(symlink("b", p), 0);		/* to a file */
	sfmt(p, sizeof p, "%s/dangling", root);
	assert_int_equal(symlink("nowhere", p), 0);
	sfmt(p, sizeof p, "%s/fifo", root);
	assert_int_equal(mkfifo(p, 0644), 0);
	sfmt(p, sizeof p, "%s/unread", root);
	assert_int_equal(chmod(p, 0), 0);

	memset(&w, 0, sizeof w);
	assert_int_equal(source_walk(root, walk_fn, walk_err, &w), 0);
	for (i = 0, k = 0; i < nwant; i++) {
		if (!root_user && strncmp(want[i], "unread/", 7) == 0)
			continue;
		assert_true((int)k < w.nfiles);
		sfmt(q, sizeof q, "%s/%s", root, want[i]);
		assert_string_equal(w.files[k], q);
		k++;
	}
	assert_int_equal(w.nfiles, (int)k);
	if (root_user) {
		assert_int_equal(w.nerrs, 0);
	} else {
		/* Only testable without root: root reads mode 000 dirs. */
		assert_int_equal(w.nerrs, 1);
		sfmt(q, sizeof q, "%s/unread: %s", root, strerror(EACCES));
		assert_string_equal(w.errs[0], q);
	}

	/* A trailing slash does not double. */
	memset(&w, 0, sizeof w);
	sfmt(slashed, sizeof slashed, "%s/a/", root);
	assert_int_equal(source_walk(slashed, walk_fn, walk_err, &w), 0);
	assert_int_equal(w.nfiles, 3);
	sfmt(q, sizeof q, "%s/a/10.log", root);
	assert_string_equal(w.files[0], q);
	sfmt(q, sizeof q, "%s/a/z/deep.log", root);
	assert_string_equal(w.files[2], q);

	/* fn returning non-zero stops the walk, which still returns 0. */
	memset(&w, 0, sizeof w);
	w.stop_after = 3;
	assert_int_equal(source_walk(root, walk_fn, walk_err, &w), 0);
	assert_int_equal(w.nfiles, 3);
	sfmt(q, sizeof q, "%s/a/2.log", root);
	assert_string_equal(w.files[2], q);

	/* A missing directory: -1 and one error. */
	memset(&w, 0, sizeof w);
	sfmt(p, sizeof p, "%s/missing", root);
	assert_int_equal(source_walk(p, walk_fn, walk_err, &w), -1);
	assert_int_equal(w.nfiles, 0);
	assert_int_equal(w.nerrs, 1);
	sfmt(q, sizeof q, "%s: %s", p, strerror(ENOENT));
	assert_string_equal(w.errs[0], q);

	/* Let the teardown remove it. */
	sfmt(p, sizeof p, "%s/unread", root);
	assert_int_equal(chmod(p, 0755), 0);
}

/* Run every test inside one temporary directory. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_lines),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_chunk_boundaries),
		cmocka_unit_test(test_mapped_grows),
		cmocka_unit_test(test_mapped_shrinks),
		cmocka_unit_test(test_gzip_single),
		cmocka_unit_test(test_gzip_multi_member),
		cmocka_unit_test(test_gzip_truncated),
		cmocka_unit_test(test_gzip_corrupt),
		cmocka_unit_test(test_gzip_pipe),
		cmocka_unit_test(test_stdin),
		cmocka_unit_test(test_nonblocking),
		cmocka_unit_test(test_block_edges),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_mem),
		cmocka_unit_test(test_sniff_binary),
		cmocka_unit_test(test_sniff_files),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_walk),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
