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
 *
 * ioeventfds (§3.6): the profile names registers of a BAR (prof_ioeventfd)
 * that a client may wire into KVM as ioeventfds, so that a guest write
 * there signals an eventfd instead of sending REGION_WRITE. The server
 * creates one eventfd per register the first time GET_REGION_IO_FDS
 * hands the BAR's out (the same fds on every later request of this
 * client), watches it in its epoll set, and closes it at detach: a new
 * client never shares an eventfd with an old one, and what an old client
 * still holds reaches no one. When one is signalled the server performs
 * the register's write through region_rw, as the device would see the
 * guest's write: the datamatch value when the register has one (KVM
 * signals only for that value), else the value 1, since KVM drops the
 * value written and a doorbell's "rung" is all the eventfd tells. Signals
 * that accumulate in the eventfd before the server reads it make one
 * write, as KVM's counter coalesces them for any eventfd reader.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vu-server.h"
#include "caps.h"
#include "dev.h"
#include "fault.h"
#include "irq.h"
#include "region.h"
#include "rules.h"

/* libvfio-user refuses larger argsz for GET_REGION_IO_FDS (§1.8). */
#define VU_SRV_IOFDS_MAX_ARGSZ (1u << 20)
/* §3.6 entry fields, transcribed from the spec (and linux/kvm.h). */
#define VU_SRV_IOFD_TYPE_IOEVENTFD 0u
#define VU_SRV_KVM_IOEVENTFD_FLAG_DATAMATCH 1u
#define VU_SRV_KVM_IOEVENTFD_FLAG_PIO 2u

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
		/* §1.9/§3.5: the fixed part, the argsz needed, no caps, no fd
		 * (fault caps-truncated: argsz left as the client wrote it, so
		 * nothing says that caps were dropped) */
		if (!cb->len || !vfsim_fault_on(s->cfg.faults, VFSIM_FAULT_CAPS_TRUNCATED))
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
		/* Fault cap-next-backwards: the chain loops. */
		if (vfsim_fault_on(s->cfg.faults, VFSIM_FAULT_CAP_NEXT_BACKWARDS))
			caps_loop_back(cb, p + sizeof(info), sizeof(info));
		/* the memfd stays ours: sent, not closed */
		if ((info.flags & VFIO_REGION_INFO_FLAG_MMAP) && r->memfd >= 0) {
			rep->fds[0] = r->memfd;
			rep->nfds = 1;
		}
	}
	free(cb);
	return rc;
}

/* The eventfds of BAR @bar's registers, created the first time. */
static int vu_srv_ioev_open(struct vfsim_vu_server *s, unsigned bar)
{
	const struct prof_bar *b = &s->dev->prof.bars[bar];
	unsigned j;
	int fd, r;

	for (j = 0; j < b->nioeventfds && j < VFSIM_MAX_IOEVENTFDS; j++) {
		if (s->ioev[bar][j] >= 0)
			continue;
		/* Non-blocking: the drain must never wait. The client's copy
		 * shares the flag; a signaller does not care. */
		fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (fd < 0)
			return -errno;
		r = vu_srv_watch(s, fd, VU_SRV_EV_IOEVENTFD + bar * VFSIM_MAX_IOEVENTFDS + j);
		if (r < 0) {
			close(fd);
			return r;
		}
		s->ioev[bar][j] = fd;
		s->nioev++;
	}
	return 0;
}

void vu_srv_ioev_release(struct vfsim_vu_server *s)
{
	unsigned i, j;

	for (i = 0; i < 6; i++) {
		for (j = 0; j < VFSIM_MAX_IOEVENTFDS; j++) {
			if (s->ioev[i][j] < 0)
				continue;
			vu_srv_unwatch(s, s->ioev[i][j]);
			close(s->ioev[i][j]);
			s->ioev[i][j] = -1;
		}
	}
	s->nioev = 0;
}

void vu_srv_ioev_drain(struct vfsim_vu_server *s, uint32_t tag)
{
	unsigned bar = tag / VFSIM_MAX_IOEVENTFDS, j = tag % VFSIM_MAX_IOEVENTFDS, i;
	const struct prof_ioeventfd *e;
	uint8_t le[8];
	uint64_t v;

	if (bar >= 6 || j >= s->dev->prof.bars[bar].nioeventfds || s->ioev[bar][j] < 0)
		return;
	/* -EAGAIN: another reader (the client holds a copy) took it first */
	if (read(s->ioev[bar][j], &v, sizeof(v)) != (ssize_t)sizeof(v))
		return;
	e = &s->dev->prof.bars[bar].ioeventfds[j];
	v = e->has_datamatch ? e->datamatch : 1;
	for (i = 0; i < 8; i++)
		le[i] = (uint8_t)(v >> (8 * i));
	/* A write KVM completed for the guest has no one to fail to. */
	(void)region_rw(s->dev, bar, e->offset, le, e->size, true);
}

