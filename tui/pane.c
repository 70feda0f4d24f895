/*
 * pane.c - what the panes share: drawing text, bars and titles, metrics,
 * list cursors and filter predicates.
 *
 * Design notes.  Panes draw into stdscr inside a rectangle given by the
 * layout (ui.c); the frame is flushed once with wnoutrefresh + doupdate
 * there.  Every attribute comes from theme_attr, every byte from a log
 * goes through sanitize_text (pane_clean) before it reaches curses.  One
 * file per pane: pane-tail.c, pane-top.c, pane-tree.c, pane-timeline.c,
 * pane-detail.c.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "pane.h"
#include "report.h"
#include "sanitize.h"
#include "theme.h"

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
void
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
uint64_t
pane_metric(const struct store_totals *t, int by)
{
	return by == STORE_BY_PACKETS ? t->packets :
	    by == STORE_BY_FLOWS ? t->flows : t->bytes;
}

/* The metric as text: human bytes or counts. */
void
pane_metric_text(uint64_t v, int by, char *buf, size_t size)
{
	if (by == STORE_BY_BYTES)
		report_human_bytes(v, buf, size);
	else
		report_human_count(v, buf, size);
}

/* Name of a rank. */
const char *
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
