// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics_prometheus.h"
#include "util.h"

void metrics_add(json_t *arr, const char *name, const char *type, const char *help, unsigned long long value,
		 json_t *labels)
{
	json_t *m = json_pack("{s:s, s:s, s:s, s:I}", "name", name, "type", type, "help", help,
			      "value", (json_int_t)value);

	if (m && labels)
		json_object_set_new(m, "labels", labels);
	else
		json_decref(labels);
	json_array_append_new(arr, m);
}

/* Help text: backslash and newline escaped. Label values: also the double quote. */
static void put_escaped(FILE *f, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '"' && quote)
			fputs("\\\"", f);
		else
			fputc(*s, f);
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void put_sample(FILE *f, const char *name, json_t *m)
{
	json_t *labels = json_object_get(m, "labels");
	const char *keys[32];
	size_t n = 0;
	const char *k;
	json_t *v;

	fputs(name, f);
	json_object_foreach(labels, k, v)
		if (n < ARRAY_SIZE(keys) && json_is_string(v))
			keys[n++] = k;
	if (n) {
		qsort(keys, n, sizeof(keys[0]), by_name);
		fputc('{', f);
		for (size_t i = 0; i < n; i++) {
			fprintf(f, "%s%s=\"", i ? "," : "", keys[i]);
			put_escaped(f, json_string_value(json_object_get(labels, keys[i])), true);
			fputc('"', f);
		}
		fputc('}', f);
	}
	fprintf(f, " %lld\n", (long long)json_integer_value(json_object_get(m, "value")));
}

int metrics_render_prometheus(json_t *metrics, char **ret_text, size_t *ret_len)
{
	size_t n = json_array_size(metrics);
	_cleanup_free_ bool *done = calloc(n ? n : 1, sizeof(*done));
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (!done)
		return -ENOMEM;
	f = open_memstream(&text, &len);
	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		json_t *m = json_array_get(metrics, i);
		const char *name = json_string_value(json_object_get(m, "name"));

		if (done[i] || !name)
			continue;
		fprintf(f, "# HELP %s ", name);
		put_escaped(f, json_string_value(json_object_get(m, "help")) ?: "", false);
		fprintf(f, "\n# TYPE %s %s\n", name, json_string_value(json_object_get(m, "type")) ?: "untyped");
		/* Every later sample of this name goes here: a name's samples must not be split. */
		for (size_t j = i; j < n; j++) {
			json_t *o = json_array_get(metrics, j);
			const char *other = json_string_value(json_object_get(o, "name"));

			if (!done[j] && other && strcmp(other, name) == 0) {
				put_sample(f, name, o);
				done[j] = true;
			}
		}
	}
	if (fclose(f) != 0 || !text) {
		free(text);
		return -ENOMEM;
	}
	*ret_text = text;
	*ret_len = len;
	return 0;
}
