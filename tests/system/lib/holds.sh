# SPDX-License-Identifier: GPL-2.0-only
# The attacks every profile test runs from inside its service's cgroup
# (profile_holds), as root and as the service's user: code execution in the
# workload trying to run a shell or an interpreter, to download and run a
# binary (exec, and mapping it executable), to write what the service must
# only read, to read what is not its own, to reach the network beyond its
# ports, to have the kernel load a module or run request-key, to write into
# the stdin pipe of a shell of the same user outside, to stop a process of
# the same user outside, and (as root)
# to have the kernel run a program of its own, to make a device node for
# the disk, to set file capabilities or an ACL, to clear a read-only
# mount's flag, to take the I/O ports, to swap on a file of its own, or to ask the service manager for
# another unit. Each is refused
# with EPERM and an event naming the rule, the default or the baseline
# (attack(), lib/profile.sh), beside the same operation succeeding outside
# the cgroup; the helpers the kernel would run are watched instead
# (helper_ran()).
#
# Only the engine must stand between the attack and its object, so DAC is
# opened where it would refuse first (/etc/shadow readable, the other
# service's file readable, the target the service must not write writable
# by its user): the guest is a throwaway (-snapshot), and holds_restore puts
# the modes back for the tests after this one.

HOLDS_SAVED=()

# loosen MODE PATH...: chmod PATH, remembering its mode for holds_restore.
loosen() {
	local mode=$1 p
	shift
	for p in "$@"; do
		HOLDS_SAVED+=("$(stat -c %a "$p") $p")
		chmod "$mode" "$p"
	done
}

holds_restore() {
	local e
	for e in "${HOLDS_SAVED[@]}"; do
		chmod "${e%% *}" "${e#* }"
	done
	HOLDS_SAVED=()
	ip addr del 169.254.169.254/32 dev lo 2>/dev/null
	ip addr del 192.0.2.10/32 dev lo 2>/dev/null
	[ -n "${HOLDS_SERVERS:-}" ] && kill $HOLDS_SERVERS 2>/dev/null
	HOLDS_SERVERS=
}

# holds_network_peers: the cloud metadata address and an "outside" address
# (TEST-NET-1) put on lo, each with a server, so the controls connect for
# real: the guest has no other network. (A server on port 80 already
# listening on every address, nginx, takes 169.254.169.254:80 itself.)
holds_network_peers() {
	local a
	for a in 169.254.169.254:80 192.0.2.10:443; do
		ip addr add "${a%:*}/32" dev lo 2>/dev/null
		"$NET" serve tcp "${a%:*}" "${a#*:}" >/dev/null 2>&1 &
		HOLDS_SERVERS="$HOLDS_SERVERS $!"
	done
	sleep 1
}

# download_and_run WHO DIR: a "downloaded" binary (a copy of enf-probe, read
# before confinement) written to DIR from inside the cgroup. Refused there,
# the write is the attack that failed; written, running it, running it
# through the dynamic loader and mapping it executable must each be refused.
# The controls write and run the same binary outside the cgroup.
download_and_run() {
	local who=$1 dir=$2 as ctl drop out ld dir_noexec=0
	as=$(uid_gid "$who")
	ld=$(readlink -f /lib64/ld-linux-x86-64.so.2)
	ctl=$dir/enf-downloaded-control-$who
	drop=$dir/enf-downloaded-$who
	out=$("$PROBE" --as "$as" --payload "$PROBE" drop "$ctl" 2>&1)
	if [ "$out" != ok ]; then
		echo "[$who] $dir: not writable for $who outside the cgroup either ($out): no download there"
		return
	fi
	out=$("$PROBE" --as "$as" exec "$ctl" 2>&1)
	rm -f "$ctl"
	if [ "$out" != ok ]; then
		# The kernel refuses it before any LSM (noexec mount): nothing for the profile to prove.
		echo "[$who] $dir: a binary there does not run outside the cgroup either ($out, a noexec mount)"
		dir_noexec=1
	fi
	out=$("$PROBE" --cgroup "$HOLDS_CGROUP" --as "$as" --payload "$PROBE" drop "$drop" 2>&1)
	if [ "$out" != ok ]; then
		rm -f "$drop"
		ATTACK_RESET="rm -f '$drop'" attack "$who" "write a downloaded binary to $dir" "\"path\":\"$drop\"" \
			"$PROBE" --payload "$PROBE" drop "$drop"
		rm -f "$drop"
		return
	fi
	echo "[$who] a downloaded binary was written to $drop inside the cgroup (the profile lets it write $dir)"
	if [ $dir_noexec -eq 1 ]; then
		rm -f "$drop"
		return
	fi
	attack "$who" "run the downloaded binary $drop" "\"path\":\"$drop\"|\"access\":\"exec\"" \
		"$PROBE" exec "$drop"
	attack "$who" "run it through the dynamic loader" "\"path\":\"$ld\"|\"access\":\"exec\"" \
		"$PROBE" exec "$ld" "$drop"
	# Mapping needs a descriptor open for reading: where the profile lets the service write
	# but not read (its logs), the open is what is refused (hook file_open), else the mapping.
	attack "$who" "map it executable (open, mmap PROT_EXEC)" "\"path\":\"$drop\"" \
		"$PROBE" mmapx "$drop"
	rm -f "$drop"
}

