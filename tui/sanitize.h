/*
 * sanitize.h - text from logs made safe for the terminal.
 *
 * Bytes that came from a log are untrusted: a control byte or an escape
 * sequence could move the cursor, retitle the window or worse.  Valid,
 * printable UTF-8 passes through; C0/C1 controls, DEL and invalid UTF-8
 * are written as visible escapes (\t \n \r \e, else \xNN), so what the
 * user sees says exactly what the bytes were.  A backslash from the log
 * stays a plain backslash; the UI tells real escapes apart by drawing them
 * in the THEME_ESCAPE style (see sanitize_next).  Widths come from a small
 * compiled-in table, never from the locale.
 */
#ifndef VPCTOP_SANITIZE_H
#define VPCTOP_SANITIZE_H

#include <stddef.h>

/* Write len bytes of p, sanitised and NUL-terminated, into out (size
 * bytes), stopping before max_cols display columns (0: no limit) or the
 * end of out; returns the display columns written. */
int sanitize_text(const char *p, size_t len, char *out, size_t size,
    int max_cols);

/* Display columns the sanitised form of p would take. */
int sanitize_width(const char *p, size_t len);

/* One unit of sanitised text: a character passed through or one escape. */
struct sanitize_unit {
	char text[8];		/* NUL-terminated UTF-8 or escape */
	int len;		/* bytes in text */
	int cols;		/* display columns: 0, 1, 2 or 4 */
	int escaped;		/* 1 for an escape (\t \n \r \e \xNN) */
};

/* Cut the next unit from p (len > 0) into u; returns the bytes of p it
 * stands for (1 to 4), for callers that style escapes themselves. */
size_t sanitize_next(const char *p, size_t len, struct sanitize_unit *u);

#endif
