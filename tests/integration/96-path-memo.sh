#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=300
#
# A governed task's last match is taken without walking (path_memos) when
# the leaf dentry, its name, its directory's inode and the mount are those
# of the kept match, and nothing on the node moved or was mounted, and no
# directory inode was freed, since. These are the routes that keep all of that but
# give the same dentry another path or another inode: a directory above it
# renamed into a denied tree, the mount it is in moved there, a denied file
# linked in under the same name in the same directory (on ext2, which keeps
# the name's dentry). Each must be decided anew.
# The paths are 20 components deep: the walked match memo (match_memos,
# test 83) keeps at most 16, so a match taken here was taken unwalked.
# One shell reads FILE twice, waits, and reads AFTER, which the test names
# after moving things outside (memo_reader, lib.sh).
# Controls: with nothing changed, the read after the wait takes the kept
# match (matches_memoized grows) and gives the same answer.
. /enforcer/tests/integration/lib/lib.sh

T=/srv/t96
DEEP=a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p # 16 components: with /srv/t96/open, x and the leaf, 20
mkdir -p $T/open/$DEEP/x $T/open/$DEEP/y $T/open/$DEEP/z $T/closed $T/open/mnt $T/closed/mnt
for f in $T/open/$DEEP/x/f $T/open/$DEEP/y/f $T/open/$DEEP/z/f $T/secret; do echo data >$f; done

# --reload: programs loaded now, with the lock addresses kallsyms gives (a
# restart keeps pinned programs of its build, whatever they were loaded with).
start_daemon --reload
if grep -q "no address of" $DAEMON_LOG; then
	fail "the daemon has no lock address, so no match is taken unwalked: $(grep "no address of" $DAEMON_LOG)"
fi
profile() {
	compile_and_load pm '{"name":"pm","mode":"enforce","file":{"default":"allow","rules":[
	  {"action":"deny","path":"/srv/t96/secret","access":["read"]},
	  {"action":"deny","path":"/srv/t96/closed/**","access":["read"]}'"$1"']}}'
}
profile ""
mkdir -p $CG/t96
expect_exit "attach pm" 0 enforcerctl attach pm $CG/t96

memo_taken $CG/t96 $T/open/$DEEP/x/f "first=ok second=ok" "an allowed name 20 components deep"

# A directory above the leaf renamed into the denied tree: the same leaf
# dentry, its name and its directory, under /srv/t96/closed.
memo_reader $CG/t96 $T/open/$DEEP/x/f $T/closed/x/f
mv $T/open/$DEEP/x $T/closed/x
expect_eq "the leaf's directory renamed into the denied tree" "first=ok second=denied" "$(memo_reader_go)"
expect_eq "a new shell is denied there too (control)" EPERM "$(in_cgroup $CG/t96 enf-probe open $T/closed/x/f r)"

# The mount the leaf is in moved into the denied tree: the same dentries in
# the same vfsmount, mounted elsewhere.
mount -t tmpfs t96 $T/open/mnt
mkdir -p $T/open/mnt/$DEEP
echo data >$T/open/mnt/$DEEP/f
memo_taken $CG/t96 $T/open/mnt/$DEEP/f "first=ok second=ok" "an allowed name 20 deep in a tmpfs"
memo_reader $CG/t96 $T/open/mnt/$DEEP/f $T/closed/mnt/$DEEP/f
mount --move $T/open/mnt $T/closed/mnt || fail "mount --move"
expect_eq "the tmpfs holding the leaf moved into the denied tree" "first=ok second=denied" "$(memo_reader_go)"
umount $T/closed/mnt

# The denied file linked in under the leaf's name, in the same directory:
# on tmpfs the unlinked name's dentry goes, and the link gets a new one.
memo_reader $CG/t96 $T/open/$DEEP/y/f
rm $T/open/$DEEP/y/f
ln $T/secret $T/open/$DEEP/y/f
expect_eq "a hard link to the denied file under the same name" "first=ok second=denied" "$(memo_reader_go)"

# On ext2 the unlinked name's dentry stays, negative, and the link fills
# it: the same dentry, name and directory, another inode, which the
# profile's identity of the denied file names (its rule is on the ext2).
E=$T/ext2
if ext2_on_loop /tmp/t96.img 8 $E; then
	mkdir -p $E/$DEEP
	echo data >$E/$DEEP/f
	echo data >$E/secret
	profile ',{"action":"deny","path":"/srv/t96/ext2/secret","access":["read"]}'
	memo_taken $CG/t96 $E/$DEEP/f "first=ok second=ok" "an allowed name 20 deep on ext2"
	memo_reader $CG/t96 $E/$DEEP/f
	rm $E/$DEEP/f
	ln $E/secret $E/$DEEP/f
	expect_eq "on ext2, a hard link to the denied file under the same name" "first=ok second=denied" \
		"$(memo_reader_go)"
	expect_eq "a new shell is denied it too (control)" EPERM "$(in_cgroup $CG/t96 enf-probe open $E/$DEEP/f r)"
	profile ""
	ext2_off_loop $E
fi

# A new version of the profile denies the name.
memo_reader $CG/t96 $T/open/$DEEP/z/f
profile ',{"action":"deny","path":"/srv/t96/open/**","access":["read"]}'
expect_eq "a new version of the profile denies the same name" "first=ok second=denied" "$(memo_reader_go)"
profile ""

# A directory removed on the node, between: its inode freed, the next read
# walks again (what a freed inode's address given to another directory
# would need). At this depth only path_memos counts in matches_memoized,
# so it must not grow.
before=$(status_counter matches_memoized)
memo_reader $CG/t96 $T/open/$DEEP/z/f
mkdir $T/gone && rmdir $T/gone
expect_eq "a directory removed elsewhere between" "first=ok second=ok" "$(memo_reader_go)"
expect_eq "...and its read walked: matches_memoized unchanged" "$before" "$(status_counter matches_memoized)"

finish
