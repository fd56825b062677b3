// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * words.c - what `ipcscope explain` says, in English and in Chinese (the
 * reference document's language, --lang zh): the line that says what a
 * step is, the line under it that says what the kernel did there and what
 * it costs, the labels of the summary and the header. The outputs
 * (render.c, svg.c) only lay them out. Names from the traced system are
 * made printable here.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "explain.h"
#include "model.h"
#include "util.h"

/* The sentence in the story's language */
#define Z(en, zh) (lang == EXPLAIN_ZH ? (zh) : (en))

void explain_clean_comm(char *dst, size_t len, const char *comm)
{
	text_clean(dst, len, comm, strnlen(comm, IPC_COMM_LEN));
}

static void obj_name(const struct ipc_obj_key *k, char *buf, size_t len)
{
	char raw[128];

	ipc_obj_name(k, NULL, NULL, raw, sizeof(raw));
	text_clean(buf, len, raw, strnlen(raw, sizeof(raw)));
}

static const char *copy_words(int copy, enum explain_lang lang)
{
	switch (copy) {
	case IPC_COPY_USER_TO_KERNEL:
		return Z("copied user -> kernel", "从用户态拷贝进内核");
	case IPC_COPY_KERNEL_TO_USER:
		return Z("copied kernel -> user", "从内核拷贝到用户态");
	case IPC_COPY_ZERO:
		return Z("moved without a copy", "未经拷贝移动");
	}
	return NULL;
}

static const char *net_words(uint32_t step, enum explain_lang lang)
{
	switch (step) {
	case IPC_NET_DEV_QUEUE:
		return Z("hands a packet to device", "把数据包交给设备");
	case IPC_NET_RECEIVE:
		return Z("receives a packet from device", "从设备收到数据包");
	case IPC_NET_SOFTIRQ_ENTRY:
		return Z("the NET_RX softirq starts", "NET_RX 软中断开始");
	case IPC_NET_SOFTIRQ_EXIT:
		return Z("the NET_RX softirq ends", "NET_RX 软中断结束");
	}
	return Z("a packet's step", "数据包的一步");
}

static void what_return(const struct explain_step *s, char *buf, size_t len,
			enum explain_lang lang)
{
	char sys[32], dur[32], obj[128];
	const char *n = syscall_name(s->sys_nr, sys, sizeof(sys));
	const char *e = s->ret < 0 && s->ret > -4096 ? ipc_errno_name((int)-s->ret) : NULL;

	fmt_ns(dur, sizeof(dur), (double)s->dur_ns);
	if (!strcmp(n, "rt_sigreturn")) {
		/* its return value is the interrupted code's */
		char ret[32];

		snprintf(ret, sizeof(ret), "%" PRId64, s->ret);
		snprintf(buf, len, Z("rt_sigreturn() restores the interrupted context, whose "
				     "result was %s", "rt_sigreturn() 恢复被中断的上下文，其结果为 %s"),
			 e ? e : ret);
		return;
	}
	if (s->ret < 0 && s->ret > -4096) {
		snprintf(buf, len, Z("%s() fails with %s after %s", "%s() 失败（%s），用时 %s"), n,
			 e ? e : Z("an error", "错误"), dur);
		return;
	}
	obj[0] = '\0';
	if (s->has_op)
		obj_name(&s->obj, obj, sizeof(obj));
	if (s->has_op && copy_words(s->copy, lang))
		snprintf(buf, len, Z("%s() returns %" PRId64 " after %s: %" PRIu64 " bytes %s (%s)",
				     "%s() 返回 %" PRId64 "，用时 %s：%" PRIu64 " 字节%s（%s）"),
			 n, s->ret, dur, s->bytes, copy_words(s->copy, lang), obj);
	else if (s->has_op)
		snprintf(buf, len, Z("%s() returns %" PRId64 " after %s (%s)",
				     "%s() 返回 %" PRId64 "，用时 %s（%s）"), n, s->ret, dur, obj);
	else
		snprintf(buf, len, Z("%s() returns %" PRId64 " after %s",
				     "%s() 返回 %" PRId64 "，用时 %s"), n, s->ret, dur);
}

void explain_what(const struct explain_step *s, char *buf, size_t len,
		  enum explain_lang lang)
{
	char sys[32], peer[IPC_COMM_LEN * 4], obj[128], wait[32], in[64];
	const char *sig;

