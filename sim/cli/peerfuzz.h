/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzzing a third-party vfio-user peer (issue #5), shared by `vfsim fuzz`
 * (fuzz.c: seeds, mutations, the loop, minimizing) and `vfsim replay`
 * (replay.c: the session file format, playing one session against a server
 * and the detectors).
 *
 * A session is the list of messages a client sends, each exactly as it goes
 * on the wire: the header as given (msg_size may disagree with the payload:
 * that is one of the mutations), the payload, and how many fds (fresh
 * eventfds) travel with it. Playing it sends the messages one by one and,
 * while the framing is intact, waits for each command's reply. What can go
 * wrong on the server's side:
 *   crash  - it died of a signal, or its stderr has a sanitizer report;
 *   hang   - a command that needs a reply got none within the timeout while
 *            the server was alive and the connection open;
 *   desync - a reply that echoes the wrong msg_id/cmd, has an invalid TYPE,
 *            an unusable msg_size, or answers a NO_REPLY command.
 * A server that closes the connection is never a finding (the spec lets it
 * close after an error). Once a message with an inconsistent msg_size has
 * been sent, replies and silence are no longer judged (the server frames
 * the stream its own way from there on), only crashes are.
 *
 * The session file (JSON, written by fuzz, read by replay and --corpus):
 *   { "format": "vfsim-peer-session", "version": 1,
 *     "finding": { "kind": "crash", "message": 2, "detail": "..." },   (optional)
 *     "server_cmd": "...", "seed": 1, "iteration": 12,                  (informational)
 *     "messages": [ { "id": 1, "cmd": 1, "flags": 0, "error": 0,
 *                     "size": 20,        (optional: 16 + payload bytes)
 *                     "fds": 0,          (optional: eventfds sent along)
 *                     "payload": "01000000" }, ... ] }
 */
#ifndef VFSIM_CLI_PEERFUZZ_H
#define VFSIM_CLI_PEERFUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "include/vfsim.h"

#define PF_MAX_MSGS 64			/* messages per session */
#define PF_MAX_PAYLOAD (64u * 1024)	/* payload bytes per message */
#define PF_MAX_FDS 16			/* eventfds per message */
#define PF_START_MS 5000		/* how long a server may take to make its socket */

struct pf_msg {
	struct conf_vu_hdr hdr;		/* as sent */
	uint8_t *payload;		/* malloc'd, @len bytes (NULL if 0) */
	uint32_t len;
	unsigned nfds;
};

struct pf_session {
	struct pf_msg msg[PF_MAX_MSGS];
	size_t n;
};

enum pf_kind { PF_NONE, PF_CRASH, PF_HANG, PF_DESYNC };

struct pf_finding {
	enum pf_kind kind;
	long at;			/* index of the message it followed, -1 if unknown */
	char detail[512];
	/* how the session went, for statistics */
	unsigned replies;		/* commands answered in order */
	bool closed;			/* the server closed the connection */
	bool unframed;			/* a message with a msg_size of its own was sent */
};

/* One server command and, with --spawn=suite, the instance kept alive. */
struct pf_server {
	const char *cmd;		/* with {socket} */
	bool suite;			/* keep one server across sessions */
	unsigned timeout_ms;		/* wait for each reply */
	bool verbose;			/* print each message and what came back (replay) */
	bool up;
	struct conf_vu_spawn sp;
	int err_fd;			/* the server's stderr file, kept open past the temp dir's removal */
	uint64_t err_off;		/* bytes of it already scanned */
};

/* ---- fuzzing a client (pf-client.c, fuzz-client.c) ----------------------------
 *
 * The client under test runs its workload against the built-in server through
 * the conformance proxy (conformance/conf-client.c); a plan of mutations
 * alters what the server sends it. Mutation k applies to the server->client
 * message number at (0-based, in the order the proxy sees them). What can go
 * wrong on the client's side:
 *   crash  - it died of a signal (or its shell says so), or its stderr has a
 *            sanitizer report;
 *   hang   - the proxy closed the connection and it did not exit within the
 *            grace time (VU-CL-19), or at the session's deadline it was still
 *            sending, several times the messages of the unaltered session;
 *   desync - it sent something that cannot be framed (msg_size < 16 or past
 *            64 MiB) or a message of an undefined TYPE.
 *
 * The plan file (JSON, written by fuzz, read by replay):
 *   { "format": "vfsim-client-plan", "version": 1,
 *     "finding": { "kind": "crash", "message": 3, "detail": "..." },  (optional)
 *     "client_cmd": "...", "seed": 1, "iteration": 12,               (informational)
 *     "mutations": [ { "at": 3, "op": "field", "a": 16, "b": 2 }, ... ] }
 */
#define PF_CL_MAX_MUTS 8
#define PF_CL_GRACE_MS 2000		/* after our close: time to exit on its own */
#define PF_CL_TIMEOUT_MS 5000		/* default budget of one session */
#define PF_CL_DEFAULT_PROFILE FIXTURES_DIR "/devices/dmaengine.json"

enum pf_cl_op {
	PF_CL_FLIP,		/* payload byte a % len ^= b (never 0) */
	PF_CL_FIELD,		/* a field of the command's layout (or the u32 at a) set to boundary b */
	PF_CL_HDR,		/* header field a (id, cmd, size, flags, error) set from b */
	PF_CL_CUT,		/* payload cut to a % len bytes */
	PF_CL_GROW,		/* a % 4096 + 1 bytes of value b appended to the payload */
	PF_CL_DROP,		/* not forwarded */
	PF_CL_DUP,		/* forwarded twice */
	PF_CL_INJECT,		/* a server request before it: DMA_READ, DMA_WRITE or command a, addr/count from b */
	PF_CL_FDS,		/* a % 4 + 1 eventfds sent with it */
	PF_CL_CLOSE,		/* its first a % size bytes sent, then the connection closed */
	PF_CL_CAPS,		/* a VERSION reply: capability a set to value b */
	PF_CL_NOPS
};

struct pf_cl_mut {
	uint32_t at;
	enum pf_cl_op op;
	uint64_t a, b;
};

struct pf_cl_plan {
	struct pf_cl_mut m[PF_CL_MAX_MUTS];
	size_t n;
};

struct pf_client {
	const char *cmd;		/* with {socket} */
	const struct vfsim_profile *profile;	/* the built-in server's device */
	unsigned timeout_ms;		/* the session's budget */
	bool verbose;			/* the proxy's transcript and the mutations on stdout */
	/* from the unaltered session (pf_cl_baseline) */
	unsigned server_msgs;		/* messages the server sent */
	unsigned client_msgs;		/* messages the client sent */
};

/* pf-client.c */
const char *pf_cl_op_name(enum pf_cl_op op);
/* Play @plan once: 0 with @f filled (PF_NONE: nothing wrong; f->at is the
 * server message of the mutation that went before the finding, -1 if none),
 * or -errno when the harness failed (@f->detail says why). @counts, when
 * not NULL, gets {server messages, client messages} of the session. */
int pf_cl_play(const struct pf_client *cl, const struct pf_cl_plan *plan, struct pf_finding *f,
	       unsigned counts[2]);
int pf_cl_plan_load(const char *path, struct pf_cl_plan *p, struct pf_finding *f, char *err, size_t errlen);
int pf_cl_plan_save(const char *path, const struct pf_cl_plan *p, const struct pf_finding *f,
		    const char *client_cmd, uint64_t seed, uint64_t iteration, char *err, size_t errlen);
/* True when @path holds a client plan (its "format"), false for anything else. */
bool pf_cl_is_plan(const char *path);

/* fuzz-client.c: `vfsim fuzz --client-cmd` and `vfsim replay --client-cmd`. */
struct pf_cl_opts {
	const char *client_cmd, *profile_path, *out;
	uint64_t iterations, seconds, seed;
	unsigned timeout_ms;
	bool keep_going, minimize, verbose;
};
int pf_cl_fuzz(const struct pf_cl_opts *o);
int pf_cl_replay(const char *file, const char *client_cmd, const char *profile_path, unsigned timeout_ms);

/* pf-session.c: what the two file formats share (json-c). */
struct json_object;
/* @path read as JSON whose "format" is @format: its root (json_object_put
 * it), or NULL with @err saying why. */
struct json_object *pf_json_load(const char *path, const char *format, char *err, size_t errlen);
/* The file's "finding" into @f (kind PF_NONE, at -1 when it has none). */
void pf_json_finding(struct json_object *root, struct pf_finding *f);
/* A new root: format, version 1, the finding (unless PF_NONE or NULL),
 * @cmd_key: @cmd (unless NULL), seed and iteration. NULL without memory. */
struct json_object *pf_json_root(const char *format, const struct pf_finding *f, const char *cmd_key,
				 const char *cmd, uint64_t seed, uint64_t iteration);
/* Write @root to @path and put it. 0 or -EIO with @err. */
int pf_json_save(const char *path, struct json_object *root, char *err, size_t errlen);

/* replay.c */
const char *pf_kind_name(enum pf_kind k);
const char *pf_cmd_name(uint16_t cmd);
void pf_session_free(struct pf_session *s);
/* Deep copy; 0 or -ENOMEM (@dst empty then). */
int pf_session_copy(struct pf_session *dst, const struct pf_session *src);
/* Append a message (payload copied, msg_size = 16 + @len); -E2BIG when full. */
int pf_session_add(struct pf_session *s, uint16_t id, uint16_t cmd, uint32_t flags, const void *payload,
		   uint32_t len, unsigned nfds);
/* Load / save the JSON file. 0 or -errno with @err saying why. @f may be NULL. */
int pf_session_load(const char *path, struct pf_session *s, struct pf_finding *f, char *err, size_t errlen);
int pf_session_save(const char *path, const struct pf_session *s, const struct pf_finding *f,
		    const char *server_cmd, uint64_t seed, uint64_t iteration, char *err, size_t errlen);
/* Play @s once against @srv (starting it when it is not up): 0 with @f
 * filled (kind PF_NONE when nothing went wrong), or -errno when the server
 * could not be started or reached (@f->detail says why). */
int pf_play(struct pf_server *srv, const struct pf_session *s, struct pf_finding *f);
/* Stop a kept server; a crash it had meanwhile goes into @f when non-NULL. */
void pf_server_down(struct pf_server *srv, struct pf_finding *f);
/* How a replay went, printed (@where: "at message" or "after server
 * message"), as the exit status: 2 when @r < 0 (the harness failed: @got's
 * detail), 0 when nothing was found, 1 when @got is a finding. */
int pf_replay_verdict(int r, const struct pf_finding *rec, const struct pf_finding *got, const char *where);
/* @s in single quotes for a shell command line, into @buf. */
void pf_shell_quote(const char *s, char *buf, size_t len);

#endif
