// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_bpfreach.c - unit tests for the code each program reaches
 * (user/bpfreach.c): BPF objects written here with libelf, each way clang
 * writes a call or a callback's address, and the object ipcscope is built
 * with (build/bpf/ipcscope.bpf.o). */
#define _GNU_SOURCE	/* memfd_create */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "test.h"
#include "bpfreach.h"

#define OBJ_PATH "build/bpf/ipcscope.bpf.o"

static void insn(unsigned char *at, unsigned code, unsigned src, int32_t imm)
{
	memset(at, 0, 8);
	at[0] = code;
	at[1] = src << 4;
	memcpy(at + 4, &imm, sizeof(imm));
}

/* section names' offsets in shstrtab below */
static const char shstr[] = "\0.shstrtab\0.strtab\0.symtab\0.text\0tp/p\0.rel.tp/p\0tp/q\0.rel.tp/q";
enum { SH_SHSTRTAB = 1, SH_STRTAB = 11, SH_SYMTAB = 19, SH_TEXT = 27, SH_P = 33,
       SH_RELP = 38, SH_Q = 48, SH_RELQ = 53 };
static const char str[] = "\0a\0b\0c\0d\0p\0q";
enum { S_A = 1, S_B = 3, S_C = 5, S_D = 7, S_P = 9, S_Q = 11 };

/*
 * .text: a (4 insns) calls b relatively; b (2) calls a relatively (a
 * cycle); c (2) is a callback; d (2) is reached by nothing. tp/p: p (4)
 * calls a through a relocation against a's symbol and takes c's address
 * through one against .text's symbol (the byte offset in the
 * instruction). tp/q: q (2) calls c through one against .text's symbol
 * (the call's imm: c's first instruction less one). bad: a symbol's size
 * runs past its section.
 */
