// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * cgroup.c - cgroup ids named by their paths, and the containers and
 * systemd units those paths show (see cgroup.h).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include "cgroup.h"


static const char *cgroup2_root(void)
{
	static const char *const roots[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
	struct statfs sf;

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
		if (!statfs(roots[i], &sf) && sf.f_type == CGROUP2_SUPER_MAGIC)
			return roots[i];
	return NULL;
}

static int add_name(struct cgroup_names *cn, uint64_t id, const char *path, size_t *cap)
{
	if (cn->n == CGROUP_MAX_NAMES) {
		cn->truncated = true;
		return 0;
	}
	if (cn->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct cgroup_name *v = realloc(cn->v, ncap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		cn->v = v;
		*cap = ncap;
	}
	cn->v[cn->n].path = strdup(path[0] ? path : "/");
	if (!cn->v[cn->n].path)
		return -ENOMEM;
	cn->v[cn->n++].id = id;
	return 0;
}

/* dir: the cgroup at rel ("" for the root); its id, then its children */
static int walk(struct cgroup_names *cn, int dir, const char *rel, int depth, size_t *cap)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int err;

	if (fstat(dir, &st)) {
		close(dir);
		return 0;	/* gone meanwhile */
	}
	err = add_name(cn, st.st_ino, rel, cap);
	if (err || depth == CGROUP_MAX_DEPTH) {
		if (!err && depth == CGROUP_MAX_DEPTH)
			cn->truncated = true;
		close(dir);
		return err;
	}
	d = fdopendir(dir);
	if (!d) {
		close(dir);
		return 0;
	}
	while (!err && (e = readdir(d))) {
		char path[PATH_MAX];
		int fd;

		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", rel, e->d_name) >= (int)sizeof(path)) {
			cn->truncated = true;
			continue;
		}
		fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0)
			err = walk(cn, fd, path, depth + 1, cap);
	}
	closedir(d);
	return err;
}

static int by_id(const void *a, const void *b)
{
	const struct cgroup_name *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

int cgroup_names_load(struct cgroup_names *cn, const char *root)
{
	size_t cap = 0;
	int fd, err;

	memset(cn, 0, sizeof(*cn));
	if (!root)
		root = cgroup2_root();
	if (!root)
		return -ENOENT;
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = walk(cn, fd, "", 0, &cap);
	if (err) {
		cgroup_names_free(cn);
		return err;
	}
	qsort(cn->v, cn->n, sizeof(cn->v[0]), by_id);
	return 0;
}

const char *cgroup_names_find(const struct cgroup_names *cn, uint64_t id)
{
	struct cgroup_name key = { .id = id }, *found;

	if (!cn->n)
		return NULL;
	found = bsearch(&key, cn->v, cn->n, sizeof(cn->v[0]), by_id);
	return found ? found->path : NULL;
}

void cgroup_names_free(struct cgroup_names *cn)
{
	for (size_t i = 0; i < cn->n; i++)
		free(cn->v[i].path);
	free(cn->v);
	memset(cn, 0, sizeof(*cn));
}

/* 64 hex digits, exactly n = 64 characters */
static bool container_id(const char *s, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n > k && !memcmp(s + n - k, suffix, k);
}

static void set(char *dst, size_t len, const char *src, size_t n)
{
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

bool cgroup_describe(const char *path, struct cgroup_desc *d)
{
	/* systemd's driver: PREFIX-ID.scope; the runtime it names */
	static const struct { const char *prefix, *runtime; } scopes[] = {
		{ "docker-", "docker" }, { "cri-containerd-", "containerd" },
		{ "crio-", "cri-o" }, { "libpod-", "podman" },
	};
	const char *p = path, *prev = NULL;
	size_t prev_n = 0;
	bool kube = false;

	memset(d, 0, sizeof(*d));
	while (*p) {
		const char *c;
		size_t n;

		while (*p == '/')
			p++;
		c = p;
		while (*p && *p != '/')
			p++;
		n = p - c;
		if (!n)
			break;
		if (n >= 8 && !memcmp(c, "kubepods", 8))
			kube = true;
		for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
			size_t k = strlen(scopes[i].prefix);

			if (n > k + 6 && !memcmp(c, scopes[i].prefix, k) &&
			    ends_with(c, n, ".scope") && container_id(c + k, n - k - 6)) {
				set(d->runtime, sizeof(d->runtime), scopes[i].runtime,
				    strlen(scopes[i].runtime));
				set(d->id, sizeof(d->id), c + k, 64);
			}
		}
		/* cgroupfs's driver: /docker/ID, /kubepods/CLASS/podUID/ID */
		if (container_id(c, n) && (kube || (prev && prev_n == 6 &&
						    !memcmp(prev, "docker", 6)))) {
			set(d->runtime, sizeof(d->runtime), kube ? "kubernetes" : "docker",
			    kube ? 10 : 6);
			set(d->id, sizeof(d->id), c, 64);
		}
		if (ends_with(c, n, ".service") || ends_with(c, n, ".scope") ||
		    ends_with(c, n, ".slice") || ends_with(c, n, ".socket") ||
		    ends_with(c, n, ".mount"))
			set(d->unit, sizeof(d->unit), c, n);
		prev = c;
		prev_n = n;
	}
	return d->runtime[0] || d->unit[0];
}
