// SPDX-License-Identifier: GPL-2.0-only
/* enforcerctl: the printers (print.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"
#include "cgroup.h"
#include "enforcerctl.h"
#include "print.h"
#include "protocol.h"
#include "support.h"
#include "time_arg.h"
#include "util.h"
#include "vocab.h"

const char *str_val(json_t *v)
{
	return json_string_value(v) ?: "";
}

const char *str_of(json_t *o, const char *key)
{
	return str_val(json_object_get(o, key));
}

long long int_of(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* A container's identity on one line: "container app of pod web in namespace prod (podman 4c0f1a3e5b2d, image ...)". */
static void print_workload(const char *indent, json_t *w)
{
	if (!json_is_object(w))
		return;
	printf("%s", indent);
	if (json_object_get(w, "container"))
		printf("container %s", str_of(w, "container"));
	else
		printf("a container");
	if (json_object_get(w, "pod"))
		printf(" of pod %s", str_of(w, "pod"));
	if (json_object_get(w, "namespace"))
		printf(" in namespace %s", str_of(w, "namespace"));
	printf(" (%s %.12s%s%s%s%s)\n", str_of(w, "runtime"), str_of(w, "container_id"),
	       json_object_get(w, "image") ? ", image " : "", json_object_get(w, "image") ? str_of(w, "image") : "",
	       json_is_true(json_object_get(w, "sandbox")) ? ", pod sandbox" : "",
	       json_is_true(json_object_get(w, "rootless")) ? ", rootless" : "");
}

static void print_profile_line(json_t *p)
{
	json_t *att = json_object_get(p, "attached");
	size_t i;
	json_t *v;

	printf("%s  mode=%s generation=%lld rules=%lld source=%s%s\n",
	       str_of(p, "name"),
	       str_of(p, "mode"),
	       (long long)json_integer_value(json_object_get(p, "generation")),
	       (long long)json_integer_value(json_object_get(p, "rules")),
	       str_of(p, "source"),
	       json_object_get(p, "declared") ? " (/etc)" : " (live)");
	if (json_object_get(p, "declared"))
		printf("    declared in %s\n", str_of(p, "declared"));
	if (!json_object_get(p, "attachments")) {
		json_array_foreach(att, i, v)
			printf("    attached %s\n", str_val(v));
		return;
	}
	/* Whether each attachment holds now: a cgroup removed and not yet created again waits for it. */
	json_array_foreach(json_object_get(p, "attachments"), i, v) {
		const char *path = str_of(v, "cgroup");
		const char *follows = json_is_true(json_object_get(v, "follows_path")) ? "" : "; path not followed";
		bool via = json_is_string(json_object_get(v, "via"));
		char origin[4400] = "";

		if (json_object_get(v, "unit"))
			snprintf(origin, sizeof(origin), "; unit %s", str_of(v, "unit"));
		if (json_object_get(v, "declared"))
			snprintf(origin + strlen(origin), sizeof(origin) - strlen(origin), "; declared in %s",
				 str_of(v, "declared"));
		if (json_is_true(json_object_get(v, "holds")))
			printf("    attached %s (cgroup id %lld, holds%s%s%s%s)\n", path, int_of(v, "cgroup_id"),
			       via ? "; selector " : "", str_of(v, "via"), via ? "" : follows, origin);
		else if (json_object_get(v, "cgroup_id"))
			printf("    waiting %s (cgroup id %lld does not hold now%s%s)\n", path, int_of(v, "cgroup_id"),
			       follows, origin);
		else
			printf("    waiting %s (no such cgroup now: attached when it is created%s%s)\n", path, follows, origin);
		print_workload("      ", json_object_get(v, "workload"));
	}
}

