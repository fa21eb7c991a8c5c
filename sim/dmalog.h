/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Device DMA logging (VFIO_DEVICE_FEATURE_DMA_LOGGING_START/STOP/REPORT):
 * the device records which pages of the logged IOVA ranges it wrote; a report
 * returns and clears the bits it covers.
 */
#ifndef VFSIM_DMALOG_H
#define VFSIM_DMALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vfio-compat.h"

struct dmalog;

int dmalog_new(struct dmalog **ret);
void dmalog_free(struct dmalog *l);
/* START, after the core checks: @ranges points to num_ranges entries in this
 * process. Checks in the kernel's order (num_ranges 0, > 256 -> E2BIG,
 * alignment, overflow, overlap); a second START while active -> -EBUSY. */
int dmalog_start(struct dmalog *l, struct vfio_device_feature_dma_logging_control *ctl);
int dmalog_stop(struct dmalog *l);	/* -EINVAL when not active */
/* REPORT: fills the caller's bitmap (a pointer in this process) and clears
 * what it reports. */
int dmalog_report(struct dmalog *l, const struct vfio_device_feature_dma_logging_report *rep);
bool dmalog_active(const struct dmalog *l);
/* Deviations to commit (sim/fault.h): dirty-not-cleared. */
void dmalog_set_faults(struct dmalog *l, uint64_t faults);
/* The device wrote [iova, iova+len). */
void dmalog_mark(struct dmalog *l, uint64_t iova, uint64_t len);

#endif
