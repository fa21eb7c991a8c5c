/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * irq.c: GET_IRQ_INFO (uapi digest §1.3, checks 33-35), the SET_IRQS matrix
 * (§1.5, checks 44-61) as one table whose rows carry the errno and the rule,
 * and the behaviour behind it: eventfds really signalled, INTx automask and
 * unmask (ioctl and irqfd), MSI-X mask and pending bits, ERR/REQ, the saved
 * state, and no descriptor left open. Expected values are transcribed from
 * the digest and from vfio_pci_intrs.c of Linux 6.1.
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

#include "include/vfsim.h"
#include "dev.h"
#include "irq.h"
#include "rules.h"

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

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static int efd_new(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

/* The eventfd's counter, consumed; 0 when it was never signalled. */
static uint64_t efd_read(int fd)
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

static struct vfsim_dev *dev_make(enum dev_kind kind)
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

static void fix_open(struct fix *f, enum dev_kind kind)
{
	f->fds_before = count_fds();
	f->dev = dev_make(kind);
	assert_int_equal(irq_new(f->dev, &f->s), 0);
}

/* Frees everything and checks that no descriptor is left behind. */
static void fix_close(struct fix *f)
{
	irq_free(f->s);
	free(f->dev);
	assert_int_equal(count_fds(), f->fds_before);
}

static int do_set(struct irq_state *s, uint32_t argsz, uint32_t flags, uint32_t index, uint32_t start,
		  uint32_t count, const void *data)
{
	struct vfio_irq_set hdr = {
		.argsz = argsz, .flags = flags, .index = index, .start = start, .count = count,
	};

	vfsim_reject_clear();
	return irq_set(s, &hdr, data);
}

static int do_set_fds(struct irq_state *s, uint32_t index, uint32_t start, uint32_t count, const int32_t *fds)
{
	return do_set(s, 20 + 4 * count, D_EFD | A_TRIG, index, start, count, fds);
}

static void set_fds_ok(struct irq_state *s, uint32_t index, uint32_t start, uint32_t count, const int32_t *fds)
{
	assert_int_equal(do_set_fds(s, index, start, count, fds), 0);
	assert_int_equal(vfsim_last_rule(NULL), RULE_NONE);
}

static int do_set_none(struct irq_state *s, uint32_t flags, uint32_t index, uint32_t start, uint32_t count)
{
	return do_set(s, 20, D_NONE | flags, index, start, count, NULL);
}

static void set_none_ok(struct irq_state *s, uint32_t flags, uint32_t index, uint32_t start, uint32_t count)
{
	assert_int_equal(do_set_none(s, flags, index, start, count), 0);
}

static int do_set_bool(struct irq_state *s, uint32_t flags, uint32_t index, uint32_t start, uint32_t count,
		       const uint8_t *b)
{
	return do_set(s, 20 + count, D_BOOL | flags, index, start, count, b);
}

static void expect_rule(int r, int err, int rule)
{
	assert_int_equal(r, err);
	assert_string_equal(vfsim_rule_name(vfsim_last_rule(NULL)), vfsim_rule_name(rule));
}

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
		expect_rule(irq_info(f.s, rows[i].index, &flags, &count), rows[i].err, rows[i].rule);
		if (!rows[i].err) {
			assert_int_equal(flags, rows[i].flags);
			assert_int_equal(count, rows[i].count);
			assert_int_equal(irq_count(f.s, rows[i].index), rows[i].count);
		}
		fix_close(&f);
	}
}

/* ---- the SET_IRQS matrix (checks 44-61) ----------------------------------- */

enum setup { S_NONE, S_INTX, S_MSI, S_MSIX, S_ERR, S_REQ };

enum data_kind {
	DK_GOOD,	/* fresh eventfds, or BOOL bytes of 1 */
	DK_ZERO,	/* BOOL bytes of 0 */
	DK_M1,		/* fd -1 */
	DK_M2,		/* fd -2 */
	DK_BADFD,	/* a descriptor number that is not open */
	DK_PIPE,	/* an open descriptor that is not an eventfd */
};

struct set_row {
	const char *name;
	enum dev_kind kind;
	enum setup setup;
	uint32_t argsz;		/* 0: exactly 20 + the payload */
	uint32_t flags, index, start, count;
	enum data_kind data;
	int err, rule;
};

#define NONE_ RULE_NONE
#define R(x) RULE_IRQ_##x

