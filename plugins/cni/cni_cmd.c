// SPDX-License-Identifier: GPL-2.0-or-later
/* cni_cmd.c - ADD, DEL, CHECK, STATUS and GC as calls to netd's HTTP API */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include <netd/codec.h>
#include <netd/log.h>
#include <netd/netns.h>
#include <netd/portspec.h>

#include "cni_cmd.h"

/* one API call; a failure becomes a CNI error whose message says what the plugin was doing */
static int api(struct cni_ctx *x, const char *method, const char *path, json_t *body, json_t **ret,
	       const char *what, struct cni_error *ce)
{
	struct netd_error e = NETD_ERROR_INIT;
	int r;

	r = client_request(&x->client, method, path, body, ret, &e);
	if (r < 0) {
		if (r == -ECONNREFUSED || r == -ETIMEDOUT)
			(void)cni_err(ce, CNI_ERR_TRY_AGAIN,
				      "netd is not reachable, try again later", "%s", e.msg);
		else
			(void)cni_err_from_errno(ce, r, what, e.msg);
	}
	return r;
}

static bool net_internal(const json_t *net)
{
	return json_is_true(json_object_get(net, "internal"));
}

/* the endpoint's gateway @key ("gateway", "gateway6") is @gw */
static bool gw_is(const json_t *ep, const char *key, const struct ipaddr *gw)
{
	const char *s = json_string_value(json_object_get(ep, key));
	struct ipaddr a;

	return s && ipaddr_parse(s, &a) == 0 && ipaddr_equal(&a, gw);
}

/* the subnet the config asks for (if any) is the network's */
static int subnet_matches(const struct cni_config *c, const json_t *net, const char *key,
			  const char *want, struct cni_error *ce)
{
	const char *have = json_string_value(json_object_get(net, key));
	struct cidr a, b;

	if (!*want)
		return 0;
	if (!have || cidr_parse(have, &a) < 0 || cidr_parse(want, &b) < 0 ||
	    a.prefixlen != b.prefixlen || !ipaddr_equal(&a.addr, &b.addr))
		return cni_err(ce, CNI_ERR_INVALID_CONFIG, "the netd network has another subnet",
			       "network '%s' exists with %s %s, the config asks for %s", c->network,
			       key, have ? have : "(none)", want);
	return 0;
}

/* the network from the config: look it up, create it on first use (racing ADDs agree) */
static int network_ensure(struct cni_ctx *x, json_t **ret, struct cni_error *ce)
{
	const struct cni_config *c = x->cfg;
	_cleanup_json_ json_t *body = NULL;
	struct cni_error create_err = { 0 };
	char path[128];
	int r, tries;

	(void)snprintf(path, sizeof(path), "/v1/networks/%s", c->network);
	for (tries = 0; tries < 2; tries++) {
		r = api(x, "GET", path, NULL, ret, "cannot look up the netd network", ce);
		if (r >= 0) {
			if (subnet_matches(c, *ret, "subnet", c->subnet, ce) < 0 ||
			    subnet_matches(c, *ret, "subnet6", c->subnet6, ce) < 0)
				return -1;
			return 0;
		}
		if (r != -ENOENT)
			return -1;
		/* created by nobody after all: the creation's own refusal says why */
		if (tries) {
			if (ce)
				*ce = create_err;
			break;
		}
		body = json_pack("{s:s}", "name", c->network);
		if (!body)
			return cni_err(ce, CNI_ERR_IO, "out of memory", NULL);
		if (*c->subnet)
			(void)json_object_set_new(body, "subnet", json_string(c->subnet));
		if (*c->subnet6)
			(void)json_object_set_new(body, "subnet6", json_string(c->subnet6));
		if (c->mtu)
			(void)json_object_set_new(body, "mtu", json_integer(c->mtu));
		if (c->internal)
			(void)json_object_set_new(body, "internal", json_true());
		r = api(x, "POST", "/v1/networks", body, ret, "cannot create the netd network",
			&create_err);
		if (r < 0 && r != -EEXIST && ce)
			*ce = create_err;
		if (r >= 0) {
			log_info("created netd network '%s'", c->network);
			return 0;
		}
		/* EEXIST: another ADD created it first; look it up again. Anything else fails. */
		if (r != -EEXIST)
			return -1;
	}
	return -1;
}

