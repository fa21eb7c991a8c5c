/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fault table (sim/faults.def) and the parser of `--fault NAME[,NAME...]`.
 * The deviations themselves live in the front ends, each behind
 * vfsim_fault_on(); this file only names them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fault.h"

#define S VFSIM_FAULT_AT_SERVER
#define U VFSIM_FAULT_AT_UAPI
#define C VFSIM_FAULT_AT_CLIENT
static const struct vfsim_fault_info fault_table[] = {
#define FAULT(ID, name, where, rule, text) { name, where, rule, text },
#include "faults.def"
#undef FAULT
};
#undef S
#undef U
#undef C

const struct vfsim_fault_info *vfsim_faults(size_t *ret_n)
{
	*ret_n = sizeof(fault_table) / sizeof(fault_table[0]);
	return fault_table;
}

static const char *fault_where_name(unsigned where)
{
	switch (where) {
	case VFSIM_FAULT_AT_SERVER:
		return "the vfio-user server";
	case VFSIM_FAULT_AT_UAPI:
		return "the kernel-uAPI model";
	case VFSIM_FAULT_AT_CLIENT:
		return "the vfio-user client";
	default:
		return "this front end";
	}
}

int vfsim_fault_parse(const char *list, unsigned where, uint64_t *ret_mask, char *err, size_t errlen)
{
	uint64_t mask = 0;
	const char *p = list;

	if (err && errlen)
		err[0] = '\0';
	while (p && *p) {
		size_t len = strcspn(p, ",");
		size_t i;

		for (i = 0; i < VFSIM_NFAULTS; i++)
			if (strlen(fault_table[i].name) == len && !strncmp(fault_table[i].name, p, len))
				break;
		if (len == 0 || i == VFSIM_NFAULTS) {
			if (err)
				snprintf(err, errlen, "unknown fault '%.*s' (vfsim faults lists them)", (int)len, p);
			return -EINVAL;
		}
		if (where && !(fault_table[i].where & where)) {
			if (err)
				snprintf(err, errlen, "fault '%s' does not apply to %s", fault_table[i].name,
					 fault_where_name(where));
			return -EINVAL;
		}
		mask |= 1ull << i;
		p += len;
		if (*p == ',')
			p++;
	}
	*ret_mask = mask;
	return 0;
}
