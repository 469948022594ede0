/* SPDX-License-Identifier: GPL-2.0-or-later */
/* link.h - links through libnl-route: lookup, delete, up, bridges, veth pairs */
#ifndef NETD_LINK_H
#define NETD_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include <netd/error.h>

/**
 * struct link_info - what netd needs to know of an existing link
 */
struct link_info {
	int ifindex;
	int master;
	unsigned int mtu;
	bool up;
	char kind[16];
	char alias[80];
	bool has_mac;
	uint8_t mac[6];
};

/**
 * struct veth_config - a veth pair whose peer is created directly in another netns
 * @host_ifname:	name of the end that stays here
 * @peer_ifname:	name of the end in @peer_ns_fd
 * @peer_ns_fd:		target namespace
 * @master:		ifindex of the bridge for the host end
 * @mtu:		MTU of both ends
 * @peer_mac:		MAC of the peer
 * @host_mac:		MAC of the host end
 * @host_up:		bring the host end up in the same request
 */
struct veth_config {
	const char *host_ifname;
	const char *peer_ifname;
	int peer_ns_fd;
	int master;
	unsigned int mtu;
	const uint8_t *peer_mac;
	const uint8_t *host_mac;
	bool host_up;
};

/**
 * struct bridge_config - a bridge to create
 */
struct bridge_config {
	const char *name;
	unsigned int mtu;
	const uint8_t *mac;
	const char *alias;
};

typedef int (*link_visit_fn)(const char *name, const struct link_info *info, void *arg);

int link_get(struct nl_sock *sk, const char *name, struct link_info *ret, struct netd_error *e);
int link_delete(struct nl_sock *sk, const char *name, struct netd_error *e);
int link_set_group(struct nl_sock *sk, const char *name, uint32_t group, struct netd_error *e);
int link_delete_group(struct nl_sock *sk, uint32_t group, struct netd_error *e);
int link_set_up(struct nl_sock *sk, int ifindex, struct netd_error *e);
int link_set_ipv6_quiet(struct nl_sock *sk, int ifindex, struct netd_error *e);
int link_set_master(struct nl_sock *sk, int ifindex, int master, struct netd_error *e);
int link_set_alias(struct nl_sock *sk, int ifindex, const char *alias, struct netd_error *e);
int link_foreach(struct nl_sock *sk, link_visit_fn fn, void *arg, struct netd_error *e);

int bridge_create(struct nl_sock *sk, const struct bridge_config *cfg, struct netd_error *e);
int bridge_port_up_hairpin(struct nl_sock *sk, const char *name, struct netd_error *e);
int bridge_port_set_hairpin(struct nl_sock *sk, int ifindex, bool on, struct netd_error *e);

int veth_create(struct nl_sock *sk, const struct veth_config *cfg, struct netd_error *e);

#endif /* NETD_LINK_H */
