/*
 * filter.c - the filter language: lexer, parser, canonical printer,
 * compiler and the two evaluators (struct flow and store record).
 *
 * Design notes.
 *
 * Text is cut into tokens first (words, "strings", /regexes/flags,
 * operators, brackets), each with its column, so every error can point at
 * the token it is about.  A recursive-descent parser follows the grammar
 * of vpctop(1) (or < and < not < predicate, adjacency meaning "and") and
 * builds a tree of nodes whose values are already typed for their field:
 * numbers with their suffixes applied, addresses and CIDRs as 16 bytes and
 * a prefix length, times as Unix seconds or an offset back from "now".
 * The tree is kept for filter_to_string.
 *
 * The compiler turns the tree into a flat program in the manner of BPF:
 * each instruction is one test on one field with a jump for true and one
 * for false, and the and/or/not structure lives only in those jumps, so
 * evaluation is a loop over tests with short-circuiting and no recursion.
 * Code is generated back to front (the second operand of "and" first, so
 * the first operand knows where to jump).  Pseudo-fields and lists are
 * expanded here: `addr = X` becomes a test per address field joined by
 * "or"; `!=` becomes "present and not equal", so that a comparison with
 * an absent field is false whatever the operator.
 *
 * Evaluating a store record reads numbers straight from the compact record
 * and compares symbols and addresses by intern id; the ids are looked up
 * (and pinned, so they stay valid) once by filter_bind.  CIDRs compare the
 * address bytes behind the id.  Regexes need text: the record is rebuilt
 * as a struct flow at most once per evaluation, only when a regex test is
 * reached.
 */
#include "filter.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "field.h"

/* Deepest nesting of parentheses and "not" accepted. */
#define FILTER_MAX_DEPTH 200

/* Match limit for regexes (PCRE2 counts differently under JIT). */
#define FILTER_MATCH_LIMIT 200000u
#define FILTER_DEPTH_LIMIT 10000u

/* Pseudo-fields beyond the field table. */
enum { PF_ADDR = FIELD_COUNT, PF_PORT, PF_END };

/* ---- tokens ---- */

enum tok_kind {
	T_END, T_WORD, T_STRING, T_REGEX, T_LP, T_RP, T_LB, T_RB, T_COMMA,
	T_OP, T_TILDE, T_NOT, T_AND, T_OR
};

/* Comparison operators. */
enum { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

static const char *const op_text[] = { "=", "!=", "<", "<=", ">", ">=" };

struct tok {
	int kind;
	int op;			/* T_OP: OP_* */
	int col;
	const char *p;		/* T_WORD: the word; T_STRING/T_REGEX: body */
	size_t len;
	unsigned reflags;	/* T_REGEX: PCRE2 options */
	char *buf;		/* T_STRING: unescaped copy (owned) */
};

/* ---- tree ---- */

enum val_kind { V_NUM, V_SYM, V_ADDR, V_CIDR, V_ABSENT, V_REL };

struct val {
	int kind;
	uint64_t u;		/* V_NUM; V_REL: seconds back from now */
	struct flow_addr a;	/* V_ADDR, V_CIDR (network, host bits zero) */
	int plen;		/* V_CIDR: prefix length in IPv6 terms */
	int v4;			/* V_CIDR/V_ADDR: written as IPv4 */
	char *s;		/* V_SYM (owned, NUL-terminated) */
	size_t len;
};

enum node_kind {
	N_AND, N_OR, N_NOT, N_CMP, N_IN, N_HAS, N_RE_FIELD, N_RE_LINE,
	N_SHORT
};

/* Shorthand words. */
enum {
	SH_ACCEPT, SH_REJECT, SH_TCP, SH_UDP, SH_ICMP, SH_ICMPV6, SH_INGRESS,
	SH_EGRESS, SH_NODATA, SH_SKIPDATA, SH_IPV4, SH_IPV6, SH_COUNT
};

static const char *const short_word[SH_COUNT] = {
	"accept", "reject", "tcp", "udp", "icmp", "icmpv6", "ingress",
	"egress", "nodata", "skipdata", "ipv4", "ipv6"
};

struct node {
	int kind;
	int op;			/* N_CMP */
	int field;		/* field id or PF_* */
	int neg;		/* N_IN: "not in" */
	struct node *l, *r;	/* N_AND/N_OR: both; N_NOT: l */
	struct val *vals;	/* N_CMP: one; N_IN: nvals; N_HAS: one */
	size_t nvals;
	int re;			/* N_RE_*: regex index */
	int sh;			/* N_SHORT: SH_* */
	struct node *next_alloc;
};

/* ---- program ---- */

enum ins_kind {
	K_NUM,			/* numeric field op n */
	K_PRESENT,		/* field present */
	K_SYM,			/* symbol field equals text (bound: id) */
	K_ADDR,			/* address field equals (bound: id) */
	K_CIDR,			/* address field within net/plen */
	K_HAS,			/* (field & n) == n */
	K_RE_FIELD,		/* field text matches regex */
	K_RE_LINE,		/* record text matches regex */
	K_IPV6,			/* srcaddr or dstaddr is IPv6 */
	K_TIME			/* time field op (now - rel) */
};

struct ins {
	uint8_t k, op;
	uint16_t field;
	uint32_t jt, jf;	/* next instruction; n: true, n + 1: false */
	uint64_t n;		/* K_NUM, K_HAS value; K_SYM/K_ADDR bound id */
	uint64_t rel;		/* K_TIME: seconds back from now */
	uint64_t net[2], mask[2];	/* K_CIDR, big-endian words */
	const struct val *v;	/* K_SYM/K_ADDR value */
	int re;
	uint8_t *symres;	/* K_RE_FIELD on symbols: result by id
				 * (0 unknown, 1 no, 2 yes) */
	uint32_t nsymres;
};

/* A context's line template: literal bytes (tag 0xff, 16-bit length,
 * bytes) and per-record fields (a TK_* kind byte, with TK_SPACE when a
 * space goes before the field, then the field id). */
enum {
	TK_NUM = 1, TK_ENUM, TK_ADDR, TK_OTHER, TK_DETAIL,
	/* numbers kept in the record, read without a second dispatch */
	TK_SPORT, TK_DPORT, TK_PROTO, TK_FLAGS, TK_BYTES, TK_PACKETS,
	TK_START, TK_END,
	TK_SPACE = 0x40
};
struct tpl {
	uint8_t *p;
	uint32_t len;
	/* the same line as a list of fields, for plain-text regexes */
	struct fslot *fs;
	uint32_t nfs;
	char *ct;		/* texts of the per-context fields */
	int ctspace;		/* a per-context text has a space: no plan */
	/* for regex lit0re: the slots that may take its first token (the
	 * per-context texts that do, the per-record ones that may) */
	uint8_t *lit0;
	uint32_t nlit0;
	int lit0re;
};

/* One field of a line: a per-context text (kind 0: ct + off, len) or a
 * per-record field (kind TK_*, id). */
struct fslot {
	uint8_t kind, id;
	uint16_t len;
	uint32_t off;
};

/* Texts of up to DM_SLOTS symbol fields of one detail tuple (pointers
 * into the store, valid while store_recycled stays the same). */
#define DM_SLOTS 4
struct dmemo {
	const char *p[DM_SLOTS];
	uint32_t len[DM_SLOTS];
	uint8_t set;		/* bit per slot */
};

/* Most space-separated tokens a plain-text regex may have for the
 * field-by-field plan (see lit_match). */
#define LIT_TOKENS 16

struct regex {
	pcre2_code *code;
	pcre2_match_data *md;
	char *src;		/* pattern text (owned) */
	size_t len;
	unsigned flags;		/* PCRE2 options */
	/* plain text: the pattern unescaped, cut into tokens at spaces */
	int ntok;		/* 0: not plain text, no plan */
	char lit[256];
	uint16_t tokoff[LIT_TOKENS], toklen[LIT_TOKENS];
	uint8_t tokclass[LIT_TOKENS];	/* LC_* kinds a token fits */
};

/* Kinds of field text, for the plan: what characters a field can show. */
enum {
	LC_DIGITS = 1,		/* numbers: 0-9 only */
	LC_ADDR = 2		/* addresses: hex digits, '.', ':' */
};

struct pin {
	int field;
	struct store_val v;
};

struct filter {
	char *text;		/* the expression as given */
	struct node *root;
	struct node *nodes;	/* every node, for freeing */
	struct val **vallists;	/* every value array, for freeing */
	size_t nvallists, capvallists;
	struct ins *prog;
	uint32_t nprog, capprog;
	struct regex *re;
	size_t nre;
	pcre2_match_context *mctx;
	int relative;		/* has relative times */
	int oom;		/* the compiler ran out of memory */
	int now_set;		/* filter_set_now was called */
	uint64_t now;
	uint64_t expensive;
	struct store *bound;
	struct pin *pins;
	size_t npins;
	/* caches for regexes over store records, keyed by intern ids and
	 * valid while store_recycled stays at `recycled` */
	int has_re;
	uint64_t recycled;
	struct tpl *tpl;	/* by context id */
	uint32_t ntpl;
	struct dmemo *dm;	/* detail symbol texts, by detail id */
	uint32_t ndm;
	int8_t dslot[FIELD_COUNT];	/* dmemo slot of a field, +1 */
	int ndslot;
	/* per-record field texts for lit_match, valid when sgen == gen */
	uint32_t gen, sgen[FORMAT_MAX];
	const char *sp[FORMAT_MAX];
	size_t sl[FORMAT_MAX];
	char sbuf[FORMAT_MAX][FLOW_ADDR_STRLEN];
	/* per evaluation: the rebuilt record for regexes */
	struct flow tmp;
	int tmp_ok;
	char *line;		/* record text buffer */
	size_t linecap;
};

/* Parser state. */
struct parser {
	struct filter *f;
	struct tok *t;
	size_t nt, pos;
	int depth;
	struct filter_error *err;
	int failed;
	size_t textlen;
};

/* ---- errors ---- */

/* Record the first error with its column. */
static void
perr(struct parser *ps, int col, const char *fmt, ...)
{
	va_list ap;

	if (ps->failed)
		return;
	ps->failed = 1;
	if (ps->err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(ps->err->msg, sizeof ps->err->msg, fmt, ap);
	va_end(ap);
	ps->err->col = col;
}

/* Describe a token for "found ..." in an error message. */
static const char *
tok_desc(const struct tok *t, char *buf, size_t size)
{
	switch (t->kind) {
	case T_END:
		return "end of filter";
	case T_STRING:
		snprintf(buf, size, "string \"%.*s\"", (int)(t->len > 40 ? 40 :
		    t->len), t->p);
		return buf;
	case T_REGEX:
		snprintf(buf, size, "regex /%.*s/", (int)(t->len > 40 ? 40 :
		    t->len), t->p);
		return buf;
	default:
		snprintf(buf, size, "'%.*s'", (int)(t->len > 40 ? 40 : t->len),
		    t->p);
		return buf;
	}
}

/* ---- lexer ---- */

/* Tell whether c ends a word. */
static int
word_end(int c)
{
	return c == '\0' || isspace(c) || strchr("()[],=!<>~\"&|", c) != NULL;
}

/* Cut text into tokens; returns the count or -1 on a lexical error. */
static long
lex(struct parser *ps, const char *text, size_t len, struct tok *out)
{
	size_t i = 0, n = 0;

	for (;;) {
		struct tok *t = &out[n];
		const char *p;

		while (i < len && isspace((unsigned char)text[i]))
			i++;
		memset(t, 0, sizeof *t);
		t->col = (int)i;
		t->p = text + i;
		if (i >= len) {
			t->kind = T_END;
			return (long)n + 1;
		}
		p = text + i;
		t->len = 1;
		switch (p[0]) {
		case '(': t->kind = T_LP; i++; break;
		case ')': t->kind = T_RP; i++; break;
		case '[': t->kind = T_LB; i++; break;
		case ']': t->kind = T_RB; i++; break;
		case ',': t->kind = T_COMMA; i++; break;
		case '~': t->kind = T_TILDE; i++; break;
		case '=':
			t->kind = T_OP;
			t->op = OP_EQ;
			t->len = i + 1 < len && p[1] == '=' ? 2 : 1;
			i += t->len;
			break;
		case '!':
			if (i + 1 < len && p[1] == '=') {
				t->kind = T_OP;
				t->op = OP_NE;
				t->len = 2;
			} else
				t->kind = T_NOT;
			i += t->len;
			break;
		case '<':
		case '>':
			t->kind = T_OP;
			t->op = p[0] == '<' ? OP_LT : OP_GT;
			if (i + 1 < len && p[1] == '=') {
				t->op++;
				t->len = 2;
			}
			i += t->len;
			break;
		case '&':
		case '|':
			if (i + 1 >= len || p[1] != p[0]) {
				perr(ps, (int)i, "expected '%c%c', found '%c'",
				    p[0], p[0], p[0]);
				return -1;
			}
			t->kind = p[0] == '&' ? T_AND : T_OR;
			t->len = 2;
			i += 2;
			break;
		case '"': {
			size_t j = i + 1, k = 0;

			t->buf = malloc(len - i);
			if (t->buf == NULL) {
				perr(ps, (int)i, "out of memory");
				return -1;
			}
			while (j < len && text[j] != '"') {
				if (text[j] == '\\' && j + 1 < len)
					j++;
				t->buf[k++] = text[j++];
			}
			if (j >= len) {
				free(t->buf);
				t->buf = NULL;
				perr(ps, (int)i, "expected '\"' to close the "
				    "string, found end of filter");
				return -1;
			}
			t->buf[k] = '\0';
			t->kind = T_STRING;
			t->p = t->buf;
			t->len = k;
			i = j + 1;
			break;
		}
		case '/': {
			size_t j = i + 1;

			while (j < len && text[j] != '/') {
				if (text[j] == '\\' && j + 1 < len)
					j++;
				j++;
			}
			if (j >= len) {
				perr(ps, (int)i, "expected '/' to close the "
				    "regex, found end of filter");
				return -1;
			}
			t->kind = T_REGEX;
			t->p = text + i + 1;
			t->len = j - i - 1;
			i = j + 1;
			while (i < len && isalpha((unsigned char)text[i])) {
				if (text[i] == 'i')
					t->reflags |= PCRE2_CASELESS;
				else {
					perr(ps, (int)i, "unknown regex flag "
					    "'%c' (only i is known)", text[i]);
					return -1;
				}
				i++;
			}
			break;
		}
		default: {
			size_t j = i;

			while (j < len && (!word_end((unsigned char)text[j]) ||
			    ((text[j] == '|' || text[j] == '&') &&
			    (j + 1 >= len || text[j + 1] != text[j]))))
				j++;
			t->len = j - i;
			i = j;
			t->kind = T_WORD;
			if (t->len == 3 && strncasecmp(t->p, "and", 3) == 0)
				t->kind = T_AND;
			else if (t->len == 2 && strncasecmp(t->p, "or", 2) == 0)
				t->kind = T_OR;
			else if (t->len == 3 && strncasecmp(t->p, "not", 3) == 0)
				t->kind = T_NOT;
			break;
		}
		}
		n++;
	}
}

/* ---- values ---- */

/* Tell whether a token is the word w (case-insensitive). */
static int
tok_is(const struct tok *t, const char *w)
{
	return t->kind == T_WORD && strlen(w) == t->len &&
	    strncasecmp(t->p, w, t->len) == 0;
}

/* Parse a decimal number with an optional fraction and a size suffix
 * (k M G T decimal, Ki Mi Gi Ti binary); 0, or -1. */
static int
parse_count(const char *p, size_t len, uint64_t *out)
{
	uint64_t ip = 0, fp = 0, fdiv = 1, mul = 1;
	size_t i = 0;
	int digits = 0, frac = 0;

	while (i < len && isdigit((unsigned char)p[i])) {
		if (ip > (UINT64_MAX - 9) / 10)
			return -1;
		ip = ip * 10 + (uint64_t)(p[i] - '0');
		i++;
		digits++;
	}
	if (i < len && p[i] == '.') {
		i++;
		frac = 1;
		while (i < len && isdigit((unsigned char)p[i])) {
			if (fdiv < 1000000000000ULL) {
				fp = fp * 10 + (uint64_t)(p[i] - '0');
				fdiv *= 10;
			}
			i++;
			digits++;
		}
	}
	if (digits == 0)
		return -1;
	if (i < len) {
		char c = p[i];
		int bin = i + 1 < len && p[i + 1] == 'i';

		if (i + 1 + (size_t)bin != len)
			return -1;
		switch (c) {
		case 'k': case 'K': mul = bin ? 1024ULL : 1000ULL; break;
		case 'M': mul = bin ? 1ULL << 20 : 1000000ULL; break;
		case 'G': mul = bin ? 1ULL << 30 : 1000000000ULL; break;
		case 'T': mul = bin ? 1ULL << 40 : 1000000000000ULL; break;
		default: return -1;
		}
	}
	if (ip > UINT64_MAX / mul)
		return -1;
	if (frac && fp != 0) {
		/* mul * fp / fdiv must be a whole number */
		unsigned __int128 x = (unsigned __int128)mul * fp;

		if (x % fdiv != 0)
			return -1;
		x /= fdiv;
		if ((unsigned __int128)ip * mul + x > UINT64_MAX)
			return -1;
		*out = ip * mul + (uint64_t)x;
		return 0;
	}
	*out = ip * mul;
	return 0;
}

/* Days from 1970-01-01 to a civil date (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* Read exactly n digits at p[*i]; -1 when they are not there. */
static int
digits(const char *p, size_t len, size_t *i, int n)
{
	int v = 0, k;

	for (k = 0; k < n; k++) {
		if (*i >= len || !isdigit((unsigned char)p[*i]))
			return -1;
		v = v * 10 + (p[(*i)++] - '0');
	}
	return v;
}

/* Parse an ISO 8601 time: YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM|-HH:MM]
 * (no zone: UTC); 0, or -1. */
static int
parse_iso(const char *p, size_t len, uint64_t *out)
{
	size_t i = 0;
	int y, mo, d, h = 0, mi = 0, s = 0, off = 0;
	int64_t t;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if ((y = digits(p, len, &i, 4)) < 0 || i >= len || p[i++] != '-' ||
	    (mo = digits(p, len, &i, 2)) < 0 || i >= len || p[i++] != '-' ||
	    (d = digits(p, len, &i, 2)) < 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0))))
		return -1;
	if (i < len && (p[i] == 'T' || p[i] == 't')) {
		i++;
		if ((h = digits(p, len, &i, 2)) < 0 || i >= len ||
		    p[i++] != ':' || (mi = digits(p, len, &i, 2)) < 0)
			return -1;
		if (i < len && p[i] == ':') {
			i++;
			if ((s = digits(p, len, &i, 2)) < 0)
				return -1;
		}
		if (h > 23 || mi > 59 || s > 60)
			return -1;
	}
	if (i < len && (p[i] == 'Z' || p[i] == 'z'))
		i++;
	else if (i < len && (p[i] == '+' || p[i] == '-')) {
		int sign = p[i++] == '-' ? -1 : 1, oh, om;

		if ((oh = digits(p, len, &i, 2)) < 0 || i >= len ||
		    p[i++] != ':' || (om = digits(p, len, &i, 2)) < 0 ||
		    oh > 23 || om > 59)
			return -1;
		off = sign * (oh * 3600 + om * 60);
	}
	if (i != len)
		return -1;
	t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + s - off;
	if (t < 0)
		return -1;
	*out = (uint64_t)t;
	return 0;
}

