/*
 * pane-tail.c - the live tail: the newest records, newest first (or
 * oldest first), the columns that fit, and search.
 *
 * Design notes.  The tail is the one pane without a view: it shows single
 * records, so it looks them up by sequence number (store_rec_at), testing
 * the filter on each, with a bound on how many it looks at per refresh so
 * a very selective filter over a full ring cannot stall the loop.  While
 * it follows the newest records it keeps the last answer and tests only
 * the records that arrived since.  Its cursor row keeps pointing at the
 * same record while new records arrive, unless it is following.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "field.h"
#include "filter.h"
#include "flow.h"
#include "pane.h"
#include "report.h"
#include "theme.h"

/* Most records the tail looks at per refresh or move. */
#define PANE_SCAN_MAX 4000000u

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
