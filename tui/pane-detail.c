/*
 * pane-detail.c - one record, every field of its format decoded.
 *
 * Design notes.  Values are the record's own text (sanitised); meanings
 * come from decode.h tables (protocol and service names, tcp-flags names,
 * traffic-path meanings, times in UTC and local time, human sizes).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "field.h"
#include "flow.h"
#include "pane.h"
#include "report.h"
#include "theme.h"

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
