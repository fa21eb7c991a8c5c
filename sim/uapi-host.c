/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The in-process kernel-uAPI model's host: the fd table (every model fd is a
 * real eventfd of this process), the container and group objects with the
 * ordering rules of container.c and the group half of vfio_main.c (Linux
 * 6.1), and the file API that routes each call by fd kind: container ioctls
 * here and in uapi-type1.c, device fds to uapi-device.c, migration data fds
 * to uapi-feature.c.
 *
 * Lifetimes follow the kernel's references: a container lives while its fd is
 * open or a group is attached; a device fd holds its group (closing the group
 * fd with devices open keeps the attachment until the last device fd closes);
 * detaching the last group releases the IOMMU and every mapping.
 *
 * The VFS layer in front of the fops is modelled too: pread/pwrite on a
 * migration data fd is ESPIPE (stream_open), read/write on container and
 * group fds EINVAL (no ops), mmap of anything but a device fd ENODEV. read()
 * and write() on a device fd work as in the kernel: at the fd's own file
 * position, which starts at 0 (BAR0 offset 0) and advances by what was
 * transferred; there is no lseek (the device fops have no llseek).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uapi.h"
#include "dma.h"
#include "fault.h"
#include "rules.h"

/* The one place where 6.1 and newer kernels differ here: SET_CONTAINER with
 * an fd that is neither a container nor (new) an iommufd. */
#define UAPI_SET_CONTAINER_NOT_CTR_ERR (-EINVAL)	/* [new]: -EBADFD */

#define UAPI_NAME_MAX 4096		/* strndup_user(arg, PAGE_SIZE) */
#define UAPI_MAX_RW_COUNT 0x7ffff000ul	/* MAX_RW_COUNT: INT_MAX & PAGE_MASK */
#define UAPI_VF_TOKEN_ARG "vf_token="
#define UAPI_UUID_LEN 36

/* vfsim.h: pgsizes 4K|2M|1G, dma_entry_limit 65535, an x86 host's IOVA space
 * (48 bits) minus the MSI window 0xfee00000-0xfeefffff. */
static const struct vfsim_iommu_config uapi_default_iommu = {
	.pgsizes = (1ull << 12) | (1ull << 21) | (1ull << 30),
	.dma_entry_limit = 65535,
	.niova_ranges = 2,
	.iova_ranges = {
		{ 0, 0xfedfffffull },
		{ 0xfef00000ull, (1ull << 48) - 1 },
	},
};

/* ---- fd table ------------------------------------------------------------ */

struct ufd *uapi_fd_new(struct vfsim_host *host, enum ufd_kind kind, int *ret_err)
{
	struct ufd *u = NULL;
	unsigned i;
	int fd;

	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0) {
		*ret_err = -errno;
		return NULL;
	}
	/* A slot at fd % UAPI_MAX_FDS when free makes lookups one probe. */
	if (host->fds[(unsigned)fd % UAPI_MAX_FDS].fd < 0)
		u = &host->fds[(unsigned)fd % UAPI_MAX_FDS];
	for (i = 0; !u && i < UAPI_MAX_FDS; i++)
		if (host->fds[i].fd < 0)
			u = &host->fds[i];
	if (!u) {
		close(fd);
		*ret_err = vfsim_reject(RULE_UAPI_FD_LIMIT, -ENFILE);
		return NULL;
	}
	memset(u, 0, sizeof(*u));
	u->fd = fd;
	u->kind = kind;
	return u;
}

struct ufd *uapi_fd_lookup(struct vfsim_host *host, int fd)
{
	unsigned i;

	if (fd < 0)
		return NULL;
	if (host->fds[(unsigned)fd % UAPI_MAX_FDS].fd == fd)
		return &host->fds[(unsigned)fd % UAPI_MAX_FDS];
	for (i = 0; i < UAPI_MAX_FDS; i++)
		if (host->fds[i].fd == fd)
			return &host->fds[i];
	return NULL;
}

