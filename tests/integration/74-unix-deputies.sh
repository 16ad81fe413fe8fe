#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=400
#
# Deputies behind unix sockets (docs/network.md "Unix sockets"): a confined
# task reaches a privileged service through its socket (docker.sock,
# containerd, D-Bus). A peer with a file-system name is decided as write
# on that path (unix_stream_connect, unix_may_send), what DAC asks of
# connect too; an abstract peer is reachable only when the task that made
# it is in the same profile domain. A descriptor a deputy opens and hands
# over (SCM_RIGHTS) is decided like the task's own open of it. Every refusal beside its control: an
# allowed socket, the same peer from an unconfined cgroup, and a listener
# inside the domain. As root and as nobody. Credentials sent with a
# datagram (SCM_CREDENTIALS) name the sender only: a receiver such as PID
# 1's notify socket acts on the pid named.
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/net.sh

# userve CGROUP OP NAME: a unix listener (enf-net OP NAME) in CGROUP ("-":
# the test's own, unconfined); returns once bound.
userve() {
	_f=/tmp/userve.$(echo "$3" | tr '/@' '__')
	if [ "$1" = - ]; then
		enf-net "$2" "$3" >"$_f" 2>&1 &
	else
		in_cgroup "$1" enf-net "$2" "$3" >"$_f" 2>&1 &
	fi
	wait_ready "$_f" "unix listener $2 $3"
}

# The deputies and the harmless services, all outside every confined cgroup.
mkdir -p /srv/t74/ro
echo secret >/srv/t74/secret
echo open >/srv/t74/open
echo ro >/srv/t74/ro/f
userve - fd-serve /run/fd.sock
userve - unix-serve /run/deputy.sock
userve - unix-serve /run/other.sock
userve - unix-dgram-serve /run/deputy.dgram
userve - unix-dgram-serve /run/other.dgram
userve - unix-serve @t74-outside
userve - unix-dgram-serve @t74-outside-dgram

start_daemon
compile_and_load deputy '{"name":"deputy","mode":"enforce","file":{"default":"allow","rules":[
 {"action":"deny","path":"/run/deputy.sock","access":["write"]},
 {"action":"deny","path":"/run/deputy.dgram","access":["write"]},
 {"action":"deny","path":"/srv/t74/secret","access":["read"]},
 {"action":"deny","path":"/srv/t74/ro/**","access":["write"]}]}}'
compile_and_load neighbour '{"name":"neighbour","mode":"enforce","file":{"default":"allow"}}'
mkdir -p $CG/t74 $CG/t74/child $CG/t74n $CG/free
expect_eq "attach deputy to $CG/t74" "attached $CG/t74" "$(enforcerctl attach deputy $CG/t74 2>&1)"
expect_eq "attach neighbour to $CG/t74n" "attached $CG/t74n" "$(enforcerctl attach neighbour $CG/t74n 2>&1)"
C=$CG/t74
F=$CG/free
as_nobody() { _cg=$1; shift; in_cgroup "$_cg" enf-asuser 65534 65534 enf-net "$@" 2>&1; }

# Listeners inside the domain: in the profile's cgroup, in a child of it
# (governed by the same profile), and in another profile's domain.
userve $C unix-serve @t74-inside
userve $C/child unix-serve @t74-child
userve $C unix-dgram-serve @t74-inside-dgram
userve $CG/t74n unix-serve @t74-neighbour

echo "--- a stream deputy by path: decided as write on the socket"
expect_eq "connect /run/deputy.sock denied" EPERM "$(net $C unix-connect /run/deputy.sock)"
expect_eq "connect /run/deputy.sock as nobody denied" EPERM "$(as_nobody $C unix-connect /run/deputy.sock)"
expect_eq "connect /run/deputy.sock through /proc/self/root denied" EPERM \
	"$(net $C unix-connect /proc/self/root/run/deputy.sock)"
ln -sf /run/deputy.sock /tmp/t74-link.sock
expect_eq "connect through a symlink to it denied" EPERM "$(net $C unix-connect /tmp/t74-link.sock)"
ln /run/deputy.sock /run/t74-hard.sock
expect_eq "connect through a hard link to it denied (the bound path decides)" EPERM \
	"$(net $C unix-connect /run/t74-hard.sock)"
expect_eq "the hard link unconfined (echo)" ok "$(net $F unix-connect /run/t74-hard.sock)"
expect_eq "connect /run/other.sock allowed (echo)" ok "$(net $C unix-connect /run/other.sock)"
expect_eq "connect /run/other.sock as nobody allowed" ok "$(as_nobody $C unix-connect /run/other.sock)"
expect_eq "connect /run/deputy.sock unconfined (echo)" ok "$(net $F unix-connect /run/deputy.sock)"
expect_eq "connect /run/deputy.sock unconfined as nobody" ok "$(as_nobody $F unix-connect /run/deputy.sock)"

