// SPDX-License-Identifier: GPL-2.0-only
/* The kernel's inode filter: see inode_filter.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include <bpf/bpf.h>

#include "inode_filter.h"

/* Set ino's bit in f; whether it was clear. */
static bool filter_set(struct enf_inode_filter *f, uint64_t ino)
{
	uint32_t bit = enf_inode_filter_bit(ino);
	uint64_t m = 1ULL << (bit % 64);
	bool was = f->word[bit / 64] & m;

	f->word[bit / 64] |= m;
	return !was;
}

void inode_filter_mark(struct enf_inode_filter *f, uint64_t ino)
{
	(void)filter_set(f, ino);
}

int inode_filter_write(int filter_fd, const struct enf_inode_filter *f)
{
	uint32_t zero = 0;

	return bpf_map_update_elem(filter_fd, &zero, f, BPF_ANY) < 0 ? -errno : 0;
}

int inode_filter_add(int filter_fd, const uint64_t *inos, size_t n)
{
	struct enf_inode_filter *f = NULL;
	uint32_t zero = 0;
	bool changed = false;
	int r;

	if (n == 0)
		return 0;
	f = malloc(sizeof(*f));
	if (!f)
		return -ENOMEM;
	/* The kernel's copy is the truth: a rebuild may have cleared bits since. */
	if (bpf_map_lookup_elem(filter_fd, &zero, f) < 0) {
		r = -errno;
		free(f);
		return r;
	}
	for (size_t i = 0; i < n; i++)
		changed |= filter_set(f, inos[i]);
	r = changed ? inode_filter_write(filter_fd, f) : 0;
	free(f);
	return r;
}

int inode_filter_rebuild(int filter_fd, int inodes_fd)
{
	struct enf_inode_filter *f = calloc(1, sizeof(*f));
	struct enf_inode_key cur, next;
	bool have_cur = false;
	int r;

	if (!f)
		return -ENOMEM;
	while (bpf_map_get_next_key(inodes_fd, have_cur ? &cur : NULL, &next) == 0) {
		inode_filter_mark(f, next.ino);
		cur = next;
		have_cur = true;
	}
	r = errno == ENOENT ? inode_filter_write(filter_fd, f) : -errno;
	free(f);
	return r;
}
