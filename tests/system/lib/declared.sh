# SPDX-License-Identifier: GPL-2.0-only
# Helpers of the system tests of issue 15 (1x-*.sh), on top of system.sh:
# profiles and attachments declared in /etc/enforcer, small units that try
# one operation from inside their own cgroup, and probes run inside a
# running unit's cgroup. The guest helpers (enf-probe, enf-loop) come from
# the payload (/enforcer/tests/guest, on PATH).

ETC=/etc/enforcer
AUDIT_LOG=/var/log/enforcer/audit.log

# declare_profile NAME JSON: /etc/enforcer/profiles/NAME.json.
declare_profile() {
	mkdir -p $ETC/profiles
	printf '%s\n' "$2" >$ETC/profiles/$1.json
	chmod 644 $ETC/profiles/$1.json
}

# declare_attachments NAME LINES: /etc/enforcer/attachments.d/NAME.conf.
declare_attachments() {
	mkdir -p $ETC/attachments.d
	printf '%s\n' "$2" >$ETC/attachments.d/$1.conf
	chmod 644 $ETC/attachments.d/$1.conf
}

# probe_unit NAME [UNIT-LINES] -- ENF-PROBE-ARGS...: a oneshot unit whose
# ExecStart is enf-probe, its one-word outcome in /run/NAME.out.
probe_unit() {
	local name=$1 extra=''
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do extra="$extra$1"$'\n'; shift; done
	shift
	cat >/etc/systemd/system/$name <<UNIT
[Unit]
Description=enforcer test: enf-probe $*
$extra
[Service]
Type=oneshot
ExecStart=/enforcer/tests/guest/enf-probe $*
StandardOutput=file:/run/$name.out
UNIT
	systemctl daemon-reload
}

# run_probe_unit NAME: start it (it runs to its end) and print what the probe printed.
run_probe_unit() {
	rm -f /run/$1.out
	systemctl start $1 >/dev/null 2>&1
	if [ -s /run/$1.out ]; then
		cat /run/$1.out
		return
	fi
	echo "(no output: $(systemctl is-failed $1))"
	# Why, for the failed check's reader (stderr: not part of the outcome).
	{
		journalctl --no-pager -o cat -u $1 -n 8
		tail -n 4 $AUDIT_LOG
	} 2>&1 | sed "s/^/    $1: /" >&2
}

# in_unit CGROUP CMD...: CMD as a process of a unit's cgroup (a path below /sys/fs/cgroup).
in_unit() {
	sh -c 'echo $$ >"/sys/fs/cgroup/$1/cgroup.procs" && shift && exec "$@"' in_unit "$@"
}

# reload_enforcer: systemctl reload enforcerd; its exit status.
reload_enforcer() {
	systemctl reload enforcerd.service >/tmp/reload.out 2>&1
}

# audit_lines: how many lines the audit log has now (for audit_has_since).
audit_lines() {
	wc -l <$AUDIT_LOG 2>/dev/null || echo 0
}

# audit_has_since N PATTERN: a line after the first N matches PATTERN (the
# daemon writes asynchronously: waits up to 10 s).
audit_has_since() {
	local i=0
	while [ $i -lt 50 ]; do
		tail -n +$(($1 + 1)) $AUDIT_LOG 2>/dev/null | grep -q -- "$2" && return 0
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}

# ready_enforcer: the package installed and the daemon answering (loading takes long under TCG).
ready_enforcer() {
	local state end
	install_enforcer || finish
	if ! state=$(wait_active enforcerd.service 400); then
		fail "enforcerd is $state, not active"
		unit_log enforcerd.service
		finish
	fi
	end=$(($(date +%s) + 60))
	until enforcerctl status >/dev/null 2>&1; do
		[ "$(date +%s)" -lt $end ] || { fail "enforcerctl status does not answer"; finish; }
		sleep 1
	done
}