bool uapi_fd_valid(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD) != -1;
}

void uapi_fd_release(struct vfsim_host *host, struct ufd *u)
{
	if (!u || u->fd < 0)
		return;
	close(u->fd);
	memset(u, 0, sizeof(*u));
	u->fd = -1;
}

/* ---- containers and groups ------------------------------------------------ */

static void uapi_ctr_put(struct uapi_container *c)
{
	if (--c->refs == 0)
		free(c);
}

/* The IOMMU the devices of @g DMA through (NULL: none). */
static void uapi_group_set_dma(struct vfsim_host *host, struct uapi_group *g, struct dma_space *dma)
{
	unsigned i;

	for (i = 0; i < host->ndevices; i++)
		if (host->devices[i].group == g)
			host->devices[i].dev->dma = dma;
}

static void uapi_group_attach(struct vfsim_host *host, struct uapi_group *g,
			      struct uapi_container *c)
{
	g->container = c;
	g->container_users = 1;
	c->ngroups++;
	c->refs++;
	/* type1 attach_group on a container that already has its driver. */
	if (c->iommu_set)
		uapi_group_set_dma(host, g, c->dma);
}

/* vfio_group_detach_container: the last group out takes the IOMMU driver,
 * and with it every mapping, away (there is no UNSET_IOMMU). */
static void uapi_group_detach(struct vfsim_host *host, struct uapi_group *g)
{
	struct uapi_container *c = g->container;

	uapi_group_set_dma(host, g, NULL);
	g->container = NULL;
	g->container_users = 0;
	if (--c->ngroups == 0 && c->iommu_set) {
		dma_space_free(c->dma);
		c->dma = NULL;
		c->iommu_set = false;
		c->iommu_type = 0;
	}
	uapi_ctr_put(c);
}

/* vfio_group_fops_release: runs once no fd holds the group file any more. */
static void uapi_group_release(struct vfsim_host *host, struct uapi_group *g)
{
	if (g->container)
		uapi_group_detach(host, g);
	g->open = false;
	g->fd_closed = false;
}

static struct uapi_group *uapi_group_find(struct vfsim_host *host, unsigned id)
{
	unsigned i;

	for (i = 0; i < host->ngroups; i++)
		if (host->groups[i].id == id)
			return &host->groups[i];
	return NULL;
}

/* ---- host ------------------------------------------------------------------ */

/* dma.c owns the config (a zero field means its default) and checks it when
 * a space is made; probing once here turns a bad config into an error of
 * vfsim_host_new rather than of a later SET_IOMMU. The kernel's IOVA list is
 * sorted and disjoint, which GET_INFO reports as is. */
static int uapi_check_config(const struct vfsim_iommu_config *cfg)
{
	struct dma_space *probe;
	unsigned i;
	int r;

	r = dma_space_new(cfg, &probe);
	if (r < 0)
		return r;
	dma_space_free(probe);
	for (i = 1; i < cfg->niova_ranges; i++)
		if (cfg->iova_ranges[i].start <= cfg->iova_ranges[i - 1].end)
			return vfsim_reject(RULE_UAPI_HOST_CONFIG, -EINVAL);
	return 0;
}

int vfsim_host_new(const struct vfsim_iommu_config *iommu, struct vfsim_host **ret)
{
	struct vfsim_host *host;
	unsigned i;
	int r;

	vfsim_reject_clear();
	if (!ret)
		return vfsim_reject(RULE_UAPI_HOST_ARG, -EINVAL);
	if (!iommu)
		iommu = &uapi_default_iommu;
	r = uapi_check_config(iommu);
	if (r < 0)
		return r;
	host = calloc(1, sizeof(*host));
	if (!host)
		return -ENOMEM;
	host->iommu = *iommu;
	for (i = 0; i < UAPI_MAX_FDS; i++)
		host->fds[i].fd = -1;
	*ret = host;
	return 0;
}

static void uapi_close_ufd(struct vfsim_host *host, struct ufd *u);

