#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The man pages (docs/man/) render without a warning, have the sections a
# reader looks for, and describe everything the programs' --help lists
# (commands, options, option words, exit statuses) and every key and word
# of the profile schema, so a page cannot fall behind its program. The JSON
# examples of enforcer-profile(5) must be valid profiles. Prints PASS/FAIL.
set -u
cd "$(dirname "$0")/../.."
. tests/host/lib/check.sh
. tests/host/lib/help_words.sh
B=build/bin
M=docs/man
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export LC_ALL=C.UTF-8

for tool in groff man jq; do
	command -v $tool >/dev/null || check "manpages: $tool is installed" 1 "missing: run scripts/install-deps.sh"
done
[[ $failed -eq 0 ]] || finish

# render PAGE: plain text, one line per paragraph (no line breaks to hide a word in).
render() { groff -man -Tascii -rLL=2000n -P-c -P-b -P-u "$1" 2>/dev/null; }

# section TEXT NAME: the body of section NAME of rendered TEXT
section() { awk -v s="$2" '/^[A-Z]/ { on = ($0 == s); next } on' <<<"$1"; }

# absent TEXT WORD...: the WORDs that do not stand in TEXT as whole words
# (runs of letters, digits, '-' and '_'); a WORD of several words, as a phrase.
absent() {
	local text=$1 w out=""
	local -A have=()
	shift
	while read -r w; do have[$w]=1; done < <(grep -oE '[A-Za-z0-9_-]+' <<<"$text")
	for w in "$@"; do
		if [[ $w == *" "* ]]; then
			grep -qF -- "$w" <<<"$text" || out+=" '$w'"
		else
			[[ -n ${have[$w]-} ]] || out+=" $w"
		fi
	done
	echo "${out# }"
}

# check_page PROGRAM PAGE: PAGE against PROGRAM --help.
check_page() {
	local prog=$1 page=$2 text key kind word ctx miss
	local words=() codes=()
	text=$(render "$page")
	if ! help_words "$B/$prog" >"$T/words"; then
		check "$prog: --help lists options" 1 "nothing read from $B/$prog --help"
		return
	fi
	while IFS=$'\t' read -r key kind word ctx; do
		case $kind in
		cmd | opt | val) words+=("$word") ;;
		exit) codes+=("$word") ;;
		esac
	done <"$T/words"
	miss=$(absent "$text" "${words[@]}")
	check "${page##*/}: names every command, option and word of '$prog --help' (${#words[@]})" \
		$([[ -z $miss ]]; echo $?) "missing: $miss"
	miss=$(absent "$(section "$text" "EXIT STATUS")" "${codes[@]}")
	check "${page##*/}: EXIT STATUS has every status of '$prog --help' (${codes[*]})" \
		$([[ -z $miss ]]; echo $?) "missing: $miss"
}

for page in $M/enforcerd.8 $M/enforcerctl.8 $M/policyc.1 $M/enforcer-profile.5; do
	name=${page##*/}
	if [[ ! -f $page ]]; then
		check "$name: exists" 1 "$page missing"
		continue
	fi
	out=$(groff -man -ww -z "$page" 2>&1)
	check "$name: groff -ww finds nothing to warn about" $([[ $? -eq 0 && -z $out ]]; echo $?) "$out"
	out=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
	check "$name: man --warnings -l renders it silently" $([[ -z $out ]]; echo $?) "$out"
	text=$(render "$page")
	want=(NAME SYNOPSIS DESCRIPTION FILES EXAMPLES "SEE ALSO")
	# Sections 1 and 8 describe commands; a file format has no options or exit status.
	[[ $name == *.5 ]] || want+=(OPTIONS "EXIT STATUS")
	miss=""
	for s in "${want[@]}"; do grep -qx -- "$s" <<<"$text" || miss+=" $s"; done
	check "$name: has sections ${want[*]}" $([[ -z $miss ]]; echo $?) "missing:$miss"
	check "$name: NAME says '${name%.*} - ...'" \
		$(section "$text" NAME | grep -qE "^ +${name%.*} - [a-z]"; echo $?) "$(section "$text" NAME)"
done

for prog in enforcerd:8 enforcerctl:8 policyc:1; do
	if [[ ! -x $B/${prog%:*} ]]; then
		check "${prog%:*}: built" 1 "$B/${prog%:*} missing (run make)"
		continue
	fi
	check_page "${prog%:*}" "$M/${prog%:*}.${prog#*:}"
done

# enforcer-profile(5): every key and every word the schema allows (the unit
# tests keep the schema and the parser in step).
text=$(render $M/enforcer-profile.5)
mapfile -t keys < <(jq -r '[.. | objects | .properties? // empty | keys[]] | unique[]' docs/policy.schema.json)
mapfile -t enums < <(jq -r '[.. | objects | .enum? // empty | .[]] | unique[]' docs/policy.schema.json)
miss=$(absent "$text" "${keys[@]}")
check "enforcer-profile.5: describes every key of docs/policy.schema.json (${#keys[@]})" \
	$([[ ${#keys[@]} -gt 10 && -z $miss ]]; echo $?) "missing: $miss (keys read: ${#keys[@]})"
miss=$(absent "$text" "${enums[@]}")
check "enforcer-profile.5: describes every word of docs/policy.schema.json (${#enums[@]})" \
	$([[ ${#enums[@]} -gt 20 && -z $miss ]]; echo $?) "missing: $miss (words read: ${#enums[@]})"

# Its JSON examples are profiles policyc accepts.
awk -v dir="$T" '/^\.SH EXAMPLES/ { on = 1; next } /^\.SH/ { on = 0 }
	on && /^\.EX/ { n++; f = dir "/example" n ".json"; next } on && /^\.EE/ { f = ""; next }
	f { gsub(/\\-/, "-"); print > f }' $M/enforcer-profile.5
n=0
for ex in "$T"/example*.json; do
	[[ -f $ex ]] || continue
	n=$((n + 1))
	out=$($B/policyc check "$ex" 2>&1)
	check "enforcer-profile.5: example $n is a valid profile" $? "$out"
done
check "enforcer-profile.5: has JSON examples" $([[ $n -ge 1 ]]; echo $?) "none found between .EX and .EE in EXAMPLES"

# The checks must catch drift: a page that lost an option and a status.
sed -e 's/\\-\\-prometheus/\\-\\-frobnicate/g' -e 's/^\.B 125$/.B 999/; s/ 125 / 999 /; s/^125$/999/' $M/enforcerctl.8 >"$T/enforcerctl.8"
control=$(check_page enforcerctl "$T/enforcerctl.8")
check "control: a page without --prometheus and status 125 fails both checks" \
	$([[ $control == *"FAIL enforcerctl.8: names every"*"missing: --prometheus"* &&
		$control == *"FAIL enforcerctl.8: EXIT STATUS"*"missing: 125"* ]]; echo $?) "$control"

finish
