/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vu-server-dma.c, vu-server-mig.c and the connection lifecycle: DMA_MAP
 * with a memfd driven by the device's DMA engine, DMA without an fd served
 * by a client thread answering DMA_READ/DMA_WRITE (main socket with a
 * command queued meanwhile, and the twin socket), the timeout, the map and
 * unmap rejections, a reconnect that keeps device state and releases every
 * fd, DEVICE_FEATURE migration and DMA logging, and listen on a path.
 */
#define _GNU_SOURCE	/* memfd_create, F_ADD_SEALS */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "vu-server-fixture.h"
#include "engine.h"
#include "irq.h"
#include "mig.h"

#define IOVA 0x10000000ull
#define PAGE 4096u

static int memfd_of(size_t len, uint8_t **ret_map)
{
	int fd = memfd_create("vu-dma", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)len), 0);
	*ret_map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(*ret_map != MAP_FAILED);
	return fd;
}

static int do_map(struct vfx *f, uint64_t iova, uint64_t size, uint64_t offset, uint32_t flags, int fd)
{
	struct vu_dma_map dm = { .argsz = 32, .flags = flags, .offset = offset, .addr = iova, .size = size };
	struct vmsg m = { 0 };
	int r = do_req(f, T_DMA_MAP, &dm, sizeof(dm), fd >= 0 ? &fd : NULL, fd >= 0, &m);

	if (!r)
		assert_int_equal(m.len, 0);	/* header-only reply (§3.2) */
	t_msg_free(&m);
	return r;
}

static int do_unmap(struct vfx *f, uint64_t iova, uint64_t size, uint32_t flags)
{
	struct vu_dma_unmap du = { .argsz = 24, .flags = flags, .addr = iova, .size = size };
	struct vmsg m = { 0 };
	int r = do_req(f, T_DMA_UNMAP, &du, sizeof(du), NULL, 0, &m);

	if (!r) {
		assert_int_equal(m.len, 24);	/* the request echoed (§3.3) */
		assert_memory_equal(m.p, &du, 24);
	}
	t_msg_free(&m);
	return r;
}

/* Program the engine through REGION_WRITE on its BAR (engine.h). */
static void engine_go(struct vfx *f, uint64_t src, uint64_t dst, uint32_t len)
{
	const struct vfsim_profile *p = vfsim_dev_profile(f->dev);
	uint64_t base = p->engine.offset;
	uint32_t one = 1, done = ENGINE_STATUS_DONE | ENGINE_STATUS_ERROR;

	region_rw_ok(f, p->engine.bar, base + ENGINE_REG_STATUS, &done, 4, true);	/* RW1C */
	region_rw_ok(f, p->engine.bar, base + ENGINE_REG_SRC, &src, 8, true);
	region_rw_ok(f, p->engine.bar, base + ENGINE_REG_DST, &dst, 8, true);
	region_rw_ok(f, p->engine.bar, base + ENGINE_REG_LEN, &len, 4, true);
	region_rw_ok(f, p->engine.bar, base + ENGINE_REG_DOORBELL, &one, 4, true);
}

static uint32_t engine_reg(struct vfx *f, uint32_t reg)
{
	const struct vfsim_profile *p = vfsim_dev_profile(f->dev);
	uint32_t v = 0;

	region_rw_ok(f, p->engine.bar, p->engine.offset + reg, &v, 4, false);
	return v;
}

