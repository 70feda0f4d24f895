/*
 * output.h - the batch printer: records as flow-log text, CSV or JSON.
 *
 * Text is flow-log text in the record's own format, with a header line
 * first and again whenever the format changes (as concatenated S3 objects
 * look).  CSV has a header row of AWS field names (again on a format
 * change).  JSON is one object per line, AWS names as keys, numbers as
 * numbers, absent values as null, account ids and other ids as strings.
 */
#ifndef VPCTOP_OUTPUT_H
#define VPCTOP_OUTPUT_H

#include <stdio.h>

#include "flow.h"

enum output_kind { OUTPUT_TEXT, OUTPUT_CSV, OUTPUT_JSON, OUTPUT_NONE };

struct output;

/* Parse an -o name ("text", "csv", "json", "none"); -1 when unknown. */
int output_kind_parse(const char *name);

/* Create a printer writing to fp. */
struct output *output_new(FILE *fp, enum output_kind kind);

/* Print one record in its own format (f->fmt). */
void output_record(struct output *o, const struct flow *f);

/* Write a string as a JSON string literal (escaped by jansson when it
 * needs escaping). */
void output_json_string(FILE *fp, const char *s, size_t len);

/* Flush and free; returns -1 if any write failed. */
int output_free(struct output *o);

#endif
