/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vfio-user client target (conf-client.c) driven directly: vfsim's own
 * client through the proxy (a clean session, a reply with a wrong msg_id, a
 * held reply with an injected DMA_READ, a hold never released), shell
 * commands that crash, never connect or hang, and this binary re-run as a
 * scripted raw client (a message in pieces, one too large to record whole,
 * a msg_size that cannot be framed). After every session no process the
 * command started is left and the temp dir is gone. argv[1] is the vfsim
 * binary.
 */
#define _GNU_SOURCE	/* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "include/vfsim.h"
#include "conf.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "fixtures"
#endif
#define PROFILE FIXTURES_DIR "/devices/dmaengine.json"
#define BIG 100000u		/* a REGION_WRITE payload above CONF_CL_PAYLOAD_MAX */

static const char *vfsim_bin;
static char self_bin[512];
static char tmpdir[64];
static struct vfsim_profile *profile;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- this binary as a raw client -------------------------------------------------- */

static int raw_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		exit(20);
	return fd;
}

static void raw_write(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n <= 0)
			exit(21);
		p += n;
		len -= (size_t)n;
	}
}

static void raw_read(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n <= 0)
			exit(22);
		p += n;
		len -= (size_t)n;
	}
}

/* The reply to @id: exit 23 when it is something else. */
static void raw_reply(int fd, uint16_t id, uint16_t cmd)
{
	struct conf_vu_hdr h;
	uint8_t *pl;

	raw_read(fd, &h, sizeof(h));
	if (h.id != id || h.cmd != cmd || (h.flags & CONF_VU_F_TYPE_MASK) != CONF_VU_F_REPLY || h.size < 16 ||
	    h.size > (1u << 20))
		exit(23);
	pl = malloc(h.size - 16 + 1);
	if (!pl)
		exit(24);
	raw_read(fd, pl, h.size - 16);
	free(pl);
}

/* --chunks: VERSION in three pieces 30 ms apart, then a REGION_WRITE of
 * BIG bytes; exit 0 when both are answered. --framing: a header with
 * msg_size 8, then wait for the proxy to hang up. */
static int raw_client(const char *mode, const char *path)
{
	static const char json[] = "{\"capabilities\":{\"max_msg_fds\":8}}";
	uint8_t buf[16 + 4 + sizeof(json)];
	struct conf_vu_hdr h = { .id = 7, .cmd = CONF_VU_VERSION, .size = sizeof(buf) };
	uint16_t v[2] = { 0, 0 };
	struct timespec gap = { 0, 30 * 1000 * 1000 };
	int fd = raw_connect(path);

	alarm(5);
	if (!strcmp(mode, "--framing")) {
		struct conf_vu_hdr bad = { .id = 1, .cmd = CONF_VU_VERSION, .size = 8 };
		char c;

		raw_write(fd, &bad, sizeof(bad));
		while (read(fd, &c, 1) > 0)
			;
		return 0;
	}
	memcpy(buf, &h, 16);
	memcpy(buf + 16, v, 4);
	memcpy(buf + 20, json, sizeof(json));
	raw_write(fd, buf, 5);
	nanosleep(&gap, NULL);
	raw_write(fd, buf + 5, 14);
	nanosleep(&gap, NULL);
	raw_write(fd, buf + 19, sizeof(buf) - 19);
	raw_reply(fd, 7, CONF_VU_VERSION);
	{
		size_t len = 16 + 16 + BIG;
		uint8_t *m = calloc(1, len);
		struct conf_vu_hdr w = { .id = 8, .cmd = CONF_VU_REGION_WRITE, .size = (uint32_t)len };
		uint32_t rc[2] = { 0, BIG };	/* region 0, count */

		if (!m)
			return 24;
		memcpy(m, &w, 16);
		memcpy(m + 24, rc, 8);
		raw_write(fd, m, len);
		free(m);
		raw_reply(fd, 8, CONF_VU_REGION_WRITE);
	}
	close(fd);
	return 0;
}

/* ---- helpers -------------------------------------------------------------------------- */

