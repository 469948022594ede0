// SPDX-License-Identifier: GPL-2.0-or-later
/* ipam.c - per-subnet allocator: never the network, broadcast or gateway, never twice */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netd/ipam.h>

/**
 * ipam_init() - set up an allocator over @subnet
 * @ipam:	allocator
 * @subnet:	subnet; IPv4 at most /30, IPv6 at most /126 (room for a gateway and a host)
 *
 * Return: 0 or -EINVAL
 */
int ipam_init(struct ipam *ipam, const struct cidr *subnet)
{
	unsigned int bits = ipaddr_bits(subnet->addr.family), hb;
	uint64_t size;

	memset(ipam, 0, sizeof(*ipam));
	if (!bits || subnet->prefixlen > bits - 2)
		return -EINVAL;
	hb = bits - subnet->prefixlen;
	if (hb > IPAM_MAX_HOSTS_BITS)
		hb = IPAM_MAX_HOSTS_BITS;
	size = UINT64_C(1) << hb;
	ipam->subnet = *subnet;
	cidr_mask(&ipam->subnet);
	ipam->first = 1;
	/* the IPv4 broadcast address is never a host; IPv6 has none */
	if (subnet->addr.family == AF_INET && bits - subnet->prefixlen <= IPAM_MAX_HOSTS_BITS)
		ipam->last = (uint32_t)(size - 2);
	else
		ipam->last = (uint32_t)(size - 1);
	ipam->next = ipam->first;
	return 0;
}

/**
 * ipam_done() - free the allocator's memory
 * @ipam:	allocator
 */
void ipam_done(struct ipam *ipam)
{
	free(ipam->used);
	ipam->used = NULL;
	ipam->n_used = ipam->cap = 0;
}

/* index of the first entry >= off */
static size_t lower_bound(const struct ipam *ipam, uint32_t off)
{
	size_t lo = 0, hi = ipam->n_used;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ipam->used[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int to_offset(const struct ipam *ipam, const struct ipaddr *a, uint32_t *ret)
{
	uint64_t off;

	if (cidr_offset(&ipam->subnet, a, &off) < 0)
		return -EINVAL;
	if (off < ipam->first || off > ipam->last)
		return -EINVAL;
	*ret = (uint32_t)off;
	return 0;
}

static int insert(struct ipam *ipam, uint32_t off)
{
	size_t i = lower_bound(ipam, off);

	if (i < ipam->n_used && ipam->used[i] == off)
		return -EEXIST;
	if (ipam->n_used == ipam->cap) {
		size_t cap = ipam->cap ? ipam->cap * 2 : 16;
		uint32_t *p = realloc(ipam->used, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		ipam->used = p;
		ipam->cap = cap;
	}
	memmove(&ipam->used[i + 1], &ipam->used[i], (ipam->n_used - i) * sizeof(*ipam->used));
	ipam->used[i] = off;
	ipam->n_used++;
	return 0;
}

/**
 * ipam_reserve() - mark a given address as used (a gateway, a requested --ip, state at load)
 * @ipam:	allocator
 * @a:		address
 *
 * Return: 0, -EINVAL when not a host address of the subnet, -EEXIST when in use, -ENOMEM
 */
int ipam_reserve(struct ipam *ipam, const struct ipaddr *a)
{
	uint32_t off;
	int r = to_offset(ipam, a, &off);

	if (r < 0)
		return r;
	return insert(ipam, off);
}

/**
 * ipam_alloc() - hand out the next free address, searching on from the last one handed out
 * @ipam:	allocator
 * @ret:	the address
 *
 * Return: 0, -ENOSPC when the subnet is exhausted, -ENOMEM
 */
int ipam_alloc(struct ipam *ipam, struct ipaddr *ret)
{
	uint64_t off = ipam->next;
	size_t i;
	int pass, r;

	if (ipam->n_used >= ipam_capacity(ipam))
		return -ENOSPC;
	/* walk the sorted used list from @next: the first gap is free; wrap around once */
	for (pass = 0; pass < 2; pass++) {
		i = lower_bound(ipam, (uint32_t)off);
		while (off <= ipam->last && i < ipam->n_used && ipam->used[i] == off) {
			off++;
			i++;
		}
		if (off <= ipam->last)
			break;
		off = ipam->first;
	}
	if (pass == 2)
		return -ENOSPC;
	r = insert(ipam, (uint32_t)off);
	if (r < 0)
		return r;
	ipam->next = off >= ipam->last ? ipam->first : (uint32_t)(off + 1);
	return cidr_host(&ipam->subnet, off, ret);
}

/**
 * ipam_release() - give an address back
 * @ipam:	allocator
 * @a:		address
 *
 * Return: 0, -ENOENT when it was not in use, -EINVAL when outside the subnet
 */
int ipam_release(struct ipam *ipam, const struct ipaddr *a)
{
	uint32_t off;
	size_t i;
	int r = to_offset(ipam, a, &off);

	if (r < 0)
		return r;
	i = lower_bound(ipam, off);
	if (i >= ipam->n_used || ipam->used[i] != off)
		return -ENOENT;
	memmove(&ipam->used[i], &ipam->used[i + 1], (ipam->n_used - i - 1) * sizeof(*ipam->used));
	ipam->n_used--;
	return 0;
}

/**
 * ipam_is_used() - whether @a is handed out or reserved
 * @ipam:	allocator
 * @a:		address
 *
 * Return: true when in use
 */
bool ipam_is_used(const struct ipam *ipam, const struct ipaddr *a)
{
	uint32_t off;
	size_t i;

	if (to_offset(ipam, a, &off) < 0)
		return false;
	i = lower_bound(ipam, off);
	return i < ipam->n_used && ipam->used[i] == off;
}

/**
 * ipam_capacity() - how many addresses the allocator can hand out in all
 * @ipam:	allocator
 *
 * Return: count
 */
uint64_t ipam_capacity(const struct ipam *ipam)
{
	return (uint64_t)ipam->last - ipam->first + 1;
}

/**
 * ipam_free() - how many addresses are still free
 * @ipam:	allocator
 *
 * Return: count
 */
uint64_t ipam_free(const struct ipam *ipam)
{
	return ipam_capacity(ipam) - ipam->n_used;
}
