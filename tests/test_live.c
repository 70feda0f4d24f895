/*
 * test_live.c - live inputs: followed files (growth, partial lines,
 * truncation, rotation, deletion), stdin without blocking, directories,
 * the pump budget, replay pacing and the demo input.
 *
 * Pacing runs on a fake clock (live_set_clock) so that follow re-checks
 * and replays are driven by the test; only the pump budget is real time,
 * and it is never asserted tightly.  Files live under a mkdtemp
 * directory removed at the end.
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

#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>

#include "field.h"
#include "live.h"

#define T0 1767225600000LL	/* 2026-01-01T00:00:00Z, in ms */
#define MAXSEQ 4096

static char tmpdir[] = "/tmp/test_live.XXXXXX";
static int64_t fake_now;

/* What the callbacks saw. */
struct seen {
	uint64_t records;
	int seq[MAXSEQ];		/* srcport of each record, in order */
	char msgs[16][256];
	int nmsg;
};

static struct seen seen;

/* The fake clock. */
static int64_t
fake_clock(void *ctx)
{
	(void)ctx;
	return fake_now;
}

/* Count a record and remember its srcport (the test's sequence number). */
static void
on_rec(void *ctx, const struct flow *f)
{
	struct seen *s = ctx;

	if (s->records < MAXSEQ)
		s->seq[s->records] = flow_has(f, F_SRCPORT) ?
		    (int)f->v[F_SRCPORT].u : -1;
	s->records++;
}

/* Keep a message. */
static void
on_msg(void *ctx, const char *msg)
{
	struct seen *s = ctx;

	if (s->nmsg < 16)
		snprintf(s->msgs[s->nmsg++], sizeof s->msgs[0], "%s", msg);
}

/* Tell whether a message containing text was sent. */
static int
said(const char *text)
{
	int i;

	for (i = 0; i < seen.nmsg; i++)
		if (strstr(seen.msgs[i], text) != NULL)
			return 1;
	return 0;
}

/* Build a path under the test directory (static buffer per slot). */
static const char *
tpath(int slot, const char *name)
{
	static char buf[4][4096];

	snprintf(buf[slot], sizeof buf[slot], "%s/%s", tmpdir, name);
	return buf[slot];
}

/* A default-format (v2) record line whose srcport is seq and start t. */
static int
line(char *buf, size_t size, int seq, long t)
{
	return snprintf(buf, size, "2 123456789012 eni-0a1b2c3d 10.0.0.1 "
	    "10.0.0.2 %d 443 6 10 840 %ld %ld ACCEPT OK\n", seq, t, t + 30);
}

/* Append records first..last-1 (start times t0 + seq) to a file. */
static void
append(const char *path, int first, int last, long t0)
{
	FILE *fp = fopen(path, "a");
	char buf[256];
	int i;

	assert_non_null(fp);
	for (i = first; i < last; i++) {
		line(buf, sizeof buf, i, t0 + i);
		fputs(buf, fp);
	}
	assert_int_equal(fclose(fp), 0);
}