struct env {
	struct conf_target t;
	struct conf_ctx ctx;
	struct conf_cl_session s;
	char cmd[1024];
	unsigned ms;
};

static void env_init(struct env *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void env_init(struct env *e, const char *fmt, ...)
{
	va_list ap;

	memset(e, 0, sizeof(*e));
	e->t.kind = CONF_TARGET_VU_SOCKET;
	e->t.profile_path = PROFILE;
	e->t.profile = profile;
	va_start(ap, fmt);
	vsnprintf(e->cmd, sizeof(e->cmd), fmt, ap);
	va_end(ap);
	e->t.client_cmd = e->cmd[0] ? e->cmd : NULL;
	e->ctx.target = &e->t;
	e->ctx.out_fd = getenv("SHOW_TRANSCRIPT") ? 2 : -1;	/* for a person debugging a session */
	e->ctx.v.sock = -1;
}

static void ctx_reset(struct env *e)
{
	e->ctx.verdict = CONF_PASS;
	e->ctx.detail[0] = '\0';
}

/* The socket a client command wrote to tmpdir/@name ("echo {socket} >
 * ..."): its private dir is gone after the session. */
static void assert_dir_gone(const char *name)
{
	char path[128], sock[256], *slash;
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(sock, sizeof(sock), f));
	fclose(f);
	unlink(path);
	sock[strcspn(sock, "\n")] = '\0';
	assert_memory_equal(sock, "/tmp/vfsim-client-", 18);
	slash = strrchr(sock, '/');
	assert_non_null(slash);
	*slash = '\0';
	assert_int_equal(stat(sock, &st), -1);
	assert_int_equal(errno, ENOENT);
}

static void run_ok(struct env *e, const struct conf_cl_script *sc)
{
	uint64_t t = now_ms();

	assert_int_equal(conf_cl_run(&e->ctx, sc, &e->s), 0);
	e->ms = (unsigned)(now_ms() - t);
	/* conf_cl_run returns before the runner's deadline, less the judging margin. */
	assert_true(e->ms <= CONF_DEFAULT_TIMEOUT_MS - 250);
}

static bool exited_with(const struct conf_cl_session *s, int code)
{
	return s->exited && WIFEXITED(s->status) && WEXITSTATUS(s->status) == code;
}

/* @pid (written by a shell client) is gone or a zombie waiting for init. */
static void assert_gone(long pid)
{
	unsigned i;

	for (i = 0; i < 100; i++) {
		char path[64], buf[256], *rp;
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		FILE *f;

		if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
			return;
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
		f = fopen(path, "r");
		if (f) {
			rp = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
			fclose(f);
			if (rp && rp[1] == ' ' && rp[2] == 'Z')
				return;
		}
		nanosleep(&ts, NULL);
	}
	fail_msg("process %ld of the client command is still running", pid);
}

static long read_pid(const char *name)
{
	char path[128];
	long pid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%ld", &pid), 1);
	fclose(f);
	unlink(path);
	assert_true(pid > 1);
	return pid;
}

/* ---- vfsim's client through the proxy ---------------------------------------------------- */

