#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The README's layout table matches the tree, both ways:
#   - every name the table gives (a `backticked` token with a '/' or a '.'
#     in it, or one that is a top-level entry; `x.{c,h}` is x.c and x.h)
#     exists, as a tracked file or a folder holding one. A name is looked
#     up below its row's folder first (the row of `lsm-progs/` says
#     `exec.bpf.c`), then from the top;
#   - everything tracked is named, at this granularity:
#       * in the code folders (FILE_LEVEL below) every file; a header is
#         named with its .c (`x.h` goes with `x.c`, `x.bpf.h` with
#         `x.bpf.c`), a header of its own must be named itself;
#       * in tests/, each entry directly below it (`unit/`, `run-all.sh`);
#       * every other top-level folder as a folder (`docs/`), and every
#         top-level file but README.md and .gitignore.
# Then the same checker runs on copies of the tree broken on purpose
# (a new file, a name gone from the table, a named file gone): each must
# be caught, so the checks above can fail.
#
#   tests/host/test_readme_layout.sh [ROOT]   ROOT: another tree to check
#
# Prints PASS/FAIL lines.
set -u
root=.
[[ $# -eq 0 ]] || root=$(cd "$1" && pwd) || exit 2
cd "$(dirname "$0")/../.."
. tests/host/lib/check.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

FILE_LEVEL=(include lsm-progs policyc common enforcerd enforcerctl scripts .ci)
UNNAMED=(README.md .gitignore)

# tracked ROOT: the files of ROOT, one relative path a line. In a git work
# tree what git tracks or would (files not yet added count, ignored ones do
# not), as the work tree has it; elsewhere (an unpacked copy) every file but
# build output and caches.
tracked() {
	local f
	if git -C "$1" rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
		[[ $(git -C "$1" rev-parse --show-toplevel) == "$(cd "$1" && pwd -P)" ]]; then
		git -C "$1" ls-files --cached --others --exclude-standard | sort -u | while IFS= read -r f; do
			[[ -e $1/$f || -L $1/$f ]] && printf '%s\n' "$f"
		done
	else
		(cd "$1" && find . ! -type d ! -path './build/*' ! -path './.cache/*' ! -path './.git/*' \
			! -name '*.o' ! -name '*.skel.h' ! -path '*/__pycache__/*' | sed 's|^\./||' | sort)
	fi
}

# names README: every backticked token of the layout table's rows (from
# "## Layout" to the next heading) but those with a blank or a leading '/',
# one {a,b} group expanded, one a line: ROW, BASE and NAME separated by
# 0x1f (a tab is white space to read: an empty BASE would vanish). BASE is
# the row's folder (its first name if that ends in '/', else that name's
# folder) and ROW its first column.
names() {
	awk -F'|' '
		/^## / { on = ($0 == "## Layout"); next }
		!on || !/^\|/ || /^\| *(path|---)/ { next }
		{
			row = $2; gsub(/`|^ +| +$/, "", row)
			base = ""
			if (match($2, /`[^`]*`/)) {
				base = substr($2, RSTART + 1, RLENGTH - 2)
				if (base !~ /\/$/)
					base = base ~ /\// ? substr(base, 1, match(base, /[^\/]*$/) - 1) : ""
			}
			line = $0
			while (match(line, /`[^`]*`/)) {
				tok = substr(line, RSTART + 1, RLENGTH - 2)
				line = substr(line, RSTART + RLENGTH)
				if (tok == "" || tok ~ / / || tok ~ /^\//)
					continue
				if (match(tok, /\{[^}]*\}/)) {
					pre = substr(tok, 1, RSTART - 1); post = substr(tok, RSTART + RLENGTH)
					n = split(substr(tok, RSTART + 1, RLENGTH - 2), alt, ",")
					for (i = 1; i <= n; i++)
						print row "\037" base "\037" pre alt[i] post
				} else {
					print row "\037" base "\037" tok
				}
			}
		}' "$1"
}

# layout_problems ROOT: one line per mismatch between ROOT's README table
# and ROOT's files, then "# N names, M units" (what was compared).
layout_problems() {
	local root=$1 row base name p top f d want
	local -A have=() named=() tops=()
	local n_names=0 n_units=0
	while IFS= read -r f; do
		have[$f]=1
		d=$f
		while [[ $d == */* ]]; do
			d=${d%/*}
			have[$d/]=1
		done
		tops[${f%%/*}]=1
	done < <(tracked "$root")

	while IFS=$'\x1f' read -r row base name; do
		# A name is a path when it has a '/' or a '.', or is a top-level entry ("Makefile").
		[[ $name == */* || $name == *.* || -n ${tops[${name%/}]:-} ]] || continue
		n_names=$((n_names + 1))
		if [[ -n $base && -n ${have[$base$name]:-} ]]; then
			named[$base$name]=1
		elif [[ -n ${have[$name]:-} ]]; then
			named[$name]=1
		else
			echo "the table names '$name' (row $row), which is not in the tree"
		fi
	done < <(names "$root/README.md")

	# covered UNIT: named itself, or (a header) its .c is
	covered() {
		[[ -n ${named[$1]:-} ]] && return 0
		[[ $1 == *.h && -n ${named[${1%.h}.c]:-} ]]
	}
	while IFS= read -r want; do
		n_units=$((n_units + 1))
		covered "$want" || echo "'$want' is in the tree but not in the README's layout table"
	done < <(
		for top in "${!tops[@]}"; do
			if [[ -n ${have[$top]:-} ]]; then # a top-level file
				[[ " ${UNNAMED[*]} " == *" $top "* ]] || echo "$top"
			elif [[ " ${FILE_LEVEL[*]} " == *" $top "* ]]; then
				for f in "${!have[@]}"; do
					[[ $f == "$top"/* && $f != */ ]] && echo "$f"
				done
			elif [[ $top == tests ]]; then
				for f in "${!have[@]}"; do
					[[ $f == tests/* ]] || continue
					p=${f#tests/}
					[[ $p == */* ]] && echo "tests/${p%%/*}/" || echo "$f"
				done
			else
				echo "$top/"
			fi
		done | sort -u
	)
	echo "# $n_names names, $n_units units"
}

# The tree itself.
out=$(layout_problems "$root")
read -r n_names n_units < <(sed -n 's/^# \([0-9]*\) names, \([0-9]*\) units$/\1 \2/p' <<<"$out")
check "README layout: the table's $n_names names all exist" "$(grep -c 'not in the tree' <<<"$out")" \
	"$(grep 'not in the tree' <<<"$out")"
check "README layout: the table names all $n_units units of the tree" "$(grep -c 'not in the README' <<<"$out")" \
	"$(grep 'not in the README' <<<"$out")"
[[ $n_names -gt 50 && $n_units -gt 50 ]]
check "README layout: the table and the tree were read ($n_names names, $n_units units)" $? \
	"too few: the table's heading or format changed"

# Copies broken on purpose: the checker must notice each.
copy=$T/copy
mkdir -p "$copy"
tracked "$root" >"$T/list"
(cd "$copy" && sed -n 's|/[^/]*$||p' "$T/list" | sort -u | xargs -r -d '\n' mkdir -p &&
	xargs -r -d '\n' touch <"$T/list")
cp "$root/README.md" "$copy/README.md"
out=$(layout_problems "$copy")
out=$(grep -v '^# ' <<<"$out")
check "README layout control: an unpacked copy matches as the tree does" "$([[ -z $out ]]; echo $?)" "$out"

# caught WHAT WANT: the copy's problems include a line matching WANT.
caught() {
	out=$(layout_problems "$copy")
	grep -qF -- "$2" <<<"$out"
	check "README layout control: $1 is caught" $? "no line with '$2' in: ${out:-nothing}"
}

: >"$copy/enforcerd/undocumented.c"
caught "a new enforcerd/undocumented.c" "'enforcerd/undocumented.c' is in the tree but not"
rm "$copy/enforcerd/undocumented.c"

mkdir -p "$copy/tests/newfolder" && : >"$copy/tests/newfolder/x.sh"
caught "a new tests/newfolder/" "'tests/newfolder/' is in the tree but not"
rm -r "$copy/tests/newfolder"

: >"$copy/policyc/orphan.h"
caught "a header without a .c (policyc/orphan.h)" "'policyc/orphan.h' is in the tree but not"
rm "$copy/policyc/orphan.h"

sed -i 's/`live_edit\.c`//' "$copy/README.md"
caught "live_edit.c gone from the table" "'enforcerd/live_edit.c' is in the tree but not"
cp "$root/README.md" "$copy/README.md"

rm "$copy/lsm-progs/unix.bpf.c"
caught "a named file gone from the tree (lsm-progs/unix.bpf.c)" "names 'unix.bpf.c'"
: >"$copy/lsm-progs/unix.bpf.c"

rm "$copy/lsm-progs/net.bpf.h"
caught "one half of a braced name gone (net.bpf.{c,h})" "names 'net.bpf.h'"
: >"$copy/lsm-progs/net.bpf.h"

rm -r "$copy/policies"
caught "a named folder gone (policies/)" "names 'policies/'"

finish