	switch (s->kind) {
	case STEP_MARK_START:
		snprintf(buf, len, "%s", Z("the transfer starts (mark ipcscope:transfer_start)",
					   "传输开始（标记 ipcscope:transfer_start）"));
		return;
	case STEP_MARK_END:
		snprintf(buf, len, "%s", Z("the transfer ends (mark ipcscope:transfer_end)",
					   "传输结束（标记 ipcscope:transfer_end）"));
		return;
	case STEP_ENTER:
		snprintf(buf, len, Z("%s() enters the kernel", "%s() 进入内核"),
			 syscall_name(s->sys_nr, sys, sizeof(sys)));
		return;
	case STEP_RETURN:
		what_return(s, buf, len, lang);
		return;
	case STEP_WAKEUP:
		explain_clean_comm(peer, sizeof(peer), s->peer_comm);
		snprintf(buf, len, Z("wakes %s[%u]", "唤醒 %s[%u]"), peer, s->peer_pid);
		return;
	case STEP_SLEEP:
	case STEP_PREEMPTED:
		explain_clean_comm(peer, sizeof(peer), s->peer_comm);
		in[0] = '\0';
		if (s->in_syscall)
			snprintf(in, sizeof(in), Z(" in %s()", "（在 %s() 中）"),
				 syscall_name(s->sys_nr, sys, sizeof(sys)));
		if (s->kind == STEP_SLEEP)
			snprintf(buf, len, Z("sleeps%s: leaves CPU %u to %s[%u]",
					     "睡眠%s：把 CPU %u 让给 %s[%u]"),
				 in, s->cpu, peer, s->peer_pid);
		else
			snprintf(buf, len, Z("preempted%s: leaves CPU %u to %s[%u], still runnable",
					     "被抢占%s：把 CPU %u 让给 %s[%u]，仍可运行"),
				 in, s->cpu, peer, s->peer_pid);
		return;
	case STEP_RUN:
		if (s->wait_ns < 0) {
			snprintf(buf, len, Z("runs on CPU %u", "在 CPU %u 上运行"), s->cpu);
			return;
		}
		fmt_ns(wait, sizeof(wait), (double)s->wait_ns);
		snprintf(buf, len, Z("runs on CPU %u, %s after it was woken%s",
				     "在 CPU %u 上运行，距被唤醒 %s%s"), s->cpu, wait,
			 s->woken_on != s->cpu ? Z(" from another CPU", "（由另一个 CPU 唤醒）") : "");
		return;
	case STEP_FAULT:
		obj_name(&s->obj, obj, sizeof(obj));
		snprintf(buf, len, Z("page fault in %s", "%s 中的缺页异常"), obj);
		return;
	case STEP_SIGNAL:
		sig = ipc_signal_name(s->sig);
		if (!sig) {
			snprintf(wait, sizeof(wait), Z("signal %u", "信号 %u"), s->sig);
			sig = wait;
		}
		if (s->op == IPC_SIG_HANDLED)
			snprintf(buf, len, Z("%s delivered: its handler is about to run",
					     "%s 递送：处理函数即将运行"), sig);
		else
			snprintf(buf, len, Z("%s generated for process %u: %s",
					     "%s 已为进程 %u 产生：%s"), sig, s->sig_target,
				 ipc_sig_event_name(s->op));
		return;
	case STEP_NET:
		explain_clean_comm(peer, sizeof(peer), s->peer_comm);
		if (s->op == IPC_NET_DEV_QUEUE || s->op == IPC_NET_RECEIVE)
			snprintf(buf, len, Z("%s %s (%" PRIu64 " bytes)", "%s %s（%" PRIu64 " 字节）"),
				 net_words(s->op, lang), peer[0] ? peer : "?", s->bytes);
		else
			snprintf(buf, len, "%s", net_words(s->op, lang));
		return;
	case STEP_NKINDS:
		break;
	}
	snprintf(buf, len, "?");
}

/* What the kernel did inside a syscall that returned with a copy */
static const char *why_copy(const struct explain_step *s, enum explain_mech m,
			    enum explain_lang lang)
{
	bool in = s->copy == IPC_COPY_USER_TO_KERNEL;

