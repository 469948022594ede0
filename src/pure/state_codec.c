// SPDX-License-Identifier: GPL-2.0-or-later
/* state_codec.c - networks and endpoints <-> JSON, as persisted and as the API returns them */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include <netd/codec.h>

static int set_str(json_t *o, const char *key, const char *v)
{
	return json_object_set_new(o, key, json_string(v));
}

static int set_ip(json_t *o, const char *key, const struct ipaddr *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (ipaddr_format(a, buf, sizeof(buf)) < 0)
		return -1;
	return set_str(o, key, buf);
}

static int set_cidr(json_t *o, const char *key, const struct cidr *c)
{
	char buf[CIDR_STRLEN];

	if (cidr_format(c, buf, sizeof(buf)) < 0)
		return -1;
	return set_str(o, key, buf);
}

/**
 * network_to_json() - encode a network
 * @n:		network
 *
 * Return: new JSON object, NULL on ENOMEM
 */
json_t *network_to_json(const struct network_spec *n)
{
	_cleanup_json_ json_t *o = json_object();
	int r = 0;

	if (!o)
		return NULL;
	r |= set_str(o, "name", n->name);
	r |= set_str(o, "bridge", n->bridge);
	r |= set_cidr(o, "subnet", &n->subnet);
	r |= set_ip(o, "gateway", &n->gateway);
	if (n->has_v6) {
		r |= set_cidr(o, "subnet6", &n->subnet6);
		r |= set_ip(o, "gateway6", &n->gateway6);
	}
	r |= json_object_set_new(o, "mtu", json_integer(n->mtu));
	r |= json_object_set_new(o, "internal", json_boolean(n->internal));
	if (r)
		return NULL;
	return TAKE_PTR(o);
}

/**
 * endpoint_to_json() - encode an endpoint
 * @ep:		endpoint
 *
 * Return: new JSON object, NULL on ENOMEM
 */
json_t *endpoint_to_json(const struct endpoint_spec *ep)
{
	_cleanup_json_ json_t *o = json_object();
	char mac[MAC_STRLEN];
	int r = 0;

	if (!o)
		return NULL;
	mac_format(ep->mac, mac);
	r |= set_str(o, "container", ep->container);
	r |= set_str(o, "network", ep->network);
	r |= set_str(o, "ifname", ep->ifname);
	r |= set_str(o, "host_ifname", ep->host_ifname);
	r |= set_str(o, "netns", ep->netns_path);
	r |= json_object_set_new(o, "netns_dev", json_integer((json_int_t)ep->netns_dev));
	r |= json_object_set_new(o, "netns_ino", json_integer((json_int_t)ep->netns_ino));
	if (ep->pid > 0)
		r |= json_object_set_new(o, "pid", json_integer(ep->pid));
	if (ep->has_ip4)
		r |= set_cidr(o, "ipv4", &ep->ip4);
	if (ep->has_ip6)
		r |= set_cidr(o, "ipv6", &ep->ip6);
	r |= set_str(o, "mac", mac);
	/* only when asked: state files of netds that did not know it read the same */
	if (ep->no_default_route)
		r |= json_object_set_new(o, "default_route", json_false());
	if (r)
		return NULL;
	return TAKE_PTR(o);
}

