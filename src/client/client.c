// SPDX-License-Identifier: GPL-2.0-or-later
/* client.c - libcurl over netd's unix socket: JSON requests, decoded errors, timeouts */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include <netd/client.h>

#define CLIENT_CONNECT_TIMEOUT_MS 2000
#define CLIENT_TIMEOUT_MS 30000
/* responses are small; a bound keeps a confused peer from filling memory */
#define CLIENT_MAX_RESPONSE (16 * 1024 * 1024)

struct response {
	char *data;
	size_t len;
	bool overflow;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct response *r = arg;
	size_t n = size * nmemb;
	char *p;

	if (r->len + n > CLIENT_MAX_RESPONSE) {
		r->overflow = true;
		return 0;
	}
	p = realloc(r->data, r->len + n + 1);
	if (!p)
		return 0;
	memcpy(p + r->len, ptr, n);
	r->data = p;
	r->len += n;
	r->data[r->len] = '\0';
	return n;
}

/**
 * client_init() - prepare a client for the socket given, $NETD_SOCKET, or the default
 * @c:		client
 * @socket_path: socket path, or NULL
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int client_init(struct client *c, const char *socket_path, struct netd_error *e)
{
	memset(c, 0, sizeof(*c));
	if (api_socket_path(socket_path, c->socket_path, sizeof(c->socket_path), e) < 0)
		return -ENAMETOOLONG;
	if (curl_global_init(CURL_GLOBAL_NOTHING) != CURLE_OK)
		return err_set(e, ENOMEM, "initialise libcurl");
	c->curl = curl_easy_init();
	if (!c->curl)
		return err_set(e, ENOMEM, "initialise libcurl");
	c->timeout_ms = CLIENT_TIMEOUT_MS;
	return 0;
}

/**
 * client_done() - release the client
 * @c:		client
 */
void client_done(struct client *c)
{
	if (c->curl)
		curl_easy_cleanup(c->curl);
	c->curl = NULL;
	curl_global_cleanup();
}

/**
 * client_request() - one API call
 * @c:		client
 * @method:	"GET", "POST" or "DELETE"
 * @path:	e.g. "/v1/networks"
 * @body:	request JSON, or NULL
 * @ret:	response JSON (on success), or NULL to discard it
 * @e:		error context: netd's own message for an API error
 *
 * Return: the HTTP status (2xx), or negative errno: the errno netd named for 4xx/5xx,
 * -ECONNREFUSED when netd cannot be reached, -ETIMEDOUT, -EPROTO for a garbled answer
 */
int client_request(struct client *c, const char *method, const char *path, json_t *body,
		   json_t **ret, struct netd_error *e)
{
	struct response resp = { 0 };
	struct curl_slist *hdr = NULL;
	_cleanup_free_ char *text = NULL;
	char url[512];
	json_error_t jerr;
	json_t *j = NULL;
	long status = 0;
	CURLcode cc;
	int r;

	if ((size_t)snprintf(url, sizeof(url), "http://netd%s", path) >= sizeof(url))
		return err_set(e, ENAMETOOLONG, "request path too long");
	if (body) {
		text = json_dumps(body, JSON_COMPACT);
		if (!text)
			return err_set(e, ENOMEM, "encode request");
	}
	curl_easy_reset(c->curl);
	hdr = curl_slist_append(NULL, "Content-Type: application/json");
	(void)curl_easy_setopt(c->curl, CURLOPT_UNIX_SOCKET_PATH, c->socket_path);
	(void)curl_easy_setopt(c->curl, CURLOPT_URL, url);
	(void)curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
	(void)curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)CLIENT_CONNECT_TIMEOUT_MS);
	(void)curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	(void)curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	(void)curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_data);
	(void)curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &resp);
	(void)curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, hdr);
	if (text) {
		(void)curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, text);
		(void)curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE, (long)strlen(text));
	}
	cc = curl_easy_perform(c->curl);
	curl_slist_free_all(hdr);
	if (cc == CURLE_COULDNT_CONNECT) {
		free(resp.data);
		return err_set(e, ECONNREFUSED, "cannot reach netd at '%s': is it running?",
			       c->socket_path);
	}
	if (cc == CURLE_OPERATION_TIMEDOUT) {
		free(resp.data);
		return err_set(e, ETIMEDOUT, "netd at '%s' did not answer in time", c->socket_path);
	}
	if (cc != CURLE_OK) {
		free(resp.data);
		return err_set(e, resp.overflow ? EMSGSIZE : EPROTO, "talk to netd at '%s': %s",
			       c->socket_path, curl_easy_strerror(cc));
	}
	(void)curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
	if (resp.len) {
		j = json_loadb(resp.data, resp.len, 0, &jerr);
		if (!j && status < 400) {
			free(resp.data);
			return err_set(e, EPROTO, "netd sent invalid JSON: %s", jerr.text);
		}
	}
	free(resp.data);
	if (status >= 400) {
		r = error_from_json(j, (int)status, e);
		json_decref(j);
		return r;
	}
	if (ret)
		*ret = j;
	else
		json_decref(j);
	return (int)status;
}

