// SPDX-License-Identifier: GPL-2.0-only
/*
 * Learn observations -> allow-list profile. See generate.h and docs/learn.md.
 *
 * Paths: every observed path keeps a mask of the access classes it needs
 * (bit ENF_CLASS_EXEC for the exec section). A path the v1 format cannot
 * name exactly becomes the subtree of its deepest nameable directory:
 * truncated paths (deeper than a rule can be, or longer than an event
 * carries), names that are not UTF-8 or contain a wildcard character or are
 * longer than a rule's component can be (ENF_NAME_MAX - 1 bytes), and
 * /proc/PID/... (the pid differs at every run: all of /proc). Then, per class,
 * a directory holding at least `subtree_threshold` observed files becomes
 * the subtree of dir unless it is too broad. Network observations are grouped by
 * family, protocol and address; ops with the same ports share a rule.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canonical.h"
#include "compile.h"
#include "generate.h"
#include "path_check.h"
#include "policy.h"
#include "util.h"

struct gen_path {
	char *path;       /* an exact path, or a subtree rule path */
	uint32_t mask;    /* CLASS_BIT()s */
};

struct gen_net {
	char *group;      /* "family\tproto\taddr": sorts and compares as one */
	uint32_t op;      /* one POLICY_NET_* bit */
	uint32_t port;    /* 0: any port (no port, or bound to an ephemeral one) */
};

struct generator {
	struct gen_path *paths;
	size_t n_paths, cap_paths;
	struct gen_net *nets;
	size_t n_nets, cap_nets;
	bool fileless;
	size_t n_obs;
	char *warnings;
	size_t warnings_len;
};

#define BIT(c) (1u << (c))

static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	void *p;
	size_t nc;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 64;
	p = realloc(*arr, nc * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = nc;
	return 0;
}

static void warn(struct generator *g, const char *fmt, ...)
{
	char line[4608];
	va_list ap;
	size_t n;
	char *p;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	n = strlen(line);
	p = realloc(g->warnings, g->warnings_len + n + 2);
	if (!p)
		return;
	g->warnings = p;
	memcpy(p + g->warnings_len, line, n);
	p[g->warnings_len + n] = '\n';
	g->warnings_len += n + 1;
	p[g->warnings_len] = 0;
}

int generator_new(struct generator **ret)
{
	*ret = calloc(1, sizeof(**ret));
	return *ret ? 0 : -ENOMEM;
}

void generator_free(struct generator *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n_paths; i++)
		free(g->paths[i].path);
	for (size_t i = 0; i < g->n_nets; i++)
		free(g->nets[i].group);
	free(g->paths);
	free(g->nets);
	free(g->warnings);
	free(g);
}

static int add_path(struct generator *g, const char *path, uint32_t mask)
{
	char *p;

	if (grow((void **)&g->paths, &g->cap_paths, g->n_paths, sizeof(*g->paths)) < 0)
		return -ENOMEM;
	p = strdup(path);
	if (!p)
		return -ENOMEM;
	g->paths[g->n_paths++] = (struct gen_path){ .path = p, .mask = mask };
	return 0;
}

int generate_dir_too_broad(const char *dir)
{
	static const char *const broad[] = {
		"/var/lib", "/var/log", "/var/tmp", "/var/cache", "/var/spool", "/var/mail",
		"/run/user", "/sys/fs", "/sys/kernel",
	};
	static const char *const broad_parents[] = { "/usr/", "/home/", "/proc/" };
	int depth = 0;

	for (const char *s = dir; *s; s++)
		depth += *s == '/' && s[1];
	if (depth < 2)
		return 1;
	if (depth > 2)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(broad); i++)
		if (strcmp(dir, broad[i]) == 0)
			return 1;
	for (size_t i = 0; i < ARRAY_SIZE(broad_parents); i++)
		if (strncmp(dir, broad_parents[i], strlen(broad_parents[i])) == 0)
			return 1;
	return 0;
}

/* A component v1 can name literally: not empty, '.', '..', nor holding a wildcard character. */
static bool nameable(const char *c, size_t n)
{
	/* (no file name is longer than a rule component may be: only a damaged file has one) */
	if (n == 0 || n >= ENF_NAME_MAX || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (c[i] == '*' || c[i] == '?' || c[i] == '[')
			return false;
	return true;
}

static bool all_digits(const char *c, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)c[i]))
			return false;
	return true;
}

