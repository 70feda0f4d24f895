/*
 * live.c - live inputs for the terminal UI: followed files, stdin and
 * pipes, directories, the demo generator and replays, pumped without
 * ever blocking the caller.
 *
 * Design notes.
 *
 * - One ingester parses every input; each input has its own
 *   ingest_source (format, envelope state, line numbers).  Lines come
 *   from source.c and are fed with ingest_line, so live.c decides when to
 *   stop: the pump looks at the clock every PUMP_CHECK lines (or records)
 *   and returns when its budget is spent, with the reading position kept
 *   in the source.  Inputs are visited round robin from a rotating first
 *   one, so a large file cannot starve the demo or stdin.
 * - Two clocks.  The budget is measured on CLOCK_MONOTONIC, always.
 *   Pacing (demo, replay, the follow re-check, the rate) uses the "pace"
 *   clock: CLOCK_MONOTONIC for intervals and CLOCK_REALTIME for the
 *   demo's event times, or one caller-supplied clock for both
 *   (live_set_clock), which is how the tests make pacing deterministic.
 * - Follow (tail -F).  A followed plain file is read with the source's
 *   `hold` flag, so a partial last line waits for its newline.  At its
 *   end each pump tries read(2) again (growth) and fstat(2)s the
 *   descriptor (size below the bytes read: truncated, re-opened from the
 *   start); every FOLLOW_CHECK_MS the path is stat(2)ed: another inode
 *   means rotation, a missing path deletion.  In both cases the old file
 *   is read to its end first (hold cleared, so its last partial line is
 *   delivered), then the message is sent; after a rotation the new file
 *   is read from its start, after a deletion the path is re-checked until
 *   the file is back.  A followed path that does not exist yet is waited
 *   for the same way.  gzip files are read once, never followed.
 * - stdin and FIFOs are read with O_NONBLOCK (SOURCE_AGAIN: wait for
 *   poll).  stdin's descriptor shares its file status flags with fd 0, so
 *   the original flags are put back by live_free.
 * - Directories are walked once when added (names sorted, as ingest_path
 *   does) and their files read in slices like any file; each file is
 *   sniffed for binary data and its first non-blank line is tried on a
 *   private probe ingester, so files that are not flow logs are skipped
 *   and reported without touching the reject counts.
 * - Replay.  Records are parsed one line ahead into a small queue (the
 *   records of one line: a CloudWatch payload can hold many), with their
 *   strings copied into a queue arena, and handed out in file order when
 *   the replay clock, first start + elapsed x speed, reaches their start.
 *   Memory never holds more than one line's records.
 * - The rate is kept in 250 ms slots of the pace clock over 5 s.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "live.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "demo.h"
#include "field.h"
#include "source.h"

#define PUMP_CHECK 256		/* lines or records between clock checks */
#define FOLLOW_CHECK_MS 250	/* stat the path of a followed file */
#define DEMO_TICK_MS 100	/* demo records are handed out in batches */
#define REPLAY_TICK_MS 20	/* shortest replay wait between pumps */
#define RATE_SLOT_MS 250
#define RATE_SLOTS 20		/* 5 s */

enum { IN_FILE, IN_PIPE, IN_DIR, IN_DEMO, IN_REPLAY };
enum { END_NONE, END_ROTATED, END_DELETED };

/* A replay record waiting for its time; symbol values hold offsets into
 * the queue arena until handed out. */
struct pend {
	struct flow f;
};

struct input {
	int kind;			/* IN_* */
	size_t idx;			/* position in the live's arrays */
	int follow;
	char *path;
	struct source *src;		/* open file or pipe, or NULL */
	struct ingest_source *is;
	dev_t dev;			/* identity of the open file */
	ino_t ino;
	int seen;			/* the followed file was open once */
	int ending;			/* END_*: reading the old file out */
	int64_t next_check;		/* pace ms of the next stat */
	int pipe;			/* replay of stdin or a FIFO */
	int restore_fl;			/* stdin: put old_fl back at the end */
	int old_fl;
	/* directory */
	char **files;
	size_t nfiles, fcap, fi;
	uint64_t rest_bytes;		/* sizes of the files not opened yet */
	int probing;			/* first non-blank line not seen yet */
	struct ingest_source *probe_is;
	/* demo */
	struct demo *demo;
	int64_t last_pump;
	/* replay */
	double speed;
	int started, eof;
	int64_t ev0, t0;		/* first start (ms), pace ms then */
	int64_t due;			/* pace ms the head record is due */
	struct pend *q;
	size_t qn, qi, qcap;
	char *arena;
	size_t alen, acap;
	int oom;
};

