#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The benchmarks, inside one guest boot (busybox sh; tests/vm/guest-init runs
# this in bench mode). Guest times are TCG times: only ratios between
# configurations measured in this same boot mean anything, so every
# comparison is interleaved round by round. Results are "@@BENCH k=v ..."
# lines that tests/bench/run.sh turns into docs/benchmarks.md; everything
# else is for a human watching.
#
# Environment (all optional): BENCH_ROUNDS, BENCH_PROG_ROUNDS, BENCH_N_OPEN, BENCH_N_STAT,
# BENCH_N_FORK, BENCH_N_CONN, BENCH_SCALES, BENCH_DEPTHS, BENCH_EDITS,
# BENCH_AUDIT_N, BENCH_AA_ROUNDS, BENCH_AA_DEPTHS, BENCH_STARTS, and
# BENCH_SECTIONS: the sections to run (default all: main scale prog edit audit
# apparmor; "start", only daemon starts, is run when asked: tests/bench/run.sh
# --icount boots a guest on the TCG wall clock for it, the clock the start
# target was set on); tests/bench/local.conf, when present (never committed),
# is sourced first for quick trial runs (e.g. BENCH_SECTIONS=apparmor).
[ -f /enforcer/tests/bench/local.conf ] && . /enforcer/tests/bench/local.conf

# Main rounds restart the daemon (about a minute under TCG) to measure a
# kernel with no enforcer between them; scaling rounds do not.
ROUNDS=${BENCH_ROUNDS:-4}
SCALE_ROUNDS=${BENCH_SCALE_ROUNDS:-5}
PROG_ROUNDS=${BENCH_PROG_ROUNDS:-3}
N_OPEN=${BENCH_N_OPEN:-30000}
N_STAT=${BENCH_N_STAT:-30000}
N_FORK=${BENCH_N_FORK:-150}
N_CONN=${BENCH_N_CONN:-300}
SCALES=${BENCH_SCALES:-10 1000 10000 100000}
DEPTHS=${BENCH_DEPTHS:-1 2 4 8 16 32}
EDITS=${BENCH_EDITS:-30}
AUDIT_N=${BENCH_AUDIT_N:-3000}
AA_ROUNDS=${BENCH_AA_ROUNDS:-10}
AA_DEPTHS=${BENCH_AA_DEPTHS:-3 10}
STARTS=${BENCH_STARTS:-7}
ALL_SECTIONS="main scale prog edit audit apparmor"
SECTIONS=${BENCH_SECTIONS:-$ALL_SECTIONS}
OPS="openclose stat forkexec connect"

export BENCH_PORT=47000
CG=/sys/fs/cgroup
B=/enforcer/tests/bench
EXE=/enforcer/tests/guest/enf-bench
FILE=/srv/bench/file
AUDIT_LOG=/tmp/bench-audit.log
STATE=/tmp/bench-state
W=/tmp/bench
DAEMON_PID=

emit() { echo "@@BENCH $*"; }
note() { echo "bench: $*"; }

# section_wanted SECTION: true when SECTION is to run.
section_wanted() {
	case " $SECTIONS " in *" $1 "*) return 0 ;; esac
	return 1
}
for s in $SECTIONS; do
	case " $ALL_SECTIONS start " in
	*" $s "*) ;;
	*) note "BENCH_SECTIONS: unknown section '$s' (known: $ALL_SECTIONS start)"; exit 2 ;;
	esac
done
for d in $AA_DEPTHS; do
	case $d in
	[3-9] | [1-9][0-9]) ;;
	*) note "BENCH_AA_DEPTHS: '$d' is not a depth of 3 to 99 (the files lie below /srv/bench)"; exit 2 ;;
	esac
done
# It writes below /srv and /sys/fs/cgroup and runs enforcerd: only in the guest.
if [ "${ENFORCER_MODE:-}" != bench ]; then
	note "runs inside the bench guest only (tests/bench/run.sh, or tests/vm/boot.sh --mode bench)"
	exit 2
fi
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# in_cgroup DIR CMD...: run CMD as a process of cgroup DIR.
in_cgroup() {
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' in_cgroup "$@"
}

