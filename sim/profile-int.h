/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal to the profile loader, shared by its two halves: profile.c parses
 * the JSON and owns the public calls, profile-check.c holds the checks that
 * look past a single value. No other module includes this.
 */
#ifndef VFSIM_PROFILE_INT_H
#define VFSIM_PROFILE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include "profile.h"
#include "rules.h"

struct prof_ctx {
	const char *file;
	char *err;
	size_t errlen;
	char path[160];
	size_t plen;
	struct vfsim_profile *p;
	int bar_pos[6];			/* position in "bars" of each defined BAR, -1 if none */
};

/* "migration" as written, before it becomes VFIO_MIGRATION_* flags. */
struct prof_mig_in {
	bool stop_copy, p2p, pre_copy;
};

/* profile.c: the message "FILE: key.path: what" and the key path it names. */
__attribute__((format(printf, 4, 5)))
int prof_fail(struct prof_ctx *c, enum vfsim_rule rule, int err, const char *fmt, ...);
__attribute__((format(printf, 2, 3)))
size_t prof_push(struct prof_ctx *c, const char *fmt, ...);
void prof_pop(struct prof_ctx *c, size_t mark);
size_t prof_push_key(struct prof_ctx *c, const char *key);

/* profile-check.c: 0, or the -errno prof_fail() returned. The first group runs
 * as each value is parsed (the path names it); prof_validate runs at the end. */
int prof_check_bar(struct prof_ctx *c, const struct prof_bar *b);
int prof_check_bar_slots(struct prof_ctx *c, const struct vfsim_profile *p);
int prof_check_msi(struct prof_ctx *c, const struct vfsim_profile *p);
int prof_check_msix_vectors(struct prof_ctx *c, const struct vfsim_profile *p);
int prof_check_mig(struct prof_ctx *c, const struct prof_mig_in *m);
int prof_check_region(struct prof_ctx *c, const struct prof_dev_region *reg);
int prof_validate(struct prof_ctx *c);

#endif
