# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# ipcscope - build, test and run. `make run` and `make test` work on a fresh
# Debian/Ubuntu machine: missing build dependencies are installed with apt.

VERSION     := 0.1.0
BUILD       := build
CC          ?= cc
CLANG       ?= clang
# bpftool lives in /usr/sbin, which a user's PATH may lack
BPFTOOL     ?= $(shell command -v bpftool || echo /usr/sbin/bpftool)
PYTHON      ?= python3

ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' \
		-e 's/ppc64le/powerpc/' -e 's/s390x/s390/' -e 's/riscv64/riscv/')
# Debian's multiarch triplet (x86_64-linux-gnu): where <sys/sdt.h> lives
MULTIARCH := $(shell gcc -print-multiarch 2>/dev/null || echo $$(uname -m)-linux-gnu)
# CO-RE: one vmlinux.h per architecture; x86 is in the repo, others are
# generated from the running kernel's BTF on first build.
VMLINUX_H := vmlinux/$(ARCH)/vmlinux.h

# A packager's CPPFLAGS, CFLAGS and LDFLAGS (hardening: -Wl,-z,now...)
# pass through; WERROR= turns -Werror off (it stays on for development)
WERROR      ?= -Werror
CFLAGS_COMMON := -std=gnu11 -g -Wall -Wextra $(WERROR) -MMD -MP \
		 -Ibpf -Iuser -I$(BUILD)/bpf -I$(BUILD)/include \
		 -DIPCSCOPE_VERSION='"$(VERSION)"'
CFLAGS      ?= -O2
LLVM_STRIP  ?= $(shell command -v llvm-strip || echo /usr/bin/llvm-strip)
SAN_FLAGS   := -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	       -fno-sanitize-recover=all
BPF_CFLAGS  := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	       -MMD -MP -I$(dir $(VMLINUX_H)) -Ibpf

