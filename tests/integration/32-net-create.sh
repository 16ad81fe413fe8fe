#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Socket creation by family, type and protocol: packet and raw sockets
# denied (the raw ICMP echo that an unconfined process gets through is
# refused at creation), netlink by family, ping sockets allowed but
# audited; unix sockets by family (connect denied, creation allowed).
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/net.sh

sysctl -qw net.ipv4.ping_group_range="0 2147483647"
enf-net unix-serve /tmp/t32.sock >/tmp/t32.serve 2>&1 &
i=0
while [ $i -lt 50 ] && ! grep -q ready /tmp/t32.serve; do sleep 0.1; i=$((i + 1)); done

start_daemon
compile_and_load sock '{"name":"sock","mode":"enforce","network":{"default":"allow","rules":[
 {"action":"deny","op":["create"],"family":"packet"},
 {"action":"deny","op":["create"],"proto":"raw"},
 {"action":"deny","op":["create"],"family":"netlink"},
 {"action":"audit","op":["create"],"proto":"icmp"},
 {"action":"deny","op":["connect"],"family":"unix"}
]}}'
mkdir -p $CG/t32 $CG/free
expect_eq "attach sock to $CG/t32" "attached $CG/t32" "$(enforcerctl attach sock $CG/t32 2>&1)"
C=$CG/t32
F=$CG/free

echo "--- packet sockets"
expect_eq "packet raw socket denied" EPERM "$(net $C create packet raw)"
expect_eq "packet dgram socket denied" EPERM "$(net $C create packet dgram)"
expect_eq "packet raw socket unconfined" ok "$(net $F create packet raw)"

echo "--- raw sockets"
expect_eq "inet raw icmp socket denied" EPERM "$(net $C create inet raw icmp)"
expect_eq "inet6 raw icmpv6 socket denied" EPERM "$(net $C create inet6 raw icmpv6)"
expect_eq "inet raw udp socket denied" EPERM "$(net $C create inet raw udp)"
expect_eq "raw ICMP echo to 127.0.0.1 denied" EPERM "$(net $C rawping 127.0.0.1)"
expect_eq "raw ICMP echo to 127.0.0.1 unconfined" ok "$(net $F rawping 127.0.0.1)"

echo "--- what stays allowed"
expect_eq "tcp socket allowed" ok "$(net $C create inet stream)"
expect_eq "udp6 socket allowed" ok "$(net $C create inet6 dgram)"
expect_eq "ping socket (ICMP echo, real reply) allowed" ok "$(net $C ping 127.0.0.1)"
expect_eq "ping6 socket (ICMPv6 echo) allowed" ok "$(net $C ping ::1)"

echo "--- netlink"
expect_eq "netlink socket denied" EPERM "$(net $C create netlink raw)"
expect_eq "netlink socket unconfined" ok "$(net $F create netlink raw)"

echo "--- unix sockets, by family"
expect_eq "unix connect denied" EPERM "$(net $C unix-connect /tmp/t32.sock)"
expect_eq "unix connect unconfined (echo)" ok "$(net $F unix-connect /tmp/t32.sock)"
expect_eq "unix socket creation allowed" ok "$(net $C create unix stream)"

echo "--- family \"any\" means every family, the ones without a policy word too"
compile_and_load nocreate '{"name":"nocreate","mode":"enforce","network":{"default":"allow","rules":[
 {"action":"deny","op":["create"],"family":"any"}]}}'
compile_and_load anycreate '{"name":"anycreate","mode":"enforce","network":{"default":"deny","rules":[
 {"action":"allow","op":["create"],"family":"any"}]}}'
mkdir -p $CG/t32none $CG/t32all
expect_exit "attach nocreate" 0 enforcerctl attach nocreate $CG/t32none
expect_exit "attach anycreate" 0 enforcerctl attach anycreate $CG/t32all
tried=0
for ft in alg:seqpacket vsock:stream tipc:seqpacket xdp:raw; do
	fam=${ft%%:*}
	typ=${ft#*:}
	u=$(net $F create $fam $typ)
	if [ "$u" != ok ]; then
		echo "note: $fam sockets cannot be made on this kernel ($u): not tried"
		continue
	fi
	tried=$((tried + 1))
	expect_eq "$fam socket under a deny-all create denied" EPERM "$(net $CG/t32none create $fam $typ)"
	expect_eq "$fam socket under an allow-any create allowed" ok "$(net $CG/t32all create $fam $typ)"
done
expect_eq "unix socket under a deny-all create denied" EPERM "$(net $CG/t32none create unix stream)"
expect_eq "tcp socket under an allow-any create allowed" ok "$(net $CG/t32all create inet stream)"
[ $tried -ge 1 ] && pass "at least one family outside the policy's words was tried ($tried)" || \
	fail "no family outside the policy's words could be made: nothing tried"

echo "--- audit"
expect_audit "packet creation denial logged" '"hook":"socket_create"' '"op":"create"' '"family":"packet"' \
	'"verdict":"deny"' '"rule":"/tmp/sock.json:2:'
expect_audit "raw creation denial logged" '"hook":"socket_create"' '"family":"inet6"' '"proto":"raw"' \
	'"rule":"/tmp/sock.json:3:'
expect_audit "ping socket logged by the audit rule, allowed" '"hook":"socket_create"' '"proto":"icmp"' \
	'"verdict":"audit"' '"errno":0'
expect_audit "unix connect denial logged" '"hook":"socket_connect"' '"family":"unix"' '"verdict":"deny"'
expect_eq "creation events carry no address" 0 "$(grep '"hook":"socket_create"' "$AUDIT_LOG" | grep -c '"addr"')"

finish
