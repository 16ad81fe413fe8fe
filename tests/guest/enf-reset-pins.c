// SPDX-License-Identifier: GPL-2.0-only
/*
 * enf-reset-pins PIN_DIR OBJECT: put the maps a stopped enforcerd left
 * pinned in PIN_DIR/maps back to what a fresh start creates (empty,
 * zeroed), keeping its programs attached and the settings' ABI version and
 * build id, if those are this ABI's and OBJECT's (enforcer.bpf.o, the
 * object enforcerd embeds); pins of another build are an error. The
 * next enforcerd then finds pins of its own build and adopts them (0.5 s
 * under TCG) instead of verifying and attaching 41 programs (5-6 s): the
 * test guest does this between tests (tests/vm/guest-init, reset_state),
 * which saves each kernel's run about four minutes. A test that needs a
 * load of its own says "# enforcer-test: fresh".
 *
 * "As a fresh start creates" covers what can hold state: hash and LPM maps
 * are emptied, arrays zeroed, the event ring drained (its records belong
 * to the test that caused them), and every live task's entry of each task
 * storage map deleted. After the guest's sweep the live tasks are PID 1
 * and kernel threads; socket storage dies with the sockets of the killed
 * tasks. A map of any other type, or any step that fails, is an error:
 * the guest then removes the pins and the next start loads afresh.
 *
 * No daemon may run meanwhile (the guest kills every process first).
 * Prints "reset N maps" on success; exit status 1 with a message on failure.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "enforcer_abi.h"
#include "util.h"

/* Delete keys until none is left: get_next_key(NULL) is the first key of any hash or LPM map. */
static int empty_keyed(int fd, const struct bpf_map_info *info)
{
	char key[info->key_size];

	while (bpf_map_get_next_key(fd, NULL, key) == 0)
		if (bpf_map_delete_elem(fd, key) < 0)
			return -errno;
	return errno == ENOENT ? 0 : -errno;
}

/* Every element zero; the settings keep what says whose pins they are. */
static int zero_array(int fd, const struct bpf_map_info *info, const char *name)
{
	size_t size = info->value_size;
	char *val;

	if (info->type == BPF_MAP_TYPE_PERCPU_ARRAY) {
		int cpus = libbpf_num_possible_cpus();

		if (cpus < 0)
			return cpus;
		size = ((size + 7) & ~(size_t)7) * (size_t)cpus;
	}
	val = calloc(1, size);
	if (!val)
		return -ENOMEM;
	for (__u32 i = 0; i < info->max_entries; i++) {
		if (strcmp(name, "settings") == 0) {
			struct enf_config old, fresh = {};

			if (info->value_size != sizeof(old) || bpf_map_lookup_elem(fd, &i, &old) < 0) {
				free(val);
				return -EPROTO;
			}
			fresh.abi_version = old.abi_version;
			fresh.object_id = old.object_id;
			memcpy(val, &fresh, sizeof(fresh));
		}
		if (bpf_map_update_elem(fd, &i, val, BPF_ANY) < 0) {
			int r = -errno;

			free(val);
			return r;
		}
	}
	free(val);
	return 0;
}

static int discard(void *ctx, void *data, size_t size)
{
	(void)ctx, (void)data, (void)size;
	return 0;
}

static int drain_ring(int fd)
{
	struct ring_buffer *rb = ring_buffer__new(fd, discard, NULL, NULL);
	int r;

	if (!rb)
		return -errno;
	r = ring_buffer__consume(rb);
	ring_buffer__free(rb);
	return r < 0 ? r : 0;
}

/* Each live task's entry, through a pidfd of it (ENOENT: it had none). */
static int empty_task_storage(int fd)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int r = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)) && r == 0) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		int pidfd;

		if (*end || pid <= 0)
			continue;
		pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
		if (pidfd < 0)
			continue; /* gone since readdir */
		if (bpf_map_delete_elem(fd, &pidfd) < 0 && errno != ENOENT)
			r = -errno;
		close(pidfd);
	}
	closedir(d);
	return r;
}

static int reset_map(const char *dir, const char *name)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd, r;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len) < 0) {
		r = -errno;
		fprintf(stderr, "enf-reset-pins: %s: %s\n", path, strerror(-r));
		if (fd >= 0)
			close(fd);
		return r;
	}
	switch (info.type) {
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_LPM_TRIE:
		r = empty_keyed(fd, &info);
		break;
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		r = zero_array(fd, &info, name);
		break;
	case BPF_MAP_TYPE_RINGBUF:
		r = drain_ring(fd);
		break;
	case BPF_MAP_TYPE_TASK_STORAGE:
		r = empty_task_storage(fd);
		break;
	case BPF_MAP_TYPE_SK_STORAGE:
		r = 0; /* the sockets were the killed tasks' */
		break;
	default:
		fprintf(stderr, "enf-reset-pins: %s: map type %u: no way to empty it here\n", path, info.type);
		close(fd);
		return -EOPNOTSUPP;
	}
	close(fd);
	if (r < 0)
		fprintf(stderr, "enf-reset-pins: %s: %s\n", path, strerror(-r));
	return r;
}

/* 0 when the pinned settings are this ABI's and name OBJECT's build. */
static int same_build(const char *dir, const char *object)
{
	struct enf_config cfg;
	char path[PATH_MAX + 16];
	struct stat st;
	__u32 zero = 0;
	void *elf;
	int fd, r;

	snprintf(path, sizeof(path), "%s/settings", dir);
	fd = bpf_obj_get(path);
	r = fd < 0 ? -errno : bpf_map_lookup_elem(fd, &zero, &cfg) < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
	if (r < 0) {
		fprintf(stderr, "enf-reset-pins: %s: %s\n", path, strerror(-r));
		return -1;
	}
	fd = open(object, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size == 0) {
		fprintf(stderr, "enf-reset-pins: %s: %s\n", object, fd < 0 ? strerror(errno) : "empty or unreadable");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	elf = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (elf == MAP_FAILED) {
		fprintf(stderr, "enf-reset-pins: %s: %s\n", object, strerror(errno));
		return -1;
	}
	r = cfg.abi_version == ENF_ABI_VERSION && cfg.object_id == bpf_object_build_id(elf, (size_t)st.st_size) ? 0 : -1;
	munmap(elf, (size_t)st.st_size);
	if (r < 0)
		fprintf(stderr, "enf-reset-pins: the pins in %s are not this build's (ABI %u)\n", dir, cfg.abi_version);
	return r;
}

int main(int argc, char **argv)
{
	char dir[PATH_MAX];
	struct dirent *de;
	int n = 0, r = 0;
	DIR *d;

	if (argc != 3) {
		fprintf(stderr, "usage: enf-reset-pins PIN_DIR OBJECT\n");
		return 2;
	}
	if ((size_t)snprintf(dir, sizeof(dir), "%s/maps", argv[1]) >= sizeof(dir)) {
		fprintf(stderr, "enf-reset-pins: %s: name too long\n", argv[1]);
		return 1;
	}
	if (same_build(dir, argv[2]) < 0)
		return 1;
	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "enf-reset-pins: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	/* The settings first: with no level marked as attached, the programs look for no profile (and raise no event). */
	r = reset_map(dir, "settings");
	while (r == 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "settings") == 0)
			continue;
		r = reset_map(dir, de->d_name);
		n++;
	}
	closedir(d);
	/* Last, what the programs wrote while the others were emptied. */
	if (r == 0)
		r = reset_map(dir, "events");
	if (r < 0)
		return 1;
	printf("reset %d maps\n", n + 1);
	return 0;
}
