/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dev.c: every fixture profile builds a device that frees cleanly; reset
 * restores registers; compare sees a one-byte difference anywhere; and the DMA
 * engine works end to end through the public uAPI model: the client maps its
 * memory with VFIO_IOMMU_MAP_DMA, programs the engine with pwrite on BAR0,
 * and gets the copy plus the completion interrupt on its eventfd.
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
#include <unistd.h>
#include <cmocka.h>

#include "include/vfsim.h"
#include "dev.h"
#include "cfg.h"
#include "dmalog.h"
#include "engine.h"
#include "irq.h"
#include "mig.h"
#include "region.h"
#include "test-util.h"

static void test_every_profile_builds(void **state)
{
	struct tu_stems stems;
	unsigned i;

	tu_fixture_stems("devices", &stems);
	for (i = 0; i < stems.n; i++) {
		struct vfsim_dev *dev = tu_dev_from(stems.name[i]);

		assert_string_equal(vfsim_profile_name(vfsim_dev_profile(dev)), stems.name[i]);
		assert_true(region_count(dev->regions) >= 9);
		vfsim_dev_free(dev);
	}
	assert_true(stems.n >= 4);
	vfsim_dev_free(NULL);
}

static void test_compare_sees_every_difference(void **state)
{
	struct vfsim_dev *a = tu_dev_from("dmaengine"), *b = tu_dev_from("dmaengine");
	char diff[256];
	uint8_t v = 0x5a, old;
	const struct region *r;

	assert_int_equal(vfsim_dev_compare(a, b, diff, sizeof(diff)), 0);
	/* a config-space byte (interrupt line, RW) */
	assert_int_equal(cfg_write(a->cfg, 0x3c, &v, 1), 1);
	assert_int_equal(vfsim_dev_compare(a, b, diff, sizeof(diff)), 1);
	assert_non_null(strstr(diff, "config"));
	assert_int_equal(cfg_write(b->cfg, 0x3c, &v, 1), 1);
	assert_int_equal(vfsim_dev_compare(a, b, diff, sizeof(diff)), 0);
	/* the last byte of BAR2 */
	r = region_get(a->regions, 2);
	assert_non_null(r);
	assert_true(r->size > 0);
	old = r->mem[r->size - 1];
	r->mem[r->size - 1] = old ^ 1;
	assert_int_equal(vfsim_dev_compare(a, b, diff, sizeof(diff)), 1);
	assert_non_null(strstr(diff, "region 2"));
	r->mem[r->size - 1] = old;
	assert_int_equal(vfsim_dev_compare(a, b, diff, sizeof(diff)), 0);
	vfsim_dev_free(a);
	vfsim_dev_free(b);
}

static void test_reset_restores(void **state)
{
	struct vfsim_dev *a = tu_dev_from("dmaengine"), *b = tu_dev_from("dmaengine");
	char diff[256];
	uint8_t v = 0x77;

	assert_int_equal(cfg_write(a->cfg, 0x3c, &v, 1), 1);
	vfsim_dev_tick(a);
	assert_int_equal(vfsim_dev_compare(a, b, diff, sizeof(diff)), 1);
	assert_int_equal(vfsim_dev_reset(a), 0);
	assert_int_equal(vfsim_dev_compare(a, b, diff, sizeof(diff)), 0);
	vfsim_dev_free(a);
	vfsim_dev_free(b);
}

/* dev_renew (fuzz-server's per-input reset): a device used every way a
 * session can use it comes back equal to a fresh one, config bytes, every
 * region (the 1 MiB BAR2 through a punched hole, the small ones through
 * memset, the ROM) and IRQ state included, with migration RUNNING, DMA
 * logging off, no low-power entry and no trigger left; -EBUSY while a
 * front end still has the device. */
