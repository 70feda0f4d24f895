/*
 * pane.c - tail, top talkers, drill-down tree, timeline, record detail.
 *
 * Design notes.  Panes draw into stdscr inside a rectangle given by the
 * layout (ui.c); the frame is flushed once with wnoutrefresh + doupdate
 * there.  Every attribute comes from theme_attr, every byte from a log
 * goes through sanitize_text (pane_clean) before it reaches curses.
 *
 * The tail is the one pane without a view: it shows single records, so
 * it looks them up by sequence number (store_rec_at), newest first,
 * testing the filter on each, with a bound on how many it looks at per
 * refresh so a very selective filter over a full ring cannot stall the
 * loop.  Its cursor row keeps pointing at the same record while new
 * records arrive, unless it is following the newest ones.
 */
#include "config.h"

#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "field.h"
#include "filter.h"
#include "flow.h"
#include "format.h"
#include "pane.h"
#include "report.h"
#include "sanitize.h"
#include "theme.h"

/* Most records the tail looks at per refresh or move. */
#define PANE_SCAN_MAX 4000000u

/* Draw text at y, x cut at column xmax; returns the column after it. */
int
pane_put(int y, int x, int xmax, int attr, const char *s)
{
	const unsigned char *q = (const unsigned char *)s;
	int x0 = x;

	if (x >= xmax || y < 0 || y >= LINES || x < 0)
		return x;
	while (*q && x < xmax) {
		q++;
		while ((*q & 0xc0) == 0x80)
			q++;
		x++;
	}
	attrset(attr);
	mvaddnstr(y, x0, s, (int)((const char *)q - s));
	return x;
}

/* Fill columns [x, xmax) of line y with spaces in attr. */
void
pane_fill(int y, int x, int xmax, int attr)
{
	if (y < 0 || y >= LINES || x >= xmax)
		return;
	attrset(attr);
	mvhline(y, x, ' ', xmax - x);
}

/* Sanitise log text into out for display within cols columns; on a
 * terminal without UTF-8 every non-ASCII byte becomes '?'. */
void
pane_clean(const char *p, size_t len, char *out, size_t size, int cols,
    int utf8)
{
	char *c;

	if (cols <= 0) {
		if (size)
			out[0] = '\0';
		return;
	}
	sanitize_text(p, len, out, size, cols);
	if (!utf8)
		for (c = out; *c; c++)
			if ((unsigned char)*c >= 0x80)
				*c = '?';
}

/* Draw a pane title line. */
void
pane_title(const struct pane_rect *r, const char *name, const char *extra,
    int focus)
{
	int a = theme_attr(focus ? THEME_PANE_FOCUS : THEME_PANE_TITLE);
	int x;

	pane_fill(r->y, r->x, r->x + r->w, a);
	x = pane_put(r->y, r->x, r->x + r->w, a, focus ? "[" : " ");
	x = pane_put(r->y, x, r->x + r->w, a, name);
	x = pane_put(r->y, x, r->x + r->w, a, focus ? "] " : "  ");
	if (extra)
		pane_put(r->y, x, r->x + r->w, a, extra);
}

