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

# opt_out_pair NAME WORD BODY: profiles NAME and NAMEopt, enforced, of the
# same BODY (the JSON after the name and mode), the second with the
# baseline's WORD allowed, loaded and attached to CG=/sys/fs/cgroup/NAME and
# CGOPT=/sys/fs/cgroup/NAMEopt: the refusal and its opt-out side by side.
# c CMD... and copt CMD... run CMD in each; opt_out_pair_remove undoes it.
opt_out_pair() {
	local name=$1 word=$2 body=$3 p extra
	CG=/sys/fs/cgroup/$name
	CGOPT=/sys/fs/cgroup/${name}opt
	for p in "$name" "${name}opt"; do
		extra=
		[ "$p" = "$name" ] || extra="\"baseline\":{\"$word\":\"allow\"},"
		printf '{"name":"%s","mode":"enforce",%s%s}\n' "$p" "$extra" "$body" >"$ENFORCER_TMP/$p.json"
		expect_exit "policyc compile $p" 0 policyc compile "$ENFORCER_TMP/$p.json" -o "$ENFORCER_TMP/$p.pol"
		expect_exit "enforcerctl load $p" 0 enforcerctl load "$ENFORCER_TMP/$p.pol"
	done
	mkdir -p "$CG" "$CGOPT"
	expect_exit "attach $name" 0 enforcerctl attach "$name" "$CG"
	expect_exit "attach ${name}opt ($word word allowed)" 0 enforcerctl attach "${name}opt" "$CGOPT"
}
c() { sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' c "$CG" "$@"; }
copt() { sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' c "$CGOPT" "$@"; }
opt_out_pair_remove() {
	enforcerctl detach "$CG" >/dev/null 2>&1
	enforcerctl detach "$CGOPT" >/dev/null 2>&1
	rmdir "$CG" "$CGOPT" 2>/dev/null
}

# loop_filesystem DIR SIZE OPTIONS MKFS...: a filesystem of its own at DIR:
# MKFS... run on a file of SIZE in /var/tmp, mounted at DIR through a loop
# device with OPTIONS (besides loop). finish_cleanup (the test's) calls
# loop_filesystem_remove.
loop_filesystem() {
	local dir=$1 size=$2 opts=$3
	shift 3
	LOOP_IMAGE=/var/tmp/${dir##*/}.img
	LOOP_DIR=$dir
	truncate -s "$size" "$LOOP_IMAGE"
	expect_exit "$1 on a loop file" 0 "$@" "$LOOP_IMAGE"
	mkdir -p "$dir"
	expect_exit "mount it at $dir" 0 mount -o "loop${opts:+,$opts}" "$LOOP_IMAGE" "$dir"
}
loop_filesystem_remove() {
	[ -n "${LOOP_DIR:-}" ] && umount "$LOOP_DIR" 2>/dev/null
	rm -f "${LOOP_IMAGE:-}"
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
