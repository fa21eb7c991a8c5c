/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device view shared by `vfsim info` (through the in-process uAPI model)
 * and `vfsim client` (through a vfio-user server): config space decoded like
 * `lspci -vv`, BARs sized by the write-ones protocol, regions with their
 * capability chains, IRQs and features. It reaches the device only through
 * struct show_ops, so both front ends print the same thing for the same
 * device, and a difference between them is a finding.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "show.h"

#define SHOW_CAP_HOPS 48		/* standard capabilities: (256 - 0x40) / 4 */
#define SHOW_ECAP_HOPS 960		/* extended capabilities: (4096 - 256) / 4 */
#define SHOW_VFIO_CAP_HOPS 16		/* region info capability chain */
#define SHOW_MAX_INDEX 64		/* no more regions or IRQ indexes than this */

static const char *const show_region_names[] = {
	"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5", "ROM", "CONFIG", "VGA",
};
static const char *const show_irq_names[] = { "INTx", "MSI", "MSI-X", "ERR", "REQ" };

static const struct {
	uint16_t cls;			/* base class << 8 | subclass */
	const char *name;
} show_classes[] = {
	{ 0x0108, "Non-Volatile memory controller" }, { 0x0200, "Ethernet controller" },
	{ 0x0300, "VGA compatible controller" }, { 0x0880, "System peripheral" }, { 0xff00, "Unassigned class" },
};

static uint16_t show_cfg16(const struct show *in, unsigned off)
{
	return (uint16_t)(in->cfg[off] | in->cfg[off + 1] << 8);
}

static uint32_t show_cfg32(const struct show *in, unsigned off)
{
	return (uint32_t)show_cfg16(in, off) | (uint32_t)show_cfg16(in, off + 2) << 16;
}

static const char *show_size(uint64_t size, char *buf, size_t len)
{
	static const char *const units[] = { "", "K", "M", "G", "T" };
	unsigned u = 0;

	for (; size >= 1024 && !(size % 1024) && u < 4; u++)
		size /= 1024;
	snprintf(buf, len, "%llu%s", (unsigned long long)size, units[u]);
	return buf;
}

static const char *show_flags(uint32_t flags, const char *const *names, unsigned n, char *buf, size_t len)
{
	size_t used = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		if (flags & (1u << i) && names[i] && used < len)
			used += (size_t)snprintf(buf + used, len - used, " %s", names[i]);
	return buf[0] ? buf + 1 : "none";
}

/* PCI 3.0 6.2.5.1: write all ones, read back the size mask, restore. */
static uint64_t show_bar_size(struct show *in, unsigned reg, bool is64, uint32_t keep)
{
	uint32_t half[2] = { 0, 0 }, orig, ones;
	uint64_t mask;
	unsigned h;

	for (h = 0; h < (is64 ? 2u : 1u); h++) {
		ones = ~0u;
		if (in->ops->cfg_rw(in->o, reg + 4 * h, &orig, false) || in->ops->cfg_rw(in->o, reg + 4 * h, &ones, true) ||
		    in->ops->cfg_rw(in->o, reg + 4 * h, &half[h], false) || in->ops->cfg_rw(in->o, reg + 4 * h, &orig, true))
			return 0;
	}
	/* the size is the lowest writable address bit (I/O BARs may not implement bits 31:16) */
	mask = (uint64_t)half[1] << 32 | (half[0] & keep);
	return mask & (~mask + 1);
}

