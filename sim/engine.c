/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DMA engine behind sim/engine.h. It has no state of its own: its
 * registers live in BAR memory, so migration and compare see them with the
 * rest of the BAR. A doorbell runs one transfer synchronously: read LEN bytes
 * at SRC into a bounce buffer (at most ENGINE_MAX_LEN), write them at DST,
 * both through dev_dma_rw (the device's IOMMU view), then latch DONE or
 * ERROR in STATUS and raise the completion interrupt either way, so a driver
 * waiting for the interrupt learns of failures too.
 *
 * STATUS bits latch until software clears them (RW1C); a later transfer
 * does not clear an earlier ERROR. DOORBELL reads 0: it is a command, not
 * state. ERRNO keeps the last failure until the next failure.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dev.h"
#include "engine.h"
#include "irq.h"
#include "region.h"

enum engine_kind { ENGINE_RO = 0, ENGINE_RW, ENGINE_W1C };

/* Write semantics of the block; bytes outside every row are reserved (RO 0). */
static const struct engine_reg {
	uint8_t off, size, kind;
} engine_reg_table[] = {
	{ ENGINE_REG_SRC, 8, ENGINE_RW },
	{ ENGINE_REG_DST, 8, ENGINE_RW },
	{ ENGINE_REG_LEN, 4, ENGINE_RW },
	{ ENGINE_REG_DOORBELL, 4, ENGINE_RW },
	{ ENGINE_REG_STATUS, 4, ENGINE_W1C },
	{ ENGINE_REG_ERRNO, 4, ENGINE_RO },
	{ ENGINE_REG_COUNT, 4, ENGINE_RO },
	{ ENGINE_REG_TICKS, 4, ENGINE_RO },
};

static enum engine_kind engine_byte_kind(uint32_t off)
{
	size_t i;

	for (i = 0; i < sizeof(engine_reg_table) / sizeof(engine_reg_table[0]); i++) {
		const struct engine_reg *r = &engine_reg_table[i];

		if (off >= r->off && off < (uint32_t)r->off + r->size)
			return r->kind;
	}
	return ENGINE_RO;
}

/* BAR memory may sit at any alignment: go through memcpy. */
static uint32_t engine_get32(const uint8_t *regs, uint32_t off)
{
	uint32_t v;

	memcpy(&v, regs + off, sizeof(v));
	return le32toh(v);
}

static uint64_t engine_get64(const uint8_t *regs, uint32_t off)
{
	uint64_t v;

	memcpy(&v, regs + off, sizeof(v));
	return le64toh(v);
}

static void engine_put32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, sizeof(v));
}

static int engine_copy(struct vfsim_dev *dev, uint64_t src, uint64_t dst, uint32_t len)
{
	uint8_t *buf;
	int r;

	if (len > ENGINE_MAX_LEN)
		return -EINVAL;
	if (!len)
		return 0;
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	r = dev_dma_rw(dev, src, buf, len, false);
	if (r >= 0)
		r = dev_dma_rw(dev, dst, buf, len, true);
	free(buf);
	return r < 0 ? r : 0;
}

static void engine_run(struct vfsim_dev *dev, uint8_t *regs)
{
	uint32_t status = engine_get32(regs, ENGINE_REG_STATUS);
	int r;

	r = engine_copy(dev, engine_get64(regs, ENGINE_REG_SRC), engine_get64(regs, ENGINE_REG_DST),
			engine_get32(regs, ENGINE_REG_LEN));
	if (r < 0) {
		engine_put32(regs + ENGINE_REG_STATUS, status | ENGINE_STATUS_ERROR);
		engine_put32(regs + ENGINE_REG_ERRNO, (uint32_t)-r);
	} else {
		engine_put32(regs + ENGINE_REG_STATUS, status | ENGINE_STATUS_DONE);
		engine_put32(regs + ENGINE_REG_COUNT, engine_get32(regs, ENGINE_REG_COUNT) + 1);
	}
	if (dev->irq)
		irq_raise(dev->irq, dev->prof.engine.irq_index, dev->prof.engine.irq_vector);
}

void engine_store(struct vfsim_dev *dev, uint8_t *regs, uint32_t off, const uint8_t *src, uint32_t len)
{
	uint32_t i;

	if (off >= ENGINE_REG_SIZE)
		return;
	if (len > ENGINE_REG_SIZE - off)
		len = ENGINE_REG_SIZE - off;
	for (i = 0; i < len; i++) {
		switch (engine_byte_kind(off + i)) {
		case ENGINE_RW:
			regs[off + i] = src[i];
			break;
		case ENGINE_W1C:
			regs[off + i] &= (uint8_t)~src[i];
			break;
		case ENGINE_RO:
			break;
		}
	}
	engine_on_write(dev, regs, off, len);
}

void engine_on_write(struct vfsim_dev *dev, uint8_t *regs, uint32_t off, uint32_t len)
{
	uint32_t bell;

	if (off >= ENGINE_REG_DOORBELL + 4 || (uint64_t)off + len <= ENGINE_REG_DOORBELL)
		return;
	bell = engine_get32(regs, ENGINE_REG_DOORBELL);
	engine_put32(regs + ENGINE_REG_DOORBELL, 0);
	if (bell == 1)
		engine_run(dev, regs);
}

void engine_tick(struct vfsim_dev *dev, uint8_t *regs)
{
	const struct region *bar = region_get(dev->regions, dev->prof.engine.bar);
	uint32_t ticks = engine_get32(regs, ENGINE_REG_TICKS) + 1;

	engine_put32(regs + ENGINE_REG_TICKS, ticks);
	/* the word after the block: a running device dirties BAR memory, not
	 * only a register, so migration has a page to copy again */
	if (bar && bar->mem && (uint64_t)dev->prof.engine.offset + ENGINE_REG_SIZE + 4 <= bar->size)
		engine_put32(regs + ENGINE_REG_SIZE, ticks);
}
