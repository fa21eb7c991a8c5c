#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Seed sessions for fuzz/fuzz-server.c and fuzz/fuzz-client.c (issue #5).
# Each seed is a real session written in the target's framing (see the top
# of each target): for the server, the messages a client sends; for the
# client, the bytes a server answers with. Layouts are the spec's
# (/work/shared/spec/vfio-user.md §1.3, §3) and match
# fixtures/golden/vfio-user/*.bin, which this script reuses where a golden
# message fits the session.
#
#   python3 fuzz/seeds/make-sessions.py [fixtures-dir]
# rewrites fixtures/corpus/server/ and fixtures/corpus/client/.
import json
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIX = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "fixtures")
GOLDEN = os.path.join(FIX, "golden", "vfio-user")

# Commands (§3.0) and header flags (§1.3).
VERSION, DMA_MAP, DMA_UNMAP, GET_INFO, REGION_INFO, IO_FDS, IRQ_INFO, SET_IRQS = range(1, 9)
REGION_READ, REGION_WRITE, DMA_READ, DMA_WRITE, RESET, DIRTY_PAGES, WRITE_MULTI = range(9, 16)
FEATURE, MIG_READ, MIG_WRITE = 16, 17, 18
REPLY, NO_REPLY, ERROR = 0x1, 0x10, 0x20

# <linux/vfio.h> values the payloads carry.
CONFIG_REGION = 7
IRQ_DATA_NONE, IRQ_DATA_BOOL, IRQ_DATA_EVENTFD = 1, 2, 4
IRQ_ACTION_MASK, IRQ_ACTION_UNMASK, IRQ_ACTION_TRIGGER = 8, 16, 32
FEAT_GET, FEAT_SET, FEAT_PROBE = 1 << 16, 1 << 17, 1 << 18
FEAT_MIGRATION, FEAT_MIG_STATE, FEAT_LOG_START, FEAT_LOG_STOP, FEAT_LOG_REPORT = 1, 2, 6, 7, 8
MIG_STOP, MIG_RUNNING, MIG_STOP_COPY, MIG_RESUMING, MIG_RUNNING_P2P, MIG_PRE_COPY = 1, 2, 3, 4, 5, 6

# dmaengine.json: the engine's registers at BAR0 + 0 (sim/engine.h).
ENG_SRC, ENG_DST, ENG_LEN, ENG_DOORBELL, ENG_STATUS = 0x00, 0x08, 0x10, 0x14, 0x18


def hdr(mid, cmd, payload=b"", flags=0, error=0):
    return struct.pack("<HHIII", mid, cmd, 16 + len(payload), flags, error) + payload


def with_id(msg, mid):
    return struct.pack("<H", mid) + msg[2:]


def golden(name):
    with open(os.path.join(GOLDEN, name + ".bin"), "rb") as f:
        return f.read()


def caps(**kw):
    c = {"max_msg_fds": 8, "max_data_xfer_size": 65536, "pgsizes": 4096, "max_dma_maps": 64}
    c.update(kw)
    return json.dumps({"capabilities": c}, separators=(",", ":")).encode() + b"\0"


def version_payload(**kw):
    return struct.pack("<HH", 0, 2) + caps(**kw)


# ---- payloads -----------------------------------------------------------------

def dma_map(iova, size, flags=3, offset=0):
    return struct.pack("<IIQQQ", 32, flags, offset, iova, size)


def dma_unmap(iova, size, flags=0):
    return struct.pack("<IIQQ", 24, flags, iova, size)


def region_info(index, argsz=32):
    return struct.pack("<IIIIQQ", argsz, 0, index, 0, 0, 0)


def irq_info(index):
    return struct.pack("<IIII", 16, 0, index, 0)


def set_irqs(flags, index, start, count, data=b""):
    return struct.pack("<IIIII", 20 + len(data), flags, index, start, count) + data


def region_access(region, offset, count, data=b""):
    return struct.pack("<QII", offset, region, count) + data


