// SPDX-License-Identifier: GPL-2.0-only
/*
 * The daemon's host-testable parts of lifecycle and live edits:
 *  - state.json: format/parse round trip, and every kind of damage refused
 *    with a message naming where (never half-read);
 *  - selector globs: matching, pruning of watched directories, validation;
 *  - live rule edits: a bundle turned back into its document compiles to the
 *    same bytes; rule add/del keep every other rule's id and position.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "compile.h"
#include "live_edit.h"
#include "policy.h"
#include "selector_glob.h"
#include "state_file.h"
#include "unit.h"

static const char *const good_state =
	"{\"format\": 1, \"abi\": 2, \"next_instance\": 9, \"next_generation\": 31,"
	" \"profiles\": [{\"name\": \"web\", \"slot\": 0, \"instance\": 8, \"generation\": 30,"
	"                 \"mode\": \"enforce\", \"bundle\": \"web-8.pol\", \"source\": \"web-8.json\"},"
	"                {\"name\": \"db\", \"slot\": 3, \"instance\": 5, \"generation\": 12,"
	"                 \"mode\": \"audit\", \"bundle\": \"db-5.pol\"}],"
	" \"attachments\": [{\"profile\": \"web\", \"cgroup\": \"/sys/fs/cgroup/web\", \"cgroup_id\": 4242},"
	"                   {\"profile\": \"db\", \"cgroup\": \"/sys/fs/cgroup/x/db.scope\", \"cgroup_id\": 77,"
	"                    \"via\": \"x/*.scope\"}],"
	" \"selectors\": [{\"profile\": \"db\", \"glob\": \"x/*.scope\"}]}";

static int parse(const char *text, struct state_doc *d, char *err, size_t size)
{
	return state_doc_parse(text, strlen(text), d, err, size);
}

static void test_state_round_trip(void)
{
	struct state_doc d, d2;
	char err[1024] = "";
	char *text;

	if (!EXPECT_OK(parse(good_state, &d, err, sizeof(err)), "state: a valid file parses"))
		printf("    %s\n", err);
	EXPECT_EQ(d.n_profiles, 2, "state: two profiles");
	EXPECT_EQ(d.profiles[1].slot, 3, "state: slot kept");
	EXPECT_EQ(d.profiles[1].mode, ENF_MODE_AUDIT, "state: mode kept");
	EXPECT_TRUE(d.profiles[1].source == NULL, "state: source is optional");
	EXPECT_EQ(d.attachments[0].cgroup_id, 4242, "state: cgroup id kept");
	EXPECT_STREQ(d.attachments[1].via, "x/*.scope", "state: selector attachment keeps its glob");
	EXPECT_EQ(d.next_generation, 31, "state: next generation");

	text = state_doc_format(&d);
	EXPECT_TRUE(text != NULL, "state: formats");
	EXPECT_OK(text ? state_doc_parse(text, strlen(text), &d2, err, sizeof(err)) : -1, "state: formatted text parses");
	EXPECT_EQ(d2.n_profiles, d.n_profiles, "state: round trip keeps profiles");
	EXPECT_EQ(d2.n_attachments, d.n_attachments, "state: round trip keeps attachments");
	EXPECT_EQ(d2.n_selectors, 1, "state: round trip keeps selectors");
	EXPECT_STREQ(d2.profiles[0].bundle, "web-8.pol", "state: round trip keeps file names");
	EXPECT_EQ(d2.profiles[0].generation, 30, "state: round trip keeps generations");
	free(text);
	state_doc_free(&d);
	state_doc_free(&d2);

	/* An ABI number past INT_MAX was written back negative, and the daemon's own file refused (fuzz_state_file). */
	{
		const char big[] = "{\"format\": 1, \"abi\": 3000000000, \"next_instance\": 2, \"next_generation\": 2,"
				   " \"profiles\": [], \"attachments\": [], \"selectors\": []}";

		text = NULL;
		if (EXPECT_OK(parse(big, &d, err, sizeof(err)), "state: an ABI number past INT_MAX parses"))
			text = state_doc_format(&d);
		EXPECT_OK(text ? state_doc_parse(text, strlen(text), &d2, err, sizeof(err)) : -1,
			  "state: ... and what is written for it parses again");
		EXPECT_EQ(text ? d2.abi : 0, 3000000000u, "state: ... with the same ABI number");
		free(text);
		state_doc_free(&d);
		state_doc_free(&d2);
	}
}

