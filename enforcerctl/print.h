/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * enforcerctl's printers: the daemon's answers for people (--json prints
 * the answer itself). A missing string prints as "" (str_of), never as a
 * NULL handed to %s.
 */
#ifndef ENFORCERCTL_PRINT_H
#define ENFORCERCTL_PRINT_H

#include <jansson.h>

#include "enforcerctl.h"

/* A string value, or "" when it is missing or not a string: safe for %s. */
const char *str_val(json_t *v);
const char *str_of(json_t *o, const char *key);
long long int_of(json_t *o, const char *key);
void human_list(json_t *reply);
void human_show(json_t *reply);
void human_stats(json_t *reply);
void human_rule(json_t *reply);
void human_status(json_t *reply);
void human_load(json_t *reply);
void human_attach(json_t *reply);
void human_which(json_t *reply);
void human_reload(json_t *reply);
void human_mode(json_t *reply);

void print_event(const struct ctl *ctl, json_t *ev);
void human_learn_status(json_t *reply);
void human_learn_start(json_t *reply);

void human_report(json_t *rep);
void human_promote(json_t *reply);

#endif /* ENFORCERCTL_PRINT_H */
