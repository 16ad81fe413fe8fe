#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The refer rule compares every executable's rules, not only the mover's.
#
# /srv/r/** denies reading, and /srv/r/www/** allows it from one program
# (the "server", as nginx's profile lets nginx serve a tree the rest of the
# workload may not read). Another program of the same cgroup (the "mover",
# as php-fpm) may rename and link there, and reads nothing under /srv/r
# either way. Moving a denied file or directory into www/ changes nothing
# for the mover, so a comparison of the mover's rules lets it through; the
# server then reads what no rule let it read. The reverse shape: a 'from'
# rule that denies the server a tree (/srv/r2/locked/**) the rest may read,
# and the mover carries a file out of it.
#
# Each move is refused (reason refer) and the server cannot read the
# content under the new name. Controls: the server's and the mover's reads
# under the 'from' rules; moves within the same rules, into a stricter
# place, and outside any 'from' rule's path go through; the same moves
# outside the cgroup go through. A profile whose 'from' rules name more
# programs than the rule compares one by one (32) has such moves refused.
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/lifecycle.sh

SERVER=/opt/t/bin/server
MOVER=/opt/t/bin/mover
install_program $SERVER
install_program $MOVER
rm -rf /srv/r /srv/r2 /srv/plain
mkdir -p /srv/r/priv/dir /srv/r/priv/dir2 /srv/r/www /srv/r2/locked /srv/r2/open /srv/plain
for f in file file2 file3 file4 file5 file6 file7 stay; do echo "secret $f" >/srv/r/priv/$f; done
echo "secret dir" >/srv/r/priv/dir/secret
echo "secret dir2" >/srv/r/priv/dir2/secret
for f in page a c; do echo "public $f" >/srv/r/www/$f; done
for f in f g; do echo "locked $f" >/srv/r2/locked/$f; done
echo plain >/srv/plain/p
# Another name for /srv/r, made before the profile: 'from' rules name paths,
# and under /mnt/r no rule node is reached, for any program.
mkdir -p /mnt/r && mount --bind /srv/r /mnt/r || echo "note: bind mount failed"

start_daemon
compile_and_load referfrom '{"name":"referfrom","mode":"enforce",
 "file":{"default":"allow","rules":[
  {"action":"deny","path":"/srv/r/**","access":["read"]},
  {"action":"allow","path":"/srv/r/www/**","access":["read"],"from":["'$SERVER'"]},
  {"action":"deny","path":"/srv/r2/locked/**","access":["read"],"from":["'$SERVER'"]}]}}'
mkdir -p $CG/t95
expect_exit "attach" 0 enforcerctl attach referfrom $CG/t95
s() { in_cgroup $CG/t95 $SERVER "$@"; }
m() { in_cgroup $CG/t95 $MOVER "$@"; }

# The 'from' rules as written (controls for everything below).
expect_eq "the server reads under www (its allow)" ok "$(s open /srv/r/www/page r)"
expect_eq "the mover may not read there" EPERM "$(m open /srv/r/www/page r)"
expect_eq "the server may not read under priv" EPERM "$(s open /srv/r/priv/stay r)"
expect_eq "the server may not read under r2/locked" EPERM "$(s open /srv/r2/locked/g r)"
expect_eq "the mover reads under r2/locked" ok "$(m open /srv/r2/locked/g r)"

# --- the attacks: the mover's rules are the same at both names, the server's are not
expect_eq "mover: rename a denied file into www" EPERM "$(m rename /srv/r/priv/file /srv/r/www/file)"
expect_eq "...the server cannot read it there" ENOENT "$(s open /srv/r/www/file r)"
expect_eq "mover: hard link a denied file into www" EPERM "$(m link /srv/r/priv/file2 /srv/r/www/file2)"
expect_eq "...the server cannot read it there" ENOENT "$(s open /srv/r/www/file2 r)"
expect_eq "mover: rename a denied directory into www" EPERM "$(m rename /srv/r/priv/dir /srv/r/www/dir)"
expect_eq "...the server cannot read its content there" ENOENT "$(s open /srv/r/www/dir/secret r)"
expect_eq "mover: exchange a denied file with one in www" EPERM "$(m exchange /srv/r/priv/file3 /srv/r/www/a)"
expect_eq "...www/a is still the public file" "public a" "$(cat /srv/r/www/a)"
expect_eq "mover: carry a file out of the server's denied tree" EPERM "$(m rename /srv/r2/locked/f /srv/r2/open/f)"
expect_eq "...the server cannot read it outside" ENOENT "$(s open /srv/r2/open/f r)"
# Through the bind mount: both names meet /srv/r's identity (its deny) and
# no 'from' node, so every program's rules were the same at both names.
expect_eq "mover: link a denied file into www through the bind mount" EPERM \
	"$(m link /mnt/r/priv/file5 /mnt/r/www/file5)"
