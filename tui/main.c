/*
 * main.c - vpctop's command line.
 *
 * Parses options, then runs one of the modes: --generate writes synthetic
 * records, -b reads every source to its end and prints what it read.  The
 * terminal UI lives beside this file; until a mode needs the terminal
 * nothing here touches it.  Messages about sources go to stderr as they
 * happen, prefixed with the program name, so a failing file never hides
 * the others.
 */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "field.h"
#include "filter.h"
#include "format.h"
#include "gen.h"
#include "ingest.h"
#include "output.h"
#include "report.h"
#include "store.h"
#include "ui.h"
#include "view.h"

/* Exit status: a source could not be read; usage errors. */
enum { EXIT_SOURCE = 1, EXIT_USAGE = 2 };

/* Default start of generated event time: 2026-01-01T00:00:00Z. */
#define GEN_EPOCH 1767225600

struct options {
	int batch;
	int stats;
	int output;
	long long generate;
	unsigned long long seed;
	struct format fmt;
	int has_fmt;
	const char *fmt_spec;
	int top[2];		/* --top fields, top[0] < 0: no --top */
	int by;			/* enum store_rank */
	unsigned long long limit;
	uint64_t capacity;	/* 0: no store unless --top */
	const char *filter_text;	/* -e, or NULL */
	struct filter *filter;
	struct ui_opts ui;	/* the interactive interface's options */
};

/* What the batch record callback feeds. */
struct batch {
	struct output *out;	/* NULL: records are not printed */
	struct store *store;	/* NULL: records are not kept */
	struct filter *filter;	/* -e for record output, or NULL */
	uint64_t matched;	/* records that passed the filter */
	uint32_t newest;	/* newest end seen (the watermark pre-pass) */
	int has_newest;
};

static const char usage_text[] =
"Usage: vpctop [OPTION]... [SOURCE]...\n"
"Explore AWS VPC Flow Logs.  SOURCE is a FILE (plain or gzip), a DIR (read\n"
"recursively, as an `aws s3 sync` copy lays it out), or - for stdin; with no\n"
"SOURCE and stdin not a terminal, stdin is read.\n"
"\n"
"Modes:\n"
"  (none)                 the interactive interface (see KEYS in vpctop(1))\n"
"  -b, --batch            read every source to its end, print, exit\n"
"      --generate=N       write N synthetic records (flow-log text), exit\n"
"      --seed=S           seed for --generate (same seed, same bytes)\n"
"\n"
"Input:\n"
"  -F, --format=SPEC      auto (default) | v2 .. v11 | tgw | \"field field ...\"\n"
"                         | \"${field} ${field} ...\"; auto reads header lines\n"
"                         and otherwise goes by the number of fields\n"
"  -f, --follow           keep reading files as they grow (tail -F)\n"
"      --demo[=SCENARIO]  built-in live synthetic traffic: all (default),\n"
"                         portscan, bruteforce, exfil, rejectstorm, nat\n"
"      --replay[=SPEED]   replay the files paced by their start times,\n"
"                         SPEED times real time (default 1)\n"
"\n"
"Interface:\n"
"      --theme=NAME|FILE  colour theme (default, mono, or a .theme file)\n"
"      --no-color         no colours, attributes only (also NO_COLOR=1)\n"
"      --mouse            start with the mouse on (m toggles it)\n"
"\n"
"Store and top talkers:\n"
"      --top=KEY[,KEY]    print the top groups of a field or a pair of fields\n"
"                         (AWS names: srcaddr, dstport, srcaddr,dstaddr ...)\n"
"                         instead of the records\n"
"      --by=METRIC        rank by bytes (default), packets or flows\n"
"  -n, --limit=N          rows of --top (default 20; 0: all)\n"
"      --capacity=N       records kept in the ring (default 4194304)\n"
"      --memory=SIZE      or a memory budget for the ring: 512M, 2G ...\n"
"\n"
"Filter:\n"
"  -e, --filter=EXPR      only records matching EXPR, for record output and\n"
"                         --top: 'reject and dstport = 22', 'addr =\n"
"                         10.0.0.0/8', 'bytes > 10M', 'end > -15m' (see\n"
"                         FILTERS in vpctop(1)); the interface's starting\n"
"                         filter\n"
"\n"
"Output:\n"
"  -o, --output=FMT       text (default) | csv | json | none; with --top,\n"
"                         the table: text aligned, csv and json exact\n"
"      --stats            print ingest statistics on stderr: lines, records,\n"
"                         rejects by reason with examples, formats seen\n"
"\n"
"  -h, --help             show this help and exit\n"
"  -V, --version          show the version and exit\n"
"\n"
"Exit status: 0 when every source was read (rejected lines are counted, not\n"
"fatal), 1 when a source could not be read, 2 for a usage error.\n"
"See vpctop(1) for formats, envelopes and examples.\n";

