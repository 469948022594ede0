// SPDX-License-Identifier: GPL-2.0-or-later
/* ops_port.c - publish and unpublish ports: hold the host port, one map element batch, state */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netd/codec.h>
#include <netd/conntrack.h>
#include <netd/portbind.h>
#include <netd/undo.h>

#include "daemon.h"

/* a random host port that turns out taken in the other family is tried again this often */
#define RANDOM_PORT_TRIES 16
/* a port in use at start is tried again this often, this far apart */
#define HOLD_AGAIN_ROUNDS 20
#define HOLD_AGAIN_MS 50

static const uint8_t ipproto[PORTSPEC_PROTO_MAX] = {
	[PORTSPEC_TCP] = IPPROTO_TCP,
	[PORTSPEC_UDP] = IPPROTO_UDP,
	[PORTSPEC_SCTP] = IPPROTO_SCTP,
};

static bool is_any(const struct ipaddr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->b, zero, ipaddr_len(a)) == 0;
}

/* the families a spec is published on: a bound address's own, else both */
static void spec_families(const struct portspec *s, bool *v4, bool *v6)
{
	*v4 = !s->has_host_ip || s->host_ip.family == AF_INET;
	*v6 = !s->has_host_ip || s->host_ip.family == AF_INET6;
}

static struct endpoint_spec *first_endpoint(struct daemon *d, const char *container)
{
	size_t i;

	for (i = 0; i < d->state.n_endpoints; i++)
		if (strcmp(d->state.endpoints[i]->container, container) == 0)
			return d->state.endpoints[i];
	return NULL;
}

/*
 * the map elements of a mapping: one per family it reaches the container on; none when the
 * userland proxy relays everything
 */
static size_t mapping_fw(const struct daemon *d, const struct port_mapping *m,
			 const struct endpoint_spec *ep, struct fw_port out[2])
{
	bool v4, v6;
	size_t n = 0;

	/* a port nobody holds for the proxy is NAT's in every mode */
	if (d->cfg.userland_proxy == PROXY_MODE_ALWAYS && !m->unheld)
		return 0;
	spec_families(&m->spec, &v4, &v6);
	if (v4 && ep->has_ip4)
		out[n++] = (struct fw_port){
			.family = AF_INET,
			.has_host_ip = m->spec.has_host_ip && !is_any(&m->spec.host_ip),
			.host_ip = m->spec.host_ip,
			.proto = ipproto[m->spec.proto],
			.host_port = m->spec.host_port,
			.host_port_end = m->spec.host_port_end,
			.target = ep->ip4.addr,
			.ctr_port = m->spec.ctr_port,
			.loopback = m->unheld,
		};
	if (v6 && ep->has_ip6)
		out[n++] = (struct fw_port){
			.family = AF_INET6,
			.has_host_ip = m->spec.has_host_ip && !is_any(&m->spec.host_ip),
			.host_ip = m->spec.host_ip,
			.proto = ipproto[m->spec.proto],
			.host_port = m->spec.host_port,
			.host_port_end = m->spec.host_port_end,
			.target = ep->ip6.addr,
			.ctr_port = m->spec.ctr_port,
		};
	return n;
}

static void close_fds(int *fds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		closep(&fds[i]);
}

