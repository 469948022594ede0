// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tinyhttpd - a minimal HTTP/1.0 server for tests/bench/proxy: one thread, epoll, every
 * request answered with the same short 200 response, then the connection is closed.
 *
 * Usage: tinyhttpd [PORT [ADDRESS]]   (default 80, 0.0.0.0; IPv4 only)
 *
 * It reads until the end of the request head (an empty line) so that closing never resets
 * the connection under unread data, writes the answer (about 100 bytes, one write) and
 * closes. It runs until a signal ends it. Built by the benchmark with `cc -O2`.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static const char answer[] = "HTTP/1.0 200 OK\r\n"
			     "Content-Type: text/plain\r\n"
			     "Content-Length: 22\r\n"
			     "Connection: close\r\n"
			     "\r\n"
			     "tinyhttpd: hello, 200\n";

/* per fd: how much of "\r\n\r\n" the bytes read so far end with (0..3) */
static unsigned char *matched;
static size_t nmatched;

static int head_complete(int fd, const char *buf, ssize_t n)
{
	static const char end[] = "\r\n\r\n";
	unsigned m = (size_t)fd < nmatched ? matched[fd] : 0;
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == end[m])
			m++;
		else
			m = buf[i] == '\r' ? 1 : 0;
		if (m == 4)
			return 1;
	}
	if ((size_t)fd < nmatched)
		matched[fd] = (unsigned char)m;
	return 0;
}

static void finish(int fd)
{
	ssize_t w = write(fd, answer, sizeof(answer) - 1);
	(void)w; /* a client gone already is not our problem */
	if ((size_t)fd < nmatched)
		matched[fd] = 0;
	close(fd); /* also removes it from the epoll set */
}

static void on_readable(int fd)
{
	char buf[4096];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n > 0) {
			if (head_complete(fd, buf, n)) {
				finish(fd);
				return;
			}
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return; /* wait for the rest of the head */
		/* EOF or error before a whole request: just close */
		if ((size_t)fd < nmatched)
			matched[fd] = 0;
		close(fd);
		return;
	}
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 80;
	const char *addr = argc > 2 ? argv[2] : "0.0.0.0";
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct rlimit rl;
	int one = 1;

	if (port <= 0 || port > 65535 || inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		fprintf(stderr, "usage: tinyhttpd [PORT [IPV4-ADDRESS]]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	/* as many connections as the limit allows */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	nmatched = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (1u << 20) ? rl.rlim_cur :
										    1u << 20;
	matched = calloc(nmatched, 1);
	if (!matched)
		nmatched = 0;

	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(lfd, 4096) < 0) {
		perror("tinyhttpd: listen");
		return 1;
	}
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = lfd };
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) < 0) {
		perror("tinyhttpd: epoll");
		return 1;
	}

	struct epoll_event evs[256];
	for (;;) {
		int n = epoll_wait(ep, evs, 256, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("tinyhttpd: epoll_wait");
			return 1;
		}
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			if (fd != lfd) {
				on_readable(fd);
				continue;
			}
			for (int k = 0; k < 256;
			     k++) { /* a batch of accepts, then the other events */
				int c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
				if (c < 0) {
					if (errno != EAGAIN && errno != EINTR &&
					    errno != ECONNABORTED)
						perror("tinyhttpd: accept");
					break;
				}
				struct epoll_event cev = { .events = EPOLLIN | EPOLLRDHUP,
							   .data.fd = c };
				if (epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev) < 0) {
					close(c);
					continue;
				}
				on_readable(c); /* the request is often there already */
			}
		}
	}
}
