/*
 * intern.c - reference-counted tables of symbols, addresses and tuples.
 *
 * Design notes.
 *
 * Layout.  Each table is a dense array of entries indexed by id (id 0 is
 * never used: it means "absent") plus an open-addressing hash index of u32
 * ids (linear probing, load at most 1/2, power-of-two size).  An entry
 * remembers its full hash (symbols, tuples) or can recompute it cheaply
 * (addresses), which is what deletion by backward shift needs: no
 * tombstones, so a table that churns for days never degrades.
 *
 * Reuse.  When a reference count drops to zero the id is pushed on a free
 * stack and removed from the hash index; the next new value pops it.  So
 * ids stay dense and the per-id arrays the store keeps beside these tables
 * (index maps, per-tuple totals) stay small.
 *
 * Tuples.  A tuple is keyed by a byte string (the "blob") built from the
 * fields of a struct flow: the caller's extra word, the presence mask, then
 * each present field as length + bytes (symbols), 16 bytes (addresses) or
 * 8 bytes (numbers).  Lookups build the blob in a scratch buffer, hash it
 * once and compare with memcmp, so a hit never touches the symbol or
 * address tables; only a miss interns the parts.  A tuple holds one
 * reference per symbol and address it names and drops them when it dies.
 *
 * Memory.  No allocation on a hit.  Strings and tuple blobs are one malloc
 * each, made only when a new value appears.
 */
#include "intern.h"

#include <stdlib.h>
#include <string.h>

/* Rotate x left by k bits. */
static inline uint64_t
rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* Hash len bytes at p, mixed with seed (64-bit, not cryptographic). */
uint64_t
intern_hash(const void *p, size_t len, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = seed ^ ((uint64_t)len * 0x9e3779b97f4a7c15ULL);
	uint64_t w;

	while (len >= 8) {
		memcpy(&w, s, 8);
		h ^= w * 0x87c37b91114253d5ULL;
		h = rotl64(h, 31) * 0x4cf5ad432745937fULL;
		s += 8;
		len -= 8;
	}
	if (len) {
		w = 0;
		memcpy(&w, s, len);
		h ^= w * 0x87c37b91114253d5ULL;
		h = rotl64(h, 31) * 0x4cf5ad432745937fULL;
	}
	return intern_mix64(h);
}

/* ---- the shared hash index of ids ---- */

struct idindex {
	uint32_t *slot;		/* id per slot, 0 = empty */
	uint32_t mask;		/* slots - 1 */
	uint32_t used;
};

typedef uint64_t (*hash_of_fn)(const void *owner, uint32_t id);

/* Allocate an index of n (a power of two) empty slots; -1 on OOM. */
static int
idx_init(struct idindex *x, uint32_t n)
{
	x->slot = calloc(n, sizeof *x->slot);
	if (x->slot == NULL)
		return -1;
	x->mask = n - 1;
	x->used = 0;
	return 0;
}

/* Put id in the first empty slot of its probe sequence. */
static void
idx_place(struct idindex *x, uint64_t h, uint32_t id)
{
	uint32_t i = (uint32_t)h & x->mask;

	while (x->slot[i] != 0)
		i = (i + 1) & x->mask;
	x->slot[i] = id;
	x->used++;
}

/* Make room for one more id (rehash at load 1/2); -1 on OOM. */
static int
idx_reserve(struct idindex *x, const void *owner, hash_of_fn hof)
{
	struct idindex nx;
	uint32_t i;

	if ((uint64_t)(x->used + 1) * 2 <= (uint64_t)x->mask + 1)
		return 0;
	if (idx_init(&nx, (x->mask + 1) * 2) < 0)
		return -1;
	for (i = 0; i <= x->mask; i++)
		if (x->slot[i])
			idx_place(&nx, hof(owner, x->slot[i]), x->slot[i]);
	free(x->slot);
	*x = nx;
	return 0;
}

/* Remove id (hash h) from the index by backward shift. */
static void
idx_remove(struct idindex *x, uint64_t h, uint32_t id, const void *owner,
    hash_of_fn hof)
{
	uint32_t i = (uint32_t)h & x->mask, j;

	while (x->slot[i] != id)
		i = (i + 1) & x->mask;
	j = i;
	for (;;) {
		uint32_t k;

		j = (j + 1) & x->mask;
		if (x->slot[j] == 0)
			break;
		k = (uint32_t)hof(owner, x->slot[j]) & x->mask;
		/* slot j may move to i when its home k is not in (i, j] */
		if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
			x->slot[i] = x->slot[j];
			i = j;
		}
	}
	x->slot[i] = 0;
	x->used--;
}

