/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target 6: ioctl programs against the in-process kernel-uAPI model
 * (sim/uapi-*.c over dma.c and mig.c). The first byte picks the device
 * profile (mig-precopy, mig-p2p, mig-stopcopy: the three migration support
 * sets with P2P or PRE_COPY); the rest is up to MAX_OPS operations
 * {u8 op, args...}: open/close of container, group, device and data fds,
 * SET_CONTAINER, UNSET_CONTAINER, SET_IOMMU, GET_DEVICE_FD, MAP_DMA,
 * UNMAP_DMA, DIRTY_PAGES, SET_IRQS, GET_REGION_INFO, MIG_DEVICE_STATE
 * SET/GET, region pread/pwrite, data fd read/write, DEVICE_RESET.
 *
 * A reference model written from the uAPI digest (/work/shared/spec/
 * kernel-uapi.md §1.1, §1.2, §1.6, §1.7), not from sim/, is the oracle;
 * abort() on any disagreement:
 *  - fd objects (§1.1): exclusive group open, SET_CONTAINER / UNSET_CONTAINER
 *    / SET_IOMMU / GET_DEVICE_FD outcomes, a container back to EMPTY (maps
 *    lost) when its last group leaves;
 *  - type1 v2 (§1.6): an interval list of what is mapped; MAP_DMA and
 *    UNMAP_DMA (incl. VADDR and ALL) errno in the documented check order and
 *    the unmapped size; DIRTY_PAGES flag checks;
 *  - migration (§1.7): the expected state from the support set and the
 *    combination tables (legal paths succeed and return a data fd exactly
 *    when their last arc is '*', illegal ones fail and leave the state),
 *    compared with MIG_DEVICE_STATE GET after every SET;
 *  - GET_REGION_INFO (§1.2): minsz, and nothing written past argsz.
 * Type1 v1 containers are exercised but not judged (v1 unmap semantics are
 * not in the model). Everything is closed per input; the host and device
 * are kept per profile and made as new for the next (slot_get).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "fuzz.h"
#include "include/vfsim.h"
#include "vfio-compat.h"
#include "dev.h"
#include "uapi.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "fixtures"
#endif

#define MAX_OPS 64
#include "uapi-ref.h"		/* the reference model, sized by MAX_OPS */
#define MAX_DEVFDS 4
#define NCONT (MAX_OPS + 2)
#define BUF_PAGES 64
#define GROUP_ID 12
#define BDF "0000:00:04.0"

static const char *const profile_files[] = {
	FIXTURES_DIR "/devices/mig-precopy.json",
	FIXTURES_DIR "/devices/mig-p2p.json",
	FIXTURES_DIR "/devices/mig-stopcopy.json",
};
#define NPROFILES (sizeof(profile_files) / sizeof(profile_files[0]))
static struct vfsim_profile *profiles[NPROFILES];

/* What MAP_DMA's vaddr points at: every successful map lies inside. */
static uint8_t dma_buf[BUF_PAGES * PG] __attribute__((aligned(4096)));

struct prog {
	struct vfsim_host *host;
	struct vfsim_dev *dev;
	const uint8_t *p;
	size_t n;
	/* real fds (-1 = none) */
	int container, group, data_fd;
	int devfd[MAX_DEVFDS];
	unsigned ndevfd;
	/* model */
	unsigned cur;			/* id of the container behind .container (0 = none) */
	unsigned ncont;
	unsigned group_cont;		/* container the group is attached to (0 = none) */
	bool group_release_pending;	/* group fd closed while device fds hold it */
	uint32_t mig_flags, mig_state;
	uint64_t trace;			/* FUZZ_UAPI_CHECK_RENEW: hash of all it saw */
	struct ref_container cont[NCONT];	/* cont[k] is cleared when container k opens */
};

static struct prog P;

#define CHECK(cond, ...)                                                                 \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "fuzz-uapi: oracle: " __VA_ARGS__);              \
			fprintf(stderr, " (rule %s)\n",                                  \
				vfsim_rule_name(vfsim_last_rule(NULL)));                 \
			abort();                                                         \
		}                                                                        \
	} while (0)

static uint8_t take8(struct prog *g)
{
	uint8_t v = 0;

	if (g->n) {
		v = *g->p++;
		g->n--;
	}
	return v;
}

