/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * White-box tests of the region half of uapi-device.c through the public
 * file API: GET_REGION_INFO for every index of every fixture profile, its
 * argsz/caps truncation matrix and capability chain, pread/pwrite routing by
 * region, and mmap of whole BARs and sparse areas. Expected values are
 * transcribed from fixtures/devices/<name>.json and the kernel-uapi spec
 * (conformance items 25-32), never read back from sim/.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uapi.h"
#include "rules.h"
#include "test-util.h"

#define IDX(i) ((off_t)((uint64_t)(i) << 40))

/* ---- GET_REGION_INFO: every index of every profile ------------------------------- */

#define RW (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE)
#define MM VFIO_REGION_INFO_FLAG_MMAP
#define CP VFIO_REGION_INFO_FLAG_CAPS

struct region_expect {
	int rc;			/* 0 or -EINVAL */
	int rule;
	uint64_t size;
	uint32_t flags;		/* CAPS included when the region has caps */
	uint32_t full;		/* argsz that holds struct + chain (0: no caps) */
};

#define NOVGA { -EINVAL, RULE_DEV_REGION_VGA_ABSENT, 0, 0, 0 }
#define NOIDX { -EINVAL, RULE_DEV_REGION_INDEX, 0, 0, 0 }
#define NONE { 0, 0, 0, 0, 0 }	/* absent BAR/ROM: size 0, flags 0, success */
#define R(size, flags, full) { 0, 0, size, flags, full }
#define CFG256 R(256, RW, 0)
#define CFG4K R(4096, RW, 0)

static const struct region_profile {
	const char *profile;
	struct region_expect r[11];	/* indices 0..10 */
} region_cases[] = {
	{ "minimal", { NONE, NONE, NONE, NONE, NONE, NONE, NONE, CFG256, NOVGA, NOIDX, NOIDX } },
	{ "gpio", { R(32, RW, 0), R(0x1000, RW, 0), NONE, NONE, NONE, NONE, NONE, CFG256,
		    NOVGA, NOIDX, NOIDX } },
	/* nvme BAR0: sparse cap of 16 + 2 areas * 16 bytes */
	{ "nvme", { R(0x4000, RW | MM | CP, 32 + 48), NONE, NONE, NONE, NONE, NONE, NONE, CFG4K,
		    NOVGA, NOIDX, NOIDX } },
	/* dmaengine BAR0: sparse cap 16 + 16; region 9: TYPE cap 16 */
	{ "dmaengine", { R(0x4000, RW | MM | CP, 32 + 32), NONE, R(0x100000, RW | MM, 0), NONE,
			 NONE, NONE, R(0x10000, VFIO_REGION_INFO_FLAG_READ, 0), CFG4K, NOVGA,
			 R(0x1000, RW | CP, 32 + 16), NOIDX } },
	{ "mig-stopcopy", { R(0x1000, RW, 0), NONE, R(0x4000, RW | MM, 0), NONE, NONE, NONE, NONE,
			    CFG4K, NOVGA, NOIDX, NOIDX } },
	{ "mig-p2p", { R(0x1000, RW, 0), NONE, R(0x4000, RW | MM, 0), NONE, NONE, NONE, NONE,
		       CFG4K, NOVGA, NOIDX, NOIDX } },
	{ "mig-precopy", { R(0x1000, RW, 0), NONE, R(0x4000, RW | MM, 0), NONE, NONE, NONE, NONE,
			   CFG4K, NOVGA, NOIDX, NOIDX } },
};

static int region_info(struct tu_vfio *e, struct tu_vdev *t, uint32_t index, uint32_t argsz,
		       uint8_t *buf, size_t len)
{
	memset(buf, 0xa5, len);
	memcpy(buf + offsetof(struct vfio_region_info, argsz), &argsz, sizeof(argsz));
	memcpy(buf + offsetof(struct vfio_region_info, index), &index, sizeof(index));
	return vfsim_ioctl(e->host, t->fd, VFIO_DEVICE_GET_REGION_INFO, buf);
}