/* Grow a dense array so that index n is valid; -1 on OOM. */
static int
grow_array(void **arr, uint32_t *cap, uint32_t n, size_t elem)
{
	uint32_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap : 16;
	while (ncap <= n)
		ncap *= 2;
	p = realloc(*arr, (size_t)ncap * elem);
	if (p == NULL)
		return -1;
	memset((char *)p + (size_t)*cap * elem, 0, (size_t)(ncap - *cap) * elem);
	*arr = p;
	*cap = ncap;
	return 0;
}

/* The shared id allocator: free stack plus a high-water mark. */
struct idalloc {
	uint32_t *free;
	uint32_t nfree, capfree;
	uint32_t limit;		/* next never-used id */
	uint32_t live;
};

/* Pick the id a new value gets (not yet taken off the stack). */
static uint32_t
ida_peek(const struct idalloc *a)
{
	return a->nfree ? a->free[a->nfree - 1] : a->limit;
}

/* Take the id ida_peek returned. */
static void
ida_take(struct idalloc *a)
{
	if (a->nfree)
		a->nfree--;
	else
		a->limit++;
	a->live++;
}

/* Return an id to the free stack; -1 on OOM (the id is then leaked). */
static int
ida_put(struct idalloc *a, uint32_t id)
{
	a->live--;
	if (grow_array((void **)&a->free, &a->capfree, a->nfree,
	    sizeof *a->free) < 0)
		return -1;
	a->free[a->nfree++] = id;
	return 0;
}

/* ---- symbols ---- */

struct sym {
	uint64_t hash;
	char *p;
	uint32_t len;
	uint32_t refs;
};

struct intern_syms {
	struct sym *e;
	uint64_t freed;		/* slots freed ever (ids recycled) */
	uint32_t cap;
	struct idindex x;
	struct idalloc ids;
	size_t strbytes;
};

/* Hash of a symbol id, for the index. */
static uint64_t
sym_hash_of(const void *owner, uint32_t id)
{
	return ((const struct intern_syms *)owner)->e[id].hash;
}

/* Create an empty symbol table; NULL when out of memory. */
struct intern_syms *
intern_syms_new(void)
{
	struct intern_syms *t = calloc(1, sizeof *t);

	if (t == NULL || idx_init(&t->x, 64) < 0) {
		free(t);
		return NULL;
	}
	t->ids.limit = 1;
	return t;
}

/* Free a symbol table and every string in it. */
void
intern_syms_free(struct intern_syms *t)
{
	uint32_t i;

	if (t == NULL)
		return;
	for (i = 1; i < t->ids.limit; i++)
		free(t->e[i].p);
	free(t->e);
	free(t->x.slot);
	free(t->ids.free);
	free(t);
}

/* Find the id of a string with hash h, or 0. */
static uint32_t
sym_lookup(const struct intern_syms *t, const char *p, size_t len, uint64_t h)
{
	uint32_t i = (uint32_t)h & t->x.mask, id;

	while ((id = t->x.slot[i]) != 0) {
		const struct sym *s = &t->e[id];

		if (s->hash == h && s->len == len && memcmp(s->p, p, len) == 0)
			return id;
		i = (i + 1) & t->x.mask;
	}
	return 0;
}

/* Find a string without taking a reference; returns its id or 0. */
uint32_t
intern_sym_find(const struct intern_syms *t, const char *p, size_t len)
{
	return sym_lookup(t, p, len, intern_hash(p, len, 0x5eed));
}

/* Find or add a string and take a reference; returns its id, 0 on OOM. */
uint32_t
intern_sym_get(struct intern_syms *t, const char *p, size_t len)
{
	uint64_t h = intern_hash(p, len, 0x5eed);
	uint32_t id = sym_lookup(t, p, len, h);
	struct sym *s;
	char *copy;

	if (id) {
		t->e[id].refs++;
		return id;
	}
	if (len > UINT32_MAX - 1)
		return 0;
	id = ida_peek(&t->ids);
	if (id == UINT32_MAX || grow_array((void **)&t->e, &t->cap, id,
	    sizeof *t->e) < 0 || idx_reserve(&t->x, t, sym_hash_of) < 0)
		return 0;
	copy = malloc(len ? len : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, p, len);
	ida_take(&t->ids);
	s = &t->e[id];
	s->hash = h;
	s->p = copy;
	s->len = (uint32_t)len;
	s->refs = 1;
	idx_place(&t->x, h, id);
	t->strbytes += len ? len : 1;
	return id;
}

