/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PCI config space of the simulated function, built once from the validated
 * profile: the type 0 header, BAR and expansion ROM registers with real
 * sizing semantics, the standard capability list (PM, MSI, MSI-X, PCIe, in
 * that order from 0x40) and, on PCIe, one extended capability (Device Serial
 * Number at 0x100). Four byte arrays describe it: the current bytes, their
 * reset values, the RW mask and the RW1C mask. A bit in neither mask is read
 * only; reserved bits are read-only zeros. Writes follow QEMU's
 * pci_default_write_config: RW bits take the written value, RO and RW1C bits
 * keep theirs, then RW1C bits written with 1 clear.
 *
 * Nothing here changes a read-only bit after cfg_new (interrupt status and
 * MSI pending bits are kept by irq.c, not mirrored here), which is what lets
 * cfg_load refuse a stream whose read-only bits differ: such a stream came
 * from a different device, as QEMU's get_pci_config_device decides too.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>

#include "cfg.h"
#include "rules.h"

#define CFG_SIZE_PCI 256u
#define CFG_SIZE_PCIE 4096u
#define CFG_CAP_START 0x40u
#define CFG_CAP_HOPS 48u		/* (256 - 64) / 4: no chain can be longer */

struct cfg_space {
	uint32_t size;
	uint8_t cur[CFG_SIZE_PCIE];
	uint8_t rst[CFG_SIZE_PCIE];
	uint8_t wmask[CFG_SIZE_PCIE];
	uint8_t w1c[CFG_SIZE_PCIE];
};

/* Command register bits a driver may set (PCI 3.0 6.2.2); the rest are
 * hardwired 0 for a PCIe-era function (special cycles, MWI, VGA snoop,
 * stepping, fast back-to-back). */
#define CFG_CMD_RW (PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | \
		    PCI_COMMAND_PARITY | PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE)
/* Status error bits, RW1C (PCI 3.0 6.2.3). */
#define CFG_STATUS_W1C (PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT | \
			PCI_STATUS_REC_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT | \
			PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY)

/* Header registers whose masks do not depend on the profile. */
static const struct cfg_field {
	uint16_t off;
	uint8_t size;
	uint32_t wmask, w1c;
} cfg_header_fields[] = {
	{ PCI_COMMAND, 2, CFG_CMD_RW, 0 },
	{ PCI_STATUS, 2, 0, CFG_STATUS_W1C },
	{ PCI_CACHE_LINE_SIZE, 1, 0xff, 0 },
	{ PCI_INTERRUPT_LINE, 1, 0xff, 0 },
};

/* One register: reset value and masks, little endian. */
static void cfg_def(struct cfg_space *c, uint32_t off, unsigned size, uint32_t val, uint32_t wmask,
		    uint32_t w1c)
{
	unsigned i;

	for (i = 0; i < size; i++) {
		c->rst[off + i] = (uint8_t)(val >> (8 * i));
		c->wmask[off + i] = (uint8_t)(wmask >> (8 * i));
		c->w1c[off + i] = (uint8_t)(w1c >> (8 * i));
	}
}

static void cfg_ro(struct cfg_space *c, uint32_t off, unsigned size, uint32_t val)
{
	cfg_def(c, off, size, val, 0, 0);
}

/*
 * BARs: the RW mask is the address bits above the size, so writing all ones
 * reads back ~(size - 1) with the RO type flags (PCI 3.0 6.2.5.1). A 64-bit
 * BAR's upper dword carries the upper half of that mask: all ones below
 * 4 GiB. Absent BARs (and the upper half of none) stay all-RO zeros.
 */
static void cfg_build_bars(struct cfg_space *c, const struct vfsim_profile *p)
{
	unsigned i;

	for (i = 0; i < 6; i++) {
		const struct prof_bar *b = &p->bars[i];
		uint32_t reg = PCI_BASE_ADDRESS_0 + 4 * i;
		uint64_t mask;

		if (!b->size)
			continue;
		mask = ~(b->size - 1);
		if (b->io) {
			cfg_def(c, reg, 4, PCI_BASE_ADDRESS_SPACE_IO, (uint32_t)mask & PCI_BASE_ADDRESS_IO_MASK, 0);
			continue;
		}
		cfg_def(c, reg, 4,
			(b->is64 ? PCI_BASE_ADDRESS_MEM_TYPE_64 : PCI_BASE_ADDRESS_MEM_TYPE_32) |
			(b->prefetch ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0),
			(uint32_t)mask & PCI_BASE_ADDRESS_MEM_MASK, 0);
		if (b->is64 && i < 5) {
			i++;
			cfg_def(c, reg + 4, 4, 0, (uint32_t)(mask >> 32), 0);
		}
	}
	if (p->rom_size)
		cfg_def(c, PCI_ROM_ADDRESS, 4, 0,
			((uint32_t)~(p->rom_size - 1) & PCI_ROM_ADDRESS_MASK) | PCI_ROM_ADDRESS_ENABLE, 0);
}

