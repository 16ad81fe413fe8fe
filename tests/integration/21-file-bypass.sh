#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# File denials hold however the file is reached: symlink, hard link,
# /proc/self/root, a relative path after chdir, a bind mount, a path 40
# levels deep and longer than 1024 bytes; a denied file cannot be renamed
# away nor another file renamed onto its name; nothing can be created under
# a denied subtree; names of every length match (short and long trie keys,
# and a name shortened by rename). Every denial has a control: the same
# operation on an allowed file, or from outside the cgroup.
. /enforcer/tests/integration/lib/lib.sh

mkdir -p /srv/secret /srv/vault/sub /srv/public /mnt/b /srv/deepok
echo secret >/srv/secret/data
echo v >/srv/vault/sub/f
echo pub >/srv/public/file
echo other >/srv/other
ln -s /srv/secret/data /tmp/sym
ln /srv/secret/data /srv/hardlink
mount --bind /srv/secret /mnt/b || echo "note: bind mount failed"

# 40 levels of 30-character names: a path of more than 1200 bytes, under a
# denied subtree and under an allowed one.
name=abcdefghijklmnopqrstuvwxyz0123
deep=/srv/vault
deepok=/srv/deepok
i=0
while [ $i -lt 40 ]; do deep=$deep/$name; deepok=$deepok/$name; i=$((i + 1)); done
mkdir -p $deep $deepok
echo d >$deep/f
echo d >$deepok/f
echo "deep path is ${#deep} bytes"

# Component names around the boundary between the trie's two maps (names of
# at most 22 bytes in path_trie, longer ones in path_trie_long): 22, 23 and
# 24 bytes sharing a prefix, and one of 224 bytes.
n22=abcdefghijklmnopqrstuv
n23=${n22}w
n24=${n23}x
nlong=$n22$n22$n22$n22$n22$n22$n22$n22$n22${n24}yz
mkdir -p /srv/names

start_daemon
compile_and_load files '{"name":"files","mode":"enforce","file":{"default":"allow","rules":[
  {"action":"deny","path":"/srv/secret/data","access":["read","write"]},
  {"action":"deny","path":"/srv/names/'$n22'","access":["read"]},
  {"action":"deny","path":"/srv/names/'$n23'","access":["read"]},
  {"action":"deny","path":"/srv/names/'$nlong'/**","access":["read"]},
  {"action":"deny","path":"/srv/names/renamed","access":["read"]},
  {"action":"deny","path":"/srv/vault/**","access":["read","create"]}]}}'
mkdir -p $CG/t21
expect_exit "attach" 0 enforcerctl attach files $CG/t21
c() { in_cgroup $CG/t21 enf-probe "$@"; }

expect_eq "read: denied file" EPERM "$(c open /srv/secret/data r)"
expect_eq "read: allowed file (control)" ok "$(c open /srv/public/file r)"
expect_eq "read through a symlink" EPERM "$(c open /tmp/sym r)"
expect_eq "read through a hard link" EPERM "$(c open /srv/hardlink r)"
expect_eq "read through /proc/self/root" EPERM "$(c open /proc/self/root/srv/secret/data r)"
expect_eq "read by a relative path after chdir" EPERM "$(in_cgroup $CG/t21 sh -c 'cd /srv/secret && exec enf-probe open data r')"
expect_eq "relative path to an allowed file (control)" ok "$(in_cgroup $CG/t21 sh -c 'cd /srv/public && exec enf-probe open file r')"
expect_eq "read through a bind mount" EPERM "$(c open /mnt/b/data r)"
expect_eq "read 40 levels deep in a denied subtree" EPERM "$(c open $deep/f r)"
expect_eq "read 40 levels deep elsewhere (control)" ok "$(c open $deepok/f r)"
expect_eq "write: denied" EPERM "$(c open /srv/secret/data w)"
expect_eq "append: denied" EPERM "$(c open /srv/secret/data a)"
expect_eq "truncate(2): denied" EPERM "$(c truncate /srv/secret/data)"
expect_eq "write: allowed file (control)" ok "$(c open /srv/public/file w)"
expect_eq "rename the denied file away" EPERM "$(c rename /srv/secret/data /srv/moved)"
expect_eq "rename another file onto the denied name" EPERM "$(c rename /srv/other /srv/secret/data)"
expect_eq "rename the directory holding a denied subtree" EPERM "$(c rename /srv/vault /srv/vault2)"
expect_eq "rename an unrestricted file (control)" ok "$(c rename /srv/other /srv/other2)"
expect_eq "create under a denied subtree" EPERM "$(c create /srv/vault/new)"
expect_eq "mkdir under a denied subtree" EPERM "$(c mkdir /srv/vault/newdir)"
expect_eq "symlink under a denied subtree" EPERM "$(c symlink /srv/public/file /srv/vault/ln)"
expect_eq "create elsewhere (control)" ok "$(c create /srv/public/new)"
expect_eq "a new hard link may be made..." ok "$(c link /srv/secret/data /srv/hl2)"
expect_eq "...but reading through it is still denied" EPERM "$(c open /srv/hl2 r)"
expect_eq "outside the cgroup the file reads (control)" ok "$(enf-probe open /srv/secret/data r)"

# Created after the load: no inode identity, only the path can match.
for f in $n22 $n23 $n24 ${nlong}q; do echo n >/srv/names/$f; done
mkdir /srv/names/$nlong && echo n >/srv/names/$nlong/f
expect_eq "${#n22}-byte name denied" EPERM "$(c open /srv/names/$n22 r)"
expect_eq "${#n23}-byte name denied" EPERM "$(c open /srv/names/$n23 r)"
expect_eq "${#n24}-byte name with the same prefix (control)" ok "$(c open /srv/names/$n24 r)"
expect_eq "under a ${#nlong}-byte directory name denied" EPERM "$(c open /srv/names/$nlong/f r)"
expect_eq "a ${#nlong}-byte name plus one byte (control)" ok "$(c open /srv/names/${nlong}q r)"
expect_eq "outside the cgroup the subtree reads (control)" ok "$(enf-probe open $deep/f r)"

# A dentry renamed to a shorter name keeps the old name's bytes past the NUL
# in its inline buffer (the kernel copies the new name and its NUL only). The
# walk takes short names straight from that buffer, so those bytes must not
# reach the trie key. Renamed outside the cgroup: a rename onto a denied
# name is refused inside.
echo n >/srv/names/renamed-from-a-longer
expect_eq "the file under its longer name reads (control)" ok "$(c open /srv/names/renamed-from-a-longer r)"
mv /srv/names/renamed-from-a-longer /srv/names/renamed
expect_eq "renamed to a shorter denied name: denied" EPERM "$(c open /srv/names/renamed r)"

wait_for_log 'hardlink' || true
expect_contains "a hard-link denial says it was decided by identity" '"via_inode":true' "$(grep '"path":"/srv/hardlink"' "$AUDIT_LOG" | head -n 1)"
expect_contains "a deep denial names the deep path" "$name/$name/$name" "$(grep "vault/$name" "$AUDIT_LOG" | head -n 1)"
finish
