/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals of the vfio-user server (vfsim.h: "vfio-user server"), shared by
 *   vu-server.c         session, VERSION, the dispatch table, reply sending,
 *                       the queue of commands received during server DMA,
 *                       the epoll set, attach/detach/process/listen
 *   vu-server-dma.c     DMA_MAP/DMA_UNMAP, the window table, and the
 *                       server->client DMA_READ/DMA_WRITE path (dma_ops)
 *   vu-server-region.c  GET_INFO, GET_REGION_INFO, GET_REGION_IO_FDS and
 *                       its ioeventfds, REGION_READ/WRITE/WRITE_MULTI,
 *                       DEVICE_RESET
 *   vu-server-irq.c     GET_IRQ_INFO, SET_IRQS
 *   vu-server-mig.c     DEVICE_FEATURE, MIG_DATA_READ/WRITE
 *
 * A handler gets a message that passed vu_check_request and the table's
 * size and fd bounds; it fills a struct vu_srv_reply and returns 0, or
 * returns -errno (the rule named through vfsim_reject) for an error reply.
 * Fds a handler keeps are taken out of the message (set to -1); the rest
 * are closed with the message.
 */
#ifndef VFSIM_VU_SERVER_H
#define VFSIM_VU_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/vfsim.h"
#include "profile.h"
#include "vu-conn.h"
#include "vu-wire.h"

struct dma_space;

/* Commands queued while the server waits for a DMA reply on the main
 * socket (no twin): bounded in count and bytes; past either, the client is
 * dropped (order could not be kept otherwise). */
#define VU_SRV_QUEUE_MAX 64u
#define VU_SRV_QUEUE_BYTES (8u << 20)
/* Messages handled by one vfsim_vu_server_process call before it returns
 * (the listen loop calls again at once): a flooding client cannot pin it. */
#define VU_SRV_PROCESS_BUDGET 1024u
/* Largest VERSION message accepted before negotiation. */
#define VU_SRV_VERSION_MAX_MSG 65536u
/* Bound of a reply payload the server builds (region info, io fds, REPORT
 * bitmaps are checked against it; data replies against max_data_xfer_size). */
#define VU_SRV_REPLY_SMALL 64u

/* Fds one reply can carry: the twin end, a region's memfd, or one eventfd
 * per ioeventfd register of a BAR. */
#define VU_SRV_REPLY_FDS VFSIM_MAX_IOEVENTFDS
/* What the epoll set's entries carry (epoll_event.data.u32): the
 * connection, the twin, or VU_SRV_EV_IOEVENTFD + bar * VFSIM_MAX_IOEVENTFDS
 * + the register's position in the profile. */
#define VU_SRV_EV_CONN 0u
#define VU_SRV_EV_TWIN 1u
#define VU_SRV_EV_IOEVENTFD 2u
/* Everything the epoll set can hold at once. */
#define VU_SRV_EV_MAX (VU_SRV_EV_IOEVENTFD + 6u * VFSIM_MAX_IOEVENTFDS)

/* One DMA window the client mapped. */
struct vu_srv_win {
	uint64_t iova, size;
	int fd;				/* the client's fd, -1 without */
	void *map;			/* mmap of the fd (page-rounded), NULL without */
	size_t maplen;
	bool file_io;			/* fd reached with pread/pwrite (it could not be sealed) */
	uint64_t offset;		/* file offset of iova, for file_io */
};

struct vu_srv_queued {
	struct vu_msg msg;
	int rc;				/* what vu_conn_recv said: 0, -EMSGSIZE, -EBADMSG */
};

struct vu_srv_queue {
	struct vu_srv_queued e[VU_SRV_QUEUE_MAX];
	unsigned head, len;
	size_t bytes;
};

struct vfsim_vu_server {
	struct vfsim_dev *dev;			/* not owned */
	struct vfsim_vu_server_config cfg;	/* defaults filled in */
	struct vu_caps own;			/* what we advertise */
	int epfd;				/* vfsim_vu_server_fd: one per server */

