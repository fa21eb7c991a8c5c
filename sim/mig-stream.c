/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The migration data stream (format in mig-stream.h): a save session
 * produces it, a resume session parses it as it arrives into staging copies
 * and commits them to the device only when the whole stream has checked out
 * (header identity, every record in bounds, CRC, every page present).
 *
 * Bounds: nothing is ever allocated from a size the stream claims. Every
 * allocation is derived from the device's own sizes (region, config and IRQ
 * state), a record's length must equal what the device expects for it, and
 * the total a resume session accepts is capped at MIG_RESUME_CAP_FACTOR
 * images. Loops run over the device's pages or the bytes handed in.
 *
 * ROM is not carried: its contents are a constant of the profile and both
 * ends have the same. CONFIG has no memory and travels as a CONFIG record.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "mig-stream.h"
#include "dev.h"
#include "cfg.h"
#include "fault.h"
#include "irq.h"
#include "region.h"

struct mig_layout {
	uint32_t nregions;
	uint64_t size[MIG_STREAM_MAX_REGIONS];	/* 0 = not carried */
	uint8_t *mem[MIG_STREAM_MAX_REGIONS];
	uint32_t cfg_size, irq_size;
};

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, v);
	put_le16(p + 2, v >> 16);
}

static void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, v);
	put_le32(p + 4, v >> 32);
}

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
	return get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static uint32_t mig_crc(uint32_t crc, const uint8_t *p, size_t n)
{
	/* zlib takes uInt lengths; units here are at most a page or a config
	 * space, but stay correct for any size. */
	while (n) {
		uInt k = n > UINT_MAX ? UINT_MAX : (uInt)n;

		crc = crc32(crc, p, k);
		p += k;
		n -= k;
	}
	return crc;
}

static int mig_layout_get(const struct vfsim_dev *dev, struct mig_layout *lay)
{
	unsigned i, n;

	memset(lay, 0, sizeof(*lay));
	if (dev->cfg)
		lay->cfg_size = cfg_size(dev->cfg);
	if (dev->irq) {
		size_t sz = irq_save_size(dev->irq);

		if (sz > UINT32_MAX)
			return -E2BIG;
		lay->irq_size = sz;
	}
	if (!dev->regions)
		return 0;
	n = region_count(dev->regions);
	if (n > MIG_STREAM_MAX_REGIONS)
		return -E2BIG;
	lay->nregions = n;
	for (i = 0; i < n; i++) {
		const struct region *r = region_get(dev->regions, i);

		if (!r || !r->mem || !r->size || i == VFIO_PCI_ROM_REGION_INDEX ||
		    i == VFIO_PCI_CONFIG_REGION_INDEX)
			continue;
		lay->size[i] = r->size;
		lay->mem[i] = r->mem;
	}
	return 0;
}

static uint64_t mig_npages(uint64_t size)
{
	return size / MIG_STREAM_PAGE + !!(size % MIG_STREAM_PAGE);
}

static uint64_t mig_page_len(uint64_t size, uint64_t off)
{
	return size - off < MIG_STREAM_PAGE ? size - off : MIG_STREAM_PAGE;
}

static uint64_t mig_tail_size(const struct mig_layout *lay)
{
	uint64_t s = MIG_STREAM_REC_SIZE + 4;

	if (lay->cfg_size)
		s += MIG_STREAM_REC_SIZE + lay->cfg_size;
	if (lay->irq_size)
		s += MIG_STREAM_REC_SIZE + lay->irq_size;
	return s;
}

static uint64_t mig_layout_image_size(const struct mig_layout *lay)
{
	uint64_t s = MIG_STREAM_HDR_SIZE + mig_tail_size(lay);
	unsigned i;

	for (i = 0; i < lay->nregions; i++)
		s += mig_npages(lay->size[i]) * MIG_STREAM_REC_SIZE + lay->size[i];
	return s;
}

uint64_t mig_stream_full_size(const struct vfsim_dev *dev)
{
	struct mig_layout lay;

	if (mig_layout_get(dev, &lay) < 0)
		return 0;
	return mig_layout_image_size(&lay);
}