static void test_renew(void **state)
{
	struct vfsim_dev *a = tu_dev_from("dmaengine"), *fresh = tu_dev_from("dmaengine");
	const struct vfsim_profile *p = vfsim_dev_profile(a);
	struct {
		struct vfio_irq_set hdr;
		int32_t fd;
	} set = { { .argsz = sizeof(set), .flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		    .index = VFIO_PCI_MSIX_IRQ_INDEX, .start = 0, .count = 1 }, -1 };
	struct { uint64_t iova, length; } range = { 0x100000, 0x10000 };
	struct vfio_device_feature_dma_logging_control ctl = { .page_size = 4096, .num_ranges = 1,
							       .ranges = (uintptr_t)&range };
	uint16_t cmd = 0x6;		/* command: memory space, bus master (PCI 3.0 6.2.2) */
	uint32_t v = 0xa5a5a5a5, session = 0;
	struct region *r;
	char diff[256];
	unsigned i;

	assert_int_equal(cfg_write(a->cfg, 0x04, &cmd, 2), 2);
	for (i = 0; i < region_count(a->regions); i++) {
		r = (struct region *)region_get(a->regions, i);
		if (r->mem && r->size)
			memset(r->mem + r->size / 2, 0x5a, r->size / 2);	/* ROM too */
	}
	assert_int_equal(region_rw(a, p->engine.bar, p->engine.offset + ENGINE_REG_LEN, &v, 4, true), 4);
	set.fd = eventfd(0, EFD_CLOEXEC);
	assert_true(set.fd >= 0);
	assert_int_equal(irq_set(a->irq, &set.hdr, &set.fd), 0);
	assert_true(irq_has_trigger(a->irq, VFIO_PCI_MSIX_IRQ_INDEX, 0));
	irq_msix_set_mask(a->irq, 1, true);
	assert_int_equal(mig_set_state(a->mig, VFIO_DEVICE_STATE_STOP, &session), 0);
	assert_int_equal(dmalog_start(a->dmalog, &ctl), 0);
	a->low_power = true;
	a->low_power_wakeup_fd = eventfd(0, EFD_CLOEXEC);
	assert_true(vfsim_dev_compare(a, fresh, diff, sizeof(diff)) != 0);

	a->dma = (struct dma_space *)1;		/* as if a front end had it */
	assert_int_equal(dev_renew(a), -EBUSY);
	a->dma = NULL;
	assert_int_equal(dev_renew(a), 0);
	if (vfsim_dev_compare(a, fresh, diff, sizeof(diff)) != 0)
		fail_msg("renewed device differs from a fresh one: %s", diff);
	assert_int_equal(mig_get_state(a->mig), VFIO_DEVICE_STATE_RUNNING);
	assert_false(dmalog_active(a->dmalog));
	assert_false(a->low_power);
	assert_int_equal(a->low_power_wakeup_fd, -1);
	assert_int_equal(irq_mode(a->irq), -1);
	assert_false(irq_has_trigger(a->irq, VFIO_PCI_MSIX_IRQ_INDEX, 0));
	assert_int_equal(irq_masked(a->irq, VFIO_PCI_MSIX_IRQ_INDEX, 1),
			 irq_masked(fresh->irq, VFIO_PCI_MSIX_IRQ_INDEX, 1));
	close(set.fd);
	vfsim_dev_free(a);
	vfsim_dev_free(fresh);
}

static void test_dma_without_iommu_faults(void **state)
{
	struct vfsim_dev *a = tu_dev_from("dmaengine");
	uint8_t buf[8];

	assert_int_equal(dev_dma_rw(a, 0x1000, buf, sizeof(buf), false), -EFAULT);
	vfsim_dev_free(a);
}