# helper_ran WHO DESC HELPER WANT HOOKS PROBE ARGS...: having the kernel run
# a helper as root, outside every profile, on the workload's behalf. A
# recorder (below) stands in for HELPER. The control (PROBE ARGS outside the
# cgroup) must make it run with arguments matching the regular expression
# WANT; the same from inside must not, with a deny event whose hook is one
# of HOOKS ('a|b'). In ARGS, {} is "out" for the control and "in" inside (a
# name the kernel remembers is asked for afresh).
HELPER_LOG=/tmp/enf-holds-helper.log
helper_ran() {
	local who=$1 desc=$2 helper=$3 want=$4 hooks=$5 probe=$6 as=() out mark ev wait hook
	shift 6
	[ "$who" != root ] && as=(--as "$(uid_gid "$who")")
	rm -f "$HELPER_LOG"
	"$probe" "${as[@]}" "${@//\{\}/out}" >/dev/null 2>&1
	if ! grep -qE -- "$want" "$HELPER_LOG" 2>/dev/null; then
		fail "[$who] $desc: the control outside the cgroup must run $helper with '$want'; it ran with: $(cat "$HELPER_LOG" 2>/dev/null)"
		return
	fi
	rm -f "$HELPER_LOG"
	mark=$(log_mark)
	out=$("$probe" --cgroup "$HOLDS_CGROUP" "${as[@]}" "${@//\{\}/in}" 2>&1)
	for wait in 0.1 0.2 0.4 0.8 1.8; do
		sleep "$wait"
		for hook in ${hooks//|/ }; do
			ev=$(event_of "$mark" "\"profile\":\"$HOLDS_PROFILE\"" '"verdict":"deny"' "\"hook\":\"$hook\"")
			[ -n "$ev" ] && break 2
		done
	done
	# (Only WANT counts: the node's other tasks may run the helper meanwhile.)
	if grep -qE -- "$want" "$HELPER_LOG" 2>/dev/null; then
		fail "[$who] $desc: $helper ran for the request from inside $HOLDS_CGROUP ($out): $(cat "$HELPER_LOG")"
	elif [ -z "$ev" ]; then
		fail "[$who] $desc: $helper did not run ($out), but no deny event of $hooks: $(log_since "$mark" | head -c 1500)"
	else
		HOLDS_HELPERS=$((HOLDS_HELPERS + 1))
		pass "[$who] $desc: $helper ran for the control outside, not from inside ($out); $hook event"
	fi
}

# recorder PATH [REAL]: a script at PATH standing in for a helper: it appends
# its arguments to $HELPER_LOG, then runs REAL, the helper it stands in for
# (or fails as a helper that found nothing), so that one left behind by a
# test that was killed still does the helper's work.
recorder() {
	printf '#!/bin/sh\necho "$*" >>%s\n[ -x "%s" ] && exec "%s" "$@"\nexit 1\n' "$HELPER_LOG" "${2:-}" "${2:-}" >"$1"
	chmod 755 "$1"
}

# module_request WHO DESC NAME HOOKS NET-ARGS...: having the kernel load a
# module (baseline "modules"): modprobe, at the path kernel.modprobe names,
# asked for NAME by enf-net NET-ARGS; HOOKS as helper_ran's (the profile's
# network rules may refuse a socket before the kernel looks for a module).
module_request() {
	local who=$1 desc=$2 name=$3 hooks=$4 saved rec=/tmp/enf-holds-modprobe
	shift 4
	saved=$(cat /proc/sys/kernel/modprobe)
	recorder "$rec" "$saved"
	echo "$rec" >/proc/sys/kernel/modprobe
	helper_ran "$who" "$desc" modprobe " $name\$" "$hooks" "$NET" "$@"
	echo "$saved" >/proc/sys/kernel/modprobe
	rm -f "$rec" "$HELPER_LOG"
}

# key_upcall WHO: request_key(2) of a key nobody holds, with callout text,
# has the kernel run /sbin/request-key (baseline "helpers"; the path is
# compiled in, and keyutils is not installed here). Its arguments are
# "create KEY UID GID ...": only WHO's requests count.
key_upcall() {
	local who=$1 helper=/sbin/request-key saved=
	if [ -e $helper ]; then
		saved=$(mktemp)
		cp -p $helper "$saved"
	fi
	recorder $helper "$saved"
	helper_ran "$who" "request a key that /sbin/request-key would construct" /sbin/request-key \
		"^create [0-9]+ $(id -u "$who") " 'baseline:key-upcall' "$BASELINE" request-key user "enf-holds-$who-{}" callout
	if [ -n "$saved" ]; then
		cp -p "$saved" $helper
		rm -f "$saved"
	else
		rm -f $helper
	fi
	rm -f "$HELPER_LOG"
}

# shell_stdin WHO: a shell of WHO's outside every profile that runs what
# arrives on its stdin, a pipe (... | sh): /proc/PID/fd/0 names the pipe's
# write end to whoever may read the process (ptrace read mode), and what is
# written there runs outside the profile. Baseline ptrace-read; the kernel
# makes the refused read EACCES. The control opens the same for writing.
shell_stdin() {
	local who=$1 pids=/tmp/enf-holds-reader uid gid
	uid=$(id -u "$who")
	gid=$(id -g "$who")
	rm -f $pids.*
	setpriv --reuid="$uid" --regid="$gid" --clear-groups sh -c \
		"sh -c 'echo \$\$ >$pids.feeder; exec sleep 1000' | sh -c 'echo \$\$ >$pids.shell; exec sh'" 2>/dev/null &
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ -s $pids.shell ] && [ -s $pids.feeder ] && break
		sleep 0.1
	done
	ATTACK_ERRNO=EACCES attack "$who" "open the stdin pipe of a shell of $who outside the profile (/proc/PID/fd/0)" \
		'"hook":"baseline:ptrace-read"|"reason":"domain"' "$PROBE" open "/proc/$(cat $pids.shell)/fd/0" w
	{ kill "$(cat $pids.shell)" "$(cat $pids.feeder)"; wait $!; } 2>/dev/null
	rm -f $pids.*
}

