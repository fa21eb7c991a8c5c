/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conformance cases: a vfio-user client's reactions to a misbehaving server.
 */
#include "conf.h"

static const struct conf_case cases[] = {
	{ NULL, NULL, 0, NULL, NULL, NULL, NULL },
};

const struct conf_table conf_vu_client_react_table = { cases, 0 };
