/*
 * fuzz_ingest.c - libFuzzer target for the sources, envelopes and parser.
 *
 * The first input byte picks the -F mode (auto, v2, v5, v11, tgw or a
 * custom order); the rest is a source's bytes, read through the memory
 * source so gzip, long lines, CRLF, JSON and CSV envelopes are all reached.
 * Every accepted record is printed as JSON and as text into a null stream,
 * so the printers see every value the parser lets through.  Crashes found
 * are kept in tests/fuzz/regress/ and replayed by make check.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "format.h"
#include "ingest.h"
#include "output.h"
#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Print each record both ways. */
static void
on_record(void *ctx, const struct flow *f)
{
	struct output **o = ctx;

	output_record(o[0], f);
	output_record(o[1], f);
}

/* Feed one input through ingest and the printers. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	static const char *const specs[] = {
		"auto", "v2", "v5", "v11", "tgw",
		"instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr"
	};
	struct format fmt;
	struct output *o[2];
	struct ingest *in;
	struct source *src;
	char err[128];
	int forced;

	if (size < 1)
		return 0;
	if (null == NULL)
		null = fopen("/dev/null", "w");
	forced = format_from_spec(specs[data[0] % 6], &fmt, err, sizeof err);
	o[0] = output_new(null, OUTPUT_JSON);
	o[1] = output_new(null, OUTPUT_TEXT);
	in = ingest_new(forced == 1 ? &fmt : NULL, on_record, NULL, o);
	src = source_open_mem(data + 1, size - 1, "fuzz");
	if (in && src) {
		struct ingest_source *is = ingest_source_new(in, "fuzz");

		ingest_source_read(in, is, src, 0);
		ingest_source_free(is);
	}
	source_close(src);
	ingest_free(in);
	output_free(o[0]);
	output_free(o[1]);
	return 0;
}
