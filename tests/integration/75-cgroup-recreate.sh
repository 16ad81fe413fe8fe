#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=600
#
# An attachment follows its cgroup path (issue 13): `systemctl restart`
# removes a unit's cgroup and creates it again under a new id. A task moved
# into the new directory at once must already be confined: the kernel
# attaches the path at mkdir (tp_btf/cgroup_mkdir, lsm-progs/cgroup_mkdir.bpf.c),
# before the directory can be opened, so there is no window to measure.
# Checked: the recreated cgroup (root and nobody, exec and open), a tight
# loop of rmdir/mkdir/move/try cycles, `list` naming the live id and never a
# stale one, detach (control), an unattached sibling (control), the daemon
# stopped (and removed cgroups' ids not piling up: enf_cgrp_rmdir), the
# daemon restarted while the cgroup does not exist, and pins of an older
# build without the map and the programs.
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/lifecycle.sh

install_program /usr/bin/wget
mkdir -p /srv/secret && echo s >/srv/secret/data && echo p >/srv/public
start_daemon
compile_and_load web '{"name":"web","mode":"enforce","exec":{"default":"allow","rules":[{"action":"deny","path":"/usr/bin/wget"}]},"file":{"default":"allow","rules":[{"action":"deny","path":"/srv/secret/data","access":["read"]}]}}'
S=$CG/system.slice
A=$S/app.service
mkdir -p $A $S/sibling.service

AS_NOBODY="enf-asuser 65534 65534"
cgid() { stat -c %i "$1" 2>/dev/null; }  # on cgroup2 the inode number is the cgroup id (64-bit kernels)

expect_exit "attach web to $A" 0 enforcerctl attach web $A
expect_eq "attached: exec denied" EPERM "$(in_cgroup $A enf-probe exec /usr/bin/wget)"
expect_eq "attached: open denied" EPERM "$(in_cgroup $A enf-probe open /srv/secret/data r)"
expect_eq "attached: allowed file opens (control)" ok "$(in_cgroup $A enf-probe open /srv/public r)"

# The attack: what systemctl restart does, then at once a task in the new cgroup.
rmdir $A && mkdir $A
expect_eq "recreated: exec denied at once" EPERM "$(in_cgroup $A enf-probe exec /usr/bin/wget)"
expect_eq "recreated: open denied at once" EPERM "$(in_cgroup $A enf-probe open /srv/secret/data r)"
expect_eq "recreated: nobody's exec denied" EPERM "$(in_cgroup $A $AS_NOBODY enf-probe exec /usr/bin/wget)"
expect_eq "recreated: allowed file opens (control)" ok "$(in_cgroup $A enf-probe open /srv/public r)"
expect_eq "unattached sibling: exec allowed (control)" ok "$(in_cgroup $S/sibling.service enf-probe exec /usr/bin/wget)"
id=$(cgid $A)
out=$(enforcerctl list)
expect_contains "list names the live cgroup id" "attached $A (cgroup id $id, holds)" "$out"

# A tight loop: every cycle moves a task in right after mkdir and tries both.
N=${RECREATE_CYCLES:-40}
allowed=0 n=0
while [ $n -lt $N ]; do
	rmdir $A && mkdir $A || { fail "cycle $n: rmdir/mkdir"; break; }
	r1=$(in_cgroup $A enf-probe exec /usr/bin/wget)
	r2=$(in_cgroup $A enf-probe open /srv/secret/data r)
	[ "$r1" = EPERM ] || { allowed=$((allowed + 1)); echo "cycle $n: exec gave $r1"; }
	[ "$r2" = EPERM ] || { allowed=$((allowed + 1)); echo "cycle $n: open gave $r2"; }
	n=$((n + 1))
done
expect_eq "$N rmdir/mkdir/move/try cycles: denied ops that ran" 0 "$allowed"
st=$(enforcerctl status)
expect_contains "status: the kernel attached every cycle in mkdir, none late" "attached in mkdir, 0 after it" "$st"
id=$(cgid $A)
out=$(enforcerctl list)
expect_contains "after the loop, list names the live id" "attached $A (cgroup id $id, holds)" "$out"
expect_eq "list shows one attachment of $A" 1 "$(echo "$out" | grep -c "$A")"
ents=$(bpftool map dump pinned $PIN_DIR/maps/attachments 2>/dev/null | grep -c '"key"')
expect_eq "stale ids of removed cgroups left the attachments map" 1 "$ents"

