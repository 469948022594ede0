/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fileio.h - atomic file writes and bounded reads inside a directory fd */
#ifndef NETD_FILEIO_H
#define NETD_FILEIO_H

#include <stddef.h>

#include <netd/error.h>

int file_write_atomic(int dir_fd, const char *name, const char *data, size_t len,
		      struct netd_error *e);
int file_read_bounded(int dir_fd, const char *name, size_t max, char **ret, size_t *ret_len,
		      struct netd_error *e);
int fd_read_bounded(int fd, const char *name, size_t max, char **ret, size_t *ret_len,
		    struct netd_error *e);
int file_remove(int dir_fd, const char *name, struct netd_error *e);
int dir_open_or_create(const char *path, int mode, struct netd_error *e);
int dir_mkdir_p(const char *path, int mode, struct netd_error *e);

#endif /* NETD_FILEIO_H */
