// SPDX-License-Identifier: GPL-2.0-only
/* Bundle (compiled profile) serialisation; the format is described in bundle.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <zlib.h>

#include "baseline.h"
#include "bundle.h"
#include "util.h"

bool enf_profile_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

bool enf_profile_name_valid(const char *s)
{
	size_t n = strnlen(s, ENF_PROFILE_NAME_MAX);

	if (n == 0 || n >= ENF_PROFILE_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!enf_profile_name_char(s[i]))
			return false;
	return true;
}

void bundle_free(struct bundle *b)
{
	if (!b)
		return;
	for (uint32_t i = 0; i < b->n_nodes; i++)
		free(b->nodes[i].name);
	for (uint32_t i = 0; i < b->n_rules; i++)
		free(b->rules[i].text);
	free(b->nodes);
	free(b->rules);
	free(b->from);
	free(b->net);
	free(b->source_file);
	free(b);
}

/* A growable byte buffer for the string table. */
struct strtab {
	char *data;
	size_t len, cap;
};

static int strtab_add(struct strtab *t, const char *s, __u32 *ret_off)
{
	size_t n = strlen(s) + 1;

	if (t->len + n > BUNDLE_MAX_SIZE)
		return -E2BIG;
	if (t->len + n > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4096;
		char *p;

		while (cap < t->len + n)
			cap *= 2;
		p = realloc(t->data, cap);
		if (!p)
			return -ENOMEM;
		t->data = p;
		t->cap = cap;
	}
	memcpy(t->data + t->len, s, n);
	*ret_off = (__u32)t->len;
	t->len += n;
	return 0;
}

/*
 * The file's CRC: the header with its crc32 field as 0, then the body
 * (BUNDLE_MAX_SIZE fits a uInt). The header's part, from which the body's
 * parts go on.
 */
static uLong bundle_crc_header(const struct bundle_file_header *hdr)
{
	struct bundle_file_header h = *hdr;

	h.crc32 = 0;
	return crc32(0L, (const Bytef *)&h, sizeof(h));
}

static __u32 bundle_crc(const struct bundle_file_header *hdr, const char *body, size_t body_len)
{
	return (__u32)crc32(bundle_crc_header(hdr), (const Bytef *)body, (uInt)body_len);
}

/*
 * A bundle as the file lays it out: the header, then the parts of the body
 * in order (nodes, rules, from, net, strings). The net part points into the
 * bundle itself: a network profile's entries are most of the file (6 MB for
 * 10,000 prefixes), and writing them from where they are spares a copy.
 */
enum { LAYOUT_HEADER, LAYOUT_NODES, LAYOUT_RULES, LAYOUT_FROM, LAYOUT_NET, LAYOUT_STRINGS, LAYOUT_PARTS };

struct bundle_layout {
	struct bundle_file_header hdr;
	struct bundle_file_node *fnodes;
	struct bundle_file_rule *frules;
	struct strtab strings;
	struct iovec parts[LAYOUT_PARTS];
	size_t total;
};

static void bundle_layout_done(struct bundle_layout *l)
{
	free(l->fnodes);
	free(l->frules);
	free(l->strings.data);
}

