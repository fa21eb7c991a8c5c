/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conformance cases: kernel-uAPI rules on containers, groups, device fds, argsz, region and IRQ info, hot reset, IOEVENTFD and the SET_IRQS matrix.
 */
#include "conf.h"

static const struct conf_case cases[] = {
	{ NULL, NULL, 0, NULL, NULL, NULL, NULL },
};

const struct conf_table conf_uapi_extra_table = { cases, 0 };
