/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The BPF side of the daemon: load the LSM programs, pin maps and links
 * under a bpffs directory, and adopt what an earlier daemon pinned.
 *
 * Pin layout (ENF_PIN_DIR_DEFAULT, --pin-dir):
 *   PIN_DIR/maps/NAME    every map of the object (policy state survives the daemon)
 *   PIN_DIR/links/PROG   every program's link (enforcement survives the daemon)
 *   PIN_DIR/staging/PROG links of a daemon that is starting, before they replace links/
 *
 * Start-up: with no pins, load fresh and pin. With pins made by this very
 * build (settings.object_id is the hash of the embedded BPF object) and a
 * link for every program, adopt them as they are: open the pinned maps,
 * load and attach nothing (a restart after a crash costs no verifier run
 * and changes nothing in the kernel). With pins of another build of the
 * same ABI (an upgrade, or --reload),
 * reuse the pinned maps (so policy state is kept), attach the new programs
 * next to the old ones (pinned in staging/), then replace the old link
 * pins by rename: the old
 * programs stay attached until the new ones are, so there is no gap (both
 * decide from the same maps meanwhile). With pins of another ABI: refuse,
 * naming both versions, unless migrating (see engine_options.migrate).
 */
#ifndef ENFORCER_ENGINE_H
#define ENFORCER_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "enforcer_abi.h"
#include "hook_ids.h"

struct enforcer_bpf;
struct bpf_link;

struct engine_options {
	const char *pin_dir;
	bool verbose;        /* show the BPF loader's log */
	/*
	 * Pinned state of another ABI version: move it aside (the old
	 * programs stay attached and keep enforcing), start fresh, and let the
	 * caller restore policy from the state directory before calling
	 * engine_drop_migrated(), which detaches the old programs.
	 */
	bool migrate;
	bool reload;         /* load and attach even if the pinned programs are this build's */
	bool verifier_stats; /* log each program's verification time and instruction count */
	/*
	 * Self-protection (ENF_SELF_PROTECT) in the settings from the start's
	 * first write, before any program of this start is attached (an
	 * adopted start keeps the earlier daemon's settings until then): a
	 * confined task must never meet the engine's hooks with it off (the
	 * restored attachments confine it before the daemon is ready).
	 */
	bool self_protect;
};

/*
 * Each program of the build that this kernel gets: all but those whose hook
 * it lacks (engine.c, optional_programs), which are never loaded, attached
 * or pinned. The caller includes <bpf/libbpf.h>.
 */
#define engine_for_each_loaded_program(prog, e)                   \
	bpf_object__for_each_program(prog, (e)->skel->obj)        \
		if (!bpf_program__autoload(prog)) {} else

struct engine {
	struct enforcer_bpf *skel;
	char *pin_dir;
	bool adopted;             /* maps pinned by an earlier daemon were reused */
	bool reused_programs;     /* ... and its programs too: nothing was loaded */
	unsigned adopted_abi;     /* ABI of the pinned state found (0: none) */
	char *migrated_from;      /* pinned state of the old ABI, moved aside; NULL if none */
	struct enf_config config; /* what the settings map holds */
	struct bpf_link **links;
	size_t n_links;
	int attachments_fd;
	int profiles_fd;
	int path_trie_fd;
	int settings_fd;
	int stats_fd;
	int events_fd;
	int self_inodes_fd;
	/*
	 * flock()s on the pin directory (and, while migrating, on the fresh
	 * one that replaces it): one daemon per pinned state (engine_start()).
	 */
	int lock_fds[2];
	/*
	 * Until the programs are loaded: the hooks' attach ids, found in one
	 * pass over vmlinux BTF, which the libbpf section handler gives them
	 * (engine.c, lsm_prepare_load()).
	 */
	struct hook_ids hooks;
};

/*
 * Open, load, pin or adopt, attach. On failure returns -errno and writes
 * one message for the user into msg (never a raw libbpf line); pinned state
 * of an earlier daemon is left as it was. -EBUSY: another daemon runs on
 * this pin directory, and nothing was touched.
 */
int engine_start(struct engine *e, const struct engine_options *o, char *msg, size_t size);

/* Close everything the daemon holds. Pinned maps and links stay: enforcement continues. */
void engine_stop(struct engine *e);

/* Detach the programs of a migrated-from ABI and remove its pins. */
int engine_drop_migrated(struct engine *e);

/*
 * Remove every pin under pin_dir (links first: the programs detach once no
 * process holds their links). 0, or -errno with msg. Used by
 * `enforcerd --cleanup` and `enforcerctl shutdown --remove-enforcement`.
 */
int engine_remove_pins(const char *pin_dir, char *msg, size_t size);

/* Write e->config to the settings map. 0 or -errno. */
int engine_write_config(struct engine *e);

/* The fd of a map of the object by name, or -ENOENT. */
int engine_map_fd(const struct engine *e, const char *name);

/* Sum a per-CPU counter. */
int engine_stat(const struct engine *e, enum enf_stat which, uint64_t *ret);

/*
 * The ABI version recorded in pinned state at pin_dir: 0 with *ret_abi
 * (0 when nothing is pinned), or -errno.
 */
int engine_pinned_abi(const char *pin_dir, unsigned *ret_abi);

#endif /* ENFORCER_ENGINE_H */
