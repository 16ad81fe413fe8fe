#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Workload benchmarks, inside one system-guest boot (tests/vm/system-boot.sh
# --bench; tests/vm/system-runner runs this): Debian's nginx (static GETs,
# ab over loopback), redis-server (redis-benchmark SET and GET) and
# PostgreSQL (pgbench TPC-B over TCP), each in three configurations:
#
#   none       no enforcer program loaded (enforcerctl shutdown
#              --remove-enforcement), no AppArmor profile on the unit;
#   apparmor   the unit under tests/bench/apparmor/enf-bench-SERVICE
#              (AppArmorProfile= in a drop-in); no enforcer program loaded;
#   enforcer   the unit under the shipped profile (policies/SERVICE.json),
#              attached by unit the way tests/system/2x-profile-*.sh do.
#
# AppArmor's LSM is on in this boot for all three (system-boot.sh --bench),
# so "none" and "enforcer" pay its cost for unconfined tasks, as on a Debian
# system where AppArmor is on by default. Every configuration is proven to
# confine (or, for none, not to) before it is timed: a file outside every
# profile, readable by DAC, is read by the service (or, for redis, a process
# in its domain); a configuration that fails its check is reported as
# failed and not timed. Rounds interleave the configurations (odd rounds
# none, apparmor, enforcer; even rounds the reverse) so drift in the
# emulated guest falls on all of them.
#
# Results: "@@BENCH k=v ..." lines for tests/bench/report.py; progress:
# "wl: ..." lines (system-boot.sh shows those live). Guest numbers are TCG
# numbers on a clock that counts instructions (system-boot.sh --bench runs
# qemu with -icount): only ratios within this boot mean anything.
#
# Environment (all optional): WL_ROUNDS (3), WL_REPS (2 timed runs of each
# load per configuration and round; the best counts), WL_AB_N (1000), WL_AB_C (4),
# WL_REDIS_N (8000), WL_PG_T (5 s), WL_PG_SCALE (1), WL_PG_CLIENTS (2;
# synchronous_commit is off for the benchmark's database), WL_SERVICES (the
# services to measure, of "nginx redis-server postgresql");
# tests/bench/local.conf, when present (never committed), is sourced first.

[ -f /enforcer/tests/bench/local.conf ] && . /enforcer/tests/bench/local.conf
export ENFORCER_TEST=workloads ENFORCER_TMP=/tmp/workloads
# psql and pgbench run as postgres from here: a directory every user may enter.
cd /tmp || exit 1
mkdir -p "$ENFORCER_TMP"

. /enforcer/tests/system/lib/system.sh
. /enforcer/tests/system/lib/services.sh
. /enforcer/tests/system/lib/profile.sh

ROUNDS=${WL_ROUNDS:-3}
REPS=${WL_REPS:-2}
AB_N=${WL_AB_N:-1000}
AB_C=${WL_AB_C:-4}
REDIS_N=${WL_REDIS_N:-8000}
PG_T=${WL_PG_T:-5}
PG_SCALE=${WL_PG_SCALE:-1}
PG_CLIENTS=${WL_PG_CLIENTS:-2}

SERVICES=${WL_SERVICES:-nginx redis-server postgresql}
AA_DIR=/enforcer/tests/bench/apparmor
PIN_DIR=/sys/fs/bpf/enforcer
# Outside every profile of both engines, readable by every user: what only
# a confining configuration refuses.
SECRET=/srv/wl-secret
SECRET_TEXT="workload-bench secret"
NGINX_URL=http://127.0.0.1/index.html
export PGPASSWORD=bench-pw

emit() { echo "@@BENCH $*"; }
note() { echo "wl: $*"; }

# enforcer_profile SERVICE: the shipped profile of SERVICE.
enforcer_profile() {
	case $1 in
	nginx) echo nginx-static ;;
	*) echo "$1" ;;
	esac
}

# aa_label PID: the AppArmor label of PID ("unconfined", "NAME (enforce)").
aa_label() {
	cat "/proc/$1/attr/apparmor/current" 2>/dev/null || cat "/proc/$1/attr/current" 2>/dev/null
}

# ---- the enforcer: running with the shipped profiles, or gone entirely ------------

