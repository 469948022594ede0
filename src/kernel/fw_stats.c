// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fw_stats.c - what each published port carried: the counters of its port map elements,
 * read with one dump per map and matched to the ports by their keys
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h> /* before the uapi headers, which defer to it */
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/set.h>

#include "fw_int.h"

struct elem_count {
	struct concat key;
	struct fw_counter c;
};

struct map_counts {
	struct elem_count *v;
	size_t n, cap;
};

static int key_cmp(const void *a, const void *b)
{
	const struct elem_count *x = a, *y = b;

	if (x->key.len != y->key.len)
		return x->key.len < y->key.len ? -1 : 1;
	return memcmp(x->key.b, y->key.b, x->key.len);
}

static int on_counter(struct nftnl_expr *e, void *arg)
{
	struct fw_counter *c = arg;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	if (name && strcmp(name, "counter") == 0) {
		c->packets += nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
		c->bytes += nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_BYTES);
	}
	return 0;
}

static int collect(struct nftnl_set *s, struct map_counts *m)
{
	struct nftnl_set_elems_iter *it = nftnl_set_elems_iter_create(s);
	struct nftnl_set_elem *el;
	int r = 0;

	if (!it)
		return -ENOMEM;
	while ((el = nftnl_set_elems_iter_next(it))) {
		struct elem_count ec = { 0 };
		uint32_t len = 0;
		const void *key = nftnl_set_elem_get(el, NFTNL_SET_ELEM_KEY, &len);

		if (!key || len > sizeof(ec.key.b))
			continue;
		memcpy(ec.key.b, key, len);
		ec.key.len = len;
		(void)nftnl_set_elem_expr_foreach(el, on_counter, &ec.c);
		if (m->n == m->cap) {
			size_t cap = m->cap ? m->cap * 2 : 64;
			struct elem_count *v = realloc(m->v, cap * sizeof(*v));

			if (!v) {
				r = -ENOMEM;
				break;
			}
			m->v = v;
			m->cap = cap;
		}
		m->v[m->n++] = ec;
	}
	nftnl_set_elems_iter_destroy(it);
	return r;
}

static int on_elems(const struct nlmsghdr *nlh, void *arg)
{
	return nftnl_set_elems_nlmsg_parse(nlh, arg) < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

/* every element of one map with its counter, sorted by key */
static int dump_map(struct fw *fw, const char *name, struct map_counts *m, struct netd_error *e)
{
	static char buf[65536];
	struct nftnl_set *s = fw_set_new(fw, name);
	struct nlmsghdr *nlh;
	uint32_t seq = fw->seq++;
	ssize_t n;
	int r;

	if (!s)
		return err_set(e, ENOMEM, "read the counters of '%s'", name);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETSETELEM, NFPROTO_INET, NLM_F_DUMP,
				    seq);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	if (mnl_socket_sendto(fw->nl, nlh, nlh->nlmsg_len) < 0) {
		r = err_set(e, errno, "ask for the elements of '%s': %s", name, strerror(errno));
		goto out;
	}
	do {
		n = mnl_socket_recvfrom(fw->nl, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = err_set(e, errno == EAGAIN ? ETIMEDOUT : errno,
				    "read the elements of '%s': %s", name, strerror(errno));
			goto out;
		}
		r = mnl_cb_run(buf, (size_t)n, seq, fw->portid, on_elems, s);
	} while (r > 0);
	if (r < 0) {
		r = err_set(e, errno ? errno : EIO, "read the elements of '%s': %s", name,
			    strerror(errno));
		goto out;
	}
	r = collect(s, m);
	if (r < 0)
		r = err_set(e, -r, "read the counters of '%s'", name);
	else
		qsort(m->v, m->n, sizeof(*m->v), key_cmp);
out:
	nftnl_set_free(s);
	return r;
}

static void add_count(const struct map_counts *m, const struct concat *key, struct fw_counter *c)
{
	struct elem_count probe = { .key = *key };
	const struct elem_count *hit = bsearch(&probe, m->v, m->n, sizeof(*m->v), key_cmp);

	if (hit) {
		c->packets += hit->c.packets;
		c->bytes += hit->c.bytes;
	}
}

/**
 * fw_port_counters() - packets and bytes each published port carried through NAT
 * @fw:		handle
 * @ports:	ports as fw_ports_add() got them
 * @n:		how many
 * @ret:	@n counters, one per port, filled (a range sums its elements)
 * @e:		error context
 *
 * Counted by the elements of the port maps: a connection's first packet by DNAT, every later
 * packet both ways in the forward chain. Counters restart when netd replaces its table (at
 * each start), as Prometheus counters may.
 *
 * Return: 0 or negative errno
 */
int fw_port_counters(struct fw *fw, const struct fw_port *ports, size_t n, struct fw_counter *ret,
		     struct netd_error *e)
{
	struct map_counts maps[FW_N_MAPS] = { { 0 } };
	bool wanted[FW_N_MAPS] = { false };
	size_t i, k;
	int r = 0;

	memset(ret, 0, n * sizeof(*ret));
	for (i = 0; i < n; i++)
		wanted[fw_port_map_index(&ports[i])] = true;
	for (k = 0; k < FW_N_MAPS && r == 0; k++)
		if (wanted[k])
			r = dump_map(fw, fw_port_map_name((unsigned int)k), &maps[k], e);
	for (i = 0; r == 0 && i < n; i++) {
		const struct fw_port *p = &ports[i];
		const struct map_counts *m = &maps[fw_port_map_index(p)];
		struct concat key;
		uint32_t port;

		/* an interval element is keyed by its first port; a hash map has one per port */
		for (port = p->host_port; port <= p->host_port_end; port++) {
			fw_port_key(p, (uint16_t)port, &key);
			add_count(m, &key, &ret[i]);
			if (p->host_port == p->ctr_port)
				break;
		}
	}
	for (k = 0; k < FW_N_MAPS; k++)
		free(maps[k].v);
	return r;
}
