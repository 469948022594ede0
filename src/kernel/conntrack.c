// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack.c - remove the conntrack entries of an unpublished port (ctnetlink over libmnl) */
#include "config.h"

#include <errno.h>
#include <netinet/in.h> /* before the uapi headers, which defer to it */
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include <libmnl/libmnl.h>

#include <netd/conntrack.h>

/* entries removed in one call: a port has few flows; a bound keeps memory bounded */
#define CT_MAX_FORGET 4096
#define CT_RECV_TIMEOUT_S 5

struct match {
	uint8_t proto;
	uint16_t port, port_end;
	/* the CTA_TUPLE_ORIG attributes of the matching entries, to delete them by */
	struct nlattr **tuples;
	size_t n;
};

struct tuple {
	uint8_t proto;
	uint16_t dst_port;
};

static int tuple_cb(const struct nlattr *a, void *data)
{
	struct tuple *t = data;
	const struct nlattr *in;

	if (mnl_attr_get_type(a) != CTA_TUPLE_PROTO)
		return MNL_CB_OK;
	mnl_attr_for_each_nested(in, a)
	{
		if (mnl_attr_get_type(in) == CTA_PROTO_NUM)
			t->proto = mnl_attr_get_u8(in);
		else if (mnl_attr_get_type(in) == CTA_PROTO_DST_PORT)
			t->dst_port = ntohs(mnl_attr_get_u16(in));
	}
	return MNL_CB_OK;
}

static int orig_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **orig = data;

	if (mnl_attr_get_type(a) == CTA_TUPLE_ORIG)
		*orig = a;
	return MNL_CB_OK;
}

/* an entry whose original direction went to one of the host ports */
static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *orig = NULL;
	struct match *m = data;
	struct tuple t = { 0 };
	struct nlattr *copy;

	if (mnl_attr_parse(nlh, sizeof(struct nfgenmsg), orig_cb, &orig) < 0 || !orig ||
	    mnl_attr_parse_nested(orig, tuple_cb, &t) < 0)
		return MNL_CB_OK;
	if (t.proto != m->proto || t.dst_port < m->port || t.dst_port > m->port_end ||
	    m->n >= CT_MAX_FORGET)
		return MNL_CB_OK;
	{
		const struct nlattr *en_orig = orig;
		copy = malloc(en_orig->nla_len);
		if (!copy)
			return MNL_CB_ERROR;
		memcpy(copy, en_orig, en_orig->nla_len);
		m->tuples[m->n++] = copy;
	}
	return MNL_CB_OK;
}

static struct nlmsghdr *ct_msg(char *buf, uint16_t type, uint16_t flags, uint8_t family,
			       uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = family;
	g->version = NFNETLINK_V0;
	g->res_id = 0;
	return nlh;
}

static int talk(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	static char buf[65536];
	uint32_t portid = mnl_socket_get_portid(nl);
	ssize_t n;
	int r;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		r = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, cb, data);
	} while (r > 0);
	return r < 0 ? -errno : 0;
}

/**
 * conntrack_forget_port() - remove the conntrack entries of flows to host ports
 * @family:	AF_INET or AF_INET6
 * @proto:	IPPROTO_UDP (or another protocol)
 * @port:	first host port
 * @port_end:	last host port
 * @e:		error context
 *
 * A UDP flow keeps the NAT decision of its first datagram as long as datagrams keep coming:
 * after a publish or an unpublish the next datagram must meet the new rules, not the old
 * entry (Docker removes them for the same reason).
 *
 * Return: the number of entries removed, or negative errno
 */
int conntrack_forget_port(int family, uint8_t proto, uint16_t port, uint16_t port_end,
			  struct netd_error *e)
{
	struct timeval tv = { .tv_sec = CT_RECV_TIMEOUT_S };
	struct match m = { .proto = proto, .port = port, .port_end = port_end };
	char buf[512]; /* one request: a header and a tuple */
	struct mnl_socket *nl;
	uint32_t seq = (uint32_t)time(NULL);
	size_t i, removed = 0;
	int r;

	m.tuples = calloc(CT_MAX_FORGET, sizeof(*m.tuples));
	if (!m.tuples)
		return err_set(e, ENOMEM, "conntrack");
	nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = err_set(e, errno, "open conntrack netlink: %s", strerror(errno));
		goto out;
	}
	(void)setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	r = talk(nl, ct_msg(buf, IPCTNL_MSG_CT_GET, NLM_F_DUMP, (uint8_t)family, seq++), dump_cb,
		 &m);
	if (r < 0) {
		r = err_set(e, -r, "list conntrack entries: %s", strerror(-r));
		goto out;
	}
	for (i = 0; i < m.n; i++) {
		struct nlmsghdr *nlh =
			ct_msg(buf, IPCTNL_MSG_CT_DELETE, NLM_F_ACK, (uint8_t)family, seq++);

		memcpy(mnl_nlmsg_get_payload_tail(nlh), m.tuples[i], m.tuples[i]->nla_len);
		nlh->nlmsg_len += MNL_ALIGN(m.tuples[i]->nla_len);
		/* an entry that timed out in between is not an error */
		if (talk(nl, nlh, NULL, NULL) == 0)
			removed++;
	}
	r = (int)removed;
out:
	for (i = 0; i < m.n; i++)
		free(m.tuples[i]);
	free(m.tuples);
	if (nl)
		(void)mnl_socket_close(nl);
	return r;
}