def io_fds(index, count=0):
    return struct.pack("<IIII", 16 + 40 * count, 0, index, count)


def feature(flags, data=b"", argsz=None):
    return struct.pack("<II", argsz if argsz is not None else 8 + len(data), flags) + data


def mig_state(state):
    return feature(FEAT_SET | FEAT_MIG_STATE, struct.pack("<II", state, 0))


def mig_data(size, data=b""):
    return struct.pack("<II", 8 + size, size) + data


def log_start(ranges, page=4096):
    body = struct.pack("<QII", page, len(ranges), 0)
    for iova, length in ranges:
        body += struct.pack("<QQ", iova, length)
    return feature(FEAT_SET | FEAT_LOG_START, body)


def log_report(iova, length, page=4096):
    return feature(FEAT_GET | FEAT_LOG_REPORT, struct.pack("<QQQ", iova, length, page),
                   argsz=8 + 24 + 64)


def wr_multi(entries):
    body = struct.pack("<Q", len(entries))
    for region, off, data in entries:
        body += struct.pack("<QII", off, region, len(data)) + data.ljust(8, b"\0")
    return body


def u32(v):
    return struct.pack("<I", v)


def u64(v):
    return struct.pack("<Q", v)


# ---- the server target: [opts][u16 len][u8 ctl][message]... -----------------

OPT_VERSION, OPT_QEMU_DMA, OPT_WRITE_MULTI = 0x01, 0x02, 0x04
OPT_DMA_ERROR, OPT_DMA_COUNT = 0x10, 0x18
CTL_EVENTFD, CTL_RAW, CTL_BATCH, CTL_TICK = 0x08, 0x10, 0x20, 0x40


class ServerSession:
    def __init__(self, opts=OPT_VERSION):
        self.opts = opts
        self.recs = []
        self.mid = 0

    def send(self, cmd, payload=b"", nfds=0, ctl=0, flags=0):
        self.mid += 1
        self.recs.append((hdr(self.mid & 0xffff, cmd, payload, flags), nfds | ctl))
        return self

    def raw(self, msg, ctl=0):
        self.recs.append((msg, ctl))
        return self

    def bytes(self):
        out = bytes([self.opts])
        for msg, ctl in self.recs:
            out += struct.pack("<HB", len(msg), ctl) + msg
        return out


def engine_copy(s, src, dst, length, ctl=0):
    s.send(REGION_WRITE, region_access(0, ENG_SRC, 8, u64(src)))
    s.send(REGION_WRITE, region_access(0, ENG_DST, 8, u64(dst)))
    s.send(REGION_WRITE, region_access(0, ENG_LEN, 4, u32(length)))
    s.send(REGION_WRITE, region_access(0, ENG_DOORBELL, 4, u32(1)), ctl=ctl)
    s.send(REGION_READ, region_access(0, ENG_STATUS, 4))


