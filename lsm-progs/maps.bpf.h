/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every map of the engine, declared once. maps.bpf.c defines them
 * (ENF_DEFINE_MAPS); the hook files see them as extern and the BPF static
 * linker (bpftool gen object) resolves them into one object.
 */
#ifndef ENF_MAPS_BPF_H
#define ENF_MAPS_BPF_H

#include "enforcer_abi.h"

#ifdef ENF_DEFINE_MAPS
#define ENF_MAP
#else
#define ENF_MAP extern
#endif

/*
 * Scratch space and identity of a confined task. Task storage rather than a
 * per-CPU array: a hook that is preempted mid-walk cannot have its scratch
 * overwritten by another task on the same CPU. Only tasks that reach a
 * profile ever get one.
 */
#define ENF_TOP_DENTRIES 64  /* == ENF_RULE_DEPTH_MAX: deeper components never meet a rule */

/* Per-class outcome of a match. */
struct class_actions {
	__u8  action[ENF_CLASS_COUNT];
	__u32 rule[ENF_CLASS_COUNT];
};

/* What one match over one instance found (decide.bpf.c). */
struct match_result {
	struct class_actions out;
	__u32 depth;          /* components walked: the event's path text */
	__u8  leaf_flags;
	__u8  full;
	__u8  via_inode;
	__u8  from_seen;      /* the match reached a node some 'from' rule names (ENF_NODE_FROM) */
};

/*
 * What the dentry walk read of one component (path.bpf.h), so that matching
 * it against the trie reads nothing more when the name is short.
 */
struct walked_name {
	__u64 ptr;                               /* d_name.name */
	union {
		__u64 word[ENF_SHORT_NAME_MAX / 8];  /* the whole name, NUL-padded, when is_short */
		struct {                             /* a longer name in the dentry's inline buffer (read_component()) */
			__u32 seq;                       /* the dentry's d_seq, read with its window */
			__u32 in_place;                  /* 1: the name must be checked against seq when read */
		};
	};
	__u32 len;                               /* d_name.len */
	__u32 is_short;                          /* word[] holds the name: ENF_WINDOW_NAME_MAX bytes at most, from the window */
};

/* One read per dentry: d_seq through the first ENF_WINDOW_NAME_MAX bytes of the inline name (path.bpf.c). */
#define ENF_DENTRY_WINDOW 64
#define ENF_WINDOW_NAME_MAX 12

/* Inode identities the walk met: the first on the leaf and on an ancestor (path.bpf.h). */
struct walk_hits {
	__u64 leaf_dev, leaf_ino, anc_dev, anc_ino;
	__u32 leaf_node, anc_node;       /* the rule nodes that named them */
};

/*
 * What the loops of path.bpf.c carry from one step to the next. Kept here
 * and not in the loop's stack context: the verifier tracks values on the
 * stack exactly and, from 6.8 on, checks a bpf_loop() callback again and
 * again until a step leaves the state as it found it. A depth, a flag or
 * a node on the stack changes every step, so each walk was checked once
 * per step (and each check multiplied what followed); values in a map
 * are unknown to it, so a step changes nothing it tracks.
 */
struct walk_state {
	__u64 dentry;         /* the next dentry to record; kernel addresses as numbers (path.bpf.c says how they are read) */
	__u64 mnt;            /* the struct mount it is in; what the walk needs of it is in tc->mount */
	__u64 below;          /* the mount the walk left last (at the end: the one under the root), 0 for none */
	__u16 depth;          /* components recorded (ENF_PATH_WALK_MAX at most) */
	__u16 rereads;        /* steps that read a dentry again: step i is the walk's (i - rereads)th */
	__u8  done;
	__u8  leaf_hit;       /* tc->hits' leaf is set */
	__u8  anc_hit;        /* tc->hits' ancestor is set: 0 none, else where the walk met it (ENF_ANC_AT()) */
	__u8  tree_root;      /* the walk ended at the root of a mount with no parent (enf_foreign_root()) */
	__u8  beside;         /* climbing above a bind mount's root for identities (path_walk_step()) */
	__u8  self_root;      /* the walk ended at a dentry that is its own parent, not its mount's root */
	__u8  rereading;      /* the dentry is being read again: a rename changed it during the first read */
	__u8  each_dentry;    /* each dentry is read between two reads of its d_seq (enf_path_walk() says when) */
	__u32 seq;            /* each_dentry: the d_seq of the dentry just read, read again after its name;
			       * else the node's rename sequence when the walk began */
};

_Static_assert(sizeof(struct walk_state) == 40, "walk_state is in the pinned task_ctx: its layout stays");

