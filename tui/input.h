/*
 * input.h - keys and mouse from the terminal, and what they mean.
 *
 * This is the only module that knows libtermkey.  It turns the bytes the
 * terminal sends into the program's own key type (struct input_key) and
 * maps keys to actions through one binding table, which the help overlay
 * and the man page list and the unit tests check.  An input can read a
 * real terminal descriptor or, for tests, bytes pushed by hand.
 */
#ifndef VPCTOP_INPUT_H
#define VPCTOP_INPUT_H

#include <stddef.h>
#include <stdint.h>

/* What a key event is. */
enum input_type {
	INPUT_NONE,
	INPUT_CHAR,		/* a character: code is its Unicode value */
	INPUT_SYM,		/* a named key: code is enum input_sym */
	INPUT_FUNC,		/* a function key: code is its number */
	INPUT_MOUSE		/* a mouse event: see mouse, button, line, col */
};

/* Named keys. */
enum input_sym {
	INPUT_K_UP = 1, INPUT_K_DOWN, INPUT_K_LEFT, INPUT_K_RIGHT,
	INPUT_K_PGUP, INPUT_K_PGDN, INPUT_K_HOME, INPUT_K_END,
	INPUT_K_ENTER, INPUT_K_ESC, INPUT_K_TAB, INPUT_K_BACKSPACE,
	INPUT_K_DELETE, INPUT_K_SPACE, INPUT_K_OTHER
};

/* Modifier bits. */
enum { INPUT_M_SHIFT = 1, INPUT_M_ALT = 2, INPUT_M_CTRL = 4 };

/* Mouse event kinds. */
enum { INPUT_MOUSE_PRESS = 1, INPUT_MOUSE_DRAG, INPUT_MOUSE_RELEASE };

/* One key or mouse event. */
struct input_key {
	int type;		/* enum input_type */
	uint32_t code;		/* character, enum input_sym or F-number */
	unsigned mods;		/* INPUT_M_* */
	char utf8[8];		/* the character as UTF-8 (INPUT_CHAR) */
	int mouse;		/* INPUT_MOUSE_* */
	int button;		/* 1 left, 2 middle, 3 right, 4/5 wheel */
	int line, col;		/* 0-based screen cell */
};

/* What the program does for a key (outside the filter prompt). */
enum input_action {
	INPUT_A_NONE,
	INPUT_A_QUIT, INPUT_A_HELP, INPUT_A_FILTER, INPUT_A_SEARCH,
	INPUT_A_NEXT_MATCH, INPUT_A_PREV_MATCH,
	INPUT_A_NEXT_PANE, INPUT_A_PREV_PANE,
	INPUT_A_UP, INPUT_A_DOWN, INPUT_A_PGUP, INPUT_A_PGDN,
	INPUT_A_HOME, INPUT_A_END,
	INPUT_A_ENTER, INPUT_A_BACK,
	INPUT_A_SORT, INPUT_A_KEY_NEXT, INPUT_A_KEY_PREV,
	INPUT_A_PAUSE, INPUT_A_FREEZE, INPUT_A_MOUSE,
	INPUT_A_DETAIL, INPUT_A_REJECTS, INPUT_A_ORDER,
	INPUT_A_INCLUDE, INPUT_A_EXCLUDE, INPUT_A_CLEAR_FILTER,
	INPUT_A_REDRAW,
	INPUT_A_COUNT
};

/* One row of the binding table. */
struct input_binding {
	const char *keys;	/* as the help shows them: "q", "Ctrl-C" */
	int action;		/* enum input_action */
	const char *help;	/* what it does */
};

struct input;

/* Read keys from terminal descriptor fd (not started: call input_start);
 * utf8 says whether the terminal speaks UTF-8.  NULL on failure. */
struct input *input_new(int fd, int utf8);

/* An input fed by input_push for terminal type term (tests). */
struct input *input_new_abstract(const char *term, int utf8);

/* Free an input. */
void input_free(struct input *in);

/* Put the terminal into keypad mode; 0 or -1. */
int input_start(struct input *in);

/* Restore the terminal's keypad mode (before suspending or exiting). */
int input_stop(struct input *in);

/* The descriptor to poll. */
int input_fd(const struct input *in);

/* Feed bytes (abstract inputs). */
void input_push(struct input *in, const char *bytes, size_t len);

/* Read what the descriptor has (after poll said it is readable). */
void input_readable(struct input *in);

/* Next key: 1 with *k; 0 when none is complete, *wait_ms then being how
 * long to wait before calling input_force (-1: no partial key pending). */
int input_next(struct input *in, struct input_key *k, int *wait_ms);

/* Take a pending partial key as it is (a lone Escape); 1 with *k or 0. */
int input_force(struct input *in, struct input_key *k);

/* Tell whether k is the character c with no modifier but shift. */
int input_is_char(const struct input_key *k, uint32_t c);

/* Tell whether k is Ctrl plus letter c (lower case). */
int input_is_ctrl(const struct input_key *k, char c);

/* Tell whether k is the named key sym (mods: required modifiers). */
int input_is_sym(const struct input_key *k, int sym, unsigned mods);

/* The action bound to a key, INPUT_A_NONE if none. */
int input_action(const struct input_key *k);

/* The binding table, for the help overlay; *n gets its length. */
const struct input_binding *input_bindings(size_t *n);

/* A key's name for messages ("q", "Ctrl-X", "PageDown"). */
size_t input_key_name(const struct input_key *k, char *buf, size_t size);

#endif
