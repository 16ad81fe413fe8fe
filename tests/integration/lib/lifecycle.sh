# SPDX-License-Identifier: GPL-2.0-only
# Helpers of the lifecycle tests (5x-*), on top of lib.sh.

PIN_DIR=/sys/fs/bpf/enforcer

# restart_daemon [ARGS]: start again on the same audit log, state and pins
# (a restart, not a fresh start; start_daemon would remove the audit log).
restart_daemon() {
	echo "--- restart" >>"$DAEMON_LOG"
	t0=$(cut -d' ' -f1 /proc/uptime)
	enforcerd --audit-log "$AUDIT_LOG" --state-dir "$STATE_DIR" "$@" >>"$DAEMON_LOG" 2>&1 &
	DAEMON_PID=$!
	if wait_daemon; then
		pass "enforcerd restarted (pid $DAEMON_PID, $(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" \
			'BEGIN { printf "%.1f", b - a }') s)"
	else
		fail "enforcerd did not restart; its log:"
		cat "$DAEMON_LOG"
		finish
	fi
}

# kill9_daemon: SIGKILL, as a crash would.
kill9_daemon() {
	kill -9 "$DAEMON_PID" 2>/dev/null
	wait "$DAEMON_PID" 2>/dev/null
	DAEMON_PID=
}

# wait_file FILE [TENTHS]: until FILE exists; 0 when it does.
wait_file() {
	i=0
	while [ $i -lt "${2:-100}" ]; do
		[ -e "$1" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# count OUTFILE OP FIELD: a counter from enf-loop's output ("OP ok=N eperm=N other=N").
count() {
	awk -v op="$2" -v f="$3" '$1 == op { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] } }' "$1"
}

# prog_count NAME: programs of that name loaded in the kernel (bpftool).
prog_count() {
	bpftool prog show 2>/dev/null | grep -c " name $1 "
}

# wait_detached: the kernel detaches a program once the last reference to its
# link is dropped, in deferred work; wait until no engine program is left.
wait_detached() {
	i=0
	while [ $i -lt 100 ] && [ "$(prog_count enf_bprm_check)" != 0 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# lc_elapsed: how long the test has run (guest time), for the record.
LC_T0=$(cut -d' ' -f1 /proc/uptime)
lc_elapsed() {
	echo "test time: $(awk -v a="$LC_T0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }') s (guest, TCG)"
}

# forget_policy: what a reboot does to the kernel's policy, without the
# verifier run a fresh load would cost (the first start of every test is
# one): every policy map emptied; the programs stay pinned and attached.
forget_policy() {
	maps=
	for m in profiles attachments path_trie path_trie_long from_rules inodes net_rules; do
		[ -e $PIN_DIR/maps/$m ] && maps="$maps $PIN_DIR/maps/$m"
	done
	# shellcheck disable=SC2086
	r=$(enf-self bpf-clear $maps)
	[ "$r" = ok ] || fail "cannot empty the policy maps: $r"
}

# setup_web CGROUP [DAEMON-ARGS]: the usual start: /usr/bin/wget denied,
# /usr/bin/curl allowed, profile 'web' in enforce mode attached to CGROUP.
WEB_PROFILE='{"name":"web","mode":"enforce","exec":{"default":"allow","rules":[{"action":"deny","path":"/usr/bin/wget"}]}}'
setup_web() {
	cg=$1
	shift
	install_program /usr/bin/wget
	install_program /usr/bin/curl
	start_daemon "$@"
	compile_and_load web "$WEB_PROFILE"
	mkdir -p "$cg"
	expect_exit "attach web to $cg" 0 enforcerctl attach web "$cg"
}
