/*
 * input.c - libtermkey behind the program's own key type.
 *
 * Recipe (STYLE.md §2): termkey is created before curses with
 * TERMKEY_FLAG_NOTERMIOS (curses owns the tty modes) and NOSTART, the
 * terminfo "key_mouse" string is hooked away (libtermkey 0.22 misreads
 * SGR mouse reports under xterm-256color otherwise), then started.  The
 * caller polls input_fd, calls input_readable and drains input_next; a
 * partial sequence (a lone Escape) is turned into a key by input_force
 * after the wait input_next reports.
 *
 * Bindings are a table of (key, action) and a table of help lines; the
 * first decides, the second documents, and tests/test_input.c checks
 * that they agree.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <termkey.h>

#include "input.h"

struct input {
	TermKey *tk;
	int fd;
};

/* One entry of the key map. */
struct input_map {
	int type;
	uint32_t code;
	unsigned mods;
	int action;
};

#define CH(c, a)	{ INPUT_CHAR, (c), 0, (a) }
#define CTRL(c, a)	{ INPUT_CHAR, (c), INPUT_M_CTRL, (a) }
#define SYM(s, m, a)	{ INPUT_SYM, (s), (m), (a) }

static const struct input_map input_map[] = {
	CH('q', INPUT_A_QUIT), CTRL('c', INPUT_A_QUIT),
	CH('?', INPUT_A_HELP), { INPUT_FUNC, 1, 0, INPUT_A_HELP },
	CH('/', INPUT_A_FILTER), CH('\\', INPUT_A_SEARCH),
	CH('n', INPUT_A_NEXT_MATCH), CH('N', INPUT_A_PREV_MATCH),
	SYM(INPUT_K_TAB, 0, INPUT_A_NEXT_PANE),
	SYM(INPUT_K_TAB, INPUT_M_SHIFT, INPUT_A_PREV_PANE),
	SYM(INPUT_K_UP, 0, INPUT_A_UP), CH('k', INPUT_A_UP),
	SYM(INPUT_K_DOWN, 0, INPUT_A_DOWN), CH('j', INPUT_A_DOWN),
	SYM(INPUT_K_PGUP, 0, INPUT_A_PGUP), CTRL('b', INPUT_A_PGUP),
	SYM(INPUT_K_PGDN, 0, INPUT_A_PGDN), CTRL('f', INPUT_A_PGDN),
	SYM(INPUT_K_HOME, 0, INPUT_A_HOME), CH('g', INPUT_A_HOME),
	SYM(INPUT_K_END, 0, INPUT_A_END), CH('G', INPUT_A_END),
	SYM(INPUT_K_ENTER, 0, INPUT_A_ENTER),
	SYM(INPUT_K_RIGHT, 0, INPUT_A_ENTER), CH('l', INPUT_A_ENTER),
	SYM(INPUT_K_ESC, 0, INPUT_A_BACK),
	SYM(INPUT_K_ESC, INPUT_M_ALT, INPUT_A_BACK),	/* two quick Escapes */
	SYM(INPUT_K_BACKSPACE, 0, INPUT_A_BACK),
	SYM(INPUT_K_LEFT, 0, INPUT_A_BACK), CH('h', INPUT_A_BACK),
	CH('s', INPUT_A_SORT),
	CH('K', INPUT_A_KEY_NEXT), CH('>', INPUT_A_KEY_NEXT),
	CH('<', INPUT_A_KEY_PREV),
	CH('P', INPUT_A_PAUSE), CH(' ', INPUT_A_PAUSE),
	CH('o', INPUT_A_FREEZE), CH('m', INPUT_A_MOUSE),
	CH('d', INPUT_A_DETAIL), CH('R', INPUT_A_REJECTS),
	CH('r', INPUT_A_ORDER),
	CH('+', INPUT_A_INCLUDE), CH('=', INPUT_A_INCLUDE),
	CH('-', INPUT_A_EXCLUDE), CH('!', INPUT_A_EXCLUDE),
	CH('c', INPUT_A_CLEAR_FILTER),
	CTRL('l', INPUT_A_REDRAW),
};

