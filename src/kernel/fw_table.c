// SPDX-License-Identifier: GPL-2.0-or-later
/* fw_table.c - netd's nftables table: the whole skeleton replaced in one atomic batch */
#include "config.h"

#include <errno.h>
#include <netinet/in.h> /* before the uapi headers, which defer to it */
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "fw_int.h"

/* a rule under construction; the first allocation failure is remembered, checked once */
struct rb {
	struct nftnl_rule *r;
	bool oom;
};

static void rb_add(struct rb *rb, struct nftnl_expr *e)
{
	if (!e) {
		rb->oom = true;
		return;
	}
	nftnl_rule_add_expr(rb->r, e);
}

static void meta(struct rb *rb, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, dreg);
	}
	rb_add(rb, e);
}

static void payload(struct rb *rb, uint32_t base, uint32_t offset, uint32_t len, uint32_t dreg)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, dreg);
	}
	rb_add(rb, e);
}

static void cmp(struct rb *rb, uint32_t sreg, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, sreg);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	}
	rb_add(rb, e);
}

static void lookup(struct rb *rb, uint32_t sreg, const char *set, bool invert)
{
	struct nftnl_expr *e = nftnl_expr_alloc("lookup");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, sreg);
		nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
		if (invert)
			nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
	}
	rb_add(rb, e);
}

/* (ct key & mask) != 0 */
/* ct KEY & MASK != 0, or == 0 with @unset */
static void ct_bits_is(struct rb *rb, uint32_t key, uint32_t mask, bool unset)
{
	struct nftnl_expr *e = nftnl_expr_alloc("ct");
	uint32_t zero = 0;

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	}
	rb_add(rb, e);
	e = nftnl_expr_alloc("bitwise");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, sizeof(uint32_t));
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &mask, sizeof(mask));
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, sizeof(zero));
	}
	rb_add(rb, e);
	cmp(rb, NFT_REG_1, unset ? NFT_CMP_EQ : NFT_CMP_NEQ, &zero, sizeof(zero));
}

static void ct_bits(struct rb *rb, uint32_t key, uint32_t mask)
{
	ct_bits_is(rb, key, mask, false);
}

/* every rule counts what it matched: the counter goes before the statement that ends it */
static void verdict(struct rb *rb, int v)
{
	struct nftnl_expr *e;

	rb_add(rb, nftnl_expr_alloc("counter"));
	e = nftnl_expr_alloc("immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)v);
	}
	rb_add(rb, e);
}

static void simple(struct rb *rb, const char *name)
{
	rb_add(rb, nftnl_expr_alloc(name));
}

static void nfproto(struct rb *rb, uint8_t proto)
{
	meta(rb, NFT_META_NFPROTO, NFT_REG_1);
	cmp(rb, NFT_REG_1, NFT_CMP_EQ, &proto, sizeof(proto));
}

static void iface_in(struct rb *rb, uint32_t key, const char *set, bool invert)
{
	meta(rb, key, NFT_REG_1);
	lookup(rb, NFT_REG_1, set, invert);
}

static void fib_local(struct rb *rb)
{
	struct nftnl_expr *e = nftnl_expr_alloc("fib");
	uint32_t local = RTN_LOCAL;

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG32_15);
	}
	rb_add(rb, e);
	cmp(rb, NFT_REG32_15, NFT_CMP_EQ, &local, sizeof(local));
}

/* dnat to the address in @reg_addr, and the port in @reg_port unless it is 0 (port kept) */
static void dnat(struct rb *rb, uint32_t family, uint32_t reg_addr, uint32_t reg_port)
{
	struct nftnl_expr *e = nftnl_expr_alloc("nat");

	rb_add(rb, nftnl_expr_alloc("counter"));
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, family);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, reg_addr);
		if (reg_port) {
			nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, reg_port);
			nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FLAGS,
					   NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED);
		} else {
			nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FLAGS, NF_NAT_RANGE_MAP_IPS);
		}
	}
	rb_add(rb, e);
}

