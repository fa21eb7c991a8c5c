/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * irq.c: GET_IRQ_INFO (uapi digest §1.3, checks 33-35) and the behaviour
 * behind SET_IRQS: eventfds really signalled, INTx automask and unmask (ioctl
 * and irqfd), MSI-X mask and pending bits, ERR/REQ, the saved state, and no
 * descriptor left open. The SET_IRQS validation matrix (§1.5, checks 44-61)
 * is in test-irq-set.c. Expected values are transcribed from the digest and
 * from vfio_pci_intrs.c of Linux 6.1.
 */
#include <dirent.h>
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
#include <unistd.h>
#include <cmocka.h>

#include "irq-fixture.h"

/* ---- GET_IRQ_INFO (checks 33-35) ------------------------------------------ */

static void test_info(void **state)
{
	static const struct {
		enum dev_kind kind;
		uint32_t index;
		int err, rule;
		uint32_t flags, count;
	} rows[] = {
		{ DEV_FULL, INTX, 0, RULE_NONE, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED, 1 },
		{ DEV_FULL, MSI, 0, RULE_NONE, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, 4 },
		{ DEV_FULL, MSIX, 0, RULE_NONE, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, 8 },
		{ DEV_FULL, ERR, 0, RULE_NONE, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, 1 },
		{ DEV_FULL, REQ, 0, RULE_NONE, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, 1 },
		{ DEV_FULL, 5, -EINVAL, RULE_IRQ_INFO_INDEX, 0, 0 },
		{ DEV_FULL, 0xffffffff, -EINVAL, RULE_IRQ_INFO_INDEX, 0, 0 },
		/* a pin-less device still reports INTx, with count 0 */
		{ DEV_BARE, INTX, 0, RULE_NONE, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED, 0 },
		{ DEV_BARE, MSI, 0, RULE_NONE, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, 0 },
		{ DEV_BARE, MSIX, 0, RULE_NONE, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, 0 },
		{ DEV_BARE, ERR, -EINVAL, RULE_IRQ_INFO_ERR_NOT_PCIE, 0, 0 },
		{ DEV_BARE, REQ, 0, RULE_NONE, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct fix f;
		uint32_t flags = 0xdead, count = 0xbeef;

		fix_open(&f, rows[i].kind);
		vfsim_reject_clear();
		tu_expect_rule(irq_info(f.s, rows[i].index, &flags, &count), rows[i].err,
			       rows[i].rule);
		if (!rows[i].err) {
			assert_int_equal(flags, rows[i].flags);
			assert_int_equal(count, rows[i].count);
			assert_int_equal(irq_count(f.s, rows[i].index), rows[i].count);
		}
		fix_close(&f);
	}
}

/* ---- behaviour ------------------------------------------------------------ */

/* Check 57, as the selftest enable_trigger_disable: every vector fires alone. */
static void test_enable_trigger_disable(void **state)
{
	static const uint32_t indexes[] = { MSI, MSIX };
	size_t k;

	for (k = 0; k < 2; k++) {
		uint32_t index = indexes[k], n = index == MSI ? 4 : 8, i, j;
		int32_t fds[8];
		struct fix f;

		fix_open(&f, DEV_FULL);
		for (i = 0; i < n; i++)
			fds[i] = efd_new();
		set_fds_ok(f.s, index, 0, n, fds);
		assert_int_equal(irq_mode(f.s), (int)index);
		for (i = 0; i < n; i++) {
			set_none_ok(f.s, A_TRIG, index, i, 1);
			for (j = 0; j < n; j++)
				assert_int_equal(efd_read(fds[j]), j == i ? 1 : 0);
		}
		set_none_ok(f.s, A_TRIG, index, 0, 0);
		assert_int_equal(irq_mode(f.s), -1);
		for (i = 0; i < n; i++) {
			assert_false(irq_has_trigger(f.s, index, i));
			assert_int_equal(irq_raise(f.s, index, i), 0);
			assert_int_equal(efd_read(fds[i]), 0);
			close(fds[i]);
		}
		fix_close(&f);
	}
}

static void test_mode_switch(void **state)
{
	int32_t fd[1];
	struct fix f;

	fix_open(&f, DEV_FULL);
	fd[0] = efd_new();
	set_fds_ok(f.s, MSI, 0, 1, fd);
	tu_expect_rule(do_set_fds(f.s, MSIX, 0, 1, fd), -EINVAL, RULE_IRQ_MODE_BUSY);
	tu_expect_rule(do_set_fds(f.s, INTX, 0, 1, fd), -EINVAL, RULE_IRQ_MODE_BUSY);
	assert_int_equal(irq_mode(f.s), MSI);
	assert_true(irq_has_trigger(f.s, MSI, 0));
	set_none_ok(f.s, A_TRIG, MSI, 0, 0);
	set_fds_ok(f.s, MSIX, 0, 1, fd);
	assert_int_equal(irq_mode(f.s), MSIX);
	set_none_ok(f.s, A_TRIG, MSIX, 0, 0);
	set_fds_ok(f.s, INTX, 0, 1, fd);
	assert_int_equal(irq_mode(f.s), INTX);
	close(fd[0]);
	fix_close(&f);
}

static void test_intx_automask(void **state)
{
	uint8_t one = 1, zero = 0;
	int32_t fd[1];
	struct fix f;

	fix_open(&f, DEV_FULL);
	fd[0] = efd_new();
	/* Not enabled: nobody listens, nothing latches. */
	assert_int_equal(irq_raise(f.s, INTX, 0), 0);
	assert_false(irq_masked(f.s, INTX, 0));
	set_fds_ok(f.s, INTX, 0, 1, fd);
	assert_false(irq_masked(f.s, INTX, 0));

	assert_int_equal(irq_raise(f.s, INTX, 0), 1);
	assert_int_equal(efd_read(fd[0]), 1);
	assert_true(irq_masked(f.s, INTX, 0));
	assert_false(irq_pending(f.s, INTX, 0));
	assert_int_equal(irq_raise(f.s, INTX, 0), 0);
	assert_int_equal(irq_raise(f.s, INTX, 0), 0);
	assert_int_equal(efd_read(fd[0]), 0);
	assert_true(irq_pending(f.s, INTX, 0));

	/* Unmask with the level still asserted: re-sent, still masked. */
	set_none_ok(f.s, A_UNMASK, INTX, 0, 1);
	assert_int_equal(efd_read(fd[0]), 1);
	assert_true(irq_masked(f.s, INTX, 0));
	assert_false(irq_pending(f.s, INTX, 0));
	/* BOOL 0 does nothing, BOOL 1 unmasks. */
	assert_int_equal(do_set_bool(f.s, A_UNMASK, INTX, 0, 1, &zero), 0);
	assert_true(irq_masked(f.s, INTX, 0));
	assert_int_equal(do_set_bool(f.s, A_UNMASK, INTX, 0, 1, &one), 0);
	assert_false(irq_masked(f.s, INTX, 0));
	assert_int_equal(efd_read(fd[0]), 0);

	/* MASK: BOOL 0 nothing, BOOL 1 / NONE mask; a raise then only latches. */
	assert_int_equal(do_set_bool(f.s, A_MASK, INTX, 0, 1, &zero), 0);
	assert_false(irq_masked(f.s, INTX, 0));
	assert_int_equal(do_set_bool(f.s, A_MASK, INTX, 0, 1, &one), 0);
	assert_true(irq_masked(f.s, INTX, 0));
	set_none_ok(f.s, A_MASK, INTX, 0, 1);
	assert_int_equal(irq_raise(f.s, INTX, 0), 0);
	assert_int_equal(efd_read(fd[0]), 0);
	/* Loopback ignores the mask (vfio_send_intx_eventfd). */
	set_none_ok(f.s, A_TRIG, INTX, 0, 1);
	assert_int_equal(efd_read(fd[0]), 1);
	assert_int_equal(do_set_bool(f.s, A_TRIG, INTX, 0, 1, &zero), 0);
	assert_int_equal(efd_read(fd[0]), 0);
	assert_int_equal(do_set_bool(f.s, A_TRIG, INTX, 0, 1, &one), 0);
	assert_int_equal(efd_read(fd[0]), 1);

	/* Disable forgets mask and pending; re-enable starts unmasked. */
	set_none_ok(f.s, A_TRIG, INTX, 0, 0);
	assert_int_equal(irq_mode(f.s), -1);
	assert_false(irq_masked(f.s, INTX, 0));
	assert_false(irq_pending(f.s, INTX, 0));
	set_fds_ok(f.s, INTX, 0, 1, fd);
	assert_int_equal(irq_raise(f.s, INTX, 0), 1);
	assert_int_equal(efd_read(fd[0]), 1);
	close(fd[0]);
	fix_close(&f);
}

static void test_intx_trigger_swap(void **state)
{
	int32_t a[1], b[1], m1[1] = { -1 };
	struct fix f;

	fix_open(&f, DEV_FULL);
	a[0] = efd_new();
	b[0] = efd_new();
	/* Enabled with no trigger: the line still automasks. */
	set_fds_ok(f.s, INTX, 0, 1, m1);
	assert_int_equal(irq_mode(f.s), INTX);
	assert_false(irq_has_trigger(f.s, INTX, 0));
	assert_int_equal(irq_raise(f.s, INTX, 0), 0);
	assert_true(irq_masked(f.s, INTX, 0));
	set_none_ok(f.s, A_UNMASK, INTX, 0, 1);
	set_fds_ok(f.s, INTX, 0, 1, a);
	assert_int_equal(irq_raise(f.s, INTX, 0), 1);
	assert_int_equal(efd_read(a[0]), 1);
	set_none_ok(f.s, A_UNMASK, INTX, 0, 1);
	set_fds_ok(f.s, INTX, 0, 1, b);
	assert_int_equal(irq_raise(f.s, INTX, 0), 1);
	assert_int_equal(efd_read(a[0]), 0);
	assert_int_equal(efd_read(b[0]), 1);
	/* The caller's descriptors are theirs: still open after we let go. */
	set_none_ok(f.s, A_TRIG, INTX, 0, 0);
	assert_true(fcntl(a[0], F_GETFD) >= 0);
	assert_true(fcntl(b[0], F_GETFD) >= 0);
	close(a[0]);
	close(b[0]);
	fix_close(&f);
}

static void test_intx_unmask_irqfd(void **state)
{
	int32_t trig[1], unmask[1], other[1], m1[1] = { -1 };
	uint64_t one = 1;
	struct fix f;

	fix_open(&f, DEV_FULL);
	trig[0] = efd_new();
	unmask[0] = efd_new();
	other[0] = efd_new();
	set_fds_ok(f.s, INTX, 0, 1, trig);
	assert_int_equal(do_set(f.s, 24, D_EFD | A_UNMASK, INTX, 0, 1, unmask), 0);
	tu_expect_rule(do_set(f.s, 24, D_EFD | A_UNMASK, INTX, 0, 1, other), -EBUSY,
		       RULE_IRQ_INTX_UNMASKFD_BUSY);

	assert_int_equal(irq_raise(f.s, INTX, 0), 1);
	assert_int_equal(efd_read(trig[0]), 1);
	assert_int_equal(irq_raise(f.s, INTX, 0), 0);	/* latched */
	assert_int_equal(write(unmask[0], &one, 8), 8);
	/* The irqfd write unmasks with the level pending: re-sent, still masked. */
	assert_int_equal(irq_raise(f.s, INTX, 0), 0);
	assert_int_equal(efd_read(trig[0]), 1);
	assert_true(irq_masked(f.s, INTX, 0));
	assert_true(irq_pending(f.s, INTX, 0));	/* the raise just above latched again */
	assert_int_equal(write(unmask[0], &one, 8), 8);
	set_none_ok(f.s, A_TRIG, INTX, 0, 1);	/* any SET_IRQS sees the irqfd first */
	assert_int_equal(efd_read(trig[0]), 2);	/* the re-send and the loopback */
	assert_false(irq_pending(f.s, INTX, 0));
	assert_int_equal(write(unmask[0], &one, 8), 8);
	assert_int_equal(irq_raise(f.s, INTX, 0), 1);
	assert_int_equal(efd_read(trig[0]), 1);
	assert_int_equal(efd_read(unmask[0]), 0);	/* consumed */

	/* fd -1 drops the irqfd; then writes to it no longer unmask. */
	assert_int_equal(do_set(f.s, 24, D_EFD | A_UNMASK, INTX, 0, 1, m1), 0);
	assert_int_equal(write(unmask[0], &one, 8), 8);
	assert_int_equal(irq_raise(f.s, INTX, 0), 0);
	assert_int_equal(efd_read(unmask[0]), 1);
	assert_int_equal(do_set(f.s, 24, D_EFD | A_UNMASK, INTX, 0, 1, other), 0);
	/* Disabling INTx releases the irqfd too (fix_close counts descriptors). */
	set_none_ok(f.s, A_TRIG, INTX, 0, 0);
	close(trig[0]);
	close(unmask[0]);
	close(other[0]);
	fix_close(&f);
}

static void test_msi_vectors(void **state)
{
	int32_t fds[3], rel[1] = { -1 };
	uint8_t bools[3] = { 1, 0, 1 };
	struct fix f;
	int i;

	fix_open(&f, DEV_FULL);
	for (i = 0; i < 3; i++)
		fds[i] = efd_new();
	set_fds_ok(f.s, MSI, 0, 3, fds);
	assert_int_equal(irq_raise(f.s, MSI, 2), 1);
	assert_int_equal(efd_read(fds[2]), 1);
	assert_int_equal(irq_raise(f.s, MSI, 3), 0);	/* not enabled */
	tu_expect_rule(irq_raise(f.s, MSI, 4), -EINVAL, RULE_IRQ_RAISE_RANGE);
	tu_expect_rule(irq_raise(f.s, 5, 0), -EINVAL, RULE_IRQ_RAISE_RANGE);
	/* fd < 0 releases one vector; loopback skips it. */
	set_fds_ok(f.s, MSI, 1, 1, rel);
	assert_false(irq_has_trigger(f.s, MSI, 1));
	assert_true(irq_has_trigger(f.s, MSI, 0));
	set_none_ok(f.s, A_TRIG, MSI, 0, 3);
	assert_int_equal(efd_read(fds[0]), 1);
	assert_int_equal(efd_read(fds[1]), 0);
	assert_int_equal(efd_read(fds[2]), 1);
	assert_int_equal(do_set_bool(f.s, A_TRIG, MSI, 0, 3, bools), 0);
	assert_int_equal(efd_read(fds[0]), 1);
	assert_int_equal(efd_read(fds[2]), 1);
	bools[0] = 0;
	assert_int_equal(do_set_bool(f.s, A_TRIG, MSI, 0, 3, bools), 0);
	assert_int_equal(efd_read(fds[0]), 0);
	assert_int_equal(efd_read(fds[2]), 1);
	assert_int_equal(irq_raise(f.s, MSI, 1), 0);
	for (i = 0; i < 3; i++)
		close(fds[i]);
	fix_close(&f);
}

/* vfio_msi_set_block(): a bad fd releases the block up to the failure. */
static void test_msi_block_unwind(void **state)
{
	int32_t fds[4], bad[3];
	struct fix f;
	int i;

	fix_open(&f, DEV_FULL);
	for (i = 0; i < 4; i++)
		fds[i] = efd_new();
	bad[0] = fds[3];
	bad[1] = 999;
	bad[2] = fds[3];
	/* From none: the failed enable leaves no mode behind. */
	tu_expect_rule(do_set_fds(f.s, MSI, 0, 3, bad), -EBADF, RULE_IRQ_FD_BAD);
	assert_int_equal(irq_mode(f.s), -1);
	set_fds_ok(f.s, MSI, 0, 4, fds);
	tu_expect_rule(do_set_fds(f.s, MSI, 0, 3, bad), -EBADF, RULE_IRQ_FD_BAD);
	assert_int_equal(irq_mode(f.s), MSI);
	assert_false(irq_has_trigger(f.s, MSI, 0));
	assert_false(irq_has_trigger(f.s, MSI, 1));
	assert_true(irq_has_trigger(f.s, MSI, 2));
	assert_true(irq_has_trigger(f.s, MSI, 3));
	assert_int_equal(irq_raise(f.s, MSI, 2), 1);
	assert_int_equal(efd_read(fds[2]), 1);
	for (i = 0; i < 4; i++)
		close(fds[i]);
	fix_close(&f);
}

static void test_msix_mask_pending(void **state)
{
	int32_t fds[4];
	struct fix f;
	int i;

	fix_open(&f, DEV_FULL);
	for (i = 0; i < 4; i++)
		fds[i] = efd_new();
	set_fds_ok(f.s, MSIX, 0, 4, fds);
	/* Vectors come out of reset masked (PCI spec); a driver unmasks them
	 * in the table, which reaches irq.c as irq_msix_set_mask(). */
	for (i = 0; i < 4; i++) {
		assert_true(irq_masked(f.s, MSIX, i));
		irq_msix_set_mask(f.s, i, false);
	}
	irq_msix_set_mask(f.s, 1, true);
	assert_true(irq_masked(f.s, MSIX, 1));
	assert_int_equal(irq_raise(f.s, MSIX, 1), 0);
	assert_true(irq_pending(f.s, MSIX, 1));
	assert_int_equal(efd_read(fds[1]), 0);
	assert_int_equal(irq_raise(f.s, MSIX, 0), 1);
	assert_int_equal(efd_read(fds[0]), 1);
	/* Unmasking with the PBA bit set sends the message once. */
	irq_msix_set_mask(f.s, 1, false);
	assert_false(irq_pending(f.s, MSIX, 1));
	assert_int_equal(efd_read(fds[1]), 1);
	irq_msix_set_mask(f.s, 1, false);
	assert_int_equal(efd_read(fds[1]), 0);
	assert_int_equal(irq_raise(f.s, MSIX, 1), 1);
	assert_int_equal(efd_read(fds[1]), 1);
	/* Loopback ignores the mask, as in vfio_pci_set_msi_trigger(). */
	irq_msix_set_mask(f.s, 2, true);
	set_none_ok(f.s, A_TRIG, MSIX, 2, 1);
	assert_int_equal(efd_read(fds[2]), 1);
	/* Out of range is ignored; vector 6 is in range but not enabled. */
	irq_msix_set_mask(f.s, 8, true);
	irq_msix_set_mask(f.s, 0xffffffff, true);
	irq_msix_set_mask(NULL, 0, true);
	assert_int_equal(irq_raise(f.s, MSIX, 6), 0);
	/* Mask bits belong to the table: they survive disabling MSI-X; a
	 * vector unmasked with nobody listening loses its pending message. */
	set_none_ok(f.s, A_TRIG, MSIX, 0, 0);
	assert_true(irq_masked(f.s, MSIX, 2));
	assert_int_equal(irq_raise(f.s, MSIX, 2), 0);
	assert_true(irq_pending(f.s, MSIX, 2));
	irq_msix_set_mask(f.s, 2, false);
	assert_false(irq_pending(f.s, MSIX, 2));
	assert_int_equal(efd_read(fds[2]), 0);
	for (i = 0; i < 4; i++)
		close(fds[i]);
	fix_close(&f);
}

static void test_err_req(void **state)
{
	static const uint32_t indexes[] = { ERR, REQ };
	size_t k;

	for (k = 0; k < 2; k++) {
		uint32_t index = indexes[k];
		int32_t a[1], b[1], m1[1] = { -1 }, m2[1] = { -2 };
		uint8_t one = 1, zero = 0;
		struct fix f;

		fix_open(&f, DEV_FULL);
		a[0] = efd_new();
		b[0] = efd_new();
		assert_int_equal(irq_raise(f.s, index, 0), 0);
		set_fds_ok(f.s, index, 0, 1, a);
		set_none_ok(f.s, A_TRIG, index, 0, 1);
		assert_int_equal(efd_read(a[0]), 1);
		assert_int_equal(do_set_bool(f.s, A_TRIG, index, 0, 1, &one), 0);
		assert_int_equal(efd_read(a[0]), 1);
		assert_int_equal(do_set_bool(f.s, A_TRIG, index, 0, 1, &zero), 0);
		assert_int_equal(efd_read(a[0]), 0);
		assert_int_equal(irq_raise(f.s, index, 0), 1);
		assert_int_equal(efd_read(a[0]), 1);
		/* fd < -1: accepted, nothing changes. */
		set_fds_ok(f.s, index, 0, 1, m2);
		assert_true(irq_has_trigger(f.s, index, 0));
		assert_int_equal(irq_raise(f.s, index, 0), 1);
		assert_int_equal(efd_read(a[0]), 1);
		/* Replace: the old eventfd hears nothing more. */
		set_fds_ok(f.s, index, 0, 1, b);
		assert_int_equal(irq_raise(f.s, index, 0), 1);
		assert_int_equal(efd_read(a[0]), 0);
		assert_int_equal(efd_read(b[0]), 1);
		/* fd -1 unregisters; NONE then has nothing to signal. */
		set_fds_ok(f.s, index, 0, 1, m1);
		assert_false(irq_has_trigger(f.s, index, 0));
		tu_expect_rule(do_set_none(f.s, A_TRIG, index, 0, 1), -EINVAL,
			       RULE_IRQ_ERRREQ_NO_TRIGGER);
		/* count 0 + NONE unregisters too. */
		set_fds_ok(f.s, index, 0, 1, a);
		set_none_ok(f.s, A_TRIG, index, 0, 0);
		assert_false(irq_has_trigger(f.s, index, 0));
		assert_int_equal(irq_raise(f.s, index, 0), 0);
		close(a[0]);
		close(b[0]);
		fix_close(&f);
	}
}

static void test_err_nonpcie(void **state)
{
	struct fix f;

	fix_open(&f, DEV_BARE);
	vfsim_reject_clear();
	tu_expect_rule(irq_raise(f.s, ERR, 0), -EINVAL, RULE_IRQ_RAISE_RANGE);
	tu_expect_rule(irq_raise(f.s, INTX, 0), -EINVAL, RULE_IRQ_RAISE_RANGE);
	assert_int_equal(irq_raise(f.s, REQ, 0), 0);
	fix_close(&f);
}

/* Device close: every mode and every trigger goes, the state stays usable. */
static void test_teardown(void **state)
{
	int32_t fds[8], unmask[1];
	struct fix f;
	int i, base;

	fix_open(&f, DEV_FULL);
	for (i = 0; i < 8; i++)
		fds[i] = efd_new();
	unmask[0] = efd_new();
	base = tu_fd_count();
	set_fds_ok(f.s, MSIX, 0, 8, fds);
	set_fds_ok(f.s, ERR, 0, 1, fds);
	set_fds_ok(f.s, REQ, 0, 1, fds);
	assert_int_equal(tu_fd_count(), base + 10);
	irq_teardown(f.s);
	assert_int_equal(tu_fd_count(), base);
	assert_int_equal(irq_mode(f.s), -1);
	assert_false(irq_has_trigger(f.s, ERR, 0));
	assert_false(irq_has_trigger(f.s, REQ, 0));
	set_fds_ok(f.s, INTX, 0, 1, fds);
	assert_int_equal(do_set(f.s, 24, D_EFD | A_UNMASK, INTX, 0, 1, unmask), 0);
	assert_int_equal(tu_fd_count(), base + 2);
	irq_teardown(f.s);
	assert_int_equal(tu_fd_count(), base);
	irq_teardown(NULL);
	irq_free(NULL);
	for (i = 0; i < 8; i++)
		close(fds[i]);
	close(unmask[0]);
	fix_close(&f);
}

/* ---- saved state ------------------------------------------------------------ */

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void test_save_load(void **state)
{
	uint8_t a[64], b[64], c[64];
	int32_t fds[3];
	struct fix fa, fb;
	int i;

	fix_open(&fa, DEV_FULL);
	fix_open(&fb, DEV_FULL);
	for (i = 0; i < 3; i++)
		fds[i] = efd_new();
	/* The documented layout: 20-byte header plus one byte per MSI-X vector. */
	assert_int_equal(irq_save_size(fa.s), 20 + 8);
	set_fds_ok(fa.s, MSIX, 0, 3, fds);
	/* out of reset every vector is masked; the driver unmasks all but 2 and 5 */
	for (i = 0; i < 8; i++)
		if (i != 2 && i != 5)
			irq_msix_set_mask(fa.s, i, false);
	assert_int_equal(irq_raise(fa.s, MSIX, 5), 0);
	irq_save(fa.s, a);
	assert_int_equal(a[0], 1);
	assert_int_equal(a[1], MSIX);
	assert_int_equal(a[2], 0);
	assert_int_equal(le32(a + 4), 3);
	assert_int_equal(le32(a + 8), 1);
	assert_int_equal(le32(a + 12), 4);
	assert_int_equal(le32(a + 16), 8);
	assert_int_equal(a[20 + 5], 3);
	assert_int_equal(a[20 + 2], 1);
	assert_int_equal(a[20 + 0], 0);

	vfsim_reject_clear();
	assert_int_equal(irq_load(fb.s, a, 28), 0);
	assert_int_equal(irq_mode(fb.s), MSIX);
	assert_true(irq_masked(fb.s, MSIX, 5));
	assert_true(irq_pending(fb.s, MSIX, 5));
	assert_true(irq_masked(fb.s, MSIX, 2));
	assert_false(irq_has_trigger(fb.s, MSIX, 0));	/* descriptors never cross */
	irq_save(fb.s, b);
	assert_memory_equal(a, b, 28);
	/* The loaded mode takes SET_IRQS as an enabled one: set the block. */
	set_fds_ok(fb.s, MSIX, 0, 3, fds);
	irq_msix_set_mask(fb.s, 2, false);
	assert_int_equal(efd_read(fds[2]), 0);	/* nothing was pending on 2 */
	assert_int_equal(irq_raise(fb.s, MSIX, 2), 1);
	assert_int_equal(efd_read(fds[2]), 1);

	/* INTx masked with a level pending round-trips; same mode keeps triggers. */
	set_none_ok(fa.s, A_TRIG, MSIX, 0, 0);
	set_fds_ok(fa.s, INTX, 0, 1, fds);
	assert_int_equal(irq_raise(fa.s, INTX, 0), 1);
	assert_int_equal(irq_raise(fa.s, INTX, 0), 0);
	irq_save(fa.s, a);
	assert_int_equal(a[1], INTX);
	assert_int_equal(a[2], 3);
	set_none_ok(fb.s, A_TRIG, MSIX, 0, 0);
	set_fds_ok(fb.s, INTX, 0, 1, fds + 1);
	assert_int_equal(irq_load(fb.s, a, 28), 0);
	assert_true(irq_has_trigger(fb.s, INTX, 0));
	assert_true(irq_pending(fb.s, INTX, 0));
	irq_save(fb.s, c);
	assert_memory_equal(a, c, 28);
	set_none_ok(fb.s, A_UNMASK, INTX, 0, 1);
	assert_int_equal(efd_read(fds[1]), 1);	/* the pending level, re-sent */
	for (i = 0; i < 3; i++)
		close(fds[i]);
	/* Both hold descriptors: release both before either counts. */
	irq_teardown(fa.s);
	irq_teardown(fb.s);
	fix_close(&fa);
	fix_close(&fb);
}

static void test_load_rejects(void **state)
{
	static const struct {
		const char *name;
		size_t off;		/* byte to overwrite; SIZE_MAX: none */
		uint8_t val;
		int dlen;		/* length change */
		int rule;
	} rows[] = {
		{ "short", SIZE_MAX, 0, -9, RULE_IRQ_LOAD_SHORT },
		{ "empty", SIZE_MAX, 0, -28, RULE_IRQ_LOAD_SHORT },
		{ "version", 0, 2, 0, RULE_IRQ_LOAD_VERSION },
		{ "reserved", 3, 1, 0, RULE_IRQ_LOAD_VERSION },
		{ "intx_count", 8, 0, 0, RULE_IRQ_LOAD_COUNTS },
		{ "msi_count", 12, 8, 0, RULE_IRQ_LOAD_COUNTS },
		{ "msix_count", 16, 9, 0, RULE_IRQ_LOAD_COUNTS },
		{ "msix_count_huge", 19, 0xff, 0, RULE_IRQ_LOAD_COUNTS },
		{ "long", SIZE_MAX, 0, 1, RULE_IRQ_LOAD_LENGTH },
		{ "truncated_bits", SIZE_MAX, 0, -1, RULE_IRQ_LOAD_LENGTH },
		{ "mode_err", 1, ERR, 0, RULE_IRQ_LOAD_MODE },
		{ "mode_7", 1, 7, 0, RULE_IRQ_LOAD_MODE },
		{ "enabled_0", 4, 0, 0, RULE_IRQ_LOAD_ENABLED },
		{ "enabled_9", 4, 9, 0, RULE_IRQ_LOAD_ENABLED },
		{ "enabled_high", 7, 1, 0, RULE_IRQ_LOAD_ENABLED },
		{ "intx_bits_in_msix", 2, 1, 0, RULE_IRQ_LOAD_BITS },
		{ "vec_unknown_bit", 20 + 3, 4, 0, RULE_IRQ_LOAD_BITS },
		{ "vec_pending_unmasked", 20 + 4, 2, 0, RULE_IRQ_LOAD_BITS },
	};
	uint8_t good[64], blob[64], after[64];
	int32_t fds[2];
	struct fix f;
	size_t i;

	fix_open(&f, DEV_FULL);
	fds[0] = efd_new();
	fds[1] = efd_new();
	/* A valid blob: MSI-X with 2 vectors enabled, vector 1 masked. */
	set_fds_ok(f.s, MSIX, 0, 2, fds);
	irq_msix_set_mask(f.s, 1, true);
	irq_save(f.s, good);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memcpy(blob, good, sizeof(good));
		if (rows[i].off != SIZE_MAX)
			blob[rows[i].off] = rows[i].val;
		vfsim_reject_clear();
		if (irq_load(f.s, blob, (size_t)(28 + rows[i].dlen)) != -EINVAL ||
		    vfsim_last_rule(NULL) != rows[i].rule)
			fail_msg("load row %s: rule %s", rows[i].name, vfsim_rule_name(vfsim_last_rule(NULL)));
		/* A rejected blob changes nothing. */
		irq_save(f.s, after);
		assert_memory_equal(after, good, 28);
		assert_true(irq_has_trigger(f.s, MSIX, 0));
	}
	/* The same blob is accepted, and mode none with 0 vectors too. */
	assert_int_equal(irq_load(f.s, good, 28), 0);
	assert_true(irq_has_trigger(f.s, MSIX, 0));
	good[1] = 0xff;
	memset(good + 4, 0, 4);
	assert_int_equal(irq_load(f.s, good, 28), 0);
	assert_int_equal(irq_mode(f.s), -1);
	assert_false(irq_has_trigger(f.s, MSIX, 0));
	close(fds[0]);
	close(fds[1]);
	fix_close(&f);
}

