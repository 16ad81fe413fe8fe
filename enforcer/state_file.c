// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "state_file.h"
#include "util.h"

void state_doc_free(struct state_doc *d)
{
	for (size_t i = 0; i < d->n_profiles; i++) {
		free(d->profiles[i].name);
		free(d->profiles[i].bundle);
		free(d->profiles[i].source);
		free(d->profiles[i].declared);
	}
	for (size_t i = 0; i < d->n_attachments; i++) {
		free(d->attachments[i].profile);
		free(d->attachments[i].cgroup);
		free(d->attachments[i].via);
		free(d->attachments[i].declared);
		free(d->attachments[i].unit);
	}
	for (size_t i = 0; i < d->n_selectors; i++) {
		free(d->selectors[i].profile);
		free(d->selectors[i].glob);
		free(d->selectors[i].declared);
	}
	free(d->profiles);
	free(d->attachments);
	free(d->selectors);
	memset(d, 0, sizeof(*d));
}

/* Room for one more element; capacity is the next power of two at or above the count. */
static int grow(void **arr, size_t n, size_t elem)
{
	void *p;

	if (n != 0 && (n & (n - 1)) != 0)
		return 0;
	p = realloc(*arr, (n ? n * 2 : 1) * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	return 0;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int state_doc_add_profile(struct state_doc *d, const struct state_profile *p)
{
	struct state_profile *n;

	if (grow((void **)&d->profiles, d->n_profiles, sizeof(*d->profiles)) < 0)
		return -ENOMEM;
	n = &d->profiles[d->n_profiles];
	*n = *p;
	n->name = dup_or_null(p->name);
	n->bundle = dup_or_null(p->bundle);
	n->source = dup_or_null(p->source);
	n->declared = dup_or_null(p->declared);
	if (!n->name || !n->bundle || (p->source && !n->source) || (p->declared && !n->declared)) {
		free(n->name);
		free(n->bundle);
		free(n->source);
		free(n->declared);
		return -ENOMEM;
	}
	d->n_profiles++;
	return 0;
}

int state_doc_add_attachment(struct state_doc *d, const struct state_attachment *a)
{
	struct state_attachment *n;

	if (grow((void **)&d->attachments, d->n_attachments, sizeof(*d->attachments)) < 0)
		return -ENOMEM;
	n = &d->attachments[d->n_attachments];
	*n = *a;
	n->profile = dup_or_null(a->profile);
	n->cgroup = dup_or_null(a->cgroup);
	n->via = dup_or_null(a->via);
	n->declared = dup_or_null(a->declared);
	n->unit = dup_or_null(a->unit);
	if (!n->profile || !n->cgroup || (a->via && !n->via) || (a->declared && !n->declared) || (a->unit && !n->unit)) {
		free(n->profile);
		free(n->cgroup);
		free(n->via);
		free(n->declared);
		free(n->unit);
		return -ENOMEM;
	}
	d->n_attachments++;
	return 0;
}

int state_doc_add_selector(struct state_doc *d, const struct state_selector *s)
{
	struct state_selector *n;

	if (grow((void **)&d->selectors, d->n_selectors, sizeof(*d->selectors)) < 0)
		return -ENOMEM;
	n = &d->selectors[d->n_selectors];
	n->profile = dup_or_null(s->profile);
	n->glob = dup_or_null(s->glob);
	n->declared = dup_or_null(s->declared);
	if (!n->profile || !n->glob || (s->declared && !n->declared)) {
		free(n->profile);
		free(n->glob);
		free(n->declared);
		return -ENOMEM;
	}
	d->n_selectors++;
	return 0;
}

static int bad(char *err, size_t err_size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A file name inside the state directory: no directory part, not hidden. */
static bool valid_file_name(const char *s)
{
	return s[0] && s[0] != '.' && !strchr(s, '/') && strlen(s) < 256;
}

static int parse_mode(const char *w, enum enf_mode *ret)
{
	if (strcmp(w, "audit") == 0)
		*ret = ENF_MODE_AUDIT;
	else if (strcmp(w, "enforce") == 0)
		*ret = ENF_MODE_ENFORCE;
	else if (strcmp(w, "learn") == 0)
		*ret = ENF_MODE_LEARN;
	else
		return -EINVAL;
	return 0;
}

static int parse_profiles(json_t *arr, struct state_doc *d, char *err, size_t err_size)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v) {
		struct state_profile p = {};
		const char *name, *mode, *bundle, *source = NULL, *declared = NULL;
		json_int_t slot, instance, generation;
		json_error_t je;

		if (json_unpack_ex(v, &je, JSON_STRICT, "{s:s, s:I, s:I, s:I, s:s, s:s, s?s, s?s}",
				   "name", &name, "slot", &slot, "instance", &instance, "generation", &generation,
				   "mode", &mode, "bundle", &bundle, "source", &source, "declared", &declared) < 0)
			return bad(err, err_size, "profiles[%zu]: %s", i, je.text);
		if (!enf_profile_name_valid(name))
			return bad(err, err_size, "profiles[%zu].name: expected a profile name, found \"%.80s\"", i, name);
		if (slot < 0 || slot >= ENF_MAX_PROFILES)
			return bad(err, err_size, "profiles[%zu].slot: expected 0..%d, found %lld", i, ENF_MAX_PROFILES - 1, (long long)slot);
		if (instance <= 0 || instance > UINT32_MAX)
			return bad(err, err_size, "profiles[%zu].instance: expected 1..%u, found %lld", i, UINT32_MAX, (long long)instance);
		if (generation <= 0)
			return bad(err, err_size, "profiles[%zu].generation: expected a positive number, found %lld", i, (long long)generation);
		if (parse_mode(mode, &p.mode) < 0)
			return bad(err, err_size, "profiles[%zu].mode: expected \"audit\" or \"enforce\", found \"%.20s\"", i, mode);
		if (!valid_file_name(bundle) || (source && !valid_file_name(source)))
			return bad(err, err_size, "profiles[%zu]: bundle and source must be file names in the state directory", i);
		for (size_t k = 0; k < d->n_profiles; k++) {
			if (strcmp(d->profiles[k].name, name) == 0)
				return bad(err, err_size, "profiles[%zu].name: \"%s\" appears twice", i, name);
			if (d->profiles[k].slot == (uint32_t)slot)
				return bad(err, err_size, "profiles[%zu].slot: slot %lld is used twice", i, (long long)slot);
			if (d->profiles[k].instance == (uint32_t)instance)
				return bad(err, err_size, "profiles[%zu].instance: instance %lld is used twice", i, (long long)instance);
		}
		p.name = (char *)name;
		p.slot = (uint32_t)slot;
		p.instance = (uint32_t)instance;
		p.generation = (uint64_t)generation;
		p.bundle = (char *)bundle;
		p.source = (char *)source;
		p.declared = (char *)declared;
		if (state_doc_add_profile(d, &p) < 0)
			return -ENOMEM;
	}
	return 0;
}

static bool has_profile(const struct state_doc *d, const char *name)
{
	for (size_t k = 0; k < d->n_profiles; k++)
		if (strcmp(d->profiles[k].name, name) == 0)
			return true;
	return false;
}

static int parse_attachments(json_t *arr, struct state_doc *d, char *err, size_t err_size)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v) {
		struct state_attachment a = {};
		const char *profile, *cgroup, *via = NULL, *declared = NULL, *unit = NULL;
		json_int_t id = 0;
		json_error_t je;

		if (json_unpack_ex(v, &je, JSON_STRICT, "{s:s, s:s, s?I, s?s, s?s, s?s}", "profile", &profile,
				   "cgroup", &cgroup, "cgroup_id", &id, "via", &via, "declared", &declared,
				   "unit", &unit) < 0)
			return bad(err, err_size, "attachments[%zu]: %s", i, je.text);
		if (!has_profile(d, profile))
			return bad(err, err_size, "attachments[%zu].profile: no profile named \"%.80s\"", i, profile);
		if (cgroup[0] != '/' || strlen(cgroup) >= 4096)
			return bad(err, err_size, "attachments[%zu].cgroup: expected an absolute path", i);
		if (id < 0)
			return bad(err, err_size, "attachments[%zu].cgroup_id: expected a cgroup id, found %lld", i, (long long)id);
		for (size_t k = 0; k < d->n_attachments; k++)
			if (strcmp(d->attachments[k].cgroup, cgroup) == 0)
				return bad(err, err_size, "attachments[%zu].cgroup: %s is attached twice", i, cgroup);
		a.profile = (char *)profile;
		a.cgroup = (char *)cgroup;
		a.cgroup_id = (uint64_t)id;
		a.via = (char *)via;
		a.declared = (char *)declared;
		a.unit = (char *)unit;
		if (state_doc_add_attachment(d, &a) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int parse_selectors(json_t *arr, struct state_doc *d, char *err, size_t err_size)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v) {
		struct state_selector s = {};
		const char *profile, *glob, *declared = NULL;
		json_error_t je;

		if (json_unpack_ex(v, &je, JSON_STRICT, "{s:s, s:s, s?s}", "profile", &profile, "glob", &glob,
				   "declared", &declared) < 0)
			return bad(err, err_size, "selectors[%zu]: %s", i, je.text);
		if (!has_profile(d, profile))
			return bad(err, err_size, "selectors[%zu].profile: no profile named \"%.80s\"", i, profile);
		if (!glob[0] || strlen(glob) >= 4096)
			return bad(err, err_size, "selectors[%zu].glob: expected a non-empty glob", i);
		s.profile = (char *)profile;
		s.glob = (char *)glob;
		s.declared = (char *)declared;
		if (state_doc_add_selector(d, &s) < 0)
			return -ENOMEM;
	}
	return 0;
}

