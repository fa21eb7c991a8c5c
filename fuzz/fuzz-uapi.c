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
 * not in the model). Everything is closed per input.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "fuzz.h"
#include "include/vfsim.h"
#include "vfio-compat.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "fixtures"
#endif

#define MAX_OPS 64
#define MAX_DEVFDS 4
#define MAX_MAPS (MAX_OPS + 1)
#define NCONT (MAX_OPS + 2)
#define PG 4096ull
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

/* ---- the reference model ---------------------------------------------------- */

struct ref_map {
	uint64_t iova, size;
	bool vaddr_invalid;
};

struct ref_container {
	unsigned ngroups;
	uint32_t iommu;			/* 0 = none, else the type */
	unsigned nmaps;
	struct ref_map maps[MAX_MAPS];
};

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
	struct ref_container cont[NCONT];
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

/* ---- type1 reference (§1.6, [6.1] check order) ------------------------------ */

static bool range_allowed(uint64_t first, uint64_t last)
{
	/* vfsim_host_new(NULL): below 2^48 except the MSI window (inclusive ends) */
	static const uint64_t r[][2] = {
		{ 0, 0xfedfffffull },
		{ 0xfef00000ull, (1ull << 48) - 1 },
	};
	size_t i;

	for (i = 0; i < 2; i++)
		if (first >= r[i][0] && last <= r[i][1])
			return true;
	return false;
}

static struct ref_map *ref_overlap(struct ref_container *c, uint64_t first, uint64_t last)
{
	unsigned i;

	for (i = 0; i < c->nmaps; i++) {
		struct ref_map *m = &c->maps[i];

		if (m->iova <= last && m->iova + m->size - 1 >= first)
			return m;
	}
	return NULL;
}

