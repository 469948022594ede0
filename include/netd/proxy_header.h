/* SPDX-License-Identifier: GPL-2.0-or-later */
/* proxy_header.h - the PROXY protocol version 2 header (HAProxy's proxy-protocol.txt) */
#ifndef NETD_PROXY_HEADER_H
#define NETD_PROXY_HEADER_H

#include <stddef.h>
#include <sys/socket.h>

/* the longest header netd writes: 16 bytes, then two IPv6 addresses and two ports */
#define PROXY_HEADER_MAX (16 + 36)

int proxy_header_v2(const struct sockaddr *src, const struct sockaddr *dst, int proto,
		    unsigned char *buf, size_t len);

#endif /* NETD_PROXY_HEADER_H */
