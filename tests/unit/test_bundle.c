// SPDX-License-Identifier: GPL-2.0-only
/*
 * The bundle's integrity check (format 2, common/bundle.h): every bit of
 * every header byte of a real bundle, flipped in turn, is refused with the
 * message for that field; the unflipped bundle is accepted and serialises
 * back to exactly its bytes; a bundle written by the format-1 build (CRC
 * over the body only) is refused with the "recompile" message, by the
 * parser and by `policyc dump`.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bundle_fixture.h"
#include "unit.h"
#include "util.h"

#define REAL_POLICY "tests/unit/policies/every-key.json"
#define ALLOWLIST   "tests/unit/policies/allowlist.json"

#define FIELD(f, why, r) { #f, offsetof(struct bundle_file_header, f), \
			   sizeof(((struct bundle_file_header *)0)->f), why, r }

/* Each header field and the refusal a damaged byte in it gets. */
static const struct field {
	const char *name;
	size_t off, size;
	const char *message;     /* a substring of the refusal */
	int error;
} fields[] = {
	FIELD(magic, "not a compiled profile (bad magic)", -EINVAL),
	FIELD(byte_order, "other byte order; recompile it here", -EPROTO),
	FIELD(format_version, "recompile the profile with this version's policyc", -EPROTO),
	FIELD(abi_version, "recompile the profile with this version's policyc", -EPROTO),
	FIELD(header_size, "truncated or padded", -EINVAL),
	FIELD(total_size, "truncated or padded", -EINVAL),
	FIELD(crc32, "checksum mismatch", -EINVAL),
	FIELD(n_nodes, "sections do not add up", -EINVAL),
	FIELD(n_rules, "sections do not add up", -EINVAL),
	FIELD(strings_size, "sections do not add up", -EINVAL),
	FIELD(name, "checksum mismatch", -EINVAL),
	FIELD(mode, "checksum mismatch", -EINVAL),
	FIELD(defaults, "checksum mismatch", -EINVAL),
	FIELD(source_off, "checksum mismatch", -EINVAL),
	FIELD(n_from, "sections do not add up", -EINVAL),
	FIELD(n_net, "sections do not add up", -EINVAL),
	FIELD(flags, "checksum mismatch", -EINVAL),
	FIELD(fileless_exec, "checksum mismatch", -EINVAL),
	FIELD(baseline_optout, "checksum mismatch", -EINVAL),
	FIELD(_pad, "checksum mismatch", -EINVAL),
};

static void test_header_flips(void)
{
	_cleanup_free_ void *buf = NULL, *again = NULL;
	_cleanup_free_ char *copy = NULL;
	struct bundle *b = fixture_compile(REAL_POLICY), *back = NULL;
	size_t len = 0, len2 = 0, covered = 0;
	char msg[512] = "", name[128];

	if (!EXPECT_TRUE(b != NULL, "flips: " REAL_POLICY " compiles") ||
	    !EXPECT_OK(bundle_serialize(b, &buf, &len), "flips: serialise"))
		goto out;
	EXPECT_TRUE(b->n_nodes > 1 && b->n_rules > 1 && b->n_from > 0 && b->n_net > 0,
		    "flips: the bundle has every kind of record");

	/* Positive control: the bytes as written are accepted and are what the parsed bundle serialises to. */
	if (!EXPECT_OK(bundle_parse(buf, len, &back, msg, sizeof(msg)), "flips: the undamaged bundle is accepted"))
		printf("    %s\n", msg);
	if (back && EXPECT_OK(bundle_serialize(back, &again, &len2), "flips: the parsed bundle serialises"))
		EXPECT_TRUE(len2 == len && memcmp(again, buf, len) == 0, "flips: re-serialised, it is the same bytes");
	bundle_free(back);
	back = NULL;

	copy = malloc(len);
	if (!EXPECT_TRUE(copy != NULL, "flips: alloc"))
		goto out;
	for (size_t f = 0; f < ARRAY_SIZE(fields); f++) {
		const struct field *fd = &fields[f];
		size_t bad = 0, first_byte = 0;
		int first_bit = 0, first_r = 0;
		char first_msg[512] = "";

		covered += fd->size;
		for (size_t byte = fd->off; byte < fd->off + fd->size; byte++) {
			for (int bit = 0; bit < 8; bit++) {
				int r;

				memcpy(copy, buf, len);
				copy[byte] ^= (char)(1u << bit);
				msg[0] = 0;
				r = bundle_parse(copy, len, &back, msg, sizeof(msg));
				if (r == 0) {
					bundle_free(back);
					back = NULL;
				}
				if (r != fd->error || !strstr(msg, fd->message)) {
					if (!bad++) {
						first_byte = byte;
						first_bit = bit;
						first_r = r;
						snprintf(first_msg, sizeof(first_msg), "%s", msg);
					}
				}
			}
		}
		snprintf(name, sizeof(name), "flips: every bit of header.%s (%zu byte%s) is refused: %s", fd->name,
			 fd->size, fd->size == 1 ? "" : "s", fd->message);
		unit_report(bad == 0, name, "%zu of %zu flips not refused as expected; first: byte %zu bit %d -> %d \"%s\"",
			    bad, fd->size * 8, first_byte, first_bit, first_r, first_msg);
	}
	/* A field added to the header without a line above would go unchecked. */
	EXPECT_EQ(covered, sizeof(struct bundle_file_header), "flips: the table covers every header byte");

	/* The case: zeroed defaults of an allow-list no longer read as "section absent". */
	bundle_free(b);
	free(buf);
	buf = NULL;
	b = fixture_compile(ALLOWLIST);
	if (!EXPECT_TRUE(b != NULL && b->defaults[ENF_SECTION_EXEC] == ENF_ACT_DENY, "flips: an exec allow-list compiles") ||
	    !EXPECT_OK(bundle_serialize(b, &buf, &len), "flips: allow-list serialises"))
		goto out;
	memset((char *)buf + offsetof(struct bundle_file_header, defaults), 0, ENF_SECTION_COUNT);
	msg[0] = 0;
	EXPECT_EQ(bundle_parse(buf, len, &back, msg, sizeof(msg)), -EINVAL, "flips: zeroed section defaults are refused");
	EXPECT_CONTAINS(msg, "checksum mismatch: the bundle is damaged; recompile it", "flips: ... as damage");
out:
	bundle_free(b);
}

