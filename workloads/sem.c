// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sem.c - ground-truth semaphore and shared memory workload for the
 * ipcscope integration tests.
 *
 * A parent and a forked child share memory (a SysV segment or a POSIX
 * shared memory object) and coordinate through semaphores: a shared counter
 * guarded by a SysV or a POSIX semaphore, the same counter with no guard at
 * all (a data race that loses updates), or the textbook bounded-buffer
 * producer/consumer.  Every semaphore operation and every shmget, semget,
 * shmat and shmdt is counted, and the parent prints the counts as JSON at
 * the end, so a test can compare a kernel tracer's numbers with them
 * exactly.  Run with --help for details.  The objects are made and removed
 * in sem/objects.c, the loops on them are in sem/loops.c.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sem/sem.h"

const char workload_name[] = "sem";

#define COUNT_MAX	100000000ULL	/* 2 * COUNT must fit the int counter */
#define SLOTS_MAX	32767ULL	/* SEMVMX: the largest semaphore value */

static const char *const mode_name[] = { "sysv", "posix", "race", "prodcons" };

/* The JSON keys of struct counts, in order. */
COUNTER_KEYS(counters, struct counts,
	"semop_calls", "semop_ops", "semop_errors",
	"sem_wait_calls", "sem_wait_errors", "sem_post_calls", "sem_post_errors",
	"shmget_calls", "shmget_errors", "semget_calls", "semget_errors",
	"shmat_calls", "shmat_errors", "shmdt_calls", "shmdt_errors");