/* Draw a bar of frac (0..1) over w columns at y, x. */
static void
pane_bar(const struct pane_env *e, int y, int x, int w, double frac, int attr)
{
	static const char *const eighths[] = { "", "\u258f", "\u258e",
	    "\u258d", "\u258c", "\u258b", "\u258a", "\u2589" };
	int units, full, i;

	if (w <= 0)
		return;
	if (frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	units = (int)(frac * w * 8 + 0.5);
	full = units / 8;
	attrset(attr);
	for (i = 0; i < full; i++)
		mvaddstr(y, x + i, e->utf8 ? "\u2588" : "#");
	if (full < w && units % 8) {
		if (e->utf8)
			mvaddstr(y, x + full, eighths[units % 8]);
		else if (units % 8 >= 4)
			mvaddstr(y, x + full, "+");
	}
}

/* The metric a rank reads from totals. */
static uint64_t
pane_metric(const struct store_totals *t, int by)
{
	return by == STORE_BY_PACKETS ? t->packets :
	    by == STORE_BY_FLOWS ? t->flows : t->bytes;
}

/* The metric as text: human bytes or counts. */
static void
pane_metric_text(uint64_t v, int by, char *buf, size_t size)
{
	if (by == STORE_BY_BYTES)
		report_human_bytes(v, buf, size);
	else
		report_human_count(v, buf, size);
}

/* Name of a rank. */
static const char *
pane_rank_name(int by)
{
	return by == STORE_BY_PACKETS ? "packets" :
	    by == STORE_BY_FLOWS ? "flows" : "bytes";
}

/* Move a list cursor within n rows, height visible. */
void
pane_list_move(int *cur, int *scroll, int n, int height, int delta)
{
	long c = (long)*cur + delta;

	if (height < 1)
		height = 1;
	if (c >= n)
		c = n - 1;
	if (c < 0)
		c = 0;
	*cur = (int)c;
	if (*cur < *scroll)
		*scroll = *cur;
	if (*cur >= *scroll + height)
		*scroll = *cur - height + 1;
	if (*scroll > n - height)
		*scroll = n - height;
	if (*scroll < 0)
		*scroll = 0;
}

/* Tell whether a value can go into a filter unquoted. */
static int
pane_plain(const char *v)
{
	const char *p;

	if (*v == '\0')
		return 0;
	for (p = v; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.:/", *p)))
			return 0;
	return 1;
}

/* Write "field = value" (or !=), quoting when needed; 0 or -1. */
int
pane_predicate(const char *field, const char *value, int exclude,
    char *buf, size_t size)
{
	const char *p;
	int n;

	if (pane_plain(value))
		n = snprintf(buf, size, "%s %s %s", field, exclude ? "!=" :
		    "=", value);
	else {
		for (p = value; *p; p++)
			if (*p == '"' || *p == '\\' ||
			    (unsigned char)*p < 0x20 || *p == 0x7f)
				return -1;
		n = snprintf(buf, size, "%s %s \"%s\"", field,
		    exclude ? "!=" : "=", value);
	}
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* ---- tail ---- */

/* The limit sequence (exclusive) the tail may show (paused display). */
static uint64_t tail_limit = STORE_NONE;

/* Tell whether record seq is in the ring and matches the filter. */
static int
pane_tail_ok(const struct pane_env *e, void *extra, uint64_t seq)
{
	const struct store_rec *r = store_rec_at(e->s, seq);

	if (r == NULL)
		return 0;
	if (e->match_ctx && !filter_match_rec(e->match_ctx, e->s, r))
		return 0;
	if (extra && !filter_match_rec(extra, e->s, r))
		return 0;
	return 1;
}

/* Collect up to n matching records from seq going dir (-1 older, +1
 * newer) into out; returns the count. */
static int
pane_tail_collect_from(const struct pane_env *e, uint64_t seq, int dir,
    int n, uint64_t *out, uint64_t limit, uint64_t lo, uint64_t *scanned)
{
	uint64_t first = store_first(e->s), next = store_next(e->s);
	uint64_t budget = PANE_SCAN_MAX;
	int k = 0;

	if (limit < next)
		next = limit;
	if (lo > first)
		first = lo;
	if (next <= first || n <= 0)
		return 0;
	if (seq >= next)
		seq = dir < 0 ? next - 1 : next;
	if (seq < first)
		seq = dir < 0 ? first - 1 : first;
	while (k < n && budget > 0) {
		if (dir < 0 ? (seq < first || seq == STORE_NONE) : seq >= next)
			break;
		if (pane_tail_ok(e, NULL, seq))
			out[k++] = seq;
		budget--;
		if (dir < 0 && seq == 0)
			break;
		seq += (uint64_t)(int64_t)dir;
	}
	if (scanned)
		*scanned += PANE_SCAN_MAX - budget;
	return k;
}

/* Collect matching records from seq going dir over the whole ring. */
static int
pane_tail_collect(const struct pane_env *e, uint64_t seq, int dir, int n,
    uint64_t *out, uint64_t limit, uint64_t *scanned)
{
	return pane_tail_collect_from(e, seq, dir, n, out, limit, 0, scanned);
}

/* The newest h matching records, newest first, into out: only records
 * that arrived since the last call are looked at, the rest comes from
 * the previous answer (records never change; evicted ones drop out). */
static int
pane_tail_newest(struct pane_tail *t, const struct pane_env *e, int h,
    uint64_t *out)
{
	uint64_t first = store_first(e->s), next = store_next(e->s);
	uint64_t fresh[PANE_TAIL_MAX];
	int n, i, k;

	if (tail_limit != STORE_NONE || !t->inc_valid || t->inc_h != h ||
	    t->inc_seen < first || t->inc_seen >= next) {
		n = pane_tail_collect(e, STORE_NONE - 1, -1, h, out,
		    tail_limit, &t->scanned);
		if (tail_limit == STORE_NONE) {
			memcpy(t->inc_rows, out, (size_t)n * sizeof *out);
			t->inc_n = n;
			t->inc_h = h;
			t->inc_seen = next - 1;
			t->inc_valid = next > first;
		}
		return n;
	}
	n = pane_tail_collect_from(e, next - 1, -1, h, fresh, STORE_NONE,
	    t->inc_seen + 1, &t->scanned);
	k = 0;
	for (i = 0; i < n; i++)
		out[k++] = fresh[i];
	for (i = 0; i < t->inc_n && k < h; i++)
		if (t->inc_rows[i] >= first)
			out[k++] = t->inc_rows[i];
	memcpy(t->inc_rows, out, (size_t)k * sizeof *out);
	t->inc_n = k;
	t->inc_seen = next - 1;
	return k;
}

/* The record shown on screen after (dir 1) or before (dir -1) seq,
 * STORE_NONE when none. */
static uint64_t
pane_tail_step(const struct pane_tail *t, const struct pane_env *e,
    uint64_t seq, int dir, uint64_t limit)
{
	uint64_t out;
	int older = t->oldest_first ? dir < 0 : dir > 0;

	if (older ? seq == 0 : 0)
		return STORE_NONE;
	if (pane_tail_collect(e, older ? seq - 1 : seq + 1, older ? -1 : 1,
	    1, &out, limit, NULL) == 1)
		return out;
	return STORE_NONE;
}


/* Refresh the tail's rows. */
void
pane_tail_refresh(struct pane_tail *t, const struct pane_env *e)
{
	uint64_t first = store_first(e->s);
	int h = t->height > 0 ? t->height : 1;
	int i, n;

	if (h > PANE_TAIL_MAX)
		h = PANE_TAIL_MAX;
	t->scanned = 0;
	if (!t->follow && t->top < first) {
		/* the first row was evicted: start again at the oldest */
		t->top = first;
		if (!t->oldest_first) {
			uint64_t tmp[PANE_TAIL_MAX];

			n = pane_tail_collect(e, first, 1, h, tmp, tail_limit,
			    &t->scanned);
			if (n == 0) {
				t->follow = 1;
			} else
				t->top = tmp[n - 1];
		}
	}
	if (t->follow) {
		n = pane_tail_newest(t, e, h, t->rows);
		if (t->oldest_first) {
			for (i = 0; i < n / 2; i++) {
				uint64_t x = t->rows[i];

				t->rows[i] = t->rows[n - 1 - i];
				t->rows[n - 1 - i] = x;
			}
			t->cur = n - 1;
		} else
			t->cur = 0;
	} else
		n = pane_tail_collect(e, t->top, t->oldest_first ? 1 : -1, h,
		    t->rows, tail_limit, &t->scanned);
	t->nrows = n;
	if (t->cur >= n)
		t->cur = n - 1;
	if (t->cur < 0)
		t->cur = 0;
}

/* Set the sequence limit of every tail (paused display). */
void
pane_tail_limit(uint64_t limit)
{
	tail_limit = limit;
}

/* Move the cursor by one row (dir 1 down, -1 up). */
static void
pane_tail_move1(struct pane_tail *t, const struct pane_env *e, int dir)
{
	uint64_t s;

	if (t->nrows == 0)
		return;
	if (dir > 0 && t->cur + 1 < t->nrows) {
		t->cur++;
		if (t->follow && !t->oldest_first) {
			t->follow = 0;
			t->top = t->rows[0];
		}
		return;
	}
	if (dir < 0 && t->cur > 0) {
		t->cur--;
		if (t->follow && t->oldest_first) {
			t->follow = 0;
			t->top = t->rows[0];
		}
		return;
	}
	/* scroll: the row beyond the screen edge */
	s = pane_tail_step(t, e, dir > 0 ? t->rows[t->nrows - 1] : t->rows[0],
	    dir, tail_limit);
	if (s == STORE_NONE) {
		if ((dir < 0 && !t->oldest_first) || (dir > 0 && t->oldest_first))
			t->follow = 1;
		return;
	}
	t->follow = 0;
	if (dir > 0) {
		t->top = t->nrows > 1 ? t->rows[1] : s;
		memmove(t->rows, t->rows + 1, (size_t)(t->nrows - 1) *
		    sizeof t->rows[0]);
		t->rows[t->nrows - 1] = s;
	} else {
		t->top = s;
		memmove(t->rows + 1, t->rows, (size_t)(t->nrows - 1) *
		    sizeof t->rows[0]);
		t->rows[0] = s;
	}
}

/* Move the tail cursor by delta rows. */
void
pane_tail_move(struct pane_tail *t, const struct pane_env *e, int delta)
{
	int i, h = t->height > 0 ? t->height : 1;
	uint64_t tmp[PANE_TAIL_MAX];

	if (h > PANE_TAIL_MAX)
		h = PANE_TAIL_MAX;
	if (delta == -INT_MAX || delta == INT_MAX) {
		/* Home (-) and End (+): newest or oldest end of the list */
		int newest = (delta < 0) != (t->oldest_first != 0);

		if (newest) {
			t->follow = 1;
		} else {
			int n = pane_tail_collect(e, store_first(e->s), 1, h,
			    tmp, tail_limit, NULL);

			t->follow = 0;
			if (t->oldest_first)
				t->top = n ? tmp[0] : store_first(e->s);
			else
				t->top = n ? tmp[n - 1] : store_first(e->s);
		}
		pane_tail_refresh(t, e);
		t->cur = delta < 0 ? 0 : t->nrows - 1;
		if (t->cur < 0)
			t->cur = 0;
		return;
	}
	for (i = 0; i < (delta < 0 ? -delta : delta); i++)
		pane_tail_move1(t, e, delta < 0 ? -1 : 1);
	if (t->follow)
		pane_tail_refresh(t, e);
}

/* Move to the next record the search matches. */
int
pane_tail_search(struct pane_tail *t, const struct pane_env *e,
    void *search, int dir)
{
	uint64_t seq, first = store_first(e->s), next = store_next(e->s);
	uint64_t budget = PANE_SCAN_MAX;
	int older = t->oldest_first ? dir < 0 : dir > 0;

	if (t->nrows == 0 || search == NULL)
		return 0;
	if (tail_limit < next)
		next = tail_limit;
	seq = t->rows[t->cur];
	while (budget-- > 0) {
		if (older) {
			if (seq <= first)
				return 0;
			seq--;
		} else {
			if (seq + 1 >= next)
				return 0;
			seq++;
		}
		if (pane_tail_ok(e, search, seq))
			break;
	}
	if (budget == UINT64_MAX)
		return 0;
	t->follow = 0;
	t->top = seq;
	t->cur = 0;
	pane_tail_refresh(t, e);
	return 1;
}

/* Record under the cursor. */
uint64_t
pane_tail_selected(const struct pane_tail *t)
{
	if (t->nrows == 0 || t->cur < 0 || t->cur >= t->nrows)
		return STORE_NONE;
	return t->rows[t->cur];
}

/* Tail columns. */
enum { TC_TIME, TC_ACTION, TC_SRC, TC_DST, TC_PROTO, TC_BYTES, TC_PKTS,
	TC_FLAGS, TC_DIR, TC_ENI, TC_VPC, TC_SUBNET, TC_COUNT };

static const struct {
	const char *head;
	int w;			/* width; 0: take what is left */
	int min_cols;		/* shown from this pane width on */
} tail_cols[TC_COUNT] = {
	{ "TIME UTC", 8, 0 }, { "ACTION", 6, 0 }, { "SOURCE", 21, 0 },
	{ "DESTINATION", 21, 0 }, { "PROTO", 5, 0 }, { "BYTES", 9, 0 },
	{ "PKTS", 7, 90 }, { "FLAGS", 7, 110 }, { "DIR", 7, 130 },
	{ "INTERFACE", 21, 100 }, { "VPC", 21, 150 }, { "SUBNET", 24, 175 },
};

/* Write addr:port of a record side. */
static void
pane_tail_endpoint(const struct flow *f, int af, int pf, char *buf,
    size_t size)
{
	char a[FLOW_VALUE_MAX], p[FLOW_VALUE_MAX];

	flow_value_text(f, af, a, sizeof a);
	if (flow_has(f, pf)) {
		flow_value_text(f, pf, p, sizeof p);
		if (strchr(a, ':'))
			snprintf(buf, size, "[%.200s]:%.20s", a, p);
		else
			snprintf(buf, size, "%.200s:%.20s", a, p);
	} else
		snprintf(buf, size, "%s", a);
}

/* Draw one tail row. */
static void
pane_tail_row(const struct pane_env *e, int y, int x, int xmax,
    const int *widths, uint64_t seq, int selected)
{
	const struct store_rec *r = store_rec_at(e->s, seq);
	int base = theme_attr(selected ? THEME_SELECTED : THEME_NORMAL);
	char raw[FLOW_VALUE_MAX], txt[512];
	struct flow f;
	int c, cx = x;

	pane_fill(y, x, xmax, base);
	if (r == NULL) {
		pane_put(y, x, xmax, theme_attr(THEME_DIM), "(evicted)");
		return;
	}
	store_rec_flow(e->s, r, &f);
	for (c = 0; c < TC_COUNT && cx < xmax; c++) {
		int attr = base, w = widths[c];

		if (w <= 0)
			continue;
		raw[0] = '\0';
		switch (c) {
		case TC_TIME:
			if (flow_has(&f, F_START) || flow_has(&f, F_END)) {
				char full[64];

				decode_time(flow_has(&f, F_START) ?
				    f.v[F_START].u : f.v[F_END].u, 1, full,
				    sizeof full);
				snprintf(raw, sizeof raw, "%.8s",
				    strlen(full) > 11 ? full + 11 : full);
			} else
				strcpy(raw, "-");
			break;
		case TC_ACTION:
			if (flow_has(&f, F_LOG_STATUS) &&
			    f.v[F_LOG_STATUS].u != STATUS_OK) {
				flow_value_text(&f, F_LOG_STATUS, raw,
				    sizeof raw);
				if (!selected)
					attr = theme_attr(THEME_NODATA);
			} else {
				flow_value_text(&f, F_ACTION, raw, sizeof raw);
				if (!selected && flow_has(&f, F_ACTION))
					attr = theme_attr(f.v[F_ACTION].u ==
					    ACTION_REJECT ? THEME_REJECT :
					    THEME_ACCEPT);
			}
			break;
		case TC_SRC:
			pane_tail_endpoint(&f, F_SRCADDR, F_SRCPORT, raw,
			    sizeof raw);
			break;
		case TC_DST:
			pane_tail_endpoint(&f, F_DSTADDR, F_DSTPORT, raw,
			    sizeof raw);
			break;
		case TC_PROTO:
			if (flow_has(&f, F_PROTOCOL) &&
			    decode_protocol((unsigned)f.v[F_PROTOCOL].u))
				snprintf(raw, sizeof raw, "%s", decode_protocol(
				    (unsigned)f.v[F_PROTOCOL].u));
			else
				flow_value_text(&f, F_PROTOCOL, raw, sizeof raw);
			break;
		case TC_BYTES:
			if (flow_has(&f, F_BYTES))
				report_human_bytes(f.v[F_BYTES].u, raw,
				    sizeof raw);
			else
				strcpy(raw, "-");
			break;
		case TC_PKTS:
			if (flow_has(&f, F_PACKETS))
				report_human_count(f.v[F_PACKETS].u, raw,
				    sizeof raw);
			else
				strcpy(raw, "-");
			break;
		case TC_FLAGS:
			if (flow_has(&f, F_TCP_FLAGS))
				decode_tcp_flags((unsigned)f.v[F_TCP_FLAGS].u,
				    raw, sizeof raw);
			else
				strcpy(raw, "-");
			break;
		case TC_DIR:
			flow_value_text(&f, F_FLOW_DIRECTION, raw, sizeof raw);
			break;
		case TC_ENI:
			flow_value_text(&f, F_INTERFACE_ID, raw, sizeof raw);
			break;
		case TC_VPC:
			flow_value_text(&f, F_VPC_ID, raw, sizeof raw);
			break;
		case TC_SUBNET:
			flow_value_text(&f, F_SUBNET_ID, raw, sizeof raw);
			break;
		}
		pane_clean(raw, strlen(raw), txt, sizeof txt, w, e->utf8);
		if (c == TC_BYTES || c == TC_PKTS) {
			int pad = w - (int)strlen(txt);

			pane_put(y, cx + (pad > 0 ? pad : 0), xmax, attr, txt);
		} else
			pane_put(y, cx, xmax, attr, txt);
		cx += w + 1;
	}
}

/* Draw the tail. */
void
pane_tail_draw(struct pane_tail *t, const struct pane_env *e,
    const struct pane_rect *r, int focus)
{
	int widths[TC_COUNT], c, used = 0, i, y, x;
	char extra[96];

	snprintf(extra, sizeof extra, "%s%s",
	    t->oldest_first ? "oldest first" : "newest first",
	    t->follow ? ", following" : "");
	pane_title(r, "Tail", extra, focus);
	if (r->h < 2)
		return;
	/* columns that fit, in order of importance */
	for (c = 0; c < TC_COUNT; c++) {
		widths[c] = 0;
		if (r->w >= tail_cols[c].min_cols &&
		    used + tail_cols[c].w + 1 <= r->w + 1) {
			widths[c] = tail_cols[c].w;
			used += tail_cols[c].w + 1;
		}
	}
	if (!widths[TC_DST]) {
		/* narrow: time, action, both addresses sharing what is
		 * left, bytes when there is room */
		memset(widths, 0, sizeof widths);
		widths[TC_TIME] = 8;
		widths[TC_ACTION] = 6;
		used = 16;
		if (r->w - used - 10 >= 24) {
			widths[TC_BYTES] = 9;
			used += 10;
		}
		widths[TC_SRC] = (r->w - used) / 2 - 1;
		widths[TC_DST] = r->w - used - widths[TC_SRC] - 2;
		used = r->w + 1;
	}
	/* give what is left to the addresses (IPv6 needs it) */
	if (r->w + 1 - used > 0 && widths[TC_SRC] && widths[TC_DST]) {
		int more = (r->w + 1 - used) / 2;

		if (more > 20)
			more = 20;
		widths[TC_SRC] += more;
		widths[TC_DST] += more;
	}
	y = r->y + 1;
	pane_fill(y, r->x, r->x + r->w, theme_attr(THEME_HEADER));
	for (c = 0, x = r->x; c < TC_COUNT; c++) {
		if (!widths[c])
			continue;
		pane_put(y, x, r->x + r->w, theme_attr(THEME_HEADER),
		    tail_cols[c].head);
		x += widths[c] + 1;
	}
	t->height = r->h - 2;
	if (t->height > PANE_TAIL_MAX)
		t->height = PANE_TAIL_MAX;
	for (i = 0; i < t->height; i++) {
		y = r->y + 2 + i;
		if (i < t->nrows)
			pane_tail_row(e, y, r->x, r->x + r->w, widths,
			    t->rows[i], focus && i == t->cur);
		else
			pane_fill(y, r->x, r->x + r->w,
			    theme_attr(THEME_NORMAL));
	}
	if (t->nrows == 0 && t->height > 0)
		pane_put(r->y + 2, r->x + 1, r->x + r->w,
		    theme_attr(THEME_DIM), e->match_ctx ?
		    "no record matches the filter" : "no records yet");
}

/* ---- top talkers ---- */

static const struct {
	int f1, f2;
	const char *label;
} top_keys[] = {
	{ F_SRCADDR, -1, "srcaddr" }, { F_DSTADDR, -1, "dstaddr" },
	{ F_SRCADDR, F_DSTADDR, "srcaddr+dstaddr" },
	{ F_DSTPORT, -1, "dstport" }, { F_INTERFACE_ID, -1, "interface-id" },
	{ F_VPC_ID, -1, "vpc-id" }, { F_SUBNET_ID, -1, "subnet-id" },
	{ F_ACTION, -1, "action" }, { F_PROTOCOL, -1, "protocol" },
	{ F_PKT_SRCADDR, -1, "pkt-srcaddr" },
	{ F_PKT_DSTADDR, -1, "pkt-dstaddr" }, { F_SRCPORT, -1, "srcport" },
	{ F_ACCOUNT_ID, -1, "account-id" }, { F_INSTANCE_ID, -1, "instance-id" },
	{ F_FLOW_DIRECTION, -1, "flow-direction" },
	{ F_TRAFFIC_PATH, -1, "traffic-path" },
	{ F_PKT_SRC_AWS_SERVICE, -1, "pkt-src-aws-service" },
	{ F_PKT_DST_AWS_SERVICE, -1, "pkt-dst-aws-service" },
	{ F_AZ_ID, -1, "az-id" },
};

/* Number of group keys. */
int
pane_top_nkeys(void)
{
	return (int)(sizeof top_keys / sizeof top_keys[0]);
}

/* A key's fields. */
void
pane_top_key(int key, int *f1, int *f2)
{
	*f1 = top_keys[key].f1;
	*f2 = top_keys[key].f2;
}

/* A key's label. */
const char *
pane_top_key_label(int key)
{
	return top_keys[key].label;
}

/* Find a key by fields; -1 when it is not in the list. */
int
pane_top_key_find(int f1, int f2)
{
	int i;

	for (i = 0; i < pane_top_nkeys(); i++)
		if (top_keys[i].f1 == f1 && top_keys[i].f2 == f2)
			return i;
	return -1;
}

/* Release the pins of frozen rows. */
static void
pane_top_unpin(struct pane_top *p, struct store *s)
{
	size_t i;

	if (!p->frozen)
		return;
	for (i = 0; i < p->nrows; i++) {
		store_val_unref(s, top_keys[p->key].f1, &p->rows[i].val[0]);
		if (top_keys[p->key].f2 >= 0)
			store_val_unref(s, top_keys[p->key].f2,
			    &p->rows[i].val[1]);
	}
}

/* Forget the view (and the frozen order). */
void
pane_top_reset(struct pane_top *p, struct store *s)
{
	pane_top_unpin(p, s);
	p->frozen = 0;
	view_free(p->v);
	p->v = NULL;
}

/* Toggle frozen order: pin the keys shown so their ids stay theirs. */
void
pane_top_freeze(struct pane_top *p, struct store *s)
{
	size_t i;

	if (p->frozen) {
		pane_top_unpin(p, s);
		p->frozen = 0;
		return;
	}
	for (i = 0; i < p->nrows; i++) {
		store_val_ref(s, top_keys[p->key].f1, &p->rows[i].val[0]);
		if (top_keys[p->key].f2 >= 0)
			store_val_ref(s, top_keys[p->key].f2,
			    &p->rows[i].val[1]);
	}
	p->frozen = 1;
}

/* Refresh the top talkers. */
void
pane_top_refresh(struct pane_top *p, const struct pane_env *e)
{
	static struct store_row tmp[PANE_TOP_MAX];
	int f1 = top_keys[p->key].f1, f2 = top_keys[p->key].f2;
	uint32_t t0, t1;
	size_t i, n;

	if (p->v == NULL) {
		struct view_opts vo;

		memset(&vo, 0, sizeof vo);
		if (e->match_ctx) {
			vo.match = filter_match_rec;
			vo.match_ctx = e->match_ctx;
		}
		p->v = view_group_new(e->s, f1, f2, &vo);
		if (p->v == NULL) {
			p->nrows = 0;
			return;
		}
	}
	p->span = store_span(e->s, &t0, &t1) ? (double)(t1 - t0) + 1 : 0;
	if (p->frozen) {
		uint64_t tm;

		view_totals(p->v, &p->total);
		tm = pane_metric(&p->total, e->by);
		for (i = 0; i < p->nrows; i++) {
			struct pane_top_row *row = &p->rows[i];

			if (view_group_get(p->v, row->val, &row->t) < 0)
				memset(&row->t, 0, sizeof row->t);
			row->share = tm ? (double)pane_metric(&row->t, e->by) /
			    (double)tm : 0;
		}
		return;
	}
	n = view_top(p->v, e->by, PANE_TOP_MAX, tmp, &p->ngroups, &p->total);
	for (i = 0; i < n; i++) {
		struct pane_top_row *row = &p->rows[i];

		row->val[0] = tmp[i].key[0];
		row->val[1] = tmp[i].key[1];
		row->t = tmp[i].t;
		row->share = tmp[i].share;
		store_val_text(e->s, f1, &tmp[i].key[0], row->key[0],
		    sizeof row->key[0]);
		if (f2 >= 0)
			store_val_text(e->s, f2, &tmp[i].key[1], row->key[1],
			    sizeof row->key[1]);
		else
			row->key[1][0] = '\0';
	}
	p->nrows = n;
	if (p->cur >= (int)n)
		p->cur = n ? (int)n - 1 : 0;
}

/* Draw the top talkers. */
void
pane_top_draw(struct pane_top *p, const struct pane_env *e,
    const struct pane_rect *r, int focus)
{
	char extra[160], a[32], rate[40], txt[256], k1[PANE_TEXT * 2];
	int i, y, keyw, barw, numw = 9, ratew = 11, pctw = 6, x, f2;
	uint64_t tm = pane_metric(&p->total, e->by);

	snprintf(extra, sizeof extra, "by %s, rank %s, %zu groups%s",
	    top_keys[p->key].label, pane_rank_name(e->by), p->ngroups,
	    p->frozen ? ", FROZEN" : "");
	pane_title(r, "Top talkers", extra, focus);
	if (r->h < 2)
		return;
	f2 = top_keys[p->key].f2;
	/* the key (an IPv4 address fits 16 columns), figures, the rate
	 * when it fits beside a bar of at least 4, the bar takes the rest */
	keyw = f2 >= 0 ? 33 : 22;
	if (r->w < 70)
		keyw = f2 >= 0 ? 26 : 16;
	if (keyw + numw + pctw + ratew + 6 > r->w)
		ratew = 0;
	barw = r->w - keyw - numw - pctw - ratew - 2;
	if (barw < 4) {
		keyw += barw - 4;
		barw = 4;
	}
	if (keyw < 10) {
		keyw = 10;
		barw = 0;
	}
	y = r->y + 1;
	pane_fill(y, r->x, r->x + r->w, theme_attr(THEME_HEADER));
	x = pane_put(y, r->x, r->x + r->w, theme_attr(THEME_HEADER),
	    top_keys[p->key].label);
	snprintf(txt, sizeof txt, "%*s %*s", numw, pane_rank_name(e->by),
	    pctw - 1, "%");
	pane_put(y, r->x + keyw, r->x + r->w, theme_attr(THEME_HEADER), txt);
	if (ratew)
		pane_put(y, r->x + keyw + numw + pctw + barw + 1, r->x + r->w,
		    theme_attr(THEME_HEADER), "      RATE");
	(void)x;
	p->height = r->h - 2;
	if (p->cur >= (int)p->nrows)
		p->cur = p->nrows ? (int)p->nrows - 1 : 0;
	pane_list_move(&p->cur, &p->scroll, (int)p->nrows, p->height, 0);
	for (i = 0; i < p->height; i++) {
		int idx = p->scroll + i, sel;
		struct pane_top_row *row;
		int base;

		y = r->y + 2 + i;
		pane_fill(y, r->x, r->x + r->w, theme_attr(THEME_NORMAL));
		if (idx >= (int)p->nrows)
			continue;
		row = &p->rows[idx];
		sel = focus && idx == p->cur;
		base = theme_attr(sel ? THEME_SELECTED : THEME_NORMAL);
		if (sel)
			pane_fill(y, r->x, r->x + r->w, base);
		/* each value sanitised on its own; the arrow is ours */
		pane_clean(row->key[0], strlen(row->key[0]), txt, sizeof txt,
		    keyw - 1, e->utf8);
		x = pane_put(y, r->x, r->x + keyw - 1, base, txt);
		if (f2 >= 0) {
			int roomy = keyw >= 33;

			x = pane_put(y, x, r->x + keyw - 1, base, e->utf8 ?
			    (roomy ? " \u2192 " : "\u2192") : (roomy ? " > " :
			    ">"));
			pane_clean(row->key[1], strlen(row->key[1]), k1,
			    sizeof k1, r->x + keyw - 1 - x, e->utf8);
			pane_put(y, x, r->x + keyw - 1, base, k1);
		}
		pane_metric_text(pane_metric(&row->t, e->by), e->by, a,
		    sizeof a);
		snprintf(txt, sizeof txt, "%*s %*.1f", numw, a, pctw - 1,
		    row->share * 100);
		pane_put(y, r->x + keyw, r->x + r->w, base, txt);
		if (barw > 0 && tm) {
			double frac = (double)pane_metric(&row->t, e->by) /
			    (double)pane_metric(&p->rows[0].t, e->by);
			double rej = row->t.flows ? (double)row->t.rejects /
			    (double)row->t.flows : 0;
			int bx = r->x + keyw + numw + pctw + 1;

			if (pane_metric(&p->rows[0].t, e->by) == 0)
				frac = 0;
			pane_bar(e, y, bx, barw - 1, frac * (1 - rej),
			    theme_attr(THEME_BAR));
			if (rej > 0) {
				int ok = (int)(frac * (1 - rej) * (barw - 1));

				pane_bar(e, y, bx + ok, barw - 1 - ok,
				    frac * rej * (barw - 1) /
				    (barw - 1 - ok > 0 ? barw - 1 - ok : 1),
				    theme_attr(THEME_BAR_REJECT));
			}
		}
		if (ratew && p->span > 0) {
			report_human_bytes((uint64_t)((double)row->t.bytes /
			    p->span), a, sizeof a);
			snprintf(rate, sizeof rate, "%8s/s", a);
			pane_put(y, r->x + keyw + numw + pctw + barw + 1,
			    r->x + r->w, base, rate);
		}
	}
	if (p->nrows == 0 && p->height > 0)
		pane_put(r->y + 2, r->x + 1, r->x + r->w,
		    theme_attr(THEME_DIM), "no flows");
}

/* ---- drill-down tree ---- */

/* Forget the view. */
void
pane_tree_reset(struct pane_tree *p, struct store *s)
{
	(void)s;
	view_free(p->v);
	p->v = NULL;
}

/* Release the path's pins and the view. */
void
pane_tree_free(struct pane_tree *p, struct store *s)
{
	while (p->depth > 0) {
		p->depth--;
		store_val_unref(s, view_level_field(p->path[p->depth].level),
		    &p->path[p->depth].key);
	}
	pane_tree_reset(p, s);
}

/* Refresh the tree's children. */
void
pane_tree_refresh(struct pane_tree *p, const struct pane_env *e)
{
	static struct view_node kids[PANE_TREE_MAX];
	size_t i, n;

	if (p->v == NULL) {
		struct view_opts vo;

		memset(&vo, 0, sizeof vo);
		if (e->match_ctx) {
			vo.match = filter_match_rec;
			vo.match_ctx = e->match_ctx;
		}
		p->v = view_tree_new(e->s, &vo);
		if (p->v == NULL) {
			p->nrows = 0;
			return;
		}
	}
	n = view_tree_children(p->v, p->path, p->depth, e->by, kids,
	    PANE_TREE_MAX, &p->nchildren);
	for (i = 0; i < n; i++) {
		p->rows[i].node = kids[i];
		store_val_text(e->s, view_level_field(kids[i].level),
		    &kids[i].key, p->rows[i].key, sizeof p->rows[i].key);
	}
	p->nrows = n;
	if (p->cur >= (int)n)
		p->cur = n ? (int)n - 1 : 0;
}

/* A short name of a tree level, for narrow panes. */
static const char *
pane_level_short(int level)
{
	static const char *const names[VIEW_LV_COUNT] = { "acct", "vpc",
	    "subnet", "eni", "peer", "port" };

	return level >= 0 && level < VIEW_LV_COUNT ? names[level] : "?";
}

/* Drill into the selected node. */
int
pane_tree_enter(struct pane_tree *p, const struct pane_env *e)
{
	struct pane_tree_row *row;

	if (p->nrows == 0 || p->depth >= VIEW_LV_COUNT ||
	    p->rows[p->cur].node.level >= VIEW_LV_PORT)
		return 0;
	row = &p->rows[p->cur];
	store_val_ref(e->s, view_level_field(row->node.level), &row->node.key);
	p->path[p->depth] = row->node;
	memcpy(p->path_text[p->depth], row->key, sizeof row->key);
	p->path_cur[p->depth] = p->cur;
	p->depth++;
	p->cur = p->scroll = 0;
	pane_tree_refresh(p, e);
	return 1;
}

/* Drill out one level. */
int
pane_tree_leave(struct pane_tree *p, const struct pane_env *e)
{
	if (p->depth == 0)
		return 0;
	p->depth--;
	store_val_unref(e->s, view_level_field(p->path[p->depth].level),
	    &p->path[p->depth].key);
	p->cur = p->path_cur[p->depth];
	p->scroll = 0;
	pane_tree_refresh(p, e);
	return 1;
}

/* Draw the tree. */
void
pane_tree_draw(struct pane_tree *p, const struct pane_env *e,
    const struct pane_rect *r, int focus)
{
	char extra[64], txt[256], a[32], crumb[1024];
	uint64_t sum = 0, top = 0;
	int i, y, x, keyw, barw, numw = 9;
	size_t k;

	snprintf(extra, sizeof extra, "%zu %s", p->nchildren,
	    p->nchildren == 1 ? "child" : "children");
	pane_title(r, "Drill-down", extra, focus);
	if (r->h < 2)
		return;
	/* breadcrumbs */
	y = r->y + 1;
	pane_fill(y, r->x, r->x + r->w, theme_attr(THEME_BREADCRUMB));
	x = pane_put(y, r->x, r->x + r->w, theme_attr(THEME_BREADCRUMB), "all");
	for (k = 0; k < p->depth; k++) {
		x = pane_put(y, x, r->x + r->w, theme_attr(THEME_BREADCRUMB),
		    e->utf8 ? " \u203a " : " > ");
		pane_clean(p->path_text[k], strlen(p->path_text[k]), crumb,
		    sizeof crumb, r->x + r->w - x, e->utf8);
		x = pane_put(y, x, r->x + r->w, theme_attr(THEME_BREADCRUMB),
		    crumb);
	}
	for (k = 0; k < p->nrows; k++) {
		uint64_t m = pane_metric(&p->rows[k].node.t, e->by);

		sum += m;
		if (m > top)
			top = m;
	}
	keyw = r->w * 55 / 100;
	if (keyw < 18)
		keyw = 18;
	if (keyw > 44)
		keyw = 44;
	barw = r->w - keyw - numw - 1;
	p->height = r->h - 2;
	pane_list_move(&p->cur, &p->scroll, (int)p->nrows, p->height, 0);
	for (i = 0; i < p->height; i++) {
		int idx = p->scroll + i, sel, base;
		struct pane_tree_row *row;
		char line[PANE_TEXT + 40];

		y = r->y + 2 + i;
		pane_fill(y, r->x, r->x + r->w, theme_attr(THEME_NORMAL));
		if (idx >= (int)p->nrows)
			continue;
		row = &p->rows[idx];
		sel = focus && idx == p->cur;
		base = theme_attr(sel ? THEME_SELECTED : THEME_NORMAL);
		if (sel)
			pane_fill(y, r->x, r->x + r->w, base);
		x = pane_put(y, r->x, r->x + keyw, theme_attr(sel ?
		    THEME_SELECTED : THEME_DIM), pane_level_short(
		    row->node.level));
		x = pane_put(y, x, r->x + keyw, base, " ");
		snprintf(line, sizeof line, "%s", row->key);
		if (row->node.level == VIEW_LV_PORT) {
			const char *svc = decode_service((unsigned)
			    row->node.key.v, 6);

			if (svc && row->node.key.has)
				snprintf(line, sizeof line, "%s (%s)",
				    row->key, svc);
		}
		pane_clean(line, strlen(line), txt, sizeof txt,
		    r->x + keyw - x - 1, e->utf8);
		pane_put(y, x, r->x + keyw, base, txt);
		pane_metric_text(pane_metric(&row->node.t, e->by), e->by, a,
		    sizeof a);
		snprintf(txt, sizeof txt, "%*s", numw, a);
		pane_put(y, r->x + keyw, r->x + r->w, base, txt);
		if (barw > 1 && top)
			pane_bar(e, y, r->x + keyw + numw + 1, barw - 1,
			    (double)pane_metric(&row->node.t, e->by) /
			    (double)top, theme_attr(row->node.t.rejects &&
			    row->node.t.rejects * 2 >= row->node.t.flows ?
			    THEME_BAR_REJECT : THEME_BAR));
	}
	(void)sum;
	if (p->nrows == 0 && p->height > 0)
		pane_put(r->y + 2, r->x + 1, r->x + r->w,
		    theme_attr(THEME_DIM), p->depth ? "no children here" :
		    "no records");
}

/* ---- timeline ---- */

/* Forget the view. */
void
pane_timeline_reset(struct pane_timeline *p)
{
	view_free(p->v);
	p->v = NULL;
}

/* A bin width for span seconds over cols bins: 1 s up to 1 day. */
static uint32_t
pane_bin_width(uint64_t span, int cols)
{
	static const uint32_t nice[] = { 1, 2, 5, 10, 15, 30, 60, 120, 300,
	    600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400 };
	size_t i;

	for (i = 0; i < sizeof nice / sizeof nice[0]; i++)
		if ((uint64_t)nice[i] * (uint64_t)cols >= span)
			return nice[i];
	return 86400;
}

/* Refresh the timeline over the ring's span, cols bins shown. */
void
pane_timeline_refresh(struct pane_timeline *p, const struct pane_env *e,
    int cols)
{
	uint32_t t0, t1, nb;
	const struct view_bin *bins;
	uint64_t last, firstbin;
	int i;

	if (cols > PANE_BINS)
		cols = PANE_BINS;
	p->nshown = 0;
	if (cols <= 0 || !store_span(e->s, &t0, &t1))
		return;
	if (p->v && (cols != p->cols || t1 >= p->origin +
	    (uint64_t)p->width * p->nbins || t0 < p->origin ||
	    (uint64_t)(t1 - t0) > (uint64_t)p->width * (uint64_t)cols * 2))
		pane_timeline_reset(p);
	if (p->v == NULL) {
		struct view_opts vo;

		memset(&vo, 0, sizeof vo);
		if (e->match_ctx) {
			vo.match = filter_match_rec;
			vo.match_ctx = e->match_ctx;
		}
		p->cols = cols;
		p->width = pane_bin_width((uint64_t)(t1 - t0) + 1, cols);
		p->origin = (uint64_t)t0 - (uint64_t)t0 % p->width;
		p->nbins = (uint32_t)cols * 2;
		p->v = view_timeline_new(e->s, p->origin, p->width, p->nbins,
		    &vo);
		if (p->v == NULL)
			return;
	}
	bins = view_timeline(p->v, &nb);
	last = ((uint64_t)t1 - p->origin) / p->width;
	if (last >= nb)
		last = nb - 1;
	firstbin = last + 1 >= (uint64_t)cols ? last + 1 - (uint64_t)cols : 0;
	for (i = 0; (uint64_t)i + firstbin <= last; i++)
		p->shown[i] = bins[firstbin + (uint64_t)i];
	p->nshown = i;
	p->first = p->origin + firstbin * p->width;
}

/* Draw the timeline: bytes (and rejects on a second line). */
void
pane_timeline_draw(struct pane_timeline *p, const struct pane_env *e,
    const struct pane_rect *r)
{
	static const char *const blocks[] = { " ", "\u2581", "\u2582",
	    "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588" };
	static const char ascii[] = " .:-=+*#@";
	uint64_t maxb = 0, maxr = 0;
	char label[64], d[32];
	int i, lw, line;

	for (line = 0; line < r->h; line++)
		pane_fill(r->y + line, r->x, r->x + r->w,
		    theme_attr(THEME_NORMAL));
	decode_duration(p->width ? p->width : 1, d, sizeof d);
	snprintf(label, sizeof label, "bytes/%s", d);
	lw = (int)strlen(label) + 1;
	if (lw > 14)
		lw = 14;
	for (i = 0; i < p->nshown; i++) {
		if (p->shown[i].bytes > maxb)
			maxb = p->shown[i].bytes;
		if (p->shown[i].rejects > maxr)
			maxr = p->shown[i].rejects;
	}
	for (line = 0; line < r->h && line < 2; line++) {
		int y = r->y + line, x = r->x + lw;
		uint64_t mx = line == 0 ? maxb : maxr;
		int attr = theme_attr(line == 0 ? THEME_TIMELINE :
		    THEME_BAR_REJECT);

		pane_put(y, r->x, r->x + lw, theme_attr(THEME_DIM),
		    line == 0 ? label : "rejects");
		for (i = 0; i < p->nshown && x < r->x + r->w; i++, x++) {
			uint64_t v = line == 0 ? p->shown[i].bytes :
			    p->shown[i].rejects;
			int lvl = mx ? (int)((v * 8 + mx - 1) / mx) : 0;
			char c[2] = { ascii[lvl], '\0' };

			if (lvl > 8)
				lvl = 8;
			pane_put(y, x, r->x + r->w, attr, e->utf8 ?
			    blocks[lvl] : c);
		}
	}
}

/* ---- record detail ---- */

/* Add a line of the detail (name, value, meaning) to the screen. */
static void
pane_detail_line(const struct pane_env *e, const struct pane_rect *r,
    int line, int scroll, const char *name, const char *value,
    const char *meaning)
{
	char txt[1024];
	int y = r->y + line - scroll, x;

	if (line < scroll || y >= r->y + r->h)
		return;
	pane_fill(y, r->x, r->x + r->w, theme_attr(THEME_NORMAL));
	x = pane_put(y, r->x + 1, r->x + 25, theme_attr(THEME_HEADER), name);
	(void)x;
	pane_clean(value, strlen(value), txt, sizeof txt, r->w - 27, e->utf8);
	x = pane_put(y, r->x + 26, r->x + r->w, theme_attr(
	    strcmp(value, "-") == 0 ? THEME_DIM : THEME_NORMAL), txt);
	if (meaning && *meaning) {
		x = pane_put(y, x, r->x + r->w, theme_attr(THEME_DIM), "  ");
		pane_put(y, x, r->x + r->w, theme_attr(THEME_DIM), meaning);
	}
}

/* Meaning of a field's value for the detail, in mean (may be empty). */
static void
pane_detail_meaning(const struct flow *f, int id, char *mean, size_t size)
{
	uint64_t v = f->v[id].u;
	const char *s;
	char a[64], b[64];
	unsigned proto = flow_has(f, F_PROTOCOL) ?
	    (unsigned)f->v[F_PROTOCOL].u : 6;

	mean[0] = '\0';
	if (!flow_has(f, id))
		return;
	switch (id) {
	case F_PROTOCOL:
		if ((s = decode_protocol((unsigned)v)) != NULL)
			snprintf(mean, size, "%s", s);
		break;
	case F_SRCPORT: case F_DSTPORT:
		if ((s = decode_service((unsigned)v, proto)) != NULL)
			snprintf(mean, size, "%s", s);
		break;
	case F_TCP_FLAGS:
		decode_tcp_flags((unsigned)v, mean, size);
		break;
	case F_TRAFFIC_PATH:
		if ((s = decode_traffic_path((unsigned)v)) != NULL)
			snprintf(mean, size, "%s", s);
		break;
	case F_BYTES:
		report_human_bytes(v, mean, size);
		break;
	case F_PACKETS:
		report_human_count(v, mean, size);
		break;
	case F_START: case F_END:
		decode_time(v, 1, a, sizeof a);
		decode_time(v, 0, b, sizeof b);
		if (strncmp(a, b, strlen(a)) == 0 &&
		    (strcmp(b + strlen(a), " UTC") == 0 ||
		    strcmp(b + strlen(a), " GMT") == 0))
			snprintf(mean, size, "%s UTC", a);
		else
			snprintf(mean, size, "%s UTC, %s", a, b);
		if (id == F_END && flow_has(f, F_START) &&
		    v >= f->v[F_START].u) {
			size_t n = strlen(mean);

			decode_duration(v - f->v[F_START].u, a, sizeof a);
			snprintf(mean + n, size - n, " (%s after start)", a);
		}
		break;
	}
}

/* Draw the record detail of seq. */
int
pane_detail_draw(const struct pane_env *e, uint64_t seq,
    const struct pane_rect *r, int *scroll)
{
	const struct store_rec *rec = store_rec_at(e->s, seq);
	char value[FLOW_VALUE_MAX], mean[256], title[64];
	struct flow f;
	int id, line = 0, i, n;

	snprintf(title, sizeof title, "record #%llu  (Esc closes)",
	    (unsigned long long)seq);
	pane_title(r, "Record detail", title, 1);
	if (rec == NULL) {
		pane_fill(r->y + 1, r->x, r->x + r->w, theme_attr(THEME_NORMAL));
		pane_put(r->y + 1, r->x + 1, r->x + r->w, theme_attr(THEME_DIM),
		    "the record has left the ring");
		return 1;
	}
	store_rec_flow(e->s, rec, &f);
	/* count the lines first, to clamp the scroll */
	n = 0;
	for (id = 0; id < FIELD_COUNT; id++)
		if (f.fmt ? f.fmt->slot[id] >= 0 : flow_has(&f, id))
			n++;
	if (*scroll > n - (r->h - 1))
		*scroll = n - (r->h - 1);
	if (*scroll < 0)
		*scroll = 0;
	{
		struct pane_rect body = { r->y + 1, r->x, r->h - 1, r->w };

		for (i = 0; i < body.h; i++)
			pane_fill(body.y + i, body.x, body.x + body.w,
			    theme_attr(THEME_NORMAL));
		for (id = 0; id < FIELD_COUNT; id++) {
			if (!(f.fmt ? f.fmt->slot[id] >= 0 : flow_has(&f, id)))
				continue;
			flow_value_text(&f, id, value, sizeof value);
			pane_detail_meaning(&f, id, mean, sizeof mean);
			if (strcmp(mean, value) == 0)
				mean[0] = '\0';	/* "15 packets": nothing to add */
			pane_detail_line(e, &body, line++, *scroll,
			    field_name(id), value, mean);
		}
	}
	return n;
}
