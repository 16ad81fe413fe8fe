// SPDX-License-Identifier: GPL-2.0-only
/*
 * enf-schema-check: validate JSON lines (the audit log) against a JSON
 * Schema file (docs/events.schema.json), in the guest, where there is no
 * Python. Implements the subset of JSON Schema 2020-12 that schema uses,
 * and refuses a schema with any other keyword, so the schema cannot say
 * more than what is checked:
 *   $ref (to "#/$defs/NAME"), type, enum, const, properties, required,
 *   additionalProperties, minimum, maximum, pattern (POSIX extended
 *   regular expressions), minLength, maxLength, anyOf, oneOf, allOf
 * and the annotations $schema, $id, $defs, title, description, $comment.
 *
 *   enf-schema-check SCHEMA [FILE]     (FILE: JSON lines; default stdin)
 *
 * Prints one line per invalid record ("invalid record N: PATH: WHY") and a
 * last line "N records, N valid, N invalid". Exit 0 when there was at
 * least one record and all were valid, 1 otherwise, 2 on usage or schema
 * errors.
 */
#include <jansson.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *root_schema;

static const char *const known[] = {
	"$ref", "type", "enum", "const", "properties", "required", "additionalProperties", "minimum",
	"maximum", "pattern", "minLength", "maxLength", "anyOf", "oneOf", "allOf",
	"$schema", "$id", "$defs", "title", "description", "$comment",
};

/* A schema keyword this program does not implement: refuse the schema. */
static int check_keywords(json_t *schema, const char *where)
{
	const char *k;
	json_t *v;

	if (json_is_boolean(schema))
		return 0;
	if (!json_is_object(schema)) {
		fprintf(stderr, "enf-schema-check: %s: a schema must be an object or a boolean\n", where);
		return -1;
	}
	json_object_foreach(schema, k, v) {
		size_t i;

		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strcmp(k, known[i]) == 0)
				break;
		if (i == sizeof(known) / sizeof(known[0])) {
			fprintf(stderr, "enf-schema-check: %s: keyword '%s' is not supported\n", where, k);
			return -1;
		}
		if (strcmp(k, "properties") == 0 || strcmp(k, "$defs") == 0) {
			const char *pk;
			json_t *pv;

			json_object_foreach(v, pk, pv)
				if (check_keywords(pv, pk) < 0)
					return -1;
		} else if (strcmp(k, "anyOf") == 0 || strcmp(k, "oneOf") == 0 || strcmp(k, "allOf") == 0) {
			size_t i2;
			json_t *s;

			json_array_foreach(v, i2, s)
				if (check_keywords(s, k) < 0)
					return -1;
		} else if (strcmp(k, "additionalProperties") == 0 && check_keywords(v, k) < 0) {
			return -1;
		}
	}
	return 0;
}

static char why[2048];

static int invalid(const char *path, const char *fmt, const char *detail)
{
	char d[600];

	snprintf(d, sizeof(d), fmt, detail);
	snprintf(why, sizeof(why), "%s: %s", *path ? path : "(record)", d);
	return 0;
}

static int is_type(json_t *v, const char *t)
{
	if (strcmp(t, "object") == 0) return json_is_object(v);
	if (strcmp(t, "array") == 0) return json_is_array(v);
	if (strcmp(t, "string") == 0) return json_is_string(v);
	if (strcmp(t, "integer") == 0) return json_is_integer(v);
	if (strcmp(t, "number") == 0) return json_is_number(v);
	if (strcmp(t, "boolean") == 0) return json_is_boolean(v);
	if (strcmp(t, "null") == 0) return json_is_null(v);
	return 0;
}

static int validate(json_t *v, json_t *schema, const char *path);

static int validate_all(json_t *v, json_t *arr, const char *path, int *ret_count)
{
	size_t i;
	json_t *s;
	int n = 0;

	json_array_foreach(arr, i, s)
		n += validate(v, s, path);
	*ret_count = n;
	return 0;
}

