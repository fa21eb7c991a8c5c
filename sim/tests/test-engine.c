/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * engine.c, driven as a driver would through region_rw on the BAR: a copy
 * through the IOMMU with DONE, COUNT and the completion interrupt; LEN 0;
 * LEN above ENGINE_MAX_LEN; unmapped and read-only IOVAs (ERROR with the
 * positive errno); STATUS RW1C; read-only and reserved registers; DOORBELL
 * reading 0 and ignoring values other than 1; TICKS and the word after the
 * block; no IOMMU and no IRQ state. Expectations come from sim/engine.h.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "dev.h"
#include "cfg.h"
#include "dma.h"
#include "engine.h"
#include "irq.h"
#include "region.h"

#define BLK 0x100u		/* register block inside BAR0 */
#define IOVA_RW 0x100000ull	/* two pages, device may read and write */
#define IOVA_RO 0x200000ull	/* one page, device may only read */
#define IOVA_NONE 0x7000000000ull

struct fixture {
	struct vfsim_dev *dev;
	uint8_t *mem;		/* 3 pages: [0,2) at IOVA_RW, [2] at IOVA_RO */
	int efd;
};

static void prof_engine(struct vfsim_profile *p)
{
	memset(p, 0, sizeof(*p));
	p->bars[0].size = 0x10000;
	p->msi_vectors = 1;
	p->engine.present = true;
	p->engine.bar = 0;
	p->engine.offset = BLK;
	p->engine.irq_index = VFIO_PCI_MSI_IRQ_INDEX;
	p->engine.irq_vector = 0;
}

