/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fw_int.h - what fw_table.c and fw_elem.c share: netd's set names and element builders */
#ifndef NETD_FW_INT_H
#define NETD_FW_INT_H

#include <libnftnl/set.h>

#include <netd/fw.h>

/* the sets of netd's table; the rules look them up, networks only add and remove elements */
#define FW_SET_BRIDGES "bridges" /* every netd bridge (ifname) */
#define FW_SET_BR_SAME "br_same" /* bridge . bridge: traffic that stays on its bridge */
#define FW_SET_INTERNAL "internal" /* bridges of --internal networks */
#define FW_SET_MASQ4 "masq4" /* IPv4 subnets masqueraded on the way out */
#define FW_SET_MASQ6 "masq6" /* IPv6 subnets masqueraded on the way out */
#define FW_SET_L4PROTOS "l4protos" /* transport protocols with ports: tcp, udp, sctp */
#define FW_SET_LO4 "lo4" /* proto . port ranges DNAT'd on 127.0.0.0/8 too (unheld ports) */

/*
 * Published ports live in eight maps: per family (PUB_V6), keyed by (proto . port) or, bound
 * to one host address, (address . proto . port) (PUB_BOUND), mapping to the container's
 * (address . port), or for ports published on their own number to its address alone, so DNAT
 * keeps the port and a whole range is one interval element (PUB_SAME).
 */
#define PUB_V6 1u
#define PUB_BOUND 2u
#define PUB_SAME 4u
#define PUB_OUTPUT 8u /* rule variant only: the output chain leaves loopback alone */
#define PUB_LOOPBACK 16u /* rule variant only: ... except for 127.0.0.0/8 (no userland proxy) */
#define PUB_LO 32u /* rule variant only: 127.0.0.0/8, for the ports in @lo4 */
#define FW_N_MAPS 8

/* nft's datatype ids, so that `nft list table` prints the sets readably */
#define FW_TYPE_IPV4_ADDR 7
#define FW_TYPE_IPV6_ADDR 8
#define FW_TYPE_IFNAME 41
#define FW_TYPE_INET_PROTO 12
#define FW_TYPE_INET_SERVICE 13
#define FW_TYPE_CONCAT_SHIFT 6

/* a concatenation: each field in host order as nft loads it, padded to 4 bytes */
struct concat {
	uint8_t b[40];
	size_t len;
};

struct nftnl_set *fw_set_new(const struct fw *fw, const char *name);
void fw_port_key(const struct fw_port *p, uint16_t port, struct concat *ret);
int fw_elems_for_network(const struct fw_network *net, struct nftnl_set *sets[5]);
int fw_elems_l4protos(struct nftnl_set *s);
unsigned int fw_port_map_index(const struct fw_port *p);
const char *fw_port_map_name(unsigned int index);
int fw_elems_for_port(const struct fw_port *p, struct nftnl_set *map);
int fw_elems_loopback(const struct fw_port *p, struct nftnl_set *lo4);
int fw_batch_add_elems(struct fw_batch *b, struct nftnl_set *s, bool add, const char *what);

#endif /* NETD_FW_INT_H */