/* Each damaged variant is refused, and the message says where. */
/* What /etc/enforcer declares and which unit an attachment is for survive a restart (origin.h). */
static void test_state_origins(void)
{
	static const char text[] =
		"{\"format\": 1, \"abi\": 2, \"next_instance\": 9, \"next_generation\": 31,"
		" \"profiles\": [{\"name\": \"web\", \"slot\": 0, \"instance\": 8, \"generation\": 30, \"mode\": \"enforce\","
		"                 \"bundle\": \"web-8.pol\", \"declared\": \"/etc/enforcer/profiles/web.json\"}],"
		" \"attachments\": [{\"profile\": \"web\", \"cgroup\": \"/sys/fs/cgroup/system.slice/nginx.service\","
		"                    \"declared\": \"/etc/enforcer/attachments.d/web.conf:3\", \"unit\": \"nginx.service\"},"
		"                   {\"profile\": \"web\", \"cgroup\": \"/sys/fs/cgroup/system.slice/x.service\", \"unit\": \"x.service\"}],"
		" \"selectors\": [{\"profile\": \"web\", \"glob\": \"a/*\", \"declared\": \"/etc/enforcer/attachments.d/web.conf:4\"}]}";
	struct state_doc d, d2;
	char err[1024] = "", *out;

	if (!EXPECT_OK(parse(text, &d, err, sizeof(err)), "state origins: declared and unit keys parse"))
		printf("    %s\n", err);
	EXPECT_STREQ(d.profiles[0].declared, "/etc/enforcer/profiles/web.json", "state origins: a declared profile");
	EXPECT_STREQ(d.attachments[0].unit, "nginx.service", "state origins: a unit attachment");
	EXPECT_TRUE(d.attachments[1].declared == NULL, "state origins: a live unit attachment is not declared");
	EXPECT_STREQ(d.selectors[0].declared, "/etc/enforcer/attachments.d/web.conf:4", "state origins: a declared selector");
	out = state_doc_format(&d);
	EXPECT_OK(out ? parse(out, &d2, err, sizeof(err)) : -1, "state origins: the formatted text parses");
	EXPECT_STREQ(d2.attachments[0].declared, "/etc/enforcer/attachments.d/web.conf:3", "state origins: round trip");
	EXPECT_STREQ(d2.attachments[1].unit, "x.service", "state origins: round trip of a live unit");
	free(out);
	state_doc_free(&d2);
	state_doc_free(&d);
	EXPECT_EQ(parse("{\"format\": 1, \"abi\": 2, \"next_instance\": 9, \"next_generation\": 31, \"profiles\": "
			"[{\"name\": \"web\", \"slot\": 0, \"instance\": 8, \"generation\": 30, \"mode\": \"enforce\", "
			"\"bundle\": \"web-8.pol\", \"declared\": 3}], \"attachments\": [], \"selectors\": []}",
			&d, err, sizeof(err)), -EINVAL, "state origins: a declared that is not a string is refused");
	EXPECT_CONTAINS(err, "profiles[0]", "state origins: ... naming where");
}