/* Take one more reference on a live id. */
void
intern_sym_ref(struct intern_syms *t, uint32_t id)
{
	t->e[id].refs++;
}

/* Drop a reference; the slot is freed when none is left. */
void
intern_sym_unref(struct intern_syms *t, uint32_t id)
{
	struct sym *s = &t->e[id];

	if (--s->refs)
		return;
	idx_remove(&t->x, s->hash, id, t, sym_hash_of);
	t->strbytes -= s->len ? s->len : 1;
	free(s->p);
	s->p = NULL;
	s->len = 0;
	ida_put(&t->ids, id);
	t->freed++;
}

/* Text of a live id (not NUL-terminated), its length in *len. */
const char *
intern_sym_str(const struct intern_syms *t, uint32_t id, uint32_t *len)
{
	*len = t->e[id].len;
	return t->e[id].p;
}

/* Reference count of an id (0 for a free or unknown id). */
uint32_t
intern_sym_refs(const struct intern_syms *t, uint32_t id)
{
	return id && id < t->ids.limit ? t->e[id].refs : 0;
}

/* Number of live symbols. */
size_t
intern_sym_count(const struct intern_syms *t)
{
	return t->ids.live;
}

/* One more than the highest id ever handed out (bound for id arrays). */
uint32_t
intern_sym_limit(const struct intern_syms *t)
{
	return t->ids.limit;
}

/* Bytes allocated by the table, strings included. */
size_t
intern_sym_mem(const struct intern_syms *t)
{
	/* malloc rounds small strings up to 16 bytes and adds 8 of header */
	return sizeof *t + (size_t)t->cap * sizeof *t->e +
	    ((size_t)t->x.mask + 1) * sizeof *t->x.slot +
	    (size_t)t->ids.capfree * sizeof *t->ids.free +
	    t->strbytes + (size_t)t->ids.live * 16;
}

/* Check that every live id is found by its text. */
int
intern_sym_check(const struct intern_syms *t)
{
	uint32_t i, live = 0, used = 0;

	for (i = 1; i < t->ids.limit; i++) {
		if (t->e[i].refs == 0)
			continue;
		live++;
		if (intern_sym_find(t, t->e[i].p, t->e[i].len) != i)
			return -1;
	}
	for (i = 0; i <= t->x.mask; i++)
		used += t->x.slot[i] != 0;
	return live == t->ids.live && used == live ? 0 : -1;
}

/* ---- addresses ---- */

struct addr {
	struct flow_addr a;
	uint32_t refs;
};

struct intern_addrs {
	struct addr *e;
	uint32_t cap;
	struct idindex x;
	struct idalloc ids;
};

/* Hash of an address id, for the index. */
static uint64_t
addr_hash_of(const void *owner, uint32_t id)
{
	return intern_addr_hash(&((const struct intern_addrs *)owner)->e[id].a);
}

/* Create an empty address table; NULL when out of memory. */
struct intern_addrs *
intern_addrs_new(void)
{
	struct intern_addrs *t = calloc(1, sizeof *t);

	if (t == NULL || idx_init(&t->x, 64) < 0) {
		free(t);
		return NULL;
	}
	t->ids.limit = 1;
	return t;
}

/* Free an address table. */
void
intern_addrs_free(struct intern_addrs *t)
{
	if (t == NULL)
		return;
	free(t->e);
	free(t->x.slot);
	free(t->ids.free);
	free(t);
}

/* Find the id of an address with hash h, or 0. */
static inline uint32_t
addr_lookup(const struct intern_addrs *t, const struct flow_addr *a,
    uint64_t h)
{
	uint32_t i = (uint32_t)h & t->x.mask, id;

	uint64_t a0, a1, b0, b1;

	memcpy(&a0, a->b, 8);
	memcpy(&a1, a->b + 8, 8);
	while ((id = t->x.slot[i]) != 0) {
		memcpy(&b0, t->e[id].a.b, 8);
		memcpy(&b1, t->e[id].a.b + 8, 8);
		if (((a0 ^ b0) | (a1 ^ b1)) == 0)
			return id;
		i = (i + 1) & t->x.mask;
	}
	return 0;
}

