// SPDX-License-Identifier: GPL-2.0-or-later
/* fw_elem.c - set elements of netd's table: a network's bridge and subnets, added or removed */
#include "config.h"

#include <errno.h>
#include <netinet/in.h> /* before the uapi headers, which defer to it */
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <arpa/inet.h>
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

static void cat_bytes(struct concat *c, const void *p, size_t n)
{
	memcpy(c->b + c->len, p, n);
	c->len += (n + 3) & ~(size_t)3;
}

static void cat_port(struct concat *c, uint16_t port)
{
	uint16_t be = htons(port);

	cat_bytes(c, &be, sizeof(be));
}

static int add_elem_data(struct nftnl_set *s, const struct concat *key,
			 const struct concat *key_end, const struct concat *data)
{
	struct nftnl_set_elem *el = nftnl_set_elem_alloc();

	if (!el)
		return -ENOMEM;
	/* a hash map's element has no key end; an interval map's has one */
	if (nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, key->b, (uint32_t)key->len) < 0 ||
	    (key_end && nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY_END, key_end->b,
					   (uint32_t)key_end->len) < 0) ||
	    (data &&
	     nftnl_set_elem_set(el, NFTNL_SET_ELEM_DATA, data->b, (uint32_t)data->len) < 0)) {
		nftnl_set_elem_free(el);
		return -ENOMEM;
	}
	nftnl_set_elem_add(s, el);
	return 0;
}

/**
 * fw_elems_l4protos() - the transport protocols a port can be published for
 * @s:		the l4protos set
 *
 * Return: 0 or -ENOMEM
 */
int fw_elems_l4protos(struct nftnl_set *s)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP };
	size_t i;
	int r = 0;

	for (i = 0; i < ARRAY_SIZE(protos) && r == 0; i++)
		r = add_elem(s, &protos[i], 1, 0);
	return r;
}

/**
 * fw_port_map_index() - which of the eight port maps an element goes in
 * @p:		port
 *
 * Return: PUB_V6 | PUB_BOUND | PUB_SAME bits
 */
unsigned int fw_port_map_index(const struct fw_port *p)
{
	return (p->family == AF_INET6 ? PUB_V6 : 0) | (p->has_host_ip ? PUB_BOUND : 0) |
	       (p->host_port == p->ctr_port ? PUB_SAME : 0);
}

/**
 * fw_port_map_name() - the name of a port map
 * @index:	PUB_V6 | PUB_BOUND | PUB_SAME bits
 *
 * Return: static name: pub4, pub6, pub4_ip, pub6_ip, then the same with "_same"
 */
const char *fw_port_map_name(unsigned int index)
{
	static const char *const names[FW_N_MAPS] = {
		"pub4",	     "pub6",	  "pub4_ip",	  "pub6_ip",
		"pub4_same", "pub6_same", "pub4_ip_same", "pub6_ip_same",
	};

	return names[index % FW_N_MAPS];
}

/**
 * fw_port_key() - the key of @p's map element for host port @port
 * @p:		port
 * @port:	one host port of it (the first, for an interval element)
 * @ret:	the key
 */
void fw_port_key(const struct fw_port *p, uint16_t port, struct concat *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (p->has_host_ip)
		cat_bytes(ret, p->host_ip.b, ipaddr_len(&p->host_ip));
	cat_bytes(ret, &p->proto, 1);
	cat_port(ret, port);
}

/* the container's address, and the port unless it is published on its own number */
static void port_data(const struct fw_port *p, uint16_t port, bool same, struct concat *ret)
{
	memset(ret, 0, sizeof(*ret));
	cat_bytes(ret, p->target.b, ipaddr_len(&p->target));
	if (!same)
		cat_port(ret, port);
}

/**
 * fw_elems_for_port() - the map elements of one published port or range
 * @p:		port
 * @map:	map object to carry them
 *
 * Ports published on their own number (80:80, 8000-8100:8000-8100) are one interval element
 * mapping to the container's address alone: DNAT keeps the port. Others (8080:80, a shifted
 * range) are one element per port, in a hash map, mapping to address and port.
 *
 * Return: 0 or -ENOMEM
 */
