#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# policies/nginx-static.json on Debian's nginx serving a static site
# (docs/profiles/nginx.md): Works (enforced from before the unit starts:
# static GETs, a reload, log rotation, a restart; no denial of the profile)
# and Holds (the attacks of lib/holds.sh from inside nginx.service, as root
# and as www-data, each EPERM with its event, beside its control).
# enforcer-test: timeout=1200

. /enforcer/tests/system/lib/system.sh
. /enforcer/tests/system/lib/services.sh
. /enforcer/tests/system/lib/profile.sh
. /enforcer/tests/system/lib/holds.sh

ensure_daemon || finish
nginx_site_files
nginx_proxy_conf off
other_service_file
if profile_works nginx-static nginx nginx_functional static; then
	profile_holds nginx-static nginx "/var/lib/nginx/body /var/log/nginx" "$NGINX_ROOT/index.html" "$OTHER_DATA"
fi
profile_release nginx-static nginx
finish
