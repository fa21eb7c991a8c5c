/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `vfsim client --exercise`: a finite, deterministic client workload that
 * sends every client command the device offers through the public client
 * API (sim/include/vfsim.h), for the conformance suite to judge a client by
 * (conformance/conf.h: the client target) and for people to watch a session.
 * What the device offers is learnt over the socket (DEVICE_GET_INFO,
 * GET_REGION_INFO, GET_IRQ_INFO, DEVICE_FEATURE PROBE); steps it does not
 * offer are skipped. The steps run in the order of the ex_steps table; the
 * first failure (a server error reply, a malformed reply, a short transfer,
 * DMA data that did not arrive) ends the run with one stderr line naming
 * the step and the errno.
 */
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "include/vfsim.h"
#include "fault.h"
#include "cli.h"

#define EX_MAX_REGIONS 100u		/* the client refuses a server reporting more */
#define EX_MAX_IRQS 50u
#define EX_INFO_BUF 65536u		/* region info with its capability chain */
#define EX_CFG_READ 256u
#define EX_PCI_COMMAND 0x04		/* config space Command register, 16 bits */
#define EX_BAR0_READ 64u
#define EX_SPAN_READ 4096u		/* larger than a small max_data_xfer_size: split */
#define EX_WIN_SIZE 0x10000ull		/* each DMA window */
#define EX_MAX_VECTORS 256u		/* eventfds per SET_IRQS (stays within RLIMIT_NOFILE) */
#define EX_MIG_CHUNK (1u << 20)		/* MIG_DATA_READ request size, at most */
#define EX_MIG_MAX (64u << 20)		/* stream kept for the RESUMING half; bounded */
#define EX_MIG_READS 512u		/* MIG_DATA_READ messages at most, see ex_mig_drain */
#define EX_MAX_MAPS 16u			/* sparse areas mapped through region fds, at most */

/* The DMA engine (sim/engine.h): its registers, little endian. */
#define EX_ENG_SRC 0x00
#define EX_ENG_DST 0x08
#define EX_ENG_LEN 0x10
#define EX_ENG_DOORBELL 0x14
#define EX_ENG_STATUS 0x18		/* bit0 DONE, bit1 ERROR, RW1C */
#define EX_ENG_ERRNO 0x1c
#define EX_ENG_STATUS_DONE 1u
#define EX_ENG_STATUS_ERROR 2u
#define EX_ENG_XFER 0x1000u

/* Devices whose profile has the DMA engine (fixtures/devices/, key
 * "engine"): a client only sees PCI ids, so they are listed here. Every one
 * has its register block at BAR0 offset 0. */
static const struct {
	uint16_t vendor, device;
} ex_engine_ids[] = {
	{ 0x1b36, 0x0102 },	/* dmaengine.json */
	{ 0x1b36, 0x0103 },	/* mig-stopcopy.json */
	{ 0x1b36, 0x0104 },	/* mig-p2p.json */
	{ 0x1b36, 0x0105 },	/* mig-precopy.json */
};

struct ex_win {
	uint64_t iova;
	uint8_t *mem;
	bool mapped;
};

struct ex {
	struct vfsim_vu_client *c;
	const struct vfsim_vu_server_info *si;
	char what[96];			/* the request in flight, for the error line */
	uint32_t flags, nregions, nirqs;
	uint32_t rflags[EX_MAX_REGIONS];
	uint64_t rsize[EX_MAX_REGIONS];
	uint32_t iflags[EX_MAX_IRQS], icount[EX_MAX_IRQS];
	uint8_t cfg[EX_CFG_READ];
	bool have_cfg;
	struct ex_win fdwin, win;	/* DMA_MAP with the fd / reached with DMA_READ/WRITE */
	uint64_t wsize;
	struct { void *addr; size_t len; } maps[EX_MAX_MAPS];	/* held until the end */
	unsigned nmaps;
	uint64_t faults;		/* the client's --fault mask: client-map-whole is the workload's */
};

static void ex_at(struct ex *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void ex_at(struct ex *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->what, sizeof(e->what), fmt, ap);
	va_end(ap);
}