echo "--- a datagram deputy by path"
expect_eq "sendto /run/deputy.dgram denied" EPERM "$(net $C unix-sendto /run/deputy.dgram)"
expect_eq "sendto /run/deputy.dgram as nobody denied" EPERM "$(as_nobody $C unix-sendto /run/deputy.dgram)"
expect_eq "connect+send /run/deputy.dgram denied" EPERM "$(net $C unix-dgram-connect /run/deputy.dgram)"
expect_eq "sendto /run/other.dgram allowed" ok "$(net $C unix-sendto /run/other.dgram)"
expect_eq "connect+send /run/other.dgram allowed" ok "$(net $C unix-dgram-connect /run/other.dgram)"
expect_eq "sendto /run/deputy.dgram unconfined" ok "$(net $F unix-sendto /run/deputy.dgram)"

echo "--- abstract names: only within the profile's domain"
expect_eq "connect @t74-outside (unconfined listener) denied" EPERM "$(net $C unix-connect @t74-outside)"
expect_eq "connect @t74-outside as nobody denied" EPERM "$(as_nobody $C unix-connect @t74-outside)"
expect_eq "connect @t74-neighbour (another profile's listener) denied" EPERM "$(net $C unix-connect @t74-neighbour)"
expect_eq "sendto @t74-outside-dgram denied" EPERM "$(net $C unix-sendto @t74-outside-dgram)"
expect_eq "connect @t74-inside (same cgroup) allowed" ok "$(net $C unix-connect @t74-inside)"
expect_eq "connect @t74-inside as nobody allowed" ok "$(as_nobody $C unix-connect @t74-inside)"
expect_eq "connect @t74-child (child cgroup, same profile) allowed" ok "$(net $C unix-connect @t74-child)"
expect_eq "from the child cgroup to @t74-inside allowed" ok "$(net $C/child unix-connect @t74-inside)"
expect_eq "sendto @t74-inside-dgram allowed" ok "$(net $C unix-sendto @t74-inside-dgram)"
expect_eq "connect @t74-outside unconfined" ok "$(net $F unix-connect @t74-outside)"
expect_eq "connect @t74-inside unconfined (the rule binds the confined only)" ok "$(net $F unix-connect @t74-inside)"
expect_eq "the neighbour cannot reach @t74-inside" EPERM "$(net $CG/t74n unix-connect @t74-inside)"

echo "--- unnamed peers (socketpair) are no deputies"
expect_eq "socketpair stream allowed" ok "$(net $C unix-pair stream)"
expect_eq "socketpair dgram allowed" ok "$(net $C unix-pair dgram)"

echo "--- descriptors a deputy opens and hands over (SCM_RIGHTS): decided like an open"
# The deputy (root, unconfined) opens whatever it is asked for; the kernel
# refuses to install a descriptor the receiving task's profile would not
# let it open (file_receive), as AppArmor revalidates one.
take() { _cg=$1; shift; net "$_cg" fd-take /run/fd.sock "$@"; }
expect_eq "the read-denied file, for reading: not installed" EPERM "$(take $C /srv/t74/secret r)"
expect_eq "...as nobody" EPERM "$(as_nobody $C fd-take /run/fd.sock /srv/t74/secret r)"
expect_eq "the same descriptor unconfined (control)" ok "$(take $F /srv/t74/secret r)"
expect_eq "a file under a write denial, for writing" EPERM "$(take $C /srv/t74/ro/f w)"
expect_eq "...for reading and writing" EPERM "$(take $C /srv/t74/ro/f rw)"
expect_eq "...as open(FILE, 3), for ioctls" EPERM "$(take $C /srv/t74/ro/f 3)"
expect_eq "...for reading (control: only writing is denied there)" ok "$(take $C /srv/t74/ro/f r)"
expect_eq "an allowed file, for writing (control)" ok "$(take $C /srv/t74/open w)"
expect_eq "a pipe (no name a rule could give: not decided)" ok "$(take $C - pipe)"
expect_eq "a memfd (no name either)" ok "$(take $C - memfd)"
expect_eq "an O_PATH descriptor of the read-denied file (it reads nothing)" ok "$(take $C /srv/t74/secret path)"
# Self-protection as at file_open: the daemon's files and its own directories, cgroup.* files.
expect_eq "a write descriptor of the daemon's state file" EPERM "$(take $C $STATE_DIR/state.json w)"
expect_eq "...unconfined (control)" ok "$(take $F $STATE_DIR/state.json w)"
expect_eq "a write descriptor of the root cgroup's cgroup.procs" EPERM "$(take $C $CG/cgroup.procs w)"
expect_eq "one of the task's own cgroup.procs (it would pull another task in)" EPERM "$(take $C $C/cgroup.procs w)"
expect_audit "a refused descriptor is logged like its open" '"hook":"file_receive"' '"verdict":"deny"' \
	'"path":"/srv/t74/secret"' '"access":"read"' '"rule":"/tmp/deputy.json:4:'