# run_op CGROUP OP: one timed loop; prints ns per operation (empty on failure).
run_op() {
	case $2 in
	openclose) set -- "$1" enf-bench openclose $FILE $N_OPEN ;;
	stat) set -- "$1" enf-bench stat $FILE $N_STAT ;;
	forkexec) set -- "$1" enf-bench forkexec $EXE $N_FORK ;;
	connect) set -- "$1" enf-bench connect $BENCH_PORT $N_CONN ;;
	esac
	out=$(in_cgroup "$@" 2>&1)
	case $out in
	ns_per_op=*) v=${out#ns_per_op=}; echo "${v%% *}" ;;
	*) note "FAILED: $2 in $1: $out" >&2 ;;
	esac
}

# measure PHASE ROUND CFG CGROUP OP [k=v...]
measure() {
	phase=$1 round=$2 cfg=$3 cg=$4 op=$5
	shift 5
	ns=$(run_op "$cg" "$op")
	[ -n "$ns" ] && emit "kind=op phase=$phase round=$round cfg=$cfg op=$op $* ns=$ns"
}

start_daemon() {
	t0=$(now_ms)
	# --event-rate 0: the audit-throughput pass measures the pipeline, so every
	# denial must reach the log or be counted as dropped; the per-rule rate
	# limit (default 20/s) would turn most of it into one summary record.
	enforcerd --audit-log $AUDIT_LOG --state-dir $STATE --event-rate 0 --verifier-stats \
		>>/tmp/enforcerd.log 2>&1 &
	DAEMON_PID=$!
	i=0
	while [ $i -lt 1800 ]; do
		enforcerctl status >/dev/null 2>&1 && {
			emit "kind=daemon event=start ms=$(($(now_ms) - t0))"
			verifier_stats
			return 0
		}
		kill -0 $DAEMON_PID 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	note "enforcerd did not start:"
	cat /tmp/enforcerd.log
	exit 1
}

# The first start's verifier statistics (enforcerd --verifier-stats) as records:
# the log holds that start's lines only when this first runs.
VERIFIER_DONE=
verifier_stats() {
	[ -z "$VERIFIER_DONE" ] || return 0
	VERIFIER_DONE=1
	sed -n 's/^enforcerd: verifier: \(enf_[a-z_0-9]*\): \(-\{0,1\}[0-9]*\) us, \(-\{0,1\}[0-9]*\) instructions processed$/kind=verifier prog=\1 us=\2 insns=\3/p' \
		/tmp/enforcerd.log | while read -r l; do emit "$l"; done
	sed -n 's/^enforcerd: verifier: all \([0-9]*\) programs: \([0-9]*\) ms to load, \([0-9]*\) instructions processed$/kind=verifier prog=ALL progs=\1 ms=\2 insns=\3/p' \
		/tmp/enforcerd.log | while read -r l; do emit "$l"; done
}

# Remove every program and map, so the next "none" measurement is a kernel
# with no enforcer at all.
stop_daemon_remove() {
	enforcerctl shutdown --remove-enforcement >/dev/null 2>&1 || note "shutdown --remove-enforcement failed"
	wait $DAEMON_PID 2>/dev/null
	DAEMON_PID=
	left=$(bpftool prog show 2>/dev/null | grep -c ' lsm ')
	[ "$left" = 0 ] || note "WARNING: $left LSM programs still loaded after shutdown --remove-enforcement"
	settle
}

# cpu_busy: "BUSY TOTAL" jiffies of all CPUs since boot (idle and iowait are not busy).
cpu_busy() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t; exit }' /proc/stat; }

