/*
 * ui.h - the interactive terminal interface.
 *
 * ui_run owns the terminal from start to exit: it opens the inputs
 * (live.h), the store, the panes, and runs the one poll loop until the
 * user quits or a signal says to stop, then gives the terminal back as
 * it found it.
 */
#ifndef VPCTOP_UI_H
#define VPCTOP_UI_H

#include <stdint.h>

#include "format.h"

/* What the command line chose for the interface. */
struct ui_opts {
	const struct format *fmt;	/* -F, or NULL for auto */
	uint64_t capacity;		/* records in the ring, 0: default */
	int follow;			/* -f */
	int demo;			/* --demo given */
	const char *scenario;		/* --demo=SCENARIO, NULL: all */
	uint64_t seed;
	int replay;			/* --replay given */
	double speed;			/* --replay=SPEED */
	const char *theme;		/* --theme, NULL: default */
	int no_color;			/* --no-color */
	int mouse;			/* --mouse */
	const char *filter;		/* -e, NULL: none */
	int top[2];			/* --top fields: the starting key */
	int by;				/* --by */
};

/* Run the interface over sources (none: stdin when it is not a
 * terminal); returns the exit status. */
int ui_run(const struct ui_opts *o, char **sources, int nsources);

#endif