echo "--- credentials a deputy trusts: SCM_CREDENTIALS naming another process"
# PID 1 kills the unit whose main pid sends WATCHDOG=trigger to its notify socket; journald files
# lines under the pid named. A root may name any pid, uid and gid; a governed one only its own.
rm -f /tmp/t74-notify.sock /tmp/t74-notify.out /tmp/t74-notify.ready
enf-notify /tmp/t74-notify.sock /tmp/t74-notify.out --ready /tmp/t74-notify.ready &
NOTIFY=$!
i=0
while [ $i -lt 50 ] && [ ! -e /tmp/t74-notify.ready ]; do sleep 0.1; i=$((i + 1)); done
chmod 666 /tmp/t74-notify.sock # nobody may send to it: only the credentials are in question
expect_eq "confined root: a datagram naming PID 1 as its sender" EPERM \
	"$(in_cgroup $C enf-baseline send-as /tmp/t74-notify.sock 1 0 0 WATCHDOG=trigger)"
expect_eq "confined root: naming another uid" EPERM \
	"$(in_cgroup $C enf-baseline send-as /tmp/t74-notify.sock self 65534 0 as-nobody)"
expect_eq "confined root: its own credentials (control)" ok \
	"$(in_cgroup $C enf-baseline send-as /tmp/t74-notify.sock self 0 0 own-root)"
expect_eq "confined nobody: its own credentials (control)" ok \
	"$(in_cgroup $C enf-asuser 65534 65534 enf-baseline send-as /tmp/t74-notify.sock self 65534 65534 own-nobody)"
expect_eq "unconfined root: naming PID 1 (control: the kernel lets root)" ok \
	"$(enf-baseline send-as /tmp/t74-notify.sock 1 0 0 forged-outside)"
sleep 0.3
kill $NOTIFY 2>/dev/null
wait $NOTIFY 2>/dev/null
expect_eq "  the receiver got the unconfined forgery as PID 1's" 1 "$(grep -c '^pid=1 forged-outside$' /tmp/t74-notify.out)"
expect_eq "  and nothing from the cgroup as PID 1's or nobody's" 0 "$(grep -c 'WATCHDOG=trigger\|as-nobody' /tmp/t74-notify.out)"
expect_eq "  the controls arrived" 2 "$(grep -c 'own-root$\|own-nobody$' /tmp/t74-notify.out)"
expect_audit "the forgery is logged" '"hook":"baseline:forged-sender"' '"verdict":"deny"' '"reason":"baseline"'

echo "--- the baseline opt-out (ENF_BASELINE_UNIX_ABSTRACT): allowed and logged"
compile_and_load deputy '{"name":"deputy","mode":"enforce","baseline":{"unix-abstract":"allow"},
 "file":{"default":"allow","rules":[
 {"action":"deny","path":"/run/deputy.sock","access":["write"]},
 {"action":"deny","path":"/run/deputy.dgram","access":["write"]}]}}'
expect_eq "opted out: connect @t74-outside allowed" ok "$(net $C unix-connect @t74-outside)"
expect_audit "opted out: logged as audit, reason baseline" '"profile":"deputy"' '"verdict":"audit"' \
	'"reason":"baseline"' '"addr":"@t74-outside"' '"errno":0'
expect_eq "opted out: the path deputy is still refused" EPERM "$(net $C unix-connect /run/deputy.sock)"

echo "--- audit"
expect_audit "path deputy logged as write on the socket" '"hook":"unix_stream_connect"' '"verdict":"deny"' \
	'"path":"/run/deputy.sock"' '"access":"write"' '"rule":"/tmp/deputy.json:2:'
expect_audit "datagram deputy logged" '"hook":"unix_may_send"' '"path":"/run/deputy.dgram"' '"access":"write"'
expect_audit "abstract peer logged by name, reason domain" '"hook":"unix_stream_connect"' '"reason":"domain"' \
	'"op":"connect"' '"family":"unix"' '"addr":"@t74-outside"'
expect_audit "abstract datagram logged" '"hook":"unix_may_send"' '"reason":"domain"' '"op":"send"' \
	'"addr":"@t74-outside-dgram"'
expect_eq "no record for the allowed sockets" 0 "$(grep -c 'other\.sock\|other\.dgram\|"profile":"deputy".*t74-inside\|t74-child' "$AUDIT_LOG")"
expect_audit "the neighbour's refusal names its profile and the peer" '"profile":"neighbour"' '"reason":"domain"' '"addr":"@t74-inside"'
out=$(enf-schema-check /enforcer/docs/events.schema.json "$AUDIT_LOG" 2>&1)
expect_eq "every record is valid against docs/events.schema.json" 0 $? 
[ -n "$out" ] && echo "$out" | tail -n 3
grep '"hook":"unix_' "$AUDIT_LOG" | head -n 3

expect_exit "detach $C" 0 enforcerctl detach $C
expect_eq "after detach /run/deputy.sock connects" ok "$(net $C unix-connect /run/deputy.sock)"
expect_eq "after detach @t74-outside connects" ok "$(net $C unix-connect @t74-outside)"

finish
