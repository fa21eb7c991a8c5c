/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel-uAPI cases: the SET_IRQS matrix, transcribed from the digest
 * (/work/shared/spec/kernel-uapi.md) §5.3 items 44-61 with the rule id of the
 * item (UAPI-IRQ-NN); expected errnos from §1.5. Stage A (the generic
 * validator) fixes EINVAL; stage B's ENOTTY answers are vfio-pci's choice,
 * so another errno there is NON-STRICT. Vector counts come from GET_IRQ_INFO.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "include/vfsim.h"
#include "vfio-compat.h"
#include "conf.h"

#define U CONF_ROLE_UAPI
#define NONE_TRIG (VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER)
#define FD_TRIG (VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER)
#define MAX_VECTORS 64	/* vectors a case wires up at most */

/* The first index (in a fixed order) with at least @min vectors, or -ENOENT. */
static int irq_index_with(struct conf_ctx *ctx, uint32_t min, uint32_t *ret_index, uint32_t *ret_count)
{
	static const uint32_t order[] = { VFIO_PCI_MSIX_IRQ_INDEX, VFIO_PCI_MSI_IRQ_INDEX, VFIO_PCI_INTX_IRQ_INDEX,
					  VFIO_PCI_REQ_IRQ_INDEX, VFIO_PCI_ERR_IRQ_INDEX };
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		uint32_t count = 0;

		if (conf_uapi_irq_info(ctx, order[i], NULL, &count) == 0 && count >= min) {
			*ret_index = order[i];
			if (ret_count)
				*ret_count = count;
			return 0;
		}
	}
	return -ENOENT;
}

/* 1 if @efd was signalled (and consume it), 0 if not, -errno. */
static int efd_fired(int efd)
{
	uint64_t n;
	ssize_t r = read(efd, &n, sizeof(n));

	if (r == sizeof(n))
		return n ? 1 : 0;
	return errno == EAGAIN ? 0 : -errno;
}

/* 44 */
static int irqset_minsz(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vfio_irq_set s = { .argsz = 19, .flags = NONE_TRIG, .index = VFIO_PCI_REQ_IRQ_INDEX, .count = 1 };
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	r = conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_SET_IRQS, &s);
	conf_expect_errno(ctx, "SET_IRQS argsz=19", r, -EINVAL, true);
	return conf_pass(ctx);
}

/* Stage A rows that need nothing but an index with vectors: the header is
 * built from the index found and the row. */
struct irqset_row {
	uint32_t flags;
	int start;		/* -1: the index's vector count */
	uint32_t count;
	size_t datalen;
	bool fixed;		/* the spec fixes the errno */
	int want;
	uint32_t index;		/* 0xff: the first index with vectors */
	uint32_t min;		/* vectors the index needs */
};

static int irqset_row(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct irqset_row *row = c->arg;
	uint8_t data[16];
	uint32_t index = row->index, count = 0, start;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if (index == 0xff) {
		if (irq_index_with(ctx, row->min, &index, &count) < 0)
			return conf_not_supported(ctx, "no IRQ index with enough vectors");
	} else if (index < VFIO_PCI_NUM_IRQS && conf_uapi_irq_info(ctx, index, NULL, &count) < 0) {
		return conf_fail(ctx, "GET_IRQ_INFO(%u) failed", index);
	}
	start = row->start < 0 ? count : (uint32_t)row->start;
	memset(data, 0, sizeof(data));
	r = conf_uapi_set_irqs(ctx, row->flags, index, start, row->count, data, row->datalen);
	conf_expect_errno(ctx, "SET_IRQS", r, row->want, row->fixed);
	return conf_pass(ctx);
}

#define ANY 0xff
static const struct irqset_row row_index_oob = { NONE_TRIG, 0, 0, 0, true, -EINVAL, VFIO_PCI_NUM_IRQS, 0 };
static const struct irqset_row row_start_oob = { NONE_TRIG, -1, 1, 0, true, -EINVAL, ANY, 1 };
static const struct irqset_row row_overflow = { NONE_TRIG, 1, 0xffffffff, 0, true, -EINVAL, ANY, 1 };
static const struct irqset_row row_two_types = {
	VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1, 1, true, -EINVAL, ANY, 1 };
