// SPDX-License-Identifier: GPL-2.0-or-later
/* state.c - networks and endpoints in memory, persisted as one JSON file per object */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netd/codec.h>
#include <netd/fileio.h>

#include "daemon.h"

/* one object's file: small, so a bound catches corruption without limiting anyone */
#define STATE_FILE_MAX (64 * 1024)

/*
 * One file per object (networks/NAME.json, endpoints/CONTAINER@NETWORK.json) keeps the cost
 * of a change independent of how many objects exist: attach number 1000 writes one small file
 * as attach number 1 did. '@' cannot appear in names, so file names are unambiguous.
 */
static int endpoint_file(const struct endpoint_spec *ep, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s@%s.json", ep->container, ep->network);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int write_json(int dir_fd, const char *name, json_t *j, struct netd_error *e)
{
	_cleanup_free_ char *text = NULL;
	int r;

	if (!j)
		return err_set(e, ENOMEM, "encode '%s'", name);
	text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (!text)
		return err_set(e, ENOMEM, "encode '%s'", name);
	r = file_write_atomic(dir_fd, name, text, strlen(text), e);
	/*
	 * A full disk is netd's trouble, not a conflict of the request (ENOSPC answers 409, as
	 * for "too many endpoints"): EDQUOT answers 5xx, and the message still says what filled.
	 */
	if (r == -ENOSPC && e)
		e->code = EDQUOT;
	return r == -ENOSPC ? -EDQUOT : r;
}

/**
 * network_init_ipam() - set up the allocators of @n and reserve its gateways
 * @n:		network
 *
 * Return: 0 or negative errno
 */
int network_init_ipam(struct network *n)
{
	int r;

	r = ipam_init(&n->ipam4, &n->spec.subnet);
	if (r < 0)
		return r;
	r = ipam_reserve(&n->ipam4, &n->spec.gateway);
	if (r < 0)
		return r;
	if (!n->spec.has_v6)
		return 0;
	r = ipam_init(&n->ipam6, &n->spec.subnet6);
	if (r < 0)
		return r;
	return ipam_reserve(&n->ipam6, &n->spec.gateway6);
}

/**
 * network_free() - free a network and its allocators
 * @n:		network, may be NULL
 */
void network_free(struct network *n)
{
	if (!n)
		return;
	ipam_done(&n->ipam4);
	ipam_done(&n->ipam6);
	free(n);
}

/**
 * endpoint_reserve_addresses() - mark @ep's addresses used in @n (load, reconcile)
 * @n:		network
 * @ep:		endpoint
 *
 * Return: 0, -EEXIST when one is already in use, or -EINVAL when outside the subnet
 */
int endpoint_reserve_addresses(struct network *n, const struct endpoint_spec *ep)
{
	int r;

	if (ep->has_ip4) {
		r = ipam_reserve(&n->ipam4, &ep->ip4.addr);
		if (r < 0)
			return r;
	}
	if (ep->has_ip6 && n->spec.has_v6) {
		r = ipam_reserve(&n->ipam6, &ep->ip6.addr);
		if (r < 0) {
			if (ep->has_ip4)
				(void)ipam_release(&n->ipam4, &ep->ip4.addr);
			return r;
		}
	}
	return 0;
}

/**
 * endpoint_release_addresses() - give @ep's addresses back to @n
 * @n:		network
 * @ep:		endpoint
 */
void endpoint_release_addresses(struct network *n, const struct endpoint_spec *ep)
{
	if (ep->has_ip4)
		(void)ipam_release(&n->ipam4, &ep->ip4.addr);
	if (ep->has_ip6 && n->spec.has_v6)
		(void)ipam_release(&n->ipam6, &ep->ip6.addr);
}

/**
 * state_network() - find a network by name
 * @st:		state
 * @name:	network name
 *
 * Return: the network or NULL
 */
struct network *state_network(struct state *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->n_networks; i++)
		if (strcmp(st->networks[i]->spec.name, name) == 0)
			return st->networks[i];
	return NULL;
}

/**
 * state_endpoint() - find the endpoint of a container on a network
 * @st:		state
 * @container:	container name
 * @network:	network name
 *
 * Return: the endpoint or NULL
 */
struct endpoint_spec *state_endpoint(struct state *st, const char *container, const char *network)
{
	size_t i;

	for (i = 0; i < st->n_endpoints; i++)
		if (strcmp(st->endpoints[i]->container, container) == 0 &&
		    strcmp(st->endpoints[i]->network, network) == 0)
			return st->endpoints[i];
	return NULL;
}

