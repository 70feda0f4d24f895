/*
 * pane-timeline.c - bytes and rejects over event time as a sparkline.
 *
 * Design notes.  The timeline view has fixed bins; it is made with room
 * for twice the columns shown, and made again when the ring's span
 * outgrows it, the width changes or the filter does.  Block characters on
 * UTF-8 terminals, an ASCII ramp elsewhere.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "filter.h"
#include "pane.h"
#include "theme.h"

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
