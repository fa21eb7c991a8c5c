/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * White-box tests of uapi-device.c through the public file API: GET_INFO with
 * its argsz matrix, GET_IRQ_INFO, SET_IRQS end to end, RESET, the hot reset
 * pair, IOEVENTFD, dispatch and the last close (regions, pread/pwrite and
 * mmap are in test-uapi-region.c). Expected values are transcribed from
 * fixtures/devices/<name>.json and the kernel-uapi spec (conformance items
 * 21-24 and 33-43), never read back from sim/.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "uapi.h"
#include "rules.h"
#include "test-util.h"

/* A descriptor number far above any open file (dup would reuse a closed one). */
#define NOT_OPEN 0x7ffffff0
#define IDX(i) ((off_t)((uint64_t)(i) << 40))

/* ---- GET_INFO --------------------------------------------------------------- */

static const struct devinfo_case {
	const char *profile;
	uint32_t flags;		/* PCI | RESET from the fixture's "reset" */
	uint32_t num_regions;	/* 9 + entries of "regions" */
} devinfo_cases[] = {
	{ "minimal", VFIO_DEVICE_FLAGS_PCI, 9 },
	{ "nvme", VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET, 9 },
	{ "gpio", VFIO_DEVICE_FLAGS_PCI, 9 },
	{ "dmaengine", VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET, 10 },
	{ "mig-stopcopy", VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET, 9 },
	{ "mig-p2p", VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET, 9 },
	{ "mig-precopy", VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET, 9 },
};

/* argsz rows: below minsz, the [16,20) window, cap_offset inside, full, larger. */
static const struct devinfo_argsz {
	uint32_t argsz;
	int rc;
	int rule;
	bool cap_offset_zeroed;	/* else the caller's bytes stay */
} devinfo_argsz_cases[] = {
	{ 15, -EINVAL, RULE_DEV_INFO_ARGSZ, false },
	{ 16, 0, RULE_NONE, false },
	{ 19, 0, RULE_NONE, false },
	{ 20, 0, RULE_NONE, true },
	{ 24, 0, RULE_NONE, true },
	{ 64, 0, RULE_NONE, true },
};

static void test_devinfo_matrix(void **state)
{
	size_t i, j;

	for (i = 0; i < sizeof(devinfo_cases) / sizeof(devinfo_cases[0]); i++) {
		const struct devinfo_case *c = &devinfo_cases[i];
		struct tu_vfio e;
		struct tu_vdev *t;

		t = tu_vfio_open(&e, c->profile, 7, "0000:00:04.0");
		for (j = 0; j < sizeof(devinfo_argsz_cases) / sizeof(devinfo_argsz_cases[0]); j++) {
			const struct devinfo_argsz *a = &devinfo_argsz_cases[j];
			uint8_t buf[64];
			struct vfio_device_info info;
			int rc;

			memset(buf, 0xa5, sizeof(buf));
			memcpy(buf, &a->argsz, sizeof(a->argsz));
			rc = vfsim_ioctl(e.host, t->fd, VFIO_DEVICE_GET_INFO, buf);
			if (a->rc) {
				tu_assert_rejected(rc, a->rc, a->rule);
				continue;
			}
			assert_int_equal(rc, 0);
			assert_int_equal(vfsim_last_rule(NULL), RULE_NONE);
			memcpy(&info, buf, sizeof(info));
			/* No device caps in the model: argsz and flags without CAPS. */
			assert_int_equal(info.argsz, a->argsz);
			assert_int_equal(info.flags, c->flags);
			assert_int_equal(info.num_regions, c->num_regions);
			assert_int_equal(info.num_irqs, 5);
			if (a->cap_offset_zeroed)
				assert_int_equal(info.cap_offset, 0);
			else
				assert_int_equal(info.cap_offset, 0xa5a5a5a5u);
			/* Nothing beyond the copied window is written. */
			for (size_t k = a->cap_offset_zeroed ? 20 : 16; k < sizeof(buf); k++)
				assert_int_equal(buf[k], 0xa5);
		}
		tu_vfio_close(&e);
	}
}

