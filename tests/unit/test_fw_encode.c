// SPDX-License-Identifier: GPL-2.0-or-later
/* test_fw_encode.c - netd's nftables batch built in memory, parsed back with libnftnl, compared */
#include <netinet/in.h> /* before the uapi headers, which defer to it */
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>

#include <netd/fw.h>

#include "../helpers/cmocka_compat.h"

static struct fw_network nets[2];
static struct fw_port ports[3];

static void setup_model(void)
{
	memset(nets, 0, sizeof(nets));
	memset(ports, 0, sizeof(ports));
	nets[0].bridge = "nd-web";
	nets[0].has_v6 = true;
	assert_int_equal(cidr_parse_subnet("10.90.0.0/24", &nets[0].subnet), 0);
	assert_int_equal(cidr_parse_subnet("fd00:90::/64", &nets[0].subnet6), 0);
	nets[1].bridge = "nd-priv";
	nets[1].internal = true;
	assert_int_equal(cidr_parse_subnet("10.92.0.0/24", &nets[1].subnet), 0);
	/* 8080:80, 8000-8002:8000-8002, 127.0.0.1:9090:90/udp */
	ports[0] = (struct fw_port){ .family = AF_INET,
				     .proto = IPPROTO_TCP,
				     .host_port = 8080,
				     .host_port_end = 8080,
				     .ctr_port = 80 };
	assert_int_equal(ipaddr_parse("10.90.0.2", &ports[0].target), 0);
	ports[1] = ports[0];
	ports[1].host_port = ports[1].ctr_port = 8000;
	ports[1].host_port_end = 8002;
	ports[2] = ports[0];
	ports[2].proto = IPPROTO_UDP;
	ports[2].has_host_ip = true;
	assert_int_equal(ipaddr_parse("127.0.0.1", &ports[2].host_ip), 0);
	ports[2].host_port = ports[2].host_port_end = 9090;
	ports[2].ctr_port = 90;
}

struct walk {
	char *text; /* every rule as libnftnl prints it */
	size_t len;
	unsigned int msgs;
	unsigned int rules;
	unsigned int elem_msgs;
	uint32_t last_seq;
	bool seq_ok;
	bool acks_ok;
};

static void append(struct walk *w, const char *s)
{
	size_t n = strlen(s);

	w->text = realloc(w->text, w->len + n + 1);
	assert_non_null(w->text);
	memcpy(w->text + w->len, s, n + 1);
	w->len += n;
}

static void walk_msg(struct walk *w, const struct nlmsghdr *nlh)
{
	uint16_t type = NFNL_MSG_TYPE(nlh->nlmsg_type);
	char buf[4096];

	if (nlh->nlmsg_type == NFNL_MSG_BATCH_BEGIN || nlh->nlmsg_type == NFNL_MSG_BATCH_END)
		return;
	w->msgs++;
	if (w->last_seq && nlh->nlmsg_seq != w->last_seq + 1)
		w->seq_ok = false;
	w->last_seq = nlh->nlmsg_seq;
	if (!(nlh->nlmsg_flags & NLM_F_ACK))
		w->acks_ok = false;
	if (type == NFT_MSG_NEWSETELEM)
		w->elem_msgs++;
	if (type == NFT_MSG_NEWRULE) {
		struct nftnl_rule *r = nftnl_rule_alloc();

		assert_non_null(r);
		assert_int_equal(nftnl_rule_nlmsg_parse(nlh, r), 0);
		nftnl_rule_snprintf(buf, sizeof(buf), r, NFTNL_OUTPUT_DEFAULT, 0);
		append(w, buf);
		append(w, "\n");
		nftnl_rule_free(r);
		w->rules++;
	}
}

static void build_and_walk(struct walk *w)
{
	struct netd_error e = NETD_ERROR_INIT;
	struct fw fw = { .seq = 100 };
	struct fw_batch b;
	struct iovec *iov;
	int i, n;

	memset(w, 0, sizeof(*w));
	w->seq_ok = w->acks_ok = true;
	strcpy(fw.table, "t");
	setup_model();
	assert_int_equal(fw_batch_begin(&fw, &b, &e), 0);
	assert_int_equal(fw_table_build(&b, nets, 2, ports, 3, &e), 0);
	assert_int_equal(nftnl_batch_update(b.b), 0);
	n = nftnl_batch_iovec_len(b.b);
	iov = calloc((size_t)n, sizeof(*iov));
	assert_non_null(iov);
	nftnl_batch_iovec(b.b, iov, (uint32_t)n);
	for (i = 0; i < n; i++) {
		const struct nlmsghdr *nlh = iov[i].iov_base;
		int len = (int)iov[i].iov_len;

		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
			walk_msg(w, nlh);
	}
	assert_int_equal(w->msgs, b.n_cmds);
	free(iov);
	fw_batch_done(&b);
}

/* every command acks itself with its own sequence number, in order */
static void test_fw_encode_batch_shape(void **state)
{
	struct walk w;

	build_and_walk(&w);
	free(w.text); /* before any assert: a failed one jumps out */
	assert_true(w.seq_ok);
	assert_true(w.acks_ok);
	/* prerouting 8 + output 8 + 4 for lo4 + forward 8 counting + 7 + postrouting 5 + input 1
	 * rules; elements in bridges, br_same, internal, masq4, masq6, l4protos, pub4,
	 * pub4_same, pub4_ip (lo4 is empty) */
	assert_int_equal(w.rules, 41);
	assert_int_equal(w.elem_msgs, 9);
}

/* the rules, as libnftnl prints them, equal the checked-in golden text */
static void test_fw_encode_rules_golden(void **state)
{
	const char *src = getenv("NETD_SRCDIR");
	char path[4096], *golden = NULL;
	struct walk w;
	FILE *f;
	long size;

	build_and_walk(&w);
	(void)snprintf(path, sizeof(path), "%s/tests/unit/golden/fw_rules.txt", src ? src : ".");
	if (getenv("NETD_GOLDEN_WRITE")) {
		f = fopen(path, "w");
		assert_non_null(f);
		assert_int_equal(fwrite(w.text, 1, w.len, f), w.len);
		assert_int_equal(fclose(f), 0);
	}
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 0);
	rewind(f);
	golden = calloc(1, (size_t)size + 1);
	assert_non_null(golden);
	assert_int_equal(fread(golden, 1, (size_t)size, f), (size_t)size);
	(void)fclose(f);
	size = strcmp(w.text, golden);
	if (size)
		(void)fprintf(stderr,
			      "rules differ from %s (NETD_GOLDEN_WRITE=1 rewrites it):\n%s\n", path,
			      w.text);
	free(golden);
	free(w.text);
	assert_int_equal(size, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fw_encode_batch_shape),
		cmocka_unit_test(test_fw_encode_rules_golden),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
