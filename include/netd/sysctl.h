/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sysctl.h - /proc/sys writes, which act on the writer's own network namespace */
#ifndef NETD_SYSCTL_H
#define NETD_SYSCTL_H

#include <netd/error.h>

int sysctl_write(const char *path, const char *value, struct netd_error *e);
int sysctl_read(const char *path, char *buf, size_t len, struct netd_error *e);

#endif /* NETD_SYSCTL_H */
