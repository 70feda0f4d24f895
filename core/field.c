/*
 * field.c - the field table.
 *
 * Rows follow the order of the AWS documentation's field table: this order
 * is also what the "vN" format names mean (every VPC field up to version N,
 * in table order) and what "tgw" means for Transit Gateway logs (see
 * format.c).  Enum words are the exact spelling AWS writes; matching is
 * case-insensitive, printing uses the table's spelling.
 */
#include "field.h"

#include <string.h>
#include <strings.h>

static const char *const action_words[] = { "ACCEPT", "REJECT", NULL };
static const char *const status_words[] = { "OK", "NODATA", "SKIPDATA", NULL };
static const char *const type_words[] = { "IPv4", "IPv6", "EFA", NULL };
static const char *const sublocation_words[] = {
	"wavelength", "outpost", "localzone", NULL
};
static const char *const direction_words[] = { "ingress", "egress", NULL };

#define VPC(n, v, t, h) { n, v, t, 0, 1, 0, 0, NULL, h }
#define VPCR(n, v, lo, hi, h) { n, v, FT_INT, 0, 1, lo, hi, NULL, h }
#define VPCE(n, v, w, h) { n, v, FT_ENUM, 0, 1, 0, 0, w, h }
#define BOTH(n, v, t, h) { n, v, t, 1, 1, 0, 0, NULL, h }
#define BOTHR(n, v, lo, hi, h) { n, v, FT_INT, 1, 1, lo, hi, NULL, h }
#define BOTHE(n, v, w, h) { n, v, FT_ENUM, 1, 1, 0, 0, w, h }
#define TGW(n, t, h) { n, 6, t, 1, 0, 0, 0, NULL, h }

