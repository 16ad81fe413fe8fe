#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=600
#
# Attachment by systemd unit (`enforcerctl attach PROFILE --unit NAME`, and
# `PROFILE unit NAME` in the configuration directory). The busybox guest has
# no systemd: a stand-in systemctl answers `systemctl show` as systemd
# would (a unit's Id, LoadState, Slice and, while it runs, ControlGroup),
# and /run/systemd/system says PID 1 is systemd. What is checked is what the
# daemon does with the answers: the unit's cgroup path (default slice,
# nested slice, alias) attached before the unit runs, so the cgroup systemd
# creates at start is confined in mkdir; across restarts of the unit
# (rmdir/mkdir) and of the daemon; units shown in list; refusals (no such
# unit, a template, systemd not running); detach by unit; a declared unit.
# Against real systemd: tests/system/1x-*.sh.
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/lifecycle.sh

trap 'rm -rf /run/systemd' EXIT
install_program /usr/bin/wget
S=$CG/system.slice
mkdir -p $S/sibling.service /run/systemd/system
FAKE=/tmp/fake-systemctl
cat >$FAKE <<'FAKE_END'
#!/bin/sh
# systemctl show --no-pager --property=Id,LoadState,LoadError,Slice,ControlGroup -- UNIT
for a; do unit=$a; done
echo "$*" >>/tmp/systemctl.log
show() {   # show ID SLICE: a loaded unit; ControlGroup while its cgroup exists (it runs)
	cg=
	dir=/sys/fs/cgroup$3/$1
	[ -d "$dir" ] && cg=$3/$1
	printf 'Id=%s\nLoadState=loaded\nLoadError=\nSlice=%s\nControlGroup=%s\n' "$1" "$2" "$cg"
}
case $unit in
app.service) show app.service system.slice /system.slice ;;
web.service) show web.service app-web.slice /app.slice/app-web.slice ;;
ssh.service | sshd.service) show ssh.service system.slice /system.slice ;;
slow.service) sleep 30 ;;
*) printf 'Id=%s\nLoadState=not-found\nLoadError=org.freedesktop.systemd1.NoSuchUnit "Unit %s not found."\nSlice=\nControlGroup=\n' "$unit" "$unit" ;;
esac
FAKE_END
chmod 755 $FAKE

start_daemon --systemctl $FAKE
compile_and_load web '{"name":"web","mode":"enforce","exec":{"default":"allow","rules":[{"action":"deny","path":"/usr/bin/wget"}]}}'

# ---- a unit that does not run yet ---------------------------------------------------------------
out=$(enforcerctl attach web --unit app.service)
expect_eq "attach --unit of a unit that does not run: accepted" 0 $?
expect_contains "... at its cgroup path, attached when systemd creates it" "attached unit app.service: $S/app.service (not running" "$out"
expect_contains "the daemon asked systemctl show" "show --no-pager --property=Id,LoadState,LoadError,Slice,ControlGroup -- app.service" "$(cat /tmp/systemctl.log)"
out=$(enforcerctl list)
expect_contains "list: the unit waits for its cgroup" "waiting $S/app.service" "$out"
expect_contains "list: ... named as the unit" "unit app.service" "$out"
mkdir $S/app.service   # systemctl start: the cgroup, then the first process moved in
expect_eq "the unit started: its first exec is denied" EPERM "$(in_cgroup $S/app.service enf-probe exec /usr/bin/wget)"
expect_eq "a sibling unit: allowed (control)" ok "$(in_cgroup $S/sibling.service enf-probe exec /usr/bin/wget)"
rmdir $S/app.service && mkdir $S/app.service   # systemctl restart
expect_eq "restarted: denied at once" EPERM "$(in_cgroup $S/app.service enf-probe exec /usr/bin/wget)"
i=0
while [ $i -lt 50 ] && ! enforcerctl list | grep -q "attached $S/app.service (cgroup id .*unit app.service"; do sleep 0.1; i=$((i + 1)); done
expect_contains "list: holds, and still the unit's" "attached $S/app.service (cgroup id $(stat -c %i $S/app.service), holds; unit app.service)" "$(enforcerctl list)"

# ---- a nested slice, an alias, a running unit ---------------------------------------------------
out=$(enforcerctl attach web --unit web.service)
expect_contains "a unit in a nested slice: a.slice/a-b.slice" "$CG/app.slice/app-web.slice/web.service" "$out"
mkdir -p $CG/app.slice/app-web.slice/web.service
expect_eq "... denied when it starts" EPERM "$(in_cgroup $CG/app.slice/app-web.slice/web.service enf-probe exec /usr/bin/wget)"
mkdir $S/ssh.service
out=$(enforcerctl attach web --unit sshd.service)
expect_contains "an alias attaches its unit; a running unit holds at once" "attached unit ssh.service: $S/ssh.service (running: attached now)" "$out"
expect_eq "... denied" EPERM "$(in_cgroup $S/ssh.service enf-probe exec /usr/bin/wget)"