static void test_region_every_index(void **state)
{
	size_t i;
	uint32_t idx;

	for (i = 0; i < sizeof(region_cases) / sizeof(region_cases[0]); i++) {
		const struct region_profile *c = &region_cases[i];
		struct tu_vfio e;
		struct tu_vdev *t;

		t = tu_vfio_open(&e, c->profile, 3, "0000:00:05.0");
		for (idx = 0; idx < 11; idx++) {
			const struct region_expect *x = &c->r[idx];
			uint8_t buf[256];
			struct vfio_region_info info;
			int rc;

			rc = region_info(&e, t, idx, sizeof(buf), buf, sizeof(buf));
			if (x->rc) {
				tu_assert_rejected(rc, x->rc, x->rule);
				continue;
			}
			assert_int_equal(rc, 0);
			memcpy(&info, buf, sizeof(info));
			assert_int_equal(info.index, idx);
			assert_true(info.offset == (uint64_t)idx << 40);	/* item 29 */
			assert_true(info.size == x->size);
			assert_int_equal(info.flags, x->flags);
			if (x->full) {
				assert_int_equal(info.argsz, sizeof(buf));
				assert_int_equal(info.cap_offset, 32);
			} else {
				/* No caps: cap_offset is left as the caller wrote it. */
				assert_int_equal(info.cap_offset, 0xa5a5a5a5u);
			}
		}
		tu_vfio_close(&e);
	}
}

/* Item 28 and 26/27 by name (the matrix above covers every profile). */
static void test_region_named_items(void **state)
{
	struct tu_vfio e;
	struct tu_vdev *t;
	uint8_t buf[64];
	struct vfio_region_info info;

	t = tu_vfio_open(&e, "gpio", 3, "0000:00:05.0");
	/* region_minsz (25) */
	tu_assert_rejected(region_info(&e, t, 0, 31, buf, sizeof(buf)), -EINVAL,
			   RULE_DEV_REGION_ARGSZ);
	/* region_index_oob (26): num_regions = 9 */
	tu_assert_rejected(region_info(&e, t, 9, 32, buf, sizeof(buf)), -EINVAL,
			   RULE_DEV_REGION_INDEX);
	tu_assert_rejected(region_info(&e, t, 0xffffffffu, 32, buf, sizeof(buf)), -EINVAL,
			   RULE_DEV_REGION_INDEX);
	/* region_vga_absent (27) */
	tu_assert_rejected(region_info(&e, t, 8, 32, buf, sizeof(buf)), -EINVAL,
			   RULE_DEV_REGION_VGA_ABSENT);
	/* region_bar_absent (28): BAR2 of gpio */
	assert_int_equal(region_info(&e, t, 2, 32, buf, sizeof(buf)), 0);
	memcpy(&info, buf, sizeof(info));
	assert_true(info.size == 0);
	assert_int_equal(info.flags, 0);
	/* 32 bytes copied back, nothing more. */
	assert_int_equal(buf[32], 0xa5);
	tu_vfio_close(&e);
}

/* ---- GET_REGION_INFO: truncation matrix and chain walk ----------------------------- */

struct cap_expect {
	uint16_t id, version;
	uint32_t a, b;		/* TYPE: type/subtype; SPARSE: nr_areas, - */
	uint64_t areas[2][2];
};

static const struct trunc_case {
	const char *profile;
	uint32_t index;
	uint32_t full;		/* 32 + chain */
	unsigned ncaps;
	struct cap_expect caps[2];
} trunc_cases[] = {
	{ "dmaengine", 9, 48, 1,
	  { { VFIO_REGION_INFO_CAP_TYPE, 1, 0x80001234u, 1, { { 0, 0 } } } } },
	{ "dmaengine", 0, 64, 1,
	  { { VFIO_REGION_INFO_CAP_SPARSE_MMAP, 1, 1, 0, { { 0x1000, 0x3000 } } } } },
	{ "nvme", 0, 80, 1,
	  { { VFIO_REGION_INFO_CAP_SPARSE_MMAP, 1, 2, 0,
	      { { 0x0, 0x2000 }, { 0x3000, 0x1000 } } } } },
};