	switch (m) {
	case EXPLAIN_PIPE:
	case EXPLAIN_FIFO:
		return in ? Z("pipe_write() copied the bytes from the writer's buffer into "
			      "the pipe's pages (copy_page_from_iter), then woke a reader "
			      "waiting on the pipe. Copy 1 of 2.",
			      "pipe_write() 把字节从写者的缓冲区拷贝进管道的页"
			      "（copy_page_from_iter），再唤醒在管道上等待的读者。两次拷贝中的第 1 次。")
			  : Z("pipe_read() copied the bytes from the pipe's pages into the "
			      "reader's buffer (copy_page_to_iter) and freed the page's slot "
			      "for the next write. Copy 2 of 2.",
			      "pipe_read() 把字节从管道的页拷贝到读者的缓冲区"
			      "（copy_page_to_iter），腾出位置给下一次写。两次拷贝中的第 2 次。");
	case EXPLAIN_MSGQ:
		return in ? Z("do_msgsnd() copied the message into a kernel buffer it "
			      "allocated (load_msg: struct msg_msg), linked it on the "
			      "queue and woke a waiting receiver. Copy 1 of 2.",
			      "do_msgsnd() 把消息拷贝进它分配的内核缓冲区（load_msg：struct "
			      "msg_msg），挂到队列上，并唤醒等待的接收者。两次拷贝中的第 1 次。")
			  : Z("do_msgrcv() took the message off the queue and copied it "
			      "into the receiver's buffer (store_msg), then freed the "
			      "kernel's copy. Copy 2 of 2.",
			      "do_msgrcv() 把消息从队列上取下，拷贝到接收者的缓冲区"
			      "（store_msg），再释放内核里的那份。两次拷贝中的第 2 次。");
	case EXPLAIN_POSIX_MQ:
		return in ? Z("mq_timedsend() copied the message into a kernel buffer "
			      "(load_msg), queued it by priority and woke a waiting "
			      "receiver. Copy 1 of 2.",
			      "mq_timedsend() 把消息拷贝进内核缓冲区（load_msg），按优先级入队，"
			      "并唤醒等待的接收者。两次拷贝中的第 1 次。")
			  : Z("mq_timedreceive() copied the message out of the kernel's "
			      "buffer into the receiver's (store_msg). Copy 2 of 2.",
			      "mq_timedreceive() 把消息从内核缓冲区拷贝到接收者的缓冲区"
			      "（store_msg）。两次拷贝中的第 2 次。");
	case EXPLAIN_UNIX:
		return in ? Z("unix_stream_sendmsg() allocated a socket buffer (an "
			      "sk_buff), copied the bytes into it and queued it on the "
			      "peer's receive queue, then woke the peer. Copy 1 of 2.",
			      "unix_stream_sendmsg() 分配一个套接字缓冲区（sk_buff），把字节拷贝"
			      "进去，挂到对端的接收队列上，再唤醒对端。两次拷贝中的第 1 次。")
			  : Z("unix_stream_recvmsg() copied the bytes out of the socket "
			      "buffer into the receiver's memory and freed it. Copy 2 of 2.",
			      "unix_stream_recvmsg() 把字节从套接字缓冲区拷贝到接收者的内存，"
			      "再释放缓冲区。两次拷贝中的第 2 次。");
	case EXPLAIN_TCP:
		return in ? Z("tcp_sendmsg() copied the bytes into socket buffers; TCP "
			      "and IP then built the packet and sent it through the "
			      "loopback device, all inside this syscall. Copy 1 of 2.",
			      "tcp_sendmsg() 把字节拷贝进套接字缓冲区；随后 TCP 和 IP 组好数据包，"
			      "经回环设备发出，全都在这次系统调用之内。两次拷贝中的第 1 次。")
			  : Z("tcp_recvmsg() copied the bytes from the socket's receive "
			      "queue into the receiver's memory (and may send an ACK). "
			      "Copy 2 of 2.",
			      "tcp_recvmsg() 把字节从套接字的接收队列拷贝到接收者的内存"
			      "（可能还会发一个 ACK）。两次拷贝中的第 2 次。");
	case EXPLAIN_UDP:
		return in ? Z("udp_sendmsg() copied the datagram into a packet and sent "
			      "it through IP and the loopback device, inside this "
			      "syscall. Copy 1 of 2.",
			      "udp_sendmsg() 把数据报拷贝进一个数据包，经 IP 和回环设备发出，"
			      "都在这次系统调用之内。两次拷贝中的第 1 次。")
			  : Z("udp_recvmsg() copied the datagram from the socket's queue "
			      "into the receiver's memory. Copy 2 of 2.",
			      "udp_recvmsg() 把数据报从套接字队列拷贝到接收者的内存。"
			      "两次拷贝中的第 2 次。");
	case EXPLAIN_SHM:
	case EXPLAIN_SIGNAL:
	case EXPLAIN_NMECH:
		break;
	}
	return in ? Z("The kernel copied the bytes from user memory into its own.",
		      "内核把字节从用户内存拷贝进自己的内存。")
		  : Z("The kernel copied the bytes from its memory into the caller's.",
		      "内核把字节从自己的内存拷贝到调用者的内存。");
}

static bool named(const char *n, const char *const *names)
{
	for (; *names; names++)
		if (!strcmp(n, *names))
			return true;
	return false;
}