def server_seeds():
    seeds = {}

    s = ServerSession(0).raw(golden("version-request"))
    s.send(GET_INFO, struct.pack("<IIII", 16, 0, 0, 0))
    seeds["golden-version"] = s

    s = ServerSession(0).send(VERSION, version_payload())
    seeds["version-only"] = s

    s = ServerSession(0).send(VERSION, version_payload(write_multiple=True, twin_socket={"supported": False}))
    s.send(GET_INFO, struct.pack("<IIII", 16, 0, 0, 0))
    seeds["version-caps"] = s

    s = ServerSession(0).send(VERSION, struct.pack("<HH", 0, 1))
    seeds["version-bare"] = s

    s = ServerSession()
    s.send(GET_INFO, struct.pack("<IIII", 16, 0, 0, 0))
    for i in range(10):
        s.send(REGION_INFO, region_info(i))
    seeds["region-info-all"] = s

    s = ServerSession()
    for i in (0, 2, 7, 9):
        s.send(REGION_INFO, region_info(i, argsz=256))
    seeds["region-info-caps"] = s

    s = ServerSession()
    for i in range(5):
        s.send(IRQ_INFO, irq_info(i))
    seeds["irq-info-all"] = s

    s = ServerSession()
    s.send(REGION_READ, region_access(CONFIG_REGION, 0, 64))
    s.send(REGION_READ, region_access(CONFIG_REGION, 0x40, 64))
    s.send(REGION_WRITE, region_access(CONFIG_REGION, 4, 2, struct.pack("<H", 0x0006)))
    s.send(REGION_READ, region_access(CONFIG_REGION, 4, 2))
    seeds["config-rw"] = s

    s = ServerSession()
    s.send(REGION_READ, region_access(CONFIG_REGION, 0x100, 64))
    s.send(REGION_WRITE, region_access(CONFIG_REGION, 0x10, 4, u32(0xffffffff)))
    s.send(REGION_READ, region_access(CONFIG_REGION, 0x10, 4))
    s.send(REGION_WRITE, region_access(CONFIG_REGION, 0x30, 4, u32(0xfffff800)))
    seeds["config-bar-sizing"] = s

    s = ServerSession()
    s.send(REGION_WRITE, region_access(2, 0x40, 4, u32(0x5a5a)))
    s.send(REGION_READ, region_access(2, 0, 256))
    s.send(REGION_READ, region_access(6, 0, 64))
    s.send(REGION_WRITE, region_access(9, 0, 8, u64(0x1122334455667788)))
    s.send(REGION_READ, region_access(9, 0, 8))
    seeds["bar-rw"] = s

    s = ServerSession(OPT_VERSION | OPT_WRITE_MULTI)
    s.send(WRITE_MULTI, wr_multi([(0, ENG_SRC, u64(0x100000)), (0, ENG_LEN, u32(16)), (2, 0, u32(7))]))
    s.send(REGION_READ, region_access(0, 0, 32))
    seeds["write-multi"] = s

    s = ServerSession()
    s.send(DMA_MAP, dma_map(0x100000, 0x2000))
    s.send(DMA_MAP, dma_map(0x200000, 0x1000, flags=1))
    s.send(DMA_UNMAP, dma_unmap(0x200000, 0x1000))
    s.send(DMA_UNMAP, dma_unmap(0, 0, flags=2))
    seeds["dma-map-unmap"] = s

    s = ServerSession()
    s.send(DMA_MAP, dma_map(0x100000, 0x10000), nfds=1)
    s.send(DMA_MAP, dma_map(0x200000, 0x1000, offset=0x1000), nfds=1)
    s.send(DMA_UNMAP, dma_unmap(0x100000, 0x10000))
    seeds["dma-map-fd"] = s

    s = ServerSession()
    s.send(DMA_MAP, dma_map(0x100000, 0x2000))
    engine_copy(s, 0x100000, 0x101000, 0x100)
    seeds["engine-dma-msg"] = s

    s = ServerSession(OPT_VERSION | OPT_QEMU_DMA)
    s.send(DMA_MAP, dma_map(0x100000, 0x2000))
    engine_copy(s, 0x100000, 0x101000, 0x40)
    seeds["engine-dma-qemu"] = s

    s = ServerSession(OPT_VERSION | OPT_DMA_ERROR)
    s.send(DMA_MAP, dma_map(0x100000, 0x2000))
    engine_copy(s, 0x100000, 0x101000, 0x40)
    seeds["engine-dma-error"] = s

    s = ServerSession(OPT_VERSION | OPT_DMA_COUNT)
    s.send(DMA_MAP, dma_map(0x100000, 0x2000))
    engine_copy(s, 0x100000, 0x101000, 0x40)
    seeds["engine-dma-badcount"] = s

    s = ServerSession()
    s.send(DMA_MAP, dma_map(0x100000, 0x10000), nfds=1)
    engine_copy(s, 0x100000, 0x108000, 0x1000)
    seeds["engine-dma-fd"] = s

    s = ServerSession()
    s.send(DMA_MAP, dma_map(0x100000, 0x2000))
    s.send(REGION_WRITE, region_access(0, ENG_SRC, 8, u64(0x100000)))
    s.send(REGION_WRITE, region_access(0, ENG_DST, 8, u64(0x101000)))
    s.send(REGION_WRITE, region_access(0, ENG_LEN, 4, u32(0x80)))
    s.send(REGION_WRITE, region_access(0, ENG_DOORBELL, 4, u32(1)), ctl=CTL_BATCH)
    s.send(GET_INFO, struct.pack("<IIII", 16, 0, 0, 0), ctl=CTL_BATCH)
    s.send(REGION_READ, region_access(0, ENG_STATUS, 4))
    seeds["engine-dma-queued"] = s

    s = ServerSession()
    s.send(SET_IRQS, set_irqs(IRQ_DATA_EVENTFD | IRQ_ACTION_TRIGGER, 2, 0, 2), nfds=2 | CTL_EVENTFD)
    s.send(SET_IRQS, set_irqs(IRQ_DATA_BOOL | IRQ_ACTION_TRIGGER, 2, 0, 2, b"\1\1"))
    s.send(SET_IRQS, set_irqs(IRQ_DATA_NONE | IRQ_ACTION_MASK, 2, 0, 1))
    s.send(SET_IRQS, set_irqs(IRQ_DATA_NONE | IRQ_ACTION_UNMASK, 2, 0, 1))
    s.send(SET_IRQS, set_irqs(IRQ_DATA_NONE | IRQ_ACTION_TRIGGER, 2, 0, 0))
    seeds["irq-msix"] = s

    s = ServerSession()
    s.send(SET_IRQS, set_irqs(IRQ_DATA_EVENTFD | IRQ_ACTION_TRIGGER, 0, 0, 1), nfds=1 | CTL_EVENTFD)
    s.send(SET_IRQS, set_irqs(IRQ_DATA_EVENTFD | IRQ_ACTION_UNMASK, 0, 0, 1), nfds=1 | CTL_EVENTFD)
    s.send(SET_IRQS, set_irqs(IRQ_DATA_BOOL | IRQ_ACTION_TRIGGER, 0, 0, 1, b"\1"))
    s.send(SET_IRQS, set_irqs(IRQ_DATA_EVENTFD | IRQ_ACTION_TRIGGER, 1, 0, 4), nfds=4 | CTL_EVENTFD)
    seeds["irq-intx-msi"] = s

    s = ServerSession()
    s.send(SET_IRQS, set_irqs(IRQ_DATA_EVENTFD | IRQ_ACTION_TRIGGER, 2, 0, 1), nfds=1 | CTL_EVENTFD)
    s.send(DMA_MAP, dma_map(0x100000, 0x2000))
    engine_copy(s, 0x100000, 0x101000, 0x10, ctl=CTL_TICK)
    seeds["engine-irq"] = s

    s = ServerSession().raw(golden("device-set-irqs-request"))
    seeds["golden-set-irqs"] = s

    s = ServerSession()
    s.send(IO_FDS, io_fds(2))
    s.send(IO_FDS, io_fds(2, 1))
    s.send(REGION_WRITE, region_access(2, 0x40, 4, u32(0x5a5a)))
    seeds["io-fds"] = s

    s = ServerSession(OPT_VERSION | 0x20)
    s.send(IO_FDS, io_fds(2, 4))
    seeds["io-fds-48"] = s

    s = ServerSession()
    s.send(REGION_WRITE, region_access(0, ENG_LEN, 4, u32(5)))
    s.send(RESET)
    s.send(REGION_READ, region_access(0, ENG_LEN, 4))
    s.send(DIRTY_PAGES, struct.pack("<II", 8, 1))
    seeds["reset-dirty"] = s

    s = ServerSession()
    s.send(FEATURE, feature(FEAT_PROBE | FEAT_MIGRATION))
    s.send(FEATURE, feature(FEAT_GET | FEAT_MIGRATION, argsz=16))
    s.send(FEATURE, feature(FEAT_GET | FEAT_MIG_STATE, struct.pack("<II", 0, 0)))
    seeds["feature-probe"] = s

    s = ServerSession()
    s.send(FEATURE, mig_state(MIG_STOP))
    s.send(FEATURE, mig_state(MIG_STOP_COPY))
    for _ in range(4):
        s.send(MIG_READ, mig_data(4096))
    s.send(FEATURE, mig_state(MIG_STOP))
    seeds["mig-stop-copy"] = s

    s = ServerSession()
    s.send(FEATURE, mig_state(MIG_PRE_COPY))
    s.send(MIG_READ, mig_data(64), ctl=CTL_TICK)
    s.send(MIG_READ, mig_data(4096))
    s.send(FEATURE, mig_state(MIG_STOP_COPY + 4))  # PRE_COPY_P2P (7)
    s.send(FEATURE, mig_state(MIG_STOP_COPY))
    s.send(MIG_READ, mig_data(65536))
    seeds["mig-pre-copy"] = s

    s = ServerSession()
    s.send(FEATURE, mig_state(MIG_RUNNING_P2P))
    s.send(FEATURE, mig_state(MIG_STOP))
    s.send(FEATURE, mig_state(MIG_RESUMING))
    s.send(MIG_WRITE, mig_data(16, b"\0" * 16))
    s.send(FEATURE, mig_state(MIG_STOP))
    s.send(FEATURE, mig_state(MIG_RUNNING))
    seeds["mig-resume"] = s

    s = ServerSession().raw(golden("device-feature-request")).raw(golden("mig-data-read-request"))
    seeds["golden-mig"] = s

    s = ServerSession()
    s.send(DMA_MAP, dma_map(0x100000, 0x4000), nfds=1)
    s.send(FEATURE, log_start([(0x100000, 0x4000)]))
    engine_copy(s, 0x100000, 0x102000, 0x100)
    s.send(FEATURE, log_report(0x100000, 0x4000))
    s.send(FEATURE, feature(FEAT_SET | FEAT_LOG_STOP))
    seeds["dma-logging"] = s

    s = ServerSession()
    s.send(DMA_MAP, dma_map(0x100000, 0x4000))
    s.send(DMA_UNMAP, dma_unmap(0x100000, 0x4000, flags=1) + struct.pack("<QQ", 4096, 1) + b"\0")
    seeds["dma-unmap-bitmap"] = s

    s = ServerSession()
    s.send(GET_INFO, struct.pack("<IIII", 16, 0, 0, 0), flags=NO_REPLY)
    s.send(GET_INFO, struct.pack("<IIII", 8, 0, 0, 0))
    s.send(REGION_READ, region_access(CONFIG_REGION, 0, 4), flags=REPLY)
    s.send(99)
    seeds["bad-headers"] = s

    s = ServerSession()
    s.send(REGION_READ, region_access(CONFIG_REGION, 0, 4), ctl=CTL_RAW)
    s.raw(hdr(7, REGION_READ, region_access(CONFIG_REGION, 0, 4))[:10], ctl=CTL_RAW)
    seeds["raw-size"] = s

    s = ServerSession()
    s.send(VERSION, version_payload())
    seeds["version-twice"] = s

    # the requests of every golden file, each after a VERSION
    for name in sorted(os.listdir(GOLDEN)):
        if name.endswith("-request.bin") and not name.startswith(("dma-read", "dma-write", "version")):
            seeds["golden-" + name[:-len("-request.bin")]] = ServerSession().raw(golden(name[:-4]))
    return seeds


