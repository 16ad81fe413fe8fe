#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The kernel decides like the reference evaluator: for a grid of TCP
# connects and binds (IPv4, IPv6, IPv4-mapped; nested prefixes, ports,
# protocols, audit rules), `policyc explain` says denied exactly when the
# real operation in the confined cgroup fails with EPERM. Two profiles: a
# deny-list and an allow-list. All of 127.0.0.0/8 is local, so an allowed
# connect ends in ECONNREFUSED (or ok), never in "no route".
. /enforcer/tests/integration/lib/lib.sh

start_daemon
DENY='{"name":"grid_deny","mode":"enforce","network":{"default":"allow","rules":[
 {"action":"deny","op":["connect"],"addr":"127.0.0.0/8","ports":[80,"8000-8099"]},
 {"action":"allow","op":["connect"],"addr":"127.1.0.0/16","ports":[80]},
 {"action":"deny","op":["connect"],"addr":"127.1.2.0/24"},
 {"action":"audit","op":["connect"],"addr":"127.1.2.3/32","ports":[443]},
 {"action":"deny","op":["bind"],"ports":["1-1023"]},
 {"action":"allow","op":["bind"],"addr":"127.1.0.0/16","ports":[22]},
 {"action":"deny","op":["connect","bind"],"addr":"::1/128","ports":[9000]},
 {"action":"deny","op":["connect"],"proto":"udp","addr":"127.2.0.0/16"}
]}}'
ALLOW='{"name":"grid_allow","mode":"enforce","network":{"default":"deny","rules":[
 {"action":"allow","op":["create"]},
 {"action":"allow","op":["connect"],"addr":"127.0.0.0/8","ports":[443]},
 {"action":"allow","op":["connect"],"addr":"127.1.0.0/16"},
 {"action":"deny","op":["connect"],"addr":"127.1.2.3/32","ports":["8000-8099"]},
 {"action":"allow","op":["connect","bind"],"family":"inet6","addr":"::1/128"},
 {"action":"allow","op":["bind"],"proto":"tcp","ports":["8080-8081"]}
]}}'
compile_and_load grid_deny "$DENY"
compile_and_load grid_allow "$ALLOW"
mkdir -p $CG/t35d $CG/t35a
expect_exit "attach grid_deny" 0 enforcerctl attach grid_deny $CG/t35d
expect_exit "attach grid_allow" 0 enforcerctl attach grid_allow $CG/t35a

# grid NAME CGROUP: every query, explain vs kernel; prints "queries denied mismatches".
grid() {
	_n=0 _d=0 _m=0
	for op in connect bind; do
		for addr in 127.0.0.1 127.1.0.1 127.1.2.3 127.1.2.4 127.2.0.1 127.255.255.254 ::1 ::ffff:127.1.2.3 ::ffff:127.0.0.1; do
			for port in 22 80 443 8080 8081 9000; do
				case $addr in
				*:*) q="$op:tcp:[$addr]:$port"; fam=inet6 ;;
				*) q="$op:tcp:$addr:$port"; fam=inet4 ;;
				esac
				want=$(policyc explain /tmp/$1.json --net "$q" --family $fam | sed -n 's/^effect: //p')
				if [ "$op" = connect ]; then
					got=$(in_cgroup $2 enf-net connect tcp $addr $port 2>&1)
				else
					got=$(in_cgroup $2 enf-net bind tcp $addr $port 2>&1)
				fi
				_n=$((_n + 1))
				case "$want" in denied) _d=$((_d + 1)) ;; esac
				if { [ "$want" = denied ] && [ "$got" != EPERM ]; } ||
				   { [ "$want" != denied ] && [ "$got" = EPERM ]; }; then
					_m=$((_m + 1))
					echo "mismatch in $1: $q: explain '$want', kernel '$got'" >&2
				fi
			done
		done
	done
	echo "$_n $_d $_m"
}

for p in grid_deny:$CG/t35d grid_allow:$CG/t35a; do
	name=${p%%:*} cg=${p#*:}
	set -- $(grid $name $cg)
	echo "$name: $1 queries, $2 denied by explain, $3 mismatches"
	expect_eq "$name: the kernel agrees with policyc explain on every query" 0 "$3"
	[ "$2" -gt 10 ] && [ "$2" -lt "$1" ] && pass "$name: the grid has both outcomes ($2 of $1 denied)" ||
		fail "$name: the grid is one-sided ($2 of $1 denied)"
done
expect_contains "audit rule logged in enforce mode" '"verdict":"audit"' "$(grep '"addr":"127.1.2.3"' "$AUDIT_LOG" | grep '"port":443' | head -n 1)"

finish
