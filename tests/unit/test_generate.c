// SPDX-License-Identifier: GPL-2.0-only
/*
 * Profile generation from learn observations (policyc/generate.c): the
 * generated profile parses and compiles, allows every observed operation
 * and denies unobserved ones (judged by the reference evaluator, not by
 * reading the text), generalises to subtrees only at the threshold and
 * never to broad directories, handles odd file names, is the same text
 * whatever the order of the observations, and refuses malformed input
 * with the line number.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "compile.h"
#include "explain.h"
#include "generate.h"
#include "policy.h"
#include "unit.h"
#include "util.h"

/* Generate from lines (NULL-terminated); the text, or NULL with err. */
static char *gen(const char *const *lines, unsigned threshold, char **ret_warn, char *err, size_t size)
{
	struct generate_options o = { .name = "t", .mode = ENF_MODE_ENFORCE, .subtree_threshold = threshold };
	char *buf = NULL, *text = NULL, *warn = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	for (size_t i = 0; lines[i]; i++)
		fprintf(f, "%s\n", lines[i]);
	fclose(f);
	f = fmemopen(buf, len, "r");
	err[0] = 0;
	if (generate_from_stream(f, "obs", &o, &text, &warn, err, size) < 0)
		text = NULL;
	fclose(f);
	free(buf);
	if (ret_warn)
		*ret_warn = warn;
	else
		free(warn);
	return text;
}

static struct policy_profile *parse(const char *text)
{
	struct policy_profile *p = NULL;
	struct policy_error err = { .text = "" };

	if (!text || policy_parse_buffer(text, strlen(text), "gen.json", &p, &err) < 0) {
		printf("  parse: %s\n", err.text);
		return NULL;
	}
	return p;
}

static enum enf_action path_verdict(const struct policy_profile *p, enum enf_class c, const char *path)
{
	struct policy_verdict v;

	if (policy_explain_path(p, c, path, NULL, &v) < 0)
		return ENF_ACT_NONE;
	return v.action;
}

static enum enf_action net_verdict(const struct policy_profile *p, uint32_t op, uint32_t fam,
				   enum policy_net_proto proto, const char *addr, uint16_t port)
{
	struct policy_verdict v;
	uint8_t a[16] = { 0 };
	int af = 0;

	if (addr) {
		af = strchr(addr, ':') ? 6 : 4;
		inet_pton(af == 6 ? AF_INET6 : AF_INET, addr, a);
	}
	if (policy_explain_net(p, op, fam, proto, addr ? a : NULL, af, port, NULL, &v) < 0)
		return ENF_ACT_NONE;
	return v.action;
}