static uint16_t take16(struct prog *g)
{
	uint16_t lo = take8(g);

	return lo | (uint16_t)take8(g) << 8;
}

/* ---- one host and device per profile ----------------------------------------
 *
 * A host and a device made per input (memfds, mmaps, a 50 KiB fd table) were
 * most of an input's cost. Each profile keeps both: the host is reused only
 * when its bytes are exactly those it had after vfsim_host_add_device (every
 * fd, group and device slot free: nothing else reachable from it), else made
 * anew; the device is renewed to power-on state (dev_renew, as fuzz-server).
 * FUZZ_UAPI_CHECK_RENEW (set by the replay suite) runs every input on a fresh
 * host and device too and aborts unless both runs return, read and leave the
 * same.
 */
struct slot {
	struct vfsim_host *host;
	struct vfsim_dev *dev;
	struct vfsim_host *pristine;	/* the host's bytes after add_device */
};

static struct slot slots[NPROFILES];
static bool check_renew;

static void slot_drop(struct slot *s)
{
	vfsim_host_free(s->host);
	vfsim_dev_free(s->dev);
	s->host = NULL;
	s->dev = NULL;
}

static void slot_new(struct slot *s, const struct vfsim_profile *prof)
{
	if (vfsim_dev_new(prof, &s->dev) < 0 || vfsim_host_new(NULL, &s->host) < 0 ||
	    vfsim_host_add_device(s->host, s->dev, GROUP_ID, BDF) < 0)
		abort();
}

static struct slot *slot_get(unsigned i)
{
	struct slot *s = &slots[i];

	if (s->host && (memcmp(s->host, s->pristine, sizeof(*s->host)) || dev_renew(s->dev) < 0))
		slot_drop(s);
	if (!s->host) {
		slot_new(s, profiles[i]);
		if (!s->pristine && !(s->pristine = malloc(sizeof(*s->pristine))))
			abort();
		memcpy(s->pristine, s->host, sizeof(*s->host));
	}
	return s;
}

static void slots_exit(void)
{
	unsigned i;

	for (i = 0; i < NPROFILES; i++) {
		slot_drop(&slots[i]);
		free(slots[i].pristine);
		slots[i].pristine = NULL;
		vfsim_profile_free(profiles[i]);
		profiles[i] = NULL;
	}
}

/* ---- the host calls, hashed for FUZZ_UAPI_CHECK_RENEW -------------------------- */

static void note(struct prog *g, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	if (!check_renew)
		return;
	for (i = 0; i < n; i++)
		g->trace = (g->trace ^ b[i]) * 0x100000001b3ull;	/* FNV-1a */
}

/* A return value; @is_fd: a new fd's number is not part of the outcome. */
static int note_ret(struct prog *g, int r, bool is_fd)
{
	int64_t v = is_fd && r >= 0 ? 0 : r;

	note(g, &v, sizeof(v));
	return r;
}

static int u_open(struct prog *g, const char *path, int flags)
{
	return note_ret(g, vfsim_open(g->host, path, flags), true);
}

static int u_close(struct prog *g, int fd)
{
	return note_ret(g, vfsim_close(g->host, fd), false);
}

static int u_ioctl(struct prog *g, int fd, unsigned long req, void *arg)
{
	return note_ret(g, vfsim_ioctl(g->host, fd, req, arg), req == VFIO_GROUP_GET_DEVICE_FD);
}

static ssize_t note_rw(struct prog *g, ssize_t r, const void *buf)
{
	note(g, &r, sizeof(r));
	if (buf && r > 0)
		note(g, buf, (size_t)r);
	return r;
}

static ssize_t u_pread(struct prog *g, int fd, void *buf, size_t len, off_t off)
{
	return note_rw(g, vfsim_pread(g->host, fd, buf, len, off), buf);
}

static ssize_t u_pwrite(struct prog *g, int fd, const void *buf, size_t len, off_t off)
{
	return note_rw(g, vfsim_pwrite(g->host, fd, buf, len, off), NULL);
}

static ssize_t u_read(struct prog *g, int fd, void *buf, size_t len)
{
	return note_rw(g, vfsim_read(g->host, fd, buf, len), buf);
}

