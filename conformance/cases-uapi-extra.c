/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conformance cases: kernel-uAPI rules on containers, groups, device fds,
 * argsz, region and IRQ info, hot reset, IOEVENTFD and the SET_IRQS handler
 * matrix (the scripts live in cases-uapi-extra.h). Each case cites one rule
 * of conformance/rules/uapi-*.def; expectations are transcribed from kernel
 * 6.1 (drivers/vfio/vfio_main.c, container.c, vfio_iommu_type1.c,
 * pci/vfio_pci_core.c, pci/vfio_pci_rdwr.c, pci/vfio_pci_intrs.c). What the
 * device is (interrupt pin, capabilities, BAR and ROM sizes) is read from its
 * config space, as the kernel reads it.
 */
#include <fcntl.h>
#include <stdio.h>

#include "cases-uapi-extra.h"

#define STATUS_VIABLE VFIO_GROUP_FLAGS_VIABLE
#define STATUS_SET VFIO_GROUP_FLAGS_CONTAINER_SET
#define UUID "5ba3e4d2-7f1c-4b7e-9a0e-1c2d3e4f5a6b"

static int x_status(struct conf_ctx *ctx, int group, uint32_t *flags)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	int r = conf_ioctl(ctx, group, VFIO_GROUP_GET_STATUS, &st);

	*flags = st.flags;
	return r;
}

static void x_expect_status(struct conf_ctx *ctx, int group, uint32_t want, const char *when)
{
	uint32_t flags = 0;
	int r = x_status(ctx, group, &flags);

	if (conf_expect_errno(ctx, "GROUP_GET_STATUS", r, 0, true) == CONF_PASS)
		conf_check(ctx, flags == want, "%s: group status 0x%x, expected 0x%x", when, flags, want);
}

/* GET_DEVICE_FD(@name) on @group; the fd is closed again. */
static int x_get_dev(struct conf_ctx *ctx, int group, const char *name)
{
	char buf[128];
	int r;

	snprintf(buf, sizeof(buf), "%s", name);
	r = conf_ioctl(ctx, group, VFIO_GROUP_GET_DEVICE_FD, buf);
	if (r >= 0)
		conf_close(ctx, r);
	return r;
}

/* ---- containers (UAPI-CONT-*) ------------------------------------------------------ */

/* Two groups in one container: SET_IOMMU attaches both. */
static int cont_two_groups(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct x_host x;
	int g2, r, v;

	if ((v = x_host2(ctx, &x, X_GROUP2, X_BDF3)) != CONF_PASS)
		return x_host_done(ctx, &x);
	if ((v = conf_uapi_setup(ctx, CONF_UAPI_ATTACHED)) != CONF_PASS)
		return x_host_done(ctx, &x);
	g2 = conf_open(ctx, X_GROUP2_PATH, O_RDWR);
	if (g2 < 0) {
		conf_fail(ctx, "open %s: -%s", X_GROUP2_PATH, conf_errno_name(g2));
		return x_host_done(ctx, &x);
	}
	r = conf_ioctl(ctx, g2, VFIO_GROUP_SET_CONTAINER, &ctx->u.container);
	if (conf_expect_errno(ctx, "second group SET_CONTAINER", r, 0, true) != CONF_PASS)
		return x_host_done(ctx, &x);
	r = conf_ioctl(ctx, ctx->u.container, VFIO_SET_IOMMU, (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU);
	if (conf_expect_errno(ctx, "SET_IOMMU(TYPE1v2) with two groups", r, 0, true) != CONF_PASS)
		return x_host_done(ctx, &x);
	x_expect_status(ctx, ctx->u.group, STATUS_VIABLE | STATUS_SET, "first group");
	x_expect_status(ctx, g2, STATUS_VIABLE | STATUS_SET, "second group");
	r = x_get_dev(ctx, ctx->u.group, CONF_UAPI_BDF);
	conf_expect_errno(ctx, "GET_DEVICE_FD in the first group (IOMMU attached)", r, 0, true);
	r = x_get_dev(ctx, g2, X_BDF3);
	conf_expect_errno(ctx, "GET_DEVICE_FD in the second group (IOMMU attached)", r, 0, true);
	return x_host_done(ctx, &x);
}

struct cont_iommu_row {
	unsigned long type;
	int want;
};

/* SET_IOMMU(type) with a group: no driver for the type is ENODEV, a driver
 * whose open refuses it passes that errno; the container stays unset. */
static int cont_set_iommu_row(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct cont_iommu_row *row = c->arg;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_ATTACHED)) != CONF_PASS)
		return v;
	r = conf_ioctl(ctx, ctx->u.container, VFIO_SET_IOMMU, (void *)(uintptr_t)row->type);
	if (conf_expect_errno(ctx, "SET_IOMMU", r, row->want, true) != CONF_PASS)
		return conf_pass(ctx);
	if (row->want < 0) {
		r = conf_ioctl(ctx, ctx->u.container, VFIO_SET_IOMMU, (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU);
		conf_expect_errno(ctx, "SET_IOMMU(TYPE1v2) after the failed one (no driver was bound)", r, 0, true);
	}
	r = x_get_dev(ctx, ctx->u.group, CONF_UAPI_BDF);
	conf_expect_errno(ctx, "GET_DEVICE_FD (the group was attached to the driver)", r, 0, true);
	return conf_pass(ctx);
}

static const struct cont_iommu_row iommu_spapr = { VFIO_SPAPR_TCE_IOMMU, -ENODEV };
static const struct cont_iommu_row iommu_dma_cc = { VFIO_DMA_CC_IOMMU, -ENODEV };
static const struct cont_iommu_row iommu_vaddr = { VFIO_UPDATE_VADDR, -ENODEV };
static const struct cont_iommu_row iommu_unmap_all = { VFIO_UNMAP_ALL, -EINVAL };
static const struct cont_iommu_row iommu_type1 = { VFIO_TYPE1_IOMMU, 0 };

/* The container fd closed: the group still holds the container. */
static int cont_close(struct conf_ctx *ctx, const struct conf_case *c)
{
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_IOMMU)) != CONF_PASS)
		return v;
	conf_close(ctx, ctx->u.container);
	x_expect_status(ctx, ctx->u.group, STATUS_VIABLE | STATUS_SET, "after closing the container fd");
	r = x_get_dev(ctx, ctx->u.group, CONF_UAPI_BDF);
	conf_expect_errno(ctx, "GET_DEVICE_FD after closing the container fd", r, 0, true);
	r = conf_ioctl(ctx, ctx->u.group, VFIO_GROUP_UNSET_CONTAINER, NULL);
	conf_expect_errno(ctx, "UNSET_CONTAINER after closing the container fd", r, 0, true);
	x_expect_status(ctx, ctx->u.group, STATUS_VIABLE, "after UNSET_CONTAINER");
	return conf_pass(ctx);
}

/* ---- groups (UAPI-GRP-*) ------------------------------------------------------------ */

struct grp_name_row {
	const char *name;
	int want;
	int host;		/* 0: the per-case host; 1: a second device in group 13; 2: in our group */
	bool sriov_free;	/* the row needs a device without an SR-IOV capability */
};

