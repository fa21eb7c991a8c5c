/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The client->server commands of the public client API (§3): each builds its
 * request, lets vu_cli_call validate the reply (vu_check_reply: echo, sizes,
 * counts, capability chains), and checks what only the caller's request
 * can tell (the echoed index, region and offset). Transfers are split by
 * the server's limits: region and migration data by max_data_xfer_size
 * (§1.8), SET_IRQS eventfds by max_msg_fds (§1.1). Three client faults
 * (sim/faults.def) bend those rules here: client-fds-over-max,
 * client-xfer-over-max and client-no-reply-read.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "fault.h"
#include "rules.h"
#include "vu-client.h"

int vfsim_vu_client_get_info(struct vfsim_vu_client *c, uint32_t *ret_flags, uint32_t *ret_num_regions,
			     uint32_t *ret_num_irqs)
{
	struct vu_device_info req = { .argsz = sizeof(req) }, rep;
	struct vu_msg m;
	int r;

	vfsim_reject_clear();
	r = vu_cli_call(c, VU_CMD_DEVICE_GET_INFO, &req, sizeof(req), NULL, 0, &m);
	if (r < 0)
		return r;
	memcpy(&rep, m.payload, sizeof(rep));
	vu_msg_release(&m);
	if (rep.num_regions > VU_CLI_MAX_REGIONS || rep.num_irqs > VU_CLI_MAX_IRQS)
		return vfsim_reject(RULE_VU_CLI_INFO_COUNTS, -EPROTO);
	if (ret_flags)
		*ret_flags = rep.flags;
	if (ret_num_regions)
		*ret_num_regions = rep.num_regions;
	if (ret_num_irqs)
		*ret_num_irqs = rep.num_irqs;
	return 0;
}

/* One GET_REGION_INFO asking for @argsz bytes; the reply stays in @m. */
static int vu_cli_region_info_once(struct vfsim_vu_client *c, uint32_t index, uint32_t argsz,
				   struct vu_msg *m, struct vu_region_info *ret)
{
	struct vu_region_info req = { .argsz = argsz, .index = index };
	int r = vu_cli_call(c, VU_CMD_DEVICE_GET_REGION_INFO, &req, sizeof(req), NULL, 0, m);

	if (r < 0)
		return r;
	memcpy(ret, m->payload, sizeof(*ret));
	if (ret->index != index) {
		vu_msg_release(m);
		return vfsim_reject(RULE_VU_CLI_REPLY_ECHO, -EPROTO);
	}
	return 0;
}

/* The argsz retry (§1.9): ask for the fixed part as QEMU does; a reply whose
 * argsz is larger names the size the whole chain needs, which we ask for if
 * it fits the caller's buffer (and our bound), at most twice. If it does
 * not fit, the caller gets the fixed part with argsz = needed, as the
 * kernel's VFIO_DEVICE_GET_REGION_INFO does. */
int vfsim_vu_client_get_region_info(struct vfsim_vu_client *c, uint32_t index, void *buf, size_t buflen,
				    int *ret_fd)
{
	uint32_t cap = buflen < VU_CLI_MAX_INFO ? (uint32_t)buflen : VU_CLI_MAX_INFO;
	uint32_t argsz = VU_CLI_REGION_FIRST_ARGSZ;
	struct vu_region_info ri;
	struct vu_msg m;
	unsigned attempt;
	int r;

	vfsim_reject_clear();
	if (ret_fd)
		*ret_fd = -1;
	if (!buf || buflen < sizeof(struct vu_region_info))
		return vfsim_reject(RULE_VU_CLI_ARG_BUF, -EINVAL);
	for (attempt = 0; attempt < VU_CLI_REGION_ATTEMPTS; attempt++) {
		r = vu_cli_region_info_once(c, index, argsz, &m, &ri);
		if (r < 0)
			return r;
		if (ri.argsz <= argsz)
			break;
		if (ri.argsz > cap) {
			/* The caller's buffer cannot hold the chain. */
			if (ri.argsz > VU_CLI_MAX_INFO) {
				vu_msg_release(&m);
				return vfsim_reject(RULE_VU_CLI_REGION_RETRY, -EPROTO);
			}
			memcpy(buf, &ri, sizeof(ri));
			vu_msg_release(&m);
			return sizeof(ri);
		}
		argsz = ri.argsz;
		vu_msg_release(&m);
	}
	if (attempt == VU_CLI_REGION_ATTEMPTS)
		return vfsim_reject(RULE_VU_CLI_REGION_RETRY, -EPROTO);
	if (m.len > argsz) {
		vu_msg_release(&m);
		return vfsim_reject(RULE_VU_CLI_REPLY_TOO_BIG, -EPROTO);
	}
	memcpy(buf, m.payload, m.len);
	r = (int)m.len;
	/* The fd is the region's mmap fd only when MMAP is set (§3.5). */
	if (m.nfds == 1 && (ri.flags & VFIO_REGION_INFO_FLAG_MMAP) && ret_fd) {
		*ret_fd = m.fds[0];
		m.fds[0] = -1;
	}
	vu_msg_release(&m);
	return r;
}

