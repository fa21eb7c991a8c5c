/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The injectable faults of sim/faults.def that the vfio-user server and the
 * kernel-uAPI model commit: each test runs the same request once with the
 * mask 0 (the spec's answer, rule named) and once with the fault on (the
 * deviation). Faults the conformance suite cannot see yet (mig-data-running,
 * fd-leak, mig-corrupt-accepted, dirty-not-cleared, region-oob ...) are
 * proven here. Expected values come from the spec and the fault's text.
 */
#define _GNU_SOURCE	/* memfd_create */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>
#include <cmocka.h>

#include "include/vfsim.h"
#include "caps.h"
#include "dev.h"
#include "dma.h"
#include "dmalog.h"
#include "fault.h"
#include "mig.h"
#include "mig-stream.h"
#include "region.h"
#include "rules.h"
#include "test-util.h"
#include "vu-server-fixture.h"

#define BIT(id) (1ull << (id))
#define PG 4096ull

/* ---- dma.c: dma-overlap, dma-unaligned, dma-partial-unmap, dirty-not-cleared */

struct dfx {
	struct dma_space *s;
	uint8_t *mem;		/* 16 pages of this process, page aligned */
};

static void dfx_open_cfg(struct dfx *f, uint64_t faults, const struct vfsim_iommu_config *cfg)
{
	assert_int_equal(dma_space_new(cfg, &f->s), 0);
	dma_space_set_faults(f->s, faults);
	f->mem = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(f->mem != MAP_FAILED);
}

static void dfx_open(struct dfx *f, uint64_t faults)
{
	dfx_open_cfg(f, faults, NULL);
}

static void dfx_close(struct dfx *f)
{
	dma_space_free(f->s);
	munmap(f->mem, 16 * PG);
}

static int dfx_map(struct dfx *f, uint64_t iova, uint64_t size, uint64_t off)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m), .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)f->mem + off, .iova = iova, .size = size,
	};

	return dma_map(f->s, &m);
}

static int dfx_unmap(struct dfx *f, uint64_t iova, uint64_t size, uint64_t *ret_size)
{
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u), .iova = iova, .size = size };
	int r = dma_unmap(f->s, &u);

	*ret_size = u.size;
	return r;
}

static void test_dma_overlap(void **state)
{
	struct dfx f;

	dfx_open(&f, 0);
	assert_int_equal(dfx_map(&f, 0x100000, 2 * PG, 0), 0);
	tu_expect_rule(dfx_map(&f, 0x101000, 2 * PG, 4 * PG), -EEXIST, RULE_DMA_MAP_EXISTS);
	dfx_close(&f);

	dfx_open(&f, BIT(VFSIM_FAULT_DMA_OVERLAP));
	assert_int_equal(dfx_map(&f, 0x100000, 2 * PG, 0), 0);
	assert_int_equal(dfx_map(&f, 0x101000, 2 * PG, 4 * PG), 0);	/* accepted */
	/* ... and dropped: the space still holds one disjoint mapping */
	assert_int_equal(dma_count(f.s), 1);
	assert_int_equal(dma_space_check(f.s), 1);
	dfx_close(&f);
}

static void test_dma_unaligned(void **state)
{
	struct dfx f;

	dfx_open(&f, 0);
	tu_expect_rule(dfx_map(&f, 0x100800, PG, 0), -EINVAL, RULE_DMA_MAP_ALIGN);
	tu_expect_rule(dfx_map(&f, 0x100000, 0x1800, 0), -EINVAL, RULE_DMA_MAP_ALIGN);
	dfx_close(&f);

	dfx_open(&f, BIT(VFSIM_FAULT_DMA_UNALIGNED));
	assert_int_equal(dfx_map(&f, 0x100800, PG, 0), 0);
	assert_int_equal(dfx_map(&f, 0x100000, 0x1800, 0), 0);
	assert_int_equal(dma_count(f.s), 0);
	/* size 0 stays an error */
	tu_expect_rule(dfx_map(&f, 0x100000, 0, 0), -EINVAL, RULE_DMA_MAP_ALIGN);
	dfx_close(&f);
}

