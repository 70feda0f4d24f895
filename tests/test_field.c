/*
 * test_field.c - the field table and the formats built from it.
 *
 * The counts below are AWS's: a format holding every field up to a version
 * has 14 (v2), 21 (v3), 25 (v4), 29 (v5), 39 (v7), 40 (v8), 41 (v9),
 * 42 (v10), 54 (v11) fields, and the Transit Gateway default has 36.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "field.h"
#include "format.h"

/* Every version's full format has AWS's field count. */
static void
test_version_counts(void **state)
{
	static const int want[][2] = {
		{ 2, 14 }, { 3, 21 }, { 4, 25 }, { 5, 29 }, { 6, 36 },
		{ 7, 39 }, { 8, 40 }, { 9, 41 }, { 10, 42 }, { 11, 54 }
	};
	struct format f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		assert_int_equal(format_version(&f, want[i][0]), 0);
		assert_int_equal(f.n, want[i][1]);
		assert_int_equal(f.version, want[i][0]);
	}
	assert_int_equal(format_version(&f, 1), -1);
	assert_int_equal(format_version(&f, 12), -1);
}

/* The v2 default order is the one AWS documents. */
static void
test_v2_order(void **state)
{
	static const char *names[] = { "version", "account-id",
	    "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
	    "protocol", "packets", "bytes", "start", "end", "action",
	    "log-status" };
	struct format f;
	int i;

	(void)state;
	format_version(&f, 2);
	for (i = 0; i < 14; i++)
		assert_string_equal(field_name(f.field[i]), names[i]);
}

/* v11 ends with the next-hop fields in the documented order. */
static void
test_v11_tail(void **state)
{
	struct format f;

	(void)state;
	format_version(&f, 11);
	assert_string_equal(field_name(f.field[39]), "reject-reason");
	assert_string_equal(field_name(f.field[40]), "resource-id");
	assert_string_equal(field_name(f.field[41]), "encryption-status");
	assert_string_equal(field_name(f.field[42]), "instance-tag");
	assert_string_equal(field_name(f.field[53]), "next-hop-interface-type");
	assert_string_equal(field_name(f.field[50]), "next-hop-subnet-id");
}

/* The TGW order starts and ends as the TGW guide lists it. */
static void
test_tgw_order(void **state)
{
	struct format f;

	(void)state;
	format_tgw(&f);
	assert_int_equal(f.n, 36);
	assert_int_equal(f.tgw, 1);
	assert_string_equal(field_name(f.field[1]), "resource-type");
	assert_string_equal(field_name(f.field[16]), "srcaddr");
	assert_string_equal(field_name(f.field[25]), "log-status");
	assert_string_equal(field_name(f.field[35]), "pkt-dst-aws-service");
	assert_int_equal(f.slot[F_ACTION], -1);
}

/* Names are looked up with hyphens, underscores, any case and ${}. */
static void
test_lookup(void **state)
{
	(void)state;
	assert_int_equal(field_lookup("log-status", 10), F_LOG_STATUS);
	assert_int_equal(field_lookup("log_status", 10), F_LOG_STATUS);
	assert_int_equal(field_lookup("LOG_STATUS", 10), F_LOG_STATUS);
	assert_int_equal(field_lookup("${pkt-srcaddr}", 14), F_PKT_SRCADDR);
	assert_int_equal(field_lookup("end", 3), F_END);
	assert_int_equal(field_lookup("en", 2), -1);
	assert_int_equal(field_lookup("ends", 4), -1);
	assert_int_equal(field_lookup("", 0), -1);
	assert_int_equal(field_lookup("${}", 3), -1);
	assert_int_equal(field_lookup("packets-lost-ttl-expired", 24),
	    F_PACKETS_LOST_TTL_EXPIRED);
}

/* Field names are unique and each field has a type and a help line. */
static void
test_table_sane(void **state)
{
	int i, j;

	(void)state;
	for (i = 0; i < FIELD_COUNT; i++) {
		assert_non_null(field_table[i].name);
		assert_non_null(field_table[i].help);
		assert_true(field_table[i].vpc || field_table[i].tgw);
		assert_int_equal(field_lookup(field_table[i].name,
		    strlen(field_table[i].name)), i);
		if (field_table[i].type == FT_ENUM)
			assert_non_null(field_table[i].words);
		for (j = 0; j < i; j++)
			assert_string_not_equal(field_table[i].name,
			    field_table[j].name);
	}
}

/* Enum words map to values and back. */
static void
test_enums(void **state)
{
	(void)state;
	assert_int_equal(field_enum_value(F_ACTION, "ACCEPT", 6), ACTION_ACCEPT);
	assert_int_equal(field_enum_value(F_ACTION, "reject", 6), ACTION_REJECT);
	assert_int_equal(field_enum_value(F_ACTION, "DROP", 4), 0);
	assert_int_equal(field_enum_value(F_LOG_STATUS, "SKIPDATA", 8),
	    STATUS_SKIPDATA);
	assert_int_equal(field_enum_value(F_TYPE, "IPv6", 4), TYPE_IPV6);
	assert_int_equal(field_enum_value(F_FLOW_DIRECTION, "egress", 6),
	    DIR_EGRESS);
	assert_int_equal(field_enum_value(F_SUBLOCATION_TYPE, "outpost", 7), 2);
	assert_string_equal(field_enum_word(F_ACTION, ACTION_REJECT), "REJECT");
	assert_string_equal(field_enum_word(F_TYPE, TYPE_EFA), "EFA");
	assert_null(field_enum_word(F_ACTION, 0));
	assert_null(field_enum_word(F_ACTION, 3));
	assert_null(field_enum_word(F_BYTES, 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_counts),
		cmocka_unit_test(test_v2_order),
		cmocka_unit_test(test_v11_tail),
		cmocka_unit_test(test_tgw_order),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_table_sane),
		cmocka_unit_test(test_enums),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
