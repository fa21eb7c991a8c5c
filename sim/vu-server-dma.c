/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DMA for the vfio-user server (digest §3.2, §3.3, §3.10, §4.3): the
 * client's windows, kept in a table sorted by IOVA and mirrored into a
 * per-connection type1 IOMMU space (dma.h) that the device DMAs through
 * (dev->dma while a client is attached).
 *
 * A window with an fd is mmap'd (offset rounded down, length rounded up to
 * the page, as libvfio-user does) and mapped with vaddr = that memory, once
 * the fd is sealed against shrinking (else it is reached with pread/pwrite,
 * see vu_srv_fd_sealed); a
 * window without an fd is mapped with vaddr 0 and reached through the
 * space's dma_ops, which send DMA_READ/DMA_WRITE to the client (over the
 * twin socket when negotiated), split so that no count exceeds the
 * client's max_data_xfer_size (nor ours: we receive the DMA_READ reply),
 * and wait up to dma_timeout_ms for each reply.
 */
#define _GNU_SOURCE	/* F_ADD_SEALS, F_GET_SEALS */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vu-server.h"
#include "dev.h"
#include "dma.h"
#include "fault.h"
#include "rules.h"

static uint64_t vu_srv_page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	return ps > 0 ? (uint64_t)ps : 4096;
}

/* ---- the window table ------------------------------------------------------ */

