/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Device and region commands of the vfio-user server (digest §3.4-3.6,
 * §3.9, §3.11, §3.12, §4.1): DEVICE_GET_INFO, DEVICE_GET_REGION_INFO with
 * its capability chain and the region's memfd, DEVICE_GET_REGION_IO_FDS,
 * REGION_READ/REGION_WRITE/REGION_WRITE_MULTI through region_rw (which
 * runs the device: config space, MSI-X table, the DMA engine's doorbell),
 * and DEVICE_RESET.
 *
 * Every region has its own memfd, so a region's mmap offset is 0 and an
 * area's is its offset inside the region.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vu-server.h"
#include "caps.h"
#include "dev.h"
#include "irq.h"
#include "region.h"
#include "rules.h"

/* libvfio-user refuses larger argsz for GET_REGION_IO_FDS (§1.8). */
#define VU_SRV_IOFDS_MAX_ARGSZ (1u << 20)

int vu_srv_get_info(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep)
{
	struct vu_device_info info;
	uint8_t *p;
	int r;

	memcpy(&info, m->payload, sizeof(info));
	if (info.argsz < sizeof(info))
		return vfsim_reject(RULE_VU_SRV_INFO_ARGSZ, -EINVAL);
	info.argsz = sizeof(info);
	info.flags = VFIO_DEVICE_FLAGS_PCI;
	if (s->dev->prof.reset)
		info.flags |= VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = region_count(s->dev->regions);
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	r = vu_srv_reply_alloc(rep, sizeof(info), &p);
	if (r < 0)
		return r;
	memcpy(p, &info, sizeof(info));
	return 0;
}

int vu_srv_region_info(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep)
{
	struct vu_region_info info;
	const struct region *r;
	struct capbuf *cb;
	uint32_t need;
	uint8_t *p;
	int rc;

	memcpy(&info, m->payload, sizeof(info));
	if (info.argsz < sizeof(info))
		return vfsim_reject(RULE_VU_SRV_REGION_ARGSZ, -EINVAL);
	r = region_get(s->dev->regions, info.index);
	if (info.index >= region_count(s->dev->regions) || !r)
		return vfsim_reject(RULE_VU_SRV_REGION_INDEX, -EINVAL);

	cb = malloc(sizeof(*cb));
	if (!cb)
		return -ENOMEM;
	region_caps(r, cb, true);	/* libvfio-user: one area for a whole-mmap region */
	need = (uint32_t)(sizeof(info) + cb->len);
	/* Absent regions (VGA, unused BARs) answer size 0, flags 0 (§4.1). */
	info.flags = r->size ? r->flags & (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
					   VFIO_REGION_INFO_FLAG_MMAP) : 0;
	info.size = r->size;
	info.offset = 0;
	info.cap_offset = 0;
	if (info.argsz < need) {
		/* §1.9/§3.5: the fixed part, the argsz needed, no caps, no fd */
		info.argsz = need;
		rc = vu_srv_reply_alloc(rep, sizeof(info), &p);
		if (rc == 0)
			memcpy(p, &info, sizeof(info));
		free(cb);
		return rc;
	}
	info.argsz = need;
	if (cb->len) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		info.cap_offset = sizeof(info);
	}
	rc = vu_srv_reply_alloc(rep, need, &p);
	if (rc == 0) {
		memcpy(p, &info, sizeof(info));
		caps_copy_shifted(cb, p + sizeof(info), sizeof(info));
		/* the memfd stays ours: sent, not closed */
		if ((info.flags & VFIO_REGION_INFO_FLAG_MMAP) && r->memfd >= 0) {
			rep->fds[0] = r->memfd;
			rep->nfds = 1;
		}
	}
	free(cb);
	return rc;
}

/* The device has no ioeventfd areas (profiles do not describe any), so
 * every region answers count 0 and no fds, as libvfio-user does for a
 * region without them; the entry stride (40, or 48 with the IOFDS_48
 * quirk) only enters the argsz arithmetic. */
int vu_srv_io_fds(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep)
{
	const uint32_t entry = (s->cfg.quirks & VFSIM_VU_QUIRK_IOFDS_48) ?
			       sizeof(struct vu_ioeventfd_lvu) : sizeof(struct vu_ioeventfd_spec);
	const uint32_t nentries = 0;
	struct vu_io_fds_req req;
	const struct region *r;
	uint8_t *p;
	int rc;

	memcpy(&req, m->payload, sizeof(req));
	if (req.argsz < sizeof(req) || req.argsz > VU_SRV_IOFDS_MAX_ARGSZ)
		return vfsim_reject(RULE_VU_SRV_IOFDS_ARGSZ, -EINVAL);
	if (req.flags || req.count)
		return vfsim_reject(RULE_VU_SRV_IOFDS_FLAGS, -EINVAL);
	r = region_get(s->dev->regions, req.index);
	if (req.index >= region_count(s->dev->regions) || !r)
		return vfsim_reject(RULE_VU_SRV_IOFDS_INDEX, -EINVAL);
	if (!r->size || !(r->flags & (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE)))
		return vfsim_reject(RULE_VU_SRV_IOFDS_INDEX, -EINVAL);
	req.argsz = (uint32_t)sizeof(req) + nentries * entry;
	req.count = nentries;
	rc = vu_srv_reply_alloc(rep, sizeof(req), &p);
	if (rc < 0)
		return rc;
	memcpy(p, &req, sizeof(req));
	return 0;
}

