/*
 * theme.c - colours and attributes of every screen element.
 *
 * A theme is a table of styles (fg, bg, attributes), one per element.
 * The compiled-in default and mono themes are written in the theme file
 * syntax and go through the same parser as files (GoAccess does the same),
 * so themes/default.theme and themes/mono.theme can be checked against
 * them.  Parsing is atomic: a file with one bad line changes nothing.
 *
 * Colour fallback: a palette index the terminal has is used as it is;
 * anything else (#rrggbb, or an index above COLORS) goes to the nearest
 * xterm palette colour by squared RGB distance (plus a chroma term that
 * keeps greys grey).  With 256 colours the
 * search skips the 16 system colours, which users often redefine, and
 * takes the 6x6x6 cube and grey ramp, whose values are fixed; with 16 or
 * 8 colours it uses the xterm defaults of the system colours.  Truecolor
 * is not used: redefining palette entries with init_color would change
 * the user's terminal.  When the reduction makes a foreground equal to its
 * background (and they differed in the theme), the foreground becomes
 * black or white, whichever shows on that background.
 *
 * Without colour (NO_COLOR, --no-color, a terminal without colours) each
 * element keeps its own attributes and, where its look came from colour,
 * adds those of the mono theme, so the cursor row, rejects and headers
 * still stand out.
 */
#include "theme.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef VPCTOP_THEMEDIR
#error "VPCTOP_THEMEDIR (the installed themes directory) comes from Makefile.am"
#endif

#define THEME_MAX_FILE (256 * 1024)

static const char *const elem_names[THEME_COUNT] = {
	"normal", "title", "status", "live", "paused", "header",
	"pane-title", "pane-focus", "border", "selected", "accept", "reject",
	"nodata", "bar", "bar-reject", "timeline", "breadcrumb", "prompt",
	"error", "filter", "help", "dim", "escape",
};

static const char *const colour_names[16] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
	"bright-black", "bright-red", "bright-green", "bright-yellow",
	"bright-blue", "bright-magenta", "bright-cyan", "bright-white",
};

static const char *const attr_names[] = {
	"bold", "dim", "underline", "reverse", "italic", "blink",
};

/* The default theme, as themes/default.theme spells it. */
static const char default_text[] =
	"normal      default   default\n"
	"title       color231  color24   bold\n"
	"status      color252  color236\n"
	"live        color83   color236  bold\n"
	"paused      color214  color236  bold\n"
	"header      color234  color110  bold\n"
	"pane-title  color250  default\n"
	"pane-focus  color81   default   bold\n"
	"border      color240  default\n"
	"selected    color231  color25   bold\n"
	"accept      color114  default\n"
	"reject      color203  default   bold\n"
	"nodata      color247  default\n"
	"bar         color75   default\n"
	"bar-reject  color203  default\n"
	"timeline    color73   default\n"
	"breadcrumb  color179  default\n"
	"prompt      color222  default   bold\n"
	"error       color231  color124  bold\n"
	"filter      color221  color236\n"
	"help        color252  color235\n"
	"dim         color245  default\n"
	"escape      color213  default\n";

/* The mono theme, as themes/mono.theme spells it. */
static const char mono_text[] =
	"normal      default default\n"
	"title       default default reverse,bold\n"
	"status      default default reverse\n"
	"live        default default bold\n"
	"paused      default default bold,underline\n"
	"header      default default underline\n"
	"pane-title  default default bold\n"
	"pane-focus  default default reverse,bold\n"
	"border      default default dim\n"
	"selected    default default reverse\n"
	"accept      default default\n"
	"reject      default default bold\n"
	"nodata      default default dim\n"
	"bar         default default\n"
	"bar-reject  default default bold\n"
	"timeline    default default\n"
	"breadcrumb  default default bold\n"
	"prompt      default default bold\n"
	"error       default default reverse,bold\n"
	"filter      default default underline\n"
	"help        default default\n"
	"dim         default default dim\n"
	"escape      default default underline\n";

/* Curses attributes per element, set by theme_apply. */
static int applied[THEME_COUNT];

/* Name of an element as theme files spell it. */
const char *
theme_elem_name(int elem)
{
	return elem >= 0 && elem < THEME_COUNT ? elem_names[elem] : NULL;
}

/* Reset every element of t to default colours without attributes. */
static void
theme_blank(struct theme *t, const char *name)
{
	int i;

	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", name);
	for (i = 0; i < THEME_COUNT; i++) {
		t->st[i].fg = -1;
		t->st[i].bg = -1;
	}
}