struct stream {
	CURL *curl;
	client_line_fn fn;
	void *userdata;
	char line[CLIENT_MAX_LINE];
	size_t len;
	bool stopped;
	struct response err; /* the body of an error answer */
};

static size_t on_stream_data(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct stream *s = arg;
	size_t n = size * nmemb, i;
	long status = 0;

	(void)curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 400)
		return on_data(ptr, size, nmemb, &s->err);
	for (i = 0; i < n; i++) {
		if (ptr[i] != '\n') {
			if (s->len + 1 >= sizeof(s->line))
				return 0; /* a line this long is not netd talking */
			s->line[s->len++] = ptr[i];
			continue;
		}
		s->line[s->len] = '\0';
		s->len = 0;
		if (s->fn(s->line, s->userdata) != 0) {
			s->stopped = true;
			return 0;
		}
	}
	return n;
}

/**
 * client_stream() - GET a stream of lines (GET /v1/events) and hand each to @fn
 * @c:		client
 * @path:	e.g. "/v1/events"
 * @fn:		called per line without its newline; non-zero ends the stream
 * @userdata:	passed to @fn
 * @e:		error context
 *
 * Return: 0 when netd ended the stream or @fn stopped it, negative errno otherwise
 */
int client_stream(struct client *c, const char *path, client_line_fn fn, void *userdata,
		  struct netd_error *e)
{
	struct stream *s;
	char url[512];
	long status = 0;
	CURLcode cc;
	int r = 0;

	if ((size_t)snprintf(url, sizeof(url), "http://netd%s", path) >= sizeof(url))
		return err_set(e, ENAMETOOLONG, "request path too long");
	s = calloc(1, sizeof(*s));
	if (!s)
		return err_set(e, ENOMEM, "stream");
	s->curl = c->curl;
	s->fn = fn;
	s->userdata = userdata;
	curl_easy_reset(c->curl);
	(void)curl_easy_setopt(c->curl, CURLOPT_UNIX_SOCKET_PATH, c->socket_path);
	(void)curl_easy_setopt(c->curl, CURLOPT_URL, url);
	(void)curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)CLIENT_CONNECT_TIMEOUT_MS);
	(void)curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	(void)curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_stream_data);
	(void)curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, s);
	cc = curl_easy_perform(c->curl);
	(void)curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
	if (cc == CURLE_COULDNT_CONNECT)
		r = err_set(e, ECONNREFUSED, "cannot reach netd at '%s': is it running?",
			    c->socket_path);
	else if (status >= 400) {
		json_t *j = s->err.data ? json_loads(s->err.data, 0, NULL) : NULL;

		r = error_from_json(j, (int)status, e);
		json_decref(j);
	} else if (cc != CURLE_OK && !s->stopped)
		r = err_set(e, EPROTO, "stream from netd at '%s': %s", c->socket_path,
			    curl_easy_strerror(cc));
	free(s->err.data);
	free(s);
	return r;
}
