/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target 5: the migration data stream (sim/mig.c, sim/mig-stream.c),
 * driven through the kernel-uAPI model exactly as a VMM drives vfio-pci
 * (VFIO_DEVICE_FEATURE MIG_DEVICE_STATE and the data fd). Device:
 * fixtures/devices/mig-precopy.json. Bit 0 of the first byte picks the mode:
 *
 *  0 - resume arbitrary bytes. Byte 1: bit 0 asks the target to repair the
 *      END record's CRC (so mutations get past the checksum and reach the
 *      record and load checks), bits 1-4 give k, the count of u16 chunk
 *      sizes that follow; the rest is written to the RESUMING data fd in
 *      chunks of those sizes (cycling; k = 0: one write), then
 *      RESUMING->STOP. Invariants: no crash; a write never consumes more
 *      than it was given; a refused RESUMING->STOP leaves the device exactly
 *      as a fresh one (mig-stream.h: "the device is only touched ... when the
 *      whole stream is valid") and in RESUMING, STOP or ERROR (uapi §1.7).
 *
 *  1 - save/restore equivalence. Byte 0 bit 1: save through PRE_COPY (else
 *      STOP->STOP_COPY). Bytes 1-4: the position of a byte to corrupt,
 *      byte 5 its XOR mask. The rest is a program of device activity
 *      (region and config writes, DMA engine runs, ticks, IRQ masking, and in
 *      PRE_COPY reads of the stream between them). The saved stream restored
 *      into a fresh device must compare equal to the source
 *      (vfsim_dev_compare); the stream with one byte flipped must be refused
 *      (leaving that device untouched) - see corrupt_may_pass() for the only
 *      bytes the format lets through - and a refused or accepted corrupted
 *      stream never yields a device that differs from the source.
 *
 * abort() marks an invariant violation; everything is closed per input.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fuzz.h"
#include "include/vfsim.h"
#include "vfio-compat.h"
#include "dev.h"
#include "engine.h"
#include "mig-stream.h"
#include "uapi.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "fixtures"
#endif

#define MIG_PROFILE FIXTURES_DIR "/devices/mig-precopy.json"
#define MAX_OPS 64
#define MAX_STREAM (1u << 20)		/* far above 16 images of this small device */
#define DMA_IOVA 0x100000ull
#define DMA_SIZE 0x10000ull
#define REG_BAR0 0x1000u		/* sizes from the profile */
#define REG_BAR2 0x4000u

static struct vfsim_profile *prof;
static uint8_t dma_mem[DMA_SIZE] __attribute__((aligned(4096)));
static uint8_t stream[MAX_STREAM];	/* mode 1: what the source saved */

#define MAX_DATA_FDS 4			/* a mode opens at most 3 */

struct rig {
	struct vfsim_host *host;
	int container;
	int group[3];
	int devfd[3];
	int data[MAX_DATA_FDS];		/* data fds the device gave */
	unsigned ndata;
	struct vfsim_dev *dev[3];
	unsigned ndev;
};

/* ---- hosts and devices kept for the process ------------------------------------
 *
 * A host and three devices made per input were most of its cost (memfds,
 * mmaps, the config space loaded from the profile). Each mode keeps its host
 * and devices: the rig's fds are all closed after an input, and the host is
 * reused only when its bytes are then exactly those it had right after its
 * devices were added (nothing else reachable from it), else made anew; the
 * devices are renewed to power-on state (dev_renew, as fuzz-server does). A
 * refused resume is compared with a device made once and never touched.
 * FUZZ_MIG_CHECK_RENEW (set by the replay suite) runs every input on fresh
 * hosts and devices too and aborts unless both runs see and leave the same.
 */
struct kept {
	struct vfsim_host *host;
	struct vfsim_dev *dev[3];
	struct vfsim_host *pristine;	/* the host's bytes after add_device */
};

static struct kept kept[2];		/* mode 0: one device, mode 1: three */
static struct vfsim_dev *untouched;	/* as vfsim_dev_new made it */
static bool check_renew;		/* FUZZ_MIG_CHECK_RENEW */
static bool use_fresh;			/* this run: fresh host and devices */
static struct vfsim_dev *fresh_dev[3];	/* what a fresh run leaves, to compare */
static uint64_t trace;			/* FUZZ_MIG_CHECK_RENEW: hash of what a run saw */

static void note(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	if (!check_renew)
		return;
	for (i = 0; i < n; i++)
		trace = (trace ^ b[i]) * 0x100000001b3ull;	/* FNV-1a */
}

static void note_val(int64_t v)
{
	note(&v, sizeof(v));
}

static void kept_drop(struct kept *k)
{
	unsigned i;

	vfsim_host_free(k->host);
	k->host = NULL;
	for (i = 0; i < 3; i++) {
		vfsim_dev_free(k->dev[i]);
		k->dev[i] = NULL;
	}
}

static void mig_exit(void)
{
	unsigned i;

	for (i = 0; i < 2; i++) {
		kept_drop(&kept[i]);
		free(kept[i].pristine);
		kept[i].pristine = NULL;
	}
	vfsim_dev_free(untouched);
	untouched = NULL;
	vfsim_profile_free(prof);
	prof = NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	if (prof)
		return 0;
	if (vfsim_profile_load(MIG_PROFILE, &prof, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz-mig: %s\n", err);
		abort();
	}
	if (vfsim_dev_new(prof, &untouched) < 0)
		abort();
	check_renew = getenv("FUZZ_MIG_CHECK_RENEW") != NULL;
	atexit(mig_exit);
	return 0;
}

/* Close every fd of the rig in the kernel's release order (data, device,
 * group, container). A fresh rig's host goes, its devices stay in
 * fresh_dev[] to be compared; a kept rig's stay for the next input. */
static void rig_close(struct rig *r)
{
	unsigned i;

	for (i = 0; i < r->ndata; i++)
		vfsim_close(r->host, r->data[i]);
	for (i = 0; i < r->ndev; i++)
		if (r->devfd[i] >= 0)
			vfsim_close(r->host, r->devfd[i]);
	for (i = 0; i < r->ndev; i++)
		if (r->group[i] >= 0)
			vfsim_close(r->host, r->group[i]);
	if (r->container >= 0)
		vfsim_close(r->host, r->container);
	if (use_fresh) {
		vfsim_host_free(r->host);
		for (i = 0; i < r->ndev; i++)
			fresh_dev[i] = r->dev[i];
	}
	memset(r, 0, sizeof(*r));
}

/* The host and @n devices, added each alone in its group: fresh ones, or
 * the kept ones as new. */
static void rig_devices(struct rig *r, unsigned n)
{
	struct kept *k = &kept[n > 1], fresh;
	unsigned i;

	if (use_fresh) {
		memset(&fresh, 0, sizeof(fresh));
		k = &fresh;
	}
	if (k->host && memcmp(k->host, k->pristine, sizeof(*k->host)))
		kept_drop(k);
	for (i = 0; k->host && i < n; i++)
		if (dev_renew(k->dev[i]) < 0)
			kept_drop(k);
	if (!k->host) {
		if (vfsim_host_new(NULL, &k->host) < 0)
			abort();
		for (i = 0; i < n; i++) {
			char bdf[32];

			snprintf(bdf, sizeof(bdf), "0000:00:%02x.0", i + 1);
			if (vfsim_dev_new(prof, &k->dev[i]) < 0 ||
			    vfsim_host_add_device(k->host, k->dev[i], i + 1, bdf) < 0)
				abort();
		}
		if (!use_fresh && !k->pristine && !(k->pristine = malloc(sizeof(*k->pristine))))
			abort();
		if (!use_fresh)
			memcpy(k->pristine, k->host, sizeof(*k->host));
	}
	r->host = k->host;
	for (i = 0; i < n; i++)
		r->dev[i] = k->dev[i];
	r->ndev = n;
}

/* A host with @n devices, each alone in its group, all in one type1v2
 * container with DMA_SIZE bytes mapped at DMA_IOVA, device fds open. */
static int rig_open(struct rig *r, unsigned n)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)dma_mem, .iova = DMA_IOVA, .size = DMA_SIZE,
	};
	unsigned i;

	memset(r, 0, sizeof(*r));
	r->container = r->group[0] = r->group[1] = r->group[2] = -1;
	r->devfd[0] = r->devfd[1] = r->devfd[2] = -1;
	rig_devices(r, n);
	for (i = 0; i < n; i++) {
		char path[32];

		snprintf(path, sizeof(path), "/dev/vfio/%u", i + 1);
		r->group[i] = vfsim_open(r->host, path, O_RDWR);
		if (r->group[i] < 0)
			goto fail;
	}
	r->container = vfsim_open(r->host, "/dev/vfio/vfio", O_RDWR);
	if (r->container < 0)
		goto fail;
	for (i = 0; i < n; i++)
		if (vfsim_ioctl(r->host, r->group[i], VFIO_GROUP_SET_CONTAINER, &r->container) < 0)
			goto fail;
	if (vfsim_ioctl(r->host, r->container, VFIO_SET_IOMMU, (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU) < 0)
		goto fail;
	if (vfsim_ioctl(r->host, r->container, VFIO_IOMMU_MAP_DMA, &map) < 0)
		goto fail;
	for (i = 0; i < n; i++) {
		char bdf[32];

		snprintf(bdf, sizeof(bdf), "0000:00:%02x.0", i + 1);
		r->devfd[i] = vfsim_ioctl(r->host, r->group[i], VFIO_GROUP_GET_DEVICE_FD, bdf);
		if (r->devfd[i] < 0)
			goto fail;
	}
	return 0;
fail:
	/* The setup is the documented kernel order: failing it is a model bug. */
	fprintf(stderr, "fuzz-mig: setup failed (rule %s)\n", vfsim_rule_name(vfsim_last_rule(NULL)));
	abort();
}

