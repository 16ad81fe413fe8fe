#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# policies/nginx-proxy.json on Debian's nginx as a reverse proxy in front of
# an upstream on 127.0.0.1:8081 (docs/profiles/nginx.md): Works (static and
# proxied GETs, a response and a request body buffered to temporary files,
# a reload, log rotation, a restart; no denial) and Holds (lib/holds.sh, as
# root and as www-data). The upstream itself is allowed, any other peer not.
# enforcer-test: timeout=1200

. /enforcer/tests/system/lib/system.sh
. /enforcer/tests/system/lib/services.sh
. /enforcer/tests/system/lib/profile.sh
. /enforcer/tests/system/lib/holds.sh

ensure_daemon || finish
nginx_site_files
upstream_start || fail "the upstream on 127.0.0.1:$UPSTREAM_PORT did not start"
nginx_proxy_conf on
other_service_file
if profile_works nginx-proxy nginx nginx_functional proxy; then
	profile_holds nginx-proxy nginx "/var/lib/nginx/proxy /var/log/nginx" "$NGINX_ROOT/index.html" "$OTHER_DATA"
fi
profile_release nginx-proxy nginx
nginx_proxy_conf off
upstream_stop
systemctl restart nginx
finish
