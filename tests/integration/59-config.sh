#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=600
#
# Declarative configuration (docs/configuration.md) and the service
# manager's notifications (sd_notify):
#  - profiles and attachments (cgroup path, pending path, selector)
#    declared in a configuration directory are in force when READY=1 is
#    sent: a workload started at that instant is already denied; so is the
#    persisted live state after a "reboot";
#  - live edits of declared objects are refused naming the file, live
#    objects beside them work as before;
#  - a reload with a broken file (profile or attachment) changes nothing,
#    not even the valid changes beside the error, and says where; status
#    shows it; a good reload applies, SIGHUP too (RELOADING=1, READY=1);
#  - what /etc no longer declares is removed, unless live attachments
#    still use the profile; a live object /etc comes to declare is taken
#    over; a broken directory at start-up leaves the persisted state in force.
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/lifecycle.sh

for p in wget curl nc; do install_program /usr/bin/$p; done
CONF=/tmp/etc-enforcer
T=$CG/t59
mkdir -p $CONF/profiles $CONF/attachments.d $T/app $T/free $T/live
WEB_V1='{"name": "web", "mode": "enforce",
 "exec": {"default": "allow", "rules": [{"action": "deny", "path": "/usr/bin/wget"}]}}'
WEB_V2='{"name": "web", "mode": "enforce",
 "exec": {"default": "allow", "rules": [{"action": "deny", "path": "/usr/bin/wget"},
                                        {"action": "deny", "path": "/usr/bin/curl"}]}}'
printf '%s\n' "$WEB_V1" >$CONF/profiles/web.json
cat >$CONF/attachments.d/web.conf <<CONF_END
# declared for test 59
web cgroup $T/app
web cgroup $T/later
web selector t59/sel-*
CONF_END

