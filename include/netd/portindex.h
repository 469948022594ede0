/* SPDX-License-Identifier: GPL-2.0-or-later */
/* portindex.h - which published spec claims a host port, found without scanning them all */
#ifndef NETD_PORTINDEX_H
#define NETD_PORTINDEX_H

#include <netd/portspec.h>

struct portindex_node;

/**
 * struct portindex - every claimed host port by protocol and number
 * @slots:	per protocol, 65536 lists of the specs claiming that port (allocated on first
 *		use: a protocol nobody publishes costs nothing)
 *
 * The index stores pointers to the caller's specs: a spec stays where it is until removed.
 */
struct portindex {
	struct portindex_node **slots[PORTSPEC_PROTO_MAX];
};

void portindex_init(struct portindex *ix);
void portindex_done(struct portindex *ix);
int portindex_add(struct portindex *ix, const struct portspec *s, const void *owner);
void portindex_remove(struct portindex *ix, const struct portspec *s, const void *owner);
const void *portindex_find(const struct portindex *ix, const struct portspec *s);

#endif /* NETD_PORTINDEX_H */