# ---- the client target: [u16 len][u8 ctl][server bytes]... --------------------
# The client's requests, in order (fuzz-client.c): VERSION, GET_INFO,
# GET_REGION_INFO 0..9 (a second one when the first reply's argsz asks for
# more), GET_IRQ_INFO 0..4, REGION_READ of config 0..63, DMA_MAP (no fd),
# DEVICE_FEATURE GET MIGRATION, DMA_UNMAP. The client numbers its requests
# from 1 (VERSION) on; a golden reply gets the id it answers.

class ClientScript:
    def __init__(self, opts=0):
        self.opts = opts
        self.recs = []

    def reply(self, mid, cmd, payload=b"", nfds=0, flags=REPLY, error=0):
        self.recs.append((hdr(mid, cmd, payload, flags, error), nfds))
        return self

    def raw(self, msg, nfds=0):
        self.recs.append((msg, nfds))
        return self

    def bytes(self):
        return bytes([self.opts]) + b"".join(struct.pack("<HB", len(m), c) + m for m, c in self.recs)


def region_info_reply(index, size, flags, offset, cap=b"", argsz=None):
    body = struct.pack("<IIIIQQ", argsz if argsz else 32 + len(cap), flags, index, 32 if cap else 0,
                       size, offset)
    return body + cap


