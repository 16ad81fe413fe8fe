#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The README's demo (`make demo`, tests/vm/demo.sh), in a real Debian system
# booted under qemu (tests/vm/system-boot.sh --demo): the project's .deb
# installed with apt, Debian's nginx confined by the shipped nginx-static
# profile (policies/nginx-static.json) attached to nginx.service in audit
# mode, real traffic with curl, `enforcerctl report`, `enforcerctl promote`,
# then attacks from inside nginx.service refused with EPERM and logged with
# the rule's file:line, each beside the same operation succeeding outside.
# Prints a transcript; exits non-zero if any step does not behave as shown.
# tests/system/25-demo.sh runs it too, so every check run proves the demo.
set -u
export LC_ALL=C

PROFILE=nginx-static
UNIT=nginx.service
CGROUP=/sys/fs/cgroup/system.slice/nginx.service
SRC=/usr/share/enforcer/profiles/$PROFILE.json
AUDIT_LOG=/var/log/enforcer/audit.log
BUNDLE=/root/$PROFILE.pol
t0=$(date +%s)
steps=0 wrong=0

say() { printf '\n=== %s\n' "$*"; }
note() { printf '    %s\n' "$@"; }
# show CMD...: the command as typed, then its output.
show() { printf '$ %s\n' "$*"; "$@"; }
# expect WHAT WANT GOT: one step of the demo, as shown or not.
expect() {
	steps=$((steps + 1))
	if [ "$2" = "$3" ]; then
		printf '    -> %s: %s\n' "$3" "$1"
	else
		printf '    -> %s, NOT AS EXPECTED (%s): %s\n' "$3" "$2" "$1"
		wrong=$((wrong + 1))
	fi
}
# done_ok WHAT: the step before (its exit status) succeeded.
done_ok() {
	local rc=$?
	expect "$1" ok "$([ $rc -eq 0 ] && echo ok || echo "exit $rc")"
}
# try WANT WHAT CMD...: show CMD and its one-word outcome (the probes print
# ok or the errno's name; other commands: ok or "exit N"), expecting WANT.
try() {
	local want=$1 what=$2 out rc
	shift 2
	printf '$ %s\n' "$*"
	out=$("$@" 2>&1)
	rc=$?
	if [ "$out" != ok ] && [ "$out" != EPERM ]; then
		[ -n "$out" ] && printf '%s\n' "$out"
		[ $rc -eq 0 ] && out=ok || out="exit $rc"
	fi
	expect "$what" "$want" "$out"
}
stop_here() {
	say "stopped: $*"
	cleanup
	exit 1
}

# The audit log's size now, to read only what comes after.
log_mark() { stat -c %s "$AUDIT_LOG" 2>/dev/null || echo 0; }

