/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Named rules. Every rejection of peer input (ioctl argument, profile JSON,
 * migration stream, later vfio-user messages) goes through vfsim_reject(),
 * which records the rule so tests and conformance reports can say *why*.
 *
 * Rules are X-macros, one file per module under rules/, so modules never edit
 * a shared list: RULE(ID, "reference", "one line of text").
 */
#ifndef VFSIM_RULES_H
#define VFSIM_RULES_H

enum vfsim_rule {
	RULE_NONE = 0,
#define RULE(id, ref, text) RULE_##id,
#include "rules/all.def"
#undef RULE
	RULE__COUNT
};

/* Record @rule as the reason for rejecting peer input; returns @err (a -errno). */
int vfsim_reject(enum vfsim_rule rule, int err);
/* Forget the last rejection (called at every public entry point). */
void vfsim_reject_clear(void);

#endif
