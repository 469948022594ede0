/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netrun.h - netrun's pieces: options, spawn, rootfs, init, cgroups, capabilities, netd calls */
#ifndef NETRUN_H
#define NETRUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

/* the API's conventions (socket path, error answers): netrun has its own client (http.c) */
#include <netd/codec.h>
#include <netd/error.h>

#define NETRUN_MAX_ENV 64
#define NETRUN_MAX_PORTS 32
#define NETRUN_NAME_MAX 64
#define NETRUN_MAX_LAYERS 16
/* what a pod's containers share: net, ipc, uts */
#define NETRUN_POD_NS 3
/* --userns: container root is this host uid (and gid), for this many ids, unless given */
#define NETRUN_USERNS_BASE 100000
#define NETRUN_USERNS_SIZE 65536
/* overlayfs reads its options from one page */
#define NETRUN_OVERLAY_DATA_MAX 4000
#define NETRUN_CGROUP_PARENT "netrun"
/* (uid_t)-1 means "unchanged" to setresuid(): the largest id is one less */
#define NETRUN_ID_MAX 4294967294U

/**
 * struct run_opts - a validated `netrun run` command line
 * @name:	container name (netd endpoint and cgroup name)
 * @rootfs:	root file system directory (absolute); with --layer, the overlay's mount point
 * @hostname:	UTS host name, default the name
 * @workdir:	working directory inside, default /
 * @network:	netd network, "" for netd's default, "none" for only lo, "host" for netrun's
 * @env:	K=V entries asked for, in order
 * @ports:	-p specs, passed to netd as they are (netd validates them)
 * @memory:	memory limit in bytes, 0 for none
 * @cpu_quota_us: CPU quota per 100 ms period in microseconds, 0 for none
 * @pids_max:	pids limit, 0 for none
 * @argv:	the workload, NULL-terminated
 * @detach:	-d: run in the background under a supervisor, output to the log
 * @read_only:	--read-only: the root file system is mounted read-only
 * @user:	--user given: the workload runs as @uid:@gid, with no supplementary groups
 * @uid:	its user id
 * @gid:	its group id (0 when only UID was given, as docker run does)
 * @layers:	--layer directories (absolute), the first one at the bottom
 * @n_layers:	how many; 0 with --rootfs
 * @keep:	--keep: the upper layer stays when the container ends
 * @overlay_root: with --layer: RUN_DIR/NAME/rootfs, where the overlay is mounted
 * @overlay_data: with --layer: the overlay's mount options
 * @pod:	--pod: the pod whose net, ipc and uts namespaces the container joins, or NULL
 * @pod_fds:	with --pod: those namespaces, opened by netrun (pod_join_open())
 * @userns:	--userns: a user namespace mapping container ids 0.. to host ids userns_base..
 * @userns_base: the host id of container root (NETRUN_USERNS_BASE, or --userns=BASE:SIZE)
 * @userns_size: how many ids are mapped (NETRUN_USERNS_SIZE, or --userns=BASE:SIZE)
 */
struct run_opts {
	char name[NETRUN_NAME_MAX];
	const char *rootfs;
	const char *hostname;
	const char *workdir;
	const char *network;
	const char *env[NETRUN_MAX_ENV];
	size_t n_env;
	const char *ports[NETRUN_MAX_PORTS];
	size_t n_ports;
	uint64_t memory;
	uint64_t cpu_quota_us;
	uint64_t pids_max;
	char **argv;
	bool detach;
	bool read_only;
	bool user;
	uid_t uid;
	gid_t gid;
	const char *layers[NETRUN_MAX_LAYERS];
	size_t n_layers;
	bool keep;
	char overlay_root[512];
	char overlay_data[NETRUN_OVERLAY_DATA_MAX];
	const char *pod;
	int pod_fds[NETRUN_POD_NS];
	bool userns;
	uint32_t userns_base;
	uint32_t userns_size;
};