static const char *const workload[] = {
	"{\"kind\":\"session\",\"profile\":\"w\",\"synthesized\":true}",
	"{\"kind\":\"exec\",\"path\":\"/bin/busybox\"}",
	"{\"kind\":\"exec\",\"path\":\"/srv/app/run.sh\"}",
	"{\"kind\":\"file\",\"access\":[\"read\"],\"path\":\"/lib/x86_64-linux-gnu/libc.so.6\"}",
	"{\"kind\":\"file\",\"access\":[\"read\"],\"path\":\"/srv/app/conf/a.conf\"}",
	"{\"kind\":\"file\",\"access\":[\"read\"],\"path\":\"/srv/app/conf/b.conf\"}",
	"{\"kind\":\"file\",\"access\":[\"read\"],\"path\":\"/srv/app/conf/c.conf\"}",
	"{\"kind\":\"file\",\"access\":[\"read\",\"write\"],\"path\":\"/srv/app/out.log\"}",
	"{\"kind\":\"file\",\"access\":[\"create\"],\"path\":\"/srv/app/out.log\"}",
	"{\"kind\":\"file\",\"access\":[\"delete\"],\"path\":\"/srv/app/tmp.1\"}",
	"{\"kind\":\"file\",\"access\":[\"write\"],\"path\":\"/dev/null\"}",
	"{\"kind\":\"file\",\"access\":[\"read\"],\"path\":\"/proc/4242/status\"}",
	"{\"kind\":\"net\",\"op\":\"create\",\"family\":\"inet4\",\"proto\":\"tcp\"}",
	"{\"kind\":\"net\",\"op\":\"connect\",\"family\":\"inet4\",\"proto\":\"tcp\",\"addr\":\"127.0.0.1\",\"port\":8080}",
	"{\"kind\":\"net\",\"op\":\"connect\",\"family\":\"inet4\",\"proto\":\"tcp\",\"addr\":\"127.0.0.1\",\"port\":8081}",
	"{\"kind\":\"net\",\"op\":\"connect\",\"family\":\"inet6\",\"proto\":\"tcp\",\"addr\":\"10.1.2.3\",\"port\":443}",
	"{\"kind\":\"net\",\"op\":\"bind\",\"family\":\"inet4\",\"proto\":\"udp\",\"addr\":\"0.0.0.0\",\"port\":0}",
	"{\"kind\":\"net\",\"op\":\"send\",\"family\":\"inet6\",\"proto\":\"udp\",\"addr\":\"::1\",\"port\":53}",
	"{\"kind\":\"net\",\"op\":\"create\",\"family\":\"unix\"}",
	"{\"kind\":\"net\",\"op\":\"connect\",\"family\":\"unix\"}",
	NULL,
};

