#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# reverse-proxy.sh - the seeds' nginx + hugo pod, with busybox httpd standing in for both: a
# pod publishes port 8080:80; an "app" container serves its page on 127.0.0.1:8081 inside the
# pod, a "front" container on port 80 proxies every request to it over the pod's localhost;
# the page is fetched through the host's published port.
#
# Usage: sudo bash examples/pod/reverse-proxy.sh
# Needs busybox-static. netd is built (optimised, into build-demo) on first use, unless
# NETD_BUILDDIR names a build or the source tree is built in place. Everything happens in a
# private network and mount namespace made for the example; the machine's own network is
# never touched.
set -eu
# shellcheck source=examples/sandbox.sh
. "$(dirname "$0")/../sandbox.sh"
example_sandbox reverse-proxy "netd netctl netd-proxy netrun" "busybox" "$@"
netctl() { "$build/netctl" --socket "$sock" "$@"; }
netrun() { "$build/netrun" --socket "$sock" --run-dir "$dir/netrun" "$@"; }
say() { printf '\n== %s\n' "$*"; }

# what this script started, by PID: netd, the pod's pause, the containers' supervisors
netd_pid=""
pids=()
cleanup() {
    set +e
    # netrun stops its containers itself (SIGTERM, detach from netd, remove their cgroups)
    netrun stop ex-front --time 2 >/dev/null 2>&1
    netrun stop ex-app --time 2 >/dev/null 2>&1
    netrun pod rm ex-web >/dev/null 2>&1
    example_end
}
trap cleanup EXIT

say "starting netd (state in $dir/state)"
"$build/netd" --run-dir "$dir/run" --state-dir "$dir/state" 2>"$dir/netd.log" &
netd_pid=$!
for _ in $(seq 100); do netctl info >/dev/null 2>&1 && break; sleep 0.05; done
netctl info >/dev/null

say "two root file systems (busybox-static): one for the app, one for the front"
make_rootfs "$dir/app"
mkdir -p "$dir/app/www"
cat >"$dir/app/www/index.html" <<'EOF'
<h1>hello from the app container</h1>
<p>served by busybox httpd on 127.0.0.1:8081, from the app's own /www</p>
EOF
make_rootfs "$dir/front"
mkdir -p "$dir/front/www/cgi-bin"
# the front's nginx.conf: busybox httpd runs /cgi-bin/index.cgi for "/" (there is no
# index.html), and the script does what `proxy_pass http://127.0.0.1:8081` does in the seed
cat >"$dir/front/www/cgi-bin/index.cgi" <<'EOF'
#!/bin/sh
# a reverse proxy in a CGI script: fetch the page from the app over the pod's localhost
# (`timeout`, not wget's -T, which crashes Debian's busybox-static 1.35)
if body=$(timeout 5 wget -q -O - "http://127.0.0.1:8081${PATH_INFO:-/}"); then
    printf 'Content-Type: text/html\r\nVia: 1.1 ex-front\r\n\r\n%s\n' "$body"
else
    printf 'Status: 502 Bad Gateway\r\nContent-Type: text/plain\r\n\r\nthe app does not answer\n'
fi
EOF
chmod 755 "$dir/front/www/cgi-bin/index.cgi"
echo "app:   $dir/app/www/index.html"
echo "front: $dir/front/www/cgi-bin/index.cgi"

say "netrun pod create ex-web -p 8080:80 (the pause container: it holds the pod's network, netd publishes port 8080 to its port 80)"
netrun pod create ex-web -p 8080:80
track "$dir/netrun/.pods/ex-web/supervisor"
netctl ls

say "netrun run -d --pod ex-web --name ex-app -- httpd -f -vv -p 127.0.0.1:8081 -h /www (the hugo of the seed)"
netrun run -d --rootfs "$dir/app" --pod ex-web --name ex-app -- httpd -f -vv -p 127.0.0.1:8081 -h /www
track "$dir/netrun/ex-app/supervisor"

say "netrun run -d --pod ex-web --name ex-front -- httpd -f -vv -p 80 -h /www (the nginx of the seed)"
netrun run -d --rootfs "$dir/front" --pod ex-web --name ex-front -- httpd -f -vv -p 80 -h /www
track "$dir/netrun/ex-front/supervisor"
netrun ps

say "curl -i http://127.0.0.1:8080/ : the host's published port -> the pod's port 80 (front) -> 127.0.0.1:8081 (app)"
for _ in $(seq 50); do curl -sf -m 1 -o /dev/null http://127.0.0.1:8080/ && break; sleep 0.1; done
curl -sS -i -f -m 5 http://127.0.0.1:8080/

say "netctl inspect ex-web: the pod's endpoint (the containers have no endpoint of their own)"
netctl inspect ex-web
pod_ip=$(netctl inspect ex-web | awk '/^ipv4:/ {print $2}' | cut -d/ -f1)
gw=$(netctl inspect ex-web | awk '/^ipv4:/ {print $4}')

say "the same through the host's address on netd's bridge, $gw:8080 (DNAT rather than netd's proxy)"
curl -sS -f -m 5 "http://$gw:8080/"

say "the app saw the request come from 127.0.0.1: the front, over the pod's localhost (netrun logs ex-app)"
netrun logs ex-app
netrun logs ex-app | grep -q '^127\.0\.0\.1:[0-9]*: url:/$'
echo "=> the app's request came from 127.0.0.1"

say "from outside the pod the app is unreachable: it listens on the pod's 127.0.0.1 only"
echo "curl http://$pod_ip:8081/ (the pod's address):"
if curl -sS -m 3 "http://$pod_ip:8081/" 2>&1; then
    echo "reverse-proxy: the app answered outside the pod" >&2
    exit 1
fi
echo "=> refused, as it should be"

say "stop the containers, then the pod (netd unpublishes 8080 and detaches it)"
netrun stop ex-front --time 2
netrun stop ex-app --time 2
netrun rm ex-front
netrun rm ex-app
netrun pod rm ex-web
netctl ls
say "done"
