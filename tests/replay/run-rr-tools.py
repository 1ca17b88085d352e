#!/usr/bin/env python3
"""mimic-rr info/dump/verify end to end (docs/replay-format.md), on the
seed logs of fuzz/corpus/replay-log/, written by
tests/replay/make-seed-logs.py (format version 2, 20 events: a stack
event, three rounds of syscall, random, nondet, signal, switch,
checkpoint, then exit status 3; icount 50 per event, tid 1 + i % 2;
frames.rr flushed every 2 events, one-frame.rr in one frame ending killed
by signal 9, cut.rr without the last frame, truncated.rr cut inside its
fourth frame, bitflip.rr with frame 1's CRC damaged, version1.rr with
format version 1).  The expected values come from how the seeds were
made, not from mimic-rr.  verify's error paths only: the replay itself
is the replayer's suite.  Ends with "N passed, N failed".
"""

import os
import shutil
import subprocess
import sys
import tempfile
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
BUILD = os.environ.get("RR_BUILD", "build")
RR = os.path.join(ROOT, BUILD, "mimic-rr")
SEEDS = os.path.join(ROOT, "fuzz", "corpus", "replay-log")
ROUND = ["syscall", "random", "nondet", "signal", "switch", "checkpoint"]
KINDS = ["stack"] + ROUND * 3 + ["exit"]

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("PASS " + name)
    else:
        failed += 1
        print("FAIL %s %s" % (name, detail))


