/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target 3: a hostile vfio-user server against the client library. The
 * input is the script of everything the server says: its replies and its own
 * requests (DMA_READ/DMA_WRITE), pre-written into one end of a socketpair
 * before the client attaches on the other. Then the write side is shut, so
 * a client that runs out of script sees EOF at once and no call waits out a
 * timeout. The client runs a fixed sequence of calls, each answered from
 * what is left of the script:
 *   attach (VERSION, msg id 0), get_info, get_region_info 0..9 (with the
 *   argsz retry), get_irq_info 0..4, region_read of config 0..63, dma_map
 *   without fd at 0x100000 (the server may DMA_READ/WRITE it: the client
 *   serves requests while it waits for a reply), process (with opts bit 4:
 *   the script is already there, so a reply it meets is unexpected),
 *   DEVICE_FEATURE GET MIGRATION, dma_unmap.
 *
 * Input framing (little endian):
 *   input  = opts:u8 record*
 *   record = len:u16 ctl:u8 bytes[len]     (a truncated last record is cut)
 *   opts   bit 0 quirk QEMU_DMA   bit 1 quirk ERROR_PAYLOAD (lenient)
 *          bit 2 offer the twin socket   bit 3 client max_data_xfer_size 4096
 *          bit 4 call vfsim_vu_client_process after dma_map
 *   ctl    bits 0-2 fds sent with the record's first byte (harness-made,
 *          at most FZC_MAX_FDS per input); bit 3 eventfds, else memfds
 * Records are written as they are (the server's framing is the fuzzer's).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
#include "include/vfsim.h"

#define FZC_MAX_FDS 16u
#define FZC_TIMEOUT_MS 50	/* never reached while the script end is shut */

#define OPT_QEMU_DMA 0x01u
#define OPT_ERROR_PAYLOAD 0x02u
#define OPT_TWIN 0x04u
#define OPT_SMALL_XFER 0x08u
#define OPT_PROCESS 0x10u

#define CTL_NFDS(c) ((c) & 7u)
#define CTL_EVENTFD 0x08u

/* Feature GET MIGRATION (<linux/vfio.h>: VFIO_DEVICE_FEATURE_GET | _MIGRATION). */
#define FZC_FEATURE_GET (1u << 16)
#define FZC_FEATURE_MIGRATION 1u

static int fzc_make_fd(unsigned *made, bool eventfd_kind)
{
	int fd;

	if (*made >= FZC_MAX_FDS)
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
		(*made)++;
	return fd;
}

/* Write [p, p + len) with @nfds fds on its first byte; false when the
 * socket is full (the rest of the script is dropped). */
static bool fzc_write(int fd, const uint8_t *p, size_t len, const int *fds, unsigned nfds)
{
	union {
		struct cmsghdr a;
		char b[CMSG_SPACE(sizeof(int) * 8)];
	} ctl;
	size_t sent = 0;

	while (sent < len) {
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
		n = sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return false;
		}
		sent += (size_t)n;
	}
	return true;
}

/* Pre-write the script: runs of fd-less records go out in one write. */
static void fzc_script(int fd, const uint8_t *data, size_t size)
{
	static uint8_t run[FUZZ_MAX_LEN];
	size_t pos = 1, rlen = 0;
	unsigned made = 0;

	while (pos + 3 <= size) {
		size_t len = (size_t)data[pos] | (size_t)data[pos + 1] << 8;
		uint8_t ctl = data[pos + 2];
		int fds[8];
		unsigned i, nfds = 0;

		pos += 3;
		if (len > size - pos)
			len = size - pos;
		for (i = 0; i < CTL_NFDS(ctl) && len; i++) {
			int f = fzc_make_fd(&made, (ctl & CTL_EVENTFD) != 0);

			if (f < 0)
				break;
			fds[nfds++] = f;
		}
		if (nfds) {
			bool ok = fzc_write(fd, run, rlen, NULL, 0) &&
				  fzc_write(fd, data + pos, len, fds, nfds);

			rlen = 0;
			for (i = 0; i < nfds; i++)
				close(fds[i]);
			if (!ok)
				return;
		} else {
			memcpy(run + rlen, data + pos, len);
			rlen += len;
		}
		pos += len;
	}
	fzc_write(fd, run, rlen, NULL, 0);
}

static void fzc_calls(struct vfsim_vu_client *c, uint8_t opts)
{
	uint8_t buf[512] __attribute__((aligned(8)));
	uint32_t a, b, d;
	void *mem = NULL;
	unsigned i;
	int fd;

	vfsim_vu_client_get_info(c, &a, &b, &d);
	for (i = 0; i < 10; i++) {
		fd = -1;
		vfsim_vu_client_get_region_info(c, i, buf, sizeof(buf), &fd);
		if (fd >= 0)
			close(fd);
	}
	for (i = 0; i < 5; i++)
		vfsim_vu_client_get_irq_info(c, i, &a, &b);
	vfsim_vu_client_region_read(c, 7, 0, buf, 64);
	if (vfsim_vu_client_dma_map(c, 0x100000, 0x1000, 3, false, &mem) == 0)
		memset(mem, 0x5a, 0x1000);
	if (opts & OPT_PROCESS)
		vfsim_vu_client_process(c);
	memset(buf, 0, 16);
	a = 16;
	b = FZC_FEATURE_GET | FZC_FEATURE_MIGRATION;
	memcpy(buf, &a, 4);
	memcpy(buf + 4, &b, 4);
	vfsim_vu_client_feature(c, buf, 16, 16);
	vfsim_vu_client_dma_unmap(c, 0x100000, 0x1000, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfsim_vu_client_config cfg = { .timeout_ms = FZC_TIMEOUT_MS };
	struct vfsim_vu_client *c = NULL;
	int sv[2], bufsz = 1 << 20;

	if (!size || size > FUZZ_MAX_LEN)
		return 0;
	cfg.quirks = (data[0] & OPT_QEMU_DMA ? VFSIM_VU_QUIRK_QEMU_DMA : 0) |
		     (data[0] & OPT_ERROR_PAYLOAD ? VFSIM_VU_QUIRK_ERROR_PAYLOAD : 0);
	cfg.twin_socket = data[0] & OPT_TWIN;
	cfg.max_data_xfer_size = data[0] & OPT_SMALL_XFER ? 4096 : 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
	setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	fzc_script(sv[1], data, size);
	shutdown(sv[1], SHUT_WR);
	if (vfsim_vu_client_attach(sv[0], &cfg, &c) == 0) {
		vfsim_vu_client_server_info(c);
		fzc_calls(c, data[0]);
		vfsim_vu_client_free(c);
	}
	close(sv[1]);
	return 0;
}
