/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The kernel/user ABI of enforcer: map keys, map values and event records
 * shared by lsm-progs/ (BPF), enforcerd/ (daemon), enforcerctl/ (CLI) and policyc/.
 *
 * Rules for this file:
 *  - fixed-width types only, explicit padding, every struct size asserted;
 *  - enums are numbered and never renumbered: the values are stored in
 *    pinned maps and compiled bundles;
 *  - any change to a layout bumps ENF_ABI_VERSION, which the daemon checks
 *    against pinned state before touching it.
 */
#ifndef ENFORCER_ABI_H
#define ENFORCER_ABI_H

#ifdef __bpf__
/* BPF side: types come from vmlinux.h, included before this header. */
#else
#include <linux/types.h>
#endif

#define ENF_ABI_VERSION 5

/*
 * Limits. Who holds each one to it is named beside it: policyc refuses a
 * profile over a profile limit with a message naming it; the daemon refuses
 * a load or attach over a registry limit; the BPF programs truncate (and
 * flag) text, fail closed past the walk limit, and stop accounting past a
 * map's size (counted in a stat).
 */
#define ENF_NAME_MAX          256   /* one path component, NUL included (policyc) */
#define ENF_PROFILE_NAME_MAX  64    /* profile name, NUL included (policyc, daemon state) */
#define ENF_RULE_DEPTH_MAX    64    /* components in a rule's path (policyc) */
#define ENF_PATH_EVENT_MAX    4096  /* path text carried in an event (BPF: longer is truncated, flagged) */
#define ENF_EXE_EVENT_MAX     1024  /* executable path carried in an event (BPF: truncated, flagged) */
#define ENF_MAX_EVENT_RATES   8192  /* (cgroup, rule, hook, verdict) keys with event accounting (BPF: untracked past it) */
#define ENF_MAX_PROFILES      1024  /* profiles loaded at once (daemon) */
#define ENF_MAX_ATTACHMENTS   65536 /* cgroups with a profile attached (daemon) */
#define ENF_MAX_TRIE_NODES    (1 << 20) /* path nodes over all profiles (policyc per profile, daemon in total) */
#define ENF_PATH_WALK_MAX     4096  /* dentries walked before failing closed (BPF) */
#define ENF_MAX_NET_PREFIXES  (1 << 16) /* network prefix entries over all profiles (policyc, daemon in total) */
#define ENF_MAX_LEARN_SEEN    (1 << 16) /* distinct learn observations remembered in the kernel (BPF: past it sent without deduplication, counted) */
#define ENF_MAX_SIGIO_ARRANGED (1 << 18) /* files whose signals a governed task arranged, alive at once (BPF: past it refused) */
#define ENF_SIGIO_PER_PROFILE  4096 /* of those, first arranged under one profile (BPF: past it that profile's are refused) */

/*
 * Actions, ordered by precedence at equal specificity: a larger value wins.
 * ENF_ACT_NONE means "no rule here", never a verdict.
 */
enum enf_action {
	ENF_ACT_NONE  = 0,
	ENF_ACT_ALLOW = 1,
	ENF_ACT_AUDIT = 2,   /* allowed, but an event is emitted even in enforce mode */
	ENF_ACT_DENY  = 3,
};

enum enf_mode {
	ENF_MODE_AUDIT   = 1, /* nothing is denied; every would-deny is logged */
	ENF_MODE_ENFORCE = 2,
	/*
	 * Learn (docs/learn.md): every operation is allowed, whatever the rules
	 * say, and each distinct one is recorded once (learn.bpf.c). Not
	 * enforcement: a profile in learn mode confines nothing.
	 */
	ENF_MODE_LEARN   = 3,
};

/*
 * Path access classes. Exec is a class of its own (the policy's "exec"
 * section); the others are the policy's file "access" words. A path node
 * carries one action per class, so exec and file rules share one trie.
 */
enum enf_class {
	ENF_CLASS_EXEC    = 0,
	ENF_CLASS_READ    = 1,
	ENF_CLASS_WRITE   = 2, /* write, append, truncate */
	ENF_CLASS_CREATE  = 3, /* files, directories, nodes, symlinks */
	ENF_CLASS_DELETE  = 4, /* unlink, rmdir */
	ENF_CLASS_RENAME  = 5, /* source and destination of a rename */
	ENF_CLASS_LINK    = 6, /* new hard link to an existing file */
	ENF_CLASS_SETATTR = 7, /* chmod, chown (not utimes: docs/bypasses.md) */
	ENF_CLASS_COUNT   = 8,
};

/* Policy sections, each with its own default action. */
enum enf_section {
	ENF_SECTION_EXEC    = 0,
	ENF_SECTION_FILE    = 1,
	ENF_SECTION_NETWORK = 2,
	ENF_SECTION_COUNT   = 3,
};