static unsigned cfg_log2(unsigned v)
{
	unsigned n = 0;

	while (v > 1 && n < 31) {
		v >>= 1;
		n++;
	}
	return n;
}

/* ---- capabilities: each builder fills its registers at @off and returns
 * its size; cfg_caps[] gives the order of the list. ---- */

/* PM v3 (PCI PM 1.2): PMCSR power state RW, PME_Status RW1C; no PME
 * support advertised; No_Soft_Reset set because D3hot->D0 is not modelled as
 * a reset. */
static uint32_t cfg_cap_pm(struct cfg_space *c, uint32_t off, const struct vfsim_profile *p)
{
	cfg_ro(c, off + PCI_PM_PMC, 2, 3);
	cfg_def(c, off + PCI_PM_CTRL, 2, PCI_PM_CTRL_NO_SOFT_RESET, PCI_PM_CTRL_STATE_MASK,
		PCI_PM_CTRL_PME_STATUS);
	return PCI_PM_SIZEOF;
}

/* MSI (PCI 3.0 6.8.1): enable and Multiple Message Enable RW (3 bits, values
 * above MMC are the driver's error, as on hardware), MMC/64-bit/per-vector
 * masking RO; address dword-aligned; 16-bit data; mask bits RW for the
 * implemented vectors only; pending bits RO. */
static uint32_t cfg_cap_msi(struct cfg_space *c, uint32_t off, const struct vfsim_profile *p)
{
	uint32_t data, mask, vmask;

	vmask = p->msi_vectors >= 32 ? 0xffffffffu : (1u << p->msi_vectors) - 1;
	cfg_def(c, off + PCI_MSI_FLAGS, 2,
		(cfg_log2(p->msi_vectors) << 1) | (p->msi_64bit ? PCI_MSI_FLAGS_64BIT : 0) |
		(p->msi_maskable ? PCI_MSI_FLAGS_MASKBIT : 0),
		PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE, 0);
	cfg_def(c, off + PCI_MSI_ADDRESS_LO, 4, 0, 0xfffffffc, 0);
	if (p->msi_64bit) {
		cfg_def(c, off + PCI_MSI_ADDRESS_HI, 4, 0, 0xffffffff, 0);
		data = PCI_MSI_DATA_64;
		mask = PCI_MSI_MASK_64;
	} else {
		data = PCI_MSI_DATA_32;
		mask = PCI_MSI_MASK_32;
	}
	cfg_def(c, off + data, 2, 0, 0xffff, 0);
	if (!p->msi_maskable)
		return data + 2;
	cfg_def(c, off + mask, 4, 0, vmask, 0);
	cfg_ro(c, off + mask + 4, 4, 0);
	return mask + 8;
}

/* MSI-X (PCI 3.0 6.8.2): table size RO (N-1), function mask and enable RW,
 * table and PBA offset/BIR RO. */
static uint32_t cfg_cap_msix(struct cfg_space *c, uint32_t off, const struct vfsim_profile *p)
{
	cfg_def(c, off + PCI_MSIX_FLAGS, 2, (p->msix_vectors - 1) & PCI_MSIX_FLAGS_QSIZE,
		PCI_MSIX_FLAGS_MASKALL | PCI_MSIX_FLAGS_ENABLE, 0);
	cfg_ro(c, off + PCI_MSIX_TABLE, 4, (p->msix_table_offset & PCI_MSIX_TABLE_OFFSET) |
	       (p->msix_bar & PCI_MSIX_TABLE_BIR));
	cfg_ro(c, off + PCI_MSIX_PBA, 4, (p->msix_pba_offset & PCI_MSIX_PBA_OFFSET) |
	       (p->msix_bar & PCI_MSIX_PBA_BIR));
	return PCI_CAP_MSIX_SIZEOF;
}

/* PCIe capability v2 of an endpoint with a x4 8 GT/s link (PCIe 3.0 7.8).
 * DEVCAP: 256 B max payload, no L0s/L1 latency limit, role-based error
 * reporting, FLR when the profile has reset. DEVCTL resets to relaxed
 * ordering + no snoop + 512 B read requests (the spec defaults); Initiate FLR
 * (bit 15) always reads 0. */
#define CFG_EXP_DEVCAP (0x1 | (7u << 6) | (7u << 9) | PCI_EXP_DEVCAP_RBER)
#define CFG_EXP_DEVCTL_RW (PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE | PCI_EXP_DEVCTL_FERE | \
			   PCI_EXP_DEVCTL_URRE | PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_PAYLOAD | \
			   PCI_EXP_DEVCTL_NOSNOOP_EN | PCI_EXP_DEVCTL_READRQ)