/*
 * host veth MAC for the result: netd reports it (the runtime's netns need not be netd's);
 * an older netd does not, then it is read here, best effort
 */
static void host_mac(const json_t *ep, const char *ifname, char mac[MAC_STRLEN], bool *ret_ok)
{
	const char *reported = json_string_value(json_object_get(ep, "host_mac"));
	struct cni_link_state st;

	if (reported && strlen(reported) == MAC_STRLEN - 1) {
		memcpy(mac, reported, MAC_STRLEN);
		*ret_ok = true;
		return;
	}
	*ret_ok = cni_link_inspect(-1, ifname, false, &st, NULL) == 0 && st.mac[0];
	if (*ret_ok)
		memcpy(mac, st.mac, MAC_STRLEN);
}

static void detach_quietly(struct cni_ctx *x)
{
	struct netd_error e = NETD_ERROR_INIT;
	char path[160];

	(void)snprintf(path, sizeof(path), "/v1/endpoints/%s?network=%s", x->name, x->cfg->network);
	if (client_request(&x->client, "DELETE", path, NULL, NULL, &e) < 0 && e.code != ENOENT)
		log_warn("undo attach of '%s': %s", x->name, e.msg);
}

/**
 * cni_cmd_add() - ADD: create the network if needed, attach the netns, publish the ports
 * @x:		invocation
 * @ret:	the result to print
 * @ce:		error
 *
 * One POST /v1/endpoints attaches and publishes, and netd undoes all of it when any part
 * fails, so a failed ADD leaves nothing behind (the network, shared by every attachment,
 * stays, like the bridge of the reference bridge plugin).
 *
 * Return: 0 or -1
 */