struct trie_state {
	__u32 node;           /* the trie node the last component reached */
	__u32 leaf_exe_id;    /* exe_id of the node the whole path reached */
	__u32 leaf_node, anc_node;       /* inode hits of the walk: ENF_NO_NODE when none */
	__u8  leaf_flags;
	__u8  full;           /* every component of the path is a trie node */
	__u8  read_error;
	__u8  leaf_on_path, anc_on_path; /* the match passed through the hit's rule node */
	__u8  from_seen;      /* a node it reached has ENF_NODE_FROM */
	__u8  _pad[2];
};

struct text_state {
	__u32 off;            /* bytes of the field written */
	__u32 truncated;
};

/*
 * The most severe class of a decision so far (decide.bpf.c): here rather
 * than in the decision on the stack for the same reason, since the loop
 * over the classes gave the verifier one state per class it picked.
 */
struct decision_pick {
	__u32 action;
	__u32 rule;
	__u32 reason;
	__u32 cls;
};

/*
 * The task's scratch (task storage): walk results live here rather than on
 * the stack, since the BPF call chain has 512 bytes in all.
 */
struct enf_task_ctx {
	__u64 top[ENF_TOP_DENTRIES]; /* dentry pointers of the topmost components, ring-indexed */
	struct walked_name name[ENF_TOP_DENTRIES]; /* their names, same index */
	__u64 window[ENF_DENTRY_WINDOW / 8];       /* the walk's read buffer */
	struct {
		__u64 parent, mountpoint, root;
	} mount;                                   /* the mount the walk is in (enter_mount()) */
	__u64 obj_dentry, obj_mnt;    /* the object of the decision, from the hook (check_object()) */
	__u64 unix_addr;              /* an abstract unix peer's struct unix_address, for its event (unix.bpf.c) */
	struct enf_trie_long_key key; /* a long component's key (path_trie_long): too large for the stack */
	/*
	 * ikey during inode_restrict(); matched once enf_match_object() has
	 * made a match: what it was made under, for the path memo (path_memos,
	 * enf_path_memo_keep()). The same bytes: the pinned layout has no room.
	 */
	union {
		struct enf_inode_key ikey; /* inode identity lookups after the match (inode_restrict()) */
		struct {
			__u32 instance, exe_id, pflags;
			__u32 seq;             /* the walk's rename sequence + 1 (odd); 0: no match to keep */
			__u64 dentry;          /* its object */
		} matched;
	};
	struct walk_hits hits;
	struct class_actions side;    /* the side of a trie node a match applies (node_side()) */
	struct class_actions ident;   /* what inode identities add to a match, per class (inode_restrict()) */
	struct walk_state walk;       /* the last walk (enf_path_walk()) */
	struct trie_state trie;       /* the last match (enf_trie_match()) */
	struct text_state text;       /* the text being rendered (enf_path_text(), enf_exe_text()) */
	struct match_result res;
	struct decision_pick pick;
	/*
	 * A rename or link under the refer rule (enf_decide_refer()): the object
	 * at its old name and the new name, and what the new name allows, kept
	 * while the old name is matched into res.
	 */
	struct {
		__u64 old_dentry, old_mnt, new_dentry, new_mnt;
		__u8  action[ENF_CLASS_COUNT];   /* effective at the new name: rule or default */
	} refer;
	__u64 leaf_ident; /* the dentry whose inode identity counts as the leaf's (ENF_MATCH_IDENT) */
};

/*
 * Which profile governs the task, as found for its cgroup under one
 * attach_gen (lsm-progs/cgroup.bpf.h). Every task the hooks see gets one:
 * 24 bytes, freed with the task.
 */
struct enf_gov_cache {
	__u64 cgroup_id;
	__u64 gen;
	__u32 slot;
	__u32 found;
	__u64 manager_exe; /* the exe_file for which the task was found to be the service manager; 0: it is not */
};

ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct enf_gov_cache);
} gov_cache SEC(".maps");

/* (dev, ino) -> what self-protection guards there (self.bpf.h); the daemon fills it */
ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ENF_MAX_SELF_INODES);
	__type(key, struct enf_self_inode_key);
	__type(value, struct enf_self_inode_val);
} self_inodes SEC(".maps");

/* The kind of the inode (dev, ino) in self_inodes (enum enf_self_kind), 0 when it has none. */
static __always_inline __u32 self_inode_kind(__u64 dev, __u64 ino)
{
	struct enf_self_inode_key key = { .dev = dev, .ino = ino };
	struct enf_self_inode_val *v = bpf_map_lookup_elem(&self_inodes, &key);

	return v ? v->kind : 0;
}

