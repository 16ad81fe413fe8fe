#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# accept decisions kept on the listener (accept_memos, lsm-progs/net.bpf.c):
# a listener's next accept skips the match only while nothing that decided
# the last one changed.
#  - Read: a memo planted by hand on a listener of a denied port opens it
#    (IPv4 and IPv6), which proves the hook reads memos: a check that
#    always missed would pass everything else here. Planted with one field
#    wrong (port, address, family), it does not.
#  - Kept only where it may be: not after a denial, an audit-mode
#    would-deny, in learn mode, for a profile with 'from' rules, or on a
#    listener whose port listen() picked (bind to port 0).
#  - Each way to change what decided is tried between two accepts on one
#    listener: a live rule edit, the profile replaced, a move of the task
#    to another profile's cgroup. A listener rebound elsewhere keeps no
#    memo (its port was picked by listen()); the rebind checks guard that.
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/net.sh
. /enforcer/tests/integration/lib/lifecycle.sh

start_daemon
compile_and_load acc '{"name":"acc","mode":"enforce","network":{"default":"allow","rules":[
 {"action":"deny","op":["accept"],"ports":[8095,8096]},
 {"action":"deny","op":["accept"],"addr":"127.0.0.2/32"}
]}}'
compile_and_load other '{"name":"other","mode":"enforce","network":{"default":"allow","rules":[
 {"action":"deny","op":["accept"],"ports":[8097]}
]}}'
mkdir -p $CG/t84 $CG/t84b
expect_eq "attach acc to $CG/t84" "attached $CG/t84" "$(enforcerctl attach acc $CG/t84 2>&1)"
expect_eq "attach other to $CG/t84b" "attached $CG/t84b" "$(enforcerctl attach other $CG/t84b 2>&1)"
C=$CG/t84
MEMOS=$PIN_DIR/maps/accept_memos

echo "--- controls: one accept per listener"
expect_eq "accept on 127.0.0.1:8094 allowed" ok "$(net $C accept 127.0.0.1 8094)"
expect_eq "accept on 127.0.0.1:8095 denied" EPERM "$(net $C accept 127.0.0.1 8095)"
expect_eq "accept on [::1]:8096 denied" EPERM "$(net $C accept ::1 8096)"

echo "--- the memo is kept, and read"
memo() { enf-net accept-memo $MEMOS "$@" 2>&1; }
expect_eq "memo of 8094 planted on a listener of 8095 (denied): the hook takes it" "ok memo ok" \
	"$(memo $C 127.0.0.1 8094 127.0.0.1 8095 fit)"
expect_eq "the same on IPv6 ([::1]:8094 onto [::1]:8096)" "ok memo ok" "$(memo $C ::1 8094 ::1 8096 fit)"
expect_eq "planted with its own port (8094) on the listener of 8095: not taken" "ok memo EPERM" \
	"$(memo $C 127.0.0.1 8094 127.0.0.1 8095 as-is)"
expect_eq "planted on a listener of another address (127.0.0.2, denied): not taken" "ok memo EPERM" \
	"$(memo $C 127.0.0.1 8094 127.0.0.2 8095 fit)"
expect_eq "planted on an IPv6 listener of the same mapped address (::ffff:127.0.0.1): not taken" "ok memo EPERM" \
	"$(memo $C 127.0.0.1 8094 ::ffff:127.0.0.1 8095 fit)"

echo "--- where nothing is kept"
expect_eq "after a denied accept" "EPERM nomemo" "$(memo $C 127.0.0.1 8095 127.0.0.1 8094 fit)"
expect_eq "on a listener whose port listen() picked (bound to port 0)" "ok nomemo" \
	"$(memo $C 127.0.0.1 0 127.0.0.1 8095 fit)"
compile_and_load fromp '{"name":"fromp","mode":"enforce","network":{"default":"allow","rules":[
 {"action":"deny","op":["accept"],"ports":[8095],"from":["/bin/busybox"]}
]}}'
compile_and_load aud '{"name":"aud","mode":"audit","network":{"default":"allow","rules":[
 {"action":"deny","op":["accept"],"ports":[8095]}
]}}'
mkdir -p $CG/t84f $CG/t84a
expect_eq "attach fromp to $CG/t84f" "attached $CG/t84f" "$(enforcerctl attach fromp $CG/t84f 2>&1)"
expect_eq "attach aud to $CG/t84a" "attached $CG/t84a" "$(enforcerctl attach aud $CG/t84a 2>&1)"
expect_eq "a profile with a 'from' rule: allowed, nothing kept" "ok nomemo" \
	"$(memo $CG/t84f 127.0.0.1 8094 127.0.0.1 8095 fit)"