/*
 * The rule path for an observed path: itself, or the subtree of its
 * deepest nameable directory (the parent of the first component v1 cannot
 * name; for a truncated path, the path itself), shortened to the directory
 * whose subtree fits a rule path (POLICY_PATH_MAX). NULL in *ret (0 returned)
 * when that subtree would be too broad: the caller warns. -EINVAL for a
 * path that is not absolute.
 */
static int rule_path_for(const char *path, bool truncated, bool escaped, char **ret)
{
	size_t good = 0, depth = 0;
	const char *s = path;
	bool all_good = true;
	char *out;

	*ret = NULL;
	if (path[0] != '/')
		return -EINVAL;
	while (*s == '/' && s[1]) {
		const char *c = s + 1, *e = strchr(c, '/');
		size_t n = e ? (size_t)(e - c) : strlen(c);

		if (!nameable(c, n) || (escaped && memchr(c, '\\', n)) || depth >= ENF_RULE_DEPTH_MAX) {
			all_good = false;
			break;
		}
		/* /proc/PID/...: the pid differs at every run */
		if (depth == 1 && strncmp(path, "/proc/", 6) == 0 && all_digits(c, n)) {
			*ret = strdup("/proc/**");
			return *ret ? 0 : -ENOMEM;
		}
		good = (size_t)(c - path) + n;
		depth++;
		s = c + n;
	}
	if (all_good && *s)
		return -EINVAL; /* an empty component ("//", trailing '/') */
	if (all_good && !truncated && strlen(path) <= POLICY_PATH_MAX) {
		*ret = strdup(path);
		return *ret ? 0 : -ENOMEM;
	}
	/* A rule path is at most POLICY_PATH_MAX bytes, the trailing subtree mark included: climb until it fits. */
	while (good + 3 > POLICY_PATH_MAX) {
		const char *slash = memrchr(path, '/', good);

		good = slash ? (size_t)(slash - path) : 0;
	}
	out = malloc(good + 4);
	if (!out)
		return -ENOMEM;
	memcpy(out, path, good);
	out[good] = 0;
	if (generate_dir_too_broad(good ? out : "/")) {
		free(out);
		return 0;
	}
	strcpy(out + good, "/**");
	*ret = out;
	return 0;
}

static int bad(char *err, size_t size, unsigned lineno, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, size, "line %u: %s", lineno, msg);
	return -EINVAL;
}

static int add_path_obs(struct generator *g, json_t *o, bool exec, unsigned lineno, char *err, size_t size)
{
	const char *path = json_string_value(json_object_get(o, "path"));
	bool truncated = json_is_true(json_object_get(o, "path_truncated"));
	bool escaped = json_is_true(json_object_get(o, "path_escaped"));
	_cleanup_free_ char *rp = NULL;
	uint32_t mask = 0;
	int r;

	if (!path || path[0] != '/' || strlen(path) > ENF_PATH_EVENT_MAX)
		return bad(err, size, lineno, "expected \"path\": an absolute path of at most %d bytes",
			   ENF_PATH_EVENT_MAX);
	if (exec) {
		mask = BIT(ENF_CLASS_EXEC);
		if (json_is_true(json_object_get(o, "fileless"))) {
			g->fileless = true;
			return 0; /* no path rule can name it: "fileless": "allow" */
		}
	} else {
		json_t *acc = json_object_get(o, "access"), *w;
		size_t i;

		if (!json_is_array(acc) || json_array_size(acc) == 0)
			return bad(err, size, lineno, "expected \"access\": a non-empty array of access words");
		json_array_foreach(acc, i, w) {
			uint32_t bits;

			if (!json_is_string(w) || policy_access_from_word(json_string_value(w), &bits) < 0)
				return bad(err, size, lineno, "\"access\"[%zu]: expected an access word "
					   "(read, write, create, delete, rename, link, setattr, all)", i);
			mask |= bits;
		}
	}
	r = rule_path_for(path, truncated, escaped, &rp);
	if (r == -EINVAL)
		return bad(err, size, lineno, "\"path\" is not an absolute path with names: %s", path);
	if (r < 0)
		return r;
	if (!rp) {
		warn(g, "left out: %s of %s: v1 cannot name it, and its directory is too broad to allow as a "
		     "subtree; allow it by hand if the workload needs it", exec ? "exec" : "access", path);
		return 0;
	}
	return add_path(g, rp, mask);
}