/* Parse a relative time "-15m" (s m h d w); 0 with seconds, or -1. */
static int
parse_rel(const char *p, size_t len, uint64_t *out)
{
	uint64_t n = 0, mul;
	size_t i = 1;

	if (len < 3 || p[0] != '-')
		return -1;
	while (i < len - 1 && isdigit((unsigned char)p[i])) {
		if (n > 100000000)
			return -1;
		n = n * 10 + (uint64_t)(p[i] - '0');
		i++;
	}
	if (i != len - 1 || i == 1)
		return -1;
	switch (p[i]) {
	case 's': mul = 1; break;
	case 'm': mul = 60; break;
	case 'h': mul = 3600; break;
	case 'd': mul = 86400; break;
	case 'w': mul = 604800; break;
	default: return -1;
	}
	*out = n * mul;
	return 0;
}

/* Protocol names accepted as values of protocol. */
static const struct {
	const char *name;
	unsigned num;
} proto_names[] = {
	{ "icmp", 1 }, { "igmp", 2 }, { "tcp", 6 }, { "udp", 17 },
	{ "gre", 47 }, { "esp", 50 }, { "ah", 51 }, { "icmpv6", 58 },
	{ "sctp", 132 }
};

/* TCP flag names accepted by tcp-flags and flags. */
static const struct {
	const char *name;
	unsigned bits;
} flag_names[] = {
	{ "SYN-ACK", 18 }, { "FIN", 1 }, { "SYN", 2 }, { "RST", 4 },
	{ "PSH", 8 }, { "ACK", 16 }, { "URG", 32 }
};

/* Parse tcp-flags names joined by '|' or ',' ("SYN-ACK", "FIN|SYN");
 * 0, or -1. */
static int
parse_flags(const char *p, size_t len, uint64_t *out)
{
	uint64_t bits = 0;
	size_t i = 0;

	while (i < len) {
		size_t j = i, k;
		int found = 0;

		while (j < len && p[j] != '|' && p[j] != ',')
			j++;
		for (k = 0; k < sizeof flag_names / sizeof flag_names[0]; k++)
			if (strlen(flag_names[k].name) == j - i &&
			    strncasecmp(flag_names[k].name, p + i, j - i) == 0) {
				bits |= flag_names[k].bits;
				found = 1;
			}
		if (!found)
			return -1;
		i = j + 1;
		if (j + 1 == len)
			return -1;
	}
	if (len == 0)
		return -1;
	*out = bits;
	return 0;
}

/* Parse an address or CIDR into v; 0, or -1 with why set. */
static int
parse_addr_val(const char *p, size_t len, struct val *v, const char **why)
{
	const char *slash = memchr(p, '/', len);
	size_t alen = slash ? (size_t)(slash - p) : len;
	int plen, i;

	if (flow_addr_parse(p, alen, &v->a) < 0) {
		*why = "not an IPv4 or IPv6 address";
		return -1;
	}
	v->v4 = flow_addr_is_v4(&v->a) && memchr(p, ':', alen) == NULL;
	if (slash == NULL) {
		v->kind = V_ADDR;
		return 0;
	}
	plen = 0;
	if (slash + 1 == p + len || p + len - slash - 1 > 3) {
		*why = v->v4 ? "prefix length must be 0-32" :
		    "prefix length must be 0-128";
		return -1;
	}
	for (i = 1; slash + i < p + len; i++) {
		if (!isdigit((unsigned char)slash[i])) {
			*why = "prefix length is not a number";
			return -1;
		}
		plen = plen * 10 + (slash[i] - '0');
	}
	if (plen > (v->v4 ? 32 : 128)) {
		*why = v->v4 ? "prefix length must be 0-32" :
		    "prefix length must be 0-128";
		return -1;
	}
	v->kind = V_CIDR;
	v->plen = v->v4 ? plen + 96 : plen;
	for (i = 0; i < 16; i++) {
		int bits = v->plen - i * 8;
		uint8_t m = bits >= 8 ? 0xff : bits <= 0 ? 0 :
		    (uint8_t)(0xff << (8 - bits));

		v->a.b[i] &= m;
	}
	return 0;
}

/* The underlying type of a field or pseudo-field. */
static int
ftype(int field)
{
	if (field == PF_ADDR)
		return FT_ADDR;
	if (field == PF_PORT)
		return FT_PORT;
	return field_table[field].type;
}

/* Name of a field or pseudo-field. */
static const char *
fname(int field)
{
	if (field == PF_ADDR)
		return "addr";
	if (field == PF_PORT)
		return "port";
	return field_name(field);
}

/* Look up a field or pseudo-field name (with the aliases eni, vpc,
 * subnet, flags, proto); -1 when unknown. */
static int
field_find(const char *p, size_t len)
{
	static const struct {
		const char *name;
		int field;
	} alias[] = {
		{ "addr", PF_ADDR }, { "port", PF_PORT },
		{ "eni", F_INTERFACE_ID }, { "vpc", F_VPC_ID },
		{ "subnet", F_SUBNET_ID }, { "flags", F_TCP_FLAGS },
		{ "proto", F_PROTOCOL }
	};
	size_t i;
	int id = field_lookup(p, len);

	if (id >= 0)
		return id;
	for (i = 0; i < sizeof alias / sizeof alias[0]; i++)
		if (strlen(alias[i].name) == len &&
		    memcmp(alias[i].name, p, len) == 0)
			return alias[i].field;
	return -1;
}

