// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_cidr.c - addresses and subnets: parse anything; what parses formats and parses back */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netd/cidr.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[128], out[128];
	struct ipaddr a, b;
	struct cidr c, d;

	if (size >= sizeof(in))
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	if (ipaddr_parse(in, &a) == 0) {
		FUZZ_ASSERT(a.family == AF_INET || a.family == AF_INET6);
		FUZZ_ASSERT(ipaddr_format(&a, out, sizeof(out)) == 0);
		FUZZ_ASSERT(ipaddr_parse(out, &b) == 0 && ipaddr_equal(&a, &b));
	}
	if (cidr_parse_subnet(in, &c) == 0) {
		FUZZ_ASSERT(c.prefixlen <= (c.addr.family == AF_INET ? 32u : 128u));
		FUZZ_ASSERT(cidr_format(&c, out, sizeof(out)) == 0);
		FUZZ_ASSERT(cidr_parse_subnet(out, &d) == 0 && ipaddr_equal(&c.addr, &d.addr) &&
			    c.prefixlen == d.prefixlen);
	}
	return 0;
}
