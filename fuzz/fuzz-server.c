/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target 2: a whole vfio-user server session. The input is a list of
 * client messages, sent in order into an in-process vfsim_vu_server for the
 * dmaengine device (fixtures/devices/dmaengine.json), with state carried
 * from one message to the next. Each input gets a fresh device and server:
 * vfsim_dev_reset would be cheaper but keeps IRQ and low-power state, so an
 * input would depend on the ones before it.
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
 * A responder thread is the only reader of the client end: it discards the
 * server's replies (and closes the fds they carry) and answers the server's
 * DMA_READ/DMA_WRITE requests while vfsim_vu_server_process runs, so the
 * server never waits out its DMA timeout. A malformed message from the
 * server (msg_size < 16) aborts: the server must frame what it sends.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
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
#include "vu-wire.h"

#define FZS_MAX_FDS 32u			/* harness fds per input */
#define FZS_MAX_RECORDS 512u		/* records the mutator handles */
#define FZS_DMA_TIMEOUT_MS 5
#define FZS_SEND_TRIES 64
#define FZS_RSP_FDS 64u

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

/* ---- the responder thread ------------------------------------------------- */

static struct {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int wake;		/* eventfd: stop serving fd */
	int fd;			/* client end being served, -1 none */
	bool in_process;	/* main is inside vfsim_vu_server_process */
	bool quit;		/* at exit: the thread ends */
	bool qemu;
	unsigned mode;
} rsp = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER, .wake = -1, .fd = -1 };

/* The stream parser of what the server sends. */
struct rsp_parse {
	struct vu_hdr h;
	size_t hgot;
	uint8_t pfx[16];	/* DMA request: addr, count */
	size_t pneed, pgot;
	uint64_t skip;		/* payload bytes still to discard */
};

static uint8_t rsp_zero[1u << 20];

