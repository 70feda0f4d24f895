/*
 * filter.h - the filter language: parse once, evaluate over millions.
 *
 * One expression language serves the TUI prompt, -e/--filter in batch
 * mode and saved filters (the grammar is in vpctop(1), FILTERS).  Text is
 * parsed into a tree and compiled into flat code; evaluation then neither
 * parses nor allocates.  A filter can test a struct flow (batch record
 * output) or, once bound to a store, a compact store record: symbols and
 * addresses named in the expression are interned into the store once, at
 * bind time, so `vpc-id = vpc-0abc` compares two integers per record.
 *
 * Semantics in brief: a comparison with a field the record does not have
 * is false (`!=` too); `field = -` is true exactly when it is absent.
 * Pseudo-fields (`addr`, `port`) are true when any of their fields is.
 * Relative times (`end > -15m`) count back from "now", which is the
 * store's watermark (or what filter_set_now was given): they are resolved
 * when the filter is bound or filter_set_now is called, so a filter stays
 * a pure function of the record until the caller moves "now" on.
 *
 * Regexes are PCRE2, compiled once with JIT, with one match-data block
 * per filter and a match limit; a match that hits the limit counts as no
 * match and is counted in filter_expensive, for the caller to report.
 * A filter is not safe to share between threads.
 */
#ifndef VPCTOP_FILTER_H
#define VPCTOP_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "flow.h"
#include "store.h"

/* A parse error: message ("expected X, found Y") and where. */
struct filter_error {
	char msg[200];
	int col;		/* 0-based byte offset of the caret */
};

struct filter;

/* Parse and compile an expression; NULL with err filled when it is bad
 * (err may be NULL).  An empty or all-blank text is an error. */
struct filter *filter_parse(const char *text, struct filter_error *err);

/* Free a filter (unbinding it first if bound). */
void filter_free(struct filter *f);

/* Write the canonical form (fully spelled operators, one space between
 * tokens, parentheses only where precedence needs them); returns the
 * length it needs, like snprintf. */
size_t filter_to_string(const struct filter *f, char *buf, size_t size);

/* 1 when the expression has relative times (`end > -15m`). */
int filter_has_relative(const struct filter *f);

/* Resolve relative times against now (Unix seconds). */
void filter_set_now(struct filter *f, uint32_t now);

/* 1 when a struct flow matches. */
int filter_match_flow(struct filter *f, const struct flow *fl);

/* Bind to a store: intern and pin the expression's symbols and addresses
 * and resolve relative times against the store's watermark (when it has
 * one and filter_set_now was not called).  0, or -1 when out of memory.
 * A filter is bound to at most one store; binding again rebinds. */
int filter_bind(struct filter *f, struct store *s);

/* Release the pins of filter_bind (before the store is freed). */
void filter_unbind(struct filter *f);

/* 1 when a record of the bound store matches; the signature is
 * view_match_fn's, with the filter as ctx. */
int filter_match_rec(void *f, const struct store *s,
    const struct store_rec *r);

/* Count the records in the ring of the bound store that match (one scan;
 * for the prompt's live match count). */
uint64_t filter_count(struct filter *f, const struct store *s);

/* How many evaluations a regex gave up on at its match limit. */
uint64_t filter_expensive(const struct filter *f);

#endif
