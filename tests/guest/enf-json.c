// SPDX-License-Identifier: GPL-2.0-only
/*
 * enf-json: print one value of a JSON document read from standard input,
 * for guest tests (the initramfs has no jq or Python).
 *
 *   enf-json KEY[.KEY...] < FILE
 *
 * Strings print without quotes, numbers and booleans as JSON, null as
 * "null"; objects and arrays print as compact JSON. Exit 0 when the value
 * exists, 1 when a key on the way is missing or not an object, 2 when the
 * input is not JSON or on usage errors.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	json_error_t err;
	json_t *root, *v;
	char *path, *key, *save = NULL;

	if (argc != 2 || !argv[1][0]) {
		fprintf(stderr, "usage: enf-json KEY[.KEY...] < FILE\n");
		return 2;
	}
	root = json_loadf(stdin, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		fprintf(stderr, "enf-json: <stdin>:%d:%d: %s\n", err.line, err.column, err.text);
		return 2;
	}
	path = strdup(argv[1]);
	if (!path)
		return 2;
	v = root;
	for (key = strtok_r(path, ".", &save); key; key = strtok_r(NULL, ".", &save)) {
		v = json_is_object(v) ? json_object_get(v, key) : NULL;
		if (!v) {
			fprintf(stderr, "enf-json: no key '%s' on the way to '%s'\n", key, argv[1]);
			return 1;
		}
	}
	if (json_is_string(v)) {
		puts(json_string_value(v));
	} else {
		char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

		if (!text)
			return 2;
		puts(text);
		free(text);
	}
	free(path);
	json_decref(root);
	return 0;
}
