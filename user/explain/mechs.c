// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * mechs.c - the mechanisms `ipcscope explain` shows: the bundled workload
 * that moves one message through each (its marks, ipcscope:transfer_start
 * and transfer_end, bound the story), and a paragraph on what the kernel
 * does for it.
 */
#include <string.h>
#include "explain.h"

#define MIB (1024 * 1024)

const struct explain_mech_info explain_mechs[EXPLAIN_NMECH] = {
	[EXPLAIN_PIPE] = {
		.name = "pipe", .title = "an anonymous pipe", .workload = "pipe",
		.args = { "--count", "1" }, .sized = true, .max_size = 16 * MIB,
		.pins = true,
		.how = "A pipe is a ring of pages inside the kernel. write() copies "
		       "the bytes from the writer's memory into those pages and "
		       "wakes a reader that sleeps on the pipe; read() copies them "
		       "out into the reader's memory. Two copies, two syscalls.",
	},
	[EXPLAIN_FIFO] = {
		.name = "fifo", .title = "a named pipe (FIFO)", .workload = "pipe",
		.args = { "--mode", "fifo", "--count", "1" }, .sized = true,
		.max_size = 16 * MIB, .pins = true,
		.how = "A FIFO is a pipe with a name in a file system: open() finds "
		       "it by path, then write() and read() work exactly as on an "
		       "anonymous pipe: two copies, through the pipe's pages.",
	},
	[EXPLAIN_MSGQ] = {
		.name = "msgq", .title = "a System V message queue", .workload = "msgq",
		.args = { "--api", "sysv", "--count", "1" }, .sized = true,
		.max_size = 8192, .pins = true,
		.how = "msgsnd() copies the message into a kernel buffer (struct "
		       "msg_msg, load_msg) and links it on the queue, waking a "
		       "receiver that waits there; msgrcv() unlinks it and copies "
		       "it out (store_msg). Two copies; the message keeps its "
		       "boundaries.",
	},
	[EXPLAIN_POSIX_MQ] = {
		.name = "posix-mq", .title = "a POSIX message queue", .workload = "msgq",
		.args = { "--api", "posix", "--count", "1" }, .sized = true,
		.max_size = 8192, .pins = true,
		.how = "mq_send() (mq_timedsend) copies the message into a kernel "
		       "buffer and queues it by priority, waking a receiver; "
		       "mq_receive() copies it out. Two copies, like a System V "
		       "queue, through a queue that is a file of the mqueue file "
		       "system.",
	},
	[EXPLAIN_SHM] = {
		.name = "shm", .title = "System V shared memory", .workload = "shm",
		.args = { "--api", "sysv", "--sync", "sem" }, .sized = true, .max_size = 64 * MIB,
		.pins = true,
		.how = "Both processes map the same physical pages. The writer's "
		       "stores and the reader's loads are plain memory accesses: "
		       "no syscall and no copy by the kernel. The kernel works only "
		       "at the first touch of each page in each process: a page "
		       "fault maps the page into that process's page table. The "
		       "two must agree on when the data is ready by other means: "
		       "here a POSIX semaphore in the shared memory, which is a "
		       "futex: sem_wait() sleeps in the kernel only if it must, "
		       "and sem_post() then wakes it.",
	},
	[EXPLAIN_SIGNAL] = {
		.name = "signal", .title = "a signal", .workload = "signal",
		.args = { "--mode", "pingpong", "--count", "1" }, .sized = false,
		.pins = false,
		.how = "kill() makes the signal pending on the target (a bit in its "
		       "pending set; a queued entry for a real-time signal) and "
		       "wakes it. The signal is delivered when the target next "
		       "returns to user space: the kernel builds a frame on its "
		       "stack and runs the handler; the handler's return calls "
		       "rt_sigreturn(), which restores what the signal "
		       "interrupted. No payload: the signal's number is the "
		       "message.",
	},
	[EXPLAIN_UNIX] = {
		.name = "unix", .title = "a Unix stream socket", .workload = "sock",
		.args = { "--type", "unix-stream", "--count", "1" }, .sized = true,
		.max_size = 16 * MIB, .pins = true,
		.how = "send() copies the bytes into a socket buffer (an sk_buff) "
		       "and puts it straight on the peer's receive queue, waking "
		       "the peer; recv() copies them out. Two copies, no protocol "
		       "stack.",
	},
	[EXPLAIN_TCP] = {
		.name = "tcp", .title = "TCP over loopback", .workload = "sock",
		.args = { "--type", "tcp", "--count", "1" }, .sized = true,
		.max_size = 16 * MIB, .pins = true,
		.how = "send() copies the bytes into socket buffers, then the whole "
		       "stack runs: TCP and IP build a packet, the loopback device "
		       "takes it (net_dev_queue) and hands it back as received; the "
		       "NET_RX softirq runs IP and TCP again on the receiving side, "
		       "which queues the data on the receiver's socket and wakes "
		       "it; recv() copies it out. Two copies, and the stack twice.",
	},
	[EXPLAIN_UDP] = {
		.name = "udp", .title = "UDP over loopback", .workload = "sock",
		.args = { "--type", "udp", "--count", "1" }, .sized = true,
		.max_size = 65507, .pins = true,
		.how = "sendto() copies the datagram into a packet, which goes "
		       "through UDP and IP to the loopback device and back through "
		       "the NET_RX softirq to the receiving socket's queue, waking "
		       "the receiver; recvfrom() copies it out. Two copies; the "
		       "datagram keeps its boundaries, and could be dropped.",
	},
};

int explain_mech_find(const char *s)
{
	for (int i = 0; i < EXPLAIN_NMECH; i++)
		if (!strcmp(s, explain_mechs[i].name))
			return i;
	return -1;
}
