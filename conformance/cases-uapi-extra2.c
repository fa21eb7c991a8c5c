/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conformance cases: kernel-uAPI rules on DEVICE_FEATURE, migration, data fds, DMA logging and the type1 IOMMU.
 */
#include "conf.h"

static const struct conf_case cases[] = {
	{ NULL, NULL, 0, NULL, NULL, NULL, NULL },
};

const struct conf_table conf_uapi_extra2_table = { cases, 0 };
