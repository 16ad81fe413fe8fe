#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The first vertical slice: policyc compiles an exec profile, enforcerd loads
# it, enforcerctl attaches it to a cgroup; exec of the denied binary fails
# with EPERM inside the cgroup and nowhere else, and is logged. Its daemon
# loads every program itself (the verifier's counts below).
# enforcer-test: fresh
. /enforcer/tests/integration/lib/lib.sh

install_program /usr/bin/wget
install_program /usr/bin/curl

# From 6.3 on, the verifier looks every pointer loaded through a trusted pointer up in vmlinux BTF
# by name, up to four linear searches of ~125,000 types each (btf_nested_type_is_trusted()): 815
# searches in one start on 6.12, 15% of it. The programs load the pointers they read often
# through an untrusted copy on those kernels (UNTRUSTED(), lsm-progs/common.bpf.h): 695 searches
# on 2026-12-06 (probe reads, rare paths only), 52 since 2026-12-07. Counted with a kprobe,
# so that a new plain load through a hook's argument shows here, as a new instruction shows in the
# ceiling below.
T=/sys/kernel/tracing
probe=
if grep -q ' btf_nested_type_is_trusted$' /proc/kallsyms; then
	[ -d $T/events ] || mount -t tracefs nodev $T
	: >$T/trace
	if echo 'p:enf_t10/searched btf_nested_type_is_trusted' >>$T/kprobe_events &&
		echo 1 >$T/events/enf_t10/enable; then
		probe=yes
	else
		fail "cannot put a kprobe on btf_nested_type_is_trusted ($T/kprobe_events)"
	fi
fi

# --verifier-stats: what verifying each program cost, one line each and a total.
start_daemon --verifier-stats
if [ -n "$probe" ]; then
	echo 0 >$T/events/enf_t10/enable
	searches=$(grep -c 'searched:' $T/trace)
	echo '-:enf_t10/searched' >>$T/kprobe_events
fi
case $ENFORCER_KERNEL in
bookworm) expect_eq "verifier: 6.1 does not search BTF for loads through trusted pointers" "" "$probe" ;;
trixie)
	if [ -n "$probe" ] && [ "$searches" -le 80 ]; then
		pass "verifier: $searches BTF searches for loads through trusted pointers, at most 80 on trixie"
	else
		fail "verifier: ${searches:-no count of} BTF searches for loads through trusted pointers, over 80 on trixie" \
			"(a plain load of a pointer member through a hook's argument or the current task: UNTRUSTED())"
	fi
	;;
*) fail "verifier: no BTF search ceiling for kernel '$ENFORCER_KERNEL': count them and add it here" ;;
esac
expect_eq "attach: one line with the count of programs the verifier loaded" \
	"$(sed -n 's/^enforcerd: verifier: all \([0-9]*\) programs: .*/\1/p' "$DAEMON_LOG")" \
	"$(sed -n 's/^enforcerd: attach: all \([0-9]*\) programs: [0-9]* ms$/\1/p' "$DAEMON_LOG")"
expect_eq "verifier stats: enf_bprm_check's instruction count is a positive number" yes \
	"$(sed -n 's/^enforcerd: verifier: enf_bprm_check: [0-9]* us, \([0-9]*\) instructions processed$/\1/p' "$DAEMON_LOG" |
		awk '$1 > 0 { print "yes" }')"
expect_eq "verifier stats: one line per program plus the total" \
	"$(sed -n 's/^enforcerd: verifier: all \([0-9]*\) programs: .*/\1/p' "$DAEMON_LOG")" \
	"$(grep -c '^enforcerd: verifier: enf_' "$DAEMON_LOG")"
