// SPDX-License-Identifier: GPL-2.0-or-later
/* ops_endpoint.c - attach and detach containers: veth, addresses, routes, state */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netd/addr.h>
#include <netd/cleanup.h>
#include <netd/codec.h>
#include <netd/link.h>
#include <netd/nlsock.h>
#include <netd/route.h>
#include <netd/sysctl.h>
#include <netd/undo.h>

#include "daemon.h"

/* loopback is ifindex 1 in every network namespace */
#define LOOPBACK_IFINDEX 1

struct veth_undo {
	struct nl_sock *sk;
	char name[IFNAMSIZ];
};

static void undo_veth(void *data)
{
	struct veth_undo *a = data;
	struct netd_error e = NETD_ERROR_INIT;

	if (link_delete(a->sk, a->name, &e) < 0 && e.code != ENODEV)
		log_warn("undo: %s, ignoring", e.msg);
}

/*
 * The host end is only a bridge port: it needs no IPv6 of its own. Left on, every port gets a
 * link-local address and an fe80::/64 route in netd's netns, and the kernel walks those on
 * every later link event, so each attach would cost more than the one before. Done before
 * the link is up, so no address is ever made. A host without IPv6 has no such file.
 */
static int host_port_quiet_ipv6(const char *ifname, struct netd_error *e)
{
	char path[96];
	int r;

	(void)snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	r = sysctl_write(path, "1", e);
	if (r == -ENOENT)
		return 0;
	return r;
}

/**
 * ops_endpoint_kernel_create() - create @ep in the kernel: the veth pair on the bridge, the
 * container side addressed and routed, lo up
 * @d:		daemon
 * @n:		the endpoint's network
 * @ep:		endpoint (names, addresses, MAC decided)
 * @ns_fd:	the container's netns
 * @default_route: add default routes via the network's gateways
 * @e:		error context
 *
 * On failure the veth is deleted again (its peer goes with it), so nothing is left; lo is brought
 * up last, so a failed step leaves it as it was.
 *
 * Return: 0 or negative errno
 */
int ops_endpoint_kernel_create(struct daemon *d, const struct network *n,
			       const struct endpoint_spec *ep, int ns_fd, bool default_route,
			       struct netd_error *e)
{
	_cleanup_(undo_run) struct undo u = UNDO_INIT;
	_cleanup_nl_sock_ struct nl_sock *csk = NULL;
	struct veth_undo vu = { .sk = d->nl };
	uint8_t host_mac[6];
	int br_ifindex, ifindex, r;
	struct veth_config cfg = {
		.host_ifname = ep->host_ifname,
		.peer_ifname = ep->ifname,
		.peer_ns_fd = ns_fd,
		.mtu = n->spec.mtu,
		.peer_mac = ep->mac,
		.host_mac = host_mac,
	};

	/* a bridge recreated behind netd's back is re-ensured by the link monitor */
	br_ifindex = n->ifindex > 0 ? n->ifindex : link_get(d->nl, n->spec.bridge, NULL, e);
	if (br_ifindex < 0)
		return err_wrap(e, "bridge of network '%s'", n->spec.name);
	cfg.master = br_ifindex;
	/* a fixed host-side MAC: the kernel's random one would make the bridge MAC wander */
	naming_mac(ep->host_ifname, "host", host_mac);
	r = veth_create(d->nl, &cfg, e);
	if (r < 0)
		return r;
	STRLCPY(vu.name, ep->host_ifname);
	r = undo_push(&u, undo_veth, &vu, sizeof(vu));
	if (r < 0) {
		undo_veth(&vu);
		return err_set(e, r, "record undo step");
	}
	/* the steps below need no inverse of their own: deleting the veth undoes them */
	r = host_port_quiet_ipv6(ep->host_ifname, e);
	if (r < 0)
		return r;
	undo_fault_point();
	r = bridge_port_up_hairpin(d->nl, ep->host_ifname, e);
	if (r < 0)
		return r;
	undo_fault_point();

