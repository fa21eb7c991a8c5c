/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * uapi-host.c's object lifetimes (kernel-uapi.md §1.1, conformance item 20):
 * a device fd holds its group, the container outlives its fd while a group
 * holds it, the last group out drops the IOMMU and its mappings, groups and
 * devices sharing a container; and fd bookkeeping: no descriptor leaks across
 * open/close and vfsim_host_free, and the fd table's bound.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#include <cmocka.h>

#include "uapi.h"
#include "rules.h"
#include "test-util.h"
#include "uapi-host-fixture.h"

/* ---- what a group and a container report ---------------------------------- */

static uint32_t status_flags(struct fx *f, int grp)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };

	assert_int_equal(vfsim_ioctl(f->h, grp, VFIO_GROUP_GET_STATUS, &st), 0);
	return st.flags;
}

/* DMA_AVAIL from the container's IOMMU GET_INFO chain (kernel-uapi.md §1.6). */
static uint32_t dma_avail_of(struct fx *f, int ctr)
{
	union {
		struct vfio_iommu_type1_info info;
		uint8_t b[512];
	} u;
	uint32_t off, avail;
	int hops;

	memset(&u, 0, sizeof(u));
	u.info.argsz = sizeof(u);
	assert_int_equal(vfsim_ioctl(f->h, ctr, VFIO_IOMMU_GET_INFO, &u), 0);
	assert_true(u.info.flags & VFIO_IOMMU_INFO_CAPS);
	for (off = u.info.cap_offset, hops = 0; off && hops < 8; hops++) {
		struct vfio_info_cap_header h;

		assert_true(off + 12 <= sizeof(u));
		memcpy(&h, u.b + off, sizeof(h));
		if (h.id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL) {
			memcpy(&avail, u.b + off + 8, 4);
			return avail;
		}
		off = h.next;
	}
	fail_msg("no DMA_AVAIL cap");
	return 0;
}

/* ---- item 20 and the IOMMU's lifetime ------------------------------------ */

static void map_page(struct fx *f, uint64_t iova, void *mem)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map), .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)mem, .iova = iova, .size = 4096,
	};

	assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_MAP_DMA, &map), 0);
}

static void test_teardown_drops_maps(void **state)
{
	struct fx *f = *state;
	struct vfio_iommu_type1_dma_unmap um = {
		.argsz = sizeof(um), .flags = VFIO_DMA_UNMAP_FLAG_ALL,
	};
	void *mem = aligned_alloc(4096, 2 * 4096);

	assert_non_null(mem);
	fx_attach(f, VFIO_TYPE1v2_IOMMU);
	assert_non_null(f->dev->dma);
	map_page(f, 0x100000, mem);
	map_page(f, 0x200000, (uint8_t *)mem + 4096);
	assert_int_equal(dma_avail_of(f, f->ctr), 65533);

	/* the last group out: back to EMPTY, no driver */
	assert_int_equal(vfsim_ioctl(f->h, f->grp, VFIO_GROUP_UNSET_CONTAINER, NULL), 0);
	assert_null(f->dev->dma);
	assert_int_equal(status_flags(f, f->grp), VFIO_GROUP_FLAGS_VIABLE);
	assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_GET_INFO, NULL), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_CTR_NO_DRIVER);

	tu_set_container_ok(f->h, f->grp, f->ctr);
	tu_set_iommu_ok(f->h, f->ctr, VFIO_TYPE1v2_IOMMU);
	assert_int_equal(dma_avail_of(f, f->ctr), 65535);
	/* the old mappings are gone: the same IOVA maps again, unmap-all finds one */
	map_page(f, 0x100000, mem);
	assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_UNMAP_DMA, &um), 0);
	assert_int_equal(um.size, 4096);
	free(mem);
}

/* Closing the group fd with a device fd open: the device fd holds the group,
 * the attachment and the IOMMU stay until the last device fd closes. */