static void test_dma_map_memfd_engine(void **state)
{
	uint8_t *mem;
	int fd, base;
	struct vfx f;
	size_t i;

	vfx_open(&f, "dmaengine", NULL);
	t_negotiate(&f);
	fd = memfd_of(4 * PAGE, &mem);
	for (i = 0; i < PAGE; i++)
		mem[PAGE + i] = (uint8_t)(i * 13 + 7);
	base = tu_fd_count();
	/* the window starts one page into the file: offset honoured */
	assert_int_equal(do_map(&f, IOVA, 3 * PAGE, PAGE, VU_DMA_MAP_READ | VU_DMA_MAP_WRITE, fd), 0);
	assert_int_equal(tu_fd_count(), base + 1);	/* the server keeps the fd */
	assert_non_null(f.dev->dma);
	engine_go(&f, IOVA, IOVA + PAGE, PAGE);
	assert_int_equal(engine_reg(&f, ENGINE_REG_STATUS), ENGINE_STATUS_DONE);
	assert_memory_equal(mem + 2 * PAGE, mem + PAGE, PAGE);

	/* overlap: EEXIST (spec), the exact duplicate too */
	tu_expect_rule(do_map(&f, IOVA + PAGE, PAGE, 0, VU_DMA_MAP_READ, -1), -EEXIST, RULE_VU_SRV_DMA_MAP_EXISTS);
	tu_expect_rule(do_map(&f, IOVA - PAGE, 2 * PAGE, 0, VU_DMA_MAP_READ, -1), -EEXIST,
		       RULE_VU_SRV_DMA_MAP_EXISTS);
	tu_expect_rule(do_map(&f, IOVA, 3 * PAGE, PAGE, VU_DMA_MAP_READ, fd), -EEXIST, RULE_VU_SRV_DMA_MAP_EXISTS);
	assert_int_equal(tu_fd_count(), base + 1);	/* the refused fd was closed */
	/* partial unmap: ENOENT, the window stays */
	tu_expect_rule(do_unmap(&f, IOVA, PAGE, 0), -ENOENT, RULE_VU_SRV_DMA_UNMAP_NOENT);
	engine_go(&f, IOVA + PAGE, IOVA + 2 * PAGE, 16);
	assert_int_equal(engine_reg(&f, ENGINE_REG_STATUS), ENGINE_STATUS_DONE);
	/* exact unmap: fd closed, memory unreachable */
	assert_int_equal(do_unmap(&f, IOVA, 3 * PAGE, 0), 0);
	assert_int_equal(tu_fd_count(), base);
	engine_go(&f, IOVA, IOVA + PAGE, 16);
	assert_int_equal(engine_reg(&f, ENGINE_REG_STATUS), ENGINE_STATUS_ERROR);
	assert_int_equal(engine_reg(&f, ENGINE_REG_ERRNO), EFAULT);

	/* a read-only window: the device may not write it */
	assert_int_equal(do_map(&f, IOVA, 2 * PAGE, 0, VU_DMA_MAP_READ, fd), 0);
	engine_go(&f, IOVA, IOVA + PAGE, 16);
	assert_int_equal(engine_reg(&f, ENGINE_REG_ERRNO), EPERM);
	assert_int_equal(do_unmap(&f, 0, 0, VU_DMA_UNMAP_ALL), 0);
	assert_int_equal(tu_fd_count(), base);
	munmap(mem, 4 * PAGE);
	close(fd);
	vfx_close(&f);
}

/* pgsizes 64 KiB: an fd window is mapped at a 64 KiB-aligned address (the
 * IOMMU space wants vaddr aligned to its smallest page, as MAP_DMA does), so
 * the map succeeds and the device reaches the file. */
static void test_dma_map_large_pgsize(void **state)
{
	struct vfsim_vu_server_config cfg = { .pgsizes = 0x10000 };
	const size_t big = 0x10000;
	uint8_t *mem;
	struct vfx f;
	int fd;

	vfx_open(&f, "dmaengine", &cfg);
	t_negotiate(&f);
	fd = memfd_of(2 * big, &mem);
	memset(mem, 0x5c, 16);
	assert_int_equal(do_map(&f, IOVA, 2 * big, 0, VU_DMA_MAP_READ | VU_DMA_MAP_WRITE, fd), 0);
	engine_go(&f, IOVA, IOVA + big, 16);
	assert_int_equal(engine_reg(&f, ENGINE_REG_STATUS), ENGINE_STATUS_DONE);
	assert_memory_equal(mem + big, mem, 16);
	/* a 4 KiB-aligned window is below the granularity */
	tu_expect_rule(do_map(&f, IOVA + 4 * big, PAGE, 0, VU_DMA_MAP_READ, -1), -EINVAL,
		       RULE_VU_SRV_DMA_MAP_ALIGN);
	assert_int_equal(do_unmap(&f, IOVA, 2 * big, 0), 0);
	munmap(mem, 2 * big);
	close(fd);
	vfx_close(&f);
}

/* A client that shrinks a mapped file must not crash the server (SIGBUS):
 * a memfd that allows sealing is sealed against shrinking at DMA_MAP (the
 * client's ftruncate then fails with EPERM); any other file is reached with
 * pread/pwrite, so device DMA after a truncation fails with EFAULT and the
 * server goes on serving. */
