/*
 * prompt.h - a one-line editor with history, for the filter and search
 * prompts.
 *
 * Editing is pure (no terminal): keys go in, the text and cursor come
 * out, so the editor is unit-testable.  Keys: Left/Right, Home/End
 * (Ctrl-A/Ctrl-E), Backspace, Delete (Ctrl-D), Ctrl-U (to the start),
 * Ctrl-K (to the end), Ctrl-W (word before the cursor), Up/Down (history
 * kept for the session), Enter, Escape (or Ctrl-G).  The cursor moves by
 * whole UTF-8 characters.
 */
#ifndef VPCTOP_PROMPT_H
#define VPCTOP_PROMPT_H

#include <stddef.h>

#include "input.h"

#define PROMPT_MAX 1024
#define PROMPT_HISTORY 64

/* What a key did to the prompt. */
enum prompt_result {
	PROMPT_NONE,		/* nothing (key not for the prompt) */
	PROMPT_MOVED,		/* cursor moved, text unchanged */
	PROMPT_EDITED,		/* text changed */
	PROMPT_ENTER,		/* accept */
	PROMPT_CANCEL		/* give up */
};

struct prompt_history {
	char *line[PROMPT_HISTORY];
	int n;			/* entries, oldest first */
};

struct prompt {
	char buf[PROMPT_MAX];
	size_t len, cur;	/* bytes; cur <= len */
	struct prompt_history *hist;
	int hpos;		/* history entry shown, hist->n: the edit line */
	char saved[PROMPT_MAX];	/* the edit line while browsing history */
};

/* Start editing text (may be NULL) with the cursor at its end. */
void prompt_start(struct prompt *p, const char *text,
    struct prompt_history *h);

/* Apply a key; returns enum prompt_result. */
int prompt_key(struct prompt *p, const struct input_key *k);

/* Add a line to a history (not twice in a row, not empty). */
void prompt_history_add(struct prompt_history *h, const char *line);

/* Free a history's lines. */
void prompt_history_free(struct prompt_history *h);

#endif
