// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tcp.c - relay TCP connections with splice(2): socket to pipe to socket, no copy to user space
 *
 * Each direction moves through a pipe taken from the worker's pool only while it carries
 * bytes the receiver has not taken yet, so an idle connection holds two sockets and no pipe;
 * only a bulk transfer keeps its (grown) pipe until it ends.
 * A direction reads only while its pipe has room: a slow receiver stops the sender (the
 * kernel's windows do the rest), nothing is buffered without bound.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <netd/log.h>

#include "proxy.h"

/*
 * Bytes one direction may hold in its pipe: four times the default, which a bulk transfer
 * moves with a quarter of the splices.  Pipes count against the user's pipe quota
 * (fs.pipe-user-pages-soft, 64 MiB): 256 of these fit, and the pool keeps few.
 */
#define PIPE_BYTES (256 * 1024)
/*
 * A direction that fills its pipe is a bulk transfer: its pipe grows to the most an
 * unprivileged process may have (fs.pipe-max-size, 1 MiB by default) and stays with it until
 * the connection ends. A single TCP stream then moves with a quarter of the wakeups again:
 * about a quarter less proxy CPU per byte, and sender, relay and receiver sharing two CPUs
 * wait less on each other. At most PIPE_BULK_MAX such pipes (16 MiB of the user's 64 MiB
 * quota), so new connections always get theirs.
 */
#define PIPE_BYTES_BULK (1024 * 1024)
#define PIPE_BULK_MAX 16
/* empty pipes a worker keeps for the next connection */
#define PIPE_POOL_MAX 16
/* connections accepted per wakeup, so one busy port does not starve the others */
#define ACCEPT_BUDGET 16

/* a pipe for @d: from the pool, else a new one; its capacity in d->cap */
static int pipe_get(struct worker *w, struct dir *d)
{
	int *p = d->pipe, r;

	d->grow_tried = false;
	if (w->n_pipes) {
		w->n_pipes--;
		p[0] = w->pipes[w->n_pipes][0];
		p[1] = w->pipes[w->n_pipes][1];
		d->cap = PIPE_BYTES;
		return 0;
	}
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	/* fewer, larger splices; refused past the user's pipe quota, then the default stays */
	r = fcntl(p[1], F_SETPIPE_SZ, PIPE_BYTES);
	if (r < 0)
		r = fcntl(p[1], F_GETPIPE_SZ);
	d->cap = r > 0 ? (size_t)r : 4096;
	return 0;
}

/* @d filled its pipe: a bulk transfer, whose pipe grows if the bound and the quota allow */
static void pipe_grow(struct worker *w, struct dir *d)
{
	unsigned int *n = &w->px->n_bulk_pipes;
	int r;

	d->grow_tried = true;
	if (__atomic_add_fetch(n, 1, __ATOMIC_RELAXED) > PIPE_BULK_MAX) {
		__atomic_sub_fetch(n, 1, __ATOMIC_RELAXED);
		return;
	}
	r = fcntl(d->pipe[1], F_SETPIPE_SZ, PIPE_BYTES_BULK);
	if (r > 0 && (size_t)r > d->cap) {
		d->cap = (size_t)r;
		return;
	}
	__atomic_sub_fetch(n, 1, __ATOMIC_RELAXED);
}

/*
 * @d's pipe goes: back to the pool when it is empty and PIPE_BYTES (a grown one shrinks
 * first), else closed (bytes still in it cannot be given to another connection)
 */
static void pipe_release(struct worker *w, struct dir *d)
{
	int *p = d->pipe;
	bool pool = !d->in_pipe;

	if (d->cap > PIPE_BYTES) {
		__atomic_sub_fetch(&w->px->n_bulk_pipes, 1, __ATOMIC_RELAXED);
		pool = pool && fcntl(p[1], F_SETPIPE_SZ, PIPE_BYTES) == PIPE_BYTES;
	} else {
		pool = pool && d->cap == PIPE_BYTES;
	}
	if (pool && !w->pipes)
		w->pipes = calloc(PIPE_POOL_MAX, sizeof(*w->pipes));
	if (pool && w->pipes && w->n_pipes < PIPE_POOL_MAX) {
		w->pipes[w->n_pipes][0] = p[0];
		w->pipes[w->n_pipes][1] = p[1];
		w->n_pipes++;
	} else {
		(void)close(p[0]);
		(void)close(p[1]);
	}
	p[0] = p[1] = -1;
	d->in_pipe = 0;
	d->cap = 0;
}

static void queue_remove(struct worker *w, struct conn *c)
{
	if (c->q_prev)
		c->q_prev->q_next = c->q_next;
	else if (w->q_head == c)
		w->q_head = c->q_next;
	if (c->q_next)
		c->q_next->q_prev = c->q_prev;
	else if (w->q_tail == c)
		w->q_tail = c->q_prev;
	c->q_prev = c->q_next = NULL;
}

static void reset_fd(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	/* closing with zero linger sends RST: the peer learns at once that it is over */
	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
}

/* end the connection; @reset: abort both sockets (an error on either side) */
static void conn_close(struct worker *w, struct conn *c, bool reset)
{
	if (c->dead)
		return;
	c->dead = true;
	if (c->connecting)
		queue_remove(w, c);
	if (reset) {
		reset_fd(c->client.fd);
		reset_fd(c->server.fd);
	}
	(void)close(c->client.fd);
	(void)close(c->server.fd);
	if (c->up.pipe[0] >= 0)
		pipe_release(w, &c->up);
	if (c->down.pipe[0] >= 0)
		pipe_release(w, &c->down);
	STAT_SUB(w->px, c->slot, conns_current, 1);
	__atomic_sub_fetch(&w->px->n_conns, 1, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&w->n_conns, 1, __ATOMIC_RELAXED);
	c->free_next = w->dead_conns;
	w->dead_conns = c;
}

/**
 * tcp_free_dead() - free the connections closed in this batch
 * @w:		worker
 */
void tcp_free_dead(struct worker *w)
{
	struct conn *c, *next;

	for (c = w->dead_conns; c; c = next) {
		next = c->free_next;
		free(c);
	}
	w->dead_conns = NULL;
}

/*
 * Move what can move from @src through @d to @dst.  Return: 0 (waiting for an event), or
 * negative errno when the connection must be aborted.
 */
static int pump(struct worker *w, struct conn *c, struct dir *d, int src, int dst, bool up)
{
	for (;;) {
		bool progress = false;
		ssize_t n;

		if (!d->eof && (d->pipe[0] < 0 || d->in_pipe < d->cap)) {
			if (d->pipe[0] < 0) {
				int r = pipe_get(w, d);

				if (r < 0)
					return r;
			}
			n = splice(src, NULL, d->pipe[1], NULL, d->cap - d->in_pipe,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (n > 0) {
				d->in_pipe += (size_t)n;
				progress = true;
				if (d->in_pipe >= d->cap && !d->grow_tried)
					pipe_grow(w, d);
			} else if (n == 0) {
				d->eof = true;
				progress = true;
			} else if (errno != EAGAIN && errno != EINTR) {
				return -errno;
			}
		}
		if (d->in_pipe) {
			n = splice(d->pipe[0], NULL, dst, NULL, d->in_pipe,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (n > 0) {
				d->in_pipe -= (size_t)n;
				if (up)
					STAT_ADD(w->px, c->slot, bytes_in, n);
				else
					STAT_ADD(w->px, c->slot, bytes_out, n);
				progress = true;
			} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
				return -errno;
			}
		}
		if (d->eof && !d->in_pipe && !d->shut) {
			const struct dir *other = up ? &c->down : &c->up;

			/*
			 * half-close: the receiver sees EOF and may still answer; when this is
			 * the last direction to end, the close that follows sends the FIN
			 */
			if (!other->shut)
				(void)shutdown(dst, SHUT_WR);
			d->shut = true;
		}
		if (!progress)
			break;
	}
	/* an idle direction holds no pipe; a bulk one keeps its grown pipe */
	if (!d->in_pipe && d->pipe[0] >= 0 && d->cap <= PIPE_BYTES)
		pipe_release(w, d);
	return 0;
}

static void conn_pump(struct worker *w, struct conn *c)
{
	int r;

	r = pump(w, c, &c->up, c->client.fd, c->server.fd, true);
	if (r == 0)
		r = pump(w, c, &c->down, c->server.fd, c->client.fd, false);
	if (r < 0)
		conn_close(w, c, true);
	else if (c->up.shut && c->down.shut)
		conn_close(w, c, false);
}

static void connected(struct worker *w, struct conn *c, uint32_t events)
{
	int err = 0;
	socklen_t len = sizeof(err);

	/* writable without an error is connected: no getsockopt() in the common case */
	if ((events & (EPOLLERR | EPOLLHUP)) &&
	    getsockopt(c->server.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if ((events & (EPOLLERR | EPOLLHUP)) && !err)
		err = ECONNREFUSED;
	if (err == EINPROGRESS || err == EALREADY)
		return;
	if (err) {
		/* the container is not listening: the client sees a reset, not a hang */
		log_debug("slot %u: connect to the container: %s", c->slot, strerror(err));
		conn_close(w, c, true);
		return;
	}
	queue_remove(w, c);
	c->connecting = false;
	if (c->hdr_len &&
	    send(c->server.fd, c->hdr, (size_t)c->hdr_len, MSG_NOSIGNAL) != c->hdr_len) {
		conn_close(w, c, true);
		return;
	}
	conn_pump(w, c);
}

/**
 * tcp_event() - readiness on one socket of a connection
 * @w:		worker
 * @s:		the side
 * @events:	epoll events
 */
void tcp_event(struct worker *w, struct side *s, uint32_t events)
{
	struct conn *c = s->c;

	if (c->dead)
		return;
	if (c->connecting) {
		if (s == &c->server && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			connected(w, c, events);
		return;
	}
	conn_pump(w, c);
}

/**
 * tcp_expire() - abort connections whose connect to the container takes too long
 * @w:		worker
 */
void tcp_expire(struct worker *w)
{
	while (w->q_head && w->q_head->deadline_ms <= w->now_ms) {
		log_debug("slot %u: connect to the container timed out", w->q_head->slot);
		conn_close(w, w->q_head, true);
	}
}

static int add_side(struct worker *w, struct side *s)
{
	struct epoll_event ev = {
		.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
		.data.ptr = s,
	};

	return RET_NERRNO(epoll_ctl(w->epfd, EPOLL_CTL_ADD, s->fd, &ev));
}

static void refuse(int fd)
{
	reset_fd(fd);
	(void)close(fd);
}

static bool over_limit(struct worker *w, struct listener *l)
{
	struct proxy *px = w->px;

	if (__atomic_load_n(&px->n_conns, __ATOMIC_RELAXED) >= px->cfg.max_conns) {
		worker_log_limit(w, "connection limit reached (%u open): refusing new connections",
				 px->cfg.max_conns);
		return true;
	}
	if (__atomic_load_n(&px->stats[l->slot].conns_current, __ATOMIC_RELAXED) >=
	    px->cfg.max_conns_per_port) {
		worker_log_limit(
			w,
			"per-port connection limit reached (%u open to one published port): refusing new connections",
			px->cfg.max_conns_per_port);
		return true;
	}
	return false;
}

/**
 * tcp_start() - relay a connection accepted on a published port: connect to the container
 * @w:		the worker that relays it
 * @to:		where it goes
 * @cfd:	the client's socket, taken
 * @peer:	the client's address
 */
void tcp_start(struct worker *w, const struct relay_to *to, int cfd, const union sockaddr_any *peer)
{
	struct proxy *px = w->px;
	union sockaddr_any local;
	socklen_t len = sizeof(local);
	struct conn *c;
	int sfd, r;

	c = calloc(1, sizeof(*c));
	sfd = socket(to->target.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (!c || sfd < 0) {
		log_warn("slot %u: new connection: %s", to->slot, strerror(c ? errno : ENOMEM));
		free(c);
		if (sfd >= 0)
			(void)close(sfd);
		refuse(cfd);
		return;
	}
	c->client = (struct side){ .kind = OBJ_SIDE, .fd = cfd, .c = c };
	c->server = (struct side){ .kind = OBJ_SIDE, .fd = sfd, .c = c };
	c->up.pipe[0] = c->up.pipe[1] = c->down.pipe[0] = c->down.pipe[1] = -1;
	c->slot = to->slot;
	if ((to->flags & PROXY_F_PROXY_PROTOCOL) && getsockname(cfd, &local.sa, &len) == 0) {
		r = proxy_header_v2(&peer->sa, &local.sa, IPPROTO_TCP, c->hdr, sizeof(c->hdr));
		c->hdr_len = r > 0 ? r : 0;
	}
	r = connect(sfd, &to->target.sa, to->target_len);
	if ((r < 0 && errno != EINPROGRESS) || add_side(w, &c->client) < 0 ||
	    add_side(w, &c->server) < 0) {
		log_debug("slot %u: connect to the container: %s", to->slot, strerror(errno));
		refuse(cfd);
		(void)close(sfd);
		free(c);
		return;
	}
	__atomic_add_fetch(&px->n_conns, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&w->n_conns, 1, __ATOMIC_RELAXED);
	STAT_ADD(px, to->slot, conns_current, 1);
	STAT_ADD(px, to->slot, conns_total, 1);
	/* even an immediate connect is completed from the server's first EPOLLOUT */
	c->connecting = true;
	c->deadline_ms = w->now_ms + px->cfg.connect_timeout_ms;
	c->q_prev = w->q_tail;
	if (w->q_tail)
		w->q_tail->q_next = c;
	else
		w->q_head = c;
	w->q_tail = c;
}

/*
 * The worker that relays a new connection.  The kernel wakes the same worker for every
 * connection while it waits first (EPOLLEXCLUSIVE): four iperf3 streams all landed on one
 * thread.  A worker relaying two connections more than the least busy one hands new ones over.
 */
static struct worker *least_busy(struct worker *w)
{
	struct proxy *px = w->px;
	unsigned int mine = __atomic_load_n(&w->n_conns, __ATOMIC_RELAXED), best = mine, i, n;
	struct worker *to = w;

	for (i = 0; i < px->cfg.workers; i++) {
		n = __atomic_load_n(&px->workers[i].n_conns, __ATOMIC_RELAXED);
		if (n < best) {
			best = n;
			to = &px->workers[i];
		}
	}
	return best + 1 < mine ? to : w;
}

/**
 * tcp_accept() - take the connections waiting on a listener
 * @w:		worker
 * @l:		listener
 */
void tcp_accept(struct worker *w, struct listener *l)
{
	int i;

	for (i = 0; i < ACCEPT_BUDGET; i++) {
		struct relay_to to = { .slot = l->slot, .flags = l->flags };
		union sockaddr_any peer;
		socklen_t len = sizeof(peer);
		struct worker *relay;
		int fd = accept4(l->fd, &peer.sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				worker_log_limit(w, "accept on slot %u: %s", l->slot,
						 strerror(errno));
			else if (errno != EAGAIN && errno != ECONNABORTED && errno != EINTR)
				log_warn("accept on slot %u: %s", l->slot, strerror(errno));
			return;
		}
		if (over_limit(w, l)) {
			STAT_ADD(w->px, l->slot, refused, 1);
			refuse(fd);
			continue;
		}
		memcpy(&to.target, &l->target, sizeof(to.target));
		to.target_len = l->target_len;
		relay = least_busy(w);
		if (relay == w || worker_hand_conn(relay, fd, &peer, &to) < 0)
			tcp_start(w, &to, fd, &peer);
	}
}
