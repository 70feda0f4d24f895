/*
 * pane.h - the panes of the terminal UI: tail, top talkers, drill-down
 * tree, timeline, and the record detail (pane-*.c, sharing pane.c).
 *
 * Each pane keeps a cache of what it shows, filled by its refresh
 * function from the store's views (never by walking the ring, apart from
 * the tail's look-ups through store_rec_at) and drawn by its draw
 * function into a rectangle of the screen.  While the display is paused
 * the caches are simply not refreshed; the caches hold text, not store
 * ids, so evictions meanwhile cannot make them lie.
 */
#ifndef VPCTOP_PANE_H
#define VPCTOP_PANE_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "view.h"

/* What every pane shares. */
struct pane_env {
	struct store *s;
	void *match_ctx;	/* the filter, or NULL: every record */
	int utf8;		/* the terminal shows UTF-8 */
	int by;			/* enum store_rank */
};

/* A screen rectangle. */
struct pane_rect {
	int y, x, h, w;
};

#define PANE_TAIL_MAX 512

/* The tail: newest records, newest first (or oldest first). */
struct pane_tail {
	int follow;		/* showing the newest records */
	uint64_t top;		/* first row's record when not following */
	int cur;		/* cursor row */
	int oldest_first;
	uint64_t rows[PANE_TAIL_MAX];
	int nrows;
	int height;		/* rows that fit, from the last draw */
	uint64_t scanned;	/* records looked at by the last refresh */
	/* the newest matching records as of inc_seen, newest first: the
	 * following tail looks only at what arrived since */
	uint64_t inc_rows[PANE_TAIL_MAX];
	int inc_n, inc_h, inc_valid;
	uint64_t inc_seen;
};

#define PANE_TOP_MAX 256
#define PANE_TEXT 96

/* One cached top-talker row. */
struct pane_top_row {
	char key[2][PANE_TEXT];	/* value text (filter syntax) */
	struct store_val val[2];	/* for frozen order */
	struct store_totals t;
	double share;
};

/* The top talkers. */
struct pane_top {
	int key;		/* index into the key list */
	struct view *v;
	struct pane_top_row rows[PANE_TOP_MAX];
	size_t nrows, ngroups;
	struct store_totals total;
	double span;		/* seconds the ring covers */
	int frozen, cur, scroll, height;
};

#define PANE_TREE_MAX 256

/* One cached tree child. */
struct pane_tree_row {
	struct view_node node;
	char key[PANE_TEXT];
};

/* The drill-down tree. */
struct pane_tree {
	struct view *v;
	struct view_node path[VIEW_LV_COUNT];
	char path_text[VIEW_LV_COUNT][PANE_TEXT];
	int path_cur[VIEW_LV_COUNT];	/* cursor to restore on the way out */
	size_t depth;
	struct pane_tree_row rows[PANE_TREE_MAX];
	size_t nrows, nchildren;
	int cur, scroll, height;
};

#define PANE_BINS 512

/* The timeline strip. */
struct pane_timeline {
	struct view *v;
	uint64_t origin;
	uint32_t width, nbins;
	int cols;
	struct view_bin shown[PANE_BINS];
	int nshown;
	uint64_t first;		/* time of shown[0] */
};

/* Draw text (our own or already sanitised UTF-8) at y, x, cut at column
 * xmax; returns the column after it. */
int pane_put(int y, int x, int xmax, int attr, const char *s);

/* Fill columns [x, xmax) of line y with spaces in attr. */
void pane_fill(int y, int x, int xmax, int attr);

/* Sanitise log text into out for display within cols columns. */
void pane_clean(const char *p, size_t len, char *out, size_t size, int cols,
    int utf8);

/* Draw a bar of frac (0..1) over w columns at y, x. */
void pane_bar(const struct pane_env *e, int y, int x, int w, double frac,
    int attr);