struct live {
	struct ingest *in;
	struct ingest *probe;		/* directory probes (no callbacks) */
	struct format forced;		/* -F, for the probe */
	int has_forced;
	ingest_record_fn rec;
	ingest_msg_fn msg;
	void *ctx;
	struct input **inp;
	struct live_input *pub;
	size_t n, cap, rr;
	size_t cur;			/* input being read */
	int64_t (*clock)(void *);
	void *clock_ctx;
	int64_t created;		/* pace ms */
	uint64_t pumped;		/* records of the running pump */
	uint64_t demo_records, bytes_done;
	unsigned ok, failed, skipped;
	uint64_t rate_cnt[RATE_SLOTS];
	int64_t rate_slot[RATE_SLOTS];
	struct ingest_stats st;
};

/* Milliseconds of a system clock. */
static int64_t
sys_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Monotonic milliseconds, as a double, for the pump budget. */
static double
budget_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* The pace clock in milliseconds (intervals only). */
static int64_t
pace_now(const struct live *lv)
{
	return lv->clock ? lv->clock(lv->clock_ctx) : sys_ms(CLOCK_MONOTONIC);
}

/* The wall clock in Unix milliseconds (demo event times). */
static int64_t
wall_now(const struct live *lv)
{
	return lv->clock ? lv->clock(lv->clock_ctx) : sys_ms(CLOCK_REALTIME);
}