/* Print a usage error and exit. */
static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("vpctop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'vpctop --help' for more information.\n", stderr);
	exit(EXIT_USAGE);
}

/* Parse a whole non-negative decimal number or fail with a usage error. */
static unsigned long long
number_arg(const char *opt, const char *s)
{
	char *end;
	unsigned long long v;

	if (*s == '\0' || *s == '-')
		usage_error("%s needs a non-negative number, not '%s'", opt, s);
	v = strtoull(s, &end, 10);
	if (*end != '\0')
		usage_error("%s needs a non-negative number, not '%s'", opt, s);
	return v;
}

/* Print a message about a source on stderr. */
static void
say(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "vpctop: %s\n", msg);
}

/* Hand a record to the batch printer and the store (the general case). */
static void __attribute__((noinline))
batch_print(struct batch *b, const struct flow *f)
{
	if (b->filter == NULL || filter_match_flow(b->filter, f)) {
		b->matched++;
		if (b->out)
			output_record(b->out, f);
	}
	if (b->store)
		store_append(b->store, f);
}

/* Hand a parsed record to the batch printer and the store; with neither
 * output nor filter (--top alone) it goes straight to the store. */
static void
batch_record(void *ctx, const struct flow *f)
{
	struct batch *b = ctx;

	if (b->out != NULL || b->filter != NULL)
		batch_print(b, f);
	else if (b->store != NULL)
		store_append(b->store, f);
}

/* Note the newest end time of a record (the watermark pre-pass). */
static void
watermark_record(void *ctx, const struct flow *f)
{
	struct batch *b = ctx;
	uint64_t t;

	if (flow_has(f, F_END))
		t = f->v[F_END].u;
	else if (flow_has(f, F_START))
		t = f->v[F_START].u;
	else
		return;
	if (t > UINT32_MAX)
		t = UINT32_MAX;
	if (!b->has_newest || t > b->newest)
		b->newest = (uint32_t)t;
	b->has_newest = 1;
}

/* Resolve the filter's relative times: against the newest end time of
 * the sources when they can be read twice, else (stdin) the wall clock. */
static void
resolve_relative(const struct options *opt, char **sources, int nsources)
{
	struct batch w;
	struct ingest *in;
	int i;

	for (i = 0; i < nsources; i++)
		if (strcmp(sources[i], "-") == 0)
			break;
	if (nsources == 0 || i < nsources) {
		filter_set_now(opt->filter, (uint32_t)time(NULL));
		return;
	}
	memset(&w, 0, sizeof w);
	in = ingest_new(opt->has_fmt ? &opt->fmt : NULL, watermark_record,
	    NULL, &w);
	if (in == NULL)
		return;
	for (i = 0; i < nsources; i++)
		(void)ingest_path(in, sources[i]);
	ingest_free(in);
	filter_set_now(opt->filter, w.has_newest ? w.newest : 0);
}

/* Parse -e or fail with a usage error that points at the column. */
static struct filter *
filter_arg(const char *text)
{
	struct filter_error fe;
	struct filter *f = filter_parse(text, &fe);

	if (f == NULL) {
		fprintf(stderr, "vpctop: bad filter: %s\n  %s\n  %*s^\n",
		    fe.msg, text, fe.col, "");
		fputs("Try 'vpctop --help' for more information.\n", stderr);
		exit(EXIT_USAGE);
	}
	return f;
}