static ssize_t u_write(struct prog *g, int fd, const void *buf, size_t len)
{
	return note_rw(g, vfsim_write(g->host, fd, buf, len), NULL);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];
	size_t i;

	for (i = 0; i < NPROFILES; i++) {
		if (vfsim_profile_load(profile_files[i], &profiles[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "fuzz-uapi: %s\n", err);
			abort();
		}
	}
	check_renew = getenv("FUZZ_UAPI_CHECK_RENEW") != NULL;
	atexit(slots_exit);
	return 0;
}

/* §1.1: the last group leaving a container takes it back to EMPTY: the
 * driver is released and every mapping lost. */
static void ref_group_detach(struct prog *g)
{
	struct ref_container *c = &g->cont[g->group_cont];

	if (!g->group_cont)
		return;
	if (--c->ngroups == 0) {
		c->iommu = 0;
		c->nmaps = 0;
	}
	g->group_cont = 0;
}

/* ---- harness helpers --------------------------------------------------------- */

static int any_devfd(struct prog *g)
{
	return g->ndevfd ? g->devfd[take8(g) % g->ndevfd] : -1;
}

static int mig_feature(struct prog *g, int fd, uint32_t argsz, uint32_t flags, uint32_t *state,
		       int *data_fd)
{
	/* struct vfio_device_feature ends in a flexible array: lay out by hand */
	uint64_t buf[2] = { 0, 0 };
	struct vfio_device_feature *f = (void *)buf;
	struct vfio_device_feature_mig_state *m = (void *)(f + 1);
	int r;

	f->argsz = argsz;
	f->flags = VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE | flags;
	m->device_state = *state;
	m->data_fd = -1;
	r = u_ioctl(g, fd, VFIO_DEVICE_FEATURE, buf);
	*state = m->device_state;
	if (data_fd)
		*data_fd = m->data_fd;
	note_ret(g, m->data_fd, true);
	note(g, state, sizeof(*state));
	return r;
}

static uint32_t mig_get(struct prog *g, int fd)
{
	uint32_t st = 0xdead;
	int r = mig_feature(g, fd, 16, VFIO_DEVICE_FEATURE_GET, &st, NULL);

	CHECK(r == 0, "MIG_DEVICE_STATE GET failed: %d", r);
	return st;
}

static void close_data_fd(struct prog *g)
{
	if (g->data_fd >= 0)
		u_close(g, g->data_fd);
	g->data_fd = -1;
}

static void close_devfd(struct prog *g, unsigned i)
{
	CHECK(u_close(g, g->devfd[i]) == 0, "close of a device fd failed");
	g->devfd[i] = g->devfd[--g->ndevfd];
	if (g->ndevfd)
		return;
	/* Last device fd: the driver's close_device (mtty_close_device,
	 * mlx5vf_pci_close_device) disables the data files and puts the
	 * migration state back to RUNNING. */
	g->mig_state = VFIO_DEVICE_STATE_RUNNING;
	if (g->group_release_pending) {
		/* §1.1: device fds held the group file; its release runs now */
		g->group_release_pending = false;
		ref_group_detach(g);
	}
}

/* ---- operations -------------------------------------------------------------- */

static void op_open_container(struct prog *g)
{
	if (g->container >= 0) {
		u_close(g, g->container);
		g->container = -1;
		g->cur = 0;
	}
	g->container = u_open(g, "/dev/vfio/vfio", O_RDWR);
	CHECK(g->container >= 0, "open /dev/vfio/vfio: %d", g->container);
	g->cur = ++g->ncont;
	memset(&g->cont[g->cur], 0, sizeof(g->cont[g->cur]));
}

static void op_open_group(struct prog *g)
{
	bool exists = take8(g) & 1;
	char path[32];
	int fd;

	snprintf(path, sizeof(path), "/dev/vfio/%u", exists ? GROUP_ID : GROUP_ID + 1);
	fd = u_open(g, path, O_RDWR);
	if (!exists) {
		/* no such group */
		CHECK(fd < 0, "open of a group that does not exist succeeded");
		return;
	}
	if (g->group >= 0 || g->group_release_pending) {
		/* exclusive: the group file is still open (or held by device fds) */
		CHECK(fd == -EBUSY, "second group open: %d, want -EBUSY", fd);
		return;
	}
	CHECK(fd >= 0, "group open: %d", fd);
	g->group = fd;
}

