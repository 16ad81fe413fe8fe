/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Learn mode (lsm-progs/learn.bpf.c, docs/learn.md): the hooks hand an
 * operation of a task whose profile is in ENF_MODE_LEARN to these instead
 * of matching rules. They record it and never deny. (enf_learn_object()
 * and ENF_DECIDE_LEARN are declared in verdict.bpf.h, beside the decision
 * functions that return it.)
 */
#ifndef ENF_LEARN_BPF_H
#define ENF_LEARN_BPF_H

#include "verdict.bpf.h"

/* Record a socket operation from d->net; has_addr: d->net.addr and port are meaningful. Returns 0. */
extern int enf_learn_net(struct decision *d, __u32 has_addr);

#endif /* ENF_LEARN_BPF_H */
