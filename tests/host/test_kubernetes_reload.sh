#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The DaemonSet's config-reload container (packaging/kubernetes/daemonset.yaml),
# its script as the manifest has it, run here against a directory that
# changes the way the kubelet changes a ConfigMap volume (a new timestamped
# directory, a new ..data link renamed over the old one) and a stand-in
# enforcerctl that logs each call and exits as told:
#   - one reload once the watch is set up, retried while enforcerctl exits 3
#     (the daemon does not answer yet), then one per change;
#   - a refused reload (exit status 1) is not retried;
#   - other names renamed in the directory reload nothing;
#   - when inotifywait ends, the script exits non-zero (to be restarted).
# The two paths of the script (the volume, enforcerctl) are replaced by this
# test's; everything else runs as written, with Debian's inotify-tools and dash.
# Prints PASS/FAIL lines.
set -u
cd "$(dirname "$0")/../.."
. tests/host/lib/check.sh
T=$(mktemp -d)
pid=""
trap '[[ -z $pid ]] || kill "$pid" 2>/dev/null; rm -rf "$T"' EXIT

cache=.cache/kubernetes-validate
for tool in inotifywait dash node; do
	command -v $tool >/dev/null || check "reload: $tool is installed" 1 "missing: run scripts/install-deps.sh"
done
[[ -d $cache/node_modules/js-yaml ]] || check "reload: js-yaml is installed" 1 "missing: run scripts/install-deps.sh"
[[ $failed -eq 0 ]] || finish

# The script of the container config-reload.
mkdir -p "$T/v" && ln -s "$(pwd)/$cache/node_modules" "$T/v/node_modules"
cat >"$T/v/script.mjs" <<'EOF'
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
const ds = yaml.loadAll(readFileSync(process.argv[2], "utf8")).find((d) => d?.kind === "DaemonSet");
const c = ds.spec.template.spec.containers.find((x) => x.name === "config-reload");
if (c.command[0] !== "/bin/sh" || c.command[1] !== "-c" || c.command.length !== 3) process.exit(1);
process.stdout.write(c.command[2]);
EOF
script=$(node "$T/v/script.mjs" packaging/kubernetes/daemonset.yaml)
check "reload: the config-reload container runs a /bin/sh -c script" $? "its command is not [/bin/sh, -c, SCRIPT]"
for path in /etc/enforcer/configmap /usr/sbin/enforcerctl; do
	grep -qF "$path" <<<"$script"
	check "reload: the script uses $path" $? "$script"
done
vol=$T/configmap
script=${script//\/etc\/enforcer\/configmap/$vol}
script=${script//\/usr\/sbin\/enforcerctl/$T/enforcerctl}

# The stand-in: logs "reload" and exits with the next status of $T/rcs (0 when none is left).
cat >"$T/enforcerctl" <<EOF
#!/bin/sh
echo "\$*" >>"$T/calls"
rc=\$(head -n 1 "$T/rcs")
sed -i 1d "$T/rcs"
exit \${rc:-0}
EOF
chmod +x "$T/enforcerctl"
: >"$T/calls"

# update N: the kubelet's update, as its AtomicWriter makes it.
mkdir -p "$vol"
update() {
	mkdir "$vol/..ts$1"
	echo "{}" >"$vol/..ts$1/web.json"
	ln -s "..ts$1" "$vol/..data_tmp"
	mv -T "$vol/..data_tmp" "$vol/..data"
}
update 0
calls() { wc -l <"$T/calls"; }
# wait_calls N: up to 20 s for N calls in all.
wait_calls() {
	for _ in $(seq 200); do
		[[ $(calls) -ge $1 ]] && return 0
		sleep 0.1
	done
	return 1
}

printf '3\n0\n' >"$T/rcs"
dash -c "$script" >"$T/out" 2>&1 &
pid=$!
wait_calls 2
check "reload: once the watch is set up, reloads, retrying while the daemon does not answer (exit 3)" $? \
	"$(calls) call(s): $(cat "$T/calls"); output: $(cat "$T/out")"
grep -qx reload "$T/calls"
check "reload: it runs 'enforcerctl reload'" $? "calls: $(cat "$T/calls")"

update 1
wait_calls 3
check "reload: a change of the ConfigMap reloads" $? "$(calls) call(s)"

echo 1 >"$T/rcs"
update 2
wait_calls 4
check "reload: the next change reloads too" $? "$(calls) call(s)"
sleep 6
[[ $(calls) -eq 4 ]]
check "reload: a refused configuration (exit 1) is not retried" $? "$(calls) call(s) after 6 s"

touch "$vol/..ts2/other"
mv "$vol/..ts2/other" "$vol/renamed"
sleep 1
[[ $(calls) -eq 4 ]]
check "reload: another name renamed in the volume reloads nothing" $? "$(calls) call(s)"

update 3
wait_calls 5
check "reload: and a later change reloads again" $? "$(calls) call(s)"

# inotifywait's end ends the script, non-zero.
watcher=$(pgrep -P "$pid" -x inotifywait)
[[ -n $watcher ]] && kill "$watcher"
rc=0
for _ in $(seq 50); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
wait "$pid" 2>/dev/null || rc=$?
pid=""
check "reload: when inotifywait ends, the script exits non-zero" $([[ -n $watcher && $rc -ne 0 ]]; echo $?) \
	"inotifywait pid '${watcher}', exit status $rc; output: $(cat "$T/out")"

finish