static void mig_header_encode(const struct vfsim_dev *dev, const struct mig_layout *lay, uint8_t *h)
{
	size_t namelen = strnlen(dev->prof.name, sizeof(dev->prof.name));
	uint8_t *p = h;
	unsigned i;

	memset(h, 0, MIG_STREAM_HDR_SIZE);
	put_le32(p, MIG_STREAM_MAGIC);
	put_le32(p + 4, MIG_STREAM_VERSION);
	put_le16(p + 8, dev->prof.vendor_id);
	put_le16(p + 10, dev->prof.device_id);
	put_le32(p + 12, lay->nregions);
	if (namelen > MIG_STREAM_NAME_LEN)
		namelen = MIG_STREAM_NAME_LEN;
	memcpy(p + 16, dev->prof.name, namelen);
	p += 16 + MIG_STREAM_NAME_LEN;
	put_le32(p, lay->cfg_size);
	put_le32(p + 4, lay->irq_size);
	p += 8;
	for (i = 0; i < MIG_STREAM_MAX_REGIONS; i++)
		put_le64(p + 8 * i, lay->size[i]);
}

/* ---- save ---------------------------------------------------------------- */

struct mig_save {
	struct vfsim_dev *dev;
	struct mig_layout lay;
	bool precopy, finished;
	uint8_t *buf;		/* the produced bytes not yet read: buf[pos..len) */
	size_t len, pos, cap;
	uint64_t base;		/* stream offset of buf[0] */
	uint64_t initial_end;	/* stream offset where the initial data ends */
	uint32_t crc;		/* over every byte produced so far (END excluded) */
	uint8_t *shadow[MIG_STREAM_MAX_REGIONS];	/* PRE_COPY: what was last sent */
};

static int save_reserve(struct mig_save *s, size_t more)
{
	size_t ncap;
	uint8_t *nb;

	if (s->cap - s->len >= more)
		return 0;
	if (s->pos) {
		/* Drop what was read; the CRC already covers it. */
		memmove(s->buf, s->buf + s->pos, s->len - s->pos);
		s->base += s->pos;
		s->len -= s->pos;
		s->pos = 0;
		if (s->cap - s->len >= more)
			return 0;
	}
	if (more > SIZE_MAX / 2 - s->len)
		return -ENOMEM;
	ncap = s->cap ? s->cap : 4096;
	while (ncap - s->len < more)
		ncap *= 2;
	nb = realloc(s->buf, ncap);
	if (!nb)
		return -ENOMEM;
	s->buf = nb;
	s->cap = ncap;
	return 0;
}

/* Append @n bytes (reserved by the caller), counted in the CRC unless @nocrc. */
static void save_put(struct mig_save *s, const void *p, size_t n, bool nocrc)
{
	memcpy(s->buf + s->len, p, n);
	if (!nocrc)
		s->crc = mig_crc(s->crc, s->buf + s->len, n);
	s->len += n;
}

static int save_record(struct mig_save *s, uint32_t type, uint32_t region, uint64_t off,
		       const void *data, uint32_t n)
{
	uint8_t h[MIG_STREAM_REC_SIZE];
	bool end = type == MIG_REC_END;
	int r;

	r = save_reserve(s, sizeof(h) + n);
	if (r < 0)
		return r;
	put_le32(h, type);
	put_le32(h + 4, region);
	put_le64(h + 8, off);
	put_le32(h + 16, n);
	put_le32(h + 20, 0);
	save_put(s, h, sizeof(h), end);
	save_put(s, data, n, end);
	return 0;
}

static int save_page(struct mig_save *s, unsigned i, uint64_t off)
{
	uint64_t n = mig_page_len(s->lay.size[i], off);
	int r;

	r = save_record(s, MIG_REC_PAGE, i, off, s->lay.mem[i] + off, n);
	if (r < 0)
		return r;
	/* The shadow holds exactly the bytes that went into the record. */
	if (s->shadow[i])
		memcpy(s->shadow[i] + off, s->buf + s->len - n, n);
	return 0;
}

