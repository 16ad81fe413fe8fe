#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The bash completions (packaging/bash-completion/) offer every command,
# option and option word that each program's --help lists. Each completion
# runs under bash-completion as an interactive shell would run it, for the
# words of one command, so a completion that forgets an option, or offers it
# under the wrong command, fails here. Prints PASS/FAIL lines.
set -u
cd "$(dirname "$0")/../.."
. tests/host/lib/check.sh
. tests/host/lib/help_words.sh
B=build/bin
BC=/usr/share/bash-completion/bash_completion
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

if [[ ! -r $BC ]]; then
	check "completion: $BC is installed" 1 "missing: run scripts/install-deps.sh (bash-completion)"
	finish
fi

# offered FILE < QUERIES: for each query line (a command line's words,
# separated by US, 0x1f; the last one is being completed) the candidates the
# completion in FILE offers, one line of blank-separated words per query.
# One shell answers all of a program's queries: sourcing bash-completion
# costs more than completing.
US=$'\x1f'
offered() {
	bash --norc --noprofile -c '
		. "$1" >/dev/null 2>&1 || exit 3
		. "$2" || exit 3
		while IFS= read -r q; do
			IFS=$'"'"'\x1f'"'"' read -r -a COMP_WORDS <<<"$q"
			[[ $q == *$'"'"'\x1f'"'"' ]] && COMP_WORDS+=("")
			COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
			COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
			COMPREPLY=()
			f=$(complete -p "${COMP_WORDS[0]}" 2>/dev/null | sed -nE "s/.* -F ([^ ]+) .*/\1/p")
			[[ -n $f ]] && "$f" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
			echo "${COMPREPLY[*]}"
		done
	' _ "$BC" "$1" 2>/dev/null
}

# missing OFFERED WANTED...: those of WANTED not in OFFERED (an option may be offered as "--opt=")
missing() {
	local got=" $1 " w out=""
	shift
	for w in "$@"; do
		[[ $got == *" $w "* || $got == *" $w= "* ]] || out+=" $w"
	done
	echo "${out# }"
}

# check_program PROGRAM FILE: the completion in FILE against PROGRAM --help.
check_program() {
	local prog=$1 file=$2 key kind word ctx first i n=0 miss
	local -A opts=() vals=() subs=()
	local tops=() names=() wants=() queries=() answers=()
	if ! help_words "$B/$prog" >"$T/words"; then
		check "$prog: --help lists options" 1 "nothing read from $B/$prog --help"
		return
	fi
	while IFS=$'\t' read -r key kind word ctx; do
		case $kind in
		cmd)
			first=${word%% *}
			[[ " ${tops[*]-} " == *" $first "* ]] || tops+=("$first")
			[[ $word == *" "* ]] && subs[$first]+=" ${word#* }" ;;
		opt) opts[$key]+=" $word" ;;
		val) vals[$key|$ctx]+=" $word" ;;
		esac
	done <"$T/words"

	# Each query: what bash is asked, what it must offer, the check's name.
	query() { queries+=("$1"); wants+=("$2"); names+=("$3"); }
	[[ ${#tops[@]} -gt 0 ]] && query "$prog$US" "${tops[*]}" "'$prog <TAB>' offers every command"
	for first in "${!subs[@]}"; do
		query "$prog$US$first$US" "${subs[$first]}" "'$prog $first <TAB>' offers${subs[$first]}"
	done
	for key in "${!opts[@]}"; do
		word=$prog
		[[ $key == . ]] || word+="$US$key"
		word=${word// /$US}
		query "$word$US-" "${opts[$key]}" "'${word//$US/ } -<TAB>' offers${opts[$key]}"
	done
	for key in "${!vals[@]}"; do
		ctx=${key#*|} word="$prog$US${key%%|*}"
		word=${word// /$US}
		if [[ $ctx == -* ]]; then
			word+="$US$ctx"
		else
			for ((i = 0; i < ctx; i++)); do word+="${US}x"; done
		fi
		query "$word$US" "${vals[$key]}" "'${word//$US/ } <TAB>' offers${vals[$key]}"
	done

	mapfile -t answers < <(printf '%s\n' "${queries[@]}" | offered "$file")
	for ((i = 0; i < ${#queries[@]}; i++)); do
		# shellcheck disable=SC2086 # the wanted words are separate words
		miss=$(missing "${answers[i]-}" ${wants[i]})
		check "$prog: ${names[i]}" $([[ -z $miss ]]; echo $?) "missing: $miss"
	done
}

for prog in enforcerd enforcerctl policyc; do
	if [[ ! -x $B/$prog ]]; then
		check "$prog: built" 1 "$B/$prog missing (run make)"
		continue
	fi
	check_program "$prog" "packaging/bash-completion/$prog"
done

# The baseline's words are prose in policyc's help: they are checked against
# the vocabulary itself, enf_baseline_words in common/baseline.c.
baseline_words() { sed -n '/enf_baseline_words\[\] = {/,/};/p' common/baseline.c | grep -o '"[a-z-]*"' | tr -d '"'; }
check_baseline_words() {
	local got miss
	got=$(printf 'policyc%sexplain%sx%s--baseline%s\n' "$US" "$US" "$US" "$US" | offered "$1")
	# shellcheck disable=SC2046 # one word each
	miss=$(missing "$got" $(baseline_words))
	check "policyc: 'explain x --baseline <TAB>' offers every baseline word" $([[ -z $miss ]]; echo $?) "missing: $miss"
}
check "the baseline's vocabulary is read from common/baseline.c" $([[ $(baseline_words | wc -l) -ge 8 ]]; echo $?) \
	"read: $(baseline_words | tr '\n' ' ')"
check_baseline_words packaging/bash-completion/policyc
sed 's/ device-nodes//' packaging/bash-completion/policyc >"$T/policyc"
control=$(check_baseline_words "$T/policyc")
check "control: a completion without device-nodes fails the check" \
	$([[ $control == *"FAIL policyc: 'explain x --baseline"*"missing: device-nodes"* ]]; echo $?) "$control"

# The check itself must catch drift: a completion that lost one option.
sed 's/ --prometheus//' packaging/bash-completion/enforcerctl >"$T/enforcerctl"
control=$(check_program enforcerctl "$T/enforcerctl")
check "control: a completion without --prometheus fails the check" \
	$([[ $control == *"FAIL enforcerctl: 'enforcerctl stats -<TAB>'"*"missing: --prometheus"* ]]; echo $?) "$control"

finish
