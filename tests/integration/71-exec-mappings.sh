#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=300
#
# Executable mappings are decided like exec (docs/bypasses.md, "Executable
# mappings"): running an exec-denied program through the dynamic loader,
# mmap(PROT_EXEC) or mprotect(PROT_EXEC) of an exec-denied file, a library
# dropped in a writable directory and loaded into an allowed program
# (LD_PRELOAD, LD_LIBRARY_PATH), and a memfd run through the loader under
# "fileless": "deny". Controls: the same done outside the cgroup, allowed
# programs with their normal libraries under an allow-list, a deny-list that
# runs everything but what it names. Then: open(PATH, 3) is read+write, and
# exec under a file section with "default": "deny" and no exec section.
. /enforcer/tests/integration/lib/lib.sh

LD=/lib64/ld-linux-x86-64.so.2
LIBDIR=/lib/x86_64-linux-gnu
DYN=/enforcer/bin/policyc              # a dynamically linked program: libc, libjansson, libz
D=/opt/t/denied                       # exec-denied by the deny-list
DATA=/tmp/data                        # the workload's writable data directory

install_program $D/probe
cp $DYN $D/dyn
mkdir -p $DATA/plugins $DATA/lib
cp $LIBDIR/libz.so.1 $DATA/libz.so.1
cp $LIBDIR/libz.so.1 $DATA/plugins/libz.so.1
cp $LIBDIR/libc.so.6 $DATA/lib/libc.so.6
# Programs whose ELF interpreter (PT_INTERP) is a copy of the loader: an exec-denied one, an allowed one.
cp $LD $D/ld.so
mkdir -p /opt/t/ok
cp $LD /opt/t/ok/ld.so
enf-probe setinterp $DYN $DATA/interp-denied $D/ld.so >/dev/null
enf-probe setinterp $DYN $DATA/interp-ok /opt/t/ok/ld.so >/dev/null
chmod -R a+rwX $DATA
chmod 1777 $DATA
asnobody() { enf-asuser 65534 65534 "$@"; }

# The loader's own way to report a library it could not map (it then goes on without it).
preload_refused() { case "$1" in *"cannot be preloaded"*) echo refused ;; *) echo loaded ;; esac; }

# run_in CG CMD...: exit status of CMD in cgroup CG (output discarded).
run_in() {
	cg=$1
	shift
	in_cgroup "$cg" "$@" >/dev/null 2>&1
	echo $?
}

start_daemon

echo "--- deny-list: exec allowed by default, $D/** and libcap denied, fileless denied"
compile_and_load denylist '{"name":"denylist","mode":"enforce","exec":{"default":"allow","fileless":"deny","rules":[
  {"action":"deny","path":"/opt/t/denied/**"},
  {"action":"deny","path":"/lib/x86_64-linux-gnu/libcap.so.2"}]}}'
mkdir -p $CG/t71d
expect_exit "attach denylist" 0 enforcerctl attach denylist $CG/t71d
c() { in_cgroup $CG/t71d enf-probe "$@"; }
cn() { in_cgroup $CG/t71d enf-asuser 65534 65534 enf-probe "$@"; }

expect_eq "deny-list: the denied program is refused by execve" EPERM "$(c exec $D/dyn --version)"
expect_eq "deny-list: a dynamic program runs (control)" 0 "$(run_in $CG/t71d $DYN --version)"
expect_eq "deny-list: as nobody, a dynamic program runs (control)" 0 \
	"$(run_in $CG/t71d enf-asuser 65534 65534 $DYN --version)"
expect_eq "deny-list: the loader trick on the denied program is refused" 127 "$(run_in $CG/t71d $LD $D/dyn --version)"
expect_eq "deny-list: as nobody, the loader trick is refused" 127 \
	"$(run_in $CG/t71d enf-asuser 65534 65534 $LD $D/dyn --version)"
