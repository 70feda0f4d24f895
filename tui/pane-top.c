/*
 * pane-top.c - top talkers: a group view over one key or a pair, ranked
 * by bytes, packets or flows, with shares, bars and rates.
 *
 * Design notes.  The cache holds each row's key as text (for display and
 * for +/-) and as store values (for a frozen order, which pins them so
 * their ids stay theirs while the order is frozen).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "field.h"
#include "filter.h"
#include "flow.h"
#include "pane.h"
#include "report.h"
#include "theme.h"

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
