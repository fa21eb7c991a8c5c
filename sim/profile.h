/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The validated, plain-C form of a device profile (fixtures/devices/<name>.json).
 * profile.c fills it from JSON; every other module only reads it. Anything
 * here has passed validation: sizes are powers of two, sparse areas and
 * ioeventfds lie inside their BAR, vectors are in range, and so on (see
 * profile.c for the rules).
 */
#ifndef VFSIM_PROFILE_H
#define VFSIM_PROFILE_H

#include <stdbool.h>
#include <stdint.h>
#include "include/vfsim.h"

#define VFSIM_MAX_SPARSE 8
#define VFSIM_MAX_DEV_REGIONS 4
#define VFSIM_MAX_MSI 32
#define VFSIM_MAX_MSIX 2048
#define VFSIM_MAX_IOEVENTFDS 16	/* per BAR */

struct prof_area {
	uint64_t offset, size;
};

/* A register whose writes a vfio-user client may turn into an eventfd
 * signal (KVM ioeventfd) instead of a message: GET_REGION_IO_FDS hands
 * out one eventfd per entry. */
struct prof_ioeventfd {
	uint64_t offset;	/* inside the BAR, a multiple of size */
	uint32_t size;		/* 1, 2, 4 or 8 */
	bool has_datamatch;	/* KVM_IOEVENTFD_FLAG_DATAMATCH */
	uint64_t datamatch;	/* fits in size bytes */
};

struct prof_bar {
	uint64_t size;		/* 0 = BAR absent; else a power of two (mem >= 16, io >= 4) */
	bool io;		/* I/O space BAR (never 64-bit, never prefetchable, never mmap) */
	bool is64;		/* 64-bit memory BAR: occupies this slot and the next */
	bool prefetch;
	bool mmap;		/* region gets VFIO_REGION_INFO_FLAG_MMAP */
	unsigned nsparse;	/* 0 with mmap: the whole BAR is mappable */
	struct prof_area sparse[VFSIM_MAX_SPARSE];
	unsigned nioeventfds;	/* disjoint, clear of the MSI-X table/PBA and the engine */
	struct prof_ioeventfd ioeventfds[VFSIM_MAX_IOEVENTFDS];
};

struct prof_dev_region {	/* device-specific region, index 9 + i */
	uint32_t type, subtype;
	uint64_t size;
	bool read, write, mmap;
};

struct vfsim_profile {
	char name[64];
	char source[256];	/* file the profile came from, for messages */

	uint16_t vendor_id, device_id, subsys_vendor_id, subsys_id;
	uint8_t revision;
	uint32_t class_code;	/* 24 bits: base, sub, prog-if */

	bool pcie;		/* PCIe capability, 4 KiB config space, ERR IRQ */
	bool pm;		/* power management capability */
	uint8_t intx_pin;	/* 0 = none, 1..4 = INTA..INTD */
	unsigned msi_vectors;	/* 0 = no MSI capability, else 1,2,4,...,32 */
	bool msi_64bit;
	bool msi_maskable;	/* per-vector masking capable */
	unsigned msix_vectors;	/* 0 = no MSI-X capability, else 1..2048 */
	unsigned msix_bar;	/* BIR of table and PBA */
	uint32_t msix_table_offset, msix_pba_offset;

	struct prof_bar bars[6];
	uint64_t rom_size;	/* 0 = no expansion ROM, else power of two >= 2 KiB */
	bool vga;
	bool reset;		/* VFIO_DEVICE_FLAGS_RESET (function level reset) */
	bool low_power;		/* LOW_POWER_ENTRY/EXIT features */

	uint32_t mig_flags;	/* 0 = no migration; else VFIO_MIGRATION_STOP_COPY [| P2P] [| PRE_COPY] */
	bool dma_logging;	/* DMA_LOGGING_START/STOP/REPORT features */

	struct {		/* the DMA engine (engine.c); registers live in a BAR */
		bool present;
		unsigned bar;
		uint32_t offset;	/* of the register block inside the BAR */
		unsigned irq_index;	/* VFIO_PCI_{INTX,MSI,MSIX}_IRQ_INDEX raised on completion */
		unsigned irq_vector;
	} engine;

	unsigned ndev_regions;
	struct prof_dev_region dev_regions[VFSIM_MAX_DEV_REGIONS];
};

#endif
