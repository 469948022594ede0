// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * udp.c - relay UDP: one flow per client address, each with a connected socket to the container
 *
 * Datagrams from a client go out of the flow's socket, so the container's replies come back
 * on it and are sent to that client from the address it wrote to (IP_PKTINFO).  A flow ends
 * after the idle timeout; the number of flows is bounded.  A listener belongs to one worker,
 * which owns its flows.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <netd/log.h>

#include "proxy.h"

#define BATCH 32
#define DGRAM_MAX 65536
/* datagrams moved per wakeup, so one busy port does not starve the others */
#define BUDGET 256
#define BUCKETS 4096
/* the flow socket's receive buffer: bursts from the container wait here */
#define FLOW_RCVBUF (1024 * 1024)

struct batch {
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	union sockaddr_any addr[BATCH];
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} cmsg[BATCH];
	unsigned char data[BATCH][DGRAM_MAX];
};

/* one per thread: 2 MiB that only the workers that relay UDP ever touch */
static __thread struct batch *tls_batch;

static struct batch *batch_get(void)
{
	if (!tls_batch)
		tls_batch = malloc(sizeof(*tls_batch));
	return tls_batch;
}

int udp_init(struct worker *w)
{
	w->n_buckets = BUCKETS;
	w->buckets = calloc(w->n_buckets, sizeof(*w->buckets));
	return w->buckets ? 0 : -ENOMEM;
}

static uint32_t hash_addr(const struct listener *l, const union sockaddr_any *a)
{
	const unsigned char *p = (const unsigned char *)a;
	size_t n = a->sa.sa_family == AF_INET ? sizeof(a->in) : sizeof(a->in6), i;
	uint32_t h = 2166136261u ^ (uint32_t)(uintptr_t)l;

	/* FNV-1a over the address and port; the padding of sockaddr_in is zeroed by recvmmsg */
	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static bool same_client(const struct flow *f, const struct listener *l, const union sockaddr_any *a)
{
	if (f->l != l || f->client.sa.sa_family != a->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return f->client.in.sin_port == a->in.sin_port &&
		       f->client.in.sin_addr.s_addr == a->in.sin_addr.s_addr;
	return f->client.in6.sin6_port == a->in6.sin6_port &&
	       memcmp(&f->client.in6.sin6_addr, &a->in6.sin6_addr, 16) == 0;
}

static void lru_unlink(struct worker *w, struct flow *f)
{
	if (f->lru_prev)
		f->lru_prev->lru_next = f->lru_next;
	else
		w->lru_head = f->lru_next;
	if (f->lru_next)
		f->lru_next->lru_prev = f->lru_prev;
	else
		w->lru_tail = f->lru_prev;
	f->lru_prev = f->lru_next = NULL;
}

static void lru_append(struct worker *w, struct flow *f)
{
	f->lru_prev = w->lru_tail;
	f->lru_next = NULL;
	if (w->lru_tail)
		w->lru_tail->lru_next = f;
	else
		w->lru_head = f;
	w->lru_tail = f;
}

static void flow_close(struct worker *w, struct flow *f)
{
	struct flow **pp = &w->buckets[f->hash & (w->n_buckets - 1)];

	if (f->dead)
		return;
	f->dead = true;
	while (*pp && *pp != f)
		pp = &(*pp)->h_next;
	if (*pp)
		*pp = f->h_next;
	lru_unlink(w, f);
	(void)close(f->fd);
	STAT_SUB(w->px, f->l->slot, conns_current, 1);
	__atomic_sub_fetch(&w->px->n_flows, 1, __ATOMIC_RELAXED);
	f->free_next = w->dead_flows;
	w->dead_flows = f;
}

void udp_free_dead(struct worker *w)
{
	struct flow *f, *next;

	for (f = w->dead_flows; f; f = next) {
		next = f->free_next;
		free(f);
	}
	w->dead_flows = NULL;
}

/* the address a datagram was sent to, from its IP_PKTINFO / IPV6_PKTINFO */
static bool local_address(struct msghdr *mh, union sockaddr_any *ret)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			ret->in = (struct sockaddr_in){ .sin_family = AF_INET,
							.sin_addr = pi.ipi_addr };
			return true;
		}
		if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			ret->in6 = (struct sockaddr_in6){ .sin6_family = AF_INET6,
							  .sin6_addr = pi.ipi6_addr };
			return true;
		}
	}
	return false;
}

