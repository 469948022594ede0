// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stats.c - `netrun stats NAME ... [--json] [--no-stream]`, as `docker stats`: running
 * containers' memory, CPU time and share, pids from their cgroups (v1 or v2, whichever they
 * have), and the bytes their eth0 received and sent, from /proc/INIT/net/dev (their network
 * namespace); a new sample every second, or one with --no-stream
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include <netd/log.h>
#include <netd/naming.h>

#include "netrun.h"

#define EXIT_NETRUN 125
/* CPU share: CPU time over wall time between two samples this far apart */
#define STATS_SAMPLE_MS 500
/* streaming: a new sample this often, as docker stats */
#define STATS_STREAM_MS 1000
#define STATS_MAX 64
#define STATS_IFACE "eth0"

/**
 * struct ctr_stats - one container's numbers; UINT64_MAX for what is not counted or not set
 * @name:	container
 * @init:	its init, as the host sees it
 * @cg:		its cgroups
 * @first:	the first sample
 * @last:	the second one
 * @t_first:	when the first was taken (CLOCK_MONOTONIC, ns)
 * @t_last:	the second
 * @sample_ms:	the time between the two samples it was meant to be
 * @rx:		bytes its eth0 received
 * @tx:		and sent
 */
struct ctr_stats {
	const char *name;
	pid_t init;
	struct cgroup cg;
	struct cgroup_stats first, last;
	uint64_t t_first, t_last;
	int sample_ms;
	uint64_t rx, tx;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* eth0's byte counters in the network namespace of @init; none with --network host or none */
static void net_read(const char *run_dir, struct ctr_stats *s)
{
	char path[64], ns[64] = "", sup_ns[64] = "", buf[8192], *p;
	pid_t sup = state_pid(run_dir, s->name, "supervisor");

	s->rx = s->tx = UINT64_MAX;
	/* --network host: the namespace is netrun's, and eth0 the host's: not the container's */
	(void)snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)s->init);
	(void)!readlink(path, ns, sizeof(ns) - 1);
	(void)snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)sup);
	(void)!readlink(path, sup_ns, sizeof(sup_ns) - 1);
	if (!ns[0] || strcmp(ns, sup_ns) == 0)
		return;
	(void)snprintf(path, sizeof(path), "/proc/%d/net/dev", (int)s->init);
	if (text_read(path, 0, buf, sizeof(buf)) <= 0)
		return;
	for (p = buf; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		unsigned long long v[9];

		while (*p == ' ')
			p++;
		if (strncmp(p, STATS_IFACE ":", strlen(STATS_IFACE) + 1) != 0)
			continue;
		/* receive: bytes packets errs drop fifo frame compressed multicast; transmit: bytes */
		if (sscanf(p + strlen(STATS_IFACE) + 1,
			   "%llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
			   &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]) == 9) {
			s->rx = v[0];
			s->tx = v[8];
		}
		return;
	}
}

/* @v in @base's powers, as docker stats shows them: 1.5MiB (1024) for memory, 1.5kB (1000) */
static void fmt_scaled(char *buf, size_t size, uint64_t v, unsigned int base,
		       const char *const units[5])
{
	double d = (double)v;
	size_t u = 0;

	if (v == UINT64_MAX) {
		(void)snprintf(buf, size, "-");
		return;
	}
	while (d >= base && u + 1 < 5) {
		d /= base;
		u++;
	}
	(void)snprintf(buf, size, u ? "%.4g%s" : "%.0f%s", d, units[u]);
}

static const char *const units_bin[5] = { "B", "KiB", "MiB", "GiB", "TiB" };
static const char *const units_si[5] = { "B", "kB", "MB", "GB", "TB" };

static double cpu_percent(const struct ctr_stats *s)
{
	if (s->first.cpu_ns == UINT64_MAX || s->last.cpu_ns == UINT64_MAX ||
	    s->t_last <= s->t_first || s->last.cpu_ns < s->first.cpu_ns)
		return -1;
	return 100.0 * (double)(s->last.cpu_ns - s->first.cpu_ns) /
	       (double)(s->t_last - s->t_first);
}

