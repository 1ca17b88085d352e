#!/usr/bin/env python3
"""Trace tools, end to end (docs/trace-format.md).

The reference is the host CPU: mimic-hwtrace records tests/conformance/
progs/tiny.S natively, mimic-i386 -trace-cpu records it under each
backend, and mimic-tracediff must find them equal (the first record is
skipped: the initial ESP depends on the environment, and tiny sets its
own stack first).  Then damaged traces: truncated (read up to the last
complete frame), corrupted (exit 2, one line), an injected divergence
(found at its index).  Ends with "N passed, N failed".
"""

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

BUILD = os.environ.get("CONFORMANCE_BUILD", "build")
TINY = os.path.join(BUILD, "tests/conformance/tiny")
REC = 64
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok    {name}")
    else:
        failed += 1
        print(f"FAIL  {name}: {detail}")


def run(*args):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120)


def tool(name):
    return os.path.join(BUILD, name)


def split(path):
    """(header bytes, [(nrec, compressed bytes)]) of a whole trace."""
    data = open(path, "rb").read()
    pos = 16
    for _ in range(2):
        (n,) = struct.unpack_from("<I", data, pos)
        pos += 4 + n
    head, frames = data[:pos], []
    while pos < len(data):
        magic, n, clen, crc = struct.unpack_from("<IIII", data, pos)
        frames.append((n, data[pos + 16:pos + 16 + clen]))
        pos += 16 + clen
    return head, frames


def join(path, head, frames):
    with open(path, "wb") as f:
        f.write(head)
        for n, z in frames:
            f.write(struct.pack("<IIII", 0x4d415246, n, len(z), zlib.crc32(z)))
            f.write(z)


def main():
    tmp = tempfile.mkdtemp(prefix="mimic-trace-")
    hw = os.path.join(tmp, "hw.trace")
    r = run(tool("mimic-hwtrace"), "-o", hw, TINY)
    check("hwtrace runs tiny", r.returncode == 0 and r.stdout == "tiny: hello\n",
          r.stderr.strip())
    for backend, accel in (("x86-64", "tcg"), ("interpreter", "tcg,jit=off")):
        mt = os.path.join(tmp, f"mimic-{backend}.trace")
        r = run(tool("mimic-i386"), "-accel", accel, "-trace-cpu", mt, TINY)
        check(f"mimic -trace-cpu ({backend}) runs tiny", r.returncode == 0, r.stderr.strip())
        r = run(tool("mimic-tracediff"), "-skip", "1", hw, mt)
        check(f"hwtrace = mimic ({backend})", r.returncode == 0, r.stdout + r.stderr)
    mt = os.path.join(tmp, "mimic-x86-64.trace")

    # mimic flushes a frame before each system call: several frames.
    head, frames = split(mt)
    total = sum(n for n, _ in frames)
    check("mimic trace has several frames", len(frames) >= 2, f"{len(frames)} frames")

    trunc = os.path.join(tmp, "trunc.trace")
    data = open(mt, "rb").read()
    open(trunc, "wb").write(data[:-3])
    kept = total - frames[-1][0]
    r = run(tool("mimic-tracediff"), mt, trunc)
    check("truncated trace reads to the last complete frame",
          r.returncode == 1 and f"differ at instruction {kept}\n" in r.stdout
          and "(truncated)" in r.stdout, r.stdout + r.stderr)

    corrupt = os.path.join(tmp, "corrupt.trace")
    b = bytearray(data)
    b[len(head) + 16 + len(frames[0][1]) // 2] ^= 0x40
    open(corrupt, "wb").write(bytes(b))
    r = run(tool("mimic-tracediff"), mt, corrupt)
    check("corrupted trace: exit 2, one-line error",
          r.returncode == 2 and r.stderr.count("\n") == 1 and "CRC" in r.stderr,
          f"rc {r.returncode}: {r.stderr!r}")

    notrace = os.path.join(tmp, "not.trace")
    open(notrace, "wb").write(b"hello world, not a trace\n")
    r = run(tool("mimic-tracediff"), mt, notrace)
    check("not a trace: exit 2, one-line error",
          r.returncode == 2 and r.stderr.count("\n") == 1, f"rc {r.returncode}: {r.stderr!r}")

    # An injected divergence: EBX of record 200 (second frame or later
    # counts too: the index is global).
    target = 200
    inj, base, out = os.path.join(tmp, "inj.trace"), 0, []
    for n, z in frames:
        raw = bytearray(zlib.decompress(z))
        if base <= target < base + n:
            off = (target - base) * REC + 4 + 3 * 4
            struct.pack_into("<I", raw, off, struct.unpack_from("<I", raw, off)[0] ^ 0x100)
        out.append((n, zlib.compress(bytes(raw))))
        base += n
    join(inj, head, out)
    r = run(tool("mimic-tracediff"), mt, inj)
    check("injected divergence found at its index",
          r.returncode == 1 and f"differ at instruction {target}\n" in r.stdout
          and "  ebx " in r.stdout and r.stdout.count("\n") == 1 + 8 + 1 + 1,
          r.stdout + r.stderr)
    r = run(tool("mimic-tracediff"), mt, mt)
    check("a trace equals itself", r.returncode == 0, r.stdout + r.stderr)

    shutil.rmtree(tmp)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
