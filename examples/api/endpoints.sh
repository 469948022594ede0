#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# endpoints.sh - attach, list, inspect and detach with curl; PID is a process in its own netns
SOCK=${NETD_SOCKET:-/run/netd/netd.sock}
PID=${1:?usage: endpoints.sh PID}
api() { curl -s --unix-socket "$SOCK" "$@"; echo; }

api -X POST -H 'Content-Type: application/json' \
    -d "{\"container\":\"web1\",\"network\":\"netd\",\"pid\":$PID}" \
    http://netd/v1/endpoints                                   # attach
api 'http://netd/v1/endpoints?network=netd'                    # list, filtered
api http://netd/v1/endpoints/web1                              # inspect a container
api -X DELETE 'http://netd/v1/endpoints/web1?network=netd'     # detach
