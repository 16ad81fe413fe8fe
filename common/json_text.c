// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_text.h"
#include "util.h"

json_t *json_kstring(const char *s, size_t max)
{
	size_t len = strnlen(s, max);
	json_t *j = json_stringn(s, len);
	_cleanup_free_ char *esc = NULL;
	size_t o = 0;

	if (j)
		return j;
	esc = malloc(len * 4 + 1);
	if (!esc)
		return json_string("");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80)
			esc[o++] = (char)c;
		else
			o += (size_t)sprintf(esc + o, "\\x%02x", c);
	}
	return json_stringn(esc, o);
}
