/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The conformance framework: what a case is (struct conf_case, one table row),
 * the verdicts it can reach, the context its run function gets (the target,
 * a transcript, a detail string, a seeded generator) and the helpers that turn
 * an observed result into a verdict. Also the runner's entry points, which
 * runner.c implements and `vfsim check` (sim/cli/check.c) calls.
 *
 * A run function returns a verdict (enum conf_verdict as int). Helpers record
 * into the context as they go, so a case can make several checks and return
 * conf_pass(ctx), which is the worst verdict recorded so far (PASS if none).
 * The runner keeps the worse of the returned and the recorded verdict.
 *
 * Cases talk to the target only through the public libvfsim API and
 * <linux/vfio.h>; their expectations are transcribed from the spec, never
 * read from sim/'s tables.
 */
#ifndef VFSIM_CONF_H
#define VFSIM_CONF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "catalogue.h"
#include "vfsim.h"

struct conf_ctx;

/* Ordered from best to worst: the runner keeps the worst a case reached. */
enum conf_verdict {
	CONF_PASS,
	CONF_NOT_SUPPORTED,	/* a precondition (device feature) is missing on the target */
	CONF_NON_STRICT,	/* a SHOULD violated, or an errno the spec leaves open differs */
	CONF_FAIL,
	CONF_TIMEOUT,		/* the case did not finish within --timeout */
	CONF_PEER_CRASH,	/* the process holding the target died */
	CONF_HARNESS_ERROR,	/* the suite itself could not run the case */
	CONF_NVERDICTS
};

/* "PASS", "NON-STRICT", ...; NULL when out of range. */
const char *conf_verdict_name(int v);
/* The verdict named @name, or -EINVAL. */
int conf_verdict_parse(const char *name);

struct conf_case {
	const char *id;		/* "UAPI-CTR-001": stable, never renumbered */
	const char *rule;	/* rule id in the catalogue, which holds level + spec reference */
	unsigned roles;		/* enum conf_role bits: which side is under test */
	const char *needs;	/* "msix", "msi,msix", "!reset" (must be absent); NULL = nothing */
	int (*run)(struct conf_ctx *ctx, const struct conf_case *c);
	const void *arg;	/* row data for shared run functions */
	const char *summary;	/* one line: "reject overlapping DMA_MAP with EEXIST" */
};

/* A case table of one cases-<area>.c file. */
struct conf_table {
	const struct conf_case *cases;
	size_t n;
};

/* ---- device features a case may need, discovered from the target ---------- */

enum conf_feature {
	CONF_FEAT_RESET = 1u << 0,	/* GET_INFO flags has VFIO_DEVICE_FLAGS_RESET */
	CONF_FEAT_DEV_CAPS = 1u << 1,	/* GET_INFO flags has VFIO_DEVICE_FLAGS_CAPS */
	CONF_FEAT_DEV_REGION = 1u << 2,	/* num_regions > 9: a device-specific region */
	CONF_FEAT_INTX = 1u << 3,	/* GET_IRQ_INFO(INTX).count > 0 */
	CONF_FEAT_MSI = 1u << 4,
	CONF_FEAT_MSIX = 1u << 5,
	CONF_FEAT_ERR = 1u << 6,
	CONF_FEAT_REQ = 1u << 7,
	CONF_FEAT_PCIE = 1u << 8,	/* a PCI Express capability in config space */
	CONF_FEAT_VGA = 1u << 9,	/* class code 0x0300: VGA-compatible */
	CONF_FEAT_MIGRATION = 1u << 10,	/* DEVICE_FEATURE PROBE|GET MIGRATION succeeds */
	CONF_FEAT_MIG_P2P = 1u << 11,
	CONF_FEAT_MIG_PRECOPY = 1u << 12,
	CONF_FEAT_DMA_LOGGING = 1u << 13,	/* PROBE|SET DMA_LOGGING_START succeeds */
	CONF_FEAT_HOT_RESET = 1u << 14,	/* GET_PCI_HOT_RESET_INFO succeeds */
	CONF_FEAT_LOW_POWER = 1u << 15,	/* PROBE|SET LOW_POWER_ENTRY succeeds */
	CONF_FEAT_BAR = 1u << 16,	/* some BAR 0-5 has a size */
	CONF_FEAT_DMA_ENGINE = 1u << 17,	/* the profile has vfsim's DMA engine (registers in a BAR) */
};

