#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=300
#
# The service manager inside a confined cgroup (lsm-progs/cgroup.bpf.h):
# systemd joins the unit's cgroup, builds the unit's sandbox there (a mount
# namespace, a private tmpfs, read-only binds: what the baseline refuses to
# a workload) and execs the service; from 255 on it execs systemd-executor
# first. enf-manager stands in for both, named by --service-manager.
#  - the manager's setup goes through, directly and through its executor,
#    in a child it forks or not; the manager is what an ungoverned manager task
#    forks (enf-manager forks as PID 1 does): the manager's own binary
#    exec'd again (a user's systemd --user) is not, nor is the same
#    program under another inode;
#  - the service is confined from its first exec: a denied program cannot
#    be exec'd by the manager, and the service cannot mount;
#  - a workload cannot become the manager: exec of either of its
#    executables and prctl(PR_SET_MM_EXE_FILE) are refused, in audit mode
#    too; prctl(PR_SET_MM_ARG_START) (process titles) goes through;
#  - in the unit's own mount namespace the rules name objects as outside
#    it: an allowed file opens, a denied one is refused by its rule (not as
#    a foreign root), and sd_notify's datagram reaches a socket bound
#    outside.
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/lifecycle.sh

T=/tmp/t79
mkdir -p $T/bin $T/lib $T/open $T/secret $T/priv $T/ro
echo plain >$T/open/file
echo secret >$T/secret/file
cp /enforcer/tests/guest/enf-manager $T/lib/systemd
cp /enforcer/tests/guest/enf-manager $T/lib/systemd-executor
cp /enforcer/tests/guest/enf-manager $T/lib/impostor
install_program $T/bin/svc
cp /enforcer/tests/guest/enf-probe $T/bin/svc-probe
cp /enforcer/tests/guest/enf-baseline $T/bin/svc-baseline
cp /enforcer/tests/guest/enf-self $T/bin/svc-self
cp /enforcer/tests/guest/enf-self $T/lib/mgr-victim
install_program $T/bin/evil
chmod 755 $T/lib/* $T/bin/*

expect_exit "a malformed --service-manager is a usage error" 2 enforcerd --service-manager relative/path
expect_contains "...naming the option and the forms" "expected auto, none or up to" "$(cat /tmp/expect_exit.out)"

start_daemon --service-manager $T/lib/systemd:$T/lib/systemd-executor
expect_eq "the daemon names the service manager's executables it recognised" 2 \
	"$(grep -c "service manager executable: $T/lib/systemd" "$DAEMON_LOG")"
# Exec: the service's programs only; files: all but $T/secret; the baseline as it is (mount refused).
PROFILE_BODY='"exec":{"default":"deny","rules":[
  {"action":"allow","path":"'$T'/bin/svc"},{"action":"allow","path":"'$T'/bin/svc-probe"},
  {"action":"allow","path":"'$T'/bin/svc-baseline"},{"action":"allow","path":"'$T'/lib/impostor"},
  {"action":"allow","path":"'$T'/bin/svc-self"}]},
 "file":{"default":"allow","rules":[{"action":"deny","path":"'$T'/secret/**","access":["read"]}]}'
compile_and_load t79 '{"name":"t79","mode":"enforce",'"$PROFILE_BODY"'}'
mkdir -p $CG/t79 $CG/t79free
expect_exit "attach t79" 0 enforcerctl attach t79 $CG/t79
M=$T/lib/systemd
SANDBOX="--tmpfs $T/priv --ro $T/ro"

# ---- the manager's setup ---------------------------------------------------------------
expect_eq "the manager builds the sandbox in the cgroup and starts the service" "ran svc" \
	"$($M $CG/t79 $SANDBOX -- $T/bin/svc)"
expect_eq "...through its executor (systemd 255+)" "ran svc" \
	"$($M $CG/t79 --via $T/lib/systemd-executor $SANDBOX -- $T/bin/svc)"
expect_eq "...in a child it forks (PrivatePIDs=)" "ran svc" "$($M $CG/t79 --pidns-child $SANDBOX -- $T/bin/svc)"
expect_eq "...in a child its executor forks (257)" "ran svc" \
	"$($M $CG/t79 --via $T/lib/systemd-executor --pidns-child $SANDBOX -- $T/bin/svc)"
expect_eq "the manager's own binary exec'd by its child (a user manager) is not the manager: its mount is refused" \
	"slave:EPERM" "$($M $CG/t79 --via $M $SANDBOX -- $T/bin/svc)"
expect_eq "...nor what its child goes on to do" "slave:EPERM" "$($M $CG/t79 --via $M --pidns-child $SANDBOX -- $T/bin/svc)"
expect_eq "the same program as another file is not the manager: its mount is refused" "slave:EPERM" \
	"$(in_cgroup $CG/t79 $T/lib/impostor - $SANDBOX -- $T/bin/svc)"
expect_eq "...outside the cgroup it builds the sandbox (control)" "ran svc" \
	"$(in_cgroup $CG/t79free $T/lib/impostor - $SANDBOX -- $T/bin/svc)"

# ---- the service, from its first exec ----------------------------------------------------
expect_eq "the manager cannot start a program the profile denies" "exec:EPERM" \
	"$($M $CG/t79 $SANDBOX -- $T/bin/evil)"
if wait_for_log '"path":"'$T'/bin/evil"'; then
	line=$(grep '"path":"'$T'/bin/evil"' "$AUDIT_LOG" | head -n 1)
	expect_contains "...a deny event from bprm_check, by the exec default" \
		'"hook":"bprm_check_security","verdict":"deny","reason":"default"' "$line"
	expect_contains "...and the manager's executable named as the task's" "\"exe\":\"$M\"" "$line"
else
	fail "no event for the manager's denied exec: $(tail -n 5 $AUDIT_LOG)"
fi
expect_eq "the service cannot mount, in the manager's namespace" "EPERM" \
	"$($M $CG/t79 $SANDBOX -- $T/bin/svc-baseline tmpfs $T/priv)"
expect_eq "the service cannot unshare a user namespace" "EPERM" \
	"$($M $CG/t79 $SANDBOX -- $T/bin/svc-baseline userns)"

# ---- a workload cannot become the manager -------------------------------------------------
svc() { in_cgroup $CG/t79 $T/bin/svc-probe "$@"; }
svc_self() { in_cgroup $CG/t79 $T/bin/svc-self "$@"; }
expect_eq "the workload cannot exec the manager" EPERM "$(svc exec $M - -- $T/bin/svc-baseline tmpfs $T/priv)"
expect_eq "...nor its executor" EPERM "$(svc exec $T/lib/systemd-executor - -- $T/bin/svc)"
expect_eq "...outside the cgroup the same exec works (control)" ok \
	"$(in_cgroup $CG/t79free $T/bin/svc-probe exec $T/lib/systemd-executor - -- $T/bin/svc)"
if wait_for_log '"path":"'$T'/lib/systemd-executor"'; then
	expect_contains "...a deny event with reason self" '"verdict":"deny","reason":"self-protection"' \
		"$(grep '"path":"'$T'/lib/systemd-executor"' "$AUDIT_LOG" | head -n 1)"
else
	fail "no event for the workload's exec of the executor: $(tail -n 5 $AUDIT_LOG)"
fi
expect_eq "the workload cannot take the manager's executable with prctl(PR_SET_MM_EXE_FILE)" EPERM \
	"$(svc prctl-exe $M)"
expect_eq "prctl(PR_SET_MM_ARG_START) for a process title goes through" ok "$(svc prctl-argstart)"
compile_and_load t79a '{"name":"t79a","mode":"audit",'"$PROFILE_BODY"'}'
mkdir -p $CG/t79a
expect_exit "attach t79a (audit mode)" 0 enforcerctl attach t79a $CG/t79a
expect_eq "audit mode: the workload still cannot exec the manager" EPERM \
	"$(in_cgroup $CG/t79a $T/bin/svc-probe exec $M - -- $T/bin/svc)"
expect_eq "audit mode: a denied program runs (would-deny) (control)" ok \
	"$(in_cgroup $CG/t79a $T/bin/svc-probe exec $T/bin/evil)"

# ---- names in the unit's mount namespace ----------------------------------------------------
# systemd makes the root mount shared at boot, so a unit's namespace is a
# slave copy of the host's; the guest's is made so here, and restored.
ROOT_WAS_SHARED=$(awk '$5 == "/"' /proc/self/mountinfo | head -n 1 | grep -c 'shared:')
mount --make-shared /
rm -f $T/notify.out
enf-notify $T/notify.sock $T/notify.out --ready $T/notify.ready &
NOTIFY_PID=$!
i=0; while [ ! -e $T/notify.ready ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
expect_eq "in the unit's namespace an allowed file opens" ok \
	"$($M $CG/t79 $SANDBOX -- $T/bin/svc-probe open $T/open/file r)"
expect_eq "...a denied one is refused" EPERM "$($M $CG/t79 $SANDBOX -- $T/bin/svc-probe open $T/secret/file r)"
wait_for_log '"path":"'$T'/secret/file"' || true
expect_contains "...by its rule, not as a foreign root" '"reason":"rule"' \
	"$(grep '"path":"'$T'/secret/file"' "$AUDIT_LOG" | head -n 1)"
expect_eq "...sd_notify's datagram reaches the socket bound outside" ok \
	"$($M $CG/t79 $SANDBOX -- $T/bin/svc-probe dgram $T/notify.sock READY=1)"
sleep 0.3
expect_contains "...and was received" "READY=1" "$(cat $T/notify.out 2>/dev/null)"
kill $NOTIFY_PID 2>/dev/null
wait $NOTIFY_PID 2>/dev/null
# A detached copy of a subtree still names nothing (72 has the rest).
expect_eq "a detached copy of a subdirectory is still a foreign root" EPERM \
	"$(svc opentree $T/open file)"
[ "$ROOT_WAS_SHARED" = 1 ] || mount --make-private /

# ---- the workload cannot take over a manager's task in its cgroup (ptrace) ---------------
# A manager task is not governed: code injected into it would run outside the profile.
# $T/lib/mgr-victim (a copy of enf-self) is named a manager's executable for this part.
YAMA=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null)
[ -n "$YAMA" ] && echo 0 >/proc/sys/kernel/yama/ptrace_scope
stop_daemon
restart_daemon --service-manager $T/lib/systemd:$T/lib/systemd-executor:$T/lib/mgr-victim
expect_contains "the daemon names the stand-in manager task's executable" "service manager executable: $T/lib/mgr-victim" \
	"$(cat "$DAEMON_LOG")"
# victim PROG OUT: PROG started outside, then moved into the cgroup (the workload may not exec a
# manager's file). Moved once it runs PROG (it has printed its address): moved between fork and
# exec, the shell's child would exec PROG as the workload and be refused.
victim() {
	rm -f $T/victim.addr "$2"
	"$1" victim "$2" >$T/victim.addr &
	VPID=$!
	i=0; while [ $i -lt 100 ] && ! [ -s $T/victim.addr ]; do sleep 0.05; i=$((i + 1)); done
	echo $VPID >$CG/t79/cgroup.procs
	VADDR=$(cat $T/victim.addr)
}
taken() { i=0; while [ $i -lt 20 ] && ! [ -s "$1" ]; do sleep 0.1; i=$((i + 1)); done; cat "$1" 2>/dev/null || echo no; }
victim $T/lib/mgr-victim $T/mv.out
expect_eq "the service cannot ptrace a manager's task in its own cgroup" EPERM "$(svc_self ptrace-poke $VPID $VADDR)"
expect_eq "...and it was not taken over" no "$(taken $T/mv.out)"
kill $VPID 2>/dev/null; wait $VPID 2>/dev/null
victim $T/bin/svc-self $T/wv.out
expect_eq "it can ptrace a workload task of its own cgroup (control: the same domain)" ok "$(svc_self ptrace-poke $VPID $VADDR)"
kill $VPID 2>/dev/null; wait $VPID 2>/dev/null
[ -n "$YAMA" ] && echo "$YAMA" >/proc/sys/kernel/yama/ptrace_scope

finish
