// SPDX-License-Identifier: GPL-2.0-or-later
/* api.c - the control socket: evhttp on AF_UNIX, peer credentials, limits, route table */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <time.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include <netd/codec.h>

#include "daemon.h"

struct route {
	enum evhttp_cmd_type method;
	const char *prefix; /* exact path, or a prefix ending in '/' that takes one argument */
	api_handler_fn fn;
};

/* every route of the API, in one table; docs/api.md documents each */
static const struct route routes[] = {
	{ EVHTTP_REQ_GET, "/v1/version", api_system_version },
	{ EVHTTP_REQ_GET, "/v1/info", api_system_info },
	{ EVHTTP_REQ_GET, "/v1/health", api_system_health },
	{ EVHTTP_REQ_GET, "/v1/networks", api_network_list },
	{ EVHTTP_REQ_POST, "/v1/networks", api_network_create },
	{ EVHTTP_REQ_GET, "/v1/networks/", api_network_inspect },
	{ EVHTTP_REQ_DELETE, "/v1/networks/", api_network_delete },
	{ EVHTTP_REQ_GET, "/v1/endpoints", api_endpoint_list },
	{ EVHTTP_REQ_POST, "/v1/endpoints", api_endpoint_attach },
	{ EVHTTP_REQ_GET, "/v1/endpoints/", api_endpoint_inspect },
	{ EVHTTP_REQ_DELETE, "/v1/endpoints/", api_endpoint_detach },
	{ EVHTTP_REQ_GET, "/v1/ports", api_port_list },
	{ EVHTTP_REQ_POST, "/v1/ports", api_port_publish },
	{ EVHTTP_REQ_DELETE, "/v1/ports", api_port_unpublish },
	{ EVHTTP_REQ_GET, "/v1/events", api_events },
	{ EVHTTP_REQ_GET, "/metrics", api_metrics },
};

/* request latency buckets in seconds (Prometheus "le"), then +Inf */
static const double buckets[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1 };
#define N_BUCKETS (ARRAY_SIZE(buckets) + 1)

/*
 * How each route has been used since start, for GET /metrics.  One daemon per process:
 * file scope is enough.
 */
static struct {
	uint64_t count;
	uint64_t bucket[N_BUCKETS];
	double sum;
} route_stats[ARRAY_SIZE(routes)];

static double now_s(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void observe(size_t route, double seconds)
{
	size_t b = 0;

	while (b < ARRAY_SIZE(buckets) && seconds > buckets[b])
		b++;
	route_stats[route].count++;
	route_stats[route].bucket[b]++;
	route_stats[route].sum += seconds;
}

static const char *method_name(enum evhttp_cmd_type m)
{
	return m == EVHTTP_REQ_GET ? "GET" : m == EVHTTP_REQ_POST ? "POST" : "DELETE";
}

/**
 * api_metrics_requests() - the API's request counters and latency histograms, in the
 * Prometheus text format
 * @out:	buffer to append to
 */
void api_metrics_requests(struct evbuffer *out)
{
	size_t i, b;

	evbuffer_add_printf(out, "# HELP netd_api_request_duration_seconds Time netd took to "
				 "answer an API request, by route.\n"
				 "# TYPE netd_api_request_duration_seconds histogram\n");
	for (i = 0; i < ARRAY_SIZE(routes); i++) {
		uint64_t cum = 0;
		char label[64];

		(void)snprintf(label, sizeof(label), "%s %s", method_name(routes[i].method),
			       routes[i].prefix);
		for (b = 0; b < N_BUCKETS; b++) {
			cum += route_stats[i].bucket[b];
			if (b < ARRAY_SIZE(buckets))
				evbuffer_add_printf(
					out,
					"netd_api_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %" PRIu64
					"\n",
					label, buckets[b], cum);
			else
				evbuffer_add_printf(
					out,
					"netd_api_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %" PRIu64
					"\n",
					label, cum);
		}
		evbuffer_add_printf(out,
				    "netd_api_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
				    "netd_api_request_duration_seconds_count{route=\"%s\"} %" PRIu64
				    "\n",
				    label, route_stats[i].sum, label, route_stats[i].count);
	}
}

/**
 * api_reply_json() - send @body with @status and take ownership of @body
 * @req:	request
 * @status:	HTTP status
 * @body:	JSON value (consumed), or NULL for an empty body
 */
void api_reply_json(struct evhttp_request *req, int status, json_t *body)
{
	struct evbuffer *buf = evbuffer_new();
	char *text = NULL;

	if (body)
		text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(body);
	if (!buf || (body && !text)) {
		evhttp_send_error(req, 500, "out of memory");
		if (buf)
			evbuffer_free(buf);
		free(text);
		return;
	}
	if (text) {
		(void)evbuffer_add(buf, text, strlen(text));
		(void)evbuffer_add(buf, "\n", 1);
		(void)evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
					"application/json");
	}
	free(text);
	evhttp_send_reply(req, status, NULL, buf);
	evbuffer_free(buf);
}

