// SPDX-License-Identifier: GPL-2.0-or-later
/* bridge.c - bridge creation and bridge port flags (hairpin) */
#include "config.h"

#include <errno.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/msg.h>
#include <netlink/attr.h>

#include <netd/cleanup.h>
#include <netd/link.h>
#include <netd/nlsock.h>

/**
 * bridge_create() - create a bridge, up, with a fixed MAC and MTU, marked by an alias
 * @sk:		route socket
 * @cfg:	name, MTU, MAC (fixed, so it does not follow the lowest port MAC), alias
 * @e:		error context
 *
 * Return: ifindex, -EEXIST when the name is taken, or negative errno
 */
int bridge_create(struct nl_sock *sk, const struct bridge_config *cfg, struct netd_error *e)
{
	_cleanup_rtnl_link_ struct rtnl_link *link = rtnl_link_alloc();
	_cleanup_rtnl_link_ struct rtnl_link *orig = rtnl_link_alloc();
	_cleanup_rtnl_link_ struct rtnl_link *change = rtnl_link_alloc();
	_cleanup_nl_addr_ struct nl_addr *mac = NULL;
	int r, ifindex;

	if (!link || !orig || !change)
		return err_set(e, ENOMEM, "allocate link");
	r = nlsock_errno(rtnl_link_set_type(link, "bridge"));
	if (r < 0)
		return err_set(e, r, "bridge link type: %s", strerror(-r));
	rtnl_link_set_name(link, cfg->name);
	rtnl_link_set_mtu(link, cfg->mtu);
	if (cfg->mac) {
		mac = nl_addr_build(AF_LLC, cfg->mac, 6);
		if (!mac)
			return err_set(e, ENOMEM, "allocate address");
		rtnl_link_set_addr(link, mac);
	}
	rtnl_link_set_flags(link, IFF_UP);
	r = nlsock_errno(rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL));
	if (r < 0)
		return err_set(e, r, "create bridge '%s': %s", cfg->name, strerror(-r));
	ifindex = link_get(sk, cfg->name, NULL, e);
	if (ifindex < 0)
		return ifindex;
	if (cfg->alias) {
		/* the alias cannot ride on RTM_NEWLINK: the kernel only applies it on change */
		rtnl_link_set_ifindex(orig, ifindex);
		rtnl_link_set_ifalias(change, cfg->alias);
		r = nlsock_errno(rtnl_link_change(sk, orig, change, 0));
		if (r < 0) {
			(void)link_delete(sk, cfg->name, NULL);
			return err_set(e, r, "set alias of bridge '%s': %s", cfg->name,
				       strerror(-r));
		}
	}
	return ifindex;
}

/**
 * bridge_port_set_hairpin() - let frames go back out of the port they came in on
 * @sk:		route socket
 * @ifindex:	the bridge port
 * @on:		hairpin mode
 * @e:		error context
 *
 * A container reaching its own published port through the host comes back on its own port.
 *
 * Return: 0 or negative errno
 */
int bridge_port_set_hairpin(struct nl_sock *sk, int ifindex, bool on, struct netd_error *e)
{
	_cleanup_nlmsg_ struct nl_msg *msg = NULL;
	struct ifinfomsg ifi = { .ifi_family = AF_BRIDGE, .ifi_index = ifindex };
	struct nlattr *nest;
	int r;

	msg = nlmsg_alloc_simple(RTM_SETLINK, 0);
	if (!msg)
		return err_set(e, ENOMEM, "allocate netlink message");
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0)
		return err_set(e, ENOMEM, "build netlink message");
	nest = nla_nest_start(msg, IFLA_PROTINFO | NLA_F_NESTED);
	if (!nest || nla_put_u8(msg, IFLA_BRPORT_MODE, on ? 1 : 0) < 0)
		return err_set(e, ENOMEM, "build netlink message");
	nla_nest_end(msg, nest);
	r = nlsock_errno(nl_send_sync(sk, TAKE_PTR(msg)));
	if (r < 0)
		return err_set(e, r, "set hairpin on port %d: %s", ifindex, strerror(-r));
	return 0;
}

/**
 * bridge_port_up_hairpin() - bring a bridge port up with hairpin on, in one request by name
 * @sk:		route socket
 * @name:	the port (already on its bridge)
 * @e:		error context
 *
 * RTM_NEWLINK on an existing link applies the bridge-port data (IFLA_INFO_SLAVE_DATA) and the
 * flags together, as `ip link set X up type bridge_slave hairpin on` does: one round trip
 * where a lookup, an up and an AF_BRIDGE set-link would take three.
 *
 * Return: 0 or negative errno
 */
int bridge_port_up_hairpin(struct nl_sock *sk, const char *name, struct netd_error *e)
{
	_cleanup_nlmsg_ struct nl_msg *msg = NULL;
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC,
				 .ifi_flags = IFF_UP,
				 .ifi_change = IFF_UP };
	struct nlattr *info, *data;
	int r;

	msg = nlmsg_alloc_simple(RTM_NEWLINK, 0);
	if (!msg)
		return err_set(e, ENOMEM, "allocate netlink message");
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(msg, IFLA_IFNAME, name) < 0)
		return err_set(e, ENOMEM, "build netlink message");
	info = nla_nest_start(msg, IFLA_LINKINFO | NLA_F_NESTED);
	if (!info || nla_put_string(msg, IFLA_INFO_SLAVE_KIND, "bridge") < 0)
		return err_set(e, ENOMEM, "build netlink message");
	data = nla_nest_start(msg, IFLA_INFO_SLAVE_DATA | NLA_F_NESTED);
	if (!data || nla_put_u8(msg, IFLA_BRPORT_MODE, 1) < 0)
		return err_set(e, ENOMEM, "build netlink message");
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);
	r = nlsock_errno(nl_send_sync(sk, TAKE_PTR(msg)));
	if (r < 0)
		return err_set(e, r, "bring up bridge port '%s' with hairpin: %s", name,
			       strerror(-r));
	return 0;
}