/* l4proto and th dport into two 32-bit registers from @reg on: the key of the port maps */
static void proto_port(struct rb *rb, uint32_t reg)
{
	meta(rb, NFT_META_L4PROTO, reg);
	payload(rb, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, reg + 1);
}

static void map_lookup(struct rb *rb, uint32_t sreg, const char *map, uint32_t dreg)
{
	struct nftnl_expr *e = nftnl_expr_alloc("lookup");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, sreg);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG, dreg);
		nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, map);
	}
	rb_add(rb, e);
}

typedef void (*rule_fn)(struct rb *rb, unsigned int arg);

/* forward: established first; then what stays on its bridge; internal networks are closed;
 * no traffic between two netd networks; into containers only what NAT sent there */
static void r_fwd_established(struct rb *rb, unsigned int arg)
{
	ct_bits(rb, NFT_CT_STATE,
		NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED));
	verdict(rb, NF_ACCEPT);
}

static void r_fwd_same_bridge(struct rb *rb, unsigned int arg)
{
	meta(rb, NFT_META_IIFNAME, NFT_REG32_00);
	meta(rb, NFT_META_OIFNAME, NFT_REG32_04);
	lookup(rb, NFT_REG32_00, FW_SET_BR_SAME, false);
	verdict(rb, NF_ACCEPT);
}

static void r_fwd_internal_in(struct rb *rb, unsigned int arg)
{
	iface_in(rb, NFT_META_IIFNAME, FW_SET_INTERNAL, false);
	verdict(rb, NF_DROP);
}

static void r_fwd_internal_out(struct rb *rb, unsigned int arg)
{
	iface_in(rb, NFT_META_OIFNAME, FW_SET_INTERNAL, false);
	verdict(rb, NF_DROP);
}

static void r_fwd_isolation(struct rb *rb, unsigned int arg)
{
	iface_in(rb, NFT_META_IIFNAME, FW_SET_BRIDGES, false);
	iface_in(rb, NFT_META_OIFNAME, FW_SET_BRIDGES, false);
	verdict(rb, NF_DROP);
}

static void r_fwd_dnat_in(struct rb *rb, unsigned int arg)
{
	iface_in(rb, NFT_META_OIFNAME, FW_SET_BRIDGES, false);
	ct_bits(rb, NFT_CT_STATUS, IPS_DST_NAT);
	verdict(rb, NF_ACCEPT);
}

static void r_fwd_no_direct_in(struct rb *rb, unsigned int arg)
{
	iface_in(rb, NFT_META_OIFNAME, FW_SET_BRIDGES, false);
	verdict(rb, NF_DROP);
}

/*
 * dnat: published ports, one map lookup per family and kind of binding. Only traffic for this
 * host: a bound address is one of its own by construction, the others must be local (fib).
 * Locally generated traffic to loopback is left to the host's own socket (the userland
 * proxy's job): DNAT cannot send 127.0.0.1 to a container.
 */
/* a transport protocol with ports first: nft prints a port mapping only after one */
static void l4_with_ports(struct rb *rb)
{
	meta(rb, NFT_META_L4PROTO, NFT_REG_1);
	lookup(rb, NFT_REG_1, FW_SET_L4PROTOS, false);
}

static void not_loopback4(struct rb *rb)
{
	uint8_t net = 127;

	payload(rb, NFT_PAYLOAD_NETWORK_HEADER, 16, 1, NFT_REG_1);
	cmp(rb, NFT_REG_1, NFT_CMP_NEQ, &net, sizeof(net));
}

static void loopback4(struct rb *rb)
{
	uint8_t net = 127;

	payload(rb, NFT_PAYLOAD_NETWORK_HEADER, 16, 1, NFT_REG_1);
	cmp(rb, NFT_REG_1, NFT_CMP_EQ, &net, sizeof(net));
}