int vfsim_vu_client_get_irq_info(struct vfsim_vu_client *c, uint32_t index, uint32_t *ret_flags,
				 uint32_t *ret_count)
{
	struct vu_irq_info req = { .argsz = sizeof(req), .index = index }, rep;
	struct vu_msg m;
	int r;

	vfsim_reject_clear();
	r = vu_cli_call(c, VU_CMD_DEVICE_GET_IRQ_INFO, &req, sizeof(req), NULL, 0, &m);
	if (r < 0)
		return r;
	memcpy(&rep, m.payload, sizeof(rep));
	vu_msg_release(&m);
	if (rep.index != index)
		return vfsim_reject(RULE_VU_CLI_REPLY_ECHO, -EPROTO);
	if (ret_flags)
		*ret_flags = rep.flags;
	if (ret_count)
		*ret_count = rep.count;
	return 0;
}

static int vu_cli_irq_send(struct vfsim_vu_client *c, uint32_t flags, uint32_t index, uint32_t start,
			   uint32_t count, const int *fds, unsigned nfds)
{
	struct vu_irq_set req = {
		.argsz = sizeof(req),	/* fds are not payload (§1.9) */
		.flags = flags,
		.index = index,
		.start = start,
		.count = count,
	};

	return vu_cli_call_noreply(c, VU_CMD_DEVICE_SET_IRQS, &req, sizeof(req), fds, nfds);
}

/* Eventfds: SCM_RIGHTS cannot carry -1, so runs of valid fds go in chunks
 * of the server's max_msg_fds and runs of -1 as 0-fd de-assign messages,
 * as QEMU does (§3.8). */
static int vu_cli_irq_eventfds(struct vfsim_vu_client *c, uint32_t flags, uint32_t index, uint32_t start,
			       uint32_t count, const int *fds)
{
	unsigned per = c->peer.max_msg_fds < VU_MAX_FDS_PER_MSG ? c->peer.max_msg_fds : VU_MAX_FDS_PER_MSG;
	uint32_t i = 0;

	/* Fault client-fds-over-max: one message with every eventfd, as many
	 * as one sendmsg of ours carries, whatever the server can receive. */
	if (vfsim_fault_on(c->faults, VFSIM_FAULT_CLIENT_FDS_OVER_MAX))
		per = VU_MAX_FDS_PER_MSG;

	if (!fds || count == 0)
		return vu_cli_irq_send(c, flags, index, start, count, NULL, 0);
	while (i < count) {
		uint32_t n = 0;
		int r;

		if (fds[i] < 0) {
			while (i + n < count && fds[i + n] < 0)
				n++;
			r = vu_cli_irq_send(c, flags, index, start + i, n, NULL, 0);
		} else {
			if (per == 0)
				return vfsim_reject(RULE_VU_CLI_IRQ_NO_FDS, -EINVAL);
			while (i + n < count && n < per && fds[i + n] >= 0)
				n++;
			r = vu_cli_irq_send(c, flags, index, start + i, n, fds + i, n);
		}
		if (r < 0)
			return r;
		i += n;
	}
	return 0;
}

int vfsim_vu_client_set_irqs(struct vfsim_vu_client *c, uint32_t flags, uint32_t index, uint32_t start,
			     uint32_t count, const void *data)
{
	uint32_t dt = flags & VFIO_IRQ_SET_DATA_TYPE_MASK, act = flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	struct vu_irq_set hdr = {
		.flags = flags,
		.index = index,
		.start = start,
		.count = count,
	};
	uint8_t *req;
	int r;

	vfsim_reject_clear();
	if (flags & ~(uint32_t)(VFIO_IRQ_SET_DATA_TYPE_MASK | VFIO_IRQ_SET_ACTION_TYPE_MASK) ||
	    __builtin_popcount(dt) != 1 || __builtin_popcount(act) != 1 ||
	    (dt == VFIO_IRQ_SET_DATA_BOOL && (!data || count > VU_CLI_MAX_INFO)) ||
	    (dt == VFIO_IRQ_SET_DATA_EVENTFD && count > VU_CLI_MAX_INFO))
		return vfsim_reject(RULE_VU_CLI_IRQ_FLAGS, -EINVAL);
	if (dt == VFIO_IRQ_SET_DATA_EVENTFD)
		return vu_cli_irq_eventfds(c, flags, index, start, count, data);
	if (dt == VFIO_IRQ_SET_DATA_NONE)
		return vu_cli_irq_send(c, flags, index, start, count, NULL, 0);
	hdr.argsz = sizeof(hdr) + count;
	req = malloc(hdr.argsz);
	if (!req)
		return -ENOMEM;
	memcpy(req, &hdr, sizeof(hdr));
	memcpy(req + sizeof(hdr), data, count);
	r = vu_cli_call_noreply(c, VU_CMD_DEVICE_SET_IRQS, req, hdr.argsz, NULL, 0);
	free(req);
	return r;
}