/* size.c (pure) */
int size_parse(const char *s, uint64_t *ret);
int cpus_parse(const char *s, uint64_t period_us, uint64_t *ret_quota_us);
int userns_parse(const char *s, uint32_t *ret_base, uint32_t *ret_size);

/* options.c */
int user_parse(const char *s, uid_t *ret_uid, gid_t *ret_gid);
int user_switch(uid_t uid, gid_t gid, struct netd_error *e);
int run_opts_parse(int argc, char **argv, struct run_opts *o, struct netd_error *e);
bool run_opts_network_none(const struct run_opts *o);
bool run_opts_network_host(const struct run_opts *o);
#define NETRUN_ENV_SLOTS (NETRUN_MAX_ENV + 4)
void run_opts_env(const struct run_opts *o, char **envp, char *host, size_t host_size);

/* cgroup.c */
#define CGROUP_MAX 4
#define CGROUP_PATH_MAX 320
/**
 * struct cgroup - a container's (or a pod's) cgroups
 * @v2:		one directory in the unified hierarchy, else one per v1 hierarchy
 * @n:		how many directories
 * @made:	how many of them exist (cgroup_make() made them, or cgroup_find() found them):
 *		what cgroup_remove() removes
 * @ctrl:	v1: the controller of each ("memory", "cpu", "cpuacct", "pids"); v2: ""
 * @paths:	the directories
 * @base_len:	the length of each one's hierarchy root at the start of @paths (v1:
 *		/sys/fs/cgroup/CTRL, v2: /sys/fs/cgroup)
 * @parent:	their parent below each hierarchy's root (cgroup_parent())
 */
void netrun_hide_cmdline(void);

struct cgroup {
	bool v2;
	int n;
	int made;
	char ctrl[CGROUP_MAX][16];
	char paths[CGROUP_MAX][CGROUP_PATH_MAX];
	size_t base_len[CGROUP_MAX];
	char parent[CGROUP_PATH_MAX / 2];
};
/* limits: 0 for none */
struct cgroup_limits {
	uint64_t memory;
	uint64_t cpu_quota_us;
	uint64_t pids_max;
};
/* counters: UINT64_MAX when not counted here (a limit: when not set) */
struct cgroup_stats {
	uint64_t memory;
	uint64_t memory_limit;
	uint64_t cpu_ns;
	uint64_t pids;
	uint64_t pids_limit;
};
void cgroup_parent(const char *pod, char *buf, size_t size);
int cgroup_plan(struct cgroup *cg, const char *parent, const char *name,
		const struct cgroup_limits *l, struct netd_error *e);
int cgroup_make(struct cgroup *cg, const struct cgroup_limits *l, struct netd_error *e);
int cgroup_create(struct cgroup *cg, const char *parent, const char *name,
		  const struct cgroup_limits *l, struct netd_error *e);
int cgroup_open(const struct cgroup *cg, int *ret_fds, struct netd_error *e);
void cgroup_close(int *fds);
int cgroup_enter_at(const struct cgroup *cg, const int *fds, struct netd_error *e);
int cgroup_attach(const struct cgroup *cg, pid_t pid, struct netd_error *e);
int cgroup_enter(const struct cgroup *cg, struct netd_error *e);
void cgroup_remove(struct cgroup *cg);
int cgroup_find(struct cgroup *cg, const char *parent, const char *name, struct netd_error *e);
void cgroup_stats_read(const struct cgroup *cg, struct cgroup_stats *ret);

/* caps.c */
int caps_restrict(struct netd_error *e);

/* rootfs.c */
int rootfs_enter(const struct run_opts *o, struct netd_error *e);

/* layers.c */
int layers_prepare(const char *run_dir, struct run_opts *o, struct netd_error *e);
int layers_mount(const struct run_opts *o, struct netd_error *e);
void layers_remove(const char *run_dir, const char *name, bool keep_upper);
int layers_userns_mount(const char *run_dir, struct run_opts *o, struct netd_error *e);
void layers_userns_umount(const char *run_dir, const struct run_opts *o);

