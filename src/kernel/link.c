// SPDX-License-Identifier: GPL-2.0-or-later
/* link.c - generic link operations: lookup, delete, bring up, walk all links */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <string.h>

#include <linux/if_link.h>

#include <netlink/route/link.h>
#include <netlink/route/link/inet6.h>

#include <netd/cleanup.h>
#include <netd/link.h>
#include <netd/nlsock.h>

static void fill_info(struct rtnl_link *link, struct link_info *ret)
{
	const char *kind = rtnl_link_get_type(link);
	const char *alias = rtnl_link_get_ifalias(link);

	memset(ret, 0, sizeof(*ret));
	ret->ifindex = rtnl_link_get_ifindex(link);
	ret->master = rtnl_link_get_master(link);
	ret->mtu = rtnl_link_get_mtu(link);
	ret->up = (rtnl_link_get_flags(link) & IFF_UP) != 0;
	if (kind)
		STRLCPY(ret->kind, kind);
	if (alias)
		STRLCPY(ret->alias, alias);
	{
		struct nl_addr *a = rtnl_link_get_addr(link);

		if (a && nl_addr_get_len(a) == sizeof(ret->mac)) {
			memcpy(ret->mac, nl_addr_get_binary_addr(a), sizeof(ret->mac));
			ret->has_mac = true;
		}
	}
}

/**
 * link_set_alias() - set a link's alias (netd's mark on the bridges it made)
 * @sk:		route socket
 * @ifindex:	link
 * @alias:	the alias
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int link_set_alias(struct nl_sock *sk, int ifindex, const char *alias, struct netd_error *e)
{
	_cleanup_rtnl_link_ struct rtnl_link *orig = rtnl_link_alloc();
	_cleanup_rtnl_link_ struct rtnl_link *change = rtnl_link_alloc();
	int r;

	if (!orig || !change)
		return err_set(e, ENOMEM, "allocate link");
	rtnl_link_set_ifindex(orig, ifindex);
	rtnl_link_set_ifalias(change, alias);
	r = nlsock_errno(rtnl_link_change(sk, orig, change, 0));
	if (r < 0)
		return err_set(e, r, "set alias of link %d: %s", ifindex, strerror(-r));
	return 0;
}

/**
 * link_get() - look up one link by name (one request, no cache)
 * @sk:		route socket of the netns to look in
 * @name:	interface name
 * @ret:	what netd needs of it, or NULL
 * @e:		error context
 *
 * Return: ifindex, -ENODEV when there is no such link, or negative errno
 */
int link_get(struct nl_sock *sk, const char *name, struct link_info *ret, struct netd_error *e)
{
	_cleanup_rtnl_link_ struct rtnl_link *link = NULL;
	int r;

	r = nlsock_errno(rtnl_link_get_kernel(sk, 0, name, &link));
	if (r == -ENODEV || r == -ENOENT)
		return err_set(e, ENODEV, "link '%s' not found", name);
	if (r < 0)
		return err_set(e, r, "look up link '%s': %s", name, strerror(-r));
	if (ret)
		fill_info(link, ret);
	return rtnl_link_get_ifindex(link);
}

/**
 * link_delete() - delete a link by name (a veth takes its peer with it)
 * @sk:		route socket
 * @name:	interface name
 * @e:		error context
 *
 * Return: 0, -ENODEV when it does not exist, or negative errno
 */
int link_delete(struct nl_sock *sk, const char *name, struct netd_error *e)
{
	_cleanup_rtnl_link_ struct rtnl_link *link = rtnl_link_alloc();
	int r;

	if (!link)
		return err_set(e, ENOMEM, "allocate link");
	rtnl_link_set_name(link, name);
	r = nlsock_errno(rtnl_link_delete(sk, link));
	if (r == -ENODEV || r == -ENOENT)
		return err_set(e, ENODEV, "link '%s' not found", name);
	if (r < 0)
		return err_set(e, r, "delete link '%s': %s", name, strerror(-r));
	return 0;
}

/**
 * link_set_group() - put a link in the link group @group, by name
 * @sk:		route socket
 * @name:	interface name
 * @group:	group number (not 0, the default group)
 * @e:		error context
 *
 * Return: 0, -ENODEV when it does not exist, or negative errno
 */
int link_set_group(struct nl_sock *sk, const char *name, uint32_t group, struct netd_error *e)
{
	_cleanup_nlmsg_ struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, 0);
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	int r;

	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(msg, IFLA_IFNAME, name) < 0 || nla_put_u32(msg, IFLA_GROUP, group) < 0)
		return err_set(e, ENOMEM, "build netlink message");
	r = nlsock_errno(nl_send_sync(sk, TAKE_PTR(msg)));
	if (r == -ENODEV || r == -ENOENT)
		return err_set(e, ENODEV, "link '%s' not found", name);
	if (r < 0)
		return err_set(e, r, "set group of link '%s': %s", name, strerror(-r));
	return 0;
}