void vfsim_host_free(struct vfsim_host *host)
{
	/* Data fds first, then devices (they hold their groups), then groups
	 * (they hold their containers), then containers: each close is the
	 * ordinary one, so the kernel's release order is kept. */
	static const enum ufd_kind order[] = { UFD_MIGDATA, UFD_DEVICE, UFD_GROUP, UFD_CONTAINER };
	unsigned k, i;

	vfsim_reject_clear();
	if (!host)
		return;
	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++)
		for (i = 0; i < UAPI_MAX_FDS; i++)
			if (host->fds[i].fd >= 0 && host->fds[i].kind == order[k])
				uapi_close_ufd(host, &host->fds[i]);
	for (i = 0; i < host->ngroups; i++)
		uapi_group_release(host, &host->groups[i]);
	for (i = 0; i < host->ndevices; i++)
		host->devices[i].dev->dma = NULL;
	free(host);
}

/* A kernel device name: printable, no whitespace (the match splits on ' '). */
static bool uapi_bdf_ok(const char *bdf)
{
	size_t i, n = strnlen(bdf, sizeof(((struct uapi_device *)0)->bdf));

	if (n == 0 || n >= sizeof(((struct uapi_device *)0)->bdf))
		return false;
	for (i = 0; i < n; i++)
		if (bdf[i] <= ' ' || bdf[i] > '~')
			return false;
	return true;
}

void vfsim_host_set_faults(struct vfsim_host *host, uint64_t faults)
{
	unsigned i;

	if (!host)
		return;
	host->faults = faults;
	/* The shared model code deviates through the device and the IOMMU
	 * space (a space made later takes the mask at SET_IOMMU). */
	for (i = 0; i < host->ndevices; i++) {
		dev_set_faults(host->devices[i].dev, faults);
		if (host->devices[i].dev->dma)
			dma_space_set_faults(host->devices[i].dev->dma, faults);
	}
}

int vfsim_host_add_device(struct vfsim_host *host, struct vfsim_dev *dev, unsigned group_id,
			  const char *bdf)
{
	struct uapi_group *g;
	struct uapi_device *d;
	unsigned i;

	vfsim_reject_clear();
	if (!host || !dev || !bdf || !uapi_bdf_ok(bdf))
		return vfsim_reject(RULE_UAPI_HOST_ADD_ARG, -EINVAL);
	for (i = 0; i < host->ndevices; i++)
		if (host->devices[i].dev == dev || !strcmp(host->devices[i].bdf, bdf))
			return vfsim_reject(RULE_UAPI_HOST_ADD_DUP, -EEXIST);
	if (host->ndevices >= UAPI_MAX_DEVICES)
		return vfsim_reject(RULE_UAPI_HOST_ADD_LIMIT, -ENOSPC);
	g = uapi_group_find(host, group_id);
	if (!g) {
		if (host->ngroups >= UAPI_MAX_GROUPS)
			return vfsim_reject(RULE_UAPI_HOST_ADD_LIMIT, -ENOSPC);
		g = &host->groups[host->ngroups++];
		memset(g, 0, sizeof(*g));
		g->id = group_id;
	}
	d = &host->devices[host->ndevices++];
	memset(d, 0, sizeof(*d));
	d->dev = dev;
	strcpy(d->bdf, bdf);
	d->group = g;
	/* Hot-added into a group whose container already has an IOMMU. */
	dev->dma = g->container && g->container->iommu_set ? g->container->dma : NULL;
	dev_set_faults(dev, host->faults);
	return 0;
}

/* ---- open and close ------------------------------------------------------ */

/* "/dev/vfio/<N>": N as the kernel names the node (decimal, no sign, no
 * leading zero). */
static bool uapi_parse_group(const char *s, unsigned *ret_id)
{
	unsigned long v = 0;
	size_t i;

	if (!s[0] || (s[0] == '0' && s[1]))
		return false;
	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 10)
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > UINT_MAX)
		return false;
	*ret_id = (unsigned)v;
	return true;
}