static int vu_cli_access_check(uint64_t offset, size_t len)
{
	if (len > INT_MAX || offset + len < offset)
		return vfsim_reject(RULE_VU_CLI_ARG_RANGE, -EINVAL);
	return 0;
}

/* The largest region access per message: the server's max_data_xfer_size
 * (§1.8). Fault client-xfer-over-max: the whole access in one message, up
 * to the protocol bound we accept at all (so the buffer stays bounded). */
static uint32_t vu_cli_region_chunk(const struct vfsim_vu_client *c)
{
	if (vfsim_fault_on(c->faults, VFSIM_FAULT_CLIENT_XFER_OVER_MAX))
		return VU_LIMIT_MAX_DATA_XFER;
	return c->peer.max_data_xfer_size;
}

/* Returns the bytes read; a short reply count ends the read (§3.9: the reply
 * count is what was transferred). */
int vfsim_vu_client_region_read(struct vfsim_vu_client *c, uint32_t index, uint64_t offset, void *buf,
				size_t len)
{
	uint32_t chunk = vu_cli_region_chunk(c), flags = 0;
	size_t done = 0;
	int r;

	/* Fault client-no-reply-read: NO_REPLY on a command whose reply is
	 * the data (§1.6); the client then waits for a reply that is owed
	 * nobody, and times out. */
	if (vfsim_fault_on(c->faults, VFSIM_FAULT_CLIENT_NO_REPLY_READ))
		flags = VU_FLAGS_NO_REPLY;

	vfsim_reject_clear();
	r = vu_cli_access_check(offset, len);
	if (r < 0)
		return r;
	while (done < len) {
		uint32_t n = len - done < chunk ? (uint32_t)(len - done) : chunk;
		struct vu_region_access req = { .offset = offset + done, .region = index, .count = n }, rep;
		struct vu_msg m;

		r = vu_cli_call_flags(c, VU_CMD_REGION_READ, flags, &req, sizeof(req), NULL, 0, &m);
		if (r < 0)
			return r;
		memcpy(&rep, m.payload, sizeof(rep));
		if (rep.offset != req.offset || rep.region != index) {
			vu_msg_release(&m);
			return vfsim_reject(RULE_VU_CLI_REPLY_ECHO, -EPROTO);
		}
		if (rep.count > n || rep.count > m.len - sizeof(rep)) {
			vu_msg_release(&m);
			return vfsim_reject(RULE_VU_CLI_REPLY_COUNT, -EPROTO);
		}
		memcpy((uint8_t *)buf + done, m.payload + sizeof(rep), rep.count);
		vu_msg_release(&m);
		done += rep.count;
		if (rep.count < n)
			break;
	}
	return (int)done;
}

int vfsim_vu_client_region_write(struct vfsim_vu_client *c, uint32_t index, uint64_t offset,
				 const void *buf, size_t len)
{
	uint32_t chunk = vu_cli_region_chunk(c);
	size_t done = 0;
	uint8_t *req;
	int r;

	vfsim_reject_clear();
	r = vu_cli_access_check(offset, len);
	if (r < 0 || len == 0)
		return r;
	if (chunk > len)
		chunk = (uint32_t)len;
	req = malloc(sizeof(struct vu_region_access) + chunk);
	if (!req)
		return -ENOMEM;
	while (done < len) {
		uint32_t n = len - done < chunk ? (uint32_t)(len - done) : chunk;
		struct vu_region_access a = { .offset = offset + done, .region = index, .count = n }, rep;
		struct vu_msg m;

		memcpy(req, &a, sizeof(a));
		memcpy(req + sizeof(a), (const uint8_t *)buf + done, n);
		r = vu_cli_call(c, VU_CMD_REGION_WRITE, req, sizeof(a) + n, NULL, 0, &m);
		if (r < 0)
			break;
		memcpy(&rep, m.payload, sizeof(rep));
		vu_msg_release(&m);
		if (rep.offset != a.offset || rep.region != index) {
			r = vfsim_reject(RULE_VU_CLI_REPLY_ECHO, -EPROTO);
			break;
		}
		if (rep.count > n) {
			r = vfsim_reject(RULE_VU_CLI_REPLY_COUNT, -EPROTO);
			break;
		}
		done += rep.count;
		if (rep.count < n)
			break;
	}
	free(req);
	return r < 0 ? r : (int)done;
}

