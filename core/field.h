/*
 * field.h - the one table of every flow-log field vpctop knows.
 *
 * Every VPC flow log field of versions 2 through 11 and every Transit Gateway
 * (version 6) field has one entry: its AWS name, the version that introduced
 * it, its value type and the limits or names it accepts.  The parser, the
 * printers, CSV headers and JSON keys are all driven from this table; nothing
 * else in the program should know a field by anything but its id.
 */
#ifndef VPCTOP_FIELD_H
#define VPCTOP_FIELD_H

#include <stddef.h>
#include <stdint.h>

/* Field ids, in AWS table order: VPC fields v2..v11, then the TGW-only fields. */
enum field_id {
	F_VERSION, F_ACCOUNT_ID, F_INTERFACE_ID, F_SRCADDR, F_DSTADDR,
	F_SRCPORT, F_DSTPORT, F_PROTOCOL, F_PACKETS, F_BYTES, F_START, F_END,
	F_ACTION, F_LOG_STATUS,
	/* v3 */
	F_VPC_ID, F_SUBNET_ID, F_INSTANCE_ID, F_TCP_FLAGS, F_TYPE,
	F_PKT_SRCADDR, F_PKT_DSTADDR,
	/* v4 */
	F_REGION, F_AZ_ID, F_SUBLOCATION_TYPE, F_SUBLOCATION_ID,
	/* v5 */
	F_PKT_SRC_AWS_SERVICE, F_PKT_DST_AWS_SERVICE, F_FLOW_DIRECTION,
	F_TRAFFIC_PATH,
	/* v7 */
	F_ECS_CLUSTER_ARN, F_ECS_CLUSTER_NAME, F_ECS_CONTAINER_INSTANCE_ARN,
	F_ECS_CONTAINER_INSTANCE_ID, F_ECS_CONTAINER_ID,
	F_ECS_SECOND_CONTAINER_ID, F_ECS_SERVICE_NAME,
	F_ECS_TASK_DEFINITION_ARN, F_ECS_TASK_ARN, F_ECS_TASK_ID,
	/* v8, v9, v10 */
	F_REJECT_REASON, F_RESOURCE_ID, F_ENCRYPTION_STATUS,
	/* v11 */
	F_INSTANCE_TAG, F_INSTANCE_TAG_2, F_INTERFACE_TAG, F_INTERFACE_TAG_2,
	F_ASG_TAG, F_ASG_TAG_2, F_INTERFACE_TYPE, F_NEXT_HOP_INTERFACE_ID,
	F_NEXT_HOP_SUBNET_ID, F_NEXT_HOP_AZ_ID, F_NEXT_HOP_VPC_ID,
	F_NEXT_HOP_INTERFACE_TYPE,
	/* Transit Gateway flow logs (v6) */
	F_RESOURCE_TYPE, F_TGW_ID, F_TGW_ATTACHMENT_ID,
	F_TGW_SRC_VPC_ACCOUNT_ID, F_TGW_DST_VPC_ACCOUNT_ID,
	F_TGW_SRC_VPC_ID, F_TGW_DST_VPC_ID, F_TGW_SRC_SUBNET_ID,
	F_TGW_DST_SUBNET_ID, F_TGW_SRC_ENI, F_TGW_DST_ENI, F_TGW_SRC_AZ_ID,
	F_TGW_DST_AZ_ID, F_TGW_PAIR_ATTACHMENT_ID,
	F_PACKETS_LOST_NO_ROUTE, F_PACKETS_LOST_BLACKHOLE,
	F_PACKETS_LOST_MTU_EXCEEDED, F_PACKETS_LOST_TTL_EXPIRED,
	FIELD_COUNT
};

/* A format slot that holds a column vpctop does not know (CSV exports). */
#define FIELD_IGNORE 0xff

/* Value types; each decides how a value is parsed, stored and printed. */
enum field_type {
	FT_INT,		/* small integer with a range (version, protocol, ...) */
	FT_SYMBOL,	/* identifier kept as text (ids, names, account ids) */
	FT_ADDR,	/* IPv4 or IPv6 address */
	FT_PORT,	/* 0..65535 */
	FT_COUNTER,	/* unsigned 64-bit count */
	FT_TIME,	/* Unix seconds */
	FT_ENUM		/* one of a fixed list of words, stored as 1..n */
};

/* One row of the field table. */
struct field_info {
	const char *name;	/* AWS name with hyphens: "log-status" */
	uint8_t version;	/* version that introduced it (6 = TGW) */
	uint8_t type;		/* enum field_type */
	uint8_t tgw;		/* 1: field of Transit Gateway logs */
	uint8_t vpc;		/* 1: field of VPC flow logs */
	uint32_t min, max;	/* FT_INT range */
	const char *const *words; /* FT_ENUM names, NULL-terminated */
	const char *help;	/* one-line meaning, for --help-fields and the UI */
};

extern const struct field_info field_table[FIELD_COUNT];

/* Enum values as stored (index + 1 into the field's words; 0 is unused). */
enum { ACTION_ACCEPT = 1, ACTION_REJECT = 2 };
enum { STATUS_OK = 1, STATUS_NODATA = 2, STATUS_SKIPDATA = 3 };
enum { TYPE_IPV4 = 1, TYPE_IPV6 = 2, TYPE_EFA = 3 };
enum { DIR_INGRESS = 1, DIR_EGRESS = 2 };

/* Look a field up by name; hyphens and underscores are equivalent, case is
 * ignored, and a ${...} wrapper is accepted.  Returns -1 when unknown. */
int field_lookup(const char *name, size_t len);

/* Return the field's AWS name. */
const char *field_name(int id);

/* Return the enum word for value v of field id, or NULL when out of range. */
const char *field_enum_word(int id, unsigned v);

/* Match an enum word (case-insensitive); returns 1..n, or 0 when unknown. */
unsigned field_enum_value(int id, const char *s, size_t len);

#endif