static void check_chain(const uint8_t *buf, uint32_t argsz, const struct trunc_case *c)
{
	struct vfio_region_info info;
	uint32_t off;
	unsigned n = 0;

	memcpy(&info, buf, sizeof(info));
	off = info.cap_offset;
	assert_int_equal(off, 32);	/* item 31 */
	while (off) {
		struct vfio_info_cap_header h;
		const struct cap_expect *x;

		assert_true(n < c->ncaps);	/* hop budget: no more caps than expected */
		x = &c->caps[n];
		/* item 32: relative to the struct start, inside argsz, aligned */
		assert_int_equal(off % 4, 0);
		assert_true(off >= 32 && off + sizeof(h) <= argsz);
		memcpy(&h, buf + off, sizeof(h));
		assert_int_equal(h.id, x->id);
		assert_int_equal(h.version, x->version);
		if (h.id == VFIO_REGION_INFO_CAP_TYPE) {
			struct vfio_region_info_cap_type t;

			memcpy(&t, buf + off, sizeof(t));
			assert_int_equal(t.type, x->a);
			assert_int_equal(t.subtype, x->b);
		} else if (h.id == VFIO_REGION_INFO_CAP_SPARSE_MMAP) {
			struct vfio_region_info_cap_sparse_mmap s;
			unsigned k;

			memcpy(&s, buf + off, sizeof(s));
			assert_int_equal(s.nr_areas, x->a);
			assert_int_equal(s.reserved, 0);
			for (k = 0; k < s.nr_areas; k++) {
				struct vfio_region_sparse_mmap_area a;

				memcpy(&a, buf + off + sizeof(s) + k * sizeof(a), sizeof(a));
				assert_true(a.offset == x->areas[k][0]);
				assert_true(a.size == x->areas[k][1]);
			}
		}
		off = h.next;
		n++;
	}
	assert_int_equal(n, c->ncaps);	/* chain ends with next == 0 */
}

static void test_region_caps_truncation(void **state)
{
	size_t i, j;

	for (i = 0; i < sizeof(trunc_cases) / sizeof(trunc_cases[0]); i++) {
		const struct trunc_case *c = &trunc_cases[i];
		const uint32_t argszs[] = { 31, 32, c->full - 1, c->full, c->full + 40 };
		struct tu_vfio e;
		struct tu_vdev *t;

		t = tu_vfio_open(&e, c->profile, 4, "0000:00:06.0");
		for (j = 0; j < sizeof(argszs) / sizeof(argszs[0]); j++) {
			uint8_t buf[256];
			struct vfio_region_info info;
			uint32_t k;
			int rc;

			rc = region_info(&e, t, c->index, argszs[j], buf, sizeof(buf));
			if (argszs[j] < 32) {
				tu_assert_rejected(rc, -EINVAL, RULE_DEV_REGION_ARGSZ);
				continue;
			}
			assert_int_equal(rc, 0);
			memcpy(&info, buf, sizeof(info));
			assert_true(info.flags & VFIO_REGION_INFO_FLAG_CAPS);
			if (argszs[j] < c->full) {
				/* items 23/30: rc 0, CAPS, argsz grown, cap_offset 0, no caps */
				assert_int_equal(info.argsz, c->full);
				assert_int_equal(info.cap_offset, 0);
				for (k = 32; k < sizeof(buf); k++)
					assert_int_equal(buf[k], 0xa5);
			} else {
				/* item 31: argsz is left as given, chain copied */
				assert_int_equal(info.argsz, argszs[j]);
				check_chain(buf, argszs[j], c);
				for (k = c->full; k < sizeof(buf); k++)
					assert_int_equal(buf[k], 0xa5);
			}
		}
		tu_vfio_close(&e);
	}
}

/* ---- pread / pwrite -------------------------------------------------------------- */