static void test_dma_partial_unmap(void **state)
{
	struct dfx f;
	uint64_t size = 0;

	dfx_open(&f, 0);
	assert_int_equal(dfx_map(&f, 0x100000, 3 * PG, 0), 0);
	tu_expect_rule(dfx_unmap(&f, 0x101000, PG, &size), -EINVAL, RULE_DMA_UNMAP_BISECT);
	assert_int_equal(dma_count(f.s), 1);
	dfx_close(&f);

	dfx_open(&f, BIT(VFSIM_FAULT_DMA_PARTIAL_UNMAP));
	assert_int_equal(dfx_map(&f, 0x100000, 3 * PG, 0), 0);
	assert_int_equal(dfx_unmap(&f, 0x101000, PG, &size), 0);
	assert_int_equal(size, 3 * PG);		/* the whole mapping went */
	assert_int_equal(dma_count(f.s), 0);
	dfx_close(&f);
}

static int dfx_dirty(struct dfx *f, uint32_t flag, uint64_t iova, uint64_t size, uint64_t *bm)
{
	uint8_t buf[sizeof(struct vfio_iommu_type1_dirty_bitmap) +
		    sizeof(struct vfio_iommu_type1_dirty_bitmap_get)] __attribute__((aligned(8)));
	struct vfio_iommu_type1_dirty_bitmap *d = (void *)buf;
	struct vfio_iommu_type1_dirty_bitmap_get g = {
		.iova = iova, .size = size,
		.bitmap = { .pgsize = PG, .size = 8, .data = (void *)bm },
	};

	memset(buf, 0, sizeof(buf));
	d->argsz = sizeof(buf);
	d->flags = flag;
	memcpy(d->data, &g, sizeof(g));
	return dma_dirty_pages(f->s, d);
}

/* Two GET_BITMAPs after one device write to page 2 of a 4-page mapping;
 * returns the second bitmap. With pinned-page scope the first is page 2
 * and the second empty, unless dirty-not-cleared; without it (vfio-pci,
 * the default) both are every page, so the fault is only seen with it. */
static uint64_t dma_dirty_twice(uint64_t faults, bool pinned_scope)
{
	struct vfsim_iommu_config cfg = { .pinned_scope = pinned_scope };
	struct dfx f;
	uint64_t bm = 0, v = 1;

	dfx_open_cfg(&f, faults, &cfg);
	assert_int_equal(dfx_map(&f, 0x100000, 4 * PG, 0), 0);
	assert_int_equal(dfx_dirty(&f, VFIO_IOMMU_DIRTY_PAGES_FLAG_START, 0, 0, NULL), 0);
	assert_int_equal(dma_rw(f.s, 0x102000, &v, sizeof(v), true), 0);
	assert_int_equal(dfx_dirty(&f, VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP, 0x100000, 4 * PG, &bm), 0);
	assert_int_equal(bm, pinned_scope ? 0x4 : 0xf);
	bm = 0;
	assert_int_equal(dfx_dirty(&f, VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP, 0x100000, 4 * PG, &bm), 0);
	dfx_close(&f);
	return bm;
}

static void test_dma_dirty_not_cleared(void **state)
{
	assert_int_equal(dma_dirty_twice(0, true), 0);
	assert_int_equal(dma_dirty_twice(BIT(VFSIM_FAULT_DIRTY_NOT_CLEARED), true), 0x4);
	assert_int_equal(dma_dirty_twice(0, false), 0xf);
	assert_int_equal(dma_dirty_twice(BIT(VFSIM_FAULT_DIRTY_NOT_CLEARED), false), 0xf);
}

/* ---- dmalog.c: dirty-not-cleared ---------------------------------------------- */

static uint64_t dmalog_report_twice(uint64_t faults)
{
	struct vfio_device_feature_dma_logging_range range = { .iova = 0x100000, .length = 8 * PG };
	struct vfio_device_feature_dma_logging_control ctl = {
		.page_size = PG, .num_ranges = 1, .ranges = (uintptr_t)&range,
	};
	uint64_t bm = 0;
	struct vfio_device_feature_dma_logging_report rep = {
		.iova = 0x100000, .length = 8 * PG, .page_size = PG, .bitmap = (uintptr_t)&bm,
	};
	struct dmalog *l;

	assert_int_equal(dmalog_new(&l), 0);
	dmalog_set_faults(l, faults);
	assert_int_equal(dmalog_start(l, &ctl), 0);
	dmalog_mark(l, 0x101000, 8);
	assert_int_equal(dmalog_report(l, &rep), 0);
	assert_int_equal(bm, 0x2);
	bm = 0;
	assert_int_equal(dmalog_report(l, &rep), 0);
	dmalog_free(l);
	return bm;
}