static const struct irqset_row row_no_type = { VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1, 0, true, -EINVAL, ANY, 1 };
static const struct irqset_row row_unknown_flag = { NONE_TRIG | (1u << 6), 0, 1, 0, true, -EINVAL, ANY, 1 };
static const struct irqset_row row_short_payload = { FD_TRIG, 0, 2, 4, true, -EINVAL, ANY, 2 };
static const struct irqset_row row_no_action = { VFIO_IRQ_SET_DATA_NONE, 0, 1, 0, false, -ENOTTY, ANY, 1 };
static const struct irqset_row row_msi_mask = {
	VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK, 0, 1, 0, false, -ENOTTY, VFIO_PCI_MSI_IRQ_INDEX, 1 };
static const struct irqset_row row_msix_unmask = {
	VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK, 0, 1, 0, false, -ENOTTY, VFIO_PCI_MSIX_IRQ_INDEX, 1 };
static const struct irqset_row row_intx_mask_off = {
	VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK, 0, 1, 0, true, -EINVAL, VFIO_PCI_INTX_IRQ_INDEX, 1 };
static const struct irqset_row row_count0_inactive = { NONE_TRIG, 0, 0, 0, true, -EINVAL, VFIO_PCI_MSI_IRQ_INDEX, 1 };
static const struct irqset_row row_err_unregistered = { NONE_TRIG, 0, 1, 0, true, -EINVAL, VFIO_PCI_ERR_IRQ_INDEX, 1 };

/* 48: an index with 0 vectors fails even with count 0. */
static int irqset_zero_vector_index(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t i, count;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++)
		if (conf_uapi_irq_info(ctx, i, NULL, &count) == 0 && count == 0)
			break;
	if (i == VFIO_PCI_NUM_IRQS)
		return conf_not_supported(ctx, "every IRQ index GET_IRQ_INFO answers has vectors");
	r = conf_uapi_set_irqs(ctx, NONE_TRIG, i, 0, 0, NULL, 0);
	conf_expect_errno(ctx, "SET_IRQS count=0 on an index with 0 vectors", r, -EINVAL, true);
	r = conf_uapi_set_irqs(ctx, NONE_TRIG, i, 0, 1, NULL, 0);
	conf_expect_errno(ctx, "SET_IRQS count=1 on an index with 0 vectors", r, -EINVAL, true);
	return conf_pass(ctx);
}

/* 55: INTx must be enabled for the handler to reach the EVENTFD check. */
static int irqset_intx_mask_eventfd(struct conf_ctx *ctx, const struct conf_case *c)
{
	int32_t efd;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0)
		return conf_harness_error(ctx, "eventfd: %s", strerror(errno));
	r = conf_uapi_set_irqs(ctx, FD_TRIG, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, &efd, 4);
	if (conf_expect_errno(ctx, "enable INTx with an eventfd", r, 0, true) == CONF_PASS) {
		r = conf_uapi_set_irqs(ctx, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_MASK,
				       VFIO_PCI_INTX_IRQ_INDEX, 0, 1, &efd, 4);
		conf_expect_errno(ctx, "INTx MASK with DATA_EVENTFD", r, -ENOTTY, false);
	}
	close(efd);
	return conf_pass(ctx);
}

/* 57: the selftest's enable_trigger_disable on @arg (MSI or MSI-X). */
static int irqset_enable_trigger_disable(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t index = (uint32_t)(uintptr_t)c->arg, n = 0, i, made = 0;
	int32_t fds[MAX_VECTORS];
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	r = conf_uapi_irq_info(ctx, index, NULL, &n);
	if (r < 0 || !n)
		return conf_fail(ctx, "GET_IRQ_INFO(%u) gives no vectors though discovery found some", index);
	if (n > MAX_VECTORS)
		n = MAX_VECTORS;
	for (made = 0; made < n; made++) {
		fds[made] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fds[made] < 0) {
			conf_harness_error(ctx, "eventfd: %s", strerror(errno));
			goto out;
		}
	}
	r = conf_uapi_set_irqs(ctx, FD_TRIG, index, 0, n, fds, 4 * n);
	if (conf_expect_errno(ctx, "SET_IRQS EVENTFD|TRIGGER on every vector", r, 0, true) != CONF_PASS)
		goto out;
	for (i = 0; i < n; i++) {
		r = conf_uapi_set_irqs(ctx, NONE_TRIG, index, i, 1, NULL, 0);
		if (conf_expect_errno(ctx, "loopback TRIGGER|NONE of one vector", r, 0, true) != CONF_PASS)
			continue;
		r = efd_fired(fds[i]);
		conf_check(ctx, r == 1, "vector %u: its eventfd was not signalled by the loopback trigger", i);
		for (v = 0; v < (int)n; v++)
			if ((uint32_t)v != i && efd_fired(fds[v]) == 1)
				conf_fail(ctx, "triggering vector %u signalled vector %d too", i, v);
	}
	r = conf_uapi_set_irqs(ctx, NONE_TRIG, index, 0, 0, NULL, 0);
	conf_expect_errno(ctx, "count=0|NONE|TRIGGER disables the active mode", r, 0, true);