/* The compiled-in default theme (256 colours). */
void
theme_default(struct theme *t)
{
	char err[8];

	theme_blank(t, "default");
	theme_parse(t, default_text, sizeof default_text - 1, "default",
	    err, sizeof err);
}

/* The monochrome theme: attributes only. */
void
theme_mono(struct theme *t)
{
	char err[8];

	theme_blank(t, "mono");
	theme_parse(t, mono_text, sizeof mono_text - 1, "mono", err,
	    sizeof err);
}

/* Whether the n bytes at s spell the NUL-terminated word w (any case). */
static int
word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

/* Value of n hex digits at s, or -1. */
static long
hex_value(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* A colour word: default, a name, colorN or #rrggbb; 0 or -1. */
static int
parse_colour(const char *s, size_t n, int *out)
{
	size_t i;
	int v = 0;

	if (word_is(s, n, "default")) {
		*out = -1;
		return 0;
	}
	for (i = 0; i < 16; i++) {
		if (word_is(s, n, colour_names[i])) {
			*out = (int)i;
			return 0;
		}
	}
	if (n == 7 && s[0] == '#') {
		long rgb = hex_value(s + 1, 6);

		if (rgb < 0)
			return -1;
		*out = THEME_RGB | (int)rgb;
		return 0;
	}
	if (n > 5 && n <= 8 && strncasecmp(s, "color", 5) == 0) {
		for (i = 5; i < n; i++) {
			if (s[i] < '0' || s[i] > '9')
				return -1;
			v = v * 10 + (s[i] - '0');
		}
		if (v > 255)
			return -1;
		*out = v;
		return 0;
	}
	return -1;
}

/* A word of the file for a message: at most 40 bytes, controls as '?'. */
static void
word_copy(char *dst, size_t size, const char *s, size_t n)
{
	size_t i;

	if (n > 40)
		n = 40;
	if (n >= size)
		n = size - 1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		dst[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	dst[n] = '\0';
}

/* Whether c separates words on a line. */
static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Parse one line (no newline) into t; 0, or -1 with a message in msg. */
static int
parse_line(struct theme *t, const char *s, size_t n, char *msg, size_t size)
{
	const char *w[16];
	size_t wl[16], nw = 0, i = 0, k;
	char word[48];
	int elem = -1, fg, bg;
	unsigned attrs = 0;

	while (i < n) {
		while (i < n && is_blank((unsigned char)s[i]))
			i++;
		if (i == n)
			break;
		/* A comment: the whole line, or a word after the colours. */
		if (s[i] == '#' && (nw == 0 || nw >= 3))
			break;
		if (nw == 16) {
			snprintf(msg, size, "too many words");
			return -1;
		}
		w[nw] = s + i;
		while (i < n && !is_blank((unsigned char)s[i]))
			i++;
		wl[nw] = (size_t)(s + i - w[nw]);
		nw++;
	}
	if (nw == 0)
		return 0;
	for (k = 0; k < THEME_COUNT; k++)
		if (word_is(w[0], wl[0], elem_names[k]))
			elem = (int)k;
	word_copy(word, sizeof word, w[0], wl[0]);
	if (elem < 0) {
		snprintf(msg, size, "unknown element '%s'", word);
		return -1;
	}
	if (nw < 2) {
		snprintf(msg, size, "missing foreground colour for '%s'",
		    word);
		return -1;
	}
	if (nw < 3) {
		snprintf(msg, size, "missing background colour for '%s'",
		    word);
		return -1;
	}
	for (k = 1; k <= 2; k++) {
		if (parse_colour(w[k], wl[k], k == 1 ? &fg : &bg) < 0) {
			word_copy(word, sizeof word, w[k], wl[k]);
			snprintf(msg, size, "bad colour '%s'", word);
			return -1;
		}
	}
	/* Attributes: comma-separated, spaces after commas allowed. */
	for (k = 3; k < nw; k++) {
		const char *a = w[k], *end = w[k] + wl[k];

		while (a < end) {
			const char *c = memchr(a, ',', (size_t)(end - a));
			size_t al = (size_t)((c ? c : end) - a), j;
			int found = 0;

			for (j = 0; al && j < 6; j++) {
				if (word_is(a, al, attr_names[j])) {
					attrs |= 1u << j;
					found = 1;
				}
			}
			if (al && !found && !word_is(a, al, "none")) {
				word_copy(word, sizeof word, a, al);
				snprintf(msg, size, "bad attribute '%s'", word);
				return -1;
			}
			a += al + (c != NULL);
		}
	}
	t->st[elem].fg = fg;
	t->st[elem].bg = bg;
	t->st[elem].attrs = attrs;
	return 0;
}

/* Parse theme text over t; 0, or -1 with "FILE:LINE: message" in err. */
int
theme_parse(struct theme *t, const char *text, size_t len,
    const char *fname, char *err, size_t errlen)
{
	struct theme tmp = *t;
	size_t pos = 0;
	unsigned line = 0;
	char msg[128];

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		line++;
		if (parse_line(&tmp, text + pos, n, msg, sizeof msg) < 0) {
			if (err && errlen)
				snprintf(err, errlen, "%s:%u: %s",
				    fname ? fname : "-", line, msg);
			return -1;
		}
		pos += n + 1;
	}
	memcpy(tmp.name, t->name, sizeof tmp.name);
	*t = tmp;
	if (err && errlen)
		err[0] = '\0';
	return 0;
}

/* Read the file at path and parse it over t; 0, 1 when it does not
 * exist (and missing_ok), or -1 with a message in err. */
static int
load_file(struct theme *t, const char *path, int missing_ok, char *err,
    size_t errlen)
{
	struct stat sb;
	char *buf;
	size_t got = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (missing_ok && (errno == ENOENT || errno == ENOTDIR))
			return 1;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size > THEME_MAX_FILE) {
		snprintf(err, errlen, "%s: %s", path, !S_ISREG(sb.st_mode) ?
		    "not a regular file" : "too large for a theme");
		close(fd);
		return -1;
	}
	buf = malloc((size_t)sb.st_size + 1);
	if (buf == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		close(fd);
		return -1;
	}
	errno = 0;
	while (got < (size_t)sb.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)sb.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got < (size_t)sb.st_size) {
		snprintf(err, errlen, "%s: %s", path, errno ? strerror(errno) :
		    "short read");
		free(buf);
		close(fd);
		return -1;
	}
	close(fd);
	rc = theme_parse(t, buf, got, path, err, errlen);
	free(buf);
	return rc;
}

