// SPDX-License-Identifier: GPL-2.0-only
/* policy_compile() and the bundle format: trie shape, precedence merge, round trip, damage. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "compile.h"
#include "policy.h"
#include "unit.h"
#include "util.h"

static struct bundle *compile_text(const char *json, struct policy_error *err)
{
	struct policy_profile *p = NULL;
	struct bundle *b = NULL;

	memset(err, 0, sizeof(*err));
	if (policy_parse_buffer(json, strlen(json), "t.json", &p, err) < 0)
		return NULL;
	if (policy_compile(p, &b, err) < 0)
		b = NULL;
	policy_profile_free(p);
	return b;
}

/* The node reached by a normalised path, or -1. */
static int node_of(const struct bundle *b, const char *path)
{
	uint32_t node = 0;
	char buf[4096], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		uint32_t i, found = 0;

		for (i = 1; i < b->n_nodes; i++) {
			if (b->nodes[i].parent == node && strcmp(b->nodes[i].name, c) == 0) {
				found = i;
				break;
			}
		}
		if (!found)
			return -1;
		node = found;
	}
	return (int)node;
}

static char *dump_to_string(const struct bundle *b)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	bundle_dump(b, f);
	fclose(f);
	return text;
}

static void test_exec_trie(void)
{
	struct policy_error err;
	struct bundle *b = compile_text(
		"{\"name\":\"web\",\"mode\":\"enforce\",\"exec\":{\"default\":\"allow\",\"rules\":["
		"{\"action\":\"deny\",\"path\":\"/usr/bin/wget\"},"
		"{\"action\":\"audit\",\"path\":\"/usr/bin/curl\"},"
		"{\"action\":\"deny\",\"path\":\"/opt/**\"}]}}", &err);
	int wget, curl, opt, bin;

	if (!EXPECT_TRUE(b != NULL, "compile exec profile"))
		return;
	EXPECT_EQ(b->n_nodes, 6, "nodes: / usr bin wget curl opt");
	EXPECT_EQ(b->n_rules, 3, "three rules in the table");
	EXPECT_EQ(b->mode, ENF_MODE_ENFORCE, "mode carried");
	EXPECT_EQ(b->defaults[ENF_SECTION_EXEC], ENF_ACT_ALLOW, "exec default carried");
	EXPECT_EQ(b->defaults[ENF_SECTION_FILE], ENF_ACT_ALLOW, "absent file section allows");
	wget = node_of(b, "/usr/bin/wget");
	curl = node_of(b, "/usr/bin/curl");
	opt = node_of(b, "/opt");
	bin = node_of(b, "/usr/bin");
	if (!EXPECT_TRUE(wget > 0 && curl > 0 && opt > 0 && bin > 0, "paths are in the trie"))
		goto out;
	EXPECT_EQ(b->nodes[wget].val.exact[ENF_CLASS_EXEC], ENF_ACT_DENY, "wget exact exec deny");
	EXPECT_EQ(b->nodes[wget].val.subtree[ENF_CLASS_EXEC], ENF_ACT_NONE, "wget has no subtree rule");
	EXPECT_EQ(b->nodes[curl].val.exact[ENF_CLASS_EXEC], ENF_ACT_AUDIT, "curl exact exec audit");
	EXPECT_EQ(b->nodes[opt].val.subtree[ENF_CLASS_EXEC], ENF_ACT_DENY, "/opt/** is a subtree rule");
	EXPECT_EQ(b->nodes[opt].val.exact[ENF_CLASS_EXEC], ENF_ACT_NONE, "/opt/** does not name /opt itself");
	EXPECT_EQ(b->nodes[bin].val.exact[ENF_CLASS_EXEC], ENF_ACT_NONE, "intermediate node decides nothing");
	EXPECT_TRUE(bundle_rule_by_id(b, b->nodes[wget].val.exact_rule[ENF_CLASS_EXEC]) != NULL,
		    "node rule id resolves in the rule table");
	EXPECT_EQ(bundle_rule_by_id(b, b->nodes[wget].val.exact_rule[ENF_CLASS_EXEC])->line, 1, "rule line");
	for (uint32_t i = 1; i < b->n_nodes; i++)
		if (!EXPECT_TRUE(b->nodes[i].parent < i, "parents precede children"))
			break;
out:
	bundle_free(b);
}

