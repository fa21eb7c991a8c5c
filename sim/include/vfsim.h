/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libvfsim: a simulated PCI device endpoint held in memory, and an in-process
 * model of the Linux VFIO ioctl interface (<linux/vfio.h> semantics, errno for
 * errno) in front of it.
 *
 * Conventions: a call that can fail returns 0 (or a non-negative count) on
 * success and a negative errno on failure; errno is never the channel.
 * Objects come back through ret_ out-parameters. Destructors accept NULL.
 * When a call rejects its input, vfsim_last_rule() names the rule it enforced.
 */
#ifndef VFSIM_H
#define VFSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vfsim_profile;
struct vfsim_dev;
struct vfsim_host;

/* ---- rules and diagnostics ---------------------------------------------- */

/* Stable name ("IRQ_SET_RANGE") and reference of a rule; NULL if out of range. */
const char *vfsim_rule_name(int rule);
const char *vfsim_rule_ref(int rule);
const char *vfsim_rule_text(int rule);
int vfsim_rule_count(void);
/* The rule behind the last rejection on this thread (0 if the last public
 * call rejected nothing), and its errno through ret_err (may be NULL). */
int vfsim_last_rule(int *ret_err);

/* Optional log callback; the library never prints. */
typedef void (*vfsim_log_fn)(void *opaque, int level, const char *msg);
void vfsim_set_log(vfsim_log_fn fn, void *opaque);

/* ---- device profiles (JSON, fixtures/devices/) --------------------------- */

/* Load and validate a profile. On failure returns -EINVAL (or the I/O errno)
 * and writes "FILE: key.path: what is wrong" into err. */
int vfsim_profile_load(const char *path, struct vfsim_profile **ret, char *err, size_t errlen);
/* The same from a buffer; @name stands for the file in messages. */
int vfsim_profile_parse(const char *json, size_t len, const char *name,
			struct vfsim_profile **ret, char *err, size_t errlen);
void vfsim_profile_free(struct vfsim_profile *p);
const char *vfsim_profile_name(const struct vfsim_profile *p);

/* ---- the device ---------------------------------------------------------- */

int vfsim_dev_new(const struct vfsim_profile *p, struct vfsim_dev **ret);
void vfsim_dev_free(struct vfsim_dev *dev);
const struct vfsim_profile *vfsim_dev_profile(const struct vfsim_dev *dev);
/* Device reset (FLR): registers and config space back to reset values,
 * migration back to RUNNING with every data session closed. */
int vfsim_dev_reset(struct vfsim_dev *dev);
/* Device side: raise vector @vector of IRQ index @index (VFIO_PCI_*_IRQ_INDEX).
 * Returns 1 if an eventfd was signalled, 0 if the vector is masked (pending
 * bit set) or has no trigger, -EINVAL if out of range. */
int vfsim_dev_raise_irq(struct vfsim_dev *dev, unsigned index, unsigned vector);
/* Let the device run one step of its internal activity (the DMA engine's
 * background counter), which dirties its state as a running device would. */
void vfsim_dev_tick(struct vfsim_dev *dev);
/* Compare the whole device state of two devices: config space, every region
 * byte (the DMA engine's registers live in BAR memory) and the IRQ
 * configuration. Migration state is not compared: after a migration the
 * source is in STOP_COPY and the destination in STOP.
 * Returns 0 when indistinguishable, else 1 and a description of the first
 * difference in diff. */
int vfsim_dev_compare(const struct vfsim_dev *a, const struct vfsim_dev *b, char *diff, size_t difflen);

/* ---- the in-process kernel-uAPI model ------------------------------------ */

/* The type1 IOMMU of every container of a host. Defaults (vfsim_host_new with
 * NULL): pgsizes 4K|2M|1G, dma_entry_limit 65535, IOVA ranges of an x86 host
 * (everything below 2^48 except the MSI window 0xfee00000-0xfeefffff),
 * pinned_scope false.
 * pinned_scope, the dirty bitmaps of DIRTY_PAGES GET_BITMAP and UNMAP_DMA
 * with GET_DIRTY_BITMAP: false (default, kernel 6.1 with vfio-pci groups):
 * every page of a mapping is reported dirty on every report; true: the
 * groups have pinned-page dirty scope (as mdev drivers that pin pages): a
 * report holds the pages the device wrote since the last report. */