/* The user's theme directory, or "" when neither XDG nor HOME is set. */
static void
user_dir(char *buf, size_t size)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");

	if (x && x[0] == '/')
		snprintf(buf, size, "%s/vpctop/themes", x);
	else if (h && h[0])
		snprintf(buf, size, "%s/.config/vpctop/themes", h);
	else
		buf[0] = '\0';
}

/* Load a theme by path or name; on failure t is the default theme. */
int
theme_load(struct theme *t, const char *name, char *err, size_t errlen)
{
	char dir[4096], path[4200], e[512];
	size_t n = name ? strlen(name) : 0;
	const char *base;
	int rc;

	theme_default(t);
	if (err && errlen)
		err[0] = '\0';
	if (n == 0 || strcmp(name, "default") == 0)
		return 0;
	if (strcmp(name, "mono") == 0) {
		theme_mono(t);
		return 0;
	}
	e[0] = '\0';
	if (strchr(name, '/') || (n > 6 && !strcmp(name + n - 6, ".theme"))) {
		rc = load_file(t, name, 0, e, sizeof e);
	} else {
		user_dir(dir, sizeof dir);
		rc = 1;
		if (dir[0]) {
			snprintf(path, sizeof path, "%s/%s.theme", dir, name);
			rc = load_file(t, path, 1, e, sizeof e);
		}
		if (rc == 1) {
			snprintf(path, sizeof path, "%s/%s.theme",
			    VPCTOP_THEMEDIR, name);
			rc = load_file(t, path, 1, e, sizeof e);
		}
		if (rc == 1)
			snprintf(e, sizeof e, "theme '%s' not found in %s%s%s",
			    name, dir, dir[0] ? " or " : "", VPCTOP_THEMEDIR);
	}
	if (rc != 0) {
		theme_default(t);
		if (err && errlen)
			snprintf(err, errlen, "%s", e);
		return -1;
	}
	base = strrchr(name, '/');
	base = base ? base + 1 : name;
	n = strlen(base);
	if (n > 6 && !strcmp(base + n - 6, ".theme"))
		n -= 6;
	snprintf(t->name, sizeof t->name, "%.*s", (int)n, base);
	return 0;
}

/* RGB (0xrrggbb) of an xterm palette index 0-255. */
static int
palette_rgb(int i)
{
	static const int sys[16] = {
		0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd,
		0x00cdcd, 0xe5e5e5, 0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00,
		0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
	};
	static const int level[6] = { 0, 0x5f, 0x87, 0xaf, 0xd7, 0xff };

	if (i < 16)
		return sys[i];
	if (i < 232) {
		i -= 16;
		return level[i / 36] << 16 | level[i / 6 % 6] << 8 |
		    level[i % 6];
	}
	i = 8 + (i - 232) * 10;
	return i << 16 | i << 8 | i;
}