static void not_loopback6(struct rb *rb)
{
	struct in6_addr lo = IN6ADDR_LOOPBACK_INIT;

	payload(rb, NFT_PAYLOAD_NETWORK_HEADER, 24, 16, NFT_REG_1);
	cmp(rb, NFT_REG_1, NFT_CMP_NEQ, &lo, sizeof(lo));
}

/*
 * One rule per map: PUB_V6 picks the family, PUB_BOUND the maps keyed by address too, PUB_SAME
 * the maps of ports published on their own number (data: the address alone, so DNAT keeps the
 * port and a whole range is one element), PUB_OUTPUT leaves loopback to the host's socket.
 */
static void r_pub(struct rb *rb, unsigned int v)
{
	bool v6 = v & PUB_V6;
	uint32_t addr_regs = v6 ? 4 : 1, key = NFT_REG32_00;

	nfproto(rb, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
	l4_with_ports(rb);
	/* ::1 cannot leave the host even with DNAT: IPv6 loopback needs the proxy in any case */
	if (v & PUB_LO) {
		loopback4(rb);
		proto_port(rb, NFT_REG32_00);
		lookup(rb, NFT_REG32_00, FW_SET_LO4, false);
	} else if (v & PUB_OUTPUT) {
		if (v6)
			not_loopback6(rb);
		else if (!(v & PUB_LOOPBACK))
			not_loopback4(rb);
	}
	if (v & PUB_BOUND) {
		payload(rb, NFT_PAYLOAD_NETWORK_HEADER, v6 ? 24 : 16, v6 ? 16 : 4, NFT_REG32_00);
		proto_port(rb, NFT_REG32_00 + addr_regs);
	} else {
		fib_local(rb);
		proto_port(rb, NFT_REG32_00);
	}
	map_lookup(rb, key, fw_port_map_name(v & (PUB_V6 | PUB_BOUND | PUB_SAME)), NFT_REG32_00);
	dnat(rb, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4, NFT_REG32_00,
	     v & PUB_SAME ? 0 : NFT_REG32_00 + addr_regs);
}

/* ct original KEY into @dreg: a field of the connection as its first packet had it */
static void ct_original(struct rb *rb, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *e = nftnl_expr_alloc("ct");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
		nftnl_expr_set_u8(e, NFTNL_EXPR_CT_DIR, IP_CT_DIR_ORIGINAL);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, dreg);
	}
	rb_add(rb, e);
}

/*
 * Traffic of published ports, counted by the elements of the port maps (which carry a
 * counter each): DNAT's lookup counts a connection's first packet, this rule every later one,
 * both ways, by the key the first packet had (its original destination). It only looks up:
 * no verdict, so the chain goes on. Local clients' DNAT'd connections do not cross forward:
 * only their first packet counts; proxied ones have the proxy's counters.
 */