/* Start loading the hash slot where a lookup of hash h will begin. */
void
intern_addr_prefetch(const struct intern_addrs *t, uint64_t h)
{
	__builtin_prefetch(&t->x.slot[(uint32_t)h & t->x.mask]);
}

/* Find an address without taking a reference; returns its id or 0. */
uint32_t
intern_addr_find(const struct intern_addrs *t, const struct flow_addr *a)
{
	return addr_lookup(t, a, intern_addr_hash(a));
}

/* Find or add an address and take a reference; returns its id, 0 on OOM. */
uint32_t
intern_addr_get(struct intern_addrs *t, const struct flow_addr *a)
{
	return intern_addr_get_hashed(t, a, intern_addr_hash(a));
}

static uint32_t addr_get_slow(struct intern_addrs *t,
    const struct flow_addr *a, uint64_t h);

/* Find or add an address of known hash h and take a reference. */
uint32_t
intern_addr_get_hashed(struct intern_addrs *t, const struct flow_addr *a,
    uint64_t h)
{
	/* most addresses are in their home slot: that probe, and no more,
	 * is done here, so the common case saves no registers */
	uint32_t id = t->x.slot[(uint32_t)h & t->x.mask];

	if (id && memcmp(t->e[id].a.b, a->b, 16) == 0) {
		t->e[id].refs++;
		return id;
	}
	return addr_get_slow(t, a, h);
}

/* intern_addr_get_hashed past its first probe. */
static __attribute__((noinline)) uint32_t
addr_get_slow(struct intern_addrs *t, const struct flow_addr *a, uint64_t h)
{
	uint32_t id = addr_lookup(t, a, h);

	if (id) {
		t->e[id].refs++;
		return id;
	}
	id = ida_peek(&t->ids);
	if (id == UINT32_MAX || grow_array((void **)&t->e, &t->cap, id,
	    sizeof *t->e) < 0 || idx_reserve(&t->x, t, addr_hash_of) < 0)
		return 0;
	ida_take(&t->ids);
	t->e[id].a = *a;
	t->e[id].refs = 1;
	idx_place(&t->x, h, id);
	return id;
}

/* Take one more reference on a live id. */
void
intern_addr_ref(struct intern_addrs *t, uint32_t id)
{
	t->e[id].refs++;
}

/* Drop a reference; the slot is freed when none is left. */
void
intern_addr_unref(struct intern_addrs *t, uint32_t id)
{
	struct addr *e = &t->e[id];

	if (--e->refs)
		return;
	idx_remove(&t->x, intern_addr_hash(&e->a), id, t, addr_hash_of);
	ida_put(&t->ids, id);
}

/* The address of a live id. */
const struct flow_addr *
intern_addr_value(const struct intern_addrs *t, uint32_t id)
{
	return &t->e[id].a;
}

/* Reference count of an id (0 for a free or unknown id). */
uint32_t
intern_addr_refs(const struct intern_addrs *t, uint32_t id)
{
	return id && id < t->ids.limit ? t->e[id].refs : 0;
}

/* Number of live addresses. */
size_t
intern_addr_count(const struct intern_addrs *t)
{
	return t->ids.live;
}

/* One more than the highest id ever handed out. */
uint32_t
intern_addr_limit(const struct intern_addrs *t)
{
	return t->ids.limit;
}

/* Bytes allocated by the table. */
size_t
intern_addr_mem(const struct intern_addrs *t)
{
	return sizeof *t + (size_t)t->cap * sizeof *t->e +
	    ((size_t)t->x.mask + 1) * sizeof *t->x.slot +
	    (size_t)t->ids.capfree * sizeof *t->ids.free;
}

/* Check that every live id is found by its address. */
int
intern_addr_check(const struct intern_addrs *t)
{
	uint32_t i, live = 0, used = 0;

	for (i = 1; i < t->ids.limit; i++) {
		if (t->e[i].refs == 0)
			continue;
		live++;
		if (intern_addr_find(t, &t->e[i].a) != i)
			return -1;
	}
	for (i = 0; i <= t->x.mask; i++)
		used += t->x.slot[i] != 0;
	return live == t->ids.live && used == live ? 0 : -1;
}

