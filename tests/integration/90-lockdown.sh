#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# What the kernel's lockdown refuses root, refused to the tasks a profile
# governs (baseline word "lockdown", hook baseline:lockdown, on the
# locked_down LSM hook). A root in a confined cgroup walks around every
# file rule through the hardware and kernel memory: the disk controller's
# I/O ports (iopl, ioperm, /dev/port) read any sector, /proc/kcore holds
# the page cache (every file's contents), tracefs makes probes that read
# any memory. The guests boot without lockdown, so each is the kernel's
# own answer to root outside the cgroup, and was root's inside it before
# the program existed. Controls: the same as root outside the cgroup; a
# plain file and /proc in the cgroup; the opt-out, logged.
# enforcer-test: timeout=240
. /enforcer/tests/integration/lib/lib.sh

T=/tmp/t90
mkdir -p $T
echo plain >$T/plain
TRACE=/sys/kernel/tracing/trace
[ -e $TRACE ] || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null

start_daemon
PROFILE='"file":{"default":"allow","rules":[{"action":"deny","path":"'$T'/secret","access":["read"]}]}'
baseline_pair lock lockdown "$PROFILE"
c() { in_cgroup $CG/lock "$@"; }

# refused DESC CMD...: CMD as root outside the cgroup (the control), then in it.
# A kernel built without the interface (a cloud flavour) fails the control
# with its own errno: noted, not tried in the cgroup.
refused() {
	desc=$1
	shift
	out=$("$@")
	if [ "$out" != ok ]; then
		echo "note: $desc outside the cgroup: $out (not in this kernel?); not tried in the cgroup"
		return
	fi
	pass "$desc as root outside the cgroup (control)"
	expect_eq "root in the cgroup: $desc" EPERM "$(c "$@")"
	REFUSED=$((REFUSED + 1))
}
REFUSED=0
refused "iopl(3), every I/O port" enf-baseline iopl
refused "ioperm" enf-baseline ioperm
refused "open /dev/port" enf-probe open /dev/port r
refused "open /proc/kcore, the page cache among it" enf-probe open /proc/kcore r
refused "open tracefs's trace" enf-probe open $TRACE r
expect_eq "the kernel had at least the I/O ports and /dev/port (else the test tries nothing)" yes \
	"$([ $REFUSED -ge 2 ] && echo yes || echo "no: $REFUSED")"
expect_eq "root in the cgroup: a plain file (control)" ok "$(c enf-probe open $T/plain r)"
expect_eq "root in the cgroup: /proc/self/status (control)" ok "$(c enf-probe open /proc/self/status r)"
wait_for_log '"profile":"lock","hook":"baseline:lockdown"' || true
expect_contains "the refusals are logged" '"verdict":"deny","reason":"baseline"' \
	"$(grep '"profile":"lock","hook":"baseline:lockdown"' "$AUDIT_LOG" | head -n 1)"

# The opt-out: allowed and logged.
expect_eq "the opted-out profile: iopl(3)" ok "$(in_cgroup $CG/lockopt enf-baseline iopl)"
expect_eq "...and /proc/kcore" ok "$(in_cgroup $CG/lockopt enf-probe open /proc/kcore r)"
wait_for_log '"profile":"lockopt","hook":"baseline:lockdown"' || true
expect_contains "...logged (audit)" '"verdict":"audit","reason":"baseline"' \
	"$(grep '"profile":"lockopt","hook":"baseline:lockdown"' "$AUDIT_LOG" | head -n 1)"
finish
