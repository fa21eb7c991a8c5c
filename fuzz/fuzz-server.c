/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target 2: a whole vfio-user server session. The input is a list of
 * client messages, sent in order into an in-process vfsim_vu_server for the
 * dmaengine device (fixtures/devices/dmaengine.json, its BAR2 and ROM made
 * small: fzs_shrink), with state carried
 * from one message to the next. The process has one device and one
 * server; each input gets them back as new: the device renewed to power-on
 * state (dev_renew: the region memfds stay, with their contents reset) and
 * the server reconfigured with what the input asks for (vu_srv_reconfigure).
 * FUZZ_SERVER_CHECK_RENEW checks, for every input replayed, that this is
 * as good as a fresh device and server.
 *
 * Input framing (little endian):
 *   input  = opts:u8 record*
 *   record = len:u16 ctl:u8 bytes[len]     (a truncated last record is cut)
 *   opts   bit 0   send a canned, valid VERSION first (gets past negotiation)
 *          bit 1   server quirk QEMU_DMA        bit 2   write_multiple
 *          bits 3-4 how DMA_READ/WRITE requests are answered: 0, 1 with a
 *                  valid reply, 2 with an EIO error reply, 3 with a reply
 *                  whose count is off by one
 *          bit 5   quirk IOFDS_48               bit 6   quirk ERROR_PAYLOAD
 *   ctl    bits 0-2 fds to attach (harness-made; at most FZS_MAX_FDS per input)
 *          bit 3   eventfds instead of memfds
 *          bit 4   raw: keep bytes[4..7] as sent (else msg_size = len)
 *          bit 5   batch: do not process before sending the next record, so
 *                  commands arrive while the server waits for a DMA reply
 *          bit 6   let the device tick (its DMA engine counter) afterwards
 *
 * The server runs over an in-memory transport (below), not a socket: the
 * harness answers the server's DMA_READ/DMA_WRITE requests as it parses
 * them, and a malformed message from the server (msg_size < 16) aborts:
 * the server must frame what it sends.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
#include "include/vfsim.h"
#include "dev.h"
#include "vu-conn.h"
#include "vu-server.h"
#include "vu-wire.h"

#define FZS_MAX_FDS 32u			/* harness fds per input */
#define FZS_MAX_RECORDS 512u		/* records the mutator handles */
#define FZS_DMA_TIMEOUT_MS 5

#define OPT_VERSION 0x01u
#define OPT_QEMU_DMA 0x02u
#define OPT_WRITE_MULTI 0x04u
#define OPT_DMA_MODE(o) (((o) >> 3) & 3u)
#define OPT_IOFDS_48 0x20u
#define OPT_ERROR_PAYLOAD 0x40u

#define CTL_NFDS(c) ((c) & 7u)
#define CTL_EVENTFD 0x08u
#define CTL_RAW 0x10u
#define CTL_BATCH 0x20u
#define CTL_TICK 0x40u

static struct vfsim_profile *fzs_profile;
static struct vfsim_dev *fzs_dev;	/* one device per process, renewed per input */
static struct vfsim_vu_server *fzs_srv;	/* its server, reconfigured per input */
static bool fzs_check;			/* FUZZ_SERVER_CHECK_RENEW */

/* ---- the in-memory transport ---------------------------------------------
 *
 * The server's connection runs over vu_conn_ops instead of a socket
 * (vu_srv_attach_transport): no thread, no socket buffer, no scheduler in
 * the loop, so an input costs what the server does with it. The inbound
 * side is a queue of segments, as a stream socket has them: the bytes of
 * one sendmsg and the fds sent with its first byte. A read returns bytes of
 * one segment only and gets the fds with the segment's first byte; fds that
 * do not fit the reader's control buffer are closed and MSG_CTRUNC is set,
 * as the kernel does. The outbound side parses what the server sends,
 * refuses an fd that is not open (EBADF, as sendmsg would) and queues the
 * answer to each DMA_READ/DMA_WRITE request at once, so a server waiting
 * for one finds it on its next read.
 */

#define FZS_SEGS 4096u			/* inbound segments queued at once */
#define FZS_ARENA (256u * 1024)		/* their bytes */

struct fzs_seg {
	size_t off, len, done;	/* bytes in the arena; off SIZE_MAX: zeros */
	int fds[8];
	unsigned nfds;
};

