/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Learn sessions in the daemon (docs/learn.md).
 *
 * A profile in learn mode has a session: the observations its tasks made,
 * as the kernel reported them (each once, lsm-progs/learn.bpf.c), kept as
 * JSON lines in STATE_DIR/learn-NAME.jsonl (appended as they arrive, so a
 * restarted daemon resumes the session) and deduplicated again here by a
 * hash of the line. A session holds at most LEARN_MAX_OBSERVATIONS; later
 * ones are counted as overflow, and the generated profile says it is
 * incomplete. The same file is what `policyc generate` reads.
 */
#ifndef ENFORCER_LEARN_H
#define ENFORCER_LEARN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "bundle.h"
#include "generate.h"
#include "profiles.h"

#define LEARN_MAX_SESSIONS     64
#define LEARN_MAX_OBSERVATIONS 65536

struct learn_session {
	bool used;
	char name[ENF_PROFILE_NAME_MAX];
	uint32_t slot;             /* the profile's slot: the kernel's learn_seen keys */
	bool synthesized;          /* made by `learn start`: `learn stop` unloads it */
	FILE *f;                   /* the observations file, appended */
	uint64_t *seen;            /* open addressing over line hashes; 0 = empty */
	size_t seen_cap, n_seen;
	unsigned long long n_exec, n_file, n_net, n_overflow, n_write_errors;
};

struct learn {
	char *dir;                 /* the state directory */
	struct profiles *profiles;
	struct engine *engine;
	struct learn_session s[LEARN_MAX_SESSIONS];
};

int learn_init(struct learn *l, const char *state_dir, struct profiles *ps, struct engine *e);
void learn_free(struct learn *l);

/* After state restore: resume the session of every profile in learn mode. */
void learn_resume(struct learn *l);

/*
 * A profile that allows everything, in learn mode, named `name`, for
 * `learn start`. 0 or -errno with msg.
 */
int learn_synthesize(const char *name, struct bundle **ret_bundle, char *msg, size_t size);

/*
 * Start (or continue, when one exists) the session of profile p, which is
 * in learn mode: a new session starts with no observations, in the kernel
 * as here. 0 or -errno with msg.
 */
int learn_begin(struct learn *l, const struct profile *p, bool synthesized, char *msg, size_t size);

struct learn_session *learn_find(struct learn *l, const char *name);

/* End a session: forget its observations (file and kernel). */
void learn_end(struct learn *l, struct learn_session *s);

struct selectors;
struct attachment;

/*
 * `learn start`: a synthesized profile that allows everything, its session,
 * then its attachment to CGROUP, all or nothing: on failure what was made is
 * undone and MSG says why. *ret_att: the attachment made.
 */
int learn_start(struct learn *l, struct selectors *sel, const char *name, const char *cgroup,
		const struct attachment **ret_att, char *msg, size_t size);

/*
 * `learn stop`: the session ends (S is gone after); a synthesized profile is
 * unloaded, a profile learning under its own name goes back to audit mode.
 */
int learn_stop(struct learn *l, struct learn_session *s, char *msg, size_t size);

/* A learn record from the ring buffer (audit.c hands them over). */
void learn_on_record(void *ctx, const struct enf_event *ev);

/* {"profile", "observations", "exec", "file", "net", "overflow", ...} */
json_t *learn_session_json(const struct learn_session *s);

/* The generated profile of a session. 0 or -errno with msg. */
int learn_profile(struct learn *l, struct learn_session *s, const struct generate_options *o,
		  char **ret_text, char **ret_warnings, char *msg, size_t size);

#endif /* ENFORCER_LEARN_H */
