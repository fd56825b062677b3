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
 * exactly.  Run with --help for details.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

const char workload_name[] = "sem";

#define COUNT_MAX	100000000ULL	/* 2 * COUNT must fit the int counter */
#define SLOTS_MAX	32767ULL	/* SEMVMX: the largest semaphore value */
#define DELAY_MAX_MS	600000ULL
#define SHM_PROJ	'S'		/* first ftok() project id, segment */
#define SEM_PROJ	'E'		/* first ftok() project id, semaphores */
#define FTOK_TRIES	16		/* project ids tried while keys collide */

enum mode { MODE_SYSV, MODE_POSIX, MODE_RACE, MODE_PRODCONS };
static const char *const mode_name[] = { "sysv", "posix", "race", "prodcons" };

/* prodcons: the three semaphores of the set */
enum { SEM_MUTEX = 0, SEM_EMPTY = 1, SEM_FULL = 2 };

/* Processes, as indexes of the ready flags. */
enum { PARENT = 0, CHILD = 1 };

struct config {
	enum mode mode;
	uint64_t count;
	uint64_t slots;
	uint64_t start_delay_ms;
	const char *out_path;	/* NULL: stdout */
};

/* What one process did on the measured objects. */
struct counts {
	uint64_t semop_calls, semop_ops, semop_errors;
	uint64_t sem_wait_calls, sem_wait_errors;
	uint64_t sem_post_calls, sem_post_errors;
	uint64_t shmget_calls, shmget_errors;
	uint64_t semget_calls, semget_errors;
	uint64_t shmat_calls, shmat_errors;
	uint64_t shmdt_calls, shmdt_errors;
};

/*
 * The child's results.  They live in a MAP_SHARED|MAP_ANONYMOUS region
 * (not in the measured memory): no IPC syscall is needed to report them,
 * and they survive if the child dies.
 */
struct child_report {
	struct counts c;
	uint64_t consumed;	/* prodcons: items taken out of the ring */
	uint64_t out_of_order;	/* prodcons: items that were not the next one */
};

/* The measured memory.  sysv and race: */
struct counter_seg {
	volatile int counter;
	volatile unsigned int ready[2];
};

/* posix: */
struct posix_seg {
	sem_t sem;
	volatile int counter;
	volatile unsigned int ready[2];
};

/* prodcons: the segment is the ring itself, SLOTS ints. */

struct objects {
	int shmid, semid;	/* -1 if none */
	key_t shm_key, sem_key;
	int nsems;
	size_t shm_size;
	void *mem;		/* where the measured memory is mapped */
	uint64_t ino, dev;	/* posix: fstat() of the shm_open descriptor */
	unsigned int dev_major, dev_minor;
};

/*
 * State the signal handlers need.  Names are stored in static buffers before
 * their "made" flag is set, so a handler never sees a half-built name.
 */
static char g_dir[PATH_MAX - 8];
static char g_file[PATH_MAX];
static char g_shm_name[64];
static volatile sig_atomic_t g_dir_made;
static volatile sig_atomic_t g_file_made;
static volatile sig_atomic_t g_shm_made;
static volatile sig_atomic_t g_shmid = -1;
static volatile sig_atomic_t g_sem_made;
static volatile sig_atomic_t g_semid = -1;
static volatile sig_atomic_t g_pshm_made;
static volatile sig_atomic_t g_child_failed;	/* ... and not with status 0 */

