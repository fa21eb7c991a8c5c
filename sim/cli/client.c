/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `vfsim client --socket PATH`: probe a vfio-user server and print what it
 * found: the negotiated version and capabilities, then the same device view
 * as `vfsim info` (show.c) learnt over the socket: config space through
 * REGION_READ/WRITE of region 7, regions with their capability chains,
 * IRQs, features. With --exercise it runs a finite workload instead
 * (exercise.c) and says only what failed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "include/vfsim.h"
#include "cli.h"
#include "show.h"

#define CLIENT_MAX_ARGSZ 65536		/* region info buffer: larger replies are not believed */

struct client {
	struct vfsim_vu_client *c;
	struct show show;
	char label[160];
};

static int client_cfg_rw(void *o, unsigned off, uint32_t *val, bool write)
{
	struct client *cl = o;
	int n = write ? vfsim_vu_client_region_write(cl->c, VFIO_PCI_CONFIG_REGION_INDEX, off, val, 4)
		      : vfsim_vu_client_region_read(cl->c, VFIO_PCI_CONFIG_REGION_INDEX, off, val, 4);

	return n == 4 ? 0 : n < 0 ? n : -EIO;
}

static int client_cfg_read(void *o, uint8_t *buf, uint32_t len)
{
	struct client *cl = o;
	int n = vfsim_vu_client_region_read(cl->c, VFIO_PCI_CONFIG_REGION_INDEX, 0, buf, len);

	return n == (int)len ? 0 : n < 0 ? n : -EIO;
}

static int client_region_info(void *o, unsigned index, struct vfio_region_info **ret)
{
	struct client *cl = o;
	struct vfio_region_info *ri = calloc(1, CLIENT_MAX_ARGSZ), *small;
	int fd = -1, n;

	if (!ri)
		return -ENOMEM;
	n = vfsim_vu_client_get_region_info(cl->c, index, ri, CLIENT_MAX_ARGSZ, &fd);
	if (fd >= 0)
		close(fd);	/* the probe maps nothing */
	if (n < 0) {
		free(ri);
		return n;
	}
	if ((size_t)n < sizeof(*ri)) {
		free(ri);
		return -EPROTO;
	}
	ri->argsz = (uint32_t)n;	/* the chain walk stays inside what we own */
	small = realloc(ri, (size_t)n);
	*ret = small ? small : ri;
	return 0;
}

static int client_irq_info(void *o, struct vfio_irq_info *ii)
{
	struct client *cl = o;

	return vfsim_vu_client_get_irq_info(cl->c, ii->index, &ii->flags, &ii->count);
}

static int client_feature(void *o, uint32_t flags, void *data, size_t len)
{
	struct client *cl = o;
	uint64_t buf[8] = { 0 };
	struct vfio_device_feature *f = (struct vfio_device_feature *)buf;
	int n;

	if (sizeof(*f) + len > sizeof(buf))
		return -EINVAL;
	f->argsz = (uint32_t)(sizeof(*f) + len);
	f->flags = flags;
	n = vfsim_vu_client_feature(cl->c, f, sizeof(*f), sizeof(*f) + len);
	if (n < 0)
		return n;
	if (data) {
		if ((size_t)n < sizeof(*f) + len)
			return -EPROTO;
		memcpy(data, f->data, len);
	}
	return 0;
}

static const struct show_ops client_ops = {
	.cfg_rw = client_cfg_rw,
	.cfg_read = client_cfg_read,
	.region_info = client_region_info,
	.irq_info = client_irq_info,
	.feature = client_feature,
};

#define CLIENT_USAGE                                                                               \
	"usage: vfsim client --socket PATH [--exercise] [--twin-socket] [--timeout MS]\n"           \
	"                    [--max-msg-fds N] [--max-data-xfer-size N] [--fault NAME[,NAME...]]\n"

/* A number option: decimal or 0x hex, within [@min, @max]. */
static int client_number(const char *opt, const char *s, unsigned long min, unsigned long max,
			 uint32_t *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || !*s || *end || s[0] == '-' || v < min || v > max) {
		fprintf(stderr, "vfsim client: %s: not a number in %lu..%lu: '%s'\n", opt, min, max, s);
		return -EINVAL;
	}
	*ret = (uint32_t)v;
	return 0;
}