void human_list(json_t *reply)
{
	json_t *arr = json_object_get(reply, "profiles"), *p;
	size_t i;

	if (json_array_size(arr) == 0)
		printf("no profiles loaded\n");
	json_array_foreach(arr, i, p)
		print_profile_line(p);
	json_array_foreach(json_object_get(reply, "selectors"), i, p)
		printf("selector %s -> %s (%lld cgroups so far%s%s)\n", str_of(p, "glob"), str_of(p, "profile"),
		       int_of(p, "matched"), json_object_get(p, "declared") ? "; declared in " : "; live",
		       str_of(p, "declared"));
	json_array_foreach(json_object_get(reply, "pending"), i, p)
		printf("waiting %s -> %s (pending: %s%s%s%s%s)\n", str_of(p, "cgroup"), str_of(p, "profile"),
		       json_is_true(json_object_get(p, "follows_path")) ?
		       "the kernel attaches the cgroup inside mkdir when it is created" :
		       "the daemon attaches the cgroup when it sees it created",
		       json_object_get(p, "unit") ? "; unit " : "", str_of(p, "unit"),
		       json_object_get(p, "declared") ? "; declared in " : "", str_of(p, "declared"));
}

void human_show(json_t *reply)
{
	json_t *p = json_object_get(reply, "profile"), *d = json_object_get(p, "defaults"), *r;
	size_t i;

	print_profile_line(p);
	json_array_foreach(json_object_get(p, "selectors"), i, r)
		printf("    selector %s\n", str_val(r));
	printf("    instance %lld, slot %lld; defaults: exec %s, file %s, network %s\n", int_of(p, "instance"),
	       int_of(p, "slot"), str_of(d, "exec"), str_of(d, "file"), str_of(d, "network"));
	if (json_array_size(json_object_get(p, "baseline_allow")) == 0)
		printf("    baseline: all refused\n");
	json_array_foreach(json_object_get(p, "baseline_allow"), i, r)
		printf("    baseline: %s allowed (logged)\n", str_val(r));
	json_array_foreach(json_object_get(p, "rule_list"), i, r)
		printf("    rule %s %-7s %-5s %s  (%s)\n", str_of(r, "id"), str_of(r, "section"), str_of(r, "action"),
		       str_of(r, "text"), str_of(r, "source"));
}

void human_stats(json_t *reply)
{
	json_t *m, *labels, *v;
	const char *k;
	size_t i;

	json_array_foreach(json_object_get(reply, "metrics"), i, m) {
		char name[512];
		int n = snprintf(name, sizeof(name), "%s", str_of(m, "name"));
		bool first = true;

		labels = json_object_get(m, "labels");
		json_object_foreach(labels, k, v) {
			if (n > 0 && (size_t)n < sizeof(name))
				n += snprintf(name + n, sizeof(name) - (size_t)n, "%s%s=%s", first ? "{" : ",",
					      k, str_val(v));
			first = false;
		}
		if (labels && n > 0 && (size_t)n < sizeof(name) - 1)
			snprintf(name + n, sizeof(name) - (size_t)n, "}");
		printf("%-60s %lld\n", name, int_of(m, "value"));
	}
}

void human_rule(json_t *reply)
{
	json_t *p = json_object_get(reply, "profile");

	printf("profile '%s': rule %s done (generation %lld, %lld rules)\n", str_of(p, "name"),
	       str_of(reply, "rule_id"), int_of(p, "generation"), int_of(p, "rules"));
}

