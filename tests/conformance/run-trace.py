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
import sys
import tempfile
import zlib

from tracetools import (BUILD, INSN, KINDS, Tally, items, join, pack_items, read_trace, run,
                        split, tool)

TINY = os.path.join(BUILD, "tests/conformance/tiny")
tally = Tally()
check = tally.check


def all_items(path):
    """Every item of a trace, in order."""
    return read_trace(path)[1]


def dump(path):
    """One line per item (instruction records as EIP only)."""
    for kind, p in all_items(path):
        name = KINDS.get(kind, str(kind))
        if kind == INSN:
            print(f"insn    eip {struct.unpack_from('<I', p)[0]:08x}")
        elif kind == 3:
            nr, res, cnt = struct.unpack_from("<III", p)
            print(f"syscall nr {nr} result {res:#x} writes {cnt}")
        elif kind == 4:
            print("nondet  " + " ".join(f"{v:08x}" for v in struct.unpack_from("<5I", p)))
        elif kind == 5:
            lo, hi = struct.unpack_from("<II", p)
            print(f"stack   {lo:08x}-{hi:08x}")
        else:
            print(f"{name:7} {len(p)} bytes")


def exec_ranges(path):
    """[(lo, hi)] of the executable PT_LOAD segments of a 32-bit ELF."""
    data = open(path, "rb").read()
    phoff, = struct.unpack_from("<I", data, 28)
    phentsize, phnum = struct.unpack_from("<HH", data, 42)
    out = []
    for i in range(phnum):
        ptype, _, vaddr, _, _, memsz, flags, _ = struct.unpack_from(
            "<8I", data, phoff + i * phentsize)
        if ptype == 1 and flags & 1:
            out.append((vaddr, vaddr + memsz))
    return out


def opcode(insn):
    """The instruction bytes after its prefixes."""
    i = 0
    while i < 14 and insn[i] in (0x66, 0x67, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0xf0,
                                 0xf2, 0xf3):
        i += 1
    return insn[i:i + 2]


def check_hwtrace_items(tmp):
    """hwtrace v2 on a static glibc program: the initial stack without the
    vDSO's auxv entries, one SYSCALL item per INT 0x80 (with read()'s
    data), CPUID answered from mimic's model, no vDSO code run."""
    prog = os.path.join(BUILD, "tests/conformance/glibc-small")
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "progs/glibc-small.c")
    tr = os.path.join(tmp, "glibc.trace")
    hw = run(tool("mimic-hwtrace"), "-o", tr, prog, src)
    mi = run(tool("mimic-i386"), prog, src)
    check("hwtrace runs a static glibc program", hw.returncode == 0, hw.stderr.strip())
    check("glibc program: same output natively (hwtrace) and under mimic",
          hw.stdout == mi.stdout and "cpuid:" in hw.stdout, hw.stdout + mi.stdout)
    its = all_items(tr)
    insns = [p for k, p in its if k == INSN]
    kind0, st = its[0]
    lo, hi = struct.unpack_from("<II", st)
    esp = struct.unpack_from("<I", insns[0], 4 + 4 * 4)[0]
    words = struct.unpack_from(f"<{(hi - lo) // 4}I", st, 8)
    i = (esp - lo) // 4
    i += 1 + words[i] + 1
    while words[i]:
        i += 1
    keys = []
    i += 1
    while words[i]:
        keys.append(words[i])
        i += 2
    check("STACK item first: ESP's page to the stack end, auxv without the vDSO",
          kind0 == 5 and lo == esp & ~0xfff and lo < esp < hi and len(st) == 8 + hi - lo
          and 32 not in keys and 33 not in keys and 6 in keys, f"{lo:x} {esp:x} {hi:x} {keys}")

    calls, bad, reads, int80 = [], [], [], 0
    last = None
    for k, p in its:
        if k == INSN:
            last = p
            int80 += opcode(p[48:64]) == b"\xcd\x80"
        elif k == 3:
            nr, res, cnt = struct.unpack_from("<III", p)
            calls.append((nr, res))
            if opcode(last[48:64]) != b"\xcd\x80":
                bad.append(nr)
            if nr == 3 and cnt == 1:
                addr, n = struct.unpack_from("<II", p, 12)
                reads.append(p[20:20 + n])
    nrs = [nr for nr, _ in calls]
    # The last INT 0x80 is exit_group, which has no item.
    check("one SYSCALL item after each INT 0x80 (but exit_group)",
          not bad and len(calls) == int80 - 1 and 252 not in nrs
          and {3, 4, 122, 403} <= set(nrs), f"{int80} int80, {nrs}, bad {bad}")
    check("read() item carries the bytes read", reads == [open(src, "rb").read()[:200]],
          repr(reads)[:200])
    check("rseq fails with ENOSYS", (386, 0xffffffda) in calls or 386 not in nrs, str(calls))

    m = [ln for ln in mi.stdout.splitlines() if ln.startswith("cpuid:")]
    want = [int(x, 16) for x in m[0].split()[-3:]] if m else []
    leaf1 = []
    for j, (k, p) in enumerate(its):
        if k == 4:
            op, eax, ecx, edx, ebx = struct.unpack_from("<5I", p)
            prev = [q for kk, q in its[:j] if kk == INSN][-1]
            if op == 0xfa2 and opcode(prev[48:64]) == b"\x0f\xa2" and \
               struct.unpack_from("<I", prev, 4)[0] == 1:
                leaf1.append([eax, ecx, edx])
    check("CPUID items carry mimic's model", leaf1 and all(v == want for v in leaf1),
          f"{leaf1} vs {want}")
    ranges = exec_ranges(prog)
    outside = [e for e in (struct.unpack_from("<I", p)[0] for p in insns)
               if not any(a <= e < b for a, b in ranges)]
    check("every EIP inside the program (no vDSO)", not outside,
          " ".join(f"{e:x}" for e in outside[:5]))


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
    nrec = [sum(k == INSN for k, _ in items(zlib.decompress(z))) for _, z in frames]
    total = sum(nrec)
    check("mimic trace has several frames", len(frames) >= 2, f"{len(frames)} frames")

    trunc = os.path.join(tmp, "trunc.trace")
    data = open(mt, "rb").read()
    open(trunc, "wb").write(data[:-3])
    kept = total - nrec[-1]
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
        its = items(zlib.decompress(z))
        recs = [i for i, (k, _) in enumerate(its) if k == INSN]
        if base <= target < base + len(recs):
            i = recs[target - base]
            raw = bytearray(its[i][1])
            off = 4 + 3 * 4
            struct.pack_into("<I", raw, off, struct.unpack_from("<I", raw, off)[0] ^ 0x100)
            its[i] = (INSN, bytes(raw))
        out.append((n, zlib.compress(pack_items(its))))
        base += len(recs)
    join(inj, head, out)
    r = run(tool("mimic-tracediff"), mt, inj)
    check("injected divergence found at its index",
          r.returncode == 1 and f"differ at instruction {target}\n" in r.stdout
          and "  ebx " in r.stdout and r.stdout.count("\n") == 1 + 8 + 1 + 1,
          r.stdout + r.stderr)
    r = run(tool("mimic-tracediff"), mt, mt)
    check("a trace equals itself", r.returncode == 0, r.stdout + r.stderr)

    check_hwtrace_items(tmp)

    shutil.rmtree(tmp)
    return tally.summary()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "dump":
        dump(sys.argv[2])
        sys.exit(0)
    sys.exit(main())
