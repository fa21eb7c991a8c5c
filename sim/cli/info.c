/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `vfsim info PROFILE...`: each device as a VFIO user would find it, through
 * the public in-process uAPI model only: container, group and device fd in
 * the order the kernel requires, then show.c's view over the device fd
 * (*_INFO ioctls with the argsz retry, config space with pread/pwrite,
 * features probed). Nothing here looks inside the library: what it prints
 * is what a real VFIO user of the same device would learn.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "include/vfsim.h"
#include "cli.h"
#include "show.h"

#define INFO_GROUP 1
#define INFO_BDF "0000:00:04.0"
#define INFO_MAX_ARGSZ 65536		/* a larger *_INFO argsz is not believed */

struct info {
	struct vfsim_host *host;
	int fd;				/* device fd */
	uint64_t cfg_off;		/* region 7 offset */
	struct show show;
};

/* One dword of config space through the device fd, as a VFIO user accesses it. */
static int info_cfg_rw(void *o, unsigned off, uint32_t *val, bool write)
{
	struct info *in = o;
	ssize_t n = write ? vfsim_pwrite(in->host, in->fd, val, 4, (off_t)(in->cfg_off + off))
			  : vfsim_pread(in->host, in->fd, val, 4, (off_t)(in->cfg_off + off));

	return n == 4 ? 0 : n < 0 ? (int)n : -EIO;
}

/* VFIO_DEVICE_GET_REGION_INFO with the argsz retry (once); *ret is malloc'd. */
static int info_region(void *o, unsigned index, struct vfio_region_info **ret)
{
	struct info *in = o;
	uint32_t argsz = sizeof(struct vfio_region_info);
	struct vfio_region_info *ri = NULL;
	int r, tries;

	for (tries = 0; tries < 2; tries++) {
		free(ri);
		ri = calloc(1, argsz);
		if (!ri)
			return -ENOMEM;
		ri->argsz = argsz;
		ri->index = index;
		r = vfsim_ioctl(in->host, in->fd, VFIO_DEVICE_GET_REGION_INFO, ri);
		if (r < 0 || ri->argsz <= argsz || tries == 1)
			break;
		if (ri->argsz > INFO_MAX_ARGSZ) {
			r = -E2BIG;
			break;
		}
		argsz = ri->argsz;
	}
	if (r == 0 && ri->argsz > argsz)
		ri->cap_offset = 0;	/* still short after the retry: no chain to walk */
	if (r < 0) {
		free(ri);
		return r;
	}
	ri->argsz = argsz;		/* the chain walk stays inside what we own */
	*ret = ri;
	return 0;
}

/* VFIO_DEVICE_FEATURE with @flags | @feature; data is the payload after the header. */
static int info_feature(void *o, uint32_t flags, void *data, size_t len)
{
	struct info *in = o;
	uint64_t buf[8] = { 0 };	/* header + payload, 8-byte aligned */
	struct vfio_device_feature *f = (struct vfio_device_feature *)buf;
	int r;

	if (sizeof(*f) + len > sizeof(buf))
		return -EINVAL;
	f->argsz = (uint32_t)(sizeof(*f) + len);
	f->flags = flags;
	r = vfsim_ioctl(in->host, in->fd, VFIO_DEVICE_FEATURE, f);
	if (r == 0 && data)
		memcpy(data, f->data, len);
	return r;
}

static int info_cfg_read(void *o, uint8_t *buf, uint32_t len)
{
	struct info *in = o;
	ssize_t n = vfsim_pread(in->host, in->fd, buf, len, (off_t)in->cfg_off);

	return n == (ssize_t)len ? 0 : n < 0 ? (int)n : -EIO;
}

static int info_irq_info(void *o, struct vfio_irq_info *ii)
{
	struct info *in = o;

	return vfsim_ioctl(in->host, in->fd, VFIO_DEVICE_GET_IRQ_INFO, ii);
}

static const struct show_ops info_ops = {
	.cfg_rw = info_cfg_rw,
	.cfg_read = info_cfg_read,
	.region_info = info_region,
	.irq_info = info_irq_info,
	.feature = info_feature,
};

/* Container, group, IOMMU, device fd: the order the kernel requires. */
static int info_device(struct info *in, const char *name)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	struct vfio_device_info di = { .argsz = sizeof(di) };
	struct vfio_region_info *cfgri = NULL;
	char path[32];
	const char *what = "";
	int ctr = -1, grp = -1, r;

