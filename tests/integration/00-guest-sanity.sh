#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The guest offers what every other integration test takes for granted:
# BPF LSM active, BTF, cgroup v2, bpffs, and the enforcer binaries. If this
# fails, the failures after it are about the environment, not enforcer.

failed=0
check() {
	desc=$1
	shift
	if "$@"; then
		echo "ok: $desc"
	else
		echo "FAILED: $desc"
		failed=$((failed + 1))
	fi
}

lsm=$(cat /sys/kernel/security/lsm 2>/dev/null)
echo "active LSMs: $lsm"
check "bpf is in /sys/kernel/security/lsm" sh -c 'case ",$1," in *,bpf,*) ;; *) exit 1 ;; esac' _ "$lsm"
check "/sys/kernel/btf/vmlinux exists" test -s /sys/kernel/btf/vmlinux
check "cgroup2 mounted at /sys/fs/cgroup" grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts
check "/sys/fs/cgroup/cgroup.controllers exists" test -e /sys/fs/cgroup/cgroup.controllers
check "bpffs mounted at /sys/fs/bpf" grep -q ' /sys/fs/bpf bpf ' /proc/mounts
check "securityfs mounted at /sys/kernel/security" grep -q ' /sys/kernel/security securityfs ' /proc/mounts

# The daemon is what every other test exercises: it must be there. The
# others are checked when built, and must then at least start (shared
# libraries complete).
check "/enforcer/bin/enforcerd is in the initramfs" test -x /enforcer/bin/enforcerd
for b in enforcerctl policyc; do
	if [ -e "/enforcer/bin/$b" ]; then
		check "/enforcer/bin/$b is executable" test -x "/enforcer/bin/$b"
	else
		echo "note: /enforcer/bin/$b not built"
	fi
done
for b in /enforcer/bin/*; do
	[ -x "$b" ] || continue
	# The dynamic loader resolves every library before main(); exit status
	# 127 from it (or a missing loader) means the initramfs lacks a library.
	# timeout: a binary that ignores --help must not hang this test.
	timeout 10 "$b" --help >/dev/null 2>&1 </dev/null
	rc=$?
	check "${b##*/} starts (libraries complete, exit $rc)" test "$rc" -ne 127
done

echo "$failed check(s) failed"
[ "$failed" -eq 0 ]