static void op_close(struct prog *g)
{
	uint8_t sel = take8(g) % 4;

	switch (sel) {
	case 0:
		if (g->container < 0)
			return;
		u_close(g, g->container);	/* the container lives on while groups hold it */
		g->container = -1;
		g->cur = 0;
		return;
	case 1:
		if (g->group < 0)
			return;
		u_close(g, g->group);
		g->group = -1;
		if (g->ndevfd)
			g->group_release_pending = true;
		else
			ref_group_detach(g);
		return;
	case 2:
		if (g->ndevfd)
			close_devfd(g, take8(g) % g->ndevfd);
		return;
	default:
		close_data_fd(g);
		return;
	}
}

static void op_set_container(struct prog *g)
{
	uint8_t sel = take8(g) % 4;
	int arg, r, want;

	if (g->group < 0)
		return;
	arg = sel == 0 ? -1 : sel == 1 ? g->group : g->container;
	r = u_ioctl(g, g->group, VFIO_GROUP_SET_CONTAINER, &arg);
	if (arg < 0)
		want = -EBADF;
	else if (g->group_cont)
		want = -EINVAL;
	else if (arg == g->container)
		want = 0;
	else
		want = -EINVAL;		/* [6.1] not a container fd */
	CHECK(r == want, "SET_CONTAINER(%s): %d, want %d", sel == 1 ? "group fd" : "fd", r, want);
	if (r == 0) {
		g->group_cont = g->cur;
		g->cont[g->cur].ngroups++;
	}
}

static void op_unset_container(struct prog *g)
{
	int r, want;

	if (g->group < 0)
		return;
	r = u_ioctl(g, g->group, VFIO_GROUP_UNSET_CONTAINER, NULL);
	want = !g->group_cont ? -EINVAL : g->ndevfd ? -EBUSY : 0;
	CHECK(r == want, "UNSET_CONTAINER: %d, want %d", r, want);
	if (r == 0)
		ref_group_detach(g);
}

static void op_set_iommu(struct prog *g)
{
	static const unsigned long types[] = { VFIO_TYPE1v2_IOMMU, VFIO_TYPE1v2_IOMMU, VFIO_TYPE1_IOMMU,
					       VFIO_SPAPR_TCE_IOMMU };
	unsigned long type = types[take8(g) % 4];
	struct ref_container *c;
	int r, want;

	if (g->container < 0)
		return;
	c = &g->cont[g->cur];
	r = u_ioctl(g, g->container, VFIO_SET_IOMMU, (void *)type);
	if (!c->ngroups || c->iommu)
		want = -EINVAL;
	else if (type != VFIO_TYPE1v2_IOMMU && type != VFIO_TYPE1_IOMMU)
		want = -ENODEV;
	else
		want = 0;
	CHECK(r == want, "SET_IOMMU(%lu): %d, want %d", type, r, want);
	if (r == 0)
		c->iommu = (uint32_t)type;
}

static void op_get_device_fd(struct prog *g)
{
	char name[32] = BDF;
	uint8_t sel = take8(g);
	int r, want;

	if (g->group < 0 || g->ndevfd >= MAX_DEVFDS)
		return;
	if (sel & 1)
		name[sel % 12 + 1] ^= 1 + (sel >> 4);	/* never the name of the device */
	r = u_ioctl(g, g->group, VFIO_GROUP_GET_DEVICE_FD, name);
	if (sel & 1)
		want = -ENODEV;
	else if (!g->group_cont || !g->cont[g->group_cont].iommu)
		want = -EINVAL;
	else
		want = 1;
	CHECK(want < 0 ? r == want : r >= 0, "GET_DEVICE_FD: %d, want %d", r, want);
	if (r >= 0)
		g->devfd[g->ndevfd++] = r;
}

static uint64_t pick_iova(struct prog *g, uint8_t sel)
{
	uint64_t k = take8(g);

	switch (sel % 8) {
	case 4:
		return 0xfee00000ull - (k % 8) * PG;	/* next to the MSI window */
	case 5:
		return (1ull << 48) - (k % 8) * PG;	/* the top of the aperture */
	case 6:
		return k * PG + 0x800;			/* unaligned */
	case 7:
		return ~0ull - (k % 8 + 1) * PG + 1;	/* wraps */
	default:
		return k * PG;
	}
}

/* A judged container: the fd is open, and the model knows its IOMMU. */
static struct ref_container *judged(struct prog *g)
{
	struct ref_container *c = &g->cont[g->cur];

