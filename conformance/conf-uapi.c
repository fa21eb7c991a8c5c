/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel-uAPI model as a conformance target: a fresh vfsim_host with one
 * device per case, the kernel's order of opening container, group and device
 * (§1.1 of the digest) as named stages, ioctl wrappers that write the
 * transcript, and the discovery of what the device offers (GET_INFO, IRQ
 * info, config space, DEVICE_FEATURE PROBE) that `needs` is checked against.
 * Everything goes through the public API (vfsim.h) and <linux/vfio.h>.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "include/vfsim.h"
#include "vfio-compat.h"
#include "conf-int.h"

enum conf_argkind { ARG_NONE, ARG_VALUE, ARG_INTPTR, ARG_STR, ARG_ARGSZ };

/* VFIO request numbers repeat across objects (IOMMU_GET_INFO and
 * DEVICE_GET_PCI_HOT_RESET_INFO are both VFIO_BASE + 12), so a name is looked
 * up with the kind of fd it goes to: 'c'ontainer, 'g'roup, 'd'evice. */
static const struct {
	unsigned long req;
	char obj;
	const char *name;
	enum conf_argkind kind;
} conf_ioctls[] = {
	{ VFIO_GET_API_VERSION, 'c', "GET_API_VERSION", ARG_NONE },
	{ VFIO_CHECK_EXTENSION, 'c', "CHECK_EXTENSION", ARG_VALUE },
	{ VFIO_SET_IOMMU, 'c', "SET_IOMMU", ARG_VALUE },
	{ VFIO_GROUP_GET_STATUS, 'g', "GROUP_GET_STATUS", ARG_ARGSZ },
	{ VFIO_GROUP_SET_CONTAINER, 'g', "GROUP_SET_CONTAINER", ARG_INTPTR },
	{ VFIO_GROUP_UNSET_CONTAINER, 'g', "GROUP_UNSET_CONTAINER", ARG_NONE },
	{ VFIO_GROUP_GET_DEVICE_FD, 'g', "GROUP_GET_DEVICE_FD", ARG_STR },
	{ VFIO_DEVICE_GET_INFO, 'd', "DEVICE_GET_INFO", ARG_ARGSZ },
	{ VFIO_DEVICE_GET_REGION_INFO, 'd', "DEVICE_GET_REGION_INFO", ARG_ARGSZ },
	{ VFIO_DEVICE_GET_IRQ_INFO, 'd', "DEVICE_GET_IRQ_INFO", ARG_ARGSZ },
	{ VFIO_DEVICE_SET_IRQS, 'd', "DEVICE_SET_IRQS", ARG_ARGSZ },
	{ VFIO_DEVICE_RESET, 'd', "DEVICE_RESET", ARG_NONE },
	{ VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, 'd', "DEVICE_GET_PCI_HOT_RESET_INFO", ARG_ARGSZ },
	{ VFIO_DEVICE_PCI_HOT_RESET, 'd', "DEVICE_PCI_HOT_RESET", ARG_ARGSZ },
	{ VFIO_DEVICE_IOEVENTFD, 'd', "DEVICE_IOEVENTFD", ARG_ARGSZ },
	{ VFIO_DEVICE_FEATURE, 'd', "DEVICE_FEATURE", ARG_ARGSZ },
	{ VFIO_IOMMU_GET_INFO, 'c', "IOMMU_GET_INFO", ARG_ARGSZ },
	{ VFIO_IOMMU_MAP_DMA, 'c', "IOMMU_MAP_DMA", ARG_ARGSZ },
	{ VFIO_IOMMU_UNMAP_DMA, 'c', "IOMMU_UNMAP_DMA", ARG_ARGSZ },
	{ VFIO_IOMMU_DIRTY_PAGES, 'c', "IOMMU_DIRTY_PAGES", ARG_ARGSZ },
};

static const char *conf_fd_name(const struct conf_ctx *ctx, int fd, char *buf, size_t len)
{
	if (fd >= 0 && fd == ctx->u.container)
		return "container";
	if (fd >= 0 && fd == ctx->u.group)
		return "group";
	if (fd >= 0 && fd == ctx->u.device)
		return "device";
	snprintf(buf, len, "fd %d", fd);
	return buf;
}

