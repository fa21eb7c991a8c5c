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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Little-endian fields of fuzzer input (the wire's byte order), unaligned. */
static inline uint16_t fz_rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t fz_rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t fz_rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* An oracle's verdict: anything but @ok is a finding (abort, so libFuzzer
 * keeps the input). */
static inline void fz_check(bool ok)
{
	if (!ok)
		abort();
}

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "fixtures"
/* The path of fixture @rel ("devices/dmaengine.json") in @buf: under
 * FIXTURES_DIR (the source tree) when it is there, else under "fixtures"
 * beside the binary (where fuzz/oss-fuzz/build.sh puts them in $OUT). */
static inline const char *fuzz_fixture(const char *rel, char *buf, size_t len)
{
	ssize_t n;
	char *slash;

	snprintf(buf, len, "%s/%s", FIXTURES_DIR, rel);
	if (access(buf, R_OK) == 0)
		return buf;
	n = readlink("/proc/self/exe", buf, len - 1);
	if (n <= 0)
		return buf;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash)
		snprintf(slash + 1, len - (size_t)(slash + 1 - buf), "fixtures/%s", rel);
	return buf;
}

#endif

/* The input bound every target assumes (also -max_len in the .options files). */
#define FUZZ_MAX_LEN (64u * 1024)


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional (weak in replay.c): once before the first input. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
/* Optional, for structure-aware targets: libFuzzer's hook and its helper. */
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

/* The path of fixture @rel ("devices/dmaengine.json") in @buf: under
 * FIXTURES_DIR (the source tree) when it is there, else under "fixtures"
 * beside the binary (where fuzz/oss-fuzz/build.sh puts them in $OUT). */
static inline const char *fuzz_fixture(const char *rel, char *buf, size_t len)
{
	ssize_t n;
	char *slash;

	snprintf(buf, len, "%s/%s", FIXTURES_DIR, rel);
	if (access(buf, R_OK) == 0)
		return buf;
	n = readlink("/proc/self/exe", buf, len - 1);
	if (n <= 0)
		return buf;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash)
		snprintf(slash + 1, len - (size_t)(slash + 1 - buf), "fixtures/%s", rel);
	return buf;
}

#endif
