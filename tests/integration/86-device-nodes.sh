#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# A device node is its device, whatever its name.
#
# Rules name paths. Root in a confined cgroup (CAP_MKNOD) made a new node
# for the block device that holds a denied file, under a name no rule
# gives (mknod /tmp/x b MAJ MIN), and read the file's bytes from the raw
# device, though the profile denied both the file and /dev/** : on both
# kernels. The baseline now refuses creating block and character device
# nodes (word "device-nodes", hook baseline:device-node), as Landlock's
# make_block/make_char rights do. A whiteout (a character node 0:0, what
# overlayfs writes for a deletion; it opens nothing) is not a device.
# Controls: the same mknod outside the cgroup, a FIFO and a whiteout
# in it, the opt-out (allowed, logged).
# enforcer-test: timeout=240
. /enforcer/tests/integration/lib/lib.sh

T=/tmp/t86
rm -rf $T && mkdir -p $T/nodes
ext2_on_loop $T/img 4 $T/mnt || finish
dev=$LOOP_DEV
echo "t86-secret-bytes" >$T/mnt/secret
sync
majmin=$(stat -c '%t %T' "$dev")
maj=$((0x${majmin% *}))
min=$((0x${majmin#* }))

start_daemon
PROFILE='"file":{"default":"allow","rules":[
  {"action":"deny","path":"'$T'/mnt/secret","access":["read"]},
  {"action":"deny","path":"/dev/**","access":["read","write"]}]}'
baseline_pair dev device-nodes "$PROFILE"
c() { in_cgroup $CG/dev "$@"; }

# The rules hold under their names.
expect_eq "read the denied file" EPERM "$(c enf-probe open $T/mnt/secret r)"
expect_eq "read the device under /dev" EPERM "$(c enf-probe open "$dev" r)"

# A new name for the device.
c mknod $T/nodes/blk b "$maj" "$min" 2>/dev/null
expect_eq "mknod of the block device in the cgroup" 0 "$([ -b $T/nodes/blk ] && echo 1 || echo 0)"
# (No 2>/dev/null in the cgroup: /dev/** is denied.)
got=$(c cat $T/nodes/blk 2>&1 | grep -ac "t86-secret-bytes")
expect_eq "the denied file's bytes, read through a node of its own" 0 "${got:-0}"
c mknod $T/nodes/mem c 1 1 2>/dev/null
expect_eq "mknod of a character device (/dev/mem's 1:1) in the cgroup" 0 "$([ -c $T/nodes/mem ] && echo 1 || echo 0)"
wait_for_log '"hook":"baseline:device-node"' || true
expect_contains "the refusal is logged" '"hook":"baseline:device-node"' \
	"$(grep '"hook":"baseline:device-node"' "$AUDIT_LOG" | head -n 1)"

# Not devices.
expect_exit "a FIFO in the cgroup (control)" 0 c mknod $T/nodes/fifo p
expect_exit "a whiteout (character 0:0) in the cgroup (control)" 0 c mknod $T/nodes/wh c 0 0

# Outside the cgroup, and under the opt-out.
rm -f $T/nodes/blk
expect_exit "mknod outside the cgroup (control)" 0 mknod $T/nodes/blk b "$maj" "$min"
expect_eq "the file's bytes through that node, outside the cgroup (control: the route is real)" 1 \
	"$(cat $T/nodes/blk | grep -ac "t86-secret-bytes")"
rm -f $T/nodes/blk
expect_exit "mknod under the opt-out" 0 in_cgroup $CG/devopt mknod $T/nodes/blk b "$maj" "$min"
wait_for_log '"profile":"devopt".*"verdict":"audit"' || true
expect_contains "the opted-out mknod is logged (audit)" '"verdict":"audit"' \
	"$(grep '"hook":"baseline:device-node"' "$AUDIT_LOG" | grep '"profile":"devopt"' | head -n 1)"

stop_daemon
ext2_off_loop $T/mnt
finish
