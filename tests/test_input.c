/*
 * test_input.c - key decoding, bindings and the prompt's line editor,
 * without a terminal: bytes go into an abstract libtermkey instance.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../tui/input.h"
#include "../tui/prompt.h"

/* Push bytes into an abstract xterm input and read one key. */
static int
one_key(const char *term, const char *bytes, struct input_key *k)
{
	struct input *in = input_new_abstract(term, 1);
	int wait, r;

	assert_non_null(in);
	input_push(in, bytes, strlen(bytes));
	r = input_next(in, k, &wait);
	if (!r && wait >= 0)
		r = input_force(in, k);
	input_free(in);
	return r;
}

/* The action of the key the bytes make. */
static int
action_of(const char *bytes)
{
	struct input_key k;

	assert_int_equal(one_key("xterm", bytes, &k), 1);
	return input_action(&k);
}

/* Keys reach the right actions. */
static void
test_bindings(void **state)
{
	(void)state;
	assert_int_equal(action_of("q"), INPUT_A_QUIT);
	assert_int_equal(action_of("\x03"), INPUT_A_QUIT);
	assert_int_equal(action_of("?"), INPUT_A_HELP);
	assert_int_equal(action_of("\x1bOP"), INPUT_A_HELP);
	assert_int_equal(action_of("/"), INPUT_A_FILTER);
	assert_int_equal(action_of("n"), INPUT_A_NEXT_MATCH);
	assert_int_equal(action_of("N"), INPUT_A_PREV_MATCH);
	assert_int_equal(action_of("\t"), INPUT_A_NEXT_PANE);
	assert_int_equal(action_of("\x1b[Z"), INPUT_A_PREV_PANE);
	assert_int_equal(action_of("\x1b[A"), INPUT_A_UP);
	assert_int_equal(action_of("k"), INPUT_A_UP);
	assert_int_equal(action_of("\x1b[B"), INPUT_A_DOWN);
	assert_int_equal(action_of("j"), INPUT_A_DOWN);
	assert_int_equal(action_of("\x1b[5~"), INPUT_A_PGUP);
	assert_int_equal(action_of("\x1b[6~"), INPUT_A_PGDN);
	assert_int_equal(action_of("\x1b[H"), INPUT_A_HOME);
	assert_int_equal(action_of("g"), INPUT_A_HOME);
	assert_int_equal(action_of("\x1b[F"), INPUT_A_END);
	assert_int_equal(action_of("G"), INPUT_A_END);
	assert_int_equal(action_of("\r"), INPUT_A_ENTER);
	assert_int_equal(action_of("\x7f"), INPUT_A_BACK);
	assert_int_equal(action_of("\x1b"), INPUT_A_BACK);	/* lone Escape */
	assert_int_equal(action_of("s"), INPUT_A_SORT);
	assert_int_equal(action_of("K"), INPUT_A_KEY_NEXT);
	assert_int_equal(action_of("<"), INPUT_A_KEY_PREV);
	assert_int_equal(action_of("P"), INPUT_A_PAUSE);
	assert_int_equal(action_of(" "), INPUT_A_PAUSE);
	assert_int_equal(action_of("o"), INPUT_A_FREEZE);
	assert_int_equal(action_of("m"), INPUT_A_MOUSE);
	assert_int_equal(action_of("d"), INPUT_A_DETAIL);
	assert_int_equal(action_of("R"), INPUT_A_REJECTS);
	assert_int_equal(action_of("r"), INPUT_A_ORDER);
	assert_int_equal(action_of("+"), INPUT_A_INCLUDE);
	assert_int_equal(action_of("-"), INPUT_A_EXCLUDE);
	assert_int_equal(action_of("\x0c"), INPUT_A_REDRAW);
	assert_int_equal(action_of("x"), INPUT_A_NONE);
	assert_int_equal(action_of("\x1b" "a"), INPUT_A_NONE);	/* Alt-a */
}

/* A lone Escape is a key only after the wait, not at once. */
static void
test_lone_escape(void **state)
{
	struct input *in = input_new_abstract("xterm", 1);
	struct input_key k;
	int wait;

	(void)state;
	input_push(in, "\x1b", 1);
	assert_int_equal(input_next(in, &k, &wait), 0);
	assert_true(wait > 0);
	assert_int_equal(input_force(in, &k), 1);
	assert_true(input_is_sym(&k, INPUT_K_ESC, 0));
	input_free(in);
}

/* SGR mouse reports decode under xterm-256color (the key_mouse hook). */
static void
test_sgr_mouse(void **state)
{
	struct input *in = input_new_abstract("xterm-256color", 1);
	struct input_key k;
	int wait;

	(void)state;
	assert_non_null(in);
	input_push(in, "\x1b[<0;10;5M\x1b[<0;10;5mq", 21);
	assert_int_equal(input_next(in, &k, &wait), 1);
	assert_int_equal(k.type, INPUT_MOUSE);
	assert_int_equal(k.mouse, INPUT_MOUSE_PRESS);
	assert_int_equal(k.button, 1);
	assert_int_equal(k.line, 4);
	assert_int_equal(k.col, 9);
	assert_int_equal(input_next(in, &k, &wait), 1);
	assert_int_equal(k.mouse, INPUT_MOUSE_RELEASE);
	assert_int_equal(input_next(in, &k, &wait), 1);
	assert_true(input_is_char(&k, 'q'));	/* no stray keys */
	input_push(in, "\x1b[<65;3;2M", 10);	/* wheel down */
	assert_int_equal(input_next(in, &k, &wait), 1);
	assert_int_equal(k.button, 5);
	input_free(in);
}