	/* the attached client (conn == NULL: none) */
	struct vu_conn *conn;
	struct vu_conn *twin;			/* server->client commands, NULL without */
	bool negotiated;
	bool drop;				/* drop the client after the current message */
	struct vu_caps peer;
	struct dma_space *dma;			/* dev->dma while attached */
	struct vu_srv_win *wins;		/* sorted by iova */
	unsigned nwins, capwins;
	uint16_t dma_id;			/* msg_id of our next DMA_READ/WRITE */
	bool in_dma;				/* waiting for a DMA reply */
	struct vu_srv_queue q;
	uint32_t mig_session;			/* the data session the last SET opened */
	bool twin_watched;			/* the twin is in the epoll set */
	/* The eventfd of each ioeventfd register (prof.bars[i].ioeventfds[j]),
	 * -1 until GET_REGION_IO_FDS first hands it out; ours, closed at
	 * detach, so a new client never shares one with an old client. */
	int ioev[6][VFSIM_MAX_IOEVENTFDS];
	unsigned nioev;				/* how many of them are open */
};

struct vu_srv_reply {
	uint8_t *payload;		/* small or a heap buffer */
	uint32_t len;
	bool heap;
	uint8_t small[VU_SRV_REPLY_SMALL] __attribute__((aligned(8)));	/* u64 bitmaps land here */
	int fds[VU_SRV_REPLY_FDS];
	unsigned nfds;
	bool own_fds;			/* close fds after sending (the twin end) */
};

/* A zeroed reply payload of @len bytes (-ENOMEM). */
int vu_srv_reply_alloc(struct vu_srv_reply *rep, size_t len, uint8_t **ret);
/* The reply echoes the first @len bytes of the request. */
int vu_srv_reply_echo(struct vu_srv_reply *rep, const struct vu_msg *m, size_t len);

/* vu-server.c: attach a client over an in-memory transport instead of a
 * socket (fuzz-server and tests): @ops carry the bytes and fds, and with
 * no fd to poll the owner calls vfsim_vu_server_process after feeding.
 * Nothing can feed it while the server waits for a DMA reply, so a reply
 * the transport does not hold by then is a timeout at once. */
int vu_srv_attach_transport(struct vfsim_vu_server *s, const struct vu_conn_ops *ops);
/* vu-server.c: give a detached server a new config (checked as
 * vfsim_vu_server_new does) and forget what it carries from one client to
 * the next (DMA message ids, the migration data session), so that it
 * behaves as a new server on the same device (fuzz-server reuses one).
 * -EBUSY with a client attached, -EINVAL for a config new refuses. */
int vu_srv_reconfigure(struct vfsim_vu_server *s, const struct vfsim_vu_server_config *cfg);

typedef int (*vu_srv_handler)(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep);

/* vu-server-dma.c */
int vu_srv_dma_map(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep);
int vu_srv_dma_unmap(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep);
/* Create the connection's IOMMU space (with the message dma_ops) and
 * install it as dev->dma; and the reverse (every window released). */
int vu_srv_dma_attach(struct vfsim_vu_server *s);
void vu_srv_dma_detach(struct vfsim_vu_server *s);

/* vu-server-region.c */
int vu_srv_get_info(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep);
int vu_srv_region_info(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep);
int vu_srv_io_fds(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep);
int vu_srv_region_read(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep);
int vu_srv_region_write(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep);
int vu_srv_write_multi(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep);
int vu_srv_reset(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep);
/* An ioeventfd the epoll set reported (@tag - VU_SRV_EV_IOEVENTFD): read
 * it and, if it was signalled, perform its write into the BAR. */
void vu_srv_ioev_drain(struct vfsim_vu_server *s, uint32_t tag);
/* Close every ioeventfd (detach). */
void vu_srv_ioev_release(struct vfsim_vu_server *s);

/* vu-server.c: add @fd to the epoll set with @tag (-errno), and take it out
 * before the fd is closed (a copy the client holds would keep the entry). */
int vu_srv_watch(struct vfsim_vu_server *s, int fd, uint32_t tag);
void vu_srv_unwatch(struct vfsim_vu_server *s, int fd);

/* vu-server-irq.c */
int vu_srv_irq_info(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep);
int vu_srv_set_irqs(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep);

/* vu-server-mig.c */
int vu_srv_feature(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep);
int vu_srv_mig_read(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep);
int vu_srv_mig_write(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep);

/* vu-server.c: a client command that arrived while waiting for a DMA reply,
 * with what vu_conn_recv returned for it (taken over; -ENOBUFS and the
 * client is to be dropped when the queue is full). */
int vu_srv_queue_push(struct vfsim_vu_server *s, int rc, struct vu_msg *m);

#endif