/* Edit distance of two short strings (for "did you mean"). */
static size_t
edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t d[64], i, j;

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		d[j] = j;
	for (i = 1; i <= la; i++) {
		size_t prev = d[0], cur;

		d[0] = i;
		for (j = 1; j <= lb; j++) {
			cur = d[j];
			d[j] = prev + (tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]));
			if (d[j - 1] + 1 < d[j])
				d[j] = d[j - 1] + 1;
			if (cur + 1 < d[j])
				d[j] = cur + 1;
			prev = cur;
		}
	}
	return d[lb];
}

/* The known name nearest to a word, or NULL when none is close. */
static const char *
nearest_name(const char *p, size_t len)
{
	static const char *const extra[] = { "addr", "port", "eni", "vpc",
	    "subnet", "flags", "proto" };
	const char *best = NULL;
	size_t bd = len <= 4 ? 2 : 3, d;
	int i;

	for (i = 0; i < FIELD_COUNT; i++) {
		const char *n = field_name(i);

		d = edit_distance(p, len, n, strlen(n));
		if (d < bd) {
			bd = d;
			best = n;
		}
	}
	for (i = 0; i < (int)(sizeof extra / sizeof extra[0]); i++) {
		d = edit_distance(p, len, extra[i], strlen(extra[i]));
		if (d < bd) {
			bd = d;
			best = extra[i];
		}
	}
	for (i = 0; i < SH_COUNT; i++) {
		d = edit_distance(p, len, short_word[i], strlen(short_word[i]));
		if (d < bd) {
			bd = d;
			best = short_word[i];
		}
	}
	return best;
}

/* What values of a field look like, for error messages. */
static const char *
expect_desc(int field)
{
	switch (ftype(field)) {
	case FT_ADDR:
		return "an IPv4 or IPv6 address or CIDR";
	case FT_PORT:
		return "a port number (0-65535)";
	case FT_COUNTER:
		return "a number (suffixes k M G, Ki Mi Gi)";
	case FT_TIME:
		return "a time (Unix seconds, 2024-05-01T12:00Z or -15m)";
	case FT_ENUM:
		return "one of the field's words";
	case FT_SYMBOL:
		return "a word or \"string\"";
	default:
		if (field == F_PROTOCOL)
			return "a protocol number (0-255) or name";
		if (field == F_TCP_FLAGS)
			return "tcp-flags as a number or names (SYN, SYN-ACK, "
			    "FIN, RST)";
		return "a number";
	}
}

/* Parse a value token for field into v; 0, or -1 after an error. */
static int
parse_value(struct parser *ps, int field, const struct tok *t, struct val *v)
{
	char d[64];
	const char *why = NULL;
	int type = ftype(field);

	memset(v, 0, sizeof *v);
	if (t->kind != T_WORD && t->kind != T_STRING) {
		perr(ps, t->col, "expected %s for %s, found %s",
		    expect_desc(field), fname(field), tok_desc(t, d, sizeof d));
		return -1;
	}
	if (t->kind == T_WORD && t->len == 1 && t->p[0] == '-') {
		v->kind = V_ABSENT;
		return 0;
	}
	switch (type) {
	case FT_SYMBOL:
		v->kind = V_SYM;
		v->s = malloc(t->len + 1);
		if (v->s == NULL) {
			perr(ps, t->col, "out of memory");
			return -1;
		}
		memcpy(v->s, t->p, t->len);
		v->s[t->len] = '\0';
		v->len = t->len;
		return 0;
	case FT_ADDR:
		if (parse_addr_val(t->p, t->len, v, &why) == 0)
			return 0;
		if (memchr(t->p, '/', t->len) != NULL && strcmp(why,
		    "not an IPv4 or IPv6 address") != 0)
			perr(ps, t->col, "bad CIDR %s: %s", tok_desc(t, d,
			    sizeof d), why);
		else
			perr(ps, t->col, "expected %s for %s, found %s",
			    expect_desc(field), fname(field),
			    tok_desc(t, d, sizeof d));
		return -1;
	case FT_ENUM: {
		unsigned e = field_enum_value(field, t->p, t->len);
		const char *w;
		size_t off = 0;
		char words[160];
		unsigned i;

		if (e != 0) {
			v->kind = V_NUM;
			v->u = e;
			return 0;
		}
		words[0] = '\0';
		for (i = 1; (w = field_enum_word(field, i)) != NULL &&
		    off < sizeof words - 1; i++)
			off += (size_t)snprintf(words + off, sizeof words - off,
			    "%s%s", i > 1 ? ", " : "", w);
		perr(ps, t->col, "expected one of %s for %s, found %s", words,
		    fname(field), tok_desc(t, d, sizeof d));
		return -1;
	}
	case FT_TIME:
		v->kind = V_NUM;
		if (parse_rel(t->p, t->len, &v->u) == 0) {
			v->kind = V_REL;
			ps->f->relative = 1;
			return 0;
		}
		if (parse_count(t->p, t->len, &v->u) == 0 &&
		    memchr(t->p, '.', t->len) == NULL &&
		    isdigit((unsigned char)t->p[t->len - 1]))
			return 0;
		if (parse_iso(t->p, t->len, &v->u) == 0)
			return 0;
		break;
	default:
		v->kind = V_NUM;
		if (field == F_PROTOCOL) {
			size_t i;

			for (i = 0; i < sizeof proto_names /
			    sizeof proto_names[0]; i++)
				if (strlen(proto_names[i].name) == t->len &&
				    strncasecmp(proto_names[i].name, t->p,
				    t->len) == 0) {
					v->u = proto_names[i].num;
					return 0;
				}
		}
		if (field == F_TCP_FLAGS && parse_flags(t->p, t->len,
		    &v->u) == 0)
			return 0;
		if (parse_count(t->p, t->len, &v->u) == 0) {
			uint64_t max = type == FT_PORT ? 65535 :
			    type == FT_INT ? field_table[field].max :
			    UINT64_MAX;

			if (v->u <= max)
				return 0;
			perr(ps, t->col, "%s is out of range for %s (at most "
			    "%llu)", tok_desc(t, d, sizeof d), fname(field),
			    (unsigned long long)max);
			return -1;
		}
		break;
	}
	perr(ps, t->col, "expected %s for %s, found %s", expect_desc(field),
	    fname(field), tok_desc(t, d, sizeof d));
	return -1;
}

/* ---- parser ---- */

/* Allocate a tree node owned by the filter. */
static struct node *
node_new(struct parser *ps, int kind)
{
	struct node *n = calloc(1, sizeof *n);

	if (n == NULL) {
		perr(ps, 0, "out of memory");
		return NULL;
	}
	n->kind = kind;
	n->next_alloc = ps->f->nodes;
	ps->f->nodes = n;
	return n;
}

/* Allocate an array of values owned by the filter. */
static struct val *
vals_new(struct parser *ps, size_t n)
{
	struct filter *f = ps->f;
	struct val *v;

	if (f->nvallists == f->capvallists) {
		size_t cap = f->capvallists ? f->capvallists * 2 : 8;
		struct val **nv = realloc(f->vallists, cap * sizeof *nv);

		if (nv == NULL) {
			perr(ps, 0, "out of memory");
			return NULL;
		}
		f->vallists = nv;
		f->capvallists = cap;
	}
	v = calloc(n, sizeof *v);
	if (v == NULL) {
		perr(ps, 0, "out of memory");
		return NULL;
	}
	f->vallists[f->nvallists++] = v;
	return v;
}

/* Tell which kinds of field text could hold every byte of a token. */
static unsigned
token_class(const char *p, size_t n, int caseless)
{
	unsigned c = LC_DIGITS | LC_ADDR;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch < '0' || ch > '9')
			c &= ~(unsigned)LC_DIGITS;
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
		    ch == '.' || ch == ':' ||
		    (caseless && ch >= 'A' && ch <= 'F')))
			c &= ~(unsigned)LC_ADDR;
	}
	return c;
}

/* If a regex is plain text (no metacharacters; \ before punctuation
 * only), keep it unescaped and cut at single spaces for lit_match. */
static void
plan_literal(struct regex *r)
{
	size_t i, n = 0;
	int k = 0;

	r->ntok = 0;
	if (r->flags & ~(unsigned)PCRE2_CASELESS)
		return;
	for (i = 0; i < r->len; i++) {
		unsigned char c = (unsigned char)r->src[i];

		if (c == '\\') {
			if (++i >= r->len)
				return;
			c = (unsigned char)r->src[i];
			if (isalnum(c) || c < 0x21 || c > 0x7e)
				return;
		} else if (strchr("^$.[]|()?*+{}", c) != NULL || c < 0x20 ||
		    c > 0x7e)
			return;
		if (n >= sizeof r->lit - 1)
			return;
		r->lit[n++] = (char)c;
	}
	if (n == 0 || r->lit[0] == ' ' || r->lit[n - 1] == ' ')
		return;
	r->lit[n] = '\0';
	r->tokoff[0] = 0;
	for (i = 0; i <= n; i++) {
		if (i < n && r->lit[i] != ' ')
			continue;
		r->toklen[k] = (uint16_t)(i - r->tokoff[k]);
		if (r->toklen[k] == 0)
			return;		/* two spaces in a row */
		r->tokclass[k] = (uint8_t)token_class(r->lit + r->tokoff[k],
		    r->toklen[k], (r->flags & PCRE2_CASELESS) != 0);
		if (++k == LIT_TOKENS && i < n)
			return;
		if (i < n)
			r->tokoff[k] = (uint16_t)(i + 1);
	}
	r->ntok = k;
}

/* Compile a regex token and return its index, or -1 after an error. */
static int
add_regex(struct parser *ps, const struct tok *t)
{
	struct filter *f = ps->f;
	struct regex *nr, *r;
	int ec;
	PCRE2_SIZE eo;

	nr = realloc(f->re, (f->nre + 1) * sizeof *nr);
	if (nr == NULL) {
		perr(ps, t->col, "out of memory");
		return -1;
	}
	f->re = nr;
	r = &f->re[f->nre];
	memset(r, 0, sizeof *r);
	r->code = pcre2_compile((PCRE2_SPTR)t->p, t->len, t->reflags, &ec,
	    &eo, NULL);
	if (r->code == NULL) {
		PCRE2_UCHAR msg[120];

		pcre2_get_error_message(ec, msg, sizeof msg);
		perr(ps, t->col + 1 + (int)eo, "bad regex: %s", (char *)msg);
		return -1;
	}
	/* JIT code is opaque to valgrind; VPCTOP_NO_JIT turns it off. */
	if (getenv("VPCTOP_NO_JIT") == NULL)
		(void)pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE);
	r->md = pcre2_match_data_create_from_pattern(r->code, NULL);
	r->src = malloc(t->len + 1);
	if (r->md == NULL || r->src == NULL) {
		pcre2_match_data_free(r->md);
		pcre2_code_free(r->code);
		free(r->src);
		perr(ps, t->col, "out of memory");
		return -1;
	}
	memcpy(r->src, t->p, t->len);
	r->src[t->len] = '\0';
	r->len = t->len;
	r->flags = t->reflags;
	plan_literal(r);
	f->nre++;
	return (int)f->nre - 1;
}

static struct node *parse_or(struct parser *ps);
static void memo_reset(struct filter *f);

/* The current token. */
static const struct tok *
cur(struct parser *ps)
{
	return &ps->t[ps->pos];
}

/* Check the operator fits the field's type; 0, or -1 after an error. */
static int
check_op(struct parser *ps, int field, const struct tok *optok)
{
	int type = ftype(field);

	if (optok->op == OP_EQ || optok->op == OP_NE)
		return 0;
	if (type == FT_ADDR || type == FT_SYMBOL || type == FT_ENUM) {
		perr(ps, optok->col, "%s values are compared with = != in or "
		    "~, not with '%s'", fname(field), op_text[optok->op]);
		return -1;
	}
	return 0;
}