static void test_state_refusals(void)
{
	static const struct {
		const char *name, *text, *says;
	} bad[] = {
		{ "truncated", "{\"format\": 1, \"abi\": 2, \"next_instance\"", "line 1" },
		{ "empty", "", "line" },
		{ "not an object", "[1, 2]", "" },
		{ "unknown key", "{\"format\": 1, \"abi\": 2, \"next_instance\": 2, \"next_generation\": 2, \"profiles\": [],"
		  " \"attachments\": [], \"selectors\": [], \"extra\": 1}", "extra" },
		{ "future format", "{\"format\": 2, \"abi\": 2, \"next_instance\": 2, \"next_generation\": 2, \"profiles\": [],"
		  " \"attachments\": [], \"selectors\": []}", "format" },
		{ "slot out of range", "{\"format\": 1, \"abi\": 2, \"next_instance\": 9, \"next_generation\": 9, \"profiles\":"
		  " [{\"name\": \"a\", \"slot\": 5000, \"instance\": 1, \"generation\": 1, \"mode\": \"audit\", \"bundle\": \"a.pol\"}],"
		  " \"attachments\": [], \"selectors\": []}", "profiles[0].slot" },
		{ "path in a file name", "{\"format\": 1, \"abi\": 2, \"next_instance\": 9, \"next_generation\": 9, \"profiles\":"
		  " [{\"name\": \"a\", \"slot\": 1, \"instance\": 1, \"generation\": 1, \"mode\": \"audit\", \"bundle\": \"../etc/x\"}],"
		  " \"attachments\": [], \"selectors\": []}", "file names" },
		{ "duplicate name", "{\"format\": 1, \"abi\": 2, \"next_instance\": 9, \"next_generation\": 9, \"profiles\":"
		  " [{\"name\": \"a\", \"slot\": 1, \"instance\": 1, \"generation\": 1, \"mode\": \"audit\", \"bundle\": \"a.pol\"},"
		  "  {\"name\": \"a\", \"slot\": 2, \"instance\": 2, \"generation\": 2, \"mode\": \"audit\", \"bundle\": \"b.pol\"}],"
		  " \"attachments\": [], \"selectors\": []}", "appears twice" },
		{ "shared slot", "{\"format\": 1, \"abi\": 2, \"next_instance\": 9, \"next_generation\": 9, \"profiles\":"
		  " [{\"name\": \"a\", \"slot\": 1, \"instance\": 1, \"generation\": 1, \"mode\": \"audit\", \"bundle\": \"a.pol\"},"
		  "  {\"name\": \"b\", \"slot\": 1, \"instance\": 2, \"generation\": 2, \"mode\": \"audit\", \"bundle\": \"b.pol\"}],"
		  " \"attachments\": [], \"selectors\": []}", "used twice" },
		{ "counter behind", "{\"format\": 1, \"abi\": 2, \"next_instance\": 3, \"next_generation\": 9, \"profiles\":"
		  " [{\"name\": \"a\", \"slot\": 1, \"instance\": 7, \"generation\": 1, \"mode\": \"audit\", \"bundle\": \"a.pol\"}],"
		  " \"attachments\": [], \"selectors\": []}", "next_instance" },
		{ "bad mode", "{\"format\": 1, \"abi\": 2, \"next_instance\": 9, \"next_generation\": 9, \"profiles\":"
		  " [{\"name\": \"a\", \"slot\": 1, \"instance\": 1, \"generation\": 1, \"mode\": \"loud\", \"bundle\": \"a.pol\"}],"
		  " \"attachments\": [], \"selectors\": []}", "profiles[0].mode" },
		{ "attachment of nobody", "{\"format\": 1, \"abi\": 2, \"next_instance\": 2, \"next_generation\": 2, \"profiles\": [],"
		  " \"attachments\": [{\"profile\": \"ghost\", \"cgroup\": \"/sys/fs/cgroup/x\"}], \"selectors\": []}",
		  "attachments[0].profile" },
		{ "relative cgroup", "{\"format\": 1, \"abi\": 2, \"next_instance\": 9, \"next_generation\": 9, \"profiles\":"
		  " [{\"name\": \"a\", \"slot\": 1, \"instance\": 1, \"generation\": 1, \"mode\": \"audit\", \"bundle\": \"a.pol\"}],"
		  " \"attachments\": [{\"profile\": \"a\", \"cgroup\": \"x/y\"}], \"selectors\": []}", "absolute" },
		{ "duplicate key", "{\"format\": 1, \"format\": 1}", "duplicate" },
		{ "abi beyond 32 bits", "{\"format\": 1, \"abi\": 4294967298, \"next_instance\": 2, \"next_generation\": 2,"
		  " \"profiles\": [], \"attachments\": [], \"selectors\": []}", "abi and next_instance at most" },
		{ "profile name the policy refuses", "{\"format\": 1, \"abi\": 2, \"next_instance\": 9, \"next_generation\": 9,"
		  " \"profiles\": [{\"name\": \"a/b\", \"slot\": 1, \"instance\": 1, \"generation\": 1, \"mode\": \"audit\","
		  " \"bundle\": \"a.pol\"}], \"attachments\": [], \"selectors\": []}", "profiles[0].name" },
	};
	struct state_doc d;
	char err[1024];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char name[128];
		int r;

		err[0] = 0;
		r = parse(bad[i].text, &d, err, sizeof(err));
		snprintf(name, sizeof(name), "state: refused: %s", bad[i].name);
		EXPECT_EQ(r, -EINVAL, name);
		snprintf(name, sizeof(name), "state: refusal names the problem: %s", bad[i].name);
		EXPECT_CONTAINS(err, bad[i].says, name);
		EXPECT_EQ(d.n_profiles + d.n_attachments + d.n_selectors, 0, "state: nothing half-read");
	}
	{
		const char text[] = "{\"format\": 1\0, \"abi\": 2}";

		EXPECT_EQ(state_doc_parse(text, sizeof(text) - 1, &d, err, sizeof(err)), -EINVAL, "state: a NUL byte is refused");
	}
}

