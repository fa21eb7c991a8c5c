/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DEVICE_FEATURE and the migration data commands of the vfio-user server
 * (digest §3.13-3.15, §4.4, §4.6): MIGRATION, MIG_DEVICE_STATE (data_fd
 * unused), MIG_DATA_SIZE, DMA_LOGGING_START/STOP/REPORT over mig.h and
 * dmalog.h, and MIG_DATA_READ/WRITE on the data session the last SET of
 * MIG_DEVICE_STATE opened.
 *
 * Where vfio-user and the kernel differ, vfio-user wins: an unsupported
 * feature is EINVAL (libvfio-user), not the kernel's ENOTTY; the P2P
 * states do not exist on the wire; START with no ranges logs every DMA
 * window the client has mapped; a REPORT's bitmap comes back in the reply.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vu-server.h"
#include "dev.h"
#include "dmalog.h"
#include "fault.h"
#include "mig.h"
#include "rules.h"

enum vu_srv_feat_needs { VU_SRV_NEEDS_MIG, VU_SRV_NEEDS_DMALOG };

struct vu_srv_feat {
	uint16_t index;
	uint32_t ops;		/* VFIO_DEVICE_FEATURE_GET / _SET supported */
	size_t in_size;		/* request data a GET or SET needs */
	enum vu_srv_feat_needs needs;
	/* @in/@inlen: the request's data; @argsz: its reply capacity. A GET
	 * fills the reply data after the 8-byte header; a SET leaves the
	 * reply to the caller (an echo) unless it builds one. */
	int (*fn)(struct vfsim_vu_server *s, uint32_t flags, const uint8_t *in, size_t inlen,
		  uint32_t argsz, struct vu_srv_reply *rep);
};

/* A GET reply: the 8-byte header (argsz = the total) and @len data bytes. */
static int vu_srv_feat_get_reply(struct vu_srv_reply *rep, uint32_t flags, uint32_t argsz,
				 size_t len, uint8_t **ret_data)
{
	struct vu_feature h = { .flags = flags };
	uint8_t *p = NULL;
	int r;

	if (len > UINT32_MAX - sizeof(h))
		return vfsim_reject(RULE_VU_SRV_FEAT_GET_ARGSZ, -EINVAL);
	h.argsz = (uint32_t)(sizeof(h) + len);
	/* libvfio-user: a GET whose argsz is too small is EINVAL (§1.9) */
	if (argsz < h.argsz)
		return vfsim_reject(RULE_VU_SRV_FEAT_GET_ARGSZ, -EINVAL);
	r = vu_srv_reply_alloc(rep, h.argsz, &p);
	if (r < 0)
		return r;
	memcpy(p, &h, sizeof(h));
	*ret_data = p + sizeof(h);
	return 0;
}

static int vu_srv_feat_migration(struct vfsim_vu_server *s, uint32_t flags, const uint8_t *in,
				 size_t inlen, uint32_t argsz, struct vu_srv_reply *rep)
{
	uint64_t mf = mig_flags(s->dev->mig) & ~(uint64_t)VFIO_MIGRATION_P2P;
	uint8_t *p = NULL;
	int r;

	r = vu_srv_feat_get_reply(rep, flags, argsz, sizeof(mf), &p);
	if (r < 0)
		return r;
	memcpy(p, &mf, sizeof(mf));
	return 0;
}

static int vu_srv_feat_state(struct vfsim_vu_server *s, uint32_t flags, const uint8_t *in,
			     size_t inlen, uint32_t argsz, struct vu_srv_reply *rep)
{
	struct vu_mig_state st;
	uint32_t session = 0;
	uint8_t *p = NULL;
	int r;

	if (flags & VFIO_DEVICE_FEATURE_GET) {
		st.device_state = mig_get_state(s->dev->mig);
		st.data_fd = UINT32_MAX;	/* unused in vfio-user: -1 */
		r = vu_srv_feat_get_reply(rep, flags, argsz, sizeof(st), &p);
		if (r < 0)
			return r;
		memcpy(p, &st, sizeof(st));
		return 0;
	}
	memcpy(&st, in, sizeof(st));
	/* §3.14: RUNNING_P2P and PRE_COPY_P2P are not vfio-user states. */
	if (st.device_state == VFIO_DEVICE_STATE_RUNNING_P2P ||
	    st.device_state == VFIO_DEVICE_STATE_PRE_COPY_P2P)
		return vfsim_reject(RULE_VU_SRV_FEAT_MIG_P2P, -EINVAL);
	r = mig_set_state(s->dev->mig, st.device_state, &session);
	if (r < 0)
		return r;
	if (session)
		s->mig_session = session;
	return 0;
}

