#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# A root shell in a confined cgroup cannot switch enforcement off or take
# the engine over: no bpf(), no touching the pins, no signal or ptrace to
# the daemon, no leaving its cgroup, no writes to the daemon's state, log or
# socket, no unmounting or mounting over bpffs and cgroup2. Each attempt has
# a positive control: the same operation on something else, or from an
# unconfined shell, works. Audit mode does not relax any of it.
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/lifecycle.sh

SOCK=$ENF_SOCKET
setup_web $CG/t53
mkdir -p $CG/t53ctl
D=$DAEMON_PID
sleep 1000 &
SLEEPER=$!
# A process of the same profile (domain): the target of the ptrace controls (73-domain).
sh -c 'echo $$ >"$1/cgroup.procs" && exec sleep 1000' in_cgroup $CG/t53 &
SLEEPER_IN=$!
mkdir -p /tmp/mnt

# conf OP...: the attempt from the confined root shell; free OP...: from an unconfined one.
conf() { in_cgroup $CG/t53 enf-self "$@"; }
free() { enf-self "$@"; }
both() { # DESCRIPTION OP...: denied confined, allowed unconfined
	d=$1
	shift
	expect_eq "confined: $d" EPERM "$(conf "$@")"
	expect_eq "unconfined: $d (control)" ok "$(free "$@")"
}

# bpf() on the engine's objects
both "bpf(BPF_OBJ_GET) of the pinned policy map" bpf-obj-get $PIN_DIR/maps/profiles
both "bpf(BPF_OBJ_GET) of a pinned link" bpf-obj-get $PIN_DIR/links/enf_bprm_check
both "bpf(BPF_MAP_GET_NEXT_ID)" bpf-next-id

# the pins
expect_eq "confined: unlink a link pin" EPERM "$(conf unlink $PIN_DIR/links/enf_bprm_check)"
expect_eq "confined: unlink a map pin" EPERM "$(conf unlink $PIN_DIR/maps/attachments)"
expect_eq "confined: rename a link pin" EPERM "$(conf rename $PIN_DIR/links/enf_bprm_check $PIN_DIR/links/x)"
expect_eq "confined: mkdir on bpffs" EPERM "$(conf mkdir /sys/fs/bpf/mine)"
expect_eq "unconfined: mkdir on bpffs (control)" ok "$(free mkdir /sys/fs/bpf/mine)"
expect_eq "confined: rmdir on bpffs" EPERM "$(conf rmdir /sys/fs/bpf/mine)"
expect_eq "unconfined: rmdir on bpffs (control)" ok "$(free rmdir /sys/fs/bpf/mine)"
# The confinement baseline refuses every mount to web (70-baseline); a
# profile that opts out of it still cannot mount over or unmount the engine.
compile_and_load webm '{"name":"webm","mode":"enforce","baseline":{"mount":"allow"},"exec":{"default":"allow"}}'
mkdir -p $CG/t53m
expect_exit "attach webm (mounts let through the baseline) to t53m" 0 enforcerctl attach webm $CG/t53m
confm() { in_cgroup $CG/t53m enf-self "$@"; }
expect_eq "confined: mount over the pin directory" EPERM "$(conf mount-tmpfs $PIN_DIR)"
expect_eq "confined, mounts opted out: mount over the pin directory" EPERM "$(confm mount-tmpfs $PIN_DIR)"
expect_eq "confined, mounts opted out: mount elsewhere (control)" ok "$(confm mount-tmpfs /tmp/mnt)"
expect_eq "confined: unmount bpffs" EPERM "$(conf umount /sys/fs/bpf)"
expect_eq "confined, mounts opted out: unmount bpffs" EPERM "$(confm umount /sys/fs/bpf)"
expect_eq "confined, mounts opted out: unmount cgroup2" EPERM "$(confm umount /sys/fs/cgroup)"
expect_eq "confined, mounts opted out: unmount elsewhere (control)" ok "$(confm umount /tmp/mnt)"