/* Append raw text to a file. */
static void
append_raw(const char *path, const char *text)
{
	FILE *fp = fopen(path, "a");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* A live set on the fake clock, callbacks into `seen`. */
static struct live *
new_live(void)
{
	struct live *lv = live_new(NULL, on_rec, on_msg, &seen);

	assert_non_null(lv);
	memset(&seen, 0, sizeof seen);
	fake_now = T0;
	live_set_clock(lv, fake_clock, NULL);
	return lv;
}

/* Pump until nothing is left (bounded), advancing the fake clock. */
static uint64_t
drain(struct live *lv, int64_t step_ms)
{
	uint64_t n = 0;
	int more = 1, i;

	for (i = 0; i < 1000 && more; i++) {
		n += live_pump(lv, 50, &more);
		fake_now += step_ms;
	}
	return n;
}

/* The state of input i. */
static int
state_of(struct live *lv, size_t i)
{
	const struct live_input *in;

	assert_true(live_inputs(lv, &in) > i);
	return in[i].state;
}

/* A followed file: its lines, then what is appended. */
static void
test_follow_growth(void **state)
{
	const char *p = tpath(0, "grow.log");
	const struct live_input *in;
	struct live *lv = new_live();
	int more, timeout;

	(void)state;
	append(p, 0, 10, 1000);
	assert_int_equal(live_add_path(lv, p, 1), 0);
	assert_int_equal(live_inputs(lv, &in), 1);
	assert_string_equal(in[0].name, p);
	assert_int_equal(in[0].live, 1);
	assert_int_equal(live_pump(lv, 50, &more), 10);
	assert_int_equal(more, 0);
	assert_int_equal(state_of(lv, 0), LIVE_WAITING);
	timeout = live_timeout_ms(lv);
	assert_true(timeout >= 0 && timeout <= 250);
	assert_int_equal(live_pump(lv, 50, &more), 0);
	append(p, 10, 15, 1000);
	assert_int_equal(live_pump(lv, 50, &more), 5);
	assert_int_equal(seen.records, 15);
	assert_int_equal(seen.seq[14], 14);
	assert_int_equal(live_inputs(lv, &in), 1);
	assert_int_equal(in[0].records, 15);
	assert_int_equal(in[0].behind, 0);
	assert_int_equal(live_stats(lv)->records, 15);
	assert_int_equal(seen.nmsg, 0);
	live_free(lv);
}

/* A partial last line waits for its newline. */
static void
test_follow_partial(void **state)
{
	const char *p = tpath(0, "partial.log");
	struct live *lv = new_live();
	char buf[256];
	int more, n;

	(void)state;
	append(p, 0, 3, 1000);
	n = line(buf, sizeof buf, 3, 1003);
	buf[n - 1] = '\0';			/* no newline yet */
	append_raw(p, buf);
	assert_int_equal(live_add_path(lv, p, 1), 0);
	assert_int_equal(live_pump(lv, 50, &more), 3);
	fake_now += 300;
	assert_int_equal(live_pump(lv, 50, &more), 0);
	append_raw(p, "\n");
	assert_int_equal(live_pump(lv, 50, &more), 1);
	assert_int_equal(seen.seq[3], 3);
	assert_int_equal(live_stats(lv)->rejected, 0);
	live_free(lv);

	/* Not followed, the same partial line is read at the end. */
	lv = new_live();
	append_raw(p, buf);
	assert_int_equal(live_add_path(lv, p, 0), 0);
	assert_int_equal(live_pump(lv, 50, &more), 5);
	assert_int_equal(state_of(lv, 0), LIVE_DONE);
	assert_int_equal(live_timeout_ms(lv), -1);
	live_free(lv);
}

/* Truncation: a message, then the file is read from its start. */
static void
test_follow_truncate(void **state)
{
	const char *p = tpath(0, "trunc.log");
	struct live *lv = new_live();
	int more;

	(void)state;
	append(p, 0, 10, 1000);
	assert_int_equal(live_add_path(lv, p, 1), 0);
	assert_int_equal(live_pump(lv, 50, &more), 10);
	assert_int_equal(truncate(p, 0), 0);
	append(p, 100, 103, 1000);
	assert_int_equal(live_pump(lv, 50, &more), 3);
	assert_true(said("file truncated"));
	assert_int_equal(seen.seq[10], 100);
	assert_int_equal(seen.seq[12], 102);
	live_free(lv);
}

/* Rotation: the old file is read out, then the new one from its start. */
static void
test_follow_rotate(void **state)
{
	const char *p = tpath(0, "rot.log");
	const char *old = tpath(1, "rot.log.1");
	struct live *lv = new_live();
	int more;

	(void)state;
	append(p, 0, 5, 1000);
	assert_int_equal(live_add_path(lv, p, 1), 0);
	assert_int_equal(live_pump(lv, 50, &more), 5);
	append(p, 5, 7, 1000);			/* written just before */
	assert_int_equal(rename(p, old), 0);
	append_raw(old, "2 123456789012 eni-0a1b2c3d 10.0.0.1 10.0.0.2 7");
	append(p, 8, 12, 1000);
	fake_now += 300;
	drain(lv, 10);
	assert_int_equal(seen.records, 11);
	assert_true(said("rotated"));
	assert_int_equal(seen.seq[4], 4);
	assert_int_equal(seen.seq[6], 6);
	assert_int_equal(seen.seq[7], 8);	/* new file after the old */
	assert_int_equal(seen.seq[10], 11);
	/* the old file's cut last line was delivered, and rejected */
	assert_int_equal(live_stats(lv)->rejected, 1);
	append(p, 12, 14, 1000);
	assert_int_equal(live_pump(lv, 50, &more), 2);
	assert_int_equal(state_of(lv, 0), LIVE_WAITING);
	live_free(lv);
}

/* Deletion: a message, then waiting until the file is back. */
static void
test_follow_delete(void **state)
{
	const char *p = tpath(0, "del.log");
	struct live *lv = new_live();
	int more;

	(void)state;
	append(p, 0, 4, 1000);
	assert_int_equal(live_add_path(lv, p, 1), 0);
	assert_int_equal(live_pump(lv, 50, &more), 4);
	assert_int_equal(unlink(p), 0);
	fake_now += 300;
	assert_int_equal(live_pump(lv, 50, &more), 0);
	assert_true(said("file deleted"));
	assert_int_equal(state_of(lv, 0), LIVE_WAITING);
	assert_true(live_timeout_ms(lv) >= 0);
	fake_now += 300;
	assert_int_equal(live_pump(lv, 50, &more), 0);
	append(p, 20, 22, 1000);
	fake_now += 300;
	assert_int_equal(live_pump(lv, 50, &more), 2);
	assert_true(said("appeared"));
	assert_int_equal(seen.seq[4], 20);
	live_free(lv);

	/* A followed file that does not exist yet is waited for. */
	lv = new_live();
	assert_int_equal(live_add_path(lv, tpath(1, "later.log"), 1), 0);
	assert_int_equal(live_pump(lv, 50, &more), 0);
	assert_int_equal(state_of(lv, 0), LIVE_WAITING);
	append(tpath(1, "later.log"), 0, 3, 1000);
	fake_now += 300;
	assert_int_equal(live_pump(lv, 50, &more), 3);
	live_free(lv);

	/* Not followed, a missing file is an error. */
	lv = new_live();
	assert_int_equal(live_add_path(lv, tpath(1, "missing.log"), 0), -1);
	assert_true(said("cannot open"));
	live_free(lv);
}

/* stdin: a pump with no data returns at once; EOF ends the input. */
static void
test_stdin_nonblocking(void **state)
{
	struct live *lv;
	struct pollfd pfd[4];
	char buf[256];
	int fds[2], saved, more, n, fl;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	saved = dup(0);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fds[0], 0), 0);
	close(fds[0]);
	lv = new_live();
	assert_int_equal(live_add_path(lv, "-", 1), 0);
	assert_int_equal(live_pollfds(lv, pfd, 4), 1);
	assert_true(pfd[0].fd >= 0);
	assert_int_equal(pfd[0].events, POLLIN);
	assert_int_equal(live_pump(lv, 50, &more), 0);	/* must not block */
	assert_int_equal(more, 0);
	assert_int_equal(state_of(lv, 0), LIVE_WAITING);
	assert_int_equal(live_timeout_ms(lv), -1);
	n = line(buf, sizeof buf, 1, 1000);
	assert_int_equal(write(fds[1], buf, (size_t)n), n);
	n = line(buf, sizeof buf, 2, 1000);
	assert_int_equal(write(fds[1], buf, (size_t)n - 1), n - 1);
	assert_int_equal(live_pump(lv, 50, &more), 1);
	assert_int_equal(live_pump(lv, 50, &more), 0);
	assert_int_equal(state_of(lv, 0), LIVE_WAITING);
	close(fds[1]);				/* EOF: the cut line is kept */
	assert_int_equal(live_pump(lv, 50, &more), 1);
	assert_int_equal(state_of(lv, 0), LIVE_DONE);
	assert_int_equal(live_pollfds(lv, pfd, 4), 0);
	live_free(lv);
	fl = fcntl(0, F_GETFL);
	assert_int_equal(fl & O_NONBLOCK, 0);	/* flags put back */
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
}