static void test_globs(void)
{
	char err[512];

	EXPECT_TRUE(selector_glob_match("system.slice/nginx.service", "system.slice/nginx.service"), "glob: exact");
	EXPECT_TRUE(!selector_glob_match("system.slice/nginx.service", "system.slice/nginx.service/x"), "glob: exact is not a prefix");
	EXPECT_TRUE(selector_glob_match("system.slice/*.service", "system.slice/sshd.service"), "glob: star in a component");
	EXPECT_TRUE(!selector_glob_match("system.slice/*.service", "system.slice/a/b.service"), "glob: star stays in its component");
	EXPECT_TRUE(selector_glob_match("kubepods.slice/**/cri-containerd-*.scope",
					"kubepods.slice/kubepods-burstable.slice/pod1.slice/cri-containerd-ab12.scope"),
		    "glob: ** spans components");
	EXPECT_TRUE(selector_glob_match("kubepods.slice/**/cri-containerd-*.scope", "kubepods.slice/cri-containerd-1.scope"),
		    "glob: ** matches zero components");
	EXPECT_TRUE(!selector_glob_match("kubepods.slice/**/cri-containerd-*.scope", "kubepods.slice/x/crio-1.scope"),
		    "glob: ** does not make the rest optional");
	EXPECT_TRUE(selector_glob_match("a/**", "a/b/c"), "glob: trailing **");
	EXPECT_TRUE(selector_glob_match("t5?/[ab]", "t55/b"), "glob: ? and [..]");
	EXPECT_TRUE(selector_glob_may_match_below("kubepods.slice/**/x", "kubepods.slice/a/b"), "glob: prune keeps ** subtrees");
	EXPECT_TRUE(selector_glob_may_match_below("system.slice/*.service", ""), "glob: prune keeps the root");
	EXPECT_TRUE(selector_glob_may_match_below("system.slice/*.service", "system.slice"), "glob: prune keeps a prefix");
	EXPECT_TRUE(!selector_glob_may_match_below("system.slice/*.service", "user.slice"), "glob: prune drops other trees");
	EXPECT_TRUE(!selector_glob_may_match_below("system.slice/*.service", "system.slice/a.service/child"),
		    "glob: prune drops below a full match");
	EXPECT_EQ(selector_glob_check("", err, sizeof(err)), -EINVAL, "glob: empty refused");
	EXPECT_EQ(selector_glob_check("a/../b", err, sizeof(err)), -EINVAL, "glob: .. refused");
	EXPECT_EQ(selector_glob_check("a/b**", err, sizeof(err)), -EINVAL, "glob: ** inside a component refused");
	EXPECT_CONTAINS(err, "whole component", "glob: the refusal says why");
	EXPECT_EQ(selector_glob_check("**/**/**/**/**", err, sizeof(err)), -EINVAL, "glob: too many ** refused");
	EXPECT_OK(selector_glob_check("kubepods.slice/**/cri-containerd-*.scope", err, sizeof(err)), "glob: a real one is fine");
}