#define CFG_EXP_DEVCTL_RESET (PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_NOSNOOP_EN | \
			      PCI_EXP_DEVCTL_READRQ_512B)
#define CFG_EXP_DEVSTA_W1C (PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED | PCI_EXP_DEVSTA_FED | \
			    PCI_EXP_DEVSTA_URD)
#define CFG_EXP_LINK (3u | (4u << 4))	/* 8 GT/s, x4 */
#define CFG_EXP_SIZEOF 0x3c		/* v2 endpoint, slot registers included */

static uint32_t cfg_cap_pcie(struct cfg_space *c, uint32_t off, const struct vfsim_profile *p)
{
	cfg_ro(c, off + PCI_EXP_FLAGS, 2, 2 | (PCI_EXP_TYPE_ENDPOINT << 4));
	cfg_ro(c, off + PCI_EXP_DEVCAP, 4, CFG_EXP_DEVCAP | (p->reset ? PCI_EXP_DEVCAP_FLR : 0));
	cfg_def(c, off + PCI_EXP_DEVCTL, 2, CFG_EXP_DEVCTL_RESET, CFG_EXP_DEVCTL_RW, 0);
	cfg_def(c, off + PCI_EXP_DEVSTA, 2, 0, 0, CFG_EXP_DEVSTA_W1C);
	cfg_ro(c, off + PCI_EXP_LNKCAP, 4, CFG_EXP_LINK);
	/* ASPM control, common clock, extended synch */
	cfg_def(c, off + PCI_EXP_LNKCTL, 2, 0, PCI_EXP_LNKCTL_ASPMC | PCI_EXP_LNKCTL_CCC | PCI_EXP_LNKCTL_ES, 0);
	cfg_ro(c, off + PCI_EXP_LNKSTA, 2, CFG_EXP_LINK | PCI_EXP_LNKSTA_SLC);
	/* completion timeout ranges A and B, timeout disable supported */
	cfg_ro(c, off + PCI_EXP_DEVCAP2, 4, 0x3 | PCI_EXP_DEVCAP2_COMP_TMOUT_DIS);
	cfg_def(c, off + PCI_EXP_DEVCTL2, 2, 0, PCI_EXP_DEVCTL2_COMP_TIMEOUT | PCI_EXP_DEVCTL2_COMP_TMOUT_DIS, 0);
	cfg_ro(c, off + PCI_EXP_LNKCAP2, 4, PCI_EXP_LNKCAP2_SLS_2_5GB | PCI_EXP_LNKCAP2_SLS_5_0GB |
	       PCI_EXP_LNKCAP2_SLS_8_0GB);
	cfg_ro(c, off + PCI_EXP_LNKCTL2, 2, 3);
	return CFG_EXP_SIZEOF;
}

static bool cfg_has_pm(const struct vfsim_profile *p)
{
	return p->pm;
}

static bool cfg_has_msi(const struct vfsim_profile *p)
{
	return p->msi_vectors > 0;
}

static bool cfg_has_msix(const struct vfsim_profile *p)
{
	return p->msix_vectors > 0;
}

static bool cfg_has_pcie(const struct vfsim_profile *p)
{
	return p->pcie;
}

static const struct cfg_cap_builder {
	uint8_t id;
	bool (*present)(const struct vfsim_profile *p);
	uint32_t (*build)(struct cfg_space *c, uint32_t off, const struct vfsim_profile *p);
} cfg_caps[] = {
	{ PCI_CAP_ID_PM, cfg_has_pm, cfg_cap_pm },
	{ PCI_CAP_ID_MSI, cfg_has_msi, cfg_cap_msi },
	{ PCI_CAP_ID_MSIX, cfg_has_msix, cfg_cap_msix },
	{ PCI_CAP_ID_EXP, cfg_has_pcie, cfg_cap_pcie },
};

/* Standard list from 0x40, dword-aligned, each header RO; returns 1 if any. */
static int cfg_build_caps(struct cfg_space *c, const struct vfsim_profile *p)
{
	uint32_t off = CFG_CAP_START, prev = PCI_CAPABILITY_LIST;
	size_t i;
	int any = 0;

	for (i = 0; i < sizeof(cfg_caps) / sizeof(cfg_caps[0]); i++) {
		uint32_t size;

		if (!cfg_caps[i].present(p))
			continue;
		c->rst[prev] = (uint8_t)off;
		cfg_ro(c, off, 2, cfg_caps[i].id);
		size = cfg_caps[i].build(c, off, p);
		prev = off + PCI_CAP_LIST_NEXT;
		off += (size + 3) & ~3u;
		any = 1;
	}
	return any;
}

/* Extended space (PCIe 3.0 7.9): one Device Serial Number capability, the
 * chain's only and last entry; the serial is derived from the IDs so two
 * devices of one profile are indistinguishable. */
