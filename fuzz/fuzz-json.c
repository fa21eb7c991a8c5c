/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target 7: the two JSON readers peers and users feed us. The first
 * input byte picks the reader; the rest is the document:
 *  - even: a device profile (vfsim_profile_parse, the loader behind
 *    --profile); an accepted profile must also build a device;
 *  - odd: the capabilities JSON of a VERSION message (vu_caps_parse); an
 *    accepted one must survive a round trip through vu_caps_emit and parse
 *    to the same limits.
 * Invariants beyond "no crash": a rejection names a rule and writes an error
 * message; an acceptance is a fixed point of emit/parse.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "include/vfsim.h"
#include "rules.h"
#include "vu-wire.h"

static void fuzz_profile(const uint8_t *data, size_t size)
{
	struct vfsim_profile *p = NULL;
	struct vfsim_dev *dev = NULL;
	char err[256] = "";

	if (vfsim_profile_parse((const char *)data, size, "fuzz", &p, err, sizeof(err)) < 0) {
		if (!err[0])
			abort();	/* a rejection always says why */
		return;
	}
	if (vfsim_dev_new(p, &dev) == 0)
		vfsim_dev_free(dev);
	vfsim_profile_free(p);
}

static void fuzz_caps(const uint8_t *data, size_t size)
{
	struct vu_caps a, b;
	char buf[4096];
	int n;

	if (vu_caps_parse((const char *)data, size, &a) < 0) {
		if (!vfsim_last_rule(NULL))
			abort();	/* every rejection names its rule */
		return;
	}
	n = vu_caps_emit(&a, buf, sizeof(buf));
	if (n < 0)
		return;
	if (vu_caps_parse(buf, (size_t)n, &b) < 0)	/* n counts the NUL */
		abort();	/* what we emit we must accept */
	if (a.max_msg_fds != b.max_msg_fds || a.max_data_xfer_size != b.max_data_xfer_size ||
	    a.max_dma_maps != b.max_dma_maps || a.pgsizes != b.pgsizes ||
	    a.write_multiple != b.write_multiple || a.twin_socket != b.twin_socket)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size || size > FUZZ_MAX_LEN)
		return 0;
	if (data[0] & 1)
		fuzz_caps(data + 1, size - 1);
	else
		fuzz_profile(data + 1, size - 1);
	return 0;
}
