// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "audit.h"
#include "audit_net.h"
#include "log.h"
#include "util.h"

static const char *hook_name(__u32 hook)
{
	if (audit_is_net_hook(hook))
		return audit_net_hook_name(hook);
	switch (hook) {
	case ENF_HOOK_BPRM_CHECK:    return "bprm_check_security";
	case ENF_HOOK_FILE_OPEN:     return "file_open";
	case ENF_HOOK_PATH_TRUNCATE: return "path_truncate";
	case ENF_HOOK_PATH_MKNOD:    return "path_mknod";
	case ENF_HOOK_PATH_MKDIR:    return "path_mkdir";
	case ENF_HOOK_PATH_SYMLINK:  return "path_symlink";
	case ENF_HOOK_PATH_UNLINK:   return "path_unlink";
	case ENF_HOOK_PATH_RMDIR:    return "path_rmdir";
	case ENF_HOOK_PATH_RENAME:   return "path_rename";
	case ENF_HOOK_PATH_LINK:     return "path_link";
	case ENF_HOOK_PATH_CHMOD:    return "path_chmod";
	case ENF_HOOK_PATH_CHOWN:    return "path_chown";
	case ENF_HOOK_INODE_SETATTR: return "inode_setattr";
	case ENF_HOOK_TASK_PRCTL:    return "task_prctl";
	/* self-protection: named after what was refused */
	case ENF_HOOK_SELF_BPF:        return "self:bpf";
	case ENF_HOOK_SELF_KILL:       return "self:signal-daemon";
	case ENF_HOOK_SELF_PTRACE:     return "self:ptrace-daemon";
	case ENF_HOOK_SELF_PERMISSION: return "self:write-protected";
	case ENF_HOOK_SELF_UNLINK:     return "self:unlink-protected";
	case ENF_HOOK_SELF_RENAME:     return "self:rename-protected";
	case ENF_HOOK_SELF_OPEN:       return "self:open-protected";
	case ENF_HOOK_SELF_UMOUNT:     return "self:umount";
	case ENF_HOOK_SELF_MOUNT:      return "self:mount-over";
	case ENF_HOOK_SELF_CONNECT:    return "self:connect-control";
	}
	return "unknown";
}

static const char *verdict_name(__u32 v)
{
	switch (v) {
	case ENF_VERDICT_ALLOW:      return "allow";
	case ENF_VERDICT_DENY:       return "deny";
	case ENF_VERDICT_WOULD_DENY: return "would-deny";
	case ENF_VERDICT_AUDIT:      return "audit";
	}
	return "unknown";
}

static const char *reason_name(__u32 r)
{
	switch (r) {
	case ENF_REASON_RULE:        return "rule";
	case ENF_REASON_DEFAULT:     return "default";
	case ENF_REASON_UNRESOLVED:  return "unresolved";
	case ENF_REASON_NO_INSTANCE: return "no-instance";
	case ENF_REASON_GUARD:       return "guarded-move";
	case ENF_REASON_FILELESS:    return "fileless";
	case ENF_REASON_SELF:        return "self-protection";
	}
	return "unknown";
}