/* A syscall entered or returned without a payload: by its name */
static const char *why_syscall(const struct explain_step *s, enum explain_mech m,
			       enum explain_lang lang)
{
	char buf[32];
	const char *n = syscall_name(s->sys_nr, buf, sizeof(buf));
	bool enter = s->kind == STEP_ENTER;

	if (!strcmp(n, "rt_sigreturn"))
		return enter ? Z("The handler has returned (through the signal frame's "
				 "return address, the sa_restorer): rt_sigreturn asks the "
				 "kernel to restore the registers and mask it saved.",
				 "处理函数已经返回（经由信号帧里的返回地址 sa_restorer）："
				 "rt_sigreturn 请内核恢复它保存的寄存器和信号掩码。")
			     : Z("The registers come back from the signal frame, the "
				 "interrupted syscall's result with them: the program "
				 "goes on where the signal stopped it.",
				 "寄存器从信号帧中恢复，被中断的系统调用的结果也随之恢复："
				 "程序从被信号打断的地方继续。");
	if (named(n, (const char *const[]){ "kill", "tgkill", "tkill", NULL }))
		return enter ? Z("kill() asks the kernel to send a signal: it checks "
				 "the permission, then makes the signal pending on the "
				 "target.",
				 "kill() 请内核发送信号：内核检查权限，然后把信号挂到目标进程的"
				 "未决集合上。")
			     : Z("The signal is pending on the target: sending is "
				 "finished; delivery is the target's affair.",
				 "信号已在目标上未决：发送就此结束，递送是目标那边的事。");
	if (!strcmp(n, "sched_yield"))
		return enter ? Z("The reader polls a flag in the shared memory and "
				 "gives up the CPU between looks (sched_yield): the "
				 "kernel's only part in this synchronisation.",
				 "读者轮询共享内存里的一个标志，两次查看之间让出 CPU"
				 "（sched_yield）：这是内核在这种同步里唯一的参与。")
			     : "";
	if (!strcmp(n, "futex"))
		return enter ? Z("A futex: the kernel is asked to sleep until a word "
				 "in memory changes, or to wake those sleeping on it.",
				 "futex：请内核睡眠直到内存中的某个字改变，或唤醒在它上面睡眠的线程。")
			     : "";
	if (named(n, (const char *const[]){ "rt_sigsuspend", "sigsuspend", "rt_sigtimedwait",
					    "pause", NULL }))
		return enter ? Z("The process waits for a signal: it unblocks the "
				 "signal and sleeps until one is delivered.",
				 "进程等待信号：它解除对信号的屏蔽，睡眠直到有信号递送。")
			     : Z("A signal came: the call ends (ERESTARTNOHAND is the "
				 "kernel's own code for it, EINTR for the program), and "
				 "on the way out to user space the handler runs first.",
				 "信号到了：调用结束（ERESTARTNOHAND 是内核自己的代码，程序看到的是 "
				 "EINTR），返回用户态的路上先运行处理函数。");
	if (enter)
		return m == EXPLAIN_SHM ? "" :
		       Z("A syscall: the CPU switches from user mode to kernel mode "
			 "(a mode switch, not a context switch) and saves the user "
			 "registers; the kernel runs on this thread's kernel stack.",
			 "系统调用：CPU 从用户态切换到内核态（这是模式切换，不是上下文切换），"
			 "保存用户态寄存器；内核在这个线程的内核栈上运行。");
	return s->ret < 0 && s->ret > -4096 ?
	       Z("The call failed: the kernel did nothing for it.",
		 "调用失败：内核没有为它做任何事。") : "";
}