expect_eq "...the server cannot read it at www's name" ENOENT "$(s open /srv/r/www/file5 r)"
expect_eq "mover: rename one through the bind mount" EPERM "$(m rename /mnt/r/priv/file6 /mnt/r/www/file6)"
expect_eq "...the server cannot read it at www's name" ENOENT "$(s open /srv/r/www/file6 r)"
# The server's own move was refused before too: its rules differ at the two names.
expect_eq "server: rename a denied file into www (its own rules)" EPERM "$(s rename /srv/r/priv/file4 /srv/r/www/file4)"

# --- controls: moves that give no executable more
expect_eq "mover: rename within www" ok "$(m rename /srv/r/www/c /srv/r/www/c2)"
expect_eq "...the server reads it under its new name" ok "$(s open /srv/r/www/c2 r)"
expect_eq "mover: rename from www into priv (stricter for the server)" ok "$(m rename /srv/r/www/c2 /srv/r/priv/c2)"
expect_eq "...the server may not read it there" EPERM "$(s open /srv/r/priv/c2 r)"
expect_eq "mover: rename within priv" ok "$(m rename /srv/r/priv/stay /srv/r/priv/stay2)"
expect_eq "mover: rename a directory within priv" ok "$(m rename /srv/r/priv/dir2 /srv/r/priv/dir3)"
expect_eq "mover: rename into r2/locked (stricter for the server)" ok "$(m rename /srv/plain/p /srv/r2/locked/p)"
expect_eq "...and back out: refused, the server may not read it at its old name" EPERM \
	"$(m rename /srv/r2/locked/p /srv/plain/p)"
echo plain2 >/srv/plain/q
expect_eq "mover: rename where no 'from' rule reaches" ok "$(m rename /srv/plain/q /srv/plain/q2)"

if wait_for_log '"reason":"refer".*"path":"/srv/r/priv/file"'; then
	pass "the refused move logged: reason refer, the old name"
else
	fail "no refer event for /srv/r/priv/file"
	grep '"reason":"refer"' "$AUDIT_LOG" | head -3
fi

# --- an instance pinned by a build before these checks: written again at start
stop_daemon
expect_eq "the pinned profile made to look older (no move marks, no from_exes)" "1 ok" \
	"$(enf-self bpf-age-profiles $PIN_DIR/maps/profiles)"
restart_daemon
expect_eq "after the restart: rename a denied file into www" EPERM "$(m rename /srv/r/priv/file7 /srv/r/www/file7)"
expect_eq "...the server cannot read it there" ENOENT "$(s open /srv/r/www/file7 r)"
expect_eq "...and the server still reads www (control)" ok "$(s open /srv/r/www/page r)"

# --- the same moves outside the cgroup (controls)
expect_eq "unconfined: rename a denied file into www" ok "$($MOVER rename /srv/r/priv/file /srv/r/www/file)"
expect_eq "unconfined: rename a denied directory into www" ok "$($MOVER rename /srv/r/priv/dir /srv/r/www/dir)"
expect_eq "unconfined: carry a file out of r2/locked" ok "$($MOVER rename /srv/r2/locked/f /srv/r2/open/f)"
expect_eq "...which the server now reads (the rules follow names)" ok "$(s open /srv/r2/open/f r)"

# --- more executables than the rule compares one by one (ENF_REFER_EXES_MAX, 32)
# profile_with N: 'from' rules naming N programs, one node each under /srv/r3.
profile_with() {
	rules= i=0
	while [ $i -lt $1 ]; do
		rules="$rules{\"action\":\"allow\",\"path\":\"/srv/r3/e$i/**\",\"access\":[\"read\"],\"from\":[\"/opt/t/bin/e$i\"]},"
		i=$((i + 1))
	done
	printf '{"name":"referfrom","mode":"enforce","file":{"default":"allow","rules":[%s
  {"action":"deny","path":"/srv/r3/**","access":["read"]}]}}' "$rules"
}
rm -rf /srv/r3 && mkdir -p /srv/r3/e0 /srv/plain3 && for f in a b; do echo $f >/srv/r3/e0/$f; echo $f >/srv/plain3/$f; done
compile_and_load referfrom "$(profile_with 31)"
expect_eq "31 programs named: a move within one's tree is compared and goes through" ok \
	"$(m rename /srv/r3/e0/a /srv/r3/e0/a2)"
compile_and_load referfrom "$(profile_with 32)"
expect_eq "32 programs named: a move that reaches a 'from' node is refused" EPERM \
	"$(m rename /srv/r3/e0/b /srv/r3/e0/b2)"
expect_eq "...one that reaches none goes through (control)" ok "$(m rename /srv/plain3/b /srv/plain3/b2)"

umount /mnt/r 2>/dev/null
finish
