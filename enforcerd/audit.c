// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "audit.h"
#include "audit_net.h"
#include "engine.h"
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
	case ENF_HOOK_TASK_PRCTL:    return "task_prctl";
	case ENF_HOOK_MMAP_FILE:     return "mmap_file";
	case ENF_HOOK_FILE_MPROTECT: return "file_mprotect";
	case ENF_HOOK_FILE_RECEIVE:  return "file_receive";
	case ENF_HOOK_FILE_IOCTL:    return "file_ioctl";
	/* the peer of a unix socket: a path record, or a socket record for an abstract name (audit_net.c) */
	case ENF_HOOK_UNIX_CONNECT:
	case ENF_HOOK_UNIX_SEND:     return audit_net_hook_name(hook);
	/* self-protection: named after what was refused */
	case ENF_HOOK_SELF_BPF:        return "self:bpf";
	case ENF_HOOK_SELF_KILL:       return "self:signal-daemon";
	case ENF_HOOK_SELF_PTRACE:     return "self:ptrace-daemon";
	case ENF_HOOK_SELF_DIR_CHANGE: return "self:write-protected";
	case ENF_HOOK_SELF_UNLINK:     return "self:unlink-protected";
	case ENF_HOOK_SELF_RENAME:     return "self:rename-protected";
	case ENF_HOOK_SELF_OPEN:       return "self:open-protected";
	case ENF_HOOK_SELF_UMOUNT:     return "self:umount";
	case ENF_HOOK_SELF_MOUNT:      return "self:mount-over";
	case ENF_HOOK_SELF_CONNECT:    return "self:connect-control";
	case ENF_HOOK_SELF_CLONE_INTO: return "self:clone-into-cgroup";
	case ENF_HOOK_SELF_RECEIVE:    return "self:receive-protected";
	case ENF_HOOK_SELF_SIGIO:      return "self:sigio-daemon";
	case ENF_HOOK_SELF_LINK:       return "self:link-protected";
	case ENF_HOOK_SELF_LOCK:       return "self:lock-protected";
	case ENF_HOOK_SELF_TASK_SET:   return "self:task-set";
	/* the confinement baseline */
	case ENF_HOOK_BASE_MOUNT:        return "baseline:mount";
	case ENF_HOOK_BASE_UMOUNT:       return "baseline:umount";
	case ENF_HOOK_BASE_MOVE_MOUNT:   return "baseline:move-mount";
	case ENF_HOOK_BASE_PIVOT_ROOT:   return "baseline:pivot-root";
	case ENF_HOOK_BASE_USERNS:       return "baseline:userns";
	case ENF_HOOK_BASE_KERNEL_LOAD:  return "baseline:kernel-load";
	case ENF_HOOK_BASE_HELPER_WRITE: return "baseline:helper-write";
	case ENF_HOOK_BASE_PTRACE:       return "baseline:ptrace";
	case ENF_HOOK_BASE_IO_URING:     return "baseline:io-uring";
	case ENF_HOOK_BASE_DEVICE_NODE:  return "baseline:device-node";
	case ENF_HOOK_BASE_MODULE_REQUEST: return "baseline:module-request";
	case ENF_HOOK_BASE_KEY_UPCALL:   return "baseline:key-upcall";
	case ENF_HOOK_BASE_XATTR:        return "baseline:xattr";
	case ENF_HOOK_BASE_MOUNT_API:    return "baseline:mount-api";
	case ENF_HOOK_BASE_MOUNT_SETATTR: return "baseline:mount-setattr";
	case ENF_HOOK_BASE_LOCKDOWN:     return "baseline:lockdown";
	case ENF_HOOK_BASE_SETNS:        return "baseline:setns";
	case ENF_HOOK_BASE_PTRACE_READ:  return "baseline:ptrace-read";
	case ENF_HOOK_BASE_TTY_INJECT:   return "baseline:tty-inject";
	case ENF_HOOK_BASE_SWAP:         return "baseline:swap";
	case ENF_HOOK_BASE_SIGNAL:       return "baseline:signal";
	case ENF_HOOK_BASE_PERF:         return "baseline:perf";
	case ENF_HOOK_BASE_SIGIO:        return "baseline:sigio";
	case ENF_HOOK_BASE_CONSOLE: return "baseline:console";
	case ENF_HOOK_BASE_FS_STOP:      return "baseline:fs-stop";
	case ENF_HOOK_BASE_DM_CONTROL:   return "baseline:dm-control";
	case ENF_HOOK_BASE_TASK_SET:     return "baseline:task-set";
	case ENF_HOOK_BASE_FORGED_SENDER: return "baseline:forged-sender";
	case ENF_HOOK_BASE_FS_ADMIN:     return "baseline:fs-admin";
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
	case ENF_REASON_BASELINE:    return "baseline";
	case ENF_REASON_REFER:       return "refer";
	case ENF_REASON_FOREIGN:     return "foreign-root";
	case ENF_REASON_DISCONNECTED: return "disconnected";
	case ENF_REASON_DOMAIN:      return "domain";
	}
	return "unknown";
}

