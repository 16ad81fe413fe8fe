#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=300
#
# A task's executable identity for 'from' rules is kept per task
# (enf_exe_id(), exe_ids), keyed by the profile instance among others. A
# start that lost its state may hand an instance id out again, to another
# profile whose exe_id 1 is another executable: the kept identity must not
# be taken for it (the key's attachment generation changes at every start).
# A shell allowed a file 'from' its own binary under the first profile asks
# again under the second, which allows it only from another program.
# Control: the first profile did allow it; the second allows its program.
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/lifecycle.sh

mkdir -p /srv/t82
echo s >/srv/t82/secret
install_program /opt/t82/other
instance_of() { enforcerctl show "$1" | sed -n 's/^ *instance \([0-9]*\),.*/\1/p'; }

start_daemon
compile_and_load fa '{"name":"fa","mode":"enforce","file":{"default":"allow","rules":[
  {"action":"deny","path":"/srv/t82/**","access":["read"]},
  {"action":"allow","path":"/srv/t82/secret","access":["read"],"from":["/bin/busybox"]}]}}'
mkdir -p $CG/t82
expect_exit "attach fa" 0 enforcerctl attach fa $CG/t82
first=$(instance_of fa)
shell_reads_twice $CG/t82 /srv/t82/secret
expect_exit "unload fa" 0 enforcerctl unload fa --force

# The daemon's state is lost: the next start hands instance ids out from the start again.
kill9_daemon
rm -f $STATE_DIR/state.json
restart_daemon
compile_and_load fb '{"name":"fb","mode":"enforce","file":{"default":"allow","rules":[
  {"action":"deny","path":"/srv/t82/**","access":["read"]},
  {"action":"allow","path":"/srv/t82/secret","access":["read"],"from":["/opt/t82/other"]}]}}'
expect_exit "attach fb" 0 enforcerctl attach fb $CG/t82
expect_eq "fb has the instance id fa had (the case this test is about)" "$first" "$(instance_of fb)"
expect_eq "the shell: allowed under fa, denied under fb" "first=ok second=denied" "$(shell_reads_again)"
expect_eq "fb allows its own program (control)" ok "$(in_cgroup $CG/t82 /opt/t82/other open /srv/t82/secret r)"
expect_eq "a new shell under fb is denied (control)" EPERM "$(in_cgroup $CG/t82 enf-probe open /srv/t82/secret r)"
finish
