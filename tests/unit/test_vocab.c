// SPDX-License-Identifier: GPL-2.0-only
/*
 * common/vocab.c: every value with a word reads back from it, the words
 * are the ones the documents use, a value without a word and a word that
 * is none are told apart, and the sets the profile format names ("all",
 * "inet", "any") are the bits the ABI means.
 */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "vocab.h"

static void test_round_trips(void)
{
	char name[96];
	unsigned n = 0;

	for (int m = ENF_MODE_AUDIT; m <= ENF_MODE_LEARN; m++) {
		enum enf_mode back = 0;

		snprintf(name, sizeof(name), "mode %d <-> \"%s\"", m, enf_mode_name((enum enf_mode)m));
		n += EXPECT_TRUE(enf_mode_from_word(enf_mode_name((enum enf_mode)m), &back) == 0 && (int)back == m, name);
	}
	for (int s = 0; s < ENF_SECTION_COUNT; s++) {
		enum enf_section back = ENF_SECTION_COUNT;

		snprintf(name, sizeof(name), "section %d <-> \"%s\"", s, enf_section_name((enum enf_section)s));
		n += EXPECT_TRUE(enf_section_from_word(enf_section_name((enum enf_section)s), &back) == 0 &&
				 (int)back == s, name);
	}
	for (int a = ENF_ACT_ALLOW; a <= ENF_ACT_DENY; a++) {
		enum enf_action back = ENF_ACT_NONE;

		snprintf(name, sizeof(name), "action %d <-> \"%s\"", a, enf_action_name((enum enf_action)a));
		n += EXPECT_TRUE(enf_action_from_word(enf_action_name((enum enf_action)a), &back) == 0 && (int)back == a,
				 name);
	}
	for (int c = ENF_CLASS_READ; c < ENF_CLASS_COUNT; c++) {
		uint32_t bits = 0;

		snprintf(name, sizeof(name), "access class %d <-> \"%s\"", c, enf_class_name((enum enf_class)c));
		n += EXPECT_TRUE(enf_access_from_word(enf_class_name((enum enf_class)c), &bits) == 0 && bits == 1u << c,
				 name);
	}
	for (uint32_t bit = 1; bit <= ENF_NET_SEND; bit <<= 1) {
		uint32_t back = 0;

		snprintf(name, sizeof(name), "network op %#x <-> \"%s\"", bit, enf_net_op_name(bit));
		n += EXPECT_TRUE(enf_net_op_name(bit) && enf_net_op_from_word(enf_net_op_name(bit), &back) == 0 &&
				 back == bit, name);
	}
	for (uint32_t bit = 1; bit <= ENF_NET_FAMILY_NETLINK; bit <<= 1) {
		uint32_t back = 0;

		snprintf(name, sizeof(name), "family %#x <-> \"%s\"", bit, enf_net_family_name(bit));
		n += EXPECT_TRUE(enf_net_family_name(bit) && enf_net_family_from_word(enf_net_family_name(bit), &back) == 0 &&
				 back == bit, name);
	}
	for (int p = ENF_NET_PROTO_ANY; p <= ENF_NET_PROTO_RAW; p++) {
		enum enf_net_proto back = 99;

		snprintf(name, sizeof(name), "protocol %d <-> \"%s\"", p, enf_net_proto_name((enum enf_net_proto)p));
		n += EXPECT_TRUE(enf_net_proto_from_word(enf_net_proto_name((enum enf_net_proto)p), &back) == 0 &&
				 (int)back == p, name);
	}
	EXPECT_EQ(n, 3 + 3 + 3 + 7 + 6 + 5 + 5, "every value of every vocabulary round-trips");
}

static void test_words(void)
{
	/* The words documents and saved state hold: a change here is a format change. */
	EXPECT_STREQ(enf_mode_name(ENF_MODE_ENFORCE), "enforce", "mode word");
	EXPECT_STREQ(enf_section_name(ENF_SECTION_NETWORK), "network", "section word");
	EXPECT_STREQ(enf_action_name(ENF_ACT_NONE), "none", "the unset action prints as none");
	EXPECT_STREQ(enf_class_name(ENF_CLASS_SETATTR), "setattr", "class word");
	EXPECT_STREQ(enf_class_name(ENF_CLASS_EXEC), "exec", "the exec class has a name");
	EXPECT_STREQ(enf_net_op_name(ENF_NET_ACCEPT), "accept", "op word");
	EXPECT_STREQ(enf_net_family_name(ENF_NET_FAMILY_NETLINK), "netlink", "family word");
	EXPECT_STREQ(enf_net_proto_name(ENF_NET_PROTO_ICMP), "icmp", "protocol word");
}

static void test_none_and_unknown(void)
{
	enum enf_action a = ENF_ACT_ALLOW;
	enum enf_mode m = ENF_MODE_AUDIT;
	uint32_t bits = 7;

	EXPECT_STREQ(enf_mode_name(0), "?", "mode 0 has no word");
	EXPECT_STREQ(enf_mode_name(99), "?", "mode 99 has no word");
	EXPECT_STREQ(enf_class_name(ENF_CLASS_COUNT), "?", "a class past the last has no word");
	EXPECT_STREQ(enf_net_proto_name(ENF_NET_PROTO_RAW + 1), "?", "a protocol past the last has no word");
	EXPECT_TRUE(enf_net_op_name(0) == NULL, "no op bit: NULL");
	EXPECT_TRUE(enf_net_op_name(ENF_NET_CONNECT | ENF_NET_BIND) == NULL, "two op bits: NULL");
	EXPECT_TRUE(enf_net_op_name(1u << 6) == NULL, "an op bit past the last: NULL");
	EXPECT_TRUE(enf_net_family_name(ENF_NET_FAMILY_OTHER) == NULL, "the other families have no word");
	EXPECT_EQ(enf_action_from_word("none", &a), -EINVAL, "\"none\" is printed, never read");
	EXPECT_EQ(a, ENF_ACT_ALLOW, "a refused word leaves the value alone");
	EXPECT_EQ(enf_mode_from_word("Enforce", &m), -EINVAL, "words are case-sensitive");
	EXPECT_EQ(enf_mode_from_word("", &m), -EINVAL, "the empty word is none");
	EXPECT_EQ(enf_access_from_word("exec", &bits), -EINVAL, "exec is not a file access word");
	EXPECT_EQ(bits, 7, "a refused access word leaves the bits alone");
	EXPECT_EQ(enf_net_family_from_word("other", &bits), -EINVAL, "\"other\" is not a family word");
}

static void test_sets(void)
{
	uint32_t bits = 0;

	EXPECT_TRUE(enf_access_from_word("all", &bits) == 0 && bits == ENF_ACCESS_ALL, "all: every file access");
	EXPECT_EQ(ENF_ACCESS_ALL, ((1u << ENF_CLASS_COUNT) - 1) & ~(1u << ENF_CLASS_EXEC), "all is not exec");
	EXPECT_TRUE(enf_net_family_from_word("inet", &bits) == 0 &&
		    bits == (ENF_NET_FAMILY_INET4 | ENF_NET_FAMILY_INET6), "inet: inet4 and inet6");
	EXPECT_TRUE(enf_net_family_from_word("any", &bits) == 0 && bits == ENF_NET_FAMILY_ANY, "any: ENF_NET_FAMILY_ANY");
	EXPECT_EQ(ENF_NET_FAMILY_ANY, (ENF_NET_FAMILY_OTHER << 1) - 1, "any covers every family bit, other included");
}

int main(void)
{
	test_round_trips();
	test_words();
	test_none_and_unknown();
	test_sets();
	return unit_done();
}