int cni_cmd_add(struct cni_ctx *x, json_t **ret, struct cni_error *ce)
{
	const struct cni_config *c = x->cfg;
	struct netd_error e = NETD_ERROR_INIT;
	_cleanup_json_ json_t *net = NULL, *body = NULL, *ep = NULL, *res = NULL;
	_cleanup_close_ int ns_fd = -1;
	struct cni_link_state st;
	char hmac[MAC_STRLEN];
	const char *host;
	json_t *ports;
	bool have_hmac;
	size_t i;
	int r;

	/* the runtime's netns path is checked here, so a wrong one is an environment error */
	r = netns_open(x->env->netns, &ns_fd, NULL, &e);
	if (r < 0)
		return cni_err(ce, CNI_ERR_INVALID_ENV,
			       "CNI_NETNS is not a usable network namespace", "%s", e.msg);
	if (network_ensure(x, &net, ce) < 0)
		return -1;
	body = json_pack("{s:s, s:s, s:s, s:s}", "container", x->name, "network", c->network,
			 "netns", x->env->netns, "ifname", x->env->ifname);
	if (!body)
		return cni_err(ce, CNI_ERR_IO, "out of memory", NULL);
	if (*c->ip4)
		(void)json_object_set_new(body, "ip", json_string(c->ip4));
	if (*c->ip6)
		(void)json_object_set_new(body, "ip6", json_string(c->ip6));
	if (*c->mac)
		(void)json_object_set_new(body, "mac", json_string(c->mac));
	if (!c->default_route)
		(void)json_object_set_new(body, "default_route", json_false());
	if (c->n_ports) {
		ports = json_array();
		for (i = 0; ports && i < c->n_ports; i++)
			(void)json_array_append_new(ports, json_string(c->ports[i]));
		(void)json_object_set_new(body, "ports", ports);
		/* podman binds the host ports itself: netd then only adds the NAT */
		if (!c->hold_host_ports)
			(void)json_object_set_new(body, "hold_host_ports", json_false());
	}
	r = api(x, "POST", "/v1/endpoints", body, &ep, "cannot attach the container", ce);
	if (r < 0) {
		if (r == -EADDRINUSE && ce)
			(void)snprintf(
				ce->details + strlen(ce->details),
				sizeof(ce->details) - strlen(ce->details),
				" (netd binds each published host port itself: a runtime that "
				"binds it too, as podman does, sets \"holdHostPorts\": false)");
		return -1;
	}
	host = json_string_value(json_object_get(ep, "host_ifname"));
	host_mac(ep, host ? host : "", hmac, &have_hmac);
	/* report the default routes the container has: netd adds them on a namespace's first
	 * attachment only, and never on an internal network */
	if (cni_link_inspect(ns_fd, x->env->ifname, true, &st, &e) < 0) {
		detach_quietly(x);
		return cni_err(ce, CNI_ERR_IO, "cannot read the container interface", "%s", e.msg);
	}
	res = cni_result_build(ep, c->ver, x->env->netns, have_hmac ? hmac : NULL,
			       !net_internal(net) && st.has_gw4 && gw_is(ep, "gateway", &st.gw4),
			       !net_internal(net) && st.has_gw6 && gw_is(ep, "gateway6", &st.gw6));
	if (res && c->prev_result) {
		json_t *m = cni_result_merge(c->prev_result, res);

		json_decref(res);
		res = m;
	}
	if (!res) {
		detach_quietly(x);
		return cni_err(ce, CNI_ERR_IO, "cannot build the result",
			       "netd answered an endpoint without interface or MAC");
	}
	log_info("attached container '%s' (%s) to '%s' as %s", x->env->container_id, x->name,
		 c->network, x->env->ifname);
	*ret = TAKE_PTR(res);
	return 0;
}

static int detach(struct cni_ctx *x, const char *name, struct cni_error *ce)
{
	char path[160];
	int r;

	(void)snprintf(path, sizeof(path), "/v1/endpoints/%s?network=%s", name, x->cfg->network);
	r = api(x, "DELETE", path, NULL, NULL, "cannot detach the container", ce);
	/* not attached (any more), or the network is unknown: what DEL wants is already true */
	if (r == -ENOENT) {
		log_info("container '%s' is not attached to '%s': nothing to do", name,
			 x->cfg->network);
		return 0;
	}
	return r < 0 ? -1 : 0;
}

/**
 * cni_cmd_del() - DEL: detach (which unpublishes); success when there is nothing to detach
 * @x:		invocation
 * @ce:		error
 *
 * Runtimes call DEL more than once and after the netns is gone (netd then has forgotten the
 * endpoint already); both are success. Only an unreachable netd is an error (11), so the
 * runtime retries rather than leaks.
 *
 * Return: 0 or -1
 */
int cni_cmd_del(struct cni_ctx *x, struct cni_error *ce)
{
	return detach(x, x->name, ce);
}

static _printf_(2, 3) int check_fail(struct cni_error *ce, const char *fmt, ...)
{
	char buf[sizeof(ce->details)];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return cni_err(ce, CNI_ERR_CHECK_FAILED, "the attachment is not as netd-cni made it", "%s",
		       buf);
}