static void test_clean_session(void **state)
{
	struct conf_cl_script sc = { 0 };
	struct env e;
	long i;

	env_init(&e, "echo {socket} > %s/sock; exec %s client --socket {socket}", tmpdir, vfsim_bin);
	e.ctx.out_fd = open(tmpdir, O_TMPFILE | O_RDWR, 0600);
	assert_true(e.ctx.out_fd >= 0);
	run_ok(&e, &sc);
	assert_int_equal(e.s.end, CONF_CL_END_EXIT);
	assert_true(exited_with(&e.s, 0));
	assert_false(e.s.stopped);
	assert_dir_gone("sock");
	/* A transcript line per message, and the end. */
	{
		char *t = calloc(1, 1 << 20), want[96];
		ssize_t n, k;

		assert_non_null(t);
		n = pread(e.ctx.out_fd, t, (1 << 20) - 1, 0);
		assert_true(n > 0);
		for (k = 0; k < n; k++)	/* the record framing: a type byte and a binary length */
			if ((unsigned char)t[k] < 0x20)
				t[k] = '\n';
		if (getenv("SHOW_TRANSCRIPT"))
			fwrite(t, 1, (size_t)n, stderr);
		snprintf(want, sizeof(want), "C->S id=%u VERSION(1) size=%u flags=0x0", e.s.ev[0].hdr.id,
			 e.s.ev[0].hdr.size);
		assert_non_null(strstr(t, want));
		snprintf(want, sizeof(want), "S->C id=%u VERSION(1) size=", e.s.ev[0].hdr.id);
		assert_non_null(strstr(t, want));
		assert_non_null(strstr(t, "session end: exit"));
		free(t);
		close(e.ctx.out_fd);
		e.ctx.out_fd = -1;
	}
	assert_true(e.s.client_closed);
	assert_true(e.s.nev >= 4);
	/* §2: VERSION is the client's first message. */
	assert_int_equal(e.s.ev[0].dir, CONF_CL_FROM_CLIENT);
	assert_int_equal(e.s.ev[0].hdr.cmd, CONF_VU_VERSION);
	assert_int_equal(e.s.ev[0].hdr.flags & CONF_VU_F_TYPE_MASK, 0);
	assert_true(e.s.ev[0].len >= 4);
	assert_int_equal(e.s.ev[0].len, e.s.ev[0].hdr.size - 16);
	i = conf_cl_find(&e.s, -1, CONF_CL_FROM_SERVER, CONF_VU_VERSION, 1);
	assert_true(i > 0);
	assert_int_equal(conf_cl_find(&e.s, i, CONF_CL_FROM_SERVER, CONF_VU_VERSION, 1), -1);
	/* Every command got its reply through the proxy; nothing was injected or lost. */
	assert_int_equal(conf_cl_count(&e.s, CONF_CL_FROM_CLIENT, 0, 0), conf_cl_count(&e.s, CONF_CL_FROM_SERVER, 0, 1));
	assert_true(conf_cl_count(&e.s, CONF_CL_FROM_CLIENT, CONF_VU_GET_INFO, 0) >= 1);
	assert_int_equal(conf_cl_count(&e.s, CONF_CL_INJECTED, 0, -1), 0);
	assert_int_equal(e.s.nlost, 0);
	assert_int_equal(e.s.fault_at, -1);
	assert_int_equal(conf_cl_judge_basic(&e.ctx, &e.s), CONF_PASS);
	/* Nothing was scripted: the reaction cannot be judged. */
	assert_int_equal(conf_cl_judge_reaction(&e.ctx, &e.s, CONF_CL_MAY_CLOSE, "no deviation"), CONF_NOT_SUPPORTED);
	assert_string_equal(e.ctx.detail, "no deviation");
	conf_cl_session_free(&e.s);
	conf_cl_session_free(&e.s);	/* twice is harmless */
}

static int hook_wrong_id(struct conf_cl_proxy *p, struct conf_vu_msg *m)
{
	if (m->hdr.cmd == CONF_VU_VERSION && (m->hdr.flags & CONF_VU_F_TYPE_MASK) == CONF_VU_F_REPLY) {
		m->hdr.id ^= 0x5a5a;
		conf_cl_mark_fault(p);
	}
	return CONF_CL_FORWARD;
}