static void conf_note_result(struct conf_ctx *ctx, const char *call, int r)
{
	int rule, err;

	if (r >= 0) {
		conf_note(ctx, "%s = %d", call, r);
		return;
	}
	rule = vfsim_last_rule(&err);
	if (rule > 0 && vfsim_rule_name(rule))
		conf_note(ctx, "%s = -%s [model rule %s]", call, conf_errno_name(r), vfsim_rule_name(rule));
	else
		conf_note(ctx, "%s = -%s", call, conf_errno_name(r));
}

int conf_ioctl(struct conf_ctx *ctx, int fd, unsigned long req, void *arg)
{
	char call[200], fdbuf[24], argbuf[80];
	const char *name = NULL;
	enum conf_argkind kind = ARG_NONE;
	size_t i;
	char obj;
	int r;

	obj = fd == ctx->u.group ? 'g' : fd == ctx->u.device ? 'd' : 'c';
	for (i = 0; i < sizeof(conf_ioctls) / sizeof(conf_ioctls[0]); i++)
		if (conf_ioctls[i].req == req && conf_ioctls[i].obj == obj) {
			name = conf_ioctls[i].name;
			kind = conf_ioctls[i].kind;
			break;
		}
	argbuf[0] = '\0';
	switch (kind) {
	case ARG_VALUE:
		snprintf(argbuf, sizeof(argbuf), "%lu", (unsigned long)(uintptr_t)arg);
		break;
	case ARG_INTPTR:
		if (arg)
			snprintf(argbuf, sizeof(argbuf), "&%d", *(const int *)arg);
		break;
	case ARG_STR:
		if (arg)
			snprintf(argbuf, sizeof(argbuf), "\"%.60s\"", (const char *)arg);
		break;
	case ARG_ARGSZ:
		if (arg)
			snprintf(argbuf, sizeof(argbuf), "argsz=%u", *(const uint32_t *)arg);
		break;
	case ARG_NONE:
		break;
	}
	if (name)
		snprintf(call, sizeof(call), "%s: %s(%s)", conf_fd_name(ctx, fd, fdbuf, sizeof(fdbuf)), name, argbuf);
	else
		snprintf(call, sizeof(call), "%s: ioctl(0x%lx)", conf_fd_name(ctx, fd, fdbuf, sizeof(fdbuf)), req);
	r = vfsim_ioctl(ctx->u.host, fd, req, arg);
	conf_note_result(ctx, call, r);
	return r;
}

int conf_open(struct conf_ctx *ctx, const char *path, int flags)
{
	char call[128];
	int r;

	snprintf(call, sizeof(call), "open(\"%s\")", path);
	r = vfsim_open(ctx->u.host, path, flags);
	conf_note_result(ctx, call, r);
	return r;
}

int conf_close(struct conf_ctx *ctx, int fd)
{
	char call[64], fdbuf[24];
	int r;

	snprintf(call, sizeof(call), "close(%s)", conf_fd_name(ctx, fd, fdbuf, sizeof(fdbuf)));
	r = vfsim_close(ctx->u.host, fd);
	conf_note_result(ctx, call, r);
	if (fd == ctx->u.container)
		ctx->u.container = -1;
	if (fd == ctx->u.group)
		ctx->u.group = -1;
	if (fd == ctx->u.device)
		ctx->u.device = -1;
	return r;
}

/* ---- the per-case target ------------------------------------------------------ */

int conf_uapi_target_up(struct conf_ctx *ctx)
{
	int r;

	ctx->u.container = ctx->u.group = ctx->u.device = -1;
	r = vfsim_dev_new(ctx->target->profile, &ctx->u.dev);
	if (r < 0)
		return r;
	r = vfsim_host_new(NULL, &ctx->u.host);
	if (r < 0)
		goto free_dev;
	vfsim_host_set_faults(ctx->u.host, ctx->target->faults);
	r = vfsim_host_add_device(ctx->u.host, ctx->u.dev, CONF_UAPI_GROUP, CONF_UAPI_BDF);
	if (r < 0)
		goto free_host;
	return 0;

free_host:
	vfsim_host_free(ctx->u.host);
	ctx->u.host = NULL;
free_dev:
	vfsim_dev_free(ctx->u.dev);
	ctx->u.dev = NULL;
	return r;
}

void conf_uapi_target_down(struct conf_ctx *ctx)
{
	vfsim_host_free(ctx->u.host);
	vfsim_dev_free(ctx->u.dev);
	ctx->u.host = NULL;
	ctx->u.dev = NULL;
	ctx->u.container = ctx->u.group = ctx->u.device = -1;
}

