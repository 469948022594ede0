// SPDX-License-Identifier: GPL-2.0-or-later
/* ops_network.c - create and delete networks: bridge, gateway addresses, forwarding, state */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netd/addr.h>
#include <netd/link.h>
#include <netd/sysctl.h>
#include <netd/undo.h>

#include "daemon.h"

static void undo_link_delete(void *data)
{
	struct {
		struct nl_sock *sk;
		char name[IFNAMSIZ];
	} *a = data;
	struct netd_error e = NETD_ERROR_INIT;

	if (link_delete(a->sk, a->name, &e) < 0 && e.code != ENODEV)
		log_warn("undo: %s, ignoring", e.msg);
}

static int push_link_delete(struct undo *u, struct nl_sock *sk, const char *name)
{
	struct {
		struct nl_sock *sk;
		char name[IFNAMSIZ];
	} a = { .sk = sk };

	STRLCPY(a.name, name);
	return undo_push(u, undo_link_delete, &a, sizeof(a));
}

static int pick_bridge_name(struct daemon *d, const struct network_request *req, char ret[IFNAMSIZ])
{
	if (req->bridge[0]) {
		STRLCPY_N(ret, IFNAMSIZ, req->bridge);
	} else if (strcmp(req->name, NETD_DEFAULT_NETWORK) == 0) {
		STRLCPY_N(ret, IFNAMSIZ, NETD_DEFAULT_BRIDGE);
	} else if (strlen(req->name) + 3 < IFNAMSIZ) {
		(void)snprintf(ret, IFNAMSIZ, "nd-%s", req->name);
	} else {
		(void)snprintf(ret, IFNAMSIZ, "nd-%08x", naming_hash("bridge", req->name));
	}
	return 0;
}

static const struct network *overlapping(struct daemon *d, const struct cidr *c)
{
	size_t i;

	for (i = 0; i < d->state.n_networks; i++) {
		const struct network *n = d->state.networks[i];

		if (cidr_overlaps(&n->spec.subnet, c) ||
		    (n->spec.has_v6 && cidr_overlaps(&n->spec.subnet6, c)))
			return n;
	}
	return NULL;
}

/* the first /pool_len of the pool that overlaps no network */
static int pick_subnet(struct daemon *d, struct cidr *ret, struct netd_error *e)
{
	uint64_t i, count;
	unsigned int diff = d->cfg.pool_len - d->cfg.pool.prefixlen;

	count = diff >= 20 ? UINT64_C(1) << 20 : UINT64_C(1) << diff;
	for (i = 0; i < count; i++) {
		struct cidr c;

		if (cidr_nth_subnet(&d->cfg.pool, d->cfg.pool_len, i, &c) < 0)
			break;
		if (!overlapping(d, &c)) {
			*ret = c;
			return 0;
		}
	}
	return err_set(e, ENOSPC, "no free /%u left in the address pool", d->cfg.pool_len);
}

static int check_subnet(struct daemon *d, const char *what, const struct cidr *c,
			struct netd_error *e)
{
	const struct network *o = overlapping(d, c);
	char a[CIDR_STRLEN], b[CIDR_STRLEN];

	if (!o)
		return 0;
	(void)cidr_format(c, a, sizeof(a));
	(void)cidr_format(c->addr.family == AF_INET ? &o->spec.subnet : &o->spec.subnet6, b,
			  sizeof(b));
	return err_set(e, EADDRINUSE, "%s '%s' overlaps network '%s' (%s)", what, a, o->spec.name,
		       b);
}

/*
 * A bridge routes 127.0.0.0/8 sources (route_localnet) only where loopback is DNAT'd to its
 * containers: every port without the proxy, else the ports nobody holds for it.  Elsewhere
 * it must not (a mode switched back turns it off again); the input chain drops what a
 * container sends to 127.0.0.0/8 itself either way.
 */
static bool localnet_needed(const struct daemon *d, const struct network *n)
{
	size_t i;

	if (d->cfg.userland_proxy == PROXY_MODE_NEVER)
		return true;
	for (i = 0; i < d->state.n_mappings; i++)
		if (d->state.mappings[i]->m.unheld &&
		    strcmp(d->state.mappings[i]->m.network, n->spec.name) == 0)
			return true;
	return false;
}

