/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conformance cases: DEVICE_FEATURE (MIGRATION, DMA logging, low power) against a vfio-user server.
 */
#include "conf.h"

static const struct conf_case cases[] = {
	{ NULL, NULL, 0, NULL, NULL, NULL, NULL },
};

const struct conf_table conf_vu_feature_table = { cases, 0 };
