/* SPDX-License-Identifier: GPL-2.0-or-later */
/* naming.h - name validation, interface name derivation, deterministic MACs */
#ifndef NETD_NAMING_H
#define NETD_NAMING_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

/* container and network names: [A-Za-z0-9][A-Za-z0-9_.-]*, at most 63 characters (Docker's rule) */
#define NAME_MAX_LEN 63
#define MAC_STRLEN 18

int name_validate(const char *s);
int ifname_validate(const char *s);
void naming_host_ifname(const char *container, const char *network, char ret[IFNAMSIZ]);
bool naming_is_host_ifname(const char *ifname);
void naming_mac(const char *seed1, const char *seed2, uint8_t ret[6]);
int mac_parse(const char *s, uint8_t ret[6]);
void mac_format(const uint8_t mac[6], char buf[MAC_STRLEN]);
uint32_t naming_hash(const char *s1, const char *s2);

#endif /* NETD_NAMING_H */
