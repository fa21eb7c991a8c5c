/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VFIO info capability chains (struct vfio_info_cap_header) and the argsz
 * protocol shared by every *_INFO call: build the chain in a bounded buffer,
 * then copy out as the kernel does (vfio_info_add_capability and the
 * per-ioctl copy-back): if the caller's argsz cannot hold struct + chain, set
 * the CAPS flag, raise argsz to what is needed, cap_offset 0, copy no caps.
 */
#ifndef VFSIM_CAPS_H
#define VFSIM_CAPS_H

#include <stddef.h>
#include <stdint.h>

#define CAPS_MAX 4096	/* bound of any chain the model builds */

struct capbuf {
	uint8_t buf[CAPS_MAX];
	size_t len;		/* bytes used; offsets in 'next' are relative to buf[0] */
	size_t last;		/* offset of the last header, for linking */
	int count;
};

void caps_init(struct capbuf *cb);
/* Append a zeroed capability of @size bytes (header included, rounded up to 8)
 * with @id and @version; returns a pointer to it, or NULL if CAPS_MAX would be
 * exceeded (a programming error: chains are built from validated profiles). */
void *caps_add(struct capbuf *cb, uint16_t id, uint16_t version, size_t size);
/* The same without rounding @size up: Linux 6.1's vfio_info_cap_add() packs
 * caps back to back (the type1 DMA_AVAIL cap is 12 bytes, so the IOVA_RANGE
 * cap after it is only 4-byte aligned; 6.5 added the rounding). The pointer
 * may be misaligned for 8-byte fields: fill the body with memcpy. */
void *caps_add_packed(struct capbuf *cb, uint16_t id, uint16_t version, size_t size);
/* Copy the chain to @dst, shifting every 'next' by @base (the size of the
 * fixed struct the chain follows), the last 'next' left 0. */
void caps_copy_shifted(const struct capbuf *cb, uint8_t *dst, uint32_t base);

/* Fault cap-next-backwards (sim/fault.h), after caps_copy_shifted to @dst:
 * the last capability's next points back at the first one (at @base), a
 * loop a walker without a hop budget never leaves. */
void caps_loop_back(const struct capbuf *cb, uint8_t *dst, uint32_t base);

#endif
