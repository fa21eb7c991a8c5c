/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device view printed by `vfsim info` and `vfsim client` (show.c), and
 * the operations a front end provides to reach the device.
 */
#ifndef VFSIM_CLI_SHOW_H
#define VFSIM_CLI_SHOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/vfio.h>

struct show_ops {
	/* one dword of config space at @off */
	int (*cfg_rw)(void *o, unsigned off, uint32_t *val, bool write);
	/* the first @len bytes of config space: 0 or -errno */
	int (*cfg_read)(void *o, uint8_t *buf, uint32_t len);
	/* region info with its capability chain, malloc'd; argsz = bytes owned */
	int (*region_info)(void *o, unsigned index, struct vfio_region_info **ret);
	int (*irq_info)(void *o, struct vfio_irq_info *ii);
	/* DEVICE_FEATURE @flags; @data (may be NULL) receives @len bytes of reply data */
	int (*feature)(void *o, uint32_t flags, void *data, size_t len);
};

struct show {
	const struct show_ops *ops;
	void *o;
	const char *bdf;		/* the address printed in the first line */
	uint32_t cfg_size;
	uint8_t cfg[4096];
};

/* Print the whole view; 0 or -errno (already reported on stderr). */
int show_device(struct show *in, const char *name, uint32_t dev_flags, uint32_t nregions, uint32_t nirqs);

#endif
