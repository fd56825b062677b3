// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * shm.c - ground-truth shared memory workload for the ipcscope integration
 * tests.
 *
 * The parent creates a shared region (System V shmget, POSIX shm_open,
 * memfd_create or an anonymous MAP_SHARED mapping) and forks; the parent
 * writes every page once, the child then reads every byte and checks a
 * checksum.  The payload never goes through a syscall: no read() or write()
 * on any fd, only loads and stores (what a kernel tracer can see of it are
 * page faults).  The parent prints the pages each process touched, and the
 * segment's identity, as JSON at the end.  Run with --help for details.
 * The region itself is made and removed in shm/region.c.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <semaphore.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shm/shm.h"

const char workload_name[] = "shm";

#define SIZE_MAX_BYTES	1073741824ULL
#define SIZE_DEFAULT	1048576ULL
#define CHECKSUM_SEED	0xcbf29ce484222325ULL
#define CHECKSUM_PRIME	0x100000001b3ULL

static const char *const api_name[] = { "sysv", "posix", "memfd", "anon" };
static const char *const no_yes[] = { "no", "yes" };
static const char *const sync_name[] = { "poll", "sem" };

/* What one process did to the measured region, page by page. */
struct counts {
	uint64_t pages_written, pages_read;
};

/* The control region: a separate small MAP_SHARED|MAP_ANONYMOUS mapping. */
enum { STATE_WAIT, STATE_READY, STATE_ABORT, STATE_TOUCH };
struct control {
	int state;		/* set by the parent: TOUCH (--warm), then READY */
	int touched;		/* --warm: the child has read every page once */
	uint64_t pages_read;	/* child's progress */
	uint64_t checksum;	/* child: over every byte it read */
	int child_done;		/* child read everything */
	struct xfer_time xfer;	/* parent: start; child: end */
	sem_t ready;		/* --sync sem: posted once state is READY or ABORT */
};

static volatile sig_atomic_t g_writing;		/* SIGBUS: jump back */
static sigjmp_buf g_bus_jmp;