/* Send a formatted message to the caller. */
static void __attribute__((format(printf, 2, 3)))
say(struct live *lv, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (lv->msg == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	lv->msg(lv->ctx, buf);
}

/* Hand a record to the caller and count it for its input. */
static void
deliver(struct live *lv, const struct flow *f)
{
	lv->pub[lv->cur].records++;
	lv->pumped++;
	if (lv->rec)
		lv->rec(lv->ctx, f);
}

/* Copy a parsed replay record, strings included, to the input's queue. */
static void
replay_push(struct input *in, const struct flow *f)
{
	struct pend *p;
	int id;

	if (in->qn == in->qcap) {
		size_t cap = in->qcap ? in->qcap * 2 : 16;
		struct pend *q = realloc(in->q, cap * sizeof *q);

		if (q == NULL) {
			in->oom = 1;
			return;
		}
		in->q = q;
		in->qcap = cap;
	}
	p = &in->q[in->qn];
	p->f = *f;
	for (id = 0; id < FIELD_COUNT; id++) {
		const struct flow_str *s = &f->v[id].s;

		if (field_table[id].type != FT_SYMBOL || !flow_has(f, id))
			continue;
		if (in->alen + s->len + 1 > in->acap) {
			size_t cap = in->acap ? in->acap : 4096;
			char *a;

			while (cap < in->alen + s->len + 1)
				cap *= 2;
			a = realloc(in->arena, cap);
			if (a == NULL) {
				in->oom = 1;
				return;
			}
			in->arena = a;
			in->acap = cap;
		}
		memcpy(in->arena + in->alen, s->p, s->len);
		p->f.v[id].s.p = (const char *)(uintptr_t)in->alen;
		in->alen += s->len + 1;
	}
	in->qn++;
}

/* Receive a record from the ingester: deliver it or queue it (replay). */
static void
on_record(void *ctx, const struct flow *f)
{
	struct live *lv = ctx;
	struct input *in = lv->inp[lv->cur];

	if (in->kind == IN_REPLAY)
		replay_push(in, f);
	else
		deliver(lv, f);
}

/* Pass an ingester message on to the caller. */
static void
on_msg(void *ctx, const char *msg)
{
	struct live *lv = ctx;

	if (lv->msg)
		lv->msg(lv->ctx, msg);
}

/* Create an empty set of inputs. */
struct live *
live_new(const struct format *forced, ingest_record_fn rec, ingest_msg_fn msg,
    void *ctx)
{
	struct live *lv = calloc(1, sizeof *lv);

	if (lv == NULL)
		return NULL;
	lv->in = ingest_new(forced, on_record, on_msg, lv);
	if (lv->in == NULL) {
		free(lv);
		return NULL;
	}
	if (forced != NULL) {
		lv->forced = *forced;
		lv->has_forced = 1;
	}
	lv->rec = rec;
	lv->msg = msg;
	lv->ctx = ctx;
	lv->created = pace_now(lv);
	lv->st = *ingest_stats(lv->in);
	return lv;
}

/* Use the caller's clock (Unix milliseconds) for pacing and demo times;
 * NULL goes back to the system clocks.  The pump budget stays real. */
void
live_set_clock(struct live *lv, int64_t (*now_ms)(void *ctx), void *ctx)
{
	lv->clock = now_ms;
	lv->clock_ctx = ctx;
	lv->created = pace_now(lv);
	memset(lv->rate_slot, 0, sizeof lv->rate_slot);
	memset(lv->rate_cnt, 0, sizeof lv->rate_cnt);
}

/* Close an input's source and ingest state, counting its bytes. */
static void
close_source(struct live *lv, struct input *in)
{
	if (in->src != NULL) {
		lv->bytes_done += source_bytes_read(in->src);
		if (in->restore_fl)
			fcntl(source_fd(in->src), F_SETFL, in->old_fl);
		in->restore_fl = 0;
		source_close(in->src);
		in->src = NULL;
	}
	ingest_source_free(in->is);
	in->is = NULL;
	ingest_source_free(in->probe_is);
	in->probe_is = NULL;
}

/* Free an input. */
static void
input_free(struct live *lv, struct input *in)
{
	size_t i;

	close_source(lv, in);
	for (i = 0; i < in->nfiles; i++)
		free(in->files[i]);
	free(in->files);
	demo_free(in->demo);
	free(in->q);
	free(in->arena);
	free(in->path);
	free(in);
}

/* Free the inputs. */
void
live_free(struct live *lv)
{
	size_t i;

	if (lv == NULL)
		return;
	for (i = 0; i < lv->n; i++)
		input_free(lv, lv->inp[i]);
	free(lv->inp);
	free(lv->pub);
	ingest_free(lv->in);
	ingest_free(lv->probe);
	free(lv);
}

/* Append an input of a kind and name; NULL when out of memory. */
static struct input *
add_input(struct live *lv, int kind, const char *path, const char *name,
    int live)
{
	struct input *in;

	if (lv->n == lv->cap) {
		size_t cap = lv->cap ? lv->cap * 2 : 8;
		struct input **pi = realloc(lv->inp, cap * sizeof *pi);
		struct live_input *pp;

		if (pi == NULL)
			return NULL;
		lv->inp = pi;
		pp = realloc(lv->pub, cap * sizeof *pp);
		if (pp == NULL)
			return NULL;
		lv->pub = pp;
		lv->cap = cap;
	}
	in = calloc(1, sizeof *in);
	if (in == NULL)
		return NULL;
	in->kind = kind;
	in->path = strdup(path ? path : "");
	if (in->path == NULL) {
		free(in);
		return NULL;
	}
	memset(&lv->pub[lv->n], 0, sizeof lv->pub[lv->n]);
	snprintf(lv->pub[lv->n].name, sizeof lv->pub[lv->n].name, "%s", name);
	lv->pub[lv->n].live = live;
	lv->pub[lv->n].state = LIVE_READING;
	in->idx = lv->n;
	lv->inp[lv->n++] = in;
	return in;
}

/* Refresh the statistics returned by live_stats. */
static void
refresh_stats(struct live *lv)
{
	uint64_t bytes = lv->bytes_done;
	size_t i;

	lv->st = *ingest_stats(lv->in);
	for (i = 0; i < lv->n; i++)
		if (lv->inp[i]->src != NULL)
			bytes += source_bytes_read(lv->inp[i]->src);
	lv->st.records += lv->demo_records;
	lv->st.bytes += bytes;
	lv->st.sources_ok += lv->ok;
	lv->st.sources_failed += lv->failed;
	lv->st.files_skipped += lv->skipped;
}

/* Tell whether the file behind fd starts with the gzip magic. */
static int
fd_is_gzip(int fd)
{
	unsigned char m[2];

	return pread(fd, m, 2, 0) == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

/* Open a (followed) file and its ingest state; -1 (message if report). */
static int
open_file(struct live *lv, struct input *in, int report)
{
	char err[512];
	struct stat sb;
	struct source *src = source_open(in->path, err, sizeof err);

	if (src == NULL) {
		if (report)
			say(lv, "%s", err);
		return -1;
	}
	in->is = ingest_source_new(lv->in, in->path);
	if (in->is == NULL) {
		source_close(src);
		if (report)
			say(lv, "%s: out of memory", in->path);
		return -1;
	}
	if (fstat(source_fd(src), &sb) == 0) {
		in->dev = sb.st_dev;
		in->ino = sb.st_ino;
	}
	if (in->follow && fd_is_gzip(source_fd(src))) {
		in->follow = 0;		/* gzip files are read once */
		lv->pub[in->idx].live = 0;
	}
	source_set_hold(src, in->follow);
	in->src = src;
	in->seen = 1;
	in->ending = END_NONE;
	return 0;
}

struct walk_ctx {
	struct live *lv;
	struct input *in;
};

/* Collect one file of a directory walk. */
static int
collect_file(void *ctx, const char *path)
{
	struct input *in = ((struct walk_ctx *)ctx)->in;
	char **f, *p;
	struct stat sb;

	if (in->nfiles == in->fcap) {
		size_t cap = in->fcap ? in->fcap * 2 : 16;

		f = realloc(in->files, cap * sizeof *f);
		if (f == NULL)
			return 1;
		in->files = f;
		in->fcap = cap;
	}
	p = strdup(path);
	if (p == NULL)
		return 1;
	in->files[in->nfiles++] = p;
	if (stat(path, &sb) == 0)
		in->rest_bytes += (uint64_t)sb.st_size;
	return 0;
}

/* Report a subdirectory that could not be read. */
static void
collect_error(void *ctx, const char *path, const char *msg)
{
	struct walk_ctx *w = ctx;

	w->lv->failed++;
	say(w->lv, "cannot read directory %s: %s", path, msg);
}

/* Add a path: a file, a gzip file, a directory or "-" (stdin). */
int
live_add_path(struct live *lv, const char *path, int follow)
{
	struct input *in;
	struct stat sb;
	int fd, pipe_like = 0;

	if (strcmp(path, "-") == 0) {
		char err[512];
		struct source *src = source_open("-", err, sizeof err);

		if (src == NULL) {
			lv->failed++;
			say(lv, "%s", err);
			return -1;
		}
		in = add_input(lv, IN_PIPE, path, "(stdin)", 1);
		if (in == NULL || (in->is = ingest_source_new(lv->in,
		    "(stdin)")) == NULL) {
			source_close(src);
			if (in != NULL)
				lv->pub[lv->n - 1].state = LIVE_FAILED;
			say(lv, "(stdin): out of memory");
			return -1;
		}
		in->src = src;
		fd = source_fd(src);
		in->old_fl = fcntl(fd, F_GETFL);
		if (in->old_fl >= 0 && !(in->old_fl & O_NONBLOCK) &&
		    fcntl(fd, F_SETFL, in->old_fl | O_NONBLOCK) == 0)
			in->restore_fl = 1;
		lv->pub[lv->n - 1].state = LIVE_WAITING;
		return 0;
	}
	if (stat(path, &sb) < 0) {
		if (follow && errno == ENOENT) {
			in = add_input(lv, IN_FILE, path, path, 1);
			if (in == NULL)
				return -1;
			in->follow = 1;
			lv->pub[lv->n - 1].state = LIVE_WAITING;
			say(lv, "%s: no such file, waiting for it", path);
			return 0;
		}
		lv->failed++;
		say(lv, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(sb.st_mode)) {
		struct walk_ctx w = { lv, NULL };

		in = add_input(lv, IN_DIR, path, path, 0);
		if (in == NULL)
			return -1;
		w.in = in;
		if (source_walk(path, collect_file, collect_error, &w) < 0) {
			lv->pub[lv->n - 1].state = LIVE_FAILED;
			return -1;	/* reported by collect_error */
		}
		return 0;
	}
	pipe_like = S_ISFIFO(sb.st_mode) || S_ISCHR(sb.st_mode) ||
	    S_ISSOCK(sb.st_mode);
	if (pipe_like) {
		struct source *src;

		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			lv->failed++;
			say(lv, "cannot open %s: %s", path, strerror(errno));
			return -1;
		}
		src = source_open_fd(fd, path);
		in = src ? add_input(lv, IN_PIPE, path, path, 1) : NULL;
		if (in == NULL || (in->is = ingest_source_new(lv->in, path)) ==
		    NULL) {
			source_close(src);
			say(lv, "%s: out of memory", path);
			return -1;
		}
		in->src = src;
		lv->pub[lv->n - 1].state = LIVE_WAITING;
		return 0;
	}
	in = add_input(lv, IN_FILE, path, path, follow ? 1 : 0);
	if (in == NULL)
		return -1;
	in->follow = follow ? 1 : 0;
	if (open_file(lv, in, 1) < 0) {
		lv->failed++;
		lv->pub[lv->n - 1].state = LIVE_FAILED;
		return -1;
	}
	return 0;
}

/* Add the demo source. */
int
live_add_demo(struct live *lv, const char *scenario, uint64_t seed)
{
	char err[256], name[128];
	struct demo *d = demo_new(scenario, seed, err, sizeof err);
	struct input *in;

	if (d == NULL) {
		say(lv, "%s", err);
		return -1;
	}
	snprintf(name, sizeof name, "demo:%s", demo_name(d));
	in = add_input(lv, IN_DEMO, NULL, name, 1);
	if (in == NULL) {
		demo_free(d);
		return -1;
	}
	in->demo = d;
	in->last_pump = INT64_MIN;
	return 0;
}

/* Add a file replayed paced by its records' start times ("-" and FIFOs
 * are read without blocking). */
int
live_add_replay(struct live *lv, const char *path, double speed)
{
	char err[512], name[128];
	struct source *src;
	struct input *in;
	struct stat sb;
	int pipe_like = strcmp(path, "-") == 0, fd, fl = -1;

	if (!(speed > 0)) {
		say(lv, "%s: replay speed must be positive", path);
		return -1;
	}
	if (!pipe_like && stat(path, &sb) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			say(lv, "%s: replay needs a file, not a directory",
			    path);
			return -1;
		}
		pipe_like = S_ISFIFO(sb.st_mode) || S_ISCHR(sb.st_mode) ||
		    S_ISSOCK(sb.st_mode);
	}
	if (strcmp(path, "-") == 0) {
		src = source_open(path, err, sizeof err);
		if (src != NULL)
			fl = fcntl(source_fd(src), F_GETFL);
	} else if (pipe_like) {
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			snprintf(err, sizeof err, "cannot open %s: %s", path,
			    strerror(errno));
		src = fd < 0 ? NULL : source_open_fd(fd, path);
	} else {
		src = source_open(path, err, sizeof err);
	}
	if (src == NULL) {
		lv->failed++;
		say(lv, "%s", err);
		return -1;
	}
	snprintf(name, sizeof name, "replay:%s", source_name(src));
	in = add_input(lv, IN_REPLAY, path, name, 1);
	if (in == NULL || (in->is = ingest_source_new(lv->in,
	    source_name(src))) == NULL) {
		source_close(src);
		if (in != NULL)
			lv->pub[lv->n - 1].state = LIVE_FAILED;
		say(lv, "%s: out of memory", path);
		return -1;
	}
	in->src = src;
	in->speed = speed;
	in->pipe = pipe_like;
	if (fl >= 0 && !(fl & O_NONBLOCK) &&
	    fcntl(source_fd(src), F_SETFL, fl | O_NONBLOCK) == 0) {
		in->old_fl = fl;
		in->restore_fl = 1;
	}
	return 0;
}

/* Descriptors to poll for input. */
int
live_pollfds(struct live *lv, struct pollfd *fds, int max)
{
	int k = 0;
	size_t i;

	for (i = 0; i < lv->n && k < max; i++) {
		struct input *in = lv->inp[i];

		if ((in->kind != IN_PIPE && !(in->kind == IN_REPLAY &&
		    in->pipe && in->qi == in->qn)) || in->src == NULL ||
		    lv->pub[i].state == LIVE_DONE ||
		    lv->pub[i].state == LIVE_FAILED)
			continue;
		fds[k].fd = source_fd(in->src);
		fds[k].events = POLLIN;
		fds[k].revents = 0;
		k++;
	}
	return k;
}

/* Milliseconds until an input wants a pump without fd activity. */
int
live_timeout_ms(struct live *lv)
{
	int64_t now = pace_now(lv), best = -1, t;
	size_t i;

	for (i = 0; i < lv->n; i++) {
		struct input *in = lv->inp[i];
		int state = lv->pub[i].state;

		if (state == LIVE_DONE || state == LIVE_FAILED)
			continue;
		if (state == LIVE_READING)
			return 0;
		switch (in->kind) {
		case IN_FILE:
			if (!in->follow)
				continue;
			t = in->next_check - now;
			break;
		case IN_DEMO:
			if (in->last_pump == INT64_MIN)
				return 0;
			t = demo_next_ms(in->demo) - wall_now(lv);
			if (t < in->last_pump + DEMO_TICK_MS - now)
				t = in->last_pump + DEMO_TICK_MS - now;
			break;
		case IN_REPLAY:
			if (in->qi == in->qn)
				continue;	/* a pipe without data: poll */
			t = in->due - now;
			if (t < in->last_pump + REPLAY_TICK_MS - now)
				t = in->last_pump + REPLAY_TICK_MS - now;
			break;
		default:
			continue;
		}
		if (t < 0)
			t = 0;
		if (t > INT_MAX)
			t = INT_MAX;
		if (best < 0 || t < best)
			best = t;
	}
	return (int)best;
}

/* Why read_lines stopped. */
enum { RL_EOF, RL_AGAIN, RL_ERROR, RL_BUDGET, RL_SKIP, RL_QUEUED };

/* Feed a directory file's line to the probe; 1 when the file turned out
 * not to be a flow log (reported and counted). */
static int
probe_line(struct live *lv, struct input *in, const struct source_line *ln)
{
	const struct ingest_stats *ps;
	uint64_t blank, bad;
	static const char hex[] = "0123456789abcdef";
	char text[80];
	size_t i, o = 0;

	if (lv->probe == NULL)
		lv->probe = ingest_new(lv->has_forced ? &lv->forced : NULL,
		    NULL, NULL, NULL);
	if (lv->probe == NULL) {
		in->probing = 0;
		return 0;
	}
	if (in->probe_is == NULL)
		in->probe_is = ingest_source_new(lv->probe, "probe");
	if (in->probe_is == NULL) {
		in->probing = 0;
		return 0;
	}
	ps = ingest_stats(lv->probe);
	blank = ps->blank;
	bad = ps->rejects[PARSE_NO_FORMAT] + ps->rejects[PARSE_NOT_TEXT] +
	    ps->rejects[PARSE_BAD_ENVELOPE];
	ingest_line(lv->probe, in->probe_is, ln->p, ln->len, ln->lineno,
	    ln->too_long);
	if (ps->blank != blank)
		return 0;
	in->probing = 0;
	ingest_source_free(in->probe_is);
	in->probe_is = NULL;
	if (ps->rejects[PARSE_NO_FORMAT] + ps->rejects[PARSE_NOT_TEXT] +
	    ps->rejects[PARSE_BAD_ENVELOPE] == bad)
		return 0;
	for (i = 0; i < ln->len && i < 60 && o + 5 < sizeof text; i++) {
		unsigned char c = (unsigned char)ln->p[i];

		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
			text[o++] = (char)c;
		} else {
			text[o++] = '\\';
			text[o++] = 'x';
			text[o++] = hex[c >> 4];
			text[o++] = hex[c & 15];
		}
	}
	text[o] = '\0';
	lv->skipped++;
	say(lv, "skipped %s: not a flow log (starts \"%s\")", in->path, text);
	return 1;
}

