// SPDX-License-Identifier: GPL-2.0-or-later
/* api_codec.c - decode and validate API request bodies; encode errors */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netd/codec.h>

/**
 * json_parse_object() - parse a request body that must be one JSON object
 * @body:	bytes (not NUL-terminated)
 * @len:	length
 * @ret:	the object
 * @e:		error context
 *
 * Return: 0 or -EINVAL with jansson's text and position
 */
int json_parse_object(const char *body, size_t len, json_t **ret, struct netd_error *e)
{
	json_error_t jerr;
	json_t *j;

	if (!body || len == 0)
		return err_set(e, EINVAL, "empty request body, expected a JSON object");
	j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j)
		return err_set(e, EINVAL, "invalid JSON at line %d column %d: %s", jerr.line,
			       jerr.column, jerr.text);
	if (!json_is_object(j)) {
		json_decref(j);
		return err_set(e, EINVAL, "request body must be a JSON object");
	}
	*ret = j;
	return 0;
}

static int check_name(const char *what, const char *v, struct netd_error *e)
{
	int r = name_validate(v);

	if (r == -ENAMETOOLONG)
		return err_set(e, EINVAL, "%s '%.63s...' is longer than %d characters", what, v,
			       NAME_MAX_LEN);
	if (r < 0)
		return err_set(
			e, EINVAL,
			"invalid %s '%s': use letters, digits, '_', '.', '-', starting with a letter or digit",
			what, v);
	return 0;
}

static int check_ifname(const char *what, const char *v, struct netd_error *e)
{
	if (ifname_validate(v) < 0)
		return err_set(e, EINVAL,
			       "invalid %s '%s': 1 to %d characters, no '/', ':' or spaces", what,
			       v, IFNAMSIZ - 1);
	return 0;
}

static int decode_subnet(const char *what, const char *v, int family, struct cidr *ret,
			 struct netd_error *e)
{
	unsigned int minlen = family == AF_INET ? 8 : 48, maxlen = family == AF_INET ? 30 : 126;
	char fixed[CIDR_STRLEN] = "";
	struct cidr c;

	if (cidr_parse(v, &c) < 0 || c.addr.family != family)
		return err_set(e, EINVAL, "invalid %s '%s': expected an %s prefix like '%s'", what,
			       v, family == AF_INET ? "IPv4" : "IPv6",
			       family == AF_INET ? "10.90.0.0/24" : "fd00:90::/64");
	if (!cidr_is_network(&c)) {
		cidr_mask(&c);
		(void)cidr_format(&c, fixed, sizeof(fixed));
		return err_set(e, EINVAL, "invalid %s '%s': host bits are set, did you mean '%s'",
			       what, v, fixed);
	}
	if (c.prefixlen > maxlen || c.prefixlen < minlen)
		return err_set(e, EINVAL,
			       "invalid %s '%s': prefix length must be between /%u and /%u", what,
			       v, minlen, maxlen);
	*ret = c;
	return 0;
}

static int decode_ip(const char *what, const char *v, int family, struct ipaddr *ret,
		     struct netd_error *e)
{
	if (ipaddr_parse(v, ret) < 0 || ret->family != family)
		return err_set(e, EINVAL, "invalid %s '%s': expected an %s address", what, v,
			       family == AF_INET ? "IPv4" : "IPv6");
	return 0;
}

/**
 * network_request_decode() - decode POST /v1/networks
 * @body:	request body
 * @len:	its length
 * @ret:	the validated request
 * @e:		error context
 *
 * Fields: name (required), subnet, gateway, subnet6, gateway6, bridge, mtu, internal.
 * Unknown fields are refused so that a typo is not silently ignored.
 *
 * Return: 0 or -EINVAL
 */
int network_request_decode(const char *body, size_t len, struct network_request *ret,
			   struct netd_error *e)
{
	const char *name = NULL, *subnet = NULL, *gw = NULL, *subnet6 = NULL, *gw6 = NULL,
		   *bridge = NULL;
	struct network_request q = { 0 };
	_cleanup_json_ json_t *j = NULL;
	json_int_t mtu = 0;
	int internal = 0, r;
	json_error_t jerr;

