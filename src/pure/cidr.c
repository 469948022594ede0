// SPDX-License-Identifier: GPL-2.0-or-later
/* cidr.c - parse/format IPv4/IPv6 addresses and prefixes, containment, overlap, host arithmetic */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <netd/cidr.h>
#include <netd/parse.h>

/**
 * ipaddr_len() - bytes used by @a's family
 * @a:		address
 *
 * Return: 4, 16, or 0 when unset
 */
size_t ipaddr_len(const struct ipaddr *a)
{
	return a->family == AF_INET ? 4 : a->family == AF_INET6 ? 16 : 0;
}

/**
 * ipaddr_bits() - address width of a family
 * @family:	AF_INET or AF_INET6
 *
 * Return: 32, 128, or 0
 */
unsigned int ipaddr_bits(int family)
{
	return family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0;
}

/**
 * ipaddr_parse() - parse a dotted-quad IPv4 or an IPv6 address (no zone, no brackets)
 * @s:		text
 * @ret:	the address
 *
 * Return: 0 or -EINVAL
 */
int ipaddr_parse(const char *s, struct ipaddr *ret)
{
	struct ipaddr a = { 0 };

	if (!s || strlen(s) >= INET6_ADDRSTRLEN)
		return -EINVAL;
	if (strchr(s, ':')) {
		if (inet_pton(AF_INET6, s, &a.v6) != 1)
			return -EINVAL;
		a.family = AF_INET6;
	} else {
		if (inet_pton(AF_INET, s, &a.v4) != 1)
			return -EINVAL;
		a.family = AF_INET;
	}
	*ret = a;
	return 0;
}

/**
 * ipaddr_format() - print an address
 * @a:		address
 * @buf:	output
 * @len:	size of @buf (INET6_ADDRSTRLEN is always enough)
 *
 * Return: 0 or -EINVAL
 */
int ipaddr_format(const struct ipaddr *a, char *buf, size_t len)
{
	if (!ipaddr_len(a) || !inet_ntop(a->family, a->b, buf, (socklen_t)len))
		return -EINVAL;
	return 0;
}

/**
 * ipaddr_equal() - same family and bytes
 * @a:		address
 * @b:		address
 *
 * Return: true when equal
 */
bool ipaddr_equal(const struct ipaddr *a, const struct ipaddr *b)
{
	return a->family == b->family && memcmp(a->b, b->b, ipaddr_len(a)) == 0;
}

/**
 * cidr_parse() - parse "ADDR/LEN"; host bits may be set (an interface address)
 * @s:		text
 * @ret:	the prefix
 *
 * Return: 0 or -EINVAL
 */
int cidr_parse(const char *s, struct cidr *ret)
{
	char buf[CIDR_STRLEN];
	struct cidr c = { 0 };
	char *slash;
	int r;

	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	r = ipaddr_parse(buf, &c.addr);
	if (r < 0)
		return r;
	r = parse_uint(slash + 1, ipaddr_bits(c.addr.family), &c.prefixlen);
	if (r < 0)
		return -EINVAL;
	*ret = c;
	return 0;
}

/**
 * cidr_mask() - clear the host bits of @c
 * @c:		prefix
 */
void cidr_mask(struct cidr *c)
{
	size_t len = ipaddr_len(&c->addr), i;

	for (i = 0; i < len; i++) {
		unsigned int bit = (unsigned int)i * 8;

		if (bit >= c->prefixlen)
			c->addr.b[i] = 0;
		else if (bit + 8 > c->prefixlen)
			c->addr.b[i] &= (uint8_t)(0xff << (8 - (c->prefixlen - bit)));
	}
}

/**
 * cidr_is_network() - whether the host bits of @c are all zero
 * @c:		prefix
 *
 * Return: true for a network address
 */
bool cidr_is_network(const struct cidr *c)
{
	struct cidr m = *c;

	cidr_mask(&m);
	return ipaddr_equal(&m.addr, &c->addr);
}

/**
 * cidr_parse_subnet() - parse a subnet: like cidr_parse() but host bits must be zero
 * @s:		text
 * @ret:	the subnet
 *
 * Return: 0, -EINVAL on syntax, -EDOM when host bits are set
 */
int cidr_parse_subnet(const char *s, struct cidr *ret)
{
	struct cidr c;
	int r = cidr_parse(s, &c);

	if (r < 0)
		return r;
	if (!cidr_is_network(&c))
		return -EDOM;
	*ret = c;
	return 0;
}

/**
 * cidr_format() - print "ADDR/LEN"
 * @c:		prefix
 * @buf:	output
 * @len:	size of @buf (CIDR_STRLEN is always enough)
 *
 * Return: 0 or -EINVAL
 */