/* Read lines of the input's source into the ingester until end of data,
 * the deadline, or (replay) a queued record; returns an RL_* code. */
static int
read_lines(struct live *lv, struct input *in, double deadline)
{
	struct source_line ln;
	unsigned n = 0;
	int r;

	for (;;) {
		r = source_next(in->src, &ln);
		if (r != SOURCE_LINE)
			break;
		if (in->probing && probe_line(lv, in, &ln))
			return RL_SKIP;
		ingest_line(lv->in, in->is, ln.p, ln.len, ln.lineno,
		    ln.too_long);
		if (in->kind == IN_REPLAY && in->qn > in->qi)
			return RL_QUEUED;
		if (++n % PUMP_CHECK == 0 && budget_now() >= deadline)
			return RL_BUDGET;
	}
	if (r == SOURCE_AGAIN)
		return RL_AGAIN;
	if (r == SOURCE_ERROR)
		return RL_ERROR;
	return RL_EOF;
}

/* Report a source's read error, close it and mark the input failed. */
static void
fail_source(struct live *lv, struct input *in, size_t i)
{
	say(lv, "%s: %s", lv->pub[i].name, source_error(in->src) ?
	    source_error(in->src) : "read error");
	close_source(lv, in);
	lv->failed++;
	lv->pub[i].state = LIVE_FAILED;
}

