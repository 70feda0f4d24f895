/*
 * intern.h - reference-counted tables of symbols, addresses and tuples.
 *
 * The store keeps no text and no 16-byte address in its records: it keeps
 * small integer ids into these tables.  Id 0 always means "absent", so a
 * zeroed field is a missing value.  Every id carries a reference count;
 * when it drops to zero the slot goes on a free list and the next new value
 * reuses it, so the tables stay as small as the set of values still in use.
 *
 * Three kinds of table:
 *   - symbols: byte strings (account ids, ENI ids, service names, ...);
 *   - addresses: struct flow_addr (IPv4 mapped into IPv6), one table for
 *     both families;
 *   - tuples: a fixed list of fields (a schema) taken from a struct flow
 *     as one unit.  A tuple holds one reference on each symbol and address
 *     it names; its values are kept as 64-bit words (symbol id, address id,
 *     or the number itself for enum, integer and counter fields).
 * Tuples are how the store makes a record small: every per-interface field
 * of a record (account, VPC, subnet, instance, region, tags, ...) lives in
 * one "context" tuple shared by all records of that interface.
 */
#ifndef VPCTOP_INTERN_H
#define VPCTOP_INTERN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "flow.h"

/* Most fields a tuple schema may have. */
#define INTERN_TUPLE_MAX 32

/* Hash len bytes at p, mixed with seed (64-bit, not cryptographic). */
uint64_t intern_hash(const void *p, size_t len, uint64_t seed);

/* Finalise a 64-bit value into a well-mixed hash. */
static inline uint64_t
intern_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* ---- symbols ---- */

struct intern_syms;

/* Create an empty symbol table; NULL when out of memory. */
struct intern_syms *intern_syms_new(void);

/* Free a symbol table and every string in it. */
void intern_syms_free(struct intern_syms *t);

/* Find or add a string and take a reference; returns its id, 0 on OOM. */
uint32_t intern_sym_get(struct intern_syms *t, const char *p, size_t len);

/* Find a string without taking a reference; returns its id or 0. */
uint32_t intern_sym_find(const struct intern_syms *t, const char *p,
    size_t len);

/* Take one more reference on a live id. */
void intern_sym_ref(struct intern_syms *t, uint32_t id);

/* Drop a reference; the slot is freed when none is left. */
void intern_sym_unref(struct intern_syms *t, uint32_t id);

/* Text of a live id (not NUL-terminated), its length in *len. */
const char *intern_sym_str(const struct intern_syms *t, uint32_t id,
    uint32_t *len);

/* Reference count of an id (0 for a free or unknown id). */
uint32_t intern_sym_refs(const struct intern_syms *t, uint32_t id);

/* Number of live symbols. */
size_t intern_sym_count(const struct intern_syms *t);

/* One more than the highest id ever handed out (bound for id arrays). */
uint32_t intern_sym_limit(const struct intern_syms *t);

/* Bytes allocated by the table, strings included. */
size_t intern_sym_mem(const struct intern_syms *t);

/* Check that every live id is found by its text and the live count is
 * right; 0, or -1 (for tests). */
int intern_sym_check(const struct intern_syms *t);

/* ---- addresses ---- */

struct intern_addrs;

/* Create an empty address table; NULL when out of memory. */
struct intern_addrs *intern_addrs_new(void);

/* Free an address table. */
void intern_addrs_free(struct intern_addrs *t);

/* Find or add an address and take a reference; returns its id, 0 on OOM. */
uint32_t intern_addr_get(struct intern_addrs *t, const struct flow_addr *a);

/* Hash of an address as the address table computes it (inline: the
 * store hashes two addresses per record). */
static inline uint64_t
intern_addr_hash(const struct flow_addr *a)
{
	uint64_t w0, w1;

	memcpy(&w0, a->b, 8);
	memcpy(&w1, a->b + 8, 8);
	return intern_mix64(w0 * 0x9e3779b97f4a7c15ULL ^
	    ((w1 << 29) | (w1 >> 35)));
}

/* Start loading the hash slot where a lookup of an address of hash h
 * (intern_addr_hash) will begin: a hint, it changes nothing. */
void intern_addr_prefetch(const struct intern_addrs *t, uint64_t h);

/* intern_addr_get for an address whose hash h is already known. */
uint32_t intern_addr_get_hashed(struct intern_addrs *t,
    const struct flow_addr *a, uint64_t h);