int state_doc_parse(const char *text, size_t len, struct state_doc *ret, char *err, size_t err_size)
{
	struct state_doc d = {};
	json_t *root, *profiles, *attachments, *selectors;
	json_int_t format, abi, next_instance, next_generation;
	json_error_t je;
	int r;

	memset(ret, 0, sizeof(*ret));
	if (len > STATE_FILE_MAX)
		return bad(err, err_size, "%zu bytes, more than the %u MiB a state file may have", len, STATE_FILE_MAX >> 20);
	if (memchr(text, 0, len))
		return bad(err, err_size, "a NUL byte in the text: not a state file");
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return bad(err, err_size, "line %d, column %d: %s", je.line, je.column, je.text);
	if (json_unpack_ex(root, &je, JSON_STRICT, "{s:I, s:I, s:I, s:I, s:o, s:o, s:o}",
			   "format", &format, "abi", &abi, "next_instance", &next_instance,
			   "next_generation", &next_generation, "profiles", &profiles,
			   "attachments", &attachments, "selectors", &selectors) < 0) {
		r = bad(err, err_size, "%s", je.text);
		goto out;
	}
	r = -EINVAL;
	if (format != STATE_FORMAT_VERSION) {
		bad(err, err_size, "format: this enforcerd reads state format %d, found %lld", STATE_FORMAT_VERSION, (long long)format);
		goto out;
	}
	if (abi <= 0 || abi > UINT32_MAX || next_instance <= 0 || next_instance > UINT32_MAX || next_generation <= 0) {
		bad(err, err_size, "abi, next_instance and next_generation must be positive (abi and next_instance at most %u)",
		    UINT32_MAX);
		goto out;
	}
	if (!json_is_array(profiles) || !json_is_array(attachments) || !json_is_array(selectors)) {
		bad(err, err_size, "profiles, attachments and selectors must be arrays");
		goto out;
	}
	if (json_array_size(profiles) > ENF_MAX_PROFILES || json_array_size(attachments) > ENF_MAX_ATTACHMENTS) {
		bad(err, err_size, "more profiles or attachments than the engine can hold");
		goto out;
	}
	d.abi = (unsigned)abi;
	d.next_instance = (uint32_t)next_instance;
	d.next_generation = (uint64_t)next_generation;
	r = parse_profiles(profiles, &d, err, err_size);
	if (r == 0)
		r = parse_attachments(attachments, &d, err, err_size);
	if (r == 0)
		r = parse_selectors(selectors, &d, err, err_size);
	if (r == 0) {
		for (size_t i = 0; i < d.n_profiles; i++) {
			if (d.profiles[i].instance >= d.next_instance || d.profiles[i].generation >= d.next_generation) {
				r = bad(err, err_size, "profiles[%zu]: instance and generation must be below next_instance "
					"and next_generation", i);
				break;
			}
		}
	}
out:
	json_decref(root);
	if (r < 0) {
		state_doc_free(&d);
		return r;
	}
	*ret = d;
	return 0;
}

