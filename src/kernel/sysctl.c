// SPDX-License-Identifier: GPL-2.0-or-later
/* sysctl.c - /proc/sys reads and writes; net.* entries act on the caller's netns */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <netd/sysctl.h>

/**
 * sysctl_write() - write @value to a /proc/sys file
 * @path:	e.g. "/proc/sys/net/ipv4/ip_forward"
 * @value:	text to write
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int sysctl_write(const char *path, const char *value, struct netd_error *e)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t len = strlen(value);
	ssize_t n;

	if (fd < 0)
		return err_set(e, errno, "open '%s': %s", path, strerror(errno));
	n = write(fd, value, len);
	if (n < 0)
		return err_set(e, errno, "write '%s': %s", path, strerror(errno));
	if ((size_t)n != len)
		return err_set(e, EIO, "short write to '%s'", path);
	return 0;
}

/**
 * sysctl_read() - read a /proc/sys file, trailing newline removed
 * @path:	file
 * @buf:	output
 * @len:	size of @buf
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int sysctl_read(const char *path, char *buf, size_t len, struct netd_error *e)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return err_set(e, errno, "open '%s': %s", path, strerror(errno));
	n = read(fd, buf, len - 1);
	if (n < 0)
		return err_set(e, errno, "read '%s': %s", path, strerror(errno));
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}