static int grp_name_row(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct grp_name_row *row = c->arg;
	struct x_host x = { NULL };
	int r, v;

	if (row->host && (v = x_host2(ctx, &x, row->host == 1 ? X_GROUP2 : CONF_UAPI_GROUP, X_BDF2)) != CONF_PASS)
		return x_host_done(ctx, &x);
	if ((v = conf_uapi_setup(ctx, row->sriov_free ? CONF_UAPI_DEVICE : CONF_UAPI_IOMMU)) != CONF_PASS)
		return x_host_done(ctx, &x);
	if (row->sriov_free) {
		/* vfio_pci_vf_init gives every SR-IOV PF a vf_token. */
		if (x_cfg_ext_cap(ctx, 0x10) > 0) {
			x_host_done(ctx, &x);
			return conf_not_supported(ctx, "the device is an SR-IOV PF: a VF token is accepted there");
		}
		conf_close(ctx, ctx->u.device);
	}
	r = x_get_dev(ctx, ctx->u.group, row->name);
	conf_expect_errno(ctx, "GET_DEVICE_FD", r, row->want, true);
	if (row->host == 2) {
		r = x_get_dev(ctx, ctx->u.group, X_BDF2);
		conf_expect_errno(ctx, "GET_DEVICE_FD of the second device of the group", r, 0, true);
	}
	return x_host_done(ctx, &x);
}

static const struct grp_name_row name_exact = { CONF_UAPI_BDF, 0, 0, false };
static const struct grp_name_row name_spaces = { CONF_UAPI_BDF "   ", 0, 0, false };
static const struct grp_name_row name_suffix = { CONF_UAPI_BDF "x", -ENODEV, 0, false };
static const struct grp_name_row name_tab = { CONF_UAPI_BDF "\t", -ENODEV, 0, false };
static const struct grp_name_row name_prefix = { "0000:00:04", -ENODEV, 0, false };
static const struct grp_name_row name_digit = { CONF_UAPI_BDF "0", -ENODEV, 0, false };
static const struct grp_name_row name_option = { CONF_UAPI_BDF " foo", -EINVAL, 0, false };
static const struct grp_name_row name_short_token = { CONF_UAPI_BDF " vf_token=1234", -EINVAL, 0, false };
static const struct grp_name_row name_bad_uuid = {
	CONF_UAPI_BDF " vf_token=zzzzzzzz-7f1c-4b7e-9a0e-1c2d3e4f5a6b", -EINVAL, 0, false };
static const struct grp_name_row name_two_tokens = {
	CONF_UAPI_BDF " vf_token=" UUID " vf_token=" UUID, -EINVAL, 0, false };
static const struct grp_name_row name_other_group = { X_BDF2, -ENODEV, 1, false };
static const struct grp_name_row name_shared_group = { CONF_UAPI_BDF, 0, 2, false };
static const struct grp_name_row name_unused_token = { CONF_UAPI_BDF " vf_token=" UUID, -EINVAL, 0, true };

static int grp_vf_token_required(struct conf_ctx *ctx, const struct conf_case *c)
{
	return conf_not_supported(ctx, "the model has no SR-IOV PF/VF pair: vfsim_host_add_device takes no VF "
				  "relationship and profiles carry no SR-IOV capability, so no device requires a VF token");
}

static int grp_not_viable(struct conf_ctx *ctx, const struct conf_case *c)
{
	return conf_not_supported(ctx, "the model cannot build a non-viable group: vfsim_host_add_device only adds "
				  "vfio-bound devices, none whose DMA is owned by another driver");
}

/* Closing the group fd detaches it; the container falls back to EMPTY. */
static int grp_close_detaches(struct conf_ctx *ctx, const struct conf_case *c)
{
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_IOMMU)) != CONF_PASS)
		return v;
	conf_close(ctx, ctx->u.group);
	r = conf_open(ctx, CONF_UAPI_GROUP_PATH, O_RDWR);
	if (conf_expect_errno(ctx, "reopen the group", r, 0, true) != CONF_PASS)
		return conf_pass(ctx);
	ctx->u.group = r;
	x_expect_status(ctx, ctx->u.group, STATUS_VIABLE, "reopened group");
	r = conf_ioctl(ctx, ctx->u.group, VFIO_GROUP_SET_CONTAINER, &ctx->u.container);
	conf_expect_errno(ctx, "SET_CONTAINER of the reopened group", r, 0, true);
	r = conf_ioctl(ctx, ctx->u.container, VFIO_SET_IOMMU, (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU);
	conf_expect_errno(ctx, "SET_IOMMU again (the last group left: the driver was released)", r, 0, true);
	return conf_pass(ctx);
}

/* An open device fd holds the group file: closing the group fd releases nothing. */
static int grp_device_holds(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	conf_close(ctx, ctx->u.group);
	r = conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_GET_INFO, &info);
	conf_expect_errno(ctx, "DEVICE_GET_INFO after closing the group fd", r, 0, true);
	r = conf_open(ctx, CONF_UAPI_GROUP_PATH, O_RDWR);
	if (r >= 0)
		vfsim_close(ctx->u.host, r);
	conf_expect_errno(ctx, "open the group while a device fd holds it", r, -EBUSY, true);
	conf_close(ctx, ctx->u.device);
	r = conf_open(ctx, CONF_UAPI_GROUP_PATH, O_RDWR);
	if (conf_expect_errno(ctx, "open the group after the last device fd closed", r, 0, true) != CONF_PASS)
		return conf_pass(ctx);
	ctx->u.group = r;
	x_expect_status(ctx, ctx->u.group, STATUS_VIABLE, "group released with its last device fd");
	return conf_pass(ctx);
}

/* ---- device fds (UAPI-DFD-*) --------------------------------------------------------- */

static int dfd_rw(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint16_t vendor = 0, cmd = 0;
	ssize_t n;
	int v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	n = vfsim_pread(ctx->u.host, ctx->u.device, &vendor, 2, (off_t)((uint64_t)VFIO_PCI_CONFIG_REGION_INDEX << 40));
	conf_note(ctx, "pread(config 0, 2) = %zd (vendor 0x%04x)", n, vendor);
	conf_check(ctx, n == 2 && vendor != 0xffff && vendor != 0, "pread of the vendor ID gave %zd, 0x%04x", n, vendor);
	n = vfsim_pread(ctx->u.host, ctx->u.device, &cmd, 2, (off_t)((uint64_t)VFIO_PCI_CONFIG_REGION_INDEX << 40) + 4);
	conf_check(ctx, n == 2, "pread of the command register gave %zd", n);
	n = vfsim_pwrite(ctx->u.host, ctx->u.device, &cmd, 2, (off_t)((uint64_t)VFIO_PCI_CONFIG_REGION_INDEX << 40) + 4);
	conf_note(ctx, "pwrite(config 4, 2) = %zd", n);
	conf_check(ctx, n == 2, "pwrite of the command register gave %zd: the fd is not writable", n);
	return conf_pass(ctx);
}