static void r_pub_count(struct rb *rb, unsigned int v)
{
	bool v6 = v & PUB_V6;
	uint32_t key = NFT_REG32_00, next = NFT_REG32_00;

	/* most forwarded traffic is not DNAT'd: that test first, so it costs them three exprs */
	ct_bits(rb, NFT_CT_STATUS, IPS_DST_NAT);
	nfproto(rb, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
	ct_bits(rb, NFT_CT_STATE, NF_CT_STATE_BIT(IP_CT_ESTABLISHED));
	if (v & PUB_BOUND) {
		ct_original(rb, v6 ? NFT_CT_DST_IP6 : NFT_CT_DST_IP, NFT_REG32_00);
		next += v6 ? 4 : 1;
	}
	meta(rb, NFT_META_L4PROTO, next);
	ct_original(rb, NFT_CT_PROTO_DST, next + 1);
	lookup(rb, key, fw_port_map_name(v & (PUB_V6 | PUB_BOUND | PUB_SAME)), false);
}

/* ip saddr @masq4, or ip6 saddr @masq6: the source is a container of a masqueraded network */
static void saddr_masqueraded(struct rb *rb, bool v6)
{
	payload(rb, NFT_PAYLOAD_NETWORK_HEADER, v6 ? 8 : 12, v6 ? 16 : 4, NFT_REG_1);
	lookup(rb, NFT_REG_1, v6 ? FW_SET_MASQ6 : FW_SET_MASQ4, false);
}

/* hairpin: a container reaching a published port through the host comes back on a bridge;
 * masquerade it so the answer goes back the same way (@v6: PUB_V6 or 0) */
static void r_hairpin(struct rb *rb, unsigned int v6)
{
	nfproto(rb, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
	ct_bits(rb, NFT_CT_STATUS, IPS_DST_NAT);
	iface_in(rb, NFT_META_OIFNAME, FW_SET_BRIDGES, false);
	saddr_masqueraded(rb, v6);
	simple(rb, "counter");
	simple(rb, "masq");
}

/* without the userland proxy, 127.0.0.1 DNAT'd to a container: give it the bridge's address */
static void r_loopback_masq(struct rb *rb, unsigned int arg)
{
	uint8_t net = 127;

	nfproto(rb, NFPROTO_IPV4);
	ct_bits(rb, NFT_CT_STATUS, IPS_DST_NAT);
	payload(rb, NFT_PAYLOAD_NETWORK_HEADER, 12, 1, NFT_REG_1);
	cmp(rb, NFT_REG_1, NFT_CMP_EQ, &net, sizeof(net));
	iface_in(rb, NFT_META_OIFNAME, FW_SET_BRIDGES, false);
	simple(rb, "counter");
	simple(rb, "masq");
}

/*
 * route_localnet lets the bridges route 127.0.0.0/8: drop what a container sends there itself
 * (the class of CVE-2020-8558); replies of DNAT'd loopback connections pass
 */
static void r_loopback_guard(struct rb *rb, unsigned int arg)
{
	uint8_t net = 127;

	nfproto(rb, NFPROTO_IPV4);
	iface_in(rb, NFT_META_IIFNAME, FW_SET_BRIDGES, false);
	payload(rb, NFT_PAYLOAD_NETWORK_HEADER, 16, 1, NFT_REG_1);
	cmp(rb, NFT_REG_1, NFT_CMP_EQ, &net, sizeof(net));
	ct_bits_is(rb, NFT_CT_STATUS, IPS_DST_NAT, true);
	verdict(rb, NF_DROP);
}

/* postrouting: containers' traffic leaving through anything but a netd bridge */
static void r_masq(struct rb *rb, unsigned int v6)
{
	nfproto(rb, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
	saddr_masqueraded(rb, v6);
	iface_in(rb, NFT_META_OIFNAME, FW_SET_BRIDGES, true);
	simple(rb, "counter");
	simple(rb, "masq");
}

struct rule_def {
	rule_fn fn;
	unsigned int arg;
};

struct chain_def {
	const char *name;
	const char *type;
	uint32_t hook;
	int32_t prio;
	const struct rule_def *rules;
	size_t n_rules;
};

/* published ports are reachable from other networks too: DNAT'd traffic passes isolation */
#define COUNT_RULES                                                                            \
	{ r_pub_count, 0 }, { r_pub_count, PUB_SAME }, { r_pub_count, PUB_BOUND },             \
		{ r_pub_count, PUB_BOUND | PUB_SAME }, { r_pub_count, PUB_V6 },                \
		{ r_pub_count, PUB_V6 | PUB_SAME }, { r_pub_count, PUB_V6 | PUB_BOUND },       \
	{                                                                                      \
		r_pub_count, PUB_V6 | PUB_BOUND | PUB_SAME                                     \
	}

static const struct rule_def forward_rules[] = {
	COUNT_RULES,
	{ r_fwd_established },	{ r_fwd_same_bridge }, { r_fwd_internal_in },
	{ r_fwd_internal_out }, { r_fwd_dnat_in },     { r_fwd_isolation },
	{ r_fwd_no_direct_in },
};

#define PUB_RULES(out)                                                                           \
	{ r_pub, PUB_BOUND | (out) }, { r_pub, PUB_BOUND | PUB_SAME | (out) }, { r_pub, (out) }, \
		{ r_pub, PUB_SAME | (out) }, { r_pub, PUB_V6 | PUB_BOUND | (out) },              \
		{ r_pub, PUB_V6 | PUB_BOUND | PUB_SAME | (out) }, { r_pub, PUB_V6 | (out) },     \
	{                                                                                        \
		r_pub, PUB_V6 | PUB_SAME | (out)                                                 \
	}

static const struct rule_def prerouting_rules[] = { PUB_RULES(0) };
/* the ports nobody holds for the proxy (lo4) are DNAT'd on 127.0.0.0/8 as well */
#define LO_RULES                                                       \
	{ r_pub, PUB_OUTPUT | PUB_LO | PUB_BOUND },                    \
		{ r_pub, PUB_OUTPUT | PUB_LO | PUB_BOUND | PUB_SAME }, \
		{ r_pub, PUB_OUTPUT | PUB_LO },                        \
	{                                                              \
		r_pub, PUB_OUTPUT | PUB_LO | PUB_SAME                  \
	}

static const struct rule_def output_rules[] = { PUB_RULES(PUB_OUTPUT), LO_RULES };
static const struct rule_def output_rules_loopback[] = { PUB_RULES(PUB_OUTPUT | PUB_LOOPBACK) };
static const struct rule_def postrouting_rules[] = {
	{ r_masq, 0 },	       { r_masq, PUB_V6 },     { r_hairpin, 0 },
	{ r_hairpin, PUB_V6 }, { r_loopback_masq, 0 },
};
static const struct rule_def input_rules[] = { { r_loopback_guard, 0 } };

static const struct chain_def chains[] = {
	{ "prerouting", "nat", NF_INET_PRE_ROUTING, -100, prerouting_rules,
	  ARRAY_SIZE(prerouting_rules) },
	{ "output", "nat", NF_INET_LOCAL_OUT, -100, output_rules, ARRAY_SIZE(output_rules) },
	{ "forward", "filter", NF_INET_FORWARD, 0, forward_rules, ARRAY_SIZE(forward_rules) },
	{ "postrouting", "nat", NF_INET_POST_ROUTING, 100, postrouting_rules,
	  ARRAY_SIZE(postrouting_rules) },
	{ "input", "filter", NF_INET_LOCAL_IN, 0, input_rules, ARRAY_SIZE(input_rules) },
};

struct set_def {
	const char *name;
	uint32_t key_type;
	uint32_t key_len;
	uint32_t flags;
	bool host_order; /* ifname keys: nft prints them only when told their byte order */
	uint32_t data_type;
	uint32_t data_len;
	uint8_t fields[3]; /* byte length of each field of a concatenated interval key */
};

#define T2(a, b) ((a) << FW_TYPE_CONCAT_SHIFT | (b))
#define T3(a, b, c) ((a) << (2 * FW_TYPE_CONCAT_SHIFT) | T2(b, c))
#define PUB_FLAGS (NFT_SET_MAP | NFT_SET_INTERVAL | NFT_SET_CONCAT)

#define KEY_PORT T2(FW_TYPE_INET_PROTO, FW_TYPE_INET_SERVICE), 8
#define KEY_IP4_PORT T3(FW_TYPE_IPV4_ADDR, FW_TYPE_INET_PROTO, FW_TYPE_INET_SERVICE), 12
#define KEY_IP6_PORT T3(FW_TYPE_IPV6_ADDR, FW_TYPE_INET_PROTO, FW_TYPE_INET_SERVICE), 24
#define DATA_IP4_PORT T2(FW_TYPE_IPV4_ADDR, FW_TYPE_INET_SERVICE), 8
#define DATA_IP6_PORT T2(FW_TYPE_IPV6_ADDR, FW_TYPE_INET_SERVICE), 20

/* indexed like fw_port_map_index(): PUB_V6, PUB_BOUND, PUB_SAME */
static const struct set_def maps[FW_N_MAPS] = {
	/* ports mapped to another number hold one port per element: plain hash maps, O(1) */
	{ NULL, KEY_PORT, NFT_SET_MAP, false, DATA_IP4_PORT, { 0 } },
	{ NULL, KEY_PORT, NFT_SET_MAP, false, DATA_IP6_PORT, { 0 } },
	{ NULL, KEY_IP4_PORT, NFT_SET_MAP, false, DATA_IP4_PORT, { 0 } },
	{ NULL, KEY_IP6_PORT, NFT_SET_MAP, false, DATA_IP6_PORT, { 0 } },
	/* ports on their own number may be ranges: interval maps (the kernel's pipapo) */
	{ NULL, KEY_PORT, PUB_FLAGS, false, FW_TYPE_IPV4_ADDR, 4, { 1, 2 } },
	{ NULL, KEY_PORT, PUB_FLAGS, false, FW_TYPE_IPV6_ADDR, 16, { 1, 2 } },
	{ NULL, KEY_IP4_PORT, PUB_FLAGS, false, FW_TYPE_IPV4_ADDR, 4, { 4, 1, 2 } },
	{ NULL, KEY_IP6_PORT, PUB_FLAGS, false, FW_TYPE_IPV6_ADDR, 16, { 16, 1, 2 } },
};

static const struct set_def sets[7] = {
	{ FW_SET_BRIDGES, FW_TYPE_IFNAME, IFNAMSIZ, 0, true },
	/* a hash set takes a concatenated key as it is; NFT_SET_CONCAT is for intervals */
	{ FW_SET_BR_SAME, FW_TYPE_IFNAME << FW_TYPE_CONCAT_SHIFT | FW_TYPE_IFNAME, 2 * IFNAMSIZ,
	  0 },
	{ FW_SET_INTERNAL, FW_TYPE_IFNAME, IFNAMSIZ, 0, true },
	{ FW_SET_MASQ4, FW_TYPE_IPV4_ADDR, 4, NFT_SET_INTERVAL },
	{ FW_SET_MASQ6, FW_TYPE_IPV6_ADDR, 16, NFT_SET_INTERVAL },
	{ FW_SET_L4PROTOS, FW_TYPE_INET_PROTO, 1, 0 },
	{ FW_SET_LO4,
	  T2(FW_TYPE_INET_PROTO, FW_TYPE_INET_SERVICE),
	  8,
	  NFT_SET_INTERVAL | NFT_SET_CONCAT,
	  false,
	  0,
	  0,
	  { 1, 2 } },
};

static int add_table(struct fw_batch *b, uint16_t type, uint16_t flags, const char *what)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	if (!t)
		return -ENOMEM;
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	if (nftnl_table_set_str(t, NFTNL_TABLE_NAME, b->fw->table) < 0 ||
	    !(nlh = fw_batch_cmd(b, type, flags, what))) {
		nftnl_table_free(t);
		return -ENOMEM;
	}
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	return 0;
}

static int add_chain(struct fw_batch *b, const struct chain_def *def)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;
	int r = -ENOMEM;

	if (!c)
		return -ENOMEM;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, def->hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, def->prio);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	if (nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, b->fw->table) == 0 &&
	    nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, def->name) == 0 &&
	    nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, def->type) == 0 &&
	    (nlh = fw_batch_cmd(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, "add chain"))) {
		nftnl_chain_nlmsg_build_payload(nlh, c);
		r = 0;
	}
	nftnl_chain_free(c);
	return r;
}