# the daemon
expect_eq "confined: SIGKILL the daemon" EPERM "$(conf kill $D 9)"
expect_eq "confined: SIGTERM the daemon" EPERM "$(conf kill $D 15)"
expect_eq "confined: signal 0 to the daemon (it exists, nothing happens)" ok "$(conf kill $D 0)"
expect_eq "confined: SIGCONT to a process of its own profile (control)" ok "$(conf kill $SLEEPER_IN 18)"
expect_eq "confined: ptrace the daemon" EPERM "$(conf ptrace $D)"
expect_eq "confined: ptrace a process of its own profile (control)" ok "$(conf ptrace $SLEEPER_IN)"
# Any process outside the profile is out of reach too (the baseline, 73-domain).
expect_eq "confined: ptrace an unconfined process" EPERM "$(conf ptrace $SLEEPER)"
# procfs reports a refused ptrace check as EACCES.
expect_eq "confined: read /proc/DAEMON/mem" EACCES "$(conf proc-mem $D)"
expect_eq "confined: read /proc/OTHER/mem of its own profile (control)" ok "$(conf proc-mem $SLEEPER_IN)"
expect_eq "confined: read /proc/UNCONFINED/mem" EACCES "$(conf proc-mem $SLEEPER)"
expect_eq "unconfined: read /proc/DAEMON/mem (control)" ok "$(free proc-mem $D)"
expect_eq "confined: pidfd_getfd from the daemon" EPERM "$(conf pidfd-getfd $D 3)"
expect_eq "confined: pidfd_getfd from a process of its own profile (control)" ok "$(conf pidfd-getfd $SLEEPER_IN 0)"
expect_eq "confined: pidfd_getfd from an unconfined process" EPERM "$(conf pidfd-getfd $SLEEPER 0)"
expect_eq "the daemon is alive" yes "$(kill -0 $D 2>/dev/null && echo yes)"

# leaving the cgroup
expect_eq "confined: write cgroup.procs of the root cgroup" EPERM "$(conf write $CG/cgroup.procs 0)"
expect_eq "unconfined: write cgroup.procs (control)" ok "$(free write $CG/t53ctl/cgroup.procs 0)"
# Its own cgroup's cgroup.procs: a write there pulls whatever task it names
# into the domain, past the baseline's signal and ptrace checks.
sleep 1000 &
PULLED=$!
expect_eq "confined: pull an unconfined process into its own cgroup (cgroup.procs)" EPERM \
	"$(conf write $CG/t53/cgroup.procs $PULLED)"
expect_eq "  it stays where it was" "0::/" "$(cat /proc/$PULLED/cgroup)"
expect_eq "unconfined: the same write (control)" ok "$(free write $CG/t53/cgroup.procs $PULLED)"
expect_eq "  it moved" "0::/t53" "$(cat /proc/$PULLED/cgroup)"
kill $PULLED
mkdir -p $CG/t53/child
expect_eq "confined: write a child cgroup's cgroup.procs" EPERM "$(conf write $CG/t53/child/cgroup.procs 0)"
expect_eq "confined: write a sibling's cgroup.procs" EPERM "$(conf write $CG/t53ctl/cgroup.procs 0)"
expect_eq "confined: write its own cgroup.threads" EPERM "$(conf write $CG/t53/cgroup.threads 0)"
expect_eq "confined: write cgroup.threads" EPERM "$(conf write $CG/cgroup.threads 0)"
expect_eq "confined: clone3(CLONE_INTO_CGROUP) into the root cgroup" EPERM "$(conf clone-into $CG)"
expect_eq "unconfined: clone3(CLONE_INTO_CGROUP) (control)" ok "$(free clone-into $CG/t53ctl)"
expect_eq "confined: write cgroup.subtree_control" EPERM "$(conf write $CG/cgroup.subtree_control +pids)"
expect_eq "confined: freeze another cgroup" EPERM "$(conf write $CG/t53ctl/cgroup.freeze 1)"
# A write descriptor of cgroup.procs, opened by an unconfined shell, held by a process of the
# profile (so that pidfd_getfd passes the ptrace check and file_receive decides), handed over.
sh -c 'echo $$ >"$1/cgroup.procs" && exec sleep 1000' in_cgroup $CG/t53 3>>$CG/cgroup.procs &
HOLDER=$!
sh -c 'echo $$ >"$1/cgroup.procs" && exec sleep 1000' in_cgroup $CG/t53 3>>/tmp/t53-plain &
HOLDER_PLAIN=$!
sleep 0.2
expect_eq "confined: take a write descriptor of cgroup.procs (pidfd_getfd)" EPERM "$(conf pidfd-getfd $HOLDER 3)"
expect_eq "confined: take a write descriptor of a plain file (control)" ok "$(conf pidfd-getfd $HOLDER_PLAIN 3)"
expect_eq "unconfined: take the cgroup.procs descriptor (control)" ok "$(free pidfd-getfd $HOLDER 3)"
kill $HOLDER $HOLDER_PLAIN
expect_eq "confined: still in its cgroup" "0::/t53" "$(in_cgroup $CG/t53 cat /proc/self/cgroup)"