int vfsim_open(struct vfsim_host *host, const char *path, int flags)
{
	static const char prefix[] = "/dev/vfio/";
	struct uapi_group *g = NULL;
	struct ufd *u;
	unsigned id;
	int err;

	vfsim_reject_clear();
	if (!host)
		return vfsim_reject(RULE_UAPI_HOST_ARG, -EINVAL);
	if (!path)
		return vfsim_reject(RULE_UAPI_ARG_FAULT, -EFAULT);
	if (strncmp(path, prefix, sizeof(prefix) - 1))
		return vfsim_reject(RULE_UAPI_OPEN_NOENT, -ENOENT);
	path += sizeof(prefix) - 1;
	if (strcmp(path, "vfio")) {
		if (!uapi_parse_group(path, &id) || !(g = uapi_group_find(host, id)))
			return vfsim_reject(RULE_UAPI_OPEN_NOENT, -ENOENT);
		/* Fault group-reopen: the group file is not exclusive. Both fds
		 * name the same group; the first close releases it. */
		if (g->open && !vfsim_fault_on(host->faults, VFSIM_FAULT_GROUP_REOPEN))
			return vfsim_reject(RULE_UAPI_OPEN_GROUP_BUSY, -EBUSY);
	}
	u = uapi_fd_new(host, g ? UFD_GROUP : UFD_CONTAINER, &err);
	if (!u)
		return err;
	/* A plain open() leaves FD_CLOEXEC off unless asked for. */
	if (!(flags & O_CLOEXEC) && fcntl(u->fd, F_SETFD, 0) < 0) {
		err = -errno;
		uapi_fd_release(host, u);
		return err;
	}
	if (g) {
		g->open = true;
		u->group = g;
		return u->fd;
	}
	u->container = calloc(1, sizeof(*u->container));
	if (!u->container) {
		uapi_fd_release(host, u);
		return -ENOMEM;
	}
	u->container->refs = 1;
	return u->fd;
}

static void uapi_close_ufd(struct vfsim_host *host, struct ufd *u)
{
	struct uapi_device *d;
	struct uapi_group *g;

	switch (u->kind) {
	case UFD_CONTAINER:
		/* CONTAINER_CLOSE: the container lives on while groups hold it. */
		uapi_ctr_put(u->container);
		break;
	case UFD_GROUP:
		g = u->group;
		if (g->container && g->container_users > 1)
			g->fd_closed = true;	/* device fds hold the group file */
		else
			uapi_group_release(host, g);
		break;
	case UFD_DEVICE:
		/* vfio_device_fops_release: close_device on the last close, then
		 * drop the container user and the group file reference. */
		d = u->device;
		g = d->group;
		if (d->open_count && --d->open_count == 0)
			uapi_device_closed(host, d);
		if (g->container_users > 1)
			g->container_users--;
		if (g->fd_closed && g->container_users <= 1)
			uapi_group_release(host, g);
		break;
	case UFD_MIGDATA:
		break;
	}
	uapi_fd_release(host, u);
}

int vfsim_close(struct vfsim_host *host, int fd)
{
	struct ufd *u;

	vfsim_reject_clear();
	if (!host)
		return vfsim_reject(RULE_UAPI_HOST_ARG, -EINVAL);
	u = uapi_fd_lookup(host, fd);
	if (!u)
		return vfsim_reject(RULE_UAPI_FD_BAD, -EBADF);
	uapi_close_ufd(host, u);
	return 0;
}

/* ---- container ioctls (container.c) -------------------------------------- */

static int uapi_ctr_api_version(struct vfsim_host *host, struct uapi_container *c, void *arg)
{
	return VFIO_API_VERSION;
}

