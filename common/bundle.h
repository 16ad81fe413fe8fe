/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A compiled profile ("bundle"): exactly the map contents enforcerd loads,
 * plus the rule table that maps rule ids back to file:line. policyc writes
 * it, enforcerd reads it; neither side parses JSON again.
 *
 * On disk (host byte order, checked through a byte-order mark):
 *   struct bundle_file_header
 *   struct bundle_file_node  [n_nodes]   node 0 is "/", its parent is BUNDLE_NO_PARENT
 *   struct bundle_file_rule  [n_rules]   sorted by id
 *   struct bundle_file_from  [n_from]    'from'-limited actions per node and executable
 *   struct bundle_file_net   [n_net]     network prefix entries
 *   strings                  [strings_size] NUL-terminated: the source file,
 *                            then each node's name, then each rule's text, in
 *                            that order, each once and nothing else
 * The CRC32 covers the whole file with its crc32 field zeroed: every header
 * byte (name, mode, defaults, flags, padding) as much as the records, so
 * damage anywhere is refused. (Format 1 covered only the bytes after the
 * header: zeroed defaults turned an allow-list into no restriction.) It
 * finds damage, not forgery: whoever may write a bundle may compute its
 * CRC. The layout is canonical: the same input always compiles to the same
 * bytes, and a bundle bundle_parse() accepts serialises back to exactly the
 * bytes it was read from (tests/fuzz/fuzz_bundle.c checks that).
 */
#ifndef ENFORCER_BUNDLE_H
#define ENFORCER_BUNDLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "enforcer_abi.h"
#include "vocab.h" /* bundles are made of these words: their users print them */

#define BUNDLE_MAGIC        "ENFBNDL\0"
#define BUNDLE_FORMAT_VERSION 2   /* 2: the CRC covers the header too */
#define BUNDLE_BYTE_ORDER   0x01020304u
#define BUNDLE_NO_PARENT    0xffffffffu
#define BUNDLE_MAX_SIZE     (256u << 20)

struct bundle_file_header {
	char     magic[8];
	__u32    byte_order;
	__u32    format_version;
	__u32    abi_version;
	__u32    header_size;
	__u64    total_size;
	__u32    crc32;          /* of the whole file, this field taken as 0 */
	__u32    n_nodes;
	__u32    n_rules;
	__u32    strings_size;
	char     name[ENF_PROFILE_NAME_MAX];
	__u8     mode;           /* enum enf_mode */
	__u8     defaults[ENF_SECTION_COUNT];
	__u32    source_off;     /* string: the profile's source file */
	__u32    n_from;
	__u32    n_net;
	__u8     flags;          /* ENF_PROFILE_* */
	__u8     fileless_exec;  /* enum enf_action */
	__u16    baseline_optout; /* ENF_BASELINE_*: what the profile lets through the baseline */
	__u8     _pad[4];        /* 0 */
};

struct bundle_file_node {
	__u32 parent;
	__u32 name_off;          /* string: one path component ("" for the root) */
	struct enf_node_val val; /* val.node is this node's index */
};

struct bundle_file_from {
	__u32 node;
	__u32 exe_id;
	struct enf_actions actions;
};

struct bundle_file_net {
	__u8  prefix_len;        /* of addr: 0..128 */
	__u8  _pad[7];
	__u8  addr[16];          /* IPv6 or IPv4-mapped, host bits zero */
	struct enf_net_val val;
};

struct bundle_file_rule {
	__u32 id;
	__u32 section;           /* enum enf_section */
	__u32 action;            /* enum enf_action */
	__u32 line;
	__u32 column;
	__u32 text_off;          /* string: the rule in one line of canonical JSON */
};

_Static_assert(sizeof(struct bundle_file_header) == 136, "bundle_file_header");
/* Was a __u8 and a zero pad byte (enf_profile_val.baseline_optout says why this reads old bundles). */
_Static_assert(__builtin_offsetof(struct bundle_file_header, baseline_optout) == 130, "bundle baseline_optout");
_Static_assert(sizeof(struct bundle_file_from) == 88, "bundle_file_from");
_Static_assert(sizeof(struct bundle_file_net) == 24 + sizeof(struct enf_net_val), "bundle_file_net");
_Static_assert(sizeof(struct bundle_file_node) == 100, "bundle_file_node");
_Static_assert(sizeof(struct bundle_file_rule) == 24, "bundle_file_rule");

/* In memory. Strings are owned by the bundle. */
struct bundle_node {
	uint32_t parent;
	char *name;
	struct enf_node_val val;
};

struct bundle_rule {
	uint32_t id;
	enum enf_section section;
	enum enf_action action;
	uint32_t line, column;
	char *text;
};

struct bundle {
	char name[ENF_PROFILE_NAME_MAX];
	enum enf_mode mode;
	uint8_t defaults[ENF_SECTION_COUNT];
	uint8_t flags;            /* ENF_PROFILE_* */
	uint8_t fileless_exec;    /* enum enf_action */
	uint16_t baseline_optout; /* ENF_BASELINE_*: what the profile lets through the baseline */
	char *source_file;
	struct bundle_node *nodes;
	uint32_t n_nodes;
	struct bundle_rule *rules;
	uint32_t n_rules;
	struct bundle_file_from *from;  /* plain records: no pointers inside */
	uint32_t n_from;
	struct bundle_file_net *net;
	uint32_t n_net;
};

void bundle_free(struct bundle *b);

/* Serialise to a malloc'ed buffer. 0 or -errno. */
int bundle_serialize(const struct bundle *b, void **ret_buf, size_t *ret_len);

/* Write atomically (temporary file, fsync, rename). 0 or -errno. */
int bundle_write_file(const struct bundle *b, const char *path);

/*
 * Parse and verify a serialised bundle. 0; -EPROTO with a message in err
 * for a bundle of another format, ABI or byte order ("... recompile the
 * profile with this version's policyc"); -EINVAL for anything damaged or
 * not canonical ("checksum mismatch: the bundle is damaged; recompile it");
 * -ENOMEM.
 */
int bundle_parse(const void *buf, size_t len, struct bundle **ret_bundle,
		 char *err, size_t err_size);
int bundle_read_fd(int fd, struct bundle **ret_bundle, char *err, size_t err_size);

/* Human-readable form, stable enough for golden files. */
void bundle_dump(const struct bundle *b, FILE *out);

/* "10.0.0.0/8" or "2001:db8::/32" for a stored (IPv6 or IPv4-mapped) prefix. */
void bundle_format_addr(const uint8_t addr[16], unsigned prefix_len, char *buf, size_t size);

/* Lookups used by the daemon to turn event rule ids into file:line. */
const struct bundle_rule *bundle_rule_by_id(const struct bundle *b, uint32_t id);

/*
 * A profile name: 1 to ENF_PROFILE_NAME_MAX - 1 characters of A-Z a-z 0-9
 * _ . - (policyc refuses others; a bundle, the state file and the daemon's
 * file names rely on it: NAME-INSTANCE.pol, learn-NAME.jsonl).
 */
bool enf_profile_name_char(char c);
bool enf_profile_name_valid(const char *s);



#endif /* ENFORCER_BUNDLE_H */