static void test_dma_map_fd_truncation(void **state)
{
	for (int sealable = 0; sealable < 2; sealable++) {
		int fd = memfd_create("vu-dma", MFD_CLOEXEC | (sealable ? MFD_ALLOW_SEALING : 0));
		uint8_t *mem;
		struct vfx f;

		assert_true(fd >= 0);
		assert_int_equal(ftruncate(fd, 2 * PAGE), 0);
		mem = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		assert_true(mem != MAP_FAILED);
		for (unsigned i = 0; i < PAGE; i++)
			mem[i] = (uint8_t)(i * 31 + sealable);
		vfx_open(&f, "dmaengine", NULL);
		t_negotiate(&f);
		assert_int_equal(do_map(&f, IOVA, 2 * PAGE, 0, VU_DMA_MAP_READ | VU_DMA_MAP_WRITE, fd), 0);
		engine_go(&f, IOVA, IOVA + PAGE, PAGE);
		assert_int_equal(engine_reg(&f, ENGINE_REG_STATUS), ENGINE_STATUS_DONE);
		assert_memory_equal(mem, mem + PAGE, PAGE);
		assert_int_equal(munmap(mem, 2 * PAGE), 0);	/* the test must not touch it once truncated */
		if (sealable) {
			assert_true(fcntl(fd, F_GET_SEALS) & F_SEAL_SHRINK);
			assert_int_equal(ftruncate(fd, 0), -1);
			assert_int_equal(errno, EPERM);
			engine_go(&f, IOVA + PAGE, IOVA, PAGE);
			assert_int_equal(engine_reg(&f, ENGINE_REG_STATUS), ENGINE_STATUS_DONE);
		} else {
			assert_int_equal(ftruncate(fd, 0), 0);
			engine_go(&f, IOVA + PAGE, IOVA, PAGE);
			assert_int_equal(engine_reg(&f, ENGINE_REG_STATUS), ENGINE_STATUS_ERROR);
			assert_int_equal(engine_reg(&f, ENGINE_REG_ERRNO), EFAULT);
		}
		/* still serving */
		assert_int_equal(do_unmap(&f, IOVA, 2 * PAGE, 0), 0);
		vfx_close(&f);
		close(fd);
	}
}

static void test_dma_map_rejected(void **state)
{
	struct vfsim_vu_server_config cfg = { .max_dma_maps = 2 };
	uint8_t *mem;
	int fd, base;
	struct vfx f;

	vfx_open(&f, "dmaengine", &cfg);
	t_negotiate(&f);
	fd = memfd_of(2 * PAGE, &mem);
	base = tu_fd_count();
	tu_expect_rule(do_map(&f, IOVA, 0, 0, VU_DMA_MAP_READ, -1), -EINVAL, RULE_VU_REQ_DMA_MAP_ZERO);
	tu_expect_rule(do_map(&f, IOVA, PAGE, 0, 0x80000000u, -1), -EINVAL, RULE_VU_REQ_DMA_MAP_FLAGS);
	tu_expect_rule(do_map(&f, IOVA, PAGE, 0, 0, -1), -EINVAL, RULE_VU_SRV_DMA_MAP_PROT);
	tu_expect_rule(do_map(&f, IOVA + 1, PAGE, 0, VU_DMA_MAP_READ, -1), -EINVAL, RULE_VU_SRV_DMA_MAP_ALIGN);
	tu_expect_rule(do_map(&f, IOVA, PAGE, 0, VU_DMA_MAP_READ, -1) , 0, 0);
	/* a window past the end of the file would fault on access */
	tu_expect_rule(do_map(&f, IOVA + PAGE, 2 * PAGE, PAGE, VU_DMA_MAP_READ, fd), -EINVAL,
		       RULE_VU_SRV_DMA_MAP_FD_RANGE);
	assert_int_equal(tu_fd_count(), base);
	tu_expect_rule(do_map(&f, IOVA + PAGE, PAGE, 0, VU_DMA_MAP_READ, -1), 0, 0);
	/* max_dma_maps 2 */
	tu_expect_rule(do_map(&f, IOVA + 2 * PAGE, PAGE, 0, VU_DMA_MAP_READ, -1), -EINVAL,
		       RULE_VU_SRV_DMA_MAP_LIMIT);
	tu_expect_rule(do_unmap(&f, IOVA, PAGE, 4), -EINVAL, RULE_VU_REQ_DMA_UNMAP_FLAGS);
	tu_expect_rule(do_unmap(&f, IOVA, PAGE, VU_DMA_UNMAP_ALL), -EINVAL, RULE_VU_REQ_DMA_UNMAP_ALL_RANGE);
	assert_int_equal(do_unmap(&f, IOVA, PAGE, 0), 0);
	tu_expect_rule(do_unmap(&f, IOVA, PAGE, 0), -ENOENT, RULE_VU_SRV_DMA_UNMAP_NOENT);
	munmap(mem, 2 * PAGE);
	close(fd);
	vfx_close(&f);
}

/* Disconnect: DMA windows, their fds and the IRQ eventfds go; registers,
 * config space stay for the next client (§1.2). */