void audit_format_time(long long ns, char *buf, size_t size)
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
/* The bundle that decided: the given instance's, or for instance 0 the profile's current one. */
static const struct bundle *bundle_of(const struct profiles *ps, __u32 slot, __u32 instance)
{
	if (instance)
		return profiles_bundle_for(ps, slot, instance);
	if (slot >= ENF_MAX_PROFILES || !ps->slots[slot].used)
		return NULL;
	return ps->slots[slot].bundle;
}

void audit_decision_fields(struct audit *a, json_t *o, __u32 slot, __u32 instance, __u32 rule_id,
			   __u32 hook, __u32 verdict, __u32 reason, __u64 cgroup_id)
{
	const struct bundle *b = bundle_of(a->profiles, slot, instance);
	const struct bundle_rule *rule = b && rule_id ? bundle_rule_by_id(b, rule_id) : NULL;
	const char *cg = cgroup_names_get(&a->cgroups, cgroup_id);
	char buf[4200];

	json_object_set_new(o, "profile", json_string(b ? b->name : "(unknown)"));
	json_object_set_new(o, "hook", json_string(hook_name(hook)));
	json_object_set_new(o, "verdict", json_string(verdict_name(verdict)));
	json_object_set_new(o, "reason", json_string(reason_name(reason)));
	json_object_set_new(o, "cgroup_id", json_integer((json_int_t)cgroup_id));
	/* A cgroup that is gone (or outside our namespace) is named by its id. */
	if (cg) {
		struct workload w;
		json_t *wj;

		json_object_set_new(o, "cgroup", json_kstring(cg, strlen(cg)));
		if (a->workloads && workloads_get(a->workloads, cg, &w) == 0 && (wj = workload_to_json(&w)))
			json_object_set_new(o, "workload", wj);
	} else {
		snprintf(buf, sizeof(buf), "id:%llu", (unsigned long long)cgroup_id);
		json_object_set_new(o, "cgroup", json_string(buf));
	}
	if (!rule_id)
		return;
	snprintf(buf, sizeof(buf), "%08x", rule_id);
	json_object_set_new(o, "rule_id", json_string(buf));
	if (!rule)
		return;
	if (rule->line)
		snprintf(buf, sizeof(buf), "%s:%u:%u", b->source_file, rule->line, rule->column);
	else
		snprintf(buf, sizeof(buf), "live edit (enforcerctl rule add)");
	json_object_set_new(o, "rule", json_string(buf));
	json_object_set_new(o, "rule_text", json_string(rule->text));
}

void audit_emit(struct audit *a, json_t *o)
{
	_cleanup_free_ char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

	if (a->on_event)
		a->on_event(a->on_event_ctx, o);
	if (!line) {
		a->write_errors++;
		return;
	}
	if (a->to_syslog) {
		if (audit_syslog_send(&a->syslog, line) < 0)
			a->write_errors++;
		else
			a->written++;
		return;
	}
	if (!a->log)
		return;
	if (fprintf(a->log, "%s\n", line) < 0 || fflush(a->log) != 0) {
		a->write_errors++;
		clearerr(a->log);
		return;
	}
	a->written++;
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct audit *a = ctx;
	const struct enf_event *ev = data;
	char when[64];
	json_t *o;

	if (size < sizeof(*ev))
		return 0; /* not ours: the ring buffer carries only enf_event */
	if (ev->verdict == ENF_VERDICT_LEARN) {
		if (a->on_learn)
			a->on_learn(a->on_learn_ctx, ev);
		return 0;
	}

	audit_format_time((long long)ev->timestamp_ns + a->realtime_offset_ns, when, sizeof(when));
	o = json_pack("{s:s, s:s}", "type", "event", "time", when);
	if (!o)
		return 0;
	audit_decision_fields(a, o, ev->slot, ev->instance, ev->rule_id, ev->hook, ev->verdict, ev->reason,
			      ev->cgroup_id);
	json_object_set_new(o, "mode", json_string(enf_mode_name(ev->mode)));
	json_object_set_new(o, "generation", json_integer((json_int_t)ev->generation));
	json_object_set_new(o, "pid", json_integer(ev->pid));
	json_object_set_new(o, "tgid", json_integer(ev->tgid));
	json_object_set_new(o, "ppid", json_integer(ev->ppid));
	json_object_set_new(o, "uid", json_integer(ev->uid));
	json_object_set_new(o, "gid", json_integer(ev->gid));
	json_object_set_new(o, "comm", json_kstring(ev->comm, sizeof(ev->comm)));
	json_object_set_new(o, "exe", json_kstring(ev->exe, sizeof(ev->exe)));
	json_object_set_new(o, "path", json_kstring(ev->path, sizeof(ev->path)));
	json_object_set_new(o, "access", json_string(enf_class_name(ev->access_class)));
	json_object_set_new(o, "errno", json_integer(-ev->error));
	audit_net_fields(o, ev);
	/*
	 * Self-protection (64..95) and the baseline (96..127) refuse an
	 * operation, named by the hook, not an object: their events carry no
	 * path and no access class (an empty path and "exec" before).
	 */
	if (ev->hook >= ENF_HOOK_SELF_BPF && ev->hook < ENF_HOOK_BASE_MOUNT + 32) {
		json_object_del(o, "path");
		json_object_del(o, "access");
	}
	if (ev->flags & ENF_EVENT_PATH_TRUNCATED)
		json_object_set_new(o, "path_truncated", json_true());
	if (ev->flags & ENF_EVENT_EXE_TRUNCATED)
		json_object_set_new(o, "exe_truncated", json_true());
	if (ev->flags & ENF_EVENT_IN_INTERRUPT)
		json_object_set_new(o, "in_interrupt", json_true());
	if (ev->flags & ENF_EVENT_FILELESS)
		json_object_set_new(o, "fileless", json_true());
	if (ev->flags & ENF_EVENT_VIA_INODE)
		json_object_set_new(o, "via_inode", json_true());
	audit_emit(a, o);
	json_decref(o);
	return 0;
}