static int dfd_unknown_row(struct conf_ctx *ctx, const struct conf_case *c)
{
	unsigned long req = (unsigned long)(uintptr_t)c->arg;
	uint8_t buf[64];
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	memset(buf, 0, sizeof(buf));
	*(uint32_t *)buf = sizeof(buf);
	r = conf_ioctl(ctx, ctx->u.device, req, buf);
	conf_expect_errno(ctx, "unknown device ioctl", r, -ENOTTY, true);
	return conf_pass(ctx);
}

/* Two fds of one device: the REQ trigger set through one outlives its close
 * and goes with the last close (close_device drops req_trigger). */
static int dfd_open_count(struct conf_ctx *ctx, const struct conf_case *c)
{
	char name[] = CONF_UAPI_BDF;
	int32_t efd;
	int fd2, r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	fd2 = conf_ioctl(ctx, ctx->u.group, VFIO_GROUP_GET_DEVICE_FD, name);
	if (conf_expect_errno(ctx, "a second GET_DEVICE_FD of the same device", fd2, 0, true) != CONF_PASS)
		return conf_pass(ctx);
	if ((efd = x_efd(ctx)) < 0)
		return conf_pass(ctx);
	r = conf_uapi_set_irqs(ctx, FFD, REQ, 0, 1, &efd, 4);
	if (conf_expect_errno(ctx, "register a REQ trigger through the first fd", r, 0, true) != CONF_PASS)
		goto out;
	conf_close(ctx, ctx->u.device);
	ctx->u.device = fd2;
	r = conf_uapi_set_irqs(ctx, FNONE, REQ, 0, 1, NULL, 0);
	if (conf_expect_errno(ctx, "REQ loopback through the second fd", r, 0, true) == CONF_PASS)
		conf_check(ctx, x_fired(efd), "closing one of two fds closed the device: the REQ trigger is gone");
	conf_close(ctx, ctx->u.device);
	fd2 = conf_ioctl(ctx, ctx->u.group, VFIO_GROUP_GET_DEVICE_FD, name);
	if (conf_expect_errno(ctx, "reopen the device", fd2, 0, true) != CONF_PASS)
		goto out;
	ctx->u.device = fd2;
	r = conf_uapi_set_irqs(ctx, FNONE, REQ, 0, 1, NULL, 0);
	conf_expect_errno(ctx, "REQ loopback after the last close (close_device dropped the trigger)", r, -EINVAL, true);
out:
	close(efd);
	return conf_pass(ctx);
}


/* ---- device info, regions, IRQ info (UAPI-INFO-01, REG-*, IRQI-01) ------------------------ */

static int x_dev_flags(struct conf_ctx *ctx, uint32_t *flags)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int r = conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_GET_INFO, &info);

	*flags = info.flags;
	return r;
}

/* RESET set: the reset works (DEVICE_RESET succeeds). */
static int info_reset_works(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t flags = 0;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if (conf_expect_errno(ctx, "DEVICE_GET_INFO", x_dev_flags(ctx, &flags), 0, true) != CONF_PASS)
		return conf_pass(ctx);
	if (!(flags & VFIO_DEVICE_FLAGS_RESET))
		return conf_not_supported(ctx, "GET_INFO has no RESET flag");
	r = conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_RESET, NULL);
	conf_expect_errno(ctx, "DEVICE_RESET with the RESET flag set", r, 0, true);
	return conf_pass(ctx);
}

/* A reset pci_probe_reset_function finds in config space (FLR in DevCap, or a
 * PM capability without NoSoftRst) makes reset_works true. */
static int info_reset_advertised(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t flags = 0, devcap = 0;
	uint16_t pmcsr = 0;
	bool flr = false, pm = false;
	int pos, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if ((pos = x_cfg_cap(ctx, 0x10)) > 0 && conf_uapi_cfg_read(ctx, (uint32_t)pos + 4, &devcap, 4) == 0)
		flr = devcap & (1u << 28);
	if ((pos = x_cfg_cap(ctx, 0x01)) > 0 && conf_uapi_cfg_read(ctx, (uint32_t)pos + 4, &pmcsr, 2) == 0)
		pm = !(pmcsr & 0x8);
	conf_note(ctx, "config space: FLR %s, PM reset %s", flr ? "yes" : "no", pm ? "yes" : "no");
	if (!flr && !pm)
		return conf_not_supported(ctx, "config space advertises neither FLR nor a PM reset (reset_works then "
					  "depends on slot/bus topology)");
	if (conf_expect_errno(ctx, "DEVICE_GET_INFO", x_dev_flags(ctx, &flags), 0, true) == CONF_PASS)
		conf_check(ctx, flags & VFIO_DEVICE_FLAGS_RESET, "config space advertises %s but GET_INFO flags 0x%x "
			   "lack RESET", flr ? "FLR" : "a PM reset", flags);
	return conf_pass(ctx);
}

/* CONFIG: READ|WRITE, 256 bytes or 4096 on PCIe. */
static int reg_config(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint64_t size = 0;
	uint32_t flags = 0, want;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	want = x_cfg_cap(ctx, 0x10) > 0 ? 4096 : 256;
	r = conf_uapi_region_info(ctx, VFIO_PCI_CONFIG_REGION_INDEX, &size, &flags, NULL);
	if (conf_expect_errno(ctx, "GET_REGION_INFO(CONFIG)", r, 0, true) == CONF_PASS) {
		conf_check(ctx, flags == (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE),
			   "CONFIG flags 0x%x, expected READ|WRITE", flags);
		conf_check(ctx, size == want, "CONFIG size 0x%llx, expected 0x%x", (unsigned long long)size, want);
	}
	return conf_pass(ctx);
}

/* ROM: sized through the (virtualized) ROM BAR as vfio_bar_fixup answers it. */
static int reg_rom(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t ones = 0xfffff800, mask = 0, flags = 0, rom_size;
	uint64_t size = 0;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if (conf_uapi_cfg_write(ctx, 0x30, &ones, 4) < 0 || conf_uapi_cfg_read(ctx, 0x30, &mask, 4) < 0)
		return conf_harness_error(ctx, "sizing the ROM BAR through config space failed");
	mask &= 0xfffff800;
	rom_size = mask ? ~mask + 1 : 0;
	conf_note(ctx, "ROM BAR sizing mask 0x%08x: ROM size 0x%x", mask, rom_size);
	r = conf_uapi_region_info(ctx, VFIO_PCI_ROM_REGION_INDEX, &size, &flags, NULL);
	if (conf_expect_errno(ctx, "GET_REGION_INFO(ROM)", r, 0, true) != CONF_PASS)
		return conf_pass(ctx);
	if (rom_size)
		conf_check(ctx, flags == VFIO_REGION_INFO_FLAG_READ && size == rom_size,
			   "ROM present (0x%x): region flags 0x%x size 0x%llx, expected READ and the BAR size",
			   rom_size, flags, (unsigned long long)size);
	else
		conf_check(ctx, size == 0 && flags == 0, "no ROM: region size 0x%llx flags 0x%x, expected 0 and 0",
			   (unsigned long long)size, flags);
	return conf_pass(ctx);
}

/* BARs: READ|WRITE, MMAP only on memory BARs, MSIX_MAPPABLE only on the
 * MSI-X BAR and there whenever it is MMAP (vfio_pci_ioctl_get_region_info). */