/* The engine end to end through the public API, as a VFIO user would drive it. */
static void test_engine_through_uapi(void **state)
{
	struct vfsim_dev *dev = tu_dev_from("dmaengine");
	const struct vfsim_profile *p = vfsim_dev_profile(dev);
	struct vfsim_host *host;
	struct vfio_group_status st = { .argsz = sizeof(st) };
	int ctr, grp, fd, efd;
	uint8_t *mem;
	const size_t len = 3 * 4096;
	uint64_t v;
	uint32_t status, count;
	const off_t bar = (off_t)p->engine.bar << 40, regs = bar + p->engine.offset;
	char setbuf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)setbuf;

	assert_true(p->engine.present);
	assert_int_equal(vfsim_host_new(NULL, &host), 0);
	assert_int_equal(vfsim_host_add_device(host, dev, 7, "0000:00:05.0"), 0);
	ctr = vfsim_open(host, "/dev/vfio/vfio", O_RDWR);
	grp = vfsim_open(host, "/dev/vfio/7", O_RDWR);
	assert_true(ctr >= 0 && grp >= 0);
	assert_int_equal(vfsim_ioctl(host, grp, VFIO_GROUP_GET_STATUS, &st), 0);
	assert_int_equal(vfsim_ioctl(host, grp, VFIO_GROUP_SET_CONTAINER, &ctr), 0);
	assert_int_equal(vfsim_ioctl(host, ctr, VFIO_SET_IOMMU, (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU), 0);
	fd = vfsim_ioctl(host, grp, VFIO_GROUP_GET_DEVICE_FD, (void *)"0000:00:05.0");
	assert_true(fd >= 0);

	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(mem != MAP_FAILED);
	for (size_t i = 0; i < 4096; i++)
		mem[i] = (uint8_t)(i * 7 + 1);
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map), .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)mem, .iova = 0x10000000, .size = len,
	};
	assert_int_equal(vfsim_ioctl(host, ctr, VFIO_IOMMU_MAP_DMA, &map), 0);

	/* completion interrupt on an eventfd */
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	assert_true(efd >= 0);
	set->argsz = sizeof(setbuf);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = p->engine.irq_index;
	set->start = 0;
	set->count = p->engine.irq_vector + 1;
	assert_true(set->count == 1);	/* the fixture raises vector 0 */
	memcpy(set->data, &efd, sizeof(efd));
	assert_int_equal(vfsim_ioctl(host, fd, VFIO_DEVICE_SET_IRQS, set), 0);
	if (p->engine.irq_index == VFIO_PCI_MSIX_IRQ_INDEX) {
		/* MSI-X vectors come out of reset masked: unmask vector 0 in the table */
		uint32_t ctl = 0;
		off_t tbl = ((off_t)p->msix_bar << 40) + p->msix_table_offset + 12;

		assert_int_equal(vfsim_pwrite(host, fd, &ctl, 4, tbl), 4);
	}

	/* program: copy 4 KiB from iova 0x10000000 to 0x10001000 */
	v = 0x10000000;
	assert_int_equal(vfsim_pwrite(host, fd, &v, 8, regs + ENGINE_REG_SRC), 8);
	v = 0x10001000;
	assert_int_equal(vfsim_pwrite(host, fd, &v, 8, regs + ENGINE_REG_DST), 8);
	status = 4096;
	assert_int_equal(vfsim_pwrite(host, fd, &status, 4, regs + ENGINE_REG_LEN), 4);
	status = 1;
	assert_int_equal(vfsim_pwrite(host, fd, &status, 4, regs + ENGINE_REG_DOORBELL), 4);

	assert_memory_equal(mem, mem + 4096, 4096);
	assert_int_equal(vfsim_pread(host, fd, &status, 4, regs + ENGINE_REG_STATUS), 4);
	assert_int_equal(status, ENGINE_STATUS_DONE);
	assert_int_equal(vfsim_pread(host, fd, &count, 4, regs + ENGINE_REG_COUNT), 4);
	assert_int_equal(count, 1);
	assert_int_equal(read(efd, &v, 8), 8);
	assert_int_equal(v, 1);

	/* a destination outside every mapping: ERROR with EFAULT, no interrupt lost to a crash */
	v = 0x7000000000ull;
	assert_int_equal(vfsim_pwrite(host, fd, &v, 8, regs + ENGINE_REG_DST), 8);
	status = ENGINE_STATUS_DONE;	/* RW1C: clear DONE */
	assert_int_equal(vfsim_pwrite(host, fd, &status, 4, regs + ENGINE_REG_STATUS), 4);
	status = 1;
	assert_int_equal(vfsim_pwrite(host, fd, &status, 4, regs + ENGINE_REG_DOORBELL), 4);
	assert_int_equal(vfsim_pread(host, fd, &status, 4, regs + ENGINE_REG_STATUS), 4);
	assert_int_equal(status, ENGINE_STATUS_ERROR);
	assert_int_equal(vfsim_pread(host, fd, &count, 4, regs + ENGINE_REG_ERRNO), 4);
	assert_int_equal(count, EFAULT);

	assert_int_equal(vfsim_close(host, fd), 0);
	assert_int_equal(vfsim_close(host, grp), 0);
	assert_int_equal(vfsim_close(host, ctr), 0);
	vfsim_host_free(host);
	close(efd);
	munmap(mem, len);
	vfsim_dev_free(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_profile_builds),
		cmocka_unit_test(test_compare_sees_every_difference),
		cmocka_unit_test(test_reset_restores),
		cmocka_unit_test(test_renew),
		cmocka_unit_test(test_dma_without_iommu_faults),
		cmocka_unit_test(test_engine_through_uapi),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