static void print_help(void)
{
	fputs(
"Usage: shm [--api sysv|posix|memfd|anon] [--size BYTES] [--warm no|yes]\n"
"           [--sync poll|sem] [--out FILE]\n"
"           [--start-delay MS] [--cpus A,B] [--ready-delay MS] [--help]\n"
"\n"
"Ground-truth shared memory workload for ipcscope tests.  The parent creates\n"
"a shared region of SIZE bytes and forks.  The parent copies the payload\n"
"into every page of it once (one memcpy() per page from a private copy made\n"
"before, page by page, the byte 1 + page index mod 251), then sets a ready\n"
"flag; the child, which polls that flag with\n"
"sched_yield(), then reads every byte of every page and computes a\n"
"checksum that the parent checks.  The payload never goes through a\n"
"syscall: no read() or write() on any fd, only loads and stores through the\n"
"mapping, so a kernel tracer sees it only as page faults.  The ready flag\n"
"and the child's counts live in a separate one-page MAP_SHARED|MAP_ANONYMOUS\n"
"control region.\n"
"\n"
"Options (the value may also be given as --option=VALUE):\n"
"  --api sysv|posix|memfd|anon\n"
"                       sysv (default): a file in a new private directory\n"
"                       (mkdtemp under $TMPDIR, or /tmp), ftok() on it,\n"
"                       shmget(key, SIZE, IPC_CREAT|IPC_EXCL|0600) (the next\n"
"                       ftok project id if that key is taken), shmat().\n"
"                       posix: shm_open(\"/ipcscope-shm-<parent pid>\",\n"
"                       O_CREAT|O_EXCL), ftruncate(), mmap(MAP_SHARED).\n"
"                       memfd: memfd_create(\"" MEMFD_NAME "\"), ftruncate(),\n"
"                       mmap(MAP_SHARED).  anon: mmap(MAP_SHARED|\n"
"                       MAP_ANONYMOUS).  The child uses the mapping (or SysV\n"
"                       attachment) it inherits across fork().  At the end,\n"
"                       on error and on SIGINT, SIGTERM or SIGHUP everything\n"
"                       is removed: shmdt + shmctl(IPC_RMID), shm_unlink,\n"
"                       munmap, close, the ftok file and its directory.\n"
"  --size BYTES         bytes of payload, 1 .. 1073741824 (default 1048576);\n"
"                       the region is that many bytes, in whole pages (the\n"
"                       last one touched only as far as the payload goes)\n"
"  --warm no|yes        yes: before the timing, the parent writes every page\n"
"                       once and then the child reads every page once, so\n"
"                       that the timed transfer takes no page fault (the\n"
"                       steady state); no (default): the timing includes\n"
"                       each page's first touch by both (its faults)\n"
"  --sync poll|sem      how the reader learns that the data is there.  poll\n"
"                       (default): it polls the ready flag, with\n"
"                       sched_yield() between looks.  sem: it waits in\n"
"                       sem_wait() on a POSIX semaphore in the control\n"
"                       region (sem_init, process-shared), which the parent\n"
"                       sem_post()s once the data is written: a futex wait\n"
"                       and a futex wake, when the reader has to sleep\n"
"  --out FILE           write the JSON to FILE (a regular file, created or\n"
"                       truncated) instead of stdout\n"
"  --start-delay MS     sleep MS milliseconds (0..600000, default 0) before\n"
"                       creating the region or forking, so that a tracer\n"
"                       can attach to the parent's PID and then see the fork\n"
CPUS_HELP
READY_DELAY_HELP
"  --help               print this text and exit\n"
"\n"
"Output: one JSON object, printed by the parent after the child has exited:\n"
"  workload, api, size, page_size, pages\n"
"              \"shm\", the parameters of the run; pages: the pages the\n"
"              payload spans (size / page_size, rounded up)\n"
"  segment     the measured region: id (shmid) and key (the ftok key, as a\n"
"              number) for sysv, else null; name: \"SYSV<key as %08x>\"\n"
"              (the kernel's name for the segment's file), the POSIX name,\n"
"              \"memfd:" MEMFD_NAME "\", or null (anon); ino: st_ino from fstat()\n"
"              of the fd (posix, memfd), the shmid (sysv), else null; dev:\n"
"              st_dev from that fstat() (dev_major and dev_minor are its\n"
"              parts), else null; maps_ino, maps_dev_major, maps_dev_minor,\n"
"              maps_path: the inode, device and path columns of the\n"
"              mapping's line in the parent's /proc/self/maps, read right\n"
"              after it was mapped (for sysv the kernel sets the segment\n"
"              file's inode number to the shmid, so maps_ino == id)\n"
"  control     maps_ino of the control region, also shared memory (a\n"
"              \"/dev/zero (deleted)\" mapping): one page each process\n"
"              touches, that is not part of the measured traffic\n"
"  processes   parent, then child: pid, role, pages_written, pages_read\n"
"              (pages of the measured region the process wrote or read in\n"
"              as far as the payload goes: pages for the one that does it, fewer if\n"
"              the run failed half-way, else 0), syscall_payload_bytes\n"
"              (always 0: no syscall moves the payload)\n"
"  warm        true with --warm yes\n"
"  checksum_ok the child read every page and its checksum matches what the\n"
"              parent wrote\n"
"  elapsed_ns  CLOCK_MONOTONIC ns from the first page copied in (one memcpy\n"
"              per page from a private copy of the payload) to the last\n"
"              read; with --warm yes, after the warm-up, to the moment the\n"
"              reader sees the data ready (the copy in and the hand-off)\n"
"\n"
"Exit status: 0 success; 1 a syscall failed, the shared memory could not\n"
"be backed (SIGBUS while writing), the child failed or the checksum is wrong\n"
"(one line on stderr; the JSON is still printed once the child has been\n"
"started); 2 bad command line or --out; 128+N killed by signal N (after\n"
"cleanup).  SIGKILL cannot be caught: after a SIGKILL of the parent a SysV\n"
"segment, a POSIX name or the ftok directory can stay behind (ipcs -m,\n"
"/dev/shm, $TMPDIR/ipcscope-shm.*); the child then dies with it.\n",
	      stdout);
}

