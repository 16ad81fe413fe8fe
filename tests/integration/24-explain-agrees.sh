#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# policyc explain (the reference evaluator over the parsed profile) and the
# kernel (BPF hooks over the compiled maps) agree: for every case of a table
# of precedence corners (exec, file and network), explain's action equals
# what the kernel did, and for denials an audit event names explain's rule.
. /enforcer/tests/integration/lib/lib.sh

mkdir -p /srv/a/b/c /srv/open /opt/t/bin
for f in /srv/a/x /srv/a/b/x /srv/a/b/c/x /srv/a/b/c/keep /srv/a/b/audited /srv/open/x /srv/a/b/c/reader-only; do
	echo data >$f
done
install_program /opt/t/bin/tool
install_program /opt/t/bin/blocked
install_program /opt/t/bin/watched
install_program /opt/t/bin/reader

cat >/tmp/table.json <<'JSON'
{"name":"table","mode":"enforce",
 "exec":{"default":"allow","rules":[
   {"action":"deny","path":"/opt/t/bin/blocked"},
   {"action":"audit","path":"/opt/t/bin/watched"}]},
 "network":{"default":"allow","rules":[
   {"action":"deny","op":["connect"],"proto":"tcp","addr":"127.0.0.0/8","ports":["9000-9099"]},
   {"action":"allow","op":["connect"],"proto":"tcp","addr":"127.0.0.2/32","ports":[9000]},
   {"action":"deny","op":["bind"],"proto":"tcp","ports":[7000]}]},
 "file":{"default":"allow","rules":[
   {"action":"deny","path":"/srv/a/**","access":["read"]},
   {"action":"allow","path":"/srv/a/b/**","access":["read"]},
   {"action":"deny","path":"/srv/a/b/c/**","access":["read"]},
   {"action":"allow","path":"/srv/a/b/c/keep","access":["read"]},
   {"action":"audit","path":"/srv/a/b/audited","access":["read"]},
   {"action":"allow","path":"/srv/a/b/c/reader-only","access":["read"],"from":["/opt/t/bin/reader"]}]}}
JSON
start_daemon
policyc compile /tmp/table.json -o /tmp/table.pol >/dev/null && enforcerctl load /tmp/table.pol >/dev/null
mkdir -p $CG/t24
expect_exit "attach" 0 enforcerctl attach table $CG/t24

# case KIND TARGET [FROM]: explain it, do it in the cgroup, compare.
case_() {
	kind=$1 target=$2 from=${3:-}
	if [ "$kind" = exec ]; then
		req="--exec $target"
		prog=${from:-enf-probe}
		got=$(in_cgroup $CG/t24 $prog exec "$target")
	elif [ "$kind" = connect ] || [ "$kind" = bind ]; then
		# target is ADDR:PORT
		req="--net $kind:tcp:$target"
		got=$(in_cgroup $CG/t24 enf-net $kind tcp "${target%:*}" "${target##*:}")
	else
		req="--file $target:read"
		prog=${from:-enf-probe}
		got=$(in_cgroup $CG/t24 $prog open "$target" r)
	fi
	ex=$(policyc explain /tmp/table.json $req ${from:+--from $from} --json)
	action=$(echo "$ex" | enf-json action)
	rule=$(echo "$ex" | enf-json rule.id 2>/dev/null) # null when decided by a default
	rule=${rule#0x}
	case $action in
	deny) want=EPERM ;;
	allow | audit) want=ok ;;
	*) fail "explain gave no action for $kind $target: $ex"; return ;;
	esac
	expect_eq "$kind $target${from:+ from $from}: explain says $action, kernel agrees" "$want" "$got"
	if [ "$action" = deny ] && [ "$kind" != exec ] && [ "$kind" != file ]; then
		if wait_for_log "\"rule_id\":\"$rule\""; then
			pass "  ...and an event names explain's rule $rule"
		else
			fail "no event names rule $rule for $kind $target"
		fi
	elif [ "$action" = deny ]; then
		if wait_for_log "\"path\":\"$target\""; then
			expect_contains "  ...and the event names explain's rule $rule" "\"rule_id\":\"$rule\"" \
				"$(grep "\"path\":\"$target\"" "$AUDIT_LOG" | tail -n 1)"
		else
			fail "no event for the denial of $target"
		fi
	fi
}

case_ file /srv/a/x                    # shorter subtree: deny
case_ file /srv/a/b/x                  # longer subtree beats it: allow
case_ file /srv/a/b/c/x                # longest subtree: deny
case_ file /srv/a/b/c/keep             # exact beats every subtree: allow
case_ file /srv/a/b/audited            # audit rule: allowed
case_ file /srv/open/x                 # no rule: default allow
case_ file /srv/a/b/c/reader-only      # 'from' allow, other program: deny
case_ file /srv/a/b/c/reader-only /opt/t/bin/reader   # the named program: allow
# Peers for the network cases: echo servers outside the cgroup.
for peer in 127.0.0.1:9001 127.0.0.2:9000 127.0.0.1:9200; do
	enf-net serve tcp "${peer%:*}" "${peer##*:}" >/tmp/serve.$peer 2>&1 &
done
sleep 0.5
case_ connect 127.0.0.1:9001           # /8 with ports: deny
case_ connect 127.0.0.2:9000           # longer prefix: allow
case_ connect 127.0.0.1:9200           # port outside every rule: default allow
case_ bind 0.0.0.0:7000                # bind rule without addr: deny
case_ bind 0.0.0.0:7001                # another port: allow
case_ exec /opt/t/bin/blocked
case_ exec /opt/t/bin/watched
case_ exec /opt/t/bin/tool
finish
