/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * explain.h - `ipcscope explain MECH`: one message's life through the
 * kernel, told as numbered, timed steps. The parts:
 *   mechs.c    the mechanisms: which bundled workload shows each, with
 *              which arguments, and what the kernel does for it (the lines
 *              under the steps)
 *   story.c    the kernel's events (struct ipc_event: syscalls, copies,
 *              wakeups, switches, faults, signals, packets, the workload's
 *              marks) in order, as steps, and the summary of them
 *   words.c    what it says, in English or in Chinese (--lang zh)
 *   render.c   the story as text, JSON and Markdown
 *   svg.c      the story as a swimlane picture (SVG)
 *   explain.c  the command: runs the workload under tracing, collects
 *              the events, writes the outputs
 * All but explain.c are pure C, unit-tested without root.
 */
#ifndef EXPLAIN_H
#define EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>
#include "ipcscope.h"

struct wjson;

enum explain_mech {
	EXPLAIN_PIPE,
	EXPLAIN_FIFO,
	EXPLAIN_MSGQ,
	EXPLAIN_POSIX_MQ,
	EXPLAIN_SHM,
	EXPLAIN_SIGNAL,
	EXPLAIN_UNIX,
	EXPLAIN_TCP,
	EXPLAIN_UDP,
	EXPLAIN_NMECH,
};

struct explain_mech_info {
	const char *name;		/* "pipe": the command line's word */
	const char *title;		/* "an anonymous pipe" */
	const char *workload;		/* the bundled workload that shows it */
	const char *args[8];		/* its arguments for one message */
	bool sized;			/* --size applies */
	uint64_t max_size;		/* the largest --size that is one message */
	bool pins;			/* the workload takes --cpus A,B */
	const char *how;		/* what the kernel does, in a paragraph */
};

extern const struct explain_mech_info explain_mechs[EXPLAIN_NMECH];
/* The mechanism named s, or -1 */
int explain_mech_find(const char *s);

/* What a step is. */
enum step_kind {
	STEP_MARK_START,	/* the workload's transfer_start mark */
	STEP_MARK_END,
	STEP_ENTER,		/* a syscall entered */
	STEP_RETURN,		/* a syscall returned (with what it copied) */
	STEP_WAKEUP,		/* a target woken, by the current thread */
	STEP_SLEEP,		/* a target left its CPU: asleep */
	STEP_PREEMPTED,		/* a target left its CPU, still runnable */
	STEP_RUN,		/* a target given a CPU */
	STEP_FAULT,		/* a page fault in shared memory */
	STEP_SIGNAL,		/* a signal generated, or delivered */
	STEP_NET,		/* a packet's step (enum ipc_net_step in op) */
	STEP_NKINDS,
};

const char *step_kind_name(enum step_kind k);	/* "enter", "wakeup" ... */

struct explain_step {
	int64_t t_ns;		/* since the transfer's start (may be < 0) */
	enum step_kind kind;
	uint32_t cpu, tgid, pid;
	char comm[IPC_COMM_LEN];	/* NUL-terminated, as the kernel gave it */
	uint32_t sys_nr;	/* ENTER, RETURN; SLEEP, PREEMPTED: in_syscall's */
	bool in_syscall;	/* SLEEP, PREEMPTED: inside syscall sys_nr */
	int64_t ret;		/* RETURN: the return value; SIGNAL: its result */
	uint64_t dur_ns;	/* RETURN: since its entry */
	/* RETURN of an IPC operation: what it did to which object */
	bool has_op;
	uint32_t op;		/* enum ipc_op; SIGNAL: enum ipc_sig_event;
				   NET: enum ipc_net_step */
	uint64_t bytes;		/* RETURN: payload moved; NET: the packet's */
	int copy;		/* enum ipc_copy of the payload */
	struct ipc_obj_key obj;	/* RETURN, FAULT */
	/* WAKEUP: the woken; RUN: the thread that had the CPU; SLEEP,
	   PREEMPTED: the thread that gets it; NET: the device (peer_comm) */
	uint32_t peer_tgid, peer_pid;
	char peer_comm[IPC_COMM_LEN];
	int64_t wait_ns;	/* RUN: since it was woken; -1: not seen */
	uint32_t woken_on;	/* RUN: the CPU its waker was on */
	uint32_t sig, sig_target;	/* SIGNAL */
};

struct explain_summary {
	uint64_t total_ns;	/* start mark to end mark */
	uint64_t syscalls;	/* returned inside the window */
	uint64_t sys_ns;	/* time inside syscalls, within the window */
	uint64_t copies_in, bytes_in;	/* user -> kernel */
	uint64_t copies_out, bytes_out;	/* kernel -> user */
	uint64_t wakeups, cross_cpu_wakeups;
	uint64_t wait_ns;	/* woken to running, summed */
	uint64_t sleeps, preemptions;
	uint64_t faults;
	uint64_t signals_generated, signals_delivered;
	uint64_t packets;	/* handed to a device */
};