/* Why a thread gave up its CPU: by the syscall it was in */
static const char *why_sleep(const struct explain_step *s, enum explain_lang lang)
{
	char buf[32];
	const char *n = s->in_syscall ? syscall_name(s->sys_nr, buf, sizeof(buf)) : "";

	if (named(n, (const char *const[]){ "read", "readv", "recvfrom", "recvmsg", "msgrcv",
					    "mq_timedreceive", NULL }))
		return Z("Nothing to receive yet: the thread puts itself on the "
			 "object's wait queue and gives up its CPU (schedule()): a "
			 "voluntary context switch. The sender's wakeup will make "
			 "it runnable again.",
			 "还没有可接收的数据：线程把自己挂到对象的等待队列上，让出 CPU"
			 "（schedule()）：一次自愿的上下文切换。发送者的唤醒会让它重新可运行。");
	if (named(n, (const char *const[]){ "write", "writev", "sendto", "sendmsg", "msgsnd",
					    "mq_timedsend", NULL }))
		return Z("No room for the message: the sender waits on the object's "
			 "wait queue until a receive makes room.",
			 "没有空间放消息：发送者在对象的等待队列上等，直到一次接收腾出空间。");
	if (named(n, (const char *const[]){ "wait4", "waitid", NULL }))
		return Z("The parent waits for its child to exit: it sleeps until "
			 "the child's exit wakes it.",
			 "父进程等待子进程退出：它睡眠，直到子进程退出时把它唤醒。");
	if (named(n, (const char *const[]){ "rt_sigsuspend", "pause", "rt_sigtimedwait", NULL }))
		return Z("The thread waits for a signal: it sleeps until one is "
			 "generated for it.",
			 "线程等待信号：它睡眠，直到有信号为它产生。");
	if (named(n, (const char *const[]){ "nanosleep", "clock_nanosleep", NULL }))
		return Z("The thread sleeps for a set time: a timer will wake it.",
			 "线程睡眠一段设定的时间：定时器会唤醒它。");
	if (!strcmp(n, "futex"))
		return Z("The thread waits on a futex: it sleeps until another "
			 "thread changes the word and wakes it.",
			 "线程在 futex 上等待：它睡眠，直到另一个线程改变那个字并唤醒它。");
	if (named(n, (const char *const[]){ "poll", "ppoll", "select", "pselect6", "epoll_wait",
					    "epoll_pwait", "epoll_pwait2", NULL }))
		return Z("The thread waits until a file descriptor is ready.",
			 "线程等待某个文件描述符就绪。");
	return Z("The thread has nothing to do until something happens: it "
		 "gives up its CPU (schedule()): a voluntary context switch.",
		 "在有事发生之前线程无事可做：它让出 CPU（schedule()）：一次自愿的上下文切换。");
}

static const char *why_net(const struct explain_step *s, enum explain_lang lang)
{
	switch (s->op) {
	case IPC_NET_DEV_QUEUE:
		return Z("The packet, with its TCP/IP headers, goes to the "
			 "loopback device, which hands it straight back as "
			 "received (netif_rx) and raises the NET_RX softirq.",
			 "数据包连同 TCP/IP 头交给回环设备，回环设备立刻把它当作收到的包交回"
			 "（netif_rx），并触发 NET_RX 软中断。");
	case IPC_NET_SOFTIRQ_ENTRY:
		return Z("The softirq runs on this CPU, in this thread's "
			 "time, as the syscall re-enables bottom halves.",
			 "软中断在这个 CPU 上运行，占用的是这个线程的时间：系统调用重新打开"
			 "下半部时它就运行了。");
	case IPC_NET_RECEIVE:
		return Z("The receive side of the stack runs: IP, then TCP or "
			 "UDP finds the socket, queues the data and wakes the "
			 "receiver.",
			 "协议栈的接收一侧运行：先是 IP，然后 TCP 或 UDP 找到套接字，"
			 "把数据放入队列并唤醒接收者。");
	}
	return "";
}

