#!/usr/bin/env python3
"""Writes the seed logs of fuzz/corpus/replay-log/ (replay log format
version 2, docs/replay-format.md) from the format's description alone,
not through src/replay/replay-log.c, so that tests/replay/run-rr-tools.py
checks the C reader against a second, independent writer.

    tests/replay/make-seed-logs.py [DIR]     (default fuzz/corpus/replay-log)

The events (EVENTS below): a STACK event, then three rounds of syscall,
random, nondet, signal, switch, checkpoint, then an exit with status 3:
20 events, icount 50 * i, tid 1 + i % 2.

    frames.rr       flushed every 2 events: 10 frames
    one-frame.rr    the same events in one frame, but killed by signal 9
    cut.rr          frames.rr without its last frame (no exit event)
    truncated.rr    frames.rr cut 5 bytes into its fourth frame's data
    bitflip.rr      frames.rr with one bit of its second frame's CRC flipped
    header-only.rr  the header and no frames
    version1.rr     frames.rr's header saying version 1 (refused)
"""

import os
import struct
import sys
import zlib

VERSION = 2
FRAME_MAGIC = 0x4D465252
HEADER = dict(mimic_version=b"0.1", target=b"i386", cmdline=b"/bin/prog arg",
              config_hash=0x1234, interval=100000)
PROGRAM = b"/usr/bin/prog"


def header(version=VERSION):
    body = b""
    for s in (HEADER["mimic_version"], HEADER["target"], HEADER["cmdline"]):
        body += struct.pack("<I", len(s)) + s
    body += struct.pack("<QQ", HEADER["config_hash"], HEADER["interval"])
    total = 16 + len(body) + 4
    head = b"MIMICRR\0" + struct.pack("<II", version, total) + body
    return head + struct.pack("<I", zlib.crc32(head))


def event(kind, tid, icount, payload):
    return struct.pack("<BIQI", kind, tid, icount, len(payload)) + payload


def syscall(nr, args, result, out_hash, pieces):
    p = struct.pack("<I6QQ", nr, *args, result)
    p += struct.pack("<BQ", 1 if out_hash is not None else 0, out_hash or 0)
    p += struct.pack("<I", len(pieces))
    for addr, data in pieces:
        p += struct.pack("<QI", addr, len(data)) + data
    return p


def stack_payload(sp, auxv_addr, auxv_len, path, data):
    return (struct.pack("<QQII", sp, auxv_addr, auxv_len, len(path)) + path
            + struct.pack("<I", len(data)) + data)


def events(killed=False):
    """The 20 events as (kind, raw bytes)."""
    out = []
    stack = bytes(range(64))
    out.append((8, stack_payload(0xBFFFF000, 0xBFFFF020, 32, PROGRAM, stack)))
    for r in range(3):
        out.append((1, syscall(3, (0, 0x1000 + r, 8, 0, 0, 0), 8,
                               None if r != 1 else 0x0123456789ABCDEF,
                               [(0x1000, bytes(range(1, 9))), (0x2000, b"")])))
        out.append((2, bytes([r]) * 16))
        out.append((3, struct.pack("<I4I", 0x0FA2 if r % 2 == 0 else 0x0F31,
                                   0x10 + r, 0x20, 0x30, 0x40)))
        out.append((4, struct.pack("<I", 10) + bytes(128)))
        out.append((5, struct.pack("<I", 2 - r % 2)))
        regs = bytes((7 * k + r) & 0xFF for k in range(40))
        out.append((6, struct.pack("<QQQI", 0x8048000 + r, 0x1111 * (r + 1),
                                   0x2222 * (r + 1), len(regs)) + regs))
    out.append((7, struct.pack("<BI", 1, 9) if killed else struct.pack("<BI", 0, 3)))
    return [event(k, 1 + i % 2, 50 * i, p) for i, (k, p) in enumerate(out)]


def frame(raw):
    z = zlib.compress(raw)
    return struct.pack("<IIII", FRAME_MAGIC, len(raw), len(z), zlib.crc32(raw)) + z


def log(evs, per_frame, version=VERSION):
    data = header(version)
    for i in range(0, len(evs), per_frame):
        data += frame(b"".join(evs[i:i + per_frame]))
    return data


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "fuzz", "corpus", "replay-log")
    os.makedirs(out, exist_ok=True)
    evs = events()
    frames = log(evs, 2)
    hl = len(header())
    starts = [hl]
    while starts[-1] < len(frames):
        clen = struct.unpack_from("<I", frames, starts[-1] + 8)[0]
        starts.append(starts[-1] + 16 + clen)
    starts.pop()
    flipped = bytearray(frames)
    flipped[starts[1] + 12] ^= 0x01
    seeds = {
        "frames.rr": frames,
        "one-frame.rr": log(events(killed=True), len(evs)),
        "cut.rr": frames[:starts[-1]],
        "truncated.rr": frames[:starts[3] + 16 + 5],
        "bitflip.rr": bytes(flipped),
        "header-only.rr": header(),
        "version1.rr": header(1) + frames[hl:],
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
