# SPDX-License-Identifier: GPL-2.0-only
# The two halves of every profile test (tests/system/2x-profile-*.sh):
#
#   profile_works   the service starts under its profile, enforced from its
#                   first instruction (attached before the unit starts), and
#                   passes its functional test with a reload and a restart;
#                   the audit log holds no deny or would-deny of the profile
#                   from all of that.
#   profile_holds   from inside the service's cgroup, as root and as the
#                   service's user (code execution in the workload), each
#                   attack is refused with EPERM and logged with the rule
#                   (FILE:LINE:COLUMN) or the default that refused it, beside
#                   the same operation succeeding outside the cgroup.
#
# Bash; sourced after lib/system.sh and lib/services.sh.

PROBE=/enforcer/tests/guest/enf-probe
NET=/enforcer/tests/guest/enf-net
BASELINE=/enforcer/tests/guest/enf-baseline
HOLDS_DENIED=0
HOLDS_EVENTS=0
HOLDS_HELPERS=0

# log_mark: the audit log's size now, to read what comes after.
log_mark() { stat -c %s "$AUDIT_LOG" 2>/dev/null || echo 0; }

# log_since MARK: the audit log's records written after MARK.
log_since() { tail -c +$(($1 + 1)) "$AUDIT_LOG" 2>/dev/null; }

# profile_load NAME: compile and load /enforcer/policies/NAME.json (its own
# mode: enforce for every shipped profile), replacing an earlier version.
profile_load() {
	local src=/enforcer/policies/$1.json pol=$ENFORCER_TMP/$1.pol out
	if ! out=$(policyc compile "$src" -o "$pol" 2>&1); then
		fail "policyc compile $src: $out"
		return 1
	fi
	if ! out=$(enforcerctl load "$pol" 2>&1); then
		fail "enforcerctl load $1: $out"
		return 1
	fi
	pass "profile $1 loaded ($(grep -o '[0-9]* rules' <<<"$(policyc check "$src")"))"
}

# profile_works PROFILE SERVICE FUNCTIONAL [ARGS]: stop the unit, attach the
# profile to its cgroup (which does not exist while the unit is stopped: the
# attachment follows the path: systemd's set-up there is the manager's, and
# the service's first exec is the profile's), start it, run the functional
# test, count the profile's denials (systemd's set-up makes none).
profile_works() {
	local profile=$1 svc=$2 unit cgroup mark out t0 n
	shift 2
	unit=$(service_unit "$svc")
	cgroup=$(service_cgroup "$svc")
	SVC_UNIT=$unit
	echo "$profile on $(. /etc/os-release; echo "$VERSION_CODENAME") $(uname -r): $(service_packages "$svc")"
	# systemd's set-up of the unit is not governed only when the daemon knows PID 1's
	# executables as the service manager's: it logs each one, and warns when it cannot.
	out=$(journalctl --no-pager -o cat -u enforcerd.service 2>&1 | grep -F 'service manager executable')
	expect_contains "enforcerd knows PID 1 (systemd) as the service manager" \
		"service manager executable: /proc/1/exe (inode " "$out"
	expect_eq "... and warned of no executable it could not find" "" "$(grep -F warning <<<"$out")"
	systemctl stop "$unit"
	profile_load "$profile" || return 1
	# By unit: the attachment follows the unit's cgroup from before systemd creates it,
	# so the profile decides the service's first exec and governs it from there.
	if ! out=$(enforcerctl attach "$profile" --unit "$(service_attach_unit "$svc")" 2>&1); then
		fail "enforcerctl attach $profile --unit $(service_attach_unit "$svc"): $out"
		return 1
	fi
	pass "$profile attached to $(service_attach_unit "$svc") ($cgroup) while $unit is stopped"
	mark=$(log_mark)
	t0=$(date +%s)
	# The functional test only runs on a service that started: a dead one makes clients wait.
	if ! svc_do "systemctl start $unit under $profile (enforce)" systemctl start "$unit" ||
		! service_ready "$svc"; then
		fail "$unit does not run under $profile; the profile's denials:"
		log_since "$mark" | grep -F "\"profile\":\"$profile\"" | grep -F '"verdict":"deny"' | head -n 12 |
			sed 's/^/    /'
		return 1
	fi
	out=$(enforcerctl list 2>&1)
	expect_contains "enforcerctl list: $profile holds $cgroup" "$cgroup" "$out"
	# The main process is in the attached cgroup (below it for PostgreSQL's slice).
	local main
	main=$(systemctl show -P MainPID "$unit")
	out=$(cat "/proc/$main/cgroup" 2>&1)
	expect_contains "$unit's main process ($main) runs in $cgroup" "${cgroup#/sys/fs/cgroup}" "$out"
	"$@"
	echo "functional test under $profile: $(($(date +%s) - t0)) s"
	sleep 1
	n=$(log_since "$mark" | grep -F "\"profile\":\"$profile\"" | grep -cE '"verdict":"(deny|would-deny)"')
	expect_eq "$profile: deny and would-deny records from the functional test" 0 "$n"
	if [ "$n" -ne 0 ]; then
		log_since "$mark" | grep -F "\"profile\":\"$profile\"" | grep -E '"verdict":"(deny|would-deny)"' |
			head -n 20 | sed 's/^/    /'
	fi
	WORKS_DENIALS=$n
}

# profile_release PROFILE SERVICE: detach and unload the profile; the service
# runs on, unconfined, for the tests after this one.
profile_release() {
	local out
	out=$(enforcerctl detach --unit "$(service_attach_unit "$2")" 2>&1) || fail "enforcerctl detach: $out"
	out=$(enforcerctl unload "$1" 2>&1) || fail "enforcerctl unload $1: $out"
}