static int uapi_ctr_check_extension(struct vfsim_host *host, struct uapi_container *c, void *arg)
{
	/* Without a driver every registered driver is polled: the model
	 * registers type1 only (noiommu answers 0 unless its module parameter
	 * is set, spapr does not exist on x86). */
	return uapi_type1_check_extension(host, c, (unsigned long)(uintptr_t)arg);
}

static int uapi_ctr_set_iommu(struct vfsim_host *host, struct uapi_container *c, void *arg)
{
	unsigned long type = (unsigned long)(uintptr_t)arg;
	unsigned i;
	int r;

	/* Only attaching a group privileges a container to take an IOMMU. */
	if (!c->ngroups || c->iommu_set)
		return vfsim_reject(RULE_UAPI_SET_IOMMU_STATE, -EINVAL);
	if (uapi_type1_check_extension(host, NULL, type) <= 0)
		return vfsim_reject(RULE_UAPI_SET_IOMMU_TYPE, -ENODEV);
	if (type == VFIO_TYPE1_NESTING_IOMMU)
		return vfsim_reject(RULE_UAPI_SET_IOMMU_NESTING, -EINVAL);
	if (type != VFIO_TYPE1_IOMMU && type != VFIO_TYPE1v2_IOMMU)
		return vfsim_reject(RULE_UAPI_SET_IOMMU_OPEN, -EINVAL);
	r = dma_space_new(&host->iommu, &c->dma);
	if (r < 0)
		return r;
	dma_space_set_faults(c->dma, host->faults);
	dma_space_set_v1(c->dma, type == VFIO_TYPE1_IOMMU);
	c->iommu_set = true;
	c->iommu_type = (uint32_t)type;
	for (i = 0; i < host->ngroups; i++)
		if (host->groups[i].container == c)
			uapi_group_set_dma(host, &host->groups[i], c->dma);
	return 0;
}

static const struct {
	unsigned int cmd;
	int (*fn)(struct vfsim_host *host, struct uapi_container *c, void *arg);
} uapi_ctr_ioctls[] = {
	{ VFIO_GET_API_VERSION, uapi_ctr_api_version },
	{ VFIO_CHECK_EXTENSION, uapi_ctr_check_extension },
	{ VFIO_SET_IOMMU, uapi_ctr_set_iommu },
};

static int uapi_ctr_ioctl(struct vfsim_host *host, struct ufd *u, unsigned int cmd, void *arg)
{
	struct uapi_container *c = u->container;
	size_t i;

	for (i = 0; i < sizeof(uapi_ctr_ioctls) / sizeof(uapi_ctr_ioctls[0]); i++)
		if (uapi_ctr_ioctls[i].cmd == cmd)
			return uapi_ctr_ioctls[i].fn(host, c, arg);
	/* Everything else passes through to the driver; without one: EINVAL,
	 * not ENOTTY. */
	if (!c->iommu_set)
		return vfsim_reject(RULE_UAPI_CTR_NO_DRIVER, -EINVAL);
	return uapi_type1_ioctl(host, c, cmd, arg);
}

/* ---- group ioctls (vfio_main.c) ------------------------------------------ */

static int uapi_grp_get_status(struct vfsim_host *host, struct uapi_group *g, void *arg)
{
	struct vfio_group_status st;

	if (!arg)
		return vfsim_reject(RULE_UAPI_ARG_FAULT, -EFAULT);
	memcpy(&st, arg, sizeof(st));
	if (st.argsz < sizeof(st))
		return vfsim_reject(RULE_UAPI_GROUP_STATUS_ARGSZ, -EINVAL);
	/* Nobody else claims DMA ownership of a model group: always viable. */
	st.flags = VFIO_GROUP_FLAGS_VIABLE;
	if (g->container)
		st.flags |= VFIO_GROUP_FLAGS_CONTAINER_SET;
	memcpy(arg, &st, sizeof(st));
	return 0;
}