static void test_group_close_with_open_device(void **state)
{
	struct fx *f = *state;
	struct ufd *u;
	int d2;

	fx_attach(f, VFIO_TYPE1v2_IOMMU);
	f->devfd = tu_get_device_ok(f->h, f->grp, BDF);
	d2 = tu_get_device_ok(f->h, f->grp, BDF);
	u = uapi_fd_lookup(f->h, f->devfd);
	assert_non_null(u);
	assert_int_equal(u->device->open_count, 2);
	assert_int_equal(u->device->group->container_users, 3);

	assert_int_equal(vfsim_close(f->h, f->grp), 0);
	f->grp = -1;
	assert_int_equal(fcntl(u->fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_int_equal(vfsim_open(f->h, "/dev/vfio/12", O_RDWR), -EBUSY);
	assert_non_null(f->dev->dma);
	assert_int_equal(dma_avail_of(f, f->ctr), 65535);

	assert_int_equal(vfsim_close(f->h, d2), 0);
	assert_int_equal(u->device->open_count, 1);
	assert_non_null(f->dev->dma);
	assert_int_equal(vfsim_open(f->h, "/dev/vfio/12", O_RDWR), -EBUSY);

	assert_int_equal(vfsim_close(f->h, f->devfd), 0);
	f->devfd = -1;
	assert_null(f->dev->dma);
	assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_GET_INFO, NULL), -EINVAL);
	f->grp = tu_open_group(f->h, GROUP);
	assert_int_equal(status_flags(f, f->grp), VFIO_GROUP_FLAGS_VIABLE);
}

/* The container object outlives its fd while a group holds it. */
static void test_container_close_keeps_attachment(void **state)
{
	struct fx *f = *state;

	fx_attach(f, VFIO_TYPE1v2_IOMMU);
	assert_int_equal(vfsim_close(f->h, f->ctr), 0);
	assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_GET_API_VERSION, NULL), -EBADF);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_FD_BAD);
	f->ctr = -1;
	assert_int_equal(status_flags(f, f->grp),
			 VFIO_GROUP_FLAGS_VIABLE | VFIO_GROUP_FLAGS_CONTAINER_SET);
	f->devfd = tu_get_device_ok(f->h, f->grp, BDF);
	assert_non_null(f->dev->dma);
	assert_int_equal(vfsim_close(f->h, f->devfd), 0);
	f->devfd = -1;
	/* the last reference: detaching frees the container (valgrind sees it) */
	assert_int_equal(vfsim_ioctl(f->h, f->grp, VFIO_GROUP_UNSET_CONTAINER, NULL), 0);
	assert_null(f->dev->dma);
}

/* Two groups in one container: the IOMMU lives until the last one leaves,
 * and a group joining after SET_IOMMU gets it too. */
static void test_two_groups_one_container(void **state)
{
	struct fx *f = *state;
	struct vfsim_dev *dev2 = tu_dev_from("minimal");
	void *mem = aligned_alloc(4096, 4096);
	int g2, r;

	assert_non_null(mem);
	assert_int_equal(vfsim_host_add_device(f->h, dev2, 13, "0000:00:05.0"), 0);
	f->ctr = tu_open_container(f->h);
	f->grp = tu_open_group(f->h, GROUP);
	g2 = vfsim_open(f->h, "/dev/vfio/13", O_RDWR);
	assert_true(g2 >= 0);
	tu_set_container_ok(f->h, f->grp, f->ctr);
	tu_set_iommu_ok(f->h, f->ctr, VFIO_TYPE1v2_IOMMU);
	assert_null(dev2->dma);
	tu_set_container_ok(f->h, g2, f->ctr);
	assert_non_null(dev2->dma);
	assert_ptr_equal(dev2->dma, f->dev->dma);
	map_page(f, 0x100000, mem);
	/* a device of the other group is not found through this group */
	r = vfsim_ioctl(f->h, f->grp, VFIO_GROUP_GET_DEVICE_FD, (void *)"0000:00:05.0");
	assert_int_equal(r, -ENODEV);

	assert_int_equal(vfsim_ioctl(f->h, f->grp, VFIO_GROUP_UNSET_CONTAINER, NULL), 0);
	assert_null(f->dev->dma);
	assert_non_null(dev2->dma);
	assert_int_equal(dma_avail_of(f, f->ctr), 65534);
	assert_int_equal(vfsim_close(f->h, g2), 0);
	assert_null(dev2->dma);
	assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_GET_INFO, NULL), -EINVAL);
	vfsim_host_free(f->h);
	f->h = NULL;
	vfsim_dev_free(dev2);
	free(mem);
	assert_int_equal(vfsim_host_new(NULL, &f->h), 0);
}

static void test_group_with_two_devices(void **state)
{
	struct fx *f = *state;
	struct vfsim_dev *dev2 = tu_dev_from("minimal");
	int d1, d2;

	assert_int_equal(vfsim_host_add_device(f->h, dev2, GROUP, "0000:00:04.1"), 0);
	fx_attach(f, VFIO_TYPE1v2_IOMMU);
	assert_ptr_equal(dev2->dma, f->dev->dma);
	d1 = tu_get_device_ok(f->h, f->grp, BDF);
	d2 = vfsim_ioctl(f->h, f->grp, VFIO_GROUP_GET_DEVICE_FD, (void *)"0000:00:04.1");
	assert_true(d2 >= 0);
	assert_ptr_equal(uapi_fd_lookup(f->h, d2)->device->dev, dev2);
	assert_ptr_equal(uapi_fd_lookup(f->h, d1)->device->dev, f->dev);
	vfsim_host_free(f->h);
	assert_null(dev2->dma);
	f->h = NULL;
	vfsim_dev_free(dev2);
	assert_int_equal(vfsim_host_new(NULL, &f->h), 0);
}

