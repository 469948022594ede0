// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - netd-proxy: netd's userland proxy worker
 *
 * Started by netd only.  It gets every published port's socket from netd over SCM_RIGHTS and
 * relays what NAT does not carry (loopback clients, IPv6 clients of IPv4-only containers).
 * It needs no privilege: it becomes nobody, keeps no capability and dies with netd.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <netd/log.h>
#include <netd/parse.h>

#include "proxy.h"

/* Debian's nobody and nogroup */
#define UNPRIVILEGED_ID 65534

static void usage(FILE *f)
{
	(void)fprintf(
		f,
		"Usage: netd-proxy [OPTION]...\n"
		"netd's userland proxy worker; netd starts it with its control socket on fd 3\n"
		"and its counters on fd 4. Not meant to be run by hand.\n\n"
		"  --workers N             relay threads (default: one per CPU, at least 2)\n"
		"  --max-conns N           TCP connections open at once (default 16384)\n"
		"  --max-conns-per-port N  TCP connections to one published port (default 4096)\n"
		"  --connect-timeout MS    connect to the container (default 5000)\n"
		"  --udp-timeout MS        idle UDP flow lifetime (default 30000)\n"
		"  --udp-max-flows N       UDP flows at once (default 16384)\n"
		"  --log-level LEVEL       error, warn, info or debug\n");
}

static int parse_options(int argc, char **argv, struct proxy_config *cfg)
{
	static const struct option opts[] = {
		{ "workers", required_argument, NULL, 'w' },
		{ "max-conns", required_argument, NULL, 'c' },
		{ "max-conns-per-port", required_argument, NULL, 'p' },
		{ "connect-timeout", required_argument, NULL, 't' },
		{ "udp-timeout", required_argument, NULL, 'u' },
		{ "udp-max-flows", required_argument, NULL, 'f' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	enum log_level level;
	unsigned int *field;
	int c;

	*cfg = (struct proxy_config){
		.workers = cpus > 2 ? (unsigned int)(cpus > 64 ? 64 : cpus) : 2,
		.max_conns = 16384,
		.max_conns_per_port = 4096,
		.connect_timeout_ms = 5000,
		.udp_timeout_ms = 30000,
		.udp_max_flows = 16384,
	};
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			field = &cfg->workers;
			break;
		case 'c':
			field = &cfg->max_conns;
			break;
		case 'p':
			field = &cfg->max_conns_per_port;
			break;
		case 't':
			field = &cfg->connect_timeout_ms;
			break;
		case 'u':
			field = &cfg->udp_timeout_ms;
			break;
		case 'f':
			field = &cfg->udp_max_flows;
			break;
		case 'l':
			if (log_level_parse(optarg, &level) < 0) {
				(void)fprintf(stderr, "netd-proxy: invalid log level '%s'\n",
					      optarg);
				return -EINVAL;
			}
			log_set_level(level);
			continue;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -EINVAL;
		}
		if (parse_uint(optarg, 1u << 30, field) < 0 || *field == 0) {
			(void)fprintf(stderr, "netd-proxy: invalid number '%s'\n", optarg);
			return -EINVAL;
		}
	}
	if (cfg->workers > 64)
		cfg->workers = 64;
	return 0;
}

/* nobody, no capability, no way back, no core dump of relayed bytes */
static int drop_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { 0 } };
	unsigned long cap;

	if (geteuid() == 0) {
		for (cap = 0; cap <= 63; cap++)
			if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
				return log_error_errno(-errno, "drop capability bounding set");
		if (setgroups(0, NULL) < 0 ||
		    setresgid(UNPRIVILEGED_ID, UNPRIVILEGED_ID, UNPRIVILEGED_ID) < 0 ||
		    setresuid(UNPRIVILEGED_ID, UNPRIVILEGED_ID, UNPRIVILEGED_ID) < 0)
			return log_error_errno(-errno, "become user %d", UNPRIVILEGED_ID);
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return log_error_errno(-errno, "drop capabilities");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return log_error_errno(-errno, "no_new_privs");
	return 0;
}

static int check_ctl(const struct proxy_msg *m)
{
	if (m->slot >= PROXY_MAX_SLOTS)
		return -ERANGE;
	if (m->type == PROXY_MSG_ADD) {
		if (m->proto != IPPROTO_TCP && m->proto != IPPROTO_UDP)
			return -EPROTONOSUPPORT;
		if (m->target.sa.sa_family != AF_INET && m->target.sa.sa_family != AF_INET6)
			return -EAFNOSUPPORT;
		if (m->flags & ~(uint32_t)PROXY_F_PROXY_PROTOCOL)
			return -EINVAL;
	} else if (m->type != PROXY_MSG_DEL) {
		return -EBADMSG;
	}
	return 0;
}

