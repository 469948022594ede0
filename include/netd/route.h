/* SPDX-License-Identifier: GPL-2.0-or-later */
/* route.h - routes inside a container netns through libnl-route */
#ifndef NETD_ROUTE_H
#define NETD_ROUTE_H

#include <netlink/netlink.h>

#include <netd/cidr.h>
#include <netd/error.h>

int route_add_default(struct nl_sock *sk, int ifindex, const struct ipaddr *gw,
		      struct netd_error *e);

#endif /* NETD_ROUTE_H */