static int ref_map(struct ref_container *c, uint32_t argsz, uint32_t flags, uint64_t vaddr,
		   uint64_t iova, uint64_t size, bool vaddr_ok)
{
	bool prot = flags & (VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
	bool set_vaddr = flags & VFIO_DMA_MAP_FLAG_VADDR;
	struct ref_map *m;

	if (argsz < 32 || (flags & ~7u))
		return -EINVAL;
	if (prot == set_vaddr)
		return -EINVAL;
	if (!size || ((size | iova | vaddr) & (PG - 1)))
		return -EINVAL;
	if (iova + size - 1 < iova || vaddr + size - 1 < vaddr)
		return -EINVAL;
	m = ref_overlap(c, iova, iova + size - 1);
	if (set_vaddr) {
		if (!m)
			return -ENOENT;
		if (!m->vaddr_invalid || m->iova != iova || m->size != size)
			return -EINVAL;
		m->vaddr_invalid = false;
		return 0;
	}
	if (m)
		return -EEXIST;
	if (!range_allowed(iova, iova + size - 1))
		return -EINVAL;
	if (!vaddr_ok)
		return -EFAULT;
	if (c->nmaps >= MAX_MAPS)
		abort();	/* one per op at most */
	c->maps[c->nmaps++] = (struct ref_map){ .iova = iova, .size = size };
	return 0;
}

static int ref_unmap(struct ref_container *c, uint32_t argsz, uint32_t flags, uint64_t iova,
		     uint64_t size, uint64_t *ret_size)
{
	bool all = flags & VFIO_DMA_UNMAP_FLAG_ALL, inval = flags & VFIO_DMA_UNMAP_FLAG_VADDR;
	uint64_t first, last, total = 0;
	unsigned i, j;

	if (argsz < 24 || (flags & ~7u))
		return -EINVAL;
	if ((flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP) && (all || inval))
		return -EINVAL;
	if ((flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP) && argsz < 48)
		return -EINVAL;
	if (iova & (PG - 1))
		return -EINVAL;
	if (all) {
		if (iova || size)
			return -EINVAL;
		first = 0;
		last = ~0ull;
	} else {
		if (!size || (size & (PG - 1)) || iova + size - 1 < iova)
			return -EINVAL;
		first = iova;
		last = iova + size - 1;
		/* v2: neither end may fall inside a mapping */
		for (i = 0; i < c->nmaps; i++) {
			uint64_t s = c->maps[i].iova, e = s + c->maps[i].size - 1;

			if ((first > s && first <= e) || (last >= s && last < e))
				return -EINVAL;
		}
	}
	if (inval) {
		for (i = 0; i < c->nmaps; i++)
			if (c->maps[i].iova >= first && c->maps[i].iova <= last && c->maps[i].vaddr_invalid)
				return -EINVAL;	/* the call's marks are rolled back */
		for (i = 0; i < c->nmaps; i++)
			if (c->maps[i].iova >= first && c->maps[i].iova <= last) {
				c->maps[i].vaddr_invalid = true;
				total += c->maps[i].size;
			}
		*ret_size = total;
		return 0;
	}
	for (i = j = 0; i < c->nmaps; i++) {
		if (c->maps[i].iova >= first && c->maps[i].iova <= last)
			total += c->maps[i].size;
		else
			c->maps[j++] = c->maps[i];
	}
	c->nmaps = j;
	*ret_size = total;
	return 0;
}

/* ---- migration reference (§1.7) ---------------------------------------------- */

static bool mig_supported(uint32_t flags, uint32_t s)
{
	switch (s) {
	case VFIO_DEVICE_STATE_STOP:
	case VFIO_DEVICE_STATE_RUNNING:
	case VFIO_DEVICE_STATE_STOP_COPY:
	case VFIO_DEVICE_STATE_RESUMING:
		return flags & VFIO_MIGRATION_STOP_COPY;
	case VFIO_DEVICE_STATE_RUNNING_P2P:
		return (flags & VFIO_MIGRATION_P2P) && (flags & VFIO_MIGRATION_STOP_COPY);
	case VFIO_DEVICE_STATE_PRE_COPY:
		return (flags & VFIO_MIGRATION_PRE_COPY) && (flags & VFIO_MIGRATION_STOP_COPY);
	case VFIO_DEVICE_STATE_PRE_COPY_P2P:
		return (flags & 7) == 7;
	default:
		return false;	/* ERROR is never requested; > 7 is out of range */
	}
}

static bool is_precopy(uint32_t s)
{
	return s == VFIO_DEVICE_STATE_PRE_COPY || s == VFIO_DEVICE_STATE_PRE_COPY_P2P;
}

/* Expected errno of SET(@target) from @cur; *opens_fd: does the path's last
 * arc return a new data fd (the '*' cells of the combination tables). */
static int ref_mig_set(uint32_t flags, uint32_t cur, uint32_t target, bool *opens_fd)
{
	*opens_fd = false;
	if (cur == VFIO_DEVICE_STATE_ERROR || !mig_supported(flags, target))
		return -EINVAL;
	if (cur == VFIO_DEVICE_STATE_STOP_COPY && is_precopy(target))
		return -EINVAL;	/* blocked: STOP_COPY -> PRE_COPY(_P2P) */
	if (cur == target)
		return 0;
	if (target == VFIO_DEVICE_STATE_RESUMING)
		*opens_fd = true;
	else if (target == VFIO_DEVICE_STATE_STOP_COPY || is_precopy(target))
		*opens_fd = !is_precopy(cur);	/* inside the saving group the fd continues */
	return 0;
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
	r = vfsim_ioctl(g->host, fd, VFIO_DEVICE_FEATURE, buf);
	*state = m->device_state;
	if (data_fd)
		*data_fd = m->data_fd;
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
		vfsim_close(g->host, g->data_fd);
	g->data_fd = -1;
}

static void close_devfd(struct prog *g, unsigned i)
{
	CHECK(vfsim_close(g->host, g->devfd[i]) == 0, "close of a device fd failed");
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
		vfsim_close(g->host, g->container);
		g->container = -1;
		g->cur = 0;
	}
	g->container = vfsim_open(g->host, "/dev/vfio/vfio", O_RDWR);
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
	fd = vfsim_open(g->host, path, O_RDWR);
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
		vfsim_close(g->host, g->container);	/* the container lives on while groups hold it */
		g->container = -1;
		g->cur = 0;
		return;
	case 1:
		if (g->group < 0)
			return;
		vfsim_close(g->host, g->group);
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
	r = vfsim_ioctl(g->host, g->group, VFIO_GROUP_SET_CONTAINER, &arg);
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
	r = vfsim_ioctl(g->host, g->group, VFIO_GROUP_UNSET_CONTAINER, NULL);
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
	r = vfsim_ioctl(g->host, g->container, VFIO_SET_IOMMU, (void *)type);
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
	r = vfsim_ioctl(g->host, g->group, VFIO_GROUP_GET_DEVICE_FD, name);
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
		/* 6.1 does not check a new vaddr (it is only used at the next
		 * pin); the model copies through it and refuses an unmapped one
		 * with EFAULT: a deliberate deviation, not judged here */
		map.vaddr = (uintptr_t)dma_buf;
	else if ((sel & 0xe0) == 0xe0) {
		map.vaddr = 0;
		vaddr_ok = false;
	}
	if (map.size > sizeof(dma_buf) - (map.vaddr - (uintptr_t)dma_buf) || !map.vaddr)
		vaddr_ok = false;
	r = vfsim_ioctl(g->host, g->container, VFIO_IOMMU_MAP_DMA, &map);
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
	r = vfsim_ioctl(g->host, g->container, VFIO_IOMMU_UNMAP_DMA, &um);
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
	r = vfsim_ioctl(g->host, g->container, VFIO_IOMMU_DIRTY_PAGES, &d);
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
	vfsim_ioctl(g->host, fd, VFIO_DEVICE_SET_IRQS, raw);
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
	r = vfsim_ioctl(g->host, fd, VFIO_DEVICE_GET_REGION_INFO, &u.info);
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
		r = vfsim_pwrite(g->host, fd, buf, len, (off_t)off);
	} else {
		r = vfsim_pread(g->host, fd, buf, len, (off_t)off);
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
		r = vfsim_write(g->host, g->data_fd, buf, len);
	} else {
		r = vfsim_read(g->host, g->data_fd, buf, len);
	}
	CHECK(r <= (ssize_t)len, "data fd access returned %zd for %zu bytes", r, len);
}