/* Return: 0, negative errno (@fd is the caller's), or 1: failed, @fd was taken and closed */
static int add_listener(struct proxy *px, const struct proxy_msg *m, int fd)
{
	struct listener *l;
	int on = 1, type = 0, family = 0, r;
	socklen_t len = sizeof(type);
	unsigned int i;

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    type != (m->proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM))
		return -ENOTSOCK;
	len = sizeof(family);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &family, &len) < 0)
		return -errno;
	if (m->proto == IPPROTO_TCP && listen(fd, SOMAXCONN) < 0)
		return -errno;
	if (m->proto == IPPROTO_UDP) {
		r = family == AF_INET ?
			    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) :
			    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on));
		if (r < 0)
			return -errno;
	}
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->kind = OBJ_LISTENER;
	l->fd = fd;
	l->proto = (int)m->proto;
	l->slot = m->slot;
	l->flags = m->flags;
	memcpy(&l->target, &m->target, sizeof(m->target));
	l->target_len = m->target.sa.sa_family == AF_INET ? sizeof(struct sockaddr_in) :
							    sizeof(struct sockaddr_in6);
	if (m->proto == IPPROTO_TCP) {
		l->refs = px->cfg.workers;
		for (i = 0; i < px->cfg.workers; i++) {
			r = worker_add_listener(&px->workers[i], l);
			if (r == 0)
				continue;
			if (i == 0) {
				free(l);
				return r;
			}
			/* the workers that have it drop it, the last one closes it */
			l->refs = i;
			while (i--)
				(void)worker_command(&px->workers[i], CMD_DROP, l);
			return 1;
		}
	} else {
		l->refs = 1;
		l->owner = &px->workers[px->next_udp_worker++ % px->cfg.workers];
		r = worker_add_listener(l->owner, l);
		if (r < 0) {
			free(l);
			return r;
		}
	}
	l->next = px->slots[m->slot];
	px->slots[m->slot] = l;
	return 0;
}

static void del_slot(struct proxy *px, uint32_t slot)
{
	struct listener *l = px->slots[slot], *next;
	struct del_op *op;
	unsigned int n = 0, i;

	for (next = l; next; next = next->next)
		n++;
	op = calloc(1, sizeof(*op));
	if (!n || !op) {
		free(op);
		px->slots[slot] = NULL;
		proxy_deleted(px, slot);
		return;
	}
	op->slot = slot;
	op->remaining = n;
	px->slots[slot] = NULL;
	for (; l; l = next) {
		next = l->next;
		l->del = op;
		if (l->proto == IPPROTO_TCP) {
			for (i = 0; i < px->cfg.workers; i++)
				if (worker_command(&px->workers[i], CMD_DROP, l) < 0)
					log_error("slot %u: out of memory, its socket stays", slot);
		} else if (worker_command(l->owner, CMD_DROP, l) < 0) {
			log_error("slot %u: out of memory, its socket stays", slot);
		}
	}
}

/* read netd's messages until it goes away */
static int control_loop(struct proxy *px)
{
	for (;;) {
		union {
			char buf[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} cbuf;
		struct proxy_msg m;
		struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
		struct msghdr mh = {
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = cbuf.buf,
			.msg_controllen = sizeof(cbuf.buf),
		};
		struct cmsghdr *cm;
		ssize_t n;
		int fd = -1, r;

		n = recvmsg(px->control_fd, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0)
				log_error("control socket: %s", strerror(errno));
			return n == 0 ? 0 : 1;
		}
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
			    cm->cmsg_len == CMSG_LEN(sizeof(int)))
				memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
		r = (size_t)n == sizeof(m) ? check_ctl(&m) : -EBADMSG;
		if (r == 0 && m.type == PROXY_MSG_ADD)
			r = fd >= 0 ? add_listener(px, &m, fd) : -EBADF;
		else if (r == 0)
			del_slot(px, m.slot);
		if (r != 0)
			log_error("control message for slot %u: %s", m.slot,
				  r < 0 ? strerror(-r) : "cannot serve it");
		if (r < 0 && fd >= 0)
			(void)close(fd);
	}
}

int main(int argc, char **argv)
{
	static struct proxy px;
	pid_t netd = getppid();
	unsigned int i;
	int r;

	log_set_ident("netd-proxy");
	r = parse_options(argc, argv, &px.cfg);
	if (r != 0)
		return r > 0 ? 0 : 2;
	(void)signal(SIGPIPE, SIG_IGN);
	px.control_fd = PROXY_FD_CONTROL;
	{
		int type = 0;
		socklen_t len = sizeof(type);

		if (getsockopt(px.control_fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
		    type != SOCK_SEQPACKET) {
			log_error(
				"fd %d is not netd's control socket: netd-proxy is started by netd",
				PROXY_FD_CONTROL);
			return 2;
		}
	}
	px.stats = mmap(NULL, sizeof(struct proxy_stats) * PROXY_MAX_SLOTS, PROT_READ | PROT_WRITE,
			MAP_SHARED, PROXY_FD_STATS, 0);
	if (px.stats == MAP_FAILED)
		return log_error_errno(-errno, "map the counters on fd %d", PROXY_FD_STATS), 2;
	(void)close(PROXY_FD_STATS);
	if (drop_privileges() < 0)
		return 1;
	/*
	 * With netd gone nobody would hand back its ports: go too.  Only now: changing the uid
	 * clears the parent-death signal; a netd that died before this line shows as a new
	 * parent (control-socket EOF would end the worker too, later).
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return log_error_errno(-errno, "PR_SET_PDEATHSIG"), 1;
	if (getppid() != netd)
		return log_error("netd is gone"), 1;
	px.slots = calloc(PROXY_MAX_SLOTS, sizeof(*px.slots));
	px.workers = calloc(px.cfg.workers, sizeof(*px.workers));
	if (!px.slots || !px.workers || pthread_mutex_init(&px.control_lock, NULL) != 0)
		return log_error_errno(-ENOMEM, "start"), 1;
	for (i = 0; i < px.cfg.workers; i++) {
		r = worker_start(&px, &px.workers[i], i);
		if (r < 0)
			return log_error_errno(r, "start worker %u", i), 1;
	}
	log_debug("%u relay workers", px.cfg.workers);
	/* the threads run until the process ends: exit() skips their teardown */
	_exit(control_loop(&px));
}