static const struct set_row set_rows[] = {
	/* Stage A, in the validator's order (§1.5 checks 1-4). */
	{ "irqset_minsz", DEV_FULL, S_NONE, 19, D_EFD | A_TRIG, MSI, 0, 1, DK_GOOD, -EINVAL, R(SET_ARGSZ) },
	{ "argsz_one", DEV_FULL, S_NONE, 1, D_NONE | A_TRIG, MSI, 0, 1, DK_GOOD, -EINVAL, R(SET_ARGSZ) },
	{ "argsz_before_index", DEV_FULL, S_NONE, 19, D_NONE | A_TRIG, 5, 0, 1, DK_GOOD, -EINVAL, R(SET_ARGSZ) },
	{ "irqset_index_oob", DEV_FULL, S_NONE, 0, D_NONE | A_TRIG, 5, 0, 1, DK_GOOD, -EINVAL, R(SET_INDEX) },
	{ "index_max", DEV_FULL, S_NONE, 0, D_NONE | A_TRIG, 0xffffffff, 0, 1, DK_GOOD, -EINVAL, R(SET_INDEX) },
	{ "irqset_overflow", DEV_FULL, S_NONE, 20, D_NONE | A_TRIG, MSIX, 1, 0xffffffff, DK_GOOD, -EINVAL, R(SET_OVERFLOW) },
	{ "overflow_start0", DEV_FULL, S_NONE, 20, D_NONE | A_TRIG, MSIX, 0, 0xffffffff, DK_GOOD, -EINVAL, R(SET_OVERFLOW) },
	{ "overflow_start_max", DEV_FULL, S_NONE, 20, D_NONE | A_TRIG, MSIX, 0xffffffff, 0, DK_GOOD, -EINVAL, R(SET_OVERFLOW) },
	{ "overflow_edge", DEV_FULL, S_NONE, 20, D_NONE | A_TRIG, MSIX, 0x80000000, 0x7fffffff, DK_GOOD, -EINVAL, R(SET_OVERFLOW) },
	{ "irqset_unknown_flag", DEV_FULL, S_NONE, 0, D_NONE | A_TRIG | (1u << 6), MSI, 0, 1, DK_GOOD, -EINVAL, R(SET_FLAGS) },
	{ "flag_bit31", DEV_FULL, S_NONE, 0, D_NONE | A_TRIG | (1u << 31), MSI, 0, 1, DK_GOOD, -EINVAL, R(SET_FLAGS) },
	{ "flags_before_range", DEV_FULL, S_NONE, 0, D_NONE | A_TRIG | (1u << 6), MSI, 4, 0, DK_GOOD, -EINVAL, R(SET_FLAGS) },
	{ "irqset_start_oob", DEV_FULL, S_NONE, 0, D_NONE | A_TRIG, MSI, 4, 0, DK_GOOD, -EINVAL, R(SET_RANGE) },
	{ "start_oob_msix", DEV_FULL, S_NONE, 0, D_EFD | A_TRIG, MSIX, 8, 1, DK_GOOD, -EINVAL, R(SET_RANGE) },
	{ "end_oob", DEV_FULL, S_NONE, 0, D_EFD | A_TRIG, MSI, 2, 3, DK_GOOD, -EINVAL, R(SET_RANGE) },
	{ "intx_start1", DEV_FULL, S_NONE, 0, D_NONE | A_TRIG, INTX, 1, 0, DK_GOOD, -EINVAL, R(SET_RANGE) },
	{ "intx_count2", DEV_FULL, S_NONE, 0, D_EFD | A_TRIG, INTX, 0, 2, DK_GOOD, -EINVAL, R(SET_RANGE) },
	{ "irqset_zero_vector_index", DEV_BARE, S_NONE, 0, D_NONE | A_TRIG, INTX, 0, 0, DK_GOOD, -EINVAL, R(SET_RANGE) },
	{ "zero_vector_intx_efd", DEV_BARE, S_NONE, 0, D_EFD | A_TRIG, INTX, 0, 1, DK_GOOD, -EINVAL, R(SET_RANGE) },
	{ "zero_vector_msi", DEV_BARE, S_NONE, 0, D_NONE | A_TRIG, MSI, 0, 0, DK_GOOD, -EINVAL, R(SET_RANGE) },
	{ "zero_vector_msix", DEV_BARE, S_NONE, 0, D_EFD | A_TRIG, MSIX, 0, 1, DK_GOOD, -EINVAL, R(SET_RANGE) },
	{ "zero_vector_err_nonpcie", DEV_BARE, S_NONE, 0, D_EFD | A_TRIG, ERR, 0, 1, DK_GOOD, -EINVAL, R(SET_RANGE) },
	{ "zero_vector_mask_msi", DEV_BARE, S_NONE, 0, D_NONE | A_MASK, MSI, 0, 0, DK_GOOD, -EINVAL, R(SET_RANGE) },
	{ "range_before_datatype", DEV_FULL, S_NONE, 0, A_TRIG, MSI, 4, 0, DK_GOOD, -EINVAL, R(SET_RANGE) },
	{ "irqset_no_datatype", DEV_FULL, S_NONE, 0, A_TRIG, MSI, 0, 1, DK_GOOD, -EINVAL, R(SET_DATA_TYPE) },
	{ "irqset_two_datatypes", DEV_FULL, S_NONE, 0, D_NONE | D_BOOL | A_TRIG, MSI, 0, 1, DK_GOOD, -EINVAL, R(SET_DATA_TYPE) },
	{ "bool_and_eventfd", DEV_FULL, S_NONE, 0, D_BOOL | D_EFD | A_TRIG, MSI, 0, 1, DK_GOOD, -EINVAL, R(SET_DATA_TYPE) },
	{ "three_datatypes", DEV_FULL, S_NONE, 0, D_NONE | D_BOOL | D_EFD | A_TRIG, REQ, 0, 1, DK_GOOD, -EINVAL, R(SET_DATA_TYPE) },
	{ "irqset_short_payload", DEV_FULL, S_NONE, 24, D_EFD | A_TRIG, MSI, 0, 2, DK_GOOD, -EINVAL, R(SET_PAYLOAD) },
	{ "short_bool", DEV_FULL, S_NONE, 21, D_BOOL | A_TRIG, MSI, 0, 2, DK_GOOD, -EINVAL, R(SET_PAYLOAD) },
	{ "bool_no_payload", DEV_FULL, S_NONE, 20, D_BOOL | A_TRIG, REQ, 0, 1, DK_GOOD, -EINVAL, R(SET_PAYLOAD) },
	{ "payload_exact", DEV_FULL, S_NONE, 28, D_EFD | A_TRIG, MSI, 0, 2, DK_GOOD, 0, NONE_ },
	{ "payload_spare", DEV_FULL, S_MSI, 64, D_NONE | A_TRIG, MSI, 0, 1, DK_GOOD, 0, NONE_ },
	/* The action field is vfio-pci's: ENOTTY, after stage A. */
	{ "irqset_no_action", DEV_FULL, S_NONE, 0, D_NONE, MSI, 0, 1, DK_GOOD, -ENOTTY, R(SET_ACTION) },
	{ "no_action_intx", DEV_FULL, S_INTX, 0, D_NONE, INTX, 0, 1, DK_GOOD, -ENOTTY, R(SET_ACTION) },
	{ "two_actions", DEV_FULL, S_INTX, 0, D_NONE | A_MASK | A_UNMASK, INTX, 0, 1, DK_GOOD, -ENOTTY, R(SET_ACTION) },
	{ "three_actions", DEV_FULL, S_NONE, 0, D_NONE | A_MASK | A_UNMASK | A_TRIG, REQ, 0, 1, DK_GOOD, -ENOTTY, R(SET_ACTION) },
	{ "no_action_stage_a_first", DEV_FULL, S_NONE, 0, D_NONE, 5, 0, 1, DK_GOOD, -EINVAL, R(SET_INDEX) },

	/* Every index x action x data type, no mode enabled (§1.5 stage B table). */
	{ "intx_mask_none", DEV_FULL, S_NONE, 0, D_NONE | A_MASK, INTX, 0, 1, DK_GOOD, -EINVAL, R(INTX_NOT_ENABLED) },
	{ "intx_mask_bool", DEV_FULL, S_NONE, 0, D_BOOL | A_MASK, INTX, 0, 1, DK_GOOD, -EINVAL, R(INTX_NOT_ENABLED) },
	{ "intx_mask_efd_disabled", DEV_FULL, S_NONE, 0, D_EFD | A_MASK, INTX, 0, 1, DK_GOOD, -EINVAL, R(INTX_NOT_ENABLED) },
	{ "intx_unmask_none", DEV_FULL, S_NONE, 0, D_NONE | A_UNMASK, INTX, 0, 1, DK_GOOD, -EINVAL, R(INTX_NOT_ENABLED) },
	{ "intx_unmask_bool", DEV_FULL, S_NONE, 0, D_BOOL | A_UNMASK, INTX, 0, 1, DK_GOOD, -EINVAL, R(INTX_NOT_ENABLED) },
	{ "intx_unmask_efd", DEV_FULL, S_NONE, 0, D_EFD | A_UNMASK, INTX, 0, 1, DK_GOOD, -EINVAL, R(INTX_NOT_ENABLED) },
	{ "intx_trig_none", DEV_FULL, S_NONE, 0, D_NONE | A_TRIG, INTX, 0, 1, DK_GOOD, -EINVAL, R(INTX_NOT_ENABLED) },
	{ "intx_trig_bool", DEV_FULL, S_NONE, 0, D_BOOL | A_TRIG, INTX, 0, 1, DK_GOOD, -EINVAL, R(INTX_NOT_ENABLED) },
	{ "intx_trig_efd", DEV_FULL, S_NONE, 0, D_EFD | A_TRIG, INTX, 0, 1, DK_GOOD, 0, NONE_ },
	{ "intx_trig_efd_m1", DEV_FULL, S_NONE, 0, D_EFD | A_TRIG, INTX, 0, 1, DK_M1, 0, NONE_ },
	{ "msi_mask_none", DEV_FULL, S_NONE, 0, D_NONE | A_MASK, MSI, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "msi_mask_bool", DEV_FULL, S_NONE, 0, D_BOOL | A_MASK, MSI, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "msi_mask_efd", DEV_FULL, S_NONE, 0, D_EFD | A_MASK, MSI, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "msi_unmask_none", DEV_FULL, S_NONE, 0, D_NONE | A_UNMASK, MSI, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "msi_unmask_bool", DEV_FULL, S_NONE, 0, D_BOOL | A_UNMASK, MSI, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "msi_unmask_efd", DEV_FULL, S_NONE, 0, D_EFD | A_UNMASK, MSI, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "msi_trig_none", DEV_FULL, S_NONE, 0, D_NONE | A_TRIG, MSI, 0, 1, DK_GOOD, -EINVAL, R(MSI_NOT_ENABLED) },
	{ "msi_trig_bool", DEV_FULL, S_NONE, 0, D_BOOL | A_TRIG, MSI, 0, 1, DK_GOOD, -EINVAL, R(MSI_NOT_ENABLED) },
	{ "msi_trig_efd", DEV_FULL, S_NONE, 0, D_EFD | A_TRIG, MSI, 0, 1, DK_GOOD, 0, NONE_ },
	{ "msix_mask_none", DEV_FULL, S_NONE, 0, D_NONE | A_MASK, MSIX, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "msix_mask_bool", DEV_FULL, S_NONE, 0, D_BOOL | A_MASK, MSIX, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "msix_mask_efd", DEV_FULL, S_NONE, 0, D_EFD | A_MASK, MSIX, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "msix_unmask_none", DEV_FULL, S_NONE, 0, D_NONE | A_UNMASK, MSIX, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "msix_unmask_bool", DEV_FULL, S_NONE, 0, D_BOOL | A_UNMASK, MSIX, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "msix_unmask_efd", DEV_FULL, S_NONE, 0, D_EFD | A_UNMASK, MSIX, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "msix_trig_none", DEV_FULL, S_NONE, 0, D_NONE | A_TRIG, MSIX, 0, 1, DK_GOOD, -EINVAL, R(MSI_NOT_ENABLED) },
	{ "msix_trig_bool", DEV_FULL, S_NONE, 0, D_BOOL | A_TRIG, MSIX, 0, 1, DK_GOOD, -EINVAL, R(MSI_NOT_ENABLED) },
	{ "msix_trig_efd", DEV_FULL, S_NONE, 0, D_EFD | A_TRIG, MSIX, 0, 1, DK_GOOD, 0, NONE_ },
	{ "err_mask_none", DEV_FULL, S_NONE, 0, D_NONE | A_MASK, ERR, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "err_mask_bool", DEV_FULL, S_NONE, 0, D_BOOL | A_MASK, ERR, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "err_mask_efd", DEV_FULL, S_NONE, 0, D_EFD | A_MASK, ERR, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "err_unmask_none", DEV_FULL, S_NONE, 0, D_NONE | A_UNMASK, ERR, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "err_unmask_bool", DEV_FULL, S_NONE, 0, D_BOOL | A_UNMASK, ERR, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "err_unmask_efd", DEV_FULL, S_NONE, 0, D_EFD | A_UNMASK, ERR, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "irqset_err_none_unregistered", DEV_FULL, S_NONE, 0, D_NONE | A_TRIG, ERR, 0, 1, DK_GOOD, -EINVAL, R(ERRREQ_NO_TRIGGER) },
	{ "err_trig_bool_unregistered", DEV_FULL, S_NONE, 0, D_BOOL | A_TRIG, ERR, 0, 1, DK_GOOD, 0, NONE_ },
	{ "err_trig_efd", DEV_FULL, S_NONE, 0, D_EFD | A_TRIG, ERR, 0, 1, DK_GOOD, 0, NONE_ },
	{ "req_mask_none", DEV_FULL, S_NONE, 0, D_NONE | A_MASK, REQ, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "req_mask_bool", DEV_FULL, S_NONE, 0, D_BOOL | A_MASK, REQ, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "req_mask_efd", DEV_FULL, S_NONE, 0, D_EFD | A_MASK, REQ, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "req_unmask_none", DEV_FULL, S_NONE, 0, D_NONE | A_UNMASK, REQ, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "req_unmask_bool", DEV_FULL, S_NONE, 0, D_BOOL | A_UNMASK, REQ, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "req_unmask_efd", DEV_FULL, S_NONE, 0, D_EFD | A_UNMASK, REQ, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "req_trig_none_unregistered", DEV_FULL, S_NONE, 0, D_NONE | A_TRIG, REQ, 0, 1, DK_GOOD, -EINVAL, R(ERRREQ_NO_TRIGGER) },
	{ "req_trig_bool_unregistered", DEV_FULL, S_NONE, 0, D_BOOL | A_TRIG, REQ, 0, 1, DK_GOOD, 0, NONE_ },
	{ "req_trig_efd", DEV_FULL, S_NONE, 0, D_EFD | A_TRIG, REQ, 0, 1, DK_GOOD, 0, NONE_ },
	{ "req_bare_device", DEV_BARE, S_NONE, 0, D_EFD | A_TRIG, REQ, 0, 1, DK_GOOD, 0, NONE_ },

	/* The same with that index's mode (or trigger) already set up. */
	{ "intx_en_mask_none", DEV_FULL, S_INTX, 0, D_NONE | A_MASK, INTX, 0, 1, DK_GOOD, 0, NONE_ },
	{ "intx_en_mask_bool", DEV_FULL, S_INTX, 0, D_BOOL | A_MASK, INTX, 0, 1, DK_GOOD, 0, NONE_ },
	{ "irqset_intx_mask_eventfd", DEV_FULL, S_INTX, 0, D_EFD | A_MASK, INTX, 0, 1, DK_GOOD, -ENOTTY, R(INTX_MASK_EVENTFD) },
	{ "intx_en_unmask_none", DEV_FULL, S_INTX, 0, D_NONE | A_UNMASK, INTX, 0, 1, DK_GOOD, 0, NONE_ },
	{ "intx_en_unmask_bool", DEV_FULL, S_INTX, 0, D_BOOL | A_UNMASK, INTX, 0, 1, DK_GOOD, 0, NONE_ },
	{ "intx_en_unmask_efd", DEV_FULL, S_INTX, 0, D_EFD | A_UNMASK, INTX, 0, 1, DK_GOOD, 0, NONE_ },
	{ "intx_en_unmask_efd_m1", DEV_FULL, S_INTX, 0, D_EFD | A_UNMASK, INTX, 0, 1, DK_M1, 0, NONE_ },
	{ "intx_en_trig_none", DEV_FULL, S_INTX, 0, D_NONE | A_TRIG, INTX, 0, 1, DK_GOOD, 0, NONE_ },
	{ "intx_en_trig_bool", DEV_FULL, S_INTX, 0, D_BOOL | A_TRIG, INTX, 0, 1, DK_GOOD, 0, NONE_ },
	{ "intx_en_trig_efd_swap", DEV_FULL, S_INTX, 0, D_EFD | A_TRIG, INTX, 0, 1, DK_GOOD, 0, NONE_ },
	{ "intx_en_trig_efd_m1", DEV_FULL, S_INTX, 0, D_EFD | A_TRIG, INTX, 0, 1, DK_M1, 0, NONE_ },
	{ "msi_en_mask_none", DEV_FULL, S_MSI, 0, D_NONE | A_MASK, MSI, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "msi_en_unmask_bool", DEV_FULL, S_MSI, 0, D_BOOL | A_UNMASK, MSI, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "irqset_msi_mask", DEV_FULL, S_MSI, 0, D_EFD | A_MASK, MSI, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "msi_en_trig_none", DEV_FULL, S_MSI, 0, D_NONE | A_TRIG, MSI, 0, 1, DK_GOOD, 0, NONE_ },
	{ "msi_en_trig_bool", DEV_FULL, S_MSI, 0, D_BOOL | A_TRIG, MSI, 0, 1, DK_GOOD, 0, NONE_ },
	{ "msi_en_trig_efd", DEV_FULL, S_MSI, 0, D_EFD | A_TRIG, MSI, 0, 1, DK_GOOD, 0, NONE_ },
	{ "msi_en_trig_efd_release", DEV_FULL, S_MSI, 0, D_EFD | A_TRIG, MSI, 1, 1, DK_M1, 0, NONE_ },
	{ "msix_en_mask_bool", DEV_FULL, S_MSIX, 0, D_BOOL | A_MASK, MSIX, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "msix_en_unmask_none", DEV_FULL, S_MSIX, 0, D_NONE | A_UNMASK, MSIX, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "msix_en_trig_none", DEV_FULL, S_MSIX, 0, D_NONE | A_TRIG, MSIX, 0, 1, DK_GOOD, 0, NONE_ },
	{ "msix_en_trig_bool", DEV_FULL, S_MSIX, 0, D_BOOL | A_TRIG, MSIX, 0, 1, DK_GOOD, 0, NONE_ },
	{ "msix_en_trig_efd", DEV_FULL, S_MSIX, 0, D_EFD | A_TRIG, MSIX, 0, 1, DK_GOOD, 0, NONE_ },
	{ "err_reg_trig_none", DEV_FULL, S_ERR, 0, D_NONE | A_TRIG, ERR, 0, 1, DK_GOOD, 0, NONE_ },
	{ "err_reg_trig_bool", DEV_FULL, S_ERR, 0, D_BOOL | A_TRIG, ERR, 0, 1, DK_GOOD, 0, NONE_ },
	{ "err_reg_trig_efd", DEV_FULL, S_ERR, 0, D_EFD | A_TRIG, ERR, 0, 1, DK_GOOD, 0, NONE_ },
	{ "err_reg_mask_none", DEV_FULL, S_ERR, 0, D_NONE | A_MASK, ERR, 0, 1, DK_GOOD, -ENOTTY, R(SET_UNSUPPORTED) },
	{ "req_reg_trig_none", DEV_FULL, S_REQ, 0, D_NONE | A_TRIG, REQ, 0, 1, DK_GOOD, 0, NONE_ },
	{ "req_reg_trig_bool", DEV_FULL, S_REQ, 0, D_BOOL | A_TRIG, REQ, 0, 1, DK_GOOD, 0, NONE_ },
	{ "req_reg_trig_efd", DEV_FULL, S_REQ, 0, D_EFD | A_TRIG, REQ, 0, 1, DK_GOOD, 0, NONE_ },

	/* count = 0 (§1.5 summary; vfio_pci_intrs.c where the summary is silent). */
	{ "intx_count0_disable", DEV_FULL, S_INTX, 0, D_NONE | A_TRIG, INTX, 0, 0, DK_GOOD, 0, NONE_ },
	{ "intx_count0_inactive", DEV_FULL, S_NONE, 0, D_NONE | A_TRIG, INTX, 0, 0, DK_GOOD, -EINVAL, R(INTX_SINGLE) },
	{ "intx_count0_bool", DEV_FULL, S_INTX, 0, D_BOOL | A_TRIG, INTX, 0, 0, DK_GOOD, -EINVAL, R(INTX_SINGLE) },
	{ "intx_count0_efd", DEV_FULL, S_INTX, 0, D_EFD | A_TRIG, INTX, 0, 0, DK_GOOD, -EINVAL, R(INTX_SINGLE) },
	{ "intx_count0_mask", DEV_FULL, S_INTX, 0, D_NONE | A_MASK, INTX, 0, 0, DK_GOOD, -EINVAL, R(INTX_SINGLE) },
	{ "intx_count0_unmask", DEV_FULL, S_INTX, 0, D_NONE | A_UNMASK, INTX, 0, 0, DK_GOOD, -EINVAL, R(INTX_SINGLE) },
	{ "irqset_count0_inactive", DEV_FULL, S_NONE, 0, D_NONE | A_TRIG, MSI, 0, 0, DK_GOOD, -EINVAL, R(MSI_NOT_ENABLED) },
	{ "msix_count0_inactive", DEV_FULL, S_NONE, 0, D_NONE | A_TRIG, MSIX, 0, 0, DK_GOOD, -EINVAL, R(MSI_NOT_ENABLED) },
	{ "msi_count0_disable", DEV_FULL, S_MSI, 0, D_NONE | A_TRIG, MSI, 0, 0, DK_GOOD, 0, NONE_ },
	{ "msix_count0_disable", DEV_FULL, S_MSIX, 0, D_NONE | A_TRIG, MSIX, 0, 0, DK_GOOD, 0, NONE_ },
	/* 6.1 takes these as empty loopback / empty block (the digest's summary
	 * says EINVAL, vfio_pci_set_msi_trigger() returns 0). */
	{ "msi_count0_bool_enabled", DEV_FULL, S_MSI, 0, D_BOOL | A_TRIG, MSI, 0, 0, DK_GOOD, 0, NONE_ },
	{ "msi_count0_efd_enabled", DEV_FULL, S_MSI, 0, D_EFD | A_TRIG, MSI, 0, 0, DK_GOOD, 0, NONE_ },
	{ "msi_count0_efd_inactive", DEV_FULL, S_NONE, 0, D_EFD | A_TRIG, MSI, 0, 0, DK_GOOD, -EINVAL, R(MSI_ENABLE_ZERO) },
	{ "msi_count0_efd_start2", DEV_FULL, S_NONE, 0, D_EFD | A_TRIG, MSI, 2, 0, DK_GOOD, -EINVAL, R(MSI_BLOCK_RANGE) },
	{ "err_count0_unregister", DEV_FULL, S_ERR, 0, D_NONE | A_TRIG, ERR, 0, 0, DK_GOOD, 0, NONE_ },
	{ "err_count0_none_unregistered", DEV_FULL, S_NONE, 0, D_NONE | A_TRIG, ERR, 0, 0, DK_GOOD, -EINVAL, R(ERRREQ_NO_TRIGGER) },
	{ "err_count0_bool", DEV_FULL, S_ERR, 0, D_BOOL | A_TRIG, ERR, 0, 0, DK_GOOD, -EINVAL, R(ERRREQ_COUNT0) },
	{ "err_count0_efd", DEV_FULL, S_ERR, 0, D_EFD | A_TRIG, ERR, 0, 0, DK_GOOD, -EINVAL, R(ERRREQ_COUNT0) },
	{ "req_count0_unregister", DEV_FULL, S_REQ, 0, D_NONE | A_TRIG, REQ, 0, 0, DK_GOOD, 0, NONE_ },
	{ "req_count0_bool", DEV_FULL, S_NONE, 0, D_BOOL | A_TRIG, REQ, 0, 0, DK_GOOD, -EINVAL, R(ERRREQ_COUNT0) },
	{ "req_count0_efd", DEV_FULL, S_NONE, 0, D_EFD | A_TRIG, REQ, 0, 0, DK_GOOD, -EINVAL, R(ERRREQ_COUNT0) },

	/* Modes: switching INTx <-> MSI <-> MSI-X must pass through none. */
	{ "irqset_mode_switch", DEV_FULL, S_MSI, 0, D_EFD | A_TRIG, MSIX, 0, 1, DK_GOOD, -EINVAL, R(MODE_BUSY) },
	{ "msi_to_intx", DEV_FULL, S_MSI, 0, D_EFD | A_TRIG, INTX, 0, 1, DK_GOOD, -EINVAL, R(MODE_BUSY) },
	{ "msi_intx_count0", DEV_FULL, S_MSI, 0, D_NONE | A_TRIG, INTX, 0, 0, DK_GOOD, -EINVAL, R(MODE_BUSY) },
	{ "msi_intx_mask", DEV_FULL, S_MSI, 0, D_NONE | A_MASK, INTX, 0, 1, DK_GOOD, -EINVAL, R(INTX_NOT_ENABLED) },
	{ "msix_to_msi", DEV_FULL, S_MSIX, 0, D_EFD | A_TRIG, MSI, 0, 1, DK_GOOD, -EINVAL, R(MODE_BUSY) },
	{ "msix_msi_loopback", DEV_FULL, S_MSIX, 0, D_NONE | A_TRIG, MSI, 0, 1, DK_GOOD, -EINVAL, R(MODE_BUSY) },
	{ "intx_to_msi", DEV_FULL, S_INTX, 0, D_EFD | A_TRIG, MSI, 0, 1, DK_GOOD, -EINVAL, R(MODE_BUSY) },
	{ "intx_msix_count0", DEV_FULL, S_INTX, 0, D_NONE | A_TRIG, MSIX, 0, 0, DK_GOOD, -EINVAL, R(MODE_BUSY) },
	{ "msi_err_independent", DEV_FULL, S_MSI, 0, D_EFD | A_TRIG, ERR, 0, 1, DK_GOOD, 0, NONE_ },
	/* S_MSI enables vectors 0-1 of 4: blocks past them fail in vfio_msi_set_block. */
	{ "msi_block_past_enabled", DEV_FULL, S_MSI, 0, D_EFD | A_TRIG, MSI, 2, 1, DK_GOOD, -EINVAL, R(MSI_BLOCK_RANGE) },
	{ "msi_loopback_past_enabled", DEV_FULL, S_MSI, 0, D_NONE | A_TRIG, MSI, 1, 2, DK_GOOD, -EINVAL, R(MSI_BLOCK_RANGE) },

	/* Descriptors: eventfd_ctx_fdget() errors; fd < -1 on ERR/REQ is ignored. */
	{ "intx_badfd", DEV_FULL, S_NONE, 0, D_EFD | A_TRIG, INTX, 0, 1, DK_BADFD, -EBADF, R(FD_BAD) },
	{ "intx_pipe", DEV_FULL, S_NONE, 0, D_EFD | A_TRIG, INTX, 0, 1, DK_PIPE, -EINVAL, R(FD_NOT_EVENTFD) },
	{ "msi_badfd", DEV_FULL, S_NONE, 0, D_EFD | A_TRIG, MSI, 0, 2, DK_BADFD, -EBADF, R(FD_BAD) },
	{ "msix_pipe", DEV_FULL, S_NONE, 0, D_EFD | A_TRIG, MSIX, 0, 1, DK_PIPE, -EINVAL, R(FD_NOT_EVENTFD) },
	{ "msi_enable_m1", DEV_FULL, S_NONE, 0, D_EFD | A_TRIG, MSI, 0, 2, DK_M1, 0, NONE_ },
	{ "err_badfd", DEV_FULL, S_NONE, 0, D_EFD | A_TRIG, ERR, 0, 1, DK_BADFD, -EBADF, R(FD_BAD) },
	{ "req_pipe", DEV_FULL, S_NONE, 0, D_EFD | A_TRIG, REQ, 0, 1, DK_PIPE, -EINVAL, R(FD_NOT_EVENTFD) },
	{ "irqset_req_fd_lt_minus1", DEV_FULL, S_REQ, 0, D_EFD | A_TRIG, REQ, 0, 1, DK_M2, 0, NONE_ },
	{ "err_fd_lt_minus1", DEV_FULL, S_NONE, 0, D_EFD | A_TRIG, ERR, 0, 1, DK_M2, 0, NONE_ },
	{ "err_fd_m1_unregister", DEV_FULL, S_ERR, 0, D_EFD | A_TRIG, ERR, 0, 1, DK_M1, 0, NONE_ },
	{ "intx_unmask_badfd", DEV_FULL, S_INTX, 0, D_EFD | A_UNMASK, INTX, 0, 1, DK_BADFD, -EBADF, R(FD_BAD) },
};

