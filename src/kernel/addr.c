// SPDX-License-Identifier: GPL-2.0-or-later
/* addr.c - add and remove IPv4/IPv6 interface addresses (IPv6 without DAD) */
#include "config.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <string.h>
#include <sys/socket.h>

#include <netd/addr.h>
#include <netd/cleanup.h>
#include <netd/nlsock.h>

static int build(int ifindex, const struct cidr *a, struct rtnl_addr **ret, struct netd_error *e)
{
	_cleanup_rtnl_addr_ struct rtnl_addr *addr = rtnl_addr_alloc();
	_cleanup_nl_addr_ struct nl_addr *local = NULL;
	_cleanup_nl_addr_ struct nl_addr *brd = NULL;
	int r;

	if (!addr)
		return err_set(e, ENOMEM, "allocate address");
	local = nl_addr_build(a->addr.family, a->addr.b, ipaddr_len(&a->addr));
	if (!local)
		return err_set(e, ENOMEM, "allocate address");
	nl_addr_set_prefixlen(local, (int)a->prefixlen);
	rtnl_addr_set_ifindex(addr, ifindex);
	rtnl_addr_set_family(addr, a->addr.family);
	r = rtnl_addr_set_local(addr, local);
	if (r < 0)
		return err_set(e, -nlsock_errno(r), "set address");
	if (a->addr.family == AF_INET) {
		struct ipaddr b;

		if (cidr_host(a, (UINT64_C(1) << (32 - a->prefixlen)) - 1, &b) == 0) {
			brd = nl_addr_build(AF_INET, b.b, 4);
			if (!brd)
				return err_set(e, ENOMEM, "allocate address");
			(void)rtnl_addr_set_broadcast(addr, brd);
		}
	} else {
		/* the address is ours by construction: duplicate detection only delays it */
		rtnl_addr_set_flags(addr, IFA_F_NODAD);
	}
	*ret = TAKE_PTR(addr);
	return 0;
}

/**
 * addr_add() - add an address to a link
 * @sk:		route socket of the link's netns
 * @ifindex:	link
 * @a:		address and prefix length
 * @e:		error context
 *
 * Return: 0, -EEXIST when already there, or negative errno
 */
int addr_add(struct nl_sock *sk, int ifindex, const struct cidr *a, struct netd_error *e)
{
	_cleanup_rtnl_addr_ struct rtnl_addr *addr = NULL;
	char buf[CIDR_STRLEN] = "?";
	int r;

	r = build(ifindex, a, &addr, e);
	if (r < 0)
		return r;
	r = nlsock_errno(rtnl_addr_add(sk, addr, NLM_F_CREATE | NLM_F_EXCL));
	if (r < 0) {
		(void)cidr_format(a, buf, sizeof(buf));
		return err_set(e, r, "add address '%s' to link %d: %s", buf, ifindex, strerror(-r));
	}
	return 0;
}

/**
 * addr_del() - remove an address from a link
 * @sk:		route socket of the link's netns
 * @ifindex:	link
 * @a:		address and prefix length
 * @e:		error context
 *
 * Return: 0, -EADDRNOTAVAIL when it is not there, or negative errno
 */
int addr_del(struct nl_sock *sk, int ifindex, const struct cidr *a, struct netd_error *e)
{
	_cleanup_rtnl_addr_ struct rtnl_addr *addr = NULL;
	char buf[CIDR_STRLEN] = "?";
	int r;

	r = build(ifindex, a, &addr, e);
	if (r < 0)
		return r;
	r = nlsock_errno(rtnl_addr_delete(sk, addr, 0));
	if (r < 0) {
		(void)cidr_format(a, buf, sizeof(buf));
		return err_set(e, r, "remove address '%s' from link %d: %s", buf, ifindex,
			       strerror(-r));
	}
	return 0;
}
