// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_model.c - unit tests for user/model.c: the table of mechanisms and
 * kinds, names of operations, copy directions and drops (and "?" when out
 * of range), the kernel-to-stat(2) dev_t conversion and per-CPU merging.
 * The snapshot is test_snapshot.c's. */
#include "test.h"
#include "model.h"
#include "snapshot.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>

TEST(model_kind_names)
{
	ASSERT_STREQ(ipc_kind_name(IPC_KIND_NONE), "none");
	ASSERT_STREQ(ipc_kind_name(IPC_KIND_PIPE), "anon");
	ASSERT_STREQ(ipc_kind_name(IPC_KIND_FIFO), "fifo");
	ASSERT_STREQ(ipc_kind_name(IPC_KIND_MAX), "?");
	ASSERT_STREQ(ipc_kind_name(1000), "?");
	ASSERT_STREQ(ipc_kind_name(UINT32_MAX), "?");
}

TEST(model_kind_mech_and_mech_names)
{
	ASSERT_EQ_U64(ipc_kind_mech(IPC_KIND_PIPE), IPC_MECH_PIPE);
	ASSERT_EQ_U64(ipc_kind_mech(IPC_KIND_FIFO), IPC_MECH_PIPE);
	ASSERT_STREQ(ipc_mech_name(IPC_MECH_PIPE), "pipe");
	ASSERT_STREQ(ipc_mech_name(IPC_MECH_MAX), "?");
	ASSERT_STREQ(ipc_mech_name((enum ipc_mech)-1), "?");
	ASSERT_STREQ(ipc_mech_name((enum ipc_mech)12345), "?");
}

TEST(model_op_names)
{
	ASSERT_STREQ(ipc_op_name(IPC_OP_WRITE), "write");
	ASSERT_STREQ(ipc_op_name(IPC_OP_WRITEV), "writev");
	ASSERT_STREQ(ipc_op_name(IPC_OP_READ), "read");
	ASSERT_STREQ(ipc_op_name(IPC_OP_READV), "readv");
	ASSERT_STREQ(ipc_op_name(IPC_OP_SPLICE_IN), "splice_in");
	ASSERT_STREQ(ipc_op_name(IPC_OP_SPLICE_OUT), "splice_out");
	ASSERT_STREQ(ipc_op_name(IPC_OP_VMSPLICE_IN), "vmsplice_in");
	ASSERT_STREQ(ipc_op_name(IPC_OP_VMSPLICE_OUT), "vmsplice_out");
	ASSERT_STREQ(ipc_op_name(IPC_OP_MAX), "?");
	ASSERT_STREQ(ipc_op_name(UINT32_MAX), "?");
}

TEST(model_op_copy_directions)
{
	ASSERT_EQ_U64(ipc_op_copy(IPC_OP_WRITE), IPC_COPY_USER_TO_KERNEL);
	ASSERT_EQ_U64(ipc_op_copy(IPC_OP_WRITEV), IPC_COPY_USER_TO_KERNEL);
	ASSERT_EQ_U64(ipc_op_copy(IPC_OP_READ), IPC_COPY_KERNEL_TO_USER);
	ASSERT_EQ_U64(ipc_op_copy(IPC_OP_READV), IPC_COPY_KERNEL_TO_USER);
	ASSERT_EQ_U64(ipc_op_copy(IPC_OP_SPLICE_IN), IPC_COPY_ZERO);
	ASSERT_EQ_U64(ipc_op_copy(IPC_OP_SPLICE_OUT), IPC_COPY_ZERO);
	ASSERT_EQ_U64(ipc_op_copy(IPC_OP_VMSPLICE_IN), IPC_COPY_ZERO);
	ASSERT_EQ_U64(ipc_op_copy(IPC_OP_VMSPLICE_OUT), IPC_COPY_KERNEL_TO_USER);
	ASSERT_EQ_U64(ipc_op_copy(IPC_OP_MAX), IPC_COPY_NONE);
	ASSERT_EQ_U64(ipc_op_copy(UINT32_MAX), IPC_COPY_NONE);
}