static void parse_args(int argc, char **argv, struct config *cfg)
{
	static const char *const opts[] = {
		"--api", "--size", "--out", "--start-delay", "--cpus", "--ready-delay", "--warm",
		"--sync",
	};
	struct opt_iter it = OPT_ITER(argc, argv, opts, print_help, &cfg->run);
	const char *val, *name;

	while ((name = next_opt(&it, &val))) {
		if (!strcmp(name, "--api")) {
			cfg->api = parse_word(name, val, api_name, 4,
					      "sysv, posix, memfd or anon");
		} else if (!strcmp(name, "--warm")) {
			cfg->warm = (int)parse_word(name, val, no_yes, 2, "no or yes");
		} else if (!strcmp(name, "--sync")) {
			cfg->sem = (int)parse_word(name, val, sync_name, 2, "poll or sem");
		} else {
			cfg->size = parse_num(name, val, 1, SIZE_MAX_BYTES);
		}
	}
}

/*
 * A store into a shmem page that cannot be allocated (a full tmpfs under
 * /dev/shm, say) raises SIGBUS.  While the parent writes the region, jump
 * back to write_region() so the run fails cleanly; at any other time treat
 * it like a termination signal.
 */
static void on_sigbus(int sig)
{
	if (g_writing) {
		g_writing = 0;
		siglongjmp(g_bus_jmp, 1);
	}
	on_term_signal(sig);
}

/* The pages the payload spans: the last one maybe in part. */
static uint64_t payload_pages(const struct config *cfg)
{
	return (cfg->size + cfg->page_size - 1) / cfg->page_size;
}

/* The payload's bytes on page i: a page, or what is left of the payload. */
static size_t page_len(const struct config *cfg, uint64_t i)
{
	uint64_t left = cfg->size - i * cfg->page_size;

	return left < cfg->page_size ? (size_t)left : cfg->page_size;
}

/* The byte written all over page i. */
static unsigned char page_byte(uint64_t i)
{
	return (unsigned char)(1 + i % 251);
}

/* The payload, in private memory, made (and faulted in) before the
 * timing: page i all page_byte(i). NULL after "parent: malloc". */
static unsigned char *payload(const struct config *cfg)
{
	unsigned char *p = malloc(cfg->size);

	if (!p) {
		sys_error("parent", "malloc");
		return NULL;
	}
	for (uint64_t i = 0; i < payload_pages(cfg); i++)
		memset(p + i * cfg->page_size, page_byte(i), page_len(cfg, i));
	return p;
}

/* FNV-1a over 64-bit words (the last one zero-padded): every byte counts,
 * and so does its place. */
static uint64_t checksum_page(uint64_t h, const unsigned char *p, size_t len)
{
	for (size_t k = 0; k < len; k += 8) {
		uint64_t w = 0;

		memcpy(&w, p + k, len - k < sizeof(w) ? len - k : sizeof(w));
		h = (h ^ w) * CHECKSUM_PRIME;
	}
	return h;
}

/* What the child should find, computed on a private page. */
static int expected_checksum(const struct config *cfg, uint64_t *sum)
{
	uint64_t pages = payload_pages(cfg), h = CHECKSUM_SEED;
	unsigned char *page = malloc(cfg->page_size);

	if (!page) {
		sys_error("parent", "malloc");
		return -1;
	}
	for (uint64_t i = 0; i < pages; i++) {
		memset(page, page_byte(i), page_len(cfg, i));
		h = checksum_page(h, page, page_len(cfg, i));
	}
	free(page);
	*sum = h;
	return 0;
}

/* Parent: one memcpy per page, from a private copy of the payload made
 * before the timing; xt: stamp (and mark) the start (NULL: the warm-up).
 * Counted in a static so a longjmp keeps it. */
static volatile uint64_t g_pages_written;

