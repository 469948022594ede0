// SPDX-License-Identifier: GPL-2.0-or-later
/* netns.c - open and verify namespace handles; sockets created inside a netns */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <netd/netns.h>

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

/**
 * netns_open() - open a path and check it is a network namespace
 * @path:	a bind-mounted namespace (/run/netns/x) or /proc/PID/ns/net
 * @ret_fd:	the namespace fd (O_CLOEXEC)
 * @ret_id:	its identity, or NULL
 * @e:		error context
 *
 * The check is made on the opened fd (statfs type and NS_GET_NSTYPE), never on the string,
 * so a regular file, a directory, or another kind of namespace is refused.
 *
 * Return: 0, -ENOENT, -EINVAL when not a network namespace, or another negative errno
 */
int netns_open(const char *path, int *ret_fd, struct netns_id *ret_id, struct netd_error *e)
{
	_cleanup_close_ int fd = -1;
	struct statfs sfs;
	struct stat st;
	int type;

	/* O_NONBLOCK: a FIFO planted as the path must not block the daemon in open() */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return err_set(e, errno, "open netns '%s': %s", path, strerror(errno));
	if (fstatfs(fd, &sfs) < 0)
		return err_set(e, errno, "statfs netns '%s': %s", path, strerror(errno));
	if ((unsigned long)sfs.f_type != NSFS_MAGIC)
		return err_set(e, EINVAL, "'%s' is not a network namespace", path);
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0)
		return err_set(e, errno, "query namespace type of '%s': %s", path, strerror(errno));
	if (type != CLONE_NEWNET)
		return err_set(e, EINVAL, "'%s' is not a network namespace", path);
	if (fstat(fd, &st) < 0)
		return err_set(e, errno, "stat netns '%s': %s", path, strerror(errno));
	if (ret_id) {
		ret_id->dev = (uint64_t)st.st_dev;
		ret_id->ino = (uint64_t)st.st_ino;
	}
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/**
 * netns_pid_path() - "/proc/PID/ns/net"
 * @pid:	process id
 * @buf:	output
 * @len:	size of @buf
 *
 * Return: 0 or -ENAMETOOLONG
 */
int netns_pid_path(int pid, char *buf, size_t len)
{
	int n = snprintf(buf, len, "/proc/%d/ns/net", pid);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/**
 * netns_self_id() - identity of the caller's own network namespace
 * @ret:	the identity
 *
 * Return: 0 or negative errno
 */
int netns_self_id(struct netns_id *ret)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st) < 0)
		return -errno;
	ret->dev = (uint64_t)st.st_dev;
	ret->ino = (uint64_t)st.st_ino;
	return 0;
}

/* netd's own netns, opened once: setns() needs an fd to come back to */
static int home_fd = -1;

static int enter(int ns_fd, struct netd_error *e)
{
	if (home_fd < 0) {
		home_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (home_fd < 0)
			return err_set(e, errno, "open own netns: %s", strerror(errno));
	}
	if (setns(ns_fd, CLONE_NEWNET) < 0)
		return err_set(e, errno, "enter netns: %s", strerror(errno));
	return 0;
}

static void leave(void)
{
	if (setns(home_fd, CLONE_NEWNET) < 0) {
		/* staying in the container's netns would be far worse than dying */
		(void)fprintf(stderr, "netd: fatal: cannot return to own netns: %s\n",
			      strerror(errno));
		abort();
	}
}

/**
 * netns_socket() - create a socket that lives in the netns @ns_fd
 * @ns_fd:	namespace, or -1 for the current one
 * @domain:	socket domain
 * @type:	socket type (add SOCK_CLOEXEC)
 * @proto:	protocol
 * @e:		error context
 *
 * A socket belongs to the netns it was created in, so enter, create, and come back at once.
 * This file is the only place in netd that calls setns().
 *
 * Return: the fd, or negative errno
 */
int netns_socket(int ns_fd, int domain, int type, int proto, struct netd_error *e)
{
	int fd, saved, r;

	if (ns_fd < 0) {
		fd = socket(domain, type, proto);
		if (fd < 0)
			return err_set(e, errno, "create socket: %s", strerror(errno));
		return fd;
	}
	r = enter(ns_fd, e);
	if (r < 0)
		return r;
	fd = socket(domain, type, proto);
	saved = errno;
	leave();
	if (fd < 0)
		return err_set(e, saved, "create socket in netns: %s", strerror(saved));
	return fd;
}
