#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The README's demo (tests/demo/nginx.sh, what `make demo` shows) as a
# test, so every check run proves the demo still behaves as it says: nginx
# under nginx-static in audit mode, traffic, report, promote, then a shell,
# /etc/shadow and the cloud metadata address from inside nginx.service, each
# EPERM with its event naming the profile's line, beside its control.
# enforcer-test: timeout=600

. /enforcer/tests/system/lib/system.sh

install_enforcer || finish
out=$(bash /enforcer/tests/demo/nginx.sh 2>&1)
rc=$?
sed 's/^/    /' <<<"$out"
expect_eq "the demo: exit status (every step as shown)" 0 "$rc"
expect_eq "the demo: steps not as shown" 0 "$(grep -c 'NOT AS EXPECTED' <<<"$out")"
expect_eq "the demo: attacks refused from inside nginx.service, each with its control" 3 \
	"$(grep -c -- '-> ok: the same outside nginx.service (the control)' <<<"$out")"
expect_eq "the demo: events naming the profile's line" 3 \
	"$(grep -cE 'rule: /usr/share/enforcer/profiles/nginx-static.json:[0-9]+:[0-9]+ ' <<<"$out")"
finish
