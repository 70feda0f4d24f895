/*
 * sanitize.h - text from logs made safe for the terminal.
 *
 * Bytes that came from a log are untrusted: a control byte or an escape
 * sequence could move the cursor, retitle the window or worse.  Valid,
 * printable UTF-8 passes through; C0/C1 controls, DEL and invalid UTF-8
 * are written as visible escapes (\t \n \r \e, else \xNN), so what the
 * user sees says exactly what the bytes were.
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

#endif
