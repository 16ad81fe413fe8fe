# SPDX-License-Identifier: GPL-2.0-only
# Shared by the integration tests (busybox sh, inside the guest): the checks
# (pass, fail, expect_*, finish) of tests/lib/checks.sh, and the daemon run
# by hand. finish() stops a daemon start_daemon left running.

. /enforcer/tests/lib/checks.sh

AUDIT_LOG=/tmp/audit.log
DAEMON_LOG=/tmp/enforcerd.log
DAEMON_PID=
CG=/sys/fs/cgroup
ENF_SOCKET=/run/enforcer/enforcer.sock   # ENF_SOCKET_DEFAULT in common/protocol.h
# Per test: /tmp is wiped between tests, so no test restores another's profiles.
STATE_DIR=/tmp/enforcer-state

# wait_daemon: until the daemon answers (or it died); 0 when it answers.
# Loading every program takes seconds under TCG (mostly the verifier), a
# minute and more when other guests share the host's CPUs. The guest has one
# CPU, and each enforcerctl run costs tens of milliseconds of it: asked every
# 0.1 s while the programs load, it took a third of a start on 6.1 (7.5 s
# against 4.6 s waiting for sd_notify's READY=1 instead). So it is asked
# once the control socket exists (the daemon binds it after loading, just
# before it is ready; a socket left by a killed daemon only brings the
# asking every 0.1 s back).
wait_daemon() {
	i=0
	while [ $i -lt 900 ]; do
		[ -S "$ENF_SOCKET" ] && enforcerctl status >/dev/null 2>&1 && return 0
		kill -0 "$DAEMON_PID" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

start_daemon() {
	rm -f "$AUDIT_LOG"
	t0_daemon=$(cut -d' ' -f1 /proc/uptime)
	enforcerd --audit-log "$AUDIT_LOG" --state-dir "$STATE_DIR" "$@" >"$DAEMON_LOG" 2>&1 &
	DAEMON_PID=$!
	if wait_daemon; then
		pass "enforcerd started (pid $DAEMON_PID, $(awk -v a="$t0_daemon" -v b="$(cut -d' ' -f1 /proc/uptime)" \
			'BEGIN { printf "%.1f", b - a }') s)"
		return 0
	fi
	fail "enforcerd did not start; its log:"
	cat "$DAEMON_LOG"
	finish
}

stop_daemon() {
	[ -n "$DAEMON_PID" ] || return 0
	kill "$DAEMON_PID" 2>/dev/null
	wait "$DAEMON_PID" 2>/dev/null
	DAEMON_PID=
}

# compile_and_load NAME JSON: write /tmp/NAME.json, compile it, load it.
compile_and_load() {
	printf '%s\n' "$2" >"/tmp/$1.json"
	if ! out=$(policyc compile "/tmp/$1.json" -o "/tmp/$1.pol" 2>&1); then
		fail "policyc compile $1: $out"
		finish
	fi
	if ! out=$(enforcerctl load "/tmp/$1.pol" 2>&1); then
		fail "enforcerctl load $1: $out"
		finish
	fi
	pass "compiled and loaded profile $1"
}

# baseline_pair NAME WORD BODY: the baseline tests' two profiles, NAME
# (enforce, with BODY's sections) attached to $CG/NAME, and NAMEopt (the
# same, opted out of baseline word WORD) attached to $CG/NAMEopt.
baseline_pair() {
	compile_and_load "$1" '{"name":"'"$1"'","mode":"enforce",'"$3"'}'
	compile_and_load "$1opt" '{"name":"'"$1"'opt","mode":"enforce","baseline":{"'"$2"'":"allow"},'"$3"'}'
	mkdir -p "$CG/$1" "$CG/$1opt"
	expect_exit "attach $1" 0 enforcerctl attach "$1" "$CG/$1"
	expect_exit "attach $1opt (opted out of $2)" 0 enforcerctl attach "$1opt" "$CG/$1opt"
}

# recorder PATH LOG: a script at PATH standing in for a helper the kernel
# runs as root (modprobe, /sbin/request-key): it appends its arguments to
# LOG and exits 1, as a helper that found nothing does.
recorder() {
	printf '#!/bin/sh\necho "$*" >>%s\nexit 1\n' "$2" >"$1"
	chmod 755 "$1"
}

# in_cgroup DIR CMD...: run CMD as a process of cgroup DIR.
in_cgroup() {
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' in_cgroup "$@"
}

# A stand-in program at PATH: a copy of enf-probe, which prints "ran NAME".
install_program() {
	rm -f "$1"
	mkdir -p "${1%/*}"
	cp /enforcer/tests/guest/enf-probe "$1"
	chmod 755 "$1"
}

# expect_each WANT LABEL NAMES WORDS: one check per name, NAMES and WORDS
# (enf-probe ioctl's line: one word per request) taken in step; a missing
# word fails its name.
expect_each() {
	_want=$1 _label=$2 _words=$4
	for _name in $3; do
		_got=${_words%% *}
		[ "$_words" = "${_words#* }" ] && _words= || _words=${_words#* }
		expect_eq "$_name: $_label" "$_want" "$_got"
	done
}

# wait_for_log PATTERN: the audit log is written asynchronously by the daemon.
wait_for_log() {
	i=0
	while [ $i -lt 50 ]; do
		grep -q "$1" "$AUDIT_LOG" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# shell_reads_twice CGROUP FILE: a busybox shell in CGROUP reads FILE (the
# first decision of its life: its executable identity is resolved there),
# then waits; shell_reads_again lets it read FILE once more, with whatever
# happened meanwhile (an edit, a restart), and prints "first=ok|denied
# second=ok|denied". One shell at a time.
# status_counter NAME: the kernel or daemon counter NAME from enforcerctl --json status (empty when absent).
status_counter() {
	enforcerctl --json status | tr -d ' \n' | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"
}

shell_reads_twice() {
	rm -f /tmp/shell-twice.go
	mkfifo /tmp/shell-twice.go
	in_cgroup "$1" /bin/busybox sh -c 'if read x <"$1"; then echo first=ok; else echo first=denied; fi
		read x </tmp/shell-twice.go
		if read x <"$1"; then echo second=ok; else echo second=denied; fi' shell-twice "$2" \
		>/tmp/shell-twice.out 2>/dev/null &
	SHELL_TWICE=$!
	sleep 1
}

shell_reads_again() {
	echo go >/tmp/shell-twice.go
	wait "$SHELL_TWICE"
	echo $(cat /tmp/shell-twice.out)
}

# memo_reader CGROUP FILE [AFTER]: a busybox shell in CGROUP reads FILE
# twice (a match is kept at a name's second match in a row), waits for
# "go" on a fifo it opened first (no open in between, so its last match is
# FILE's), and reads AFTER (default FILE); memo_reader_go lets it, after
# whatever the test changed meanwhile, and prints "first=ok|denied
# second=ok|denied" (first: the second read of FILE). One at a time.
memo_reader() {
	rm -f /tmp/memo-reader.go /tmp/memo-reader.out
	mkfifo /tmp/memo-reader.go
	in_cgroup "$1" /bin/busybox sh -c 'exec 3<>/tmp/memo-reader.go
		read x <"$1"
		if read x <"$1"; then echo first=ok; else echo first=denied; fi
		read x <&3
		if read x <"$2"; then echo second=ok; else echo second=denied; fi' memo-reader "$2" "${3:-$2}" \
		>/tmp/memo-reader.out 2>/dev/null &
	MEMO_READER=$!
	local i=0
	while [ ! -s /tmp/memo-reader.out ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	[ -s /tmp/memo-reader.out ] || fail "the reader did not read $2 within 10 s"
}

memo_reader_go() {
	echo go >/tmp/memo-reader.go
	local i=0
	while ! grep -q second= /tmp/memo-reader.out && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	wait "$MEMO_READER"
	echo $(cat /tmp/memo-reader.out)
}

# memo_taken CGROUP FILE EXPECTED WHAT: the control of a memo test. With
# nothing changed, the read after the wait answers EXPECTED and takes the
# kept match (matches_memoized grows).
memo_taken() {
	local before after
	before=$(status_counter matches_memoized)
	memo_reader "$1" "$2"
	expect_eq "$4, again with nothing changed (control)" "$3" "$(memo_reader_go)"
	after=$(status_counter matches_memoized)
	if [ "${after:-0}" -gt "${before:-0}" ]; then
		pass "$4: the read after the wait took the kept match (matches_memoized $before -> $after)"
	else
		fail "$4: matches_memoized did not grow ($before -> $after): the kept match was not taken"
	fi
}

# ext2_on_loop IMAGE MB DIR: an MB-megabyte ext2 file system in IMAGE on a
# loop device (its name in LOOP_DEV), mounted at DIR; ext2_off_loop DIR
# undoes it. The initramfs and tmpfs keep every dentry; ext2 lets them go
# (drop_caches) and has a block device of its own. busybox mke2fs needs the
# device, not the file. 0, or a failed check and non-zero.
ext2_on_loop() {
	local mod out
	mod=/enforcer/modules/$(uname -r)/loop.ko
	if [ ! -e /dev/loop-control ] && ! insmod "$mod"; then
		fail "insmod $mod"
		return 1
	fi
	dd if=/dev/zero of="$1" bs=1M count="$2" 2>/dev/null
	if ! LOOP_DEV=$(losetup -f) || ! losetup "$LOOP_DEV" "$1"; then
		fail "losetup $1"
		return 1
	fi
	if ! out=$(mke2fs -q "$LOOP_DEV" 2>&1); then
		fail "mke2fs $LOOP_DEV: $out"
		return 1
	fi
	mkdir -p "$3"
	mount -t ext2 "$LOOP_DEV" "$3" || { fail "mount ext2 $LOOP_DEV on $3"; return 1; }
}

ext2_off_loop() { umount "$1" && losetup -d "$LOOP_DEV"; }

finish_cleanup() { stop_daemon; }