/* Parse a --top argument: one field name or two separated by a comma. */
static void
top_arg(const char *arg, int top[2])
{
	const char *comma = strchr(arg, ',');
	size_t l1 = comma ? (size_t)(comma - arg) : strlen(arg);

	top[0] = field_lookup(arg, l1);
	top[1] = -1;
	if (top[0] < 0)
		usage_error("--top: unknown field '%.*s'", (int)l1, arg);
	if (comma) {
		if (strchr(comma + 1, ',') != NULL)
			usage_error("--top takes one field or a pair of fields");
		top[1] = field_lookup(comma + 1, strlen(comma + 1));
		if (top[1] < 0)
			usage_error("--top: unknown field '%s'", comma + 1);
		if (top[1] == top[0])
			usage_error("--top: a pair needs two different fields");
	}
}

/* Write the store's figures to fp. */
static void
print_store_stats(FILE *fp, const struct store *s)
{
	struct store_stats st;
	int ix;

	store_stats(s, &st);
	fprintf(fp, "  ring        %llu records of %llu, %llu evicted\n",
	    (unsigned long long)st.records, (unsigned long long)st.capacity,
	    (unsigned long long)st.evicted);
	fprintf(fp, "  keys       ");
	for (ix = 0; ix < STORE_IX_COUNT; ix++) {
		int f1, f2;

		store_index_fields(ix, &f1, &f2);
		fprintf(fp, " %s%s%s=%llu", field_name(f1), f2 >= 0 ? "," : "",
		    f2 >= 0 ? field_name(f2) : "",
		    (unsigned long long)st.keys[ix]);
	}
	fprintf(fp, "\n");
	fprintf(fp, "  memory      %.1f MiB (ring %.1f, indexes %.1f, "
	    "interned %.1f), %.1f bytes per record\n",
	    (double)st.mem_total / 1048576.0, (double)st.mem_ring / 1048576.0,
	    (double)st.mem_index / 1048576.0,
	    (double)st.mem_intern / 1048576.0, st.bytes_per_record);
}

/* Write the ingest statistics to fp. */
static void
print_stats(FILE *fp, const struct ingest_stats *st, double secs)
{
	char name[64];
	unsigned i, k;

	fprintf(fp, "vpctop: statistics\n");
	fprintf(fp, "  sources     %u read, %u failed, %u skipped\n",
	    st->sources_ok, st->sources_failed, st->files_skipped);
	fprintf(fp, "  bytes       %llu read\n", (unsigned long long)st->bytes);
	fprintf(fp, "  lines       %llu\n", (unsigned long long)st->lines);
	fprintf(fp, "  records     %llu\n", (unsigned long long)st->records);
	fprintf(fp, "  headers     %llu\n", (unsigned long long)st->headers);
	fprintf(fp, "  blank       %llu\n", (unsigned long long)st->blank);
	fprintf(fp, "  unwrapped   %llu (records taken out of tail, JSON or CSV envelopes)\n",
	    (unsigned long long)st->envelopes);
	fprintf(fp, "  ms-times    %llu (records with start/end in milliseconds)\n",
	    (unsigned long long)st->ms_times);
	fprintf(fp, "  rejected    %llu\n", (unsigned long long)st->rejected);
	for (i = 1; i < PARSE_REASON_COUNT; i++) {
		if (st->rejects[i] == 0)
			continue;
		fprintf(fp, "    %-16s %llu  (%s)\n", parse_reason_name(i),
		    (unsigned long long)st->rejects[i], parse_reason_text(i));
		for (k = 0; k < INGEST_EXAMPLES_PER_REASON &&
		    k < st->rejects[i]; k++) {
			const struct ingest_example *ex = &st->examples[i][k];

			fprintf(fp, "      %s:%llu", ex->source,
			    (unsigned long long)ex->line);
			if (ex->field >= 0)
				fprintf(fp, " field %d (%s)", ex->token + 1,
				    field_name(ex->field));
			else if (ex->token >= 0)
				fprintf(fp, " at field %d", ex->token + 1);
			fprintf(fp, ": %s\n", ex->text);
		}
	}
	fprintf(fp, "  formats     %u\n", st->nformats);
	for (i = 0; i < st->nformats; i++) {
		char hdr[2048];

		format_to_string(&st->formats[i].fmt, hdr, sizeof hdr);
		fprintf(fp, "    %-18s %llu records: %s\n",
		    ingest_format_name(&st->formats[i].fmt, name, sizeof name),
		    (unsigned long long)st->formats[i].records, hdr);
	}
	if (secs > 0)
		fprintf(fp, "  time        %.3f s, %.0f records/s\n", secs,
		    (double)st->records / secs);
}