/* Look at a followed file's path and descriptor for truncation,
 * rotation, deletion or (re)appearance. */
static void
follow_check(struct live *lv, struct input *in, int64_t now)
{
	struct stat sb;

	if (in->src == NULL) {
		if (now < in->next_check)
			return;
		in->next_check = now + FOLLOW_CHECK_MS;
		if (stat(in->path, &sb) == 0 && open_file(lv, in, 0) == 0)
			say(lv, "%s: file appeared, reading it", in->path);
		return;
	}
	if (in->ending != END_NONE)
		return;
	if (fstat(source_fd(in->src), &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (uint64_t)sb.st_size < source_bytes_read(in->src)) {
		say(lv, "%s: file truncated", in->path);
		close_source(lv, in);
		if (open_file(lv, in, 0) < 0) {
			say(lv, "%s: file deleted", in->path);
			in->next_check = now + FOLLOW_CHECK_MS;
		}
		return;
	}
	if (now < in->next_check)
		return;
	in->next_check = now + FOLLOW_CHECK_MS;
	if (stat(in->path, &sb) < 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			in->ending = END_DELETED;
			source_set_hold(in->src, 0);
		}
	} else if (sb.st_dev != in->dev || sb.st_ino != in->ino) {
		in->ending = END_ROTATED;
		source_set_hold(in->src, 0);
	}
}

