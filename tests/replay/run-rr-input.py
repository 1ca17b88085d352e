#!/usr/bin/env python3
"""A recording whose input is changed must replay up to the first output
the change makes differ, and stop there (issue 7, "a changed input is
reported as a divergence at the right instruction count").

    tests/replay/run-rr-input.py [--build DIR] [--keep]

progs/input-sum (built by replay-tests.mk into DIR/tests/replay/) reads
a file in chunks of 100 bytes, one read(2) each, and writes one line per
chunk with the chunk's hash, one write(2) each.  It is recorded with
checkpoint=5000; then tests/replay/rrlog.py (a reader and writer of the
log written from docs/replay-format.md) edits the log and mimic-i386
replays the edited copy:

  - rewritten unchanged, it must replay with `verify` (exit 0): the
    writer is faithful, and frames the events where the recorder did;
  - with one byte of the data of the k-th read changed, the replay must
    stop with "divergence at instruction N of thread T (pc ...):
    write(1, ...): the bytes written differ from the recording's", exit
    status 1, where N and T are the icount and tid of the first write
    SYSCALL event after that read in the log, and its stdout must be
    exactly the lines written before it.  k is chosen from the log so
    that no checkpoint lies between the read and that write (a
    checkpoint there would see the changed memory first): the first and
    the last such read after two lines were written;
  - the same change to a read followed by a checkpoint before its write:
    the divergence is reported at that checkpoint;
  - a checkpoint's CPU hash changed: "the registers differ" at its
    icount; its memory hash changed: "guest memory differs";
  - the EXIT event's status changed: "exits with status".

Expected counts and lines come from the log and the recorded run, never
from mimic's own report.  Each run has a timeout; ends with "N passed,
N failed".
"""

import argparse
import os
import random
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "linux-user"))
sys.path.insert(0, HERE)
import harness                                   # noqa: E402
import rrlog                                     # noqa: E402

TIMEOUT = 30
NR_READ, NR_WRITE = 3, 4
INTERVAL = 5000
DIVERGENCE = re.compile(r"^mimic-i386: replay: divergence at instruction (\d+) of thread (\d+) "
                        r"\(pc 0x[0-9a-f]+\): (.*)$")
VERIFIED = re.compile(r"^mimic-i386: replay: verified: (\d+) checkpoints, (\d+) events, "
                      r"(\d+) instructions$")


class Stop(Exception):
    """The suite cannot go on (the failure is already counted)."""


def describe(res, what="run"):
    lines = ["%s: %s" % (what, res.status_text())]
    if res.stdout:
        lines.append("stdout: " + harness.show_bytes(res.stdout, 400).replace("\n", "\\n"))
    if res.stderr:
        lines.append("stderr: " + harness.show_bytes(res.stderr, 600).replace("\n", "\\n"))
    return lines


class Suite:
    def __init__(self, build, work):
        self.mimic = os.path.abspath(os.path.join(build, "mimic-i386"))
        self.prog = os.path.abspath(os.path.join(build, "tests", "replay", "input-sum"))
        self.work = work
        self.tally = harness.Tally("rr-input")

    def check(self, name, ok, details=()):
        if ok:
            self.tally.ok(name)
        else:
            self.tally.fail(name, list(details))
        return ok

    def require(self, name, ok, details=()):
        if not self.check(name, ok, details):
            raise Stop()

    def replay(self, log, options=""):
        return harness.run([self.mimic, "-rr", "replay,file=" + log + options],
                           cwd=self.work, env={"PATH": "/usr/bin:/bin"}, timeout=TIMEOUT)

    def edited(self, name, events):
        path = os.path.join(self.work, name)
        rrlog.write(path, self.log.header_bytes, events)
        return path

    def expect_divergence(self, name, path, ev, what, lines_before):
        """Replays path: it must diverge at event ev (its icount and tid)
        with a message containing what, after printing lines_before."""
        res = self.replay(path)
        first = res.stderr.decode(errors="replace").splitlines()[:1]
        m = DIVERGENCE.match(first[0]) if first else None
        problems = []
        if res.timed_out or res.status != 1:
            problems.append("exit status %s, expected 1" % res.status_text())
        if not m:
            problems.append("no divergence line first on stderr")
        else:
            if (int(m.group(1)), int(m.group(2))) != (ev.icount, ev.tid):
                problems.append("divergence at instruction %s of thread %s, expected %d of %d"
                                % (m.group(1), m.group(2), ev.icount, ev.tid))
            if what not in m.group(3):
                problems.append("the message does not say %r" % what)
        want = b"".join(lines_before)
        if res.stdout != want:
            problems.append("stdout is not the %d lines before the divergence" % len(lines_before))
            problems += harness.stdout_diff(want, res.stdout)
        self.check(name, not problems, problems + describe(res, "replay"))

    def lines_before(self, index):
        """The recorded stdout lines written by write(1) events before
        events[index] (each write is one line)."""
        n = sum(1 for ev in self.log.events[:index] if self.is_write(ev))
        return self.lines[:n]

    @staticmethod
    def is_write(ev):
        return ev.kind == rrlog.SYSCALL and rrlog.Syscall.parse(ev.payload).nr == NR_WRITE

    @staticmethod
    def is_read(ev):
        if ev.kind != rrlog.SYSCALL:
            return False
        sc = rrlog.Syscall.parse(ev.payload)
        return sc.nr == NR_READ and sc.args[0] == 3 and sc.pieces and sc.pieces[0][1]


