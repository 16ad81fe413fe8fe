#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# genprofile.sh NAME NFILE NEXEC NNET [PATH...]: print a profile (JSON) for the
# benchmarks, in enforce mode, with about NFILE file, NEXEC exec and NNET
# network rules. Filler rules deny things the benchmarks never touch; the
# operations measured are allowed by explicit rules, so the lookup runs to
# the end (the worst case) instead of stopping at an absent section:
#   file: every PATH is allowed for read (exact rules);
#   exec: every PATH is allowed (exact rules);
#   network: connect to 127.0.0.1/32 port $BENCH_PORT (default 47000) is allowed.
# Filler paths spread over 64 directories, filler addresses over 10.0.0.0/8.
# Plain POSIX sh + awk: runs on the host (compile timing) and in the guest.
set -eu
[ $# -ge 4 ] || { echo "usage: genprofile.sh NAME NFILE NEXEC NNET [PATH...]" >&2; exit 2; }
name=$1 nfile=$2 nexec=$3 nnet=$4
shift 4
awk -v name="$name" -v nfile="$nfile" -v nexec="$nexec" -v nnet="$nnet" \
    -v port="${BENCH_PORT:-47000}" -v paths="$*" '
function sep(i) { return i ? ",\n" : "\n" }
# section(KEY, N, EXTRA, DIR): allow rules for every measured path, then deny
# fillers /opt/DIR/dK/xK up to N rules; EXTRA follows the path of each rule.
function section(key, n, extra, dir,    i, k) {
	printf ",\n\"%s\":{\"default\":\"allow\",\"rules\":[", key
	k = 0
	for (i = 1; i <= np; i++)
		printf "%s{\"action\":\"allow\",\"path\":\"%s\"%s}", sep(k++), p[i], extra
	for (i = k; i < n; i++)
		printf "%s{\"action\":\"deny\",\"path\":\"/opt/%s/d%d/%s%d\"%s}", sep(k++), dir, i % 64, substr(dir, 2), i, extra
	printf "]}"
}
BEGIN {
	np = split(paths, p, " ")
	printf "{\"name\":\"%s\",\"mode\":\"enforce\"", name
	if (nexec > 0)
		section("exec", nexec, "", "bx")
	if (nfile > 0)
		section("file", nfile, ",\"access\":[\"read\"]", "bf")
	if (nnet > 0) {
		printf ",\n\"network\":{\"default\":\"allow\",\"rules\":["
		printf "\n{\"action\":\"allow\",\"op\":[\"connect\"],\"proto\":\"tcp\",\"addr\":\"127.0.0.1/32\",\"ports\":[%d]}", port
		for (i = 1; i < nnet; i++)
			printf ",\n{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"10.%d.%d.%d/32\"}", int(i / 65536) % 256, int(i / 256) % 256, i % 256
		printf "]}"
	}
	printf "}\n"
}'