static int reg_bars(struct conf_ctx *ctx, const struct conf_case *c)
{
	uintptr_t mode = (uintptr_t)c->arg;	/* 0 flags, 1 MMAP, 2 MSIX_MAPPABLE */
	static uint8_t buf[2048];
	uint32_t msix_bar = 0xff, bar, table = 0;
	int pos, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if ((pos = x_cfg_cap(ctx, 0x11)) > 0 && conf_uapi_cfg_read(ctx, (uint32_t)pos + 4, &table, 4) == 0)
		msix_bar = table & 7;
	for (bar = 0; bar < 6; bar++) {
		struct vfio_region_info *ri = (struct vfio_region_info *)buf;
		uint32_t cfgbar = 0, off, hops;
		bool has3 = false;

		memset(buf, 0, sizeof(buf));
		ri->argsz = sizeof(buf);
		ri->index = bar;
		if (conf_expect_errno(ctx, "GET_REGION_INFO(BAR)", conf_ioctl(ctx, ctx->u.device,
				      VFIO_DEVICE_GET_REGION_INFO, ri), 0, true) != CONF_PASS || !ri->size)
			continue;
		conf_uapi_cfg_read(ctx, 0x10 + 4 * bar, &cfgbar, 4);
		if (mode == 0) {
			conf_check(ctx, (ri->flags & (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE)) ==
				   (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE),
				   "BAR%u flags 0x%x lack READ|WRITE", bar, ri->flags);
			conf_check(ctx, !(ri->flags & ~0xfu), "BAR%u has unknown flags 0x%x", bar, ri->flags);
		}
		if (mode == 1 && (cfgbar & 1))
			conf_check(ctx, !(ri->flags & VFIO_REGION_INFO_FLAG_MMAP), "I/O BAR%u reports MMAP", bar);
		else if (mode == 1 && ri->size >= 4096 && !(ri->flags & VFIO_REGION_INFO_FLAG_MMAP))
			conf_non_strict(ctx, "memory BAR%u of 0x%llx bytes is not MMAP (vfio-pci 6.1 core maps every "
					"memory BAR of a page or more; a variant driver may not)", bar,
					(unsigned long long)ri->size);
		if (ri->flags & VFIO_REGION_INFO_FLAG_CAPS && ri->cap_offset)
			for (off = ri->cap_offset, hops = 0; off && off + 8 <= sizeof(buf) && hops < 16; hops++) {
				uint16_t id;
				uint32_t next;

				memcpy(&id, buf + off, 2);
				memcpy(&next, buf + off + 4, 4);
				has3 |= id == VFIO_REGION_INFO_CAP_MSIX_MAPPABLE;
				off = next > off ? next : 0;
			}
		conf_note(ctx, "BAR%u: flags 0x%x size 0x%llx%s", bar, ri->flags, (unsigned long long)ri->size,
			  has3 ? " MSIX_MAPPABLE" : "");
		if (mode != 2)
			continue;
		/* 6.1 lets the whole MSI-X BAR be mapped and says so with the
		 * cap; an implementation that traps the table (keeps it out of
		 * its sparse areas, as vfsim and older kernels do) leaves the cap
		 * out honestly: a deviation from 6.1, not a broken contract. */
		if (bar == msix_bar && (ri->flags & VFIO_REGION_INFO_FLAG_MMAP) && !has3)
			conf_non_strict(ctx, "the MSI-X BAR%u is MMAP without the MSIX_MAPPABLE cap: 6.1 maps the table "
					"too and advertises it; this one traps the table", bar);
		else if (bar != msix_bar || !(ri->flags & VFIO_REGION_INFO_FLAG_MMAP))
			conf_check(ctx, !has3, "BAR%u has MSIX_MAPPABLE but is not an MMAP MSI-X BAR", bar);
	}
	return conf_pass(ctx);
}

/* IRQ counts from config space, as vfio_pci_get_irq_count reads them. */
static int irqi_count_row(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t index = (uint32_t)(uintptr_t)c->arg, count = 0, want = 0;
	uint16_t mflags = 0;
	uint8_t pin = 0;
	bool pcie;
	int pos, r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	pcie = x_cfg_cap(ctx, 0x10) > 0;
	switch (index) {
	case INTX:
		conf_uapi_cfg_read(ctx, 0x3d, &pin, 1);
		want = pin ? 1 : 0;
		break;
	case VFIO_PCI_MSI_IRQ_INDEX:
		if ((pos = x_cfg_cap(ctx, 0x05)) > 0 && conf_uapi_cfg_read(ctx, (uint32_t)pos + 2, &mflags, 2) == 0)
			want = 1u << ((mflags & 0xe) >> 1);
		break;
	case MSIX:
		if ((pos = x_cfg_cap(ctx, 0x11)) > 0 && conf_uapi_cfg_read(ctx, (uint32_t)pos + 2, &mflags, 2) == 0)
			want = (mflags & 0x7ffu) + 1;
		break;
	case ERR:
		want = pcie ? 1 : 0;
		break;
	default:
		want = 1;
	}
	r = conf_uapi_irq_info(ctx, index, NULL, &count);
	if (index == ERR && !pcie) {
		conf_expect_errno(ctx, "GET_IRQ_INFO(ERR) without PCIe", r, -EINVAL, true);
		return conf_pass(ctx);
	}
	if (conf_expect_errno(ctx, "GET_IRQ_INFO", r, 0, true) == CONF_PASS)
		conf_check(ctx, count == want, "index %u count %u, config space says %u", index, count, want);
	return conf_pass(ctx);
}

/* ---- IOEVENTFD (UAPI-IOEFD-01) ---------------------------------------------------------------- */

enum { XW_BAR, XW_REGION, XW_PAST, XW_AT_END, XW_ABSENT, XW_MSIX, XW_MSIX_EDGE };

struct ioefd_row {
	uint32_t argsz, flags;
	int fd;			/* 0: an eventfd; else this value */
	uint8_t where, region;
};

static int ioefd_row(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct ioefd_row *row = c->arg;
	struct vfio_device_ioeventfd io;
	uint32_t bar = 0, table = 0;
	uint64_t size = 0, pos = 0;
	int efd, pos_cap, r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if (row->where == XW_MSIX || row->where == XW_MSIX_EDGE) {
		if ((pos_cap = x_cfg_cap(ctx, 0x11)) <= 0 || conf_uapi_cfg_read(ctx, (uint32_t)pos_cap + 4, &table, 4) < 0)
			return conf_not_supported(ctx, "no MSI-X capability");
		bar = table & 7;
		pos = (table & ~7u) - (row->where == XW_MSIX_EDGE ? 2 : 0);
		if (row->where == XW_MSIX_EDGE && (table & ~7u) < 2)
			return conf_not_supported(ctx, "the MSI-X table starts its BAR");
	} else if (row->where == XW_REGION) {
		bar = row->region;
	} else {
		for (bar = 0; bar < 6; bar++) {
			r = conf_uapi_region_info(ctx, bar, &size, NULL, NULL);
			if (r == 0 && (row->where == XW_ABSENT ? size == 0 : size >= 8))
				break;
		}
		if (bar == 6)
			return conf_not_supported(ctx, row->where == XW_ABSENT ? "every BAR is present" :
						  "no BAR of 8 bytes or more");
		pos = row->where == XW_PAST ? size - 2 : row->where == XW_AT_END ? size : 0;
	}
	if ((efd = x_efd(ctx)) < 0)
		return conf_pass(ctx);
	memset(&io, 0, sizeof(io));
	io.argsz = row->argsz;
	io.flags = row->flags;
	io.offset = ((uint64_t)bar << 40) + pos;
	io.fd = row->fd ? row->fd : efd;
	conf_note(ctx, "IOEVENTFD region %u pos 0x%llx flags 0x%x fd %d", bar, (unsigned long long)pos, io.flags, io.fd);
	r = conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_IOEVENTFD, &io);
	conf_expect_errno(ctx, "IOEVENTFD", r, -EINVAL, true);
	close(efd);
	return conf_pass(ctx);
}