static int mig_feature(struct rig *r, unsigned i, uint32_t flags, uint32_t *state, int *data_fd)
{
	/* struct vfio_device_feature ends in a flexible array: lay out by hand */
	uint64_t buf[2] = { 0, 0 };
	struct vfio_device_feature *f = (void *)buf;
	struct vfio_device_feature_mig_state *m = (void *)(f + 1);
	int ret;

	f->argsz = sizeof(buf);
	f->flags = VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE | flags;
	m->device_state = *state;
	m->data_fd = -1;
	ret = vfsim_ioctl(r->host, r->devfd[i], VFIO_DEVICE_FEATURE, buf);
	*state = m->device_state;
	if (data_fd)
		*data_fd = m->data_fd;
	if (m->data_fd >= 0) {
		if (r->ndata == MAX_DATA_FDS)
			abort();
		r->data[r->ndata++] = m->data_fd;
	}
	note_val(ret);
	note_val(m->data_fd >= 0);
	note_val(m->device_state);
	return ret;
}

static int mig_set(struct rig *r, unsigned i, uint32_t state, int *data_fd)
{
	return mig_feature(r, i, VFIO_DEVICE_FEATURE_SET, &state, data_fd);
}

static uint32_t mig_get(struct rig *r, unsigned i)
{
	uint32_t st = 0xffffffffu;
	int ret = mig_feature(r, i, VFIO_DEVICE_FEATURE_GET, &st, NULL);

	if (ret < 0) {
		/* GET on a migration-capable device cannot fail */
		fprintf(stderr, "fuzz-mig: MIG_DEVICE_STATE GET: %d (%s)\n", ret,
			vfsim_rule_name(vfsim_last_rule(NULL)));
		abort();
	}
	return st;
}

