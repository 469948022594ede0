/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conntrack.h - remove the conntrack entries of flows to a host port (ctnetlink over libmnl) */
#ifndef NETD_CONNTRACK_H
#define NETD_CONNTRACK_H

#include <stdint.h>

#include <netd/error.h>

int conntrack_forget_port(int family, uint8_t proto, uint16_t port, uint16_t port_end,
			  struct netd_error *e);

#endif /* NETD_CONNTRACK_H */
