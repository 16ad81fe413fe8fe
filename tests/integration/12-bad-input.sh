#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Bad input gets one clear line and a non-zero exit, and leaves the daemon
# serving and enforcement intact.
. /enforcer/tests/integration/lib/lib.sh

install_program /usr/bin/wget

expect_exit "no daemon: status exits 3" 3 enforcerctl status
expect_contains "no daemon: message says so" "Is enforcerd running" "$(cat /tmp/expect_exit.out)"

start_daemon
compile_and_load web '{"name":"web","mode":"enforce","exec":{"default":"allow","rules":[{"action":"deny","path":"/usr/bin/wget"}]}}'
mkdir -p $CG/t12
expect_exit "attach" 0 enforcerctl attach web $CG/t12

expect_exit "attach of an unknown profile exits 1" 1 enforcerctl attach nosuch $CG/t12
expect_contains "unknown profile is named" "no profile named 'nosuch'" "$(cat /tmp/expect_exit.out)"
expect_exit "attach to a missing cgroup exits 1" 1 enforcerctl attach web $CG/does-not-exist
expect_contains "missing cgroup is named" "no such cgroup: $CG/does-not-exist" "$(cat /tmp/expect_exit.out)"
expect_exit "attach to a non-cgroup directory exits 1" 1 enforcerctl attach web /tmp
expect_contains "non-cgroup directory is explained" "not a cgroup v2 directory" "$(cat /tmp/expect_exit.out)"
expect_exit "loading JSON source instead of a bundle exits 1" 1 enforcerctl load /tmp/web.json
expect_contains "wrong file is explained" "not a compiled profile" "$(cat /tmp/expect_exit.out)"
head -c 200 /tmp/web.pol >/tmp/truncated.pol
expect_exit "a truncated bundle is refused" 1 enforcerctl load /tmp/truncated.pol
expect_exit "unknown command exits 2" 2 enforcerctl frobnicate
expect_exit "mode with a bad word exits 2" 2 enforcerctl mode web sometimes
expect_exit "unload of an attached profile is refused" 1 enforcerctl unload web
expect_contains "refusal names the cgroup" "$CG/t12" "$(cat /tmp/expect_exit.out)"

printf '{"name":"web",\n  "mode": "enforce",\n  "exec": {"default": "allow" "rules": []}}\n' >/tmp/bad.json
expect_exit "policyc: malformed JSON exits 1" 1 policyc compile /tmp/bad.json -o /tmp/bad.pol
expect_contains "policyc: error has file:line:col" "/tmp/bad.json:3:" "$(cat /tmp/expect_exit.out)"

# After all of that, enforcement is unchanged.
expect_eq "still denied after bad input" EPERM "$(in_cgroup $CG/t12 enf-probe exec /usr/bin/wget)"
expect_exit "daemon still answers" 0 enforcerctl status
finish