static void test_workload(void)
{
	char err[1536], *warn = NULL;
	_cleanup_free_ char *text = gen(workload, 3, &warn, err, sizeof(err));
	struct policy_profile *p = parse(text);

	if (!EXPECT_TRUE(p, "workload: the generated profile parses"))
		return;
	EXPECT_TRUE(warn == NULL, "workload: nothing left out");
	EXPECT_EQ(p->mode, ENF_MODE_ENFORCE, "workload: mode as asked");
	/* Every observation is allowed... */
	EXPECT_EQ(path_verdict(p, ENF_CLASS_EXEC, "/bin/busybox"), ENF_ACT_ALLOW, "allowed: exec busybox");
	EXPECT_EQ(path_verdict(p, ENF_CLASS_EXEC, "/srv/app/run.sh"), ENF_ACT_ALLOW, "allowed: exec script");
	EXPECT_EQ(path_verdict(p, ENF_CLASS_READ, "/lib/x86_64-linux-gnu/libc.so.6"), ENF_ACT_ALLOW, "allowed: read libc");
	EXPECT_EQ(path_verdict(p, ENF_CLASS_READ, "/srv/app/conf/b.conf"), ENF_ACT_ALLOW, "allowed: read conf");
	EXPECT_EQ(path_verdict(p, ENF_CLASS_WRITE, "/srv/app/out.log"), ENF_ACT_ALLOW, "allowed: write log");
	EXPECT_EQ(path_verdict(p, ENF_CLASS_CREATE, "/srv/app/out.log"), ENF_ACT_ALLOW, "allowed: create log");
	EXPECT_EQ(path_verdict(p, ENF_CLASS_DELETE, "/srv/app/tmp.1"), ENF_ACT_ALLOW, "allowed: delete tmp.1");
	EXPECT_EQ(path_verdict(p, ENF_CLASS_WRITE, "/dev/null"), ENF_ACT_ALLOW, "allowed: write /dev/null");
	EXPECT_EQ(path_verdict(p, ENF_CLASS_READ, "/proc/99/status"), ENF_ACT_ALLOW, "allowed: /proc/PID of another run");
	EXPECT_EQ(net_verdict(p, POLICY_NET_CREATE, POLICY_FAMILY_INET4, POLICY_PROTO_TCP, NULL, 0), ENF_ACT_ALLOW,
		  "allowed: create tcp socket");
	EXPECT_EQ(net_verdict(p, POLICY_NET_CONNECT, POLICY_FAMILY_INET4, POLICY_PROTO_TCP, "127.0.0.1", 8081),
		  ENF_ACT_ALLOW, "allowed: connect 127.0.0.1:8081");
	EXPECT_EQ(net_verdict(p, POLICY_NET_CONNECT, POLICY_FAMILY_INET6, POLICY_PROTO_TCP, "::ffff:10.1.2.3", 443),
		  ENF_ACT_ALLOW, "allowed: IPv6 socket to a mapped IPv4 peer");
	EXPECT_EQ(net_verdict(p, POLICY_NET_BIND, POLICY_FAMILY_INET4, POLICY_PROTO_UDP, "0.0.0.0", 40000),
		  ENF_ACT_ALLOW, "allowed: bind to an ephemeral port (any port)");
	EXPECT_EQ(net_verdict(p, POLICY_NET_SEND, POLICY_FAMILY_INET6, POLICY_PROTO_UDP, "::1", 53), ENF_ACT_ALLOW,
		  "allowed: send to ::1:53");
	EXPECT_EQ(net_verdict(p, POLICY_NET_CONNECT, POLICY_FAMILY_UNIX, POLICY_PROTO_ANY, NULL, 0), ENF_ACT_ALLOW,
		  "allowed: unix connect");
	/* ...and what was not observed is denied. */
	EXPECT_EQ(path_verdict(p, ENF_CLASS_EXEC, "/bin/sh2"), ENF_ACT_DENY, "denied: exec of another binary");
	EXPECT_EQ(path_verdict(p, ENF_CLASS_READ, "/etc/shadow"), ENF_ACT_DENY, "denied: read of another file");
	EXPECT_EQ(path_verdict(p, ENF_CLASS_WRITE, "/srv/app/conf/a.conf"), ENF_ACT_DENY, "denied: write of a read file");
	EXPECT_EQ(path_verdict(p, ENF_CLASS_DELETE, "/srv/app/out.log"), ENF_ACT_DENY, "denied: delete not observed");
	EXPECT_EQ(net_verdict(p, POLICY_NET_CONNECT, POLICY_FAMILY_INET4, POLICY_PROTO_TCP, "127.0.0.1", 9090),
		  ENF_ACT_DENY, "denied: connect to another port");
	EXPECT_EQ(net_verdict(p, POLICY_NET_CONNECT, POLICY_FAMILY_INET4, POLICY_PROTO_TCP, "127.0.0.2", 8080),
		  ENF_ACT_DENY, "denied: connect to another peer");
	EXPECT_EQ(net_verdict(p, POLICY_NET_CONNECT, POLICY_FAMILY_INET4, POLICY_PROTO_UDP, "127.0.0.1", 8080),
		  ENF_ACT_DENY, "denied: another protocol");
	EXPECT_EQ(net_verdict(p, POLICY_NET_CREATE, POLICY_FAMILY_PACKET, POLICY_PROTO_ANY, NULL, 0), ENF_ACT_DENY,
		  "denied: a packet socket");
	/* generalisation at threshold 3: conf/ has 3 files */
	EXPECT_CONTAINS(text, "\"path\":\"/srv/app/conf/**\",\"access\":[\"read\"]", "threshold 3: conf/ is a subtree");
	EXPECT_EQ(path_verdict(p, ENF_CLASS_READ, "/srv/app/conf/new.conf"), ENF_ACT_ALLOW,
		  "threshold 3: an unobserved file in conf/ is allowed");
	EXPECT_EQ(path_verdict(p, ENF_CLASS_WRITE, "/srv/app/conf/new.conf"), ENF_ACT_DENY,
		  "threshold 3: only for the observed access");
	EXPECT_TRUE(!strstr(text, "/srv/app/conf/a.conf"), "threshold 3: covered files have no rule of their own");
	EXPECT_TRUE(!strstr(text, "/lib/x86_64-linux-gnu/**"), "threshold 3: one library, no subtree");
	policy_profile_free(p);

	/* threshold 0: never; threshold 4: not reached */
	{
		_cleanup_free_ char *t0 = gen(workload, 0, NULL, err, sizeof(err));
		_cleanup_free_ char *t4 = gen(workload, 4, NULL, err, sizeof(err));

		EXPECT_TRUE(t0 && !strstr(t0, "conf/**"), "threshold 0: no subtree");
		EXPECT_TRUE(t4 && !strstr(t4, "conf/**"), "threshold 4: not reached, no subtree");
	}
}

