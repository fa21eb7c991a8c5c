/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VFIO_DEVICE_FEATURE of the kernel-uAPI model (the core's envelope checks,
 * then one table row per feature index with vfio_check_feature semantics)
 * and the migration data fd (read/write/PRECOPY_INFO).
 *
 * Data fds are model fds (eventfds). A save fd is made readable once when it
 * is created and stays readable: poll never blocks on it, and a read at the
 * temporary end of a PRE_COPY stream answers ENOMSG (the uapi's "poll for
 * more" is therefore a busy poll). A resume fd is always writable.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "uapi.h"
#include "dev.h"
#include "dmalog.h"
#include "mig.h"

/* [new] MIG_DATA_SIZE (9) is a core feature since Linux 6.3; 6.1 passes
 * index 9 to vfio-pci, which answers ENOTTY. The one place that picks. */
#define FEAT_HAVE_MIG_DATA_SIZE 1

#define FEAT_MAX_RW ((size_t)(INT_MAX & ~4095))

enum feat_needs {
	FEAT_NEEDS_NONE,
	FEAT_NEEDS_MIG,		/* device->mig_ops */
	FEAT_NEEDS_DMALOG,	/* device->log_ops */
	FEAT_NEEDS_LOW_POWER,	/* prof.low_power */
	FEAT_NEEDS_VF_TOKEN,	/* vdev->vf_token: the model never has one */
};

struct feat_desc {
	uint16_t index;
	uint32_t ops;		/* VFIO_DEVICE_FEATURE_GET / _SET supported */
	size_t minsz;		/* payload after the 8-byte envelope */
	enum feat_needs needs;
	int (*fn)(struct vfsim_host *host, struct uapi_device *d, uint32_t flags, void *data);
};

/* ---- migration ---------------------------------------------------------------- */

static int feat_migration(struct vfsim_host *host, struct uapi_device *d, uint32_t flags,
			  void *data)
{
	struct vfio_device_feature_migration mig = { .flags = mig_flags(d->dev->mig) };

	memcpy(data, &mig, sizeof(mig));
	return 0;
}

static bool feat_state_saving(uint32_t state)
{
	return state == VFIO_DEVICE_STATE_STOP_COPY || state == VFIO_DEVICE_STATE_PRE_COPY ||
	       state == VFIO_DEVICE_STATE_PRE_COPY_P2P;
}

static int feat_mig_device_state(struct vfsim_host *host, struct uapi_device *d, uint32_t flags,
				 void *data)
{
	struct vfio_device_feature_mig_state mig;
	uint32_t session = 0;
	struct ufd *u;
	int r, err = 0;

	memcpy(&mig, data, sizeof(mig));
	if (flags & VFIO_DEVICE_FEATURE_GET) {
		mig.device_state = mig_get_state(d->dev->mig);
		mig.data_fd = -1;
		memcpy(data, &mig, sizeof(mig));
		return 0;
	}
	r = mig_set_state(d->dev->mig, mig.device_state, &session);
	if (r < 0 || !session) {
		/* On failure too: data_fd -1 and device_state still the
		 * *requested* value; GET tells the real state. */
		mig.data_fd = -1;
		memcpy(data, &mig, sizeof(mig));
		return r < 0 ? r : 0;
	}
	/* Like vfio_ioct_mig_return_fd: without an fd number the new file is
	 * dropped and nothing is copied back; the state change stays. */
	u = uapi_fd_new(host, UFD_MIGDATA, &err);
	if (!u)
		return err < 0 ? err : -ENFILE;
	u->mig.device = d;
	u->mig.session = session;
	u->mig.saving = feat_state_saving(mig.device_state);
	if (u->mig.saving) {
		uint64_t one = 1;

		if (write(u->fd, &one, sizeof(one)) < 0) {
			/* poll readiness is a convenience, never an error */
		}
	}
	mig.data_fd = u->fd;
	memcpy(data, &mig, sizeof(mig));
	return 0;
}

static int feat_mig_data_size(struct vfsim_host *host, struct uapi_device *d, uint32_t flags,
			      void *data)
{
	struct vfio_device_feature_mig_data_size ds = { 0 };
	uint64_t len = 0;
	int r;

	r = mig_data_size(d->dev->mig, &len);
	if (r < 0)
		return r;
	ds.stop_copy_length = len;
	memcpy(data, &ds, sizeof(ds));
	return 0;
}

/* ---- DMA logging -------------------------------------------------------------- */

static int feat_dma_log_start(struct vfsim_host *host, struct uapi_device *d, uint32_t flags,
			      void *data)
{
	struct vfio_device_feature_dma_logging_control ctl;
	int r;

	memcpy(&ctl, data, sizeof(ctl));
	/* ctl.ranges is a pointer in this process; dmalog_start runs the
	 * core's range checks in order. */
	r = dmalog_start(d->dev->dmalog, &ctl);
	if (r < 0)
		return r;
	/* log_start may have changed page_size: the struct is copied back. */
	memcpy(data, &ctl, sizeof(ctl));
	return 0;
}

static int feat_dma_log_stop(struct vfsim_host *host, struct uapi_device *d, uint32_t flags,
			     void *data)
{
	return dmalog_stop(d->dev->dmalog);
}

static int feat_dma_log_report(struct vfsim_host *host, struct uapi_device *d, uint32_t flags,
			       void *data)
{
	struct vfio_device_feature_dma_logging_report rep;

	memcpy(&rep, data, sizeof(rep));
	return dmalog_report(d->dev->dmalog, &rep);
}

/* ---- low power ---------------------------------------------------------------- */

static int feat_low_power_entry(struct vfsim_host *host, struct uapi_device *d, uint32_t flags,
				void *data)
{
	if (d->dev->low_power)
		return vfsim_reject(RULE_FEAT_LOW_POWER_ENGAGED, -EINVAL);
	d->dev->low_power = true;
	return 0;
}

/* eventfd_ctx_fdget(): -EBADF for no file, -EINVAL for a file that is not
 * an eventfd. */
static int feat_check_eventfd(int fd)
{
	char path[64], target[64];
	ssize_t n;

	if (fcntl(fd, F_GETFD) < 0)
		return vfsim_reject(RULE_FEAT_WAKEUP_FD_BAD, -EBADF);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return vfsim_reject(RULE_FEAT_WAKEUP_FD_BAD, -EBADF);
	target[n] = '\0';
	if (strcmp(target, "anon_inode:[eventfd]"))
		return vfsim_reject(RULE_FEAT_WAKEUP_NOT_EVENTFD, -EINVAL);
	return 0;
}

static int feat_low_power_wakeup(struct vfsim_host *host, struct uapi_device *d, uint32_t flags,
				 void *data)
{
	struct vfio_device_low_power_entry_with_wakeup entry;
	int r, fd;

	memcpy(&entry, data, sizeof(entry));
	if (entry.wakeup_eventfd < 0)
		return vfsim_reject(RULE_FEAT_WAKEUP_FD_NEG, -EINVAL);
	r = feat_check_eventfd(entry.wakeup_eventfd);
	if (r < 0)
		return r;
	if (d->dev->low_power)
		return vfsim_reject(RULE_FEAT_LOW_POWER_ENGAGED, -EINVAL);
	fd = fcntl(entry.wakeup_eventfd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	d->dev->low_power = true;
	d->dev->low_power_wakeup_fd = fd;
	return 0;
}

static int feat_low_power_exit(struct vfsim_host *host, struct uapi_device *d, uint32_t flags,
			       void *data)
{
	/* Exit when not engaged is a no-op success, as pm_runtime_engaged
	 * guards __vfio_pci_runtime_pm_exit. */
	d->dev->low_power = false;
	if (d->dev->low_power_wakeup_fd >= 0) {
		close(d->dev->low_power_wakeup_fd);
		d->dev->low_power_wakeup_fd = -1;
	}
	return 0;
}

/* ---- the table ---------------------------------------------------------------- */

#define G VFIO_DEVICE_FEATURE_GET
#define S VFIO_DEVICE_FEATURE_SET

/* Index 0 (PCI_VF_TOKEN) has a row so its ENOTTY names the right rule; its
 * handler is never reached. */
static const struct feat_desc feat_table[] = {
	{ VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, S, 16, FEAT_NEEDS_VF_TOKEN, NULL },
	{ VFIO_DEVICE_FEATURE_MIGRATION, G, sizeof(struct vfio_device_feature_migration),
	  FEAT_NEEDS_MIG, feat_migration },
	{ VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, G | S, sizeof(struct vfio_device_feature_mig_state),
	  FEAT_NEEDS_MIG, feat_mig_device_state },
	{ VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, S, 0, FEAT_NEEDS_LOW_POWER, feat_low_power_entry },
	{ VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP, S,
	  sizeof(struct vfio_device_low_power_entry_with_wakeup),
	  FEAT_NEEDS_LOW_POWER, feat_low_power_wakeup },
	{ VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, S, 0, FEAT_NEEDS_LOW_POWER, feat_low_power_exit },
	{ VFIO_DEVICE_FEATURE_DMA_LOGGING_START, S,
	  sizeof(struct vfio_device_feature_dma_logging_control),
	  FEAT_NEEDS_DMALOG, feat_dma_log_start },
	{ VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP, S, 0, FEAT_NEEDS_DMALOG, feat_dma_log_stop },
	{ VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, G,
	  sizeof(struct vfio_device_feature_dma_logging_report),
	  FEAT_NEEDS_DMALOG, feat_dma_log_report },
#if FEAT_HAVE_MIG_DATA_SIZE
	{ VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, G, sizeof(struct vfio_device_feature_mig_data_size),
	  FEAT_NEEDS_MIG, feat_mig_data_size },
#endif
};

#undef G
#undef S

static const struct feat_desc *feat_find(uint32_t index)
{
	size_t i;

	for (i = 0; i < sizeof(feat_table) / sizeof(feat_table[0]); i++)
		if (feat_table[i].index == index)
			return &feat_table[i];
	return NULL;
}

/* The ENOTTY a feature answers before vfio_check_feature runs. */
static int feat_check_needs(const struct uapi_device *d, enum feat_needs needs)
{
	const struct vfsim_dev *dev = d->dev;

	switch (needs) {
	case FEAT_NEEDS_NONE:
		return 0;
	case FEAT_NEEDS_MIG:
		return dev->mig ? 0 : vfsim_reject(RULE_FEAT_NOT_SUPPORTED, -ENOTTY);
	case FEAT_NEEDS_DMALOG:
		return dev->dmalog ? 0 : vfsim_reject(RULE_FEAT_NOT_SUPPORTED, -ENOTTY);
	case FEAT_NEEDS_LOW_POWER:
		return dev->prof.low_power ? 0 : vfsim_reject(RULE_FEAT_NOT_SUPPORTED, -ENOTTY);
	case FEAT_NEEDS_VF_TOKEN:
		return vfsim_reject(RULE_FEAT_VF_TOKEN, -ENOTTY);
	}
	return vfsim_reject(RULE_FEAT_NOT_SUPPORTED, -ENOTTY);
}

/* vfio_check_feature(): 1 = go ahead, 0 = PROBE answered, or -EINVAL. */
static int feat_check(uint32_t flags, size_t argsz, uint32_t supported, size_t minsz)
{
	if ((flags & (VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET)) & ~supported)
		return vfsim_reject(RULE_FEAT_OP_UNSUPPORTED, -EINVAL);
	if (flags & VFIO_DEVICE_FEATURE_PROBE)
		return 0;
	if (!(flags & (VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET)))
		return vfsim_reject(RULE_FEAT_NO_OP, -EINVAL);
	if (argsz < minsz)
		return vfsim_reject(RULE_FEAT_PAYLOAD_SHORT, -EINVAL);
	return 1;
}

int uapi_device_feature(struct vfsim_host *host, struct uapi_device *d,
			struct vfio_device_feature *f)
{
	const size_t minsz = offsetof(struct vfio_device_feature, data);	/* 8 */
	const uint32_t known = VFIO_DEVICE_FEATURE_MASK | VFIO_DEVICE_FEATURE_GET |
			       VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PROBE;
	struct vfio_device_feature hdr;
	const struct feat_desc *fd;
	int r;

	memcpy(&hdr, f, minsz);
	if (hdr.argsz < minsz)
		return vfsim_reject(RULE_FEAT_ARGSZ, -EINVAL);
	if (hdr.flags & ~known)
		return vfsim_reject(RULE_FEAT_FLAGS_UNKNOWN, -EINVAL);
	if (!(hdr.flags & VFIO_DEVICE_FEATURE_PROBE) && (hdr.flags & VFIO_DEVICE_FEATURE_GET) &&
	    (hdr.flags & VFIO_DEVICE_FEATURE_SET))
		return vfsim_reject(RULE_FEAT_GET_AND_SET, -EINVAL);

	fd = feat_find(hdr.flags & VFIO_DEVICE_FEATURE_MASK);
	if (!fd)
		return vfsim_reject(RULE_FEAT_UNKNOWN_INDEX, -ENOTTY);
	r = feat_check_needs(d, fd->needs);
	if (r < 0)
		return r;
	r = feat_check(hdr.flags, hdr.argsz - minsz, fd->ops, fd->minsz);
	if (r <= 0)
		return r;
	if (!fd->fn)
		return vfsim_reject(RULE_FEAT_UNKNOWN_INDEX, -ENOTTY);
	return fd->fn(host, d, hdr.flags, (uint8_t *)f + minsz);
}

/* ---- the migration data fd ---------------------------------------------------- */

static struct mig_state *migfd_mig(const struct ufd *u)
{
	return u->mig.device && u->mig.device->dev ? u->mig.device->dev->mig : NULL;
}

ssize_t uapi_migdata_read(struct vfsim_host *host, struct ufd *u, void *buf, size_t count)
{
	struct mig_state *m = migfd_mig(u);

	/* The resume file is opened O_WRONLY: vfs_read refuses it first
	 * (uapi-host.c checks this too; kept for direct callers). */
	if (!u->mig.saving || !m)
		return vfsim_reject(RULE_UAPI_RW_ACCMODE, -EBADF);
	if (count > FEAT_MAX_RW)
		count = FEAT_MAX_RW;
	return mig_read(m, u->mig.session, buf, count);
}

ssize_t uapi_migdata_write(struct vfsim_host *host, struct ufd *u, const void *buf, size_t count)
{
	struct mig_state *m = migfd_mig(u);

	/* The save file is opened O_RDONLY: vfs_write refuses it first. */
	if (u->mig.saving || !m)
		return vfsim_reject(RULE_UAPI_RW_ACCMODE, -EBADF);
	if (count > FEAT_MAX_RW)
		count = FEAT_MAX_RW;
	return mig_write(m, u->mig.session, buf, count);
}

int uapi_migdata_ioctl(struct vfsim_host *host, struct ufd *u, unsigned long req, void *arg)
{
	struct mig_state *m = migfd_mig(u);
	struct vfio_precopy_info info;
	uint64_t initial = 0, dirty = 0;
	int r;

	/* Only the save file has an ioctl op (mtty_save_fops). */
	if (!u->mig.saving || !m || req != VFIO_MIG_GET_PRECOPY_INFO)
		return vfsim_reject(RULE_MIGFD_IOCTL_UNKNOWN, -ENOTTY);
	if (!arg)
		return vfsim_reject(RULE_UAPI_ARG_FAULT, -EFAULT);
	memcpy(&info, arg, sizeof(info));
	if (info.argsz < sizeof(info))
		return vfsim_reject(RULE_MIGFD_PRECOPY_ARGSZ, -EINVAL);
	/* mig_precopy_info checks the state first, then the session. */
	r = mig_precopy_info(m, u->mig.session, &initial, &dirty);
	if (r < 0)
		return r;
	info.initial_bytes = initial;
	info.dirty_bytes = dirty;
	memcpy(arg, &info, sizeof(info));
	return 0;
}
