/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conformance cases: server-initiated DMA (DMA_READ/DMA_WRITE) and GET_REGION_IO_FDS against a vfio-user server.
 */
#include "conf.h"

static const struct conf_case cases[] = {
	{ NULL, NULL, 0, NULL, NULL, NULL, NULL },
};

const struct conf_table conf_vu_dma_table = { cases, 0 };
