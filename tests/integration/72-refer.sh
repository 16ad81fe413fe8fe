#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Moving never gains access (the "refer" rule), and names outside the
# task's mount namespace are not decided by name.
#
# With read denied on /x/** but rename and link allowed, a confined task
# (root, and nobody) tries to give a denied file a name outside the denied
# subtree: rename, hard link, rename of the directory holding it, and
# RENAME_EXCHANGE in both directions. Each is refused (reason "refer"); the
# file stays unreadable. Controls: moves within the same rules, moves into
# a stricter place, and the same moves outside the cgroup succeed. A rename
# that replaces a file is refused where deleting it is; a directory moved
# onto a name with a rule below it (an allow inside a denied subtree) is
# refused, since that rule would then decide its content.
#
# Then names relative to a root the attacker chooses: open_tree(OPEN_TREE_CLONE)
# of /x/sub gives a detached tree where the file would be "/f", and
# /proc/PID/root of another mount namespace reaches that namespace's own
# root. Both fail closed (reason "foreign-root"); pipes, memfd exec and
# chroot keep working.
# enforcer-test: timeout=240
. /enforcer/tests/integration/lib/lib.sh

NOBODY="enf-asuser 65534 65534"
LONG_NAMES="abcdefghijklmnopqrstuvwxyz abcdefghijklmnopqrstuvwxyz0123 abcdefghijklmnopqrstuvwxyz0123456789ab
abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwx"