# enforcer_up: enforcerd started (the package's unit) and the three shipped
# profiles loaded (compiled once, in set-up). 0 when done.
enforcer_up() {
	local p out t0
	t0=$(date +%s%N)
	if ! systemctl start enforcerd.service || ! enforcerctl status >/dev/null 2>&1; then
		note "FAILED: enforcerd does not start"
		journalctl --no-pager -n 20 -u enforcerd.service | sed 's/^/wl:   /'
		return 1
	fi
	emit "kind=wldaemon ms=$((($(date +%s%N) - t0) / 1000000))"
	for s in $SERVICES; do
		p=$(enforcer_profile "$s")
		if ! out=$(enforcerctl load "$ENFORCER_TMP/$p.pol" 2>&1); then
			note "FAILED: enforcerctl load $p: $out"
			return 1
		fi
	done
}

# enforcer_gone: every enforcer program and map removed, the pins checked
# gone, so "none" and "apparmor" run on a kernel without the enforcer.
enforcer_gone() {
	local out
	if enforcerctl status >/dev/null 2>&1; then
		out=$(enforcerctl shutdown --remove-enforcement 2>&1) || note "enforcerctl shutdown --remove-enforcement: $out"
	fi
	for _ in $(seq 100); do
		systemctl is-active --quiet enforcerd.service || break
		sleep 0.1
	done
	if [ -n "$(ls -A "$PIN_DIR" 2>/dev/null)" ]; then
		note "FAILED: $PIN_DIR still holds pins after shutdown --remove-enforcement"
		return 1
	fi
}

# ---- one service in one configuration ------------------------------------------------

# svc_configure SERVICE CFG: stop the unit, put it in configuration CFG,
# start it, wait until it listens. 0 when it runs.
svc_configure() {
	local s=$1 cfg=$2 unit dropdir out reload=0
	unit=$(service_unit "$s")
	# postgresql@VERSION-main.service: the template's drop-in.
	dropdir=/run/systemd/system/${unit%%@*}.d
	[ "$s" = postgresql ] && dropdir=/run/systemd/system/postgresql@.service.d
	systemctl stop "$unit"
	if [ -f "$dropdir/wl-apparmor.conf" ]; then
		rm -f "$dropdir/wl-apparmor.conf"
		reload=1
	fi
	if enforcerctl status >/dev/null 2>&1; then
		enforcerctl detach --unit "$(service_attach_unit "$s")" >/dev/null 2>&1
	fi
	case $cfg in
	apparmor)
		mkdir -p "$dropdir"
		printf '[Service]\nAppArmorProfile=enf-bench-%s\n' "$s" >"$dropdir/wl-apparmor.conf"
		reload=1
		;;
	enforcer)
		if ! out=$(enforcerctl attach "$(enforcer_profile "$s")" --unit "$(service_attach_unit "$s")" 2>&1); then
			note "FAILED: enforcerctl attach $(enforcer_profile "$s") --unit $(service_attach_unit "$s"): $out"
			return 1
		fi
		;;
	esac
	[ "$reload" = 0 ] || systemctl daemon-reload
	if ! out=$(systemctl start "$unit" 2>&1) || ! service_ready "$s"; then
		note "FAILED: $unit does not start ($cfg): $out"
		journalctl --no-pager -n 15 -u "$unit" | sed 's/^/wl:   /'
		dmesg | grep -F 'apparmor="DENIED"' | tail -n 15 | sed 's/^/wl:   /'
		return 1
	fi
}

# secret_via SERVICE: what the service gives for SECRET when asked through
# its own protocol (nginx, PostgreSQL); for redis, which has no command
# that reads a named file, a process in its domain reads it: enf-probe in
# its cgroup for the enforcer, redis-server under its AppArmor profile
# (aa-exec) reading it as a configuration file.
secret_via() {
	local s=$1 cfg=$2 cg
	case $s in
	nginx) curl -s --max-time 20 -w ' http=%{http_code}' http://127.0.0.1/wl-secret 2>&1 ;;
	postgresql) pgsql -c "SELECT pg_read_file('$SECRET')" ;;
	redis-server)
		case $cfg in
		enforcer)
			cg=$(service_task_cgroup redis-server)
			"$PROBE" --cgroup "$cg" --as "$(uid_gid redis)" open "$SECRET" r 2>&1
			;;
		apparmor)
			timeout 20 runuser -u redis -- aa-exec -p enf-bench-redis-server -- \
				/usr/bin/redis-server "$SECRET" 2>&1 | tail -n 3
			;;
		none) runuser -u redis -- cat "$SECRET" 2>&1 ;;
		esac
		;;
	esac
}