/* Which LSM hook produced a decision; carried in events. Ranges per area. */
enum enf_hook {
	/* exec and file: 1..31 */
	ENF_HOOK_BPRM_CHECK     = 1,
	ENF_HOOK_FILE_OPEN      = 2,
	ENF_HOOK_PATH_TRUNCATE  = 3,
	ENF_HOOK_PATH_MKNOD     = 4,
	ENF_HOOK_PATH_MKDIR     = 5,
	ENF_HOOK_PATH_SYMLINK   = 6,
	ENF_HOOK_PATH_UNLINK    = 7,
	ENF_HOOK_PATH_RMDIR     = 8,
	ENF_HOOK_PATH_RENAME    = 9,
	ENF_HOOK_PATH_LINK      = 10,
	ENF_HOOK_PATH_CHMOD     = 11,
	ENF_HOOK_PATH_CHOWN     = 12,
	/* 13: retired (inode_setattr had no program; utimes is not decided: docs/bypasses.md) */
	ENF_HOOK_TASK_PRCTL     = 14,
	ENF_HOOK_MMAP_FILE      = 15, /* mmap(PROT_EXEC) of a file: decided like exec */
	ENF_HOOK_FILE_MPROTECT  = 16, /* mprotect(PROT_EXEC) of a file mapping: decided like exec */
	ENF_HOOK_FILE_RECEIVE   = 17, /* a descriptor handed over (SCM_RIGHTS, pidfd_getfd): decided like its open */
	ENF_HOOK_FILE_IOCTL     = 18, /* a file's attributes set through its descriptor (chattr, verity, ...: lsm-progs/ioctl_requests.h): setattr */
	/* network: 32..63 */
	ENF_HOOK_SOCKET_CREATE  = 32,
	ENF_HOOK_SOCKET_CONNECT = 33,
	ENF_HOOK_SOCKET_BIND    = 34,
	ENF_HOOK_SOCKET_LISTEN  = 35,
	ENF_HOOK_SOCKET_ACCEPT  = 36,
	ENF_HOOK_SOCKET_SENDMSG = 37,
	ENF_HOOK_UNIX_CONNECT   = 38, /* unix_stream_connect: the peer's socket file or abstract name */
	ENF_HOOK_UNIX_SEND      = 39, /* unix_may_send: a datagram to a named peer */
	/* self-protection of the engine: 64..95 (lsm-progs/self.bpf.c) */
	ENF_HOOK_SELF_BPF       = 64, /* bpf(): confined tasks get none */
	ENF_HOOK_SELF_KILL      = 65, /* a signal to enforcerd */
	ENF_HOOK_SELF_PTRACE    = 66, /* ptrace, /proc/PID/mem, pidfd_getfd on enforcerd */
	ENF_HOOK_SELF_DIR_CHANGE = 67, /* an entry added, removed or renamed on bpffs or in a protected dir */
	ENF_HOOK_SELF_UNLINK    = 68, /* unlink of a protected file */
	ENF_HOOK_SELF_RENAME    = 69, /* rename of a protected file or directory */
	ENF_HOOK_SELF_OPEN      = 70, /* open for writing (or truncate) of an engine file or one in a protected dir */
	ENF_HOOK_SELF_UMOUNT    = 71, /* unmounting bpffs or cgroup2 */
	ENF_HOOK_SELF_MOUNT     = 72, /* mounting over bpffs, cgroup2 or a protected directory, or reconfiguring them */
	ENF_HOOK_SELF_CONNECT   = 73, /* connecting to the control socket */
	ENF_HOOK_SELF_CLONE_INTO = 74, /* clone3(CLONE_INTO_CGROUP) */
	ENF_HOOK_SELF_RECEIVE   = 75, /* receiving a write descriptor of an engine file (SCM_RIGHTS, pidfd_getfd) */
	ENF_HOOK_SELF_SIGIO     = 76, /* a signal to enforcerd through file ownership (F_SETOWN, O_ASYNC) */
	ENF_HOOK_SELF_LINK      = 77, /* a new hard link to a protected file or one in a protected directory */
	ENF_HOOK_SELF_LOCK      = 78, /* a file lock on bpffs or a protected inode (it would keep enforcerd from starting) */
	ENF_HOOK_SELF_TASK_SET  = 79, /* enforcerd's resource limits, priority, scheduling or OOM score (prlimit, /proc/PID/oom_score_adj) */
	/*
	 * The confinement baseline (lsm-progs/baseline.bpf.c): what every
	 * profile refuses unless it opts out (ENF_BASELINE_*): 96..127.
	 */
	ENF_HOOK_BASE_MOUNT      = 96,  /* mount(2): new, bind, remount, move, propagation */
	ENF_HOOK_BASE_UMOUNT     = 97,
	ENF_HOOK_BASE_MOVE_MOUNT = 98,  /* move_mount(2): attaching open_tree/fsmount trees */
	ENF_HOOK_BASE_PIVOT_ROOT = 99,
	ENF_HOOK_BASE_USERNS     = 100, /* creating a user namespace */
	ENF_HOOK_BASE_KERNEL_LOAD = 101, /* loading a kernel module, a kexec image */
	ENF_HOOK_BASE_HELPER_WRITE = 102, /* writing what the kernel runs as root: sysctls, uevent_helper, binfmt_misc, release_agent */
	ENF_HOOK_BASE_PTRACE     = 103, /* ptrace attach (/proc/PID/mem, process_vm_*) outside the profile's domain */
	ENF_HOOK_BASE_IO_URING   = 104, /* creating an io_uring instance */
	ENF_HOOK_BASE_DEVICE_NODE = 105, /* creating a block or character device node (mknod) */
	ENF_HOOK_BASE_MODULE_REQUEST = 106, /* asking the kernel to load a module for it (modprobe, autoload) */
	ENF_HOOK_BASE_KEY_UPCALL = 107, /* request_key(2) making the kernel run /sbin/request-key */
	ENF_HOOK_BASE_XATTR      = 108, /* setting or removing an extended attribute other than user.* data */
	ENF_HOOK_BASE_MOUNT_API  = 109, /* fsopen, fsconfig, fsmount, fspick, open_tree's clone: no hook of their own */
	ENF_HOOK_BASE_MOUNT_SETATTR = 110, /* mount_setattr(2): a mount's flags (read-only, noexec, ...) or propagation */
	ENF_HOOK_BASE_LOCKDOWN   = 111, /* what kernel lockdown refuses root (locked_down): raw I/O, kernel memory */
	ENF_HOOK_BASE_SETNS      = 112, /* setns(2): entering another process's namespace */
	ENF_HOOK_BASE_PTRACE_READ = 113, /* ptrace read access (/proc/PID/fd, environ, exe, maps) outside the domain */
	ENF_HOOK_BASE_TTY_INJECT = 114, /* TIOCSTI or TIOCLINUX: input into a terminal whoever reads it runs */
	ENF_HOOK_BASE_SWAP       = 115, /* swapon(2), swapoff(2): where the kernel writes every process's memory */
	ENF_HOOK_BASE_SIGNAL     = 116, /* a signal to a task outside the profile's domain */
	ENF_HOOK_BASE_PERF       = 117, /* perf's privilege (CAP_PERFMON): other processes' samples, a whole CPU's */
	ENF_HOOK_BASE_SIGIO      = 118, /* a signal arranged through file ownership (F_SETOWN, O_ASYNC, F_SETSIG) to a task outside the domain */
	ENF_HOOK_BASE_CONSOLE    = 119, /* opening the console's devices: input (keys read or typed), virtual consoles, their screens */
	ENF_HOOK_BASE_FS_STOP    = 120, /* freezing a filesystem, thawing it, or shutting it down (FIFREEZE, FITHAW, FS_IOC_SHUTDOWN): every writer on the node stops */
	ENF_HOOK_BASE_DM_CONTROL = 121, /* opening /dev/mapper/control: suspending, remapping or replacing any device-mapper device */
	ENF_HOOK_BASE_TASK_SET   = 122, /* another process's resource limits, priority, scheduling or OOM score, outside the domain: ends in SIGKILL or starves it */
	ENF_HOOK_BASE_FORGED_SENDER = 123, /* sending credentials not the sender's (SCM_CREDENTIALS: another pid, uid, gid): a receiver acts on the named process */
	ENF_HOOK_BASE_FS_ADMIN   = 124, /* a filesystem's administration by ioctl: btrfs and bcachefs subvolumes and snapshots, btrfs send and tree search, devices, quotas, its label */
};