# Wait until the kernel has finished taking the programs off the hooks: no
# bpf_lsm_ function left in ftrace's enabled_functions (6.12 unregisters
# the trampolines in the background once the last link is gone, after the
# programs have left bpftool's list), then a whole second with the CPUs 98%
# idle (the RCU-tasks grace periods and the freeing that follow). A "none"
# measured meanwhile counts that work: trixie's first table read 0.72x for
# loaded/none before this wait. At most 120 s; the record says how long it
# took, and a note says when the limit was reached.
settle() {
	t0=$(now_ms)
	ef=/sys/kernel/tracing/enabled_functions
	while [ -r $ef ] && grep -q '^bpf_lsm_' $ef && [ $(($(now_ms) - t0)) -lt 120000 ]; do sleep 0.2; done
	hooks_ms=$(($(now_ms) - t0))
	set -- $(cpu_busy)
	while [ $(($(now_ms) - t0)) -lt 120000 ]; do
		sleep 1
		b0=$1 t_0=$2
		set -- $(cpu_busy)
		[ $((($1 - b0) * 50)) -le $(($2 - t_0)) ] && {
			emit "kind=settle hooks_ms=$hooks_ms ms=$(($(now_ms) - t0))"
			return 0
		}
	done
	note "WARNING: the guest was still busy 120 s after the enforcer was removed"
	emit "kind=settle hooks_ms=$hooks_ms ms=$(($(now_ms) - t0)) idle=no"
}

# compile NAME NFILE NEXEC NNET [PATH...]: write $W/NAME.pol, emit the guest compile time.
compile() {
	n=$1
	$B/genprofile.sh "$@" >$W/$n.json || exit 1
	t0=$(now_ms)
	policyc compile $W/$n.json -o $W/$n.pol >/dev/null || { note "policyc compile $n failed"; exit 1; }
	emit "kind=guestcompile profile=$n ms=$(($(now_ms) - t0)) bytes=$(wc -c <$W/$n.pol)"
}

# load_attach NAME: load $W/NAME.pol, attach it to cgroup $CG/NAME.
load_attach() {
	t0=$(now_ms)
	enforcerctl load $W/$1.pol >/dev/null || { note "load $1 failed"; exit 1; }
	mkdir -p $CG/$1
	enforcerctl attach $1 $CG/$1 >/dev/null || { note "attach $1 failed"; exit 1; }
	emit "kind=load profile=$1 ms=$(($(now_ms) - t0))"
}

# Paths at depth D (components from /): /bdf1, /bd/f2, /bd/c/f3, ...
depth_path() {
	p=/bd c=2
	[ "$1" = 1 ] && { echo /bdf1; return; }
	while [ $c -lt "$1" ]; do p=$p/c; c=$((c + 1)); done
	echo "$p/f$1"
}

# ---- set-up ---------------------------------------------------------------------
mkdir -p $W /srv/bench
echo data >$FILE
emit "kind=meta kernel=$(uname -r) lsm=$(cat /sys/kernel/security/lsm) cpus=$(nproc) rounds=$ROUNDS n_open=$N_OPEN n_stat=$N_STAT n_fork=$N_FORK n_conn=$N_CONN sections=$(echo $SECTIONS | tr ' ' ,)"
mkdir -p $CG/unconf
DPATHS=
for d in $DEPTHS; do
	p=$(depth_path $d)
	[ "$d" = 1 ] || mkdir -p "${p%/*}"
	echo data >"$p"
	DPATHS="$DPATHS $p"
done
mkdir -p /tmp/le /tmp/au
echo data >/tmp/le/m
echo data >/tmp/au/denied
i=1
while [ $i -le "$EDITS" ]; do echo data >/tmp/le/f$i; i=$((i + 1)); done

# Profiles are compiled once (in the guest, so the guest compile time of
# every size is reported too); bundles survive the daemon's removal.
# Only the sections that run need theirs.
if section_wanted main || section_wanted scale || section_wanted prog; then
	compile conf 10 10 10 $FILE $EXE
fi
if section_wanted scale || section_wanted prog; then
	for n in $SCALES; do
		nnet=$n
		[ "$n" -gt 10000 ] && nnet=10000
		compile s$n $n $n $nnet $FILE $EXE
	done
fi
section_wanted scale && compile depth 10 0 0 $DPATHS
if section_wanted edit; then
	compile le 1 0 0 /tmp/le/m
	printf '{"name":"le2","mode":"audit","file":{"default":"allow","rules":[{"action":"deny","path":"/tmp/le/m","access":["read"]}]}}\n' >$W/le2.json
	policyc compile $W/le2.json -o $W/le2.pol >/dev/null || exit 1
fi
if section_wanted audit; then
	printf '{"name":"au","mode":"enforce","file":{"default":"allow","rules":[{"action":"deny","path":"/tmp/au/denied","access":["read"]}]}}\n' >$W/au.json
	policyc compile $W/au.json -o $W/au.pol >/dev/null || exit 1
