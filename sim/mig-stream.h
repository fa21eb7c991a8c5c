/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The migration data stream of a simulated device: how its state (config
 * space, the memory of every memory-backed region except the constant ROM,
 * the IRQ configuration; the DMA engine's registers live in BAR memory and
 * travel with it) is written out by a save session and taken back in by a
 * resume session. mig.c owns the FSM and the sessions; this module owns the
 * bytes.
 *
 * Format, all integers little endian:
 *   header  (MIG_STREAM_HDR_SIZE bytes) magic, version, vendor and device id,
 *           region count, profile name, config and IRQ state sizes, the size
 *           of every carried region (0 = not carried): a foreign device's
 *           stream is refused on any difference.
 *   records {u32 type, u32 region, u64 offset, u32 length, u32 reserved}
 *           then length bytes:
 *             PAGE   one page (MIG_STREAM_PAGE, shorter at a region's end) of a
 *                    region, page aligned; may repeat (PRE_COPY resends dirty
 *                    pages), the last copy wins
 *             CONFIG the whole config space, once
 *             IRQ    irq_save() bytes, once
 *             END    u32 CRC32 (zlib) over every byte before this record
 *   nothing may follow END.
 *
 * Test convenience: a device whose cfg, regions or irq pointer is NULL has
 * an empty config space, no regions or an empty IRQ configuration; its
 * stream is a header and an END record (plus whatever is non-NULL).
 */
#ifndef VFSIM_MIG_STREAM_H
#define VFSIM_MIG_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct vfsim_dev;
struct mig_save;
struct mig_resume;

#define MIG_STREAM_MAGIC 0x47494d56u	/* "VMIG" */
#define MIG_STREAM_VERSION 1u
#define MIG_STREAM_PAGE 4096u
#define MIG_STREAM_MAX_REGIONS 16u
#define MIG_STREAM_NAME_LEN 64u
#define MIG_STREAM_HDR_SIZE \
	(4 + 4 + 2 + 2 + 4 + MIG_STREAM_NAME_LEN + 4 + 4 + 8 * MIG_STREAM_MAX_REGIONS)
#define MIG_STREAM_REC_SIZE 24u
/* A resume session accepts at most this many times the size of a complete
 * single-pass image: PRE_COPY resends dirty pages, so a stream may be longer
 * than one image, but not without bound (mtty refuses anything past its image
 * with ENOMEM). */
#define MIG_RESUME_CAP_FACTOR 16u

enum mig_rec_type {
	MIG_REC_PAGE = 1,
	MIG_REC_CONFIG = 2,
	MIG_REC_IRQ = 3,
	MIG_REC_END = 4,
};

/* Size of a complete single-pass image of @dev (what STOP->STOP_COPY
 * produces). */
uint64_t mig_stream_full_size(const struct vfsim_dev *dev);

/* Save side. @precopy=false: the whole state at once (STOP->STOP_COPY).
 * @precopy=true: header and the initial page records; a shadow of the region
 * memory remembers what was sent so later changes show as dirty. */
int mig_save_new(struct vfsim_dev *dev, bool precopy, struct mig_save **ret);
void mig_save_free(struct mig_save *s);
/* PRE_COPY -> STOP_COPY: append the pages still dirty, config, IRQ and END.
 * Idempotent. */
int mig_save_finish(struct mig_save *s);
/* Bytes read; 0 at the permanent end (finished); -ENOMSG when a PRE_COPY
 * stream has nothing to send now. */
ssize_t mig_save_read(struct mig_save *s, void *buf, size_t len);
void mig_save_precopy_info(struct mig_save *s, uint64_t *ret_initial, uint64_t *ret_dirty);
/* Bytes the stream still has to deliver if the device stopped now. */
uint64_t mig_save_remaining(struct mig_save *s);

/* Resume side: bytes are parsed as they arrive into staging copies; the
 * device is only touched by mig_resume_load(), and only when the whole
 * stream is valid. */
int mig_resume_new(struct vfsim_dev *dev, struct mig_resume **ret);
void mig_resume_free(struct mig_resume *r);
/* Bytes consumed (short when the stream's END record comes before the end of
 * @buf); -ENOMEM past the end of the stream or past the cap (nothing
 * consumed); -EFAULT once the bytes seen so far are not a stream for this
 * device (the bytes still count, mtty-like). */
ssize_t mig_resume_write(struct mig_resume *r, const void *buf, size_t len);
/* RESUMING->STOP: 0 and the state committed to the device, or -EINVAL with
 * the rule of the first problem and the device untouched. */
int mig_resume_load(struct mig_resume *r);

#endif