/* A transfer returned @n of @want bytes: the short count is a failure. */
static int ex_full(int n, size_t want)
{
	return n < 0 ? n : (size_t)n == want ? 0 : -EIO;
}

static bool ex_readable(const struct ex *e, uint32_t i)
{
	return i < e->nregions && e->rsize[i] && (e->rflags[i] & VFIO_REGION_INFO_FLAG_READ);
}

static bool ex_writable(const struct ex *e, uint32_t i)
{
	return i < e->nregions && e->rsize[i] && (e->rflags[i] & VFIO_REGION_INFO_FLAG_WRITE);
}

/* ---- 1. discovery ------------------------------------------------------------------ */

/* Map the sparse areas of an MMAP region through its fd, each at
 * region.offset + area.offset as digest 4.1 says, and touch one byte of each:
 * a client reaches the rest of the region only by messages. The mappings stay
 * until the end of the workload, so a judge can see them. */
static int ex_map_areas(struct ex *e, const uint8_t *buf, size_t len, int fd)
{
	struct vfio_region_info ri;
	struct vfio_region_info_cap_sparse_mmap sp;
	uint32_t off, hops;

	memcpy(&ri, buf, sizeof(ri));
	if (!(ri.flags & VFIO_REGION_INFO_FLAG_MMAP))
		return 0;
	/* Fault client-map-whole: the whole region, trapped parts included. */
	if (vfsim_fault_on(e->faults, VFSIM_FAULT_CLIENT_MAP_WHOLE) && ri.size && e->nmaps < EX_MAX_MAPS) {
		void *p;

		ex_at(e, "mmap of all of region %u", ri.index);
		p = mmap(NULL, ri.size, PROT_READ, MAP_SHARED, fd, (off_t)ri.offset);
		if (p == MAP_FAILED)
			return -errno;
		e->maps[e->nmaps].addr = p;
		e->maps[e->nmaps++].len = ri.size;
		return 0;
	}
	if (!(ri.flags & VFIO_REGION_INFO_FLAG_CAPS))
		return 0;
	for (off = ri.cap_offset, hops = 0; off && hops < 16 && off + sizeof(sp) <= len; hops++) {
		struct vfio_info_cap_header h;

		memcpy(&h, buf + off, sizeof(h));
		if (h.id == VFIO_REGION_INFO_CAP_SPARSE_MMAP) {
			memcpy(&sp, buf + off, sizeof(sp));
			for (uint32_t a = 0; a < sp.nr_areas && off + sizeof(sp) + (a + 1) * 16 <= len; a++) {
				struct vfio_region_sparse_mmap_area area;
				void *p;

				memcpy(&area, buf + off + sizeof(sp) + a * 16, sizeof(area));
				if (!area.size || e->nmaps == EX_MAX_MAPS)
					continue;
				ex_at(e, "mmap of region %u area %u", ri.index, a);
				p = mmap(NULL, area.size, PROT_READ, MAP_SHARED, fd, (off_t)(ri.offset + area.offset));
				if (p == MAP_FAILED)
					return -errno;
				(void)*(volatile uint8_t *)p;
				e->maps[e->nmaps].addr = p;
				e->maps[e->nmaps++].len = area.size;
			}
			return 0;
		}
		off = h.next;
	}
	return 0;
}

