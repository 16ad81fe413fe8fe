/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's inode filter (inode_filter, enforcer_abi.h): which inode
 * numbers may have an identity entry in `inodes`. The hooks look an
 * identity up only where its bit is set, so a bit missing for an entry
 * would let that object's other names (hard links, bind mounts) escape
 * its rules: bits are set before entries are inserted, and cleared only
 * by a rebuild from what the map holds.
 */
#ifndef ENFORCER_INODE_FILTER_H
#define ENFORCER_INODE_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "enforcer_abi.h"

/* Set the bits of inos[0..n) (before their entries are inserted). 0 or -errno. */
int inode_filter_add(int filter_fd, const uint64_t *inos, size_t n);

/*
 * A rebuild by the caller's own walk of the map: mark every entry that
 * stays, then write. A walk that deletes entries (an instance's removal)
 * needs no second one.
 */
void inode_filter_mark(struct enf_inode_filter *f, uint64_t ino);
int inode_filter_write(int filter_fd, const struct enf_inode_filter *f);

/* Rewrite the filter from the entries inodes_fd holds now. 0 or -errno. */
int inode_filter_rebuild(int filter_fd, int inodes_fd);

#endif /* ENFORCER_INODE_FILTER_H */