static int write_region(const struct config *cfg, unsigned char *base,
			const unsigned char *src, struct xfer_time *xt)
{
	uint64_t pages = payload_pages(cfg);

	g_pages_written = 0;
	if (sigsetjmp(g_bus_jmp, 1)) {
		say("parent", "SIGBUS writing page %" PRIu64 " of %" PRIu64
		    ": the shared memory could not be backed (out of "
		    "memory, or the tmpfs is full)",
		    (uint64_t)g_pages_written, pages);
		return -1;
	}
	g_writing = 1;
	if (xt)		/* the timed copy; NULL: the warm-up's */
		xfer_start(xt);
	for (uint64_t i = 0; i < pages; i++) {
		memcpy(base + i * cfg->page_size, src + i * cfg->page_size,
		       page_len(cfg, i));
		g_pages_written = i + 1;
	}
	g_writing = 0;
	return 0;
}

/*
 * --warm: the parent copies the payload into every page once (the same
 * copy as the timed one, its SIGBUS handled alike), then the child reads
 * every page once; the timing starts once both have (no first touch left
 * in it).
 */
static int warm_up(const struct config *cfg, unsigned char *base,
		   const unsigned char *src, struct control *ctl)
{
	if (write_region(cfg, base, src, NULL) < 0)
		return -1;
	__atomic_store_n(&ctl->state, STATE_TOUCH, __ATOMIC_RELEASE);
	if (cfg->sem && sem_post(&ctl->ready) < 0) {	/* the reader waits for it */
		sys_error("parent", "sem_post");
		return -1;
	}
	while (!__atomic_load_n(&ctl->touched, __ATOMIC_ACQUIRE)) {
		if (g_child_gone)
			return -1;	/* it failed, and said why */
		sched_yield();
	}
	return 0;
}

/*
 * Child: until the parent moves the state on from `from`. sched_yield, not
 * a sleep: a sleeping reader would add its wake-up delay (up to the sleep)
 * to the transfer time, and on one CPU the yield lets the writer run.
 * --sync sem: sem_wait, which the parent posts after each change (a post
 * taken early only makes the loop look again).
 */
static int wait_state_change(const struct config *cfg, struct control *ctl, int from)
{
	int state;

	while ((state = __atomic_load_n(&ctl->state, __ATOMIC_ACQUIRE)) == from) {
		if (!cfg->sem)
			sched_yield();
		else if (sem_wait(&ctl->ready) < 0 && errno != EINTR)
			return STATE_ABORT;
	}
	return state;
}

/* Child: waits for the parent, then reads every byte of every page. */
static int child_run(const struct config *cfg, const unsigned char *base,
		     struct control *ctl)
{
	uint64_t pages = payload_pages(cfg), h = CHECKSUM_SEED;
	int state;

	xfer_receiver_ready(&ctl->xfer);
	state = wait_state_change(cfg, ctl, STATE_WAIT);
	if (state == STATE_TOUCH) {
		/* --warm: every page read once, its faults taken now */
		for (uint64_t i = 0; i < pages; i++)
			h = checksum_page(h, base + i * cfg->page_size,
					  page_len(cfg, i));
		ctl->checksum = h;	/* used: the loads are not optimised away */
		h = CHECKSUM_SEED;
		__atomic_store_n(&ctl->touched, 1, __ATOMIC_RELEASE);
		state = wait_state_change(cfg, ctl, STATE_TOUCH);
	}
	if (state != STATE_READY)
		return 1;	/* the parent failed and already said why */
	if (cfg->warm)	/* the steady state: the copy in and the hand-off */
		xfer_end(&ctl->xfer);
	for (uint64_t i = 0; i < pages; i++) {
		h = checksum_page(h, base + i * cfg->page_size, page_len(cfg, i));
		ctl->pages_read = i + 1;
	}
	if (!cfg->warm)	/* first touch: the reader's faults too */
		xfer_end(&ctl->xfer);
	ctl->checksum = h;
	ctl->child_done = 1;
	return 0;
}