int fw_elems_for_port(const struct fw_port *p, struct nftnl_set *map)
{
	struct concat key, key_end, data;
	uint32_t i, n = (uint32_t)p->host_port_end - p->host_port + 1;
	int r;

	if (p->host_port == p->ctr_port) {
		fw_port_key(p, p->host_port, &key);
		fw_port_key(p, p->host_port_end, &key_end);
		port_data(p, 0, true, &data);
		return add_elem_data(map, &key, &key_end, &data);
	}
	for (i = 0; i < n; i++) {
		fw_port_key(p, (uint16_t)(p->host_port + i), &key);
		port_data(p, (uint16_t)(p->ctr_port + i), false, &data);
		r = add_elem_data(map, &key, NULL, &data);
		if (r < 0)
			return r;
	}
	return 0;
}

/**
 * fw_elems_loopback() - the @lo4 element of a port DNAT'd on loopback too, if it is one
 * @p:		port
 * @lo4:	the lo4 set
 *
 * Return: 0 or -ENOMEM
 */
int fw_elems_loopback(const struct fw_port *p, struct nftnl_set *lo4)
{
	struct concat key, key_end;
	struct fw_port any = *p;

	if (!p->loopback || p->family != AF_INET)
		return 0;
	any.has_host_ip = false;
	fw_port_key(&any, p->host_port, &key);
	fw_port_key(&any, p->host_port_end, &key_end);
	return add_elem_data(lo4, &key, &key_end, NULL);
}

static int ports_elems(struct fw *fw, const struct fw_port *ports, size_t n, bool add,
		       struct netd_error *e)
{
	/* the eight maps, then lo4 */
	struct nftnl_set *maps[FW_N_MAPS + 1] = { NULL };
	struct fw_batch b;
	size_t i, k;
	int r;

	r = fw_batch_begin(fw, &b, e);
	if (r < 0)
		return r;
	for (k = 0; k <= FW_N_MAPS; k++) {
		maps[k] = fw_set_new(fw, k < FW_N_MAPS ? fw_port_map_name((unsigned int)k) :
							 FW_SET_LO4);
		if (!maps[k]) {
			r = err_set(e, ENOMEM, "nftables map");
			goto out;
		}
	}
	for (i = 0; r == 0 && i < n; i++) {
		r = fw_elems_for_port(&ports[i], maps[fw_port_map_index(&ports[i])]);
		if (r == 0)
			r = fw_elems_loopback(&ports[i], maps[FW_N_MAPS]);
	}
	for (k = 0; r == 0 && k <= FW_N_MAPS; k++)
		r = fw_batch_add_elems(&b, maps[k], add, add ? "publish port" : "unpublish port");
	if (r < 0) {
		r = err_set(e, -r, "nftables elements of published ports");
		goto out;
	}
	r = fw_batch_commit(&b, e);
out:
	for (k = 0; k <= FW_N_MAPS; k++)
		if (maps[k])
			nftnl_set_free(maps[k]);
	fw_batch_done(&b);
	return r;
}

/**
 * fw_ports_add() - publish ports: their map elements are added in one batch
 * @fw:		handle
 * @ports:	ports (ranges) to add
 * @n:		how many
 * @e:		error context
 *
 * Return: 0 or negative errno (-EEXIST when an element is already there)
 */
int fw_ports_add(struct fw *fw, const struct fw_port *ports, size_t n, struct netd_error *e)
{
	return ports_elems(fw, ports, n, true, e);
}

/**
 * fw_ports_del() - unpublish ports: their map elements are removed in one batch
 * @fw:		handle
 * @ports:	ports (ranges) to remove
 * @n:		how many
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int fw_ports_del(struct fw *fw, const struct fw_port *ports, size_t n, struct netd_error *e)
{
	return ports_elems(fw, ports, n, false, e);
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
 * A netlink attribute nest holds at most 64 KiB, so many elements take several messages; each
 * still fits a batch page's overrun area (FW_MSG_MAX), as nft splits them.
 *
 * Return: 0 or -ENOMEM
 */
int fw_batch_add_elems(struct fw_batch *b, struct nftnl_set *s, bool add, const char *what)
{
	struct nftnl_set_elems_iter *it;
	struct nlmsghdr *nlh;
	int more;

	it = nftnl_set_elems_iter_create(s);
	if (!it)
		return -ENOMEM;
	if (!nftnl_set_elems_iter_cur(it)) {
		nftnl_set_elems_iter_destroy(it);
		return 0;
	}
	do {
		nlh = fw_batch_cmd(b, add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM,
				   add ? NLM_F_CREATE : 0, what);
		if (!nlh) {
			nftnl_set_elems_iter_destroy(it);
			return -ENOMEM;
		}
		more = nftnl_set_elems_nlmsg_build_payload_iter(nlh, it);
	} while (more > 0);
	nftnl_set_elems_iter_destroy(it);
	return more < 0 ? -ENOMEM : 0;
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
