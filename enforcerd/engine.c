// SPDX-License-Identifier: GPL-2.0-only
/*
 * The BPF side of the daemon (engine.h): the pin directory's life (lock,
 * move aside, adopt or load, stage, commit, remove) and the object's maps.
 * One file, over 700 lines: those steps are one sequence in which each
 * failure undoes the steps before it, and the undo must sit beside them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <linux/magic.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "engine.h"
#include "inode_filter.h"
#include "kallsyms.h"
#include "enforcer.skel.h"
#include "log.h"
#include "support.h"
#include "util.h"

static bool libbpf_verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* libbpf's own lines are for --verbose; users get one explained message. */
	(void)level;
	if (!libbpf_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Remove a directory tree on bpffs: links first, so programs detach before maps go. */
static int remove_tree(const char *path)
{
	struct dirent *de;
	DIR *d;
	int r = 0;

	for (int pass = 0; pass < 2; pass++) {
		d = opendir(path);
		if (!d)
			return errno == ENOENT ? 0 : -errno;
		while ((de = readdir(d))) {
			char sub[4096];
			bool links = strcmp(de->d_name, "links") == 0 || strcmp(de->d_name, "staging") == 0;

			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			if ((pass == 0) != links)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
			if (de->d_type == DT_DIR) {
				int q = remove_tree(sub);

				r = r ?: q;
			} else if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT) {
				r = r ?: -errno;
			}
		}
		closedir(d);
	}
	if (rmdir(path) < 0 && errno != ENOENT)
		r = r ?: -errno;
	return r;
}

static int pinned_settings_fd(const char *pin_dir)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/maps/settings", pin_dir);
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

int engine_pinned_abi(const char *pin_dir, unsigned *ret_abi)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), zero = 0, abi;
	_cleanup_close_ int fd = pinned_settings_fd(pin_dir);

	if (fd == -ENOENT) {
		*ret_abi = 0;
		return 0;
	}
	if (fd < 0)
		return fd;
	if (bpf_obj_get_info_by_fd(fd, &info, &len) < 0)
		return -errno;
	if (info.value_size < ENF_CONFIG_ABI_OFFSET + sizeof(abi) || info.value_size > 4096)
		return -EPROTO;
	{
		unsigned char buf[info.value_size];

		if (bpf_map_lookup_elem(fd, &zero, buf) < 0)
			return -errno;
		memcpy(&abi, buf + ENF_CONFIG_ABI_OFFSET, sizeof(abi));
	}
	*ret_abi = abi ? abi : 1;
	return 0;
}

static int mkdir_p1(const char *path)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* The pid of the daemon the pinned settings name (0: none or unreadable), for messages. */
static unsigned pinned_daemon_pid(const char *pin_dir)
{
	_cleanup_close_ int fd = pinned_settings_fd(pin_dir);
	struct enf_config cfg;
	__u32 zero = 0;

	if (fd < 0 || bpf_map_lookup_elem(fd, &zero, &cfg) < 0)
		return 0;
	return cfg.daemon_tgid;
}

/*
 * One daemon per pinned state. A second one would adopt the pins, drop map
 * entries of profile versions its own state does not name and rename live
 * profiles before it found the control socket taken: the first daemon's
 * confined tasks would then fail closed on everything. So the pin
 * directory is flock()ed before anything in it is read or changed; the
 * lock goes with the process, a crash included. Confined tasks cannot
 * take it first (self.bpf.c: no locks on bpffs for them).
 */
