#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=300
#
# Learn mode (docs/learn.md), one daemon: a scripted workload (a shell
# script that execs static and dynamic programs, reads, writes, creates
# and deletes files in a scratch tree, connects to a loopback listener)
# runs under `learn start`; every observation is recorded once however
# often it repeats; the session survives a daemon restart; `learn stop`
# gives a default-deny profile, which compiled, loaded and enforced on the
# same cgroup lets the same workload run with zero denials, allows a file
# it never read in a generalised directory, and denies an exec, a read and
# a connect it never did (each beside its control).
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/net.sh

T=/tmp/t60
C=$CG/t60
F=$CG/t60-free   # no profile governs it

# The scratch tree, the same before every run (reset from outside the cgroup).
reset_tree() {
	rm -rf $T/w
	mkdir -p $T/w/in $T/w/data $T/w/out
	echo alpha >$T/w/in/a.txt
	echo beta >$T/w/in/b.txt
	for i in 1 2 3 4 5 6; do echo "row $i" >$T/w/data/f$i; done
	echo "never read" >$T/w/data/f9
	echo stale >$T/w/out/old.txt
}

mkdir -p $T $C $F
install_program $T/bin/tool
install_program $T/bin/other
echo "top secret" >$T/secret.txt
echo extra >$T/extra.txt
cat >$T/work.sh <<'EOF'
#!/bin/sh
# The workload: fails (non-zero) at the first operation that does.
set -e
W=/tmp/t60/w
cat $W/in/a.txt $W/in/b.txt >/dev/null
for i in 1 2 3 4 5; do cat $W/data/f$i >/dev/null; done
for i in 1 2 3 4 5 6 7 8 9 10; do cat $W/in/a.txt >/dev/null; done   # repeats: recorded once
echo result >$W/out/new.txt
echo more >>$W/out/new.txt
rm $W/out/old.txt
mkdir $W/out/sub
/tmp/t60/bin/tool >/dev/null
[ "$(enf-probe exec /tmp/t60/bin/tool)" = ok ]
[ "$(enf-probe open $W/in/b.txt r)" = ok ]
[ "$(enf-probe execmemfd /tmp/t60/bin/tool)" = ok ]   # fileless exec
policyc --version >/dev/null                   # dynamic: loader and libraries
[ "$(enf-net connect tcp 127.0.0.1 8080)" = ok ]
echo workload-done
EOF
chmod 755 $T/work.sh

serve tcp 127.0.0.1 8080
serve tcp 127.0.0.1 9090
start_daemon

echo "--- learn"
reset_tree
out=$(enforcerctl learn start learned --cgroup $C 2>&1)
expect_contains "learn start" "is learning on $C" "$out"
expect_exit "a second learn start under the same name is refused" 1 enforcerctl learn start learned --cgroup $F
expect_eq "the workload runs under learn" workload-done "$(in_cgroup $C $T/work.sh 2>&1)"
expect_eq "nothing is denied while learning" 0 "$(grep -c '"verdict":"deny"' $AUDIT_LOG)"
# Outside the workload, still allowed while learning: learn is not enforcement.
expect_eq "learning allows anything (a read outside the workload)" "extra" "$(in_cgroup $C cat $T/extra.txt 2>&1)"

status=$(enforcerctl --json learn status learned)
obs=$(printf '%s\n' "$status" | sed -n 's/.*"observations": \([0-9]*\).*/\1/p')
recorded=$(status_counter learn_recorded)
case "$obs" in ''|0) fail "learn status counts observations: $status" ;; *) pass "learn status: $obs observations" ;; esac
expect_eq "the kernel sent each observation once (learn_recorded = observations kept)" "$obs" "$recorded"
expect_eq "stats: the same counter" "$recorded" "$(enforcerctl stats | awk '$1 == "enforcer_learn_recorded_total" { print $2 }')"
file=$STATE_DIR/learn-learned.jsonl
expect_eq "a.txt read 11 times: one observation" 1 "$(grep -c '"path":"/tmp/t60/w/in/a.txt"' $file)"
expect_contains "exec observed: the script" '"kind":"exec","path":"/tmp/t60/work.sh"' "$(cat $file)"
expect_contains "exec observed: its interpreter" '"kind":"exec","path":"/bin/busybox"' "$(cat $file)"
expect_contains "libraries of a dynamic program observed" 'libc.so' "$(cat $file)"
expect_contains "create observed" '"access":["create"],"path":"/tmp/t60/w/out/new.txt"' "$(cat $file)"
expect_contains "delete observed" '"access":["delete"],"path":"/tmp/t60/w/out/old.txt"' "$(cat $file)"
expect_contains "connect observed" '"op":"connect","family":"inet4","proto":"tcp","addr":"127.0.0.1","port":8080' "$(cat $file)"