expect_eq "deny-list: the loader runs an allowed program (control)" 0 "$(run_in $CG/t71d $LD $DYN --version)"
st=$(run_in $CG/t71d $DATA/interp-denied --version)
case $st in
0) fail "deny-list: a program whose ELF interpreter is exec-denied ran" ;;
*) pass "deny-list: a program whose ELF interpreter is exec-denied does not run (exit $st)" ;;
esac
expect_eq "deny-list: a program whose ELF interpreter is allowed runs (control)" 0 "$(run_in $CG/t71d $DATA/interp-ok --version)"
expect_eq "deny-list: mmap(PROT_EXEC) of a denied file" EPERM "$(c mmapx $D/probe)"
expect_eq "deny-list: as nobody, mmap(PROT_EXEC) of a denied file" EPERM "$(cn mmapx $D/probe)"
expect_eq "deny-list: mprotect(PROT_EXEC) of a denied file" EPERM "$(c mprotectx $D/probe)"
expect_eq "deny-list: as nobody, mprotect(PROT_EXEC) of a denied file" EPERM "$(cn mprotectx $D/probe)"
expect_eq "deny-list: mmap without PROT_EXEC of a denied file (control)" ok "$(c mmapr $D/probe)"
expect_eq "deny-list: mmap(PROT_EXEC) of an allowed file (control)" ok "$(c mmapx $DYN)"
expect_eq "deny-list: mprotect(PROT_EXEC) of an allowed file (control)" ok "$(c mprotectx $DYN)"
expect_eq "deny-list: anonymous executable memory, as a JIT makes it (control)" ok "$(c jit)"
expect_eq "deny-list: mmap(PROT_EXEC) of a library an exec rule denies" EPERM "$(c mmapx $LIBDIR/libcap.so.2)"
expect_eq "deny-list: a memfd through the loader, fileless deny" exit127 "$(c memfd-run $DYN $LD --version)"
expect_eq "deny-list: as nobody, a memfd through the loader" exit127 "$(cn memfd-run $DYN $LD --version)"
expect_eq "deny-list: a dropped library preloads where exec is allowed (control)" loaded \
	"$(preload_refused "$(in_cgroup $CG/t71d env LD_PRELOAD=$DATA/libz.so.1 $DYN --version 2>&1)")"

wait_for_log '"hook":"mmap_file"' || true
line=$(grep '"hook":"mmap_file"' "$AUDIT_LOG" | grep '"path":"/opt/t/denied/dyn"' | head -n 1)
expect_contains "the loader trick's event: the mapping, decided as exec" '"access":"exec"' "$line"
expect_contains "the loader trick's event names the exec rule" '"reason":"rule"' "$line"
line=$(grep '"hook":"file_mprotect"' "$AUDIT_LOG" | head -n 1)
expect_contains "the mprotect event names the file" '"path":"/opt/t/denied/probe"' "$line"
line=$(grep '"hook":"mmap_file"' "$AUDIT_LOG" | grep '"fileless":true' | head -n 1)
expect_contains "the memfd mapping is logged as fileless" '"path":"/memfd:payload' "$line"

echo "--- unconfined: every attack succeeds (control)"
expect_eq "unconfined: the loader trick" 0 "$($LD $D/dyn --version >/dev/null 2>&1; echo $?)"
expect_eq "unconfined: a program whose ELF interpreter is the denied loader copy" 0 \
	"$($DATA/interp-denied --version >/dev/null 2>&1; echo $?)"
expect_eq "unconfined: mmap(PROT_EXEC)" ok "$(enf-probe mmapx $D/probe)"
expect_eq "unconfined: mprotect(PROT_EXEC)" ok "$(enf-probe mprotectx $D/probe)"
expect_eq "unconfined: a memfd through the loader" ok "$(enf-probe memfd-run $DYN $LD --version)"
expect_eq "unconfined: LD_PRELOAD of a dropped library" loaded \
	"$(preload_refused "$(env LD_PRELOAD=$DATA/libz.so.1 $DYN --version 2>&1)")"
expect_eq "unconfined, nobody: LD_LIBRARY_PATH with a dropped libc" 0 \
	"$(asnobody env LD_LIBRARY_PATH=$DATA/lib $DYN --version >/dev/null 2>&1; echo $?)"

