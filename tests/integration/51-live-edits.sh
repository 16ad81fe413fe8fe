#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# 1,000 live edits (mode flips, rule add, rule del, profile replace) while
# confined workloads run allowed and denied execs without pause. Every
# edit is one atomic switch, so:
#  - an operation every version allows is never denied, one every version
#    denies never runs (counted by the workloads, must be 0);
#  - an operation whose verdict the edits change is decided by one whole
#    version: each of its events carries the generation that decided it, and
#    that generation's content (rule present or not, audit or enforce) must
#    explain the verdict; every denial the workload saw has its event.
# Then an attach while workloads run hot (unconfined, and under another
# profile) decides every operation that starts after the CLI returned.
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/lifecycle.sh

EDITS=${EDITS:-1000}
for p in allowed denied toggled other1 other2; do install_program /usr/bin/$p; done
# No event rate limit: every decision must arrive as an event whose generation is checked.
start_daemon --event-rate 0
# p1 is always in enforce mode; two versions differ in a rule no workload uses.
compile_and_load p1 '{"name":"p1","mode":"enforce","exec":{"default":"allow","rules":[{"action":"deny","path":"/usr/bin/denied"},{"action":"deny","path":"/usr/bin/other1"}]}}'
printf '%s\n' '{"name":"p1","mode":"enforce","exec":{"default":"allow","rules":[{"action":"deny","path":"/usr/bin/denied"},{"action":"deny","path":"/usr/bin/other2"}]}}' >/tmp/p1b.json
policyc compile /tmp/p1b.json -o /tmp/p1b.pol >/dev/null || fail "compile p1 version b"
# p2 flips between audit and enforce.
compile_and_load p2 '{"name":"p2","mode":"enforce","exec":{"default":"allow","rules":[{"action":"deny","path":"/usr/bin/denied"}]}}'
mkdir -p $CG/t51a $CG/t51b
expect_exit "attach p1" 0 enforcerctl attach p1 $CG/t51a
expect_exit "attach p2" 0 enforcerctl attach p2 $CG/t51b
expect_eq "p1 denies denied" EPERM "$(in_cgroup $CG/t51a enf-probe exec /usr/bin/denied)"
expect_eq "p1 allows allowed (control)" ok "$(in_cgroup $CG/t51a enf-probe exec /usr/bin/allowed)"

TOGGLE='{"action":"deny","path":"/usr/bin/toggled"}'
# The toggled rule's id (a content hash: the same on every add).
out=$(enforcerctl rule add p1 exec "$TOGGLE") && enforcerctl rule del p1 "$(echo "$out" | sed -n 's/.*rule \([0-9a-f]*\) done.*/\1/p')" >/dev/null
toggle_id=$(echo "$out" | sed -n 's/.*rule \([0-9a-f]*\) done.*/\1/p')
[ -n "$toggle_id" ] || fail "no rule id from: $out"
in_cgroup $CG/t51a enf-loop --out /tmp/a.out --stop /tmp/stop --ready /tmp/a.ready --pause-us 20000 \
	exec:/usr/bin/allowed exec:/usr/bin/denied exec:/usr/bin/toggled &
LA=$!
in_cgroup $CG/t51b enf-loop --out /tmp/b.out --stop /tmp/stop --ready /tmp/b.ready --pause-us 20000 \
	exec:/usr/bin/allowed exec:/usr/bin/denied &
LB=$!
wait_file /tmp/a.ready && wait_file /tmp/b.ready || fail "workloads did not start"

# The edits, each its own request and atomic switch, issued by one enforcerctl
# process (batch): 1,000 process start-ups would cost more than the edits.
: >/tmp/edits.cmd
: >/tmp/edits.kind
i=0 mode=enforce version=b
while [ $i -lt "$EDITS" ]; do
	case $((i % 4)) in
	0)	if [ $mode = enforce ]; then mode=audit; else mode=enforce; fi
		echo "mode p2 $mode" >>/tmp/edits.cmd
		echo "p2 $mode" >>/tmp/edits.kind ;;
	1)	echo "rule add p1 exec '$TOGGLE'" >>/tmp/edits.cmd
		echo "p1 toggled" >>/tmp/edits.kind ;;
	2)	echo "rule del p1 $toggle_id" >>/tmp/edits.cmd
		echo "p1 plain" >>/tmp/edits.kind ;;
	3)	if [ $version = a ]; then version=b; else version=a; fi
		echo "load /tmp/p1$( [ $version = a ] || echo b).pol" >>/tmp/edits.cmd
		echo "p1 plain" >>/tmp/edits.kind ;;
	esac
	i=$((i + 1))
