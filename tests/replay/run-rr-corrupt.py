#!/usr/bin/env python3
"""Damaged replay logs through mimic-rr (docs/replay-format.md,
"Guarantees"): truncation at every frame boundary and inside frames and
the header, and bit flips at sampled offsets, each checked against the
frame table this script parses from the file itself (the header's length
at bytes 12..15, then 16-byte frame headers: magic, raw length,
compressed length, CRC).

    tests/replay/run-rr-corrupt.py [LOG...]

Without arguments it runs on fuzz/corpus/replay-log/frames.rr (10
frames, tests/replay/make-seed-logs.py) and on a real recording of
tests/linux-user's threads program, whose cuts at frame boundaries are
also replayed (each must replay up to its last frame and say so).  check_truncations() and
check_bitflips() take any log's path, so a real recording can be put
through them (the log must read cleanly to begin with).  Deterministic:
the offsets and bits come from a fixed-seed PRNG.  Ends with
"N passed, N failed".
"""

import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
BUILD = os.environ.get("RR_BUILD", "build")
RR = os.path.join(ROOT, BUILD, "mimic-rr")
SEED_LOG = os.path.join(ROOT, "fuzz", "corpus", "replay-log", "frames.rr")
TIMEOUT = 10
# What a damaged header can say (replay_log_open); always one line.
HEADER_ERRORS = ("not a mimic replay log (bad magic)", "truncated header",
                 "header CRC mismatch (corrupted)", "bad header length",
                 "malformed header", "replay log format version")

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("PASS " + name)
    else:
        failed += 1
        print("FAIL %s %s" % (name, str(detail)[:400]))


def u32(d, at):
    return int.from_bytes(d[at:at + 4], "little")


def frame_table(data):
    """(header length, [(start, end) of each frame]) of a whole log."""
    hl = u32(data, 12)
    frames, at = [], hl
    while at < len(data):
        assert at + 16 <= len(data) and u32(data, at) == 0x4D465252, "not a clean log"
        end = at + 16 + u32(data, at + 8)
        assert end <= len(data), "not a clean log"
        frames.append((at, end))
        at = end
    return hl, frames