/* ---- fd bookkeeping -------------------------------------------------------- */

static void test_no_fd_leak(void **state)
{
	struct vfsim_dev *dev = tu_dev_from("minimal");
	struct vfsim_host *h;
	int before = tu_fd_count(), ctr, grp, d1, i, r;

	for (i = 0; i < 3; i++) {
		assert_int_equal(vfsim_host_new(NULL, &h), 0);
		assert_int_equal(vfsim_host_add_device(h, dev, 5, BDF), 0);
		ctr = tu_open_container(h);
		grp = tu_open_group(h, 5);
		tu_set_container_ok(h, grp, ctr);
		tu_set_iommu_ok(h, ctr, VFIO_TYPE1v2_IOMMU);
		d1 = tu_get_device_ok(h, grp, BDF);
		tu_get_device_ok(h, grp, BDF);
		assert_int_equal(tu_fd_count(), before + 4);
		/* a failed GET_DEVICE_FD gives its descriptor back */
		r = vfsim_ioctl(h, grp, VFIO_GROUP_GET_DEVICE_FD, (void *)"nope");
		assert_int_equal(r, -ENODEV);
		assert_int_equal(tu_fd_count(), before + 4);
		if (i == 0) {
			/* close everything explicitly, in an awkward order */
			assert_int_equal(vfsim_close(h, ctr), 0);
			assert_int_equal(vfsim_close(h, grp), 0);
			assert_int_equal(vfsim_close(h, d1), 0);
			assert_int_equal(tu_fd_count(), before + 1);
		}
		if (i == 1)
			assert_int_equal(vfsim_close(h, grp), 0);
		/* the rest goes with the host */
		vfsim_host_free(h);
		assert_int_equal(tu_fd_count(), before);
		assert_null(dev->dma);
	}
	/* GET_DEVICE_FD without an IOMMU allocates and releases a descriptor */
	assert_int_equal(vfsim_host_new(NULL, &h), 0);
	assert_int_equal(vfsim_host_add_device(h, dev, 5, BDF), 0);
	grp = tu_open_group(h, 5);
	assert_int_equal(vfsim_ioctl(h, grp, VFIO_GROUP_GET_DEVICE_FD, (void *)BDF), -EINVAL);
	assert_int_equal(tu_fd_count(), before + 1);
	vfsim_host_free(h);
	assert_int_equal(tu_fd_count(), before);
	vfsim_dev_free(dev);
}

/* UAPI_MAX_FDS bounds the table: the next open is ENFILE. */
static void test_fd_table_full(void **state)
{
	struct vfsim_host *h;
	struct rlimit rl;
	int before = tu_fd_count(), i, fd;

	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_cur < (rlim_t)before + UAPI_MAX_FDS + 16) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
		if (rl.rlim_cur < (rlim_t)before + UAPI_MAX_FDS + 16)
			skip();
	}
	assert_int_equal(vfsim_host_new(NULL, &h), 0);
	for (i = 0; i < UAPI_MAX_FDS; i++) {
		fd = vfsim_open(h, "/dev/vfio/vfio", O_RDWR);
		assert_true(fd >= 0);
		assert_int_equal(uapi_fd_lookup(h, fd)->container->refs, 1);
	}
	assert_int_equal(vfsim_open(h, "/dev/vfio/vfio", O_RDWR), -ENFILE);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_FD_LIMIT);
	assert_int_equal(tu_fd_count(), before + UAPI_MAX_FDS);
	vfsim_host_free(h);
	assert_int_equal(tu_fd_count(), before);
}

static void test_fd_valid(void **state)
{
	int fd = eventfd(0, EFD_CLOEXEC);

	assert_true(uapi_fd_valid(fd));
	close(fd);
	assert_false(uapi_fd_valid(fd));
	assert_false(uapi_fd_valid(-1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX(test_teardown_drops_maps),
		FX(test_group_close_with_open_device),
		FX(test_container_close_keeps_attachment),
		FX(test_two_groups_one_container),
		FX(test_group_with_two_devices),
		cmocka_unit_test(test_no_fd_leak),
		cmocka_unit_test(test_fd_table_full),
		cmocka_unit_test(test_fd_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