/* Write all of @len bytes within a short deadline; false if it ran out. */
static bool rsp_write(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	int tries;

	for (tries = 0; len && tries < 100; tries++) {
		ssize_t n = send(fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return false;
		struct pollfd pf = { .fd = fd, .events = POLLOUT };

		poll(&pf, 1, 1);
	}
	return len == 0;
}

static void rsp_answer_dma(int fd, const struct rsp_parse *ps)
{
	bool write = ps->h.cmd == VU_CMD_DMA_WRITE;
	uint8_t buf[16 + 16];
	struct vu_hdr h = { .id = ps->h.id, .cmd = ps->h.cmd, .flags = VU_FLAGS_TYPE_REPLY };
	uint64_t addr, count;
	size_t fixed = rsp.qemu ? 12 : 16, data;

	memcpy(&addr, ps->pfx, 8);
	if (rsp.qemu) {
		uint32_t c32;

		memcpy(&c32, ps->pfx + 8, 4);
		count = c32;
	} else {
		memcpy(&count, ps->pfx + 8, 8);
	}
	if (rsp.mode == 2) {
		h.flags |= VU_FLAGS_ERROR;
		h.error = EIO;
		fixed = 0;
	} else if (rsp.mode == 3) {
		count++;
	}
	data = (!write && rsp.mode != 2 && count <= sizeof(rsp_zero)) ? (size_t)count : 0;
	h.size = (uint32_t)(16 + fixed + data);
	memcpy(buf, &h, 16);
	if (rsp.qemu) {
		uint32_t c32 = (uint32_t)count;

		memcpy(buf + 16, &addr, 8);
		memcpy(buf + 24, &c32, 4);
	} else {
		memcpy(buf + 16, &addr, 8);
		memcpy(buf + 24, &count, 8);
	}
	pthread_mutex_lock(&rsp.mu);
	/* Late (the server gave up): the stream now belongs to main's writes. */
	if (rsp.in_process && rsp_write(fd, buf, 16 + fixed) && data)
		rsp_write(fd, rsp_zero, data);
	pthread_mutex_unlock(&rsp.mu);
}

static void rsp_feed(int fd, struct rsp_parse *ps, const uint8_t *p, size_t n)
{
	while (n) {
		size_t k;

		if (ps->hgot < 16) {
			k = 16 - ps->hgot < n ? 16 - ps->hgot : n;
			memcpy((uint8_t *)&ps->h + ps->hgot, p, k);
			ps->hgot += k;
			p += k;
			n -= k;
			if (ps->hgot < 16)
				return;
			if (ps->h.size < 16)
				abort();	/* the server broke its own framing */
			ps->skip = ps->h.size - 16;
			ps->pneed = 0;
			ps->pgot = 0;
			if ((ps->h.flags & VU_FLAGS_TYPE_MASK) == VU_FLAGS_TYPE_COMMAND &&
			    (ps->h.cmd == VU_CMD_DMA_READ || ps->h.cmd == VU_CMD_DMA_WRITE))
				ps->pneed = rsp.qemu ? 12 : 16;
			if (ps->pneed > ps->skip)
				abort();	/* a DMA request without its addr/count */
		} else if (ps->pgot < ps->pneed) {
			k = ps->pneed - ps->pgot < n ? ps->pneed - ps->pgot : n;
			memcpy(ps->pfx + ps->pgot, p, k);
			ps->pgot += k;
			ps->skip -= k;
			p += k;
			n -= k;
			if (ps->pgot == ps->pneed)
				rsp_answer_dma(fd, ps);
		} else {
			k = ps->skip < n ? (size_t)ps->skip : n;
			ps->skip -= k;
			p += k;
			n -= k;
		}
		if (!ps->skip && ps->pgot == ps->pneed)
			ps->hgot = 0;	/* the next message starts */
	}
}

static void rsp_serve(int fd)
{
	static uint8_t buf[65536];
	struct rsp_parse ps = { .hgot = 0 };
	bool eof = false;

	for (;;) {
		struct pollfd pf[2] = { { .fd = rsp.wake, .events = POLLIN }, { .fd = fd, .events = POLLIN } };
		union {
			struct cmsghdr a;
			char b[CMSG_SPACE(sizeof(int) * FZS_RSP_FDS)];
		} ctl;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
				     .msg_controllen = sizeof(ctl.b) };
		struct cmsghdr *cm;
		ssize_t n;

		if (poll(pf, eof ? 1 : 2, -1) < 0)
			continue;
		if (pf[0].revents) {
			uint64_t v;

			if (read(rsp.wake, &v, sizeof(v)) < 0)
				continue;
			return;
		}
		n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n <= 0) {
			if (n == 0 || (errno != EAGAIN && errno != EINTR))
				eof = true;
			continue;
		}
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
				size_t i, nf = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
				int f;

				for (i = 0; i < nf; i++) {
					memcpy(&f, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
					close(f);
				}
			}
		}
		rsp_feed(fd, &ps, buf, (size_t)n);
	}
}

static void *rsp_main(void *arg)
{
	pthread_mutex_lock(&rsp.mu);
	for (;;) {
		int fd;

		while (rsp.fd < 0 && !rsp.quit)
			pthread_cond_wait(&rsp.cv, &rsp.mu);
		if (rsp.quit)
			break;
		fd = rsp.fd;
		pthread_mutex_unlock(&rsp.mu);
		rsp_serve(fd);
		pthread_mutex_lock(&rsp.mu);
		rsp.fd = -1;
		pthread_cond_broadcast(&rsp.cv);
	}
	pthread_mutex_unlock(&rsp.mu);
	return NULL;
}

static void rsp_start(int fd, bool qemu, unsigned mode)
{
	pthread_mutex_lock(&rsp.mu);
	rsp.qemu = qemu;
	rsp.mode = mode;
	rsp.in_process = false;
	rsp.fd = fd;
	pthread_cond_broadcast(&rsp.cv);
	pthread_mutex_unlock(&rsp.mu);
}

static void rsp_stop(void)
{
	uint64_t one = 1;

	if (write(rsp.wake, &one, sizeof(one)) != sizeof(one))
		abort();
	pthread_mutex_lock(&rsp.mu);
	while (rsp.fd >= 0)
		pthread_cond_wait(&rsp.cv, &rsp.mu);
	pthread_mutex_unlock(&rsp.mu);
}

static void rsp_set_in_process(bool on)
{
	pthread_mutex_lock(&rsp.mu);
	rsp.in_process = on;
	pthread_mutex_unlock(&rsp.mu);
}

/* ---- the session ------------------------------------------------------------ */

