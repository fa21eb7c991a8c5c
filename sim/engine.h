/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A small DMA engine: SRC, DST, LEN and DOORBELL registers in a BAR. A write
 * of 1 to DOORBELL copies LEN bytes from SRC to DST through the device's
 * IOMMU, sets STATUS and raises the completion interrupt.
 *
 * Register block (offsets from prof.engine.offset, little endian):
 *   0x00 SRC (u64)  0x08 DST (u64)  0x10 LEN (u32)  0x14 DOORBELL (u32, write 1 = go)
 *   0x18 STATUS (u32: bit0 DONE, bit1 ERROR, RW1C)  0x1c ERRNO (u32, positive errno of the last failure)
 *   0x20 COUNT (u32, completed transfers)  0x24 TICKS (u32, advanced by vfsim_dev_tick)
 */
#ifndef VFSIM_ENGINE_H
#define VFSIM_ENGINE_H

#include <stdint.h>

#define ENGINE_REG_SRC 0x00
#define ENGINE_REG_DST 0x08
#define ENGINE_REG_LEN 0x10
#define ENGINE_REG_DOORBELL 0x14
#define ENGINE_REG_STATUS 0x18
#define ENGINE_REG_ERRNO 0x1c
#define ENGINE_REG_COUNT 0x20
#define ENGINE_REG_TICKS 0x24
#define ENGINE_REG_SIZE 0x40
#define ENGINE_STATUS_DONE 1u
#define ENGINE_STATUS_ERROR 2u
#define ENGINE_MAX_LEN (1u << 20)	/* one transfer at most 1 MiB: bounded work per doorbell */

struct vfsim_dev;

/* region_rw's store for the part [off, off+len) of a write that lies in the
 * block (@src holds those len bytes): applies the registers' write semantics
 * (SRC, DST, LEN, DOORBELL RW; STATUS RW1C; ERRNO, COUNT, TICKS and the
 * reserved bytes read-only), then calls engine_on_write. A plain store
 * cannot do RW1C: once the bytes are in memory the old STATUS is gone. */
void engine_store(struct vfsim_dev *dev, uint8_t *regs, uint32_t off, const uint8_t *src, uint32_t len);
/* Called (by engine_store) after the bytes of a write that touched the
 * block are stored: a DOORBELL value of 1 runs a transfer, DOORBELL then
 * reads 0. @regs is the start of the register block in BAR memory. */
void engine_on_write(struct vfsim_dev *dev, uint8_t *regs, uint32_t off, uint32_t len);
/* vfsim_dev_tick: advance TICKS and dirty one page of the engine's BAR. */
void engine_tick(struct vfsim_dev *dev, uint8_t *regs);

#endif