static void print_help(void)
{
	fputs(
"Usage: sem [--mode sysv|posix|race|prodcons] [--count N] [--slots N]\n"
"           [--out FILE] [--start-delay MS] [--help]\n"
"\n"
"Ground-truth semaphore and shared memory workload for ipcscope tests.  A\n"
"parent and a forked child share memory and coordinate through semaphores;\n"
"every semaphore operation and every shmget, semget, shmat and shmdt call\n"
"is counted and reported as JSON at the end.\n"
"\n"
"Options (the value may also be given as --option=VALUE):\n"
"  --mode sysv|posix|race|prodcons\n"
"                       sysv (default): a SysV shared memory segment holding\n"
"                       an int counter, guarded by a SysV semaphore set of\n"
"                       one semaphore (initialised to 1 with semctl SETVAL).\n"
"                       Parent and child each do COUNT times: semop P (-1),\n"
"                       counter++, semop V (+1).  The final counter must be\n"
"                       2 * COUNT.\n"
"                       posix: the same with POSIX objects: shm_open of\n"
"                       \"/ipcscope-sem-PID\" (PID: the parent's), ftruncate,\n"
"                       mmap MAP_SHARED, holding a process-shared sem_t\n"
"                       (sem_init pshared 1, value 1) and the counter; the\n"
"                       loop uses sem_wait and sem_post.\n"
"                       race: the sysv segment without any semaphore: both\n"
"                       processes do counter = counter + 1 as a plain load\n"
"                       and store, COUNT times, at the same time.  Updates\n"
"                       get lost (usually, with more than one CPU); how many\n"
"                       is reported, never checked.\n"
"                       prodcons: the textbook bounded buffer.  A SysV set\n"
"                       of 3 semaphores (mutex 1, empty SLOTS, full 0, set\n"
"                       with semctl SETALL) and a ring of SLOTS ints in a\n"
"                       SysV segment.  The parent produces the items 0 ..\n"
"                       COUNT-1: P(empty) P(mutex) put V(mutex) V(full); the\n"
"                       child consumes COUNT items: P(full) P(mutex) take\n"
"                       V(mutex) V(empty), and checks they come in order.\n"
"                       SysV keys come from ftok() on the file \"key\" in a\n"
"                       private directory made with mkdtemp in $TMPDIR (or\n"
"                       /tmp): project id 'S' for the segment, 'E' for the\n"
"                       semaphore set (if a key is taken, EEXIST, the next\n"
"                       project ids are tried, up to 16 calls each).  The\n"
"                       parent creates everything (IPC_CREAT | IPC_EXCL,\n"
"                       0600) and attaches the segment (shmat) before the\n"
"                       fork; the child inherits the attachment and the ids\n"
"                       and calls none of shmget, semget, shmat or shmdt.\n"
"                       In sysv, posix and race both processes start their\n"
"                       loops together, without a syscall: each sets a ready\n"
"                       flag in the shared memory; the child keeps bumping\n"
"                       its flag while it spins, and the parent spins until\n"
"                       it has seen the child's flag change 1000 times back\n"
"                       to back (so both run at once, on two CPUs), then\n"
"                       sets its flag to 2, which starts both loops.  With\n"
"                       one usable CPU, or after 2^25 spins of the parent,\n"
"                       the child's flag being set is enough.\n"
"                       Everything is removed by the parent once the child\n"
"                       is done, on error and on SIGINT, SIGTERM or SIGHUP:\n"
"                       shmdt and shmctl IPC_RMID, semctl IPC_RMID, munmap\n"
"                       and shm_unlink, the key file and the directory.\n"
"  --count N            increments per process, or items, 1..100000000\n"
"                       (default 10000)\n"
"  --slots N            prodcons: ring slots, 1..32767 (default 8); accepted\n"
"                       and ignored in the other modes\n"
"  --out FILE           write the JSON to FILE (a regular file, created or\n"
"                       truncated) instead of stdout\n"
"  --start-delay MS     sleep MS milliseconds (0..600000, default 0) before\n"
"                       creating anything or forking, so that a tracer can\n"
"                       attach to the parent's PID and then see the fork\n"
"  --help               print this text and exit\n"
"\n"
"Output: one JSON object, printed by the parent after the child has exited:\n"
"  workload, mode, count  \"sem\" and the parameters of the run\n"
"  slots       SLOTS in prodcons, else null\n"
"  sem         the SysV semaphore set: id (semid), key (the ftok() key as a\n"
"              signed integer), nsems (1 or 3); null in posix and race\n"
"  shm         the shared memory: id (shmid) and key for SysV, else null;\n"
"              size (bytes given to shmget or ftruncate); name, ino and dev\n"
"              (st_ino and st_dev from fstat() of the shm_open descriptor,\n"
"              dev in user-space encoding, dev_major and dev_minor its\n"
"              parts) for posix, else null.  Already removed when printed.\n"
"  counter     sysv, posix, race: expected (2 * COUNT), final, lost_updates\n"
"              (expected - final); null in prodcons\n"
"  items       prodcons: produced, consumed, out_of_order; else null\n"
"  processes   parent, then child: pid, role, semop_calls, semop_ops (the\n"
"              sum of nsops over the calls; each call here does one\n"
"              operation), semop_errors, sem_wait_calls, sem_wait_errors,\n"
"              sem_post_calls, sem_post_errors, shmget_calls, shmget_errors,\n"
"              semget_calls, semget_errors, shmat_calls, shmat_errors,\n"
"              shmdt_calls, shmdt_errors\n"
"  totals      the same counters summed over both processes\n"
"  Calls count every call, including calls that returned -1 (also counted\n"
"  in *_errors): an EINTR is counted, then retried.  semop, shmget, semget,\n"
"  shmat and shmdt are syscalls.  sem_wait and sem_post are library calls:\n"
"  they make a futex syscall only under contention (sem_wait when the value\n"
"  is 0, sem_post when someone waits), so a tracer sees fewer futex calls\n"
"  than there are sem_wait/sem_post calls.  Apart from those, the only\n"
"  calls on the measured objects are the semctl initialisation, the\n"
"  removal, and the fstat, ftruncate, mmap, munmap and close of posix.  The\n"
"  child's counts travel through a MAP_SHARED|MAP_ANONYMOUS mapping, which\n"
"  both processes touch.  semop fails with EINTR after SIGSTOP and SIGCONT\n"
"  (semop(2)): counted here as for a tracer.  A syscall the kernel restarts\n"
"  by itself (any signal while ptraced) is one call here but two for a\n"
"  kernel tracer.  A process killed (SIGKILL) inside a call has made that\n"
"  call but cannot count it: its counts are then one call short.\n"
"\n"
"If the child fails (exits non-zero or is killed), the parent stops its loop\n"
"at the next iteration, or, blocked in semop or sem_wait, within 10 ms (a\n"
"periodic SIGALRM, armed only then, interrupts the call: EINTR, counted).\n"
"If the parent dies, even by SIGKILL, the child is killed (PR_SET_PDEATHSIG).\n"
"\n"
"Exit status: 0 success; 1 a call failed, the child failed, or (sysv,\n"
"posix) the counter is not 2 * COUNT, or (prodcons) items were missing or\n"
"out of order (one line on stderr; the JSON is still printed once the child\n"
"has been started); 2 bad command line or --out; 128+N killed by signal N\n"
"(after cleanup).\n",
	      stdout);
}

