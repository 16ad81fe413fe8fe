#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# policies/redis-server.json on Debian's redis-server
# (docs/profiles/redis-server.md): Works (redis-cli, redis-benchmark,
# BGSAVE and SAVE, a restart that loads the dump; no denial; the unit's own
# sandbox set up under the profile) and Holds (lib/holds.sh, as root and as
# redis: among them writing /etc/redis/redis.conf).
# enforcer-test: timeout=1200

. /enforcer/tests/system/lib/system.sh
. /enforcer/tests/system/lib/services.sh
. /enforcer/tests/system/lib/profile.sh
. /enforcer/tests/system/lib/holds.sh

ensure_daemon || finish
other_service_file
if profile_works redis-server redis-server redis_functional; then
	profile_holds redis-server redis-server "/var/lib/redis /tmp" /etc/redis/redis.conf "$OTHER_DATA"
fi
profile_release redis-server redis-server
finish