static int bundle_layout(const struct bundle *b, struct bundle_layout *l)
{
	struct bundle_file_header *hdr = &l->hdr;
	uLong crc;
	int r;

	memset(l, 0, sizeof(*l)); /* the header's padding too: the file's bytes are its CRC's */
	l->fnodes = calloc(b->n_nodes ? b->n_nodes : 1, sizeof(*l->fnodes));
	l->frules = calloc(b->n_rules ? b->n_rules : 1, sizeof(*l->frules));
	if (!l->fnodes || !l->frules)
		return -ENOMEM;

	r = strtab_add(&l->strings, b->source_file ? b->source_file : "", &hdr->source_off);
	for (uint32_t i = 0; i < b->n_nodes && r == 0; i++) {
		l->fnodes[i].parent = b->nodes[i].parent;
		l->fnodes[i].val = b->nodes[i].val;
		r = strtab_add(&l->strings, b->nodes[i].name, &l->fnodes[i].name_off);
	}
	for (uint32_t i = 0; i < b->n_rules && r == 0; i++) {
		const struct bundle_rule *rule = &b->rules[i];

		l->frules[i] = (struct bundle_file_rule){
			.id = rule->id, .section = rule->section, .action = rule->action,
			.line = rule->line, .column = rule->column,
		};
		r = strtab_add(&l->strings, rule->text ? rule->text : "", &l->frules[i].text_off);
	}
	if (r < 0)
		return r;

	l->parts[LAYOUT_HEADER] = (struct iovec){ hdr, sizeof(*hdr) };
	l->parts[LAYOUT_NODES] = (struct iovec){ l->fnodes, (size_t)b->n_nodes * sizeof(*l->fnodes) };
	l->parts[LAYOUT_RULES] = (struct iovec){ l->frules, (size_t)b->n_rules * sizeof(*l->frules) };
	l->parts[LAYOUT_FROM] = (struct iovec){ b->from, (size_t)b->n_from * sizeof(*b->from) };
	l->parts[LAYOUT_NET] = (struct iovec){ b->net, (size_t)b->n_net * sizeof(*b->net) };
	l->parts[LAYOUT_STRINGS] = (struct iovec){ l->strings.data, l->strings.len };
	for (int i = 0; i < LAYOUT_PARTS; i++)
		l->total += l->parts[i].iov_len;
	if (l->total > BUNDLE_MAX_SIZE)
		return -E2BIG;

	memcpy(hdr->magic, BUNDLE_MAGIC, sizeof(hdr->magic));
	hdr->byte_order = BUNDLE_BYTE_ORDER;
	hdr->format_version = BUNDLE_FORMAT_VERSION;
	hdr->abi_version = ENF_ABI_VERSION;
	hdr->header_size = sizeof(*hdr);
	hdr->total_size = l->total;
	hdr->n_nodes = b->n_nodes;
	hdr->n_rules = b->n_rules;
	hdr->n_from = b->n_from;
	hdr->n_net = b->n_net;
	hdr->strings_size = (__u32)l->strings.len;
	memcpy(hdr->name, b->name, sizeof(hdr->name));
	hdr->mode = (__u8)b->mode;
	memcpy(hdr->defaults, b->defaults, sizeof(hdr->defaults));
	hdr->flags = b->flags;
	hdr->fileless_exec = b->fileless_exec;
	hdr->baseline_optout = b->baseline_optout;

	crc = bundle_crc_header(hdr);
	for (int i = LAYOUT_HEADER + 1; i < LAYOUT_PARTS; i++)
		if (l->parts[i].iov_len)
			crc = crc32(crc, (const Bytef *)l->parts[i].iov_base, (uInt)l->parts[i].iov_len);
	hdr->crc32 = (__u32)crc;
	return 0;
}

int bundle_serialize(const struct bundle *b, void **ret_buf, size_t *ret_len)
{
	_cleanup_(bundle_layout_done) struct bundle_layout l = {};
	size_t off = 0;
	char *buf;
	int r;

	r = bundle_layout(b, &l);
	if (r < 0)
		return r;
	buf = malloc(l.total);
	if (!buf)
		return -ENOMEM;
	for (int i = 0; i < LAYOUT_PARTS; i++) {
		if (l.parts[i].iov_len)
			memcpy(buf + off, l.parts[i].iov_base, l.parts[i].iov_len);
		off += l.parts[i].iov_len;
	}
	*ret_buf = buf;
	*ret_len = l.total;
	return 0;
}

int bundle_write_file(const struct bundle *b, const char *path)
{
	_cleanup_(bundle_layout_done) struct bundle_layout l = {};
	int r;

	r = bundle_layout(b, &l);
	if (r < 0)
		return r;
	return write_file_atomic_parts(path, l.parts, LAYOUT_PARTS, 0644);
}

static int fail(char *err, size_t err_size, int r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t err_size, int r, const char *fmt, ...)
{
	va_list ap;

	if (err && err_size) {
		va_start(ap, fmt);
		vsnprintf(err, err_size, fmt, ap);
		va_end(ap);
	}
	return r;
}

