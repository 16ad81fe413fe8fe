// SPDX-License-Identifier: GPL-2.0-only
/* enforcerd/kallsyms.c: one symbol from a kallsyms listing, stopping at it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kallsyms.h"
#include "unit.h"

static char path[] = "/tmp/enf-kallsyms-XXXXXX";

static int find(const char *text, const char *name, uint64_t *addr)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fputs(text, f);
	fclose(f);
	*addr = 0xdead;
	return kallsyms_find(path, name, addr);
}

#define RENAME_LOCK 0xffffffff82a0b040ull

/*
 * Filler lines of 32 bytes up to 64 bytes short of 512 KiB, pad bytes more,
 * then the symbol's line (32 bytes): a read of 256 KiB chunks gets it
 * whole (pad < 33) or split at the second chunk's end (33 and more).
 */
static char *listing_past_chunks(size_t pad)
{
	size_t filler_lines = (2 * 256 * 1024 - 64) / 32, len = 0;
	char *text = malloc(filler_lines * 32 + 256);

	if (!text)
		return NULL;
	for (size_t i = 0; i < filler_lines; i++) /* 32 bytes a line */
		len += (size_t)sprintf(text + len, "ffffffff81%06zx t filler_%05zx\n", i % 0x1000000, i % 0x100000);
	if (pad)
		len += (size_t)sprintf(text + len, "%.*s\n", (int)pad - 1,
				       "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	sprintf(text + len, "ffffffff82a0b040 D rename_lock\nffffffff82a0b080 D after\n");
	return text;
}

int main(void)
{
	uint64_t addr;
	int fd = mkstemp(path);
	char name[64];

	if (!EXPECT_TRUE(fd >= 0, "a temporary file"))
		return unit_done();
	close(fd);

	EXPECT_EQ(find("ffffffff82a0b040 D rename_lock\n", "rename_lock", &addr), 0, "the symbol alone");
	EXPECT_EQ(addr, RENAME_LOCK, "its address");
	EXPECT_EQ(find("ffffffff81000000 T _stext\n"
		       "ffffffff82000010 d rename_lock_key\n"
		       "ffffffff82000020 D my_rename_lock\n"
		       "ffffffff82a0b040 D rename_lock\n"
		       "ffffffff82a0b080 D rename_lock2\n",
		       "rename_lock", &addr),
		  0, "between names that contain it or end in it");
	EXPECT_EQ(addr, RENAME_LOCK, "its address, not theirs");
	EXPECT_EQ(find("ffffffffc0001000 d rename_lock\t[evil]\n", "rename_lock", &addr), -ENOENT,
		  "a module's symbol of the same name is not the kernel's");
	EXPECT_EQ(find("ffffffff81000000 T _stext\n", "rename_lock", &addr), -ENOENT, "absent");
	EXPECT_EQ(find("", "rename_lock", &addr), -ENOENT, "an empty listing");
	EXPECT_EQ(find("ffffffff82a0b040 D rename_lock", "rename_lock", &addr), -ENOENT, "a last line cut short");
	EXPECT_EQ(find("0000000000000000 D rename_lock\n", "rename_lock", &addr), -EPERM,
		  "listed at 0 (kptr_restrict)");
	EXPECT_EQ(find("ffffffff82a0b040 rename_lock\n", "rename_lock", &addr), -EINVAL, "a line without a type");
	EXPECT_EQ(find("fffffffg82a0b040 D rename_lock\n", "rename_lock", &addr), -EINVAL, "an address not in hex");
	EXPECT_EQ(find("1ffffffff82a0b040 D rename_lock\n", "rename_lock", &addr), -EINVAL,
		  "an address of more than 64 bits");
	EXPECT_EQ(find("ffffffff82a0b040 D rename_lock\n", "", &addr), -EINVAL, "no name to look for");
	EXPECT_EQ(find("ffffffff82a0b040 D rename_lock\n", "rename lock", &addr), -EINVAL, "a name with a space");
	EXPECT_EQ(kallsyms_find("/nonexistent/kallsyms", "rename_lock", &addr), -ENOENT, "no listing");

	/* Past the first 256 KiB chunk, whole in the second or split across its end. */
	for (size_t pad = 0; pad < 64; pad++) {
		char *text = listing_past_chunks(pad);

		snprintf(name, sizeof(name), "past two chunks, line %zu bytes further", pad);
		if (!EXPECT_TRUE(text != NULL, "a listing in memory"))
			break;
		EXPECT_EQ(find(text, "rename_lock", &addr), 0, name);
		EXPECT_EQ(addr, RENAME_LOCK, name);
		free(text);
	}

	/* A line longer than a chunk before it does not hide it. */
	{
		size_t long_len = 300 * 1024;
		char *text = malloc(long_len + 128);

		if (EXPECT_TRUE(text != NULL, "a listing in memory")) {
			memset(text, 'a', long_len);
			sprintf(text + long_len, "\nffffffff82a0b040 D rename_lock\n");
			EXPECT_EQ(find(text, "rename_lock", &addr), 0, "after a line longer than a chunk");
			EXPECT_EQ(addr, RENAME_LOCK, "its address after the long line");
			free(text);
		}
	}
	/* Several names in one pass: each answered as alone, wherever it lies. */
	{
		static const char *const names[] = { "rename_lock", "mount_lock", "absent_lock" };
		char *text = listing_past_chunks(40);
		uint64_t addrs[3];
		int results[3];
		FILE *f = fopen(path, "w");

		if (EXPECT_TRUE(text != NULL && f != NULL, "a listing on disk")) {
			fputs("ffffffff81000000 T _stext\nffffffff82000040 D mount_lock\n", f);
			fputs(text, f);
			fclose(f);
			f = NULL;
			EXPECT_EQ(kallsyms_find_each(path, names, addrs, results, 3), 0, "three names, one pass");
			EXPECT_EQ(results[0], 0, "the one past two chunks found");
			EXPECT_EQ(addrs[0], RENAME_LOCK, "its address");
			EXPECT_EQ(results[1], 0, "the one in the first line found");
			EXPECT_EQ(addrs[1], 0xffffffff82000040ull, "its address");
			EXPECT_EQ(results[2], -ENOENT, "the absent one not");
			EXPECT_EQ(kallsyms_find_each(path, names, addrs, results, 0), -EINVAL, "no names");
			EXPECT_EQ(kallsyms_find_each("/nonexistent/kallsyms", names, addrs, results, 2), -ENOENT,
				  "no listing");
		}
		if (f)
			fclose(f);
		free(text);
	}
	unlink(path);
	return unit_done();
}