SPARSE_CAP = struct.pack("<HHIII", 1, 1, 0, 1, 0) + struct.pack("<QQ", 0x1000, 0x3000)
TYPE_CAP = struct.pack("<HHIII", 2, 1, 0, 0x80001234, 1)

REGIONS = [  # (size, flags) of dmaengine.json as the server describes them
    (0x4000, 0xf), (0, 0), (0x100000, 0x7), (0, 0), (0, 0), (0, 0), (0x10000, 0x1),
    (0x1000, 0x3), (0, 0), (0x1000, 0xb),
]


def client_session(upto=99, twists=None, opts=0):
    twists = twists or {}
    c = ClientScript(opts)
    c.reply(1, VERSION, version_payload(**twists.get("caps", {})))
    mid = 2
    steps = []
    steps.append((GET_INFO, struct.pack("<IIII", 16, 3, 10, 5)))
    for i, (size, flags) in enumerate(REGIONS):
        cap = SPARSE_CAP if i == 0 else (TYPE_CAP if i == 9 else b"")
        steps.append((REGION_INFO, region_info_reply(i, size, flags, i << 40, cap)))
    for i, count in enumerate((1, 4, 8, 1, 1)):
        steps.append((IRQ_INFO, struct.pack("<IIII", 16, 0x7 if i < 3 else 0x9, i, count)))
    steps.append((REGION_READ, region_access(CONFIG_REGION, 0, 64, bytes(range(64)))))
    steps.append((DMA_MAP, b""))
    steps.append((FEATURE, feature(FEAT_GET | FEAT_MIGRATION, u64(0x1 | 0x4 | 0x8))))
    steps.append((DMA_UNMAP, dma_unmap(0x100000, 0x1000)))
    for n, (cmd, payload) in enumerate(steps):
        if n >= upto:
            break
        tw = twists.get(n)
        if tw == "dma-read":
            c.raw(hdr(0x100, DMA_READ, struct.pack("<QQ", 0x100000, 16)))
        if tw == "dma-write":
            c.raw(hdr(0x101, DMA_WRITE, struct.pack("<QQ", 0x100000, 8) + b"ABCDEFGH"))
        if tw == "error":
            c.reply(mid, cmd, flags=REPLY | ERROR, error=22)
        elif tw == "short":
            c.reply(mid, cmd, payload[:len(payload) // 2])
        elif tw == "fd":
            c.reply(mid, cmd, payload, nfds=1)
        elif tw == "wrong-id":
            c.reply(mid + 7, cmd, payload)
        elif cmd == REGION_INFO and len(payload) > 32:
            # the argsz retry (§1.9): the fixed part names the size needed
            # and carries no chain: CAPS (8) clear, cap_offset 0
            argsz, flags = struct.unpack_from("<II", payload)
            c.reply(mid, cmd, struct.pack("<II", argsz, flags & ~8) + payload[8:12] + b"\0" * 4 +
                    payload[16:32])
            mid += 1
            c.reply(mid, cmd, payload)
        else:
            c.reply(mid, cmd, payload)
        mid += 1
    return c


def client_seeds():
    seeds = {}
    seeds["full"] = client_session()
    seeds["version-only"] = client_session(upto=0)
    seeds["info-only"] = client_session(upto=1)
    seeds["regions"] = client_session(upto=11)
    seeds["region7-fd"] = client_session(twists={8: "fd"})
    seeds["region2-fd"] = client_session(twists={3: "fd"})
    seeds["dma-read"] = client_session(twists={18: "dma-read"})
    seeds["dma-read-late"] = client_session(twists={19: "dma-read"})
    seeds["dma-write"] = client_session(twists={19: "dma-write"})
    seeds["dma-both"] = client_session(twists={19: "dma-read", 20: "dma-write"})
    seeds["error-info"] = client_session(twists={0: "error"})
    seeds["error-region"] = client_session(twists={2: "error"})
    seeds["error-read"] = client_session(twists={16: "error"})
    seeds["short-info"] = client_session(twists={0: "short"})
    seeds["short-region"] = client_session(twists={1: "short"})
    seeds["short-read"] = client_session(twists={16: "short"})
    seeds["wrong-id"] = client_session(twists={0: "wrong-id"})
    seeds["caps-twin"] = client_session(twists={"caps": {"twin_socket": {"supported": True,
                                                                          "fd_index": 0}}})
    seeds["caps-small"] = client_session(twists={"caps": {"max_data_xfer_size": 16, "max_msg_fds": 1}})
    seeds["caps-multi"] = client_session(twists={"caps": {"write_multiple": True,
                                                          "pgsizes": 4096 | 2097152}})
    seeds["qemu-dma"] = client_session(twists={19: "dma-read"}, opts=1)
    seeds["lenient-errors"] = client_session(twists={2: "error", 12: "error"}, opts=2)
    seeds["small-xfer"] = client_session(opts=8)
    seeds["process"] = client_session(twists={18: "dma-read"}, opts=0x10)
    seeds["golden-version"] = ClientScript().raw(with_id(golden("version-reply"), 1))
    c = ClientScript().raw(with_id(golden("version-reply"), 1))
    for mid, name in ((2, "device-get-info-reply"), (3, "device-get-region-info-reply")):
        c.raw(with_id(golden(name), mid))
    seeds["golden-replies"] = c
    c = ClientScript().reply(1, VERSION, struct.pack("<HH", 0, 2))
    seeds["version-no-json"] = c
    c = ClientScript().reply(1, VERSION, struct.pack("<HH", 1, 0) + caps())
    seeds["version-major"] = c
    c = ClientScript().reply(1, VERSION, flags=REPLY | ERROR, error=95)
    seeds["version-error"] = c
    c = client_session(upto=1)
    c.reply(3, REGION_INFO, region_info_reply(0, 0x4000, 0xf, 0, SPARSE_CAP, argsz=200))
    c.reply(4, REGION_INFO, region_info_reply(0, 0x4000, 0xf, 0, SPARSE_CAP + b"\0" * 160, argsz=200))
    seeds["region-argsz-retry"] = c
    c = client_session(upto=1)
    loop = struct.pack("<HHI", 1, 1, 32) + b"\0" * 8
    c.reply(3, REGION_INFO, region_info_reply(0, 0x4000, 0xf, 0, loop))
    seeds["region-cap-loop"] = c
    return seeds


def write_dir(path, seeds):
    os.makedirs(path, exist_ok=True)
    for f in os.listdir(path):
        if f.startswith("seed-"):
            os.unlink(os.path.join(path, f))
    for name, s in sorted(seeds.items()):
        with open(os.path.join(path, "seed-" + name), "wb") as f:
            f.write(s.bytes())


def main():
    write_dir(os.path.join(FIX, "corpus", "server"), server_seeds())
    write_dir(os.path.join(FIX, "corpus", "client"), client_seeds())


if __name__ == "__main__":
    main()