# notify_listener OUT [CMD...]: a NOTIFY_SOCKET for the next daemon; CMD runs at its READY=1.
notify_listener() {
	out=$1
	shift
	rm -f /tmp/notify.sock /tmp/notify.ready "$out"
	if [ $# -gt 0 ]; then
		enf-notify /tmp/notify.sock "$out" --ready /tmp/notify.ready --on-ready "$@" &
	else
		enf-notify /tmp/notify.sock "$out" --ready /tmp/notify.ready &
	fi
	NOTIFY_PID=$!
	wait_file /tmp/notify.ready || fail "enf-notify did not start"
}
wait_line() {   # wait_line FILE PATTERN: until a line matches (10 s)
	i=0
	while [ $i -lt 100 ] && ! grep -q "$2" "$1" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
}
line_of() { grep -n "$2" "$1" | head -n1 | cut -d: -f1; }

# ---- start: READY=1 only once /etc is in force -------------------------------------------------
notify_listener /tmp/notify1.out sh -c "echo \$\$ >$T/app/cgroup.procs && exec enf-probe exec /usr/bin/wget"
export NOTIFY_SOCKET=/tmp/notify.sock
start_daemon --config-dir $CONF
unset NOTIFY_SOCKET
wait_line /tmp/notify1.out on-ready
cat /tmp/notify1.out
expect_contains "a workload started at READY=1 in a declared cgroup is already denied" "on-ready: EPERM" "$(cat /tmp/notify1.out)"
expect_eq "READY=1 sent once" 1 "$(grep -c 'READY=1' /tmp/notify1.out)"
expect_contains "the notifications come from the daemon itself" "pid=$DAEMON_PID READY=1" "$(cat /tmp/notify1.out)"
a=$(line_of /tmp/notify1.out 'STATUS=Applying the configuration')
r=$(line_of /tmp/notify1.out 'READY=1')
if [ -n "$a" ] && [ -n "$r" ] && [ "$a" -lt "$r" ]; then pass "STATUS=Applying the configuration (line $a) before READY=1 (line $r)"; else fail "order of notifications: applying=$a ready=$r"; fi
expect_contains "READY=1 carries a status line" "READY=1|STATUS=Enforcing: 1 profile(s)" "$(cat /tmp/notify1.out)"
expect_eq "the same outside the declared cgroups: allowed (control)" ok "$(in_cgroup $T/free enf-probe exec /usr/bin/wget)"
kill $NOTIFY_PID

out=$(enforcerctl list)
echo "$out"
expect_contains "list: the profile is /etc's" "web  mode=enforce generation=1 rules=1 source=$CONF/profiles/web.json (/etc)" "$out"
expect_contains "list: the attachment names its line" "attached $T/app (cgroup id" "$out"
expect_contains "list: ... declared in FILE:LINE" "declared in $CONF/attachments.d/web.conf:2)" "$out"
expect_contains "list: a declared cgroup that does not exist waits for it" "waiting $T/later" "$out"
expect_contains "list: the selector is declared" "selector t59/sel-* -> web (0 cgroups so far; declared in $CONF/attachments.d/web.conf:4)" "$out"
mkdir $T/later
expect_eq "the pending declared cgroup, created: denied at once" EPERM "$(in_cgroup $T/later enf-probe exec /usr/bin/wget)"
mkdir $T/sel-1
i=0
while [ $i -lt 50 ] && ! enforcerctl list | grep -q "attached $T/sel-1"; do sleep 0.1; i=$((i + 1)); done
expect_eq "the declared selector applies to a new cgroup" EPERM "$(in_cgroup $T/sel-1 enf-probe exec /usr/bin/wget)"
st=$(enforcerctl status)
expect_contains "status: what the configuration declares" "configuration: $CONF declares 1 profile(s), 2 attachment(s), 1 selector(s); in force as written" "$st"

# ---- live edits of declared objects are refused; live objects work --------------------------------
printf '%s\n' "$WEB_V1" >/tmp/web.json
policyc compile /tmp/web.json -o /tmp/web.pol >/dev/null
for cmd in "mode web audit" "load /tmp/web.pol" "unload web --force" "promote web --force" \
	"rule add web exec {\"action\":\"deny\",\"path\":\"/usr/bin/nc\"}" "detach $T/app" \
	"attach web $T/app" "detach --selector t59/sel-*"; do
	# shellcheck disable=SC2086
	out=$(enforcerctl $cmd 2>&1)
	rc=$?
	case "$rc:$out" in
	1:*"is declared in $CONF/"*"Edit that file, then run 'enforcerctl reload'"*) pass "live '$cmd' refused, naming the file" ;;
	*) fail "live '$cmd': exit $rc: $out" ;;
	esac
done
expect_eq "after the refusals: still denied" EPERM "$(in_cgroup $T/app enf-probe exec /usr/bin/wget)"
expect_contains "after the refusals: the generation is unchanged" "web  mode=enforce generation=1 " "$(enforcerctl list)"
compile_and_load live '{"name":"live","mode":"enforce","exec":{"default":"allow","rules":[{"action":"deny","path":"/usr/bin/nc"}]}}'
expect_exit "a live profile is attached live" 0 enforcerctl attach live $T/live
expect_exit "... and edited live" 0 enforcerctl rule add live exec '{"action":"deny","path":"/usr/bin/curl"}'
expect_exit "a live attachment of a declared profile is allowed" 0 enforcerctl attach web $T/free
expect_eq "the live profile denies (control of the refusals)" EPERM "$(in_cgroup $T/live enf-probe exec /usr/bin/nc)"
expect_exit "... and its live attachment can be detached" 0 enforcerctl detach $T/free
expect_contains "list: a live profile is shown as live" "live  mode=enforce generation=" "$(enforcerctl list)"

