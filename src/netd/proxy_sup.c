// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * proxy_sup.c - netd's side of the userland proxy: start netd-proxy, hand it the sockets of
 * published ports, restart it when it dies, read its counters
 *
 * The held sockets stay open in netd as well, so the ports stay bound and TCP connections
 * wait in the listen backlog while a new worker starts; the restarted worker gets every
 * socket again.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"

#define STATS_BYTES (sizeof(struct proxy_stats) * PROXY_MAX_SLOTS)
/* restarts within this window before netd waits between them */
#define RESTART_BURST 5
#define RESTART_WINDOW_S 10
#define RESTART_DELAY_MS 1000
/* how long an unpublish waits for the worker to close the sockets */
#define DEL_WAIT_MS 2000

static const char *const mode_names[] = {
	[PROXY_MODE_AUTO] = "auto",
	[PROXY_MODE_ALWAYS] = "always",
	[PROXY_MODE_NEVER] = "never",
};

/**
 * proxy_mode_parse() - "auto", "always" or "never"
 * @s:		text
 * @ret:	mode
 *
 * Return: 0 or -EINVAL
 */
int proxy_mode_parse(const char *s, enum proxy_mode *ret)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mode_names); i++) {
		if (strcmp(s, mode_names[i]) == 0) {
			*ret = (enum proxy_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *proxy_mode_name(enum proxy_mode m)
{
	return mode_names[m];
}

static void stop_child(struct proxy_sup *p)
{
	if (p->ctl_ev) {
		event_free(p->ctl_ev);
		p->ctl_ev = NULL;
	}
	closep(&p->ctl_fd);
}

static int send_msg(struct proxy_sup *p, const struct proxy_msg *m, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cbuf = { { 0 } };
	struct iovec iov = { .iov_base = (void *)m, .iov_len = sizeof(*m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *cm;

		mh.msg_control = cbuf.buf;
		mh.msg_controllen = sizeof(cbuf.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	}
	return RET_NERRNO(sendmsg(p->ctl_fd, &mh, MSG_NOSIGNAL));
}

/* where the socket's traffic goes: the container's address of the same family if it has one */
static bool target_of(const struct endpoint_spec *ep, const struct port_mapping *m, int fd,
		      struct proxy_msg *msg)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	uint16_t port, ctr_port;
	bool v6;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return false;
	v6 = ss.ss_family == AF_INET6;
	port = ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
			  ((struct sockaddr_in *)&ss)->sin_port);
	if (port < m->spec.host_port || port > m->spec.host_port_end)
		return false;
	ctr_port = (uint16_t)(m->spec.ctr_port + (port - m->spec.host_port));
	if ((v6 && ep->has_ip6) || !ep->has_ip4) {
		msg->target.in6 = (struct sockaddr_in6){ .sin6_family = AF_INET6,
							 .sin6_port = htons(ctr_port),
							 .sin6_addr = ep->ip6.addr.v6 };
	} else {
		msg->target.in = (struct sockaddr_in){ .sin_family = AF_INET,
						       .sin_port = htons(ctr_port),
						       .sin_addr = ep->ip4.addr.v4 };
	}
	return true;
}

static void send_mapping(struct daemon *d, const struct mapping *mp)
{
	struct proxy_sup *p = &d->proxy;
	const struct endpoint_spec *ep;
	size_t i;

	if (p->ctl_fd < 0 || !mp->has_slot)
		return;
	ep = state_endpoint(&d->state, mp->m.container, mp->m.network);
	if (!ep)
		return;
	for (i = 0; i < mp->n_fds; i++) {
		struct proxy_msg m = {
			.type = PROXY_MSG_ADD,
			.slot = mp->slot,
			.proto = mp->m.spec.proto == PORTSPEC_UDP ? IPPROTO_UDP : IPPROTO_TCP,
			.flags = mp->m.proxy_protocol ? PROXY_F_PROXY_PROTOCOL : 0,
		};

		if (mp->fds[i] < 0 || !target_of(ep, &mp->m, mp->fds[i], &m))
			continue;
		if (send_msg(p, &m, mp->fds[i]) < 0) {
			/* the worker is gone: it gets everything again when it is back */
			log_warn("hand port %u to netd-proxy: %s",
				 (unsigned int)mp->m.spec.host_port, strerror(errno));
			return;
		}
	}
}

static void on_control(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	struct proxy_msg m;
	ssize_t n;

	/* answers to DELs are read where they are waited for; here only the end matters */
	n = recv(fd, &m, sizeof(m), MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		log_warn("netd-proxy closed its control socket");
		stop_child(&d->proxy);
		if (d->proxy.pid > 0)
			(void)kill(d->proxy.pid, SIGKILL);
	}
}

static int spawn(struct daemon *d, struct netd_error *e)
{
	struct proxy_sup *p = &d->proxy;
	char workers[32], conns[32], per_port[32], udp_timeout[32];
	char *argv[16];
	int sp[2], argc = 0;
	struct timeval tv = { .tv_sec = 1 };
	pid_t pid;
	size_t i;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return err_set(e, errno, "netd-proxy control socket: %s", strerror(errno));
	/* a stuck worker must not stop netd: sends give up after a second */
	(void)setsockopt(sp[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	(void)snprintf(conns, sizeof(conns), "--max-conns=%u", d->cfg.proxy_max_conns);
	(void)snprintf(per_port, sizeof(per_port), "--max-conns-per-port=%u",
		       d->cfg.proxy_max_conns_per_port);
	(void)snprintf(udp_timeout, sizeof(udp_timeout), "--udp-timeout=%u",
		       d->cfg.proxy_udp_timeout_s * 1000);
	argv[argc++] = (char *)"netd-proxy";
	argv[argc++] = conns;
	argv[argc++] = per_port;
	argv[argc++] = udp_timeout;
	if (d->cfg.proxy_workers) {
		(void)snprintf(workers, sizeof(workers), "--workers=%u", d->cfg.proxy_workers);
		argv[argc++] = workers;
	}
	if (log_get_level() >= LOG_LEVEL_DEBUG)
		argv[argc++] = (char *)"--log-level=debug";
	argv[argc] = NULL;

	pid = fork();
	if (pid < 0) {
		int r = errno;

		(void)close(sp[0]);
		(void)close(sp[1]);
		return err_set(e, r, "start netd-proxy: %s", strerror(r));
	}
	if (pid == 0) {
		/* only async-signal-safe calls from here to exec */
		if (dup2(sp[1], PROXY_FD_CONTROL) < 0 || dup2(p->stats_fd, PROXY_FD_STATS) < 0)
			_exit(127);
		(void)fcntl(PROXY_FD_CONTROL, F_SETFD, 0);
		(void)fcntl(PROXY_FD_STATS, F_SETFD, 0);
		for (i = 1; i < NSIG; i++)
			(void)signal((int)i, SIG_DFL);
		{
			sigset_t none;

			(void)sigemptyset(&none);
			(void)sigprocmask(SIG_SETMASK, &none, NULL);
		}
		(void)execv(p->path, argv);
		_exit(127);
	}
	(void)close(sp[1]);
	p->ctl_fd = sp[0];
	p->pid = pid;
	p->ctl_ev = event_new(d->base, p->ctl_fd, EV_READ | EV_PERSIST, on_control, d);
	if (!p->ctl_ev || event_add(p->ctl_ev, NULL) < 0)
		log_warn("watch netd-proxy's control socket: out of memory");
	/* connections that were open died with the previous worker */
	for (i = 0; i < d->state.n_mappings; i++) {
		const struct mapping *mp = d->state.mappings[i];

		if (mp->has_slot)
			__atomic_store_n(&p->stats[mp->slot].conns_current, 0, __ATOMIC_RELAXED);
	}
	for (i = 0; i < d->state.n_mappings; i++)
		send_mapping(d, d->state.mappings[i]);
	log_info("netd-proxy started (pid %d, %zu published port(s))", (int)pid,
		 d->state.n_mappings);
	return 0;
}

static void on_restart(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	struct netd_error e = NETD_ERROR_INIT;

	if (spawn(d, &e) < 0) {
		struct timeval tv = { .tv_sec = RESTART_DELAY_MS / 1000 };

		log_error("%s; trying again", e.msg);
		(void)evtimer_add(d->proxy.restart_ev, &tv);
	}
}

static void on_sigchld(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;
	struct proxy_sup *p = &d->proxy;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct timeval tv = { 0 };
		time_t now = time(NULL);

		if (pid != p->pid)
			continue;
		p->pid = 0;
		p->restarts_total++;
		stop_child(p);
		if (WIFSIGNALED(status))
			log_warn("netd-proxy killed by signal %d: restarting it", WTERMSIG(status));
		else
			log_warn("netd-proxy exited with status %d: restarting it",
				 WEXITSTATUS(status));
		events_emit(d, "proxy", "restart",
			    WIFSIGNALED(status) ?
				    json_pack("{s:i, s:i}", "pid", (int)pid, "signal",
					      WTERMSIG(status)) :
				    json_pack("{s:i, s:i}", "pid", (int)pid, "status",
					      WEXITSTATUS(status)));
		if (now - p->window_start > RESTART_WINDOW_S) {
			p->window_start = now;
			p->restarts = 0;
		}
		/* a worker that dies at once again and again is restarted once a second */
		if (++p->restarts > RESTART_BURST)
			tv.tv_usec = RESTART_DELAY_MS * 1000;
		(void)evtimer_add(p->restart_ev, &tv);
	}
}

/* next to netd first (a build tree), then where make install puts it */
static int find_binary(struct proxy_sup *p, struct netd_error *e)
{
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash)
			*slash = '\0';
		if ((size_t)snprintf(p->path, sizeof(p->path), "%s/netd-proxy", self) <
			    sizeof(p->path) &&
		    access(p->path, X_OK) == 0)
			return 0;
	}
	STRLCPY(p->path, SBINDIR "/netd-proxy");
	if (access(p->path, X_OK) < 0)
		return err_set(e, errno,
			       "userland proxy '%s': %s (or start with --userland-proxy=never)",
			       p->path, strerror(errno));
	return 0;
}

/**
 * proxy_sup_start() - start netd-proxy and hand it every published port
 * @d:		daemon with its mappings held
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int proxy_sup_start(struct daemon *d, struct netd_error *e)
{
	struct proxy_sup *p = &d->proxy;
	size_t i;
	int r;

	p->ctl_fd = -1;
	p->stats_fd = -1;
	if (d->cfg.userland_proxy == PROXY_MODE_NEVER)
		return 0;
	r = find_binary(p, e);
	if (r < 0)
		return r;
	p->stats_fd = memfd_create("netd-proxy-stats", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (p->stats_fd < 0 || ftruncate(p->stats_fd, STATS_BYTES) < 0)
		return err_set(e, errno, "proxy counters: %s", strerror(errno));
	/* the worker cannot shrink the file under netd's mapping */
	if (fcntl(p->stats_fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		return err_set(e, errno, "seal proxy counters: %s", strerror(errno));
	p->stats = mmap(NULL, STATS_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, p->stats_fd, 0);
	if (p->stats == MAP_FAILED) {
		p->stats = NULL;
		return err_set(e, errno, "map proxy counters: %s", strerror(errno));
	}
	p->slot_used = calloc(PROXY_MAX_SLOTS / 8, 1);
	p->sigchld = evsignal_new(d->base, SIGCHLD, on_sigchld, d);
	p->restart_ev = evtimer_new(d->base, on_restart, d);
	if (!p->slot_used || !p->sigchld || !p->restart_ev || evsignal_add(p->sigchld, NULL) < 0)
		return err_set(e, ENOMEM, "proxy supervisor");
	for (i = 0; i < d->state.n_mappings; i++) {
		r = proxy_sup_slot(d, d->state.mappings[i]);
		if (r < 0)
			return err_set(e, -r, "proxy counter slots");
	}
	return spawn(d, e);
}

/**
 * proxy_sup_slot() - give a mapping its counter slot (zeroed), before it is added
 * @d:		daemon
 * @mp:		mapping
 *
 * Return: 0, or -ENOSPC
 */
int proxy_sup_slot(struct daemon *d, struct mapping *mp)
{
	struct proxy_sup *p = &d->proxy;
	uint32_t i;

	if (!p->slot_used || mp->has_slot)
		return 0;
	for (i = 0; i < PROXY_MAX_SLOTS; i++) {
		uint32_t s = (p->next_slot + i) % PROXY_MAX_SLOTS;

		if (p->slot_used[s / 8] & (1u << (s % 8)))
			continue;
		p->slot_used[s / 8] |= (uint8_t)(1u << (s % 8));
		p->next_slot = s + 1;
		memset(&p->stats[s], 0, sizeof(p->stats[s]));
		mp->slot = s;
		mp->has_slot = true;
		return 0;
	}
	return -ENOSPC;
}

/**
 * proxy_sup_add() - hand a newly published mapping's sockets to the worker
 * @d:		daemon
 * @mp:		mapping in the state, with its slot
 */
void proxy_sup_add(struct daemon *d, const struct mapping *mp)
{
	send_mapping(d, mp);
}

/* wait for the worker to say the slot's sockets are closed, so the port can be taken again */
static void wait_deleted(struct proxy_sup *p, uint32_t slot)
{
	struct timespec start, now;

	(void)clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd pfd = { .fd = p->ctl_fd, .events = POLLIN };
		struct proxy_msg m;
		long waited;
		ssize_t n;

		(void)clock_gettime(CLOCK_MONOTONIC, &now);
		waited = (now.tv_sec - start.tv_sec) * 1000 +
			 (now.tv_nsec - start.tv_nsec) / 1000000;
		if (waited >= DEL_WAIT_MS || poll(&pfd, 1, (int)(DEL_WAIT_MS - waited)) <= 0) {
			log_warn("netd-proxy did not close the sockets of slot %u in time", slot);
			return;
		}
		n = recv(p->ctl_fd, &m, sizeof(m), MSG_DONTWAIT);
		if (n <= 0 && errno != EAGAIN && errno != EINTR)
			return; /* it died: its sockets are closed */
		if (n == sizeof(m) && m.type == PROXY_MSG_DELETED && m.slot == slot)
			return;
	}
}

/**
 * proxy_sup_del() - take a mapping away from the worker before its sockets are closed
 * @d:		daemon
 * @mp:		mapping
 */
void proxy_sup_del(struct daemon *d, struct mapping *mp)
{
	struct proxy_sup *p = &d->proxy;
	struct proxy_msg m = { .type = PROXY_MSG_DEL };

	if (!mp->has_slot)
		return;
	m.slot = mp->slot;
	if (p->ctl_fd >= 0 && send_msg(p, &m, -1) == 0)
		wait_deleted(p, mp->slot);
	p->slot_used[mp->slot / 8] &= (uint8_t) ~(1u << (mp->slot % 8));
	mp->has_slot = false;
}

/**
 * proxy_sup_stats() - a mapping's counters as JSON, or NULL without proxy
 * @d:		daemon
 * @mp:		mapping
 *
 * Return: new JSON object or NULL
 */
json_t *proxy_sup_stats(const struct daemon *d, const struct mapping *mp)
{
	const struct proxy_stats *s;

	if (!d->proxy.stats || !mp->has_slot)
		return NULL;
	s = &d->proxy.stats[mp->slot];
	return json_pack("{s:I, s:I, s:I, s:I, s:I}", "connections",
			 (json_int_t)__atomic_load_n(&s->conns_current, __ATOMIC_RELAXED),
			 "connections_total",
			 (json_int_t)__atomic_load_n(&s->conns_total, __ATOMIC_RELAXED), "refused",
			 (json_int_t)__atomic_load_n(&s->refused, __ATOMIC_RELAXED), "bytes_in",
			 (json_int_t)__atomic_load_n(&s->bytes_in, __ATOMIC_RELAXED), "bytes_out",
			 (json_int_t)__atomic_load_n(&s->bytes_out, __ATOMIC_RELAXED));
}

/**
 * proxy_sup_stop() - end the worker (netd stops) and free the supervisor
 * @d:		daemon
 */
void proxy_sup_stop(struct daemon *d)
{
	struct proxy_sup *p = &d->proxy;

	if (p->sigchld)
		event_free(p->sigchld);
	if (p->restart_ev)
		event_free(p->restart_ev);
	stop_child(p);
	if (p->pid > 0) {
		(void)kill(p->pid, SIGTERM);
		(void)waitpid(p->pid, NULL, 0);
	}
	if (p->stats)
		(void)munmap(p->stats, STATS_BYTES);
	closep(&p->stats_fd);
	free(p->slot_used);
	memset(p, 0, sizeof(*p));
	p->ctl_fd = p->stats_fd = -1;
}
