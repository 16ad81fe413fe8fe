// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "origin.h"

static void entry_free(struct origin_entry *e)
{
	free(e->key);
	free(e->declared);
	free(e->unit);
}

void origins_free(struct origins *o)
{
	for (size_t i = 0; i < o->n; i++)
		entry_free(&o->v[i]);
	free(o->v);
	o->v = NULL;
	o->n = 0;
}

static struct origin_entry *find(const struct origins *o, enum origin_kind kind, const char *key)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].kind == kind && strcmp(o->v[i].key, key) == 0)
			return &o->v[i];
	return NULL;
}

const struct origin_entry *origin_find(const struct origins *o, enum origin_kind kind, const char *key)
{
	return find(o, kind, key);
}

const char *origin_declared(const struct origins *o, enum origin_kind kind, const char *key)
{
	const struct origin_entry *e = find(o, kind, key);

	return e ? e->declared : NULL;
}

const struct origin_entry *origin_find_unit(const struct origins *o, const char *unit)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].kind == ORIGIN_PATH && o->v[i].unit && strcmp(o->v[i].unit, unit) == 0)
			return &o->v[i];
	return NULL;
}

static void remove_at(struct origins *o, size_t i)
{
	entry_free(&o->v[i]);
	o->v[i] = o->v[--o->n];
}

void origin_forget(struct origins *o, enum origin_kind kind, const char *key)
{
	struct origin_entry *e = find(o, kind, key);

	if (e)
		remove_at(o, (size_t)(e - o->v));
}

int origin_set(struct origins *o, enum origin_kind kind, const char *key, const char *declared, const char *unit)
{
	struct origin_entry n = { .kind = kind }, *e;

	if (!declared && !unit) {
		origin_forget(o, kind, key);
		return 0;
	}
	n.key = strdup(key);
	n.declared = declared ? strdup(declared) : NULL;
	n.unit = unit ? strdup(unit) : NULL;
	if (!n.key || (declared && !n.declared) || (unit && !n.unit)) {
		entry_free(&n);
		return -ENOMEM;
	}
	e = find(o, kind, key);
	if (!e) {
		struct origin_entry *v = realloc(o->v, (o->n + 1) * sizeof(*v));

		if (!v) {
			entry_free(&n);
			return -ENOMEM;
		}
		o->v = v;
		e = &o->v[o->n++];
	} else {
		entry_free(e);
	}
	*e = n;
	return 0;
}

static bool path_exists(const struct profiles *ps, const struct selectors *sel, const char *path)
{
	for (size_t i = 0; i < ps->n_att; i++)
		if (!ps->att[i].via && strcmp(ps->att[i].cgroup, path) == 0)
			return true;
	for (size_t i = 0; i < sel->n_pend; i++)
		if (strcmp(sel->pend[i].cgroup, path) == 0)
			return true;
	return false;
}

void origins_prune(struct origins *o, const struct profiles *ps, const struct selectors *sel)
{
	for (size_t i = o->n; i-- > 0;)
		if (!o->v[i].declared && o->v[i].kind == ORIGIN_PATH && !path_exists(ps, sel, o->v[i].key))
			remove_at(o, i);
}

const char *origin_kind_name(enum origin_kind kind)
{
	return kind == ORIGIN_PROFILE ? "profile" : kind == ORIGIN_PATH ? "attachment" : "selector";
}
