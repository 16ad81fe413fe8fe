#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Outgoing traffic: TCP connect, UDP connect and sendto without connect,
# TCP Fast Open (sendto MSG_FASTOPEN), the same peers as IPv4-mapped IPv6,
# and 0.0.0.0 / :: (which the kernel routes to loopback). Every denial is
# shown beside the same operation allowed: to an allowed peer in the
# confined cgroup, and to the denied peer from an unconfined cgroup, with
# real echo traffic on loopback.
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/net.sh

# The metadata service on lo, so a denial is not "no route".
ip addr show lo | grep -q 169.254.169.254 || ip addr add 169.254.169.254/32 dev lo

serve tcp 169.254.169.254 80
serve udp 169.254.169.254 53
serve tcp 127.0.0.1 8080
serve tcp 127.0.0.1 9090
serve tcp 127.0.0.2 9090
serve udp 127.0.0.1 53
serve udp 127.0.0.1 9090
serve tcp ::1 8080
serve tcp ::1 9090
serve tcp 127.0.0.1 7070
serve udp 127.0.0.1 7070
serve tcp ::1 7070

start_daemon
compile_and_load net '{"name":"net","mode":"enforce","network":{"default":"allow","rules":[
 {"action":"deny","op":["connect","send"],"addr":"169.254.0.0/16"},
 {"action":"deny","op":["connect","send"],"addr":"127.0.0.0/8","ports":[9090]},
 {"action":"allow","op":["connect"],"addr":"127.0.0.2/32","ports":[9090]},
 {"action":"deny","op":["connect","send"],"addr":"::1/128","ports":[9090]},
 {"action":"deny","op":["connect","send"],"addr":"127.0.0.0/8","ports":[7070]}
]}}'
mkdir -p $CG/t30 $CG/free
expect_eq "attach net to $CG/t30" "attached $CG/t30" "$(enforcerctl attach net $CG/t30 2>&1)"
C=$CG/t30
F=$CG/free   # a cgroup no profile governs

echo "--- TCP connect to a denied CIDR"
expect_eq "tcp connect 169.254.169.254:80 denied" EPERM "$(net $C connect tcp 169.254.169.254 80)"
expect_eq "tcp connect 169.254.169.254:80 from an unconfined cgroup" ok "$(net $F connect tcp 169.254.169.254 80)"
expect_eq "tcp connect to an allowed peer 127.0.0.1:8080" ok "$(net $C connect tcp 127.0.0.1 8080)"

echo "--- a denied port; a longer prefix allows it again"
expect_eq "tcp connect 127.0.0.1:9090 denied (port rule)" EPERM "$(net $C connect tcp 127.0.0.1 9090)"
expect_eq "tcp connect 127.0.0.1:9090 unconfined" ok "$(net $F connect tcp 127.0.0.1 9090)"
expect_eq "tcp connect 127.0.0.2:9090 allowed by the /32 rule" ok "$(net $C connect tcp 127.0.0.2 9090)"
expect_eq "tcp connect 127.0.0.1:8080 (other port) allowed" ok "$(net $C connect tcp 127.0.0.1 8080)"