static int localnet_write(struct daemon *d, const struct network *n, bool on, struct netd_error *e)
{
	char path[128];

	(void)snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/route_localnet",
		       n->spec.bridge);
	return sysctl_write(path, on ? "1" : "0", e);
}

/**
 * ops_network_localnet() - let @n's bridge route loopback sources exactly while a port
 * published without netd holding it needs that (127.0.0.1 reaches it by NAT)
 * @d:		daemon
 * @n:		network, or NULL
 * @publishing:	a port of @n is being published unheld (it is not in the state yet)
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int ops_network_localnet(struct daemon *d, const struct network *n, bool publishing,
			 struct netd_error *e)
{
	return n ? localnet_write(d, n, publishing || localnet_needed(d, n), e) : 0;
}

/**
 * ops_forwarding_ensure() - turn on IP forwarding in netd's netns when @n needs it (and
 * route_localnet on its bridge when loopback is DNAT'd)
 * @d:		daemon
 * @n:		network
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int ops_forwarding_ensure(struct daemon *d, const struct network *n, struct netd_error *e)
{
	int r;

	if (n->spec.internal)
		return 0;
	r = sysctl_write("/proc/sys/net/ipv4/ip_forward", "1", e);
	if (r < 0)
		return r;
	r = localnet_write(d, n, localnet_needed(d, n), e);
	if (r < 0)
		return r;
	if (n->spec.has_v6)
		return sysctl_write("/proc/sys/net/ipv6/conf/all/forwarding", "1", e);
	return 0;
}

static void gateway_cidr(const struct cidr *subnet, const struct ipaddr *gw, struct cidr *ret)
{
	ret->addr = *gw;
	ret->prefixlen = subnet->prefixlen;
}

/**
 * ops_network_kernel_ensure() - make the kernel hold @n's bridge and gateway addresses
 * @d:		daemon
 * @n:		network
 * @ret_repaired: set to true when something had to be (re)created, or NULL
 * @e:		error context
 *
 * What exists and matches is left untouched, so a restart never flaps a running network.
 *
 * Return: 0 or negative errno; -EEXIST when the bridge name is taken by something else
 */
int ops_network_kernel_ensure(struct daemon *d, struct network *n, bool *ret_repaired,
			      struct netd_error *e)
{
	_cleanup_(undo_run) struct undo u = UNDO_INIT;
	struct link_info info;
	struct cidr gw;
	char alias[80];
	uint8_t mac[6];
	bool repaired = false;
	int ifindex, r;

	(void)snprintf(alias, sizeof(alias), "netd:%s", n->spec.name);
	naming_mac("bridge", n->spec.name, mac);
	ifindex = link_get(d->nl, n->spec.bridge, &info, NULL);
	/*
	 * The alias is set by a second request after the bridge exists: a crash in between
	 * leaves a bridge with netd's MAC for this network and no alias. That one is netd's.
	 */
	if (ifindex >= 0 && strcmp(info.kind, "bridge") == 0 && !info.alias[0] && info.has_mac &&
	    memcmp(info.mac, mac, sizeof(mac)) == 0) {
		r = link_set_alias(d->nl, ifindex, alias, e);
		if (r < 0)
			return r;
		log_info("bridge '%s' of network '%s' had lost its mark: adopted", n->spec.bridge,
			 n->spec.name);
		repaired = true;
		STRLCPY(info.alias, alias);
	}
	if (ifindex >= 0 && (strcmp(info.kind, "bridge") != 0 || strcmp(info.alias, alias) != 0))
		return err_set(e, EEXIST, "interface '%s' already exists and is not netd's bridge",
			       n->spec.bridge);
	if (ifindex == -ENODEV) {
		struct bridge_config cfg = {
			.name = n->spec.bridge,
			.mtu = n->spec.mtu,
			.mac = mac,
			.alias = alias,
		};

		ifindex = bridge_create(d->nl, &cfg, e);
		if (ifindex < 0)
			return ifindex;
		r = push_link_delete(&u, d->nl, n->spec.bridge);
		if (r < 0) {
			(void)link_delete(d->nl, n->spec.bridge, NULL);
			return err_set(e, r, "record undo step");
		}
		repaired = true;
	} else if (ifindex < 0) {
		return err_set(e, ifindex, "look up bridge '%s'", n->spec.bridge);
	} else if (!info.up) {
		r = link_set_up(d->nl, ifindex, e);
		if (r < 0)
			return r;
		repaired = true;
	}
	gateway_cidr(&n->spec.subnet, &n->spec.gateway, &gw);
	r = addr_add(d->nl, ifindex, &gw, e);
	if (r < 0 && r != -EEXIST)
		return r;
	repaired |= r == 0;
	if (r == 0)
		undo_fault_point(); /* the bridge's deletion undoes it */
	if (n->spec.has_v6) {
		gateway_cidr(&n->spec.subnet6, &n->spec.gateway6, &gw);
		r = addr_add(d->nl, ifindex, &gw, e);
		if (r < 0 && r != -EEXIST)
			return r;
		repaired |= r == 0;
		if (r == 0)
			undo_fault_point();
	}
	r = ops_forwarding_ensure(d, n, e);
	if (r < 0)
		return r;
	undo_disarm(&u);
	n->ifindex = ifindex;
	if (ret_repaired)
		*ret_repaired = repaired;
	return 0;
}

