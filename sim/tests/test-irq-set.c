/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * irq.c: the SET_IRQS validation matrix (uapi digest §1.5, checks 44-61) as
 * one table whose rows carry the errno and the rule, and stage A
 * (irq_set_validate) alone as a pure function. The behaviour behind a
 * successful SET_IRQS is tested in test-irq.c. Expected values are
 * transcribed from the digest and from vfio_pci_intrs.c of Linux 6.1.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_matrix),
		cmocka_unit_test(test_validate_pure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