/* the address of an endpoint field ("ipv4") is on the interface and in prevResult */
static int check_addr(struct cni_ctx *x, const json_t *ep, const char *key,
		      const struct cni_link_state *st, struct cni_error *ce)
{
	const char *s = json_string_value(json_object_get(ep, key));
	struct cidr want;
	size_t i;

	if (!s)
		return 0;
	if (cidr_parse(s, &want) < 0)
		return cni_err(ce, CNI_ERR_IO, "netd answered an invalid address", "%s", s);
	for (i = 0; i < st->n_addrs; i++)
		if (st->addrs[i].prefixlen == want.prefixlen &&
		    ipaddr_equal(&st->addrs[i].addr, &want.addr))
			break;
	if (i == st->n_addrs)
		return check_fail(ce, "address %s is missing on %s", s, x->env->ifname);
	if (!cni_prev_result_has_ip(x->cfg->prev_result, s))
		return check_fail(ce, "address %s is not in prevResult", s);
	return 0;
}

/* the default route via the endpoint's gateway @key is there when prevResult lists it */
static int check_route(struct cni_ctx *x, const json_t *ep, const char *key, const char *dst,
		       bool has, const struct ipaddr *gw, struct cni_error *ce)
{
	const char *s = json_string_value(json_object_get(ep, key));
	struct ipaddr want;

	if (!s || !cni_prev_result_has_route(x->cfg->prev_result, dst, s))
		return 0;
	if (ipaddr_parse(s, &want) < 0)
		return cni_err(ce, CNI_ERR_IO, "netd answered an invalid gateway", "%s", s);
	if (!has || !ipaddr_equal(gw, &want))
		return check_fail(ce, "the default route via %s is missing", s);
	return 0;
}

/* every runtimeConfig.portMappings entry is published by netd for this container */
static int check_ports(struct cni_ctx *x, struct cni_error *ce)
{
	_cleanup_json_ json_t *list = NULL;
	char path[160], want[PORTSPEC_STRLEN], have[PORTSPEC_STRLEN];
	struct portspec ps;
	const json_t *m;
	size_t i, j, pos;

	if (!x->cfg->n_ports)
		return 0;
	(void)snprintf(path, sizeof(path), "/v1/ports?container=%s", x->name);
	if (api(x, "GET", path, NULL, &list, "cannot list published ports", ce) < 0)
		return -1;
	for (i = 0; i < x->cfg->n_ports; i++) {
		if (portspec_parse(x->cfg->ports[i], &ps, &pos) < 0 ||
		    portspec_format(&ps, want, sizeof(want)) < 0)
			return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid portMappings", "%s",
				       x->cfg->ports[i]);
		json_array_foreach (list, j, m) {
			const char *s = json_string_value(json_object_get(m, "spec"));

			if (s && portspec_parse(s, &ps, &pos) == 0 &&
			    portspec_format(&ps, have, sizeof(have)) == 0 &&
			    strcmp(want, have) == 0)
				break;
		}
		if (j == json_array_size(list))
			return check_fail(ce, "port %s is not published", x->cfg->ports[i]);
	}
	return 0;
}

/**
 * cni_cmd_check() - CHECK: netd still has the endpoint, and the kernel and prevResult agree
 * @x:		invocation
 * @ce:		error: 3 when netd has no such attachment, 100 when something differs
 *
 * Checked: the endpoint is in netd for this netns (device and inode), the interface exists
 * in it, is up, with the endpoint's MAC, addresses and default routes, and prevResult lists
 * that interface and those addresses; the host veth is on the network's bridge; every
 * requested port mapping is published.
 *
 * Return: 0 or -1
 */