echo "--- allow-list: listed programs; the workload writes only $DATA"
compile_and_load allowlist '{"name":"allowlist","mode":"enforce",
  "exec":{"default":"deny","rules":[
    {"action":"allow","path":"/bin/busybox"},
    {"action":"allow","path":"/enforcer/tests/guest/enf-probe"},
    {"action":"allow","path":"/enforcer/tests/guest/enf-asuser"},
    {"action":"allow","path":"/enforcer/bin/policyc"},
    {"action":"allow","path":"/tmp/data/plugins/**"},
    {"action":"deny","path":"/lib/x86_64-linux-gnu/libcap.so.2"}]},
  "file":{"default":"allow","rules":[
    {"action":"deny","path":"/**","access":["write","create"]},
    {"action":"allow","path":"/tmp/data/**","access":["write","create"]},
    {"action":"allow","path":"/dev/null","access":["write"]}]}}'
mkdir -p $CG/t71a
expect_exit "attach allowlist" 0 enforcerctl attach allowlist $CG/t71a
a() { in_cgroup $CG/t71a enf-probe "$@"; }
an() { in_cgroup $CG/t71a enf-asuser 65534 65534 enf-probe "$@"; }

expect_eq "allow-list: the allowed dynamic program runs with its libraries (control)" 0 "$(run_in $CG/t71a $DYN --version)"
expect_eq "allow-list: as nobody too (control)" 0 \
	"$(run_in $CG/t71a enf-asuser 65534 65534 $DYN --version)"
expect_eq "allow-list: an unlisted program is refused" EPERM "$(a exec $D/dyn --version)"
expect_eq "allow-list: anonymous executable memory, as a JIT makes it (control)" ok "$(a jit)"
expect_eq "allow-list: LD_PRELOAD of a library dropped in the data dir is refused" refused \
	"$(preload_refused "$(in_cgroup $CG/t71a env LD_PRELOAD=$DATA/libz.so.1 $DYN --version 2>&1)")"
expect_eq "allow-list: as nobody, LD_PRELOAD of a dropped library is refused" refused \
	"$(preload_refused "$(in_cgroup $CG/t71a enf-asuser 65534 65534 \
		env LD_PRELOAD=$DATA/libz.so.1 $DYN --version 2>&1)")"
expect_eq "allow-list: LD_LIBRARY_PATH with a dropped libc: the program cannot start" 127 \
	"$(run_in $CG/t71a env LD_LIBRARY_PATH=$DATA/lib $DYN --version)"
expect_eq "allow-list: as nobody, LD_LIBRARY_PATH with a dropped libc" 127 \
	"$(run_in $CG/t71a enf-asuser 65534 65534 env LD_LIBRARY_PATH=$DATA/lib $DYN --version)"
expect_eq "allow-list: LD_PRELOAD of a library an exec rule allows (control)" loaded \
	"$(preload_refused "$(in_cgroup $CG/t71a env LD_PRELOAD=$DATA/plugins/libz.so.1 $DYN --version 2>&1)")"
expect_eq "allow-list: LD_PRELOAD of a system library (not writable under the profile) (control)" loaded \
	"$(preload_refused "$(in_cgroup $CG/t71a env LD_PRELOAD=$LIBDIR/libz.so.1 $DYN --version 2>&1)")"
expect_eq "allow-list: mmap(PROT_EXEC) of a dropped library" EPERM "$(a mmapx $DATA/libz.so.1)"
expect_eq "allow-list: as nobody, mprotect(PROT_EXEC) of a dropped library" EPERM "$(an mprotectx $DATA/libz.so.1)"
expect_eq "allow-list: mmap(PROT_EXEC) of a system library (control)" ok "$(a mmapx $LIBDIR/libz.so.1)"
expect_eq "allow-list: as nobody, mmap(PROT_EXEC) of a system library (control)" ok "$(an mmapx $LIBDIR/libz.so.1)"
expect_eq "allow-list: an exec deny rule denies the mapping of an unwritable library" EPERM \
	"$(a mmapx $LIBDIR/libcap.so.2)"
wait_for_log '"path":"/tmp/data/libz.so.1"' || true
line=$(grep '"path":"/tmp/data/libz.so.1"' "$AUDIT_LOG" | head -n 1)
expect_contains "the dropped library's event names the exec default" '"reason":"default"' "$line"