struct vfsim_iommu_config {
	uint64_t pgsizes;
	uint32_t dma_entry_limit;
	unsigned niova_ranges;
	struct { uint64_t start, end; } iova_ranges[8]; /* inclusive ends */
	bool pinned_scope;
};

int vfsim_host_new(const struct vfsim_iommu_config *iommu, struct vfsim_host **ret);
/* Closes every fd of the model; devices added are not freed. */
void vfsim_host_free(struct vfsim_host *host);
/* Put @dev (not owned) into IOMMU group @group_id under the name @bdf
 * ("0000:00:04.0"). Several devices may share a group. */
int vfsim_host_add_device(struct vfsim_host *host, struct vfsim_dev *dev, unsigned group_id, const char *bdf);
/* Make the model commit the deviations in @faults (vfsim_fault_parse). */
void vfsim_host_set_faults(struct vfsim_host *host, uint64_t faults);

/* The file API of the model. Model fds are real descriptors of this process
 * (so numbers are unique, FD_CLOEXEC is visible with fcntl, and poll works on
 * migration data fds); only these calls give them meaning.
 *   vfsim_open(host, "/dev/vfio/vfio", O_RDWR)  a container
 *   vfsim_open(host, "/dev/vfio/12", O_RDWR)    group 12 (exclusive: EBUSY)
 * vfsim_open honours O_CLOEXEC in @flags, as open(2) does; device and
 * migration data fds come from ioctls and are always close-on-exec.
 * vfsim_read/vfsim_write on a device fd use a per-fd file position that
 * starts at 0 and advances, as the kernel's device file does (there is no
 * lseek); on a migration data fd they are the stream. */
int vfsim_open(struct vfsim_host *host, const char *path, int flags);
int vfsim_close(struct vfsim_host *host, int fd);
/* ioctl with a real <linux/vfio.h> request number: >= 0 or -errno. */
int vfsim_ioctl(struct vfsim_host *host, int fd, unsigned long request, void *arg);
ssize_t vfsim_pread(struct vfsim_host *host, int fd, void *buf, size_t count, off_t offset);
ssize_t vfsim_pwrite(struct vfsim_host *host, int fd, const void *buf, size_t count, off_t offset);
ssize_t vfsim_read(struct vfsim_host *host, int fd, void *buf, size_t count);
ssize_t vfsim_write(struct vfsim_host *host, int fd, const void *buf, size_t count);
/* mmap of a device fd at a region offset (index << 40 plus the offset inside
 * the region); only sparse-mmap areas (or whole MMAP regions) may be mapped. */
int vfsim_mmap(struct vfsim_host *host, int fd, size_t length, int prot, int flags, off_t offset, void **ret_addr);
int vfsim_munmap(struct vfsim_host *host, void *addr, size_t length);

/* ---- vfio-user server ----------------------------------------------------- */

struct vfsim_vu_server;

/* Quirk switches, off by default, for peers that deviate from the spec
 * (digest §7): */
#define VFSIM_VU_QUIRK_QEMU_DMA 1u	/* QEMU 10.1 DMA_READ/WRITE layout: u32 count, data at 12, header-only DMA_WRITE reply */
#define VFSIM_VU_QUIRK_IOFDS_48 2u	/* libvfio-user's 48-byte GET_REGION_IO_FDS entries */
#define VFSIM_VU_QUIRK_ERROR_PAYLOAD 4u	/* send error replies that carry a payload (received ones are always accepted, §1.7) */

/* What the server can receive and offers; 0 fields take the defaults
 * (max_msg_fds 8, max_data_xfer_size 1 MiB, max_dma_maps 65535, pgsizes 4K). */