/* The device must be as a freshly created one (a refused resume). */
static void expect_untouched(const struct vfsim_dev *dev, const char *when)
{
	char diff[256];

	if (vfsim_dev_compare(untouched, dev, diff, sizeof(diff))) {
		fprintf(stderr, "fuzz-mig: %s changed the device: %s\n", when, diff);
		abort();
	}
}

/* Enter RESUMING on device @i and return its data fd. */
static int resume_begin(struct rig *r, unsigned i)
{
	int fd = -1;

	if (mig_set(r, i, VFIO_DEVICE_STATE_RESUMING, &fd) < 0 || fd < 0) {
		fprintf(stderr, "fuzz-mig: RUNNING->RESUMING refused\n");
		abort();	/* a path every support set allows (§1.7) */
	}
	return fd;
}

/* Write @len bytes in chunks; every write consumes at most what it is given
 * and a short count only comes from the stream's END. */
static void resume_feed(struct rig *r, int fd, const uint8_t *p, size_t len, const uint16_t *sizes,
			unsigned nsizes)
{
	unsigned i = 0;

	while (len) {
		size_t chunk = nsizes ? sizes[i++ % nsizes] : len;
		ssize_t w;

		if (!chunk)
			chunk = 1;
		if (chunk > len)
			chunk = len;
		w = vfsim_write(r->host, fd, p, chunk);
		note_val(w);
		if (w > (ssize_t)chunk)
			abort();
		if (w > 0)
			chunk = (size_t)w;
		/* a refused write's bytes are gone (mtty counts them) */
		p += chunk;
		len -= chunk;
	}
}

