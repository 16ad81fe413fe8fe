# SPDX-License-Identifier: GPL-2.0-only
#
# make            build everything into build/
# make deps       install the Debian packages the build and tests need (idempotent)
# make check      unit tests on the host, then integration and system tests in every guest kernel
# make check-system  only the system tests (a Debian system with systemd per kernel)
# make demo       nginx in a Debian system under qemu: its profile in audit, traffic, report,
#                 promote, attacks refused (tests/demo/nginx.sh; tests/vm/demo.sh --help)
# make bench      benchmarks: policyc on the host, then each guest kernel; writes
#                 docs/benchmarks.md (not part of check; KERNEL=NAME for one)
# make install    the programs, unit, man pages, completions, profiles and /etc,
#                 /var skeleton under DESTDIR (PREFIX=/usr/local by default)
# make deb        build/deb/enforcer_VERSION_ARCH.deb from a copy of the tree
#                 (scripts/make-deb.sh; DEB_VERSION=V overrides the version)
# make image      the Kubernetes DaemonSet's container image from that package:
#                 build/image/enforcer_TAG_ARCH.oci.tar (scripts/make-image.sh: mmdebstrap
#                 and umoci, as root, from the Debian mirror; docs/kubernetes.md)
# make fuzz       every fuzz target for FUZZ_SECONDS (default 300) each; check runs
#                 a short smoke run of each (tests/fuzz/run.sh)
# V=1             show full commands

OUT      ?= build
CC       ?= cc
CLANG    ?= clang
BPFTOOL  ?= bpftool
PKG_CONFIG ?= pkg-config
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux

ARCH_BPF := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

WARN     := -Wall -Wextra -Werror
CFLAGS   ?= -O2 -g
CFLAGS   += $(WARN) -std=gnu11 -D_GNU_SOURCE -Iinclude -Icommon -I$(OUT)
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH_BPF) $(WARN) \
	-Wno-unused-function -Wno-unused-parameter -Iinclude -I$(OUT) -Ilsm-progs
LDLIBS_BPF := $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)
LDLIBS_JSON := -ljansson
LDLIBS_HARDEN := -lseccomp -lcap

.DELETE_ON_ERROR:
.PHONY: all programs deps check check-unit check-unit-bins check-vm check-system deb-for-check demo bench fuzz fuzz-build fuzz-targets clean install deb image

