#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# policies/postgresql.json on Debian's PostgreSQL cluster (15 on bookworm,
# 17 on trixie; docs/profiles/postgresql.md), attached to the slice of
# every postgresql@ unit: Works (psql over the socket and TCP, pgbench,
# temporary files, a reload and a restart through pg_ctlcluster; no
# denial) and Holds (lib/holds.sh, as root and as postgres: among them
# writing the cluster's postgresql.conf).
# enforcer-test: timeout=1500

. /enforcer/tests/system/lib/system.sh
. /enforcer/tests/system/lib/services.sh
. /enforcer/tests/system/lib/profile.sh
. /enforcer/tests/system/lib/holds.sh

ensure_daemon || finish
other_service_file
v=$(pg_version)
if profile_works postgresql postgresql postgresql_functional; then
	profile_holds postgresql postgresql "/var/lib/postgresql/$v/main /tmp" "/etc/postgresql/$v/main/postgresql.conf" "$OTHER_DATA"
fi
profile_release postgresql postgresql
finish
