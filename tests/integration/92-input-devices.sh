#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Input devices (baseline word "input-devices", hook baseline:input-device):
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
baseline_pair input input-devices '"file":{"default":"allow"},"exec":{"default":"allow"}'

D=/tmp/t92
rm -rf $D
mkdir -p $D
mknod $D/event64 c 13 64 # /dev/input/event0's number
mknod $D/mice c 13 63    # /dev/input/mice
mknod $D/js0 c 13 0      # /dev/input/js0
mknod $D/uinput c 10 223 # /dev/uinput
mknod $D/null c 1 3      # /dev/null's number (control)
chmod 666 $D/*

# Each node: the kernel's own answer outside the cgroup (anything but EPERM), EPERM inside.
for node in event64:r event64:w mice:r js0:r uinput:w; do
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
expect_eq "in the cgroup: /dev/null (control)" ok "$(in_cgroup $CG/input enf-probe open /dev/null r)"

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

wait_for_log '"profile":"input","hook":"baseline:input-device"' || true
expect_contains "the refusals are logged" '"verdict":"deny","reason":"baseline"' \
	"$(grep '"profile":"input","hook":"baseline:input-device"' "$AUDIT_LOG" | head -n 1)"

# The opt-out: the kernel's own answer, logged.
out=$(in_cgroup $CG/inputopt enf-probe open $D/event64 r)
if [ -n "$out" ] && [ "$out" != EPERM ]; then
	pass "the opted-out profile: reading the event device gets the kernel's answer ($out)"
else
	fail "the opted-out profile: reading the event device: got '$out'"
fi
wait_for_log '"profile":"inputopt","hook":"baseline:input-device"' || true
expect_contains "...logged (audit)" '"verdict":"audit","reason":"baseline"' \
	"$(grep '"profile":"inputopt","hook":"baseline:input-device"' "$AUDIT_LOG" | head -n 1)"
rm -rf $D
finish