static int ex_info(struct ex *e)
{
	uint8_t *buf;
	uint32_t i;
	int r;

	ex_at(e, "DEVICE_GET_INFO");
	r = vfsim_vu_client_get_info(e->c, &e->flags, &e->nregions, &e->nirqs);
	if (r < 0)
		return r;
	if (e->nregions > EX_MAX_REGIONS || e->nirqs > EX_MAX_IRQS)
		return -EPROTO;
	buf = malloc(EX_INFO_BUF);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < e->nregions; i++) {
		struct vfio_region_info ri;
		int fd = -1;

		ex_at(e, "DEVICE_GET_REGION_INFO %u", i);
		r = vfsim_vu_client_get_region_info(e->c, i, buf, EX_INFO_BUF, &fd);
		if (r >= 0 && (size_t)r < sizeof(ri))
			r = -EPROTO;
		if (r >= 0 && fd >= 0)
			r = ex_map_areas(e, buf, (size_t)r, fd);
		if (fd >= 0)
			close(fd);
		if (r < 0)
			break;
		memcpy(&ri, buf, sizeof(ri));
		e->rflags[i] = ri.flags;
		e->rsize[i] = ri.size;
	}
	free(buf);
	for (i = 0; r >= 0 && i < e->nirqs; i++) {
		ex_at(e, "DEVICE_GET_IRQ_INFO %u", i);
		r = vfsim_vu_client_get_irq_info(e->c, i, &e->iflags[i], &e->icount[i]);
	}
	return r < 0 ? r : 0;
}

/* ---- 2. region access -------------------------------------------------------------- */

static int ex_regions(struct ex *e)
{
	const uint32_t cfgi = VFIO_PCI_CONFIG_REGION_INDEX;
	uint8_t buf[EX_SPAN_READ];
	uint32_t i, big = UINT32_MAX;
	size_t n;
	int r;

	if (ex_readable(e, cfgi) && e->rsize[cfgi] >= EX_CFG_READ) {
		ex_at(e, "REGION_READ config 0x0+%u", EX_CFG_READ);
		r = ex_full(vfsim_vu_client_region_read(e->c, cfgi, 0, e->cfg, EX_CFG_READ), EX_CFG_READ);
		if (r < 0)
			return r;
		e->have_cfg = true;
	}
	if (ex_readable(e, VFIO_PCI_BAR0_REGION_INDEX)) {
		n = e->rsize[0] < EX_BAR0_READ ? e->rsize[0] : EX_BAR0_READ;
		ex_at(e, "REGION_READ BAR0 0x0+%zu", n);
		r = ex_full(vfsim_vu_client_region_read(e->c, 0, 0, buf, n), n);
		if (r < 0)
			return r;
	}
	/* The Command register written back with the value read: no change. */
	if (e->have_cfg && ex_writable(e, cfgi)) {
		ex_at(e, "REGION_WRITE config 0x%x+2", EX_PCI_COMMAND);
		r = ex_full(vfsim_vu_client_region_write(e->c, cfgi, EX_PCI_COMMAND, e->cfg + EX_PCI_COMMAND, 2),
			    2);
		if (r < 0)
			return r;
	}
	for (i = VFIO_PCI_BAR0_REGION_INDEX; i <= VFIO_PCI_BAR5_REGION_INDEX; i++)
		if (ex_readable(e, i) && (big == UINT32_MAX || e->rsize[i] > e->rsize[big]))
			big = i;
	if (big == UINT32_MAX)
		return 0;
	n = e->rsize[big] < EX_SPAN_READ ? e->rsize[big] : EX_SPAN_READ;
	ex_at(e, "REGION_READ BAR%u 0x0+%zu", big, n);
	return ex_full(vfsim_vu_client_region_read(e->c, big, 0, buf, n), n);
}

/* ---- 3. DMA windows and the engine ------------------------------------------------- */

static int ex_dma_map(struct ex *e)
{
	uint64_t pg = e->si->pgsizes ? e->si->pgsizes & -e->si->pgsizes : 4096;
	const uint32_t rw = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	int r;

	e->wsize = pg > EX_WIN_SIZE ? pg : EX_WIN_SIZE;
	if (e->wsize > (1ull << 30))
		return 0;	/* no page size a 64 KiB window fits: skip DMA */
	/* Windows at 16 and 32 window sizes: aligned to the smallest page. */
	e->fdwin.iova = 16 * e->wsize;
	e->win.iova = 32 * e->wsize;
	/* With room for one mapping only (or no fds), the fd-less one matters more. */
	if (e->si->max_dma_maps >= 2 && e->si->max_msg_fds > 0) {
		ex_at(e, "DMA_MAP 0x%llx with fd", (unsigned long long)e->fdwin.iova);
		r = vfsim_vu_client_dma_map(e->c, e->fdwin.iova, e->wsize, rw, true, (void **)&e->fdwin.mem);
		if (r < 0)
			return r;
		e->fdwin.mapped = true;
	}
	if (e->si->max_dma_maps < 1)
		return 0;
	ex_at(e, "DMA_MAP 0x%llx without fd", (unsigned long long)e->win.iova);
	r = vfsim_vu_client_dma_map(e->c, e->win.iova, e->wsize, rw, false, (void **)&e->win.mem);
	if (r < 0)
		return r;
	e->win.mapped = true;
	return 0;
}