static int uapi_grp_set_container(struct vfsim_host *host, struct uapi_group *g, void *arg)
{
	struct ufd *cu;
	int fd;

	if (!arg)
		return vfsim_reject(RULE_UAPI_ARG_FAULT, -EFAULT);
	memcpy(&fd, arg, sizeof(fd));
	if (!uapi_fd_valid(fd))
		return vfsim_reject(RULE_UAPI_SET_CONTAINER_BADF, -EBADF);
	if (g->container)
		return vfsim_reject(RULE_UAPI_SET_CONTAINER_SET, -EINVAL);
	cu = uapi_fd_lookup(host, fd);
	if (!cu || cu->kind != UFD_CONTAINER)
		return vfsim_reject(RULE_UAPI_SET_CONTAINER_NOT_CTR,
				    UAPI_SET_CONTAINER_NOT_CTR_ERR);
	uapi_group_attach(host, g, cu->container);
	return 0;
}

static int uapi_grp_unset_container(struct vfsim_host *host, struct uapi_group *g, void *arg)
{
	if (!g->container)
		return vfsim_reject(RULE_UAPI_UNSET_NOT_SET, -EINVAL);
	if (g->container_users != 1)
		return vfsim_reject(RULE_UAPI_UNSET_BUSY, -EBUSY);
	uapi_group_detach(host, g);
	return 0;
}

static bool uapi_uuid_ok(const char *s)
{
	static const char hex[] = "0123456789abcdefABCDEF";
	int i;

	for (i = 0; i < UAPI_UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!s[i] || !strchr(hex, s[i])) {
			return false;
		}
	}
	return true;
}

/* vfio_pci_core_match on a device that is neither an SR-IOV PF nor a VF:
 * 1 match, 0 no match, -EINVAL (which ends the search) for a bad option or
 * for any VF token at all. @name is NUL-terminated within UAPI_NAME_MAX. */
static int uapi_match(const char *bdf, const char *name)
{
	size_t bl = strlen(bdf), tl = strlen(UAPI_VF_TOKEN_ARG);
	bool token = false;

	if (strncmp(bdf, name, bl))
		return 0;
	name += bl;
	if (!*name)
		return 1;
	if (*name != ' ')
		return 0;	/* non-whitespace after the name */
	while (*name) {
		if (*name == ' ') {
			name++;
			continue;
		}
		if (token || strncmp(name, UAPI_VF_TOKEN_ARG, tl))
			return vfsim_reject(RULE_UAPI_DEVICE_FD_OPTION, -EINVAL);
		name += tl;
		if (strnlen(name, UAPI_UUID_LEN) < UAPI_UUID_LEN || !uapi_uuid_ok(name))
			return vfsim_reject(RULE_UAPI_DEVICE_FD_OPTION, -EINVAL);
		token = true;
		name += UAPI_UUID_LEN;
	}
	if (token)
		return vfsim_reject(RULE_UAPI_DEVICE_FD_TOKEN, -EINVAL);
	return 1;
}

static int uapi_grp_get_device_fd(struct vfsim_host *host, struct uapi_group *g, void *arg)
{
	const char *name = arg;
	struct uapi_device *d = NULL;
	struct ufd *u;
	unsigned i;
	int r;

	if (!name)
		return vfsim_reject(RULE_UAPI_ARG_FAULT, -EFAULT);
	if (strnlen(name, UAPI_NAME_MAX) >= UAPI_NAME_MAX)
		return vfsim_reject(RULE_UAPI_DEVICE_FD_NAME_LONG, -EINVAL);
	for (i = 0; i < host->ndevices && !d; i++) {
		if (host->devices[i].group != g)
			continue;
		r = uapi_match(host->devices[i].bdf, name);
		if (r < 0)
			return r;
		if (r)
			d = &host->devices[i];
	}
	if (!d)
		return vfsim_reject(RULE_UAPI_DEVICE_FD_NODEV, -ENODEV);
	/* get_unused_fd_flags(O_CLOEXEC) comes before vfio_device_assign_container. */
	u = uapi_fd_new(host, UFD_DEVICE, &r);
	if (!u)
		return r;
	/* Fault device-before-iommu: a container without an IOMMU driver is
	 * good enough (the device then DMAs through no IOMMU: dev->dma is
	 * NULL and its DMA fails with EFAULT, as dev_dma_rw says). */
	if (!g->container || (!g->container->iommu_set &&
			      !vfsim_fault_on(host->faults, VFSIM_FAULT_DEVICE_BEFORE_IOMMU))) {
		uapi_fd_release(host, u);
		return vfsim_reject(RULE_UAPI_DEVICE_FD_NO_IOMMU, -EINVAL);
	}
	u->device = d;
	g->container_users++;
	d->open_count++;
	return u->fd;
}

