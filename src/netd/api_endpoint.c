// SPDX-License-Identifier: GPL-2.0-or-later
/* api_endpoint.c - /v1/endpoints: list, attach, inspect a container, detach */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include <netd/codec.h>
#include <netd/naming.h>

#include "daemon.h"

/* query parameters: only the allowed keys, each a valid name */
static int query_get(struct evhttp_request *req, const char *const *allowed, size_t n_allowed,
		     const char **ret, struct netd_error *e)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *q = uri ? evhttp_uri_get_query(uri) : NULL;
	struct evkeyvalq kv;
	struct evkeyval *it;
	static char values[4][NAME_MAX_LEN + 1];
	size_t i;
	int r = 0;

	for (i = 0; i < n_allowed; i++)
		ret[i] = NULL;
	if (!q || !*q)
		return 0;
	if (evhttp_parse_query_str(q, &kv) < 0)
		return err_set(e, EINVAL, "invalid query string");
	for (it = kv.tqh_first; it; it = it->next.tqe_next) {
		for (i = 0; i < n_allowed; i++)
			if (strcmp(it->key, allowed[i]) == 0)
				break;
		if (i == n_allowed) {
			r = err_set(e, EINVAL, "unknown query parameter '%s'", it->key);
			break;
		}
		if (name_validate(it->value) < 0) {
			r = err_set(e, EINVAL, "invalid %s '%s'", it->key, it->value);
			break;
		}
		STRLCPY(values[i], it->value);
		ret[i] = values[i];
	}
	evhttp_clear_headers(&kv);
	return r;
}

static json_t *endpoint_api_json(struct daemon *d, const struct endpoint_spec *ep)
{
	const struct network *n = state_network(&d->state, ep->network);
	char gw[INET6_ADDRSTRLEN];
	json_t *o = endpoint_to_json(ep);

	if (!o || !n)
		return o;
	if (ipaddr_format(&n->spec.gateway, gw, sizeof(gw)) == 0)
		(void)json_object_set_new(o, "gateway", json_string(gw));
	if (n->spec.has_v6 && ipaddr_format(&n->spec.gateway6, gw, sizeof(gw)) == 0)
		(void)json_object_set_new(o, "gateway6", json_string(gw));
	(void)json_object_set_new(o, "bridge", json_string(n->spec.bridge));
	{
		/* netd derives it, so no netlink round trip: a CNI result reports it */
		uint8_t mac[6];
		char text[18];

		naming_mac(ep->host_ifname, "host", mac);
		(void)snprintf(text, sizeof(text), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
			       mac[2], mac[3], mac[4], mac[5]);
		(void)json_object_set_new(o, "host_mac", json_string(text));
	}
	return o;
}

/**
 * api_endpoint_list() - GET /v1/endpoints[?container=C][&network=N]
 * @d:		daemon
 * @req:	request
 * @arg:	unused
 */
void api_endpoint_list(struct daemon *d, struct evhttp_request *req, const char *arg)
{
	static const char *const keys[] = { "container", "network" };
	struct netd_error e = NETD_ERROR_INIT;
	const char *v[2];
	json_t *a;
	size_t i;

	if (query_get(req, keys, 2, v, &e) < 0) {
		api_reply_error(req, &e);
		return;
	}
	a = json_array();
	for (i = 0; a && i < d->state.n_endpoints; i++) {
		const struct endpoint_spec *ep = d->state.endpoints[i];

		if ((v[0] && strcmp(ep->container, v[0]) != 0) ||
		    (v[1] && strcmp(ep->network, v[1]) != 0))
			continue;
		(void)json_array_append_new(a, endpoint_api_json(d, ep));
	}
	api_reply_json(req, 200, a);
}

/**
 * api_endpoint_attach() - POST /v1/endpoints
 * @d:		daemon
 * @req:	request
 * @arg:	unused
 */