/* Parse a predicate starting with a field name. */
static struct node *
parse_field_pred(struct parser *ps, int field, const struct tok *ft)
{
	const struct tok *t = cur(ps);
	struct node *n;
	char d[64];

	if (t->kind == T_OP) {
		ps->pos++;
		if (check_op(ps, field, t) < 0)
			return NULL;
		n = node_new(ps, N_CMP);
		if (n == NULL || (n->vals = vals_new(ps, 1)) == NULL)
			return NULL;
		n->field = field;
		n->op = t->op;
		n->nvals = 1;
		if (parse_value(ps, field, cur(ps), &n->vals[0]) < 0)
			return NULL;
		if (n->vals[0].kind == V_ABSENT && n->op != OP_EQ &&
		    n->op != OP_NE) {
			perr(ps, cur(ps)->col, "'-' (absent) is compared with "
			    "= or != only");
			return NULL;
		}
		ps->pos++;
		return n;
	}
	if (t->kind == T_TILDE) {
		ps->pos++;
		if (cur(ps)->kind != T_REGEX) {
			perr(ps, cur(ps)->col, "expected a /regex/ after '~', "
			    "found %s", tok_desc(cur(ps), d, sizeof d));
			return NULL;
		}
		n = node_new(ps, N_RE_FIELD);
		if (n == NULL)
			return NULL;
		n->field = field;
		if ((n->re = add_regex(ps, cur(ps))) < 0)
			return NULL;
		ps->pos++;
		return n;
	}
	if (tok_is(t, "has")) {
		ps->pos++;
		if (field != F_TCP_FLAGS) {
			perr(ps, t->col, "'has' tests tcp-flags (flags has "
			    "SYN), not %s", fname(field));
			return NULL;
		}
		n = node_new(ps, N_HAS);
		if (n == NULL || (n->vals = vals_new(ps, 1)) == NULL)
			return NULL;
		n->field = field;
		n->nvals = 1;
		if (parse_value(ps, field, cur(ps), &n->vals[0]) < 0)
			return NULL;
		if (n->vals[0].kind != V_NUM) {
			perr(ps, cur(ps)->col, "expected flag names after "
			    "'has', found %s", tok_desc(cur(ps), d, sizeof d));
			return NULL;
		}
		ps->pos++;
		return n;
	}
	if (tok_is(t, "in") || (t->kind == T_NOT &&
	    tok_is(&ps->t[ps->pos + 1], "in"))) {
		size_t start, cnt = 0, i;
		int neg = t->kind == T_NOT;

		ps->pos += neg ? 2 : 1;
		if (cur(ps)->kind != T_LB) {
			perr(ps, cur(ps)->col, "expected '[' after 'in', found "
			    "%s", tok_desc(cur(ps), d, sizeof d));
			return NULL;
		}
		ps->pos++;
		start = ps->pos;
		/* count the values first */
		for (;;) {
			t = cur(ps);
			if (t->kind != T_WORD && t->kind != T_STRING) {
				perr(ps, t->col, "expected %s in the list, "
				    "found %s", expect_desc(field),
				    tok_desc(t, d, sizeof d));
				return NULL;
			}
			cnt++;
			ps->pos++;
			if (cur(ps)->kind == T_RB)
				break;
			if (cur(ps)->kind != T_COMMA) {
				perr(ps, cur(ps)->col, "expected ',' or ']' in "
				    "the list, found %s", tok_desc(cur(ps), d,
				    sizeof d));
				return NULL;
			}
			ps->pos++;
		}
		n = node_new(ps, N_IN);
		if (n == NULL || (n->vals = vals_new(ps, cnt)) == NULL)
			return NULL;
		n->field = field;
		n->neg = neg;
		n->nvals = cnt;
		for (i = 0; i < cnt; i++) {
			t = &ps->t[start + 2 * i];
			if (parse_value(ps, field, t, &n->vals[i]) < 0)
				return NULL;
			if (n->vals[i].kind == V_ABSENT) {
				perr(ps, t->col, "'-' (absent) cannot be in a "
				    "list: use %s = -", fname(field));
				return NULL;
			}
		}
		ps->pos++;	/* ] */
		return n;
	}
	perr(ps, t->col, "expected an operator (= != < <= > >= in ~ has) "
	    "after '%.*s', found %s", (int)ft->len, ft->p,
	    tok_desc(t, d, sizeof d));
	return NULL;
}

/* Parse one factor: not, parentheses, a regex, a shorthand or a
 * predicate. */
static struct node *
parse_factor(struct parser *ps)
{
	const struct tok *t = cur(ps);
	struct node *n;
	char d[64];
	int field, i;

	if (++ps->depth > FILTER_MAX_DEPTH) {
		perr(ps, t->col, "filter nested too deeply");
		return NULL;
	}
	switch (t->kind) {
	case T_NOT:
		ps->pos++;
		n = node_new(ps, N_NOT);
		if (n == NULL || (n->l = parse_factor(ps)) == NULL)
			return NULL;
		ps->depth--;
		return n;
	case T_LP:
		ps->pos++;
		n = parse_or(ps);
		if (n == NULL)
			return NULL;
		if (cur(ps)->kind != T_RP) {
			perr(ps, cur(ps)->col, "expected ')' to close '(' at "
			    "column %d, found %s", t->col + 1,
			    tok_desc(cur(ps), d, sizeof d));
			return NULL;
		}
		ps->pos++;
		ps->depth--;
		return n;
	case T_REGEX:
		n = node_new(ps, N_RE_LINE);
		if (n == NULL || (n->re = add_regex(ps, t)) < 0)
			return NULL;
		ps->pos++;
		ps->depth--;
		return n;
	case T_WORD:
		ps->pos++;
		field = field_find(t->p, t->len);
		if (field >= 0) {
			n = parse_field_pred(ps, field, t);
			ps->depth--;
			return n;
		}
		for (i = 0; i < SH_COUNT; i++)
			if (tok_is(t, short_word[i])) {
				n = node_new(ps, N_SHORT);
				if (n == NULL)
					return NULL;
				n->sh = i;
				ps->depth--;
				return n;
			}
		{
			const char *near = nearest_name(t->p, t->len);
			struct val v;
			const char *why;

			if (near)
				perr(ps, t->col, "unknown field or word %s "
				    "(did you mean %s?)", tok_desc(t, d,
				    sizeof d), near);
			else if (parse_addr_val(t->p, t->len, &v, &why) == 0)
				perr(ps, t->col, "expected a field before "
				    "the address %s (for example addr = "
				    "%.*s)", tok_desc(t, d, sizeof d),
				    (int)t->len, t->p);
			else
				perr(ps, t->col, "expected a field name, "
				    "shorthand or /regex/, found %s",
				    tok_desc(t, d, sizeof d));
		}
		return NULL;
	case T_RP:
		if (ps->depth == 1) {
			perr(ps, t->col, "unexpected ')' with no '(' to close");
			return NULL;
		}
		perr(ps, t->col, "expected a field name, shorthand, /regex/, "
		    "'not' or '(', found ')'");
		return NULL;
	default:
		perr(ps, t->col, "expected a field name, shorthand, /regex/, "
		    "'not' or '(', found %s", tok_desc(t, d, sizeof d));
		return NULL;
	}
}

/* Tell whether a token can start a factor (for adjacency as "and"). */
static int
starts_factor(const struct tok *t)
{
	return t->kind == T_WORD || t->kind == T_REGEX || t->kind == T_LP ||
	    t->kind == T_NOT;
}

/* Parse factors joined by "and", "&&" or adjacency. */
static struct node *
parse_and(struct parser *ps)
{
	struct node *l = parse_factor(ps), *n;

	while (l != NULL) {
		const struct tok *t = cur(ps);

		if (t->kind == T_AND)
			ps->pos++;
		else if (!starts_factor(t))
			break;
		n = node_new(ps, N_AND);
		if (n == NULL)
			return NULL;
		n->l = l;
		if ((n->r = parse_factor(ps)) == NULL)
			return NULL;
		l = n;
	}
	return l;
}

/* Parse terms joined by "or" or "||". */
static struct node *
parse_or(struct parser *ps)
{
	struct node *l = parse_and(ps), *n;

	while (l != NULL && cur(ps)->kind == T_OR) {
		ps->pos++;
		n = node_new(ps, N_OR);
		if (n == NULL)
			return NULL;
		n->l = l;
		if ((n->r = parse_and(ps)) == NULL)
			return NULL;
		l = n;
	}
	return l;
}

/* ---- compiler ---- */

/* Labels: instructions are numbered 0..n-1; ACCEPT and REJECT are set
 * to n and n + 1 once the program is complete.  While generating back to
 * front, jumps to them use these marks. */
#define L_ACCEPT 0xfffffffeu
#define L_REJECT 0xffffffffu

/* Emit one instruction in front of those emitted so far; returns its
 * label (a position counted from the end), or L_REJECT on OOM. */
static uint32_t
emit(struct filter *f, const struct ins *in)
{
	if (f->nprog == f->capprog) {
		uint32_t cap = f->capprog ? f->capprog * 2 : 16;
		struct ins *np = realloc(f->prog, cap * sizeof *np);

		if (np == NULL) {
			f->oom = 1;
			return L_REJECT;
		}
		f->prog = np;
		f->capprog = cap;
	}
	f->prog[f->nprog] = *in;
	return f->nprog++;
}

/* Emit the test of one field; returns its label. */
static uint32_t
gen_field(struct filter *f, int kind, int field, int op, const struct val *v,
    uint32_t t, uint32_t fl)
{
	struct ins in;

	memset(&in, 0, sizeof in);
	in.k = (uint8_t)kind;
	in.op = (uint8_t)op;
	in.field = (uint16_t)field;
	in.jt = t;
	in.jf = fl;
	in.v = v;
	if (v != NULL) {
		in.n = v->u;
		if (kind == K_TIME)
			in.rel = v->u;
		if (kind == K_CIDR) {
			int i;

			for (i = 0; i < 2; i++) {
				int bits = v->plen - 64 * i;
				uint64_t m = bits >= 64 ? UINT64_MAX : bits <= 0 ?
				    0 : ~(UINT64_MAX >> bits);
				uint64_t w = 0;
				int k;

				for (k = 0; k < 8; k++)
					w = w << 8 | v->a.b[i * 8 + k];
				in.mask[i] = m;
				in.net[i] = w & m;
			}
		}
	}
	return emit(f, &in);
}

/* The real fields a pseudo-field stands for; returns their number. */
static int
expand(int field, int out[4])
{
	if (field == PF_ADDR) {
		out[0] = F_SRCADDR;
		out[1] = F_DSTADDR;
		out[2] = F_PKT_SRCADDR;
		out[3] = F_PKT_DSTADDR;
		return 4;
	}
	if (field == PF_PORT) {
		out[0] = F_SRCPORT;
		out[1] = F_DSTPORT;
		return 2;
	}
	out[0] = field;
	return 1;
}

/* Emit "value v of a real field matches" with op = or ordering (never
 * !=, never absent); returns the entry label. */
static uint32_t
gen_eq(struct filter *f, int field, int op, const struct val *v, uint32_t t,
    uint32_t fl)
{
	switch (v->kind) {
	case V_SYM:
		return gen_field(f, K_SYM, field, OP_EQ, v, t, fl);
	case V_ADDR:
		return gen_field(f, K_ADDR, field, OP_EQ, v, t, fl);
	case V_CIDR:
		return gen_field(f, K_CIDR, field, OP_EQ, v, t, fl);
	case V_REL:
		return gen_field(f, K_TIME, field, op, v, t, fl);
	default:
		return gen_field(f, K_NUM, field, op, v, t, fl);
	}
}

/* Emit "any of a real field's values matches" for a list: an or chain. */
static uint32_t
gen_list(struct filter *f, int field, const struct val *v, size_t n,
    uint32_t t, uint32_t fl)
{
	uint32_t next = fl;
	size_t i;

	for (i = n; i-- > 0;)
		next = gen_eq(f, field, OP_EQ, &v[i], t, next);
	return next;
}

/* Emit "the field is present" (any of a pseudo-field's fields). */
static uint32_t
gen_present(struct filter *f, int field, uint32_t t, uint32_t fl)
{
	int fs[4], k = expand(field, fs);
	uint32_t next = fl;

	while (k-- > 0)
		next = gen_field(f, K_PRESENT, fs[k], 0, NULL, t, next);
	return next;
}

/* Emit "some field of field matches vals" (pseudo-fields: any). */
static uint32_t
gen_any(struct filter *f, int field, int op, const struct val *v, size_t n,
    uint32_t t, uint32_t fl)
{
	int fs[4], k = expand(field, fs);
	uint32_t next = fl;

	while (k-- > 0)
		next = n == 1 ? gen_eq(f, fs[k], op, v, t, next) :
		    gen_list(f, fs[k], v, n, t, next);
	return next;
}