/* Why a decision was made the way it was (event.reason). */
enum enf_reason {
	ENF_REASON_RULE        = 0, /* a rule matched: event.rule_id names it */
	ENF_REASON_DEFAULT     = 1, /* no rule matched; the section default decided */
	ENF_REASON_UNRESOLVED  = 2, /* the object could not be resolved: failed closed */
	ENF_REASON_NO_INSTANCE = 3, /* profile state missing mid-update: failed closed */
	ENF_REASON_GUARD       = 4, /* a rename would carry guarded paths out of their rules */
	ENF_REASON_FILELESS    = 5, /* exec of a file with no name: the profile's fileless setting */
	ENF_REASON_SELF        = 6, /* self-protection of the engine */
	ENF_REASON_BASELINE    = 7, /* the confinement baseline (or, in an audit verdict, its opt-out) */
	ENF_REASON_REFER       = 8, /* a rename or link would give the object more access under its new name */
	ENF_REASON_FOREIGN     = 9, /* the object has no name in the task's mount namespace (detached tree, another namespace) */
	ENF_REASON_DOMAIN      = 10, /* the target is outside the task's profile domain (ptrace, signal, abstract unix socket) */
	ENF_REASON_DISCONNECTED = 11, /* the object has no path: a disconnected dentry (opened by handle, out of the dentry cache) */
};

/* ---------------------------------------------------------------- maps -- */

/*
 * attachments: cgroup id -> profile slot.
 * The nearest ancestor cgroup with an entry decides for a task.
 */
struct enf_attach_key {
	__u64 cgroup_id;
};

struct enf_attach_val {
	__u32 slot;
	__u32 level;    /* cgroup depth of cgroup_id; keeps levels_mask rebuildable */
};

/*
 * cgroup_paths: the path of an attached cgroup -> its profile slot and depth
 * (an enf_attach_val), so that the kernel attaches a cgroup created again at
 * that path inside mkdir (lsm-progs/cgroup_mkdir.bpf.c). The path is the
 * kernel's: relative to the root of the cgroup2 hierarchy, with a leading
 * '/', NUL-padded. Longer paths are never keys: the daemon attaches them
 * after mkdir (enforcerd/selectors.c) and says so.
 */
#define ENF_CGROUP_PATH_MAX 256  /* key bytes; a path has at most ENF_CGROUP_PATH_MAX - 2 characters */

struct enf_cgroup_path_key {
	char path[ENF_CGROUP_PATH_MAX];
};

/*
 * profiles: slot -> the state every hook reads. A hash map, not an array:
 * an update replaces the element as a whole (RCU), so a hook sees either
 * the old or the new value, never a torn mix. Swapping `instance` switches
 * all rules of a profile at once.
 */