struct fzs_session {
	struct vfsim_dev *dev;
	struct vfsim_vu_server *s;
	int cfd;
	unsigned fds_made;
	bool gone;
	uint16_t id;
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

static int fzs_process(struct fzs_session *ss)
{
	int r;

	rsp_set_in_process(true);
	r = vfsim_vu_server_process(ss->s);
	rsp_set_in_process(false);
	if (r != 0)
		ss->gone = true;
	return r;
}

/* Send one message with @nfds fds on the first byte; never blocks: when the
 * socket is full the server drains it between tries. */
static void fzs_send(struct fzs_session *ss, const uint8_t *p, size_t len, const int *fds, unsigned nfds)
{
	union {
		struct cmsghdr a;
		char b[CMSG_SPACE(sizeof(int) * 8)];
	} ctl;
	size_t sent = 0;
	int tries = 0;

	while (sent < len && !ss->gone) {
		struct iovec iov = { (void *)(p + sent), len - sent };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;

		if (nfds && !sent) {
			struct cmsghdr *cm;

			memset(&ctl, 0, sizeof(ctl));
			mh.msg_control = ctl.b;
			mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
			cm = CMSG_FIRSTHDR(&mh);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
			memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
		}
		n = sendmsg(ss->cfd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			sent += (size_t)n;
			continue;
		}
		if ((n < 0 && errno != EAGAIN && errno != EINTR) || ++tries > FZS_SEND_TRIES) {
			ss->gone = true;
			return;
		}
		/* Mid-message: a DMA reply now would interleave, so none is sent. */
		if (vfsim_vu_server_process(ss->s) != 0)
			ss->gone = true;
	}
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
		fzs_send(ss, msg, len, fds, nfds);
	for (i = 0; i < nfds; i++)
		close(fds[i]);
	if (ss->gone || (ctl & CTL_BATCH))
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

/* At exit: no thread and no profile left behind (valgrind counts both). */
static void fzs_exit(void)
{
	pthread_mutex_lock(&rsp.mu);
	rsp.quit = true;
	pthread_cond_broadcast(&rsp.cv);
	pthread_mutex_unlock(&rsp.mu);
	pthread_join(rsp.th, NULL);
	close(rsp.wake);
	vfsim_profile_free(fzs_profile);
	fzs_profile = NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256], path[4096];

	if (fzs_profile)
		return 0;
	if (vfsim_profile_load(fuzz_fixture("devices/dmaengine.json", path, sizeof(path)), &fzs_profile,
			       err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz-server: %s\n", err);
		abort();
	}
	rsp.wake = eventfd(0, EFD_CLOEXEC);
	if (rsp.wake < 0 || pthread_create(&rsp.th, NULL, rsp_main, NULL) != 0)
		abort();
	atexit(fzs_exit);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfsim_vu_server_config cfg = { .dma_timeout_ms = FZS_DMA_TIMEOUT_MS };
	struct fzs_session ss = { .cfd = -1 };
	int sv[2], buf = 1 << 20;
	uint8_t opts;
	size_t pos = 1;

	if (!size || size > FUZZ_MAX_LEN)
		return 0;
	if (!fzs_profile)
		LLVMFuzzerInitialize(NULL, NULL);
	opts = data[0];
	cfg.write_multiple = opts & OPT_WRITE_MULTI;
	cfg.quirks = (opts & OPT_QEMU_DMA ? VFSIM_VU_QUIRK_QEMU_DMA : 0) |
		     (opts & OPT_IOFDS_48 ? VFSIM_VU_QUIRK_IOFDS_48 : 0) |
		     (opts & OPT_ERROR_PAYLOAD ? VFSIM_VU_QUIRK_ERROR_PAYLOAD : 0);
	if (vfsim_dev_new(fzs_profile, &ss.dev) < 0)
		abort();
	if (vfsim_vu_server_new(ss.dev, &cfg, &ss.s) < 0)
		abort();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (vfsim_vu_server_attach(ss.s, sv[0]) < 0)
		abort();
	ss.cfd = sv[1];
	rsp_start(ss.cfd, opts & OPT_QEMU_DMA, OPT_DMA_MODE(opts));

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

	rsp_stop();
	vfsim_vu_server_free(ss.s);
	close(ss.cfd);
	vfsim_dev_free(ss.dev);
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