static bool ex_has_engine(const struct ex *e)
{
	uint16_t vendor, device;

	if (!e->have_cfg || !ex_writable(e, 0) || e->rsize[0] < 0x40)
		return false;
	vendor = (uint16_t)(e->cfg[0] | e->cfg[1] << 8);
	device = (uint16_t)(e->cfg[2] | e->cfg[3] << 8);
	for (size_t i = 0; i < sizeof(ex_engine_ids) / sizeof(ex_engine_ids[0]); i++)
		if (ex_engine_ids[i].vendor == vendor && ex_engine_ids[i].device == device)
			return true;
	return false;
}

static int ex_eng_write(struct ex *e, uint32_t off, uint64_t val, size_t len)
{
	uint64_t le = htole64(val);

	ex_at(e, "REGION_WRITE BAR0 engine 0x%x", off);
	return ex_full(vfsim_vu_client_region_write(e->c, 0, off, &le, len), len);
}

/* One engine transfer of EX_ENG_XFER bytes: SRC, DST, LEN and DOORBELL as
 * separate writes; the server runs it while our doorbell write waits for its
 * reply, sending DMA_READ/DMA_WRITE for the fd-less window, which the client
 * serves meanwhile. Then STATUS must say DONE (cleared again: RW1C) and
 * the bytes must have arrived. */
static int ex_eng_copy(struct ex *e, uint64_t src, uint64_t dst, const uint8_t *from, const uint8_t *to)
{
	uint32_t st = 0, err = 0;
	int r;

	r = ex_eng_write(e, EX_ENG_SRC, src, 8);
	if (r >= 0)
		r = ex_eng_write(e, EX_ENG_DST, dst, 8);
	if (r >= 0)
		r = ex_eng_write(e, EX_ENG_LEN, EX_ENG_XFER, 4);
	if (r >= 0)
		r = ex_eng_write(e, EX_ENG_DOORBELL, 1, 4);
	if (r < 0)
		return r;
	ex_at(e, "REGION_READ BAR0 engine STATUS");
	r = ex_full(vfsim_vu_client_region_read(e->c, 0, EX_ENG_STATUS, &st, 4), 4);
	if (r < 0)
		return r;
	st = le32toh(st);
	if (st & EX_ENG_STATUS_ERROR) {
		ex_at(e, "DMA engine 0x%llx -> 0x%llx: ERRNO", (unsigned long long)src, (unsigned long long)dst);
		r = ex_full(vfsim_vu_client_region_read(e->c, 0, EX_ENG_ERRNO, &err, 4), 4);
		err = le32toh(err);
		return r < 0 ? r : err && err <= 4095 ? -(int)err : -EIO;
	}
	ex_at(e, "DMA engine 0x%llx -> 0x%llx", (unsigned long long)src, (unsigned long long)dst);
	if (!(st & EX_ENG_STATUS_DONE) || memcmp(from, to, EX_ENG_XFER))
		return -EIO;
	return ex_eng_write(e, EX_ENG_STATUS, EX_ENG_STATUS_DONE | EX_ENG_STATUS_ERROR, 4);
}