/* Pump a plain file, followed or not; 1 when the budget ran out. */
static int
pump_file(struct live *lv, struct input *in, size_t i, double deadline,
    int64_t now)
{
	int r;

	for (;;) {
		if (in->follow)
			follow_check(lv, in, now);
		if (in->src == NULL) {
			lv->pub[i].state = LIVE_WAITING;
			return 0;
		}
		r = read_lines(lv, in, deadline);
		if (r == RL_BUDGET) {
			lv->pub[i].state = LIVE_READING;
			return 1;
		}
		if (r == RL_ERROR) {
			fail_source(lv, in, i);
			return 0;
		}
		if (!in->follow) {
			close_source(lv, in);
			lv->ok++;
			lv->pub[i].state = LIVE_DONE;
			return 0;
		}
		if (in->ending == END_NONE) {
			lv->pub[i].state = LIVE_WAITING;
			return 0;
		}
		/* The old file is read out: switch or wait. */
		close_source(lv, in);
		if (in->ending == END_ROTATED) {
			say(lv, "%s: file rotated, reading the new file",
			    in->path);
			in->ending = END_NONE;
			if (open_file(lv, in, 0) == 0)
				continue;
		} else {
			say(lv, "%s: file deleted", in->path);
		}
		in->ending = END_NONE;
		in->next_check = now + FOLLOW_CHECK_MS;
		lv->pub[i].state = LIVE_WAITING;
		return 0;
	}
}

/* Pump stdin or a FIFO; 1 when the budget ran out. */
static int
pump_pipe(struct live *lv, struct input *in, size_t i, double deadline)
{
	int r;

	if (in->src == NULL)
		return 0;
	r = read_lines(lv, in, deadline);
	switch (r) {
	case RL_BUDGET:
		lv->pub[i].state = LIVE_READING;
		return 1;
	case RL_AGAIN:
		lv->pub[i].state = LIVE_WAITING;
		return 0;
	case RL_ERROR:
		fail_source(lv, in, i);
		return 0;
	default:
		close_source(lv, in);
		lv->ok++;
		lv->pub[i].state = LIVE_DONE;
		return 0;
	}
}

