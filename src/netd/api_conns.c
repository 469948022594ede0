// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * api_conns.c - every control connection netd has, with a deadline for its request head.
 *
 * libevent 2.1's HTTP timeout restarts with every byte, so a client trickling a byte a second
 * kept its connection for hours, and it offers no hook between accept and a whole request
 * (evhttp_set_newreqcb() is 2.2's). It does let netd make each connection's bufferevent
 * (evhttp_set_bevcb()): netd keeps a reference to it, learns its socket once evhttp sets it,
 * sees it freed (evhttp clears its callbacks first), and shuts the socket down when no request
 * came within NETD_HEAD_DEADLINE_S, or at once past NETD_MAX_CONNS connections; evhttp then
 * reads end of file and frees the connection itself.
 */
#include "config.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/bufferevent.h>
#include <event2/http.h>

#include "daemon.h"

struct conn {
	struct bufferevent *bev; /* our reference: freed by evhttp only once we drop it */
	time_t deadline; /* shut down after this; 0 once a request came */
	bool shut;
};

static struct {
	struct conn *v;
	size_t n, cap;
	struct event *sweep;
	uint64_t shed_total;
} conns;

static time_t now_s(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void sweep(evutil_socket_t fd, short what, void *arg);

static struct bufferevent *new_conn(struct event_base *base, void *arg)
{
	struct bufferevent *bev;
	time_t now = now_s();

	/* the sockets of connections evhttp freed go now, not at the next tick: under a burst of
	 * short requests they would otherwise pile up for a second */
	sweep(-1, 0, arg);
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (!bev)
		return NULL; /* evhttp makes its own: that connection just has no deadline */
	if (conns.n == conns.cap) {
		size_t cap = conns.cap ? conns.cap * 2 : 64;
		struct conn *v = realloc(conns.v, cap * sizeof(*v));

		if (!v)
			return bev;
		conns.v = v;
		conns.cap = cap;
	}
	bufferevent_incref(bev);
	/* past the cap a connection gets no time at all: the next sweep sheds it */
	conns.v[conns.n] = (struct conn){
		.bev = bev,
		.deadline = conns.n >= NETD_MAX_CONNS ? now : now + NETD_HEAD_DEADLINE_S,
	};
	conns.n++; /* not in the subscript: the initializer reads conns.n (unsequenced) */
	return bev;
}

static void sweep(evutil_socket_t fd, short what, void *arg)
{
	time_t now = now_s();
	size_t i = 0;

	while (i < conns.n) {
		struct conn *c = &conns.v[i];
		bufferevent_data_cb rcb = NULL, wcb = NULL;
		bufferevent_event_cb ecb = NULL;
		evutil_socket_t sock;

		bufferevent_getcb(c->bev, &rcb, &wcb, &ecb, NULL);
		if (!rcb && !wcb && !ecb) {
			/* evhttp freed the connection: ours was the last reference */
			bufferevent_decref(c->bev);
			conns.v[i] = conns.v[--conns.n];
			continue;
		}
		sock = bufferevent_getfd(c->bev);
		if (!c->shut && c->deadline && now >= c->deadline && sock >= 0) {
			log_warn("control connection sent no whole request in %d s: closing it",
				 NETD_HEAD_DEADLINE_S);
			(void)shutdown(sock, SHUT_RDWR);
			c->shut = true;
			conns.shed_total++;
		}
		i++;
	}
}

/**
 * api_conns_start() - make netd's control connections through new_conn() and sweep them
 * once a second
 * @d:		daemon
 * @http:	the control socket's server
 *
 * Return: 0 or -ENOMEM
 */
int api_conns_start(struct daemon *d, struct evhttp *http)
{
	static const struct timeval second = { 1, 0 };

	conns.sweep = event_new(d->base, -1, EV_PERSIST, sweep, d);
	if (!conns.sweep || event_add(conns.sweep, &second) < 0)
		return -ENOMEM;
	evhttp_set_bevcb(http, new_conn, d);
	return 0;
}

/**
 * api_conns_request() - a whole request came on @req's connection: no deadline any more (an
 * event stream may stay for days)
 * @req:	request
 */
void api_conns_request(struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
	size_t i;

	for (i = 0; bev && i < conns.n; i++)
		if (conns.v[i].bev == bev)
			conns.v[i].deadline = 0;
}

/**
 * api_conns_shed() - connections closed for sending no request in time, for GET /metrics
 *
 * Return: the count since start
 */
uint64_t api_conns_shed(void)
{
	return conns.shed_total;
}

/**
 * api_conns_stop() - after evhttp_free(): drop the references netd still holds
 */
void api_conns_stop(void)
{
	size_t i;

	if (conns.sweep) {
		event_free(conns.sweep);
		conns.sweep = NULL;
	}
	for (i = 0; i < conns.n; i++)
		bufferevent_decref(conns.v[i].bev);
	free(conns.v);
	conns.v = NULL;
	conns.n = conns.cap = 0;
}
