/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The tags of the daemon's one epoll set (epoll_event.data.u64), every
 * source's in one place so no two can collide: enforcerd.c's loop reads
 * them, control.c and metrics_http.c add their sockets with them. A client
 * socket's tag is its range's base plus its slot.
 */
#ifndef ENFORCER_EPOLL_TAGS_H
#define ENFORCER_EPOLL_TAGS_H

#include "control.h"
#include "metrics_http.h"

enum epoll_tag {
	CONTROL_TAG_LISTEN = 1,      /* the control socket */
	TAG_SIGNAL         = 2,      /* the signalfd */
	TAG_EVENTS         = 3,      /* the events ring buffer */
	TAG_CGROUPS        = 4,      /* cgroup creation (selectors) */
	METRICS_TAG_LISTEN = 10,     /* the --metrics-listen socket */
	METRICS_TAG_CLIENT = 100,    /* + slot: a metrics client */
	CONTROL_TAG_CLIENT = 1000,   /* + slot: a control client */
};

_Static_assert(METRICS_TAG_CLIENT + METRICS_HTTP_MAX_CLIENTS <= CONTROL_TAG_CLIENT,
	       "metrics client tags run into the control clients'");

#endif /* ENFORCER_EPOLL_TAGS_H */
