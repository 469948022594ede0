#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# deps.sh - install the Debian packages netd needs to build, test and run its demo
set -eu

pkgs=(
    gcc make autoconf automake autoconf-archive pkg-config
    libnl-3-dev libnl-route-3-dev libmnl-dev libnftnl-dev libevent-dev libjansson-dev
    libcurl4-openssl-dev libcmocka-dev
    iproute2 iputils-ping curl util-linux busybox-static jq nftables socat python3
    runc crun containernetworking-plugins
)

missing=()
for p in "${pkgs[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ "${#missing[@]}" = 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "deps.sh: missing packages: ${missing[*]} (run as root to install them)" >&2
    exit 1
fi
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