static struct {
	struct fzs_seg seg[FZS_SEGS];
	unsigned head, tail;
	uint8_t arena[FZS_ARENA];
	size_t used;
	bool qemu;
	unsigned mode;
	/* the parser of what the server sends */
	struct vu_hdr h;
	size_t hgot;
	uint8_t pfx[16];	/* DMA request: addr, count */
	size_t pneed, pgot;
	uint64_t skip;		/* payload bytes still to discard */
	uint64_t hash;		/* FNV-1a of every byte the server sent */
} tp;

#define FZS_FNV_BASIS 0xcbf29ce484222325ull

static void tp_reset(bool qemu, unsigned mode)
{
	while (tp.head != tp.tail) {
		struct fzs_seg *g = &tp.seg[tp.head++];
		unsigned i;

		for (i = 0; i < g->nfds; i++)
			close(g->fds[i]);
	}
	tp.head = tp.tail = 0;
	tp.used = 0;
	tp.qemu = qemu;
	tp.mode = mode;
	tp.hgot = 0;
	tp.pneed = tp.pgot = 0;
	tp.skip = 0;
}

/* Queue @len bytes (NULL: zeros) with @nfds fds (taken over). False when
 * the queue is full: the fds are closed, nothing is queued. */
static bool tp_push(const void *p, size_t len, const int *fds, unsigned nfds)
{
	struct fzs_seg *g;
	unsigned i;

	if (tp.head == tp.tail)
		tp.head = tp.tail = 0, tp.used = 0;
	if (tp.tail == FZS_SEGS || (p && len > FZS_ARENA - tp.used)) {
		for (i = 0; i < nfds; i++)
			close(fds[i]);
		return false;
	}
	g = &tp.seg[tp.tail++];
	g->off = p ? tp.used : SIZE_MAX;
	g->len = len;
	g->done = 0;
	g->nfds = nfds;
	if (nfds)
		memcpy(g->fds, fds, nfds * sizeof(int));
	if (p) {
		memcpy(tp.arena + tp.used, p, len);
		tp.used += len;
	}
	return true;
}

static ssize_t tp_recvmsg(void *opaque, struct msghdr *mh, int flags)
{
	struct fzs_seg *g;
	size_t n = 0, i;
	unsigned k;

	(void)opaque;
	(void)flags;
	if (tp.head == tp.tail)
		return -EAGAIN;
	g = &tp.seg[tp.head];
	mh->msg_flags = 0;
	for (i = 0; i < (size_t)mh->msg_iovlen && g->done < g->len; i++) {
		size_t k2 = g->len - g->done < mh->msg_iov[i].iov_len ? g->len - g->done : mh->msg_iov[i].iov_len;

		if (g->off == SIZE_MAX)
			memset(mh->msg_iov[i].iov_base, 0, k2);
		else
			memcpy(mh->msg_iov[i].iov_base, tp.arena + g->off + g->done, k2);
		g->done += k2;
		n += k2;
	}
	if (!n)
		return -EINVAL;		/* no room given: a read of 0 would say EOF */
	if (g->nfds) {
		size_t room = mh->msg_controllen >= CMSG_LEN(0) ?
			(mh->msg_controllen - CMSG_LEN(0)) / sizeof(int) : 0;
		unsigned give = g->nfds < room ? g->nfds : (unsigned)room;

		if (give) {
			struct cmsghdr *cm = CMSG_FIRSTHDR(mh);

			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int) * give);
			memcpy(CMSG_DATA(cm), g->fds, sizeof(int) * give);
			mh->msg_controllen = CMSG_SPACE(sizeof(int) * give);
		} else {
			mh->msg_controllen = 0;
		}
		for (k = give; k < g->nfds; k++)
			close(g->fds[k]);
		if (give < g->nfds)
			mh->msg_flags |= MSG_CTRUNC;
		g->nfds = 0;
	} else {
		mh->msg_controllen = 0;
	}
	if (g->done == g->len)
		tp.head++;
	return (ssize_t)n;
}

