#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=400
#
# A flood of 1,000,000 denied opens from 4 processes (issue 7): every one
# is denied, the daemon answers `enforcerctl status` throughout, and the
# reported counts add up exactly: events in the log plus the summary
# records' counts, and the kernel's per-rule totals (delivered +
# aggregated + dropped), each equal the number of operations. Then a flood
# with rate limiting off while the daemon is stopped: the ring buffer
# fills, and the records it had no room for are counted as dropped, again
# exactly.
. /enforcer/tests/integration/lib/lib.sh

FLOOD_OPS=${FLOOD_OPS:-1000000}
DROP_OPS=20000
mkdir -p /srv/flood
echo secret >/srv/flood/secret
echo pub >/srv/flood/public

start_daemon
compile_and_load flood '{"name":"flood","mode":"enforce","file":{"default":"allow","rules":[
 {"action":"deny","path":"/srv/flood/secret","access":["read"]}]}}'
mkdir -p $CG/t61 $CG/t61b $CG/t61ctl
for g in t61 t61b t61ctl; do
	expect_exit "attach $g" 0 enforcerctl attach flood $CG/$g
done
expect_eq "denied in the profile's cgroup" EPERM "$(in_cgroup $CG/t61ctl enf-probe open /srv/flood/secret r)"
expect_eq "another file is not (control)" ok "$(in_cgroup $CG/t61ctl enf-probe open /srv/flood/public r)"
expect_eq "outside the cgroup it opens (control)" ok "$(enf-probe open /srv/flood/secret r)"

# The value of NAME{...LABELS...} in `enforcerctl stats` (0 when absent).
metric() { # NAME LABEL-SUBSTRING...
	name=$1
	shift
	enforcerctl stats >/tmp/stats.out 2>&1
	grep "^$name[{ ]" /tmp/stats.out >/tmp/metric.sel
	for l in "$@"; do
		grep -F "$l" /tmp/metric.sel >/tmp/metric.tmp
		mv /tmp/metric.tmp /tmp/metric.sel
	done
	awk '{ s += $NF } END { printf "%d\n", s }' /tmp/metric.sel
}
# Events and summary counts in the audit log for one cgroup.
log_events() { grep '"type":"event"' "$AUDIT_LOG" | grep -c "\"cgroup\":\"$1\""; }
log_summed() {
	grep '"type":"summary"' "$AUDIT_LOG" | grep "\"cgroup\":\"$1\"" |
		sed -n 's/.*"count":\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { printf "%d\n", s }'
}
uptime_s() { cut -d' ' -f1 /proc/uptime; }

# ---- 1. the flood, the daemon probed meanwhile --------------------------------------
rm -f /tmp/flood.done /tmp/flood.ready
(
	tries=0 answers=0 max=0
	while [ ! -e /tmp/flood.ready ]; do sleep 0.1; done
	while [ ! -e /tmp/flood.done ]; do
		a=$(uptime_s)
		tries=$((tries + 1))
		if enforcerctl status >/dev/null 2>&1; then answers=$((answers + 1)); fi
		max=$(awk -v a="$a" -v b="$(uptime_s)" -v m="$max" 'BEGIN { d = b - a; print (d > m ? d : m) }')
		sleep 0.5
	done
	echo "$tries $answers $max" >/tmp/probe.out
) &
prober=$!
# At nice 10, as a workload runs below the system's daemons: what is measured
# is whether the daemon keeps up with the flood's events, not whether one
# emulated CPU can serve four busy loops and a daemon at equal weight.
in_cgroup $CG/t61 enf-flood --nice 10 --procs 4 --ops "$FLOOD_OPS" --ready /tmp/flood.ready /srv/flood/secret \
	>/tmp/flood.out 2>&1
touch /tmp/flood.done
wait $prober
out=$(cat /tmp/flood.out)
echo "flood: $out"
expect_contains "every operation was denied" "ops=$FLOOD_OPS eperm=$FLOOD_OPS ok=0 other=0" "$out"
read -r tries answers max </tmp/probe.out
echo "status during the flood: $answers of $tries answered, slowest ${max}s"
# The bound is generous: under TCG on a shared host the guest itself is
# sometimes starved for seconds (the kernel's clocksource watchdog says so).
if [ "$tries" -ge 3 ] && [ "$answers" = "$tries" ] && awk -v m="$max" 'BEGIN { exit !(m < 30) }'; then
	pass "the daemon answered every status during the flood ($answers, slowest ${max}s < 30s)"