	r = json_parse_object(body, len, &j, e);
	if (r < 0)
		return r;
	if (json_unpack_ex(j, &jerr, 0, "{s:s, s?s, s?s, s?s, s?s, s?s, s?I, s?b !}", "name", &name,
			   "subnet", &subnet, "gateway", &gw, "subnet6", &subnet6, "gateway6", &gw6,
			   "bridge", &bridge, "mtu", &mtu, "internal", &internal) < 0)
		return err_set(e, EINVAL, "invalid network request: %s", jerr.text);
	r = check_name("network name", name, e);
	if (r < 0)
		return r;
	STRLCPY(q.name, name);
	if (bridge) {
		r = check_ifname("bridge name", bridge, e);
		if (r < 0)
			return r;
		STRLCPY(q.bridge, bridge);
	}
	if (subnet) {
		r = decode_subnet("subnet", subnet, AF_INET, &q.subnet, e);
		if (r < 0)
			return r;
		q.has_subnet = true;
	}
	if (gw) {
		if (!subnet)
			return err_set(e, EINVAL, "gateway '%s' needs a subnet", gw);
		r = decode_ip("gateway", gw, AF_INET, &q.gateway, e);
		if (r < 0)
			return r;
		q.has_gateway = true;
	}
	if (subnet6) {
		r = decode_subnet("subnet6", subnet6, AF_INET6, &q.subnet6, e);
		if (r < 0)
			return r;
		q.has_subnet6 = true;
	}
	if (gw6) {
		if (!subnet6)
			return err_set(e, EINVAL, "gateway6 '%s' needs a subnet6", gw6);
		r = decode_ip("gateway6", gw6, AF_INET6, &q.gateway6, e);
		if (r < 0)
			return r;
		q.has_gateway6 = true;
	}
	if (json_object_get(j, "mtu") && (mtu < NETD_MTU_MIN || mtu > NETD_MTU_MAX))
		return err_set(e, EINVAL, "invalid mtu %lld: must be between %d and %d",
			       (long long)mtu, NETD_MTU_MIN, NETD_MTU_MAX);
	q.mtu = mtu ? (unsigned int)mtu : NETD_MTU_DEFAULT;
	q.internal = internal;
	*ret = q;
	return 0;
}

/**
 * attach_request_decode() - decode POST /v1/endpoints
 * @body:	request body
 * @len:	its length
 * @ret:	the validated request
 * @e:		error context
 *
 * Fields: container (required), exactly one of netns (absolute path) or pid, network
 * (default "netd"), ip, ip6, ifname (empty when not given: netd picks eth0, eth1, ...), mac.
 *
 * Return: 0 or -EINVAL
 */
int attach_request_decode(const char *body, size_t len, struct attach_request *ret,
			  struct netd_error *e)
{
	const char *ctr = NULL, *net = "netd", *netns = NULL, *ip = NULL, *ip6 = NULL,
		   *ifname = NULL, *mac = NULL;
	struct attach_request q = { 0 };
	json_t *ports = NULL, *it;
	size_t i;
	_cleanup_json_ json_t *j = NULL;
	json_int_t pid = 0;
	json_error_t jerr;
	int r, hold = 1, route = 1;

	r = json_parse_object(body, len, &j, e);
	if (r < 0)
		return r;
	if (json_unpack_ex(j, &jerr, 0,
			   "{s:s, s?s, s?s, s?I, s?s, s?s, s?s, s?s, s?o, s?b, s?b !}", "container",
			   &ctr, "network", &net, "netns", &netns, "pid", &pid, "ip", &ip, "ip6",
			   &ip6, "ifname", &ifname, "mac", &mac, "ports", &ports, "hold_host_ports",
			   &hold, "default_route", &route) < 0)
		return err_set(e, EINVAL, "invalid attach request: %s", jerr.text);
	r = check_name("container name", ctr, e);
	if (r < 0)
		return r;
	STRLCPY(q.container, ctr);
	r = check_name("network name", net, e);
	if (r < 0)
		return r;
	STRLCPY(q.network, net);
	if (!netns == !json_object_get(j, "pid"))
		return err_set(e, EINVAL, "give exactly one of 'netns' (a path) or 'pid'");
	if (netns) {
		if (netns[0] != '/' || strlen(netns) >= sizeof(q.netns_path))
			return err_set(
				e, EINVAL,
				"invalid netns '%s': expected an absolute path of at most %zu bytes",
				netns, sizeof(q.netns_path) - 1);
		STRLCPY(q.netns_path, netns);
	} else {
		if (pid <= 0 || pid > 4194304)
			return err_set(e, EINVAL, "invalid pid %lld", (long long)pid);
		q.pid = (int)pid;
	}
	if (ifname) {
		r = check_ifname("interface name", ifname, e);
		if (r < 0)
			return r;
		STRLCPY(q.ifname, ifname);
	}
	if (ip) {
		r = decode_ip("ip", ip, AF_INET, &q.ip4, e);
		if (r < 0)
			return r;
		q.has_ip4 = true;
	}
	if (ip6) {
		r = decode_ip("ip6", ip6, AF_INET6, &q.ip6, e);
		if (r < 0)
			return r;
		q.has_ip6 = true;
	}
	if (mac) {
		if (mac_parse(mac, q.mac) < 0)
			return err_set(e, EINVAL,
				       "invalid mac '%s': expected a unicast 'aa:bb:cc:dd:ee:ff'",
				       mac);
		q.has_mac = true;
	}
	if (ports) {
		if (!json_is_array(ports) || json_array_size(ports) > ATTACH_MAX_PORTS)
			return err_set(e, EINVAL,
				       "'ports' must be an array of at most %d port specs",
				       ATTACH_MAX_PORTS);
		json_array_foreach (ports, i, it) {
			r = portspec_decode("port spec", json_string_value(it), &q.ports[i], e);
			if (r < 0)
				return r;
			if (!hold && q.ports[i].host_port == 0)
				return err_set(
					e, EINVAL,
					"a port netd does not hold needs a host port: netd cannot pick one");
		}
		q.n_ports = json_array_size(ports);
	}
	q.ports_unheld = !hold;
	q.no_default_route = !route;
	*ret = q;
	return 0;
}

