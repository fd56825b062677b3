// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * channels.c - the two ends of each socket connection, paired once per
 * snapshot (snapshot_finish), by sorted lookups rather than by comparing
 * every socket with every other.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "snapshot.h"

/*
 * A socket end, under a key the other end can be looked up by. Unix: its
 * own struct sock address (self) or its peer's (peer). TCP/UDP: its ports,
 * local then remote (self); the other end has them the other way round.
 */
struct end_ref {
	uint64_t k1, k2;
	size_t obj;
};

static int cmp_ref(const void *pa, const void *pb)
{
	const struct end_ref *a = pa, *b = pb;

	if (a->k1 != b->k1)
		return a->k1 < b->k1 ? -1 : 1;
	if (a->k2 != b->k2)
		return a->k2 < b->k2 ? -1 : 1;
	return a->obj < b->obj ? -1 : a->obj > b->obj;
}

static uint64_t ports(uint16_t first, uint16_t second)
{
	return (uint64_t)first << 16 | second;
}

static uint64_t kind_family(const struct ipc_obj_row *o)
{
	return (uint64_t)o->key.kind << 16 | o->sock->family;
}

/* The first ref with key (k1, k2), or n */
static size_t lower_bound(const struct end_ref *refs, size_t n, uint64_t k1,
			  uint64_t k2)
{
	struct end_ref want = { k1, k2, 0 };
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_ref(&refs[mid], &want) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The end that pairs with objs[i] among the refs with key (k1, k2): the
 * first one after i, in object order, not yet paired and really its peer.
 * best is the best so far (-1: none).
 */
static ssize_t best_end(const struct snapshot *s, const bool *used,
			const struct end_ref *refs, size_t n, uint64_t k1,
			uint64_t k2, size_t i, ssize_t best)
{
	const struct ipc_obj_row *a = &s->objs[i];

	for (size_t r = lower_bound(refs, n, k1, k2);
	     r < n && refs[r].k1 == k1 && refs[r].k2 == k2; r++) {
		size_t j = refs[r].obj;

		if (j <= i || used[j] || (best >= 0 && (size_t)best <= j))
			continue;
		if (s->objs[j].key.kind == a->key.kind &&
		    ipc_sock_peers(a->sock, s->objs[j].sock))
			return j;	/* refs of one key are in object order */
	}
	return best;
}

static bool is_socket(const struct ipc_obj_row *o)
{
	return ipc_kind_mech(o->key.kind) == IPC_MECH_SOCKET && o->sock;
}

static int cmp_channel(const void *pa, const void *pb)
{
	const struct ipc_channel *a = pa, *b = pb;

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	/* qsort is not stable: ties fall back on the object order */
	return (a->a > b->a) - (a->a < b->a);
}

/* Both lookup tables: every socket by its own key, Unix ones by peer too */
static void index_ends(const struct snapshot *s, struct end_ref *self, size_t *nself,
		       struct end_ref *peer, size_t *npeer)
{
	*nself = *npeer = 0;
	for (size_t i = 0; i < s->nobjs; i++) {
		const struct ipc_obj_row *o = &s->objs[i];

		if (!is_socket(o))
			continue;
		if (o->sock->family == AF_UNIX) {
			self[(*nself)++] = (struct end_ref){ o->key.kind, o->sock->sk_id, i };
			if (o->sock->peer_sk_id)
				peer[(*npeer)++] = (struct end_ref){
					o->key.kind, o->sock->peer_sk_id, i };
		} else {
			self[(*nself)++] = (struct end_ref){ kind_family(o),
				ports(o->sock->local_port, o->sock->remote_port), i };
		}
	}
	qsort(self, *nself, sizeof(*self), cmp_ref);
	qsort(peer, *npeer, sizeof(*peer), cmp_ref);
}

int snapshot_pair_channels(struct snapshot *s)
{
	size_t cap = s->nobjs ? s->nobjs : 1, nself, npeer, n = 0;
	struct end_ref *self = calloc(cap, sizeof(*self));
	struct end_ref *peer = calloc(cap, sizeof(*peer));
	bool *used = calloc(cap, sizeof(*used));
	struct ipc_channel *ch = calloc(cap, sizeof(*ch));

	if (!self || !peer || !used || !ch) {
		free(self), free(peer), free(used), free(ch);
		return -ENOMEM;
	}
	index_ends(s, self, &nself, peer, &npeer);
	for (size_t i = 0; i < s->nobjs; i++) {
		const struct ipc_obj_row *a = &s->objs[i];
		const struct ipc_sock_info *si = a->sock;
		ssize_t b = -1;

		if (used[i] || !is_socket(a))
			continue;
		used[i] = true;
		if (si->family == AF_UNIX) {
			if (si->peer_sk_id)
				b = best_end(s, used, self, nself, a->key.kind,
					     si->peer_sk_id, i, b);
			b = best_end(s, used, peer, npeer, a->key.kind, si->sk_id, i, b);
		} else {
			b = best_end(s, used, self, nself, kind_family(a),
				     ports(si->remote_port, si->local_port), i, b);
		}
		if (b >= 0)
			used[b] = true;
		ch[n].a = i;
		ch[n].b = b;
		ch[n].bytes = ipc_channel_bytes(s, &ch[n]);
		n++;
	}
	free(self);
	free(peer);
	free(used);
	qsort(ch, n, sizeof(*ch), cmp_channel);
	free(s->channels);
	s->channels = ch;
	s->nchannels = n;
	return 0;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

uint64_t ipc_channel_bytes(const struct snapshot *s, const struct ipc_channel *c)
{
	const struct ipc_obj_stats *a = &s->objs[c->a].st;
	const struct ipc_obj_stats *b = c->b >= 0 ? &s->objs[c->b].st : NULL;

	if (!b)
		return a->bytes_in + a->bytes_out;
	return max_u64(a->bytes_in, b->bytes_out) + max_u64(b->bytes_in, a->bytes_out);
}