else
	fail "the daemon was not responsive during the flood: $answers of $tries answered, slowest ${max}s"
fi

# stats looks at the kernel's totals now and logs the summaries due.
delivered=$(metric enforcer_event_records_total 'cgroup=/t61,' outcome=delivered)
aggregated=$(metric enforcer_event_records_total 'cgroup=/t61,' outcome=aggregated)
dropped=$(metric enforcer_event_records_total 'cgroup=/t61,' outcome=dropped)
echo "kernel totals for the rule in /t61: delivered=$delivered aggregated=$aggregated dropped=$dropped"
expect_eq "delivered + aggregated + dropped == operations" "$FLOOD_OPS" $((delivered + aggregated + dropped))
if [ "$aggregated" -gt 0 ] && [ "$delivered" -lt $((FLOOD_OPS / 10)) ]; then
	pass "the rate limit turned the flood into counts ($delivered records, $aggregated aggregated)"
else
	fail "the rate limit did not hold the flood back: delivered=$delivered aggregated=$aggregated"
fi
events=$(log_events /t61)
summed=$(log_summed /t61)
echo "audit log for /t61: $events events, summaries counting $summed"
expect_eq "every delivered record is an event in the log" "$delivered" "$events"
expect_eq "events + summary counts in the log == operations" "$FLOOD_OPS" $((events + summed))
expect_contains "a summary names the rule" '"rule":"/tmp/flood.json:2:' "$(grep '"type":"summary"' "$AUDIT_LOG" | head -n1)"

# The totals over every rule: each decision ended in exactly one outcome.
st=$(enforcerctl --json status)
num() { echo "$st" | sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p" | head -n1; }
expect_eq "kernel: denied + audited == delivered + aggregated + dropped" \
	$(($(num denied) + $(num audited))) $(($(num events_delivered) + $(num events_aggregated) + $(num events_dropped)))

# ---- 2. no rate limit, daemon stopped: the ring buffer overflows, drops are counted ----
stop_daemon
start_daemon --event-rate 0
kill -STOP "$DAEMON_PID"
in_cgroup $CG/t61b enf-flood --procs 2 --ops $DROP_OPS /srv/flood/secret >/tmp/flood.out 2>&1
kill -CONT "$DAEMON_PID"
expect_contains "stopped daemon: every operation still denied" "ops=$DROP_OPS eperm=$DROP_OPS ok=0 other=0" \
	"$(cat /tmp/flood.out)"
delivered=$(metric enforcer_event_records_total 'cgroup=/t61b,' outcome=delivered)
aggregated=$(metric enforcer_event_records_total 'cgroup=/t61b,' outcome=aggregated)
dropped=$(metric enforcer_event_records_total 'cgroup=/t61b,' outcome=dropped)
echo "kernel totals for the rule in /t61b: delivered=$delivered aggregated=$aggregated dropped=$dropped"
expect_eq "rate 0: nothing aggregated" 0 "$aggregated"
if [ "$dropped" -gt 0 ]; then pass "the full ring buffer dropped records ($dropped)"; else fail "no drops counted"; fi
expect_eq "delivered + dropped == operations" $DROP_OPS $((delivered + dropped))
expect_eq "events + summary counts in the log == operations" $DROP_OPS $(($(log_events /t61b) + $(log_summed /t61b)))
expect_contains "the loss is a summary record" '"dropped":' "$(grep '"type":"summary"' "$AUDIT_LOG" | grep '/t61b')"
expect_eq "stats: the drops are in the kernel's per-CPU counter" yes \
	"$([ "$(metric enforcer_events_lost_total)" -ge "$dropped" ] && echo yes || echo no)"
# The earlier daemon logged /t61's summaries: this one does not repeat them.
expect_eq "a restarted daemon does not report old counts again" 0 "$(log_summed /t61)"
finish