static void test_wrong_reply_id(void **state)
{
	struct conf_cl_script sc = { .on_server = hook_wrong_id };
	struct env e;
	long v;

	env_init(&e, "%s client --socket {socket}", vfsim_bin);
	run_ok(&e, &sc);
	/* §1.4: a reply is matched by msg_id; this one matches nothing. */
	assert_true(e.s.end == CONF_CL_END_EXIT || e.s.end == CONF_CL_END_CLOSED);
	assert_true(e.s.exited && WIFEXITED(e.s.status) && WEXITSTATUS(e.s.status) != 0);
	v = conf_cl_find(&e.s, -1, CONF_CL_FROM_SERVER, CONF_VU_VERSION, 1);
	assert_true(v >= 0);
	assert_int_equal(e.s.fault_at, v);
	/* Recorded as the server sent it, before the hook changed it. */
	assert_int_equal(e.s.ev[v].hdr.id, e.s.ev[0].hdr.id);
	assert_int_equal(conf_cl_count(&e.s, CONF_CL_FROM_CLIENT, CONF_VU_GET_INFO, -1), 0);
	assert_int_equal(conf_cl_judge_reaction(&e.ctx, &e.s, CONF_CL_MAY_CLOSE, "x"), CONF_PASS);
	assert_int_equal(e.ctx.verdict, CONF_PASS);
	ctx_reset(&e);
	assert_int_equal(conf_cl_judge_reaction(&e.ctx, &e.s, CONF_CL_MAY_CONTINUE, "x"), CONF_FAIL);
	assert_int_equal(e.ctx.verdict, CONF_FAIL);
	assert_non_null(strstr(e.ctx.detail, "closed"));
	conf_cl_session_free(&e.s);
}

struct dma_state {
	uint16_t dma_id;
	bool injected, released, reply_seen;
	int rc_inject, rc_release;
};

/* Hold the GET_INFO reply; meanwhile ask the client to DMA_READ an address
 * it never mapped; release the reply when the client has answered. */
static int hook_hold_server(struct conf_cl_proxy *p, struct conf_vu_msg *m)
{
	struct dma_state *st = conf_cl_scratch(p);

	if (m->hdr.cmd == CONF_VU_GET_INFO && (m->hdr.flags & CONF_VU_F_TYPE_MASK) == CONF_VU_F_REPLY &&
	    !st->injected) {
		uint64_t acc[2] = { 0x7f000000ull, 8 };	/* addr, count (§4.3) */
		struct conf_vu_hdr h = { .cmd = CONF_VU_DMA_READ };

		h.id = st->dma_id = conf_cl_fresh_id(p);
		st->injected = true;
		conf_cl_mark_fault(p);
		st->rc_inject = conf_cl_to_client(p, &h, acc, sizeof(acc), NULL, 0, false);
		return CONF_CL_HOLD;
	}
	return CONF_CL_FORWARD;
}

static int hook_hold_client(struct conf_cl_proxy *p, struct conf_vu_msg *m)
{
	struct dma_state *st = conf_cl_scratch(p);

	if (st->injected && m->hdr.id == st->dma_id && (m->hdr.flags & CONF_VU_F_TYPE_MASK) == CONF_VU_F_REPLY) {
		st->reply_seen = true;
		st->rc_release = conf_cl_release(p);
		st->released = true;
		assert_int_equal(conf_cl_release(p), 0);	/* nothing held any more */
	}
	return CONF_CL_FORWARD;
}

static void test_hold_inject_release(void **state)
{
	struct conf_cl_script sc = { .on_server = hook_hold_server, .on_client = hook_hold_client };
	struct env e;
	long get_info, held, inj, rep;

	env_init(&e, "%s client --socket {socket}", vfsim_bin);
	run_ok(&e, &sc);
	assert_int_equal(e.s.end, CONF_CL_END_EXIT);
	assert_true(exited_with(&e.s, 0));
	get_info = conf_cl_find(&e.s, -1, CONF_CL_FROM_CLIENT, CONF_VU_GET_INFO, 0);
	held = conf_cl_find(&e.s, -1, CONF_CL_FROM_SERVER, CONF_VU_GET_INFO, 1);
	inj = conf_cl_find(&e.s, -1, CONF_CL_INJECTED, CONF_VU_DMA_READ, 0);
	rep = conf_cl_find(&e.s, -1, CONF_CL_FROM_CLIENT, CONF_VU_DMA_READ, 1);
	assert_true(get_info >= 0 && held > get_info && inj == held + 1 && rep > inj);
	assert_true(e.s.ev[held].dropped);
	assert_int_equal(e.s.fault_at, held);
	/* The injected command: fresh id, msg_size filled in. */
	assert_int_equal(e.s.ev[inj].hdr.size, 32);
	assert_int_not_equal(e.s.ev[inj].hdr.id, e.s.ev[get_info].hdr.id);
	assert_int_equal(e.s.ev[rep].hdr.id, e.s.ev[inj].hdr.id);
	/* §4.3: the client refuses access outside its DMA regions with an error reply. */
	assert_true(e.s.ev[rep].hdr.flags & CONF_VU_F_ERROR);
	assert_int_not_equal(e.s.ev[rep].hdr.error, 0);
	/* The client went on after the released reply. */
	assert_true(conf_cl_find(&e.s, rep, CONF_CL_FROM_CLIENT, 0, 0) > rep);
	assert_int_equal(conf_cl_judge_reaction(&e.ctx, &e.s, CONF_CL_MAY_CONTINUE, "x"), CONF_PASS);
	conf_cl_session_free(&e.s);
}