echo "--- learn: a mapping is observed as exec of the file; the learned profile runs the workload"
mkdir -p $CG/t71l
cp $LIBDIR/libz.so.1 $DATA/learned.so
cp $LIBDIR/libz.so.1 $DATA/unlearned.so
expect_exit "learn start" 0 enforcerctl learn start learned --cgroup $CG/t71l
expect_eq "learning: the dynamic program runs" 0 "$(run_in $CG/t71l $DYN --version)"
expect_eq "learning: a mapping of a data-dir library" ok "$(in_cgroup $CG/t71l enf-probe mmapx $DATA/learned.so)"
# Written and read, never mapped: the learned profile lets the workload write it, so it may not map it.
expect_eq "learning: a write of another data-dir library" ok "$(in_cgroup $CG/t71l enf-probe open $DATA/unlearned.so a)"
expect_eq "learning: a read of it" ok "$(in_cgroup $CG/t71l enf-probe open $DATA/unlearned.so r)"
expect_exit "learn stop" 0 enforcerctl learn stop learned --mode enforce -o /tmp/learned.json
p=$(cat /tmp/learned.json)
expect_contains "learned: the mapped library as an exec rule" '"path":"/tmp/data/learned.so"' "$p"
expect_contains "learned: the dynamic loader (mapped by execve) as an exec rule" '"path":"/lib64/ld-linux-x86-64.so.2"' "$p"
expect_contains "learned: libc (mapped by the loader) as an exec rule" '"path":"/lib/x86_64-linux-gnu/libc.so.6"' "$p"
expect_exit "the learned profile compiles" 0 policyc compile /tmp/learned.json -o /tmp/learned.pol
expect_exit "the learned profile loads" 0 enforcerctl load /tmp/learned.pol
expect_exit "attach the learned profile" 0 enforcerctl attach learned $CG/t71l
expect_eq "learned profile: the dynamic program runs" 0 "$(run_in $CG/t71l $DYN --version)"
expect_eq "learned profile: the learned mapping" ok "$(in_cgroup $CG/t71l enf-probe mmapx $DATA/learned.so)"
expect_eq "learned profile: the learned read of a library it may write (control)" ok \
	"$(in_cgroup $CG/t71l enf-probe open $DATA/unlearned.so r)"
expect_eq "learned profile: a mapping it never made, of a file it may write" EPERM \
	"$(in_cgroup $CG/t71l enf-probe mmapx $DATA/unlearned.so)"

echo "--- open(PATH, 3): neither read nor write in f_mode, decided as read+write"
echo data >$DATA/ro.txt
chmod 666 $DATA/ro.txt # DAC lets nobody write: the profile decides
compile_and_load ioctl '{"name":"ioctl","mode":"enforce","file":{"default":"allow","rules":[
  {"action":"deny","path":"/tmp/data/ro.txt","access":["write"]}]}}'
mkdir -p $CG/t71o
expect_exit "attach ioctl" 0 enforcerctl attach ioctl $CG/t71o
expect_eq "open(PATH, 3) of a write-denied file" EPERM "$(in_cgroup $CG/t71o enf-probe open $DATA/ro.txt 3)"
expect_eq "as nobody, open(PATH, 3) of a write-denied file" EPERM \
	"$(in_cgroup $CG/t71o enf-asuser 65534 65534 enf-probe open $DATA/ro.txt 3)"
expect_eq "open for read of the same file (control)" ok "$(in_cgroup $CG/t71o enf-probe open $DATA/ro.txt r)"
expect_eq "unconfined: open(PATH, 3) (control)" ok "$(enf-probe open $DATA/ro.txt 3)"

echo "--- issue 17: file default deny and no exec section: exec opens are exec, not reads"
compile_and_load filedeny '{"name":"filedeny","mode":"enforce","file":{"default":"deny","rules":[
  {"action":"allow","path":"/proc/**","access":["read","write"]},
  {"action":"allow","path":"/sys/fs/cgroup/**","access":["read","write"]},
  {"action":"allow","path":"/dev/null","access":["read","write"]}]}}'
mkdir -p $CG/t71f
expect_exit "attach filedeny" 0 enforcerctl attach filedeny $CG/t71f
expect_eq "no exec section: a static program runs" ok "$(in_cgroup $CG/t71f enf-probe exec $D/probe)"
expect_eq "as nobody, no exec section: a static program runs" ok \
	"$(in_cgroup $CG/t71f enf-asuser 65534 65534 enf-probe exec $D/probe)"
expect_eq "the file section still denies a read of the same file" EPERM \
	"$(in_cgroup $CG/t71f enf-probe open $D/probe r)"
finish