static void op_reset(struct prog *g)
{
	int fd = any_devfd(g), r;

	if (fd < 0)
		return;
	r = vfsim_ioctl(g->host, fd, VFIO_DEVICE_RESET, NULL);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prog *g = &P;
	uint64_t feat[2];
	struct vfio_device_feature *f = (void *)feat;
	struct vfio_device_feature_migration *mf = (void *)(f + 1);
	unsigned i, nops = 0;
	int fd;

	if (!size || size > FUZZ_MAX_LEN)
		return 0;
	if (!profiles[0])
		LLVMFuzzerInitialize(NULL, NULL);
	memset(g, 0, sizeof(*g));
	g->container = g->group = g->data_fd = -1;
	if (vfsim_dev_new(profiles[data[0] % NPROFILES], &g->dev) < 0)
		abort();
	if (vfsim_host_new(NULL, &g->host) < 0 ||
	    vfsim_host_add_device(g->host, g->dev, GROUP_ID, BDF) < 0)
		abort();
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
			CHECK(vfsim_ioctl(g->host, g->devfd[0], VFIO_DEVICE_FEATURE, feat) == 0,
			      "MIGRATION GET failed");
			g->mig_flags = (uint32_t)mf->flags;
			CHECK(g->mig_flags & VFIO_MIGRATION_STOP_COPY, "no STOP_COPY");
		}
	}
	/* close in the kernel's usual order, then the host for the rest */
	close_data_fd(g);
	for (i = g->ndevfd; i; i--)
		close_devfd(g, i - 1);
	fd = g->group;
	if (fd >= 0)
		vfsim_close(g->host, fd);
	if (g->container >= 0)
		vfsim_close(g->host, g->container);
	vfsim_host_free(g->host);
	vfsim_dev_free(g->dev);
	return 0;
}