static int lock_pin_dir(struct engine *e, int *ret_fd, char *msg, size_t size)
{
	_cleanup_close_ int fd = -1;
	unsigned pid;
	int r;

	r = mkdir_p1(e->pin_dir);
	if (r == 0) {
		fd = open(e->pin_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		r = fd < 0 ? -errno : 0;
	}
	if (r < 0) {
		snprintf(msg, size, "cannot use %s as the pin directory: %s. It must be a directory on a bpf file "
			 "system: mount one (mount -t bpf bpf /sys/fs/bpf) or pass --pin-dir.", e->pin_dir, strerror(-r));
		return r;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		*ret_fd = TAKE_FD(fd);
		return 0;
	}
	r = -errno;
	if (r != -EWOULDBLOCK) {
		snprintf(msg, size, "cannot lock the pin directory %s: %s", e->pin_dir, strerror(-r));
		return r;
	}
	pid = pinned_daemon_pid(e->pin_dir);
	if (pid)
		snprintf(msg, size, "another enforcerd (pid %u) is running on the pinned state in %s; this one exits "
			 "without touching it. Stop that one first (systemctl stop enforcerd, or enforcerctl shutdown), "
			 "or give this one its own --pin-dir, --state-dir and --socket.", pid, e->pin_dir);
	else
		snprintf(msg, size, "another enforcerd is running on the pinned state in %s (it holds the lock on "
			 "that directory); this one exits without touching it. Stop that one first (systemctl stop "
			 "enforcerd, or enforcerctl shutdown), or give this one its own --pin-dir, --state-dir and "
			 "--socket.", e->pin_dir);
	return -EBUSY;
}

/*
 * Mark this task as the daemon in self_daemon, through a pidfd of itself:
 * self-protection exempts the daemon and shields it only while this task
 * lives (lsm-progs/self.bpf.c). Written before settings.daemon_tgid names
 * it. enforcerd is single-threaded: its one task is the process.
 */
static int mark_daemon_task(struct engine *e)
{
	int fd = engine_map_fd(e, "self_daemon");
	_cleanup_close_ int pidfd = -1;
	__u32 tgid = (__u32)getpid();

	if (fd < 0)
		return fd;
	pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (pidfd < 0)
		return -errno;
	if (bpf_map_update_elem(fd, &pidfd, &tgid, BPF_ANY) < 0)
		return -errno;
	return 0;
}

/* The maps of the object, with their pin paths set; the first pinned one that does not fit, if any. */
static int set_pin_paths(struct engine *e, char *bad, size_t bad_size)
{
	struct bpf_map *map;

	bad[0] = 0;
	bpf_object__for_each_map(map, e->skel->obj) {
		char path[4096];
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);
		int fd, r;

		if (bpf_map__is_internal(map))
			continue; /* .rodata/.bss belong to one object's programs */
		snprintf(path, sizeof(path), "%s/maps/%s", e->pin_dir, bpf_map__name(map));
		r = bpf_map__set_pin_path(map, path);
		if (r < 0)
			return r;
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
		    (info.type != bpf_map__type(map) || info.key_size != bpf_map__key_size(map) ||
		     info.value_size != bpf_map__value_size(map) ||
		     info.max_entries != bpf_map__max_entries(map) ||
		     info.map_flags != bpf_map__map_flags(map)) && !bad[0])
			snprintf(bad, bad_size, "%s", bpf_map__name(map));
		close(fd);
	}
	return 0;
}

/* Move pinned state of another layout aside; its programs keep enforcing until engine_drop_migrated(). */
static int move_aside(struct engine *e, unsigned old_abi, char *msg, size_t size)
{
	char path[4096];

	for (int n = 0; n < 100; n++) {
		if (n == 0)
			snprintf(path, sizeof(path), "%s-old-abi%u", e->pin_dir, old_abi);
		else
			snprintf(path, sizeof(path), "%s-old-abi%u-%d", e->pin_dir, old_abi, n);
		if (access(path, F_OK) == 0)
			continue;
		if (rename(e->pin_dir, path) < 0) {
			int r = -errno;

			snprintf(msg, size, "cannot move the pinned state %s aside to %s: %s", e->pin_dir, path, strerror(-r));
			return r;
		}
		e->migrated_from = strdup(path);
		return e->migrated_from ? 0 : -ENOMEM;
	}
	snprintf(msg, size, "too many old pinned states next to %s; remove them with 'enforcerd --cleanup'", e->pin_dir);
	return -EEXIST;
}

static int prepare_pin_dir(struct engine *e, const struct engine_options *o, char *msg, size_t size)
{
	char sub[4096];
	struct statfs sf;
	unsigned abi;
	int r;

	/* lock_pin_dir() made the directory. */
	r = statfs(e->pin_dir, &sf) < 0 || sf.f_type != BPF_FS_MAGIC ? -ENOTDIR : 0;
	if (r < 0) {
		snprintf(msg, size, "cannot use %s as the pin directory: %s. It must be on a bpf file system: "
			 "mount one (mount -t bpf bpf /sys/fs/bpf) or pass --pin-dir.", e->pin_dir,
			 r == -ENOTDIR ? "not on a bpf file system" : strerror(-r));
		return r;
	}
	r = engine_pinned_abi(e->pin_dir, &abi);
	if (r < 0) {
		snprintf(msg, size, "cannot read the ABI version of the pinned state in %s: %s. Remove it with "
			 "'enforcerd --cleanup' (this ends its enforcement).", e->pin_dir, strerror(-r));
		return r;
	}
	e->adopted_abi = abi;
	if (abi && abi != ENF_ABI_VERSION) {
		if (!o->migrate) {
			snprintf(msg, size, "the enforcement state pinned in %s was created by an enforcerd with ABI "
				 "version %u; this enforcerd uses ABI version %u and cannot adopt it, so it refuses to "
				 "start. The old programs are still attached and enforcing. To upgrade without a gap, run "
				 "'enforcerd --migrate' (it rebuilds every profile from the state directory, then detaches "
				 "the old programs); to remove the old enforcement instead, run 'enforcerd --cleanup'.",
				 e->pin_dir, abi, ENF_ABI_VERSION);
			return -EPROTO;
		}
		r = move_aside(e, abi, msg, size);
		if (r < 0)
			return r;
		/* The locked directory moved aside with the old state: lock the new one too. */
		r = lock_pin_dir(e, &e->lock_fds[1], msg, size);
		if (r < 0)
			return r;
	}
	snprintf(sub, sizeof(sub), "%s/maps", e->pin_dir);
	r = mkdir_p1(sub);
	snprintf(sub, sizeof(sub), "%s/links", e->pin_dir);
	if (r == 0)
		r = mkdir_p1(sub);
	snprintf(sub, sizeof(sub), "%s/staging", e->pin_dir);
	if (r == 0)
		r = mkdir_p1(sub);
	if (r < 0)
		snprintf(msg, size, "cannot create %s: %s", sub, strerror(-r));
	return r;
}