/* bind every host port of the mapping in each family; a random port is picked by the first */
static int hold_once(struct daemon *d, struct mapping *mp, struct netd_error *e)
{
	struct portspec *s = &mp->m.spec;
	const struct ipaddr *addr = s->has_host_ip && !is_any(&s->host_ip) ? &s->host_ip : NULL;
	size_t count = (size_t)s->host_port_end - s->host_port + 1, i, n = 0;
	char what[PORTSPEC_STRLEN];
	bool v4, v6;
	int r = 0, f;

	spec_families(s, &v4, &v6);
	if (s->host_port == 0)
		count = 1;
	mp->fds = calloc(count * 2, sizeof(*mp->fds));
	if (!mp->fds)
		return err_set(e, ENOMEM, "hold host ports");
	for (i = 0; i < count && r == 0; i++) {
		for (f = 0; f < 2 && r == 0; f++) {
			int family = f == 0 ? AF_INET : AF_INET6;
			uint16_t want = s->host_port ? (uint16_t)(s->host_port + i) : 0, got = 0;

			if ((family == AF_INET && !v4) || (family == AF_INET6 && !v6))
				continue;
			r = portbind_hold(family, addr, ipproto[s->proto], want,
					  d->cfg.userland_proxy != PROXY_MODE_NEVER, &mp->fds[n],
					  &got, e);
			if (r == -EAFNOSUPPORT && !s->has_host_ip) {
				r = 0; /* a host without IPv6 publishes on IPv4 alone */
				continue;
			}
			if (r < 0)
				break;
			n++;
			if (s->host_port == 0) {
				s->host_port = s->host_port_end = got;
			}
		}
	}
	mp->n_fds = n;
	if (r < 0) {
		(void)snprintf(what, sizeof(what), "%u/%s", (unsigned int)(s->host_port + i - 1),
			       portspec_proto_name(s->proto));
		close_fds(mp->fds, n);
		mp->n_fds = 0;
		if (r == -EADDRINUSE)
			return err_set(e, EADDRINUSE, "host port %s is already in use", what);
		return err_wrap(e, "hold host port %s", what);
	}
	return 0;
}

static int hold(struct daemon *d, struct mapping *mp, struct netd_error *e)
{
	bool random = mp->m.spec.host_port == 0;
	int tries, r;

	for (tries = 0; tries < RANDOM_PORT_TRIES; tries++) {
		r = hold_once(d, mp, e);
		if (r != -EADDRINUSE || !random)
			return r;
		/* the port picked in one family was taken in the other: pick again */
		mp->m.spec.host_port = mp->m.spec.host_port_end = 0;
		free(mp->fds);
		mp->fds = NULL;
	}
	return r;
}

/* a UDP flow keeps the NAT decision of its first datagram while datagrams keep coming */
static void forget_udp_flows(const struct portspec *s, const struct fw_port *fwp, size_t nfw)
{
	struct netd_error e = NETD_ERROR_INIT;
	size_t i;
	int r;

	for (i = 0; i < nfw; i++) {
		r = conntrack_forget_port(fwp[i].family, IPPROTO_UDP, s->host_port,
					  s->host_port_end, &e);
		if (r < 0)
			log_warn("conntrack of %u/udp: %s, ignoring", (unsigned int)s->host_port,
				 e.msg);
		else if (r > 0)
			log_debug("%d conntrack entries of %u/udp removed", r,
				  (unsigned int)s->host_port);
	}
}

/**
 * ops_port_publish() - publish a port (or range) of an attached container
 * @d:		daemon
 * @q:		validated request
 * @ret:	the mapping (owned by the state), or NULL
 * @e:		error context
 *
 * The host port is held by a bound socket first (so one in use by anyone is refused), then
 * the map element goes in with one batch, then the state file: on any failure the earlier
 * steps are undone.
 *
 * Return: 0 or negative errno
 */
int ops_port_publish(struct daemon *d, const struct publish_request *q, struct mapping **ret,
		     struct netd_error *e)
{
	struct endpoint_spec *ep;
	const struct network *n;
	const struct mapping *other;
	struct fw_port fwp[2];
	struct mapping *mp;
	char spec[PORTSPEC_STRLEN];
	size_t nfw;
	int r;

