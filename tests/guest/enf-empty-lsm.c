// SPDX-License-Identifier: GPL-2.0-only
/*
 * enf-empty-lsm PIN: attach an LSM program that does nothing to file_open
 * (bpf/empty_lsm.bpf.c) and pin its link at PIN, on bpffs; removing PIN
 * detaches it. tests/bench/bench.sh times the open+close loop with it to
 * tell the kernel's share of an unconfined task's cost from the engine's.
 * Prints "prog_id=N link_id=N" on success; exit status 1 on failure.
 *
 * enf-empty-lsm --hold DIR OBJECT: attach a program that allows to every
 * LSM hook a program of OBJECT (enforcer.bpf.o) is for, each link pinned
 * at DIR/HOOK. The test guest does this once at boot (tests/vm/guest-init):
 * a hook's BPF trampoline then never goes from one program to none, and
 * that step (ftrace_shutdown(): an RCU-tasks and an RCU-tasks-rude grace
 * period, under ftrace's lock, so one hook after the other) cost every
 * test about 5 s when the reset between tests detached the daemon's 41
 * programs (6.1: in the reset; 6.12: in the next daemon's attach).
 * Prints "held N hooks", and the hooks this kernel lacks (the daemon leaves
 * their programs out); exit status 1 on failure.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "empty_lsm.skel.h"

/*
 * The skeleton with one of its programs loaded: empty_file_open, or with
 * HOLD_TARGET hold_hook on that hook. NULL (errno set) on failure.
 */
static struct empty_lsm_bpf *load_one(const char *hold_target)
{
	struct empty_lsm_bpf *skel = empty_lsm_bpf__open();
	int err;

	if (!skel)
		return NULL;
	if (hold_target) {
		err = bpf_program__set_autoload(skel->progs.empty_file_open, false);
		if (!err)
			err = bpf_program__set_attach_target(skel->progs.hold_hook, 0, hold_target);
	} else {
		err = bpf_program__set_autoload(skel->progs.hold_hook, false);
	}
	if (!err)
		err = empty_lsm_bpf__load(skel);
	if (err) {
		empty_lsm_bpf__destroy(skel);
		errno = -err;
		return NULL;
	}
	return skel;
}

static int attach_empty(const char *pin)
{
	struct bpf_prog_info pinfo = {};
	struct bpf_link_info linfo = {};
	__u32 plen = sizeof(pinfo), llen = sizeof(linfo);
	struct empty_lsm_bpf *skel;
	struct bpf_link *link;
	int err;

	skel = load_one(NULL);
	if (!skel) {
		fprintf(stderr, "enf-empty-lsm: loading the program failed (is bpf in the LSM list?)\n");
		return 1;
	}
	link = bpf_program__attach_lsm(skel->progs.empty_file_open);
	err = libbpf_get_error(link);
	if (!err)
		err = bpf_link__pin(link, pin);
	if (!err)
		err = bpf_obj_get_info_by_fd(bpf_program__fd(skel->progs.empty_file_open), &pinfo, &plen);
	if (!err)
		err = bpf_obj_get_info_by_fd(bpf_link__fd(link), &linfo, &llen);
	if (err) {
		fprintf(stderr, "enf-empty-lsm: attaching to file_open and pinning at %s failed: %d\n", pin, err);
		/* A pin left behind would keep the program attached through the configurations timed next. */
		if (!libbpf_get_error(link))
			(void)bpf_link__unpin(link);
		empty_lsm_bpf__destroy(skel);
		return 1;
	}
	printf("prog_id=%u link_id=%u\n", pinfo.id, linfo.id);
	/* The pin keeps the link, and with it the program, attached after exit. */
	empty_lsm_bpf__destroy(skel);
	return 0;
}

/* hold_hook on HOOK, its link pinned at PIN. 0 or -errno. */
static int hold_one(const char *hook, const char *pin)
{
	struct empty_lsm_bpf *skel;
	struct bpf_link *link;
	int err;

	skel = load_one(hook);
	if (!skel)
		return -errno;
	link = bpf_program__attach_lsm(skel->progs.hold_hook);
	err = libbpf_get_error(link);
	if (!err)
		err = bpf_link__pin(link, pin);
	empty_lsm_bpf__destroy(skel);
	return err;
}

static int hold_hooks(const char *dir, const char *object)
{
	struct bpf_object *obj;
	struct bpf_program *p;
	char absent[512] = "";
	int n = 0, err = 0;

	obj = bpf_object__open_file(object, NULL);
	if (!obj) {
		fprintf(stderr, "enf-empty-lsm: cannot open %s: %m\n", object);
		return 1;
	}
	bpf_object__for_each_program(p, obj) {
		const char *sec = bpf_program__section_name(p);
		char pin[PATH_MAX];

		if (strncmp(sec, "lsm/", 4) != 0)
			continue;
		/* One program per hook is enough; a second of OBJECT's on the same hook needs none. */
		snprintf(pin, sizeof(pin), "%s/%s", dir, sec + 4);
		if (access(pin, F_OK) == 0)
			continue;
		err = hold_one(sec + 4, pin);
		/* A hook this kernel does not have: the daemon leaves its program out too (engine.c). */
		if (err == -ESRCH) {
			snprintf(absent + strlen(absent), sizeof(absent) - strlen(absent), " %s", sec + 4);
			err = 0;
			continue;
		}
		if (err) {
			fprintf(stderr, "enf-empty-lsm: cannot hold %s (after %d hooks): %s\n", sec + 4, n, strerror(-err));
			break;
		}
		n++;
	}
	bpf_object__close(obj);
	if (err)
		return 1;
	printf("held %d hooks%s%s\n", n, absent[0] ? "; not in this kernel:" : "", absent);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--hold") == 0)
		return hold_hooks(argv[2], argv[3]);
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: enf-empty-lsm PIN (a path on bpffs)\n"
				"       enf-empty-lsm --hold DIR OBJECT\n");
		return 2;
	}
	return attach_empty(argv[1]);
}
