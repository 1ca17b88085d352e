#!/usr/bin/env python3
"""mimic-rr info/dump end to end (docs/replay-format.md), on the seed
logs of fuzz/corpus/replay-log/ (14 events: kinds syscall, random,
nondet, signal, switch, checkpoint, exit in turn, twice; instruction
count 50 per event; one-frame.rr in one frame, frames.rr flushed every 3
events, truncated.rr cut inside its second frame, bitflip.rr damaged in
its second frame, version2.rr with format version 2).  The expected
values come from how the seeds were made, not from mimic-rr.  Ends with
"N passed, N failed".
"""

import os
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
BUILD = os.environ.get("RR_BUILD", "build")
RR = os.path.join(ROOT, BUILD, "mimic-rr")
SEEDS = os.path.join(ROOT, "fuzz", "corpus", "replay-log")
KINDS = ["syscall", "random", "nondet", "signal", "switch", "checkpoint", "exit"]

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("PASS " + name)
    else:
        failed += 1
        print("FAIL %s %s" % (name, detail))


def rr(*args):
    p = subprocess.run([RR] + list(args), capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def seed(name):
    return os.path.join(SEEDS, name)


def main():
    rc, out, err = rr("info", seed("frames.rr"))
    lines = out.splitlines()
    check("info exit status", rc == 0 and err == "", err)
    for want in ["format version: 1", "mimic version: 0.1", "target: i386",
                 "command line: /bin/prog arg", "configuration hash: 0000000000001234",
                 "checkpoint interval: 100000", "events: 14",
                 "last instruction count: 650", "checkpoints: 2", "frames: 5",
                 "file size: %d bytes" % os.path.getsize(seed("frames.rr"))]:
        check("info: " + want, want in lines, out)
    for k in KINDS:
        check("info count " + k, "  %s: 2" % k in lines, out)

    rc, out, _ = rr("info", seed("one-frame.rr"))
    check("info one frame", rc == 0 and "frames: 1" in out.splitlines(), out)

    rc, out, err = rr("dump", seed("frames.rr"))
    lines = out.splitlines()
    check("dump: one line per event", rc == 0 and len(lines) == 14, out)
    for i, line in enumerate(lines):
        kind = KINDS[i % 7]
        head = "icount=%d tid=%d %s" % (i * 50, 1 + i % 2, kind)
        check("dump line %d" % i, line.startswith(head), line)
    check("dump syscall", lines[0] == "icount=0 tid=1 syscall nr=3 result=0x8 writes=2 "
          "[0x1000+8 0102030405060708] [0x2000+0 ]", lines[0])
    check("dump switch", lines[4] == "icount=200 tid=1 switch next=2", lines[4])

    # Truncated: not an error; events of the complete frame only.
    rc, out, err = rr("dump", seed("truncated.rr"))
    lines = out.splitlines()
    check("truncated dump status", rc == 0, err)
    check("truncated dump events", len(lines) == 8 and lines[-1].startswith("truncated after frame 1"),
          out)
    rc, out, err = rr("info", seed("truncated.rr"))
    check("truncated info", rc == 0 and "truncated after frame 1" in out, out)

    # Corrupt: one error line naming the frame and offset, exit 1.
    rc, out, err = rr("info", seed("bitflip.rr"))
    check("bitflip status", rc == 1, str(rc))
    check("bitflip message", err.startswith("mimic-rr: error: ") and "frame 1 at offset" in err
          and err.count("\n") == 1, err)
    rc, out, err = rr("dump", seed("version2.rr"))
    check("version refused", rc == 1 and err.strip().endswith(
        "replay log format version 2, this mimic reads version 1"), err)
    rc, out, err = rr("info", "/nonexistent.rr")
    check("missing file", rc == 1 and err == "mimic-rr: error: /nonexistent.rr: "
          "No such file or directory\n", err)
    rc, out, err = rr("verify", seed("frames.rr"))
    check("no verify yet", rc == 1 and err.startswith("usage:") and "verify" not in err, err)

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