static void parse_args(int argc, char **argv, struct config *cfg)
{
	static const char *const opts[] = {
		"--mode", "--count", "--slots", "--out", "--start-delay",
	};
	struct opt_iter it = OPT_ITER(argc, argv, opts, print_help, &cfg->run);
	const char *val, *name;

	while ((name = next_opt(&it, &val))) {
		if (!strcmp(name, "--mode"))
			cfg->mode = parse_word(name, val, mode_name,
					       ARRAY_SIZE(mode_name),
					       "sysv, posix, race or prodcons");
		else if (!strcmp(name, "--count"))
			cfg->count = parse_num(name, val, 1, COUNT_MAX);
		else
			cfg->slots = parse_num(name, val, 1, SLOTS_MAX);
	}
}

static void print_json(FILE *f, const struct config *cfg,
		       const struct objects *o, int64_t final,
		       uint64_t produced, pid_t ppid, pid_t cpid,
		       const struct counts *pc, const struct child_report *r)
{
	fprintf(f, "{\n  \"workload\": \"sem\",\n  \"mode\": \"%s\",\n"
		"  \"count\": %" PRIu64 ",\n", mode_name[cfg->mode], cfg->count);
	if (cfg->mode == MODE_PRODCONS)
		fprintf(f, "  \"slots\": %" PRIu64 ",\n", cfg->slots);
	else
		fputs("  \"slots\": null,\n", f);
	if (o->semid >= 0)
		fprintf(f, "  \"sem\": {\"id\": %d, \"key\": %d, \"nsems\": %d},\n",
			o->semid, (int)o->sem_key, o->nsems);
	else
		fputs("  \"sem\": null,\n", f);
	if (cfg->mode == MODE_POSIX) {
		fprintf(f, "  \"shm\": {\"id\": null, \"key\": null, \"size\": %zu"
			", \"name\": ", o->shm_size);
		json_string(f, g_shm_name);
		fputs(", ", f);
		json_file_id(f, &o->id);
		fputs("},\n", f);
	} else {
		fprintf(f, "  \"shm\": {\"id\": %d, \"key\": %d, \"size\": %zu, "
			"\"name\": null, \"ino\": null, \"dev\": null, "
			"\"dev_major\": null, \"dev_minor\": null},\n",
			o->shmid, (int)o->shm_key, o->shm_size);
	}
	if (cfg->mode == MODE_PRODCONS) {
		fprintf(f, "  \"counter\": null,\n  \"items\": {\"produced\": %"
			PRIu64 ", \"consumed\": %" PRIu64 ", \"out_of_order\": %"
			PRIu64 "},\n", produced, r->consumed, r->out_of_order);
	} else {
		int64_t expected = 2 * (int64_t)cfg->count;

		fprintf(f, "  \"counter\": {\"expected\": %" PRId64 ", \"final\": %"
			PRId64 ", \"lost_updates\": %" PRId64 "},\n"
			"  \"items\": null,\n", expected, final,
			expected - final);
	}
	json_processes(f, &counters, ppid, pc, cpid, &r->c);
	json_totals(f, &counters, pc, &r->c);
	fputs("\n}\n", f);
}

