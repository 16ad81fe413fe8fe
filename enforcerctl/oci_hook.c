// SPDX-License-Identifier: GPL-2.0-only
/*
 * enforcerctl oci-hook: the OCI runtime hook (stage createRuntime) that
 * podman and CRI-O run from hooks.d (packaging/oci/enforcer.json), and
 * containerd through NRI's hook injector. At createRuntime the container's
 * process exists, sits in its cgroup, and has not run its entrypoint: the
 * daemon attaches what applies to it now (control `container-start`), so
 * the entrypoint's first exec is already decided by its profile, instead of
 * whenever the cgroup watch sees the new cgroup.
 *
 * A non-zero exit makes the runtime refuse to start the container (crun
 * names the hook and its exit code, and drops its output: the reason goes
 * to syslog too). So the hook refuses a container exactly when a profile
 * must govern it and cannot be put in place:
 *  - the daemon answers with an error (the attachment failed);
 *  - the daemon cannot be asked, and a selector (declared in
 *    CONFIG/attachments.d, or live in STATE/state.json) applies to it.
 * Attachments by path need no daemon (the kernel makes them at mkdir), and
 * a container no selector names starts whether or not the daemon runs.
 *
 * Not for rootless runtimes: their hooks run as the user, who may not ask
 * the daemon; such a container is left to the cgroup watch (docs/containers.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "cgroup.h"
#include "enforcerctl.h"
#include "protocol.h"
#include "selector_glob.h"
#include "state_file.h"
#include "util.h"
#include "workload.h"

#define OCI_STATE_MAX     (1u << 20)
#define OCI_HOOK_TIMEOUT  10 /* s: the daemon answers in milliseconds; a hung one must not hang every start */
#define CONFIG_DIR        "/etc/enforcer"     /* enforcerd's defaults; --config-dir, --state-dir as the daemon's */
#define STATE_DIR         "/var/lib/enforcer"

struct container {
	const char *config_dir, *state_dir;
	const char *id;
	int pid;
	json_t *annotations;
	char cgroup[4096];     /* the process's, from the hierarchy's root */
	char own[4096];        /* the container's own cgroup, relative ("machine.slice/libpod-ID.scope") */
	struct workload w;
};

static void timeout_exit(int sig)
{
	static const char text[] = "enforcer: enforcerd did not answer within 10 s: refusing the container\n";

	(void)sig;
	if (write(STDERR_FILENO, text, sizeof(text) - 1) < 0)
		_exit(1);
	_exit(1);
}

/*
 * Refuse the container, saying why on stderr and to syslog: crun prints only
 * "error executing hook ... (exit code: 1)" and drops the hook's output, so
 * the journal is where an administrator finds the reason.
 */