int cidr_format(const struct cidr *c, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	int n;

	if (ipaddr_format(&c->addr, a, sizeof(a)) < 0)
		return -EINVAL;
	n = snprintf(buf, len, "%s/%u", a, c->prefixlen);
	return n < 0 || (size_t)n >= len ? -EINVAL : 0;
}

static bool prefix_match(const uint8_t *a, const uint8_t *b, unsigned int bits)
{
	unsigned int full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[full] ^ b[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

/**
 * cidr_contains() - whether @a lies in @c
 * @c:		prefix
 * @a:		address
 *
 * Return: true when contained (same family)
 */
bool cidr_contains(const struct cidr *c, const struct ipaddr *a)
{
	if (c->addr.family != a->family)
		return false;
	return prefix_match(c->addr.b, a->b, c->prefixlen);
}

/**
 * cidr_overlaps() - whether two prefixes share any address
 * @a:		prefix
 * @b:		prefix
 *
 * Return: true when they overlap (same family)
 */
bool cidr_overlaps(const struct cidr *a, const struct cidr *b)
{
	unsigned int bits = a->prefixlen < b->prefixlen ? a->prefixlen : b->prefixlen;

	if (a->addr.family != b->addr.family)
		return false;
	return prefix_match(a->addr.b, b->addr.b, bits);
}

static unsigned int host_bits(const struct cidr *c)
{
	return ipaddr_bits(c->addr.family) - c->prefixlen;
}

/**
 * cidr_host() - the address at @offset from the start of @c
 * @c:		prefix (host bits are ignored)
 * @offset:	host offset
 * @ret:	the address
 *
 * Return: 0, or -ERANGE when @offset does not fit in the host bits
 */
int cidr_host(const struct cidr *c, uint64_t offset, struct ipaddr *ret)
{
	struct cidr base = *c;
	unsigned int hb = host_bits(c);
	size_t i;

	if (!ipaddr_len(&c->addr))
		return -EINVAL;
	if (hb < 64 && offset >> hb)
		return -ERANGE;
	cidr_mask(&base);
	for (i = ipaddr_len(&base.addr); i > 0 && offset; i--) {
		base.addr.b[i - 1] |= (uint8_t)(offset & 0xff);
		offset >>= 8;
	}
	*ret = base.addr;
	return 0;
}

/**
 * cidr_offset() - host offset of @a within @c
 * @c:		prefix
 * @a:		address in @c
 * @ret:	the offset
 *
 * Return: 0, -EINVAL when @a is outside @c, -ERANGE when the offset exceeds 64 bits
 */
int cidr_offset(const struct cidr *c, const struct ipaddr *a, uint64_t *ret)
{
	size_t len = ipaddr_len(a), i;
	uint64_t off = 0;

	if (!cidr_contains(c, a))
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned int first_bit = (unsigned int)i * 8;
		unsigned int shift = (unsigned int)(len - 1 - i) * 8;
		uint8_t mask, v;

		/* the host bits of this byte: a byte may hold network and host bits both */
		if (first_bit + 8 <= c->prefixlen)
			continue;
		mask = first_bit >= c->prefixlen ? 0xff :
						   (uint8_t)(0xff >> (c->prefixlen - first_bit));
		v = a->b[i] & mask;
		if (!v)
			continue;
		if (shift >= 64)
			return -ERANGE;
		off |= (uint64_t)v << shift;
	}
	*ret = off;
	return 0;
}

/**
 * cidr_nth_subnet() - the @n-th prefix of length @newlen inside @pool
 * @pool:	the pool
 * @newlen:	length of the subnets carved from it (>= pool length)
 * @n:		index
 * @ret:	the subnet
 *
 * Return: 0, -EINVAL on a bad length, -ERANGE past the end of the pool
 */
int cidr_nth_subnet(const struct cidr *pool, unsigned int newlen, uint64_t n, struct cidr *ret)
{
	unsigned int bits = ipaddr_bits(pool->addr.family), diff;
	struct cidr c = *pool;
	size_t i;

	if (newlen < pool->prefixlen || newlen > bits)
		return -EINVAL;
	diff = newlen - pool->prefixlen;
	if (diff < 64 && n >> diff)
		return -ERANGE;
	cidr_mask(&c);
	/* add n << (bits - newlen) to the base address, byte by byte from the right */
	{
		unsigned int shift = bits - newlen;
		unsigned int byte = shift / 8, sh = shift % 8;
		unsigned __int128 v = (unsigned __int128)n << sh;

		for (i = ipaddr_len(&c.addr) - byte; i > 0 && v; i--) {
			unsigned int sum = c.addr.b[i - 1] + (unsigned int)(v & 0xff);

			c.addr.b[i - 1] = (uint8_t)sum;
			v >>= 8;
			v += sum >> 8;
		}
	}
	c.prefixlen = newlen;
	*ret = c;
	return 0;
}
