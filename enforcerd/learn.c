// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "audit.h"
#include "audit_net.h"
#include "canonical.h"
#include "compile.h"
#include "learn.h"
#include "log.h"
#include "policy.h"
#include "selectors.h"
#include "util.h"

static void session_path(const struct learn *l, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/learn-%s.jsonl", l->dir, name);
}

int learn_init(struct learn *l, const char *state_dir, struct profiles *ps, struct engine *e)
{
	memset(l, 0, sizeof(*l));
	l->dir = strdup(state_dir);
	l->profiles = ps;
	l->engine = e;
	return l->dir ? 0 : -ENOMEM;
}

static void session_close(struct learn_session *s)
{
	if (s->f)
		fclose(s->f);
	free(s->seen);
	memset(s, 0, sizeof(*s));
}

void learn_free(struct learn *l)
{
	for (size_t i = 0; i < LEARN_MAX_SESSIONS; i++)
		if (l->s[i].used)
			session_close(&l->s[i]);
	free(l->dir);
	memset(l, 0, sizeof(*l));
}

static uint64_t line_hash(const char *s)
{
	uint64_t h = fnv1a64(FNV1A64_OFFSET, s, strlen(s));

	return h ? h : 1;
}

/* true when the hash was new (and is now remembered). */
static bool seen_insert(struct learn_session *s, uint64_t h)
{
	size_t i;

	if (s->n_seen * 2 >= s->seen_cap) {
		size_t nc = s->seen_cap ? s->seen_cap * 2 : 1024;
		uint64_t *n = calloc(nc, sizeof(*n));

		if (!n)
			return true; /* cannot remember: record it again rather than lose it */
		for (size_t k = 0; k < s->seen_cap; k++) {
			if (!s->seen[k])
				continue;
			for (i = s->seen[k] & (nc - 1); n[i]; i = (i + 1) & (nc - 1))
				;
			n[i] = s->seen[k];
		}
		free(s->seen);
		s->seen = n;
		s->seen_cap = nc;
	}
	for (i = h & (s->seen_cap - 1); s->seen[i]; i = (i + 1) & (s->seen_cap - 1))
		if (s->seen[i] == h)
			return false;
	s->seen[i] = h;
	s->n_seen++;
	return true;
}

static void count_kind(struct learn_session *s, const char *line)
{
	if (strstr(line, "\"kind\":\"exec\""))
		s->n_exec++;
	else if (strstr(line, "\"kind\":\"file\""))
		s->n_file++;
	else if (strstr(line, "\"kind\":\"net\""))
		s->n_net++;
}

struct learn_session *learn_find(struct learn *l, const char *name)
{
	for (size_t i = 0; i < LEARN_MAX_SESSIONS; i++)
		if (l->s[i].used && strcmp(l->s[i].name, name) == 0)
			return &l->s[i];
	return NULL;
}

static struct learn_session *session_new(struct learn *l, const char *name)
{
	for (size_t i = 0; i < LEARN_MAX_SESSIONS; i++)
		if (!l->s[i].used) {
			memset(&l->s[i], 0, sizeof(l->s[i]));
			l->s[i].used = true;
			snprintf(l->s[i].name, sizeof(l->s[i].name), "%s", name);
			return &l->s[i];
		}
	return NULL;
}

/* Forget what the kernel remembers as reported for this slot. */
static void clear_kernel_seen(struct learn *l, uint32_t slot)
{
	int fd = engine_map_fd(l->engine, "learn_seen");
	struct enf_learn_key cur, next;
	bool have = false;

	if (fd < 0)
		return;
	/* Delete a key only after its successor is known: iteration goes on from there. */
	while (bpf_map_get_next_key(fd, have ? &cur : NULL, &next) == 0) {
		if (have && cur.slot == slot)
			bpf_map_delete_elem(fd, &cur);
		cur = next;
		have = true;
	}
	if (have && cur.slot == slot)
		bpf_map_delete_elem(fd, &cur);
}

int learn_synthesize(const char *name, struct bundle **ret_bundle, char *msg, size_t size)
{
	struct policy_profile *p = NULL;
	struct policy_error err = { .text = "" };
	json_t *doc;
	_cleanup_free_ char *text = NULL;
	int r;

	/* Every section present with default allow: learning never denies anyway (learn.bpf.c). */
	doc = json_pack("{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s}}", "name", name, "mode", "audit",
			"exec", "default", "allow", "file", "default", "allow", "network", "default", "allow");
	text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (!text)
		return -ENOMEM;
	r = policy_parse_buffer(text, strlen(text), "learn", &p, &err);
	if (r == 0)
		r = policy_compile(p, ret_bundle, &err);
	policy_profile_free(p);
	if (r < 0) {
		snprintf(msg, size, "cannot make a learning profile named '%s': %s", name,
			 err.text[0] ? err.text : strerror(-r));
		return r;
	}
	(*ret_bundle)->mode = ENF_MODE_LEARN;
	return 0;
}

