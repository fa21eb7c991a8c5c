/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The replay driver: a main() for fuzz targets built without libFuzzer. Each
 * argument is a file or a directory (its regular files, in name order); each
 * file, up to FUZZ_MAX_LEN bytes (longer ones are cut, as -max_len does), is
 * passed once to LLVMFuzzerTestOneInput. A crash, a sanitizer report or a
 * valgrind error fails the meson test. A missing directory is empty (a
 * target may have no regression inputs yet). Prints one cmocka-style line per
 * argument so ci/test counts it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

/* Custom mutators call this; replay never mutates. */
__attribute__((weak)) size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size)
{
	return size;
}

static uint8_t replay_buf[FUZZ_MAX_LEN];

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(replay_buf, 1, sizeof(replay_buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(replay_buf, n);
	return 0;
}

static int replay_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Returns the number of inputs replayed, or -1 on an unreadable file. */
static long replay_path(const char *path)
{
	struct dirent **names;
	struct stat st;
	long count = 0;
	int n, i;

	if (stat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return replay_file(path) < 0 ? -1 : 1;
	n = scandir(path, &names, NULL, replay_cmp);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		char file[4096];

		snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
		if (names[i]->d_name[0] != '.' && stat(file, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(file) < 0)
				count = -1;
			else if (count >= 0)
				count++;
		}
		free(names[i]);
	}
	free(names);
	return count;
}

int main(int argc, char **argv)
{
	int i, bad = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	printf("[==========] replaying %d path(s)\n", argc - 1);
	for (i = 1; i < argc; i++) {
		long n = replay_path(argv[i]);

		if (n < 0) {
			printf("[  FAILED  ] %s\n", argv[i]);
			bad = 1;
		} else {
			printf("[       OK ] %s (%ld inputs)\n", argv[i], n);
		}
	}
	return bad;
}