/* One entry of the reply in the spec's 40-byte layout or, with the
 * IOFDS_48 quirk, libvfio-user's 48 (type 0 leaves its shadow fields 0). */
static void vu_srv_iofds_entry(const struct vfsim_vu_server *s, uint8_t *p, const struct prof_ioeventfd *e,
			       bool io, uint32_t fd_index)
{
	uint32_t flags = (e->has_datamatch ? VU_SRV_KVM_IOEVENTFD_FLAG_DATAMATCH : 0) |
			 (io ? VU_SRV_KVM_IOEVENTFD_FLAG_PIO : 0);
	uint64_t datamatch = e->has_datamatch ? e->datamatch : 0;

	if (s->cfg.quirks & VFSIM_VU_QUIRK_IOFDS_48) {
		struct vu_ioeventfd_lvu l = {
			.gpa_offset = e->offset, .size = e->size, .fd_index = fd_index,
			.type = VU_SRV_IOFD_TYPE_IOEVENTFD, .flags = flags, .datamatch = datamatch,
		};

		memcpy(p, &l, sizeof(l));
	} else {
		struct vu_ioeventfd_spec x = {
			.offset = e->offset, .size = e->size, .fd_index = fd_index,
			.type = VU_SRV_IOFD_TYPE_IOEVENTFD, .flags = flags, .datamatch = datamatch,
		};

		memcpy(p, &x, sizeof(x));
	}
}

/*
 * §3.6 with libvfio-user's argsz rules: the reply's argsz is 16 plus one
 * entry per register; a request argsz below that gets the fixed part with
 * that argsz and count, no entries and no fds, so the client can retry.
 * Each entry has its own fd (fd_index i). Regions other than BARs have no
 * registers and answer count 0.
 */
int vu_srv_io_fds(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep)
{
	const uint32_t entry = (s->cfg.quirks & VFSIM_VU_QUIRK_IOFDS_48) ?
			       sizeof(struct vu_ioeventfd_lvu) : sizeof(struct vu_ioeventfd_spec);
	const struct prof_bar *b = NULL;
	struct vu_io_fds_req req;
	const struct region *r;
	uint32_t n = 0, need, i;
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
	if (req.index <= VFIO_PCI_BAR5_REGION_INDEX) {
		b = &s->dev->prof.bars[req.index];
		n = b->nioeventfds <= VU_SRV_REPLY_FDS ? b->nioeventfds : VU_SRV_REPLY_FDS;
	}
	need = (uint32_t)sizeof(req) + n * entry;
	req.count = n;
	if (req.argsz < need || !n) {
		req.argsz = need;
		rc = vu_srv_reply_alloc(rep, sizeof(req), &p);
		if (rc == 0)
			memcpy(p, &req, sizeof(req));
		return rc;
	}
	/* §1.1: max_msg_fds is what the receiver takes with one message. */
	if (n > s->peer.max_msg_fds)
		return vfsim_reject(RULE_VU_SRV_IOFDS_PEER_FDS, -E2BIG);
	rc = vu_srv_ioev_open(s, req.index);
	if (rc < 0)
		return rc;
	req.argsz = need;
	rc = vu_srv_reply_alloc(rep, need, &p);
	if (rc < 0)
		return rc;
	memcpy(p, &req, sizeof(req));
	for (i = 0; i < n; i++) {
		vu_srv_iofds_entry(s, p + sizeof(req) + i * entry, &b->ioeventfds[i], b->io, i);
		/* ours, kept open: sent, not closed (own_fds stays false) */
		rep->fds[i] = s->ioev[req.index][i];
	}
	rep->nfds = n;
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
	/* Fault region-oob: past the end is let through; region_rw
	 * (dev->faults) answers the outside part with 0xff or drops it. */
	if ((off > r->size || count > r->size - off) &&
	    !vfsim_fault_on(s->cfg.faults, VFSIM_FAULT_REGION_OOB))
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
	/* Fault region-read-count: one byte short, and the count says so. */
	if (a.count > 1 && vfsim_fault_on(s->cfg.faults, VFSIM_FAULT_REGION_READ_COUNT))
		a.count--;
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