static int client_parse(int argc, char **argv, const char **ret_path, bool *ret_exercise,
			struct vfsim_vu_client_config *cfg)
{
	char err[256];
	uint32_t v;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--twin-socket")) {
			cfg->twin_socket = true;
		} else if (!strcmp(a, "--exercise")) {
			*ret_exercise = true;
		} else if (!strcmp(a, "--socket") && val) {
			*ret_path = val;
			i++;
		} else if (!strcmp(a, "--timeout") && val) {
			if (client_number(a, val, 1, INT32_MAX, &v) < 0)
				return -EINVAL;
			cfg->timeout_ms = (int)v;
			i++;
		} else if (!strcmp(a, "--max-msg-fds") && val) {
			/* the protocol's bound; the library clamps to what it can receive */
			if (client_number(a, val, 1, 1024, &cfg->max_msg_fds) < 0)
				return -EINVAL;
			i++;
		} else if (!strcmp(a, "--max-data-xfer-size") && val) {
			if (client_number(a, val, 1, 64u << 20, &cfg->max_data_xfer_size) < 0)
				return -EINVAL;
			i++;
		} else if (!strcmp(a, "--fault") && val) {
			uint64_t mask = 0;

			if (vfsim_fault_parse(val, VFSIM_FAULT_AT_CLIENT, &mask, err, sizeof(err)) < 0) {
				fprintf(stderr, "vfsim client: --fault: %s\n", err);
				return -EINVAL;
			}
			cfg->faults |= mask;
			i++;
		} else {
			fprintf(stderr, "vfsim client: unknown or incomplete option '%s'\n%s", a, CLIENT_USAGE);
			return -EINVAL;
		}
	}
	if (!*ret_path) {
		fprintf(stderr, CLIENT_USAGE);
		return -EINVAL;
	}
	return 0;
}

int cli_client(int argc, char **argv)
{
	struct vfsim_vu_client_config cfg = { 0 };
	const struct vfsim_vu_server_info *si;
	const char *path = NULL;
	struct client *cl;
	uint32_t flags, nregions, nirqs;
	bool exercise = false;
	int i, r, status = CLI_EXIT_FAIL;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help")) {
			printf(CLIENT_USAGE);
			return 0;
		}
	if (client_parse(argc, argv, &path, &exercise, &cfg) < 0)
		return CLI_EXIT_USAGE;
	cl = calloc(1, sizeof(*cl));
	if (!cl)
		return CLI_EXIT_FAIL;
	r = vfsim_vu_client_connect(path, &cfg, &cl->c);
	if (r < 0) {
		int e = 0, rule = vfsim_last_rule(&e);

		fprintf(stderr, "vfsim client: %s: %s%s%s\n", path, strerror(-r), rule ? ": rule " : "",
			rule ? vfsim_rule_name(rule) : "");
		goto out;
	}
	if (exercise) {
		status = cli_exercise(cl->c, cfg.faults);
		goto out;
	}
	si = vfsim_vu_client_server_info(cl->c);
	printf("vfio-user server at %s: version %u.%u\n", path, si->major, si->minor);
	printf("\tcapabilities: max_msg_fds=%u max_data_xfer_size=%u max_dma_maps=%u pgsizes=0x%llx%s%s\n",
	       si->max_msg_fds, si->max_data_xfer_size, si->max_dma_maps, (unsigned long long)si->pgsizes,
	       si->twin_socket ? " twin_socket" : "", si->write_multiple ? " write_multiple" : "");
	r = vfsim_vu_client_get_info(cl->c, &flags, &nregions, &nirqs);
	if (r < 0) {
		fprintf(stderr, "vfsim client: DEVICE_GET_INFO: %s\n", strerror(-r));
		goto out;
	}
	snprintf(cl->label, sizeof(cl->label), "vfio-user:%s", path);
	cl->show.ops = &client_ops;
	cl->show.o = cl;
	cl->show.bdf = cl->label;
	if (show_device(&cl->show, "remote", flags, nregions, nirqs) == 0)
		status = 0;
out:
	vfsim_vu_client_free(cl->c);
	free(cl);
	return status;
}
