#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Every shipped profile, reproduced from learn mode: each service runs its
# functional test (tests/system/lib/services.sh, the same as its 2x-profile
# test) under `enforcerctl learn`, attached to the unit's cgroup before the
# unit starts, and the generated profile is compared with the shipped one
# by `policyc diff`:
#   - no '<' line: the learned profile, generated exactly (subtree threshold
#     0: one rule per observation), allows nothing the shipped profile does
#     not. Each '<' line would be something the workload did that the
#     shipped profile denies;
#   - the '>' lines are what the shipped profile allows beyond this run (its
#     generalisations, its other suite's paths): printed, and explained in
#     docs/profiles/NAME.md ("Compared with learn mode").
# The learned profiles are printed between "@@LEARNED NAME" lines.
# enforcer-test: timeout=1500

. /enforcer/tests/system/lib/system.sh
. /enforcer/tests/system/lib/services.sh

ensure_daemon || finish

# learned_denied SHIPPED OBSERVATIONS < DIFF: the '<' lines of `policyc diff
# LEARNED SHIPPED` that are something the workload did and SHIPPED denies.
#  - Learn mode records an executable mapping (the loader, each library) as
#    an exec of the file, so an exec SHIPPED refuses but maps (a library it
#    lets nobody write: docs/policy.md, "Executable mappings") is what the
#    workload did and SHIPPED allows. An "exec mapping" line is the learned
#    profile's, not the workload's: a file no observed write names maps there.
#  - "B audit": SHIPPED allows it, logged.
#  - "(from any executable but E...)": SHIPPED allows it to E only. Learn
#    records no executable, so the learned profile allows it to every one;
#    which program did it is the profile test's to prove (zero denials in
#    enforce mode, 2x-profile-*.sh), not this one's. The line stands only if
#    SHIPPED does not allow (or audit) it for E either.
#  - a file line whose path nothing in OBSERVATIONS names with that access
#    is the learned profile's generalisation (/proc/PID/... becomes /proc/**
#    there: docs/learn.md), not the workload's.
# (Whether each exec was an execve the shipped profile allows is the profile
# test's check too.)
learned_denied() {
	local shipped=$1 obs=$2 line paths p what acc path exes e seen a v
	while IFS= read -r line; do
		[[ $line == "<"* ]] || continue
		case $line in
		"< exec mapping "* | *": A allow, B audit") continue ;;
		esac
		what=${line#< }
		what=${what%%: A *}
		if [[ $what == *" (from any executable but "* ]]; then
			exes=${what##* (from any executable but }
			exes=${exes%)}
			what=${what% (from any executable but *}
			seen=0
			for e in ${exes//,/ }; do
				case $line in
				"< exec "*) v=$(policyc explain "$shipped" --exec "${what#exec }" --from "$e" | head -n1) ;;
				"< file "*)
					acc=${what#file } path=${acc#* } acc=${acc%% *}
					v=$(policyc explain "$shipped" --file "$path:${acc%%,*}" --from "$e" | head -n1) ;;
				*) v='' ;;
				esac
				case $v in allow* | audit*) seen=1 ;; esac
			done
			[ $seen -eq 1 ] || echo "$line"
			continue
		fi
		case $line in
		"< exec "*)
			paths=${what#exec }
			for p in ${paths//,/ }; do
				case $(policyc explain "$shipped" --map "$p" | head -n1) in
				allow*) ;;
				*) echo "exec or mapping of $p" ;;
				esac
			done ;;
		"< file "*)
			acc=${what#file } path=${acc#* } acc=${acc%% *}
			seen=0
			for a in ${acc//,/ }; do
				if [[ $path == *"/**" ]]; then
					grep -F "\"path\":\"${path%\*\*}" "$obs" | grep -qF "\"$a\"" && seen=1
				else
					grep -F "\"path\":\"$path\"" "$obs" | grep -qF "\"$a\"" && seen=1
				fi
			done
			[ $seen -eq 1 ] && echo "$line" ;;
		*) echo "$line" ;;
		esac
	done
}

