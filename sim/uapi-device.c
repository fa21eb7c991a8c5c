/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device fd of the kernel-uAPI model, as vfio-pci (6.1) answers it:
 * GET_INFO, GET_REGION_INFO (with capability chains), GET_IRQ_INFO,
 * SET_IRQS, RESET, GET_PCI_HOT_RESET_INFO, PCI_HOT_RESET and IOEVENTFD;
 * VFIO_DEVICE_FEATURE is forwarded to uapi-feature.c. Also region
 * pread/pwrite, mmap of MMAP regions, and what the last close tears down.
 *
 * Two device behaviours are modelled lazily, at the next operation on the
 * device fd (ioctl, pread/pwrite, mmap), because the model has no thread:
 *  - IOEVENTFD: as in the kernel, signalling a registered eventfd makes the
 *    *device* receive the write of (bar, pos, size, data); the write lands
 *    before the next device fd operation. (It is not KVM's ioeventfd: a
 *    region write never signals the eventfd.) Signals that pile up before
 *    the drain collapse into one write, as the kernel's virqfd does.
 *  - Low power: the kernel's ioctl/read/write wrappers runtime-resume the
 *    device; with a wakeup eventfd that resume signals it and leaves the
 *    low power state (vfio_pci_core_runtime_resume).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>
#include <fcntl.h>

#include "uapi.h"
#include "caps.h"
#include "dev.h"
#include "dmalog.h"
#include "fault.h"
#include "irq.h"
#include "mig.h"
#include "region.h"

/* The kernel clamps every read/write to MAX_RW_COUNT (rw_verify_area). */
#define DEV_MAX_RW ((size_t)(INT_MAX & ~4095))

/* [6.1] PCI_HOT_RESET with count 0 is EINVAL; [new] it is the cdev form,
 * legal only on a cdev-opened device (the model has no cdev): the one place
 * that names the difference. */
#define DEV_HOT_RESET_COUNT0_IS_CDEV 0

static uint64_t dev_page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	return ps > 0 ? (uint64_t)ps : 4096;
}

/* Is @fd an eventfd of this process? 0, -EBADF (not open) or -EINVAL, as
 * eventfd_ctx_fdget() answers. */
static int dev_check_eventfd(int fd)
{
	char path[64], target[64];
	ssize_t n;

	if (fd < 0 || fcntl(fd, F_GETFD) < 0)
		return -EBADF;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -EBADF;
	target[n] = '\0';
	return strcmp(target, "anon_inode:[eventfd]") ? -EINVAL : 0;
}

/* ---- lazy device-side effects ---------------------------------------------- */

static void dev_ioeventfd_write(struct uapi_device *d, const struct uapi_ioeventfd *e)
{
	uint8_t le[8];
	unsigned i;

	for (i = 0; i < 8; i++)
		le[i] = (uint8_t)(e->data >> (8 * i));
	/* The eventfd path writes like vfio_pci_iowrite*: its failure has no
	 * one to report to. */
	(void)region_rw(d->dev, e->bar, e->pos, le, e->size, true);
}

static void dev_ioeventfd_drain(struct uapi_device *d)
{
	struct pollfd *pfd;
	unsigned i, n = d->nioeventfds;

	if (!n)
		return;
	pfd = calloc(n, sizeof(*pfd));
	if (!pfd)
		return;
	for (i = 0; i < n; i++) {
		pfd[i].fd = d->ioeventfds[i].fd;
		pfd[i].events = POLLIN;
	}
	if (poll(pfd, n, 0) > 0) {
		for (i = 0; i < n; i++) {
			uint64_t v;

			if (!(pfd[i].revents & POLLIN))
				continue;
			if (read(d->ioeventfds[i].fd, &v, sizeof(v)) != sizeof(v))
				continue;
			dev_ioeventfd_write(d, &d->ioeventfds[i]);
		}
	}
	free(pfd);
}

static void dev_runtime_resume(struct uapi_device *d)
{
	struct vfsim_dev *dev = d->dev;

	if (dev->low_power && dev->low_power_wakeup_fd >= 0) {
		uint64_t one = 1;

		if (write(dev->low_power_wakeup_fd, &one, sizeof(one)) < 0) {
			/* a full eventfd counter is still a wakeup */
		}
		close(dev->low_power_wakeup_fd);
		dev->low_power_wakeup_fd = -1;
		dev->low_power = false;
	}
}

