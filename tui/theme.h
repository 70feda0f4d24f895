/*
 * theme.h - colours and attributes of every screen element.
 *
 * A theme file (themes/NAME.theme) has one `element fg bg [attr,...]` per
 * line and `#` comments.  Colours are names (default, black, red, green,
 * yellow, blue, magenta, cyan, white, and bright-*), colorN (0-255) or
 * #rrggbb; attributes are bold, dim, underline, reverse, italic, blink.
 * Parsing and colour fallback are pure (testable without a terminal);
 * theme_apply turns a theme into curses colour pairs for the terminal at
 * hand, choosing the nearest colour it has (256, 16 or 8 colours), or
 * attributes only when colour is off (NO_COLOR, --no-color, mono).
 */
#ifndef VPCTOP_THEME_H
#define VPCTOP_THEME_H

#include <stddef.h>

/* Screen elements a theme styles. */
enum theme_elem {
	THEME_NORMAL,		/* pane text */
	THEME_TITLE,		/* title bar */
	THEME_STATUS,		/* status bar */
	THEME_LIVE,		/* "LIVE" marker and live source names */
	THEME_PAUSED,		/* "PAUSED" / "FROZEN" markers */
	THEME_HEADER,		/* column headers */
	THEME_PANE_TITLE,	/* title of an unfocused pane */
	THEME_PANE_FOCUS,	/* title of the focused pane */
	THEME_BORDER,		/* pane separators */
	THEME_SELECTED,		/* cursor row */
	THEME_ACCEPT,		/* ACCEPT action */
	THEME_REJECT,		/* REJECT action */
	THEME_NODATA,		/* NODATA / SKIPDATA records */
	THEME_BAR,		/* share and tree bars */
	THEME_BAR_REJECT,	/* rejects part of a bar, timeline rejects */
	THEME_TIMELINE,		/* timeline bytes */
	THEME_BREADCRUMB,	/* drill-down path */
	THEME_PROMPT,		/* filter prompt */
	THEME_ERROR,		/* error messages, caret */
	THEME_FILTER,		/* active filter in the status bar */
	THEME_HELP,		/* help overlay */
	THEME_DIM,		/* secondary text, absent values */
	THEME_ESCAPE,		/* escaped bytes of sanitised text */
	THEME_COUNT
};

/* Attribute bits of a style. */
enum {
	THEME_A_BOLD = 1, THEME_A_DIM = 2, THEME_A_UNDERLINE = 4,
	THEME_A_REVERSE = 8, THEME_A_ITALIC = 16, THEME_A_BLINK = 32
};

/* A colour: -1 terminal default, 0-255 palette index, or 0x1000000 | rgb
 * for a #rrggbb colour. */
#define THEME_RGB 0x1000000

struct theme_style {
	int fg, bg;
	unsigned attrs;
};

struct theme {
	char name[64];
	struct theme_style st[THEME_COUNT];
};

/* Name of an element as theme files spell it ("reject", "bar-reject"). */
const char *theme_elem_name(int elem);

/* The compiled-in default theme (256 colours). */
void theme_default(struct theme *t);

/* The monochrome theme: attributes only (NO_COLOR, --no-color). */
void theme_mono(struct theme *t);

/* Parse theme text over t (elements not named keep their style).
 * 0, or -1 with "FILE:LINE: message" in err. */
int theme_parse(struct theme *t, const char *text, size_t len,
    const char *fname, char *err, size_t errlen);

/* Load a theme by file path (contains '/' or ends in .theme) or by name,
 * searched in $XDG_CONFIG_HOME/vpctop/themes (or ~/.config/vpctop/themes),
 * then the installed data dir; "default" and "mono" are built in.  On
 * failure t is the default theme and err says why: 0 or -1. */
int theme_load(struct theme *t, const char *name, char *err, size_t errlen);

/* Nearest palette index to colour c among the first ncolors (8, 16 or
 * 256) of the xterm palette; an index below ncolors is itself, -1 stays
 * -1.  With 256 colours #rrggbb maps into the cube and greys (16-255). */
int theme_nearest(int c, int ncolors);

/* Set up curses colour pairs for t on the current terminal, calling
 * start_color and use_default_colors itself when colour is on (and the
 * terminal has colours); color 0 means attributes only. */
void theme_apply(const struct theme *t, int color);

/* The curses attributes (pair and attrs) of an element after theme_apply. */
int theme_attr(int elem);

#endif
