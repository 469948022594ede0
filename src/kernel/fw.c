// SPDX-License-Identifier: GPL-2.0-or-later
/* fw.c - nftables transport: one libmnl socket, batches with an ack per command */
#include "config.h"

#include <errno.h>
#include <netinet/in.h> /* before the uapi headers, which defer to it */
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/common.h>

#include <netd/fw.h>

/* netlink answers on a local socket come at once; this only bounds a kernel that never does */
#define FW_RECV_TIMEOUT_S 5
/* batch pages as nft sizes them; the overrun area holds the largest message (a 64 KiB nest) */
#define FW_BATCH_PAGE (128 * 1024)
#define FW_MSG_MAX (64 * 1024 + 4096)

/**
 * fw_open() - open the NETLINK_NETFILTER socket netd talks nftables over
 * @fw:		handle to fill
 * @table:	netd's table name (family inet)
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int fw_open(struct fw *fw, const char *table, struct netd_error *e)
{
	struct timeval tv = { .tv_sec = FW_RECV_TIMEOUT_S };
	int one = 1;

	memset(fw, 0, sizeof(*fw));
	if (!table || !*table || strlen(table) >= sizeof(fw->table))
		return err_set(e, EINVAL, "invalid nftables table name '%s'", table ? table : "");
	STRLCPY(fw->table, table);
	fw->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!fw->nl)
		return err_set(e, errno, "open netfilter netlink socket: %s", strerror(errno));
	if (mnl_socket_bind(fw->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int r = errno;

		fw_close(fw);
		return err_set(e, r, "bind netfilter netlink socket: %s", strerror(r));
	}
	/* the kernel's own words on a failed command, not just its errno */
	(void)mnl_socket_setsockopt(fw->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	/* acks without a copy of the request: a big element message would not fit the answer */
	(void)mnl_socket_setsockopt(fw->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	(void)setsockopt(mnl_socket_get_fd(fw->nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	fw->portid = mnl_socket_get_portid(fw->nl);
	fw->seq = (uint32_t)time(NULL);
	return 0;
}

/**
 * fw_close() - close the socket
 * @fw:		handle
 */
void fw_close(struct fw *fw)
{
	if (fw->nl)
		(void)mnl_socket_close(fw->nl);
	fw->nl = NULL;
}

/**
 * fw_batch_begin() - start a transaction
 * @fw:		handle
 * @ret:	the batch, to finish with fw_batch_commit() and fw_batch_done()
 * @e:		error context
 *
 * Return: 0 or -ENOMEM
 */
int fw_batch_begin(struct fw *fw, struct fw_batch *ret, struct netd_error *e)
{
	memset(ret, 0, sizeof(*ret));
	ret->fw = fw;
	ret->b = nftnl_batch_alloc(FW_BATCH_PAGE, FW_MSG_MAX);
	if (!ret->b)
		return err_set(e, ENOMEM, "allocate nftables batch");
	nftnl_batch_begin(nftnl_batch_buffer(ret->b), fw->seq++);
	if (nftnl_batch_update(ret->b) < 0) {
		fw_batch_done(ret);
		return err_set(e, ENOMEM, "allocate nftables batch");
	}
	ret->first_seq = fw->seq;
	return 0;
}

/**
 * fw_batch_cmd() - the header of the next command, to fill with nftnl_*_nlmsg_build_payload()
 * @b:		batch
 * @type:	NFT_MSG_* (without the subsystem bits)
 * @flags:	NLM_F_* besides NLM_F_ACK, which every command carries
 * @what:	what the command does, for error messages (a static string)
 *
 * Call nftnl_batch_update() through fw_batch_cmd() of the next command or fw_batch_commit():
 * the payload is accounted for then.
 *
 * Return: the header, or NULL when the batch is full or out of memory
 */
struct nlmsghdr *fw_batch_cmd(struct fw_batch *b, uint16_t type, uint16_t flags, const char *what)
{
	if (b->n_cmds && nftnl_batch_update(b->b) < 0)
		return NULL;
	if (b->n_cmds >= FW_BATCH_MAX_CMDS)
		return NULL;
	if (b->n_cmds == b->what_cap) {
		uint32_t cap = b->what_cap ? b->what_cap * 2 : 32;
		const char **p = realloc(b->what, cap * sizeof(*p));

		if (!p)
			return NULL;
		b->what = p;
		b->what_cap = cap;
	}
	b->what[b->n_cmds++] = what;
	return nftnl_nlmsg_build_hdr(nftnl_batch_buffer(b->b), type, NFPROTO_INET,
				     flags | NLM_F_ACK, b->fw->seq++);
}

/* the extended-ack message of an error, if the kernel sent one */
static const char *extack_msg(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t off;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	off = sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	mnl_attr_for_each_payload((void *)((const char *)err + off),
				  mnl_nlmsg_get_payload_len(nlh) - off)
	{
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG)
			return mnl_attr_get_str(attr);
	}
	return NULL;
}

/**
 * fw_batch_commit() - send the transaction once and read until every command is answered
 * @b:		batch
 * @e:		error context: the first failed command, the kernel's errno and its message
 *
 * The kernel applies all commands or none.
 *
 * Return: 0 or negative errno
 */
int fw_batch_commit(struct fw_batch *b, struct netd_error *e)
{
	/* MNL_SOCKET_BUFFER_SIZE is the page size, known only at run time: a fixed 16 KiB */
	static char buf[65536];
	uint32_t last, answered = 0;
	int first_err = 0, n_iov;
	struct iovec *iov;
	struct msghdr msg = { 0 };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	ssize_t n;

	if (b->n_cmds == 0)
		return 0;
	if (nftnl_batch_update(b->b) < 0)
		return err_set(e, ENOMEM, "nftables batch");
	last = b->first_seq + b->n_cmds - 1;
	nftnl_batch_end(nftnl_batch_buffer(b->b), b->fw->seq++);
	if (nftnl_batch_update(b->b) < 0)
		return err_set(e, ENOMEM, "nftables batch");

	n_iov = nftnl_batch_iovec_len(b->b);
	iov = calloc((size_t)n_iov, sizeof(*iov));
	if (!iov)
		return err_set(e, ENOMEM, "nftables batch");
	nftnl_batch_iovec(b->b, iov, (uint32_t)n_iov);
	/* the kernel takes the whole batch as one datagram: the send buffer must hold it */
	{
		size_t total = 0;
		int i, sz;

		for (i = 0; i < n_iov; i++)
			total += iov[i].iov_len;
		sz = total > INT32_MAX / 2 ? INT32_MAX / 2 : (int)total * 2;
		if (setsockopt(mnl_socket_get_fd(b->fw->nl), SOL_SOCKET, SO_SNDBUFFORCE, &sz,
			       sizeof(sz)) < 0)
			(void)setsockopt(mnl_socket_get_fd(b->fw->nl), SOL_SOCKET, SO_SNDBUF, &sz,
					 sizeof(sz));
	}
	msg.msg_name = &sa;
	msg.msg_namelen = sizeof(sa);
	msg.msg_iov = iov;
	msg.msg_iovlen = (size_t)n_iov;
	n = sendmsg(mnl_socket_get_fd(b->fw->nl), &msg, 0);
	free(iov);
	if (n < 0)
		return err_set(e, errno, "send nftables batch: %s", strerror(errno));

	/* every command carries NLM_F_ACK: the kernel answers each, errors included */
	while (answered < b->n_cmds) {
		const struct nlmsghdr *nlh;
		int len;

		n = mnl_socket_recvfrom(b->fw->nl, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return err_set(e, ETIMEDOUT, "nftables did not answer");
			return err_set(e, errno, "receive nftables answer: %s", strerror(errno));
		}
		len = (int)n;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *err;

			if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_seq < b->first_seq ||
			    nlh->nlmsg_seq > last)
				continue;
			answered++;
			err = mnl_nlmsg_get_payload(nlh);
			if (err->error && !first_err) {
				const char *why = extack_msg(nlh);
				const char *what = b->what[nlh->nlmsg_seq - b->first_seq];

				first_err = err->error;
				err_set(e, -err->error, "nftables: %s: %s%s%s", what,
					strerror(-err->error), why ? ": " : "", why ? why : "");
			}
		}
	}
	return first_err;
}

/**
 * fw_batch_done() - free a batch (committed or not)
 * @b:		batch
 */
void fw_batch_done(struct fw_batch *b)
{
	if (b->b)
		nftnl_batch_free(b->b);
	free(b->what);
	memset(b, 0, sizeof(*b));
}
