/*
 * test_theme.c - theme files and the built-in themes: every shipped file
 * parses and names every element, default.theme and mono.theme are the
 * built-in themes, 16color.theme keeps to colours 0-15; parse errors with
 * exact messages and line numbers; nearest palette colours; the search
 * order of theme_load (in a temporary XDG_CONFIG_HOME and HOME); the
 * attributes-only look; and, when the terminfo entries exist, colour pairs
 * on an xterm-256color and an 8-colour xterm screen writing to /dev/null.
 * Shipped themes are read from $VPCTOP_SRCDIR/themes (make check sets it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curses.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "theme.h"

static const char *const shipped[] = {
	"default", "16color", "light", "high-contrast", "mono",
};

/* Path of a shipped theme file. */
static void
shipped_path(char *buf, size_t size, const char *name)
{
	const char *src = getenv("VPCTOP_SRCDIR");

	snprintf(buf, size, "%s/themes/%s.theme", src ? src : ".", name);
}

/* A theme whose every style is a value no file can give. */
static void
sentinel(struct theme *t)
{
	int i;

	memset(t, 0, sizeof *t);
	for (i = 0; i < THEME_COUNT; i++) {
		t->st[i].fg = -2;
		t->st[i].bg = -2;
		t->st[i].attrs = 0x8000;
	}
}

/* Parse a shipped file over the sentinel theme. */
static void
parse_shipped(struct theme *t, const char *name)
{
	char path[4096], err[256], text[8192];
	size_t n;
	FILE *fp;

	shipped_path(path, sizeof path, name);
	fp = fopen(path, "r");
	assert_non_null(fp);
	n = fread(text, 1, sizeof text, fp);
	assert_true(n < sizeof text);
	fclose(fp);
	sentinel(t);
	assert_int_equal(theme_parse(t, text, n, path, err, sizeof err), 0);
	assert_string_equal(err, "");
}

/* Two themes have the same style for every element. */
static void
assert_same_styles(const struct theme *a, const struct theme *b)
{
	int i;

	for (i = 0; i < THEME_COUNT; i++) {
		assert_int_equal(a->st[i].fg, b->st[i].fg);
		assert_int_equal(a->st[i].bg, b->st[i].bg);
		assert_int_equal(a->st[i].attrs, b->st[i].attrs);
	}
}

/* Element names as files spell them, all different. */
static void
test_names(void **state)
{
	int i, j;

	(void)state;
	assert_string_equal(theme_elem_name(THEME_NORMAL), "normal");
	assert_string_equal(theme_elem_name(THEME_PANE_FOCUS), "pane-focus");
	assert_string_equal(theme_elem_name(THEME_REJECT), "reject");
	assert_string_equal(theme_elem_name(THEME_BAR_REJECT), "bar-reject");
	assert_string_equal(theme_elem_name(THEME_ESCAPE), "escape");
	assert_null(theme_elem_name(THEME_COUNT));
	assert_null(theme_elem_name(-1));
	for (i = 0; i < THEME_COUNT; i++)
		for (j = i + 1; j < THEME_COUNT; j++)
			assert_string_not_equal(theme_elem_name(i),
			    theme_elem_name(j));
}

/* The built-in themes, spot-checked. */
static void
test_builtin(void **state)
{
	struct theme t;
	int i;

	(void)state;
	theme_default(&t);
	assert_string_equal(t.name, "default");
	assert_int_equal(t.st[THEME_NORMAL].fg, -1);
	assert_int_equal(t.st[THEME_NORMAL].bg, -1);
	assert_int_equal(t.st[THEME_NORMAL].attrs, 0);
	assert_int_equal(t.st[THEME_SELECTED].fg, 231);
	assert_int_equal(t.st[THEME_SELECTED].bg, 25);
	assert_int_equal(t.st[THEME_SELECTED].attrs, THEME_A_BOLD);
	assert_int_equal(t.st[THEME_REJECT].fg, 203);
	assert_int_equal(t.st[THEME_ESCAPE].fg, 213);
	theme_mono(&t);
	assert_string_equal(t.name, "mono");
	for (i = 0; i < THEME_COUNT; i++) {
		assert_int_equal(t.st[i].fg, -1);
		assert_int_equal(t.st[i].bg, -1);
	}
	assert_int_equal(t.st[THEME_SELECTED].attrs, THEME_A_REVERSE);
	assert_int_equal(t.st[THEME_REJECT].attrs, THEME_A_BOLD);
	assert_int_equal(t.st[THEME_HEADER].attrs, THEME_A_UNDERLINE);
	assert_int_equal(t.st[THEME_TITLE].attrs,
	    THEME_A_REVERSE | THEME_A_BOLD);
}