struct vfsim_vu_server_config {
	uint32_t max_msg_fds;
	uint32_t max_data_xfer_size;
	uint32_t max_dma_maps;
	uint64_t pgsizes;
	bool twin_socket;		/* accept a client's twin-socket offer */
	bool write_multiple;		/* advertise REGION_WRITE_MULTI */
	unsigned quirks;		/* VFSIM_VU_QUIRK_* */
	int dma_timeout_ms;		/* wait for a DMA_READ/WRITE reply; 0 = 5000 */
	uint64_t faults;		/* deviations to commit (vfsim_fault_parse); 0 = none */
};

/* A server for @dev (not owned). One client at a time. */
int vfsim_vu_server_new(struct vfsim_dev *dev, const struct vfsim_vu_server_config *cfg,
			struct vfsim_vu_server **ret);
void vfsim_vu_server_free(struct vfsim_vu_server *s);
/* Serve an already-connected stream socket (taken over); -EBUSY while a
 * client is attached. */
int vfsim_vu_server_attach(struct vfsim_vu_server *s, int fd);
/* The descriptor to poll for input, -1 when no client is attached: an epoll
 * fd over the client's socket(s) and the ioeventfds handed out with
 * GET_REGION_IO_FDS, so one poll covers everything process() handles. */
int vfsim_vu_server_fd(const struct vfsim_vu_server *s);
/* Apply signalled ioeventfds (a write of their datamatch value, or 1, to
 * their register), then process every complete message that is ready,
 * without blocking on the client. Returns 0 while the client stays, 1 when it left or was dropped
 * (then detached), -errno on a local failure (also detached). */
int vfsim_vu_server_process(struct vfsim_vu_server *s);
/* Drop the client: its DMA mappings and every fd it sent are closed, IRQ
 * eventfds released; the device state is kept for the next client. */
void vfsim_vu_server_detach(struct vfsim_vu_server *s);
/* Listen on @path (created with mode 0600, an existing socket file is
 * replaced) and serve clients one after another until *stop becomes
 * nonzero (checked at least every 100 ms). Never daemonizes. */
int vfsim_vu_server_listen(struct vfsim_vu_server *s, const char *path, volatile int *stop);

/* ---- vfio-user client ------------------------------------------------------ */

struct vfsim_vu_client;

struct vfsim_vu_client_config {
	uint32_t max_msg_fds;		/* 0 = 8 */
	uint32_t max_data_xfer_size;	/* 0 = 1 MiB */
	bool twin_socket;		/* offer the twin socket */
	int timeout_ms;			/* per request; 0 = 5000 */
	unsigned quirks;		/* VFSIM_VU_QUIRK_* the server is known to need */
	uint64_t faults;		/* deviations to commit (vfsim_fault_parse); 0 = none */
};

/* What the server said in its VERSION reply. */
struct vfsim_vu_server_info {
	uint16_t major, minor;
	uint32_t max_msg_fds, max_data_xfer_size, max_dma_maps;
	uint64_t pgsizes;
	bool twin_socket, write_multiple;
};

int vfsim_vu_client_connect(const char *path, const struct vfsim_vu_client_config *cfg,
			    struct vfsim_vu_client **ret);
/* The same over an already-connected socket (taken over). Negotiates. */
int vfsim_vu_client_attach(int fd, const struct vfsim_vu_client_config *cfg, struct vfsim_vu_client **ret);
void vfsim_vu_client_free(struct vfsim_vu_client *c);
const struct vfsim_vu_server_info *vfsim_vu_client_server_info(const struct vfsim_vu_client *c);
/* Serve server->client requests (DMA_READ/DMA_WRITE) that are ready, without
 * blocking; requests are also served while the client waits for a reply. */
int vfsim_vu_client_process(struct vfsim_vu_client *c);
int vfsim_vu_client_fd(const struct vfsim_vu_client *c);

/* Commands. Every reply is validated; a bad reply is -EPROTO (or -EBADMSG)
 * with the rule in vfsim_last_rule(). A server error reply is -error. */
int vfsim_vu_client_get_info(struct vfsim_vu_client *c, uint32_t *ret_flags, uint32_t *ret_num_regions,
			     uint32_t *ret_num_irqs);
