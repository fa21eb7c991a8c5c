/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `vfsim info PROFILE...`: each device as a VFIO user would find it, through
 * the public in-process uAPI model only (container, group, device fd,
 * *_INFO ioctls with the argsz retry, config space read with pread and
 * decoded like `lspci -vv`, BARs sized by the write-ones protocol, features
 * probed). Nothing here looks inside the library: what it prints is what a
 * real VFIO user of the same device would learn.
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

#define INFO_GROUP 1
#define INFO_BDF "0000:00:04.0"
#define INFO_MAX_ARGSZ 65536		/* a larger *_INFO argsz is not believed */
#define INFO_MAX_INDEX 64		/* nor more regions or IRQ indexes than this */
#define INFO_CAP_HOPS 48		/* standard capabilities: (256 - 0x40) / 4 */
#define INFO_ECAP_HOPS 960		/* extended capabilities: (4096 - 256) / 4 */
#define INFO_VFIO_CAP_HOPS 16		/* region info capability chain */

struct info {
	struct vfsim_host *host;
	int fd;				/* device fd */
	uint64_t cfg_off;		/* region 7 offset */
	uint32_t cfg_size;
	uint8_t cfg[4096];
};

static const char *const info_region_names[] = {
	"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5", "ROM", "CONFIG", "VGA",
};
static const char *const info_irq_names[] = { "INTx", "MSI", "MSI-X", "ERR", "REQ" };

static const struct {
	uint16_t cls;			/* base class << 8 | subclass */
	const char *name;
} info_classes[] = {
	{ 0x0108, "Non-Volatile memory controller" }, { 0x0200, "Ethernet controller" },
	{ 0x0300, "VGA compatible controller" }, { 0x0880, "System peripheral" }, { 0xff00, "Unassigned class" },
};

static uint16_t info_cfg16(const struct info *in, unsigned off)
{
	return (uint16_t)(in->cfg[off] | in->cfg[off + 1] << 8);
}

static uint32_t info_cfg32(const struct info *in, unsigned off)
{
	return (uint32_t)info_cfg16(in, off) | (uint32_t)info_cfg16(in, off + 2) << 16;
}

static const char *info_size(uint64_t size, char *buf, size_t len)
{
	static const char *const units[] = { "", "K", "M", "G", "T" };
	unsigned u = 0;

	for (; size >= 1024 && !(size % 1024) && u < 4; u++)
		size /= 1024;
	snprintf(buf, len, "%llu%s", (unsigned long long)size, units[u]);
	return buf;
}

static const char *info_flags(uint32_t flags, const char *const *names, unsigned n, char *buf, size_t len)
{
	size_t used = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		if (flags & (1u << i) && names[i] && used < len)
			used += (size_t)snprintf(buf + used, len - used, " %s", names[i]);
	return buf[0] ? buf + 1 : "none";
}

/* One dword of config space through the device fd, as a VFIO user accesses it. */
static int info_cfg_rw(struct info *in, unsigned off, uint32_t *val, bool write)
{
	ssize_t n = write ? vfsim_pwrite(in->host, in->fd, val, 4, (off_t)(in->cfg_off + off))
			  : vfsim_pread(in->host, in->fd, val, 4, (off_t)(in->cfg_off + off));

	return n == 4 ? 0 : n < 0 ? (int)n : -EIO;
}

/* PCI 3.0 6.2.5.1: write all ones, read back the size mask, restore. */
static uint64_t info_bar_size(struct info *in, unsigned reg, bool is64, uint32_t keep)
{
	uint32_t half[2] = { 0, 0 }, orig, ones;
	uint64_t mask;
	unsigned h;

	for (h = 0; h < (is64 ? 2u : 1u); h++) {
		ones = ~0u;
		if (info_cfg_rw(in, reg + 4 * h, &orig, false) || info_cfg_rw(in, reg + 4 * h, &ones, true) ||
		    info_cfg_rw(in, reg + 4 * h, &half[h], false) || info_cfg_rw(in, reg + 4 * h, &orig, true))
			return 0;
	}
	/* the size is the lowest writable address bit (I/O BARs may not implement bits 31:16) */
	mask = (uint64_t)half[1] << 32 | (half[0] & keep);
	return mask & (~mask + 1);
}

