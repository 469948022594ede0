// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_portspec.c - port specs: parse anything; what parses formats and parses back the same */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netd/portspec.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[PORTSPEC_STRLEN + 8], out[PORTSPEC_STRLEN];
	struct portspec a, b;
	size_t errpos = 0;

	if (size >= sizeof(in))
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	if (portspec_parse(in, &a, &errpos) < 0) {
		FUZZ_ASSERT(errpos <= strlen(in));
		return 0;
	}
	FUZZ_ASSERT(a.ctr_port >= 1 && a.ctr_port <= a.ctr_port_end);
	FUZZ_ASSERT(a.host_port == 0 ?
			    a.host_port_end == 0 :
			    a.host_port_end - a.host_port == a.ctr_port_end - a.ctr_port);
	FUZZ_ASSERT(portspec_format(&a, out, sizeof(out)) == 0);
	FUZZ_ASSERT(portspec_parse(out, &b, NULL) == 0);
	FUZZ_ASSERT(a.has_host_ip == b.has_host_ip &&
		    (!a.has_host_ip || ipaddr_equal(&a.host_ip, &b.host_ip)));
	FUZZ_ASSERT(a.host_port == b.host_port && a.host_port_end == b.host_port_end &&
		    a.ctr_port == b.ctr_port && a.ctr_port_end == b.ctr_port_end &&
		    a.proto == b.proto);
	FUZZ_ASSERT(portspec_overlaps(&a, &a) == (a.host_port != 0));
	return 0;
}