static void test_file_classes_merge(void)
{
	struct policy_error err;
	struct bundle *b = compile_text(
		"{\"name\":\"f\",\"mode\":\"audit\",\"file\":{\"default\":\"deny\",\"rules\":["
		"{\"action\":\"deny\",\"path\":\"/etc/shadow\",\"access\":[\"read\",\"write\"]},"
		"{\"action\":\"allow\",\"path\":\"/etc/shadow\",\"access\":[\"setattr\"]},"
		"{\"action\":\"allow\",\"path\":\"/srv/www/**\",\"access\":[\"read\"]},"
		"{\"action\":\"audit\",\"path\":\"/srv/www/**\",\"access\":[\"create\",\"delete\"]}]}}", &err);
	int shadow, www;

	if (!EXPECT_TRUE(b != NULL, "compile file profile"))
		return;
	shadow = node_of(b, "/etc/shadow");
	www = node_of(b, "/srv/www");
	if (!EXPECT_TRUE(shadow > 0 && www > 0, "file paths are in the trie"))
		goto out;
	EXPECT_EQ(b->defaults[ENF_SECTION_FILE], ENF_ACT_DENY, "file default deny");
	EXPECT_EQ(b->defaults[ENF_SECTION_EXEC], ENF_ACT_ALLOW, "absent exec section allows");
	EXPECT_EQ(b->nodes[shadow].val.exact[ENF_CLASS_READ], ENF_ACT_DENY, "shadow read deny");
	EXPECT_EQ(b->nodes[shadow].val.exact[ENF_CLASS_WRITE], ENF_ACT_DENY, "shadow write deny");
	EXPECT_EQ(b->nodes[shadow].val.exact[ENF_CLASS_SETATTR], ENF_ACT_ALLOW, "shadow setattr allow");
	EXPECT_EQ(b->nodes[shadow].val.exact[ENF_CLASS_DELETE], ENF_ACT_NONE, "shadow delete unset");
	EXPECT_EQ(b->nodes[shadow].val.exact[ENF_CLASS_EXEC], ENF_ACT_NONE, "file rules never set exec");
	/* Two rules on one node, disjoint classes: each class keeps its own action. */
	EXPECT_EQ(b->nodes[www].val.subtree[ENF_CLASS_READ], ENF_ACT_ALLOW, "subtree read allow");
	EXPECT_EQ(b->nodes[www].val.subtree[ENF_CLASS_CREATE], ENF_ACT_AUDIT, "subtree create audit");
	EXPECT_EQ(b->nodes[www].val.subtree[ENF_CLASS_DELETE], ENF_ACT_AUDIT, "subtree delete audit");
	EXPECT_EQ(b->nodes[www].val.subtree[ENF_CLASS_WRITE], ENF_ACT_NONE, "subtree write unset: default decides");
out:
	bundle_free(b);
}

