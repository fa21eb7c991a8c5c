/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VFIO info capability chains: building a chain in a bounded buffer and
 * copying it behind a fixed *_INFO struct with every 'next' rebased, as
 * vfio_info_cap_add() and vfio_info_cap_shift() do in vfio_main.c. Headers
 * are read and written with memcpy because a 6.1 type1 chain places caps at
 * offsets that are only 4-byte aligned (DMA_AVAIL is 12 bytes), and the
 * destination is a caller buffer of unknown alignment.
 */
#include <string.h>

#include "caps.h"
#include "vfio-compat.h"

void caps_init(struct capbuf *cb)
{
	cb->len = 0;
	cb->last = 0;
	cb->count = 0;
}

static void caps_hdr_get(const uint8_t *p, struct vfio_info_cap_header *h)
{
	memcpy(h, p, sizeof(*h));
}

static void caps_next_set(uint8_t *hdr, uint32_t next)
{
	memcpy(hdr + offsetof(struct vfio_info_cap_header, next), &next, sizeof(next));
}

static void *caps_append(struct capbuf *cb, uint16_t id, uint16_t version, size_t size)
{
	struct vfio_info_cap_header h = { .id = id, .version = version, .next = 0 };
	size_t off = cb->len;

	if (size < sizeof(h) || size > CAPS_MAX || off > CAPS_MAX - size)
		return NULL;
	/* Eventually copied to the caller: header and body start zeroed. */
	memset(cb->buf + off, 0, size);
	memcpy(cb->buf + off, &h, sizeof(h));
	/* New caps go to the tail, so chain order is build order. The first cap
	 * sits at offset 0, which is why 'next' == 0 can still mean "end". */
	if (cb->count)
		caps_next_set(cb->buf + cb->last, (uint32_t)off);
	cb->last = off;
	cb->len = off + size;
	cb->count++;
	return cb->buf + off;
}

void *caps_add(struct capbuf *cb, uint16_t id, uint16_t version, size_t size)
{
	if (size < sizeof(struct vfio_info_cap_header) || size > CAPS_MAX)
		return NULL;
	return caps_append(cb, id, version, (size + 7) & ~(size_t)7);
}

void *caps_add_packed(struct capbuf *cb, uint16_t id, uint16_t version, size_t size)
{
	return caps_append(cb, id, version, size);
}

void caps_copy_shifted(const struct capbuf *cb, uint8_t *dst, uint32_t base)
{
	size_t off = 0;
	int hops;

	if (!cb->count)
		return;
	memcpy(dst, cb->buf, cb->len);
	/* Walk the chain as built (count bounds the hops); every link but the
	 * terminating 0 becomes an offset from the start of the info struct. */
	for (hops = 0; hops < cb->count; hops++) {
		struct vfio_info_cap_header h;

		if (off + sizeof(h) > cb->len)
			break;
		caps_hdr_get(cb->buf + off, &h);
		if (!h.next)
			break;
		caps_next_set(dst + off, h.next + base);
		off = h.next;
	}
}

void caps_loop_back(const struct capbuf *cb, uint8_t *dst, uint32_t base)
{
	/* cb->last is the offset of the last header inside the chain as
	 * built, which caps_copy_shifted placed at the same offset of @dst. */
	if (!cb->count || cb->last + sizeof(struct vfio_info_cap_header) > cb->len)
		return;
	caps_next_set(dst + cb->last, base);
}
