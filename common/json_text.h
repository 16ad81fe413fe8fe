/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Bytes as a JSON string, whatever they hold: text from the kernel (paths,
 * comm), from the file system, or a message cut short by a buffer (a UTF-8
 * character split in two). jansson refuses a string that is not UTF-8, and
 * a json_pack() given one fails as a whole: an event without its path, an
 * answer never sent.
 */
#ifndef ENFORCER_JSON_TEXT_H
#define ENFORCER_JSON_TEXT_H

#include <jansson.h>
#include <stddef.h>

/*
 * s (up to a NUL, at most max bytes) as a JSON string; when it is not UTF-8,
 * every byte above 0x7f as "\\xNN". NULL only on ENOMEM.
 */
json_t *json_kstring(const char *s, size_t max);

#endif /* ENFORCER_JSON_TEXT_H */