static int add_rule(struct fw_batch *b, const char *chain, const struct rule_def *def)
{
	struct rb rb = { .r = nftnl_rule_alloc() };
	struct nlmsghdr *nlh;
	int r = -ENOMEM;

	if (!rb.r)
		return -ENOMEM;
	nftnl_rule_set_u32(rb.r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	if (nftnl_rule_set_str(rb.r, NFTNL_RULE_TABLE, b->fw->table) < 0 ||
	    nftnl_rule_set_str(rb.r, NFTNL_RULE_CHAIN, chain) < 0)
		rb.oom = true;
	def->fn(&rb, def->arg);
	if (!rb.oom &&
	    (nlh = fw_batch_cmd(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, "add rule"))) {
		nftnl_rule_nlmsg_build_payload(nlh, rb.r);
		r = 0;
	}
	nftnl_rule_free(rb.r);
	return r;
}

/* nft's user data: the key is in host byte order (nft's BYTEORDER_HOST_ENDIAN is 1) */
static int set_host_order(struct nftnl_set *s)
{
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(64);
	int r = 0;

	if (!ud)
		return -ENOMEM;
	if (!nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_KEYBYTEORDER, 1) ||
	    nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(ud),
			       nftnl_udata_buf_len(ud)) < 0)
		r = -ENOMEM;
	nftnl_udata_buf_free(ud);
	return r;
}