	ep = q->network[0] ? state_endpoint(&d->state, q->container, q->network) :
			     first_endpoint(d, q->container);
	if (!ep)
		return err_set(e, ENOENT, "container '%s' is not attached%s%s", q->container,
			       q->network[0] ? " to network " : "", q->network);
	n = state_network(&d->state, ep->network);
	if (n && n->spec.internal)
		return err_set(e, EINVAL,
			       "network '%s' is internal: its containers publish no ports",
			       ep->network);
	if (q->spec.host_port == 0 && q->spec.ctr_port != q->spec.ctr_port_end)
		return err_set(e, EINVAL, "a container port range needs a host port range");
	if (q->spec.has_host_ip && q->spec.host_ip.family == AF_INET6 && !ep->has_ip6)
		return err_set(
			e, EINVAL,
			"container '%s' has no IPv6 address on '%s' to publish an IPv6 host address to",
			q->container, ep->network);
	if (q->proxy_protocol && d->cfg.userland_proxy == PROXY_MODE_NEVER)
		return err_set(
			e, EINVAL,
			"the PROXY protocol header is sent by the userland proxy, which netd runs without (--userland-proxy=never)");
	if (d->state.n_mappings >= NETD_MAX_MAPPINGS)
		return err_set(e, ENOSPC, "too many published ports (at most %d)",
			       NETD_MAX_MAPPINGS);
	other = state_mapping_clash(&d->state, &q->spec);
	if (other) {
		(void)portspec_format(&other->m.spec, spec, sizeof(spec));
		return err_set(e, EADDRINUSE,
			       "host port is already published by container '%s' (%s)",
			       other->m.container, spec);
	}
	mp = calloc(1, sizeof(*mp));
	if (!mp)
		return err_set(e, ENOMEM, "publish");
	STRLCPY(mp->m.container, ep->container);
	STRLCPY(mp->m.network, ep->network);
	mp->m.spec = q->spec;
	mp->m.proxy_protocol = q->proxy_protocol;
	mp->m.unheld = q->unheld;
	/* the runtime holds it (podman binds published ports before it calls its plugins) */
	r = mp->m.unheld ? 0 : hold(d, mp, e);
	if (r < 0)
		goto fail;
	if (!mp->m.unheld)
		undo_fault_point();
	if (mp->m.unheld) {
		/* loopback reaches it by NAT: the bridge must route 127.0.0.0/8 sources */
		r = ops_network_localnet(d, n, true, e);
		if (r < 0)
			goto fail;
		undo_fault_point();
	}
	nfw = mapping_fw(d, &mp->m, ep, fwp);
	r = fw_ports_add(&d->fw, fwp, nfw, e);
	if (r < 0)
		goto fail;
	undo_fault_point();
	r = state_mapping_add(&d->state, mp, e);
	if (r < 0) {
		struct netd_error fe = NETD_ERROR_INIT;

		if (fw_ports_del(&d->fw, fwp, nfw, &fe) < 0)
			log_warn("undo: %s, ignoring", fe.msg);
		goto fail;
	}
	undo_fault_point();
	if (mp->m.spec.proto == PORTSPEC_UDP)
		forget_udp_flows(&mp->m.spec, fwp, nfw);
	/* slots are as many as mappings may be: this cannot run out */
	if (proxy_sup_slot(d, mp) == 0) {
		proxy_sup_add(d, mp);
		undo_fault_point();
	}
	if (ret)
		*ret = mp;
	return 0;
fail:
	if (mp->m.unheld) {
		struct netd_error le = NETD_ERROR_INIT;

		/* undo route_localnet unless another unheld port of the network needs it */
		if (ops_network_localnet(d, n, false, &le) < 0)
			log_warn("undo: %s, ignoring", le.msg);
	}
	mapping_free(mp);
	return r;
}

