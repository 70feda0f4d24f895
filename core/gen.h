/*
 * gen.h - realistic synthetic flow records, for tests, benchmarks and demos.
 *
 * A generator is a deterministic function of its seed: a few accounts, VPCs
 * and subnets, hundreds of ENIs, Zipf-distributed talkers, common service
 * ports, about one in ten inbound flows rejected, occasional NODATA and
 * SKIPDATA records, IPv6 now and then, and event times that advance.  Every
 * field of the table gets a value, so any format can be printed from it.
 */
#ifndef VPCTOP_GEN_H
#define VPCTOP_GEN_H

#include <stdint.h>

#include "flow.h"

struct gen;

/* Create a generator; start is the first record's event time (Unix s). */
struct gen *gen_new(uint64_t seed, int64_t start);

/* Fill f with the next record; its symbols stay valid until the next call. */
void gen_next(struct gen *g, struct flow *f);

/* Move the generator's event clock (for live sources that follow the wall
 * clock); records after this call start near t. */
void gen_set_time(struct gen *g, int64_t t);

/* Free a generator. */
void gen_free(struct gen *g);

#endif
