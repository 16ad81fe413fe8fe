# SPDX-License-Identifier: GPL-2.0-only
# Helpers of the network tests (30-net-*), on top of lib.sh: echo servers
# outside every confined cgroup, and one enf-net operation in a cgroup.

# wait_ready FILE WHAT: wait for a server started in the background to
# print "ready" into FILE; a check fails naming WHAT if it does not.
wait_ready() {
	_i=0
	while [ $_i -lt 50 ]; do
		grep -q ready "$1" 2>/dev/null && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	fail "$2 did not start: $(cat "$1")"
}

# serve PROTO ADDR PORT: an echo server (enf-net serve) in the test's own,
# unconfined cgroup; returns once it is bound.
serve() {
	_f="/tmp/serve.$1.$2.$3"
	enf-net serve "$1" "$2" "$3" >"$_f" 2>&1 &
	wait_ready "$_f" "echo server $1 $2 $3"
}

# net CGROUP ARGS...: what `enf-net ARGS...` prints when run in CGROUP
# ("-": in the test's own cgroup, which no profile governs).
net() {
	_cg=$1
	shift
	if [ "$_cg" = - ]; then
		enf-net "$@" 2>&1
	else
		in_cgroup "$_cg" enf-net "$@" 2>&1
	fi
}

# audit_line PATTERN...: the first audit log line containing every pattern
# (waits for the daemon to write it); empty when there is none.
audit_line() {
	_i=0
	while [ $_i -lt 50 ]; do
		_l=$(cat "$AUDIT_LOG" 2>/dev/null)
		for _p in "$@"; do
			_l=$(printf '%s\n' "$_l" | grep -F -- "$_p")
		done
		if [ -n "$_l" ]; then
			printf '%s\n' "$_l" | head -n 1
			return 0
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# expect_audit DESCRIPTION PATTERN...: some audit line has every pattern.
expect_audit() {
	_d=$1
	shift
	if _l=$(audit_line "$@"); then
		pass "$_d"
	else
		fail "$_d: no audit line with: $*; the log: $(tail -n 5 "$AUDIT_LOG" 2>/dev/null)"
	fi
}
