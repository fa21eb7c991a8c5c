#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Seed corpora for fuzz/fuzz-mig.c and fuzz/fuzz-uapi.c.

Writes fixtures/corpus/mig/ and fixtures/corpus/uapi/ (or --out DIR/mig,
DIR/uapi). The input encodings are those documented at the top of the two
targets. The mig resume seeds wrap real saved streams of
fixtures/devices/mig-precopy.json: pass --streams DIR with the raw streams
(a save session's bytes, one per file, e.g. dumped by a small program that
runs RUNNING->STOP_COPY through vfsim_ioctl and reads the data fd). Without
--streams, the stream-*.bin already wrapped in the output directory are
re-used (the bytes after the 2-byte prefix of every "resume-plain-*" seed).

Deterministic: the same streams give the same files.
"""
import argparse
import os
import struct
import sys
import zlib

HDR_SIZE = 4 + 4 + 2 + 2 + 4 + 64 + 4 + 4 + 8 * 16
REC_SIZE = 24
REC_PAGE, REC_CONFIG, REC_IRQ, REC_END = 1, 2, 3, 4


def records(stream):
    """(offset, type, region, off, length) of every record of a stream."""
    pos = HDR_SIZE
    out = []
    while pos + REC_SIZE <= len(stream):
        rtype, region, off, length, _ = struct.unpack_from("<IIQII", stream, pos)
        out.append((pos, rtype, region, off, length))
        if rtype == REC_END:
            break
        pos += REC_SIZE + length
    return out


def fix_crc(stream):
    b = bytearray(stream)
    for pos, rtype, _, _, _ in records(b):
        if rtype == REC_END and pos + REC_SIZE + 4 <= len(b):
            struct.pack_into("<I", b, pos + REC_SIZE, zlib.crc32(bytes(b[:pos])))
    return bytes(b)


# ---- fuzz-mig -------------------------------------------------------------------

def mig_resume(stream, fixcrc=False, sizes=()):
    return bytes([0, (1 if fixcrc else 0) | (len(sizes) << 1)]) + \
        b"".join(struct.pack("<H", s) for s in sizes) + stream


def mig_equiv(ops, precopy=False, flip=0, xor=1):
    return bytes([1 | (2 if precopy else 0)]) + struct.pack("<IB", flip, xor) + bytes(ops)


# drive_op encodings (op % 8)
def bar_write(bar2, off, data):
    return [0, (1 if bar2 else 0) | ((len(data) - 1) << 4), off & 0xff, off >> 8] + list(data)


def engine_reg(reg, val):
    return [1, reg, val & 0xff, (val >> 8) & 0xff]


def ticks(n):
    return [2, n - 1]


def cfg_write(off, val, word=False):
    return [3, off, 1 if word else 0, val]


def irq(sel, arg=0):
    return [4, sel, arg]


def engine_xfer(src_pg, dst_pg, len16):
    return [5, src_pg, dst_pg, len16]


def precopy_read(n):
    return [6, n & 0xff, n >> 8]


def status_clear(v):
    return [7, v]


def mig_seeds(streams):
    seeds = {}
    for i, (name, s) in enumerate(sorted(streams.items())):
        tag = os.path.splitext(name)[0]
        seeds["resume-plain-%s" % tag] = mig_resume(s)
        if i % 2 == 0:
            seeds["resume-chunks-%s" % tag] = mig_resume(s, sizes=(1, 23, 24, 4096, 7))
        else:
            seeds["resume-pages-%s" % tag] = mig_resume(s, sizes=(4096 + 24,))
    if streams:
        name, s = sorted(streams.items())[0]
        recs = records(s)
        # a truncated stream: no END (RESUMING->STOP must refuse it)
        seeds["resume-short"] = mig_resume(s[: recs[-1][0]])
        # one page record dropped, CRC repaired: incomplete
        pg = [r for r in recs if r[1] == REC_PAGE][1]
        seeds["resume-missing-page"] = mig_resume(
            s[: pg[0]] + s[pg[0] + REC_SIZE + pg[4]:], fixcrc=True)
        # IRQ and config payload scrambled, CRC repaired: reaches the loaders
        for r in recs:
            if r[1] in (REC_IRQ, REC_CONFIG):
                b = bytearray(s)
                for k in range(r[0] + REC_SIZE, r[0] + REC_SIZE + r[4], 3):
                    b[k] ^= 0xff
                seeds["resume-bad-%s" % ("irq" if r[1] == REC_IRQ else "config")] = \
                    mig_resume(bytes(b), fixcrc=True)
        # data after END
        seeds["resume-trailing"] = mig_resume(s + b"\0" * 64, sizes=(512,))
        # a record with a nonzero reserved field, CRC repaired
        b = bytearray(s)
        b[recs[0][0] + 20] = 1
        seeds["resume-reserved"] = mig_resume(bytes(b), fixcrc=True)
        # a repeated page (PRE_COPY resend), CRC repaired
        p0 = recs[0]
        rec = s[p0[0]: p0[0] + REC_SIZE + p0[4]]
        end = recs[-1][0]
        seeds["resume-resend"] = mig_resume(s[:end] + rec + s[end:], fixcrc=True)
        # wrong device id in the header
        b = bytearray(s)
        b[10] ^= 1
        seeds["resume-foreign"] = mig_resume(bytes(b))
        seeds["resume-header-only"] = mig_resume(s[:HDR_SIZE])
    seeds["resume-empty"] = mig_resume(b"")
    seeds["resume-garbage"] = mig_resume(bytes(range(256)) * 2, sizes=(100, 3))
    seeds["resume-magic"] = mig_resume(struct.pack("<II", 0x47494D56, 1) + b"\0" * 400)

    # save/restore equivalence programs
    seeds["equiv-idle"] = mig_equiv([])
    seeds["equiv-bar-writes"] = mig_equiv(
        bar_write(True, 0x10, b"hello") + bar_write(False, 0x80, b"\x11\x22\x33\x44") +
        bar_write(True, 0x3ff8, bytes(range(8))), flip=100, xor=0x80)
    seeds["equiv-engine"] = mig_equiv(
        engine_xfer(0, 16, 8) + ticks(3) + engine_reg(0x18, 1) + status_clear(3), flip=0)
    seeds["equiv-engine-fault"] = mig_equiv(
        engine_reg(0, 0x1234) + engine_reg(0x10, 64) + engine_reg(0x14, 1) + ticks(1), flip=5000)
    seeds["equiv-config"] = mig_equiv(
        cfg_write(4, 6) + cfg_write(0x10, 0xff, True) + cfg_write(0x3c, 5), flip=300, xor=0x01)
    seeds["equiv-irq"] = mig_equiv(
        irq(0x04) + irq(0x0c, 3) + irq(0x05) + irq(0x00) + engine_xfer(1, 2, 1), flip=20000)
    seeds["equiv-msix-table"] = mig_equiv(
        bar_write(False, 0x100, b"\x00\x00\xe0\xfe\x00\x00\x00\x00\x21\x00\x00\x00\x00\x00\x00\x00") +
        cfg_write(0x42, 0xc0) + engine_xfer(0, 1, 1), flip=0xffffffff)
    seeds["equiv-precopy"] = mig_equiv(
        bar_write(True, 0, b"A") + precopy_read(8192) + bar_write(True, 0x2000, b"B") + ticks(2) +
        precopy_read(1) + engine_xfer(3, 4, 2), precopy=True, flip=12345)
    seeds["equiv-precopy-drain"] = mig_equiv(
        precopy_read(0xffff) + precopy_read(0xffff) + ticks(8) + precopy_read(100),
        precopy=True, flip=7, xor=0xff)
    seeds["equiv-precopy-dirty"] = mig_equiv(
        precopy_read(0xffff) + sum((bar_write(True, k * 0x1000, bytes([k])) for k in range(4)), []) +
        cfg_write(4, 2), precopy=True, flip=0x40000)
    seeds["equiv-end-header"] = mig_equiv(ticks(1), flip=0xffffffff - 10, xor=0x10)
    seeds["equiv-crc"] = mig_equiv(ticks(1), flip=0xffffffff, xor=0x01)
    return seeds


# ---- fuzz-uapi -------------------------------------------------------------------

(OPEN_CONT, OPEN_GROUP, CLOSE, SET_CONT, UNSET_CONT, SET_IOMMU, GET_DEV, MAP, UNMAP, DIRTY,
 SET_IRQS, REGION_INFO, MIG_SET, MIG_GET, REGION_RW, DATA_RW, RESET) = range(17)

ST_ERROR, ST_STOP, ST_RUN, ST_SCOPY, ST_RESUME, ST_RUNP2P, ST_PRE, ST_PREP2P = range(8)

SETUP = [OPEN_CONT, OPEN_GROUP, 1, SET_CONT, 2, SET_IOMMU, 0, GET_DEV, 0]


def u_map(page, npages, off=0, write=True, iova_sel=0, size_sel=0):
    # sel: iova kind (low 3 bits), size kind (bits 3-4); fl: READ|WRITE
    return [MAP, iova_sel | (size_sel << 3), 1 if write else 0, npages - 1, page, off]


def u_map_raw(sel, fl, sz, *rest):
    return [MAP, sel, fl, sz] + list(rest)


def u_map_vaddr(page, npages):
    return [MAP, 0, 0x40, npages - 1, page, 0]


def u_unmap(page, npages, iova_sel=0, flags=0, size_sel=0):
    return [UNMAP, iova_sel | (size_sel << 3), flags, npages - 1, page]


def u_unmap_all():
    return [UNMAP, 0, 0x82, 0, 0]


def u_mig(state, dev=0):
    return [MIG_SET, state, dev]


def u_get(dev=0):
    return [MIG_GET, dev]


def uapi_seeds():
    s = {}
    s["setup"] = bytes([0] + SETUP)
    s["setup-p2p"] = bytes([1] + SETUP)
    s["setup-stopcopy"] = bytes([2] + SETUP)
    s["order-wrong"] = bytes([0, GET_DEV, 0, OPEN_GROUP, 1, GET_DEV, 0, SET_IOMMU, 0, OPEN_CONT,
                              SET_IOMMU, 0, SET_CONT, 2, SET_IOMMU, 0, SET_IOMMU, 0, GET_DEV, 1,
                              GET_DEV, 0, UNSET_CONT])
    s["group-busy"] = bytes([0, OPEN_GROUP, 1, OPEN_GROUP, 1, OPEN_GROUP, 0, SET_CONT, 0, SET_CONT, 1])
    s["set-iommu-kinds"] = bytes([0, OPEN_CONT, OPEN_GROUP, 1, SET_CONT, 2, SET_IOMMU, 3, SET_IOMMU, 2,
                                  SET_IOMMU, 0, SET_IOMMU, 0])
    s["map-overlap"] = bytes([0] + SETUP + u_map(0, 2) + u_map(1, 2) + u_map(2, 1) + u_map(0, 2))
    s["map-unmap-exact"] = bytes([0] + SETUP + u_map(4, 4) + u_unmap(4, 4) + u_unmap(4, 4))
    s["unmap-bisect"] = bytes([0] + SETUP + u_map(0, 3) + u_unmap(1, 1) + u_unmap(0, 2) + u_unmap(0, 3))
    s["unmap-cover"] = bytes([0] + SETUP + u_map(0, 1) + u_map(2, 1) + u_map(8, 4) + u_unmap(0, 20))
    s["unmap-all"] = bytes([0] + SETUP + u_map(0, 1) + u_map(5, 5) + u_unmap_all() + u_map(0, 1))
    s["map-bad"] = bytes([0] + SETUP + u_map(0, 1, iova_sel=6) + u_map(0, 1, size_sel=1) +
                         u_map(0, 1, size_sel=2) + u_map(0, 4, iova_sel=7) + u_map(2, 4, iova_sel=4) +
                         u_map(1, 1, iova_sel=5) + u_map(0, 1, iova_sel=0xe0) +
                         u_map_raw(0x00, 0x18, 0, 0, 0) + u_map_raw(0x00, 0x13, 0, 0, 0) +
                         u_map_raw(0x00, 0x21, 0, 31, 0, 0))
    s["unmap-bad"] = bytes([0] + SETUP + u_map(0, 2) + u_unmap(0, 1, iova_sel=6) +
                           u_unmap(0, 1, size_sel=1) + u_unmap(0, 1, size_sel=2) +
                           u_unmap(0, 4, iova_sel=7) + [UNMAP, 0, 0x02, 0, 0] +
                           [UNMAP, 0, 0x13, 0, 0, 3] + [UNMAP, 0, 0x18, 0, 0] +
                           [UNMAP, 0, 0x21, 0, 0, 23])
    s["vaddr-cycle"] = bytes([0] + SETUP + u_map(4, 2) + u_unmap(4, 2, flags=4) + u_unmap(4, 2, flags=4) +
                             u_map_vaddr(4, 2) + u_map_vaddr(4, 2) + u_map_vaddr(8, 1) +
                             u_map_vaddr(4, 1) + [UNMAP, 0, 0x86, 0, 0] + u_unmap_all())
    s["dirty"] = bytes([0] + SETUP + [DIRTY, 1, DIRTY, 1, DIRTY, 2, DIRTY, 3, DIRTY, 4, DIRTY, 0x08,
                                      DIRTY, 0x31, DIRTY, 0])
    s["dirty-v1"] = bytes([0, OPEN_CONT, OPEN_GROUP, 1, SET_CONT, 2, SET_IOMMU, 2, DIRTY, 1] +
                          u_map(0, 1) + u_unmap(0, 1))
    s["empty-container"] = bytes([0, OPEN_CONT, DIRTY, 1] + u_map(0, 1) + u_unmap(0, 1) +
                                 [SET_IOMMU, 0])
    s["container-empty-again"] = bytes([0] + SETUP + u_map(0, 1) + [CLOSE, 2, 0, UNSET_CONT] +
                                       u_map(0, 1) + [SET_CONT, 2, SET_IOMMU, 0] + u_map(0, 1) + u_map(0, 1))
    s["group-close-held"] = bytes([0] + SETUP + u_map(0, 1) + [CLOSE, 1, OPEN_GROUP, 1] + u_map(0, 1) +
                                  [CLOSE, 2, 0, OPEN_GROUP, 1] + u_map(0, 1) + [SET_CONT, 2])
    s["container-close"] = bytes([0] + SETUP + [CLOSE, 0, OPEN_CONT, SET_CONT, 2, GET_DEV, 0,
                                                SET_IOMMU, 0] + u_map(0, 1))
    s["two-devfds"] = bytes([0] + SETUP + [GET_DEV, 0, GET_DEV, 2] + u_mig(ST_STOP, 1) +
                            [CLOSE, 2, 0] + u_get(0) + [CLOSE, 2, 0, GET_DEV, 0] + u_get(0))
    s["mig-walk-precopy"] = bytes([0] + SETUP + u_mig(ST_PRE) + [DATA_RW, 0, 200] + u_mig(ST_SCOPY) +
                                  [DATA_RW, 0, 255] + u_mig(ST_PRE) + u_mig(ST_STOP) + u_mig(ST_RESUME) +
                                  [DATA_RW, 1, 3, 1, 2, 3, 4] + u_mig(ST_RUN) + u_get() + [RESET, 0] + u_get())
    s["mig-walk-p2p"] = bytes([1] + SETUP + u_mig(ST_RUNP2P) + u_mig(ST_SCOPY) + u_mig(ST_RUNP2P) +
                              u_mig(ST_RUN) + u_mig(ST_PRE) + u_mig(ST_PREP2P) + u_mig(ST_RESUME) +
                              u_mig(ST_STOP) + u_mig(ST_ERROR) + u_get())
    s["mig-walk-stopcopy"] = bytes([2] + SETUP + u_mig(ST_SCOPY) + u_mig(ST_RESUME) + u_mig(ST_SCOPY) +
                                   u_mig(ST_STOP) + u_mig(ST_RUN) + u_mig(ST_RUNP2P) + u_mig(ST_PRE) +
                                   u_get())
    s["mig-all-pairs"] = bytes([0] + SETUP + sum((u_mig(a) + u_mig(b) for a in range(1, 8)
                                                  for b in range(1, 8) if a != b), [])[:120])
    s["mig-bad-argsz"] = bytes([0] + SETUP + [MIG_SET, 0x81, 5, 0, MIG_SET, 0x84, 16, 0,
                                              MIG_SET, 0x7b, 0, 3, MIG_SET, 0x79, 0, 250])
    s["mig-resume-fail-reset"] = bytes([0] + SETUP + u_mig(ST_RESUME) + u_mig(ST_STOP) + u_get() +
                                       u_mig(ST_RUN) + [RESET, 0] + u_get() + u_mig(ST_STOP))
    s["mig-close-device"] = bytes([0] + SETUP + u_mig(ST_STOP) + [CLOSE, 2, 0, GET_DEV, 0] + u_get() +
                                  [DATA_RW, 0, 10])
    s["irqs"] = bytes([0] + SETUP + sum(([SET_IRQS, a, b, 0] for a, b in
                                         ((0x52, 0x04), (0x12, 0x05), (0x02, 0x01), (0x20, 0x04),
                                          (0x48, 0x50), (0x50, 0x00), (0x1a, 0x2c))), []))
    s["region-info"] = bytes([0] + SETUP + sum(([REGION_INFO, a & 0xff, a >> 8, idx, 0]
                                                for a, idx in ((32, 0), (16, 2), (31, 7), (200, 2),
                                                               (48, 0), (104, 7), (599, 9), (0, 11))), []))
    s["region-rw"] = bytes([0] + SETUP + [REGION_RW, 0x17, 0x04, 0x00, 1, 0, 6, 0,
                                          REGION_RW, 0x07, 0x00, 0x00, 63, 0,
                                          REGION_RW, 0x10, 0x10, 0x00, 7, 0, 1, 2, 3, 4, 5, 6, 7, 8,
                                          REGION_RW, 0x12, 0x00, 0x00, 3, 0, 0, 0, 0, 0])
    s["engine-dma"] = bytes([0] + SETUP + u_map(0, 16) +
                            [REGION_RW, 0x10, 0x00, 0x00, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                             REGION_RW, 0x10, 0x08, 0x00, 7, 0, 0, 0x10, 0, 0, 0, 0, 0, 0,
                             REGION_RW, 0x10, 0x10, 0x00, 3, 0, 0, 0x10, 0, 0,
                             REGION_RW, 0x10, 0x14, 0x00, 3, 0, 1, 0, 0, 0] + u_unmap_all())
    return s


def write_dir(path, seeds):
    os.makedirs(path, exist_ok=True)
    for name, data in seeds.items():
        assert len(data) <= 65536, name
        with open(os.path.join(path, name), "wb") as f:
            f.write(data)


def load_streams(stream_dir, mig_dir):
    streams = {}
    if stream_dir:
        for name in sorted(os.listdir(stream_dir)):
            with open(os.path.join(stream_dir, name), "rb") as f:
                streams[name] = f.read()
    elif os.path.isdir(mig_dir):
        for name in sorted(os.listdir(mig_dir)):
            if name.startswith("resume-plain-"):
                with open(os.path.join(mig_dir, name), "rb") as f:
                    streams[name[len("resume-plain-"):] + ".bin"] = f.read()[2:]
    return streams


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(here, "..", "..", "fixtures", "corpus"))
    ap.add_argument("--streams", help="directory of raw saved streams of mig-precopy")
    args = ap.parse_args()
    mig_dir = os.path.join(args.out, "mig")
    streams = load_streams(args.streams, mig_dir)
    if not streams:
        print("no streams: pass --streams DIR", file=sys.stderr)
    write_dir(mig_dir, mig_seeds(streams))
    write_dir(os.path.join(args.out, "uapi"), uapi_seeds())
    return 0


if __name__ == "__main__":
    sys.exit(main())
