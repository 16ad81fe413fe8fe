#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# A name read while a rename writes it. A rename writes a short name into
# the dentry in place and only then its length (copy_name(), swap_names()).
# A walk that reads the two in between reads the new bytes cut to the old
# length: "abc" renamed to "wwwx" read as "www", a name the directory never
# had and, here, the one an allow rule names (found by review). A walk
# now reads the node's rename sequence (rename_lock) before and after, and
# begins again when a rename ran meanwhile, then reading each dentry
# between two reads of its d_seq, which a rename makes odd while it
# writes. walks_begun_again counts the walks begun again: none while
# nothing renames, some during the race (so the sequence is read and
# compared: without it the race would be the per-dentry check's alone).
#
# A confined root renames /srv/t93/abc to wwwx and back in a loop while it
# opens the secret under both names. Every open is refused or finds nothing:
# none reads the secret. Controls: the allow rule opens, the secret is
# refused by name without the race, and outside the cgroup the same race
# reads it. It needs two CPUs: the guest has a second one, offline, which
# comes up once the daemon's programs are attached, and goes down before
# anything detaches them (boot.sh says why). Then once more with kernel
# addresses hidden, when only the per-dentry check is left.
. /enforcer/tests/integration/lib/lib.sh

CPU1=/sys/devices/system/cpu/cpu1/online

rm -rf /srv/t93
mkdir -p /srv/t93/abc /srv/t93/www
echo secret >/srv/t93/abc/secret
echo public >/srv/t93/www/pub

start_daemon --reload
if grep -q "no address of rename_lock" $DAEMON_LOG; then
	fail "the daemon found no address for rename_lock with kernel addresses visible"
else
	pass "the daemon found rename_lock's address (control for kptr_restrict=2 below)"
fi
compile_and_load t93 '{"name":"t93","mode":"enforce","file":{"default":"allow","rules":[
  {"action":"deny","path":"/srv/t93/**","access":["read"]},
  {"action":"allow","path":"/srv/t93/www/**","access":["read"]}]}}'
mkdir -p $CG/t93
expect_exit "attach t93" 0 enforcerctl attach t93 $CG/t93
c() { in_cgroup $CG/t93 enf-probe "$@"; }

[ -e $CPU1 ] && echo 1 >$CPU1
expect_eq "two CPUs online for the race" 2 "$(grep -c '^processor' /proc/cpuinfo)"
expect_eq "the allow rule's file reads (control)" ok "$(c open /srv/t93/www/pub r)"
expect_eq "the secret is refused by its name" EPERM "$(c open /srv/t93/abc/secret r)"
begun_again() { status_counter walks_begun_again; }
before=$(begun_again)
i=0
while [ $i -lt 20 ]; do c open /srv/t93/www/pub r >/dev/null; i=$((i + 1)); done
expect_eq "nothing renames: no walk begun again (control)" "$before" "$(begun_again)"
expect_eq "outside the cgroup: the race reads the secret (control)" ok \
	"$(enf-probe rename-race /srv/t93 abc wwwx secret 3 | cut -d' ' -f1)"
before=$(begun_again)
expect_eq "confined: no open during the rename race reads the secret" EPERM \
	"$(c rename-race /srv/t93 abc wwwx secret 20)"
after=$(begun_again)
if [ -n "$after" ] && [ "${after:-0}" -gt "${before:-0}" ]; then
	pass "the race made walks begin again: the rename sequence moved under them ($before -> $after)"
else
	fail "walks_begun_again did not grow during the race ($before -> $after): the rename sequence is not read"
fi
echo 0 >$CPU1

# Where kallsyms hides kernel addresses (kptr_restrict=2, even from root),
# the daemon has no address for rename_lock: it says so, and every walk
# reads each dentry between two reads of its d_seq from the start. The
# race is refused as before, and no walk is begun again. --reload: a
# restart keeps pinned programs of its build, address and all (both starts
# load, so the first is the control of the second).
kptr_restrict=$(cat /proc/sys/kernel/kptr_restrict)
stop_daemon
echo 2 >/proc/sys/kernel/kptr_restrict
start_daemon --reload
expect_contains "kptr_restrict=2: the daemon says it has no address for rename_lock" \
	"no address of rename_lock in /proc/kallsyms" "$(cat $DAEMON_LOG)"
[ -e $CPU1 ] && echo 1 >$CPU1
expect_eq "kptr_restrict=2: the allow rule's file reads (control)" ok "$(c open /srv/t93/www/pub r)"
before=$(begun_again)
expect_eq "kptr_restrict=2: no open during the rename race reads the secret" EPERM \
	"$(c rename-race /srv/t93 abc wwwx secret 20)"
expect_eq "kptr_restrict=2: each dentry checked from the start, no walk begun again" "$before" "$(begun_again)"
echo 0 >$CPU1
echo "$kptr_restrict" >/proc/sys/kernel/kptr_restrict
# Leave the node as found: pinned programs loaded with the addresses, which
# the tests after this one would otherwise keep running without.
stop_daemon
start_daemon --reload
finish