/* maps_path comes from the kernel; keep the JSON valid whatever it is. */
static void json_ascii_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void json_process(FILE *f, pid_t pid, const char *role,
			 const struct counts *c, int last)
{
	fprintf(f, "    {\"pid\": %ld, \"role\": \"%s\", \"pages_written\": %"
		PRIu64 ", \"pages_read\": %" PRIu64 ", "
		"\"syscall_payload_bytes\": 0}%s\n", (long)pid, role,
		c->pages_written, c->pages_read, last ? "" : ",");
}

static void print_json(FILE *f, const struct config *cfg,
		       const struct segment *seg, pid_t ppid, pid_t cpid,
		       const struct counts *pc, const struct counts *cc,
		       int checksum_ok, uint64_t elapsed_ns)
{
	fprintf(f, "{\n  \"workload\": \"shm\",\n  \"api\": \"%s\",\n"
		"  \"sync\": \"%s\",\n"
		"  \"size\": %" PRIu64 ",\n  \"page_size\": %zu,\n"
		"  \"pages\": %" PRIu64 ",\n  \"segment\": {",
		api_name[cfg->api], sync_name[cfg->sem], cfg->size, cfg->page_size,
		payload_pages(cfg));
	if (cfg->api == API_SYSV)
		fprintf(f, "\"id\": %d, \"key\": %ld, ", seg->shmid,
			(long)seg->key);
	else
		fputs("\"id\": null, \"key\": null, ", f);
	fputs("\"name\": ", f);
	if (seg->name[0])
		json_string(f, seg->name);
	else
		fputs("null", f);
	if (cfg->api == API_SYSV)
		fprintf(f, ", \"ino\": %d", seg->shmid);
	else if (seg->have_stat)
		fprintf(f, ", \"ino\": %" PRIu64, seg->id.ino);
	else
		fputs(", \"ino\": null", f);
	if (seg->have_stat)
		fprintf(f, ", \"dev\": %" PRIu64 ", \"dev_major\": %u, "
			"\"dev_minor\": %u", seg->id.dev, seg->id.dev_major,
			seg->id.dev_minor);
	else
		fputs(", \"dev\": null, \"dev_major\": null, \"dev_minor\": null",
		      f);
	if (seg->have_maps) {
		fprintf(f, ", \"maps_ino\": %" PRIu64 ", \"maps_dev_major\": %u"
			", \"maps_dev_minor\": %u, \"maps_path\": ",
			seg->maps_ino, seg->maps_major, seg->maps_minor);
		json_ascii_string(f, seg->maps_path);
	} else {
		fputs(", \"maps_ino\": null, \"maps_dev_major\": null, "
		      "\"maps_dev_minor\": null, \"maps_path\": null", f);
	}
	fputs("},\n  \"control\": {\"maps_ino\": ", f);
	if (seg->have_control_maps)
		fprintf(f, "%" PRIu64, seg->control_maps_ino);
	else
		fputs("null", f);
	fputs("},\n  \"processes\": [\n", f);
	json_process(f, ppid, "parent", pc, 0);
	json_process(f, cpid, "child", cc, 1);
	fprintf(f, "  ],\n  \"warm\": %s,\n  \"checksum_ok\": %s,\n  \"elapsed_ns\": %"
		PRIu64 "\n}\n", cfg->warm ? "true" : "false", checksum_ok ? "true" : "false",
		elapsed_ns);
}