/* Run argv, return its exit status and (into out) what it printed. */
static int run(char *const argv[], char *out, size_t size)
{
	int p[2], status = -1;
	size_t n = 0;
	ssize_t k;
	pid_t pid;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	/* Read to the end (what does not fit is dropped), so the child never dies of SIGPIPE. */
	for (char sink[4096]; (k = read(p[0], n + 1 < size ? out + n : sink,
					n + 1 < size ? size - 1 - n : sizeof(sink))) > 0;)
		if (n + 1 < size)
			n += (size_t)k;
	out[n] = 0;
	close(p[0]);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_format1_refused(void)
{
	_cleanup_free_ void *buf = NULL;
	struct bundle *b = fixture_compile(REAL_POLICY), *back = NULL;
	char msg[512] = "", dir[] = "/tmp/test_bundle.XXXXXX", path[64], out[4096];
	size_t len = 0;
	int r;

	if (!EXPECT_TRUE(b != NULL, "format 1: compile") || !EXPECT_OK(bundle_serialize(b, &buf, &len), "format 1: serialise"))
		goto out;
	/* Positive control: the same bundle in format 2 dumps. */
	if (!EXPECT_TRUE(mkdtemp(dir) != NULL, "format 1: temporary directory"))
		goto out;
	snprintf(path, sizeof(path), "%s/new.pol", dir);
	if (EXPECT_OK(write_file_atomic(path, buf, len, 0644), "format 1: write the format-2 control")) {
		char *argv[] = { "build/bin/policyc", "dump", path, NULL };

		r = run(argv, out, sizeof(out));
		if (!EXPECT_TRUE(r == 0 && strstr(out, "nodes "), "format 1: control: policyc dump shows the format-2 bundle"))
			printf("    exit %d: %.300s\n", r, out);
		unlink(path);
	}

	fixture_make_format1(buf, len);
	r = bundle_parse(buf, len, &back, msg, sizeof(msg));
	if (r == 0)
		bundle_free(back);
	EXPECT_EQ(r, -EPROTO, "format 1: a bundle of the format-1 build is refused as another format");
	EXPECT_CONTAINS(msg, "bundle format 1 / ABI", "format 1: the refusal names the format");
	EXPECT_CONTAINS(msg, "this build reads format 2", "format 1: ... and the one this build reads");
	EXPECT_CONTAINS(msg, "recompile the profile with this version's policyc", "format 1: ... and says to recompile");

	/* The same through the CLI (enforcerctl load gets this text from the daemon's bundle_read_fd). */
	snprintf(path, sizeof(path), "%s/old.pol", dir);
	if (EXPECT_OK(write_file_atomic(path, buf, len, 0644), "format 1: write the fixture")) {
		char *argv[] = { "build/bin/policyc", "dump", path, NULL };

		r = run(argv, out, sizeof(out));
		EXPECT_EQ(r, 1, "format 1: policyc dump exits 1 (invalid input)");
		EXPECT_CONTAINS(out, "this build reads format 2", "format 1: policyc dump names the formats");
		EXPECT_CONTAINS(out, "recompile the profile", "format 1: policyc dump says to recompile");
		EXPECT_TRUE(strstr(out, "nodes ") == NULL, "format 1: policyc dump prints nothing of the bundle");
		unlink(path);
	}
	rmdir(dir);
out:
	bundle_free(b);
}

/*
 * The daemon names files after the profile (NAME-INSTANCE.pol, learn-NAME.jsonl)
 * and its state file accepts only what policyc does: a well-formed bundle
 * with another name was written outside the state directory, and at the
 * next start made state.json unreadable.
 */
static void test_names(void)
{
	static const char *const bad[] = { "../../etc/cron.d/x", "a b", "we!b", "caf\xc3\xa9" };
	struct bundle *b = fixture_compile(ALLOWLIST), *back = NULL;
	char msg[512], name[128];

	if (!EXPECT_TRUE(b != NULL, "names: compile"))
		return;
	EXPECT_TRUE(enf_profile_name_valid(b->name), "names: control: the compiled name is valid");
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		_cleanup_free_ void *buf = NULL;
		size_t len;
		int r = -1;

		snprintf(b->name, sizeof(b->name), "%s", bad[i]);
		if (bundle_serialize(b, &buf, &len) == 0)
			r = bundle_parse(buf, len, &back, msg, sizeof(msg));
		if (r == 0)
			bundle_free(back);
		snprintf(name, sizeof(name), "names: a bundle named \"%s\" is refused", bad[i]);
		if (EXPECT_EQ(r, -EINVAL, name))
			EXPECT_CONTAINS(msg, "no valid profile name", "names: ... as such");
	}
	bundle_free(b);
}

int main(void)
{
	test_names();
	test_header_flips();
	test_format1_refused();
	return unit_done();
}
