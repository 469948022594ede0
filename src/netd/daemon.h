/* SPDX-License-Identifier: GPL-2.0-or-later */
/* daemon.h - netd's internal types: configuration, state, the daemon, and its layers */
#ifndef NETD_DAEMON_H
#define NETD_DAEMON_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>
#include <sys/un.h>
#include <netinet/in.h>

#include <event2/event.h>
#include <event2/http.h>
#include <jansson.h>
#include <netlink/netlink.h>

#include <netd/error.h>
#include <netd/fw.h>
#include <netd/ipam.h>
#include <netd/log.h>
#include <netd/model.h>
#include <netd/netns.h>
#include <netd/portindex.h>
#include <netd/proxy_proto.h>

/* bounds on what users can make netd hold */
#define NETD_MAX_NETWORKS 1024
#define NETD_MAX_ENDPOINTS 65536
#define NETD_MAX_MAPPINGS 65536
#define NETD_MAX_BODY (64 * 1024)
/* libevent answers bodies past this with its own HTML 413; below it netd answers in JSON */
#define NETD_MAX_BODY_HARD (1024 * 1024)
#define NETD_MAX_HEADERS (8 * 1024)
#define NETD_HTTP_TIMEOUT_S 10
/* a control connection must have sent a whole request head within this, trickled or not */
#define NETD_HEAD_DEADLINE_S 10
/* control connections at once; more are closed within a second (api_conns.c) */
#define NETD_MAX_CONNS 1024
#define NETD_DEFAULT_NETWORK "netd"
#define NETD_DEFAULT_BRIDGE "netd0"

/* --userland-proxy: what netd-proxy relays */
enum proxy_mode {
	PROXY_MODE_AUTO, /* what NAT cannot carry: loopback, IPv6 to IPv4-only containers */
	PROXY_MODE_ALWAYS, /* everything: no DNAT for published ports */
	PROXY_MODE_NEVER, /* nothing: no worker, loopback DNAT'd (route_localnet) */
};

struct config {
	char socket_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	bool socket_set;
	char state_dir[PATH_MAX];
	char run_dir[PATH_MAX];
	bool has_socket_group;
	gid_t socket_gid;
	struct cidr default_subnet;
	struct cidr pool;
	unsigned int pool_len;
	char nft_table[FW_TABLE_NAME_MAX];
	bool cleanup;
	enum proxy_mode userland_proxy;
	unsigned int proxy_workers;
	unsigned int proxy_max_conns;
	unsigned int proxy_max_conns_per_port;
	unsigned int proxy_udp_timeout_s;
	char metrics_addr[INET6_ADDRSTRLEN]; /* --metrics-listen, "" when off */
	unsigned int metrics_port;
	enum log_level log_level;
	bool log_level_cmdline; /* then SIGHUP leaves it alone: the command line wins */
	char conf_path[PATH_MAX]; /* netd.conf as read at start, for SIGHUP */
	bool conf_must_exist;
};

/**
 * struct network - a network as the daemon holds it: its spec plus runtime data
 * @ipam4:	IPv4 allocator (gateway reserved)
 * @ipam6:	IPv6 allocator, when @spec.has_v6
 * @n_endpoints: endpoints attached
 * @ifindex:	the bridge's ifindex as last ensured (0: unknown), so attach skips a lookup
 */
struct network {
	struct network_spec spec;
	struct ipam ipam4;
	struct ipam ipam6;
	unsigned int n_endpoints;
	int ifindex;
};

/**
 * struct mapping - a published port as the daemon holds it
 * @m:		what is published (persisted)
 * @fds:	sockets holding the host ports (-1 where nothing could be held)
 * @n_fds:	entries of @fds
 * @slot:	its counters in the userland proxy's table, when @has_slot
 */
struct mapping {
	struct port_mapping m;
	int *fds;
	size_t n_fds;
	uint32_t slot;
	bool has_slot;
};

/**
 * struct proxy_sup - the userland proxy worker as netd supervises it
 * @path:	netd-proxy executable
 * @pid:	the worker, 0 while none runs
 * @ctl_fd:	netd's end of the control socket, -1 while none runs
 * @stats_fd:	shared memory of PROXY_MAX_SLOTS counters
 * @stats:	its mapping
 * @slot_used:	bitmap of the slots mappings hold
 * @restarts:	restarts since @window_start
 */
struct proxy_sup {
	char path[PATH_MAX];
	pid_t pid;
	int ctl_fd;
	struct event *ctl_ev;
	struct event *sigchld;
	struct event *restart_ev;
	int stats_fd;
	struct proxy_stats *stats;
	uint8_t *slot_used;
	uint32_t next_slot;
	unsigned int restarts;
	time_t window_start;
	uint64_t restarts_total;
};