/* The feature named @name ("msix"), 0 if none; and its name and how it is
 * discovered, for NOT-SUPPORTED reasons. */
unsigned conf_feature_parse(const char *name);
const char *conf_feature_name(unsigned bit);
const char *conf_feature_how(unsigned bit);

/* Check a case's `needs` against @have: 1 met, 0 not met (reason written),
 * -EINVAL the string names an unknown feature (reason written). */
int conf_needs_met(const char *needs, unsigned have, char *reason, size_t len);

/* ---- targets --------------------------------------------------------------- */

enum conf_target_kind { CONF_TARGET_UAPI, CONF_TARGET_VU_SOCKET };

/* What the runner knows about the target before any case runs. */
struct conf_target {
	enum conf_target_kind kind;
	const char *profile_path;
	const struct vfsim_profile *profile;	/* loaded once; each case builds a device from it */
	const char *socket_path;	/* a third-party vfio-user server; NULL = the built-in one */
	char device_name[64];
	unsigned features;		/* enum conf_feature bits, discovered */
	uint32_t dev_flags, num_regions, num_irqs;
	uint32_t irq_count[5];		/* per IRQ index, 0 when GET_IRQ_INFO failed */
	uint32_t mig_flags;
	uint64_t faults;		/* --fault: deviations the built-in server / model commit */
	const char *client_cmd;		/* the client under test ({socket}); NULL: no client cases */
	unsigned timeout_ms;		/* per-case limit the runner enforces (--timeout) */
};

/* Where the model puts the one device of each case: the group is
 * /dev/vfio/CONF_UAPI_GROUP and the device CONF_UAPI_BDF. */
#define CONF_UAPI_GROUP 12
#define CONF_UAPI_BDF "0000:00:04.0"
#define CONF_UAPI_GROUP_PATH "/dev/vfio/12"

/* The kernel's order of opening things (§1.1): a case asks for a stage and
 * gets every earlier one too. */
enum conf_uapi_stage {
	CONF_UAPI_NONE,
	CONF_UAPI_CONTAINER,	/* open /dev/vfio/vfio */
	CONF_UAPI_GROUP_OPEN,	/* open the group */
	CONF_UAPI_ATTACHED,	/* VFIO_GROUP_SET_CONTAINER */
	CONF_UAPI_IOMMU,	/* VFIO_SET_IOMMU(TYPE1v2) */
	CONF_UAPI_DEVICE,	/* VFIO_GROUP_GET_DEVICE_FD */
};

/* Per-case state of the kernel-uAPI model: a fresh host and device. */
struct conf_uapi {
	struct vfsim_dev *dev;
	struct vfsim_host *host;
	int container, group, device;	/* -1 while not open */
};

/* Per-case state of the vfio-user server target (conf-vu.c): one connection. */
struct conf_vu {
	int sock;			/* our end; -1 when not connected */
	int server_pid;			/* the built-in server's process; 0 for --socket */
	uint16_t next_id;
	bool mute;			/* no transcript line per message (bulk loops) */
};

#define CONF_DETAIL_MAX 1024

struct conf_ctx {
	const struct conf_target *target;
	struct conf_uapi u;
	struct conf_vu v;
	int verdict;			/* worst recorded so far */
	char detail[CONF_DETAIL_MAX];
	uint64_t seed;			/* --seed mixed with the case id: stable per case */
	uint64_t rng;
	int out_fd;			/* the transcript streams here (the runner's pipe); -1 = dropped */
	unsigned nlines;		/* transcript lines written (bounded) */
};

/* ---- verdict helpers -------------------------------------------------------- */