def rr(*args, prog=RR):
    p = subprocess.run([prog] + list(args), capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def seed(name):
    return os.path.join(SEEDS, name)


def test_info():
    rc, out, err = rr("info", seed("frames.rr"))
    lines = out.splitlines()
    check("info exit status", rc == 0 and err == "", err)
    for want in ["format version: 2", "mimic version: 0.1", "target: i386",
                 "command line: /bin/prog arg", "configuration hash: 0000000000001234",
                 "checkpoint interval: 100000", "program: /usr/bin/prog", "events: 20",
                 "last instruction count: 950", "checkpoints: 3", "frames: 10",
                 "file size: %d bytes" % os.path.getsize(seed("frames.rr")),
                 "ends: exit status 3"]:
        check("info: " + want, want in lines, out)
    for k in ROUND:
        check("info count " + k, "  %s: 3" % k in lines, out)
    for k in ["stack", "exit"]:
        check("info count " + k, "  %s: 1" % k in lines, out)

    rc, out, _ = rr("info", seed("one-frame.rr"))
    lines = out.splitlines()
    check("info one frame", rc == 0 and "frames: 1" in lines, out)
    check("info killed", "ends: killed by signal 9" in lines, out)
    rc, out, _ = rr("info", seed("cut.rr"))
    lines = out.splitlines()
    check("info cut short", rc == 0 and "frames: 9" in lines and "events: 18" in lines
          and "ends: without an exit event (cut short)" in lines
          and not any(l.startswith("truncated") for l in lines), out)
    rc, out, _ = rr("info", seed("header-only.rr"))
    lines = out.splitlines()
    check("info header only", rc == 0 and "events: 0" in lines and "frames: 0" in lines
          and not any(l.startswith("program:") for l in lines), out)


def test_dump():
    rc, out, err = rr("dump", seed("frames.rr"))
    lines = out.splitlines()
    check("dump: one line per event", rc == 0 and len(lines) == 20, out)
    for i, line in enumerate(lines):
        head = "icount=%d tid=%d %s" % (i * 50, 1 + i % 2, KINDS[i])
        check("dump line %d" % i, line.startswith(head), line)
    check("dump stack", lines[0] == "icount=0 tid=1 stack sp=0xbffff000 auxv=0xbffff020+32 "
          "path=/usr/bin/prog len=64", lines[0])
    check("dump syscall", lines[1] == "icount=50 tid=2 syscall nr=3 "
          "args=0x0,0x1000,0x8,0x0,0x0,0x0 result=0x8 writes=2 "
          "[0x1000+8 0102030405060708] [0x2000+0 ]", lines[1])
    check("dump syscall out hash", lines[7] == "icount=350 tid=2 syscall nr=3 "
          "args=0x0,0x1001,0x8,0x0,0x0,0x0 result=0x8 out=0123456789abcdef writes=2 "
          "[0x1000+8 0102030405060708] [0x2000+0 ]", lines[7])
    check("dump nondet", lines[9] == "icount=450 tid=2 nondet rdtsc=0x0f31 eax=0x00000011 "
          "ecx=0x00000020 edx=0x00000030 ebx=0x00000040", lines[9])
    check("dump switch", lines[5] == "icount=250 tid=2 switch next=2", lines[5])
    check("dump checkpoint", lines[12] == "icount=600 tid=1 checkpoint pc=0x8048001 "
          "cpu=0000000000002222 mem=0000000000004444 regs_len=40", lines[12])
    check("dump exit", lines[19] == "icount=950 tid=2 exit status=3", lines[19])


def test_damaged():
    # Truncated: not an error; events of the complete frames only.
    rc, out, err = rr("dump", seed("truncated.rr"))
    lines = out.splitlines()
    check("truncated dump status", rc == 0, err)
    check("truncated dump events", len(lines) == 7 and lines[-1].startswith("truncated after frame 3"),
          out)
    rc, out, err = rr("info", seed("truncated.rr"))
    check("truncated info", rc == 0 and "truncated after frame 3" in out
          and "ends: without an exit event (cut short)" in out, out)

    # Corrupt: one error line naming the frame and offset, exit 1.
    rc, out, err = rr("info", seed("bitflip.rr"))
    hl = 68
    check("bitflip status", rc == 1, str(rc))
    check("bitflip message", err == "mimic-rr: error: %s: frame 1 at offset %d: CRC mismatch "
          "(corrupted)\n" % (seed("bitflip.rr"), hl + (16 + 0) + frame0_clen()), err)
    rc, out, err = rr("dump", seed("version1.rr"))
    check("version refused", rc == 1 and err == "mimic-rr: error: %s: replay log format "
          "version 1, this mimic reads version 2\n" % seed("version1.rr"), err)
    rc, out, err = rr("info", "/nonexistent.rr")
    check("missing file", rc == 1 and err == "mimic-rr: error: /nonexistent.rr: "
          "No such file or directory\n", err)
    rc, out, err = rr("frob", seed("frames.rr"))
    check("unknown command", rc == 1 and err.startswith("usage:") and "verify FILE" in err, err)


def frame0_clen():
    with open(seed("frames.rr"), "rb") as f:
        d = f.read()
    return int.from_bytes(d[68 + 8:68 + 12], "little")


def test_verify_errors():
    # Refused before anything runs: the same messages as info.
    rc, out, err = rr("verify", "/nonexistent.rr")
    check("verify missing file", rc == 1 and out == "" and err == "mimic-rr: error: "
          "/nonexistent.rr: No such file or directory\n", err)
    rc, out, err = rr("verify", seed("bitflip.rr"))
    check("verify corrupt", rc == 1 and out == "" and err.count("\n") == 1
          and "frame 1 at offset" in err, err)
    rc, out, err = rr("verify", seed("version1.rr"))
    check("verify version 1", rc == 1 and out == "" and err.endswith(
          "replay log format version 1, this mimic reads version 2\n"), err)
    # A mimic-rr alone in a directory: no emulator beside it.
    with tempfile.TemporaryDirectory() as d:
        lone = os.path.join(d, "mimic-rr")
        shutil.copy(RR, lone)
        rc, out, err = rr("verify", seed("frames.rr"), prog=lone)
        want = "mimic-rr: error: no mimic-i386 beside mimic-rr (%s/mimic-i386: " \
               "No such file or directory)\n" % os.path.realpath(d)
        check("verify without emulator", rc == 1 and out == "" and err == want, err)
        # A target name that is not a plain name is never run.
        bad = os.path.join(d, "bad.rr")
        with open(seed("frames.rr"), "rb") as f:
            data = bytearray(f.read())
        i = data.index(b"i386")
        data[i:i + 4] = b"../x"
        hl = int.from_bytes(data[12:16], "little")
        data[hl - 4:hl] = zlib.crc32(bytes(data[:hl - 4])).to_bytes(4, "little")
        with open(bad, "wb") as f:
            f.write(data)
        rc, out, err = rr("verify", bad, prog=lone)
        check("verify bad target", rc == 1 and err == "mimic-rr: error: %s: unknown target "
              "in the log's header\n" % bad, err)


def reframe(data, change):
    """data with change(raw events of a frame) -> new raw applied to every
    frame, re-compressed with fresh lengths and CRC (the layout of
    docs/replay-format.md)."""
    hl = int.from_bytes(data[12:16], "little")
    out, at = bytearray(data[:hl]), hl
    while at < len(data):
        clen = int.from_bytes(data[at + 8:at + 12], "little")
        raw = change(zlib.decompress(data[at + 16:at + 16 + clen]))
        z = zlib.compress(raw)
        out += b"".join(v.to_bytes(4, "little") for v in
                        (0x4D465252, len(raw), len(z), zlib.crc32(raw))) + z
        at += 16 + clen
    return bytes(out)


def test_verify_replay():
    """Only when mimic-i386 and a static guest program are built: a real
    recording verifies; the same log with its first checkpoint's CPU hash
    changed does not."""
    emu = os.path.join(ROOT, BUILD, "mimic-i386")
    prog = os.path.join(ROOT, BUILD, "tests", "linux-user", "libc-static")
    if not (os.path.exists(emu) and os.path.exists(prog)):
        print("(verify replay: no %s or %s; skipped)" % (emu, prog))
        return
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "run,1.rr")       # a comma: doubled in -rr's value
        p = subprocess.run([emu, "-rr", "record,file=%s,checkpoint=2000" % log.replace(",", ",,"),
                            prog], capture_output=True, timeout=60)
        rc, out, err = rr("info", log)
        lines = out.splitlines()
        check("verify replay: recorded", rc == 0 and "ends: exit status %d" % p.returncode in lines
              and "program: %s" % os.path.realpath(prog) in lines, (p.stderr, err))
        rc, out, err = rr("verify", log)
        check("verify replay: matches", rc == 0 and out == "" and err.count("\n") == 1
              and "verified" in err, (rc, out, err))
        state = {"done": False}

        def bump(raw):
            # The first CHECKPOINT event: its cpu hash is payload bytes 8..15.
            at = 0
            while at < len(raw) and not state["done"]:
                plen = int.from_bytes(raw[at + 13:at + 17], "little")
                if raw[at] == 6:
                    b = bytearray(raw)
                    b[at + 17 + 8] ^= 1
                    state["done"] = True
                    return bytes(b)
                at += 17 + plen
            return raw
        with open(log, "rb") as f:
            bad = reframe(f.read(), bump)
        badlog = os.path.join(d, "bad.rr")
        with open(badlog, "wb") as f:
            f.write(bad)
        rc, out, err = rr("verify", badlog)
        check("verify replay: changed checkpoint diverges", state["done"] and rc == 1
              and "mimic-rr: error" not in err and err != "", (rc, err))


def main():
    test_info()
    test_dump()
    test_damaged()
    test_verify_errors()
    test_verify_replay()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
