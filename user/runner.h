/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * runner.h - running a command under tracing (see runner.c).
 */
#ifndef RUNNER_H
#define RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "session.h"

/* The command we run, if any, and what became of it. */
struct child {
	pid_t pid;
	bool running;
	int exit_code;		/* -1 until it exits normally */
	int signal;		/* terminating signal, 0 if none */
	bool tree_done;		/* stop_tree has run */
	/* -u: the command runs as this user, with its groups (as_user) */
	bool as_user;
	uid_t uid;
	gid_t gid;
	char user[64];
};

/* -u USER (a name or a uid) into c's as_user fields; prints why not and
 * returns -1 if there is no such user. */
int child_as_user(struct child *c, const char *user);


/* CapEff allows loading and attaching BPF (root, or CAP_BPF + CAP_PERFMON). */
bool have_bpf_caps(void);
/* Like execvp's search: 0 if file can be executed, else a negative errno. */
int check_executable(const char *file);
/* The same, and where it is (file itself if it has a '/'), into buf */
int find_executable(const char *file, char *buf, size_t len);
/*
 * Fork argv[0], with orig_mask as its signal mask. With a session open it
 * is traced from its exec on (the kernel makes an exec'ing child of
 * ipcscope a target); else untraced. Prints why and returns a negative
 * errno if it cannot be executed.
 */
int start_command(char **argv, const sigset_t *orig_mask, struct child *c);
/* What /proc/PID/stat says of a process */
struct proc_stat {
	char state;		/* R, S, D, Z, X... */
	pid_t ppid;
	uint64_t start;		/* its start, clock ticks since boot */
};

/* 0, or -1 if there is no such process (or its line was cut) */
int proc_stat(pid_t pid, struct proc_stat *st);

/* waitpid with options (WNOHANG or 0); records how it ended. */
void reap(struct child *c, int options);
/*
 * At the end of tracing (once): a command still running is stopped
 * (SIGTERM, then SIGKILL after a grace period) and reaped, then what it
 * started and left behind the same way (through pidfds: never a process
 * that reused a pid). A command that ended by itself is reaped, and what
 * it left running is named in a warning.
 */
void stop_tree(struct child *c);

/* <dir of /proc/self/exe>/rel, e.g. build/workloads/pipe */
int beside_exe(char *buf, size_t len, const char *rel);
/* The first of rels (NULL-terminated) that exists beside the executable */
int find_beside_exe(char *buf, size_t len, const char *const rels[]);
/* Where a bundled workload is (into exe, PATH_MAX bytes): build/workloads/
 * beside the executable, or make install's libexec; IPCSCOPE_WORKLOADS
 * names another directory. -1 if it is not found. */
int workload_path(const char *workload, char *exe);
/* The first two CPUs this process may run on (cpus[1] = -1 when there is
 * one): where validate's placements and explain's run the two ends */
void placement_cpus(int cpus[2]);
/*
 * From now on, Ctrl-C, SIGTERM and SIGHUP stop the workload being run
 * (stop_signals_child: it gets SIGTERM and cleans up its IPC objects; it
 * is waited for), remove the file it writes (stop_signals_file), the
 * files given (an output's unfinished temporary; "" for none: at most
 * STOP_FILES) and then the directory tmpdir, and exit 128 + the signal;
 * the BPF links close with us. The strings are copied.
 */
#define STOP_FILES 4
void catch_stop_signals(const char *tmpdir, const char *const files[], size_t n);
void stop_signals_child(pid_t pid);		/* 0: none now */
void stop_signals_file(const char *path);	/* "" or NULL: none */

#endif /* RUNNER_H */
