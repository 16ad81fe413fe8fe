# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Sourced (bash) by boot.sh and system-boot.sh: the CPU model qemu emulates.

# guest_cpu MODE: qemu's -cpu for a guest of that mode. TCG's "max", but
# for the test and demo guests without ERMS and FSRM ("fast" rep movsb and
# stosb): with them the kernel copies and clears memory a byte per
# iteration of rep movsb/stosb, and TCG emulates each iteration on its own;
# without them it moves eight bytes at a time. Measured on both kernels
# (four tests, one boot each, 2026-12-05): daemon starts 5.1 s -> 3.0 s on
# 6.1, 6.5 s -> 3.7 s on 6.12 (first start of the boot). The benchmarks keep
# "max": their clock counts guest instructions, and their figures compare
# with the ones measured before.
guest_cpu() {
	if [[ $1 == bench ]]; then
		echo max
	else
		echo max,-erms,-fsrm
	fi
}