/* The budget: a large file is read in slices, with *more set. */
static void
test_budget(void **state)
{
	const char *p = tpath(0, "big.log");
	const struct live_input *in;
	struct live *lv = new_live();
	FILE *fp = fopen(p, "w");
	char buf[256];
	uint64_t first, total;
	int i, more, pumps = 1;

	(void)state;
	assert_non_null(fp);
	for (i = 0; i < 200000; i++) {
		line(buf, sizeof buf, i % 60000, 1000 + i);
		fputs(buf, fp);
	}
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(live_add_path(lv, p, 0), 0);
	first = live_pump(lv, 1, &more);
	assert_true(first > 0);
	assert_true(first < 200000);
	assert_int_equal(more, 1);
	assert_int_equal(state_of(lv, 0), LIVE_READING);
	assert_int_equal(live_timeout_ms(lv), 0);
	live_inputs(lv, &in);
	assert_true(in[0].behind > 0);
	total = first;
	while (more && pumps < 100000) {
		total += live_pump(lv, 5, &more);
		pumps++;
	}
	assert_int_equal(total, 200000);
	assert_true(pumps > 1);
	assert_int_equal(state_of(lv, 0), LIVE_DONE);
	live_inputs(lv, &in);
	assert_int_equal(in[0].behind, 0);
	assert_int_equal(live_stats(lv)->sources_ok, 1);
	assert_true(live_stats(lv)->bytes > 10000000);
	live_free(lv);
	unlink(p);
}

