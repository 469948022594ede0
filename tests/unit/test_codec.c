// SPDX-License-Identifier: GPL-2.0-or-later
/* test_codec.c - state JSON round trips, corrupted state, API request decoding, error bodies */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../helpers/cmocka_compat.h"

#include <netd/codec.h>
#include <netd/macro.h>

/* long names without a runtime buffer */
#define S16 "abcdefghijklmnop"
#define S64 S16 S16 S16 S16
#define NAME63 S16 S16 S16 "abcdefghijklmno"
#define NAME64 S64
#define IFNAME16 S16
#define PATH255 "/" S64 S64 S64 S16 S16 S16 "abcdefghijklmn"
#define PATH256 PATH255 "x"

static const char *str_or_null(const char *s)
{
	return s ? s : "(null)";
}

static struct ipaddr ip_of(const char *s)
{
	struct ipaddr a;

	if (ipaddr_parse(s, &a) < 0)
		fail_msg("fixture address '%s' does not parse", s);
	return a;
}

static struct cidr cidr_of(const char *s)
{
	struct cidr c;

	if (cidr_parse(s, &c) < 0)
		fail_msg("fixture prefix '%s' does not parse", s);
	return c;
}

static void assert_ip_is(const struct ipaddr *a, const char *want)
{
	char buf[INET6_ADDRSTRLEN];

	assert_int_equal(ipaddr_format(a, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
}

static void assert_cidr_is(const struct cidr *c, const char *want)
{
	char buf[CIDR_STRLEN];

	assert_int_equal(cidr_format(c, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
}

static void assert_cidr_equal(const struct cidr *a, const struct cidr *b)
{
	assert_true(ipaddr_equal(&a->addr, &b->addr));
	assert_int_equal(a->prefixlen, b->prefixlen);
}

static void assert_json_string(const json_t *o, const char *key, const char *want)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		fail_msg("key '%s' is not a string", key);
	assert_string_equal(json_string_value(v), want);
}

/* an error return: -EINVAL, e filled with EINVAL and a message containing @substr */
static void assert_einval(int r, const struct netd_error *e, const char *what, const char *substr)
{
	if (r != -EINVAL)
		fail_msg("%s: returned %d, want -EINVAL", what, r);
	if (e->code != EINVAL)
		fail_msg("%s: code %d, want EINVAL", what, e->code);
	if (!e->msg[0])
		fail_msg("%s: empty message", what);
	if (substr && !strstr(e->msg, substr))
		fail_msg("%s: message \"%s\" lacks \"%s\"", what, e->msg, substr);
}

struct net_fixture {
	const char *name, *bridge, *subnet, *gateway, *subnet6, *gateway6;
	unsigned int mtu;
	bool internal;
};

static void network_of(const struct net_fixture *f, struct network_spec *n)
{
	memset(n, 0, sizeof(*n));
	STRLCPY(n->name, f->name);
	STRLCPY(n->bridge, f->bridge);
	n->subnet = cidr_of(f->subnet);
	n->gateway = ip_of(f->gateway);
	if (f->subnet6) {
		n->has_v6 = true;
		n->subnet6 = cidr_of(f->subnet6);
		n->gateway6 = ip_of(f->gateway6);
	}
	n->mtu = f->mtu;
	n->internal = f->internal;
}

static void test_codec_network_round_trip(void **state)
{
	static const struct net_fixture cases[] = {
		{ "netd", "br-netd", "10.90.0.0/24", "10.90.0.1", NULL, NULL, 1500, false },
		{ "dual", "br-dual", "10.91.0.0/24", "10.91.0.254", "fd00:91::/64", "fd00:91::1",
		  9000, true },
		{ "edge.net_1", "b", "10.0.0.0/8", "10.255.255.254", "fd00::/48", "fd00::ffff", 68,
		  false },
		{ NAME63, "0123456789abcde", "192.168.7.0/30", "192.168.7.2", "fd00:7::/126",
		  "fd00:7::3", 65535, true },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct netd_error e = NETD_ERROR_INIT;
		struct network_spec n, back;
		_cleanup_json_ json_t *j = NULL, *reloaded = NULL, *again = NULL;
		_cleanup_free_ char *text = NULL;
		int r;

		network_of(&cases[i], &n);
		j = network_to_json(&n);
		assert_non_null(j);
		assert_json_string(j, "name", cases[i].name);
		assert_json_string(j, "bridge", cases[i].bridge);
		assert_json_string(j, "subnet", cases[i].subnet);
		assert_json_string(j, "gateway", cases[i].gateway);
		if (cases[i].subnet6) {
			assert_json_string(j, "subnet6", cases[i].subnet6);
			assert_json_string(j, "gateway6", cases[i].gateway6);
		} else {
			assert_null(json_object_get(j, "subnet6"));
			assert_null(json_object_get(j, "gateway6"));
		}
		assert_int_equal(json_integer_value(json_object_get(j, "mtu")), cases[i].mtu);
		assert_true(json_is_boolean(json_object_get(j, "internal")));
		assert_int_equal(json_is_true(json_object_get(j, "internal")), cases[i].internal);

		/* through the text form, as persisted */
		text = json_dumps(j, JSON_COMPACT);
		assert_non_null(text);
		reloaded = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
		assert_non_null(reloaded);
		memset(&back, 0x5a, sizeof(back));
		r = network_from_json(reloaded, &back, &e);
		if (r < 0)
			fail_msg("network_from_json(%s) = %d: %s", text, r, e.msg);
		assert_string_equal(back.name, n.name);
		assert_string_equal(back.bridge, n.bridge);
		assert_cidr_equal(&back.subnet, &n.subnet);
		assert_true(ipaddr_equal(&back.gateway, &n.gateway));
		assert_int_equal(back.has_v6, n.has_v6);
		if (n.has_v6) {
			assert_cidr_equal(&back.subnet6, &n.subnet6);
			assert_true(ipaddr_equal(&back.gateway6, &n.gateway6));
		}
		assert_int_equal(back.mtu, n.mtu);
		assert_int_equal(back.internal, n.internal);

		/* and encoding the decoded one gives the same object */
		again = network_to_json(&back);
		assert_non_null(again);
		assert_true(json_equal(again, j));
	}
}

struct ep_fixture {
	const char *container, *network, *ifname, *netns;
	uint64_t dev, ino;
	int pid;
	const char *ip4, *ip6, *mac;
};

static void endpoint_of(const struct ep_fixture *f, struct endpoint_spec *ep)
{
	memset(ep, 0, sizeof(*ep));
	STRLCPY(ep->container, f->container);
	STRLCPY(ep->network, f->network);
	STRLCPY(ep->ifname, f->ifname);
	naming_host_ifname(f->container, f->network, ep->host_ifname);
	STRLCPY(ep->netns_path, f->netns);
	ep->netns_dev = f->dev;
	ep->netns_ino = f->ino;
	ep->pid = f->pid;
	if (f->ip4) {
		ep->has_ip4 = true;
		ep->ip4 = cidr_of(f->ip4);
	}
	if (f->ip6) {
		ep->has_ip6 = true;
		ep->ip6 = cidr_of(f->ip6);
	}
	assert_int_equal(mac_parse(f->mac, ep->mac), 0);
}

static void test_codec_endpoint_round_trip(void **state)
{
	static const struct ep_fixture cases[] = {
		/* IPv4 only, by netns path */
		{ "web", "netd", "eth0", "/run/netns/web", 4, 4026532000ULL, 0, "10.90.0.2/24",
		  NULL, "02:42:0a:5a:00:02" },
		/* dual stack, by pid */
		{ "db-1", "backend", "eth1", "/proc/1234/ns/net", 3, 4026532999ULL, 1234,
		  "10.91.0.77/24", "fd00:91::77/64", "aa:bb:cc:dd:ee:ff" },
		/* IPv6 only, extreme identities */
		{ "v6", "netd", "e", "/x", 0, (uint64_t)INT64_MAX, 2147483647, NULL, "fd00::2/126",
		  "02:00:00:00:00:01" },
		/* no address at all */
		{ NAME63, NAME63, "0123456789abcde", PATH255, 1, 1, 0, NULL, NULL,
		  "fe:00:00:00:00:00" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct netd_error e = NETD_ERROR_INIT;
		struct endpoint_spec ep, back;
		_cleanup_json_ json_t *j = NULL, *reloaded = NULL, *again = NULL;
		_cleanup_free_ char *text = NULL;
		int r;

		endpoint_of(&cases[i], &ep);
		j = endpoint_to_json(&ep);
		assert_non_null(j);
		assert_json_string(j, "container", cases[i].container);
		assert_json_string(j, "host_ifname", ep.host_ifname);
		assert_json_string(j, "netns", cases[i].netns);
		assert_json_string(j, "mac", cases[i].mac);
		if (cases[i].ip4)
			assert_json_string(j, "ipv4", cases[i].ip4);
		else
			assert_null(json_object_get(j, "ipv4"));
		if (cases[i].ip6)
			assert_json_string(j, "ipv6", cases[i].ip6);
		else
			assert_null(json_object_get(j, "ipv6"));
		if (cases[i].pid)
			assert_int_equal(json_integer_value(json_object_get(j, "pid")),
					 cases[i].pid);
		else
			assert_null(json_object_get(j, "pid"));

		text = json_dumps(j, JSON_COMPACT);
		assert_non_null(text);
		reloaded = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
		assert_non_null(reloaded);
		memset(&back, 0x5a, sizeof(back));
		r = endpoint_from_json(reloaded, &back, &e);
		if (r < 0)
			fail_msg("endpoint_from_json(%s) = %d: %s", text, r, e.msg);
		assert_string_equal(back.container, ep.container);
		assert_string_equal(back.network, ep.network);
		assert_string_equal(back.ifname, ep.ifname);
		assert_string_equal(back.host_ifname, ep.host_ifname);
		assert_string_equal(back.netns_path, ep.netns_path);
		assert_true(back.netns_dev == ep.netns_dev);
		assert_true(back.netns_ino == ep.netns_ino);
		assert_int_equal(back.pid, ep.pid);
		assert_int_equal(back.has_ip4, ep.has_ip4);
		if (ep.has_ip4)
			assert_cidr_equal(&back.ip4, &ep.ip4);
		assert_int_equal(back.has_ip6, ep.has_ip6);
		if (ep.has_ip6)
			assert_cidr_equal(&back.ip6, &ep.ip6);
		assert_memory_equal(back.mac, ep.mac, 6);

		again = endpoint_to_json(&back);
		assert_non_null(again);
		assert_true(json_equal(again, j));
	}
}

/*
 * A corruption of a valid state object: set @key to the JSON text @value, or delete it
 * when @value is NULL.  A NULL @key is the valid object itself.
 */
struct patch {
	const char *key;
	const char *value;
};

static json_t *patched(const char *base, const struct patch *p)
{
	json_t *j = json_loads(base, JSON_REJECT_DUPLICATES, NULL);

	assert_non_null(j);
	if (!p->key)
		return j;
	if (p->value) {
		json_t *v = json_loads(p->value, JSON_DECODE_ANY, NULL);

		if (!v)
			fail_msg("patch value '%s' is not JSON", p->value);
		assert_int_equal(json_object_set_new(j, p->key, v), 0);
	} else {
		assert_int_equal(json_object_del(j, p->key), 0);
	}
	return j;
}

static const char net_base[] =
	"{\"name\":\"netd\",\"bridge\":\"br-netd\",\"subnet\":\"10.90.0.0/24\","
	"\"gateway\":\"10.90.0.1\",\"subnet6\":\"fd00:90::/64\",\"gateway6\":\"fd00:90::1\","
	"\"mtu\":1500,\"internal\":false}";

static void test_codec_network_from_json_refuses(void **state)
{
	static const struct patch cases[] = {
		{ "name", NULL },
		{ "name", "\"-bad\"" },
		{ "name", "\"a b\"" },
		{ "name", "\"\"" },
		{ "name", "\"" NAME64 "\"" },
		{ "name", "5" },
		{ "name", "null" },
		{ "bridge", NULL },
		{ "bridge", "\"br 0\"" },
		{ "bridge", "\"" IFNAME16 "\"" },
		{ "bridge", "\"\"" },
		{ "subnet", NULL },
		{ "subnet", "\"fd00::/64\"" },
		{ "subnet", "\"10.90.0.1/24\"" },
		{ "subnet", "\"10.90.0.0\"" },
		{ "subnet", "\"garbage\"" },
		{ "gateway", NULL },
		{ "gateway", "\"10.91.0.1\"" },
		{ "gateway", "\"fd00:90::1\"" },
		{ "gateway", "\"nope\"" },
		{ "subnet6", "\"10.0.0.0/24\"" },
		{ "subnet6", "\"fd00:90::1/64\"" },
		{ "subnet6", "7" },
		{ "gateway6", NULL },
		{ "gateway6", "\"fd00:91::1\"" },
		{ "gateway6", "\"10.90.0.1\"" },
		{ "mtu", NULL },
		{ "mtu", "67" },
		{ "mtu", "65536" },
		{ "mtu", "-1" },
		{ "mtu", "\"1500\"" },
		{ "mtu", "1500.0" },
		{ "internal", NULL },
		{ "internal", "\"no\"" },
		{ "internal", "0" },
	};
	static const char *const not_objects[] = { "[]", "\"netd\"", "null", "42" };
	struct network_spec n;
	size_t i;
	int r;

	{
		struct netd_error e = NETD_ERROR_INIT;
		struct patch none = { NULL, NULL };
		_cleanup_json_ json_t *j = patched(net_base, &none);

		r = network_from_json(j, &n, &e);
		if (r < 0)
			fail_msg("the valid base network is refused: %s", e.msg);
		assert_true(n.has_v6);
	}
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct netd_error e = NETD_ERROR_INIT;
		_cleanup_json_ json_t *j = patched(net_base, &cases[i]);
		char what[128];

		(void)snprintf(what, sizeof(what), "network with %s=%s", cases[i].key,
			       str_or_null(cases[i].value));
		assert_einval(network_from_json(j, &n, &e), &e, what, "network");
	}
	for (i = 0; i < ARRAY_SIZE(not_objects); i++) {
		struct netd_error e = NETD_ERROR_INIT;
		_cleanup_json_ json_t *j = json_loads(not_objects[i], JSON_DECODE_ANY, NULL);

		assert_non_null(j);
		assert_einval(network_from_json(j, &n, &e), &e, not_objects[i], "network");
	}
}

static const char ep_base[] =
	"{\"container\":\"web\",\"network\":\"netd\",\"ifname\":\"eth0\","
	"\"host_ifname\":\"vn4f829211\",\"netns\":\"/run/netns/web\",\"netns_dev\":4,"
	"\"netns_ino\":4026532000,\"pid\":77,\"ipv4\":\"10.90.0.2/24\","
	"\"ipv6\":\"fd00:90::2/64\",\"mac\":\"02:42:0a:5a:00:02\"}";

static void test_codec_endpoint_from_json_refuses(void **state)
{
	static const struct patch cases[] = {
		{ "container", NULL },
		{ "container", "\"\"" },
		{ "container", "\"a b\"" },
		{ "container", "\"" NAME64 "\"" },
		{ "container", "1" },
		{ "network", NULL },
		{ "network", "\"-x\"" },
		{ "ifname", NULL },
		{ "ifname", "\"eth 0\"" },
		{ "ifname", "\"\"" },
		{ "ifname", "\"" IFNAME16 "\"" },
		{ "host_ifname", NULL },
		{ "host_ifname", "\"veth0\"" },
		{ "host_ifname", "\"vn0123ABCD\"" },
		{ "netns", NULL },
		{ "netns", "\"run/netns/web\"" },
		{ "netns", "\"\"" },
		{ "netns", "\"" PATH256 "\"" },
		{ "netns_dev", NULL },
		{ "netns_dev", "-1" },
		{ "netns_dev", "\"4\"" },
		{ "netns_ino", NULL },
		{ "netns_ino", "-1" },
		{ "pid", "-1" },
		{ "pid", "2147483648" },
		{ "pid", "\"77\"" },
		{ "ipv4", "\"fd00::2/64\"" },
		{ "ipv4", "\"10.90.0.2\"" },
		{ "ipv4", "\"10.90.0.2/33\"" },
		{ "ipv4", "5" },
		{ "ipv6", "\"10.90.0.2/24\"" },
		{ "ipv6", "\"fd00::2\"" },
		{ "mac", NULL },
		{ "mac", "\"01:00:00:00:00:01\"" },
		{ "mac", "\"00:00:00:00:00:00\"" },
		{ "mac", "\"zz\"" },
	};
	static const struct patch valid[] = {
		{ NULL, NULL },
		/* optional fields */
		{ "pid", NULL },
		{ "ipv4", NULL },
		{ "ipv6", NULL },
	};
	struct endpoint_spec ep;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(valid); i++) {
		struct netd_error e = NETD_ERROR_INIT;
		_cleanup_json_ json_t *j = patched(ep_base, &valid[i]);
		int r = endpoint_from_json(j, &ep, &e);

		if (r < 0)
			fail_msg("valid endpoint without %s refused: %s", str_or_null(valid[i].key),
				 e.msg);
	}
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct netd_error e = NETD_ERROR_INIT;
		_cleanup_json_ json_t *j = patched(ep_base, &cases[i]);
		char what[512];

		(void)snprintf(what, sizeof(what), "endpoint with %s=%s", cases[i].key,
			       str_or_null(cases[i].value));
		assert_einval(endpoint_from_json(j, &ep, &e), &e, what, "endpoint");
	}
}

/* the spec of a fixture, which must parse */
static struct portspec spec_of(const char *s)
{
	struct portspec p;

	if (portspec_parse(s, &p, NULL) < 0)
		fail_msg("fixture port spec '%s' does not parse", s);
	return p;
}

static void assert_portspec_equal(const struct portspec *a, const struct portspec *b)
{
	assert_int_equal(a->has_host_ip, b->has_host_ip);
	if (a->has_host_ip)
		assert_true(ipaddr_equal(&a->host_ip, &b->host_ip));
	assert_int_equal(a->host_port, b->host_port);
	assert_int_equal(a->host_port_end, b->host_port_end);
	assert_int_equal(a->ctr_port, b->ctr_port);
	assert_int_equal(a->ctr_port_end, b->ctr_port_end);
	assert_int_equal(a->proto, b->proto);
}

/* @p printed in canonical form is @want */
static void assert_portspec_is(const struct portspec *p, const char *want)
{
	char buf[PORTSPEC_STRLEN];

	assert_int_equal(portspec_format(p, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
}

static void assert_json_int(const json_t *o, const char *key, json_int_t want)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		fail_msg("key '%s' is not an integer", key);
	assert_int_equal(json_integer_value(v), want);
}

static void test_codec_mapping_round_trip(void **state)
{
	static const struct {
		const char *container, *network, *spec;
		bool proxy_protocol;
		/* what mapping_to_json() writes */
		const char *want_spec, *want_proto, *want_host_ip;
		unsigned int host_port, host_port_end, ctr_port, ctr_port_end;
	} cases[] = {
		/* TCP, every address, without and with the PROXY header */
		{ "web", "netd", "8080:80", false, "8080:80/tcp", "tcp", NULL, 8080, 8080, 80, 80 },
		{ "web", "netd", "8443:443/tcp", true, "8443:443/tcp", "tcp", NULL, 8443, 8443, 443,
		  443 },
		/* UDP and SCTP */
		{ "dns", "back", "53:53/udp", false, "53:53/udp", "udp", NULL, 53, 53, 53, 53 },
		{ "s", "netd", "9:9/sctp", false, "9:9/sctp", "sctp", NULL, 9, 9, 9, 9 },
		/* IPv4-bound */
		{ "web", "netd", "127.0.0.1:8080:80", true, "127.0.0.1:8080:80/tcp", "tcp",
		  "127.0.0.1", 8080, 8080, 80, 80 },
		{ "web", "netd", "0.0.0.0:80:80/udp", false, "0.0.0.0:80:80/udp", "udp", "0.0.0.0",
		  80, 80, 80, 80 },
		/* IPv6-bound */
		{ "web", "netd", "[::1]:8443:443", true, "[::1]:8443:443/tcp", "tcp", "::1", 8443,
		  8443, 443, 443 },
		{ "dns", "dual", "[fd00::1]:5353:53/udp", false, "[fd00::1]:5353:53/udp", "udp",
		  "fd00::1", 5353, 5353, 53, 53 },
		/* ranges */
		{ "r", "netd", "8000-8010:9000-9010", true, "8000-8010:9000-9010/tcp", "tcp", NULL,
		  8000, 8010, 9000, 9010 },
		{ "r", "netd", "[::]:7000-7002:7000-7002/udp", false,
		  "[::]:7000-7002:7000-7002/udp", "udp", "::", 7000, 7002, 7000, 7002 },
		/* edges: longest names, extreme ports */
		{ NAME63, NAME63, "65535:1", true, "65535:1/tcp", "tcp", NULL, 65535, 65535, 1, 1 },
		{ "a", "b", "1-65535:1-65535/sctp", false, "1-65535:1-65535/sctp", "sctp", NULL, 1,
		  65535, 1, 65535 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct netd_error e = NETD_ERROR_INIT;
		struct port_mapping m, back;
		_cleanup_json_ json_t *j = NULL, *reloaded = NULL, *again = NULL;
		_cleanup_free_ char *text = NULL;
		size_t keys = 8;
		int r;

		memset(&m, 0, sizeof(m));
		STRLCPY(m.container, cases[i].container);
		STRLCPY(m.network, cases[i].network);
		m.spec = spec_of(cases[i].spec);
		m.proxy_protocol = cases[i].proxy_protocol;

		j = mapping_to_json(&m);
		assert_non_null(j);
		assert_json_string(j, "container", cases[i].container);
		assert_json_string(j, "network", cases[i].network);
		assert_json_string(j, "spec", cases[i].want_spec);
		assert_json_string(j, "proto", cases[i].want_proto);
		if (cases[i].want_host_ip) {
			assert_json_string(j, "host_ip", cases[i].want_host_ip);
			keys++;
		} else {
			assert_null(json_object_get(j, "host_ip"));
		}
		assert_json_int(j, "host_port", cases[i].host_port);
		assert_json_int(j, "host_port_end", cases[i].host_port_end);
		assert_json_int(j, "container_port", cases[i].ctr_port);
		assert_json_int(j, "container_port_end", cases[i].ctr_port_end);
		/* "proxy_protocol" is there only when true */
		if (cases[i].proxy_protocol) {
			assert_true(json_is_true(json_object_get(j, "proxy_protocol")));
			keys++;
		} else {
			assert_null(json_object_get(j, "proxy_protocol"));
		}
		assert_int_equal(json_object_size(j), keys);

		/* through the text form, as persisted */
		text = json_dumps(j, JSON_COMPACT);
		assert_non_null(text);
		reloaded = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
		assert_non_null(reloaded);
		memset(&back, 0x5a, sizeof(back));
		r = mapping_from_json(reloaded, &back, &e);
		if (r < 0)
			fail_msg("mapping_from_json(%s) = %d: %s", text, r, e.msg);
		assert_string_equal(back.container, m.container);
		assert_string_equal(back.network, m.network);
		assert_portspec_equal(&back.spec, &m.spec);
		assert_int_equal(back.proxy_protocol, m.proxy_protocol);

		again = mapping_to_json(&back);
		assert_non_null(again);
		assert_true(json_equal(again, j));
	}
}

static const char map_base[] =
	"{\"container\":\"web\",\"network\":\"netd\",\"spec\":\"8080:80/tcp\",\"proto\":\"tcp\","
	"\"host_port\":8080,\"host_port_end\":8080,\"container_port\":80,"
	"\"container_port_end\":80,\"proxy_protocol\":true}";

static void test_codec_mapping_from_json(void **state)
{
	static const struct {
		struct patch patch;
		const char *want_spec;
		bool want_proxy_protocol;
	} valid[] = {
		{ { NULL, NULL }, "8080:80/tcp", true },
		{ { "proxy_protocol", NULL }, "8080:80/tcp", false },
		{ { "proxy_protocol", "false" }, "8080:80/tcp", false },
		/* the PROXY header is for TCP only: dropped on any other protocol */
		{ { "spec", "\"8080:80/udp\"" }, "8080:80/udp", false },
		{ { "spec", "\"[::1]:53:53/udp\"" }, "[::1]:53:53/udp", false },
		{ { "spec", "\"8080:80/sctp\"" }, "8080:80/sctp", false },
		/* a spec not in canonical form still reads */
		{ { "spec", "\"8080:80\"" }, "8080:80/tcp", true },
		{ { "spec", "\"127.0.0.1:8000-8001:80-81/TCP\"" },
		  "127.0.0.1:8000-8001:80-81/tcp",
		  true },
		/* "spec" is the truth: the other port fields are not read */
		{ { "proto", "\"udp\"" }, "8080:80/tcp", true },
		{ { "host_port", "1" }, "8080:80/tcp", true },
		{ { "container_port", NULL }, "8080:80/tcp", true },
		{ { "host_ip", "\"10.0.0.1\"" }, "8080:80/tcp", true },
	};
	static const struct {
		struct patch patch;
		const char *substr;
	} cases[] = {
		/* names */
		{ { "container", NULL }, "port mapping: " },
		{ { "container", "5" }, "port mapping: " },
		{ { "container", "null" }, "port mapping: " },
		{ { "container", "\"\"" }, "invalid container or network name" },
		{ { "container", "\"a b\"" }, "invalid container or network name" },
		{ { "container", "\"-web\"" }, "invalid container or network name" },
		{ { "container", "\"" NAME64 "\"" }, "invalid container or network name" },
		{ { "network", NULL }, "port mapping: " },
		{ { "network", "\"\"" }, "invalid container or network name" },
		{ { "network", "\"-x\"" }, "invalid container or network name" },
		{ { "network", "\"" NAME64 "\"" }, "invalid container or network name" },
		/* spec: missing, not a string, host port 0, unparsable */
		{ { "spec", NULL }, "port mapping: " },
		{ { "spec", "8080" }, "port mapping: " },
		{ { "spec", "null" }, "port mapping: " },
		{ { "spec", "\"80\"" }, "invalid spec '80'" },
		{ { "spec", "\"80/udp\"" }, "invalid spec '80/udp'" },
		{ { "spec", "\":80\"" }, "invalid spec ':80'" },
		{ { "spec", "\"127.0.0.1::80\"" }, "invalid spec '127.0.0.1::80'" },
		{ { "spec", "\"[::1]::80/udp\"" }, "invalid spec '[::1]::80/udp'" },
		{ { "spec", "\"8000-8010\"" }, "invalid spec '8000-8010'" },
		{ { "spec", "\"\"" }, "invalid spec ''" },
		{ { "spec", "\"garbage\"" }, "invalid spec 'garbage'" },
		{ { "spec", "\"0:80\"" }, "invalid spec '0:80'" },
		{ { "spec", "\"8080:80:80\"" }, "invalid spec '8080:80:80'" },
		{ { "spec", "\"8080:80/icmp\"" }, "invalid spec '8080:80/icmp'" },
		{ { "spec", "\"8000-8010:80\"" }, "invalid spec '8000-8010:80'" },
		{ { "spec", "\"::1:8080:80\"" }, "invalid spec '::1:8080:80'" },
		/* proxy_protocol: a boolean or absent */
		{ { "proxy_protocol", "\"yes\"" }, "port mapping: " },
		{ { "proxy_protocol", "1" }, "port mapping: " },
		{ { "proxy_protocol", "null" }, "port mapping: " },
	};
	static const char *const not_objects[] = { "[]", "\"web\"", "null", "42" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(valid); i++) {
		struct netd_error e = NETD_ERROR_INIT;
		_cleanup_json_ json_t *j = patched(map_base, &valid[i].patch);
		struct port_mapping m;
		int r;

		memset(&m, 0x5a, sizeof(m));
		r = mapping_from_json(j, &m, &e);
		if (r < 0)
			fail_msg("valid mapping with %s=%s refused: %s",
				 str_or_null(valid[i].patch.key), str_or_null(valid[i].patch.value),
				 e.msg);
		assert_string_equal(m.container, "web");
		assert_string_equal(m.network, "netd");
		assert_portspec_is(&m.spec, valid[i].want_spec);
		assert_int_equal(m.proxy_protocol, valid[i].want_proxy_protocol);
	}
	for (i = 0; i < ARRAY_SIZE(cases) + ARRAY_SIZE(not_objects); i++) {
		struct netd_error e = NETD_ERROR_INIT;
		_cleanup_json_ json_t *j = NULL;
		struct port_mapping m, sentinel;
		const char *substr = "port mapping";
		char what[512];

		if (i < ARRAY_SIZE(cases)) {
			j = patched(map_base, &cases[i].patch);
			substr = cases[i].substr;
			(void)snprintf(what, sizeof(what), "mapping with %s=%s", cases[i].patch.key,
				       str_or_null(cases[i].patch.value));
		} else {
			const char *text = not_objects[i - ARRAY_SIZE(cases)];

			j = json_loads(text, JSON_DECODE_ANY, NULL);
			assert_non_null(j);
			(void)snprintf(what, sizeof(what), "mapping %s", text);
		}
		memset(&m, 0x5a, sizeof(m));
		memcpy(&sentinel, &m, sizeof(m));
		assert_einval(mapping_from_json(j, &m, &e), &e, what, substr);
		/* *ret is written only on success */
		assert_memory_equal(&m, &sentinel, sizeof(m));
	}
}

/* a request body: @len 0 means strlen(@body), unless @zero_len */
struct body {
	const char *text;
	size_t len;
	bool zero_len;
};

static size_t body_len(const struct body *b)
{
	if (b->zero_len || !b->text)
		return 0;
	return b->len ? b->len : strlen(b->text);
}

static void test_codec_network_request_valid(void **state)
{
	static const struct {
		struct body body;
		const char *name, *bridge, *subnet, *gateway, *subnet6, *gateway6;
		unsigned int mtu;
		bool internal;
	} cases[] = {
		/* defaults: netd chooses subnet, gateway and bridge; mtu 1500 */
		{ { "{\"name\":\"web\"}" }, "web", "", NULL, NULL, NULL, NULL, 1500, false },
		{ { "{\"name\":\"dual\",\"bridge\":\"br-dual\",\"subnet\":\"10.91.0.0/24\","
		    "\"gateway\":\"10.91.0.254\",\"subnet6\":\"fd00:91::/64\","
		    "\"gateway6\":\"fd00:91::1\",\"mtu\":9000,\"internal\":true}" },
		  "dual",
		  "br-dual",
		  "10.91.0.0/24",
		  "10.91.0.254",
		  "fd00:91::/64",
		  "fd00:91::1",
		  9000,
		  true },
		/* prefix length and mtu edges */
		{ { "{\"name\":\"a\",\"subnet\":\"10.0.0.0/8\",\"mtu\":68}" },
		  "a",
		  "",
		  "10.0.0.0/8",
		  NULL,
		  NULL,
		  NULL,
		  68,
		  false },
		{ { "{\"name\":\"a\",\"subnet\":\"10.0.0.0/30\",\"subnet6\":\"fd00::/48\","
		    "\"mtu\":65535}" },
		  "a",
		  "",
		  "10.0.0.0/30",
		  NULL,
		  "fd00::/48",
		  NULL,
		  65535,
		  false },
		{ { "{\"name\":\"a\",\"subnet6\":\"fd00::/126\",\"internal\":false}" },
		  "a",
		  "",
		  NULL,
		  NULL,
		  "fd00::/126",
		  NULL,
		  1500,
		  false },
		{ { "{\"name\":\"a\",\"bridge\":\"0123456789abcde\"}" },
		  "a",
		  "0123456789abcde",
		  NULL,
		  NULL,
		  NULL,
		  NULL,
		  1500,
		  false },
		{ { "{\"name\":\"" NAME63 "\"}" }, NAME63, "", NULL, NULL, NULL, NULL, 1500, false },
		/* whitespace, and key order does not matter */
		{ { " \n{ \"mtu\" : 1400 ,\n \"name\" : \"x\" }\n " },
		  "x",
		  "",
		  NULL,
		  NULL,
		  NULL,
		  NULL,
		  1400,
		  false },
		/* only @len bytes are read */
		{ { "{\"name\":\"a\"}trailing garbage", 12 },
		  "a",
		  "",
		  NULL,
		  NULL,
		  NULL,
		  NULL,
		  1500,
		  false },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct netd_error e = NETD_ERROR_INIT;
		struct network_request q;
		int r;

		memset(&q, 0x5a, sizeof(q));
		r = network_request_decode(cases[i].body.text, body_len(&cases[i].body), &q, &e);
		if (r < 0)
			fail_msg("network_request_decode(%s) = %d: %s", cases[i].body.text, r,
				 e.msg);
		assert_string_equal(q.name, cases[i].name);
		assert_string_equal(q.bridge, cases[i].bridge);
		assert_int_equal(q.has_subnet, cases[i].subnet != NULL);
		if (cases[i].subnet)
			assert_cidr_is(&q.subnet, cases[i].subnet);
		assert_int_equal(q.has_gateway, cases[i].gateway != NULL);
		if (cases[i].gateway)
			assert_ip_is(&q.gateway, cases[i].gateway);
		assert_int_equal(q.has_subnet6, cases[i].subnet6 != NULL);
		if (cases[i].subnet6)
			assert_cidr_is(&q.subnet6, cases[i].subnet6);
		assert_int_equal(q.has_gateway6, cases[i].gateway6 != NULL);
		if (cases[i].gateway6)
			assert_ip_is(&q.gateway6, cases[i].gateway6);
		assert_int_equal(q.mtu, cases[i].mtu);
		assert_int_equal(q.internal, cases[i].internal);
	}
}

struct bad_body {
	struct body body;
	const char *substr;
};

static const struct bad_body common_bad_bodies[] = {
	{ { NULL }, "empty request body" },
	{ { "" }, "empty request body" },
	{ { "{\"name\":\"a\"}", 0, true }, "empty request body" },
	{ { "[]" }, "must be a JSON object" },
	{ { "[{\"name\":\"a\"}]" }, "must be a JSON object" },
	{ { "42" }, "invalid JSON" },
	{ { "\"name\"" }, "invalid JSON" },
	{ { "null" }, "invalid JSON" },
	{ { "{" }, "invalid JSON" },
	{ { "{\"name\":\"a\",}" }, "invalid JSON" },
	{ { "{\"name\":'a'}" }, "invalid JSON" },
	{ { "{\"name\":\"a\"} {}" }, "invalid JSON" },
	{ { "{\"name\":\"a\"}\0", 13 }, "invalid JSON" },
	{ { "{\"name\":\"a\\u0000b\"}" }, "invalid JSON" },
	{ { "{\"name\":\"\xff\"}" }, "invalid JSON" },
};

static void test_codec_network_request_errors(void **state)
{
	static const struct bad_body cases[] = {
		{ { "{\"name\":\"a\",\"name\":\"b\"}" }, "duplicate" },
		{ { "{\"name\":\"a\",\"subnt\":\"10.0.0.0/24\"}" }, "subnt" },
		{ { "{\"name\":\"a\",\"subnt\":\"10.0.0.0/24\"}" }, "invalid network request" },
		/* name */
		{ { "{}" }, "invalid network request" },
		{ { "{\"subnet\":\"10.0.0.0/24\"}" }, "invalid network request" },
		{ { "{\"name\":5}" }, "invalid network request" },
		{ { "{\"name\":null}" }, "invalid network request" },
		{ { "{\"name\":\"-web\"}" }, "invalid network name '-web'" },
		{ { "{\"name\":\"my net\"}" }, "invalid network name" },
		{ { "{\"name\":\"\"}" }, "invalid network name" },
		{ { "{\"name\":\"" NAME64 "\"}" }, "longer than 63" },
		/* bridge */
		{ { "{\"name\":\"a\",\"bridge\":\"br 0\"}" }, "invalid bridge name 'br 0'" },
		{ { "{\"name\":\"a\",\"bridge\":\"" IFNAME16 "\"}" }, "invalid bridge name" },
		{ { "{\"name\":\"a\",\"bridge\":\"\"}" }, "invalid bridge name" },
		/* subnet */
		{ { "{\"name\":\"a\",\"subnet\":\"10.0.0/24\"}" }, "expected an IPv4 prefix" },
		{ { "{\"name\":\"a\",\"subnet\":\"garbage\"}" }, "invalid subnet 'garbage'" },
		{ { "{\"name\":\"a\",\"subnet\":\"10.0.0.0\"}" }, "expected an IPv4 prefix" },
		{ { "{\"name\":\"a\",\"subnet\":5}" }, "invalid network request" },
		{ { "{\"name\":\"a\",\"subnet\":\"10.0.0.1/24\"}" }, "did you mean '10.0.0.0/24'" },
		{ { "{\"name\":\"a\",\"subnet\":\"10.90.3.7/22\"}" },
		  "did you mean '10.90.0.0/22'" },
		{ { "{\"name\":\"a\",\"subnet\":\"fd00::/64\"}" }, "expected an IPv4 prefix" },
		{ { "{\"name\":\"a\",\"subnet\":\"10.0.0.0/31\"}" }, "between /8 and /30" },
		{ { "{\"name\":\"a\",\"subnet\":\"10.0.0.1/32\"}" }, "between /8 and /30" },
		{ { "{\"name\":\"a\",\"subnet\":\"10.0.0.0/7\"}" }, "between /8 and /30" },
		{ { "{\"name\":\"a\",\"subnet\":\"0.0.0.0/0\"}" }, "between /8 and /30" },
		/* subnet6 */
		{ { "{\"name\":\"a\",\"subnet6\":\"10.0.0.0/24\"}" }, "expected an IPv6 prefix" },
		{ { "{\"name\":\"a\",\"subnet6\":\"fd00::1/64\"}" }, "did you mean 'fd00::/64'" },
		{ { "{\"name\":\"a\",\"subnet6\":\"fd00::/47\"}" }, "between /48 and /126" },
		{ { "{\"name\":\"a\",\"subnet6\":\"fd00::/127\"}" }, "between /48 and /126" },
		{ { "{\"name\":\"a\",\"subnet6\":\"[fd00::]/64\"}" }, "invalid subnet6" },
		/* gateways */
		{ { "{\"name\":\"a\",\"gateway\":\"10.0.0.1\"}" }, "needs a subnet" },
		{ { "{\"name\":\"a\",\"subnet6\":\"fd00::/64\",\"gateway\":\"10.0.0.1\"}" },
		  "needs a subnet" },
		{ { "{\"name\":\"a\",\"gateway6\":\"fd00::1\"}" }, "needs a subnet6" },
		{ { "{\"name\":\"a\",\"subnet\":\"10.0.0.0/24\",\"gateway6\":\"fd00::1\"}" },
		  "needs a subnet6" },
		{ { "{\"name\":\"a\",\"subnet\":\"10.0.0.0/24\",\"gateway\":\"10.0.0.300\"}" },
		  "invalid gateway '10.0.0.300'" },
		{ { "{\"name\":\"a\",\"subnet\":\"10.0.0.0/24\",\"gateway\":\"fd00::1\"}" },
		  "expected an IPv4 address" },
		{ { "{\"name\":\"a\",\"subnet6\":\"fd00::/64\",\"gateway6\":\"10.0.0.1\"}" },
		  "expected an IPv6 address" },
		{ { "{\"name\":\"a\",\"subnet6\":\"fd00::/64\",\"gateway6\":\"fe80::1%eth0\"}" },
		  "invalid gateway6" },
		/* mtu */
		{ { "{\"name\":\"a\",\"mtu\":67}" }, "invalid mtu 67" },
		{ { "{\"name\":\"a\",\"mtu\":65536}" }, "invalid mtu 65536" },
		{ { "{\"name\":\"a\",\"mtu\":0}" }, "invalid mtu 0" },
		{ { "{\"name\":\"a\",\"mtu\":-1}" }, "invalid mtu -1" },
		{ { "{\"name\":\"a\",\"mtu\":4294968796}" }, "invalid mtu 4294968796" },
		{ { "{\"name\":\"a\",\"mtu\":\"1500\"}" }, "invalid network request" },
		{ { "{\"name\":\"a\",\"mtu\":1500.5}" }, "invalid network request" },
		/* internal */
		{ { "{\"name\":\"a\",\"internal\":\"yes\"}" }, "invalid network request" },
		{ { "{\"name\":\"a\",\"internal\":1}" }, "invalid network request" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(common_bad_bodies) + ARRAY_SIZE(cases); i++) {
		const struct bad_body *c = i < ARRAY_SIZE(common_bad_bodies) ?
						   &common_bad_bodies[i] :
						   &cases[i - ARRAY_SIZE(common_bad_bodies)];
		struct netd_error e = NETD_ERROR_INIT;
		struct network_request q;
		int r = network_request_decode(c->body.text, body_len(&c->body), &q, &e);

		assert_einval(r, &e, str_or_null(c->body.text), c->substr);
	}
}

static void test_codec_attach_request_valid(void **state)
{
	static const struct {
		struct body body;
		const char *container, *network, *netns;
		int pid;
		const char *ifname, *ip4, *ip6, *mac;
	} cases[] = {
		/*
		 * defaults: network "netd"; ifname empty, netd then picks eth0, eth1, ... (as
		 * documented in api_codec.c; it used to default to "eth0" here)
		 */
		{ { "{\"container\":\"web\",\"netns\":\"/run/netns/web\"}" },
		  "web",
		  "netd",
		  "/run/netns/web",
		  0,
		  "",
		  NULL,
		  NULL,
		  NULL },
		{ { "{\"container\":\"web\",\"netns\":\"/run/netns/web\",\"ifname\":\"eth0\"}" },
		  "web",
		  "netd",
		  "/run/netns/web",
		  0,
		  "eth0",
		  NULL,
		  NULL,
		  NULL },
		{ { "{\"container\":\"db\",\"pid\":1234,\"network\":\"back\",\"ifname\":\"eth1\","
		    "\"ip\":\"10.90.0.5\",\"ip6\":\"fd00::5\",\"mac\":\"02:AA:bb:cc:dd:ee\"}" },
		  "db",
		  "back",
		  "",
		  1234,
		  "eth1",
		  "10.90.0.5",
		  "fd00::5",
		  "02:aa:bb:cc:dd:ee" },
		/* pid edges */
		{ { "{\"container\":\"a\",\"pid\":1}" }, "a", "netd", "", 1, "", NULL, NULL, NULL },
		{ { "{\"container\":\"a\",\"pid\":4194304}" },
		  "a",
		  "netd",
		  "",
		  4194304,
		  "",
		  NULL,
		  NULL,
		  NULL },
		/* netns length edge, longest names */
		{ { "{\"container\":\"" NAME63 "\",\"network\":\"" NAME63 "\",\"netns\":\"" PATH255
		    "\",\"ifname\":\"0123456789abcde\"}" },
		  NAME63,
		  NAME63,
		  PATH255,
		  0,
		  "0123456789abcde",
		  NULL,
		  NULL,
		  NULL },
		{ { "{\"container\":\"a\",\"netns\":\"/proc/1/ns/net\",\"ip6\":\"fd00:90::7\"}" },
		  "a",
		  "netd",
		  "/proc/1/ns/net",
		  0,
		  "",
		  NULL,
		  "fd00:90::7",
		  NULL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct netd_error e = NETD_ERROR_INIT;
		struct attach_request q;
		int r;

		memset(&q, 0x5a, sizeof(q));
		r = attach_request_decode(cases[i].body.text, body_len(&cases[i].body), &q, &e);
		if (r < 0)
			fail_msg("attach_request_decode(%s) = %d: %s", cases[i].body.text, r,
				 e.msg);
		assert_string_equal(q.container, cases[i].container);
		assert_string_equal(q.network, cases[i].network);
		assert_string_equal(q.netns_path, cases[i].netns);
		assert_int_equal(q.pid, cases[i].pid);
		assert_string_equal(q.ifname, cases[i].ifname);
		assert_int_equal(q.has_ip4, cases[i].ip4 != NULL);
		if (cases[i].ip4)
			assert_ip_is(&q.ip4, cases[i].ip4);
		assert_int_equal(q.has_ip6, cases[i].ip6 != NULL);
		if (cases[i].ip6)
			assert_ip_is(&q.ip6, cases[i].ip6);
		assert_int_equal(q.has_mac, cases[i].mac != NULL);
		if (cases[i].mac) {
			char buf[MAC_STRLEN];

			mac_format(q.mac, buf);
			assert_string_equal(buf, cases[i].mac);
		}
	}
}

static void test_codec_attach_request_errors(void **state)
{
	static const struct bad_body cases[] = {
		{ { "{\"container\":\"a\",\"container\":\"b\",\"pid\":1}" }, "duplicate" },
		{ { "{\"container\":\"a\",\"netnss\":\"/x\"}" }, "netnss" },
		{ { "{\"container\":\"a\",\"pid\":1,\"ipv4\":\"10.0.0.1\"}" }, "ipv4" },
		/* container and network names */
		{ { "{\"netns\":\"/x\"}" }, "invalid attach request" },
		{ { "{\"container\":5,\"netns\":\"/x\"}" }, "invalid attach request" },
		{ { "{\"container\":\"web server\",\"netns\":\"/x\"}" },
		  "invalid container name 'web server'" },
		{ { "{\"container\":\"\",\"netns\":\"/x\"}" }, "invalid container name" },
		{ { "{\"container\":\"" NAME64 "\",\"netns\":\"/x\"}" }, "longer than 63" },
		{ { "{\"container\":\"a\",\"network\":\"-x\",\"netns\":\"/x\"}" },
		  "invalid network name '-x'" },
		{ { "{\"container\":\"a\",\"network\":null,\"netns\":\"/x\"}" },
		  "invalid attach request" },
		/* exactly one of netns and pid */
		{ { "{\"container\":\"a\",\"netns\":\"/x\",\"pid\":1}" }, "exactly one" },
		{ { "{\"container\":\"a\"}" }, "exactly one" },
		{ { "{\"container\":\"a\",\"network\":\"b\",\"ifname\":\"eth1\"}" },
		  "exactly one" },
		/* netns */
		{ { "{\"container\":\"a\",\"netns\":\"run/netns/x\"}" },
		  "invalid netns 'run/netns/x'" },
		{ { "{\"container\":\"a\",\"netns\":\"./x\"}" }, "absolute path" },
		{ { "{\"container\":\"a\",\"netns\":\"\"}" }, "absolute path" },
		{ { "{\"container\":\"a\",\"netns\":\"" PATH256 "\"}" }, "at most 255 bytes" },
		{ { "{\"container\":\"a\",\"netns\":7}" }, "invalid attach request" },
		/* pid */
		{ { "{\"container\":\"a\",\"pid\":0}" }, "invalid pid 0" },
		{ { "{\"container\":\"a\",\"pid\":-5}" }, "invalid pid -5" },
		{ { "{\"container\":\"a\",\"pid\":4194305}" }, "invalid pid 4194305" },
		{ { "{\"container\":\"a\",\"pid\":4294967297}" }, "invalid pid 4294967297" },
		{ { "{\"container\":\"a\",\"pid\":\"12\"}" }, "invalid attach request" },
		{ { "{\"container\":\"a\",\"pid\":1.5}" }, "invalid attach request" },
		/* ifname */
		{ { "{\"container\":\"a\",\"pid\":1,\"ifname\":\"eth/0\"}" },
		  "invalid interface name 'eth/0'" },
		{ { "{\"container\":\"a\",\"pid\":1,\"ifname\":\"eth0:1\"}" },
		  "invalid interface name" },
		{ { "{\"container\":\"a\",\"pid\":1,\"ifname\":\"\"}" }, "invalid interface name" },
		{ { "{\"container\":\"a\",\"pid\":1,\"ifname\":\"" IFNAME16 "\"}" },
		  "invalid interface name" },
		/* addresses */
		{ { "{\"container\":\"a\",\"pid\":1,\"ip\":\"10.0.0.256\"}" },
		  "invalid ip '10.0.0.256'" },
		{ { "{\"container\":\"a\",\"pid\":1,\"ip\":\"10.0.0.5/24\"}" }, "invalid ip" },
		{ { "{\"container\":\"a\",\"pid\":1,\"ip\":\"fd00::5\"}" },
		  "expected an IPv4 address" },
		{ { "{\"container\":\"a\",\"pid\":1,\"ip6\":\"10.0.0.5\"}" },
		  "expected an IPv6 address" },
		{ { "{\"container\":\"a\",\"pid\":1,\"ip6\":\"[fd00::5]\"}" }, "invalid ip6" },
		/* mac */
		{ { "{\"container\":\"a\",\"pid\":1,\"mac\":\"01:00:5e:00:00:01\"}" },
		  "invalid mac '01:00:5e:00:00:01'" },
		{ { "{\"container\":\"a\",\"pid\":1,\"mac\":\"00:00:00:00:00:00\"}" },
		  "invalid mac" },
		{ { "{\"container\":\"a\",\"pid\":1,\"mac\":\"02-00-00-00-00-01\"}" },
		  "invalid mac" },
		{ { "{\"container\":\"a\",\"pid\":1,\"mac\":\"02:00:00:00:00\"}" }, "invalid mac" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(common_bad_bodies) + ARRAY_SIZE(cases); i++) {
		const struct bad_body *c = i < ARRAY_SIZE(common_bad_bodies) ?
						   &common_bad_bodies[i] :
						   &cases[i - ARRAY_SIZE(common_bad_bodies)];
		struct netd_error e = NETD_ERROR_INIT;
		struct attach_request q;
		int r = attach_request_decode(c->body.text, body_len(&c->body), &q, &e);

		assert_einval(r, &e, str_or_null(c->body.text), c->substr);
	}
}

static void test_codec_publish_request_valid(void **state)
{
	static const struct {
		struct body body;
		const char *container, *network, *spec;
		bool proxy_protocol;
	} cases[] = {
		/* defaults: network empty (the container's first), no PROXY header */
		{ { "{\"container\":\"c1\",\"spec\":\"8080:80\"}" },
		  "c1",
		  "",
		  "8080:80/tcp",
		  false },
		{ { "{\"container\":\"c1\",\"network\":\"back\",\"spec\":\"8080:80\"}" },
		  "c1",
		  "back",
		  "8080:80/tcp",
		  false },
		/* the PROXY header on TCP, written or default, and in any case */
		{ { "{\"container\":\"c1\",\"spec\":\"8080:80/tcp\",\"proxy_protocol\":true}" },
		  "c1",
		  "",
		  "8080:80/tcp",
		  true },
		{ { "{\"container\":\"c1\",\"spec\":\"443\",\"proxy_protocol\":true}" },
		  "c1",
		  "",
		  "443/tcp",
		  true },
		{ { "{\"container\":\"c1\",\"spec\":\"8080:80/TCP\",\"proxy_protocol\":true}" },
		  "c1",
		  "",
		  "8080:80/tcp",
		  true },
		{ { "{\"container\":\"c1\",\"spec\":\"8080:80\",\"proxy_protocol\":false}" },
		  "c1",
		  "",
		  "8080:80/tcp",
		  false },
		/* false is fine on UDP and SCTP */
		{ { "{\"container\":\"c1\",\"spec\":\"53:53/udp\",\"proxy_protocol\":false}" },
		  "c1",
		  "",
		  "53:53/udp",
		  false },
		{ { "{\"container\":\"c1\",\"spec\":\"9/sctp\",\"proxy_protocol\":false}" },
		  "c1",
		  "",
		  "9/sctp",
		  false },
		/* host addresses */
		{ { "{\"container\":\"c1\",\"spec\":\"[::1]:8080:80\",\"proxy_protocol\":true}" },
		  "c1",
		  "",
		  "[::1]:8080:80/tcp",
		  true },
		{ { "{\"container\":\"c1\",\"spec\":\"[fd00::1]::53/udp\"}" },
		  "c1",
		  "",
		  "[fd00::1]::53/udp",
		  false },
		{ { "{\"container\":\"c1\",\"spec\":\"127.0.0.1:8080:80\"}" },
		  "c1",
		  "",
		  "127.0.0.1:8080:80/tcp",
		  false },
		/* ranges, with and without host ports */
		{ { "{\"container\":\"c1\",\"spec\":\"8000-8010:9000-9010\",\"proxy_protocol\":true}" },
		  "c1",
		  "",
		  "8000-8010:9000-9010/tcp",
		  true },
		{ { "{\"container\":\"c1\",\"spec\":\"7000-7002/udp\"}" },
		  "c1",
		  "",
		  "7000-7002/udp",
		  false },
		/* longest names, key order and whitespace, only @len bytes read */
		{ { "{\"container\":\"" NAME63 "\",\"network\":\"" NAME63 "\",\"spec\":\"1\"}" },
		  NAME63,
		  NAME63,
		  "1/tcp",
		  false },
		{ { " {\n\"proxy_protocol\" : true, \"spec\" : \"80\" ,\"container\":\"x\" }\n" },
		  "x",
		  "",
		  "80/tcp",
		  true },
		{ { "{\"container\":\"a\",\"spec\":\"80\"}trailing garbage", 29 },
		  "a",
		  "",
		  "80/tcp",
		  false },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct netd_error e = NETD_ERROR_INIT;
		struct publish_request q;
		int r;

		memset(&q, 0x5a, sizeof(q));
		r = publish_request_decode(cases[i].body.text, body_len(&cases[i].body), &q, &e);
		if (r < 0)
			fail_msg("publish_request_decode(%s) = %d: %s", cases[i].body.text, r,
				 e.msg);
		assert_int_equal(r, 0);
		assert_string_equal(q.container, cases[i].container);
		assert_string_equal(q.network, cases[i].network);
		assert_portspec_is(&q.spec, cases[i].spec);
		assert_int_equal(q.proxy_protocol, cases[i].proxy_protocol);
	}
}

static void test_codec_publish_request_errors(void **state)
{
	static const struct bad_body cases[] = {
		{ { "{\"container\":\"a\",\"container\":\"b\",\"spec\":\"80\"}" }, "duplicate" },
		/* unknown fields */
		{ { "{\"container\":\"a\",\"spec\":\"80\",\"proxy\":true}" }, "proxy" },
		{ { "{\"container\":\"a\",\"spec\":\"80\",\"proxyProtocol\":true}" },
		  "proxyProtocol" },
		{ { "{\"container\":\"a\",\"spec\":\"80\",\"ports\":[\"80\"]}" }, "ports" },
		{ { "{\"container\":\"a\",\"spec\":\"80\",\"pid\":1}" },
		  "invalid publish request" },
		/* container */
		{ { "{}" }, "invalid publish request" },
		{ { "{\"spec\":\"80\"}" }, "container" },
		{ { "{\"network\":\"n\",\"spec\":\"80\"}" }, "invalid publish request" },
		{ { "{\"container\":5,\"spec\":\"80\"}" }, "invalid publish request" },
		{ { "{\"container\":null,\"spec\":\"80\"}" }, "invalid publish request" },
		{ { "{\"container\":\"web server\",\"spec\":\"80\"}" },
		  "invalid container name 'web server'" },
		{ { "{\"container\":\"-web\",\"spec\":\"80\"}" }, "invalid container name '-web'" },
		{ { "{\"container\":\"\",\"spec\":\"80\"}" }, "invalid container name" },
		{ { "{\"container\":\"" NAME64 "\",\"spec\":\"80\"}" }, "longer than 63" },
		/* network */
		{ { "{\"container\":\"a\",\"network\":\"-x\",\"spec\":\"80\"}" },
		  "invalid network name '-x'" },
		{ { "{\"container\":\"a\",\"network\":\"my net\",\"spec\":\"80\"}" },
		  "invalid network name 'my net'" },
		{ { "{\"container\":\"a\",\"network\":\"\",\"spec\":\"80\"}" },
		  "invalid network name" },
		{ { "{\"container\":\"a\",\"network\":\"" NAME64 "\",\"spec\":\"80\"}" },
		  "longer than 63" },
		{ { "{\"container\":\"a\",\"network\":null,\"spec\":\"80\"}" },
		  "invalid publish request" },
		{ { "{\"container\":\"a\",\"network\":7,\"spec\":\"80\"}" },
		  "invalid publish request" },
		/* spec */
		{ { "{\"container\":\"a\"}" }, "spec" },
		{ { "{\"container\":\"a\",\"network\":\"n\"}" }, "invalid publish request" },
		{ { "{\"container\":\"a\",\"spec\":80}" }, "invalid publish request" },
		{ { "{\"container\":\"a\",\"spec\":null}" }, "invalid publish request" },
		{ { "{\"container\":\"a\",\"spec\":[\"80\"]}" }, "invalid publish request" },
		{ { "{\"container\":\"a\",\"spec\":\"\"}" },
		  "invalid port spec '' at character 1" },
		{ { "{\"container\":\"a\",\"spec\":\"8080:8o\"}" },
		  "invalid port spec '8080:8o' at character 7" },
		{ { "{\"container\":\"a\",\"spec\":\"80:80:80\"}" },
		  "invalid port spec '80:80:80'" },
		{ { "{\"container\":\"a\",\"spec\":\"0\"}" }, "invalid port spec '0'" },
		{ { "{\"container\":\"a\",\"spec\":\"65536\"}" }, "invalid port spec '65536'" },
		{ { "{\"container\":\"a\",\"spec\":\"80/icmp\"}" }, "invalid port spec '80/icmp'" },
		{ { "{\"container\":\"a\",\"spec\":\"80/\"}" }, "invalid port spec '80/'" },
		{ { "{\"container\":\"a\",\"spec\":\"::1:8080:80\"}" },
		  "invalid port spec '::1:8080:80'" },
		{ { "{\"container\":\"a\",\"spec\":\"8000-8010:80\"}" },
		  "invalid port spec '8000-8010:80'" },
		{ { "{\"container\":\"a\",\"spec\":\"8000-8010:80\"}" },
		  "expected [HOSTIP:][HOSTPORT[-END]:]CTRPORT[-END][/tcp|udp|sctp]" },
		/* proxy_protocol: a boolean */
		{ { "{\"container\":\"a\",\"spec\":\"80\",\"proxy_protocol\":\"yes\"}" },
		  "invalid publish request" },
		{ { "{\"container\":\"a\",\"spec\":\"80\",\"proxy_protocol\":\"yes\"}" },
		  "true or false" },
		{ { "{\"container\":\"a\",\"spec\":\"80\",\"proxy_protocol\":1}" },
		  "true or false" },
		{ { "{\"container\":\"a\",\"spec\":\"80\",\"proxy_protocol\":0}" },
		  "true or false" },
		{ { "{\"container\":\"a\",\"spec\":\"80\",\"proxy_protocol\":\"true\"}" },
		  "true or false" },
		{ { "{\"container\":\"a\",\"spec\":\"80\",\"proxy_protocol\":null}" },
		  "true or false" },
		/* and for TCP only */
		{ { "{\"container\":\"a\",\"spec\":\"53/udp\",\"proxy_protocol\":true}" },
		  "TCP ports only" },
		{ { "{\"container\":\"a\",\"spec\":\"8080:80/udp\",\"proxy_protocol\":true}" },
		  "TCP ports only" },
		{ { "{\"container\":\"a\",\"spec\":\"[::1]:53:53/UDP\",\"proxy_protocol\":true}" },
		  "TCP ports only" },
		{ { "{\"container\":\"a\",\"spec\":\"9:9/sctp\",\"proxy_protocol\":true}" },
		  "TCP ports only" },
		{ { "{\"container\":\"a\",\"spec\":\"7000-7002/sctp\",\"proxy_protocol\":true}" },
		  "TCP ports only" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(common_bad_bodies) + ARRAY_SIZE(cases); i++) {
		const struct bad_body *c = i < ARRAY_SIZE(common_bad_bodies) ?
						   &common_bad_bodies[i] :
						   &cases[i - ARRAY_SIZE(common_bad_bodies)];
		struct netd_error e = NETD_ERROR_INIT;
		struct publish_request q, sentinel;
		int r;

		memset(&q, 0x5a, sizeof(q));
		memcpy(&sentinel, &q, sizeof(q));
		r = publish_request_decode(c->body.text, body_len(&c->body), &q, &e);
		assert_einval(r, &e, str_or_null(c->body.text), c->substr);
		/* *ret is written only on success */
		assert_memory_equal(&q, &sentinel, sizeof(q));
	}
}

static void test_codec_error_to_json(void **state)
{
	static const struct {
		int code;
		const char *msg;
		const char *want_message;
		const char *want_errno;
	} cases[] = {
		{ EEXIST, "network 'a' already exists", "network 'a' already exists", "EEXIST" },
		{ ENOENT, "no such network 'b'", "no such network 'b'", "ENOENT" },
		{ EINVAL, "invalid mtu 0", "invalid mtu 0", "EINVAL" },
		{ ENOSPC, "subnet exhausted", "subnet exhausted", "ENOSPC" },
		/* an empty message still says something */
		{ EINVAL, "", "internal error", "EINVAL" },
		{ 0, "", "internal error", "EIO" },
		/* unknown errno */
		{ 12345, "odd", "odd", "EIO" },
		/* quotes and control characters are escaped by jansson, not lost */
		{ EINVAL, "bad \"x\"\n", "bad \"x\"\n", "EINVAL" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct netd_error e = { .code = cases[i].code };
		_cleanup_json_ json_t *j = NULL, *reloaded = NULL;
		_cleanup_free_ char *text = NULL;

		STRLCPY(e.msg, cases[i].msg);
		j = error_to_json(&e);
		assert_non_null(j);
		assert_true(json_is_object(j));
		assert_int_equal(json_object_size(j), 2);
		assert_json_string(j, "message", cases[i].want_message);
		assert_json_string(j, "errno", cases[i].want_errno);
		text = json_dumps(j, 0);
		assert_non_null(text);
		reloaded = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
		assert_non_null(reloaded);
		assert_true(json_equal(reloaded, j));
	}
}

static void test_codec_json_parse_object(void **state)
{
	static const struct {
		struct body body;
		int r;
		size_t keys;
	} cases[] = {
		{ { "{}" }, 0, 0 },    { { "{\"a\":1,\"b\":[1,2]}" }, 0, 2 },
		{ { "[]" }, -EINVAL }, { { "{\"a\":1,\"a\":1}" }, -EINVAL },
		{ { "" }, -EINVAL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct netd_error e = NETD_ERROR_INIT;
		_cleanup_json_ json_t *j = NULL;
		int r = json_parse_object(cases[i].body.text, body_len(&cases[i].body), &j, &e);

		assert_int_equal(r, cases[i].r);
		if (r < 0) {
			assert_null(j);
			assert_einval(r, &e, cases[i].body.text, NULL);
			continue;
		}
		assert_true(json_is_object(j));
		assert_int_equal(json_object_size(j), cases[i].keys);
	}
}

/* ports the runtime holds itself (podman): "hold_host_port(s)": false */
/* the clients' reading of an error answer, and where they find the socket */
static void test_codec_error_from_json(void **state)
{
	struct netd_error e = NETD_ERROR_INIT, in = NETD_ERROR_INIT;
	char path[16];
	json_t *j;

	err_set(&in, EADDRINUSE, "port 8080 is published already");
	j = error_to_json(&in);
	assert_non_null(j);
	assert_int_equal(error_from_json(j, 409, &e), -EADDRINUSE);
	assert_string_equal(e.msg, "port 8080 is published already");
	/* 403 is the socket refusing the caller, whatever the body says */
	assert_int_equal(error_from_json(j, 403, &e), -EACCES);
	json_decref(j);
	assert_int_equal(error_from_json(NULL, 500, &e), -EIO);
	assert_string_equal(e.msg, "netd returned an error");

	assert_int_equal(setenv(NETD_SOCKET_ENV, "/env.sock", 1), 0);
	assert_int_equal(api_socket_path("/given.sock", path, sizeof(path), &e), 0);
	assert_string_equal(path, "/given.sock");
	assert_int_equal(api_socket_path("", path, sizeof(path), &e), 0);
	assert_string_equal(path, "/env.sock");
	assert_int_equal(unsetenv(NETD_SOCKET_ENV), 0);
	assert_int_equal(api_socket_path(NULL, path, sizeof(path), &e), -ENAMETOOLONG);
	assert_int_equal(api_socket_path("/a-path-too-long.sock", path, sizeof(path), &e),
			 -ENAMETOOLONG);
}

/* "default_route": false on attach, persisted with the endpoint only when set */
static void test_codec_no_default_route(void **state)
{
	static const char ok[] = "{\"container\":\"c1\",\"pid\":1,\"default_route\":false}";
	static const char dflt[] = "{\"container\":\"c1\",\"pid\":1}";
	static const char bad[] = "{\"container\":\"c1\",\"pid\":1,\"default_route\":\"no\"}";
	struct netd_error e = NETD_ERROR_INIT;
	struct endpoint_spec ep = { .container = "c1", .network = "netd", .ifname = "eth0",
				    .netns_path = "/run/netns/c1", .netns_ino = 1,
				    .mac = { 0x02, 0x42, 0, 0, 0, 1 } },
			     back;
	struct attach_request a;
	json_t *j;

	assert_int_equal(attach_request_decode(ok, strlen(ok), &a, &e), 0);
	assert_true(a.no_default_route);
	assert_int_equal(attach_request_decode(dflt, strlen(dflt), &a, &e), 0);
	assert_false(a.no_default_route);
	assert_int_equal(attach_request_decode(bad, strlen(bad), &a, &e), -EINVAL);
	naming_host_ifname("c1", "netd", ep.host_ifname);
	j = endpoint_to_json(&ep);
	assert_non_null(j);
	assert_null(json_object_get(j, "default_route"));
	assert_int_equal(endpoint_from_json(j, &back, &e), 0);
	assert_false(back.no_default_route);
	json_decref(j);
	ep.no_default_route = true;
	j = endpoint_to_json(&ep);
	assert_non_null(j);
	assert_true(json_is_false(json_object_get(j, "default_route")));
	assert_int_equal(endpoint_from_json(j, &back, &e), 0);
	assert_true(back.no_default_route);
	json_decref(j);
}

static void test_codec_unheld_ports(void **state)
{
	static const char *const bad_publish[] = {
		"{\"container\":\"c1\",\"spec\":\"80\",\"hold_host_port\":false}",
		"{\"container\":\"c1\",\"spec\":\"8080:80\",\"hold_host_port\":false,"
		"\"proxy_protocol\":true}",
		"{\"container\":\"c1\",\"spec\":\"8080:80\",\"hold_host_port\":\"no\"}",
	};
	static const char *const bad_attach[] = {
		"{\"container\":\"c1\",\"pid\":1,\"ports\":[\"8080:80\",\"81\"],"
		"\"hold_host_ports\":false}",
		"{\"container\":\"c1\",\"pid\":1,\"hold_host_ports\":0}",
	};
	struct netd_error e = NETD_ERROR_INIT;
	struct publish_request q;
	struct attach_request a;
	struct port_mapping m = { .container = "c1", .network = "netd" }, back;
	json_t *j;
	size_t i;

	assert_int_equal(
		publish_request_decode(
			"{\"container\":\"c1\",\"spec\":\"8080:80\",\"hold_host_port\":false}",
			strlen("{\"container\":\"c1\",\"spec\":\"8080:80\",\"hold_host_port\":false}"),
			&q, &e),
		0);
	assert_true(q.unheld);
	assert_int_equal(publish_request_decode(
				 "{\"container\":\"c1\",\"spec\":\"8080:80\"}",
				 strlen("{\"container\":\"c1\",\"spec\":\"8080:80\"}"), &q, &e),
			 0);
	assert_false(q.unheld);
	for (i = 0; i < ARRAY_SIZE(bad_publish); i++) {
		e = (struct netd_error)NETD_ERROR_INIT;
		assert_int_equal(publish_request_decode(bad_publish[i], strlen(bad_publish[i]), &q,
							&e),
				 -EINVAL);
		assert_true(e.msg[0] != '\0');
	}
	assert_int_equal(
		attach_request_decode(
			"{\"container\":\"c1\",\"pid\":1,\"ports\":[\"8080:80\"],\"hold_host_ports\":false}",
			strlen("{\"container\":\"c1\",\"pid\":1,\"ports\":[\"8080:80\"],\"hold_host_ports\":false}"),
			&a, &e),
		0);
	assert_true(a.ports_unheld);
	assert_int_equal(a.n_ports, 1);
	for (i = 0; i < ARRAY_SIZE(bad_attach); i++) {
		e = (struct netd_error)NETD_ERROR_INIT;
		assert_int_equal(attach_request_decode(bad_attach[i], strlen(bad_attach[i]), &a,
						       &e),
				 -EINVAL);
	}
	/* persisted: "hold_host_port": false only when unheld, and read back */
	assert_int_equal(portspec_parse("8080:80", &m.spec, NULL), 0);
	m.unheld = true;
	j = mapping_to_json(&m);
	assert_non_null(j);
	assert_true(json_is_false(json_object_get(j, "hold_host_port")));
	assert_int_equal(mapping_from_json(j, &back, &e), 0);
	assert_true(back.unheld);
	json_decref(j);
	m.unheld = false;
	j = mapping_to_json(&m);
	assert_null(json_object_get(j, "hold_host_port"));
	assert_int_equal(mapping_from_json(j, &back, &e), 0);
	assert_false(back.unheld);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codec_network_round_trip),
		cmocka_unit_test(test_codec_endpoint_round_trip),
		cmocka_unit_test(test_codec_network_from_json_refuses),
		cmocka_unit_test(test_codec_endpoint_from_json_refuses),
		cmocka_unit_test(test_codec_no_default_route),
		cmocka_unit_test(test_codec_error_from_json),
		cmocka_unit_test(test_codec_mapping_round_trip),
		cmocka_unit_test(test_codec_mapping_from_json),
		cmocka_unit_test(test_codec_network_request_valid),
		cmocka_unit_test(test_codec_network_request_errors),
		cmocka_unit_test(test_codec_attach_request_valid),
		cmocka_unit_test(test_codec_attach_request_errors),
		cmocka_unit_test(test_codec_publish_request_valid),
		cmocka_unit_test(test_codec_publish_request_errors),
		cmocka_unit_test(test_codec_unheld_ports),
		cmocka_unit_test(test_codec_error_to_json),
		cmocka_unit_test(test_codec_json_parse_object),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