/* Every shipped file parses and names every element. */
static void
test_shipped_complete(void **state)
{
	struct theme t;
	size_t k;
	int i;

	(void)state;
	for (k = 0; k < sizeof shipped / sizeof shipped[0]; k++) {
		parse_shipped(&t, shipped[k]);
		for (i = 0; i < THEME_COUNT; i++) {
			assert_true(t.st[i].fg >= -1 && t.st[i].fg <= 255);
			assert_true(t.st[i].bg >= -1 && t.st[i].bg <= 255);
			assert_int_not_equal(t.st[i].attrs, 0x8000);
		}
	}
}

/* default.theme and mono.theme are exactly the built-in themes. */
static void
test_shipped_builtin(void **state)
{
	struct theme file, builtin;

	(void)state;
	parse_shipped(&file, "default");
	theme_default(&builtin);
	assert_same_styles(&file, &builtin);
	parse_shipped(&file, "mono");
	theme_mono(&builtin);
	assert_same_styles(&file, &builtin);
}

/* 16color.theme keeps to colours 0-15 (or default). */
static void
test_shipped_16color(void **state)
{
	struct theme t;
	int i;

	(void)state;
	parse_shipped(&t, "16color");
	for (i = 0; i < THEME_COUNT; i++) {
		assert_true(t.st[i].fg >= -1 && t.st[i].fg <= 15);
		assert_true(t.st[i].bg >= -1 && t.st[i].bg <= 15);
	}
}

/* Loading shipped files by path names the theme after the file. */
static void
test_load_paths(void **state)
{
	char path[4096], err[256];
	struct theme t;
	size_t k;

	(void)state;
	for (k = 0; k < sizeof shipped / sizeof shipped[0]; k++) {
		shipped_path(path, sizeof path, shipped[k]);
		assert_int_equal(theme_load(&t, path, err, sizeof err), 0);
		assert_string_equal(err, "");
		assert_string_equal(t.name, shipped[k]);
	}
}

/* Parse text over the default theme; return theme_parse's result. */
static int
parse(struct theme *t, const char *text, char *err, size_t errlen)
{
	theme_default(t);
	return theme_parse(t, text, strlen(text), "t.theme", err, errlen);
}