const char *explain_why(const struct explain_step *s, enum explain_mech m,
			enum explain_lang lang)
{
	switch (s->kind) {
	case STEP_MARK_START:
		return Z("The sender marks the start of its transfer (a USDT probe: "
			 "a nop the kernel's uprobe turned into a trap while we "
			 "watch). Times count from here.",
			 "发送者标记传输开始（一个 USDT 探针：平时是一条空指令，我们观察时内核的 "
			 "uprobe 把它变成一次陷入）。时间从这里算起。");
	case STEP_MARK_END:
		return Z("The receiver has the whole message and marks the end.",
			 "接收者拿到了完整的消息，标记结束。");
	case STEP_ENTER:
		return why_syscall(s, m, lang);
	case STEP_RETURN:
		if (s->has_op && (s->copy == IPC_COPY_USER_TO_KERNEL ||
				  s->copy == IPC_COPY_KERNEL_TO_USER))
			return why_copy(s, m, lang);
		if (s->has_op && s->op == IPC_OP_FUTEX_WAIT)
			return Z("The futex wait is over: a wake on the same word "
				 "(sem_post) made the thread runnable, or the word had "
				 "changed already. No data moved: the semaphore only says "
				 "when.",
				 "futex 等待结束：同一个字上的唤醒（sem_post）让线程可运行，"
				 "或者那个字早已改变。没有搬运数据：信号量只说明时机。");
		if (s->has_op && s->op == IPC_OP_FUTEX_WAKE)
			return Z("sem_post() found a waiter and asked the kernel to wake "
				 "it (FUTEX_WAKE returns how many it woke). Without one, "
				 "it would not have entered the kernel at all.",
				 "sem_post() 发现有等待者，请内核唤醒它（FUTEX_WAKE 返回唤醒了"
				 "几个）。若没有等待者，它根本不会进内核。");
		if (s->has_op)
			return Z("An operation on the IPC object that moves no payload.",
				 "对 IPC 对象的一次操作，不搬运数据。");
		return why_syscall(s, m, lang);
	case STEP_WAKEUP:
		return Z("The kernel makes the sleeping thread runnable "
			 "(try_to_wake_up) and puts it on a CPU's run queue; if that "
			 "is another CPU, it may have to interrupt it (an IPI) or "
			 "wait for it to leave idle.",
			 "内核把睡眠的线程设为可运行（try_to_wake_up），放进某个 CPU 的运行队列；"
			 "如果那是另一个 CPU，可能要用处理器间中断（IPI）打断它，或等它退出空闲。");
	case STEP_SLEEP:
		return why_sleep(s, lang);
	case STEP_PREEMPTED:
		return Z("The scheduler takes the CPU from a thread that could go "
			 "on (the thread it woke has a claim to run first, or its "
			 "time is up): an involuntary context switch.",
			 "调度器从一个本可以继续运行的线程手里拿走 CPU（它唤醒的线程有权先运行，"
			 "或它的时间片用完了）：一次非自愿的上下文切换。");
	case STEP_RUN:
		return Z("A context switch to this thread: the scheduler restores "
			 "its registers and stack and, from another process, its "
			 "address space. The time since its wakeup is time spent "
			 "waiting to run.",
			 "切换到这个线程的上下文：调度器恢复它的寄存器和栈；如果之前运行的是另一个"
			 "进程，还要切换地址空间。从被唤醒到现在的时间，都花在等待运行上。");
	case STEP_FAULT:
		return Z("The first touch of this page in this process: the MMU "
			 "finds no mapping, the kernel (handle_mm_fault) maps the "
			 "segment's page into the page table. The next access to the "
			 "page costs nothing. No copy: both processes map the same "
			 "physical page.",
			 "这个进程第一次访问这一页：MMU 找不到映射，内核（handle_mm_fault）把共享段"
			 "的页映射进页表。之后再访问这一页不再有开销。没有拷贝：两个进程映射的是"
			 "同一个物理页。");
	case STEP_SIGNAL:
		return s->op == IPC_SIG_HANDLED ?
		       Z("On its way back to user space the target finds the signal "
			 "pending: the kernel writes a signal frame (registers, mask) "
			 "on its user stack and points it at the handler.",
			 "目标在返回用户态的路上发现有未决信号：内核在它的用户栈上写一个信号帧"
			 "（寄存器、掩码），并让它跳到处理函数。") :
		       Z("The kernel records the signal on the target (a bit in its "
			 "pending set for a standard signal: a second one before "
			 "delivery would merge with it) and wakes it if it sleeps.",
			 "内核把信号记在目标上（标准信号只是未决集合里的一位：递送前再来一个会与它"
			 "合并），如果目标在睡眠就唤醒它。");
	case STEP_NET:
		return why_net(s, lang);
	case STEP_NKINDS:
		break;
	}
	return "";
}