expect_eq "audit mode, a would-deny accept: let through, nothing kept" "ok nomemo" \
	"$(memo $CG/t84a 127.0.0.1 8095 127.0.0.1 8094 fit)"
expect_exit "aud to learn mode" 0 enforcerctl mode aud learn
expect_eq "learn mode: allowed, nothing kept" "ok nomemo" "$(memo $CG/t84a 127.0.0.1 8094 127.0.0.1 8095 fit)"
expect_exit "aud to enforce mode" 0 enforcerctl mode aud enforce
expect_eq "control: the same profile in enforce mode keeps one" "ok memo ok" \
	"$(memo $CG/t84a 127.0.0.1 8094 127.0.0.1 8095 fit)"

# accept_twice NAME EDIT WANT [ADDR PORT]: accept on one listener in $C,
# run EDIT, accept again on the same listener; WANT is both words.
accept_twice() {
	# A stale output of the step before would end the wait below at once.
	rm -f /tmp/t84.go /tmp/t84.out
	in_cgroup $C enf-net accept-again "${4:-127.0.0.1}" "${5:-8098}" /tmp/t84.go >/tmp/t84.out 2>&1 &
	_pid=$!
	_i=0
	while [ $_i -lt 300 ] && ! grep -q . /tmp/t84.out; do sleep 0.1; _i=$((_i + 1)); done
	sh -c "$2" >/tmp/t84.edit 2>&1 || fail "$1: the edit failed: $(cat /tmp/t84.edit)"
	touch /tmp/t84.go
	wait $_pid
	expect_eq "$1" "$3" "$(cat /tmp/t84.out)"
}

echo "--- what a memo is checked against"
accept_twice "no edit between two accepts: both allowed" true "ok ok"
accept_twice "a rule denying the port added between two accepts: the second is denied" \
	"enforcerctl rule add acc network '{\"action\":\"deny\",\"op\":[\"accept\"],\"ports\":[8099]}'" \
	"ok EPERM" 127.0.0.1 8099
accept_twice "the same on IPv6" \
	"enforcerctl rule add acc network '{\"action\":\"deny\",\"op\":[\"accept\"],\"ports\":[8100]}'" \
	"ok EPERM" ::1 8100
cat >/tmp/acc2.json <<'EOF'
{"name":"acc","mode":"enforce","network":{"default":"allow","rules":[
 {"action":"deny","op":["accept"],"ports":[8095,8096,8099,8100,8101]},
 {"action":"deny","op":["accept"],"addr":"127.0.0.2/32"}
]}}
EOF
accept_twice "the profile replaced by one denying the port between two accepts: the second is denied" \
	"policyc compile /tmp/acc2.json -o /tmp/acc2.pol && enforcerctl load /tmp/acc2.pol" \
	"ok EPERM" 127.0.0.1 8101
expect_eq "a listener given up and bound again to a denied port: denied there" "ok EPERM" \
	"$(net $C accept-rebind 127.0.0.1 8095)"
expect_eq "control: bound again to an allowed port" "ok ok" "$(net $C accept-rebind 127.0.0.1 8102)"
expect_eq "bound again to the same port on a denied address: denied there" "ok EPERM" \
	"$(net $C accept-rebind 127.0.0.2 same)"
expect_eq "control: the same port on an allowed address" "ok ok" "$(net $C accept-rebind 127.0.0.1 same)"

echo "--- a listener shared between profiles"
# accept_moved PORT DIR: accept on a listener of PORT in $C, move the task
# to cgroup DIR (from outside: a confined task cannot move itself), accept
# again on the same listener; both words.
accept_moved() {
	# A stale output of the step before would end the wait below at once.
	rm -f /tmp/t84.go /tmp/t84.out
	# sh -c execs enf-net: $! is the process to move
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' in_cgroup $C \
		enf-net accept-again 127.0.0.1 "$1" /tmp/t84.go >/tmp/t84.out 2>&1 &
	_pid=$!
	_i=0
	while [ $_i -lt 300 ] && ! grep -q . /tmp/t84.out; do sleep 0.1; _i=$((_i + 1)); done
	echo $_pid >"$2/cgroup.procs" || echo "(the move to $2 failed)" >>/tmp/t84.out
	touch /tmp/t84.go
	wait $_pid
	cat /tmp/t84.out
}
mkdir -p $C/sub
expect_eq "an accept by acc's task kept a memo; the task moved to other's cgroup, which denies the port: denied" \
	"ok EPERM" "$(accept_moved 8097 $CG/t84b)"
expect_eq "control: the same move to a cgroup under acc's" "ok ok" "$(accept_moved 8097 $C/sub)"

expect_audit "the memo's denials are logged as any accept's" '"hook":"socket_accept"' '"port":8099' \
	'"verdict":"deny"'
finish
