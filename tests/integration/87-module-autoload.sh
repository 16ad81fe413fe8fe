#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Kernel modules loaded on a confined task's behalf.
#
# The baseline's "modules" word refuses init_module and finit_module to a
# confined task. But the kernel loads modules for any task that asks for
# something no module has registered yet: it runs modprobe (a usermode
# helper, as root, in the root cgroup, where no profile governs) with a
# name made from the request. Any user gets net-pf-N for a socket of an
# unregistered family; root gets netdev-NAME and then the module NAME
# itself, any installed module, for an interface that does not exist
# (ioctl SIOCGIFINDEX; CAP_SYS_MODULE). That is how exploits load the
# vulnerable module they need. Before the fix both went through from the
# cgroup (seen on bookworm). The baseline now refuses the request itself
# (kernel_module_request, hook baseline:module-request, same word).
# modprobe is replaced here by a script that records what it was asked
# for, so the test sees each request the kernel made.
# Controls: the same requests outside the cgroup reach modprobe; a socket
# of a registered family in the cgroup works; the opt-out lets the request
# through and logs it.
# enforcer-test: timeout=240
. /enforcer/tests/integration/lib/lib.sh

T=/tmp/t87
rm -rf $T && mkdir -p $T
MODPROBE=$(cat /proc/sys/kernel/modprobe)
# Its exit 1 is modprobe's for a module it cannot find: the kernel then asks for the next name.
recorder $T/modprobe $T/requests
echo $T/modprobe >/proc/sys/kernel/modprobe
# On every way out (finish), not only the last line: the guest's later tests load modules.
finish_cleanup() {
	stop_daemon
	echo "$MODPROBE" >/proc/sys/kernel/modprobe
}
# AF_DECnet: gone from both kernels, so never registered: each socket asks again.
FAMILY=12
# How many requests for a name ending in $1 modprobe got (grep -c prints 0 for none).
asked() { if [ -f $T/requests ]; then grep -c -- "$1\$" $T/requests; else echo 0; fi; }

# The route: outside the cgroup, each request reaches modprobe.
expect_eq "a socket of an unregistered family, outside the cgroup" EAFNOSUPPORT "$(enf-net create $FAMILY dgram)"
expect_eq "...asked modprobe for net-pf-$FAMILY (control: the route is real)" 1 "$(asked "net-pf-$FAMILY")"
expect_eq "an interface that does not exist, outside the cgroup" ENODEV "$(enf-net ifindex t87mod)"
expect_eq "...asked modprobe for netdev-t87mod" 1 "$(asked netdev-t87mod)"
expect_eq "...and for the module t87mod itself (any module name)" 1 "$(asked " t87mod")"
rm -f $T/requests

start_daemon
PROFILE='"file":{"default":"allow","rules":[{"action":"deny","path":"'$T'/requests","access":["write"]}]}'
baseline_pair mods modules "$PROFILE"
c() { in_cgroup $CG/mods "$@"; }
nobody() { in_cgroup $CG/mods enf-asuser 65534 65534 "$@"; }

# In the cgroup: the request never reaches modprobe.
expect_eq "a socket of an unregistered family, as nobody in the cgroup" EAFNOSUPPORT \
	"$(nobody enf-net create $FAMILY dgram)"
expect_eq "...asked modprobe for nothing" 0 "$(asked "net-pf-$FAMILY")"
expect_eq "the same, as root in the cgroup" EAFNOSUPPORT "$(c enf-net create $FAMILY dgram)"
expect_eq "...asked modprobe for nothing" 0 "$(asked "net-pf-$FAMILY")"
expect_eq "an interface that does not exist, as root in the cgroup" ENODEV "$(c enf-net ifindex t87mod)"
expect_eq "...asked modprobe for nothing" 0 "$(asked t87mod)"
wait_for_log '"hook":"baseline:module-request"' || true
expect_contains "the refusal is logged" '"reason":"baseline"' \
	"$(grep '"hook":"baseline:module-request"' "$AUDIT_LOG" | grep '"profile":"mods"' | head -n 1)"
expect_eq "a socket of a registered family in the cgroup (control)" ok "$(nobody enf-net create inet dgram)"

# Outside the cgroup again, and under the opt-out.
rm -f $T/requests
expect_eq "outside the cgroup with the daemon running (control)" EAFNOSUPPORT "$(enf-net create $FAMILY dgram)"
expect_eq "...asked modprobe" 1 "$(asked "net-pf-$FAMILY")"
rm -f $T/requests
expect_eq "the opted-out profile's request" ENODEV "$(in_cgroup $CG/modsopt enf-net ifindex t87opt)"
expect_eq "...reached modprobe" 1 "$(asked " t87opt")"
wait_for_log '"profile":"modsopt".*"verdict":"audit"' || true
expect_contains "the opted-out request is logged (audit)" '"verdict":"audit"' \
	"$(grep '"hook":"baseline:module-request"' "$AUDIT_LOG" | grep '"profile":"modsopt"' | head -n 1)"

finish