	return c->iommu == VFIO_TYPE1_IOMMU ? NULL : c;
}

static void op_map(struct prog *g)
{
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	uint8_t sel = take8(g), fl = take8(g), sz = take8(g);
	uint64_t npages = 1 + sz % BUF_PAGES, off;
	struct ref_container *c;
	bool vaddr_ok = true;
	int r, want;

	if (g->container < 0)
		return;
	map.flags = (fl & 0x10) ? fl & 0xf : (fl & 0x40) ? VFIO_DMA_MAP_FLAG_VADDR :
		    VFIO_DMA_MAP_FLAG_READ | ((fl & 1) ? VFIO_DMA_MAP_FLAG_WRITE : 0);
	if (fl & 0x20)
		map.argsz = take8(g) % 40;
	map.iova = pick_iova(g, sel);
	map.size = npages * PG;
	if ((sel & 0x18) == 0x08)
		map.size = 0;
	else if ((sel & 0x18) == 0x10)
		map.size += 0x100;
	off = take8(g) % (BUF_PAGES - npages + 1);
	map.vaddr = (uintptr_t)dma_buf + off * PG;
	if (map.flags & VFIO_DMA_MAP_FLAG_VADDR)
		/* 6.1 takes a new vaddr unchecked: one never mapped (0x2000 is
		 * below mmap_min_addr) must fault the device's DMA, not crash */
		map.vaddr = (sel & 0xe0) == 0xe0 ? 0x2000 : (uintptr_t)dma_buf;
	else if ((sel & 0xe0) == 0xe0) {
		map.vaddr = 0;
		vaddr_ok = false;
	}
	if (map.size > sizeof(dma_buf) - (map.vaddr - (uintptr_t)dma_buf) || !map.vaddr)
		vaddr_ok = false;
	r = u_ioctl(g, g->container, VFIO_IOMMU_MAP_DMA, &map);
	c = &g->cont[g->cur];
	if (!c->ngroups || !c->iommu) {
		CHECK(r == -EINVAL, "MAP_DMA without an IOMMU: %d", r);
		return;
	}
	if (!(c = judged(g)))
		return;
	want = ref_map(c, map.argsz, map.flags, map.vaddr, map.iova, map.size, vaddr_ok);
	CHECK(r == want, "MAP_DMA flags %#x iova %#llx size %#llx: %d, want %d", map.flags,
	      (unsigned long long)map.iova, (unsigned long long)map.size, r, want);
}

static void op_unmap(struct prog *g)
{
	struct vfio_iommu_type1_dma_unmap um = { .argsz = sizeof(um) }, in;
	uint8_t sel = take8(g), fl = take8(g), sz = take8(g);
	struct ref_container *c;
	uint64_t want_size = 0;
	int r, want;

	if (g->container < 0)
		return;
	um.flags = (fl & 0x10) ? fl & 0xf : fl & 6;
	um.iova = pick_iova(g, sel);
	um.size = (uint64_t)(1 + sz) * PG;
	if ((sel & 0x18) == 0x08)
		um.size = 0;
	else if ((sel & 0x18) == 0x10)
		um.size += 0x100;
	if (um.flags & VFIO_DMA_UNMAP_FLAG_ALL && (fl & 0x80))
		um.iova = um.size = 0;
	if (fl & 0x20)
		um.argsz = take8(g) % 32;
	if (um.flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP)
		um.argsz = 24 + take8(g) % 24;	/* no bitmap behind: must fail before it is read */
	in = um;	/* size is an output too */
	r = u_ioctl(g, g->container, VFIO_IOMMU_UNMAP_DMA, &um);
	note(g, &um.size, sizeof(um.size));
	c = &g->cont[g->cur];
	if (!c->ngroups || !c->iommu) {
		CHECK(r == -EINVAL, "UNMAP_DMA without an IOMMU: %d", r);
		return;
	}
	if (!(c = judged(g)))
		return;
	want = ref_unmap(c, in.argsz, in.flags, in.iova, in.size, &want_size);
	CHECK(r == want, "UNMAP_DMA flags %#x iova %#llx size %#llx: %d, want %d", in.flags,
	      (unsigned long long)in.iova, (unsigned long long)in.size, r, want);
	CHECK(r < 0 || um.size == want_size, "UNMAP_DMA unmapped %#llx, want %#llx",
	      (unsigned long long)um.size, (unsigned long long)want_size);
}

