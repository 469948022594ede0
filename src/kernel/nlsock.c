// SPDX-License-Identifier: GPL-2.0-or-later
/* nlsock.c - libnl NETLINK_ROUTE sockets opened in a chosen netns; NLE -> errno, once */
#include "config.h"

#include <errno.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/socket.h>

#include <netd/cleanup.h>
#include <netd/netns.h>
#include <netd/nlsock.h>

/*
 * libnl folds kernel errnos into a few NLE codes (EEXIST and EBUSY both survive, but many
 * do not). The error callback keeps the kernel's own errno of the last failed request, one
 * slot per thread (netd deletes links on a thread of its own: link_reaper.c).
 */
static _Thread_local int last_kernel_errno;

static int capture_err(struct sockaddr_nl *nla, struct nlmsgerr *nlerr, void *arg)
{
	last_kernel_errno = nlerr->error < 0 ? -nlerr->error : nlerr->error;
	return NL_STOP;
}

static const struct {
	int nle;
	int err;
} nle_map[] = {
	{ NLE_EXIST, EEXIST },	      { NLE_NOMEM, ENOMEM },
	{ NLE_OBJ_NOTFOUND, ENOENT }, { NLE_NODEV, ENODEV },
	{ NLE_PERM, EPERM },	      { NLE_BUSY, EBUSY },
	{ NLE_INVAL, EINVAL },	      { NLE_RANGE, ERANGE },
	{ NLE_AGAIN, EAGAIN },	      { NLE_NOADDR, EADDRNOTAVAIL },
	{ NLE_OPNOTSUPP, ENOTSUP },   { NLE_AF_NOSUPPORT, EAFNOSUPPORT },
	{ NLE_MSGSIZE, EMSGSIZE },    { NLE_NOACCESS, EACCES },
	{ NLE_INTR, EINTR },
};

/**
 * nlsock_errno() - turn a libnl result into a negative errno, preferring the kernel's own
 * @nlerr:	negative NLE_* code (or >= 0, returned as is)
 *
 * Return: @nlerr when >= 0, else a negative errno
 */
int nlsock_errno(int nlerr)
{
	size_t i;
	int k = last_kernel_errno;

	last_kernel_errno = 0;
	if (nlerr >= 0)
		return nlerr;
	if (k > 0)
		return -k;
	for (i = 0; i < ARRAY_SIZE(nle_map); i++)
		if (nle_map[i].nle == -nlerr)
			return -nle_map[i].err;
	return -EIO;
}

/**
 * nlsock_open() - a NETLINK_ROUTE libnl socket living in the netns @ns_fd
 * @ns_fd:	namespace, or -1 for netd's own
 * @ret:	the socket, to free with nl_socket_free()
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int nlsock_open(int ns_fd, struct nl_sock **ret, struct netd_error *e)
{
	_cleanup_nl_sock_ struct nl_sock *sk = NULL;
	_cleanup_close_ int fd = -1;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int r;

	sk = nl_socket_alloc();
	if (!sk)
		return err_set(e, ENOMEM, "allocate netlink socket");
	fd = netns_socket(ns_fd, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE, e);
	if (fd < 0)
		return fd;
	/* the kernel picks the port id; libnl reads it back with getsockname() */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return err_set(e, errno, "bind netlink socket: %s", strerror(errno));
	r = nl_socket_set_fd(sk, NETLINK_ROUTE, fd);
	if (r < 0)
		return err_set(e, -nlsock_errno(r), "adopt netlink socket: %s", nl_geterror(r));
	TAKE_FD(fd); /* owned by sk now */
	r = nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, capture_err, NULL);
	if (r < 0)
		return err_set(e, -nlsock_errno(r), "set netlink error handler: %s",
			       nl_geterror(r));
	*ret = TAKE_PTR(sk);
	return 0;
}
