#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=900
#
# A user's systemd --user is not the service manager (lsm-progs/cgroup.bpf.h,
# current_manager_exe()). The manager's executables are known by inode, and
# a user manager runs PID 1's binary: with a profile on user-UID.slice, the
# user manager and what it forked before exec were taken for PID 1's setup
# and not governed, so a user unit with StandardInput=file:SECRET read a
# file the slice's profile denies, and handed it to `cat` (found by review).
# The manager's tasks are now the ones PID 1 (an ungoverned manager) forks
# or execs the executor in, before the service's exec: a user manager under
# the profile, and what it forks, are the workload's.
#
# Controls: as the user, the secret is refused and a public file read in
# the slice; the same user unit reads the secret when the profile is
# detached (so the route is real and the check would see a leak).
. /enforcer/tests/system/lib/system.sh
. /enforcer/tests/system/lib/declared.sh

U=enfuser14
UID14=1414
SLICE=/sys/fs/cgroup/user.slice/user-$UID14.slice

finish_cleanup() {
	systemctl stop user@$UID14.service >/dev/null 2>&1
	rm -rf /etc/systemd/system/user@$UID14.service.d
	enforcerctl detach $SLICE >/dev/null 2>&1
	rm -rf /srv/t14
}

ready_enforcer
id $U >/dev/null 2>&1 || useradd -m -u $UID14 -s /bin/sh $U
mkdir -p /srv/t14
echo secret14 >/srv/t14/secret
echo public14 >/srv/t14/public
chmod 755 /srv/t14
chmod 644 /srv/t14/secret /srv/t14/public

# The user's unit: the secret on its standard input, opened by the user
# manager's forked child (or its systemd-executor) before cat's exec.
home=$(getent passwd $U | cut -d: -f6)
LEAK=$home/leak # not in a sticky directory: root truncates it (fs.protected_regular)
mkdir -p $home/.config/systemd/user
cat >$home/.config/systemd/user/t14-leak.service <<UNIT
[Service]
Type=oneshot
StandardInput=file:/srv/t14/secret
StandardOutput=append:$LEAK
ExecStart=/bin/cat
UNIT
chown -R $U: $home/.config
touch $LEAK
chown $U: $LEAK

printf '%s\n' '{"name":"t14","mode":"enforce","file":{"default":"allow","rules":[
  {"action":"deny","path":"/srv/t14/secret","access":["read"]}]}}' >"$ENFORCER_TMP/t14.json"
expect_exit "policyc compile t14" 0 policyc compile "$ENFORCER_TMP/t14.json" -o "$ENFORCER_TMP/t14.pol"
expect_exit "enforcerctl load t14" 0 enforcerctl load "$ENFORCER_TMP/t14.pol"
# The image has no pam_systemd, which would set XDG_RUNTIME_DIR for the user manager.
mkdir -p /etc/systemd/system/user@$UID14.service.d
printf '[Service]\nEnvironment=XDG_RUNTIME_DIR=/run/user/%s\n' $UID14 >/etc/systemd/system/user@$UID14.service.d/t14.conf
systemctl daemon-reload
if systemctl start user@$UID14.service; then
	pass "the user's manager starts"
else
	fail "the user's manager does not start: $(journalctl --no-pager -b -u user@$UID14.service \
		-u user-runtime-dir@$UID14.service -n 30 2>&1)"
	finish
fi
expect_exit "attach t14 to the user's slice" 0 enforcerctl attach t14 $SLICE

# as_user CMD...: CMD as the user, in a scope of the user's slice (governed by t14).
as_user() {
	systemd-run --scope -q --slice=user-$UID14.slice \
		setpriv --reuid=$UID14 --regid=$UID14 --init-groups \
		env HOME=$home XDG_RUNTIME_DIR=/run/user/$UID14 "$@"
}
expect_contains "in the slice the user's cat of the secret is refused (control)" "Operation not permitted" \
	"$(as_user cat /srv/t14/secret 2>&1)"
expect_eq "... and a public file reads (control)" public14 "$(as_user cat /srv/t14/public 2>&1)"

# leak_attempt: reload the user's units and start t14-leak; what it appended to $LEAK.
leak_attempt() {
	: >$LEAK
	as_user systemctl --user daemon-reload >/dev/null 2>&1
	as_user systemctl --user start t14-leak.service >/dev/null 2>&1
	cat $LEAK
}
got=$(leak_attempt)
if [ "$got" = secret14 ]; then
	fail "a user unit read the secret the user's slice denies, through the user manager"
else
	pass "a user unit cannot read the secret the user's slice denies (got '${got}')"
fi
as_user systemctl --user status t14-leak.service 2>&1 | tail -n 5 | sed 's/^/    t14-leak: /'

# A unit that reads nothing denied cannot start either, under the slice's
# profile (docs/bypasses.md, Known limits: fail closed): the user manager's
# child is the workload's, and may not move itself into the unit's cgroup
# (systemd 252: status 219/CGROUP) nor exec systemd-executor, one of the
# manager's files (255 on). The same unit runs without the profile (below).
cat >$home/.config/systemd/user/t14-ok.service <<UNIT
[Service]
Type=oneshot
ExecStart=/bin/true
UNIT
chown $U: $home/.config/systemd/user/t14-ok.service
as_user systemctl --user daemon-reload >/dev/null 2>&1
expect_exit "a user unit that reads nothing denied cannot start under the slice's profile (known limit)" 1 \
	as_user systemctl --user start t14-ok.service

expect_exit "detach t14" 0 enforcerctl detach $SLICE
expect_eq "without the profile the same unit reads the secret (control: the route is real)" secret14 "$(leak_attempt)"
expect_exit "without the profile the unit that reads nothing runs (control)" 0 as_user systemctl --user start t14-ok.service
finish