static void tp_answer_dma(void)
{
	bool write = tp.h.cmd == VU_CMD_DMA_WRITE;
	uint8_t buf[16 + 16];
	struct vu_hdr h = { .id = tp.h.id, .cmd = tp.h.cmd, .flags = VU_FLAGS_TYPE_REPLY };
	uint64_t addr, count;
	size_t fixed = tp.qemu ? 12 : 16, data;

	if (tp.mode == 0)
		return;			/* the client never answers */
	memcpy(&addr, tp.pfx, 8);
	if (tp.qemu) {
		uint32_t c32;

		memcpy(&c32, tp.pfx + 8, 4);
		count = c32;
	} else {
		memcpy(&count, tp.pfx + 8, 8);
	}
	if (tp.mode == 2) {
		h.flags |= VU_FLAGS_ERROR;
		h.error = EIO;
		fixed = 0;
	} else if (tp.mode == 3) {
		count++;
	}
	data = (!write && tp.mode != 2 && count <= (1u << 20)) ? (size_t)count : 0;
	h.size = (uint32_t)(16 + fixed + data);
	memcpy(buf, &h, 16);
	memcpy(buf + 16, &addr, 8);
	if (tp.qemu) {
		uint32_t c32 = (uint32_t)count;

		memcpy(buf + 24, &c32, 4);
	} else {
		memcpy(buf + 24, &count, 8);
	}
	if (tp_push(buf, 16 + fixed, NULL, 0) && data)
		tp_push(NULL, data, NULL, 0);
}

static void tp_feed(const uint8_t *p, size_t n)
{
	size_t i;

	if (fzs_check)
		for (i = 0; i < n; i++)
			tp.hash = (tp.hash ^ p[i]) * 0x100000001b3ull;
	while (n) {
		size_t k;

		if (tp.hgot < 16) {
			k = 16 - tp.hgot < n ? 16 - tp.hgot : n;
			memcpy((uint8_t *)&tp.h + tp.hgot, p, k);
			tp.hgot += k;
			p += k;
			n -= k;
			if (tp.hgot < 16)
				return;
			if (tp.h.size < 16)
				abort();	/* the server broke its own framing */
			tp.skip = tp.h.size - 16;
			tp.pneed = 0;
			tp.pgot = 0;
			if ((tp.h.flags & VU_FLAGS_TYPE_MASK) == VU_FLAGS_TYPE_COMMAND &&
			    (tp.h.cmd == VU_CMD_DMA_READ || tp.h.cmd == VU_CMD_DMA_WRITE))
				tp.pneed = tp.qemu ? 12 : 16;
			if (tp.pneed > tp.skip)
				abort();	/* a DMA request without its addr/count */
		} else if (tp.pgot < tp.pneed) {
			k = tp.pneed - tp.pgot < n ? tp.pneed - tp.pgot : n;
			memcpy(tp.pfx + tp.pgot, p, k);
			tp.pgot += k;
			tp.skip -= k;
			p += k;
			n -= k;
			if (tp.pgot == tp.pneed)
				tp_answer_dma();
		} else {
			k = tp.skip < n ? (size_t)tp.skip : n;
			tp.skip -= k;
			p += k;
			n -= k;
		}
		if (!tp.skip && tp.pgot == tp.pneed)
			tp.hgot = 0;	/* the next message starts */
	}
}

static ssize_t tp_sendmsg(void *opaque, const struct msghdr *mh, int flags)
{
	const struct cmsghdr *cm;
	size_t i, n = 0;

	(void)opaque;
	(void)flags;
	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR((struct msghdr *)mh, (struct cmsghdr *)cm)) {
		size_t j, nf = cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS ?
			(cm->cmsg_len - CMSG_LEN(0)) / sizeof(int) : 0;

		for (j = 0; j < nf; j++) {
			int f;

			memcpy(&f, CMSG_DATA(cm) + j * sizeof(int), sizeof(int));
			if (fcntl(f, F_GETFD) < 0)
				return -EBADF;
		}
	}
	for (i = 0; i < (size_t)mh->msg_iovlen; i++) {
		tp_feed(mh->msg_iov[i].iov_base, mh->msg_iov[i].iov_len);
		n += mh->msg_iov[i].iov_len;
	}
	return (ssize_t)n;
}

static const struct vu_conn_ops tp_ops = { tp_recvmsg, tp_sendmsg, NULL };

/* ---- the session ------------------------------------------------------------ */

struct fzs_session {
	struct vfsim_dev *dev;
	struct vfsim_vu_server *s;
	unsigned fds_made;
	bool gone;
};

static const char fzs_version_json[] =
	"{\"capabilities\":{\"max_msg_fds\":8,\"max_data_xfer_size\":65536,\"pgsizes\":4096,"
	"\"max_dma_maps\":64}}";