/* ---- tuples ---- */

enum { TK_SYM, TK_ADDR, TK_NUM };

struct tup {
	uint64_t hash;
	uint64_t mask;
	uint64_t fbits[2];	/* the mask as bits of flow.present */
	uint64_t extra;
	uint64_t *vals;		/* n values, then the blob, one malloc */
	uint32_t bloblen;
	uint32_t refs;
	uint32_t gen;		/* times this id was freed */
};

struct intern_tuples {
	int n;
	uint64_t freed;		/* slots freed ever (ids recycled) */
	uint8_t field[INTERN_TUPLE_MAX];
	uint8_t kind[INTERN_TUPLE_MAX];
	int8_t pos[FIELD_COUNT];
	uint8_t fkind[FIELD_COUNT];	/* kind by field id (schema fields) */
	uint64_t fmask[2];	/* schema fields, as bits of flow.present */
	struct intern_syms *syms;
	struct intern_addrs *addrs;
	struct tup *e;
	uint32_t cap;
	struct idindex x;
	struct idalloc ids;
	unsigned char *scratch;
	size_t scratch_cap;
	size_t heapbytes;
};

/* Hash of a tuple id, for the index. */
static uint64_t
tup_hash_of(const void *owner, uint32_t id)
{
	return ((const struct intern_tuples *)owner)->e[id].hash;
}

/* Create a tuple table over n fields; NULL when out of memory. */
struct intern_tuples *
intern_tuples_new(const uint8_t *fields, int n, struct intern_syms *syms,
    struct intern_addrs *addrs)
{
	struct intern_tuples *t;
	int i;

	if (n <= 0 || n > INTERN_TUPLE_MAX)
		return NULL;
	t = calloc(1, sizeof *t);
	if (t == NULL)
		return NULL;
	t->scratch_cap = 1024;
	t->scratch = malloc(t->scratch_cap);
	if (t->scratch == NULL || idx_init(&t->x, 64) < 0) {
		free(t->scratch);
		free(t);
		return NULL;
	}
	t->n = n;
	t->syms = syms;
	t->addrs = addrs;
	t->ids.limit = 1;
	for (i = 0; i < FIELD_COUNT; i++)
		t->pos[i] = -1;
	for (i = 0; i < n; i++) {
		int type = field_table[fields[i]].type;

		t->field[i] = fields[i];
		t->pos[fields[i]] = (int8_t)i;
		t->fmask[fields[i] >> 6] |= (uint64_t)1 << (fields[i] & 63);
		t->kind[i] = type == FT_SYMBOL ? TK_SYM :
		    type == FT_ADDR ? TK_ADDR : TK_NUM;
		t->fkind[fields[i]] = t->kind[i];
	}
	return t;
}

/* Free a tuple table (the references it holds are not returned). */
void
intern_tuples_free(struct intern_tuples *t)
{
	uint32_t i;

	if (t == NULL)
		return;
	for (i = 1; i < t->ids.limit; i++)
		free(t->e[i].vals);
	free(t->e);
	free(t->x.slot);
	free(t->ids.free);
	free(t->scratch);
	free(t);
}

/* Make the scratch buffer hold at least n bytes; -1 on OOM. */
static int
scratch_fit(struct intern_tuples *t, size_t n)
{
	unsigned char *p;
	size_t cap = t->scratch_cap;

	if (n <= cap)
		return 0;
	while (cap < n)
		cap *= 2;
	p = realloc(t->scratch, cap);
	if (p == NULL)
		return -1;
	t->scratch = p;
	t->scratch_cap = cap;
	return 0;
}

/* Build the blob of f's selected fields in the scratch; returns its length,
 * 0 on OOM, and the presence mask in *maskp.  Fields go in field-id order,
 * visiting only the ones f has, so the cost follows what is present. */