static json_t *json_u64(uint64_t v)
{
	return v == UINT64_MAX ? json_null() : json_integer((json_int_t)v);
}

static int print_json(const struct ctr_stats *s)
{
	const struct cgroup_stats *l = &s->last;
	double cpu = cpu_percent(s);
	json_t *j;
	int r;

	j = json_pack("{s:s, s:s, s:{s:o, s:o, s:i}, s:{s:o, s:o, s:o}, s:{s:o, s:o}, "
		      "s:{s:s, s:o, s:o}}",
		      "name", s->name, "cgroup", s->cg.v2 ? "v2" : "v1", "cpu", "usage_ns",
		      json_u64(l->cpu_ns), "percent", cpu < 0 ? json_null() : json_real(cpu),
		      "sample_ms", s->sample_ms, "memory", "usage", json_u64(l->memory), "limit",
		      json_u64(l->memory_limit), "percent",
		      l->memory == UINT64_MAX || l->memory_limit == UINT64_MAX ?
			      json_null() :
			      json_real(100.0 * (double)l->memory / (double)l->memory_limit),
		      "pids", "current", json_u64(l->pids), "limit", json_u64(l->pids_limit),
		      "network", "interface", STATS_IFACE, "rx_bytes", json_u64(s->rx), "tx_bytes",
		      json_u64(s->tx));
	if (!j)
		return -ENOMEM;
	/* 4 significant digits: 12.34 (%), not 12.339999999999999 */
	r = json_dumpf(j, stdout, JSON_COMPACT | JSON_REAL_PRECISION(4));
	json_decref(j);
	(void)putchar('\n');
	return r < 0 ? -EIO : 0;
}

static void print_row(const struct ctr_stats *s)
{
	const struct cgroup_stats *l = &s->last;
	char cpu[16] = "-", cpu_time[24] = "-", mem[24], mem_lim[24] = "unlimited",
	     mem_pct[16] = "-";
	char rx[16], tx[16], pids[48] = "-", mem_col[52], net_col[36];
	double c = cpu_percent(s);

	if (c >= 0)
		(void)snprintf(cpu, sizeof(cpu), "%.2f%%", c);
	if (l->cpu_ns != UINT64_MAX)
		(void)snprintf(cpu_time, sizeof(cpu_time), "%.3fs", (double)l->cpu_ns / 1e9);
	fmt_scaled(mem, sizeof(mem), l->memory, 1024, units_bin);
	if (l->memory_limit != UINT64_MAX) {
		fmt_scaled(mem_lim, sizeof(mem_lim), l->memory_limit, 1024, units_bin);
		if (l->memory != UINT64_MAX)
			(void)snprintf(mem_pct, sizeof(mem_pct), "%.2f%%",
				       100.0 * (double)l->memory / (double)l->memory_limit);
	}
	fmt_scaled(rx, sizeof(rx), s->rx, 1000, units_si);
	fmt_scaled(tx, sizeof(tx), s->tx, 1000, units_si);
	if (l->pids != UINT64_MAX && l->pids_limit != UINT64_MAX)
		(void)snprintf(pids, sizeof(pids), "%" PRIu64 " / %" PRIu64, l->pids,
			       l->pids_limit);
	else if (l->pids != UINT64_MAX)
		(void)snprintf(pids, sizeof(pids), "%" PRIu64, l->pids);
	(void)snprintf(mem_col, sizeof(mem_col), "%s / %s", mem, mem_lim);
	(void)snprintf(net_col, sizeof(net_col), "%s / %s", rx, tx);
	(void)printf("%-24s %-9s %-11s %-23s %-8s %-19s %s\n", s->name, cpu, cpu_time, mem_col,
		     mem_pct, net_col, pids);
}

/* still running: its state names the same init, with no exit status, and the init lives */
static bool running(const char *run_dir, const struct ctr_stats *s)
{
	char buf[8];

	return state_pid(run_dir, s->name, "init") == s->init &&
	       state_read(run_dir, s->name, "status", buf, sizeof(buf)) <= 0 &&
	       (kill(s->init, 0) == 0 || errno == EPERM);
}

