/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vfio-user client's internals, shared by its files: vu-client.c (the
 * connection, VERSION negotiation and the request/reply engine that serves
 * server->client requests while it waits), vu-client-ops.c (the commands of
 * the public API) and vu-client-dma.c (registered memory, DMA_MAP/UNMAP and
 * serving DMA_READ/DMA_WRITE against it). Tests include this header.
 */
#ifndef VFSIM_VU_CLIENT_H
#define VFSIM_VU_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "include/vfsim.h"
#include "vu-conn.h"
#include "vu-wire.h"

/* Bounds of this client, not of the protocol. */
#define VU_CLI_DEFAULT_MAX_MSG_FDS 8u
#define VU_CLI_DEFAULT_TIMEOUT_MS 5000
#define VU_CLI_MAX_INFO 65536u		/* largest region-info / feature reply we ask for */
#define VU_CLI_REGION_FIRST_ARGSZ 32u	/* first GET_REGION_INFO asks for the fixed part, as QEMU */
#define VU_CLI_REGION_ATTEMPTS 3u	/* the first request and at most two argsz retries */
#define VU_CLI_MAX_WINDOWS 1024u	/* registered DMA windows */
#define VU_CLI_MAX_REGIONS 100u		/* QEMU hw/vfio-user: a server reporting more is refused */
#define VU_CLI_MAX_IRQS 50u
#define VU_CLI_MAX_JSON 4096u		/* our capabilities JSON */
#define VU_CLI_MAX_SERVE 64u		/* server requests served per vfsim_vu_client_process */

/* One registered window of client memory (memfd-backed, MAP_SHARED). */
struct vu_cli_win {
	uint64_t iova, size;
	uint32_t prot;			/* VU_DMA_MAP_READ | VU_DMA_MAP_WRITE */
	uint8_t *mem;
};

struct vfsim_vu_client {
	struct vu_conn *conn;
	struct vu_conn *twin;		/* server->client commands when negotiated (§2.4) */
	struct vu_caps own, peer;
	struct vfsim_vu_server_info info;
	unsigned quirks;
	uint64_t faults;		/* cfg->faults (sim/fault.h) */
	uint16_t seen_major;		/* the VERSION reply's major as received (client-major-accepted) */
	int timeout_ms;
	uint16_t next_id;
	int broken;			/* 0, or the -errno that ended the connection */
	int serve_rule;			/* rule of the last refused server request (tests) */
	unsigned served;		/* server requests answered (tests) */
	struct vu_cli_win *wins;
	unsigned nwins, capwins;
};

/* A client->server exchange: @req_payload/@req_len and @fds go out; the
 * validated reply comes back in @ret (release with vu_msg_release). Returns
 * 0, the server's -error, or a transport/protocol -errno. Server requests
 * that arrive meanwhile are served. */
int vu_cli_call(struct vfsim_vu_client *c, uint16_t cmd, const void *req_payload, uint32_t req_len,
		const int *fds, unsigned nfds, struct vu_msg *ret);
/* The same with extra header @flags (VU_FLAGS_NO_REPLY for the
 * client-no-reply-read fault). */
int vu_cli_call_flags(struct vfsim_vu_client *c, uint16_t cmd, uint32_t flags, const void *req_payload,
		      uint32_t req_len, const int *fds, unsigned nfds, struct vu_msg *ret);
/* The same without keeping the reply (commands whose reply carries nothing
 * the caller needs beyond what vu_check_reply verified). */
int vu_cli_call_noreply(struct vfsim_vu_client *c, uint16_t cmd, const void *req_payload, uint32_t req_len,
			const int *fds, unsigned nfds);

/* Should a server->client command with header @h be answered (§1.6)? */
bool vu_cli_wants_reply(const struct vfsim_vu_client *c, const struct vu_hdr *h);
/* Answer one server->client command @m (DMA_READ/DMA_WRITE) on @conn. */
int vu_cli_dma_serve(struct vfsim_vu_client *c, struct vu_conn *conn, struct vu_msg *m);
/* Unmap and free every registered window (no message). */
void vu_cli_dma_free_all(struct vfsim_vu_client *c);

/* The largest reply payload this client accepts with the current limits. */
uint32_t vu_cli_max_reply(const struct vfsim_vu_client *c);

#endif