static void format_time(long long ns, char *buf, size_t size)
{
	time_t sec = (time_t)(ns / 1000000000LL);
	struct tm tm;
	size_t n;

	gmtime_r(&sec, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%06lldZ", (ns % 1000000000LL) / 1000);
}

/*
 * A kernel string (file names are bytes, not UTF-8) as a JSON string:
 * valid UTF-8 passes through, otherwise bytes >= 0x80 are written as
 * "\\xNN" so the log line stays valid JSON and nothing is lost.
 */
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

static int handle_event(void *ctx, void *data, size_t size)
{
	struct audit *a = ctx;
	const struct enf_event *ev = data;
	const struct bundle *b;
	const struct bundle_rule *rule = NULL;
	_cleanup_free_ char *line = NULL;
	char when[64], rule_id[16];
	json_t *o;

	if (size < sizeof(*ev))
		return 0; /* not ours: the ring buffer carries only enf_event */
	if (ev->verdict == ENF_VERDICT_LEARN) {
		if (a->on_learn)
			a->on_learn(a->on_learn_ctx, ev);
		return 0;
	}

	b = profiles_bundle_for(a->profiles, ev->slot, ev->instance);
	if (b && ev->rule_id)
		rule = bundle_rule_by_id(b, ev->rule_id);
	format_time((long long)ev->timestamp_ns + a->realtime_offset_ns, when, sizeof(when));
	snprintf(rule_id, sizeof(rule_id), "%08x", ev->rule_id);

	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:i, s:i, s:i, s:i, s:i, s:o, s:o, s:s, s:I, s:i}",
		      "time", when,
		      "hook", hook_name(ev->hook),
		      "verdict", verdict_name(ev->verdict),
		      "mode", enf_mode_name(ev->mode),
		      "profile", b ? b->name : "(unknown)",
		      "generation", (json_int_t)ev->generation,
		      "reason", reason_name(ev->reason),
		      "pid", (int)ev->pid, "tgid", (int)ev->tgid, "ppid", (int)ev->ppid,
		      "uid", (int)ev->uid, "gid", (int)ev->gid,
		      "comm", json_kstring(ev->comm, sizeof(ev->comm)),
		      "path", json_kstring(ev->path, sizeof(ev->path)),
		      "access", enf_class_name(ev->access_class),
		      "cgroup_id", (json_int_t)ev->cgroup_id,
		      "errno", -ev->error);
	if (!o)
		return 0;
	audit_net_fields(o, ev);
	if (ev->rule_id) {
		json_object_set_new(o, "rule_id", json_string(rule_id));
		if (rule) {
			char where[4200];

			if (rule->line)
				snprintf(where, sizeof(where), "%s:%u:%u", b->source_file, rule->line, rule->column);
			else
				snprintf(where, sizeof(where), "live edit (enforcerctl rule add)");
			json_object_set_new(o, "rule", json_string(where));
			json_object_set_new(o, "rule_text", json_string(rule->text));
		}
	}
	if (ev->flags & ENF_EVENT_PATH_TRUNCATED)
		json_object_set_new(o, "path_truncated", json_true());
	if (ev->flags & ENF_EVENT_FILELESS)
		json_object_set_new(o, "fileless", json_true());
	if (ev->flags & ENF_EVENT_VIA_INODE)
		json_object_set_new(o, "via_inode", json_true());
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (a->on_event)
		a->on_event(a->on_event_ctx, o);
	json_decref(o);
	if (line && a->log) {
		fprintf(a->log, "%s\n", line);
		fflush(a->log);
		a->written++;
	}
	return 0;
}

int audit_reopen(struct audit *a)
{
	FILE *f;

	if (strcmp(a->log_path, "-") == 0) {
		a->log = stdout;
		return 0;
	}
	f = fopen(a->log_path, "ae");
	if (!f)
		return log_error_errno(-errno, "cannot open audit log %s: %m", a->log_path);
	if (a->log && a->log != stdout)
		fclose(a->log);
	a->log = f;
	return 0;
}

int audit_open(struct audit *a, const char *log_path, int events_map_fd, const struct profiles *ps)
{
	struct timespec rt, mono;
	int r;

	memset(a, 0, sizeof(*a));
	a->profiles = ps;
	a->log_path = strdup(log_path);
	if (!a->log_path)
		return -ENOMEM;
	r = audit_reopen(a);
	if (r < 0)
		return r;
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	a->realtime_offset_ns = (rt.tv_sec - mono.tv_sec) * 1000000000LL + (rt.tv_nsec - mono.tv_nsec);
	a->rb = ring_buffer__new(events_map_fd, handle_event, a, NULL);
	if (!a->rb)
		return log_error_errno(-errno, "cannot open the event ring buffer: %m");
	return 0;
}

void audit_close(struct audit *a)
{
	ring_buffer__free(a->rb);
	if (a->log && a->log != stdout)
		fclose(a->log);
	free(a->log_path);
	memset(a, 0, sizeof(*a));
}

int audit_fd(const struct audit *a)
{
	return ring_buffer__epoll_fd(a->rb);
}

int audit_consume(struct audit *a)
{
	int n = ring_buffer__consume(a->rb);

	return n < 0 ? n : 0;
}
