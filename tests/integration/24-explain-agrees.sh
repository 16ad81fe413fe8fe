#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# policyc explain (the reference evaluator over the parsed profile) and the
# kernel (BPF hooks over the compiled maps) agree: for every case of a table
# of precedence corners (exec, file and network: 24-explain-agrees.cases
# over 24-explain-agrees.json), explain's action is the table's and the
# kernel does what it says, and for denials an audit event names explain's
# rule. tests/unit/test_compile_net.c decides the same table with its model
# of the kernel's network lookup.
. /enforcer/tests/integration/lib/lib.sh

mkdir -p /srv/a/b/c /srv/open /opt/t/bin
for f in /srv/a/x /srv/a/b/x /srv/a/b/c/x /srv/a/b/c/keep /srv/a/b/audited /srv/open/x /srv/a/b/c/reader-only; do
	echo data >$f
done
install_program /opt/t/bin/tool
install_program /opt/t/bin/blocked
install_program /opt/t/bin/watched
install_program /opt/t/bin/reader

TABLE=/enforcer/tests/integration/24-explain-agrees.json
CASES=/enforcer/tests/integration/24-explain-agrees.cases
cp /enforcer/tests/guest/enf-net /opt/t/bin/netter
start_daemon
policyc compile $TABLE -o /tmp/table.pol >/dev/null && enforcerctl load /tmp/table.pol >/dev/null
mkdir -p $CG/t24
expect_exit "attach" 0 enforcerctl attach table $CG/t24

# case_ WANT REQUEST...: explain REQUEST, do it in the cgroup, compare both with WANT.
case_() {
	want=$1
	shift
	req="$*" file='' exec='' net='' family='' from=''
	while [ $# -gt 0 ]; do
		case $1 in
		--file) file=$2 ;;
		--exec) exec=$2 ;;
		--net) net=$2 ;;
		--family) family=$2 ;;
		--from) from=$2 ;;
		*) fail "table: unknown request word '$1' in: $req"; return ;;
		esac
		shift 2
	done
	if [ -n "$exec" ]; then
		target=$exec
		got=$(in_cgroup $CG/t24 ${from:-enf-probe} exec "$exec")
	elif [ -n "$file" ]; then
		target=${file%:*}
		[ "${file##*:}" = read ] || { fail "table: only read is probed: $req"; return; }
		got=$(in_cgroup $CG/t24 ${from:-enf-probe} open "$target" r)
	else
		op=${net%%:*} rest=${net#*:}
		proto=${rest%%:*}
		if [ "$op" = create ]; then
			target="$family $proto"
			case $family in inet4) fam=inet ;; *) fam=$family ;; esac
			case $proto in tcp) type=stream ;; udp) type=dgram ;; *) fail "table: create $proto: not probed"; return ;; esac
			got=$(in_cgroup $CG/t24 ${from:-enf-net} create $fam $type)
		else
			rest=${rest#*:}
			port=${rest##*:} addr=${rest%:*}
			addr=${addr#[} addr=${addr%]}
			target="$proto $addr $port"
			got=$(in_cgroup $CG/t24 ${from:-enf-net} $op $proto "$addr" "$port")
		fi
	fi
	ex=$(policyc explain $TABLE $req --json)
	action=$(echo "$ex" | enf-json action)
	rule=$(echo "$ex" | enf-json rule.id 2>/dev/null) # nothing when a default decided (rule is null)
	rule=${rule#0x}
	expect_eq "$req: explain's action" "$want" "$action"
	case $want in
	deny) kernel=EPERM ;;
	*) kernel=ok ;;
	esac
	expect_eq "$req: the kernel agrees" "$kernel" "$got"
	[ "$action" = deny ] || return
	if [ -z "$rule" ]; then
		fail "  ...explain names no rule for a denial: $ex"
	elif [ -n "$net" ]; then
		if wait_for_log "\"rule_id\":\"$rule\""; then
			pass "  ...and an event names explain's rule $rule"
		else
			fail "no event names rule $rule for $req"
		fi
	elif wait_for_log "\"path\":\"$target\""; then
		expect_contains "  ...and the event names explain's rule $rule" "\"rule_id\":\"$rule\"" \
			"$(grep "\"path\":\"$target\"" "$AUDIT_LOG" | tail -n 1)"
	else
		fail "no event for the denial of $target"
	fi
}

# Peers for the connects the table allows: echo servers outside the cgroup.
grep -- '^[a-z]* *--net connect:' $CASES | grep -v '^deny' | sed 's/.*--net connect:\([^ ]*\).*/\1/' | sort -u >/tmp/peers
while read -r peer; do
	proto=${peer%%:*} rest=${peer#*:}
	addr=${rest%:*} port=${rest##*:}
	addr=${addr#[} addr=${addr%]}
	enf-net serve $proto "$addr" "$port" >"/tmp/serve.$proto.$addr.$port" 2>&1 &
done </tmp/peers
sleep 0.5

# A request is split into words, never globbed ("[::1]" is a bracket expression).
set -f
n=0
while read -r want request; do
	case $want in '' | '#'*) continue ;; esac
	case_ $want ${request%%#*}
	n=$((n + 1))
done <$CASES
set +f
[ $n -ge 25 ] && pass "the table's $n cases were all run" || fail "only $n cases read from $CASES"
finish
