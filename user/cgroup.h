/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * cgroup.h - a process's cgroup (v2), named for the reports. The kernel
 * gives an id (bpf_get_current_cgroup_id: on cgroup v2, the inode number
 * of the cgroup's directory); the path comes from a walk of the cgroup2
 * mount at report time (a cgroup removed since has an id and no path),
 * and what the path's shape says: a container (docker, containerd, CRI-O,
 * podman, with its id) or a systemd unit.
 */
#ifndef CGROUP_H
#define CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cgroup_names {
	struct cgroup_name {
		uint64_t id;
		char *path;	/* "/system.slice/cron.service"; "/" for the root */
	} *v;			/* sorted by id */
	size_t n;
	bool truncated;		/* the walk stopped at its bounds */
};

/* The cgroups under root (NULL: the cgroup2 mount, /sys/fs/cgroup or
 * /sys/fs/cgroup/unified), at most CGROUP_MAX_DEPTH deep and
 * CGROUP_MAX_NAMES of them. 0, or -errno (no cgroup2 mount: -ENOENT,
 * and cn is empty). */
#define CGROUP_MAX_DEPTH	32
#define CGROUP_MAX_NAMES	65536
int cgroup_names_load(struct cgroup_names *cn, const char *root);
/* The path of cgroup id, or NULL (removed, or never seen by the walk) */
const char *cgroup_names_find(const struct cgroup_names *cn, uint64_t id);
void cgroup_names_free(struct cgroup_names *cn);

/* What a cgroup's path names: a container's runtime and id, or a systemd
 * unit (a service, a scope, a slice), the innermost that the path shows */
struct cgroup_desc {
	char runtime[16];	/* "docker", "containerd", "cri-o", "podman"; "" */
	char id[65];		/* the container's id, 64 hex digits */
	char unit[128];		/* "cron.service", "session-3.scope"; "" */
};
/* true if the path names a container or a unit */
bool cgroup_describe(const char *path, struct cgroup_desc *d);

#endif
