// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * http.c - netrun's own HTTP/1.1 client for netd's unix socket: one request per connection
 * (Connection: close), a JSON body with Content-Length, and a response read to its
 * Content-Length, its last chunk or EOF; no libcurl, whose 30-odd shared libraries cost a
 * launch more than the whole container setup does
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "netrun.h"

#define HTTP_CONNECT_TIMEOUT_MS 2000
#define HTTP_TIMEOUT_MS 30000

/**
 * http_init() - a client for the socket given, $NETD_SOCKET, or the default
 * @c:		client
 * @socket_path: socket path, or NULL
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int http_init(struct http_client *c, const char *socket_path, struct netd_error *e)
{
	memset(c, 0, sizeof(*c));
	if (api_socket_path(socket_path, c->socket_path, sizeof(c->socket_path), e) < 0)
		return -ENAMETOOLONG;
	c->timeout_ms = HTTP_TIMEOUT_MS;
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void timeout_set(int fd, int opt, long ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	(void)setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv));
}

static int connect_unix(const struct http_client *c, struct netd_error *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, r;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(e, errno, "socket: %s", strerror(errno));
	STRLCPY(sa.sun_path, c->socket_path);
	/* a unix connect blocks only while netd's backlog is full: SO_SNDTIMEO bounds it */
	timeout_set(fd, SO_SNDTIMEO, HTTP_CONNECT_TIMEOUT_MS);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = errno;
		(void)close(fd);
		if (r == ENOENT || r == ECONNREFUSED)
			return err_set(e, ECONNREFUSED, "cannot reach netd at '%s': is it running?",
				       c->socket_path);
		if (r == EAGAIN || r == EINPROGRESS)
			return err_set(e, ETIMEDOUT, "netd at '%s' did not answer in time",
				       c->socket_path);
		return err_set(e, r, "connect to netd at '%s': %s", c->socket_path, strerror(r));
	}
	return fd;
}

static int send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* read what comes until EOF, @deadline or the bound; the headers' end is found by the caller */
static int recv_some(int fd, char *buf, size_t size, size_t *len, long deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	long left = deadline - now_ms();
	ssize_t n;
	int r;

	if (*len >= size)
		return -EMSGSIZE;
	if (left <= 0)
		return -ETIMEDOUT;
	r = poll(&p, 1, (int)left);
	if (r < 0)
		return errno == EINTR ? 1 : -errno;
	if (r == 0)
		return -ETIMEDOUT;
	n = recv(fd, buf + *len, size - *len, 0);
	if (n < 0)
		return errno == EINTR ? 1 : -errno;
	*len += (size_t)n;
	return n > 0;
}

/**
 * http_send() - open a connection and send one API request on it, without waiting
 * @c:		client
 * @method:	"GET", "POST" or "DELETE"
 * @path:	e.g. "/v1/endpoints"
 * @body:	request JSON, or NULL
 * @e:		error context
 *
 * netd works on the request while the caller does something else (netrun moves the container
 * into its cgroups meanwhile); http_recv() reads the answer.
 *
 * Return: the connection (close-on-exec), or negative errno (-ECONNREFUSED: netd is not running)
 */
int http_send(struct http_client *c, const char *method, const char *path, json_t *body,
	      struct netd_error *e)
{
	_cleanup_free_ char *text = NULL, *req = NULL;
	_cleanup_close_ int fd = -1;
	int n, r;

	if (body) {
		text = json_dumps(body, JSON_COMPACT);
		if (!text)
			return err_set(e, ENOMEM, "encode request");
	}
	n = asprintf(&req,
		     "%s %s HTTP/1.1\r\nHost: netd\r\nConnection: close\r\n"
		     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
		     method, path, text ? strlen(text) : 0, text ? text : "");
	if (n < 0) {
		req = NULL;
		return err_set(e, ENOMEM, "encode request");
	}
	fd = connect_unix(c, e);
	if (fd < 0)
		return fd;
	r = send_all(fd, req, (size_t)n);
	if (r < 0)
		return err_set(e, -r, "talk to netd at '%s': %s", c->socket_path, strerror(-r));
	c->deadline_ms = now_ms() + c->timeout_ms;
	return TAKE_FD(fd);
}

/**
 * http_recv() - read the answer to http_send()'s request and close the connection
 * @c:		client
 * @fd:		the connection, closed here
 * @ret:	response JSON (on success), or NULL to discard it
 * @e:		error context: netd's own message for an API error
 *
 * Return: the HTTP status (2xx), or negative errno: the errno netd named for 4xx/5xx,
 * -ETIMEDOUT, -EPROTO for a garbled answer
 */
int http_recv(struct http_client *c, int fd, json_t **ret, struct netd_error *e)
{
	_cleanup_close_ int conn = fd;
	_cleanup_free_ char *resp = NULL;
	size_t size = HTTP_MAX_HEADERS + HTTP_MAX_RESPONSE, len = 0;
	struct http_response hr;
	bool eof = false;
	json_error_t jerr;
	json_t *j = NULL;
	int status, r;

	resp = malloc(size + 1);
	if (!resp)
		return err_set(e, ENOMEM, "response buffer");
	for (;;) {
		r = recv_some(conn, resp, size, &len, c->deadline_ms);
		if (r == -ETIMEDOUT)
			return err_set(e, ETIMEDOUT, "netd at '%s' did not answer in time",
				       c->socket_path);
		if (r < 0)
			return err_set(e, -r, "talk to netd at '%s': %s", c->socket_path,
				       strerror(-r));
		eof = r == 0;
		r = http_parse(resp, len, eof, &hr);
		if (r == 0)
			break;
		if (r != -EAGAIN)
			return err_set(e, -r, "netd at '%s' sent a garbled answer: %s",
				       c->socket_path, strerror(-r));
	}
	status = hr.status;
	if (hr.body_len) {
		j = json_loadb(resp + hr.body, hr.body_len, 0, &jerr);
		if (!j && status < 400)
			return err_set(e, EPROTO, "netd sent invalid JSON: %s", jerr.text);
	}
	if (status >= 400) {
		r = error_from_json(j, status, e);
		json_decref(j);
		return r;
	}
	if (ret)
		*ret = j;
	else
		json_decref(j);
	return status;
}

/**
 * http_request() - one API call on a connection of its own: http_send(), then http_recv()
 * @c:		client
 * @method:	"GET", "POST" or "DELETE"
 * @path:	e.g. "/v1/networks"
 * @body:	request JSON, or NULL
 * @ret:	response JSON (on success), or NULL to discard it
 * @e:		error context
 *
 * Return: the HTTP status (2xx), or negative errno as http_send() and http_recv()
 */
int http_request(struct http_client *c, const char *method, const char *path, json_t *body,
		 json_t **ret, struct netd_error *e)
{
	int fd = http_send(c, method, path, body, e);

	return fd < 0 ? fd : http_recv(c, fd, ret, e);
}
