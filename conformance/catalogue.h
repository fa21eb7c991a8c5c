/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The conformance rule catalogue: one row per rule the suite judges, as data
 * (rules/<area>.def, X-macro lines), each with its level, the roles it
 * applies to, the spec reference it cites and one line of text. Cases
 * (cases-<area>.c) name a rule by id; the report groups verdicts by rule.
 *
 * A row: CRULE(ID, LEVEL, ROLES, "reference", "text")
 *   ID     a stable C identifier that spells the printed id with '_' for '-':
 *          VU_TR_01 prints as "VU-TR-01"; never renumbered
 *   LEVEL  MUST | SHOULD | MAY | IMPL (IMPL-DEFINED)
 *   ROLES  SERVER | CLIENT | UAPI, or'ed (the side under test)
 *   ref    "vfio-user.rst 1.3" / "digest 6.A TR-01" / "vfio.h VFIO_DEVICE_SET_IRQS"
 *          / "vfio_pci_core.c: vfio_pci_ioctl_get_irq_info" (where the rule comes from)
 */
#ifndef VFSIM_CONF_CATALOGUE_H
#define VFSIM_CONF_CATALOGUE_H

#include <stddef.h>

enum conf_level { CONF_MUST, CONF_SHOULD, CONF_MAY, CONF_IMPL };

enum conf_role {
	CONF_ROLE_SERVER = 1u << 0,	/* a vfio-user server is judged */
	CONF_ROLE_CLIENT = 1u << 1,	/* a vfio-user client is judged */
	CONF_ROLE_UAPI = 1u << 2,	/* the kernel-uAPI model (or a kernel) is judged */
};

struct conf_rule {
	const char *id;		/* "VU-TR-01" */
	enum conf_level level;
	unsigned roles;		/* enum conf_role bits */
	const char *ref;
	const char *text;
};

size_t conf_rule_count(void);
const struct conf_rule *conf_rule_at(size_t i);
/* NULL when no rule has @id. */
const struct conf_rule *conf_rule_find(const char *id);
const char *conf_level_name(enum conf_level l);	/* "MUST", "SHOULD", "MAY", "IMPL-DEFINED" */

#endif
