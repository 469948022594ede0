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
 */
struct fw {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	char table[FW_TABLE_NAME_MAX];
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

int fw_open(struct fw *fw, const char *table, struct netd_error *e);
void fw_close(struct fw *fw);

int fw_batch_begin(struct fw *fw, struct fw_batch *ret, struct netd_error *e);
struct nlmsghdr *fw_batch_cmd(struct fw_batch *b, uint16_t type, uint16_t flags, const char *what);
int fw_batch_commit(struct fw_batch *b, struct netd_error *e);
void fw_batch_done(struct fw_batch *b);

int fw_table_install(struct fw *fw, const struct fw_network *nets, size_t n, struct netd_error *e);
int fw_table_remove(struct fw *fw, struct netd_error *e);
int fw_network_add(struct fw *fw, const struct fw_network *net, struct netd_error *e);
int fw_network_del(struct fw *fw, const struct fw_network *net, struct netd_error *e);

#endif /* NETD_FW_H */