/* The syntax: names, colorN, #rrggbb, attributes, comments, CRLF. */
static void
test_parse_ok(void **state)
{
	struct theme t, d;
	char err[256];

	(void)state;
	assert_int_equal(parse(&t, "", err, sizeof err), 0);
	theme_default(&d);
	assert_same_styles(&t, &d);
	assert_int_equal(parse(&t,
	    "# a comment\n"
	    "\n"
	    "   \t\n"
	    "  # indented comment\n"
	    "reject bright-red black bold,underline\n"
	    "accept  GREEN\tDefault   # trailing comment\n"
	    "bar #FF8700 #00005f\r\n"
	    "title color0 color255 bold, reverse ,italic\n"
	    "error white blue none\n"
	    "prompt yellow default blink,dim\n"
	    "dim bright-black default\n"
	    "dim magenta cyan", err, sizeof err), 0);
	assert_string_equal(err, "");
	assert_int_equal(t.st[THEME_REJECT].fg, 9);
	assert_int_equal(t.st[THEME_REJECT].bg, 0);
	assert_int_equal(t.st[THEME_REJECT].attrs,
	    THEME_A_BOLD | THEME_A_UNDERLINE);
	assert_int_equal(t.st[THEME_ACCEPT].fg, 2);
	assert_int_equal(t.st[THEME_ACCEPT].bg, -1);
	assert_int_equal(t.st[THEME_ACCEPT].attrs, 0);
	assert_int_equal(t.st[THEME_BAR].fg, THEME_RGB | 0xff8700);
	assert_int_equal(t.st[THEME_BAR].bg, THEME_RGB | 0x00005f);
	assert_int_equal(t.st[THEME_TITLE].fg, 0);
	assert_int_equal(t.st[THEME_TITLE].bg, 255);
	assert_int_equal(t.st[THEME_TITLE].attrs,
	    THEME_A_BOLD | THEME_A_REVERSE | THEME_A_ITALIC);
	assert_int_equal(t.st[THEME_ERROR].fg, 7);
	assert_int_equal(t.st[THEME_ERROR].bg, 4);
	assert_int_equal(t.st[THEME_ERROR].attrs, 0);
	assert_int_equal(t.st[THEME_PROMPT].attrs,
	    THEME_A_BLINK | THEME_A_DIM);
	/* The last line for an element wins; others keep the default. */
	assert_int_equal(t.st[THEME_DIM].fg, 5);
	assert_int_equal(t.st[THEME_DIM].bg, 6);
	assert_int_equal(t.st[THEME_HELP].fg, d.st[THEME_HELP].fg);
	assert_int_equal(t.st[THEME_HELP].bg, d.st[THEME_HELP].bg);
	assert_string_equal(t.name, "default");
}

/* Check one bad text: theme_parse fails with msg and changes nothing. */
static void
check_error(const char *text, const char *msg)
{
	struct theme t, d;
	char err[256];

	theme_default(&d);
	assert_int_equal(parse(&t, text, err, sizeof err), -1);
	assert_string_equal(err, msg);
	assert_same_styles(&t, &d);
}

/* Errors say file, line and what is wrong, and leave the theme alone. */
static void
test_parse_errors(void **state)
{
	(void)state;
	check_error("normal default default\n# two\nsparkle red blue\n",
	    "t.theme:3: unknown element 'sparkle'");
	check_error("reject color300 default\n",
	    "t.theme:1: bad colour 'color300'");
	check_error("\n\nreject #12345 default\n",
	    "t.theme:3: bad colour '#12345'");
	check_error("reject red #1234567\n",
	    "t.theme:1: bad colour '#1234567'");
	check_error("reject red #12345g\n", "t.theme:1: bad colour '#12345g'");
	check_error("reject color256 red\n", "t.theme:1: bad colour 'color256'");
	check_error("reject color red\n", "t.theme:1: bad colour 'color'");
	check_error("reject color-1 red\n", "t.theme:1: bad colour 'color-1'");
	check_error("reject brightred red\n",
	    "t.theme:1: bad colour 'brightred'");
	check_error("reject red blue shiny\n",
	    "t.theme:1: bad attribute 'shiny'");
	check_error("reject red blue bold,shiny\n",
	    "t.theme:1: bad attribute 'shiny'");
	check_error("accept green default\nreject red\n",
	    "t.theme:2: missing background colour for 'reject'");
	check_error("reject\n",
	    "t.theme:1: missing foreground colour for 'reject'");
	check_error("reject red # no background\n",
	    "t.theme:1: bad colour '#'");
	check_error("REJECTS red blue\n",
	    "t.theme:1: unknown element 'REJECTS'");
	/* Line numbers count CRLF lines and comments. */
	check_error("# x\r\n\r\nbar red blue\r\nbar red blue blink,\x1b[2J\r\n",
	    "t.theme:4: bad attribute '?[2J'");
	check_error("a b c d e f g h i j k l m n o p q\n",
	    "t.theme:1: too many words");
}

