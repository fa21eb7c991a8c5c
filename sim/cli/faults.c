/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `vfsim faults`: the named deviations of the misbehaving endpoint
 * (sim/faults.def), one per line: name, where it applies, the rule the suite
 * should catch it by, and what goes wrong.
 */
#include <stdio.h>

#include "cli.h"
#include "vfsim.h"

int cli_faults(int argc, char **argv)
{
	const struct vfsim_fault_info *f;
	size_t n, i;

	if (argc > 1) {
		fprintf(stderr, "usage: vfsim faults\n");
		return CLI_EXIT_USAGE;
	}
	f = vfsim_faults(&n);
	for (i = 0; i < n; i++) {
		char where[16];

		snprintf(where, sizeof(where), "%s%s%s", f[i].where & VFSIM_FAULT_AT_SERVER ? "S" : "",
			 f[i].where & VFSIM_FAULT_AT_UAPI ? "U" : "", f[i].where & VFSIM_FAULT_AT_CLIENT ? "C" : "");
		printf("%-24s %-3s %-12s %s\n", f[i].name, where, f[i].rule, f[i].text);
	}
	printf("(S: vfsim serve --fault, U: the kernel-uAPI model, C: vfsim client --fault; "
	       "vfsim check --fault runs the suite against S and U)\n");
	return 0;
}
