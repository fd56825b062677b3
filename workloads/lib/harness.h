/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * harness.h - what the ipcscope ground-truth workloads (workloads/) share.
 *
 * Each workload is one program: a parent and a forked child do a known
 * amount of IPC, count every syscall, and the parent prints the counts as
 * JSON.  What does not depend on the IPC mechanism lives here, one file
 * per concern, so that the workloads parse their command lines, report
 * errors, fork, clean up on signals and write their output the same way:
 * error messages, exit codes and JSON escaping are part of what the
 * integration tests check.
 *
 *   args.c     messages, exit codes and the command line
 *   output.c   --out and the JSON
 *   child.c    the one child: fork, wait, reap, shared memory, delays
 *   signals.c  the handlers for termination, SIGCHLD and SIGALRM
 *   cleanup.c  the objects removed on exit, on error and on a signal
 */
#ifndef IPCSCOPE_WORKLOADS_HARNESS_H
#define IPCSCOPE_WORKLOADS_HARNESS_H

#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "util.h"	/* ARRAY_SIZE, monotonic_ns: the one clock */

/*
 * Defined by each workload ("pipe", "msgq", ...): the prefix of every
 * message it prints on stderr.  A constant rather than argv[0], so that the
 * messages do not depend on how the program was started.
 */
extern const char workload_name[];

/* --- Messages and exit codes (args.c) ------------------------------------ */

