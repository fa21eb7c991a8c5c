/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Connect/disconnect cycles against one in-process vfio-user server (the
 * dmaengine fixture): each cycle attaches the server to one end of a fresh
 * socketpair, runs its process loop on a thread (vu-e2e-fixture.h) and
 * attaches a client (VERSION) on the other end; some cycles also leave
 * behind what the server must let go of on disconnect (§1.2): a DMA_MAP
 * with a memfd (mmapped by the server), SET_IRQS with eventfds on every
 * MSI-X vector, a twin socket, none of them undone by the client. Then the
 * client goes away without a word and the server notices (process()
 * returns 1, detached).
 *
 * The claim under test is that nothing accumulates per cycle: the
 * process's descriptors and mappings are the same after cycle 100 as after
 * the last one, and so is the heap in use (mallinfo2().uordblks) within
 * CY_HEAP_SLACK. The first 100 cycles are the warm-up in which libc
 * settles (the thread arena, the stack cache, the first use of each
 * allocation size); after that an equal count is exact for descriptors
 * and mappings. The heap gets 4 KiB of slack for glibc's per-thread
 * cache: mallinfo2 counts the freed chunks parked in the main thread's
 * tcache as in use, and those fill up in steps well after cycle 100
 * (measured: +1,200 bytes by cycle 354, flat from there to 10,000; with
 * GLIBC_TUNABLES=glibc.malloc.tcache_count=0 flat to the byte from cycle
 * 95). A leak of one 64-byte block per cycle would show as 10,000 x 64 =
 * 640 KiB, far above the slack.
 *
 * Native, 10,000 cycles prove flatness: growth that is still reachable
 * (a list that only grows, an fd kept "for later"), which a leak checker
 * at exit cannot see because the server frees it when it is freed.
 * Under valgrind (`meson test --setup=valgrind`) the count drops to
 * CY_VALGRIND (or VFSIM_CYCLES, see cy_count), every combination of what
 * a cycle leaves behind 125 times: that run proves that no cycle loses
 * memory (the leak check at exit fails the test) or touches freed or
 * uninitialised memory on the attach/detach paths. It does not prove
 * flatness: valgrind replaces malloc, so mallinfo2 sees none of the
 * program's blocks there (it reads 0) and only the descriptors are
 * compared (cy_libc_heap); the same holds for an ASan build, which runs
 * all 10,000 cycles with LeakSanitizer at exit.
 */
#define _GNU_SOURCE
#include "test-util.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "vu-e2e-fixture.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define CY_HAVE_VALGRIND_H 1
#endif
#endif

/* AddressSanitizer replaces malloc and maps its own regions as it goes. */
#if defined(__SANITIZE_ADDRESS__)
#define CY_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CY_ASAN 1
#endif
#endif

#define CY_NATIVE 10000u	/* the number */
#define CY_VALGRIND 1000u	/* ~2 s under memcheck here (all 10,000: ~15 s) */
#define CY_CHECKPOINT 100u	/* warm-up done: the reference point */
#define CY_HEAP_SLACK 4096	/* bytes; see the top of the file */
#define CY_VECTORS 8u		/* dmaengine's MSI-X vectors */
#define CY_IOVA 0x100000u
#define CY_WIN 0x4000u

/* RUNNING_ON_VALGRIND where the header exists; otherwise valgrind's
 * preload library in LD_PRELOAD, which it sets for the program it runs. */
static bool cy_on_valgrind(void)
{
#ifdef CY_HAVE_VALGRIND_H
	return RUNNING_ON_VALGRIND != 0;
#else
	const char *p = getenv("LD_PRELOAD");

	return p && strstr(p, "vgpreload");
#endif
}

/* Heap in use and mappings mean the program's own only with glibc's
 * malloc: valgrind and ASan allocate from regions they map when they
 * please (an ASan run merged two mappings between the checkpoints), and
 * mallinfo2 reads 0 under both. There only descriptors are compared; the
 * tool's leak check covers the memory. */
static bool cy_libc_heap(void)
{
#ifdef CY_ASAN
	return false;
#else
	return !cy_on_valgrind();
#endif
}

/* Native runs always do CY_NATIVE: the environment cannot weaken them.
 * Under valgrind CY_VALGRIND, or VFSIM_CYCLES when it is a number in
 * (CY_CHECKPOINT, CY_NATIVE], for a shorter or a longer checked run. */
static unsigned cy_count(void)
{
	const char *s = getenv("VFSIM_CYCLES");
	unsigned long n;
	char *end;

	if (!cy_on_valgrind())
		return CY_NATIVE;
	if (!s || !*s)
		return CY_VALGRIND;
	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || *end || n <= CY_CHECKPOINT || n > CY_NATIVE)
		return CY_VALGRIND;
	return (unsigned)n;
}