/* Generate code for a node: jump to t when true, fl when false. */
static uint32_t
gen(struct filter *f, const struct node *n, uint32_t t, uint32_t fl)
{
	uint32_t r;

	switch (n->kind) {
	case N_AND:
		r = gen(f, n->r, t, fl);
		return gen(f, n->l, r, fl);
	case N_OR:
		r = gen(f, n->r, t, fl);
		return gen(f, n->l, t, r);
	case N_NOT:
		return gen(f, n->l, fl, t);
	case N_CMP:
		if (n->vals[0].kind == V_ABSENT)
			/* = - : absent; != - : present */
			return n->op == OP_EQ ? gen_present(f, n->field, fl, t) :
			    gen_present(f, n->field, t, fl);
		if (n->op == OP_NE && n->vals[0].kind != V_NUM &&
		    n->vals[0].kind != V_REL) {
			/* present and not equal (all present ones differ) */
			r = gen_any(f, n->field, OP_EQ, n->vals, 1, fl, t);
			return gen_present(f, n->field, r, fl);
		}
		if (n->op == OP_NE && n->field >= FIELD_COUNT) {
			r = gen_any(f, n->field, OP_EQ, n->vals, 1, fl, t);
			return gen_present(f, n->field, r, fl);
		}
		return gen_any(f, n->field, n->op, n->vals, 1, t, fl);
	case N_IN:
		if (n->neg) {
			r = gen_any(f, n->field, OP_EQ, n->vals, n->nvals, fl, t);
			return gen_present(f, n->field, r, fl);
		}
		return gen_any(f, n->field, OP_EQ, n->vals, n->nvals, t, fl);
	case N_HAS:
		return gen_field(f, K_HAS, n->field, 0, &n->vals[0], t, fl);
	case N_RE_FIELD: {
		int fs[4], k = expand(n->field, fs);

		r = fl;
		while (k-- > 0) {
			struct ins in;

			memset(&in, 0, sizeof in);
			in.k = K_RE_FIELD;
			in.field = (uint16_t)fs[k];
			in.re = n->re;
			in.jt = t;
			in.jf = r;
			r = emit(f, &in);
		}
		return r;
	}
	case N_RE_LINE: {
		struct ins in;

		memset(&in, 0, sizeof in);
		in.k = K_RE_LINE;
		in.re = n->re;
		in.jt = t;
		in.jf = fl;
		return emit(f, &in);
	}
	default: {
		static struct val shv[SH_COUNT];
		static const struct {
			int field;
			uint64_t v;
		} sh[SH_COUNT] = {
			[SH_ACCEPT] = { F_ACTION, ACTION_ACCEPT },
			[SH_REJECT] = { F_ACTION, ACTION_REJECT },
			[SH_TCP] = { F_PROTOCOL, 6 },
			[SH_UDP] = { F_PROTOCOL, 17 },
			[SH_ICMP] = { F_PROTOCOL, 1 },
			[SH_ICMPV6] = { F_PROTOCOL, 58 },
			[SH_INGRESS] = { F_FLOW_DIRECTION, DIR_INGRESS },
			[SH_EGRESS] = { F_FLOW_DIRECTION, DIR_EGRESS },
			[SH_NODATA] = { F_LOG_STATUS, STATUS_NODATA },
			[SH_SKIPDATA] = { F_LOG_STATUS, STATUS_SKIPDATA },
		};
		struct ins in;

		if (n->sh == SH_IPV4 || n->sh == SH_IPV6) {
			memset(&in, 0, sizeof in);
			in.k = K_IPV6;
			in.jt = n->sh == SH_IPV6 ? t : fl;
			in.jf = n->sh == SH_IPV6 ? fl : t;
			/* ipv4: an address is present and none is IPv6 */
			if (n->sh == SH_IPV4) {
				r = emit(f, &in);
				in.k = K_PRESENT;
				in.field = F_SRCADDR;
				in.jt = r;
				in.jf = fl;
				return emit(f, &in);
			}
			return emit(f, &in);
		}
		shv[n->sh].kind = V_NUM;
		shv[n->sh].u = sh[n->sh].v;
		return gen_field(f, K_NUM, sh[n->sh].field, OP_EQ, &shv[n->sh],
		    t, fl);
	}
	}
}

/* Turn generated labels into forward indexes: the last emitted
 * instruction runs first. */
static void
finish_prog(struct filter *f)
{
	uint32_t n = f->nprog, i;

	/* reverse, so execution starts at 0 */
	for (i = 0; i < n / 2; i++) {
		struct ins tmp = f->prog[i];

		f->prog[i] = f->prog[n - 1 - i];
		f->prog[n - 1 - i] = tmp;
	}
	for (i = 0; i < n; i++) {
		struct ins *in = &f->prog[i];

		in->jt = in->jt == L_ACCEPT ? n : in->jt == L_REJECT ? n + 1 :
		    n - 1 - in->jt;
		in->jf = in->jf == L_ACCEPT ? n : in->jf == L_REJECT ? n + 1 :
		    n - 1 - in->jf;
	}
}

/* ---- public: parse and free ---- */

/* Parse and compile an expression. */
struct filter *
filter_parse(const char *text, struct filter_error *err)
{
	struct parser ps;
	struct filter *f;
	size_t len = text ? strlen(text) : 0, i;
	long nt;
	uint32_t entry;

	memset(&ps, 0, sizeof ps);
	ps.err = err;
	if (err) {
		err->msg[0] = '\0';
		err->col = 0;
	}
	f = calloc(1, sizeof *f);
	if (f == NULL || (f->text = malloc(len + 1)) == NULL) {
		free(f);
		perr(&ps, 0, "out of memory");
		return NULL;
	}
	memcpy(f->text, text ? text : "", len + 1);
	ps.f = f;
	ps.t = calloc(len + 2, sizeof *ps.t);
	if (ps.t == NULL) {
		perr(&ps, 0, "out of memory");
		filter_free(f);
		return NULL;
	}
	nt = lex(&ps, f->text, len, ps.t);
	if (nt > 0) {
		ps.nt = (size_t)nt;
		if (ps.t[0].kind == T_END)
			perr(&ps, 0, "empty filter: expected an expression");
		else {
			f->root = parse_or(&ps);
			if (f->root != NULL && cur(&ps)->kind != T_END) {
				char d[64];
				const struct tok *t = cur(&ps);

				if (t->kind == T_RP)
					perr(&ps, t->col, "unexpected ')' with "
					    "no '(' to close");
				else
					perr(&ps, t->col, "expected 'and', "
					    "'or' or end of filter, found %s",
					    tok_desc(t, d, sizeof d));
			}
		}
	}
	for (i = 0; i < (nt > 0 ? (size_t)nt : len + 2); i++)
		free(ps.t[i].buf);
	free(ps.t);
	if (ps.failed) {
		filter_free(f);
		return NULL;
	}
	entry = gen(f, f->root, L_ACCEPT, L_REJECT);
	f->mctx = pcre2_match_context_create(NULL);
	f->linecap = 1024;
	f->line = malloc(f->linecap);
	(void)entry;
	if (f->oom || f->mctx == NULL || f->line == NULL) {
		if (err) {
			snprintf(err->msg, sizeof err->msg, "out of memory");
			err->col = 0;
		}
		filter_free(f);
		return NULL;
	}
	pcre2_set_match_limit(f->mctx, FILTER_MATCH_LIMIT);
	pcre2_set_depth_limit(f->mctx, FILTER_DEPTH_LIMIT);
	finish_prog(f);
	f->has_re = f->nre > 0;
	f->now = (uint64_t)time(NULL);
	return f;
}

/* Free a filter. */
void
filter_free(struct filter *f)
{
	size_t i, j;

	if (f == NULL)
		return;
	filter_unbind(f);
	if (f->prog)
		memo_reset(f);
	while (f->nodes) {
		struct node *n = f->nodes;

		f->nodes = n->next_alloc;
		if (n->vals)
			for (j = 0; j < n->nvals; j++)
				free(n->vals[j].s);
		free(n);
	}
	for (i = 0; i < f->nvallists; i++)
		free(f->vallists[i]);
	free(f->vallists);
	for (i = 0; i < f->nre; i++) {
		pcre2_match_data_free(f->re[i].md);
		pcre2_code_free(f->re[i].code);
		free(f->re[i].src);
	}
	free(f->re);
	pcre2_match_context_free(f->mctx);
	free(f->prog);
	free(f->line);
	free(f->text);
	free(f);
}

/* ---- canonical form ---- */

struct sbuf {
	char *p;
	size_t size, len;
};

/* Append formatted text (the length keeps counting past the end). */
static void
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->len < b->size ? b->p + b->len : NULL,
	    b->len < b->size ? b->size - b->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len += (size_t)n;
}

/* Tell whether a symbol can be written without quotes. */
static int
bare_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || (len == 1 && s[0] == '-') || s[0] == '/')
		return 0;
	if (field_find(s, len) >= 0)
		return 1;
	for (i = 0; i < len; i++)
		if (word_end((unsigned char)s[i]) || (unsigned char)s[i] < 0x20 ||
		    (unsigned char)s[i] >= 0x7f)
			return 0;
	if ((len == 3 && strncasecmp(s, "and", 3) == 0) ||
	    (len == 2 && strncasecmp(s, "or", 2) == 0) ||
	    (len == 3 && strncasecmp(s, "not", 3) == 0))
		return 0;
	return 1;
}

