/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fw.h - nftables through libnftnl batches sent with libmnl: transport and netd's table */
#ifndef NETD_FW_H
#define NETD_FW_H

#include <stdbool.h>
#include <stdint.h>

#include <netd/cidr.h>
#include <netd/error.h>

#define FW_TABLE_DEFAULT "netd"
#define FW_TABLE_NAME_MAX 32
/* the most commands one batch may carry (the skeleton with every network stays well below) */
#define FW_BATCH_MAX_CMDS 4096

struct mnl_socket;
struct nftnl_batch;

/**
 * struct fw - netd's handle on nftables
 * @nl:		NETLINK_NETFILTER socket (extended acks on, bounded receive timeout)
 * @portid:	its port id
 * @seq:	next sequence number
 * @table:	name of netd's table in family inet
 * @loopback_dnat: DNAT 127.0.0.0/8 too (no userland proxy to relay it), masquerading it
 */
struct fw {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	char table[FW_TABLE_NAME_MAX];
	bool loopback_dnat;
};

/**
 * struct fw_batch - one atomic transaction being built
 * @b:		libnftnl batch pages
 * @first_seq:	sequence number of the first command
 * @n_cmds:	commands added
 * @what:	for each command, what it does (for error messages)
 */
struct fw_batch {
	struct fw *fw;
	struct nftnl_batch *b;
	uint32_t first_seq;
	uint32_t n_cmds;
	const char **what;
	uint32_t what_cap;
};

/**
 * struct fw_network - what the table needs to know of one network
 */
struct fw_network {
	const char *bridge;
	bool internal;
	bool has_v6;
	struct cidr subnet;
	struct cidr subnet6;
};

/**
 * struct fw_port - one published port (or range) as nftables sees it: a map element
 * @family:	AF_INET or AF_INET6: of @host_ip (when bound) and of @target
 * @has_host_ip: bound to @host_ip only, else every local address of @family
 * @proto:	IPPROTO_TCP, IPPROTO_UDP or IPPROTO_SCTP
 * @host_port:	first host port
 * @host_port_end: last host port (== @host_port for one port)
 * @target:	the container's address
 * @ctr_port:	first container port; the range has the host range's length
 * @loopback:	DNAT 127.0.0.0/8 to it too: nobody holds the port for the userland proxy (a
 *		runtime that binds published ports itself, as podman does); IPv4 only
 */
struct fw_port {
	int family;
	bool has_host_ip;
	struct ipaddr host_ip;
	uint8_t proto;
	uint16_t host_port;
	uint16_t host_port_end;
	struct ipaddr target;
	uint16_t ctr_port;
	bool loopback;
};

/* what fw_event_read() reports about netd's table in a batch of notifications */
enum fw_event {
	FW_EVENT_NONE, /* nothing, or only netd's own changes */
	FW_EVENT_FOREIGN, /* someone else deleted the table or a chain, rule or set of it */
	FW_EVENT_LOST, /* notifications were lost (socket overrun): assume the worst */
};

int fw_open(struct fw *fw, const char *table, struct netd_error *e);
int fw_watch_open(const struct fw *fw, struct mnl_socket **ret, struct netd_error *e);
enum fw_event fw_event_read(const struct fw *fw, struct mnl_socket *watch, uint32_t *ret_pid);
void fw_close(struct fw *fw);

int fw_batch_begin(struct fw *fw, struct fw_batch *ret, struct netd_error *e);
struct nlmsghdr *fw_batch_cmd(struct fw_batch *b, uint16_t type, uint16_t flags, const char *what);
int fw_batch_commit(struct fw_batch *b, struct netd_error *e);
void fw_batch_done(struct fw_batch *b);

int fw_table_install(struct fw *fw, const struct fw_network *nets, size_t n,
		     const struct fw_port *ports, size_t n_ports, struct netd_error *e);
int fw_table_build(struct fw_batch *b, const struct fw_network *nets, size_t n,
		   const struct fw_port *ports, size_t n_ports, struct netd_error *e);
int fw_table_remove(struct fw *fw, struct netd_error *e);
int fw_network_add(struct fw *fw, const struct fw_network *net, struct netd_error *e);
int fw_network_del(struct fw *fw, const struct fw_network *net, struct netd_error *e);
int fw_ports_add(struct fw *fw, const struct fw_port *ports, size_t n, struct netd_error *e);
int fw_ports_del(struct fw *fw, const struct fw_port *ports, size_t n, struct netd_error *e);

/* what a published port carried through NAT, both ways */
struct fw_counter {
	uint64_t packets;
	uint64_t bytes;
};

int fw_port_counters(struct fw *fw, const struct fw_port *ports, size_t n, struct fw_counter *ret,
		     struct netd_error *e);

#endif /* NETD_FW_H */
