#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# 'from' on network rules: the same operation from the same cgroup is
# decided by which executable the task runs (the kernel's mm->exe_file,
# so a symlink or a renamed copy is what it really is). A deny-list
# scoped to one tool, and an allow-list that only one tool may use.
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/net.sh

for t in /usr/bin/netcurl /usr/bin/netother; do
	mkdir -p /usr/bin
	cp /enforcer/tests/guest/enf-net $t
	chmod 755 $t
done
ln -sf /usr/bin/netcurl /tmp/alias-of-netcurl
ip addr show lo | grep -q 169.254.169.254 || ip addr add 169.254.169.254/32 dev lo
serve tcp 169.254.169.254 80
serve tcp 127.0.0.1 8080
serve udp 169.254.169.254 53

start_daemon
compile_and_load tool '{"name":"tool","mode":"enforce","network":{"default":"allow","rules":[
 {"action":"deny","op":["connect","send"],"addr":"169.254.169.254/32","from":["/usr/bin/netcurl"]}
]}}'
compile_and_load only '{"name":"only","mode":"enforce","network":{"default":"deny","rules":[
 {"action":"allow","op":["create"],"family":"inet"},
 {"action":"allow","op":["connect"],"addr":"127.0.0.1/32","ports":[8080],"from":["/usr/bin/netcurl"]}
]}}'
mkdir -p $CG/t34a $CG/t34b
expect_eq "attach tool" "attached $CG/t34a" "$(enforcerctl attach tool $CG/t34a 2>&1)"
expect_eq "attach only" "attached $CG/t34b" "$(enforcerctl attach only $CG/t34b 2>&1)"
A=$CG/t34a
B=$CG/t34b
run_in() { _cg=$1; shift; in_cgroup "$_cg" "$@" 2>&1; }

echo "--- a deny scoped to one executable"
expect_eq "netcurl: connect 169.254.169.254 denied" EPERM "$(run_in $A /usr/bin/netcurl connect tcp 169.254.169.254 80)"
expect_eq "netcurl: udp sendto 169.254.169.254 denied" EPERM "$(run_in $A /usr/bin/netcurl sendto udp 169.254.169.254 53)"
expect_eq "netcurl through a symlink: still netcurl, denied" EPERM "$(run_in $A /tmp/alias-of-netcurl connect tcp 169.254.169.254 80)"
expect_eq "netother: the same connect allowed" ok "$(run_in $A /usr/bin/netother connect tcp 169.254.169.254 80)"
expect_eq "netcurl: another peer allowed" ok "$(run_in $A /usr/bin/netcurl connect tcp 127.0.0.1 8080)"

echo "--- an allow-list only one executable may use"
expect_eq "netcurl: 127.0.0.1:8080 allowed" ok "$(run_in $B /usr/bin/netcurl connect tcp 127.0.0.1 8080)"
expect_eq "netother: 127.0.0.1:8080 denied by default" EPERM "$(run_in $B /usr/bin/netother connect tcp 127.0.0.1 8080)"
expect_eq "enf-net (another copy): denied by default" EPERM "$(run_in $B enf-net connect tcp 127.0.0.1 8080)"
expect_eq "netcurl: 169.254.169.254 denied by default" EPERM "$(run_in $B /usr/bin/netcurl connect tcp 169.254.169.254 80)"
expect_eq "netother unconfined: allowed" ok "$(/usr/bin/netother connect tcp 127.0.0.1 8080)"

echo "--- audit"
expect_audit "the 'from' rule is named" '"comm":"netcurl"' '"addr":"169.254.169.254"' '"verdict":"deny"' \
	'"rule":"/tmp/tool.json:2:' 'from\":[\"/usr/bin/netcurl'
expect_audit "the default denial of netother" '"comm":"netother"' '"port":8080' '"reason":"default"'

finish