# core.bpf.c defines the shared maps: it goes first, before any file that
# uses them as externs (libbpf 1.1 cannot link an extern map seen first)
# (preempt_probe.bpf.c is an object of its own, loaded once at start-up)
BPF_SRCS    := bpf/core.bpf.c $(filter-out bpf/core.bpf.c bpf/preempt_probe.bpf.c,\
		$(sort $(wildcard bpf/*.bpf.c)))
BPF_OBJS    := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
SKEL        := $(BUILD)/bpf/ipcscope.skel.h
PROBE_SKEL  := $(BUILD)/bpf/preempt_probe.skel.h

# pure C (json-c at most): unit-tested without root; the rest of user/
# uses libbpf
PURE_SRCS   := user/util.c user/json.c user/hist.c user/model.c \
	       user/options.c user/report.c user/report_json.c user/prom.c user/claims.c user/claims_file.c user/claim_number.c \
	       user/table.c user/graph.c user/graph_dot.c user/graph_json.c user/topview.c user/events.c user/trace_select.c user/verifier.c \
	       user/outfile.c user/utf8.c user/snapshot.c user/channels.c user/objname.c user/cgroup.c \
	       user/sysnames.c user/usdt.c user/btfview.c user/bpfreach.c \
	       user/validate/wjson.c \
	       user/validate/experiments.c user/validate/measure.c \
	       user/validate/verdict.c user/validate/render.c \
	       user/validate/render_json.c user/validate/sweep.c \
	       user/validate/chart.c \
	       user/explain/mechs.c user/explain/story.c user/explain/words.c \
	       user/explain/render.c user/explain/svg.c
TOOL_SRCS   := $(PURE_SRCS) user/session.c user/session_maps.c user/session_checks.c \
	       user/kernel.c user/btfheap.c user/corebtf.c \
	       user/runner.c user/targets.c \
	       user/record.c user/top.c user/trace.c user/export.c user/check.c \
	       user/validate/run.c user/validate/validate.c \
	       user/explain/explain.c user/ipcscope.c
TOOL_OBJS   := $(patsubst user/%.c,$(BUILD)/user/%.o,$(TOOL_SRCS))
UNIT_SRCS   := $(wildcard tests/unit/*.c)
UNIT_OBJS   := $(patsubst %.c,$(BUILD)/asan/%.o,$(PURE_SRCS) $(UNIT_SRCS))
# workloads/NAME.c is the program NAME, workloads/NAME/*.c more of it;
# workloads/lib/*.c is the harness every workload links, with util.c (the
# one clock) and utf8.c from user/
WORKLOADS   := $(patsubst workloads/%.c,$(BUILD)/workloads/%,$(wildcard workloads/*.c))
WL_LIB_OBJS := $(patsubst workloads/%.c,$(BUILD)/workloads/obj/%.o,\
		$(wildcard workloads/lib/*.c)) $(BUILD)/user/util.o $(BUILD)/user/utf8.o
# the objects of workload $(1)
wl_objs      = $(patsubst workloads/%.c,$(BUILD)/workloads/obj/%.o,\
		workloads/$(1).c $(wildcard workloads/$(1)/*.c))
WL_OBJS     := $(foreach w,$(WORKLOADS),$(call wl_objs,$(notdir $(w))))

# libFuzzer targets (tests/fuzz/): the parsers and the escaping of names,
# run for a few seconds each by tests/run.py, their seeds in tests/fuzz/corpus
FUZZ_SRCS   := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS   := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_FLAGS  := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Ibpf -Iuser -I$(BUILD)/bpf \
	       -I$(BUILD)/include \
	       -DIPCSCOPE_VERSION='"$(VERSION)"' -fsanitize=address,undefined
FUZZ_OBJS   := $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(PURE_SRCS))
# recursive (=): evaluated when the test dependencies are checked, after
# clang itself is installed
CLANG_MAJOR  = $(shell $(CLANG) -dumpversion 2>/dev/null | cut -d. -f1)

DEPS_STAMP  := $(BUILD)/.deps-ok
TEST_DEPS_STAMP := $(BUILD)/.test-deps-ok
# Debian package -> a file it installs that the build needs
DEP_PKGS    := clang:/usr/bin/clang llvm:/usr/bin/llvm-strip \
	       libbpf-dev:/usr/include/bpf/libbpf.h bpftool:/usr/sbin/bpftool \
	       libelf-dev:/usr/include/libelf.h zlib1g-dev:/usr/include/zlib.h \
	       libjson-c-dev:/usr/include/json-c/json.h \
	       systemtap-sdt-dev:/usr/include/$(MULTIARCH)/sys/sdt.h \
	       python3:/usr/bin/python3 make:/usr/bin/make gcc:/usr/bin/gcc
# ... and what only the tests need: dot draws and checks --graph output;
# nginx and curl are the real programs the tests trace; strace watches
# ipcscope's own bpf() calls; man renders the
# man page (libFuzzer for tests/fuzz: clang's runtime of the installed version)
TEST_DEP_PKGS = graphviz:/usr/bin/dot nginx-light:/usr/sbin/nginx curl:/usr/bin/curl \
		man-db:/usr/bin/man strace:/usr/bin/strace \
	libclang-rt-$(CLANG_MAJOR)-dev:$(shell $(CLANG) -print-file-name=libclang_rt.fuzzer-$(shell uname -m).a 2>/dev/null)

# A real Prometheus (and its promtool) for the export test: Debian's
# package, fetched and unpacked under build/, never installed (no service,
# no user); only by the goals that may fetch (not with NO_DEPS)
PROM_DIR    := $(BUILD)/prometheus
PROMETHEUS  := $(PROM_DIR)/usr/bin/prometheus

.PHONY: all deps run test test-kernels unit integration clean vmlinux help bench soak install uninstall
.DEFAULT_GOAL := all

all: $(BUILD)/ipcscope $(WORKLOADS) $(BUILD)/tests/unit

help:
	@echo "make deps   install missing build dependencies (apt-get, as root)"
	@echo "make        build ipcscope, the workloads and the unit tests"
	@echo "make run    build, then check the reference document's claims (as root)"
	@echo "make test   build, then run the unit and integration tests (installs"
	@echo "            graphviz, nginx-light and curl first if they are missing)"
	@echo "make test-kernels  the kernel matrix: tests/kernels/suite.txt on this"
	@echo "            kernel and, under qemu, on Debian 11, 12, 13 and sid's stock"
	@echo "            kernels (as root; fetches them once; KERNELS=\"bookworm sid\")"
	@echo "make bench  measure ipcscope's overhead against other tracers (as root;"
	@echo "            BENCH_INSTALL=1 installs them, BENCH_ARGS=--quick for a smoke run)"
	@echo "make soak   trace, top and record -a for 10 minutes under churn, memory"
	@echo "            required flat (as root; SOAK_ARGS=\"--seconds 60\")"
	@echo "make install  install ipcscope, its workloads and claims under PREFIX"
	@echo "            (default /usr/local; DESTDIR for a package; never runs apt)"
	@echo "make uninstall  remove what make install put there"
	@echo "make clean  remove $(BUILD)/"

# apt runs for these goals only: a plain `make`, `make install` (or any
# goal with NO_DEPS=1) checks, and names what is missing
DEPS_GOALS  := deps run test test-kernels bench soak
DEPS_APT    := $(if $(NO_DEPS),,$(filter $(DEPS_GOALS),$(MAKECMDGOALS)))

# Installs only what is missing from a list of package:file; without apt or
# root, says what to install. $(1): the list, $(2): what they are for.
define install_missing
	@missing=""; for pf in $(1); do \
		f=$${pf#*:}; p=$${pf%%:*}; \
		command -v $$(basename $$f) >/dev/null 2>&1 || [ -e $$f ] || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ] && [ -z "$(DEPS_APT)" ]; then \
		echo "missing $(2):$$missing; 'make deps' (as root) installs them," \
		     "or: sudo apt-get install$$missing" >&2; exit 1; fi; \
	if [ -n "$$missing" ]; then \
		echo "installing $(2):$$missing"; \
		if ! command -v apt-get >/dev/null; then \
			echo "no apt-get here: install$$missing with your package manager" >&2; exit 1; fi; \
		if [ "$$(id -u)" != 0 ]; then \
			echo "run as root, or: sudo apt-get install$$missing" >&2; exit 1; fi; \
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install \
			-y -qq --no-install-recommends $$missing; \
	fi
	@mkdir -p $(@D) && touch $@
endef

deps: $(DEPS_STAMP)
# checked again when the Makefile changes, as a build from before a new
# dependency (libjson-c-dev) has the stamp already; order-only for every
# object, so touching it rebuilds nothing
$(DEPS_STAMP): Makefile
	$(call install_missing,$(DEP_PKGS),build dependencies)

# the list may grow: checked again when the Makefile changes
$(TEST_DEPS_STAMP): Makefile | $(DEPS_STAMP)
	$(call install_missing,$(TEST_DEP_PKGS),test dependencies)

$(VMLINUX_H): | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

vmlinux:
	@mkdir -p $(dir $(VMLINUX_H))
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $(VMLINUX_H)

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(VMLINUX_H) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# shm.bpf.c takes a slot with an atomic fetch-and-add (BPF ISA v3, Linux
# 5.12+) in programs loaded only with bpf_find_vma (5.17+); the rest of it
# (shmat, shmdt) needs only what tp_btf (5.5+) does.
$(BUILD)/bpf/shm.bpf.o: BPF_CFLAGS += -mcpu=v3
# core.bpf.c includes chan.bpf.h, which claims ring slots with fetch-and-add,
# xchg and cmpxchg (5.12+); only the program ipc_sys_exit_chan calls it,
# loaded only where the kernel takes them, and the rest of core.bpf.c uses
# no atomic whose result it reads, which v3 encodes as older kernels expect
$(BUILD)/bpf/core.bpf.o: BPF_CFLAGS += -mcpu=v3
# the global functions core.bpf.c's programs call on every syscall and
# exit (identifying an fd's object, the thread's tallies) are compiled as
# core.bpf.c is; they use no atomic whose result they read either
$(BUILD)/bpf/inflight.bpf.o $(BUILD)/bpf/objects.bpf.o: BPF_CFLAGS += -mcpu=v3

# several .bpf.c files, one object, one skeleton: maps are shared, not copied
# its DWARF stripped as libbpf-tools and bpftool do (BTF stays: CO-RE)
$(BUILD)/bpf/ipcscope.bpf.o: $(BPF_OBJS)
	$(BPFTOOL) gen object $@.tmp $^ && $(LLVM_STRIP) -g $@.tmp && mv $@.tmp $@

$(SKEL): $(BUILD)/bpf/ipcscope.bpf.o
	$(BPFTOOL) gen skeleton $< name ipcscope_bpf > $@.tmp && mv $@.tmp $@

$(PROBE_SKEL): $(BUILD)/bpf/preempt_probe.bpf.o
	$(BPFTOOL) gen skeleton $< name preempt_probe_bpf > $@.tmp && mv $@.tmp $@

$(BUILD)/user/%.o: user/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS_COMMON) $(CFLAGS) -c $< -o $@

# they include the skeletons
$(BUILD)/user/session.o $(BUILD)/user/session_maps.o \
	$(BUILD)/user/session_checks.o: $(SKEL)
$(BUILD)/user/kernel.o: $(PROBE_SKEL)
# syscall names by number, from the C library's <sys/syscall.h> (__NR_*)
SYSNAMES_H  := $(BUILD)/include/sysnames.h
$(SYSNAMES_H): | $(DEPS_STAMP)
	@mkdir -p $(@D)
	echo '#include <sys/syscall.h>' | $(CC) -E -dM - | \
	  awk '$$1 == "#define" && $$2 ~ /^__NR_/ && $$3 ~ /^[0-9]+$$/ \
	       { printf "\t[%s] = \"%s\",\n", $$3, substr($$2, 6) }' | \
	  sort -t'[' -k2 -n > $@.tmp && mv $@.tmp $@
$(BUILD)/user/sysnames.o $(BUILD)/asan/user/sysnames.o \
	$(BUILD)/fuzz/obj/user/sysnames.o: $(SYSNAMES_H)

$(BUILD)/ipcscope: $(TOOL_OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -pthread -o $@ $^ -lbpf -lelf -lz -ljson-c -lm

$(BUILD)/workloads/obj/%.o: workloads/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS_COMMON) -Iworkloads/lib $(CFLAGS) -c $< -o $@

# one binary per workload, from its own objects and the harness's
# (second expansion: the stem names the workload's folder; only the
# objects are linked, as a build from before lists sources in its .d)
.SECONDEXPANSION:
$(BUILD)/workloads/%: $$(call wl_objs,$$*) $(WL_LIB_OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^)

$(BUILD)/asan/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -Itests/unit $(SAN_FLAGS) -c $< -o $@

# (test_bpfreach.c reads the BPF object: built first)
$(BUILD)/tests/unit: $(UNIT_OBJS) | $(BUILD)/bpf/ipcscope.bpf.o
	@mkdir -p $(@D)
	$(CC) $(SAN_FLAGS) -o $@ $^ -ljson-c -lelf -lm

# The main job: check the reference document's claims by measurement
run: all
	$(BUILD)/ipcscope validate --markdown $(BUILD)/validate.md --json $(BUILD)/validate.json
	@echo "the same as a Markdown report: $(BUILD)/validate.md; as JSON: $(BUILD)/validate.json"

# One runner, one closing line: unit tests (ASan/UBSan), fuzzing for a few
# seconds, then integration tests
test: all $(TEST_DEPS_STAMP) $(FUZZ_BINS) $(if $(DEPS_APT),$(PROMETHEUS))
	$(PYTHON) tests/run.py

$(PROMETHEUS): | $(DEPS_STAMP)
	@echo "fetching Debian's prometheus package into $(PROM_DIR) (not installed)"
	@rm -rf $(PROM_DIR) && mkdir -p $(PROM_DIR)/deb && cd $(PROM_DIR)/deb && \
	get() { apt-get -qq -o APT::Sandbox::User=$$(id -un) download prometheus >/dev/null; }; \
	if get || { [ "$$(id -u)" = 0 ] && \
		    apt-get -qq -o DPkg::Lock::Timeout=600 update && get; }; then \
		dpkg -x prometheus_*.deb .. && rm -rf ../deb; \
	else \
		echo "cannot fetch the prometheus package: the export test will say so" >&2; \
		rm -rf $(PROM_DIR); \
	fi

# libFuzzer's coverage in what is fuzzed; its main() only in the targets
$(BUILD)/fuzz/obj/%.o: %.c | $(TEST_DEPS_STAMP)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

# kept: they are reused by every target (the workloads' own objects, so
# that a change rebuilds only its file), not intermediate files
.SECONDARY: $(FUZZ_OBJS) $(WL_OBJS) $(WL_LIB_OBJS)
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJS)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) -ljson-c -lelf -lm

# The kernel matrix (tests/kernels/run.sh): the suite on the host's kernel
# and in qemu on Debian's stock kernels; KERNELS picks some of them
test-kernels: all $(TEST_DEPS_STAMP)
	tests/kernels/run.sh --no-build $(KERNELS)

unit: $(BUILD)/tests/unit
	$(BUILD)/tests/unit

# make bench: the overhead benchmark (bench/, not part of the tests). Each
# workload runs untraced and under ipcscope, an empty-BPF floor and the other
# tracers that are installed (BENCH_INSTALL=1: apt-get them first); writes
# bench/RESULTS.md and bench/ratios.svg.
BENCH_BINS  := $(BUILD)/bench/pingpong $(BUILD)/bench/launch $(BUILD)/bench/empty \
	       $(BUILD)/bench/empty.bpf.o $(BUILD)/bench/timing.bpf.o \
	       $(BUILD)/bench/empty-fentry.bpf.o $(BUILD)/bench/fentry-only.bpf.o \
	       $(BUILD)/bench/syscall-tps.bpf.o $(BUILD)/bench/timing-tps.bpf.o \
	       $(BUILD)/bench/objects-tps.bpf.o $(BUILD)/bench/filter-tps.bpf.o

bench: all $(BENCH_BINS)
	$(PYTHON) bench/bench.py $(if $(filter 1,$(BENCH_INSTALL)),--install) $(BENCH_ARGS)

# make install: the binary, its workloads (validate runs them) and claims,
# where validate looks for them beside the binary; DESTDIR for packaging.
# Builds as `make` does, never runs apt.
PREFIX      ?= /usr/local
SBINDIR     := $(PREFIX)/sbin
LIBEXECDIR  := $(PREFIX)/libexec/ipcscope
DATADIR     := $(PREFIX)/share/ipcscope
MAN8DIR     := $(PREFIX)/share/man/man8
BASHCOMPDIR := $(PREFIX)/share/bash-completion/completions
INSTALLED   := $(SBINDIR)/ipcscope $(DATADIR)/reference.claims \
	       $(MAN8DIR)/ipcscope.8 $(BASHCOMPDIR)/ipcscope \
	       $(patsubst $(BUILD)/workloads/%,$(LIBEXECDIR)/%,$(WORKLOADS))

install: $(BUILD)/ipcscope $(WORKLOADS)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DATADIR) \
		$(DESTDIR)$(MAN8DIR) $(DESTDIR)$(BASHCOMPDIR)
	install -m 0755 $(BUILD)/ipcscope $(DESTDIR)$(SBINDIR)/ipcscope
	install -m 0755 $(WORKLOADS) $(DESTDIR)$(LIBEXECDIR)/
	install -m 0644 claims/reference.claims $(DESTDIR)$(DATADIR)/
	install -m 0644 docs/ipcscope.8 $(DESTDIR)$(MAN8DIR)/ipcscope.8
	install -m 0644 completion/ipcscope.bash $(DESTDIR)$(BASHCOMPDIR)/ipcscope

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DATADIR) 2>/dev/null

# trace, top and record -a for 10 minutes under process churn and pipe
# traffic, their memory sampled and required flat (not part of make test)
soak: all
	$(PYTHON) tests/robustness/soak.py $(SOAK_ARGS)

$(BUILD)/bench/empty.bpf.o: bench/empty.bpf.c bench/floor.bpf.h $(VMLINUX_H) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# the same hooks, timing every syscall: the floor of a latency tracer
$(BUILD)/bench/timing.bpf.o: bench/empty.bpf.c bench/floor.bpf.h $(VMLINUX_H) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -DFLOOR_TIMING -c $< -o $@

# the same hooks, the syscall boundary by fentry/fexit on the IPC syscalls
$(BUILD)/bench/empty-fentry.bpf.o: bench/empty-fentry.bpf.c bench/floor.bpf.h $(VMLINUX_H) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# and the mapping hooks too: no syscall tracepoint at all
$(BUILD)/bench/fentry-only.bpf.o: bench/empty-fentry.bpf.c bench/floor.bpf.h $(VMLINUX_H) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -DFLOOR_NO_SYSCALL_TP -c $< -o $@

# the pair replaced by the IPC syscalls' own tracepoints (kernels without fentry)
$(BUILD)/bench/syscall-tps.bpf.o: bench/empty-fentry.bpf.c bench/floor.bpf.h $(VMLINUX_H) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -DFLOOR_SYSCALL_TPS -c $< -o $@

# and those timing each syscall: the timing floor on ipcscope's default hooks
$(BUILD)/bench/timing-tps.bpf.o: bench/empty-fentry.bpf.c bench/floor.bpf.h $(VMLINUX_H) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -DFLOOR_SYSCALL_TPS -DFLOOR_TIMING -c $< -o $@

# and the calls on an fd or a SysV id adding to the totals of their object
$(BUILD)/bench/objects-tps.bpf.o: bench/empty-fentry.bpf.c bench/floor.bpf.h $(VMLINUX_H) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -DFLOOR_SYSCALL_TPS -DFLOOR_TIMING -DFLOOR_OBJECTS -c $< -o $@

# and those only asking whether the caller is traced: a bystander's least
$(BUILD)/bench/filter-tps.bpf.o: bench/empty-fentry.bpf.c bench/floor.bpf.h $(VMLINUX_H) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -DFLOOR_SYSCALL_TPS -DFLOOR_FILTER -c $< -o $@

# the floor loads as ipcscope does: the same heap for the kernel's BTF
$(BUILD)/bench/empty: bench/empty.c $(BUILD)/user/btfheap.o | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(CFLAGS) -Iuser -pthread -o $@ $(filter %.c %.o,$^) -lbpf -lelf -lz

$(BUILD)/bench/%: bench/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(CFLAGS) -o $@ $<

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -path $(PROM_DIR) -prune -o -type f -name '*.d' -print 2>/dev/null)