static int hook_hold_forever(struct conf_cl_proxy *p, struct conf_vu_msg *m)
{
	if (m->hdr.cmd == CONF_VU_GET_INFO && (m->hdr.flags & CONF_VU_F_TYPE_MASK) == CONF_VU_F_REPLY) {
		conf_cl_mark_fault(p);
		return CONF_CL_HOLD;
	}
	return CONF_CL_FORWARD;
}

static void test_hold_forever_deadline(void **state)
{
	struct conf_cl_script sc = { .on_server = hook_hold_forever };
	struct env e;

	env_init(&e, "%s client --socket {socket}", vfsim_bin);
	run_ok(&e, &sc);
	/* The client waits for its reply (its own timeout is 5 s): still busy. */
	assert_int_equal(e.s.end, CONF_CL_END_DEADLINE);
	assert_true(e.s.stopped && e.s.exited);
	assert_true(e.ms >= 1000);
	assert_int_equal(conf_cl_judge_basic(&e.ctx, &e.s), CONF_PASS);
	assert_int_equal(conf_cl_judge_reaction(&e.ctx, &e.s, CONF_CL_MAY_CLOSE | CONF_CL_MAY_CONTINUE, "x"),
			 CONF_TIMEOUT);
	ctx_reset(&e);
	assert_int_equal(conf_cl_judge_reaction(&e.ctx, &e.s, CONF_CL_MAY_WAIT, "x"), CONF_PASS);
	conf_cl_session_free(&e.s);
}

static int hook_drop_reply(struct conf_cl_proxy *p, struct conf_vu_msg *m)
{
	if (m->hdr.cmd == CONF_VU_GET_INFO && (m->hdr.flags & CONF_VU_F_TYPE_MASK) == CONF_VU_F_REPLY) {
		conf_cl_mark_fault(p);
		return CONF_CL_DROP;
	}
	return CONF_CL_FORWARD;
}

static void test_dropped_reply_idle(void **state)
{
	struct conf_cl_script sc = { .on_server = hook_drop_reply, .idle_ms = 250 };
	struct env e;

	env_init(&e, "%s client --socket {socket}", vfsim_bin);
	run_ok(&e, &sc);
	/* A dropped reply is no longer pending: silence ends the session. */
	assert_int_equal(e.s.end, CONF_CL_END_IDLE);
	assert_true(e.s.stopped);
	assert_true(e.ms < 1000);
	assert_int_equal(conf_cl_judge_reaction(&e.ctx, &e.s, CONF_CL_MAY_WAIT, "x"), CONF_PASS);
	ctx_reset(&e);
	assert_int_equal(conf_cl_judge_reaction(&e.ctx, &e.s, CONF_CL_MAY_CLOSE, "x"), CONF_FAIL);
	conf_cl_session_free(&e.s);
}

static int hook_stop_mid_reply(struct conf_cl_proxy *p, struct conf_vu_msg *m)
{
	if (m->hdr.cmd == CONF_VU_GET_INFO && (m->hdr.flags & CONF_VU_F_TYPE_MASK) == CONF_VU_F_REPLY) {
		conf_cl_mark_fault(p);
		conf_cl_to_client_bytes(p, &m->hdr, 10);
		return CONF_CL_STOP;
	}
	return CONF_CL_FORWARD;
}

