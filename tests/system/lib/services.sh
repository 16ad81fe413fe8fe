# SPDX-License-Identifier: GPL-2.0-only
# The real services of the system guest and their functional tests, shared
# by the profile tests (2x-profile-*.sh) and the learn-mode reproduction
# (29-profile-learn.sh): each test exercises a service with its real client
# the way the profile must keep working, including a reload and a restart.
# Bash; sourced after tests/lib/checks.sh (pass, fail, expect_*).

# ---- which unit, which cgroup ---------------------------------------------------------

# The Debian PostgreSQL cluster of this suite (15 on bookworm, 17 on trixie).
pg_version() {
	ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n1
}

# service_unit NAME: the systemd unit of a service of this file.
service_unit() {
	case $1 in
	postgresql) echo "postgresql@$(pg_version)-main.service" ;;
	*) echo "$1.service" ;;
	esac
}

# service_cgroup NAME: the cgroup the profile is attached to. PostgreSQL's
# clusters run as postgresql@VERSION-CLUSTER.service in one slice: the
# slice holds every cluster of every version, so one attachment serves both
# suites (and a cluster created later).
service_cgroup() {
	case $1 in
	postgresql) echo /sys/fs/cgroup/system.slice/system-postgresql.slice ;;
	*) echo "/sys/fs/cgroup/system.slice/$1.service" ;;
	esac
}

# service_packages NAME: the Debian packages (name=version) the profile is proven against here.
service_packages() {
	local pkgs
	case $1 in
	nginx*) pkgs="nginx nginx-common libnginx-mod-http-echo" ;;
	redis-server) pkgs="redis-server redis-tools" ;;
	postgresql) pkgs="postgresql-$(pg_version) postgresql-common" ;;
	memcached) pkgs="memcached" ;;
	esac
	dpkg-query -W -f '${Package}=${Version} ' $pkgs systemd 2>/dev/null
}

# service_task_cgroup NAME: the cgroup the service's processes run in, where
# the attacks of the profile tests are made (a slice's own cgroup holds no
# process: cgroup v2 keeps processes in leaves).
service_task_cgroup() {
	case $1 in
	postgresql) echo "$(service_cgroup postgresql)/$(service_unit postgresql)" ;;
	*) service_cgroup "$1" ;;
	esac
}

# service_attach_unit NAME: the unit whose cgroup service_cgroup names.
service_attach_unit() {
	case $1 in
	postgresql) echo system-postgresql.slice ;;
	*) echo "$1.service" ;;
	esac
}

# service_user NAME: the user the service's processes run as.
service_user() {
	case $1 in
	nginx*) echo www-data ;;
	redis-server) echo redis ;;
	postgresql) echo postgres ;;
	memcached) echo memcache ;;
	esac
}

# wait_port PORT [SECONDS]: until something listens on 127.0.0.1:PORT.
wait_port() {
	local i=0
	while [ $i -lt $((${2:-60} * 10)) ]; do
		ss -Htln "sport = :$1" 2>/dev/null | grep -q . && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# service_ready NAME: until the service listens (Type=simple units are
# "started" before they do). 0 when it does.
service_ready() {
	case $1 in
	nginx*) wait_port 80 60 ;;
	redis-server) wait_port 6379 60 ;;
	memcached) wait_port 11211 60 ;;
	postgresql) wait_port 5432 120 ;;
	esac
}

# svc_do DESCRIPTION CMD...: a systemctl step that must succeed; on failure
# the unit's journal goes with the FAIL line.
svc_do() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$desc"
		return 0
	fi
	fail "$desc: $out"
	[ -n "${SVC_UNIT:-}" ] && unit_log "$SVC_UNIT"
	return 1
}

# ---- nginx ---------------------------------------------------------------------------

NGINX_ROOT=/var/www/html
# The upstream of the reverse proxy: a tiny HTTP server outside nginx's
# cgroup (perl is in the image for PostgreSQL's wrappers).
UPSTREAM_PORT=8081
PROXY_PORT=8080

nginx_site_files() {
	mkdir -p "$NGINX_ROOT/sub/dir"
	printf '<html><body>enforcer static index</body></html>\n' >"$NGINX_ROOT/index.html"
	printf 'plain text file\n' >"$NGINX_ROOT/a.txt"
	printf 'body { color: red }\n' >"$NGINX_ROOT/sub/dir/c.css"
	head -c 300000 /dev/urandom >"$NGINX_ROOT/big.bin"
}

