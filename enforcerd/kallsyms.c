// SPDX-License-Identifier: GPL-2.0-only
/* One symbol from /proc/kallsyms (kallsyms.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kallsyms.h"
#include "util.h"

/*
 * Lines are "ADDRESS TYPE NAME\n", with "\t[MODULE]" before the newline
 * for a module's symbol. So " NAME\n" is the kernel's NAME and no longer
 * name ending in it; then the line's start must be hex digits, a space and
 * a one-letter type.
 */
static int parse_line(const char *line, const char *type_end, uint64_t *addr)
{
	uint64_t v = 0;
	const char *p = line;

	if (type_end - line < 3 || type_end[-2] != ' ')
		return -EINVAL;
	for (; p < type_end - 2; p++) {
		int digit;

		if (*p >= '0' && *p <= '9')
			digit = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			digit = *p - 'a' + 10;
		else
			return -EINVAL;
		if (v >> 60)
			return -EINVAL;
		v = v << 4 | (uint64_t)digit;
	}
	*addr = v;
	return v ? 0 : -EPERM;
}

/* In the complete lines buf[0, n): the symbol's line, parsed. -ENOENT when not there. */
static int find_in(const char *buf, size_t n, const char *needle, size_t needle_len, uint64_t *addr)
{
	const char *hit = memmem(buf, n, needle, needle_len);
	const char *line;

	if (!hit)
		return -ENOENT;
	for (line = hit; line > buf && line[-1] != '\n'; line--)
		;
	return parse_line(line, hit, addr);
}

int kallsyms_find_each(const char *path, const char *const *names, uint64_t *addrs, int *results, size_t n)
{
	enum { CHUNK = 256 * 1024, NAME_MAX_LEN = 512, NAMES_MAX = 8 };
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = -1;
	char needles[NAMES_MAX][NAME_MAX_LEN + 2];
	size_t needle_len[NAMES_MAX], held = 0, left = n;

	if (n == 0 || n > NAMES_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		size_t name_len = strlen(names[i]);

		if (name_len == 0 || name_len > NAME_MAX_LEN || memchr(names[i], '\n', name_len) ||
		    memchr(names[i], ' ', name_len))
			return -EINVAL;
		/* " NAME\n": see parse_line(). */
		needles[i][0] = ' ';
		memcpy(needles[i] + 1, names[i], name_len);
		needles[i][name_len + 1] = '\n';
		needle_len[i] = name_len + 2;
		results[i] = -ENOENT;
		addrs[i] = 0;
	}
	buf = malloc(CHUNK);
	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t got = read(fd, buf + held, CHUNK - held);
		const char *last_newline;
		size_t complete;

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -errno;
		held += (size_t)got;
		last_newline = held ? memrchr(buf, '\n', held) : NULL;
		/*
		 * Whole lines only; at the end, or when a line fills the buffer
		 * (it cannot be a symbol's we look for: a name is at most
		 * NAME_MAX_LEN bytes), all that is held.
		 */
		if (last_newline)
			complete = (size_t)(last_newline - buf) + 1;
		else
			complete = got == 0 || held == CHUNK ? held : 0;
		for (size_t i = 0; i < n; i++) {
			if (results[i] != -ENOENT)
				continue;
			results[i] = find_in(buf, complete, needles[i], needle_len[i], &addrs[i]);
			if (results[i] != -ENOENT)
				left--;
		}
		if (left == 0 || got == 0)
			return 0;
		memmove(buf, buf + complete, held - complete);
		held -= complete;
	}
}

int kallsyms_find(const char *path, const char *name, uint64_t *addr)
{
	int result, r = kallsyms_find_each(path, &name, addr, &result, 1);

	return r < 0 ? r : result;
}