/* pod.c */
int pod_main(const char *socket_path, const char *run_dir, int argc, char **argv);
int pod_join_open(const char *run_dir, const char *pod, int *ret_fds, struct netd_error *e);
int pod_join(const int *fds, struct netd_error *e);

/* init.c */
/* what netrun passes on to the container's init, and init to the workload */
#define NETRUN_N_FORWARDED 6
extern const int netrun_forwarded[NETRUN_N_FORWARDED];
void netrun_sigset(sigset_t *ret);
_Noreturn void init_main(const struct run_opts *o, const struct cgroup *cg, int sync_fd,
			 int err_fd);

/* spawn.c */
int spawn_container(const struct run_opts *o, const struct cgroup *cg, pid_t *ret_pid,
		    bool *ret_in_cgroup, int *ret_sync_fd, int *ret_err_fd, struct netd_error *e);
int spawn_userns_map(pid_t pid, const struct run_opts *o, struct netd_error *e);

/* http_parse.c (pure) */
/* netd's answers to netrun are small; a bound keeps a confused peer from filling memory */
#define HTTP_MAX_RESPONSE (1024 * 1024)
#define HTTP_MAX_HEADERS 16384
/**
 * struct http_response - where a whole response's parts are in the receive buffer
 * @status:	HTTP status
 * @body:	offset of the body
 * @body_len:	its length (decoded, when it came chunked)
 */
struct http_response {
	int status;
	size_t body;
	size_t body_len;
};
int http_parse(char *buf, size_t len, bool eof, struct http_response *ret);

/* http.c: HTTP/1.1 over netd's unix socket, without libcurl */
struct http_client {
	char socket_path[108];
	long timeout_ms;
	long deadline_ms;
};
int http_init(struct http_client *c, const char *socket_path, struct netd_error *e);
int http_send(struct http_client *c, const char *method, const char *path, json_t *body,
	      struct netd_error *e);
int http_recv(struct http_client *c, int fd, json_t **ret, struct netd_error *e);
int http_request(struct http_client *c, const char *method, const char *path, json_t *body,
		 json_t **ret, struct netd_error *e);

/* netdcall.c */
int netdcall_check(struct http_client *c, struct netd_error *e);
int netdcall_attach(struct http_client *c, const struct run_opts *o, pid_t pid,
		    struct netd_error *e);
int netdcall_attach_send(struct http_client *c, const struct run_opts *o, pid_t pid,
			 struct netd_error *e);
int netdcall_attach_recv(struct http_client *c, int fd, struct netd_error *e);
int netdcall_detach(struct http_client *c, const struct run_opts *o, struct netd_error *e);
int netdcall_lo_up(struct netd_error *e);

/* state.c */
#define NETRUN_RUN_DIR_DEFAULT "/run/netrun"
#define NETRUN_RUN_DIR_ENV "NETRUN_RUN_DIR"
int state_create(const char *run_dir, const char *name, struct netd_error *e);
void state_remove(const char *run_dir, const char *name);
int state_write(const char *run_dir, const char *name, const char *file, const char *data,
		size_t len);
ssize_t text_read(const char *path, int flags, char *buf, size_t size);
ssize_t state_read(const char *run_dir, const char *name, const char *file, char *buf, size_t size);
pid_t state_pid(const char *run_dir, const char *name, const char *file);

/* ctl.c: commands on a container that runs already */
int ctl_ps(const char *run_dir, int argc, char **argv);
int ctl_stop(const char *run_dir, int argc, char **argv);
int ctl_rm(const char *run_dir, int argc, char **argv);
int ctl_logs(const char *run_dir, int argc, char **argv);
int ctl_exec(const char *run_dir, int argc, char **argv);
int ctl_stats(const char *run_dir, int argc, char **argv);
int ctl_cgroup_find(const char *run_dir, const char *name, struct cgroup *cg, struct netd_error *e);

#endif /* NETRUN_H */