/*
 * A set (or map) of netd's table, declared in the batch; the object then carries elements.
 * With @counted, every element gets a counter of its own (the set's expression, which the
 * kernel copies into each element added).
 */
static struct nftnl_set *declare_set(struct fw_batch *b, const struct set_def *def, uint32_t id,
				     const char *name, bool counted)
{
	struct nftnl_set *s = fw_set_new(b->fw, name);
	struct nlmsghdr *nlh;

	if (!s)
		return NULL;
	if (counted) {
		struct nftnl_expr *c = nftnl_expr_alloc("counter");

		if (!c)
			goto fail;
		nftnl_set_add_expr(s, c);
	}
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, def->key_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, def->key_len);
	nftnl_set_set_u32(s, NFTNL_SET_ID, id);
	if (def->flags)
		nftnl_set_set_u32(s, NFTNL_SET_FLAGS, def->flags);
	if (def->data_len) {
		nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, def->data_type);
		nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, def->data_len);
	}
	if (def->fields[0] &&
	    nftnl_set_set_data(s, NFTNL_SET_DESC_CONCAT, def->fields, def->fields[2] ? 3 : 2) < 0)
		goto fail;
	if (def->host_order && set_host_order(s) < 0)
		goto fail;
	nlh = fw_batch_cmd(b, NFT_MSG_NEWSET, NLM_F_CREATE, "add set");
	if (!nlh)
		goto fail;
	nftnl_set_nlmsg_build_payload(nlh, s);
	return s;
