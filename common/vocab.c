// SPDX-License-Identifier: GPL-2.0-only
/* The words of the ABI's values, both ways (vocab.h). */
#include <errno.h>
#include <string.h>

#include "util.h"
#include "vocab.h"

static const char *const mode_words[] = {
	[ENF_MODE_AUDIT] = "audit",
	[ENF_MODE_ENFORCE] = "enforce",
	[ENF_MODE_LEARN] = "learn",
};

static const char *const section_words[ENF_SECTION_COUNT] = {
	[ENF_SECTION_EXEC] = "exec",
	[ENF_SECTION_FILE] = "file",
	[ENF_SECTION_NETWORK] = "network",
};

static const char *const action_words[] = {
	[ENF_ACT_NONE] = "none",
	[ENF_ACT_ALLOW] = "allow",
	[ENF_ACT_AUDIT] = "audit",
	[ENF_ACT_DENY] = "deny",
};

static const char *const class_words[ENF_CLASS_COUNT] = {
	[ENF_CLASS_EXEC] = "exec",
	[ENF_CLASS_READ] = "read",
	[ENF_CLASS_WRITE] = "write",
	[ENF_CLASS_CREATE] = "create",
	[ENF_CLASS_DELETE] = "delete",
	[ENF_CLASS_RENAME] = "rename",
	[ENF_CLASS_LINK] = "link",
	[ENF_CLASS_SETATTR] = "setattr",
};

/* Indexed by bit number. */
static const char *const op_words[] = { "create", "connect", "bind", "listen", "accept", "send" };
static const char *const family_words[] = { "inet4", "inet6", "unix", "packet", "netlink" };

_Static_assert(ENF_NET_CREATE == 1u << 0 && ENF_NET_CONNECT == 1u << 1 && ENF_NET_BIND == 1u << 2 &&
	       ENF_NET_LISTEN == 1u << 3 && ENF_NET_ACCEPT == 1u << 4 && ENF_NET_SEND == 1u << 5,
	       "op_words[] is indexed by the bit of enum enf_net_op");
_Static_assert(ENF_NET_FAMILY_INET4 == 1u << 0 && ENF_NET_FAMILY_INET6 == 1u << 1 &&
	       ENF_NET_FAMILY_UNIX == 1u << 2 && ENF_NET_FAMILY_PACKET == 1u << 3 &&
	       ENF_NET_FAMILY_NETLINK == 1u << 4,
	       "family_words[] is indexed by the bit of enum enf_net_family");

static const char *const proto_words[] = {
	[ENF_NET_PROTO_ANY] = "any",
	[ENF_NET_PROTO_TCP] = "tcp",
	[ENF_NET_PROTO_UDP] = "udp",
	[ENF_NET_PROTO_ICMP] = "icmp",
	[ENF_NET_PROTO_RAW] = "raw",
};

/* The word of index i of a table with holes, or fallback. */
static const char *word_at(const char *const *words, size_t n, unsigned i, const char *fallback)
{
	return i < n && words[i] ? words[i] : fallback;
}

/* The index of w in a table with holes, from `first` on; -1 when absent. */
static int index_of(const char *const *words, size_t n, size_t first, const char *w)
{
	for (size_t i = first; i < n; i++)
		if (words[i] && strcmp(w, words[i]) == 0)
			return (int)i;
	return -1;
}

/* The word of a single bit; NULL for anything else. */
static const char *word_of_bit(const char *const *words, size_t n, uint32_t bit)
{
	if (bit == 0 || (bit & (bit - 1)))
		return NULL;
	return word_at(words, n, (unsigned)__builtin_ctz(bit), NULL);
}

const char *enf_mode_name(enum enf_mode m)
{
	return word_at(mode_words, ARRAY_SIZE(mode_words), m, "?");
}

int enf_mode_from_word(const char *w, enum enf_mode *ret)
{
	int i = index_of(mode_words, ARRAY_SIZE(mode_words), 0, w);

	if (i < 0)
		return -EINVAL;
	*ret = (enum enf_mode)i;
	return 0;
}

const char *enf_section_name(enum enf_section s)
{
	return word_at(section_words, ARRAY_SIZE(section_words), s, "?");
}

int enf_section_from_word(const char *w, enum enf_section *ret)
{
	int i = index_of(section_words, ARRAY_SIZE(section_words), 0, w);

	if (i < 0)
		return -EINVAL;
	*ret = (enum enf_section)i;
	return 0;
}

const char *enf_action_name(enum enf_action a)
{
	return word_at(action_words, ARRAY_SIZE(action_words), a, "?");
}

int enf_action_from_word(const char *w, enum enf_action *ret)
{
	int i = index_of(action_words, ARRAY_SIZE(action_words), ENF_ACT_NONE + 1, w);

	if (i < 0)
		return -EINVAL;
	*ret = (enum enf_action)i;
	return 0;
}

const char *enf_class_name(enum enf_class c)
{
	return word_at(class_words, ARRAY_SIZE(class_words), c, "?");
}

int enf_access_from_word(const char *w, uint32_t *ret_bits)
{
	int i;

	if (strcmp(w, "all") == 0) {
		*ret_bits = ENF_ACCESS_ALL;
		return 0;
	}
	i = index_of(class_words, ARRAY_SIZE(class_words), ENF_CLASS_READ, w);
	if (i < 0)
		return -EINVAL;
	*ret_bits = 1u << i;
	return 0;
}

const char *enf_net_op_name(uint32_t op_bit)
{
	return word_of_bit(op_words, ARRAY_SIZE(op_words), op_bit);
}

int enf_net_op_from_word(const char *w, uint32_t *ret_bit)
{
	int i = index_of(op_words, ARRAY_SIZE(op_words), 0, w);

	if (i < 0)
		return -EINVAL;
	*ret_bit = 1u << i;
	return 0;
}

const char *enf_net_family_name(uint32_t family_bit)
{
	return word_of_bit(family_words, ARRAY_SIZE(family_words), family_bit);
}

int enf_net_family_from_word(const char *w, uint32_t *ret_bits)
{
	int i;

	if (strcmp(w, "any") == 0) {
		*ret_bits = ENF_NET_FAMILY_ANY;
		return 0;
	}
	if (strcmp(w, "inet") == 0) {
		*ret_bits = ENF_NET_FAMILY_INET4 | ENF_NET_FAMILY_INET6;
		return 0;
	}
	i = index_of(family_words, ARRAY_SIZE(family_words), 0, w);
	if (i < 0)
		return -EINVAL;
	*ret_bits = 1u << i;
	return 0;
}

const char *enf_net_proto_name(enum enf_net_proto p)
{
	return word_at(proto_words, ARRAY_SIZE(proto_words), p, "?");
}

int enf_net_proto_from_word(const char *w, enum enf_net_proto *ret)
{
	int i = index_of(proto_words, ARRAY_SIZE(proto_words), 0, w);

	if (i < 0)
		return -EINVAL;
	*ret = (enum enf_net_proto)i;
	return 0;
}