/* ---- mode 0: arbitrary bytes into RESUMING ----------------------------------- */

/* Make the END record's CRC right for the bytes before it, walking the
 * records by their own lengths (mig-stream.h format); nothing if none. */
static void fix_crc(uint8_t *p, size_t n)
{
	size_t pos = MIG_STREAM_HDR_SIZE;

	while (pos + MIG_STREAM_REC_SIZE <= n) {
		const uint8_t *h = p + pos;
		uint32_t type = h[0] | h[1] << 8 | h[2] << 16 | (uint32_t)h[3] << 24;
		uint32_t len = h[16] | h[17] << 8 | h[18] << 16 | (uint32_t)h[19] << 24;

		if (type == MIG_REC_END) {
			if (pos + MIG_STREAM_REC_SIZE + 4 <= n) {
				uint32_t crc = (uint32_t)crc32(0, p, (uInt)pos);
				uint8_t *c = p + pos + MIG_STREAM_REC_SIZE;

				c[0] = crc;
				c[1] = crc >> 8;
				c[2] = crc >> 16;
				c[3] = crc >> 24;
			}
			return;
		}
		if (len > n - pos - MIG_STREAM_REC_SIZE)
			return;
		pos += MIG_STREAM_REC_SIZE + len;
	}
}

static uint8_t stream_buf[FUZZ_MAX_LEN];

static void fuzz_resume(const uint8_t *data, size_t size)
{
	uint16_t sizes[16];
	unsigned k, i;
	struct rig r;
	uint32_t st;
	int fd, ret, rule;

	if (size < 2)
		return;
	k = (data[1] >> 1) & 15;
	if (size < 2 + 2 * (size_t)k)
		return;
	for (i = 0; i < k; i++)
		sizes[i] = data[2 + 2 * i] | data[3 + 2 * i] << 8;
	memcpy(stream_buf, data + 2 + 2 * k, size - 2 - 2 * k);
	size -= 2 + 2 * k;
	if (data[1] & 1)
		fix_crc(stream_buf, size);

	rig_open(&r, 1);
	fd = resume_begin(&r, 0);
	resume_feed(&r, fd, stream_buf, size, sizes, k);
	if (mig_get(&r, 0) != VFIO_DEVICE_STATE_RESUMING)
		abort();	/* writes do not move the FSM */
	ret = mig_set(&r, 0, VFIO_DEVICE_STATE_STOP, NULL);
	rule = vfsim_last_rule(NULL);
	st = mig_get(&r, 0);
	note_val(rule);
	if (ret == 0) {
		if (st != VFIO_DEVICE_STATE_STOP)
			abort();
	} else {
		/* §1.7: after a failed RESUMING->STOP the device is left in
		 * RESUMING, STOP or ERROR; its state is not loaded. */
		if (st != VFIO_DEVICE_STATE_RESUMING && st != VFIO_DEVICE_STATE_STOP &&
		    st != VFIO_DEVICE_STATE_ERROR)
			abort();
		if (!rule)
			abort();	/* every rejection names its rule */
		expect_untouched(r.dev[0], "a refused resume");
	}
	rig_close(&r);
}