fail:
	nftnl_set_free(s);
	return NULL;
}

static int add_sets(struct fw_batch *b, const struct fw_network *nets, size_t n,
		    const struct fw_port *ports, size_t n_ports)
{
	struct nftnl_set *s[ARRAY_SIZE(sets) + ARRAY_SIZE(maps)] = { NULL };
	size_t i, n_sets = ARRAY_SIZE(sets);
	int r = 0;

	for (i = 0; i < ARRAY_SIZE(s) && r == 0; i++) {
		s[i] = i < n_sets ? declare_set(b, &sets[i], (uint32_t)i + 1, sets[i].name, false) :
				    declare_set(b, &maps[i - n_sets], (uint32_t)i + 1,
						fw_port_map_name((unsigned int)(i - n_sets)), true);
		if (!s[i])
			r = -ENOMEM;
	}
	for (i = 0; i < n && r == 0; i++)
		r = fw_elems_for_network(&nets[i], s);
	if (r == 0)
		r = fw_elems_l4protos(s[5]);
	for (i = 0; i < n_ports && r == 0; i++) {
		r = fw_elems_for_port(&ports[i], s[n_sets + fw_port_map_index(&ports[i])]);
		if (r == 0)
			r = fw_elems_loopback(&ports[i], s[6]);
	}
	for (i = 0; i < ARRAY_SIZE(s) && r == 0; i++)
		r = fw_batch_add_elems(b, s[i], true, "add set elements");
	for (i = 0; i < ARRAY_SIZE(s); i++)
		if (s[i])
			nftnl_set_free(s[i]);
	return r;
}