static void test_determinism(void)
{
	const char *rev[64];
	size_t n = 0;
	char err[1536];

	while (workload[n])
		n++;
	for (size_t i = 0; i < n; i++)
		rev[i] = workload[n - 1 - i];
	rev[n] = NULL;
	{
		_cleanup_free_ char *a = gen(workload, 3, NULL, err, sizeof(err));
		_cleanup_free_ char *b = gen(rev, 3, NULL, err, sizeof(err));

		EXPECT_STREQ(a, b, "determinism: reversed observations give the same text");
	}
}

static void test_broad(void)
{
	static const char *const tmp[] = {
		"{\"kind\":\"file\",\"access\":[\"read\"],\"path\":\"/etc/a\"}",
		"{\"kind\":\"file\",\"access\":[\"read\"],\"path\":\"/etc/b\"}",
		"{\"kind\":\"file\",\"access\":[\"read\"],\"path\":\"/etc/c\"}",
		"{\"kind\":\"file\",\"access\":[\"read\"],\"path\":\"/usr/lib/a.so\"}",
		"{\"kind\":\"file\",\"access\":[\"read\"],\"path\":\"/usr/lib/b.so\"}",
		"{\"kind\":\"file\",\"access\":[\"read\"],\"path\":\"/usr/lib/c.so\"}",
		"{\"kind\":\"file\",\"access\":[\"read\"],\"path\":\"/x\"}",
		"{\"kind\":\"file\",\"access\":[\"read\"],\"path\":\"/y\"}",
		"{\"kind\":\"file\",\"access\":[\"read\"],\"path\":\"/z\"}",
		NULL,
	};
	char err[1536];
	_cleanup_free_ char *t = gen(tmp, 2, NULL, err, sizeof(err));

	EXPECT_TRUE(t && !strstr(t, "/**"), "broad: /, /etc, /usr/lib never become subtrees");
	EXPECT_TRUE(generate_dir_too_broad("/"), "broad: /");
	EXPECT_TRUE(generate_dir_too_broad("/home"), "broad: /home");
	EXPECT_TRUE(generate_dir_too_broad("/home/alice"), "broad: a home directory");
	EXPECT_TRUE(generate_dir_too_broad("/usr/bin"), "broad: /usr/bin");
	EXPECT_TRUE(generate_dir_too_broad("/var/lib"), "broad: /var/lib");
	EXPECT_TRUE(!generate_dir_too_broad("/var/lib/app"), "not broad: /var/lib/app");
	EXPECT_TRUE(!generate_dir_too_broad("/srv/www"), "not broad: /srv/www");
}

