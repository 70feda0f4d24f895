/*
 * ui.c - the terminal interface: screen, loop, layout, status, prompts.
 *
 * Design notes.
 *
 * Terminal (STYLE.md §2).  Signal handlers are installed first (a
 * self-pipe: the handler writes the signal number, the loop acts on it),
 * so ncurses leaves SIGWINCH and SIGTSTP to us; then libtermkey is created
 * (before curses, NOTERMIOS, key_mouse hooked away, see input.c); then
 * newterm on the terminal: stdin/stdout when both are terminals, else
 * /dev/tty, so records can come on stdin.  curses owns the tty modes
 * (cbreak, noecho, nonl); getch is never called.
 *
 * Loop.  One poll over the self-pipe, the terminal and the live inputs'
 * descriptors.  Keys are drained after every wake-up; a partial escape
 * sequence becomes a lone Escape after termkey's wait time.  Inputs are
 * pumped with a budget of a few milliseconds, then the keyboard is looked
 * at again, so a large file never makes keys wait.
 *
 * Drawing.  Panes keep caches (pane.h) refreshed from the store's views
 * just before a frame is drawn.  A frame is drawn when a key changed
 * something (at once) or when records arrived (at most five times a
 * second), into stdscr, flushed with wnoutrefresh and one doupdate, so
 * curses sends only what changed.  The screen is cleared only after a
 * resize.  Pausing stops refreshing the caches (and bounds the tail at
 * the records seen when the pause began) while reading goes on.
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "decode.h"
#include "field.h"
#include "filter.h"
#include "ingest.h"
#include "input.h"
#include "live.h"
#include "pane.h"
#include "prompt.h"
#include "report.h"
#include "sanitize.h"
#include "store.h"
#include "theme.h"
#include "ui.h"
#include "view.h"

/* Panes in focus order. */
enum { UI_TOP, UI_TREE, UI_TAIL, UI_NPANES };

/* Overlays. */
enum { UI_OV_NONE, UI_OV_HELP, UI_OV_DETAIL, UI_OV_REJECTS };

/* Prompts. */
enum { UI_PR_NONE, UI_PR_FILTER, UI_PR_SEARCH };

/* Milliseconds between frames drawn for new records. */
#define UI_FRAME_MS 200
/* Milliseconds of input reading between looks at the keyboard. */
#define UI_PUMP_MS 4.0
/* Smallest usable terminal. */
#define UI_MIN_COLS 40
#define UI_MIN_ROWS 10

struct ui {
	struct ui_opts o;
	struct store *s;
	struct live *lv;
	struct input *in;
	SCREEN *scr;
	FILE *out;		/* the terminal's output stream */
	FILE *ttyf;		/* /dev/tty when opened, else NULL */
	int active;		/* curses is on the terminal */

	struct theme theme;
	struct pane_env env;
	struct filter *filter;
	char filter_text[PROMPT_MAX];
	struct filter *search;
	char search_text[PROMPT_MAX];
	uint32_t rel_now;	/* "now" of a relative filter, 0: not set */
	int idle;		/* the last pump delivered nothing */
	double rel_at;		/* when it was set (ms) */

	struct pane_tail tail;
	struct pane_top top;
	struct pane_tree tree;
	struct pane_timeline tl;
	int focus, single, too_small;
	struct pane_rect r_top, r_tree, r_tail, r_tl;
	int status_h, sep_x;

	int overlay, ov_scroll;
	uint64_t detail_seq;

	int prompt_mode;
	struct prompt prompt;
	struct prompt_history hist_filter, hist_search;
	char pmsg[256];
	int perr_col;		/* -1: no error */

	int paused;
	uint64_t pause_next;
	int mouse;
	char msg[256];
	int msg_error;
	double msg_until;

	int dirty_keys, dirty_data;
	double last_draw;
	int quit, status;
};

static int ui_sigpipe[2] = { -1, -1 };
static struct ui *ui_current;	/* for the atexit restore */

/* Milliseconds of a monotonic clock. */
static double
ui_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Signal handler: hand the signal number to the loop. */
static void
ui_on_signal(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;

	if (write(ui_sigpipe[1], &c, 1) < 0) {
		/* the pipe is full: the loop has signals to read anyway */
	}
	errno = saved;
}