int vfsim_vu_client_reset(struct vfsim_vu_client *c)
{
	vfsim_reject_clear();
	return vu_cli_call_noreply(c, VU_CMD_DEVICE_RESET, NULL, 0, NULL, 0);
}

/* The request's argsz is the reply capacity (§1.9): the caller's buffer,
 * bounded by VU_CLI_MAX_INFO. */
int vfsim_vu_client_feature(struct vfsim_vu_client *c, void *buf, size_t len, size_t buflen)
{
	uint32_t cap = buflen < VU_CLI_MAX_INFO ? (uint32_t)buflen : VU_CLI_MAX_INFO;
	struct vu_feature f;
	struct vu_msg m;
	uint8_t *req;
	int r;

	vfsim_reject_clear();
	if (!buf || len < sizeof(f) || len > buflen || len > VU_CLI_MAX_INFO)
		return vfsim_reject(RULE_VU_CLI_ARG_BUF, -EINVAL);
	req = malloc(len);
	if (!req)
		return -ENOMEM;
	memcpy(req, buf, len);
	memcpy(&f, req, sizeof(f));
	f.argsz = cap;
	memcpy(req, &f, sizeof(f));
	r = vu_cli_call(c, VU_CMD_DEVICE_FEATURE, req, len, NULL, 0, &m);
	free(req);
	if (r < 0)
		return r;
	if (m.len > cap) {
		vu_msg_release(&m);
		return vfsim_reject(RULE_VU_CLI_REPLY_TOO_BIG, -EPROTO);
	}
	memcpy(buf, m.payload, m.len);
	r = (int)m.len;
	vu_msg_release(&m);
	return r;
}

/* MIG_DATA_READ until @len is filled or a reply carries less than asked,
 * which means no more data right now (in STOP_COPY: the end, §3.15). */
ssize_t vfsim_vu_client_mig_read(struct vfsim_vu_client *c, void *buf, size_t len)
{
	size_t done = 0;
	int r;

	vfsim_reject_clear();
	r = vu_cli_access_check(0, len);
	if (r < 0)
		return r;
	while (done < len) {
		uint32_t n = len - done < c->peer.max_data_xfer_size ? (uint32_t)(len - done)
								      : c->peer.max_data_xfer_size;
		struct vu_mig_data req = { .argsz = sizeof(req) + n, .size = n }, rep;
		struct vu_msg m;

		r = vu_cli_call(c, VU_CMD_MIG_DATA_READ, &req, sizeof(req), NULL, 0, &m);
		if (r < 0)
			return r;
		memcpy(&rep, m.payload, sizeof(rep));
		/* §3.15: the size field counts, not msg_size. */
		if (rep.size > n || rep.size > m.len - sizeof(rep)) {
			vu_msg_release(&m);
			return vfsim_reject(RULE_VU_CLI_MIG_SIZE, -EPROTO);
		}
		memcpy((uint8_t *)buf + done, m.payload + sizeof(rep), rep.size);
		vu_msg_release(&m);
		done += rep.size;
		if (rep.size < n)
			break;
	}
	return (ssize_t)done;
}

ssize_t vfsim_vu_client_mig_write(struct vfsim_vu_client *c, const void *buf, size_t len)
{
	uint32_t chunk = c->peer.max_data_xfer_size;
	size_t done = 0;
	uint8_t *req;
	int r = 0;

	vfsim_reject_clear();
	r = vu_cli_access_check(0, len);
	if (r < 0 || len == 0)
		return r;
	if (chunk > len)
		chunk = (uint32_t)len;
	req = malloc(sizeof(struct vu_mig_data) + chunk);
	if (!req)
		return -ENOMEM;
	while (done < len) {
		uint32_t n = len - done < chunk ? (uint32_t)(len - done) : chunk;
		struct vu_mig_data d = { .argsz = sizeof(d) + n, .size = n };

		memcpy(req, &d, sizeof(d));
		memcpy(req + sizeof(d), (const uint8_t *)buf + done, n);
		r = vu_cli_call_noreply(c, VU_CMD_MIG_DATA_WRITE, req, sizeof(d) + n, NULL, 0);
		if (r < 0)
			break;
		done += n;
	}
	free(req);
	return r < 0 ? r : (ssize_t)done;
}