static void show_header(struct show *in, const char *name)
{
	uint32_t cls = show_cfg32(in, PCI_CLASS_REVISION) >> 8;
	uint16_t cmd = show_cfg16(in, PCI_COMMAND), st = show_cfg16(in, PCI_STATUS);
	const char *cname = NULL;
	uint8_t pin = in->cfg[PCI_INTERRUPT_PIN];
	uint64_t rom;
	unsigned i;
	char sz[32];

	for (i = 0; i < sizeof(show_classes) / sizeof(show_classes[0]); i++)
		if (show_classes[i].cls == cls >> 8)
			cname = show_classes[i].name;
	printf("%s %s [%04x]: Device [%04x:%04x] (rev %02x) (prog-if %02x)\t<%s>\n", in->bdf,
	       cname ? cname : "Class", cls >> 8, show_cfg16(in, PCI_VENDOR_ID), show_cfg16(in, PCI_DEVICE_ID),
	       in->cfg[PCI_REVISION_ID], cls & 0xff, name);
	printf("\tSubsystem: [%04x:%04x]\n", show_cfg16(in, PCI_SUBSYSTEM_VENDOR_ID), show_cfg16(in, PCI_SUBSYSTEM_ID));
	printf("\tControl: I/O%c Mem%c BusMaster%c SERR%c DisINTx%c\n", cmd & PCI_COMMAND_IO ? '+' : '-',
	       cmd & PCI_COMMAND_MEMORY ? '+' : '-', cmd & PCI_COMMAND_MASTER ? '+' : '-',
	       cmd & PCI_COMMAND_SERR ? '+' : '-', cmd & PCI_COMMAND_INTX_DISABLE ? '+' : '-');
	printf("\tStatus: Cap%c INTx%c\n", st & PCI_STATUS_CAP_LIST ? '+' : '-', st & PCI_STATUS_INTERRUPT ? '+' : '-');
	if (pin)
		printf("\tInterrupt: pin %c\n", pin <= 4 ? 'A' + pin - 1 : '?');

	for (i = 0; i < 6; i++) {
		unsigned reg = PCI_BASE_ADDRESS_0 + 4 * i;
		uint32_t bar = show_cfg32(in, reg);
		bool io = bar & PCI_BASE_ADDRESS_SPACE_IO;
		bool is64 = !io && (bar & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_64 && i < 5;
		uint64_t size = show_bar_size(in, reg, is64,
					      io ? (uint32_t)PCI_BASE_ADDRESS_IO_MASK : (uint32_t)PCI_BASE_ADDRESS_MEM_MASK);

		if (size && io)
			printf("\tRegion %u: I/O ports [size=%s]\n", i, show_size(size, sz, sizeof(sz)));
		else if (size)
			printf("\tRegion %u: Memory, %s, %sprefetchable [size=%s]\n", i, is64 ? "64-bit" : "32-bit",
			       bar & PCI_BASE_ADDRESS_MEM_PREFETCH ? "" : "non-", show_size(size, sz, sizeof(sz)));
		if (is64)
			i++;
	}
	rom = show_bar_size(in, PCI_ROM_ADDRESS, false, (uint32_t)PCI_ROM_ADDRESS_MASK);
	if (rom)
		printf("\tExpansion ROM [size=%s]\n", show_size(rom, sz, sizeof(sz)));
}

static void show_caps(const struct show *in)
{
	static const char *const pcie_types[] = {
		[PCI_EXP_TYPE_ENDPOINT] = "Endpoint", [PCI_EXP_TYPE_LEG_END] = "Legacy Endpoint",
		[PCI_EXP_TYPE_RC_END] = "Root Complex Integrated Endpoint",
	};
	unsigned ptr = in->cfg[PCI_CAPABILITY_LIST] & ~3u, hops = SHOW_CAP_HOPS;

	if (!(show_cfg16(in, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return;
	for (; ptr && hops; hops--) {
		uint8_t id;
		uint16_t fl;

		if (ptr < PCI_STD_HEADER_SIZEOF || ptr > 256 - 12) {
			printf("\tCapabilities: [%02x] pointer outside the capability area\n", ptr);
			return;
		}
		id = in->cfg[ptr];
		fl = show_cfg16(in, ptr + 2);
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
			uint32_t t = show_cfg32(in, ptr + PCI_MSIX_TABLE), p = show_cfg32(in, ptr + PCI_MSIX_PBA);

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
		printf("\tCapabilities: list longer than %u entries (loop?)\n", SHOW_CAP_HOPS);

	if (in->cfg_size > PCI_CFG_SPACE_SIZE) {
		unsigned off = PCI_CFG_SPACE_SIZE;

		for (hops = SHOW_ECAP_HOPS; off && hops; hops--) {
			uint32_t h;

			if (off < PCI_CFG_SPACE_SIZE || off > in->cfg_size - 4)
				break;
			h = show_cfg32(in, off);
			if (!h || h == 0xffffffff)
				break;
			printf("\tCapabilities: [%03x] Extended capability id %04x v%u\n", off, PCI_EXT_CAP_ID(h),
			       PCI_EXT_CAP_VER(h));
			off = PCI_EXT_CAP_NEXT(h);
		}
	}
}

/* Region capability chain: offsets from the start of the info struct, bounded by argsz. */
static void show_region_caps(const struct vfio_region_info *ri)
{
	const uint8_t *base = (const uint8_t *)ri;
	uint32_t off = ri->cap_offset, hops = SHOW_VFIO_CAP_HOPS, i;

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

static void show_regions(struct show *in, unsigned nregions)
{
	static const char *const fl[] = { "READ", "WRITE", "MMAP", "CAPS" };
	struct vfio_region_info *ri;
	unsigned i;
	char b[64], sz[32];
	int r;

	printf("\tVFIO regions:\n");
	for (i = 0; i < nregions && i < SHOW_MAX_INDEX; i++) {
		const char *label = i < 9 ? show_region_names[i] : "device";

		r = in->ops->region_info(in->o, i, &ri);
		if (r < 0) {
			printf("\t\t%-6s [%u]: not available (%s)\n", label, i, strerror(-r));
			continue;
		}
		if (!ri->size && !ri->flags)
			printf("\t\t%-6s [%u]: absent\n", label, i);
		else
			printf("\t\t%-6s [%u]: size %s offset 0x%llx %s\n", label, i, show_size(ri->size, sz, sizeof(sz)),
			       (unsigned long long)ri->offset, show_flags(ri->flags, fl, 4, b, sizeof(b)));
		if (ri->flags & VFIO_REGION_INFO_FLAG_CAPS)
			show_region_caps(ri);
		free(ri);
	}
}

static void show_irqs(struct show *in, unsigned nirqs)
{
	static const char *const fl[] = { "EVENTFD", "MASKABLE", "AUTOMASKED", "NORESIZE" };
	unsigned i;
	char b[64];

	printf("\tVFIO IRQs:\n");
	for (i = 0; i < nirqs && i < SHOW_MAX_INDEX; i++) {
		struct vfio_irq_info ii = { .argsz = sizeof(ii), .index = i };
		int r = in->ops->irq_info(in->o, &ii);
		const char *name = i < 5 ? show_irq_names[i] : "other";

		if (r == -EINVAL)
			printf("\t\t%-6s [%u]: not available\n", name, i);
		else if (r < 0)
			printf("\t\t%-6s [%u]: error (%s)\n", name, i, strerror(-r));
		else
			printf("\t\t%-6s [%u]: count %u %s\n", name, i, ii.count, show_flags(ii.flags, fl, 4, b, sizeof(b)));
	}
}

static void show_features(struct show *in)
{
	static const char *const mig[] = { "STOP_COPY", "P2P", "PRE_COPY" };
	struct vfio_device_feature_migration m = { 0 };
	char b[64];
	int r;

	printf("\tVFIO features:\n");
	r = in->ops->feature(in->o, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION,
			 NULL, sizeof(m));
	if (r == 0)
		r = in->ops->feature(in->o, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION, &m, sizeof(m));
	if (r == 0)
		printf("\t\tmigration: %s\n", show_flags((uint32_t)m.flags, mig, 3, b, sizeof(b)));
	else
		printf("\t\tmigration: not supported (%s)\n", strerror(-r));
	r = in->ops->feature(in->o, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
			 VFIO_DEVICE_FEATURE_DMA_LOGGING_START, NULL, 0);
	printf("\t\tDMA logging: %s\n", r == 0 ? "supported" : "not supported");
	r = in->ops->feature(in->o, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
			 VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, NULL, 0);
	printf("\t\tlow power: %s\n", r == 0 ? "supported" : "not supported");
}

int show_device(struct show *in, const char *name, uint32_t dev_flags, uint32_t nregions, uint32_t nirqs)
{
	static const char *const dfl[] = { "RESET", "PCI", "PLATFORM", "AMBA", "CCW", "AP", "FSL_MC", "CAPS" };
	struct vfio_region_info *cfgri = NULL;
	char b[96];
	int r;

	r = in->ops->region_info(in->o, VFIO_PCI_CONFIG_REGION_INDEX, &cfgri);
	if (r < 0) {
		fprintf(stderr, "vfsim: %s: config region info: %s\n", name, strerror(-r));
		return r;
	}
	in->cfg_size = cfgri->size < sizeof(in->cfg) ? (uint32_t)cfgri->size : sizeof(in->cfg);
	free(cfgri);
	r = in->cfg_size < PCI_CFG_SPACE_SIZE ? -EIO : in->ops->cfg_read(in->o, in->cfg, in->cfg_size);
	if (r < 0) {
		fprintf(stderr, "vfsim: %s: config space read: %s\n", name, strerror(-r));
		return r;
	}
	show_header(in, name);
	show_caps(in);
	printf("\tVFIO device: %s, %u regions, %u IRQs\n", show_flags(dev_flags, dfl, 8, b, sizeof(b)),
	       nregions, nirqs);
	show_regions(in, nregions);
	show_irqs(in, nirqs);
	show_features(in);
	printf("\n");
	return 0;
}