static void test_odd_names(void)
{
	static const char *const odd[] = {
		"{\"kind\":\"file\",\"access\":[\"read\"],\"path\":\"/srv/d/with space \\\"quoted\\\" {x}\"}",
		"{\"kind\":\"file\",\"access\":[\"read\"],\"path\":\"/srv/d/caf\\u00e9\"}",
		"{\"kind\":\"file\",\"access\":[\"read\"],\"path\":\"/srv/w/star*name\"}",
		"{\"kind\":\"file\",\"access\":[\"read\"],\"path\":\"/srv/b/bad\\\\xff\",\"path_escaped\":true}",
		"{\"kind\":\"file\",\"access\":[\"read\"],\"path\":\"/srv/deep/a/b\",\"path_truncated\":true}",
		"{\"kind\":\"file\",\"access\":[\"read\"],\"path\":\"/tmp/q?x\"}",
		"{\"kind\":\"exec\",\"fileless\":true,\"path\":\"/memfd:x (deleted)\"}",
		"{\"kind\":\"net\",\"op\":\"create\",\"family\":\"af38\",\"proto\":\"other\"}",
		NULL,
	};
	char err[1536], *warn = NULL;
	_cleanup_free_ char *t = gen(odd, 0, &warn, err, sizeof(err));
	struct policy_profile *p = parse(t);

	if (!EXPECT_TRUE(p, "odd names: the profile parses"))
		return;
	EXPECT_EQ(path_verdict(p, ENF_CLASS_READ, "/srv/d/with space \"quoted\" {x}"), ENF_ACT_ALLOW,
		  "odd names: spaces, quotes and braces are literal");
	EXPECT_EQ(path_verdict(p, ENF_CLASS_READ, "/srv/d/caf\xc3\xa9"), ENF_ACT_ALLOW, "odd names: UTF-8");
	EXPECT_EQ(path_verdict(p, ENF_CLASS_READ, "/srv/w/star*name"), ENF_ACT_ALLOW,
		  "odd names: a wildcard character: its directory's subtree");
	EXPECT_EQ(path_verdict(p, ENF_CLASS_READ, "/srv/b/any"), ENF_ACT_ALLOW,
		  "odd names: not UTF-8: its directory's subtree");
	EXPECT_EQ(path_verdict(p, ENF_CLASS_READ, "/srv/deep/a/b/c/d"), ENF_ACT_ALLOW,
		  "odd names: a truncated path: everything below what was seen");
	EXPECT_EQ(path_verdict(p, ENF_CLASS_READ, "/srv/deep/a/x"), ENF_ACT_DENY,
		  "odd names: ... and not beside it");
	EXPECT_TRUE(p->exec.fileless == ENF_ACT_ALLOW, "odd names: a fileless exec allows fileless");
	EXPECT_CONTAINS(warn, "/tmp/q?x", "odd names: a wildcard name directly in /tmp is left out, with a warning");
	EXPECT_CONTAINS(warn, "address family 38", "odd names: an unnameable socket family is a warning");
	free(warn);
	policy_profile_free(p);
}

static void test_bad_input(void)
{
	static const char *const notjson[] = { "{\"kind\":\"exec\",\"path\":\"/bin/a\"}", "{nope", NULL };
	static const char *const kind[] = { "{\"kind\":\"mystery\"}", NULL };
	static const char *const rel[] = { "{\"kind\":\"exec\",\"path\":\"bin/a\"}", NULL };
	static const char *const acc[] = { "{\"kind\":\"file\",\"access\":[\"exec\"],\"path\":\"/a\"}", NULL };
	static const char *const port[] = {
		"{\"kind\":\"net\",\"op\":\"connect\",\"family\":\"inet4\",\"addr\":\"1.2.3.4\",\"port\":70000}", NULL };
	static const char *const v6on4[] = {
		"{\"kind\":\"net\",\"op\":\"connect\",\"family\":\"inet4\",\"addr\":\"::1\",\"port\":1}", NULL };
	static const char *const unixtcp[] = { "{\"kind\":\"net\",\"op\":\"connect\",\"family\":\"unix\",\"proto\":\"tcp\"}", NULL };
	char err[1536];
	char *t;

	t = gen(notjson, 0, NULL, err, sizeof(err));
	EXPECT_TRUE(!t, "bad input: not JSON is refused");
	EXPECT_CONTAINS(err, "obs:line 2: not JSON", "bad input: ... naming the line");
	free(t);
	t = gen(kind, 0, NULL, err, sizeof(err));
	EXPECT_CONTAINS(err, "unknown \"kind\" \"mystery\"", "bad input: an unknown kind");
	free(t);
	t = gen(rel, 0, NULL, err, sizeof(err));
	EXPECT_CONTAINS(err, "absolute path", "bad input: a relative path");
	free(t);
	t = gen(acc, 0, NULL, err, sizeof(err));
	EXPECT_CONTAINS(err, "access word", "bad input: exec is not a file access word");
	free(t);
	t = gen(port, 0, NULL, err, sizeof(err));
	EXPECT_CONTAINS(err, "0-65535", "bad input: a port out of range");
	free(t);
	t = gen(v6on4, 0, NULL, err, sizeof(err));
	EXPECT_CONTAINS(err, "IPv6 on an inet4 socket", "bad input: IPv6 on an inet4 socket");
	free(t);
	t = gen(unixtcp, 0, NULL, err, sizeof(err));
	EXPECT_TRUE(!t, "bad input: a protocol on a unix socket is refused");
	EXPECT_CONTAINS(err, "obs:line 1: \"proto\" \"tcp\" with family \"unix\", which has no protocols",
			"bad input: ... naming the line (was: 'the generated profile does not compile')");
	free(t);
}