/* A new temporary directory in $TMPDIR (or /tmp), its path in buf. */
static void
make_tmpdir(char *buf, size_t size)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(buf, size, "%s/vpctop-theme-XXXXXX", tmp && tmp[0] == '/' ?
	    tmp : "/tmp");
	assert_non_null(mkdtemp(buf));
}

/* theme_load of a bad or missing file leaves the default theme. */
static void
test_load_errors(void **state)
{
	char dir[256], path[512], err[1024];
	struct theme t, d;
	FILE *fp;

	(void)state;
	theme_default(&d);
	make_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/bad.theme", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("reject green default\nbar red plaid\n", fp);
	fclose(fp);
	assert_int_equal(theme_load(&t, path, err, sizeof err), -1);
	assert_true(strlen(err) > strlen(path));
	assert_memory_equal(err, path, strlen(path));
	assert_string_equal(err + strlen(path), ":2: bad colour 'plaid'");
	assert_same_styles(&t, &d);
	assert_string_equal(t.name, "default");
	snprintf(path, sizeof path, "%s/none.theme", dir);
	assert_int_equal(theme_load(&t, path, err, sizeof err), -1);
	assert_string_equal(err + strlen(path), ": No such file or directory");
	assert_same_styles(&t, &d);
	assert_int_equal(theme_load(&t, dir, err, sizeof err), -1);
	assert_string_equal(err + strlen(dir), ": not a regular file");
	snprintf(path, sizeof path, "%s/bad.theme", dir);
	unlink(path);
	rmdir(dir);
}