char *state_doc_format(const struct state_doc *d)
{
	json_t *root, *profiles = json_array(), *attachments = json_array(), *selectors = json_array();
	char *text;

	for (size_t i = 0; i < d->n_profiles; i++) {
		const struct state_profile *p = &d->profiles[i];
		json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:s, s:s}", "name", p->name, "slot", (json_int_t)p->slot,
				      "instance", (json_int_t)p->instance, "generation", (json_int_t)p->generation,
				      "mode", enf_mode_name(p->mode), "bundle", p->bundle);

		if (o && p->source)
			json_object_set_new(o, "source", json_string(p->source));
		if (o && p->declared)
			json_object_set_new(o, "declared", json_string(p->declared));
		json_array_append_new(profiles, o);
	}
	for (size_t i = 0; i < d->n_attachments; i++) {
		const struct state_attachment *a = &d->attachments[i];
		json_t *o = json_pack("{s:s, s:s, s:I}", "profile", a->profile, "cgroup", a->cgroup,
				      "cgroup_id", (json_int_t)a->cgroup_id);

		if (o && a->via)
			json_object_set_new(o, "via", json_string(a->via));
		if (o && a->declared)
			json_object_set_new(o, "declared", json_string(a->declared));
		if (o && a->unit)
			json_object_set_new(o, "unit", json_string(a->unit));
		json_array_append_new(attachments, o);
	}
	for (size_t i = 0; i < d->n_selectors; i++) {
		json_t *o = json_pack("{s:s, s:s}", "profile", d->selectors[i].profile, "glob", d->selectors[i].glob);

		if (o && d->selectors[i].declared)
			json_object_set_new(o, "declared", json_string(d->selectors[i].declared));
		json_array_append_new(selectors, o);
	}
	root = json_pack("{s:i, s:I, s:I, s:I, s:o, s:o, s:o}", "format", STATE_FORMAT_VERSION,
			 "abi", (json_int_t)d->abi, "next_instance", (json_int_t)d->next_instance,
			 "next_generation", (json_int_t)d->next_generation, "profiles", profiles,
			 "attachments", attachments, "selectors", selectors);
	if (!root)
		return NULL;
	text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return text;
}