static int session_open_file(struct learn *l, struct learn_session *s, bool truncate, char *msg, size_t size)
{
	char path[4200];
	_cleanup_close_ int fd = -1;

	session_path(l, s->name, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0600);
	if (fd < 0) {
		snprintf(msg, size, "cannot open the observations file %s: %s", path, strerror(errno));
		return -errno;
	}
	s->f = fdopen(fd, "a");
	if (!s->f) {
		snprintf(msg, size, "cannot open the observations file %s: %s", path, strerror(errno));
		return -errno;
	}
	TAKE_FD(fd);
	return 0;
}

int learn_begin(struct learn *l, const struct profile *p, bool synthesized, char *msg, size_t size)
{
	struct learn_session *s = learn_find(l, p->bundle->name);
	int r;

	if (s)
		return 0; /* learning again after a pause: keep what was learnt */
	s = session_new(l, p->bundle->name);
	if (!s) {
		snprintf(msg, size, "too many learn sessions (at most %d): stop one with 'enforcerctl learn stop'",
			 LEARN_MAX_SESSIONS);
		return -ENOSPC;
	}
	s->synthesized = synthesized;
	s->slot = p->slot;
	r = session_open_file(l, s, true, msg, size);
	if (r < 0) {
		session_close(s);
		return r;
	}
	fprintf(s->f, "{\"kind\":\"session\",\"profile\":\"%s\",\"synthesized\":%s}\n", s->name,
		synthesized ? "true" : "false");
	fflush(s->f);
	clear_kernel_seen(l, p->slot);
	log_info("learning: profile '%s' records what its tasks do (%s)", s->name,
		 synthesized ? "made by 'learn start'" : "its rules are not enforced meanwhile");
	return 0;
}

void learn_end(struct learn *l, struct learn_session *s)
{
	char path[4200];

	clear_kernel_seen(l, s->slot);
	session_path(l, s->name, path, sizeof(path));
	if (unlink(path) < 0 && errno != ENOENT)
		log_warn("cannot remove %s: %m", path);
	session_close(s);
}

int learn_start(struct learn *l, struct selectors *sel, const char *name, const char *cgroup,
		const struct attachment **ret_att, char *msg, size_t size)
{
	struct bundle *b = NULL;
	struct profile *p;
	bool replaced;
	char ignore[256];
	int r;

	r = learn_synthesize(name, &b, msg, size);
	if (r < 0)
		return r;
	r = profiles_load(l->profiles, b, &p, &replaced, msg, size);
	if (r < 0) {
		bundle_free(b);
		return r;
	}
	/* The session exists before any task can be governed: nothing it does is missed. */
	r = learn_begin(l, p, true, msg, size);
	if (r == 0)
		r = selectors_attach_path(sel, name, cgroup, ret_att, msg, size);
	if (r < 0) {
		if (learn_find(l, name))
			learn_end(l, learn_find(l, name));
		profiles_unload(l->profiles, name, true, ignore, sizeof(ignore));
	}
	return r;
}

int learn_stop(struct learn *l, struct learn_session *s, char *msg, size_t size)
{
	char name[ENF_PROFILE_NAME_MAX];
	bool synthesized = s->synthesized;
	struct profile *p;
	int r;

	snprintf(name, sizeof(name), "%s", s->name);
	learn_end(l, s);
	if (synthesized) {
		r = profiles_unload(l->profiles, name, true, msg, size);
		if (r < 0)
			return r;
		log_info("learning: stopped; profile '%s' unloaded", name);
		return 0;
	}
	p = profiles_find(l->profiles, name);
	/* Back to a mode that changes nothing for the workload: audit. */
	if (p && p->mode == ENF_MODE_LEARN)
		(void)profiles_set_mode(l->profiles, name, ENF_MODE_AUDIT, msg, size);
	log_info("learning: stopped; profile '%s' is in %s mode", name, p ? enf_mode_name(p->mode) : "no");
	return 0;
}

/* Add one observation line: deduplicated, bounded, appended to the file. */
static void session_add(struct learn_session *s, const char *line)
{
	if (s->n_seen >= LEARN_MAX_OBSERVATIONS) {
		s->n_overflow++;
		return;
	}
	if (!seen_insert(s, line_hash(line)))
		return;
	count_kind(s, line);
	if (s->f && (fprintf(s->f, "%s\n", line) < 0 || fflush(s->f) != 0))
		s->n_write_errors++;
}