static void test_reconnect(void **state)
{
	struct vu_irq_set set = {
		.argsz = 20, .flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = VFIO_PCI_MSIX_IRQ_INDEX, .start = 0, .count = 1,
	};
	uint8_t *mem, v[4] = { 0xde, 0xad, 0xbe, 0xef }, r[4];
	int fd, efd, base;
	struct vmsg m = { 0 };
	struct vfx f;

	vfx_open(&f, "dmaengine", NULL);
	fd = memfd_of(2 * PAGE, &mem);
	efd = eventfd(0, EFD_CLOEXEC);
	base = tu_fd_count();
	t_negotiate(&f);
	assert_int_equal(do_map(&f, IOVA, 2 * PAGE, 0, VU_DMA_MAP_READ | VU_DMA_MAP_WRITE, fd), 0);
	req_ok(&f, T_SET_IRQS, &set, sizeof(set), &efd, 1, &m);
	region_rw_ok(&f, 2, 0x80, v, 4, true);
	assert_int_equal(tu_fd_count(), base + 2);
	close(f.cfd);
	f.cfd = -1;
	assert_int_equal(vfsim_vu_server_process(f.s), 1);
	assert_int_equal(vfsim_vu_server_fd(f.s), -1);
	assert_null(f.dev->dma);
	/* both socket ends, the DMA fd and the eventfd dup are gone */
	assert_int_equal(tu_fd_count(), base - 2);
	assert_false(irq_has_trigger(f.dev->irq, VFIO_PCI_MSIX_IRQ_INDEX, 0));

	vfx_attach(&f);
	t_negotiate(&f);
	region_rw_ok(&f, 2, 0x80, r, 4, false);
	assert_memory_equal(r, v, 4);
	/* no windows: the engine faults, and the IOVA can be mapped anew */
	engine_go(&f, IOVA, IOVA + PAGE, 16);
	assert_int_equal(engine_reg(&f, ENGINE_REG_ERRNO), EFAULT);
	assert_int_equal(do_map(&f, IOVA, 2 * PAGE, 0, VU_DMA_MAP_READ | VU_DMA_MAP_WRITE, fd), 0);
	/* detach by the API, the same release */
	vfsim_vu_server_detach(f.s);
	assert_null(f.dev->dma);
	assert_int_equal(vfsim_vu_server_process(f.s), 1);
	t_msg_free(&m);
	munmap(mem, 2 * PAGE);
	close(fd);
	close(efd);
	/* of both connections only the test's own end of the second is left */
	assert_int_equal(tu_fd_count(), base - 3);
	vfx_close(&f);
}

/* ---- DMA without an fd: a client thread serves DMA_READ/DMA_WRITE ------------------- */

struct dma_client {
	int fd;			/* where DMA requests arrive */
	int main_fd;		/* where to send an extra command (-1: none) */
	uint8_t *mem;		/* the client's memory behind IOVA */
	size_t len;
	unsigned reads, writes;
	uint16_t extra_id;
	bool qemu;
};

/* Serve DMA requests until one REGION_WRITE reply (the doorbell's) shows up
 * on fd, or, when fd is the twin, until @reads + @writes requests. */
static void *dma_client_run(void *arg)
{
	struct dma_client *c = arg;
	struct vmsg m = { 0 };
	unsigned served = 0;

	for (;;) {
		struct vu_dma_access a;
		uint8_t *out;
		size_t fixed = c->qemu ? 12 : 16;
		uint64_t count;

		t_recv_fd(c->fd, &m);
		if ((m.h.flags & 0xf) == T_REPLY)
			break;	/* the reply to the doorbell write: done */
		assert_true(m.h.cmd == T_DMA_READ || m.h.cmd == T_DMA_WRITE);
		memcpy(&a.addr, m.p, 8);
		if (c->qemu) {
			uint32_t c32;

			memcpy(&c32, m.p + 8, 4);
			count = c32;
		} else {
			memcpy(&count, m.p + 8, 8);
		}
		assert_true(a.addr >= IOVA && a.addr - IOVA + count <= c->len);
		if (c->main_fd >= 0 && !served) {
			/* a command while the server waits: queued, run afterwards */
			struct vu_device_info info = { .argsz = 16 };

			t_send_fd(c->main_fd, c->extra_id, T_GET_INFO, 0, &info, sizeof(info), NULL, 0);
		}
		out = malloc(16 + count);
		assert_non_null(out);
		memcpy(out, m.p, fixed);
		if (m.h.cmd == T_DMA_READ) {
			memcpy(out + fixed, c->mem + (a.addr - IOVA), count);
			t_send_fd(c->fd, m.h.id, m.h.cmd, T_REPLY, out, fixed + count, NULL, 0);
			c->reads++;
		} else {
			assert_int_equal(m.len, fixed + count);
			memcpy(c->mem + (a.addr - IOVA), m.p + fixed, count);
			if (c->qemu)
				t_send_fd(c->fd, m.h.id, m.h.cmd, T_REPLY, NULL, 0, NULL, 0);
			else
				t_send_fd(c->fd, m.h.id, m.h.cmd, T_REPLY, out, 16, NULL, 0);
			c->writes++;
		}
		free(out);
		served++;
		if (c->main_fd < 0 && c->fd != c->main_fd && c->reads && c->writes && c->reads == c->writes &&
		    c->reads * 256 >= 1000)
			break;	/* twin: every chunk of the transfer served */
	}
	t_msg_free(&m);
	return NULL;
}