/* Region info with the argsz retry: @buf receives struct vfio_region_info
 * and its capability chain (@buflen >= 32); returns the bytes written; the
 * region's mmap fd (or -1) through @ret_fd, owned by the caller. */
int vfsim_vu_client_get_region_info(struct vfsim_vu_client *c, uint32_t index, void *buf, size_t buflen,
				    int *ret_fd);
int vfsim_vu_client_get_irq_info(struct vfsim_vu_client *c, uint32_t index, uint32_t *ret_flags,
				 uint32_t *ret_count);
/* SET_IRQS; @data: count bools (DATA_BOOL) or count eventfds (DATA_EVENTFD,
 * sent in chunks of the server's max_msg_fds; a NULL fds array with
 * DATA_EVENTFD de-assigns). */
int vfsim_vu_client_set_irqs(struct vfsim_vu_client *c, uint32_t flags, uint32_t index, uint32_t start,
			     uint32_t count, const void *data);
/* Region access, split by the server's max_data_xfer_size; returns @len. */
int vfsim_vu_client_region_read(struct vfsim_vu_client *c, uint32_t index, uint64_t offset, void *buf,
				size_t len);
int vfsim_vu_client_region_write(struct vfsim_vu_client *c, uint32_t index, uint64_t offset,
				 const void *buf, size_t len);
/* Register @size bytes of client memory (memfd-backed) at @iova with
 * VFIO_DMA_MAP_FLAG_READ/WRITE in @prot, and DMA_MAP it: with the memfd
 * when @pass_fd (the server mmaps it), else the server reaches it with
 * DMA_READ/DMA_WRITE, which this client serves. *ret_ptr is the memory. */
int vfsim_vu_client_dma_map(struct vfsim_vu_client *c, uint64_t iova, uint64_t size, uint32_t prot,
			    bool pass_fd, void **ret_ptr);
/* DMA_UNMAP of exactly one mapping, or every mapping with
 * VFIO_DMA_UNMAP_FLAG_ALL (iova = size = 0). Frees the memory. */
int vfsim_vu_client_dma_unmap(struct vfsim_vu_client *c, uint64_t iova, uint64_t size, uint32_t flags);
int vfsim_vu_client_reset(struct vfsim_vu_client *c);
/* DEVICE_FEATURE: @buf holds struct vfio_device_feature + data in and the
 * reply out (@buflen bytes available); returns the reply's bytes. */
int vfsim_vu_client_feature(struct vfsim_vu_client *c, void *buf, size_t len, size_t buflen);
/* Migration data: read up to @len bytes of the stream (0 = end), write @len. */
ssize_t vfsim_vu_client_mig_read(struct vfsim_vu_client *c, void *buf, size_t len);
ssize_t vfsim_vu_client_mig_write(struct vfsim_vu_client *c, const void *buf, size_t len);

/* ---- fault injection: the misbehaving endpoint ------------------------------ */

/* Named deviations (sim/faults.def), each a plausible implementation bug, that
 * a front end commits when its fault mask says so. The conformance suite's
 * self-test proves it catches every one. */
#define VFSIM_FAULT_AT_SERVER 1u	/* the vfio-user server */
#define VFSIM_FAULT_AT_UAPI 2u		/* the kernel-uAPI model */
#define VFSIM_FAULT_AT_CLIENT 4u	/* the vfio-user client */

struct vfsim_fault_info {
	const char *name;		/* "reply-id" */
	unsigned where;			/* VFSIM_FAULT_AT_* bits */
	const char *rule;		/* the conformance rule expected to catch it */
	const char *text;		/* what goes wrong */
};

/* Every fault; bit i of a mask is entry i. */
const struct vfsim_fault_info *vfsim_faults(size_t *ret_n);
/* "name,name" into a mask. An unknown name, or (with @where nonzero) one that
 * applies to none of @where's front ends, is -EINVAL with @err saying which. */
int vfsim_fault_parse(const char *list, unsigned where, uint64_t *ret_mask, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
