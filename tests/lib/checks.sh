# SPDX-License-Identifier: GPL-2.0-only
# The checks every guest test uses (POSIX sh: busybox in the initramfs
# guests, bash or dash in the system guests). Each check prints "ok: ..."
# or "FAIL: ..."; finish() exits non-zero if any check failed or none ran,
# so the harness's per-test verdict rests on every check.

FAILS=0
CHECKS=0

pass() { CHECKS=$((CHECKS + 1)); echo "ok: $*"; }
fail() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "FAIL: $*"; }

# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1 ($3)"; else fail "$1: expected '$2', got '$3'"; fi
}

# expect_contains DESCRIPTION NEEDLE HAYSTACK
expect_contains() {
	case "$3" in
	*"$2"*) pass "$1" ;;
	*) fail "$1: '$2' not found in: $3" ;;
	esac
}

# expect_exit DESCRIPTION CODE CMD...: run CMD, compare its exit status.
expect_exit() {
	desc=$1 want=$2
	shift 2
	"$@" >/tmp/expect_exit.out 2>&1
	rc=$?
	if [ "$rc" = "$want" ]; then
		pass "$desc (exit $rc)"
	else
		fail "$desc: expected exit $want, got $rc; output: $(cat /tmp/expect_exit.out)"
	fi
}

# finish: the summary line and the verdict. A library with something to
# undo first (a daemon it started) defines finish_cleanup.
finish() {
	if command -v finish_cleanup >/dev/null 2>&1; then finish_cleanup; fi
	echo "$CHECKS checks, $FAILS failed"
	[ "$FAILS" -eq 0 ] && [ "$CHECKS" -gt 0 ]
	exit $?
}