static void map(struct dma_space *s, uint64_t iova, void *va, uint64_t size, uint32_t flags)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m), .flags = flags, .vaddr = (uintptr_t)va, .iova = iova, .size = size,
	};

	assert_int_equal(dma_map(s, &m), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct vfsim_iommu_config cfg;
	uint8_t buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;

	assert_non_null(f);
	f->dev = calloc(1, sizeof(*f->dev));
	assert_non_null(f->dev);
	prof_engine(&f->dev->prof);
	assert_int_equal(cfg_new(&f->dev->prof, &f->dev->cfg), 0);
	assert_int_equal(region_set_new(f->dev, &f->dev->regions), 0);
	assert_int_equal(irq_new(f->dev, &f->dev->irq), 0);
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(dma_space_new(&cfg, &f->dev->dma), 0);
	f->mem = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(f->mem != MAP_FAILED);
	map(f->dev->dma, IOVA_RW, f->mem, 2 * 4096, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
	map(f->dev->dma, IOVA_RO, f->mem + 2 * 4096, 4096, VFIO_DMA_MAP_FLAG_READ);

	f->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	assert_true(f->efd >= 0);
	set->argsz = sizeof(buf);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = VFIO_PCI_MSI_IRQ_INDEX;
	set->start = 0;
	set->count = 1;
	memcpy(set->data, &f->efd, sizeof(int32_t));
	assert_int_equal(irq_set(f->dev->irq, set, set->data), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	dma_space_free(f->dev->dma);
	irq_free(f->dev->irq);
	region_set_free(f->dev->regions);
	cfg_free(f->dev->cfg);
	free(f->dev);
	munmap(f->mem, 3 * 4096);
	close(f->efd);
	free(f);
	return 0;
}

static uint32_t rd32(struct fixture *f, uint32_t reg)
{
	uint32_t v = 0;

	assert_int_equal(region_rw(f->dev, 0, BLK + reg, &v, 4, false), 4);
	return v;
}

static void wr32(struct fixture *f, uint32_t reg, uint32_t v)
{
	assert_int_equal(region_rw(f->dev, 0, BLK + reg, &v, 4, true), 4);
}

static void wr64(struct fixture *f, uint32_t reg, uint64_t v)
{
	assert_int_equal(region_rw(f->dev, 0, BLK + reg, &v, 8, true), 8);
}

static uint64_t irqs(struct fixture *f)
{
	uint64_t v = 0;

	if (read(f->efd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static void go(struct fixture *f, uint64_t src, uint64_t dst, uint32_t len)
{
	wr64(f, ENGINE_REG_SRC, src);
	wr64(f, ENGINE_REG_DST, dst);
	wr32(f, ENGINE_REG_LEN, len);
	wr32(f, ENGINE_REG_DOORBELL, 1);
}

static void test_copy(void **state)
{
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < 4096; i++)
		f->mem[i] = (uint8_t)(i * 13 + 5);
	go(f, IOVA_RW, IOVA_RW + 4096, 4096);
	assert_memory_equal(f->mem, f->mem + 4096, 4096);
	assert_int_equal(rd32(f, ENGINE_REG_STATUS), ENGINE_STATUS_DONE);
	assert_int_equal(rd32(f, ENGINE_REG_COUNT), 1);
	assert_int_equal(rd32(f, ENGINE_REG_ERRNO), 0);
	assert_int_equal(rd32(f, ENGINE_REG_DOORBELL), 0);
	assert_int_equal(irqs(f), 1);
	/* registers keep what was programmed */
	assert_int_equal(rd32(f, ENGINE_REG_LEN), 4096);
	assert_int_equal(rd32(f, ENGINE_REG_SRC), (uint32_t)IOVA_RW);

	/* a read-only source page is fine; crossing into the second page too */
	memset(f->mem + 2 * 4096, 0x77, 16);
	go(f, IOVA_RO, IOVA_RW + 4096 - 8, 16);
	assert_int_equal(f->mem[4096 - 8], 0x77);
	assert_int_equal(f->mem[4096 + 7], 0x77);
	assert_int_equal(rd32(f, ENGINE_REG_COUNT), 2);
	assert_int_equal(irqs(f), 1);
}

static void test_len_zero_and_max(void **state)
{
	struct fixture *f = *state;

	go(f, IOVA_NONE, IOVA_NONE, 0);
	assert_int_equal(rd32(f, ENGINE_REG_STATUS), ENGINE_STATUS_DONE);
	assert_int_equal(rd32(f, ENGINE_REG_COUNT), 1);
	assert_int_equal(irqs(f), 1);

	wr32(f, ENGINE_REG_STATUS, ENGINE_STATUS_DONE);
	go(f, IOVA_RW, IOVA_RW + 4096, ENGINE_MAX_LEN + 1);
	assert_int_equal(rd32(f, ENGINE_REG_STATUS), ENGINE_STATUS_ERROR);
	assert_int_equal(rd32(f, ENGINE_REG_ERRNO), EINVAL);
	assert_int_equal(rd32(f, ENGINE_REG_COUNT), 1);
	assert_int_equal(irqs(f), 1);
}

struct fault_case {
	const char *name;
	uint64_t src, dst;
	uint32_t err;
};

static const struct fault_case fault_cases[] = {
	{ "unmapped destination", IOVA_RW, IOVA_NONE, EFAULT },
	{ "unmapped source", IOVA_NONE, IOVA_RW, EFAULT },
	{ "source runs off the mapping", IOVA_RW + 2 * 4096 - 8, IOVA_RW, EFAULT },
	{ "read-only destination", IOVA_RW, IOVA_RO, EPERM },
};

static void test_faults(void **state)
{
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(fault_cases) / sizeof(fault_cases[0]); i++) {
		const struct fault_case *k = &fault_cases[i];

		memset(f->mem, 0x11, 2 * 4096);
		memset(f->mem + 2 * 4096, 0xaa, 4096);
		wr32(f, ENGINE_REG_STATUS, ENGINE_STATUS_DONE | ENGINE_STATUS_ERROR);
		go(f, k->src, k->dst, 64);
		if (rd32(f, ENGINE_REG_STATUS) != ENGINE_STATUS_ERROR || rd32(f, ENGINE_REG_ERRNO) != k->err)
			fail_msg("%s: status %u errno %u", k->name, rd32(f, ENGINE_REG_STATUS),
				 rd32(f, ENGINE_REG_ERRNO));
		assert_int_equal(rd32(f, ENGINE_REG_COUNT), 0);
		assert_int_equal(irqs(f), 1);
	}
	/* DMA failures never wrote memory they could not reach; the client's
	 * read-only page is untouched */
	assert_int_equal(f->mem[2 * 4096], 0xaa);
}

static void test_status_rw1c(void **state)
{
	struct fixture *f = *state;

	go(f, IOVA_RW, IOVA_NONE, 8);	/* ERROR */
	go(f, IOVA_RW, IOVA_RW, 8);	/* DONE, ERROR latched */
	assert_int_equal(rd32(f, ENGINE_REG_STATUS), ENGINE_STATUS_DONE | ENGINE_STATUS_ERROR);
	wr32(f, ENGINE_REG_STATUS, 0);
	assert_int_equal(rd32(f, ENGINE_REG_STATUS), ENGINE_STATUS_DONE | ENGINE_STATUS_ERROR);
	wr32(f, ENGINE_REG_STATUS, ENGINE_STATUS_DONE);
	assert_int_equal(rd32(f, ENGINE_REG_STATUS), ENGINE_STATUS_ERROR);
	/* a byte write reaches the same bits */
	{
		uint8_t b = ENGINE_STATUS_ERROR;

		assert_int_equal(region_rw(f->dev, 0, BLK + ENGINE_REG_STATUS, &b, 1, true), 1);
	}
	assert_int_equal(rd32(f, ENGINE_REG_STATUS), 0);
	assert_int_equal(rd32(f, ENGINE_REG_ERRNO), EFAULT);	/* the last failure stays */
}

static void test_ro_registers(void **state)
{
	struct fixture *f = *state;
	uint8_t ones[ENGINE_REG_SIZE];

	go(f, IOVA_RW, IOVA_RW + 4096, 8);
	assert_int_equal(rd32(f, ENGINE_REG_COUNT), 1);
	assert_int_equal(irqs(f), 1);
	wr32(f, ENGINE_REG_COUNT, 77);
	wr32(f, ENGINE_REG_ERRNO, 77);
	wr32(f, ENGINE_REG_TICKS, 77);
	wr32(f, 0x28, 77);		/* reserved */
	wr32(f, 0x3c, 77);		/* reserved */
	assert_int_equal(rd32(f, ENGINE_REG_COUNT), 1);
	assert_int_equal(rd32(f, ENGINE_REG_ERRNO), 0);
	assert_int_equal(rd32(f, ENGINE_REG_TICKS), 0);
	assert_int_equal(rd32(f, 0x28), 0);
	assert_int_equal(rd32(f, 0x3c), 0);

	/* one write of the whole block: RW registers take it (LEN = 0xffffffff
	 * is too long), STATUS clears, the doorbell value 0xffffffff is not 1 */
	memset(ones, 0xff, sizeof(ones));
	assert_int_equal(region_rw(f->dev, 0, BLK, ones, sizeof(ones), true), ENGINE_REG_SIZE);
	assert_int_equal(rd32(f, ENGINE_REG_LEN), 0xffffffff);
	assert_int_equal(rd32(f, ENGINE_REG_STATUS), 0);
	assert_int_equal(rd32(f, ENGINE_REG_DOORBELL), 0);
	assert_int_equal(rd32(f, ENGINE_REG_COUNT), 1);
	assert_int_equal(irqs(f), 0);
	/* the bytes around the block are plain memory */
	assert_int_equal(region_rw(f->dev, 0, BLK - 8, ones, 16, true), 16);
	assert_int_equal(region_get(f->dev->regions, 0)->mem[BLK - 1], 0xff);
	assert_int_equal(rd32(f, ENGINE_REG_SRC), 0xffffffff);
}

static void test_doorbell_values(void **state)
{
	struct fixture *f = *state;
	uint8_t one = 1;

	wr64(f, ENGINE_REG_SRC, IOVA_RW);
	wr64(f, ENGINE_REG_DST, IOVA_RW + 4096);
	wr32(f, ENGINE_REG_LEN, 4);
	wr32(f, ENGINE_REG_DOORBELL, 2);
	wr32(f, ENGINE_REG_DOORBELL, 0);
	assert_int_equal(rd32(f, ENGINE_REG_COUNT), 0);
	assert_int_equal(rd32(f, ENGINE_REG_DOORBELL), 0);
	assert_int_equal(irqs(f), 0);
	/* a byte write of 1 rings it; a byte of 1 in the second byte does not */
	assert_int_equal(region_rw(f->dev, 0, BLK + ENGINE_REG_DOORBELL + 1, &one, 1, true), 1);
	assert_int_equal(rd32(f, ENGINE_REG_COUNT), 0);
	assert_int_equal(region_rw(f->dev, 0, BLK + ENGINE_REG_DOORBELL, &one, 1, true), 1);
	assert_int_equal(rd32(f, ENGINE_REG_COUNT), 1);
	assert_int_equal(irqs(f), 1);
}

/* SRC..DOORBELL in one write: the doorbell sees the values of the same write. */
static void test_one_write_program(void **state)
{
	struct fixture *f = *state;
	uint8_t prog[0x18];
	uint64_t src = IOVA_RW, dst = IOVA_RW + 4096;
	uint32_t len = 32, bell = 1;

	memset(f->mem, 0x5c, 32);
	memcpy(prog + ENGINE_REG_SRC, &src, 8);
	memcpy(prog + ENGINE_REG_DST, &dst, 8);
	memcpy(prog + ENGINE_REG_LEN, &len, 4);
	memcpy(prog + ENGINE_REG_DOORBELL, &bell, 4);
	assert_int_equal(region_rw(f->dev, 0, BLK, prog, sizeof(prog), true), (int)sizeof(prog));
	assert_int_equal(rd32(f, ENGINE_REG_STATUS), ENGINE_STATUS_DONE);
	assert_memory_equal(f->mem + 4096, f->mem, 32);
}

static void test_tick(void **state)
{
	struct fixture *f = *state;
	uint8_t *regs = region_get(f->dev->regions, 0)->mem + BLK;

	engine_tick(f->dev, regs);
	engine_tick(f->dev, regs);
	engine_tick(f->dev, regs);
	assert_int_equal(rd32(f, ENGINE_REG_TICKS), 3);
	assert_int_equal(rd32(f, ENGINE_REG_SIZE), 3);	/* the word right after the block */
	region_set_reset(f->dev->regions);
	assert_int_equal(rd32(f, ENGINE_REG_TICKS), 0);
	assert_int_equal(rd32(f, ENGINE_REG_SIZE), 0);
}

/* The block at the very end of its BAR: no word after it to dirty. */
static void test_tick_block_at_end(void **state)
{
	struct vfsim_dev *dev = calloc(1, sizeof(*dev));
	struct region *bar;
	uint8_t *regs, *guard;
	uint32_t v;

	assert_non_null(dev);
	prof_engine(&dev->prof);
	dev->prof.bars[0].size = 0x1000;
	dev->prof.engine.offset = 0x1000 - ENGINE_REG_SIZE;
	assert_int_equal(cfg_new(&dev->prof, &dev->cfg), 0);
	assert_int_equal(region_set_new(dev, &dev->regions), 0);
	/* put an inaccessible page right after the BAR, so a word written past
	 * its end faults instead of landing in a neighbouring mapping */
	bar = (struct region *)region_get(dev->regions, 0);
	guard = mmap(NULL, 2 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(guard != MAP_FAILED);
	assert_true(mmap(guard, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, bar->memfd, 0) == guard);
	munmap(bar->mem, bar->size);
	bar->mem = guard;
	regs = bar->mem + dev->prof.engine.offset;
	engine_tick(dev, regs);
	memcpy(&v, regs + ENGINE_REG_TICKS, 4);
	assert_int_equal(v, 1);
	/* no IRQ state and no IOMMU: the doorbell still completes with EFAULT */
	v = 8;
	assert_int_equal(region_rw(dev, 0, dev->prof.engine.offset + ENGINE_REG_LEN, &v, 4, true), 4);
	v = 1;
	assert_int_equal(region_rw(dev, 0, dev->prof.engine.offset + ENGINE_REG_DOORBELL, &v, 4, true), 4);
	memcpy(&v, regs + ENGINE_REG_STATUS, 4);
	assert_int_equal(v, ENGINE_STATUS_ERROR);
	memcpy(&v, regs + ENGINE_REG_ERRNO, 4);
	assert_int_equal(v, EFAULT);
	region_set_free(dev->regions);
	munmap(guard + 4096, 4096);
	cfg_free(dev->cfg);
	free(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_len_zero_and_max, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_rw1c, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ro_registers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_doorbell_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_write_program, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tick, setup, teardown),
		cmocka_unit_test(test_tick_block_at_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
