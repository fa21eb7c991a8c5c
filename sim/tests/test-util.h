/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The helpers every test program shares, built once (sim/tests/meson.build:
 * libtestutil) instead of copied into each file: descriptor counting, fixture
 * profiles by name, the rule assertions, a host with devices opened through
 * the uAPI the way a VFIO client does it, and the migration session callers
 * of the three mig tests. Everything here fails the running cmocka test on a
 * setup error; helpers come in pairs where a test wants the errno (do_x
 * returns -errno, x_ok asserts).
 */
#ifndef VFSIM_TEST_UTIL_H
#define VFSIM_TEST_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <sys/types.h>
#include <cmocka.h>

#include "include/vfsim.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "fixtures"
#endif

#define TU_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- process and fixtures ------------------------------------------------- */

/* Open descriptors of this process (/proc/self/fd, without the directory's own). */
int tu_fd_count(void);
/* "/tmp/vfsim-<name>-" plus mkstemp's six-letter template, into @buf. */
void tu_temp_template(char *buf, size_t len, const char *name);

/* FIXTURES_DIR/devices/<name>.json, loaded; a load error fails the test with
 * the loader's message. */
struct vfsim_profile *tu_profile_load(const char *name);

/* A device built from FIXTURES_DIR/devices/<name>.json (the profile is freed). */
struct vfsim_dev *tu_dev_from(const char *name);

#define TU_STEMS_MAX 128

/* The *.json files of a fixture directory, without ".json", sorted. */
struct tu_stems {
	unsigned n;
	char name[TU_STEMS_MAX][64];
};

/* Lists FIXTURES_DIR/<subdir>; fails the test past TU_STEMS_MAX files. */
void tu_fixture_stems(const char *subdir, struct tu_stems *ret);

/* ---- rules ------------------------------------------------------------------ */

/* @r is @err and the last rejection named @rule (by name on a mismatch). */
void tu_expect_rule(int r, int err, int rule);

/* tu_expect_rule, and the errno recorded with the rule is @err too. */
void tu_assert_rejected(int r, int err, int rule);

/* ---- the uAPI as a client sees it --------------------------------------------- */

void *tu_val(unsigned long v);	/* an integer ioctl argument */
int tu_open_container(struct vfsim_host *h);
int tu_open_group(struct vfsim_host *h, unsigned group);
void tu_set_container_ok(struct vfsim_host *h, int grp, int ctr);
void tu_set_iommu_ok(struct vfsim_host *h, int ctr, unsigned long type);
int tu_get_device_ok(struct vfsim_host *h, int grp, const char *bdf);

#define TU_VFIO_DEVS 4

/* A device of a struct tu_vfio with the group and device fds opened for it. */
struct tu_vdev {
	struct vfsim_dev *dev;
	int grp, fd;
};

/* One host, one container (type1 v2 once the first group is in), devices. */
struct tu_vfio {
	struct vfsim_host *host;
	int ctr;
	bool iommu;
	unsigned n;
	struct tu_vdev d[TU_VFIO_DEVS];
};

/* A host and an open container, no devices yet. */
void tu_vfio_init(struct tu_vfio *v);

/* Profile @profile as a device at @bdf in @group: group opened, set to the
 * container (SET_IOMMU on the first), device fd from GET_DEVICE_FD. */
struct tu_vdev *tu_vfio_add(struct tu_vfio *v, const char *profile, unsigned group, const char *bdf);

/* tu_vfio_init and tu_vfio_add: the common one-device environment. */
struct tu_vdev *tu_vfio_open(struct tu_vfio *v, const char *profile, unsigned group, const char *bdf);

/* Frees the host (closing every fd it made) and then the devices. */
void tu_vfio_close(struct tu_vfio *v);

/* ---- migration sessions (mig.h) ---------------------------------------------- */

struct mig_state;

int tu_mig_set(struct mig_state *m, uint32_t target, uint32_t *ret_session);
/* Asserts the arc and the state reached; returns the session it opened (0: none). */
uint32_t tu_mig_set_ok(struct mig_state *m, uint32_t target);
ssize_t tu_mig_read(struct mig_state *m, uint32_t s, void *buf, size_t len);
ssize_t tu_mig_write(struct mig_state *m, uint32_t s, const void *buf, size_t len);
int tu_mig_info(struct mig_state *m, uint32_t s, uint64_t *ret_initial, uint64_t *ret_dirty);
void tu_mig_info_ok(struct mig_state *m, uint32_t s, uint64_t *ret_initial, uint64_t *ret_dirty);

/* A growing byte buffer for a saved stream; free(b->p) when done. */
struct tu_blob {
	uint8_t *p;
	size_t len, cap;
};

/* Appends session @s's data in 1000-byte reads until the end of stream, or
 * with @until_enomsg until PRE_COPY's temporary end (-ENOMSG). */
void tu_blob_read_all(struct mig_state *m, uint32_t s, struct tu_blob *b, bool until_enomsg);

#endif