# upstream_start: serve "upstream says hello" (and 200 KB on /big) on
# 127.0.0.1:UPSTREAM_PORT until upstream_stop, once it has read the request's body.
upstream_start() {
	perl -MIO::Socket::INET -e '
		my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $ARGV[0], Listen => 16, ReuseAddr => 1)
			or die "listen: $!";
		$SIG{CHLD} = "IGNORE";
		while (my $c = $s->accept) {
			next if fork;
			my ($req, $len, $got) = (scalar <$c>, 0, 0);
			while (my $l = <$c>) { $len = $1 if $l =~ /^Content-Length:\s*(\d+)/i; last if $l =~ /^\r?\n$/ }
			# The whole body before the answer: a socket closed with unread data sends a reset, and
			# nginx, still sending a POST body, answered 502 (21-profile-nginx-proxy, now and then).
			while ($got < $len) { my $n = read($c, my $buf, $len - $got); last unless $n; $got += $n }
			my $body = $req =~ m{ /big } ? ("x" x 200000) : "upstream says hello\n";
			print $c "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " . length($body) . "\r\n\r\n" . $body;
			close $c;
			exit 0;
		}' "$UPSTREAM_PORT" &
	UPSTREAM_PID=$!
	wait_port "$UPSTREAM_PORT" 20
}

upstream_stop() {
	[ -n "${UPSTREAM_PID:-}" ] && kill "$UPSTREAM_PID" 2>/dev/null
	UPSTREAM_PID=
}

# nginx_proxy_conf on|off: the reverse-proxy server (PROXY_PORT -> upstream).
nginx_proxy_conf() {
	local f=/etc/nginx/conf.d/enforcer-proxy.conf
	if [ "$1" = off ]; then
		rm -f "$f"
		return
	fi
	cat >"$f" <<-EOF
	server {
		listen 127.0.0.1:$PROXY_PORT;
		client_body_buffer_size 8k;
		location / {
			proxy_pass http://127.0.0.1:$UPSTREAM_PORT;
			proxy_buffer_size 4k;
			proxy_buffers 4 4k;
		}
	}
	EOF
}

nginx_get() { # DESCRIPTION URL NEEDLE
	local out
	out=$(curl -fsS --max-time 20 "$2" 2>&1)
	expect_contains "$1" "$3" "$out"
}