/* The verdict recorded so far (PASS when nothing objected). */
int conf_pass(struct conf_ctx *ctx);
/* Record a failure and return CONF_FAIL. */
int conf_fail(struct conf_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int conf_non_strict(struct conf_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int conf_not_supported(struct conf_ctx *ctx, const char *reason);
/* The suite could not go on: HARNESS_ERROR, or FAIL when the target already
 * broke a rule in this case (that is why it could not go on). */
int conf_harness_error(struct conf_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Judge a result against the spec. @want is 0 (success required: any
 * non-negative @got) or a -errno. An error where success was required, or
 * success where an error was required, is FAIL; a different errno is FAIL
 * when @spec_fixes_errno, else NON-STRICT. Returns the verdict of this check
 * (also recorded). @what names the call in the detail. */
int conf_expect_errno(struct conf_ctx *ctx, const char *what, int got, int want, bool spec_fixes_errno);
/* Record FAIL with the message unless @cond; returns @cond. */
bool conf_check(struct conf_ctx *ctx, bool cond, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Append a line to the case's transcript. */
void conf_note(struct conf_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Deterministic per-case pseudo-random numbers (xorshift64*). */
uint64_t conf_rand(struct conf_ctx *ctx);
/* "EINVAL" for -EINVAL (or 22); "0" style numbers for the rest. */
const char *conf_errno_name(int err);

/* ---- kernel-uAPI model helpers (conf-uapi.c) -------------------------------- */

/* Open everything up to @stage in the kernel's order. A step the spec says
 * must succeed and does not is recorded as FAIL ("setup: ..."). Returns
 * CONF_PASS or the verdict recorded. */
int conf_uapi_setup(struct conf_ctx *ctx, enum conf_uapi_stage stage);
/* vfsim_ioctl with a transcript line (request name, argsz, result, the
 * model's rule for a rejection). @arg as for ioctl(2). */
int conf_ioctl(struct conf_ctx *ctx, int fd, unsigned long req, void *arg);
int conf_open(struct conf_ctx *ctx, const char *path, int flags);
int conf_close(struct conf_ctx *ctx, int fd);
/* GET_IRQ_INFO / GET_REGION_INFO with argsz = sizeof, on ctx->u.device. */
int conf_uapi_irq_info(struct conf_ctx *ctx, uint32_t index, uint32_t *ret_flags, uint32_t *ret_count);
int conf_uapi_region_info(struct conf_ctx *ctx, uint32_t index, uint64_t *ret_size, uint32_t *ret_flags,
			  uint64_t *ret_offset);
/* SET_IRQS on ctx->u.device with argsz = 20 + @datalen. */
int conf_uapi_set_irqs(struct conf_ctx *ctx, uint32_t flags, uint32_t index, uint32_t start, uint32_t count,
		       const void *data, size_t datalen);
/* Read config space through the device fd (region 7). Returns 0 or -errno. */
int conf_uapi_cfg_read(struct conf_ctx *ctx, uint32_t off, void *buf, size_t len);
int conf_uapi_cfg_write(struct conf_ctx *ctx, uint32_t off, const void *buf, size_t len);

/* A migration data fd: read to its 0-byte end, keeping the bytes in *img
 * (malloc'd, at most 64 MiB: -EFBIG beyond) when @img; write all of @img.
 * 0 or -errno (a failed read or write is noted in the transcript). */
int conf_uapi_drain(struct conf_ctx *ctx, int fd, uint8_t **img, size_t *len);
int conf_uapi_feed(struct conf_ctx *ctx, int fd, const uint8_t *img, size_t len);

/* Build the per-case target (fresh host + device) / tear it down. */
int conf_uapi_target_up(struct conf_ctx *ctx);
void conf_uapi_target_down(struct conf_ctx *ctx);
/* Discover @t's features from a fresh model (fills features, counts, flags).
 * Returns 0 or -errno with a message in @err. */
int conf_uapi_discover(struct conf_target *t, char *err, size_t errlen);

/* ---- vfio-user server target helpers (conf-vu.c) ------------------------------ */

/* The header and commands as the spec defines them (digest 1.3, 3.0),
 * transcribed here so cases judge the server by the spec, not by sim/. */
struct conf_vu_hdr {
	uint16_t id, cmd;
	uint32_t size;			/* the whole message, header included */
	uint32_t flags;
	uint32_t error;
} __attribute__((packed));

enum {
	CONF_VU_VERSION = 1, CONF_VU_DMA_MAP, CONF_VU_DMA_UNMAP, CONF_VU_GET_INFO, CONF_VU_GET_REGION_INFO,
	CONF_VU_GET_REGION_IO_FDS, CONF_VU_GET_IRQ_INFO, CONF_VU_SET_IRQS, CONF_VU_REGION_READ,
	CONF_VU_REGION_WRITE, CONF_VU_DMA_READ, CONF_VU_DMA_WRITE, CONF_VU_RESET,
	CONF_VU_REGION_WRITE_MULTI = 15, CONF_VU_DEVICE_FEATURE, CONF_VU_MIG_DATA_READ, CONF_VU_MIG_DATA_WRITE,
};

#define CONF_VU_F_REPLY 0x1u		/* TYPE (bits 0-3) = REPLY */
#define CONF_VU_F_TYPE_MASK 0xfu
#define CONF_VU_F_NO_REPLY 0x10u
#define CONF_VU_F_ERROR 0x20u
#define CONF_VU_MAX_FDS 64		/* fds the helpers send or keep per message */
#define CONF_VU_TIMEOUT_MS 1000		/* default wait for a reply */

struct conf_vu_msg {
	struct conf_vu_hdr hdr;
	uint8_t *payload;		/* malloc'd, hdr.size - 16 bytes */
	uint32_t len;
	int fds[CONF_VU_MAX_FDS];
	unsigned nfds;
};

/* Connect the case (built-in server in a second process, or --socket). */
int conf_vu_target_up(struct conf_ctx *ctx);
/* Close the connection and reap the built-in server: CONF_PEER_CRASH when it
 * died of a signal, else CONF_PASS. */
int conf_vu_target_down(struct conf_ctx *ctx);
/* Send @h as given (msg_size untouched) / with msg_size = 16 + @len. */
int conf_vu_send_raw(struct conf_ctx *ctx, const struct conf_vu_hdr *h, const void *payload, size_t len,
		     const int *fds, unsigned nfds);
int conf_vu_send(struct conf_ctx *ctx, uint16_t id, uint16_t cmd, uint32_t flags, const void *payload, size_t len,
		 const int *fds, unsigned nfds);
/* The next message id of this connection. */
uint16_t conf_vu_id(struct conf_ctx *ctx);
/* Receive one message within @timeout_ms (0 = CONF_VU_TIMEOUT_MS): 0,
 * -ETIMEDOUT, -ECONNRESET (closed), -EPROTO (msg_size unusable). */
int conf_vu_recv(struct conf_ctx *ctx, struct conf_vu_msg *m, int timeout_ms);
void conf_vu_msg_free(struct conf_vu_msg *m);
/* Send a command, receive its reply (FAIL recorded when id/cmd do not echo).
 * 0, -errno of an error reply (EINVAL when its error is 0), or a transport
 * error as conf_vu_recv. @reply is valid (free it) whenever the return is
 * not a transport error. */
int conf_vu_call(struct conf_ctx *ctx, uint16_t cmd, const void *payload, size_t len, struct conf_vu_msg *reply);
/* @n pipes (O_CLOEXEC): read ends in @rfd, write ends in @wfd, used to see
 * whether a server closes fds it was sent. 0, or -errno with none left open. */
int conf_vu_pipes(unsigned n, int *rfd, int *wfd);
/* VERSION @major.@minor with @json (NULL: no JSON) as conf_vu_call. */
int conf_vu_version(struct conf_ctx *ctx, uint16_t major, uint16_t minor, const char *json,
		    struct conf_vu_msg *reply);
/* VERSION 0.0 with @json; a refusal is a harness error (returned). */
int conf_vu_negotiate(struct conf_ctx *ctx, const char *json);
/* Fork the built-in server for the run's profile (with @cfg, NULL = defaults,
 * and the run's faults) on one end of a socketpair: our end in *ret_sock,
 * its pid in *ret_pid (reap it; it exits when the connection closes). */
int conf_vu_serve_fork(struct conf_ctx *ctx, const struct vfsim_vu_server_config *cfg, int *ret_sock, int *ret_pid);
/* A fresh private directory @prefix + six random characters in @buf
 * (mkdtemp). 0 or -errno (@buf empty then). */
int conf_mkdtemp(char *buf, size_t len, const char *prefix);
/* Sleep @ms milliseconds. */
void conf_sleep_ms(unsigned ms);
/* Did the server close the connection (within @timeout_ms)? */
bool conf_vu_peer_closed(struct conf_ctx *ctx, int timeout_ms);

/* A third-party server started from a command line (--server-cmd): a shell
 * in its own process group, its socket in a private temp dir. */
struct conf_vu_spawn {
	int pid;			/* the shell (process group leader); 0 when none */
	bool exited;			/* reaped: @status is valid */
	bool killed;			/* we sent the group SIGTERM/SIGKILL */
	int status;
	char dir[64];			/* the private temp dir */
	char sock[128];			/* dir/vu.sock, what {socket} became */
};

/* Start @cmd with every {socket} replaced by a fresh shell-quoted socket
 * path and wait up to @timeout_ms until the socket accepts connections.
 * 0, or -errno with @err saying why (with the tail of the command's stderr);
 * on failure nothing is left running. */
int conf_vu_spawn_start(struct conf_vu_spawn *sp, const char *cmd, unsigned timeout_ms, char *err, size_t errlen);
/* The file a spawned server's stderr goes to, in its temp dir @dir
 * (struct conf_vu_spawn.dir); @buf is returned. */
const char *conf_vu_spawn_stderr_path(const char *dir, char *buf, size_t len);
/* Has the server died of a signal (not one of ours)? CONF_PEER_CRASH with
 * @detail written, else CONF_PASS (also when it is running). */
int conf_vu_spawn_poll(struct conf_vu_spawn *sp, char *detail, size_t len);
/* SIGTERM the group, SIGKILL after a grace period, reap, remove the temp
 * dir. CONF_PEER_CRASH (@detail written) when the server had died of a
 * signal of its own, else CONF_PASS. Accepts a never-started @sp. */
int conf_vu_spawn_stop(struct conf_vu_spawn *sp, char *detail, size_t len);

/* -- reconnecting within a case (cases-vu-session.c) -- */

/* Make the case's target reconnectable: the built-in server is replaced by
 * one (with @cfg, NULL = defaults, plus the run's faults) that serves a
 * reconnecting client with the same device; a --socket/--server-cmd target
 * already is (0; -EOPNOTSUPP when @cfg asks for a configuration it cannot
 * have). A fresh connection in ctx->v.sock either way. 0 or -errno. */
int conf_vu_serve_reconnectable(struct conf_ctx *ctx, const struct vfsim_vu_server_config *cfg);
/* Close the connection and open a new one to the same server (and device):
 * ctx->v.sock replaced, message ids restart. -ENOTCONN for a built-in
 * target not made reconnectable. 0 or -errno. */
int conf_vu_reconnect(struct conf_ctx *ctx);
/* The server process's pid (the built-in one's, or SO_PEERCRED of the
 * connection), or -errno. */
int conf_vu_server_pid(struct conf_ctx *ctx);

/* ---- vfio-user client target (conf-client.c) ----------------------------------- */

/* A case judging a vfio-user client. The runner's child listens on a fresh
 * socket in a private temp dir, starts the client command (--client-cmd, with
 * {socket} replaced; with no target: this vfsim binary's own
 * `vfsim client --exercise --socket {socket}`), accepts its connection and
 * sits between it and a built-in server (conf_vu_serve_fork with the script's
 * server config) as a proxy. Every client message is recorded, passed to the
 * script's on_client hook and forwarded; every server message is recorded,
 * passed to on_server and forwarded. A hook may alter the message, drop it,
 * hold one reply back, or inject messages of its own, which is how a case
 * plays a misbehaving server. The session ends when the client exits or
 * closes its socket, when it has been silent for the script's idle time with
 * no request of its pending, or at the case's deadline; the client is then
 * stopped (SIGTERM, SIGKILL) and reaped, and the case judges the recording.
 *
 * The contract a client command must keep (README): connect to {socket}, run a
 * finite workload, exit 0 when every step succeeded and non-zero when one
 * failed. Exit by a signal is a crash. */

enum conf_cl_dir {
	CONF_CL_FROM_CLIENT,		/* sent by the client (forwarded unless a hook dropped it) */
	CONF_CL_FROM_SERVER,		/* sent by the built-in server, as it reached the proxy */
	CONF_CL_INJECTED,		/* sent to the client by a hook (conf_cl_to_client*) */
};

#define CONF_CL_PAYLOAD_MAX (64u * 1024)	/* payload bytes kept per recorded message */
#define CONF_CL_EVENTS_MAX 4096			/* messages recorded per session; later ones are counted only */

/* One message the proxy saw. */
struct conf_cl_event {
	enum conf_cl_dir dir;
	struct conf_vu_hdr hdr;		/* as received (for FROM_SERVER: before the hook changed it) */
	uint8_t *payload;		/* malloc'd copy of the first @len payload bytes (NULL if 0) */
	uint32_t len;			/* bytes kept: min(hdr.size - 16, what arrived, CONF_CL_PAYLOAD_MAX) */
	unsigned nfds;			/* SCM_RIGHTS fds that came with it */
	bool dropped;			/* a hook returned CONF_CL_DROP / HOLD for it */
	unsigned ms;			/* milliseconds since the client connected */
};

enum conf_cl_end {
	CONF_CL_END_EXIT,		/* the client process exited (see status) */
	CONF_CL_END_CLOSED,		/* the client closed its socket (and exited or was stopped) */
	CONF_CL_END_IDLE,		/* silent for idle_ms with no request pending; we stopped it */
	CONF_CL_END_DEADLINE,		/* still busy at the case deadline; we stopped it */
	CONF_CL_END_STOPPED,		/* a hook returned CONF_CL_STOP */
	CONF_CL_END_NO_CONNECT,		/* the client never connected (see status / stderr_tail) */
	CONF_CL_END_FRAMING,		/* the client sent something the proxy cannot frame (msg_size < 16 or > 64 MiB) */
};

/* What one session recorded. */
struct conf_cl_session {
	struct conf_cl_event *ev;
	size_t nev;
	size_t nlost;			/* messages beyond CONF_CL_EVENTS_MAX */
	enum conf_cl_end end;
	bool exited;			/* reaped: @status is a waitpid status */
	bool stopped;			/* we sent it SIGTERM/SIGKILL (so a signal death is ours) */
	int status;
	bool client_closed;		/* EOF from the client's socket */
	bool server_closed;		/* the built-in server closed (or crashed: server_status) */
	int server_status;		/* waitpid status of the built-in server */
	long fault_at;			/* index in ev of the first conf_cl_mark_fault, -1 if none */
	unsigned fault_ms;		/* when it was marked */
	unsigned last_client_ms;	/* when the client's last message came */
	char stderr_tail[512];		/* the end of the client's stderr */
};

enum conf_cl_action {
	CONF_CL_FORWARD,		/* send the (possibly altered) message on */
	CONF_CL_DROP,			/* do not send it (the hook may have sent something else) */
	CONF_CL_HOLD,			/* keep it (one slot) until conf_cl_release; only from on_server */
	CONF_CL_STOP,			/* end the session now: close both sockets, stop the client */
};

struct conf_cl_proxy;

struct conf_cl_script {
	/* The built-in server behind the proxy (max_msg_fds, max_data_xfer_size,
	 * write_multiple, twin_socket, ...); all-zero = the server's defaults. */
	struct vfsim_vu_server_config server;
	/* Called with each message before it is forwarded; @m may be changed in
	 * place (header, payload: realloc'd with malloc, fds: close what you
	 * remove). NULL = forward everything. Return an enum conf_cl_action. */
	int (*on_server)(struct conf_cl_proxy *p, struct conf_vu_msg *m);
	int (*on_client)(struct conf_cl_proxy *p, struct conf_vu_msg *m);
	const void *arg;		/* for the hooks: conf_cl_arg() */
	unsigned idle_ms;		/* 0 = 400 */
	/* After the proxy closed the connection (CONF_CL_STOP) or the client
	 * closed its socket: how long it may take to exit on its own before it
	 * is stopped (0 = 100 ms; vfsim fuzz judges hangs by it). */
	unsigned exit_grace_ms;
};

/* Run one session as @s scripts it (the case deadline comes from the runner's
 * --timeout, less a margin for judging). 0 with @out filled (free it with
 * conf_cl_session_free), or -errno for a harness failure (nothing to free;
 * the reason is in ctx->detail via conf_harness_error). The client's messages
 * and the proxy's actions go to the transcript. */
int conf_cl_run(struct conf_ctx *ctx, const struct conf_cl_script *s, struct conf_cl_session *out);
void conf_cl_session_free(struct conf_cl_session *s);

/* From a hook: */
struct conf_ctx *conf_cl_ctx(struct conf_cl_proxy *p);
const void *conf_cl_arg(struct conf_cl_proxy *p);
/* 256 zeroed bytes of per-session scratch state for the hooks. */
void *conf_cl_scratch(struct conf_cl_proxy *p);
/* Send a message to the client: msg_size = 16 + @len unless @raw_size (then
 * @h->size is sent as is). Recorded as CONF_CL_INJECTED. 0 or -errno. */
int conf_cl_to_client(struct conf_cl_proxy *p, const struct conf_vu_hdr *h, const void *payload, size_t len,
		      const int *fds, unsigned nfds, bool raw_size);
/* Send raw bytes to the client (a partial message, then CONF_CL_STOP, is a
 * disconnect mid-reply). */
int conf_cl_to_client_bytes(struct conf_cl_proxy *p, const void *buf, size_t len);
/* Send a message to the server as if the client had (the proxy then swallows
 * its reply if @swallow_reply: on_server is still called for it). */
int conf_cl_to_server(struct conf_cl_proxy *p, const struct conf_vu_hdr *h, const void *payload, size_t len,
		      bool swallow_reply);
/* Forward the held message now (no-op when nothing is held). */
int conf_cl_release(struct conf_cl_proxy *p);
/* Record that the scripted deviation happens now (session.fault_at). */
void conf_cl_mark_fault(struct conf_cl_proxy *p);
/* The client's process group: the shell the command runs in and every
 * process it starts (for looking at them in /proc). */
int conf_cl_client_pgid(struct conf_cl_proxy *p);
/* A msg_id the client has not used in this session (for injected server requests). */
uint16_t conf_cl_fresh_id(struct conf_cl_proxy *p);

/* Judging a recording (conf-client.c): */
/* The worst of: the client died of a signal we did not send (PEER_CRASH),
 * never connected (HARNESS_ERROR with its stderr), or framing broke (FAIL).
 * CONF_PASS otherwise. Recorded in ctx. */
int conf_cl_judge_basic(struct conf_ctx *ctx, const struct conf_cl_session *s);
/* How a client may react to a scripted deviation (bits). */
#define CONF_CL_MAY_CLOSE 1u		/* it closed the socket or exited non-zero */
#define CONF_CL_MAY_CONTINUE 2u		/* it went on and exited 0 (e.g. an error reply it may tolerate) */
#define CONF_CL_MAY_WAIT 4u		/* it stayed connected and silent (waiting for a reply that never came) */
/* Judge the reaction after the deviation: conf_cl_judge_basic, then NOT_SUPPORTED
 * if the deviation never happened (@why_not says why: "the client sent no
 * SET_IRQS"), FAIL if the reaction is not in @allowed ("exited 0 after a
 * reply with a wrong msg_id: accepted garbage"), TIMEOUT if it was still
 * busy at the deadline and MAY_WAIT is not allowed. */
int conf_cl_judge_reaction(struct conf_ctx *ctx, const struct conf_cl_session *s, unsigned allowed,
			   const char *why_not);
/* Iterate: the index of the next event after @from (-1 = from the start)
 * with direction @dir and command @cmd (0 = any) and, when @type >= 0, that
 * TYPE (0 command, 1 reply); -1 when none. */
long conf_cl_find(const struct conf_cl_session *s, long from, enum conf_cl_dir dir, uint16_t cmd, int type);
/* How many such events. */
size_t conf_cl_count(const struct conf_cl_session *s, enum conf_cl_dir dir, uint16_t cmd, int type);

/* ---- the case tables --------------------------------------------------------- */

extern const struct conf_table conf_uapi_container_table;
extern const struct conf_table conf_uapi_device_table;
extern const struct conf_table conf_uapi_irq_table;
extern const struct conf_table conf_uapi_feature_table;
extern const struct conf_table conf_uapi_type1_table;
extern const struct conf_table conf_uapi_extra_table;	/* cases-uapi-extra.c */
extern const struct conf_table conf_uapi_extra2_table;	/* cases-uapi-extra2.c */
/* Every kernel-uAPI table, in report order. */
extern const struct conf_table *const conf_uapi_tables[];
extern const size_t conf_uapi_ntables;
extern const struct conf_table conf_vu_transport_table;
extern const struct conf_table conf_vu_device_table;
extern const struct conf_table conf_vu_region_table;
extern const struct conf_table conf_vu_irq_table;
extern const struct conf_table conf_vu_feature_table;	/* cases-vu-feature.c: DEVICE_FEATURE, DMA logging */
extern const struct conf_table conf_vu_mig_table;	/* cases-vu-mig.c: migration FSM and MIG_DATA */
extern const struct conf_table conf_vu_session_table;	/* cases-vu-session.c: disconnect, reconnect, twin socket */
extern const struct conf_table conf_vu_dma_table;	/* cases-vu-dma.c: server DMA_READ/WRITE */
extern const struct conf_table conf_vu_dma2_table;	/* cases-vu-dma2.c: IO fds, error replies */
extern const struct conf_table conf_vu_extra_table;	/* cases-vu-extra.c: framing, argsz, layouts, IRQ wiring */
/* Every vfio-user server table, in report order. */
extern const struct conf_table *const conf_vu_server_tables[];
extern const size_t conf_vu_server_ntables;
/* Client-role tables (cases-vu-client-*.c): passive checks of what the
 * client sends, and its reactions to a misbehaving server. */
extern const struct conf_table conf_vu_client_msg_table;	/* cases-vu-client-msg.c */
extern const struct conf_table conf_vu_client_msg2_table;	/* cases-vu-client-msg2.c */
extern const struct conf_table conf_vu_client_version_table;	/* cases-vu-client-version.c */
extern const struct conf_table conf_vu_client_react_table;	/* cases-vu-client-react.c */
extern const struct conf_table conf_vu_client_inject_table;	/* cases-vu-client-inject.c */
extern const struct conf_table conf_vu_client_react2_table;	/* cases-vu-client-react.c: VU-CLR-080 */
extern const struct conf_table *const conf_vu_client_tables[];
extern const size_t conf_vu_client_ntables;

/* ---- the runner (runner.c, report.c) ---------------------------------------- */

enum conf_exit {
	CONF_EXIT_OK = 0,	/* every required case passed (after expectations) */
	CONF_EXIT_FAIL = 1,	/* a required case failed */
	CONF_EXIT_HARNESS = 2,	/* usage or harness error */
	CONF_EXIT_EXPECT = 3,	/* the expectation file was violated */
};

/* What a run found, for callers that judge runs (vfsim selftest). */
struct conf_tally {
	unsigned count[CONF_NVERDICTS];
	unsigned cases;
	char first_fail[64];		/* id of the first FAIL case, "" if none */
	char first_fail_rule[32];
};

struct conf_opts {
	const char *filter;		/* fnmatch glob on case ids; NULL = all */
	unsigned timeout_ms;		/* per case; 0 = 2000 */
	uint64_t seed;
	bool strict;			/* NON-STRICT counts as a failure */
	bool list;			/* list the (filtered) cases, run nothing */
	bool coverage;			/* print rule coverage, run nothing */
	bool quiet;			/* no progress lines, only the summary */
	const char *expect_path;
	const char *tap_path, *junit_path, *json_path, *html_path;
	const char *profile_path;	/* NULL = fixtures/devices/dmaengine.json */
	const char *socket_path;	/* run only the server cases, against this vfio-user socket */
	const char *server_cmd;		/* spawn this vfio-user server ({socket}: its socket path), run the server cases */
	bool spawn_suite;		/* with server_cmd: one server for the whole run, not one per case */
	uint64_t faults;		/* deviations the built-in server and model commit (vfsim_fault_parse) */
	const char *client_cmd;		/* judge this vfio-user client ({socket}: where it connects) */
	bool builtin_client;		/* client_cmd is vfsim's own client, run alongside the other targets */
	struct conf_tally *tally;	/* filled at the end of the run when set */
	FILE *out;			/* terminal report; NULL = stdout */
	FILE *err;			/* diagnostics; NULL = stderr */
};

#define CONF_DEFAULT_TIMEOUT_MS 2000
#define CONF_MAX_CASES 4096

/* Run @tables against the kernel-uAPI model as @o says; returns an enum
 * conf_exit value. */
int conf_run(const struct conf_opts *o, const struct conf_table *const *tables, size_t ntables);
/* Rule coverage per role and level over @tables (--coverage); with @list the
 * uncovered MUST rules too. */
void conf_coverage_print(FILE *f, const struct conf_table *const *tables, size_t ntables, bool list);

#endif
