/* SPDX-License-Identifier: GPL-2.0-or-later */
/* addr.h - interface addresses through libnl-route */
#ifndef NETD_ADDR_H
#define NETD_ADDR_H

#include <netlink/netlink.h>

#include <netd/cidr.h>
#include <netd/error.h>

int addr_add(struct nl_sock *sk, int ifindex, const struct cidr *a, struct netd_error *e);
int addr_del(struct nl_sock *sk, int ifindex, const struct cidr *a, struct netd_error *e);

#endif /* NETD_ADDR_H */