static size_t make_object(char **out, bool bad, unsigned machine)
{
	static unsigned char text[10 * 8], p[4 * 8], q[2 * 8];
	GElf_Sym syms[] = {
		{ 0 },
		{ .st_info = GELF_ST_INFO(STB_LOCAL, STT_SECTION), .st_shndx = 4 },
		{ .st_name = S_A, .st_info = GELF_ST_INFO(STB_GLOBAL, STT_FUNC), .st_shndx = 4,
		  .st_value = 0, .st_size = 4 * 8 },
		{ .st_name = S_B, .st_info = GELF_ST_INFO(STB_LOCAL, STT_FUNC), .st_shndx = 4,
		  .st_value = 4 * 8, .st_size = 2 * 8 },
		{ .st_name = S_C, .st_info = GELF_ST_INFO(STB_LOCAL, STT_FUNC), .st_shndx = 4,
		  .st_value = 6 * 8, .st_size = bad ? 9 * 8 : 2 * 8 },
		{ .st_name = S_D, .st_info = GELF_ST_INFO(STB_LOCAL, STT_FUNC), .st_shndx = 4,
		  .st_value = 8 * 8, .st_size = 2 * 8 },
		{ .st_name = S_P, .st_info = GELF_ST_INFO(STB_GLOBAL, STT_FUNC), .st_shndx = 5,
		  .st_value = 0, .st_size = 4 * 8 },
		{ .st_name = S_Q, .st_info = GELF_ST_INFO(STB_GLOBAL, STT_FUNC), .st_shndx = 7,
		  .st_value = 0, .st_size = 2 * 8 },
	};
	GElf_Rel relp[] = {
		{ .r_offset = 0, .r_info = GELF_R_INFO(2, 10) },	/* call a */
		{ .r_offset = 8, .r_info = GELF_R_INFO(1, 1) },	/* &c: .text + 48 */
	};
	GElf_Rel relq[] = {
		{ .r_offset = 0, .r_info = GELF_R_INFO(1, 10) },	/* call .text + 6 */
	};
	struct { const void *data; size_t size; unsigned type, name, link, info, entsize;
		 unsigned long flags; } secs[] = {
		{ shstr, sizeof(shstr), SHT_STRTAB, SH_SHSTRTAB, 0, 0, 0, 0 },
		{ str, sizeof(str), SHT_STRTAB, SH_STRTAB, 0, 0, 0, 0 },
		{ NULL, sizeof(syms) / sizeof(syms[0]), SHT_SYMTAB, SH_SYMTAB, 2, 2, 0, 0 },
		{ text, sizeof(text), SHT_PROGBITS, SH_TEXT, 0, 0, 0, SHF_ALLOC | SHF_EXECINSTR },
		{ p, sizeof(p), SHT_PROGBITS, SH_P, 0, 0, 0, SHF_ALLOC | SHF_EXECINSTR },
		{ NULL, 2, SHT_REL, SH_RELP, 3, 5, 0, 0 },
		{ q, sizeof(q), SHT_PROGBITS, SH_Q, 0, 0, 0, SHF_ALLOC | SHF_EXECINSTR },
		{ NULL, 1, SHT_REL, SH_RELQ, 3, 7, 0, 0 },
	};
	int fd = memfd_create("bpfreach", 0);
	void *made[sizeof(secs) / sizeof(secs[0])] = { NULL };
	Elf *e;
	GElf_Ehdr eh;
	off_t size;

	insn(text + 0, 0xb7, 0, 0);			/* a: r0 = 0 */
	insn(text + 8, 0x85, 1, 4 - 2);			/* call b (4 = 1 + 1 + 2) */
	insn(text + 16, 0x85, 2, 7);			/* a call of a helper */
	insn(text + 24, 0x95, 0, 0);			/* exit */
	insn(text + 32, 0x85, 1, 0 - 5);		/* b: call a (0 = 4 + 1 - 5) */
	insn(text + 40, 0x95, 0, 0);
	insn(text + 48, 0xb7, 0, 1);			/* c */
	insn(text + 56, 0x95, 0, 0);
	insn(text + 64, 0x85, 1, 0 - 9);		/* d: calls a, reached by nothing */
	insn(text + 72, 0x95, 0, 0);
	insn(p + 0, 0x85, 1, -1);			/* p: call a (its symbol) */
	insn(p + 8, 0x18, 0, 6 * 8);			/* r2 = &c (.text's, bytes) */
	insn(p + 16, 0, 0, 0);
	insn(p + 24, 0x95, 0, 0);
	insn(q + 0, 0x85, 1, 5);			/* q: call .text + 5 + 1: c */
	insn(q + 8, 0x95, 0, 0);

	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_WRITE, NULL);
	gelf_newehdr(e, ELFCLASS64);
	gelf_getehdr(e, &eh);
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_type = ET_REL;
	eh.e_machine = machine;
	eh.e_version = EV_CURRENT;
	eh.e_shstrndx = 1;
	gelf_update_ehdr(e, &eh);
	for (size_t i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		Elf_Scn *scn = elf_newscn(e);
		Elf_Data *d = elf_newdata(scn);
		GElf_Shdr sh;

		if (secs[i].type == SHT_SYMTAB) {
			d->d_type = ELF_T_SYM;
			d->d_size = secs[i].size * gelf_fsize(e, ELF_T_SYM, 1, EV_CURRENT);
			d->d_buf = made[i] = calloc(1, d->d_size);
			for (size_t k = 0; k < secs[i].size; k++)
				gelf_update_sym(d, k, &syms[k]);
		} else if (secs[i].type == SHT_REL) {
			GElf_Rel *r = secs[i].info == 5 ? relp : relq;

			d->d_type = ELF_T_REL;
			d->d_size = secs[i].size * gelf_fsize(e, ELF_T_REL, 1, EV_CURRENT);
			d->d_buf = made[i] = calloc(1, d->d_size);
			for (size_t k = 0; k < secs[i].size; k++)
				gelf_update_rel(d, k, &r[k]);
		} else {
			d->d_buf = (void *)secs[i].data;
			d->d_size = secs[i].size;
			d->d_type = ELF_T_BYTE;
		}
		d->d_align = 8;
		gelf_getshdr(scn, &sh);
		sh.sh_name = secs[i].name;
		sh.sh_type = secs[i].type;
		sh.sh_flags = secs[i].flags;
		sh.sh_link = secs[i].link;
		sh.sh_info = secs[i].info;
		sh.sh_entsize = secs[i].type == SHT_SYMTAB ? gelf_fsize(e, ELF_T_SYM, 1, EV_CURRENT) :
				secs[i].type == SHT_REL ? gelf_fsize(e, ELF_T_REL, 1, EV_CURRENT) : 0;
		gelf_update_shdr(scn, &sh);
	}
	elf_update(e, ELF_C_WRITE);
	elf_end(e);
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++)
		free(made[i]);
	size = lseek(fd, 0, SEEK_END);
	*out = malloc(size);
	if (*out && pread(fd, *out, size, 0) != size) {
		free(*out);
		*out = NULL;
	}
	close(fd);
	return *out ? (size_t)size : 0;
}