# the daemon's files and socket
expect_eq "confined: overwrite state.json" EPERM "$(conf write $STATE_DIR/state.json '{}')"
expect_eq "confined: unlink state.json" EPERM "$(conf unlink $STATE_DIR/state.json)"
expect_eq "confined: create a file in the state directory" EPERM "$(conf write $STATE_DIR/evil.json x)"
expect_eq "confined: rename the state directory" EPERM "$(conf rename $STATE_DIR /tmp/stolen)"
expect_eq "confined: write a file elsewhere (control)" ok "$(conf write /tmp/mine.txt x)"
# The daemon finds /etc/enforcer and its state by name at every start and reload: a directory
# above them may not be renamed (found by review: /etc exchanged for a copy the workload made,
# whose enforcer/ declares what it likes, went through).
mkdir -p /etc.t53 /tmp/x53a /tmp/x53b
touch /etc/.t53-marker
expect_eq "confined: exchange /etc, above the configuration directory, for a copy" EPERM \
	"$(in_cgroup $CG/t53 enf-probe exchange /etc /etc.t53)"
[ ! -e /etc.t53/.t53-marker ] || enf-probe exchange /etc /etc.t53 >/dev/null # undone, had it gone through
expect_eq "confined: exchange two other directories (control)" ok \
	"$(in_cgroup $CG/t53 enf-probe exchange /tmp/x53a /tmp/x53b)"
expect_eq "unconfined: exchange /etc and back (control)" "ok ok" \
	"$(enf-probe exchange /etc /etc.t53) $(enf-probe exchange /etc /etc.t53)"
rm -f /etc/.t53-marker
rmdir /etc.t53 /tmp/x53a /tmp/x53b
expect_eq "confined: truncate the audit log" EPERM "$(conf write $AUDIT_LOG '')"
expect_eq "confined: unlink the audit log" EPERM "$(conf unlink $AUDIT_LOG)"
expect_eq "confined: unlink the control socket" EPERM "$(conf unlink $SOCK)"
expect_eq "confined: connect to the control socket" EPERM "$(conf connect $SOCK)"
expect_eq "unconfined: connect to the control socket (control)" ok "$(free connect $SOCK)"
# A rule of the profile refuses the same connect too: the peer's decision, which runs first in
# the hook's program (unix.bpf.c), reports it; self-protection refuses on its own (above).
compile_and_load webs '{"name":"webs","mode":"enforce","file":{"default":"allow","rules":[
 {"action":"deny","path":"/run/enforcer/**","access":["write"]}]}}'
mkdir -p $CG/t53s
expect_exit "attach webs (no writes below /run/enforcer) to t53s" 0 enforcerctl attach webs $CG/t53s
expect_eq "confined by a rule too: connect to the control socket" EPERM \
	"$(in_cgroup $CG/t53s enf-self connect $SOCK)"
if wait_for_log '"profile":"webs","hook":"unix_stream_connect","verdict":"deny","reason":"rule"'; then
	pass "refused by the rule, which reports it"
else
	fail "no unix_stream_connect event of webs: $(grep webs $AUDIT_LOG)"
fi
expect_eq "no self-protection event of webs: the rule refused first" 0 \
	"$(grep -c '"profile":"webs","hook":"self:' $AUDIT_LOG)"
expect_exit "confined: enforcerctl detach cannot reach the daemon" 3 in_cgroup $CG/t53 enforcerctl detach $CG/t53

# Audit mode relaxes the profile, not the protection.
expect_exit "web to audit mode" 0 enforcerctl mode web audit
expect_eq "audit mode: the denied exec runs" ok "$(in_cgroup $CG/t53 enf-probe exec /usr/bin/wget)"
expect_eq "audit mode: bpf() still refused" EPERM "$(conf bpf-obj-get $PIN_DIR/maps/profiles)"
expect_eq "audit mode: SIGKILL to the daemon still refused" EPERM "$(conf kill $D 9)"
expect_exit "web back to enforce" 0 enforcerctl mode web enforce

# The daemon itself runs hardened: one capability, no_new_privs, a seccomp filter.
st=$(cat /proc/$D/status)
expect_contains "hardened: a seccomp filter" "$(printf 'Seccomp:\t2')" "$st"
expect_contains "hardened: no_new_privs" "$(printf 'NoNewPrivs:\t1')" "$st"
expect_contains "hardened: CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE only" "$(printf 'CapEff:\t0000000000080004')" "$st"
expect_contains "hardened: the bounding set too" "$(printf 'CapBnd:\t0000000000080004')" "$st"
expect_contains "status says so" "hardening: capabilities and seccomp" "$(enforcerctl status)"