const struct field_info field_table[FIELD_COUNT] = {
	[F_VERSION] = BOTHR("version", 2, 0, 255, "flow log version"),
	[F_ACCOUNT_ID] = BOTH("account-id", 2, FT_SYMBOL, "owner account of the interface"),
	[F_INTERFACE_ID] = VPC("interface-id", 2, FT_SYMBOL, "network interface (ENI)"),
	[F_SRCADDR] = BOTH("srcaddr", 2, FT_ADDR, "source address"),
	[F_DSTADDR] = BOTH("dstaddr", 2, FT_ADDR, "destination address"),
	[F_SRCPORT] = BOTH("srcport", 2, FT_PORT, "source port"),
	[F_DSTPORT] = BOTH("dstport", 2, FT_PORT, "destination port"),
	[F_PROTOCOL] = BOTHR("protocol", 2, 0, 255, "IANA protocol number"),
	[F_PACKETS] = BOTH("packets", 2, FT_COUNTER, "packets in the interval"),
	[F_BYTES] = BOTH("bytes", 2, FT_COUNTER, "bytes in the interval"),
	[F_START] = BOTH("start", 2, FT_TIME, "first packet, Unix seconds"),
	[F_END] = BOTH("end", 2, FT_TIME, "last packet, Unix seconds"),
	[F_ACTION] = VPCE("action", 2, action_words, "ACCEPT or REJECT"),
	[F_LOG_STATUS] = BOTHE("log-status", 2, status_words, "OK, NODATA or SKIPDATA"),
	[F_VPC_ID] = VPC("vpc-id", 3, FT_SYMBOL, "VPC of the interface"),
	[F_SUBNET_ID] = VPC("subnet-id", 3, FT_SYMBOL, "subnet of the interface"),
	[F_INSTANCE_ID] = VPC("instance-id", 3, FT_SYMBOL, "instance of the interface"),
	[F_TCP_FLAGS] = BOTHR("tcp-flags", 3, 0, 255, "OR of TCP flags (FIN 1, SYN 2, RST 4, SYN-ACK 18)"),
	[F_TYPE] = BOTHE("type", 3, type_words, "IPv4, IPv6 or EFA"),
	[F_PKT_SRCADDR] = VPC("pkt-srcaddr", 3, FT_ADDR, "packet-level source address"),
	[F_PKT_DSTADDR] = VPC("pkt-dstaddr", 3, FT_ADDR, "packet-level destination address"),
	[F_REGION] = BOTH("region", 4, FT_SYMBOL, "AWS Region"),
	[F_AZ_ID] = VPC("az-id", 4, FT_SYMBOL, "Availability Zone id"),
	[F_SUBLOCATION_TYPE] = VPCE("sublocation-type", 4, sublocation_words, "wavelength, outpost or localzone"),
	[F_SUBLOCATION_ID] = VPC("sublocation-id", 4, FT_SYMBOL, "sublocation id"),
	[F_PKT_SRC_AWS_SERVICE] = BOTH("pkt-src-aws-service", 5, FT_SYMBOL, "AWS service of pkt-srcaddr"),
	[F_PKT_DST_AWS_SERVICE] = BOTH("pkt-dst-aws-service", 5, FT_SYMBOL, "AWS service of pkt-dstaddr"),
	[F_FLOW_DIRECTION] = BOTHE("flow-direction", 5, direction_words, "ingress or egress"),
	[F_TRAFFIC_PATH] = VPCR("traffic-path", 5, 1, 8, "egress path code 1-8"),
	[F_ECS_CLUSTER_ARN] = VPC("ecs-cluster-arn", 7, FT_SYMBOL, "ECS cluster ARN"),
	[F_ECS_CLUSTER_NAME] = VPC("ecs-cluster-name", 7, FT_SYMBOL, "ECS cluster name"),
	[F_ECS_CONTAINER_INSTANCE_ARN] = VPC("ecs-container-instance-arn", 7, FT_SYMBOL, "ECS container instance ARN"),
	[F_ECS_CONTAINER_INSTANCE_ID] = VPC("ecs-container-instance-id", 7, FT_SYMBOL, "ECS container instance id"),
	[F_ECS_CONTAINER_ID] = VPC("ecs-container-id", 7, FT_SYMBOL, "first container's runtime id"),
	[F_ECS_SECOND_CONTAINER_ID] = VPC("ecs-second-container-id", 7, FT_SYMBOL, "second container's runtime id"),
	[F_ECS_SERVICE_NAME] = VPC("ecs-service-name", 7, FT_SYMBOL, "ECS service name"),
	[F_ECS_TASK_DEFINITION_ARN] = VPC("ecs-task-definition-arn", 7, FT_SYMBOL, "ECS task definition ARN"),
	[F_ECS_TASK_ARN] = VPC("ecs-task-arn", 7, FT_SYMBOL, "ECS task ARN"),
	[F_ECS_TASK_ID] = VPC("ecs-task-id", 7, FT_SYMBOL, "ECS task id"),
	[F_REJECT_REASON] = VPC("reject-reason", 8, FT_SYMBOL, "why traffic was rejected (BPA, EC)"),
	[F_RESOURCE_ID] = VPC("resource-id", 9, FT_SYMBOL, "resource not tied to an ENI (regional NAT)"),
	[F_ENCRYPTION_STATUS] = VPCR("encryption-status", 10, 0, 3, "0 clear, 1 Nitro, 2 application, 3 both"),
	[F_INSTANCE_TAG] = VPC("instance-tag", 11, FT_SYMBOL, "instance tag value"),
	[F_INSTANCE_TAG_2] = VPC("instance-tag-2", 11, FT_SYMBOL, "second instance tag value"),
	[F_INTERFACE_TAG] = VPC("interface-tag", 11, FT_SYMBOL, "interface tag value"),
	[F_INTERFACE_TAG_2] = VPC("interface-tag-2", 11, FT_SYMBOL, "second interface tag value"),
	[F_ASG_TAG] = VPC("asg-tag", 11, FT_SYMBOL, "Auto Scaling group tag value"),
	[F_ASG_TAG_2] = VPC("asg-tag-2", 11, FT_SYMBOL, "second Auto Scaling group tag value"),
	[F_INTERFACE_TYPE] = VPC("interface-type", 11, FT_SYMBOL, "type of the capturing interface"),
	[F_NEXT_HOP_INTERFACE_ID] = VPC("next-hop-interface-id", 11, FT_SYMBOL, "next-hop interface"),
	[F_NEXT_HOP_SUBNET_ID] = VPC("next-hop-subnet-id", 11, FT_SYMBOL, "next-hop subnet"),
	[F_NEXT_HOP_AZ_ID] = VPC("next-hop-az-id", 11, FT_SYMBOL, "next-hop Availability Zone id"),
	[F_NEXT_HOP_VPC_ID] = VPC("next-hop-vpc-id", 11, FT_SYMBOL, "next-hop VPC"),
	[F_NEXT_HOP_INTERFACE_TYPE] = VPC("next-hop-interface-type", 11, FT_SYMBOL, "next-hop interface type"),
	[F_RESOURCE_TYPE] = TGW("resource-type", FT_SYMBOL, "TransitGateway or TransitGatewayAttachment"),
	[F_TGW_ID] = TGW("tgw-id", FT_SYMBOL, "transit gateway"),
	[F_TGW_ATTACHMENT_ID] = TGW("tgw-attachment-id", FT_SYMBOL, "transit gateway attachment"),
	[F_TGW_SRC_VPC_ACCOUNT_ID] = TGW("tgw-src-vpc-account-id", FT_SYMBOL, "source VPC account"),
	[F_TGW_DST_VPC_ACCOUNT_ID] = TGW("tgw-dst-vpc-account-id", FT_SYMBOL, "destination VPC account"),
	[F_TGW_SRC_VPC_ID] = TGW("tgw-src-vpc-id", FT_SYMBOL, "source VPC"),
	[F_TGW_DST_VPC_ID] = TGW("tgw-dst-vpc-id", FT_SYMBOL, "destination VPC"),
	[F_TGW_SRC_SUBNET_ID] = TGW("tgw-src-subnet-id", FT_SYMBOL, "source subnet"),
	[F_TGW_DST_SUBNET_ID] = TGW("tgw-dst-subnet-id", FT_SYMBOL, "destination subnet"),
	[F_TGW_SRC_ENI] = TGW("tgw-src-eni", FT_SYMBOL, "source attachment ENI"),
	[F_TGW_DST_ENI] = TGW("tgw-dst-eni", FT_SYMBOL, "destination attachment ENI"),
	[F_TGW_SRC_AZ_ID] = TGW("tgw-src-az-id", FT_SYMBOL, "source Availability Zone id"),
	[F_TGW_DST_AZ_ID] = TGW("tgw-dst-az-id", FT_SYMBOL, "destination Availability Zone id"),
	[F_TGW_PAIR_ATTACHMENT_ID] = TGW("tgw-pair-attachment-id", FT_SYMBOL, "egress or ingress attachment"),
	[F_PACKETS_LOST_NO_ROUTE] = TGW("packets-lost-no-route", FT_COUNTER, "packets lost: no route"),
	[F_PACKETS_LOST_BLACKHOLE] = TGW("packets-lost-blackhole", FT_COUNTER, "packets lost: blackhole"),
	[F_PACKETS_LOST_MTU_EXCEEDED] = TGW("packets-lost-mtu-exceeded", FT_COUNTER, "packets lost: MTU exceeded"),
	[F_PACKETS_LOST_TTL_EXPIRED] = TGW("packets-lost-ttl-expired", FT_COUNTER, "packets lost: TTL expired"),
};

