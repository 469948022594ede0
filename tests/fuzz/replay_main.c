// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay_main.c - run a fuzz target over its corpus without libFuzzer
 *
 * Linked with each target into tests/fuzz/replay_*, which make check runs under the test
 * build's sanitizers: every seed and every input that once crashed a target (kept in its
 * corpus directory) is a regression test in every CI run, with gcc, no clang needed.
 * Arguments: files or directories; none means FUZZ_CORPUS, set at build time.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long len;

	if (!f) {
		(void)fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) < 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
		(void)fclose(f);
		return -1;
	}
	buf = malloc((size_t)len + 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		(void)fclose(f);
		return -1;
	}
	(void)fclose(f);
	(void)LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	return 0;
}

static int run_path(const char *path, unsigned int *n)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int r = 0;

	if (stat(path, &st) < 0) {
		(void)fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*n)++;
		return run_file(path);
	}
	d = opendir(path);
	if (!d)
		return -1;
	while (r == 0 && (de = readdir(d))) {
		char sub[4096];

		if (de->d_name[0] == '.')
			continue;
		(void)snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		r = run_path(sub, n);
	}
	(void)closedir(d);
	return r;
}

int main(int argc, char **argv)
{
	unsigned int n = 0;
	int i;

	if (argc < 2) {
		if (run_path(FUZZ_CORPUS, &n) < 0)
			return 1;
	}
	for (i = 1; i < argc; i++)
		if (run_path(argv[i], &n) < 0)
			return 1;
	(void)printf("%u inputs replayed, no crash\n", n);
	return n ? 0 : 1;
}