/* Replay: records handed out in file order when the replay clock (first
 * start + elapsed x speed) reaches their start. */
static void
test_replay(void **state)
{
	const char *p = tpath(0, "replay.log");
	const struct live_input *in;
	struct live *lv = new_live();
	FILE *fp = fopen(p, "w");
	char buf[256];
	int i, more, t;
	/* start offsets (s) of records 0..9: one out of order */
	static const int off[10] = { 0, 1, 2, 3, 2, 5, 6, 7, 8, 9 };

	(void)state;
	assert_non_null(fp);
	fputs("version account-id interface-id srcaddr dstaddr srcport "
	    "dstport protocol packets bytes start end action log-status\n", fp);
	for (i = 0; i < 10; i++) {
		line(buf, sizeof buf, i, 1700000000 + off[i]);
		fputs(buf, fp);
	}
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(live_add_replay(lv, p, 0), -1);
	assert_int_equal(live_add_replay(lv, p, 10), 0);	/* 1 s = 100 ms */
	live_inputs(lv, &in);
	assert_int_equal(in[0].live, 1);
	assert_int_equal(live_pump(lv, 50, &more), 1);
	assert_int_equal(state_of(lv, 0), LIVE_WAITING);
	t = live_timeout_ms(lv);
	assert_true(t > 0 && t <= 100);
	fake_now += 99;
	assert_int_equal(live_pump(lv, 50, &more), 0);
	fake_now += 1;
	assert_int_equal(live_pump(lv, 50, &more), 1);
	fake_now += 200;		/* 3 s: records 2, 3 and the late 4 */
	assert_int_equal(live_pump(lv, 50, &more), 3);
	assert_int_equal(seen.records, 5);
	fake_now += 10000;
	assert_int_equal(live_pump(lv, 50, &more), 5);
	for (i = 0; i < 10; i++)
		assert_int_equal(seen.seq[i], i);
	assert_int_equal(state_of(lv, 0), LIVE_DONE);
	assert_int_equal(live_timeout_ms(lv), -1);
	live_free(lv);

	/* A directory cannot be replayed; a missing file neither. */
	lv = new_live();
	assert_int_equal(live_add_replay(lv, tmpdir, 1), -1);
	assert_int_equal(live_add_replay(lv, tpath(1, "nope"), 1), -1);
	live_free(lv);
}