static const struct input_binding input_help[] = {
	{ "?  F1", INPUT_A_HELP, "show or hide this help" },
	{ "q  Ctrl-C", INPUT_A_QUIT, "quit" },
	{ "/", INPUT_A_FILTER, "edit the filter (applies to every pane)" },
	{ "\\", INPUT_A_SEARCH, "search the tail (filter syntax)" },
	{ "n  N", INPUT_A_NEXT_MATCH, "next / previous search match in the tail" },
	{ "Tab  Shift-Tab", INPUT_A_NEXT_PANE, "next / previous pane" },
	{ "Up Down  k j", INPUT_A_UP, "move the cursor" },
	{ "PgUp PgDn  Ctrl-B Ctrl-F", INPUT_A_PGUP, "move by a page" },
	{ "Home End  g G", INPUT_A_HOME, "first / last row" },
	{ "Enter  Right  l", INPUT_A_ENTER, "drill in (tree), detail (tail), filter to (top)" },
	{ "Esc  Backspace  Left  h", INPUT_A_BACK, "drill out (tree), close detail and help" },
	{ "d", INPUT_A_DETAIL, "record detail of the tail row" },
	{ "s", INPUT_A_SORT, "rank by bytes, packets or flows" },
	{ "K  >  <", INPUT_A_KEY_NEXT, "top talkers: next / previous group key" },
	{ "+  =", INPUT_A_INCLUDE, "filter to the selected value" },
	{ "-  !", INPUT_A_EXCLUDE, "filter out the selected value" },
	{ "c", INPUT_A_CLEAR_FILTER, "clear the filter" },
	{ "P  Space", INPUT_A_PAUSE, "pause the display (input goes on)" },
	{ "o", INPUT_A_FREEZE, "freeze the order of the top talkers" },
	{ "r", INPUT_A_ORDER, "tail: newest first / oldest first" },
	{ "R", INPUT_A_REJECTS, "rejected lines: reasons and examples" },
	{ "m", INPUT_A_MOUSE, "mouse on / off (click selects, wheel scrolls)" },
	{ "Ctrl-L", INPUT_A_REDRAW, "redraw the screen" },
};

/* Hide terminfo's key_mouse from libtermkey 0.22 (see the file comment). */
static const char *
input_getstr_hook(const char *name, const char *value, void *data)
{
	(void)data;
	if (strcmp(name, "key_mouse") == 0)
		return NULL;
	return value;
}

/* Wrap a termkey instance. */
static struct input *
input_wrap(TermKey *tk, int fd)
{
	struct input *in;

	if (tk == NULL)
		return NULL;
	in = calloc(1, sizeof *in);
	if (in == NULL) {
		termkey_destroy(tk);
		return NULL;
	}
	in->tk = tk;
	in->fd = fd;
	return in;
}

/* Read keys from terminal descriptor fd (see input.h). */
struct input *
input_new(int fd, int utf8)
{
	int flags = TERMKEY_FLAG_NOTERMIOS | TERMKEY_FLAG_NOSTART |
	    TERMKEY_FLAG_EINTR | (utf8 ? TERMKEY_FLAG_UTF8 : TERMKEY_FLAG_RAW);
	TermKey *tk = termkey_new(fd, flags);

	if (tk == NULL)
		return NULL;
	termkey_hook_terminfo_getstr(tk, input_getstr_hook, NULL);
	return input_wrap(tk, fd);
}

/* An input fed by input_push (see input.h). */
struct input *
input_new_abstract(const char *term, int utf8)
{
	int flags = TERMKEY_FLAG_NOTERMIOS | TERMKEY_FLAG_NOSTART |
	    (utf8 ? TERMKEY_FLAG_UTF8 : TERMKEY_FLAG_RAW);
	TermKey *tk = termkey_new_abstract(term, flags);

	if (tk == NULL)
		return NULL;
	termkey_hook_terminfo_getstr(tk, input_getstr_hook, NULL);
	if (termkey_start(tk) == 0) {
		termkey_destroy(tk);
		return NULL;
	}
	return input_wrap(tk, -1);
}

/* Free an input. */
void
input_free(struct input *in)
{
	if (in == NULL)
		return;
	termkey_destroy(in->tk);
	free(in);
}

