// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * notify.c - tell the service manager how netd is doing: the sd_notify protocol, one
 * datagram on $NOTIFY_SOCKET, without linking libsystemd
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "daemon.h"

/**
 * notify_manager() - send @state ("READY=1", "STOPPING=1", ...) to the service manager
 * @state:	the message
 *
 * Without $NOTIFY_SOCKET (not started by systemd with Type=notify) nothing happens.  An
 * abstract socket is written with a leading '@'.  Failures are logged and otherwise ignored:
 * the service manager's bookkeeping must not stop netd.
 */
void notify_manager(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -1;
	size_t len;

	if (!path || !*path)
		return;
	len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || len >= sizeof(sa.sun_path)) {
		log_warn("NOTIFY_SOCKET '%s' is not a socket path, ignoring", path);
		return;
	}
	memcpy(sa.sun_path, path, len);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa,
			     (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0)
		log_warn("notify the service manager (%s): %s, ignoring", state, strerror(errno));
}
