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

int kallsyms_find(const char *path, const char *name, uint64_t *addr)
{
	enum { CHUNK = 256 * 1024, NAME_MAX_LEN = 512 };
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = -1;
	size_t name_len = strlen(name), held = 0;
	char needle[NAME_MAX_LEN + 2];

	if (name_len == 0 || name_len > NAME_MAX_LEN || memchr(name, '\n', name_len) || memchr(name, ' ', name_len))
		return -EINVAL;
	/* " NAME\n": see parse_line(). */
	needle[0] = ' ';
	memcpy(needle + 1, name, name_len);
	needle[name_len + 1] = '\n';
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
		int r;

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -errno;
		held += (size_t)got;
		last_newline = held ? memrchr(buf, '\n', held) : NULL;
		/*
		 * Whole lines only; at the end, or when a line fills the buffer
		 * (it cannot be the symbol's: its name is at most NAME_MAX_LEN
		 * bytes), all that is held.
		 */
		if (last_newline)
			complete = (size_t)(last_newline - buf) + 1;
		else
			complete = got == 0 || held == CHUNK ? held : 0;
		r = find_in(buf, complete, needle, name_len + 2, addr);
		if (r != -ENOENT || got == 0)
			return r;
		memmove(buf, buf + complete, held - complete);
		held -= complete;
	}
}