/* Start the keypad mode (termkey_start returns 1 on success). */
int
input_start(struct input *in)
{
	return termkey_start(in->tk) ? 0 : -1;
}

/* Stop the keypad mode. */
int
input_stop(struct input *in)
{
	return termkey_stop(in->tk) ? 0 : -1;
}

/* The descriptor to poll. */
int
input_fd(const struct input *in)
{
	return in->fd;
}

/* Feed bytes to an abstract input. */
void
input_push(struct input *in, const char *bytes, size_t len)
{
	termkey_push_bytes(in->tk, bytes, len);
}

/* Read what the descriptor has. */
void
input_readable(struct input *in)
{
	termkey_advisereadable(in->tk);
}

/* Convert a termkey event into the program's key type; 0 to drop it. */
static int
input_convert(TermKey *tk, const TermKeyKey *tkk, struct input_key *k)
{
	memset(k, 0, sizeof *k);
	if (tkk->modifiers & TERMKEY_KEYMOD_SHIFT)
		k->mods |= INPUT_M_SHIFT;
	if (tkk->modifiers & TERMKEY_KEYMOD_ALT)
		k->mods |= INPUT_M_ALT;
	if (tkk->modifiers & TERMKEY_KEYMOD_CTRL)
		k->mods |= INPUT_M_CTRL;
	switch (tkk->type) {
	case TERMKEY_TYPE_UNICODE:
		k->type = INPUT_CHAR;
		k->code = (uint32_t)tkk->code.codepoint;
		memcpy(k->utf8, tkk->utf8, sizeof k->utf8 - 1);
		k->utf8[sizeof k->utf8 - 1] = '\0';
		if (k->code == ' ' && k->mods == 0)
			k->utf8[0] = ' ', k->utf8[1] = '\0';
		return 1;
	case TERMKEY_TYPE_FUNCTION:
		k->type = INPUT_FUNC;
		k->code = (uint32_t)tkk->code.number;
		return 1;
	case TERMKEY_TYPE_KEYSYM:
		k->type = INPUT_SYM;
		switch (tkk->code.sym) {
		case TERMKEY_SYM_UP: k->code = INPUT_K_UP; break;
		case TERMKEY_SYM_DOWN: k->code = INPUT_K_DOWN; break;
		case TERMKEY_SYM_LEFT: k->code = INPUT_K_LEFT; break;
		case TERMKEY_SYM_RIGHT: k->code = INPUT_K_RIGHT; break;
		case TERMKEY_SYM_PAGEUP: k->code = INPUT_K_PGUP; break;
		case TERMKEY_SYM_PAGEDOWN: k->code = INPUT_K_PGDN; break;
		case TERMKEY_SYM_HOME: case TERMKEY_SYM_FIND:
			k->code = INPUT_K_HOME; break;
		case TERMKEY_SYM_END: case TERMKEY_SYM_SELECT:
			k->code = INPUT_K_END; break;
		case TERMKEY_SYM_ENTER: k->code = INPUT_K_ENTER; break;
		case TERMKEY_SYM_ESCAPE: k->code = INPUT_K_ESC; break;
		case TERMKEY_SYM_TAB: k->code = INPUT_K_TAB; break;
		case TERMKEY_SYM_BACKSPACE: case TERMKEY_SYM_DEL:
			k->code = INPUT_K_BACKSPACE; break;
		case TERMKEY_SYM_DELETE: k->code = INPUT_K_DELETE; break;
		case TERMKEY_SYM_SPACE:
			k->type = INPUT_CHAR;
			k->code = ' ';
			strcpy(k->utf8, " ");
			break;
		default: k->code = INPUT_K_OTHER; break;
		}
		return 1;
	case TERMKEY_TYPE_MOUSE: {
		TermKeyMouseEvent ev;
		int button, line, col;

		if (termkey_interpret_mouse(tk, tkk, &ev, &button, &line,
		    &col) != TERMKEY_RES_KEY)
			return 0;
		k->type = INPUT_MOUSE;
		k->mouse = ev == TERMKEY_MOUSE_PRESS ? INPUT_MOUSE_PRESS :
		    ev == TERMKEY_MOUSE_DRAG ? INPUT_MOUSE_DRAG :
		    ev == TERMKEY_MOUSE_RELEASE ? INPUT_MOUSE_RELEASE : 0;
		k->button = button;
		k->line = line - 1;
		k->col = col - 1;
		return 1;
	}
	default:
		return 0;	/* position reports, mode reports, DCS ... */
	}
}

