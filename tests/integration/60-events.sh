#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=300
#
# The audit log's records (docs/events.md): an event for each deny,
# would-deny and audit, with the fields issue 7 lists (type, executable
# path, cgroup path, the rule's file:line), every record valid against
# docs/events.schema.json; the log survives rotation (SIGHUP); and the
# syslog destination carries the same records.
. /enforcer/tests/integration/lib/lib.sh

SCHEMA=/enforcer/docs/events.schema.json
mkdir -p /srv/ev /opt/ev/bin
echo s >/srv/ev/secret
echo w >/srv/ev/watched
echo p >/srv/ev/public
install_program /opt/ev/bin/denied
install_program /opt/ev/bin/tool
cp /enforcer/tests/guest/enf-net /opt/ev/bin/netcall

start_daemon
compile_and_load ev '{"name":"ev","mode":"enforce",
 "exec":{"default":"allow","rules":[{"action":"deny","path":"/opt/ev/bin/denied"}]},
 "file":{"default":"allow","rules":[{"action":"deny","path":"/srv/ev/secret","access":["read"]},
  {"action":"audit","path":"/srv/ev/watched","access":["read"]}]},
 "network":{"default":"allow","rules":[{"action":"deny","op":["connect"],"addr":"127.0.0.1/32","ports":[9]}]}}'
mkdir -p $CG/t60/app
expect_exit "attach" 0 enforcerctl attach ev $CG/t60

# ---- one event per decision, with its fields --------------------------------------
expect_eq "read of the denied file" EPERM "$(in_cgroup $CG/t60/app /opt/ev/bin/tool open /srv/ev/secret r)"
expect_eq "read of another file (control)" ok "$(in_cgroup $CG/t60/app /opt/ev/bin/tool open /srv/ev/public r)"
expect_eq "read of the audited file runs" ok "$(in_cgroup $CG/t60/app /opt/ev/bin/tool open /srv/ev/watched r)"
expect_eq "exec of the denied program" EPERM "$(in_cgroup $CG/t60/app enf-probe exec /opt/ev/bin/denied)"
expect_eq "connect to the denied port" EPERM "$(in_cgroup $CG/t60/app /opt/ev/bin/netcall connect tcp 127.0.0.1 9)"
wait_for_log '"hook":"socket_connect"' || fail "no socket_connect event"

line=$(grep '"path":"/srv/ev/secret"' "$AUDIT_LOG" | head -n1)
expect_contains "the record is an event" '"type":"event"' "$line"
expect_contains "the executable path, resolved by the kernel" '"exe":"/opt/ev/bin/tool"' "$line"
expect_contains "the cgroup path" '"cgroup":"/t60/app"' "$line"
expect_contains "the rule's file:line:column" '"rule":"/tmp/ev.json:3:' "$line"
expect_contains "the errno" '"errno":1' "$line"
line=$(grep '"path":"/srv/ev/watched"' "$AUDIT_LOG" | head -n1)
expect_contains "audit rule: an audit event, errno 0" '"verdict":"audit"' "$line"
expect_contains "audit event: its rule" '"rule":"/tmp/ev.json:4:' "$line"
line=$(grep '"hook":"bprm_check_security"' "$AUDIT_LOG" | head -n1)
expect_contains "exec event: the object is the program" '"path":"/opt/ev/bin/denied"' "$line"
expect_contains "exec event: the executable is the one that tried" '"exe":"/enforcer/tests/guest/enf-probe"' "$line"
line=$(grep '"hook":"socket_connect"' "$AUDIT_LOG" | head -n1)
expect_contains "network event: its executable" '"exe":"/opt/ev/bin/netcall"' "$line"
expect_contains "network event: the peer" '"port":9' "$line"
expect_eq "no event for the allowed read" 0 "$(grep -c '/srv/ev/public' "$AUDIT_LOG")"

# A cgroup that is gone is named by its id.
mkdir -p $CG/t60/gone
in_cgroup $CG/t60/gone /opt/ev/bin/tool open /srv/ev/secret r >/dev/null
rmdir $CG/t60/gone
# The daemon writes events as it drains the ring buffer: wait for it, not a fixed second.
i=0
while [ $i -lt 100 ] && ! grep '"path":"/srv/ev/secret"' "$AUDIT_LOG" | grep -qE '"cgroup":"(/t60/gone|id:[0-9]+)"'; do
	sleep 0.1
	i=$((i + 1))
