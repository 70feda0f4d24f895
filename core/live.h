/*
 * live.h - live inputs for the terminal UI: followed files, stdin, the
 * demo generator and replays, pumped without ever blocking the caller.
 *
 * The UI owns one poll loop.  It asks live_pollfds for the descriptors to
 * wait on and live_timeout_ms for the next timer (demo pace, replay pace,
 * the follow re-check of files), then calls live_pump with a time budget:
 * the pump parses at most that long (a few milliseconds) and hands every
 * accepted record to the callback, so keys are never kept waiting behind
 * a large file.  Whatever is left is read on the next pump.
 */
#ifndef VPCTOP_LIVE_H
#define VPCTOP_LIVE_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"
#include "format.h"
#include "ingest.h"

/* What a live input is doing. */
enum live_state {
	LIVE_READING,		/* has data left to read now */
	LIVE_WAITING,		/* live, at its end, waiting for more */
	LIVE_DONE,		/* read to its end, not followed */
	LIVE_FAILED		/* cannot be read (see msg) */
};

/* One input, for the status bar. */
struct live_input {
	char name[128];		/* file name, "(stdin)", "demo:portscan" */
	int state;		/* enum live_state */
	int live;		/* 1: followed, stdin pipe, demo or replay */
	uint64_t records;	/* records from this input */
	uint64_t behind;	/* bytes known to be waiting unread (0 if unknown) */
};

struct live;

/* Create an empty set of inputs; forced is the -F format or NULL.
 * Records go to rec, messages (file deleted, truncated, rotated, cannot
 * open) to msg, both with ctx. */
struct live *live_new(const struct format *forced, ingest_record_fn rec,
    ingest_msg_fn msg, void *ctx);

/* Free the inputs. */
void live_free(struct live *lv);

/* Add a path: a file, a gzip file, a directory or "-" (stdin, read
 * without blocking).  With follow, files keep being read as they grow,
 * across truncation and rotation (tail -F).  0, or -1 with a message. */
int live_add_path(struct live *lv, const char *path, int follow);

/* Add the demo source: scenario NULL or "all" plays every scenario on a
 * schedule, else one by name (see demo.h); seed makes it repeatable.
 * 0, or -1 for an unknown scenario. */
int live_add_demo(struct live *lv, const char *scenario, uint64_t seed);

/* Add a file replayed paced by its records' start times: speed 1 is real
 * time, 60 is one minute of event time per second.  0, or -1. */
int live_add_replay(struct live *lv, const char *path, double speed);

/* Descriptors to poll for input (at most max written); returns the count. */
int live_pollfds(struct live *lv, struct pollfd *fds, int max);

/* Milliseconds until an input wants a pump without fd activity (demo or
 * replay pace, follow re-check), -1 for none; 0 when data is pending. */
int live_timeout_ms(struct live *lv);

/* Read for at most budget_ms milliseconds; returns the number of records
 * delivered.  *more is set to 1 when data is known to be left. */
uint64_t live_pump(struct live *lv, double budget_ms, int *more);

/* The inputs, for the status bar; returns their number.  The array stays
 * valid until the next live_add_* call. */
size_t live_inputs(const struct live *lv, const struct live_input **in);

/* Ingest statistics over every input (rejected lines and examples). */
const struct ingest_stats *live_stats(const struct live *lv);

/* Records per second delivered over the last few seconds of wall time. */
double live_rate(const struct live *lv);

/* Use the caller's clock, in Unix milliseconds, for every pacing decision
 * (demo, replay, follow re-checks, rate) and for the demo's event times;
 * NULL goes back to the system clocks.  The pump budget is always real
 * time.  For tests; call it before the first pump. */
void live_set_clock(struct live *lv, int64_t (*now_ms)(void *ctx), void *ctx);

/* The demo scenario playing now ("portscan", ...), or NULL when no demo
 * input is playing one. */
const char *live_demo_scenario(const struct live *lv);

#endif
