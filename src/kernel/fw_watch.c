// SPDX-License-Identifier: GPL-2.0-or-later
/* fw_watch.c - nftables notifications: notice when someone else removes netd's rules */
#include "config.h"

#include <errno.h>
#include <netinet/in.h> /* before the uapi headers, which defer to it */
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>

#include <netd/fw.h>

#define FW_WATCH_RCVBUF (4 * 1024 * 1024)

/**
 * fw_watch_open() - a non-blocking socket subscribed to nftables notifications
 * @fw:		handle (for the error context only)
 * @ret:	the socket, to close with mnl_socket_close()
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int fw_watch_open(const struct fw *fw, struct mnl_socket **ret, struct netd_error *e)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC | SOCK_NONBLOCK);
	int r;

	if (!nl)
		return err_set(e, errno, "open nftables notification socket: %s", strerror(errno));
	if (mnl_socket_bind(nl, 1 << (NFNLGRP_NFTABLES - 1), MNL_SOCKET_AUTOPID) < 0) {
		r = errno;
		(void)mnl_socket_close(nl);
		return err_set(e, r, "subscribe to nftables notifications: %s", strerror(r));
	}
	/* room for the notifications of a big batch; an overrun is handled, but costs a reinstall */
	{
		int sz = FW_WATCH_RCVBUF;

		if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) <
		    0)
			(void)setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &sz,
					 sizeof(sz));
	}
	*ret = nl;
	return 0;
}

struct table_attr {
	const char *name;
};

static int find_table(const struct nlattr *attr, void *data)
{
	struct table_attr *t = data;

	/* the table's name is attribute 1 of tables, chains, rules and sets alike */
	if (mnl_attr_get_type(attr) == 1 && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		t->name = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

/* a deletion in netd's table, sent by someone other than netd */
static bool foreign_deletion(const struct fw *fw, const struct nlmsghdr *nlh)
{
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
	struct table_attr t = { NULL };
	uint16_t type = NFNL_MSG_TYPE(nlh->nlmsg_type);

	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES)
		return false;
	/* element deletions are netd's everyday work; nobody else edits its sets */
	if (type != NFT_MSG_DELTABLE && type != NFT_MSG_DELCHAIN && type != NFT_MSG_DELRULE &&
	    type != NFT_MSG_DELSET)
		return false;
	if (nlh->nlmsg_pid == fw->portid || g->nfgen_family != NFPROTO_INET)
		return false;
	if (mnl_attr_parse(nlh, sizeof(*g), find_table, &t) < 0 || !t.name)
		return false;
	return strcmp(t.name, fw->table) == 0;
}

/**
 * fw_event_read() - read every pending notification and tell what happened to netd's table
 * @fw:		handle (netd's own port id and table name)
 * @watch:	socket from fw_watch_open()
 * @ret_pid:	port id of whoever deleted something (FW_EVENT_FOREIGN)
 *
 * Return: FW_EVENT_NONE, FW_EVENT_FOREIGN or FW_EVENT_LOST
 */
enum fw_event fw_event_read(const struct fw *fw, struct mnl_socket *watch, uint32_t *ret_pid)
{
	static char buf[65536];
	enum fw_event ev = FW_EVENT_NONE;
	int i;

	/* bounded: a flood of notifications is read in a few passes of the event loop */
	for (i = 0; i < 64; i++) {
		const struct nlmsghdr *nlh;
		ssize_t n = mnl_socket_recvfrom(watch, buf, sizeof(buf));
		int len;

		if (n < 0) {
			if (errno == ENOBUFS)
				ev = FW_EVENT_LOST;
			break;
		}
		len = (int)n;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (ev == FW_EVENT_NONE && foreign_deletion(fw, nlh)) {
				ev = FW_EVENT_FOREIGN;
				*ret_pid = nlh->nlmsg_pid;
			}
		}
	}
	return ev;
}