TEST(model_copy_names)
{
	ASSERT_STREQ(ipc_copy_name(IPC_COPY_NONE), "none");
	ASSERT_STREQ(ipc_copy_name(IPC_COPY_USER_TO_KERNEL), "user_to_kernel");
	ASSERT_STREQ(ipc_copy_name(IPC_COPY_KERNEL_TO_USER), "kernel_to_user");
	ASSERT_STREQ(ipc_copy_name(IPC_COPY_ZERO), "zero_copy");
	ASSERT_STREQ(ipc_copy_name((enum ipc_copy)(IPC_COPY_ZERO + 1)), "?");
	ASSERT_STREQ(ipc_copy_name((enum ipc_copy)-1), "?");
}

TEST(model_op_inbound)
{
	ASSERT_TRUE(ipc_op_inbound(IPC_OP_WRITE));
	ASSERT_TRUE(ipc_op_inbound(IPC_OP_WRITEV));
	ASSERT_TRUE(!ipc_op_inbound(IPC_OP_READ));
	ASSERT_TRUE(!ipc_op_inbound(IPC_OP_READV));
	ASSERT_TRUE(ipc_op_inbound(IPC_OP_SPLICE_IN));
	ASSERT_TRUE(!ipc_op_inbound(IPC_OP_SPLICE_OUT));
	ASSERT_TRUE(ipc_op_inbound(IPC_OP_VMSPLICE_IN));
	ASSERT_TRUE(!ipc_op_inbound(IPC_OP_VMSPLICE_OUT));
	ASSERT_TRUE(!ipc_op_inbound(IPC_OP_MAX));
	ASSERT_TRUE(!ipc_op_inbound(UINT32_MAX));
}

TEST(model_drop_names)
{
	ASSERT_STREQ(ipc_drop_name(IPC_DROP_INFLIGHT), "inflight");
	ASSERT_STREQ(ipc_drop_name(IPC_DROP_ENDPOINT), "endpoints");
	ASSERT_STREQ(ipc_drop_name(IPC_DROP_PROC), "processes");
	ASSERT_STREQ(ipc_drop_name(IPC_DROP_TARGET), "targets");
	ASSERT_STREQ(ipc_drop_name(IPC_DROP_ERRNO), "errnos");
	ASSERT_STREQ(ipc_drop_name(IPC_DROP_MAX), "?");
	ASSERT_STREQ(ipc_drop_name(UINT32_MAX), "?");
}

/* One errno name everywhere: record and trace once disagreed on 107. */
TEST(model_errno_names)
{
	ASSERT_STREQ(ipc_errno_name(107), "ENOTCONN");
	ASSERT_STREQ(ipc_errno_name(11), "EAGAIN");
	ASSERT_STREQ(ipc_errno_name(512), "ERESTARTSYS");
	ASSERT_STREQ(ipc_errno_name(516), "ERESTART_RESTARTBLOCK");
	ASSERT_TRUE(ipc_errno_name(0) == NULL);
	ASSERT_TRUE(ipc_errno_name(-4) == NULL);
	ASSERT_TRUE(ipc_errno_name(99999) == NULL);
}

/* Every name of every in-range value is a real name, never NULL or "?". */
TEST(model_every_in_range_value_named)
{
	for (uint32_t k = 0; k < IPC_KIND_MAX; k++)
		ASSERT_TRUE(ipc_kind_name(k) && strcmp(ipc_kind_name(k), "?"));
	for (uint32_t op = 0; op < IPC_OP_MAX; op++)
		ASSERT_TRUE(ipc_op_name(op) && strcmp(ipc_op_name(op), "?"));
	for (uint32_t d = 0; d < IPC_DROP_MAX; d++)
		ASSERT_TRUE(ipc_drop_name(d) && strcmp(ipc_drop_name(d), "?"));
	for (uint32_t d = 0; d < IPC_DROP_MAX; d++)
		ASSERT_TRUE(ipc_drop_why(d) && strcmp(ipc_drop_why(d), "?"));
	for (int m = 0; m < IPC_MECH_MAX; m++)
		ASSERT_TRUE(ipc_mech_name(m) && strcmp(ipc_mech_name(m), "?"));
}

#define KDEV(ma, mi) (((uint32_t)(ma) << 20) | (uint32_t)(mi))