static void test_rw(void **state)
{
	struct tu_vfio e;
	struct tu_vdev *t;
	uint8_t buf[64];
	uint16_t vid = 0;

	t = tu_vfio_open(&e, "dmaengine", 2, "0000:00:02.0");
	/* config space: vendor ID 0x1b36 from the fixture */
	assert_int_equal(vfsim_pread(e.host, t->fd, &vid, 2, IDX(7)), 2);
	assert_int_equal(vid, 0x1b36);
	tu_assert_rejected((int)vfsim_pread(e.host, t->fd, buf, 4, IDX(7) + 4094), -EFAULT,
			   RULE_DEV_RW_CFG_RANGE);
	tu_assert_rejected((int)vfsim_pread(e.host, t->fd, buf, 4, IDX(7) + 4096), -EFAULT,
			   RULE_DEV_RW_CFG_RANGE);
	/* BAR2 (1 MiB): crossing the end is cut short, at the end refused */
	assert_int_equal(vfsim_pread(e.host, t->fd, buf, 16, IDX(2) + 0x100000 - 4), 4);
	tu_assert_rejected((int)vfsim_pread(e.host, t->fd, buf, 4, IDX(2) + 0x100000), -EINVAL,
			   RULE_REGION_RANGE);
	tu_assert_rejected((int)vfsim_pread(e.host, t->fd, buf, 4, IDX(1)), -EINVAL,
			   RULE_REGION_ABSENT);
	tu_assert_rejected((int)vfsim_pwrite(e.host, t->fd, buf, 4, IDX(6)), -EINVAL,
			   RULE_REGION_NO_WRITE);
	assert_int_equal(vfsim_pread(e.host, t->fd, buf, 4, IDX(6)), 4);
	tu_assert_rejected((int)vfsim_pread(e.host, t->fd, buf, 4, IDX(10)), -EINVAL,
			   RULE_REGION_INDEX);
	tu_assert_rejected((int)vfsim_pread(e.host, t->fd, buf, 4, IDX(8)), -EINVAL,
			   RULE_REGION_ABSENT);
	/* device-specific region 9: read/write */
	memset(buf, 0x3c, 8);
	assert_int_equal(vfsim_pwrite(e.host, t->fd, buf, 8, IDX(9) + 8), 8);
	memset(buf, 0, 8);
	assert_int_equal(vfsim_pread(e.host, t->fd, buf, 8, IDX(9) + 8), 8);
	assert_int_equal(buf[7], 0x3c);
	tu_vfio_close(&e);
}

/* ---- mmap ---------------------------------------------------------------------- */