fi

# The boot's own background work first (a first "none" measured during it
# read 2x the settled figure on trixie).
settle

# ---- 1. none / loaded-unconfined / confined, interleaved ------------------------
# Each round: no enforcer at all, then the daemon starts, then loaded and
# confined alternate in order, then every program and map is removed again.
if section_wanted main; then
	r=1
	while [ $r -le "$ROUNDS" ]; do
		note "round $r/$ROUNDS: no enforcer"
		for op in $OPS; do measure main $r none $CG/unconf $op; done
		start_daemon
		load_attach conf
		note "round $r/$ROUNDS: enforcer loaded"
		for op in $OPS; do
			if [ $((r % 2)) = 1 ]; then
				measure main $r loaded $CG/unconf $op
				measure main $r confined $CG/conf $op
			else
				measure main $r confined $CG/conf $op
				measure main $r loaded $CG/unconf $op
			fi
		done
		stop_daemon_remove
		r=$((r + 1))
	done
fi

# ---- daemon starts alone -------------------------------------------------------
# Each from nothing pinned (the previous one removed every program and map, and
# the guest settled), as after a reboot: every program verified and attached.
if section_wanted start; then
	s=1
	while [ $s -le "$STARTS" ]; do
		note "start $s/$STARTS"
		start_daemon
		stop_daemon_remove
		s=$((s + 1))
	done
fi

# Sections 2-5 share one daemon start.
daemon_sections=
for s in scale prog edit audit; do section_wanted $s && daemon_sections=1; done
[ -z "$daemon_sections" ] || start_daemon

# ---- 2. rule-count scaling and path depth ----------------------------------------
if section_wanted scale || section_wanted prog; then
	load_attach conf
	for n in $SCALES; do load_attach s$n; done
fi
if section_wanted scale; then
	load_attach depth
	r=1
	while [ $r -le "$SCALE_ROUNDS" ]; do
		note "scaling round $r/$SCALE_ROUNDS"
		for op in $OPS; do
			measure scale $r loaded $CG/unconf $op
			for n in $SCALES; do measure scale $r s$n $CG/s$n $op rules=$n; done
		done
		for d in $DEPTHS; do
			FILE=$(depth_path $d)
			measure depth $r loaded $CG/unconf openclose depth=$d
			measure depth $r confined $CG/depth openclose depth=$d
			FILE=/srv/bench/file
		done
		r=$((r + 1))
	done
fi

# ---- 3. per-program cost from the kernel's statistics ------------------------------
# Stats cost two clock reads per program run, so they are on only here.
prog_snapshot() {
	bpftool prog show 2>/dev/null | awk '
		/^[0-9]+: / { id = $1; sub(/:$/, "", id); name = ""; rt = 0; rc = 0
			for (i = 2; i <= NF; i++) {
				if ($i == "name") name = $(i + 1)
				if ($i == "run_time_ns") rt = $(i + 1)
				if ($i == "run_cnt") rc = $(i + 1)
			}
			if ($2 == "lsm" || $2 == "cgroup_sock_addr" || $2 == "cgroup_sock") print id, name, rt, rc }'
}
if section_wanted prog; then
	if sysctl -w kernel.bpf_stats_enabled=1 >/dev/null 2>&1 || echo 1 >/proc/sys/kernel/bpf_stats_enabled; then
		# The snapshots themselves (bpftool) run programs: measured once with
		# nothing in between, that noise is subtracted by run.sh (cfg=null).
		prog_snapshot >$W/before
		prog_snapshot >$W/after
		awk 'NR == FNR { rt[$1] = $3; rc[$1] = $4; next }
			{ dc = $4 - rc[$1]; dt = $3 - rt[$1]
			  if (dc > 0) printf "@@BENCH kind=prog cfg=null op=none prog=%s calls=%d ns=%d\n", $2, dc, dt }' $W/before $W/after
		# Repeated, configurations interleaved: one pass's figure moves by tens of percent.
		pr=1
		while [ $pr -le "$PROG_ROUNDS" ]; do
			note "per-program round $pr/$PROG_ROUNDS"
			for spec in "loaded unconf" "confined conf" "s10 s10" "s10000 s10000" "s100000 s100000"; do
				set -- $spec
				[ -d $CG/$2 ] || continue
				for op in $OPS; do
					prog_snapshot >$W/before
					run_op $CG/$2 $op >/dev/null
					prog_snapshot >$W/after
					awk -v cfg=$1 -v op=$op -v round=$pr 'NR == FNR { rt[$1] = $3; rc[$1] = $4; next }
						{ dc = $4 - rc[$1]; dt = $3 - rt[$1]
						  if (dc > 0) printf "@@BENCH kind=prog round=%d cfg=%s op=%s prog=%s calls=%d ns=%d\n", round, cfg, op, $2, dc, dt }' \
						$W/before $W/after
				done
			done
			pr=$((pr + 1))
		done
		sysctl -w kernel.bpf_stats_enabled=0 >/dev/null 2>&1 || echo 0 >/proc/sys/kernel/bpf_stats_enabled
	else
		note "kernel.bpf_stats_enabled cannot be set: no per-program figures"
	fi