/* ---- GET_IRQ_INFO ------------------------------------------------------------- */

#define EV VFIO_IRQ_INFO_EVENTFD
#define INTXF (VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED)
#define NR (VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE)

#define NOERR { -EINVAL, RULE_IRQ_INFO_ERR_NOT_PCIE, 0, 0 }
#define NOIRQ { -EINVAL, RULE_IRQ_INFO_INDEX, 0, 0 }

#define IRQ(flags, count) { 0, 0, flags, count }

/* Per fixture: INTx count 1 with an intx_pin; MSI/MSI-X from "msi"/"msix";
 * ERR only with "pcie"; REQ always 1; index 5 refused. */
static const struct irqinfo_case {
	const char *profile;
	struct { int rc; int rule; uint32_t flags, count; } i[6];
} irqinfo_cases[] = {
	{ "minimal", { IRQ(INTXF, 0), IRQ(NR, 0), IRQ(NR, 0), NOERR, IRQ(NR, 1), NOIRQ } },
	{ "gpio", { IRQ(INTXF, 1), IRQ(NR, 0), IRQ(NR, 0), NOERR, IRQ(NR, 1), NOIRQ } },
	{ "nvme", { IRQ(INTXF, 1), IRQ(NR, 0), IRQ(NR, 32), IRQ(NR, 1), IRQ(NR, 1), NOIRQ } },
	{ "dmaengine", { IRQ(INTXF, 1), IRQ(NR, 4), IRQ(NR, 8), IRQ(NR, 1), IRQ(NR, 1), NOIRQ } },
	{ "mig-p2p", { IRQ(INTXF, 1), IRQ(NR, 1), IRQ(NR, 0), IRQ(NR, 1), IRQ(NR, 1), NOIRQ } },
};

static void test_irq_info(void **state)
{
	size_t i;
	uint32_t idx;

	for (i = 0; i < sizeof(irqinfo_cases) / sizeof(irqinfo_cases[0]); i++) {
		const struct irqinfo_case *c = &irqinfo_cases[i];
		struct tu_vfio e;
		struct tu_vdev *t;

		t = tu_vfio_open(&e, c->profile, 9, "0000:00:09.0");
		for (idx = 0; idx < 6; idx++) {
			struct vfio_irq_info info = { .argsz = sizeof(info), .index = idx };
			int rc = vfsim_ioctl(e.host, t->fd, VFIO_DEVICE_GET_IRQ_INFO, &info);

			if (c->i[idx].rc) {
				tu_assert_rejected(rc, c->i[idx].rc, c->i[idx].rule);
				continue;
			}
			assert_int_equal(rc, 0);
			assert_int_equal(info.flags, c->i[idx].flags);
			assert_int_equal(info.count, c->i[idx].count);
		}
		{
			struct vfio_irq_info info = { .argsz = 15, .index = 0 };
			int rc = vfsim_ioctl(e.host, t->fd, VFIO_DEVICE_GET_IRQ_INFO, &info);

			tu_assert_rejected(rc, -EINVAL, RULE_DEV_IRQINFO_ARGSZ);
		}
		tu_vfio_close(&e);
	}
}

/* ---- SET_IRQS end to end ------------------------------------------------------ */

static uint64_t efd_take(int fd)
{
	uint64_t v = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, 0) != 1)
		return 0;
	assert_int_equal(read(fd, &v, sizeof(v)), sizeof(v));
	return v;
}