/* 1 valid, 0 invalid (why[] says where and why). */
static int validate(json_t *v, json_t *schema, const char *path)
{
	json_t *k;

	if (json_is_true(schema))
		return 1;
	if (json_is_false(schema))
		return invalid(path, "%snot allowed here", "");
	if ((k = json_object_get(schema, "$ref"))) {
		const char *ref = json_string_value(k);
		json_t *target = NULL;

		if (ref && strncmp(ref, "#/$defs/", 8) == 0)
			target = json_object_get(json_object_get(root_schema, "$defs"), ref + 8);
		if (!target)
			return invalid(path, "unresolvable $ref %s", ref ? ref : "?");
		if (!validate(v, target, path))
			return 0;
	}
	if ((k = json_object_get(schema, "type"))) {
		int ok = 0;

		if (json_is_string(k)) {
			ok = is_type(v, json_string_value(k));
		} else {
			size_t i;
			json_t *t;

			json_array_foreach(k, i, t)
				ok |= is_type(v, json_string_value(t));
		}
		if (!ok) {
			char *s = json_dumps(k, JSON_ENCODE_ANY);
			int r = invalid(path, "wrong type, expected %s", s ? s : "?");

			free(s);
			return r;
		}
	}
	if ((k = json_object_get(schema, "const")) && !json_equal(v, k))
		return invalid(path, "must be the constant %s", json_string_value(k) ? json_string_value(k) : "(value)");
	if ((k = json_object_get(schema, "enum"))) {
		size_t i;
		json_t *e;
		int ok = 0;

		json_array_foreach(k, i, e)
			ok |= json_equal(v, e);
		if (!ok) {
			char *s = json_dumps(v, JSON_ENCODE_ANY);
			int r = invalid(path, "value %s is not in the enum", s ? s : "?");

			free(s);
			return r;
		}
	}
	if (json_is_number(v)) {
		if ((k = json_object_get(schema, "minimum")) && json_number_value(v) < json_number_value(k))
			return invalid(path, "below the minimum%s", "");
		if ((k = json_object_get(schema, "maximum")) && json_number_value(v) > json_number_value(k))
			return invalid(path, "above the maximum%s", "");
	}
	if (json_is_string(v)) {
		if ((k = json_object_get(schema, "minLength")) &&
		    (json_int_t)json_string_length(v) < json_integer_value(k))
			return invalid(path, "shorter than minLength%s", "");
		if ((k = json_object_get(schema, "maxLength")) &&
		    (json_int_t)json_string_length(v) > json_integer_value(k))
			return invalid(path, "longer than maxLength%s", "");
		if ((k = json_object_get(schema, "pattern"))) {
			regex_t re;
			int m;

			if (regcomp(&re, json_string_value(k), REG_EXTENDED | REG_NOSUB) != 0)
				return invalid(path, "bad pattern %s in the schema", json_string_value(k));
			m = regexec(&re, json_string_value(v), 0, NULL, 0);
			regfree(&re);
			if (m != 0)
				return invalid(path, "does not match the pattern %s", json_string_value(k));
		}
	}
	if (json_is_object(v)) {
		json_t *props = json_object_get(schema, "properties");
		json_t *addl = json_object_get(schema, "additionalProperties");
		const char *key;
		json_t *val;
		size_t i;

		if ((k = json_object_get(schema, "required"))) {
			json_array_foreach(k, i, val)
				if (!json_object_get(v, json_string_value(val)))
					return invalid(path, "required property '%s' is missing", json_string_value(val));
		}
		json_object_foreach(v, key, val) {
			char sub[512];
			json_t *ps = json_object_get(props, key);

			snprintf(sub, sizeof(sub), "%s/%s", path, key);
			if (ps) {
				if (!validate(val, ps, sub))
					return 0;
			} else if (addl && !validate(val, addl, sub)) {
				if (json_is_false(addl))
					return invalid(sub, "property not in the schema%s", "");
				return 0;
			}
		}
	}
	if ((k = json_object_get(schema, "allOf"))) {
		int n;

		validate_all(v, k, path, &n);
		if ((size_t)n != json_array_size(k))
			return 0;
	}
	if ((k = json_object_get(schema, "anyOf"))) {
		int n;

		validate_all(v, k, path, &n);
		if (n == 0)
			return invalid(path, "matches none of anyOf%s", "");
	}
	if ((k = json_object_get(schema, "oneOf"))) {
		char all[sizeof(why)] = "";
		size_t i, o = 0;
		json_t *s;
		int n = 0;

		/* When none matches, every branch's reason: the reader knows which one was meant. */
		json_array_foreach(k, i, s) {
			if (validate(v, s, path))
				n++;
			else if (o < sizeof(all))
				o += (size_t)snprintf(all + o, sizeof(all) - o, " [%zu] %s", i + 1, why);
		}
		if (n != 1) {
			snprintf(why, sizeof(why), "%s: matches %d of oneOf (must be exactly 1)%s%.1500s",
				 *path ? path : "(record)", n, n == 0 ? ":" : "", n == 0 ? all : "");
			return 0;
		}
	}
	return 1;
}

int main(int argc, char **argv)
{
	json_error_t err;
	FILE *in = stdin;
	char *line = NULL;
	size_t cap = 0, n = 0, good = 0, bad = 0;
	ssize_t len;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: enf-schema-check SCHEMA [JSON-LINES-FILE]\n");
		return 2;
	}
	root_schema = json_load_file(argv[1], JSON_REJECT_DUPLICATES, &err);
	if (!root_schema) {
		fprintf(stderr, "enf-schema-check: %s:%d:%d: %s\n", argv[1], err.line, err.column, err.text);
		return 2;
	}
	if (check_keywords(root_schema, argv[1]) < 0)
		return 2;
	if (argc == 3 && !(in = fopen(argv[2], "r"))) {
		perror(argv[2]);
		return 2;
	}
	while ((len = getline(&line, &cap, in)) > 0) {
		json_t *rec;

		if (line[0] == '\n')
			continue;
		n++;
		rec = json_loads(line, JSON_REJECT_DUPLICATES, &err);
		if (!rec) {
			printf("invalid record %zu: not JSON: %s\n", n, err.text);
			bad++;
			continue;
		}
		why[0] = 0;
		if (validate(rec, root_schema, "")) {
			good++;
		} else {
			printf("invalid record %zu: %s\n", n, why);
			bad++;
		}
		json_decref(rec);
	}
	free(line);
	printf("%zu records, %zu valid, %zu invalid\n", n, good, bad);
	return n > 0 && bad == 0 ? 0 : 1;
}