int conf_uapi_setup(struct conf_ctx *ctx, enum conf_uapi_stage stage)
{
	int r;

	if (stage >= CONF_UAPI_CONTAINER && ctx->u.container < 0) {
		r = conf_open(ctx, "/dev/vfio/vfio", O_RDWR);
		if (r < 0)
			return conf_fail(ctx, "setup: open /dev/vfio/vfio: -%s", conf_errno_name(r));
		ctx->u.container = r;
	}
	if (stage >= CONF_UAPI_GROUP_OPEN && ctx->u.group < 0) {
		r = conf_open(ctx, CONF_UAPI_GROUP_PATH, O_RDWR);
		if (r < 0)
			return conf_fail(ctx, "setup: open %s: -%s", CONF_UAPI_GROUP_PATH, conf_errno_name(r));
		ctx->u.group = r;
	}
	if (stage >= CONF_UAPI_ATTACHED) {
		r = conf_ioctl(ctx, ctx->u.group, VFIO_GROUP_SET_CONTAINER, &ctx->u.container);
		if (r < 0)
			return conf_fail(ctx, "setup: GROUP_SET_CONTAINER: -%s", conf_errno_name(r));
	}
	if (stage >= CONF_UAPI_IOMMU) {
		r = conf_ioctl(ctx, ctx->u.container, VFIO_SET_IOMMU, (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU);
		if (r < 0)
			return conf_fail(ctx, "setup: SET_IOMMU(TYPE1v2): -%s", conf_errno_name(r));
	}
	if (stage >= CONF_UAPI_DEVICE) {
		char name[] = CONF_UAPI_BDF;

		r = conf_ioctl(ctx, ctx->u.group, VFIO_GROUP_GET_DEVICE_FD, name);
		if (r < 0)
			return conf_fail(ctx, "setup: GROUP_GET_DEVICE_FD(%s): -%s", CONF_UAPI_BDF,
					 conf_errno_name(r));
		ctx->u.device = r;
	}
	return conf_pass(ctx);
}

int conf_uapi_irq_info(struct conf_ctx *ctx, uint32_t index, uint32_t *ret_flags, uint32_t *ret_count)
{
	struct vfio_irq_info info = { .argsz = sizeof(info), .index = index };
	int r;

	r = conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_GET_IRQ_INFO, &info);
	if (r < 0)
		return r;
	if (ret_flags)
		*ret_flags = info.flags;
	if (ret_count)
		*ret_count = info.count;
	return r;
}

int conf_uapi_region_info(struct conf_ctx *ctx, uint32_t index, uint64_t *ret_size, uint32_t *ret_flags,
			  uint64_t *ret_offset)
{
	struct vfio_region_info info = { .argsz = sizeof(info), .index = index };
	int r;

	r = conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_GET_REGION_INFO, &info);
	if (r < 0)
		return r;
	if (ret_size)
		*ret_size = info.size;
	if (ret_flags)
		*ret_flags = info.flags;
	if (ret_offset)
		*ret_offset = info.offset;
	return r;
}

/* Room for 4096 eventfds or bools: more than any case sends. */
#define CONF_IRQ_DATA_MAX (4096u * 4)

int conf_uapi_set_irqs(struct conf_ctx *ctx, uint32_t flags, uint32_t index, uint32_t start, uint32_t count,
		       const void *data, size_t datalen)
{
	struct vfio_irq_set *s;
	int r;

	if (datalen > CONF_IRQ_DATA_MAX)
		return -E2BIG;
	s = calloc(1, sizeof(*s) + datalen + 8);
	if (!s)
		return -ENOMEM;
	s->argsz = sizeof(*s) + datalen;
	s->flags = flags;
	s->index = index;
	s->start = start;
	s->count = count;
	if (datalen)
		memcpy(s->data, data, datalen);
	conf_note(ctx, "SET_IRQS flags=0x%x index=%u start=%u count=%u datalen=%zu", flags, index, start, count,
		  datalen);
	r = conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_SET_IRQS, s);
	free(s);
	return r;
}

int conf_uapi_cfg_read(struct conf_ctx *ctx, uint32_t off, void *buf, size_t len)
{
	ssize_t n = vfsim_pread(ctx->u.host, ctx->u.device, buf, len,
				(off_t)((uint64_t)VFIO_PCI_CONFIG_REGION_INDEX << 40) + off);

	if (n < 0)
		return (int)n;
	return (size_t)n == len ? 0 : -EIO;
}