static size_t reach_of(const struct bpf_reach *r, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(r[i].name, name))
			return r[i].insns;
	return 0;
}

TEST(bpf_reach_follows_each_way_a_function_is_called)
{
	struct bpf_reach r[4];
	char *obj;
	size_t size = make_object(&obj, false, 247);	/* EM_BPF */

	ASSERT_TRUE(size > 0);
	ASSERT_EQ_I64(bpf_reach_read(obj, size, r, 4), 2);
	/* p: its 4, a's 4 (its symbol), b's 2 (a's relative call), c's 2 (an
	   address against .text's symbol); b's call back to a counted once */
	ASSERT_EQ_U64(reach_of(r, 2, "p"), 12);
	/* q: its 2, c's 2 (a call against .text's symbol) */
	ASSERT_EQ_U64(reach_of(r, 2, "q"), 4);
	/* room for one: the count, one written */
	ASSERT_EQ_I64(bpf_reach_read(obj, size, r, 1), 2);
	free(obj);
}

TEST(bpf_reach_refuses_what_is_not_a_bpf_object)
{
	struct bpf_reach r[4];
	char *obj;
	size_t size = make_object(&obj, true, 247);

	/* c's symbol runs past .text */
	ASSERT_EQ_I64(bpf_reach_read(obj, size, r, 4), -EINVAL);
	free(obj);
	size = make_object(&obj, false, 62);	/* EM_X86_64 */
	ASSERT_EQ_I64(bpf_reach_read(obj, size, r, 4), -EINVAL);
	ASSERT_EQ_I64(bpf_reach_read(obj, 16, r, 4), -EINVAL);	/* cut short */
	free(obj);
	ASSERT_EQ_I64(bpf_reach_read(NULL, 0, r, 4), -EINVAL);
	ASSERT_EQ_I64(bpf_reach_read("not an ELF", 10, r, 4), -EINVAL);
}

TEST(bpf_reach_of_ipcscopes_programs)
{
	static struct bpf_reach r[64];
	FILE *f = fopen(OBJ_PATH, "rb");
	char *obj = malloc(4 << 20);
	size_t size = f && obj ? fread(obj, 1, 4 << 20, f) : 0;
	int n;

	if (f)
		fclose(f);
	ASSERT_TRUE(size > 0);	/* make builds it before the unit tests */
	n = bpf_reach_read(obj, size, r, 64);
	ASSERT_TRUE(n >= 20 && n <= 64);
	/* the syscall programs reach the most: each mechanism's functions;
	   sched_process_fork's little beyond its own */
	ASSERT_TRUE(reach_of(r, n, "ipc_sys_enter_tp") > 4 * reach_of(r, n, "ipc_fork"));
	ASSERT_TRUE(reach_of(r, n, "ipc_sys_exit_tp") > 2 * reach_of(r, n, "ipc_fork"));
	ASSERT_TRUE(reach_of(r, n, "ipc_fork") > 0);
	/* the functions of .text are no programs */
	ASSERT_EQ_U64(reach_of(r, n, "hist_slot"), 0);
	free(obj);
}