bool audit_log_is_file(const char *log_path)
{
	const char *sock;

	return strcmp(log_path, "-") != 0 && !audit_syslog_spec(log_path, &sock);
}

int audit_reopen(struct audit *a)
{
	FILE *f;
	int r, fd;

	if (a->to_syslog) {
		r = audit_syslog_reconnect(&a->syslog);
		if (r < 0)
			return log_error_errno(r, "cannot reconnect to the syslog socket %s: %m", a->syslog.path);
		return 0;
	}
	if (strcmp(a->log_path, "-") == 0) {
		a->log = stdout;
		return 0;
	}
	/*
	 * Not fopen(): whoever can replace the name (a rotation, a directory
	 * renamed) must not make the daemon block on a FIFO, write into a
	 * device, or append to a file a symlink names (found by review).
	 */
	fd = open_append_regular(a->log_path);
	if (fd == -ELOOP || fd == -EINVAL || fd == -EMLINK)
		return log_error_errno(fd, "cannot open audit log %s: not a regular file of its own (a symlink, FIFO, "
				       "socket, device or hard-linked file there is refused); remove it, then reopen "
				       "the log (SIGUSR1)", a->log_path);
	if (fd < 0)
		return log_error_errno(fd, "cannot open audit log %s: %m", a->log_path);
	f = fdopen(fd, "a");
	if (!f) {
		r = -errno;
		close(fd);
		return log_error_errno(r, "cannot open audit log %s: %m", a->log_path);
	}
	if (a->log && a->log != stdout)
		fclose(a->log);
	a->log = f;
	return 0;
}

int audit_open(struct audit *a, const char *log_path, const struct engine *e, const struct profiles *ps)
{
	struct timespec rt, mono;
	const char *sock;
	char msg[512];
	int r;

	memset(a, 0, sizeof(*a));
	a->profiles = ps;
	a->syslog.fd = -1;
	a->cgroups.root_fd = -1;
	a->log_path = strdup(log_path);
	if (!a->log_path)
		return -ENOMEM;
	if (audit_syslog_spec(log_path, &sock)) {
		a->to_syslog = true;
		r = audit_syslog_open(&a->syslog, sock, msg, sizeof(msg));
		if (r < 0)
			return log_error_errno(r, "%s", msg);
	} else {
		r = audit_reopen(a);
		if (r < 0)
			return r;
	}
	r = cgroup_names_open(&a->cgroups);
	if (r < 0)
		log_warn("cannot open the cgroup2 mount: %s; events name cgroups by id", strerror(-r));
	event_summary_init(&a->summary, e);
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	a->realtime_offset_ns = (rt.tv_sec - mono.tv_sec) * 1000000000LL + (rt.tv_nsec - mono.tv_nsec);
	a->rb = ring_buffer__new(e->events_fd, handle_event, a, NULL);
	if (!a->rb)
		return log_error_errno(-errno, "cannot open the event ring buffer: %m");
	return 0;
}

void audit_close(struct audit *a)
{
	ring_buffer__free(a->rb);
	if (a->log && a->log != stdout)
		fclose(a->log);
	audit_syslog_close(&a->syslog);
	cgroup_names_close(&a->cgroups);
	event_summary_free(&a->summary);
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

void audit_summarize(struct audit *a)
{
	/* Events first: a summary says what was not delivered after them. */
	(void)audit_consume(a);
	(void)event_summary_poll(&a->summary, a);
}
