/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* corebtf.h - the part of the kernel's BTF our CO-RE relocations can
 * match, for libbpf to relocate against (corebtf.c) */
#ifndef COREBTF_H
#define COREBTF_H

#include <stdbool.h>
#include <stddef.h>

struct core_btf {
	int fd;			/* a memfd holding the copy, or -1 */
	char path[32];		/* /proc/self/fd/N: btf_custom_path */
	unsigned roots;		/* the types relocated against */
	unsigned types;		/* the copy's types (fillers included) */
	unsigned kernel_types;	/* the kernel's */
	/* the kernel's ids of struct task_struct and struct file (0: not
	   found), for bpf_rdonly_cast: whether or not a copy was made */
	unsigned task_struct_id, file_id;
	bool mapped;		/* the kernel's BTF read by mmap (6.16+) */
};

/*
 * The file the copy will be in (c->fd, c->path: btf_custom_path), made
 * before libbpf opens the object, which only keeps the path: the copy is
 * made after the open, so that libbpf's own parse of the kernel's BTF at
 * load finds the heap as ours left it. 0, or -errno (c->fd -1).
 */
int core_btf_reserve(struct core_btf *c);
/*
 * Writes the copy for the BPF object obj (its ELF bytes) into c->fd: 0;
 * or -errno when it cannot be made (then libbpf must relocate against the
 * kernel's whole BTF, as without it: the caller opens the object again,
 * without the path). IPCSCOPE_FULL_KERNEL_BTF=1 makes none (-ECANCELED).
 * The two ids are found either way, once the kernel's BTF is read.
 */
int core_btf_make(const void *obj, size_t obj_sz, struct core_btf *c);
void core_btf_close(struct core_btf *c);

#endif /* COREBTF_H */