static void dma_msg_case(const char *json, const struct vfsim_vu_server_config *cfg, bool twin)
{
	const struct vfsim_profile *p;
	struct dma_client c = { .len = 2 * PAGE };
	uint32_t one = 1, len = 1000;
	uint64_t src = IOVA, dst = IOVA + PAGE;
	pthread_t th;
	struct vmsg m = { 0 };
	struct vfx f;
	size_t i;

	vfx_open(&f, "dmaengine", cfg);
	p = vfsim_dev_profile(f.dev);
	t_negotiate_json(&f, json, &m);
	assert_int_equal(m.nfds, twin ? 1 : 0);
	c.fd = twin ? m.fds[0] : f.cfd;
	c.main_fd = twin ? -1 : f.cfd;
	c.qemu = cfg->quirks & VFSIM_VU_QUIRK_QEMU_DMA;
	c.extra_id = 0x7777;
	c.mem = calloc(1, c.len);
	assert_non_null(c.mem);
	for (i = 0; i < PAGE; i++)
		c.mem[i] = (uint8_t)(i ^ 0x5a);
	assert_int_equal(do_map(&f, IOVA, 2 * PAGE, 0, VU_DMA_MAP_READ | VU_DMA_MAP_WRITE, -1), 0);
	region_rw_ok(&f, p->engine.bar, p->engine.offset + ENGINE_REG_SRC, &src, 8, true);
	region_rw_ok(&f, p->engine.bar, p->engine.offset + ENGINE_REG_DST, &dst, 8, true);
	region_rw_ok(&f, p->engine.bar, p->engine.offset + ENGINE_REG_LEN, &len, 4, true);

	/* the doorbell: the server blocks in DMA until the thread answers */
	{
		uint8_t req[20];
		struct vu_region_access a = { .offset = p->engine.offset + ENGINE_REG_DOORBELL,
					      .region = p->engine.bar, .count = 4 };

		memcpy(req, &a, 16);
		memcpy(req + 16, &one, 4);
		assert_int_equal(pthread_create(&th, NULL, dma_client_run, &c), 0);
		t_send(&f, T_REGION_WRITE, 0, req, sizeof(req), NULL, 0);
		t_process(&f);
		if (twin) {
			assert_int_equal(pthread_join(th, NULL), 0);
			assert_int_equal(t_reply_of(&f, T_REGION_WRITE, &m), 0);
		} else {
			assert_int_equal(pthread_join(th, NULL), 0);	/* it took the doorbell reply */
			/* the queued GET_INFO ran after the doorbell, in order */
			t_recv(&f, &m);
			assert_int_equal(m.h.id, c.extra_id);
			assert_int_equal(m.h.cmd, T_GET_INFO);
			assert_int_equal(m.len, 16);
		}
	}
	assert_memory_equal(c.mem + PAGE, c.mem, len);
	/* split by the client's max_data_xfer_size (256 in every case here) */
	assert_int_equal(c.reads, 4);
	assert_int_equal(c.writes, 4);
	assert_int_equal(engine_reg(&f, ENGINE_REG_STATUS), ENGINE_STATUS_DONE);
	if (twin)
		close(c.fd);
	free(c.mem);
	t_msg_free(&m);
	vfx_close(&f);
}

static void test_dma_messages_main_socket(void **state)
{
	struct vfsim_vu_server_config cfg = { 0 };

	dma_msg_case("{\"capabilities\":{\"max_data_xfer_size\":256}}", &cfg, false);
}

static void test_dma_messages_qemu_layout(void **state)
{
	struct vfsim_vu_server_config cfg = { .quirks = VFSIM_VU_QUIRK_QEMU_DMA };

	dma_msg_case("{\"capabilities\":{\"max_data_xfer_size\":256}}", &cfg, false);
}