static struct bundle *compile_text(const char *text)
{
	struct policy_profile *p = NULL;
	struct policy_error err = {};
	struct bundle *b = NULL;

	if (policy_parse_buffer(text, strlen(text), "t.json", &p, &err) < 0 || policy_compile(p, &b, &err) < 0)
		printf("    compile: %s\n", err.text);
	policy_profile_free(p);
	return b;
}

static bool same_bytes(const struct bundle *a, const struct bundle *b)
{
	void *x = NULL, *y = NULL;
	size_t nx = 0, ny = 0;
	bool same;

	if (bundle_serialize(a, &x, &nx) < 0 || bundle_serialize(b, &y, &ny) < 0)
		return false;
	same = nx == ny && memcmp(x, y, nx) == 0;
	free(x);
	free(y);
	return same;
}

static void test_round_trip_file(const char *path)
{
	struct policy_profile *p = NULL;
	struct policy_error perr = {};
	struct bundle *b = NULL, *b2 = NULL;
	struct rule_pos pos[256];
	char err[1024] = "", name[256];
	char *doc;
	size_t n = 0;

	if (policy_parse_file(path, &p, &perr) < 0 || policy_compile(p, &b, &perr) < 0) {
		unit_report(false, path, "%s", perr.text);
		policy_profile_free(p);
		return;
	}
	doc = bundle_to_source(b);
	for (uint32_t i = 0; i < b->n_rules && n < 256; i++)
		pos[n++] = (struct rule_pos){ b->rules[i].id, b->rules[i].line, b->rules[i].column };
	snprintf(name, sizeof(name), "live: %s recompiles from its canonical document", path);
	if (!EXPECT_OK(live_recompile(doc, b->source_file, pos, n, b->fileless_exec, &b2, err, sizeof(err)), name))
		printf("    %s\n    %s\n", err, doc);
	snprintf(name, sizeof(name), "live: %s recompiled is byte for byte the same bundle", path);
	EXPECT_TRUE(b2 && same_bytes(b, b2), name);
	free(doc);
	bundle_free(b);
	bundle_free(b2);
	policy_profile_free(p);
}

