#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# networks.sh - the /v1/networks routes with curl (SOCK defaults to netd's socket)
SOCK=${NETD_SOCKET:-/run/netd/netd.sock}
api() { curl -s --unix-socket "$SOCK" "$@"; echo; }

api http://netd/v1/networks                                    # list
api -X POST -H 'Content-Type: application/json' \
    -d '{"name":"web","subnet":"10.90.0.0/24","subnet6":"fd00:90::/64"}' \
    http://netd/v1/networks                                    # create
api http://netd/v1/networks/web                                # inspect
api -X DELETE http://netd/v1/networks/web                      # remove