static void dev_enter(struct uapi_device *d)
{
	dev_runtime_resume(d);
	dev_ioeventfd_drain(d);
}

/* ---- GET_INFO ---------------------------------------------------------------- */

/* Device info caps (zPCI, [new] PCI_ATOMIC_COMP) are not modelled: the chain
 * is always empty, so FLAGS_CAPS never shows. */
static void dev_info_caps(const struct uapi_device *d, struct capbuf *cb)
{
	caps_init(cb);
}

static int dev_get_info(struct vfsim_host *host, struct uapi_device *d, void *arg)
{
	size_t minsz = offsetof(struct vfio_device_info, cap_offset);	/* 16 */
	const size_t capsz = offsetof(struct vfio_device_info, cap_offset) + sizeof(uint32_t);
	struct vfio_device_info info;
	struct capbuf cb;

	memcpy(&info, arg, minsz);
	/* Fault argsz-ignored: a too-short argsz is answered as if it were
	 * the 16 bytes of the oldest caller (the model has the whole struct). */
	if (info.argsz < minsz && !vfsim_fault_on(host->faults, VFSIM_FAULT_ARGSZ_IGNORED))
		return vfsim_reject(RULE_DEV_INFO_ARGSZ, -EINVAL);
	/* Callers older than cap_offset (argsz in [16, 20)) never see it. */
	if (info.argsz >= capsz) {
		minsz = capsz;
		info.cap_offset = 0;
	}
	info.flags = VFIO_DEVICE_FLAGS_PCI;
	if (d->dev->prof.reset)
		info.flags |= VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = region_count(d->dev->regions);
	info.num_irqs = VFIO_PCI_NUM_IRQS;

	dev_info_caps(d, &cb);
	if (cb.len) {
		info.flags |= VFIO_DEVICE_FLAGS_CAPS;
		if (info.argsz < sizeof(info) + cb.len) {
			info.argsz = sizeof(info) + cb.len;
		} else {
			caps_copy_shifted(&cb, (uint8_t *)arg + sizeof(info), sizeof(info));
			info.cap_offset = sizeof(info);
		}
	}
	memcpy(arg, &info, minsz);
	return 0;
}

/* ---- GET_REGION_INFO --------------------------------------------------------- */

static int dev_get_region_info(struct vfsim_host *host, struct uapi_device *d, void *arg)
{
	const size_t minsz = sizeof(struct vfio_region_info);	/* 32: cap_offset inside */
	struct vfio_region_info info;
	const struct region *r;
	struct capbuf *cb;

	memcpy(&info, arg, minsz);
	/* Fault argsz-short: argsz below the 32-byte struct is answered. */
	if (info.argsz < minsz && !vfsim_fault_on(host->faults, VFSIM_FAULT_ARGSZ_SHORT))
		return vfsim_reject(RULE_DEV_REGION_ARGSZ, -EINVAL);
	if (info.index >= region_count(d->dev->regions))
		return vfsim_reject(RULE_DEV_REGION_INDEX, -EINVAL);
	r = region_get(d->dev->regions, info.index);
	if (!r)
		return vfsim_reject(RULE_DEV_REGION_INDEX, -EINVAL);
	if (info.index == VFIO_PCI_VGA_REGION_INDEX && !r->size)
		return vfsim_reject(RULE_DEV_REGION_VGA_ABSENT, -EINVAL);

	info.offset = UAPI_INDEX_TO_OFFSET(info.index);
	info.size = r->size;
	/* An absent BAR or ROM answers size 0, flags 0, and success. */
	info.flags = r->size ? r->flags & (VFIO_REGION_INFO_FLAG_READ |
					   VFIO_REGION_INFO_FLAG_WRITE |
					   VFIO_REGION_INFO_FLAG_MMAP) : 0;

	cb = malloc(sizeof(*cb));
	if (!cb)
		return -ENOMEM;
	region_caps(r, cb, false);
	/* Without caps the kernel leaves cap_offset as the caller wrote it. */
	if (cb->len && info.argsz < sizeof(info) + cb->len &&
	    vfsim_fault_on(host->faults, VFSIM_FAULT_CAPS_TRUNCATED)) {
		/* Fault caps-truncated: the chain that does not fit is dropped
		 * without a word: no CAPS flag, argsz as the caller wrote it. */
	} else if (cb->len) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + cb->len) {
			info.argsz = sizeof(info) + cb->len;
			info.cap_offset = 0;
		} else {
			caps_copy_shifted(cb, (uint8_t *)arg + sizeof(info), sizeof(info));
			/* Fault cap-next-backwards: the chain loops. */
			if (vfsim_fault_on(host->faults, VFSIM_FAULT_CAP_NEXT_BACKWARDS))
				caps_loop_back(cb, (uint8_t *)arg + sizeof(info), sizeof(info));
			info.cap_offset = sizeof(info);
		}
	}
	free(cb);
	memcpy(arg, &info, minsz);
	return 0;
}