/*
 * The running daemon's task (self.bpf.c): an entry exists only on the
 * enforcerd task, which writes it for itself through a pidfd at start;
 * it goes with the task. settings.daemon_tgid alone would outlive a
 * crash and exempt whatever task next gets that pid.
 */
ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u32);
} self_daemon SEC(".maps");

/*
 * cgroup id -> profile slot. A reader copies the slot out at once and keeps
 * no pointer. That copy is not proof against reuse: since 6.1 a hash map
 * without preallocation takes its elements from bpf_mem_alloc, which may
 * hand a deleted (or replaced) element to the next insert at once, so a
 * hook reading just as the daemon detaches or re-attaches this cgroup and
 * attaches another can take the other's slot for that one decision. The
 * window needs the daemon to change the attachment of a cgroup the task
 * is in (rmdir deletes entries too, lsm-progs/cgroup_mkdir.bpf.c, but of
 * empty cgroups, and a hook looks up only ancestors of a live task); the
 * daemon changes attach_gen after the write, so the governance cache
 * (cgroup.bpf.h) does not keep that answer.
 */
ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, ENF_MAX_ATTACHMENTS);
	__type(key, struct enf_attach_key);
	__type(value, struct enf_attach_val);
} attachments SEC(".maps");

/* attached cgroup path -> profile slot, for cgroups created again (lsm-progs/cgroup_mkdir.bpf.c) */
ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, ENF_MAX_ATTACHMENTS);
	__type(key, struct enf_cgroup_path_key);
	__type(value, struct enf_attach_val);
} cgroup_paths SEC(".maps");

/* profile slot -> current instance, mode, defaults, generation */
ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, ENF_MAX_PROFILES);
	__type(key, __u32);
	__type(value, struct enf_profile_val);
} profiles SEC(".maps");

/* {instance, parent node, short component} -> child node and its per-class actions */
ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, ENF_MAX_TRIE_NODES);
	__type(key, struct enf_trie_key);
	__type(value, struct enf_node_val);
} path_trie SEC(".maps");

/* The same edges for names longer than ENF_SHORT_NAME_LEN (enforcer_abi.h). */
ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, ENF_MAX_TRIE_NODES);
	__type(key, struct enf_trie_long_key);
	__type(value, struct enf_node_val);
} path_trie_long SEC(".maps");

/* {instance, node, exe_id} -> actions of rules limited to that executable ('from') */
ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, ENF_MAX_TRIE_NODES);
	__type(key, struct enf_from_key);
	__type(value, struct enf_actions);
} from_rules SEC(".maps");

/* {instance, dev, ino} -> restrictions that follow the object under any name */
ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, ENF_MAX_TRIE_NODES);
	__type(key, struct enf_inode_key);
	__type(value, struct enf_inode_val);
} inodes SEC(".maps");

/* Which inode numbers may have an entry in inodes (enforcer_abi.h); one element. */
ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct enf_inode_filter);
} inode_filter SEC(".maps");

ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct enf_config);
} settings SEC(".maps");

/* The one element of settings (an array: the lookup is inlined, and never fails). */
static __always_inline struct enf_config *engine_settings(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&settings, &zero);
}

ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ENF_STAT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} events SEC(".maps");

/* Event rate limiting and per-key accounting (lsm-progs/event.bpf.c). Preallocated: no allocation in a hook. */
ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ENF_MAX_EVENT_RATES);
	__type(key, struct enf_rate_key);
	__type(value, struct enf_rate_val);
} event_rates SEC(".maps");

ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct enf_event_limits);
} event_limits SEC(".maps");

ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct enf_task_ctx);
} task_ctx SEC(".maps");

/*
 * The executable identity of a governed task that a profile with 'from'
 * rules looked up (enf_exe_id(), path.bpf.c), for one exec, one instance
 * and one attach_gen: resolving it walks the executable's path and matches
 * it, on every decision otherwise. attach_gen never repeats (engine.c) and
 * changes at every daemon start: instance ids may be handed out again
 * after a start that lost its state, and task storage cannot be listed to
 * tell. Its own map: the pinned task_ctx keeps its layout.
 */
struct enf_exe_cache {
	__u64 exec_id;   /* task->self_exec_id when resolved: every exec changes it */
	__u64 exe_file;  /* mm->exe_file when resolved (PR_SET_MM changes it without an exec) */
	__u64 gen;       /* settings.attach_gen when resolved */
	__u32 instance;
	__u32 exe_id;
};

ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct enf_exe_cache);
} exe_ids SEC(".maps");