/* Install (or with dfl, remove) the handlers of the signals we catch. */
static void
ui_signals(int dfl)
{
	static const int sigs[] = { SIGWINCH, SIGTSTP, SIGCONT, SIGINT,
	    SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = dfl ? SIG_DFL : ui_on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Turn mouse reporting on or off on the terminal. */
static void
ui_mouse_mode(struct ui *u, int on)
{
	if (u->out == NULL)
		return;
	fputs(on ? "\033[?1000h\033[?1006h" : "\033[?1006l\033[?1000l",
	    u->out);
	fflush(u->out);
}

/* Give the terminal back as it was (safe to call twice). */
static void
ui_restore(struct ui *u)
{
	if (u == NULL || !u->active)
		return;
	if (u->mouse)
		ui_mouse_mode(u, 0);
	input_stop(u->in);
	curs_set(1);
	endwin();
	u->active = 0;
}

/* atexit hook: never leave the terminal in curses mode. */
static void
ui_atexit(void)
{
	ui_restore(ui_current);
}

/* Restore the terminal, print a message and exit. */
static void __attribute__((noreturn))
ui_fatal(struct ui *u, const char *what)
{
	ui_restore(u);
	fprintf(stderr, "vpctop: %s\n", what);
	exit(EXIT_FAILURE);
}

/* Show a message in the footer for a few seconds. */
static void
ui_say(struct ui *u, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
ui_say(struct ui *u, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->msg, sizeof u->msg, fmt, ap);
	va_end(ap);
	u->msg_error = error;
	u->msg_until = ui_now_ms() + 5000;
	u->dirty_keys = 1;
}

/* Record callback of the live inputs: into the store. */
static void
ui_record(void *ctx, const struct flow *f)
{
	struct ui *u = ctx;

	store_append(u->s, f);
	u->dirty_data = 1;
}

/* Message callback of the live inputs (sanitised on display). */
static void
ui_message(void *ctx, const char *msg)
{
	struct ui *u = ctx;
	char clean[256];

	if (!u->active) {
		fprintf(stderr, "vpctop: %s\n", msg);
		return;
	}
	sanitize_text(msg, strlen(msg), clean, sizeof clean, 200);
	ui_say(u, 1, "%s", clean);
}

/* ---- filter ---- */

/* Forget every view built with the old filter. */
static void
ui_reset_views(struct ui *u)
{
	pane_top_reset(&u->top, u->s);
	pane_tree_reset(&u->tree, u->s);
	pane_timeline_reset(&u->tl);
	u->tail.inc_valid = 0;
}

/* Make f (bound, or NULL) the filter in force. */
static void
ui_set_filter(struct ui *u, struct filter *f)
{
	ui_reset_views(u);
	u->tail.follow = 1;
	u->tail.cur = 0;
	if (u->filter)
		filter_free(u->filter);
	u->filter = f;
	u->env.match_ctx = f;
	u->rel_now = 0;
	if (f)
		filter_to_string(f, u->filter_text, sizeof u->filter_text);
	else
		u->filter_text[0] = '\0';
	u->dirty_keys = 1;
}

/* Parse and bind text; NULL with err filled when bad. */
static struct filter *
ui_parse_filter(struct ui *u, const char *text, struct filter_error *err)
{
	struct filter *f = filter_parse(text, err);

	if (f && filter_bind(f, u->s) < 0) {
		filter_free(f);
		snprintf(err->msg, sizeof err->msg, "out of memory");
		err->col = 0;
		return NULL;
	}
	return f;
}

/* Tell whether the blank-only text is empty. */
static int
ui_blank(const char *s)
{
	return s[strspn(s, " \t")] == '\0';
}

/* Check the prompt's text: match count or error with column. */
static void
ui_prompt_check(struct ui *u)
{
	struct filter_error err;
	struct filter *f;

	u->perr_col = -1;
	if (ui_blank(u->prompt.buf)) {
		snprintf(u->pmsg, sizeof u->pmsg, u->prompt_mode ==
		    UI_PR_FILTER ? "empty: Enter clears the filter" :
		    "empty: Enter clears the search");
		return;
	}
	memset(&err, 0, sizeof err);
	f = ui_parse_filter(u, u->prompt.buf, &err);
	if (f == NULL) {
		char clean[200];

		sanitize_text(err.msg, strlen(err.msg), clean, sizeof clean, 0);
		snprintf(u->pmsg, sizeof u->pmsg, "%s", clean);
		u->perr_col = err.col;
		return;
	}
	snprintf(u->pmsg, sizeof u->pmsg, "%llu matching records",
	    (unsigned long long)filter_count(f, u->s));
	filter_free(f);
}

/* Apply the prompt's text; 0 when done, -1 when it is bad (kept open). */
static int
ui_prompt_apply(struct ui *u)
{
	struct filter_error err;
	struct filter *f = NULL;

	memset(&err, 0, sizeof err);
	if (!ui_blank(u->prompt.buf)) {
		f = ui_parse_filter(u, u->prompt.buf, &err);
		if (f == NULL) {
			ui_prompt_check(u);
			return -1;
		}
	}
	if (u->prompt_mode == UI_PR_FILTER) {
		prompt_history_add(&u->hist_filter, u->prompt.buf);
		ui_set_filter(u, f);
		return 0;
	}
	prompt_history_add(&u->hist_search, u->prompt.buf);
	if (u->search)
		filter_free(u->search);
	u->search = f;
	u->search_text[0] = '\0';
	if (f) {
		filter_to_string(f, u->search_text, sizeof u->search_text);
		if (!pane_tail_search(&u->tail, &u->env, f, 1))
			ui_say(u, 1, "search: no match below the cursor");
	}
	return 0;
}

/* Open a prompt. */
static void
ui_prompt_open(struct ui *u, int mode)
{
	u->prompt_mode = mode;
	prompt_start(&u->prompt, mode == UI_PR_FILTER ? u->filter_text :
	    u->search_text, mode == UI_PR_FILTER ? &u->hist_filter :
	    &u->hist_search);
	ui_prompt_check(u);
}

/* Add "and PRED" (or "and not (...)") for the selected value. */
static void
ui_include(struct ui *u, int exclude)
{
	char v1[PANE_TEXT], v2[PANE_TEXT], pred[3 * PANE_TEXT];
	char p1[PANE_TEXT + 40], p2[PANE_TEXT + 40];
	const char *n1 = NULL, *n2 = NULL;
	static char text[PROMPT_MAX * 2];
	struct filter_error err;
	struct filter *f;
	int f1, f2;

	v1[0] = v2[0] = '\0';
	pane_top_key(u->top.key, &f1, &f2);
	if (u->focus == UI_TOP) {
		struct pane_top_row *row;

		if (u->top.nrows == 0)
			return;
		row = &u->top.rows[u->top.cur];
		snprintf(v1, sizeof v1, "%s", row->key[0]);
		snprintf(v2, sizeof v2, "%s", row->key[1]);
		n1 = field_name(f1);
		n2 = f2 >= 0 ? field_name(f2) : NULL;
	} else if (u->focus == UI_TREE) {
		struct pane_tree_row *row;

		if (u->tree.nrows == 0)
			return;
		row = &u->tree.rows[u->tree.cur];
		snprintf(v1, sizeof v1, "%s", row->key);
		n1 = row->node.level == VIEW_LV_PEER ? "addr" :
		    row->node.level == VIEW_LV_PORT ? "port" :
		    field_name(view_level_field(row->node.level));
	} else {
		uint64_t seq = pane_tail_selected(&u->tail);
		const struct store_rec *r = seq == STORE_NONE ? NULL :
		    store_rec_at(u->s, seq);
		struct store_val val;

		if (r == NULL)
			return;
		store_rec_val(u->s, r, f1, &val);
		store_val_text(u->s, f1, &val, v1, sizeof v1);
		n1 = field_name(f1);
		if (f2 >= 0) {
			store_rec_val(u->s, r, f2, &val);
			store_val_text(u->s, f2, &val, v2, sizeof v2);
			n2 = field_name(f2);
		}
	}
	if (strlen(v1) >= sizeof v1 - 1 ||
	    pane_predicate(n1, v1, 0, p1, sizeof p1) < 0 ||
	    (n2 && pane_predicate(n2, v2, 0, p2, sizeof p2) < 0)) {
		ui_say(u, 1, "this value cannot be written as a filter");
		return;
	}
	if (n2)
		snprintf(pred, sizeof pred, exclude ? "not (%s and %s)" :
		    "%s and %s", p1, p2);
	else if (exclude)
		pane_predicate(n1, v1, 1, pred, sizeof pred);
	else
		snprintf(pred, sizeof pred, "%s", p1);
	if (u->filter_text[0] == '\0')
		snprintf(text, sizeof text, "%s", pred);
	else if (strstr(u->filter_text, " or "))
		snprintf(text, sizeof text, "(%s) and %s", u->filter_text,
		    pred);
	else
		snprintf(text, sizeof text, "%s and %s", u->filter_text,
		    pred);
	memset(&err, 0, sizeof err);
	f = ui_parse_filter(u, text, &err);
	if (f == NULL) {
		ui_say(u, 1, "filter: %s", err.msg);
		return;
	}
	prompt_history_add(&u->hist_filter, text);
	ui_set_filter(u, f);
}

/* ---- layout ---- */

/* Tell the panes how many rows they show, before their first refresh. */
static void
ui_heights(struct ui *u)
{
	u->tail.height = u->r_tail.h > 2 ? u->r_tail.h - 2 : 1;
	if (u->tail.height > PANE_TAIL_MAX)
		u->tail.height = PANE_TAIL_MAX;
	u->top.height = u->r_top.h > 2 ? u->r_top.h - 2 : 1;
	u->tree.height = u->r_tree.h > 2 ? u->r_tree.h - 2 : 1;
}

/* Place the panes for the current terminal size. */
static void
ui_layout(struct ui *u)
{
	int rows = LINES, cols = COLS, tl_h, avail, upper;

	u->too_small = cols < UI_MIN_COLS || rows < UI_MIN_ROWS;
	if (u->too_small)
		return;
	u->status_h = rows >= 24 ? 2 : 1;
	tl_h = rows >= 20 ? 2 : rows >= 16 ? 1 : 0;
	avail = rows - u->status_h - 1 - tl_h;
	u->r_tl = (struct pane_rect){ rows - 1 - tl_h, 0, tl_h, cols };
	u->single = rows < 16 || (cols < 70 && rows < 24);
	u->sep_x = -1;
	if (u->single) {
		struct pane_rect r = { u->status_h, 0, avail, cols };

		u->r_top = u->r_tree = u->r_tail = r;
		ui_heights(u);
		return;
	}
	upper = avail * 45 / 100;
	if (upper < 5)
		upper = 5;
	if (cols >= 70) {
		int wl = cols * (cols >= 100 ? 55 : 60) / 100;

		u->r_top = (struct pane_rect){ u->status_h, 0, upper, wl };
		u->sep_x = wl;
		u->r_tree = (struct pane_rect){ u->status_h, wl + 1, upper,
		    cols - wl - 1 };
	} else {
		u->r_top = (struct pane_rect){ u->status_h, 0, upper / 2,
		    cols };
		u->r_tree = (struct pane_rect){ u->status_h + upper / 2, 0,
		    upper - upper / 2, cols };
	}
	u->r_tail = (struct pane_rect){ u->status_h + upper, 0, avail - upper,
	    cols };
	ui_heights(u);
}

/* Read the terminal size and resize curses to it. */
static void
ui_resize(struct ui *u)
{
	struct winsize ws;
	int fd = u->ttyf ? fileno(u->ttyf) : STDOUT_FILENO;

	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clear();
	ui_layout(u);
	u->dirty_keys = 1;
}

/* ---- drawing ---- */

/* Append a status segment at *x; returns 0 when it did not fit. */
static int
ui_seg(int y, int *x, int xmax, int attr, const char *s)
{
	int n = (int)strlen(s);

	if (*x + n > xmax)
		return 0;
	*x = pane_put(y, *x, xmax, attr, s);
	return 1;
}

/* Draw the status bar (one or two lines). */
static void
ui_draw_status(struct ui *u)
{
	const struct live_input *in;
	const struct ingest_stats *st = live_stats(u->lv);
	int a = theme_attr(THEME_STATUS), y = 0, x = 0, w = COLS, live = 0;
	char buf[512], n1[32], n2[32], clean[256];
	struct store_totals tot;
	uint32_t t0, t1, wm;
	size_t i, nin = live_inputs(u->lv, &in);
	uint64_t behind = 0;

	pane_fill(0, 0, w, a);
	if (u->status_h > 1)
		pane_fill(1, 0, w, a);
	x = pane_put(y, 0, w, theme_attr(THEME_TITLE), " vpctop ");
	for (i = 0; i < nin; i++) {
		live |= in[i].live;
		behind += in[i].behind;
	}
	if (live)
		ui_seg(y, &x, w, theme_attr(THEME_LIVE), " LIVE");
	/* sources */
	buf[0] = '\0';
	for (i = 0; i < nin && strlen(buf) < 100; i++) {
		size_t n = strlen(buf);

		snprintf(buf + n, sizeof buf - n, "%s%s%s", i ? ", " : "",
		    in[i].name, in[i].state == LIVE_FAILED ? " (failed)" : "");
	}
	pane_clean(buf, strlen(buf), clean, sizeof clean, 40, u->env.utf8);
	x = pane_put(y, x + 1, w, a, clean);
	if (u->paused) {
		snprintf(buf, sizeof buf, " PAUSED +%llu ",
		    (unsigned long long)(store_next(u->s) - u->pause_next));
		ui_seg(y, &x, w, theme_attr(THEME_PAUSED), " ");
		ui_seg(y, &x, w, theme_attr(THEME_PAUSED), buf + 1);
	}
	if (u->top.frozen)
		ui_seg(y, &x, w, theme_attr(THEME_PAUSED), " FROZEN ");
	/* ring */
	store_totals(u->s, &tot);
	report_human_count(tot.records, n1, sizeof n1);
	snprintf(buf, sizeof buf, "  %s rec", n1);
	ui_seg(y, &x, w, a, buf);
	if (store_span(u->s, &t0, &t1)) {
		decode_duration((uint64_t)(t1 - t0), n1, sizeof n1);
		snprintf(buf, sizeof buf, " over %s", n1);
		ui_seg(y, &x, w, a, buf);
	}
	if (store_watermark(u->s, &wm)) {
		char full[64];
		time_t now = time(NULL);

		decode_time(wm, 1, full, sizeof full);
		snprintf(buf, sizeof buf, "  wm %s", strlen(full) > 11 ?
		    full + 11 : full);
		ui_seg(y, &x, w, a, buf);
		if (live && (uint64_t)now >= wm) {
			decode_duration((uint64_t)now - wm, n1, sizeof n1);
			snprintf(buf, sizeof buf, " lag %s", n1);
			ui_seg(y, &x, w, a, buf);
		}
	}
	if (live) {
		report_human_count((uint64_t)live_rate(u->lv), n1, sizeof n1);
		snprintf(buf, sizeof buf, "  %s/s", n1);
		ui_seg(y, &x, w, a, buf);
	}
	if (behind) {
		report_human_bytes(behind, n1, sizeof n1);
		snprintf(buf, sizeof buf, "  behind %s", n1);
		ui_seg(y, &x, w, a, buf);
	}
	if (st && st->rejected) {
		report_human_count(st->rejected, n1, sizeof n1);
		snprintf(buf, sizeof buf, "  %s rejected (R)", n1);
		ui_seg(y, &x, w, theme_attr(THEME_ERROR), buf);
	}
	/* filter: second line, or the end of the first */
	if (u->status_h > 1) {
		y = 1;
		x = 0;
	} else
		x += 2;
	if (u->filter) {
		struct store_totals mt;

		memset(&mt, 0, sizeof mt);
		if (u->top.v)
			view_totals(u->top.v, &mt);
		report_human_count(mt.records, n1, sizeof n1);
		report_human_count(tot.records, n2, sizeof n2);
		snprintf(buf, sizeof buf, " match %s of %s  ", n1, n2);
		x = pane_put(y, x, w, a, buf);
		x = pane_put(y, x, w, a, "filter: ");
		pane_clean(u->filter_text, strlen(u->filter_text), clean,
		    sizeof clean, w - x, u->env.utf8);
		pane_put(y, x, w, theme_attr(THEME_FILTER), clean);
	} else if (u->status_h > 1)
		pane_put(y, x, w, a, " filter: none (/ to edit)");
	if (u->status_h > 1 && u->search) {
		snprintf(buf, sizeof buf, "  search: %.200s", u->search_text);
		pane_clean(buf, strlen(buf), clean, sizeof clean, 40,
		    u->env.utf8);
		x = w - (int)strlen(clean) - 1;
		if (x > 0)
			pane_put(y, x, w, a, clean);
	}
}

/* Draw the footer: a message or key hints. */
static void
ui_draw_footer(struct ui *u)
{
	int y = LINES - 1, a = theme_attr(THEME_STATUS);
	static const char hints[] =
	    " ?:help  /:filter  Tab:pane  Enter/Esc:in/out  +/-:filter value"
	    "  s:sort  K:key  P:pause  q:quit";

	pane_fill(y, 0, COLS, a);
	if (u->msg[0] && ui_now_ms() < u->msg_until)
		pane_put(y, 1, COLS, theme_attr(u->msg_error ? THEME_ERROR :
		    THEME_STATUS), u->msg);
	else {
		u->msg[0] = '\0';
		pane_put(y, 0, COLS, a, hints);
	}
}

/* Draw the prompt over the last two lines. */
static void
ui_draw_prompt(struct ui *u)
{
	int y = LINES - 2, a = theme_attr(THEME_PROMPT), x, off = 0, cx;
	const char *label = u->prompt_mode == UI_PR_FILTER ? "filter: " :
	    "search: ";
	int lw = (int)strlen(label), avail = COLS - lw - 1;
	char clean[PROMPT_MAX * 4];
	size_t i;
	int curcol = 0;

	/* the column of the cursor, counting characters */
	for (i = 0; i < u->prompt.cur; i++)
		if (((unsigned char)u->prompt.buf[i] & 0xc0) != 0x80)
			curcol++;
	if (curcol >= avail)
		off = curcol - avail + 1;
	pane_fill(y, 0, COLS, a);
	pane_fill(y + 1, 0, COLS, theme_attr(THEME_NORMAL));
	x = pane_put(y, 0, COLS, a, label);
	/* skip off characters, then draw (the text is the user's own) */
	{
		const char *p = u->prompt.buf;
		int k = 0;

		while (*p && k < off) {
			p++;
			while (((unsigned char)*p & 0xc0) == 0x80)
				p++;
			k++;
		}
		pane_clean(p, strlen(p), clean, sizeof clean, avail,
		    u->env.utf8);
		pane_put(y, x, COLS, a, clean);
	}
	cx = lw + curcol - off;
	if (u->perr_col >= 0) {
		int col = 0, c = lw - off;

		for (i = 0; i < (size_t)u->perr_col && i < u->prompt.len; i++)
			if (((unsigned char)u->prompt.buf[i] & 0xc0) != 0x80)
				col++;
		c += col;
		if (c < 0)
			c = 0;
		if (c >= COLS)
			c = COLS - 1;
		pane_put(y + 1, c, COLS, theme_attr(THEME_ERROR), "^");
		if (c + 2 + (int)strlen(u->pmsg) <= COLS)
			pane_put(y + 1, c + 2, COLS, theme_attr(THEME_ERROR),
			    u->pmsg);
		else
			pane_put(y + 1, c > 0 ? 0 : 2, c > 0 ? c - 1 : COLS,
			    theme_attr(THEME_ERROR), u->pmsg);
	} else
		pane_put(y + 1, lw, COLS, theme_attr(THEME_DIM), u->pmsg);
	move(y, cx < COLS ? cx : COLS - 1);
}

/* Draw a framed box for an overlay; returns its inner rectangle. */
static struct pane_rect
ui_box(int h, int w)
{
	struct pane_rect r;
	int i;

	if (w > COLS - 4)
		w = COLS;	/* a margin of one or two columns is only noise */
	if (h > LINES - 2)
		h = LINES - 2;
	r.y = (LINES - h) / 2;
	r.x = (COLS - w) / 2;
	r.h = h;
	r.w = w;
	for (i = 0; i < h; i++)
		pane_fill(r.y + i, r.x, r.x + w, theme_attr(THEME_HELP));
	return r;
}

/* Draw the help overlay. */
static void
ui_draw_help(struct ui *u)
{
	size_t n, i;
	const struct input_binding *b = input_bindings(&n);
	struct pane_rect r = ui_box((int)n + 4, 78);
	int a = theme_attr(THEME_HELP), line;

	char extra[80];

	if (u->ov_scroll > (int)n - (r.h - 3))
		u->ov_scroll = (int)n - (r.h - 3);
	if (u->ov_scroll < 0)
		u->ov_scroll = 0;
	if ((int)n > r.h - 3)
		snprintf(extra, sizeof extra, "keys %d-%d of %zu, Up/Down "
		    "scroll (Esc or ? closes)", u->ov_scroll + 1,
		    u->ov_scroll + r.h - 3, n);
	else
		snprintf(extra, sizeof extra, "keys (Esc or ? closes)");
	pane_title(&r, "Help", extra, 1);
	for (i = (size_t)u->ov_scroll, line = 0; i < n && line < r.h - 3;
	    i++, line++) {
		int y = r.y + 2 + line;

		pane_put(y, r.x + 2, r.x + 28, theme_attr(THEME_HEADER),
		    b[i].keys);
		pane_put(y, r.x + 28, r.x + r.w - 1, a, b[i].help);
	}
	pane_put(r.y + r.h - 1, r.x + 2, r.x + r.w - 1, theme_attr(THEME_DIM),
	    "filter prompt: Left Right Home End Backspace Delete Ctrl-U "
	    "Ctrl-W, Up/Down history");
}

/* Draw the rejected-lines overlay. */
static void
ui_draw_rejects(struct ui *u)
{
	const struct ingest_stats *st = live_stats(u->lv);
	struct pane_rect r = ui_box(LINES - u->status_h - 1, COLS);
	char buf[512], clean[512];
	int a = theme_attr(THEME_HELP), line = 0, y;
	unsigned i, k;

	snprintf(buf, sizeof buf, "%llu lines, %llu records, %llu rejected"
	    "  (Esc closes)", (unsigned long long)(st ? st->lines : 0),
	    (unsigned long long)(st ? st->records : 0),
	    (unsigned long long)(st ? st->rejected : 0));
	pane_title(&r, "Rejected lines", buf, 1);
	if (st == NULL || st->rejected == 0) {
		pane_put(r.y + 2, r.x + 2, r.x + r.w, a, "no line was rejected");
		return;
	}
	for (i = 1; i < PARSE_REASON_COUNT; i++) {
		if (st->rejects[i] == 0)
			continue;
		if (line >= u->ov_scroll && (y = r.y + 1 + line -
		    u->ov_scroll) < r.y + r.h) {
			snprintf(buf, sizeof buf, "%-16s %llu  %s",
			    parse_reason_name(i),
			    (unsigned long long)st->rejects[i],
			    parse_reason_text(i));
			pane_put(y, r.x + 1, r.x + r.w,
			    theme_attr(THEME_HEADER), buf);
		}
		line++;
		for (k = 0; k < INGEST_EXAMPLES_PER_REASON &&
		    k < st->rejects[i]; k++) {
			const struct ingest_example *ex = &st->examples[i][k];
			int x;

			if (line >= u->ov_scroll && (y = r.y + 1 + line -
			    u->ov_scroll) < r.y + r.h) {
				snprintf(buf, sizeof buf, "%s:%llu", ex->source,
				    (unsigned long long)ex->line);
				pane_clean(buf, strlen(buf), clean, sizeof clean,
				    40, u->env.utf8);
				x = pane_put(y, r.x + 3, r.x + r.w,
				    theme_attr(THEME_DIM), clean);
				x = pane_put(y, x, r.x + r.w, a, ": ");
				pane_clean(ex->text, strlen(ex->text), clean,
				    sizeof clean, r.x + r.w - x, u->env.utf8);
				pane_put(y, x, r.x + r.w, a, clean);
			}
			line++;
		}
	}
}

/* A filter with relative times (`end > -15m`) counts back from the
 * watermark: when the watermark has moved, resolve it again and rebuild
 * the views, at once when the input is idle, else when it has moved a
 * minute and two seconds have passed (so a fast load does not rescan the
 * ring on every frame). */
static void
ui_move_now(struct ui *u)
{
	uint32_t wm;
	double now;

	if (u->filter == NULL || !filter_has_relative(u->filter) ||
	    !store_watermark(u->s, &wm) || wm == u->rel_now)
		return;
	now = ui_now_ms();
	/* while records pour in, now and then; once the input is idle,
	 * exactly (so a file ends up counted as -b counts it) */
	if (!u->idle && u->rel_now != 0 && (wm < u->rel_now + 60 ||
	    now < u->rel_at + 2000))
		return;
	filter_set_now(u->filter, wm);
	u->rel_now = wm;
	u->rel_at = now;
	ui_reset_views(u);
}

/* Refresh the panes' caches from the store (skipped while paused). */
static void
ui_refresh(struct ui *u)
{
	if (u->paused)
		return;
	ui_move_now(u);
	pane_top_refresh(&u->top, &u->env);
	pane_tree_refresh(&u->tree, &u->env);
	pane_tail_refresh(&u->tail, &u->env);
	if (u->r_tl.h > 0)
		pane_timeline_refresh(&u->tl, &u->env, u->r_tl.w - 9);
}

/* Draw one frame. */
static void
ui_draw(struct ui *u)
{
	int i;

	curs_set(0);
	if (u->too_small) {
		static const char m1[] = "terminal too small";
		char m2[64];
		int y = LINES / 2;

		erase();
		snprintf(m2, sizeof m2, "need %dx%d", UI_MIN_COLS, UI_MIN_ROWS);
		if (y >= 0 && LINES > 0) {
			pane_put(y, COLS > (int)sizeof m1 ? (COLS -
			    (int)sizeof m1) / 2 : 0, COLS,
			    theme_attr(THEME_ERROR), m1);
			if (y + 1 < LINES)
				pane_put(y + 1, COLS > (int)strlen(m2) ? (COLS -
				    (int)strlen(m2)) / 2 : 0, COLS,
				    theme_attr(THEME_NORMAL), m2);
		}
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	ui_refresh(u);
	ui_draw_status(u);
	if (u->single) {
		if (u->focus == UI_TOP)
			pane_top_draw(&u->top, &u->env, &u->r_top, 1);
		else if (u->focus == UI_TREE)
			pane_tree_draw(&u->tree, &u->env, &u->r_tree, 1);
		else
			pane_tail_draw(&u->tail, &u->env, &u->r_tail, 1);
	} else {
		pane_top_draw(&u->top, &u->env, &u->r_top, u->focus == UI_TOP);
		pane_tree_draw(&u->tree, &u->env, &u->r_tree,
		    u->focus == UI_TREE);
		pane_tail_draw(&u->tail, &u->env, &u->r_tail,
		    u->focus == UI_TAIL);
		for (i = 0; u->sep_x >= 0 && i < u->r_top.h; i++)
			pane_put(u->r_top.y + i, u->sep_x, u->sep_x + 1,
			    theme_attr(THEME_BORDER), u->env.utf8 ? "\u2502" :
			    "|");
	}
	/* a pane that refreshed after the tail moved may need this */
	if (u->r_tl.h > 0)
		pane_timeline_draw(&u->tl, &u->env, &u->r_tl);
	ui_draw_footer(u);
	if (u->overlay == UI_OV_HELP)
		ui_draw_help(u);
	else if (u->overlay == UI_OV_REJECTS)
		ui_draw_rejects(u);
	else if (u->overlay == UI_OV_DETAIL) {
		struct pane_rect r = { u->status_h, 0, LINES - u->status_h - 1,
		    COLS };

		pane_detail_draw(&u->env, u->detail_seq, &r, &u->ov_scroll);
	}
	if (u->prompt_mode) {
		ui_draw_prompt(u);
		curs_set(1);
	}
	wnoutrefresh(stdscr);
	doupdate();
	u->last_draw = ui_now_ms();
	u->dirty_keys = u->dirty_data = 0;
}

/* ---- keys ---- */

/* Move the focused pane's cursor by delta (INT_MAX: end, -INT_MAX: home). */
static void
ui_move(struct ui *u, int delta)
{
	if (u->focus == UI_TAIL)
		pane_tail_move(&u->tail, &u->env, delta);
	else if (u->focus == UI_TOP)
		pane_list_move(&u->top.cur, &u->top.scroll, (int)u->top.nrows,
		    u->top.height, delta);
	else
		pane_list_move(&u->tree.cur, &u->tree.scroll,
		    (int)u->tree.nrows, u->tree.height, delta);
}

/* The page size of the focused pane. */
static int
ui_page(struct ui *u)
{
	int h = u->focus == UI_TAIL ? u->tail.height : u->focus == UI_TOP ?
	    u->top.height : u->tree.height;

	return h > 1 ? h - 1 : 1;
}

/* Pause or resume the display. */
static void
ui_pause(struct ui *u, int on)
{
	u->paused = on;
	u->pause_next = store_next(u->s);
	pane_tail_limit(on ? u->pause_next : STORE_NONE);
	if (!on)
		u->tail.follow = u->tail.follow || u->tail.cur == 0;
}

/* Tell which pane holds screen cell (line, col), or -1. */
static int
ui_pane_at(struct ui *u, int line, int col, struct pane_rect *out)
{
	const struct pane_rect *rs[UI_NPANES] = { &u->r_top, &u->r_tree,
	    &u->r_tail };
	int i;

	if (u->single) {
		*out = *rs[u->focus];
		return line >= out->y && line < out->y + out->h ? u->focus : -1;
	}
	for (i = 0; i < UI_NPANES; i++) {
		const struct pane_rect *r = rs[i];

		if (line >= r->y && line < r->y + r->h && col >= r->x &&
		    col < r->x + r->w) {
			*out = *r;
			return i;
		}
	}
	return -1;
}

/* A mouse event: click selects a row, the wheel scrolls. */
static void
ui_mouse_event(struct ui *u, const struct input_key *k)
{
	struct pane_rect r;
	int p = ui_pane_at(u, k->line, k->col, &r), row;

	if (p < 0 || u->overlay || u->prompt_mode)
		return;
	u->focus = p;
	if (k->mouse != INPUT_MOUSE_PRESS)
		return;
	if (k->button == 4 || k->button == 5) {
		ui_move(u, k->button == 4 ? -3 : 3);
		return;
	}
	if (k->button != 1)
		return;
	row = k->line - (r.y + 2);
	if (row < 0)
		return;
	if (p == UI_TAIL) {
		if (row < u->tail.nrows) {
			if (u->tail.follow && row != u->tail.cur) {
				u->tail.follow = 0;
				u->tail.top = u->tail.rows[0];
			}
			u->tail.cur = row;
		}
	} else if (p == UI_TOP) {
		if (u->top.scroll + row < (int)u->top.nrows)
			u->top.cur = u->top.scroll + row;
	} else if (u->tree.scroll + row < (int)u->tree.nrows)
		u->tree.cur = u->tree.scroll + row;
}

/* Cycle the top-talker key by dir. */
static void
ui_next_key(struct ui *u, int dir)
{
	int n = pane_top_nkeys();

	pane_top_reset(&u->top, u->s);
	u->top.key = (u->top.key + dir + n) % n;
	u->top.cur = u->top.scroll = 0;
}

/* Handle a key or mouse event. */
static void
ui_key(struct ui *u, const struct input_key *k)
{
	int a;

	u->dirty_keys = 1;
	if (u->prompt_mode) {
		switch (prompt_key(&u->prompt, k)) {
		case PROMPT_EDITED:
			ui_prompt_check(u);
			break;
		case PROMPT_ENTER:
			if (ui_prompt_apply(u) == 0)
				u->prompt_mode = UI_PR_NONE;
			break;
		case PROMPT_CANCEL:
			u->prompt_mode = UI_PR_NONE;
			break;
		}
		return;
	}
	if (k->type == INPUT_MOUSE) {
		ui_mouse_event(u, k);
		return;
	}
	a = input_action(k);
	if (u->overlay) {
		if (input_is_ctrl(k, 'c')) {
			u->quit = 1;
			return;
		}
		if (a == INPUT_A_UP || a == INPUT_A_DOWN)
			u->ov_scroll += a == INPUT_A_UP ? -1 : 1;
		else if (a == INPUT_A_PGUP || a == INPUT_A_PGDN)
			u->ov_scroll += (a == INPUT_A_PGUP ? -1 : 1) *
			    (LINES / 2);
		else if (a == INPUT_A_HOME)
			u->ov_scroll = 0;
		else if (a == INPUT_A_BACK || a == INPUT_A_QUIT ||
		    a == INPUT_A_ENTER || (a == INPUT_A_HELP &&
		    u->overlay == UI_OV_HELP) || (a == INPUT_A_DETAIL &&
		    u->overlay == UI_OV_DETAIL) || (a == INPUT_A_REJECTS &&
		    u->overlay == UI_OV_REJECTS))
			u->overlay = UI_OV_NONE;
		else if (a == INPUT_A_HELP) {
			u->overlay = UI_OV_HELP;
			u->ov_scroll = 0;
		}
		return;
	}
	switch (a) {
	case INPUT_A_QUIT:
		u->quit = 1;
		break;
	case INPUT_A_HELP:
		u->overlay = UI_OV_HELP;
		u->ov_scroll = 0;
		break;
	case INPUT_A_FILTER:
		ui_prompt_open(u, UI_PR_FILTER);
		break;
	case INPUT_A_SEARCH:
		ui_prompt_open(u, UI_PR_SEARCH);
		break;
	case INPUT_A_NEXT_MATCH:
	case INPUT_A_PREV_MATCH:
		if (u->search == NULL)
			ui_say(u, 1, "no search yet: \\ starts one");
		else if (!pane_tail_search(&u->tail, &u->env, u->search,
		    a == INPUT_A_NEXT_MATCH ? 1 : -1))
			ui_say(u, 1, "search: no more matches");
		else
			u->focus = UI_TAIL;
		break;
	case INPUT_A_NEXT_PANE:
		u->focus = (u->focus + 1) % UI_NPANES;
		break;
	case INPUT_A_PREV_PANE:
		u->focus = (u->focus + UI_NPANES - 1) % UI_NPANES;
		break;
	case INPUT_A_UP:
		ui_move(u, -1);
		break;
	case INPUT_A_DOWN:
		ui_move(u, 1);
		break;
	case INPUT_A_PGUP:
		ui_move(u, -ui_page(u));
		break;
	case INPUT_A_PGDN:
		ui_move(u, ui_page(u));
		break;
	case INPUT_A_HOME:
		ui_move(u, -INT_MAX);
		break;
	case INPUT_A_END:
		ui_move(u, INT_MAX);
		break;
	case INPUT_A_ENTER:
		if (u->focus == UI_TREE) {
			if (!pane_tree_enter(&u->tree, &u->env))
				ui_say(u, 0, "nothing below this node");
		} else if (u->focus == UI_TOP)
			ui_include(u, 0);
		else if (pane_tail_selected(&u->tail) != STORE_NONE) {
			u->detail_seq = pane_tail_selected(&u->tail);
			u->overlay = UI_OV_DETAIL;
			u->ov_scroll = 0;
		}
		break;
	case INPUT_A_BACK:
		if (u->focus == UI_TREE)
			pane_tree_leave(&u->tree, &u->env);
		break;
	case INPUT_A_DETAIL:
		if (pane_tail_selected(&u->tail) != STORE_NONE) {
			u->detail_seq = pane_tail_selected(&u->tail);
			u->overlay = UI_OV_DETAIL;
			u->ov_scroll = 0;
		}
		break;
	case INPUT_A_SORT:
		u->env.by = (u->env.by + 1) % 3;
		u->top.cur = u->top.scroll = 0;
		if (u->top.frozen)
			pane_top_freeze(&u->top, u->s);
		break;
	case INPUT_A_KEY_NEXT:
		ui_next_key(u, 1);
		break;
	case INPUT_A_KEY_PREV:
		ui_next_key(u, -1);
		break;
	case INPUT_A_PAUSE:
		ui_pause(u, !u->paused);
		break;
	case INPUT_A_FREEZE:
		pane_top_freeze(&u->top, u->s);
		break;
	case INPUT_A_MOUSE:
		u->mouse = !u->mouse;
		ui_mouse_mode(u, u->mouse);
		ui_say(u, 0, "mouse %s", u->mouse ? "on" : "off");
		break;
	case INPUT_A_REJECTS:
		u->overlay = UI_OV_REJECTS;
		u->ov_scroll = 0;
		break;
	case INPUT_A_ORDER:
		u->tail.oldest_first = !u->tail.oldest_first;
		u->tail.follow = 1;
		break;
	case INPUT_A_INCLUDE:
	case INPUT_A_EXCLUDE:
		ui_include(u, a == INPUT_A_EXCLUDE);
		break;
	case INPUT_A_CLEAR_FILTER:
		if (u->filter)
			ui_set_filter(u, NULL);
		break;
	case INPUT_A_REDRAW:
		clearok(curscr, TRUE);
		break;
	default:
		break;
	}
	/* the tail moved or was reset: show it now even when paused */
	if (u->paused)
		pane_tail_refresh(&u->tail, &u->env);
}

/* ---- terminal ---- */

/* Stop for Ctrl-Z: give the terminal back, stop, take it again. */
static void
ui_suspend(struct ui *u)
{
	sigset_t set;

	if (u->mouse)
		ui_mouse_mode(u, 0);
	input_stop(u->in);
	def_prog_mode();
	endwin();
	signal(SIGTSTP, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGTSTP);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(SIGTSTP);
	/* continued */
	ui_signals(0);
	reset_prog_mode();
	input_start(u->in);
	if (u->mouse)
		ui_mouse_mode(u, 1);
	ui_resize(u);
}

/* Act on the signals the self-pipe holds. */
static void
ui_signal_read(struct ui *u)
{
	unsigned char buf[64];
	ssize_t n, i;

	while ((n = read(ui_sigpipe[0], buf, sizeof buf)) > 0) {
		for (i = 0; i < n; i++) {
			switch (buf[i]) {
			case SIGWINCH:
			case SIGCONT:
				ui_resize(u);
				break;
			case SIGTSTP:
				ui_suspend(u);
				break;
			case SIGINT:
				u->quit = 1;
				break;
			default:	/* SIGTERM, SIGHUP */
				u->quit = 1;
				u->status = 128 + buf[i];
				break;
			}
		}
	}
}

/* Open the terminal and start curses and termkey. */
static void
ui_start(struct ui *u)
{
	int fd_in = STDIN_FILENO;
	FILE *fin = stdin;

	u->env.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	u->out = stdout;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);

		if (fd < 0 || (u->ttyf = fdopen(fd, "r+")) == NULL)
			ui_fatal(u, "cannot open the terminal (/dev/tty)");
		fd_in = fd;
		fin = u->out = u->ttyf;
	}
	if (pipe(ui_sigpipe) < 0)
		ui_fatal(u, "cannot create a pipe");
	fcntl(ui_sigpipe[0], F_SETFL, O_NONBLOCK);
	fcntl(ui_sigpipe[1], F_SETFL, O_NONBLOCK);
	fcntl(ui_sigpipe[0], F_SETFD, FD_CLOEXEC);
	fcntl(ui_sigpipe[1], F_SETFD, FD_CLOEXEC);
	ui_signals(0);
	/* termkey before curses (STYLE.md §2) */
	u->in = input_new(fd_in, u->env.utf8);
	if (u->in == NULL)
		ui_fatal(u, "cannot read keys from the terminal");
	/* terminfo padding (vt100: $<5> on every cursor move) only wastes
	 * bandwidth on today's emulators and SSH links */
	setenv("NCURSES_NO_PADDING", "1", 0);
	u->scr = newterm(NULL, u->out, fin);
	if (u->scr == NULL) {
		char why[160];
		const char *term = getenv("TERM");

		snprintf(why, sizeof why, "cannot use the terminal type '%.60s'"
		    " (see TERM; -b runs without a terminal)",
		    term ? term : "");
		ui_fatal(u, why);
	}
	u->active = 1;
	ui_current = u;
	atexit(ui_atexit);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	curs_set(0);
	if (!u->o.no_color && has_colors()) {
		start_color();
		use_default_colors();
		theme_apply(&u->theme, 1);
	} else
		theme_apply(&u->theme, 0);
	input_start(u->in);
	if (u->mouse)
		ui_mouse_mode(u, 1);
	ui_layout(u);
}

/* The poll timeout: the next thing due, in milliseconds. */
static int
ui_timeout(struct ui *u, int key_wait, int more)
{
	double now = ui_now_ms(), t = 1000;
	int lt;

	if (more)
		return 0;
	if (key_wait >= 0 && key_wait < t)
		t = key_wait;
	lt = live_timeout_ms(u->lv);
	if (lt >= 0 && lt < t)
		t = lt;
	if (u->dirty_keys)
		t = 0;
	else if (u->dirty_data) {
		double due = u->last_draw + UI_FRAME_MS - now;

		if (due < t)
			t = due > 0 ? due : 0;
	}
	if (u->msg[0] && u->msg_until - now < t)
		t = u->msg_until - now > 0 ? u->msg_until - now : 0;
	return (int)t;
}

/* Tell whether any input is live. */
static int
ui_any_live(const struct ui *u)
{
	const struct live_input *in;
	size_t i, n = live_inputs(u->lv, &in);

	for (i = 0; i < n; i++)
		if (in[i].live)
			return 1;
	return 0;
}

/* The loop: keys, signals, inputs, frames, until quit. */
static void
ui_loop(struct ui *u)
{
	struct pollfd fds[64];
	struct input_key k;
	int key_wait = -1, more = 0, nfd, r;
	double key_due = 0, last_status = 0;

	u->dirty_keys = 1;
	while (!u->quit) {
		fds[0].fd = ui_sigpipe[0];
		fds[0].events = POLLIN;
		fds[1].fd = input_fd(u->in);
		fds[1].events = POLLIN;
		nfd = 2 + live_pollfds(u->lv, fds + 2, 62);
		r = poll(fds, (nfds_t)nfd, ui_timeout(u, key_wait, more));
		if (r < 0 && errno != EINTR)
			ui_fatal(u, "poll failed");
		if (r > 0 && (fds[0].revents & POLLIN))
			ui_signal_read(u);
		if (r > 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			if (fds[1].revents & (POLLHUP | POLLERR) &&
			    !(fds[1].revents & POLLIN)) {
				u->quit = 1;	/* the terminal went away */
				break;
			}
			input_readable(u->in);
		}
		while (!u->quit && input_next(u->in, &k, &key_wait))
			ui_key(u, &k);
		if (key_wait >= 0) {
			if (key_due == 0)
				key_due = ui_now_ms() + key_wait;
			else if (ui_now_ms() >= key_due) {
				if (input_force(u->in, &k))
					ui_key(u, &k);
				key_wait = -1;
			}
		}
		if (key_wait < 0)
			key_due = 0;
		if (u->quit)
			break;
		if (u->dirty_keys)
			ui_draw(u);	/* a key shows before more reading */
		u->idle = live_pump(u->lv, UI_PUMP_MS, &more) == 0 && !more;
		{
			double now = ui_now_ms();

			if (now - last_status >= 1000) {
				/* the status bar's clock (lag, rate) moves
				 * when an input is live */
				last_status = now;
				if (ui_any_live(u))
					u->dirty_data = 1;
			}
			if (u->msg[0] && now >= u->msg_until) {
				u->msg[0] = '\0';	/* the message's time is up */
				u->dirty_keys = 1;
			}
			if (u->dirty_keys || (u->dirty_data &&
			    now - u->last_draw >= UI_FRAME_MS))
				ui_draw(u);
		}
	}
}

/* Load the theme the options ask for (warnings on stderr). */
static void
ui_theme(struct ui *u, char *warn, size_t size)
{
	const char *nc = getenv("NO_COLOR");

	warn[0] = '\0';
	if (u->o.no_color || (nc && *nc)) {
		u->o.no_color = 1;
		theme_mono(&u->theme);
		return;
	}
	if (u->o.theme == NULL) {
		theme_default(&u->theme);
		return;
	}
	if (theme_load(&u->theme, u->o.theme, warn, size) < 0)
		fprintf(stderr, "vpctop: warning: %s (using the default "
		    "theme)\n", warn);
}

/* Run the interface. */
int
ui_run(const struct ui_opts *o, char **sources, int nsources)
{
	struct ui *u = calloc(1, sizeof *u);
	char warn[512];
	int i, added = 0, status;

	if (u == NULL) {
		fprintf(stderr, "vpctop: out of memory\n");
		return EXIT_FAILURE;
	}
	setlocale(LC_ALL, "");
	u->o = *o;
	u->perr_col = -1;
	u->mouse = o->mouse;
	u->env.by = o->by;
	u->tail.follow = 1;
	u->s = store_new(o->capacity ? o->capacity : STORE_DEFAULT_CAPACITY);
	u->lv = live_new(o->fmt, ui_record, ui_message, u);
	if (u->s == NULL || u->lv == NULL) {
		fprintf(stderr, "vpctop: out of memory\n");
		return EXIT_FAILURE;
	}
	u->env.s = u->s;
	if (o->top[0] >= 0) {
		int k = pane_top_key_find(o->top[0], o->top[1]);

		if (k >= 0)
			u->top.key = k;
	}
	if (o->filter) {
		struct filter_error err;
		struct filter *f;

		memset(&err, 0, sizeof err);
		f = ui_parse_filter(u, o->filter, &err);
		if (f == NULL) {
			fprintf(stderr, "vpctop: bad filter: %s\n  %s\n  %*s^\n",
			    err.msg, o->filter, err.col, "");
			return 2;
		}
		prompt_history_add(&u->hist_filter, o->filter);
		ui_set_filter(u, f);
	}
	if (o->demo) {
		if (live_add_demo(u->lv, o->scenario, o->seed) < 0)
			return 2;	/* live said why, through ui_message */
		added++;
	}
	for (i = 0; i < nsources; i++) {
		int r = o->replay ? live_add_replay(u->lv, sources[i],
		    o->speed) : live_add_path(u->lv, sources[i], o->follow);

		if (r == 0)
			added++;
	}
	if (nsources == 0 && !o->demo && live_add_path(u->lv, "-", 0) == 0)
		added++;
	if (added == 0)
		return 1;
	ui_theme(u, warn, sizeof warn);
	ui_start(u);
	if (warn[0])
		ui_say(u, 1, "theme: %s (using the default)", warn);
	ui_loop(u);
	ui_restore(u);
	status = u->status;
	pane_tree_free(&u->tree, u->s);
	pane_top_reset(&u->top, u->s);
	pane_timeline_reset(&u->tl);
	if (u->filter)
		filter_free(u->filter);
	if (u->search)
		filter_free(u->search);
	prompt_history_free(&u->hist_filter);
	prompt_history_free(&u->hist_search);
	live_free(u->lv);
	store_free(u->s);
	input_free(u->in);
	delscreen(u->scr);
	if (u->ttyf)
		fclose(u->ttyf);
	ui_current = NULL;
	free(u);
	return status;
}