# signal_outside WHO: SIGSTOP to a process of WHO's outside every profile
# (baseline signal), by kill(2) and through file ownership: the same
# user's, so only the engine stands between.
# The control stops it outside; the reset lets it go on.
signal_outside() {
	local who=$1 pid uid
	uid=$(id -u "$who")
	setpriv --reuid="$uid" --regid="$(id -g "$who")" --clear-groups sleep 1000 &
	pid=$!
	# Until setpriv has become the user (its /proc directory is then the
	# user's): a signal before that is refused by the kernel, the control
	# with it (seen in CI once an attack asked no id before its control).
	for _ in $(seq 50); do
		[ "$(stat -c %u /proc/$pid 2>/dev/null)" = "$uid" ] && break
		sleep 0.1
	done
	ATTACK_RESET="kill -CONT $pid" attack "$who" "stop a process of $who outside the profile (SIGSTOP)" \
		'"hook":"baseline:signal"|"reason":"domain"' "$BASELINE" kill "$pid" 19
	ATTACK_RESET="kill -CONT $pid" attack "$who" "stop a process of $who outside the profile through file ownership (F_SETOWN, F_SETSIG)" \
		'"hook":"baseline:sigio"|"reason":"domain"' "$BASELINE" sigio-stop "$pid"
	{ kill -KILL "$pid"; wait "$pid"; } 2>/dev/null # KILL: stopped, were the attack to go through
}

