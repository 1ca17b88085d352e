#!/usr/bin/env python3
"""mimic-tracediff's undefined-flag masking and x87/SSE comparison
(docs/trace-flags.md), end to end.

tests/conformance/progs/flagmask.S is traced on the host CPU (the
reference) and under mimic; the two must agree.  Then single values of
the mimic trace are altered where the Intel SDM leaves them undefined (AF
after AND, the destination of BSF with a zero source), which must not be
reported, and where it defines them (AF after ADD, CF after AND, EDX
after MOV), which must.  FPU items (FXSAVE images) are added to both
traces: a difference in ST3 is reported, one in FIP (a host address in
mimic) is not, nor an image that only one trace has; and both sides
recorded with the x87/SSE state at every instruction must agree.
Ends with "N passed, N failed".
"""

import os
import shutil
import struct
import sys
import tempfile

from tracetools import BUILD, FPU, INSN, Tally, read_trace, records, run, tool, write_trace

PROG = os.path.join(BUILD, "tests/conformance/flagmask")
AF, CF = 0x10, 0x01
tally = Tally()
check = tally.check


def alter(its, index, field, xor):
    """A copy of its with u32 field (0 EIP, 1-8 registers, 9 EFLAGS) of
    instruction record index xored."""
    out, n = [], 0
    for kind, p in its:
        if kind == INSN:
            if n == index:
                b = bytearray(p)
                v = struct.unpack_from("<I", b, 4 * field)[0]
                struct.pack_into("<I", b, 4 * field, v ^ xor)
                p = bytes(b)
            n += 1
        out.append((kind, p))
    return out


def with_fpu(its, index, image):
    """A copy of its with an FPU item before instruction record index."""
    out, n = [], 0
    for kind, p in its:
        if kind == INSN:
            if n == index:
                out.append((FPU, image))
            n += 1
        out.append((kind, p))
    return out


def after(recs, opcode):
    """Index of the record after the first instruction starting with opcode."""
    for i, p in enumerate(recs):
        if p[48:48 + len(opcode)] == opcode:
            return i + 1
    raise LookupError(opcode.hex())


def fxsave_image():
    img = bytearray(512)
    struct.pack_into("<HHB", img, 0, 0x37f, 0x3800, 0x80)
    struct.pack_into("<I", img, 24, 0x1f80)
    img[32 + 16 * 0:32 + 16 * 0 + 10] = bytes.fromhex("35c26821a2da0fc90040")[::-1]
    return img


def main():
    tmp = tempfile.mkdtemp(prefix="mimic-flagmask-")
    hw, mt = os.path.join(tmp, "hw.trace"), os.path.join(tmp, "mimic.trace")
    r = run(tool("mimic-hwtrace"), "-o", hw, PROG)
    check("hwtrace runs flagmask", r.returncode == 0, r.stderr.strip())
    r = run(tool("mimic-i386"), "-trace-cpu", mt, PROG)
    check("mimic -trace-cpu runs flagmask", r.returncode == 0, r.stderr.strip())
    r = run(tool("mimic-tracediff"), "-skip", "1", hw, mt)
    check("hwtrace = mimic", r.returncode == 0 and " with a flag masked as undefined" in r.stdout,
          r.stdout + r.stderr)

    # With the x87/SSE state before every instruction (FLDPI changes it).
    hwf, mtf = os.path.join(tmp, "hwf.trace"), os.path.join(tmp, "mimicf.trace")
    r1 = run(tool("mimic-hwtrace"), "-fpu", "1", "-o", hwf, PROG)
    r2 = run(tool("mimic-i386"), "-trace-fpu", "1", "-trace-cpu", mtf, PROG)
    r = run(tool("mimic-tracediff"), "-skip", "1", hwf, mtf)
    n = len(records(read_trace(hwf)[1])) - 1 if r1.returncode == 0 else -1
    check("hwtrace = mimic, x87/SSE state included",
          r1.returncode == 0 and r2.returncode == 0 and r.returncode == 0
          and f", {n} x87/SSE states compared" in r.stdout,
          r1.stderr + r2.stderr + r.stdout + r.stderr)

    head, its = read_trace(mt)
    recs = records(its)
    i_and = after(recs, b"\x21\xd8")            # and %ebx, %eax
    i_add = after(recs, b"\x01\xd8")            # add %ebx, %eax
    i_bsf = after(recs, b"\x0f\xbc\xd0")        # bsf %eax, %edx
    i_mov = after(recs, b"\xba\x01\x00\x00\x00")   # mov $1, %edx
    alt = os.path.join(tmp, "alt.trace")

    def diff(name, altered, index, expect_found, line, *opts):
        write_trace(alt, head, altered)
        r = run(tool("mimic-tracediff"), *opts, mt, alt)
        if expect_found:
            ok = (r.returncode == 1 and f"differ at instruction {index}\n" in r.stdout
                  and line in r.stdout)
        else:
            ok = r.returncode == 0
        check(name, ok, f"rc {r.returncode}: " + r.stdout + r.stderr)
        return r

    r = diff("AF after AND is not compared", alter(its, i_and, 9, AF), i_and, False, "")
    check("the masked difference is counted", "(1 differing there)" in r.stdout, r.stdout)
    diff("AF after AND with -no-undef-mask is", alter(its, i_and, 9, AF), i_and, True,
         "(differing bits 00000010)", "-no-undef-mask")
    diff("AF after AND with -eflags-mask 0 is not", alter(its, i_and, 9, AF), i_and, False, "",
         "-no-undef-mask", "-eflags-mask", "0")
    diff("CF after AND (cleared) is compared", alter(its, i_and, 9, CF), i_and, True,
         "(differing bits 00000001)")
    diff("AF after ADD is compared", alter(its, i_add, 9, AF), i_add, True,
         "(differing bits 00000010)")
    diff("EDX after BSF of 0 is not compared", alter(its, i_bsf, 3, 0x55), i_bsf, False, "")
    diff("EDX after MOV is compared", alter(its, i_mov, 3, 0x55), i_mov, True, "  edx ")

    img = fxsave_image()
    k = i_mov
    same = with_fpu(its, k, bytes(img))
    write_trace(mt, head, same)
    r = run(tool("mimic-tracediff"), mt, mt)
    check("equal x87/SSE states agree",
          r.returncode == 0 and ", 1 x87/SSE states compared" in r.stdout, r.stdout + r.stderr)
    for name, off, byte, found, line in (("st3", 32 + 16 * 3 + 9, 0x40, True, "  st3 "),
                                         ("st0 low byte", 32, 0x01, True, "  st0 "),
                                         ("xmm7", 160 + 16 * 7 + 15, 0x80, True, "  xmm7 "),
                                         ("fsw", 2, 0x01, True, "  fsw "),
                                         ("mxcsr", 24, 0x3f, True, "  mxcsr "),
                                         ("fip (not compared)", 8, 0x12, False, ""),
                                         ("fop (not compared)", 6, 0x12, False, ""),
                                         ("reserved (not compared)", 300, 0x12, False, "")):
        b = bytearray(img)
        b[off] ^= byte
        diff(f"x87/SSE {name}", with_fpu(its, k, bytes(b)), k, found, line)
    write_trace(mt, head, its)
    b = bytearray(img)
    b[40] ^= 1
    diff("an FPU item in one trace only is ignored", with_fpu(its, k, bytes(b)), k, False, "")

    shutil.rmtree(tmp)
    return tally.summary()


if __name__ == "__main__":
    sys.exit(main())