static struct flow *flow_new(struct worker *w, struct listener *l, const union sockaddr_any *a,
			     uint32_t h, struct msghdr *mh)
{
	struct proxy *px = w->px;
	struct epoll_event ev = { .events = EPOLLIN };
	int rcvbuf = FLOW_RCVBUF;
	struct flow *f;

	if (__atomic_load_n(&px->n_flows, __ATOMIC_RELAXED) >= px->cfg.udp_max_flows) {
		worker_log_limit(w, "UDP flow limit reached (%u flows): dropping new clients",
				 px->cfg.udp_max_flows);
		STAT_ADD(px, l->slot, refused, 1);
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->kind = OBJ_FLOW;
	f->l = l;
	f->client = *a;
	f->client_len = a->sa.sa_family == AF_INET ? sizeof(a->in) : sizeof(a->in6);
	f->has_local = local_address(mh, &f->local);
	f->hash = h;
	f->fd = socket(l->target.sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (f->fd < 0) {
		log_warn("slot %u: new UDP flow: %s", l->slot, strerror(errno));
		free(f);
		return NULL;
	}
	(void)setsockopt(f->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	ev.data.ptr = f;
	if (connect(f->fd, &l->target.sa, l->target_len) < 0 ||
	    epoll_ctl(w->epfd, EPOLL_CTL_ADD, f->fd, &ev) < 0) {
		log_warn("slot %u: new UDP flow: %s", l->slot, strerror(errno));
		(void)close(f->fd);
		free(f);
		return NULL;
	}
	f->h_next = w->buckets[h & (w->n_buckets - 1)];
	w->buckets[h & (w->n_buckets - 1)] = f;
	f->last_ms = w->now_ms;
	lru_append(w, f);
	__atomic_add_fetch(&px->n_flows, 1, __ATOMIC_RELAXED);
	STAT_ADD(px, l->slot, conns_current, 1);
	STAT_ADD(px, l->slot, conns_total, 1);
	return f;
}

static struct flow *flow_find(struct worker *w, struct listener *l, const union sockaddr_any *a,
			      uint32_t *ret_hash)
{
	uint32_t h = hash_addr(l, a);
	struct flow *f;

	*ret_hash = h;
	for (f = w->buckets[h & (w->n_buckets - 1)]; f; f = f->h_next)
		if (same_client(f, l, a))
			return f;
	return NULL;
}

static void touch(struct worker *w, struct flow *f)
{
	f->last_ms = w->now_ms;
	if (w->lru_tail != f) {
		lru_unlink(w, f);
		lru_append(w, f);
	}
}

static void batch_prepare(struct batch *b, bool want_cmsg)
{
	int i;

	for (i = 0; i < BATCH; i++) {
		b->iov[i] = (struct iovec){ .iov_base = b->data[i], .iov_len = DGRAM_MAX };
		memset(&b->addr[i], 0, sizeof(b->addr[i]));
		b->msg[i].msg_hdr = (struct msghdr){
			.msg_name = &b->addr[i],
			.msg_namelen = sizeof(b->addr[i]),
			.msg_iov = &b->iov[i],
			.msg_iovlen = 1,
			.msg_control = want_cmsg ? b->cmsg[i].buf : NULL,
			.msg_controllen = want_cmsg ? sizeof(b->cmsg[i].buf) : 0,
		};
	}
}

/**
 * udp_listener_event() - datagrams from clients: to each client's flow
 * @w:		worker owning @l
 * @l:		listener
 */
void udp_listener_event(struct worker *w, struct listener *l)
{
	struct batch *b = batch_get();
	int done = 0;

	if (!b)
		return;
	while (done < BUDGET) {
		int n, i;

		batch_prepare(b, true);
		n = recvmmsg(l->fd, b->msg, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (i = 0; i < n; i++) {
			union sockaddr_any *a = &b->addr[i];
			struct flow *f;
			uint32_t h;

			if (a->sa.sa_family != AF_INET && a->sa.sa_family != AF_INET6)
				continue;
			f = flow_find(w, l, a, &h);
			if (!f)
				f = flow_new(w, l, a, h, &b->msg[i].msg_hdr);
			if (!f)
				continue;
			touch(w, f);
			if (send(f->fd, b->data[i], b->msg[i].msg_len, MSG_DONTWAIT) >= 0)
				STAT_ADD(w->px, l->slot, bytes_in, b->msg[i].msg_len);
		}
		done += n;
		if (n < BATCH)
			return;
	}
}

/* the reply's source: the address the client wrote to */
static void set_source(struct flow *f, struct msghdr *mh, void *buf, size_t len)
{
	struct cmsghdr *cm;

	mh->msg_control = NULL;
	mh->msg_controllen = 0;
	if (!f->has_local)
		return;
	memset(buf, 0, len);
	mh->msg_control = buf;
	if (f->local.sa.sa_family == AF_INET) {
		struct in_pktinfo pi = { .ipi_spec_dst = f->local.in.sin_addr };

		mh->msg_controllen = CMSG_SPACE(sizeof(pi));
		cm = CMSG_FIRSTHDR(mh);
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	} else {
		struct in6_pktinfo pi = { .ipi6_addr = f->local.in6.sin6_addr };

		mh->msg_controllen = CMSG_SPACE(sizeof(pi));
		cm = CMSG_FIRSTHDR(mh);
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	}
}

/**
 * udp_flow_event() - datagrams from the container: back to the flow's client
 * @w:		worker
 * @f:		flow
 */
void udp_flow_event(struct worker *w, struct flow *f)
{
	struct batch *b = batch_get();
	int done = 0;

	if (!b || f->dead)
		return;
	while (done < BUDGET) {
		int n, i, sent;

		batch_prepare(b, false);
		n = recvmmsg(f->fd, b->msg, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return; /* also ECONNREFUSED: nothing listens in the container yet */
		for (i = 0; i < n; i++) {
			struct msghdr *mh = &b->msg[i].msg_hdr;

			b->iov[i].iov_len = b->msg[i].msg_len;
			mh->msg_name = &f->client;
			mh->msg_namelen = f->client_len;
			set_source(f, mh, b->cmsg[i].buf, sizeof(b->cmsg[i].buf));
		}
		sent = sendmmsg(f->l->fd, b->msg, (unsigned int)n, MSG_DONTWAIT);
		for (i = 0; i < sent; i++)
			STAT_ADD(w->px, f->l->slot, bytes_out, b->msg[i].msg_len);
		touch(w, f);
		done += n;
		if (n < BATCH)
			return;
	}
}

/**
 * udp_expire() - end the flows idle for longer than the timeout
 * @w:		worker
 */
void udp_expire(struct worker *w)
{
	while (w->lru_head && w->lru_head->last_ms + w->px->cfg.udp_timeout_ms <= w->now_ms)
		flow_close(w, w->lru_head);
}

/**
 * udp_drop_listener() - end every flow of a listener that goes
 * @w:		worker owning it
 * @l:		listener
 */
void udp_drop_listener(struct worker *w, struct listener *l)
{
	struct flow *f, *next;

	for (f = w->lru_head; f; f = next) {
		next = f->lru_next;
		if (f->l == l)
			flow_close(w, f);
	}
}