# Verifying the programs is most of enforcerd's start-up, which every test and every reload pays.
# Its instruction count is deterministic for a kernel, unlike its time: a change that makes the
# programs dearer to verify fails here. Measured: 225,767 on bookworm (6.1), 218,471 on trixie
# (6.12), of which the service manager's check and enf_foreign_root()'s propagation test are
# 20-25k and the match memo's functions (decide.bpf.c) 9-11k; the ceilings left about 8%. Each
# baseline hook since is a program of its own at about 2,550 (the governance check and the event
# writer, verified again in each): with 44 programs, 243,698 and 236,421 (2026-12-06). The
# xattrs word added two programs on 6.1 and four on 6.12 (the ACL hooks): 248,834 and 246,752,
# and the ceilings moved to leave about 3.5%. The capable, sb_remount and locked_down programs
# (256,567 and 254,664) left about 1,400; ptrace-read (a larger ptrace program) and tty-inject's
# two programs on file_ioctl and file_ioctl_compat, which both kernels have (Debian's 6.1 has the
# backport), came to 262,541 and 259,839 (2026-12-06), and the ceilings moved to leave about 2%.
# Signals through file ownership (programs on file_set_fowner and file_fcntl; the ioctl and
# file_send_sigiotask programs verify the recording and the domain check too): 270,015 and
# 268,344, ceilings moved to leave about 2% again. Another process's limits and priorities (four
# programs, task_set*, each verifying the domain check) and /proc/PID and cgroup controller files in
# file_open (two more global functions there), and the rename race check in the walk: 289,054 and
# 288,231 (2026-12-06), ceilings at about 2%. Secure exec of 'from' binaries, then the refusal of
# one steered from outside (a tracer, a seccomp listener, a shared fs_struct), core files under
# 'from' profiles (file_open, path_mknod, path_unlink) and the removal of a protected directory:
# 294,684 and 292,699 (2026-12-07), ceilings moved to leave about 2% again. A file's attributes
# set by ioctl (chattr and the like: setattr on the descriptor's path) put the file decision in
# the two ioctl programs, about 6,200 each: 307,024 and 300,666 (2026-12-07), ceilings at about 2%.
# Quotas, names with another namespace's mount and /sys/fs came to 311,416 and 305,264. The walk's
# rename check by the node's rename sequence (read at both ends of a walk instead of each dentry's
# d_seq after it; a walk that saw a rename is walked again, a second call in each caller): 322,659
# and 319,898 (2026-12-07), for 600-800 instructions less per open at depth 10; ceilings at 2%.
# Direct loads of the walk's inode numbers and mounts where the kernel has bpf_rdonly_cast(): trixie
# 322,798; bookworm 327,419 (the branch the flag rules out is not explored there, but the walk's
# states around the test are more: +4,760). Ceilings at 2%. The service manager told by who made
# the task, not only by its executable's inode (current_manager_exe(): a walk of up to three
# parents, with a cgroup lookup each, in every program that asks whether the task is governed;
# about 2,000 a parent): bookworm 347,740, trixie 348,542 (2026-12-07). The refer rule compared as
# every program 'from' rules name (enf_refer_view(), a global function called once per executable
# from a loop of up to 32 in the rename and link programs; the body inlined in that loop was 148,000
# per program): bookworm 356,327, trixie 354,944; with the refer rule refusing moves under another
# name for a place with rules below it (ENF_IDENT_RULES_BELOW, in inode_restrict() and
# enf_refer_view()): bookworm 358,660, trixie 357,583 (2026-12-07); with file_open taking a
# task's last match without walking (path_memos: the memo's two functions verified by file_open
# alone, a label and a branch in the decision every file hook verifies): bookworm 364,812,
# trixie 368,396 (2026-12-08). Ceilings at 2%.
# Over it, the lines above name each program's count, and lsm-progs/path.bpf.c says what keeps
# them low.
case $ENFORCER_KERNEL in
bookworm) ceiling=372000 ;;
trixie) ceiling=376000 ;;
*) ceiling= ;;
esac
total=$(sed -n 's/^enforcerd: verifier: all [0-9]* programs: [0-9]* ms to load, \([0-9]*\) instructions processed$/\1/p' \
	"$DAEMON_LOG")