const char *explain_how(enum explain_mech m, enum explain_lang lang)
{
	static const char *const zh[EXPLAIN_NMECH] = {
		[EXPLAIN_PIPE] = "管道是内核里的一圈页。write() 把字节从写者的内存拷贝进这些页，"
				 "并唤醒在管道上睡眠的读者；read() 再把它们拷贝到读者的内存。"
				 "两次拷贝，两次系统调用。",
		[EXPLAIN_FIFO] = "FIFO 是在文件系统里有名字的管道：open() 按路径找到它，之后 "
				 "write() 和 read() 与匿名管道完全一样：两次拷贝，都经过管道的页。",
		[EXPLAIN_MSGQ] = "msgsnd() 把消息拷贝进内核缓冲区（struct msg_msg，load_msg）并挂到"
				 "队列上，唤醒在那里等待的接收者；msgrcv() 把它取下并拷贝出去"
				 "（store_msg）。两次拷贝；消息保持边界。",
		[EXPLAIN_POSIX_MQ] = "mq_send()（mq_timedsend）把消息拷贝进内核缓冲区并按优先级入队，"
				     "唤醒接收者；mq_receive() 把它拷贝出去。和 System V 队列一样两次"
				     "拷贝，只是队列是 mqueue 文件系统里的一个文件。",
		[EXPLAIN_SHM] = "两个进程映射同一批物理页。写者的存储和读者的读取都是普通的内存访问："
				"没有系统调用，内核也不拷贝。内核只在每个进程第一次访问每一页时参与："
				"一次缺页异常把这一页映射进该进程的页表。两边得用别的办法约定数据何时"
				"就绪：这里是共享内存里的一个 POSIX 信号量，它就是一个 futex："
				"sem_wait() 只在必须等待时才进内核睡眠，sem_post() 再把它唤醒。",
		[EXPLAIN_SIGNAL] = "kill() 让信号在目标上未决（未决集合里的一位；实时信号则是一个排队"
				   "的条目）并唤醒它。目标下一次返回用户态时信号被递送：内核在它的栈上"
				   "建一个帧并运行处理函数；处理函数返回时调用 rt_sigreturn()，恢复被"
				   "信号打断的现场。没有数据：信号的编号就是消息。",
		[EXPLAIN_UNIX] = "send() 把字节拷贝进一个套接字缓冲区（sk_buff），直接放到对端的接收"
				 "队列上并唤醒对端；recv() 把它们拷贝出去。两次拷贝，不经过协议栈。",
		[EXPLAIN_TCP] = "send() 把字节拷贝进套接字缓冲区，然后整个协议栈都要运行：TCP 和 IP "
				"组成数据包，回环设备接收它（net_dev_queue）再当作收到的包交回；"
				"NET_RX 软中断在接收一侧再跑一遍 IP 和 TCP，把数据放进接收者的套接字"
				"并唤醒它；recv() 把数据拷贝出去。两次拷贝，协议栈走两遍。",
		[EXPLAIN_UDP] = "sendto() 把数据报拷贝进一个数据包，经 UDP 和 IP 到回环设备，再经 "
				"NET_RX 软中断回到接收套接字的队列，唤醒接收者；recvfrom() 把它拷贝"
				"出去。两次拷贝；数据报保持边界，也可能被丢弃。",
	};

	return lang == EXPLAIN_ZH ? zh[m] : explain_mechs[m].how;
}

const char *explain_title(enum explain_mech m, enum explain_lang lang)
{
	static const char *const zh[EXPLAIN_NMECH] = {
		[EXPLAIN_PIPE] = "匿名管道", [EXPLAIN_FIFO] = "命名管道（FIFO）",
		[EXPLAIN_MSGQ] = "System V 消息队列", [EXPLAIN_POSIX_MQ] = "POSIX 消息队列",
		[EXPLAIN_SHM] = "System V 共享内存", [EXPLAIN_SIGNAL] = "信号",
		[EXPLAIN_UNIX] = "Unix 流套接字", [EXPLAIN_TCP] = "回环上的 TCP",
		[EXPLAIN_UDP] = "回环上的 UDP",
	};

	return lang == EXPLAIN_ZH ? zh[m] : explain_mechs[m].title;
}

void explain_headline(char *buf, size_t len, const struct explain_run *r)
{
	enum explain_lang lang = r->lang;
	const char *title = explain_title(r->mech, lang);

	if (explain_mechs[r->mech].sized)
		snprintf(buf, len, Z("One %" PRIu64 "-byte message through %s",
				     "一条 %" PRIu64 " 字节的消息经由%s"), r->size, title);
	else
		snprintf(buf, len, Z("One message by %s", "用%s传递的一条消息"), title);
}

void explain_placement(char *buf, size_t len, const struct explain_run *r)
{
	enum explain_lang lang = r->lang;

	if (r->cpus[0] < 0)
		snprintf(buf, len, "%s", Z("the two processes where the scheduler put them",
					   "两个进程由调度器安排 CPU"));
	else if (r->cpus[0] == r->cpus[1])
		snprintf(buf, len, Z("the two processes both on CPU %d", "两个进程都在 CPU %d 上"),
			 r->cpus[0]);
	else
		snprintf(buf, len, Z("the two processes on CPUs %d and %d",
				     "两个进程分别在 CPU %d 和 %d 上"), r->cpus[0], r->cpus[1]);
}

size_t explain_summary_lines(const struct explain_story *st, enum explain_lang lang,
			     struct explain_line out[EXPLAIN_SUMMARY_LINES])
{
	const struct explain_summary *u = &st->sum;
	char t[32], sys[32], wait[32];
	size_t n = 0;