/* semctl's fourth argument; the program has to define it (semctl(2)). */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

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

	for (int i = 1; i < argc; i++) {
		const char *val, *name;

		name = next_option(argc, argv, &i, opts,
				   sizeof(opts) / sizeof(opts[0]), print_help,
				   &val);

		if (!strcmp(name, "--mode")) {
			size_t k;

			for (k = 0; k < sizeof(mode_name) / sizeof(mode_name[0]); k++)
				if (!strcmp(val, mode_name[k]))
					break;
			if (k == sizeof(mode_name) / sizeof(mode_name[0]))
				usage_error("--mode: '%s' is not sysv, posix, "
					    "race or prodcons", val);
			cfg->mode = (enum mode)k;
		} else if (!strcmp(name, "--count")) {
			cfg->count = parse_num(name, val, 1, COUNT_MAX);
		} else if (!strcmp(name, "--slots")) {
			cfg->slots = parse_num(name, val, 1, SLOTS_MAX);
		} else if (!strcmp(name, "--start-delay")) {
			cfg->start_delay_ms = parse_num(name, val, 0, DELAY_MAX_MS);
		} else {
			cfg->out_path = parse_out_path(val);
		}
	}
}

/* Build the names up front so a too long $TMPDIR is exit 2. */
static void prepare_paths(const struct config *cfg)
{
	const char *base;
	int len;

	if (cfg->mode == MODE_POSIX) {
		snprintf(g_shm_name, sizeof(g_shm_name), "/ipcscope-sem-%ld",
			 (long)getpid());
		return;
	}
	if (temp_dir_template(g_dir, sizeof(g_dir), NULL, &base, &len) < 0)
		usage_error("$TMPDIR: path too long");
}

/*
 * Removes whatever exists of the segment, the semaphore set, the POSIX
 * object, the key file and the directory.  Async-signal-safe (shmctl,
 * semctl, unlink and rmdir are plain syscalls; shm_unlink is unlink of
 * /dev/shm/NAME).  With report set, failures are printed and give -1.
 */
static int remove_objects(int report)
{
	int ret = 0;

	if (g_shm_made) {
		g_shm_made = 0;
		if (shmctl(g_shmid, IPC_RMID, NULL) < 0 && report) {
			sys_error("parent", "shmctl IPC_RMID");
			ret = -1;
		}
	}
	if (g_sem_made) {
		g_sem_made = 0;
		if (semctl(g_semid, 0, IPC_RMID) < 0 && report) {
			sys_error("parent", "semctl IPC_RMID");
			ret = -1;
		}
	}
	if (g_pshm_made) {
		g_pshm_made = 0;
		if (shm_unlink(g_shm_name) < 0 && report) {
			sys_error("parent", "shm_unlink");
			ret = -1;
		}
	}
	if (g_file_made) {
		g_file_made = 0;
		if (unlink(g_file) < 0 && report) {
			sys_error("parent", "unlink key file");
			ret = -1;
		}
	}
	if (g_dir_made) {
		g_dir_made = 0;
		if (rmdir(g_dir) < 0 && report) {
			sys_error("parent", "rmdir");
			ret = -1;
		}
	}
	return ret;
}

static void on_term_signal(int sig)
{
	/* The child first, so that it never sees its objects vanish (and
	 * reaped, so it is gone by the time our exit is observed). */
	kill_and_reap_child();
	remove_objects(0);
	_exit(128 + sig);
}

/*
 * A child that failed (exit status not 0, or killed) makes the parent's
 * loops stop (g_child_failed; the start spin watches g_child_gone).  But
 * the parent may be blocked for good in P() of a semaphore the child held
 * or was to post: then a periodic SIGALRM (no SA_RESTART) makes that semop
 * or sem_wait fail with EINTR, and the loop gives up.  A child that exited
 * 0 has done all its posts, so nothing can be waiting on it: a normal run
 * sees no SIGALRM at all.
 */
static void on_sigchld(int sig)
{
	int saved = errno;
	siginfo_t info;

	(void)sig;
	if (!child_exit_seen(&info))
		goto out;
	g_child_gone = 1;
	if (!(info.si_code == CLD_EXITED && info.si_status == 0))
		g_child_failed = 1;
	if (g_child_failed)
		start_kicking();
out:
	errno = saved;
}