static void op_dirty(struct prog *g)
{
	struct vfio_iommu_type1_dirty_bitmap d = { .argsz = sizeof(d) };
	uint8_t fl = take8(g);
	struct ref_container *c;
	unsigned bits;
	int r, want;

	if (g->container < 0)
		return;
	d.flags = fl & 0xf;
	if (fl & 0x10)
		d.argsz = fl >> 5;
	r = u_ioctl(g, g->container, VFIO_IOMMU_DIRTY_PAGES, &d);
	c = &g->cont[g->cur];
	bits = __builtin_popcount(d.flags & 7);
	if (!c->ngroups || !c->iommu)
		want = -EINVAL;
	else if (c->iommu != VFIO_TYPE1v2_IOMMU)
		want = -EACCES;
	else if (d.argsz < 8 || (d.flags & ~7u) || bits != 1)
		want = -EINVAL;
	else if (d.flags & VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP)
		want = -EINVAL;		/* data shorter than 40 */
	else
		want = 0;
	CHECK(r == want, "DIRTY_PAGES flags %#x argsz %u: %d, want %d", d.flags, d.argsz, r, want);
}

static void op_set_irqs(struct prog *g)
{
	uint32_t raw[(sizeof(struct vfio_irq_set) + 16) / 4];
	struct vfio_irq_set *set = (void *)raw;
	int32_t *data = (void *)set->data;
	uint8_t a = take8(g), b = take8(g);
	int fd = any_devfd(g), efd[4] = { -1, -1, -1, -1 };
	unsigned i;

	if (fd < 0)
		return;
	memset(raw, 0, sizeof(raw));
	set->index = a % 5;
	set->flags = 1u << (a >> 3 & 3);			/* DATA_NONE/BOOL/EVENTFD/bit 3 */
	set->flags |= (uint32_t)VFIO_IRQ_SET_ACTION_MASK << (a >> 5 & 3);	/* MASK/UNMASK/TRIGGER/bit 6 */
	set->start = b & 3;
	set->count = (b >> 2) & 7;
	set->argsz = sizeof(*set) + ((b & 0x20) ? 0 : 16);
	for (i = 0; i < 4; i++) {
		if (set->flags & VFIO_IRQ_SET_DATA_EVENTFD) {
			efd[i] = (b & 0x40) && i == 1 ? -1 : eventfd(0, EFD_CLOEXEC);
			data[i] = efd[i];
		} else {
			data[i] = (b >> (4 + i)) & 1;
		}
	}
	u_ioctl(g, fd, VFIO_DEVICE_SET_IRQS, raw);
	/* the model holds its own references, as eventfd_ctx_fdget does */
	for (i = 0; i < 4; i++)
		if (efd[i] >= 0)
			close(efd[i]);
}

static void op_region_info(struct prog *g)
{
	union {
		struct vfio_region_info info;
		uint8_t raw[1024];
	} u;
	uint32_t argsz = take16(g) % 600, index = take8(g) % 12, i;
	int fd = any_devfd(g), r;

	if (fd < 0)
		return;
	memset(u.raw, 0xee, sizeof(u.raw));
	memset(u.raw, 0, sizeof(u.info));
	u.info.argsz = argsz;
	u.info.index = index;
	r = u_ioctl(g, fd, VFIO_DEVICE_GET_REGION_INFO, &u.info);
	note(g, u.raw, sizeof(u.raw));
	/* §1.2: minsz 32; nothing is written past argsz */
	if (argsz < 32)
		CHECK(r == -EINVAL, "GET_REGION_INFO argsz %u: %d, want -EINVAL", argsz, r);
	for (i = argsz < 32 ? 32 : argsz; i < sizeof(u.raw); i++)
		CHECK(u.raw[i] == 0xee, "GET_REGION_INFO wrote byte %u past argsz %u", i, argsz);
	if (r == 0 && (u.info.flags & VFIO_REGION_INFO_FLAG_CAPS) && u.info.argsz > argsz)
		CHECK(u.info.cap_offset == 0, "truncated cap chain with cap_offset %u", u.info.cap_offset);
}