out:
	for (i = 0; i < made; i++)
		close(fds[i]);
	return conf_pass(ctx);
}

/* 58: arg = the index enabled first; then the next mode must fail. */
static int irqset_mode_switch(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t first = (uint32_t)(uintptr_t)c->arg;
	uint32_t second = first == VFIO_PCI_MSI_IRQ_INDEX ? VFIO_PCI_MSIX_IRQ_INDEX : VFIO_PCI_MSI_IRQ_INDEX;
	int32_t efd;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0)
		return conf_harness_error(ctx, "eventfd: %s", strerror(errno));
	r = conf_uapi_set_irqs(ctx, FD_TRIG, first, 0, 1, &efd, 4);
	if (conf_expect_errno(ctx, "enable the first mode", r, 0, true) == CONF_PASS) {
		r = conf_uapi_set_irqs(ctx, FD_TRIG, second, 0, 1, &efd, 4);
		conf_expect_errno(ctx, "enable another mode without disabling the first", r, -EINVAL, true);
	}
	close(efd);
	return conf_pass(ctx);
}

/* 60 */
static int irqset_req_fd_lt_minus1(struct conf_ctx *ctx, const struct conf_case *c)
{
	int32_t efd, bad = -2;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0)
		return conf_harness_error(ctx, "eventfd: %s", strerror(errno));
	r = conf_uapi_set_irqs(ctx, FD_TRIG, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, &efd, 4);
	if (conf_expect_errno(ctx, "register a REQ trigger", r, 0, true) != CONF_PASS)
		goto out;
	r = conf_uapi_set_irqs(ctx, FD_TRIG, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, &bad, 4);
	if (conf_expect_errno(ctx, "REQ EVENTFD fd=-2 is accepted", r, 0, true) != CONF_PASS)
		goto out;
	/* No change: the first trigger is still the one signalled. */
	r = conf_uapi_set_irqs(ctx, NONE_TRIG, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, NULL, 0);
	if (conf_expect_errno(ctx, "loopback REQ trigger", r, 0, true) == CONF_PASS)
		conf_check(ctx, efd_fired(efd) == 1, "fd=-2 changed the REQ trigger: the registered eventfd was not signalled");
out:
	close(efd);
	return conf_pass(ctx);
}