/**
 * api_reply_error() - send {"message", "errno"} with the status the errno maps to
 * @req:	request
 * @e:		error
 */
void api_reply_error(struct evhttp_request *req, const struct netd_error *e)
{
	int status = errno_to_http(e->code);

	if (status >= 500)
		log_error("%s %s: %s",
			  evhttp_request_get_command(req) == EVHTTP_REQ_GET ? "GET" : "request",
			  evhttp_request_get_uri(req), e->msg);
	api_reply_json(req, status, error_to_json(e));
}

/**
 * api_body() - copy out the request body, refusing one larger than NETD_MAX_BODY
 * @req:	request
 * @ret:	body, NUL-terminated, to free()
 * @ret_len:	body length
 * @e:		error context
 *
 * Return: 0 or -ENOMEM
 */
int api_body(struct evhttp_request *req, char **ret, size_t *ret_len, struct netd_error *e)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	char *p;

	if (len > NETD_MAX_BODY)
		return err_set(e, EMSGSIZE, "request body of %zu bytes is larger than %d bytes",
			       len, NETD_MAX_BODY);
	p = malloc(len + 1);
	if (!p)
		return err_set(e, ENOMEM, "read request body");
	if (evbuffer_remove(in, p, len) != (int)len) {
		free(p);
		return err_set(e, EIO, "read request body");
	}
	p[len] = '\0';
	*ret = p;
	*ret_len = len;
	return 0;
}

static int peer_allowed(struct daemon *d, struct evhttp_request *req, struct ucred *ret)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
	socklen_t len = sizeof(*ret);
	int fd = bev ? (int)bufferevent_getfd(bev) : -1;

	if (fd < 0 || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, ret, &len) < 0)
		return -EACCES;
	if (ret->uid == 0)
		return 0;
	if (d->cfg.has_socket_group && ret->gid == d->cfg.socket_gid)
		return 0;
	return -EACCES;
}