/* ---- mode 1: save/restore equivalence ------------------------------------------ */

struct saver {
	uint8_t *buf;
	size_t len;
	int fd;
};

/* Read what the save fd has now (at most @max bytes): until 0 (the end),
 * or ENOMSG (PRE_COPY's temporary end). */
static void save_drain(struct rig *r, struct saver *s, size_t max)
{
	while (max && s->len < MAX_STREAM) {
		size_t want = MAX_STREAM - s->len;
		ssize_t n;

		if (want > max)
			want = max;
		if (want > 4096)
			want = 4096;
		n = vfsim_read(r->host, s->fd, s->buf + s->len, want);
		note_val(n);
		if (n <= 0)
			return;
		if ((size_t)n > want)
			abort();
		s->len += (size_t)n;
		max -= (size_t)n;
	}
	/* An image of this device is a few pages; a stream this long is a bug. */
	if (s->len >= MAX_STREAM)
		abort();
}

static void region_write(struct rig *r, unsigned index, uint64_t off, const void *p, size_t n)
{
	ssize_t w = vfsim_pwrite(r->host, r->devfd[0], p, n, (off_t)(((uint64_t)index << 40) | off));

	note_val(w);

	if (w > (ssize_t)n)
		abort();
}

static void engine_reg(struct rig *r, uint32_t reg, uint64_t v, size_t n)
{
	uint8_t b[8];
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = v >> (8 * i);
	region_write(r, VFIO_PCI_BAR0_REGION_INDEX, reg, b, n);	/* engine at BAR0 + 0 */
}

static void irq_action(struct rig *r, uint8_t sel, uint8_t arg)
{
	uint32_t raw[(sizeof(struct vfio_irq_set) + 8) / 4];
	struct vfio_irq_set *set = (void *)raw;
	static const uint32_t actions[] = {
		VFIO_IRQ_SET_ACTION_MASK, VFIO_IRQ_SET_ACTION_UNMASK, VFIO_IRQ_SET_ACTION_TRIGGER,
	};

	memset(raw, 0, sizeof(raw));
	set->argsz = sizeof(*set) + ((sel & 8) ? 2 : 0);
	set->index = (sel & 4) ? VFIO_PCI_MSIX_IRQ_INDEX : VFIO_PCI_INTX_IRQ_INDEX;
	set->flags = actions[(sel & 3) % 3] |
		     ((sel & 8) ? VFIO_IRQ_SET_DATA_BOOL : VFIO_IRQ_SET_DATA_NONE);
	set->start = (sel >> 4) & 1;
	set->count = (sel & 8) ? 1 + ((sel >> 5) & 1) : ((sel >> 6) & 1);
	set->data[0] = arg & 1;
	set->data[1] = (arg >> 1) & 1;
	note_val(vfsim_ioctl(r->host, r->devfd[0], VFIO_DEVICE_SET_IRQS, raw));
}