static void test_set_irqs_end_to_end(void **state)
{
	struct tu_vfio e;
	struct tu_vdev *t;
	uint8_t buf[sizeof(struct vfio_irq_set) + 2 * sizeof(int32_t)];
	struct vfio_irq_set hdr;
	uint32_t zero = 0;
	int32_t fds[2];

	t = tu_vfio_open(&e, "dmaengine", 2, "0000:00:02.0");
	fds[0] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	fds[1] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	hdr = (struct vfio_irq_set){
		.argsz = sizeof(buf), .index = VFIO_PCI_MSIX_IRQ_INDEX, .start = 0, .count = 2,
		.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
	};
	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), fds, sizeof(fds));

	/* The validator runs on the header: argsz 19 (item 44) and a short
	 * payload (item 52) are refused before anything changes. */
	hdr.argsz = 19;
	tu_assert_rejected(vfsim_ioctl(e.host, t->fd, VFIO_DEVICE_SET_IRQS, &hdr), -EINVAL,
			   RULE_IRQ_SET_ARGSZ);
	hdr.argsz = sizeof(hdr) + 4;
	memcpy(buf, &hdr, sizeof(hdr));
	tu_assert_rejected(vfsim_ioctl(e.host, t->fd, VFIO_DEVICE_SET_IRQS, buf), -EINVAL,
			   RULE_IRQ_SET_PAYLOAD);
	hdr.argsz = sizeof(buf);
	memcpy(buf, &hdr, sizeof(hdr));

	assert_int_equal(vfsim_ioctl(e.host, t->fd, VFIO_DEVICE_SET_IRQS, buf), 0);
	/* MSI-X vectors come out of reset masked: a raise only sets the PBA
	 * bit until the guest clears the vector control mask (dmaengine's
	 * table is at BAR0 + 0x800, 16 bytes an entry, control at +12). */
	assert_int_equal(vfsim_dev_raise_irq(t->dev, VFIO_PCI_MSIX_IRQ_INDEX, 1), 0);
	assert_true(efd_take(fds[1]) == 0);
	assert_int_equal(vfsim_pwrite(e.host, t->fd, &zero, 4, IDX(0) + 0x800 + 12), 4);
	assert_int_equal(vfsim_pwrite(e.host, t->fd, &zero, 4, IDX(0) + 0x810 + 12), 4);
	assert_true(efd_take(fds[1]) == 1);	/* the pending vector fires on unmask */
	assert_int_equal(vfsim_dev_raise_irq(t->dev, VFIO_PCI_MSIX_IRQ_INDEX, 1), 1);
	assert_true(efd_take(fds[1]) == 1);
	assert_true(efd_take(fds[0]) == 0);
	assert_int_equal(vfsim_dev_raise_irq(t->dev, VFIO_PCI_MSIX_IRQ_INDEX, 0), 1);
	assert_true(efd_take(fds[0]) == 1);

	/* Disable: count 0 | DATA_NONE | TRIGGER on the active index. */
	hdr = (struct vfio_irq_set){
		.argsz = sizeof(hdr), .index = VFIO_PCI_MSIX_IRQ_INDEX, .start = 0, .count = 0,
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
	};
	assert_int_equal(vfsim_ioctl(e.host, t->fd, VFIO_DEVICE_SET_IRQS, &hdr), 0);
	assert_int_equal(vfsim_dev_raise_irq(t->dev, VFIO_PCI_MSIX_IRQ_INDEX, 1), 0);
	assert_true(efd_take(fds[1]) == 0);
	close(fds[0]);
	close(fds[1]);
	tu_vfio_close(&e);
}

/* ---- RESET and hot reset --------------------------------------------------------- */

static void test_reset(void **state)
{
	struct tu_vfio e;
	struct tu_vdev *gpio, *dma;
	uint32_t v = 0x12345678, r = 0;

	gpio = tu_vfio_open(&e, "gpio", 1, "0000:00:01.0");
	dma = tu_vfio_add(&e, "dmaengine", 2, "0000:00:02.0");
	/* reset_unsupported (36) */
	tu_assert_rejected(vfsim_ioctl(e.host, gpio->fd, VFIO_DEVICE_RESET, NULL), -EINVAL,
			   RULE_DEV_RESET_UNSUPPORTED);
	/* A reset returns BAR memory to its reset value. */
	assert_int_equal(vfsim_pwrite(e.host, dma->fd, &v, 4, IDX(2) + 0x40), 4);
	assert_int_equal(vfsim_pread(e.host, dma->fd, &r, 4, IDX(2) + 0x40), 4);
	assert_int_equal(r, v);
	assert_int_equal(vfsim_ioctl(e.host, dma->fd, VFIO_DEVICE_RESET, NULL), 0);
	assert_int_equal(vfsim_pread(e.host, dma->fd, &r, 4, IDX(2) + 0x40), 4);
	assert_int_equal(r, 0);
	tu_vfio_close(&e);
}