/* ---- IRQs --------------------------------------------------------------------- */

static int dev_get_irq_info(struct vfsim_host *host, struct uapi_device *d, void *arg)
{
	struct vfio_irq_info info;
	int r;

	memcpy(&info, arg, sizeof(info));
	if (info.argsz < sizeof(info))
		return vfsim_reject(RULE_DEV_IRQINFO_ARGSZ, -EINVAL);
	/* irq_info refuses index >= 5 and ERR on a conventional device. */
	r = irq_info(d->dev->irq, info.index, &info.flags, &info.count);
	if (r < 0)
		return r;
	/* Fault irq-count: one vector more than the device has. */
	if (vfsim_fault_on(host->faults, VFSIM_FAULT_IRQ_COUNT))
		info.count++;
	memcpy(arg, &info, sizeof(info));
	return 0;
}

static int dev_set_irqs(struct vfsim_host *host, struct uapi_device *d, void *arg)
{
	struct vfio_irq_set hdr;
	const uint8_t *data;
	size_t data_size = 0;
	int r;

	memcpy(&hdr, arg, offsetof(struct vfio_irq_set, data));
	/* Fault irq-range: a range past the index's vectors is answered 0
	 * and nothing is done (the payload is not read). */
	if (vfsim_fault_on(host->faults, VFSIM_FAULT_IRQ_RANGE) &&
	    irq_set_past_range(&hdr, irq_count(d->dev->irq, hdr.index)))
		return 0;
	r = irq_set_validate(&hdr, irq_count(d->dev->irq, hdr.index), VFIO_PCI_NUM_IRQS,
			     &data_size);
	if (r < 0)
		return r;
	/* Fault set-irqs-zero: the disable request is answered 0 and the
	 * triggers stay. */
	if (vfsim_fault_on(host->faults, VFSIM_FAULT_SET_IRQS_ZERO) && irq_set_is_disable(&hdr))
		return 0;
	/* The payload follows the header in the caller's memory (arg->data). */
	data = data_size ? (const uint8_t *)arg + offsetof(struct vfio_irq_set, data) : NULL;
	return irq_set(d->dev->irq, &hdr, data);
}

/* ---- resets ------------------------------------------------------------------- */

static int dev_reset(struct vfsim_host *host, struct uapi_device *d, void *arg)
{
	if (!d->dev->prof.reset)
		return vfsim_reject(RULE_DEV_RESET_UNSUPPORTED, -EINVAL);
	/* Migration drivers treat FLR as "back to RUNNING, every data session
	 * closed": vfsim_dev_reset does both, so old data fds see ENODEV. */
	return vfsim_dev_reset(d->dev);
}

/* The model puts every device alone on its bus: a hot reset affects exactly
 * the device itself. */
static void dev_fill_dependent(const struct uapi_device *d, struct vfio_pci_dependent_device *e)
{
	unsigned seg = 0, bus = 0, slot = 0, fn = 0;

	memset(e, 0, sizeof(*e));
	if (sscanf(d->bdf, "%x:%x:%x.%x", &seg, &bus, &slot, &fn) != 4)
		seg = bus = slot = fn = 0;
	e->group_id = d->group ? d->group->id : 0;
	e->segment = (uint16_t)seg;
	e->bus = (uint8_t)bus;
	e->devfn = (uint8_t)(((slot & 0x1f) << 3) | (fn & 7));
}

static int dev_hot_reset_info(struct vfsim_host *host, struct uapi_device *d, void *arg)
{
	const size_t minsz = offsetof(struct vfio_pci_hot_reset_info, devices);	/* 12 */
	struct vfio_pci_hot_reset_info hdr;
	const uint32_t affected = 1;

	memcpy(&hdr, arg, minsz);
	if (hdr.argsz < minsz)
		return vfsim_reject(RULE_DEV_HOTRESET_INFO_ARGSZ, -EINVAL);
	hdr.flags = 0;
	hdr.count = affected;
	if (hdr.argsz < minsz + affected * sizeof(struct vfio_pci_dependent_device)) {
		/* The header, count filled in, is copied back so the caller
		 * can size its buffer. */
		memcpy(arg, &hdr, minsz);
		return vfsim_reject(RULE_DEV_HOTRESET_INFO_ENOSPC, -ENOSPC);
	}
	memcpy(arg, &hdr, minsz);
	dev_fill_dependent(d, (struct vfio_pci_dependent_device *)((uint8_t *)arg + minsz));
	return 0;
}