/* First window with iova >= @iova. */
static unsigned vu_srv_win_lower(const struct vfsim_vu_server *s, uint64_t iova)
{
	unsigned lo = 0, hi = s->nwins;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (s->wins[mid].iova < iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool vu_srv_win_overlaps(const struct vfsim_vu_server *s, uint64_t iova, uint64_t last)
{
	unsigned pos = vu_srv_win_lower(s, iova);

	if (pos < s->nwins && s->wins[pos].iova <= last)
		return true;
	return pos > 0 && s->wins[pos - 1].iova + (s->wins[pos - 1].size - 1) >= iova;
}

static int vu_srv_win_insert(struct vfsim_vu_server *s, const struct vu_srv_win *w)
{
	unsigned pos;

	if (s->nwins == s->capwins) {
		unsigned cap = s->capwins ? s->capwins * 2 : 16;
		struct vu_srv_win *n;

		if (cap > s->cfg.max_dma_maps)
			cap = s->cfg.max_dma_maps;
		n = realloc(s->wins, (size_t)cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		s->wins = n;
		s->capwins = cap;
	}
	pos = vu_srv_win_lower(s, w->iova);
	memmove(&s->wins[pos + 1], &s->wins[pos], (s->nwins - pos) * sizeof(*w));
	s->wins[pos] = *w;
	s->nwins++;
	return 0;
}

static void vu_srv_win_release(struct vu_srv_win *w)
{
	if (w->map)
		munmap(w->map, w->maplen);
	if (w->fd >= 0)
		close(w->fd);
	w->map = NULL;
	w->fd = -1;
}

static void vu_srv_win_release_all(struct vfsim_vu_server *s)
{
	unsigned i;

	for (i = 0; i < s->nwins; i++)
		vu_srv_win_release(&s->wins[i]);
	s->nwins = 0;
}

/* ---- DMA_MAP / DMA_UNMAP ------------------------------------------------------ */

/* Can the client no longer shrink @fd? A file mapped here and truncated by
 * the client afterwards would make the next device access take SIGBUS, so a
 * regular file is mapped only once F_SEAL_SHRINK holds (a memfd created with
 * MFD_ALLOW_SEALING takes it); any other file is reached with pread/pwrite,
 * where a truncated file is a short read (EFAULT), not a crash. */
static bool vu_srv_fd_sealed(int fd)
{
	int seals;

	(void)fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK);
	seals = fcntl(fd, F_GET_SEALS);
	return seals >= 0 && (seals & F_SEAL_SHRINK);
}

/* Make [offset, offset + size) of @fd reachable: mmap it (sealed regular
 * files, and non-regular fds that cannot shrink), else file I/O. The file
 * must cover the window at map time. */
/* mmap @len bytes of @fd at @start to an address aligned to @align (a power
 * of two >= the page size): the IOMMU space wants vaddr aligned to its
 * smallest page size, as the kernel's MAP_DMA does, and with pgsizes above
 * 4 KiB a plain mmap is not. Reserve, place, trim. */
static void *vu_srv_mmap_aligned(size_t len, int prot, int fd, off_t start, uint64_t align)
{
	uint8_t *res, *at, *p;
	size_t slack = align > vu_srv_page_size() ? (size_t)align : 0;

	if (!slack)
		return mmap(NULL, len, prot, MAP_SHARED, fd, start);
	if (len > SIZE_MAX - slack)
		return MAP_FAILED;
	res = mmap(NULL, len + slack, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED)
		return MAP_FAILED;
	at = (uint8_t *)(((uintptr_t)res + (uintptr_t)align - 1) & ~((uintptr_t)align - 1));
	p = mmap(at, len, prot, MAP_SHARED | MAP_FIXED, fd, start);
	if (p == MAP_FAILED) {
		int e = errno;

		munmap(res, len + slack);
		errno = e;
		return MAP_FAILED;
	}
	if (at > res)
		munmap(res, (size_t)(at - res));
	if (at + len < res + len + slack)
		munmap(at + len, (size_t)(res + len + slack - (at + len)));
	return p;
}

static int vu_srv_win_mmap(struct vu_srv_win *w, int fd, uint64_t offset, uint64_t size,
			   uint32_t flags, uint64_t align, uint64_t *ret_vaddr)
{
	uint64_t ps = vu_srv_page_size(), start = offset & ~(ps - 1), delta = offset - start, len;
	int prot = PROT_READ | ((flags & VU_DMA_MAP_WRITE) ? PROT_WRITE : 0);
	struct stat st;
	void *p;

	if (fstat(fd, &st) < 0)
		return vfsim_reject(RULE_VU_SRV_DMA_MAP_FD, -EBADF);
	if (S_ISREG(st.st_mode) && (st.st_size < 0 || offset + size > (uint64_t)st.st_size))
		return vfsim_reject(RULE_VU_SRV_DMA_MAP_FD_RANGE, -EINVAL);
	if (S_ISREG(st.st_mode) && !vu_srv_fd_sealed(fd)) {
		w->file_io = true;
		w->offset = offset;
		*ret_vaddr = 0;		/* reached through the space's ops: vu_srv_dma_msg_rw */
		return 0;
	}
	if (delta + size < size || delta + size > SIZE_MAX - ps)
		return vfsim_reject(RULE_VU_SRV_DMA_MAP_RANGE, -EINVAL);
	len = (delta + size + ps - 1) & ~(ps - 1);
	/* @offset is aligned to the smallest pgsize already, so delta is 0
	 * whenever @align is above a page */
	p = vu_srv_mmap_aligned((size_t)len, prot, fd, (off_t)start, delta ? ps : align);
	if (p == MAP_FAILED)
		return vfsim_reject(RULE_VU_SRV_DMA_MAP_MMAP, -errno);
	w->map = p;
	w->maplen = (size_t)len;
	*ret_vaddr = (uint64_t)(uintptr_t)p + delta;
	return 0;
}

int vu_srv_dma_map(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep)
{
	const uint32_t prot = VU_DMA_MAP_READ | VU_DMA_MAP_WRITE;
	uint64_t pgmask = (s->own.pgsizes & -s->own.pgsizes) - 1, vaddr = 0;
	struct vfio_iommu_type1_dma_map km = { .argsz = sizeof(km) };
	struct vu_srv_win w = { .fd = -1 };
	struct vu_dma_map dm;
	int r;

	memcpy(&dm, m->payload, sizeof(dm));
	if (dm.argsz < sizeof(dm))
		return vfsim_reject(RULE_VU_SRV_DMA_MAP_ARGSZ, -EINVAL);
	/* libvfio-user's MMAP/FILE_IO bits (§3.2) are not offered. */
	if (dm.flags & ~prot)
		return vfsim_reject(RULE_VU_SRV_DMA_MAP_FLAGS, -EINVAL);
	if (!(dm.flags & prot))
		return vfsim_reject(RULE_VU_SRV_DMA_MAP_PROT, -EINVAL);
	if (!dm.size || dm.addr + (dm.size - 1) < dm.addr)
		return vfsim_reject(RULE_VU_SRV_DMA_MAP_RANGE, -EINVAL);
	/* The IOVA granularity is the smallest of our pgsizes (§4.3). Faults
	 * dma-unaligned and dma-overlap: such a map is answered with success
	 * and not installed (the window table and the IOMMU space hold
	 * aligned, disjoint windows only); its fd is closed with the message. */
	if ((dm.addr | dm.size | (m->nfds ? dm.offset : 0)) & pgmask) {
		if (vfsim_fault_on(s->cfg.faults, VFSIM_FAULT_DMA_UNALIGNED))
			return 0;
		return vfsim_reject(RULE_VU_SRV_DMA_MAP_ALIGN, -EINVAL);
	}
	if (m->nfds && dm.offset + dm.size < dm.offset)
		return vfsim_reject(RULE_VU_SRV_DMA_MAP_RANGE, -EINVAL);
	if (vu_srv_win_overlaps(s, dm.addr, dm.addr + (dm.size - 1))) {
		if (vfsim_fault_on(s->cfg.faults, VFSIM_FAULT_DMA_OVERLAP))
			return 0;
		return vfsim_reject(RULE_VU_SRV_DMA_MAP_EXISTS, -EEXIST);
	}
	if (s->nwins >= s->cfg.max_dma_maps)
		return vfsim_reject(RULE_VU_SRV_DMA_MAP_LIMIT, -EINVAL);

	w.iova = dm.addr;
	w.size = dm.size;
	if (m->nfds) {
		r = vu_srv_win_mmap(&w, m->fds[0], dm.offset, dm.size, dm.flags, pgmask + 1, &vaddr);
		if (r < 0)
			return r;
	}
	km.flags = dm.flags & prot;	/* the same bits as VFIO_DMA_MAP_FLAG_READ/WRITE */
	km.vaddr = vaddr;
	km.iova = dm.addr;
	km.size = dm.size;
	r = dma_map(s->dma, &km);
	if (r < 0)
		goto fail;
	r = vu_srv_win_insert(s, &w);
	if (r < 0) {
		struct vfio_iommu_type1_dma_unmap ku = {
			.argsz = sizeof(ku), .iova = dm.addr, .size = dm.size,
		};

		dma_unmap(s->dma, &ku);
		goto fail;
	}
	if (m->nfds) {
		s->wins[vu_srv_win_lower(s, dm.addr)].fd = m->fds[0];
		m->fds[0] = -1;
	}
	return 0;
fail:
	vu_srv_win_release(&w);
	return r;
}

/* Fault dma-partial-unmap: the window holding @addr, else the first one
 * starting inside [addr, addr + size); s->nwins when none. @pos is
 * vu_srv_win_lower(@addr). */
static unsigned vu_srv_win_partial(const struct vfsim_vu_server *s, uint64_t addr, uint64_t size,
				   unsigned pos)
{
	uint64_t last = size ? addr + (size - 1) : addr;

	if (last < addr)
		last = UINT64_MAX;
	if (pos > 0 && s->wins[pos - 1].iova + (s->wins[pos - 1].size - 1) >= addr)
		return pos - 1;
	if (pos < s->nwins && s->wins[pos].iova <= last)
		return pos;
	return s->nwins;
}

int vu_srv_dma_unmap(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep)
{
	struct vfio_iommu_type1_dma_unmap ku = { .argsz = sizeof(ku) };
	struct vu_dma_unmap du;
	unsigned pos;
	bool found;
	int r;

	memcpy(&du, m->payload, sizeof(du));
	if (du.argsz < sizeof(du))
		return vfsim_reject(RULE_VU_SRV_DMA_UNMAP_ARGSZ, -EINVAL);
	/* The server has no IOMMU dirty tracking to report (§4.4: DMA
	 * logging replaces it), so GET_DIRTY_BITMAP is never active. */
	if (du.flags & VU_DMA_UNMAP_GET_DIRTY_BITMAP)
		return vfsim_reject(RULE_VU_SRV_DMA_UNMAP_BITMAP, -EINVAL);
	if (du.flags & ~VU_DMA_UNMAP_ALL)
		return vfsim_reject(RULE_VU_SRV_DMA_UNMAP_FLAGS, -EINVAL);
	if (du.flags & VU_DMA_UNMAP_ALL) {
		if (du.addr || du.size)
			return vfsim_reject(RULE_VU_SRV_DMA_UNMAP_ALL_RANGE, -EINVAL);
		dma_space_clear(s->dma);
		vu_srv_win_release_all(s);
		return vu_srv_reply_echo(rep, m, sizeof(du));
	}
	pos = vu_srv_win_lower(s, du.addr);
	found = pos < s->nwins && s->wins[pos].iova == du.addr && s->wins[pos].size == du.size;
	/* Fault dma-partial-unmap: a range inside (or overlapping) a window
	 * takes the whole window with it. */
	if (!found && vfsim_fault_on(s->cfg.faults, VFSIM_FAULT_DMA_PARTIAL_UNMAP)) {
		pos = vu_srv_win_partial(s, du.addr, du.size, pos);
		found = pos < s->nwins;
	}
	if (!found)
		return vfsim_reject(RULE_VU_SRV_DMA_UNMAP_NOENT, -ENOENT);
	ku.iova = s->wins[pos].iova;
	ku.size = s->wins[pos].size;
	r = dma_unmap(s->dma, &ku);
	if (r < 0)
		return r;
	/* §3.3: no reference to the window survives the reply. */
	vu_srv_win_release(&s->wins[pos]);
	memmove(&s->wins[pos], &s->wins[pos + 1], (s->nwins - pos - 1) * sizeof(s->wins[0]));
	s->nwins--;
	return vu_srv_reply_echo(rep, m, sizeof(du));
}

/* ---- server -> client DMA_READ / DMA_WRITE ----------------------------------------- */

static int64_t vu_srv_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Is @m the reply to our request (@id, @cmd) carrying @len bytes at
 * @iova? Copies DMA_READ data into @buf. */
static int vu_srv_dma_reply(struct vfsim_vu_server *s, const struct vu_msg *m, uint64_t iova,
			    void *buf, size_t len, bool write)
{
	bool qemu = s->cfg.quirks & VFSIM_VU_QUIRK_QEMU_DMA;
	uint64_t addr, count;

	if (m->hdr.flags & VU_FLAGS_ERROR) {
		uint32_t e = m->hdr.error;

		/* libvfio-user's rule for a useless errno (§1.7) */
		return vfsim_reject(RULE_VU_SRV_DMA_REPLY_ERROR, -(int)(e && e <= 4096 ? e : EINVAL));
	}
	if (write && qemu && m->len == 0)
		return 0;	/* QEMU 10.1's header-only DMA_WRITE reply (§3.10) */
	if (qemu) {
		struct vu_dma_access_qemu a;

		if (m->len < sizeof(a))
			return vfsim_reject(RULE_VU_SRV_DMA_REPLY_BAD, -EIO);
		memcpy(&a, m->payload, sizeof(a));
		addr = a.addr;
		count = a.count;
		if (!write && m->len - sizeof(a) < len)
			return vfsim_reject(RULE_VU_SRV_DMA_REPLY_BAD, -EIO);
		if (addr != iova || count != len)
			return vfsim_reject(RULE_VU_SRV_DMA_REPLY_BAD, -EIO);
		if (!write)
			memcpy(buf, m->payload + sizeof(a), len);
		return 0;
	} else {
		struct vu_dma_access a;

		if (m->len != sizeof(a) + (write ? 0 : len))
			return vfsim_reject(RULE_VU_SRV_DMA_REPLY_BAD, -EIO);
		memcpy(&a, m->payload, sizeof(a));
		addr = a.addr;
		count = a.count;
		if (addr != iova || count != len)
			return vfsim_reject(RULE_VU_SRV_DMA_REPLY_BAD, -EIO);
		if (!write)
			memcpy(buf, m->payload + sizeof(a), len);
		return 0;
	}
}

/* Wait for the reply with @id; client commands seen meanwhile on the main
 * socket are queued for afterwards, in order. */
static int vu_srv_dma_wait(struct vfsim_vu_server *s, struct vu_conn *c, uint16_t id, uint16_t cmd,
			   uint64_t iova, void *buf, size_t len, bool write)
{
	int64_t deadline = vu_srv_now_ms() + s->cfg.dma_timeout_ms;
	unsigned budget;

	/* Each turn consumes one message or ends: bounded by what the client
	 * sends within the timeout, and by the queue, which drops it when full. */
	for (budget = 0; budget < VU_SRV_QUEUE_MAX * 16; budget++) {
		int64_t left = deadline - vu_srv_now_ms();
		struct vu_msg m;
		uint32_t type;
		int rc;

		if (left <= 0)
			return vfsim_reject(RULE_VU_SRV_DMA_TIMEOUT, -ETIMEDOUT);
		memset(&m, 0, sizeof(m));
		rc = vu_conn_recv(c, &m, true, (int)(left > 60000 ? 60000 : left));
		if (rc == -ETIMEDOUT || rc == -EAGAIN) {
			vu_msg_release(&m);
			/* An in-memory transport (vu_srv_attach_transport) has no
			 * one to feed it while we wait: what it lacks now never
			 * comes, and spinning out the deadline would only cost. */
			if (rc == -EAGAIN && vu_conn_fd(c) < 0)
				return vfsim_reject(RULE_VU_SRV_DMA_TIMEOUT, -ETIMEDOUT);
			continue;
		}
		if (rc < 0 && rc != -EMSGSIZE && rc != -EBADMSG) {
			/* the client went away or the stream broke */
			vu_msg_release(&m);
			s->drop = true;
			return vfsim_reject(RULE_VU_SRV_DMA_GONE, rc);
		}
		type = m.hdr.flags & VU_FLAGS_TYPE_MASK;
		if (type == VU_FLAGS_TYPE_COMMAND) {
			if (c != s->conn) {
				/* the twin carries only our commands' replies */
				vfsim_reject(RULE_VU_SRV_TWIN_COMMAND, -EINVAL);
				vu_msg_release(&m);
				continue;
			}
			rc = vu_srv_queue_push(s, rc, &m);
			if (rc < 0)
				return rc;
			continue;
		}
		if (m.hdr.id != id || m.hdr.cmd != cmd) {
			vfsim_reject(RULE_VU_SRV_UNEXPECTED_REPLY, -EINVAL);
			vu_msg_release(&m);
			continue;
		}
		if (rc < 0) {
			vu_msg_release(&m);
			return vfsim_reject(RULE_VU_SRV_DMA_REPLY_BAD, -EIO);
		}
		rc = vu_srv_dma_reply(s, &m, iova, buf, len, write);
		vu_msg_release(&m);
		return rc;
	}
	return vfsim_reject(RULE_VU_SRV_DMA_TIMEOUT, -ETIMEDOUT);
}

static int vu_srv_dma_one(struct vfsim_vu_server *s, uint64_t iova, void *buf, size_t len, bool write)
{
	bool qemu = s->cfg.quirks & VFSIM_VU_QUIRK_QEMU_DMA;
	struct vu_conn *c = s->twin ? s->twin : s->conn;
	size_t fixed = qemu ? sizeof(struct vu_dma_access_qemu) : sizeof(struct vu_dma_access);
	uint16_t cmd = write ? VU_CMD_DMA_WRITE : VU_CMD_DMA_READ;
	struct vu_hdr h = { .id = s->dma_id++, .cmd = cmd, .flags = VU_FLAGS_TYPE_COMMAND };
	size_t plen = fixed + (write ? len : 0);
	uint8_t *p;
	int r;

	p = malloc(plen);
	if (!p)
		return -ENOMEM;
	if (qemu) {
		struct vu_dma_access_qemu a = { .addr = iova, .count = (uint32_t)len };

		memcpy(p, &a, sizeof(a));
	} else {
		struct vu_dma_access a = { .addr = iova, .count = len };

		memcpy(p, &a, sizeof(a));
	}
	if (write)
		memcpy(p + fixed, buf, len);
	r = vu_conn_send(c, &h, p, plen, NULL, 0);
	free(p);
	if (r < 0) {
		s->drop = true;
		return vfsim_reject(RULE_VU_SRV_DMA_GONE, r);
	}
	return vu_srv_dma_wait(s, c, h.id, cmd, iova, buf, len, write);
}

/* The file-I/O window holding [iova, iova + len), NULL if none. dma_rw
 * calls the ops once per mapping span, so the range is inside one window. */
static const struct vu_srv_win *vu_srv_win_file(const struct vfsim_vu_server *s, uint64_t iova, size_t len)
{
	unsigned pos = vu_srv_win_lower(s, iova + 1);
	const struct vu_srv_win *w;

	if (!pos)
		return NULL;
	w = &s->wins[pos - 1];
	if (!w->file_io || iova < w->iova || iova - w->iova > w->size || len > w->size - (iova - w->iova))
		return NULL;
	return w;
}

static int vu_srv_dma_file_rw(const struct vu_srv_win *w, uint64_t iova, void *buf, size_t len, bool write)
{
	uint64_t off = w->offset + (iova - w->iova);
	uint8_t *p = buf;

	while (len) {
		ssize_t n = write ? pwrite(w->fd, p, len, (off_t)off) : pread(w->fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)	/* the client truncated the file, or it refuses the access */
			return vfsim_reject(RULE_VU_SRV_DMA_FILE_IO, -EFAULT);
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/* dma_ops.rw of the connection's space: a window without an fd (messages),
 * or with an fd that could not be sealed (file I/O). */
static int vu_srv_dma_msg_rw(void *opaque, uint64_t iova, void *buf, size_t len, bool write)
{
	struct vfsim_vu_server *s = opaque;
	const struct vu_srv_win *w = vu_srv_win_file(s, iova, len);
	uint64_t chunk = s->peer.max_data_xfer_size;
	uint8_t *p = buf;
	int r = 0;

	if (w)
		return vu_srv_dma_file_rw(w, iova, buf, len, write);

	/* One request in flight: a reply wait never runs a command, so it
	 * cannot start another DMA; refuse if it somehow would. */
	if (!s->conn || !s->negotiated || s->drop || s->in_dma)
		return vfsim_reject(RULE_VU_SRV_DMA_GONE, -EIO);
	if (chunk > s->own.max_data_xfer_size)
		chunk = s->own.max_data_xfer_size;	/* we receive the DMA_READ reply */
	if (chunk > VU_LIMIT_MAX_DATA_XFER)
		chunk = VU_LIMIT_MAX_DATA_XFER;
	if (!chunk)
		return vfsim_reject(RULE_VU_SRV_DMA_GONE, -EIO);
	s->in_dma = true;
	while (len) {
		size_t n = len < chunk ? len : (size_t)chunk;

		r = vu_srv_dma_one(s, iova, p, n, write);
		if (r < 0)
			break;
		iova += n;
		p += n;
		len -= n;
	}
	s->in_dma = false;
	return r;
}

/* ---- per connection ---------------------------------------------------------------- */

int vu_srv_dma_attach(struct vfsim_vu_server *s)
{
	/* vfio-user windows may sit anywhere in the 64-bit space. */
	struct vfsim_iommu_config cfg = {
		.pgsizes = s->own.pgsizes,
		.dma_entry_limit = s->cfg.max_dma_maps,
		.niova_ranges = 1,
		.iova_ranges = { { 0, UINT64_MAX } },
	};
	struct dma_ops ops = { .rw = vu_srv_dma_msg_rw, .opaque = s };
	int r;

	r = dma_space_new(&cfg, &s->dma);
	if (r < 0)
		return r;
	dma_space_set_ops(s->dma, &ops);
	dma_space_set_faults(s->dma, s->cfg.faults);
	s->nwins = 0;
	s->dev->dma = s->dma;
	return 0;
}

void vu_srv_dma_detach(struct vfsim_vu_server *s)
{
	if (s->dev->dma == s->dma)
		s->dev->dma = NULL;
	dma_space_free(s->dma);
	s->dma = NULL;
	/* Fault fd-leak: the client's DMA files stay open, forgotten. */
	if (vfsim_fault_on(s->cfg.faults, VFSIM_FAULT_FD_LEAK)) {
		unsigned i;

		for (i = 0; i < s->nwins; i++)
			s->wins[i].fd = -1;
	}
	vu_srv_win_release_all(s);
	free(s->wins);
	s->wins = NULL;
	s->capwins = 0;
}
