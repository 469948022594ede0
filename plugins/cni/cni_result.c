// SPDX-License-Identifier: GPL-2.0-or-later
/* cni_result.c - CNI results from netd endpoints, chained with prevResult, and looked up */
#include "config.h"

#include <string.h>

#include <jansson.h>

#include "cni.h"

static int append_ip(json_t *ips, const char *addr, const char *gw, int ifidx, const char *family,
		     enum cni_version ver)
{
	json_t *o = json_pack("{s:s, s:i}", "address", addr, "interface", ifidx);

	if (!o)
		return -1;
	if (gw)
		(void)json_object_set_new(o, "gateway", json_string(gw));
	/* "version" was required before 1.0.0 and removed in it */
	if (ver < CNI_V100)
		(void)json_object_set_new(o, "version", json_string(family));
	return json_array_append_new(ips, o);
}

/**
 * cni_result_build() - the ADD result for one netd endpoint
 * @endpoint:	the endpoint netd returned (docs/api.md)
 * @ver:	cniVersion of the config: the result follows its format
 * @netns:	CNI_NETNS, the "sandbox" of the container interface
 * @host_mac:	MAC of the host-side veth, or NULL when it could not be read
 * @route4:	the container has the IPv4 default route via the gateway
 * @route6:	the container has the IPv6 default route via gateway6
 *
 * interfaces: the host veth, then the container interface; ips: its IPv4 and IPv6 addresses,
 * each pointing at the container interface (index 1), with the gateways; routes: the
 * default routes the container really has (none on an internal network, and none on a second
 * interface when the first one holds them); dns: empty (netd serves no DNS).
 *
 * Return: new JSON object, NULL on ENOMEM or an endpoint without container interface
 */
json_t *cni_result_build(const json_t *endpoint, enum cni_version ver, const char *netns,
			 const char *host_mac, bool route4, bool route6)
{
	const char *ifname = NULL, *host = NULL, *mac = NULL, *ip4 = NULL, *ip6 = NULL, *gw4 = NULL,
		   *gw6 = NULL;
	json_t *res, *ifs, *ips, *routes, *hostif;

	if (json_unpack((json_t *)endpoint, "{s:s, s:s, s:s, s?s, s?s, s?s, s?s}", "ifname",
			&ifname, "host_ifname", &host, "mac", &mac, "ipv4", &ip4, "ipv6", &ip6,
			"gateway", &gw4, "gateway6", &gw6) < 0)
		return NULL;
	res = json_pack("{s:s, s:[], s:[], s:[], s:{}}", "cniVersion", cni_version_name(ver),
			"interfaces", "ips", "routes", "dns");
	if (!res)
		return NULL;
	ifs = json_object_get(res, "interfaces");
	ips = json_object_get(res, "ips");
	routes = json_object_get(res, "routes");
	hostif = json_pack("{s:s}", "name", host);
	if (hostif && host_mac)
		(void)json_object_set_new(hostif, "mac", json_string(host_mac));
	if (json_array_append_new(ifs, hostif) < 0 ||
	    json_array_append_new(ifs, json_pack("{s:s, s:s, s:s}", "name", ifname, "mac", mac,
						 "sandbox", netns)) < 0 ||
	    (ip4 && append_ip(ips, ip4, gw4, 1, "4", ver) < 0) ||
	    (ip6 && append_ip(ips, ip6, gw6, 1, "6", ver) < 0))
		goto fail;
	if (route4 && ip4 && gw4 &&
	    json_array_append_new(routes, json_pack("{s:s, s:s}", "dst", "0.0.0.0/0", "gw", gw4)) <
		    0)
		goto fail;
	if (route6 && ip6 && gw6 &&
	    json_array_append_new(routes, json_pack("{s:s, s:s}", "dst", "::/0", "gw", gw6)) < 0)
		goto fail;
	return res;
fail:
	json_decref(res);
	return NULL;
}

