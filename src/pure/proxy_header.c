// SPDX-License-Identifier: GPL-2.0-or-later
/* proxy_header.c - encode a PROXY protocol v2 header, so the application sees the client */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <netd/proxy_header.h>

static const unsigned char signature[12] = { 0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d,
					     0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a };

#define PP2_VERSION_PROXY 0x21 /* version 2, command PROXY */
#define PP2_AF_INET 0x10
#define PP2_AF_INET6 0x20
#define PP2_STREAM 0x01
#define PP2_DGRAM 0x02

/**
 * proxy_header_v2() - the header that tells the server who connected, and to what
 * @src:	the client's address (sockaddr_in or sockaddr_in6)
 * @dst:	the address the client connected to, of the same family
 * @proto:	IPPROTO_TCP or IPPROTO_UDP
 * @buf:	output
 * @len:	size of @buf, at least PROXY_HEADER_MAX for any address
 *
 * Return: bytes written, or -EINVAL (families differ or unknown), -ENOBUFS
 */
int proxy_header_v2(const struct sockaddr *src, const struct sockaddr *dst, int proto,
		    unsigned char *buf, size_t len)
{
	unsigned char *p = buf + 16;
	size_t addr_len;

	if (src->sa_family != dst->sa_family || (proto != IPPROTO_TCP && proto != IPPROTO_UDP))
		return -EINVAL;
	if (src->sa_family == AF_INET)
		addr_len = 12;
	else if (src->sa_family == AF_INET6)
		addr_len = 36;
	else
		return -EINVAL;
	if (len < 16 + addr_len)
		return -ENOBUFS;
	memcpy(buf, signature, sizeof(signature));
	buf[12] = PP2_VERSION_PROXY;
	buf[13] = (unsigned char)((src->sa_family == AF_INET ? PP2_AF_INET : PP2_AF_INET6) |
				  (proto == IPPROTO_TCP ? PP2_STREAM : PP2_DGRAM));
	buf[14] = 0;
	buf[15] = (unsigned char)addr_len;
	/* copies, not casts: a struct sockaddr is only 2-byte aligned */
	if (src->sa_family == AF_INET) {
		struct sockaddr_in s, d;

		memcpy(&s, src, sizeof(s));
		memcpy(&d, dst, sizeof(d));
		memcpy(p, &s.sin_addr, 4);
		memcpy(p + 4, &d.sin_addr, 4);
		memcpy(p + 8, &s.sin_port, 2);
		memcpy(p + 10, &d.sin_port, 2);
	} else {
		struct sockaddr_in6 s, d;

		memcpy(&s, src, sizeof(s));
		memcpy(&d, dst, sizeof(d));
		memcpy(p, &s.sin6_addr, 16);
		memcpy(p + 16, &d.sin6_addr, 16);
		memcpy(p + 32, &s.sin6_port, 2);
		memcpy(p + 34, &d.sin6_port, 2);
	}
	return (int)(16 + addr_len);
}
