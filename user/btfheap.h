/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* btfheap.h - room for libbpf's parse of the kernel's BTF (btfheap.c) */
#ifndef BTFHEAP_H
#define BTFHEAP_H

/*
 * Room in the heap, its pages made, for a parse of the kernel's BTF that
 * holds copies whole copies of the file at once: libbpf's reads it into a
 * buffer and copies that (2); ipcscope's own, from a mapping of the file,
 * only copies (1). Called right before the parse: by ipcscope for its own
 * (corebtf.c) and for libbpf's where libbpf makes one (session.c), and by
 * bench/empty, the floor it is measured against, so both load the same way
 */
int heap_for_kernel_btf(unsigned copies);

#endif /* BTFHEAP_H */
