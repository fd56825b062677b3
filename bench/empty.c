// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * empty.c - loads a BPF object (the bench's empty.bpf.o), attaches every
 * program whose hook this kernel has, says so on stderr, and keeps them
 * attached until SIGINT or SIGTERM. The bench uses it as the floor: the
 * slowdown and per-event cost of BPF programs that do nothing.
 *
 * Usage: empty OBJECT.bpf.o
 * A hook this kernel lacks (a tracepoint, or an fentry/fexit target
 * function its BTF does not name) is skipped and named on stderr.
 * Prints "empty: attached N of M programs" on stderr once every program is
 * attached, and exits 0 after detaching when told to stop.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "btfheap.h"

#define MAX_PROGS 128

static int first_load;	/* its refusal is not said: the second load says why */

static int quiet_print(enum libbpf_print_level level, const char *fmt,
		       va_list ap)
{
	if (level == LIBBPF_WARN && !first_load)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

/* libbpf 1.1 looks in debugfs's tracing directory first, then tracefs */
static const char *tracing_root(void)
{
	if (access("/sys/kernel/debug/tracing/events", F_OK) == 0)
		return "/sys/kernel/debug/tracing";
	return "/sys/kernel/tracing";
}

static int ensure_tracefs(void)
{
	if (access("/sys/kernel/tracing/events", F_OK) == 0 ||
	    access("/sys/kernel/debug/tracing/events", F_OK) == 0)
		return 0;
	if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL)) {
		fprintf(stderr, "empty: cannot mount tracefs: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static int hook_exists(const char *sec, const struct btf *vmlinux)
{
	char path[256];

	if (strncmp(sec, "tp/", 3) == 0) {
		snprintf(path, sizeof(path), "%s/events/%s", tracing_root(), sec + 3);
		return access(path, F_OK) == 0;
	}
	if (strncmp(sec, "tp_btf/", 7) == 0 || strncmp(sec, "raw_tp/", 7) == 0) {
		snprintf(path, sizeof(path), "btf_trace_%s", sec + 7);
		return vmlinux &&
		       btf__find_by_name_kind(vmlinux, path, BTF_KIND_TYPEDEF) > 0;
	}
	/* a trampoline's target: a function the kernel's BTF names */
	if (strncmp(sec, "fentry/", 7) == 0 || strncmp(sec, "fexit/", 6) == 0)
		return vmlinux && btf__find_by_name_kind(vmlinux, strchr(sec, '/') + 1,
							 BTF_KIND_FUNC) > 0;
	return 1;
}

/*
 * Open the object; with the kernel's BTF (vmlinux), programs on hooks this
 * kernel lacks are not loaded (said on stderr), nor those past MAX_PROGS.
 */
static struct bpf_object *open_object(const char *path, const struct btf *vmlinux)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *prog;
	int n = 0;

	if (!obj) {
		fprintf(stderr, "empty: cannot open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	bpf_object__for_each_program(prog, obj) {
		const char *sec = bpf_program__section_name(prog);

		if (n == MAX_PROGS || (vmlinux && !hook_exists(sec, vmlinux))) {
			fprintf(stderr, "empty: %s: no such hook here, skipped\n", sec);
			bpf_program__set_autoload(prog, false);
		}
		n++;
	}
	return obj;
}

/*
 * Whether libbpf 1.1 will parse the kernel's BTF to load obj (its
 * obj_needs_vmlinux_btf): for a BTF tracepoint or trampoline program, a
 * kfunc or typed ksym, a CO-RE relocation (only the objects floor has
 * those, beside its kfunc)
 */
static int libbpf_parses_kernel_btf(struct bpf_object *obj)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj)
		if (bpf_program__autoload(prog) &&
		    bpf_program__type(prog) == BPF_PROG_TYPE_TRACING)
			return 1;
	return btf__find_by_name_kind(bpf_object__btf(obj), ".ksyms", BTF_KIND_DATASEC) > 0;
}

/* Whether the object has fentry or fexit programs */
static int has_trampolines(struct bpf_object *obj)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj) {
		const char *sec = bpf_program__section_name(prog);

		if (!strncmp(sec, "fentry/", 7) || !strncmp(sec, "fexit/", 6))
			return 1;
	}
	return 0;
}

static void *destroy_link(void *link)
{
	bpf_link__destroy(link);
	return NULL;
}

int main(int argc, char **argv)
{
	struct bpf_link *links[MAX_PROGS] = { 0 };
	pthread_t threads[MAX_PROGS];
	int started[MAX_PROGS] = { 0 };
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct btf *vmlinux;
	int n = 0, attached = 0, sig, err;
	sigset_t set;

	if (argc != 2) {
		fprintf(stderr, "usage: empty OBJECT.bpf.o\n");
		return 2;
	}
	libbpf_set_print(quiet_print);
	/* stop requests are taken with sigwait, after everything is attached */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (ensure_tracefs())
		return 1;

	obj = open_object(argv[1], NULL);
	if (!obj)
		return 1;
	/* as ipcscope loads (its start-up is measured against this one's):
	   room for libbpf's parse of the kernel's BTF, where it makes one */
	if (libbpf_parses_kernel_btf(obj))
		heap_for_kernel_btf(2);
	first_load = 1;
	err = bpf_object__load(obj);
	first_load = 0;
	if (err) {
		/*
		 * A hook this kernel lacks: found in its BTF, and the object
		 * loaded again without it. Only then: libbpf parses that BTF
		 * itself, and a second parse would count in the start-up.
		 */
		bpf_object__close(obj);
		vmlinux = btf__load_vmlinux_btf();
		obj = open_object(argv[1], vmlinux);
		btf__free(vmlinux);
		if (!obj)
			return 1;
		err = bpf_object__load(obj);
	}
	if (err) {
		/* root refused: the kernel takes no program of some type here */
		fprintf(stderr, "empty: cannot load %s: %s%s\n", argv[1], strerror(-err),
			err == -EPERM && geteuid() == 0 && has_trampolines(obj) ?
			" (as root: this kernel refuses fentry/fexit programs)" : "");
		bpf_object__close(obj);
		return 1;
	}
	n = 0;
	bpf_object__for_each_program(prog, obj) {
		if (n < MAX_PROGS && bpf_program__autoload(prog)) {
			links[n] = bpf_program__attach(prog);
			if (links[n])
				attached++;
			else
				fprintf(stderr, "empty: %s not attached: %s\n",
					bpf_program__section_name(prog), strerror(errno));
		}
		n++;
	}
	fprintf(stderr, "empty: attached %d of %d programs\n", attached, n);

	sigwait(&set, &sig);
	/* each detach waits for an RCU grace period: let the waits overlap */
	for (int i = 0; i < n && i < MAX_PROGS; i++)
		if (links[i])
			started[i] = !pthread_create(&threads[i], NULL, destroy_link,
						     links[i]);
	for (int i = 0; i < n && i < MAX_PROGS; i++) {
		if (started[i])
			pthread_join(threads[i], NULL);
		else if (links[i])
			bpf_link__destroy(links[i]);
	}
	bpf_object__close(obj);
	return 0;
}