/*
 * A new SysV object under a fresh ftok() key: shmget (size > 0) or semget
 * (nsems > 0), trying the next project id while the key is taken.  Every
 * call is counted.  Returns the id, or -1.
 */
static int sysv_create(int proj, size_t size, int nsems, key_t *keyp,
		       struct counts *c)
{
	const char *call = nsems ? "semget" : "shmget";

	for (int t = 0; t < FTOK_TRIES; t++) {
		key_t key = ftok(g_file, proj + t);
		int id;

		if (key == (key_t)-1) {
			sys_error("parent", "ftok");
			return -1;
		}
		if (nsems) {
			c->semget_calls++;
			id = semget(key, nsems, IPC_CREAT | IPC_EXCL | 0600);
		} else {
			c->shmget_calls++;
			id = shmget(key, size, IPC_CREAT | IPC_EXCL | 0600);
		}
		if (id >= 0) {
			*keyp = key;
			return id;
		}
		if (nsems)
			c->semget_errors++;
		else
			c->shmget_errors++;
		if (errno != EEXIST) {
			sys_error("parent", call);
			return -1;
		}
	}
	fprintf(stderr, "sem: parent: %s: %d ftok keys of %s all in use\n",
		call, FTOK_TRIES, g_file);
	return -1;
}

/* POSIX: the shared memory object with the semaphore and the counter. */
static int create_posix(struct objects *o)
{
	struct posix_seg *seg;
	struct stat st;
	int fd;

	o->shm_size = sizeof(struct posix_seg);
	fd = shm_open(g_shm_name, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd < 0) {
		sys_error("parent", "shm_open");
		return -1;
	}
	g_pshm_made = 1;
	if (ftruncate(fd, (off_t)o->shm_size) < 0) {
		sys_error("parent", "ftruncate");
		close(fd);
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		sys_error("parent", "fstat");
		close(fd);
		return -1;
	}
	o->ino = (uint64_t)st.st_ino;
	o->dev = (uint64_t)st.st_dev;
	o->dev_major = major(st.st_dev);
	o->dev_minor = minor(st.st_dev);
	seg = mmap(NULL, o->shm_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (seg == MAP_FAILED) {
		sys_error("parent", "mmap");
		close(fd);
		return -1;
	}
	close(fd);		/* the mapping keeps the object */
	o->mem = seg;
	if (sem_init(&seg->sem, 1, 1) < 0) {
		sys_error("parent", "sem_init");
		return -1;
	}
	return 0;
}

/*
 * Creates the measured objects: the directory, the key file, the segment
 * (attached) and the semaphore set, or the POSIX object.  Signals are
 * blocked so a handler never misses something just created.
 */
static int create_objects(const struct config *cfg, struct objects *o,
			  struct counts *c)
{
	sigset_t old;
	void *addr;
	int fd, id, ret = -1;

	block_handled_signals(&old, 1);
	if (cfg->mode == MODE_POSIX) {
		ret = create_posix(o);
		goto out;
	}

	if (!mkdtemp(g_dir)) {
		sys_error("parent", "mkdtemp");
		goto out;
	}
	g_dir_made = 1;
	snprintf(g_file, sizeof(g_file), "%s/key", g_dir);
	fd = open(g_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		sys_error("parent", "create key file");
		goto out;
	}
	g_file_made = 1;
	close(fd);

	o->shm_size = cfg->mode == MODE_PRODCONS ?
		(size_t)cfg->slots * sizeof(int) : sizeof(struct counter_seg);
	id = sysv_create(SHM_PROJ, o->shm_size, 0, &o->shm_key, c);
	if (id < 0)
		goto out;
	g_shmid = id;
	g_shm_made = 1;
	o->shmid = id;

	if (cfg->mode != MODE_RACE) {
		o->nsems = cfg->mode == MODE_PRODCONS ? 3 : 1;
		id = sysv_create(SEM_PROJ, 0, o->nsems, &o->sem_key, c);
		if (id < 0)
			goto out;
		g_semid = id;
		g_sem_made = 1;
		o->semid = id;
		if (cfg->mode == MODE_PRODCONS) {
			unsigned short init[3];
			union semun arg;

			init[SEM_MUTEX] = 1;
			init[SEM_EMPTY] = (unsigned short)cfg->slots;
			init[SEM_FULL] = 0;
			arg.array = init;
			if (semctl(id, 0, SETALL, arg) < 0) {
				sys_error("parent", "semctl SETALL");
				goto out;
			}
		} else {
			union semun arg;

			arg.val = 1;
			if (semctl(id, 0, SETVAL, arg) < 0) {
				sys_error("parent", "semctl SETVAL");
				goto out;
			}
		}
	}

	c->shmat_calls++;
	addr = shmat(o->shmid, NULL, 0);
	if (addr == (void *)-1) {
		c->shmat_errors++;
		sys_error("parent", "shmat");
		goto out;
	}
	o->mem = addr;		/* a new segment is zero-filled */
	ret = 0;
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

/*
 * One semop call doing one operation.  EINTR is counted and retried, unless
 * the other process is gone (then the operation may never complete).
 */
static int sem_op(int semid, unsigned short num, short op, struct counts *c,
		  const char *who)
{
	struct sembuf sb = { .sem_num = num, .sem_op = op, .sem_flg = 0 };

	for (;;) {
		int r = semop(semid, &sb, 1);

		c->semop_calls++;
		c->semop_ops += 1;
		if (r == 0)
			return 0;
		c->semop_errors++;
		if (errno != EINTR || g_child_gone)
			break;
	}
	sys_error(who, op < 0 ? "semop P" : "semop V");
	return -1;
}

static int posix_wait(sem_t *s, struct counts *c, const char *who)
{
	for (;;) {
		int r = sem_wait(s);

		c->sem_wait_calls++;
		if (r == 0)
			return 0;
		c->sem_wait_errors++;
		if (errno != EINTR || g_child_gone)
			break;
	}
	sys_error(who, "sem_wait");
	return -1;
}

static int posix_post(sem_t *s, struct counts *c, const char *who)
{
	c->sem_post_calls++;
	if (sem_post(s) == 0)
		return 0;
	c->sem_post_errors++;
	sys_error(who, "sem_post");
	return -1;
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

/*
 * Both loops start together, with no syscall.  Each process sets its ready
 * flag to 1.  The child then keeps bumping its flag while it waits.  The
 * parent waits until it has seen the child's flag change START_BEATS times
 * back to back (so both are running at that moment, on two CPUs: setting
 * a flag and being preempted right after would not do), then sets its flag
 * to START_GO and both start.  With a single usable CPU (g_start_beats 0),
 * or once the parent has spun START_SPINS times, the child's first flag is
 * enough.  The parent gives up if the child dies first.
 */
#define START_BEATS	1000
#define START_GAP	10000		/* spins: far less than a time slice */
#define START_SPINS	(1UL << 25)	/* well under a second of spinning */
#define START_GO	2

static unsigned int g_start_beats = START_BEATS;

static int start_together(volatile unsigned int *ready, int me,
			  const char *who)
{
	unsigned int last = 0, beats = 0, idle = 0;
	unsigned long spins = 0;

	__atomic_store_n(&ready[me], 1, __ATOMIC_SEQ_CST);
	if (me == CHILD) {
		while (__atomic_load_n(&ready[PARENT], __ATOMIC_SEQ_CST) !=
		       START_GO)
			__atomic_store_n(&ready[CHILD], ready[CHILD] + 1,
					 __ATOMIC_SEQ_CST);
		return 0;
	}
	for (;;) {
		/* Read before the flag: gone and unchanged means it will
		 * never change again. */
		int gone = g_child_gone;
		unsigned int v = __atomic_load_n(&ready[CHILD],
						 __ATOMIC_SEQ_CST);

		if (v != last) {
			/* A long gap means one of us was not running: the
			 * changes must be seen back to back. */
			beats = last != 0 && idle < START_GAP ? beats + 1 : 0;
			last = v;
			idle = 0;
		} else {
			if (gone) {
				fprintf(stderr, "sem: %s: the child exited "
					"before starting its loop\n", who);
				return -1;
			}
			idle++;
			spins++;
			cpu_relax();
		}
		if (last != 0 && (beats >= g_start_beats || spins >= START_SPINS))
			break;
	}
	__atomic_store_n(&ready[PARENT], START_GO, __ATOMIC_SEQ_CST);
	return 0;
}

/* The parent's loops stop when the child failed: the run is lost anyway. */
static int child_failed(uint64_t done, uint64_t count)
{
	fprintf(stderr, "sem: parent: the child failed; stopping after %"
		PRIu64 " of %" PRIu64 " iterations\n", done, count);
	return -1;
}

/* The counter loops of sysv, posix and race, for either process. */
static int counter_run(const struct config *cfg, const struct objects *o,
		       int me, struct counts *c)
{
	const char *who = me == PARENT ? "parent" : "child";
	volatile int *counter;
	volatile unsigned int *ready;
	sem_t *psem = NULL;

	if (cfg->mode == MODE_POSIX) {
		struct posix_seg *seg = o->mem;

		psem = &seg->sem;
		counter = &seg->counter;
		ready = seg->ready;
	} else {
		struct counter_seg *seg = o->mem;

		counter = &seg->counter;
		ready = seg->ready;
	}
	if (start_together(ready, me, who) < 0)
		return -1;

	for (uint64_t i = 0; i < cfg->count; i++) {
		int v;

		/* A failed child makes the result moot: stop early. */
		if (me == PARENT && g_child_failed)
			return child_failed(i, cfg->count);
		if (cfg->mode == MODE_SYSV &&
		    sem_op(o->semid, 0, -1, c, who) < 0)
			return -1;
		if (cfg->mode == MODE_POSIX && posix_wait(psem, c, who) < 0)
			return -1;
		/* A plain load and store: atomic only under the semaphore. */
		v = *counter;
		*counter = v + 1;
		if (cfg->mode == MODE_SYSV &&
		    sem_op(o->semid, 0, 1, c, who) < 0)
			return -1;
		if (cfg->mode == MODE_POSIX && posix_post(psem, c, who) < 0)
			return -1;
	}
	return 0;
}

/* prodcons, parent: puts the items 0..COUNT-1 into the ring. */
static int produce(const struct config *cfg, const struct objects *o,
		   struct counts *c, uint64_t *produced)
{
	volatile int *ring = o->mem;
	uint64_t in = 0;

	for (uint64_t i = 0; i < cfg->count; i++) {
		if (g_child_failed)
			return child_failed(i, cfg->count);
		if (sem_op(o->semid, SEM_EMPTY, -1, c, "parent") < 0 ||
		    sem_op(o->semid, SEM_MUTEX, -1, c, "parent") < 0)
			return -1;
		ring[in] = (int)i;
		in = (in + 1) % cfg->slots;
		if (sem_op(o->semid, SEM_MUTEX, 1, c, "parent") < 0 ||
		    sem_op(o->semid, SEM_FULL, 1, c, "parent") < 0)
			return -1;
		(*produced)++;
	}
	return 0;
}

/* prodcons, child: takes COUNT items out of the ring, checks the order. */
static int consume(const struct config *cfg, const struct objects *o,
		   struct child_report *r)
{
	volatile int *ring = o->mem;
	uint64_t out = 0;

	for (uint64_t i = 0; i < cfg->count; i++) {
		int v;

		if (sem_op(o->semid, SEM_FULL, -1, &r->c, "child") < 0 ||
		    sem_op(o->semid, SEM_MUTEX, -1, &r->c, "child") < 0)
			return -1;
		v = ring[out];
		out = (out + 1) % cfg->slots;
		if (sem_op(o->semid, SEM_MUTEX, 1, &r->c, "child") < 0 ||
		    sem_op(o->semid, SEM_EMPTY, 1, &r->c, "child") < 0)
			return -1;
		r->consumed++;
		if (v < 0 || (uint64_t)v != i)
			r->out_of_order++;
	}
	return 0;
}

static int child_run(const struct config *cfg, const struct objects *o,
		     struct child_report *r)
{
	/* _exit detaches the segment: no shmdt, as the brief asks; the
	 * parent's shmat is the only attach call. */
	if (cfg->mode == MODE_PRODCONS)
		return consume(cfg, o, r) < 0 ? 1 : 0;
	return counter_run(cfg, o, CHILD, &r->c) < 0 ? 1 : 0;
}

static void json_counts(FILE *f, const struct counts *c)
{
	fprintf(f, "\"semop_calls\": %" PRIu64 ", \"semop_ops\": %" PRIu64
		", \"semop_errors\": %" PRIu64 ", \"sem_wait_calls\": %" PRIu64
		", \"sem_wait_errors\": %" PRIu64 ", \"sem_post_calls\": %"
		PRIu64 ", \"sem_post_errors\": %" PRIu64,
		c->semop_calls, c->semop_ops, c->semop_errors,
		c->sem_wait_calls, c->sem_wait_errors, c->sem_post_calls,
		c->sem_post_errors);
	fprintf(f, ", \"shmget_calls\": %" PRIu64 ", \"shmget_errors\": %"
		PRIu64 ", \"semget_calls\": %" PRIu64 ", \"semget_errors\": %"
		PRIu64 ", \"shmat_calls\": %" PRIu64 ", \"shmat_errors\": %"
		PRIu64 ", \"shmdt_calls\": %" PRIu64 ", \"shmdt_errors\": %"
		PRIu64, c->shmget_calls, c->shmget_errors, c->semget_calls,
		c->semget_errors, c->shmat_calls, c->shmat_errors,
		c->shmdt_calls, c->shmdt_errors);
}

static void add_counts(struct counts *t, const struct counts *a)
{
	t->semop_calls += a->semop_calls;
	t->semop_ops += a->semop_ops;
	t->semop_errors += a->semop_errors;
	t->sem_wait_calls += a->sem_wait_calls;
	t->sem_wait_errors += a->sem_wait_errors;
	t->sem_post_calls += a->sem_post_calls;
	t->sem_post_errors += a->sem_post_errors;
	t->shmget_calls += a->shmget_calls;
	t->shmget_errors += a->shmget_errors;
	t->semget_calls += a->semget_calls;
	t->semget_errors += a->semget_errors;
	t->shmat_calls += a->shmat_calls;
	t->shmat_errors += a->shmat_errors;
	t->shmdt_calls += a->shmdt_calls;
	t->shmdt_errors += a->shmdt_errors;
}

static int print_json(FILE *f, const struct config *cfg,
		      const struct objects *o, int64_t final, uint64_t produced,
		      pid_t ppid, pid_t cpid, const struct counts *pc,
		      const struct child_report *r)
{
	struct counts t;

	memset(&t, 0, sizeof(t));
	add_counts(&t, pc);
	add_counts(&t, &r->c);

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
		fprintf(f, ", \"ino\": %" PRIu64 ", \"dev\": %" PRIu64
			", \"dev_major\": %u, \"dev_minor\": %u},\n", o->ino,
			o->dev, o->dev_major, o->dev_minor);
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
	fprintf(f, "  \"processes\": [\n    {\"pid\": %ld, \"role\": "
		"\"parent\", ", (long)ppid);
	json_counts(f, pc);
	fprintf(f, "},\n    {\"pid\": %ld, \"role\": \"child\", ", (long)cpid);
	json_counts(f, &r->c);
	fputs("}\n  ],\n  \"totals\": {", f);
	json_counts(f, &t);
	fputs("}\n}\n", f);

	return finish_json(f);
}

/* Detaches or unmaps the measured memory (before it is removed). */
static int release_memory(const struct config *cfg, struct objects *o,
			  struct counts *c)
{
	int ret = 0;

	if (!o->mem)
		return 0;
	if (cfg->mode == MODE_POSIX) {
		struct posix_seg *seg = o->mem;

		if (sem_destroy(&seg->sem) < 0) {
			sys_error("parent", "sem_destroy");
			ret = -1;
		}
		if (munmap(o->mem, o->shm_size) < 0) {
			sys_error("parent", "munmap");
			ret = -1;
		}
	} else {
		c->shmdt_calls++;
		if (shmdt(o->mem) < 0) {
			c->shmdt_errors++;
			sys_error("parent", "shmdt");
			ret = -1;
		}
	}
	o->mem = NULL;
	return ret;
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
	sigset_t old;
	FILE *out;

	parse_args(argc, argv, &cfg);
	prepare_paths(&cfg);
	out = open_out(cfg.out_path);
	memset(&pc, 0, sizeof(pc));

	/* The child's counters live here: no IPC syscall needed to report
	 * them, and they survive even if the child dies half-way. */
	r = map_shared_zeroed(sizeof(*r));
	if (!r)
		return 1;

	install_common_handlers(on_term_signal, on_sigchld, on_sigalrm);
	if (cfg.start_delay_ms && sleep_ms(cfg.start_delay_ms) < 0)
		return 1;

	/* One CPU: the two loops cannot run at once, so do not wait for it. */
	{
		cpu_set_t cpus;

		if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0 &&
		    CPU_COUNT(&cpus) < 2)
			g_start_beats = 0;
	}

	if (create_objects(&cfg, &obj, &pc) < 0) {
		release_memory(&cfg, &obj, &pc);
		remove_objects(1);
		return 1;
	}

	ppid = getpid();
	/* Blocked across fork: the child must never run the parent's
	 * cleanup handler, and the parent must know the child's pid before
	 * a handler can run. */
	block_handled_signals(&old, 1);
	g_in_loop = 1;
	cpid = fork();
	if (cpid < 0) {
		sys_error("parent", "fork");
		release_memory(&cfg, &obj, &pc);
		remove_objects(1);
		return 1;
	}
	if (cpid == 0) {
		int code;

		restore_default_handlers();
		sigprocmask(SIG_SETMASK, &old, NULL);
		/* A child waiting for a parent that is gone would wait (or
		 * spin) forever: if the parent dies, even by SIGKILL, so
		 * does the child. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != ppid)
			_exit(1);
		code = child_run(&cfg, &obj, r);
		/* _exit: no stdio flush, no atexit, no cleanup. */
		_exit(code);
	}
	g_child_pid = cpid;
	sigprocmask(SIG_SETMASK, &old, NULL);

	if (cfg.mode == MODE_PRODCONS) {
		failed = produce(&cfg, &obj, &pc, &produced) < 0;
	} else {
		failed = counter_run(&cfg, &obj, PARENT, &pc) < 0;
	}
	if (failed && !g_child_gone) {
		/* It may wait for us forever (prodcons, ready flag). */
		kill(cpid, SIGKILL);
		killed = 1;
	}
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

	if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		failed = 1;	/* the child already said why */
	} else if (WIFSIGNALED(status)) {
		if (!killed)
			fprintf(stderr, "sem: child killed by signal %d\n",
				WTERMSIG(status));
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

	if (print_json(out, &cfg, &obj, final, produced, ppid, cpid, &pc,
		       r) < 0)
		failed = 1;
	if (close_out(out) < 0)
		failed = 1;
	return failed ? 1 : 0;
}
