/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cidr.h - IPv4/IPv6 addresses and prefixes: parse, format, containment, host arithmetic */
#ifndef NETD_CIDR_H
#define NETD_CIDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* long enough for "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128" */
#define CIDR_STRLEN 64

/**
 * struct ipaddr - an IPv4 or IPv6 address
 * @family:	AF_INET or AF_INET6 (0 when unset)
 * @b:		address bytes in network order (4 or 16 used)
 */
struct ipaddr {
	int family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t b[16];
	};
};

/**
 * struct cidr - a prefix: address plus prefix length
 */
struct cidr {
	struct ipaddr addr;
	unsigned int prefixlen;
};

size_t ipaddr_len(const struct ipaddr *a);
unsigned int ipaddr_bits(int family);
int ipaddr_parse(const char *s, struct ipaddr *ret);
int ipaddr_format(const struct ipaddr *a, char *buf, size_t len);
bool ipaddr_equal(const struct ipaddr *a, const struct ipaddr *b);

int cidr_parse(const char *s, struct cidr *ret);
int cidr_parse_subnet(const char *s, struct cidr *ret);
int cidr_format(const struct cidr *c, char *buf, size_t len);
void cidr_mask(struct cidr *c);
bool cidr_is_network(const struct cidr *c);
bool cidr_contains(const struct cidr *c, const struct ipaddr *a);
bool cidr_overlaps(const struct cidr *a, const struct cidr *b);
int cidr_host(const struct cidr *c, uint64_t offset, struct ipaddr *ret);
int cidr_offset(const struct cidr *c, const struct ipaddr *a, uint64_t *ret);
int cidr_nth_subnet(const struct cidr *pool, unsigned int newlen, uint64_t n, struct cidr *ret);

#endif /* NETD_CIDR_H */