void api_endpoint_attach(struct daemon *d, struct evhttp_request *req, const char *arg)
{
	struct netd_error e = NETD_ERROR_INIT;
	_cleanup_free_ char *body = NULL;
	struct mapping *published[ATTACH_MAX_PORTS];
	struct attach_request q;
	struct endpoint_spec *ep;
	size_t len, i;

	if (api_body(req, &body, &len, &e) < 0 || attach_request_decode(body, len, &q, &e) < 0 ||
	    ops_endpoint_attach(d, &q, &ep, &e) < 0) {
		api_reply_error(req, &e);
		return;
	}
	/* ports given with the attach: all of them, or no attach at all */
	for (i = 0; i < q.n_ports; i++) {
		struct publish_request p = { .spec = q.ports[i], .unheld = q.ports_unheld };

		STRLCPY(p.container, ep->container);
		STRLCPY(p.network, ep->network);
		if (ops_port_publish(d, &p, &published[i], &e) < 0) {
			struct netd_error de = NETD_ERROR_INIT;

			if (ops_endpoint_detach(d, q.container, q.network, NULL, NULL, &de) < 0)
				log_warn("undo attach: %s, ignoring", de.msg);
			api_reply_error(req, &e);
			return;
		}
	}
	log_info("container '%s' attached to '%s' as '%s' (host '%s')", ep->container, ep->network,
		 ep->ifname, ep->host_ifname);
	events_emit(d, "endpoint", "attach", endpoint_api_json(d, ep));
	/* the ports after the attach, as a client publishing them one by one would see it */
	for (i = 0; i < q.n_ports; i++)
		api_port_published(d, published[i]);
	api_reply_json(req, 201, endpoint_api_json(d, ep));
}

/**
 * api_endpoint_inspect() - GET /v1/endpoints/CONTAINER: every endpoint of a container
 * @d:		daemon
 * @req:	request
 * @arg:	container name
 */
void api_endpoint_inspect(struct daemon *d, struct evhttp_request *req, const char *arg)
{
	struct netd_error e = NETD_ERROR_INIT;
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < d->state.n_endpoints; i++)
		if (strcmp(d->state.endpoints[i]->container, arg) == 0)
			(void)json_array_append_new(a, endpoint_api_json(d, d->state.endpoints[i]));
	if (a && json_array_size(a) == 0) {
		json_decref(a);
		err_set(&e, ENOENT, "container '%s' is not attached to any network", arg);
		api_reply_error(req, &e);
		return;
	}
	api_reply_json(req, 200, json_pack("{s:s, s:o}", "container", arg, "endpoints", a));
}

/* a DELETE waiting for its veths to be deleted off the loop (link_reaper.c) */
struct detach_wait {
	struct reap_wait w; /* first: the reaper hands it back */
	struct daemon *d;
	struct evhttp_request *req; /* NULL once the client has gone */
	char container[NAME_MAX_LEN + 1];
	json_t *detached;
	int r;
	struct netd_error e;
};

static void detach_client_gone(struct evhttp_connection *evcon, void *arg)
{
	struct detach_wait *dw = arg;

	dw->req = NULL;
}

static void detach_answer(struct reap_wait *w)
{
	struct detach_wait *dw = (struct detach_wait *)w;

	if (dw->r == 0) {
		log_info("container '%s' detached", dw->container);
		events_emit(dw->d, "endpoint", "detach",
			    json_pack("{s:s, s:O}", "container", dw->container, "detached",
				      dw->detached));
	}
	if (dw->req) {
		evhttp_connection_set_closecb(evhttp_request_get_connection(dw->req), NULL, NULL);
		if (dw->r < 0)
			api_reply_error(dw->req, &dw->e);
		else
			api_reply_json(dw->req, 200,
				       json_pack("{s:s, s:O}", "container", dw->container,
						 "detached", dw->detached));
	}
	json_decref(dw->detached);
	free(dw);
}

/**
 * api_endpoint_detach() - DELETE /v1/endpoints/CONTAINER[?network=N]
 * @d:		daemon
 * @req:	request
 * @arg:	container name
 *
 * Answered once the veths are gone, from the loop, while it goes on serving others.
 */
void api_endpoint_detach(struct daemon *d, struct evhttp_request *req, const char *arg)
{
	static const char *const keys[] = { "network" };
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct netd_error e = NETD_ERROR_INIT;
	struct detach_wait *dw;
	const char *v[1];

	if (name_validate(arg) < 0) {
		err_set(&e, EINVAL, "invalid container name '%s'", arg);
		api_reply_error(req, &e);
		return;
	}
	if (query_get(req, keys, 1, v, &e) < 0) {
		api_reply_error(req, &e);
		return;
	}
	dw = calloc(1, sizeof(*dw));
	if (!dw || !evcon) {
		free(dw);
		err_set(&e, ENOMEM, "detach");
		api_reply_error(req, &e);
		return;
	}
	*dw = (struct detach_wait){
		.w = { .pending = 1, .all_done = detach_answer },
		.d = d,
		.req = req,
		.e = NETD_ERROR_INIT,
	};
	STRLCPY(dw->container, arg);
	evhttp_connection_set_closecb(evcon, detach_client_gone, dw);
	dw->r = ops_endpoint_detach(d, arg, v[0], &dw->w, &dw->detached, &dw->e);
	reap_wait_put(&dw->w);
}