#define IOE(name, argsz, flags, fd, where, region) \
	static const struct ioefd_row name = { argsz, flags, fd, where, region }
IOE(ioe_argsz, 31, VFIO_DEVICE_IOEVENTFD_32, 0, XW_BAR, 0);
IOE(ioe_nosize, 32, 0, 0, XW_BAR, 0);
IOE(ioe_unknown, 32, VFIO_DEVICE_IOEVENTFD_32 | 0x10, 0, XW_BAR, 0);
IOE(ioe_fd_m2, 32, VFIO_DEVICE_IOEVENTFD_32, -2, XW_BAR, 0);
IOE(ioe_rom, 32, VFIO_DEVICE_IOEVENTFD_32, 0, XW_REGION, VFIO_PCI_ROM_REGION_INDEX);
IOE(ioe_config, 32, VFIO_DEVICE_IOEVENTFD_32, 0, XW_REGION, VFIO_PCI_CONFIG_REGION_INDEX);
IOE(ioe_past, 32, VFIO_DEVICE_IOEVENTFD_32, 0, XW_PAST, 0);
IOE(ioe_at_end, 32, VFIO_DEVICE_IOEVENTFD_8, 0, XW_AT_END, 0);
IOE(ioe_absent, 32, VFIO_DEVICE_IOEVENTFD_32, 0, XW_ABSENT, 0);
IOE(ioe_msix, 32, VFIO_DEVICE_IOEVENTFD_32, 0, XW_MSIX, 0);
IOE(ioe_msix_edge, 32, VFIO_DEVICE_IOEVENTFD_32, 0, XW_MSIX_EDGE, 0);

#define XA(v) ((const void *)(uintptr_t)(v))

