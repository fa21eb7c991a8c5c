/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conformance cases: what a vfio-user client sends, judged message by message.
 */
#include "conf.h"

static const struct conf_case cases[] = {
	{ NULL, NULL, 0, NULL, NULL, NULL, NULL },
};

const struct conf_table conf_vu_client_msg_table = { cases, 0 };

/* Every client-role table, in report order. */
const struct conf_table *const conf_vu_client_tables[] = {
	&conf_vu_client_msg_table,
	&conf_vu_client_react_table,
};
const size_t conf_vu_client_ntables = sizeof(conf_vu_client_tables) / sizeof(conf_vu_client_tables[0]);
