#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make-bundle.sh DIR - an OCI bundle in DIR that runc or crun run with netd networking: a
# busybox-static root file system serving HTTP on port 80, published on the host's 8080
# through netd-hook (see docs/oci-hook.md). Then, with netd running:
#     cd DIR && runc run -d web1 && curl http://127.0.0.1:8080/ && runc delete -f web1
set -eu
dir=${1:?usage: make-bundle.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
busybox=$(command -v busybox)
mkdir -p "$dir/rootfs/bin" "$dir/rootfs/www"
cp "$busybox" "$dir/rootfs/bin/busybox"
for c in sh ip ping httpd sleep cat; do ln -sf busybox "$dir/rootfs/bin/$c"; done
echo "hello from an OCI container on netd" >"$dir/rootfs/www/index.html"
cp "$here/config.json" "$dir/config.json"
# where netd-hook is installed here (make install puts it in $(pkglibexecdir))
hook=${NETD_HOOK:-/usr/libexec/netd/netd-hook}
if [ "$hook" != /usr/libexec/netd/netd-hook ]; then
    sed -i "s|/usr/libexec/netd/netd-hook|$hook|" "$dir/config.json"
fi
echo "bundle ready in $dir"
