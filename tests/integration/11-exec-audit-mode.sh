#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Audit mode lets everything run and logs each would-deny; switching the
# same profile to enforce (one atomic update) makes the same exec fail.
. /enforcer/tests/integration/lib/lib.sh

install_program /usr/bin/wget
install_program /usr/bin/curl
start_daemon
compile_and_load web '{"name":"web","mode":"audit","exec":{"default":"allow","rules":[{"action":"deny","path":"/usr/bin/wget"},{"action":"audit","path":"/usr/bin/curl"}]}}'
mkdir -p $CG/t11
expect_exit "attach" 0 enforcerctl attach web $CG/t11

expect_eq "audit mode: denied binary still runs" ok "$(in_cgroup $CG/t11 enf-probe exec /usr/bin/wget)"
if wait_for_log '"verdict":"would-deny"'; then
	line=$(grep '"verdict":"would-deny"' "$AUDIT_LOG" | head -n 1)
	expect_contains "would-deny names the path" '"path":"/usr/bin/wget"' "$line"
	expect_contains "would-deny is in audit mode" '"mode":"audit"' "$line"
	expect_contains "would-deny returned no error" '"errno":0' "$line"
else
	fail "no would-deny line: $(cat $AUDIT_LOG)"
fi
expect_eq "one event per would-deny" 1 "$(grep -c '"path":"/usr/bin/wget"' "$AUDIT_LOG")"

expect_eq "audit rule: binary runs" ok "$(in_cgroup $CG/t11 enf-probe exec /usr/bin/curl)"
wait_for_log '"path":"/usr/bin/curl"' || true
expect_contains "audit rule is logged" '"verdict":"audit"' "$(grep '/usr/bin/curl' "$AUDIT_LOG")"

gen_before=$(enforcerctl --json list | grep '"generation"' | tr -dc 0-9)
expect_exit "mode web enforce" 0 enforcerctl mode web enforce
gen_after=$(enforcerctl --json list | grep '"generation"' | tr -dc 0-9)
if [ "$gen_after" -gt "$gen_before" ]; then pass "mode switch bumps the generation ($gen_before -> $gen_after)"; else fail "generation $gen_before -> $gen_after"; fi

expect_eq "enforce mode: denied" EPERM "$(in_cgroup $CG/t11 enf-probe exec /usr/bin/wget)"
expect_eq "enforce mode: audit rule still allows" ok "$(in_cgroup $CG/t11 enf-probe exec /usr/bin/curl)"
wait_for_log '"verdict":"deny"' || true
expect_contains "deny event carries the new generation" "\"generation\":$gen_after" "$(grep '"verdict":"deny"' "$AUDIT_LOG")"

expect_exit "back to audit" 0 enforcerctl mode web audit
expect_eq "audit mode again: runs" ok "$(in_cgroup $CG/t11 enf-probe exec /usr/bin/wget)"
finish
