/*
 * common.h - helpers shared by the ipcscope ground-truth workloads
 * (workloads/{pipe,msgq,sem,shm,signal,sock}.c).
 *
 * Each workload is one program: a parent and a forked child do a known
 * amount of IPC, count every syscall, and the parent prints the counts as
 * JSON.  What does not depend on the IPC mechanism lives here, so that the
 * workloads parse their command lines, report errors, clean up on signals
 * and write their output the same way: error messages, exit codes and
 * JSON escaping are part of what the integration tests check.
 */
#ifndef IPCSCOPE_WORKLOADS_COMMON_H
#define IPCSCOPE_WORKLOADS_COMMON_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/*
 * Defined by each workload ("pipe", "msgq", ...): the prefix of every
 * message it prints on stderr.  A constant rather than argv[0], so that the
 * messages do not depend on how the program was started.
 */
extern const char workload_name[];

/* --- Messages and exit codes ------------------------------------------ */

/* "NAME: message" on stderr, then exit(2): a bad command line or --out. */
void usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/* One line naming the process, the call and strerror(errno). */
void sys_error(const char *who, const char *call);

/* --- Command line ----------------------------------------------------- */

/* --help text of --send-delay and --recv-delay, for the stream workloads */
#define STREAM_DELAY_HELP \
"  --send-delay MS      stream only: the sender sleeps MS milliseconds\n" \
"                       (0..600000, default 0) after each message it sent,\n" \
"                       so the data never waits for the receiver\n" \
"  --recv-delay MS      stream only: the receiver sleeps MS milliseconds\n" \
"                       (0..600000, default 0) before each receive call, so\n" \
"                       each message waits at least MS ms in the kernel\n"

/*
 * Reads the option at argv[*i], one of the nopts long options in opts.
 * "--help" prints help() and exits 0; anything that is not a known option
 * is a usage_error.  Returns the option's name (the string from opts) and
 * sets *val to its value, from "--option=VALUE" or else the next argument
 * (then *i is moved onto it).
 */
const char *next_option(int argc, char **argv, int *i,
			const char *const opts[], size_t nopts,
			void (*help)(void), const char **val);

/* Decimal digits only: no sign, no blanks, no base prefix, no junk. */
uint64_t parse_num(const char *opt, const char *s, uint64_t min,
		   uint64_t max);

/* The value of --out, which must not be empty. */
const char *parse_out_path(const char *val);

/* --- Output ----------------------------------------------------------- */

/* Opens --out (NULL: stdout); any failure is a usage_error (exit 2). */
FILE *open_out(const char *path);

/* Flushes the JSON to f; -1 (with a message) if writing it failed. */
int finish_json(FILE *f);

/* Closes what open_out() opened (not stdout); -1 (with a message) on error. */
int close_out(FILE *f);

/* s as a JSON string: quotes and backslashes escaped, controls as \uXXXX. */
void json_string(FILE *f, const char *s);


/*
 * Writes the mkdtemp template "DIR/ipcscope-NAME.XXXXXX" (NAME: the
 * workload's) into buf.  DIR is dir if not NULL, else $TMPDIR, else /tmp,
 * without trailing slashes; *base and *base_len say which directory that
 * was, for messages.  Returns -1 if the template does not fit in size.
 */
int temp_dir_template(char *buf, size_t size, const char *dir,
		      const char **base, int *base_len);

/* --- Process plumbing --------------------------------------------------- */

/*
 * A zeroed MAP_SHARED|MAP_ANONYMOUS region made before the fork, for the
 * child's counts; NULL (after a message) if mmap failed.
 */
void *map_shared_zeroed(size_t size);

/* Sleeps ms milliseconds, resuming after EINTR; -1 (with a message) on error. */
int sleep_ms(uint64_t ms);

/*
 * The forked child, as the signal handlers see it.  g_child_pid is > 0
 * while the child is unreaped; g_child_gone is set by a SIGCHLD handler
 * once child_exit_seen() has confirmed the exit.
 */
extern volatile sig_atomic_t g_child_pid;
extern volatile sig_atomic_t g_child_gone;

/* Waits for the child to exit and reaps it; -1 (with a message) on error. */
int reap_child(pid_t pid, int *status);

/*
 * For a SIGCHLD handler: whether the child in g_child_pid has exited (its
 * status in *info, not reaped).  Async-signal-safe.
 */
int child_exit_seen(siginfo_t *info);

/* For a cleanup handler: SIGKILL the child, if any, and reap it.
 * Async-signal-safe. */
void kill_and_reap_child(void);

/* --- Transfer time ---------------------------------------------------- */

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
};

/* CLOCK_MONOTONIC in nanoseconds (never 0 in practice). */
uint64_t mono_ns(void);

/* end - start, or 0 if either was not stamped (the transfer failed). */
uint64_t xfer_elapsed_ns(const struct xfer_time *t);

/* --- Signal handlers ---------------------------------------------------- */

/*
 * Installs on_term for SIGINT, SIGTERM and SIGHUP; on_chld (if not NULL)
 * for SIGCHLD, with SA_NOCLDSTOP; on_alrm (if not NULL) for SIGALRM; and
 * ignores SIGPIPE.  Each handler runs with all of these signals blocked.
 */
void install_common_handlers(void (*on_term)(int), void (*on_chld)(int),
			     void (*on_alrm)(int));

/* In the forked child: the default action again for what
 * install_common_handlers() caught (SIGPIPE stays ignored). */
void restore_default_handlers(void);

/* Blocks SIGINT, SIGTERM, SIGHUP and, if with_sigchld, SIGCHLD. */
void block_handled_signals(sigset_t *old, int with_sigchld);

/*
 * The SIGALRM "kick" of msgq and sem: a parent blocked in a call on an
 * object only a failed child could have released is interrupted (EINTR)
 * every KICK_US microseconds.  g_in_loop says the parent may wait on the
 * child; the timer is armed from the SIGCHLD handler only.
 */
#define KICK_US		10000		/* SIGALRM period once the child died */
extern volatile sig_atomic_t g_in_loop;
extern volatile sig_atomic_t g_timer_armed;

/* Its only job is to interrupt a blocked call. */
void on_sigalrm(int sig);

/* Arms the periodic SIGALRM once, if in the loop.  Async-signal-safe. */
void start_kicking(void);

/* Stops the SIGALRM kicks once the parent no longer waits on the child. */
void leave_loop(void);

#endif
