# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Sourced (bash) by the scripts that download from the Debian archive
# (fetch-kernels.sh, system-image.sh, scripts/make-image.sh): where the
# archive is and whether a suite can be verified. The caller defines die().

# The URI of the system's own Debian archive, never a hard-coded host: CI
# machines may point at a local mirror or a snapshot. deb822 files first
# (bookworm's default), then the one-line format.
debian_uri() {
	local uri
	uri=$(awk '
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { if (uri != "" && main) { print uri; exit } uri = ""; main = 0; next }
		tolower($1) == "uris:" { for (i = 2; i <= NF; i++) if ($i !~ /security/) { uri = $i; break } }
		tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i !~ /-security$/) main = 1 }
		END { if (uri != "" && main) print uri }
	' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
	if [[ -z $uri && -r /etc/apt/sources.list ]]; then
		uri=$(awk '$1 == "deb" {
				for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/ && $i !~ /=/) break
				if ($i !~ /security/ && $(i+1) !~ /-security$/) { print $i; exit } }' \
			/etc/apt/sources.list)
	fi
	[[ -n $uri ]] || die "no Debian archive URI in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"
	printf '%s\n' "$uri"
}

# The URI of the system's security archive (the *-security suites), or
# nothing when the system has none configured: deb822 files first, then the
# one-line format, as debian_uri.
debian_security_uri() {
	local uri
	uri=$(awk '
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { if (uri != "" && sec) { print uri; exit } uri = ""; sec = 0; next }
		tolower($1) == "uris:" { uri = $2 }
		tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i ~ /-security$/) sec = 1 }
		END { if (uri != "" && sec) print uri }
	' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
	if [[ -z $uri && -r /etc/apt/sources.list ]]; then
		uri=$(awk '$1 == "deb" {
				for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/ && $i !~ /=/) break
				if ($(i+1) ~ /-security$/) { print $i; exit } }' /etc/apt/sources.list)
	fi
	printf '%s\n' "$uri"
}

DEBIAN_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# debian_keyring_has SUITE: true when the Debian keyring carries SUITE's
# archive key (bookworm's keyring has trixie's since 2023.3+deb12u1). It
# greps the user ID ("... (13/trixie)"), stored in clear in the binary
# keyring, so it needs no gpg. Callers without the key fall back to
# trusting the mirror the system already trusts for its own packages, and
# say so.
debian_keyring_has() {
	local number
	case $1 in
	bookworm) number=12 ;;
	trixie) number=13 ;;
	*) return 1 ;;
	esac
	[[ -r $DEBIAN_KEYRING ]] && grep -aq "$number/$1" "$DEBIAN_KEYRING"
}
