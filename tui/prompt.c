/*
 * prompt.c - one-line editor with history (see prompt.h).
 *
 * The text is kept as bytes; the cursor only stops on UTF-8 character
 * starts, so editing never splits a character.  History browsing keeps
 * the line being edited aside and gives it back when Down goes past the
 * newest entry, as shells do.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "prompt.h"

/* Tell whether byte c continues a UTF-8 character. */
static int
prompt_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/* Start of the character before byte offset i. */
static size_t
prompt_prev(const struct prompt *p, size_t i)
{
	if (i == 0)
		return 0;
	i--;
	while (i > 0 && prompt_cont((unsigned char)p->buf[i]))
		i--;
	return i;
}

/* Start of the character after byte offset i. */
static size_t
prompt_next(const struct prompt *p, size_t i)
{
	if (i >= p->len)
		return p->len;
	i++;
	while (i < p->len && prompt_cont((unsigned char)p->buf[i]))
		i++;
	return i;
}

/* Replace the text. */
static void
prompt_set(struct prompt *p, const char *text)
{
	size_t n = text ? strlen(text) : 0;

	if (n >= PROMPT_MAX)
		n = PROMPT_MAX - 1;
	memcpy(p->buf, text ? text : "", n);
	p->buf[n] = '\0';
	p->len = p->cur = n;
}

/* Start editing text with the cursor at its end. */
void
prompt_start(struct prompt *p, const char *text, struct prompt_history *h)
{
	prompt_set(p, text);
	p->hist = h;
	p->hpos = h ? h->n : 0;
	p->saved[0] = '\0';
}

/* Delete bytes [a, b). */
static void
prompt_delete(struct prompt *p, size_t a, size_t b)
{
	memmove(p->buf + a, p->buf + b, p->len - b + 1);
	p->len -= b - a;
	if (p->cur > b)
		p->cur -= b - a;
	else if (p->cur > a)
		p->cur = a;
}

/* Insert n bytes at the cursor; 0 when they do not fit. */
static int
prompt_insert(struct prompt *p, const char *s, size_t n)
{
	if (p->len + n >= PROMPT_MAX)
		return 0;
	memmove(p->buf + p->cur + n, p->buf + p->cur, p->len - p->cur + 1);
	memcpy(p->buf + p->cur, s, n);
	p->len += n;
	p->cur += n;
	return 1;
}

/* Show history entry i (hist->n: the saved edit line). */
static int
prompt_history_go(struct prompt *p, int i)
{
	struct prompt_history *h = p->hist;

	if (h == NULL || i < 0 || i > h->n || i == p->hpos)
		return PROMPT_NONE;
	if (p->hpos == h->n)
		memcpy(p->saved, p->buf, p->len + 1);
	p->hpos = i;
	prompt_set(p, i == h->n ? p->saved : h->line[i]);
	return PROMPT_EDITED;
}

/* Apply a key. */
int
prompt_key(struct prompt *p, const struct input_key *k)
{
	size_t i;

	if (input_is_sym(k, INPUT_K_ENTER, 0))
		return PROMPT_ENTER;
	if (input_is_sym(k, INPUT_K_ESC, 0) || input_is_ctrl(k, 'g') ||
	    input_is_ctrl(k, 'c'))
		return PROMPT_CANCEL;
	if (input_is_sym(k, INPUT_K_LEFT, 0) || input_is_ctrl(k, 'b')) {
		p->cur = prompt_prev(p, p->cur);
		return PROMPT_MOVED;
	}
	if (input_is_sym(k, INPUT_K_RIGHT, 0) || input_is_ctrl(k, 'f')) {
		p->cur = prompt_next(p, p->cur);
		return PROMPT_MOVED;
	}
	if (input_is_sym(k, INPUT_K_HOME, 0) || input_is_ctrl(k, 'a')) {
		p->cur = 0;
		return PROMPT_MOVED;
	}
	if (input_is_sym(k, INPUT_K_END, 0) || input_is_ctrl(k, 'e')) {
		p->cur = p->len;
		return PROMPT_MOVED;
	}
	if (input_is_sym(k, INPUT_K_BACKSPACE, 0) || input_is_ctrl(k, 'h')) {
		if (p->cur == 0)
			return PROMPT_MOVED;
		prompt_delete(p, prompt_prev(p, p->cur), p->cur);
		return PROMPT_EDITED;
	}
	if (input_is_sym(k, INPUT_K_DELETE, 0) || input_is_ctrl(k, 'd')) {
		if (p->cur == p->len)
			return PROMPT_MOVED;
		prompt_delete(p, p->cur, prompt_next(p, p->cur));
		return PROMPT_EDITED;
	}
	if (input_is_ctrl(k, 'u')) {
		prompt_delete(p, 0, p->cur);
		return PROMPT_EDITED;
	}
	if (input_is_ctrl(k, 'k')) {
		prompt_delete(p, p->cur, p->len);
		return PROMPT_EDITED;
	}
	if (input_is_ctrl(k, 'w')) {
		i = p->cur;
		while (i > 0 && p->buf[i - 1] == ' ')
			i--;
		while (i > 0 && p->buf[i - 1] != ' ')
			i--;
		prompt_delete(p, i, p->cur);
		return PROMPT_EDITED;
	}
	if (input_is_sym(k, INPUT_K_UP, 0) || input_is_ctrl(k, 'p'))
		return prompt_history_go(p, p->hpos - 1);
	if (input_is_sym(k, INPUT_K_DOWN, 0) || input_is_ctrl(k, 'n'))
		return prompt_history_go(p, p->hpos + 1);
	if (k->type == INPUT_CHAR && (k->mods & ~(unsigned)INPUT_M_SHIFT) == 0 &&
	    k->code >= 0x20 && k->code != 0x7f && k->utf8[0] != '\0')
		return prompt_insert(p, k->utf8, strlen(k->utf8)) ?
		    PROMPT_EDITED : PROMPT_NONE;
	return PROMPT_NONE;
}

/* Add a line to a history. */
void
prompt_history_add(struct prompt_history *h, const char *line)
{
	char *copy;

	if (line[0] == '\0' ||
	    (h->n > 0 && strcmp(h->line[h->n - 1], line) == 0))
		return;
	copy = strdup(line);
	if (copy == NULL)
		return;
	if (h->n == PROMPT_HISTORY) {
		free(h->line[0]);
		memmove(h->line, h->line + 1, (PROMPT_HISTORY - 1) *
		    sizeof h->line[0]);
		h->n--;
	}
	h->line[h->n++] = copy;
}

/* Free a history's lines. */
void
prompt_history_free(struct prompt_history *h)
{
	int i;

	for (i = 0; i < h->n; i++)
		free(h->line[i]);
	h->n = 0;
}