/*
 * The last match of a governed task (enf_match_object(), decide.bpf.c):
 * what it was made under and what it found. A match is a function of the
 * instance's maps and of what the walk read: the components' names and
 * the inode identities met. The walk runs on every decision and reads
 * them afresh; when they are the same as the last match's, under the same
 * instance, attach_gen, executable and options, the result is taken from
 * here instead of matching the trie again. Only names kept whole
 * (is_short) and paths of at most ENF_MEMO_DEPTH components are kept.
 * An instance's trie and 'from' actions are written before it is
 * published and never change after; identities added to it later (a
 * container's view, at attach) come with a new attach_gen, read before
 * the walk (walk_gen). Its own map: the pinned task_ctx keeps its layout.
 */
#define ENF_MEMO_DEPTH 16

struct memo_name {
	__u64 word[ENF_SHORT_NAME_MAX / 8];   /* as walked_name.word: NUL-padded */
	__u32 len;
	__u32 _pad;
};

struct enf_match_memo {
	__u64 walk_gen;                       /* attach_gen read before the current walk (enf_match_object()) */
	__u64 missed;                         /* a hint of the last path that missed (enf_memo_keep()) */
	__u64 attach_gen;
	__u32 instance, exe_id, pflags, depth;
	struct walk_hits hits;                /* compared only where leaf_hit, anc_hit */
	__u8  leaf_hit, anc_hit;
	__u8  kept;                           /* attach_gen to name[] describe one match */
	__u8  _pad[5];
	struct match_result res;
	struct memo_name name[ENF_MEMO_DEPTH]; /* walk order: the leaf first */
};

ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct enf_match_memo);
} match_memos SEC(".maps");

/*
 * The last match of a governed task again, with what lets the next
 * decision on the same name take it without walking (enf_path_memo_take(),
 * path.bpf.c): the walk is most of a decision's cost, and a workload
 * opens the same files again and again. The walk's answer is a function
 * of the leaf's name, its directory and the mount it was opened through,
 * as long as no name on the node moved (rename_lock's sequence: every
 * d_move() and d_exchange()), no mount was made, moved or freed
 * (mount_lock's), and no directory inode was freed (dir_inodes_freed: its
 * address and number may then be another directory's). A directory is
 * told by its inode (address, superblock, number), not its dentry: a
 * dentry of an unused directory can be freed and another directory's
 * allocated at its address, with the same name. Only where the leaf's
 * directory lies on a filesystem whose directories move by rename(2)
 * alone (ext2-4, XFS, tmpfs, ramfs): a network filesystem's server, or
 * kernfs, can give a directory another place without d_move(); the
 * directories above it in other filesystems are held by the mounts
 * between. Taken for 30 s at most: the sequences are 32 bits. Only
 * file_open uses it (CHECK_PATH_MEMO, verdict.bpf.h). Its own map: the
 * pinned task_ctx and match_memos keep their layouts.
 */
struct enf_path_memo {
	/* read before the walk of the match being made (enf_path_memo_take(), on a miss) */
	__u64 walk_gen, walk_dirs_freed;
	__u32 walk_mount_seq;
	__u32 kept;
	__u64 missed;                         /* the leaf of the last match not kept (enf_path_memo_keep()) */
	__u64 kept_ns;                        /* when it was kept (bpf_ktime_get_ns()): taken for 30 s at most */
	/* what the kept match was made under */
	__u32 rename_seq;
	__u32 mount_seq;
	__u32 instance, exe_id, pflags;
	__u32 name_len;
	__u64 attach_gen, dirs_freed;
	__u64 leaf;                           /* the leaf's dentry: a hint, compared first */
	__u64 mnt;                            /* the vfsmount the leaf was reached through */
	__u64 mnt_root;                       /* its root, which the leaf is not */
	__u64 ns_root;                        /* the struct mount the walk ended at: the task's namespace root */
	__u64 dir_inode, dir_sb, dir_ino;     /* the leaf's directory */
	__u64 leaf_ino;                       /* the leaf's inode number, where the profile names inodes */
	__u64 name[ENF_SHORT_NAME_MAX / 8];   /* the leaf's name, as walked_name.word */
	struct match_result res;
};

ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct enf_path_memo);
} path_memos SEC(".maps");

/*
 * Directory inodes freed on the node (inode_free_security, file.bpf.c): one
 * counter that only grows. A kept match whose count differs is not taken:
 * the directory it names by its inode's address may be another one now.
 */
ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} dir_inodes_freed SEC(".maps");