struct explain_story {
	struct explain_step *steps;	/* grown by grow_rows */
	size_t n;
	bool marked;		/* both marks seen: the window is theirs */
	uint64_t start_ns;	/* the window, CLOCK_MONOTONIC */
	uint64_t end_ns;
	struct explain_summary sum;
	/* the story's processes: those that made a syscall or a mark */
	uint32_t targets[16];
	size_t ntargets;
};

/*
 * The events (any order) as steps of the transfer between the first start
 * mark and the last end mark (without both: all of them), in time order.
 * A syscall appears as its entry and its return; an IPC operation's event
 * (IPC_EVENT_OP) is folded into the return of the syscall it was. 0, or
 * -1 when out of memory.
 */
int explain_build(struct explain_story *st, const struct ipc_event *ev, size_t n);
void explain_free(struct explain_story *st);

/* The story's language: English, or the reference document's (--lang zh) */
enum explain_lang { EXPLAIN_EN, EXPLAIN_ZH };

/* words.c: what the story says, in its language. Names from the traced
 * system are made printable. */
/* One line saying what the step is ("write() returns 4096 after 3.1 us:
 * 4096 bytes copied user -> kernel (pipe:[12])") */
void explain_what(const struct explain_step *s, char *buf, size_t len,
		  enum explain_lang lang);
/* The line under it: what the kernel did and why it costs what it costs
 * (a static string; "" when there is nothing to add) */
const char *explain_why(const struct explain_step *s, enum explain_mech mech,
			enum explain_lang lang);
/* What the kernel does for the mechanism, a paragraph; its title */
const char *explain_how(enum explain_mech m, enum explain_lang lang);
const char *explain_title(enum explain_mech m, enum explain_lang lang);
/* A thread's name, printable */
void explain_clean_comm(char *dst, size_t len, const char *comm);

/* A claim of the reference document's about the mechanism: its id and
 * metric, the claimed value (printable), and its words */
struct explain_claim {
	char id[32];
	char metric[40];
	char claimed[48];	/* "= 2", "<= 2", "~ 0.1 (50%)", "true" */
	char text[384];
};

/*
 * What this one message shows of a claim's metric, where one message can:
 * copies_per_byte (the bytes copied in and out over the message's size),
 * syscalls_1mb (the IPC syscalls), mode_switches_1mb (two per syscall, and
 * a page fault is a kernel entry too), bytes_carried. false for the
 * others (times of 1 MB: 'ipcscope validate' measures them).
 */
bool explain_measure(const struct explain_story *st, const char *metric, uint64_t size,
		     double *value);

/* Where and how the workload ran: the header of the outputs */
struct explain_run {
	enum explain_mech mech;
	enum explain_lang lang;
	uint64_t size;
	int cpus[2];		/* -1: not pinned */
	char kernel[128];	/* uname -r, printable */
	uint64_t lost;		/* events the ring buffer had no room for */
	uint64_t skipped;	/* program runs the kernel skipped */
	/* the document's claims for this mechanism (may be none) */
	struct explain_claim claims[16];
	size_t nclaims;
	/* the workload's own JSON (its counts, its processes): NULL if none */
	const struct wjson *workload;
};

/* "One 4096-byte message through an anonymous pipe"; "the two processes
 * on CPUs 0 and 1" */
void explain_headline(char *buf, size_t len, const struct explain_run *r);
void explain_placement(char *buf, size_t len, const struct explain_run *r);

/* The summary, a line per figure: its label and its text */
#define EXPLAIN_SUMMARY_LINES 8
struct explain_line {
	const char *label;
	char text[160];
};
size_t explain_summary_lines(const struct explain_story *st, enum explain_lang lang,
			     struct explain_line out[EXPLAIN_SUMMARY_LINES]);

enum explain_label {
	LABEL_SUMMARY, LABEL_CLAIMS, LABEL_TIME, LABEL_PROCESS, LABEL_STEP, LABEL_WHY,
	LABEL_OBSERVED, LABEL_AXIS,
	/* the picture's lanes and legend */
	LABEL_SENDER, LABEL_RECEIVER, LABEL_OTHER, LABEL_KERNEL, LABEL_USER_MODE,
	LABEL_IN_SYSCALL, LABEL_ASLEEP, LABEL_WAITING, LABEL_COPY, LABEL_WAKEUP,
	LABEL_LOST,	/* a format: events lost, runs skipped (two %" PRIu64 ") */
	LABEL_CLAIM_MEASURED,	/* a format: metric, claimed (%s %s), this message's (%g) */
	LABEL_CLAIM_VALIDATE,	/* the others: their ids follow */
};
const char *explain_label(enum explain_label which, enum explain_lang lang);

void explain_text(FILE *f, const struct explain_story *st, const struct explain_run *r);
void explain_json(FILE *f, const struct explain_story *st, const struct explain_run *r);
/* Markdown: the text's content, the steps as a table, the swimlane
 * picture inline (svg.c) */
void explain_markdown(FILE *f, const struct explain_story *st, const struct explain_run *r);
/* The swimlane picture (svg.c) */
void explain_svg(FILE *f, const struct explain_story *st, const struct explain_run *r);

#endif /* EXPLAIN_H */