int conf_uapi_cfg_write(struct conf_ctx *ctx, uint32_t off, const void *buf, size_t len)
{
	ssize_t n = vfsim_pwrite(ctx->u.host, ctx->u.device, buf, len,
				 (off_t)((uint64_t)VFIO_PCI_CONFIG_REGION_INDEX << 40) + off);

	if (n < 0)
		return (int)n;
	return (size_t)n == len ? 0 : -EIO;
}

/* ---- migration data fds ---------------------------------------------------------- */

#define CONF_UAPI_READ_CHUNK 65536u
#define CONF_UAPI_IMAGE_MAX (64u << 20)	/* bound on a saved image a case keeps */

/* Read @fd to its end (a 0-byte read); keeps the bytes in *img when @img. */
int conf_uapi_drain(struct conf_ctx *ctx, int fd, uint8_t **img, size_t *len)
{
	uint8_t *buf = NULL;
	size_t have = 0;
	int ret = 0;

	for (;;) {
		ssize_t n;
		uint8_t *nb;

		if (have + CONF_UAPI_READ_CHUNK > CONF_UAPI_IMAGE_MAX) {
			ret = -EFBIG;
			break;
		}
		nb = realloc(buf, have + CONF_UAPI_READ_CHUNK);
		if (!nb) {
			ret = -ENOMEM;
			break;
		}
		buf = nb;
		n = vfsim_read(ctx->u.host, fd, buf + have, CONF_UAPI_READ_CHUNK);
		if (n < 0) {
			conf_note(ctx, "read(data fd) = -%s after %zu bytes", conf_errno_name((int)n), have);
			ret = (int)n;
			break;
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	conf_note(ctx, "read %zu bytes from the data fd", have);
	if (img && ret == 0) {
		*img = buf;
		*len = have;
	} else {
		free(buf);
	}
	return ret;
}

/* Write all of @img to the resume fd. */
int conf_uapi_feed(struct conf_ctx *ctx, int fd, const uint8_t *img, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = vfsim_write(ctx->u.host, fd, img + off, len - off);

		if (n <= 0)
			return n < 0 ? (int)n : -EIO;
		off += (size_t)n;
	}
	return 0;
}

/* ---- discovery ----------------------------------------------------------------- */

/* Walk the standard capability list (hop budget: 48 capabilities fit in 256
 * bytes) for a PCI Express capability. */
static bool conf_cfg_has_pcie(struct conf_ctx *ctx)
{
	uint8_t cfg[256];
	unsigned pos, hops;

	if (conf_uapi_cfg_read(ctx, 0, cfg, sizeof(cfg)) < 0)
		return false;
	if (!(cfg[0x06] & 0x10))	/* status: capability list */
		return false;
	pos = cfg[0x34] & ~3u;
	for (hops = 0; pos >= 0x40 && pos < 0xff && hops < 48; hops++) {
		if (cfg[pos] == 0x10)
			return true;
		pos = cfg[pos + 1] & ~3u;
	}
	return false;
}

static bool conf_feature_probe(struct conf_ctx *ctx, uint32_t feature, uint32_t op)
{
	struct {
		struct vfio_device_feature f;
		uint8_t data[64];
	} buf;

	memset(&buf, 0, sizeof(buf));
	buf.f.argsz = sizeof(buf);
	buf.f.flags = feature | op | VFIO_DEVICE_FEATURE_PROBE;
	return conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_FEATURE, &buf) == 0;
}

/* The profile JSON is the device's datasheet: an "engine" object means the
 * device is vfsim's DMA engine (its registers in a BAR; sim/engine.h), whose
 * doorbell is the only known way to make a device DMA on demand. */
static bool conf_profile_has_engine(const char *path)
{
	struct json_object *top, *eng;
	bool has;

	if (!path)
		return false;
	top = json_object_from_file(path);
	has = top && json_object_object_get_ex(top, "engine", &eng) && json_object_is_type(eng, json_type_object);
	json_object_put(top);
	return has;
}