static void test_profile_bounds(void **state)
{
	struct vfsim_dev *dev = dev_make(DEV_FULL);
	struct irq_state *s = NULL;

	dev->prof.msix_vectors = VFSIM_MAX_MSIX + 1;
	vfsim_reject_clear();
	tu_expect_rule(irq_new(dev, &s), -EINVAL, RULE_IRQ_PROFILE_COUNTS);
	dev->prof.msix_vectors = VFSIM_MAX_MSIX;
	dev->prof.msi_vectors = VFSIM_MAX_MSI;
	assert_int_equal(irq_new(dev, &s), 0);
	assert_int_equal(irq_count(s, MSIX), VFSIM_MAX_MSIX);
	assert_int_equal(irq_count(s, 5), 0);
	irq_free(s);
	free(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_enable_trigger_disable),
		cmocka_unit_test(test_mode_switch),
		cmocka_unit_test(test_intx_automask),
		cmocka_unit_test(test_intx_trigger_swap),
		cmocka_unit_test(test_intx_unmask_irqfd),
		cmocka_unit_test(test_msi_vectors),
		cmocka_unit_test(test_msi_block_unwind),
		cmocka_unit_test(test_msix_mask_pending),
		cmocka_unit_test(test_err_req),
		cmocka_unit_test(test_err_nonpcie),
		cmocka_unit_test(test_teardown),
		cmocka_unit_test(test_save_load),
		cmocka_unit_test(test_load_rejects),
		cmocka_unit_test(test_profile_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
