# SPDX-License-Identifier: GPL-2.0-only
#
# make            build everything into build/
# make deps       install the Debian packages the build and tests need (idempotent)
# make check      unit tests on the host, then integration tests in every guest kernel
# make demo       boot a guest kernel and show a profile in audit, then enforce mode
# make bench      benchmarks: policyc on the host, then each guest kernel; writes
#                 docs/benchmarks.md (not part of check; KERNEL=NAME for one)
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
.PHONY: all deps check check-unit check-vm demo bench fuzz clean

# maps.bpf.o must come first: libbpf 1.1's static linker misplaces
# relocations against extern maps whose definition it has not seen yet.
BPF_SRCS   := lsm-progs/maps.bpf.c $(filter-out lsm-progs/maps.bpf.c,$(wildcard lsm-progs/*.bpf.c))
BPF_OBJS   := $(patsubst lsm-progs/%.bpf.c,$(OUT)/lsm-progs/%.bpf.o,$(BPF_SRCS))
BPF_HDRS   := $(wildcard lsm-progs/*.h) include/enforcer_abi.h

COMMON_SRCS := $(wildcard common/*.c)
COMMON_OBJS := $(patsubst %.c,$(OUT)/%.o,$(COMMON_SRCS))
POLICYC_LIB_SRCS := $(filter-out policyc/main.c,$(wildcard policyc/*.c))
POLICYC_LIB_OBJS := $(patsubst %.c,$(OUT)/%.o,$(POLICYC_LIB_SRCS))
ENFORCERD_SRCS := $(filter-out enforcer/enforcerctl.c,$(wildcard enforcer/*.c))
ENFORCERD_OBJS := $(patsubst %.c,$(OUT)/%.o,$(ENFORCERD_SRCS))
USER_HDRS  := $(wildcard include/*.h common/*.h policyc/*.h enforcer/*.h)

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(OUT)/tests/unit/%,$(UNIT_SRCS))
GUEST_SRCS := $(wildcard tests/guest/*.c)
GUEST_BINS := $(patsubst tests/guest/%.c,$(OUT)/tests/guest/%,$(GUEST_SRCS))

BINS := $(OUT)/bin/enforcerd $(OUT)/bin/enforcerctl $(OUT)/bin/policyc

all: $(BINS) $(UNIT_BINS) $(GUEST_BINS)

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

$(OUT)/lsm-progs/%.bpf.o: lsm-progs/%.bpf.c $(BPF_HDRS) $(OUT)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/enforcer.bpf.o: $(BPF_OBJS)
	$(call msg,LINK-BPF,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(OUT)/enforcer.skel.h: $(OUT)/enforcer.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name enforcer_bpf > $@

# ---- user space -----------------------------------------------------------
$(OUT)/%.o: %.c $(USER_HDRS) | $(OUT)/enforcer.skel.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Ipolicyc -Ienforcer -c $< -o $@

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

$(OUT)/bin/enforcerctl: $(OUT)/enforcer/enforcerctl.o $(OUT)/enforcer/cgroup.o $(COMMON_OBJS)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_JSON) -lz

# Daemon code with no BPF dependency that unit tests exercise on the host.
UNIT_ENFORCER_OBJS := $(OUT)/enforcer/state_file.o $(OUT)/enforcer/live_edit.o $(OUT)/enforcer/selector_glob.o \
	$(OUT)/enforcer/decisions.o $(OUT)/enforcer/metrics_prometheus.o $(OUT)/enforcer/metrics_http.o \
	$(OUT)/enforcer/audit_syslog.o $(OUT)/enforcer/cgroup_names.o $(OUT)/enforcer/cgroup.o

$(OUT)/tests/unit/%: tests/unit/%.c tests/unit/unit.h $(POLICYC_LIB_OBJS) $(COMMON_OBJS) $(UNIT_ENFORCER_OBJS) $(USER_HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Ipolicyc -Ienforcer -Itests/unit -o $@ $< $(POLICYC_LIB_OBJS) $(COMMON_OBJS) $(UNIT_ENFORCER_OBJS) $(LDLIBS_JSON) -lz

# Guest helpers are static so the initramfs needs no libc for them.
$(OUT)/tests/guest/%: tests/guest/%.c $(USER_HDRS) $(wildcard tests/guest/*.h)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -static -o $@ $< $(GUEST_LDLIBS)

# The schema validator reads JSON (libjansson.a: static like the others).
$(OUT)/tests/guest/enf-schema-check: GUEST_LDLIBS := $(LDLIBS_JSON)

# ---- tests ----------------------------------------------------------------
check: all
	$(Q)tests/run-all.sh

check-unit: all
	$(Q)tests/run-all.sh --unit-only

check-vm: all
	$(Q)tests/run-all.sh --vm-only $(if $(KERNEL),--kernel $(KERNEL)) $(if $(TEST),--test $(TEST))

demo: all
	$(Q)tests/vm/demo.sh

bench: all
	$(Q)tests/bench/run.sh --no-build $(if $(KERNEL),--kernel $(KERNEL))

clean:
	$(call msg,CLEAN,$(OUT))
	$(Q)rm -rf $(OUT)