/* Write opt->generate synthetic records to stdout. */
static int
run_generate(const struct options *opt)
{
	struct format v5;
	const struct format *fmt = opt->has_fmt ? &opt->fmt : &v5;
	struct output *o;
	struct flow f;
	struct gen *g;
	long long i;

	format_version(&v5, 5);
	g = gen_new(opt->seed, GEN_EPOCH);
	o = output_new(stdout, opt->output == OUTPUT_NONE ? OUTPUT_NONE :
	    opt->output);
	if (g == NULL || o == NULL) {
		fprintf(stderr, "vpctop: out of memory\n");
		return EXIT_FAILURE;
	}
	for (i = 0; i < opt->generate; i++) {
		gen_next(g, &f);
		f.fmt = fmt;
		/* AWS writes the highest version among the format's fields. */
		f.v[F_VERSION].u = fmt->version;
		output_record(o, &f);
	}
	gen_free(g);
	if (output_free(o) < 0) {
		perror("vpctop: write error");
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

/* Read every source to its end, print the records or the top table,
 * report. */
static int
run_batch(const struct options *opt, char **sources, int nsources)
{
	static char outbuf[1 << 20];
	struct timespec t0, t1;
	struct batch b;
	struct view *top = NULL;
	struct ingest *in;
	int status = EXIT_SUCCESS, i;

	memset(&b, 0, sizeof b);
	if (opt->top[0] < 0)
		b.filter = opt->filter;
	if (opt->filter && filter_has_relative(opt->filter))
		resolve_relative(opt, sources, nsources);
	/* Records show as they come on a terminal; a pipe gets big writes. */
	setvbuf(stdout, outbuf, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF,
	    sizeof outbuf);
	if (opt->top[0] < 0 && opt->output != OUTPUT_NONE)
		b.out = output_new(stdout, opt->output);
	if (opt->top[0] >= 0 || opt->capacity) {
		b.store = store_new(opt->capacity ? opt->capacity :
		    STORE_DEFAULT_CAPACITY);
		if (b.store == NULL) {
			fprintf(stderr, "vpctop: out of memory for the store\n");
			return EXIT_FAILURE;
		}
	}
	if (opt->top[0] >= 0) {
		/* Cumulative: the table covers every record read, also
		 * those the ring has no room left to keep. */
		struct view_opts vo;

		memset(&vo, 0, sizeof vo);
		vo.cumulative = 1;
		if (opt->filter) {
			if (filter_bind(opt->filter, b.store) < 0) {
				fprintf(stderr, "vpctop: out of memory\n");
				return EXIT_FAILURE;
			}
			vo.match = filter_match_rec;
			vo.match_ctx = opt->filter;
		}
		top = view_group_new(b.store, opt->top[0], opt->top[1], &vo);
	}
	in = ingest_new(opt->has_fmt ? &opt->fmt : NULL,
	    b.out || b.store || b.filter ? batch_record : NULL, say, &b);
	if ((opt->top[0] >= 0 && top == NULL) || in == NULL ||
	    (opt->top[0] < 0 && opt->output != OUTPUT_NONE && b.out == NULL)) {
		fprintf(stderr, "vpctop: out of memory\n");
		return EXIT_FAILURE;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (nsources == 0) {
		if (ingest_path(in, "-") < 0)
			status = EXIT_SOURCE;
	}
	for (i = 0; i < nsources; i++)
		if (ingest_path(in, sources[i]) < 0)
			status = EXIT_SOURCE;
	if (top) {
		size_t n = opt->limit ? (size_t)opt->limit : SIZE_MAX, ngroups;
		struct store_totals total;
		struct store_row *rows;

		view_totals(top, &total);
		if (n > total.records + 1)
			n = (size_t)total.records + 1;
		rows = calloc(n ? n : 1, sizeof *rows);
		if (rows == NULL) {
			fprintf(stderr, "vpctop: out of memory\n");
			return EXIT_FAILURE;
		}
		n = view_top(top, opt->by, n, rows, &ngroups, &total);
		report_top(stdout, opt->output, b.store, opt->top[0],
		    opt->top[1], opt->by, rows, n, ngroups, &total);
		free(rows);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (output_free(b.out) < 0 || fflush(stdout) != 0 || ferror(stdout)) {
		perror("vpctop: write error");
		status = EXIT_FAILURE;
	}
	if (opt->stats) {
		print_stats(stderr, ingest_stats(in),
		    (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		if (opt->filter) {
			char canon[1024];

			filter_to_string(opt->filter, canon, sizeof canon);
			fprintf(stderr, "  filter      %s\n", canon);
			if (top) {
				struct store_totals t;

				view_totals(top, &t);
				fprintf(stderr, "  matched     %llu records\n",
				    (unsigned long long)t.records);
			} else
				fprintf(stderr, "  matched     %llu records\n",
				    (unsigned long long)b.matched);
		}
		if (b.store)
			print_store_stats(stderr, b.store);
	}
	if (opt->filter && filter_expensive(opt->filter) > 0)
		fprintf(stderr, "vpctop: warning: a regex of the filter was too "
		    "expensive (match limit) on %llu records; they were "
		    "left out\n",
		    (unsigned long long)filter_expensive(opt->filter));
	view_free(top);
	if (opt->filter)
		filter_unbind(opt->filter);
	store_free(b.store);
	ingest_free(in);
	return status;
}

/* Long-only options of the interactive interface. */
enum { OPT_DEMO = 1000, OPT_REPLAY, OPT_THEME, OPT_NO_COLOR, OPT_MOUSE };

/* Take an option of the interactive interface; 0 when c is not one. */
static int
interactive_option(int c, const char *arg, struct ui_opts *u)
{
	char *end;

	switch (c) {
	case 'f':
		u->follow = 1;
		return 1;
	case OPT_DEMO:
		u->demo = 1;
		u->scenario = arg;
		return 1;
	case OPT_REPLAY:
		u->replay = 1;
		u->speed = 1;
		if (arg) {
			u->speed = strtod(arg, &end);
			if (*arg == '\0' || *end != '\0' || !(u->speed > 0))
				usage_error("--replay needs a speed above 0, "
				    "not '%s'", arg);
		}
		return 1;
	case OPT_THEME:
		u->theme = arg;
		return 1;
	case OPT_NO_COLOR:
		u->no_color = 1;
		return 1;
	case OPT_MOUSE:
		u->mouse = 1;
		return 1;
	}
	return 0;
}

/* Start the interactive interface with the options given. */
static int
run_interactive(struct options *opt, char **sources, int nsources)
{
	int status;

	if (nsources == 0 && !opt->ui.demo && isatty(STDIN_FILENO))
		usage_error("no input: give a FILE, DIR or -, pipe records "
		    "into vpctop, or try vpctop --demo");
	if (opt->ui.replay && nsources == 0)
		usage_error("--replay needs a FILE");
	opt->ui.fmt = opt->has_fmt ? &opt->fmt : NULL;
	opt->ui.capacity = opt->capacity;
	opt->ui.seed = opt->seed;
	opt->ui.top[0] = opt->top[0];
	opt->ui.top[1] = opt->top[1];
	opt->ui.by = opt->by;
	opt->ui.filter = opt->filter_text;	/* parsed again for the store */
	status = ui_run(&opt->ui, sources, nsources);
	filter_free(opt->filter);
	opt->filter = NULL;
	return status;
}

/* Parse the command line and run the chosen mode. */
int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'F' },
		{ "output", required_argument, NULL, 'o' },
		{ "stats", no_argument, NULL, 'S' },
		{ "generate", required_argument, NULL, 'G' },
		{ "seed", required_argument, NULL, 's' },
		{ "top", required_argument, NULL, 'T' },
		{ "by", required_argument, NULL, 'B' },
		{ "limit", required_argument, NULL, 'n' },
		{ "capacity", required_argument, NULL, 'C' },
		{ "memory", required_argument, NULL, 'M' },
		{ "filter", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "follow", no_argument, NULL, 'f' },
		{ "demo", optional_argument, NULL, OPT_DEMO },
		{ "replay", optional_argument, NULL, OPT_REPLAY },
		{ "theme", required_argument, NULL, OPT_THEME },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "mouse", no_argument, NULL, OPT_MOUSE },
		{ NULL, 0, NULL, 0 }
	};
	struct options opt;
	char err[256];
	int c, r;

	memset(&opt, 0, sizeof opt);
	opt.generate = -1;
	opt.seed = 1;
	opt.top[0] = opt.top[1] = -1;
	opt.by = STORE_BY_BYTES;
	opt.limit = 20;
	while ((c = getopt_long(argc, argv, "bF:o:n:e:hVf", longopts, NULL)) != -1) {
		if (interactive_option(c, optarg, &opt.ui))
			continue;
		switch (c) {
		case 'b':
			opt.batch = 1;
			break;
		case 'F':
			r = format_from_spec(optarg, &opt.fmt, err, sizeof err);
			if (r < 0)
				usage_error("bad --format '%s': %s", optarg, err);
			opt.has_fmt = r;
			opt.fmt_spec = optarg;
			break;
		case 'o':
			opt.output = output_kind_parse(optarg);
			if (opt.output < 0)
				usage_error("bad --output '%s' (text, csv, json or none)",
				    optarg);
			break;
		case 'S':
			opt.stats = 1;
			break;
		case 'G':
			opt.generate = (long long)number_arg("--generate", optarg);
			break;
		case 's':
			opt.seed = number_arg("--seed", optarg);
			break;
		case 'T':
			top_arg(optarg, opt.top);
			break;
		case 'B':
			if (strcmp(optarg, "bytes") == 0)
				opt.by = STORE_BY_BYTES;
			else if (strcmp(optarg, "packets") == 0)
				opt.by = STORE_BY_PACKETS;
			else if (strcmp(optarg, "flows") == 0)
				opt.by = STORE_BY_FLOWS;
			else
				usage_error("bad --by '%s' (bytes, packets or "
				    "flows)", optarg);
			break;
		case 'n':
			opt.limit = number_arg("--limit", optarg);
			break;
		case 'C':
			opt.capacity = number_arg("--capacity", optarg);
			if (opt.capacity < 1 || opt.capacity > STORE_MAX_CAPACITY)
				usage_error("--capacity must be 1 to %u",
				    STORE_MAX_CAPACITY);
			break;
		case 'M': {
			uint64_t bytes;

			if (store_parse_size(optarg, &bytes) < 0 || bytes == 0)
				usage_error("bad --memory '%s' (a size such as "
				    "512M or 2G)", optarg);
			opt.capacity = store_capacity_for_memory(bytes);
			if (opt.capacity > STORE_MAX_CAPACITY)
				opt.capacity = STORE_MAX_CAPACITY;
			break;
		}
		case 'e':
			filter_free(opt.filter);
			opt.filter_text = optarg;
			opt.filter = filter_arg(optarg);
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("vpctop %s\n", PACKAGE_VERSION);
			return EXIT_SUCCESS;
		default:
			fputs("Try 'vpctop --help' for more information.\n",
			    stderr);
			return EXIT_USAGE;
		}
	}
	if (opt.generate >= 0) {
		if (optind < argc)
			usage_error("--generate takes no SOURCE");
		return run_generate(&opt);
	}
	if (!opt.batch)
		return run_interactive(&opt, argv + optind, argc - optind);
	if (optind == argc && isatty(STDIN_FILENO))
		usage_error("no input: give a FILE, DIR or -, or pipe records "
		    "into vpctop");
	r = run_batch(&opt, argv + optind, argc - optind);
	filter_free(opt.filter);
	return r;
}
