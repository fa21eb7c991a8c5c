#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the seed corpora of fuzz/fuzz-wire.c and fuzz/fuzz-caps.c.

Wire seeds come from the golden vfio-user messages (fixtures/golden/
vfio-user/*.bin, one valid request and reply per command), framed as
fuzz-wire.c reads its input: a mode byte, a knobs byte, then the
message(s). Caps seeds are hand-built *_INFO buffers with the capability
chains the kernel and libvfio-user produce: region info with SPARSE_MMAP,
TYPE and MSIX_MAPPABLE caps, device info, type1 IOMMU info with the 6.1
packed MIGRATION / DMA_AVAIL / IOVA_RANGE chain, and recipes for the
builder round trip. The layouts are documented at the top of each target.

Usage: fuzz/seeds/make-wire-caps.py [SOURCE_ROOT]   (default: the repo of
this script). Rewrites fixtures/corpus/wire/ and fixtures/corpus/caps/.
Deterministic: the same tree gives the same files.
"""
import os
import struct
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
GOLDEN = os.path.join(ROOT, 'fixtures', 'golden', 'vfio-user')
CORPUS = os.path.join(ROOT, 'fixtures', 'corpus')

# fuzz-wire.c modes and knobs
W_HDR, W_REQUEST, W_REPLY, W_DMA = 0, 1, 2, 3
K_NFDS1, K_TRUST, K_LENIENT, K_WRMULTI, K_SMALL_OWN, K_SMALL_PEER = 1, 0x08, 0x10, 0x20, 0x40, 0x80

# fuzz-caps.c modes
C_WALK, C_REGION, C_REPLY, C_DEVICE, C_IOMMU, C_BUILD = 0, 1, 2, 3, 4, 5

# every golden command, file stem -> command number
COMMANDS = [
    ('version', 1), ('dma-map', 2), ('dma-unmap', 3), ('device-get-info', 4),
    ('device-get-region-info', 5), ('device-get-region-io-fds', 6), ('device-get-irq-info', 7),
    ('device-set-irqs', 8), ('region-read', 9), ('region-write', 10), ('dma-read', 11),
    ('dma-write', 12), ('device-reset', 13), ('region-write-multi', 15), ('device-feature', 16),
    ('mig-data-read', 17), ('mig-data-write', 18),
]


def golden(name):
    with open(os.path.join(GOLDEN, name + '.bin'), 'rb') as f:
        return f.read()


def hdr(msg_id, cmd, size, flags=0, error=0):
    return struct.pack('<HHIII', msg_id, cmd, size, flags, error)


def clean(d):
    os.makedirs(d, exist_ok=True)
    for n in os.listdir(d):
        if n.endswith('.bin'):
            os.unlink(os.path.join(d, n))


def write(d, name, data):
    assert len(data) <= 4096, name
    with open(os.path.join(d, name + '.bin'), 'wb') as f:
        f.write(data)


def wire_seeds():
    d = os.path.join(CORPUS, 'wire')
    clean(d)
    # mode 0: headers of real messages, and the limit after one
    write(d, 'hdr-version-request', bytes([W_HDR, 0]) + golden('version-request')[:16])
    write(d, 'hdr-region-read-reply', bytes([W_HDR, 0]) + golden('region-read-reply')[:16])
    write(d, 'hdr-noreply-limit', bytes([W_HDR, 0]) + hdr(9, 13, 16, 0x10) + struct.pack('<I', 4096))
    write(d, 'hdr-error-reply', bytes([W_HDR, 0]) + hdr(3, 5, 16, 0x21, 22))
    # mode 1: every client -> server request the server accepts
    for stem, cmd in COMMANDS:
        if cmd in (11, 12):
            continue
        knobs = K_WRMULTI if cmd == 15 else (K_NFDS1 if cmd == 2 else 0)
        write(d, 'req-' + stem, bytes([W_REQUEST, knobs]) + golden(stem + '-request'))
    # DIRTY_PAGES (14, removed in 0.9.2), and SET_IRQS with two eventfds
    write(d, 'req-dirty-pages', bytes([W_REQUEST, 0]) + hdr(1, 14, 16 + 24) + bytes(24))
    write(d, 'req-set-irqs-eventfd', bytes([W_REQUEST, 2]) +
          hdr(4, 8, 36) + struct.pack('<IIIII', 20, 0x24, 4, 0, 2))
    # mode 2: request + reply, as the requester checks the reply
    for stem, cmd in COMMANDS:
        knobs = K_NFDS1 if cmd == 6 else 0
        write(d, 'rpl-' + stem, bytes([W_REPLY, knobs]) + golden(stem + '-request') + golden(stem + '-reply'))
    q = golden('device-get-region-info-request')
    write(d, 'rpl-error', bytes([W_REPLY, 0]) + q + hdr(q[0] | q[1] << 8, 5, 16, 0x21, 22))
    write(d, 'rpl-dma-write-qemu', bytes([W_REPLY, K_LENIENT]) + golden('dma-write-request') +
          hdr(0x10c, 12, 16, 1))
    # mode 3: DMA requests at the client, spec and QEMU 10.1 layouts
    write(d, 'dma-read', bytes([W_DMA, 0]) + golden('dma-read-request'))
    write(d, 'dma-write', bytes([W_DMA, 0]) + golden('dma-write-request'))
    write(d, 'dma-write-qemu', bytes([W_DMA, K_LENIENT]) +
          hdr(5, 12, 16 + 12 + 4) + struct.pack('<QI', 0x100010, 4) + b'\x01\x02\x03\x04')
    write(d, 'dma-read-ro-window', bytes([W_DMA, 0]) + hdr(6, 11, 32) + struct.pack('<QQ', 0x200000, 64))
    write(d, 'dma-write-ro-window', bytes([W_DMA, 0]) + hdr(7, 12, 36) + struct.pack('<QQ', 0x200000, 4) + b'abcd')
    return len(os.listdir(d))


def cap(cid, body, version=1):
    """A cap header + body; 'next' is patched by chain()."""
    return [cid, version, body]


def chain(fixed, caps, base, pad8=True):
    """Lay @caps out after @fixed (whose cap_offset is set by the caller)."""
    out = b''
    offs = []
    off = base
    for cid, ver, body in caps:
        size = 8 + len(body)
        if pad8:
            size = (size + 7) & ~7
        offs.append(off)
        off += size
    for i, (cid, ver, body) in enumerate(caps):
        nxt = offs[i + 1] if i + 1 < len(caps) else 0
        c = struct.pack('<HHI', cid, ver, nxt) + body
        if pad8:
            c += bytes((-len(c)) % 8)
        out += c
    return fixed + out


def region_info(flags, index, size, caps, argsz=None, offset=0):
    cap_offset = 32 if caps else 0
    if caps:
        flags |= 0x8
    body = chain(b'', caps, 32)
    total = 32 + len(body)
    fixed = struct.pack('<IIIIQQ', argsz if argsz is not None else total, flags, index, cap_offset, size,
                        offset)
    return fixed + body


def sparse(*areas):
    return cap(1, struct.pack('<II', len(areas), 0) + b''.join(struct.pack('<QQ', o, s) for o, s in areas))


def type_cap(t, sub):
    return cap(2, struct.pack('<II', t, sub))


MSIX = cap(3, b'')


def caps_seeds():
    d = os.path.join(CORPUS, 'caps')
    clean(d)
    rw_mmap = 0x1 | 0x2 | 0x4
    gold = golden('device-get-region-info-reply')[16:]
    regions = {
        'golden': gold,
        'nocaps': region_info(rw_mmap, 0, 0x4000, []),
        'sparse2': region_info(rw_mmap, 0, 0x10000, [sparse((0, 0x1000), (0x3000, 0xd000))]),
        'sparse0': region_info(rw_mmap, 2, 0x1000, [sparse()]),
        'type': region_info(0x3, 9, 0x1000, [type_cap(0x80000000 | 0x8086, 1)]),
        'msix': region_info(rw_mmap, 4, 0x4000, [MSIX]),
        'sparse-msix': region_info(rw_mmap, 4, 0x4000, [sparse((0x2000, 0x2000)), MSIX]),
        'all3': region_info(rw_mmap, 1, 0x8000, [type_cap(1, 2), sparse((0, 0x1000)), MSIX]),
        'unknown-id': region_info(rw_mmap, 0, 0x1000, [cap(0x7fff, b'\x00' * 8), MSIX]),
    }
    for name, buf in regions.items():
        write(d, 'region-' + name, bytes([C_REGION, 0]) + buf)
    for name in ('golden', 'sparse2', 'all3', 'nocaps'):
        write(d, 'reply-' + name, bytes([C_REPLY, 0]) + regions[name])
    # a reply that did not fit: the 32-byte part announcing the argsz needed
    write(d, 'reply-trunc', bytes([C_REPLY, 1]) + struct.pack('<IIIIQQ', 64, rw_mmap, 0, 0, 0x4000, 0))
    write(d, 'reply-mmap-fd', bytes([C_REPLY, 4]) + regions['sparse-msix'])
    # the generic walker: hop budget, first offset, raw chain
    raw = chain(b'', [sparse((0, 0x1000)), MSIX, type_cap(1, 1)], 8)
    write(d, 'walk-3', bytes([C_WALK, 0, 32]) + struct.pack('<I', 8) + bytes(8) + raw)
    write(d, 'walk-stop', bytes([C_WALK, 0x81, 32]) + struct.pack('<I', 8) + bytes(8) + raw)
    write(d, 'walk-budget1', bytes([C_WALK, 0, 1]) + struct.pack('<I', 8) + bytes(8) + raw)
    # device info: 24 bytes, cap_offset at 16 (the s390 zPCI caps, ids 1-4)
    dev = struct.pack('<IIIIII', 0, 0x80 | 0x2, 9, 5, 24, 0)
    devcaps = [cap(1, bytes(48)), cap(2, bytes(24)), cap(3, struct.pack('<II', 4, 0) + b'zpci')]
    body = chain(b'', devcaps, 24)
    write(d, 'device-zpci', bytes([C_DEVICE, 0]) + struct.pack('<I', 24 + len(body)) + dev[4:] + body)
    write(d, 'device-nocaps', bytes([C_DEVICE, 0]) + struct.pack('<IIIIII', 24, 0x2, 9, 5, 0, 0))
    # type1 info, 6.1 layout: MIGRATION (32), DMA_AVAIL (12), IOVA_RANGE packed at 4-byte offsets
    mig = cap(2, struct.pack('<I4xQQ', 0, 0x1000, 256 << 20))  # flags, pgsize_bitmap, max bitmap
    avail = cap(3, struct.pack('<I', 65535))
    ranges = cap(1, struct.pack('<II', 2, 0) + struct.pack('<QQ', 0, 0xfedfffff) +
                 struct.pack('<QQ', 0xfef00000, 0xffffffffffffffff))
    body = chain(b'', [mig, avail, ranges], 24, pad8=False)
    iommu = struct.pack('<IIQII', 24 + len(body), 0x3, 0x40201000, 24, 0)
    write(d, 'iommu-6.1', bytes([C_IOMMU, 0]) + iommu + body)
    body8 = chain(b'', [mig, avail, ranges], 24)
    write(d, 'iommu-6.5', bytes([C_IOMMU, 0]) + struct.pack('<IIQII', 24 + len(body8), 0x3, 0x1000, 24, 0) +
          body8)
    # builder recipes: (id u16, size in 4-byte words beyond the header u8)
    def recipe(*caps):
        return b''.join(struct.pack('<HB', cid, words) for cid, words in caps)
    write(d, 'build-region', bytes([C_BUILD, 2]) + recipe((2, 2), (1, 6), (3, 0)))
    write(d, 'build-type1-packed', bytes([C_BUILD, 1]) + recipe((2, 6), (3, 1), (1, 10)))
    write(d, 'build-one', bytes([C_BUILD, 0]) + recipe((1, 2)))
    return len(os.listdir(d))


def main():
    nw = wire_seeds()
    nc = caps_seeds()
    print('wire: %d seeds, caps: %d seeds' % (nw, nc))


if __name__ == '__main__':
    main()
