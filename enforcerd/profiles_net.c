// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "enforcer.skel.h"
#include "log.h"
#include "profiles_net.h"

static int net_rules_fd(const struct engine *e)
{
	return bpf_map__fd(e->skel->maps.net_rules);
}

static void net_key_of(const struct bundle_file_net *n, uint32_t instance, struct enf_net_key *key)
{
	memset(key, 0, sizeof(*key));
	key->prefixlen = ENF_NET_PREFIX_INSTANCE + n->prefix_len;
	key->instance = instance;
	memcpy(key->addr, n->addr, sizeof(key->addr));
}

/* Remove the first n entries of b under instance. */
static void remove_first(int fd, const struct bundle *b, uint32_t instance, uint32_t n)
{
	struct enf_net_key key;

	for (uint32_t i = 0; i < n; i++) {
		net_key_of(&b->net[i], instance, &key);
		if (bpf_map_delete_elem(fd, &key) < 0 && errno != ENOENT)
			log_warn("cannot remove network prefix %u of instance %u: %m", i, instance);
	}
}

int net_rules_insert(const struct engine *e, const struct bundle *b, uint32_t instance, char *msg, size_t size)
{
	int fd = net_rules_fd(e);
	struct enf_net_key key;

	for (uint32_t i = 0; i < b->n_net; i++) {
		net_key_of(&b->net[i], instance, &key);
		if (bpf_map_update_elem(fd, &key, &b->net[i].val, BPF_NOEXIST) < 0) {
			int r = -errno;
			char addr[64];

			remove_first(fd, b, instance, i);
			bundle_format_addr(b->net[i].addr, b->net[i].prefix_len, addr, sizeof(addr));
			if (r == -E2BIG || r == -ENOMEM || r == -ENOSPC)
				snprintf(msg, size, "profile '%s': the kernel network map is full (%u prefixes over all "
					 "profiles); unload profiles or use fewer distinct addresses", b->name,
					 ENF_MAX_NET_PREFIXES);
			else
				snprintf(msg, size, "profile '%s': cannot write network prefix %s: %s", b->name, addr,
					 strerror(-r));
			return r;
		}
	}
	return 0;
}

void net_rules_remove(const struct engine *e, const struct bundle *b, uint32_t instance)
{
	remove_first(net_rules_fd(e), b, instance, b->n_net);
}
