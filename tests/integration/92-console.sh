#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Input devices (baseline word "console", hook baseline:console):
# reading an event device (/dev/input/event*) gets every key typed at the
# console, a password at the login prompt included; writing one, or making
# a keyboard with /dev/uinput, types into the console (a command into a
# logged-in shell, Alt-SysRq-B). A profile whose file rules allow /dev, or
# a node of the device made before the profile under another name, would
# let a confined root do both. The baseline tells the devices by number
# (character major 13; misc 10:223), whatever the node's name: the nodes
# here are made in /tmp outside the cgroup. Without a driver behind a
# number the kernel answers ENXIO or ENODEV after the LSM: that answer
# outside the cgroup is the control, EPERM inside is the engine's.
# Controls: another character device through a node of its own; the
# opt-out, logged. Where the guest has a real event device, reading it is
# tried too.
# enforcer-test: timeout=180
. /enforcer/tests/integration/lib/lib.sh

start_daemon
baseline_pair input console '"file":{"default":"allow"},"exec":{"default":"allow"}'

D=/tmp/t92
rm -rf $D
mkdir -p $D
mknod $D/event64 c 13 64 # /dev/input/event0's number
mknod $D/mice c 13 63    # /dev/input/mice
mknod $D/js0 c 13 0      # /dev/input/js0
mknod $D/uinput c 10 223 # /dev/uinput
mknod $D/uhid c 10 239   # /dev/uhid
mknod $D/tty0 c 4 0      # the current virtual console
mknod $D/tty1 c 4 1
mknod $D/tty63 c 4 63
mknod $D/console c 5 1   # /dev/console
mknod $D/vcs c 7 0       # /dev/vcs
mknod $D/vcsa1 c 7 129   # /dev/vcsa1
mknod $D/null c 1 3      # /dev/null's number (control)
mknod $D/tty c 5 0       # /dev/tty (control: the task's own terminal)
mknod $D/ptmx c 5 2      # /dev/ptmx (control)
mknod $D/ttyS0 c 4 64    # a serial port (control: not the word's)
chmod 666 $D/*

# Each node: the kernel's own answer outside the cgroup (anything but EPERM), EPERM inside.
for node in event64:r event64:w mice:r js0:r uinput:w uhid:w tty0:r tty1:r tty63:w console:r vcs:r vcsa1:w; do
	path=$D/${node%:*}
	mode=${node#*:}
	out=$(enf-probe open $path $mode)
	if [ "$out" = EPERM ]; then
		fail "$path ($mode) outside the cgroup: EPERM, the control must get the kernel's own answer"
		continue
	fi
	pass "outside the cgroup: $path ($mode) gets the kernel's answer ($out) (control)"
	expect_eq "in the cgroup: the same" EPERM "$(in_cgroup $CG/input enf-probe open $path $mode)"
	expect_eq "in the cgroup as nobody: the same" EPERM \
		"$(in_cgroup $CG/input enf-asuser 65534 65534 enf-probe open $path $mode)"
done
expect_eq "in the cgroup: another character device, through a node of its own (control)" ok \
	"$(in_cgroup $CG/input enf-probe open $D/null w)"
# Their numbers through nodes of their own: the kernel's answer (a ptmx node away from devpts: ENOENT).
for node in tty ptmx ttyS0; do
	out=$(in_cgroup $CG/input enf-probe open $D/$node r)
	if [ "$out" != EPERM ]; then
		pass "in the cgroup: $node's number gets the kernel's answer ($out) (control)"
	else
		fail "in the cgroup: $node's number refused: only the console's devices are the word's"
	fi
done
expect_eq "in the cgroup: /dev/null (control)" ok "$(in_cgroup $CG/input enf-probe open /dev/null r)"
expect_eq "in the cgroup: /dev/ptmx, a new pseudo terminal (control)" ok "$(in_cgroup $CG/input enf-probe open /dev/ptmx w)"

# A real event device, where the guest's kernel has one (an AT keyboard behind evdev).
real=
for e in /dev/input/event*; do
	[ -c "$e" ] && [ "$(enf-probe open "$e" r)" = ok ] && real=$e && break
done
if [ -n "$real" ]; then
	pass "outside the cgroup: reading $real (control)"
	expect_eq "in the cgroup: reading $real" EPERM "$(in_cgroup $CG/input enf-probe open "$real" r)"
else
	echo "note: no event device this guest opens outside the cgroup; the made nodes above stand for it"
fi

wait_for_log '"profile":"input","hook":"baseline:console"' || true
expect_contains "the refusals are logged" '"verdict":"deny","reason":"baseline"' \
	"$(grep '"profile":"input","hook":"baseline:console"' "$AUDIT_LOG" | head -n 1)"

# The opt-out: the kernel's own answer, logged.
out=$(in_cgroup $CG/inputopt enf-probe open $D/event64 r)
if [ -n "$out" ] && [ "$out" != EPERM ]; then
	pass "the opted-out profile: reading the event device gets the kernel's answer ($out)"
else
	fail "the opted-out profile: reading the event device: got '$out'"
fi
wait_for_log '"profile":"inputopt","hook":"baseline:console"' || true
expect_contains "...logged (audit)" '"verdict":"audit","reason":"baseline"' \
	"$(grep '"profile":"inputopt","hook":"baseline:console"' "$AUDIT_LOG" | head -n 1)"
rm -rf $D
finish