void human_status(json_t *reply)
{
	json_t *stats = json_object_get(reply, "stats"), *config = json_object_get(reply, "config"), *v;
	const char *k;

	printf("enforcerd: running (pid %lld), protocol %lld, ABI %lld%s\n", int_of(reply, "pid"),
	       int_of(reply, "protocol"), int_of(reply, "abi"),
	       json_is_true(json_object_get(reply, "adopted")) ? ", adopted pinned enforcement" : "");
	printf("profiles: %lld  attachments: %lld  selectors: %lld  audit log: %s\n",
	       int_of(reply, "profiles"), int_of(reply, "attachments"), int_of(reply, "selectors"),
	       str_of(reply, "audit_log"));
	if (json_object_get(reply, "attachments_holding"))
		printf("attachments holding: %lld  waiting for their cgroup: %lld  cgroups created again: %lld "
		       "attached in mkdir, %lld after it\n", int_of(reply, "attachments_holding"),
		       int_of(reply, "attachments_waiting"), int_of(reply, "cgroups_followed"),
		       int_of(reply, "cgroups_attached_late"));
	printf("pins: %s  state: %s\n", str_of(reply, "pin_dir"), str_of(reply, "state_dir"));
	printf("self-protection: %s  hardening: %s\n",
	       json_is_true(json_object_get(reply, "self_protection")) ? "on" : "off", str_of(reply, "hardening"));
	if (json_is_object(config)) {
		printf("configuration: %s declares %lld profile(s), %lld attachment(s), %lld selector(s); %s\n",
		       str_of(config, "dir"), int_of(config, "profiles"), int_of(config, "attachments"),
		       int_of(config, "selectors"),
		       json_is_true(json_object_get(config, "in_sync")) ? "in force as written" :
		       "the live state DIFFERS from the files (below)");
		if (json_object_get(config, "last_applied"))
			printf("  last applied %s (%lld reload(s), %lld refused)\n", str_of(config, "last_applied"),
			       int_of(config, "reloads"), int_of(config, "failures"));
		if (json_object_get(config, "last_reload_error"))
			printf("  LAST RELOAD REFUSED (what was in force before stays): %s\n",
			       str_of(config, "last_reload_error"));
		if (json_object_get(config, "changed_on_disk"))
			printf("  changed on disk since then, not applied: %s (run 'enforcerctl reload')\n",
			       str_of(config, "changed_on_disk"));
		printf("  objects declared there are /etc's: live edits of them are refused; others are live\n");
	}
	if (json_object_get(reply, "state_problem"))
		printf("STATE PROBLEM: %s\n", str_of(reply, "state_problem"));
	if (json_object_get(reply, "state_error"))
		printf("STATE NOT SAVED: %s\n", str_of(reply, "state_error"));
	json_object_foreach(stats, k, v)
		printf("  %-28s %lld\n", k, (long long)json_integer_value(v));
}

void human_load(json_t *reply)
{
	json_t *p = json_object_get(reply, "profile");

	printf("%s profile '%s' (generation %lld, %lld rules, mode %s)\n",
	       json_is_true(json_object_get(reply, "replaced")) ? "replaced" : "loaded",
	       str_of(p, "name"),
	       (long long)json_integer_value(json_object_get(p, "generation")),
	       (long long)json_integer_value(json_object_get(p, "rules")),
	       str_of(p, "mode"));
}

void human_attach(json_t *reply)
{
	if (json_object_get(reply, "selector"))
		printf("selector %s added (%lld cgroups attached now)\n", str_of(reply, "selector"),
		       int_of(reply, "attached_now"));
	else if (json_object_get(reply, "unit"))
		printf("attached unit %s: %s (%s)\n", str_of(reply, "unit"), str_of(reply, "cgroup"),
		       json_is_true(json_object_get(reply, "holds")) ? "running: attached now" :
		       "not running: attached when systemd creates its cgroup, before its first process runs");
	else
		printf("attached %s\n", str_of(reply, "cgroup"));
}

void human_reload(json_t *reply)
{
	json_t *v;
	size_t i;

	if (json_array_size(json_object_get(reply, "changes")) == 0)
		printf("%s applied: nothing changed\n", str_of(reply, "config_dir"));
	else
		printf("%s applied:\n", str_of(reply, "config_dir"));
	json_array_foreach(json_object_get(reply, "changes"), i, v)
		printf("  %s\n", str_val(v));
}

void human_mode(json_t *reply)
{
	json_t *p = json_object_get(reply, "profile");

	printf("profile '%s' is in %s mode (generation %lld)\n",
	       str_of(p, "name"),
	       str_of(p, "mode"),
	       (long long)json_integer_value(json_object_get(p, "generation")));
}

/* ---- events ------------------------------------------------------------- */