setup_tree() {
	rm -rf /x /elsewhere /strict /mnt/el /aud
	mkdir -p /aud /x/sub /x/other /x/dsub/inner /elsewhere /strict /mnt/el /x/nsub /x/ndsub/inner
	for f in f g h a l nf ng nh na; do echo "secret $f" >/x/sub/$f; done
	for f in f nf; do echo "secret $f" >/x/nsub/$f; done
	echo "secret d" >/x/dsub/inner/f
	echo "secret nd" >/x/ndsub/inner/f
	for f in e e2 p ne ne2 np; do echo "public $f" >/elsewhere/$f; done
	echo "strict" >/strict/s
	echo "audited" >/aud/f
	# nobody may rename and link in every directory, and read every file
	# (so only the profile stands between it and the content).
	chmod -R a+rwX /x /elsewhere /strict
	chmod a-t /x /x/sub /x/nsub /elsewhere /strict
	mount --bind /elsewhere /mnt/el || echo "note: bind mount failed"
	# A bind mount of a subdirectory of the denied subtree, made before the
	# profile: its name (/mnt/xs/...) is outside /x, and the walk crosses
	# from the subdirectory to /mnt without meeting /x's dentry.
	mkdir -p /mnt/xs /x/bsub && echo "secret b" >/x/bsub/f && echo "secret b2" >/x/bsub/g
	mount --bind /x/bsub /mnt/xs || echo "note: bind mount failed"
	# A bind mount of /x itself, where a second, deeper rule names /x/deep.
	mkdir -p /x/deep /mnt/xall && echo "secret deep" >/x/deep/f && chmod a+rw /x/deep/f
	mount --bind /x /mnt/xall || echo "note: bind mount failed"
	mkdir -p /srv/pub/sub /mnt/ps && echo pub >/srv/pub/sub/f
	mount --bind /srv/pub/sub /mnt/ps || echo "note: bind mount failed"
	# Deletion refused under /keep; rename and create allowed there.
	rm -rf /keep && mkdir -p /keep && echo kept >/keep/log && echo kept >/keep/nlog
	for f in evil evil2 evil3 nevil ro1 ro2; do echo "$f" >/elsewhere/$f; done
	# Read denied under /nest but for a deeper allow, /nest/pubx/pub/**, whose
	# parent does not exist: a denied directory moved onto /nest/pubx would
	# have its pub/ read.
	rm -rf /nest && mkdir -p /nest/private/pub /nest/nprivate/pub /nest/shared/pub /nest/d2
	echo secret >/nest/private/pub/secret && echo secret >/nest/nprivate/pub/secret
	echo public >/nest/shared/pub/ok
	# Bind mounts of /nest (rules below it) and of /aud (none below it), made
	# before the profile: other names for the same directories.
	mkdir -p /mnt/v /mnt/aud /nest/vprivate/pub /nest/vd && echo secret >/nest/vprivate/pub/secret
	mount --bind /nest /mnt/v || echo "note: bind mount failed"
	mount --bind /aud /mnt/aud || echo "note: bind mount failed"
	chmod -R a+rwX /keep /nest && chmod a+w /elsewhere/*
	# Bind mounts inside /nest itself: /nest/data at /nest/mirror (the name
	# reaches /nest, but /nest's identity is met above the bind mount's
	# root), and /nest at /nest/shared/pub/m (met at depth 4, not 1).
	mkdir -p /nest/data/pub /nest/mirror /nest/shared/pub/m && echo secret >/nest/data/dsecret
	mount --bind /nest/data /nest/mirror || echo "note: bind mount failed"
	mount --bind /nest /nest/shared/pub/m || echo "note: bind mount failed"
	# Names of 26, 30 and 38 bytes (held in the dentry, where a rename rewrites them: read after
	# the walk only when no move began meanwhile) and 60 (stored apart).
	rm -rf /long && for n in $LONG_NAMES; do mkdir -p /long/$n && echo secret >/long/$n/secret && echo public >/long/$n/public; done
}
setup_tree

start_daemon
REFER_FILE='"file":{"default":"allow","rules":[
  {"action":"deny","path":"/x/**","access":["read"]},
  {"action":"deny","path":"/x/deep/**","access":["write"]},
  {"action":"deny","path":"/strict/**","access":["read","write"]},
  {"action":"audit","path":"/aud/**","access":["read"]},
  {"action":"deny","path":"/chroot/secret","access":["read"]},
  {"action":"deny","path":"/keep/**","access":["delete"]},
  {"action":"deny","path":"/nest/**","access":["read"]},
  {"action":"allow","path":"/nest/shared/pub/**","access":["read"]},
  {"action":"allow","path":"/nest/pubx/pub/**","access":["read"]},
  {"action":"allow","path":"/nest/data/pub/**","access":["read"]},
  {"action":"deny","path":"/long/abcdefghijklmnopqrstuvwxyz/secret","access":["read"]},
  {"action":"deny","path":"/long/abcdefghijklmnopqrstuvwxyz0123/secret","access":["read"]},
  {"action":"deny","path":"/long/abcdefghijklmnopqrstuvwxyz0123456789ab/secret","access":["read"]},
  {"action":"deny","path":"/long/abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwx/secret","access":["read"]}]}'
compile_and_load refer '{"name":"refer","mode":"enforce",'"$REFER_FILE"'}'
mkdir -p $CG/t72
expect_exit "attach" 0 enforcerctl attach refer $CG/t72
c() { in_cgroup $CG/t72 enf-probe "$@"; }
n() { in_cgroup $CG/t72 $NOBODY enf-probe "$@"; }

expect_eq "read under /x: denied" EPERM "$(c open /x/sub/f r)"
expect_eq "read under /x as nobody: denied" EPERM "$(n open /x/sub/nf r)"
expect_eq "read elsewhere (control)" ok "$(c open /elsewhere/e r)"

# --- refer: each attack is the move, then a read under the new name
expect_eq "rename a denied file out of the subtree" EPERM "$(c rename /x/sub/f /elsewhere/f)"
expect_eq "...it cannot be read under the new name" ENOENT "$(c open /elsewhere/f r)"
expect_eq "hard link a denied file out of the subtree" EPERM "$(c link /x/sub/g /elsewhere/g)"
expect_eq "...it cannot be read under the new name" ENOENT "$(c open /elsewhere/g r)"
expect_eq "rename a directory out of the subtree" EPERM "$(c rename /x/dsub /elsewhere/dsub)"
expect_eq "...its content cannot be read under the new name" ENOENT "$(c open /elsewhere/dsub/inner/f r)"
expect_eq "exchange a denied file with an allowed one" EPERM "$(c exchange /x/sub/h /elsewhere/e)"
expect_eq "...the allowed name still reads the allowed file" ok "$(c open /elsewhere/e r)"
expect_eq "exchange, the allowed file first" EPERM "$(c exchange /elsewhere/e2 /x/sub/h)"
expect_eq "...the denied file stays denied" EPERM "$(c open /x/sub/h r)"
expect_eq "as nobody: rename out" EPERM "$(n rename /x/sub/nf /elsewhere/nf)"
expect_eq "as nobody: ...not readable there" ENOENT "$(n open /elsewhere/nf r)"
expect_eq "as nobody: link out" EPERM "$(n link /x/sub/ng /elsewhere/ng)"
expect_eq "as nobody: rename a directory out" EPERM "$(n rename /x/ndsub /elsewhere/ndsub)"
expect_eq "as nobody: ...its content not readable there" ENOENT "$(n open /elsewhere/ndsub/inner/f r)"
expect_eq "as nobody: exchange" EPERM "$(n exchange /x/sub/nh /elsewhere/ne)"
expect_eq "as nobody: ...the allowed name still reads the allowed file" ok "$(n open /elsewhere/ne r)"

# The kernel itself refuses renames and links across mounts, bind mounts of
# the same file system included: no move "through" a bind mount to check.
expect_eq "rename across a bind mount: the kernel says EXDEV (unconfined)" EXDEV "$(enf-probe rename /x/sub/a /mnt/el/a)"
expect_eq "link across a bind mount: the kernel says EXDEV (unconfined)" EXDEV "$(enf-probe link /x/sub/a /mnt/el/a)"
expect_eq "rename across a bind mount, confined: EXDEV" EXDEV "$(c rename /x/sub/a /mnt/el/a)"

# Long names match as short ones do (the check that no rename raced the walk passes when none did).
for n in $LONG_NAMES; do
	expect_eq "a rule through a ${#n}-byte name" EPERM "$(c open /long/$n/secret r)"
	expect_eq "  beside it (control)" ok "$(c open /long/$n/public r)"
done
mkdir -p /long/abcdefghijklmnopqrstuvwxy_ && echo secret >/long/abcdefghijklmnopqrstuvwxy_/secret
expect_eq "  a name that differs in its last byte (control)" ok "$(c open /long/abcdefghijklmnopqrstuvwxy_/secret r)"

# A rename that replaces a file deletes it: refused where delete is, as rm is.
expect_eq "rename over a file whose deletion is denied" EPERM "$(c rename /elsewhere/evil /keep/log)"
expect_eq "...it keeps its content" kept "$(cat /keep/log)"
expect_eq "as nobody: rename over it" EPERM "$(n rename /elsewhere/nevil /keep/nlog)"
expect_eq "...it keeps its content" kept "$(cat /keep/nlog)"
expect_eq "rm of it is denied too (control)" EPERM "$(c unlink /keep/log)"
expect_eq "a rename to a new name there: no deletion (control)" ok "$(c rename /elsewhere/evil2 /keep/new)"
expect_eq "a rename over a file where deletion is allowed (control)" ok "$(c rename /elsewhere/ro1 /elsewhere/ro2)"
expect_eq "exchange with it: nothing deleted, but it would leave its rule (refer)" EPERM \
	"$(c exchange /elsewhere/evil3 /keep/log)"

# A directory moved onto a name that has a rule below it would be decided by
# that rule: /nest/pubx/pub/** allows reading what /nest/** denies.
expect_eq "the deeper allow reads (control)" ok "$(c open /nest/shared/pub/ok r)"
expect_eq "what /nest/** denies" EPERM "$(c open /nest/private/pub/secret r)"
expect_eq "move a denied directory onto a name with an allow rule below it" EPERM \
	"$(c rename /nest/private /nest/pubx)"
expect_eq "...its content is not read there" ENOENT "$(c open /nest/pubx/pub/secret r)"
expect_eq "as nobody: the same move" EPERM "$(n rename /nest/nprivate /nest/pubx)"
expect_eq "...its content is not read there" ENOENT "$(n open /nest/pubx/pub/secret r)"
expect_eq "the guard: a name with a rule below it is not moved either" EPERM \
	"$(c rename /nest/shared /nest/shared.old)"
expect_eq "a directory moved onto a name with no rules below it (control)" ok "$(c rename /nest/d2 /nest/d3)"
# The same move under another name for /nest: /mnt/v/pubx is no rule's
# name, so the guard by name did not see it, and the refer rule saw /nest's
# inherited deny at both names (its identity). The secret was read on both
# kernels before the fix. A name whose nearest identity has a rule below it
# is guarded whenever the walk did not reach that identity's node by name.
expect_eq "through a bind mount of /nest: the move onto pubx" EPERM "$(c rename /mnt/v/vprivate /mnt/v/pubx)"
expect_eq "...its content is not read at the rule's name" ENOENT "$(c open /nest/pubx/pub/secret r)"
expect_eq "...nor moving a name a rule lies below, through the bind mount" EPERM \
	"$(c rename /mnt/v/shared /mnt/v/shared.old)"
expect_eq "...nor any directory there: the guard cannot tell which name it is" EPERM "$(c rename /mnt/v/vd /mnt/v/vd2)"
expect_eq "as nobody: the move through the bind mount" EPERM "$(n rename /mnt/v/vprivate /mnt/v/pubx)"
expect_eq "through the bind mount: link a denied file under the allow rule's name" EPERM \
	"$(c link /mnt/v/vprivate/pub/secret /mnt/v/shared/pub/leak)"
expect_eq "...it is not read at that name" ENOENT "$(c open /nest/shared/pub/leak r)"
# The name reaches /nest's node, but not where the walk met its identity:
# counted by name before, so neither the move nor the identity's deny held.
expect_eq "a bind mount of /nest/data inside /nest: the move into pub" EPERM \
	"$(c rename /nest/mirror/dsecret /nest/mirror/pub/dsecret)"
expect_eq "...not read at the allow rule's name" ENOENT "$(c open /nest/data/pub/dsecret r)"
expect_eq "/nest bound below its own allowed pub: the denied secret there" EPERM \
	"$(c open /nest/shared/pub/m/vprivate/pub/secret r)"
expect_eq "...the allowed file under its own name (control)" ok "$(c open /nest/shared/pub/ok r)"
expect_eq "through a bind mount of /aud, with no rule below it (control)" ok "$(c rename /mnt/aud/f /mnt/aud/f2)"
expect_eq "...and back (control)" ok "$(c rename /mnt/aud/f2 /mnt/aud/f)"
expect_eq "unconfined: the move through the bind mount (control)" ok "$(enf-probe rename /mnt/v/vd /mnt/v/vd2)"
expect_eq "unconfined: the move onto /nest/pubx (control)" ok "$(enf-probe rename /nest/private /nest/pubx)"
expect_eq "unconfined: rename over the file (control)" ok "$(enf-probe rename /elsewhere/evil3 /keep/log)"

# A class that is only audited at the old name: audit rules never deny, so
# the move is allowed and logged (reason refer, verdict audit).
expect_eq "move an audited file to an unaudited name: allowed" ok "$(c rename /aud/f /elsewhere/aud-f)"
wait_for_log '"path":"/aud/f"' || true
expect_contains "...and logged as an audited refer" '"verdict":"audit"' "$(grep '"reason":"refer"' "$AUDIT_LOG" | grep '"path":"/aud/f"' | head -n 1)"

# --- controls
expect_eq "rename within the same rules" ok "$(c rename /x/sub/a /x/other/a)"
expect_eq "link within the same rules" ok "$(c link /x/other/a /x/sub/a2)"
expect_eq "rename a directory within the same rules" ok "$(c rename /x/nsub /x/other/nsub)"
expect_eq "move into a stricter place" ok "$(c rename /elsewhere/p /strict/p)"
expect_eq "...and it is denied there" EPERM "$(c open /strict/p r)"
expect_eq "link into a stricter place" ok "$(c link /elsewhere/e /x/sub/e-link)"
expect_eq "rename between allowed names" ok "$(c rename /elsewhere/e2 /elsewhere/e3)"
expect_eq "as nobody: rename within the same rules" ok "$(n rename /x/sub/na /x/other/na)"
expect_eq "as nobody: move into a stricter place" ok "$(n rename /elsewhere/np /x/sub/np)"
expect_eq "unconfined: rename out" ok "$(enf-probe rename /x/sub/f /elsewhere/f)"
expect_eq "unconfined: link out" ok "$(enf-probe link /x/sub/g /elsewhere/g)"
expect_eq "unconfined: exchange" ok "$(enf-probe exchange /x/sub/h /elsewhere/e)"
expect_eq "unconfined: rename a directory out" ok "$(enf-probe rename /x/dsub /elsewhere/dsub)"
expect_eq "unconfined as nobody: rename out" ok "$($NOBODY enf-probe rename /x/sub/nf /elsewhere/nf)"

# --- a bind mount of a subdirectory of the denied subtree
expect_eq "read through a bind mount of a denied subdirectory" EPERM "$(c open /mnt/xs/f r)"
expect_eq "as nobody: read through a bind mount of a denied subdirectory" EPERM "$(n open /mnt/xs/f r)"
expect_eq "read through a bind mount of an allowed subdirectory (control)" ok "$(c open /mnt/ps/f r)"
expect_eq "the bind mount of the denied subdirectory, unconfined (control)" ok "$(enf-probe open /mnt/xs/f r)"

# A deeper rule's identity is the first the walk meets under the bind mount's
# name: it must carry the read denial of /x/** too.
expect_eq "read under a deeper rule through a bind mount of the subtree" EPERM "$(c open /mnt/xall/deep/f r)"
expect_eq "write there: the deeper rule's own class" EPERM "$(c open /mnt/xall/deep/f w)"
expect_eq "read under a deeper rule by its own path" EPERM "$(c open /x/deep/f r)"
expect_eq "the same read, unconfined (control)" ok "$(enf-probe open /mnt/xall/deep/f r)"

# --- foreign roots
expect_eq "open_tree clone of a denied directory, then openat: denied" EPERM "$(c opentree /x/sub l)"
expect_eq "open_tree clone of an allowed directory, then openat: denied too" EPERM "$(c opentree /elsewhere e3)"
expect_eq "open_tree clone, unconfined (control)" ok "$(enf-probe opentree /x/sub l)"
# The confinement baseline refuses the namespaces below (70-baseline); with
# it relaxed, names from a foreign root still fail closed.
expect_eq "as nobody: a user namespace is refused by the baseline" EPERM \
	"$(in_cgroup $CG/t72 $NOBODY unshare -Urm true 2>&1 | grep -q 'not permitted' && echo EPERM)"
compile_and_load refer '{"name":"refer","mode":"enforce","baseline":{"userns":"allow","mount":"allow"},'"$REFER_FILE"'}'
if enf-asuser 65534 65534 unshare -Urm true 2>/dev/null; then
	expect_eq "as nobody in its own user and mount namespace: open_tree clone" EPERM \
		"$(in_cgroup $CG/t72 $NOBODY unshare -Urm enf-probe opentree /x/sub l)"
	expect_eq "as nobody in its own namespaces: a plain read of an allowed file (control)" ok \
		"$(in_cgroup $CG/t72 $NOBODY unshare -Urm enf-probe open /elsewhere/e3 r)"
	expect_eq "as nobody in its own namespaces: a plain read of a denied file" EPERM \
		"$(in_cgroup $CG/t72 $NOBODY unshare -Urm enf-probe open /x/sub/l r)"
else
	echo "note: unprivileged user namespaces are off here; the nobody open_tree case is skipped"
fi
compile_and_load refer '{"name":"refer","mode":"enforce",'"$REFER_FILE"'}'

# Another mount namespace's root, reached through /proc/PID/root.
unshare -m --propagation private sh -c 'mkdir -p /tmp/ns-only && mount -t tmpfs none /tmp/ns-only && echo ns >/tmp/ns-only/file &&
	mount --bind /x/sub /elsewhere && exec sleep 200' &
nspid=$!
i=0
while [ $i -lt 50 ] && [ ! -e /proc/$nspid/root/tmp/ns-only/file ]; do sleep 0.1; i=$((i + 1)); done
expect_eq "another namespace through /proc/PID/root, unconfined (control)" ok "$(enf-probe open /proc/$nspid/root/tmp/ns-only/file r)"
# The baseline's ptrace-read refuses another process's /proc/PID/root first
# (the kernel says EACCES; 73); under its opt-out the open reaches the
# foreign root, which refuses it.
expect_eq "another namespace through /proc/PID/root: refused by ptrace-read" EACCES \
	"$(c open /proc/$nspid/root/tmp/ns-only/file r)"
compile_and_load refer '{"name":"refer","mode":"enforce","baseline":{"ptrace-read":"allow"},'"$REFER_FILE"'}'
expect_eq "another namespace through /proc/PID/root, ptrace-read opted out: denied" EPERM \
	"$(c open /proc/$nspid/root/tmp/ns-only/file r)"
expect_eq "a denied file under another namespace's name for it: denied" EPERM "$(c open /proc/$nspid/root/elsewhere/l r)"
expect_eq "our own namespace through /proc/self/root (control)" ok "$(c open /proc/self/root/elsewhere/e3 r)"
compile_and_load refer '{"name":"refer","mode":"enforce",'"$REFER_FILE"'}'
kill $nspid 2>/dev/null

# Internal mounts and chroot keep working.
expect_eq "a pipe (control)" "piped" "$(in_cgroup $CG/t72 sh -c 'echo piped | cat')"
expect_eq "exec from a memfd (control)" ok "$(c execmemfd /enforcer/tests/guest/enf-probe)"
mkdir -p /chroot
cp /enforcer/tests/guest/enf-probe /chroot/enf-probe
echo s >/chroot/secret
echo p >/chroot/public
expect_eq "chroot: a denied name is decided from the namespace root" EPERM "$(in_cgroup $CG/t72 chroot /chroot /enf-probe open /secret r)"
expect_eq "chroot: an allowed file reads (control)" ok "$(in_cgroup $CG/t72 chroot /chroot /enf-probe open /public r)"

wait_for_log '"reason":"refer"' || true
expect_contains "a refused move is logged with reason refer" '"reason":"refer"' "$(grep '"reason":"refer"' "$AUDIT_LOG" | head -n 1)"
wait_for_log '"reason":"foreign-root"' || true
expect_contains "a detached tree is logged with reason foreign-root" '"reason":"foreign-root"' "$(grep '"reason":"foreign-root"' "$AUDIT_LOG" | head -n 1)"
expect_contains "...naming the access asked for (a read), not exec" '"access":"read"' \
	"$(grep '"reason":"foreign-root"' "$AUDIT_LOG" | head -n 1)"
umount /mnt/el /mnt/xs /mnt/ps /mnt/xall /mnt/v /mnt/aud /nest/mirror /nest/shared/pub/m 2>/dev/null
finish