# svc_check SERVICE CFG: the configuration does what it says. none: the
# service runs unconfined by either engine and reads SECRET; apparmor: its
# main process carries the profile, SECRET is refused (a positive control
# beside it for redis); enforcer: the profile holds the unit's cgroup,
# SECRET is refused with a deny event of the profile. 0 when it holds.
svc_check() {
	local s=$1 cfg=$2 unit main label got mark ev want
	unit=$(service_unit "$s")
	main=$(systemctl show -P MainPID "$unit")
	label=$(aa_label "$main")
	mark=$(log_mark)
	got=$(secret_via "$s" "$cfg")
	case $cfg in
	none)
		want=unconfined
		[ "$label" = unconfined ] || { note "FAILED: $s none: main process $main is '$label', not unconfined"; return 1; }
		case $got in
		*"$SECRET_TEXT"*) ;;
		*) note "FAILED: $s none: reading $SECRET should work unconfined, got: $got"; return 1 ;;
		esac
		;;
	apparmor)
		want="enf-bench-$s (enforce)"
		[ "$label" = "$want" ] || { note "FAILED: $s apparmor: main process $main is '$label', not '$want'"; return 1; }
		case $got in
		*"$SECRET_TEXT"* | '') note "FAILED: $s apparmor: $SECRET not refused: ${got:-nothing}"; return 1 ;;
		esac
		# AppArmor refuses with EACCES (nginx: 403), the enforcer with EPERM
		# (nginx: 500): the refusal is AppArmor's, not the enforcer's.
		case $s:$got in
		nginx:*"http=403"* | postgresql:*"Permission denied"* | redis-server:*) ;;
		*) note "FAILED: $s apparmor: $SECRET refused, but not with EACCES: $got"; return 1 ;;
		esac
		if [ "$s" = redis-server ]; then
			# The control: the same command under the profile reads an allowed file.
			echo "wl-not-a-directive yes" >/var/lib/redis/wl-control.conf
			chown redis: /var/lib/redis/wl-control.conf
			ev=$(timeout 20 runuser -u redis -- aa-exec -p enf-bench-redis-server -- \
				/usr/bin/redis-server /var/lib/redis/wl-control.conf 2>&1 | tail -n 3)
			# Redis 7 and 8 both quote the line they could not use.
			case $ev in
			*"Permission denied"*) note "FAILED: redis-server apparmor: the control (an allowed file under the profile) was refused: $ev"; return 1 ;;
			*"wl-not-a-directive"*) ;;
			*) note "FAILED: redis-server apparmor: the control (an allowed file under the profile) gave: $ev"; return 1 ;;
			esac
			case $got in
			*"Permission denied"*) ;;
			*) note "FAILED: redis-server apparmor: $SECRET: expected 'Permission denied', got: $got"; return 1 ;;
			esac
		fi
		;;
	enforcer)
		want="$(enforcer_profile "$s") on $(service_cgroup "$s")"
		enforcerctl list 2>&1 | grep -qF "$(service_cgroup "$s")" ||
			{ note "FAILED: $s enforcer: enforcerctl list does not hold $(service_cgroup "$s")"; return 1; }
		grep -qF "${unit}" "/proc/$main/cgroup" ||
			{ note "FAILED: $s enforcer: main process $main is not in $unit's cgroup"; return 1; }
		case $got in
		*"$SECRET_TEXT"* | '') note "FAILED: $s enforcer: $SECRET not refused: ${got:-nothing}"; return 1 ;;
		esac
		if [ "$s" = redis-server ]; then
			local ctl
			ctl=$("$PROBE" --as "$(uid_gid redis)" open "$SECRET" r 2>&1)
			[ "$ctl" = ok ] && [ "$got" = EPERM ] ||
				{ note "FAILED: redis-server enforcer: in the cgroup '$got' (want EPERM), outside '$ctl' (want ok)"; return 1; }
		fi
		for w in 0.3 1 2; do
			sleep "$w"
			ev=$(event_of "$mark" "\"profile\":\"$(enforcer_profile "$s")\"" '"verdict":"deny"' "\"path\":\"$SECRET\"")
			[ -n "$ev" ] && break
		done
		[ -n "$ev" ] || { note "FAILED: $s enforcer: no deny event for $SECRET"; return 1; }
		;;
	esac
	note "$s $cfg: confinement checked ($want; $SECRET: $(tr '\n' ' ' <<<"$got" | cut -c1-80))"
}

# ---- the load --------------------------------------------------------------------------