static void setup_apply(struct irq_state *s, enum setup setup, int efd)
{
	int32_t fds[2] = { efd, efd };

	switch (setup) {
	case S_NONE:
		return;
	case S_INTX:
		set_fds_ok(s, INTX, 0, 1, fds);
		return;
	case S_MSI:
		set_fds_ok(s, MSI, 0, 2, fds);
		return;
	case S_MSIX:
		set_fds_ok(s, MSIX, 0, 2, fds);
		return;
	case S_ERR:
		set_fds_ok(s, ERR, 0, 1, fds);
		return;
	case S_REQ:
		set_fds_ok(s, REQ, 0, 1, fds);
		return;
	}
}

static void test_set_matrix(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(set_rows) / sizeof(set_rows[0]); i++) {
		const struct set_row *row = &set_rows[i];
		uint8_t data[16 * 4];
		int32_t fds[16];
		uint32_t n = row->count < 16 ? row->count : 16, j, argsz = row->argsz;
		int pipefd[2] = { -1, -1 }, setup_efd, r;
		struct fix f;

		fix_open(&f, row->kind);
		setup_efd = efd_new();
		setup_apply(f.s, row->setup, setup_efd);
		if (row->data == DK_PIPE)
			assert_int_equal(pipe(pipefd), 0);
		for (j = 0; j < 16; j++) {
			switch (row->data) {
			case DK_GOOD:
				fds[j] = j < n ? efd_new() : -1;
				break;
			case DK_ZERO:
			case DK_M1:
				fds[j] = -1;
				break;
			case DK_M2:
				fds[j] = -2;
				break;
			case DK_BADFD:
				fds[j] = 1000 + j;
				break;
			case DK_PIPE:
				fds[j] = pipefd[0];
				break;
			}
		}
		if (row->flags & D_EFD)
			memcpy(data, fds, sizeof(fds));
		else
			memset(data, row->data == DK_ZERO ? 0 : 1, sizeof(data));
		if (!argsz)
			argsz = 20 + row->count * ((row->flags & D_EFD) ? 4 : (row->flags & D_BOOL) ? 1 : 0);

		r = do_set(f.s, argsz, row->flags, row->index, row->start, row->count, data);
		if (r != row->err || vfsim_last_rule(NULL) != row->rule)
			fail_msg("row %s: got %d rule %s, want %d rule %s", row->name, r,
				 vfsim_rule_name(vfsim_last_rule(NULL)), row->err, vfsim_rule_name(row->rule));
		for (j = 0; j < 16; j++)
			if (row->data == DK_GOOD && fds[j] >= 0)
				close(fds[j]);
		if (pipefd[0] >= 0) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		close(setup_efd);
		fix_close(&f);
	}
}

