/*
 * output.c - the batch printer.
 *
 * Every value is printed from the field table through flow_value_text, so
 * the three outputs agree with each other and with the parser.  Slots of a
 * format that vpctop does not know (CSV columns it ignored) are left out.
 * JSON objects are written directly, in format order; strings that need
 * escaping go through jansson's encoder, the rest are copied as they are.
 */
#include "output.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

struct output {
	FILE *fp;
	enum output_kind kind;
	struct format last;	/* format of the last header written */
	int have_last;
};

/* Parse an -o name ("text", "csv", "json", "none"); -1 when unknown. */
int
output_kind_parse(const char *name)
{
	if (strcmp(name, "text") == 0)
		return OUTPUT_TEXT;
	if (strcmp(name, "csv") == 0)
		return OUTPUT_CSV;
	if (strcmp(name, "json") == 0)
		return OUTPUT_JSON;
	if (strcmp(name, "none") == 0)
		return OUTPUT_NONE;
	return -1;
}

/* Create a printer writing to fp. */
struct output *
output_new(FILE *fp, enum output_kind kind)
{
	struct output *o = calloc(1, sizeof *o);

	if (o == NULL)
		return NULL;
	o->fp = fp;
	o->kind = kind;
	return o;
}

/* Write the header line or row for a format, separated by sep. */
static void
write_header(struct output *o, const struct format *fmt, char sep)
{
	int i, first = 1;

	for (i = 0; i < fmt->n; i++) {
		if (fmt->field[i] == FIELD_IGNORE)
			continue;
		if (!first)
			putc(sep, o->fp);
		fputs(field_name(fmt->field[i]), o->fp);
		first = 0;
	}
	putc('\n', o->fp);
}

/* Write a string as a JSON string literal. */
void
output_json_string(FILE *fp, const char *s, size_t len)
{
	size_t i;
	json_t *j;
	char *enc;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\' || c < 0x20 || c >= 0x7f)
			break;
	}
	if (i == len) {
		putc('"', fp);
		fwrite(s, 1, len, fp);
		putc('"', fp);
		return;
	}
	j = json_stringn(s, len);
	enc = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
	fputs(enc ? enc : "null", fp);
	free(enc);
	json_decref(j);
}

/* Write a CSV field, quoting it when it holds a comma or a quote. */
static void
write_csv_field(FILE *fp, const char *s, size_t len)
{
	size_t i;

	if (strpbrk(s, ",\"\n\r") == NULL) {
		fwrite(s, 1, len, fp);
		return;
	}
	putc('"', fp);
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			putc('"', fp);
		putc(s[i], fp);
	}
	putc('"', fp);
}

/* Print one record in its own format (f->fmt). */
void
output_record(struct output *o, const struct flow *f)
{
	const struct format *fmt = f->fmt;
	char buf[FLOW_VALUE_MAX];
	int i, first = 1;

	if (o->kind == OUTPUT_NONE || fmt == NULL)
		return;
	if (o->kind != OUTPUT_JSON &&
	    (!o->have_last || !format_equal(&o->last, fmt))) {
		write_header(o, fmt, o->kind == OUTPUT_CSV ? ',' : ' ');
		o->last = *fmt;
		o->have_last = 1;
	}
	if (o->kind == OUTPUT_JSON)
		putc('{', o->fp);
	for (i = 0; i < fmt->n; i++) {
		int id = fmt->field[i];
		size_t n;

		if (id == FIELD_IGNORE)
			continue;
		n = flow_value_text(f, id, buf, sizeof buf);
		switch (o->kind) {
		case OUTPUT_TEXT:
			if (!first)
				putc(' ', o->fp);
			fwrite(buf, 1, n, o->fp);
			break;
		case OUTPUT_CSV:
			if (!first)
				putc(',', o->fp);
			if (flow_has(f, id))
				write_csv_field(o->fp, buf, n);
			break;
		case OUTPUT_JSON:
			fprintf(o->fp, "%s\"%s\":", first ? "" : ",",
			    field_name(id));
			if (!flow_has(f, id)) {
				fputs("null", o->fp);
				break;
			}
			switch (field_table[id].type) {
			case FT_INT: case FT_PORT: case FT_COUNTER: case FT_TIME:
				fwrite(buf, 1, n, o->fp);
				break;
			default:
				output_json_string(o->fp, buf, n);
			}
			break;
		case OUTPUT_NONE:
			break;
		}
		first = 0;
	}
	if (o->kind == OUTPUT_JSON)
		putc('}', o->fp);
	putc('\n', o->fp);
}

/* Flush and free; returns -1 if any write failed. */
int
output_free(struct output *o)
{
	int bad;

	if (o == NULL)
		return 0;
	bad = fflush(o->fp) != 0 || ferror(o->fp);
	free(o);
	return bad ? -1 : 0;
}
