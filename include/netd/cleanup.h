/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cleanup.h - _cleanup_ helpers for libnl objects (kernel adapters only) */
#ifndef NETD_CLEANUP_H
#define NETD_CLEANUP_H

#include <netlink/netlink.h>
#include <netlink/cache.h>
#include <netlink/route/link.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>

#include <netd/macro.h>

DEFINE_CLEANUP(struct nl_sock *, nl_socket_free);
DEFINE_CLEANUP(struct rtnl_link *, rtnl_link_put);
DEFINE_CLEANUP(struct rtnl_addr *, rtnl_addr_put);
DEFINE_CLEANUP(struct rtnl_route *, rtnl_route_put);
DEFINE_CLEANUP(struct nl_cache *, nl_cache_free);
DEFINE_CLEANUP(struct nl_addr *, nl_addr_put);
DEFINE_CLEANUP(struct nl_msg *, nlmsg_free);

#define _cleanup_nl_sock_ _cleanup_(nl_socket_freep)
#define _cleanup_rtnl_link_ _cleanup_(rtnl_link_putp)
#define _cleanup_rtnl_addr_ _cleanup_(rtnl_addr_putp)
#define _cleanup_rtnl_route_ _cleanup_(rtnl_route_putp)
#define _cleanup_nl_cache_ _cleanup_(nl_cache_freep)
#define _cleanup_nl_addr_ _cleanup_(nl_addr_putp)
#define _cleanup_nlmsg_ _cleanup_(nlmsg_freep)

#endif /* NETD_CLEANUP_H */
