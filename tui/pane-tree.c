/*
 * pane-tree.c - the drill-down tree: account, VPC, subnet, interface,
 * peer, port, with breadcrumbs.
 *
 * Design notes.  The path's nodes are pinned in the store while they are
 * on the path, so their ids cannot be reused under the tree's feet.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "field.h"
#include "filter.h"
#include "pane.h"
#include "theme.h"

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