static void test_dma_messages_twin_socket(void **state)
{
	struct vfsim_vu_server_config cfg = { .twin_socket = true };

	dma_msg_case("{\"capabilities\":{\"max_data_xfer_size\":256,\"twin_socket\":{\"supported\":true}}}",
		     &cfg, true);
}

static void test_dma_timeout(void **state)
{
	struct vfsim_vu_server_config cfg = { .dma_timeout_ms = 50 };
	const struct vfsim_profile *p;
	struct vmsg m = { 0 };
	struct vfx f;

	vfx_open(&f, "dmaengine", &cfg);
	p = vfsim_dev_profile(f.dev);
	t_negotiate(&f);
	assert_int_equal(do_map(&f, IOVA, 2 * PAGE, 0, VU_DMA_MAP_READ | VU_DMA_MAP_WRITE, -1), 0);
	{
		uint64_t src = IOVA, dst = IOVA + PAGE;
		uint32_t len = 64, one = 1;
		uint8_t req[20];
		struct vu_region_access a = { .offset = p->engine.offset + ENGINE_REG_DOORBELL,
					      .region = p->engine.bar, .count = 4 };

		region_rw_ok(&f, p->engine.bar, p->engine.offset + ENGINE_REG_SRC, &src, 8, true);
		region_rw_ok(&f, p->engine.bar, p->engine.offset + ENGINE_REG_DST, &dst, 8, true);
		region_rw_ok(&f, p->engine.bar, p->engine.offset + ENGINE_REG_LEN, &len, 4, true);
		memcpy(req, &a, 16);
		memcpy(req + 16, &one, 4);
		t_send(&f, T_REGION_WRITE, 0, req, sizeof(req), NULL, 0);
		t_process(&f);
		assert_int_equal(vfsim_last_rule(NULL), RULE_VU_SRV_DMA_TIMEOUT);
	}
	/* the unanswered DMA_READ, then the doorbell's reply */
	t_recv(&f, &m);
	assert_int_equal(m.h.cmd, T_DMA_READ);
	assert_int_equal(t_reply_of(&f, T_REGION_WRITE, &m), 0);
	assert_int_equal(engine_reg(&f, ENGINE_REG_ERRNO), ETIMEDOUT);
	t_msg_free(&m);
	vfx_close(&f);
}

/* ---- DEVICE_FEATURE and migration ----------------------------------------------- */

static int do_feature(struct vfx *f, uint32_t flags, const void *data, size_t dlen, uint32_t argsz,
		      struct vmsg *m)
{
	uint8_t buf[256];
	struct vu_feature h = { .argsz = argsz, .flags = flags };

	assert_true(dlen <= sizeof(buf) - 8);
	memcpy(buf, &h, 8);
	if (dlen)
		memcpy(buf + 8, data, dlen);
	return do_req(f, T_FEATURE, buf, 8 + dlen, NULL, 0, m);
}

static void set_state_ok(struct vfx *f, uint32_t state)
{
	struct vu_mig_state st = { .device_state = state };
	struct vmsg m = { 0 };

	assert_int_equal(do_feature(f, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &st,
				    sizeof(st), 16, &m), 0);
	assert_int_equal(m.len, 16);	/* SET: the request echoed */
	t_msg_free(&m);
}

static uint32_t get_state(struct vfx *f)
{
	struct vu_mig_state st;
	struct vmsg m = { 0 };

	assert_int_equal(do_feature(f, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, NULL, 0,
				    16, &m), 0);
	assert_int_equal(m.len, 16);
	memcpy(&st, m.p + 8, 8);
	t_msg_free(&m);
	return st.device_state;
}