static int print_frame(struct ctr_stats *st, size_t n, bool json, bool clear)
{
	size_t i;

	/* a terminal shows one table that changes in place, as docker stats does */
	if (clear)
		(void)fputs("\033[2J\033[H", stdout);
	if (!json)
		(void)printf("%-24s %-9s %-11s %-23s %-8s %-19s %s\n", "NAME", "CPU %", "CPU TIME",
			     "MEM USAGE / LIMIT", "MEM %", "NET I/O", "PIDS");
	for (i = 0; i < n; i++) {
		if (json) {
			if (print_json(&st[i]) < 0)
				return -ENOMEM;
		} else {
			print_row(&st[i]);
		}
	}
	return fflush(stdout) == 0 ? 0 : -EIO;
}

static void sample(const char *run_dir, struct ctr_stats *st, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		st[i].t_last = now_ns();
		cgroup_stats_read(&st[i].cg, &st[i].last);
		net_read(run_dir, &st[i]);
	}
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	(void)nanosleep(&ts, NULL);
}

/**
 * ctl_stats() - `netrun stats NAME ... [--json] [--no-stream]`: running containers' usage,
 *		 a new sample every second until they have all stopped, or one with --no-stream
 * @run_dir:	state root
 * @argc:	count
 * @argv:	"stats" NAME ... [--json] [--no-stream]
 *
 * CPU % is the CPU time the container's cgroup used between two samples (STATS_SAMPLE_MS
 * apart for the first, a second for the next), over that wall time (100% is one CPU's worth,
 * as docker stats has it); CPU time is cumulative. A container that stops leaves the table;
 * the command ends, with 0, when none is left.
 *
 * Return: exit status
 */
int ctl_stats(const char *run_dir, int argc, char **argv)
{
	struct netd_error e = NETD_ERROR_INIT;
	static struct ctr_stats st[STATS_MAX];
	bool json = false, stream = true, clear;
	size_t n = 0, i, k;
	int a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--json") == 0) {
			json = true;
			continue;
		}
		if (strcmp(argv[a], "--no-stream") == 0) {
			stream = false;
			continue;
		}
		if (argv[a][0] == '-' || name_validate(argv[a]) < 0) {
			log_error("stats: netrun stats NAME ... [--json] [--no-stream]");
			return EXIT_NETRUN;
		}
		if (n >= STATS_MAX) {
			log_error("stats: at most %d containers", STATS_MAX);
			return EXIT_NETRUN;
		}
		st[n].name = argv[a];
		st[n].init = state_pid(run_dir, argv[a], "init");
		if (!st[n].init || !state_pid(run_dir, argv[a], "supervisor") ||
		    !running(run_dir, &st[n])) {
			log_error("stats: container '%s' is not running", argv[a]);
			return 1;
		}
		if (ctl_cgroup_find(run_dir, argv[a], &st[n].cg, &e) < 0) {
			log_error("stats: %s", e.msg);
			return 1;
		}
		n++;
	}
	if (!n) {
		log_error("stats: netrun stats NAME ... [--json] [--no-stream]");
		return EXIT_NETRUN;
	}
	clear = stream && !json && isatty(STDOUT_FILENO);
	for (i = 0; i < n; i++) {
		st[i].t_first = now_ns();
		st[i].sample_ms = STATS_SAMPLE_MS;
		cgroup_stats_read(&st[i].cg, &st[i].first);
	}
	sleep_ms(STATS_SAMPLE_MS);
	sample(run_dir, st, n);
	for (;;) {
		if (print_frame(st, n, json, clear) < 0)
			return 1;
		if (!stream)
			return 0;
		for (i = 0; i < n; i++) {
			st[i].first = st[i].last;
			st[i].t_first = st[i].t_last;
			st[i].sample_ms = STATS_STREAM_MS;
		}
		sleep_ms(STATS_STREAM_MS);
		/* the ones that stopped meanwhile leave the table; none left ends the stream */
		for (i = k = 0; i < n; i++)
			if (running(run_dir, &st[i]))
				st[k++] = st[i];
		n = k;
		if (!n)
			return 0;
		sample(run_dir, st, n);
	}
}
