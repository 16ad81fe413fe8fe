#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Audit mode over the bypass table: every operation the enforce-mode tests
# deny runs, and each produces exactly one would-deny event; nothing is
# denied.
. /enforcer/tests/integration/lib/lib.sh

mkdir -p /srv/secret /srv/vault /mnt/b /opt/t/bin
echo secret >/srv/secret/data
echo v >/srv/vault/f
ln -s /srv/secret/data /tmp/sym
ln /srv/secret/data /srv/hardlink
mount --bind /srv/secret /mnt/b
install_program /opt/t/bin/denied
install_program /opt/t/bin/allowed
ln -s /opt/t/bin/denied /opt/t/link-denied

start_daemon
compile_and_load table '{"name":"table","mode":"audit",
 "exec":{"default":"allow","fileless":"deny","rules":[{"action":"deny","path":"/opt/t/bin/denied"}]},
 "file":{"default":"allow","rules":[
  {"action":"deny","path":"/srv/secret/data","access":["read","write"]},
  {"action":"deny","path":"/srv/vault/**","access":["read","create"]}]}}'
mkdir -p $CG/t23
expect_exit "attach" 0 enforcerctl attach table $CG/t23
c() { in_cgroup $CG/t23 enf-probe "$@"; }

n=0
run_case() { # DESCRIPTION PROBE-ARGS...
	desc=$1
	shift
	expect_eq "audit mode lets it run: $desc" ok "$(c "$@")"
	n=$((n + 1))
}
run_case "read denied file" open /srv/secret/data r
run_case "read via symlink" open /tmp/sym r
run_case "read via hard link" open /srv/hardlink r
run_case "read via bind mount" open /mnt/b/data r
run_case "read via /proc/self/root" open /proc/self/root/srv/secret/data r
run_case "write denied file" open /srv/secret/data w
run_case "read in denied subtree" open /srv/vault/f r
run_case "create in denied subtree" create /srv/vault/new
run_case "exec denied binary" exec /opt/t/bin/denied
run_case "exec via symlink" exec /opt/t/link-denied
run_case "exec via execveat(fd)" execfd /opt/t/bin/denied
run_case "fileless exec" execmemfd /opt/t/bin/allowed

sleep 1
would=$(grep -c '"verdict":"would-deny"' "$AUDIT_LOG")
expect_eq "one would-deny event per operation" "$n" "$would"
expect_eq "nothing was denied" 0 "$(grep -c '"verdict":"deny"' "$AUDIT_LOG")"
expect_eq "every would-deny returned 0" "$would" "$(grep '"verdict":"would-deny"' "$AUDIT_LOG" | grep -c '"errno":0')"
expect_eq "control: an allowed exec leaves no event" ok "$(c exec /opt/t/bin/allowed)"
sleep 0.5
expect_eq "...still $n events" "$n" "$(grep -c '"verdict":"would-deny"' "$AUDIT_LOG")"
finish