/* Return: 0, or negative errno when the state file stays (then nothing changed) */
static int forget(struct daemon *d, struct mapping *mp, struct netd_error *e)
{
	const struct endpoint_spec *ep = state_endpoint(&d->state, mp->m.container, mp->m.network);
	struct netd_error le = NETD_ERROR_INIT;
	struct port_mapping m = mp->m;
	struct fw_port fwp[2];
	size_t nfw = ep ? mapping_fw(d, &m, ep, fwp) : 0;
	int r;

	/* the worker lets go of the sockets first, so the port is free when this returns */
	proxy_sup_del(d, mp);
	r = state_mapping_remove(&d->state, mp, e);
	if (r < 0) {
		if (proxy_sup_slot(d, mp) == 0)
			proxy_sup_add(d, mp);
		return r;
	}
	undo_fault_point();
	if (nfw && fw_ports_del(&d->fw, fwp, nfw, &le) < 0)
		log_warn("unpublish: %s, ignoring", le.msg);
	else if (nfw)
		undo_fault_point();
	if (m.spec.proto == PORTSPEC_UDP)
		forget_udp_flows(&m.spec, fwp, nfw);
	/* the bridge stops routing loopback sources with the network's last unheld port */
	if (m.unheld &&
	    ops_network_localnet(d, state_network(&d->state, m.network), false, &le) < 0)
		log_warn("route_localnet of '%s': %s, ignoring", m.network, le.msg);
	return 0;
}

static bool matches(const struct portspec *have, const struct portspec *want)
{
	if (have->proto != want->proto)
		return false;
	if (want->has_host_ip &&
	    (!have->has_host_ip || !ipaddr_equal(&have->host_ip, &want->host_ip)))
		return false;
	if (want->host_port)
		return have->host_port == want->host_port &&
		       have->host_port_end == want->host_port_end;
	return have->ctr_port == want->ctr_port && have->ctr_port_end == want->ctr_port_end;
}

/**
 * ops_port_unpublish() - unpublish a container's mappings that match @spec
 * @d:		daemon
 * @container:	container name
 * @spec:	as published ("8080:80"), or only the container side ("80/udp")
 * @ret_removed: JSON array of the removed mappings, or NULL
 * @e:		error context
 *
 * The state file goes first, then the map element, then the held socket. When a state file
 * cannot be removed (a read-only state directory), that mapping stays whole and the error is
 * returned; mappings removed before it stay removed.
 *
 * Return: 0, -ENOENT when nothing matches, or negative errno
 */
int ops_port_unpublish(struct daemon *d, const char *container, const struct portspec *spec,
		       json_t **ret_removed, struct netd_error *e)
{
	_cleanup_json_ json_t *done = json_array();
	size_t i;

	if (!done)
		return err_set(e, ENOMEM, "unpublish");
	for (i = d->state.n_mappings; i > 0; i--) {
		struct mapping *mp = d->state.mappings[i - 1];
		json_t *one;
		int r;

		if (strcmp(mp->m.container, container) != 0 || !matches(&mp->m.spec, spec))
			continue;
		one = mapping_to_json(&mp->m);
		r = forget(d, mp, e);
		if (r < 0) {
			json_decref(one);
			return err_wrap(e, "unpublish");
		}
		(void)json_array_append_new(done, one);
	}
	if (json_array_size(done) == 0)
		return err_set(e, ENOENT, "container '%s' has no such published port", container);
	if (ret_removed)
		*ret_removed = TAKE_PTR(done);
	return 0;
}

/**
 * ops_ports_forget_endpoint() - unpublish every port of an endpoint (detach, container gone)
 * @d:		daemon
 * @ep:		endpoint, still in the state
 */
