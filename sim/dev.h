/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * struct vfsim_dev: one simulated PCI function. Each concern keeps its state
 * opaque in its own module (cfg.c, region.c, irq.c, mig.c, dmalog.c; the
 * DMA engine keeps its registers in BAR memory); this struct only ties them
 * together. dev.c owns creation,
 * reset, compare and the device-side DMA path.
 */
#ifndef VFSIM_DEV_H
#define VFSIM_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vfio-compat.h"
#include "profile.h"
#include "rules.h"

struct cfg_space;
struct region_set;
struct irq_state;
struct mig_state;
struct dmalog;
struct dma_space;

struct vfsim_dev {
	struct vfsim_profile prof;	/* a copy: the device does not borrow the profile */
	struct cfg_space *cfg;
	struct region_set *regions;
	struct irq_state *irq;
	struct mig_state *mig;		/* NULL when prof.mig_flags == 0 */
	struct dmalog *dmalog;		/* NULL when !prof.dma_logging */
	struct dma_space *dma;		/* IOMMU the device DMAs through; set by the front end, may be NULL */
	bool low_power;
	int low_power_wakeup_fd;	/* -1 when none */
	/* Deviations (sim/fault.h) the front end driving the device asked the
	 * shared model code to commit; 0 = none. Set with dev_set_faults. */
	uint64_t faults;
};

/* Back to the state vfsim_dev_new(&dev->prof) gives, keeping the region
 * set's memfds and mappings (fuzz-server reuses one device per process).
 * 0, -EBUSY while a front end has the device (dev->dma set), or -ENOMEM:
 * then only vfsim_dev_free may follow. */
int dev_renew(struct vfsim_dev *dev);

/* The front end's fault mask (vfsim_vu_server_config.faults,
 * vfsim_host_set_faults) for the model code it shares: mig.c and
 * mig-stream.c read dev->faults, DMA logging gets a copy. */
void dev_set_faults(struct vfsim_dev *dev, uint64_t faults);

/* Device-side DMA through dev->dma, honouring the mapping's READ/WRITE
 * permission, and marking both the IOMMU dirty bitmaps and the device's DMA
 * logging. write=true means the device writes client memory. Returns 0 or
 * -EFAULT (no IOMMU, unmapped IOVA) / -EPERM (permission). */
int dev_dma_rw(struct vfsim_dev *dev, uint64_t iova, void *buf, size_t len, bool write);

#endif
