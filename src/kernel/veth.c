// SPDX-License-Identifier: GPL-2.0-or-later
/* veth.c - a veth pair created with its peer already in the container netns */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/route/link/veth.h>

#include <netd/cleanup.h>
#include <netd/link.h>
#include <netd/nlsock.h>

/**
 * veth_create() - create a veth pair in one request: host end on the bridge (up if asked),
 * peer (down) in the target netns under its final name
 * @sk:		route socket of netd's netns
 * @cfg:	names, target netns, bridge, MTU, MACs
 * @e:		error context
 *
 * Creating the peer in place (IFLA_NET_NS_FD on the peer, as nspawn and LXC do) avoids a
 * move and a rename, and no half-configured link is ever visible under the final name.
 *
 * Return: 0, -EEXIST when a name is taken, or negative errno
 */
int veth_create(struct nl_sock *sk, const struct veth_config *cfg, struct netd_error *e)
{
	_cleanup_rtnl_link_ struct rtnl_link *link = NULL;
	_cleanup_rtnl_link_ struct rtnl_link *peer = NULL;
	_cleanup_nl_addr_ struct nl_addr *pmac = NULL;
	_cleanup_nl_addr_ struct nl_addr *hmac = NULL;
	int r;

	link = rtnl_link_veth_alloc();
	if (!link)
		return err_set(e, ENOMEM, "allocate veth");
	peer = rtnl_link_veth_get_peer(link);
	if (!peer)
		return err_set(e, ENOMEM, "allocate veth peer");
	rtnl_link_set_name(link, cfg->host_ifname);
	rtnl_link_set_mtu(link, cfg->mtu);
	rtnl_link_set_master(link, cfg->master);
	if (cfg->host_up)
		rtnl_link_set_flags(link, IFF_UP);
	if (cfg->host_mac) {
		hmac = nl_addr_build(AF_LLC, cfg->host_mac, 6);
		if (!hmac)
			return err_set(e, ENOMEM, "allocate address");
		rtnl_link_set_addr(link, hmac);
	}
	rtnl_link_set_name(peer, cfg->peer_ifname);
	rtnl_link_set_mtu(peer, cfg->mtu);
	rtnl_link_set_ns_fd(peer, cfg->peer_ns_fd);
	/* no IFF_UP on the peer: the kernel opens it before the pair is linked (ENOTCONN) */
	if (cfg->peer_mac) {
		pmac = nl_addr_build(AF_LLC, cfg->peer_mac, 6);
		if (!pmac)
			return err_set(e, ENOMEM, "allocate address");
		rtnl_link_set_addr(peer, pmac);
	}
	r = nlsock_errno(rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL));
	if (r < 0)
		return err_set(e, r, "create veth '%s' with peer '%s' in the container: %s",
			       cfg->host_ifname, cfg->peer_ifname, strerror(-r));
	return 0;
}
