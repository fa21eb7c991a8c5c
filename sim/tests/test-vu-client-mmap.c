/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The client maps a region's sparse areas through the fd that came with
 * GET_REGION_INFO (spec 3.5 and digest 4.1: mmap offset = info.offset +
 * area.offset, only the sparse areas are mappable), against the real server
 * on a thread: a store through the mapping is what REGION_READ returns, a
 * REGION_WRITE shows in the mapping, and the trapped MSI-X page is in no
 * area. Device: fixtures/devices/nvme.json (BAR0 16 KiB, areas [0, 0x2000)
 * and [0x3000, 0x4000), the MSI-X table at 0x2000 left out).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/vfio.h>
#include <cmocka.h>

#include "include/vfsim.h"
#include "test-util.h"
#include "vu-e2e-fixture.h"

static void test_mmap_sparse_areas(void **state)
{
	uint8_t info[4096];
	struct vfio_region_info *ri = (void *)info;
	struct vfio_region_info_cap_sparse_mmap *sp = NULL;
	struct vfsim_vu_client *c = NULL;
	struct e2e e = { 0 };
	uint32_t off, v, w;
	int sv[2], fd = -1, fds_before = tu_fd_count();

	e.dev = tu_dev_from("nvme");
	assert_int_equal(vfsim_vu_server_new(e.dev, NULL, &e.srv), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(vfsim_vu_server_attach(e.srv, sv[0]), 0);
	assert_int_equal(pthread_create(&e.th, NULL, e2e_thread, &e), 0);
	assert_int_equal(vfsim_vu_client_attach(sv[1], NULL, &c), 0);

	assert_true(vfsim_vu_client_get_region_info(c, 0, info, sizeof(info), &fd) > (int)sizeof(*ri));
	assert_true(ri->flags & VFIO_REGION_INFO_FLAG_MMAP);
	assert_true(ri->flags & VFIO_REGION_INFO_FLAG_CAPS);
	assert_true(fd >= 0);
	for (off = ri->cap_offset; off; off = ((struct vfio_info_cap_header *)(info + off))->next) {
		assert_true(off + sizeof(struct vfio_info_cap_header) <= sizeof(info));
		if (((struct vfio_info_cap_header *)(info + off))->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP)
			sp = (void *)(info + off);
	}
	assert_non_null(sp);
	assert_int_equal(sp->nr_areas, 2);	/* from the profile, transcribed */
	assert_int_equal(sp->areas[0].offset, 0);
	assert_int_equal(sp->areas[0].size, 0x2000);
	assert_int_equal(sp->areas[1].offset, 0x3000);
	assert_int_equal(sp->areas[1].size, 0x1000);

	for (unsigned a = 0; a < sp->nr_areas; a++) {
		uint8_t *m = mmap(NULL, sp->areas[a].size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
				  (off_t)(ri->offset + sp->areas[a].offset));
		const uint64_t at = sp->areas[a].size - 8;

		assert_true(m != MAP_FAILED);
		v = 0xa5a50000u + a;
		memcpy(m + at, &v, 4);	/* a store through the mapping ... */
		assert_int_equal(vfsim_vu_client_region_read(c, 0, sp->areas[a].offset + at, &w, 4), 4);
		assert_int_equal(w, v);	/* ... is what the device sees */
		v = 0x5a5a0000u + a;
		assert_int_equal(vfsim_vu_client_region_write(c, 0, sp->areas[a].offset + 4, &v, 4), 4);
		memcpy(&w, m + 4, 4);
		assert_int_equal(w, v);	/* and the other way round */
		assert_int_equal(munmap(m, sp->areas[a].size), 0);
	}
	/* the MSI-X table page is trapped: in no area */
	for (unsigned a = 0; a < sp->nr_areas; a++)
		assert_false(sp->areas[a].offset <= 0x2000 && 0x2000 < sp->areas[a].offset + sp->areas[a].size);

	close(fd);
	vfsim_vu_client_free(c);
	pthread_join(e.th, NULL);
	assert_int_equal(e.result, 1);	/* the server saw the client leave and detached */
	vfsim_vu_server_free(e.srv);
	vfsim_dev_free(e.dev);
	assert_int_equal(tu_fd_count(), fds_before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mmap_sparse_areas),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
