// SPDX-License-Identifier: GPL-2.0-or-later
/* daemon.c - netd's lifecycle: event loop, signals, state, default network, reconcile, API */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <stddef.h>
#include <sys/socket.h>

#include <netd/fileio.h>
#include <netd/nlsock.h>

#include "daemon.h"

static void on_reload_signal(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	notify_manager("RELOADING=1");
	options_reload(&d->cfg);
	notify_manager("READY=1");
}

static void on_stop_signal(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	/* event streams and detaches get their last answer while the loop still runs to send it */
	const struct timeval flush = { 0, 100 * 1000 };
	bool answered;

	log_info("signal %d: stopping; networks and endpoints stay in place", (int)sig);
	notify_manager("STOPPING=1");
	answered = reaper_finish(d) > 0;
	(void)event_base_loopexit(d->base, events_stop() > 0 || answered ? &flush : NULL);
}

/* the default network, like Docker's "bridge": created on first start */
static int ensure_default_network(struct daemon *d, struct netd_error *e)
{
	struct network_request q = { 0 };
	int r;

	if (state_network(&d->state, NETD_DEFAULT_NETWORK))
		return 0;
	STRLCPY(q.name, NETD_DEFAULT_NETWORK);
	STRLCPY(q.bridge, NETD_DEFAULT_BRIDGE);
	q.has_subnet = true;
	q.subnet = d->cfg.default_subnet;
	q.mtu = NETD_MTU_DEFAULT;
	r = ops_network_create(d, &q, NULL, e);
	if (r < 0)
		return err_wrap(e, "create default network '%s'", NETD_DEFAULT_NETWORK);
	log_info("default network '%s' created on bridge '%s'", NETD_DEFAULT_NETWORK,
		 NETD_DEFAULT_BRIDGE);
	return 0;
}

/**
 * daemon_init() - everything up to serving: loop, signals, netlink, state, reconcile, socket
 * @d:		daemon with @d->cfg filled
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int daemon_init(struct daemon *d, struct netd_error *e)
{
	struct rlimit rl;
	int r;

	/* each published port holds a socket per family: 10,000 ports need 20,000 fds */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			log_warn("raise the open file limit: %s, ignoring", strerror(errno));
	}

	d->state.lock_fd = d->state.dir_fd = d->state.networks_fd = d->state.endpoints_fd = -1;
	d->state.ports_fd = -1;
	d->listen_fd = d->metrics_fd = -1;
	d->proxy.ctl_fd = d->proxy.stats_fd = -1;
	d->reaper.efd = -1;
	(void)signal(SIGPIPE, SIG_IGN);
	d->base = event_base_new();
	if (!d->base)
		return err_set(e, ENOMEM, "create event loop");
	d->sig_term = evsignal_new(d->base, SIGTERM, on_stop_signal, d);
	d->sig_int = evsignal_new(d->base, SIGINT, on_stop_signal, d);
	/* a SIGHUP (systemctl reload) must not kill netd: it re-reads netd.conf */
	d->sig_hup = evsignal_new(d->base, SIGHUP, on_reload_signal, d);
	if (!d->sig_term || !d->sig_int || !d->sig_hup || evsignal_add(d->sig_term, NULL) < 0 ||
	    evsignal_add(d->sig_int, NULL) < 0 || evsignal_add(d->sig_hup, NULL) < 0)
		return err_set(e, ENOMEM, "set up signal handling");
	r = netns_self_id(&d->self_ns);
	if (r < 0)
		return err_set(e, r, "identify own network namespace");
	r = nlsock_open(-1, &d->nl, e);
	if (r < 0)
		return r;
	r = reaper_start(d, e);
	if (r < 0)
		return r;
	r = fw_open(&d->fw, d->cfg.nft_table, e);
	if (r < 0)
		return r;
	d->fw.loopback_dnat = d->cfg.userland_proxy == PROXY_MODE_NEVER;
	r = dir_mkdir_p(d->cfg.run_dir, 0755, e);
	if (r < 0)
		return r;
	r = state_open(&d->state, d->cfg.state_dir, e);
	if (r < 0)
		return err_wrap(e, "open state '%s'", d->cfg.state_dir);
	log_info("state loaded: %zu network(s), %zu endpoint(s)", d->state.n_networks,
		 d->state.n_endpoints);
	/* claim the socket before touching the kernel: a second netd must change nothing */
	r = api_listen(d, e);
	if (r < 0)
		return r;
	/* subscribe before reconciling, so nothing removed in between goes unnoticed */
	r = monitor_start(d, e);
	if (r < 0)
		return r;
	r = reconcile_run(d, e);
	if (r < 0)
		return err_wrap(e, "reconcile");
	/* the whole table again, in one batch: whatever drifted while netd was away is gone */
	r = ops_fw_install(d, e);
	if (r < 0)
		return err_wrap(e, "install nftables table '%s'", d->cfg.nft_table);
	r = ensure_default_network(d, e);
	if (r < 0)
		return r;
	ops_ports_hold_all(d);
	r = proxy_sup_start(d, e);
	if (r < 0)
		return r;
	return api_start(d, e);
}

/**
 * daemon_run() - serve until SIGTERM or SIGINT
 * @d:		daemon
 *
 * Return: exit status
 */
int daemon_run(struct daemon *d)
{
	log_info("ready: serving on '%s'", d->cfg.socket_path);
	notify_manager("READY=1\nSTATUS=serving");
	if (event_base_dispatch(d->base) < 0)
		return 1;
	return d->exit_code;
}

/**
 * daemon_done() - free everything; kernel objects stay, so a restart does not cut traffic
 * @d:		daemon
 */
void daemon_done(struct daemon *d)
{
	/* first: the thread ends before the netlink socket and loop it uses go */
	reaper_stop(d);
	api_stop(d);
	proxy_sup_stop(d);
	monitor_stop(d);
	if (d->sig_term)
		event_free(d->sig_term);
	if (d->sig_int)
		event_free(d->sig_int);
	if (d->sig_hup)
		event_free(d->sig_hup);
	state_close(&d->state);
	if (d->nl)
		nl_socket_free(d->nl);
	fw_close(&d->fw);
	if (d->base)
		event_base_free(d->base);
	memset(d, 0, sizeof(*d));
}