static size_t
tup_blob(struct intern_tuples *t, const struct flow *f, uint64_t take,
    uint64_t extra, uint64_t *maskp)
{
	uint64_t mask = 0, bits;
	size_t off = 16;
	int w;

	for (w = 0; w < 2; w++)
		for (bits = f->present[w] & t->fmask[w]; bits;
		    bits &= bits - 1) {
			int id = w * 64 + __builtin_ctzll(bits);
			int i = t->pos[id];
			const union flow_val *v = &f->v[id];
			uint32_t len;

			if (!((take >> i) & 1))
				continue;
			mask |= (uint64_t)1 << i;
			switch (t->kind[i]) {
			case TK_SYM:
				len = v->s.len;
				if (scratch_fit(t, off + 4 + len) < 0)
					return 0;
				memcpy(t->scratch + off, &len, 4);
				memcpy(t->scratch + off + 4, v->s.p, len);
				off += 4 + len;
				break;
			case TK_ADDR:
				if (scratch_fit(t, off + 16) < 0)
					return 0;
				memcpy(t->scratch + off, v->a.b, 16);
				off += 16;
				break;
			default:
				if (scratch_fit(t, off + 8) < 0)
					return 0;
				memcpy(t->scratch + off, &v->u, 8);
				off += 8;
				break;
			}
		}
	memcpy(t->scratch, &extra, 8);
	memcpy(t->scratch + 8, &mask, 8);
	*maskp = mask;
	return off;
}

/* Release the symbol and address references of positions in mask. */
static void
tup_release(struct intern_tuples *t, const uint64_t *vals, uint64_t mask)
{
	for (; mask; mask &= mask - 1) {
		int i = __builtin_ctzll(mask);

		if (t->kind[i] == TK_SYM)
			intern_sym_unref(t->syms, (uint32_t)vals[i]);
		else if (t->kind[i] == TK_ADDR)
			intern_addr_unref(t->addrs, (uint32_t)vals[i]);
	}
}

/* Find or add the tuple of f's fields selected by take; takes a ref. */
uint32_t
intern_tuple_get(struct intern_tuples *t, const struct flow *f, uint64_t take,
    uint64_t extra, int *created)
{
	uint64_t mask, h, done, bits;
	size_t len = tup_blob(t, f, take, extra, &mask);
	uint32_t i, id;
	struct tup *e;
	uint64_t *vals;

	*created = -1;
	if (len == 0)
		return 0;
	*created = 0;
	if (mask == 0 && extra == 0)
		return 0;	/* empty selection: no tuple */
	h = intern_hash(t->scratch, len, 0x7e1e);
	for (i = (uint32_t)h & t->x.mask; (id = t->x.slot[i]) != 0;
	    i = (i + 1) & t->x.mask) {
		e = &t->e[id];
		if (e->hash == h && e->bloblen == len &&
		    memcmp(e->vals + t->n, t->scratch, len) == 0) {
			e->refs++;
			return id;
		}
	}
	*created = -1;
	id = ida_peek(&t->ids);
	if (id == UINT32_MAX || len > UINT32_MAX ||
	    grow_array((void **)&t->e, &t->cap, id, sizeof *t->e) < 0 ||
	    idx_reserve(&t->x, t, tup_hash_of) < 0)
		return 0;
	vals = malloc((size_t)t->n * 8 + len);
	if (vals == NULL)
		return 0;
	memset(vals, 0, (size_t)t->n * 8);
	memcpy(vals + t->n, t->scratch, len);
	done = 0;
	for (bits = mask; bits; bits &= bits - 1) {
		int k = __builtin_ctzll(bits);
		const union flow_val *v = &f->v[t->field[k]];

		if (t->kind[k] == TK_SYM)
			vals[k] = intern_sym_get(t->syms, v->s.p, v->s.len);
		else if (t->kind[k] == TK_ADDR)
			vals[k] = intern_addr_get(t->addrs, &v->a);
		else {
			vals[k] = v->u;
			continue;
		}
		if (vals[k] == 0) {
			tup_release(t, vals, done);
			free(vals);
			return 0;
		}
		done |= (uint64_t)1 << k;
	}
	ida_take(&t->ids);
	e = &t->e[id];
	e->hash = h;
	e->mask = mask;
	e->fbits[0] = e->fbits[1] = 0;
	for (bits = mask; bits; bits &= bits - 1) {
		int k = t->field[__builtin_ctzll(bits)];

		e->fbits[k >> 6] |= (uint64_t)1 << (k & 63);
	}
	e->extra = extra;
	e->vals = vals;
	e->bloblen = (uint32_t)len;
	e->refs = 1;
	idx_place(&t->x, h, id);
	t->heapbytes += (size_t)t->n * 8 + len + 16;
	*created = 1;
	return id;
}