/*
 * Pin paths of program links: committed ("links/NAME") or being attached
 * ("staging/NAME"). bpffs refuses names with a dot (reserved), hence a
 * directory rather than a suffix.
 */
static void link_path(const struct engine *e, const struct bpf_program *prog, bool staged, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s/%s", e->pin_dir, staged ? "staging" : "links", bpf_program__name(prog));
}

/*
 * Programs on hooks that a supported kernel may lack, each loaded only where
 * the kernel has its hook. Only these: any other hook a kernel lacks fails
 * the load, since a program left out is enforcement left out.
 */
static const struct {
	const char *program, *hook;
	const char *needed_with; /* a kernel function that routes around the others without the hook */
} optional_programs[] = {
	/* ACLs have hooks of their own from 6.2 (vfs_set_acl, vfs_remove_acl); before, they are xattrs,
	 * which enf_base_setxattr and enf_base_removexattr decide. */
	{ "enf_base_set_acl", "inode_set_acl", "vfs_set_acl" },
	{ "enf_base_remove_acl", "inode_remove_acl", "vfs_remove_acl" },
	/* A 32-bit task's ioctl has a hook of its own from 6.8 (and Debian's 6.1, a backport); before, file_ioctl. */
	{ "enf_base_ioctl_compat", "file_ioctl_compat", "security_file_ioctl_compat" },
};

#define N_OPTIONAL (sizeof(optional_programs) / sizeof(optional_programs[0]))

/*
 * libbpf's section handler for lsm/HOOK programs, in place of its own: the
 * same program type and attach, but the attach id comes from the engine's
 * one pass over vmlinux BTF (hook_ids.h) rather than a search per program.
 */
static const struct hook_ids *lsm_hook_ids; /* the starting engine's (engine_start()) */

static int lsm_prepare_load(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	const char *hook = strchr(bpf_program__section_name(prog), '/');
	int id = hook && lsm_hook_ids ? hook_ids_find(lsm_hook_ids, hook + 1) : -EINVAL;

	(void)cookie;
	if (id < 0) {
		log_error("the BPF program %s is for the LSM hook %s, which this kernel's BTF does not name "
			  "(no function bpf_lsm_%s)", bpf_program__name(prog), hook ? hook + 1 : "(none)",
			  hook ? hook + 1 : "");
		return id;
	}
	opts->attach_btf_obj_fd = 0; /* vmlinux */
	opts->attach_btf_id = (__u32)id;
	return 0;
}

static int lsm_attach(const struct bpf_program *prog, long cookie, struct bpf_link **link)
{
	(void)cookie;
	*link = bpf_program__attach_lsm(prog);
	return libbpf_get_error(*link);
}

/*
 * libbpf's table of handlers is the process's: the handler is registered
 * once, before the first object is opened (libbpf matches each program's
 * section to a handler then), and never unregistered. libbpf before 1.2.2
 * (bookworm's 1.1.2) leaves the table pointing at freed memory when its last
 * handler goes (a realloc to 0 bytes), and the next registration would
 * write there. 0 or -errno.
 */
static int register_lsm_handler(void)
{
	static int id;

	if (id > 0)
		return 0;
	id = libbpf_register_prog_handler("lsm/", BPF_PROG_TYPE_LSM, BPF_LSM_MAC,
					  &(struct libbpf_prog_handler_opts){
						  .sz = sizeof(struct libbpf_prog_handler_opts),
						  .prog_prepare_load_fn = lsm_prepare_load,
						  .prog_attach_fn = lsm_attach,
					  });
	return id > 0 ? 0 : id;
}