/* listening socket -> its last accept kept (struct enf_accept_memo, enforcer_abi.h) */
ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct enf_accept_memo);
} accept_memos SEC(".maps");

/*
 * {instance, address prefix} -> every network rule that can apply there,
 * in precedence order (lsm-progs/net.bpf.h). LPM tries require NO_PREALLOC.
 */
ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, ENF_MAX_NET_PREFIXES);
	__type(key, struct enf_net_key);
	__type(value, struct enf_net_val);
} net_rules SEC(".maps");

/* Observations a learning profile already reported (lsm-progs/learn.bpf.c). */
ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, ENF_MAX_LEARN_SEEN);
	__type(key, struct enf_learn_key);
	__type(value, __u32);
} learn_seen SEC(".maps");

/*
 * Signals through file ownership (lsm-progs/domain.bpf.c): the address of
 * a struct file -> the statuses (current_profile_status()) of the governed
 * tasks that set its owner or armed its signal: the first, and the last of
 * another profile (0: none). Removed when the file is freed. No
 * preallocation: most nodes hold a handful.
 */
struct enf_sigio_arrangers {
	__s32 status[2];
};

ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, ENF_MAX_SIGIO_ARRANGED);
	__type(key, __u64);
	__type(value, struct enf_sigio_arrangers);
} sigio_arranged SEC(".maps");

/*
 * Entry 0: how many records sigio_arranged holds. Every file freed on the
 * node asks it first (domain.bpf.c): an array's lookup is a few loads, a
 * hash lookup of the file is most of a file_open's unconfined cost.
 */
ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} sigio_records SEC(".maps");

/* Profile slot -> how many records of sigio_arranged were first made under it (domain.bpf.c). */
ENF_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ENF_MAX_PROFILES);
	__type(key, __u32);
	__type(value, __u32);
} sigio_per_profile SEC(".maps");

/*
 * Whether this kernel's verifier looks up by name in vmlinux BTF every
 * pointer member it sees loaded through a trusted pointer (a hook's
 * argument, the current task): btf_nested_type_is_trusted(), from 6.3 on,
 * up to four linear searches of its ~125,000 types for each such load on
 * each path the verifier walks (815 in one enforcerd start on 6.12).
 * enforcerd sets it before load (engine.c, from the BTF, when the kernel
 * has bpf_rdonly_cast() too), and the programs then load the pointers
 * they read through an untrusted copy (UNTRUSTED(), common.bpf.h), which
 * the verifier does not look up. A load through that copy costs about
 * eight instructions where one through the trusted pointer is one: a few
 * per decision, against a start 12-15% shorter. (Probe reads did the same
 * for the start, but each is a helper call: on the decision's path they
 * made trixie's confined open+close 1.575x instead of 1.518x, icount,
 * 2026-12-06.) On 6.1 the members stay plain loads.
 */
#ifdef ENF_DEFINE_MAPS
const volatile bool trusted_loads_searched = false;
#else
extern const volatile bool trusted_loads_searched;
#endif

/*
 * Whether the kernel has bpf_rdonly_cast() (6.2 on; enforcerd sets it
 * before load, from the BTF). A kernel word at an address the programs
 * hold as a number is then one fault-safe direct load (PROBE_MEM, about
 * eight instructions) rather than a bpf_probe_read_kernel() call (about
 * ninety, icount, 6.12). The branch it rules out is never verified.
 */
#ifdef ENF_DEFINE_MAPS
const volatile bool rdonly_cast_usable = false;
#else
extern const volatile bool rdonly_cast_usable;
#endif

/*
 * The address of rename_lock (fs/dcache.c; path.bpf.c, read_rename_seq()),
 * which enforcerd finds in /proc/kallsyms before load (enforcerd/
 * kallsyms.h): BTF has no global variables, and libbpf's own lookup of a
 * typeless __ksym parses every line of kallsyms, a second of each start
 * under TCG. 0 when kallsyms hides addresses (kptr_restrict).
 */
#ifdef ENF_DEFINE_MAPS
const volatile __u64 rename_lock_addr = 0;
#else
extern const volatile __u64 rename_lock_addr;
#endif

/*
 * The address of mount_lock (fs/namespace.c), found as rename_lock's is:
 * its sequence moves with every mount made, moved or freed, which is
 * what a kept match's mounts rest on (path_memos). 0: no match is taken
 * unwalked.
 */
#ifdef ENF_DEFINE_MAPS
const volatile __u64 mount_lock_addr = 0;
#else
extern const volatile __u64 mount_lock_addr;
#endif

#endif /* ENF_MAPS_BPF_H */
