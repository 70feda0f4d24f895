/*
 * test_decode.c - tcp-flags names, traffic-path meanings, protocol and
 * service names, times and durations, with exact strings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "decode.h"

/* Decode flags into a fresh buffer and check the text and its length. */
static void
check_flags(unsigned flags, const char *want)
{
	char buf[64];
	size_t n = decode_tcp_flags(flags, buf, sizeof buf);

	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

/* The values AWS reports, and every other bit decoded too. */
static void
test_tcp_flags(void **state)
{
	(void)state;
	check_flags(0, "-");
	check_flags(1, "FIN");
	check_flags(2, "SYN");
	check_flags(3, "FIN,SYN");
	check_flags(4, "RST");
	check_flags(7, "FIN,SYN,RST");
	check_flags(18, "SYN-ACK");
	check_flags(19, "FIN,SYN-ACK");
	check_flags(22, "SYN-ACK,RST");
	check_flags(8, "PSH");
	check_flags(16, "ACK");
	check_flags(17, "FIN,ACK");
	check_flags(24, "PSH,ACK");
	check_flags(32, "URG");
	check_flags(63, "FIN,SYN-ACK,RST,PSH,URG");
	check_flags(0x40, "0x40");
	check_flags(0xc2, "SYN,0xc0");
	check_flags(0xffffffffu, "FIN,SYN-ACK,RST,PSH,URG,0xffffffc0");
}

/* A short buffer truncates like snprintf and still reports the length. */
static void
test_tcp_flags_truncated(void **state)
{
	char buf[5];

	(void)state;
	assert_int_equal(decode_tcp_flags(19, buf, sizeof buf), 11);
	assert_string_equal(buf, "FIN,");
	assert_int_equal(decode_tcp_flags(19, NULL, 0), 11);
	assert_int_equal(decode_tcp_flags(0, buf, 1), 1);
	assert_string_equal(buf, "");
}

/* The eight traffic-path codes in the words of the AWS table. */
static void
test_traffic_path(void **state)
{
	(void)state;
	assert_null(decode_traffic_path(0));
	assert_string_equal(decode_traffic_path(1),
	    "through another resource in the same VPC");
	assert_string_equal(decode_traffic_path(2),
	    "through an internet gateway or a gateway VPC endpoint");
	assert_string_equal(decode_traffic_path(3),
	    "through a virtual private gateway");
	assert_string_equal(decode_traffic_path(4),
	    "through an intra-region VPC peering connection");
	assert_string_equal(decode_traffic_path(5),
	    "through an inter-region VPC peering connection");
	assert_string_equal(decode_traffic_path(6), "through a local gateway");
	assert_string_equal(decode_traffic_path(7),
	    "through a gateway VPC endpoint (Nitro-based instances only)");
	assert_string_equal(decode_traffic_path(8),
	    "through an internet gateway (Nitro-based instances only)");
	assert_null(decode_traffic_path(9));
	assert_null(decode_traffic_path(0xffffffffu));
}

/* IANA protocol numbers, first, last and missing ones included. */
static void
test_protocol(void **state)
{
	(void)state;
	assert_string_equal(decode_protocol(0), "HOPOPT");
	assert_string_equal(decode_protocol(1), "ICMP");
	assert_string_equal(decode_protocol(2), "IGMP");
	assert_string_equal(decode_protocol(6), "TCP");
	assert_string_equal(decode_protocol(17), "UDP");
	assert_string_equal(decode_protocol(47), "GRE");
	assert_string_equal(decode_protocol(50), "ESP");
	assert_string_equal(decode_protocol(51), "AH");
	assert_string_equal(decode_protocol(58), "ICMPv6");
	assert_string_equal(decode_protocol(132), "SCTP");
	assert_string_equal(decode_protocol(143), "Ethernet");
	assert_null(decode_protocol(3));
	assert_null(decode_protocol(144));
	assert_null(decode_protocol(255));
	assert_null(decode_protocol(65536));
}

/* Services per protocol: TCP only, UDP only, both, and none. */
static void
test_service(void **state)
{
	(void)state;
	assert_string_equal(decode_service(22, 6), "ssh");
	assert_string_equal(decode_service(3389, 6), "rdp");
	assert_string_equal(decode_service(443, 6), "https");
	assert_string_equal(decode_service(443, 17), "https");
	assert_string_equal(decode_service(80, 6), "http");
	assert_string_equal(decode_service(53, 6), "domain");
	assert_string_equal(decode_service(53, 17), "domain");
	assert_string_equal(decode_service(123, 17), "ntp");
	assert_null(decode_service(123, 6));
	assert_string_equal(decode_service(161, 17), "snmp");
	assert_null(decode_service(161, 6));
	assert_null(decode_service(22, 17));
	assert_string_equal(decode_service(3306, 6), "mysql");
	assert_string_equal(decode_service(5432, 6), "postgresql");
	assert_string_equal(decode_service(6379, 6), "redis");
	assert_string_equal(decode_service(9200, 6), "elasticsearch");
	assert_string_equal(decode_service(27017, 6), "mongodb");
	assert_string_equal(decode_service(445, 6), "microsoft-ds");
	assert_string_equal(decode_service(23, 6), "telnet");
	assert_string_equal(decode_service(25, 6), "smtp");
	assert_string_equal(decode_service(1433, 6), "ms-sql-s");
	assert_string_equal(decode_service(2049, 6), "nfs");
	assert_string_equal(decode_service(2049, 17), "nfs");
	assert_string_equal(decode_service(8080, 6), "http-alt");
	assert_string_equal(decode_service(5439, 6), "redshift");
	assert_string_equal(decode_service(11211, 6), "memcached");
	assert_string_equal(decode_service(11211, 17), "memcached");
	assert_string_equal(decode_service(20, 6), "ftp-data");
	assert_null(decode_service(22, 1));
	assert_null(decode_service(22, 132));
	assert_null(decode_service(0, 6));
	assert_null(decode_service(65535, 6));
	assert_null(decode_service(31337, 6));
}

/* The service table is sorted without duplicates: all 83 entries found. */
static void
test_service_table(void **state)
{
	unsigned port, n = 0;

	(void)state;
	for (port = 0; port < 65536; port++)
		if (decode_service(port, 6) || decode_service(port, 17))
			n++;
	assert_int_equal(n, 83);
}

/* UTC, local time with its zone (POSIX TZ strings need no tzdata). */
static void
test_time(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(decode_time(1714564803, 1, buf, sizeof buf), 19);
	assert_string_equal(buf, "2024-05-01 12:00:03");
	assert_int_equal(decode_time(0, 1, buf, sizeof buf), 19);
	assert_string_equal(buf, "1970-01-01 00:00:00");
	setenv("TZ", "JST-9", 1);
	tzset();
	assert_int_equal(decode_time(1714564803, 0, buf, sizeof buf), 23);
	assert_string_equal(buf, "2024-05-01 21:00:03 JST");
	setenv("TZ", "EST5EDT,M3.2.0,M11.1.0", 1);
	tzset();
	decode_time(1714564803, 0, buf, sizeof buf);
	assert_string_equal(buf, "2024-05-01 08:00:03 EDT");
	decode_time(1704110400, 0, buf, sizeof buf);
	assert_string_equal(buf, "2024-01-01 07:00:00 EST");
	assert_int_equal(decode_time(1714564803, 1, buf, 11), 19);
	assert_string_equal(buf, "2024-05-01");
	/* A time no calendar can show comes out as the number. */
	assert_int_equal(decode_time(UINT64_MAX, 1, buf, sizeof buf), 20);
	assert_string_equal(buf, "18446744073709551615");
}

/* Durations in the four shapes, at their edges. */
static void
test_duration(void **state)
{
	static const struct {
		uint64_t s;
		const char *want;
	} c[] = {
		{ 0, "0s" }, { 45, "45s" }, { 59, "59s" }, { 60, "1m00s" },
		{ 200, "3m20s" }, { 3599, "59m59s" }, { 3600, "1h00m" },
		{ 7500, "2h05m" }, { 86399, "23h59m" }, { 86400, "1d00h" },
		{ 273600, "3d04h" }, { 864000000, "10000d00h" },
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		size_t n = decode_duration(c[i].s, buf, sizeof buf);

		assert_string_equal(buf, c[i].want);
		assert_int_equal(n, strlen(c[i].want));
	}
	assert_int_equal(decode_duration(200, buf, 3), 5);
	assert_string_equal(buf, "3m");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_flags),
		cmocka_unit_test(test_tcp_flags_truncated),
		cmocka_unit_test(test_traffic_path),
		cmocka_unit_test(test_protocol),
		cmocka_unit_test(test_service),
		cmocka_unit_test(test_service_table),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_duration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