static void test_feature_migration(void **state)
{
	struct vu_mig_state st = { .device_state = VFIO_DEVICE_STATE_RUNNING_P2P };
	struct vu_mig_data d = { .argsz = 8 + 1000, .size = 1000 };
	uint8_t *stream = NULL, wbuf[8 + 1000];
	size_t slen = 0;
	struct vmsg m = { 0 };
	struct vfx a, b;
	uint64_t flags;
	char diff[256];
	uint8_t v[4] = { 5, 6, 7, 8 };

	vfx_open(&a, "dmaengine", NULL);
	vfx_open(&b, "dmaengine", NULL);
	t_negotiate(&a);
	t_negotiate(&b);
	assert_int_equal(do_feature(&a, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION, NULL, 0, 16, &m),
			 0);
	memcpy(&flags, m.p + 8, 8);
	/* the profile has P2P; vfio-user has no P2P states (§3.14) */
	assert_int_equal(flags, VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_PRE_COPY);
	assert_int_equal(do_feature(&a, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
					VFIO_DEVICE_FEATURE_MIGRATION, NULL, 0, 8, &m), 0);
	assert_int_equal(m.len, 8);
	assert_int_equal(get_state(&a), VFIO_DEVICE_STATE_RUNNING);

	tu_expect_rule(do_feature(&a, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &st,
				  sizeof(st), 16, &m), -EINVAL, RULE_VU_SRV_FEAT_MIG_P2P);
	tu_expect_rule(do_feature(&a, VFIO_DEVICE_FEATURE_GET | 3, NULL, 0, 64, &m), -EINVAL,
		       RULE_VU_SRV_FEAT_UNSUPPORTED);
	tu_expect_rule(do_feature(&a, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_MIGRATION, &flags, 8, 16, &m),
		       -EINVAL, RULE_VU_SRV_FEAT_OP);
	tu_expect_rule(do_feature(&a, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION, NULL, 0, 8, &m),
		       -EINVAL, RULE_VU_SRV_FEAT_GET_ARGSZ);
	tu_expect_rule(do_req(&a, T_MIG_READ, &d, sizeof(d), NULL, 0, &m), -EINVAL, RULE_VU_SRV_MIG_STATE);

	/* source: state into the device, then RUNNING -> STOP_COPY and drain */
	region_rw_ok(&a, 2, 0x200, v, 4, true);
	set_state_ok(&a, VFIO_DEVICE_STATE_STOP_COPY);
	assert_int_equal(get_state(&a), VFIO_DEVICE_STATE_STOP_COPY);
	for (;;) {
		struct vu_mig_data r;

		assert_int_equal(do_req(&a, T_MIG_READ, &d, sizeof(d), NULL, 0, &m), 0);
		memcpy(&r, m.p, 8);
		assert_int_equal(r.argsz, 8 + r.size);
		assert_int_equal(m.len, 8 + r.size);
		stream = realloc(stream, slen + r.size + 1);
		memcpy(stream + slen, m.p + 8, r.size);
		slen += r.size;
		if (r.size < d.size)
			break;	/* short: the end of the stream (§3.15) */
		assert_true(slen < (64u << 20));
	}
	assert_true(slen > 0);

	/* destination: RUNNING -> RESUMING, write, -> RUNNING */
	set_state_ok(&b, VFIO_DEVICE_STATE_RESUMING);
	tu_expect_rule(do_req(&b, T_MIG_READ, &d, sizeof(d), NULL, 0, &m), -EINVAL, RULE_VU_SRV_MIG_STATE);
	for (size_t off = 0; off < slen; off += 1000) {
		struct vu_mig_data w = { .size = (uint32_t)(slen - off < 1000 ? slen - off : 1000) };

		w.argsz = 8 + w.size;
		memcpy(wbuf, &w, 8);
		memcpy(wbuf + 8, stream + off, w.size);
		req_ok(&b, T_MIG_WRITE, wbuf, 8 + w.size, NULL, 0, &m);
		assert_int_equal(m.len, 0);
	}
	set_state_ok(&b, VFIO_DEVICE_STATE_RUNNING);
	assert_int_equal(vfsim_dev_compare(a.dev, b.dev, diff, sizeof(diff)), 0);
	free(stream);
	t_msg_free(&m);
	vfx_close(&a);
	vfx_close(&b);

	/* no migration at all */
	vfx_open(&a, "nvme", NULL);
	t_negotiate(&a);
	tu_expect_rule(do_feature(&a, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION, NULL, 0, 16, &m),
		       -EINVAL, RULE_VU_SRV_FEAT_UNSUPPORTED);
	tu_expect_rule(do_req(&a, T_MIG_READ, &d, sizeof(d), NULL, 0, &m), -EINVAL, RULE_VU_SRV_MIG_NONE);
	t_msg_free(&m);
	vfx_close(&a);
}

