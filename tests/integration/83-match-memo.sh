#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=300
#
# A governed task's path match is kept (match_memos) and taken again when
# the next walk reads the same names and meets the same inode identities
# under the same instance and attach_gen. The walk itself runs every time,
# so what changes between two opens of the same name must still decide:
# a hard link swapped in under that name, a denied directory bind mounted
# or renamed to where an allowed one was, a new version of the profile, a
# bind mount by nobody in its own user and mount namespace.
# One shell opens a name twice (a match is kept at a path's second miss in
# a row), waits on a descriptor it already holds (no open in between, so
# its last match is that name's), and opens it again.
# Controls: with nothing changed, the open after the wait takes the kept
# match (matches_memoized grows) and gives the same answer, allow or deny.
. /enforcer/tests/integration/lib/lib.sh

T=/srv/t83
mkdir -p $T/pub $T/priv $T/open $T/a
for f in $T/pub/f $T/pub/g $T/priv/f $T/open/f $T/a/f $T/secret; do echo data >$f; done

start_daemon
# profile [RULES [BASELINE]]: RULES after the two denials, BASELINE a "baseline" member and its comma.
profile() {
	compile_and_load m '{"name":"m","mode":"enforce",'"$2"'"file":{"default":"allow","rules":[
	  {"action":"deny","path":"/srv/t83/secret","access":["read"]},
	  {"action":"deny","path":"/srv/t83/priv/**","access":["read"]}'"$1"']}}'
}
profile ""
mkdir -p $CG/t83
expect_exit "attach m" 0 enforcerctl attach m $CG/t83

memo_taken $CG/t83 $T/pub/f "first=ok second=ok" "an allowed name"
memo_taken $CG/t83 $T/secret "first=denied second=denied" "a denied name"

# The same name becomes a hard link to the denied file.
memo_reader $CG/t83 $T/pub/g
rm $T/pub/g
ln $T/secret $T/pub/g
expect_eq "a hard link to the denied file swapped in under the same name" "first=ok second=denied" "$(memo_reader_go)"

# The denied directory bind mounted where the allowed one was.
memo_reader $CG/t83 $T/open/f
mount --bind $T/priv $T/open
expect_eq "the denied directory bind mounted over the allowed one" "first=ok second=denied" "$(memo_reader_go)"
umount $T/open

# A new version of the profile denies the name.
memo_reader $CG/t83 $T/pub/f
profile ',{"action":"deny","path":"/srv/t83/pub/**","access":["read"]}'
expect_eq "a new version of the profile denies the same name" "first=ok second=denied" "$(memo_reader_go)"
profile ""

# As nobody in its own user and mount namespace, the baseline relaxed to
# allow both: a bind mount made there, between the kept match and the next
# open, is met as root's above. One shell in the namespaces reads FILE
# twice, runs "mount --bind SRC DST" (a child, in the same namespaces; no
# mount for the control) and reads FILE again. The shell opens nothing in
# between, so its last match is still FILE's.
# ns_reads "SRC DST" FILE
ns_reads() {
	in_cgroup $CG/t83 enf-asuser 65534 65534 unshare -Urm /bin/busybox sh -c '
		read x <"$2"
		if read x <"$2"; then echo first=ok; else echo first=denied; fi
		[ -z "$1" ] || mount --bind $1 || echo mount=failed
		if read x <"$2"; then echo second=ok; else echo second=denied; fi' ns-reads "$1" "$2" 2>/dev/null
}
profile "" '"baseline":{"userns":"allow","mount":"allow"},'
before=$(status_counter matches_memoized)
expect_eq "as nobody in its own namespaces, nothing mounted (control)" "first=ok second=ok" \
	"$(echo $(ns_reads "" $T/pub/f))"
after=$(status_counter matches_memoized)
if [ "${after:-0}" -gt "${before:-0}" ]; then
	pass "in its own namespaces, the read after took the kept match (matches_memoized $before -> $after)"
else
	fail "in its own namespaces, matches_memoized did not grow ($before -> $after): the kept match was not used"
fi
expect_eq "as nobody in its own namespaces: the denied directory bind mounted over the allowed one" \
	"first=ok second=denied" "$(echo $(ns_reads "$T/priv $T/pub" $T/pub/f))"
expect_eq "as nobody in its own namespaces: a denied file bind mounted over an allowed one" \
	"first=ok second=denied" "$(echo $(ns_reads "$T/priv/f $T/pub/f" $T/pub/f))"
expect_eq "the mounts stayed in that namespace: the allowed file reads here (control)" ok \
	"$(in_cgroup $CG/t83 enf-probe open $T/pub/f r)"
profile ""
expect_eq "with the baseline back, nobody's user namespace is refused (control)" "" \
	"$(echo $(ns_reads "" $T/pub/f))"

# The denied directory renamed to the allowed one's name (its identity follows it).
memo_reader $CG/t83 $T/a/f
mv $T/a $T/a.old
mv $T/priv $T/a
expect_eq "the denied directory renamed to where the allowed one was" "first=ok second=denied" "$(memo_reader_go)"
expect_eq "a new shell is denied there too (control)" EPERM "$(in_cgroup $CG/t83 enf-probe open $T/a/f r)"
expect_eq "the allowed directory under its new name (control)" ok "$(in_cgroup $CG/t83 enf-probe open $T/a.old/f r)"

finish