/* Shared by REGION_READ/WRITE and each WRITE_MULTI entry. */
static int vu_srv_rw_check(struct vfsim_vu_server *s, uint32_t index, uint64_t off, uint64_t count)
{
	const struct region *r;

	if (count > s->own.max_data_xfer_size)
		return vfsim_reject(RULE_VU_SRV_RW_COUNT, -EINVAL);
	r = region_get(s->dev->regions, index);
	if (index >= region_count(s->dev->regions) || !r)
		return vfsim_reject(RULE_VU_SRV_RW_INDEX, -EINVAL);
	if (off > r->size || count > r->size - off)
		return vfsim_reject(RULE_VU_SRV_RW_RANGE, -EINVAL);
	return 0;
}

int vu_srv_region_read(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep)
{
	struct vu_region_access a;
	uint8_t *p;
	int rc;

	memcpy(&a, m->payload, sizeof(a));
	rc = vu_srv_rw_check(s, a.region, a.offset, a.count);
	if (rc < 0)
		return rc;
	rc = vu_srv_reply_alloc(rep, sizeof(a) + a.count, &p);
	if (rc < 0)
		return rc;
	/* count 0 is a success that echoes the request (§3.9, unlike
	 * libvfio-user's empty payload) */
	if (a.count) {
		rc = region_rw(s->dev, a.region, a.offset, p + sizeof(a), a.count, false);
		if (rc < 0)
			return rc;
	}
	memcpy(p, &a, sizeof(a));
	return 0;
}

int vu_srv_region_write(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep)
{
	struct vu_region_access a;
	int rc;

	memcpy(&a, m->payload, sizeof(a));
	if (m->len - sizeof(a) != a.count)
		return vfsim_reject(RULE_VU_SRV_RW_PAYLOAD, -EINVAL);
	rc = vu_srv_rw_check(s, a.region, a.offset, a.count);
	if (rc < 0)
		return rc;
	if (a.count) {
		rc = region_rw(s->dev, a.region, a.offset, m->payload + sizeof(a), a.count, true);
		if (rc < 0)
			return rc;
	}
	return vu_srv_reply_echo(rep, m, sizeof(a));
}

int vu_srv_write_multi(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep)
{
	struct vu_wr_multi hdr;
	uint64_t i;
	uint8_t *p;
	int rc;

	/* §3.12: only when we advertised write_multiple */
	if (!s->own.write_multiple)
		return vfsim_reject(RULE_VU_SRV_WM_DISABLED, -EINVAL);
	memcpy(&hdr, m->payload, sizeof(hdr));
	if (!hdr.wr_cnt || hdr.wr_cnt > (m->len - sizeof(hdr)) / sizeof(struct vu_wr_one) ||
	    m->len - sizeof(hdr) != hdr.wr_cnt * sizeof(struct vu_wr_one))
		return vfsim_reject(RULE_VU_SRV_WM_COUNT, -EINVAL);
	for (i = 0; i < hdr.wr_cnt; i++) {
		struct vu_wr_one w;

		memcpy(&w, m->payload + sizeof(hdr) + i * sizeof(w), sizeof(w));
		if (w.count > sizeof(w.data))
			return vfsim_reject(RULE_VU_SRV_WM_ENTRY, -EINVAL);
		rc = vu_srv_rw_check(s, w.region, w.offset, w.count);
		if (rc < 0)
			return rc;
		if (w.count) {
			/* applied in array order, like wr_cnt REGION_WRITEs */
			rc = region_rw(s->dev, w.region, w.offset, w.data, w.count, true);
			if (rc < 0)
				return rc;
		}
	}
	rc = vu_srv_reply_alloc(rep, sizeof(hdr), &p);
	if (rc < 0)
		return rc;
	memcpy(p, &hdr, sizeof(hdr));
	return 0;
}

int vu_srv_reset(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep)
{
	if (!s->dev->prof.reset)
		return vfsim_reject(RULE_VU_SRV_RESET_UNSUPPORTED, -EINVAL);
	/* §3.11/§4.5: DMA windows and IRQ eventfds stay; every migration
	 * data session is closed by the reset. */
	s->mig_session = 0;
	return vfsim_dev_reset(s->dev);
}
