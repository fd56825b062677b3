/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* btfheap.h - room for libbpf's parse of the kernel's BTF (btfheap.c) */
#ifndef BTFHEAP_H
#define BTFHEAP_H

/* Called before anything else is allocated: ipcscope, and bench/empty,
 * the floor it is measured against, so both load the same way */
int heap_for_kernel_btf(void);

#endif /* BTFHEAP_H */
