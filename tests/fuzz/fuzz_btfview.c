// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* fuzz_btfview.c - libFuzzer target: the raw BTF reader and writer
 * (user/btfview.c), which corebtf.c runs on the kernel's BTF, on any
 * bytes: no read outside them, and whatever it copies out of a BTF it
 * accepted reads back as a BTF with those types. Seeds: the .BTF of a
 * small BPF object (tests/fuzz/corpus/btfview). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "btfview.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct btf_view v, back;
	struct btf_out o;
	size_t raw_size;
	void *buf, *raw;

	/* the view wants its bytes 4-byte aligned, as a mapping or malloc's are */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (btf_view_open(&v, buf, size)) {
		if (v.off)
			abort();	/* a refusal leaves no index */
		free(buf);
		return 0;
	}
	btf_out_init(&o);
	for (__u32 id = 1; id < v.n; id++) {
		const struct btf_type *t = btf_view_type(&v, id);
		const char *name = btf_view_str(&v, t->name_off);

		if (name && strlen(name) >= v.strs_len)
			abort();	/* a name ends inside the strings */
		if (!btf_out_type(&o, &v, t))
			btf_out_free(&o);	/* refused: start again, empty */
	}
	raw = btf_out_raw(&o, &raw_size);
	if (raw) {
		if (btf_view_open(&back, raw, raw_size) || back.n != o.n + 1)
			abort();	/* what it writes reads back whole */
		btf_view_close(&back);
	}
	free(raw);
	btf_out_free(&o);
	btf_view_close(&v);
	free(buf);
	return 0;
}
