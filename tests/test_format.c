/*
 * test_format.c - -F specifications, header lines and field-count defaults.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "field.h"
#include "format.h"

/* Version names, tgw and auto are understood; bad versions are refused. */
static void
test_spec_names(void **state)
{
	struct format f;
	char err[128];

	(void)state;
	assert_int_equal(format_from_spec("auto", &f, err, sizeof err), 0);
	assert_int_equal(format_from_spec("v2", &f, err, sizeof err), 1);
	assert_int_equal(f.n, 14);
	assert_int_equal(format_from_spec("v11", &f, err, sizeof err), 1);
	assert_int_equal(f.n, 54);
	assert_int_equal(format_from_spec("tgw", &f, err, sizeof err), 1);
	assert_int_equal(f.n, 36);
	assert_int_equal(format_from_spec("v6", &f, err, sizeof err), 1);
	assert_int_equal(f.n, 36);
	assert_int_equal(format_from_spec("v12", &f, err, sizeof err), -1);
	assert_non_null(strstr(err, "v2 to v11"));
	assert_int_equal(format_from_spec("v1", &f, err, sizeof err), -1);
}

/* Field lists in plain, comma, underscore and ${} forms give one format. */
static void
test_spec_lists(void **state)
{
	struct format a, b, c, d;
	char err[128];

	(void)state;
	assert_int_equal(format_from_spec("instance-id interface-id srcaddr "
	    "dstaddr pkt-srcaddr pkt-dstaddr", &a, err, sizeof err), 1);
	assert_int_equal(format_from_spec("${instance-id} ${interface-id} "
	    "${srcaddr} ${dstaddr} ${pkt-srcaddr} ${pkt-dstaddr}", &b, err,
	    sizeof err), 1);
	assert_int_equal(format_from_spec("instance_id,interface_id,srcaddr,"
	    "dstaddr,pkt_srcaddr,pkt_dstaddr", &c, err, sizeof err), 1);
	assert_int_equal(format_from_spec("srcaddr", &d, err, sizeof err), 1);
	assert_int_equal(a.n, 6);
	assert_true(format_equal(&a, &b));
	assert_true(format_equal(&a, &c));
	assert_int_equal(a.field[0], F_INSTANCE_ID);
	assert_int_equal(a.field[5], F_PKT_DSTADDR);
	assert_int_equal(a.slot[F_SRCADDR], 2);
	assert_int_equal(a.slot[F_BYTES], -1);
	assert_int_equal(a.version, 3);
	assert_int_equal(d.n, 1);
}

/* Unknown and repeated names in -F are errors that name the culprit. */
static void
test_spec_errors(void **state)
{
	struct format f;
	char err[128];

	(void)state;
	assert_int_equal(format_from_spec("srcaddr dstadr", &f, err,
	    sizeof err), -1);
	assert_string_equal(err, "unknown field 'dstadr'");
	assert_int_equal(format_from_spec("srcaddr srcaddr", &f, err,
	    sizeof err), -1);
	assert_string_equal(err, "field 'srcaddr' given twice");
	assert_int_equal(format_from_spec("  ,, ", &f, err, sizeof err), -1);
}

/* Header lines are recognised; record lines and prose are not. */
static void
test_header(void **state)
{
	static const char hdr[] = "version account-id interface-id srcaddr "
	    "dstaddr srcport dstport protocol packets bytes start end action "
	    "log-status";
	static const char rec[] = "2 123456789010 eni-1235b8ca123456789 "
	    "172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 "
	    "1418530070 ACCEPT OK";
	static const char prose[] = "Phony unsupported log format.";
	struct format f, v2;

	(void)state;
	format_version(&v2, 2);
	assert_int_equal(format_from_header(hdr, strlen(hdr), &f, 0), 0);
	assert_true(format_equal(&f, &v2));
	assert_int_equal(format_from_header(rec, strlen(rec), &f, 0), -1);
	assert_int_equal(format_from_header(prose, strlen(prose), &f, 0), -1);
	assert_int_equal(format_from_header("bogus!", 6, &f, 0), -1);
	/* With unknown columns allowed, two known names are needed. */
	assert_int_equal(format_from_header("srcaddr date dstaddr", 20, &f, 1), 0);
	assert_int_equal(f.n, 3);
	assert_int_equal(f.field[1], FIELD_IGNORE);
	assert_int_equal(format_from_header("srcaddr date", 12, &f, 1), -1);
}

/* Field counts pick the documented default orders. */
static void
test_by_count(void **state)
{
	(void)state;
	assert_int_equal(format_by_count(14)->n, 14);
	assert_int_equal(format_by_count(14)->version, 2);
	assert_int_equal(format_by_count(29)->version, 5);
	assert_int_equal(format_by_count(36)->tgw, 1);
	assert_int_equal(format_by_count(54)->version, 11);
	assert_null(format_by_count(13));
	assert_null(format_by_count(15));
	assert_null(format_by_count(0));
}

/* A format prints as a header line that reads back as the same format. */
static void
test_to_string(void **state)
{
	struct format f, g;
	char buf[2048];
	size_t n;

	(void)state;
	format_version(&f, 5);
	n = format_to_string(&f, buf, sizeof buf);
	assert_int_equal(n, strlen(buf));
	assert_int_equal(strncmp(buf, "version account-id interface-id", 31), 0);
	assert_int_equal(format_from_header(buf, n, &g, 0), 0);
	assert_true(format_equal(&f, &g));
	/* A small buffer is cut, never overrun. */
	n = format_to_string(&f, buf, 10);
	assert_int_equal(n, 9);
	assert_int_equal(strlen(buf), 9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_names),
		cmocka_unit_test(test_spec_lists),
		cmocka_unit_test(test_spec_errors),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_by_count),
		cmocka_unit_test(test_to_string),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
