/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conformance cases: the migration state machine and MIG_DATA_READ/WRITE against a vfio-user server.
 */
#include "conf.h"

static const struct conf_case cases[] = {
	{ NULL, NULL, 0, NULL, NULL, NULL, NULL },
};

const struct conf_table conf_vu_mig_table = { cases, 0 };