TEST(model_dev_to_user_matches_makedev)
{
	static const struct { unsigned ma, mi; } devs[] = {
		{ 0, 0 }, { 0, 13 }, { 0, 26 }, { 8, 1 }, { 8, 17 },
		{ 253, 3 }, { 259, 0 }, { 259, 65535 }, { 1, 256 },
		{ 4095, 0 }, { 0, 0xfffff }, { 4095, 0xfffff }, { 0x123, 0xabcde },
	};

	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		uint64_t got = ipc_dev_to_user(KDEV(devs[i].ma, devs[i].mi));

		if (got != (uint64_t)makedev(devs[i].ma, devs[i].mi))
			test_fail(__FILE__, __LINE__, "%u:%u: got %#" PRIx64
				  ", makedev %#" PRIx64, devs[i].ma, devs[i].mi,
				  got, (uint64_t)makedev(devs[i].ma, devs[i].mi));
		else if (major(got) != devs[i].ma || minor(got) != devs[i].mi)
			test_fail(__FILE__, __LINE__, "%u:%u: major/minor %u:%u",
				  devs[i].ma, devs[i].mi, major(got), minor(got));
	}
}

TEST(model_dev_to_user_exact_values)
{
	/* 8:1 (sda1) is 0x801 in st_dev; minor 256 moves to bits 20.. */
	ASSERT_EQ_U64(ipc_dev_to_user(KDEV(8, 1)), 0x801);
	ASSERT_EQ_U64(ipc_dev_to_user(KDEV(0, 13)), 13);
	ASSERT_EQ_U64(ipc_dev_to_user(KDEV(1, 256)), 0x100100);
	ASSERT_EQ_U64(ipc_dev_to_user(UINT32_MAX), 0xffffffff);
}

/* A distinct value for every field of every CPU. */
static void fill_cpu(struct ipc_op_stats *st, unsigned cpu)
{
	memset(st, 0, sizeof(*st));
	st->calls = 10 + cpu;
	st->errors = cpu;
	st->bytes = UINT64_C(1000000000000) * (cpu + 1);
	st->lat_sum_ns = 7000 + 3 * cpu;
	for (unsigned i = 0; i < IPC_HIST_SLOTS; i++)
		st->lat_slots[i] = 100 * cpu + i;
}

TEST(model_op_stats_add_merges_per_cpu_values)
{
	enum { NCPU = 5 };
	struct ipc_op_stats cpu[NCPU], total;

	memset(&total, 0, sizeof(total));
	for (unsigned c = 0; c < NCPU; c++) {
		fill_cpu(&cpu[c], c);
		ipc_op_stats_add(&total, &cpu[c]);
	}
	/* sums over c = 0..4 */
	ASSERT_EQ_U64(total.calls, 10 * 5 + 10);
	ASSERT_EQ_U64(total.errors, 10);
	ASSERT_EQ_U64(total.bytes, UINT64_C(15000000000000));
	ASSERT_EQ_U64(total.lat_sum_ns, 7000 * 5 + 3 * 10);
	for (unsigned i = 0; i < IPC_HIST_SLOTS; i++)
		ASSERT_EQ_U64(total.lat_slots[i], 100 * 10 + 5 * i);
	/* the sources are left alone */
	ASSERT_EQ_U64(cpu[4].calls, 14);
	ASSERT_EQ_U64(cpu[4].lat_slots[IPC_HIST_SLOTS - 1], 439);
}

TEST(model_op_stats_add_keeps_existing_and_zero_is_identity)
{
	struct ipc_op_stats dst, zero, before;

	fill_cpu(&dst, 7);
	before = dst;
	memset(&zero, 0, sizeof(zero));
	ipc_op_stats_add(&dst, &zero);
	ASSERT_TRUE(memcmp(&dst, &before, sizeof(dst)) == 0);
	ipc_op_stats_add(&dst, &before);
	ASSERT_EQ_U64(dst.calls, 34);
	ASSERT_EQ_U64(dst.errors, 14);
	ASSERT_EQ_U64(dst.bytes, UINT64_C(16000000000000));
	ASSERT_EQ_U64(dst.lat_sum_ns, 2 * 7021);
	for (unsigned i = 0; i < IPC_HIST_SLOTS; i++)
		ASSERT_EQ_U64(dst.lat_slots[i], 2 * (700 + i));
}