/* "NAME: message" on stderr, then exit(2): a bad command line or --out. */
void usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/* "NAME: WHO: message": one line naming the process and what went wrong. */
void say(const char *who, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* One line naming the process, the call and strerror(errno). */
void sys_error(const char *who, const char *call);

/* --- Command line (args.c) ----------------------------------------------- */

#define DELAY_MAX_MS	600000ULL	/* --start-delay, --send-delay, ... */

/* --help text of --send-delay and --recv-delay, for the stream workloads */
#define STREAM_DELAY_HELP \
"  --send-delay MS      stream only: the sender sleeps MS milliseconds\n" \
"                       (0..600000, default 0) after each message it sent,\n" \
"                       so the data never waits for the receiver\n" \
"  --recv-delay MS      stream only: the receiver sleeps MS milliseconds\n" \
"                       (0..600000, default 0) before each receive call, so\n" \
"                       each message waits at least MS ms in the kernel\n"

/* The end of the --help text of pipe and sock */
#define RESTART_EXIT_HELP \
"  A syscall the kernel restarts by itself (after SIGSTOP/SIGCONT, or any\n" \
"  signal while ptraced) is one call here but two for a kernel tracer.\n" \
"\n" \
"Exit status: 0 success; 1 a syscall failed or the child failed (one line\n" \
"on stderr; the JSON is still printed once the child has been started);\n" \
"2 bad command line or --out; 128+N killed by signal N (after cleanup).\n"

/*
 * The options every workload reads alike, into run.  A workload lists
 * only the ones it has in its opts, so the others stay 0 (or NULL).
 */
struct run_opts {
	const char *out_path;		/* --out; NULL: stdout */
	uint64_t start_delay_ms;	/* --start-delay */
	uint64_t send_delay_ms;		/* --send-delay */
	uint64_t recv_delay_ms;		/* --recv-delay */
	int cpu_parent, cpu_child;	/* --cpus A,B (when g_child_cpu >= 0) */
};

/* --help text of --ready-delay */
#define READY_DELAY_HELP \
"  --ready-delay MS     the receiver sleeps MS milliseconds (0..600000,\n" \
"                       default 0) before it says it is ready for the\n" \
"                       timed transfer: a slow start, which elapsed_ns\n" \
"                       must not include (the sender waits for it)\n"

/* --ready-delay: xfer_receiver_ready sleeps this long first */
extern uint64_t g_ready_delay_ms;

/* --help text of --cpus, for the workloads validate times */
#define CPUS_HELP \
"  --cpus A,B           pin the parent to CPU A (at once) and the child to\n" \
"                       CPU B (when it is forked): A = B puts both ends on\n" \
"                       one CPU, A != B on two (default: unpinned)\n"

/* --cpus B's CPU for the child: fork_child pins it there; -1 none */
extern int g_child_cpu;

/*
 * The long options of argv, one at a time: "--help" prints help() and
 * exits 0; anything that is not one of opts is a usage_error.
 */
struct opt_iter {
	int argc, i;
	char **argv;
	const char *const *opts;
	size_t nopts;
	void (*help)(void);
	struct run_opts *run;
};

#define OPT_ITER(argc, argv, opts, help, run) \
	{ (argc), 0, (argv), (opts), ARRAY_SIZE(opts), (help), (run) }

/*
 * The next option's name (the string from opts), its value in *val (from
 * "--option=VALUE" or else the next argument); NULL after the last one.
 * Those of struct run_opts are stored there instead, not returned.
 */
const char *next_opt(struct opt_iter *it, const char **val);

/* Decimal digits only: no sign, no blanks, no base prefix, no junk. */
uint64_t parse_num(const char *opt, const char *s, uint64_t min,
		   uint64_t max);

/* The index of val in names[n]; else "OPT: 'VAL' is not CHOICES". */
int parse_word(const char *opt, const char *val, const char *const *names,
	       size_t n, const char *choices);

/* --- Output (output.c) --------------------------------------------------- */

/* Opens --out (NULL: stdout); any failure is a usage_error (exit 2). */
FILE *open_out(const char *path);

/*
 * After the JSON: flushes it and closes what open_out() opened (with a
 * message if either failed).  Returns the exit status: 1 if failed or
 * if that went wrong, else 0.
 */
int finish_output(FILE *f, int failed);

/* s as a JSON string: quotes and backslashes escaped, controls as \uXXXX. */
void json_string(FILE *f, const char *s);

/*
 * A workload's counters: a struct of uint64_t only, whose fields are
 * named by keys, in order (each workload checks the sizes agree).
 */
struct counter_keys {
	const char *const *keys;
	size_t n;
};

/*
 * Defines name, the counter_keys of type (a struct of uint64_t counters
 * only) with the keys given, and checks there is one key per counter.
 */
#define COUNTER_KEYS(name, type, ...)					\
	static const char *const name##_keys[] = { __VA_ARGS__ };	\
	static const struct counter_keys name = {			\
		name##_keys, ARRAY_SIZE(name##_keys)			\
	};								\
	_Static_assert(sizeof(type) == ARRAY_SIZE(name##_keys) *	\
		       sizeof(uint64_t), "one key per counter")

/* "\"KEY\": N, ..." of the counters at c. */
void json_counters(FILE *f, const struct counter_keys *k, const void *c);

/*
 * "  \"processes\": [\n" the parent's counters, then the child's,
 * "  ],\n": the block of every workload with counters.
 */
void json_processes(FILE *f, const struct counter_keys *k, pid_t ppid,
		    const void *pc, pid_t cpid, const void *cc);

/* "  \"totals\": {...}": the counters summed over both processes (the
 * caller goes on after the closing brace). */
void json_totals(FILE *f, const struct counter_keys *k, const void *pc,
		 const void *cc);

/* The st_ino and st_dev of an open file, for the JSON. */
struct file_id {
	uint64_t ino, dev;
	unsigned int dev_major, dev_minor;
};

/* fstat() of fd into *id; -1 after "parent: fstat". */
int get_file_id(int fd, struct file_id *id);

/* "\"ino\": N, \"dev\": N, \"dev_major\": N, \"dev_minor\": N" */
void json_file_id(FILE *f, const struct file_id *id);

/* --- The child (child.c) ------------------------------------------------- */

/*
 * The forked child, as the signal handlers see it.  g_child_pid is > 0
 * while the child is unreaped; g_child_gone is set by the SIGCHLD handler
 * once waitid() has confirmed the exit, and g_child_failed too
 * if it did not exit with status 0.
 */
extern volatile sig_atomic_t g_child_pid;
extern volatile sig_atomic_t g_child_gone;
extern volatile sig_atomic_t g_child_failed;

/* fork_child() flags */
#define CHILD_PDEATHSIG	1	/* the child is SIGKILLed when the parent dies */
#define CHILD_QUIET	2	/* ... and says nothing if that cannot be set */

/*
 * Forks the workload's child with the handled signals blocked across the
 * fork: the child must never run the parent's cleanup handler, and the
 * parent must know the child's pid (g_child_pid) before a handler can
 * run.  ppid is the parent's pid.  In the child the handlers are back to
 * their defaults (and, with CHILD_PDEATHSIG, it is no orphan, else it
 * _exit(1)s).  Returns the child's pid in the parent, 0 in the child, -1
 * after "parent: fork".
 */
pid_t fork_child(pid_t ppid, int flags);

/* Waits for the child to exit and reaps it; -1 (with a message) on error. */
int reap_child(pid_t pid, int *status);

/*
 * The child's wait status: 0 if it exited 0, else -1: one that exited
 * with another status has already said why; one killed by a signal is
 * named on stderr if say_killed.
 */
int child_status(int status, int say_killed);

/* SIGKILLs the child if it has not exited yet: 1 if it did, else 0. */
int kill_child(pid_t pid);

/* For a cleanup handler: SIGKILL the child, if any, and reap it.
 * Async-signal-safe. */
void kill_and_reap_child(void);

/*
 * A zeroed MAP_SHARED|MAP_ANONYMOUS region made before the fork, for the
 * child's counts; NULL (after a message) if mmap failed.
 */
void *map_shared_zeroed(size_t size);

/*
 * Sleeps ms milliseconds, resuming after EINTR (no call at all for 0);
 * -1 (with a message) on error.
 */
int sleep_ms(uint64_t ms);

/*
 * The wall time of the measured transfer, as the JSON's "elapsed_ns".  It
 * lives in the MAP_SHARED region each workload already has, so one process
 * can stamp the start (just before its first send) and the other the end
 * (just after its last receive) on one clock, CLOCK_MONOTONIC, which is
 * the same for every process; the parent reads both after the child has
 * been reaped.  clock_gettime() is a vDSO call: no syscall on any IPC
 * object, no IPC.  0 means not stamped.
 */
struct xfer_time {
	uint64_t start_ns, end_ns;
	int receiver_ready;	/* the receiving side is at its first receive */
};

/* end - start, or 0 if either was not stamped (the transfer failed). */
uint64_t xfer_elapsed_ns(const struct xfer_time *t);

/*
 * Stamp the start (the sender, just before its first send) and the end
 * (the receiver, just after its last receive). Each also marks the moment
 * with a USDT probe, ipcscope:transfer_start (before the stamp) and
 * ipcscope:transfer_end (after it), outside the timed span: a tracer that
 * attaches to them (ipcscope --usdt-phase, validate) counts what happens
 * between the marks apart from the set-up before and the teardown after.
 * Unattached, a probe is one nop.
 */
void xfer_start(struct xfer_time *t);
void xfer_end(struct xfer_time *t);

/*
 * The start barrier: the receiver says it is about to make its first
 * receive call (xfer_receiver_ready), and the sender waits for that
 * (xfer_wait_receiver, yielding the CPU: on one CPU the receiver runs
 * until it blocks) before it stamps the start. Without it the time of a
 * small transfer was the receiver's start-up (a fork, a connect), not the
 * transfer: 4.4 ms for one byte over a Unix socket. The wait returns -1
 * if the receiver went away first (it said why); receiver_is_child says
 * which process to watch.
 */
void xfer_receiver_ready(struct xfer_time *t);
int xfer_wait_receiver(struct xfer_time *t, int receiver_is_child);

/* --- Signal handlers (signals.c) ----------------------------------------- */

/* install_common_handlers() flags */
#define WATCH_CHILD	1	/* a SIGCHLD handler sets g_child_gone */
#define KICK_CHILD	2	/* that, and SIGALRM kicks the parent once
				   a failed child is gone (msgq, sem) */

/*
 * SIGINT, SIGTERM and SIGHUP kill and reap the child, remove the objects
 * (cleanup.c) and exit 128 + the signal.  With WATCH_CHILD the child's
 * exit is watched (SIGCHLD, SA_NOCLDSTOP), and on_exit (if not NULL) runs
 * in the handler once it is seen, told whether the child failed; it must
 * be async-signal-safe.  SIGPIPE is ignored.  Each handler runs with all
 * of these signals blocked.
 */
void install_common_handlers(int flags, void (*on_exit)(int failed));

/* One more handler, run with the termination signals blocked like theirs;
 * the forked child gets the default action back. */
void install_handler(int sig, void (*fn)(int));

/* The termination handler itself, for a workload's own handler. */
void on_term_signal(int sig);

/* SIGCHLD handler invocations (the measured ones of signal.c). */
extern volatile sig_atomic_t g_sigchld_count;

/* In the forked child: the default action again for what
 * install_common_handlers() caught (SIGPIPE stays ignored). */
void restore_default_handlers(void);

/* Blocks SIGINT, SIGTERM, SIGHUP and SIGCHLD if it is handled. */
void block_handled_signals(sigset_t *old);

/*
 * The SIGALRM "kick" of msgq and sem: a parent blocked in a call on an
 * object only a failed child could have released is interrupted (EINTR)
 * every KICK_US microseconds.  g_in_loop says the parent may wait on the
 * child (from the fork on); the timer is armed from the SIGCHLD handler
 * only.
 */
#define KICK_US		10000		/* SIGALRM period once the child died */
extern volatile sig_atomic_t g_in_loop;

/* Stops the SIGALRM kicks once the parent no longer waits on the child. */
void leave_loop(void);

/* --- Clean-up (cleanup.c) ------------------------------------------------ */

enum obj_kind {
	OBJ_FILE,	/* unlink(name) */
	OBJ_DIR,	/* rmdir(name) */
	OBJ_MSQ,	/* msgctl(id, IPC_RMID) */
	OBJ_SEM,	/* semctl(id, 0, IPC_RMID) */
	OBJ_SHM,	/* shmctl(id, IPC_RMID) */
	OBJ_MQ,		/* mq_unlink(name) */
	OBJ_POSIX_SHM,	/* shm_unlink(name) */
};

/*
 * Something a workload makes that must not outlive it.  The name is
 * written (or the id known) before made is set, so a handler never sees
 * a half-built one.
 */
struct object {
	enum obj_kind kind;
	const char *name;	/* the name's buffer, for the named kinds */
	const char *call;	/* what a failed removal is reported as;
				   NULL: never reported */
	volatile sig_atomic_t id;
	volatile sig_atomic_t made;
};

/*
 * The workload's objects, in the order they are removed; set once, before
 * any is made.  The key file and the private directory (below) are
 * removed after them: they may live in that directory.
 */
void set_objects(struct object *objs, size_t n);

/* o exists now; for a SysV object, with this id. */
void object_made(struct object *o);
void object_made_id(struct object *o, int id);

/*
 * Removes whatever of the objects exists.  Async-signal-safe (plain
 * syscalls; glibc's mq_unlink and shm_unlink only build a name on the
 * stack).  With report set, failures are printed and give -1.
 */
int remove_objects(int report);

/*
 * The private directory of the workloads that need files (mkdtemp), and
 * the key file of those that need an ftok() key.  g_dir is shorter than a
 * path by room for a file name.
 */
extern char g_dir[PATH_MAX - 8];
extern char g_key_path[PATH_MAX];

/*
 * Writes the mkdtemp template "DIR/ipcscope-NAME.XXXXXX" (NAME: the
 * workload's) into g_dir, at most size bytes of it.  DIR is dir if not
 * NULL, else $TMPDIR, else /tmp, without trailing slashes; *base and
 * *base_len say which directory that was, for messages.  Returns -1 if
 * the template does not fit in size bytes (at most sizeof(g_dir)).
 */
int temp_dir_template(size_t size, const char *dir, const char **base,
		      int *base_len);

/* The template for make_key_file(), up front: a too long $TMPDIR is exit 2. */
void prepare_key_file(void);

/*
 * mkdtemp() of g_dir; -1 after "parent: mkdtemp".  With quiet, a failed
 * removal of it (or of the key file) is never reported.
 */
int make_temp_dir(int quiet);

/*
 * The private directory, then the empty file DIR/key in it for ftok().
 * Returns the open key file (the caller closes it), or -1 after a
 * message: "mkdtemp", or open_call if the file failed.
 */
int make_key_file(const char *open_call, int quiet);

/*
 * A new SysV object under a fresh ftok() key of g_key_path: create(key,
 * arg), which counts its call, for the project ids *proj, *proj + 1, ...
 * while the key is taken (EEXIST), FTOK_TRIES calls at most: ftok keeps
 * only 16 bits of the inode and 8 of the device, so another file can have
 * the same key.  Returns the id (its key in *keyp, its project id in
 * *proj), or -1 after a message naming call.
 */
#define FTOK_TRIES	16
int ftok_create(int *proj, int (*create)(key_t key, void *arg), void *arg,
		key_t *keyp, const char *call);

#endif
