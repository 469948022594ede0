// SPDX-License-Identifier: GPL-2.0-or-later
/* naming.c - name validation, host interface names and MACs derived from a hash */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netd/naming.h>

/**
 * name_validate() - container or network name: [A-Za-z0-9][A-Za-z0-9_.-]*, 1 to 63 characters
 * @s:		name
 *
 * Return: 0, -EINVAL on a bad character or empty, -ENAMETOOLONG
 */
int name_validate(const char *s)
{
	size_t i, len;

	if (!s || !*s)
		return -EINVAL;
	len = strlen(s);
	if (len > NAME_MAX_LEN)
		return -ENAMETOOLONG;
	for (i = 0; i < len; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
			return -EINVAL;
	}
	return 0;
}

/**
 * ifname_validate() - interface name the kernel accepts: 1 to 15 bytes, no '/', ':' or space
 * @s:		name
 *
 * Return: 0, -EINVAL or -ENAMETOOLONG
 */
int ifname_validate(const char *s)
{
	size_t i, len;

	if (!s || !*s)
		return -EINVAL;
	len = strlen(s);
	if (len >= IFNAMSIZ)
		return -ENAMETOOLONG;
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c >= 0x7f || c == '/' || c == ':' || c == '%')
			return -EINVAL;
	}
	return 0;
}

static uint64_t fnv1a64(const char *s1, const char *s2)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	const char *p;

	for (p = s1; *p; p++)
		h = (h ^ (unsigned char)*p) * UINT64_C(0x100000001b3);
	h = (h ^ 0xff) * UINT64_C(0x100000001b3); /* separator: ("ab","c") != ("a","bc") */
	for (p = s2; *p; p++)
		h = (h ^ (unsigned char)*p) * UINT64_C(0x100000001b3);
	return h;
}

/**
 * naming_hash() - 32-bit hash of two strings
 * @s1:		first string
 * @s2:		second string
 *
 * Return: hash
 */
uint32_t naming_hash(const char *s1, const char *s2)
{
	uint64_t h = fnv1a64(s1, s2);

	return (uint32_t)(h ^ (h >> 32));
}

/**
 * naming_host_ifname() - host-side veth name: "vn" and 8 hex digits of hash(container, network)
 * @container:	container name
 * @network:	network name
 * @ret:	the name
 *
 * Names are at most 15 bytes while container names are 63: a hash keeps them short and
 * stable across restarts, as nspawn's shorten_ifname does.
 */
void naming_host_ifname(const char *container, const char *network, char ret[IFNAMSIZ])
{
	(void)snprintf(ret, IFNAMSIZ, "vn%08x", naming_hash(container, network));
}

/**
 * naming_is_host_ifname() - whether @ifname has the shape naming_host_ifname() produces
 * @ifname:	interface name
 *
 * Return: true for "vn" followed by 8 lowercase hex digits
 */
bool naming_is_host_ifname(const char *ifname)
{
	size_t i;

	if (strlen(ifname) != 10 || strncmp(ifname, "vn", 2) != 0)
		return false;
	for (i = 2; i < 10; i++) {
		char c = ifname[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

/**
 * naming_mac() - a locally administered unicast MAC derived from two strings
 * @seed1:	first string (e.g. container)
 * @seed2:	second string (e.g. network)
 * @ret:	the MAC
 */
void naming_mac(const char *seed1, const char *seed2, uint8_t ret[6])
{
	uint64_t h = fnv1a64(seed1, seed2);
	int i;

	for (i = 0; i < 6; i++)
		ret[i] = (uint8_t)(h >> (8 * i));
	ret[0] = (uint8_t)((ret[0] & 0xfe) | 0x02);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/**
 * mac_parse() - parse "aa:bb:cc:dd:ee:ff"; refuses multicast and all-zero
 * @s:		text
 * @ret:	the MAC
 *
 * Return: 0 or -EINVAL
 */
int mac_parse(const char *s, uint8_t ret[6])
{
	uint8_t m[6];
	int i;

	if (!s || strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		int hi = hexval(s[i * 3]), lo = hexval(s[i * 3 + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':'))
			return -EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	if (m[0] & 0x01)
		return -EINVAL;
	if (!(m[0] | m[1] | m[2] | m[3] | m[4] | m[5]))
		return -EINVAL;
	memcpy(ret, m, 6);
	return 0;
}

/**
 * mac_format() - print a MAC as lowercase "aa:bb:cc:dd:ee:ff"
 * @mac:	MAC
 * @buf:	output
 */
void mac_format(const uint8_t mac[6], char buf[MAC_STRLEN])
{
	(void)snprintf(buf, MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		       mac[3], mac[4], mac[5]);
}
