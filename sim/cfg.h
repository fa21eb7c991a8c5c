/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Config space: 256 B (conventional) or 4 KiB (PCIe), per-bit write masks
 * (RO / RW / RW1C), reserved bits reading 0, the standard capability list
 * (PM, MSI, MSI-X, PCIe) built from the profile, BAR registers with real
 * sizing semantics, the expansion ROM BAR.
 */
#ifndef VFSIM_CFG_H
#define VFSIM_CFG_H

#include <stddef.h>
#include <stdint.h>
#include "profile.h"

struct cfg_space;

int cfg_new(const struct vfsim_profile *p, struct cfg_space **ret);
void cfg_free(struct cfg_space *c);
void cfg_reset(struct cfg_space *c);
uint32_t cfg_size(const struct cfg_space *c);		/* 256 or 4096 */
/* Read/write at @off. Out of range (off + len > size) -> -EINVAL; returns len.
 * Any length 1..size is accepted (vfio-pci splits into aligned dwords itself). */
int cfg_read(const struct cfg_space *c, uint32_t off, void *buf, size_t len);
int cfg_write(struct cfg_space *c, uint32_t off, const void *buf, size_t len);
/* Capability offsets (0 = absent); id is a PCI_CAP_ID_* value. */
uint8_t cfg_cap_offset(const struct cfg_space *c, uint8_t id);
/* Raw bytes, for migration and compare. */
const uint8_t *cfg_bytes(const struct cfg_space *c);
/* Overwrite the whole space from a migration stream: len must equal size and
 * every read-only bit must equal this device's (else the stream describes
 * another device), -EINVAL otherwise, as QEMU's get_pci_config_device. */
int cfg_load(struct cfg_space *c, const uint8_t *bytes, size_t len);

#endif