static int refuse(const struct container *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refuse(const struct container *c, const char *fmt, ...)
{
	char why[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	fprintf(stderr, "enforcer: container %.12s: %s\n", c->id ? c->id : "?", why);
	openlog("enforcer-oci-hook", LOG_PID, LOG_DAEMON);
	syslog(LOG_ERR, "container %.12s refused: %s", c->id ? c->id : "?", why);
	closelog();
	return EXIT_REFUSED;
}

/* The OCI state from stdin: id, pid, annotations. 0 or an exit status. */
static int read_state(struct container *c, json_t **ret_root)
{
	json_error_t jerr;
	json_t *root = json_loadf(stdin, JSON_REJECT_DUPLICATES, &jerr);
	json_int_t pid;

	if (!root)
		return refuse(c, "the OCI state on standard input is not JSON (%d:%d: %s): is this run as an OCI hook?",
			      jerr.line, jerr.column, jerr.text);
	if (json_unpack(root, "{s:s, s:I}", "id", &c->id, "pid", &pid) < 0 || pid <= 0 || pid > INT_MAX) {
		json_decref(root);
		return refuse(c, "the OCI state has no id or pid: run this hook at createRuntime (a process must exist)");
	}
	c->pid = (int)pid;
	c->annotations = json_object_get(root, "annotations");
	*ret_root = root;
	return 0;
}

/* Does one selector (its registry name: a glob or workload:SPEC) apply to the container? */
static bool selector_applies(const struct container *c, const char *root, const char *name)
{
	char key[SELECTOR_GLOB_MAX], why[512];
	struct workload_selector ws;
	bool hit;

	if (selector_key_normalise(root, name, key, sizeof(key), why, sizeof(why)) < 0)
		return true; /* what the daemon could not read either: it will refuse to start; so do we */
	if (strncmp(key, WORKLOAD_SELECTOR_PREFIX, sizeof(WORKLOAD_SELECTOR_PREFIX) - 1) != 0)
		return selector_glob_match(key, c->own) || selector_glob_match(key, c->cgroup + 1);
	if (workload_selector_parse(key + sizeof(WORKLOAD_SELECTOR_PREFIX) - 1, &ws, why, sizeof(why)) < 0)
		return true;
	hit = workload_selector_match(&ws, &c->w);
	workload_selector_free(&ws);
	return hit;
}

/* A selector live in the daemon's state that applies, or NULL. */
static const char *state_selector_applies(const struct container *c, const char *root, struct state_doc *doc)
{
	char path[4096], err[512];
	_cleanup_free_ char *text = NULL;
	size_t len;

	snprintf(path, sizeof(path), "%s/state.json", c->state_dir);
	if (read_file_all(path, STATE_FILE_MAX, &text, &len) < 0 || state_doc_parse(text, len, doc, err, sizeof(err)) < 0)
		return NULL;
	for (size_t i = 0; i < doc->n_selectors; i++)
		if (selector_applies(c, root, doc->selectors[i].glob))
			return doc->selectors[i].glob;
	return NULL;
}

/* A declared selector or workload line that applies, written into out as FILE:LINE; false if none. */
static bool declared_selector_applies(const struct container *c, const char *root, char *out, size_t size)
{
	char pattern[4200];
	glob_t g = { 0 };
	bool hit = false;

	snprintf(pattern, sizeof(pattern), "%s/attachments.d/*.conf", c->config_dir);
	if (glob(pattern, 0, NULL, &g) != 0)
		return false;
	for (size_t i = 0; i < g.gl_pathc && !hit; i++) {
		_cleanup_fclose_ FILE *f = fopen(g.gl_pathv[i], "re");
		char line[4096], profile[256], kind[32], target[2048], name[2100];
		int lineno = 0;

		while (f && !hit && fgets(line, sizeof(line), f)) {
			lineno++;
			line[strcspn(line, "#")] = 0;
			if (sscanf(line, "%255s %31s %2047s", profile, kind, target) != 3)
				continue;
			if (strcmp(kind, "selector") == 0)
				snprintf(name, sizeof(name), "%s", target);
			else if (strcmp(kind, "workload") == 0)
				snprintf(name, sizeof(name), "%s%s", WORKLOAD_SELECTOR_PREFIX, target);
			else
				continue;
			if (selector_applies(c, root, name)) {
				snprintf(out, size, "%s:%d (profile %s)", g.gl_pathv[i], lineno, profile);
				hit = true;
			}
		}
	}
	globfree(&g);
	return hit;
}

/* The daemon cannot be asked: refuse the container if a selector says it must be confined. */
static int decide_alone(struct container *c, const char *why_unreachable)
{
	struct state_doc doc = { 0 };
	char root[4096], where[4200];
	const char *live;
	int r = 0;

	if (cgroup2_mount_root(root, sizeof(root)) < 0)
		snprintf(root, sizeof(root), "/sys/fs/cgroup");
	live = state_selector_applies(c, root, &doc);
	if (live)
		r = refuse(c, "selector '%s' must confine it, and enforcerd cannot be asked (%s): start enforcerd "
			   "(systemctl start enforcerd), then start the container again", live, why_unreachable);
	else if (declared_selector_applies(c, root, where, sizeof(where)))
		r = refuse(c, "%s must confine it, and enforcerd cannot be asked (%s): start enforcerd (systemctl "
			   "start enforcerd), then start the container again", where, why_unreachable);
	state_doc_free(&doc);
	return r;
}

int cmd_oci_hook(struct ctl *ctl, int argc, char **argv)
{
	struct container c = { .config_dir = CONFIG_DIR, .state_dir = STATE_DIR };
	json_t *root = NULL, *reply = NULL, *req;
	_cleanup_close_ int sock = -1;
	char msg[512];
	int r;

	for (int i = 0; i < argc; i += 2) {
		if (i + 1 < argc && strcmp(argv[i], "--config-dir") == 0)
			c.config_dir = argv[i + 1];
		else if (i + 1 < argc && strcmp(argv[i], "--state-dir") == 0)
			c.state_dir = argv[i + 1];
		else
			return usage_error("usage: enforcerctl oci-hook [--config-dir DIR] [--state-dir DIR]   (reads the "
					   "OCI state on standard input; the directories are enforcerd's)");
	}
	signal(SIGALRM, timeout_exit);
	alarm(OCI_HOOK_TIMEOUT);
	r = read_state(&c, &root);
	if (r)
		return r;
	/* A rootless runtime runs hooks as its user, who may not ask the daemon and has no selectors of root's. */
	if (geteuid() != 0) {
		json_decref(root);
		return 0;
	}
	r = cgroup_of_pid(c.pid, c.cgroup, sizeof(c.cgroup));
	if (r < 0) {
		r = refuse(&c, "the cgroup of its process %d cannot be read: %s", c.pid, strerror(-r));
		goto out;
	}
	/* Its identity, for deciding alone; the daemon works it out itself. */
	if (workload_id_from_cgroup(c.cgroup, &c.w.id) == 0 && c.w.id.runtime != WORKLOAD_RUNTIME_NONE) {
		snprintf(c.own, sizeof(c.own), "%.*s", (int)c.w.id.container_len, c.cgroup + 1);
		if (workload_annotate(&c.w, c.annotations, msg, sizeof(msg)) < 0 ||
		    workload_podman_fill(&c.w, msg, sizeof(msg)) < 0) {
			r = refuse(&c, "%s", msg);
			goto out;
		}
	} else {
		memcpy(c.own, c.cgroup + 1, strlen(c.cgroup)); /* both PATH_MAX-sized; the '/' dropped */
	}
	r = proto_connect(ctl->socket_path, &sock);
	if (r < 0) {
		char why[600];

		snprintf(why, sizeof(why), "%s: %s", ctl->socket_path, strerror(-r));
		r = decide_alone(&c, why);
		goto out;
	}
	req = json_pack("{s:s, s:I, s:s, s:O?}", "cmd", "container-start", "pid", (json_int_t)c.pid, "id", c.id,
			"annotations", c.annotations);
	r = proto_send(sock, req, -1);
	json_decref(req);
	if (r == 0)
		r = proto_recv(sock, &reply, NULL);
	if (r < 0) {
		r = decide_alone(&c, "no answer from enforcerd");
		goto out;
	}
	if (!json_is_true(json_object_get(reply, "ok"))) {
		r = refuse(&c, "enforcerd refused it: %s",
			   json_string_value(json_object_get(reply, "error")) ?: "(no reason given)");
		goto out;
	}
	if (ctl->json) {
		json_dumpf(reply, stdout, JSON_COMPACT);
		putchar('\n');
	}
	r = 0;
out:
	json_decref(reply);
	json_decref(root);
	return r;
}