/* One step of the open sequence: on failure, say which. */
#define INFO_STEP(desc, expr) do { what = (desc); r = (expr); if (r < 0) goto out; } while (0)

	in->fd = -1;
	INFO_STEP("open /dev/vfio/vfio", ctr = vfsim_open(in->host, "/dev/vfio/vfio", O_RDWR));
	INFO_STEP("VFIO_GET_API_VERSION", vfsim_ioctl(in->host, ctr, VFIO_GET_API_VERSION, NULL));
	if (r != VFIO_API_VERSION)
		goto out_err;
	INFO_STEP("VFIO_CHECK_EXTENSION(TYPE1v2)",
		  vfsim_ioctl(in->host, ctr, VFIO_CHECK_EXTENSION, (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU));
	if (r == 0)
		goto out_err;
	snprintf(path, sizeof(path), "/dev/vfio/%d", INFO_GROUP);
	INFO_STEP(path, grp = vfsim_open(in->host, path, O_RDWR));
	INFO_STEP("VFIO_GROUP_GET_STATUS", vfsim_ioctl(in->host, grp, VFIO_GROUP_GET_STATUS, &st));
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE))
		goto out_err;
	INFO_STEP("VFIO_GROUP_SET_CONTAINER", vfsim_ioctl(in->host, grp, VFIO_GROUP_SET_CONTAINER, &ctr));
	INFO_STEP("VFIO_SET_IOMMU(TYPE1v2)",
		  vfsim_ioctl(in->host, ctr, VFIO_SET_IOMMU, (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU));
	INFO_STEP("VFIO_GROUP_GET_DEVICE_FD", in->fd = vfsim_ioctl(in->host, grp, VFIO_GROUP_GET_DEVICE_FD,
								   (void *)INFO_BDF));
	INFO_STEP("VFIO_DEVICE_GET_INFO", vfsim_ioctl(in->host, in->fd, VFIO_DEVICE_GET_INFO, &di));
	what = "show";
	in->show.ops = &info_ops;
	in->show.o = in;
	in->show.bdf = INFO_BDF;
	INFO_STEP("config region info", info_region(in, VFIO_PCI_CONFIG_REGION_INDEX, &cfgri));
	in->cfg_off = cfgri->offset;
	free(cfgri);
	r = show_device(&in->show, name, di.flags, di.num_regions, di.num_irqs);
	if (r < 0)
		goto out_quiet;
	r = 0;
	goto out;
#undef INFO_STEP
out_err:
	r = r < 0 ? r : -EINVAL;
out:
	if (r < 0)
		fprintf(stderr, "vfsim: %s: %s: %s\n", name, what, strerror(-r));
out_quiet:
	if (in->fd >= 0)
		vfsim_close(in->host, in->fd);
	if (grp >= 0)
		vfsim_close(in->host, grp);
	if (ctr >= 0)
		vfsim_close(in->host, ctr);
	return r;
}

static int info_one(const char *path)
{
	struct vfsim_profile *p = NULL;
	struct vfsim_dev *dev = NULL;
	struct info *in = calloc(1, sizeof(*in));
	char err[512];
	int r;

	if (!in)
		return -ENOMEM;
	r = vfsim_profile_load(path, &p, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "vfsim: %s\n", err);
		goto out;
	}
	r = vfsim_dev_new(p, &dev);
	if (r == 0)
		r = vfsim_host_new(NULL, &in->host);
	if (r == 0)
		r = vfsim_host_add_device(in->host, dev, INFO_GROUP, INFO_BDF);
	if (r < 0)
		fprintf(stderr, "vfsim: %s: cannot build the device: %s\n", path, strerror(-r));
	else
		r = info_device(in, vfsim_profile_name(p));
out:
	vfsim_host_free(in->host);
	vfsim_dev_free(dev);
	vfsim_profile_free(p);
	free(in);
	return r;
}

int cli_info(int argc, char **argv)
{
	int i, status = 0;

	if (argc < 2 || (argv[1][0] == '-' && strcmp(argv[1], "--help"))) {
		fprintf(stderr, "usage: vfsim info PROFILE...\n");
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help")) {
		printf("usage: vfsim info PROFILE...\n");
		return 0;
	}
	for (i = 1; i < argc; i++)
		if (info_one(argv[i]) < 0)
			status = CLI_EXIT_FAIL;
	return status;
}
