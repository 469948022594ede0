/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * proxy_proto.h - what netd and its userland proxy worker, netd-proxy, say to each other
 *
 * netd starts netd-proxy with a SOCK_SEQPACKET socket on fd PROXY_FD_CONTROL and a shared
 * memory file of PROXY_MAX_SLOTS counters on fd PROXY_FD_STATS.  netd sends one struct
 * proxy_msg per held socket (the socket itself in SCM_RIGHTS); the worker relays what
 * arrives on it and counts into the mapping's slot, which netd reads without asking.
 */
#ifndef NETD_PROXY_PROTO_H
#define NETD_PROXY_PROTO_H

#include <netinet/in.h>
#include <stdint.h>

#define PROXY_FD_CONTROL 3
#define PROXY_FD_STATS 4
/* one slot per published mapping: netd holds at most this many */
#define PROXY_MAX_SLOTS 65536

enum proxy_msg_type {
	/* relay the socket in SCM_RIGHTS to @target, counting into @slot */
	PROXY_MSG_ADD = 1,
	/* close every socket of @slot; the worker answers PROXY_MSG_DELETED once they are */
	PROXY_MSG_DEL,
	/* worker to netd: the sockets of @slot are closed (the host port is free again) */
	PROXY_MSG_DELETED,
};

/* PROXY protocol version 2 header before the relayed bytes (TCP only) */
#define PROXY_F_PROXY_PROTOCOL 0x1

/**
 * struct proxy_msg - one control message
 * @type:	enum proxy_msg_type
 * @slot:	the mapping's counter slot, < PROXY_MAX_SLOTS
 * @proto:	IPPROTO_TCP or IPPROTO_UDP (ADD)
 * @flags:	PROXY_F_* (ADD)
 * @target:	the container's address and port for this socket (ADD): sockaddr_in or
 *		sockaddr_in6
 */
struct proxy_msg {
	uint32_t type;
	uint32_t slot;
	uint32_t proto;
	uint32_t flags;
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} target;
};

/**
 * struct proxy_stats - one mapping's counters, written by the worker with atomic adds
 * @conns_current:	TCP connections (UDP flows) open now
 * @conns_total:	accepted since published
 * @refused:		refused by a connection or flow limit
 * @bytes_in:		client to container
 * @bytes_out:		container to client
 *
 * One cache line each, so that workers counting different ports do not share lines.
 */
struct proxy_stats {
	uint64_t conns_current;
	uint64_t conns_total;
	uint64_t refused;
	uint64_t bytes_in;
	uint64_t bytes_out;
	uint64_t reserved[3];
};

#endif /* NETD_PROXY_PROTO_H */