void print_event(const struct ctl *ctl, json_t *ev)
{
	if (ctl->json) {
		json_dumpf(ev, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else {
		printf("%s %-10s %-12s gen=%lld %s pid=%lld comm=%s %s\n", str_of(ev, "time"), str_of(ev, "verdict"),
		       str_of(ev, "profile"), int_of(ev, "generation"), str_of(ev, "hook"), int_of(ev, "pid"),
		       str_of(ev, "comm"), str_of(ev, "path"));
	}
	fflush(stdout);
}

static void human_learn_session(json_t *s)
{
	printf("%s: %lld observations (exec %lld, file %lld, net %lld)%s%s\n", str_of(s, "profile"),
	       int_of(s, "observations"), int_of(s, "exec"), int_of(s, "file"), int_of(s, "net"),
	       int_of(s, "overflow") ? ", INCOMPLETE: some were over the limit" : "",
	       json_is_true(json_object_get(s, "synthesized")) ? "" : " (an existing profile, learning)");
}

void human_learn_status(json_t *reply)
{
	json_t *list = json_object_get(reply, "sessions"), *s;
	size_t i;

	if (!list) {
		human_learn_session(json_object_get(reply, "session"));
		return;
	}
	if (json_array_size(list) == 0)
		printf("no profile is learning\n");
	json_array_foreach(list, i, s)
		human_learn_session(s);
}

void human_learn_start(json_t *reply)
{
	printf("profile '%s' is learning on %s; nothing is denied there until it is replaced\n",
	       str_of(reply, "profile"), str_of(reply, "cgroup"));
}

/* ---- report and promote: the audit-then-enforce rollout --------------------- */

void human_report(json_t *rep)
{
	json_t *g, *groups = json_object_get(rep, "groups");
	long long total = int_of(rep, "total");
	size_t i;

	if (total == 0) {
		printf("profile '%s' (%s mode): no would-deny decisions since %s (observed since %s)\n",
		       str_of(rep, "profile"), str_of(rep, "mode"), str_of(rep, "since"), str_of(rep, "observed_since"));
		return;
	}
	printf("profile '%s' (%s mode): %lld would-deny decision(s) since %s in %lld group(s) (observed since %s)\n\n",
	       str_of(rep, "profile"), str_of(rep, "mode"), total, str_of(rep, "since"), int_of(rep, "groups_total"),
	       str_of(rep, "observed_since"));
	printf("%-10s %-28s %8s  %-20s  %-20s  %s\n", "RULE", "SOURCE", "COUNT", "FIRST SEEN", "LAST SEEN", "OBJECT");
	json_array_foreach(groups, i, g) {
		json_t *w;
		size_t k;

		printf("%-10s %-28s %8lld  %-20s  %-20s  %s\n", str_of(g, "rule"),
		       *str_of(g, "rule_source") ? str_of(g, "rule_source") : "-", int_of(g, "count"),
		       str_of(g, "first_seen"), str_of(g, "last_seen"), str_of(g, "object"));
		/* Which containers did it: NAMESPACE/POD/CONTAINER. */
		json_array_foreach(json_object_get(g, "workloads"), k, w)
			printf("%s%s", k ? ", " : "           from ", str_val(w));
		if (json_array_size(json_object_get(g, "workloads")))
			printf("%s\n", json_is_true(json_object_get(g, "more_workloads")) ? " and others" : "");
	}
	if (int_of(rep, "omitted"))
		printf("... and %lld more group(s) (--limit N, or --json)\n", int_of(rep, "omitted"));
}

void human_promote(json_t *reply)
{
	if (json_is_true(json_object_get(reply, "already")))
		printf("profile '%s' is already in enforce mode\n", str_of(reply, "profile"));
	else if (json_is_true(json_object_get(reply, "forced")))
		printf("profile '%s' promoted to enforce with --force despite %lld would-deny decision(s) since %s "
		       "(generation %lld)\n", str_of(reply, "profile"), int_of(reply, "would_deny"),
		       str_of(reply, "checked_since"), int_of(reply, "generation"));
	else
		printf("profile '%s' promoted to enforce: no would-deny decision since %s (generation %lld)\n",
		       str_of(reply, "profile"), str_of(reply, "checked_since"), int_of(reply, "generation"));
}

void human_which(json_t *reply)
{
	json_t *g = json_object_get(reply, "governed_by"), *sel;
	size_t i;

	printf("%s\n", str_of(reply, "cgroup"));
	if (json_is_object(json_object_get(reply, "workload")))
		print_workload("  is ", json_object_get(reply, "workload"));
	else
		printf("  is no container's cgroup\n");
	if (json_is_object(g))
		printf("  governed by profile %s, attached to %s%s%s\n", str_of(g, "profile"), str_of(g, "cgroup"),
		       json_object_get(g, "via") ? " by selector " : "", json_object_get(g, "via") ? str_of(g, "via") : "");
	else
		printf("  governed by no profile\n");
	json_array_foreach(json_object_get(reply, "selectors"), i, sel)
		printf("  selector %s -> %s: %s\n", str_of(sel, "selector"), str_of(sel, "profile"), str_of(sel, "judgement"));
}