static int grow(void ***arr, size_t n, size_t *cap)
{
	size_t ncap;
	void **p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	p = realloc(*arr, ncap * sizeof(void *));
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

static int network_cmp(const struct network *a, const struct network *b)
{
	return strcmp(a->spec.name, b->spec.name);
}

static int endpoint_cmp(const struct endpoint_spec *a, const struct endpoint_spec *b)
{
	int c = strcmp(a->container, b->container);

	return c ? c : strcmp(a->network, b->network);
}

/* keep the arrays sorted, so listings come out in the same order before and after restarts */
static void insert_network(struct state *st, struct network *n)
{
	size_t i = st->n_networks;

	while (i > 0 && network_cmp(st->networks[i - 1], n) > 0)
		i--;
	memmove(&st->networks[i + 1], &st->networks[i],
		(st->n_networks - i) * sizeof(*st->networks));
	st->networks[i] = n;
	st->n_networks++;
}

static void insert_endpoint(struct state *st, struct endpoint_spec *ep)
{
	size_t i = st->n_endpoints;

	while (i > 0 && endpoint_cmp(st->endpoints[i - 1], ep) > 0)
		i--;
	memmove(&st->endpoints[i + 1], &st->endpoints[i],
		(st->n_endpoints - i) * sizeof(*st->endpoints));
	st->endpoints[i] = ep;
	st->n_endpoints++;
}

/**
 * state_network_add() - persist @n and take it into the state
 * @st:		state
 * @n:		network; owned by the state on success
 * @e:		error context
 *
 * Return: 0 or negative errno (nothing changed)
 */
int state_network_add(struct state *st, struct network *n, struct netd_error *e)
{
	_cleanup_json_ json_t *j = NULL;
	char file[NAME_MAX_LEN + 8];
	int r;

	r = grow((void ***)&st->networks, st->n_networks, &st->cap_networks);
	if (r < 0)
		return err_set(e, r, "add network");
	(void)snprintf(file, sizeof(file), "%s.json", n->spec.name);
	j = network_to_json(&n->spec);
	r = write_json(st->networks_fd, file, j, e);
	if (r < 0)
		return err_wrap(e, "save network '%s' in the state directory", n->spec.name);
	insert_network(st, n);
	return 0;
}

/**
 * state_network_remove() - forget @n on disk, then in memory, and free it
 * @st:		state
 * @n:		network in the state
 * @e:		error context
 *
 * Return: 0 or negative errno (then nothing changed)
 */
int state_network_remove(struct state *st, struct network *n, struct netd_error *e)
{
	char file[NAME_MAX_LEN + 8];
	size_t i;
	int r;

	(void)snprintf(file, sizeof(file), "%s.json", n->spec.name);
	r = file_remove(st->networks_fd, file, e);
	if (r < 0 && r != -ENOENT)
		return err_wrap(e, "forget network '%s' in the state directory", n->spec.name);
	for (i = 0; i < st->n_networks; i++) {
		if (st->networks[i] == n) {
			memmove(&st->networks[i], &st->networks[i + 1],
				(st->n_networks - i - 1) * sizeof(*st->networks));
			st->n_networks--;
			break;
		}
	}
	network_free(n);
	return 0;
}

/**
 * state_endpoint_add() - persist @ep and take it into the state
 * @st:		state
 * @ep:		endpoint (heap); owned by the state on success
 * @e:		error context
 *
 * Return: 0 or negative errno (nothing changed)
 */
int state_endpoint_add(struct state *st, struct endpoint_spec *ep, struct netd_error *e)
{
	_cleanup_json_ json_t *j = NULL;
	char file[2 * NAME_MAX_LEN + 8];
	int r;

	r = grow((void ***)&st->endpoints, st->n_endpoints, &st->cap_endpoints);
	if (r < 0)
		return err_set(e, r, "add endpoint");
	r = endpoint_file(ep, file, sizeof(file));
	if (r < 0)
		return err_set(e, r, "endpoint file name");
	j = endpoint_to_json(ep);
	r = write_json(st->endpoints_fd, file, j, e);
	if (r < 0)
		return err_wrap(e, "save endpoint '%s' on '%s' in the state directory",
				ep->container, ep->network);
	insert_endpoint(st, ep);
	return 0;
}

/**
 * state_endpoint_remove() - forget @ep on disk, then in memory, and free it
 * @st:		state
 * @ep:		endpoint in the state
 * @e:		error context
 *
 * Return: 0 or negative errno (then nothing changed)
 */
int state_endpoint_remove(struct state *st, struct endpoint_spec *ep, struct netd_error *e)
{
	char file[2 * NAME_MAX_LEN + 8];
	size_t i;
	int r;

	r = endpoint_file(ep, file, sizeof(file));
	if (r < 0)
		return err_set(e, r, "endpoint file name");
	r = file_remove(st->endpoints_fd, file, e);
	if (r < 0 && r != -ENOENT)
		return err_wrap(e, "forget endpoint '%s' on '%s' in the state directory",
				ep->container, ep->network);
	for (i = 0; i < st->n_endpoints; i++) {
		if (st->endpoints[i] == ep) {
			memmove(&st->endpoints[i], &st->endpoints[i + 1],
				(st->n_endpoints - i - 1) * sizeof(*st->endpoints));
			st->n_endpoints--;
			break;
		}
	}
	free(ep);
	return 0;
}

static int mapping_file(const struct port_mapping *m, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "any";
	int n;

	if (m->spec.has_host_ip)
		(void)ipaddr_format(&m->spec.host_ip, ip, sizeof(ip));
	n = snprintf(buf, len, "%s-%s-%u.json", portspec_proto_name(m->spec.proto), ip,
		     (unsigned int)m->spec.host_port);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/**
 * mapping_free() - close a mapping's sockets and free it
 * @mp:		mapping, may be NULL
 */
void mapping_free(struct mapping *mp)
{
	size_t i;

	if (!mp)
		return;
	for (i = 0; i < mp->n_fds; i++)
		closep(&mp->fds[i]);
	free(mp->fds);
	free(mp);
}

static int mapping_cmp(const struct mapping *a, const struct mapping *b)
{
	int c = strcmp(a->m.container, b->m.container);

	if (c)
		return c;
	if (a->m.spec.host_port != b->m.spec.host_port)
		return a->m.spec.host_port < b->m.spec.host_port ? -1 : 1;
	return (int)a->m.spec.proto - (int)b->m.spec.proto;
}

/* sorted like endpoints: `netctl port` lists the same order before and after a restart */
static void insert_mapping(struct state *st, struct mapping *mp)
{
	size_t i = st->n_mappings;

	while (i > 0 && mapping_cmp(st->mappings[i - 1], mp) > 0)
		i--;
	memmove(&st->mappings[i + 1], &st->mappings[i],
		(st->n_mappings - i) * sizeof(*st->mappings));
	st->mappings[i] = mp;
	st->n_mappings++;
}

/**
 * state_mapping_add() - persist a published port and take it into the state
 * @st:		state
 * @mp:		mapping; owned by the state on success
 * @e:		error context
 *
 * Return: 0 or negative errno (nothing changed)
 */
int state_mapping_add(struct state *st, struct mapping *mp, struct netd_error *e)
{
	_cleanup_json_ json_t *j = NULL;
	char file[128];
	int r;

	r = grow((void ***)&st->mappings, st->n_mappings, &st->cap_mappings);
	if (r < 0)
		return err_set(e, r, "add port mapping");
	r = mapping_file(&mp->m, file, sizeof(file));
	if (r < 0)
		return err_set(e, r, "port mapping file name");
	r = portindex_add(&st->ports, &mp->m.spec, mp);
	if (r < 0)
		return err_set(e, r, "index port mapping");
	j = mapping_to_json(&mp->m);
	r = write_json(st->ports_fd, file, j, e);
	if (r < 0) {
		portindex_remove(&st->ports, &mp->m.spec, mp);
		return err_wrap(e, "save port mapping of '%s' in the state directory",
				mp->m.container);
	}
	insert_mapping(st, mp);
	return 0;
}

/**
 * state_mapping_clash() - a published mapping whose host ports clash with @s
 * @st:		state
 * @s:		spec to publish
 *
 * Return: the mapping (see portspec_overlaps()), or NULL
 */
const struct mapping *state_mapping_clash(const struct state *st, const struct portspec *s)
{
	return portindex_find(&st->ports, s);
}

/**
 * state_mapping_remove() - forget a published port on disk, then in memory, and free it
 * @st:		state
 * @mp:		mapping in the state
 * @e:		error context
 *
 * Return: 0 or negative errno (then nothing changed)
 */
int state_mapping_remove(struct state *st, struct mapping *mp, struct netd_error *e)
{
	char file[128];
	size_t i;
	int r;

	r = mapping_file(&mp->m, file, sizeof(file));
	if (r < 0)
		return err_set(e, r, "port mapping file name");
	r = file_remove(st->ports_fd, file, e);
	if (r < 0 && r != -ENOENT)
		return err_wrap(e, "forget port mapping of '%s' in the state directory",
				mp->m.container);
	portindex_remove(&st->ports, &mp->m.spec, mp);
	for (i = 0; i < st->n_mappings; i++) {
		if (st->mappings[i] == mp) {
			memmove(&st->mappings[i], &st->mappings[i + 1],
				(st->n_mappings - i - 1) * sizeof(*st->mappings));
			st->n_mappings--;
			break;
		}
	}
	mapping_free(mp);
	return 0;
}

typedef int (*load_fn)(struct state *st, const json_t *j, const char *file, struct netd_error *e);

static int load_network(struct state *st, const json_t *j, const char *file, struct netd_error *e)
{
	struct network *n = calloc(1, sizeof(*n));
	int r;

	if (!n)
		return -ENOMEM;
	r = network_from_json(j, &n->spec, e);
	if (r == 0 && state_network(st, n->spec.name))
		r = err_set(e, EEXIST, "network '%s' defined twice", n->spec.name);
	if (r == 0 && (r = network_init_ipam(n)) < 0)
		err_set(e, r, "network '%s': bad subnet or gateway", n->spec.name);
	if (r == 0)
		r = grow((void ***)&st->networks, st->n_networks, &st->cap_networks);
	if (r < 0) {
		network_free(n);
		return r;
	}
	insert_network(st, n);
	return 0;
}

static int load_endpoint(struct state *st, const json_t *j, const char *file, struct netd_error *e)
{
	_cleanup_free_ struct endpoint_spec *ep = calloc(1, sizeof(*ep));
	struct network *n;
	int r;

	if (!ep)
		return -ENOMEM;
	r = endpoint_from_json(j, ep, e);
	if (r < 0)
		return r;
	n = state_network(st, ep->network);
	if (!n)
		return err_set(e, ENOENT, "endpoint '%s': network '%s' not found", ep->container,
			       ep->network);
	if (state_endpoint(st, ep->container, ep->network))
		return err_set(e, EEXIST, "endpoint '%s' on '%s' defined twice", ep->container,
			       ep->network);
	r = endpoint_reserve_addresses(n, ep);
	if (r < 0)
		return err_set(e, r, "endpoint '%s': address already in use or outside '%s'",
			       ep->container, ep->network);
	r = grow((void ***)&st->endpoints, st->n_endpoints, &st->cap_endpoints);
	if (r < 0) {
		endpoint_release_addresses(n, ep);
		return r;
	}
	n->n_endpoints++;
	insert_endpoint(st, TAKE_PTR(ep));
	return 0;
}

static int load_mapping(struct state *st, const json_t *j, const char *file, struct netd_error *e)
{
	struct mapping *mp = calloc(1, sizeof(*mp));
	int r;

	if (!mp)
		return -ENOMEM;
	r = mapping_from_json(j, &mp->m, e);
	if (r == 0 && !state_endpoint(st, mp->m.container, mp->m.network))
		r = err_set(e, ENOENT, "container '%s' is not attached to '%s'", mp->m.container,
			    mp->m.network);
	if (r == 0)
		r = grow((void ***)&st->mappings, st->n_mappings, &st->cap_mappings);
	if (r == 0) {
		r = portindex_add(&st->ports, &mp->m.spec, mp);
		if (r < 0)
			r = err_set(e, -r, "index port mapping");
	}
	if (r < 0) {
		mapping_free(mp);
		return r;
	}
	insert_mapping(st, mp);
	return 0;
}

/* load every NAME.json of a directory; a bad file is logged and skipped, never deleted */
static int load_dir(struct state *st, int dir_fd, load_fn fn, struct netd_error *e)
{
	DIR *dir;
	struct dirent *de;
	int fd = dup(dir_fd);

	if (fd < 0)
		return err_set(e, errno, "read state: %s", strerror(errno));
	dir = fdopendir(fd);
	if (!dir) {
		(void)close(fd);
		return err_set(e, errno, "read state: %s", strerror(errno));
	}
	rewinddir(dir);
	while ((de = readdir(dir))) {
		_cleanup_free_ char *text = NULL;
		_cleanup_json_ json_t *j = NULL;
		struct netd_error fe = NETD_ERROR_INIT;
		size_t len = strlen(de->d_name);
		json_error_t jerr;
		int r;

		if (de->d_name[0] == '.') {
			/* a write cut short by a crash: its file never took the old one's place */
			if (len > 5 && strcmp(de->d_name + len - 4, ".tmp") == 0 &&
			    unlinkat(dir_fd, de->d_name, 0) == 0)
				log_info("state: removed '%s' of a write cut short", de->d_name);
			continue; /* ".", "..", and temporary files of an interrupted write */
		}
		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		r = file_read_bounded(dir_fd, de->d_name, STATE_FILE_MAX, &text, NULL, &fe);
		if (r == 0) {
			j = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
			if (!j)
				r = err_set(&fe, EINVAL, "invalid JSON: %s", jerr.text);
		}
		if (r == 0)
			r = fn(st, j, de->d_name, &fe);
		if (r == -ENOMEM) {
			(void)closedir(dir);
			return err_set(e, ENOMEM, "load state");
		}
		if (r < 0)
			log_error("state file '%s' skipped: %s", de->d_name, fe.msg);
	}
	(void)closedir(dir);
	return 0;
}

/**
 * state_open() - open (creating if needed) the state directory and load every object
 * @st:		state to fill
 * @dir:	state directory
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int state_open(struct state *st, const char *dir, struct netd_error *e)
{
	int r;

	memset(st, 0, sizeof(*st));
	st->lock_fd = st->dir_fd = st->networks_fd = st->endpoints_fd = st->ports_fd = -1;
	st->dir_fd = dir_open_or_create(dir, 0700, e);
	if (st->dir_fd < 0)
		return st->dir_fd;
	/*
	 * One netd per state directory: two would each take the other's objects for orphans.
	 * flock() needs no write access, and a descriptor open for writing would keep the file
	 * system from being remounted read-only (EBUSY) while netd runs.
	 */
	st->lock_fd =
		openat(st->dir_fd, ".lock", O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (st->lock_fd < 0)
		return err_set(e, errno, "open lock in '%s': %s", dir, strerror(errno));
	if (flock(st->lock_fd, LOCK_EX | LOCK_NB) < 0)
		return err_set(e, errno == EWOULDBLOCK ? EBUSY : errno,
			       "state directory '%s' is in use by another netd", dir);
	if ((mkdirat(st->dir_fd, "networks", 0700) < 0 && errno != EEXIST) ||
	    (mkdirat(st->dir_fd, "endpoints", 0700) < 0 && errno != EEXIST) ||
	    (mkdirat(st->dir_fd, "ports", 0700) < 0 && errno != EEXIST))
		return err_set(e, errno, "create state directories in '%s': %s", dir,
			       strerror(errno));
	st->networks_fd =
		openat(st->dir_fd, "networks", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	st->endpoints_fd =
		openat(st->dir_fd, "endpoints", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	st->ports_fd = openat(st->dir_fd, "ports", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (st->networks_fd < 0 || st->endpoints_fd < 0 || st->ports_fd < 0)
		return err_set(e, errno, "open state directories in '%s': %s", dir,
			       strerror(errno));
	r = load_dir(st, st->networks_fd, load_network, e);
	if (r < 0)
		return r;
	r = load_dir(st, st->endpoints_fd, load_endpoint, e);
	if (r < 0)
		return r;
	return load_dir(st, st->ports_fd, load_mapping, e);
}

/**
 * state_close() - free the in-memory state (the files stay)
 * @st:		state
 */
void state_close(struct state *st)
{
	size_t i;

	portindex_done(&st->ports);
	for (i = 0; i < st->n_mappings; i++)
		mapping_free(st->mappings[i]);
	free(st->mappings);
	closep(&st->ports_fd);
	for (i = 0; i < st->n_endpoints; i++)
		free(st->endpoints[i]);
	for (i = 0; i < st->n_networks; i++)
		network_free(st->networks[i]);
	free(st->endpoints);
	free(st->networks);
	closep(&st->networks_fd);
	closep(&st->endpoints_fd);
	closep(&st->dir_fd);
	closep(&st->lock_fd);
	memset(st, 0, sizeof(*st));
	st->lock_fd = st->dir_fd = st->networks_fd = st->endpoints_fd = st->ports_fd = -1;
}