static void op_mig_set(struct prog *g)
{
	uint8_t a = take8(g);
	uint32_t target = a & 7, st, cur = g->mig_state;
	uint32_t argsz = (a & 0x80) ? take8(g) % 24 : 16;
	int fd = any_devfd(g), data_fd = -1, r, want;
	bool opens;

	if (fd < 0)
		return;
	if ((a & 0x78) == 0x78)
		target = 8 + take8(g);	/* out of range */
	st = target;
	r = mig_feature(g, fd, argsz, VFIO_DEVICE_FEATURE_SET, &st, &data_fd);
	if (argsz < 16) {
		CHECK(r == -EINVAL, "MIG_DEVICE_STATE SET argsz %u: %d", argsz, r);
		CHECK(mig_get(g, fd) == cur, "state moved by a refused SET");
		return;
	}
	want = ref_mig_set(g->mig_flags, cur, target, &opens);
	st = mig_get(g, fd);
	if (cur == VFIO_DEVICE_STATE_RESUMING && target != cur && want == 0 && r < 0) {
		/* RESUMING->STOP loads the image and may fail: §1.7 leaves
		 * RESUMING, STOP or ERROR */
		CHECK(data_fd == -1, "failed SET returned a data fd");
		CHECK(st == VFIO_DEVICE_STATE_RESUMING || st == VFIO_DEVICE_STATE_STOP ||
		      st == VFIO_DEVICE_STATE_ERROR, "state %u after a failed resume", st);
		g->mig_state = st;
		return;
	}
	CHECK(r == want, "SET %u -> %u: %d, want %d", cur, target, r, want);
	if (r < 0) {
		CHECK(st == cur, "refused SET %u -> %u moved the state to %u", cur, target, st);
		return;
	}
	CHECK(st == target, "SET %u -> %u left the state at %u", cur, target, st);
	CHECK((data_fd >= 0) == opens, "SET %u -> %u data_fd %d", cur, target, data_fd);
	g->mig_state = target;
	if (data_fd >= 0) {
		close_data_fd(g);
		g->data_fd = data_fd;
	}
}

static void op_mig_get(struct prog *g)
{
	int fd = any_devfd(g);

	if (fd < 0)
		return;
	CHECK(mig_get(g, fd) == g->mig_state, "GET disagrees with the model (%u)", g->mig_state);
}

static void op_region_rw(struct prog *g)
{
	uint8_t a = take8(g), buf[64];
	uint64_t off = ((uint64_t)(a & 7) << 40) | (take16(g) & 0x7fff);
	size_t len = 1 + take8(g) % sizeof(buf);
	int fd = any_devfd(g);
	ssize_t r;

	if (fd < 0)
		return;
	if (a & 0x10) {
		size_t i;

		for (i = 0; i < len; i++)
			buf[i] = take8(g);
		r = u_pwrite(g, fd, buf, len, (off_t)off);
	} else {
		r = u_pread(g, fd, buf, len, (off_t)off);
	}
	CHECK(r <= (ssize_t)len, "region access returned %zd for %zu bytes", r, len);
}

static void op_data_rw(struct prog *g)
{
	uint8_t a = take8(g), buf[256];
	size_t len = 1 + take8(g) % sizeof(buf), i;
	ssize_t r;

	if (g->data_fd < 0)
		return;
	if (a & 1) {
		for (i = 0; i < len; i++)
			buf[i] = take8(g);
		r = u_write(g, g->data_fd, buf, len);
	} else {
		r = u_read(g, g->data_fd, buf, len);
	}
	CHECK(r <= (ssize_t)len, "data fd access returned %zd for %zu bytes", r, len);
}

static void op_reset(struct prog *g)
{
	int fd = any_devfd(g), r;

	if (fd < 0)
		return;
	r = u_ioctl(g, fd, VFIO_DEVICE_RESET, NULL);
	/* §1.7: reset leaves ERROR (and any state) for RUNNING */
	if (r == 0)
		g->mig_state = VFIO_DEVICE_STATE_RUNNING;
	CHECK(mig_get(g, fd) == g->mig_state, "state after RESET (%d)", r);
}

static void (*const ops[])(struct prog *g) = {
	op_open_container, op_open_group, op_close, op_set_container, op_unset_container,
	op_set_iommu, op_get_device_fd, op_map, op_unmap, op_dirty, op_set_irqs,
	op_region_info, op_mig_set, op_mig_get, op_region_rw, op_data_rw, op_reset,
	op_map, op_unmap, op_mig_set,	/* the judged ones twice as likely */
};
#define NOPS (sizeof(ops) / sizeof(ops[0]))