static void cfg_build_ext(struct cfg_space *c, const struct vfsim_profile *p)
{
	uint32_t base = PCI_CFG_SPACE_SIZE;

	cfg_ro(c, base, 4, PCI_EXT_CAP_ID_DSN | (1u << 16));
	cfg_ro(c, base + 4, 4, ((uint32_t)p->subsys_vendor_id << 16) | p->subsys_id);
	cfg_ro(c, base + 8, 4, ((uint32_t)p->vendor_id << 16) | p->device_id);
}

int cfg_new(const struct vfsim_profile *p, struct cfg_space **ret)
{
	struct cfg_space *c;
	size_t i;

	if (!p || !ret)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->size = p->pcie ? CFG_SIZE_PCIE : CFG_SIZE_PCI;

	cfg_ro(c, PCI_VENDOR_ID, 2, p->vendor_id);
	cfg_ro(c, PCI_DEVICE_ID, 2, p->device_id);
	cfg_ro(c, PCI_CLASS_REVISION, 4, p->revision | (p->class_code << 8));
	cfg_ro(c, PCI_HEADER_TYPE, 1, PCI_HEADER_TYPE_NORMAL);
	cfg_ro(c, PCI_SUBSYSTEM_VENDOR_ID, 2, p->subsys_vendor_id);
	cfg_ro(c, PCI_SUBSYSTEM_ID, 2, p->subsys_id);
	cfg_ro(c, PCI_INTERRUPT_PIN, 1, p->intx_pin);
	for (i = 0; i < sizeof(cfg_header_fields) / sizeof(cfg_header_fields[0]); i++) {
		const struct cfg_field *f = &cfg_header_fields[i];

		cfg_def(c, f->off, f->size, 0, f->wmask, f->w1c);
	}
	cfg_build_bars(c, p);
	if (cfg_build_caps(c, p))
		c->rst[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	if (p->pcie)
		cfg_build_ext(c, p);
	memcpy(c->cur, c->rst, c->size);
	*ret = c;
	return 0;
}

void cfg_free(struct cfg_space *c)
{
	free(c);
}

void cfg_reset(struct cfg_space *c)
{
	memcpy(c->cur, c->rst, c->size);
}

uint32_t cfg_size(const struct cfg_space *c)
{
	return c->size;
}

/* The hot path (ci/bench): one bounds check and a memcpy. */
int cfg_read(const struct cfg_space *c, uint32_t off, void *buf, size_t len)
{
	if (off > c->size || len > c->size - off)
		return vfsim_reject(RULE_CFG_ACCESS_RANGE, -EINVAL);
	memcpy(buf, c->cur + off, len);
	return (int)len;
}

int cfg_write(struct cfg_space *c, uint32_t off, const void *buf, size_t len)
{
	const uint8_t *v = buf;
	size_t i;

	if (off > c->size || len > c->size - off)
		return vfsim_reject(RULE_CFG_ACCESS_RANGE, -EINVAL);
	for (i = 0; i < len; i++) {
		uint32_t o = off + (uint32_t)i;
		uint8_t w = c->wmask[o];

		c->cur[o] = (uint8_t)(((c->cur[o] & ~w) | (v[i] & w)) & ~(v[i] & c->w1c[o]));
	}
	return (int)len;
}

uint8_t cfg_cap_offset(const struct cfg_space *c, uint8_t id)
{
	uint8_t off;
	unsigned hops;

	if (!(c->cur[PCI_STATUS] & PCI_STATUS_CAP_LIST))
		return 0;
	off = c->cur[PCI_CAPABILITY_LIST] & ~3u;
	for (hops = 0; off >= CFG_CAP_START && hops < CFG_CAP_HOPS; hops++) {
		if (c->cur[off + PCI_CAP_LIST_ID] == id)
			return off;
		off = c->cur[off + PCI_CAP_LIST_NEXT] & ~3u;
	}
	return 0;
}

const uint8_t *cfg_bytes(const struct cfg_space *c)
{
	return c->cur;
}

/*
 * A migration stream carries the whole space. Its length must be ours, and
 * every read-only bit must equal ours: RO bits never change at run time, so a
 * difference means the stream describes another device (IDs, BAR sizes,
 * capability layout). RW and RW1C bits are taken as they come.
 */
int cfg_load(struct cfg_space *c, const uint8_t *bytes, size_t len)
{
	uint32_t i;

	if (!bytes || len != c->size)
		return vfsim_reject(RULE_CFG_LOAD_SIZE, -EINVAL);
	for (i = 0; i < c->size; i++) {
		uint8_t ro = (uint8_t)~(c->wmask[i] | c->w1c[i]);

		if ((bytes[i] ^ c->rst[i]) & ro)
			return vfsim_reject(RULE_CFG_LOAD_RO, -EINVAL);
	}
	memcpy(c->cur, bytes, c->size);
	return 0;
}