int main(int argc, char **argv)
{
	struct config cfg = { .api = API_SYSV, .size = SIZE_DEFAULT };
	struct segment seg = { .shmid = -1, .key = -1 };
	unsigned char *src = NULL;
	struct counts pc = { 0, 0 }, cc = { 0, 0 };
	int status = 0, failed = 0, checksum_ok = 0, fd = -1;
	uint64_t pages, want = 0;
	struct control *ctl;
	void *base = NULL;
	char cpath[PATH_MAX + 32];
	unsigned int cmaj, cmin;
	pid_t ppid, cpid;
	long ps;
	FILE *out;

	ps = sysconf(_SC_PAGESIZE);
	if (ps <= 0 || ps % 8) {
		fprintf(stderr, "shm: unusable page size %ld\n", ps);
		return 1;
	}
	cfg.page_size = (size_t)ps;
	parse_args(argc, argv, &cfg);
	pages = payload_pages(&cfg);
	prepare_names(&cfg);
	out = open_out(cfg.run.out_path);

	/* The child's counts and the ready flag live here, apart from the
	 * measured region: no IPC syscall needed to report them. */
	ctl = map_shared_zeroed(sizeof(*ctl));
	if (!ctl)
		return 1;
	if (cfg.sem && sem_init(&ctl->ready, 1, 0) < 0) {
		sys_error("parent", "sem_init");
		return 1;
	}

	install_common_handlers(0, NULL);
	install_handler(SIGBUS, on_sigbus);
	if (sleep_ms(cfg.run.start_delay_ms) < 0)
		return 1;

	if (create_region(&cfg, &seg, &base, &fd) < 0) {
		cleanup_region(&cfg, base, fd);
		return 1;
	}
	/* procfs, not the payload: read before the fork. */
	if (find_maps(base, &seg.maps_ino, &seg.maps_major, &seg.maps_minor,
		      seg.maps_path, sizeof(seg.maps_path)) == 0)
		seg.have_maps = 1;
	if (find_maps(ctl, &seg.control_maps_ino, &cmaj, &cmin, cpath,
		      sizeof(cpath)) == 0)
		seg.have_control_maps = 1;
	if (!seg.have_maps || !seg.have_control_maps) {
		cleanup_region(&cfg, base, fd);
		return 1;
	}

	/* Nobody would ever set the flag for an orphan. */
	ppid = getpid();
	cpid = fork_child(ppid, CHILD_PDEATHSIG);
	if (cpid < 0) {
		cleanup_region(&cfg, base, fd);
		return 1;
	}
	if (cpid == 0)	/* _exit: no stdio flush, no atexit, no cleanup */
		_exit(child_run(&cfg, base, ctl));

	/* what the child should find, computed before the timing: after it,
	   on one CPU, it would run before the child and count in its time */
	src = payload(&cfg);
	if (!src || expected_checksum(&cfg, &want) < 0 ||
	    (cfg.warm && warm_up(&cfg, base, src, ctl) < 0) ||
	    xfer_wait_receiver(&ctl->xfer, 1) < 0) {
		failed = 1;
		__atomic_store_n(&ctl->state, STATE_ABORT, __ATOMIC_RELEASE);
	} else if (write_region(&cfg, base, src, &ctl->xfer) < 0) {
		failed = 1;
		__atomic_store_n(&ctl->state, STATE_ABORT, __ATOMIC_RELEASE);
	} else {
		__atomic_store_n(&ctl->state, STATE_READY, __ATOMIC_RELEASE);
	}
	/* --sync sem: the reader waits for this post (READY or ABORT) */
	if (cfg.sem && sem_post(&ctl->ready) < 0) {
		sys_error("parent", "sem_post");
		failed = 1;
	}
	pc.pages_written = g_pages_written;

	if (reap_child(cpid, &status) < 0)
		failed = 1;
	cc.pages_read = ctl->pages_read;
	/* Counts are collected: the region is no longer needed. */
	if (cleanup_region(&cfg, base, fd) < 0)
		failed = 1;

	/* A child that exited 1 because the parent failed: the parent
	 * already said why. */
	if (child_status(status, 1) < 0) {
		failed = 1;
	} else if (!failed) {
		if (ctl->child_done && cc.pages_read == pages &&
		    ctl->checksum == want) {
			checksum_ok = 1;
		} else {
			fprintf(stderr, "shm: child's checksum %016" PRIx64
				" over %" PRIu64 " pages, expected %016" PRIx64
				" over %" PRIu64 "\n", ctl->checksum,
				cc.pages_read, want, pages);
			failed = 1;
		}
	}

	print_json(out, &cfg, &seg, ppid, cpid, &pc, &cc, checksum_ok,
		   xfer_elapsed_ns(&ctl->xfer));
	free(src);
	return finish_output(out, failed);
}
