/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nlsock.h - NETLINK_ROUTE sockets through libnl, opened in a chosen netns, with real errnos */
#ifndef NETD_NLSOCK_H
#define NETD_NLSOCK_H

#include <netlink/netlink.h>

#include <netd/error.h>

int nlsock_open(int ns_fd, struct nl_sock **ret, struct netd_error *e);
int nlsock_errno(int nlerr);

#endif /* NETD_NLSOCK_H */
