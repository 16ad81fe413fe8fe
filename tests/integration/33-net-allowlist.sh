#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# An allow-list profile (network default deny) in a network namespace the
# test creates: only the listed destinations are reachable, IPv4, IPv6 and
# IPv4-mapped alike; everything else is denied by default, while the same
# traffic from an unconfined cgroup in the same namespace gets through.
# Then audit mode (would-deny, nothing blocked) and a live replacement of
# the profile, whose old kernel entries must be gone afterwards.
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/net.sh

NS=/tmp/netns-t33
touch $NS
if ! unshare --net=$NS true; then
	fail "cannot create a network namespace"
	finish
fi
# in_ns CMD...: run CMD in the test's network namespace.
in_ns() { nsenter --net=$NS "$@"; }
in_ns ip link set lo up
for a in 10.0.0.1 10.0.0.2 169.254.169.254; do in_ns ip addr add $a/32 dev lo; done
in_ns ip -6 addr add fd00::1/128 dev lo
in_ns ip -6 addr add fd00::2/128 dev lo
expect_contains "the namespace has its own addresses" "10.0.0.2" "$(in_ns ip addr show lo)"
expect_eq "the root namespace does not have them" 0 "$(ip addr show lo | grep -c 10.0.0.2)"

# Echo servers inside the namespace, unconfined.
for peer in "tcp 10.0.0.1 443" "tcp 10.0.0.1 80" "tcp 10.0.0.2 443" "tcp 169.254.169.254 80" \
	    "tcp fd00::1 443" "tcp fd00::2 443" "udp 10.0.0.1 53" "udp 10.0.0.2 53"; do
	set -- $peer
	f="/tmp/serve.$1.$2.$3"
	in_ns enf-net serve $1 $2 $3 >"$f" 2>&1 &
	i=0
	while [ $i -lt 50 ] && ! grep -q ready "$f"; do sleep 0.1; i=$((i + 1)); done
	grep -q ready "$f" || fail "server $peer in the namespace did not start: $(cat "$f")"
done

start_daemon
ALLOW='{"name":"allow","mode":"enforce","network":{"default":"deny","rules":[
 {"action":"allow","op":["create"],"family":["inet","unix"],"proto":"any"},
 {"action":"allow","op":["connect"],"proto":"tcp","addr":"10.0.0.1/32","ports":[443]},
 {"action":"allow","op":["connect"],"proto":"tcp","addr":"fd00::1/128","ports":[443]},
 {"action":"allow","op":["send"],"proto":"udp","addr":"10.0.0.1/32","ports":[53]}
]}}'
compile_and_load allow "$ALLOW"
mkdir -p $CG/t33 $CG/free
expect_eq "attach allow to $CG/t33" "attached $CG/t33" "$(enforcerctl attach allow $CG/t33 2>&1)"
C=$CG/t33
F=$CG/free
# nnet CGROUP ARGS...: enf-net ARGS in CGROUP, inside the namespace.
# The namespace first, then the cgroup: a governed task may not setns (baseline userns).
nnet() {
	_cg=$1
	shift
	nsenter --net=$NS sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' nnet "$_cg" enf-net "$@" 2>&1
}

echo "--- the listed destinations are reachable"
expect_eq "tcp 10.0.0.1:443 (listed)" ok "$(nnet $C connect tcp 10.0.0.1 443)"
expect_eq "tcp [fd00::1]:443 (listed)" ok "$(nnet $C connect tcp fd00::1 443)"
expect_eq "tcp6 [::ffff:10.0.0.1]:443 (listed, as IPv4)" ok "$(nnet $C connect tcp ::ffff:10.0.0.1 443)"
expect_eq "Fast Open to 10.0.0.1:443 (listed)" ok "$(nnet $C fastopen 10.0.0.1 443)"
expect_eq "udp sendto 10.0.0.1:53 (listed)" ok "$(nnet $C sendto udp 10.0.0.1 53)"

