/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fixture shared by test-irq.c and test-irq-set.c: a bare struct
 * vfsim_dev with just the profile fields irq.c reads, its irq_state, a
 * descriptor count taken at open and checked at close, and SET_IRQS callers
 * in pairs (do_x returns -errno, x_ok asserts). Static inline so each test
 * program takes only what it uses; what is not irq-specific is in test-util.h.
 */
#ifndef VFSIM_TEST_IRQ_FIXTURE_H
#define VFSIM_TEST_IRQ_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <cmocka.h>

#include "include/vfsim.h"
#include "dev.h"
#include "irq.h"
#include "rules.h"
#include "test-util.h"

#define INTX VFIO_PCI_INTX_IRQ_INDEX
#define MSI VFIO_PCI_MSI_IRQ_INDEX
#define MSIX VFIO_PCI_MSIX_IRQ_INDEX
#define ERR VFIO_PCI_ERR_IRQ_INDEX
#define REQ VFIO_PCI_REQ_IRQ_INDEX

#define D_NONE VFIO_IRQ_SET_DATA_NONE
#define D_BOOL VFIO_IRQ_SET_DATA_BOOL
#define D_EFD VFIO_IRQ_SET_DATA_EVENTFD
#define A_MASK VFIO_IRQ_SET_ACTION_MASK
#define A_UNMASK VFIO_IRQ_SET_ACTION_UNMASK
#define A_TRIG VFIO_IRQ_SET_ACTION_TRIGGER

/* ---- helpers ------------------------------------------------------------- */

static inline int efd_new(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

/* The eventfd's counter, consumed; 0 when it was never signalled. */
static inline uint64_t efd_read(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return 0;
	return v;
}

enum dev_kind {
	DEV_FULL,	/* PCIe, INTA, 4 MSI, 8 MSI-X */
	DEV_BARE,	/* conventional PCI, no pin, no MSI, no MSI-X: only REQ has a vector */
};

static inline struct vfsim_dev *dev_make(enum dev_kind kind)
{
	struct vfsim_dev *dev = calloc(1, sizeof(*dev));

	assert_non_null(dev);
	dev->low_power_wakeup_fd = -1;
	if (kind == DEV_FULL) {
		dev->prof.pcie = true;
		dev->prof.intx_pin = 1;
		dev->prof.msi_vectors = 4;
		dev->prof.msix_vectors = 8;
	}
	return dev;
}

struct fix {
	struct vfsim_dev *dev;
	struct irq_state *s;
	int fds_before;
};

static inline void fix_open(struct fix *f, enum dev_kind kind)
{
	f->fds_before = tu_fd_count();
	f->dev = dev_make(kind);
	assert_int_equal(irq_new(f->dev, &f->s), 0);
}

/* Frees everything and checks that no descriptor is left behind. */
static inline void fix_close(struct fix *f)
{
	irq_free(f->s);
	free(f->dev);
	assert_int_equal(tu_fd_count(), f->fds_before);
}

static inline int do_set(struct irq_state *s, uint32_t argsz, uint32_t flags, uint32_t index, uint32_t start,
			 uint32_t count, const void *data)
{
	struct vfio_irq_set hdr = {
		.argsz = argsz, .flags = flags, .index = index, .start = start, .count = count,
	};

	vfsim_reject_clear();
	return irq_set(s, &hdr, data);
}

static inline int do_set_fds(struct irq_state *s, uint32_t index, uint32_t start, uint32_t count, const int32_t *fds)
{
	return do_set(s, 20 + 4 * count, D_EFD | A_TRIG, index, start, count, fds);
}

static inline void set_fds_ok(struct irq_state *s, uint32_t index, uint32_t start, uint32_t count, const int32_t *fds)
{
	assert_int_equal(do_set_fds(s, index, start, count, fds), 0);
	assert_int_equal(vfsim_last_rule(NULL), RULE_NONE);
}

static inline int do_set_none(struct irq_state *s, uint32_t flags, uint32_t index, uint32_t start, uint32_t count)
{
	return do_set(s, 20, D_NONE | flags, index, start, count, NULL);
}

static inline void set_none_ok(struct irq_state *s, uint32_t flags, uint32_t index, uint32_t start, uint32_t count)
{
	assert_int_equal(do_set_none(s, flags, index, start, count), 0);
}

static inline int do_set_bool(struct irq_state *s, uint32_t flags, uint32_t index, uint32_t start, uint32_t count,
			      const uint8_t *b)
{
	return do_set(s, 20 + count, D_BOOL | flags, index, start, count, b);
}

#endif