static int add_net_obs(struct generator *g, json_t *o, unsigned lineno, char *err, size_t size)
{
	const char *op = json_string_value(json_object_get(o, "op"));
	const char *fam = json_string_value(json_object_get(o, "family"));
	const char *proto = json_string_value(json_object_get(o, "proto"));
	const char *addr = json_string_value(json_object_get(o, "addr"));
	json_t *port = json_object_get(o, "port");
	uint32_t op_bit, fam_bits;
	enum policy_net_proto pr = POLICY_PROTO_ANY;
	unsigned char buf[16];
	char group[256];
	json_int_t pv = 0;
	bool v4 = false;

	if (!op || policy_net_op_from_word(op, &op_bit) < 0)
		return bad(err, size, lineno, "expected \"op\": create, connect, bind, listen, accept or send");
	if (!fam)
		return bad(err, size, lineno, "expected \"family\": inet4, inet6, unix, packet, netlink or afN");
	if (strncmp(fam, "af", 2) == 0 && fam[2] >= '0' && fam[2] <= '9') {
		warn(g, "left out: %s on a socket of address family %s, which v1 profiles cannot name "
		     "(enforced, it is denied)", op, fam + 2);
		return 0;
	}
	if (policy_family_from_word(fam, &fam_bits) < 0 || __builtin_popcount(fam_bits) != 1)
		return bad(err, size, lineno, "\"family\": expected inet4, inet6, unix, packet or netlink, found \"%s\"", fam);
	/* "other": a protocol outside the vocabulary (audit_net.c); only "any" rules match it */
	if (proto && strcmp(proto, "other") != 0 && policy_proto_from_word(proto, &pr) < 0)
		return bad(err, size, lineno, "\"proto\": expected any, tcp, udp, icmp, raw or other, found \"%s\"", proto);
	if (pr != POLICY_PROTO_ANY && !(fam_bits & (POLICY_FAMILY_INET4 | POLICY_FAMILY_INET6)))
		return bad(err, size, lineno, "\"proto\" \"%s\" with family \"%s\", which has no protocols", proto, fam);
	if (!policy_net_ops_fit_proto(op_bit, pr)) {
		/* The hook sees the listen() a datagram socket is asked for; the call fails anyway. */
		warn(g, "left out: %s on a %s socket, which cannot %s (the call fails with EOPNOTSUPP; enforced, "
		     "it is denied)", op, proto, op);
		return 0;
	}
	if (port) {
		if (!json_is_integer(port) || json_integer_value(port) < 0 || json_integer_value(port) > 65535)
			return bad(err, size, lineno, "\"port\": expected 0-65535");
		pv = json_integer_value(port);
	}
	if (addr) {
		if (inet_pton(AF_INET, addr, buf) == 1)
			v4 = true;
		else if (inet_pton(AF_INET6, addr, buf) != 1)
			return bad(err, size, lineno, "\"addr\": expected an IPv4 or IPv6 address, found \"%s\"", addr);
		if (!(fam_bits & (POLICY_FAMILY_INET4 | POLICY_FAMILY_INET6)))
			return bad(err, size, lineno, "\"addr\" with family \"%s\", which has no addresses", fam);
		if (op_bit == POLICY_NET_CREATE)
			return bad(err, size, lineno, "\"addr\" with op \"create\"");
		/* An IPv6 socket talking to IPv4 (mapped) is matched as IPv4 by rules naming both families. */
		if (v4 && (fam_bits & POLICY_FAMILY_INET6))
			fam = "inet";
		else if (!v4 && (fam_bits & POLICY_FAMILY_INET4))
			return bad(err, size, lineno, "\"addr\" %s is IPv6 on an inet4 socket", addr);
	}
	/* No ports without an address: they would not apply to create or to address-less families. */
	if (!addr || pr == POLICY_PROTO_ICMP || pr == POLICY_PROTO_RAW)
		pv = 0;
	snprintf(group, sizeof(group), "%s\t%s\t%s", fam, policy_proto_word(pr), addr ? addr : "");
	if (grow((void **)&g->nets, &g->cap_nets, g->n_nets, sizeof(*g->nets)) < 0)
		return -ENOMEM;
	g->nets[g->n_nets].group = strdup(group);
	if (!g->nets[g->n_nets].group)
		return -ENOMEM;
	g->nets[g->n_nets].op = op_bit;
	g->nets[g->n_nets].port = (uint32_t)pv;
	g->n_nets++;
	return 0;
}