struct enf_profile_val {
	__u64 generation;                   /* bumped on every change; carried in events */
	__u32 instance;                     /* key space of path_trie for this version */
	__u8  mode;                         /* enum enf_mode */
	__u8  defaults[ENF_SECTION_COUNT];  /* enum enf_action per section */
	__u8  flags;                        /* ENF_PROFILE_* */
	__u8  fileless_exec;                /* enum enf_action; NONE: the exec default decides */
	__u16 baseline_optout;              /* ENF_BASELINE_*: what the baseline lets through (logged) */
	__u32 from_exes;                    /* highest exe_id of from_rules: the refer rule compares 0..from_exes */
};

#define ENF_PROFILE_HAS_FROM   (1u << 0) /* some rule is limited to executables: resolve the task's */
#define ENF_PROFILE_HAS_INODES (1u << 1) /* inode identities exist: check them too */
/*
 * The instance carries what moves are decided by: ENF_NODE_FROM on its
 * nodes, ENF_IDENT_RULES_BELOW on its identities, from_exes (written by
 * daemons since 2026-12-07). A daemon that finds an instance without it
 * (pinned by an older build) writes the profile again rather than adopt it.
 */
#define ENF_PROFILE_MOVE_MARKS (1u << 2)

/*
 * The confinement baseline (docs/policy.md "baseline"): operations every
 * profile refuses, because each lets a confined task change what its rules
 * name or act through something that no profile confines. A profile opts
 * out of each by name; an opted-out operation is allowed and logged. Old
 * pinned state has 0 here: the whole baseline applies.
 */
#define ENF_BASELINE_MOUNT   (1u << 0) /* mount, umount, move_mount, pivot_root, the new mount API, swapon, fsfreeze, filesystem administration */
#define ENF_BASELINE_USERNS  (1u << 1) /* new user namespaces, entering another namespace (setns) */
#define ENF_BASELINE_PTRACE  (1u << 2) /* ptrace attach outside the profile's domain */
#define ENF_BASELINE_HELPERS (1u << 3) /* writing what the kernel runs as root (sysctls, ...); request_key upcalls */
#define ENF_BASELINE_MODULES (1u << 4) /* kernel modules (also through modprobe), kexec */
#define ENF_BASELINE_UNIX_ABSTRACT (1u << 5) /* abstract unix sockets bound outside the profile's domain */
#define ENF_BASELINE_IO_URING (1u << 6) /* io_uring instances (a ring takes files no hook decides: MSG_RING) */
#define ENF_BASELINE_DEVICE_NODES (1u << 7) /* block and character device nodes (a new name for a device) */
#define ENF_BASELINE_XATTRS  (1u << 8) /* extended attributes but user.* data: file capabilities, ACLs, labels */
#define ENF_BASELINE_LOCKDOWN (1u << 9) /* what kernel lockdown refuses root: raw I/O ports, /dev/mem, MSRs, /proc/kcore, ... */
#define ENF_BASELINE_PTRACE_READ (1u << 10) /* ptrace read access outside the domain: /proc/PID/{fd,environ,maps,exe,ns} */
#define ENF_BASELINE_TTY_INJECT (1u << 11) /* typing into a terminal others read: TIOCSTI, TIOCLINUX */
#define ENF_BASELINE_SIGNAL  (1u << 12) /* signals to tasks outside the profile's domain, and what ends in one: their rlimits, priorities, OOM score */
#define ENF_BASELINE_CONSOLE (1u << 13) /* the console's devices: input, uinput, uhid, tty0-63, /dev/console, vcs */
#define ENF_BASELINE_ALL     ((1u << 14) - 1)

/*
 * path_trie: one edge of a profile's path trie, {instance, parent, name} -> child.
 * Walking it from the root one component at a time matches exact paths and
 * subtrees with no hashing, so no collision can make a rule match a path it
 * does not name, and the cost is bounded by the depth of the rule tree.
 */
/* The root ("/") of every instance is the key {instance, ENF_TRIE_ROOT_PARENT, ""}. */
#define ENF_TRIE_ROOT_PARENT 0xffffffffu

/*
 * A hash map hashes and compares its whole key on every lookup, and a walk
 * makes one lookup per path component: with a 256-byte name in every key
 * that was most of the cost of an open. So edges are kept in two maps by
 * name length: path_trie for names of at most ENF_SHORT_NAME_LEN bytes
 * (nearly every real component: "etc", "usr", "libc.so.6"), with a 32-byte
 * key, and path_trie_long for the rest. Both keys are exact names (no
 * hashing of our own, so nothing can collide), and they share their first
 * 32 bytes' layout. The BPF side reads a component into a buffer of
 * ENF_SHORT_NAME_MAX bytes: a read shorter than the buffer is the whole
 * name, a full one may be cut, hence one byte less than the buffer holds.
 */
#define ENF_SHORT_NAME_MAX 24
#define ENF_SHORT_NAME_LEN (ENF_SHORT_NAME_MAX - 2)

struct enf_trie_key {
	__u32 instance;
	__u32 parent;
	char  name[ENF_SHORT_NAME_MAX]; /* NUL-padded: hash keys compare all bytes */
};

struct enf_trie_long_key {
	__u32 instance;
	__u32 parent;
	char  name[ENF_NAME_MAX];       /* NUL-padded */
};

