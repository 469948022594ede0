// SPDX-License-Identifier: GPL-2.0-or-later
/* worker.c - a relay thread: its epoll loop, commands from the main thread, its timer */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <netd/log.h>

#include "proxy.h"

#define EVENTS_PER_WAIT 64
/* connect timeouts and UDP idle timeouts are checked this often */
#define TICK_MS 250
/* a refused connection is logged at most this often per worker */
#define LIMIT_LOG_MS 1000

uint64_t now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* a limit that is hit is said once a second, not once a connection */
void worker_log_limit(struct worker *w, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	uint64_t now = now_ms();

	if (now - w->last_limit_log_ms < LIMIT_LOG_MS && w->last_limit_log_ms)
		return;
	w->last_limit_log_ms = now;
	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_warn("%s", buf);
}

/**
 * proxy_deleted() - tell netd the sockets of @slot are closed
 * @px:		proxy
 * @slot:	slot
 */
void proxy_deleted(struct proxy *px, uint32_t slot)
{
	struct proxy_msg m = { .type = PROXY_MSG_DELETED, .slot = slot };

	(void)pthread_mutex_lock(&px->control_lock);
	if (send(px->control_fd, &m, sizeof(m), MSG_NOSIGNAL) < 0)
		log_warn("tell netd slot %u is closed: %s", slot, strerror(errno));
	(void)pthread_mutex_unlock(&px->control_lock);
}

/**
 * worker_add_listener() - serve @l on @w (main thread)
 * @w:		worker
 * @l:		listener; TCP listeners go to every worker, so wakeups are shared out
 *
 * Return: 0 or negative errno
 */
int worker_add_listener(struct worker *w, struct listener *l)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = l };

	if (l->proto == IPPROTO_TCP)
		ev.events |= EPOLLEXCLUSIVE;
	return RET_NERRNO(epoll_ctl(w->epfd, EPOLL_CTL_ADD, l->fd, &ev));
}

/* queue a command for @w and wake it; the worker runs it at the end of its batch */
static int queue(struct worker *w, struct command *c)
{
	struct command **pp;
	uint64_t one = 1;

	(void)pthread_mutex_lock(&w->lock);
	for (pp = &w->cmds; *pp; pp = &(*pp)->next)
		;
	*pp = c;
	(void)pthread_mutex_unlock(&w->lock);
	if (write(w->cmd_fd, &one, sizeof(one)) < 0)
		log_warn("wake worker %u: %s", w->index, strerror(errno));
	return 0;
}

/**
 * worker_command() - queue a command about a listener for @w and wake it (main thread)
 * @w:		worker
 * @type:	command
 * @l:		listener it is about
 *
 * Return: 0 or -ENOMEM
 */
int worker_command(struct worker *w, enum command_type type, struct listener *l)
{
	struct command *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->type = type;
	c->l = l;
	return queue(w, c);
}

/**
 * worker_hand_conn() - give an accepted connection to another worker (any thread)
 * @w:		the worker to relay it
 * @fd:		the client's socket, taken on success
 * @peer:	its address
 * @to:		where it goes
 *
 * Return: 0 or -ENOMEM
 */
int worker_hand_conn(struct worker *w, int fd, const union sockaddr_any *peer,
		     const struct relay_to *to)
{
	struct command *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->type = CMD_CONN;
	c->fd = fd;
	c->peer = *peer;
	c->to = *to;
	return queue(w, c);
}

static void release_listener(struct worker *w, struct listener *l)
{
	(void)epoll_ctl(w->epfd, EPOLL_CTL_DEL, l->fd, NULL);
	if (l->proto == IPPROTO_UDP)
		udp_drop_listener(w, l);
	if (__atomic_sub_fetch(&l->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	/* the last worker to let go: nothing can reach it any more */
	(void)close(l->fd);
	if (l->del && __atomic_sub_fetch(&l->del->remaining, 1, __ATOMIC_ACQ_REL) == 0) {
		proxy_deleted(w->px, l->del->slot);
		free(l->del);
	}
	free(l);
}

/* at the end of a batch, when no event of this batch can still point at what goes */
static void run_commands(struct worker *w)
{
	struct command *c, *next;
	uint64_t n;

	if (read(w->cmd_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warn("worker %u: read eventfd: %s", w->index, strerror(errno));
	(void)pthread_mutex_lock(&w->lock);
	c = w->cmds;
	w->cmds = NULL;
	(void)pthread_mutex_unlock(&w->lock);
	for (; c; c = next) {
		next = c->next;
		if (c->type == CMD_DROP)
			release_listener(w, c->l);
		else if (c->type == CMD_CONN)
			tcp_start(w, &c->to, c->fd, &c->peer);
		free(c);
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct epoll_event ev[EVENTS_PER_WAIT];

	for (;;) {
		bool commands = false, tick = false;
		int n, i;

		n = epoll_wait(w->epfd, ev, EVENTS_PER_WAIT, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_error("worker %u: epoll_wait: %s", w->index, strerror(errno));
			_exit(1);
		}
		w->now_ms = now_ms();
		for (i = 0; i < n; i++) {
			enum obj_kind *k = ev[i].data.ptr;

			switch (*k) {
			case OBJ_LISTENER: {
				struct listener *l = ev[i].data.ptr;

				if (l->proto == IPPROTO_TCP)
					tcp_accept(w, l);
				else
					udp_listener_event(w, l);
				break;
			}
			case OBJ_SIDE:
				tcp_event(w, ev[i].data.ptr, ev[i].events);
				break;
			case OBJ_FLOW:
				udp_flow_event(w, ev[i].data.ptr);
				break;
			case OBJ_COMMANDS:
				commands = true;
				break;
			case OBJ_TIMER:
				tick = true;
				break;
			}
		}
		if (tick) {
			uint64_t expirations;

			(void)!read(w->timer_fd, &expirations, sizeof(expirations));
			tcp_expire(w);
			udp_expire(w);
		}
		if (commands)
			run_commands(w);
		tcp_free_dead(w);
		udp_free_dead(w);
	}
	return NULL;
}

/**
 * worker_start() - set up a worker's epoll, eventfd and timer, and start its thread
 * @px:		proxy
 * @w:		worker (zeroed)
 * @index:	its number, for logs
 *
 * Return: 0 or negative errno
 */
int worker_start(struct proxy *px, struct worker *w, unsigned int index)
{
	struct itimerspec its = {
		.it_interval = { .tv_nsec = TICK_MS * 1000000L },
		.it_value = { .tv_nsec = TICK_MS * 1000000L },
	};
	struct epoll_event ev = { .events = EPOLLIN };
	int r;

	w->px = px;
	w->index = index;
	w->cmd_kind = OBJ_COMMANDS;
	w->timer_kind = OBJ_TIMER;
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	w->cmd_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	w->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (w->epfd < 0 || w->cmd_fd < 0 || w->timer_fd < 0)
		return -errno;
	if (timerfd_settime(w->timer_fd, 0, &its, NULL) < 0)
		return -errno;
	ev.data.ptr = &w->cmd_kind;
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->cmd_fd, &ev) < 0)
		return -errno;
	ev.data.ptr = &w->timer_kind;
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->timer_fd, &ev) < 0)
		return -errno;
	r = pthread_mutex_init(&w->lock, NULL);
	if (r)
		return -r;
	r = udp_init(w);
	if (r < 0)
		return r;
	w->now_ms = now_ms();
	r = pthread_create(&w->thread, NULL, worker_main, w);
	return -r;
}
