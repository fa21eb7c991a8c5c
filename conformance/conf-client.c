/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vfio-user client target: the proxy between a client under test and the
 * built-in server, and the judges of its recording (conf.h).
 */
#include "conf.h"
