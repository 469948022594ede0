/* SPDX-License-Identifier: GPL-2.0-or-later */
/* error.h - error context carried up the layers, and errno mappings */
#ifndef NETD_ERROR_H
#define NETD_ERROR_H

#include <netd/macro.h>

/**
 * struct netd_error - an error with context, in a fixed buffer so setting it cannot fail
 * @code:	positive errno
 * @msg:	human-readable context, lowercase, no final period
 */
struct netd_error {
	int code;
	char msg[512];
};

#define NETD_ERROR_INIT \
	{               \
		0, ""   \
	}

int err_set(struct netd_error *e, int code, const char *fmt, ...) _printf_(3, 4);
int err_wrap(struct netd_error *e, const char *fmt, ...) _printf_(2, 3);
void err_clear(struct netd_error *e);
const char *errno_name(int code);
int errno_from_name(const char *name);
int errno_to_http(int code);
int errno_to_cni(int code);

#endif /* NETD_ERROR_H */