static const struct conf_case cases[] = {
	{ "UAPI-XTR-001", "UAPI-CONT-01", XU, NULL, cont_two_groups, NULL,
	  "two groups in one container: SET_IOMMU attaches both (status CONTAINER_SET, device fds open)" },
	{ "UAPI-XTR-002", "UAPI-CONT-01", XU, NULL, cont_set_iommu_row, &iommu_spapr,
	  "SET_IOMMU(SPAPR_TCE): no driver answers CHECK_EXTENSION > 0: ENODEV, container stays unset" },
	{ "UAPI-XTR-003", "UAPI-CONT-01", XU, NULL, cont_set_iommu_row, &iommu_dma_cc,
	  "SET_IOMMU(DMA_CC_IOMMU): type1 answers 0 without an iommu: ENODEV" },
	{ "UAPI-XTR-004", "UAPI-CONT-01", XU, NULL, cont_set_iommu_row, &iommu_vaddr,
	  "SET_IOMMU(UPDATE_VADDR): type1 answers 0 without an iommu: ENODEV" },
	{ "UAPI-XTR-005", "UAPI-CONT-01", XU, NULL, cont_set_iommu_row, &iommu_unmap_all,
	  "SET_IOMMU(UNMAP_ALL): type1 claims it but its open refuses: that errno (EINVAL)" },
	{ "UAPI-XTR-006", "UAPI-CONT-01", XU, NULL, cont_set_iommu_row, &iommu_type1,
	  "SET_IOMMU(TYPE1) succeeds and attaches the group" },
	{ "UAPI-XTR-007", "UAPI-CONT-02", XU, NULL, cont_close, NULL,
	  "container fd closed: the group keeps it (status, GET_DEVICE_FD, UNSET_CONTAINER 0)" },
	{ "UAPI-XTR-008", "UAPI-GRP-01", XU, NULL, grp_name_row, &name_exact, "\"<bdf>\" opens the device" },
	{ "UAPI-XTR-009", "UAPI-GRP-01", XU, NULL, grp_name_row, &name_spaces, "\"<bdf>   \": trailing spaces match" },
	{ "UAPI-XTR-010", "UAPI-GRP-01", XU, NULL, grp_name_row, &name_suffix, "\"<bdf>x\" is no match: ENODEV" },
	{ "UAPI-XTR-011", "UAPI-GRP-01", XU, NULL, grp_name_row, &name_tab, "\"<bdf>\\t\": only ' ' separates: ENODEV" },
	{ "UAPI-XTR-012", "UAPI-GRP-01", XU, NULL, grp_name_row, &name_prefix, "a BDF prefix is no match: ENODEV" },
	{ "UAPI-XTR-013", "UAPI-GRP-01", XU, NULL, grp_name_row, &name_digit, "\"<bdf>0\" is no match: ENODEV" },
	{ "UAPI-XTR-014", "UAPI-GRP-01", XU, NULL, grp_name_row, &name_option, "\"<bdf> foo\": unknown option: EINVAL" },
	{ "UAPI-XTR-015", "UAPI-GRP-01", XU, NULL, grp_name_row, &name_short_token,
	  "vf_token shorter than a UUID: EINVAL" },
	{ "UAPI-XTR-016", "UAPI-GRP-01", XU, NULL, grp_name_row, &name_bad_uuid, "vf_token not a UUID: EINVAL" },
	{ "UAPI-XTR-017", "UAPI-GRP-01", XU, NULL, grp_name_row, &name_two_tokens, "two vf_token options: EINVAL" },
	{ "UAPI-XTR-018", "UAPI-GRP-01", XU, NULL, grp_name_row, &name_other_group,
	  "a device of another group is no match: ENODEV" },
	{ "UAPI-XTR-019", "UAPI-GRP-01", XU, NULL, grp_name_row, &name_shared_group,
	  "two devices in one group: each name opens its device" },
	{ "UAPI-XTR-020", "UAPI-GRP-02", XU, NULL, grp_name_row, &name_unused_token,
	  "a vf_token for a device that is neither PF nor VF: EINVAL" },
	{ "UAPI-XTR-021", "UAPI-GRP-02", XU, NULL, grp_vf_token_required, NULL,
	  "a VF opened with a bad or missing token: EACCES" },
	{ "UAPI-XTR-022", "UAPI-GRP-03", XU, NULL, grp_close_detaches, NULL,
	  "closing the group fd detaches it; the emptied container takes SET_IOMMU again" },
	{ "UAPI-XTR-023", "UAPI-GRP-03", XU, NULL, grp_device_holds, NULL,
	  "an open device fd holds the group: reopen is EBUSY until the device fd closes" },
	{ "UAPI-XTR-024", "UAPI-GRP-04", XU, NULL, grp_not_viable, NULL, "a non-viable group cannot join a container" },
	{ "UAPI-XTR-025", "UAPI-DFD-01", XU, NULL, dfd_rw, NULL, "the device fd takes pread and pwrite" },
	{ "UAPI-XTR-026", "UAPI-DFD-02", XU, NULL, dfd_unknown_row, XA(VFIO_GET_API_VERSION),
	  "GET_API_VERSION on a device fd: ENOTTY" },
	{ "UAPI-XTR-027", "UAPI-DFD-02", XU, NULL, dfd_unknown_row, XA(VFIO_DEVICE_QUERY_GFX_PLANE),
	  "QUERY_GFX_PLANE (not vfio-pci's): ENOTTY" },
	{ "UAPI-XTR-028", "UAPI-DFD-02", XU, NULL, dfd_unknown_row, XA(_IO(VFIO_TYPE, VFIO_BASE + 30)),
	  "an unassigned VFIO request: ENOTTY" },
	{ "UAPI-XTR-029", "UAPI-DFD-02", XU, NULL, dfd_unknown_row, XA(_IO('x', 1)), "a foreign ioctl type: ENOTTY" },
	{ "UAPI-XTR-030", "UAPI-DFD-03", XU, "req", dfd_open_count, NULL,
	  "two fds share the open count: state outlives one close, close_device runs on the last" },
	{ "UAPI-XTR-031", "UAPI-ARG-01", XU, NULL, arg_minsz_row, &a_status, "GROUP_GET_STATUS argsz 7: EINVAL" },
	{ "UAPI-XTR-032", "UAPI-ARG-01", XU, NULL, arg_minsz_row, &a_dev, "DEVICE_GET_INFO argsz 15: EINVAL" },
	{ "UAPI-XTR-033", "UAPI-ARG-01", XU, NULL, arg_minsz_row, &a_region, "GET_REGION_INFO argsz 31: EINVAL" },
	{ "UAPI-XTR-034", "UAPI-ARG-01", XU, NULL, arg_minsz_row, &a_irq, "GET_IRQ_INFO argsz 15: EINVAL" },
	{ "UAPI-XTR-035", "UAPI-ARG-01", XU, NULL, arg_minsz_row, &a_iommu, "IOMMU_GET_INFO argsz 15: EINVAL" },
	{ "UAPI-XTR-036", "UAPI-ARG-02", XU, NULL, arg_caps_row, XCAPS(XC_REGION, XM_TRUNC),
	  "region with caps at argsz 32: rc 0, CAPS, argsz grows, cap_offset 0, nothing past 32 written" },
	{ "UAPI-XTR-037", "UAPI-ARG-02", XU, NULL, arg_caps_row, XCAPS(XC_IOMMU, XM_TRUNC),
	  "IOMMU_GET_INFO at argsz 24: the same" },
	{ "UAPI-XTR-038", "UAPI-ARG-02", XU, "dev-caps", arg_caps_row, XCAPS(XC_DEVICE, XM_TRUNC),
	  "DEVICE_GET_INFO with caps at argsz 24: the same" },
	{ "UAPI-XTR-039", "UAPI-ARG-03", XU, NULL, arg_window_row, &w_dev16,
	  "DEVICE_GET_INFO argsz 16: cap_offset keeps the caller's bytes" },
	{ "UAPI-XTR-040", "UAPI-ARG-03", XU, NULL, arg_window_row, &w_iommu16,
	  "IOMMU_GET_INFO argsz 16: cap_offset and pad keep the caller's bytes" },
	{ "UAPI-XTR-041", "UAPI-ARG-03", XU, NULL, arg_window_row, &w_irq64, "GET_IRQ_INFO argsz 64: bytes 16-63 kept" },
	{ "UAPI-XTR-042", "UAPI-ARG-03", XU, NULL, arg_window_row, &w_status16,
	  "GROUP_GET_STATUS argsz 16: bytes 8-15 kept" },
	{ "UAPI-XTR-043", "UAPI-ARG-03", XU, NULL, arg_window_row, &w_config64,
	  "GET_REGION_INFO(CONFIG) argsz 64: bytes 32-63 kept" },
	{ "UAPI-XTR-044", "UAPI-ARG-04", XU, NULL, arg_caps_row, XCAPS(XC_REGION, XM_CHAIN),
	  "region cap chain: in bounds, forward, version >= 1, TYPE first on device regions" },
	{ "UAPI-XTR-045", "UAPI-ARG-04", XU, NULL, arg_caps_row, XCAPS(XC_IOMMU, XM_CHAIN),
	  "type1 cap chain in build order MIGRATION, DMA_AVAIL, IOVA_RANGE" },
	{ "UAPI-XTR-046", "UAPI-ARG-05", XU, NULL, arg_caps_row, XCAPS(XC_REGION, XM_FIT),
	  "region caps that fit: cap_offset 32" },
	{ "UAPI-XTR-047", "UAPI-ARG-05", XU, NULL, arg_caps_row, XCAPS(XC_IOMMU, XM_FIT),
	  "IOMMU_GET_INFO caps that fit: cap_offset 24" },
	{ "UAPI-XTR-048", "UAPI-ARG-05", XU, "dev-caps", arg_caps_row, XCAPS(XC_DEVICE, XM_FIT),
	  "DEVICE_GET_INFO caps that fit: cap_offset 24" },
	{ "UAPI-XTR-049", "UAPI-INFO-01", XU, NULL, info_reset_works, NULL, "RESET flag set: DEVICE_RESET succeeds" },
	{ "UAPI-XTR-050", "UAPI-INFO-01", XU, NULL, info_reset_advertised, NULL,
	  "FLR or PM reset in config space: the RESET flag is set" },
	{ "UAPI-XTR-051", "UAPI-REG-01", XU, NULL, reg_config, NULL, "CONFIG is READ|WRITE, 256 or 4096 (PCIe) bytes" },
	{ "UAPI-XTR-052", "UAPI-REG-01", XU, NULL, reg_rom, NULL,
	  "ROM: READ with the ROM BAR's size when present, else size 0 flags 0" },
	{ "UAPI-XTR-053", "UAPI-REG-02", XU, "bar", reg_bars, XA(0), "every present BAR is READ|WRITE, no other flags" },
	{ "UAPI-XTR-141", "UAPI-REG-02", XU, "bar", reg_bars, XA(1),
	  "MMAP: never on an I/O BAR; a memory BAR of a page or more has it (NON-STRICT)" },
	{ "UAPI-XTR-142", "UAPI-REG-02", XU, "bar", reg_bars, XA(2),
	  "MSIX_MAPPABLE (id 3) exactly on the MSI-X BAR when it is MMAP (6.1 msix_mmappable_cap)" },
	{ "UAPI-XTR-054", "UAPI-IRQI-01", XU, NULL, irqi_count_row, XA(INTX), "INTx count from the interrupt pin" },
	{ "UAPI-XTR-055", "UAPI-IRQI-01", XU, NULL, irqi_count_row, XA(VFIO_PCI_MSI_IRQ_INDEX),
	  "MSI count from Multiple Message Capable" },
	{ "UAPI-XTR-056", "UAPI-IRQI-01", XU, NULL, irqi_count_row, XA(MSIX), "MSI-X count is the table size" },
	{ "UAPI-XTR-057", "UAPI-IRQI-01", XU, NULL, irqi_count_row, XA(ERR), "ERR 1 on PCIe (EINVAL otherwise)" },
	{ "UAPI-XTR-058", "UAPI-IRQI-01", XU, NULL, irqi_count_row, XA(REQ), "REQ count 1" },
	{ "UAPI-XTR-059", "UAPI-HRST-01", XU, NULL, hrst_info_row, XA(0), "GET_PCI_HOT_RESET_INFO argsz 11: EINVAL" },
	{ "UAPI-XTR-060", "UAPI-HRST-01", XU, NULL, hrst_info_row, XA(1),
	  "flags come back 0; without a slot/bus reset ENODEV (PCI_HOT_RESET too)" },
	{ "UAPI-XTR-061", "UAPI-HRST-01", XU, "hot-reset", hrst_info_row, XA(2), "flags come back 0 with ENOSPC too" },
	{ "UAPI-XTR-062", "UAPI-HRST-02", XU, "hot-reset", hrst_fd_row, XA(0), "PCI_HOT_RESET with fd -1: EBADF" },
	{ "UAPI-XTR-063", "UAPI-HRST-02", XU, "hot-reset", hrst_fd_row, XA(1), "a closed fd: EBADF" },
	{ "UAPI-XTR-064", "UAPI-HRST-02", XU, "hot-reset", hrst_fd_row, XA(2), "the container fd: EINVAL" },
	{ "UAPI-XTR-065", "UAPI-HRST-02", XU, "hot-reset", hrst_fd_row, XA(3), "the device fd: EINVAL" },
	{ "UAPI-XTR-066", "UAPI-HRST-02", XU, "hot-reset", hrst_fd_row, XA(4), "an eventfd: EINVAL" },
	{ "UAPI-XTR-067", "UAPI-HRST-02", XU, "hot-reset", hrst_cover, NULL,
	  "only another group's fd does not cover the dev_set: EINVAL" },
	{ "UAPI-XTR-068", "UAPI-HRST-02", XU, "hot-reset", hrst_cover, XA(1),
	  "second device on our bus: every group HOT_RESET_INFO lists is required" },
	{ "UAPI-XTR-069", "UAPI-IOEFD-01", XU, "bar", ioefd_row, &ioe_argsz, "IOEVENTFD argsz 31: EINVAL" },
	{ "UAPI-XTR-070", "UAPI-IOEFD-01", XU, "bar", ioefd_row, &ioe_nosize, "no size bit: EINVAL" },
	{ "UAPI-XTR-071", "UAPI-IOEFD-01", XU, "bar", ioefd_row, &ioe_unknown, "flag bit 4: EINVAL" },
	{ "UAPI-XTR-072", "UAPI-IOEFD-01", XU, "bar", ioefd_row, &ioe_fd_m2, "fd -2: EINVAL" },
	{ "UAPI-XTR-073", "UAPI-IOEFD-01", XU, NULL, ioefd_row, &ioe_rom, "the ROM region: EINVAL" },
	{ "UAPI-XTR-074", "UAPI-IOEFD-01", XU, NULL, ioefd_row, &ioe_config, "the CONFIG region: EINVAL" },
	{ "UAPI-XTR-075", "UAPI-IOEFD-01", XU, "bar", ioefd_row, &ioe_past, "4 bytes at BAR size - 2: EINVAL" },
	{ "UAPI-XTR-076", "UAPI-IOEFD-01", XU, "bar", ioefd_row, &ioe_at_end, "8 bytes at BAR size: EINVAL" },
	{ "UAPI-XTR-077", "UAPI-IOEFD-01", XU, NULL, ioefd_row, &ioe_absent, "an absent BAR: EINVAL" },
	{ "UAPI-XTR-078", "UAPI-IOEFD-01", XU, "msix", ioefd_row, &ioe_msix, "at the MSI-X table: EINVAL" },
	{ "UAPI-XTR-079", "UAPI-IOEFD-01", XU, "msix", ioefd_row, &ioe_msix_edge,
	  "straddling the MSI-X table start: EINVAL" },
#define XS(id, rule, needs, sc, sum) { id, rule, XU, needs, xs_run, &sc##_sc, sum }
	XS("UAPI-XTR-080", "UAPI-IRQM-01", "intx", s01_intx_mask_unmask, "INTx MASK|UNMASK: ENOTTY"),
	XS("UAPI-XTR-081", "UAPI-IRQM-01", "intx", s01_intx_unmask_trigger, "INTx UNMASK|TRIGGER: ENOTTY"),
	XS("UAPI-XTR-082", "UAPI-IRQM-01", "msix", s01_vec_mask_trigger, "MSI-X MASK|TRIGGER: ENOTTY"),
	XS("UAPI-XTR-083", "UAPI-IRQM-01", "msi", s01_vec_unmask_fd, "MSI UNMASK|EVENTFD: ENOTTY"),
	XS("UAPI-XTR-084", "UAPI-IRQM-01", "req", s01_single_mask, "REQ MASK: ENOTTY"),
	XS("UAPI-XTR-085", "UAPI-IRQM-01", "req", s01_single_unmask, "REQ UNMASK: ENOTTY"),
	XS("UAPI-XTR-086", "UAPI-IRQM-01", "req", s01_single_all, "REQ MASK|UNMASK|TRIGGER: ENOTTY"),
	XS("UAPI-XTR-087", "UAPI-IRQM-01", "err", s01_err_mask, "ERR MASK: ENOTTY"),
	XS("UAPI-XTR-088", "UAPI-IRQM-02", "intx", s02_unmask_off, "INTx UNMASK while disabled: EINVAL"),
	XS("UAPI-XTR-089", "UAPI-IRQM-02", "intx", s02_mask_count0, "INTx MASK count 0 while enabled: EINVAL"),
	XS("UAPI-XTR-090", "UAPI-IRQM-02", "intx", s02_unmask_count0, "INTx UNMASK count 0 while enabled: EINVAL"),
	XS("UAPI-XTR-091", "UAPI-IRQM-02", "intx", s02_mask_works, "INTx MASK|NONE masks: a raised INTx is held"),
	XS("UAPI-XTR-092", "UAPI-IRQM-02", "intx", s02_mask_bool0, "INTx MASK|BOOL {0} masks nothing"),
	XS("UAPI-XTR-093", "UAPI-IRQM-03", "intx", s03_irqfd_unmasks, "a signalled unmask irqfd unmasks INTx"),
	XS("UAPI-XTR-094", "UAPI-IRQM-03", "intx", s03_irqfd_unreg_m1, "unmask irqfd fd -1 unregisters it"),
	XS("UAPI-XTR-095", "UAPI-IRQM-03", "intx", s03_irqfd_unreg_m2, "unmask irqfd fd -2 unregisters it too"),
	XS("UAPI-XTR-096", "UAPI-IRQM-04", "intx", s04_disable, "INTx TRIGGER count 0|NONE disables INTx"),
	XS("UAPI-XTR-097", "UAPI-IRQM-04", "intx", s04_count0_off, "INTx count 0|NONE while disabled: EINVAL"),
	XS("UAPI-XTR-098", "UAPI-IRQM-04", "intx", s04_fd_count0, "INTx EVENTFD count 0: EINVAL"),
	XS("UAPI-XTR-099", "UAPI-IRQM-04", "intx", s04_bool_count0, "INTx BOOL count 0: EINVAL"),
	XS("UAPI-XTR-100", "UAPI-IRQM-04", "intx,msix", s04_other_msix, "INTx EVENTFD while MSI-X is on: EINVAL"),
	XS("UAPI-XTR-101", "UAPI-IRQM-04", "intx,msi", s04_other_msi, "INTx EVENTFD while MSI is on: EINVAL"),
	XS("UAPI-XTR-102", "UAPI-IRQM-04", "intx", s04_swap, "INTx EVENTFD while enabled swaps the trigger"),
	XS("UAPI-XTR-103", "UAPI-IRQM-05", "intx", s05_none_off, "INTx loopback NONE while disabled: EINVAL"),
	XS("UAPI-XTR-104", "UAPI-IRQM-05", "intx", s05_bool_off, "INTx loopback BOOL while disabled: EINVAL"),
	XS("UAPI-XTR-105", "UAPI-IRQM-05", "intx", s05_loopback, "INTx loopback NONE, BOOL {1} fire; BOOL {0} not"),
	XS("UAPI-XTR-106", "UAPI-IRQM-05", "intx", s05_null_trigger, "INTx enabled with fd -1 takes loopback"),
	XS("UAPI-XTR-107", "UAPI-IRQM-06", "msix", s06_msix_range, "MSI-X EVENTFD start 1 enables 2 vectors, not 3"),
	XS("UAPI-XTR-108", "UAPI-IRQM-06", "msi", s06_msi_range, "MSI EVENTFD start 1 enables 2 vectors, not 3"),
	XS("UAPI-XTR-109", "UAPI-IRQM-06", "msix", s06_msix_past, "MSI-X EVENTFD past the enabled vectors: EINVAL"),
	XS("UAPI-XTR-110", "UAPI-IRQM-06", "msix", s06_msix_rel1, "MSI-X vector fd -1 releases it"),
	XS("UAPI-XTR-111", "UAPI-IRQM-06", "msi", s06_msi_rel1, "MSI vector fd -1 releases it"),
	XS("UAPI-XTR-112", "UAPI-IRQM-06", "msix", s06_msix_rel2, "MSI-X vector fd -2 releases it too"),
	XS("UAPI-XTR-113", "UAPI-IRQM-07", "msix", s07_msix_none, "MSI-X loopback while off: EINVAL"),
	XS("UAPI-XTR-114", "UAPI-IRQM-07", "msi", s07_msi_none, "MSI loopback while off: EINVAL"),
	XS("UAPI-XTR-115", "UAPI-IRQM-07", "msix", s07_msix_bool, "MSI-X BOOL loopback while off: EINVAL"),
	XS("UAPI-XTR-116", "UAPI-IRQM-07", "intx,msix", s07_msix_intx, "MSI-X loopback while INTx is on: EINVAL"),
	XS("UAPI-XTR-117", "UAPI-IRQM-07", "intx,msi", s07_msi_intx, "MSI loopback while INTx is on: EINVAL"),
	XS("UAPI-XTR-118", "UAPI-IRQM-07", "msix", s07_msix_sel, "MSI-X BOOL loopback fires only the true vectors"),
	XS("UAPI-XTR-119", "UAPI-IRQM-07", "msix", s07_msix_notrig, "MSI-X loopback skips vectors without trigger"),
	XS("UAPI-XTR-120", "UAPI-IRQM-07", "msi", s07_msi_notrig, "MSI loopback skips vectors without trigger"),
	XS("UAPI-XTR-121", "UAPI-IRQM-08", "req", s08_none0_unreg, "REQ NONE count 0 with no trigger: EINVAL"),
	XS("UAPI-XTR-122", "UAPI-IRQM-08", "req", s08_bool0, "REQ BOOL count 0: EINVAL"),
	XS("UAPI-XTR-123", "UAPI-IRQM-08", "req", s08_fd0, "REQ EVENTFD count 0: EINVAL"),
	XS("UAPI-XTR-124", "UAPI-IRQM-08", "req", s08_none0, "REQ NONE count 0 unregisters the trigger"),
	XS("UAPI-XTR-125", "UAPI-IRQM-08", "req", s08_bool, "REQ BOOL {1} signals, {0} does not"),
	XS("UAPI-XTR-126", "UAPI-IRQM-08", "req", s08_fd_m1, "REQ EVENTFD fd -1 unregisters"),
	XS("UAPI-XTR-127", "UAPI-IRQM-08", "req", s08_replace, "REQ EVENTFD replaces the trigger"),
	XS("UAPI-XTR-128", "UAPI-IRQM-08", "req", s08_count2, "REQ count 2: EINVAL"),
	XS("UAPI-XTR-129", "UAPI-IRQM-08", "req", s08_start1, "REQ start 1: EINVAL"),
	XS("UAPI-XTR-130", "UAPI-IRQM-08", "err", s08_err_none0, "ERR NONE count 0 unregisters the trigger"),
	XS("UAPI-XTR-131", "UAPI-IRQM-08", "err", s08_err_fd0, "ERR EVENTFD count 0: EINVAL"),
	XS("UAPI-XTR-132", "UAPI-IRQM-09", "!pcie", s09_err_fd,
	   "ERR EVENTFD without PCIe: EINVAL (6.1: 0 vectors, the validator answers before ENOTTY)"),
	XS("UAPI-XTR-133", "UAPI-IRQM-09", "!pcie", s09_err_none0, "ERR NONE count 0 without PCIe: EINVAL"),
	XS("UAPI-XTR-134", "UAPI-IRQM-10", "req", s10_bool_short, "BOOL count 1 with 0 data bytes: EINVAL"),
	XS("UAPI-XTR-135", "UAPI-IRQM-10", "req", s10_bool_exact, "BOOL count 1 with 1 data byte: accepted"),
	XS("UAPI-XTR-136", "UAPI-IRQM-10", "req", s10_fd_short, "EVENTFD count 1 with 3 data bytes: EINVAL"),
	XS("UAPI-XTR-137", "UAPI-IRQM-10", "req", s10_fd_exact, "EVENTFD count 1 with 4 data bytes: accepted"),
	XS("UAPI-XTR-138", "UAPI-IRQM-10", "msix", s10_msix_count0, "MSI-X on: EVENTFD/BOOL count 0 need no data"),
	XS("UAPI-XTR-139", "UAPI-IRQM-10", "msi", s10_msi_count0, "MSI on: EVENTFD/BOOL count 0 need no data"),
	XS("UAPI-XTR-140", "UAPI-IRQM-10", "msix", s10_msix_bool2, "BOOL count 2 with 1 data byte: EINVAL"),
#undef XS
};

const struct conf_table conf_uapi_extra_table = { cases, sizeof(cases) / sizeof(cases[0]) };