TEST(model_op_stats_add_first_and_last_slot_only)
{
	struct ipc_op_stats dst, src;

	memset(&dst, 0, sizeof(dst));
	memset(&src, 0, sizeof(src));
	src.lat_slots[0] = 1;
	src.lat_slots[IPC_HIST_SLOTS - 1] = 2;
	ipc_op_stats_add(&dst, &src);
	ipc_op_stats_add(&dst, &src);
	ASSERT_EQ_U64(dst.lat_slots[0], 2);
	ASSERT_EQ_U64(dst.lat_slots[IPC_HIST_SLOTS - 1], 4);
	for (unsigned i = 1; i < IPC_HIST_SLOTS - 1; i++)
		ASSERT_EQ_U64(dst.lat_slots[i], 0);
	ASSERT_EQ_U64(dst.calls + dst.errors + dst.bytes + dst.lat_sum_ns, 0);
}

/* Every kind has a row: its names, and a mechanism that has objects. A
 * kind added to ipcscope.h without one fails here. */
TEST(model_kind_table_is_complete)
{
	for (uint32_t k = IPC_KIND_NONE + 1; k < IPC_KIND_MAX; k++) {
		if (!strcmp(ipc_kind_name(k), "?") || !strcmp(ipc_kind_title(k), "?") ||
		    !strcmp(ipc_kind_label(k), "?"))
			test_fail(__FILE__, __LINE__, "kind %u has no row", k);
		ASSERT_TRUE(ipc_mech_has_objects(ipc_kind_mech(k)));
	}
	ASSERT_STREQ(ipc_kind_title(IPC_KIND_FIFO), "FIFO (named pipe)");
	ASSERT_STREQ(ipc_kind_label(IPC_KIND_UNIX_DGRAM), "unix dgram");
	ASSERT_TRUE(ipc_kind_named(IPC_KIND_TCP) && !ipc_kind_named(IPC_KIND_PIPE));
	ASSERT_STREQ(ipc_kind_title(IPC_KIND_MAX), "?");
}

/* Signals are a mechanism like the others, with no object and no copies */
TEST(model_signals_are_a_mechanism)
{
	ASSERT_STREQ(ipc_mech_name(IPC_MECH_SIGNAL), "signal");
	ASSERT_TRUE(!ipc_mech_has_objects(IPC_MECH_SIGNAL));
	ASSERT_STREQ(ipc_mech_colour(IPC_MECH_SIGNAL), "#c0392b");
	for (uint32_t k = 0; k < IPC_KIND_MAX; k++)
		ASSERT_TRUE(ipc_kind_mech(k) != IPC_MECH_SIGNAL);
	ASSERT_STREQ(ipc_mech_name(IPC_MECH_MAX), "?");
}

TEST(model_signal_origins)
{
	ASSERT_STREQ(ipc_sig_origin(0), "kill");
	ASSERT_STREQ(ipc_sig_origin(-2), "timer");
	ASSERT_STREQ(ipc_sig_origin(0x80), "kernel");
	ASSERT_STREQ(ipc_sig_origin(2), "kernel");
	ASSERT_STREQ(ipc_sig_origin(-100), "other");
	/* the made-up codes of a process going away (bpf/ipcscope.h) */
	ASSERT_STREQ(ipc_sig_origin(IPC_SIG_GROUP_EXIT | 15), "group exit (SIGTERM)");
	ASSERT_STREQ(ipc_sig_origin(IPC_SIG_GROUP_EXIT | 9), "group exit (SIGKILL)");
	ASSERT_STREQ(ipc_sig_origin(IPC_SIG_GROUP_EXIT), "group exit (exit)");
	ASSERT_STREQ(ipc_sig_origin(IPC_SIG_GROUP_EXEC), "group exit (exec)");
	ASSERT_STREQ(ipc_sig_origin(IPC_SIG_GROUP_EXIT | 0x7f), "group exit");
	/* asked again: the same text */
	ASSERT_STREQ(ipc_sig_origin(IPC_SIG_GROUP_EXIT | 15), "group exit (SIGTERM)");
}