	r = nlsock_open(ns_fd, &csk, e);
	if (r < 0)
		return err_wrap(e, "open netlink in the container");
	ifindex = link_get(csk, ep->ifname, NULL, e);
	if (ifindex < 0)
		return err_wrap(e, "container interface");
	if (!ep->has_ip6) {
		/*
		 * An IPv4-only network gives the container no IPv6 on it (Docker turns it off
		 * too). Left on, each new interface's link-local, DAD and MLD packets would flood
		 * every port of the bridge: each attach would cost more than the one before.
		 */
		r = link_set_ipv6_quiet(csk, ifindex, e);
		if (r < 0 && r != -EAFNOSUPPORT)
			return r;
		undo_fault_point();
	}
	r = link_set_up(csk, ifindex, e);
	if (r < 0)
		return err_wrap(e, "bring up '%s' in the container", ep->ifname);
	undo_fault_point();
	if (ep->has_ip4) {
		r = addr_add(csk, ifindex, &ep->ip4, e);
		if (r < 0)
			return r;
		undo_fault_point();
	}
	if (ep->has_ip6) {
		r = addr_add(csk, ifindex, &ep->ip6, e);
		if (r < 0)
			return r;
		undo_fault_point();
	}
	if (default_route && !n->spec.internal) {
		r = route_add_default(csk, ifindex, &n->spec.gateway, e);
		if (r < 0 && r != -EEXIST)
			return r;
		undo_fault_point();
		if (ep->has_ip6) {
			r = route_add_default(csk, ifindex, &n->spec.gateway6, e);
			if (r < 0 && r != -EEXIST)
				return r;
			undo_fault_point();
		}
	}
	/*
	 * Last: a step that fails above leaves the container's lo as it was. Asking lo's state
	 * first, to bring it down again on failure, cost a netlink round trip per attach (0.2 ms
	 * of 1.7 here)
	 */
	r = link_set_up(csk, LOOPBACK_IFINDEX, e);
	if (r < 0)
		return err_wrap(e, "bring up lo in the container");
	undo_fault_point();
	undo_disarm(&u);
	return 0;
}

static struct endpoint_spec *container_endpoint(struct daemon *d, const char *container)
{
	size_t i;

	for (i = 0; i < d->state.n_endpoints; i++)
		if (strcmp(d->state.endpoints[i]->container, container) == 0)
			return d->state.endpoints[i];
	return NULL;
}

static bool ifname_used(struct daemon *d, const char *container, const char *ifname)
{
	size_t i;

	for (i = 0; i < d->state.n_endpoints; i++)
		if (strcmp(d->state.endpoints[i]->container, container) == 0 &&
		    strcmp(d->state.endpoints[i]->ifname, ifname) == 0)
			return true;
	return false;
}

static bool host_ifname_used(struct daemon *d, const char *host_ifname)
{
	size_t i;

	for (i = 0; i < d->state.n_endpoints; i++)
		if (strcmp(d->state.endpoints[i]->host_ifname, host_ifname) == 0)
			return true;
	return false;
}

static int pick_ifname(struct daemon *d, const struct attach_request *req, char ret[IFNAMSIZ],
		       struct netd_error *e)
{
	int i;

	if (req->ifname[0]) {
		if (ifname_used(d, req->container, req->ifname))
			return err_set(e, EEXIST, "container '%s' already has an interface '%s'",
				       req->container, req->ifname);
		STRLCPY_N(ret, IFNAMSIZ, req->ifname);
		return 0;
	}
	for (i = 0; i < 1000; i++) {
		(void)snprintf(ret, IFNAMSIZ, "eth%d", i);
		if (!ifname_used(d, req->container, ret))
			return 0;
	}
	return err_set(e, ENOSPC, "container '%s' has too many interfaces", req->container);
}

static int assign_address(struct ipam *ipam, const struct cidr *subnet, bool given,
			  const struct ipaddr *want, struct cidr *ret, struct netd_error *e)
{
	char buf[INET6_ADDRSTRLEN] = "?", sub[CIDR_STRLEN] = "?";
	int r;

	(void)cidr_format(subnet, sub, sizeof(sub));
	if (given) {
		(void)ipaddr_format(want, buf, sizeof(buf));
		r = ipam_reserve(ipam, want);
		if (r == -EEXIST)
			return err_set(e, EADDRINUSE, "address '%s' is already in use", buf);
		if (r == -EINVAL && cidr_contains(subnet, want) &&
		    ipaddr_bits(want->family) - subnet->prefixlen > IPAM_MAX_HOSTS_BITS)
			return err_set(
				e, EINVAL,
				"address '%s' is past the first 2^%d addresses of '%s' that netd hands out",
				buf, IPAM_MAX_HOSTS_BITS, sub);
		if (r < 0)
			return err_set(e, r == -ENOMEM ? ENOMEM : EINVAL,
				       "address '%s' is not a usable host address of '%s'", buf,
				       sub);
		ret->addr = *want;
	} else {
		r = ipam_alloc(ipam, &ret->addr);
		if (r == -ENOSPC)
			return err_set(e, ENOSPC, "no free address left in '%s'", sub);
		if (r < 0)
			return err_set(e, r, "allocate an address in '%s'", sub);
	}
	ret->prefixlen = subnet->prefixlen;
	return 0;
}