/* link_reaper.c: veths deleted on a thread, so a detach does not stop the loop */
struct reap_job;
struct reaper {
	pthread_t thread;
	bool running;
	bool locks_init;
	pthread_mutex_t lock; /* guards the lists, busy and stop */
	pthread_cond_t wake;
	struct reap_job *todo, **todo_tail;
	struct reap_job *busy; /* the batch being deleted now */
	struct reap_job *done, **done_tail;
	bool stop;
	int efd; /* the thread tells the loop of finished jobs */
	struct event *ev;
	struct nl_sock *sk; /* the thread's own */
};

struct state {
	int lock_fd;
	int dir_fd;
	int networks_fd;
	int endpoints_fd;
	struct network **networks;
	size_t n_networks;
	size_t cap_networks;
	struct endpoint_spec **endpoints;
	size_t n_endpoints;
	size_t cap_endpoints;
	int ports_fd;
	struct mapping **mappings;
	size_t n_mappings;
	size_t cap_mappings;
	struct portindex ports; /* the host ports of @mappings, for clash checks */
};

struct daemon {
	struct config cfg;
	struct event_base *base;
	struct evhttp *http;
	int listen_fd;
	struct evhttp *metrics_http; /* --metrics-listen */
	int metrics_fd;
	bool socket_owned;
	struct event *sig_term;
	struct event *sig_int;
	struct event *sig_hup;
	struct state state;
	struct nl_sock *nl;
	struct fw fw;
	struct nl_sock *monitor_sk;
	struct event *monitor_ev;
	struct event *monitor_timer;
	struct mnl_socket *fw_watch;
	struct event *fw_ev;
	struct event *fw_timer;
	struct netns_id self_ns;
	struct proxy_sup proxy;
	struct reaper reaper;
	uint64_t reconcile_runs;
	uint64_t repairs; /* kernel objects reconcile rebuilt, put back or removed */
	uint64_t fw_restores;
	int exit_code;
};

/* state.c: the in-memory model and its persistence, one JSON file per object */
int state_open(struct state *st, const char *dir, struct netd_error *e);
void state_close(struct state *st);
struct network *state_network(struct state *st, const char *name);
struct endpoint_spec *state_endpoint(struct state *st, const char *container, const char *network);
const struct mapping *state_mapping_clash(const struct state *st, const struct portspec *s);
int state_network_add(struct state *st, struct network *n, struct netd_error *e);
int state_network_remove(struct state *st, struct network *n, struct netd_error *e);
int state_endpoint_add(struct state *st, struct endpoint_spec *ep, struct netd_error *e);
int state_endpoint_remove(struct state *st, struct endpoint_spec *ep, struct netd_error *e);
int state_mapping_add(struct state *st, struct mapping *mp, struct netd_error *e);
int state_mapping_remove(struct state *st, struct mapping *mp, struct netd_error *e);
void mapping_free(struct mapping *mp);
int network_init_ipam(struct network *n);
void network_free(struct network *n);
int endpoint_reserve_addresses(struct network *n, const struct endpoint_spec *ep);
void endpoint_release_addresses(struct network *n, const struct endpoint_spec *ep);

/* ops_network.c */
int ops_network_create(struct daemon *d, const struct network_request *req, struct network **ret,
		       struct netd_error *e);
int ops_network_delete(struct daemon *d, const char *name, struct netd_error *e);
int ops_network_kernel_ensure(struct daemon *d, struct network *n, bool *ret_repaired,
			      struct netd_error *e);
int ops_forwarding_ensure(struct daemon *d, const struct network *n, struct netd_error *e);
int ops_network_localnet(struct daemon *d, const struct network *n, bool publishing,
			 struct netd_error *e);
void ops_network_fw(const struct network *n, struct fw_network *ret);
int ops_fw_install(struct daemon *d, struct netd_error *e);

/* link_reaper.c */
/*
 * what waits for the reaper: @all_done runs on the loop once @pending drops to 0. The
 * waiter starts it at 1 and calls reap_wait_put() once it has queued everything.
 */
struct reap_wait {
	unsigned int pending;
	void (*all_done)(struct reap_wait *w);
};
int reaper_start(struct daemon *d, struct netd_error *e);
unsigned int reaper_finish(struct daemon *d);
void reaper_stop(struct daemon *d);
void reaper_delete(struct daemon *d, const char *name, const char *what, struct reap_wait *w);
bool reaper_pending(struct daemon *d, const char *name);
void reap_wait_put(struct reap_wait *w);

/* ops_endpoint.c */
int ops_endpoint_attach(struct daemon *d, const struct attach_request *req,
			struct endpoint_spec **ret, struct netd_error *e);