echo "--- nothing else is"
expect_eq "tcp 10.0.0.1:80 (port not listed)" EPERM "$(nnet $C connect tcp 10.0.0.1 80)"
expect_eq "tcp 10.0.0.2:443 (address not listed)" EPERM "$(nnet $C connect tcp 10.0.0.2 443)"
expect_eq "tcp 169.254.169.254:80" EPERM "$(nnet $C connect tcp 169.254.169.254 80)"
expect_eq "tcp [fd00::2]:443" EPERM "$(nnet $C connect tcp fd00::2 443)"
expect_eq "tcp6 [::ffff:10.0.0.2]:443" EPERM "$(nnet $C connect tcp ::ffff:10.0.0.2 443)"
expect_eq "Fast Open to 10.0.0.2:443" EPERM "$(nnet $C fastopen 10.0.0.2 443)"
expect_eq "udp sendto 10.0.0.2:53" EPERM "$(nnet $C sendto udp 10.0.0.2 53)"
expect_eq "udp connect 10.0.0.1:53 (only send is listed)" EPERM "$(nnet $C connect udp 10.0.0.1 53)"
expect_eq "bind (not listed)" EPERM "$(nnet $C bind tcp 10.0.0.1 9999)"
expect_eq "packet socket (not listed)" EPERM "$(nnet $C create packet raw)"
expect_eq "netlink socket (not listed)" EPERM "$(nnet $C create netlink raw)"
expect_eq "inet socket creation (listed)" ok "$(nnet $C create inet stream)"

echo "--- the same traffic from an unconfined cgroup"
expect_eq "unconfined: tcp 10.0.0.2:443" ok "$(nnet $F connect tcp 10.0.0.2 443)"
expect_eq "unconfined: tcp 169.254.169.254:80" ok "$(nnet $F connect tcp 169.254.169.254 80)"
expect_eq "unconfined: tcp [fd00::2]:443" ok "$(nnet $F connect tcp fd00::2 443)"
expect_eq "unconfined: udp sendto 10.0.0.2:53" ok "$(nnet $F sendto udp 10.0.0.2 53)"
expect_eq "unconfined: packet socket" ok "$(nnet $F create packet raw)"
expect_audit "default denial logged with reason default" '"hook":"socket_connect"' '"addr":"10.0.0.2"' \
	'"port":443' '"verdict":"deny"' '"reason":"default"'

echo "--- audit mode: nothing blocked, would-denies logged"
expect_exit "mode allow audit" 0 enforcerctl mode allow audit
expect_eq "audit mode: tcp 10.0.0.2:443 goes through" ok "$(nnet $C connect tcp 10.0.0.2 443)"
expect_eq "audit mode: udp sendto 10.0.0.2:53 goes through" ok "$(nnet $C sendto udp 10.0.0.2 53)"
expect_audit "audit mode logs a would-deny" '"verdict":"would-deny"' '"addr":"10.0.0.2"' '"mode":"audit"'
expect_exit "mode allow enforce" 0 enforcerctl mode allow enforce
expect_eq "enforce again: tcp 10.0.0.2:443 denied" EPERM "$(nnet $C connect tcp 10.0.0.2 443)"

echo "--- live replacement: one atomic switch, old entries removed"
entries() { bpftool map dump name net_rules 2>/dev/null | grep -c '"key"\|^key'; }
before=$(entries)
expect_eq "kernel entries of the loaded profile (::/0, 0.0.0.0/0, two prefixes)" 4 "$before"
compile_and_load allow "$(printf '%s' "$ALLOW" | sed 's|"10.0.0.1/32","ports":\[443\]|"10.0.0.0/30","ports":[443]|')"
expect_eq "after replace: tcp 10.0.0.2:443 allowed by the new version" ok "$(nnet $C connect tcp 10.0.0.2 443)"
expect_eq "after replace: tcp 10.0.0.1:80 still denied" EPERM "$(nnet $C connect tcp 10.0.0.1 80)"
expect_eq "after replace: the old instance's entries are gone" 5 "$(entries)"
expect_exit "unload --force" 0 enforcerctl unload --force allow
expect_eq "after unload: no entries left" 0 "$(entries)"
expect_eq "after unload: the cgroup is free: packet socket" ok "$(nnet $C create packet raw)"

umount $NS 2>/dev/null
finish