fi

# ---- 4. live-edit latency -------------------------------------------------------
# From the CLI returning to a process in the cgroup seeing the new verdict.
if section_wanted edit; then
	load_attach le
	i=1
	while [ $i -le "$EDITS" ]; do
		out=$(enf-bench liveedit $CG/le /tmp/le/f$i deny \
			enforcerctl rule add le file "{\"action\":\"deny\",\"path\":\"/tmp/le/f$i\",\"access\":[\"read\"]}" 2>&1)
		case $out in ns=*) emit "kind=edit edit=rule-add $out" ;; *) note "rule add $i: $out" ;; esac
		i=$((i + 1))
	done
	load_attach le2
	i=1
	while [ $i -le "$EDITS" ]; do
		if [ $((i % 2)) = 1 ]; then m=enforce want=deny; else m=audit want=allow; fi
		out=$(enf-bench liveedit $CG/le2 /tmp/le/m $want enforcerctl mode le2 $m 2>&1)
		case $out in ns=*) emit "kind=edit edit=mode-$m $out" ;; *) note "mode $m: $out" ;; esac
		i=$((i + 1))
	done
fi

# ---- 5. audit throughput ----------------------------------------------------------
counter() { enforcerctl --json status 2>/dev/null | tr ',{}' '\n\n\n' | sed -n "s/^ *\"$1\": *\([0-9]*\).*/\1/p" | head -n 1; }
if section_wanted audit; then
	load_attach au
	w0=$(counter events_written) d0=$(counter events_dropped)
	l0=$(grep -c /tmp/au/denied $AUDIT_LOG 2>/dev/null)
	t0=$(now_ms)
	out=$(in_cgroup $CG/au enf-bench openclose /tmp/au/denied $AUDIT_N 2>&1)
	t_loop=$(($(now_ms) - t0))
	i=0
	# Done when every event is accounted for: written, or dropped because the
	# ring buffer was full (both counted by the daemon and the kernel).
	while [ $i -lt 600 ]; do
		w=$(counter events_written) d=$(counter events_dropped)
		[ $((w - w0 + d - d0)) -ge "$AUDIT_N" ] && break
		sleep 0.05
		i=$((i + 1))
	done
	t_all=$(($(now_ms) - t0))
	w1=$(counter events_written) d1=$(counter events_dropped)
	l1=$(grep -c /tmp/au/denied $AUDIT_LOG)
	denied=${out##*failed=}
	emit "kind=audit ops=$AUDIT_N denied=$denied loop_ms=$t_loop all_written_ms=$t_all written=$((w1 - w0)) dropped=$((d1 - d0)) log_lines=$((l1 - l0)) $(echo "$out" | cut -d' ' -f1)"
fi

[ -z "$daemon_sections" ] || stop_daemon_remove

# ---- 6. beside AppArmor -----------------------------------------------------------
# The open+close loop under AppArmor profiles and under enforcer profiles that
# say the same thing, at two path depths, interleaved round by round. The
# baseline, "none", is this kernel with nothing confining the task and no
# enforcer loaded (AppArmor is active: bench boots list it among the LSMs),
# measured at the start of each round, between the AppArmor and the enforcer
# configurations, and at the end: each group has a baseline on either side,
# which the report averages. Each configuration
# must prove it decides as it should before it is timed; one that does not
# is reported as failed, never timed.
AA_DENIED=/srv/other/denied
AA_PROFILES=$W/apparmor.profiles
EMPTY_PIN=/sys/fs/bpf/enf-bench-empty-lsm
# The shell writes "exec PROFILE" to its own attribute (one write: echo is a
# builtin), then execs CMD, which starts under PROFILE. The attribute has
# lived in an apparmor/ directory since 5.1; attr/exec before that.
AA_ENTER='a=/proc/self/attr/apparmor/exec; [ -e "$a" ] || a=/proc/self/attr/exec
echo -n "exec $1" >"$a" && shift && exec "$@"'

# aa_path D: the file D components below /: /srv/bench/f3, /srv/bench/c/.../f10.
aa_path() {
	p=/srv/bench c=3
	while [ $c -lt "$1" ]; do p=$p/c; c=$((c + 1)); done
	echo "$p/f$1"
}

# aa_run CFG CMD...: run CMD in configuration CFG: AppArmor profiles are
# entered at CMD's exec, enforcer profiles through their cgroup.
aa_run() {
	cfg=$1
	shift
	case $cfg in
	none | aa_loaded | bpf_empty | enf_loaded) in_cgroup $CG/unconf "$@" ;;
	aa_deny | aa_allow) in_cgroup $CG/unconf sh -c "$AA_ENTER" aa_enter "$cfg" "$@" ;;
	enf_deny | enf_allow) in_cgroup $CG/$cfg "$@" ;;
	esac
}