/* One step of device activity; returns the bytes of @p it used. */
static size_t drive_op(struct rig *r, struct saver *s, bool precopy, const uint8_t *p, size_t n)
{
	uint8_t op;

	if (n < 4)
		return n;
	op = p[0] % 8;
	switch (op) {
	case 0: {	/* BAR memory: BAR0 holds the engine and the MSI-X table/PBA */
		unsigned index = (p[1] & 1) ? VFIO_PCI_BAR2_REGION_INDEX : VFIO_PCI_BAR0_REGION_INDEX;
		uint32_t size = index == VFIO_PCI_BAR0_REGION_INDEX ? REG_BAR0 : REG_BAR2;
		size_t len = 1 + (p[1] >> 4);
		uint32_t off = (p[2] | p[3] << 8) % size;

		if (n < 4 + len)
			return n;
		if (off + len > size)
			off = size - (uint32_t)len;
		region_write(r, index, off, p + 4, len);
		return 4 + len;
	}
	case 1:		/* one engine register, any value */
		engine_reg(r, (p[1] % 0x40) & ~3u, p[2] | p[3] << 8, 4);
		return 4;
	case 2:		/* let the device run */
		for (op = 0; op <= (p[1] & 7); op++)
			vfsim_dev_tick(r->dev[0]);
		return 2;
	case 3: {	/* config space: command, BARs, MSI-X control... */
		uint8_t v[4] = { p[3], p[3] ^ 0x5a, 0, 0 };

		region_write(r, VFIO_PCI_CONFIG_REGION_INDEX, p[1], v, 1 + (p[2] & 1));
		return 4;
	}
	case 4:
		irq_action(r, p[1], p[2]);
		return 3;
	case 5:		/* a whole transfer inside the mapped window (or just past it) */
		engine_reg(r, ENGINE_REG_SRC, DMA_IOVA + (p[1] << 8), 8);
		engine_reg(r, ENGINE_REG_DST, DMA_IOVA + (p[2] << 8), 8);
		engine_reg(r, ENGINE_REG_LEN, 1 + p[3] * 16u, 4);
		engine_reg(r, ENGINE_REG_DOORBELL, 1, 4);
		return 4;
	case 6:		/* PRE_COPY: read part of the stream now */
		if (precopy)
			save_drain(r, s, 1 + (size_t)(p[1] | p[2] << 8));
		return 3;
	default:	/* write-clear STATUS */
		engine_reg(r, ENGINE_REG_STATUS, p[1], 4);
		return 2;
	}
}

/* Bytes a single flip may change without the restore failing: the format
 * covers everything before END with the CRC and END's own CRC field is the
 * checksum. END's record header is outside the CRC; its type selects END,
 * but mig-stream.h documents no value for region, offset and reserved of
 * END, so the format does not promise that a flip there is caught. */
static bool corrupt_may_pass(size_t pos, size_t len)
{
	size_t end_hdr = len - 4 - MIG_STREAM_REC_SIZE;

	return len >= 4 + MIG_STREAM_REC_SIZE + MIG_STREAM_HDR_SIZE && pos >= end_hdr + 4 &&
	       pos < end_hdr + MIG_STREAM_REC_SIZE;
}

static void fuzz_equiv(const uint8_t *data, size_t size)
{
	bool precopy = data[0] & 2;
	struct saver s = { .fd = -1 };
	uint32_t flip_pos;
	uint8_t flip_xor;
	const uint8_t *p;
	size_t n, i, ops = 0;
	char diff[256];
	struct rig r;
	int fd, ret;

	if (size < 6)
		return;
	flip_pos = data[1] | data[2] << 8 | data[3] << 16 | (uint32_t)data[4] << 24;
	flip_xor = data[5] ? data[5] : 1;
	p = data + 6;
	n = size - 6;
	s.buf = stream;
	rig_open(&r, 3);	/* 0 source, 1 destination, 2 corrupted destination */
	memset(dma_mem, 0x3c, sizeof(dma_mem));

	if (precopy) {
		/* RUNNING->PRE_COPY: a new save fd (§1.7) */
		if (mig_set(&r, 0, VFIO_DEVICE_STATE_PRE_COPY, &s.fd) < 0 || s.fd < 0)
			abort();
	}
	while (n && ops++ < MAX_OPS) {
		size_t used = drive_op(&r, &s, precopy, p, n);

		p += used;
		n -= used;
	}
	if (precopy) {
		int none = 0;

		/* PRE_COPY->STOP_COPY continues the same fd: no new one */
		if (mig_set(&r, 0, VFIO_DEVICE_STATE_STOP_COPY, &none) < 0 || none != -1)
			abort();
	} else if (mig_set(&r, 0, VFIO_DEVICE_STATE_STOP_COPY, &s.fd) < 0 || s.fd < 0) {
		abort();
	}
	save_drain(&r, &s, MAX_STREAM);
	if (s.len < MIG_STREAM_HDR_SIZE)
		abort();
	note(s.buf, s.len);

	/* the stream as saved restores to the source's state */
	fd = resume_begin(&r, 1);
	resume_feed(&r, fd, s.buf, s.len, (const uint16_t[]){ 1000 }, 1);
	ret = mig_set(&r, 1, VFIO_DEVICE_STATE_STOP, NULL);
	if (ret < 0) {
		fprintf(stderr, "fuzz-mig: saved stream refused: %d (%s)\n", ret,
			vfsim_rule_name(vfsim_last_rule(NULL)));
		abort();
	}
	if (vfsim_dev_compare(r.dev[0], r.dev[1], diff, sizeof(diff))) {
		fprintf(stderr, "fuzz-mig: restored device differs: %s\n", diff);
		abort();
	}

	/* one byte flipped */
	i = flip_pos % s.len;
	s.buf[i] ^= flip_xor;
	fd = resume_begin(&r, 2);
	resume_feed(&r, fd, s.buf, s.len, (const uint16_t[]){ 4096 }, 1);
	ret = mig_set(&r, 2, VFIO_DEVICE_STATE_STOP, NULL);
	if (ret == 0) {
		if (vfsim_dev_compare(r.dev[0], r.dev[2], diff, sizeof(diff))) {
			fprintf(stderr, "fuzz-mig: flipped byte %zu restored another state: %s\n", i, diff);
			abort();
		}
		if (!corrupt_may_pass(i, s.len)) {
			fprintf(stderr, "fuzz-mig: flipped byte %zu of %zu accepted\n", i, s.len);
			abort();
		}
	} else {
		expect_untouched(r.dev[2], "a refused corrupted stream");
	}
	rig_close(&r);
}

