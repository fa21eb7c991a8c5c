/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `vfsim serve PROFILE --socket PATH [options]`: serve the simulated device
 * over vfio-user on a UNIX socket (mode 0600), one client at a time; a
 * reconnecting client finds the device state as the last one left it.
 * SIGTERM and SIGINT shut it down cleanly; it never daemonizes.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "include/vfsim.h"
#include "cli.h"

static volatile int serve_stop;

static void serve_on_signal(int sig)
{
	(void)sig;
	serve_stop = 1;
}

static const struct {
	const char *name;
	unsigned bit;
} serve_quirks[] = {
	{ "qemu-dma", VFSIM_VU_QUIRK_QEMU_DMA },
	{ "iofds-48", VFSIM_VU_QUIRK_IOFDS_48 },
	{ "error-payload", VFSIM_VU_QUIRK_ERROR_PAYLOAD },
};

#define SERVE_USAGE                                                                                  \
	"usage: vfsim serve PROFILE --socket PATH [--max-msg-fds N] [--max-data-xfer-size N]\n"      \
	"                   [--max-dma-maps N] [--pgsizes N] [--twin-socket] [--write-multiple]\n"   \
	"                   [--quirk qemu-dma|iofds-48|error-payload]... [--fault NAME[,NAME...]]\n"

/* A number option: decimal or 0x hex, within [1, max]. */
static int serve_number(const char *opt, const char *s, uint64_t max, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end || v < 1 || v > max) {
		fprintf(stderr, "vfsim serve: %s: not a number in 1..%llu: '%s'\n", opt, (unsigned long long)max, s);
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

static int serve_parse(int argc, char **argv, const char **ret_profile, const char **ret_socket,
		       struct vfsim_vu_server_config *cfg)
{
	uint64_t v;
	int i;
	size_t q;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--twin-socket")) {
			cfg->twin_socket = true;
			continue;
		}
		if (!strcmp(a, "--write-multiple")) {
			cfg->write_multiple = true;
			continue;
		}
		if (a[0] != '-') {
			if (*ret_profile) {
				fprintf(stderr, "vfsim serve: one PROFILE only ('%s')\n", a);
				return -EINVAL;
			}
			*ret_profile = a;
			continue;
		}
		if (!val) {
			fprintf(stderr, "vfsim serve: %s needs a value\n", a);
			return -EINVAL;
		}
		i++;
		if (!strcmp(a, "--socket")) {
			*ret_socket = val;
		} else if (!strcmp(a, "--max-msg-fds")) {
			if (serve_number(a, val, 1024, &v) < 0)
				return -EINVAL;
			cfg->max_msg_fds = (uint32_t)v;
		} else if (!strcmp(a, "--max-data-xfer-size")) {
			if (serve_number(a, val, 64u << 20, &v) < 0)
				return -EINVAL;
			cfg->max_data_xfer_size = (uint32_t)v;
		} else if (!strcmp(a, "--max-dma-maps")) {
			if (serve_number(a, val, 65535, &v) < 0)
				return -EINVAL;
			cfg->max_dma_maps = (uint32_t)v;
		} else if (!strcmp(a, "--pgsizes")) {
			if (serve_number(a, val, UINT64_MAX, &v) < 0)
				return -EINVAL;
			if (v & 0xfff) {
				fprintf(stderr, "vfsim serve: --pgsizes: the low 12 bits must be 0 (0x%llx)\n",
					(unsigned long long)v);
				return -EINVAL;
			}
			cfg->pgsizes = v;
		} else if (!strcmp(a, "--quirk")) {
			for (q = 0; q < sizeof(serve_quirks) / sizeof(serve_quirks[0]); q++)
				if (!strcmp(val, serve_quirks[q].name))
					break;
			if (q == sizeof(serve_quirks) / sizeof(serve_quirks[0])) {
				fprintf(stderr, "vfsim serve: unknown quirk '%s'\n", val);
				return -EINVAL;
			}
			cfg->quirks |= serve_quirks[q].bit;
		} else if (!strcmp(a, "--fault")) {
			char err[160];
			uint64_t mask;

			if (vfsim_fault_parse(val, VFSIM_FAULT_AT_SERVER, &mask, err, sizeof(err)) < 0) {
				fprintf(stderr, "vfsim serve: --fault: %s\n", err);
				return -EINVAL;
			}
			cfg->faults |= mask;
		} else {
			fprintf(stderr, "vfsim serve: unknown option '%s'\n", a);
			return -EINVAL;
		}
	}
	if (!*ret_profile || !*ret_socket) {
		fprintf(stderr, "vfsim serve: PROFILE and --socket PATH are required\n");
		return -EINVAL;
	}
	return 0;
}

int cli_serve(int argc, char **argv)
{
	struct vfsim_vu_server_config cfg = { 0 };
	struct vfsim_vu_server *srv = NULL;
	struct vfsim_profile *p = NULL;
	struct vfsim_dev *dev = NULL;
	const char *profile = NULL, *socket_path = NULL;
	struct sigaction sa;
	char err[512];
	int r, status = CLI_EXIT_FAIL;

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf(SERVE_USAGE);
		return 0;
	}
	if (serve_parse(argc, argv, &profile, &socket_path, &cfg) < 0) {
		fprintf(stderr, SERVE_USAGE);
		return CLI_EXIT_USAGE;
	}
	r = vfsim_profile_load(profile, &p, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "vfsim serve: %s\n", err);
		return CLI_EXIT_FAIL;
	}
	r = vfsim_dev_new(p, &dev);
	if (r == 0)
		r = vfsim_vu_server_new(dev, &cfg, &srv);
	if (r < 0) {
		fprintf(stderr, "vfsim serve: %s: cannot build the server: %s\n", profile, strerror(-r));
		goto out;
	}
	/* no SA_RESTART: the server's poll returns at once on a signal */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = serve_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	fprintf(stderr, "vfsim serve: %s on %s\n", vfsim_profile_name(p), socket_path);
	r = vfsim_vu_server_listen(srv, socket_path, &serve_stop);
	if (r < 0)
		fprintf(stderr, "vfsim serve: %s: %s\n", socket_path, strerror(-r));
	else
		status = 0;
out:
	vfsim_vu_server_free(srv);
	vfsim_dev_free(dev);
	vfsim_profile_free(p);
	return status;
}
