// SPDX-License-Identifier: GPL-2.0-or-later
/* reconcile.c - at start: adopt what matches, repair what drifted, remove owned orphans */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netd/link.h>

#include "daemon.h"

/* bridges netd made carry this alias: the mark of ownership for orphan removal */
#define OWNER_ALIAS_PREFIX "netd:"

static void reconcile_networks(struct daemon *d)
{
	size_t i;

	for (i = 0; i < d->state.n_networks; i++) {
		struct network *n = d->state.networks[i];
		struct netd_error e = NETD_ERROR_INIT;
		bool repaired = false;

		if (ops_network_kernel_ensure(d, n, &repaired, &e) < 0)
			log_error("reconcile: network '%s': %s", n->spec.name, e.msg);
		else if (repaired) {
			log_info("reconcile: network '%s': bridge '%s' repaired", n->spec.name,
				 n->spec.bridge);
			d->repairs++;
			events_emit(d, "network", "repair",
				    json_pack("{s:s, s:s}", "name", n->spec.name, "bridge",
					      n->spec.bridge));
		}
	}
}

/* Return: true when @ep was removed from the state */
static bool reconcile_endpoint(struct daemon *d, struct endpoint_spec *ep)
{
	struct network *n = state_network(&d->state, ep->network);
	struct netd_error e = NETD_ERROR_INIT;
	_cleanup_close_ int ns_fd = -1;
	struct link_info host, br;
	struct netns_id id;
	int r;

	r = netns_open(ep->netns_path, &ns_fd, &id, NULL);
	if (r < 0 || id.dev != ep->netns_dev || id.ino != ep->netns_ino) {
		char who[2 * NAME_MAX_LEN + 8];

		json_t *attrs;

		(void)snprintf(who, sizeof(who), "%s' on '%s", ep->container, ep->network);
		/* forgetting frees @ep */
		attrs = json_pack("{s:s, s:s, s:s}", "container", ep->container, "network",
				  ep->network, "reason", "network namespace gone");
		if (ops_endpoint_forget(d, ep, NULL, &e) < 0) {
			log_error("reconcile: endpoint '%s': %s", who, e.msg);
			json_decref(attrs);
			return false;
		}
		log_info("reconcile: endpoint '%s': container netns is gone, cleaned up", who);
		d->repairs++;
		events_emit(d, "endpoint", "forget", attrs);
		return true;
	}
	if (!n || link_get(d->nl, n->spec.bridge, &br, NULL) < 0)
		return false;
	r = link_get(d->nl, ep->host_ifname, &host, NULL);
	if (r >= 0 && strcmp(host.kind, "veth") == 0) {
		if (host.master == br.ifindex)
			return false; /* as the state says: adopted untouched */
		/* the bridge was recreated: its old ports stay with the container side intact */
		if (link_set_master(d->nl, host.ifindex, br.ifindex, &e) == 0 &&
		    bridge_port_set_hairpin(d->nl, host.ifindex, true, &e) == 0) {
			log_info(
				"reconcile: endpoint '%s' on '%s': veth '%s' put back on bridge '%s'",
				ep->container, ep->network, ep->host_ifname, n->spec.bridge);
			d->repairs++;
			events_emit(d, "endpoint", "repair",
				    json_pack("{s:s, s:s, s:s}", "container", ep->container,
					      "network", ep->network, "reason",
					      "veth put back on its bridge"));
			return false;
		}
		log_warn("reconcile: endpoint '%s' on '%s': %s, rebuilding it", ep->container,
			 ep->network, e.msg);
	}
	if (r >= 0)
		(void)link_delete(d->nl, ep->host_ifname, NULL);
	/* a default route that another endpoint already provides stays (EEXIST is ignored) */
	if (ops_endpoint_kernel_create(d, n, ep, ns_fd, !ep->no_default_route, &e) < 0) {
		log_error("reconcile: endpoint '%s' on '%s': repair failed: %s", ep->container,
			  ep->network, e.msg);
		return false;
	}
	log_info("reconcile: endpoint '%s' on '%s': veth '%s' was missing, recreated",
		 ep->container, ep->network, ep->host_ifname);
	d->repairs++;
	events_emit(d, "endpoint", "repair",
		    json_pack("{s:s, s:s, s:s}", "container", ep->container, "network", ep->network,
			      "reason", "veth recreated"));
	return false;
}

