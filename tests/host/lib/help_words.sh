# SPDX-License-Identifier: GPL-2.0-only
#
# What a program's --help promises, as records the documentation tests check
# the man pages and bash completions against, so neither can drift from it:
#
#   help_words PROGRAM   prints tab-separated records KEY KIND WORD [CONTEXT];
#                        fails when it found none
#     KEY   the command ("attach", "learn start"; "." for the program itself)
#     KIND  cmd  WORD is a command key (KEY is ".")
#           opt  WORD is an option of KEY ("-o", "--since")
#           val  WORD is one of the words a|b|c that may follow CONTEXT, an
#                option ("--mode") or the number of placeholders before it
#           exit WORD is an exit status
#
# The grammar read is the one the three programs share: "Usage:"/"usage:"
# lines (continued by deeper indented ones), a "Commands:" section whose
# entries start two spaces in with the command's words, an "Options:"
# section whose lines start with the options they define, and an "Exit
# status" paragraph (up to a blank line) with the numbers in it. Every option named anywhere in a
# usage line or a command entry belongs to that command; in "Options:" only
# the ones a line starts with (their descriptions name other programs'
# options: "use 'enforcerctl shutdown --remove-enforcement'").

help_words() {
	local prog=$1
	"$prog" --help 2>&1 | awk -v prog="${prog##*/}" '
	function flush(   n, i, j, na, toks, t, key, done, nph, prevt, alts, syn, s) {
		if (entry == "") return
		# the command words end where the synopsis does: at a run of blanks
		syn = first; sub(/  .*/, "", syn)
		n = split(syn, toks, /[ \t]+/)
		key = ""; done = 0
		for (i = 1; i <= n; i++) {
			t = toks[i]
			if (t == "") continue
			if (!done && t ~ /^[a-z]+(-[a-z]+)*$/) { key = key (key == "" ? "" : " ") t; continue }
			done = 1
			break
		}
		if (key != "" && !seen[key]++) print ".\tcmd\t" key
		if (key == "") key = "."
		# options: anything option-shaped, after a blank or an opening bracket
		s = entry
		while (match(s, /(^|[ \t[(|])--?[a-zA-Z][a-zA-Z0-9-]*/)) {
			t = substr(s, RSTART, RLENGTH); sub(/^[ \t[(|]/, "", t)
			print key "\topt\t" t
			s = substr(s, RSTART + RLENGTH)
		}
		# a|b|c alternatives in the synopsis (its first line), with what precedes them
		s = first; nph = 0; prevt = ""
		n = split(s, toks, /[ \t]+/)
		for (i = 1; i <= n; i++) {
			t = toks[i]; gsub(/[][()]/, "", t)
			if (t ~ /^[A-Z][A-Z_]*(\.\.\.)?$/) nph++
			if (t ~ /^[a-z]+(\|[a-z]+)+$/) {
				na = split(t, alts, "|")
				for (j = 1; j <= na; j++)
					print key "\tval\t" alts[j] "\t" (prevt ~ /^-/ ? prevt : nph)
			}
			prevt = t
		}
		entry = ""; first = ""
	}
	function start(text) { flush(); entry = text; first = text }
	/^[^ \t]/ && section != "exit" { flush(); section = "" }
	/^[Uu]sage: / {
		section = "usage"
		sub(/^[Uu]sage: +/, ""); sub("^" prog "( |$)", "")
		start($0); next
	}
	/^Commands:/ { section = "commands"; next }
	/^Options:/ { section = "options"; next }
	/^Exit status/ { section = "exit" }
	/^$/ { flush(); section = ""; next }
	section == "usage" {
		line = $0
		if (line ~ "^ +" prog "( |$)") { sub("^ +" prog " *", "", line); start(line) }
		else entry = entry " " line
		next
	}
	section == "commands" {
		if ($0 ~ /^  [a-z]/) { line = $0; sub(/^  /, "", line); start(line) }
		else entry = entry " " $0
		next
	}
	section == "options" {
		line = $0
		while (match(line, /^[ \t]*,?[ \t]*--?[a-zA-Z][a-zA-Z0-9-]*/)) {
			t = substr(line, RSTART, RLENGTH); gsub(/[ \t,]/, "", t)
			print ".\topt\t" t
			line = substr(line, RSTART + RLENGTH)
		}
		next
	}
	section == "exit" {
		line = $0
		while (match(line, /(^|[:,] |^ +)[0-9]+ +[a-z(]/)) {
			t = substr(line, RSTART, RLENGTH); gsub(/[^0-9]/, "", t)
			print ".\texit\t" t
			line = substr(line, RSTART + RLENGTH)
		}
	}
	END { flush() }' | sort -u | grep .
}
