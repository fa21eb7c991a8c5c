/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals of the in-process kernel-uAPI model: the fd table and the
 * container, group and device objects, shared by
 *   uapi-host.c    fd table, open/close, container and group ioctls, dispatch
 *   uapi-type1.c   the type1 IOMMU ioctls of a container (over dma.c)
 *   uapi-device.c  device ioctls, pread/pwrite, mmap
 *   uapi-feature.c VFIO_DEVICE_FEATURE and the migration data fd
 *
 * A model fd is a real descriptor of this process (an eventfd, so the number
 * is unique, FD_CLOEXEC shows with fcntl, and a migration data fd can be
 * polled); the table maps its number to an object.
 */
#ifndef VFSIM_UAPI_H
#define VFSIM_UAPI_H

#include <stdbool.h>
#include <stdint.h>
#include "include/vfsim.h"
#include "vfio-compat.h"
#include "dev.h"

#define UAPI_MAX_FDS 1024	/* bound on model fds open at once (ENFILE past it) */
#define UAPI_MAX_DEVICES 64
#define UAPI_MAX_GROUPS 64
#define UAPI_MAX_IOEVENTFDS 1000	/* per device, as vfio-pci: the 1001st -> ENOSPC */

enum ufd_kind { UFD_CONTAINER, UFD_GROUP, UFD_DEVICE, UFD_MIGDATA };

struct uapi_container {
	unsigned ngroups;		/* EMPTY when 0: back to no IOMMU, maps dropped */
	bool iommu_set;
	uint32_t iommu_type;		/* VFIO_TYPE1_IOMMU or VFIO_TYPE1v2_IOMMU */
	struct dma_space *dma;		/* non-NULL while iommu_set */
	unsigned refs;			/* container fd open + groups attached */
};

struct uapi_group {
	unsigned id;
	bool open;			/* group fds are exclusive */
	struct uapi_container *container;	/* NULL = not attached */
	unsigned container_users;	/* 1 + open device fds, as the kernel counts */
	bool fd_closed;			/* group fd closed while device fds still hold the group
					 * file: released (detached, reopenable) on the last device close */
};

struct uapi_ioeventfd {
	uint32_t bar;
	uint64_t pos, data;
	uint32_t size;
	int fd;				/* dup of the caller's eventfd */
};

struct uapi_device {
	struct vfsim_dev *dev;		/* not owned */
	char bdf[32];
	struct uapi_group *group;
	unsigned open_count;		/* device fds open */
	unsigned nioeventfds;
	struct uapi_ioeventfd *ioeventfds;	/* at most UAPI_MAX_IOEVENTFDS */
};

struct ufd {
	int fd;				/* the real descriptor; -1 = free slot */
	enum ufd_kind kind;
	union {
		struct uapi_container *container;
		struct uapi_group *group;
		struct uapi_device *device;
		struct {
			struct uapi_device *device;
			uint32_t session;	/* mig.h session id */
			bool saving;		/* read-only save stream, else write-only resume */
		} mig;
	};
	uint64_t pos;			/* file position: read()/write() on a device fd use and advance it */
};

struct vfsim_host {
	struct vfsim_iommu_config iommu;
	unsigned ngroups, ndevices;
	struct uapi_group groups[UAPI_MAX_GROUPS];
	struct uapi_device devices[UAPI_MAX_DEVICES];
	struct ufd fds[UAPI_MAX_FDS];
	unsigned nmaps;			/* live vfsim_mmap()s, for munmap bookkeeping */
	uint64_t faults;		/* vfsim_host_set_faults (sim/fault.h) */
};

/* uapi-host.c */
/* A new model fd of @kind; O_CLOEXEC always (the kernel's device and data fds
 * are O_CLOEXEC). Returns the slot or NULL with -ENFILE/-EMFILE in *ret_err. */
struct ufd *uapi_fd_new(struct vfsim_host *host, enum ufd_kind kind, int *ret_err);
struct ufd *uapi_fd_lookup(struct vfsim_host *host, int fd);
/* Is @fd a descriptor of this process at all (EBADF vs "not ours")? */
bool uapi_fd_valid(int fd);
void uapi_fd_release(struct vfsim_host *host, struct ufd *u);

/* uapi-type1.c: container ioctls once an IOMMU driver is set, and the
 * CHECK_EXTENSION answer for a type (0 or 1). */
int uapi_type1_ioctl(struct vfsim_host *host, struct uapi_container *c, unsigned long req, void *arg);
int uapi_type1_check_extension(struct vfsim_host *host, struct uapi_container *c, unsigned long ext);

/* uapi-device.c: device fd ioctls (VFIO_DEVICE_FEATURE is forwarded to
 * uapi_device_feature), region pread/pwrite and mmap. */
int uapi_device_ioctl(struct vfsim_host *host, struct ufd *u, unsigned long req, void *arg);
ssize_t uapi_device_rw(struct vfsim_host *host, struct uapi_device *d, void *buf, size_t count, off_t off, bool write);
int uapi_device_mmap(struct vfsim_host *host, struct uapi_device *d, size_t length, int prot, int flags,
		     off_t off, void **ret_addr);
/* Last device fd closed: IRQs torn down, ioeventfds closed, migration reset
 * (the kernel's close_device). */
void uapi_device_closed(struct vfsim_host *host, struct uapi_device *d);

/* uapi-feature.c */
int uapi_device_feature(struct vfsim_host *host, struct uapi_device *d, struct vfio_device_feature *f);
ssize_t uapi_migdata_read(struct vfsim_host *host, struct ufd *u, void *buf, size_t count);
ssize_t uapi_migdata_write(struct vfsim_host *host, struct ufd *u, const void *buf, size_t count);
int uapi_migdata_ioctl(struct vfsim_host *host, struct ufd *u, unsigned long req, void *arg);

/* Region offsets as vfio-pci encodes them. */
#define UAPI_OFFSET_SHIFT 40
#define UAPI_INDEX_TO_OFFSET(i) ((uint64_t)(i) << UAPI_OFFSET_SHIFT)
#define UAPI_OFFSET_TO_INDEX(o) ((uint64_t)(o) >> UAPI_OFFSET_SHIFT)
#define UAPI_OFFSET_MASK ((1ull << UAPI_OFFSET_SHIFT) - 1)

#endif