static int fzs_make_fd(struct fzs_session *ss, bool eventfd_kind)
{
	int fd;

	if (ss->fds_made >= FZS_MAX_FDS)
		return -1;
	if (eventfd_kind) {
		fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	} else {
		fd = memfd_create("fuzz", MFD_CLOEXEC | MFD_ALLOW_SEALING);
		if (fd >= 0 && ftruncate(fd, 65536) < 0) {
			close(fd);
			fd = -1;
		}
	}
	if (fd >= 0)
		ss->fds_made++;
	return fd;
}

static void fzs_process(struct fzs_session *ss)
{
	if (vfsim_vu_server_process(ss->s) != 0)
		ss->gone = true;
}

static void fzs_record(struct fzs_session *ss, const uint8_t *data, size_t len, uint8_t ctl)
{
	static uint8_t msg[FUZZ_MAX_LEN];
	int fds[8];
	unsigned i, nfds = 0;

	memcpy(msg, data, len);
	if (len >= 8 && !(ctl & CTL_RAW)) {
		uint32_t size = (uint32_t)len;

		memcpy(msg + 4, &size, 4);
	}
	for (i = 0; i < CTL_NFDS(ctl); i++) {
		int fd = fzs_make_fd(ss, (ctl & CTL_EVENTFD) != 0);

		if (fd < 0)
			break;
		fds[nfds++] = fd;
	}
	if (len)
		tp_push(msg, len, fds, nfds);
	else
		for (i = 0; i < nfds; i++)
			close(fds[i]);	/* no byte to carry them */
	if (ctl & CTL_BATCH)
		return;
	fzs_process(ss);
	if (ctl & CTL_TICK)
		vfsim_dev_tick(ss->dev);
}

static void fzs_version(struct fzs_session *ss)
{
	uint8_t m[16 + 4 + sizeof(fzs_version_json)];
	struct vu_hdr h = { .id = 0, .cmd = VU_CMD_VERSION, .size = sizeof(m) };
	struct vu_version v = { .major = VU_VERSION_MAJOR, .minor = VU_VERSION_MINOR };

	memcpy(m, &h, 16);
	memcpy(m + 16, &v, 4);
	memcpy(m + 20, fzs_version_json, sizeof(fzs_version_json));
	fzs_record(ss, m, sizeof(m), 0);
}

/* The dmaengine profile with its large areas made small: BAR2 16 KiB
 * instead of 1 MiB, the ROM 4 KiB instead of 64 KiB. Every feature stays;
 * what goes is the cost of copying megabytes per input (power-on reset,
 * the migration image of STOP_COPY), which made the target 2.5 times
 * slower. Aborts if the profile grew something that no longer fits. */
static void fzs_shrink(struct vfsim_profile *p)
{
	struct prof_bar *b = &p->bars[2];
	unsigned i;

	if (b->size != 0x100000 || b->nsparse || p->rom_size != 0x10000 || p->msix_bar == 2 ||
	    (p->engine.present && p->engine.bar == 2)) {
		fprintf(stderr, "fuzz-server: dmaengine.json changed; revisit fzs_shrink\n");
		abort();
	}
	b->size = 0x4000;
	for (i = 0; i < b->nioeventfds; i++)
		if (b->ioeventfds[i].offset + b->ioeventfds[i].size > b->size)
			abort();
	p->rom_size = 0x1000;
}

/* At exit: no profile left behind (valgrind counts it). */
static void fzs_exit(void)
{
	tp_reset(false, 0);
	vfsim_vu_server_free(fzs_srv);
	fzs_srv = NULL;
	vfsim_dev_free(fzs_dev);
	fzs_dev = NULL;
	vfsim_profile_free(fzs_profile);
	fzs_profile = NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256], path[4096];

	(void)argc;
	(void)argv;
	if (fzs_profile)
		return 0;
	if (vfsim_profile_load(fuzz_fixture("devices/dmaengine.json", path, sizeof(path)), &fzs_profile,
			       err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz-server: %s\n", err);
		abort();
	}
	fzs_shrink(fzs_profile);
	fzs_check = getenv("FUZZ_SERVER_CHECK_RENEW") != NULL;
	atexit(fzs_exit);
	return 0;
}

/* One input on @dev with server @s, both fresh or both reused (dev_renew,
 * vu_srv_reconfigure). */