/*
 * Before load: vmlinux BTF, read once for everything below and for the
 * programs' attach ids; which optional programs this kernel has hooks for;
 * whether the xattr programs give the kernel's capability check for
 * security.* back (lsm-progs/baseline.bpf.c, xattr_no_objection()); and
 * whether the verifier searches BTF for loads through trusted pointers.
 */
static int select_programs(struct engine *e, const char *lsm_list)
{
	/*
	 * The types the verifier's btf_nested_type_is_trusted() looks for
	 * (task_struct__safe_rcu from 6.4, task_struct__safe_fields in 6.3):
	 * where they exist, it searches BTF for each pointer loaded through a
	 * trusted one, and the programs load the pointers they read often
	 * through an untrusted copy, bpf_rdonly_cast() (6.2 on), which it does
	 * not search (maps.bpf.h, trusted_loads_searched).
	 */
	enum { WANT_SAFE_RCU, WANT_SAFE_FIELDS, WANT_RDONLY_CAST, WANT_FIXED };
	struct btf_want wants[WANT_FIXED + N_OPTIONAL] = {
		[WANT_SAFE_RCU] = { .name = "task_struct__safe_rcu", .kind = BTF_KIND_STRUCT },
		[WANT_SAFE_FIELDS] = { .name = "task_struct__safe_fields", .kind = BTF_KIND_STRUCT },
		[WANT_RDONLY_CAST] = { .name = "bpf_rdonly_cast", .kind = BTF_KIND_FUNC },
	};
	struct btf *vmlinux;
	bool skipcap;
	int r = 0;

	for (size_t i = 0; i < N_OPTIONAL; i++)
		wants[WANT_FIXED + i] = (struct btf_want){ .name = optional_programs[i].needed_with, .kind = BTF_KIND_FUNC };
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return -errno;
	hook_ids_free(&e->hooks); /* a second open of the object (engine_start()) scans again */
	r = hook_ids_scan(&e->hooks, vmlinux, wants, sizeof(wants) / sizeof(wants[0]));
	btf__free(vmlinux); /* before load, where libbpf reads its own copy */
	if (r < 0)
		return r;
	e->skel->rodata->trusted_loads_searched =
		(wants[WANT_SAFE_RCU].found || wants[WANT_SAFE_FIELDS].found) && wants[WANT_RDONLY_CAST].found;
	e->skel->rodata->rdonly_cast_usable = wants[WANT_RDONLY_CAST].found;
	skipcap = hook_ids_find(&e->hooks, "inode_xattr_skipcap") >= 0;
	e->skel->rodata->xattr_give_back_cap_check = !skipcap && support_xattr_hooks_end_at_bpf(lsm_list);
	if (!skipcap && !e->skel->rodata->xattr_give_back_cap_check)
		log_info("the LSM list %s has after \"bpf\" an LSM that may decide setxattr: the xattr programs answer "
			 "0, as the BPF LSM does, and the capability check for security.* that it skips on this kernel is "
			 "left to that LSM", lsm_list);
	for (size_t i = 0; i < N_OPTIONAL && r == 0; i++) {
		struct bpf_program *prog = bpf_object__find_program_by_name(e->skel->obj, optional_programs[i].program);

		if (!prog)
			r = -ENOENT;
		else if (hook_ids_find(&e->hooks, optional_programs[i].hook) >= 0)
			continue;
		else if (wants[WANT_FIXED + i].found)
			r = -EOPNOTSUPP; /* the kernel has the route but no hook for it: fail closed */
		else
			r = bpf_program__set_autoload(prog, false);
	}
	return r;
}

/*
 * Before a load (not when the pinned programs are kept: they have theirs):
 * the addresses of rename_lock, which the path walks read, and of
 * mount_lock, on which a match taken without walking rests (kallsyms.h,
 * lsm-progs/maps.bpf.h). Without them the programs are as safe and
 * slower, so it is no reason to stop.
 */
static void find_kernel_locks(struct engine *e)
{
	static const char *const names[] = { "rename_lock", "mount_lock" };
	uint64_t addrs[2] = { 0 };
	int results[2] = { -ENOENT, -ENOENT };
	int r = kallsyms_find_each("/proc/kallsyms", names, addrs, results, 2);

	if (r < 0)
		results[0] = results[1] = r;
	if (results[0] < 0)
		log_info("no address of rename_lock in /proc/kallsyms (%s): every path walk reads each dentry's "
			 "sequence twice instead of the node's rename sequence once: slower, as safe%s",
			 strerror(-results[0]),
			 results[0] == -EPERM ? " (kptr_restrict=2 hides kernel addresses even from root)" : "");
	else if (results[1] < 0)
		log_info("no address of mount_lock in /proc/kallsyms (%s): every decision walks its path, "
			 "none is taken from the task's last one unwalked: slower, as safe", strerror(-results[1]));
	e->skel->rodata->rename_lock_addr = results[0] < 0 ? 0 : addrs[0];
	e->skel->rodata->mount_lock_addr = results[0] < 0 || results[1] < 0 ? 0 : addrs[1];
}