# show_event MARK PATH: the deny event for PATH written after MARK, as a
# few readable lines, and the profile's line it names; 0 when it names a
# rule of the profile by file:line:column.
show_event() {
	local mark=$1 path=$2 ev i
	for i in 1 2 3 4 5 6; do
		ev=$(tail -c +$((mark + 1)) "$AUDIT_LOG" | grep -F '"type":"event"' | grep -F "\"profile\":\"$PROFILE\"" |
			grep -F '"verdict":"deny"' | grep -F -- "$path" | head -n1)
		[ -n "$ev" ] && break
		sleep 0.5
	done
	[ -n "$ev" ] || { note "no deny event for $path in $AUDIT_LOG"; return 1; }
	printf '    audit log (%s):\n' "$AUDIT_LOG"
	perl -MJSON::PP -e '
		my $e = decode_json($ARGV[0]);
		printf "      %s %s by profile %s (%s mode), hook %s, errno %d\n", $e->{time}, $e->{verdict},
			$e->{profile}, $e->{mode}, $e->{hook}, $e->{errno};
		printf "      task: pid %d uid %d comm %s exe %s\n", $e->{pid}, $e->{uid}, $e->{comm}, $e->{exe};
		printf "      object: %s%s\n", $e->{path} ne "" ? $e->{path} : "$e->{op} $e->{addr}:$e->{port}",
			$e->{access} ne "" ? " ($e->{access})" : "";
		printf "      rule: %s %s\n", $e->{rule} // $e->{reason}, $e->{rule_text} // "";
	' "$ev"
	local rule file line
	rule=$(perl -MJSON::PP -e 'print decode_json($ARGV[0])->{rule} // ""' "$ev")
	file=${rule%%:*}
	line=${rule#*:}
	line=${line%%:*}
	if [ "$file" != "$SRC" ] || ! [[ $line =~ ^[0-9]+$ ]]; then
		note "the event names '$rule', not a line of $SRC"
		return 1
	fi
	printf '    %s line %s: %s\n' "${SRC##*/}" "$line" "$(sed -n "${line}p" "$SRC" | sed 's/^ *//')"
}

# attack WHAT PATH-IN-EVENT PROBE ARGS...: the probe's operation from inside
# nginx.service (EPERM, with its event) and outside it (ok, the control).
attack() {
	local what=$1 path=$2 mark
	shift 2
	local probe=$1
	shift
	mark=$(log_mark)
	try EPERM "$what, from inside nginx.service" "$probe" --cgroup "$CGROUP" "$@"
	show_event "$mark" "$path"
	done_ok "the event names the profile's rule by file:line"
	try ok "the same outside nginx.service (the control)" "$probe" "$@"
}

cleanup() {
	ip addr del 169.254.169.254/32 dev lo 2>/dev/null
	if enforcerctl list 2>/dev/null | grep -q "$PROFILE"; then
		enforcerctl detach --unit "$UNIT" >/dev/null 2>&1
		enforcerctl unload "$PROFILE" >/dev/null 2>&1
	fi
}

# ---------------------------------------------------------------------------------------
. /etc/os-release
say "Debian $VERSION_ID ($VERSION_CODENAME), kernel $(uname -r), active LSMs: $(cat /sys/kernel/security/lsm)"
note "nginx $(dpkg-query -W -f '${Version}' nginx-light 2>/dev/null || dpkg-query -W -f '${Version}' nginx), systemd $(dpkg-query -W -f '${Version}' systemd)"
show systemctl is-active "$UNIT"

say "1. Install enforcer like any Debian package (offline: the .deb is on a second disk)"
deb=$(ls /enforcer/deb/enforcer_*.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || stop_here "no enforcer_*.deb on the payload disk (make deb)"
want=$(dpkg-deb -f "$deb" Version)
if [ "$(dpkg-query -W -f '${db:Status-Abbrev}${Version}' enforcer 2>/dev/null)" = "ii $want" ]; then
	note "enforcer $want is installed already"
else
	printf '$ apt-get install %s\n' "$deb"
	out=$(DEBIAN_FRONTEND=noninteractive apt-get install -y "$deb" 2>&1)
	done_ok "apt-get install (the unit starts enforcerd: it loads and verifies its BPF-LSM programs)"
	grep -E '^(Setting up|Created symlink)' <<<"$out" | sed 's/^/    /'
fi
show systemctl is-active enforcerd
expect "enforcerd runs under systemd" active "$(systemctl is-active enforcerd)"

say "2. The shipped nginx profile: an allow-list, loaded in AUDIT mode, attached to nginx.service"
note "$SRC: $(policyc check "$SRC" 2>&1 | sed 's/.*: //'); some of its lines:"
grep -nE '"/usr/sbin/nginx"|"/usr/bin/dash"|"/var/www/\*\*", "access": \["read"\]|"/etc/shadow"|"169.254.169.254"|"ports": \[80\]' "$SRC" |
	sed 's/  */ /g; s/^/      /'
try ok "compile" policyc compile "$SRC" -o "$BUNDLE"
try ok "load" enforcerctl load "$BUNDLE"
show enforcerctl mode "$PROFILE" audit
done_ok "audit mode: nothing is denied, what would be is logged"
show systemctl stop "$UNIT"
show enforcerctl attach "$PROFILE" --unit "$UNIT"
done_ok "attached by unit: nginx runs under the profile from its first instruction"
show systemctl start "$UNIT"
expect "nginx starts under the profile" active "$(systemctl is-active "$UNIT")"
show enforcerctl list

say "3. Real traffic (curl), a reload, more traffic"
for i in $(seq 50); do ss -Htln 'sport = :80' | grep -q . && break; sleep 0.2; done
printf '$ curl -s -o /dev/null -w "HTTP %%{http_code}, %%{size_download} bytes\\n" http://127.0.0.1/\n'
out=$(curl -s -o /dev/null -w 'HTTP %{http_code}, %{size_download} bytes' --max-time 20 http://127.0.0.1/)
printf '%s\n' "$out"
[[ $out == "HTTP 200, "* ]]
done_ok "nginx serves its page"
printf '$ curl -s -o /dev/null -w "HTTP %%{http_code}\\n" http://127.0.0.1/no-such-page\n'
out=$(curl -s -o /dev/null -w 'HTTP %{http_code}' --max-time 20 http://127.0.0.1/no-such-page)
printf '%s\n' "$out"
expect "a missing page: the error path" "HTTP 404" "$out"
for i in $(seq 20); do curl -s -o /dev/null --max-time 20 http://127.0.0.1/; done
note "(20 more GETs)"
try ok "reload: nginx -s reload, a new generation of workers" systemctl reload "$UNIT"
sleep 1
try ok "GET after the reload" curl -sf -o /dev/null --max-time 20 http://127.0.0.1/

say "4. What the profile would have denied during all that"
sleep 1
show enforcerctl report "$PROFILE"
n=$(enforcerctl --json report "$PROFILE" | perl -MJSON::PP -0 -e 'my $r = decode_json(<STDIN>); my $n = 0; $n += $_->{count} for @{$r->{groups}}; print $n')
expect "would-deny decisions: the profile fits this nginx" 0 "$n"

say "5. Promote to enforce (refused if anything would have been denied)"
show enforcerctl promote "$PROFILE"
done_ok "promoted"
try ok "nginx still serves, enforced" curl -sf -o /dev/null --max-time 20 http://127.0.0.1/

say "6. Attacks from inside nginx.service, refused and logged, beside the same outside it"
note "enf-probe and enf-net are the project's test probes: they join nginx.service's cgroup" \
	"and become the worker's user (--as 33:33, www-data) or stay root (nginx's master) before" \
	"their one operation: what code injected into nginx would do."
attack "a worker spawns a shell" /usr/bin/dash enf-probe --as 33:33 exec /bin/sh -c id
attack "the master (root) reads /etc/shadow" /etc/shadow enf-probe open /etc/shadow r
ip addr add 169.254.169.254/32 dev lo 2>/dev/null
note "(169.254.169.254 on lo: nginx's own port 80 answers the control, as a cloud's metadata service would)"
attack "a worker connects to the cloud metadata address" '"addr":"169.254.169.254"' \
	enf-net --as 33:33 connect tcp 169.254.169.254 80 noecho
try ok "meanwhile nginx serves as before" curl -sf -o /dev/null --max-time 20 http://127.0.0.1/

cleanup
say "$steps steps, $((steps - wrong)) as shown, $wrong not; $(($(date +%s) - t0)) s in the guest"
[ "$wrong" -eq 0 ]