done
n=$(grep '"path":"/srv/ev/secret"' "$AUDIT_LOG" | grep -cE '"cgroup":"(/t60/gone|id:[0-9]+)"')
expect_eq "the gone cgroup's event names it (path or id)" 1 "$n"
# It failed once in a run of two guests side by side (trixie, 2026-12-07) and passed alone: show
# what the log holds when it does.
[ "$n" = 1 ] || { echo "the last records of /srv/ev/secret:"; grep '/srv/ev/secret' "$AUDIT_LOG" | tail -n 3; }

# ---- a summary when the rate limit holds records back ----------------------------------
in_cgroup $CG/t60/app enf-flood --procs 1 --ops 200 /srv/ev/secret >/tmp/flood.out
expect_contains "200 more denials" "eperm=200" "$(cat /tmp/flood.out)"
enforcerctl stats >/dev/null
expect_contains "a summary record counts what was held back" '"type":"summary"' "$(cat "$AUDIT_LOG")"

# ---- every record is valid against the schema -----------------------------------------
out=$(enf-schema-check $SCHEMA "$AUDIT_LOG" 2>&1)
echo "$out" | tail -n 5
expect_eq "every record in the log is valid against docs/events.schema.json" 0 \
	"$(echo "$out" | grep -c 'invalid record')"
expect_contains "the checker saw them all" "$(grep -c . "$AUDIT_LOG") records" "$out"

# ---- rotation: move the log, SIGHUP, the next record goes to a new file -----------------
before=$(grep -c '"path":"/opt/ev/bin/denied"' "$AUDIT_LOG")
mv "$AUDIT_LOG" /tmp/audit.log.1
kill -HUP "$DAEMON_PID"
sleep 1
in_cgroup $CG/t60/app enf-probe exec /opt/ev/bin/denied >/dev/null
if wait_for_log '"path":"/opt/ev/bin/denied"'; then
	pass "after SIGHUP the daemon writes a new $AUDIT_LOG"
else
	fail "no new audit log after SIGHUP: $(ls -l /tmp/audit.log* 2>&1)"
fi
expect_eq "the rotated file got nothing new" "$before" "$(grep -c '"path":"/opt/ev/bin/denied"' /tmp/audit.log.1)"
expect_eq "the new log is valid too" 0 "$(enf-schema-check $SCHEMA "$AUDIT_LOG" | grep -c 'invalid record')"

# ---- syslog: the same records, one datagram each -----------------------------------------
stop_daemon
enf-syslog-sink /tmp/log.sock /tmp/syslog.out &
sink=$!
sleep 0.5
expect_exit "a syslog socket nobody serves is refused at start" 3 \
	enforcerd --audit-log syslog:/tmp/nobody.sock --state-dir "$STATE_DIR" --socket /tmp/x.sock
expect_contains "naming the socket and the fix" "syslog:SOCKET" "$(cat /tmp/expect_exit.out)"
AUDIT_LOG=syslog:/tmp/log.sock start_daemon
in_cgroup $CG/t60/app /opt/ev/bin/tool open /srv/ev/secret r >/dev/null
i=0
while [ $i -lt 50 ] && ! grep -q '/srv/ev/secret' /tmp/syslog.out 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
line=$(grep '/srv/ev/secret' /tmp/syslog.out | head -n1)
expect_contains "syslog: authpriv.notice, tagged enforcerd" "<85>" "$line"
expect_contains "syslog: tagged enforcerd[pid]" "enforcerd[$DAEMON_PID]: {" "$line"
sed -n 's/^<[0-9]*>[^{]*//p' /tmp/syslog.out >/tmp/syslog.json
expect_eq "syslog: the records are valid against the schema" 0 \
	"$(enf-schema-check $SCHEMA /tmp/syslog.json | grep -c 'invalid record')"
# syslogd restarted: a new socket at the same path; the daemon reconnects on its own.
kill $sink
wait $sink 2>/dev/null
enf-syslog-sink /tmp/log.sock /tmp/syslog2.out &
sink=$!
sleep 0.5
in_cgroup $CG/t60/app enf-probe exec /opt/ev/bin/denied >/dev/null
i=0
while [ $i -lt 50 ] && ! grep -q '/opt/ev/bin/denied' /tmp/syslog2.out 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
expect_contains "syslog: a restarted syslogd gets the next record" '/opt/ev/bin/denied' "$(cat /tmp/syslog2.out)"
kill $sink
finish