/* After load: the ids were for the verifier's attach targets only. */
static void drop_hook_ids(struct engine *e)
{
	if (lsm_hook_ids == &e->hooks)
		lsm_hook_ids = NULL;
	hook_ids_free(&e->hooks);
}

static bool is_program_name(const struct engine *e, const char *name)
{
	return bpf_object__find_program_by_name(e->skel->obj, name) != NULL;
}

/*
 * Attach every program and pin its link under a staged name. Nothing of an
 * earlier daemon is touched yet: if this fails, its links still enforce.
 */
static int attach_staged(struct engine *e, char *msg, size_t size)
{
	struct bpf_program *prog;
	size_t n = 0;

	engine_for_each_loaded_program(prog, e)
		n++;
	e->links = calloc(n ? n : 1, sizeof(*e->links));
	if (!e->links)
		return -ENOMEM;
	engine_for_each_loaded_program(prog, e) {
		char path[4096];
		struct bpf_link *link;
		int r;

		link = bpf_program__attach(prog);
		if (!link) {
			r = -errno;
			snprintf(msg, size, "the BPF-LSM program %s loaded but could not be attached: %s. "
				 "Check that \"bpf\" is in /sys/kernel/security/lsm.", bpf_program__name(prog), strerror(-r));
			return r;
		}
		e->links[e->n_links++] = link;
		link_path(e, prog, true, path, sizeof(path));
		(void)unlink(path); /* a stage left by a daemon that died while starting */
		r = bpf_link__pin(link, path);
		if (r < 0) {
			snprintf(msg, size, "cannot pin the link of %s at %s: %s", bpf_program__name(prog), path, strerror(-r));
			return r;
		}
	}
	return 0;
}

static void unstage(struct engine *e)
{
	for (size_t i = 0; i < e->n_links; i++)
		bpf_link__unpin(e->links[i]);
}

/*
 * Both the old and the new programs are attached now. Renaming each staged
 * pin over the committed one drops the old link (its program detaches);
 * then links of programs this build no longer has are removed.
 */
static void commit_links(struct engine *e)
{
	struct bpf_program *prog;
	char links_dir[4096];
	struct dirent *de;
	DIR *d;

	engine_for_each_loaded_program(prog, e) {
		char staged[4096], final[4096];

		link_path(e, prog, true, staged, sizeof(staged));
		link_path(e, prog, false, final, sizeof(final));
		if (rename(staged, final) < 0)
			log_warn("cannot commit the link pin %s: %m (the program stays attached)", staged);
	}
	snprintf(links_dir, sizeof(links_dir), "%s/links", e->pin_dir);
	d = opendir(links_dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || is_program_name(e, de->d_name))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0)
			log_info("detached %s, a program this build no longer has", de->d_name);
	}
	closedir(d);
}

/* Pins of maps this build does not have (an older build of the same ABI): not needed by any program. */
static void sweep_map_pins(struct engine *e)
{
	char maps_dir[4096];
	struct dirent *de;
	DIR *d;

	snprintf(maps_dir, sizeof(maps_dir), "%s/maps", e->pin_dir);
	d = opendir(maps_dir);
	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && !bpf_object__find_map_by_name(e->skel->obj, de->d_name))
			(void)unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
}

int engine_map_fd(const struct engine *e, const char *name)
{
	struct bpf_map *map = e->skel ? bpf_object__find_map_by_name(e->skel->obj, name) : NULL;

	return map ? bpf_map__fd(map) : -ENOENT;
}

