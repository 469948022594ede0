/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model.h - networks and endpoints as the daemon, the codecs and the clients see them */
#ifndef NETD_MODEL_H
#define NETD_MODEL_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include <netd/cidr.h>
#include <netd/naming.h>
#include <netd/portspec.h>

#define NETD_MTU_MIN 68
#define NETD_MTU_MAX 65535
#define NETD_MTU_DEFAULT 1500
#define NETD_NETNS_PATH_MAX 256

/**
 * struct network_spec - what a network is (persisted and returned by the API)
 * @name:	network name
 * @bridge:	bridge interface name
 * @subnet:	IPv4 subnet
 * @gateway:	IPv4 gateway, an address of @subnet held by the bridge
 * @has_v6:	whether @subnet6/@gateway6 are set
 * @mtu:	MTU of the bridge and every endpoint
 * @internal:	no route out and no masquerade
 */
struct network_spec {
	char name[NAME_MAX_LEN + 1];
	char bridge[IFNAMSIZ];
	struct cidr subnet;
	struct ipaddr gateway;
	bool has_v6;
	struct cidr subnet6;
	struct ipaddr gateway6;
	unsigned int mtu;
	bool internal;
};

/**
 * struct endpoint_spec - one container's attachment to one network
 * @container:	container name
 * @network:	network name
 * @ifname:	interface name inside the container
 * @host_ifname: the veth end on the bridge
 * @netns_path:	path the namespace was given as (a bind mount or /proc/PID/ns/net)
 * @netns_dev:	st_dev of the namespace, to recognise it again
 * @netns_ino:	st_ino of the namespace
 * @pid:	the pid it was given by, or 0
 * @has_ip4:	whether @ip4 is set
 * @ip4:	IPv4 address with the network's prefix length
 * @has_ip6:	whether @ip6 is set
 * @ip6:	IPv6 address with the network's prefix length
 * @mac:	MAC of the container interface
 */
struct endpoint_spec {
	char container[NAME_MAX_LEN + 1];
	char network[NAME_MAX_LEN + 1];
	char ifname[IFNAMSIZ];
	char host_ifname[IFNAMSIZ];
	char netns_path[NETD_NETNS_PATH_MAX];
	uint64_t netns_dev;
	uint64_t netns_ino;
	int pid;
	bool has_ip4;
	struct cidr ip4;
	bool has_ip6;
	struct cidr ip6;
	uint8_t mac[6];
	bool no_default_route; /* "default_route": false: never routes via this network */
};

/**
 * struct port_mapping - a published port (or range) of one endpoint
 * @container:	container name
 * @network:	network of the endpoint the traffic goes to
 * @spec:	what was published, host port resolved (never 0 here)
 * @proxy_protocol: the userland proxy sends a PROXY protocol v2 header first (TCP only)
 * @unheld:	netd does not bind the host port ("hold_host_port": false): the runtime holds
 *		it (podman); 127.0.0.1 then reaches it by NAT, not the userland proxy
 */
struct port_mapping {
	char container[NAME_MAX_LEN + 1];
	char network[NAME_MAX_LEN + 1];
	struct portspec spec;
	bool proxy_protocol;
	bool unheld;
};

/**
 * struct publish_request - POST /v1/ports, validated
 * @network:	endpoint's network, or empty for the container's first one
 * @proxy_protocol: see struct port_mapping
 * @unheld:	see struct port_mapping
 */
struct publish_request {
	char container[NAME_MAX_LEN + 1];
	char network[NAME_MAX_LEN + 1];
	struct portspec spec;
	bool proxy_protocol;
	bool unheld;
};

/**
 * struct network_request - POST /v1/networks, validated; unset fields are chosen by netd
 */
struct network_request {
	char name[NAME_MAX_LEN + 1];
	char bridge[IFNAMSIZ];
	bool has_subnet;
	struct cidr subnet;
	bool has_gateway;
	struct ipaddr gateway;
	bool has_subnet6;
	struct cidr subnet6;
	bool has_gateway6;
	struct ipaddr gateway6;
	unsigned int mtu;
	bool internal;
};

/* ports published with an attach ("ports": [...] in POST /v1/endpoints) */
#define ATTACH_MAX_PORTS 64

/**
 * struct attach_request - POST /v1/endpoints, validated
 * @netns_path:	namespace path, or empty when @pid is set
 * @pid:	process whose network namespace to attach, or 0
 * @ports_unheld: "hold_host_ports": false: @ports are published without netd binding them
 * @no_default_route: "default_route": false: no default route via this network, even as the
 *		namespace's first (a secondary network of a CNI runtime, Multus-style)
 */
struct attach_request {
	char container[NAME_MAX_LEN + 1];
	char network[NAME_MAX_LEN + 1];
	char netns_path[NETD_NETNS_PATH_MAX];
	int pid;
	char ifname[IFNAMSIZ];
	bool has_ip4;
	struct ipaddr ip4;
	bool has_ip6;
	struct ipaddr ip6;
	bool has_mac;
	uint8_t mac[6];
	size_t n_ports;
	struct portspec ports[ATTACH_MAX_PORTS];
	bool ports_unheld;
	bool no_default_route;
};

#endif /* NETD_MODEL_H */