static bool save_page_dirty(const struct mig_save *s, unsigned i, uint64_t off)
{
	return memcmp(s->lay.mem[i] + off, s->shadow[i] + off, mig_page_len(s->lay.size[i], off)) != 0;
}

/* Bytes the currently dirty pages would take as records. */
static uint64_t save_dirty_bytes(const struct mig_save *s)
{
	uint64_t total = 0, off;
	unsigned i;

	if (!s->precopy || s->finished)
		return 0;
	for (i = 0; i < s->lay.nregions; i++)
		for (off = 0; off < s->lay.size[i]; off += MIG_STREAM_PAGE)
			if (save_page_dirty(s, i, off))
				total += MIG_STREAM_REC_SIZE + mig_page_len(s->lay.size[i], off);
	return total;
}

static int save_emit_pages(struct mig_save *s, bool only_dirty)
{
	uint64_t off;
	unsigned i;
	int r;

	for (i = 0; i < s->lay.nregions; i++) {
		for (off = 0; off < s->lay.size[i]; off += MIG_STREAM_PAGE) {
			if (only_dirty && !save_page_dirty(s, i, off))
				continue;
			r = save_page(s, i, off);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int mig_save_new(struct vfsim_dev *dev, bool precopy, struct mig_save **ret)
{
	uint8_t hdr[MIG_STREAM_HDR_SIZE];
	struct mig_save *s;
	unsigned i;
	int r;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->dev = dev;
	s->precopy = precopy;
	r = mig_layout_get(dev, &s->lay);
	if (r < 0)
		goto fail;
	if (precopy) {
		for (i = 0; i < s->lay.nregions; i++) {
			if (!s->lay.size[i])
				continue;
			r = -ENOMEM;
			s->shadow[i] = malloc(s->lay.size[i]);
			if (!s->shadow[i])
				goto fail;
		}
	}
	r = save_reserve(s, MIG_STREAM_HDR_SIZE);
	if (r < 0)
		goto fail;
	mig_header_encode(dev, &s->lay, hdr);
	save_put(s, hdr, sizeof(hdr), false);
	r = save_emit_pages(s, false);
	if (r < 0)
		goto fail;
	s->initial_end = s->base + s->len;
	if (!precopy) {
		r = mig_save_finish(s);
		if (r < 0)
			goto fail;
	}
	*ret = s;
	return 0;
fail:
	mig_save_free(s);
	return r;
}

void mig_save_free(struct mig_save *s)
{
	unsigned i;

	if (!s)
		return;
	for (i = 0; i < MIG_STREAM_MAX_REGIONS; i++)
		free(s->shadow[i]);
	free(s->buf);
	free(s);
}

int mig_save_finish(struct mig_save *s)
{
	uint8_t crc[4];
	int r;

	if (s->finished)
		return 0;
	if (s->precopy) {
		r = save_emit_pages(s, true);
		if (r < 0)
			return r;
	}
	if (s->lay.cfg_size) {
		r = save_record(s, MIG_REC_CONFIG, 0, 0, cfg_bytes(s->dev->cfg), s->lay.cfg_size);
		if (r < 0)
			return r;
	}
	if (s->lay.irq_size) {
		uint8_t *tmp = malloc(s->lay.irq_size);

		if (!tmp)
			return -ENOMEM;
		irq_save(s->dev->irq, tmp);
		r = save_record(s, MIG_REC_IRQ, 0, 0, tmp, s->lay.irq_size);
		free(tmp);
		if (r < 0)
			return r;
	}
	put_le32(crc, s->crc);
	r = save_record(s, MIG_REC_END, 0, 0, crc, sizeof(crc));
	if (r < 0)
		return r;
	s->finished = true;
	return 0;
}

ssize_t mig_save_read(struct mig_save *s, void *buf, size_t len)
{
	size_t n;
	int r;

	if (!len)
		return 0;
	if (s->pos == s->len) {
		if (s->finished)
			return 0;
		r = save_emit_pages(s, true);
		if (r < 0)
			return r;
		if (s->pos == s->len)
			return -ENOMSG;
	}
	n = s->len - s->pos;
	if (n > len)
		n = len;
	if (n > SSIZE_MAX)
		n = SSIZE_MAX;
	memcpy(buf, s->buf + s->pos, n);
	s->pos += n;
	return n;
}

void mig_save_precopy_info(struct mig_save *s, uint64_t *ret_initial, uint64_t *ret_dirty)
{
	uint64_t at = s->base + s->pos, end = s->base + s->len;
	uint64_t from = at > s->initial_end ? at : s->initial_end;

	*ret_initial = s->initial_end > at ? s->initial_end - at : 0;
	/* Dirty data already queued past the initial part, plus the pages that
	 * changed since they were last queued. */
	*ret_dirty = (end > from ? end - from : 0) + save_dirty_bytes(s);
}

uint64_t mig_save_remaining(struct mig_save *s)
{
	uint64_t n = s->len - s->pos;

	if (!s->finished)
		n += save_dirty_bytes(s) + mig_tail_size(&s->lay);
	return n;
}

/* ---- resume -------------------------------------------------------------- */

enum mig_res_phase {
	RES_HDR,
	RES_RECHDR,
	RES_DATA,
	RES_DONE,
};

struct mig_resume {
	struct vfsim_dev *dev;
	struct mig_layout lay;
	uint8_t expect[MIG_STREAM_HDR_SIZE];	/* the header this device would write */
	uint64_t total, cap;
	enum mig_res_phase phase;
	uint8_t *unit;		/* the header, a record header or a record's data */
	size_t have, need;
	uint32_t rtype, rregion, rlen;
	uint64_t roff;
	uint32_t crc;
	int bad_rule;		/* first problem, sticky; 0 = none */
	uint8_t *stage[MIG_STREAM_MAX_REGIONS];
	uint8_t *seen[MIG_STREAM_MAX_REGIONS];	/* one byte per page */
	uint8_t *cfg, *irq;
	bool cfg_seen, irq_seen;
};

int mig_resume_new(struct vfsim_dev *dev, struct mig_resume **ret)
{
	struct mig_resume *r;
	size_t unit = MIG_STREAM_PAGE;
	unsigned i;
	int err;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->dev = dev;
	err = mig_layout_get(dev, &r->lay);
	if (err < 0)
		goto fail;
	mig_header_encode(dev, &r->lay, r->expect);
	r->cap = mig_layout_image_size(&r->lay) * MIG_RESUME_CAP_FACTOR;
	err = -ENOMEM;
	for (i = 0; i < r->lay.nregions; i++) {
		if (!r->lay.size[i])
			continue;
		r->stage[i] = calloc(1, r->lay.size[i]);
		r->seen[i] = calloc(1, mig_npages(r->lay.size[i]));
		if (!r->stage[i] || !r->seen[i])
			goto fail;
	}
	if (r->lay.cfg_size) {
		r->cfg = malloc(r->lay.cfg_size);
		if (!r->cfg)
			goto fail;
	}
	if (r->lay.irq_size) {
		r->irq = malloc(r->lay.irq_size);
		if (!r->irq)
			goto fail;
	}
	if (unit < MIG_STREAM_HDR_SIZE)
		unit = MIG_STREAM_HDR_SIZE;
	if (unit < r->lay.cfg_size)
		unit = r->lay.cfg_size;
	if (unit < r->lay.irq_size)
		unit = r->lay.irq_size;
	r->unit = malloc(unit);
	if (!r->unit)
		goto fail;
	r->phase = RES_HDR;
	r->need = MIG_STREAM_HDR_SIZE;
	*ret = r;
	return 0;
fail:
	mig_resume_free(r);
	return err;
}

void mig_resume_free(struct mig_resume *r)
{
	unsigned i;

	if (!r)
		return;
	for (i = 0; i < MIG_STREAM_MAX_REGIONS; i++) {
		free(r->stage[i]);
		free(r->seen[i]);
	}
	free(r->cfg);
	free(r->irq);
	free(r->unit);
	free(r);
}

static int resume_header(struct mig_resume *r)
{
	if (get_le32(r->unit) != MIG_STREAM_MAGIC)
		return RULE_MIG_STREAM_MAGIC;
	if (get_le32(r->unit + 4) != MIG_STREAM_VERSION)
		return RULE_MIG_STREAM_VERSION;
	/* Everything after magic and version is the device's identity. */
	if (memcmp(r->unit + 8, r->expect + 8, MIG_STREAM_HDR_SIZE - 8))
		return RULE_MIG_STREAM_DEVICE;
	r->crc = mig_crc(0, r->unit, MIG_STREAM_HDR_SIZE);
	r->phase = RES_RECHDR;
	r->need = MIG_STREAM_REC_SIZE;
	return 0;
}

/* Check a record header against the device's own sizes: a length is never
 * taken from the stream unless it equals what the device expects. */
static int resume_rechdr(struct mig_resume *r)
{
	const uint8_t *h = r->unit;
	uint64_t size;

	r->rtype = get_le32(h);
	r->rregion = get_le32(h + 4);
	r->roff = get_le64(h + 8);
	r->rlen = get_le32(h + 16);
	if (get_le32(h + 20))
		return RULE_MIG_STREAM_RECORD;
	switch (r->rtype) {
	case MIG_REC_PAGE:
		if (r->rregion >= r->lay.nregions)
			return RULE_MIG_STREAM_RECORD;
		size = r->lay.size[r->rregion];
		if (!size || r->roff >= size || r->roff % MIG_STREAM_PAGE ||
		    r->rlen != mig_page_len(size, r->roff))
			return RULE_MIG_STREAM_RECORD;
		break;
	case MIG_REC_CONFIG:
		if (r->rregion || r->roff || !r->lay.cfg_size || r->rlen != r->lay.cfg_size)
			return RULE_MIG_STREAM_RECORD;
		if (r->cfg_seen)
			return RULE_MIG_STREAM_DUP;
		break;
	case MIG_REC_IRQ:
		if (r->rregion || r->roff || !r->lay.irq_size || r->rlen != r->lay.irq_size)
			return RULE_MIG_STREAM_RECORD;
		if (r->irq_seen)
			return RULE_MIG_STREAM_DUP;
		break;
	case MIG_REC_END:
		if (r->rregion || r->roff || r->rlen != 4)
			return RULE_MIG_STREAM_RECORD;
		break;
	default:
		return RULE_MIG_STREAM_RECORD;
	}
	if (r->rtype != MIG_REC_END)
		r->crc = mig_crc(r->crc, h, MIG_STREAM_REC_SIZE);
	r->phase = RES_DATA;
	r->need = r->rlen;
	return 0;
}

static int resume_data(struct mig_resume *r)
{
	switch (r->rtype) {
	case MIG_REC_PAGE:
		memcpy(r->stage[r->rregion] + r->roff, r->unit, r->rlen);
		r->seen[r->rregion][r->roff / MIG_STREAM_PAGE] = 1;
		break;
	case MIG_REC_CONFIG:
		memcpy(r->cfg, r->unit, r->rlen);
		r->cfg_seen = true;
		break;
	case MIG_REC_IRQ:
		memcpy(r->irq, r->unit, r->rlen);
		r->irq_seen = true;
		break;
	case MIG_REC_END:
		/* Fault mig-corrupt-accepted: the checksum is not compared.
		 * Every other check (records, lengths, duplicates) still runs,
		 * so the bytes loaded are in bounds, just possibly not the
		 * bytes that were saved. */
		if (get_le32(r->unit) != r->crc &&
		    !(r->dev && vfsim_fault_on(r->dev->faults, VFSIM_FAULT_MIG_CORRUPT_ACCEPTED)))
			return RULE_MIG_STREAM_CRC;
		r->phase = RES_DONE;
		r->need = 0;
		return 0;
	}
	r->crc = mig_crc(r->crc, r->unit, r->rlen);
	r->phase = RES_RECHDR;
	r->need = MIG_STREAM_REC_SIZE;
	return 0;
}

static int resume_unit(struct mig_resume *r)
{
	switch (r->phase) {
	case RES_HDR:
		return resume_header(r);
	case RES_RECHDR:
		return resume_rechdr(r);
	case RES_DATA:
		return resume_data(r);
	case RES_DONE:
		break;
	}
	return 0;
}

ssize_t mig_resume_write(struct mig_resume *r, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t done = 0;
	int rule;

	if (!len)
		return 0;
	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	if (r->phase == RES_DONE || len > r->cap - r->total)
		return vfsim_reject(RULE_MIG_RESUME_OVERSIZE, -ENOMEM);
	if (r->bad_rule) {
		r->total += len;
		return vfsim_reject(r->bad_rule, -EFAULT);
	}
	/* Every pass consumes at least one byte or completes a unit whose
	 * successor needs at least one byte: bounded by len. */
	while (done < len && r->phase != RES_DONE) {
		size_t n = r->need - r->have;

		if (n > len - done)
			n = len - done;
		memcpy(r->unit + r->have, p + done, n);
		r->have += n;
		done += n;
		r->total += n;
		if (r->have < r->need)
			break;
		r->have = 0;
		rule = resume_unit(r);
		if (rule) {
			/* mtty: a bad image fails the write but its bytes count. */
			r->bad_rule = rule;
			r->total += len - done;
			return vfsim_reject(rule, -EFAULT);
		}
	}
	return done;
}

static bool resume_complete(const struct mig_resume *r)
{
	uint64_t pg;
	unsigned i;

	if ((r->lay.cfg_size && !r->cfg_seen) || (r->lay.irq_size && !r->irq_seen))
		return false;
	for (i = 0; i < r->lay.nregions; i++)
		for (pg = 0; pg < mig_npages(r->lay.size[i]); pg++)
			if (!r->seen[i][pg])
				return false;
	return true;
}

int mig_resume_load(struct mig_resume *r)
{
	struct vfsim_dev *dev = r->dev;
	struct mig_layout now;
	uint8_t *old_irq = NULL;
	unsigned i;
	int err;

	if (r->bad_rule)
		return vfsim_reject(r->bad_rule, -EINVAL);
	if (r->phase != RES_DONE)
		return vfsim_reject(RULE_MIG_STREAM_SHORT, -EINVAL);
	if (!resume_complete(r))
		return vfsim_reject(RULE_MIG_STREAM_INCOMPLETE, -EINVAL);
	/* The device must still be the one the session was opened on. */
	err = mig_layout_get(dev, &now);
	if (err < 0)
		return err;
	if (memcmp(now.size, r->lay.size, sizeof(now.size)) || now.cfg_size != r->lay.cfg_size ||
	    now.irq_size != r->lay.irq_size || now.nregions != r->lay.nregions)
		return vfsim_reject(RULE_MIG_STREAM_DEVICE, -EINVAL);

	/* Commit in the order that can be undone: IRQ (backed up first), then
	 * config, then plain memory copies that cannot fail. */
	if (r->lay.irq_size) {
		old_irq = malloc(r->lay.irq_size);
		if (!old_irq)
			return -ENOMEM;
		irq_save(dev->irq, old_irq);
		err = irq_load(dev->irq, r->irq, r->lay.irq_size);
		if (err < 0)
			goto refused;
	}
	if (r->lay.cfg_size) {
		err = cfg_load(dev->cfg, r->cfg, r->lay.cfg_size);
		if (err < 0) {
			if (old_irq)
				irq_load(dev->irq, old_irq, r->lay.irq_size);
			goto refused;
		}
	}
	for (i = 0; i < r->lay.nregions; i++)
		if (r->lay.size[i])
			memcpy(now.mem[i], r->stage[i], r->lay.size[i]);
	free(old_irq);
	return 0;
refused:
	free(old_irq);
	return vfsim_reject(RULE_MIG_STREAM_LOAD, -EINVAL);
}