# nginx_static_checks LABEL: static files (sendfile), a miss, a HEAD.
nginx_static_checks() {
	local code size
	nginx_get "$1: GET / serves the index" http://127.0.0.1/ "enforcer static index"
	nginx_get "$1: GET /a.txt" http://127.0.0.1/a.txt "plain text file"
	nginx_get "$1: GET /sub/dir/c.css" http://127.0.0.1/sub/dir/c.css "color: red"
	size=$(curl -fsS --max-time 20 http://127.0.0.1/big.bin 2>/dev/null | wc -c)
	expect_eq "$1: GET /big.bin (300000 bytes, sendfile)" 300000 "$size"
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 http://127.0.0.1/missing)
	expect_eq "$1: GET /missing is a 404" 404 "$code"
	code=$(curl -sI -o /dev/null -w '%{http_code}' --max-time 20 http://127.0.0.1/a.txt)
	expect_eq "$1: HEAD /a.txt" 200 "$code"
}

# nginx_proxy_checks LABEL: proxied GETs (one through temporary files), a POST body.
nginx_proxy_checks() {
	local size out
	nginx_get "$1: GET through the proxy" "http://127.0.0.1:$PROXY_PORT/hello" "upstream says hello"
	size=$(curl -fsS --max-time 30 "http://127.0.0.1:$PROXY_PORT/big" 2>/dev/null | wc -c)
	expect_eq "$1: a 200 KB upstream answer (buffered to a temporary file)" 200000 "$size"
	out=$(head -c 100000 /dev/zero | curl -fsS --max-time 30 --data-binary @- "http://127.0.0.1:$PROXY_PORT/post" 2>&1)
	expect_contains "$1: a 100 KB POST body (buffered to a temporary file)" "upstream says hello" "$out"
}

# nginx_functional static|proxy: the whole functional test, the unit running.
nginx_functional() {
	local mode=$1 lines
	SVC_UNIT=nginx.service
	nginx_static_checks "nginx"
	[ "$mode" = proxy ] && nginx_proxy_checks "nginx"
	svc_do "systemctl reload nginx (ExecReload: nginx -s reload)" systemctl reload nginx
	sleep 1
	nginx_static_checks "after reload"
	[ "$mode" = proxy ] && nginx_proxy_checks "after reload"
	# Log rotation as Debian's logrotate does it: move, then USR1 from
	# invoke-rc.d (in logrotate's cgroup); the master reopens (creates) the logs.
	lines=$(wc -l </var/log/nginx/access.log)
	if out=$(logrotate -f /etc/logrotate.d/nginx 2>&1); then
		pass "logrotate -f /etc/logrotate.d/nginx"
	else
		fail "logrotate -f /etc/logrotate.d/nginx: $out"
	fi
	sleep 1
	nginx_get "after log rotation: GET /" http://127.0.0.1/ "enforcer static index"
	# The master reopens the logs on USR1, then has each worker reopen them:
	# a request served before a worker did is logged in the rotated file.
	# Ask again (up to 10 s) until the new access.log has a line.
	local i=0
	while [ $i -lt 50 ] && ! grep -q 'GET / ' /var/log/nginx/access.log 2>/dev/null; do
		sleep 0.2
		curl -fsS -o /dev/null --max-time 5 http://127.0.0.1/ 2>/dev/null
		i=$((i + 1))
	done
	lines=$(grep -c 'GET / ' /var/log/nginx/access.log 2>/dev/null)
	if [ "${lines:-0}" -ge 1 ]; then
		pass "after log rotation: nginx writes a new access.log ($lines lines; asked again $i times)"
	else
		fail "after log rotation: no request logged in a new /var/log/nginx/access.log within 10 s"
	fi
	svc_do "systemctl restart nginx" systemctl restart nginx
	wait_port 80 30
	nginx_static_checks "after restart"
	[ "$mode" = proxy ] && nginx_proxy_checks "after restart"
	return 0
}

# ---- redis -----------------------------------------------------------------------------

rcli() { timeout 30 redis-cli -h 127.0.0.1 -p 6379 "$@" 2>&1; }

redis_functional() {
	local out before after
	SVC_UNIT=redis-server.service
	expect_eq "redis-cli PING" PONG "$(rcli PING)"
	expect_eq "redis-cli SET" OK "$(rcli SET enforcer:key value-1)"
	expect_eq "redis-cli GET" value-1 "$(rcli GET enforcer:key)"
	expect_eq "redis-cli over IPv6 (::1)" PONG "$(timeout 30 redis-cli -h ::1 -p 6379 PING 2>&1)"
	out=$(timeout 300 redis-benchmark -h 127.0.0.1 -p 6379 -q -n 2000 -c 10 -t set,get 2>&1)
	expect_contains "redis-benchmark SET and GET" "GET:" "$out"
	before=$(rcli LASTSAVE)
	sleep 1.1
	expect_eq "redis-cli BGSAVE" "Background saving started" "$(rcli BGSAVE)"
	local i=0
	while [ $i -lt 100 ] && [ "$(rcli LASTSAVE)" = "$before" ]; do sleep 0.2; i=$((i + 1)); done
	after=$(rcli LASTSAVE)
	[ "$after" != "$before" ] && pass "BGSAVE wrote /var/lib/redis/dump.rdb (forked child)" ||
		fail "BGSAVE did not complete: $(tail -n 5 /var/log/redis/redis-server.log)"
	expect_eq "redis-cli SAVE" OK "$(rcli SAVE)"
	[ -s /var/lib/redis/dump.rdb ] && pass "dump.rdb exists" || fail "no /var/lib/redis/dump.rdb"
	# The unit has no ExecReload; a restart reloads the configuration.
	svc_do "systemctl restart redis-server" systemctl restart redis-server
	wait_port 6379 30
	expect_eq "after restart: the key was loaded from dump.rdb" value-1 "$(rcli GET enforcer:key)"
	expect_eq "after restart: SET" OK "$(rcli SET enforcer:key2 value-2)"
	return 0
}

# ---- postgresql ------------------------------------------------------------------------

pgsql() { timeout 120 runuser -u postgres -- psql -X -q -t -A "$@" 2>&1; }

postgresql_functional() {
	local out ver unit
	ver=$(pg_version)
	unit=$(service_unit postgresql)
	SVC_UNIT=$unit
	expect_eq "psql: SELECT 1 (unix socket)" 1 "$(pgsql -c 'SELECT 1')"
	pgsql -c "DROP DATABASE IF EXISTS enforcer" >/dev/null
	out=$(pgsql -c "CREATE DATABASE enforcer")
	expect_eq "psql: CREATE DATABASE" "" "$out"
	out=$(pgsql -d enforcer -c "CREATE TABLE t (id serial PRIMARY KEY, v text); INSERT INTO t (v) SELECT md5(g::text) FROM generate_series(1, 2000) g; SELECT count(*) FROM t")
	expect_eq "psql: CREATE TABLE, INSERT 2000 rows, count" 2000 "$out"
	out=$(pgsql -d enforcer -c "CREATE INDEX ON t (v)" -c "VACUUM ANALYZE t" -c "CHECKPOINT" -c "SELECT 'ok'")
	expect_eq "psql: CREATE INDEX, VACUUM, CHECKPOINT" ok "$out"
	# A sort bigger than work_mem spills to temporary files under the cluster's base/pgsql_tmp.
	out=$(pgsql -d enforcer -c "SET work_mem = '64kB'; SELECT count(*) FROM (SELECT v FROM t ORDER BY v DESC) s")
	expect_eq "psql: a sort spilling to temporary files" 2000 "$out"
	pgsql -c "DROP ROLE IF EXISTS bench" >/dev/null
	pgsql -c "CREATE ROLE bench LOGIN PASSWORD 'bench-pw'" >/dev/null
	pgsql -c "GRANT ALL ON DATABASE enforcer TO bench; ALTER DATABASE enforcer OWNER TO bench" >/dev/null
	out=$(PGPASSWORD=bench-pw timeout 60 psql -X -q -t -A -h 127.0.0.1 -U bench -d enforcer -c 'SELECT 2' 2>&1)
	expect_eq "psql over TCP 127.0.0.1:5432 with a password (scram)" 2 "$out"
	out=$(PGPASSWORD=bench-pw timeout 300 pgbench -h 127.0.0.1 -U bench -i -s 1 -q enforcer 2>&1)
	expect_contains "pgbench -i (initialise)" "done" "$out"
	out=$(PGPASSWORD=bench-pw timeout 300 pgbench -h 127.0.0.1 -U bench -c 2 -t 100 enforcer 2>&1)
	expect_contains "pgbench: 2 clients x 100 transactions" "number of transactions actually processed: 200/200" "$out"
	svc_do "systemctl reload $unit (pg_ctlcluster reload)" systemctl reload "$unit"
	sleep 1
	expect_eq "after reload: SELECT" 1 "$(pgsql -c 'SELECT 1')"
	svc_do "systemctl restart $unit (pg_ctlcluster stop, start)" systemctl restart "$unit"
	wait_port 5432 60
	out=$(pgsql -d enforcer -c "SELECT count(*) FROM t")
	expect_eq "after restart: the table is there" 2000 "$out"
	return 0
}

# ---- memcached ---------------------------------------------------------------------------

# mc CMD...: one memcached text-protocol exchange over bash's /dev/tcp, ending in quit.
mc() {
	local reply
	exec 7<>/dev/tcp/127.0.0.1/11211 || { echo "connect failed"; return 1; }
	printf '%s\r\n' "$@" quit >&7
	reply=$(timeout 10 cat <&7 | tr -d '\r')
	exec 7<&-
	printf '%s\n' "$reply"
}

memcached_functional() {
	local out
	SVC_UNIT=memcached.service
	out=$(mc "set enforcer 0 0 5" "hello")
	expect_eq "memcached: set (text protocol)" STORED "$out"
	out=$(mc "get enforcer")
	expect_contains "memcached: get" "hello" "$out"
	out=$(timeout 60 perl /usr/share/memcached/scripts/memcached-tool 127.0.0.1:11211 stats 2>&1)
	expect_contains "memcached-tool stats" "curr_items" "$out"
	out=$(timeout 60 perl /usr/share/memcached/scripts/memcached-tool 127.0.0.1:11211 display 2>&1)
	expect_contains "memcached-tool display (slabs)" "Item_Size" "$out"
	svc_do "systemctl restart memcached" systemctl restart memcached
	service_ready memcached
	out=$(mc "set enforcer 0 0 5" "again" "get enforcer")
	expect_contains "after restart: set and get" "again" "$out"
	return 0
}

# ---- the engine ------------------------------------------------------------------------

# ensure_daemon: enforcerd running and answering: the payload's package
# (install_enforcer) when there is one, else the payload's own build
# (/enforcer/bin, a developer's run without `make deb`). 0 when it answers.
ensure_daemon() {
	local i=0
	[ -z "$ENFORCER_DEB" ] && [ -x /enforcer/bin/enforcerd ] && export PATH=$PATH:/enforcer/bin
	if enforcerctl status >/dev/null 2>&1; then
		return 0
	fi
	if [ -n "$ENFORCER_DEB" ]; then
		install_enforcer || return 1
		systemctl start enforcerd.service 2>/dev/null
	elif [ -x /enforcer/bin/enforcerd ]; then
		mkdir -p /var/log/enforcer
		systemd-run --quiet --unit=enforcerd-payload /enforcer/bin/enforcerd \
			--audit-log /var/log/enforcer/audit.log
	else
		fail "no enforcer package and no /enforcer/bin/enforcerd on the payload"
		return 1
	fi
	while [ $i -lt 1800 ] && ! enforcerctl status >/dev/null 2>&1; do
		sleep 0.1
		i=$((i + 1))
	done
	if enforcerctl status >/dev/null 2>&1; then
		pass "enforcerd answers (after $((i / 10)) s)"
		return 0
	fi
	fail "enforcerd does not answer"
	journalctl --no-pager -n 30 -u enforcerd.service -u enforcerd-payload.service | sed 's/^/    /'
	return 1
}

AUDIT_LOG=/var/log/enforcer/audit.log