static void conf_discover_device(struct conf_ctx *ctx, struct conf_target *t)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct {
		struct vfio_pci_hot_reset_info h;
		struct vfio_pci_dependent_device d[16];
	} hr;
	uint8_t class_hi[2];
	uint32_t i, count;
	uint64_t size;

	if (conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_GET_INFO, &info) == 0) {
		t->dev_flags = info.flags;
		t->num_regions = info.num_regions;
		t->num_irqs = info.num_irqs;
		if (info.flags & VFIO_DEVICE_FLAGS_RESET)
			t->features |= CONF_FEAT_RESET;
		if (info.flags & VFIO_DEVICE_FLAGS_CAPS)
			t->features |= CONF_FEAT_DEV_CAPS;
		if (info.num_regions > VFIO_PCI_NUM_REGIONS)
			t->features |= CONF_FEAT_DEV_REGION;
	}
	for (i = 0; i < 5; i++) {
		static const unsigned bits[5] = { CONF_FEAT_INTX, CONF_FEAT_MSI, CONF_FEAT_MSIX, CONF_FEAT_ERR,
						  CONF_FEAT_REQ };

		if (conf_uapi_irq_info(ctx, i, NULL, &count) == 0 && count) {
			t->irq_count[i] = count;
			t->features |= bits[i];
		}
	}
	for (i = VFIO_PCI_BAR0_REGION_INDEX; i <= VFIO_PCI_BAR5_REGION_INDEX; i++)
		if (conf_uapi_region_info(ctx, i, &size, NULL, NULL) == 0 && size)
			t->features |= CONF_FEAT_BAR;
	/* vfio_pci_is_vga(): base class 0x03, subclass 0x00 (bytes 0x0a, 0x0b). */
	if (conf_uapi_cfg_read(ctx, 0x0a, class_hi, sizeof(class_hi)) == 0 && class_hi[1] == 0x03 &&
	    class_hi[0] == 0x00)
		t->features |= CONF_FEAT_VGA;
	if (conf_cfg_has_pcie(ctx))
		t->features |= CONF_FEAT_PCIE;

	if (conf_feature_probe(ctx, VFIO_DEVICE_FEATURE_MIGRATION, VFIO_DEVICE_FEATURE_GET)) {
		struct {
			struct vfio_device_feature f;
			struct vfio_device_feature_migration m;
		} mig;

		t->features |= CONF_FEAT_MIGRATION;
		memset(&mig, 0, sizeof(mig));
		mig.f.argsz = sizeof(mig);
		mig.f.flags = VFIO_DEVICE_FEATURE_MIGRATION | VFIO_DEVICE_FEATURE_GET;
		if (conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_FEATURE, &mig) == 0) {
			t->mig_flags = (uint32_t)mig.m.flags;
			if (mig.m.flags & VFIO_MIGRATION_P2P)
				t->features |= CONF_FEAT_MIG_P2P;
			if (mig.m.flags & VFIO_MIGRATION_PRE_COPY)
				t->features |= CONF_FEAT_MIG_PRECOPY;
		}
	}
	if (conf_feature_probe(ctx, VFIO_DEVICE_FEATURE_DMA_LOGGING_START, VFIO_DEVICE_FEATURE_SET))
		t->features |= CONF_FEAT_DMA_LOGGING;
	if (conf_feature_probe(ctx, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, VFIO_DEVICE_FEATURE_SET))
		t->features |= CONF_FEAT_LOW_POWER;

	memset(&hr, 0, sizeof(hr));
	hr.h.argsz = sizeof(hr);
	if (conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &hr) == 0)
		t->features |= CONF_FEAT_HOT_RESET;
	if (conf_profile_has_engine(t->profile_path))
		t->features |= CONF_FEAT_DMA_ENGINE;
}

int conf_uapi_discover(struct conf_target *t, char *err, size_t errlen)
{
	struct conf_ctx ctx;
	int r;

	memset(&ctx, 0, sizeof(ctx));
	ctx.target = t;
	ctx.out_fd = -1;
	t->features = 0;
	snprintf(t->device_name, sizeof(t->device_name), "%s", vfsim_profile_name(t->profile));
	r = conf_uapi_target_up(&ctx);
	if (r < 0) {
		snprintf(err, errlen, "cannot build the device from %s: %s", t->profile_path, strerror(-r));
		return r;
	}
	if (conf_uapi_setup(&ctx, CONF_UAPI_DEVICE) != CONF_PASS) {
		snprintf(err, errlen, "cannot open the device in the kernel's order: %s", ctx.detail);
		conf_uapi_target_down(&ctx);
		return -EIO;
	}
	conf_discover_device(&ctx, t);
	conf_uapi_target_down(&ctx);
	return 0;
}
