// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sysnames.c - what we know of a syscall by its number, as this
 * architecture numbers them: its name (the table is made at build time
 * from the C library's <sys/syscall.h>: the Makefile's sysnames.h, in
 * build/include/), and which IPC operation it is, if any.
 */
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <linux/types.h>
#include "ipcscope.h"
#include "util.h"

static const char *const names[] = {
#include "sysnames.h"
};

const char *syscall_name(unsigned nr, char *buf, size_t len)
{
	if (nr < ARRAY_SIZE(names) && names[nr])
		return names[nr];
	snprintf(buf, len, "syscall_%u", nr);
	return buf;
}

/*
 * The syscalls ipc_sys_enter hands to a mechanism, by this architecture's
 * numbers (the BPF object has none of its own). A syscall this
 * architecture lacks is simply absent.
 */
static const struct {
	long nr;
	enum ipc_sys handler;
} sys_table[] = {
	{ SYS_write, IPC_SYS_WRITE },
	{ SYS_writev, IPC_SYS_WRITEV },
	{ SYS_read, IPC_SYS_READ },
	{ SYS_readv, IPC_SYS_READV },
	{ SYS_sendfile, IPC_SYS_SENDFILE },
	{ SYS_splice, IPC_SYS_SPLICE },
	{ SYS_vmsplice, IPC_SYS_VMSPLICE },
	{ SYS_sendto, IPC_SYS_SENDTO },
	{ SYS_sendmsg, IPC_SYS_SENDMSG },
	{ SYS_recvfrom, IPC_SYS_RECVFROM },
	{ SYS_recvmsg, IPC_SYS_RECVMSG },
#ifdef SYS_msgget	/* the SysV calls: on i386, one ipc() before 5.1 */
	{ SYS_msgget, IPC_SYS_MSGGET },
	{ SYS_semget, IPC_SYS_SEMGET },
	{ SYS_shmget, IPC_SYS_SHMGET },
	{ SYS_msgsnd, IPC_SYS_MSGSND },
	{ SYS_msgrcv, IPC_SYS_MSGRCV },
	{ SYS_semop, IPC_SYS_SEMOP },
	{ SYS_semtimedop, IPC_SYS_SEMOP },
	{ SYS_shmat, IPC_SYS_SHMAT },
	{ SYS_shmdt, IPC_SYS_SHMDT },
#endif
	{ SYS_mq_timedsend, IPC_SYS_MQ_TIMEDSEND },
	{ SYS_mq_timedreceive, IPC_SYS_MQ_TIMEDRECEIVE },
	{ SYS_futex, IPC_SYS_FUTEX },
};

int syscall_handler(unsigned nr)
{
	for (size_t i = 0; i < ARRAY_SIZE(sys_table); i++)
		if (sys_table[i].nr == (long)nr)
			return sys_table[i].handler;
	return IPC_SYS_NONE;
}

size_t ipc_syscall_numbers(unsigned *nrs, size_t max)
{
	for (size_t i = 0; i < ARRAY_SIZE(sys_table) && i < max; i++)
		nrs[i] = sys_table[i].nr;
	return ARRAY_SIZE(sys_table);
}

bool syscall_of_ipc(unsigned nr)
{
	/* by name: the C library's numbers name every one of these */
	static const char *const life[] = {
		"pipe", "pipe2", "mknod", "mknodat", "socket", "socketpair", "bind",
		"listen", "connect", "accept", "accept4", "shutdown", "shmctl",
		"msgctl", "semctl", "mq_open", "mq_unlink", "mq_notify",
		"mq_getsetattr", "memfd_create", "shm_open", "kill", "tgkill",
		"rt_sigqueueinfo", "clone", "clone3", "fork", "vfork",
	};
	char tmp[24];
	const char *name;

	if (syscall_handler(nr) != IPC_SYS_NONE)
		return true;
	name = syscall_name(nr, tmp, sizeof(tmp));
	for (size_t i = 0; i < ARRAY_SIZE(life); i++)
		if (!strcmp(name, life[i]))
			return true;
	return false;
}