/**
 * portspec_decode() - parse a port spec from a request, with a message that shows where
 * @what:	what the string is, for the message
 * @s:		the spec, NULL when the JSON value was not a string
 * @ret:	the spec
 * @e:		error context
 *
 * Return: 0 or -EINVAL
 */
int portspec_decode(const char *what, const char *s, struct portspec *ret, struct netd_error *e)
{
	size_t pos = 0;

	if (!s)
		return err_set(e, EINVAL, "%s must be a string", what);
	if (portspec_parse(s, ret, &pos) < 0)
		return err_set(
			e, EINVAL,
			"invalid %s '%.96s' at character %zu: expected [HOSTIP:][HOSTPORT[-END]:]CTRPORT[-END][/tcp|udp|sctp]",
			what, s, pos + 1);
	return 0;
}

/**
 * publish_request_decode() - decode POST /v1/ports
 * @body:	request body
 * @len:	its length
 * @ret:	the validated request
 * @e:		error context
 *
 * Fields: container and spec (required), network (the endpoint to publish to, default the
 * container's first), proxy_protocol (boolean, TCP only: the userland proxy prepends a PROXY
 * protocol v2 header).
 *
 * Return: 0 or -EINVAL
 */
int publish_request_decode(const char *body, size_t len, struct publish_request *ret,
			   struct netd_error *e)
{
	const char *ctr = NULL, *net = NULL, *spec = NULL;
	struct publish_request q = { 0 };
	_cleanup_json_ json_t *j = NULL;
	json_error_t jerr;
	int r, pp = 0, hold = 1;

	r = json_parse_object(body, len, &j, e);
	if (r < 0)
		return r;
	if (json_unpack_ex(j, &jerr, 0, "{s:s, s:s, s?s, s?b, s?b !}", "container", &ctr, "spec",
			   &spec, "network", &net, "proxy_protocol", &pp, "hold_host_port",
			   &hold) < 0)
		return err_set(e, EINVAL, "invalid publish request: %s", jerr.text);
	r = check_name("container name", ctr, e);
	if (r < 0)
		return r;
	STRLCPY(q.container, ctr);
	if (net) {
		r = check_name("network name", net, e);
		if (r < 0)
			return r;
		STRLCPY(q.network, net);
	}
	r = portspec_decode("port spec", spec, &q.spec, e);
	if (r < 0)
		return r;
	if (pp && q.spec.proto != PORTSPEC_TCP)
		return err_set(e, EINVAL, "the PROXY protocol header is for TCP ports only");
	q.proxy_protocol = pp;
	q.unheld = !hold;
	if (q.unheld && q.spec.host_port == 0)
		return err_set(e, EINVAL,
			       "a port netd does not hold needs a host port: netd cannot pick one");
	if (q.unheld && pp)
		return err_set(e, EINVAL,
			       "the PROXY protocol header needs a port netd holds for its proxy");
	*ret = q;
	return 0;
}

/**
 * error_to_json() - the error body: {"message": ..., "errno": "EEXIST"}
 * @e:		error
 *
 * Return: new JSON object, NULL on ENOMEM
 */
json_t *error_to_json(const struct netd_error *e)
{
	return json_pack("{s:s, s:s}", "message", e->msg[0] ? e->msg : "internal error", "errno",
			 errno_name(e->code));
}

/**
 * error_from_json() - the clients' side of error_to_json(): netd's message and errno from an
 * error answer
 * @j:		the answer's body, or NULL when it had none (or no JSON)
 * @status:	its HTTP status (403: the socket refused the caller, EACCES whatever it says)
 * @e:		error context to fill
 *
 * Return: the negative errno
 */
int error_from_json(const json_t *j, int status, struct netd_error *e)
{
	const char *msg = NULL, *name = NULL;

	if (j)
		(void)json_unpack((json_t *)j, "{s?s, s?s}", "message", &msg, "errno", &name);
	return err_set(e, status == 403 ? EACCES : name ? errno_from_name(name) : EIO, "%s",
		       msg ? msg : "netd returned an error");
}

/**
 * api_socket_path() - the control socket a client talks to: @given, else $NETD_SOCKET, else
 * NETD_SOCKET_DEFAULT
 * @given:	--socket, or NULL
 * @buf:	the path
 * @len:	size of @buf
 * @e:		error context
 *
 * Return: 0 or -ENAMETOOLONG
 */
int api_socket_path(const char *given, char *buf, size_t len, struct netd_error *e)
{
	const char *p = given;

	if (!p || !*p)
		p = getenv(NETD_SOCKET_ENV);
	if (!p || !*p)
		p = NETD_SOCKET_DEFAULT;
	if (strlen(p) >= len)
		return err_set(e, ENAMETOOLONG, "socket path '%s' is too long", p);
	memcpy(buf, p, strlen(p) + 1);
	return 0;
}
