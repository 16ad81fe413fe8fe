#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Exec denials hold against the usual bypasses: a symlink, a hard link,
# /proc/self/fd after O_PATH, execveat(fd), and fileless exec from a memfd;
# an allow-list denies a copy made before the profile was attached. Each
# denial has its control beside it: the same operation on an allowed binary,
# or outside the cgroup.
. /enforcer/tests/integration/lib/lib.sh

install_program /opt/t/bin/denied
install_program /opt/t/bin/allowed
ln -s /opt/t/bin/denied /opt/t/link-denied
ln /opt/t/bin/denied /opt/t/hard-denied
ln /opt/t/bin/allowed /opt/t/hard-allowed
cp /opt/t/bin/denied /opt/t/copy-of-denied
printf '#!/bin/sh\necho script ran\n' >/opt/t/ok.sh
printf '#!/bin/sh\necho script ran\n' >/opt/t/bad.sh
chmod 755 /opt/t/ok.sh /opt/t/bad.sh

start_daemon
compile_and_load denylist '{"name":"denylist","mode":"enforce","exec":{"default":"allow","fileless":"deny","rules":[
  {"action":"deny","path":"/opt/t/bin/denied"}]}}'
mkdir -p $CG/t20a
expect_exit "attach denylist" 0 enforcerctl attach denylist $CG/t20a
c() { in_cgroup $CG/t20a enf-probe "$@"; }

expect_eq "path: denied" EPERM "$(c exec /opt/t/bin/denied)"
expect_eq "path: allowed (control)" ok "$(c exec /opt/t/bin/allowed)"
expect_eq "symlink to the denied binary" EPERM "$(c exec /opt/t/link-denied)"
expect_eq "hard link to the denied binary" EPERM "$(c exec /opt/t/hard-denied)"
expect_eq "hard link to the allowed binary (control)" ok "$(c exec /opt/t/hard-allowed)"
expect_eq "/proc/self/fd/N after O_PATH: denied" EPERM "$(c execpath /opt/t/bin/denied)"
expect_eq "/proc/self/fd/N after O_PATH: allowed (control)" ok "$(c execpath /opt/t/bin/allowed)"
expect_eq "execveat(fd, AT_EMPTY_PATH): denied" EPERM "$(c execfd /opt/t/bin/denied)"
expect_eq "execveat(fd, AT_EMPTY_PATH): allowed (control)" ok "$(c execfd /opt/t/bin/allowed)"
expect_eq "memfd exec with fileless: deny" EPERM "$(c execmemfd /opt/t/bin/allowed)"
expect_eq "a copy is another file: a deny-list does not name it" ok "$(c exec /opt/t/copy-of-denied)"
expect_eq "outside the cgroup: denied binary runs (control)" ok "$(enf-probe exec /opt/t/bin/denied)"
expect_eq "outside the cgroup: memfd exec runs (control)" ok "$(enf-probe execmemfd /opt/t/bin/allowed)"
expect_eq "confined: prctl(PR_SET_MM) cannot fake the executable" EPERM "$(c prctl-exe /opt/t/bin/allowed)"
wait_for_log '"reason":"fileless"' || true
line=$(grep '"reason":"fileless"' "$AUDIT_LOG" | head -n 1)
expect_contains "fileless exec is logged as such" '"path":"/memfd:payload' "$line"
expect_contains "hard link denial is logged with the name used" '"path":"/opt/t/hard-denied"' "$(grep 'hard-denied' "$AUDIT_LOG" | head -n 1)"

# An allow-list: only the listed binaries run. busybox (sh) and the probe are listed.
compile_and_load allowlist '{"name":"allowlist","mode":"enforce","exec":{"default":"deny","rules":[
  {"action":"allow","path":"/bin/busybox"},
  {"action":"allow","path":"/enforcer/tests/guest/enf-probe"},
  {"action":"allow","path":"/opt/t/bin/allowed"},
  {"action":"allow","path":"/opt/t/ok.sh"}]}}'
mkdir -p $CG/t20b
expect_exit "attach allowlist" 0 enforcerctl attach allowlist $CG/t20b
a() { in_cgroup $CG/t20b enf-probe "$@"; }
expect_eq "allow-list: listed binary runs" ok "$(a exec /opt/t/bin/allowed)"
expect_eq "allow-list: copy made before attach is denied" EPERM "$(a exec /opt/t/copy-of-denied)"
expect_eq "allow-list: unlisted binary is denied" EPERM "$(a exec /opt/t/bin/denied)"
expect_eq "allow-list: allowed script with allowed interpreter runs" ok "$(a exec /opt/t/ok.sh)"
expect_eq "allow-list: unlisted script is denied" EPERM "$(a exec /opt/t/bad.sh)"
expect_eq "allow-list: memfd exec falls to the default (deny)" EPERM "$(a execmemfd /opt/t/bin/allowed)"
out=$(in_cgroup $CG/t20b /opt/t/ok.sh 2>&1)
expect_eq "allow-list: the script really ran" "script ran" "$out"

# A deny-list whose fileless setting allows (here: the exec default, as
# none is set): a binary a rule denies, unlinked after the task took a
# descriptor of it, is decided by the name it had, not as fileless.
for f in gone gone-ok gone-out; do install_program /opt/t/bin/$f; done
compile_and_load unlinked '{"name":"unlinked","mode":"enforce","exec":{"default":"allow","rules":[
  {"action":"deny","path":"/opt/t/bin/gone"},{"action":"deny","path":"/opt/t/bin/gone-out"}]}}'
mkdir -p $CG/t20c
expect_exit "attach unlinked" 0 enforcerctl attach unlinked $CG/t20c
g() { in_cgroup $CG/t20c enf-probe "$@"; }
expect_eq "unlinked deny-list: the denied binary by its path" EPERM "$(g exec /opt/t/bin/gone)"
expect_eq "unlinked deny-list: the denied binary, unlinked, by its descriptor" EPERM "$(g execgone /opt/t/bin/gone)"
expect_eq "unlinked deny-list: another binary, unlinked, by its descriptor (control)" ok "$(g execgone /opt/t/bin/gone-ok)"
expect_eq "unlinked deny-list: a memfd still falls to the exec default (control)" ok "$(g execmemfd /opt/t/bin/allowed)"
expect_eq "outside the cgroup: the denied binary, unlinked, runs (control)" ok "$(enf-probe execgone /opt/t/bin/gone-out)"
wait_for_log '"profile":"unlinked"' || true
expect_contains "the refusal is logged with the name it had" '"path":"/opt/t/bin/gone' \
	"$(grep '"profile":"unlinked"' "$AUDIT_LOG" | grep '"verdict":"deny"' | tail -n 1)"
finish