	fmt_ns(t, sizeof(t), (double)u->total_ns);
	fmt_ns(sys, sizeof(sys), (double)u->sys_ns);
	fmt_ns(wait, sizeof(wait), (double)u->wait_ns);
	out[n].label = Z("time", "时间");
	snprintf(out[n++].text, sizeof(out[0].text), Z("%s, %s", "%s，%s"), t, st->marked ?
		 Z("from the start mark to the end mark", "从开始标记到结束标记") :
		 Z("first to last event (the workload's marks were not seen)",
		   "第一个到最后一个事件（没有看到负载的标记）"));
	out[n].label = Z("syscalls", "系统调用");
	snprintf(out[n++].text, sizeof(out[0].text),
		 Z("%" PRIu64 " (%" PRIu64 " mode switches), %s inside them",
		   "%" PRIu64 " 次（%" PRIu64 " 次模式切换），在其中共 %s"),
		 u->syscalls, 2 * u->syscalls, sys);
	out[n].label = Z("copies", "拷贝");
	snprintf(out[n++].text, sizeof(out[0].text),
		 Z("%" PRIu64 " user -> kernel (%" PRIu64 " bytes), %" PRIu64
		   " kernel -> user (%" PRIu64 " bytes)",
		   "用户态到内核 %" PRIu64 " 次（%" PRIu64 " 字节），内核到用户态 %" PRIu64
		   " 次（%" PRIu64 " 字节）"),
		 u->copies_in, u->bytes_in, u->copies_out, u->bytes_out);
	out[n].label = Z("scheduler", "调度");
	snprintf(out[n++].text, sizeof(out[0].text),
		 Z("%" PRIu64 " wakeups (%" PRIu64 " across CPUs), %s waiting to run; %" PRIu64
		   " sleeps, %" PRIu64 " preemptions",
		   "唤醒 %" PRIu64 " 次（跨 CPU %" PRIu64 " 次），等待运行 %s；睡眠 %" PRIu64
		   " 次，被抢占 %" PRIu64 " 次"),
		 u->wakeups, u->cross_cpu_wakeups, wait, u->sleeps, u->preemptions);
	if (u->faults) {
		out[n].label = Z("page faults", "缺页");
		snprintf(out[n++].text, sizeof(out[0].text), "%" PRIu64, u->faults);
	}
	if (u->signals_generated || u->signals_delivered) {
		out[n].label = Z("signals", "信号");
		snprintf(out[n++].text, sizeof(out[0].text),
			 Z("%" PRIu64 " generated, %" PRIu64 " delivered",
			   "产生 %" PRIu64 " 个，递送 %" PRIu64 " 个"),
			 u->signals_generated, u->signals_delivered);
	}
	if (u->packets) {
		out[n].label = Z("packets", "数据包");
		snprintf(out[n++].text, sizeof(out[0].text),
			 Z("%" PRIu64 " through a network device", "经过网络设备 %" PRIu64 " 个"),
			 u->packets);
	}
	return n;
}

const char *explain_label(enum explain_label which, enum explain_lang lang)
{
	switch (which) {
	case LABEL_SUMMARY:
		return Z("Summary", "小结");
	case LABEL_CLAIMS:
		return Z("The document says", "文档的说法");
	case LABEL_TIME:
		return Z("time", "时间");
	case LABEL_PROCESS:
		return Z("process", "进程");
	case LABEL_STEP:
		return Z("step", "步骤");
	case LABEL_WHY:
		return Z("what the kernel did", "内核做了什么");
	case LABEL_OBSERVED:
		return Z("observed by ipcscope explain", "由 ipcscope explain 观察");
	case LABEL_AXIS:
		return Z("microseconds from the start mark", "距开始标记的微秒数");
	case LABEL_SENDER:
		return Z("sender", "发送者");
	case LABEL_RECEIVER:
		return Z("receiver", "接收者");
	case LABEL_OTHER:
		return Z("process", "进程");
	case LABEL_KERNEL:
		return Z("kernel", "内核");
	case LABEL_USER_MODE:
		return Z("user mode", "用户态");
	case LABEL_IN_SYSCALL:
		return Z("in a syscall", "系统调用中");
	case LABEL_ASLEEP:
		return Z("asleep", "睡眠");
	case LABEL_WAITING:
		return Z("woken, waiting to run", "已唤醒，等待运行");
	case LABEL_COPY:
		return Z("copy (bytes)", "拷贝（字节）");
	case LABEL_WAKEUP:
		return Z("wakeup", "唤醒");
	case LABEL_CLAIM_MEASURED:
		return Z("%s: the document %s; this message %g", "%s：文档说 %s；这条消息 %g");
	case LABEL_CLAIM_VALIDATE:
		return Z("Not shown by one message ('ipcscope validate' measures them): ",
			 "一条消息看不出来（由 'ipcscope validate' 测量）：");
	case LABEL_LOST:
		return Z("Not seen: %" PRIu64 " events lost (the ring buffer was full), %" PRIu64
			 " program runs the kernel skipped: steps are missing.",
			 "没看到：%" PRIu64 " 个事件丢失（环形缓冲区满了），内核跳过了 %" PRIu64
			 " 次程序运行：有步骤缺失。");
	}
	return "";
}
