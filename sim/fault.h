/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fault injection, internal side: the ids of sim/faults.def as bit numbers,
 * and the one test every front end makes before it misbehaves.
 */
#ifndef VFSIM_FAULT_H
#define VFSIM_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "vfsim.h"

enum vfsim_fault_id {
#define FAULT(ID, name, where, rule, text) VFSIM_FAULT_##ID,
#define S VFSIM_FAULT_AT_SERVER
#define U VFSIM_FAULT_AT_UAPI
#define C VFSIM_FAULT_AT_CLIENT
#include "faults.def"
#undef FAULT
#undef S
#undef U
#undef C
	VFSIM_NFAULTS
};

_Static_assert(VFSIM_NFAULTS <= 64, "a fault mask is a uint64_t");

/* Is fault @id switched on in @mask? */
static inline bool vfsim_fault_on(uint64_t mask, enum vfsim_fault_id id)
{
	return (mask >> id) & 1u;
}

#endif