# Nothing gave: the daemon serves, the pins are there, enforcement holds, the attempts are logged.
expect_exit "the daemon answers" 0 enforcerctl status
expect_eq "the pins are intact" yes "$( [ -e $PIN_DIR/links/enf_bprm_check ] && [ -e $PIN_DIR/maps/attachments ] && echo yes)"
expect_eq "still denied" EPERM "$(in_cgroup $CG/t53 enf-probe exec /usr/bin/wget)"
if wait_for_log '"hook":"self:bpf"'; then pass "self-protection denials are logged"; else fail "no self:bpf event"; fi
expect_contains "the log names the hook" '"reason":"self-protection"' "$(grep '"hook":"self:' $AUDIT_LOG | head -n 1)"
# Each way out is refused by the hook meant for it (none of them is inode_permission any more).
for h in clone-into-cgroup receive-protected open-protected write-protected unlink-protected rename-protected \
	connect-control; do
	if wait_for_log "\"hook\":\"self:$h\""; then pass "refused at self:$h"; else fail "no self:$h event"; fi
done
# The baseline (mounts) or the domain (ptrace) of web refuses these as well: self-protection runs
# first in the hook's one program (baseline.bpf.c, domain.bpf.c) and reports them.
for h in mount-over umount ptrace-daemon; do
	if wait_for_log "\"profile\":\"web\",\"hook\":\"self:$h\""; then
		pass "self-protection reports self:$h, which the baseline or the domain refuses too"
	else
		fail "no self:$h event of web"
	fi
done
n=$(status_counter self_protection_denied)
if [ "${n:-0}" -gt 20 ]; then pass "counted: $n self-protection denials"; else fail "self_protection_denied is $n"; fi
# Self-protection refuses an operation, named by its hook: no path or access (an empty path before).
expect_eq "no self-protection record carries a path" 0 "$(grep '"hook":"self:' $AUDIT_LOG | grep -c '"path"')"
out=$(enf-schema-check /enforcer/docs/events.schema.json "$AUDIT_LOG" 2>&1)
expect_eq "every record is valid against docs/events.schema.json" 0 "$(echo "$out" | grep -c 'invalid record')"
echo "$out" | grep 'invalid record' | head -n 3

# After a reboot (pins gone, state kept) the daemon restores the attachments before it is ready,
# and from that moment a confined root must meet self-protection. The start is held there
# (ENFORCERD_TEST_PAUSE_BEFORE_READY_MS) while web's shell waits for its profile to hold again (an
# exec of wget refused) and then tries bpf(), leaving its cgroup and planting a file in the state
# directory. Until 2026-12-07 the settings had self-protection only once the control socket was
# open: bpf() went through (the domain check refuses the cgroup.procs write either way).
stop_daemon
rm -rf "$PIN_DIR"
wait_detached
expect_eq "pins removed by hand: nothing enforces (control)" ok "$(in_cgroup $CG/t53 enf-probe exec /usr/bin/wget)"
rm -f /tmp/t53-gap
in_cgroup $CG/t53 sh -c 'i=0
	while [ $i -lt 900 ]; do
		if [ "$(enf-probe exec /usr/bin/wget)" = EPERM ]; then
			echo "$(enf-self bpf-next-id) $(enf-self write /sys/fs/cgroup/cgroup.procs 0)" \
				"$(enf-self write "$1/evil.json" x)" "$(cut -d" " -f1 /proc/uptime)" >/tmp/t53-gap
			exit 0
		fi
		sleep 0.05
		i=$((i + 1))
	done' sh "$STATE_DIR" &
GAP=$!
export ENFORCERD_TEST_PAUSE_BEFORE_READY_MS=4000
start_daemon
unset ENFORCERD_TEST_PAUSE_BEFORE_READY_MS
ready=$(cut -d' ' -f1 /proc/uptime)
wait $GAP
expect_contains "the start was held before it was ready" "test pause: 4000 ms" "$(cat $DAEMON_LOG)"
set -- $(cat /tmp/t53-gap 2>/dev/null) none none none 0
expect_eq "restored, not yet ready: the confined root's bpf() is refused" EPERM "$1"
expect_eq "restored, not yet ready: its way out of its cgroup is refused" EPERM "$2"
expect_eq "restored, not yet ready: a file planted in the state directory is refused" EPERM "$3"
expect_eq "... all tried before the daemon was ready" yes \
	"$(awk -v a="$4" -v b="$ready" 'BEGIN { print (a > 0 && a < b) ? "yes" : "no" }')"
expect_eq "ready: bpf() refused" EPERM "$(conf bpf-next-id)"
expect_eq "ready: bpf() unconfined (control)" ok "$(free bpf-next-id)"
expect_eq "ready: still refused" EPERM "$(conf write $CG/cgroup.procs 0)"
expect_eq "ready: unconfined (control)" ok "$(free write $CG/t53ctl/cgroup.procs 0)"
expect_eq "ready: the state directory still refused" EPERM "$(conf write $STATE_DIR/evil.json x)"
expect_eq "ready: unconfined may write there (control)" ok "$(free write $STATE_DIR/evil.json x)"
rm -f "$STATE_DIR/evil.json"
kill $SLEEPER $SLEEPER_IN
lc_elapsed
finish