/* The metric a rank (enum store_rank) reads from totals. */
uint64_t pane_metric(const struct store_totals *t, int by);

/* The metric as text: human bytes or counts. */
void pane_metric_text(uint64_t v, int by, char *buf, size_t size);

/* Name of a rank: "bytes", "packets", "flows". */
const char *pane_rank_name(int by);

/* Draw a pane title line: name, extra text, focus style. */
void pane_title(const struct pane_rect *r, const char *name,
    const char *extra, int focus);

/* Group keys of the top talkers: count, a key's fields and its label. */
int pane_top_nkeys(void);
void pane_top_key(int key, int *f1, int *f2);
const char *pane_top_key_label(int key);

/* Find a key by field names ("srcaddr" or "srcaddr,dstaddr"); -1. */
int pane_top_key_find(int f1, int f2);

/* Refresh and draw the tail; drawing sets t->height. */
void pane_tail_refresh(struct pane_tail *t, const struct pane_env *e);
void pane_tail_draw(struct pane_tail *t, const struct pane_env *e,
    const struct pane_rect *r, int focus);

/* Move the tail cursor by delta rows (INT_MAX: to the end, -INT_MAX: to
 * the newest). */
void pane_tail_move(struct pane_tail *t, const struct pane_env *e,
    int delta);

/* Move the tail cursor to the next record the search matches (dir 1:
 * down the screen, -1: up); 0 when none. */
int pane_tail_search(struct pane_tail *t, const struct pane_env *e,
    void *search, int dir);

/* Show only records before limit in every tail (STORE_NONE: all); the
 * paused display uses it. */
void pane_tail_limit(uint64_t limit);

/* Record under the tail cursor, or STORE_NONE. */
uint64_t pane_tail_selected(const struct pane_tail *t);

/* Refresh and draw the top talkers. */
void pane_top_refresh(struct pane_top *p, const struct pane_env *e);
void pane_top_draw(struct pane_top *p, const struct pane_env *e,
    const struct pane_rect *r, int focus);

/* Forget the view (filter or key changed). */
void pane_top_reset(struct pane_top *p, struct store *s);

/* Toggle frozen order. */
void pane_top_freeze(struct pane_top *p, struct store *s);

/* Refresh and draw the tree. */
void pane_tree_refresh(struct pane_tree *p, const struct pane_env *e);
void pane_tree_draw(struct pane_tree *p, const struct pane_env *e,
    const struct pane_rect *r, int focus);

/* Drill into the selected node; 0 when it has no children. */
int pane_tree_enter(struct pane_tree *p, const struct pane_env *e);

/* Drill out one level; 0 at the root. */
int pane_tree_leave(struct pane_tree *p, const struct pane_env *e);

/* Forget the view (filter changed); the path is kept. */
void pane_tree_reset(struct pane_tree *p, struct store *s);

/* Release the path's pins and the view. */
void pane_tree_free(struct pane_tree *p, struct store *s);

/* Refresh and draw the timeline (h: 1 or 2 lines). */
void pane_timeline_refresh(struct pane_timeline *p, const struct pane_env *e,
    int cols);
void pane_timeline_draw(struct pane_timeline *p, const struct pane_env *e,
    const struct pane_rect *r);

/* Forget the view. */
void pane_timeline_reset(struct pane_timeline *p);

/* Move a list cursor (cur, scroll) within n rows, height visible. */
void pane_list_move(int *cur, int *scroll, int n, int height, int delta);

/* Write a filter predicate for a value: "field = value" (exclude: !=),
 * quoting when needed; 0, or -1 when the text cannot be expressed. */
int pane_predicate(const char *field, const char *value, int exclude,
    char *buf, size_t size);

/* Draw the record detail of seq in r; scroll is the first line shown,
 * corrected in place; returns the number of lines. */
int pane_detail_draw(const struct pane_env *e, uint64_t seq,
    const struct pane_rect *r, int *scroll);

#endif