int ops_endpoint_detach(struct daemon *d, const char *container, const char *network,
			struct reap_wait *w, json_t **ret_detached, struct netd_error *e);
int ops_endpoint_forget(struct daemon *d, struct endpoint_spec *ep, struct reap_wait *w,
			struct netd_error *e);
int ops_endpoint_kernel_create(struct daemon *d, const struct network *n,
			       const struct endpoint_spec *ep, int ns_fd, bool default_route,
			       struct netd_error *e);

/* ops_port.c */
int ops_port_publish(struct daemon *d, const struct publish_request *q, struct mapping **ret,
		     struct netd_error *e);
int ops_port_unpublish(struct daemon *d, const char *container, const struct portspec *spec,
		       json_t **ret_removed, struct netd_error *e);
void ops_ports_forget_endpoint(struct daemon *d, const struct endpoint_spec *ep);
void ops_ports_hold_all(struct daemon *d);
int ops_ports_fw(struct daemon *d, struct fw_port **ret, size_t *ret_n, struct netd_error *e);

/* proxy_sup.c */
int proxy_mode_parse(const char *s, enum proxy_mode *ret);
const char *proxy_mode_name(enum proxy_mode m);
int proxy_sup_start(struct daemon *d, struct netd_error *e);
int proxy_sup_slot(struct daemon *d, struct mapping *mp);
void proxy_sup_add(struct daemon *d, const struct mapping *mp);
void proxy_sup_del(struct daemon *d, struct mapping *mp);
json_t *proxy_sup_stats(const struct daemon *d, const struct mapping *mp);
void proxy_sup_stop(struct daemon *d);

/* reconcile.c */
int reconcile_run(struct daemon *d, struct netd_error *e);

/* monitor.c */
int monitor_start(struct daemon *d, struct netd_error *e);
void monitor_stop(struct daemon *d);
void monitor_fw_drain(struct daemon *d);

/* api.c and handlers */
int api_listen(struct daemon *d, struct netd_error *e);
int api_start(struct daemon *d, struct netd_error *e);
void api_stop(struct daemon *d);
void api_reply_json(struct evhttp_request *req, int status, json_t *body);
void api_reply_error(struct evhttp_request *req, const struct netd_error *e);
int api_body(struct evhttp_request *req, char **ret, size_t *ret_len, struct netd_error *e);

typedef void (*api_handler_fn)(struct daemon *d, struct evhttp_request *req, const char *arg);
void api_system_version(struct daemon *d, struct evhttp_request *req, const char *arg);
void api_system_info(struct daemon *d, struct evhttp_request *req, const char *arg);
void api_system_health(struct daemon *d, struct evhttp_request *req, const char *arg);
void api_network_list(struct daemon *d, struct evhttp_request *req, const char *arg);
void api_network_create(struct daemon *d, struct evhttp_request *req, const char *arg);
void api_network_inspect(struct daemon *d, struct evhttp_request *req, const char *arg);
void api_network_delete(struct daemon *d, struct evhttp_request *req, const char *arg);
void api_endpoint_list(struct daemon *d, struct evhttp_request *req, const char *arg);
void api_endpoint_attach(struct daemon *d, struct evhttp_request *req, const char *arg);
void api_endpoint_inspect(struct daemon *d, struct evhttp_request *req, const char *arg);
void api_endpoint_detach(struct daemon *d, struct evhttp_request *req, const char *arg);
void api_port_list(struct daemon *d, struct evhttp_request *req, const char *arg);
void api_port_publish(struct daemon *d, struct evhttp_request *req, const char *arg);
void api_port_unpublish(struct daemon *d, struct evhttp_request *req, const char *arg);
void api_port_published(struct daemon *d, const struct mapping *mp);
void api_metrics(struct daemon *d, struct evhttp_request *req, const char *arg);
struct evbuffer;
void api_metrics_requests(struct evbuffer *out);
json_t *api_network_json(const struct daemon *d, const struct network *n);

/* api_conns.c */
int api_conns_start(struct daemon *d, struct evhttp *http);
void api_conns_request(struct evhttp_request *req);
uint64_t api_conns_shed(void);
void api_conns_stop(void);

/* events.c */
void api_events(struct daemon *d, struct evhttp_request *req, const char *arg);
void events_emit(struct daemon *d, const char *type, const char *action, json_t *attrs);
uint64_t events_count(void);
unsigned int events_stop(void);

/* options.c */
int options_parse(int argc, char **argv, struct config *cfg);
void options_reload(struct config *cfg);

/* notify.c */
void notify_manager(const char *state);

/* daemon.c */
int daemon_init(struct daemon *d, struct netd_error *e);
int daemon_run(struct daemon *d);
void daemon_done(struct daemon *d);

#endif /* NETD_DAEMON_H */