int main(int argc, char **argv)
{
	struct config cfg = {
		.mode = MODE_SYSV, .count = 10000, .slots = 8,
	};
	struct objects obj = {
		.shmid = -1, .semid = -1, .shm_key = -1, .sem_key = -1,
	};
	struct counts pc;
	struct child_report *r;
	int status = 0, failed = 0, killed = 0;
	int64_t final = 0;
	uint64_t produced = 0;
	pid_t ppid, cpid;
	FILE *out;

	parse_args(argc, argv, &cfg);
	prepare_paths(&cfg);
	out = open_out(cfg.run.out_path);
	memset(&pc, 0, sizeof(pc));

	r = map_shared_zeroed(sizeof(*r));
	if (!r)
		return 1;

	/*
	 * A child that failed makes the parent's loops stop (g_child_failed;
	 * the start spin watches g_child_gone).  But the parent may be
	 * blocked for good in P() of a semaphore the child held or was to
	 * post: then the SIGALRM kicks make that semop or sem_wait fail with
	 * EINTR, and the loop gives up.
	 */
	install_common_handlers(KICK_CHILD, NULL);
	if (sleep_ms(cfg.run.start_delay_ms) < 0)
		return 1;
	check_cpus();

	if (create_objects(&cfg, &obj, &pc) < 0) {
		release_memory(&cfg, &obj, &pc);
		remove_objects(1);
		return 1;
	}

	/* A child waiting for a parent that is gone would wait (or spin)
	 * forever: if the parent dies, even by SIGKILL, so does the child. */
	ppid = getpid();
	cpid = fork_child(ppid, CHILD_PDEATHSIG | CHILD_QUIET);
	if (cpid < 0) {
		release_memory(&cfg, &obj, &pc);
		remove_objects(1);
		return 1;
	}
	if (cpid == 0)	/* _exit: no stdio flush, no atexit, no cleanup */
		_exit(child_run(&cfg, &obj, r));

	failed = parent_run(&cfg, &obj, &pc, &produced) < 0;
	/* It may wait for us forever (prodcons, ready flag). */
	if (failed)
		killed = kill_child(cpid);
	leave_loop();

	if (reap_child(cpid, &status) < 0)
		failed = 1;
	if (cfg.mode == MODE_POSIX)
		final = ((struct posix_seg *)obj.mem)->counter;
	else if (cfg.mode != MODE_PRODCONS)
		final = ((struct counter_seg *)obj.mem)->counter;
	/* Counts are collected: the objects are no longer needed. */
	if (release_memory(&cfg, &obj, &pc) < 0)
		failed = 1;
	if (remove_objects(1) < 0)
		failed = 1;

	if (child_status(status, !killed) < 0) {
		failed = 1;
	} else if (!failed) {
		if (cfg.mode == MODE_PRODCONS) {
			if (r->consumed != cfg.count || r->out_of_order) {
				fprintf(stderr, "sem: %" PRIu64 " of %" PRIu64
					" items consumed, %" PRIu64 " out of "
					"order\n", r->consumed, cfg.count,
					r->out_of_order);
				failed = 1;
			}
		} else if (cfg.mode != MODE_RACE &&
			   final != 2 * (int64_t)cfg.count) {
			fprintf(stderr, "sem: the counter is %" PRId64
				", expected %" PRIu64 "\n", final,
				2 * cfg.count);
			failed = 1;
		}
	}

	print_json(out, &cfg, &obj, final, produced, ppid, cpid, &pc, r);
	return finish_output(out, failed);
}