static int dev_hot_reset(struct vfsim_host *host, struct uapi_device *d, void *arg)
{
	const size_t minsz = offsetof(struct vfio_pci_hot_reset, group_fds);	/* 12 */
	struct vfio_pci_hot_reset hdr;
	const uint32_t affected = 1;
	bool covered = false;
	uint32_t i;

	memcpy(&hdr, arg, minsz);
	if (hdr.argsz < minsz)
		return vfsim_reject(RULE_DEV_HOTRESET_ARGSZ, -EINVAL);
	if (hdr.flags)
		return vfsim_reject(RULE_DEV_HOTRESET_FLAGS, -EINVAL);
	if ((!hdr.count && !DEV_HOT_RESET_COUNT0_IS_CDEV) || hdr.count > affected)
		return vfsim_reject(RULE_DEV_HOTRESET_COUNT, -EINVAL);
	for (i = 0; i < hdr.count; i++) {
		int32_t fd;
		struct ufd *g;

		memcpy(&fd, (uint8_t *)arg + minsz + i * sizeof(fd), sizeof(fd));
		if (!uapi_fd_valid(fd))
			return vfsim_reject(RULE_DEV_HOTRESET_BADFD, -EBADF);
		g = uapi_fd_lookup(host, fd);
		if (!g || g->kind != UFD_GROUP)
			return vfsim_reject(RULE_DEV_HOTRESET_NOT_GROUP, -EINVAL);
		if (g->group == d->group)
			covered = true;
	}
	if (!covered)
		return vfsim_reject(RULE_DEV_HOTRESET_GROUPS, -EINVAL);
	return vfsim_dev_reset(d->dev);
}

/* ---- IOEVENTFD ---------------------------------------------------------------- */