echo "--- the session survives a daemon restart"
stop_daemon
printf '{"kind":"file","acc' >>$file   # a line torn by a crash mid-write
start_daemon
expect_contains "learn status after the restart" "\"observations\": $obs" "$(enforcerctl --json learn status learned)"
expect_contains "the torn line was dropped" "dropped a torn last line" "$(cat $DAEMON_LOG)"
expect_exit "learn profile in mid-session (learning goes on)" 0 enforcerctl learn profile learned
expect_eq "still learning: the workload runs" workload-done "$(reset_tree; in_cgroup $C $T/work.sh 2>&1)"

echo "--- generate"
out=$(enforcerctl learn stop learned --mode enforce --subtree-threshold 5 -o $T/learned.json 2>&1)
expect_eq "learn stop writes the profile" "" "$out"
expect_exit "the learning profile is gone" 1 enforcerctl show learned
p=$(cat $T/learned.json)
expect_contains "exec default deny" '"exec": { "default": "deny"' "$p"
expect_contains "file default deny" '"file": { "default": "deny"' "$p"
expect_contains "network default deny" '"network": { "default": "deny"' "$p"
expect_contains "5 files of data/ became a subtree" '"path":"/tmp/t60/w/data/**","access":["read"]' "$p"
expect_contains "network rule for the peer" '"addr":"127.0.0.1","ports":[8080]' "$p"
expect_contains "a fileless exec was seen: fileless allowed" '"fileless": "allow"' "$p"
expect_exit "policyc compiles the generated profile" 0 policyc compile $T/learned.json -o $T/learned.pol

echo "--- enforce it on the same workload"
expect_exit "load" 0 enforcerctl load $T/learned.pol
expect_eq "attach" "attached $C" "$(enforcerctl attach learned $C 2>&1)"
reset_tree
expect_eq "the same workload runs under the enforced profile" workload-done "$(in_cgroup $C $T/work.sh 2>&1)"
sleep 0.3
expect_eq "zero denials in the audit log" 0 "$(grep -c '"verdict":"deny"' $AUDIT_LOG)"
expect_eq "a file it never read, in the generalised directory, is allowed" "never read" \
	"$(in_cgroup $C cat $T/w/data/f9 2>&1)"

echo "--- what it never did is denied"
expect_eq "exec of another program denied" EPERM "$(in_cgroup $C enf-probe exec $T/bin/other)"
expect_eq "control: the same exec unconfined" ok "$(in_cgroup $F enf-probe exec $T/bin/other)"
expect_eq "control: the learned program runs" ok "$(in_cgroup $C enf-probe exec $T/bin/tool)"
expect_eq "read of another file denied" EPERM "$(in_cgroup $C enf-probe open $T/secret.txt r)"
expect_eq "control: the same read unconfined" ok "$(in_cgroup $F enf-probe open $T/secret.txt r)"
expect_eq "control: a learned read" ok "$(in_cgroup $C enf-probe open $T/w/in/b.txt r)"
expect_eq "write of a file only read while learning denied" EPERM "$(in_cgroup $C enf-probe open $T/w/in/b.txt w)"
expect_eq "connect to another port denied" EPERM "$(net $C connect tcp 127.0.0.1 9090)"
expect_eq "control: the same connect unconfined" ok "$(net $F connect tcp 127.0.0.1 9090)"
expect_eq "control: the learned connect" ok "$(net $C connect tcp 127.0.0.1 8080)"
expect_audit "the denied exec is logged" '"verdict":"deny"' "$T/bin/other"

echo "--- bad input"
expect_exit "learn stop of a profile that is not learning" 1 enforcerctl learn stop learned
expect_exit "learn start on a cgroup another profile governs is refused" 1 enforcerctl learn start again --cgroup $C
expect_contains "... naming that profile" "attached to profile 'learned' already" "$(cat /tmp/expect_exit.out)"
expect_eq "... and its enforcement stands" EPERM "$(in_cgroup $C enf-probe exec $T/bin/other)"
expect_exit "learn start on a missing cgroup" 1 enforcerctl learn start nocg --cgroup $CG/does-not-exist
expect_exit "and it left no profile behind" 1 enforcerctl show nocg
expect_exit "learn profile: a bad threshold" 2 enforcerctl learn profile x --subtree-threshold -3

finish