/*
 * What a trie node decides, per access class. `exact` applies to the path
 * of the node itself, `subtree` to every path strictly below it.
 */
struct enf_node_val {
	__u32 node;
	__u8  exact[ENF_CLASS_COUNT];     /* enum enf_action */
	__u8  subtree[ENF_CLASS_COUNT];   /* enum enf_action */
	__u32 exact_rule[ENF_CLASS_COUNT];
	__u32 subtree_rule[ENF_CLASS_COUNT];
	__u32 exe_id;                     /* != 0: this path is an executable named in some 'from' */
	__u8  flags;                      /* ENF_NODE_* */
	__u8  _pad[3];
};

/*
 * A deny or audit rule names this node or a path below it: moving the node
 * (rename) would carry restricted paths out from under their rules.
 */
#define ENF_NODE_GUARDED (1u << 0)

/*
 * Some 'from' rule names this node (from_rules has an entry for it): an
 * executable named there may be decided otherwise than the rest. Set by
 * the daemon when it writes the node, from the bundle's 'from' entries.
 */
#define ENF_NODE_FROM (1u << 1)

/*
 * from_rules: rules limited to executables ('from'), per node and executable:
 * {instance, node, exe_id} -> actions. Same layout as a node's actions; a
 * task whose executable has exe_id sees them merged (deny > audit > allow)
 * with the node's own at the same specificity.
 */
struct enf_from_key {
	__u32 instance;
	__u32 node;
	__u32 exe_id;
	__u32 _pad;
};

struct enf_actions {
	__u8  exact[ENF_CLASS_COUNT];
	__u8  subtree[ENF_CLASS_COUNT];
	__u32 exact_rule[ENF_CLASS_COUNT];
	__u32 subtree_rule[ENF_CLASS_COUNT];
};

/*
 * inodes: the identities of files and directories that path rules name,
 * resolved by the daemon at load time, so a rule also holds for the same
 * object reached through another name (hard link, bind mount).
 * dev is the kernel's encoding (MAJOR << 20 | MINOR), as in sb->s_dev.
 */
struct enf_inode_key {
	__u32 instance;
	__u32 _pad;
	__u64 dev;
	__u64 ino;
};

struct enf_inode_val {
	__u32 node;                       /* the trie node named by the rule */
	__u32 flags;                      /* ENF_IDENT_* */
	struct enf_actions actions;       /* that node's deny/audit actions (never allows) */
};

/*
 * A rule (any action) names a path strictly below the identity's node, or
 * a 'from' rule (identities carry none) names the node or a path below it.
 * Under another name for it (a bind mount), which no
 * rule node knows, the guard cannot tell which of the names below is
 * which: renames and links there are refused (lsm-progs/decide.bpf.c).
 */
#define ENF_IDENT_RULES_BELOW (1u << 0)

/*
 * inode_filter: one bit per hash of an inode number, set for every ino
 * that has an entry in `inodes` (any instance, any dev). A walk reads a
 * dentry's ino and looks the identity up only where its bit is set: most
 * components of most paths are named by no rule, and the lookup (dev and
 * ino read, a hash map search) is what a deny-list profile paid per path
 * component. The daemon (one writer: single-threaded, the pin directory
 * locked) sets a bit before it inserts the entry, and clears bits only by
 * writing what the entries left in the map need (after a removal, and at
 * start, when pins may predate the filter). So the bit of every entry that
 * can be found is 1 in the value before a write and in the value after it:
 * a reader that sees the write half done (at any granularity) still sees it.
 */
#define ENF_INODE_FILTER_BITS  65536
#define ENF_INODE_FILTER_WORDS (ENF_INODE_FILTER_BITS / 64)

struct enf_inode_filter {
	__u64 word[ENF_INODE_FILTER_WORDS];
};

/* The filter bit of ino (Fibonacci hashing: inode numbers come in runs). */
static inline __u32 enf_inode_filter_bit(__u64 ino)
{
	return (__u32)((ino * 0x9E3779B97F4A7C15ULL) >> 48);
}

/*
 * net_rules: LPM trie over {instance, address}. Addresses are IPv6; IPv4 is
 * stored and looked up IPv4-mapped (::ffff:a.b.c.d), so a mapped address
 * matches the IPv4 rule it is. prefixlen counts the 32 instance bits too.
 * Rules without an address sit at the instance's ::/0 entry. Each entry
 * holds every rule that can apply to an address in its prefix, inherited
 * ones included, sorted by the policy's precedence: the first rule whose
 * op, family, protocol, port and executable match decides.
 */
#define ENF_NET_RULES_PER_PREFIX 32

/*
 * The network vocabulary: bits of a rule's ops and families, and the
 * protocol, as profiles, bundles and the kernel all hold them. Their words
 * are in common/vocab.c.
 */
enum enf_net_op {
	ENF_NET_CREATE  = 1u << 0,
	ENF_NET_CONNECT = 1u << 1,
	ENF_NET_BIND    = 1u << 2,
	ENF_NET_LISTEN  = 1u << 3,
	ENF_NET_ACCEPT  = 1u << 4,
	ENF_NET_SEND    = 1u << 5,
};