static void info_header(struct info *in, const char *name)
{
	uint32_t cls = info_cfg32(in, PCI_CLASS_REVISION) >> 8;
	uint16_t cmd = info_cfg16(in, PCI_COMMAND), st = info_cfg16(in, PCI_STATUS);
	const char *cname = NULL;
	uint8_t pin = in->cfg[PCI_INTERRUPT_PIN];
	uint64_t rom;
	unsigned i;
	char sz[32];

	for (i = 0; i < sizeof(info_classes) / sizeof(info_classes[0]); i++)
		if (info_classes[i].cls == cls >> 8)
			cname = info_classes[i].name;
	printf("%s %s [%04x]: Device [%04x:%04x] (rev %02x) (prog-if %02x)\t<%s>\n", INFO_BDF,
	       cname ? cname : "Class", cls >> 8, info_cfg16(in, PCI_VENDOR_ID), info_cfg16(in, PCI_DEVICE_ID),
	       in->cfg[PCI_REVISION_ID], cls & 0xff, name);
	printf("\tSubsystem: [%04x:%04x]\n", info_cfg16(in, PCI_SUBSYSTEM_VENDOR_ID), info_cfg16(in, PCI_SUBSYSTEM_ID));
	printf("\tControl: I/O%c Mem%c BusMaster%c SERR%c DisINTx%c\n", cmd & PCI_COMMAND_IO ? '+' : '-',
	       cmd & PCI_COMMAND_MEMORY ? '+' : '-', cmd & PCI_COMMAND_MASTER ? '+' : '-',
	       cmd & PCI_COMMAND_SERR ? '+' : '-', cmd & PCI_COMMAND_INTX_DISABLE ? '+' : '-');
	printf("\tStatus: Cap%c INTx%c\n", st & PCI_STATUS_CAP_LIST ? '+' : '-', st & PCI_STATUS_INTERRUPT ? '+' : '-');
	if (pin)
		printf("\tInterrupt: pin %c\n", pin <= 4 ? 'A' + pin - 1 : '?');

	for (i = 0; i < 6; i++) {
		unsigned reg = PCI_BASE_ADDRESS_0 + 4 * i;
		uint32_t bar = info_cfg32(in, reg);
		bool io = bar & PCI_BASE_ADDRESS_SPACE_IO;
		bool is64 = !io && (bar & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_64 && i < 5;
		uint64_t size = info_bar_size(in, reg, is64,
					      io ? (uint32_t)PCI_BASE_ADDRESS_IO_MASK : (uint32_t)PCI_BASE_ADDRESS_MEM_MASK);

		if (size && io)
			printf("\tRegion %u: I/O ports [size=%s]\n", i, info_size(size, sz, sizeof(sz)));
		else if (size)
			printf("\tRegion %u: Memory, %s, %sprefetchable [size=%s]\n", i, is64 ? "64-bit" : "32-bit",
			       bar & PCI_BASE_ADDRESS_MEM_PREFETCH ? "" : "non-", info_size(size, sz, sizeof(sz)));
		if (is64)
			i++;
	}
	rom = info_bar_size(in, PCI_ROM_ADDRESS, false, (uint32_t)PCI_ROM_ADDRESS_MASK);
	if (rom)
		printf("\tExpansion ROM [size=%s]\n", info_size(rom, sz, sizeof(sz)));
}

static void info_caps(const struct info *in)
{
	static const char *const pcie_types[] = {
		[PCI_EXP_TYPE_ENDPOINT] = "Endpoint", [PCI_EXP_TYPE_LEG_END] = "Legacy Endpoint",
		[PCI_EXP_TYPE_RC_END] = "Root Complex Integrated Endpoint",
	};
	unsigned ptr = in->cfg[PCI_CAPABILITY_LIST] & ~3u, hops = INFO_CAP_HOPS;

	if (!(info_cfg16(in, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return;
	for (; ptr && hops; hops--) {
		uint8_t id;
		uint16_t fl;

		if (ptr < PCI_STD_HEADER_SIZEOF || ptr > 256 - 12) {
			printf("\tCapabilities: [%02x] pointer outside the capability area\n", ptr);
			return;
		}
		id = in->cfg[ptr];
		fl = info_cfg16(in, ptr + 2);
		printf("\tCapabilities: [%02x] ", ptr);
		switch (id) {
		case PCI_CAP_ID_PM:
			printf("Power Management version %u\n", fl & PCI_PM_CAP_VER_MASK);
			break;
		case PCI_CAP_ID_MSI:
			printf("MSI: Enable%c Count=%u/%u Maskable%c 64bit%c\n", fl & PCI_MSI_FLAGS_ENABLE ? '+' : '-',
			       1u << ((fl & PCI_MSI_FLAGS_QSIZE) >> 4), 1u << ((fl & PCI_MSI_FLAGS_QMASK) >> 1),
			       fl & PCI_MSI_FLAGS_MASKBIT ? '+' : '-', fl & PCI_MSI_FLAGS_64BIT ? '+' : '-');
			break;
		case PCI_CAP_ID_MSIX: {
			uint32_t t = info_cfg32(in, ptr + PCI_MSIX_TABLE), p = info_cfg32(in, ptr + PCI_MSIX_PBA);

			printf("MSI-X: Enable%c Count=%u Masked%c\n", fl & PCI_MSIX_FLAGS_ENABLE ? '+' : '-',
			       (fl & PCI_MSIX_FLAGS_QSIZE) + 1, fl & PCI_MSIX_FLAGS_MASKALL ? '+' : '-');
			printf("\t\tVector table: BAR=%u offset=%08x\n", t & PCI_MSIX_TABLE_BIR, t & PCI_MSIX_TABLE_OFFSET);
			printf("\t\tPBA: BAR=%u offset=%08x\n", p & PCI_MSIX_PBA_BIR, p & PCI_MSIX_PBA_OFFSET);
			break;
		}
		case PCI_CAP_ID_EXP: {
			unsigned type = (fl & PCI_EXP_FLAGS_TYPE) >> 4;

			printf("Express (v%u) %s\n", fl & PCI_EXP_FLAGS_VERS,
			       type < sizeof(pcie_types) / sizeof(pcie_types[0]) && pcie_types[type] ? pcie_types[type] :
			       "(other port type)");
			break;
		}
		default:
			printf("Capability id %02x\n", id);
			break;
		}
		ptr = in->cfg[ptr + PCI_CAP_LIST_NEXT] & ~3u;
	}
	if (ptr)
		printf("\tCapabilities: list longer than %u entries (loop?)\n", INFO_CAP_HOPS);

	if (in->cfg_size > PCI_CFG_SPACE_SIZE) {
		unsigned off = PCI_CFG_SPACE_SIZE;

		for (hops = INFO_ECAP_HOPS; off && hops; hops--) {
			uint32_t h;

			if (off < PCI_CFG_SPACE_SIZE || off > in->cfg_size - 4)
				break;
			h = info_cfg32(in, off);
			if (!h || h == 0xffffffff)
				break;
			printf("\tCapabilities: [%03x] Extended capability id %04x v%u\n", off, PCI_EXT_CAP_ID(h),
			       PCI_EXT_CAP_VER(h));
			off = PCI_EXT_CAP_NEXT(h);
		}
	}
}

/* Region capability chain: offsets from the start of the info struct, bounded by argsz. */
static void info_region_caps(const struct vfio_region_info *ri)
{
	const uint8_t *base = (const uint8_t *)ri;
	uint32_t off = ri->cap_offset, hops = INFO_VFIO_CAP_HOPS, i;

	for (; off && hops; hops--) {
		const struct vfio_info_cap_header *h = (const void *)(base + off);

		if (off < sizeof(*ri) || off % 4 || off > ri->argsz - sizeof(*h)) {
			printf("\t\t\tcapability at %u outside the reply\n", off);
			return;
		}
		switch (h->id) {
		case VFIO_REGION_INFO_CAP_SPARSE_MMAP: {
			const struct vfio_region_info_cap_sparse_mmap *s = (const void *)h;

			if (off + sizeof(*s) > ri->argsz ||
			    s->nr_areas > (ri->argsz - off - sizeof(*s)) / sizeof(s->areas[0])) {
				printf("\t\t\tsparse mmap: %u areas do not fit the reply\n", s->nr_areas);
				return;
			}
			printf("\t\t\tsparse mmap:");
			for (i = 0; i < s->nr_areas; i++)
				printf(" [0x%llx-0x%llx]", (unsigned long long)s->areas[i].offset,
				       (unsigned long long)(s->areas[i].offset + s->areas[i].size - 1));
			printf("%s\n", s->nr_areas ? "" : " none");
			break;
		}
		case VFIO_REGION_INFO_CAP_TYPE: {
			const struct vfio_region_info_cap_type *t = (const void *)h;

			if (off + sizeof(*t) > ri->argsz)
				return;
			printf("\t\t\ttype 0x%08x subtype 0x%08x\n", t->type, t->subtype);
			break;
		}
		case VFIO_REGION_INFO_CAP_MSIX_MAPPABLE:
			printf("\t\t\tMSI-X table mappable\n");
			break;
		default:
			printf("\t\t\tcapability id %u v%u\n", h->id, h->version);
			break;
		}
		if (h->next && h->next <= off) {
			printf("\t\t\tcapability chain goes backwards (%u)\n", h->next);
			return;
		}
		off = h->next;
	}
}

/* VFIO_DEVICE_GET_REGION_INFO with the argsz retry (once); *ret is malloc'd. */
static int info_region(struct info *in, unsigned index, struct vfio_region_info **ret)
{
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

static void info_regions(struct info *in, unsigned nregions)
{
	static const char *const fl[] = { "READ", "WRITE", "MMAP", "CAPS" };
	struct vfio_region_info *ri;
	unsigned i;
	char b[64], sz[32];
	int r;

	printf("\tVFIO regions:\n");
	for (i = 0; i < nregions && i < INFO_MAX_INDEX; i++) {
		const char *label = i < 9 ? info_region_names[i] : "device";

		r = info_region(in, i, &ri);
		if (r < 0) {
			printf("\t\t%-6s [%u]: not available (%s)\n", label, i, strerror(-r));
			continue;
		}
		if (!ri->size && !ri->flags)
			printf("\t\t%-6s [%u]: absent\n", label, i);
		else
			printf("\t\t%-6s [%u]: size %s offset 0x%llx %s\n", label, i, info_size(ri->size, sz, sizeof(sz)),
			       (unsigned long long)ri->offset, info_flags(ri->flags, fl, 4, b, sizeof(b)));
		if (ri->flags & VFIO_REGION_INFO_FLAG_CAPS)
			info_region_caps(ri);
		free(ri);
	}
}

static void info_irqs(struct info *in, unsigned nirqs)
{
	static const char *const fl[] = { "EVENTFD", "MASKABLE", "AUTOMASKED", "NORESIZE" };
	unsigned i;
	char b[64];

	printf("\tVFIO IRQs:\n");
	for (i = 0; i < nirqs && i < INFO_MAX_INDEX; i++) {
		struct vfio_irq_info ii = { .argsz = sizeof(ii), .index = i };
		int r = vfsim_ioctl(in->host, in->fd, VFIO_DEVICE_GET_IRQ_INFO, &ii);
		const char *name = i < 5 ? info_irq_names[i] : "other";

		if (r == -EINVAL)
			printf("\t\t%-6s [%u]: not available\n", name, i);
		else if (r < 0)
			printf("\t\t%-6s [%u]: error (%s)\n", name, i, strerror(-r));
		else
			printf("\t\t%-6s [%u]: count %u %s\n", name, i, ii.count, info_flags(ii.flags, fl, 4, b, sizeof(b)));
	}
}

/* VFIO_DEVICE_FEATURE with @flags | @feature; data is the payload after the header. */
static int info_feature(struct info *in, uint32_t flags, void *data, size_t len)
{
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

static void info_features(struct info *in)
{
	static const char *const mig[] = { "STOP_COPY", "P2P", "PRE_COPY" };
	struct vfio_device_feature_migration m = { 0 };
	char b[64];
	int r;

	printf("\tVFIO features:\n");
	r = info_feature(in, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION,
			 NULL, sizeof(m));
	if (r == 0)
		r = info_feature(in, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION, &m, sizeof(m));
	if (r == 0)
		printf("\t\tmigration: %s\n", info_flags((uint32_t)m.flags, mig, 3, b, sizeof(b)));
	else
		printf("\t\tmigration: not supported (%s)\n", strerror(-r));
	r = info_feature(in, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
			 VFIO_DEVICE_FEATURE_DMA_LOGGING_START, NULL, 0);
	printf("\t\tDMA logging: %s\n", r == 0 ? "supported" : "not supported");
	r = info_feature(in, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
			 VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, NULL, 0);
	printf("\t\tlow power: %s\n", r == 0 ? "supported" : "not supported");
}

/* Container, group, IOMMU, device fd: the order the kernel requires. */
static int info_device(struct info *in, const char *name)
{
	static const char *const dfl[] = { "RESET", "PCI", "PLATFORM", "AMBA", "CCW", "AP", "FSL_MC", "CAPS" };
	struct vfio_group_status st = { .argsz = sizeof(st) };
	struct vfio_device_info di = { .argsz = sizeof(di) };
	struct vfio_region_info *cfgri = NULL;
	char path[32], b[96];
	const char *what = "";
	int ctr = -1, grp = -1, r;
	ssize_t n;

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
	INFO_STEP("config region info", info_region(in, VFIO_PCI_CONFIG_REGION_INDEX, &cfgri));
	in->cfg_off = cfgri->offset;
	in->cfg_size = cfgri->size < sizeof(in->cfg) ? (uint32_t)cfgri->size : sizeof(in->cfg);
	free(cfgri);
	what = "config space read";
	n = vfsim_pread(in->host, in->fd, in->cfg, in->cfg_size, (off_t)in->cfg_off);
	if (n != (ssize_t)in->cfg_size || n < PCI_CFG_SPACE_SIZE) {
		r = n < 0 ? (int)n : -EIO;
		goto out;
	}

	info_header(in, name);
	info_caps(in);
	printf("\tVFIO device: %s, %u regions, %u IRQs\n", info_flags(di.flags, dfl, 8, b, sizeof(b)),
	       di.num_regions, di.num_irqs);
	info_regions(in, di.num_regions);
	info_irqs(in, di.num_irqs);
	info_features(in);
	printf("\n");
	r = 0;
	goto out;
#undef INFO_STEP
out_err:
	r = r < 0 ? r : -EINVAL;
out:
	if (r < 0)
		fprintf(stderr, "vfsim: %s: %s: %s\n", name, what, strerror(-r));
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