/* Next complete key (see input.h). */
int
input_next(struct input *in, struct input_key *k, int *wait_ms)
{
	TermKeyKey tkk;
	TermKeyResult r;

	*wait_ms = -1;
	for (;;) {
		r = termkey_getkey(in->tk, &tkk);
		if (r == TERMKEY_RES_KEY) {
			if (input_convert(in->tk, &tkk, k))
				return 1;
			continue;
		}
		if (r == TERMKEY_RES_AGAIN)
			*wait_ms = termkey_get_waittime(in->tk);
		return 0;
	}
}

/* Take a pending partial key as it is. */
int
input_force(struct input *in, struct input_key *k)
{
	TermKeyKey tkk;

	while (termkey_getkey_force(in->tk, &tkk) == TERMKEY_RES_KEY)
		if (input_convert(in->tk, &tkk, k))
			return 1;
	return 0;
}

/* Tell whether k is character c (shift allowed: it makes the capital). */
int
input_is_char(const struct input_key *k, uint32_t c)
{
	return k->type == INPUT_CHAR && k->code == c &&
	    (k->mods & ~(unsigned)INPUT_M_SHIFT) == 0;
}

/* Tell whether k is Ctrl plus letter c. */
int
input_is_ctrl(const struct input_key *k, char c)
{
	return k->type == INPUT_CHAR && k->mods == INPUT_M_CTRL &&
	    (k->code == (uint32_t)c || k->code == (uint32_t)c - 32);
}

/* Tell whether k is the named key sym with exactly mods. */
int
input_is_sym(const struct input_key *k, int sym, unsigned mods)
{
	return k->type == INPUT_SYM && k->code == (uint32_t)sym &&
	    k->mods == mods;
}

/* The action bound to a key. */
int
input_action(const struct input_key *k)
{
	size_t i;

	for (i = 0; i < sizeof input_map / sizeof input_map[0]; i++) {
		const struct input_map *m = &input_map[i];

		if (m->type != k->type)
			continue;
		if (m->type == INPUT_CHAR && m->mods == 0 ?
		    input_is_char(k, m->code) :
		    m->type == INPUT_CHAR ? input_is_ctrl(k, (char)m->code) :
		    k->code == m->code && k->mods == m->mods)
			return m->action;
	}
	return INPUT_A_NONE;
}

/* The binding table for the help overlay. */
const struct input_binding *
input_bindings(size_t *n)
{
	*n = sizeof input_help / sizeof input_help[0];
	return input_help;
}

/* A key's name for messages. */
size_t
input_key_name(const struct input_key *k, char *buf, size_t size)
{
	static const char *const syms[] = {
		"?", "Up", "Down", "Left", "Right", "PageUp", "PageDown",
		"Home", "End", "Enter", "Escape", "Tab", "Backspace",
		"Delete", "Space", "key"
	};
	const char *pre = (k->mods & INPUT_M_CTRL) ? "Ctrl-" :
	    (k->mods & INPUT_M_ALT) ? "Alt-" : "";
	int n = 0;

	if (k->type == INPUT_CHAR)
		n = snprintf(buf, size, "%s%s", pre, k->utf8);
	else if (k->type == INPUT_SYM && k->code < sizeof syms / sizeof *syms)
		n = snprintf(buf, size, "%s%s%s", pre,
		    (k->mods & INPUT_M_SHIFT) ? "Shift-" : "", syms[k->code]);
	else if (k->type == INPUT_FUNC)
		n = snprintf(buf, size, "%sF%u", pre, (unsigned)k->code);
	else if (k->type == INPUT_MOUSE)
		n = snprintf(buf, size, "mouse");
	else if (size)
		buf[0] = '\0';
	return n < 0 ? 0 : (size_t)n;
}
