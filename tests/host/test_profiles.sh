#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The shipped profiles (policies/*.json, docs/profiles/) on the host: each
# compiles, and the reference evaluator gives the verdicts the documents
# promise for the attacks of tests/system/lib/holds.sh: a shell, a binary
# where the service may write (exec and mapping), /etc/shadow, the cloud
# metadata address, a new port, the service manager's socket; the service's
# own program and port allowed beside them; and no opt-out or rule for what
# only systemd's set-up of the unit does. The system tests prove the same on the kernels;
# this catches a profile edit that breaks a promise before any guest boots.
set -u
cd "$(dirname "$0")/../.."
B=build/bin
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# shellcheck source=tests/host/lib/check.sh
. tests/host/lib/check.sh

# verdict PROFILE ARGS...: the first word of policyc explain's answer (allow, audit, deny).
verdict() { local p=$1; shift; $B/policyc explain "policies/$p.json" "$@" 2>&1 | head -n1 | cut -d' ' -f1 | tr -d :; }

expect() { # PROFILE WANT DESCRIPTION EXPLAIN-ARGS...
	local p=$1 want=$2 desc=$3 got
	shift 3
	got=$(verdict "$p" "$@")
	check "$p: $desc: $want" $([[ $got == "$want" ]]; echo $?) "policyc explain policies/$p.json $*: $got"
}

# profile  own-exec  from-of-own-exec  own-address  own-port  writable-dir
while read -r p exe from addr port wdir; do
	out=$($B/policyc compile "policies/$p.json" -o "$T/$p.pol" 2>&1)
	check "$p: compiles" $? "$out"
	grep -q '"mode": "enforce"' "policies/$p.json"
	check "$p: ships in enforce mode" $? "no \"mode\": \"enforce\""
	fromarg=()
	[[ $from != - ]] && fromarg=(--from "$from")
	expect "$p" allow "its own program" --exec "$exe" "${fromarg[@]}"
	expect "$p" deny "/bin/sh's file, from the service" --exec /usr/bin/dash --from "$exe"
	expect "$p" deny "bash" --exec /usr/bin/bash
	expect "$p" deny "a program no rule names" --exec /usr/local/bin/payload
	expect "$p" deny "a binary dropped where it may write, executed" --exec "$wdir/payload"
	expect "$p" deny "... mapped executable" --map "$wdir/payload"
	expect "$p" allow "a library it may not write, mapped" --map /usr/lib/x86_64-linux-gnu/libc.so.6
	expect "$p" deny "/etc/shadow, read by the service" --file /etc/shadow:read --from "$exe"
	expect "$p" deny "/etc/shadow, read by any other program" --file /etc/shadow:read
	expect "$p" deny "a private key" --file /etc/ssl/private/site.key:read
	expect "$p" deny "root's home" --file /root/.ssh/id_ed25519:read
	expect "$p" deny "connect to 169.254.169.254:80" --net connect:tcp:169.254.169.254:80
	expect "$p" deny "connect to an outside address" --net connect:tcp:192.0.2.10:443
	expect "$p" deny "connect from an IPv6 socket to an IPv4 outside address" --net 'connect:tcp:[::ffff:192.0.2.10]:443'
	expect "$p" deny "bind a new port" --net bind:tcp:0.0.0.0:4444
	expect "$p" deny "a raw socket" --net create:raw --family inet4
	expect "$p" allow "listen on its address and port" --net "listen:tcp:$addr:$port"
	# systemd's set-up of the unit is the manager's, not governed (policy.md, "systemd units"):
	# no profile needs a baseline opt-out, the executor, or the manager's channels.
	expect "$p" deny "exec of systemd-executor (the manager's, never the workload's)" --exec /usr/lib/systemd/systemd-executor
	expect "$p" deny "connect to the service manager's private socket" --file /run/systemd/private:write
	expect "$p" deny "the system bus" --file /run/dbus/system_bus_socket:write
	expect "$p" deny "write a unit file" --file /etc/systemd/system/payload.service:create
	expect "$p" deny "write a runtime unit drop-in" --file /run/systemd/system/nginx.service.d/x.conf:create
	for w in mount userns; do
		out=$($B/policyc explain "policies/$p.json" --baseline $w 2>&1)
		check "$p: no baseline opt-out: $w refused" $([[ $out == *"refused by the confinement baseline"* ]]; echo $?) "$out"
	done