int cni_cmd_check(struct cni_ctx *x, struct cni_error *ce)
{
	const struct cni_config *c = x->cfg;
	struct netd_error e = NETD_ERROR_INIT;
	_cleanup_json_ json_t *list = NULL;
	_cleanup_close_ int ns_fd = -1;
	struct cni_link_state st, hst;
	const char *mac, *prev_mac = NULL, *host, *bridge;
	struct netns_id id;
	const json_t *ep;
	char path[192];
	int r, br;

	if (c->ver < CNI_V040)
		return cni_err(ce, CNI_ERR_INCOMPATIBLE_VERSION,
			       "config version does not allow CHECK",
			       "CHECK needs cniVersion 0.4.0 or later, the config has %s",
			       c->version);
	if (!c->prev_result)
		return cni_err(
			ce, CNI_ERR_INVALID_CONFIG, "required prevResult missing",
			"CHECK compares the attachment with the result of ADD in prevResult");
	(void)snprintf(path, sizeof(path), "/v1/endpoints?container=%s&network=%s", x->name,
		       c->network);
	if (api(x, "GET", path, NULL, &list, "cannot look up the endpoint", ce) < 0)
		return -1;
	ep = json_array_get(list, 0);
	if (!ep)
		return cni_err(ce, CNI_ERR_UNKNOWN_CONTAINER, "unknown container",
			       "container '%s' (%s on %s) is not attached to netd network '%s'",
			       x->env->container_id, x->name, x->env->ifname, c->network);
	r = netns_open(x->env->netns, &ns_fd, &id, &e);
	if (r < 0)
		return cni_err(ce, CNI_ERR_INVALID_ENV,
			       "CNI_NETNS is not a usable network namespace", "%s", e.msg);
	if ((json_int_t)id.dev != json_integer_value(json_object_get(ep, "netns_dev")) ||
	    (json_int_t)id.ino != json_integer_value(json_object_get(ep, "netns_ino")))
		return check_fail(ce, "netd attached %s from another network namespace than %s",
				  x->name, x->env->netns);
	r = cni_link_inspect(ns_fd, x->env->ifname, true, &st, &e);
	if (r == -ENODEV)
		return check_fail(ce, "interface %s is missing in %s", x->env->ifname,
				  x->env->netns);
	if (r < 0)
		return cni_err(ce, CNI_ERR_IO, "cannot read the container interface", "%s", e.msg);
	if (!st.up)
		return check_fail(ce, "interface %s is down", x->env->ifname);
	mac = json_string_value(json_object_get(ep, "mac"));
	if (!mac || strcmp(mac, st.mac) != 0)
		return check_fail(ce, "interface MAC %s differs from netd's %s", st.mac,
				  mac ? mac : "(none)");
	if (cni_prev_result_find(c->prev_result, x->env->ifname, x->env->netns, &prev_mac) < 0)
		return check_fail(ce, "prevResult has no interface %s in %s", x->env->ifname,
				  x->env->netns);
	if (prev_mac && strcmp(prev_mac, st.mac) != 0)
		return check_fail(ce, "interface MAC %s differs from prevResult's %s", st.mac,
				  prev_mac);
	if (check_addr(x, ep, "ipv4", &st, ce) < 0 || check_addr(x, ep, "ipv6", &st, ce) < 0)
		return -1;
	if (check_route(x, ep, "gateway", "0.0.0.0/0", st.has_gw4, &st.gw4, ce) < 0 ||
	    check_route(x, ep, "gateway6", "::/0", st.has_gw6, &st.gw6, ce) < 0)
		return -1;
	host = json_string_value(json_object_get(ep, "host_ifname"));
	bridge = json_string_value(json_object_get(ep, "bridge"));
	if (host && bridge) {
		br = cni_link_index(bridge, NULL);
		r = cni_link_inspect(-1, host, false, &hst, NULL);
		if (r == -ENODEV)
			return check_fail(ce, "host interface %s is missing", host);
		if (r == 0 && br > 0 && hst.master != br)
			return check_fail(ce, "host interface %s is not on bridge %s", host,
					  bridge);
	}
	return check_ports(x, ce);
}

/**
 * cni_cmd_status() - STATUS: netd answers, and the network has addresses left
 * @x:		invocation
 * @ce:		error: 50 when ADD could not succeed now
 *
 * Return: 0 or -1
 */