/* One program on @host and @dev (fresh, or from slot_get); its trace. */
static uint64_t run(struct vfsim_host *host, struct vfsim_dev *dev, const uint8_t *data, size_t size)
{
	struct prog *g = &P;
	uint64_t feat[2];
	struct vfio_device_feature *f = (void *)feat;
	struct vfio_device_feature_migration *mf = (void *)(f + 1);
	unsigned i, nops = 0;
	int fd;

	/* cont[1..] are cleared as containers open: 100 KiB not to clear */
	memset(g, 0, offsetof(struct prog, cont) + sizeof(g->cont[0]));
	g->container = g->group = g->data_fd = -1;
	g->host = host;
	g->dev = dev;
	g->trace = 0xcbf29ce484222325ull;
	g->p = data + 1;
	g->n = size - 1;
	g->mig_state = VFIO_DEVICE_STATE_RUNNING;
	g->mig_flags = 0;
	while (g->n && nops++ < MAX_OPS) {
		uint8_t op = take8(g);

		ops[op % NOPS](g);
		if (!g->mig_flags && g->ndevfd) {
			/* the support set, once a device fd exists (§1.4 MIGRATION GET) */
			memset(feat, 0, sizeof(feat));
			f->argsz = sizeof(feat);
			f->flags = VFIO_DEVICE_FEATURE_MIGRATION | VFIO_DEVICE_FEATURE_GET;
			CHECK(u_ioctl(g, g->devfd[0], VFIO_DEVICE_FEATURE, feat) == 0,
			      "MIGRATION GET failed");
			g->mig_flags = (uint32_t)mf->flags;
			note(g, &g->mig_flags, sizeof(g->mig_flags));
			CHECK(g->mig_flags & VFIO_MIGRATION_STOP_COPY, "no STOP_COPY");
		}
	}
	/* close in the kernel's usual order; anything else the host holds
	 * then makes slot_get free it and make a new one */
	close_data_fd(g);
	for (i = g->ndevfd; i; i--)
		close_devfd(g, i - 1);
	fd = g->group;
	if (fd >= 0)
		u_close(g, fd);
	if (g->container >= 0)
		u_close(g, g->container);
	return g->trace;
}

/* FUZZ_UAPI_CHECK_RENEW: the same program on a fresh host and device, from
 * the same DMA buffer, must return and read the same (trace), leave the
 * same in the DMA buffer and the device in the same state. */
static void check_fresh(const uint8_t *data, size_t size, struct slot *s, uint64_t trace,
			const uint8_t *dma_before)
{
	static uint8_t dma_after[sizeof(dma_buf)];
	struct slot fresh;
	char diff[256];
	uint64_t t;

	memcpy(dma_after, dma_buf, sizeof(dma_buf));
	memcpy(dma_buf, dma_before, sizeof(dma_buf));
	slot_new(&fresh, profiles[data[0] % NPROFILES]);
	t = run(fresh.host, fresh.dev, data, size);
	if (t != trace || memcmp(dma_after, dma_buf, sizeof(dma_buf))) {
		fprintf(stderr, "fuzz-uapi: a reused host and device answered unlike fresh ones "
				"(trace %016llx vs %016llx%s)\n", (unsigned long long)trace,
			(unsigned long long)t, t == trace ? ", DMA buffer differs" : "");
		abort();
	}
	if (vfsim_dev_compare(fresh.dev, s->dev, diff, sizeof(diff))) {
		fprintf(stderr, "fuzz-uapi: a renewed device ended unlike a fresh one: %s\n", diff);
		abort();
	}
	slot_drop(&fresh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t dma_before[sizeof(dma_buf)];
	struct slot *s;
	uint64_t trace;

	if (!size || size > FUZZ_MAX_LEN)
		return 0;
	if (!profiles[0])
		LLVMFuzzerInitialize(NULL, NULL);
	s = slot_get(data[0] % NPROFILES);
	if (check_renew)
		memcpy(dma_before, dma_buf, sizeof(dma_buf));
	trace = run(s->host, s->dev, data, size);
	if (check_renew)
		check_fresh(data, size, s, trace, dma_before);
	return 0;
}
