// SPDX-License-Identifier: GPL-2.0-or-later
/* cni_netns.c - read an interface, its addresses and default routes in a netns, for CHECK */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include <netd/cleanup.h>
#include <netd/nlsock.h>

#include "cni_cmd.h"

static int ipaddr_from_nl(struct nl_addr *a, struct ipaddr *ret)
{
	int fam = nl_addr_get_family(a);
	unsigned int len = nl_addr_get_len(a);

	memset(ret, 0, sizeof(*ret));
	if ((fam != AF_INET || len != 4) && (fam != AF_INET6 || len != 16))
		return -EAFNOSUPPORT;
	ret->family = fam;
	memcpy(ret->b, nl_addr_get_binary_addr(a), len);
	return 0;
}

static void read_addrs(struct nl_sock *sk, struct cni_link_state *st)
{
	_cleanup_nl_cache_ struct nl_cache *cache = NULL;
	struct nl_object *obj;

	if (rtnl_addr_alloc_cache(sk, &cache) < 0)
		return;
	for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
		struct rtnl_addr *a = (struct rtnl_addr *)obj;
		struct cidr c;

		if (rtnl_addr_get_ifindex(a) != st->ifindex || st->n_addrs >= CNI_NETNS_MAX_ADDRS)
			continue;
		if (ipaddr_from_nl(rtnl_addr_get_local(a), &c.addr) < 0)
			continue;
		c.prefixlen = rtnl_addr_get_prefixlen(a);
		st->addrs[st->n_addrs++] = c;
	}
}

/* the first default route of each family whose next hop leaves through the interface */
static void read_routes(struct nl_sock *sk, struct cni_link_state *st)
{
	_cleanup_nl_cache_ struct nl_cache *cache = NULL;
	struct nl_object *obj;

	if (rtnl_route_alloc_cache(sk, AF_UNSPEC, 0, &cache) < 0)
		return;
	for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
		struct rtnl_route *rt = (struct rtnl_route *)obj;
		struct nl_addr *dst = rtnl_route_get_dst(rt);
		struct rtnl_nexthop *nh;
		struct ipaddr gw;

		if (rtnl_route_get_table(rt) != RT_TABLE_MAIN ||
		    (dst && nl_addr_get_prefixlen(dst)))
			continue;
		if (rtnl_route_get_nnexthops(rt) < 1)
			continue;
		nh = rtnl_route_nexthop_n(rt, 0);
		if (rtnl_route_nh_get_ifindex(nh) != st->ifindex || !rtnl_route_nh_get_gateway(nh))
			continue;
		if (ipaddr_from_nl(rtnl_route_nh_get_gateway(nh), &gw) < 0)
			continue;
		if (gw.family == AF_INET && !st->has_gw4) {
			st->has_gw4 = true;
			st->gw4 = gw;
		} else if (gw.family == AF_INET6 && !st->has_gw6) {
			st->has_gw6 = true;
			st->gw6 = gw;
		}
	}
}

/**
 * cni_link_inspect() - an interface as the kernel has it
 * @ns_fd:	namespace, or -1 for ours
 * @ifname:	interface name
 * @routes:	also read its addresses and default routes
 * @ret:	what was found
 * @e:		error context
 *
 * Return: 0, -ENODEV when there is no such interface, or negative errno
 */
int cni_link_inspect(int ns_fd, const char *ifname, bool routes, struct cni_link_state *ret,
		     struct netd_error *e)
{
	_cleanup_nl_sock_ struct nl_sock *sk = NULL;
	_cleanup_rtnl_link_ struct rtnl_link *link = NULL;
	struct cni_link_state st = { 0 };
	struct nl_addr *ll;
	int r;

	r = nlsock_open(ns_fd, &sk, e);
	if (r < 0)
		return r;
	r = nlsock_errno(rtnl_link_get_kernel(sk, 0, ifname, &link));
	if (r == -ENODEV || r == -ENOENT)
		return err_set(e, ENODEV, "interface '%s' not found", ifname);
	if (r < 0)
		return err_set(e, -r, "look up interface '%s': %s", ifname, strerror(-r));
	st.ifindex = rtnl_link_get_ifindex(link);
	st.master = rtnl_link_get_master(link);
	st.up = (rtnl_link_get_flags(link) & IFF_UP) != 0;
	ll = rtnl_link_get_addr(link);
	if (ll && nl_addr_get_len(ll) == 6)
		mac_format(nl_addr_get_binary_addr(ll), st.mac);
	if (routes) {
		read_addrs(sk, &st);
		read_routes(sk, &st);
	}
	*ret = st;
	return 0;
}

/**
 * cni_link_index() - ifindex of an interface in our own namespace
 * @ifname:	interface name
 * @e:		error context
 *
 * Return: ifindex, -ENODEV, or negative errno
 */
int cni_link_index(const char *ifname, struct netd_error *e)
{
	struct cni_link_state st;
	int r = cni_link_inspect(-1, ifname, false, &st, e);

	return r < 0 ? r : st.ifindex;
}