static int copy_name(char *dst, size_t size, const char *what, const char *v, struct netd_error *e)
{
	if (!v || strlen(v) >= size)
		return err_set(e, EINVAL, "invalid %s", what);
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

/**
 * network_from_json() - decode a persisted network
 * @j:		JSON object
 * @ret:	the network
 * @e:		error context
 *
 * Return: 0 or -EINVAL
 */
int network_from_json(const json_t *j, struct network_spec *ret, struct netd_error *e)
{
	const char *name = NULL, *bridge = NULL, *subnet = NULL, *gw = NULL, *subnet6 = NULL,
		   *gw6 = NULL;
	struct network_spec n = { 0 };
	json_int_t mtu = 0;
	int internal = 0;
	json_error_t jerr;

	if (json_unpack_ex((json_t *)j, &jerr, 0, "{s:s, s:s, s:s, s:s, s?s, s?s, s:I, s:b}",
			   "name", &name, "bridge", &bridge, "subnet", &subnet, "gateway", &gw,
			   "subnet6", &subnet6, "gateway6", &gw6, "mtu", &mtu, "internal",
			   &internal) < 0)
		return err_set(e, EINVAL, "network: %s", jerr.text);
	if (name_validate(name) < 0 || copy_name(n.name, sizeof(n.name), "name", name, e) < 0)
		return err_set(e, EINVAL, "network: invalid name");
	if (ifname_validate(bridge) < 0 ||
	    copy_name(n.bridge, sizeof(n.bridge), "bridge", bridge, e) < 0)
		return err_set(e, EINVAL, "network '%s': invalid bridge", name);
	if (cidr_parse_subnet(subnet, &n.subnet) < 0 || n.subnet.addr.family != AF_INET ||
	    ipaddr_parse(gw, &n.gateway) < 0 || !cidr_contains(&n.subnet, &n.gateway))
		return err_set(e, EINVAL, "network '%s': invalid subnet or gateway", name);
	if (subnet6) {
		if (!gw6 || cidr_parse_subnet(subnet6, &n.subnet6) < 0 ||
		    n.subnet6.addr.family != AF_INET6 || ipaddr_parse(gw6, &n.gateway6) < 0 ||
		    !cidr_contains(&n.subnet6, &n.gateway6))
			return err_set(e, EINVAL, "network '%s': invalid subnet6 or gateway6",
				       name);
		n.has_v6 = true;
	}
	if (mtu < NETD_MTU_MIN || mtu > NETD_MTU_MAX)
		return err_set(e, EINVAL, "network '%s': invalid mtu", name);
	n.mtu = (unsigned int)mtu;
	n.internal = internal;
	*ret = n;
	return 0;
}

/**
 * endpoint_from_json() - decode a persisted endpoint
 * @j:		JSON object
 * @ret:	the endpoint
 * @e:		error context
 *
 * Return: 0 or -EINVAL
 */
int endpoint_from_json(const json_t *j, struct endpoint_spec *ret, struct netd_error *e)
{
	const char *ctr = NULL, *net = NULL, *ifname = NULL, *host = NULL, *netns = NULL,
		   *ip4 = NULL, *ip6 = NULL, *mac = NULL;
	struct endpoint_spec ep = { 0 };
	json_int_t dev = 0, ino = 0, pid = 0;
	json_error_t jerr;
	int route = 1;

	if (json_unpack_ex((json_t *)j, &jerr, 0,
			   "{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s?I, s?s, s?s, s:s, s?b}", "container",
			   &ctr, "network", &net, "ifname", &ifname, "host_ifname", &host, "netns",
			   &netns, "netns_dev", &dev, "netns_ino", &ino, "pid", &pid, "ipv4", &ip4,
			   "ipv6", &ip6, "mac", &mac, "default_route", &route) < 0)
		return err_set(e, EINVAL, "endpoint: %s", jerr.text);
	if (name_validate(ctr) < 0 || name_validate(net) < 0)
		return err_set(e, EINVAL, "endpoint: invalid container or network name");
	if (ifname_validate(ifname) < 0 || !naming_is_host_ifname(host))
		return err_set(e, EINVAL, "endpoint '%s': invalid interface name", ctr);
	if (netns[0] != '/' || strlen(netns) >= sizeof(ep.netns_path))
		return err_set(e, EINVAL, "endpoint '%s': invalid netns path", ctr);
	if (pid < 0 || pid > INT32_MAX || dev < 0 || ino < 0)
		return err_set(e, EINVAL, "endpoint '%s': invalid netns identity", ctr);
	if (ip4 && (cidr_parse(ip4, &ep.ip4) < 0 || ep.ip4.addr.family != AF_INET))
		return err_set(e, EINVAL, "endpoint '%s': invalid ipv4", ctr);
	if (ip6 && (cidr_parse(ip6, &ep.ip6) < 0 || ep.ip6.addr.family != AF_INET6))
		return err_set(e, EINVAL, "endpoint '%s': invalid ipv6", ctr);
	if (mac_parse(mac, ep.mac) < 0)
		return err_set(e, EINVAL, "endpoint '%s': invalid mac", ctr);
	STRLCPY(ep.container, ctr);
	STRLCPY(ep.network, net);
	STRLCPY(ep.ifname, ifname);
	STRLCPY(ep.host_ifname, host);
	STRLCPY(ep.netns_path, netns);
	ep.netns_dev = (uint64_t)dev;
	ep.netns_ino = (uint64_t)ino;
	ep.pid = (int)pid;
	ep.has_ip4 = ip4 != NULL;
	ep.has_ip6 = ip6 != NULL;
	ep.no_default_route = !route;
	*ret = ep;
	return 0;
}

/**
 * mapping_to_json() - encode a published port
 * @m:		mapping
 *
 * Return: new JSON object, NULL on ENOMEM or an unprintable spec
 */
json_t *mapping_to_json(const struct port_mapping *m)
{
	_cleanup_json_ json_t *o = json_object();
	char spec[PORTSPEC_STRLEN];
	int r = 0;

	if (!o || portspec_format(&m->spec, spec, sizeof(spec)) < 0)
		return NULL;
	r |= set_str(o, "container", m->container);
	r |= set_str(o, "network", m->network);
	r |= set_str(o, "spec", spec);
	r |= set_str(o, "proto", portspec_proto_name(m->spec.proto));
	if (m->spec.has_host_ip)
		r |= set_ip(o, "host_ip", &m->spec.host_ip);
	r |= json_object_set_new(o, "host_port", json_integer(m->spec.host_port));
	r |= json_object_set_new(o, "host_port_end", json_integer(m->spec.host_port_end));
	r |= json_object_set_new(o, "container_port", json_integer(m->spec.ctr_port));
	r |= json_object_set_new(o, "container_port_end", json_integer(m->spec.ctr_port_end));
	if (m->proxy_protocol)
		r |= json_object_set_new(o, "proxy_protocol", json_true());
	if (m->unheld)
		r |= json_object_set_new(o, "hold_host_port", json_false());
	if (r)
		return NULL;
	return TAKE_PTR(o);
}

/**
 * mapping_from_json() - decode a persisted published port (its "spec" is the truth)
 * @j:		JSON object
 * @ret:	the mapping
 * @e:		error context
 *
 * Return: 0 or -EINVAL
 */
int mapping_from_json(const json_t *j, struct port_mapping *ret, struct netd_error *e)
{
	const char *ctr = NULL, *net = NULL, *spec = NULL;
	struct port_mapping m = { 0 };
	json_error_t jerr;
	int pp = 0, hold = 1;

	if (json_unpack_ex((json_t *)j, &jerr, 0, "{s:s, s:s, s:s, s?b, s?b}", "container", &ctr,
			   "network", &net, "spec", &spec, "proxy_protocol", &pp, "hold_host_port",
			   &hold) < 0)
		return err_set(e, EINVAL, "port mapping: %s", jerr.text);
	if (name_validate(ctr) < 0 || name_validate(net) < 0)
		return err_set(e, EINVAL, "port mapping: invalid container or network name");
	if (portspec_parse(spec, &m.spec, NULL) < 0 || m.spec.host_port == 0)
		return err_set(e, EINVAL, "port mapping of '%s': invalid spec '%s'", ctr, spec);
	STRLCPY(m.container, ctr);
	STRLCPY(m.network, net);
	m.proxy_protocol = pp && m.spec.proto == PORTSPEC_TCP;
	m.unheld = !hold;
	*ret = m;
	return 0;
}