/* Compare a candidate name with a table name, folding '_' to '-' and case. */
static int
name_equal(const char *table, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (table[i] == '\0')
			return 0;
		if (c == '_')
			c = '-';
		else if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != table[i])
			return 0;
	}
	return table[len] == '\0';
}

/* Look a field up by name; hyphens and underscores are equivalent. */
int
field_lookup(const char *name, size_t len)
{
	int i;

	if (len > 3 && name[0] == '$' && name[1] == '{' && name[len - 1] == '}') {
		name += 2;
		len -= 3;
	}
	if (len == 0)
		return -1;
	for (i = 0; i < FIELD_COUNT; i++)
		if (name_equal(field_table[i].name, name, len))
			return i;
	return -1;
}

/* Return the field's AWS name. */
const char *
field_name(int id)
{
	if (id < 0 || id >= FIELD_COUNT)
		return "?";
	return field_table[id].name;
}

/* Return the enum word for value v of field id, or NULL when out of range. */
const char *
field_enum_word(int id, unsigned v)
{
	const char *const *w = field_table[id].words;
	unsigned i;

	if (w == NULL || v == 0)
		return NULL;
	for (i = 1; w[i - 1] != NULL; i++)
		if (i == v)
			return w[i - 1];
	return NULL;
}

/* Match an enum word (case-insensitive); returns 1..n, or 0 when unknown. */
unsigned
field_enum_value(int id, const char *s, size_t len)
{
	const char *const *w = field_table[id].words;
	unsigned i;

	if (w == NULL || len == 0)
		return 0;
	/* Exact spelling first: it is what AWS writes, and it is cheap. */
	for (i = 0; w[i] != NULL; i++)
		if (w[i][0] == s[0] && strncmp(w[i], s, len) == 0 &&
		    w[i][len] == '\0')
			return i + 1;
	for (i = 0; w[i] != NULL; i++)
		if (strlen(w[i]) == len && strncasecmp(w[i], s, len) == 0)
			return i + 1;
	return 0;
}
