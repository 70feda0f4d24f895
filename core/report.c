/*
 * report.c - batch answers of the store: top-N tables.
 *
 * Key values are written by store_val_text, so a key prints exactly as the
 * same field does in record output.  In JSON, keys of numeric fields
 * (ports, protocol, counters, times) are numbers, others strings, absent
 * values null; counts are always exact numbers.  The text table sizes its
 * key columns to the widest value shown, so it stays aligned for any key.
 */
#include "report.h"

#include <string.h>

#include "field.h"

static const char *const rank_names[] = { "bytes", "packets", "flows" };

/* Write a byte count for people: "512 B", "1.5 KiB", "12.3 GiB". */
void
report_human_bytes(uint64_t v, char *buf, size_t size)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB", "PiB",
	    "EiB" };
	double d = (double)v;
	int u = -1;

	if (v < 1024) {
		snprintf(buf, size, "%llu B", (unsigned long long)v);
		return;
	}
	while (d >= 1024 && u < 5) {
		d /= 1024;
		u++;
	}
	snprintf(buf, size, d < 10 ? "%.2f %s" : d < 100 ? "%.1f %s" :
	    "%.0f %s", d, unit[u]);
}

/* Write a count for people: "999", "12.3k", "4.5M", "1.2G". */
void
report_human_count(uint64_t v, char *buf, size_t size)
{
	static const char unit[] = "kMGTPE";
	double d = (double)v;
	int u = -1;

	if (v < 1000) {
		snprintf(buf, size, "%llu", (unsigned long long)v);
		return;
	}
	while (d >= 1000 && u < 5) {
		d /= 1000;
		u++;
	}
	snprintf(buf, size, d < 10 ? "%.2f%c" : d < 100 ? "%.1f%c" : "%.0f%c",
	    d, unit[u]);
}

/* Tell whether a field's values print as JSON numbers. */
static int
numeric(int field)
{
	switch (field_table[field].type) {
	case FT_INT: case FT_PORT: case FT_COUNTER: case FT_TIME:
		return 1;
	default:
		return 0;
	}
}

/* Write one key value as a JSON value. */
static void
json_key(FILE *fp, const struct store *s, int field,
    const struct store_val *v)
{
	char buf[FLOW_VALUE_MAX];
	size_t n;

	n = store_val_text(s, field, v, buf, sizeof buf);
	if (!v->has)
		fputs("null", fp);
	else if (numeric(field))
		fwrite(buf, 1, n, fp);
	else
		output_json_string(fp, buf, n);
}

/* Write one key value as a CSV field. */
static void
csv_key(FILE *fp, const struct store *s, int field, const struct store_val *v)
{
	char buf[FLOW_VALUE_MAX];
	size_t i, n;

	if (!v->has)
		return;
	n = store_val_text(s, field, v, buf, sizeof buf);
	if (strpbrk(buf, ",\"") == NULL) {
		fwrite(buf, 1, n, fp);
		return;
	}
	putc('"', fp);
	for (i = 0; i < n; i++) {
		if (buf[i] == '"')
			putc('"', fp);
		putc(buf[i], fp);
	}
	putc('"', fp);
}

/* Print the aligned text table. */
static void
text_top(FILE *fp, const struct store *s, int f1, int f2, enum store_rank by,
    const struct store_row *rows, size_t n, size_t ngroups,
    const struct store_totals *total)
{
	char b[FLOW_VALUE_MAX], fl[32], pk[32], by_[32];
	int w1 = (int)strlen(field_name(f1)), w2 = f2 >= 0 ?
	    (int)strlen(field_name(f2)) : 0;
	char label[96];
	size_t i;
	int lw;

	lw = snprintf(label, sizeof label, "total (%zu groups, by %s)",
	    ngroups, rank_names[by]);
	for (i = 0; i < n; i++) {
		int l = (int)store_val_text(s, f1, &rows[i].key[0], b, sizeof b);

		if (l > w1)
			w1 = l;
		if (f2 >= 0) {
			l = (int)store_val_text(s, f2, &rows[i].key[1], b,
			    sizeof b);
			if (l > w2)
				w2 = l;
		}
	}
	/* The key columns are at least as wide as the total's label. */
	if (f2 < 0 && w1 < lw)
		w1 = lw;
	else if (f2 >= 0 && w1 + 2 + w2 < lw)
		w2 = lw - w1 - 2;
	fprintf(fp, "%-*s", w1, field_name(f1));
	if (f2 >= 0)
		fprintf(fp, "  %-*s", w2, field_name(f2));
	fprintf(fp, "  %9s  %9s  %10s  %6s\n", "flows", "packets", "bytes",
	    "share");
	for (i = 0; i < n; i++) {
		store_val_text(s, f1, &rows[i].key[0], b, sizeof b);
		fprintf(fp, "%-*s", w1, b);
		if (f2 >= 0) {
			store_val_text(s, f2, &rows[i].key[1], b, sizeof b);
			fprintf(fp, "  %-*s", w2, b);
		}
		report_human_count(rows[i].t.flows, fl, sizeof fl);
		report_human_count(rows[i].t.packets, pk, sizeof pk);
		report_human_bytes(rows[i].t.bytes, by_, sizeof by_);
		fprintf(fp, "  %9s  %9s  %10s  %5.1f%%\n", fl, pk, by_,
		    rows[i].share * 100.0);
	}
	report_human_count(total->flows, fl, sizeof fl);
	report_human_count(total->packets, pk, sizeof pk);
	report_human_bytes(total->bytes, by_, sizeof by_);
	fprintf(fp, "%-*s", w1 + (f2 >= 0 ? w2 + 2 : 0), label);
	fprintf(fp, "  %9s  %9s  %10s\n", fl, pk, by_);
}

/* Print a top-N table in the chosen output kind. */
void
report_top(FILE *fp, enum output_kind kind, const struct store *s, int f1,
    int f2, enum store_rank by, const struct store_row *rows, size_t n,
    size_t ngroups, const struct store_totals *total)
{
	size_t i;

	switch (kind) {
	case OUTPUT_TEXT:
		text_top(fp, s, f1, f2, by, rows, n, ngroups, total);
		break;
	case OUTPUT_CSV:
		fprintf(fp, "%s%s%s,flows,packets,bytes\n", field_name(f1),
		    f2 >= 0 ? "," : "", f2 >= 0 ? field_name(f2) : "");
		for (i = 0; i < n; i++) {
			csv_key(fp, s, f1, &rows[i].key[0]);
			if (f2 >= 0) {
				putc(',', fp);
				csv_key(fp, s, f2, &rows[i].key[1]);
			}
			fprintf(fp, ",%llu,%llu,%llu\n",
			    (unsigned long long)rows[i].t.flows,
			    (unsigned long long)rows[i].t.packets,
			    (unsigned long long)rows[i].t.bytes);
		}
		break;
	case OUTPUT_JSON:
		for (i = 0; i < n; i++) {
			fprintf(fp, "{\"%s\":", field_name(f1));
			json_key(fp, s, f1, &rows[i].key[0]);
			if (f2 >= 0) {
				fprintf(fp, ",\"%s\":", field_name(f2));
				json_key(fp, s, f2, &rows[i].key[1]);
			}
			fprintf(fp, ",\"flows\":%llu,\"packets\":%llu,"
			    "\"bytes\":%llu}\n",
			    (unsigned long long)rows[i].t.flows,
			    (unsigned long long)rows[i].t.packets,
			    (unsigned long long)rows[i].t.bytes);
		}
		break;
	case OUTPUT_NONE:
		break;
	}
}