/* A replay at high speed on the real clock delivers everything in order. */
static void
test_replay_fast(void **state)
{
	const char *p = tpath(0, "replay2.log");
	struct live *lv = live_new(NULL, on_rec, on_msg, &seen);
	FILE *fp = fopen(p, "w");
	char buf[256];
	int i, more = 1, loops = 0;

	(void)state;
	memset(&seen, 0, sizeof seen);
	assert_non_null(fp);
	for (i = 0; i < 1000; i++) {	/* 1000 s of event time */
		line(buf, sizeof buf, i, 1700000000 + i);
		fputs(buf, fp);
	}
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(live_add_replay(lv, p, 100000), 0);	/* 10 ms */
	while (state_of(lv, 0) != LIVE_DONE && loops++ < 2000) {
		live_pump(lv, 5, &more);
		if (state_of(lv, 0) == LIVE_WAITING)
			usleep(1000);
	}
	assert_int_equal(seen.records, 1000);
	for (i = 0; i < 1000; i++)
		assert_int_equal(seen.seq[i], i);
	live_free(lv);
}

/* Replay from a pipe on stdin: no blocking, polled, done at EOF. */
static void
test_replay_pipe(void **state)
{
	struct live *lv;
	struct pollfd pfd[2];
	char buf[256];
	int fds[2], saved, more, n, i;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	saved = dup(0);
	assert_int_equal(dup2(fds[0], 0), 0);
	close(fds[0]);
	lv = new_live();
	assert_int_equal(live_add_replay(lv, "-", 1000), 0);
	assert_int_equal(live_pump(lv, 50, &more), 0);
	assert_int_equal(state_of(lv, 0), LIVE_WAITING);
	assert_int_equal(live_pollfds(lv, pfd, 2), 1);
	assert_int_equal(live_timeout_ms(lv), -1);
	for (i = 0; i < 3; i++) {
		n = line(buf, sizeof buf, i, 1700000000 + i * 10);
		assert_int_equal(write(fds[1], buf, (size_t)n), n);
	}
	assert_int_equal(live_pump(lv, 50, &more), 1);	/* the first */
	assert_int_equal(live_pollfds(lv, pfd, 2), 0);	/* one queued */
	fake_now += 10;				/* 10 s of event time */
	assert_int_equal(live_pump(lv, 50, &more), 1);
	fake_now += 10;
	assert_int_equal(live_pump(lv, 50, &more), 1);
	assert_int_equal(state_of(lv, 0), LIVE_WAITING);
	close(fds[1]);
	assert_int_equal(live_pump(lv, 50, &more), 0);
	assert_int_equal(state_of(lv, 0), LIVE_DONE);
	live_free(lv);
	assert_int_equal(fcntl(0, F_GETFL) & O_NONBLOCK, 0);
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
}