done <<'LIST'
nginx-static /usr/sbin/nginx - 0.0.0.0 80 /var/log/nginx
nginx-proxy /usr/sbin/nginx - 127.0.0.1 8080 /var/lib/nginx/proxy
redis-server /usr/bin/redis-check-rdb - 127.0.0.1 6379 /var/lib/redis
postgresql /usr/lib/postgresql/17/bin/postgres /usr/bin/dash 127.0.0.1 5432 /var/lib/postgresql/17/main
memcached /usr/bin/memcached /usr/bin/perl 127.0.0.1 11211 /run/memcached
LIST

# What differs between the two nginx profiles is what docs/profiles/nginx.md says, and nothing else.
out=$($B/policyc diff policies/nginx-static.json policies/nginx-proxy.json 2>&1)
rc=$?
check "nginx-static vs nginx-proxy: they differ (exit 1)" $([[ $rc -eq 1 ]]; echo $?) "rc=$rc $out"
check "nginx-proxy allows beyond nginx-static: /var/lib/nginx, the upstream, the proxy port (3 '>' lines)" \
	$([[ $(grep -c '^>' <<<"$out") -eq 3 && $out == *"> file read,write,create,delete,rename,setattr /var/lib/nginx/**"* &&
		$out == *"> network connect tcp 127.0.0.1/32 port 8081"* && $out == *"> network bind,listen,accept tcp 127.0.0.1/32 port 8080"* ]]
	echo $?) "$out"
check "nginx-static allows beyond nginx-proxy only mapping /var/lib/nginx (it may not write there)" \
	$([[ $(grep -c '^<' <<<"$out") -eq 1 && $out == *"< exec mapping /var/lib/nginx/**"* ]]; echo $?) "$out"
# docs/policy.md shows that diff as the example of policyc diff: it is the real output, line numbers included.
doc=$(awk '/^\$ policyc diff policies\/nginx-static.json policies\/nginx-proxy.json$/ { on = 1; next } on && /^```/ { exit } on' docs/policy.md)
check "docs/policy.md's policyc diff example is what policyc diff prints" $([[ -n $doc && $doc == "$out" ]]; echo $?) \
	"$(diff <(echo "$doc") <(echo "$out"))"
# The README's demo quotes the line of nginx-static.json that refuses /bin/sh.
q=$(grep -o 'nginx-static.json:[0-9]*:[0-9]* {"action":"deny","path":"/usr/bin/dash"}' README.md)
n=$(cut -d: -f2 <<<"$q")
check "README.md quotes the line of nginx-static.json that denies /usr/bin/dash ($q)" \
	$([[ -n $n && $(sed -n "${n}p" policies/nginx-static.json) == *'"action": "deny", "path": "/usr/bin/dash"'* ]]; echo $?) \
	"line $n: $(sed -n "${n:-1}p" policies/nginx-static.json)"
# PostgreSQL's shadow read is the wrapper's, audited, and no one else's.
expect postgresql audit "/etc/shadow read by pg_ctlcluster's perl is audited" --file /etc/shadow:read --from /usr/bin/perl
expect postgresql allow "its own TLS key, for the server" --file /etc/ssl/private/ssl-cert-snakeoil.key:read \
	--from /usr/lib/postgresql/15/bin/postgres
expect postgresql deny "its own TLS key, for anyone else" --file /etc/ssl/private/ssl-cert-snakeoil.key:read --from /usr/bin/perl
expect postgresql deny "perl, run by the server" --exec /usr/bin/perl --from /usr/lib/postgresql/15/bin/postgres
expect postgresql allow "perl, run by systemd (pg_ctlcluster)" --exec /usr/bin/perl --from /usr/lib/systemd/systemd-executor
# /proc writes the services make themselves (oom_score_adj, thread names), for their own programs only;
# the kernel's tunables never.
expect postgresql allow "the backends' oom_score_adj" --file /proc/4242/oom_score_adj:write --from /usr/lib/postgresql/17/bin/postgres
expect postgresql deny "/proc writes of a program that is not the cluster's" --file /proc/4242/oom_score_adj:write --from /usr/bin/dash
expect postgresql deny "a sysctl, even from the server" --file /proc/sys/kernel/core_pattern:write --from /usr/lib/postgresql/15/bin/postgres
expect memcached allow "its threads' names" --file /proc/4242/task/4243/comm:write --from /usr/bin/memcached
expect memcached deny "/proc writes of the wrapper" --file /proc/4242/task/4243/comm:write --from /usr/bin/perl
expect memcached deny "sysrq, even from memcached" --file /proc/sysrq-trigger:write --from /usr/bin/memcached

finish
