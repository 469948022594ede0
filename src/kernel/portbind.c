// SPDX-License-Identifier: GPL-2.0-or-later
/* portbind.c - hold a published host port with a bound socket, so nobody else can take it */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <netd/portbind.h>

/* what a UDP socket served by the proxy may queue */
#define SERVE_UDP_RCVBUF (4 * 1024 * 1024)

/**
 * portbind_hold() - bind a socket to @addr:@port (or every address of @family) and keep it
 * @family:	AF_INET or AF_INET6
 * @addr:	address, or NULL for every address of @family
 * @proto:	IPPROTO_TCP, IPPROTO_UDP or IPPROTO_SCTP
 * @port:	port, or 0 for one the kernel picks
 * @serve:	the userland proxy will serve it (see below)
 * @ret_fd:	the socket; -1 when the kernel has no @proto (SCTP not loaded): nothing to hold
 * @ret_port:	the port bound (the picked one for 0)
 * @e:		error context
 *
 * Without @serve the socket neither listens nor sets SO_REUSEADDR: another program's bind()
 * to the port then fails, whatever options it uses, while NAT carries the traffic.  With
 * @serve, TCP listens here, in netd, so that connections wait in the backlog while a new
 * proxy worker starts; a listening socket keeps the port as well, and SO_REUSEADDR lets a
 * later publish bind it again while the proxy's closed connections linger in TIME_WAIT.  UDP
 * gets a receive buffer above the default limit (netd has CAP_NET_ADMIN, the worker does
 * not): bursts wait there while the worker catches up.  IPv6 sockets are IPV6_V6ONLY, so
 * the IPv4 port is held on its own.
 *
 * Return: 0, -EADDRINUSE when the port is taken, or negative errno
 */
int portbind_hold(int family, const struct ipaddr *addr, int proto, uint16_t port, bool serve,
		  int *ret_fd, uint16_t *ret_port, struct netd_error *e)
{
	int type = proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	_cleanup_close_ int fd = -1;
	int one = 1, rcvbuf = SERVE_UDP_RCVBUF;

	fd = socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, proto);
	if (fd < 0 && proto == IPPROTO_SCTP &&
	    (errno == EPROTONOSUPPORT || errno == ESOCKTNOSUPPORT)) {
		*ret_fd = -1;
		*ret_port = port;
		return 0;
	}
	if (fd < 0)
		return err_set(e, errno, "socket: %s", strerror(errno));
	if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		return err_set(e, errno, "IPV6_V6ONLY: %s", strerror(errno));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		if (addr)
			sin->sin_addr = addr->v4;
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		if (addr)
			sin6->sin6_addr = addr->v6;
		len = sizeof(*sin6);
	}
	if (serve && proto == IPPROTO_TCP &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		return err_set(e, errno, "SO_REUSEADDR: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		return err_set(e, errno, "bind: %s", strerror(errno));
	if (serve && proto == IPPROTO_TCP && listen(fd, SOMAXCONN) < 0)
		return err_set(e, errno, "listen: %s", strerror(errno));
	if (serve && proto == IPPROTO_UDP)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return err_set(e, errno, "getsockname: %s", strerror(errno));
	*ret_port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
					      ((struct sockaddr_in6 *)&ss)->sin6_port);
	*ret_fd = TAKE_FD(fd);
	return 0;
}