echo "--- UDP"
expect_eq "udp sendto 169.254.169.254:53 without connect denied" EPERM "$(net $C sendto udp 169.254.169.254 53)"
expect_eq "udp sendto 169.254.169.254:53 unconfined" ok "$(net $F sendto udp 169.254.169.254 53)"
expect_eq "udp sendto 127.0.0.1:53 allowed" ok "$(net $C sendto udp 127.0.0.1 53)"
expect_eq "udp sendto 127.0.0.1:9090 denied (port rule, op send)" EPERM "$(net $C sendto udp 127.0.0.1 9090)"
# udp_sendmsg reads an AF_UNSPEC name as AF_INET: it must not slip past.
expect_eq "udp sendto AF_UNSPEC name to 169.254.169.254 denied" EPERM "$(net $C sendto udp 169.254.169.254 53 unspec)"
expect_eq "udp sendto AF_UNSPEC name unconfined reaches the peer" ok "$(net $F sendto udp 169.254.169.254 53 unspec)"
# An IPv6 UDP socket given an AF_INET name sends IPv4 (udpv6_sendmsg, ip6_datagram_connect).
expect_eq "udp6 socket, AF_INET name 169.254.169.254: sendto denied" EPERM "$(net $C sendto udp 169.254.169.254 53 v6sock)"
expect_eq "udp6 socket, AF_INET name 169.254.169.254: sendto unconfined" ok "$(net $F sendto udp 169.254.169.254 53 v6sock)"
expect_eq "udp6 socket, AF_INET name 169.254.169.254: connect denied" EPERM "$(net $C connect udp 169.254.169.254 53 v6sock)"
expect_eq "udp6 socket, AF_INET name 127.0.0.1: sendto allowed" ok "$(net $C sendto udp 127.0.0.1 53 v6sock)"
expect_eq "udp connect 169.254.169.254:53 denied" EPERM "$(net $C connect udp 169.254.169.254 53)"
expect_eq "udp connect 127.0.0.1:53 allowed" ok "$(net $C connect udp 127.0.0.1 53)"
expect_eq "connect(AF_UNSPEC) to disconnect is allowed" ok "$(net $C disconnect 127.0.0.1 53)"

echo "--- TCP Fast Open cannot skip the connect rule"
expect_eq "sendto(MSG_FASTOPEN) to 169.254.169.254:80 denied" EPERM "$(net $C fastopen 169.254.169.254 80)"
expect_eq "sendto(MSG_FASTOPEN) to 169.254.169.254:80 unconfined" ok "$(net $F fastopen 169.254.169.254 80)"
expect_eq "sendto(MSG_FASTOPEN) to 127.0.0.1:8080 allowed" ok "$(net $C fastopen 127.0.0.1 8080)"
expect_eq "sendto(MSG_FASTOPEN) to 127.0.0.1:9090 denied" EPERM "$(net $C fastopen 127.0.0.1 9090)"

echo "--- IPv4-mapped IPv6 is the IPv4 address it is"
expect_eq "tcp6 connect ::ffff:169.254.169.254 denied" EPERM "$(net $C connect tcp ::ffff:169.254.169.254 80)"
expect_eq "tcp6 connect ::ffff:169.254.169.254 unconfined" ok "$(net $F connect tcp ::ffff:169.254.169.254 80)"
expect_eq "udp6 sendto ::ffff:169.254.169.254 denied" EPERM "$(net $C sendto udp ::ffff:169.254.169.254 53)"
expect_eq "Fast Open to ::ffff:169.254.169.254 denied" EPERM "$(net $C fastopen ::ffff:169.254.169.254 80)"
expect_eq "tcp6 connect ::ffff:127.0.0.1:8080 allowed" ok "$(net $C connect tcp ::ffff:127.0.0.1 8080)"
expect_eq "tcp6 connect ::ffff:127.0.0.1:9090 denied" EPERM "$(net $C connect tcp ::ffff:127.0.0.1 9090)"

echo "--- IPv6"
expect_eq "tcp6 connect [::1]:9090 denied" EPERM "$(net $C connect tcp ::1 9090)"
expect_eq "tcp6 connect [::1]:9090 unconfined" ok "$(net $F connect tcp ::1 9090)"
expect_eq "tcp6 connect [::1]:8080 allowed" ok "$(net $C connect tcp ::1 8080)"