/* Write text to dir/sub/name.theme, creating the directories. */
static void
write_theme(const char *dir, const char *sub, const char *name,
    const char *text)
{
	char path[512], *p;
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s/", dir, sub);
	for (p = path + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
	snprintf(path, sizeof path, "%s/%s/%s.theme", dir, sub, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/* Names: XDG_CONFIG_HOME (absolute) before HOME; built-ins; paths. */
static void
test_search(void **state)
{
	char dir[256], xdg[512], home[512];
	char cwd[4096], err[512], want[1024];
	const char *oldhome = getenv("HOME");
	char *savehome = oldhome ? strdup(oldhome) : NULL;
	struct theme t;

	(void)state;
	make_tmpdir(dir, sizeof dir);
	snprintf(xdg, sizeof xdg, "%s/xdg", dir);
	snprintf(home, sizeof home, "%s/home", dir);
	write_theme(xdg, "vpctop/themes", "mine", "reject green default\n");
	write_theme(home, ".config/vpctop/themes", "mine",
	    "reject blue default\n");
	write_theme(home, ".config/vpctop/themes", "homeonly",
	    "reject cyan default\n");
	write_theme(xdg, "vpctop/themes", "default", "reject white red\n");
	write_theme(dir, ".", "here", "reject magenta default\n");
	setenv("HOME", home, 1);

	setenv("XDG_CONFIG_HOME", xdg, 1);
	assert_int_equal(theme_load(&t, "mine", err, sizeof err), 0);
	assert_string_equal(err, "");
	assert_string_equal(t.name, "mine");
	assert_int_equal(t.st[THEME_REJECT].fg, 2);
	/* Unnamed elements keep the default theme's style. */
	assert_int_equal(t.st[THEME_SELECTED].bg, 25);
	/* XDG_CONFIG_HOME replaces ~/.config, it does not add to it. */
	assert_int_equal(theme_load(&t, "homeonly", err, sizeof err), -1);
	snprintf(want, sizeof want, "theme 'homeonly' not found in "
	    "%s/vpctop/themes or ", xdg);
	assert_memory_equal(err, want, strlen(want));
	assert_string_equal(t.name, "default");
	/* Built-in names are never looked up. */
	assert_int_equal(theme_load(&t, "default", err, sizeof err), 0);
	assert_int_equal(t.st[THEME_REJECT].fg, 203);
	assert_int_equal(theme_load(&t, "mono", err, sizeof err), 0);
	assert_string_equal(t.name, "mono");
	assert_int_equal(t.st[THEME_REJECT].fg, -1);
	assert_int_equal(theme_load(&t, NULL, err, sizeof err), 0);
	assert_string_equal(t.name, "default");
	assert_int_equal(theme_load(&t, "", err, sizeof err), 0);
	assert_string_equal(t.name, "default");

	unsetenv("XDG_CONFIG_HOME");
	assert_int_equal(theme_load(&t, "mine", err, sizeof err), 0);
	assert_int_equal(t.st[THEME_REJECT].fg, 4);
	assert_int_equal(theme_load(&t, "homeonly", err, sizeof err), 0);
	assert_int_equal(t.st[THEME_REJECT].fg, 6);
	/* A relative XDG_CONFIG_HOME is ignored, as the spec says. */
	setenv("XDG_CONFIG_HOME", "xdg", 1);
	assert_int_equal(theme_load(&t, "mine", err, sizeof err), 0);
	assert_int_equal(t.st[THEME_REJECT].fg, 4);
	setenv("XDG_CONFIG_HOME", "", 1);
	assert_int_equal(theme_load(&t, "mine", err, sizeof err), 0);
	assert_int_equal(t.st[THEME_REJECT].fg, 4);
	assert_int_equal(theme_load(&t, "nosuch", err, sizeof err), -1);
	snprintf(want, sizeof want, "theme 'nosuch' not found in "
	    "%s/.config/vpctop/themes or ", home);
	assert_memory_equal(err, want, strlen(want));

	/* A name ending in .theme is a path, relative to the cwd. */
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(theme_load(&t, "here.theme", err, sizeof err), 0);
	assert_string_equal(t.name, "here");
	assert_int_equal(t.st[THEME_REJECT].fg, 5);
	assert_int_equal(theme_load(&t, "./here.theme", err, sizeof err), 0);
	assert_int_equal(t.st[THEME_REJECT].fg, 5);
	/* "here" alone is a name, searched in the theme dirs only. */
	assert_int_equal(theme_load(&t, "here", err, sizeof err), -1);
	assert_int_equal(chdir(cwd), 0);

	unsetenv("XDG_CONFIG_HOME");
	if (savehome) {
		setenv("HOME", savehome, 1);
		free(savehome);
	} else {
		unsetenv("HOME");
	}
	snprintf(want, sizeof want, "rm -rf '%s'", dir);
	assert_int_equal(system(want), 0);
}

/* Nearest xterm colours: exact values and why. */
static void
test_nearest(void **state)
{
	(void)state;
	/* Pure red is cube colour 196 (#ff0000), system colour 9 (bright
	 * red, #ff0000 in xterm) and, among 0-7, 1 (#cd0000). */
	assert_int_equal(theme_nearest(THEME_RGB | 0xff0000, 256), 196);
	assert_int_equal(theme_nearest(THEME_RGB | 0xff0000, 16), 9);
	assert_int_equal(theme_nearest(THEME_RGB | 0xff0000, 8), 1);
	/* color244 is grey #808080: 8 (#7f7f7f, distance 3) is nearer than
	 * 7 (#e5e5e5, distance 3*101^2).  Among 0-7, 7 (30603) beats 0
	 * (#000000, 3*128^2 = 49152) thanks to the chroma term: by RGB alone
	 * yellow 3 (#cdcd00, 28242) would win, plus 205^2 it is 70267. */
	assert_int_equal(theme_nearest(244, 16), 8);
	assert_int_equal(theme_nearest(244, 8), 7);
	/* Indexes the terminal has are kept; default stays default. */
	assert_int_equal(theme_nearest(244, 256), 244);
	assert_int_equal(theme_nearest(9, 256), 9);
	assert_int_equal(theme_nearest(9, 16), 9);
	assert_int_equal(theme_nearest(5, 8), 5);
	assert_int_equal(theme_nearest(-1, 8), -1);
	assert_int_equal(theme_nearest(-1, 256), -1);
	/* Bright blue #5c5cff among 0-7: 4 (#0000ee, 17217) wins over 5
	 * (#cd00cd, 23733). */
	assert_int_equal(theme_nearest(12, 8), 4);
	assert_int_equal(theme_nearest(15, 8), 7);
	/* #7f7f7f is 31212 from 7 (#e5e5e5), 48387 from 0 (#000000). */
	assert_int_equal(theme_nearest(8, 8), 7);
	/* At 256, #rrggbb goes into the cube and grey ramp, not 0-15. */
	assert_int_equal(theme_nearest(THEME_RGB | 0x000000, 256), 16);
	assert_int_equal(theme_nearest(THEME_RGB | 0xffffff, 256), 231);
	assert_int_equal(theme_nearest(THEME_RGB | 0x87af5f, 256), 107);
	assert_int_equal(theme_nearest(THEME_RGB | 0x808080, 256), 244);
	assert_int_equal(theme_nearest(THEME_RGB | 0x7f7f7f, 256), 244);
	assert_int_equal(theme_nearest(THEME_RGB | 0xeeeeee, 256), 255);
	assert_int_equal(theme_nearest(THEME_RGB | 0x080808, 256), 232);
	assert_int_equal(theme_nearest(THEME_RGB | 0xff8800, 256), 208);
	assert_int_equal(theme_nearest(THEME_RGB | 0x000000, 8), 0);
	assert_int_equal(theme_nearest(THEME_RGB | 0xffffff, 16), 15);
	assert_int_equal(theme_nearest(THEME_RGB | 0xffffff, 8), 7);
	/* Cube colours at 16: #005f87 (24) goes to 6 (#00cdcd, 17000 + 70^2)
	 * before 4 (#0000ee, 19634 + 103^2) and 0 (27250 + 135^2). */
	assert_int_equal(theme_nearest(24, 16), 6);
	assert_int_equal(theme_nearest(196, 16), 9);
	assert_int_equal(theme_nearest(46, 16), 10);
	assert_int_equal(theme_nearest(21, 16), 4);
	assert_int_equal(theme_nearest(226, 8), 3);
}

/* Without colour: own attributes plus mono's where colour made the look. */
static void
test_apply_mono(void **state)
{
	struct theme t;
	int i;

	(void)state;
	theme_default(&t);
	theme_apply(&t, 0);
	assert_int_equal(theme_attr(THEME_NORMAL), A_NORMAL);
	assert_int_equal(theme_attr(THEME_SELECTED), (int)(A_REVERSE | A_BOLD));
	assert_int_equal(theme_attr(THEME_REJECT), (int)A_BOLD);
	assert_int_equal(theme_attr(THEME_HEADER), (int)(A_BOLD | A_UNDERLINE));
	assert_int_equal(theme_attr(THEME_ACCEPT), A_NORMAL);
	assert_int_equal(theme_attr(THEME_DIM), (int)A_DIM);
	assert_int_equal(theme_attr(THEME_COUNT), A_NORMAL);
	assert_int_equal(theme_attr(-1), A_NORMAL);
	theme_mono(&t);
	theme_apply(&t, 0);
	assert_int_equal(theme_attr(THEME_SELECTED), (int)A_REVERSE);
	assert_int_equal(theme_attr(THEME_HEADER), (int)A_UNDERLINE);
	assert_int_equal(theme_attr(THEME_ESCAPE), (int)A_UNDERLINE);
	assert_int_equal(theme_attr(THEME_PANE_FOCUS),
	    (int)(A_REVERSE | A_BOLD));
	/* An attributes-only element keeps exactly its own attributes. */
	theme_default(&t);
	t.st[THEME_SELECTED].fg = t.st[THEME_SELECTED].bg = -1;
	t.st[THEME_SELECTED].attrs = THEME_A_UNDERLINE | THEME_A_ITALIC;
	theme_apply(&t, 0);
	assert_int_equal(theme_attr(THEME_SELECTED),
	    (int)(A_UNDERLINE | A_ITALIC));
	for (i = 0; i < THEME_COUNT; i++)
		assert_int_equal(theme_attr(i) & (int)A_COLOR, 0);
}

/* Open a screen of terminal type term writing to /dev/null. */
static SCREEN *
open_screen(const char *term, FILE **out, FILE **in)
{
	*out = fopen("/dev/null", "w");
	*in = fopen("/dev/null", "r");
	assert_non_null(*out);
	assert_non_null(*in);
	return newterm(term, *out, *in);
}

/* Check the colours of an element's pair on the current screen. */
static void
check_pair(int elem, int fg, int bg)
{
	short f, b;

	assert_int_equal(PAIR_NUMBER(theme_attr(elem)), elem + 1);
	assert_int_equal(pair_content((short)(elem + 1), &f, &b), OK);
	assert_int_equal(f, fg);
	assert_int_equal(b, bg);
}

/* Colour pairs on 256- and 8-colour screens (skipped without terminfo). */
static void
test_apply_color(void **state)
{
	struct theme t;
	FILE *out, *in;
	SCREEN *sc;

	(void)state;
	sc = open_screen("xterm-256color", &out, &in);
	if (sc == NULL) {
		fclose(out);
		fclose(in);
		skip();
	}
	theme_default(&t);
	t.st[THEME_HELP].fg = THEME_RGB | 0xff0000;
	t.st[THEME_HELP].bg = THEME_RGB | 0x00005f;
	theme_apply(&t, 1);
	assert_int_equal(COLORS, 256);
	check_pair(THEME_SELECTED, 231, 25);
	check_pair(THEME_NORMAL, -1, -1);
	check_pair(THEME_REJECT, 203, -1);
	check_pair(THEME_HELP, 196, 17);
	assert_int_equal(theme_attr(THEME_SELECTED) & ~(int)A_COLOR,
	    (int)A_BOLD);
	endwin();
	delscreen(sc);
	fclose(out);
	fclose(in);

	sc = open_screen("xterm", &out, &in);
	if (sc == NULL) {
		fclose(out);
		fclose(in);
		skip();
	}
	theme_default(&t);
	theme_apply(&t, 1);
	assert_int_equal(COLORS, 8);
	/* 231 white -> 7, 25 #005faf -> 6 cyan. */
	check_pair(THEME_SELECTED, 7, 6);
	/* title: 231 on 24 (#005f87 -> 6); status: 252 on 236 -> 7 on 0. */
	check_pair(THEME_TITLE, 7, 6);
	check_pair(THEME_STATUS, 7, 0);
	/* help: 252 on 235 (#262626) -> 7 on 0. */
	check_pair(THEME_HELP, 7, 0);
	/* header: 234 (#1c1c1c) on 110 (#87afd7) -> 0 on 7. */
	check_pair(THEME_HEADER, 0, 7);
	/* A foreground that becomes its background turns white or black:
	 * 250 on 252 both map to 7, so the text becomes black. */
	t.st[THEME_HELP].fg = 250;
	t.st[THEME_HELP].bg = 252;
	theme_apply(&t, 1);
	check_pair(THEME_HELP, 0, 7);
	/* With colour off nothing is paired even on a colour screen. */
	theme_apply(&t, 0);
	assert_int_equal(theme_attr(THEME_SELECTED), (int)(A_REVERSE | A_BOLD));
	endwin();
	delscreen(sc);
	fclose(out);
	fclose(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_shipped_complete),
		cmocka_unit_test(test_shipped_builtin),
		cmocka_unit_test(test_shipped_16color),
		cmocka_unit_test(test_load_paths),
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_nearest),
		cmocka_unit_test(test_apply_mono),
		cmocka_unit_test(test_apply_color),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