enum enf_net_family {
	ENF_NET_FAMILY_INET4   = 1u << 0,
	ENF_NET_FAMILY_INET6   = 1u << 1,
	ENF_NET_FAMILY_UNIX    = 1u << 2,
	ENF_NET_FAMILY_PACKET  = 1u << 3,
	ENF_NET_FAMILY_NETLINK = 1u << 4,
	/*
	 * Every family without a word of its own (AF_ALG, AF_VSOCK, AF_XDP,
	 * AF_TIPC, ...): set only by "any", so that "any" means any family.
	 */
	ENF_NET_FAMILY_OTHER   = 1u << 5,
	ENF_NET_FAMILY_ANY     = 0x3f, /* every family: the word "any" (in rules, never a socket's) */
};

enum enf_net_proto {
	ENF_NET_PROTO_ANY  = 0, /* in a rule: any; for a socket: none of the others */
	ENF_NET_PROTO_TCP  = 1,
	ENF_NET_PROTO_UDP  = 2,
	ENF_NET_PROTO_ICMP = 3,
	ENF_NET_PROTO_RAW  = 4,
};

/* Key prefix lengths: the 32 instance bits, then the address bits. */
#define ENF_NET_PREFIX_INSTANCE 32                 /* the instance's ::/0 entry */
#define ENF_NET_PREFIX_FULL     (32 + 128)         /* a lookup of one address */
#define ENF_NET_PREFIX_V4_BASE  (32 + 96)          /* ::ffff:0:0/96, where IPv4 begins */

struct enf_net_key {
	__u32 prefixlen;
	__u32 instance;
	__u8  addr[16];
};

struct enf_net_rule {
	__u32 rule_id;
	__u32 exe_id;       /* 0: any executable */
	__u16 port_lo;      /* host byte order; 0-65535 = any */
	__u16 port_hi;
	__u8  ops;          /* ENF_NET_* bits */
	__u8  families;     /* ENF_NET_FAMILY_* bits */
	__u8  proto;        /* enum policy_net_proto; 0 = any */
	__u8  action;       /* enum enf_action */
};

struct enf_net_val {
	__u32 count;
	__u32 _pad;
	struct enf_net_rule rules[ENF_NET_RULES_PER_PREFIX];
};

/*
 * accept_memos: a listening socket -> the last accept on it that its
 * profile allowed with no event (socket storage, lsm-progs/net.bpf.c).
 * Every connection a listener takes is decided on the same address under
 * the same profile, so the match is kept while none of what decided it
 * changed: the profile's slot, instance and generation (bumped by every
 * edit, mode change included), settings.attach_gen (every start and every
 * change of the attachments), and the listener's family, protocol and
 * bound address and port, compared at each accept. Kept only on a listener
 * whose port bind() chose, which keeps it until closed (one whose port
 * listen() picked gives it up when disconnected and can be bound
 * elsewhere). Profiles with 'from' rules are never kept: their outcome
 * depends on the task's executable too (docs/network.md).
 * Read by the hook only; in this header for the test that plants one by
 * hand (tests/guest/enf-net.c, accept-memo).
 */
struct enf_accept_memo {
	__u64 attach_gen;
	__u64 generation;
	__u32 slot;
	__u32 instance;
	__u16 port;         /* host byte order */
	__u8  family;       /* AF_INET or AF_INET6 */
	__u8  proto;        /* enum enf_net_proto */
	__u8  addr[16];     /* IPv6 or IPv4-mapped */
	__u32 _pad;
};

/*
 * settings: single-entry array of global switches the daemon maintains.
 * abi_version sits at offset 12 in every version: a new daemon reads it
 * from pinned state before trusting any other layout.
 */
struct enf_config {
	__u64 levels_mask;   /* bit L set: some attachment lives at cgroup depth L */
	__u32 deep_levels;   /* attachments deeper than 63: walk every level */
	__u32 abi_version;
	__u32 daemon_tgid;   /* the running enforcerd (0: none): confined tasks cannot signal or trace it */
	__u32 self_flags;    /* ENF_SELF_* */
	__u64 control_sock_ino; /* sockfs inode of the control socket: confined tasks cannot connect */
	__u64 object_id;     /* hash of the BPF object whose programs the pinned links run */
	__u64 attach_gen;    /* changes after every change of the attachments: see lsm-progs/cgroup.bpf.h */
};

#define ENF_CONFIG_ABI_OFFSET 12
#define ENF_SELF_PROTECT (1u << 0) /* self-protection hooks are on */

/*
 * self_inodes: files and directories of the engine that confined tasks may
 * not change (state directory, socket directory, audit log). dev is the
 * kernel's encoding (MAJOR << 20 | MINOR), as in sb->s_dev.
 */
struct enf_self_inode_key {
	__u64 dev;
	__u64 ino;
};

struct enf_self_inode_val {
	__u32 kind;          /* enum enf_self_kind */
	__u32 _pad;
};