static int ex_dma(struct ex *e)
{
	int r;

	r = ex_dma_map(e);
	if (r < 0 || !e->win.mapped || !e->fdwin.mapped || !ex_has_engine(e))
		return r;
	for (unsigned i = 0; i < EX_ENG_XFER; i++) {
		e->win.mem[i] = (uint8_t)(i * 7 + 1);
		e->fdwin.mem[i] = (uint8_t)(i * 13 + 5);
	}
	/* fd-less -> fd window: the server fetches with DMA_READ. */
	r = ex_eng_copy(e, e->win.iova, e->fdwin.iova + 0x8000, e->win.mem, e->fdwin.mem + 0x8000);
	if (r < 0)
		return r;
	/* fd -> fd-less window: the server stores with DMA_WRITE. */
	return ex_eng_copy(e, e->fdwin.iova, e->win.iova + 0x8000, e->fdwin.mem, e->win.mem + 0x8000);
}

/* ---- 4. interrupts ------------------------------------------------------------------ */

/* EVENTFD|TRIGGER on @count vectors of @index, then DATA_NONE|TRIGGER
 * count 0, which tears every trigger down (vfio.h: VFIO_DEVICE_SET_IRQS). */
static int ex_irq_cycle(struct ex *e, uint32_t index, uint32_t count)
{
	int fds[EX_MAX_VECTORS];
	uint32_t i;
	int r = 0;

	if (count > EX_MAX_VECTORS)
		count = EX_MAX_VECTORS;
	for (i = 0; i < count; i++) {
		fds[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fds[i] < 0) {
			r = -errno;
			break;
		}
	}
	/* More eventfds than one message carries go in chunks, but a kernel
	 * (6.1 vfio_pci_set_msi_trigger) sizes MSI/MSI-X by the first
	 * SET_IRQS and refuses a later chunk past it: so first assign every
	 * vector without an fd (the vfio-user de-assign, fd -1 each), as QEMU
	 * allocates all vectors up front. */
	if (r == 0 && count > e->si->max_msg_fds && index != VFIO_PCI_INTX_IRQ_INDEX) {
		ex_at(e, "DEVICE_SET_IRQS index %u EVENTFD|TRIGGER 0+%u without fds", index, count);
		r = vfsim_vu_client_set_irqs(e->c, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, index, 0,
					     count, NULL);
	}
	if (r == 0) {
		ex_at(e, "DEVICE_SET_IRQS index %u EVENTFD|TRIGGER 0+%u", index, count);
		r = vfsim_vu_client_set_irqs(e->c, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, index, 0,
					     count, fds);
	}
	if (r == 0) {
		ex_at(e, "DEVICE_SET_IRQS index %u DATA_NONE|TRIGGER 0+0", index);
		r = vfsim_vu_client_set_irqs(e->c, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, index, 0, 0,
					     NULL);
	}
	while (i--)
		close(fds[i]);
	return r;
}

