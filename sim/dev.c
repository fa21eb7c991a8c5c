/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One simulated PCI function: creation from a validated profile, reset,
 * the device-side entry points (raise an IRQ, tick, DMA) and a whole-state
 * comparison used to prove that migration loses nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dev.h"
#include "cfg.h"
#include "dma.h"
#include "dmalog.h"
#include "engine.h"
#include "irq.h"
#include "mig.h"
#include "region.h"

/* The state a device builds per life: IRQs, migration, DMA logging
 * (vfsim_dev_new once, dev_renew each time). */
static int dev_state_new(struct vfsim_dev *dev)
{
	const struct vfsim_profile *p = &dev->prof;
	int r;

	r = irq_new(dev, &dev->irq);
	if (r < 0)
		return r;
	if (p->mig_flags) {
		r = mig_new(dev, p->mig_flags, &dev->mig);
		if (r < 0)
			return r;
	}
	if (p->dma_logging) {
		r = dmalog_new(&dev->dmalog);
		if (r < 0)
			return r;
	}
	return 0;
}

int vfsim_dev_new(const struct vfsim_profile *p, struct vfsim_dev **ret)
{
	struct vfsim_dev *dev;
	int r;

	if (!p || !ret)
		return -EINVAL;
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->prof = *p;
	dev->low_power_wakeup_fd = -1;

	r = cfg_new(&dev->prof, &dev->cfg);
	if (r < 0)
		goto fail;
	r = region_set_new(dev, &dev->regions);
	if (r < 0)
		goto fail;
	r = dev_state_new(dev);
	if (r < 0)
		goto fail;
	*ret = dev;
	return 0;
fail:
	vfsim_dev_free(dev);
	return r;
}

void vfsim_dev_free(struct vfsim_dev *dev)
{
	if (!dev)
		return;
	dmalog_free(dev->dmalog);
	mig_free(dev->mig);
	irq_free(dev->irq);
	region_set_free(dev->regions);
	cfg_free(dev->cfg);
	if (dev->low_power_wakeup_fd >= 0)
		close(dev->low_power_wakeup_fd);
	free(dev);
}

/* What vfsim_dev_new builds, rebuilt around the region set and the config
 * space: the region memfds and mappings are the expensive part of a device
 * and stay, their contents go back to power-on values (region_set_reset),
 * and so do the config bytes (cfg_reset). IRQ, migration and DMA logging
 * state is freed and made again, so no state of the model outlives the
 * call; fuzz-server's FUZZ_SERVER_CHECK_RENEW compares the result with a
 * fresh device after every input it replays. */
int dev_renew(struct vfsim_dev *dev)
{
	int r;

	if (dev->dma)
		return -EBUSY;		/* a front end still has the device */
	dmalog_free(dev->dmalog);
	mig_free(dev->mig);
	irq_free(dev->irq);
	if (dev->low_power_wakeup_fd >= 0)
		close(dev->low_power_wakeup_fd);
	dev->dmalog = NULL;
	dev->mig = NULL;
	dev->irq = NULL;
	dev->low_power = false;
	dev->low_power_wakeup_fd = -1;
	dev->faults = 0;
	/* Of the config space only the current bytes change after cfg_new;
	 * the reset image and the masks are the profile's. */
	cfg_reset(dev->cfg);
	r = dev_state_new(dev);
	if (r < 0)
		return r;
	region_set_reset(dev->regions);
	return 0;
}

void dev_set_faults(struct vfsim_dev *dev, uint64_t faults)
{
	if (!dev)
		return;
	dev->faults = faults;
	if (dev->dmalog)
		dmalog_set_faults(dev->dmalog, faults);
}

const struct vfsim_profile *vfsim_dev_profile(const struct vfsim_dev *dev)
{
	return &dev->prof;
}

int vfsim_dev_reset(struct vfsim_dev *dev)
{
	cfg_reset(dev->cfg);
	region_set_reset(dev->regions);
	if (dev->mig)
		mig_reset(dev->mig);
	if (dev->dmalog && dmalog_active(dev->dmalog))
		dmalog_stop(dev->dmalog);
	return 0;
}

int vfsim_dev_raise_irq(struct vfsim_dev *dev, unsigned index, unsigned vector)
{
	return irq_raise(dev->irq, index, vector);
}

static uint8_t *engine_regs(struct vfsim_dev *dev)
{
	const struct region *r;

	if (!dev->prof.engine.present)
		return NULL;
	r = region_get(dev->regions, dev->prof.engine.bar);
	if (!r || !r->mem)
		return NULL;
	return r->mem + dev->prof.engine.offset;
}

void vfsim_dev_tick(struct vfsim_dev *dev)
{
	uint8_t *regs = engine_regs(dev);

	if (regs)
		engine_tick(dev, regs);
}

int dev_dma_rw(struct vfsim_dev *dev, uint64_t iova, void *buf, size_t len, bool write)
{
	int r;

	if (!dev->dma)
		return -EFAULT;
	r = dma_rw(dev->dma, iova, buf, len, write);
	if (r < 0)
		return r;
	if (write && dev->dmalog && dmalog_active(dev->dmalog))
		dmalog_mark(dev->dmalog, iova, len);
	return 0;
}

int vfsim_dev_compare(const struct vfsim_dev *a, const struct vfsim_dev *b, char *diff, size_t difflen)
{
	unsigned i, n;

	if (difflen)
		diff[0] = '\0';
	if (cfg_size(a->cfg) != cfg_size(b->cfg) ||
	    memcmp(cfg_bytes(a->cfg), cfg_bytes(b->cfg), cfg_size(a->cfg))) {
		const uint8_t *x = cfg_bytes(a->cfg), *y = cfg_bytes(b->cfg);

		for (i = 0; i < cfg_size(a->cfg) && x[i] == y[i]; i++)
			;
		snprintf(diff, difflen, "config space differs at 0x%x", i);
		return 1;
	}
	n = region_count(a->regions);
	if (n != region_count(b->regions)) {
		snprintf(diff, difflen, "region count %u vs %u", n, region_count(b->regions));
		return 1;
	}
	for (i = 0; i < n; i++) {
		const struct region *ra = region_get(a->regions, i), *rb = region_get(b->regions, i);
		uint64_t off;

		if (ra->size != rb->size || ra->flags != rb->flags) {
			snprintf(diff, difflen, "region %u size/flags differ", i);
			return 1;
		}
		if (!ra->mem || !rb->mem || !memcmp(ra->mem, rb->mem, ra->size))
			continue;
		for (off = 0; off < ra->size && ra->mem[off] == rb->mem[off]; off++)
			;
		snprintf(diff, difflen, "region %u differs at 0x%llx", i, (unsigned long long)off);
		return 1;
	}
	{
		size_t la = irq_save_size(a->irq), lb = irq_save_size(b->irq);
		uint8_t *x, *y;
		int d;

		if (la != lb) {
			snprintf(diff, difflen, "IRQ state size differs");
			return 1;
		}
		x = malloc(la ? la : 1);
		y = malloc(lb ? lb : 1);
		if (!x || !y) {
			free(x);
			free(y);
			snprintf(diff, difflen, "out of memory");
			return 1;
		}
		irq_save(a->irq, x);
		irq_save(b->irq, y);
		d = memcmp(x, y, la);
		free(x);
		free(y);
		if (d) {
			snprintf(diff, difflen, "IRQ configuration differs");
			return 1;
		}
	}
	return 0;
}