static uint64_t run(const uint8_t *data, size_t size)
{
	trace = 0xcbf29ce484222325ull;
	if (data[0] & 1)
		fuzz_equiv(data, size);
	else
		fuzz_resume(data, size);
	return trace;
}

/* FUZZ_MIG_CHECK_RENEW: the same input on a fresh host and devices, from
 * the same DMA memory, must see the same (trace), leave the same in DMA
 * memory and its devices as the kept ones; the untouched device must still
 * be as a new one. */
static void check_fresh(const uint8_t *data, size_t size, uint64_t t_kept, const uint8_t *dma_before)
{
	static uint8_t dma_after[DMA_SIZE];
	struct kept *k = &kept[data[0] & 1];
	struct vfsim_dev *fresh;
	char diff[256];
	uint64_t t;
	unsigned i;

	memcpy(dma_after, dma_mem, DMA_SIZE);
	memcpy(dma_mem, dma_before, DMA_SIZE);
	use_fresh = true;
	t = run(data, size);
	use_fresh = false;
	if (t != t_kept || memcmp(dma_after, dma_mem, DMA_SIZE)) {
		fprintf(stderr, "fuzz-mig: kept host and devices saw other than fresh ones "
				"(trace %016llx vs %016llx%s)\n", (unsigned long long)t_kept,
			(unsigned long long)t, t == t_kept ? ", DMA memory differs" : "");
		abort();
	}
	for (i = 0; i < 3 && fresh_dev[i]; i++) {
		if (!k->dev[i] || vfsim_dev_compare(fresh_dev[i], k->dev[i], diff, sizeof(diff))) {
			fprintf(stderr, "fuzz-mig: renewed device %u ended unlike a fresh one: %s\n", i,
				k->dev[i] ? diff : "none kept");
			abort();
		}
		vfsim_dev_free(fresh_dev[i]);
		fresh_dev[i] = NULL;
	}
	if (vfsim_dev_new(prof, &fresh) < 0 || vfsim_dev_compare(fresh, untouched, diff, sizeof(diff))) {
		fprintf(stderr, "fuzz-mig: the untouched device is not as a new one: %s\n", diff);
		abort();
	}
	vfsim_dev_free(fresh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t dma_before[DMA_SIZE];
	uint64_t t;

	if (!size || size > FUZZ_MAX_LEN)
		return 0;
	if (!prof)
		LLVMFuzzerInitialize(NULL, NULL);
	if (check_renew)
		memcpy(dma_before, dma_mem, DMA_SIZE);
	t = run(data, size);
	if (check_renew)
		check_fresh(data, size, t, dma_before);
	return 0;
}