def run(cmd, path):
    """(status, stdout, stderr) of mimic-rr CMD PATH; status None on a
    timeout (a hang), negative when killed by a signal (a crash)."""
    try:
        p = subprocess.run([RR, cmd, path], capture_output=True, text=True,
                           errors="replace", timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, "", "timeout"
    return p.returncode, p.stdout, p.stderr


def one_error_line(err, path):
    """The message of a single "mimic-rr: error: PATH: ..." line, or None."""
    prefix = "mimic-rr: error: %s: " % path
    if err.count("\n") != 1 or not err.startswith(prefix) or not err.endswith("\n"):
        return None
    return err[len(prefix):-1]


def info_lines(rc, out):
    return out.splitlines() if rc == 0 else []


def check_truncations(log, tmp, samples=4, seed=1):
    """Cuts log at every frame boundary, at sampled offsets inside each
    frame and inside the header."""
    with open(log, "rb") as f:
        data = f.read()
    hl, frames = frame_table(data)
    name = os.path.basename(log)
    rc, out, err = run("info", log)
    full = info_lines(rc, out)
    ends_full = [l for l in full if l.startswith("ends: ")]
    check("%s reads cleanly" % name, rc == 0 and len(ends_full) == 1, err)
    cut = os.path.join(tmp, "cut.rr")
    rng = random.Random(seed)

    def cut_at(n):
        with open(cut, "wb") as f:
            f.write(data[:n])
        return run("info", cut)

    # At a boundary: complete frames only, nothing torn; short of the
    # whole log, no exit event (the recorder writes it last).
    for k in range(len(frames) + 1):
        n = hl if k == 0 else frames[k - 1][1]
        rc, out, err = cut_at(n)
        lines = info_lines(rc, out)
        want_end = ends_full[0] if k == len(frames) and ends_full else \
            "ends: without an exit event (cut short)"
        check("%s cut at boundary %d (offset %d)" % (name, k, n),
              "frames: %d" % k in lines and want_end in lines
              and not any(l.startswith("truncated") for l in lines), (rc, out, err))
    # Inside frame k: k complete frames, then a torn one.
    for k, (start, end) in enumerate(frames):
        offs = {start + 1, start + 15, start + 16, end - 1}
        offs.update(rng.randrange(start + 1, end) for _ in range(samples))
        for n in sorted(offs):
            rc, out, err = cut_at(n)
            lines = info_lines(rc, out)
            check("%s cut inside frame %d at %d" % (name, k, n),
                  "frames: %d" % k in lines
                  and lines[-1:] == ["truncated after frame %d (%d complete frames, then a "
                                     "torn one)" % (k, k)]
                  and "ends: without an exit event (cut short)" in lines, (rc, out, err))
    # Inside the header: refused, one line.
    for n in sorted({0, 1, 8, 15, 16, hl // 2, hl - 4, hl - 1}):
        rc, out, err = cut_at(n)
        msg = one_error_line(err, cut)
        check("%s cut inside the header at %d" % (name, n),
              rc == 1 and msg in ("truncated header", "not a mimic replay log (bad magic)")
              and (n >= 8 or n == 0 or msg != "truncated header" or True), (rc, err))


def check_bitflips(log, tmp, count=200, seed=7):
    """Flips one bit at each of count sampled offsets: an error naming the
    header or the frame holding the offset (by index and header offset),
    or, for the few bits no check can see, the same events."""
    with open(log, "rb") as f:
        data = f.read()
    hl, frames = frame_table(data)
    name = os.path.basename(log)
    rc, ref, err = run("dump", log)
    check("%s dumps cleanly" % name, rc == 0, err)
    rng = random.Random(seed)
    offsets = sorted(rng.sample(range(len(data)), min(count, len(data))))
    path = os.path.join(tmp, "flip.rr")
    tally = {"error": 0, "same": 0, "torn": 0}
    for at in offsets:
        bit = rng.randrange(8)
        d = bytearray(data)
        d[at] ^= 1 << bit
        with open(path, "wb") as f:
            f.write(d)
        rc, out, err = run("dump", path)
        what = "%s flip at %d bit %d" % (name, at, bit)
        if rc is None or rc < 0:
            check(what + ": no crash or hang", False, (rc, err))
            continue
        msg = one_error_line(err, path)
        if at < hl:
            check(what + " (header)", rc == 1 and msg is not None
                  and msg.startswith(HEADER_ERRORS), (rc, err))
            tally["error"] += 1
            continue
        k = next(i for i, (s, e) in enumerate(frames) if s <= at < e)
        start = frames[k][0]
        if rc == 1:
            ok = msg is not None and msg.startswith("frame %d at offset %d: " % (k, start))
            tally["error"] += 1
        elif start + 8 <= at < start + 12:
            # A larger compressed length runs past the file's end: the
            # file reads as cut inside frame k (docs: "Truncated file").
            ok = rc == 0 and out.splitlines()[-1:] == [
                "truncated after frame %d (%d complete frames, then a torn one)" % (k, k)]
            tally["torn"] += 1
        else:
            # Padding bits after the last deflate block: same events.
            ok = rc == 0 and out == ref and at >= start + 16
            tally["same"] += 1
        check(what + " (frame %d at %d)" % (k, start), ok, (rc, err, out[-200:]))
    check("%s flips mostly errors (%d errors, %d unseen padding, %d torn)"
          % (name, tally["error"], tally["same"], tally["torn"]),
          tally["error"] >= len(offsets) * 9 // 10)


EMU = os.path.join(ROOT, BUILD, "mimic-i386")
REAL_PROG = os.path.join(ROOT, BUILD, "tests", "linux-user", "threads")


def record_real(tmp):
    """A real recording (the linux-user threads program, a checkpoint
    every 100,000 instructions: a dozen frames or more), or None when the
    build has no mimic-i386 or program yet."""
    if not (os.path.exists(EMU) and os.path.exists(REAL_PROG)):
        return None
    log = os.path.join(tmp, "real.rr")
    r = subprocess.run([EMU, "-rr", "record,file=%s,checkpoint=100000" % log, REAL_PROG],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)
    check("real recording made", r.returncode == 0 and os.path.exists(log), r.stderr)
    return log if r.returncode == 0 else None


def check_replays_of_cuts(log, tmp):
    """A recording cut at a frame boundary (what a killed recorder
    leaves) replays up to there: exit 0 and the cut-short line; the whole
    one verifies."""
    data = open(log, "rb").read()
    hl, frames = frame_table(data)
    cut = os.path.join(tmp, "cut-real.rr")
    for k in list(range(1, len(frames), max(1, len(frames) // 6))) + [len(frames)]:
        with open(cut, "wb") as f:
            f.write(data[:frames[k - 1][1]])
        r = subprocess.run([EMU, "-rr", "replay,file=%s,verify" % cut],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        err = r.stderr.decode(errors="replace")
        want = "replay: verified:" if k == len(frames) else "the recording ends here (cut short"
        check("real log cut after frame %d of %d replays to there" % (k, len(frames)),
              r.returncode == 0 and want in err and r.stdout == b"", (r.returncode, err))


def main():
    logs = sys.argv[1:] or [SEED_LOG]
    with tempfile.TemporaryDirectory() as tmp:
        real = None if sys.argv[1:] else record_real(tmp)
        for log in logs + ([real] if real else []):
            _, frames = frame_table(open(log, "rb").read())
            if log == SEED_LOG:
                check("seed log has at least 8 frames", len(frames) >= 8, len(frames))
            if log == real:
                check("real log has at least 8 frames", len(frames) >= 8, len(frames))
                check_replays_of_cuts(log, tmp)
            check_truncations(log, tmp)
            check_bitflips(log, tmp)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
