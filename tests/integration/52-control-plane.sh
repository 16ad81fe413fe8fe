#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The control socket is not a way in: a non-root user cannot change
# policy (members of --read-group may read), malformed, oversized,
# truncated and hostile requests get an error answer, idle and excess
# connections are dropped, and through all of it the daemon keeps serving
# and enforcement never changes.
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/lifecycle.sh

SOCK=$ENF_SOCKET
setup_web $CG/t52 --read-group nogroup
expect_eq "baseline: denied" EPERM "$(in_cgroup $CG/t52 enf-probe exec /usr/bin/wget)"

# An idle client is dropped after the idle timeout (runs while the rest goes on).
enf-sock $SOCK hold 20 >/tmp/hold.out 2>&1 &
HOLD=$!

# ---- who may do what -----------------------------------------------------
nobody() { enf-asuser 65534 65534 "$@"; }
stranger() { enf-asuser 1000 1000 "$@"; }
expect_exit "nobody: load is refused" 1 nobody enforcerctl load /tmp/web.pol
expect_contains "nobody: the refusal says root is needed" "permission denied: 'load' needs root (you are uid 65534)" "$(cat /tmp/expect_exit.out)"
for cmd in "mode web audit" "unload web --force" "detach $CG/t52" "attach web $CG/t52" \
	"rule add web exec {\"action\":\"allow\",\"path\":\"/usr/bin/wget\"}" "shutdown --remove-enforcement"; do
	# shellcheck disable=SC2086
	expect_exit "nobody: '${cmd%% *}' is refused" 1 nobody enforcerctl $cmd
done
expect_exit "nobody (in the read group): status" 0 nobody enforcerctl status
expect_exit "nobody (in the read group): list" 0 nobody enforcerctl list
expect_exit "nobody (in the read group): show" 0 nobody enforcerctl show web
expect_exit "nobody (in the read group): events" 0 nobody enforcerctl events
expect_exit "a user outside the read group: status is refused" 1 stranger enforcerctl status
expect_contains "... and told why" "needs root or the enforcer read group" "$(cat /tmp/expect_exit.out)"
expect_exit "root: attaching the daemon's own cgroup is refused" 1 enforcerctl attach web $CG
expect_contains "... saying why" "would confine enforcerd itself" "$(cat /tmp/expect_exit.out)"
expect_eq "after all that: still denied" EPERM "$(in_cgroup $CG/t52 enf-probe exec /usr/bin/wget)"
expect_contains "still enforce mode" "web  mode=enforce" "$(enforcerctl list)"