/* Pump a directory's files in order; 1 when the budget ran out. */
static int
pump_dir(struct live *lv, struct input *in, size_t i, double deadline)
{
	char err[512];
	const char *why;
	struct stat sb;
	int r;

	for (;;) {
		if (in->src == NULL) {
			if (in->fi >= in->nfiles) {
				lv->pub[i].state = LIVE_DONE;
				return 0;
			}
			free(in->path);
			in->path = in->files[in->fi];
			in->files[in->fi++] = NULL;
			if (stat(in->path, &sb) == 0 &&
			    in->rest_bytes >= (uint64_t)sb.st_size)
				in->rest_bytes -= (uint64_t)sb.st_size;
			in->src = source_open(in->path, err, sizeof err);
			if (in->src == NULL) {
				lv->failed++;
				say(lv, "%s", err);
				continue;
			}
			if (!source_sniff(in->src, &why)) {
				lv->skipped++;
				say(lv, "skipped %s: %s", in->path, why);
				close_source(lv, in);
				continue;
			}
			in->is = ingest_source_new(lv->in, in->path);
			if (in->is == NULL) {
				close_source(lv, in);
				say(lv, "%s: out of memory", in->path);
				continue;
			}
			in->probing = 1;
		}
		r = read_lines(lv, in, deadline);
		if (r == RL_BUDGET) {
			lv->pub[i].state = LIVE_READING;
			return 1;
		}
		if (r == RL_ERROR) {
			say(lv, "%s: %s", in->path, source_error(in->src));
			lv->failed++;
		} else if (r != RL_SKIP) {
			lv->ok++;
		}
		close_source(lv, in);
		if (budget_now() >= deadline) {
			lv->pub[i].state = in->fi < in->nfiles ?
			    LIVE_READING : LIVE_DONE;
			return in->fi < in->nfiles;
		}
	}
}

/* Receive a demo record. */
static void
on_demo(void *ctx, const struct flow *f)
{
	struct live *lv = ctx;

	lv->demo_records++;
	deliver(lv, f);
}

/* Pump the demo: every record due now; 1 when the budget ran out. */
static int
pump_demo(struct live *lv, struct input *in, size_t i, double deadline,
    int64_t now)
{
	int64_t wall = wall_now(lv);

	in->last_pump = now;
	while (demo_step_max(in->demo, wall, PUMP_CHECK, on_demo, lv) ==
	    PUMP_CHECK) {
		if (budget_now() >= deadline) {
			lv->pub[i].state = LIVE_READING;
			return 1;
		}
	}
	lv->pub[i].state = LIVE_WAITING;
	return 0;
}

/* Hand out the head of a replay queue, strings put back in place. */
static void
replay_pop(struct live *lv, struct input *in)
{
	struct flow f = in->q[in->qi++].f;
	int id;

	for (id = 0; id < FIELD_COUNT; id++)
		if (field_table[id].type == FT_SYMBOL && flow_has(&f, id))
			f.v[id].s.p = in->arena + (uintptr_t)f.v[id].s.p;
	deliver(lv, &f);
	if (in->qi == in->qn) {
		in->qi = in->qn = 0;
		in->alen = 0;
	}
}

/* Pump a replay: records whose start the replay clock has reached;
 * 1 when the budget ran out. */
static int
pump_replay(struct live *lv, struct input *in, size_t i, double deadline,
    int64_t now)
{
	unsigned n = 0;
	int r;

	in->last_pump = now;
	for (;;) {
		const struct flow *h;

		if (in->qi == in->qn) {
			if (in->eof || in->src == NULL) {
				lv->pub[i].state = LIVE_DONE;
				return 0;
			}
			r = read_lines(lv, in, deadline);
			if (in->oom) {
				say(lv, "%s: out of memory", in->path);
				close_source(lv, in);
				lv->failed++;
				lv->pub[i].state = LIVE_FAILED;
				return 0;
			}
			if (r == RL_BUDGET) {
				lv->pub[i].state = LIVE_READING;
				return 1;
			}
			if (r == RL_AGAIN) {
				lv->pub[i].state = LIVE_WAITING;
				return 0;
			}
			if (r == RL_ERROR) {
				say(lv, "%s: %s", in->path,
				    source_error(in->src));
				lv->failed++;
			} else if (r == RL_EOF) {
				lv->ok++;
			}
			if (r != RL_QUEUED) {
				in->eof = 1;
				close_source(lv, in);
				continue;
			}
		}
		h = &in->q[in->qi].f;
		if (flow_has(h, F_START)) {
			int64_t start = (int64_t)h->v[F_START].u * 1000;

			if (!in->started) {
				in->started = 1;
				in->ev0 = start;
				in->t0 = now;
			}
			if ((double)(start - in->ev0) >
			    (double)(now - in->t0) * in->speed) {
				in->due = in->t0 + (int64_t)((double)(start -
				    in->ev0) / in->speed);
				if (in->due <= now)
					in->due = now + 1;
				lv->pub[i].state = LIVE_WAITING;
				return 0;
			}
		}
		replay_pop(lv, in);
		if (++n % PUMP_CHECK == 0 && budget_now() >= deadline) {
			lv->pub[i].state = LIVE_READING;
			return 1;
		}
	}
}