static void test_dmalog_dirty_not_cleared(void **state)
{
	assert_int_equal(dmalog_report_twice(0), 0);
	assert_int_equal(dmalog_report_twice(BIT(VFSIM_FAULT_DIRTY_NOT_CLEARED)), 0x2);
}

/* ---- mig.c / mig-stream.c ------------------------------------------------------- */

static void test_mig_stopcopy_precopy(void **state)
{
	struct vfsim_dev *dev = tu_dev_from("mig-precopy");
	uint32_t session = 0;

	(void)tu_mig_set_ok(dev->mig, VFIO_DEVICE_STATE_STOP);
	(void)tu_mig_set_ok(dev->mig, VFIO_DEVICE_STATE_STOP_COPY);
	tu_expect_rule(mig_set_state(dev->mig, VFIO_DEVICE_STATE_PRE_COPY, &session), -EINVAL,
		       RULE_MIG_ARC_BLOCKED);
	assert_int_equal(mig_get_state(dev->mig), VFIO_DEVICE_STATE_STOP_COPY);

	dev_set_faults(dev, BIT(VFSIM_FAULT_MIG_STOPCOPY_PRECOPY));
	assert_int_equal(mig_set_state(dev->mig, VFIO_DEVICE_STATE_PRE_COPY, &session), 0);
	assert_int_equal(mig_get_state(dev->mig), VFIO_DEVICE_STATE_PRE_COPY);
	/* and the device goes on: back to RUNNING closes the session */
	(void)tu_mig_set_ok(dev->mig, VFIO_DEVICE_STATE_RUNNING);
	vfsim_dev_free(dev);
}

/* Save a device's state, break the END record's CRC, load it into a new
 * device: RESUMING -> STOP's answer. */
static int mig_resume_bad_crc(uint64_t faults)
{
	struct vfsim_dev *src = tu_dev_from("mig-stopcopy"), *dst = tu_dev_from("mig-stopcopy");
	struct tu_blob b = { 0 };
	uint32_t s, session = 0;
	int r;

	(void)tu_mig_set_ok(src->mig, VFIO_DEVICE_STATE_STOP);
	s = tu_mig_set_ok(src->mig, VFIO_DEVICE_STATE_STOP_COPY);
	tu_blob_read_all(src->mig, s, &b, false);
	assert_true(b.len > MIG_STREAM_HDR_SIZE + MIG_STREAM_REC_SIZE + 4);
	b.p[b.len - 1] ^= 0x5a;			/* the CRC's top byte */

	dev_set_faults(dst, faults);
	(void)tu_mig_set_ok(dst->mig, VFIO_DEVICE_STATE_STOP);
	s = tu_mig_set_ok(dst->mig, VFIO_DEVICE_STATE_RESUMING);
	(void)tu_mig_write(dst->mig, s, b.p, b.len);	/* -EFAULT once seen: counted anyway */
	r = mig_set_state(dst->mig, VFIO_DEVICE_STATE_STOP, &session);
	free(b.p);
	vfsim_dev_free(src);
	vfsim_dev_free(dst);
	return r;
}

static void test_mig_corrupt_accepted(void **state)
{
	tu_expect_rule(mig_resume_bad_crc(0), -EINVAL, RULE_MIG_STREAM_CRC);
	assert_int_equal(mig_resume_bad_crc(BIT(VFSIM_FAULT_MIG_CORRUPT_ACCEPTED)), 0);
}

/* ---- region.c: region-oob -------------------------------------------------------- */

static void test_region_oob(void **state)
{
	struct vfsim_dev *dev = tu_dev_from("dmaengine");
	const struct region *cfg = region_get(dev->regions, VFIO_PCI_CONFIG_REGION_INDEX);
	uint8_t buf[8], want[2];

	memset(buf, 0, sizeof(buf));
	tu_expect_rule(region_rw(dev, VFIO_PCI_CONFIG_REGION_INDEX, cfg->size - 2, buf, 4, false), -EINVAL,
		       RULE_REGION_RANGE);

	dev_set_faults(dev, BIT(VFSIM_FAULT_REGION_OOB));
	assert_int_equal(region_rw(dev, VFIO_PCI_CONFIG_REGION_INDEX, cfg->size - 2, buf, 4, false), 4);
	assert_int_equal(region_rw(dev, VFIO_PCI_CONFIG_REGION_INDEX, cfg->size - 2, want, 2, false), 2);
	assert_memory_equal(buf, want, 2);	/* the part inside: the device's bytes */
	assert_int_equal(buf[2], 0xff);		/* past the end: nothing answers */
	assert_int_equal(buf[3], 0xff);
	/* wholly outside, and a write: succeeds, reaches nothing */
	assert_int_equal(region_rw(dev, VFIO_PCI_CONFIG_REGION_INDEX, cfg->size + 64, buf, 8, true), 8);
	vfsim_dev_free(dev);
}