static void test_stop_mid_reply(void **state)
{
	struct conf_cl_script sc = { .on_server = hook_stop_mid_reply };
	struct env e;

	env_init(&e, "%s client --socket {socket}", vfsim_bin);
	run_ok(&e, &sc);
	assert_int_equal(e.s.end, CONF_CL_END_STOPPED);
	/* Cut off mid-reply, the client fails on its own. */
	assert_true(e.s.exited && !e.s.stopped && WIFEXITED(e.s.status) && WEXITSTATUS(e.s.status) != 0);
	assert_int_equal(conf_cl_judge_reaction(&e.ctx, &e.s, CONF_CL_MAY_CLOSE, "x"), CONF_PASS);
	conf_cl_session_free(&e.s);
}

/* ---- raw clients ------------------------------------------------------------------------------ */

static void test_chunks_and_big(void **state)
{
	struct conf_cl_script sc = { 0 };
	struct env e;
	long w;

	env_init(&e, "'%s' --chunks {socket}", self_bin);
	run_ok(&e, &sc);
	assert_int_equal(e.s.end, CONF_CL_END_EXIT);
	assert_true(exited_with(&e.s, 0));
	assert_int_equal(e.s.ev[0].hdr.cmd, CONF_VU_VERSION);
	assert_int_equal(e.s.ev[0].hdr.id, 7);
	assert_int_equal(e.s.ev[0].len, e.s.ev[0].hdr.size - 16);
	assert_memory_equal(e.s.ev[0].payload + 4, "{\"capabilities\"", 15);
	w = conf_cl_find(&e.s, -1, CONF_CL_FROM_CLIENT, CONF_VU_REGION_WRITE, 0);
	assert_true(w > 0);
	assert_int_equal(e.s.ev[w].hdr.size, 16 + 16 + BIG);
	assert_int_equal(e.s.ev[w].len, CONF_CL_PAYLOAD_MAX);
	assert_true(conf_cl_find(&e.s, w, CONF_CL_FROM_SERVER, CONF_VU_REGION_WRITE, 1) > w);
	assert_int_equal(conf_cl_judge_basic(&e.ctx, &e.s), CONF_PASS);
	conf_cl_session_free(&e.s);
}

static void test_framing(void **state)
{
	struct conf_cl_script sc = { 0 };
	struct env e;

	env_init(&e, "'%s' --framing {socket}", self_bin);
	run_ok(&e, &sc);
	assert_int_equal(e.s.end, CONF_CL_END_FRAMING);
	assert_true(e.s.exited);
	assert_int_equal(conf_cl_judge_basic(&e.ctx, &e.s), CONF_FAIL);
	assert_non_null(strstr(e.ctx.detail, "msg_size 8"));
	conf_cl_session_free(&e.s);
}

/* ---- commands that do not play along ------------------------------------------------------------ */

static void test_crash(void **state)
{
	struct conf_cl_script sc = { 0 };
	struct env e;

	env_init(&e, "sh -c 'echo about to crash >&2; kill -SEGV $$'");
	run_ok(&e, &sc);
	assert_int_equal(e.s.end, CONF_CL_END_NO_CONNECT);
	assert_false(e.s.stopped);
	assert_int_equal(conf_cl_judge_basic(&e.ctx, &e.s), CONF_PEER_CRASH);
	assert_non_null(strstr(e.ctx.detail, "Segmentation fault"));
	assert_non_null(strstr(e.ctx.detail, "about to crash"));
	/* The tail is one line: the shell's own report follows the client's words. */
	assert_memory_equal(e.s.stderr_tail, "about to crash", 14);
	assert_null(strchr(e.s.stderr_tail, '\n'));
	conf_cl_session_free(&e.s);
}