# load_once SERVICE [SCALE]: one run of the service's load generator;
# prints "FIGURE=VALUE" words (nginx-static, redis-set and redis-get,
# pgbench). SCALE divides the run's length (the warm-up). 0 when it ran
# clean; what went wrong goes to stderr.
load_once() {
	local s=$1 d=${2:-1} out v g words=''
	case $s in
	nginx)
		out=$(timeout 600 ab -q -n $((AB_N / d)) -c "$AB_C" "$NGINX_URL" 2>&1)
		v=$(awk '/^Requests per second:/ { print $4 }' <<<"$out")
		if [ -z "$v" ] || ! grep -q '^Failed requests: *0$' <<<"$out" || grep -q '^Non-2xx' <<<"$out"; then
			note "FAILED: ab: $(tail -n 5 <<<"$out" | tr '\n' ' ')" >&2
			return 1
		fi
		words="nginx-static=$v"
		;;
	redis-server)
		out=$(timeout 600 redis-benchmark -h 127.0.0.1 -p 6379 -q -n $((REDIS_N / d)) -t set,get 2>&1 | tr '\r' '\n')
		for g in SET GET; do
			v=$(sed -n "s/^$g: \([0-9.]*\) requests per second.*/\1/p" <<<"$out" | tail -n1)
			if [ -z "$v" ]; then
				note "FAILED: redis-benchmark $g: $(tail -n 3 <<<"$out" | tr '\n' ' ')" >&2
				return 1
			fi
			words="$words redis-${g,,}=$v"
		done
		;;
	postgresql)
		out=$(timeout 600 pgbench -h 127.0.0.1 -U bench -c "$PG_CLIENTS" -T $(((PG_T + d - 1) / d)) bench 2>&1)
		v=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$out" | head -n1)
		if [ -z "$v" ]; then
			note "FAILED: pgbench: $(tail -n 5 <<<"$out" | tr '\n' ' ')" >&2
			return 1
		fi
		words="pgbench=$v"
		;;
	esac
	echo $words
}

# svc_measure SERVICE CFG ROUND: a short warm-up (the restarted service's
# code and caches; under TCG also the translation of its code), then REPS
# timed runs, each recorded ("kind=wlrep"), and the best of them per figure
# ("kind=wl"): what disturbs a run (the first requests to a restarted
# service; on a wall clock, other guests' load on the host) only ever slows
# it down. 0 when every run was measured.
svc_measure() {
	local s=$1 cfg=$2 r=$3 i w fig v words best=''
	load_once "$s" 3 >/dev/null || return 1
	for ((i = 1; i <= REPS; i++)); do
		words=$(load_once "$s") || return 1
		for w in $words; do
			fig=${w%%=*} v=${w#*=}
			emit "kind=wlrep round=$r rep=$i cfg=$cfg wl=$fig value=$v"
		done
		best="$best $words"
	done
	for fig in $(tr ' ' '\n' <<<"$best" | sed -n 's/=.*//p' | sort -u); do
		v=$(tr ' ' '\n' <<<"$best" | sed -n "s/^$fig=//p" | sort -g | tail -n1)
		emit "kind=wl round=$r cfg=$cfg wl=$fig value=$v reps=$REPS"
		note "round $r $cfg $fig: best of $REPS $v ($(tr ' ' '\n' <<<"$best" | sed -n "s/^$fig=//p" | tr '\n' ' '))"
	done
}

# run_config CFG ROUND: every service in CFG: configure, check, measure. A
# configuration that fails its check is recorded as failed, not timed.
run_config() {
	local cfg=$1 r=$2 s
	for s in $SERVICES; do
		if ! svc_configure "$s" "$cfg"; then
			emit "kind=wlfail round=$r cfg=$cfg service=$s why=start"
			FAILURES=$((FAILURES + 1))
			continue
		fi
		if ! svc_check "$s" "$cfg"; then
			emit "kind=wlfail round=$r cfg=$cfg service=$s why=confinement"
			FAILURES=$((FAILURES + 1))
			continue
		fi
		svc_measure "$s" "$cfg" "$r" || { emit "kind=wlfail round=$r cfg=$cfg service=$s why=load"; FAILURES=$((FAILURES + 1)); }
	done
}

# ---- set-up ------------------------------------------------------------------------------
FAILURES=0
t_start=$(date +%s)
ensure_daemon >/dev/null || { note "FAILED: no enforcer (install or start)"; exit 1; }
ver=$(dpkg-query -W -f '${Version}' enforcer 2>/dev/null)
lsm=$(cat /sys/kernel/security/lsm)
aa_ver=$(apparmor_parser --version 2>/dev/null | head -n1 | awk '{ print $NF }')
emit "kind=wlmeta kernel=$(uname -r) suite=$(. /etc/os-release; echo "$VERSION_CODENAME") cpus=$(nproc) rounds=$ROUNDS reps=$REPS" \
	"ab_n=$AB_N ab_c=$AB_C redis_n=$REDIS_N pg_t=$PG_T pg_scale=$PG_SCALE pg_clients=$PG_CLIENTS" \
	"enforcer=$ver apparmor=$aa_ver lsm=$lsm" \
	"versions=$(dpkg-query -W -f '${Package}=${Version},' nginx-light redis-server "postgresql-$(pg_version)" 2>/dev/null)"
note "$(uname -r), LSMs $lsm; enforcer $ver; AppArmor parser $aa_ver; $ROUNDS rounds"

# AppArmor's profiles: loaded once (they change nothing until a unit names one).
AA_OK=1
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] || [[ ,$lsm, != *,apparmor,* ]]; then
	note "FAILED: AppArmor is not enabled in this boot (LSMs: $lsm)"
	AA_OK=0