/* Chroma of a 0xrrggbb colour: its largest channel minus its smallest. */
static long
chroma(int c)
{
	int r = c >> 16 & 255, g = c >> 8 & 255, b = c & 255;
	int hi = r > g ? (r > b ? r : b) : (g > b ? g : b);
	int lo = r < g ? (r < b ? r : b) : (g < b ? g : b);

	return hi - lo;
}

/* Distance of two 0xrrggbb colours: squared RGB distance plus the squared
 * difference of their chromas, so that greys go to greys (plain RGB
 * distance takes #808080 to yellow #cdcd00 among the 8 colours). */
static long
rgb_dist(int a, int b)
{
	long dr = (a >> 16 & 255) - (b >> 16 & 255);
	long dg = (a >> 8 & 255) - (b >> 8 & 255);
	long db = (a & 255) - (b & 255);
	long dc = chroma(a) - chroma(b);

	return dr * dr + dg * dg + db * db + dc * dc;
}

/* Nearest palette index to colour c among the first ncolors. */
int
theme_nearest(int c, int ncolors)
{
	int rgb, i, lo, hi, best = 0;
	long bestd = -1;

	if (c < 0)
		return -1;
	if (!(c & THEME_RGB) && c < 256 && c < ncolors)
		return c;
	rgb = c & THEME_RGB ? c & 0xffffff : palette_rgb(c & 255);
	if (ncolors >= 256) {
		lo = 16;
		hi = 256;
	} else {
		lo = 0;
		hi = ncolors >= 16 ? 16 : 8;
	}
	for (i = lo; i < hi; i++) {
		long d = rgb_dist(rgb, palette_rgb(i));

		if (bestd < 0 || d < bestd) {
			bestd = d;
			best = i;
		}
	}
	return best;
}

/* Curses attribute bits of theme attribute bits. */
static int
curses_attrs(unsigned a)
{
	attr_t r = A_NORMAL;

	if (a & THEME_A_BOLD)
		r |= A_BOLD;
	if (a & THEME_A_DIM)
		r |= A_DIM;
	if (a & THEME_A_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & THEME_A_REVERSE)
		r |= A_REVERSE;
#ifdef A_ITALIC
	if (a & THEME_A_ITALIC)
		r |= A_ITALIC;
#endif
	if (a & THEME_A_BLINK)
		r |= A_BLINK;
	return (int)r;
}

/* A colour for the terminal at hand: -1 stays default when allowed.
 * Direct-colour terminals (COLORS above 256) take numbers as RGB values
 * except 0-7, so they get the 8 ANSI colours. */
static int
term_colour(int c, int fg, int has_default)
{
	if (c < 0)
		return has_default ? -1 : fg ? COLOR_WHITE : COLOR_BLACK;
	return theme_nearest(c, COLORS > 256 ? 8 : COLORS);
}

/* Set up curses colour pairs for t on the current terminal. */
void
theme_apply(const struct theme *t, int color)
{
	struct theme mono;
	int i, has_default;

	theme_mono(&mono);
	if (color && has_colors() && start_color() != ERR && COLORS >= 8 &&
	    COLOR_PAIRS > THEME_COUNT) {
		has_default = use_default_colors() != ERR;
		for (i = 0; i < THEME_COUNT; i++) {
			const struct theme_style *s = &t->st[i];
			int fg = term_colour(s->fg, 1, has_default);
			int bg = term_colour(s->bg, 0, has_default);

			/* Keep text readable where reduction merged fg and bg. */
			if (fg == bg && fg >= 0 && s->fg != s->bg) {
				int rgb = palette_rgb(bg);
				int lum = 3 * (rgb >> 16 & 255) +
				    6 * (rgb >> 8 & 255) + (rgb & 255);

				fg = lum < 1280 ? COLOR_WHITE : COLOR_BLACK;
				if (fg == bg)
					fg = fg == COLOR_WHITE ? COLOR_BLACK :
					    COLOR_WHITE;
			}
			init_pair((short)(i + 1), (short)fg, (short)bg);
			applied[i] = (int)COLOR_PAIR(i + 1) |
			    curses_attrs(s->attrs);
		}
		return;
	}
	for (i = 0; i < THEME_COUNT; i++) {
		const struct theme_style *s = &t->st[i];
		unsigned a = s->attrs;

		if (s->fg >= 0 || s->bg >= 0)
			a |= mono.st[i].attrs;
		applied[i] = curses_attrs(a);
	}
}

/* The curses attributes of an element after theme_apply. */
int
theme_attr(int elem)
{
	return elem >= 0 && elem < THEME_COUNT ? applied[elem] : (int)A_NORMAL;
}