static void test_round_trip_and_damage(void)
{
	struct policy_error err;
	struct bundle *b = compile_text(
		"{\"name\":\"web\",\"mode\":\"enforce\",\"baseline\":{\"mount\":\"allow\",\"modules\":\"allow\"},"
		"\"exec\":{\"default\":\"deny\",\"rules\":["
		"{\"action\":\"allow\",\"path\":\"/usr/sbin/nginx\"}]},"
		"\"file\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/etc/shadow\",\"access\":[\"read\"]}]}}",
		&err);
	_cleanup_free_ void *buf = NULL, *buf2 = NULL;
	_cleanup_free_ char *d1 = NULL, *d2 = NULL;
	struct bundle *back = NULL;
	size_t len = 0, len2 = 0;
	char msg[512];
	char *copy;

	if (!EXPECT_TRUE(b != NULL, "compile for round trip"))
		return;
	if (!EXPECT_OK(bundle_serialize(b, &buf, &len), "serialize"))
		goto out;
	EXPECT_OK(bundle_serialize(b, &buf2, &len2), "serialize again");
	EXPECT_TRUE(len == len2 && memcmp(buf, buf2, len) == 0, "serialisation is deterministic");
	if (!EXPECT_OK(bundle_parse(buf, len, &back, msg, sizeof(msg)), "parse back"))
		goto out;
	d1 = dump_to_string(b);
	d2 = dump_to_string(back);
	EXPECT_STREQ(d2, d1, "round trip preserves everything dump shows");
	EXPECT_EQ(back->baseline_optout, ENF_BASELINE_MOUNT | ENF_BASELINE_MODULES, "round trip keeps the baseline opt-outs");
	EXPECT_CONTAINS(d1, "baseline mount", "dump shows the baseline opt-outs");

	copy = malloc(len);
	memcpy(copy, buf, len);
	copy[len - 3] ^= 0x40;
	EXPECT_EQ(bundle_parse(copy, len, &back, msg, sizeof(msg)), -EINVAL, "a flipped bit is refused");
	EXPECT_CONTAINS(msg, "checksum mismatch", "damage is named");
	EXPECT_EQ(bundle_parse(buf, len - 1, &back, msg, sizeof(msg)), -EINVAL, "truncation is refused");
	EXPECT_CONTAINS(msg, "truncated", "truncation is named");
	memcpy(copy, buf, len);
	memcpy(copy, "{\"name\":", 8);
	EXPECT_EQ(bundle_parse(copy, len, &back, msg, sizeof(msg)), -EINVAL, "JSON source is refused");
	EXPECT_CONTAINS(msg, "not a compiled profile", "wrong file kind is named");
	memcpy(copy, buf, len);
	((struct bundle_file_header *)copy)->abi_version = ENF_ABI_VERSION + 1;
	EXPECT_EQ(bundle_parse(copy, len, &back, msg, sizeof(msg)), -EPROTO, "another ABI is refused");
	EXPECT_CONTAINS(msg, "recompile", "ABI mismatch says what to do");
	free(copy);
out:
	bundle_free(back == NULL ? NULL : back);
	bundle_free(b);
}

static void test_refusals(void)
{
	struct policy_error err;
	struct bundle *b;

	b = compile_text("{\"name\":\"n\",\"mode\":\"enforce\",\"network\":{\"default\":\"deny\",\"rules\":["
			 "{\"action\":\"allow\",\"op\":[\"connect\"],\"ports\":[443],\"from\":[\"/usr/bin/curl\"]}]}}", &err);
	EXPECT_TRUE(b != NULL && (b->flags & ENF_PROFILE_HAS_FROM), "network 'from' compiles and flags the profile");
	bundle_free(b);
}