int cni_cmd_status(struct cni_ctx *x, struct cni_error *ce)
{
	_cleanup_json_ json_t *net = NULL;
	struct netd_error e = NETD_ERROR_INIT;
	char path[128];
	int r;

	if (x->cfg->ver < CNI_V110)
		return cni_err(ce, CNI_ERR_INCOMPATIBLE_VERSION,
			       "config version does not allow STATUS",
			       "STATUS needs cniVersion 1.1.0, the config has %s", x->cfg->version);
	r = client_request(&x->client, "GET", "/v1/health", NULL, NULL, &e);
	if (r < 0)
		return cni_err(ce, CNI_ERR_NOT_AVAILABLE, "netd is not available", "%s", e.msg);
	(void)snprintf(path, sizeof(path), "/v1/networks/%s", x->cfg->network);
	r = client_request(&x->client, "GET", path, NULL, &net, &e);
	if (r == -ENOENT)
		return 0; /* the first ADD creates it */
	if (r < 0)
		return cni_err(ce, CNI_ERR_NOT_AVAILABLE, "netd is not available", "%s", e.msg);
	if (json_integer_value(json_object_get(net, "free_addresses")) <= 0)
		return cni_err(ce, CNI_ERR_NOT_AVAILABLE, "no free addresses",
			       "netd network '%s' has no IPv4 address left", x->cfg->network);
	return 0;
}

/**
 * cni_cmd_gc() - GC: detach every attachment of this network not in valid-attachments
 * @x:		invocation
 * @ce:		error
 *
 * Only netd containers named by netd-cni ("cni-" and 16 hex digits) are considered: what
 * netctl or another client attached is never touched. Every stale one is tried; the first
 * failure is reported.
 *
 * Return: 0 or -1
 */
int cni_cmd_gc(struct cni_ctx *x, struct cni_error *ce)
{
	const struct cni_config *c = x->cfg;
	_cleanup_json_ json_t *list = NULL;
	struct cni_error first = { 0 };
	const json_t *ep, *va;
	char path[160], name[CNI_NAME_LEN + 1];
	size_t i, j;

	if (c->ver < CNI_V110)
		return cni_err(ce, CNI_ERR_INCOMPATIBLE_VERSION, "config version does not allow GC",
			       "GC needs cniVersion 1.1.0, the config has %s", c->version);
	if (!c->valid_attachments)
		return cni_err(ce, CNI_ERR_INVALID_CONFIG, "missing cni.dev/valid-attachments",
			       "GC needs the list of attachments to keep");
	json_array_foreach (c->valid_attachments, j, va) {
		if (!json_is_string(json_object_get(va, "containerID")) ||
		    !json_is_string(json_object_get(va, "ifname")))
			return cni_err(
				ce, CNI_ERR_INVALID_CONFIG, "invalid cni.dev/valid-attachments",
				"entry %zu: expected {\"containerID\": ..., \"ifname\": ...}", j);
	}
	(void)snprintf(path, sizeof(path), "/v1/endpoints?network=%s", c->network);
	if (api(x, "GET", path, NULL, &list, "cannot list endpoints", ce) < 0)
		return -1;
	json_array_foreach (list, i, ep) {
		const char *ctr = json_string_value(json_object_get(ep, "container"));
		bool keep = false;

		if (!ctr || strlen(ctr) != CNI_NAME_LEN ||
		    strncmp(ctr, CNI_NAME_PREFIX, strlen(CNI_NAME_PREFIX)) != 0)
			continue;
		json_array_foreach (c->valid_attachments, j, va) {
			cni_container_name(json_string_value(json_object_get(va, "containerID")),
					   json_string_value(json_object_get(va, "ifname")), name);
			if (strcmp(name, ctr) == 0) {
				keep = true;
				break;
			}
		}
		if (keep)
			continue;
		log_info("gc: detaching stale attachment '%s' from '%s'", ctr, c->network);
		if (detach(x, ctr, first.code ? NULL : &first) < 0 &&
		    first.code == CNI_ERR_TRY_AGAIN)
			break;
	}
	if (first.code) {
		if (ce)
			*ce = first;
		return -1;
	}
	return 0;
}
