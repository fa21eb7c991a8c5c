/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What every fuzz target defines (libFuzzer's interface), and what the replay
 * driver (replay.c) gives the targets that are built without libFuzzer.
 *
 * A target is one fuzz-<name>.c. With -Dfuzzing=true (clang) it links
 * libFuzzer; it is always also linked with replay.c into fuzz-<name>-replay,
 * which runs every file of the directories or files it is given through
 * LLVMFuzzerTestOneInput, so gcc builds, valgrind and `meson test --suite
 * fuzz-replay` re-run the seed corpus and every regression input.
 *
 * Targets must be deterministic, leave no fd, memory or child behind after
 * each input, and bound all they do by the input's size.
 */
#ifndef VFSIM_FUZZ_H
#define VFSIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* The input bound every target assumes (also -max_len in the .options files). */
#define FUZZ_MAX_LEN (64u * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional (weak in replay.c): once before the first input. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
/* Optional, for structure-aware targets: libFuzzer's hook and its helper. */
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

#endif