static void test_hot_reset_info(void **state)
{
	struct tu_vfio e;
	struct tu_vdev *t;
	uint8_t buf[64];
	struct vfio_pci_hot_reset_info hdr;
	struct vfio_pci_dependent_device dep;

	t = tu_vfio_open(&e, "nvme", 26, "0000:3a:1f.5");
	hdr = (struct vfio_pci_hot_reset_info){ .argsz = 11 };
	tu_assert_rejected(vfsim_ioctl(e.host, t->fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &hdr),
			   -EINVAL, RULE_DEV_HOTRESET_INFO_ARGSZ);
	/* hotreset_info_enospc (37): the header comes back with count. */
	memset(buf, 0xa5, sizeof(buf));
	hdr = (struct vfio_pci_hot_reset_info){ .argsz = 12, .flags = 0xffffffffu, .count = 0 };
	memcpy(buf, &hdr, 12);
	tu_assert_rejected(vfsim_ioctl(e.host, t->fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, buf),
			   -ENOSPC, RULE_DEV_HOTRESET_INFO_ENOSPC);
	memcpy(&hdr, buf, 12);
	assert_int_equal(hdr.count, 1);
	assert_int_equal(hdr.flags, 0);
	assert_int_equal(buf[12], 0xa5);
	/* 19 bytes still cannot hold one 8-byte entry. */
	hdr = (struct vfio_pci_hot_reset_info){ .argsz = 19 };
	memcpy(buf, &hdr, 12);
	tu_assert_rejected(vfsim_ioctl(e.host, t->fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, buf),
			   -ENOSPC, RULE_DEV_HOTRESET_INFO_ENOSPC);
	hdr = (struct vfio_pci_hot_reset_info){ .argsz = 20 };
	memcpy(buf, &hdr, 12);
	assert_int_equal(vfsim_ioctl(e.host, t->fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, buf), 0);
	memcpy(&hdr, buf, 12);
	memcpy(&dep, buf + 12, sizeof(dep));
	assert_int_equal(hdr.count, 1);
	assert_int_equal(dep.group_id, 26);
	assert_int_equal(dep.segment, 0);
	assert_int_equal(dep.bus, 0x3a);
	assert_int_equal(dep.devfn, (0x1f << 3) | 5);
	tu_vfio_close(&e);
}

static int hot_reset(struct tu_vfio *e, struct tu_vdev *t, uint32_t argsz, uint32_t flags,
		     uint32_t count, int32_t fd0)
{
	uint8_t buf[sizeof(struct vfio_pci_hot_reset) + 2 * sizeof(int32_t)];
	struct vfio_pci_hot_reset hdr = { .argsz = argsz, .flags = flags, .count = count };
	int32_t fds[2] = { fd0, fd0 };

	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), fds, sizeof(fds));
	return vfsim_ioctl(e->host, t->fd, VFIO_DEVICE_PCI_HOT_RESET, buf);
}

