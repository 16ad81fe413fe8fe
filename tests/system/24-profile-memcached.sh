#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# policies/memcached.json on Debian's memcached (docs/profiles/memcached.md):
# Works (set and get over the text protocol, memcached-tool stats and
# display, a restart through the unit's perl wrapper; no denial) and Holds
# (lib/holds.sh, as root and as memcache: among them writing
# /etc/memcached.conf).
# enforcer-test: timeout=1200

. /enforcer/tests/system/lib/system.sh
. /enforcer/tests/system/lib/services.sh
. /enforcer/tests/system/lib/profile.sh
. /enforcer/tests/system/lib/holds.sh

ensure_daemon || finish
other_service_file
if profile_works memcached memcached memcached_functional; then
	profile_holds memcached memcached "/run/memcached /tmp" /etc/memcached.conf "$OTHER_DATA"
fi
profile_release memcached memcached
finish