done
t0=$(cut -d' ' -f1 /proc/uptime)
enforcerctl batch /tmp/edits.cmd >/tmp/edits.out 2>/tmp/edits.err
errors=$?
t1=$(cut -d' ' -f1 /proc/uptime)
# generation -> what that version is, from each answer in order
awk 'FNR == NR { kind[FNR] = $0; next }
	{ g = $0; sub(/.*generation /, "", g); sub(/[,)].*/, "", g); print g, kind[FNR] }' \
	/tmp/edits.kind /tmp/edits.out >/tmp/edits.log
head -n 3 /tmp/edits.out
cat /tmp/edits.err
touch /tmp/stop
wait $LA
wait $LB
echo "$EDITS edits in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s (guest, TCG)"
cat /tmp/a.out /tmp/b.out
expect_eq "every edit succeeded" 0 "$errors"
expect_eq "one answer per edit" "$EDITS" "$(wc -l </tmp/edits.out)"
expect_eq "edits recorded" "$EDITS" "$(wc -l </tmp/edits.log)"

# The invariants the workloads counted.
expect_eq "p1: allowed exec never denied" 0 "$(count /tmp/a.out exec:/usr/bin/allowed eperm)"
expect_eq "p1: allowed exec never failed" 0 "$(count /tmp/a.out exec:/usr/bin/allowed other)"
expect_eq "p1: denied exec never ran" 0 "$(count /tmp/a.out exec:/usr/bin/denied ok)"
expect_eq "p2: allowed exec never denied" 0 "$(count /tmp/b.out exec:/usr/bin/allowed eperm)"
n=$(count /tmp/a.out exec:/usr/bin/allowed ok)
if [ "${n:-0}" -gt 50 ]; then pass "the workloads ran throughout ($n allowed execs in p1)"; else fail "too few execs: $n"; fi

# Events: every one carries the generation that decided it; check it against the edit log.
i=0
while [ $i -lt 50 ] && [ "$(enforcerctl --json status | grep -c '"events_written"')" = 0 ]; do sleep 0.1; i=$((i + 1)); done
sleep 1
expect_eq "no event was lost (ring buffer)" 0 "$(status_counter events_dropped)"
awk '
	FNR == NR { state[$1] = $2 " " $3; next }      # edits.log: generation -> "profile content"
	/"path":"\/usr\/bin\/(toggled|denied)"/ {
		match($0, /"verdict":"[a-z-]*"/); v = substr($0, RSTART + 11, RLENGTH - 12)
		match($0, /"profile":"[a-z0-9]*"/); p = substr($0, RSTART + 11, RLENGTH - 12)
		match($0, /"generation":[0-9]*/); g = substr($0, RSTART + 13, RLENGTH - 13)
		match($0, /"path":"[^"]*"/); path = substr($0, RSTART + 8, RLENGTH - 9)
		key = p " " path " " v
		n[key]++
		if (!(g in state)) { unknown[key]++; next }
		split(state[g], s, " ")
		if (s[1] != p) { bad++; print "event of " p " with a generation of " s[1] ": " $0; next }
		if (p == "p1" && path == "/usr/bin/toggled" && s[2] != "toggled") { bad++; print "toggled denied by a version without the rule: " $0 }
		if (p == "p2" && v == "deny" && s[2] != "enforce") { bad++; print "denied in an audit generation: " $0 }
		if (p == "p2" && v == "would-deny" && s[2] != "audit") { bad++; print "would-deny in an enforce generation: " $0 }
	}
	END {
		for (k in n) print "events " k " " n[k] " (from before the first edit: " unknown[k] + 0 ")"
		print "BAD " bad + 0
	}' /tmp/edits.log "$AUDIT_LOG" >/tmp/check.out