static void fzs_run(struct vfsim_dev *dev, struct vfsim_vu_server *s, const uint8_t *data, size_t size)
{
	struct vfsim_vu_server_config cfg = { .dma_timeout_ms = FZS_DMA_TIMEOUT_MS };
	struct fzs_session ss = { .dev = dev, .s = s };
	uint8_t opts = data[0];
	size_t pos = 1;

	cfg.write_multiple = opts & OPT_WRITE_MULTI;
	cfg.quirks = (opts & OPT_QEMU_DMA ? VFSIM_VU_QUIRK_QEMU_DMA : 0) |
		     (opts & OPT_IOFDS_48 ? VFSIM_VU_QUIRK_IOFDS_48 : 0) |
		     (opts & OPT_ERROR_PAYLOAD ? VFSIM_VU_QUIRK_ERROR_PAYLOAD : 0);
	if (vu_srv_reconfigure(s, &cfg) < 0)
		abort();
	tp_reset(opts & OPT_QEMU_DMA, OPT_DMA_MODE(opts));
	if (vu_srv_attach_transport(ss.s, &tp_ops) < 0)
		abort();

	if (opts & OPT_VERSION)
		fzs_version(&ss);
	while (pos + 3 <= size && !ss.gone) {
		size_t len = (size_t)data[pos] | (size_t)data[pos + 1] << 8;
		uint8_t ctl = data[pos + 2];

		pos += 3;
		if (len > size - pos)
			len = size - pos;
		fzs_record(&ss, data + pos, len, ctl);
		pos += len;
	}
	if (!ss.gone)
		fzs_process(&ss);	/* whatever a last batch left */

	vfsim_vu_server_detach(s);
	tp_reset(false, 0);
}

/* FUZZ_SERVER_CHECK_RENEW set (the replay suite sets it): run each input
 * twice more, on a fresh device and on the renewed one, and abort unless
 * both send the same bytes and end in the same state: an input's outcome
 * must not depend on the inputs before it. */
static void fzs_check_renew(const uint8_t *data, size_t size)
{
	struct vfsim_vu_server *fresh_srv;
	struct vfsim_dev *fresh;
	uint64_t h_fresh, h_renewed;
	char diff[256];

	if (vfsim_dev_new(fzs_profile, &fresh) < 0 || vfsim_vu_server_new(fresh, NULL, &fresh_srv) < 0)
		abort();
	tp.hash = FZS_FNV_BASIS;
	fzs_run(fresh, fresh_srv, data, size);
	h_fresh = tp.hash;
	if (dev_renew(fzs_dev) < 0)
		abort();
	tp.hash = FZS_FNV_BASIS;
	fzs_run(fzs_dev, fzs_srv, data, size);
	h_renewed = tp.hash;
	if (h_fresh != h_renewed) {
		fprintf(stderr, "fuzz-server: a renewed device sent other bytes than a fresh one "
				"(%016llx vs %016llx)\n", (unsigned long long)h_renewed,
			(unsigned long long)h_fresh);
		abort();
	}
	if (vfsim_dev_compare(fresh, fzs_dev, diff, sizeof(diff)) != 0) {
		fprintf(stderr, "fuzz-server: a renewed device ended unlike a fresh one: %s\n", diff);
		abort();
	}
	vfsim_vu_server_free(fresh_srv);
	vfsim_dev_free(fresh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size || size > FUZZ_MAX_LEN)
		return 0;
	if (!fzs_profile)
		LLVMFuzzerInitialize(NULL, NULL);
	if (!fzs_dev) {
		if (vfsim_dev_new(fzs_profile, &fzs_dev) < 0 || vfsim_vu_server_new(fzs_dev, NULL, &fzs_srv) < 0)
			abort();
	} else if (dev_renew(fzs_dev) < 0) {
		abort();
	}
	fzs_run(fzs_dev, fzs_srv, data, size);
	if (fzs_check)
		fzs_check_renew(data, size);
	return 0;
}

/* ---- structure-aware mutation ---------------------------------------------- */

struct fzs_rec {
	size_t off, len;	/* bytes[] in the input */
	uint8_t ctl;
};

static size_t fzs_split(const uint8_t *data, size_t size, struct fzs_rec *r, size_t max)
{
	size_t pos = 1, n = 0;

	while (pos + 3 <= size && n < max) {
		size_t len = (size_t)data[pos] | (size_t)data[pos + 1] << 8;

		r[n].ctl = data[pos + 2];
		pos += 3;
		if (len > size - pos)
			len = size - pos;
		r[n].off = pos;
		r[n].len = len;
		n++;
		pos += len;
	}
	return n;
}

static uint32_t fzs_rand(uint32_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 17;
	*st ^= *st << 5;
	return *st;
}