# ---- a broken reload changes nothing; RELOADING=1 and READY=1 around it ---------------------------
# Hardening keeps the daemon's NOTIFY_SOCKET datagram socket: a listener for the rest of this daemon's life.
notify_listener /tmp/notify2.out
expect_eq "before: curl runs in the declared cgroup" ok "$(in_cgroup $T/app enf-probe exec /usr/bin/curl)"
printf '%s\n' "$WEB_V2" >$CONF/profiles/web.json          # valid: would deny curl
printf 'web cgroup %s/app\nwbe cgroup %s/free\n' $T $T >$CONF/attachments.d/web.conf   # broken: line 2
out=$(enforcerctl reload 2>&1)
rc=$?
expect_eq "reload with a broken attachment file: refused" 1 "$rc"
expect_contains "... saying where (FILE:LINE:COLUMN)" "$CONF/attachments.d/web.conf:2:1: no profile \"wbe\" is declared" "$out"
expect_eq "nothing half-applied: the valid profile change beside the error is not in force" ok "$(in_cgroup $T/app enf-probe exec /usr/bin/curl)"
expect_eq "still denied as before" EPERM "$(in_cgroup $T/app enf-probe exec /usr/bin/wget)"
expect_contains "the selector and the pending path are kept" "selector t59/sel-* -> web" "$(enforcerctl list)"
expect_contains "the generation is unchanged" "web  mode=enforce generation=1 " "$(enforcerctl list)"
st=$(enforcerctl status)
expect_contains "status: the refused reload and why" "LAST RELOAD REFUSED (what was in force before stays): $CONF/attachments.d/web.conf:2:1" "$st"
expect_contains "status: the files differ from what is in force" "changed on disk since then, not applied" "$st"
expect_contains "metrics: a gauge says the last reload was refused" "enforcer_config_last_reload_failed 1" "$(enforcerctl stats --prometheus)"
printf '%s\n' '{"name": "web", "mode": "enforce",' ' "exec": {"default": "allow", "rules": [{"action": "deny", "path": "/usr/bin/wget"},,]}}' >$CONF/profiles/web.json
out=$(enforcerctl reload 2>&1)
rc=$?
expect_eq "reload with a profile syntax error: refused" 1 "$rc"
expect_contains "... with the profile's FILE:LINE:COLUMN" "$CONF/profiles/web.json:2:" "$out"
expect_eq "still denied after the second refusal" EPERM "$(in_cgroup $T/app enf-probe exec /usr/bin/wget)"
wait_line /tmp/notify2.out 'READY=1.*LAST RELOAD FAILED'
cat /tmp/notify2.out
expect_eq "each reload: RELOADING=1" 2 "$(grep -c 'RELOADING=1|MONOTONIC_USEC=' /tmp/notify2.out)"
expect_eq "... then READY=1 (the daemon runs on)" 2 "$(grep -c 'READY=1' /tmp/notify2.out)"
expect_contains "... whose status says the reload failed" "LAST RELOAD FAILED: $CONF/profiles/web.json:2:" "$(cat /tmp/notify2.out)"
kill -0 "$DAEMON_PID" && pass "the daemon is still running" || fail "the daemon died"

# ---- a good reload applies --------------------------------------------------------------------------
printf '%s\n' "$WEB_V2" >$CONF/profiles/web.json
printf 'web cgroup %s/app\nweb cgroup %s/later\nweb selector t59/sel-*\n' $T $T >$CONF/attachments.d/web.conf
out=$(enforcerctl reload 2>&1)
rc=$?
echo "$out"
expect_eq "fixed: reload succeeds" 0 "$rc"
expect_contains "... and says what changed" "profile 'web': replaced by $CONF/profiles/web.json" "$out"
expect_eq "the new rule is in force" EPERM "$(in_cgroup $T/app enf-probe exec /usr/bin/curl)"
expect_contains "status: in force as written again" "in force as written" "$(enforcerctl status)"
expect_contains "metrics: ... and clears once one succeeds" "enforcer_config_last_reload_failed 0" "$(enforcerctl stats --prometheus)"
gen=$(enforcerctl list | sed -n 's/^web  mode=enforce generation=\([0-9]*\) .*/\1/p')
out=$(enforcerctl reload 2>&1)
expect_contains "an unchanged configuration changes nothing" "applied: nothing changed" "$out"
expect_contains "... and keeps the generation" "web  mode=enforce generation=$gen " "$(enforcerctl list)"