/* Find an address without taking a reference; returns its id or 0. */
uint32_t intern_addr_find(const struct intern_addrs *t,
    const struct flow_addr *a);

/* Take one more reference on a live id. */
void intern_addr_ref(struct intern_addrs *t, uint32_t id);

/* Drop a reference; the slot is freed when none is left. */
void intern_addr_unref(struct intern_addrs *t, uint32_t id);

/* The address of a live id. */
const struct flow_addr *intern_addr_value(const struct intern_addrs *t,
    uint32_t id);

/* Reference count of an id (0 for a free or unknown id). */
uint32_t intern_addr_refs(const struct intern_addrs *t, uint32_t id);

/* Number of live addresses. */
size_t intern_addr_count(const struct intern_addrs *t);

/* One more than the highest id ever handed out. */
uint32_t intern_addr_limit(const struct intern_addrs *t);

/* Bytes allocated by the table. */
size_t intern_addr_mem(const struct intern_addrs *t);

/* Check that every live id is found by its address; 0, or -1. */
int intern_addr_check(const struct intern_addrs *t);

/* ---- tuples ---- */

struct intern_tuples;

/* Create a tuple table over n fields (field ids of field.h) whose symbols
 * and addresses go to syms and addrs; NULL when out of memory. */
struct intern_tuples *intern_tuples_new(const uint8_t *fields, int n,
    struct intern_syms *syms, struct intern_addrs *addrs);

/* Free a tuple table (the references it holds are not returned). */
void intern_tuples_free(struct intern_tuples *t);

/* Find or add the tuple made of the fields f has among those selected by
 * bit i of take (schema position i), plus the caller's 64-bit extra word, and
 * take a reference.  Returns the id; *created is 1 when it is new, else 0.
 * An empty selection with extra 0 is no tuple: id 0, *created 0.  Out of
 * memory: id 0, *created -1, and nothing is held. */
uint32_t intern_tuple_get(struct intern_tuples *t, const struct flow *f,
    uint64_t take, uint64_t extra, int *created);

/* Take one more reference on a live tuple. */
void intern_tuple_ref(struct intern_tuples *t, uint32_t id);

/* Generation of a tuple id: it changes whenever the id is freed, so an id
 * remembered with its generation is known to still name the same tuple
 * while both match. */
uint32_t intern_tuple_gen(const struct intern_tuples *t, uint32_t id);

/* Take a reference on tuple id and return it if it is live and still of
 * generation gen; else return 0 holding nothing. */
uint32_t intern_tuple_take(struct intern_tuples *t, uint32_t id,
    uint32_t gen);

/* Drop a reference; at zero the tuple releases its symbols and addresses
 * and its slot is freed. */
void intern_tuple_unref(struct intern_tuples *t, uint32_t id);

/* Presence mask (bit per schema position) of a live tuple. */
uint64_t intern_tuple_mask(const struct intern_tuples *t, uint32_t id);

/* Extra word of a live tuple. */
uint64_t intern_tuple_extra(const struct intern_tuples *t, uint32_t id);

/* Values of a live tuple, one per schema position (0 when absent). */
const uint64_t *intern_tuple_vals(const struct intern_tuples *t, uint32_t id);

/* Schema position of field id, or -1 when the schema lacks it. */
int intern_tuple_pos(const struct intern_tuples *t, int field);

/* Reference count of a tuple (0 for a free or unknown id). */
uint32_t intern_tuple_refs(const struct intern_tuples *t, uint32_t id);

/* Number of live tuples. */
size_t intern_tuple_count(const struct intern_tuples *t);

/* One more than the highest id ever handed out. */
uint32_t intern_tuple_limit(const struct intern_tuples *t);

/* Bytes allocated by the table. */
size_t intern_tuple_mem(const struct intern_tuples *t);

/* Check that every live id is found by its blob; 0, or -1. */
int intern_tuple_check(const struct intern_tuples *t);

/* Number of symbol slots freed so far: while it stays the same, every id
 * seen means the same string (for caches keyed by id). */
uint64_t intern_sym_freed(const struct intern_syms *t);

/* Number of tuple slots freed so far (see intern_sym_freed). */
uint64_t intern_tuple_freed(const struct intern_tuples *t);

#endif