/* Append a record (if it fits) to @out. */
static bool fzs_put(uint8_t *out, size_t *pos, size_t max, const uint8_t *p, size_t len, uint8_t ctl)
{
	if (len > 0xffff || *pos + 3 + len > max)
		return false;
	out[*pos] = (uint8_t)len;
	out[*pos + 1] = (uint8_t)(len >> 8);
	out[*pos + 2] = ctl;
	if (len)
		memcpy(out + *pos + 3, p, len);
	*pos += 3 + len;
	return true;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	static struct fzs_rec rec[FZS_MAX_RECORDS];
	static uint8_t out[FUZZ_MAX_LEN], tmp[FUZZ_MAX_LEN];
	uint32_t st = seed | 1;
	size_t n, i, pos, pick, other, op, cap = max_size < FUZZ_MAX_LEN ? max_size : FUZZ_MAX_LEN;

	if (!size || fzs_rand(&st) % 50 == 0 || cap < 4)
		return LLVMFuzzerMutate(data, size, max_size);
	n = fzs_split(data, size, rec, FZS_MAX_RECORDS);
	op = fzs_rand(&st) % 16;
	if (!n && op != 15)
		op = 9;				/* nothing to pick: insert */
	pick = n ? fzs_rand(&st) % n : 0;
	other = n ? fzs_rand(&st) % n : 0;
	out[0] = data[0];
	pos = 1;
	if (op == 15) {				/* the options byte */
		out[0] = (uint8_t)fzs_rand(&st);
		op = 16;
	}
	for (i = 0; i < n || (op == 9 && !n && i == 0); i++) {
		const uint8_t *p = i < n ? data + rec[i].off : NULL;
		size_t len = i < n ? rec[i].len : 0;
		uint8_t ctl = i < n ? rec[i].ctl : 0;

		if (i == pick && op <= 7) {	/* mutate this message */
			size_t room = cap - pos > 3 ? cap - pos - 3 : 0;

			if (room > 0xffff)
				room = 0xffff;
			if (len > room)
				len = room;
			memcpy(tmp, p, len);
			len = LLVMFuzzerMutate(tmp, len, room);
			fzs_put(out, &pos, cap, tmp, len, ctl);
			continue;
		}
		if (i == pick && op == 8) {	/* its control byte */
			fzs_put(out, &pos, cap, p, len, (uint8_t)(ctl ^ (1u << (fzs_rand(&st) % 7))));
			continue;
		}
		if (i == pick && op == 9) {	/* insert a copy of another, or a fresh header */
			if (n && fzs_rand(&st) & 1) {
				fzs_put(out, &pos, cap, data + rec[other].off, rec[other].len, rec[other].ctl);
			} else {
				struct vu_hdr h = { .id = (uint16_t)fzs_rand(&st),
						    .cmd = (uint16_t)(1 + fzs_rand(&st) % (VU_CMD_MAX - 1)),
						    .size = 16 };
				uint8_t m[16 + 32];
				size_t extra = fzs_rand(&st) % 33;

				memcpy(m, &h, 16);
				memset(m + 16, 0, extra);
				fzs_put(out, &pos, cap, m, 16 + extra, 0);
			}
			if (i == n)
				break;
		}
		if (i == pick && op == 10)	/* delete */
			continue;
		if (i == pick && op == 11)	/* duplicate */
			fzs_put(out, &pos, cap, p, len, ctl);
		if (i == pick && op == 12 && n > 1) {	/* swap with another */
			fzs_put(out, &pos, cap, data + rec[other].off, rec[other].len, rec[other].ctl);
			continue;
		}
		if (i == other && op == 12 && n > 1) {
			fzs_put(out, &pos, cap, data + rec[pick].off, rec[pick].len, rec[pick].ctl);
			continue;
		}
		if (i == pick && (op == 13 || op == 14)) {	/* splice: copy the tail of another */
			size_t cut = len ? fzs_rand(&st) % (len + 1) : 0, ocut;
			size_t olen = rec[other].len;

			ocut = olen ? fzs_rand(&st) % (olen + 1) : 0;
			if (cut + (olen - ocut) <= sizeof(tmp)) {
				memcpy(tmp, p, cut);
				memcpy(tmp + cut, data + rec[other].off + ocut, olen - ocut);
				if (fzs_put(out, &pos, cap, tmp, cut + olen - ocut, ctl))
					continue;
			}
		}
		fzs_put(out, &pos, cap, p, len, ctl);
	}
	if (pos > max_size)
		pos = max_size;
	memcpy(data, out, pos);
	return pos;
}
