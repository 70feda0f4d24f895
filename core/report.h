/*
 * report.h - batch answers of the store: top-N tables as text, CSV, JSON.
 *
 * Text is an aligned table with human sizes and shares, meant to be read;
 * CSV and JSON carry exact numbers and are meant for other programs: CSV
 * columns are the key field name(s) then flows,packets,bytes, and JSON
 * lines use the same names, keys typed as in record output.
 */
#ifndef VPCTOP_REPORT_H
#define VPCTOP_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "output.h"
#include "store.h"

/* Write a byte count for people: "512 B", "1.5 KiB", "12.3 GiB". */
void report_human_bytes(uint64_t v, char *buf, size_t size);

/* Write a count for people: "999", "12.3k", "4.5M", "1.2G". */
void report_human_count(uint64_t v, char *buf, size_t size);

/* Print a top-N table: rows[0..n) grouped by f1 (and f2, or -1), ranked
 * by `by`, with the grand total and the number of groups. */
void report_top(FILE *fp, enum output_kind kind, const struct store *s,
    int f1, int f2, enum store_rank by, const struct store_row *rows,
    size_t n, size_t ngroups, const struct store_totals *total);

#endif