else
	for s in $SERVICES; do
		if ! out=$(apparmor_parser -r -K "$AA_DIR/enf-bench-$s" 2>&1); then
			note "FAILED: apparmor_parser -r $AA_DIR/enf-bench-$s: $out"
			AA_OK=0
		fi
	done
fi

# The shipped profiles, compiled once (profile_load compiles and loads them).
for s in $SERVICES; do
	profile_load "$(enforcer_profile "$s")" >/dev/null || { note "FAILED: $(enforcer_profile "$s") does not load"; exit 1; }
done

# What the load generators ask for.
nginx_site_files
nginx_proxy_conf off
echo "$SECRET_TEXT" >"$SECRET"
chmod 644 "$SECRET"
ln -sfn "$SECRET" "$NGINX_ROOT/wl-secret"
systemctl start redis-server.service "$(service_unit postgresql)" || { note "FAILED: redis or postgresql does not start"; exit 1; }
service_ready redis-server && service_ready postgresql || { note "FAILED: redis or postgresql does not listen"; exit 1; }
pgsql -c "DROP DATABASE IF EXISTS bench" >/dev/null
pgsql -c "DROP ROLE IF EXISTS bench" >/dev/null
pgsql -c "CREATE ROLE bench LOGIN PASSWORD 'bench-pw'" >/dev/null
pgsql -c "CREATE DATABASE bench OWNER bench" >/dev/null
# Commits do not wait for the WAL to reach the emulated disk, whose flushes
# land on a host disk shared with other guests: noise that has nothing to
# do with the hooks measured here.
pgsql -c "ALTER DATABASE bench SET synchronous_commit = off" >/dev/null
if ! out=$(timeout 600 pgbench -h 127.0.0.1 -U bench -i -s "$PG_SCALE" -q bench 2>&1); then
	note "FAILED: pgbench -i: $(tail -n 5 <<<"$out")"
	exit 1
fi
# One unrecorded pass of every load: the first run after boot pays for
# cold caches and, under TCG, for translating the code it runs; without
# this pass that cost would fall on round 1's first configuration only.
for s in $SERVICES; do
	svc_measure "$s" warm-up 0 || { note "FAILED: the warm-up pass of $s"; exit 1; }
done
note "set-up and warm-up done in $(($(date +%s) - t_start)) s"

# ---- rounds --------------------------------------------------------------------------------
r=1
while [ "$r" -le "$ROUNDS" ]; do
	if [ $((r % 2)) = 1 ]; then order="none apparmor enforcer"; else order="enforcer apparmor none"; fi
	for cfg in $order; do
		t0=$(date +%s)
		if [ "$cfg" = enforcer ]; then
			enforcer_up || { emit "kind=wlfail round=$r cfg=enforcer service=all why=daemon"; FAILURES=$((FAILURES + 1)); continue; }
		else
			enforcer_gone || { emit "kind=wlfail round=$r cfg=$cfg service=all why=daemon"; FAILURES=$((FAILURES + 1)); continue; }
		fi
		# The kernel frees a removed enforcer's programs and maps, and the
		# daemon settles after its start, in the background: not on the
		# clock of the configuration that comes next.
		sleep 5
		if [ "$cfg" = apparmor ] && [ "$AA_OK" != 1 ]; then
			emit "kind=wlfail round=$r cfg=apparmor service=all why=apparmor-unavailable"
			FAILURES=$((FAILURES + 1))
			continue
		fi
		run_config "$cfg" "$r"
		note "round $r/$ROUNDS: $cfg took $(($(date +%s) - t0)) s"
	done
	r=$((r + 1))
done
enforcer_gone
note "done in $(($(date +%s) - t_start)) s, $FAILURES failure(s)"
emit "kind=wldone seconds=$(($(date +%s) - t_start)) failures=$FAILURES"
[ "$FAILURES" -eq 0 ]