static const char *string_at(const char *strings, size_t size, __u32 off)
{
	/* Valid only if the string starts inside and is NUL-terminated inside. */
	if (off >= size || !memchr(strings + off, 0, size - off))
		return NULL;
	return strings + off;
}

/*
 * The string at off, which must be where the previous one ended: the
 * serialiser lays the strings out in order, each once, so a table with
 * shared, reordered or stray strings was not written by it.
 */
static const char *next_string(const char *strings, size_t size, __u32 off, size_t *cursor)
{
	const char *s = off == *cursor ? string_at(strings, size, off) : NULL;

	if (s)
		*cursor += strlen(s) + 1;
	return s;
}

int bundle_parse(const void *data, size_t len, struct bundle **ret_bundle, char *err, size_t err_size)
{
	const char *buf = data;
	struct bundle_file_header hdr;
	const struct bundle_file_node *fnodes;
	const struct bundle_file_rule *frules;
	const struct bundle_file_from *ffrom;
	const struct bundle_file_net *fnet;
	const char *strings, *s;
	_cleanup_free_ __u8 *depth = NULL;
	struct bundle *b;
	size_t need, cursor = 0;

	if (len < sizeof(hdr))
		return fail(err, err_size, -EINVAL, "not a compiled profile: %zu bytes, shorter than a bundle header; compile the profile with 'policyc compile'", len);
	memcpy(&hdr, buf, sizeof(hdr));
	if (memcmp(hdr.magic, BUNDLE_MAGIC, sizeof(hdr.magic)) != 0)
		return fail(err, err_size, -EINVAL, "not a compiled profile (bad magic); pass the output of 'policyc compile', not the JSON source");
	if (hdr.byte_order != BUNDLE_BYTE_ORDER)
		return fail(err, err_size, -EPROTO, "bundle was compiled on a machine of the other byte order; recompile it here");
	if (hdr.format_version != BUNDLE_FORMAT_VERSION || hdr.abi_version != ENF_ABI_VERSION)
		return fail(err, err_size, -EPROTO, "bundle format %u / ABI %u, this build reads format %u / ABI %u; recompile the profile with this version's policyc",
			    hdr.format_version, hdr.abi_version, BUNDLE_FORMAT_VERSION, ENF_ABI_VERSION);
	if (hdr.header_size != sizeof(hdr) || hdr.total_size != len)
		return fail(err, err_size, -EINVAL, "bundle is truncated or padded: header says %llu bytes, file has %zu; recompile it",
			    (unsigned long long)hdr.total_size, len);
	need = sizeof(hdr) + (size_t)hdr.n_nodes * sizeof(*fnodes) + (size_t)hdr.n_rules * sizeof(*frules) +
	       (size_t)hdr.n_from * sizeof(struct bundle_file_from) + (size_t)hdr.n_net * sizeof(struct bundle_file_net) +
	       hdr.strings_size;
	if (need != len)
		return fail(err, err_size, -EINVAL, "bundle sections do not add up (%zu != %zu bytes); the file is damaged, recompile it", need, len);
	if (hdr.crc32 != bundle_crc(&hdr, buf + sizeof(hdr), len - sizeof(hdr)))
		return fail(err, err_size, -EINVAL, "checksum mismatch: the bundle is damaged; recompile it");
	if (memcmp(hdr._pad, (const __u8[sizeof(hdr._pad)]){ 0 }, sizeof(hdr._pad)) != 0)
		return fail(err, err_size, -EINVAL, "bundle header padding is not zero; recompile it");
	/* The daemon makes file names of it: only what policyc accepts. */
	if (!memchr(hdr.name, 0, sizeof(hdr.name)) || !enf_profile_name_valid(hdr.name))
		return fail(err, err_size, -EINVAL, "bundle has no valid profile name; recompile it");
	if (hdr.mode != ENF_MODE_AUDIT && hdr.mode != ENF_MODE_ENFORCE && hdr.mode != ENF_MODE_LEARN)
		return fail(err, err_size, -EINVAL, "bundle has an unknown mode %u; recompile it", hdr.mode);
	if (hdr.n_nodes == 0 || hdr.n_nodes > ENF_MAX_TRIE_NODES)
		return fail(err, err_size, -EINVAL, "bundle has %u path nodes, expected 1..%u", hdr.n_nodes, ENF_MAX_TRIE_NODES);
	for (int i = 0; i < ENF_SECTION_COUNT; i++)
		if (hdr.defaults[i] > ENF_ACT_DENY)
			return fail(err, err_size, -EINVAL, "bundle has an unknown default action %u", hdr.defaults[i]);

	if (hdr.fileless_exec > ENF_ACT_DENY)
		return fail(err, err_size, -EINVAL, "bundle has an unknown fileless-exec action %u", hdr.fileless_exec);
	if (hdr.baseline_optout & ~ENF_BASELINE_ALL)
		return fail(err, err_size, -EINVAL, "bundle opts out of unknown baseline operations (0x%04x); "
			    "this enforcer is older than the compiler: use a newer enforcer or recompile", hdr.baseline_optout);
	fnodes = (const void *)(buf + sizeof(hdr));
	frules = (const void *)((const char *)fnodes + (size_t)hdr.n_nodes * sizeof(*fnodes));
	ffrom = (const void *)((const char *)frules + (size_t)hdr.n_rules * sizeof(*frules));
	fnet = (const void *)((const char *)ffrom + (size_t)hdr.n_from * sizeof(*ffrom));
	strings = (const char *)fnet + (size_t)hdr.n_net * sizeof(*fnet);

	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	memcpy(b->name, hdr.name, sizeof(b->name));
	b->mode = hdr.mode;
	memcpy(b->defaults, hdr.defaults, sizeof(b->defaults));
	b->flags = hdr.flags;
	b->fileless_exec = hdr.fileless_exec;
	b->baseline_optout = hdr.baseline_optout;
	s = next_string(strings, hdr.strings_size, hdr.source_off, &cursor);
	if (!s) {
		bundle_free(b);
		return fail(err, err_size, -EINVAL, "bundle has no valid source file name; recompile it");
	}
	b->source_file = strdup(s);
	b->nodes = calloc(hdr.n_nodes, sizeof(*b->nodes));
	b->rules = calloc(hdr.n_rules ? hdr.n_rules : 1, sizeof(*b->rules));
	depth = malloc(hdr.n_nodes);
	if (!b->source_file || !b->nodes || !b->rules || !depth) {
		bundle_free(b);
		return -ENOMEM;
	}

	for (uint32_t i = 0; i < hdr.n_nodes; i++) {
		struct bundle_file_node fn;

		memcpy(&fn, &fnodes[i], sizeof(fn));
		s = next_string(strings, hdr.strings_size, fn.name_off, &cursor);
		/*
		 * Parents precede children, so the trie can be inserted in order;
		 * no node is deeper than a rule's path may be (the daemon and
		 * dump rebuild paths in arrays of that depth).
		 */
		if (!s || strlen(s) >= ENF_NAME_MAX || fn.val.node != i ||
		    (i == 0 ? fn.parent != BUNDLE_NO_PARENT || s[0] : fn.parent >= i || !s[0]) ||
		    (depth[i] = i == 0 ? 0 : depth[fn.parent] + 1) > ENF_RULE_DEPTH_MAX) {
			b->n_nodes = i;
			bundle_free(b);
			return fail(err, err_size, -EINVAL, "bundle path node %u is malformed; recompile the profile", i);
		}
		for (int c = 0; c < ENF_CLASS_COUNT; c++) {
			if (fn.val.exact[c] > ENF_ACT_DENY || fn.val.subtree[c] > ENF_ACT_DENY) {
				b->n_nodes = i;
				bundle_free(b);
				return fail(err, err_size, -EINVAL, "bundle path node %u has an unknown action; recompile the profile", i);
			}
		}
		b->nodes[i].parent = fn.parent;
		b->nodes[i].val = fn.val;
		b->nodes[i].name = strdup(s);
		b->n_nodes = i + 1;
		if (!b->nodes[i].name) {
			bundle_free(b);
			return -ENOMEM;
		}
	}
	for (uint32_t i = 0; i < hdr.n_rules; i++) {
		struct bundle_file_rule fr;

		memcpy(&fr, &frules[i], sizeof(fr));
		s = next_string(strings, hdr.strings_size, fr.text_off, &cursor);
		if (!s || fr.id == 0 || (i > 0 && fr.id <= b->rules[i - 1].id) ||
		    fr.section >= ENF_SECTION_COUNT || fr.action > ENF_ACT_DENY) {
			bundle_free(b);
			return fail(err, err_size, -EINVAL, "bundle rule %u is malformed; recompile the profile", i);
		}
		b->rules[i] = (struct bundle_rule){
			.id = fr.id, .section = fr.section, .action = fr.action,
			.line = fr.line, .column = fr.column, .text = strdup(s),
		};
		b->n_rules = i + 1;
		if (!b->rules[i].text) {
			bundle_free(b);
			return -ENOMEM;
		}
	}
	if (cursor != hdr.strings_size) {
		bundle_free(b);
		return fail(err, err_size, -EINVAL, "bundle string table has %zu bytes no record names; recompile the profile",
			    (size_t)hdr.strings_size - cursor);
	}
	if (hdr.n_from) {
		b->from = malloc((size_t)hdr.n_from * sizeof(*b->from));
		if (!b->from) {
			bundle_free(b);
			return -ENOMEM;
		}
		memcpy(b->from, ffrom, (size_t)hdr.n_from * sizeof(*b->from));
		b->n_from = hdr.n_from;
		for (uint32_t i = 0; i < b->n_from; i++) {
			if (b->from[i].node >= b->n_nodes || b->from[i].exe_id == 0) {
				bundle_free(b);
				return fail(err, err_size, -EINVAL, "bundle 'from' entry %u is malformed; recompile the profile", i);
			}
		}
	}
	if (hdr.n_net) {
		b->net = malloc((size_t)hdr.n_net * sizeof(*b->net));
		if (!b->net) {
			bundle_free(b);
			return -ENOMEM;
		}
		memcpy(b->net, fnet, (size_t)hdr.n_net * sizeof(*b->net));
		b->n_net = hdr.n_net;
		for (uint32_t i = 0; i < b->n_net; i++) {
			if (b->net[i].prefix_len > 128 || b->net[i].val.count > ENF_NET_RULES_PER_PREFIX) {
				bundle_free(b);
				return fail(err, err_size, -EINVAL, "bundle network entry %u is malformed; recompile the profile", i);
			}
		}
	}
	*ret_bundle = b;
	return 0;
}