def run(s):
    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(1550))
    with open(os.path.join(s.work, "data.bin"), "wb") as f:
        f.write(data)
    orig = os.path.join(s.work, "orig.rr")
    rec = harness.run([s.mimic, "-rr", "record,file=%s,checkpoint=%d" % (orig, INTERVAL),
                       s.prog, "data.bin"], cwd=s.work, env={"PATH": "/usr/bin:/bin"},
                      timeout=TIMEOUT)
    s.require("record input-sum", rec.status is not None and 10 <= rec.status <= 109
              and not rec.timed_out and os.path.isfile(orig), describe(rec, "record"))
    s.lines = rec.stdout.splitlines(keepends=True)
    s.require("recorded run printed 16 chunk lines", len(s.lines) == 16
              and s.lines[15].startswith(b"chunk 15: 50 bytes"), describe(rec, "record"))

    try:
        s.log = rrlog.read(orig)
        err = None
    except rrlog.LogError as e:
        err = str(e)
    s.require("rrlog reads the recording", err is None, [err or ""])
    evs = s.log.events
    last = evs[-1]
    s.check("the log ends with the run's exit status",
            last.kind == rrlog.EXIT and rrlog.parse_exit(last.payload) == (0, rec.status)
            and not s.log.truncated, ["last event %r" % last])
    s.check("rrlog frames the events where the recorder did",
            [n for _, n in s.log.frames] == [len(f) for f in rrlog.framing(evs)],
            ["recorder: %s" % [n for _, n in s.log.frames],
             "rrlog: %s" % [len(f) for f in rrlog.framing(evs)]])

    same = s.edited("same.rr", evs)
    res = s.replay(same, ",verify")
    err_lines = res.stderr.decode(errors="replace").splitlines()
    ncheck = sum(1 for ev in evs if ev.kind == rrlog.CHECKPOINT)
    m = VERIFIED.match(err_lines[-1]) if err_lines else None
    s.check("the unchanged log rewritten by rrlog replays with verify",
            res.status == 0 and m is not None and int(m.group(1)) == ncheck
            and int(m.group(2)) == len(evs) and res.stdout == b"",
            describe(res, "verify") + ["expected %d checkpoints, %d events" % (ncheck, len(evs))])

    # The reads of the file, each with the index of the next write and
    # whether a checkpoint comes between them.
    reads = []
    for i, ev in enumerate(evs):
        if not s.is_read(ev):
            continue
        j = next((j for j in range(i + 1, len(evs)) if s.is_write(evs[j])), None)
        if j is None:
            continue
        cps = [c for c in range(i + 1, j) if evs[c].kind == rrlog.CHECKPOINT]
        reads.append((i, j, cps))
    s.require("the log has 16 reads of the file followed by a write", len(reads) == 16,
              ["%d such reads" % len(reads)])
    clean = [r for r in reads[2:] if not r[2]]
    dirty = [r for r in reads[2:] if r[2]]
    s.require("some reads have no checkpoint before their write", bool(clean),
              ["every read is followed by a checkpoint before its write"])
    picks = [clean[0]] + ([clean[-1]] if len(clean) > 1 else [])

    for i, j, _ in picks:
        k = reads.index((i, j, [])) + 1
        sc = rrlog.Syscall.parse(evs[i].payload)
        piece = sc.pieces[0][1]
        piece[len(piece) // 2] ^= 0x5A
        changed = list(evs)
        changed[i] = rrlog.Event(evs[i].kind, evs[i].tid, evs[i].icount, sc.pack())
        path = s.edited("read%d.rr" % k, changed)
        s.expect_divergence("read %d changed: divergence at the next write (instruction %d)"
                            % (k, evs[j].icount), path, evs[j],
                            "write(1, ...): the bytes written differ from the recording's",
                            s.lines_before(j))

    if dirty:
        i, j, cps = dirty[0]
        k = reads.index(dirty[0]) + 1
        sc = rrlog.Syscall.parse(evs[i].payload)
        piece = sc.pieces[0][1]
        piece[0] ^= 0x01
        changed = list(evs)
        changed[i] = rrlog.Event(evs[i].kind, evs[i].tid, evs[i].icount, sc.pack())
        path = s.edited("read%d-cp.rr" % k, changed)
        cp = evs[cps[0]]
        res = s.replay(path)
        first = res.stderr.decode(errors="replace").splitlines()[:1]
        m = DIVERGENCE.match(first[0]) if first else None
        s.check("read %d changed, a checkpoint before its write: divergence at the checkpoint "
                "(instruction %d)" % (k, cp.icount),
                res.status == 1 and m is not None
                and (int(m.group(1)), int(m.group(2))) == (cp.icount, cp.tid)
                and ("the registers differ" in m.group(3)
                     or "guest memory differs" in m.group(3))
                and res.stdout == b"".join(s.lines_before(cps[0])),
                describe(res, "replay"))

    # A checkpoint in the middle of the chunk lines.
    cps = [c for c in range(reads[5][0], len(evs)) if evs[c].kind == rrlog.CHECKPOINT]
    s.require("a checkpoint after the sixth read", bool(cps), [])
    c = cps[0]
    for field, what in (("cpu_hash", "the registers differ"),
                        ("mem_hash", "guest memory differs")):
        cp = rrlog.Checkpoint.parse(evs[c].payload)
        setattr(cp, field, getattr(cp, field) ^ 0x1)
        changed = list(evs)
        changed[c] = rrlog.Event(evs[c].kind, evs[c].tid, evs[c].icount, cp.pack())
        path = s.edited("%s.rr" % field, changed)
        s.expect_divergence("checkpoint's %s changed: %r at instruction %d"
                            % (field, what, evs[c].icount), path, evs[c], what,
                            s.lines_before(c))

    changed = list(evs)
    changed[-1] = rrlog.Event(last.kind, last.tid, last.icount,
                              rrlog.pack_exit(0, (rec.status + 1) & 0xFF))
    path = s.edited("exit.rr", changed)
    s.expect_divergence("exit status changed: reported at the exit (instruction %d)"
                        % last.icount, path, last,
                        "exits with status %d, in the recording it exited with status %d"
                        % (rec.status, rec.status + 1), s.lines)

    # The reader itself: one flipped bit in a frame's data is an error
    # naming that frame, not a crash.
    with open(orig, "rb") as f:
        raw = bytearray(f.read())
    off, _ = s.log.frames[3]
    raw[off + 16 + 4] ^= 0x10
    bad = os.path.join(s.work, "bad.rr")
    with open(bad, "wb") as f:
        f.write(raw)
    try:
        rrlog.read(bad)
        err = None
    except rrlog.LogError as e:
        err = str(e)
    s.check("rrlog refuses a damaged frame, naming it",
            err is not None and err.startswith("frame 3 at offset %d: " % off), [repr(err)])


def main():
    harness.install_cleanup()
    ap = argparse.ArgumentParser(description="Changed inputs in a recording of mimic-i386.")
    ap.add_argument("--build", default=None,
                    help="build directory (default $RR_BUILD, $LINUX_USER_BUILD or build)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = ap.parse_args()
    build = args.build or os.environ.get("RR_BUILD") or harness.build_dir()
    work = tempfile.mkdtemp(prefix="rr-input-")
    s = Suite(build, work)
    try:
        for exe in (s.mimic, s.prog):
            s.require("%s is built" % os.path.relpath(exe), os.path.isfile(exe),
                      ["make %s" % harness.make_target(exe)])
        run(s)
    except Stop:
        pass
    finally:
        if args.keep:
            print("scratch directory kept: %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return s.tally.finish()


if __name__ == "__main__":
    sys.exit(main())