static void test_dma_logging(void **state)
{
	struct {
		struct vu_log_control c;
		uint64_t iova, length;
	} start = { { .page_size = PAGE, .num_ranges = 1 }, IOVA, 4 * PAGE };
	struct vu_log_report rep = { .iova = IOVA, .length = 4 * PAGE, .page_size = PAGE };
	uint8_t *mem;
	uint64_t bm;
	struct vmsg m = { 0 };
	struct vfx f;
	int fd;

	vfx_open(&f, "dmaengine", NULL);
	t_negotiate(&f);
	fd = memfd_of(4 * PAGE, &mem);
	assert_int_equal(do_map(&f, IOVA, 4 * PAGE, 0, VU_DMA_MAP_READ | VU_DMA_MAP_WRITE, fd), 0);
	tu_expect_rule(do_feature(&f, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, &rep,
				  sizeof(rep), 64, &m), -EINVAL, RULE_DMALOG_REPORT_INACTIVE);
	assert_int_equal(do_feature(&f, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_START, &start,
				    sizeof(start), 64, &m), 0);
	engine_go(&f, IOVA, IOVA + 2 * PAGE, 64);	/* dirties page 2 */
	assert_int_equal(do_feature(&f, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, &rep,
				    sizeof(rep), 64, &m), 0);
	assert_int_equal(m.len, 8 + 24 + 8);	/* ceil(4 / 64) words */
	memcpy(&bm, m.p + 32, 8);
	assert_int_equal(bm, 1u << 2);
	/* cleared on read */
	assert_int_equal(do_feature(&f, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, &rep,
				    sizeof(rep), 64, &m), 0);
	memcpy(&bm, m.p + 32, 8);
	assert_int_equal(bm, 0);
	rep.page_size = 3000;
	tu_expect_rule(do_feature(&f, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, &rep,
				  sizeof(rep), 64, &m), -EINVAL, RULE_VU_SRV_FEAT_LOG_PAGE_SIZE);
	assert_int_equal(do_feature(&f, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP, NULL, 0,
				    8, &m), 0);
	/* no ranges = every window */
	start.c.num_ranges = 0;
	assert_int_equal(do_feature(&f, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_START, &start,
				    sizeof(start.c), 64, &m), 0);
	t_msg_free(&m);
	munmap(mem, 4 * PAGE);
	close(fd);
	vfx_close(&f);
}

/* ---- listen ------------------------------------------------------------------------ */

struct listen_arg {
	struct vfsim_vu_server *s;
	const char *path;
	volatile int stop;
	int r;
};

static void *listen_run(void *p)
{
	struct listen_arg *a = p;

	a->r = vfsim_vu_server_listen(a->s, a->path, &a->stop);
	return NULL;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), i;

	assert_true(fd >= 0);
	strcpy(sa.sun_path, path);
	for (i = 0; i < 200; i++) {
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		usleep(10000);
	}
	fail_msg("cannot connect to %s", path);
	return -1;
}

static void test_listen(void **state)
{
	struct vfx f = { 0 };
	struct listen_arg a = { 0 };
	struct vu_device_info info = { .argsz = 16 };
	char path[64];
	struct stat st;
	pthread_t th;
	struct vmsg m = { 0 };
	uint8_t ver[4] = { 0, 0, 0, 0 };
	int round, base = tu_fd_count();

	snprintf(path, sizeof(path), "/tmp/vfsim-vu-test-%d.sock", (int)getpid());
	f.dev = tu_dev_from("minimal");
	assert_int_equal(vfsim_vu_server_new(f.dev, NULL, &f.s), 0);
	a.s = f.s;
	a.path = path;
	assert_int_equal(pthread_create(&th, NULL, listen_run, &a), 0);
	/* one client after another */
	for (round = 0; round < 2; round++) {
		f.cfd = connect_to(path);
		assert_int_equal(stat(path, &st), 0);
		assert_true(S_ISSOCK(st.st_mode));
		assert_int_equal(st.st_mode & 0777, 0600);
		t_send(&f, T_VERSION, 0, ver, 4, NULL, 0);
		t_recv(&f, &m);
		assert_int_equal(m.h.flags, T_REPLY);
		t_send(&f, T_GET_INFO, 0, &info, sizeof(info), NULL, 0);
		t_recv(&f, &m);
		assert_int_equal(m.h.cmd, T_GET_INFO);
		assert_int_equal(m.len, 16);
		close(f.cfd);
	}
	a.stop = 1;
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(a.r, 0);
	assert_int_equal(stat(path, &st), -1);	/* unlinked on exit */
	t_msg_free(&m);
	f.cfd = -1;
	vfx_close(&f);
	assert_int_equal(tu_fd_count(), base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dma_map_memfd_engine),
		cmocka_unit_test(test_dma_map_large_pgsize),
		cmocka_unit_test(test_dma_map_rejected),
		cmocka_unit_test(test_dma_map_fd_truncation),
		cmocka_unit_test(test_reconnect),
		cmocka_unit_test(test_dma_messages_main_socket),
		cmocka_unit_test(test_dma_messages_qemu_layout),
		cmocka_unit_test(test_dma_messages_twin_socket),
		cmocka_unit_test(test_dma_timeout),
		cmocka_unit_test(test_feature_migration),
		cmocka_unit_test(test_dma_logging),
		cmocka_unit_test(test_listen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