static int extend(json_t *dst, const char *key, const json_t *src)
{
	json_t *a = json_object_get(dst, key);

	if (!json_is_array(a)) {
		a = json_array();
		if (!a || json_object_set_new(dst, key, a) < 0)
			return -1;
	}
	return json_array_extend(a, json_object_get(src, key));
}

/**
 * cni_result_merge() - our result appended to the previous plugin's (a chain with netd-cni
 *			not first)
 * @prev:	prevResult
 * @ours:	cni_result_build()
 *
 * Our "interface" indexes are shifted past the previous interfaces; the previous DNS stays.
 *
 * Return: new JSON object, NULL on ENOMEM
 */
json_t *cni_result_merge(const json_t *prev, const json_t *ours)
{
	json_t *res = json_deep_copy(prev), *ips = json_deep_copy(json_object_get(ours, "ips"));
	json_t *prev_ifs = json_object_get(prev, "interfaces"), *ip;
	size_t off = json_is_array(prev_ifs) ? json_array_size(prev_ifs) : 0, i;

	if (!res || !ips)
		goto fail;
	json_array_foreach (ips, i, ip) {
		json_int_t idx = json_integer_value(json_object_get(ip, "interface"));

		if (json_object_set_new(ip, "interface", json_integer(idx + (json_int_t)off)) < 0)
			goto fail;
	}
	if (json_object_set(res, "cniVersion", json_object_get(ours, "cniVersion")) < 0 ||
	    extend(res, "interfaces", ours) < 0 || extend(res, "routes", ours) < 0)
		goto fail;
	if (!json_is_array(json_object_get(res, "ips")) &&
	    json_object_set_new(res, "ips", json_array()) < 0)
		goto fail;
	if (json_array_extend(json_object_get(res, "ips"), ips) < 0)
		goto fail;
	json_decref(ips);
	return res;
fail:
	json_decref(ips);
	json_decref(res);
	return NULL;
}

/**
 * cni_prev_result_find() - the container interface in a result
 * @prev:	prevResult
 * @ifname:	CNI_IFNAME
 * @netns:	CNI_NETNS: the interface's sandbox
 * @ret_mac:	its MAC (may be NULL when the result has none), or NULL
 *
 * Return: its index in "interfaces", or -1 when it is not there
 */
int cni_prev_result_find(const json_t *prev, const char *ifname, const char *netns,
			 const char **ret_mac)
{
	const json_t *it;
	size_t i;

	json_array_foreach (json_object_get(prev, "interfaces"), i, it) {
		const char *n = json_string_value(json_object_get(it, "name"));
		const char *sb = json_string_value(json_object_get(it, "sandbox"));

		if (n && sb && strcmp(n, ifname) == 0 && strcmp(sb, netns) == 0) {
			if (ret_mac)
				*ret_mac = json_string_value(json_object_get(it, "mac"));
			return (int)i;
		}
	}
	return -1;
}

/**
 * cni_prev_result_has_ip() - whether a result lists an address
 * @prev:	prevResult
 * @cidr:	"10.1.2.3/24"
 *
 * Return: true when one of "ips" has exactly this address and prefix
 */
bool cni_prev_result_has_ip(const json_t *prev, const char *cidr)
{
	const json_t *it;
	size_t i;

	json_array_foreach (json_object_get(prev, "ips"), i, it) {
		const char *a = json_string_value(json_object_get(it, "address"));

		if (a && strcmp(a, cidr) == 0)
			return true;
	}
	return false;
}

/**
 * cni_prev_result_has_route() - whether a result lists a route
 * @prev:	prevResult
 * @dst:	"0.0.0.0/0"
 * @gw:		its gateway
 *
 * Return: true when one of "routes" has exactly this destination and gateway
 */
bool cni_prev_result_has_route(const json_t *prev, const char *dst, const char *gw)
{
	const json_t *it;
	size_t i;

	json_array_foreach (json_object_get(prev, "routes"), i, it) {
		const char *d = json_string_value(json_object_get(it, "dst"));
		const char *g = json_string_value(json_object_get(it, "gw"));

		if (d && g && strcmp(d, dst) == 0 && strcmp(g, gw) == 0)
			return true;
	}
	return false;
}
