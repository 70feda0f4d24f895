/*
 * test_pane.c - the panes' logic without a screen: the tail's rows,
 * cursor, following and search over a real store, filter predicates
 * for +/-, list movement, and top talkers / tree caches.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "filter.h"
#include "format.h"
#include "gen.h"
#include "store.h"
#include "view.h"
#include "../tui/pane.h"

struct fixture {
	struct store *s;
	struct gen *g;
	struct format fmt;
	struct pane_env e;
};

/* Append n generated records. */
static void
feed(struct fixture *fx, int n)
{
	struct flow f;
	int i;

	for (i = 0; i < n; i++) {
		gen_next(fx->g, &f);
		f.fmt = &fx->fmt;
		assert_int_not_equal(store_append(fx->s, &f), STORE_NONE);
	}
}

/* A store of 1000 records (capacity 1500). */
static int
setup(void **state)
{
	static struct fixture fx;

	memset(&fx, 0, sizeof fx);
	fx.s = store_new(1500);
	fx.g = gen_new(7, 1767225600);
	format_version(&fx.fmt, 5);
	fx.e.s = fx.s;
	fx.e.utf8 = 1;
	fx.e.by = STORE_BY_BYTES;
	feed(&fx, 1000);
	pane_tail_limit(STORE_NONE);
	*state = &fx;
	return 0;
}

/* Free the store. */
static int
teardown(void **state)
{
	struct fixture *fx = *state;

	gen_free(fx->g);
	store_free(fx->s);
	return 0;
}

/* A following tail shows the newest records, newest first. */
static void
test_tail_follow(void **state)
{
	struct fixture *fx = *state;
	struct pane_tail t;
	int i;

	memset(&t, 0, sizeof t);
	t.follow = 1;
	t.height = 10;
	pane_tail_refresh(&t, &fx->e);
	assert_int_equal(t.nrows, 10);
	for (i = 0; i < 10; i++)
		assert_int_equal(t.rows[i], store_next(fx->s) - 1 - i);
	feed(fx, 5);
	pane_tail_refresh(&t, &fx->e);
	assert_int_equal(t.rows[0], store_next(fx->s) - 1);
	assert_int_equal(pane_tail_selected(&t), store_next(fx->s) - 1);
}

/* Off the top, the cursor row keeps its record while records arrive;
 * scrolling back up past the newest follows again. */
static void
test_tail_stays_put(void **state)
{
	struct fixture *fx = *state;
	struct pane_tail t;
	uint64_t sel;

	memset(&t, 0, sizeof t);
	t.follow = 1;
	t.height = 10;
	pane_tail_refresh(&t, &fx->e);
	pane_tail_move(&t, &fx->e, 3);
	assert_int_equal(t.cur, 3);
	assert_false(t.follow);
	sel = pane_tail_selected(&t);
	feed(fx, 20);
	pane_tail_refresh(&t, &fx->e);
	assert_int_equal(pane_tail_selected(&t), sel);
	pane_tail_move(&t, &fx->e, 12);		/* scrolls: rows move up */
	assert_int_equal(t.cur, 9);
	assert_int_equal(pane_tail_selected(&t), sel - 12);
	pane_tail_move(&t, &fx->e, -1000);	/* back past the newest */
	assert_true(t.follow);
	assert_int_equal(t.cur, 0);
	assert_int_equal(pane_tail_selected(&t), store_next(fx->s) - 1);
}

/* End goes to the oldest records, Home back to the newest; oldest-first
 * order reverses the rows. */
static void
test_tail_ends_and_order(void **state)
{
	struct fixture *fx = *state;
	struct pane_tail t;

	memset(&t, 0, sizeof t);
	t.follow = 1;
	t.height = 10;
	pane_tail_refresh(&t, &fx->e);
	pane_tail_move(&t, &fx->e, INT_MAX);	/* INT_MAX */
	assert_int_equal(pane_tail_selected(&t), store_first(fx->s));
	pane_tail_move(&t, &fx->e, -(INT_MAX));
	assert_true(t.follow);
	t.oldest_first = 1;
	pane_tail_refresh(&t, &fx->e);
	assert_int_equal(t.rows[9], store_next(fx->s) - 1);
	assert_int_equal(t.rows[0], store_next(fx->s) - 10);
	assert_int_equal(t.cur, 9);
}