int engine_write_config(struct engine *e)
{
	struct timespec ts;
	__u32 zero = 0;
	__u64 now;

	/*
	 * Every write is a new attach_gen: the hooks' cached answers to "which
	 * profile governs this task" (lsm-progs/cgroup.bpf.h) must not outlive a
	 * change of the attachments, and each such change ends with a write of
	 * the settings. Boot time keeps it rising across daemon restarts (the
	 * caches live in a pinned map); +1 covers a coarse clock.
	 */
	clock_gettime(CLOCK_BOOTTIME, &ts);
	now = (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
	e->config.attach_gen = now > e->config.attach_gen ? now : e->config.attach_gen + 1;
	if (bpf_map_update_elem(e->settings_fd, &zero, &e->config, BPF_ANY) < 0)
		return -errno;
	return 0;
}

/* FNV-1a over the embedded BPF object: which build the pinned programs are. */
static __u64 object_id(void)
{
	size_t n = 0;
	const void *elf = enforcer_bpf__elf_bytes(&n);

	return bpf_object_build_id(elf, n);
}

/*
 * A program's statistics from the verifier: its time, the stack depth of
 * each of its functions, the instructions processed. 6.12 fails the load
 * (ENOSPC) when they do not fit, and a program that calls many functions
 * lists a depth for each (1024 bytes fell short for enf_path_rename).
 */
#define VERIFIER_STATS_BUF 4096

static long long monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * Load (verify) every program. With stats, each program's verifier run
 * reports only its statistics (BPF_LOG_STATS) into a buffer of its own,
 * logged afterwards: verification is most of the daemon's start-up time,
 * and which program costs what tells where to cut.
 */
static int load_programs(struct engine *e, bool stats)
{
	_cleanup_free_ char *bufs = NULL;
	struct bpf_program *prog;
	long long t0, total_insns = 0;
	size_t n = 0, i = 0;
	int r;

	if (!stats)
		return enforcer_bpf__load(e->skel);
	engine_for_each_loaded_program(prog, e)
		n++;
	bufs = calloc(n ? n : 1, VERIFIER_STATS_BUF);
	if (!bufs)
		return -ENOMEM;
	engine_for_each_loaded_program(prog, e) {
		bpf_program__set_log_buf(prog, bufs + i++ * VERIFIER_STATS_BUF, VERIFIER_STATS_BUF);
		bpf_program__set_log_level(prog, 4 /* BPF_LOG_STATS */);
	}
	t0 = monotonic_us();
	r = enforcer_bpf__load(e->skel);
	if (r < 0)
		return r;
	i = 0;
	engine_for_each_loaded_program(prog, e) {
		const char *log, *p;
		long long us = -1, insns = -1;

		log = bufs + i++ * VERIFIER_STATS_BUF;
		p = strstr(log, "verification time ");
		if (p)
			us = atoll(p + strlen("verification time "));
		p = strstr(log, "processed ");
		if (p)
			insns = atoll(p + strlen("processed "));
		if (insns > 0)
			total_insns += insns;
		log_info("verifier: %s: %lld us, %lld instructions processed", bpf_program__name(prog), us, insns);
	}
	log_info("verifier: all %zu programs: %lld ms to load, %lld instructions processed", n,
		 (monotonic_us() - t0) / 1000, total_insns);
	return 0;
}

/*
 * The pinned programs are this build's and every one has its link: open
 * the pinned maps and use them; nothing is loaded or attached. 0, or
 * -ENOENT when something is missing (then the full path runs).
 */
static int reuse_pinned(struct engine *e)
{
	struct bpf_program *prog;
	struct bpf_map *map;
	struct enf_config cfg;
	__u32 zero = 0;
	int fd;

	fd = pinned_settings_fd(e->pin_dir);
	if (fd < 0)
		return -ENOENT;
	if (bpf_map_lookup_elem(fd, &zero, &cfg) < 0 || cfg.object_id != object_id()) {
		close(fd);
		return -ENOENT;
	}
	close(fd);
	engine_for_each_loaded_program(prog, e) {
		char path[4096];

		link_path(e, prog, false, path, sizeof(path));
		if (access(path, F_OK) < 0)
			return -ENOENT;
	}
	bpf_object__for_each_map(map, e->skel->obj) {
		const char *path = bpf_map__pin_path(map);
		int r;

		if (bpf_map__is_internal(map))
			continue;
		fd = path ? bpf_obj_get(path) : -1;
		if (fd < 0)
			return -ENOENT;
		r = bpf_map__reuse_fd(map, fd);
		close(fd);
		if (r < 0)
			return r;
	}
	e->reused_programs = true;
	return 0;
}

int engine_start(struct engine *e, const struct engine_options *o, char *msg, size_t size)
{
	struct support_report sr;
	char bad[128], pin_dir[4096] = "";
	bool keep_pinned, kept_pinned;
	__u32 zero = 0;
	long long t0;
	int r;

	memset(e, 0, sizeof(*e));
	e->attachments_fd = e->profiles_fd = e->path_trie_fd = e->settings_fd = -1;
	e->stats_fd = e->events_fd = e->self_inodes_fd = -1;
	e->lock_fds[0] = e->lock_fds[1] = -1;
	libbpf_verbose = o->verbose;
	libbpf_set_print(libbpf_print);

	support_probe(&sr);
	r = support_check(&sr, msg, size);
	if (r < 0)
		return r;
	/*
	 * The last rung before touching any state: can an LSM program load at
	 * all? Lockdown refuses it with EPERM, and that is the cause to report,
	 * not whatever the pin directory looks like.
	 */
	if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_LSM, NULL) == 0) {
		support_explain_load(&sr, EPERM, msg, size);
		return -EPERM;
	}

	e->pin_dir = strdup(o->pin_dir ? o->pin_dir : ENF_PIN_DIR_DEFAULT);
	if (!e->pin_dir)
		return -ENOMEM;
	r = lock_pin_dir(e, &e->lock_fds[0], msg, size);
	if (r < 0) {
		free(e->pin_dir);
		e->pin_dir = NULL;
		return r;
	}
	r = prepare_pin_dir(e, o, msg, size);
	if (r < 0) {
		if (e->migrated_from && rename(e->migrated_from, e->pin_dir) < 0)
			log_warn("cannot move %s back to %s: %m", e->migrated_from, e->pin_dir);
		free(e->migrated_from);
		e->migrated_from = NULL;
		free(e->pin_dir);
		e->pin_dir = NULL;
		return r;
	}
	snprintf(pin_dir, sizeof(pin_dir), "%s", e->pin_dir);

	r = register_lsm_handler();
	if (r < 0) {
		snprintf(msg, size, "cannot register the loader's handler for LSM programs with libbpf: %s", strerror(-r));
		goto fail;
	}
	lsm_hook_ids = &e->hooks;
	e->skel = enforcer_bpf__open();
	if (!e->skel) {
		r = -errno;
		snprintf(msg, size, "cannot open the embedded BPF object: %s", strerror(-r));
		goto fail;
	}
	r = select_programs(e, sr.lsm_list);
	if (r < 0) {
		snprintf(msg, size, "cannot tell which LSM hooks this kernel has from its BTF (/sys/kernel/btf/vmlinux), or "
			 "it has a route without the hook that decides it (vfs_set_acl without inode_set_acl, "
			 "security_file_ioctl_compat without file_ioctl_compat): %s", strerror(-r));
		goto fail;
	}
	r = set_pin_paths(e, bad, sizeof(bad));
	if (r < 0) {
		snprintf(msg, size, "cannot set the pin paths of the maps: %s", strerror(-r));
		goto fail;
	}
	if (bad[0]) {
		snprintf(msg, size, "the map '%s' pinned in %s has another layout than this enforcerd's, although both "
			 "say ABI version %u (a build that changed a map without bumping ENF_ABI_VERSION). The old "
			 "programs are still attached. Run 'enforcerd --cleanup' to remove the old enforcement, "
			 "then start again.", bad, e->pin_dir, ENF_ABI_VERSION);
		r = -EPROTO;
		goto fail;
	}
	e->adopted = e->adopted_abi == ENF_ABI_VERSION;
	/* Pinned programs of this ABI are kept as they are, unless --reload asks for this build's. */
	keep_pinned = e->adopted && !o->reload;
	kept_pinned = keep_pinned && reuse_pinned(e) == 0;

	if (!kept_pinned) {
		if (keep_pinned) {
			/* Something did not fit: start over with a fresh object and load it. */
			enforcer_bpf__destroy(e->skel);
			e->skel = enforcer_bpf__open();
			if (!e->skel || select_programs(e, sr.lsm_list) < 0 || set_pin_paths(e, bad, sizeof(bad)) < 0) {
				r = -ENOMEM;
				snprintf(msg, size, "cannot open the embedded BPF object");
				goto fail;
			}
		}
		find_kernel_locks(e);
		r = load_programs(e, o->verifier_stats && !o->verbose); /* --verbose: the whole log */
		if (r < 0) {
			support_explain_load(&sr, -r, msg, size);
			goto fail;
		}
	}
	drop_hook_ids(e);
	e->attachments_fd = bpf_map__fd(e->skel->maps.attachments);
	e->profiles_fd = bpf_map__fd(e->skel->maps.profiles);
	e->path_trie_fd = bpf_map__fd(e->skel->maps.path_trie);
	e->settings_fd = bpf_map__fd(e->skel->maps.settings);
	e->stats_fd = bpf_map__fd(e->skel->maps.stats);
	e->events_fd = bpf_map__fd(e->skel->maps.events);
	e->self_inodes_fd = engine_map_fd(e, "self_inodes");

	/* Adopted: the pinned settings describe the pinned attachments; keep them. */
	if (e->adopted && bpf_map_lookup_elem(e->settings_fd, &zero, &e->config) < 0)
		memset(&e->config, 0, sizeof(e->config));
	e->config.abi_version = ENF_ABI_VERSION;
	e->config.self_flags = o->self_protect ? ENF_SELF_PROTECT : 0;
	r = mark_daemon_task(e);
	if (r < 0) {
		snprintf(msg, size, "cannot mark this process as the daemon in the self_daemon map (pidfd_open, "
			 "task storage): %s; without it self-protection cannot tell the daemon", strerror(-r));
		goto fail;
	}
	e->config.daemon_tgid = (__u32)getpid();
	r = engine_write_config(e);
	if (r < 0) {
		snprintf(msg, size, "cannot initialise the settings map: %s", strerror(-r));
		goto fail;
	}

	/*
	 * Pinned identities may predate this build's filter (or a build that
	 * did not keep it): the programs below must not be attached before
	 * every entry's bit is set.
	 */
	r = inode_filter_rebuild(engine_map_fd(e, "inode_filter"), engine_map_fd(e, "inodes"));
	if (r < 0) {
		snprintf(msg, size, "cannot rebuild the inode filter from the pinned identities: %s", strerror(-r));
		goto fail;
	}
	if (e->reused_programs)
		return 0;
	t0 = monotonic_us();
	r = attach_staged(e, msg, size);
	if (r < 0) {
		unstage(e);
		goto fail;
	}
	if (o->verifier_stats)
		log_info("attach: all %zu programs: %lld ms", e->n_links, (monotonic_us() - t0) / 1000);
	commit_links(e);
	/* Only now do the pins run this build: a later start may take them as they are. */
	e->config.object_id = object_id();
	r = engine_write_config(e);
	if (r < 0)
		log_warn("cannot record the build of the pinned programs: %s", strerror(-r));
	if (!e->migrated_from)
		sweep_map_pins(e);
	return 0;
