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
/* Has the server died of a signal (not one of ours)? CONF_PEER_CRASH with
 * @detail written, else CONF_PASS (also when it is running). */
int conf_vu_spawn_poll(struct conf_vu_spawn *sp, char *detail, size_t len);
/* SIGTERM the group, SIGKILL after a grace period, reap, remove the temp
 * dir. CONF_PEER_CRASH (@detail written) when the server had died of a
 * signal of its own, else CONF_PASS. Accepts a never-started @sp. */
int conf_vu_spawn_stop(struct conf_vu_spawn *sp, char *detail, size_t len);

/* ---- the case tables --------------------------------------------------------- */

extern const struct conf_table conf_uapi_container_table;
extern const struct conf_table conf_uapi_device_table;
extern const struct conf_table conf_uapi_irq_table;
extern const struct conf_table conf_uapi_feature_table;
extern const struct conf_table conf_uapi_type1_table;
/* Every kernel-uAPI table, in report order. */
extern const struct conf_table *const conf_uapi_tables[];
extern const size_t conf_uapi_ntables;
extern const struct conf_table conf_vu_transport_table;
extern const struct conf_table conf_vu_device_table;
extern const struct conf_table conf_vu_region_table;
extern const struct conf_table conf_vu_irq_table;
/* Every vfio-user server table, in report order. */
extern const struct conf_table *const conf_vu_server_tables[];
extern const size_t conf_vu_server_ntables;

/* ---- the runner (runner.c, report.c) ---------------------------------------- */

enum conf_exit {
	CONF_EXIT_OK = 0,	/* every required case passed (after expectations) */
	CONF_EXIT_FAIL = 1,	/* a required case failed */
	CONF_EXIT_HARNESS = 2,	/* usage or harness error */
	CONF_EXIT_EXPECT = 3,	/* the expectation file was violated */
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
	const char *tap_path, *junit_path, *json_path;
	const char *profile_path;	/* NULL = fixtures/devices/dmaengine.json */
	const char *socket_path;	/* run only the server cases, against this vfio-user socket */
	const char *server_cmd;		/* spawn this vfio-user server ({socket}: its socket path), run the server cases */
	bool spawn_suite;		/* with server_cmd: one server for the whole run, not one per case */
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