/* Write a value in canonical form. */
static void
print_val(struct sbuf *b, int field, const struct val *v)
{
	char a[FLOW_ADDR_STRLEN];
	size_t i;

	switch (v->kind) {
	case V_ABSENT:
		sb_printf(b, "-");
		return;
	case V_SYM:
		if (bare_ok(v->s, v->len)) {
			sb_printf(b, "%s", v->s);
			return;
		}
		sb_printf(b, "\"");
		for (i = 0; i < v->len; i++) {
			unsigned char c = (unsigned char)v->s[i];

			if (c == '"' || c == '\\')
				sb_printf(b, "\\%c", c);
			else
				sb_printf(b, "%c", c);
		}
		sb_printf(b, "\"");
		return;
	case V_ADDR:
		flow_addr_format(&v->a, a);
		sb_printf(b, "%s", a);
		return;
	case V_CIDR:
		flow_addr_format(&v->a, a);
		sb_printf(b, "%s/%d", a, v->v4 ? v->plen - 96 : v->plen);
		return;
	case V_REL: {
		static const struct {
			uint64_t secs;
			char unit;
		} units[] = { { 604800, 'w' }, { 86400, 'd' }, { 3600, 'h' },
		    { 60, 'm' }, { 1, 's' } };
		size_t k = v->u == 0 ? 4 : 0;

		/* the largest unit that writes the value exactly */
		while (v->u % units[k].secs != 0)
			k++;
		sb_printf(b, "-%llu%c", (unsigned long long)(v->u /
		    units[k].secs), units[k].unit);
		return;
	}
	default:
		break;
	}
	if (field < FIELD_COUNT && field_table[field].type == FT_ENUM) {
		const char *w = field_enum_word(field, (unsigned)v->u);

		sb_printf(b, "%s", w ? w : "?");
		return;
	}
	if (field < FIELD_COUNT && field_table[field].type == FT_TIME) {
		time_t t = (time_t)v->u;
		struct tm tm;

		if (gmtime_r(&t, &tm) != NULL && tm.tm_year + 1900 >= 1970 &&
		    tm.tm_year + 1900 <= 9999) {
			sb_printf(b, "%04d-%02d-%02dT%02d:%02d:%02dZ",
			    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			    tm.tm_hour, tm.tm_min, tm.tm_sec);
			return;
		}
	}
	if (field == F_PROTOCOL)
		for (i = 0; i < sizeof proto_names / sizeof proto_names[0]; i++)
			if (proto_names[i].num == v->u && (v->u == 1 ||
			    v->u == 6 || v->u == 17 || v->u == 58)) {
				sb_printf(b, "%s", proto_names[i].name);
				return;
			}
	if (field == F_TCP_FLAGS && v->u != 0) {
		uint64_t rest = v->u;
		char names[64];
		size_t off = 0;

		names[0] = '\0';
		for (i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
			if ((rest & flag_names[i].bits) == flag_names[i].bits) {
				off += (size_t)snprintf(names + off,
				    sizeof names - off, "%s%s", off ? "|" : "",
				    flag_names[i].name);
				rest &= ~(uint64_t)flag_names[i].bits;
			}
		if (rest == 0) {
			sb_printf(b, "%s", names);
			return;
		}
	}
	sb_printf(b, "%llu", (unsigned long long)v->u);
}

/* Write a node; prec is the binding of the context (0 or, 1 and, 2 not). */
static void
print_node(struct sbuf *b, const struct filter *f, const struct node *n,
    int prec)
{
	size_t i;

	switch (n->kind) {
	case N_OR:
	case N_AND: {
		int own = n->kind == N_OR ? 0 : 1;	/* this operator's binding */

		if (prec > own)
			sb_printf(b, "(");
		print_node(b, f, n->l, own);
		sb_printf(b, n->kind == N_OR ? " or " : " and ");
		print_node(b, f, n->r, own);
		if (prec > own)
			sb_printf(b, ")");
		return;
	}
	case N_NOT:
		sb_printf(b, "not ");
		print_node(b, f, n->l, 2);
		return;
	case N_CMP:
		sb_printf(b, "%s %s ", fname(n->field), op_text[n->op]);
		print_val(b, n->field, &n->vals[0]);
		return;
	case N_IN:
		sb_printf(b, "%s %sin [", fname(n->field), n->neg ? "not " : "");
		for (i = 0; i < n->nvals; i++) {
			if (i)
				sb_printf(b, ", ");
			print_val(b, n->field, &n->vals[i]);
		}
		sb_printf(b, "]");
		return;
	case N_HAS:
		sb_printf(b, "%s has ", fname(n->field));
		print_val(b, n->field, &n->vals[0]);
		return;
	case N_RE_FIELD:
	case N_RE_LINE:
		if (n->kind == N_RE_FIELD)
			sb_printf(b, "%s ~ ", fname(n->field));
		sb_printf(b, "/%s/%s", f->re[n->re].src,
		    f->re[n->re].flags & PCRE2_CASELESS ? "i" : "");
		return;
	default:
		sb_printf(b, "%s", short_word[n->sh]);
		return;
	}
}

/* Write the canonical form. */
size_t
filter_to_string(const struct filter *f, char *buf, size_t size)
{
	struct sbuf b = { buf, size, 0 };

	if (size > 0)
		buf[0] = '\0';
	print_node(&b, f, f->root, 0);
	if (size > 0 && b.len >= size)
		buf[size - 1] = '\0';
	return b.len;
}

/* ---- time ---- */

/* 1 when the expression has relative times. */
int
filter_has_relative(const struct filter *f)
{
	return f->relative;
}

/* Resolve relative times against now. */
void
filter_set_now(struct filter *f, uint32_t now)
{
	f->now = now;
	f->now_set = 1;
}

/* ---- evaluation ---- */

/* Compare a with b by op. */
static inline int
cmp_op(int op, uint64_t a, uint64_t b)
{
	switch (op) {
	case OP_EQ: return a == b;
	case OP_NE: return a != b;
	case OP_LT: return a < b;
	case OP_LE: return a <= b;
	case OP_GT: return a > b;
	default: return a >= b;
	}
}

/* Test an address against a CIDR instruction. */
static inline int
cidr_match(const struct ins *in, const struct flow_addr *a)
{
	uint64_t w0 = 0, w1 = 0;
	int k;

	for (k = 0; k < 8; k++) {
		w0 = w0 << 8 | a->b[k];
		w1 = w1 << 8 | a->b[8 + k];
	}
	return (w0 & in->mask[0]) == in->net[0] &&
	    (w1 & in->mask[1]) == in->net[1];
}

/* Run a regex over text; 1 match, 0 no match, -1 gave up at the match
 * limit (counted in f->expensive). */
static int
re_run(struct filter *f, int re, const char *s, size_t len)
{
	struct regex *r = &f->re[re];
	int rc = pcre2_match(r->code, (PCRE2_SPTR)s, len, 0, 0, r->md,
	    f->mctx);

	if (rc >= 0)
		return 1;
	if (rc != PCRE2_ERROR_NOMATCH) {
		f->expensive++;
		return -1;
	}
	return 0;
}

/* Write a record's flow-log text into f->line; returns its length. */
static size_t
line_text(struct filter *f, const struct flow *fl)
{
	size_t len = 0, need;
	int i, n, id;
	char v[FLOW_VALUE_MAX];

	n = fl->fmt ? fl->fmt->n : FIELD_COUNT;
	for (i = 0; i < n; i++) {
		size_t vl;

		id = fl->fmt ? fl->fmt->field[i] : i;
		if (id == FIELD_IGNORE || id >= FIELD_COUNT)
			continue;
		if (!fl->fmt && !flow_has(fl, id))
			continue;
		vl = flow_value_text(fl, id, v, sizeof v);
		need = len + vl + 2;
		if (need > f->linecap) {
			size_t cap = f->linecap * 2 > need ? f->linecap * 2 : need;
			char *nl = realloc(f->line, cap);

			if (nl == NULL)
				break;
			f->line = nl;
			f->linecap = cap;
		}
		if (len)
			f->line[len++] = ' ';
		memcpy(f->line + len, v, vl);
		len += vl;
	}
	return len;
}

/* Regex on one field of a flow. */
static int
re_field(struct filter *f, const struct ins *in, const struct flow *fl)
{
	char v[FLOW_VALUE_MAX];
	size_t len;

	if (!flow_has(fl, in->field))
		return 0;
	len = flow_value_text(fl, in->field, v, sizeof v);
	return re_run(f, in->re, v, len) > 0;
}

/* Evaluate one instruction over a struct flow. */
static int
test_flow(struct filter *f, const struct ins *in, const struct flow *fl)
{
	int id = in->field;

	switch (in->k) {
	case K_NUM:
		return flow_has(fl, id) && cmp_op(in->op, fl->v[id].u, in->n);
	case K_TIME:
		return flow_has(fl, id) && cmp_op(in->op, fl->v[id].u,
		    f->now > in->rel ? f->now - in->rel : 0);
	case K_PRESENT:
		return flow_has(fl, id);
	case K_SYM:
		return flow_has(fl, id) && fl->v[id].s.len == in->v->len &&
		    memcmp(fl->v[id].s.p, in->v->s, in->v->len) == 0;
	case K_ADDR:
		return flow_has(fl, id) && memcmp(fl->v[id].a.b, in->v->a.b,
		    16) == 0;
	case K_CIDR:
		return flow_has(fl, id) && cidr_match(in, &fl->v[id].a);
	case K_HAS:
		return flow_has(fl, id) && (fl->v[id].u & in->n) == in->n;
	case K_RE_FIELD:
		return re_field(f, in, fl);
	case K_RE_LINE:
		return re_run(f, in->re, f->line, line_text(f, fl)) > 0;
	case K_IPV6:
		return (flow_has(fl, F_SRCADDR) &&
		    !flow_addr_is_v4(&fl->v[F_SRCADDR].a)) ||
		    (flow_has(fl, F_DSTADDR) &&
		    !flow_addr_is_v4(&fl->v[F_DSTADDR].a));
	default:
		return 0;
	}
}

/* 1 when a struct flow matches. */
int
filter_match_flow(struct filter *f, const struct flow *fl)
{
	uint32_t pc = 0, n = f->nprog;

	while (pc < n) {
		const struct ins *in = &f->prog[pc];

		pc = test_flow(f, in, fl) ? in->jt : in->jf;
	}
	return pc == n;
}

/* A numeric field of a store record, fast for the common ones; returns
 * 1 when present. */
static inline int
rec_num(const struct store *s, const struct store_rec *r, int field,
    uint64_t *v)
{
	struct store_val sv;
	int has = store_rec_fast(r, field, v);

	if (has >= 0)
		return has;
	store_rec_val(s, r, field, &sv);
	*v = sv.v;
	return sv.has != 0;
}

/* The record rebuilt as a struct flow (once per evaluation). */
static const struct flow *
rec_flow(struct filter *f, const struct store *s, const struct store_rec *r)
{
	if (!f->tmp_ok) {
		store_rec_flow(s, r, &f->tmp);
		f->tmp_ok = 1;
	}
	return &f->tmp;
}


/* Drop every cache keyed by intern ids. */
static void
memo_reset(struct filter *f)
{
	uint32_t i;

	for (i = 0; i < f->ntpl; i++) {
		free(f->tpl[i].p);
		free(f->tpl[i].fs);
		free(f->tpl[i].ct);
		free(f->tpl[i].lit0);
	}
	free(f->tpl);
	f->tpl = NULL;
	f->ntpl = 0;
	free(f->dm);
	f->dm = NULL;
	f->ndm = 0;
	memset(f->dslot, 0, sizeof f->dslot);
	f->ndslot = 0;
	for (i = 0; i < f->nprog; i++) {
		free(f->prog[i].symres);
		f->prog[i].symres = NULL;
		f->prog[i].nsymres = 0;
	}
}

/* Grow a zero-filled array so that index id fits; 0, or -1 on OOM. */
static int
grow_to(void **p, uint32_t *n, uint32_t id, size_t elem)
{
	uint32_t cap = *n ? *n : 64;
	void *np;

	if (id < *n)
		return 0;
	while (cap <= id)
		cap = cap > 0x7fffffffu ? id + 1 : cap * 2;
	np = realloc(*p, (size_t)cap * elem);
	if (np == NULL)
		return -1;
	memset((char *)np + (size_t)*n * elem, 0, (size_t)(cap - *n) * elem);
	*p = np;
	*n = cap;
	return 0;
}

/* Text of an address id, written into buf (FLOW_ADDR_STRLEN bytes):
 * IPv4 from a table of the 256 octets, IPv6 by flow_addr_format. */
static const char *
addr_text(const struct store *s, uint32_t id, char *buf, size_t *len)
{
	static char oct[256][4];
	static uint8_t olen[256];
	const struct flow_addr *a = store_addr(s, id);
	char *o = buf;
	int i;

	if (!flow_addr_is_v4(a)) {
		flow_addr_format(a, buf);
		*len = strlen(buf);
		return buf;
	}
	if (olen[255] == 0)
		for (i = 0; i < 256; i++)
			olen[i] = (uint8_t)snprintf(oct[i], sizeof oct[i], "%d",
			    i);
	for (i = 12; i < 16; i++) {
		memcpy(o, oct[a->b[i]], 4);
		o += olen[a->b[i]];
		*o++ = '.';
	}
	*len = (size_t)(o - buf) - 1;
	buf[*len] = '\0';
	return buf;
}

/* Write a number in decimal at o, two digits at a time straight into
 * place; returns the end. */
static inline char *
put_dec(char *o, uint64_t v)
{
	static const char pairs[201] =
	    "00010203040506070809101112131415161718192021222324252627282930"
	    "31323334353637383940414243444546474849505152535455565758596061"
	    "62636465666768697071727374757677787980818283848586878889909192"
	    "93949596979899";
	static const uint64_t pow10[20] = { 1ull, 10ull, 100ull, 1000ull,
	    10000ull, 100000ull, 1000000ull, 10000000ull, 100000000ull,
	    1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
	    10000000000000ull, 100000000000000ull, 1000000000000000ull,
	    10000000000000000ull, 100000000000000000ull,
	    1000000000000000000ull, 10000000000000000000ull };
	/* digits from the bit length: log10(2) ~ 1233 / 4096 */
	unsigned t = (unsigned)(64 - __builtin_clzll(v | 1)) * 1233 >> 12;
	size_t n = t + 1 - ((v | 1) < pow10[t]);
	char *e = o + n;
	while (v >= 100) {
		unsigned d = (unsigned)(v % 100);

		v /= 100;
		e -= 2;
		e[0] = pairs[2 * d];
		e[1] = pairs[2 * d + 1];
	}
	if (v >= 10) {
		e -= 2;
		e[0] = pairs[2 * v];
		e[1] = pairs[2 * v + 1];
	} else
		*--e = (char)('0' + v);
	return o + n;
}


/* Text of one field of a store record as flow-log text writes it (the
 * same bytes as flow_value_text); points into buf or the store. */
static const char *
rec_field_text(struct filter *f, const struct store *s,
    const struct store_rec *r, int id, char *buf, size_t *len)
{
	struct store_val sv;
	const char *w;
	uint32_t l;
	int has = store_rec_fast(r, id, &sv.v);

	if (has < 0)
		has = store_rec_val(s, r, id, &sv);
	if (!has) {
		*len = 1;
		return "-";
	}
	switch (field_table[id].type) {
	case FT_SYMBOL:
		w = store_sym(s, (uint32_t)sv.v, &l);
		*len = l < FLOW_VALUE_MAX - 1 ? l : FLOW_VALUE_MAX - 1;
		return w;
	case FT_ADDR:
		return addr_text(s, (uint32_t)sv.v, buf, len);
	case FT_ENUM:
		w = field_enum_word(id, (unsigned)sv.v);
		if (w) {
			*len = strlen(w);
			return w;
		}
		/* FALLTHROUGH */
	default:
		*len = (size_t)(put_dec(buf, sv.v) - buf);
		return buf;
	}
}

/* Append to a template, opening a literal if none is open, and keep the
 * literal's length up to date. */
static void
tpl_lit(uint8_t *p, size_t *n, size_t *lit, const char *w, size_t wl)
{
	size_t ll;

	if (*lit == SIZE_MAX) {
		*lit = *n;
		p[*n] = 0xff;
		p[*n + 1] = p[*n + 2] = 0;
		*n += 3;
	}
	memcpy(p + *n, w, wl);
	*n += wl;
	ll = *n - (*lit + 3);
	p[*lit + 1] = (uint8_t)(ll >> 8);
	p[*lit + 2] = (uint8_t)ll;
}

/* Build the line template of a record's context: the per-interface
 * fields written once as literals, the others left as field ids; NULL
 * when the record has no format (or memory ran out). */
static const struct tpl *
ctx_template(struct filter *f, const struct store *s,
    const struct store_rec *r)
{
	uint32_t ctx = store_rec_ctx(r);
	const struct format *fmt;
	struct tpl *t;
	uint8_t *p;
	size_t cap, n = 0, lit = SIZE_MAX, ctn = 0;
	int i, first = 1, ctspace = 0;
	struct fslot fs[FORMAT_MAX];
	uint32_t nfs = 0;
	char ctbuf[8192];

	if (grow_to((void **)&f->tpl, &f->ntpl, ctx, sizeof *f->tpl) < 0)
		return NULL;
	t = &f->tpl[ctx];
	if (t->p != NULL)
		return t;
	fmt = store_rec_format(s, r);
	if (fmt == NULL)
		return NULL;
	cap = 256;
	if ((p = malloc(cap)) == NULL)
		return NULL;
	for (i = 0; i < fmt->n; i++) {
		int id = fmt->field[i];
		char nb[FLOW_ADDR_STRLEN];
		const char *w = NULL;
		size_t wl = 0;

		if (id == FIELD_IGNORE || id >= FIELD_COUNT)
			continue;
		if (store_field_per_ctx(id))
			w = rec_field_text(f, s, r, id, nb, &wl);
		/* a literal longer than 16 bits is never needed: cut */
		if (wl > 0x8000)
			wl = 0x8000;
		while (n + wl + 8 > cap) {
			uint8_t *np = realloc(p, cap * 2);

			if (np == NULL) {
				free(p);
				return NULL;
			}
			p = np;
			cap *= 2;
		}
		if (lit != SIZE_MAX && n - (lit + 3) + wl + 1 > 0xffff)
			lit = SIZE_MAX;
		if (w != NULL) {
			if (!first)
				tpl_lit(p, &n, &lit, " ", 1);
			tpl_lit(p, &n, &lit, w, wl);
		} else {
			/* a field op: its kind (and a leading space), then id */
			int kind = id == F_PKT_SRCADDR ||
			    id == F_PKT_DSTADDR ? TK_ADDR :
			    store_field_detail(id) ? TK_DETAIL :
			    field_table[id].type == FT_ADDR ? TK_ADDR :
			    field_table[id].type == FT_ENUM ? TK_ENUM :
			    field_table[id].type == FT_SYMBOL ? TK_OTHER :
			    id == F_SRCPORT ? TK_SPORT : id == F_DSTPORT ? TK_DPORT :
			    id == F_PROTOCOL ? TK_PROTO :
			    id == F_TCP_FLAGS ? TK_FLAGS : id == F_BYTES ? TK_BYTES :
			    id == F_PACKETS ? TK_PACKETS :
			    id == F_START ? TK_START : id == F_END ? TK_END : TK_NUM;

			p[n++] = (uint8_t)(kind | (first ? 0 : TK_SPACE));
			p[n++] = (uint8_t)id;
			lit = SIZE_MAX;
		}
		first = 0;
		if (nfs < FORMAT_MAX) {
			struct fslot *q = &fs[nfs++];

			if (w != NULL) {
				q->kind = 0;
				q->off = (uint32_t)ctn;
				q->len = (uint16_t)(wl < 0xffff ? wl : 0xffff);
				if (ctn + q->len <= sizeof ctbuf) {
					memcpy(ctbuf + ctn, w, q->len);
					ctn += q->len;
				} else
					ctspace = 1;	/* too long: no plan */
				if (memchr(w, ' ', wl) != NULL)
					ctspace = 1;
			} else {
				q->kind = p[n - 2] & (uint8_t)~TK_SPACE;
				q->id = (uint8_t)id;
				q->off = 0;
				q->len = 0;
			}
		}
	}
	t->p = p;
	t->len = (uint32_t)n;
	t->fs = malloc((nfs ? nfs : 1) * sizeof *fs);
	t->ct = malloc(ctn ? ctn : 1);
	if (t->fs != NULL && t->ct != NULL) {
		memcpy(t->fs, fs, nfs * sizeof *fs);
		memcpy(t->ct, ctbuf, ctn);
		t->nfs = nfs;
		t->ctspace = ctspace;
	} else {
		free(t->fs);
		free(t->ct);
		t->fs = NULL;
		t->ct = NULL;
		t->nfs = 0;
		t->ctspace = 1;
	}
	return t;
}

/* Copy a short string (inline for the usual few bytes). */
static inline char *
put_bytes(char *o, const char *p, size_t n)
{
	if (n <= 8) {
		size_t i;

		for (i = 0; i < n; i++)
			o[i] = p[i];
	} else
		memcpy(o, p, n);
	return o + n;
}

/* Write an enum word (or its number) at o; returns the end.  The words
 * of the enums kept in a record (values 0-3) come from a table made once. */
static inline char *
put_word(char *o, int id, uint64_t v)
{
	static const char *words[FIELD_COUNT][4];
	static uint8_t lens[FIELD_COUNT][4], ready[FIELD_COUNT];
	const char *w;

	if (v < 4) {
		if (!ready[id]) {
			unsigned k;

			for (k = 0; k < 4; k++) {
				words[id][k] = field_enum_word(id, k);
				lens[id][k] = (uint8_t)(words[id][k] ?
				    strlen(words[id][k]) : 0);
			}
			ready[id] = 1;
		}
		if (words[id][v] != NULL)
			return put_bytes(o, words[id][v], lens[id][v]);
		return put_dec(o, v);
	}
	w = field_enum_word(id, (unsigned)v);
	if (w == NULL)
		return put_dec(o, v);
	return put_bytes(o, w, strlen(w));
}

/* Text of a symbol field of the record's detail tuple, cached by detail
 * id; NULL when no cache slot is free for the field. */
static const char *
detail_text(struct filter *f, const struct store *s,
    const struct store_rec *r, int id, size_t *len)
{
	uint32_t aux = store_rec_detail_id(r);
	int slot = f->dslot[id] - 1;
	struct dmemo *d;
	char nb[FLOW_ADDR_STRLEN];

	if (slot < 0) {
		if (f->ndslot == DM_SLOTS)
			return NULL;
		slot = f->ndslot++;
		f->dslot[id] = (int8_t)(slot + 1);
	}
	if (grow_to((void **)&f->dm, &f->ndm, aux, sizeof *f->dm) < 0)
		return NULL;
	d = &f->dm[aux];
	if (!(d->set & (1u << slot))) {
		size_t wl;

		/* symbols point into the store, "-" is static */
		d->p[slot] = rec_field_text(f, s, r, id, nb, &wl);
		d->len[slot] = (uint32_t)wl;
		d->set |= (uint8_t)(1u << slot);
	}
	*len = d->len[slot];
	return d->p[slot];
}

/* Write a store record's flow-log text into f->line; returns its length
 * (the same bytes line_text writes for the rebuilt record).  Fields kept
 * in the record are written inline, an address already written in this
 * line is copied rather than formatted again (pkt-srcaddr is usually
 * srcaddr), detail fields of a record without detail are "-", and the
 * others go through rec_field_text. */
static size_t
rec_line(struct filter *f, const struct store *s, const struct store_rec *r)
{
	const struct tpl *t = ctx_template(f, s, r);
	size_t i = 0, need;
	uint64_t aid[2] = { 0, 0 };
	size_t aoff[2] = { 0, 0 }, alen[2] = { 0, 0 };
	char *o;

	if (t == NULL)
		return line_text(f, rec_flow(f, s, r));
	need = (size_t)t->len + (size_t)t->len * FLOW_ADDR_STRLEN;
	if (f->linecap < need) {
		char *nl = realloc(f->line, need);

		if (nl == NULL)
			return line_text(f, rec_flow(f, s, r));
		f->line = nl;
		f->linecap = need;
	}
	o = f->line;
	while (i < t->len) {
		int op = t->p[i], id;
		uint64_t v;
		int has;

		if (op == 0xff) {
			size_t ll = (size_t)t->p[i + 1] << 8 | t->p[i + 2];

			memcpy(o, t->p + i + 3, ll);
			o += ll;
			i += 3 + ll;
			continue;
		}
		id = t->p[i + 1];
		i += 2;
		if (op & TK_SPACE)
			*o++ = ' ';
		switch (op & ~TK_SPACE) {
		case TK_SPORT:
			has = store_rec_fast(r, F_SRCPORT, &v);
			goto num;
		case TK_DPORT:
			has = store_rec_fast(r, F_DSTPORT, &v);
			goto num;
		case TK_PROTO:
			has = store_rec_fast(r, F_PROTOCOL, &v);
			goto num;
		case TK_FLAGS:
			has = store_rec_fast(r, F_TCP_FLAGS, &v);
			goto num;
		case TK_BYTES:
			has = store_rec_fast(r, F_BYTES, &v);
			goto num;
		case TK_PACKETS:
			has = store_rec_fast(r, F_PACKETS, &v);
			goto num;
		case TK_START:
			has = store_rec_fast(r, F_START, &v);
			goto num;
		case TK_END:
			has = store_rec_fast(r, F_END, &v);
			goto num;
		case TK_NUM:
			has = store_rec_fast(r, id, &v);
num:
			if (has > 0) {
				o = put_dec(o, v);
				continue;
			}
			if (has == 0) {
				*o++ = '-';
				continue;
			}
			break;
		case TK_ENUM:
			has = store_rec_fast(r, id, &v);
			if (has > 0) {
				o = put_word(o, id, v);
				continue;
			}
			if (has == 0) {
				*o++ = '-';
				continue;
			}
			break;
		case TK_ADDR: {
			size_t wl, k;

			has = store_rec_fast(r, id, &v);
			if (has < 0)
				break;
			if (has == 0) {
				*o++ = '-';
				continue;
			}
			for (k = 0; k < 2; k++)
				if (aid[k] == v && alen[k] != 0)
					break;
			if (k < 2) {
				memcpy(o, f->line + aoff[k], alen[k]);
				o += alen[k];
				continue;
			}
			k = aid[0] == 0 ? 0 : 1;
			addr_text(s, (uint32_t)v, o, &wl);
			aid[k] = v;
			aoff[k] = (size_t)(o - f->line);
			alen[k] = wl;
			o += wl;
			continue;
		}
		case TK_DETAIL: {
			const char *w;
			size_t wl;

			if (!store_rec_has_detail(r)) {
				*o++ = '-';
				continue;
			}
			if (field_table[id].type == FT_SYMBOL &&
			    (w = detail_text(f, s, r, id, &wl)) != NULL &&
			    wl < FLOW_ADDR_STRLEN) {
				memcpy(o, w, wl);
				o += wl;
				continue;
			}
		}
			break;
		default:
			break;
		}
		{
			char nb[FLOW_ADDR_STRLEN];
			size_t wl, at = (size_t)(o - f->line);
			const char *w = rec_field_text(f, s, r, id, nb, &wl);

			/* a long symbol may need more room than reserved */
			if (at + wl + (size_t)(t->len - i) * FLOW_ADDR_STRLEN >
			    f->linecap) {
				size_t cap = at + wl + (size_t)t->len *
				    FLOW_ADDR_STRLEN;
				char *nl = realloc(f->line, cap);

				if (nl == NULL)
					return at;
				f->line = nl;
				f->linecap = cap;
				o = nl + at;
			}
			memcpy(o, w, wl);
			o += wl;
		}
	}
	return (size_t)(o - f->line);
}

/* Compare n bytes, ASCII case folded when caseless. */
static inline int
lit_eq(const char *a, const char *b, size_t n, int caseless)
{
	size_t i;

	if (!caseless)
		return memcmp(a, b, n) == 0;
	for (i = 0; i < n; i++)
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return 0;
	return 1;
}

/* Tell whether text holds needle (ASCII case folded when caseless). */
static int
lit_find(const char *text, size_t tl, const char *nd, size_t nl, int caseless)
{
	size_t i;

	if (nl > tl)
		return 0;
	if (!caseless) {
		const char *q = text, *end = text + tl - nl + 1;

		while (q < end && (q = memchr(q, nd[0], (size_t)(end - q))) !=
		    NULL) {
			if (memcmp(q, nd, nl) == 0)
				return 1;
			q++;
		}
		return 0;
	}
	for (i = 0; i + nl <= tl; i++)
		if (lit_eq(text + i, nd, nl, 1))
			return 1;
	return 0;
}

/* The LC_* class of a template slot's text, but for "-" (absent). */
static unsigned
slot_class(const struct fslot *q)
{
	switch (q->kind) {
	case TK_NUM: case TK_SPORT: case TK_DPORT: case TK_PROTO:
	case TK_FLAGS: case TK_BYTES: case TK_PACKETS: case TK_START:
	case TK_END:
		return LC_DIGITS;
	case TK_ADDR:
		return LC_ADDR;
	default:
		return 0;	/* any text */
	}
}

/* Tell whether token k of a plain-text regex could be in a slot's text
 * without looking at it. */
static inline int
tok_may(const struct regex *re, int k, const struct fslot *q)
{
	unsigned c = slot_class(q);

	if (c == 0)
		return 1;
	if (re->toklen[k] == 1 && re->lit[re->tokoff[k]] == '-')
		return 1;
	return (re->tokclass[k] & c) != 0;
}

/* Text of per-record slot j of a record's line (cached for this record). */
static const char *
slot_text_rec(struct filter *f, const struct tpl *t, const struct store *s,
    const struct store_rec *r, uint32_t j, size_t *len)
{
	const struct fslot *q = &t->fs[j];

	if (f->sgen[j] != f->gen) {
		const char *w = NULL;

		if (q->kind == TK_DETAIL) {
			if (!store_rec_has_detail(r)) {
				w = "-";
				f->sl[j] = 1;
			} else if (field_table[q->id].type == FT_SYMBOL)
				w = detail_text(f, s, r, q->id, &f->sl[j]);
		} else if (q->kind == TK_ENUM) {
			uint64_t v;
			int has = store_rec_fast(r, q->id, &v);

			if (has >= 0) {
				/* the word table put_word fills */
				char *e = put_word(f->sbuf[j], q->id, has ? v : 0);

				if (!has) {
					f->sbuf[j][0] = '-';
					e = f->sbuf[j] + 1;
				}
				w = f->sbuf[j];
				f->sl[j] = (size_t)(e - f->sbuf[j]);
			}
		}
		f->sp[j] = w ? w : rec_field_text(f, s, r, q->id, f->sbuf[j],
		    &f->sl[j]);
		f->sgen[j] = f->gen;
	}
	*len = f->sl[j];
	return f->sp[j];
}

/* Text of slot j of a record's line. */
static inline const char *
slot_text(struct filter *f, const struct tpl *t, const struct store *s,
    const struct store_rec *r, uint32_t j, size_t *len)
{
	if (t->fs[j].kind == 0) {
		*len = t->fs[j].len;
		return t->ct + t->fs[j].off;
	}
	return slot_text_rec(f, t, s, r, j, len);
}

/* Tell whether slot j's text can take a plain-text regex's first token
 * (hold it, or end with it when more tokens follow). */
static int
first_fits(const struct regex *re, const char *w, size_t l)
{
	int cl = (re->flags & PCRE2_CASELESS) != 0;

	if (re->ntok == 1)
		return lit_find(w, l, re->lit, re->toklen[0], cl);
	return l >= re->toklen[0] && lit_eq(w + l - re->toklen[0], re->lit,
	    re->toklen[0], cl);
}

/* Match a plain-text regex against a record field by field, without
 * writing its line: the text's first token must end a field, the middle
 * ones must be whole fields, the last must begin the field after them
 * (a single token: be inside one field).  Fields that cannot hold a token
 * (digits, addresses) are passed over unread.  Returns -1 when the plan
 * does not apply (no template, a field with a space in it). */
static int
lit_match(struct filter *f, const struct regex *re, const struct store *s,
    const struct store_rec *r)
{
	const struct tpl *t = ctx_template(f, s, r);
	int cl = (re->flags & PCRE2_CASELESS) != 0, k = re->ntok - 1, i;
	uint32_t j, c;

	if (t == NULL || t->fs == NULL || t->ctspace || t->nfs == 0)
		return -1;
	if (++f->gen == 0) {
		memset(f->sgen, 0, sizeof f->sgen);
		f->gen = 1;
	}
	/* a per-record text with a space would break the token rule */
	for (j = 0; j < t->nfs; j++)
		if (t->fs[j].kind == TK_OTHER || t->fs[j].kind == TK_DETAIL) {
			size_t l;
			const char *w = slot_text(f, t, s, r, j, &l);

			if (memchr(w, ' ', l) != NULL)
				return -1;
		}
	if (t->lit0 == NULL || t->lit0re != (int)(re - f->re)) {
		struct tpl *tw = (struct tpl *)t;	/* the cache is ours */

		free(tw->lit0);
		tw->lit0 = malloc(t->nfs);
		tw->lit0re = (int)(re - f->re);
		tw->nlit0 = 0;
		if (tw->lit0 == NULL)
			return -1;
		for (j = 0; j + (uint32_t)k < t->nfs; j++)
			if (t->fs[j].kind == 0 ? first_fits(re, t->ct +
			    t->fs[j].off, t->fs[j].len) : tok_may(re, 0,
			    &t->fs[j]))
				tw->lit0[tw->nlit0++] = (uint8_t)j;
	}
	for (c = 0; c < t->nlit0; c++) {
		const char *w;
		size_t l;

		j = t->lit0[c];
		if (t->fs[j].kind != 0) {
			w = slot_text_rec(f, t, s, r, j, &l);
			if (!first_fits(re, w, l))
				continue;
		}
		if (k == 0)
			return 1;
		for (i = 1; i <= k; i++) {
			const char *tk = re->lit + re->tokoff[i];
			size_t tl = re->toklen[i];

			if (!tok_may(re, i, &t->fs[j + i]))
				break;
			w = slot_text(f, t, s, r, j + i, &l);
			if (i < k ? l != tl || !lit_eq(w, tk, tl, cl) :
			    l < tl || !lit_eq(w, tk, tl, cl))
				break;
		}
		if (i > k)
			return 1;
	}
	return 0;
}

/* Regex on one field of a store record (symbol results cached by id). */
static int
re_field_rec(struct filter *f, struct ins *in, const struct store *s,
    const struct store_rec *r)
{
	struct store_val sv;
	char nb[FLOW_ADDR_STRLEN];
	const char *w;
	size_t wl;
	int m;

	if (field_table[in->field].type != FT_SYMBOL) {
		if (!store_rec_val(s, r, in->field, &sv))
			return 0;
		w = rec_field_text(f, s, r, in->field, nb, &wl);
		return re_run(f, in->re, w, wl) > 0;
	}
	if (!store_rec_val(s, r, in->field, &sv))
		return 0;
	if (sv.v < in->nsymres && in->symres[sv.v] != 0)
		return in->symres[sv.v] == 2;
	w = rec_field_text(f, s, r, in->field, nb, &wl);
	m = re_run(f, in->re, w, wl);
	if (m >= 0 && grow_to((void **)&in->symres, &in->nsymres,
	    (uint32_t)sv.v, 1) == 0)
		in->symres[sv.v] = (uint8_t)(m ? 2 : 1);
	return m > 0;
}

/* Evaluate one instruction over a store record. */
static int
test_rec(struct filter *f, struct ins *in, const struct store *s,
    const struct store_rec *r)
{
	uint64_t v;

	switch (in->k) {
	case K_NUM:
		return rec_num(s, r, in->field, &v) && cmp_op(in->op, v, in->n);
	case K_TIME:
		return rec_num(s, r, in->field, &v) && cmp_op(in->op, v,
		    f->now > in->rel ? f->now - in->rel : 0);
	case K_HAS:
		return rec_num(s, r, in->field, &v) && (v & in->n) == in->n;
	case K_PRESENT:
		return rec_num(s, r, in->field, &v);
	case K_ADDR:
	case K_SYM:
		return rec_num(s, r, in->field, &v) && v == in->n;
	case K_CIDR:
		return rec_num(s, r, in->field, &v) &&
		    cidr_match(in, store_addr(s, (uint32_t)v));
	case K_IPV6:
		return (rec_num(s, r, F_SRCADDR, &v) &&
		    !flow_addr_is_v4(store_addr(s, (uint32_t)v))) ||
		    (rec_num(s, r, F_DSTADDR, &v) &&
		    !flow_addr_is_v4(store_addr(s, (uint32_t)v)));
	case K_RE_FIELD:
		return re_field_rec(f, in, s, r);
	case K_RE_LINE:
		if (f->re[in->re].ntok > 0) {
			int m = lit_match(f, &f->re[in->re], s, r);

			if (m >= 0)
				return m;
		}
		return re_run(f, in->re, f->line, rec_line(f, s, r)) > 0;
	default:
		return test_flow(f, in, rec_flow(f, s, r));
	}
}

/* 1 when a record of the bound store matches. */
int
filter_match_rec(void *ctx, const struct store *s, const struct store_rec *r)
{
	struct filter *f = ctx;
	uint32_t pc = 0, n = f->nprog;

	f->tmp_ok = 0;
	if (f->has_re && store_recycled(s) != f->recycled) {
		memo_reset(f);
		f->recycled = store_recycled(s);
	}
	while (pc < n) {
		struct ins *in = &f->prog[pc];

		pc = test_rec(f, in, s, r) ? in->jt : in->jf;
	}
	return pc == n;
}

/* Count the records in the ring of the bound store that match. */
uint64_t
filter_count(struct filter *f, const struct store *s)
{
	uint64_t seq = store_first(s), end = store_next(s), cnt = 0;

	while (seq < end) {
		size_t n, i;
		const struct store_rec *r = store_recs(s, seq, &n);

		if (r == NULL || n == 0)
			break;
		if (n > end - seq)
			n = (size_t)(end - seq);
		for (i = 0; i < n; i++)
			cnt += (uint64_t)filter_match_rec(f, s, r + i);
		seq += n;
	}
	return cnt;
}

/* How many regex evaluations gave up at the match limit. */
uint64_t
filter_expensive(const struct filter *f)
{
	return f->expensive;
}

/* ---- binding ---- */

/* Release the pins of filter_bind. */
void
filter_unbind(struct filter *f)
{
	size_t i;

	if (f->bound == NULL)
		return;
	for (i = 0; i < f->npins; i++)
		store_val_unref(f->bound, f->pins[i].field, &f->pins[i].v);
	free(f->pins);
	f->pins = NULL;
	f->npins = 0;
	f->bound = NULL;
}

/* Bind to a store: intern and pin symbols and addresses. */
int
filter_bind(struct filter *f, struct store *s)
{
	uint32_t i;
	uint32_t wm;

	filter_unbind(f);
	memo_reset(f);
	f->recycled = store_recycled(s);
	f->pins = calloc(f->nprog ? f->nprog : 1, sizeof *f->pins);
	if (f->pins == NULL)
		return -1;
	f->bound = s;
	for (i = 0; i < f->nprog; i++) {
		struct ins *in = &f->prog[i];
		struct store_val v;

		if (in->k != K_SYM && in->k != K_ADDR)
			continue;
		if (in->k == K_SYM) {
			if (store_val_intern(s, in->field, in->v->s, in->v->len,
			    &v) < 0) {
				filter_unbind(f);
				return -1;
			}
		} else {
			char a[FLOW_ADDR_STRLEN];

			flow_addr_format(&in->v->a, a);
			if (store_val_intern(s, in->field, a, strlen(a),
			    &v) < 0) {
				filter_unbind(f);
				return -1;
			}
		}
		in->n = v.v;
		f->pins[f->npins].field = in->field;
		f->pins[f->npins].v = v;
		f->npins++;
	}
	if (!f->now_set && store_watermark(s, &wm))
		f->now = wm;
	return 0;
}