enum enf_self_kind {
	ENF_SELF_DIR  = 1,   /* no entry may be added, removed or renamed; no file in it opened for writing */
	ENF_SELF_FILE = 2,   /* may not be written, truncated, unlinked or renamed */
	/*
	 * An executable of the service manager (PID 1's systemd, its
	 * systemd-executor): protected as a file, and a task running it in a
	 * confined cgroup, made by an ungoverned task running one (PID 1), is
	 * the manager preparing the unit, not the workload (lsm-progs/
	 * cgroup.bpf.c, current_manager_exe()).
	 */
	ENF_SELF_MANAGER = 3,
	/*
	 * A directory above one of the daemon's own paths (/etc above
	 * /etc/enforcer): it may not be renamed, replaced or mounted over, so
	 * the names the daemon opens at its next start or reload stay its own;
	 * its entries may change.
	 */
	ENF_SELF_ANCESTOR = 4,
	/*
	 * An OCI runtime's executable (crun, runc): as ENF_SELF_MANAGER, but
	 * its task in a confined cgroup prepares the container whoever made
	 * it (conmon, a containerd shim: no service manager), until it execs
	 * the entrypoint. Added without a new ABI version: programs built
	 * before it take the kind for none, and govern such a task (fail
	 * closed) until the daemon that wrote it has replaced them.
	 */
	ENF_SELF_RUNTIME = 5,
};

#define ENF_MAX_SELF_INODES 64

/* stats: per-CPU array of counters, indexed by enum enf_stat. */
enum enf_stat {
	ENF_STAT_DECISIONS      = 0, /* hook invocations that reached a profile */
	ENF_STAT_DENIED         = 1,
	ENF_STAT_AUDITED        = 2,
	ENF_STAT_EVENT_DROPPED  = 3, /* ring buffer full: event lost, verdict unaffected */
	ENF_STAT_UNRESOLVED     = 4, /* failed closed: object could not be resolved */
	ENF_STAT_NO_INSTANCE    = 5, /* failed closed: profile state missing */
	ENF_STAT_SELF_DENIED    = 6, /* self-protection denials */
	/*
	 * Event accounting (docs/events.md): every deny, would-deny and audit
	 * decision ends in exactly one of DELIVERED, AGGREGATED, EVENT_DROPPED,
	 * so DENIED + AUDITED == DELIVERED + AGGREGATED + EVENT_DROPPED.
	 */
	ENF_STAT_EVENT_DELIVERED  = 7, /* records submitted to the ring buffer */
	ENF_STAT_EVENT_AGGREGATED = 8, /* over the per-key budget: counted in event_rates, no record */
	ENF_STAT_EVENT_UNTRACKED  = 9, /* event_rates was full: no per-key count, never rate limited */
	ENF_STAT_EVENT_LOST_UNTRACKED = 10, /* of those, records the ring buffer had no room for */
	ENF_STAT_MATCH_MEMO     = 11, /* path matches taken from the task's last match (match_memos; path_memos, unwalked) */
	ENF_STAT_LEARN_RECORDED = 12, /* learn: a new observation was sent */
	ENF_STAT_LEARN_DROPPED  = 13, /* learn: ring buffer full; recorded again at its next occurrence */
	ENF_STAT_LEARN_SEEN_FULL = 14, /* learn: dedup table full; sent without deduplication */
	ENF_STAT_LEARN_UNRESOLVED = 15, /* learn: object path could not be walked; allowed, not recorded */
	ENF_STAT_WALK_BEGUN_AGAIN = 16, /* path walks begun again: a rename ran on the node while they read */
	ENF_STAT_COUNT          = 17,
};

/* -------------------------------------------------------------- events -- */

/*
 * event_rates: per (cgroup, profile slot, rule, hook, verdict, reason), the
 * event budget of the current window and cumulative totals. The totals
 * only grow (atomic adds in the hooks); the daemon reads them and reports
 * deltas as "summary" records, so no count is ever reset under a writer.
 */
struct enf_rate_key {
	__u64 cgroup_id;
	__u32 slot;
	__u32 rule_id;      /* 0: no rule, see reason */
	__u8  hook;         /* enum enf_hook (all values < 256) */
	__u8  verdict;      /* enum enf_verdict */
	__u8  reason;       /* enum enf_reason */
	__u8  _pad[5];
};

struct enf_rate_val {
	__u64 window_start_ns;  /* bpf_ktime_get_ns() when the current window began */
	__u64 window_used;      /* records delivered in the current window (approximate under races) */
	__u64 delivered;        /* records submitted to the ring buffer */
	__u64 aggregated;       /* over budget: counted only */
	__u64 dropped;          /* the ring buffer was full */
};

/*
 * event_limits: single-entry array. The first `burst` records per key and
 * window are delivered, the rest only counted; burst 0 turns rate limiting
 * off (every decision is tried on the ring buffer).
 */
struct enf_event_limits {
	__u32 burst;
	__u32 window_ms;    /* 0 means 1000 */
};

enum enf_verdict {
	ENF_VERDICT_ALLOW       = 1,
	ENF_VERDICT_DENY        = 2, /* denied (enforce mode) */
	ENF_VERDICT_WOULD_DENY  = 3, /* audit mode: a deny that was let through */
	ENF_VERDICT_AUDIT       = 4, /* an "audit" rule matched: allowed and logged */
	/*
	 * Learn mode: an observation, not a decision (allowed). In these
	 * records access_class is a bit mask of enum enf_class (1 << class):
	 * one operation can need several classes (an open for read and write).
	 */
	ENF_VERDICT_LEARN       = 5,
};

/* Flags in enf_event.flags */
#define ENF_EVENT_PATH_TRUNCATED (1u << 0)
#define ENF_EVENT_FILELESS       (1u << 1) /* exec of a file with no name (memfd, deleted) */
#define ENF_EVENT_VIA_INODE      (1u << 2) /* decided by inode identity, not the path */
#define ENF_EVENT_EXE_TRUNCATED  (1u << 3) /* exe holds the topmost components only */
#define ENF_EVENT_IN_INTERRUPT   (1u << 4) /* raised in an interrupt: the task fields are the interrupted task's, no exe */