static void test_hot_reset(void **state)
{
	struct tu_vfio e;
	struct tu_vdev *a, *b;
	int efd = eventfd(0, EFD_CLOEXEC), closed = NOT_OPEN;

	a = tu_vfio_open(&e, "nvme", 1, "0000:00:01.0");
	b = tu_vfio_add(&e, "gpio", 2, "0000:00:02.0");
	tu_assert_rejected(hot_reset(&e, a, 11, 0, 1, a->grp), -EINVAL, RULE_DEV_HOTRESET_ARGSZ);
	/* hotreset_flags_nonzero (38) */
	tu_assert_rejected(hot_reset(&e, a, 16, 1, 1, a->grp), -EINVAL, RULE_DEV_HOTRESET_FLAGS);
	/* hotreset_count_zero_group (39), and more fds than affected devices */
	tu_assert_rejected(hot_reset(&e, a, 12, 0, 0, a->grp), -EINVAL, RULE_DEV_HOTRESET_COUNT);
	tu_assert_rejected(hot_reset(&e, a, 20, 0, 2, a->grp), -EINVAL, RULE_DEV_HOTRESET_COUNT);
	tu_assert_rejected(hot_reset(&e, a, 16, 0, 1, closed), -EBADF, RULE_DEV_HOTRESET_BADFD);
	tu_assert_rejected(hot_reset(&e, a, 16, 0, 1, -1), -EBADF, RULE_DEV_HOTRESET_BADFD);
	tu_assert_rejected(hot_reset(&e, a, 16, 0, 1, e.ctr), -EINVAL, RULE_DEV_HOTRESET_NOT_GROUP);
	tu_assert_rejected(hot_reset(&e, a, 16, 0, 1, a->fd), -EINVAL, RULE_DEV_HOTRESET_NOT_GROUP);
	tu_assert_rejected(hot_reset(&e, a, 16, 0, 1, efd), -EINVAL, RULE_DEV_HOTRESET_NOT_GROUP);
	tu_assert_rejected(hot_reset(&e, a, 16, 0, 1, b->grp), -EINVAL, RULE_DEV_HOTRESET_GROUPS);
	assert_int_equal(hot_reset(&e, a, 16, 0, 1, a->grp), 0);
	assert_int_equal(vfsim_last_rule(NULL), RULE_NONE);
	close(efd);
	tu_vfio_close(&e);
}

/* ---- IOEVENTFD ----------------------------------------------------------------- */

static int ioeventfd(struct tu_vfio *e, struct tu_vdev *t, uint32_t argsz, uint32_t flags,
		     uint64_t offset, uint64_t data, int32_t fd)
{
	struct vfio_device_ioeventfd x = {
		.argsz = argsz, .flags = flags, .offset = offset, .data = data, .fd = fd,
	};

	return vfsim_ioctl(e->host, t->fd, VFIO_DEVICE_IOEVENTFD, &x);
}

#define B(i) ((uint64_t)(i) << 40)
#define S8 VFIO_DEVICE_IOEVENTFD_8
#define S16 VFIO_DEVICE_IOEVENTFD_16
#define S32 VFIO_DEVICE_IOEVENTFD_32
#define S64 VFIO_DEVICE_IOEVENTFD_64

static const struct ioev_case {
	uint32_t argsz, flags;
	uint64_t offset;
	int32_t fd;		/* -100: the test eventfd, -101: a pipe, -102: a closed number */
	int rc;
	int rule;
} ioev_cases[] = {
	/* dmaengine: BAR0 0x4000 with the MSI-X table at 0x800 (8 vectors:
	 * [0x800, 0x880)), BAR1 absent, BAR2 1 MiB, ROM 64 KiB. */
	{ 31, S32, B(2), -100, -EINVAL, RULE_DEV_IOEVENTFD_ARGSZ },
	{ 32, 0x10 | S32, B(2), -100, -EINVAL, RULE_DEV_IOEVENTFD_FLAGS },
	{ 32, S8 | S16, B(2), -100, -EINVAL, RULE_DEV_IOEVENTFD_SIZE },	/* item 40 */
	{ 32, 0, B(2), -100, -EINVAL, RULE_DEV_IOEVENTFD_SIZE },
	{ 32, S32, B(2), -2, -EINVAL, RULE_DEV_IOEVENTFD_SIZE },
	{ 32, S32, B(6), -100, -EINVAL, RULE_DEV_IOEVENTFD_BAR },
	{ 32, S32, B(7), -100, -EINVAL, RULE_DEV_IOEVENTFD_BAR },
	{ 32, S32, B(9), -100, -EINVAL, RULE_DEV_IOEVENTFD_BAR },
	{ 32, S32, B(1), -100, -EINVAL, RULE_DEV_IOEVENTFD_RANGE },
	{ 32, S32, B(2) + 0x100000 - 2, -100, -EINVAL, RULE_DEV_IOEVENTFD_RANGE },
	{ 32, S64, B(2) + 0x100000 - 8, -100, 0, 0 },
	{ 32, S32, B(0) + 0x87c, -100, -EINVAL, RULE_DEV_IOEVENTFD_MSIX },
	{ 32, S32, B(0) + 0x7fe, -100, -EINVAL, RULE_DEV_IOEVENTFD_MSIX },
	{ 32, S32, B(0) + 0x7fc, -100, 0, 0 },
	{ 32, S32, B(0) + 0x880, -100, 0, 0 },
	{ 32, S32, B(2) + 0x10, -102, -EBADF, RULE_DEV_IOEVENTFD_BADFD },
	{ 32, S32, B(2) + 0x10, -101, -EINVAL, RULE_DEV_IOEVENTFD_NOT_EVENTFD },
	{ 32, S16, B(2) + 0x20, -100, 0, 0 },
	/* ioeventfd_dup (41): same (bar, pos, data, size) */
	{ 32, S16, B(2) + 0x20, -100, -EEXIST, RULE_DEV_IOEVENTFD_EXISTS },
	{ 32, S16, B(2) + 0x20, -1, 0, 0 },
	/* ioeventfd_del_missing (42) */
	{ 32, S16, B(2) + 0x20, -1, -ENODEV, RULE_DEV_IOEVENTFD_NOENT },
};