/* ---- caps.c: cap-next-backwards ---------------------------------------------------- */

static void test_caps_loop_back(void **state)
{
	struct capbuf cb;
	uint8_t dst[128];
	struct vfio_info_cap_header h;

	caps_init(&cb);
	assert_non_null(caps_add(&cb, 1, 1, 16));
	assert_non_null(caps_add(&cb, 2, 1, 8));
	caps_copy_shifted(&cb, dst, 32);
	memcpy(&h, dst + 16, sizeof(h));
	assert_int_equal(h.next, 0);		/* the end */
	caps_loop_back(&cb, dst, 32);
	memcpy(&h, dst + 16, sizeof(h));
	assert_int_equal(h.next, 32);		/* back to the first cap */
	memcpy(&h, dst, sizeof(h));
	assert_int_equal(h.next, 32 + 16);	/* the forward link stays */
}

/* ---- the vfio-user server ------------------------------------------------------------ */

static void sfx_open(struct vfx *f, const char *profile, uint64_t faults)
{
	struct vfsim_vu_server_config cfg = { .faults = faults };

	vfx_open(f, profile, &cfg);
	t_negotiate(f);
}

/* MIG_DATA_READ of 8 bytes in RUNNING. */
static int srv_mig_read_running(uint64_t faults, uint32_t *ret_size)
{
	struct vu_mig_data d = { .argsz = sizeof(d) + 8, .size = 8 };
	struct vmsg m = { 0 };
	struct vfx f;
	int r;

	sfx_open(&f, "mig-precopy", faults);
	r = do_req(&f, T_MIG_READ, &d, sizeof(d), NULL, 0, &m);
	if (!r) {
		assert_true(m.len >= sizeof(d));
		memcpy(&d, m.p, sizeof(d));
		assert_int_equal(m.len, sizeof(d) + d.size);
		assert_int_equal(d.argsz, m.len);
		*ret_size = d.size;
	}
	t_msg_free(&m);
	vfx_close(&f);
	return r;
}

static void test_srv_mig_data_running(void **state)
{
	uint32_t n = 0;

	tu_expect_rule(srv_mig_read_running(0, &n), -EINVAL, RULE_VU_SRV_MIG_STATE);
	assert_int_equal(srv_mig_read_running(BIT(VFSIM_FAULT_MIG_DATA_RUNNING), &n), 0);
	assert_true(n > 0 && n <= 8);
}

/* Eventfds share one anonymous inode: the copies of one are told apart by
 * a counter value nobody else uses. */
#define EFD_MARK 0x5eed1234ull

static bool same_file(int a, int b)
{
	struct stat x, y;

	return fstat(a, &x) == 0 && fstat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

static bool is_marked_eventfd(int fd)
{
	char path[64], line[128];
	unsigned long long v;
	bool hit = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "eventfd-count: %llx", &v) == 1 && v == EFD_MARK)
			hit = true;
	fclose(f);
	return hit;
}

/* Close every descriptor but @fd itself that is the same file as @fd;
 * returns how many there were. */
static unsigned close_copies(int fd, bool eventfd_mark)
{
	DIR *d = opendir("/proc/self/fd");
	int fds[64];
	unsigned n = 0, i;
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)) && n < 64) {
		int x = atoi(e->d_name);

		if (e->d_name[0] == '.' || x == fd || x == dirfd(d))
			continue;
		if (eventfd_mark ? is_marked_eventfd(x) : same_file(x, fd))
			fds[n++] = x;
	}
	closedir(d);
	for (i = 0; i < n; i++)
		close(fds[i]);
	return n;
}

/* A client maps a memfd and hands SET_IRQS an eventfd (REQ, which every
 * device has), then goes. Returns the copies of the two files the server
 * still holds afterwards (and closes them). */
