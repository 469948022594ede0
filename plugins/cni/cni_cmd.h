/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cni_cmd.h - netd-cni commands over netd's API, and what CHECK reads from the kernel */
#ifndef NETD_CNI_CMD_H
#define NETD_CNI_CMD_H

#include <stdbool.h>

#include <jansson.h>

#include <netd/cidr.h>
#include <netd/client.h>
#include <netd/error.h>
#include <netd/naming.h>
#include <netd/netns.h>

#include "cni.h"

/* a CHECK that found the attachment different from what it should be (plugin code, 100+) */
#define CNI_ERR_CHECK_FAILED 100

#define CNI_NETNS_MAX_ADDRS 32

/**
 * struct cni_ctx - one invocation: environment, config, the API client
 */
struct cni_ctx {
	const struct cni_env *env;
	const struct cni_config *cfg;
	struct client client;
	char name[CNI_NAME_LEN + 1];
};

/**
 * struct cni_link_state - what CHECK reads of an interface
 * @ifindex:	its index
 * @master:	ifindex of its bridge, or 0
 * @up:		administratively up
 * @mac:	its MAC
 * @n_addrs:	number of @addrs
 * @addrs:	its IPv4 and IPv6 addresses (link-local ones left out)
 * @has_gw4:	a default IPv4 route leaves through it
 * @gw4:	its gateway
 * @has_gw6:	a default IPv6 route leaves through it
 * @gw6:	its gateway
 */
struct cni_link_state {
	int ifindex;
	int master;
	bool up;
	char mac[MAC_STRLEN];
	size_t n_addrs;
	struct cidr addrs[CNI_NETNS_MAX_ADDRS];
	bool has_gw4;
	struct ipaddr gw4;
	bool has_gw6;
	struct ipaddr gw6;
};

int cni_link_inspect(int ns_fd, const char *ifname, bool routes, struct cni_link_state *ret,
		     struct netd_error *e);
int cni_link_index(const char *ifname, struct netd_error *e);

int cni_cmd_add(struct cni_ctx *x, json_t **ret, struct cni_error *ce);
int cni_cmd_del(struct cni_ctx *x, struct cni_error *ce);
int cni_cmd_check(struct cni_ctx *x, struct cni_error *ce);
int cni_cmd_status(struct cni_ctx *x, struct cni_error *ce);
int cni_cmd_gc(struct cni_ctx *x, struct cni_error *ce);

#endif /* NETD_CNI_CMD_H */
