"""Shared by the tests/conformance scripts: the pass/fail tally, the
build's tools, and trace files read and written item by item
(docs/trace-format.md), so that tests can damage or alter them."""

import os
import struct
import subprocess
import zlib

BUILD = os.environ.get("CONFORMANCE_BUILD", "build")
FRAME_MAGIC = 0x4d415246
INSN, FPU, SYSCALL, NONDET, STACK = 1, 2, 3, 4, 5
KINDS = {INSN: "insn", FPU: "fpu", SYSCALL: "syscall", NONDET: "nondet", STACK: "stack"}


class Tally:
    """ok/FAIL lines, and the "N passed, N failed" line make check reads."""

    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"ok    {name}")
        else:
            self.failed += 1
            print(f"FAIL  {name}: {detail}")
        return ok

    def summary(self):
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0


def tool(name):
    return os.path.join(BUILD, name)


def run(*args, timeout=120):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True,
                          timeout=timeout)


def split(path):
    """(header bytes, [(nitems, compressed bytes)]) of a whole trace."""
    data = open(path, "rb").read()
    pos = 16
    for _ in range(2):
        (n,) = struct.unpack_from("<I", data, pos)
        pos += 4 + n
    head, frames = data[:pos], []
    while pos < len(data):
        _, n, clen, _ = struct.unpack_from("<IIII", data, pos)
        frames.append((n, data[pos + 16:pos + 16 + clen]))
        pos += 16 + clen
    return head, frames


def join(path, head, frames):
    with open(path, "wb") as f:
        f.write(head)
        for n, z in frames:
            f.write(struct.pack("<IIII", FRAME_MAGIC, n, len(z), zlib.crc32(z)))
            f.write(z)


def items(raw):
    """[(kind, payload)] of one inflated frame: u32 kind, u32 len, payload."""
    out, pos = [], 0
    while pos < len(raw):
        kind, n = struct.unpack_from("<II", raw, pos)
        out.append((kind, raw[pos + 8:pos + 8 + n]))
        pos += 8 + n
    return out


def pack_items(its):
    return b"".join(struct.pack("<II", k, len(p)) + p for k, p in its)


def read_trace(path):
    """(header bytes, [(kind, payload)]) of a whole trace."""
    head, frames = split(path)
    return head, [it for _, z in frames for it in items(zlib.decompress(z))]


def write_trace(path, head, its):
    """One frame per 4096 items, as the writer does."""
    frames = []
    for k in range(0, len(its), 4096):
        chunk = its[k:k + 4096]
        frames.append((len(chunk), zlib.compress(pack_items(chunk))))
    join(path, head, frames)


def records(its):
    return [p for k, p in its if k == INSN]