# other_service_file: OTHER_DATA, a file in another service's data directory
# (PostgreSQL's; for PostgreSQL, redis's), owned by that service.
other_service_file() {
	case $ENFORCER_TEST in
	*postgresql*) OTHER_DATA=/var/lib/redis/enf-secret; chown_to=redis ;;
	*) OTHER_DATA=/var/lib/postgresql/enf-secret; chown_to=postgres ;;
	esac
	echo "another service's secret" >"$OTHER_DATA"
	chown "$chown_to:" "$OTHER_DATA"
	chmod 600 "$OTHER_DATA"
}

# ---- attacks ----------------------------------------------------------------------------

# The user's numbers, for the probes' --as. A profile test runs some forty
# attacks as each user: uid_gid_known USER asks id once, in the calling
# shell, and the uid_gid of every attack after (in a subshell) reads that.
declare -A UID_GID=()
uid_gid_known() { UID_GID[$1]="$(id -u "$1"):$(id -g "$1")"; }
uid_gid() {
	[ -n "${UID_GID[$1]:-}" ] || uid_gid_known "$1"
	echo "${UID_GID[$1]}"
}

# event_of MARK FIELD...: the first record after MARK holding every FIELD
# (JSON text such as '"path":"/etc/shadow"'), or nothing. One awk rather
# than a grep per field: each attack asks this up to five times, and every
# process is tens of milliseconds in the guest. (The fields go through the
# environment, which awk takes as it is; -v would read backslashes.)
event_of() {
	local mark=$1
	shift
	log_since "$mark" | EVENT_FIELDS=$(printf '%s\n' '"type":"event"' "$@") awk '
		BEGIN { n = split(ENVIRON["EVENT_FIELDS"], want, "\n") }
		{ for (i = 1; i <= n; i++) if (!index($0, want[i])) next; print; exit }'
}

# json_field RECORD NAME: the string NAME has in RECORD, or nothing.
json_field() {
	local re="\"$2\":\"([^\"]*)\""
	[[ $1 =~ $re ]] && echo "${BASH_REMATCH[1]}"
}

# rule_of EVENT: "rule FILE:LINE:COLUMN" or "default" from an event record.
rule_of() {
	local r
	r=$(json_field "$1" rule)
	if [ -n "$r" ]; then
		echo "rule $r"
	else
		json_field "$1" reason
	fi
}

# attack WHO DESCRIPTION MATCH PROBE OP ARGS...
#   WHO is root or the service's user. The probe (enf-probe or enf-net) runs
#   the operation once outside the cgroup, the control, which must print
#   "ok", and once inside HOLDS_CGROUP, which must print "EPERM"; the audit
#   log must then hold a deny event of HOLDS_PROFILE with errno 1 and the
#   fields of MATCH ('|'-separated JSON text, e.g. '"path":"/etc/shadow"'),
#   naming the rule FILE:LINE:COLUMN of the profile or its default, or, when
#   MATCH asks for '"reason":"baseline"' or '"reason":"domain"', that reason.
#   ATTACK_RESET, when set, is run after the control (e.g. to remove what it made).
#   ATTACK_ERRNO, when set, is what the kernel makes of the refusal instead
#   of EPERM (/proc turns a refused ptrace check into EACCES).
attack() {
	local who=$1 desc=$2 match=$3 probe=$4 as=() mark out ev r fields=() want=${ATTACK_ERRNO:-EPERM}
	shift 4
	[ "$who" != root ] && as=(--as "$(uid_gid "$who")")
	out=$("$probe" "${as[@]}" "$@" 2>&1)
	if [ "$out" != ok ]; then
		fail "[$who] $desc: the control outside the cgroup must succeed, got '$out'"
		return
	fi
	[ -n "${ATTACK_RESET:-}" ] && eval "$ATTACK_RESET"
	mark=$(log_mark)
	out=$("$probe" --cgroup "$HOLDS_CGROUP" "${as[@]}" "$@" 2>&1)
	if [ "$out" != "$want" ]; then
		fail "[$who] $desc: expected $want inside $HOLDS_CGROUP, got '$out'"
		return
	fi
	HOLDS_DENIED=$((HOLDS_DENIED + 1))
	IFS='|' read -r -a fields <<<"$match"
	# The event is usually in the log within a tenth of a second; the checks
	# back off to the same 3.3 s in all as before.
	for wait in 0.1 0.2 0.4 0.8 1.8; do
		sleep "$wait"
		ev=$(event_of "$mark" "\"profile\":\"$HOLDS_PROFILE\"" '"verdict":"deny"' '"errno":1' "${fields[@]}")
		[ -n "$ev" ] && break
	done
	if [ -z "$ev" ]; then
		fail "[$who] $desc: EPERM, but no deny event with $match after it: $(log_since "$mark" | head -c 1500)"
		return
	fi
	r=$(rule_of "$ev")
	case $r in
	"rule /enforcer/policies/$HOLDS_PROFILE.json:"[0-9]*:[0-9]* | default | baseline | domain)
		if [[ $r = baseline || $r = domain ]] && [[ $match != *"\"reason\":\"$r\""* ]]; then
			fail "[$who] $desc: $want, but from the $r, not the profile: $ev"
			return
		fi
		HOLDS_EVENTS=$((HOLDS_EVENTS + 1))
		pass "[$who] $desc: $want inside, ok outside; $(json_field "$ev" hook) event names the $r" ;;
	*) fail "[$who] $desc: EPERM, but the event names '$r': $ev" ;;
	esac
}
