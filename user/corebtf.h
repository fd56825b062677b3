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
	/* the kernel's ids of struct task_struct, struct file and struct
	   rb_node, and of the kfunc bpf_rdonly_cast that takes them (0: not
	   found): whether or not a copy was made */
	unsigned task_struct_id, file_id, rb_node_id, rdonly_cast_id;
	bool mapped;		/* the kernel's BTF read by mmap (6.16+) */
};

/*
 * The file the copy will be in (c->fd, c->path: btf_custom_path, which
 * libbpf reads at load). 0, or -errno (c->fd -1).
 */
int core_btf_reserve(struct core_btf *c);
/*
 * Writes the copy for the BPF object obj (its ELF bytes) into c->fd: 0;
 * or -errno when it cannot be made (then libbpf must relocate against the
 * kernel's whole BTF, as without it: the caller opens the object without
 * the path). IPCSCOPE_FULL_KERNEL_BTF=1 makes none (-ECANCELED).
 * The three ids are found either way, once the kernel's BTF is read.
 */
int core_btf_make(const void *obj, size_t obj_sz, struct core_btf *c);
/*
 * In obj, a BPF object's ELF that the caller may change, every call of
 * IPC_RDONLY_CAST_CALL (bpf/ipcscope.h) made a call of the kernel's
 * function func_id (a kfunc call of the kernel's own BTF, as libbpf
 * writes one it resolves). Returns how many, or -EINVAL for an ELF it
 * cannot read.
 */
int core_btf_patch_kfunc(void *obj, size_t obj_sz, unsigned func_id);
void core_btf_close(struct core_btf *c);
/* Room for a parse of the kernel's BTF that holds copies copies of its
 * file at once (heap_for_kernel_btf, btfheap.h), made right before it: by
 * core_btf_make's, and for libbpf's where it makes one */
void core_btf_heap(unsigned copies);

#endif /* COREBTF_H */