# ---- malformed requests --------------------------------------------------
# refused WHAT PACKET EXPECTED-TEXT: the answer is an error naming the problem.
refused() {
	out=$(enf-sock $SOCK send "$2" 2>&1)
	case "$out" in
	*'"ok":false'*"$3"*) pass "refused: $1" ;;
	*) fail "$1: expected an error containing '$3', got: $out" ;;
	esac
}
refused "not JSON" 'hello' 'not a JSON object'
refused "truncated JSON" '{"cmd":"sta' 'not a JSON object'
refused "a JSON array" '[1,2,3]' 'not a JSON object'
refused "cmd not a string" '{"cmd":42}' 'no \"cmd\" string'
refused "unknown command" '{"cmd":"frobnicate"}' 'unknown command'
refused "unknown key" '{"cmd":"status","extra":1}' 'malformed request'
refused "missing key" '{"cmd":"mode","profile":"web"}' 'malformed request'
refused "wrong type" '{"cmd":"mode","profile":7,"mode":"audit"}' 'malformed request'
refused "duplicate key" '{"cmd":"status","cmd":"list"}' 'not a JSON object'
refused "bad mode word" '{"cmd":"mode","profile":"web","mode":"sometimes"}' "unknown mode"
refused "load without a bundle" '{"cmd":"load"}' 'file descriptor'
refused "attach to a non-cgroup" '{"cmd":"attach","profile":"web","cgroup":"/etc"}' 'not a cgroup v2 directory'
refused "attach with both cgroup and selector" '{"cmd":"attach","profile":"web","cgroup":"/x","selector":"y"}' 'either'
refused "a broken rule" '{"cmd":"rule-add","profile":"web","section":"exec","rule":"{\"action\":"}' 'rule'
refused "a rule with an unknown key" '{"cmd":"rule-add","profile":"web","section":"exec","rule":"{\"action\":\"deny\",\"pth\":\"/x\"}"}' 'pth'
refused "a bad rule id" '{"cmd":"rule-del","profile":"web","rule_id":"zz"}' 'not a rule id'
refused "too many events asked" '{"cmd":"events","count":100000}' 'count'
refused "a selector escaping the mount" '{"cmd":"attach","profile":"web","selector":"../../etc"}' "'..'"
refused "a selector outside the mount" '{"cmd":"attach","profile":"web","selector":"/etc/x"}' 'not below the cgroup2 mount'
out=$(enf-sock $SOCK repeat 70000 a 2>&1)
expect_contains "oversized (70000 bytes): refused" "at most 64 KiB" "$out"
out=$(enf-sock $SOCK repeat 8000 '{"cmd":"status"}' 2>&1)
expect_contains "oversized JSON (128000 bytes): refused" "at most 64 KiB" "$out"
out=$(enf-sock $SOCK nested 20000 2>&1)
expect_contains "nested 20000 deep: refused" '"ok":false' "$out"
out=$(enf-sock $SOCK fd-garbage 2>&1)
expect_contains "random bytes as a bundle: refused" '"ok":false' "$out"
out=$(printf '{"cmd":"status"}\001\377' | { read -r x; enf-sock $SOCK send "$x"; } 2>&1)
expect_contains "control bytes after the object: refused" '"ok":false' "$out"

expect_eq "the daemon survived all of it" yes "$(kill -0 "$DAEMON_PID" 2>/dev/null && echo yes)"
expect_exit "and still answers" 0 enforcerctl status
expect_eq "and enforcement is unchanged" EPERM "$(in_cgroup $CG/t52 enf-probe exec /usr/bin/wget)"
expect_eq "and the allowed exec runs (control)" ok "$(in_cgroup $CG/t52 enf-probe exec /usr/bin/curl)"

# ---- events --------------------------------------------------------------
enforcerctl --json events --follow --profile web >/tmp/follow.out 2>&1 &
FOLLOW=$!
sleep 1
expect_eq "a denial while following" EPERM "$(in_cgroup $CG/t52 enf-probe exec /usr/bin/wget)"
i=0
while [ $i -lt 50 ] && ! grep -q '"verdict":"deny"' /tmp/follow.out; do sleep 0.1; i=$((i + 1)); done
kill $FOLLOW 2>/dev/null
wait $FOLLOW 2>/dev/null
expect_contains "events --follow streams it" '"path":"/usr/bin/wget"' "$(cat /tmp/follow.out)"
expect_contains "with its generation" '"generation":' "$(grep '"verdict":"deny"' /tmp/follow.out | tail -n 1)"
expect_eq "events --count 1: one line" 1 "$(enforcerctl events --count 1 | wc -l)"
expect_contains "stats: named metrics" "enforcer_denied_total" "$(enforcerctl stats)"

# ---- connection limits ---------------------------------------------------
out=$(enf-sock $SOCK crowd 70 4 2>&1)
echo "$out"
case "$out" in
"0 of 70"*) fail "70 connections at once: none refused" ;;
*"of 70 connections refused") pass "70 connections at once: the ones over the limit are refused ($out)" ;;
*) fail "crowd: $out" ;;
esac
expect_exit "serving again once the crowd is gone" 0 enforcerctl status
wait $HOLD
expect_contains "an idle connection is closed by the daemon" "closed by the daemon after" "$(cat /tmp/hold.out)"
out=$(enforcerctl --json stats)
expect_contains "stats count the malformed requests" '"enforcer_control_malformed_total"' "$out"
expect_contains "stats count the refusals" '"enforcer_control_denied_total"' "$out"
lc_elapsed
finish