/* Check that every tail row matches f and that they are the newest
 * matches (a recount walking the ring). */
static void
check_newest(struct fixture *fx, const struct pane_tail *t,
    struct filter *f)
{
	uint64_t seq = store_next(fx->s);
	int k = 0;

	while (seq-- > store_first(fx->s) && k < t->nrows) {
		const struct store_rec *r = store_rec_at(fx->s, seq);

		if (filter_match_rec(f, fx->s, r))
			assert_int_equal(t->rows[k++], seq);
	}
	assert_int_equal(k, t->nrows);
}

/* With a filter, the following tail keeps the newest matches as records
 * arrive and old ones are evicted (the incremental path). */
static void
test_tail_filtered(void **state)
{
	struct fixture *fx = *state;
	struct filter_error err;
	struct filter *f = filter_parse("dstport = 443 or reject", &err);
	struct pane_tail t;
	int round;

	assert_non_null(f);
	assert_int_equal(filter_bind(f, fx->s), 0);
	fx->e.match_ctx = f;
	memset(&t, 0, sizeof t);
	t.follow = 1;
	t.height = 12;
	for (round = 0; round < 8; round++) {
		pane_tail_refresh(&t, &fx->e);
		assert_int_equal(t.nrows, 12);
		check_newest(fx, &t, f);
		feed(fx, 97 * round + 3);	/* the ring wraps */
	}
	fx->e.match_ctx = NULL;
	filter_free(f);
}

/* Search moves the cursor to the next record that matches. */
static void
test_tail_search(void **state)
{
	struct fixture *fx = *state;
	struct filter_error err;
	struct filter *f = filter_parse("reject", &err);
	struct pane_tail t;
	uint64_t first;
	union flow_val v;

	assert_non_null(f);
	filter_bind(f, fx->s);
	memset(&t, 0, sizeof t);
	t.follow = 1;
	t.height = 10;
	pane_tail_refresh(&t, &fx->e);
	assert_true(pane_tail_search(&t, &fx->e, f, 1));
	first = pane_tail_selected(&t);
	assert_true(store_rec_value(fx->s, store_rec_at(fx->s, first),
	    F_ACTION, &v));
	assert_int_equal(v.u, ACTION_REJECT);
	assert_true(pane_tail_search(&t, &fx->e, f, 1));
	assert_true(pane_tail_selected(&t) < first);
	assert_true(pane_tail_search(&t, &fx->e, f, -1));
	assert_int_equal(pane_tail_selected(&t), first);
	filter_free(f);
}

/* A paused tail shows nothing past its limit. */
static void
test_tail_limit(void **state)
{
	struct fixture *fx = *state;
	struct pane_tail t;
	uint64_t limit = store_next(fx->s);

	memset(&t, 0, sizeof t);
	t.follow = 1;
	t.height = 5;
	pane_tail_limit(limit);
	feed(fx, 10);
	pane_tail_refresh(&t, &fx->e);
	assert_int_equal(t.rows[0], limit - 1);
	pane_tail_limit(STORE_NONE);
	pane_tail_refresh(&t, &fx->e);
	assert_int_equal(t.rows[0], store_next(fx->s) - 1);
}

/* Predicates for + and -: plain, quoted, refused. */
static void
test_predicate(void **state)
{
	char buf[128];

	(void)state;
	assert_int_equal(pane_predicate("srcaddr", "10.0.0.1", 0, buf,
	    sizeof buf), 0);
	assert_string_equal(buf, "srcaddr = 10.0.0.1");
	assert_int_equal(pane_predicate("dstport", "22", 1, buf, sizeof buf),
	    0);
	assert_string_equal(buf, "dstport != 22");
	assert_int_equal(pane_predicate("addr", "2001:db8::1", 0, buf,
	    sizeof buf), 0);
	assert_string_equal(buf, "addr = 2001:db8::1");
	assert_int_equal(pane_predicate("vpc-id", "-", 0, buf, sizeof buf),
	    0);
	assert_string_equal(buf, "vpc-id = -");
	assert_int_equal(pane_predicate("instance-tag", "web server", 0, buf,
	    sizeof buf), 0);
	assert_string_equal(buf, "instance-tag = \"web server\"");
	assert_int_equal(pane_predicate("instance-tag", "a\"b", 0, buf,
	    sizeof buf), -1);
	assert_int_equal(pane_predicate("instance-tag", "a\x1b[2Jb", 0, buf,
	    sizeof buf), -1);
}

