/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conformance cases: the server MUST rules the other tables leave uncovered: sockets and framing, argsz, VERSION, region info layout, IRQ wiring.
 */
#include "conf.h"

static const struct conf_case cases[] = {
	{ NULL, NULL, 0, NULL, NULL, NULL, NULL },
};

const struct conf_table conf_vu_extra_table = { cases, 0 };