int generator_add_line(struct generator *g, const char *line, size_t len, unsigned lineno,
		       char *err, size_t err_size)
{
	json_error_t jerr;
	const char *kind;
	json_t *o;
	int r;

	if (len > GENERATE_MAX_LINE)
		return bad(err, err_size, lineno, "longer than %d bytes", GENERATE_MAX_LINE);
	if (g->n_obs >= GENERATE_MAX_OBSERVATIONS) {
		bad(err, err_size, lineno, "more than %u observations", GENERATE_MAX_OBSERVATIONS);
		return -E2BIG;
	}
	o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!o)
		return bad(err, err_size, lineno, "not JSON: %s (column %d)", jerr.text, jerr.column);
	kind = json_string_value(json_object_get(o, "kind"));
	if (!kind)
		r = bad(err, err_size, lineno, "expected an object with \"kind\": exec, file or net");
	else if (strcmp(kind, "session") == 0)
		r = 0;
	else if (strcmp(kind, "exec") == 0 || strcmp(kind, "file") == 0)
		r = add_path_obs(g, o, kind[0] == 'e', lineno, err, err_size);
	else if (strcmp(kind, "net") == 0)
		r = add_net_obs(g, o, lineno, err, err_size);
	else
		r = bad(err, err_size, lineno, "unknown \"kind\" \"%s\": expected exec, file or net", kind);
	json_decref(o);
	if (r == 0)
		g->n_obs++;
	return r;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(((const struct gen_path *)a)->path, ((const struct gen_path *)b)->path);
}

/* Sort by path and merge the masks of equal paths; drop empty masks. */
static void merge_paths(struct generator *g)
{
	size_t o = 0;

	/* qsort() wants an array even of 0 elements; with no observation there is none. */
	if (g->n_paths > 1)
		qsort(g->paths, g->n_paths, sizeof(*g->paths), cmp_path);
	for (size_t i = 0; i < g->n_paths; i++) {
		if (o > 0 && strcmp(g->paths[o - 1].path, g->paths[i].path) == 0) {
			g->paths[o - 1].mask |= g->paths[i].mask;
			free(g->paths[i].path);
			continue;
		}
		g->paths[o++] = g->paths[i];
	}
	g->n_paths = o;
	o = 0;
	for (size_t i = 0; i < g->n_paths; i++) {
		if (!g->paths[i].mask) {
			free(g->paths[i].path);
			continue;
		}
		g->paths[o++] = g->paths[i];
	}
	g->n_paths = o;
}

static bool is_subtree(const char *p)
{
	size_t n = strlen(p);

	return n >= 3 && strcmp(p + n - 3, "/**") == 0;
}

