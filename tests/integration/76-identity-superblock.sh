#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Inode identity is keyed by the superblock's device, as the hooks read it
# (inode->i_sb->s_dev), not by what stat() reports. On overlayfs whose
# layers live on other file systems (and on btrfs subvolumes) stat()'s
# st_dev is not the superblock's, so an identity taken with stat() never
# matched: a bind mount of a denied overlay file read freely. Controls: an
# allowed file on the same overlay, and the denied one outside the cgroup.
. /enforcer/tests/integration/lib/lib.sh

mod=/enforcer/modules/$(uname -r)/overlay.ko
if ! grep -qw overlay /proc/filesystems; then
	insmod "$mod" || { fail "insmod $mod"; finish; }
fi
# Lower layer on the initramfs root, upper on /tmp's tmpfs: two superblocks.
mkdir -p /srv/ovl-lower /tmp/ovl/up /tmp/ovl/work /srv/ovl /mnt
touch /mnt/ovl-secret
echo secret >/srv/ovl-lower/secret
echo pub >/srv/ovl-lower/public
mount -t overlay overlay -o lowerdir=/srv/ovl-lower,upperdir=/tmp/ovl/up,workdir=/tmp/ovl/work /srv/ovl ||
	{ fail "mount overlay"; finish; }
mount --bind /srv/ovl/secret /mnt/ovl-secret || { fail "bind mount"; finish; }

# The premise: stat()'s device differs from the overlay's superblock device.
st_dev=$(stat -c '%d' /srv/ovl/secret)
sb=$(awk '$5 == "/srv/ovl" { print $3 }' /proc/self/mountinfo)
sb_dev=$(( (${sb%%:*} << 8) | ${sb##*:} )) # glibc's encoding, as stat prints it, for small numbers
if [ "$st_dev" != "$sb_dev" ]; then
	pass "stat() device ($st_dev) is not the overlay superblock's ($sb)"
else
	fail "stat() device equals the superblock's ($sb): this overlay does not exercise the case"
fi

start_daemon
compile_and_load ovl '{"name":"ovl","mode":"enforce","file":{"default":"allow","rules":[
  {"action":"deny","path":"/srv/ovl/secret","access":["read"]}]}}'
mkdir -p $CG/t76
expect_exit "attach" 0 enforcerctl attach ovl $CG/t76
c() { in_cgroup $CG/t76 enf-probe "$@"; }

expect_eq "read the denied overlay file" EPERM "$(c open /srv/ovl/secret r)"
expect_eq "read an allowed file on the same overlay (control)" ok "$(c open /srv/ovl/public r)"
# A write copies a lower-only file up: the kernel opens its temporary file
# in the work directory, through the upper layer's private mount, whose
# root is the upper directory: that walk ends beside the mount's root.
[ -e /tmp/ovl/up/public ] && fail "public was copied up before the write"
expect_eq "append to a lower-only file (copy-up through the work directory)" ok "$(c open /srv/ovl/public a)"
[ -e /tmp/ovl/up/public ] && pass "the write copied public up" || fail "public was not copied up"
expect_eq "read the denied file through a bind mount (identity)" EPERM "$(c open /mnt/ovl-secret r)"
expect_eq "read through the bind mount outside the cgroup (control)" ok "$(enf-probe open /mnt/ovl-secret r)"
wait_for_log '"path":"/mnt/ovl-secret"'
expect_contains "the bind-mount denial was decided by identity" '"via_inode":true' \
	"$(grep '"path":"/mnt/ovl-secret"' "$AUDIT_LOG" | head -n 1)"

stop_daemon
umount /mnt/ovl-secret /srv/ovl
finish