static int dev_ioeventfd(struct vfsim_host *host, struct uapi_device *d, void *arg)
{
	struct vfio_device_ioeventfd e;
	const struct vfsim_profile *p = &d->dev->prof;
	const struct region *r;
	struct uapi_ioeventfd *n;
	uint32_t size, bar;
	uint64_t pos;
	unsigned i;
	int nfd, rc;

	memcpy(&e, arg, sizeof(e));
	if (e.argsz < sizeof(e))
		return vfsim_reject(RULE_DEV_IOEVENTFD_ARGSZ, -EINVAL);
	if (e.flags & ~VFIO_DEVICE_IOEVENTFD_SIZE_MASK)
		return vfsim_reject(RULE_DEV_IOEVENTFD_FLAGS, -EINVAL);
	size = e.flags & VFIO_DEVICE_IOEVENTFD_SIZE_MASK;	/* the size bit is the byte count */
	if (__builtin_popcount(size) != 1 || e.fd < -1)
		return vfsim_reject(RULE_DEV_IOEVENTFD_SIZE, -EINVAL);
	if (UAPI_OFFSET_TO_INDEX(e.offset) > VFIO_PCI_BAR5_REGION_INDEX)
		return vfsim_reject(RULE_DEV_IOEVENTFD_BAR, -EINVAL);
	bar = (uint32_t)UAPI_OFFSET_TO_INDEX(e.offset);
	pos = e.offset & UAPI_OFFSET_MASK;
	r = region_get(d->dev->regions, bar);
	if (!r || pos + size > r->size)
		return vfsim_reject(RULE_DEV_IOEVENTFD_RANGE, -EINVAL);
	if (p->msix_vectors && bar == p->msix_bar) {
		uint64_t t0 = p->msix_table_offset, t1 = t0 + (uint64_t)p->msix_vectors * 16;

		if (!(pos + size <= t0 || pos >= t1))
			return vfsim_reject(RULE_DEV_IOEVENTFD_MSIX, -EINVAL);
	}
	/* Check 7 (8-byte size without iowrite64) never applies: the model
	 * is a 64-bit host with iowrite64. */

	for (i = 0; i < d->nioeventfds; i++) {
		struct uapi_ioeventfd *x = &d->ioeventfds[i];

		if (x->pos != pos || x->bar != bar || x->data != e.data || x->size != size)
			continue;
		if (e.fd != -1)
			return vfsim_reject(RULE_DEV_IOEVENTFD_EXISTS, -EEXIST);
		close(x->fd);
		d->ioeventfds[i] = d->ioeventfds[--d->nioeventfds];
		return 0;
	}
	if (e.fd < 0)
		return vfsim_reject(RULE_DEV_IOEVENTFD_NOENT, -ENODEV);
	if (d->nioeventfds >= UAPI_MAX_IOEVENTFDS)
		return vfsim_reject(RULE_DEV_IOEVENTFD_LIMIT, -ENOSPC);
	rc = dev_check_eventfd(e.fd);
	if (rc == -EBADF)
		return vfsim_reject(RULE_DEV_IOEVENTFD_BADFD, -EBADF);
	if (rc < 0)
		return vfsim_reject(RULE_DEV_IOEVENTFD_NOT_EVENTFD, -EINVAL);

	n = realloc(d->ioeventfds, (d->nioeventfds + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	d->ioeventfds = n;
	nfd = fcntl(e.fd, F_DUPFD_CLOEXEC, 0);
	if (nfd < 0)
		return -errno;
	n[d->nioeventfds++] = (struct uapi_ioeventfd){
		.bar = bar, .pos = pos, .data = e.data, .size = size, .fd = nfd,
	};
	return 0;
}

/* ---- dispatch ----------------------------------------------------------------- */

static int dev_feature(struct vfsim_host *host, struct uapi_device *d, void *arg)
{
	return uapi_device_feature(host, d, arg);
}

static const struct dev_ioctl {
	unsigned long req;
	bool takes_arg;
	int (*fn)(struct vfsim_host *host, struct uapi_device *d, void *arg);
} dev_ioctls[] = {
	{ VFIO_DEVICE_GET_INFO, true, dev_get_info },
	{ VFIO_DEVICE_GET_REGION_INFO, true, dev_get_region_info },
	{ VFIO_DEVICE_GET_IRQ_INFO, true, dev_get_irq_info },
	{ VFIO_DEVICE_SET_IRQS, true, dev_set_irqs },
	{ VFIO_DEVICE_RESET, false, dev_reset },
	{ VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, true, dev_hot_reset_info },
	{ VFIO_DEVICE_PCI_HOT_RESET, true, dev_hot_reset },
	{ VFIO_DEVICE_IOEVENTFD, true, dev_ioeventfd },
	{ VFIO_DEVICE_FEATURE, true, dev_feature },
};

int uapi_device_ioctl(struct vfsim_host *host, struct ufd *u, unsigned long req, void *arg)
{
	struct uapi_device *d = u->device;
	size_t i;

	dev_enter(d);
	for (i = 0; i < sizeof(dev_ioctls) / sizeof(dev_ioctls[0]); i++) {
		if (dev_ioctls[i].req != req)
			continue;
		if (dev_ioctls[i].takes_arg && !arg)
			return vfsim_reject(RULE_UAPI_ARG_FAULT, -EFAULT);
		return dev_ioctls[i].fn(host, d, arg);
	}
	return vfsim_reject(RULE_DEV_IOCTL_UNKNOWN, -ENOTTY);
}

/* ---- pread / pwrite ----------------------------------------------------------- */

ssize_t uapi_device_rw(struct vfsim_host *host, struct uapi_device *d, void *buf, size_t count,
		       off_t off, bool write)
{
	uint64_t index = UAPI_OFFSET_TO_INDEX((uint64_t)off);
	uint64_t pos = (uint64_t)off & UAPI_OFFSET_MASK;
	const struct region *r;
	int rc;

	dev_enter(d);
	if (off < 0 || index >= region_count(d->dev->regions))
		return vfsim_reject(RULE_REGION_INDEX, -EINVAL);
	r = region_get(d->dev->regions, (unsigned)index);
	if (!r)
		return vfsim_reject(RULE_REGION_INDEX, -EINVAL);
	if (count > DEV_MAX_RW)
		count = DEV_MAX_RW;

	if (vfsim_fault_on(host->faults, VFSIM_FAULT_REGION_OOB) && r->size &&
	    (pos >= r->size || count > r->size - pos) &&
	    !(index == VFIO_PCI_ROM_REGION_INDEX && write)) {
		/* Fault region-oob: the access past the end is neither refused
		 * nor cut short; region_rw (dev->faults) answers the part
		 * outside the region with 0xff / drops it. */
	} else if (index == VFIO_PCI_CONFIG_REGION_INDEX) {
		if (!count)
			return 0;
		if (pos >= r->size || count > r->size - pos)
			return vfsim_reject(RULE_DEV_RW_CFG_RANGE, -EFAULT);
	} else {
		/* vfio_pci_rw refuses a ROM write before looking at the ROM. */
		if (index == VFIO_PCI_ROM_REGION_INDEX && write)
			return vfsim_reject(RULE_REGION_NO_WRITE, -EINVAL);
		if (r->size && pos >= r->size)
			return vfsim_reject(RULE_REGION_RANGE, -EINVAL);
		/* An access crossing the end is cut short, not refused
		 * (vfio_pci_bar_rw); region_rw refuses absent regions and
		 * missing READ/WRITE permissions. */
		if (r->size && count > r->size - pos)
			count = r->size - pos;
	}
	rc = region_rw(d->dev, (unsigned)index, pos, buf, count, write);
	if (rc < 0)
		return rc;
	return (ssize_t)count;
}

/* ---- mmap --------------------------------------------------------------------- */

int uapi_device_mmap(struct vfsim_host *host, struct uapi_device *d, size_t length, int prot,
		     int flags, off_t off, void **ret_addr)
{
	uint64_t index = UAPI_OFFSET_TO_INDEX((uint64_t)off);
	uint64_t pos = (uint64_t)off & UAPI_OFFSET_MASK;
	uint64_t ps = dev_page_size(), len, end;
	const struct region *r;
	bool inside = false;
	void *addr;

	dev_enter(d);
	if (off < 0 || index >= region_count(d->dev->regions))
		return vfsim_reject(RULE_DEV_MMAP_INDEX, -EINVAL);
	if (!(flags & MAP_SHARED))
		return vfsim_reject(RULE_DEV_MMAP_SHARED, -EINVAL);
	r = region_get(d->dev->regions, (unsigned)index);
	if (!r || !r->size || !(r->flags & VFIO_REGION_INFO_FLAG_MMAP) || r->memfd < 0)
		return vfsim_reject(RULE_DEV_MMAP_NOT_MMAP, -EINVAL);
	if (!length || (pos & (ps - 1)))
		return vfsim_reject(RULE_UAPI_MMAP_ARGS, -EINVAL);
	if (length > UAPI_OFFSET_MASK)
		return vfsim_reject(RULE_DEV_MMAP_RANGE, -EINVAL);
	len = (length + ps - 1) & ~(ps - 1);
	end = pos + len;
	if (!r->nsparse) {
		inside = end <= ((r->size + ps - 1) & ~(ps - 1));
	} else {
		unsigned i;

		for (i = 0; i < r->nsparse && i < sizeof(r->sparse) / sizeof(r->sparse[0]); i++) {
			uint64_t a0 = r->sparse[i].offset;
			uint64_t a1 = (a0 + r->sparse[i].size + ps - 1) & ~(ps - 1);

			if (pos >= a0 && end <= a1) {
				inside = true;
				break;
			}
		}
	}
	if (!inside)
		return vfsim_reject(RULE_DEV_MMAP_RANGE, -EINVAL);
	addr = mmap(NULL, length, prot, MAP_SHARED, r->memfd, (off_t)pos);
	if (addr == MAP_FAILED)
		return -errno;
	*ret_addr = addr;
	return 0;
}

/* ---- last close --------------------------------------------------------------- */

void uapi_device_closed(struct vfsim_host *host, struct uapi_device *d)
{
	struct vfsim_dev *dev = d->dev;
	unsigned i;

	irq_teardown(dev->irq);
	for (i = 0; i < d->nioeventfds; i++)
		close(d->ioeventfds[i].fd);
	free(d->ioeventfds);
	d->ioeventfds = NULL;
	d->nioeventfds = 0;
	/* The close_device of migration drivers: RUNNING, every data fd
	 * disabled (ENODEV from then on). */
	if (dev->mig)
		mig_reset(dev->mig);
	if (dev->dmalog && dmalog_active(dev->dmalog))
		dmalog_stop(dev->dmalog);
	/* vfio_pci_core_disable leaves low power without signalling. */
	dev->low_power = false;
	if (dev->low_power_wakeup_fd >= 0) {
		close(dev->low_power_wakeup_fd);
		dev->low_power_wakeup_fd = -1;
	}
}
