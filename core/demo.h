/*
 * demo.h - the built-in live traffic source: VPC flow-log records of a
 * small estate, paced by the caller's clock, with attack scenarios.
 *
 * The demo is a deterministic function of its seed and of the clock the
 * caller passes to demo_step: the same seed and the same sequence of
 * clock values give the same records, so tests drive it with a fake
 * clock.  Background traffic runs at a few hundred records per second
 * with short bursts; scenarios (portscan, bruteforce, exfil, rejectstorm,
 * nat) play on top of it, every one in turn on a schedule ("all") or one
 * of them over and over.  Records are v5 records whose event times trail
 * the clock by a few seconds, as delivered flow logs do.
 */
#ifndef VPCTOP_DEMO_H
#define VPCTOP_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "flow.h"

struct demo;

/* Receives each record; its strings stay valid until demo_free. */
typedef void (*demo_record_fn)(void *ctx, const struct flow *f);

/* The scenario names, NULL-terminated ("all" is accepted besides them). */
const char *const *demo_scenarios(void);

/* Create a demo playing scenario (NULL or "all": every scenario on a
 * schedule); NULL with a message in err for an unknown scenario. */
struct demo *demo_new(const char *scenario, uint64_t seed, char *err,
    size_t errlen);

/* Free a demo. */
void demo_free(struct demo *d);

/* Deliver every record due by now_ms (Unix milliseconds) to fn, in
 * arrival order; the first call starts the demo's clock.  A clock that
 * jumps ahead more than a few seconds skips the records in between.
 * Returns the number of records delivered. */
uint64_t demo_step(struct demo *d, int64_t now_ms, demo_record_fn fn,
    void *ctx);

/* Like demo_step, but deliver at most max records (0: no limit); the
 * rest stay due for the next call. */
uint64_t demo_step_max(struct demo *d, int64_t now_ms, uint64_t max,
    demo_record_fn fn, void *ctx);

/* Unix milliseconds at which the next record is due, or INT64_MIN before
 * the first demo_step. */
int64_t demo_next_ms(const struct demo *d);

/* The scenario the demo was created with ("all" or a name). */
const char *demo_name(const struct demo *d);

/* The scenario playing at the last step's time, or NULL when only the
 * background traffic is running. */
const char *demo_active(const struct demo *d);

#endif