void learn_resume(struct learn *l)
{
	char msg[512];

	for (size_t i = 0; i < ENF_MAX_PROFILES; i++) {
		struct profile *p = &l->profiles->slots[i];
		char path[4200], *line = NULL;
		size_t cap = 0;
		FILE *in;
		struct learn_session *s;

		if (!p->used || p->mode != ENF_MODE_LEARN || learn_find(l, p->bundle->name))
			continue;
		s = session_new(l, p->bundle->name);
		if (!s)
			break;
		s->slot = p->slot;
		session_path(l, s->name, path, sizeof(path));
		in = fopen(path, "re");
		if (in) {
			ssize_t n;
			off_t good = 0;

			while ((n = getline(&line, &cap, in)) > 0) {
				if (line[n - 1] != '\n') {
					/* A line torn by a crash mid-write: drop it, so the file stays readable. */
					log_warn("learning '%s': dropped a torn last line of %s", s->name, path);
					if (truncate(path, good) < 0)
						log_warn("cannot truncate %s: %m", path);
					break;
				}
				good += n;
				line[n - 1] = 0;
				if (strstr(line, "\"kind\":\"session\"")) {
					s->synthesized = strstr(line, "\"synthesized\":true") != NULL;
					continue;
				}
				if (seen_insert(s, line_hash(line)))
					count_kind(s, line);
			}
			free(line);
			fclose(in);
		}
		if (session_open_file(l, s, false, msg, sizeof(msg)) < 0)
			log_warn("learning '%s': %s; observations are kept in memory only", s->name, msg);
		if (!in && s->f) {
			fprintf(s->f, "{\"kind\":\"session\",\"profile\":\"%s\",\"synthesized\":false}\n", s->name);
			fflush(s->f);
		}
		log_info("learning: resumed the session of '%s' (%zu observations)", s->name, s->n_seen);
	}
}

/* The socket operation in the words of the audit log's records (audit_net.c). */
static json_t *net_observation(const struct enf_event *ev)
{
	json_t *o;

	if (!enf_net_op_name(ev->net_op))
		return NULL; /* not an op of the vocabulary: nothing a rule could allow */
	o = json_pack("{s:s}", "kind", "net");
	if (o)
		audit_net_fields(o, ev);
	return o;
}

static json_t *path_observation(const struct enf_event *ev)
{
	/* A name that is not UTF-8 comes out escaped: say so, the generator cannot name it. */
	json_t *probe = json_stringn(ev->path, strnlen(ev->path, sizeof(ev->path)));
	bool escaped = !probe;
	json_t *o, *path = json_kstring(ev->path, sizeof(ev->path));
	uint32_t mask = ev->access_class;

	json_decref(probe);

	if (!path)
		return NULL;
	if (mask & (1u << ENF_CLASS_EXEC)) {
		o = json_pack("{s:s, s:o}", "kind", "exec", "path", path);
		if (o && (ev->flags & ENF_EVENT_FILELESS))
			json_object_set_new(o, "fileless", json_true());
	} else {
		json_t *acc = json_array();

		for (int c = 0; c < ENF_CLASS_COUNT; c++)
			if (mask & (1u << c))
				json_array_append_new(acc, json_string(enf_class_name(c)));
		o = json_pack("{s:s, s:o, s:o}", "kind", "file", "access", acc, "path", path);
	}
	if (o && (ev->flags & ENF_EVENT_PATH_TRUNCATED))
		json_object_set_new(o, "path_truncated", json_true());
	if (o && escaped)
		json_object_set_new(o, "path_escaped", json_true());
	return o;
}

void learn_on_record(void *ctx, const struct enf_event *ev)
{
	struct learn *l = ctx;
	const struct profile *p = ev->slot < ENF_MAX_PROFILES ? &l->profiles->slots[ev->slot] : NULL;
	_cleanup_free_ char *line = NULL;
	struct learn_session *s;
	json_t *o;

	if (!p || !p->used || !p->bundle)
		return;
	s = learn_find(l, p->bundle->name);
	if (!s)
		return; /* learning ended while the record was queued */
	o = audit_is_net_hook(ev->hook) ? net_observation(ev) : path_observation(ev);
	if (!o)
		return;
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (line)
		session_add(s, line);
}

json_t *learn_session_json(const struct learn_session *s)
{
	return json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I}", "profile", s->name,
			 "synthesized", s->synthesized, "observations", (json_int_t)s->n_seen,
			 "exec", (json_int_t)s->n_exec, "file", (json_int_t)s->n_file, "net", (json_int_t)s->n_net,
			 "overflow", (json_int_t)s->n_overflow, "write_errors", (json_int_t)s->n_write_errors);
}

int learn_profile(struct learn *l, struct learn_session *s, const struct generate_options *o,
		  char **ret_text, char **ret_warnings, char *msg, size_t size)
{
	char path[4200];
	FILE *in;
	int r;

	if (s->f)
		fflush(s->f);
	session_path(l, s->name, path, sizeof(path));
	in = fopen(path, "re");
	if (!in) {
		snprintf(msg, size, "cannot read the observations of '%s' (%s): %s", s->name, path, strerror(errno));
		return -errno;
	}
	r = generate_from_stream(in, path, o, ret_text, ret_warnings, msg, size);
	fclose(in);
	if (r == 0 && s->n_overflow) {
		char note[256], *w;

		snprintf(note, sizeof(note), "incomplete: %llu observations beyond the session limit of %d were "
			 "not kept; the profile will deny them\n", s->n_overflow, LEARN_MAX_OBSERVATIONS);
		if (asprintf(&w, "%s%s", note, *ret_warnings ? *ret_warnings : "") >= 0) {
			free(*ret_warnings);
			*ret_warnings = w;
		}
	}
	return r;
}