/*
 * The hook sees a listen() asked of a udp socket (the call then fails): such
 * an observation is left out with a warning; it made a rule the parser
 * refuses, and no profile at all (fuzz_observations).
 */
static void test_impossible_ops(void)
{
	static const char *const lines[] = {
		"{\"kind\":\"net\",\"op\":\"listen\",\"family\":\"inet6\",\"proto\":\"udp\",\"addr\":\"::1\",\"port\":53}",
		"{\"kind\":\"net\",\"op\":\"accept\",\"family\":\"inet4\",\"proto\":\"raw\"}",
		"{\"kind\":\"net\",\"op\":\"send\",\"family\":\"inet6\",\"proto\":\"udp\",\"addr\":\"::1\",\"port\":53}",
		NULL,
	};
	char err[1536], *warn = NULL;
	_cleanup_free_ char *t = gen(lines, 0, &warn, err, sizeof(err));
	struct policy_profile *p = parse(t);

	if (!EXPECT_TRUE(p != NULL, "impossible ops: a profile is generated"))
		printf("    %s\n", err);
	EXPECT_CONTAINS(warn, "left out: listen on a udp socket, which cannot listen", "impossible ops: listen on udp left out");
	EXPECT_CONTAINS(warn, "left out: accept on a raw socket, which cannot accept", "impossible ops: accept on raw left out");
	if (p)
		EXPECT_EQ(net_verdict(p, POLICY_NET_SEND, POLICY_FAMILY_INET6, POLICY_PROTO_UDP, "::1", 53), ENF_ACT_ALLOW,
			  "impossible ops: control: the send beside them is allowed");
	policy_profile_free(p);
	free(warn);
}

static void test_limits(void)
{
	char err[1536], *line = malloc(GENERATE_MAX_LINE + 64);
	const char *lines[2] = { line, NULL };
	char *t;

	/* a line over the limit */
	strcpy(line, "{\"kind\":\"exec\",\"path\":\"/");
	memset(line + strlen(line), 'a', GENERATE_MAX_LINE);
	strcpy(line + strlen("{\"kind\":\"exec\",\"path\":\"/") + GENERATE_MAX_LINE, "\"}");
	t = gen(lines, 0, NULL, err, sizeof(err));
	EXPECT_TRUE(!t, "limits: an over-long line is refused");
	EXPECT_CONTAINS(err, "longer than", "limits: ... saying so");
	free(t);
	/* a path deeper than a rule may be: generalised at the deepest nameable directory */
	strcpy(line, "{\"kind\":\"file\",\"access\":[\"read\"],\"path\":\"");
	for (int i = 0; i < ENF_RULE_DEPTH_MAX + 3; i++)
		strcat(line, "/d");
	strcat(line, "\"}");
	t = gen(lines, 0, NULL, err, sizeof(err));
	EXPECT_TRUE(t && strstr(t, "/**"), "limits: a path deeper than 64 components becomes a subtree");
	{
		struct policy_profile *p = parse(t);

		EXPECT_TRUE(p, "limits: ... which parses");
		policy_profile_free(p);
	}
	free(t);
	free(line);
}


