// SPDX-License-Identifier: GPL-2.0-or-later
/* route.c - default routes inside the container netns */
#include "config.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/route/nexthop.h>

#include <netd/cleanup.h>
#include <netd/nlsock.h>
#include <netd/route.h>

/**
 * route_add_default() - "default via @gw dev @ifindex" in the main table
 * @sk:		route socket of the container's netns
 * @ifindex:	the container interface
 * @gw:		gateway (the bridge's address)
 * @e:		error context
 *
 * Return: 0, -EEXIST when a default route is already there, or negative errno
 */
int route_add_default(struct nl_sock *sk, int ifindex, const struct ipaddr *gw,
		      struct netd_error *e)
{
	_cleanup_rtnl_route_ struct rtnl_route *route = rtnl_route_alloc();
	_cleanup_nl_addr_ struct nl_addr *dst = NULL;
	_cleanup_nl_addr_ struct nl_addr *via = NULL;
	static const uint8_t zero[16];
	struct rtnl_nexthop *nh;
	int r;

	if (!route)
		return err_set(e, ENOMEM, "allocate route");
	dst = nl_addr_build(gw->family, zero, ipaddr_len(gw));
	via = nl_addr_build(gw->family, gw->b, ipaddr_len(gw));
	nh = rtnl_route_nh_alloc();
	if (!dst || !via || !nh) {
		rtnl_route_nh_free(nh);
		return err_set(e, ENOMEM, "allocate route");
	}
	nl_addr_set_prefixlen(dst, 0);
	rtnl_route_set_family(route, (uint8_t)gw->family);
	rtnl_route_set_table(route, RT_TABLE_MAIN);
	rtnl_route_set_protocol(route, RTPROT_STATIC);
	rtnl_route_set_scope(route, RT_SCOPE_UNIVERSE);
	rtnl_route_set_type(route, RTN_UNICAST);
	r = rtnl_route_set_dst(route, dst);
	if (r < 0) {
		rtnl_route_nh_free(nh);
		return err_set(e, -nlsock_errno(r), "set route destination");
	}
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_nh_set_gateway(nh, via);
	rtnl_route_add_nexthop(route, nh); /* route owns nh now */
	r = nlsock_errno(rtnl_route_add(sk, route, NLM_F_CREATE | NLM_F_EXCL));
	if (r < 0) {
		char buf[INET6_ADDRSTRLEN] = "?";

		(void)ipaddr_format(gw, buf, sizeof(buf));
		return err_set(e, r, "add default route via '%s': %s", buf, strerror(-r));
	}
	return 0;
}