# profile_holds PROFILE SERVICE DROP_DIRS WRITE_TARGET OTHER_DATA
#   DROP_DIRS     directories where a downloaded binary may land: where the
#                 service may write, and where its user could but the profile refuses
#   WRITE_TARGET  a file the service must not write (web root, its configuration)
#   OTHER_DATA    a file of another service the service must not read
profile_holds() {
	local profile=$1 svc=$2 drop_dirs=$3 target=$4 other=$5 user who t0 d
	HOLDS_PROFILE=$profile
	HOLDS_CGROUP=$(service_task_cgroup "$svc")
	user=$(service_user "$svc")
	uid_gid_known "$user"
	t0=$(date +%s)
	holds_network_peers
	loosen o+r /etc/shadow
	loosen o+rw "$target"
	loosen o+r "$other"
	d=${other%/*}
	while [ "$d" != / ] && [ -n "$d" ]; do
		loosen o+x "$d"
		d=${d%/*}
		[ -z "$d" ] && break
	done
	for who in root "$user"; do
		attack "$who" "spawn /bin/sh" '"path":"/usr/bin/dash"|"access":"exec"' \
			"$PROBE" exec /bin/sh -c true
		attack "$who" "run another interpreter (perl)" '"access":"exec"|"path":"/usr/bin/perl' \
			"$PROBE" exec /usr/bin/perl -e 1
		for d in $drop_dirs; do
			download_and_run "$who" "$d"
		done
		attack "$who" "write $target" "\"path\":\"$target\"|\"access\":\"write\"" \
			"$PROBE" open "$target" a
		attack "$who" "read /etc/shadow" '"path":"/etc/shadow"|"access":"read"' \
			"$PROBE" open /etc/shadow r
		attack "$who" "read another service's data ($other)" "\"path\":\"$other\"|\"access\":\"read\"" \
			"$PROBE" open "$other" r
		attack "$who" "connect to the cloud metadata address 169.254.169.254:80" \
			'"op":"connect"|"addr":"169.254.169.254"' "$NET" connect tcp 169.254.169.254 80 noecho
		attack "$who" "connect to an outside address (192.0.2.10:443)" \
			'"op":"connect"|"addr":"192.0.2.10"' "$NET" connect tcp 192.0.2.10 443 noecho
		attack "$who" "bind a new port (tcp 0.0.0.0:4444)" '"op":"bind"|"port":4444' \
			"$NET" bind tcp 0.0.0.0 4444
		# AF_DECnet (12): no kernel registers it any more, so every socket asks.
		module_request "$who" "have the kernel load a module for a socket family (net-pf-12)" net-pf-12 \
			'baseline:module-request|socket_create' create 12 dgram
		key_upcall "$who"
		shell_stdin "$who"
		signal_outside "$who"
	done
	module_request root "have the kernel load any module by name (an interface lookup: netdev-enfholds, enfholds)" \
		enfholds baseline:module-request ifindex enfholds
	# What has the kernel run a program of the workload's choice as root (the
	# confinement baseline; opened for writing, nothing is written): a sysctl,
	# and binfmt_misc's register, which the initramfs guests cannot try (no
	# module there). systemd mounts binfmt_misc at the control's first access.
	attack root "open kernel.core_pattern for writing" '"hook":"baseline:helper-write"|"reason":"baseline"' \
		"$PROBE" open /proc/sys/kernel/core_pattern w
	attack root "open a module parameter for writing (/sys/module/printk/parameters/time)" \
		'"hook":"baseline:helper-write"|"reason":"baseline"' "$PROBE" open /sys/module/printk/parameters/time w
	attack root "open binfmt_misc's register for writing (an interpreter for every exec on the node)" \
		'"hook":"baseline:helper-write"|"reason":"baseline"' "$PROBE" open /proc/sys/fs/binfmt_misc/register w
	# A node of its own for the disk under the root file system: a new name
	# for the raw bytes of every file the rules deny (baseline device-nodes).
	local disk
	disk=$(mountpoint -d /)
	ATTACK_RESET="rm -f /tmp/enf-holds-disk" attack root \
		"make a node for the root file system's disk ($disk) in /tmp" \
		'"hook":"baseline:device-node"|"reason":"baseline"' "$PROBE" mknod /tmp/enf-holds-disk b "${disk%:*}" "${disk#*:}"
	rm -f /tmp/enf-holds-disk
	# Attributes no path rule sees (baseline xattrs): file capabilities, a
	# privilege for whoever runs the file on the node, and an ACL, which
	# gives any user access. The control's are removed before the try.
	cp "$PROBE" /tmp/enf-holds-cap
	ATTACK_RESET="$BASELINE removexattr /tmp/enf-holds-cap security.capability >/dev/null" attack root \
		"give a program file capabilities (setcap cap_net_raw)" '"hook":"baseline:xattr"|"reason":"baseline"' \
		"$BASELINE" setxattr /tmp/enf-holds-cap security.capability fcap
	echo data >/tmp/enf-holds-acl
	ATTACK_RESET="$BASELINE removexattr /tmp/enf-holds-acl system.posix_acl_access >/dev/null" attack root \
		"give nobody write access to a file by an ACL (setfacl)" '"hook":"baseline:xattr"|"reason":"baseline"' \
		"$BASELINE" setxattr /tmp/enf-holds-acl system.posix_acl_access acl
	rm -f /tmp/enf-holds-cap /tmp/enf-holds-acl
	# A read-only bind mount, made to protect a directory, its flag cleared by
	# mount_setattr (no LSM hook: refused at its CAP_SYS_ADMIN check). The
	# control clears it outside; the reset sets it again.
	mkdir -p /tmp/enf-holds-ro
	mount --bind /tmp/enf-holds-ro /tmp/enf-holds-ro && mount -o remount,bind,ro /tmp/enf-holds-ro
	ATTACK_RESET="$BASELINE mount-setattr /tmp/enf-holds-ro ro >/dev/null" attack root \
		"clear a read-only bind mount's flag (mount_setattr)" '"hook":"baseline:mount-setattr"|"reason":"baseline"' \
		"$BASELINE" mount-setattr /tmp/enf-holds-ro rw
	umount /tmp/enf-holds-ro
	rmdir /tmp/enf-holds-ro
	# What kernel lockdown refuses root (the guests boot without it): every I/O
	# port, the disk controller's among them, which read any sector past the
	# file rules. A syscall, so no file rule of the profile decides it.
	attack root "take every I/O port (iopl 3)" '"hook":"baseline:lockdown"|"reason":"baseline"' "$BASELINE" iopl
	# A swap file of its own, where the kernel then writes every process's
	# memory for it to read back (baseline mount, at swapon's capability
	# check). The control swaps on it outside; the reset turns it off.
	local swap=/var/tmp/enf-holds-swap
	if dd if=/dev/zero of=$swap bs=1M count=16 status=none && chmod 600 $swap && mkswap $swap >/dev/null; then
		ATTACK_RESET="swapoff $swap" attack root "swap to a file of its own (swapon)" \
			'"hook":"baseline:swap"|"reason":"baseline"' "$BASELINE" swapon $swap
		swapoff $swap 2>/dev/null
	else
		fail "cannot make the swap file $swap for the swapon attack"
	fi
	rm -f $swap
	# The service manager builds whatever sandbox a unit file says, from root's
	# requests on its private socket (docs/bypasses.md): the workload may not ask.
	# systemd takes requests there from root only; the control connects as root.
	attack root "connect to the service manager's socket /run/systemd/private" \
		'"path":"/run/systemd/private"|"access":"write"' "$NET" unix-connect /run/systemd/private noecho
	holds_restore
	echo "$profile: $HOLDS_DENIED attacks refused (EPERM, or EACCES where /proc says so), $HOLDS_EVENTS with their event;" \
		"$HOLDS_HELPERS helpers the kernel would have run, not run, with their event; in $(($(date +%s) - t0)) s"
}