static void test_ioeventfd_checks(void **state)
{
	struct tu_vfio e;
	struct tu_vdev *t;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), p[2], closed = NOT_OPEN;
	size_t i;

	assert_int_equal(pipe(p), 0);
	t = tu_vfio_open(&e, "dmaengine", 2, "0000:00:02.0");
	for (i = 0; i < sizeof(ioev_cases) / sizeof(ioev_cases[0]); i++) {
		const struct ioev_case *c = &ioev_cases[i];
		int32_t fd = c->fd == -100 ? efd : c->fd == -101 ? p[0] :
			     c->fd == -102 ? closed : c->fd;
		int rc = ioeventfd(&e, t, c->argsz, c->flags, c->offset, 0x55, fd);

		if (c->rc)
			tu_assert_rejected(rc, c->rc, c->rule);
		else
			assert_int_equal(rc, 0);
	}
	close(p[0]);
	close(p[1]);
	close(efd);
	tu_vfio_close(&e);
}

/* ioeventfd_limit (43): the 1001st registration gets ENOSPC. */
static void test_ioeventfd_limit(void **state)
{
	struct tu_vfio e;
	struct tu_vdev *t;
	struct rlimit rl;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	uint64_t i;

	/* Each registration holds a dup of the eventfd. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4096 && rl.rlim_max >= 4096) {
		rl.rlim_cur = 4096;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	t = tu_vfio_open(&e, "dmaengine", 2, "0000:00:02.0");
	for (i = 0; i < 1000; i++)
		assert_int_equal(ioeventfd(&e, t, 32, S32, B(2) + 0x100, i, efd), 0);
	tu_assert_rejected(ioeventfd(&e, t, 32, S32, B(2) + 0x100, 1000, efd), -ENOSPC,
			   RULE_DEV_IOEVENTFD_LIMIT);
	/* A deletion makes room again. */
	assert_int_equal(ioeventfd(&e, t, 32, S32, B(2) + 0x100, 5, -1), 0);
	assert_int_equal(ioeventfd(&e, t, 32, S32, B(2) + 0x100, 1000, efd), 0);
	close(efd);
	tu_vfio_close(&e);
}

/* Kernel direction: signalling the eventfd makes the device receive the
 * write; a region write never signals it. */
static void test_ioeventfd_effect(void **state)
{
	struct tu_vfio e;
	struct tu_vdev *t;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	uint64_t one = 1;
	uint32_t v = 0, w = 0xdeadbeef;

	t = tu_vfio_open(&e, "dmaengine", 2, "0000:00:02.0");
	assert_int_equal(ioeventfd(&e, t, 32, S32, B(2) + 0x10, 0xcafef00d, efd), 0);
	assert_int_equal(vfsim_pread(e.host, t->fd, &v, 4, IDX(2) + 0x10), 4);
	assert_int_equal(v, 0);
	assert_int_equal(write(efd, &one, sizeof(one)), sizeof(one));
	assert_int_equal(vfsim_pread(e.host, t->fd, &v, 4, IDX(2) + 0x10), 4);
	assert_int_equal(v, 0xcafef00d);
	/* consumed: the eventfd is not readable any more */
	assert_true(efd_take(efd) == 0);
	assert_int_equal(vfsim_pwrite(e.host, t->fd, &w, 4, IDX(2) + 0x10), 4);
	assert_true(efd_take(efd) == 0);
	close(efd);
	tu_vfio_close(&e);
}

