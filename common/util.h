/* SPDX-License-Identifier: GPL-2.0-only */
/* Small helpers every user-space part uses: cleanup attributes and whole-file I/O. */
#ifndef ENFORCER_UTIL_H
#define ENFORCER_UTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_closedir_ _cleanup_(closedirp)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Hand ownership out of a _cleanup_ variable. */
#define TAKE_PTR(p) ({ __typeof__(p) __p = (p); (p) = NULL; __p; })
#define TAKE_FD(fd) ({ int __fd = (fd); (fd) = -1; __fd; })

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * FNV-1a, the one non-cryptographic hash of the project: rule ids (32 bits,
 * docs/policy.md), the BPF object's id, hash tables. Start from the
 * *_OFFSET basis; feeding pieces one after another hashes their
 * concatenation.
 */
#define FNV1A32_OFFSET 0x811c9dc5u
#define FNV1A64_OFFSET 0xcbf29ce484222325ULL

static inline uint32_t fnv1a32(uint32_t h, const void *buf, size_t n)
{
	for (const unsigned char *p = buf; n; p++, n--)
		h = (h ^ *p) * 0x01000193u;
	return h;
}

static inline uint32_t fnv1a32_str(uint32_t h, const char *s)
{
	return fnv1a32(h, s, __builtin_strlen(s));
}

static inline uint64_t fnv1a64(uint64_t h, const void *buf, size_t n)
{
	for (const unsigned char *p = buf; n; p++, n--)
		h = (h ^ *p) * 0x100000001b3ULL;
	return h;
}

/*
 * Which build a BPF object is: FNV-1a over its ELF bytes, never 0 (0 in
 * the pinned settings means "no build recorded"). enforcerd records it for
 * the programs it pins; the test guest compares a pin directory with it.
 */
static inline uint64_t bpf_object_build_id(const void *elf, size_t n)
{
	uint64_t h = fnv1a64(FNV1A64_OFFSET, elf, n);

	return h ? h : 1;
}

/*
 * Open path for appending (created 0666 less the umask if missing): the fd,
 * or -errno. Only a regular file of one name reached without a symlink in
 * its last component: -ELOOP for a symlink, -EINVAL for a FIFO, socket or
 * device, which a log writer must not block on or write into, -EMLINK for
 * a file with other hard links (some other file linked in at the name).
 * O_NONBLOCK keeps a FIFO's open from waiting for a reader.
 */
int open_append_regular(const char *path);

/* Read all of fd (at most max bytes: -EFBIG beyond). 0 or -errno. */
int read_fd_all(int fd, size_t max, char **ret_buf, size_t *ret_len);
int read_file_all(const char *path, size_t max, char **ret_buf, size_t *ret_len);

/* Write via a temporary file in the same directory, fsync, rename, fsync dir. 0 or -errno. */
int write_file_atomic(const char *path, const void *buf, size_t len, int mode);
/* The same, the file's bytes given as parts written one after the other. */
int write_file_atomic_parts(const char *path, const struct iovec *parts, size_t n_parts, int mode);

/*
 * v in decimal, written so that it ends just before end (no NUL): returns
 * where it starts. Room for its digits before end is the caller's (20 for
 * any value). For text written per rule, where snprintf() costs more than
 * the rest of the work.
 */
char *decimal_before(char *end, uint64_t v);

/*
 * snprintf for messages and paths that may be cut short on purpose (a
 * long path in an error message): the compiler's truncation warning cannot
 * see through the va_list, so call sites need no casts or oversized buffers.
 */
void textf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Write all of buf, retrying on EINTR and short writes. 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);

#endif /* ENFORCER_UTIL_H */