static int vu_srv_feat_data_size(struct vfsim_vu_server *s, uint32_t flags, const uint8_t *in,
				 size_t inlen, uint32_t argsz, struct vu_srv_reply *rep)
{
	uint64_t len = 0;
	uint8_t *p = NULL;
	int r;

	r = mig_data_size(s->dev->mig, &len);
	if (r < 0)
		return r;
	r = vu_srv_feat_get_reply(rep, flags, argsz, sizeof(len), &p);
	if (r < 0)
		return r;
	memcpy(p, &len, sizeof(len));
	return 0;
}

static int vu_srv_feat_log_start(struct vfsim_vu_server *s, uint32_t flags, const uint8_t *in,
				 size_t inlen, uint32_t argsz, struct vu_srv_reply *rep)
{
	struct vfio_device_feature_dma_logging_control ctl = { 0 };
	struct vfio_device_feature_dma_logging_range *ranges = NULL;
	struct vu_log_control lc;
	uint8_t *p = NULL;
	unsigned i;
	int r;

	memcpy(&lc, in, sizeof(lc));
	if ((uint64_t)lc.num_ranges * sizeof(*ranges) > inlen - sizeof(lc))
		return vfsim_reject(RULE_VU_SRV_FEAT_SHORT, -EINVAL);
	ctl.page_size = lc.page_size;
	ctl.num_ranges = lc.num_ranges;
	if (lc.num_ranges) {
		ranges = malloc((size_t)lc.num_ranges * sizeof(*ranges));
		if (!ranges)
			return -ENOMEM;
		memcpy(ranges, in + sizeof(lc), (size_t)lc.num_ranges * sizeof(*ranges));
	} else {
		/* §3.13: no ranges = every window the client mapped */
		if (!s->nwins)
			return vfsim_reject(RULE_VU_SRV_FEAT_LOG_NO_WINDOWS, -EINVAL);
		ranges = malloc((size_t)s->nwins * sizeof(*ranges));
		if (!ranges)
			return -ENOMEM;
		for (i = 0; i < s->nwins; i++) {
			ranges[i].iova = s->wins[i].iova;
			ranges[i].length = s->wins[i].size;
		}
		ctl.num_ranges = s->nwins;
	}
	ctl.ranges = (uintptr_t)ranges;
	r = dmalog_start(s->dev->dmalog, &ctl);
	free(ranges);
	if (r < 0)
		return r;
	/* The echo carries the page size the device chose. */
	r = vu_srv_reply_alloc(rep, sizeof(struct vu_feature) + inlen, &p);
	if (r < 0)
		return r;
	memcpy(p + sizeof(struct vu_feature), in, inlen);
	lc.page_size = ctl.page_size;
	memcpy(p + sizeof(struct vu_feature), &lc, sizeof(lc));
	return 1;	/* header filled by the caller */
}

static int vu_srv_feat_log_stop(struct vfsim_vu_server *s, uint32_t flags, const uint8_t *in,
				size_t inlen, uint32_t argsz, struct vu_srv_reply *rep)
{
	return dmalog_stop(s->dev->dmalog);
}

static int vu_srv_feat_log_report(struct vfsim_vu_server *s, uint32_t flags, const uint8_t *in,
				  size_t inlen, uint32_t argsz, struct vu_srv_reply *rep)
{
	struct vfio_device_feature_dma_logging_report kr = { 0 };
	struct vu_log_report lr;
	uint64_t nbits = 0, bytes;
	uint8_t *p = NULL;
	int r;

	memcpy(&lr, in, sizeof(lr));
	if (!lr.page_size || (lr.page_size & (lr.page_size - 1)))
		return vfsim_reject(RULE_VU_SRV_FEAT_LOG_PAGE_SIZE, -EINVAL);
	if (lr.length)
		nbits = ((lr.length - 1) >> __builtin_ctzll(lr.page_size)) + 1;
	/* ceil(pages / 64) u64 words (§3.13), no larger than the client takes */
	bytes = ((nbits + 63) / 64) * 8;
	if (bytes > s->peer.max_data_xfer_size)
		return vfsim_reject(RULE_VU_SRV_FEAT_LOG_BITMAP_SIZE, -E2BIG);
	r = vu_srv_feat_get_reply(rep, flags, argsz, sizeof(lr) + bytes, &p);
	if (r < 0)
		return r;
	memcpy(p, &lr, sizeof(lr));
	kr.iova = lr.iova;
	kr.length = lr.length;
	kr.page_size = lr.page_size;
	kr.bitmap = (uintptr_t)(p + sizeof(lr));	/* 8-aligned: reply buffers are */
	return dmalog_report(s->dev->dmalog, &kr);
}