/**
 * ops_network_fw() - what netd's nftables table needs to know of @n
 * @n:		network
 * @ret:	filled (points into @n)
 */
void ops_network_fw(const struct network *n, struct fw_network *ret)
{
	ret->bridge = n->spec.bridge;
	ret->internal = n->spec.internal;
	ret->has_v6 = n->spec.has_v6;
	ret->subnet = n->spec.subnet;
	ret->subnet6 = n->spec.subnet6;
}

/**
 * ops_fw_install() - (re)place netd's nftables table, filled from every network, atomically
 * @d:		daemon
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int ops_fw_install(struct daemon *d, struct netd_error *e)
{
	_cleanup_free_ struct fw_network *nets = calloc(d->state.n_networks + 1, sizeof(*nets));
	_cleanup_free_ struct fw_port *ports = NULL;
	size_t i, n_ports;
	int r;

	if (!nets)
		return err_set(e, ENOMEM, "install nftables table");
	for (i = 0; i < d->state.n_networks; i++)
		ops_network_fw(d->state.networks[i], &nets[i]);
	r = ops_ports_fw(d, &ports, &n_ports, e);
	if (r < 0)
		return r;
	r = fw_table_install(&d->fw, nets, d->state.n_networks, ports, n_ports, e);
	if (r == 0)
		monitor_fw_drain(d);
	return r;
}

/**
 * ops_network_create() - create a network: validate against the others, make the bridge,
 * persist; on any failure nothing is left
 * @d:		daemon
 * @req:	validated request
 * @ret:	the network (owned by the state), or NULL
 * @e:		error context
 *
 * Return: 0, -EEXIST (name or bridge taken), -EADDRINUSE (subnet overlap), -ENOSPC, -EINVAL
 */
int ops_network_create(struct daemon *d, const struct network_request *req, struct network **ret,
		       struct netd_error *e)
{
	_cleanup_(undo_run) struct undo u = UNDO_INIT;
	struct fw_network fwn;
	struct network *n;
	size_t i;
	int r;

