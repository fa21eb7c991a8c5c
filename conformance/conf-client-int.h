/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals of the vfio-user client target (conf.h), shared by its three
 * files: conf-client.c (the session and the proxy between the client and
 * the built-in server, and what hooks call), conf-client-proc.c (the client's
 * process and the built-in server's) and conf-client-judge.c (recording what
 * the proxy saw, and judging it).
 */
#ifndef VFSIM_CONF_CLIENT_INT_H
#define VFSIM_CONF_CLIENT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

#define CONF_CL_MSG_MAX (64u << 20)	/* a client msg_size above this cannot be framed */
#define CONF_CL_IDLE_MS 400
#define CONF_CL_JUDGE_MS 300		/* left to the case after conf_cl_run */
#define CONF_CL_SELF_EXIT_MS 100	/* after EOF or STOP: time to exit on its own */
#define CONF_CL_TERM_MS 200		/* SIGTERM to SIGKILL */
#define CONF_CL_SERVER_MS 50		/* the built-in server leaves when its socket closes */
#define CONF_CL_TEARDOWN_MS (CONF_CL_SELF_EXIT_MS + CONF_CL_TERM_MS + CONF_CL_SERVER_MS)
#define CONF_CL_OUTQ_MAX (1u << 20)	/* queued bytes towards a side before the other is not read */
#define CONF_CL_BURST 32		/* messages taken from one side per poll round */
#define CONF_CL_TICK_MS 20		/* waitpid period when there is no pidfd */
#define CONF_CL_CMD_MAX 8192
#define CONF_CL_NOTES 300		/* message lines in the transcript; the rest is counted */
#define CONF_CL_IDS 65536

/* One message (or raw bytes) waiting to go to a side; owns its fds. */
struct conf_cl_out {
	struct conf_cl_out *next;
	size_t len, off;
	int fds[CONF_VU_MAX_FDS];
	unsigned nfds;
	uint8_t data[];
};

struct conf_cl_side {
	int fd;				/* -1 once closed */
	bool eof;
	struct conf_vu_msg in;		/* the message being read */
	uint32_t got;			/* its bytes so far, header included */
	struct conf_cl_out *head, *tail;
	size_t queued;
};

struct conf_cl_proxy {
	struct conf_ctx *ctx;
	const struct conf_cl_script *s;
	struct conf_cl_session *ss;
	struct conf_cl_side cl, sv;
	uint64_t t0;			/* the client connected */
	uint64_t last_rx;		/* the client's last byte */
	uint64_t scratch[32];
	int pgid;			/* the client's process group (its shell's pid) */
	struct conf_vu_msg held;
	uint16_t held_id;		/* the request the held reply answers */
	bool holding, stop;
	int err;			/* a local failure: the session is a harness error */
	unsigned notes;
	unsigned npending;
	uint16_t fresh;
	uint8_t used[CONF_CL_IDS / 8];		/* ids the client used, or fresh_id handed out */
	uint8_t pending[CONF_CL_IDS / 8];	/* client requests the server has not answered */
	uint8_t injected[CONF_CL_IDS / 8];	/* commands a hook sent the client */
	uint8_t swallow[CONF_CL_IDS / 8];	/* conf_cl_to_server requests whose reply we keep */
};

/* The client's process, and the listening socket it connects to. */
struct conf_cl_proc {
	int pid;			/* the shell, leader of its own group; 0 when none */
	int pidfd;			/* readable when it exits; -1 without pidfd_open */
	int errfd;			/* its stderr pipe; -1 */
	int lfd;			/* our listening socket; -1 */
	bool exited;
	bool no_socket;			/* the command has no {socket} */
	int status;
	char tail[sizeof(((struct conf_cl_session *)0)->stderr_tail)];
	size_t ntail;
	char dir[64], sock[128];
};

/* ---- conf-client-proc.c ---- */

/* CLOCK_MONOTONIC in milliseconds. */
uint64_t conf_cl_now(void);
/* The temp dir, the listening socket, the client's process. 0 or -errno
 * with @err written; what was made is undone by conf_cl_proc_end. */
int conf_cl_start(struct conf_cl_proc *pr, const char *cmd, char *err, size_t errlen);
/* The client's connection: fd, -ECHILD it exited first, -ETIMEDOUT, -errno. */
int conf_cl_accept(struct conf_cl_proc *pr, uint64_t deadline);
/* Keep the last bytes of the client's stderr; never blocks. */
void conf_cl_drain_err(struct conf_cl_proc *pr);
/* Reap the leader if it exited (or wait for it when @block). */
void conf_cl_reap(struct conf_cl_proc *pr, bool block);
/* Wait up to @ms for the leader to exit, reading its stderr meanwhile. */
void conf_cl_wait_exit(struct conf_cl_proc *pr, unsigned ms);
/* The temp dir with the socket in it. */
void conf_cl_rmdir(const char *dir);
/* Stop the group (SIGTERM, SIGKILL after CONF_CL_TERM_MS), reap the leader,
 * keep the rest of its stderr, remove the temp dir. */
void conf_cl_proc_end(struct conf_cl_proc *pr, struct conf_cl_session *ss);
/* Reap the built-in server (@pid), SIGKILL after CONF_CL_SERVER_MS. */
void conf_cl_reap_server(struct conf_cl_session *ss, int pid);

/* ---- conf-client-judge.c: recording ---- */

/* Milliseconds since the client connected. */
unsigned conf_cl_ms(const struct conf_cl_proxy *p);
/* A transcript line, counted against CONF_CL_NOTES. */
bool conf_cl_may_note(struct conf_cl_proxy *p);
void conf_cl_note_msg(struct conf_cl_proxy *p, const char *dir, const struct conf_vu_hdr *h,
		      const uint8_t *pl, size_t len, unsigned nfds, const char *what);
/* Record one message; its index in ev, or -1 when over CONF_CL_EVENTS_MAX. */
long conf_cl_record(struct conf_cl_proxy *p, enum conf_cl_dir dir, const struct conf_vu_hdr *h,
		    const uint8_t *pl, size_t len, unsigned nfds);
void conf_cl_mark_dropped(struct conf_cl_proxy *p, long ev);
/* How the client ended, for the transcript and verdicts. */
void conf_cl_status(const struct conf_cl_session *s, char *buf, size_t len);

#endif
