// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * portindex.c - which published spec claims a host port
 *
 * Publishing must check the new spec against every spec already published.  Scanning them
 * all made the 10,000th publish twice as slow as the 10th; with one list per protocol and
 * port, the check looks only at the ports the new spec claims.  Lists hold one spec in the
 * common case, a few when specs bound to different addresses share a port.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include <netd/portindex.h>

#define PORTS 65536

struct portindex_node {
	const struct portspec *spec;
	const void *owner;
	struct portindex_node *next;
};

void portindex_init(struct portindex *ix)
{
	*ix = (struct portindex){ 0 };
}

/**
 * portindex_done() - free the index (the specs are the caller's)
 * @ix:		index
 */
void portindex_done(struct portindex *ix)
{
	size_t p, port;

	for (p = 0; p < PORTSPEC_PROTO_MAX; p++) {
		if (!ix->slots[p])
			continue;
		for (port = 0; port < PORTS; port++) {
			struct portindex_node *n = ix->slots[p][port], *next;

			for (; n; n = next) {
				next = n->next;
				free(n);
			}
		}
		free(ix->slots[p]);
	}
	portindex_init(ix);
}

static void remove_range(struct portindex *ix, const struct portspec *s, const void *owner,
			 unsigned int first, unsigned int last)
{
	unsigned int port;

	for (port = first; port <= last; port++) {
		struct portindex_node **pp = &ix->slots[s->proto][port];

		while (*pp && ((*pp)->owner != owner || (*pp)->spec != s))
			pp = &(*pp)->next;
		if (*pp) {
			struct portindex_node *gone = *pp;

			*pp = gone->next;
			free(gone);
		}
	}
}

/**
 * portindex_remove() - forget the ports @owner claims with @s
 * @ix:		index
 * @s:		the spec as added (the same pointer)
 * @owner:	as added
 */
void portindex_remove(struct portindex *ix, const struct portspec *s, const void *owner)
{
	if (s->proto >= PORTSPEC_PROTO_MAX || !ix->slots[s->proto] || !s->host_port ||
	    s->host_port_end < s->host_port)
		return;
	remove_range(ix, s, owner, s->host_port, s->host_port_end);
}

/**
 * portindex_add() - record that @owner claims the host ports of @s
 * @ix:		index
 * @s:		spec with a host port; must stay valid and unchanged until removed
 * @owner:	what portindex_find() returns for it
 *
 * Specs that overlap are recorded all the same (state loaded from disk is taken as it is).
 *
 * Return: 0, -EINVAL for a spec without host port, or -ENOMEM (then nothing was added)
 */
int portindex_add(struct portindex *ix, const struct portspec *s, const void *owner)
{
	unsigned int port;

	if (s->proto >= PORTSPEC_PROTO_MAX || !s->host_port || s->host_port_end < s->host_port)
		return -EINVAL;
	if (!ix->slots[s->proto]) {
		ix->slots[s->proto] = calloc(PORTS, sizeof(*ix->slots[s->proto]));
		if (!ix->slots[s->proto])
			return -ENOMEM;
	}
	for (port = s->host_port; port <= s->host_port_end; port++) {
		struct portindex_node *n = malloc(sizeof(*n));

		if (!n) {
			if (port > s->host_port)
				remove_range(ix, s, owner, s->host_port, port - 1);
			return -ENOMEM;
		}
		*n = (struct portindex_node){ .spec = s,
					      .owner = owner,
					      .next = ix->slots[s->proto][port] };
		ix->slots[s->proto][port] = n;
	}
	return 0;
}

/**
 * portindex_find() - the owner of a recorded spec that overlaps @s
 * @ix:		index
 * @s:		spec (a host port of 0 overlaps nothing: a free port is picked for it)
 *
 * Overlap is portspec_overlaps(): same protocol, a shared port, clashing host addresses.
 *
 * Return: an owner, or NULL when publishing @s clashes with nothing
 */
const void *portindex_find(const struct portindex *ix, const struct portspec *s)
{
	unsigned int port;

	if (s->proto >= PORTSPEC_PROTO_MAX || !ix->slots[s->proto] || !s->host_port)
		return NULL;
	for (port = s->host_port; port <= s->host_port_end; port++) {
		const struct portindex_node *n;

		for (n = ix->slots[s->proto][port]; n; n = n->next)
			if (portspec_overlaps(n->spec, s))
				return n->owner;
	}
	return NULL;
}