# ---- SIGUSR1 only reopens the audit log; SIGHUP reloads too -------------------------------------------
sed -i 's/"mode": "enforce"/"mode": "audit"/' $CONF/profiles/web.json
ready_before=$(grep -c 'READY=1' /tmp/notify2.out)
mv $AUDIT_LOG $AUDIT_LOG.1
kill -USR1 "$DAEMON_PID"
sleep 1
expect_eq "SIGUSR1: the change on disk is not applied (still enforce)" EPERM "$(in_cgroup $T/app enf-probe exec /usr/bin/wget)"
wait_file $AUDIT_LOG 100 && pass "SIGUSR1: the audit log was reopened (the denial went to a new file)" ||
	fail "SIGUSR1: no new audit log: $(ls -l /tmp/audit.log* 2>&1)"
expect_contains "SIGUSR1: status still says the files changed" "changed on disk since then, not applied" "$(enforcerctl status)"
expect_eq "SIGUSR1: no reload notification" "$ready_before" "$(grep -c 'READY=1' /tmp/notify2.out)"
kill -HUP "$DAEMON_PID"
i=0
while [ $i -lt 100 ] && ! enforcerctl list | grep -q "web  mode=audit"; do sleep 0.1; i=$((i + 1)); done
expect_contains "SIGHUP: the mode from the file is in force" "web  mode=audit" "$(enforcerctl list)"
expect_eq "SIGHUP: audit mode lets wget run" ok "$(in_cgroup $T/app enf-probe exec /usr/bin/wget)"
i=0
while [ $i -lt 100 ] && [ "$(grep -c 'READY=1' /tmp/notify2.out)" -le "$ready_before" ]; do sleep 0.1; i=$((i + 1)); done
expect_eq "SIGHUP: RELOADING=1 then READY=1 once more" $((ready_before + 1)) "$(grep -c 'READY=1' /tmp/notify2.out)"
sed -i 's/"mode": "audit"/"mode": "enforce"/' $CONF/profiles/web.json
expect_exit "back to enforce" 0 enforcerctl reload

# ---- removal, and a profile still in live use --------------------------------------------------------
printf 'web cgroup %s/later\nweb selector t59/sel-*\n' $T >$CONF/attachments.d/web.conf
out=$(enforcerctl reload 2>&1)
expect_contains "an attachment no longer declared is removed" "attachment $T/app: removed ($CONF/attachments.d/web.conf:1 no longer declares it)" "$out"
expect_eq "its cgroup is free (control)" ok "$(in_cgroup $T/app enf-probe exec /usr/bin/wget)"
expect_eq "what stays declared is still denied" EPERM "$(in_cgroup $T/later enf-probe exec /usr/bin/wget)"
expect_exit "a live attachment of the declared profile" 0 enforcerctl attach web $T/free
rm $CONF/profiles/web.json $CONF/attachments.d/web.conf
out=$(enforcerctl reload 2>&1)
rc=$?
expect_eq "removing a profile live attachments use: refused" 1 "$rc"
expect_contains "... naming them" "profile 'web' would be unloaded, but live attachments made with enforcerctl use it: $T/free" "$out"
expect_eq "... and nothing changed" EPERM "$(in_cgroup $T/later enf-probe exec /usr/bin/wget)"
expect_exit "detach the live user" 0 enforcerctl detach $T/free
out=$(enforcerctl reload 2>&1)
expect_contains "then the profile goes" "profile web: removed ($CONF/profiles/web.json no longer declares it)" "$out"
expect_eq "nothing of it is left: allowed" ok "$(in_cgroup $T/later enf-probe exec /usr/bin/wget)"
expect_eq "the live profile was left alone" EPERM "$(in_cgroup $T/live enf-probe exec /usr/bin/nc)"