static void test_live_edits(void)
{
	struct bundle *b, *added = NULL, *deleted = NULL, *x = NULL;
	char err[1024] = "";
	uint32_t id = 0, nc_id = 0, curl_id;
	int r;

	test_round_trip_file("tests/unit/policies/web.json");
	test_round_trip_file("tests/unit/policies/allowlist.json");
	test_round_trip_file("tests/unit/policies/baseline.json"); /* the opt-outs survive a restore from the document */

	b = compile_text("{\"name\":\"web\",\"mode\":\"enforce\",\"exec\":{\"default\":\"allow\",\"rules\":[\n"
			 "  {\"action\":\"deny\",\"path\":\"/usr/bin/curl\"}]}}");
	if (!EXPECT_TRUE(b != NULL, "live: base profile compiles"))
		return;
	curl_id = b->rules[0].id;

	r = live_rule_add(b, "exec", "{\"action\": \"deny\", \"path\": \"/usr/bin/nc\"}", &added, &id, err, sizeof(err));
	if (!EXPECT_OK(r, "live: rule add"))
		printf("    %s\n", err);
	nc_id = id;
	if (added) {
		const struct bundle_rule *nc = bundle_rule_by_id(added, id), *curl = bundle_rule_by_id(added, curl_id);

		EXPECT_EQ(added->n_rules, 2, "live: one rule more");
		EXPECT_TRUE(nc && nc->line == 0, "live: the added rule has no file position");
		EXPECT_TRUE(curl && curl->line == 2 && curl->column == 3, "live: the other rule keeps its file:line:column");
		EXPECT_STREQ(added->source_file, "t.json", "live: source file kept");
		EXPECT_EQ(added->mode, ENF_MODE_ENFORCE, "live: mode kept");
		EXPECT_TRUE(nc && strstr(nc->text, "/usr/bin/nc"), "live: the rule text is canonical");
	}
	EXPECT_EQ(live_rule_add(b, "exec", "{\"action\":\"allow\",\"path\":\"/usr/bin/curl\"}", &x, &id, err, sizeof(err)),
		  -EEXIST, "live: a rule with the same match is refused");
	EXPECT_CONTAINS(err, "rule del web", "live: the refusal says how to replace it");
	EXPECT_EQ(live_rule_add(b, "exec", "{\"action\":\"deny\",\"pth\":\"/x\"}", &x, &id, err, sizeof(err)), -EINVAL,
		  "live: an unknown key is refused");
	EXPECT_CONTAINS(err, "rule:1:", "live: the error points into the rule text");
	EXPECT_EQ(live_rule_add(b, "exec", "{\"action\":\"deny\",", &x, &id, err, sizeof(err)), -EINVAL,
		  "live: truncated JSON is refused");
	EXPECT_EQ(live_rule_add(b, "exec", "{\"action\":\"deny\",\"path\":\"/a\"}]},\"file\":{\"default\":\"deny\"", &x,
				&id, err, sizeof(err)), -EINVAL, "live: text that is not one object is refused");
	EXPECT_EQ(live_rule_add(b, "dns", "{\"action\":\"deny\",\"path\":\"/a\"}", &x, &id, err, sizeof(err)), -EINVAL,
		  "live: an unknown section is refused");
	EXPECT_EQ(live_rule_add(b, "file", "{\"action\":\"deny\",\"path\":\"/etc/shadow\",\"access\":[\"read\"]}", &x,
				&id, err, sizeof(err)), 0, "live: a rule into a section the profile did not have");
	if (x) {
		EXPECT_EQ(x->defaults[ENF_SECTION_FILE], ENF_ACT_ALLOW, "live: the new section defaults to allow");
		bundle_free(x);
		x = NULL;
	}

	if (added) {
		r = live_rule_del(added, curl_id, &deleted, err, sizeof(err));
		if (!EXPECT_OK(r, "live: rule del"))
			printf("    %s\n", err);
		EXPECT_TRUE(deleted && deleted->n_rules == 1 && bundle_rule_by_id(deleted, nc_id),
			    "live: rule del leaves the other rule, same id");
		EXPECT_EQ(live_rule_del(added, 0x1234, &x, err, sizeof(err)), -ENOENT, "live: unknown rule id refused");
		if (deleted) {
			struct bundle *empty = NULL;

			EXPECT_OK(live_rule_del(deleted, nc_id, &empty, err, sizeof(err)), "live: the last rule can go too");
			EXPECT_TRUE(empty && empty->n_rules == 0, "live: no rules left");
			bundle_free(empty);
		}
	}
	bundle_free(b);
	bundle_free(added);
	bundle_free(deleted);
}

int main(void)
{
	test_state_round_trip();
	test_state_origins();
	test_state_refusals();
	test_globs();
	test_live_edits();
	printf("%d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}