if [ -z "$ceiling" ]; then
	fail "verifier: no instruction ceiling for kernel '$ENFORCER_KERNEL': measure it (enforcerd --verifier-stats) and add it here"
elif [ -n "$total" ] && [ "$total" -le "$ceiling" ]; then
	pass "verifier: $total instructions processed for all programs, at most $ceiling on $ENFORCER_KERNEL"
else
	fail "verifier: ${total:-no total of} instructions processed, over the ceiling of $ceiling on $ENFORCER_KERNEL:"
	grep '^enforcerd: verifier:' "$DAEMON_LOG"
fi
compile_and_load web '{"name":"web","mode":"enforce","exec":{"default":"allow","rules":[{"action":"deny","path":"/usr/bin/wget"}]}}'

mkdir -p $CG/t10
out=$(enforcerctl attach web $CG/t10 2>&1)
expect_eq "attach web to $CG/t10" "attached $CG/t10" "$out"

expect_eq "denied exec in the confined cgroup" EPERM "$(in_cgroup $CG/t10 enf-probe exec /usr/bin/wget)"
expect_eq "allowed exec in the confined cgroup (control)" ok "$(in_cgroup $CG/t10 enf-probe exec /usr/bin/curl)"
expect_eq "same binary outside the cgroup (control)" ok "$(enf-probe exec /usr/bin/wget)"

# A child cgroup created after the attach inherits the profile.
mkdir -p $CG/t10/child
expect_eq "denied exec in a descendant cgroup" EPERM "$(in_cgroup $CG/t10/child enf-probe exec /usr/bin/wget)"

# The shell's own exec path (execve from sh) is denied the same way.
out=$(in_cgroup $CG/t10 /usr/bin/wget 2>&1)
expect_contains "direct exec from sh fails with EPERM" "not permitted" "$out"

if wait_for_log '"path":"/usr/bin/wget"'; then
	line=$(grep '"path":"/usr/bin/wget"' "$AUDIT_LOG" | head -n 1)
	echo "audit: $line"
	expect_contains "audit line has verdict deny" '"verdict":"deny"' "$line"
	expect_contains "audit line names the profile" '"profile":"web"' "$line"
	expect_contains "audit line has the hook" '"hook":"bprm_check_security"' "$line"
	expect_contains "audit line has comm" '"comm":"' "$line"
	expect_contains "audit line has pid" '"pid":' "$line"
	expect_contains "audit line names the rule's source line" '"rule":"/tmp/web.json:1:' "$line"
	expect_contains "audit line has errno EPERM" '"errno":1' "$line"
else
	fail "no audit line for /usr/bin/wget in $AUDIT_LOG: $(cat $AUDIT_LOG)"
fi
expect_eq "no audit line for the allowed binary" 0 "$(grep -c '/usr/bin/curl' "$AUDIT_LOG")"

# enforcerctl run: a transient cgroup under the profile, CMD's exit status.
expect_exit "run --profile web -- curl exits 0" 0 enforcerctl run --profile web -- /usr/bin/curl
expect_exit "run --profile web -- wget cannot execute (126)" 126 enforcerctl run --profile web -- /usr/bin/wget
expect_exit "run returns the command's status" 3 enforcerctl run --profile web -- sh -c 'exit 3'
expect_eq "run removed its transient cgroups" "" "$(ls -d $CG/enforcer.run/run-* 2>/dev/null)"

# After detach the same exec succeeds in the same cgroup.
expect_exit "detach $CG/t10" 0 enforcerctl detach $CG/t10
expect_eq "exec allowed after detach" ok "$(in_cgroup $CG/t10 enf-probe exec /usr/bin/wget)"
expect_eq "exec allowed in the child after detach" ok "$(in_cgroup $CG/t10/child enf-probe exec /usr/bin/wget)"

finish
