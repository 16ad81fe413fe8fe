// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: common/workload.c, which reads what a pod's author or a
 * container's cgroup name can steer: workload selectors from attachment
 * files and the control socket, and OCI annotations.
 *
 * The input up to its first NUL is a selector spec; what follows is an
 * annotations object (JSON) for a CRI-O container of a fixed pod.
 * Invariants, beyond no crash or sanitizer report:
 *  - parse returns 0 or -EINVAL; on 0 its canonical text parses again to
 *    the same canonical text (one name per selector in the registry);
 *  - annotate returns 0 or -EPERM; on -EPERM nothing was taken; every name
 *    it takes is non-empty, within its bound and free of control characters;
 *  - a selector never matches a sandbox, a monitor or a non-container.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload.h"

#define CRIO_PATH "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0a1b2c3d_4e5f_6a7b_8c9d_0e1f2a3b4c5d.slice/crio-4c0f1a3e5b2d4f6a8c9e0b1d2f3a4c5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c.scope"

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_workload: invariant broken: %s\n", what);
		abort();
	}
}

static bool clean(const char *s, size_t max)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return n <= max;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = strnlen((const char *)data, size);
	char *spec = malloc(n + 1), text[WORKLOAD_SELECTOR_MAX + 64], again[WORKLOAD_SELECTOR_MAX + 64], msg[512];
	struct workload_selector s = { 0 }, s2 = { 0 };
	struct workload w = { 0 };
	json_t *annotations = NULL;
	bool parsed = false;
	int r;

	if (!spec)
		return 0;
	memcpy(spec, data, n);
	spec[n] = 0;
	r = workload_selector_parse(spec, &s, msg, sizeof(msg));
	check(r == 0 || r == -EINVAL || r == -ENOMEM, "parse returns 0 or -EINVAL");
	if (r == 0) {
		parsed = true;
		check(workload_selector_format(&s, text, sizeof(text)) == 0, "a parsed selector formats");
		check(workload_selector_parse(text, &s2, msg, sizeof(msg)) == 0, "its canonical text parses");
		check(workload_selector_format(&s2, again, sizeof(again)) == 0 && strcmp(text, again) == 0,
		      "the canonical text is a fixed point");
		workload_selector_free(&s2);
	}

	if (workload_id_from_cgroup(CRIO_PATH, &w.id) == 0 && n < size) {
		annotations = json_loadb((const char *)data + n + 1, size - n - 1, 0, NULL);
		r = workload_annotate(&w, annotations, msg, sizeof(msg));
		check(r == 0 || r == -EPERM, "annotate returns 0 or -EPERM");
		if (r < 0)
			check(!w.annotated && !w.container[0] && !w.pod[0] && !w.namespace[0] && !w.image[0],
			      "refused annotations leave nothing");
		check(clean(w.container, WORKLOAD_NAME_MAX) && clean(w.pod, WORKLOAD_NAME_MAX) &&
			      clean(w.namespace, WORKLOAD_NAME_MAX) && clean(w.image, WORKLOAD_IMAGE_MAX),
		      "names are bounded and printable");
		if (parsed) {
			struct workload sandbox = w, none = { 0 };

			sandbox.sandbox = true;
			check(!workload_selector_match(&s, &sandbox), "a sandbox never matches");
			check(!workload_selector_match(&s, &none), "a non-container never matches");
			(void)workload_selector_match(&s, &w);
			workload_selector_explain(&s, &w, msg, sizeof(msg));
		}
		json_decref(annotations);
	}
	workload_selector_free(&s);
	free(spec);
	return 0;
}