# learn_service PROFILE SERVICE FUNCTIONAL [ARGS]: learn PROFILE on SERVICE's cgroup from before the
# unit starts to after FUNCTIONAL ARGS, then compare with /enforcer/policies/PROFILE.json.
learn_service() {
	local profile=$1 svc=$2 unit cgroup out learned shipped more
	shift 2
	unit=$(service_unit "$svc")
	cgroup=$(service_cgroup "$svc")
	learned=$ENFORCER_TMP/learned-$profile.json
	shipped=/enforcer/policies/$profile.json
	systemctl stop "$unit"
	# The cgroup must exist to be attached (until enforcerctl attach --unit); systemd takes it as it is.
	mkdir -p "$cgroup"
	if ! out=$(enforcerctl learn start "learn-$profile" --cgroup "$cgroup" 2>&1); then
		fail "$profile: enforcerctl learn start: $out"
		return
	fi
	pass "$profile: learning on $cgroup"
	local t0=$(date +%s)
	SVC_UNIT=$unit
	# The functional test only runs on a service that started: a dead one makes clients wait.
	svc_do "$profile: systemctl start $unit (learning)" systemctl start "$unit" && service_ready "$svc" && "$@"
	sleep 2 # the last records reach the session file
	# The session's observations, as the daemon keeps them (docs/learn.md), generated
	# here exactly (subtree threshold 0) by policyc: the same generator as learn stop's.
	cp "/var/lib/enforcer/learn-learn-$profile.jsonl" "$ENFORCER_TMP/obs-$profile.jsonl"
	echo "$profile: $(wc -l <"$ENFORCER_TMP/obs-$profile.jsonl") observations; under /proc and /sys:"
	grep -E '"path":"/(proc|sys)/' "$ENFORCER_TMP/obs-$profile.jsonl" | sed 's/^/    /' | head -n 40
	out=$(enforcerctl learn stop "learn-$profile" -o "$ENFORCER_TMP/stop-$profile.json" 2>&1)
	case $out in
	*"larger than 64 KiB"*) echo "$profile: learn stop: the generated profile is larger than a control answer ($out)" ;;
	esac
	out=$(enforcerctl learn status "learn-$profile" 2>&1)
	[ $? -ne 0 ] && pass "$profile: the learn session ended" || fail "$profile: still learning after stop: $out"
	if ! out=$(policyc generate "$ENFORCER_TMP/obs-$profile.jsonl" --subtree-threshold 0 --name "$profile" \
		-o "$learned" 2>&1); then
		fail "$profile: policyc generate: $out"
		return
	fi
	pass "$profile: learned in $(($(date +%s) - t0)) s: $(grep -c '"action"' "$learned") rules"
	echo "@@LEARNED $profile BEGIN"
	cat "$learned"
	echo "@@LEARNED $profile END"
	if [ ! -f "$shipped" ]; then
		fail "$profile: no $shipped to compare with"
		return
	fi
	out=$(policyc diff --ignore-mode "$learned" "$shipped" 2>&1)
	echo "$out" | sed 's/^/    /'
	more=$(learned_denied "$shipped" "$ENFORCER_TMP/obs-$profile.jsonl" <<<"$out")
	expect_eq "$profile: what the workload did that the shipped profile denies ('<' lines not mapped as libraries)" "" "$more"
	echo "$profile: the shipped profile allows $(grep -c '^>' <<<"$out") more things than this run used ('>' lines)"
}

# LEARN_PROFILES: a subset, for a developer's run (default: all).
wanted() { [ -z "${LEARN_PROFILES:-}" ] || [[ " $LEARN_PROFILES " == *" $1 "* ]]; }

nginx_site_files
nginx_proxy_conf off
wanted nginx-static && learn_service nginx-static nginx nginx_functional static
if wanted nginx-proxy; then
	upstream_start
	nginx_proxy_conf on
	learn_service nginx-proxy nginx nginx_functional proxy
	nginx_proxy_conf off
	upstream_stop
	systemctl restart nginx
fi
wanted redis-server && learn_service redis-server redis-server redis_functional
wanted memcached && learn_service memcached memcached memcached_functional
wanted postgresql && learn_service postgresql postgresql postgresql_functional

finish