# aa_check ROUND CFG: from inside CFG, every timed file opens, and
# $AA_DENIED is refused with EACCES/EPERM when CFG confines (its deny rule,
# or no allow rule); when CFG does not confine, the same open succeeds (so
# the refusal comes from the configuration, not from the file).
aa_check() {
	case $2 in *_deny | *_allow) want_failed=1 ;; *) want_failed=0 ;; esac
	why=
	out=$(aa_run "$2" enf-bench openclose $AA_DENIED 1 2>&1)
	case $out in
	"ns_per_op="*" failed=$want_failed") ;;
	*) why="open of $AA_DENIED: '$out', want failed=$want_failed" ;;
	esac
	for d in $AA_DEPTHS; do
		out=$(aa_run "$2" enf-bench openclose "$(aa_path "$d")" 1 2>&1)
		case $out in
		"ns_per_op="*" failed=0") ;;
		*) why="$why${why:+; }open of $(aa_path "$d"): '$out'" ;;
		esac
	done
	if [ -n "$why" ]; then
		note "FAILED: $2 in round $1 does not decide as it should, so it is not timed: $why"
		emit "kind=aacheck round=$1 cfg=$2 result=fail"
		return 1
	fi
	emit "kind=aacheck round=$1 cfg=$2 result=ok"
}

# aa_measure ROUND CFG [AT]: check CFG, then one timed loop per depth.
aa_measure() {
	aa_check "$1" "$2" || return 0
	for d in $AA_DEPTHS; do
		out=$(aa_run "$2" enf-bench openclose "$(aa_path "$d")" "$N_OPEN" 2>&1)
		case $out in
		"ns_per_op="*" failed=0")
			v=${out#ns_per_op=}
			emit "kind=op phase=apparmor round=$1 cfg=$2 op=openclose depth=$d${3:+ at=$3} ns=${v%% *}"
			;;
		*) note "FAILED: openclose of $(aa_path "$d") in $2: $out" ;;
		esac
	done
}

