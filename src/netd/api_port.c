// SPDX-License-Identifier: GPL-2.0-or-later
/* api_port.c - /v1/ports: list, publish, unpublish */
#include "config.h"

#include <string.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include <netd/codec.h>

#include "daemon.h"

/**
 * api_port_list() - GET /v1/ports[?container=C]
 * @d:		daemon
 * @req:	request
 * @arg:	unused
 */
void api_port_list(struct daemon *d, struct evhttp_request *req, const char *arg)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *q = uri ? evhttp_uri_get_query(uri) : NULL;
	struct netd_error e = NETD_ERROR_INIT;
	const char *ctr = NULL;
	struct evkeyvalq kv = { 0 };
	json_t *a;
	size_t i;

	if (q && *q) {
		if (evhttp_parse_query_str(q, &kv) < 0) {
			err_set(&e, EINVAL, "invalid query string");
			api_reply_error(req, &e);
			return;
		}
		ctr = evhttp_find_header(&kv, "container");
		if (!ctr || name_validate(ctr) < 0 || kv.tqh_first->next.tqe_next) {
			evhttp_clear_headers(&kv);
			err_set(&e, EINVAL, "the only query parameter is a valid 'container'");
			api_reply_error(req, &e);
			return;
		}
	}
	a = json_array();
	for (i = 0; a && i < d->state.n_mappings; i++) {
		const struct mapping *mp = d->state.mappings[i];

		json_t *o, *stats;

		if (ctr && strcmp(mp->m.container, ctr) != 0)
			continue;
		o = mapping_to_json(&mp->m);
		stats = proxy_sup_stats(d, mp);
		if (o && stats)
			(void)json_object_set_new(o, "stats", stats);
		else
			json_decref(stats);
		(void)json_array_append_new(a, o);
	}
	if (q && *q)
		evhttp_clear_headers(&kv);
	api_reply_json(req, 200, a);
}

/**
 * api_port_published() - log and announce a new mapping, whichever request made it
 * @d:		daemon
 * @mp:		the mapping
 */
void api_port_published(struct daemon *d, const struct mapping *mp)
{
	char spec[PORTSPEC_STRLEN];

	if (portspec_format(&mp->m.spec, spec, sizeof(spec)) < 0)
		STRLCPY(spec, "?");
	log_info("container '%s' published %s", mp->m.container, spec);
	events_emit(d, "port", "publish", mapping_to_json(&mp->m));
}

/**
 * api_port_publish() - POST /v1/ports {"container", "spec"[, "network"]}
 * @d:		daemon
 * @req:	request
 * @arg:	unused
 */
void api_port_publish(struct daemon *d, struct evhttp_request *req, const char *arg)
{
	struct netd_error e = NETD_ERROR_INIT;
	_cleanup_free_ char *body = NULL;
	struct publish_request q;
	struct mapping *mp;
	size_t len;

	if (api_body(req, &body, &len, &e) < 0 || publish_request_decode(body, len, &q, &e) < 0 ||
	    ops_port_publish(d, &q, &mp, &e) < 0) {
		api_reply_error(req, &e);
		return;
	}
	api_port_published(d, mp);
	api_reply_json(req, 201, mapping_to_json(&mp->m));
}

/**
 * api_port_unpublish() - DELETE /v1/ports?container=C&spec=S (S URL-encoded)
 * @d:		daemon
 * @req:	request
 * @arg:	unused
 */
void api_port_unpublish(struct daemon *d, struct evhttp_request *req, const char *arg)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *q = uri ? evhttp_uri_get_query(uri) : NULL;
	struct netd_error e = NETD_ERROR_INIT;
	struct evkeyvalq kv = { 0 };
	const char *ctr, *spec_s;
	struct portspec spec;
	json_t *done = NULL;

	if (!q || evhttp_parse_query_str(q, &kv) < 0) {
		err_set(&e, EINVAL, "give ?container=NAME&spec=SPEC");
		api_reply_error(req, &e);
		return;
	}
	ctr = evhttp_find_header(&kv, "container");
	spec_s = evhttp_find_header(&kv, "spec");
	if (!ctr || name_validate(ctr) < 0)
		err_set(&e, EINVAL, "give a valid ?container=NAME");
	else if (portspec_decode("port spec", spec_s, &spec, &e) == 0)
		(void)ops_port_unpublish(d, ctr, &spec, &done, &e);
	if (!done) {
		evhttp_clear_headers(&kv);
		api_reply_error(req, &e);
		return;
	}
	log_info("container '%s' unpublished %s", ctr, spec_s);
	events_emit(d, "port", "unpublish",
		    json_pack("{s:s, s:O}", "container", ctr, "removed", done));
	api_reply_json(req, 200, json_pack("{s:s, s:o}", "container", ctr, "removed", done));
	evhttp_clear_headers(&kv);
}