/* List cursors stay inside the list and keep the cursor visible. */
static void
test_list_move(void **state)
{
	int cur = 0, scroll = 0;

	(void)state;
	pane_list_move(&cur, &scroll, 50, 10, 15);
	assert_int_equal(cur, 15);
	assert_int_equal(scroll, 6);
	pane_list_move(&cur, &scroll, 50, 10, 1000);
	assert_int_equal(cur, 49);
	assert_int_equal(scroll, 40);
	pane_list_move(&cur, &scroll, 50, 10, -45);
	assert_int_equal(cur, 4);
	assert_int_equal(scroll, 4);
	pane_list_move(&cur, &scroll, 0, 10, 1);
	assert_int_equal(cur, 0);
	assert_int_equal(scroll, 0);
}

/* Top talkers rank like the view; a frozen order keeps its keys. */
static void
test_top(void **state)
{
	struct fixture *fx = *state;
	static struct pane_top p;
	struct store_row rows[3];
	struct view_opts vo;
	struct view *v;
	size_t ng;
	struct store_totals tot;
	char first[PANE_TEXT];

	memset(&p, 0, sizeof p);
	p.key = pane_top_key_find(F_SRCADDR, -1);
	assert_int_equal(p.key, 0);
	pane_top_refresh(&p, &fx->e);
	memset(&vo, 0, sizeof vo);
	v = view_group_new(fx->s, F_SRCADDR, -1, &vo);
	assert_int_equal(view_top(v, STORE_BY_BYTES, 3, rows, &ng, &tot), 3);
	assert_int_equal(p.rows[0].t.bytes, rows[0].t.bytes);
	assert_int_equal(p.ngroups, ng);
	view_free(v);
	snprintf(first, sizeof first, "%s", p.rows[1].key[0]);
	pane_top_freeze(&p, fx->s);
	fx->e.by = STORE_BY_FLOWS;
	feed(fx, 300);
	pane_top_refresh(&p, &fx->e);
	assert_string_equal(p.rows[1].key[0], first);
	fx->e.by = STORE_BY_BYTES;
	pane_top_reset(&p, fx->s);
	assert_false(p.frozen);
	assert_true(pane_top_key_find(F_SRCADDR, F_DSTADDR) > 0);
	assert_int_equal(pane_top_key_find(F_VERSION, -1), -1);
}

/* The tree drills in and out, keeping the path. */
static void
test_tree(void **state)
{
	struct fixture *fx = *state;
	static struct pane_tree p;

	memset(&p, 0, sizeof p);
	p.height = 10;
	pane_tree_refresh(&p, &fx->e);
	assert_true(p.nrows > 0);
	assert_int_equal(p.rows[0].node.level, VIEW_LV_ACCOUNT);
	assert_true(pane_tree_enter(&p, &fx->e));
	assert_int_equal(p.depth, 1);
	assert_true(p.nrows > 0);
	assert_true(pane_tree_enter(&p, &fx->e));
	assert_int_equal(p.depth, 2);
	assert_true(pane_tree_leave(&p, &fx->e));
	assert_true(pane_tree_leave(&p, &fx->e));
	assert_false(pane_tree_leave(&p, &fx->e));
	pane_tree_free(&p, fx->s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tail_follow, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tail_stays_put, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tail_ends_and_order,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_tail_filtered, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tail_search, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tail_limit, setup,
		    teardown),
		cmocka_unit_test(test_predicate),
		cmocka_unit_test(test_list_move),
		cmocka_unit_test_setup_teardown(test_top, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tree, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
