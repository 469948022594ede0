/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ipam.h - per-subnet address allocator */
#ifndef NETD_IPAM_H
#define NETD_IPAM_H

#include <netd/cidr.h>

/* host offsets are 32 bits: an IPv6 /64 hands out its first 2^32 addresses, plenty per bridge */
#define IPAM_MAX_HOSTS_BITS 32

/**
 * struct ipam - allocator over the host offsets of one subnet
 * @subnet:	the subnet (host bits zero)
 * @first:	lowest offset that may be handed out (1: skips the network address)
 * @last:	highest offset that may be handed out (skips the IPv4 broadcast)
 * @used:	sorted array of offsets in use (gateway included)
 * @n_used:	entries in @used
 * @cap:	allocated entries of @used
 * @next:	where the next search starts, so released addresses are not reused at once
 */
struct ipam {
	struct cidr subnet;
	uint32_t first;
	uint32_t last;
	uint32_t *used;
	size_t n_used;
	size_t cap;
	uint32_t next;
};

int ipam_init(struct ipam *ipam, const struct cidr *subnet);
void ipam_done(struct ipam *ipam);
int ipam_reserve(struct ipam *ipam, const struct ipaddr *a);
int ipam_alloc(struct ipam *ipam, struct ipaddr *ret);
int ipam_release(struct ipam *ipam, const struct ipaddr *a);
bool ipam_is_used(const struct ipam *ipam, const struct ipaddr *a);
uint64_t ipam_capacity(const struct ipam *ipam);
uint64_t ipam_free(const struct ipam *ipam);

#endif /* NETD_IPAM_H */