/* Lines of /proc/self/maps: an mmap the server forgot to undo adds one. */
static int cy_map_count(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	int n = 0, ch;

	assert_non_null(f);
	while ((ch = fgetc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	return n;
}

struct cy_sample {
	int fds, maps;
	size_t heap;
};

static void cy_sample(struct cy_sample *ret)
{
	ret->fds = tu_fd_count();
	ret->maps = cy_map_count();
	ret->heap = mallinfo2().uordblks;
}

/* One cycle; @i picks what the client leaves behind. */
static void cy_one(struct vfsim_vu_server *srv, unsigned i)
{
	struct vfsim_vu_client_config ccfg = { .timeout_ms = 5000, .twin_socket = (i & 4) != 0 };
	struct e2e e = { .srv = srv };
	struct vfsim_vu_client *c = NULL;
	uint32_t nreg = 0;
	int sv[2], efd[CY_VECTORS];
	void *mem = NULL;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(vfsim_vu_server_attach(srv, sv[1]), 0);
	assert_int_equal(pthread_create(&e.th, NULL, e2e_thread, &e), 0);
	assert_int_equal(vfsim_vu_client_attach(sv[0], &ccfg, &c), 0);
	assert_int_equal(vfsim_vu_client_server_info(c)->twin_socket, (i & 4) != 0);
	if (i & 1) {
		/* The server receives the memfd and maps it. */
		assert_int_equal(vfsim_vu_client_dma_map(c, CY_IOVA, CY_WIN, 3, true, &mem), 0);
		memset(mem, (int)(i & 0xff), 64);
	}
	if (i & 2) {
		for (unsigned v = 0; v < CY_VECTORS; v++) {
			efd[v] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
			assert_true(efd[v] >= 0);
		}
		assert_int_equal(vfsim_vu_client_set_irqs(c, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
							  VFIO_PCI_MSIX_IRQ_INDEX, 0, CY_VECTORS, efd), 0);
		/* Only the server's copies are left: detach must close them. */
		for (unsigned v = 0; v < CY_VECTORS; v++)
			close(efd[v]);
	}
	if (!(i & 3)) {
		assert_int_equal(vfsim_vu_client_get_info(c, NULL, &nreg, NULL), 0);
		assert_int_equal(nreg, 10);	/* 9 PCI regions + the device region */
	}
	/* Gone without DMA_UNMAP or de-assigning the IRQs. */
	vfsim_vu_client_free(c);
	assert_int_equal(pthread_join(e.th, NULL), 0);
	assert_int_equal(e.result, 1);	/* the server saw the client leave... */
	assert_int_equal(vfsim_vu_server_fd(srv), -1);	/* ...and detached */
}

static void test_cycles(void **state)
{
	struct vfsim_vu_server_config scfg = { .twin_socket = true };
	unsigned n = cy_count();
	struct cy_sample s0, s1, s2;
	struct vfsim_vu_server *srv = NULL;
	struct vfsim_dev *dev;
	int fds0 = tu_fd_count();
	long dheap;

	dev = tu_dev_from("dmaengine");
	assert_int_equal(vfsim_vu_server_new(dev, &scfg, &srv), 0);
	cy_sample(&s0);
	for (unsigned i = 1; i <= n; i++) {
		cy_one(srv, i);
		if (i == CY_CHECKPOINT)
			cy_sample(&s1);
	}
	cy_sample(&s2);
	dheap = (long)s2.heap - (long)s1.heap;
	print_message("%u cycles%s: fds %d/%d/%d, maps %d/%d/%d, heap %zu/%zu/%zu (start/%u/end)%s\n", n,
		      cy_on_valgrind() ? " (valgrind)" : "", s0.fds, s1.fds, s2.fds, s0.maps, s1.maps, s2.maps,
		      s0.heap, s1.heap, s2.heap, CY_CHECKPOINT,
		      cy_libc_heap() ? "" : "; fds compared, maps and heap left to the tool");
	/* Between cycles only the server and the device are open: the same
	 * descriptors as before the first cycle, exactly. */
	assert_int_equal(s1.fds, s0.fds);
	assert_int_equal(s2.fds, s1.fds);
	if (cy_libc_heap()) {
		assert_int_equal(s2.maps, s1.maps);
		if (dheap > CY_HEAP_SLACK || dheap < -CY_HEAP_SLACK)
			fail_msg("heap in use moved by %ld bytes between cycle %u and cycle %u", dheap,
				 CY_CHECKPOINT, n);
	}
	vfsim_vu_server_free(srv);
	vfsim_dev_free(dev);
	assert_int_equal(tu_fd_count(), fds0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cycles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