struct enf_event {
	__u64 timestamp_ns;   /* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u64 generation;
	__u64 cgroup_id;
	__u32 hook;           /* enum enf_hook */
	__u32 verdict;        /* enum enf_verdict */
	__u32 mode;           /* enum enf_mode */
	__u32 slot;
	__u32 instance;
	__u32 rule_id;        /* 0: no rule, see reason */
	__u32 reason;         /* enum enf_reason */
	__u32 access_class;   /* enum enf_class */
	__s32 error;          /* value returned to the kernel (0 or -errno) */
	__u32 pid;            /* thread id */
	__u32 tgid;
	__u32 ppid;
	__u32 uid;
	__u32 gid;
	__u32 flags;          /* ENF_EVENT_* */
	__u32 path_len;       /* bytes of path used, NUL included */
	/* network hooks: what the socket operation was about */
	__u32 net_op;         /* one ENF_NET_* bit */
	__u16 net_port;       /* host byte order */
	__u8  net_family;     /* AF_* */
	__u8  net_proto;      /* enum policy_net_proto */
	__u8  net_addr[16];   /* IPv6, or IPv4-mapped IPv6 */
	char  comm[16];
	char  path[ENF_PATH_EVENT_MAX];
	/* the task's executable (mm->exe_file), as the kernel resolved it; "" for kernel threads */
	char  exe[ENF_EXE_EVENT_MAX];
};

/*
 * learn_seen: which observations a learning profile already reported, so
 * each is sent once. {slot, what, path hashes} for paths (what = class
 * mask, ENF_LEARN_FILELESS for a fileless exec), {slot, what = net op,
 * tuple} for sockets. The daemon clears a slot's keys when a session
 * starts. Two independent 64-bit hashes of the path text: a collision
 * would hide a path from the generated profile, so make it unthinkable.
 */
struct enf_learn_key {
	__u32 slot;
	__u32 what;
	__u64 hash[2];
	__u32 path_len;
	__u16 port;
	__u8  family;
	__u8  proto;
	__u8  addr[16];
};

#define ENF_LEARN_FILELESS (1u << 16)

#define ENF_PIN_DIR_DEFAULT "/sys/fs/bpf/enforcer"

/* Fixed sizes: the layouts above are stored in pinned maps and bundles. */
_Static_assert(sizeof(struct enf_attach_key) == 8, "enf_attach_key");
_Static_assert(sizeof(struct enf_inode_filter) == ENF_INODE_FILTER_BITS / 8, "enf_inode_filter");
_Static_assert(sizeof(struct enf_attach_val) == 8, "enf_attach_val");
_Static_assert(sizeof(struct enf_cgroup_path_key) == ENF_CGROUP_PATH_MAX, "enf_cgroup_path_key");
_Static_assert(sizeof(struct enf_profile_val) == 24, "enf_profile_val");
/*
 * baseline_optout was a __u8 followed by a zero pad byte: as a __u16 at the
 * same (even) offset, pinned values and bundles written before it read the
 * same on little-endian machines, the new bits 0.
 */
_Static_assert(__builtin_offsetof(struct enf_profile_val, baseline_optout) == 18, "enf_profile_val.baseline_optout");
_Static_assert(sizeof(struct enf_trie_key) == 32, "enf_trie_key");
_Static_assert(sizeof(struct enf_trie_long_key) == 264, "enf_trie_long_key");
_Static_assert(sizeof(struct enf_node_val) == 92, "enf_node_val");
_Static_assert(sizeof(struct enf_from_key) == 16, "enf_from_key");
_Static_assert(sizeof(struct enf_actions) == 80, "enf_actions");
_Static_assert(sizeof(struct enf_inode_key) == 24, "enf_inode_key");
_Static_assert(sizeof(struct enf_inode_val) == 88, "enf_inode_val");
_Static_assert(sizeof(struct enf_config) == 48, "enf_config");
_Static_assert(sizeof(struct enf_self_inode_key) == 16, "enf_self_inode_key");
_Static_assert(sizeof(struct enf_self_inode_val) == 8, "enf_self_inode_val");
_Static_assert(sizeof(struct enf_net_key) == 24, "enf_net_key");
_Static_assert(sizeof(struct enf_net_rule) == 16, "enf_net_rule");
_Static_assert(sizeof(struct enf_net_val) == 8 + 16 * ENF_NET_RULES_PER_PREFIX, "enf_net_val");
_Static_assert(sizeof(struct enf_accept_memo) == 48, "enf_accept_memo");
_Static_assert(sizeof(struct enf_learn_key) == 48, "enf_learn_key");
_Static_assert(sizeof(struct enf_event) == 88 + 24 + 16 + ENF_PATH_EVENT_MAX + ENF_EXE_EVENT_MAX, "enf_event");
_Static_assert(sizeof(struct enf_rate_key) == 24, "enf_rate_key");
_Static_assert(sizeof(struct enf_rate_val) == 40, "enf_rate_val");
_Static_assert(sizeof(struct enf_event_limits) == 8, "enf_event_limits");

#endif /* ENFORCER_ABI_H */
