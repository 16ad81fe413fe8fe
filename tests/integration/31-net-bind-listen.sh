#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Incoming side: bind, listen and accept on denied ports (IPv4, IPv6,
# IPv4-mapped), each beside the same operation on an allowed port and the
# same port from an unconfined cgroup. listen and accept are decided on
# the address and port the socket is bound to.
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/net.sh

start_daemon
compile_and_load srv '{"name":"srv","mode":"enforce","network":{"default":"allow","rules":[
 {"action":"deny","op":["bind"],"ports":["1-1023"]},
 {"action":"deny","op":["listen"],"ports":[8081]},
 {"action":"deny","op":["accept"],"ports":[8082]},
 {"action":"deny","op":["bind"],"addr":"::1/128","ports":[7000]},
 {"action":"deny","op":["bind"],"proto":"udp","ports":[5353]}
]}}'
mkdir -p $CG/t31 $CG/free
expect_eq "attach srv to $CG/t31" "attached $CG/t31" "$(enforcerctl attach srv $CG/t31 2>&1)"
C=$CG/t31
F=$CG/free

echo "--- bind on a denied port"
expect_eq "bind tcp 0.0.0.0:80 denied" EPERM "$(net $C bind tcp 0.0.0.0 80)"
expect_eq "bind tcp 0.0.0.0:80 unconfined" ok "$(net $F bind tcp 0.0.0.0 80)"
expect_eq "bind tcp 0.0.0.0:8080 allowed" ok "$(net $C bind tcp 0.0.0.0 8080)"
expect_eq "bind udp 127.0.0.1:53 denied" EPERM "$(net $C bind udp 127.0.0.1 53)"
expect_eq "bind tcp6 [::]:80 denied" EPERM "$(net $C bind tcp :: 80)"
expect_eq "bind tcp6 [::ffff:127.0.0.1]:80 denied" EPERM "$(net $C bind tcp ::ffff:127.0.0.1 80)"
expect_eq "bind tcp6 [::]:8080 allowed" ok "$(net $C bind tcp :: 8080)"
expect_eq "bind port 0 (ephemeral) allowed" ok "$(net $C bind tcp 127.0.0.1 0)"

echo "--- protocol and address scoping"
expect_eq "bind udp 127.0.0.1:5353 denied (udp rule)" EPERM "$(net $C bind udp 127.0.0.1 5353)"
expect_eq "bind tcp 127.0.0.1:5353 allowed (the rule is udp only)" ok "$(net $C bind tcp 127.0.0.1 5353)"
expect_eq "bind tcp6 [::1]:7000 denied (::1 rule)" EPERM "$(net $C bind tcp ::1 7000)"
expect_eq "bind tcp 127.0.0.1:7000 allowed (the rule is IPv6 only)" ok "$(net $C bind tcp 127.0.0.1 7000)"

echo "--- listen on a denied port"
expect_eq "listen on 127.0.0.1:8081 denied" EPERM "$(net $C listen 127.0.0.1 8081)"
expect_eq "listen on 127.0.0.1:8081 unconfined" ok "$(net $F listen 127.0.0.1 8081)"
expect_eq "listen on [::]:8081 denied" EPERM "$(net $C listen :: 8081)"
expect_eq "listen on 127.0.0.1:8080 allowed" ok "$(net $C listen 127.0.0.1 8080)"

echo "--- accept on a denied port (real connection pending)"
expect_eq "accept on 127.0.0.1:8082 denied" EPERM "$(net $C accept 127.0.0.1 8082)"
expect_eq "accept on 127.0.0.1:8082 unconfined" ok "$(net $F accept 127.0.0.1 8082)"
expect_eq "accept on [::1]:8082 denied" EPERM "$(net $C accept ::1 8082)"
expect_eq "accept on 127.0.0.1:8083 allowed" ok "$(net $C accept 127.0.0.1 8083)"

echo "--- audit"
expect_audit "bind denial logged" '"hook":"socket_bind"' '"op":"bind"' '"addr":"0.0.0.0"' '"port":80' \
	'"verdict":"deny"' '"rule":"/tmp/srv.json:2:'
expect_audit "listen denial logged with the bound port" '"hook":"socket_listen"' '"op":"listen"' \
	'"addr":"127.0.0.1"' '"port":8081' '"rule":"/tmp/srv.json:3:'
expect_audit "accept denial logged with the listener's port" '"hook":"socket_accept"' '"op":"accept"' \
	'"port":8082' '"rule":"/tmp/srv.json:4:'
expect_audit "IPv6 bind denial logged" '"family":"inet6"' '"addr":"::1"' '"port":7000'
expect_eq "no audit line for allowed binds" 0 "$(grep -c '"port":8080' "$AUDIT_LOG")"

finish