static void test_crash_direct(void **state)
{
	struct conf_cl_script sc = { 0 };
	struct env e;

	/* The shell execs a single command: a death by the signal itself. */
	env_init(&e, "exec '%s' --segv {socket}", self_bin);
	run_ok(&e, &sc);
	assert_true(e.s.exited && WIFSIGNALED(e.s.status) && WTERMSIG(e.s.status) == SIGSEGV);
	assert_int_equal(conf_cl_judge_basic(&e.ctx, &e.s), CONF_PEER_CRASH);
	ctx_reset(&e);
	assert_int_equal(conf_cl_judge_reaction(&e.ctx, &e.s, 7, "x"), CONF_PEER_CRASH);
	conf_cl_session_free(&e.s);
}

static void test_no_connect(void **state)
{
	struct conf_cl_script sc = { 0 };
	struct env e;

	env_init(&e, "echo nothing to do here >&2; exit 3 # {socket}");
	run_ok(&e, &sc);
	assert_int_equal(e.s.end, CONF_CL_END_NO_CONNECT);
	assert_true(exited_with(&e.s, 3));
	assert_true(e.ms < 500);
	assert_int_equal(e.s.nev, 0);
	assert_int_equal(conf_cl_judge_basic(&e.ctx, &e.s), CONF_HARNESS_ERROR);
	assert_non_null(strstr(e.ctx.detail, "never connected"));
	assert_non_null(strstr(e.ctx.detail, "nothing to do here"));
	conf_cl_session_free(&e.s);
}

static void test_sleep_deadline(void **state)
{
	struct conf_cl_script sc = { 0 };
	struct env e;
	long shell, child;

	env_init(&e, "echo {socket} > %s/sock; echo $$ > %s/shell; sleep 10 & echo $! > %s/child; wait", tmpdir,
		 tmpdir, tmpdir);
	run_ok(&e, &sc);
	assert_int_equal(e.s.end, CONF_CL_END_NO_CONNECT);
	assert_true(e.s.stopped && e.s.exited);
	assert_true(e.ms >= 1000);
	shell = read_pid("shell");
	child = read_pid("child");
	assert_gone(shell);
	assert_gone(child);
	assert_dir_gone("sock");
	/* Our SIGTERM is no crash: the client simply never connected. */
	assert_int_equal(conf_cl_judge_basic(&e.ctx, &e.s), CONF_HARNESS_ERROR);
	conf_cl_session_free(&e.s);
}

static void test_no_command(void **state)
{
	struct conf_cl_script sc = { 0 };
	struct env e;

	env_init(&e, "%s", "");
	assert_int_equal(conf_cl_run(&e.ctx, &sc, &e.s), -EINVAL);
	assert_int_equal(e.ctx.verdict, CONF_HARNESS_ERROR);
	assert_non_null(strstr(e.ctx.detail, "no client command"));
	assert_int_equal(e.s.nev, 0);
	assert_null(e.s.ev);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_session),
		cmocka_unit_test(test_wrong_reply_id),
		cmocka_unit_test(test_hold_inject_release),
		cmocka_unit_test(test_hold_forever_deadline),
		cmocka_unit_test(test_dropped_reply_idle),
		cmocka_unit_test(test_stop_mid_reply),
		cmocka_unit_test(test_chunks_and_big),
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_crash),
		cmocka_unit_test(test_crash_direct),
		cmocka_unit_test(test_no_connect),
		cmocka_unit_test(test_sleep_deadline),
		cmocka_unit_test(test_no_command),
	};
	char tmpl[7], err[256];
	ssize_t n;
	int r;

	if (argc == 3 && !strcmp(argv[1], "--segv")) {
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
		return 1;
	}
	if (argc == 3 && argv[1][0] == '-')
		return raw_client(argv[1], argv[2]);
	vfsim_bin = argc > 1 ? argv[1] : "sim/cli/vfsim";
	n = readlink("/proc/self/exe", self_bin, sizeof(self_bin) - 1);
	if (n <= 0)
		return 1;
	self_bin[n] = '\0';
	if (vfsim_profile_load(PROFILE, &profile, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", PROFILE, err);
		return 1;
	}
	memset(tmpl, 'X', 6);
	tmpl[6] = '\0';
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-conf-client-%s", tmpl);
	if (!mkdtemp(tmpdir))
		return 1;
	r = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(tmpdir);
	vfsim_profile_free(profile);
	return r;
}
