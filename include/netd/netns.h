/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netns.h - network namespace handles: open and verify, identity, sockets inside a netns */
#ifndef NETD_NETNS_H
#define NETD_NETNS_H

#include <stdint.h>

#include <netd/error.h>

/**
 * struct netns_id - what identifies a namespace across opens: its nsfs device and inode
 */
struct netns_id {
	uint64_t dev;
	uint64_t ino;
};

int netns_open(const char *path, int *ret_fd, struct netns_id *ret_id, struct netd_error *e);
int netns_pid_path(int pid, char *buf, size_t len);
int netns_self_id(struct netns_id *ret);
int netns_socket(int ns_fd, int domain, int type, int proto, struct netd_error *e);

#endif /* NETD_NETNS_H */