/**
 * fw_table_install() - create or replace netd's whole table in one atomic batch
 * @fw:		handle
 * @nets:	every network, whose bridges and subnets fill the sets
 * @n:		how many
 * @ports:	every published port
 * @n_ports:	how many
 * @e:		error context
 *
 * NEWTABLE, DELTABLE, NEWTABLE, then sets with their elements, chains and rules: the kernel
 * applies all of it or nothing, so there is never a moment without rules. Nothing outside
 * the table is touched.
 *
 * Return: 0 or negative errno
 */
int fw_table_install(struct fw *fw, const struct fw_network *nets, size_t n,
		     const struct fw_port *ports, size_t n_ports, struct netd_error *e)
{
	struct fw_batch b;
	int r;

	r = fw_batch_begin(fw, &b, e);
	if (r < 0)
		return r;
	r = fw_table_build(&b, nets, n, ports, n_ports, e);
	if (r == 0)
		r = fw_batch_commit(&b, e);
	fw_batch_done(&b);
	return r;
}

/**
 * fw_table_build() - put the whole table into @b (no I/O: the unit tests parse it back)
 * @b:		batch, begun
 * @nets:	every network
 * @n:		how many
 * @ports:	every published port
 * @n_ports:	how many
 * @e:		error context
 *
 * Return: 0 or -ENOMEM
 */
int fw_table_build(struct fw_batch *b, const struct fw_network *nets, size_t n,
		   const struct fw_port *ports, size_t n_ports, struct netd_error *e)
{
	size_t i, j;
	int r;

	r = add_table(b, NFT_MSG_NEWTABLE, NLM_F_CREATE, "make sure the table exists");
	if (r == 0)
		r = add_table(b, NFT_MSG_DELTABLE, 0, "delete the old table");
	if (r == 0)
		r = add_table(b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL, "add the table");
	if (r == 0)
		r = add_sets(b, nets, n, ports, n_ports);
	for (i = 0; r == 0 && i < ARRAY_SIZE(chains); i++) {
		struct chain_def c = chains[i];

		/* without the proxy, every port is DNAT'd on 127.0.0.0/8 */
		if (b->fw->loopback_dnat && c.rules == output_rules) {
			c.rules = output_rules_loopback;
			c.n_rules = ARRAY_SIZE(output_rules_loopback);
		}
		r = add_chain(b, &c);
		for (j = 0; r == 0 && j < c.n_rules; j++)
			r = add_rule(b, c.name, &c.rules[j]);
	}
	if (r < 0)
		return err_set(e, -r, "build nftables table '%s'", b->fw->table);
	return 0;
}

/**
 * fw_table_remove() - delete netd's table (netd --cleanup); absent is fine
 * @fw:		handle
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int fw_table_remove(struct fw *fw, struct netd_error *e)
{
	struct fw_batch b;
	int r;

	r = fw_batch_begin(fw, &b, e);
	if (r < 0)
		return r;
	r = add_table(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE, "make sure the table exists");
	if (r == 0)
		r = add_table(&b, NFT_MSG_DELTABLE, 0, "delete the table");
	if (r < 0)
		r = err_set(e, -r, "build nftables batch");
	else
		r = fw_batch_commit(&b, e);
	fw_batch_done(&b);
	return r;
}