echo "--- unspecified destinations are routed to loopback, and decided as such"
expect_eq "tcp connect 0.0.0.0:9090 denied (it is 127.0.0.1)" EPERM "$(net $C connect tcp 0.0.0.0 9090)"
expect_eq "tcp connect 0.0.0.0:9090 unconfined reaches 127.0.0.1" ok "$(net $F connect tcp 0.0.0.0 9090)"
expect_eq "tcp6 connect [::]:9090 denied (it is ::1)" EPERM "$(net $C connect tcp :: 9090)"
expect_eq "udp sendto 0.0.0.0:9090 denied" EPERM "$(net $C sendto udp 0.0.0.0 9090)"
expect_eq "tcp connect 0.0.0.0:8080 allowed" ok "$(net $C connect tcp 0.0.0.0 8080)"

echo "--- [::] from a socket bound to a v4-mapped address is 127.0.0.1, not ::1"
# tcp_v6_connect, __ip6_datagram_connect and udpv6_sendmsg take :: as
# ::ffff:127.0.0.1 when the socket's own address is v4-mapped.
expect_eq "tcp6 bound ::ffff:127.0.0.1, connect [::]:7070 denied (it is 127.0.0.1)" EPERM \
	"$(net $C connect tcp :: 7070 bind-mapped)"
expect_eq "the same unconfined reaches 127.0.0.1:7070 (echo)" ok "$(net $F connect tcp :: 7070 bind-mapped)"
expect_eq "the same as nobody denied" EPERM \
	"$(in_cgroup $C enf-asuser 65534 65534 enf-net connect tcp :: 7070 bind-mapped 2>&1)"
expect_eq "the same as nobody unconfined (echo)" ok \
	"$(in_cgroup $F enf-asuser 65534 65534 enf-net connect tcp :: 7070 bind-mapped 2>&1)"
expect_eq "udp6 bound ::ffff:127.0.0.1, connect [::]:7070 denied" EPERM "$(net $C connect udp :: 7070 bind-mapped)"
expect_eq "udp6 bound ::ffff:127.0.0.1, sendto [::]:7070 denied" EPERM "$(net $C sendto udp :: 7070 bind-mapped)"
expect_eq "udp6 bound ::ffff:127.0.0.1, sendto [::]:7070 unconfined (echo)" ok "$(net $F sendto udp :: 7070 bind-mapped)"
expect_eq "tcp6 unbound, connect [::]:7070 is ::1: allowed (echo)" ok "$(net $C connect tcp :: 7070)"

echo "--- descendants inherit; detach lifts it"
mkdir -p $C/child
expect_eq "a child cgroup is confined too" EPERM "$(net $C/child connect tcp 169.254.169.254 80)"

echo "--- audit"
expect_audit "connect denial logged with address and port" '"hook":"socket_connect"' '"verdict":"deny"' \
	'"op":"connect"' '"family":"inet4"' '"proto":"tcp"' '"addr":"169.254.169.254"' '"port":80' '"errno":1' \
	'"profile":"net"' '"rule":"/tmp/net.json:2:'
expect_audit "sendto denial logged as send" '"hook":"socket_sendmsg"' '"op":"send"' '"proto":"udp"' \
	'"addr":"169.254.169.254"' '"port":53'
expect_audit "Fast Open denial logged as connect from sendmsg" '"hook":"socket_sendmsg"' '"op":"connect"' \
	'"proto":"tcp"' '"addr":"169.254.169.254"' '"port":80'
expect_audit "mapped denial logged with the IPv4 address" '"family":"inet6"' '"addr":"169.254.169.254"'
expect_audit "the port rule is named" '"addr":"127.0.0.1"' '"port":9090' '"rule":"/tmp/net.json:3:'
expect_eq "no audit line for allowed traffic" 0 "$(grep -c '"port":8080' "$AUDIT_LOG")"
grep '"hook":"socket_' "$AUDIT_LOG" | head -n 2

expect_exit "detach $C" 0 enforcerctl detach $C
expect_eq "after detach the same connect succeeds" ok "$(net $C connect tcp 169.254.169.254 80)"
expect_eq "after detach the child is free too" ok "$(net $C/child fastopen 169.254.169.254 80)"

finish