static void test_from_and_guards(void)
{
	struct policy_error err;
	struct bundle *b = compile_text(
		"{\"name\":\"n\",\"mode\":\"enforce\",\"fileless\":null}", &err);
	int sh, nginx, etc, shadow, srv;
	uint32_t exe;

	bundle_free(b); /* an unknown key: only checks that the parser still refuses it */
	EXPECT_CONTAINS(err.text, "unknown key", "fileless is not a top-level key");

	b = compile_text("{\"name\":\"n\",\"mode\":\"enforce\",\"exec\":{\"default\":\"allow\",\"fileless\":\"deny\",\"rules\":["
			 "{\"action\":\"deny\",\"path\":\"/bin/sh\",\"from\":[\"/usr/sbin/nginx\"]}]},"
			 "\"file\":{\"default\":\"allow\",\"rules\":["
			 "{\"action\":\"deny\",\"path\":\"/etc/shadow\",\"access\":[\"read\"]},"
			 "{\"action\":\"allow\",\"path\":\"/srv/www/**\",\"access\":[\"read\"]}]}}", &err);
	if (!EXPECT_TRUE(b != NULL, "compile a profile with 'from' and fileless"))
		return;
	EXPECT_EQ(b->fileless_exec, ENF_ACT_DENY, "fileless setting carried");
	EXPECT_EQ(b->baseline_optout, 0, "no \"baseline\": the whole baseline applies");
	EXPECT_TRUE(b->flags & ENF_PROFILE_HAS_FROM, "profile flagged as using 'from'");
	sh = node_of(b, "/bin/sh");
	nginx = node_of(b, "/usr/sbin/nginx");
	etc = node_of(b, "/etc");
	shadow = node_of(b, "/etc/shadow");
	srv = node_of(b, "/srv/www");
	if (!EXPECT_TRUE(sh > 0 && nginx > 0 && etc > 0 && shadow > 0 && srv > 0, "rule and 'from' paths are nodes"))
		goto out;
	exe = b->nodes[nginx].val.exe_id;
	EXPECT_TRUE(exe != 0, "the 'from' executable has an exe_id");
	EXPECT_EQ(b->nodes[sh].val.exact[ENF_CLASS_EXEC], ENF_ACT_NONE, "a 'from' rule is not a rule for everyone");
	if (EXPECT_EQ(b->n_from, 1, "one 'from' entry")) {
		EXPECT_EQ(b->from[0].node, sh, "'from' entry on the rule's node");
		EXPECT_EQ(b->from[0].exe_id, exe, "'from' entry for the executable");
		EXPECT_EQ(b->from[0].actions.exact[ENF_CLASS_EXEC], ENF_ACT_DENY, "'from' entry carries the action");
	}
	EXPECT_TRUE(b->nodes[shadow].val.flags & ENF_NODE_GUARDED, "a denied file is guarded");
	EXPECT_TRUE(b->nodes[etc].val.flags & ENF_NODE_GUARDED, "its parent is guarded");
	EXPECT_TRUE(b->nodes[0].val.flags & ENF_NODE_GUARDED, "and the root");
	EXPECT_TRUE(!(b->nodes[srv].val.flags & ENF_NODE_GUARDED), "an allow-only subtree is not guarded itself");
	EXPECT_TRUE(b->nodes[node_of(b, "/srv")].val.flags & ENF_NODE_GUARDED,
		    "...but its parent is: what moves onto /srv would get /srv/www's rule below it");
	EXPECT_TRUE(!(b->nodes[nginx].val.flags & ENF_NODE_GUARDED), "a 'from' executable's node is not guarded");
	EXPECT_TRUE(b->nodes[sh].val.flags & ENF_NODE_GUARDED, "a 'from' deny guards its node");
out:
	bundle_free(b);
}

static void test_golden_dump(void)
{
	struct policy_profile *p = NULL;
	struct policy_error err = {};
	struct bundle *b = NULL;
	_cleanup_free_ char *dump = NULL, *golden = NULL;
	size_t len;

	if (!EXPECT_OK(policy_parse_file("policies/web-exec.json", &p, &err), "parse policies/web-exec.json"))
		return;
	if (EXPECT_OK(policy_compile(p, &b, &err), "compile policies/web-exec.json")) {
		dump = dump_to_string(b);
		if (EXPECT_OK(read_file_all("tests/unit/golden/web-exec.dump", 1 << 20, &golden, &len), "read golden dump"))
			EXPECT_STREQ(dump, golden, "dump matches tests/unit/golden/web-exec.dump");
		if (getenv("UPDATE_GOLDEN"))
			write_file_atomic("tests/unit/golden/web-exec.dump", dump, strlen(dump), 0644);
	}
	bundle_free(b);
	policy_profile_free(p);
}

int main(void)
{
	test_exec_trie();
	test_file_classes_merge();
	test_round_trip_and_damage();
	test_refusals();
	test_from_and_guards();
	test_golden_dump();
	return unit_done();
}
