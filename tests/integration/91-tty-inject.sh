#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Typing into a terminal that someone outside the cgroup reads (baseline
# word "tty-inject", hook baseline:tty-inject, on file_ioctl and
# file_ioctl_compat, which both kernels have: Debian's 6.1 has the backport). `enforcerctl run` starts its command in the caller's
# terminal: the command pushes "id" and a newline into the terminal's
# input with TIOCSTI, and the caller's shell, outside every profile, reads
# and runs it once the command exits. The kernel allows TIOCSTI on a
# task's own controlling terminal (unless dev.tty.legacy_tiocsti is 0) and
# on any terminal with CAP_SYS_ADMIN. TIOCLINUX pastes a virtual console's
# selection the same way; its subcode is in the task's memory, so it is
# refused whole. Each attack is the kernel's own answer outside the cgroup
# (the control: the line arrives), then in the cgroup: root, nobody, and
# the 32-bit ioctl. vhangup(2) and the VT keymap ioctls, which need
# CAP_SYS_TTY_CONFIG: the first has the kernel signal the session leader
# (the shell outside), the others remap the keys every console user types.
# Controls: other terminal ioctls in the cgroup; the opt-out, logged.
# enforcer-test: timeout=240
. /enforcer/tests/integration/lib/lib.sh

# Kernels from 6.2 can refuse TIOCSTI to everyone but CAP_SYS_ADMIN; the test is about the engine.
LEGACY=/proc/sys/dev/tty/legacy_tiocsti
SAVED=$(cat $LEGACY 2>/dev/null)
[ -n "$SAVED" ] && echo 1 >$LEGACY

start_daemon
baseline_pair tty tty-inject '"exec":{"default":"allow"}'

expect_eq "root outside the cgroup: TIOCSTI into its terminal, read outside (control)" ok \
	"$(enf-baseline tiocsti - 0)"
expect_eq "root in the cgroup: TIOCSTI into a terminal read outside" EPERM "$(enf-baseline tiocsti $CG/tty 0)"
expect_eq "nobody outside the cgroup: the same (control)" ok "$(enf-baseline tiocsti - 65534)"
expect_eq "nobody in the cgroup: the same" EPERM "$(enf-baseline tiocsti $CG/tty 65534)"
out=$(enf-baseline tiocsti - 0 ia32)
if [ "$out" = ok ]; then
	pass "root outside the cgroup: the 32-bit TIOCSTI (control)"
	expect_eq "root in the cgroup: the 32-bit TIOCSTI" EPERM "$(enf-baseline tiocsti $CG/tty 0 ia32)"
	expect_eq "nobody in the cgroup: the 32-bit TIOCSTI" EPERM "$(enf-baseline tiocsti $CG/tty 65534 ia32)"
else
	fail "the 32-bit TIOCSTI outside the cgroup (control): $out (no IA32 emulation?)"
fi
out=$(enf-baseline tioclinux /dev/tty1)
if [ "$out" = ok ]; then
	pass "root outside the cgroup: TIOCLINUX on /dev/tty1 (control)"
	expect_eq "root in the cgroup: TIOCLINUX on /dev/tty1" EPERM "$(in_cgroup $CG/tty enf-baseline tioclinux /dev/tty1)"
else
	echo "note: TIOCLINUX on /dev/tty1 outside the cgroup: $out (no virtual console in this guest); not tried in the cgroup"
fi
expect_eq "root outside the cgroup: vhangup of a terminal read outside: hung up (control)" ok "$(enf-baseline vhangup -)"
expect_eq "root in the cgroup: vhangup (CAP_SYS_TTY_CONFIG; the kernel signals the session leader)" EPERM \
	"$(enf-baseline vhangup $CG/tty)"
out=$(enf-baseline kdskbent /dev/tty1)
if [ "$out" = ok ]; then
	pass "root outside the cgroup: KDSKBENT on /dev/tty1, a key set to what it was (control)"
	expect_eq "root in the cgroup: KDSKBENT (CAP_SYS_TTY_CONFIG: the keymap every console user types with)" EPERM \
		"$(in_cgroup $CG/tty enf-baseline kdskbent /dev/tty1)"
else
	echo "note: KDSKBENT on /dev/tty1 outside the cgroup: $out (no virtual console in this guest); not tried in the cgroup"
fi
expect_eq "root in the cgroup: a pseudo terminal's number and window size (control)" ok \
	"$(in_cgroup $CG/tty enf-baseline tty-ioctls)"
wait_for_log '"profile":"tty","hook":"baseline:tty-inject"' || true
expect_contains "the refusals are logged" '"verdict":"deny","reason":"baseline"' \
	"$(grep '"profile":"tty","hook":"baseline:tty-inject"' "$AUDIT_LOG" | head -n 1)"

# The opt-out: allowed and logged.
expect_eq "the opted-out profile: TIOCSTI goes ahead" ok "$(enf-baseline tiocsti $CG/ttyopt 0)"
wait_for_log '"profile":"ttyopt","hook":"baseline:tty-inject"' || true
expect_contains "...logged (audit)" '"verdict":"audit","reason":"baseline"' \
	"$(grep '"profile":"ttyopt","hook":"baseline:tty-inject"' "$AUDIT_LOG" | head -n 1)"
[ -n "$SAVED" ] && echo "$SAVED" >$LEGACY
finish