/* Bytes known to be waiting unread on an input. */
static uint64_t
behind(const struct input *in)
{
	struct stat sb;
	uint64_t b = in->kind == IN_DIR ? in->rest_bytes : 0;
	int fd;

	if (in->src == NULL)
		return b;
	fd = source_fd(in->src);
	if (in->kind == IN_PIPE || in->pipe) {
#ifdef FIONREAD
		int avail = 0;

		if (ioctl(fd, FIONREAD, &avail) == 0 && avail > 0)
			b += (uint64_t)avail;
#endif
		return b;
	}
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (uint64_t)sb.st_size > source_bytes_read(in->src))
		b += (uint64_t)sb.st_size - source_bytes_read(in->src);
	return b;
}

/* Count n records delivered at pace time now for live_rate. */
static void
rate_add(struct live *lv, int64_t now, uint64_t n)
{
	int64_t slot = now / RATE_SLOT_MS;
	int k = (int)(((slot % RATE_SLOTS) + RATE_SLOTS) % RATE_SLOTS);

	if (lv->rate_slot[k] != slot) {
		lv->rate_slot[k] = slot;
		lv->rate_cnt[k] = 0;
	}
	lv->rate_cnt[k] += n;
}

/* Read for at most budget_ms milliseconds. */
uint64_t
live_pump(struct live *lv, double budget_ms, int *more)
{
	double deadline = budget_now() + budget_ms;
	int64_t now = pace_now(lv);
	int out = 0, left = 0;
	size_t k, i;

	lv->pumped = 0;
	for (k = 0; k < lv->n && !out; k++) {
		struct input *in;

		i = (lv->rr + k) % lv->n;
		in = lv->inp[i];
		if (lv->pub[i].state == LIVE_DONE ||
		    lv->pub[i].state == LIVE_FAILED)
			continue;
		lv->cur = i;
		switch (in->kind) {
		case IN_FILE:
			out = pump_file(lv, in, i, deadline, now);
			break;
		case IN_PIPE:
			out = pump_pipe(lv, in, i, deadline);
			break;
		case IN_DIR:
			out = pump_dir(lv, in, i, deadline);
			break;
		case IN_DEMO:
			out = pump_demo(lv, in, i, deadline, now);
			break;
		case IN_REPLAY:
			out = pump_replay(lv, in, i, deadline, now);
			break;
		}
		if (!out && budget_now() >= deadline && k + 1 < lv->n)
			out = 1;
	}
	if (lv->n > 0)
		lv->rr = (lv->rr + 1) % lv->n;
	for (i = 0; i < lv->n; i++) {
		lv->pub[i].behind = behind(lv->inp[i]);
		if (lv->pub[i].state == LIVE_READING)
			left = 1;
	}
	if (out)
		left = 1;
	rate_add(lv, now, lv->pumped);
	refresh_stats(lv);
	if (more != NULL)
		*more = left;
	return lv->pumped;
}

/* The inputs, for the status bar. */
size_t
live_inputs(const struct live *lv, const struct live_input **in)
{
	if (in != NULL)
		*in = lv->pub;
	return lv->n;
}

/* Ingest statistics over every input. */
const struct ingest_stats *
live_stats(const struct live *lv)
{
	return &lv->st;
}

/* Records per second delivered over the last few seconds. */
double
live_rate(const struct live *lv)
{
	int64_t now = pace_now(lv), cur = now / RATE_SLOT_MS;
	int64_t from = (cur - RATE_SLOTS + 1) * RATE_SLOT_MS, span;
	uint64_t sum = 0;
	int k;

	for (k = 0; k < RATE_SLOTS; k++)
		if (lv->rate_slot[k] > cur - RATE_SLOTS &&
		    lv->rate_slot[k] <= cur)
			sum += lv->rate_cnt[k];
	if (from < lv->created)
		from = lv->created;
	span = now - from;
	if (span < RATE_SLOT_MS)
		span = RATE_SLOT_MS;
	return (double)sum * 1000.0 / (double)span;
}

/* The demo scenario playing now, or NULL. */
const char *
live_demo_scenario(const struct live *lv)
{
	const char *name;
	size_t i;

	for (i = 0; i < lv->n; i++)
		if (lv->inp[i]->kind == IN_DEMO &&
		    (name = demo_active(lv->inp[i]->demo)) != NULL)
			return name;
	return NULL;
}