fail:
	engine_stop(e);
	/*
	 * Maps this start pinned fresh (nothing was there to adopt) hold
	 * nothing of value: remove them so the next start is clean. Adopted
	 * pins stay as they were.
	 */
	if (pin_dir[0] && e->adopted_abi == 0)
		(void)remove_tree(pin_dir);
	if (e->migrated_from) {
		/* Put the old state back where the next start expects it. */
		(void)remove_tree(pin_dir);
		if (rename(e->migrated_from, pin_dir) < 0)
			log_warn("cannot move %s back to %s: %m", e->migrated_from, pin_dir);
		free(e->migrated_from);
		e->migrated_from = NULL;
	}
	return r;
}

void engine_stop(struct engine *e)
{
	for (size_t i = 0; i < e->n_links; i++)
		bpf_link__destroy(e->links[i]); /* closes our fd; the pinned link stays attached */
	free(e->links);
	e->links = NULL;
	e->n_links = 0;
	enforcer_bpf__destroy(e->skel); /* accepts NULL; pinned maps stay */
	e->skel = NULL;
	drop_hook_ids(e);
	for (int i = 0; i < 2; i++) { /* the single-instance lock goes last */
		closep(&e->lock_fds[i]);
		e->lock_fds[i] = -1;
	}
	free(e->pin_dir);
	e->pin_dir = NULL;
}