/**
 * link_delete_group() - delete every link of the link group @group, in one request
 * @sk:		route socket
 * @group:	group number (not 0)
 * @e:		error context
 *
 * The kernel unregisters them together, so they share one RCU barrier where a delete per
 * link pays one each (~20 ms).
 *
 * Return: 0, -ENODEV when no link is in the group, or negative errno
 */
int link_delete_group(struct nl_sock *sk, uint32_t group, struct netd_error *e)
{
	_cleanup_nlmsg_ struct nl_msg *msg = nlmsg_alloc_simple(RTM_DELLINK, 0);
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	int r;

	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg, IFLA_GROUP, group) < 0)
		return err_set(e, ENOMEM, "build netlink message");
	r = nlsock_errno(nl_send_sync(sk, TAKE_PTR(msg)));
	if (r == -ENODEV || r == -ENOENT)
		return err_set(e, ENODEV, "no link in group %u", group);
	if (r < 0)
		return err_set(e, r, "delete link group %u: %s", group, strerror(-r));
	return 0;
}

/* apply @change to the link @ifindex (one RTM_NEWLINK, RTM_SETLINK on old kernels) */
static int link_change(struct nl_sock *sk, int ifindex, struct rtnl_link *change, const char *what,
		       struct netd_error *e)
{
	_cleanup_rtnl_link_ struct rtnl_link *orig = rtnl_link_alloc();
	int r;

	if (!orig)
		return err_set(e, ENOMEM, "allocate link");
	rtnl_link_set_ifindex(orig, ifindex);
	r = nlsock_errno(rtnl_link_change(sk, orig, change, 0));
	if (r < 0)
		return err_set(e, r, "%s of link %d: %s", what, ifindex, strerror(-r));
	return 0;
}

/**
 * link_set_up() - set IFF_UP on a link
 * @sk:		route socket of the link's netns
 * @ifindex:	link
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int link_set_up(struct nl_sock *sk, int ifindex, struct netd_error *e)
{
	_cleanup_rtnl_link_ struct rtnl_link *change = rtnl_link_alloc();

	if (!change)
		return err_set(e, ENOMEM, "allocate link");
	rtnl_link_set_flags(change, IFF_UP);
	return link_change(sk, ifindex, change, "bring up", e);
}

/**
 * link_set_ipv6_quiet() - no IPv6 link-local address on a link (addr_gen_mode none)
 * @sk:		route socket of the link's netns
 * @ifindex:	the link, still down
 * @e:		error context
 *
 * Without a link-local address the link sends no DAD, MLD or router solicitation when it
 * comes up. Through netlink, not /proc/sys: every container's "eth0" sysctl directory hashes
 * alike in the dcache, so a path lookup there costs more with each container.
 *
 * Return: 0 or negative errno
 */
int link_set_ipv6_quiet(struct nl_sock *sk, int ifindex, struct netd_error *e)
{
	_cleanup_rtnl_link_ struct rtnl_link *change = rtnl_link_alloc();
	int r;

	if (!change)
		return err_set(e, ENOMEM, "allocate link");
	r = rtnl_link_inet6_set_addr_gen_mode(change, IN6_ADDR_GEN_MODE_NONE);
	if (r < 0)
		return err_set(e, -nlsock_errno(r), "turn off IPv6 addresses of link %d", ifindex);
	return link_change(sk, ifindex, change, "turn off IPv6 addresses", e);
}

/**
 * link_set_master() - put a link on a bridge
 * @sk:		route socket
 * @ifindex:	the link
 * @master:	the bridge's ifindex
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int link_set_master(struct nl_sock *sk, int ifindex, int master, struct netd_error *e)
{
	int r = nlsock_errno(rtnl_link_enslave_ifindex(sk, master, ifindex));

	if (r < 0)
		return err_set(e, r, "put link %d on bridge %d: %s", ifindex, master, strerror(-r));
	return 0;
}

/**
 * link_foreach() - call @fn for every link of the socket's netns (one dump)
 * @sk:		route socket
 * @fn:		visitor; a negative return stops the walk and is returned
 * @arg:	visitor argument
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int link_foreach(struct nl_sock *sk, link_visit_fn fn, void *arg, struct netd_error *e)
{
	_cleanup_nl_cache_ struct nl_cache *cache = NULL;
	struct nl_object *obj;
	int r;

	r = nlsock_errno(rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache));
	if (r < 0)
		return err_set(e, r, "list links: %s", strerror(-r));
	for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
		struct rtnl_link *link = (struct rtnl_link *)obj;
		struct link_info info;
		const char *name = rtnl_link_get_name(link);

		if (!name)
			continue;
		fill_info(link, &info);
		r = fn(name, &info, arg);
		if (r < 0)
			return r;
	}
	return 0;
}
