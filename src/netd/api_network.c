// SPDX-License-Identifier: GPL-2.0-or-later
/* api_network.c - /v1/networks: list, create, inspect, delete */
#include "config.h"

#include <string.h>

#include <netd/codec.h>

#include "daemon.h"

/**
 * api_network_json() - a network as the API shows it: its spec plus usage
 * @d:		daemon
 * @n:		network
 *
 * Return: new JSON object, NULL on ENOMEM
 */
json_t *api_network_json(const struct daemon *d, const struct network *n)
{
	json_t *o = network_to_json(&n->spec);

	if (!o)
		return NULL;
	if (json_object_set_new(o, "endpoints", json_integer(n->n_endpoints)) < 0 ||
	    json_object_set_new(o, "free_addresses",
				json_integer((json_int_t)ipam_free(&n->ipam4))) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/**
 * api_network_list() - GET /v1/networks
 * @d:		daemon
 * @req:	request
 * @arg:	unused
 */
void api_network_list(struct daemon *d, struct evhttp_request *req, const char *arg)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < d->state.n_networks; i++)
		if (json_array_append_new(a, api_network_json(d, d->state.networks[i])) < 0)
			break;
	api_reply_json(req, 200, a);
}

/**
 * api_network_create() - POST /v1/networks
 * @d:		daemon
 * @req:	request
 * @arg:	unused
 */
void api_network_create(struct daemon *d, struct evhttp_request *req, const char *arg)
{
	struct netd_error e = NETD_ERROR_INIT;
	_cleanup_free_ char *body = NULL;
	struct network_request q;
	struct network *n;
	size_t len;

	if (api_body(req, &body, &len, &e) < 0 || network_request_decode(body, len, &q, &e) < 0 ||
	    ops_network_create(d, &q, &n, &e) < 0) {
		api_reply_error(req, &e);
		return;
	}
	log_info("network '%s' created (bridge '%s')", n->spec.name, n->spec.bridge);
	events_emit(d, "network", "create", api_network_json(d, n));
	api_reply_json(req, 201, api_network_json(d, n));
}

/**
 * api_network_inspect() - GET /v1/networks/NAME: the network and its containers
 * @d:		daemon
 * @req:	request
 * @arg:	network name
 */
void api_network_inspect(struct daemon *d, struct evhttp_request *req, const char *arg)
{
	struct network *n = state_network(&d->state, arg);
	struct netd_error e = NETD_ERROR_INIT;
	json_t *o, *ctrs;
	size_t i;

	if (!n) {
		err_set(&e, ENOENT, "network '%s' not found", arg);
		api_reply_error(req, &e);
		return;
	}
	o = api_network_json(d, n);
	ctrs = json_array();
	for (i = 0; o && ctrs && i < d->state.n_endpoints; i++)
		if (strcmp(d->state.endpoints[i]->network, arg) == 0)
			(void)json_array_append_new(ctrs, endpoint_to_json(d->state.endpoints[i]));
	if (o && ctrs)
		(void)json_object_set_new(o, "containers", ctrs);
	else
		json_decref(ctrs);
	api_reply_json(req, 200, o);
}

/**
 * api_network_delete() - DELETE /v1/networks/NAME
 * @d:		daemon
 * @req:	request
 * @arg:	network name
 */
void api_network_delete(struct daemon *d, struct evhttp_request *req, const char *arg)
{
	struct netd_error e = NETD_ERROR_INIT;

	if (ops_network_delete(d, arg, &e) < 0) {
		api_reply_error(req, &e);
		return;
	}
	log_info("network '%s' removed", arg);
	events_emit(d, "network", "remove", json_pack("{s:s}", "name", arg));
	api_reply_json(req, 200, json_pack("{s:s}", "removed", arg));
}