	if (state_network(&d->state, req->name))
		return err_set(e, EEXIST, "network '%s' already exists", req->name);
	if (d->state.n_networks >= NETD_MAX_NETWORKS)
		return err_set(e, ENOSPC, "too many networks (at most %d)", NETD_MAX_NETWORKS);
	n = calloc(1, sizeof(*n));
	if (!n)
		return err_set(e, ENOMEM, "create network");
	STRLCPY(n->spec.name, req->name);
	(void)pick_bridge_name(d, req, n->spec.bridge);
	for (i = 0; i < d->state.n_networks; i++) {
		if (strcmp(d->state.networks[i]->spec.bridge, n->spec.bridge) == 0) {
			r = err_set(e, EEXIST, "bridge '%s' is already used by network '%s'",
				    n->spec.bridge, d->state.networks[i]->spec.name);
			goto fail;
		}
	}
	if (req->has_subnet)
		n->spec.subnet = req->subnet;
	else if ((r = pick_subnet(d, &n->spec.subnet, e)) < 0)
		goto fail;
	r = check_subnet(d, "subnet", &n->spec.subnet, e);
	if (r < 0)
		goto fail;
	if (req->has_gateway)
		n->spec.gateway = req->gateway;
	else
		(void)cidr_host(&n->spec.subnet, 1, &n->spec.gateway);
	if (req->has_subnet6) {
		n->spec.has_v6 = true;
		n->spec.subnet6 = req->subnet6;
		r = check_subnet(d, "subnet6", &n->spec.subnet6, e);
		if (r < 0)
			goto fail;
		if (req->has_gateway6)
			n->spec.gateway6 = req->gateway6;
		else
			(void)cidr_host(&n->spec.subnet6, 1, &n->spec.gateway6);
	}
	n->spec.mtu = req->mtu ? req->mtu : NETD_MTU_DEFAULT;
	n->spec.internal = req->internal;
	r = network_init_ipam(n);
	if (r < 0) {
		r = err_set(e, EINVAL, "gateway is not a usable host address of the subnet");
		goto fail;
	}
	r = ops_network_kernel_ensure(d, n, NULL, e);
	if (r < 0) {
		err_wrap(e, "create network '%s'", n->spec.name);
		goto fail;
	}
	r = push_link_delete(&u, d->nl, n->spec.bridge);
	if (r < 0) {
		(void)link_delete(d->nl, n->spec.bridge, NULL);
		r = err_set(e, r, "record undo step");
		goto fail;
	}
	ops_network_fw(n, &fwn);
	r = fw_network_add(&d->fw, &fwn, e);
	if (r < 0) {
		err_wrap(e, "create network '%s'", n->spec.name);
		goto fail;
	}
	undo_fault_point();
	r = state_network_add(&d->state, n, e);
	if (r < 0) {
		struct netd_error fe = NETD_ERROR_INIT;

		if (fw_network_del(&d->fw, &fwn, &fe) < 0)
			log_warn("undo: %s, ignoring", fe.msg);
		goto fail;
	}
	undo_disarm(&u);
	undo_fault_point();
	if (ret)
		*ret = n;
	return 0;
fail:
	network_free(n);
	return r;
}

/**
 * ops_network_delete() - delete a network with no endpoints: forget it, then remove the bridge
 * @d:		daemon
 * @name:	network name
 * @e:		error context
 *
 * The state goes first: a crash in between leaves an orphan bridge that the next start
 * removes, never a network in the state without its bridge.
 *
 * Return: 0, -ENOENT, -EBUSY (endpoints attached), -EPERM (the default network)
 */
int ops_network_delete(struct daemon *d, const char *name, struct netd_error *e)
{
	struct network *n = state_network(&d->state, name);
	struct fw_network fwn;
	char bridge[IFNAMSIZ];
	struct netd_error le = NETD_ERROR_INIT;
	int r;

	if (!n)
		return err_set(e, ENOENT, "network '%s' not found", name);
	if (strcmp(name, NETD_DEFAULT_NETWORK) == 0)
		return err_set(e, EPERM,
			       "network '%s' is the default network and cannot be removed", name);
	if (n->n_endpoints > 0) {
		const char *first = "";
		size_t i;

		for (i = 0; i < d->state.n_endpoints; i++) {
			if (strcmp(d->state.endpoints[i]->network, name) == 0) {
				first = d->state.endpoints[i]->container;
				break;
			}
		}
		return err_set(
			e, EBUSY,
			"network '%s' has %u endpoint(s) attached (e.g. '%s'): detach them first",
			name, n->n_endpoints, first);
	}
	STRLCPY(bridge, n->spec.bridge);
	ops_network_fw(n, &fwn);
	fwn.bridge = bridge; /* n is freed below */
	r = state_network_remove(&d->state, n, e);
	if (r < 0)
		return r;
	undo_fault_point();
	if (fw_network_del(&d->fw, &fwn, &le) < 0)
		log_warn("network '%s' removed but its nftables elements stay: %s, ignoring", name,
			 le.msg);
	else
		undo_fault_point();
	err_clear(&le);
	r = link_delete(d->nl, bridge, &le);
	if (r < 0 && r != -ENODEV)
		log_warn("network '%s' removed but its bridge stays: %s, ignoring", name, le.msg);
	return 0;
}
