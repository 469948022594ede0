/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * proxy.h - netd-proxy's internals: listeners, relay workers, connections, UDP flows
 *
 * The main thread reads netd's control socket and hands listeners to the workers.  Every
 * worker has its own epoll: a TCP listener is in all of them (EPOLLEXCLUSIVE, so one worker
 * wakes per connection and the connection stays on that worker), a UDP listener in one.
 * Objects are only ever freed by the worker that owns them, at the end of an event batch,
 * so an event still queued in the batch never points at freed memory.
 */
#ifndef NETD_PROXY_H
#define NETD_PROXY_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include <netd/proxy_header.h>
#include <netd/proxy_proto.h>

struct proxy_config {
	unsigned int workers;
	unsigned int max_conns;
	unsigned int max_conns_per_port;
	unsigned int connect_timeout_ms;
	unsigned int udp_timeout_ms;
	unsigned int udp_max_flows;
};

union sockaddr_any {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_storage ss;
};

/* the first member of everything registered with epoll: what the event's pointer is */
enum obj_kind {
	OBJ_LISTENER,
	OBJ_SIDE,
	OBJ_FLOW,
	OBJ_COMMANDS,
	OBJ_TIMER,
};

struct worker;

/* a DEL in progress: the last listener of the slot to close answers netd */
struct del_op {
	uint32_t slot;
	unsigned int remaining; /* atomic */
};

/**
 * struct listener - one socket netd holds for a published port
 * @refs:	workers that still have it in their epoll (atomic); the last one frees it
 * @owner:	the worker serving it (UDP)
 * @del:	set when netd asked for it to go
 * @next:	next listener of the same slot (main thread only)
 */
struct listener {
	enum obj_kind kind;
	int fd;
	int proto;
	uint32_t slot;
	uint32_t flags;
	union sockaddr_any target;
	socklen_t target_len;
	unsigned int refs;
	struct worker *owner;
	struct del_op *del;
	struct listener *next;
};

struct conn;

/* one socket of a relayed TCP connection */
struct side {
	enum obj_kind kind;
	int fd;
	struct conn *c;
};

/* one direction of a connection: bytes wait in a pipe (taken from the worker's pool) */
struct dir {
	int pipe[2];
	size_t in_pipe;
	size_t cap; /* the pipe's capacity */
	bool grow_tried;
	bool eof;
	bool shut;
};

struct conn {
	struct side client;
	struct side server;
	struct dir up; /* client to container */
	struct dir down; /* container to client */
	uint32_t slot;
	bool connecting;
	bool dead;
	uint64_t deadline_ms;
	int hdr_len;
	unsigned char hdr[PROXY_HEADER_MAX];
	struct conn *q_prev, *q_next; /* the worker's connecting queue, oldest first */
	struct conn *free_next;
};

/* a UDP client of one listener, with a connected socket to the container */
struct flow {
	enum obj_kind kind;
	int fd;
	bool dead;
	struct listener *l;
	union sockaddr_any client;
	socklen_t client_len;
	union sockaddr_any local; /* where the client sent to: replies come from there */
	bool has_local;
	uint64_t last_ms;
	uint32_t hash;
	struct flow *h_next; /* hash chain */
	struct flow *lru_prev, *lru_next; /* least recently used first */
	struct flow *free_next;
};

/* where a TCP connection accepted on a listener goes: copied, the listener may go first */
struct relay_to {
	uint32_t slot;
	uint32_t flags;
	union sockaddr_any target;
	socklen_t target_len;
};

enum command_type {
	CMD_DROP, /* take the listener out of this worker */
	CMD_CONN, /* relay a connection another worker accepted */
};

struct command {
	enum command_type type;
	struct listener *l;
	int fd;
	union sockaddr_any peer;
	struct relay_to to;
	struct command *next;
};

struct proxy;

struct worker {
	struct proxy *px;
	unsigned int index;
	pthread_t thread;
	int epfd;
	/* commands from the main thread: a locked list and an eventfd to wake the worker */
	enum obj_kind cmd_kind;
	int cmd_fd;
	pthread_mutex_t lock;
	struct command *cmds;
	enum obj_kind timer_kind;
	int timer_fd;
	uint64_t now_ms;
	unsigned int n_conns; /* atomic: TCP connections this worker relays */
	struct conn *q_head, *q_tail;
	struct conn *dead_conns;
	/* UDP flows */
	struct flow **buckets;
	size_t n_buckets;
	struct flow *lru_head, *lru_tail;
	struct flow *dead_flows;
	/* empty pipes ready for the next transfer */
	int (*pipes)[2];
	size_t n_pipes;
	uint64_t last_limit_log_ms;
};

struct proxy {
	struct proxy_config cfg;
	struct proxy_stats *stats;
	int control_fd;
	pthread_mutex_t control_lock; /* workers answer DELs on the control socket */
	struct worker *workers;
	unsigned int next_udp_worker;
	unsigned int n_conns; /* atomic: TCP connections open, all workers */
	unsigned int n_flows; /* atomic: UDP flows open, all workers */
	unsigned int n_bulk_pipes; /* atomic: pipes grown for bulk transfers, all workers */
	struct listener **slots; /* main thread: listeners by slot */
};

/* worker.c */
int worker_start(struct proxy *px, struct worker *w, unsigned int index);
int worker_add_listener(struct worker *w, struct listener *l);
int worker_command(struct worker *w, enum command_type type, struct listener *l);
int worker_hand_conn(struct worker *w, int fd, const union sockaddr_any *peer,
		     const struct relay_to *to);
uint64_t now_ms(void);
void worker_log_limit(struct worker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void proxy_deleted(struct proxy *px, uint32_t slot);

/* tcp.c */
void tcp_accept(struct worker *w, struct listener *l);
void tcp_start(struct worker *w, const struct relay_to *to, int cfd,
	       const union sockaddr_any *peer);
void tcp_event(struct worker *w, struct side *s, uint32_t events);
void tcp_expire(struct worker *w);
void tcp_free_dead(struct worker *w);

/* udp.c */
int udp_init(struct worker *w);
void udp_listener_event(struct worker *w, struct listener *l);
void udp_flow_event(struct worker *w, struct flow *f);
void udp_expire(struct worker *w);
void udp_drop_listener(struct worker *w, struct listener *l);
void udp_free_dead(struct worker *w);

/* the mapping's counters: netd reads them while workers add */
#define STAT_ADD(px, slot, field, n) \
	((void)__atomic_fetch_add(&(px)->stats[slot].field, (uint64_t)(n), __ATOMIC_RELAXED))
#define STAT_SUB(px, slot, field, n) \
	((void)__atomic_fetch_sub(&(px)->stats[slot].field, (uint64_t)(n), __ATOMIC_RELAXED))

#endif /* NETD_PROXY_H */