cat /tmp/check.out
expect_eq "every event's generation explains its verdict" "BAD 0" "$(grep '^BAD' /tmp/check.out)"
ev() { awk -v k="$1" '$0 ~ "^events " k " [0-9]" { print $5 }' /tmp/check.out; }
toggled_denied=$(count /tmp/a.out exec:/usr/bin/toggled eperm)
expect_eq "p1: every toggled denial has its event" "${toggled_denied:-0}" "$(ev 'p1 /usr/bin/toggled deny')"
if [ "${toggled_denied:-0}" -gt 0 ] && [ "$(count /tmp/a.out exec:/usr/bin/toggled ok)" -gt 0 ]; then
	pass "the toggled exec was both denied and allowed as the rule came and went"
else
	fail "the toggled exec did not see both versions: $(grep toggled /tmp/a.out)"
fi
expect_eq "p2: every denial has a deny event" "$(count /tmp/b.out exec:/usr/bin/denied eperm)" "$(ev 'p2 /usr/bin/denied deny')"
expect_eq "p2: every run in audit mode has a would-deny event" "$(count /tmp/b.out exec:/usr/bin/denied ok)" \
	"$(ev 'p2 /usr/bin/denied would-deny')"

# Attach while a task runs hot: the hooks keep each task's answer to "which
# profile governs me" (lsm-progs/cgroup.bpf.h). t51c has no profile (its
# tasks cached "none"), t51d has one allowing /srv/hot; attaching hotdeny to
# both must decide every operation that starts after enforcerctl returned.
mkdir -p $CG/t51c $CG/t51d
mkdir -p /srv && echo hot >/srv/hot
compile_and_load hotallow '{"name":"hotallow","mode":"enforce","file":{"default":"allow","rules":[{"action":"allow","path":"/srv/hot","access":["read"]}]}}'
compile_and_load hotdeny '{"name":"hotdeny","mode":"enforce","file":{"default":"allow","rules":[{"action":"deny","path":"/srv/hot","access":["read"]}]}}'
expect_exit "attach hotallow" 0 enforcerctl attach hotallow $CG/t51d
HOT=
for c in c d; do
	in_cgroup $CG/t51$c enf-loop --out /tmp/hot$c.out --stop /tmp/hot.stop --ready /tmp/hot$c.ready \
		--mark /tmp/hot.mark --pause-us 2000 open:/srv/hot:r &
	HOT="$HOT $!"
done
wait_file /tmp/hotc.ready && wait_file /tmp/hotd.ready || fail "hot workloads did not start"
sleep 0.5
expect_exit "attach hotdeny to the unconfined cgroup" 0 enforcerctl attach hotdeny $CG/t51c
expect_exit "attach hotdeny over hotallow" 0 enforcerctl attach hotdeny $CG/t51d
touch /tmp/hot.mark
sleep 0.5
touch /tmp/hot.stop
wait $HOT
for c in c d; do
	cat /tmp/hot$c.out
	if [ "$(count /tmp/hot$c.out open:/srv/hot:r ok)" -gt 0 ]; then
		pass "t51$c: the open ran before the attach (control)"
	else
		fail "t51$c: the open never ran before the attach"
	fi
	expect_eq "t51$c: no open allowed after the attach returned" 0 "$(count /tmp/hot$c.out open:/srv/hot:r marked-ok)"
	if [ "$(count /tmp/hot$c.out open:/srv/hot:r marked-eperm)" -gt 0 ]; then
		pass "t51$c: opens after the attach were denied"
	else
		fail "t51$c: no open ran after the attach returned"
	fi
done

# Afterwards the state on disk is the last version, and the daemon is healthy.
out=$(enforcerctl show p1)
expect_contains "show p1 after the edits" "p1  mode=enforce" "$out"
expect_exit "status after the edits" 0 enforcerctl status
lc_elapsed
finish
