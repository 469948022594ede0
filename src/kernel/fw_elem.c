// SPDX-License-Identifier: GPL-2.0-or-later
/* fw_elem.c - set elements of netd's table: a network's bridge and subnets, added or removed */
#include "config.h"

#include <errno.h>
#include <netinet/in.h> /* before the uapi headers, which defer to it */
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include <libnftnl/set.h>

#include "fw_int.h"

/**
 * fw_set_new() - a set object of netd's table, to carry elements
 * @fw:		handle
 * @name:	set name
 *
 * Return: the set, NULL on ENOMEM
 */
struct nftnl_set *fw_set_new(const struct fw *fw, const char *name)
{
	struct nftnl_set *s = nftnl_set_alloc();

	if (!s)
		return NULL;
	if (nftnl_set_set_str(s, NFTNL_SET_TABLE, fw->table) < 0 ||
	    nftnl_set_set_str(s, NFTNL_SET_NAME, name) < 0) {
		nftnl_set_free(s);
		return NULL;
	}
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	return s;
}

static int add_elem(struct nftnl_set *s, const void *key, size_t len, uint32_t flags)
{
	struct nftnl_set_elem *el = nftnl_set_elem_alloc();

	if (!el)
		return -ENOMEM;
	if (nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, key, (uint32_t)len) < 0) {
		nftnl_set_elem_free(el);
		return -ENOMEM;
	}
	if (flags)
		nftnl_set_elem_set_u32(el, NFTNL_SET_ELEM_FLAGS, flags);
	nftnl_set_elem_add(s, el);
	return 0;
}

static int add_ifname(struct nftnl_set *s, const char *name)
{
	char key[IFNAMSIZ] = { 0 };

	memcpy(key, name, strnlen(name, IFNAMSIZ - 1));
	return add_elem(s, key, sizeof(key), 0);
}

/* an interval set holds a prefix as its first address and, flagged, the one past its end */
static int add_prefix(struct nftnl_set *s, const struct cidr *c)
{
	size_t len = ipaddr_len(&c->addr), i;
	struct cidr start = *c;
	uint8_t end[16];
	int r, carry = 1;

	cidr_mask(&start);
	r = add_elem(s, start.addr.b, len, 0);
	if (r < 0)
		return r;
	/* end = last address + 1; the last address has every host bit set */
	for (i = 0; i < len; i++) {
		unsigned int bit = (unsigned int)i * 8;
		uint8_t host = bit >= c->prefixlen     ? 0xff :
			       bit + 8 <= c->prefixlen ? 0 :
							 (uint8_t)(0xff >> (c->prefixlen - bit));

		end[i] = start.addr.b[i] | host;
	}
	for (i = len; i > 0 && carry; i--) {
		end[i - 1]++;
		carry = end[i - 1] == 0;
	}
	if (carry)
		return 0; /* the prefix runs to the top of the address space: no end element */
	return add_elem(s, end, len, NFT_SET_ELEM_INTERVAL_END);
}

/**
 * fw_elems_for_network() - the elements one network contributes to each of netd's sets
 * @net:	network
 * @sets:	bridges, br_same, internal, masq4, masq6 (filled)
 *
 * Return: 0 or -ENOMEM
 */
int fw_elems_for_network(const struct fw_network *net, struct nftnl_set *sets[5])
{
	char pair[2 * IFNAMSIZ] = { 0 };
	size_t blen = strnlen(net->bridge, IFNAMSIZ - 1);
	int r;

	r = add_ifname(sets[0], net->bridge);
	if (r < 0)
		return r;
	memcpy(pair, net->bridge, blen);
	memcpy(pair + IFNAMSIZ, net->bridge, blen);
	r = add_elem(sets[1], pair, sizeof(pair), 0);
	if (r < 0)
		return r;
	if (net->internal)
		return add_ifname(sets[2], net->bridge);
	r = add_prefix(sets[3], &net->subnet);
	if (r < 0 || !net->has_v6)
		return r;
	return add_prefix(sets[4], &net->subnet6);
}

/**
 * fw_batch_add_elems() - add (or delete) the elements carried by @s in the batch
 * @b:		batch
 * @s:		set object with elements; nothing is added when it has none
 * @add:	NEWSETELEM, else DELSETELEM
 * @what:	description for errors
 *
 * Return: 0 or -ENOMEM
 */
int fw_batch_add_elems(struct fw_batch *b, struct nftnl_set *s, bool add, const char *what)
{
	struct nftnl_set_elems_iter *it;
	struct nlmsghdr *nlh;
	bool empty;

	it = nftnl_set_elems_iter_create(s);
	if (!it)
		return -ENOMEM;
	empty = nftnl_set_elems_iter_cur(it) == NULL;
	nftnl_set_elems_iter_destroy(it);
	if (empty)
		return 0;
	nlh = fw_batch_cmd(b, add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM, add ? NLM_F_CREATE : 0,
			   what);
	if (!nlh)
		return -ENOMEM;
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	return 0;
}

static int network_elems(struct fw *fw, const struct fw_network *net, bool add,
			 struct netd_error *e)
{
	static const char *const names[5] = { FW_SET_BRIDGES, FW_SET_BR_SAME, FW_SET_INTERNAL,
					      FW_SET_MASQ4, FW_SET_MASQ6 };
	struct nftnl_set *sets[5] = { NULL };
	struct fw_batch b;
	size_t i;
	int r;

	r = fw_batch_begin(fw, &b, e);
	if (r < 0)
		return r;
	for (i = 0; i < 5; i++) {
		sets[i] = fw_set_new(fw, names[i]);
		if (!sets[i]) {
			r = err_set(e, ENOMEM, "nftables set");
			goto out;
		}
	}
	r = fw_elems_for_network(net, sets);
	for (i = 0; r == 0 && i < 5; i++)
		r = fw_batch_add_elems(&b, sets[i], add,
				       add ? "add network elements" : "remove network elements");
	if (r < 0) {
		r = err_set(e, -r, "nftables elements of bridge '%s'", net->bridge);
		goto out;
	}
	r = fw_batch_commit(&b, e);
out:
	for (i = 0; i < 5; i++)
		if (sets[i])
			nftnl_set_free(sets[i]);
	fw_batch_done(&b);
	return r;
}

/**
 * fw_network_add() - a new network's bridge and subnets join netd's sets, in one batch
 * @fw:		handle
 * @net:	network
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int fw_network_add(struct fw *fw, const struct fw_network *net, struct netd_error *e)
{
	return network_elems(fw, net, true, e);
}

/**
 * fw_network_del() - a removed network's elements leave netd's sets, in one batch
 * @fw:		handle
 * @net:	network
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int fw_network_del(struct fw *fw, const struct fw_network *net, struct netd_error *e)
{
	return network_elems(fw, net, false, e);
}