# maps.bpf.c first: it defines the maps the other files declare (see
# enforcer.bpf.c below).
BPF_SRCS   := lsm-progs/maps.bpf.c $(filter-out lsm-progs/maps.bpf.c,$(wildcard lsm-progs/*.bpf.c))
BPF_HDRS   := $(wildcard lsm-progs/*.h) include/enforcer_abi.h

COMMON_SRCS := $(wildcard common/*.c)
COMMON_OBJS := $(patsubst %.c,$(OUT)/%.o,$(COMMON_SRCS))
POLICYC_LIB_SRCS := $(filter-out policyc/main.c,$(wildcard policyc/*.c))
POLICYC_LIB_OBJS := $(patsubst %.c,$(OUT)/%.o,$(POLICYC_LIB_SRCS))
ENFORCERD_SRCS := $(wildcard enforcerd/*.c)
ENFORCERD_OBJS := $(patsubst %.c,$(OUT)/%.o,$(ENFORCERD_SRCS))
ENFORCERCTL_SRCS := $(wildcard enforcerctl/*.c)
ENFORCERCTL_OBJS := $(patsubst %.c,$(OUT)/%.o,$(ENFORCERCTL_SRCS))
USER_HDRS  := $(wildcard include/*.h common/*.h policyc/*.h enforcerd/*.h enforcerctl/*.h)

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(OUT)/tests/unit/%,$(UNIT_SRCS))
GUEST_SRCS := $(wildcard tests/guest/*.c)
GUEST_BINS := $(patsubst tests/guest/%.c,$(OUT)/tests/guest/%,$(GUEST_SRCS)) $(OUT)/tests/guest/enf-probe-dynamic

BINS := $(OUT)/bin/enforcerd $(OUT)/bin/enforcerctl $(OUT)/bin/policyc

all: $(BINS) $(UNIT_BINS) $(GUEST_BINS)

# What a package needs (debian/rules builds this, then the unit tests).
programs: $(BINS)

deps:
	$(Q)scripts/install-deps.sh

# ---- BPF: .bpf.c -> .bpf.o -> linked object -> skeleton -------------------
$(OUT)/vmlinux.h:
	$(call msg,BTF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)if [ ! -r $(VMLINUX_BTF) ]; then \
		echo "error: $(VMLINUX_BTF) not found: this kernel has no BTF." \
		     "Build on a kernel with CONFIG_DEBUG_INFO_BTF=y or set VMLINUX_BTF=FILE." >&2; exit 1; fi
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

# The programs are compiled as one translation unit, the files in BPF_SRCS's
# order (maps.bpf.c first: it defines the maps the others declare), not
# compiled apart and linked: bookworm's libbpf 1.1.2 linker refuses a kfunc
# that two objects call ("failed to resolve size of underlying type"), and
# every hook file calls bpf_rdonly_cast() (UNTRUSTED(), common.bpf.h).
# bpftool gen object still writes the final object from the one input.
$(OUT)/lsm-progs/enforcer.bpf.c: $(BPF_SRCS) Makefile
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)printf '#include "%s"\n' $(BPF_SRCS) >$@

$(OUT)/lsm-progs/enforcer.bpf.o: $(OUT)/lsm-progs/enforcer.bpf.c $(BPF_SRCS) $(BPF_HDRS) $(OUT)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -I. -c $< -o $@

$(OUT)/enforcer.bpf.o: $(OUT)/lsm-progs/enforcer.bpf.o
	$(call msg,LINK-BPF,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(OUT)/enforcer.skel.h: $(OUT)/enforcer.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name enforcer_bpf > $@

# ---- user space -----------------------------------------------------------
$(OUT)/%.o: %.c $(USER_HDRS) | $(OUT)/enforcer.skel.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Ipolicyc -Ienforcerd -c $< -o $@

# The daemon embeds the BPF object: its objects must be rebuilt whenever the
# skeleton changes (the order-only prerequisite above only orders the build).
$(ENFORCERD_OBJS): $(OUT)/enforcer.skel.h

$(OUT)/bin/policyc: $(OUT)/policyc/main.o $(POLICYC_LIB_OBJS) $(COMMON_OBJS)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_JSON) -lz

# enforcerd links the policy compiler: live rule edits are merged and compiled in the daemon.
$(OUT)/bin/enforcerd: $(ENFORCERD_OBJS) $(POLICYC_LIB_OBJS) $(COMMON_OBJS)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_BPF) $(LDLIBS_JSON) $(LDLIBS_HARDEN) -lz

# The OCI hook reads the daemon's state file and its selectors when the daemon cannot be asked.
$(OUT)/bin/enforcerctl: $(ENFORCERCTL_OBJS) $(COMMON_OBJS) $(OUT)/enforcerd/state_file.o $(OUT)/enforcerd/selector_glob.o
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_JSON) -lz

# Daemon code with no BPF dependency that unit tests exercise on the host.
UNIT_ENFORCER_OBJS := $(OUT)/enforcerd/state_file.o $(OUT)/enforcerd/live_edit.o $(OUT)/enforcerd/selector_glob.o \
	$(OUT)/enforcerd/decisions.o $(OUT)/enforcerd/metrics_prometheus.o $(OUT)/enforcerd/metrics_http.o \
	$(OUT)/enforcerd/audit_syslog.o $(OUT)/enforcerd/cgroup_names.o \
	$(OUT)/enforcerd/config.o $(OUT)/enforcerd/units.o $(OUT)/enforcerd/harden.o

UNIT_HDRS := $(wildcard tests/unit/*.h)

$(OUT)/tests/unit/%: tests/unit/%.c $(UNIT_HDRS) $(POLICYC_LIB_OBJS) $(COMMON_OBJS) $(UNIT_ENFORCER_OBJS) $(USER_HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Ipolicyc -Ienforcerd -Itests/unit -o $@ $< $(UNIT_EXTRA_OBJS) $(POLICYC_LIB_OBJS) $(COMMON_OBJS) $(UNIT_ENFORCER_OBJS) $(LDLIBS_JSON) $(LDLIBS_HARDEN) -lz

# Daemon modules run over the daemon without a kernel (tests/unit/no_kernel.h).
NO_KERNEL_UNIT_OBJS := $(OUT)/enforcerd/state.o $(OUT)/enforcerd/origin.o $(OUT)/tests/unit/no_kernel.o
$(OUT)/tests/unit/test_state_restore: $(NO_KERNEL_UNIT_OBJS)
$(OUT)/tests/unit/test_state_restore: UNIT_EXTRA_OBJS := $(NO_KERNEL_UNIT_OBJS)
CONTROL_UNIT_OBJS := $(NO_KERNEL_UNIT_OBJS) $(OUT)/enforcerd/control.o $(OUT)/enforcerd/control_commands.o $(OUT)/enforcerd/rollout.o \
	$(OUT)/enforcerd/learn.o $(OUT)/enforcerd/audit_net.o $(OUT)/enforcerd/metrics.o $(OUT)/enforcerd/kernel_stat_names.o $(OUT)/enforcerd/config_apply.o \
	$(OUT)/enforcerd/notify.o $(OUT)/enforcerd/workloads.o
$(OUT)/tests/unit/test_control: $(CONTROL_UNIT_OBJS)
$(OUT)/tests/unit/test_control: UNIT_EXTRA_OBJS := $(CONTROL_UNIT_OBJS)
# The one pass over kernel BTF, over a BTF the test writes with libbpf.
$(OUT)/tests/unit/test_kallsyms: $(OUT)/enforcerd/kallsyms.o
$(OUT)/tests/unit/test_kallsyms: UNIT_EXTRA_OBJS := $(OUT)/enforcerd/kallsyms.o
$(OUT)/tests/unit/test_hook_ids: $(OUT)/enforcerd/hook_ids.o
$(OUT)/tests/unit/test_hook_ids: UNIT_EXTRA_OBJS := $(OUT)/enforcerd/hook_ids.o $(LDLIBS_BPF)

# Guest helpers are static so the initramfs needs no libc for them.
$(OUT)/tests/guest/%: tests/guest/%.c $(USER_HDRS) $(wildcard tests/guest/*.h)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -static -o $@ $< $(GUEST_LDLIBS)

# But one: a program the dynamic loader maps itself ("ld.so PROGRAM"). Given
# a static one, ld.so execs it instead (test 22).
$(OUT)/tests/guest/enf-probe-dynamic: tests/guest/enf-probe.c $(USER_HDRS) $(wildcard tests/guest/*.h)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $<

# The schema validator and enf-json read JSON (libjansson.a: static like the others).
$(OUT)/tests/guest/enf-schema-check $(OUT)/tests/guest/enf-json: GUEST_LDLIBS := $(LDLIBS_JSON)

# enf-empty-lsm embeds an LSM program that does nothing (make bench's measure
# of the kernel's own cost per program), static with libbpf.a like the others.
$(OUT)/tests/guest/bpf/empty_lsm.bpf.o: tests/guest/bpf/empty_lsm.bpf.c $(OUT)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/tests/guest/empty_lsm.skel.h: $(OUT)/tests/guest/bpf/empty_lsm.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name empty_lsm_bpf > $@

$(OUT)/tests/guest/enf-empty-lsm: $(OUT)/tests/guest/empty_lsm.skel.h
$(OUT)/tests/guest/enf-empty-lsm: CFLAGS += -I$(OUT)/tests/guest
$(OUT)/tests/guest/enf-empty-lsm $(OUT)/tests/guest/enf-progstats $(OUT)/tests/guest/enf-reset-pins: GUEST_LDLIBS := $(shell $(PKG_CONFIG) --static --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)

# ---- fuzzing: libFuzzer + ASan + UBSan (tests/fuzz/run.sh builds and runs these) ----
# One target per input a damaged disk, a bad tool or a local user can shape:
# tests/fuzz/fuzz_NAME.c states each one's invariant. Library code is
# instrumented for coverage (fuzzer-no-link), each target links libFuzzer.
FUZZ_TARGETS := policy bundle control state_file observations config workload_id workload
FUZZ_CFLAGS := -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -std=gnu11 -D_GNU_SOURCE $(WARN) \
	-Iinclude -Icommon -Ipolicyc -Ienforcerd -Itests/unit
# What each links besides its own source, the common code and the policy compiler:
FUZZ_policy_SRCS       :=
FUZZ_bundle_SRCS       := enforcerd/live_edit.c
FUZZ_state_file_SRCS   := enforcerd/state_file.c
FUZZ_observations_SRCS :=
# control.c and control_commands.c as they are, with the modules below the maps replaced (tests/unit/no_kernel.h).
FUZZ_control_SRCS      := enforcerd/control.c enforcerd/control_commands.c enforcerd/rollout.c enforcerd/decisions.c enforcerd/live_edit.c \
	enforcerd/metrics.c enforcerd/kernel_stat_names.c enforcerd/metrics_prometheus.c enforcerd/learn.c enforcerd/audit_net.c \
	enforcerd/state.c enforcerd/state_file.c enforcerd/origin.c enforcerd/config.c enforcerd/config_apply.c \
	enforcerd/notify.c enforcerd/units.c enforcerd/harden.c enforcerd/selector_glob.c enforcerd/workloads.c tests/unit/no_kernel.c
FUZZ_config_SRCS       := enforcerd/config.c enforcerd/units.c enforcerd/harden.c enforcerd/selector_glob.c
FUZZ_workload_id_SRCS  :=
FUZZ_workload_SRCS     :=
FUZZ_BINS := $(patsubst %,$(OUT)/fuzz/fuzz_%,$(FUZZ_TARGETS))

$(OUT)/fuzz/obj/%.o: %.c $(USER_HDRS) $(UNIT_HDRS)
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

define fuzz_target
$(OUT)/fuzz/fuzz_$(1): $(patsubst %.c,$(OUT)/fuzz/obj/%.o,tests/fuzz/fuzz_$(1).c $(COMMON_SRCS) $(POLICYC_LIB_SRCS) $(FUZZ_$(1)_SRCS))
	$$(call msg,FUZZ-LD,$$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $$@ $$^ $(LDLIBS_JSON) $(LDLIBS_HARDEN) -lz
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_target,$(t))))

fuzz-build: $(FUZZ_BINS)

# The names run.sh runs (the Makefile is where targets and their sources are listed).
fuzz-targets:
	@echo $(FUZZ_TARGETS)

# Each target for FUZZ_SECONDS (default 300); `make check` runs the short smoke run.
fuzz: fuzz-build $(OUT)/bin/policyc
	$(Q)FUZZ_SECONDS=$${FUZZ_SECONDS:-300} tests/fuzz/run.sh --no-build

# ---- tests ----------------------------------------------------------------
# The system tests install the package: check and check-system build it
# first (build/deb/enforcer_current_ARCH.deb, which system-boot.sh takes),
# without the unit tests (check has its own unit stage) or debug symbols.
deb-for-check:
	$(Q)DEB_BUILD_OPTIONS="nocheck noautodbgsym $(DEB_BUILD_OPTIONS)" scripts/make-deb.sh

# run-all.sh builds the package (deb-for-check) beside the first guests; test_deb
# checks that package rather than building it a second time.
check: all
	$(Q)tests/run-all.sh --build-deb

check-unit: all
	$(Q)tests/run-all.sh --unit-only

# The C unit tests alone, no host shell tests and no fuzzing: what debian/rules runs.
check-unit-bins: $(UNIT_BINS)
	$(Q)mkdir -p $(OUT)/tests/unit-logs
	$(Q)for t in $(UNIT_BINS); do log=$(OUT)/tests/unit-logs/$${t##*/}; \
		$$t > $$log 2>&1 || { cat $$log; echo "FAIL $$t"; exit 1; }; \
		printf '  %-8s %s: %s\n' TEST $$t "$$(tail -n 1 $$log)"; done

check-vm: all
	$(Q)tests/run-all.sh --vm-only $(if $(KERNEL),--kernel $(KERNEL)) $(if $(TEST),--test $(TEST))

check-system: all deb-for-check
	$(Q)tests/run-all.sh --system-only $(if $(KERNEL),--kernel $(KERNEL)) $(if $(TEST),--test $(TEST))

demo: all
	$(Q)tests/vm/demo.sh

bench: all deb-for-check
	$(Q)tests/bench/run.sh --no-build $(if $(KERNEL),--kernel $(KERNEL))

# ---- install and package ---------------------------------------------------
# The daemon's paths under /etc and /var are compiled in (enforcerd/enforcerd.c),
# so SYSCONFDIR and LOCALSTATEDIR do not follow PREFIX. UNITDIR= (empty) skips
# the unit: debian/rules lets dh_installsystemd place it for the release.
DESTDIR       ?=
PREFIX        ?= /usr/local
BINDIR        ?= $(PREFIX)/bin
SBINDIR       ?= $(PREFIX)/sbin
DATADIR       ?= $(PREFIX)/share
MANDIR        ?= $(DATADIR)/man
BASHCOMPDIR   ?= $(DATADIR)/bash-completion/completions
UNITDIR       ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR    ?= /etc
LOCALSTATEDIR ?= /var
INSTALL       ?= install

MAN_PAGES := $(wildcard docs/man/*.[158])

install: $(BINS)
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR)
	$(Q)$(INSTALL) -m 0755 $(OUT)/bin/enforcerd $(OUT)/bin/enforcerctl $(DESTDIR)$(SBINDIR)/
	$(Q)$(INSTALL) -m 0755 $(OUT)/bin/policyc $(DESTDIR)$(BINDIR)/
	$(Q)for page in $(MAN_PAGES); do \
		$(INSTALL) -d $(DESTDIR)$(MANDIR)/man$${page##*.} && \
		$(INSTALL) -m 0644 $$page $(DESTDIR)$(MANDIR)/man$${page##*.}/ || exit 1; done
	$(Q)$(INSTALL) -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(DATADIR)/enforcer/profiles
	$(Q)$(INSTALL) -m 0644 packaging/bash-completion/enforcerd packaging/bash-completion/enforcerctl \
		packaging/bash-completion/policyc $(DESTDIR)$(BASHCOMPDIR)/
	$(Q)$(INSTALL) -m 0644 policies/*.json $(DESTDIR)$(DATADIR)/enforcer/profiles/
	$(Q)# The OCI hook (enforcerctl oci-hook) where podman and CRI-O look for hooks.
	$(Q)$(INSTALL) -d $(DESTDIR)$(DATADIR)/containers/oci/hooks.d
	$(Q)sed 's|/usr/sbin/enforcerctl|$(SBINDIR)/enforcerctl|' packaging/oci/enforcer.json \
		> $(DESTDIR)$(DATADIR)/containers/oci/hooks.d/50-enforcer.json && \
		chmod 0644 $(DESTDIR)$(DATADIR)/containers/oci/hooks.d/50-enforcer.json
	$(Q)$(INSTALL) -d $(DESTDIR)$(SYSCONFDIR)/enforcer/profiles $(DESTDIR)$(SYSCONFDIR)/enforcer/attachments.d \
		$(DESTDIR)$(SYSCONFDIR)/logrotate.d
	$(Q)$(INSTALL) -m 0644 packaging/etc/README $(DESTDIR)$(SYSCONFDIR)/enforcer/README
	$(Q)$(INSTALL) -m 0644 packaging/logrotate/enforcer $(DESTDIR)$(SYSCONFDIR)/logrotate.d/enforcer
	$(Q)$(INSTALL) -d -m 0700 $(DESTDIR)$(LOCALSTATEDIR)/lib/enforcer
	$(Q)if [ -n "$(UNITDIR)" ]; then \
		$(INSTALL) -d $(DESTDIR)$(UNITDIR) && \
		sed 's|/usr/sbin/enforcerd|$(SBINDIR)/enforcerd|' packaging/systemd/enforcerd.service \
			> $(DESTDIR)$(UNITDIR)/enforcerd.service && chmod 0644 $(DESTDIR)$(UNITDIR)/enforcerd.service; fi

deb:
	$(Q)scripts/make-deb.sh $(if $(DEB_VERSION),--version $(DEB_VERSION))

# The image installs the package deb just built (build/deb/enforcer_current_ARCH.deb).
image: deb
	$(Q)scripts/make-image.sh

clean:
	$(call msg,CLEAN,$(OUT))
	$(Q)rm -rf $(OUT)