#define G VFIO_DEVICE_FEATURE_GET
#define S VFIO_DEVICE_FEATURE_SET

static const struct vu_srv_feat vu_srv_feats[] = {
	{ VFIO_DEVICE_FEATURE_MIGRATION, G, 0, VU_SRV_NEEDS_MIG, vu_srv_feat_migration },
	{ VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, G | S, sizeof(struct vu_mig_state), VU_SRV_NEEDS_MIG,
	  vu_srv_feat_state },
	{ VFIO_DEVICE_FEATURE_DMA_LOGGING_START, S, sizeof(struct vu_log_control), VU_SRV_NEEDS_DMALOG,
	  vu_srv_feat_log_start },
	{ VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP, S, 0, VU_SRV_NEEDS_DMALOG, vu_srv_feat_log_stop },
	{ VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, G, sizeof(struct vu_log_report), VU_SRV_NEEDS_DMALOG,
	  vu_srv_feat_log_report },
	{ VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, G, 0, VU_SRV_NEEDS_MIG, vu_srv_feat_data_size },
};

#undef G
#undef S

int vu_srv_feature(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep)
{
	const uint32_t known = VFIO_DEVICE_FEATURE_MASK | VFIO_DEVICE_FEATURE_GET |
			       VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PROBE;
	const uint32_t getset = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET;
	const struct vu_srv_feat *f = NULL;
	struct vu_feature h;
	size_t i, inlen = m->len - sizeof(h);
	const uint8_t *in = m->payload + sizeof(h);
	bool supported;
	int r;

	memcpy(&h, m->payload, sizeof(h));
	if (h.argsz < sizeof(h))
		return vfsim_reject(RULE_VU_SRV_FEAT_ARGSZ, -EINVAL);
	if (h.flags & ~known)
		return vfsim_reject(RULE_VU_SRV_FEAT_FLAGS, -EINVAL);
	if (!(h.flags & VFIO_DEVICE_FEATURE_PROBE) && (h.flags & getset) == getset)
		return vfsim_reject(RULE_VU_SRV_FEAT_GET_AND_SET, -EINVAL);
	for (i = 0; i < sizeof(vu_srv_feats) / sizeof(vu_srv_feats[0]); i++)
		if (vu_srv_feats[i].index == (h.flags & VFIO_DEVICE_FEATURE_MASK))
			f = &vu_srv_feats[i];
	supported = f && (f->needs == VU_SRV_NEEDS_MIG ? s->dev->mig != NULL : s->dev->dmalog != NULL);
	if (!supported)
		return vfsim_reject(RULE_VU_SRV_FEAT_UNSUPPORTED, -EINVAL);
	if ((h.flags & getset) & ~f->ops)
		return vfsim_reject(RULE_VU_SRV_FEAT_OP, -EINVAL);
	if (!(h.flags & getset) && !(h.flags & VFIO_DEVICE_FEATURE_PROBE))
		return vfsim_reject(RULE_VU_SRV_FEAT_NO_OP, -EINVAL);
	/* SET and PROBE answer with an echo: argsz must hold the request. */
	if (!(h.flags & VFIO_DEVICE_FEATURE_GET) || (h.flags & VFIO_DEVICE_FEATURE_PROBE)) {
		if (h.argsz < m->len)
			return vfsim_reject(RULE_VU_SRV_FEAT_ARGSZ, -EINVAL);
	}
	if (h.flags & VFIO_DEVICE_FEATURE_PROBE)
		return vu_srv_reply_echo(rep, m, m->len);
	/* A GET of MIG_DEVICE_STATE carries no input; SET and REPORT do. */
	if (((h.flags & VFIO_DEVICE_FEATURE_SET) || f->ops == VFIO_DEVICE_FEATURE_GET) &&
	    inlen < f->in_size)
		return vfsim_reject(RULE_VU_SRV_FEAT_SHORT, -EINVAL);
	r = f->fn(s, h.flags, in, inlen, h.argsz, rep);
	if (r < 0)
		return r;
	if (r == 1) {
		memcpy(rep->payload, &h, sizeof(h));
		return 0;
	}
	if (h.flags & VFIO_DEVICE_FEATURE_SET)
		return vu_srv_reply_echo(rep, m, m->len);
	return 0;
}

/* ---- MIG_DATA_READ / MIG_DATA_WRITE ------------------------------------------------ */

/* Fault mig-data-running: MIG_DATA_READ outside a saving state answers
 * with up to VU_SRV_MIG_RUNNING_BYTES zero bytes (what a server reading a
 * stale buffer would send) instead of an error. The size and argsz checks
 * still bound the reply. */