/**
 * ops_endpoint_attach() - attach a container's netns to a network
 * @d:		daemon
 * @req:	validated request
 * @ret:	the endpoint (owned by the state), or NULL
 * @e:		error context
 *
 * Addresses come from the network's IPAM; the kernel work is one veth request plus a few on
 * the container side; the state file is written last. On failure addresses go back and the
 * veth is deleted, so nothing is left behind.
 *
 * Return: 0 or negative errno
 */
int ops_endpoint_attach(struct daemon *d, const struct attach_request *req,
			struct endpoint_spec **ret, struct netd_error *e)
{
	_cleanup_free_ struct endpoint_spec *ep = NULL;
	_cleanup_close_ int ns_fd = -1;
	struct endpoint_spec *sibling;
	struct network *n;
	struct netns_id id;
	bool have4 = false, have6 = false;
	struct veth_undo vu = { .sk = d->nl };
	int r;

	n = state_network(&d->state, req->network);
	if (!n)
		return err_set(e, ENOENT, "network '%s' not found", req->network);
	if (state_endpoint(&d->state, req->container, req->network))
		return err_set(e, EEXIST, "container '%s' is already attached to network '%s'",
			       req->container, req->network);
	if (d->state.n_endpoints >= NETD_MAX_ENDPOINTS)
		return err_set(e, ENOSPC, "too many endpoints (at most %d)", NETD_MAX_ENDPOINTS);
	if (req->has_ip6 && !n->spec.has_v6)
		return err_set(e, EINVAL, "network '%s' has no IPv6 subnet", n->spec.name);

	ep = calloc(1, sizeof(*ep));
	if (!ep)
		return err_set(e, ENOMEM, "attach");
	STRLCPY(ep->container, req->container);
	STRLCPY(ep->network, req->network);
	if (req->pid > 0) {
		(void)netns_pid_path(req->pid, ep->netns_path, sizeof(ep->netns_path));
		ep->pid = req->pid;
	} else {
		STRLCPY(ep->netns_path, req->netns_path);
	}
	r = netns_open(ep->netns_path, &ns_fd, &id, e);
	if (r == -ENOENT && req->pid > 0)
		return err_set(e, ESRCH, "no process with pid %d", req->pid);
	if (r == -ENOENT)
		return err_set(e, ENOENT, "netns '%s' does not exist", ep->netns_path);
	if (r < 0)
		return r == -EINVAL ? r : err_wrap(e, "attach '%s'", req->container);
	if (id.dev == d->self_ns.dev && id.ino == d->self_ns.ino)
		return err_set(e, EINVAL, "'%s' is netd's own network namespace, not a container's",
			       ep->netns_path);
	sibling = container_endpoint(d, req->container);
	if (sibling && (sibling->netns_dev != id.dev || sibling->netns_ino != id.ino))
		return err_set(
			e, EINVAL,
			"container '%s' is already attached from another network namespace ('%s')",
			req->container, sibling->netns_path);
	ep->netns_dev = id.dev;
	ep->netns_ino = id.ino;
	r = pick_ifname(d, req, ep->ifname, e);
	if (r < 0)
		return r;
	naming_host_ifname(req->container, req->network, ep->host_ifname);
	if (host_ifname_used(d, ep->host_ifname))
		return err_set(e, EEXIST, "host interface name '%s' collides, use another name",
			       ep->host_ifname);
	/* a detach of the same container from the same network is still deleting it */
	if (reaper_pending(d, ep->host_ifname))
		return err_set(e, EBUSY, "container '%s' is still being detached from '%s'",
			       req->container, req->network);
	if (req->has_mac)
		memcpy(ep->mac, req->mac, 6);
	else
		naming_mac(req->container, req->network, ep->mac);