static const struct {
	unsigned int cmd;
	int (*fn)(struct vfsim_host *host, struct uapi_group *g, void *arg);
} uapi_grp_ioctls[] = {
	{ VFIO_GROUP_GET_DEVICE_FD, uapi_grp_get_device_fd },
	{ VFIO_GROUP_GET_STATUS, uapi_grp_get_status },
	{ VFIO_GROUP_SET_CONTAINER, uapi_grp_set_container },
	{ VFIO_GROUP_UNSET_CONTAINER, uapi_grp_unset_container },
};

static int uapi_grp_ioctl(struct vfsim_host *host, struct ufd *u, unsigned int cmd, void *arg)
{
	size_t i;

	for (i = 0; i < sizeof(uapi_grp_ioctls) / sizeof(uapi_grp_ioctls[0]); i++)
		if (uapi_grp_ioctls[i].cmd == cmd)
			return uapi_grp_ioctls[i].fn(host, u->group, arg);
	return vfsim_reject(RULE_UAPI_GROUP_UNKNOWN_IOCTL, -ENOTTY);
}

static int uapi_dev_ioctl(struct vfsim_host *host, struct ufd *u, unsigned int cmd, void *arg)
{
	return uapi_device_ioctl(host, u, cmd, arg);
}

static int uapi_mig_ioctl(struct vfsim_host *host, struct ufd *u, unsigned int cmd, void *arg)
{
	return uapi_migdata_ioctl(host, u, cmd, arg);
}

static int (*const uapi_kind_ioctl[])(struct vfsim_host *, struct ufd *, unsigned int, void *) = {
	[UFD_CONTAINER] = uapi_ctr_ioctl,
	[UFD_GROUP] = uapi_grp_ioctl,
	[UFD_DEVICE] = uapi_dev_ioctl,
	[UFD_MIGDATA] = uapi_mig_ioctl,
};

int vfsim_ioctl(struct vfsim_host *host, int fd, unsigned long request, void *arg)
{
	struct ufd *u;

	vfsim_reject_clear();
	if (!host)
		return vfsim_reject(RULE_UAPI_HOST_ARG, -EINVAL);
	u = uapi_fd_lookup(host, fd);
	if (!u)
		return vfsim_reject(RULE_UAPI_FD_BAD, -EBADF);
	/* The syscall's cmd is an unsigned int: upper bits are dropped. */
	return uapi_kind_ioctl[u->kind](host, u, (unsigned int)request, arg);
}

/* ---- read, write, mmap ---------------------------------------------------- */

/* The VFS layer in front of the fops: ksys_pread64, vfs_read/vfs_write and
 * rw_verify_area, then the device or data-fd op. @off < 0 with !has_off
 * means "use the file position". */
