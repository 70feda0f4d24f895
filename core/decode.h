/*
 * decode.h - values explained for people: tcp-flags names, traffic-path
 * meanings, protocol and service names, times.  Used by the record detail
 * pane; tables compiled in (no /etc/services lookups), so output is the
 * same on every machine.
 */
#ifndef VPCTOP_DECODE_H
#define VPCTOP_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* tcp-flags bits as names: "SYN", "SYN-ACK" (18), "FIN,SYN", "-" for 0;
 * bits above URG together as one hex number ("0x40", "SYN,0xc0").
 * Returns the length (snprintf-like). */
size_t decode_tcp_flags(unsigned flags, char *buf, size_t size);

/* Meaning of a traffic-path value 1-8 ("through an internet gateway"),
 * NULL for others. */
const char *decode_traffic_path(unsigned v);

/* Protocol name of an IANA number ("TCP", "UDP", "ICMP", "ICMPv6",
 * "GRE", "ESP", ...), NULL when not in the table. */
const char *decode_protocol(unsigned proto);

/* Service name of a well-known port for a protocol ("ssh", "https",
 * "rdp", "domain", ...), NULL when not in the table. */
const char *decode_service(unsigned port, unsigned proto);

/* A Unix time as "2024-05-01 12:00:03" in UTC (utc=1) or local time with
 * its zone abbreviation; returns the length. */
size_t decode_time(uint64_t t, int utc, char *buf, size_t size);

/* A duration in seconds as "45s", "3m20s", "2h05m", "3d04h". */
size_t decode_duration(uint64_t secs, char *buf, size_t size);

#endif
