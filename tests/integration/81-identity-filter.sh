#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=300
#
# The inode filter (inode_filter, enforcer_abi.h) lets a walk skip the
# identity lookup of every inode no rule names. A bit missing for a named
# object would let its other names (a hard link, a bind mount) escape the
# rule. Shown here: the filter is consulted (emptied by hand, the hard link
# reads; that is the hole a start that did not rebuild it would leave over
# older pins), a restart rebuilds it from the pinned identities, an edit
# that replaces the instance keeps every live identity's bit, and nothing
# is left once the profile is gone. Controls: the denied file's own name,
# an allowed file beside the link.
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/lifecycle.sh

mkdir -p /srv/t81/vault /srv/t81/pub /mnt/t81
echo s >/srv/t81/secret
echo v >/srv/t81/vault/f
echo p >/srv/t81/pub/f
ln /srv/t81/secret /srv/t81/pub/hl       # a second name for the denied file
mount --bind /srv/t81/vault /mnt/t81     # a second name for the denied subtree

# Bytes of the filter that are not zero (its key is zero too).
filter_bytes() {
	bpftool -j map lookup pinned $PIN_DIR/maps/inode_filter key 0 0 0 0 | grep -o '"0x[0-9a-f]*"' | grep -vc '"0x00"'
}
zeros=$(i=0; while [ $i -lt 8192 ]; do printf '0 '; i=$((i + 1)); done)
c() { in_cgroup $CG/t81 enf-probe "$@"; }
other_names_denied() {
	expect_eq "$1: the hard link to the denied file is denied" EPERM "$(c open /srv/t81/pub/hl r)"
	expect_eq "$1: the denied subtree through a bind mount is denied" EPERM "$(c open /mnt/t81/f r)"
	expect_eq "$1: an allowed file beside the link (control)" ok "$(c open /srv/t81/pub/f r)"
}

start_daemon
compile_and_load t81 '{"name":"t81","mode":"enforce","file":{"default":"allow","rules":[
  {"action":"deny","path":"/srv/t81/secret","access":["read"]},
  {"action":"deny","path":"/srv/t81/vault/**","access":["read"]}]}}'
mkdir -p $CG/t81
expect_exit "attach" 0 enforcerctl attach t81 $CG/t81
other_names_denied "loaded"
expect_eq "the filter holds the identities' bits" yes "$([ "$(filter_bytes)" -gt 0 ] && echo yes)"

# What a daemon that did not rebuild the filter over older pins would leave.
kill9_daemon
expect_exit "the filter emptied by hand" 0 bpftool map update pinned $PIN_DIR/maps/inode_filter key 0 0 0 0 value $zeros
expect_eq "emptied filter: the hard link reads (the hole)" ok "$(c open /srv/t81/pub/hl r)"
expect_eq "emptied filter: the file's own name is still denied by its path (control)" EPERM "$(c open /srv/t81/secret r)"

restart_daemon
other_names_denied "restarted"
expect_eq "restarted: the filter was rebuilt" yes "$([ "$(filter_bytes)" -gt 0 ] && echo yes)"

# A new instance replaces the old one, whose removal rewrites the filter.
expect_exit "rule add (a new instance)" 0 enforcerctl rule add t81 file '{"action":"deny","path":"/srv/t81/none","access":["read"]}'
other_names_denied "edited"

expect_exit "unload" 0 enforcerctl unload t81 --force
expect_eq "unloaded: the hard link reads again (control)" ok "$(c open /srv/t81/pub/hl r)"
expect_eq "no identity left: the filter is empty" 0 "$(filter_bytes)"

umount /mnt/t81
finish