/* A directory: logs read in name order, other files skipped. */
static void
test_directory(void **state)
{
	const char *d = tpath(0, "dir");
	char a[4200], b[4200], c[4200], e[4200];
	struct live *lv = new_live();
	const struct live_input *in;
	FILE *fp;

	(void)state;
	assert_int_equal(mkdir(d, 0755), 0);
	snprintf(a, sizeof a, "%s/a.log", d);
	snprintf(b, sizeof b, "%s/b.log", d);
	snprintf(c, sizeof c, "%s/notes.txt", d);
	snprintf(e, sizeof e, "%s/blob.bin", d);
	append(a, 0, 3, 1000);
	append(b, 3, 5, 1000);
	append_raw(c, "\nthese are my notes\nand more\n");
	fp = fopen(e, "w");
	assert_non_null(fp);
	fwrite("\x00\x01\x02\x03", 1, 4, fp);
	fclose(fp);
	assert_int_equal(live_add_path(lv, d, 1), 0);
	live_inputs(lv, &in);
	assert_int_equal(in[0].live, 0);
	drain(lv, 10);
	assert_int_equal(seen.records, 5);
	assert_int_equal(seen.seq[0], 0);
	assert_int_equal(seen.seq[4], 4);
	assert_int_equal(state_of(lv, 0), LIVE_DONE);
	assert_int_equal(live_stats(lv)->files_skipped, 2);
	assert_int_equal(live_stats(lv)->rejected, 0);
	assert_int_equal(live_stats(lv)->sources_ok, 2);
	assert_true(said("notes.txt: not a flow log"));
	assert_true(said("blob.bin: binary data"));
	live_free(lv);
}

/* A gzip file is read once even when following is asked for. */
static void
test_gzip_not_followed(void **state)
{
	const char *p = tpath(0, "once.log.gz");
	struct live *lv = new_live();
	const struct live_input *in;
	gzFile gz = gzopen(p, "wb");
	char buf[256];
	int i, more;

	(void)state;
	assert_non_null(gz);
	for (i = 0; i < 4; i++) {
		line(buf, sizeof buf, i, 1000);
		gzputs(gz, buf);
	}
	gzclose(gz);
	assert_int_equal(live_add_path(lv, p, 1), 0);
	live_inputs(lv, &in);
	assert_int_equal(in[0].live, 0);
	assert_int_equal(live_pump(lv, 50, &more), 4);
	assert_int_equal(state_of(lv, 0), LIVE_DONE);
	live_free(lv);
}

/* The demo as an input: paced by the clock, named, rate over 5 s. */
static void
test_demo_input(void **state)
{
	struct live *lv = new_live();
	const struct live_input *in;
	uint64_t n = 0;
	double rate;
	int i, more, t;

	(void)state;
	assert_int_equal(live_add_demo(lv, "nope", 1), -1);
	assert_true(said("nope"));
	assert_int_equal(live_add_demo(lv, "portscan", 1), 0);
	live_inputs(lv, &in);
	assert_string_equal(in[0].name, "demo:portscan");
	assert_int_equal(in[0].live, 1);
	assert_int_equal(live_timeout_ms(lv), 0);
	for (i = 0; i < 100; i++) {		/* 10 s */
		n += live_pump(lv, 50, &more);
		t = live_timeout_ms(lv);
		assert_true(t >= 0 && t <= 100);
		fake_now += 100;
	}
	assert_true(n > 1000);
	assert_int_equal(seen.records, n);
	assert_int_equal(live_stats(lv)->records, n);
	assert_string_equal(live_demo_scenario(lv), "portscan");
	rate = live_rate(lv);
	assert_true(rate > 100 && rate < 5000);
	live_inputs(lv, &in);
	assert_int_equal(in[0].records, n);
	live_free(lv);
}

/* Remove a file tree entry (nftw callback). */
static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Make the temporary directory. */
static int
setup_dir(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

/* Remove the temporary directory. */
static int
teardown_dir(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Run every test inside one temporary directory. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_follow_growth),
		cmocka_unit_test(test_follow_partial),
		cmocka_unit_test(test_follow_truncate),
		cmocka_unit_test(test_follow_rotate),
		cmocka_unit_test(test_follow_delete),
		cmocka_unit_test(test_stdin_nonblocking),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_replay_fast),
		cmocka_unit_test(test_replay_pipe),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_gzip_not_followed),
		cmocka_unit_test(test_demo_input),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