/* Take one more reference on a live tuple. */
void
intern_tuple_ref(struct intern_tuples *t, uint32_t id)
{
	t->e[id].refs++;
}

/* Drop a reference; at zero the tuple releases its parts and its slot. */
void
intern_tuple_unref(struct intern_tuples *t, uint32_t id)
{
	struct tup *e = &t->e[id];

	if (--e->refs)
		return;
	idx_remove(&t->x, e->hash, id, t, tup_hash_of);
	tup_release(t, e->vals, e->mask);
	t->heapbytes -= (size_t)t->n * 8 + e->bloblen + 16;
	free(e->vals);
	e->vals = NULL;
	e->mask = 0;
	e->bloblen = 0;
	ida_put(&t->ids, id);
	e->gen++;
	t->freed++;
}

/* Generation of a tuple id (times it was freed). */
uint32_t
intern_tuple_gen(const struct intern_tuples *t, uint32_t id)
{
	return t->e[id].gen;
}

/* Take a reference on a live tuple id still of generation gen. */
uint32_t
intern_tuple_take(struct intern_tuples *t, uint32_t id, uint32_t gen)
{
	struct tup *e;

	if (id == 0 || id >= t->ids.limit)
		return 0;
	e = &t->e[id];
	if (e->refs == 0 || e->gen != gen)
		return 0;
	e->refs++;
	return id;
}

/* Presence mask (bit per schema position) of a live tuple. */
uint64_t
intern_tuple_mask(const struct intern_tuples *t, uint32_t id)
{
	return t->e[id].mask;
}

/* Extra word of a live tuple. */
uint64_t
intern_tuple_extra(const struct intern_tuples *t, uint32_t id)
{
	return t->e[id].extra;
}

/* Values of a live tuple, one per schema position (0 when absent). */
const uint64_t *
intern_tuple_vals(const struct intern_tuples *t, uint32_t id)
{
	return t->e[id].vals;
}

/* Schema position of field id, or -1 when the schema lacks it. */
int
intern_tuple_pos(const struct intern_tuples *t, int field)
{
	return field >= 0 && field < FIELD_COUNT ? t->pos[field] : -1;
}

/* Reference count of a tuple (0 for a free or unknown id). */
uint32_t
intern_tuple_refs(const struct intern_tuples *t, uint32_t id)
{
	return id && id < t->ids.limit ? t->e[id].refs : 0;
}

/* Number of live tuples. */
size_t
intern_tuple_count(const struct intern_tuples *t)
{
	return t->ids.live;
}

/* One more than the highest id ever handed out. */
uint32_t
intern_tuple_limit(const struct intern_tuples *t)
{
	return t->ids.limit;
}

/* Bytes allocated by the table. */
size_t
intern_tuple_mem(const struct intern_tuples *t)
{
	return sizeof *t + (size_t)t->cap * sizeof *t->e +
	    ((size_t)t->x.mask + 1) * sizeof *t->x.slot +
	    (size_t)t->ids.capfree * sizeof *t->ids.free + t->scratch_cap +
	    t->heapbytes;
}

/* Check that every live id is found by its blob. */
int
intern_tuple_check(const struct intern_tuples *t)
{
	uint32_t i, j, id, live = 0, used = 0;

	for (i = 1; i < t->ids.limit; i++) {
		const struct tup *e = &t->e[i];

		if (e->refs == 0)
			continue;
		live++;
		if (intern_hash(e->vals + t->n, e->bloblen, 0x7e1e) != e->hash)
			return -1;
		for (j = (uint32_t)e->hash & t->x.mask;
		    (id = t->x.slot[j]) != 0 && id != i; j = (j + 1) & t->x.mask)
			;
		if (id != i)
			return -1;
	}
	for (i = 0; i <= t->x.mask; i++)
		used += t->x.slot[i] != 0;
	return live == t->ids.live && used == live ? 0 : -1;
}

/* Number of symbol slots freed so far (an id may since mean another
 * string). */
uint64_t
intern_sym_freed(const struct intern_syms *t)
{
	return t->freed;
}

/* Number of tuple slots freed so far. */
uint64_t
intern_tuple_freed(const struct intern_tuples *t)
{
	return t->freed;
}