# rotate N WORD...: the words, starting at the (N mod count)-th, so each
# round measures the configurations in another order.
rotate() {
	n=$(($1 % ($# - 1)))
	shift
	while [ "$n" -gt 0 ]; do
		w=$1
		shift
		set -- "$@" "$w"
		n=$((n - 1))
	done
	echo "$@"
}

if section_wanted apparmor; then
	for d in $AA_DEPTHS; do
		p=$(aa_path "$d")
		mkdir -p "${p%/*}"
		echo data >"$p"
	done
	mkdir -p ${AA_DENIED%/*}
	echo data >$AA_DENIED
	# The same two profiles in both systems. Deny-list: everything but one
	# file (enforcer: file default allow plus one deny rule). Allow-list:
	# only the subtree the loop opens (enforcer: file default deny plus one
	# subtree rule), and for AppArmor what the loop's exec needs under the
	# new profile: mapping its own (static) binary.
	printf '{"name":"enf_deny","mode":"enforce","file":{"default":"allow","rules":[{"action":"deny","path":"%s","access":["read"]}]}}\n' \
		$AA_DENIED >$W/enf_deny.json
	printf '{"name":"enf_allow","mode":"enforce","file":{"default":"deny","rules":[{"action":"allow","path":"/srv/bench/**","access":["read"]}]}}\n' \
		>$W/enf_allow.json
	for n in enf_deny enf_allow; do
		policyc compile $W/$n.json -o $W/$n.pol >/dev/null || { note "policyc compile $n failed"; exit 1; }
	done
	printf 'profile aa_deny {\n  /** rwmlkix,\n  deny %s r,\n}\nprofile aa_allow {\n  /srv/bench/** r,\n  %s rm,\n}\n' \
		$AA_DENIED $EXE >$AA_PROFILES

	# Under TCG on shared cores one loop's time moves by tens of percent
	# between rounds; ten rounds give each configuration a fair chance of
	# a quiet loop (the report judges on each one's fastest).
	lsms=$(cat /sys/kernel/security/lsm 2>/dev/null)
	parser=$(command -v apparmor_parser)
	aa_skip=
	case ",$lsms," in *,apparmor,*) ;; *) aa_skip=apparmor-not-in-the-lsm-list ;; esac
	[ -n "$parser" ] || aa_skip=${aa_skip:-no-apparmor_parser-in-the-guest}
	enter=/proc/self/attr/apparmor/exec
	[ -e $enter ] || enter=/proc/self/attr/exec
	version=
	[ -z "$parser" ] || version=$($parser --version 2>/dev/null | sed -n '1s/.* version //p')
	emit "kind=aameta lsm=$lsms apparmor=${aa_skip:-active} parser=${parser:-none} parser_version=${version:-none} enter=$enter rounds=$AA_ROUNDS depths=$(echo $AA_DEPTHS | tr ' ' ,) n_open=$N_OPEN"
	[ -z "$aa_skip" ] || note "AppArmor rows skipped ($aa_skip): only enforcer's configurations are measured"
	r=1
	while [ $r -le "$AA_ROUNDS" ]; do
		note "AppArmor round $r/$AA_ROUNDS"
		aa_measure $r none start
		if [ -z "$aa_skip" ]; then
			t0=$(now_ms)
			if out=$(apparmor_parser -r $AA_PROFILES 2>&1); then
				emit "kind=aaload round=$r ms=$(($(now_ms) - t0))"
				for cfg in $(rotate $r aa_loaded aa_deny aa_allow); do aa_measure $r $cfg; done
			else
				note "FAILED: apparmor_parser -r $AA_PROFILES: $out"
			fi
			apparmor_parser -R $AA_PROFILES >/dev/null 2>&1
			! grep -q '^aa_' /sys/kernel/security/apparmor/profiles 2>/dev/null ||
				note "WARNING: AppArmor profiles still loaded after apparmor_parser -R"
		fi
		aa_measure $r none mid
		# The kernel's share of any BPF-LSM engine's cost: an LSM program
		# that does nothing, on file_open, with no enforcer loaded.
		if out=$(enf-empty-lsm $EMPTY_PIN 2>&1); then
			emit "kind=empty round=$r $out"
			aa_measure $r bpf_empty
			rm -f $EMPTY_PIN
		else
			note "FAILED: enf-empty-lsm $EMPTY_PIN: $out"
		fi
		start_daemon
		load_attach enf_deny
		load_attach enf_allow
		for cfg in $(rotate $r enf_loaded enf_deny enf_allow); do aa_measure $r $cfg; done
		stop_daemon_remove
		aa_measure $r none end
		r=$((r + 1))
	done
fi
note "done"