struct orphan_scan {
	struct daemon *d;
	int bridges[NETD_MAX_NETWORKS * 2];
	size_t n_bridges;
	unsigned int removed;
};

static bool known_bridge(struct daemon *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->state.n_networks; i++)
		if (strcmp(d->state.networks[i]->spec.bridge, name) == 0)
			return true;
	return false;
}

static bool known_veth(struct daemon *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->state.n_endpoints; i++)
		if (strcmp(d->state.endpoints[i]->host_ifname, name) == 0)
			return true;
	return false;
}

static int collect_bridges(const char *name, const struct link_info *info, void *arg)
{
	struct orphan_scan *s = arg;

	if (strcmp(info->kind, "bridge") == 0 &&
	    strncmp(info->alias, OWNER_ALIAS_PREFIX, strlen(OWNER_ALIAS_PREFIX)) == 0 &&
	    s->n_bridges < ARRAY_SIZE(s->bridges))
		s->bridges[s->n_bridges++] = info->ifindex;
	return 0;
}

/*
 * A bridge netd created but could not mark (killed between the creation and the alias): no
 * alias, a name "nd-NAME" as netd picks them, and the MAC netd derives for network NAME.
 */
static bool unmarked_ours(const char *name, const struct link_info *info)
{
	uint8_t mac[6];

	if (info->alias[0] || !info->has_mac || strncmp(name, "nd-", 3) != 0 || !name[3])
		return false;
	naming_mac("bridge", name + 3, mac);
	return memcmp(mac, info->mac, sizeof(mac)) == 0;
}

static int remove_orphans(const char *name, const struct link_info *info, void *arg)
{
	struct orphan_scan *s = arg;
	bool ours = false;
	size_t i;

	if (strcmp(info->kind, "veth") == 0 && naming_is_host_ifname(name)) {
		for (i = 0; i < s->n_bridges; i++)
			ours |= info->master == s->bridges[i];
		if (!ours || known_veth(s->d, name))
			return 0;
	} else if (strcmp(info->kind, "bridge") == 0 &&
		   (strncmp(info->alias, OWNER_ALIAS_PREFIX, strlen(OWNER_ALIAS_PREFIX)) == 0 ||
		    unmarked_ours(name, info))) {
		if (known_bridge(s->d, name))
			return 0;
	} else {
		return 0; /* not ours: never touched */
	}
	if (link_delete(s->d->nl, name, NULL) == 0) {
		log_info("reconcile: removed orphan %s '%s'", info->kind, name);
		s->removed++;
		s->d->repairs++;
		events_emit(s->d, "link", "remove-orphan",
			    json_pack("{s:s, s:s}", "name", name, "kind", info->kind));
	}
	return 0;
}

/**
 * reconcile_run() - bring the kernel in line with the state after a start or a crash
 * @d:		daemon
 * @e:		error context
 *
 * Return: 0 or negative errno (only when the links cannot even be listed)
 */
int reconcile_run(struct daemon *d, struct netd_error *e)
{
	struct orphan_scan *scan;
	size_t i;
	int r;

	d->reconcile_runs++;
	reconcile_networks(d);
	for (i = d->state.n_endpoints; i > 0; i--)
		(void)reconcile_endpoint(d, d->state.endpoints[i - 1]);
	scan = calloc(1, sizeof(*scan));
	if (!scan)
		return err_set(e, ENOMEM, "reconcile");
	scan->d = d;
	r = link_foreach(d->nl, collect_bridges, scan, e);
	if (r == 0)
		r = link_foreach(d->nl, remove_orphans, scan, e);
	free(scan);
	return r;
}