# Removed and not yet created: list says it waits, never that it holds.
rmdir $A
out=$(enforcerctl list)
expect_contains "absent: list shows the attachment waiting" "waiting $A -> web" "$out"
expect_eq "absent: not shown as holding" 0 "$(echo "$out" | grep -c "attached $A ")"
mkdir $A
expect_eq "created again: exec denied" EPERM "$(in_cgroup $A enf-probe exec /usr/bin/wget)"

# Daemon stopped (a plain stop leaves enforcement pinned): still followed.
stop_daemon
rmdir $A && mkdir $A
expect_eq "daemon stopped, recreated: exec denied" EPERM "$(in_cgroup $A enf-probe exec /usr/bin/wget)"
expect_eq "daemon stopped, recreated: nobody's open denied" EPERM "$(in_cgroup $A $AS_NOBODY enf-probe open /srv/secret/data r)"
expect_eq "daemon stopped: sibling allowed (control)" ok "$(in_cgroup $S/sibling.service enf-probe exec /usr/bin/wget)"
n=0
while [ $n -lt 10 ]; do rmdir $A && mkdir $A; n=$((n + 1)); done
ents=$(bpftool map dump pinned $PIN_DIR/maps/attachments 2>/dev/null | grep -c '"key"')
expect_eq "daemon stopped, 10 more recreations: removed cgroups' ids do not pile up (enf_cgrp_rmdir)" 1 "$ents"
expect_eq "daemon stopped, after them: exec denied" EPERM "$(in_cgroup $A enf-probe exec /usr/bin/wget)"

# Daemon restarted while the cgroup does not exist, then mkdir.
rmdir $A
restart_daemon
out=$(enforcerctl list)
expect_contains "restarted while absent: waiting" "waiting $A -> web" "$out"
mkdir $A
expect_eq "restarted while absent, then mkdir: exec denied" EPERM "$(in_cgroup $A enf-probe exec /usr/bin/wget)"
id=$(cgid $A)
expect_contains "list names the id after the restart" "attached $A (cgroup id $id, holds)" "$(enforcerctl list)"

# A restart while the cgroup exists under an id the state file does not know.
stop_daemon
rmdir $A && mkdir $A
restart_daemon
id=$(cgid $A)
out=$(enforcerctl list)
expect_contains "restarted after a recreation: the live id" "attached $A (cgroup id $id, holds)" "$out"
expect_eq "restarted after a recreation: one attachment" 1 "$(echo "$out" | grep -c "$A")"
expect_eq "restarted after a recreation: exec denied" EPERM "$(in_cgroup $A enf-probe exec /usr/bin/wget)"

# Pins of a build before this one (no cgroup_paths map, no enf_cgrp_mkdir/rmdir
# link): the next start loads the programs, creates the map and fills it from the state.
stop_daemon
rm -f $PIN_DIR/maps/cgroup_paths $PIN_DIR/links/enf_cgrp_mkdir $PIN_DIR/links/enf_cgrp_rmdir
rmdir $A && mkdir $A
expect_eq "older pins, no daemon: recreated cgroup not followed (the old build's gap)" ok "$(in_cgroup $A enf-probe exec /usr/bin/wget)"
restart_daemon
expect_eq "older pins adopted: the map is back" yes "$([ -e $PIN_DIR/maps/cgroup_paths ] && echo yes)"
expect_eq "older pins adopted: the program is back" 1 "$(prog_count enf_cgrp_mkdir)"
expect_eq "older pins adopted: the daemon attached the cgroup it found" EPERM "$(in_cgroup $A enf-probe exec /usr/bin/wget)"
rmdir $A && mkdir $A
expect_eq "older pins adopted, recreated: exec denied at once" EPERM "$(in_cgroup $A enf-probe exec /usr/bin/wget)"

# Detach, then rmdir/mkdir: no longer confined (control).
expect_exit "detach $A" 0 enforcerctl detach $A
rmdir $A && mkdir $A
expect_eq "detached, recreated: exec allowed (control)" ok "$(in_cgroup $A enf-probe exec /usr/bin/wget)"
expect_eq "detached: nothing listed for $A" 0 "$(enforcerctl list | grep -c "$A")"

# Detach while absent: the path is forgotten too.
expect_exit "attach again" 0 enforcerctl attach web $A
rmdir $A
expect_exit "detach while the cgroup is absent" 0 enforcerctl detach $A
mkdir $A
expect_eq "detached while absent, created: exec allowed (control)" ok "$(in_cgroup $A enf-probe exec /usr/bin/wget)"
finish