/* Every action some key gives is in the help table, and back. */
static void
test_help_complete(void **state)
{
	static const char *const seqs[] = { "\t", "\x1b[Z", "\x1b[A",
	    "\x1b[B", "\x1b[C", "\x1b[D", "\x1b[5~", "\x1b[6~", "\x1b[H",
	    "\x1b[F", "\r", "\x7f", "\x1b[3~", "\x1bOP", "\x02", "\x03",
	    "\x06", "\x0c" };
	/* actions documented on the row of their partner */
	static const int partner[][2] = {
		{ INPUT_A_PREV_MATCH, INPUT_A_NEXT_MATCH },
		{ INPUT_A_PREV_PANE, INPUT_A_NEXT_PANE },
		{ INPUT_A_DOWN, INPUT_A_UP }, { INPUT_A_PGDN, INPUT_A_PGUP },
		{ INPUT_A_END, INPUT_A_HOME },
		{ INPUT_A_KEY_PREV, INPUT_A_KEY_NEXT },
	};
	int given[INPUT_A_COUNT] = { 0 }, documented[INPUT_A_COUNT] = { 0 };
	const struct input_binding *b;
	size_t n, i;
	char c[2] = { 0, 0 };

	(void)state;
	for (c[0] = 0x20; c[0] < 0x7f; c[0]++)
		given[action_of(c)] = 1;
	for (i = 0; i < sizeof seqs / sizeof seqs[0]; i++)
		given[action_of(seqs[i])] = 1;
	b = input_bindings(&n);
	for (i = 0; i < n; i++) {
		assert_true(given[b[i].action]);
		documented[b[i].action] = 1;
	}
	for (i = 0; i < sizeof partner / sizeof partner[0]; i++)
		if (documented[partner[i][1]])
			documented[partner[i][0]] = 1;
	for (i = 1; i < INPUT_A_COUNT; i++)
		if (given[i] && !documented[i])
			fail_msg("action %zu has a key but no help line", i);
}

/* Feed a string of keys (bytes) to a prompt; returns the last result. */
static int
edit(struct prompt *p, const char *bytes)
{
	struct input *in = input_new_abstract("xterm", 1);
	struct input_key k;
	int wait, r = PROMPT_NONE;

	input_push(in, bytes, strlen(bytes));
	while (input_next(in, &k, &wait) || (wait >= 0 &&
	    input_force(in, &k)))
		r = prompt_key(p, &k);
	input_free(in);
	return r;
}

/* Line editing: insert, move, delete, words, UTF-8. */
static void
test_prompt_editing(void **state)
{
	struct prompt p;

	(void)state;
	prompt_start(&p, NULL, NULL);
	assert_int_equal(edit(&p, "dstport = 2"), PROMPT_EDITED);
	assert_string_equal(p.buf, "dstport = 2");
	edit(&p, "2");
	assert_string_equal(p.buf, "dstport = 22");
	edit(&p, "\x1b[D\x1b[D" "1");			/* Left Left 1 */
	assert_string_equal(p.buf, "dstport = 122");
	edit(&p, "\x1b[H" "x");				/* Home x */
	assert_string_equal(p.buf, "xdstport = 122");
	edit(&p, "\x1b[3~");				/* Delete */
	assert_string_equal(p.buf, "xstport = 122");
	edit(&p, "\x1b[F\x7f");				/* End Backspace */
	assert_string_equal(p.buf, "xstport = 12");
	edit(&p, "\x17");				/* Ctrl-W */
	assert_string_equal(p.buf, "xstport = ");
	edit(&p, "\x17");
	assert_string_equal(p.buf, "xstport ");
	edit(&p, "\x15");				/* Ctrl-U */
	assert_string_equal(p.buf, "");
	edit(&p, "caf\xc3\xa9!");
	edit(&p, "\x1b[D\x7f");				/* removes the é */
	assert_string_equal(p.buf, "caf!");
	assert_int_equal(edit(&p, "\r"), PROMPT_ENTER);
	assert_int_equal(edit(&p, "\x1b"), PROMPT_CANCEL);
}

/* History: Up goes back, Down returns to the line being edited. */
static void
test_prompt_history(void **state)
{
	struct prompt_history h;
	struct prompt p;

	(void)state;
	memset(&h, 0, sizeof h);
	prompt_history_add(&h, "reject");
	prompt_history_add(&h, "dstport = 22");
	prompt_history_add(&h, "dstport = 22");	/* not twice */
	assert_int_equal(h.n, 2);
	prompt_start(&p, "tc", &h);
	edit(&p, "p");
	edit(&p, "\x1b[A");
	assert_string_equal(p.buf, "dstport = 22");
	edit(&p, "\x1b[A");
	assert_string_equal(p.buf, "reject");
	edit(&p, "\x1b[A");
	assert_string_equal(p.buf, "reject");
	edit(&p, "\x1b[B\x1b[B");
	assert_string_equal(p.buf, "tcp");
	prompt_history_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bindings),
		cmocka_unit_test(test_lone_escape),
		cmocka_unit_test(test_sgr_mouse),
		cmocka_unit_test(test_help_complete),
		cmocka_unit_test(test_prompt_editing),
		cmocka_unit_test(test_prompt_history),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
