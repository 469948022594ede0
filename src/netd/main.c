// SPDX-License-Identifier: GPL-2.0-or-later
/* main.c - netd: options, daemon setup, run loop, exit status */
#include "config.h"

#include "daemon.h"

int main(int argc, char **argv)
{
	struct netd_error e = NETD_ERROR_INIT;
	static struct daemon d;
	int r;

	log_set_ident("netd");
	r = options_parse(argc, argv, &d.cfg);
	if (r != 0)
		return r < 0 ? 0 : r;
	if (d.cfg.cleanup) {
		/* only netd's own table; networks and endpoints stay for the next start */
		if (fw_open(&d.fw, d.cfg.nft_table, &e) < 0 || fw_table_remove(&d.fw, &e) < 0) {
			log_error("%s", e.msg);
			fw_close(&d.fw);
			return 1;
		}
		fw_close(&d.fw);
		log_info("nftables table 'inet %s' removed", d.cfg.nft_table);
		return 0;
	}
	r = daemon_init(&d, &e);
	if (r < 0) {
		log_error("%s", e.msg);
		daemon_done(&d);
		return 1;
	}
	r = daemon_run(&d);
	daemon_done(&d);
	return r;
}
