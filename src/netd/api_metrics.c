// SPDX-License-Identifier: GPL-2.0-or-later
/* api_metrics.c - GET /metrics: what netd holds and does, in the Prometheus text format */
#include "config.h"

#include <inttypes.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "daemon.h"

static void gauge(struct evbuffer *out, const char *name, const char *help, uint64_t v)
{
	evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s gauge\n%s %" PRIu64 "\n", name, help,
			    name, name, v);
}

static void counter(struct evbuffer *out, const char *name, const char *help, uint64_t v)
{
	evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s counter\n%s %" PRIu64 "\n", name, help,
			    name, name, v);
}

/* the userland proxy's counters of every published port, one series per mapping */
static void proxy_series(struct daemon *d, struct evbuffer *out)
{
	static const struct {
		const char *name, *type, *help;
		size_t offset;
	} series[] = {
		{ "netd_proxy_connections", "gauge",
		  "Connections (UDP flows) the userland proxy relays now, by published port.",
		  offsetof(struct proxy_stats, conns_current) },
		{ "netd_proxy_connections_total", "counter",
		  "Connections (UDP flows) the userland proxy accepted.",
		  offsetof(struct proxy_stats, conns_total) },
		{ "netd_proxy_refused_total", "counter",
		  "Connections refused by the proxy's connection or flow limits.",
		  offsetof(struct proxy_stats, refused) },
		{ "netd_proxy_received_bytes_total", "counter",
		  "Bytes the proxy relayed from clients to containers.",
		  offsetof(struct proxy_stats, bytes_in) },
		{ "netd_proxy_sent_bytes_total", "counter",
		  "Bytes the proxy relayed from containers to clients.",
		  offsetof(struct proxy_stats, bytes_out) },
	};
	size_t s, i;

	if (!d->proxy.stats)
		return;
	for (s = 0; s < ARRAY_SIZE(series); s++) {
		evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n", series[s].name,
				    series[s].help, series[s].name, series[s].type);
		for (i = 0; i < d->state.n_mappings; i++) {
			const struct mapping *mp = d->state.mappings[i];
			const uint64_t *v;
			char spec[PORTSPEC_STRLEN];

			if (!mp->has_slot || portspec_format(&mp->m.spec, spec, sizeof(spec)) < 0)
				continue;
			v = (const uint64_t *)((const char *)&d->proxy.stats[mp->slot] +
					       series[s].offset);
			evbuffer_add_printf(out, "%s{container=\"%s\",port=\"%s\"} %" PRIu64 "\n",
					    series[s].name, mp->m.container, spec,
					    __atomic_load_n(v, __ATOMIC_RELAXED));
		}
	}
	evbuffer_add_printf(
		out,
		"# HELP netd_proxy_restarts_total Times netd restarted its proxy worker.\n"
		"# TYPE netd_proxy_restarts_total counter\n"
		"netd_proxy_restarts_total %" PRIu64 "\n",
		d->proxy.restarts_total);
}

static bool fw_port_of(const struct fw_port *p, const struct portspec *s)
{
	static const uint8_t ipproto[PORTSPEC_PROTO_MAX] = { IPPROTO_TCP, IPPROTO_UDP,
							     IPPROTO_SCTP };

	static const uint8_t zero[16];
	bool bound = s->has_host_ip && memcmp(s->host_ip.b, zero, ipaddr_len(&s->host_ip)) != 0;

	if (p->has_host_ip != bound || (bound && !ipaddr_equal(&p->host_ip, &s->host_ip)))
		return false;
	return p->proto == ipproto[s->proto] && p->host_port == s->host_port &&
	       p->host_port_end == s->host_port_end && p->ctr_port == s->ctr_port;
}

/*
 * What each published port carried through NAT, from the counters of its nftables map
 * elements.  ops_ports_fw() lists the elements mapping by mapping, in state order: each
 * mapping's (one per family) come next.
 */
static void nat_series(struct daemon *d, struct evbuffer *out)
{
	struct netd_error e = NETD_ERROR_INIT;
	struct fw_counter *c = NULL;
	struct fw_port *fwp = NULL;
	size_t n = 0, i, j = 0;
	struct evbuffer *bytes = evbuffer_new();

	if (!bytes || ops_ports_fw(d, &fwp, &n, &e) < 0 || !(c = calloc(n + 1, sizeof(*c))) ||
	    fw_port_counters(&d->fw, fwp, n, c, &e) < 0) {
		log_warn("metrics: nftables counters: %s", e.msg[0] ? e.msg : "out of memory");
		goto out;
	}
	evbuffer_add_printf(out, "# HELP netd_port_nat_packets_total Packets a published port "
				 "carried through NAT, both ways.\n"
				 "# TYPE netd_port_nat_packets_total counter\n");
	evbuffer_add_printf(bytes, "# HELP netd_port_nat_bytes_total Bytes a published port "
				   "carried through NAT, both ways.\n"
				   "# TYPE netd_port_nat_bytes_total counter\n");
	for (i = 0; i < d->state.n_mappings; i++) {
		const struct mapping *mp = d->state.mappings[i];
		struct fw_counter sum = { 0 };
		char spec[PORTSPEC_STRLEN];
		bool any = false;

		while (j < n && fw_port_of(&fwp[j], &mp->m.spec)) {
			sum.packets += c[j].packets;
			sum.bytes += c[j].bytes;
			any = true;
			j++;
		}
		if (!any || portspec_format(&mp->m.spec, spec, sizeof(spec)) < 0)
			continue;
		evbuffer_add_printf(out,
				    "netd_port_nat_packets_total{container=\"%s\",port=\"%s\"} %" PRIu64
				    "\n",
				    mp->m.container, spec, sum.packets);
		evbuffer_add_printf(bytes,
				    "netd_port_nat_bytes_total{container=\"%s\",port=\"%s\"} %" PRIu64
				    "\n",
				    mp->m.container, spec, sum.bytes);
	}
	evbuffer_add_buffer(out, bytes);
out:
	if (bytes)
		evbuffer_free(bytes);
	free(c);
	free(fwp);
}

/**
 * api_metrics() - GET /metrics
 * @d:		daemon
 * @req:	request
 * @arg:	unused
 */
void api_metrics(struct daemon *d, struct evhttp_request *req, const char *arg)
{
	struct evbuffer *out = evbuffer_new();

	if (!out) {
		evhttp_send_error(req, 500, "out of memory");
		return;
	}
	gauge(out, "netd_networks", "Networks netd manages.", d->state.n_networks);
	gauge(out, "netd_endpoints", "Container endpoints attached.", d->state.n_endpoints);
	gauge(out, "netd_published_ports", "Published port mappings (a range counts once).",
	      d->state.n_mappings);
	counter(out, "netd_reconcile_runs_total",
		"Times netd compared the kernel with its state (start, links removed by others).",
		d->reconcile_runs);
	counter(out, "netd_repairs_total",
		"Kernel objects reconcile rebuilt, put back or removed as orphans.", d->repairs);
	counter(out, "netd_firewall_restores_total",
		"Times netd restored its nftables table after someone changed it.",
		d->fw_restores);
	counter(out, "netd_events_total", "Events netd emitted (GET /v1/events).",
		events_count());
	counter(out, "netd_api_connections_shed_total",
		"Control connections closed for sending no whole request in time, or past the cap.",
		api_conns_shed());
	nat_series(d, out);
	proxy_series(d, out);
	api_metrics_requests(out);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
			  "text/plain; version=0.0.4");
	evhttp_send_reply(req, 200, "OK", out);
	evbuffer_free(out);
}
