#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Keys constructed by a helper the kernel runs as root.
#
# request_key(2) with callout text, for a key nobody holds, has the kernel
# run /sbin/request-key as root in the root cgroup, where no profile
# governs; it runs the handler /etc/request-key.conf names for the type and
# description the task chose (keyutils: key.dns_resolver looks up any
# name, a debug script, ...). Any user may ask. Before the fix the helper
# ran for requests from the cgroup, as nobody and as root (seen on bookworm).
# The baseline's "helpers" word now refuses the construction inside
# request_key(2) (hook baseline:key-upcall), told by the syscall's number:
# its low 32 bits, which is what x86-64 runs (a review found the helper
# running for request_key called with bit 32 set). A script stands in for
# /sbin/request-key and records each run.
# Controls: outside the cgroup the helper runs; in the cgroup a search with
# no callout, adding a key and finding it work; the opt-out lets the
# request through and logs it.
# enforcer-test: timeout=240
. /enforcer/tests/integration/lib/lib.sh

T=/tmp/t88
HELPER=/sbin/request-key
rm -rf $T && mkdir -p $T
[ -e $HELPER ] && mv $HELPER $T/request-key.saved
# Its exit 1 leaves the key uninstantiated: the request fails with ENOKEY.
recorder $HELPER $T/upcalls
# On every way out (finish), not only the last line.
finish_cleanup() {
	stop_daemon
	rm -f $HELPER
	if [ -e $T/request-key.saved ]; then mv $T/request-key.saved $HELPER; fi
}
# How many times the helper ran since the last reset.
upcalls() { if [ -f $T/upcalls ]; then grep -c . $T/upcalls; else echo 0; fi; }

expect_eq "a key nobody holds, requested with a callout outside the cgroup" ENOKEY \
	"$(enf-baseline request-key user t88:outside callout)"
expect_eq "...ran the helper (control: the route is real)" 1 "$(upcalls)"
expect_eq "the same, the syscall's number with bit 32 set (control: it is request_key)" ENOKEY \
	"$(enf-baseline request-key-hi user t88:outside-high callout)"
expect_eq "...ran the helper" 2 "$(upcalls)"
rm -f $T/upcalls

start_daemon
PROFILE='"file":{"default":"allow","rules":[{"action":"deny","path":"'$T'/upcalls","access":["write"]}]}'
baseline_pair keys helpers "$PROFILE"
c() { in_cgroup $CG/keys "$@"; }
nobody() { in_cgroup $CG/keys enf-asuser 65534 65534 "$@"; }

expect_eq "the same request as nobody in the cgroup" EPERM "$(nobody enf-baseline request-key user t88:nobody callout)"
expect_eq "the same as root in the cgroup" EPERM "$(c enf-baseline request-key user t88:root callout)"
# x86-64 runs the syscall the low 32 bits of rax name; orig_ax, which the
# check reads, keeps all 64 (found by review: the helper ran before the fix).
expect_eq "the same, the syscall's number with bit 32 set" EPERM \
	"$(nobody enf-baseline request-key-hi user t88:high callout)"
expect_eq "...the helper never ran" 0 "$(upcalls)"
wait_for_log '"hook":"baseline:key-upcall"' || true
expect_contains "the refusal is logged" '"reason":"baseline"' \
	"$(grep '"hook":"baseline:key-upcall"' "$AUDIT_LOG" | grep '"profile":"keys"' | head -n 1)"

# Keys themselves are not refused.
expect_eq "a search with no callout in the cgroup (control)" ENOKEY "$(nobody enf-baseline request-key user t88:none -)"
expect_eq "adding a key in the cgroup, then requesting it with a callout (control)" ok \
	"$(nobody enf-baseline held-key user t88:own)"
expect_eq "...found by the request, no helper (control)" 0 "$(upcalls)"

# Outside the cgroup again, and under the opt-out.
expect_eq "outside the cgroup with the daemon running (control)" ENOKEY \
	"$(enf-baseline request-key user t88:outside2 callout)"
expect_eq "...ran the helper" 1 "$(upcalls)"
rm -f $T/upcalls
expect_eq "the opted-out profile's request" ENOKEY "$(in_cgroup $CG/keysopt enf-baseline request-key user t88:opt callout)"
expect_eq "...ran the helper" 1 "$(upcalls)"
wait_for_log '"profile":"keysopt".*"verdict":"audit"' || true
expect_contains "the opted-out request is logged (audit)" '"verdict":"audit"' \
	"$(grep '"hook":"baseline:key-upcall"' "$AUDIT_LOG" | grep '"profile":"keysopt"' | head -n 1)"

finish