#define VU_SRV_MIG_RUNNING_BYTES 16u

static int vu_srv_mig_read_running(struct vfsim_vu_server *s, struct vu_mig_data *d,
				   struct vu_srv_reply *rep)
{
	uint32_t n = d->size < VU_SRV_MIG_RUNNING_BYTES ? d->size : VU_SRV_MIG_RUNNING_BYTES;
	uint8_t *p = NULL;
	int r;

	if (d->size > s->peer.max_data_xfer_size)
		return vfsim_reject(RULE_VU_SRV_MIG_SIZE, -EINVAL);
	if (d->argsz < sizeof(*d) + (uint64_t)d->size)
		return vfsim_reject(RULE_VU_SRV_MIG_ARGSZ, -EINVAL);
	r = vu_srv_reply_alloc(rep, sizeof(*d) + n, &p);
	if (r < 0)
		return r;
	d->argsz = (uint32_t)sizeof(*d) + n;
	d->size = n;
	memcpy(p, d, sizeof(*d));
	return 0;
}

int vu_srv_mig_read(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep)
{
	struct vu_mig_data d;
	uint32_t state, n = 0;
	uint8_t *p = NULL;
	int r;

	memcpy(&d, m->payload, sizeof(d));
	if (!s->dev->mig)
		return vfsim_reject(RULE_VU_SRV_MIG_NONE, -EINVAL);
	state = mig_get_state(s->dev->mig);
	if (state == VFIO_DEVICE_STATE_RUNNING &&
	    vfsim_fault_on(s->cfg.faults, VFSIM_FAULT_MIG_DATA_RUNNING))
		return vu_srv_mig_read_running(s, &d, rep);
	if (state != VFIO_DEVICE_STATE_PRE_COPY && state != VFIO_DEVICE_STATE_STOP_COPY)
		return vfsim_reject(RULE_VU_SRV_MIG_STATE, -EINVAL);
	/* the reply's data goes to the client: its limit */
	if (d.size > s->peer.max_data_xfer_size)
		return vfsim_reject(RULE_VU_SRV_MIG_SIZE, -EINVAL);
	if (d.argsz < sizeof(d) + (uint64_t)d.size)
		return vfsim_reject(RULE_VU_SRV_MIG_ARGSZ, -EINVAL);
	if (!s->mig_session)
		return vfsim_reject(RULE_VU_SRV_MIG_SESSION, -EINVAL);
	r = vu_srv_reply_alloc(rep, sizeof(d) + d.size, &p);
	if (r < 0)
		return r;
	/* Each turn makes progress or ends: at most d.size turns. */
	while (n < d.size) {
		ssize_t got = mig_read(s->dev->mig, s->mig_session, p + sizeof(d) + n, d.size - n);

		if (got == 0 || got == -ENOMSG)
			break;	/* end of stream, or PRE_COPY's "no more for now" */
		if (got < 0)
			return (int)got;
		n += (uint32_t)got;
	}
	/* §3.15: a short size tells the client the stream is drained */
	d.argsz = (uint32_t)sizeof(d) + n;
	d.size = n;
	memcpy(p, &d, sizeof(d));
	rep->len = d.argsz;
	return 0;
}

int vu_srv_mig_write(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep)
{
	struct vu_mig_data d;
	uint32_t n = 0;

	memcpy(&d, m->payload, sizeof(d));
	if (!s->dev->mig)
		return vfsim_reject(RULE_VU_SRV_MIG_NONE, -EINVAL);
	if (mig_get_state(s->dev->mig) != VFIO_DEVICE_STATE_RESUMING)
		return vfsim_reject(RULE_VU_SRV_MIG_STATE, -EINVAL);
	if (d.size > s->own.max_data_xfer_size)
		return vfsim_reject(RULE_VU_SRV_MIG_SIZE, -EINVAL);
	if (d.argsz < sizeof(d) + (uint64_t)d.size || m->len - sizeof(d) != d.size)
		return vfsim_reject(RULE_VU_SRV_MIG_ARGSZ, -EINVAL);
	if (!s->mig_session)
		return vfsim_reject(RULE_VU_SRV_MIG_SESSION, -EINVAL);
	while (n < d.size) {
		ssize_t put = mig_write(s->dev->mig, s->mig_session, m->payload + sizeof(d) + n,
					d.size - n);

		if (put < 0)
			return (int)put;
		if (put == 0)
			return vfsim_reject(RULE_VU_SRV_MIG_WRITE_SHORT, -EIO);
		n += (uint32_t)put;
	}
	return 0;
}