static const struct conf_case cases[] = {
	{ "UAPI-IRQ-001", "UAPI-IRQ-44", U, NULL, irqset_minsz, NULL,
	  "irqset_minsz: SET_IRQS argsz=19 is EINVAL" },
	{ "UAPI-IRQ-002", "UAPI-IRQ-45", U, NULL, irqset_row, &row_index_oob,
	  "irqset_index_oob: SET_IRQS index=5 is EINVAL" },
	{ "UAPI-IRQ-003", "UAPI-IRQ-46", U, NULL, irqset_row, &row_start_oob,
	  "irqset_start_oob: start=num_irqs is EINVAL" },
	{ "UAPI-IRQ-004", "UAPI-IRQ-47", U, NULL, irqset_row, &row_overflow,
	  "irqset_overflow: start=1, count=0xFFFFFFFF is EINVAL" },
	{ "UAPI-IRQ-005", "UAPI-IRQ-48", U, NULL, irqset_zero_vector_index, NULL,
	  "irqset_zero_vector_index: any SET_IRQS on an index with 0 vectors (even count=0) is EINVAL" },
	{ "UAPI-IRQ-006", "UAPI-IRQ-49", U, NULL, irqset_row, &row_two_types,
	  "irqset_two_datatypes: DATA_NONE|DATA_BOOL is EINVAL" },
	{ "UAPI-IRQ-007", "UAPI-IRQ-50", U, NULL, irqset_row, &row_no_type,
	  "irqset_no_datatype: flags=TRIGGER only is EINVAL" },
	{ "UAPI-IRQ-008", "UAPI-IRQ-51", U, NULL, irqset_row, &row_unknown_flag,
	  "irqset_unknown_flag: flag bit 6 is EINVAL" },
	{ "UAPI-IRQ-009", "UAPI-IRQ-52", U, NULL, irqset_row, &row_short_payload,
	  "irqset_short_payload: EVENTFD count=2 with argsz=24 is EINVAL" },
	{ "UAPI-IRQ-010", "UAPI-IRQ-53", U, NULL, irqset_row, &row_no_action,
	  "irqset_no_action: DATA_NONE without an action bit is ENOTTY" },
	{ "UAPI-IRQ-011", "UAPI-IRQ-54", U, "msi", irqset_row, &row_msi_mask,
	  "irqset_msi_mask: MASK on MSI is ENOTTY" },
	{ "UAPI-IRQ-012", "UAPI-IRQ-54", U, "msix", irqset_row, &row_msix_unmask,
	  "UNMASK on MSI-X is ENOTTY" },
	{ "UAPI-IRQ-013", "UAPI-IRQ-55", U, "intx", irqset_intx_mask_eventfd, NULL,
	  "irqset_intx_mask_eventfd: INTx MASK with DATA_EVENTFD is ENOTTY" },
	{ "UAPI-IRQ-014", "UAPI-IRQ-56", U, "intx", irqset_row, &row_intx_mask_off,
	  "irqset_intx_mask_disabled: INTx MASK|NONE while INTx is disabled is EINVAL" },
	{ "UAPI-IRQ-015", "UAPI-IRQ-57", U, "msi", irqset_enable_trigger_disable, (void *)(uintptr_t)VFIO_PCI_MSI_IRQ_INDEX,
	  "irqset_msi_enable_trigger_disable: MSI eventfds, loopback each vector, disable with count=0" },
	{ "UAPI-IRQ-016", "UAPI-IRQ-57", U, "msix", irqset_enable_trigger_disable, (void *)(uintptr_t)VFIO_PCI_MSIX_IRQ_INDEX,
	  "the same on MSI-X: each eventfd fires once, count=0|NONE disables" },
	{ "UAPI-IRQ-017", "UAPI-IRQ-58", U, "msi,msix", irqset_mode_switch, (void *)(uintptr_t)VFIO_PCI_MSI_IRQ_INDEX,
	  "irqset_mode_switch: MSI enabled, then MSI-X EVENTFD is EINVAL" },
	{ "UAPI-IRQ-018", "UAPI-IRQ-58", U, "msi,msix", irqset_mode_switch, (void *)(uintptr_t)VFIO_PCI_MSIX_IRQ_INDEX,
	  "MSI-X enabled, then MSI EVENTFD is EINVAL" },
	{ "UAPI-IRQ-019", "UAPI-IRQ-59", U, "msi", irqset_row, &row_count0_inactive,
	  "irqset_count0_inactive: count=0|NONE|TRIGGER on an inactive MSI index is EINVAL" },
	{ "UAPI-IRQ-020", "UAPI-IRQ-60", U, "req", irqset_req_fd_lt_minus1, NULL,
	  "irqset_req_fd_lt_minus1: REQ EVENTFD fd=-2 returns 0 and changes nothing" },
	{ "UAPI-IRQ-021", "UAPI-IRQ-61", U, "err", irqset_row, &row_err_unregistered,
	  "irqset_err_none_unregistered: ERR TRIGGER|NONE count=1 with no trigger is EINVAL" },
};

const struct conf_table conf_uapi_irq_table = { cases, sizeof(cases) / sizeof(cases[0]) };

const struct conf_table *const conf_uapi_tables[] = {
	&conf_uapi_container_table,
	&conf_uapi_device_table,
	&conf_uapi_irq_table,
	&conf_uapi_feature_table,
	&conf_uapi_type1_table,
	&conf_uapi_extra_table,
	&conf_uapi_extra2_table,
};

const size_t conf_uapi_ntables = sizeof(conf_uapi_tables) / sizeof(conf_uapi_tables[0]);
