/* SPDX-License-Identifier: GPL-2.0-or-later */
/* portbind.h - holding published host ports: a bound socket per address family and port */
#ifndef NETD_PORTBIND_H
#define NETD_PORTBIND_H

#include <stdbool.h>
#include <stdint.h>

#include <netd/cidr.h>
#include <netd/error.h>

int portbind_hold(int family, const struct ipaddr *addr, int proto, uint16_t port, bool serve,
		  int *ret_fd, uint16_t *ret_port, struct netd_error *e);

#endif /* NETD_PORTBIND_H */