	r = assign_address(&n->ipam4, &n->spec.subnet, req->has_ip4, &req->ip4, &ep->ip4, e);
	if (r < 0)
		return r;
	ep->has_ip4 = have4 = true;
	if (n->spec.has_v6) {
		r = assign_address(&n->ipam6, &n->spec.subnet6, req->has_ip6, &req->ip6, &ep->ip6,
				   e);
		if (r < 0)
			goto fail;
		ep->has_ip6 = have6 = true;
	}
	ep->no_default_route = req->no_default_route;
	r = ops_endpoint_kernel_create(d, n, ep, ns_fd, sibling == NULL && !ep->no_default_route,
				       e);
	if (r < 0) {
		err_wrap(e, "attach '%s' to '%s'", req->container, req->network);
		goto fail;
	}
	r = state_endpoint_add(&d->state, ep, e);
	if (r < 0) {
		STRLCPY(vu.name, ep->host_ifname);
		undo_veth(&vu);
		goto fail;
	}
	n->n_endpoints++;
	undo_fault_point();
	if (ret)
		*ret = ep;
	TAKE_PTR(ep);
	return 0;
fail:
	if (have4)
		(void)ipam_release(&n->ipam4, &ep->ip4.addr);
	if (have6)
		(void)ipam_release(&n->ipam6, &ep->ip6.addr);
	return r;
}

/**
 * ops_endpoint_forget() - forget one endpoint, then delete its veth
 * @d:		daemon
 * @ep:		endpoint in the state (freed)
 * @w:		NULL: the veth is deleted before this returns; else off the loop, and @w is
 *		told when it is gone (link_reaper.c)
 * @e:		error context
 *
 * The state goes first, so a crash in between leaves only an orphan veth that the next start
 * removes.
 *
 * Return: 0 or negative errno (then nothing changed)
 */
int ops_endpoint_forget(struct daemon *d, struct endpoint_spec *ep, struct reap_wait *w,
			struct netd_error *e)
{
	struct network *n = state_network(&d->state, ep->network);
	struct endpoint_spec copy = *ep;
	char what[160];
	int r;

	/* its published ports go first: their map elements point at its addresses */
	ops_ports_forget_endpoint(d, ep);

	r = state_endpoint_remove(&d->state, ep, e);
	if (r < 0)
		return r;
	if (n) {
		endpoint_release_addresses(n, &copy);
		n->n_endpoints--;
	}
	undo_fault_point();
	(void)snprintf(what, sizeof(what), "endpoint '%s' on '%s'", copy.container, copy.network);
	reaper_delete(d, copy.host_ifname, what, w);
	return 0;
}

/**
 * ops_endpoint_detach() - detach a container from one network, or from all of them
 * @d:		daemon
 * @container:	container name
 * @network:	network name, or NULL for every network
 * @w:		NULL, or told when the veths are gone (see ops_endpoint_forget())
 * @ret_detached: JSON array of the networks detached from, or NULL
 * @e:		error context
 *
 * Return: 0, -ENOENT when the container is not attached (there), or negative errno
 */
int ops_endpoint_detach(struct daemon *d, const char *container, const char *network,
			struct reap_wait *w, json_t **ret_detached, struct netd_error *e)
{
	_cleanup_json_ json_t *done = json_array();
	size_t i;
	int r;

	if (!done)
		return err_set(e, ENOMEM, "detach");
	if (network && !state_network(&d->state, network))
		return err_set(e, ENOENT, "network '%s' not found", network);
	for (i = d->state.n_endpoints; i > 0; i--) {
		struct endpoint_spec *ep = d->state.endpoints[i - 1];

		if (strcmp(ep->container, container) != 0 ||
		    (network && strcmp(ep->network, network) != 0))
			continue;
		(void)json_array_append_new(done, json_string(ep->network));
		r = ops_endpoint_forget(d, ep, w, e);
		if (r < 0)
			return r;
	}
	if (json_array_size(done) == 0) {
		if (network)
			return err_set(e, ENOENT, "container '%s' is not attached to network '%s'",
				       container, network);
		return err_set(e, ENOENT, "container '%s' is not attached to any network",
			       container);
	}
	if (ret_detached)
		*ret_detached = TAKE_PTR(done);
	return 0;
}