# ---- /etc takes over a live object of the same name ---------------------------------------------------
printf '%s\n' '{"name": "live", "mode": "enforce", "exec": {"default": "allow", "rules": [{"action": "deny", "path": "/usr/bin/wget"}]}}' >$CONF/profiles/live.json
printf 'live cgroup %s/live\n' $T >$CONF/attachments.d/live.conf
out=$(enforcerctl reload 2>&1)
echo "$out"
expect_contains "a live profile /etc now declares is taken over" "it was loaded live before and is /etc's now" "$out"
expect_contains "... and its live attachment" "made live before, now declared at $CONF/attachments.d/live.conf:1" "$out"
expect_eq "the declared version is in force (wget denied)" EPERM "$(in_cgroup $T/live enf-probe exec /usr/bin/wget)"
expect_eq "the live edit it replaced is gone (nc runs)" ok "$(in_cgroup $T/live enf-probe exec /usr/bin/nc)"
expect_exit "now a live edit of it is refused" 1 enforcerctl mode live audit

# ---- a restart, and READY=1 after the persisted state is in force ------------------------------------
compile_and_load keep '{"name":"keep","mode":"enforce","exec":{"default":"allow","rules":[{"action":"deny","path":"/usr/bin/nc"}]}}'
expect_exit "a live attachment, persisted" 0 enforcerctl attach keep $T/free
stop_daemon
wait_line /tmp/notify2.out STOPPING=1
expect_contains "a clean stop says STOPPING=1 and that enforcement stays" "STOPPING=1|STATUS=Stopping; enforcement stays in force" "$(cat /tmp/notify2.out)"
kill $NOTIFY_PID
forget_policy   # what a reboot does to the kernel's policy
expect_eq "the kernel forgot: nc runs in the live cgroup" ok "$(in_cgroup $T/free enf-probe exec /usr/bin/nc)"
printf '%s\n' '{"name": "live", "mode": "enforce", "exec": {"default": "allow", "rules": [{"action": "deny", "path": "/usr/bin/curl"}]}}' >$CONF/profiles/live.json
notify_listener /tmp/notify3.out sh -c "sh -c 'echo \$\$ >$T/free/cgroup.procs && exec enf-probe exec /usr/bin/nc'; sh -c 'echo \$\$ >$T/live/cgroup.procs && exec enf-probe exec /usr/bin/curl'"
export NOTIFY_SOCKET=/tmp/notify.sock
restart_daemon --config-dir $CONF
unset NOTIFY_SOCKET
wait_line /tmp/notify3.out on-ready
cat /tmp/notify3.out
expect_contains "at READY=1 after a reboot: the persisted live attachment denies, and the edited /etc profile too" "on-ready: EPERM EPERM" "$(cat /tmp/notify3.out)"
expect_contains "the file's change was applied at start" "profile 'live': replaced by $CONF/profiles/live.json" "$(cat $DAEMON_LOG)"
kill $NOTIFY_PID

# ---- a broken directory at start-up: the persisted state stays in force --------------------------------
stop_daemon
printf 'live cgroup %s/live extra\n' $T >$CONF/attachments.d/live.conf
restart_daemon --config-dir $CONF
st=$(enforcerctl status)
expect_contains "started with a broken file: status says why" "LAST RELOAD REFUSED (what was in force before stays): $CONF/attachments.d/live.conf:1:" "$st"
expect_eq "... and the persisted state is in force" EPERM "$(in_cgroup $T/live enf-probe exec /usr/bin/curl)"
expect_contains "... with its owner" "live  mode=enforce" "$(enforcerctl list)"
expect_exit "... whose live edit is still refused" 1 enforcerctl unload live --force
chmod 666 $CONF/attachments.d/live.conf
printf 'live cgroup %s/live\n' $T >$CONF/attachments.d/live.conf
out=$(enforcerctl reload 2>&1)
expect_contains "a file others may write is refused" "live.conf: writable by group or others (mode 0666)" "$out"
chmod 644 $CONF/attachments.d/live.conf
expect_exit "fixed: reload" 0 enforcerctl reload
lc_elapsed
finish