int engine_drop_migrated(struct engine *e)
{
	int r;

	if (!e->migrated_from)
		return 0;
	r = remove_tree(e->migrated_from);
	if (r == 0) {
		free(e->migrated_from);
		e->migrated_from = NULL;
	}
	return r;
}

int engine_remove_pins(const char *pin_dir, char *msg, size_t size)
{
	char parent[4096], prefix[4096];
	const char *base;
	struct dirent *de;
	DIR *d;
	int r;

	r = remove_tree(pin_dir);
	if (r < 0) {
		snprintf(msg, size, "cannot remove the pinned state in %s: %s", pin_dir, strerror(-r));
		return r;
	}
	/* States moved aside by an interrupted migration. */
	snprintf(parent, sizeof(parent), "%s", pin_dir);
	base = strrchr(pin_dir, '/');
	if (!base)
		return 0;
	parent[base - pin_dir] = 0;
	snprintf(prefix, sizeof(prefix), "%s-old-abi", base + 1);
	d = opendir(parent[0] ? parent : "/");
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char sub[8192];

		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", parent, de->d_name);
		(void)remove_tree(sub);
	}
	closedir(d);
	return 0;
}

int engine_stat(const struct engine *e, enum enf_stat which, uint64_t *ret)
{
	int ncpu = libbpf_num_possible_cpus();
	__u32 key = which;
	uint64_t sum = 0;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	{
		uint64_t vals[ncpu];

		if (bpf_map_lookup_elem(e->stats_fd, &key, vals) < 0)
			return -errno;
		for (int i = 0; i < ncpu; i++)
			sum += vals[i];
	}
	*ret = sum;
	return 0;
}