int bundle_read_fd(int fd, struct bundle **ret_bundle, char *err, size_t err_size)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r;

	r = read_fd_all(fd, BUNDLE_MAX_SIZE, &buf, &len);
	if (r == -EFBIG)
		return fail(err, err_size, r, "bundle is larger than %u MiB", BUNDLE_MAX_SIZE >> 20);
	if (r < 0)
		return fail(err, err_size, r, "cannot read bundle: %s", strerror(-r));
	return bundle_parse(buf, len, ret_bundle, err, err_size);
}

const struct bundle_rule *bundle_rule_by_id(const struct bundle *b, uint32_t id)
{
	uint32_t lo = 0, hi = b->n_rules;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (b->rules[mid].id == id)
			return &b->rules[mid];
		if (b->rules[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void bundle_format_addr(const uint8_t addr[16], unsigned prefix_len, char *buf, size_t size)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	char text[INET6_ADDRSTRLEN] = "?";

	/* IPv4 is stored mapped; show it as IPv4 when the prefix covers the mapping. */
	if (prefix_len >= 96 && memcmp(addr, mapped, sizeof(mapped)) == 0) {
		inet_ntop(AF_INET, addr + 12, text, sizeof(text));
		snprintf(buf, size, "%s/%u", text, prefix_len - 96);
	} else {
		inet_ntop(AF_INET6, addr, text, sizeof(text));
		snprintf(buf, size, "%s/%u", text, prefix_len);
	}
}

static void dump_node_path(const struct bundle *b, uint32_t i, FILE *out)
{
	/* Depth is bounded by ENF_RULE_DEPTH_MAX and parents precede children. */
	if (i == 0 || i >= b->n_nodes)
		return;
	dump_node_path(b, b->nodes[i].parent, out);
	fprintf(out, "/%s", b->nodes[i].name);
}

void bundle_dump(const struct bundle *b, FILE *out)
{
	static const char *const section[ENF_SECTION_COUNT] = { "exec", "file", "network" };

	fprintf(out, "profile %s\n", b->name);
	fprintf(out, "  source   %s\n", b->source_file);
	fprintf(out, "  mode     %s\n", enf_mode_name(b->mode));
	if (b->fileless_exec)
		fprintf(out, "  fileless exec %s\n", enf_action_name(b->fileless_exec));
	/* Only what the profile lets through: the whole baseline applies otherwise. */
	for (unsigned i = 0; enf_baseline_words[i]; i++)
		if (b->baseline_optout & (1u << i))
			fprintf(out, "  baseline %-13s allow (%s: allowed and logged)\n", enf_baseline_words[i], enf_baseline_what(i));
	for (int s = 0; s < ENF_SECTION_COUNT; s++)
		fprintf(out, "  default  %-8s %s\n", section[s],
			b->defaults[s] ? enf_action_name(b->defaults[s]) : "(section absent)");
	fprintf(out, "nodes %u\n", b->n_nodes);
	for (uint32_t i = 0; i < b->n_nodes; i++) {
		const struct enf_node_val *v = &b->nodes[i].val;

		fprintf(out, "  [%u] ", i);
		if (v->exe_id)
			fprintf(out, "(exe %u) ", v->exe_id);
		if (i == 0)
			fputc('/', out);
		else
			dump_node_path(b, i, out);
		fputc('\n', out);
		for (int c = 0; c < ENF_CLASS_COUNT; c++) {
			if (v->exact[c])
				fprintf(out, "      %-7s exact   %-5s rule %08x\n", enf_class_name(c),
					enf_action_name(v->exact[c]), v->exact_rule[c]);
			if (v->subtree[c])
				fprintf(out, "      %-7s subtree %-5s rule %08x\n", enf_class_name(c),
					enf_action_name(v->subtree[c]), v->subtree_rule[c]);
		}
	}
	for (uint32_t i = 0; i < b->n_from; i++) {
		const struct bundle_file_from *f = &b->from[i];

		fprintf(out, "  from [%u] exe %u\n", f->node, f->exe_id);
		for (int c = 0; c < ENF_CLASS_COUNT; c++) {
			if (f->actions.exact[c])
				fprintf(out, "      %-7s exact   %-5s rule %08x\n", enf_class_name(c),
					enf_action_name(f->actions.exact[c]), f->actions.exact_rule[c]);
			if (f->actions.subtree[c])
				fprintf(out, "      %-7s subtree %-5s rule %08x\n", enf_class_name(c),
					enf_action_name(f->actions.subtree[c]), f->actions.subtree_rule[c]);
		}
	}
	if (b->n_net)
		fprintf(out, "network prefixes %u\n", b->n_net);
	for (uint32_t i = 0; i < b->n_net; i++) {
		const struct bundle_file_net *n = &b->net[i];
		char addr[64];

		bundle_format_addr(n->addr, n->prefix_len, addr, sizeof(addr));
		fprintf(out, "  %s\n", addr);
		for (uint32_t j = 0; j < n->val.count && j < ENF_NET_RULES_PER_PREFIX; j++) {
			const struct enf_net_rule *r = &n->val.rules[j];

			fprintf(out, "      %-5s ops %02x families %02x proto %u ports %u-%u exe %u rule %08x\n",
				enf_action_name(r->action), r->ops, r->families, r->proto, r->port_lo, r->port_hi,
				r->exe_id, r->rule_id);
		}
	}
	fprintf(out, "rules %u\n", b->n_rules);
	for (uint32_t i = 0; i < b->n_rules; i++) {
		const struct bundle_rule *r = &b->rules[i];

		fprintf(out, "  %08x %s:%u:%u %s %s\n", r->id, b->source_file, r->line, r->column,
			section[r->section], r->text);
	}
}