/* The first index whose path is >= key (paths are sorted). */
static size_t lower_bound(const struct generator *g, const char *key)
{
	size_t lo = 0, hi = g->n_paths;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(g->paths[mid].path, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Clear `bits` on every path strictly below dir, keeping the subtree rule of dir itself. */
static int clear_below(struct generator *g, const char *dir, uint32_t bits)
{
	size_t n = strlen(dir);
	_cleanup_free_ char *key = malloc(n + 2);

	if (!key)
		return -ENOMEM;
	memcpy(key, dir, n);
	key[n] = '/';
	key[n + 1] = 0;
	for (size_t i = lower_bound(g, key); i < g->n_paths && strncmp(g->paths[i].path, key, n + 1) == 0; i++)
		if (strcmp(g->paths[i].path + n + 1, "**") != 0)
			g->paths[i].mask &= ~bits;
	return 0;
}

struct dir_ref {
	char *dir;
};

static int cmp_dir(const void *a, const void *b)
{
	return strcmp(((const struct dir_ref *)a)->dir, ((const struct dir_ref *)b)->dir);
}

/*
 * Per class: a directory holding at least `threshold` observed files (exact
 * paths, directly in it) becomes a subtree rule, unless too broad. Then every path
 * below a subtree rule loses the classes that rule allows.
 */
static int generalise(struct generator *g, unsigned threshold)
{
	struct dir_ref *dirs = NULL;
	int r = 0;

	if (threshold > 0 && g->n_paths > 0) {
		dirs = calloc(g->n_paths, sizeof(*dirs));
		if (!dirs)
			return -ENOMEM;
	}
	for (int c = 0; threshold > 0 && c < ENF_CLASS_COUNT && r == 0; c++) {
		size_t n = 0, orig = g->n_paths;

		for (size_t i = 0; i < orig; i++) {
			const char *p = g->paths[i].path;

			if (!(g->paths[i].mask & BIT(c)) || is_subtree(p) || strcmp(p, "/") == 0)
				continue;
			dirs[n].dir = strndup(p, (size_t)(strrchr(p, '/') - p));
			if (!dirs[n].dir) {
				r = -ENOMEM;
				break;
			}
			n++;
		}
		if (n > 1)
			qsort(dirs, n, sizeof(*dirs), cmp_dir);
		for (size_t i = 0; i < n && r == 0;) {
			size_t j = i;
			const char *dir = dirs[i].dir;

			while (j < n && strcmp(dirs[j].dir, dir) == 0)
				j++;
			/* (a directory whose subtree is longer than a rule path keeps its files' exact rules) */
			if (j - i >= threshold && !generate_dir_too_broad(dir[0] ? dir : "/") &&
			    strlen(dir) + 3 <= POLICY_PATH_MAX) {
				char *sub = malloc(strlen(dir) + 4);

				if (!sub) {
					r = -ENOMEM;
					break;
				}
				sprintf(sub, "%s/**", dir);
				r = add_path(g, sub, BIT(c));
				free(sub);
			}
			i = j;
		}
		for (size_t i = 0; i < n; i++)
			free(dirs[i].dir);
	}
	free(dirs);
	if (r < 0)
		return r;
	merge_paths(g);
	for (size_t i = 0; i < g->n_paths && r == 0; i++) {
		const char *p = g->paths[i].path;

		if (is_subtree(p)) {
			_cleanup_free_ char *dir = strndup(p, strlen(p) - 3);

			r = dir ? clear_below(g, dir, g->paths[i].mask) : -ENOMEM;
		}
	}
	merge_paths(g);
	return r;
}

static json_t *access_array(uint32_t mask)
{
	json_t *a = json_array();

	for (int c = 0; c < ENF_CLASS_COUNT; c++)
		if (c != ENF_CLASS_EXEC && (mask & BIT(c)))
			json_array_append_new(a, json_string(policy_access_word(c)));
	return a;
}

static int cmp_net(const void *a, const void *b)
{
	const struct gen_net *x = a, *y = b;
	int r = strcmp(x->group, y->group);

	if (r)
		return r;
	if (x->op != y->op)
		return x->op < y->op ? -1 : 1;
	return x->port < y->port ? -1 : x->port > y->port;
}

/* The ports of (group, op) from index i: "" for any port, else "80,443,8000-8001". */
static size_t net_ports(const struct generator *g, size_t i, char *out, size_t size, json_t **ret_ports)
{
	size_t j = i, o = 0;
	bool any = false;
	json_t *ports = json_array();

	while (j < g->n_nets && strcmp(g->nets[j].group, g->nets[i].group) == 0 && g->nets[j].op == g->nets[i].op) {
		if (g->nets[j].port == 0)
			any = true;
		j++;
	}
	out[0] = 0;
	for (size_t k = i; k < j && !any; k++) {
		uint32_t lo = g->nets[k].port, hi = lo;
		char w[16];

		while (k + 1 < j && g->nets[k + 1].port <= hi + 1) {
			hi = g->nets[k + 1].port > hi ? g->nets[k + 1].port : hi;
			k++;
		}
		if (lo == hi) {
			snprintf(w, sizeof(w), "%u", lo);
			json_array_append_new(ports, json_integer(lo));
		} else {
			snprintf(w, sizeof(w), "%u-%u", lo, hi);
			json_array_append_new(ports, json_string(w));
		}
		o += (size_t)snprintf(out + o, o < size ? size - o : 0, "%s%s", o ? "," : "", w);
	}
	if (any || json_array_size(ports) == 0) {
		json_decref(ports);
		ports = NULL;
		out[0] = 0;
	}
	*ret_ports = ports;
	return j;
}

/* One network rule per (family, proto, addr, ports); ops with the same ports share it. */
static int net_rules(struct generator *g, json_t *rules)
{
	struct pending {
		const char *group;
		char ports_key[1024];
		json_t *ports;
		uint32_t ops;
	} *pend = NULL;
	size_t n_pend = 0;
	int r = 0;

	if (g->n_nets > 1)
		qsort(g->nets, g->n_nets, sizeof(*g->nets), cmp_net);
	pend = calloc(g->n_nets + 1, sizeof(*pend));
	if (!pend)
		return -ENOMEM;
	for (size_t i = 0; i < g->n_nets;) {
		char key[1024];
		json_t *ports;
		size_t next = net_ports(g, i, key, sizeof(key), &ports);
		size_t k;

		for (k = 0; k < n_pend; k++)
			if (strcmp(pend[k].group, g->nets[i].group) == 0 && strcmp(pend[k].ports_key, key) == 0)
				break;
		if (k == n_pend) {
			pend[k].group = g->nets[i].group;
			snprintf(pend[k].ports_key, sizeof(pend[k].ports_key), "%s", key);
			pend[k].ports = ports;
			n_pend++;
		} else {
			json_decref(ports);
		}
		pend[k].ops |= g->nets[i].op;
		i = next;
	}
	for (size_t k = 0; k < n_pend; k++) {
		char fam[32], proto[16], addr[64];
		json_t *rule, *ops = json_array();

		if (sscanf(pend[k].group, "%31[^\t]\t%15[^\t]\t%63s", fam, proto, addr) < 2) {
			r = -EINVAL;
			break;
		}
		if (pend[k].group[strlen(pend[k].group) - 1] == '\t')
			addr[0] = 0;
		for (uint32_t b = 1; b && b <= pend[k].ops; b <<= 1)
			if (pend[k].ops & b)
				json_array_append_new(ops, json_string(policy_net_op_word(b)));
		rule = json_pack("{s:s, s:o, s:s}", "action", "allow", "op", ops, "family", fam);
		if (strcmp(proto, "any") != 0)
			json_object_set_new(rule, "proto", json_string(proto));
		if (addr[0])
			json_object_set_new(rule, "addr", json_string(addr));
		if (pend[k].ports)
			json_object_set(rule, "ports", pend[k].ports);
		json_array_append_new(rules, rule);
	}
	for (size_t k = 0; k < n_pend; k++)
		json_decref(pend[k].ports);
	free(pend);
	return r;
}

/* One section with "default": "deny" and its rules, on lines of their own. */
static int print_section(FILE *f, const char *name, json_t *rules, const char *extra, bool last)
{
	size_t i;
	json_t *rule;

	fprintf(f, "  \"%s\": { \"default\": \"deny\"%s", name, extra);
	if (json_array_size(rules) == 0) {
		fprintf(f, " }%s\n", last ? "" : ",");
		return 0;
	}
	fprintf(f, ", \"rules\": [\n");
	json_array_foreach(rules, i, rule) {
		_cleanup_free_ char *t = json_dumps(rule, JSON_COMPACT | JSON_PRESERVE_ORDER);

		if (!t)
			return -ENOMEM;
		fprintf(f, "    %s%s\n", t, i + 1 < json_array_size(rules) ? "," : "");
	}
	fprintf(f, "  ] }%s\n", last ? "" : ",");
	return 0;
}

int generator_profile(struct generator *g, const struct generate_options *o, char **ret_text,
		      char **ret_warnings, char *err, size_t err_size)
{
	json_t *exec = json_array(), *file = json_array(), *net = json_array(), *name;
	_cleanup_free_ char *name_text = NULL;
	char *text = NULL;
	size_t text_len = 0;
	FILE *f = NULL;
	int r;

	*ret_text = NULL;
	*ret_warnings = NULL;
	if (!exec || !file || !net) {
		r = -ENOMEM;
		goto out;
	}
	merge_paths(g);
	r = generalise(g, o->subtree_threshold);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < g->n_paths; i++) {
		const struct gen_path *p = &g->paths[i];

		if (p->mask & BIT(ENF_CLASS_EXEC))
			json_array_append_new(exec, json_pack("{s:s, s:s}", "action", "allow", "path", p->path));
		if (p->mask & ~BIT(ENF_CLASS_EXEC))
			json_array_append_new(file, json_pack("{s:s, s:s, s:o}", "action", "allow", "path", p->path,
							      "access", access_array(p->mask)));
	}
	r = net_rules(g, net);
	if (r < 0) {
		snprintf(err, err_size, "internal error grouping network observations");
		goto out;
	}
	name = json_string(o->name);
	name_text = name ? json_dumps(name, JSON_ENCODE_ANY) : NULL;
	json_decref(name);
	f = open_memstream(&text, &text_len);
	if (!f || !name_text) {
		r = -ENOMEM;
		goto out;
	}
	fprintf(f, "{\n  \"name\": %s,\n  \"mode\": \"%s\",\n", name_text,
		o->mode == ENF_MODE_ENFORCE ? "enforce" : "audit");
	r = print_section(f, "exec", exec, g->fileless ? ", \"fileless\": \"allow\"" : "", false);
	if (r == 0)
		r = print_section(f, "file", file, "", false);
	if (r == 0)
		r = print_section(f, "network", net, "", true);
	fprintf(f, "}\n");
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	f = NULL;
	if (r < 0)
		goto out;
	*ret_text = TAKE_PTR(text);
	if (g->warnings)
		*ret_warnings = strdup(g->warnings);
out:
	if (f)
		fclose(f);
	free(text);
	json_decref(exec);
	json_decref(file);
	json_decref(net);
	if (r < 0 && !err[0])
		snprintf(err, err_size, "cannot generate the profile: %s", strerror(-r));
	return r;
}

int generate_from_stream(FILE *in, const char *in_name, const struct generate_options *o, char **ret_text,
			 char **ret_warnings, char *err, size_t err_size)
{
	struct generator *g = NULL;
	struct policy_profile *p = NULL;
	struct policy_error perr = { .text = "" };
	struct bundle *b = NULL;
	char *line = NULL, lerr[768] = "";
	size_t cap = 0;
	unsigned lineno = 0;
	ssize_t n;
	int r;

	*ret_text = NULL;
	*ret_warnings = NULL;
	err[0] = 0;
	r = generator_new(&g);
	if (r < 0)
		return r;
	while ((n = getline(&line, &cap, in)) > 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (n == 0)
			continue;
		r = generator_add_line(g, line, (size_t)n, lineno, lerr, sizeof(lerr));
		if (r < 0) {
			snprintf(err, err_size, "%s:%s", in_name, lerr);
			goto out;
		}
	}
	if (ferror(in)) {
		r = -EIO;
		snprintf(err, err_size, "%s: read error", in_name);
		goto out;
	}
	r = generator_profile(g, o, ret_text, ret_warnings, err, err_size);
	if (r < 0)
		goto out;
	/* What we hand out must load: check it as `policyc compile` would. */
	r = policy_parse_buffer(*ret_text, strlen(*ret_text), "generated", &p, &perr);
	if (r == 0)
		r = policy_compile(p, &b, &perr);
	if (r < 0) {
		snprintf(err, err_size, "the generated profile does not compile (a bug in the generator): %s",
			 perr.text[0] ? perr.text : strerror(-r));
		free(*ret_text);
		*ret_text = NULL;
		free(*ret_warnings);
		*ret_warnings = NULL;
	}
out:
	bundle_free(b);
	policy_profile_free(p);
	free(line);
	generator_free(g);
	return r;
}
