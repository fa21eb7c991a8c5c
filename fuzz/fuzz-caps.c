/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target 4: the capability-chain walkers (struct vfio_info_cap_header
 * chains). The input is
 *
 *   byte 0   mode: selector % 6
 *   byte 1   knobs: bits 0-6 per mode (below), bit 7 the walk callback
 *            stops the walk with -ECANCELED at hop (knobs & 7)
 *   then     an *_INFO buffer: fixed struct + chain, offsets from its start
 *
 *  - mode 0: vu_caps_walk alone, the first byte after the knobs the hop
 *    budget (% 64) and the next four the first offset;
 *  - mode 1: a vfio_region_info (32 bytes) + chain through
 *    vu_check_region_caps, with the info's cap_offset and size;
 *  - mode 2: the same buffer as the payload of a GET_REGION_INFO reply
 *    through vu_check_reply (the client's region-info reply parser), the
 *    request's argsz from knobs bits 0-1 (the reply's length, 32, 64 KiB,
 *    the reply's argsz), one mmap fd with bit 2, a wrong index with bit 3;
 *  - mode 3: a vfio_device_info (24 bytes, cap_offset at 16) + chain, and
 *  - mode 4: a vfio_iommu_type1_info (24 bytes, cap_offset at 16) + chain,
 *    both walked with vu_caps_walk and VU_CAP_MAX_HOPS: sim/ has no
 *    dedicated walker for them (the uAPI model only builds them);
 *  - mode 5: round trip of the builder: the input is a list of (id u16,
 *    size u8) records that sim/caps.c chains (caps_add, or caps_add_packed
 *    with knobs bit 0 and sizes rounded to 4 as the kernel's are) and
 *    copies behind a 24- or 32-byte struct (bit 1); the walker must accept
 *    exactly the caps built, and reject the chain once caps_loop_back
 *    turned it into a loop.
 *
 * Invariants beyond "no crash": a walk ends within its hop budget; every
 * cap it reports lies inside the buffer, 4-byte aligned, after the previous
 * one, and its header is the bytes at its offset; it returns the number of
 * caps reported; a rejection names a rule.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "caps.h"
#include "include/vfsim.h"
#include "rules.h"
#include "vu-wire.h"

#define FZ_INFO_FIXED 24u	/* vfio_device_info, vfio_iommu_type1_info */
#define FZ_REGION_FIXED 32u	/* vfio_region_info */
#define FZ_HOPS 32u		/* the walkers' budget, as the digest states it */

enum { FZ_WALK, FZ_REGION, FZ_REPLY, FZ_DEVICE, FZ_IOMMU, FZ_BUILD, FZ_MODES };

struct fz_walk {
	const uint8_t *buf;
	uint32_t len, min_off, last_end;
	unsigned hops, max_hops, stop_at;
	bool stop;
};

static int fz_cap_seen(void *opaque, const struct vu_cap_hdr *cap, uint32_t off, uint32_t caplen)
{
	struct fz_walk *w = opaque;

	fz_check(++w->hops <= w->max_hops);
	fz_check(off >= w->min_off && off % 4 == 0);
	fz_check(off >= w->last_end);			/* forward, no overlap */
	fz_check(caplen >= sizeof(*cap) && (uint64_t)off + caplen <= w->len);
	fz_check(memcmp(cap, w->buf + off, sizeof(*cap)) == 0);
	fz_check(!cap->next || cap->next == off + caplen);
	w->last_end = off + caplen;
	if (w->stop && w->hops - 1 == w->stop_at)
		return -ECANCELED;
	return 0;
}

/* Walk @len bytes of @buf from @first with vu_caps_walk and check it. */
static int fz_walk(const uint8_t *buf, uint32_t len, uint32_t first, uint32_t min_off, unsigned max_hops,
		   uint8_t knobs)
{
	struct fz_walk w = {
		.buf = buf, .len = len, .min_off = min_off, .max_hops = max_hops,
		.stop = knobs & 0x80, .stop_at = knobs & 7,
	};
	int r;

	vfsim_reject_clear();
	r = vu_caps_walk(buf, len, first, max_hops, fz_cap_seen, &w);
	if (r == -ECANCELED && w.stop) {
		fz_check(w.hops == w.stop_at + 1);
		return r;
	}
	if (r < 0) {
		fz_check(vfsim_last_rule(NULL) != RULE_NONE);
		return r;
	}
	fz_check((unsigned)r == w.hops && w.hops <= max_hops);
	fz_check(first == 0 ? r == 0 : r >= 1);
	return r;
}

/* A private copy of exactly the bytes present, so overreads are caught. */
static uint8_t *fz_dup(const uint8_t *d, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	if (p && n)
		memcpy(p, d, n);
	return p;
}

static void fz_generic(const uint8_t *d, size_t n, uint8_t knobs)
{
	unsigned hops;
	uint32_t first;
	uint8_t *buf;

	if (n < 5)
		return;
	hops = d[0] % 64;
	first = fz_rd32(d + 1);
	buf = fz_dup(d + 5, n - 5);
	if (buf)
		fz_walk(buf, (uint32_t)(n - 5), first, first, hops, knobs);
	free(buf);
}

/* Areas a sparse cap (id 1) lists, each inside the region: RI-05. */
static void fz_sparse_ok(const uint8_t *buf, uint32_t len, uint32_t off, uint64_t region_size)
{
	unsigned hops = 0;

	while (off && ++hops <= FZ_HOPS) {
		uint32_t next = fz_rd32(buf + off + 4), end = next ? next : len, nr, i;

		if (fz_rd32(buf + off) == (VU_CAP_SPARSE_MMAP | 1u << 16)) {
			nr = fz_rd32(buf + off + 8);
			fz_check(16 + 16 * (uint64_t)nr <= end - off);
			for (i = 0; i < nr; i++) {
				uint64_t o = fz_rd64(buf + off + 16 + 16 * (uint64_t)i);
				uint64_t s = fz_rd64(buf + off + 24 + 16 * (uint64_t)i);

				fz_check(o <= region_size && s <= region_size - o);
			}
		}
		off = next;
	}
}

static void fz_region(const uint8_t *d, size_t n, uint8_t knobs)
{
	uint32_t off;
	uint64_t size;
	uint8_t *buf;
	int r;

	if (n < FZ_REGION_FIXED)
		return;
	buf = fz_dup(d, n);
	if (!buf)
		return;
	off = fz_rd32(buf + 12);
	size = fz_rd64(buf + 16);
	vfsim_reject_clear();
	r = vu_check_region_caps(buf, (uint32_t)n, off, size);
	if (r < 0) {
		fz_check(vfsim_last_rule(NULL) != RULE_NONE);
	} else {
		fz_check((unsigned)r <= FZ_HOPS);
		/* the same chain, walked by the generic walker with our checks */
		fz_check(fz_walk(buf, (uint32_t)n, off, off, FZ_HOPS, 0) == r);
		fz_sparse_ok(buf, (uint32_t)n, off, size);
	}
	free(buf);
}

static void fz_reply(const uint8_t *d, size_t n, uint8_t knobs)
{
	struct vu_region_info q = { 0 };
	struct vu_hdr qh = { .id = 7, .cmd = VU_CMD_DEVICE_GET_REGION_INFO, .size = VU_HDR_SIZE + sizeof(q) };
	struct vu_msg m;
	uint32_t off;
	int r;

	if (n < FZ_REGION_FIXED || n > FUZZ_MAX_LEN)
		return;
	memset(&m, 0, sizeof(m));
	m.payload = fz_dup(d, n);
	if (!m.payload)
		return;
	m.len = (uint32_t)n;
	m.hdr = (struct vu_hdr){ .id = 7, .cmd = VU_CMD_DEVICE_GET_REGION_INFO, .size = VU_HDR_SIZE + m.len,
				 .flags = VU_FLAGS_TYPE_REPLY };
	m.nfds = knobs & 4 ? 1 : 0;
	m.fds[0] = -1;
	switch (knobs & 3) {
	case 0:
		q.argsz = m.len;
		break;
	case 1:
		q.argsz = FZ_REGION_FIXED;
		break;
	case 2:
		q.argsz = FUZZ_MAX_LEN;
		break;
	default:
		q.argsz = fz_rd32(d);
		break;
	}
	q.index = fz_rd32(d + 8) + (knobs & 8 ? 1 : 0);
	vfsim_reject_clear();
	r = vu_check_reply(&qh, &q, sizeof(q), &m, false);
	if (r < 0) {
		fz_check(vfsim_last_rule(NULL) != RULE_NONE);
	} else {
		/* §1.9: fits our argsz, and then exactly its own argsz with the
		 * chain inside it; or the 32-byte part announcing a larger one */
		fz_check(m.len <= q.argsz && fz_rd32(m.payload + 8) == q.index);
		off = fz_rd32(m.payload + 12);
		if (fz_rd32(m.payload) > q.argsz) {
			fz_check(m.len == FZ_REGION_FIXED && off == 0 && m.nfds == 0);
		} else {
			fz_check(m.len == fz_rd32(m.payload));
			fz_check(fz_walk(m.payload, m.len, off, FZ_REGION_FIXED, FZ_HOPS, 0) >= 0);
			fz_sparse_ok(m.payload, m.len, off, fz_rd64(m.payload + 16));
		}
	}
	free(m.payload);
}

/* Device and IOMMU info: cap_offset at 16, the chain after the 24 bytes. */
static void fz_info(const uint8_t *d, size_t n, uint8_t knobs)
{
	uint8_t *buf;

	if (n < FZ_INFO_FIXED)
		return;
	buf = fz_dup(d, n);
	if (buf)
		fz_walk(buf, (uint32_t)n, fz_rd32(buf + 16), 0, FZ_HOPS, knobs);
	free(buf);
}

/* ---- mode 5: what sim/caps.c builds, the walker accepts ---------------- */

static uint8_t fz_chain[FZ_REGION_FIXED + CAPS_MAX];

static void fz_build(const uint8_t *d, size_t n, uint8_t knobs)
{
	static struct capbuf cb;
	bool packed = knobs & 1;
	uint32_t base = knobs & 2 ? FZ_REGION_FIXED : FZ_INFO_FIXED;
	uint32_t len;
	int r;

	caps_init(&cb);
	for (; n >= 3 && cb.count < (int)FZ_HOPS; d += 3, n -= 3) {
		uint16_t id;
		size_t size = 8 + 4 * (size_t)d[2];
		uint8_t *cap;

		memcpy(&id, d, sizeof(id));
		cap = packed ? caps_add_packed(&cb, id, 1, size) : caps_add(&cb, id, 1, size);
		if (!cap)
			break;	/* CAPS_MAX reached: the chain so far stands */
	}
	memset(fz_chain, 0xa5, base);
	caps_copy_shifted(&cb, fz_chain + base, base);
	len = base + (uint32_t)cb.len;
	r = fz_walk(fz_chain, len, cb.count ? base : 0, base, FZ_HOPS, 0);
	fz_check(r == cb.count);
	if (!cb.count)
		return;
	/* the fault's loop: next of the last cap points back to the first */
	caps_loop_back(&cb, fz_chain + base, base);
	vfsim_reject_clear();
	r = vu_caps_walk(fz_chain, len, base, FZ_HOPS, NULL, NULL);
	fz_check(r < 0 && vfsim_last_rule(NULL) != RULE_NONE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > FUZZ_MAX_LEN)
		return 0;
	switch (data[0] % FZ_MODES) {
	case FZ_WALK:
		fz_generic(data + 2, size - 2, data[1]);
		break;
	case FZ_REGION:
		fz_region(data + 2, size - 2, data[1]);
		break;
	case FZ_REPLY:
		fz_reply(data + 2, size - 2, data[1]);
		break;
	case FZ_DEVICE:
	case FZ_IOMMU:
		fz_info(data + 2, size - 2, data[1]);
		break;
	default:
		fz_build(data + 2, size - 2, data[1]);
		break;
	}
	return 0;
}