# ---- refusals ---------------------------------------------------------------------------------------
out=$(enforcerctl attach web --unit ngnix.service 2>&1)
rc=$?
expect_eq "no such unit: refused" 1 "$rc"
expect_contains "... saying so with systemd's words" "unit ngnix.service does not exist (systemd: org.freedesktop.systemd1.NoSuchUnit \"Unit ngnix.service not found.\")" "$out"
out=$(enforcerctl attach web --unit getty@.service 2>&1)
expect_contains "a template: refused" "is a template: name one of its instances" "$out"
out=$(enforcerctl attach web --unit 'x;y.service' 2>&1)
expect_contains "not a unit name: refused before asking systemd" "is not a unit name" "$out"
expect_eq "... systemctl was not run for it" 0 "$(grep -c 'x;y' /tmp/systemctl.log)"
out=$(enforcerctl attach nosuch --unit app.service 2>&1)
expect_contains "an unknown profile: refused" "no profile named 'nosuch' is loaded" "$out"
t0=$(cut -d' ' -f1 /proc/uptime)
out=$(enforcerctl attach web --unit slow.service 2>&1)
rc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
expect_eq "systemd that does not answer: refused" 1 "$rc"
expect_contains "... saying so" "did not answer within" "$out"
echo "systemctl timeout took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
expect_exit "and the daemon serves on" 0 enforcerctl status

# ---- detach by unit -------------------------------------------------------------------------------
expect_exit "detach --unit web.service" 0 enforcerctl detach --unit web.service
rmdir $CG/app.slice/app-web.slice/web.service && mkdir $CG/app.slice/app-web.slice/web.service
expect_eq "detached unit, restarted: allowed (control)" ok "$(in_cgroup $CG/app.slice/app-web.slice/web.service enf-probe exec /usr/bin/wget)"
expect_eq "list no longer names it" 0 "$(enforcerctl list | grep -c 'web.service')"

# ---- daemon restart: persisted, still followed ------------------------------------------------------
kill9_daemon
rmdir $S/app.service && mkdir $S/app.service
expect_eq "daemon killed, unit restarted: denied" EPERM "$(in_cgroup $S/app.service enf-probe exec /usr/bin/wget)"
rmdir $S/app.service
restart_daemon --systemctl $FAKE
out=$(enforcerctl list)
expect_contains "after a daemon restart: the unit's attachment is back" "unit app.service" "$out"
mkdir $S/app.service
expect_eq "... and its next start is denied" EPERM "$(in_cgroup $S/app.service enf-probe exec /usr/bin/wget)"
expect_contains "state.json records the unit" '"unit": "app.service"' "$(cat $STATE_DIR/state.json)"

# ---- declared in the configuration directory ----------------------------------------------------------
CONF=/tmp/etc-enforcer
mkdir -p $CONF/profiles $CONF/attachments.d
printf '%s\n' '{"name": "db", "mode": "enforce", "exec": {"default": "allow", "rules": [{"action": "deny", "path": "/usr/bin/wget"}]}}' >$CONF/profiles/db.json
printf '# the database\ndb unit web.service\n' >$CONF/attachments.d/db.conf
stop_daemon
restart_daemon --systemctl $FAKE --config-dir $CONF
out=$(enforcerctl list)
expect_contains "a declared unit: attached at start" "unit web.service; declared in $CONF/attachments.d/db.conf:2" "$out"
rmdir $CG/app.slice/app-web.slice/web.service && mkdir $CG/app.slice/app-web.slice/web.service
expect_eq "... its start is denied" EPERM "$(in_cgroup $CG/app.slice/app-web.slice/web.service enf-probe exec /usr/bin/wget)"
out=$(enforcerctl detach --unit web.service 2>&1)
expect_contains "detaching a declared unit live: refused" "is declared in $CONF/attachments.d/db.conf:2" "$out"
printf 'db unit ngnix.service\n' >$CONF/attachments.d/db.conf
out=$(enforcerctl reload 2>&1)
expect_contains "a declared unit that does not exist: the reload is refused at the unit" "db.conf:1:9: unit ngnix.service does not exist" "$out"
expect_eq "... and the unit stays confined" EPERM "$(in_cgroup $CG/app.slice/app-web.slice/web.service enf-probe exec /usr/bin/wget)"

# ---- systemd not running --------------------------------------------------------------------------------
stop_daemon
rm -rf /run/systemd
printf 'db unit web.service\n' >$CONF/attachments.d/db.conf
restart_daemon --systemctl $FAKE --config-dir $CONF
out=$(enforcerctl attach web --unit app.service 2>&1)
expect_contains "without systemd: attach --unit refused" "systemd is not running on this system" "$out"
expect_contains "... and a declared unit refuses the configuration, saying where" "db.conf:1:9: unit web.service: systemd is not running" "$(enforcerctl status)"
expect_eq "... while the persisted state stays in force" EPERM "$(in_cgroup $S/app.service enf-probe exec /usr/bin/wget)"
expect_eq "... the declared one too" EPERM "$(in_cgroup $CG/app.slice/app-web.slice/web.service enf-probe exec /usr/bin/wget)"
expect_exit "attach by path works without systemd" 0 enforcerctl attach web $S/sibling.service
lc_elapsed
finish