static void test_mmap_sparse(void **state)
{
	struct tu_vfio e;
	struct tu_vdev *t;
	void *p = NULL;
	uint32_t v = 0, w = 0x600dcafe;
	long ps = sysconf(_SC_PAGESIZE);

	if (ps != 4096)
		skip();	/* the fixtures' areas are laid out in 4 KiB pages */
	t = tu_vfio_open(&e, "dmaengine", 2, "0000:00:02.0");
	/* dmaengine BAR0: one sparse area [0x1000, 0x4000) */
	assert_int_equal(vfsim_mmap(e.host, t->fd, 0x1000, PROT_READ | PROT_WRITE, MAP_SHARED,
				    IDX(0) + 0x1000, &p), 0);
	((volatile uint32_t *)p)[1] = 0xabcd1234;
	assert_int_equal(vfsim_pread(e.host, t->fd, &v, 4, IDX(0) + 0x1004), 4);
	assert_int_equal(v, 0xabcd1234);
	assert_int_equal(vfsim_pwrite(e.host, t->fd, &w, 4, IDX(0) + 0x1010), 4);
	assert_int_equal(((volatile uint32_t *)p)[4], w);
	assert_int_equal(vfsim_munmap(e.host, p, 0x1000), 0);
	assert_int_equal(vfsim_mmap(e.host, t->fd, 0x3000, PROT_READ, MAP_SHARED, IDX(0) + 0x1000,
				    &p), 0);
	assert_int_equal(vfsim_munmap(e.host, p, 0x3000), 0);

	/* outside the sparse area */
	tu_assert_rejected(vfsim_mmap(e.host, t->fd, 0x1000, PROT_READ, MAP_SHARED, IDX(0), &p),
			   -EINVAL, RULE_DEV_MMAP_RANGE);
	tu_assert_rejected(vfsim_mmap(e.host, t->fd, 0x4000, PROT_READ, MAP_SHARED, IDX(0), &p),
			   -EINVAL, RULE_DEV_MMAP_RANGE);
	tu_assert_rejected(vfsim_mmap(e.host, t->fd, 0x2000, PROT_READ, MAP_SHARED, IDX(0) + 0x3000,
				      &p), -EINVAL, RULE_DEV_MMAP_RANGE);
	/* BAR2 has no sparse areas: the whole BAR, no more */
	assert_int_equal(vfsim_mmap(e.host, t->fd, 0x100000, PROT_READ, MAP_SHARED, IDX(2), &p), 0);
	assert_int_equal(vfsim_munmap(e.host, p, 0x100000), 0);
	tu_assert_rejected(vfsim_mmap(e.host, t->fd, 0x2000, PROT_READ, MAP_SHARED,
				      IDX(2) + 0xff000,
				      &p), -EINVAL, RULE_DEV_MMAP_RANGE);
	/* regions without MMAP, MAP_PRIVATE, index out of range */
	tu_assert_rejected(vfsim_mmap(e.host, t->fd, 0x1000, PROT_READ, MAP_SHARED, IDX(6), &p),
			   -EINVAL, RULE_DEV_MMAP_NOT_MMAP);
	tu_assert_rejected(vfsim_mmap(e.host, t->fd, 0x1000, PROT_READ, MAP_SHARED, IDX(7), &p),
			   -EINVAL, RULE_DEV_MMAP_NOT_MMAP);
	tu_assert_rejected(vfsim_mmap(e.host, t->fd, 0x1000, PROT_READ, MAP_SHARED, IDX(9), &p),
			   -EINVAL, RULE_DEV_MMAP_NOT_MMAP);
	tu_assert_rejected(vfsim_mmap(e.host, t->fd, 0x1000, PROT_READ, MAP_PRIVATE,
				      IDX(0) + 0x1000,
				      &p), -EINVAL, RULE_DEV_MMAP_SHARED);
	tu_assert_rejected(vfsim_mmap(e.host, t->fd, 0x1000, PROT_READ, MAP_SHARED, IDX(10), &p),
			   -EINVAL, RULE_DEV_MMAP_INDEX);
	tu_vfio_close(&e);
}

static void test_mmap_two_areas(void **state)
{
	struct tu_vfio e;
	struct tu_vdev *t;
	void *p = NULL;

	if (sysconf(_SC_PAGESIZE) != 4096)
		skip();
	t = tu_vfio_open(&e, "nvme", 2, "0000:00:02.0");
	/* nvme BAR0: [0, 0x2000) and [0x3000, 0x4000); the MSI-X table is at 0x2000 */
	assert_int_equal(vfsim_mmap(e.host, t->fd, 0x2000, PROT_READ, MAP_SHARED, IDX(0), &p), 0);
	assert_int_equal(vfsim_munmap(e.host, p, 0x2000), 0);
	assert_int_equal(vfsim_mmap(e.host, t->fd, 0x1000, PROT_READ, MAP_SHARED, IDX(0) + 0x3000,
				    &p), 0);
	assert_int_equal(vfsim_munmap(e.host, p, 0x1000), 0);
	tu_assert_rejected(vfsim_mmap(e.host, t->fd, 0x1000, PROT_READ, MAP_SHARED, IDX(0) + 0x2000,
				      &p), -EINVAL, RULE_DEV_MMAP_RANGE);
	tu_assert_rejected(vfsim_mmap(e.host, t->fd, 0x2000, PROT_READ, MAP_SHARED, IDX(0) + 0x1000,
				      &p), -EINVAL, RULE_DEV_MMAP_RANGE);
	tu_assert_rejected(vfsim_mmap(e.host, t->fd, 0x4000, PROT_READ, MAP_SHARED, IDX(0), &p),
			   -EINVAL, RULE_DEV_MMAP_RANGE);
	tu_vfio_close(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_region_every_index),
		cmocka_unit_test(test_region_named_items),
		cmocka_unit_test(test_region_caps_truncation),
		cmocka_unit_test(test_rw),
		cmocka_unit_test(test_mmap_sparse),
		cmocka_unit_test(test_mmap_two_areas),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