static ssize_t uapi_rw(struct vfsim_host *host, int fd, void *buf, size_t count, off_t off,
		       bool has_off, bool write)
{
	struct ufd *u;
	uint64_t pos;
	ssize_t r;

	vfsim_reject_clear();
	if (!host)
		return vfsim_reject(RULE_UAPI_HOST_ARG, -EINVAL);
	if (has_off && off < 0)
		return vfsim_reject(RULE_UAPI_RW_NEG_POS, -EINVAL);
	u = uapi_fd_lookup(host, fd);
	if (!u)
		return vfsim_reject(RULE_UAPI_FD_BAD, -EBADF);
	switch (u->kind) {
	case UFD_CONTAINER:
	case UFD_GROUP:
		return vfsim_reject(RULE_UAPI_RW_NO_OP, -EINVAL);
	case UFD_MIGDATA:
		if (has_off)
			return vfsim_reject(RULE_UAPI_RW_SPIPE, -ESPIPE);
		if (u->mig.saving == write)
			return vfsim_reject(RULE_UAPI_RW_ACCMODE, -EBADF);
		if ((ssize_t)count < 0)
			return vfsim_reject(RULE_UAPI_RW_OVERFLOW, -EINVAL);
		if (count && !buf)
			return vfsim_reject(RULE_UAPI_ARG_FAULT, -EFAULT);
		if (count > UAPI_MAX_RW_COUNT)
			count = UAPI_MAX_RW_COUNT;
		if (write)
			return uapi_migdata_write(host, u, buf, count);
		return uapi_migdata_read(host, u, buf, count);
	case UFD_DEVICE:
		break;
	}
	pos = has_off ? (uint64_t)off : u->pos;
	if ((ssize_t)count < 0 || pos > (uint64_t)INT64_MAX - count)
		return vfsim_reject(RULE_UAPI_RW_OVERFLOW, -EINVAL);
	if (count && !buf)
		return vfsim_reject(RULE_UAPI_ARG_FAULT, -EFAULT);
	if (count > UAPI_MAX_RW_COUNT)
		count = UAPI_MAX_RW_COUNT;
	r = uapi_device_rw(host, u->device, buf, count, (off_t)pos, write);
	/* read()/write() advance the position as vfio_pci_rw does with *ppos;
	 * there is no lseek (the device fops have no llseek). */
	if (!has_off && r > 0)
		u->pos += (uint64_t)r;
	return r;
}

ssize_t vfsim_pread(struct vfsim_host *host, int fd, void *buf, size_t count, off_t offset)
{
	return uapi_rw(host, fd, buf, count, offset, true, false);
}

ssize_t vfsim_pwrite(struct vfsim_host *host, int fd, const void *buf, size_t count, off_t offset)
{
	return uapi_rw(host, fd, (void *)buf, count, offset, true, true);
}

ssize_t vfsim_read(struct vfsim_host *host, int fd, void *buf, size_t count)
{
	return uapi_rw(host, fd, buf, count, 0, false, false);
}

ssize_t vfsim_write(struct vfsim_host *host, int fd, const void *buf, size_t count)
{
	return uapi_rw(host, fd, (void *)buf, count, 0, false, true);
}

int vfsim_mmap(struct vfsim_host *host, int fd, size_t length, int prot, int flags, off_t offset,
	       void **ret_addr)
{
	long pagesz = sysconf(_SC_PAGESIZE);
	struct ufd *u;

	vfsim_reject_clear();
	if (!host)
		return vfsim_reject(RULE_UAPI_HOST_ARG, -EINVAL);
	/* The syscall rejects an unaligned offset before it looks at the fd. */
	if (!ret_addr || offset < 0 || (pagesz > 0 && (offset & (pagesz - 1))))
		return vfsim_reject(RULE_UAPI_MMAP_ARGS, -EINVAL);
	u = uapi_fd_lookup(host, fd);
	if (!u)
		return vfsim_reject(RULE_UAPI_FD_BAD, -EBADF);
	if (!length)
		return vfsim_reject(RULE_UAPI_MMAP_ARGS, -EINVAL);
	if (u->kind != UFD_DEVICE)
		return vfsim_reject(RULE_UAPI_MMAP_NO_OP, -ENODEV);
	return uapi_device_mmap(host, u->device, length, prot, flags, offset, ret_addr);
}

int vfsim_munmap(struct vfsim_host *host, void *addr, size_t length)
{
	vfsim_reject_clear();
	if (munmap(addr, length) < 0)
		return -errno;
	return 0;
}