/*
 * Paths at the limits of a rule path (fuzz_observations): a component longer
 * than a rule's, a path of PATH_MAX - 1 bytes marked truncated, and a
 * directory whose subtree would be longer than a rule path. Each made a rule
 * the parser refuses, and no profile at all.
 */
/* dir (n bytes) and one more component of c, to make len bytes in all */
static void last_component(char *out, const char *dir, size_t n, char c, size_t len)
{
	memcpy(out, dir, n);
	out[n] = '/';
	memset(out + n + 1, c, len - n - 1);
	out[len] = 0;
}

static void test_path_limits(void)
{
	char comp[300], dir[4096], path[4100], lines_buf[4][4400];
	const char *lines[5] = { lines_buf[0], lines_buf[1], lines_buf[2], lines_buf[3], NULL };
	char err[1536], *warn = NULL, *t;
	struct policy_profile *p;
	size_t n;

	memset(comp, 'h', 260);
	comp[260] = 0;
	snprintf(lines_buf[0], sizeof(lines_buf[0]), "{\"kind\":\"exec\",\"path\":\"/srv/app/%s/run\"}", comp);
	lines[1] = NULL;
	t = gen(lines, 0, &warn, err, sizeof(err));
	p = parse(t);
	EXPECT_TRUE(p && path_verdict(p, ENF_CLASS_EXEC, "/srv/app/x/run") == ENF_ACT_ALLOW,
		    "path limits: a 260-byte component is allowed by its directory's subtree");
	if (!p)
		printf("    %s\n", err);
	policy_profile_free(p);
	free(t);
	free(warn);

	/* 20 components of 200 bytes, then one to make 4095 bytes */
	n = 0;
	for (int i = 0; i < 20; i++)
		n += (size_t)snprintf(dir + n, sizeof(dir) - n, "/%.*s", 200, comp);
	last_component(path, dir, n, 'e', 4095);
	snprintf(lines_buf[0], sizeof(lines_buf[0]), "{\"kind\":\"file\",\"access\":[\"read\"],\"path\":\"%s\","
		 "\"path_truncated\":true}", path);
	/* three files in a directory of 4093 bytes: its subtree would be 4096 */
	last_component(path, dir, n, 'f', 4093);
	for (int i = 1; i <= 3; i++)
		snprintf(lines_buf[i], sizeof(lines_buf[i]), "{\"kind\":\"file\",\"access\":[\"write\"],"
			 "\"path\":\"%s/%c\"}", path, 'a' + i - 1);
	lines[1] = lines_buf[1];
	t = gen(lines, 2, &warn, err, sizeof(err));
	p = parse(t);
	if (!EXPECT_TRUE(p != NULL, "path limits: paths of PATH_MAX - 1 bytes give a profile"))
		printf("    %s\n", err);
	if (p) {
		char file[4200];

		snprintf(file, sizeof(file), "%s/a", path);
		EXPECT_EQ(path_verdict(p, ENF_CLASS_WRITE, file), ENF_ACT_ALLOW, "path limits: ... allowing the files");
		snprintf(file, sizeof(file), "%s/d", path);
		EXPECT_EQ(path_verdict(p, ENF_CLASS_WRITE, file), ENF_ACT_DENY,
			  "path limits: ... by exact rules (no subtree longer than a rule path)");
	}
	policy_profile_free(p);
	free(t);
	free(warn);
}
int main(void)
{
	test_workload();
	test_determinism();
	test_broad();
	test_odd_names();
	test_bad_input();
	test_impossible_ops();
	test_limits();
	test_path_limits();
	return unit_done();
}
