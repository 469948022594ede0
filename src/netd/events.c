// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * events.c - GET /v1/events: what netd does, streamed as JSON lines to every subscriber, like
 * `docker events`.  Nothing is stored: a subscriber sees what happens while it listens.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>

#include "daemon.h"

/* subscribers at once; more get 503, so a runaway client cannot make netd hold thousands */
#define EVENTS_MAX_SUBSCRIBERS 64
/* a subscriber that lets this much pile up unread is dropped rather than let netd grow */
#define EVENTS_MAX_BACKLOG (1024 * 1024)
/* a quiet stream is not an idle connection: evhttp's timeout would end it */
#define EVENTS_CONN_TIMEOUT_S (7 * 24 * 3600)

static struct evhttp_request *subscribers[EVENTS_MAX_SUBSCRIBERS];
static uint64_t events_total;

static void unsubscribe(struct evhttp_request *req)
{
	size_t i;

	for (i = 0; i < EVENTS_MAX_SUBSCRIBERS; i++)
		if (subscribers[i] == req)
			subscribers[i] = NULL;
}

static void on_close(struct evhttp_connection *evcon, void *arg)
{
	unsubscribe(arg);
}

static size_t backlog(struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;

	return bev ? evbuffer_get_length(bufferevent_get_output(bev)) : 0;
}

/**
 * api_events() - GET /v1/events: a chunked stream of JSON lines until the client goes
 * @d:		daemon
 * @req:	request
 * @arg:	unused
 */
void api_events(struct daemon *d, struct evhttp_request *req, const char *arg)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct netd_error e = NETD_ERROR_INIT;
	size_t i;

	for (i = 0; i < EVENTS_MAX_SUBSCRIBERS; i++)
		if (!subscribers[i])
			break;
	if (i == EVENTS_MAX_SUBSCRIBERS || !evcon) {
		err_set(&e, EAGAIN, "%d event subscribers already: try again later",
			EVENTS_MAX_SUBSCRIBERS);
		api_reply_error(req, &e);
		return;
	}
	subscribers[i] = req;
	evhttp_connection_set_timeout(evcon, EVENTS_CONN_TIMEOUT_S);
	evhttp_connection_set_closecb(evcon, on_close, req);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
			  "application/x-ndjson");
	evhttp_send_reply_start(req, 200, "OK");
}

/**
 * events_emit() - tell every subscriber what happened
 * @d:		daemon
 * @type:	what kind of object: network, endpoint, port, proxy, firewall
 * @action:	what happened to it: create, remove, attach, detach, publish, repair, ...
 * @attrs:	the object's names and details (consumed), or NULL
 */
void events_emit(struct daemon *d, const char *type, const char *action, json_t *attrs)
{
	struct timespec ts;
	struct tm tm;
	char when[40];
	char *text;
	json_t *o;
	size_t i;

	events_total++;
	for (i = 0; i < EVENTS_MAX_SUBSCRIBERS && !subscribers[i]; i++)
		;
	/* nobody listens: attach and publish pay no timestamp and no encoding */
	if (i == EVENTS_MAX_SUBSCRIBERS) {
		json_decref(attrs);
		return;
	}
	if (!attrs)
		attrs = json_object();
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	(void)gmtime_r(&ts.tv_sec, &tm);
	(void)strftime(when, 24, "%Y-%m-%dT%H:%M:%S", &tm);
	(void)snprintf(when + strlen(when), sizeof(when) - strlen(when), ".%03ldZ",
		       ts.tv_nsec / 1000000);
	o = json_pack("{s:s, s:s, s:s, s:o}", "time", when, "type", type, "action", action,
		      "attributes", attrs);
	text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(o);
	if (!text)
		return;
	for (i = 0; i < EVENTS_MAX_SUBSCRIBERS; i++) {
		struct evhttp_request *req = subscribers[i];
		struct evbuffer *buf;

		if (!req)
			continue;
		if (backlog(req) > EVENTS_MAX_BACKLOG) {
			log_warn("event subscriber reads too slowly: %zu bytes unread, dropping it",
				 backlog(req));
			subscribers[i] = NULL;
			evhttp_connection_set_closecb(evhttp_request_get_connection(req), NULL,
						      NULL);
			evhttp_send_reply_end(req);
			continue;
		}
		buf = evbuffer_new();
		if (!buf)
			continue;
		(void)evbuffer_add_printf(buf, "%s\n", text);
		evhttp_send_reply_chunk(req, buf);
		evbuffer_free(buf);
	}
	free(text);
	(void)d;
}

/**
 * events_count() - events emitted since start, for GET /metrics
 *
 * Return: the count
 */
uint64_t events_count(void)
{
	return events_total;
}

/**
 * events_stop() - end every stream, as netd stops
 *
 * Return: how many streams were ended
 */
unsigned int events_stop(void)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < EVENTS_MAX_SUBSCRIBERS; i++) {
		struct evhttp_request *req = subscribers[i];

		if (!req)
			continue;
		subscribers[i] = NULL;
		evhttp_connection_set_closecb(evhttp_request_get_connection(req), NULL, NULL);
		evhttp_send_reply_end(req);
		n++;
	}
	return n;
}