static unsigned srv_fds_after_detach(uint64_t faults)
{
	struct vu_dma_map dm = {
		.argsz = sizeof(dm), .flags = VU_DMA_MAP_READ | VU_DMA_MAP_WRITE,
		.addr = 0x100000, .size = PG,
	};
	struct vu_irq_set is = {
		.argsz = sizeof(is), .flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = VFIO_PCI_REQ_IRQ_INDEX, .start = 0, .count = 1,
	};
	struct vmsg m = { 0 };
	struct vfx f;
	int mfd, efd;
	unsigned n;

	mfd = memfd_create("fault-dma", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	efd = eventfd((unsigned)EFD_MARK, EFD_CLOEXEC);
	assert_true(mfd >= 0 && efd >= 0);
	assert_int_equal(ftruncate(mfd, PG), 0);
	sfx_open(&f, "dmaengine", faults);
	req_ok(&f, T_DMA_MAP, &dm, sizeof(dm), &mfd, 1, &m);
	t_msg_free(&m);
	req_ok(&f, T_SET_IRQS, &is, sizeof(is), &efd, 1, &m);
	t_msg_free(&m);
	vfsim_vu_server_detach(f.s);
	n = close_copies(mfd, false) + close_copies(efd, true);
	vfx_close(&f);
	close(mfd);
	close(efd);
	return n;
}

static void test_srv_fd_leak(void **state)
{
	int before = tu_fd_count();

	assert_int_equal(srv_fds_after_detach(0), 0);
	assert_int_equal(srv_fds_after_detach(BIT(VFSIM_FAULT_FD_LEAK)), 2);
	/* the leaked copies were closed above: nothing else stayed */
	assert_int_equal(tu_fd_count(), before);
}

/* GET_IRQ_INFO of MSI-X: the device's count, or one more. */
static uint32_t srv_msix_count(uint64_t faults)
{
	struct vu_irq_info ii = { .argsz = sizeof(ii), .index = VFIO_PCI_MSIX_IRQ_INDEX };
	struct vmsg m = { 0 };
	struct vfx f;

	sfx_open(&f, "dmaengine", faults);
	req_ok(&f, T_IRQ_INFO, &ii, sizeof(ii), NULL, 0, &m);
	assert_int_equal(m.len, sizeof(ii));
	memcpy(&ii, m.p, sizeof(ii));
	t_msg_free(&m);
	vfx_close(&f);
	return ii.count;
}

static void test_srv_irq_count(void **state)
{
	struct vfsim_profile *p = tu_profile_load("dmaengine");
	uint32_t n = p->msix_vectors;

	vfsim_profile_free(p);
	assert_int_equal(srv_msix_count(0), n);
	assert_int_equal(srv_msix_count(BIT(VFSIM_FAULT_IRQ_COUNT)), n + 1);
}

/* A DMA_MAP at an iova off the page grid. */
static void test_srv_dma_unaligned(void **state)
{
	struct vu_dma_map dm = {
		.argsz = sizeof(dm), .flags = VU_DMA_MAP_READ, .addr = 0x100800, .size = PG,
	};
	struct vmsg m = { 0 };
	struct vfx f;

	sfx_open(&f, "dmaengine", 0);
	req_rejected(&f, T_DMA_MAP, &dm, sizeof(dm), NULL, 0, -EINVAL, RULE_VU_SRV_DMA_MAP_ALIGN);
	vfx_close(&f);

	sfx_open(&f, "dmaengine", BIT(VFSIM_FAULT_DMA_UNALIGNED));
	assert_int_equal(do_req(&f, T_DMA_MAP, &dm, sizeof(dm), NULL, 0, &m), 0);
	t_msg_free(&m);
	vfx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dma_overlap),
		cmocka_unit_test(test_dma_unaligned),
		cmocka_unit_test(test_dma_partial_unmap),
		cmocka_unit_test(test_dma_dirty_not_cleared),
		cmocka_unit_test(test_dmalog_dirty_not_cleared),
		cmocka_unit_test(test_mig_stopcopy_precopy),
		cmocka_unit_test(test_mig_corrupt_accepted),
		cmocka_unit_test(test_region_oob),
		cmocka_unit_test(test_caps_loop_back),
		cmocka_unit_test(test_srv_mig_data_running),
		cmocka_unit_test(test_srv_fd_leak),
		cmocka_unit_test(test_srv_irq_count),
		cmocka_unit_test(test_srv_dma_unaligned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
