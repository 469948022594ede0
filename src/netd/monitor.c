// SPDX-License-Identifier: GPL-2.0-or-later
/* monitor.c - watch links and nftables: repair what someone removed, forget containers that died */
#include "config.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/socket.h>
#include <libmnl/libmnl.h>

#include <netd/netns.h>
#include <netd/nlsock.h>

#include "daemon.h"

/* several links often go at once (a netns with two endpoints): reconcile once after a pause */
#define MONITOR_SETTLE_MS 100

static bool owned_name(struct daemon *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->state.n_endpoints; i++)
		if (strcmp(d->state.endpoints[i]->host_ifname, name) == 0)
			return true;
	for (i = 0; i < d->state.n_networks; i++)
		if (strcmp(d->state.networks[i]->spec.bridge, name) == 0)
			return true;
	return false;
}

static int on_link_msg(struct nl_msg *msg, void *arg)
{
	struct daemon *d = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[IFLA_MAX + 1];
	const struct timeval settle = { 0, MONITOR_SETTLE_MS * 1000 };
	const char *name;

	if (h->nlmsg_type != RTM_DELLINK)
		return NL_OK;
	/* AF_BRIDGE notifications report a port leaving its bridge, not a deleted link */
	if (((struct ifinfomsg *)nlmsg_data(h))->ifi_family == AF_BRIDGE)
		return NL_OK;
	if (nlmsg_parse(h, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0 || !tb[IFLA_IFNAME])
		return NL_OK;
	name = nla_get_string(tb[IFLA_IFNAME]);
	/* netd's own deletions forget the object first, so they never match here */
	if (!owned_name(d, name))
		return NL_OK;
	log_info("link '%s' was removed behind netd's back, reconciling", name);
	(void)evtimer_add(d->monitor_timer, &settle);
	return NL_OK;
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
	static const struct timeval now = { 0, 0 };
	struct daemon *d = arg;
	int r = nl_recvmsgs_default(d->monitor_sk);

	if (r < 0 && r != -NLE_AGAIN) {
		/* an overrun loses events: a full reconcile makes up for whatever was missed */
		log_warn("link monitor: %s, reconciling", nl_geterror(r));
		(void)evtimer_add(d->monitor_timer, &now);
	}
}

static void on_settled(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	struct netd_error e = NETD_ERROR_INIT;

	if (reconcile_run(d, &e) < 0)
		log_error("reconcile: %s", e.msg);
}

static void on_fw_settled(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	struct netd_error e = NETD_ERROR_INIT;

	if (ops_fw_install(d, &e) < 0)
		log_error("restore nftables table 'inet %s': %s", d->cfg.nft_table, e.msg);
	else {
		log_info("nftables table 'inet %s' restored", d->cfg.nft_table);
		d->fw_restores++;
		events_emit(d, "firewall", "restore",
			    json_pack("{s:s}", "table", d->cfg.nft_table));
	}
}

/**
 * monitor_fw_drain() - after netd's own table install: read the notifications it caused
 * @d:		daemon
 *
 * Installing a big table floods the notification socket, which may overflow; that loss is
 * netd's own doing and must not trigger another install (which would flood it again).
 * A foreign deletion read here still schedules a restore.
 */
void monitor_fw_drain(struct daemon *d)
{
	const struct timeval settle = { 0, MONITOR_SETTLE_MS * 1000 };
	uint32_t pid = 0;

	if (d->fw_watch && d->fw_timer &&
	    fw_event_read(&d->fw, d->fw_watch, &pid) == FW_EVENT_FOREIGN)
		(void)evtimer_add(d->fw_timer, &settle);
}

static void on_fw_event(evutil_socket_t fd, short what, void *arg)
{
	const struct timeval settle = { 0, MONITOR_SETTLE_MS * 1000 };
	struct daemon *d = arg;
	uint32_t pid = 0;

	switch (fw_event_read(&d->fw, d->fw_watch, &pid)) {
	case FW_EVENT_FOREIGN:
		log_warn(
			"nftables table 'inet %s' was changed by someone else (netlink port %u), restoring it",
			d->cfg.nft_table, (unsigned int)pid);
		(void)evtimer_add(d->fw_timer, &settle);
		break;
	case FW_EVENT_LOST:
		log_warn("nftables notifications were lost, restoring table 'inet %s' to be sure",
			 d->cfg.nft_table);
		(void)evtimer_add(d->fw_timer, &settle);
		break;
	case FW_EVENT_NONE:
		break;
	}
}

/**
 * monitor_start() - subscribe to link notifications of netd's netns
 * @d:		daemon
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int monitor_start(struct daemon *d, struct netd_error *e)
{
	int r;

	r = nlsock_open(-1, &d->monitor_sk, e);
	if (r < 0)
		return r;
	nl_socket_disable_seq_check(d->monitor_sk);
	r = nl_socket_modify_cb(d->monitor_sk, NL_CB_VALID, NL_CB_CUSTOM, on_link_msg, d);
	if (r == 0)
		r = nl_socket_add_membership(d->monitor_sk, RTNLGRP_LINK);
	if (r == 0)
		r = nl_socket_set_nonblocking(d->monitor_sk);
	if (r < 0)
		return err_set(e, -nlsock_errno(r), "subscribe to link events: %s", nl_geterror(r));
	d->monitor_timer = evtimer_new(d->base, on_settled, d);
	d->monitor_ev = event_new(d->base, nl_socket_get_fd(d->monitor_sk), EV_READ | EV_PERSIST,
				  on_readable, d);
	if (!d->monitor_timer || !d->monitor_ev || event_add(d->monitor_ev, NULL) < 0)
		return err_set(e, ENOMEM, "watch link events");
	/* someone flushing the ruleset must not leave containers without NAT for long */
	r = fw_watch_open(&d->fw, &d->fw_watch, e);
	if (r < 0)
		return r;
	d->fw_timer = evtimer_new(d->base, on_fw_settled, d);
	d->fw_ev = event_new(d->base, mnl_socket_get_fd(d->fw_watch), EV_READ | EV_PERSIST,
			     on_fw_event, d);
	if (!d->fw_timer || !d->fw_ev || event_add(d->fw_ev, NULL) < 0)
		return err_set(e, ENOMEM, "watch nftables events");
	return 0;
}

/**
 * monitor_stop() - unsubscribe and free
 * @d:		daemon
 */
void monitor_stop(struct daemon *d)
{
	if (d->monitor_ev)
		event_free(d->monitor_ev);
	if (d->monitor_timer)
		event_free(d->monitor_timer);
	if (d->monitor_sk)
		nl_socket_free(d->monitor_sk);
	if (d->fw_ev)
		event_free(d->fw_ev);
	if (d->fw_timer)
		event_free(d->fw_timer);
	if (d->fw_watch)
		(void)mnl_socket_close(d->fw_watch);
	d->fw_ev = d->fw_timer = NULL;
	d->fw_watch = NULL;
	d->monitor_ev = d->monitor_timer = NULL;
	d->monitor_sk = NULL;
}
