#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# system.sh - version, info and health with curl
SOCK=${NETD_SOCKET:-/run/netd/netd.sock}
for r in version info health; do
    curl -s --unix-socket "$SOCK" "http://netd/v1/$r"; echo
done
