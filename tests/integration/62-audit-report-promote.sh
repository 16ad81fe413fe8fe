#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=300
#
# The audit-then-enforce rollout (issue 7), one daemon:
#  - a profile in audit mode with a known would-deny: the workload runs,
#    `report` shows the would-deny with its count, rule and file:line;
#  - `promote` refuses, naming the count, the rule and --force; `--force`
#    promotes (and says so in the daemon log): the same exec is now EPERM,
#    the allowed one still runs; the mode survives a daemon restart;
#  - a second profile fixed and loaded again: promote succeeds because the
#    fixed version produced no would-deny, and then enforces;
#  - `stats --prometheus` and the --metrics-listen endpoint: strictly valid
#    exposition, the same decision counts, enforcement health, bad requests.
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/lifecycle.sh

PORT=9464
install_program /usr/bin/wget
install_program /usr/bin/curl
install_program /usr/bin/nc
start_daemon --metrics-listen 127.0.0.1:$PORT
compile_and_load web '{"name":"web","mode":"audit","exec":{"default":"allow","rules":[{"action":"deny","path":"/usr/bin/wget"}]}}'
compile_and_load api '{"name":"api","mode":"audit","exec":{"default":"allow","rules":[{"action":"deny","path":"/usr/bin/wget"},{"action":"deny","path":"/usr/bin/nc"}]}}'
mkdir -p $CG/t60web $CG/t60api
expect_exit "attach web" 0 enforcerctl attach web $CG/t60web
expect_exit "attach api" 0 enforcerctl attach api $CG/t60api

# An empty report says so plainly.
expect_contains "empty report says so" "no would-deny decisions since" "$(enforcerctl report web)"

# ---- the workload: three would-denies, and an allowed exec (control) ----
for i in 1 2 3; do
	expect_eq "audit mode: would-deny exec $i runs" ok "$(in_cgroup $CG/t60web enf-probe exec /usr/bin/wget)"
done
expect_eq "audit mode: allowed exec runs (control)" ok "$(in_cgroup $CG/t60web enf-probe exec /usr/bin/curl)"
expect_eq "api workload: would-deny exec runs" ok "$(in_cgroup $CG/t60api enf-probe exec /usr/bin/wget)"
wait_for_log '"profile":"api"' || fail "no event of profile api in the audit log"

# ---- report ----
rep=$(enforcerctl report web)
echo "$rep"
row=$(echo "$rep" | grep '/usr/bin/wget')
expect_contains "report: a row for the object" "/usr/bin/wget" "$row"
expect_contains "report: the rule's file:line" "/tmp/web.json:1:" "$row"
expect_eq "report: the count" 3 "$(echo "$row" | awk '{ print $3 }')"
expect_contains "report: the total" "3 would-deny decision(s)" "$rep"
case "$rep" in *curl*) fail "report: the allowed exec is not a would-deny" ;; *) pass "report: the allowed exec is not listed" ;; esac
json=$(enforcerctl --json report web --since 10m)
expect_contains "report --json --since 10m: total" '"total": 3' "$json"
expect_contains "report --json: the object" '"object": "/usr/bin/wget"' "$json"
expect_contains "report --json: rule text" '"rule_text": "' "$json"
expect_contains "report --since RFC 3339" '"total": 3' "$(enforcerctl --json report web --since 2000-01-01T00:00:00Z)"
expect_exit "report --since a bad time: usage error" 2 enforcerctl report web --since yesterday
expect_contains "report --since a bad time: says what is accepted" "neither a duration" "$(cat /tmp/expect_exit.out)"
expect_exit "report of an unknown profile: refused" 1 enforcerctl report nosuch
expect_contains "report of an unknown profile: says so" "no profile named 'nosuch'" "$(cat /tmp/expect_exit.out)"

# ---- promote refuses, then --force ----
expect_exit "promote web: refused (would-denies in the window)" 1 enforcerctl promote web
msg=$(cat /tmp/expect_exit.out)
expect_contains "refusal names the count" "3 would-deny decision(s)" "$msg"
expect_contains "refusal names the rule and its line" "(/tmp/web.json:1:" "$msg"
expect_contains "refusal says how to override" "--force" "$msg"
expect_eq "refused: still audit mode (would-deny 4)" ok "$(in_cgroup $CG/t60web enf-probe exec /usr/bin/wget)"
expect_contains "report: the fourth counted" '"total": 4' "$(enforcerctl --json report web)"
expect_exit "promote --window 0s: usage error" 2 enforcerctl promote web --window 0s

# ---- metrics before the switch: CLI and listener agree ----
enforcerctl stats --prometheus >/tmp/cli.prom
expect_contains "stats --prometheus: strictly valid" valid "$(enf-metrics check /tmp/cli.prom)"
enf-metrics get 127.0.0.1 $PORT /metrics >/tmp/http.prom
expect_contains "GET /metrics: strictly valid" valid "$(enf-metrics check /tmp/http.prom)"
pat='^enforcer_rule_decisions_total{profile="web",rule="[0-9a-f]*",verdict="would-deny"} '
expect_eq "stats --prometheus: web's would-denies" 4 "$(grep "$pat" /tmp/cli.prom | awk '{ print $2 }')"
expect_eq "listener: the same number" 4 "$(grep "$pat" /tmp/http.prom | awk '{ print $2 }')"
for m in enforcer_up enforcer_bpf_lsm_active; do
	expect_eq "health: $m" 1 "$(grep "^$m " /tmp/http.prom | awk '{ print $2 }')"