static void dispatch(struct evhttp_request *req, void *arg)
{
	struct daemon *d = arg;
	struct netd_error e = NETD_ERROR_INIT;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	enum evhttp_cmd_type method = evhttp_request_get_command(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	bool path_matched = false;
	struct ucred cred;
	size_t i;

	api_conns_request(req);
	/*
	 * libevent 2.1 has no hook between accept and reading the request, so the credentials
	 * are checked here, before anything of the body is looked at; bodies are capped at
	 * NETD_MAX_BODY and the socket file itself is 0600 (0660 with --socket-group).
	 */
	if (peer_allowed(d, req, &cred) < 0) {
		log_warn("refused request from uid %u pid %d: not allowed on the control socket",
			 (unsigned int)cred.uid, (int)cred.pid);
		err_set(&e, EACCES, "permission denied: only root%s may use netd's socket",
			d->cfg.has_socket_group ? " and the socket group" : "");
		api_reply_error(req, &e);
		return;
	}
	if (!path) {
		err_set(&e, EINVAL, "invalid request path");
		api_reply_error(req, &e);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(routes); i++) {
		const struct route *rt = &routes[i];
		size_t plen = strlen(rt->prefix);
		const char *arg_s = NULL;
		char decoded[256];

		if (rt->prefix[plen - 1] == '/') {
			if (strncmp(path, rt->prefix, plen) != 0 || !path[plen] ||
			    strchr(path + plen, '/'))
				continue;
			arg_s = path + plen;
			/* names never need escaping; refuse anything that is not plain */
			if (strlen(arg_s) >= sizeof(decoded) || strchr(arg_s, '%')) {
				err_set(&e, EINVAL, "invalid name in path");
				api_reply_error(req, &e);
				return;
			}
			STRLCPY(decoded, arg_s);
			arg_s = decoded;
		} else if (strcmp(path, rt->prefix) != 0) {
			continue;
		}
		path_matched = true;
		if (rt->method != method)
			continue;
		log_debug("%s", evhttp_request_get_uri(req));
		{
			/*
			 * handlers answer before they return, so the time is the request's; a
			 * detach answers later, once the reaper deleted its veths: its time here
			 * is the loop's share
			 */
			double start = now_s();

			rt->fn(d, req, arg_s);
			observe(i, now_s() - start);
		}
		return;
	}
	if (path_matched) {
		err_set(&e, EINVAL, "method not allowed on '%s'", path);
		api_reply_json(req, 405, error_to_json(&e));
		return;
	}
	err_set(&e, ENOENT, "no such route '%s'", path);
	api_reply_error(req, &e);
}

/* a socket file left by a dead netd is removed; one a live netd answers on is not */
static int remove_stale_socket(const char *path, struct netd_error *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 :
					 err_set(e, errno, "stat '%s': %s", path, strerror(errno));
	if (!S_ISSOCK(st.st_mode))
		return err_set(e, EEXIST, "'%s' exists and is not a socket", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(e, errno, "socket: %s", strerror(errno));
	STRLCPY(sa.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return err_set(e, EADDRINUSE, "another netd is listening on '%s'", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return err_set(e, errno, "remove stale socket '%s': %s", path, strerror(errno));
	return 0;
}

/*
 * --metrics-listen: GET /metrics and nothing else, for a Prometheus that cannot reach a unix
 * socket.  No credentials can be checked over TCP, so nothing here changes or reveals more than
 * the metrics do.
 */
static void metrics_dispatch(struct evhttp_request *req, void *arg)
{
	struct daemon *d = arg;
	struct netd_error e = NETD_ERROR_INIT;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;

	if (!path || strcmp(path, "/metrics") != 0) {
		err_set(&e, ENOENT, "only /metrics is served here");
		api_reply_error(req, &e);
		return;
	}
	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
		err_set(&e, EINVAL, "method not allowed on '%s'", path);
		api_reply_json(req, 405, error_to_json(&e));
		return;
	}
	api_metrics(d, req, NULL);
}

static int metrics_listen(struct daemon *d, struct netd_error *e)
{
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} u = { 0 };
	bool v6 = strchr(d->cfg.metrics_addr, ':') != NULL;
	_cleanup_close_ int fd = -1;
	socklen_t len;
	int one = 1;

	if (v6) {
		u.in6.sin6_family = AF_INET6;
		u.in6.sin6_port = htons((uint16_t)d->cfg.metrics_port);
		(void)inet_pton(AF_INET6, d->cfg.metrics_addr, &u.in6.sin6_addr);
		len = sizeof(u.in6);
	} else {
		u.in.sin_family = AF_INET;
		u.in.sin_port = htons((uint16_t)d->cfg.metrics_port);
		(void)inet_pton(AF_INET, d->cfg.metrics_addr, &u.in.sin_addr);
		len = sizeof(u.in);
	}
	fd = socket(u.sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return err_set(e, errno, "metrics socket: %s", strerror(errno));
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (v6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, &u.sa, len) < 0 || listen(fd, 64) < 0)
		return err_set(e, errno, "metrics-listen %s%s%s:%u: %s", v6 ? "[" : "",
			       d->cfg.metrics_addr, v6 ? "]" : "", d->cfg.metrics_port,
			       strerror(errno));
	d->metrics_fd = TAKE_FD(fd);
	return 0;
}

/**
 * api_listen() - bind and listen on the control socket, before netd touches anything, so a
 * second netd refuses to start while the first one is serving
 * @d:		daemon
 * @e:		error context
 *
 * Return: 0 or negative errno (-EADDRINUSE when another netd answers on the socket)
 */
int api_listen(struct daemon *d, struct netd_error *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -1;
	mode_t old;
	int r;

	r = remove_stale_socket(d->cfg.socket_path, e);
	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return err_set(e, errno, "socket: %s", strerror(errno));
	STRLCPY(sa.sun_path, d->cfg.socket_path);
	/* never a moment where the socket is more open than it should be */
	old = umask(0177);
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0)
		return err_set(e, errno, "bind '%s': %s", d->cfg.socket_path, strerror(errno));
	if (d->cfg.has_socket_group) {
		if (chown(d->cfg.socket_path, 0, d->cfg.socket_gid) < 0 ||
		    chmod(d->cfg.socket_path, 0660) < 0)
			return err_set(e, errno, "set group of '%s': %s", d->cfg.socket_path,
				       strerror(errno));
	}
	d->socket_owned = true;
	if (listen(fd, 128) < 0)
		return err_set(e, errno, "listen '%s': %s", d->cfg.socket_path, strerror(errno));
	d->listen_fd = TAKE_FD(fd);
	if (d->cfg.metrics_addr[0])
		return metrics_listen(d, e);
	return 0;
}

/**
 * api_start() - serve the API on the unix socket
 * @d:		daemon
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int api_start(struct daemon *d, struct netd_error *e)
{
	d->http = evhttp_new(d->base);
	if (!d->http)
		return err_set(e, ENOMEM, "create HTTP server");
	evhttp_set_max_body_size(d->http, NETD_MAX_BODY_HARD);
	evhttp_set_max_headers_size(d->http, NETD_MAX_HEADERS);
	evhttp_set_timeout(d->http, NETD_HTTP_TIMEOUT_S);
	/* every method reaches dispatch(), which answers 405 in JSON rather than libevent's 501 */
	evhttp_set_allowed_methods(d->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_DELETE |
						    EVHTTP_REQ_PUT | EVHTTP_REQ_PATCH |
						    EVHTTP_REQ_HEAD | EVHTTP_REQ_OPTIONS);
	evhttp_set_gencb(d->http, dispatch, d);
	if (api_conns_start(d, d->http) < 0)
		return err_set(e, ENOMEM, "track control connections");
	if (!evhttp_accept_socket_with_handle(d->http, d->listen_fd))
		return err_set(e, EIO, "serve on '%s'", d->cfg.socket_path);
	d->listen_fd = -1; /* evhttp owns it now */
	if (d->metrics_fd < 0)
		return 0;
	d->metrics_http = evhttp_new(d->base);
	if (!d->metrics_http)
		return err_set(e, ENOMEM, "create HTTP server");
	evhttp_set_max_body_size(d->metrics_http, 0);
	evhttp_set_max_headers_size(d->metrics_http, NETD_MAX_HEADERS);
	evhttp_set_timeout(d->metrics_http, NETD_HTTP_TIMEOUT_S);
	evhttp_set_gencb(d->metrics_http, metrics_dispatch, d);
	if (!evhttp_accept_socket_with_handle(d->metrics_http, d->metrics_fd))
		return err_set(e, EIO, "serve metrics");
	d->metrics_fd = -1;
	log_info("metrics on %s:%u", d->cfg.metrics_addr, d->cfg.metrics_port);
	return 0;
}

/**
 * api_stop() - stop serving and remove the socket file netd created
 * @d:		daemon
 */
void api_stop(struct daemon *d)
{
	events_stop();
	if (d->http) {
		evhttp_free(d->http);
		d->http = NULL;
	}
	api_conns_stop();
	closep(&d->listen_fd);
	d->listen_fd = -1;
	if (d->metrics_http) {
		evhttp_free(d->metrics_http);
		d->metrics_http = NULL;
	}
	closep(&d->metrics_fd);
	d->metrics_fd = -1;
	/* only the socket this netd bound: never another netd's */
	if (d->socket_owned)
		(void)unlink(d->cfg.socket_path);
	d->socket_owned = false;
}