static int ex_irqs(struct ex *e)
{
	static const uint32_t pref[] = { VFIO_PCI_MSIX_IRQ_INDEX, VFIO_PCI_MSI_IRQ_INDEX, VFIO_PCI_INTX_IRQ_INDEX };
	static const uint32_t extra[] = { VFIO_PCI_ERR_IRQ_INDEX, VFIO_PCI_REQ_IRQ_INDEX };
	int r;

	for (size_t i = 0; i < sizeof(pref) / sizeof(pref[0]); i++) {
		uint32_t x = pref[i];

		if (x < e->nirqs && e->icount[x] && (e->iflags[x] & VFIO_IRQ_INFO_EVENTFD)) {
			r = ex_irq_cycle(e, x, e->icount[x]);
			if (r < 0)
				return r;
			break;
		}
	}
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		uint32_t x = extra[i];

		if (x < e->nirqs && e->icount[x] && (e->iflags[x] & VFIO_IRQ_INFO_EVENTFD)) {
			r = ex_irq_cycle(e, x, e->icount[x]);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* ---- 5. reset ----------------------------------------------------------------------- */

static int ex_reset(struct ex *e)
{
	if (!(e->flags & VFIO_DEVICE_FLAGS_RESET))
		return 0;
	ex_at(e, "DEVICE_RESET");
	return vfsim_vu_client_reset(e->c);
}

/* ---- 6. features: migration, DMA logging -------------------------------------------- */

/* DEVICE_FEATURE @flags with @len bytes of data in @data; the reply's data
 * (at most @cap bytes) back in @data. Returns the reply's data bytes. */
static int ex_feature(struct ex *e, uint32_t flags, void *data, size_t len, size_t cap)
{
	uint64_t buf[64] = { 0 };
	struct vfio_device_feature f = { .argsz = sizeof(f) + len, .flags = flags };
	size_t room = cap > len ? cap : len;
	int n;

	if (sizeof(f) + room > sizeof(buf))
		return -EINVAL;
	memcpy(buf, &f, sizeof(f));
	if (len)
		memcpy((uint8_t *)buf + sizeof(f), data, len);
	n = vfsim_vu_client_feature(e->c, buf, sizeof(f) + len, sizeof(f) + room);
	if (n < 0)
		return n;
	if ((size_t)n < sizeof(f))
		return -EPROTO;
	n -= (int)sizeof(f);
	if ((size_t)n > cap)
		n = (int)cap;
	if (n)
		memcpy(data, (uint8_t *)buf + sizeof(f), (size_t)n);
	return n;
}

/* PROBE: 1 supported, 0 not (the error vfio-user and the kernel answer an
 * unsupported feature with), else -errno. */
static int ex_probe(struct ex *e, uint32_t feature, uint32_t op, const char *name)
{
	int r;

	ex_at(e, "DEVICE_FEATURE PROBE %s", name);
	r = ex_feature(e, VFIO_DEVICE_FEATURE_PROBE | op | feature, NULL, 0, 0);
	if (r == -EINVAL || r == -ENOTTY || r == -EOPNOTSUPP)
		return 0;
	return r < 0 ? r : 1;
}

static int ex_mig_get_state(struct ex *e, uint32_t want)
{
	struct vfio_device_feature_mig_state ms = { 0 };
	int n;

	ex_at(e, "DEVICE_FEATURE GET MIG_DEVICE_STATE");
	n = ex_feature(e, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &ms, 0, sizeof(ms));
	if (n >= 0 && (size_t)n < sizeof(ms))
		return -EPROTO;
	if (n >= 0 && ms.device_state != want)
		return -EPROTO;
	return n < 0 ? n : 0;
}

static int ex_mig_set(struct ex *e, uint32_t state, const char *name)
{
	struct vfio_device_feature_mig_state ms = { .device_state = state, .data_fd = -1 };
	int n;

	ex_at(e, "DEVICE_FEATURE SET MIG_DEVICE_STATE %s", name);
	n = ex_feature(e, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &ms, sizeof(ms), 0);
	return n < 0 ? n : 0;
}

/* MIG_DATA_READ until a short read. The stream is kept (up to EX_MIG_MAX)
 * for the RESUMING half; *ret_len is 0 when it did not fit. With a small
 * max_data_xfer_size a stream of a few MiB would take thousands of
 * messages, more than the conformance proxy records (CONF_CL_EVENTS_MAX)
 * and drowning every other command: after EX_MIG_READS the rest is left
 * unread (leaving STOP_COPY early is a legal arc) and not replayed. */
static int ex_mig_drain(struct ex *e, uint8_t **ret, size_t *ret_len)
{
	size_t chunk = e->si->max_data_xfer_size < EX_MIG_CHUNK ? e->si->max_data_xfer_size : EX_MIG_CHUNK;
	size_t total = 0, cap = 0;
	bool keep = true;		/* the stream so far is in buf[0, total) */
	uint8_t *buf = NULL;
	unsigned i;
	ssize_t n = 0;

	*ret = NULL;
	*ret_len = 0;
	for (i = 0; i < EX_MIG_READS; i++) {
		if (keep && total + chunk > cap) {
			size_t want = cap * 2 > total + chunk ? cap * 2 : total + chunk;
			uint8_t *nb;

			if (want > EX_MIG_MAX) {
				want = EX_MIG_MAX;
				/* Too long to replay: read on into what is there. */
				keep = total + chunk <= want;
			}
			nb = cap >= want ? buf : realloc(buf, want);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap = want;
		}
		ex_at(e, "MIG_DATA_READ #%u", i);
		n = vfsim_vu_client_mig_read(e->c, buf + (keep ? total : 0), chunk);
		if (n < 0) {
			free(buf);
			return (int)n;
		}
		total += (size_t)n;
		if ((size_t)n < chunk)
			break;
	}
	if (i == EX_MIG_READS || !keep) {
		free(buf);	/* incomplete or too long: not replayed */
		return 0;
	}
	*ret = buf;
	*ret_len = total;
	return 0;
}

/* RUNNING -> STOP -> STOP_COPY, the stream read out, STOP_COPY -> STOP ->
 * RESUMING, the same stream written back (the device is restored to itself,
 * so the step changes nothing), RESUMING -> STOP -> RUNNING. Every arc is a
 * direct one of <linux/vfio.h>'s migration FSM. */
static int ex_migration(struct ex *e)
{
	uint64_t mflags = 0;
	uint8_t *stream = NULL;
	size_t len = 0;
	int r;

	r = ex_probe(e, VFIO_DEVICE_FEATURE_MIGRATION, VFIO_DEVICE_FEATURE_GET, "MIGRATION");
	if (r <= 0)
		return r;
	ex_at(e, "DEVICE_FEATURE GET MIGRATION");
	r = ex_feature(e, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION, &mflags, 0, sizeof(mflags));
	if (r >= 0 && (size_t)r < sizeof(mflags))
		r = -EPROTO;
	if (r < 0 || !(mflags & VFIO_MIGRATION_STOP_COPY))
		return r < 0 ? r : 0;
	r = ex_mig_get_state(e, VFIO_DEVICE_STATE_RUNNING);
	if (r >= 0)
		r = ex_mig_set(e, VFIO_DEVICE_STATE_STOP, "RUNNING->STOP");
	if (r >= 0)
		r = ex_mig_set(e, VFIO_DEVICE_STATE_STOP_COPY, "STOP->STOP_COPY");
	if (r >= 0)
		r = ex_mig_drain(e, &stream, &len);
	if (r >= 0)
		r = ex_mig_set(e, VFIO_DEVICE_STATE_STOP, "STOP_COPY->STOP");
	if (r >= 0 && len) {
		r = ex_mig_set(e, VFIO_DEVICE_STATE_RESUMING, "STOP->RESUMING");
		if (r >= 0) {
			ex_at(e, "MIG_DATA_WRITE %zu bytes", len);
			r = ex_full((int)vfsim_vu_client_mig_write(e->c, stream, len), len);
		}
		if (r >= 0)
			r = ex_mig_set(e, VFIO_DEVICE_STATE_STOP, "RESUMING->STOP");
	}
	free(stream);
	if (r >= 0)
		r = ex_mig_set(e, VFIO_DEVICE_STATE_RUNNING, "STOP->RUNNING");
	if (r >= 0)
		r = ex_mig_get_state(e, VFIO_DEVICE_STATE_RUNNING);
	return r;
}

/* DMA_LOGGING_START over the mapped windows, a REPORT of each, STOP. The
 * vfio-user payload carries the ranges inline after the 16-byte control
 * part (vfio-user §3.13), where the kernel struct has a pointer. */
static int ex_dma_logging(struct ex *e)
{
	const struct ex_win *wins[] = { &e->fdwin, &e->win };
	struct {
		uint64_t page_size;
		uint32_t num_ranges, reserved;
		struct vfio_device_feature_dma_logging_range ranges[2];
	} ctl = { .page_size = 4096 };
	uint64_t rep[3 + 8] = { 0 };	/* iova, length, page_size + bitmap words */
	size_t words;
	int r;

	for (size_t i = 0; i < 2; i++)
		if (wins[i]->mapped) {
			ctl.ranges[ctl.num_ranges].iova = wins[i]->iova;
			ctl.ranges[ctl.num_ranges++].length = e->wsize;
		}
	if (!ctl.num_ranges)
		return 0;
	r = ex_probe(e, VFIO_DEVICE_FEATURE_DMA_LOGGING_START, VFIO_DEVICE_FEATURE_SET, "DMA_LOGGING_START");
	if (r <= 0)
		return r;
	words = (e->wsize / ctl.page_size + 63) / 64;
	if (words > 8)
		return 0;	/* a huge page size made the windows too large to report here */
	ex_at(e, "DEVICE_FEATURE SET DMA_LOGGING_START");
	r = ex_feature(e, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_START, &ctl,
		       16 + ctl.num_ranges * sizeof(ctl.ranges[0]), 0);
	for (uint32_t i = 0; r >= 0 && i < ctl.num_ranges; i++) {
		rep[0] = ctl.ranges[i].iova;
		rep[1] = ctl.ranges[i].length;
		rep[2] = ctl.page_size;
		ex_at(e, "DEVICE_FEATURE GET DMA_LOGGING_REPORT 0x%llx", (unsigned long long)rep[0]);
		r = ex_feature(e, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, rep, 24,
			       24 + words * 8);
		if (r >= 0 && (size_t)r < 24 + words * 8)
			r = -EPROTO;
	}
	if (r < 0)
		return r;
	ex_at(e, "DEVICE_FEATURE SET DMA_LOGGING_STOP");
	r = ex_feature(e, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP, NULL, 0, 0);
	return r < 0 ? r : 0;
}

/* ---- 7. unmap ----------------------------------------------------------------------- */

static int ex_dma_unmap(struct ex *e)
{
	struct ex_win *wins[] = { &e->fdwin, &e->win };
	int r;

	for (size_t i = 0; i < 2; i++) {
		if (!wins[i]->mapped)
			continue;
		ex_at(e, "DMA_UNMAP 0x%llx", (unsigned long long)wins[i]->iova);
		r = vfsim_vu_client_dma_unmap(e->c, wins[i]->iova, e->wsize, 0);
		if (r < 0)
			return r;
		wins[i]->mapped = false;
	}
	return 0;
}

static const struct {
	int (*fn)(struct ex *e);
} ex_steps[] = {
	{ ex_info },		/* GET_INFO, GET_REGION_INFO each, GET_IRQ_INFO each */
	{ ex_regions },		/* REGION_READ config, BAR0, a 4 KiB span; REGION_WRITE Command */
	{ ex_dma },		/* DMA_MAP x2; the engine drives DMA_READ/DMA_WRITE */
	{ ex_irqs },		/* SET_IRQS on and off: MSI-X/MSI/INTx, ERR, REQ */
	{ ex_reset },		/* DEVICE_RESET */
	{ ex_migration },	/* DEVICE_FEATURE migration, MIG_DATA_READ/WRITE */
	{ ex_dma_logging },	/* DEVICE_FEATURE DMA logging */
	{ ex_dma_unmap },	/* DMA_UNMAP x2 */
};

int cli_exercise(struct vfsim_vu_client *c, uint64_t faults)
{
	struct ex *e = calloc(1, sizeof(*e));
	int r = 0;

	if (!e) {
		fprintf(stderr, "vfsim client: exercise: %s\n", strerror(ENOMEM));
		return CLI_EXIT_FAIL;
	}
	e->c = c;
	e->faults = faults;
	e->si = vfsim_vu_client_server_info(c);
	for (size_t i = 0; r >= 0 && i < sizeof(ex_steps) / sizeof(ex_steps[0]); i++)
		r = ex_steps[i].fn(e);
	if (r < 0) {
		int rule = vfsim_last_rule(NULL);

		fprintf(stderr, "vfsim client: exercise: %s: %s (errno %d)%s%s\n", e->what, strerror(-r), -r,
			rule ? ", rule " : "", rule ? vfsim_rule_name(rule) : "");
	}
	for (unsigned i = 0; i < e->nmaps; i++)
		munmap(e->maps[i].addr, e->maps[i].len);
	free(e);
	return r < 0 ? CLI_EXIT_FAIL : 0;
}
