/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fixture shared by test-uapi-host.c and test-uapi-lifetime.c: one host
 * with one "minimal" device in group 12 and no descriptor open yet, so that
 * each test opens and attaches in the order it is about. Static inline, as
 * irq-fixture.h; the general uAPI steps are in test-util.h.
 */
#ifndef VFSIM_TEST_UAPI_HOST_FIXTURE_H
#define VFSIM_TEST_UAPI_HOST_FIXTURE_H

#include <stdlib.h>
#include <unistd.h>

#include "uapi.h"
#include "test-util.h"

#define BDF "0000:00:04.0"
#define GROUP 12

struct fx {
	struct vfsim_host *h;
	struct vfsim_dev *dev;
	int ctr, grp, devfd, efd;	/* -1: not open */
};

static inline int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dev = tu_dev_from("minimal");
	assert_int_equal(vfsim_host_new(NULL, &f->h), 0);
	assert_int_equal(vfsim_host_add_device(f->h, f->dev, GROUP, BDF), 0);
	f->ctr = f->grp = f->devfd = f->efd = -1;
	*state = f;
	return 0;
}

/* The host closes what the test left open; the device is detached from it. */
static inline int fx_teardown(void **state)
{
	struct fx *f = *state;

	vfsim_host_free(f->h);
	assert_null(f->dev->dma);
	vfsim_dev_free(f->dev);
	if (f->efd >= 0)
		close(f->efd);
	free(f);
	return 0;
}

/* Container and group opened, the group set to the container, IOMMU @type. */
static inline void fx_attach(struct fx *f, unsigned long type)
{
	f->ctr = tu_open_container(f->h);
	f->grp = tu_open_group(f->h, GROUP);
	tu_set_container_ok(f->h, f->grp, f->ctr);
	tu_set_iommu_ok(f->h, f->ctr, type);
}

#define FX(t) cmocka_unit_test_setup_teardown(t, fx_setup, fx_teardown)

#endif