/* Stage A alone: a pure function of the header and its limits. */
static void test_validate_pure(void **state)
{
	static const struct {
		struct vfio_irq_set hdr;
		uint32_t num_irqs, max_irq_type;
		int err, rule;
		size_t size;
	} rows[] = {
		{ { 20, D_NONE | A_TRIG, 1, 0, 3 }, 4, 5, 0, RULE_NONE, 0 },
		{ { 21, D_BOOL | A_TRIG, 1, 0, 1 }, 4, 5, 0, RULE_NONE, 1 },
		{ { 23, D_BOOL | A_TRIG, 1, 1, 3 }, 4, 5, 0, RULE_NONE, 3 },
		{ { 36, D_EFD | A_TRIG, 2, 0, 4 }, 4, 5, 0, RULE_NONE, 16 },
		{ { 20, D_EFD | A_TRIG, 2, 3, 0 }, 4, 5, 0, RULE_NONE, 0 },
		{ { 35, D_EFD | A_TRIG, 2, 0, 4 }, 4, 5, -EINVAL, RULE_IRQ_SET_PAYLOAD, 0 },
		/* the action field is not stage A's business */
		{ { 20, D_NONE, 0, 0, 1 }, 1, 5, 0, RULE_NONE, 0 },
		{ { 20, D_NONE | A_MASK | A_UNMASK | A_TRIG, 0, 0, 1 }, 1, 5, 0, RULE_NONE, 0 },
		/* max_irq_type and num_irqs come from the caller (mtty passes 5 and 5) */
		{ { 20, D_NONE | A_TRIG, 2, 0, 1 }, 5, 2, -EINVAL, RULE_IRQ_SET_INDEX, 0 },
		{ { 20, D_NONE | A_TRIG, 2, 4, 1 }, 5, 5, 0, RULE_NONE, 0 },
		{ { 20, D_NONE | A_TRIG, 2, 4, 1 }, 4, 5, -EINVAL, RULE_IRQ_SET_RANGE, 0 },
		{ { 20, D_NONE | A_TRIG, 0, 0, 0 }, 0, 5, -EINVAL, RULE_IRQ_SET_RANGE, 0 },
		{ { 19, D_NONE | A_TRIG, 0, 0, 0 }, 1, 5, -EINVAL, RULE_IRQ_SET_ARGSZ, 0 },
		/* count >= U32_MAX - start */
		{ { 20, D_NONE | A_TRIG, 0, 0xffffffff, 0 }, 0xffffffff, 5, -EINVAL, RULE_IRQ_SET_OVERFLOW, 0 },
		{ { 20, D_NONE | A_TRIG, 0, 0xfffffffe, 1 }, 0xffffffff, 5, -EINVAL, RULE_IRQ_SET_OVERFLOW, 0 },
		{ { 20, D_NONE | A_TRIG, 0, 0xfffffffe, 0 }, 0xffffffff, 5, 0, RULE_NONE, 0 },
		{ { 20, D_NONE | A_TRIG, 0, 0xfffffffd, 1 }, 0xffffffff, 5, 0, RULE_NONE, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t size = 12345;

		vfsim_reject_clear();
		if (irq_set_validate(&rows[i].hdr, rows[i].num_irqs, rows[i].max_irq_type, &size) != rows[i].err ||
		    vfsim_last_rule(NULL) != rows[i].rule)
			fail_msg("validate row %zu: rule %s", i, vfsim_rule_name(vfsim_last_rule(NULL)));
		if (!rows[i].err)
			assert_int_equal(size, rows[i].size);
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
	expect_rule(do_set_fds(f.s, MSIX, 0, 1, fd), -EINVAL, RULE_IRQ_MODE_BUSY);
	expect_rule(do_set_fds(f.s, INTX, 0, 1, fd), -EINVAL, RULE_IRQ_MODE_BUSY);
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
	expect_rule(do_set(f.s, 24, D_EFD | A_UNMASK, INTX, 0, 1, other), -EBUSY, RULE_IRQ_INTX_UNMASKFD_BUSY);

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
	expect_rule(irq_raise(f.s, MSI, 4), -EINVAL, RULE_IRQ_RAISE_RANGE);
	expect_rule(irq_raise(f.s, 5, 0), -EINVAL, RULE_IRQ_RAISE_RANGE);
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
	expect_rule(do_set_fds(f.s, MSI, 0, 3, bad), -EBADF, RULE_IRQ_FD_BAD);
	assert_int_equal(irq_mode(f.s), -1);
	set_fds_ok(f.s, MSI, 0, 4, fds);
	expect_rule(do_set_fds(f.s, MSI, 0, 3, bad), -EBADF, RULE_IRQ_FD_BAD);
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
		expect_rule(do_set_none(f.s, A_TRIG, index, 0, 1), -EINVAL, RULE_IRQ_ERRREQ_NO_TRIGGER);
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
	expect_rule(irq_raise(f.s, ERR, 0), -EINVAL, RULE_IRQ_RAISE_RANGE);
	expect_rule(irq_raise(f.s, INTX, 0), -EINVAL, RULE_IRQ_RAISE_RANGE);
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
	base = count_fds();
	set_fds_ok(f.s, MSIX, 0, 8, fds);
	set_fds_ok(f.s, ERR, 0, 1, fds);
	set_fds_ok(f.s, REQ, 0, 1, fds);
	assert_int_equal(count_fds(), base + 10);
	irq_teardown(f.s);
	assert_int_equal(count_fds(), base);
	assert_int_equal(irq_mode(f.s), -1);
	assert_false(irq_has_trigger(f.s, ERR, 0));
	assert_false(irq_has_trigger(f.s, REQ, 0));
	set_fds_ok(f.s, INTX, 0, 1, fds);
	assert_int_equal(do_set(f.s, 24, D_EFD | A_UNMASK, INTX, 0, 1, unmask), 0);
	assert_int_equal(count_fds(), base + 2);
	irq_teardown(f.s);
	assert_int_equal(count_fds(), base);
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
	expect_rule(irq_new(dev, &s), -EINVAL, RULE_IRQ_PROFILE_COUNTS);
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
		cmocka_unit_test(test_set_matrix),
		cmocka_unit_test(test_validate_pure),
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