/* ---- dispatch and close ---------------------------------------------------------- */

static void test_unknown_and_null(void **state)
{
	struct tu_vfio e;
	struct tu_vdev *t;

	t = tu_vfio_open(&e, "minimal", 2, "0000:00:02.0");
	/* container and group numbers mean nothing on a device fd (MAP_DMA
	 * would be PCI_HOT_RESET: both are VFIO_BASE + 13) */
	tu_assert_rejected(vfsim_ioctl(e.host, t->fd, VFIO_GET_API_VERSION, NULL), -ENOTTY,
			   RULE_DEV_IOCTL_UNKNOWN);
	tu_assert_rejected(vfsim_ioctl(e.host, t->fd, VFIO_GROUP_GET_STATUS, NULL), -ENOTTY,
			   RULE_DEV_IOCTL_UNKNOWN);
	tu_assert_rejected(vfsim_ioctl(e.host, t->fd, _IO(VFIO_TYPE, VFIO_BASE + 60), NULL),
			   -ENOTTY,
			   RULE_DEV_IOCTL_UNKNOWN);
	tu_assert_rejected(vfsim_ioctl(e.host, t->fd, VFIO_DEVICE_GET_INFO, NULL), -EFAULT,
			   RULE_UAPI_ARG_FAULT);
	tu_vfio_close(&e);
}

/* The last close tears IRQs and ioeventfds down. */
static void test_close_teardown(void **state)
{
	struct tu_vfio e;
	struct tu_vdev *t;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), fd2;
	uint32_t zero = 0;
	uint8_t buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set hdr = {
		.argsz = sizeof(buf), .index = VFIO_PCI_MSIX_IRQ_INDEX, .start = 0, .count = 1,
		.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
	};

	t = tu_vfio_open(&e, "dmaengine", 2, "0000:00:02.0");
	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), &efd, sizeof(efd));
	assert_int_equal(vfsim_ioctl(e.host, t->fd, VFIO_DEVICE_SET_IRQS, buf), 0);
	assert_int_equal(ioeventfd(&e, t, 32, S32, B(2), 1, efd), 0);
	/* unmask vector 0 in the MSI-X table: it fires while open */
	assert_int_equal(vfsim_pwrite(e.host, t->fd, &zero, 4, IDX(0) + 0x800 + 12), 4);
	assert_int_equal(vfsim_dev_raise_irq(t->dev, VFIO_PCI_MSIX_IRQ_INDEX, 0), 1);
	assert_true(efd_take(efd) == 1);
	assert_int_equal(vfsim_close(e.host, t->fd), 0);
	assert_int_equal(vfsim_dev_raise_irq(t->dev, VFIO_PCI_MSIX_IRQ_INDEX, 0), 0);
	assert_true(efd_take(efd) == 0);
	/* a new open starts without the old ioeventfd: deleting it finds none */
	fd2 = vfsim_ioctl(e.host, t->grp, VFIO_GROUP_GET_DEVICE_FD, (void *)"0000:00:02.0");
	assert_true(fd2 >= 0);
	t->fd = fd2;
	tu_assert_rejected(ioeventfd(&e, t, 32, S32, B(2), 1, -1), -ENODEV,
			   RULE_DEV_IOEVENTFD_NOENT);
	close(efd);
	tu_vfio_close(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_devinfo_matrix),
		cmocka_unit_test(test_irq_info),
		cmocka_unit_test(test_set_irqs_end_to_end),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_hot_reset_info),
		cmocka_unit_test(test_hot_reset),
		cmocka_unit_test(test_ioeventfd_checks),
		cmocka_unit_test(test_ioeventfd_limit),
		cmocka_unit_test(test_ioeventfd_effect),
		cmocka_unit_test(test_unknown_and_null),
		cmocka_unit_test(test_close_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