done
want=$(grep '^enforcer_programs_expected ' /tmp/http.prom | awk '{ print $2 }')
expect_eq "health: every program attached ($want expected)" "$want" \
	"$(grep '^enforcer_programs_attached ' /tmp/http.prom | awk '{ print $2 }')"
want=$(grep '^enforcer_pins_expected ' /tmp/http.prom | awk '{ print $2 }')
expect_eq "health: every pin present ($want expected)" "$want" \
	"$(grep '^enforcer_pins_present ' /tmp/http.prom | awk '{ print $2 }')"
expect_contains "metrics: policy generation per profile" 'enforcer_profile_generation{mode="audit",profile="web"}' \
	"$(cat /tmp/http.prom)"
expect_contains "metrics: kernel drop counter" 'enforcer_events_lost_total ' "$(cat /tmp/http.prom)"
expect_eq "listener: other paths 404" "HTTP/1.1 404 Not Found" \
	"$(enf-metrics raw 127.0.0.1 $PORT 'GET /other HTTP/1.1\r\n\r\n')"
expect_eq "listener: other methods 405" "HTTP/1.1 405 Method Not Allowed" \
	"$(enf-metrics raw 127.0.0.1 $PORT 'POST /metrics HTTP/1.1\r\n\r\n')"
expect_eq "listener: garbage 400" "HTTP/1.1 400 Bad Request" "$(enf-metrics raw 127.0.0.1 $PORT 'hello\r\n\r\n')"
big=$(head -c 5000 /dev/zero | tr '\0' a)
expect_eq "listener: an oversized header 431" "HTTP/1.1 431 Request Header Fields Too Large" \
	"$(enf-metrics raw 127.0.0.1 $PORT "GET /metrics HTTP/1.1\r\nX: $big")"
expect_eq "listener: still serving after bad requests" 0 \
	"$(enf-metrics get 127.0.0.1 $PORT /metrics >/dev/null; echo $?)"

expect_exit "promote web --force" 0 enforcerctl promote web --force
expect_contains "--force is said in the daemon log" "promoted to enforce with --force despite 4 would-deny" \
	"$(cat $DAEMON_LOG)"
expect_eq "enforce: the same exec is denied" EPERM "$(in_cgroup $CG/t60web enf-probe exec /usr/bin/wget)"
expect_eq "enforce: the allowed exec still runs (control)" ok "$(in_cgroup $CG/t60web enf-probe exec /usr/bin/curl)"
expect_contains "promote again: already enforcing" "already in enforce mode" "$(enforcerctl promote web)"
wait_for_log '"verdict":"deny"' || true
enf-metrics get 127.0.0.1 $PORT /metrics >/tmp/http.prom
expect_eq "listener: the denial counted" 1 \
	"$(grep '^enforcer_rule_decisions_total{profile="web",rule="[0-9a-f]*",verdict="deny"} ' /tmp/http.prom | awk '{ print $2 }')"

# ---- fix the other profile instead: no would-deny since the fixed version ----
expect_exit "promote api: refused before the fix" 1 enforcerctl promote api
compile_and_load api '{"name":"api","mode":"audit","exec":{"default":"allow","rules":[{"action":"deny","path":"/usr/bin/nc"}]}}'
expect_eq "fixed api: the workload runs" ok "$(in_cgroup $CG/t60api enf-probe exec /usr/bin/wget)"
expect_exit "promote api after the fix" 0 enforcerctl promote api
expect_contains "promote says which span was checked" "no would-deny decision since" "$(cat /tmp/expect_exit.out)"
expect_eq "promoted api: its deny rule enforces" EPERM "$(in_cgroup $CG/t60api enf-probe exec /usr/bin/nc)"
expect_eq "promoted api: the workload still runs (control)" ok "$(in_cgroup $CG/t60api enf-probe exec /usr/bin/wget)"

# ---- the promotion persists ----
stop_daemon
restart_daemon
expect_contains "after restart: web still enforces" "web  mode=enforce" "$(enforcerctl list)"
expect_contains "after restart: api still enforces" "api  mode=enforce" "$(enforcerctl list)"
expect_eq "after restart: denied" EPERM "$(in_cgroup $CG/t60web enf-probe exec /usr/bin/wget)"
expect_eq "after restart: allowed (control)" ok "$(in_cgroup $CG/t60web enf-probe exec /usr/bin/curl)"
expect_eq "after restart: no listener unless asked" 1 \
	"$(enf-metrics get 127.0.0.1 $PORT /metrics >/dev/null 2>&1; echo $?)"
finish