void ops_ports_forget_endpoint(struct daemon *d, const struct endpoint_spec *ep)
{
	_cleanup_free_ struct fw_port *fwp = calloc(d->state.n_mappings * 2 + 1, sizeof(*fwp));
	struct netd_error e = NETD_ERROR_INIT;
	size_t i, n = 0;

	if (!fwp) {
		log_warn("unpublish the ports of '%s': out of memory, ignoring", ep->container);
		return;
	}
	/* every map element in one batch: one kernel commit however many ports there are */
	for (i = d->state.n_mappings; i > 0; i--) {
		struct mapping *mp = d->state.mappings[i - 1];
		size_t k;

		if (strcmp(mp->m.container, ep->container) != 0 ||
		    strcmp(mp->m.network, ep->network) != 0)
			continue;
		k = mapping_fw(d, &mp->m, ep, fwp + n);
		proxy_sup_del(d, mp);
		if (state_mapping_remove(&d->state, mp, &e) < 0) {
			log_warn("%s, ignoring", e.msg);
			if (proxy_sup_slot(d, mp) == 0)
				proxy_sup_add(d, mp);
			continue;
		}
		undo_fault_point();
		n += k;
	}
	if (n && fw_ports_del(&d->fw, fwp, n, &e) < 0)
		log_warn("unpublish the ports of '%s': %s, ignoring", ep->container, e.msg);
	else if (n)
		undo_fault_point();
	/* after the elements are gone, so no new datagram can take the old way again */
	for (i = 0; i < n; i++) {
		if (fwp[i].proto != IPPROTO_UDP)
			continue;
		if (conntrack_forget_port(fwp[i].family, IPPROTO_UDP, fwp[i].host_port,
					  fwp[i].host_port_end, &e) < 0)
			log_warn("conntrack of %u/udp: %s, ignoring",
				 (unsigned int)fwp[i].host_port, e.msg);
	}
	for (i = 0; i < n; i++) {
		if (!fwp[i].loopback)
			continue;
		if (ops_network_localnet(d, state_network(&d->state, ep->network), false, &e) < 0)
			log_warn("route_localnet of '%s': %s, ignoring", ep->network, e.msg);
		break;
	}
}

/**
 * ops_ports_hold_all() - after a start, hold every published host port again
 * @d:		daemon
 *
 * A port in use may still be held by the previous netd's proxy worker, which dies with it a
 * moment later: ports in use are tried again for up to a second.  A port something else took
 * while netd was away cannot be held; NAT still carries it.
 */
void ops_ports_hold_all(struct daemon *d)
{
	_cleanup_free_ struct mapping **busy = calloc(d->state.n_mappings + 1, sizeof(*busy));
	size_t i, n_busy = 0, round;

	if (!busy) {
		log_warn("hold the published ports: out of memory, ignoring");
		return;
	}
	for (i = 0; i < d->state.n_mappings; i++)
		if (!d->state.mappings[i]->n_fds && !d->state.mappings[i]->m.unheld)
			busy[n_busy++] = d->state.mappings[i];
	for (round = 0; n_busy && round < HOLD_AGAIN_ROUNDS; round++) {
		size_t left = 0;

		if (round)
			(void)usleep(HOLD_AGAIN_MS * 1000);
		for (i = 0; i < n_busy; i++) {
			struct mapping *mp = busy[i];
			struct netd_error e = NETD_ERROR_INIT;
			int r;

			free(mp->fds);
			mp->fds = NULL;
			r = hold(d, mp, &e);
			if (r == -EADDRINUSE && round + 1 < HOLD_AGAIN_ROUNDS)
				busy[left++] = mp;
			else if (r < 0)
				log_warn("published port of '%s': %s, ignoring", mp->m.container,
					 e.msg);
		}
		n_busy = left;
	}
}

/**
 * ops_ports_fw() - the map elements of every published port, for the table's installation
 * @d:		daemon
 * @ret:	array to free()
 * @ret_n:	entries
 * @e:		error context
 *
 * Return: 0 or -ENOMEM
 */
int ops_ports_fw(struct daemon *d, struct fw_port **ret, size_t *ret_n, struct netd_error *e)
{
	struct fw_port *all = calloc(d->state.n_mappings * 2 + 1, sizeof(*all));
	size_t i, n = 0;

	if (!all)
		return err_set(e, ENOMEM, "published ports");
	for (i = 0; i < d->state.n_mappings; i++) {
		const struct mapping *mp = d->state.mappings[i];
		const struct endpoint_spec *ep =
			state_endpoint(&d->state, mp->m.container, mp->m.network);

		if (ep)
			n += mapping_fw(d, &mp->m, ep, all + n);
	}
	*ret = all;
	*ret_n = n;
	return 0;
}
