#!/usr/bin/env python3
"""Whole programs compared with the host CPU, instruction by instruction.

Three programs of over a million instructions each (a test-i386 section,
a busybox applet, a compression run) are traced natively under
mimic-hwtrace, then run under mimic-i386 -trace-follow (which takes the
system call results, CPUID/RDTSC values and the initial stack from the
reference) on each backend, and mimic-tracediff must find the traces
identical, x87/SSE state included, and the outputs equal.  Native tracing
single-steps the program (tens of microseconds an instruction), so the
references are made two at a time, on different CPUs.  Ends with
"N passed, N failed".
"""

import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

from tracetools import BUILD, Tally, tool

BUSYBOX = "/bin/busybox"
FPU_EVERY = 50000
MIN_INSNS = 1_000_000
BACKENDS = [("x86-64", []), ("interp", ["-accel", "tcg,jit=off"])]
tally = Tally()
check = tally.check


def lcg_bytes(n, seed, text):
    """Deterministic input: words from a small vocabulary (compressible) or
    raw bytes."""
    words = [b"mimic", b"trace", b"the", b"cpu", b"of", b"x86", b"emulator",
             b"instruction", b"flags", b"carry", b"\n", b"zero", b"sign"]
    out = bytearray()
    x = seed
    while len(out) < n:
        x = (x * 1103515245 + 12345) & 0x7fffffff
        if text:
            out += words[(x >> 8) % len(words)] + (b"" if x & 1 else b" ")
        else:
            out.append((x >> 16) & 0xff)
    return bytes(out[:n])


def hwtrace(cpu, ref, argv):
    def pin():
        try:
            os.sched_setaffinity(0, {cpu})
        except OSError:
            pass
    return subprocess.run([tool("mimic-hwtrace"), "-fpu", str(FPU_EVERY), "-o", ref] + argv,
                          capture_output=True, timeout=900, preexec_fn=pin)


def main():
    if not os.path.exists(BUSYBOX):
        print(f"skip  {BUSYBOX} is missing (make deps installs busybox-static:i386)")
        print("0 passed, 0 failed, 1 skipped")
        return 0
    tmp = tempfile.mkdtemp(prefix="mimic-hwlong-")
    sha_in = os.path.join(tmp, "sha.in")
    gz_in = os.path.join(tmp, "gz.in")
    with open(sha_in, "wb") as f:
        f.write(lcg_bytes(12000, 7, text=False))
    with open(gz_in, "wb") as f:
        f.write(lcg_bytes(6000, 11, text=True))
    programs = [
        ("test-i386 cond", [os.path.join(BUILD, "tests/test-i386/test-i386"), "cond"]),
        ("busybox sha256sum", [BUSYBOX, "sha256sum", sha_in]),
        ("busybox gzip -9", [BUSYBOX, "gzip", "-9", "-c", gz_in]),
    ]
    cpus = sorted(os.sched_getaffinity(0))
    refs = {}
    with ThreadPoolExecutor(max_workers=min(2, len(cpus))) as pool:
        futures = {}
        for i, (name, argv) in enumerate(programs):
            ref = os.path.join(tmp, f"ref{i}.trace")
            futures[name] = (ref, pool.submit(hwtrace, cpus[i % len(cpus)], ref, argv))
        for name, (ref, fut) in futures.items():
            refs[name] = (ref, fut.result())

    for i, (name, argv) in enumerate(programs):
        ref, hw = refs[name]
        m = re.search(rb"mimic-hwtrace: (\d+) instructions", hw.stderr)
        n = int(m.group(1)) if m else 0
        check(f"{name}: native trace ({n} instructions)",
              hw.returncode == 0 and n >= MIN_INSNS,
              f"exit {hw.returncode}, {n} instructions, {hw.stderr[-300:]!r}")
        if hw.returncode != 0:
            continue
        for bname, bopts in BACKENDS:
            mine = os.path.join(tmp, f"mimic{i}-{bname}.trace")
            r = subprocess.run([tool("mimic-i386")] + bopts +
                               ["-trace-cpu", mine, "-trace-fpu", str(FPU_EVERY),
                                "-trace-follow", ref] + argv,
                               capture_output=True, timeout=600)
            check(f"{name} [{bname}]: output identical to the native run",
                  r.returncode == 0 and r.stdout == hw.stdout and not r.stderr,
                  f"exit {r.returncode}, stderr {r.stderr[-300:]!r}")
            d = subprocess.run([tool("mimic-tracediff"), ref, mine], capture_output=True,
                               text=True, timeout=600)
            m = re.search(r"(\d+) instructions compared.* (\d+) x87/SSE states compared", d.stdout)
            compared = int(m.group(1)) if m else 0
            fpu = int(m.group(2)) if m else 0
            check(f"{name} [{bname}]: traces agree ({compared} instructions, "
                  f"{fpu} x87/SSE states)",
                  d.returncode == 0 and compared == n and fpu >= n // FPU_EVERY,
                  f"tracediff exit {d.returncode}:\n{d.stdout[-2500:]}{d.stderr}")
            os.unlink(mine)
        os.unlink(ref)
    for f in (sha_in, gz_in):
        os.unlink(f)
    os.rmdir(tmp)
    return tally.summary()


if __name__ == "__main__":
    sys.exit(main())
